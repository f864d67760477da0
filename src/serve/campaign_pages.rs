//! The campaign's pages: login, the Région's dashboard, a network's page, a deposit. Their
//! words in both languages ([`Words`]); what they show comes from the store, as the API gives
//! it.

use super::pages::framed;
use askama::Template;

use super::pages::Frame;
use crate::campaign::dashboard::Dashboard;
use crate::campaign::Deposited;
use crate::i18n::Lang;

/// The campaign pages' words.
pub(super) struct Words {
    pub login_h: &'static str,
    pub login_intro: &'static str,
    pub email: &'static str,
    pub send_link: &'static str,
    pub link_sent: &'static str,
    pub link_intro: &'static str,
    pub link_gone: &'static str,
    pub log_in: &'static str,
    pub log_out: &'static str,
    pub privacy_h: &'static str,
    pub privacy: &'static str,
    pub dashboard_h: &'static str,
    pub not_sent_h: &'static str,
    pub not_sent_intro: &'static str,
    pub not_sent_when: &'static str,
    pub not_sent_to: &'static str,
    pub not_sent_subject: &'static str,
    pub network: &'static str,
    pub name: &'static str,
    pub departement: &'static str,
    pub state: &'static str,
    pub latest: &'static str,
    pub errors: &'static str,
    pub warnings: &'static str,
    pub deposits: &'static str,
    pub renews: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub late: &'static str,
    pub deposit_label: &'static str,
    pub deposit: &'static str,
    pub closed: &'static str,
    pub none_yet: &'static str,
    pub deposit_no: &'static str,
    pub when: &'static str,
    pub file: &'static str,
    pub verdict: &'static str,
    pub decision: &'static str,
    pub download_file: &'static str,
    pub download_copy: &'static str,
    pub findings: &'static str,
    pub no_finding: &'static str,
    pub rule: &'static str,
    pub where_: &'static str,
    pub message: &'static str,
    pub decisions: &'static str,
    pub no_decision: &'static str,
    pub accept: &'static str,
    pub correction_label: &'static str,
    pub ask_correction: &'static str,
    pub csv: &'static str,
    pub consolidate_h: &'static str,
    pub output: &'static str,
    pub output_workbook: &'static str,
    pub output_synthesis: &'static str,
    pub output_open_data: &'static str,
    pub chosen: &'static str,
    pub chosen_accepted: &'static str,
    pub chosen_without_error: &'static str,
    pub consolidate_now: &'static str,
    pub compare_h: &'static str,
    pub figures: &'static str,
    pub figure: &'static str,
    pub cells_changed: &'static str,
    pub no_cell_changed: &'static str,
    pub new_findings: &'static str,
    pub fixed: &'static str,
    pub still: &'static str,
    pub compare_with: &'static str,
    pub filter: &'static str,
    pub every_state: &'static str,
    pub state_expected: &'static str,
    pub state_deposited: &'static str,
    pub state_to_correct: &'static str,
    pub state_accepted: &'static str,
    pub show: &'static str,
    pub contact: &'static str,
}

