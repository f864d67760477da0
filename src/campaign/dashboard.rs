//! The dashboard: one line per expected network (its state, « en retard » beside it, its latest
//! deposit, how many), the totals, completeness and timeliness. The same data for the page, the
//! CSV, the JSON (`GET /api/campagne`) and `spro campagne etat`.

use rusqlite::{params, Transaction};
use serde::Serialize;

use super::campaigns::{self, Campaign};
use super::deposits::{self, Deposited, State};
use super::{CampaignError, Store};
use crate::i18n::Lang;

/// The dashboard of a campaign, as `GET /api/campagne` gives it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Dashboard {
    pub annee: i32,
    pub modele: String,
    pub date_limite: String,
    pub ouverte: bool,
    pub reseaux: Vec<NetworkLine>,
    pub totaux: Totals,
    /// The e-mails that did not leave for want of SMTP: who would have been written to.
    pub courriels_non_envoyes: NotSent,
}

/// The e-mails not sent (no `[campagne.smtp]`), the latest first.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct NotSent {
    pub total: usize,
    /// The latest [`NOT_SENT_SHOWN`].
    pub derniers: Vec<super::mail::Unsent>,
}

/// How many of the e-mails not sent the dashboard shows.
const NOT_SENT_SHOWN: usize = 50;

/// One expected network.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct NetworkLine {
    pub code: String,
    pub nom: String,
    pub departement: String,
    pub etat: State,
    /// The deadline has passed and the network is `attendu` or `a_corriger`.
    pub en_retard: bool,
    pub depots: usize,
    pub dernier_depot: Option<Latest>,
    /// The year's bilan renews the network's convention (art. 4): accepted, or deposited
    /// without errors.
    pub reconduit: bool,
    /// The campaign was reopened for it.
    pub rouvert: bool,
    /// The latest deposit checked again (`spro campagne reverifier`): when, and its verdict
    /// then beside the one of its deposit.
    pub reverifie: Option<Rechecked>,
}

/// A latest deposit checked again.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Rechecked {
    pub le: String,
    pub verdict: String,
    /// The verdict differs from the deposit's.
    pub change: bool,
}

/// A network's latest deposit, in short.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Latest {
    pub id: i64,
    pub depose_le: String,
    pub erreurs: usize,
    pub avertissements: usize,
    pub sha256: String,
}

/// The campaign's totals.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Totals {
    pub attendus: usize,
    pub deposes: usize,
    pub a_corriger: usize,
    pub acceptes: usize,
    pub en_retard: usize,
    /// Networks with a deposit ÷ expected.
    pub completude: f64,
    /// Networks whose first deposit came by the deadline ÷ expected.
    pub ponctualite: f64,
}

impl Store {
    /// The dashboard of the campaign of `year` (the open one, else the latest, when `None`).
    pub(crate) fn dashboard(&self, year: Option<i32>) -> Result<Dashboard, CampaignError> {
        self.read(|tx| {
            let c = campaigns::campaign(tx, year)?;
            let today = super::now().date_naive();
            let mut lines = Vec::new();
            let mut on_time = 0;
            for e in campaigns::expected(tx, c.id)? {
                let (count, first, latest) = deposits_summary(tx, &c, &e.code)?;
                let state = deposits::state_of(latest.as_ref());
                let late = today > c.deadline && matches!(state, State::Attendu | State::ACorriger);
                if first.as_deref().is_some_and(|f| by_deadline(f, &c)) {
                    on_time += 1;
                }
                let reverifie = match &latest {
                    Some(d) => rechecked(tx, d)?,
                    None => None,
                };
                lines.push(NetworkLine {
                    reverifie,
                    reconduit: state == State::Accepte
                        || latest
                            .as_ref()
                            .is_some_and(|d| d.erreurs == 0 && d.verdict != "unreadable"),
                    dernier_depot: latest.map(|d| Latest {
                        id: d.id,
                        depose_le: d.depose_le,
                        erreurs: d.erreurs,
                        avertissements: d.avertissements,
                        sha256: d.sha256,
                    }),
                    code: e.code,
                    nom: e.name,
                    departement: e.departement,
                    etat: state,
                    en_retard: late,
                    depots: count,
                    rouvert: e.reopened,
                });
            }
            lines.sort_by(|a, b| a.etat.cmp(&b.etat).then_with(|| a.code.cmp(&b.code)));
            let totaux = totals(&lines, on_time);
            let (derniers, total) = super::mail::unsent(tx, c.year, NOT_SENT_SHOWN)?;
            Ok(Dashboard {
                courriels_non_envoyes: NotSent { total, derniers },
                annee: c.year,
                modele: c.model,
                date_limite: c.deadline.to_string(),
                ouverte: c.open,
                reseaux: lines,
                totaux,
            })
        })
    }
}

