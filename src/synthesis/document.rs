//! What the synthesis says, as data: built from the figures of the consolidation
//! ([`Regional`], the same numbers its sheets show) and the check's report, then given whole
//! to the template (`templates/synthese.typ`) as JSON. The template only lays it out: every
//! number and sentence is decided here, so a test can compare them with the workbook.
//!
//! No personal data: nothing here comes from a coordinator's or signatory's cells, nor from a
//! finding's message (T004's names who left and who came); networks and structures are
//! organisations, named.

use std::collections::BTreeMap;

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
    /// The template and its digest.
    pub template: String,
    pub counts: Counts,
    /// Which files the figures count, in a sentence.
    pub scope: String,
    pub figures: Vec<Figure>,
    /// The networks compared in both years, with `--precedent`.
    pub compared: Option<usize>,
    pub sentences: Vec<String>,
    pub charts: Vec<Chart>,
    pub conformity: Conformity,
    pub networks: Vec<Network>,
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
pub struct Figure {
    pub label: String,
    pub value: Num,
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
pub struct Network {
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
        template: super::template_version(),
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
    match (include_invalid, lang) {
        (false, Lang::Fr) => format!("Les chiffres régionaux comptent les {n} bilan(s) sans erreur ; les bilans à corriger n'y sont pas comptés."),
        (false, Lang::En) => format!("Regional figures count the {n} bilan(s) without errors; bilans to correct are not counted."),
        (true, Lang::Fr) => format!("Les chiffres régionaux comptent les {n} bilan(s) lisibles, y compris ceux à corriger (--inclure-non-conformes)."),
        (true, Lang::En) => format!("Regional figures count the {n} readable bilan(s), those to correct included (--inclure-non-conformes)."),
    }
}

/// The six figures: the Région's column of `Indicateurs`; with `--precedent`, the totals of
/// the networks compared in `Évolution` and their change.
fn figures(regional: &Regional, lang: Lang) -> Vec<Figure> {
    FIGURES
        .iter()
        .zip(FIGURE_CELLS)
        .enumerate()
        .map(|(k, (f, (block, label)))| {
            let value = regional.indicators.value(block, label, "Total") as i64;
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
            Figure {
                label: f.title_in(lang),
                value: Num::new(value, lang),
                compared_before,
                compared_now,
                change,
            }
        })
        .collect()
}

/// A chart's row from values of `Indicateurs`; bars are scaled later.
fn row(label: String, values: &[f64], lang: Lang) -> ChartRow {
    ChartRow {
        label,
        values: values.iter().map(|v| Num::new(*v as i64, lang)).collect(),
        bars: Vec::new(),
    }
}

/// Sets each row's bars: against the largest value of the chart, or of its row.
fn scale(mut chart: Chart) -> Chart {
    let largest = |values: &[Num]| values.iter().map(|v| v.value).max().unwrap_or(0);
    let all = chart
        .rows
        .iter()
        .map(|r| largest(&r.values))
        .max()
        .unwrap_or(0);
    for r in &mut chart.rows {
        let max = if chart.scaled_by_row {
            largest(&r.values)
        } else {
            all
        };
        r.bars = r
            .values
            .iter()
            .map(|v| {
                if max > 0 {
                    v.value as f64 / max as f64
                } else {
                    0.0
                }
            })
            .collect();
    }
    chart
}

/// The charts: actions by département, by type; first receptions by public; participants by
/// sex; with `--precedent`, the six figures of the networks compared, N-1 and N.
fn charts(regional: &Regional, lang: Lang) -> Vec<Chart> {
    let ind = &regional.indicators;
    let region = pick(lang, "Région", "Région (total)");
    let by_total = |block: &str, title: &str, header: &str, unit: &str| -> Chart {
        let labels = ind.block(block).map(|b| b.0.to_vec()).unwrap_or_default();
        let rows: Vec<ChartRow> = labels
            .iter()
            .map(|l| row(l.clone(), &[ind.value(block, l, "Total")], lang))
            .collect();
        let total: f64 = labels.iter().map(|l| ind.value(block, l, "Total")).sum();
        Chart {
            title: title.to_string(),
            header: vec![header.to_string(), unit.to_string()],
            series: vec![unit.to_string()],
            rows,
            total: Some(row(region.to_string(), &[total], lang)),
            scaled_by_row: false,
            note: None,
        }
    };
    let actions = pick(lang, "Actions", "Actions");
    let mut charts = vec![
        by_departement(ind, region, lang),
        by_total(
            "Actions par type",
            pick(lang, "Actions par type", "Actions by type"),
            pick(lang, "Type d'action", "Type of action"),
            actions,
        ),
        by_total(
            "Premiers accueils par public",
            pick(
                lang,
                "Premiers accueils par public",
                "First receptions by public",
            ),
            pick(lang, "Public", "Public"),
            pick(lang, "Premiers accueils", "First receptions"),
        ),
    ];
    charts.push(by_sex(ind, lang));
    charts.extend(compared(regional, lang));
    charts.into_iter().map(scale).collect()
}

/// Actions by département, and the Région's total.
fn by_departement(ind: &crate::consolidate::Indicators, region: &str, lang: Lang) -> Chart {
    let actions = pick(lang, "Actions", "Actions");
    Chart {
        title: pick(lang, "Actions par département", "Actions by département").into(),
        header: vec![
            pick(lang, "Département", "Département").into(),
            actions.into(),
        ],
        series: vec![actions.into()],
        rows: DEPARTEMENTS
            .iter()
            .map(|(c, n)| {
                row(
                    format!("{n} ({c})"),
                    &[ind.value("Actions par département", "Actions", c)],
                    lang,
                )
            })
            .collect(),
        total: Some(row(
            region.into(),
            &[ind.value("Actions par département", "Actions", "Total")],
            lang,
        )),
        scaled_by_row: false,
        note: None,
    }
}

/// Participants in actions by sex.
fn by_sex(ind: &crate::consolidate::Indicators, lang: Lang) -> Chart {
    let participants = "Participants aux actions";
    Chart {
        title: pick(lang, "Participants aux actions par sexe", "Participants in actions by sex")
            .into(),
        header: vec![
            pick(lang, "Participants", "Participants").into(),
            pick(lang, "Nombre", "Number").into(),
        ],
        series: vec![pick(lang, "Participants", "Participants").into()],
        rows: [
            ("dont femmes", pick(lang, "Femmes", "Women")),
            ("dont hommes", pick(lang, "Hommes", "Men")),
        ]
        .iter()
        .map(|(l, shown)| row(shown.to_string(), &[ind.value(participants, l, "Total")], lang))
        .collect(),
        total: Some(row(
            pick(lang, "Participants (tous)", "Participants (all)").into(),
            &[ind.value(participants, "Participants", "Total")],
            lang,
        )),
        scaled_by_row: false,
        note: Some(
            pick(
                lang,
                "Femmes et hommes tels que les réseaux les ont renseignés ; leur somme peut être inférieure au nombre de participants.",
                "Women and men as the networks filled them in; their sum can be lower than the number of participants.",
            )
            .into(),
        ),
    }
}

/// The networks compared in both years, figure by figure, with `--precedent`.
fn compared(regional: &Regional, lang: Lang) -> Option<Chart> {
    let t = regional.evolution.as_ref()?;
    let (yb, y) = (t.year_before.to_string(), regional.year.to_string());
    let n = t.compared();
    Some(Chart {
            title: match lang {
                Lang::Fr => format!("Réseaux comparés : {yb} et {y}"),
                Lang::En => format!("Networks compared: {yb} and {y}"),
            },
            header: vec![pick(lang, "Indicateur", "Figure").into(), yb.clone(), y.clone()],
            series: vec![yb, y],
            rows: FIGURES
                .iter()
                .zip(t.totals)
                .map(|(f, (b, n))| row(f.title_in(lang), &[b as f64, n as f64], lang))
                .collect(),
            total: None,
            scaled_by_row: true,
            note: Some(match lang {
                Lang::Fr => format!("Totaux des {n} réseau(x) comparés les deux années (feuille Évolution) ; chaque paire de barres a sa propre échelle."),
                Lang::En => format!("Totals of the {n} network(s) compared in both years (Évolution sheet); each pair of bars has its own scale."),
            }),
        })
}

/// Short names of the charter's commitments, for the rules of the charter family.
fn commitment(code: Code, lang: Lang) -> &'static str {
    let (fr, en) = match code {
        Code::C001 => ("Coordination désignée", "Coordination designated"),
        Code::C002 => (
            "Coordinateurs issus des structures membres",
            "Coordinators from member structures",
        ),
        Code::C003 => (
            "Convention signée dans la période",
            "Convention signed within the period",
        ),
        Code::C004 => (
            "Signatures des structures datées",
            "Structures' signatures dated",
        ),
        Code::C005 => (
            "Logos de la Région et du SPRO sur les outils créés",
            "Région and SPRO logos on the tools created",
        ),
        Code::C006 => (
            "Actions portées par des structures membres",
            "Actions led by member structures",
        ),
        Code::C007 => (
            "Dates des actions dans l'année",
            "Action dates within the year",
        ),
        Code::C008 => (
            "Répartition femmes-hommes cohérente",
            "Consistent split of women and men",
        ),
        Code::C009 => (
            "Orientations cohérentes avec les premiers accueils",
            "Referrals consistent with first receptions",
        ),
        Code::C010 => (
            "Actions co-construites avec des partenaires",
            "Actions built with partners",
        ),
        Code::C011 => ("Axes de la charte couverts", "Charter axes covered"),
        Code::C012 => (
            "Promotion du conseil en évolution professionnelle",
            "Promotion of the CEP",
        ),
        Code::C013 => (
            "Opérateur du CEP membre du réseau",
            "CEP operator in the network",
        ),
        Code::C014 => (
            "Opérateur du CEP renseigné de façon cohérente",
            "CEP operator consistently filled in",
        ),
        Code::C015 => (
            "Premier accueil par chaque structure",
            "First reception by every structure",
        ),
        Code::C016 => (
            "Professionnalisation des acteurs",
            "Training of the professionals",
        ),
        Code::C017 => ("Bilan transmis à temps", "Bilan sent on time"),
        Code::C018 => (
            "Mixité des métiers traitée",
            "Gender balance in jobs addressed",
        ),
        _ => ("", ""),
    };
    pick(lang, fr, en)
}

