//! The sheets that describe the consolidation itself: `Règles` (the catalogue as applied) and
//! `À propos` (year, versions, options, and each input with its size and SHA-256).

use rust_xlsxwriter::{Worksheet, XlsxError};

use crate::check::{Checker, Report};
use crate::config::Override;
use crate::consolidate::{Choices, Provenance};
use crate::rules::RULES;
use crate::xlsx::{self, Styles, Widths};

pub(super) fn regles(
    ws: &mut Worksheet,
    checker: &Checker,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let headers = [
        "Code",
        "Règle",
        "Famille",
        "Sévérité appliquée",
        "Sévérité par défaut",
        "Source",
        "Ce qui est vérifié",
    ];
    xlsx::table_header(ws, 0, &headers, RULES.len() as u32, styles)?;
    let mut widths = Widths::of(&headers);
    for (i, r) in RULES.iter().enumerate() {
        let applied = match checker.config.overrides.get(&r.code) {
            Some(Override::Off) => "désactivée".to_string(),
            Some(Override::Severity(s)) => s.label_fr().to_string(),
            None => r.severity.label_fr().to_string(),
        };
        let values = [
            r.code.as_str(),
            r.name,
            r.family.label_fr(),
            &applied,
            r.severity.label_fr(),
            r.source.0,
            r.what.0,
        ];
        for (c, v) in values.iter().enumerate() {
            xlsx::text(ws, i as u32 + 1, c as u16, v, &styles.text)?;
            widths.see(c, v);
        }
    }
    xlsx::widths(ws, &widths.0)
}

pub(super) fn a_propos(
    ws: &mut Worksheet,
    report: &Report,
    provenance: &[Provenance],
    previous: &[Provenance],
    checker: &Checker,
    choices: &Choices,
    styles: &Styles,
) -> Result<(), XlsxError> {
    xlsx::text(
        ws,
        0,
        0,
        "Bilan régional SPRO-EP — consolidation des tableaux de bord",
        &styles.title,
    )?;
    let facts = facts(report, checker, choices);
    for (i, (k, v)) in facts.iter().enumerate() {
        xlsx::text(ws, 2 + i as u32, 0, k, &styles.header)?;
        xlsx::text(ws, 2 + i as u32, 1, v, &styles.text)?;
    }
    let start = 3 + facts.len() as u32;
    let headers = ["Fichier", "Taille (octets)", "SHA-256", "Statut"];
    for (c, h) in headers.iter().enumerate() {
        xlsx::text(ws, start, c as u16, h, &styles.header)?;
    }
    let status = |path: &std::path::Path| {
        report
            .files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.status.label_fr())
    };
    let mut written = files(ws, start + 1, provenance, &status, styles)?;
    if let Some(source) = &choices.campaign {
        written += campaign(ws, start + 2 + written, source, styles)?;
    }
    if !previous.is_empty() {
        // The previous year's files (`--precedent`), proven the same way.
        let top = start + 2 + written;
        xlsx::text(
            ws,
            top,
            0,
            "Fichiers de l'année précédente (comparaison)",
            &styles.title,
        )?;
        for (c, h) in headers[..3].iter().enumerate() {
            xlsx::text(ws, top + 1, c as u16, h, &styles.header)?;
        }
        files(ws, top + 2, previous, &|_| None, styles)?;
    }
    ws.set_column_width(0, 48)?;
    ws.set_column_width(1, 48)?;
    ws.set_column_width(2, 66)?;
    ws.set_column_width(3, 28)?;
    Ok(())
}

