//! The rule catalogue: one table, data not code. Every rule of spec §4 has its code, name,
//! default severity, the charter or convention text it enforces, and the French text that
//! `spro rules`, `spro explain`, `docs/rules.md` and the reports are built from. Checks look
//! rules up here; they never decide severities themselves.

use crate::finding::Severity;

/// The family a rule belongs to, from the first letter of its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    File,
    Structure,
    Value,
    Referential,
    Charter,
    Batch,
}

impl Family {
    pub fn label_fr(self) -> &'static str {
        match self {
            Family::File => "Fichier",
            Family::Structure => "Structure du classeur",
            Family::Value => "Valeurs",
            Family::Referential => "Référentiel des réseaux",
            Family::Charter => "Charte régionale",
            Family::Batch => "Lot de fichiers",
        }
    }
}

/// One rule of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub family: Family,
    /// Default severity; for S002 and S005 the more serious of the two cases.
    pub severity: Severity,
    /// The other case of a two-severity rule, described in French.
    pub other_severity: Option<(Severity, &'static str)>,
    /// The charter or convention article enforced (empty for rules of form).
    pub source: &'static str,
    /// What it checks.
    pub what: &'static str,
    /// Why: the requirement, in our own words.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// An example of a finding.
    pub example: &'static str,
}

use Family::*;
use Severity::*;

macro_rules! rule {
    ($code:literal, $name:literal, $family:expr, $sev:expr, $other:expr, $source:literal,
     what: $what:literal, why: $why:literal, fix: $fix:literal, example: $ex:literal) => {
        Rule {
            code: $code,
            name: $name,
            family: $family,
            severity: $sev,
            other_severity: $other,
            source: $source,
            what: $what,
            why: $why,
            fix: $fix,
            example: $ex,
        }
    };
}