/// The latest re-check of deposit `d`, if any.
fn rechecked(tx: &Transaction<'_>, d: &Deposited) -> Result<Option<Rechecked>, CampaignError> {
    use rusqlite::OptionalExtension;
    let found: Option<(String, String)> = tx
        .query_row(
            "SELECT le, verdict FROM reverifications WHERE depot = ?1 ORDER BY id DESC LIMIT 1",
            [d.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(found.map(|(le, verdict)| Rechecked {
        change: verdict != d.verdict,
        le,
        verdict,
    }))
}

/// Whether a deposit made at `at` (a stamp) came by the campaign's deadline (its whole day).
fn by_deadline(at: &str, c: &Campaign) -> bool {
    chrono::DateTime::parse_from_rfc3339(at).is_ok_and(|t| t.date_naive() <= c.deadline)
}

/// How many deposits network `code` made, when the first was, and the latest with its decisions.
fn deposits_summary(
    tx: &Transaction<'_>,
    c: &Campaign,
    code: &str,
) -> Result<(usize, Option<String>, Option<Deposited>), CampaignError> {
    let (count, first, last): (i64, Option<String>, Option<i64>) = tx.query_row(
        "SELECT COUNT(*), MIN(depose_le), MAX(id) FROM depots WHERE campagne = ?1 AND reseau = ?2",
        params![c.id, code],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let latest = match last {
        Some(id) => deposits::load(tx, id, deposits::Part::Summary)?,
        None => None,
    };
    Ok((count as usize, first, latest))
}

fn totals(lines: &[NetworkLine], on_time: usize) -> Totals {
    let count = |state: State| lines.iter().filter(|l| l.etat == state).count();
    let expected = lines.len();
    let deposited = lines.iter().filter(|l| l.depots > 0).count();
    let rate = |n: usize| {
        if expected == 0 {
            0.0
        } else {
            n as f64 / expected as f64
        }
    };
    Totals {
        attendus: expected,
        deposes: deposited,
        a_corriger: count(State::ACorriger),
        acceptes: count(State::Accepte),
        en_retard: lines.iter().filter(|l| l.en_retard).count(),
        completude: rate(deposited),
        ponctualite: rate(on_time),
    }
}

/// The dashboard as `spro campagne etat` prints it: one line per network, then the totals.
pub(crate) fn table(d: &Dashboard, lang: Lang) -> String {
    use std::fmt::Write as _;
    let fr = lang == Lang::Fr;
    let mut out = String::new();
    let state = if d.ouverte {
        crate::i18n::pick(lang, "ouverte", "open")
    } else {
        crate::i18n::pick(lang, "close", "closed")
    };
    let _ = writeln!(
        out,
        "{} {} ({state}) — {} {}, {} {}",
        crate::i18n::pick(lang, "Campagne", "Campaign"),
        d.annee,
        crate::i18n::pick(lang, "modèle", "template"),
        d.modele,
        crate::i18n::pick(lang, "date limite", "deadline"),
        d.date_limite
    );
    let _ = writeln!(
        out,
        "{:<8} {:<28} {:<4} {:<22} {:<12} {:>7} {:>7} {:>6}",
        crate::i18n::pick(lang, "réseau", "network"),
        crate::i18n::pick(lang, "nom", "name"),
        "dép.",
        crate::i18n::pick(lang, "état", "state"),
        crate::i18n::pick(lang, "dernier", "latest"),
        crate::i18n::pick(lang, "erreurs", "errors"),
        crate::i18n::pick(lang, "avert.", "warn."),
        crate::i18n::pick(lang, "dépôts", "deps")
    );
    for l in &d.reseaux {
        let mut words = l.etat.words(lang).to_string();
        if l.en_retard {
            words.push_str(if fr { ", en retard" } else { ", late" });
        }
        let (day, errors, warnings) = match &l.dernier_depot {
            Some(x) => (
                x.depose_le.get(..10).unwrap_or_default().to_string(),
                x.erreurs.to_string(),
                x.avertissements.to_string(),
            ),
            None => ("—".into(), "—".into(), "—".into()),
        };
        let name: String = l.nom.chars().take(28).collect();
        let _ = writeln!(
            out,
            "{:<8} {:<28} {:<4} {:<22} {:<12} {:>7} {:>7} {:>6}",
            l.code, name, l.departement, words, day, errors, warnings, l.depots
        );
    }
    let t = &d.totaux;
    let percent = |x: f64| format!("{:.0} %", x * 100.0);
    let _ = writeln!(
        out,
        "{} {} · {} {} · {} {} · {} {} · {} {} · {} {} · {} {}",
        crate::i18n::pick(lang, "attendus", "expected"),
        t.attendus,
        crate::i18n::pick(lang, "déposés", "deposited"),
        t.deposes,
        crate::i18n::pick(lang, "à corriger", "to correct"),
        t.a_corriger,
        crate::i18n::pick(lang, "acceptés", "accepted"),
        t.acceptes,
        crate::i18n::pick(lang, "en retard", "late"),
        t.en_retard,
        crate::i18n::pick(lang, "complétude", "completeness"),
        percent(t.completude),
        crate::i18n::pick(lang, "ponctualité", "timeliness"),
        percent(t.ponctualite)
    );
    out
}

/// The dashboard as CSV (`GET /campagne/export.csv`): one row per network, the keys of the
/// JSON as headers.
pub(crate) fn csv(d: &Dashboard) -> Vec<u8> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let header = [
        "code",
        "nom",
        "departement",
        "etat",
        "en_retard",
        "depots",
        "dernier_depot",
        "depose_le",
        "erreurs",
        "avertissements",
        "sha256",
        "reconduit",
    ];
    let _ = w.write_record(header);
    for l in &d.reseaux {
        let last = l.dernier_depot.as_ref();
        let text = |f: &dyn Fn(&Latest) -> String| last.map(f).unwrap_or_default();
        let _ = w.write_record([
            l.code.clone(),
            l.nom.clone(),
            l.departement.clone(),
            serde_json::to_value(l.etat)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            if l.en_retard { "oui" } else { "non" }.to_string(),
            l.depots.to_string(),
            text(&|x| x.id.to_string()),
            text(&|x| x.depose_le.clone()),
            text(&|x| x.erreurs.to_string()),
            text(&|x| x.avertissements.to_string()),
            text(&|x| x.sha256.clone()),
            if l.reconduit { "oui" } else { "non" }.to_string(),
        ]);
    }
    w.into_inner().unwrap_or_default()
}