/// `Conformité à la charte`: for each rule of the charter, how many networks whose file was
/// read meet it (no finding of that rule), and which do not.
fn conformity(regional: &Regional, report: &Report, checker: &Checker, lang: Lang) -> Conformity {
    // The readable files of the year of the referential's networks, by network.
    let mut assessed: BTreeMap<String, (String, Vec<Code>)> = BTreeMap::new();
    for f in &report.files {
        let Some(code) = f.reseau.as_deref() else {
            continue;
        };
        let Some(n) = checker.referential.get(code) else {
            continue;
        };
        let of_year = f.annee.is_none_or(|a| a == regional.year);
        if f.status == Status::Unreadable || !of_year {
            continue;
        }
        let entry = assessed
            .entry(n.code.clone())
            .or_insert_with(|| (format!("{} ({})", n.nom, n.code), Vec::new()));
        entry.1.extend(f.findings.iter().map(|x| x.code));
    }
    let lines = RULES
        .iter()
        .filter(|r| r.family == Family::Charter)
        .map(|r| {
            let failing: Vec<String> = assessed
                .values()
                .filter(|(_, codes)| codes.contains(&r.code))
                .map(|(name, _)| name.clone())
                .collect();
            Commitment {
                code: r.code.as_str().to_string(),
                label: commitment(r.code, lang).to_string(),
                source: r.source(lang).to_string(),
                met: assessed.len() - failing.len(),
                failing,
                off: matches!(checker.config.overrides.get(&r.code), Some(Override::Off)),
            }
        })
        .collect();
    Conformity {
        assessed: assessed.len(),
        lines,
    }
}