const FR: Words = Words {
    login_h: "Connexion à la campagne",
    login_intro: "Indiquez l'adresse électronique que la Région a enregistrée pour vous : un lien de connexion, valable 15 minutes et utilisable une fois, vous y sera envoyé.",
    email: "Adresse électronique",
    send_link: "Recevoir un lien de connexion",
    link_sent: "Si cette adresse est enregistrée, un lien de connexion vient de lui être envoyé : il est valable 15 minutes. Pensez à regarder les indésirables.",
    link_intro: "Ce lien vous connecte à la campagne. Il ne sert qu'une fois.",
    link_gone: "Ce lien de connexion n'est plus valable (déjà utilisé, expiré ou inconnu) : demandez-en un nouveau.",
    log_in: "Me connecter",
    log_out: "Me déconnecter",
    privacy_h: "Vos données",
    privacy: "La campagne conserve les bilans déposés, qui contiennent les noms, adresses et téléphones des coordinateurs, ainsi que votre adresse et l'historique de vos actions : la convention (art. 4) en fait la base du renouvellement. Seuls votre réseau et la Région les voient. Ils sont supprimés au terme de la durée de conservation fixée par la Région, à qui toute demande est à adresser.",
    dashboard_h: "Campagne des bilans",
    not_sent_h: "Courriels non envoyés",
    not_sent_intro: "Aucun serveur SMTP n'est configuré ([campagne.smtp] dans spro.toml) : ces courriels ne sont pas partis. Prévenez ces personnes autrement ; un lien de connexion se donne avec « spro campagne lien COURRIEL ».",
    not_sent_when: "Le",
    not_sent_to: "À",
    not_sent_subject: "Objet",
    network: "Réseau",
    name: "Nom",
    departement: "Département",
    state: "État",
    latest: "Dernier dépôt",
    errors: "Erreurs",
    warnings: "Avertissements",
    deposits: "Dépôts",
    renews: "Convention reconduite",
    yes: "oui",
    no: "non",
    late: "en retard",
    deposit_label: "Tableau de bord à déposer (.xlsx, .xlsm, .xlsb, .xls ou .ods)",
    deposit: "Déposer",
    closed: "La campagne est close : elle ne reçoit plus de dépôt de votre réseau.",
    none_yet: "Aucun dépôt pour l'instant.",
    deposit_no: "Dépôt",
    when: "Déposé le",
    file: "Fichier",
    verdict: "Résultat",
    decision: "Décision",
    download_file: "Télécharger le fichier déposé",
    download_copy: "Télécharger la copie annotée (chaque anomalie à sa cellule)",
    findings: "Anomalies",
    no_finding: "Aucune anomalie.",
    rule: "Règle",
    where_: "Où",
    message: "Message",
    decisions: "Décisions de la Région",
    no_decision: "Pas encore de décision.",
    accept: "Accepter ce dépôt",
    correction_label: "Ce que le réseau doit corriger",
    ask_correction: "Demander une correction",
    csv: "Le tableau en CSV",
    consolidate_h: "Consolider maintenant",
    output: "Ce qui est produit",
    output_workbook: "le classeur régional",
    output_synthesis: "la synthèse régionale (PDF)",
    output_open_data: "les données ouvertes (zip)",
    chosen: "Dépôts retenus",
    chosen_accepted: "le dernier dépôt accepté de chaque réseau",
    chosen_without_error: "le dernier dépôt sans erreur de chaque réseau",
    consolidate_now: "Consolider maintenant",
    compare_h: "Comparaison des dépôts",
    figures: "Les chiffres du réseau",
    figure: "Chiffre",
    cells_changed: "Cellules modifiées",
    no_cell_changed: "Aucune cellule modifiée.",
    new_findings: "Nouvelles anomalies",
    fixed: "Anomalies corrigées",
    still: "Anomalies toujours là",
    compare_with: "Comparer avec le dépôt précédent",
    filter: "Réseaux à afficher",
    every_state: "tous",
    state_expected: "attendus",
    state_deposited: "déposés",
    state_to_correct: "à corriger",
    state_accepted: "acceptés",
    show: "Afficher",
    contact: "Pour toute question sur vos données :",
};

