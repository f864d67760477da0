//! What marking a file means, whichever way the copy is made: which cells of which sheet get
//! a fill (the most severe of their findings), the note gathering their findings, the
//! colours, and the sentences of the `Anomalies` sheet.

use std::collections::BTreeMap;

use crate::check::{FileReport, Status};
use crate::finding::{Finding, Severity};

/// The name of the sheet listing the findings.
pub const ANOMALIES: &str = "Anomalies";

/// The one line of `Anomalies` that says how to send the corrected file.
pub(super) const BEFORE_SENDING: &str = "Avant d'envoyer le fichier corrigé, supprimez cette feuille « Anomalies » (clic droit sur son onglet › Supprimer) ; les couleurs et les notes des cellules peuvent rester : la vérification ne lit que les valeurs.";

/// The one line of `Anomalies` in a copy of another format than `.xlsx`: a new workbook of the
/// file's values.
pub const VALUES_ONLY: &str = "Cette copie est un classeur .xlsx qui reprend les valeurs de votre fichier : corrigez votre fichier d'origine, puis vérifiez-le à nouveau.";

/// What a copy is, which says the third line of `Anomalies` and where its table starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// The coordinator's own `.xlsx`/`.xlsm`, marked: sent back once corrected.
    Own,
    /// A new `.xlsx` of the values of a file of another format: the original is corrected.
    Values,
}

impl Origin {
    /// The third line of `Anomalies`.
    pub(super) fn line(self) -> &'static str {
        match self {
            Origin::Own => BEFORE_SENDING,
            Origin::Values => VALUES_ONLY,
        }
    }

    /// The 0-based row of the table's header: after a blank row in the coordinator's own file,
    /// right after the line in a copy of the values.
    pub(super) fn header_row(self) -> u32 {
        match self {
            Origin::Own => 4,
            Origin::Values => 3,
        }
    }
}

/// The headers of the `Anomalies` table.
pub(super) const HEADERS: [&str; 7] = [
    "Sévérité",
    "Code",
    "Règle",
    "Feuille",
    "Cellule",
    "Message",
    "Comment corriger",
];

/// The fill of a marked cell, as RGB.
pub(super) fn fill_rgb(severity: Severity) -> u32 {
    match severity {
        Severity::Error => 0xFF9999,
        Severity::Warning => 0xFFC266,
        Severity::Info => 0x9CC3E6,
    }
}

/// The first line of `Anomalies`.
pub(super) fn title(report: &FileReport) -> String {
    format!("Vérification de « {} »", report.path.display())
}

/// The second line of `Anomalies`: the status and the counts.
pub(super) fn status_sentence(report: &FileReport) -> String {
    let fr = crate::i18n::Lang::Fr;
    let counts = [
        (Severity::Error, ["erreur", "erreurs"]),
        (Severity::Warning, ["avertissement", "avertissements"]),
        (Severity::Info, ["information", "informations"]),
    ]
    .map(|(severity, words)| crate::i18n::count(fr, report.count(severity), words, ["", ""]))
    .join(", ");
    match report.status {
        Status::Valid if report.findings.is_empty() => "Statut : conforme — aucune anomalie, le tableau de bord peut être transmis.".to_string(),
        Status::Valid => format!("Statut : conforme — {counts}."),
        Status::ValidWithWarnings => format!("Statut : conforme avec avertissements — {counts} ; le tableau de bord est recevable, voyez les points signalés."),
        Status::Invalid => format!("Statut : non conforme — {counts} ; corrigez les erreurs avant de transmettre."),
        Status::Unreadable => format!("Statut : illisible — {counts} ; le fichier n'a pas pu être lu."),
    }
}

/// The sentence of `Anomalies` for a file without findings.
pub(super) const NOTHING: &str = "Aucune anomalie : toutes les règles sont respectées.";

/// The note of a marked cell: each of its findings, with its rule and how to fix it.
pub(super) fn note_text<'f>(findings: impl IntoIterator<Item = &'f Finding>) -> String {
    findings
        .into_iter()
        .map(|f| {
            let rule = f.code.rule();
            format!(
                "{} {} ({}) : {}\nComment corriger : {}",
                f.code,
                rule.name,
                f.severity.label_fr(),
                f.message.fr,
                rule.fix.0
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The marked cells of one sheet: (row, column, index of the finding in the report), sorted
/// by cell then by the findings' order, so that a cell's findings are together.
#[derive(Debug, Default, Clone)]
pub(super) struct SheetMarks(pub Vec<(u32, u32, u32)>);

impl SheetMarks {
    /// The marked cells in order: (row, column, the indices of their findings).
    pub(super) fn cells(&self) -> impl Iterator<Item = (u32, u32, &[(u32, u32, u32)])> {
        self.0
            .chunk_by(|a, b| (a.0, a.1) == (b.0, b.1))
            .map(|group| (group[0].0, group[0].1, group))
    }
}

/// The most severe of the findings `group` points at.
pub(super) fn severity(findings: &[Finding], group: &[(u32, u32, u32)]) -> Severity {
    group
        .iter()
        .map(|&(_, _, i)| findings[i as usize].severity)
        .max()
        .unwrap_or(Severity::Info)
}

/// The findings of `report` that have a cell, by the name in the file of their sheet.
/// `actual` gives that name from the name findings use (the canonical name of one of the
/// six sheets, or the name of another sheet).
pub(super) fn by_sheet(
    report: &FileReport,
    actual: &BTreeMap<String, String>,
) -> BTreeMap<String, SheetMarks> {
    let mut marks: BTreeMap<String, SheetMarks> = BTreeMap::new();
    for (i, f) in report.findings.iter().enumerate() {
        let (Some((r, c)), Some(sheet)) = (f.location.cell, f.sheet_name()) else {
            continue;
        };
        if let Some(name) = actual.get(sheet) {
            marks
                .entry(name.clone())
                .or_default()
                .0
                .push((r, c, i as u32));
        }
    }
    for m in marks.values_mut() {
        m.0.sort_unstable();
    }
    marks
}

/// The name findings give to a sheet of the file: the canonical name when it is one of the
/// six sheets, its own name otherwise.
pub(super) fn finding_name(actual: &str) -> String {
    crate::schema::SheetKind::from_name(actual).map_or(actual.to_string(), |k| k.name().to_string())
}