/// What changed since the year before, from the T findings of a network's file: counted and
/// said in the rule's words, never from the messages (T004's name people).
fn changes(codes: &[Code], year_before: i32, lang: Lang) -> Vec<String> {
    let count = |c: Code| codes.iter().filter(|x| **x == c).count();
    let mut out = Vec::new();
    let yb = year_before;
    if count(Code::T000) > 0 {
        out.push(match lang {
            Lang::Fr => {
                format!("Pas de comparaison : le bilan {yb} de ce réseau est inutilisable.")
            }
            Lang::En => format!("No comparison: this network's {yb} bilan cannot be used."),
        });
    }
    let n = count(Code::T003);
    if n > 0 {
        out.push(match lang {
            Lang::Fr => {
                format!("{n} structure(s) membre(s) en {yb} ne figure(nt) plus parmi les membres.")
            }
            Lang::En => format!("{n} member structure(s) of {yb} no longer among the members."),
        });
    }
    if count(Code::T004) > 0 {
        out.push(match lang {
            Lang::Fr => format!("Coordination changée depuis {yb}."),
            Lang::En => format!("Coordination changed since {yb}."),
        });
    }
    if count(Code::T005) > 0 {
        out.push(match lang {
            Lang::Fr => {
                format!("Convention renouvelée ou modifiée (date de signature différente de {yb}).")
            }
            Lang::En => {
                format!("Convention renewed or changed (signature date other than in {yb}).")
            }
        });
    }
    let n = count(Code::T001) + count(Code::T002);
    if n > 0 {
        out.push(match lang {
            Lang::Fr => format!(
                "{n} chiffre(s) en très forte évolution depuis {yb}, à vérifier par le réseau."
            ),
            Lang::En => format!(
                "{n} figure(s) changed very strongly since {yb}, to be checked by the network."
            ),
        });
    }
    out
}