const EN: Words = Words {
    login_h: "Log in to the campaign",
    login_intro: "Give the e-mail address the Région recorded for you: a login link, valid 15 minutes and usable once, will be sent to it.",
    email: "E-mail address",
    send_link: "Get a login link",
    link_sent: "If this address is recorded, a login link was just sent to it: it is valid 15 minutes. Check your spam folder too.",
    link_intro: "This link logs you in to the campaign. It works once.",
    link_gone: "This login link is no longer valid (used, expired or unknown): ask for a new one.",
    log_in: "Log me in",
    log_out: "Log out",
    privacy_h: "Your data",
    privacy: "The campaign keeps the bilans deposited, which hold the coordinators' names, addresses and phones, and your address and the history of your actions: the convention (art. 4) makes them the basis of its renewal. Only your network and the Région see them. They are deleted at the end of the period the Région set, to whom any request goes.",
    dashboard_h: "Bilans campaign",
    not_sent_h: "E-mails not sent",
    not_sent_intro: "No SMTP server is configured ([campagne.smtp] in spro.toml): these e-mails did not leave. Tell these people another way; a login link is given with “spro campagne lien ADDRESS”.",
    not_sent_when: "On",
    not_sent_to: "To",
    not_sent_subject: "Subject",
    network: "Network",
    name: "Name",
    departement: "Département",
    state: "State",
    latest: "Latest deposit",
    errors: "Errors",
    warnings: "Warnings",
    deposits: "Deposits",
    renews: "Convention renewed",
    yes: "yes",
    no: "no",
    late: "late",
    deposit_label: "Tableau de bord to deposit (.xlsx, .xlsm, .xlsb, .xls or .ods)",
    deposit: "Deposit",
    closed: "The campaign is closed: it takes no more deposit from your network.",
    none_yet: "No deposit yet.",
    deposit_no: "Deposit",
    when: "Deposited on",
    file: "File",
    verdict: "Result",
    decision: "Decision",
    download_file: "Download the file deposited",
    download_copy: "Download the annotated copy (each finding at its cell)",
    findings: "Findings",
    no_finding: "No finding.",
    rule: "Rule",
    where_: "Where",
    message: "Message",
    decisions: "The Région's decisions",
    no_decision: "No decision yet.",
    accept: "Accept this deposit",
    correction_label: "What the network must correct",
    ask_correction: "Ask for a correction",
    csv: "The table as CSV",
    consolidate_h: "Consolidate now",
    output: "What is made",
    output_workbook: "the regional workbook",
    output_synthesis: "the regional synthesis (PDF)",
    output_open_data: "the open data (zip)",
    chosen: "Deposits taken",
    chosen_accepted: "each network's latest accepted deposit",
    chosen_without_error: "each network's latest deposit without error",
    consolidate_now: "Consolidate now",
    compare_h: "Deposits compared",
    figures: "The network's figures",
    figure: "Figure",
    cells_changed: "Cells changed",
    no_cell_changed: "No cell changed.",
    new_findings: "New findings",
    fixed: "Findings fixed",
    still: "Findings still there",
    compare_with: "Compare with the deposit before",
    filter: "Networks shown",
    every_state: "all",
    state_expected: "expected",
    state_deposited: "deposited",
    state_to_correct: "to correct",
    state_accepted: "accepted",
    show: "Show",
    contact: "For any question about your data:",
};

pub(super) fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    }
}

framed!(
    LoginPage,
    DashboardPage,
    NetworkPage,
    DepositPage,
    ComparisonPage
);