/// The whole catalogue, in the order of spec §4.
pub static RULES: &[Rule] = &[
    rule!("F001", "fichier-illisible", File, Error, None, "",
        what: "Le fichier n'est pas un classeur lisible : corrompu, tronqué, protégé par mot de passe, vide, ou dont le contenu ne correspond pas à l'extension.",
        why: "La Région ne peut exploiter le bilan d'activité que si elle peut ouvrir le tableau de bord qu'elle a fourni.",
        fix: "Ouvrez le fichier dans votre tableur, retirez le mot de passe s'il y en a un, puis enregistrez-le au format .xlsx (ou .ods) sous un nom portant la bonne extension.",
        example: "« bilan.xlsx » est en réalité un classeur .xls : enregistrez-le au format .xlsx."),
    rule!("F002", "format-non-pris-en-charge", File, Error, None, "",
        what: "Un fichier donné explicitement n'a pas l'une des extensions acceptées (.xlsx, .xlsm, .xlsb, .xls, .ods).",
        why: "Le tableau de bord est un classeur : un PDF, un CSV ou une image ne peuvent pas être vérifiés ni consolidés.",
        fix: "Transmettez le tableau de bord lui-même, au format .xlsx ou .ods.",
        example: "« bilan.pdf » n'est pas un classeur pris en charge."),
    rule!("F003", "limite-depassee", File, Error, None, "",
        what: "Le fichier dépasse une limite de sécurité (par défaut : 50 Mio, 500 Mio décompressé, 100 000 lignes ou 200 colonnes remplies par feuille), vérifiée avant d'ouvrir son contenu.",
        why: "Un tableau de bord normal pèse quelques centaines de kilo-octets ; un fichier démesuré est une erreur d'export ou un fichier piégé, qui ne doit pas bloquer la vérification des autres.",
        fix: "Supprimez les lignes, colonnes ou images superflues et enregistrez à nouveau ; si le volume est légitime, augmentez la limite dans la section [limites] de spro.toml.",
        example: "La feuille « Actions » contient plus de 100 000 lignes remplies."),
    rule!("S001", "feuille-manquante", Structure, Error, None, "",
        what: "L'une des six feuilles du modèle (Identification, Structures, Coordination, Actions, Accueil, Professionnalisation) est absente.",
        why: "Le bilan d'activité se lit feuille par feuille : une feuille absente, c'est une partie du bilan qui manque.",
        fix: "Repartez du modèle fourni par la Région ou ajoutez la feuille avec son nom exact.",
        example: "La feuille « Coordination » est absente du classeur."),
    rule!("S002", "colonne-manquante", Structure, Error, Some((Warning, "colonne facultative")), "",
        what: "Une colonne du modèle (ou un libellé de la feuille Identification) est introuvable. Erreur pour une colonne obligatoire, avertissement pour une colonne facultative.",
        why: "Chaque colonne porte une information attendue par la Région ; sans son en-tête, les valeurs de la colonne ne peuvent pas être lues.",
        fix: "Rétablissez l'en-tête exact du modèle sur la ligne d'en-tête (la casse et les accents n'ont pas d'importance).",
        example: "La colonne « Axe » est introuvable dans la feuille « Actions »."),
    rule!("S003", "colonne-inconnue", Structure, Warning, None, "",
        what: "Un en-tête ne correspond à aucune colonne du modèle ; la colonne est ignorée.",
        why: "Une colonne renommée ou ajoutée n'est pas lue : ses valeurs seraient perdues sans que personne le sache.",
        fix: "Corrigez l'en-tête pour qu'il reprenne le libellé du modèle, ou supprimez la colonne si elle est superflue.",
        example: "L'en-tête « Nb participants » ne correspond à aucune colonne ; vouliez-vous dire « Participants » ?"),
    rule!("S004", "colonne-en-double", Structure, Error, None, "",
        what: "Deux en-têtes désignent la même colonne du modèle.",
        why: "Avec deux colonnes du même nom, on ne sait pas laquelle contient la bonne valeur.",
        fix: "Supprimez ou renommez l'une des deux colonnes.",
        example: "La colonne « Participants » apparaît deux fois (D1 et H1)."),
    rule!("S005", "feuille-vide", Structure, Error, Some((Warning, "feuille Accueil")), "",
        what: "Une feuille n'a aucune ligne de données : erreur pour Structures et Actions, avertissement pour Accueil.",
        why: "Un réseau sans structure membre ni action n'a pas de bilan ; des chiffres d'accueil absents privent la synthèse régionale d'un indicateur.",
        fix: "Remplissez la feuille sous la ligne d'en-tête, une ligne par structure, action ou public.",
        example: "La feuille « Actions » ne contient aucune ligne de données."),
    rule!("S006", "version-modele", Structure, Warning, None, "",
        what: "La « Version du modèle » n'est pas celle que l'outil vérifie (2025.1).",
        why: "Un ancien modèle peut ne pas avoir les colonnes ou les listes de valeurs attendues cette année.",
        fix: "Reportez vos données dans le modèle 2025.1 fourni par la Région (commande « spro template »).",
        example: "Version du modèle « 2023.2 » : le modèle attendu est 2025.1."),
    rule!("S007", "feuille-inconnue", Structure, Info, None, "",
        what: "Une feuille supplémentaire, qui n'appartient pas au modèle, est ignorée.",
        why: "Les feuilles de travail personnelles sont permises, mais leur contenu n'est pas transmis à la Région.",
        fix: "Rien à faire si la feuille est un brouillon ; sinon reportez ses informations dans les feuilles du modèle.",
        example: "La feuille « Brouillon » est ignorée."),
    rule!("S008", "ligne-ignoree", Structure, Warning, None, "",
        what: "Une ligne « Total… » au milieu d'un tableau est ignorée.",
        why: "Les totaux sont calculés par la Région ; compter une ligne de total comme une donnée fausserait les chiffres.",
        fix: "Supprimez la ligne de total ; la Région fait les sommes elle-même.",
        example: "La ligne 14 (« Total ») de la feuille « Accueil » est ignorée."),
    rule!("V001", "valeur-obligatoire", Value, Error, None, "",
        what: "Une cellule obligatoire est vide.",
        why: "Chaque information obligatoire du tableau de bord est nécessaire à la synthèse régionale.",
        fix: "Renseignez la cellule indiquée.",
        example: "« Type d'action » est obligatoire : la cellule C5 est vide."),
    rule!("V002", "type-invalide", Value, Error, None, "",
        what: "La valeur n'est pas du type attendu par la colonne : une date, un nombre entier ou Oui/Non (ou une formule en erreur, ou sans valeur calculée).",
        why: "Une date écrite « 14/03/25 » ou un nombre « 12,5 » ne peuvent pas être lus sans deviner, et l'outil ne devine jamais.",
        fix: "Saisissez une date complète (14/03/2025), un nombre entier, ou Oui / Non ; pour une formule, corrigez-la puis recalculez et enregistrez.",
        example: "« 14/03/25 » n'est pas une date lisible : saisissez-la sous la forme 14/03/2025."),
    rule!("V003", "valeur-hors-liste", Value, Error, None, "",
        what: "La valeur n'est pas l'une des valeurs permises par la colonne ; le message liste les valeurs permises et propose la plus proche.",
        why: "Les listes de valeurs permettent de compter et de comparer les réseaux entre eux.",
        fix: "Choisissez l'une des valeurs de la liste déroulante du modèle.",
        example: "« Mision Locale » n'est pas un type de structure connu ; vouliez-vous dire « Mission Locale » ?"),
    rule!("V004", "format-invalide", Value, Error, None, "",
        what: "La valeur n'a pas le format attendu : code réseau, code postal, courriel ou téléphone.",
        why: "La Région doit pouvoir identifier le réseau et joindre ses coordinateurs.",
        fix: "Corrigez la valeur selon le format indiqué dans le message.",
        example: "« 3600 » n'est pas un code postal à 5 chiffres."),
    rule!("V005", "valeur-hors-bornes", Value, Error, None, "",
        what: "La valeur est en dessous du minimum ou au-dessus du maximum permis (nombres négatifs, année hors 2015–2100, date hors 2000–2099…).",
        why: "Une valeur hors bornes est une faute de saisie qui fausserait les totaux régionaux.",
        fix: "Corrigez la valeur pour qu'elle soit dans les bornes indiquées.",
        example: "« -3 » est inférieur au minimum permis (0) pour « Participants »."),
    rule!("V006", "doublon", Value, Error, None, "",
        what: "Un identifiant d'action, un nom de structure ou un couple (Structure, Public) apparaît plusieurs fois.",
        why: "Une ligne en double est comptée deux fois dans la synthèse régionale.",
        fix: "Supprimez le doublon ou fusionnez les deux lignes.",
        example: "L'identifiant « A-03 » figure déjà ligne 4."),
    rule!("V007", "siret-invalide", Value, Error, None, "",
        what: "Le SIRET n'a pas 14 chiffres ou sa clé de contrôle est fausse.",
        why: "Le SIRET identifie sans ambiguïté chaque structure membre.",
        fix: "Recopiez le SIRET depuis l'annuaire des entreprises (annuaire-entreprises.data.gouv.fr).",
        example: "« 40897223000029 » n'est pas un SIRET valide (clé de contrôle fausse)."),
    rule!("R001", "reseau-inconnu", Referential, Error, None, "",
        what: "Le « Code réseau » ne figure pas dans le référentiel des réseaux attendus par la Région.",
        why: "Chaque tableau de bord doit être rattaché à un réseau local connu pour entrer dans la synthèse régionale.",
        fix: "Saisissez le code de votre réseau tel que la Région l'a communiqué (par exemple 36-CHX).",
        example: "« 36-CHT » n'est pas un réseau connu ; vouliez-vous dire « 36-CHX » ?"),
    rule!("R002", "departement-incoherent", Referential, Error, None, "",
        what: "Le « Département » ne correspond pas à celui du réseau dans le référentiel (ou au préfixe du code réseau).",
        why: "Les indicateurs régionaux sont ventilés par département.",
        fix: "Corrigez le département pour qu'il soit celui du réseau.",
        example: "Le réseau 36-CHX est dans l'Indre (36), pas dans le département 37."),
    rule!("R003", "annee-inattendue", Referential, Error, None, "",
        what: "L'« Année du bilan » n'est pas l'année demandée (--annee ou spro.toml).",
        why: "Un bilan d'une autre année ne doit pas se mêler aux chiffres de l'année consolidée.",
        fix: "Vérifiez que vous transmettez le bilan de la bonne année, et corrigez l'année si c'est une faute de saisie.",
        example: "Année du bilan 2024 : le bilan attendu est celui de 2025."),
    rule!("C001", "coordination-absente", Charter, Error, None, "Convention art. 3 ; charte §5",
        what: "La feuille Coordination ne désigne aucun coordinateur.",
        why: "La convention prévoit que l'animation et la coordination du réseau sont assurées par un ou des professionnels d'une structure partenaire volontaire, nommément désignés.",
        fix: "Ajoutez une ligne par coordinateur : nom, prénom, structure, fonction, courriel.",
        example: "Aucun coordinateur n'est désigné dans la feuille « Coordination »."),
    rule!("C002", "coordinateur-hors-reseau", Charter, Error, None, "Charte §5",
        what: "La structure d'un coordinateur n'est pas une structure membre du réseau (feuille Structures).",
        why: "La coordination est confiée à un professionnel d'une structure membre du réseau local.",
        fix: "Écrivez le nom de la structure exactement comme dans la feuille Structures, ou ajoutez la structure aux membres.",
        example: "« Mission Locale de Chateauroux » n'est pas une structure membre ; vouliez-vous dire « Mission Locale de Châteauroux » ?"),
    rule!("C003", "convention-hors-periode", Charter, Error, None, "Convention art. 4",
        what: "La convention est datée après le 31 décembre de l'année du bilan, ou après la date de transmission.",
        why: "La convention prend effet à sa signature : un bilan ne peut porter que sur une période couverte par une convention déjà signée.",
        fix: "Vérifiez la date de signature de la convention (par exemple 30/07/2024 pour Châteauroux) et celle de transmission.",
        example: "Convention signée le 12/01/2026, après la fin de l'année du bilan 2025."),
    rule!("C004", "signataire-sans-date", Charter, Error, None, "Convention art. 4",
        what: "Une structure est déclarée signataire de la convention sans date de signature.",
        why: "La convention prend effet à la date de sa signature : elle doit être connue pour chaque signataire.",
        fix: "Renseignez la « Date de signature » de la structure, ou mettez « Non » si elle n'a pas signé.",
        example: "La structure « CIO de Châteauroux » est signataire mais sa date de signature (G3) est vide."),
    rule!("C005", "logo-manquant", Charter, Error, None, "Charte §7",
        what: "Une action a produit un outil ou un support sans les logos de la Région et du SPRO (une anomalie par logo qui n'est pas « Oui »).",
        why: "Les structures s'engagent à respecter la charte graphique régionale et à apposer les logos du Conseil régional et du SPRO sur toute création d'outil.",
        fix: "Apposez le logo manquant sur l'outil puis indiquez « Oui » ; si aucun outil n'a été créé, indiquez « Non » dans « Outil ou support créé ».",
        example: "L'action A-02 a créé un outil sans le logo SPRO (cellule P3)."),
    rule!("C006", "structure-non-membre", Charter, Error, None, "Charte §5",
        what: "Une action (structure porteuse ou partenaire), une ligne d'accueil ou de professionnalisation nomme une structure absente de la feuille Structures.",
        why: "Le bilan porte sur l'activité des structures membres du réseau local.",
        fix: "Écrivez le nom exactement comme dans la feuille Structures, ajoutez la structure aux membres, ou séparez plusieurs partenaires par « ; ».",
        example: "« CIO Chateauroux » n'est pas une structure membre ; vouliez-vous dire « CIO de Châteauroux » ?"),
    rule!("C007", "dates-action-incoherentes", Charter, Error, None, "Charte §5",
        what: "La date de fin d'une action précède sa date de début, ou l'action se déroule entièrement hors de l'année du bilan.",
        why: "Le bilan annuel rend compte du programme d'actions de l'année.",
        fix: "Corrigez les dates, ou retirez l'action si elle relève d'une autre année.",
        example: "L'action A-05 se termine le 02/03/2025, avant son début le 12/03/2025."),
    rule!("C008", "repartition-incoherente", Charter, Error, None, "Charte §9",
        what: "« dont femmes » + « dont hommes » dépasse « Participants », ou « dont femmes » dépasse « Premiers accueils ».",
        why: "Le suivi et l'évaluation du SPRO-EP reposent sur des indicateurs justes, dont la répartition femmes/hommes.",
        fix: "Corrigez les effectifs : la répartition ne peut pas dépasser le total.",
        example: "40 femmes + 25 hommes = 65, plus que les 60 participants."),
    rule!("C009", "orientations-superieures", Charter, Warning, None, "Charte §1",
        what: "Les orientations vers un partenaire dépassent les premiers accueils pour une structure et un public.",
        why: "Une orientation vers le partenaire le plus adapté fait suite à un premier accueil : en avoir davantage signale souvent une inversion de colonnes.",
        fix: "Vérifiez les deux chiffres ; s'ils sont justes, laissez l'avertissement.",
        example: "45 orientations pour 30 premiers accueils."),
    rule!("C010", "action-non-coconstruite", Charter, Warning, None, "Charte §5",
        what: "Une action n'a aucune structure partenaire (ou seulement sa structure porteuse).",
        why: "La charte attend des actions co-définies et co-construites par les partenaires du réseau.",
        fix: "Indiquez les structures partenaires de l'action, séparées par « ; ».",
        example: "L'action A-04 n'a aucune structure partenaire."),
    rule!("C011", "axe-non-couvert", Charter, Warning, None, "Charte §5",
        what: "Aucune action sur l'axe « Informer sur les métiers et les formations », ou aucune sur « Accompagner les parcours professionnels » (une anomalie par axe).",
        why: "Le programme local d'activités doit informer sur les métiers et les formations et accompagner les parcours professionnels.",
        fix: "Vérifiez l'axe de vos actions ; si aucune ne porte sur cet axe, expliquez-le dans « Difficultés rencontrées ».",
        example: "Aucune action sur l'axe « Accompagner les parcours professionnels »."),
    rule!("C012", "promotion-cep-absente", Charter, Warning, None, "Charte §2",
        what: "Aucune action sur l'axe « Promotion du CEP ».",
        why: "La charte fait de la promotion du Conseil en évolution professionnelle un engagement des réseaux.",
        fix: "Vérifiez l'axe de vos actions ; prévoyez une action de promotion du CEP.",
        example: "Aucune action sur l'axe « Promotion du CEP »."),
    rule!("C013", "operateur-cep-absent", Charter, Warning, None, "Charte §2",
        what: "Aucune structure membre n'est un opérateur du CEP (France Travail, Cap emploi, APEC, Mission Locale, Avenir Actifs).",
        why: "Le réseau doit permettre l'accès au Conseil en évolution professionnelle, délivré par les opérateurs CEP.",
        fix: "Vérifiez le type et la colonne « Opérateur CEP » des structures membres.",
        example: "Aucune structure membre n'est opérateur du CEP."),
    rule!("C014", "operateur-cep-incoherent", Charter, Warning, None, "Charte §2",
        what: "« Opérateur CEP » contredit le type de structure : un type opérateur marqué Non, ou un autre type marqué Oui.",
        why: "Les opérateurs du CEP sont désignés nationalement : France Travail, Cap emploi, APEC, Missions Locales, Avenir Actifs.",
        fix: "Corrigez « Opérateur CEP » ou le type de structure.",
        example: "« France Travail » est un opérateur CEP mais « Opérateur CEP » vaut Non."),
    rule!("C015", "premier-accueil-absent", Charter, Error, None, "Charte §1",
        what: "Une structure membre n'offre ni premier accueil physique ni premier accueil dématérialisé.",
        why: "Chaque organisme du SPRO-EP s'engage à permettre à toute personne de bénéficier d'un premier accueil, physique ou dématérialisé.",
        fix: "Indiquez « Oui » pour au moins l'un des deux modes de premier accueil.",
        example: "La structure « Ligue de l'enseignement » n'offre aucun premier accueil (E9 et F9 à Non)."),
    rule!("C016", "professionnalisation-absente", Charter, Warning, None, "Charte §6",
        what: "La feuille Professionnalisation n'a aucune ligne.",
        why: "Chaque structure s'engage à participer, selon ses besoins, au programme régional d'appui aux acteurs.",
        fix: "Indiquez les actions du programme d'appui suivies par les professionnels du réseau.",
        example: "Aucune participation au programme régional d'appui n'est déclarée."),
    rule!("C017", "transmission-tardive", Charter, Warning, None, "Convention art. 4",
        what: "La date de transmission est postérieure à la date limite (par défaut le 31 mars de l'année qui suit le bilan ; réglable).",
        why: "Le bilan accompagne la demande de subvention annuelle qui reconduit la convention.",
        fix: "Transmettez le bilan avant la date limite ; si la date saisie est fausse, corrigez-la.",
        example: "Transmis le 15/04/2026, après la date limite du 31/03/2026."),
    rule!("C018", "mixite-non-traitee", Charter, Warning, None, "Charte §1 (art. L6111-3)",
        what: "Aucune action sur l'axe « Mixité et stéréotypes de genre ».",
        why: "Le service public de l'orientation concourt à la mixité professionnelle en luttant contre les stéréotypes de genre.",
        fix: "Vérifiez l'axe de vos actions ; prévoyez une action sur la mixité des métiers.",
        example: "Aucune action sur l'axe « Mixité et stéréotypes de genre »."),
    rule!("B001", "doublon-reseau", Batch, Error, None, "",
        what: "Deux fichiers du lot portent le même code réseau et la même année.",
        why: "Un réseau transmet un seul bilan par an ; deux fichiers compteraient ses chiffres deux fois.",
        fix: "Gardez la version définitive et retirez l'autre du lot.",
        example: "36-CHX 2025 figure aussi dans « bilans/chx-v2.xlsx »."),
    rule!("B002", "reseau-non-transmis", Batch, Info, None, "",
        what: "Un réseau du référentiel n'a transmis aucun fichier pour l'année.",
        why: "La synthèse régionale doit dire qui n'a rien envoyé.",
        fix: "Relancez le réseau concerné.",
        example: "Le réseau 18-VIE (Vierzon) n'a transmis aucun tableau de bord."),
];

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}