/// The deposits of a campaign the files are, from row `top`: which, when, as of when. Returns
/// the rows written, the blank one before included.
fn campaign(
    ws: &mut Worksheet,
    top: u32,
    source: &crate::consolidate::CampaignSource,
    styles: &Styles,
) -> Result<u32, XlsxError> {
    let title = format!(
        "Campagne {} : dépôts {}, état de la campagne au {}",
        source.year, source.chosen, source.as_of
    );
    xlsx::text(ws, top, 0, &title, &styles.title)?;
    let headers = ["Fichier", "Dépôt n°", "SHA-256", "Déposé le"];
    for (c, h) in headers.iter().enumerate() {
        xlsx::text(ws, top + 1, c as u16, h, &styles.header)?;
    }
    for (i, d) in source.deposits.iter().enumerate() {
        let r = top + 2 + i as u32;
        xlsx::text(ws, r, 0, &d.file, &styles.text)?;
        ws.write_number_with_format(r, 1, d.id as f64, &styles.integer)?;
        xlsx::text(ws, r, 2, &d.sha256, &styles.text)?;
        xlsx::text(ws, r, 3, &d.deposited_at, &styles.text)?;
    }
    Ok(3 + source.deposits.len() as u32)
}

/// Each file of `list` from row `first` on, in path order: path, size, SHA-256 and, when
/// `status` knows it, its status. Returns the number of rows written.
fn files(
    ws: &mut Worksheet,
    first: u32,
    list: &[Provenance],
    status: &dyn Fn(&std::path::Path) -> Option<&'static str>,
    styles: &Styles,
) -> Result<u32, XlsxError> {
    let mut sorted: Vec<&Provenance> = list.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    for (i, p) in sorted.iter().enumerate() {
        let r = first + i as u32;
        xlsx::text(ws, r, 0, &p.path.display().to_string(), &styles.text)?;
        if let Some(size) = p.size {
            ws.write_number_with_format(r, 1, size as f64, &styles.integer)?;
        }
        if let Some(h) = &p.sha256 {
            xlsx::text(ws, r, 2, h, &styles.text)?;
        }
        if let Some(label) = status(&p.path) {
            xlsx::text(ws, r, 3, label, &styles.text)?;
        }
    }
    Ok(sorted.len() as u32)
}

/// The columns of the files' versions the regional workbook has no place for, with the files
/// that filled them: « Actions — Budget (€) : 18-BOU.xlsx ; … », or « aucune ».
fn left_out(report: &Report) -> String {
    let mut by_column: Vec<((&str, &str), Vec<String>)> = Vec::new();
    for f in &report.files {
        let name = f.path.file_name().map_or_else(
            || f.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        for (sheet, column) in &f.left_out {
            let key = (sheet.as_str(), column.as_str());
            match by_column.iter_mut().find(|(k, _)| *k == key) {
                Some((_, files)) => files.push(name.clone()),
                None => by_column.push((key, vec![name.clone()])),
            }
        }
    }
    if by_column.is_empty() {
        return "aucune".to_string();
    }
    by_column
        .iter()
        .map(|((sheet, column), files)| format!("{sheet} — {column} : {}", files.join(", ")))
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// The facts of the consolidation, label and value.
fn facts(report: &Report, checker: &Checker, choices: &Choices) -> Vec<(&'static str, String)> {
    let referential = match &checker.config.referentiel {
        Some(p) => p.display().to_string(),
        None => "référentiel intégré (échantillon de 22 réseaux)".to_string(),
    };
    vec![
        ("Année du bilan", choices.year.to_string()),
        ("Outil", format!("spro {}", env!("CARGO_PKG_VERSION"))),
        (
            "Version du modèle",
            checker.registry.serving(choices.year).version.clone(),
        ),
        (
            "Modèles des fichiers lus",
            report.versions_read(crate::i18n::Lang::Fr),
        ),
        ("Colonnes laissées de côté", left_out(report)),
        ("Options", choices.options_text.clone()),
        ("Référentiel", referential),
        (
            "Indicateurs",
            if choices.include_invalid {
                "fichiers lisibles, y compris non conformes"
            } else {
                "fichiers sans erreur uniquement"
            }
            .to_string(),
        ),
        (
            "Données personnelles",
            if choices.without_personal_data {
                "exclues"
            } else {
                "incluses"
            }
            .to_string(),
        ),
        ("Fichiers reçus", report.files.len().to_string()),
    ]
}