#[derive(Template)]
#[template(path = "campagne_comparaison.html")]
pub(super) struct ComparisonPage {
    pub frame: Frame,
    pub w: &'static Words,
    pub c: crate::campaign::compare::Comparison,
    pub code: String,
    /// (figure, before, after), in words.
    pub figures: Vec<(String, String, String)>,
    /// « Actions : 3 cellules ».
    pub cells: Vec<String>,
    /// (title, findings): new, fixed, still there.
    pub groups: Vec<(&'static str, Vec<FindingLine>)>,
}

impl ComparisonPage {
    pub(super) fn new(
        frame: Frame,
        lang: Lang,
        c: crate::campaign::compare::Comparison,
        code: String,
    ) -> ComparisonPage {
        let w = words(lang);
        let shown = |x: Option<i64>| x.map_or("—".to_string(), |n| n.to_string());
        let figures = c
            .chiffres
            .iter()
            .map(|f| (f.nom.to_string(), shown(f.avant), shown(f.apres)))
            .collect();
        let cells = c
            .cellules_modifiees
            .iter()
            .map(|(sheet, n)| match lang {
                Lang::Fr => format!("{sheet} : {n} cellule(s)"),
                Lang::En => format!("{sheet}: {n} cell(s)"),
            })
            .collect();
        let lines = |list: &[serde_json::Value]| list.iter().map(finding_line).collect::<Vec<_>>();
        let groups = vec![
            (w.new_findings, lines(&c.nouveaux)),
            (w.fixed, lines(&c.corriges)),
            (w.still, lines(&c.toujours_la)),
        ];
        ComparisonPage {
            frame,
            w,
            c,
            code,
            figures,
            cells,
            groups,
        }
    }
}

/// A finding of a report's JSON, in a line.
fn finding_line(f: &serde_json::Value) -> FindingLine {
    let text = |k: &str| f[k].as_str().unwrap_or_default().to_string();
    let place = match (f["sheet"].as_str(), f["cell"].as_str()) {
        (Some(s), Some(c)) => format!("{s} {c}"),
        (Some(s), None) => s.to_string(),
        _ => String::new(),
    };
    FindingLine {
        code: text("code"),
        place,
        message: text("message"),
    }
}

#[derive(Template)]
#[template(path = "campagne_connexion.html")]
pub(super) struct LoginPage {
    pub frame: Frame,
    pub w: &'static Words,
    pub notice: String,
    /// The link's button posts there; empty: the address form.
    pub button_action: String,
    /// `contact_donnees`, or empty.
    pub data_contact: String,
}

/// A line of the dashboard, in words.
pub(super) struct Line {
    pub code: String,
    pub name: String,
    pub departement: String,
    pub state: String,
    pub latest: String,
    pub errors: String,
    pub warnings: String,
    pub deposits: usize,
    pub renews: &'static str,
}

#[derive(Template)]
#[template(path = "campagne_tableau.html")]
pub(super) struct DashboardPage {
    pub frame: Frame,
    pub w: &'static Words,
    pub d: Dashboard,
    /// The state filter's choices (value, words) and the one shown (`?etat=`).
    pub filters: [(&'static str, &'static str); 6],
    pub filter: String,
    pub status: String,
    pub totals: String,
    pub lines: Vec<Line>,
    pub who: String,
}

impl DashboardPage {
    pub(super) fn new(
        frame: Frame,
        lang: Lang,
        mut d: Dashboard,
        filter: String,
        who: String,
    ) -> DashboardPage {
        let w = words(lang);
        for m in &mut d.courriels_non_envoyes.derniers {
            m.le = when(lang, &m.le);
        }
        let filters = [
            ("", w.every_state),
            ("attendu", w.state_expected),
            ("depose", w.state_deposited),
            ("a_corriger", w.state_to_correct),
            ("accepte", w.state_accepted),
            ("en_retard", w.late),
        ];
        let t = &d.totaux;
        let percent = |x: f64| format!("{:.0} %", x * 100.0);
        let totals = match lang {
            Lang::Fr => format!(
                "{} réseaux attendus · {} ont déposé · {} à corriger · {} acceptés · {} en retard · complétude {} · ponctualité {}",
                t.attendus, t.deposes, t.a_corriger, t.acceptes, t.en_retard, percent(t.completude), percent(t.ponctualite)
            ),
            Lang::En => format!(
                "{} networks expected · {} deposited · {} to correct · {} accepted · {} late · completeness {} · timeliness {}",
                t.attendus, t.deposes, t.a_corriger, t.acceptes, t.en_retard, percent(t.completude), percent(t.ponctualite)
            ),
        };
        let status = match (lang, d.ouverte) {
            (Lang::Fr, true) => format!(
                "Ouverte · modèle {} · date limite {}",
                d.modele, d.date_limite
            ),
            (Lang::Fr, false) => format!(
                "Close · modèle {} · date limite {}",
                d.modele, d.date_limite
            ),
            (Lang::En, true) => {
                format!("Open · template {} · deadline {}", d.modele, d.date_limite)
            }
            (Lang::En, false) => format!(
                "Closed · template {} · deadline {}",
                d.modele, d.date_limite
            ),
        };
        let lines = d
            .reseaux
            .iter()
            .map(|l| {
                let mut state = l.etat.words(lang).to_string();
                if l.en_retard {
                    state = format!("{state}, {}", w.late);
                }
                let latest = l.dernier_depot.as_ref();
                Line {
                    code: l.code.clone(),
                    name: l.nom.clone(),
                    departement: l.departement.clone(),
                    state,
                    latest: latest.map_or("—".into(), |x| {
                        x.depose_le.get(..10).unwrap_or_default().to_string()
                    }),
                    errors: latest.map_or("—".into(), |x| x.erreurs.to_string()),
                    warnings: latest.map_or("—".into(), |x| x.avertissements.to_string()),
                    deposits: l.depots,
                    renews: if l.reconduit { w.yes } else { w.no },
                }
            })
            .collect();
        DashboardPage {
            frame,
            w,
            d,
            filters,
            filter,
            status,
            totals,
            lines,
            who,
        }
    }
}

/// A deposit in a network's list.
pub(super) struct DepositLine {
    pub id: i64,
    pub when: String,
    pub name: String,
    pub verdict: String,
    pub decision: String,
    /// The network's deposit before this one, to compare with.
    pub previous: Option<i64>,
}

#[derive(Template)]
#[template(path = "campagne_reseau.html")]
pub(super) struct NetworkPage {
    pub frame: Frame,
    pub w: &'static Words,
    pub code: String,
    pub name: String,
    pub state: String,
    pub open: bool,
    pub deposits: Vec<DepositLine>,
    pub who: String,
    pub file_limit_bytes: u64,
    pub file_limit_mo: u64,
    /// `contact_donnees`, or empty.
    pub data_contact: String,
}

/// A stamp of the store (`2026-03-14T09:30:00Z`) as people read it: « 14/03/2026 09:30 (UTC) »
/// (« 2026-03-14 09:30 (UTC) » in English).
pub(super) fn when(lang: Lang, stamp: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(stamp) {
        Ok(t) => match lang {
            Lang::Fr => t.format("%d/%m/%Y %H:%M (UTC)").to_string(),
            Lang::En => t.format("%Y-%m-%d %H:%M (UTC)").to_string(),
        },
        Err(_) => stamp.to_string(),
    }
}

/// A verdict in words.
pub(super) fn verdict(lang: Lang, d: &Deposited) -> String {
    let (e, w) = (d.erreurs, d.avertissements);
    match lang {
        Lang::Fr => format!("{e} erreur(s), {w} avertissement(s)"),
        Lang::En => format!("{e} error(s), {w} warning(s)"),
    }
}

/// A decision in words.
pub(super) fn decision(lang: Lang, d: &crate::campaign::deposits::Decision) -> String {
    let by = d
        .par
        .clone()
        .unwrap_or_else(|| crate::i18n::pick(lang, "automatique", "automatic").to_string());
    let day = d.le.get(..10).unwrap_or_default();
    match (d.decision.as_str(), lang) {
        ("accepte", Lang::Fr) => format!("accepté le {day} par {by}"),
        ("accepte", Lang::En) => format!("accepted on {day} by {by}"),
        (_, Lang::Fr) => format!(
            "correction demandée le {day} par {by} : {}",
            d.message.as_deref().unwrap_or_default()
        ),
        (_, Lang::En) => format!(
            "correction asked on {day} by {by}: {}",
            d.message.as_deref().unwrap_or_default()
        ),
    }
}

/// A finding of a comparison, in a line.
pub(super) struct FindingLine {
    pub code: String,
    pub place: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "campagne_depot.html")]