/// The explanation `spro explain CODE --lang en` prints.
pub fn explain_en(rule: &Rule) -> String {
    let (what, why, fix, example) = crate::rules_en::english(rule.code).unwrap_or((
        rule.what,
        rule.why,
        rule.fix,
        rule.example,
    ));
    let family = match rule.family {
        Family::File => "File",
        Family::Structure => "Workbook structure",
        Family::Value => "Values",
        Family::Referential => "Referential of networks",
        Family::Charter => "Regional charter",
        Family::Batch => "Batch of files",
    };
    let mut s = format!("{} {} — {family}\n", rule.code, rule.name);
    s.push_str(&format!("Default severity: {}", rule.severity.as_str()));
    if let Some((sev, _)) = rule.other_severity {
        s.push_str(&format!(" (other case: {})", sev.as_str()));
    }
    s.push('\n');
    if !rule.source.is_empty() {
        s.push_str(&format!(
            "Source: {}\n",
            rule.source
                .replace("charte", "charter")
                .replace("Charte", "Charter")
        ));
    }
    s.push_str(&format!("\nWhat it checks\n  {what}\n\nWhy\n  {why}\n\nHow to fix it\n  {fix}\n\nExample\n  {example}\n"));
    s
}

/// The explanation of `rule` in `lang`.
pub fn explain_in(rule: &Rule, lang: crate::i18n::Lang) -> String {
    match lang {
        crate::i18n::Lang::Fr => explain(rule),
        crate::i18n::Lang::En => explain_en(rule),
    }
}

