//! « Méthode et sources »: the files used and left out, the rules applied, the options.

use super::*;

/// The files of the batch whose figures are not counted, and why.
fn left_out(regional: &Regional, report: &Report, choices: &Choices, lang: Lang) -> Vec<LeftOut> {
    let mut left_out = Vec::new();
    for f in &report.files {
        let name = file_name(&f.path.display().to_string());
        let why = if f.annee.is_some_and(|a| a != regional.year) {
            let a = f.annee.unwrap_or_default();
            match lang {
                Lang::Fr => format!("bilan de l'année {a}, pas de {}", regional.year),
                Lang::En => format!("bilan of the year {a}, not {}", regional.year),
            }
        } else if f.status == Status::Unreadable {
            let first = f
                .findings
                .iter()
                .find(|x| x.severity == Severity::Error)
                .map(|x| x.message.get(lang).to_string())
                .unwrap_or_default();
            match lang {
                Lang::Fr => format!("illisible : {first}"),
                Lang::En => format!("unreadable: {first}"),
            }
        } else if f.status == Status::Invalid && !choices.include_invalid {
            let n = f.count(Severity::Error);
            let errors = crate::i18n::count(lang, n, ["erreur", "erreurs"], ["error", "errors"]);
            match lang {
                Lang::Fr => format!("{errors} à corriger : chiffres non comptés"),
                Lang::En => format!("{errors} to correct: figures not counted"),
            }
        } else {
            continue;
        };
        left_out.push(LeftOut { name, why });
    }
    left_out
}

/// How the figures are made, in sentences, ending with the template versions the files were
/// `read` with and the one the figures are laid out on.
fn how(lang: Lang, read: &str, layout: &str) -> Vec<String> {
    let mut how = sentences(lang);
    how.push(match lang {
        Lang::Fr => format!("Modèles : chaque fichier est lu avec la version du modèle qu'il indique (sinon celle que ses feuilles et en-têtes désignent) — {read} ; les colonnes sont rapprochées par leur clé, et les chiffres sont ceux du modèle {layout}."),
        Lang::En => format!("Templates: each file is read with the template version it states (else the one its sheets and headers point to) — {read}; columns are matched by their key, and the figures are those of template {layout}."),
    });
    how
}

/// The campaign the files come from: which deposits, as of when.
fn campaign(source: &crate::consolidate::CampaignSource, lang: Lang) -> String {
    let deposits: Vec<String> = source
        .deposits
        .iter()
        .map(|d| {
            let sha = &d.sha256[..12.min(d.sha256.len())];
            match lang {
                Lang::Fr => format!("n° {} ({}, {sha})", d.id, d.file),
                Lang::En => format!("no. {} ({}, {sha})", d.id, d.file),
            }
        })
        .collect();
    let (year, as_of, list) = (source.year, &source.as_of, deposits.join(", "));
    match lang {
        Lang::Fr => format!(
            "Campagne {year} : dépôts {}, état de la campagne au {as_of} — {list}.",
            source.chosen
        ),
        Lang::En => format!(
            "Campaign {year}: deposits « {} », the campaign as of {as_of} — {list}.",
            source.chosen
        ),
    }
}

/// How the figures are made, whatever the batch.
fn sentences(lang: Lang) -> Vec<String> {
    match lang {
        Lang::Fr => vec![
            "Structures membres, coordinateurs, actions : nombre de lignes des feuilles Structures, Coordination et Actions.".into(),
            "Participants, premiers accueils, professionnels formés : sommes des colonnes Participants (Actions), Premiers accueils (Accueil) et Professionnels formés (Professionnalisation).".into(),
            "Chiffres régionaux : colonne Région de la feuille Indicateurs du classeur régional ; par réseau : feuille Synthèse.".into(),
            "Évolutions : feuille Évolution, sur les réseaux comparés les deux années (bilan de l'année sans erreur, bilan précédent lisible) ; pourcentage arrondi à l'unité.".into(),
            "Conformité : un réseau respecte un engagement quand son bilan lisible ne porte aucune anomalie de la règle correspondante.".into(),
        ],
        Lang::En => vec![
            "Member structures, coordinators, actions: number of rows of the Structures, Coordination and Actions sheets.".into(),
            "Participants, first receptions, professionals trained: sums of the columns Participants (Actions), Premiers accueils (Accueil) and Professionnels formés (Professionnalisation).".into(),
            "Regional figures: Région column of the Indicateurs sheet of the regional workbook; by network: Synthèse sheet.".into(),
            "Changes: Évolution sheet, over the networks compared in both years (the year's bilan without errors, the previous one readable); percentage rounded to the unit.".into(),
            "Conformity: a network meets a commitment when its readable bilan has no finding of the matching rule.".into(),
        ],
    }
}

/// `Méthode et sources`.
pub(super) fn method(
    regional: &Regional,
    report: &Report,
    checker: &Checker,
    choices: &Choices,
    lang: Lang,
) -> Method {
    let short = |sha: &Option<String>| {
        sha.as_deref()
            .map_or(String::new(), |s| s[..12.min(s.len())].to_string())
    };
    let date_of = |path: &str| {
        regional
            .networks
            .iter()
            .find(|r| r.fichier == path)
            .and_then(|r| r.transmission)
            .map_or(String::new(), |d| words::date(d, lang))
    };
    let code_of = |path: &std::path::Path| {
        report
            .files
            .iter()
            .find(|f| f.path == path)
            .and_then(|f| f.reseau.clone())
            .unwrap_or_default()
    };
    let files = regional
        .provenance
        .0
        .iter()
        .map(|p| {
            let shown = p.path.display().to_string();
            FileUsed {
                name: file_name(&shown),
                code: code_of(&p.path),
                date: date_of(&shown),
                sha256: short(&p.sha256),
            }
        })
        .collect();
    let previous_files = regional
        .provenance
        .1
        .iter()
        .map(|p| FileUsed {
            name: file_name(&p.path.display().to_string()),
            code: String::new(),
            date: String::new(),
            sha256: short(&p.sha256),
        })
        .collect();
    let left_out = left_out(regional, report, choices, lang);
    let rules = RULES
        .iter()
        .filter_map(|r| {
            let severity = match checker.config.overrides.get(&r.code)? {
                Override::Off => pick(lang, "désactivée", "off").to_string(),
                Override::Severity(s) => s.label(lang).to_string(),
            };
            Some(RuleApplied {
                code: r.code.as_str().into(),
                name: r.name.into(),
                severity,
            })
        })
        .collect();
    let layout = &checker.registry.serving(choices.year).version;
    let mut how = how(lang, &report.versions_read(lang), layout);
    if let Some(source) = &choices.campaign {
        how.push(campaign(source, lang));
    }
    Method {
        files,
        previous_files,
        left_out,
        rules,
        options: choices.options_text.clone(),
        how,
    }
}