pub(super) struct DepositPage {
    pub frame: Frame,
    pub w: &'static Words,
    pub id: i64,
    pub code: String,
    pub summary: String,
    /// The findings by sheet, as on the results page (`anomalies.html`).
    pub groups: Vec<super::pages::Group>,
    pub t: &'static super::texts::Texts,
    pub decisions: Vec<String>,
    pub region: bool,
}

impl DepositPage {
    pub(super) fn new(frame: Frame, lang: Lang, d: &Deposited, region: bool) -> DepositPage {
        let groups = super::pages::groups_of_report(d.report(lang), lang);
        let summary = match lang {
            Lang::Fr => format!(
                "« {} », déposé le {} par {} : {}.",
                d.nom,
                when(lang, &d.depose_le),
                d.par.as_deref().unwrap_or("—"),
                verdict(lang, d)
            ),
            Lang::En => format!(
                "“{}”, deposited on {} by {}: {}.",
                d.nom,
                when(lang, &d.depose_le),
                d.par.as_deref().unwrap_or("—"),
                verdict(lang, d)
            ),
        };
        DepositPage {
            frame,
            w: words(lang),
            id: d.id,
            code: d.reseau.clone(),
            summary,
            groups,
            t: super::texts::Texts::of(lang),
            decisions: d.decisions.iter().map(|x| decision(lang, x)).collect(),
            region,
        }
    }
}