/// The French explanation `spro explain CODE` prints and `docs/rules.md` holds.
pub fn explain(rule: &Rule) -> String {
    let mut s = format!("{} {} — {}\n", rule.code, rule.name, rule.family.label_fr());
    s.push_str(&format!(
        "Sévérité par défaut : {}",
        rule.severity.label_fr()
    ));
    if let Some((sev, case)) = rule.other_severity {
        s.push_str(&format!(" ({} : {})", case, sev.label_fr()));
    }
    s.push('\n');
    if !rule.source.is_empty() {
        s.push_str(&format!("Source : {}\n", rule.source));
    }
    s.push_str(&format!("\nCe qui est vérifié\n  {}\n", rule.what));
    s.push_str(&format!("\nPourquoi\n  {}\n", rule.why));
    s.push_str(&format!("\nComment corriger\n  {}\n", rule.fix));
    s.push_str(&format!("\nExemple\n  {}\n", rule.example));
    s
}

/// `docs/rules.md`, generated from the catalogue (a test keeps the file in step).
pub fn rules_markdown() -> String {
    let mut s = String::from(
        "# Règles vérifiées par `spro`\n\n\
         Ce fichier est généré à partir du catalogue (`src/rules.rs`) : ne le modifiez pas à la main,\n\
         lancez `cargo run -- rules --markdown > docs/rules.md`.\n\n\
         | code | nom | sévérité | source |\n|---|---|---|---|\n",
    );
    for r in RULES {
        s.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.source
        ));
    }
    for r in RULES {
        s.push_str(&format!("\n## {} {}\n\n", r.code, r.name));
        s.push_str(&format!("- Famille : {}\n", r.family.label_fr()));
        s.push_str(&format!("- Sévérité par défaut : {}", r.severity.as_str()));
        if let Some((sev, case)) = r.other_severity {
            s.push_str(&format!(" ({} : {})", case, sev.as_str()));
        }
        s.push('\n');
        if !r.source.is_empty() {
            s.push_str(&format!("- Source : {}\n", r.source));
        }
        s.push_str(&format!(
            "\n**Ce qui est vérifié.** {}\n\n**Pourquoi.** {}\n\n**Comment corriger.** {}\n\n**Exemple.** {}\n",
            r.what, r.why, r.fix, r.example
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn no_duplicate_code_or_name() {
        let codes: HashSet<_> = RULES.iter().map(|r| r.code).collect();
        let names: HashSet<_> = RULES.iter().map(|r| r.name).collect();
        assert_eq!(codes.len(), RULES.len());
        assert_eq!(names.len(), RULES.len());
    }

    #[test]
    fn every_code_of_the_spec_exists() {
        let mut expected = vec![];
        expected.extend((1..=3).map(|n| format!("F{n:03}")));
        expected.extend((1..=8).map(|n| format!("S{n:03}")));
        expected.extend((1..=7).map(|n| format!("V{n:03}")));
        expected.extend((1..=3).map(|n| format!("R{n:03}")));
        expected.extend((1..=18).map(|n| format!("C{n:03}")));
        expected.extend((1..=2).map(|n| format!("B{n:03}")));
        let actual: Vec<String> = RULES.iter().map(|r| r.code.to_string()).collect();
        assert_eq!(actual, expected);
    }

    #[test]
    fn every_rule_has_its_english_texts() {
        for r in RULES {
            let (what, why, fix, example) =
                crate::rules_en::english(r.code).unwrap_or_else(|| panic!("{}", r.code));
            for t in [what, why, fix, example] {
                assert!(!t.is_empty() && !t.contains('«'), "{}: {t}", r.code);
            }
        }
        assert_eq!(crate::rules_en::RULES_EN.len(), RULES.len());
    }

    #[test]
    fn charter_rules_cite_their_source() {
        for r in RULES.iter().filter(|r| r.family == Family::Charter) {
            assert!(!r.source.is_empty(), "{}", r.code);
        }
    }
}
