//! What the synthesis says, as data: built from the figures of the consolidation
//! ([`Regional`], the same numbers its sheets show) and the check's report, then given whole
//! to the layout (`templates/synthese.typ`) as JSON. The layout only lays it out: every
//! number and sentence is decided here, so a test can compare them with the workbook.
//!
//! No personal data: nothing here comes from a coordinator's or signatory's cells, nor from a
//! finding's message (T004's names who left and who came); networks and structures are
//! organisations, named.

mod charts;
mod conformity;
mod method;
mod networks;

use std::collections::BTreeMap;

use charts::charts;
use conformity::conformity;
use method::method;
use networks::networks;

use serde::Serialize;

use super::essentiel;
use super::words::{self, int, percent, signed_percent};
use crate::check::{Checker, Report, Status};
use crate::config::Override;
use crate::consolidate::{Choices, NetworkRow, Regional, DEPARTEMENTS, NETWORKS};
use crate::evolution::FIGURES;
use crate::finding::Severity;
use crate::i18n::{pick, Lang};
use crate::rules::{Code, Family, RULES};

/// Where each of the six figures is in `Indicateurs` (block, row), in [`FIGURES`]' order.
pub const FIGURE_CELLS: [(&str, &str); 6] = [
    (NETWORKS, "Structures membres"),
    (NETWORKS, "Coordinateurs"),
    ("Actions par département", "Actions"),
    ("Participants aux actions", "Participants"),
    ("Premiers accueils et orientations", "Premiers accueils"),
    ("Professionnalisation", "Professionnels formés"),
];

/// A number and how it reads.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Num {
    pub value: i64,
    pub text: String,
}

impl Num {
    fn new(value: i64, lang: Lang) -> Num {
        Num {
            value,
            text: int(value, lang),
        }
    }
}

/// The whole document.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub lang: &'static str,
    pub year: i32,
    pub year_before: Option<i32>,
    /// The latest `Date de transmission` of the files of the year (the date of the data).
    pub date: Option<Day>,
    /// `spro 0.1.0`.
    pub tool: String,
    /// The Typst layout and its digest (`template`, as the layout reads it).
    #[serde(rename = "template")]
    pub layout: String,
    pub counts: Counts,
    /// Which files the figures count, in a sentence.
    pub scope: String,
    pub figures: Vec<RegionalFigure>,
    /// The networks compared in both years, with `--precedent`.
    pub compared: Option<usize>,
    pub sentences: Vec<String>,
    pub charts: Vec<Chart>,
    pub conformity: Conformity,
    pub networks: Vec<NetworkSection>,
    pub method: Method,
}

#[derive(Debug, Clone, Serialize)]
pub struct Day {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub text: String,
}

/// Networks expected, transmitted, conformes, to correct, not sent; files outside the
/// referential.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Counts {
    pub expected: usize,
    pub transmitted: usize,
    pub conformes: usize,
    pub to_correct: usize,
    pub not_sent: usize,
    pub outside: usize,
}

/// One of the six regional figures: the Région's total of `Indicateurs`, and with
/// `--precedent` the totals of the networks compared (`Évolution`).
#[derive(Debug, Clone, Serialize)]
pub struct RegionalFigure {
    pub label: String,
    /// « — » when no file counted can give it (their template versions lack it).
    pub value: Num,
    /// The networks the figure leaves out (their versions cannot give it), in a sentence.
    pub note: Option<String>,
    pub compared_before: Option<Num>,
    pub compared_now: Option<Num>,
    /// « +8 % par rapport à 2024 ».
    pub change: Option<String>,
}

/// A chart and its table: rows of labelled values, one value per series.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub title: String,
    /// The first column's header, then one per series.
    pub header: Vec<String>,
    pub series: Vec<String>,
    pub rows: Vec<ChartRow>,
    /// The table's last line (the Région), not drawn.
    pub total: Option<ChartRow>,
    /// Each pair of bars scaled to its own largest value (figures of different sizes).
    pub scaled_by_row: bool,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChartRow {
    pub label: String,
    pub values: Vec<Num>,
    /// Each bar's length, from 0 to 1.
    pub bars: Vec<f64>,
}