/// A network's figures of the year (`now`, from its one readable file), those of the year
/// before (its line of `Évolution`), and the change.
fn network_figures(
    now: Option<[f64; 8]>,
    line: Option<&crate::evolution::Line>,
    lang: Lang,
) -> Vec<NetworkFigure> {
    FIGURES
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let n = now.map(|v| v[2 + k] as i64);
            let b = line.and_then(|l| l.before[k]);
            NetworkFigure {
                label: f.title_in(lang),
                now: n.map(|v| Num::new(v, lang)),
                before: b.map(|v| Num::new(v, lang)),
                change: match (b, n) {
                    (Some(b), Some(n)) => percent(b, n).map(|p| signed_percent(p, lang)),
                    _ => None,
                },
            }
        })
        .collect()
}

/// `Réseau par réseau`: every network of the referential in its order, then codes outside
/// it.
fn networks(regional: &Regional, report: &Report, checker: &Checker, lang: Lang) -> Vec<Network> {
    let table = regional.evolution.as_ref();
    let mut codes: Vec<(String, String, String)> = checker
        .referential
        .networks
        .iter()
        .map(|n| (n.code.clone(), n.nom.clone(), n.departement.clone()))
        .collect();
    for r in &regional.networks {
        if !r.code.is_empty() && checker.referential.get(&r.code).is_none() {
            codes.push((r.code.clone(), r.reseau.clone(), r.departement.clone()));
        }
    }
    codes.dedup_by(|a, b| a.0.eq_ignore_ascii_case(&b.0));
    codes
        .into_iter()
        .map(|(code, name, dep)| {
            let lines = lines_of(regional, &code);
            let status = network_status(&lines);
            // Its files: those of its lines of Synthèse (an unreadable file has no code of
            // its own; its line has the one its name gives).
            let files: Vec<_> = report
                .files
                .iter()
                .filter(|f| {
                    let shown = f.path.display().to_string();
                    lines.iter().any(|l| l.fichier == shown)
                })
                .collect();
            let t_codes: Vec<Code> = files
                .iter()
                .flat_map(|f| f.findings.iter().map(|x| x.code))
                .collect();
            // One file: its figures; several (B001) or none: none.
            let now = match lines.as_slice() {
                [one] => one.figures,
                _ => None,
            };
            let line = table.and_then(|t| t.lines.iter().find(|l| l.code == code));
            let figures = network_figures(now, line, lang);
            let status_text = match status {
                None => pick(lang, "Bilan non transmis", "Bilan not sent").to_string(),
                Some(s) => s.label(lang).to_string(),
            };
            Network {
                departement: departement_name(&dep),
                code,
                name,
                sent: status.is_some(),
                state: match status {
                    None => "non-transmis",
                    Some(Status::Valid | Status::ValidWithWarnings) => "conforme",
                    Some(_) => "a-corriger",
                },
                unreadable: status == Some(Status::Unreadable),
                status: status_text,
                files: lines.len(),
                errors: files.iter().map(|f| f.count(Severity::Error)).sum(),
                warnings: files.iter().map(|f| f.count(Severity::Warning)).sum(),
                figures,
                changes: table.map_or_else(Vec::new, |t| changes(&t_codes, t.year_before, lang)),
            }
        })
        .collect()
}

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
            match lang {
                Lang::Fr => format!("{n} erreur(s) à corriger : chiffres non comptés"),
                Lang::En => format!("{n} error(s) to correct: figures not counted"),
            }
        } else {
            continue;
        };
        left_out.push(LeftOut { name, why });
    }
    left_out
}

/// How the figures are made, in sentences.
fn how(lang: Lang) -> Vec<String> {
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
fn method(
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
    let how = how(lang);
    Method {
        files,
        previous_files,
        left_out,
        rules,
        options: choices.options_text.clone(),
        how,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule of the charter is a commitment of « Conformité à la charte », named in both
    /// languages (a rule added to the catalogue without its name fails here).
    #[test]
    fn every_charter_rule_has_a_commitment() {
        for r in RULES.iter().filter(|r| r.family == Family::Charter) {
            assert!(
                !commitment(r.code, Lang::Fr).is_empty(),
                "{}",
                r.code.as_str()
            );
            assert!(
                !commitment(r.code, Lang::En).is_empty(),
                "{}",
                r.code.as_str()
            );
            assert!(!r.source(Lang::Fr).is_empty(), "{}", r.code.as_str());
        }
    }

    #[test]
    fn departements_are_named() {
        assert_eq!(departement_name("36"), "Indre (36)");
        assert_eq!(departement_name("99"), "99");
    }
}