/// `Conformité à la charte`: one line per commitment (a rule of the charter).
#[derive(Debug, Clone, Serialize)]
pub struct Conformity {
    /// Networks whose file could be read: those the commitments are checked on.
    pub assessed: usize,
    pub lines: Vec<Commitment>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Commitment {
    pub code: String,
    pub label: String,
    pub source: String,
    pub met: usize,
    pub failing: Vec<String>,
    pub off: bool,
}

/// One network of the referential (or a code outside it).
#[derive(Debug, Clone, Serialize)]
pub struct NetworkSection {
    pub code: String,
    pub name: String,
    pub departement: String,
    pub sent: bool,
    /// `conforme`, `a-corriger` or `non-transmis` (the template's colour).
    pub state: &'static str,
    /// Whether its file could not be read at all.
    pub unreadable: bool,
    pub status: String,
    /// Files of this network (more than one: B001).
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub figures: Vec<NetworkFigure>,
    pub changes: Vec<String>,
    /// For a network that sent nothing: the year of the last bilan received, when
    /// `--precedent` holds one.
    pub last_bilan: Option<i32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NetworkFigure {
    pub label: String,
    pub now: Option<Num>,
    pub before: Option<Num>,
    pub change: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Method {
    pub files: Vec<FileUsed>,
    pub previous_files: Vec<FileUsed>,
    pub left_out: Vec<LeftOut>,
    pub rules: Vec<RuleApplied>,
    pub options: String,
    pub how: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileUsed {
    pub name: String,
    pub code: String,
    pub date: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeftOut {
    pub name: String,
    pub why: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleApplied {
    pub code: String,
    pub name: String,
    pub severity: String,
}

/// The status of a line of `Synthèse`, read back from its label.
fn status_of(row: &NetworkRow) -> Option<Status> {
    [
        Status::Valid,
        Status::ValidWithWarnings,
        Status::Invalid,
        Status::Unreadable,
    ]
    .into_iter()
    .find(|s| s.label_fr() == row.statut)
}

/// The file name of a path as the workbook writes it (uploads are `./name`).
fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// The département « Indre (36) » of a code.
fn departement_name(code: &str) -> String {
    DEPARTEMENTS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_string(), |(c, n)| format!("{n} ({c})"))
}

/// Builds the document of a consolidation.
pub fn document(
    regional: &Regional,
    report: &Report,
    checker: &Checker,
    choices: &Choices,
    lang: Lang,
) -> Document {
    let year = regional.year;
    let table = regional.evolution.as_ref();
    let counts = counts(regional, checker);
    let figures = figures(regional, lang);
    let charts = charts(regional, lang);
    let networks = networks(regional, report, checker, lang);
    let scope = scope(regional.counted, choices.include_invalid, lang);
    let sentences = essentiel::sentences(regional, &counts, &networks, lang);
    let date = regional
        .networks
        .iter()
        .filter(|r| r.figures.is_some())
        .filter_map(|r| r.transmission)
        .max()
        .map(|d| {
            use chrono::Datelike;
            Day {
                year: d.year(),
                month: d.month(),
                day: d.day(),
                text: words::date(d, lang),
            }
        });
    Document {
        lang: pick(lang, "fr", "en"),
        year,
        year_before: table.map(|t| t.year_before),
        date,
        tool: format!("spro {}", env!("CARGO_PKG_VERSION")),
        layout: super::layout_version(),
        counts,
        scope,
        figures,
        compared: table.map(|t| t.compared()),
        sentences,
        charts,
        conformity: conformity(regional, report, checker, lang),
        networks,
        method: method(regional, report, checker, choices, lang),
    }
}

/// Networks of the referential with a file of the year: their lines of `Synthèse`.
fn lines_of<'r>(regional: &'r Regional, code: &str) -> Vec<&'r NetworkRow> {
    regional
        .networks
        .iter()
        .filter(|r| r.code.eq_ignore_ascii_case(code) && !r.fichier.is_empty())
        .collect()
}

/// The status of a network from its lines: not sent, or the status of its file (of the
/// least conforming when it sent several).
fn network_status(lines: &[&NetworkRow]) -> Option<Status> {
    lines
        .iter()
        .filter_map(|r| status_of(r))
        .max_by_key(|s| match s {
            Status::Valid => 0,
            Status::ValidWithWarnings => 1,
            Status::Invalid => 2,
            Status::Unreadable => 3,
        })
}

fn counts(regional: &Regional, checker: &Checker) -> Counts {
    let networks = &checker.referential.networks;
    let statuses: Vec<Option<Status>> = networks
        .iter()
        .map(|n| network_status(&lines_of(regional, &n.code)))
        .collect();
    let transmitted = statuses.iter().filter(|s| s.is_some()).count();
    let conformes = statuses
        .iter()
        .filter(|s| matches!(s, Some(Status::Valid | Status::ValidWithWarnings)))
        .count();
    let outside = regional
        .networks
        .iter()
        .filter(|r| !r.fichier.is_empty())
        .filter(|r| checker.referential.get(&r.code).is_none())
        .count();
    Counts {
        expected: networks.len(),
        transmitted,
        conformes,
        to_correct: transmitted - conformes,
        not_sent: networks.len() - transmitted,
        outside,
    }
}

fn scope(counted: usize, include_invalid: bool, lang: Lang) -> String {
    let n = int(counted as i64, lang);
    let w = |fr, en| crate::i18n::agree(lang, counted, fr, en);
    match (include_invalid, lang) {
        (false, Lang::Fr) => format!("Les chiffres régionaux comptent {n} {} sans erreur ; les bilans à corriger n'y sont pas comptés.", w(["bilan", "bilans"], ["", ""])),
        (false, Lang::En) => format!("Regional figures count {n} {} without errors; bilans to correct are not counted.", w(["", ""], ["bilan", "bilans"])),
        (true, Lang::Fr) => format!("Les chiffres régionaux comptent {n} {}, y compris ceux à corriger (--inclure-non-conformes).", w(["bilan lisible", "bilans lisibles"], ["", ""])),
        (true, Lang::En) => format!("Regional figures count {n} readable {}, those to correct included (--inclure-non-conformes).", w(["", ""], ["bilan", "bilans"])),
    }
}

/// The six figures: the Région's column of `Indicateurs`; with `--precedent`, the totals of
/// the networks compared in `Évolution` and their change.
fn figures(regional: &Regional, lang: Lang) -> Vec<RegionalFigure> {
    FIGURES
        .iter()
        .zip(FIGURE_CELLS)
        .enumerate()
        .map(|(k, (f, (block, label)))| {
            let value = regional.indicators.value(block, label, "Total") as i64;
            let given = &regional.indicators.given;
            let left_out = given.left_out(block, label);
            let note = (!left_out.is_empty()).then(|| {
                let codes = words::list(&left_out, lang);
                match lang {
                    Lang::Fr => format!("sans {codes} (modèle sans ce chiffre)"),
                    Lang::En => format!("without {codes} (template without this figure)"),
                }
            });
            let mut value = Num::new(value, lang);
            if given.dash(block, label, "Total") {
                value.text = "—".into();
            }
            let (mut compared_before, mut compared_now, mut change) = (None, None, None);
            if let Some(t) = &regional.evolution {
                let (b, n) = t.totals[k];
                compared_before = Some(Num::new(b, lang));
                compared_now = Some(Num::new(n, lang));
                let yb = t.year_before;
                let c = match percent(b, n) {
                    Some(p) => {
                        let p = signed_percent(p, lang);
                        match lang {
                            Lang::Fr => format!("{p} par rapport à {yb}"),
                            Lang::En => format!("{p} on {yb}"),
                        }
                    }
                    None => match lang {
                        Lang::Fr => format!("aucun en {yb} pour les réseaux comparés"),
                        Lang::En => format!("none in {yb} for the networks compared"),
                    },
                };
                change = Some(c);
            }
            RegionalFigure {
                label: f.title_in(lang),
                value,
                note,
                compared_before,
                compared_now,
                change,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn departements_are_named() {
        assert_eq!(departement_name("36"), "Indre (36)");
        assert_eq!(departement_name("99"), "99");
    }
}
