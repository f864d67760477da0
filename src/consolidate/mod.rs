//! `spro consolidate`: the consolidation of a batch (docs/donnees-ci/commandes.md;
//! docs/contrat.md §7.15) and its outputs.
//!
//! One driver, [`run`], for the command line and the page: files are checked in parallel and
//! taken in path order by the [`Fold`] (what is kept of each file, and at the end the report
//! and the regional figures, [`Regional`]) and by each output, a [`Sink`]: the regional
//! workbook ([`RegionalWorkbook`], streamed in constant memory or in memory for the page),
//! the synthesis (`synthesis::Typeset`). Rows are sorted and document dates fixed,
//! so the same inputs give the same bytes whatever their order or the thread count.

mod evolution_table;
mod fold;
mod indicators;
mod networks;
mod provenance;
mod workbook;

use crate::check::{Checker, Report};
use crate::inputs::Input;
use std::path::PathBuf;

pub use evolution_table::{Line, Standing, Table};
pub use fold::{Checked, Fold};
pub use indicators::{Indicators, NETWORKS};
pub use networks::{NetworkRow, NOT_SENT};
pub use provenance::{provenance, Provenance};
pub use workbook::{sheet_names, RegionalWorkbook, Storage, SHEETS};

/// The figures of a consolidation as its outputs show them, computed once by the [`Fold`]:
/// every number of the workbook's `Synthèse`, `Indicateurs` and `Évolution` and of the
/// synthesis is one of these.
#[derive(Debug, Clone)]
pub struct Regional {
    pub year: i32,
    /// The networks' lines (`Synthèse`), in order.
    pub networks: Vec<NetworkRow>,
    /// The blocks of `Indicateurs`.
    pub indicators: Indicators,
    /// Files counted in the indicators.
    pub counted: usize,
    /// `Évolution`, with `--precedent`.
    pub evolution: Option<Table>,
    /// Size and SHA-256 of the files, the year's then the year before's (`À propos`).
    pub provenance: (Vec<Provenance>, Vec<Provenance>),
}

/// What the analyst chose.
#[derive(Debug, Clone)]
pub struct Choices {
    pub year: i32,
    /// Leave coordinators' names, e-mails and phones out.
    pub without_personal_data: bool,
    /// Count files with errors in the indicators too.
    pub include_invalid: bool,
    /// The options as typed, for `À propos`.
    pub options_text: String,
    /// The campaign the files come from, when they do (`spro campagne consolider`): which
    /// deposit each is, as of when.
    pub campaign: Option<CampaignSource>,
}

/// Where a consolidation's files come from in a campaign: `À propos` names each deposit.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignSource {
    pub year: i32,
    /// « état de la campagne au … »: when the deposits were chosen (UTC).
    pub as_of: String,
    /// Which deposits: « acceptés » or « sans erreur ».
    pub chosen: String,
    pub deposits: Vec<DepositSource>,
}

/// One deposit a consolidation took.
#[derive(Debug, Clone, PartialEq)]
pub struct DepositSource {
    /// The file's name in the consolidation (`36-CHX.xlsx`).
    pub file: String,
    pub id: i64,
    pub deposited_at: String,
    pub sha256: String,
}

impl Choices {
    /// What the analyst chose for the bilans of `year`; `more`: the other options that shape
    /// the figures, as typed (`--strict`, `--schemas …`), listed after these in `À propos`.
    pub fn new(
        year: i32,
        without_personal_data: bool,
        include_invalid: bool,
        more: &[String],
    ) -> Choices {
        let mut text = vec![options_text(year, without_personal_data, include_invalid)];
        text.extend(more.iter().cloned());
        Choices {
            year,
            without_personal_data,
            include_invalid,
            options_text: text.join(" "),
            campaign: None,
        }
    }

    /// The same choices, the files being the campaign's deposits `source` names.
    pub fn from_campaign(mut self, source: CampaignSource) -> Choices {
        self.campaign = Some(source);
        self
    }

    /// The same choices, without personal data whatever was typed (the synthesis and the open
    /// data never hold any); the options listed stay as typed.
    pub fn never_personal(mut self) -> Choices {
        self.without_personal_data = true;
        self
    }
}

/// The options as `À propos` lists them, the same from the command line and the web page.
fn options_text(year: i32, without_personal_data: bool, include_invalid: bool) -> String {
    let mut text = vec![format!("--annee {year}")];
    if without_personal_data {
        text.push("--sans-donnees-personnelles".into());
    }
    if include_invalid {
        text.push("--inclure-non-conformes".into());
    }
    text.join(" ")
}

/// The départements of the Région, in order, with their names.
pub const DEPARTEMENTS: [(&str, &str); 6] = [
    ("18", "Cher"),
    ("28", "Eure-et-Loir"),
    ("36", "Indre"),
    ("37", "Indre-et-Loire"),
    ("41", "Loir-et-Cher"),
    ("45", "Loiret"),
];

/// An output of a consolidation, fed by [`run`]: each file in path order, then the report and
/// the figures of the whole.
pub trait Sink: Send {
    /// A pass begins: the first, or a second when networks come twice (what the first made is
    /// dropped).
    fn begin(&mut self) -> Result<(), Failed> {
        Ok(())
    }

    /// The next file in path order, with its data (dropped once every output took it).
    fn file(&mut self, _file: &Checked) -> Result<(), Failed> {
        Ok(())
    }

    /// The batch is done: its report (files without their data, batch findings) and figures.
    fn finish(&mut self, _report: &Report, _regional: &Regional) -> Result<(), Failed> {
        Ok(())
    }
}

/// Checks `inputs` on the current rayon pool and feeds the fold and `sinks`; returns the
/// report of the check (without the files' data) and the regional figures. `progress` is told
/// how it goes.
///
/// Files are checked in parallel and taken in path order as they come (the batch driver,
/// [`Checker::drive`]), each file's data dropped once the sinks have taken it, so memory is
/// bounded by the few workbooks in flight, not by the batch. A batch whose networks come twice
/// is taken twice, the second time knowing them (B001) and the file counted of each.
pub fn run(
    inputs: &[Input],
    checker: &Checker,
    choices: &Choices,
    sinks: &mut [&mut dyn Sink],
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(Report, Regional), Failed> {
    let mut sorted: Vec<&Input> = inputs.iter().collect();
    sorted.sort_by(|a, b| a.path().cmp(b.path()));
    let provenance = provenance(&sorted);
    let yielding = std::sync::RwLock::new(std::collections::BTreeSet::new());
    let mut taker = Consolidation {
        sinks,
        fold: Fold::new(checker, choices),
        progress,
        provenance,
        yielding: &yielding,
        pass: 0,
    };
    let map = |file| {
        let yielding = yielding
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Checked::new(file, checker, choices, &yielding)
    };
    if !checker.drive(inputs, map, &mut taker)? {
        return Err(Failed::Changing);
    }
    let Consolidation {
        sinks,
        fold,
        provenance,
        ..
    } = taker;
    let previous = checker
        .previous
        .as_ref()
        .map(|p| provenance_of(&p.inputs))
        .unwrap_or_default();
    let (report, regional) = fold.finish(provenance, previous);
    for sink in sinks.iter_mut() {
        sink.finish(&report, &regional)?;
    }
    Ok((report, regional))
}

/// The consolidation as the batch driver takes it: each file to every sink and the fold,
/// started again on a second pass.
struct Consolidation<'a, 's> {
    sinks: &'a mut [&'s mut dyn Sink],
    fold: Fold<'a>,
    progress: &'a (dyn Fn(Progress) + Sync),
    /// Size and SHA-256 of each file (a network sent twice counts the file of its latest
    /// content).
    provenance: Vec<Provenance>,
    /// The files of a network sent twice that give way to another (see [`Fold::yielding`]),
    /// as the pass assumes them.
    yielding: &'a std::sync::RwLock<std::collections::BTreeSet<PathBuf>>,
    pass: usize,
}

impl crate::check::Taker for Consolidation<'_, '_> {
    type Item = Checked;
    type Error = Failed;

    fn begin(&mut self, pass: usize) -> Result<(), Failed> {
        self.pass = pass;
        (self.progress)(Progress::Written { pass, files: 0 });
        self.fold.restart();
        self.sinks.iter_mut().try_for_each(|sink| sink.begin())
    }

    fn take(&mut self, checked: Checked) -> Result<(), Failed> {
        for sink in self.sinks.iter_mut() {
            sink.file(&checked)?;
        }
        self.fold.add(checked);
        let (pass, files) = (self.pass, self.fold.len());
        (self.progress)(Progress::Written { pass, files });
        Ok(())
    }

    fn settled(&mut self) -> bool {
        let yields = self.fold.yielding(&self.provenance);
        let mut yielding = self
            .yielding
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let settled = *yielding == yields;
        *yielding = yields;
        settled
    }
}

/// Size and SHA-256 of the previous year's files.
fn provenance_of(inputs: &[Input]) -> Vec<Provenance> {
    let inputs: Vec<&Input> = inputs.iter().collect();
    provenance(&inputs)
}

/// How a consolidation goes, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// `files` files taken in pass `pass` (a second pass when networks come twice).
    Written { pass: usize, files: usize },
    /// All taken; the workbook is being saved (compressed), the last and longest step that no
    /// other core can share.
    Saving,
}

/// The error of an output, as [`Failed::Output`] keeps it.
pub trait OutputFailure: crate::i18n::Said + std::fmt::Debug + Send + Sync {}

impl<T: crate::i18n::Said + std::fmt::Debug + Send + Sync> OutputFailure for T {}

/// Why a consolidation's outputs could not be made.
#[derive(Debug)]
pub enum Failed {
    Xlsx(rust_xlsxwriter::XlsxError),
    /// A sheet would need more rows than a spreadsheet has.
    TooManyRows(String),
    /// The duplicates depend on the files alone: a second pass finds those it assumed,
    /// unless the files changed while they were being consolidated.
    Changing,
    /// An output said why it could not be made (the synthesis typeset, the open-data package
    /// written): its own error, kept.
    Output(Box<dyn OutputFailure>),
}

impl From<rust_xlsxwriter::XlsxError> for Failed {
    fn from(e: rust_xlsxwriter::XlsxError) -> Failed {
        Failed::Xlsx(e)
    }
}

impl crate::i18n::Said for Failed {
    fn said(&self) -> crate::i18n::Msg {
        match self {
            Failed::Xlsx(e) => e.said(),
            Failed::TooManyRows(sheet) => crate::msg!(
                "la feuille « {sheet} » du classeur régional dépasserait 1 048 576 lignes, le maximum d'un tableur : consolidez les fichiers en plusieurs lots (par exemple par département ou par année)",
                "the sheet “{sheet}” of the regional workbook would exceed 1,048,576 rows, the most a spreadsheet holds: consolidate the files in several batches (for example by département or by year)"
            ),
            Failed::Changing => crate::i18n::Msg::new(
                "les fichiers ont changé pendant la consolidation : relancez-la une fois les dépôts terminés",
                "the files changed while they were being consolidated: run it again once the uploads are over",
            ),
            Failed::Output(e) => e.said(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::check::{FileReport, Status};
    use crate::config::Config;
    use crate::referential::Referential;
    use std::path::Path;

    /// A checker keeping the data, and the choices of `consolidate --annee 2025` (shared with
    /// the synthesis's tests).
    pub(crate) fn consolidation_2025() -> (Checker, Choices) {
        let config = Config {
            annee: Some(2025),
            ..Config::default()
        };
        let mut settings = crate::check::CheckSettings::new(config, Referential::embedded());
        settings.keep_data = true;
        let checker = Checker::build(settings).expect("the checker of 2025");
        let choices = Choices {
            year: 2025,
            without_personal_data: false,
            include_invalid: false,
            options_text: String::new(),
            campaign: None,
        };
        (checker, choices)
    }

    pub(crate) fn chateauroux(checker: &Checker) -> FileReport {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bilans/2025/36-CHX.xlsx");
        let format = crate::read::Format::Xlsx;
        checker.check_input_read(&Input::File { path, format }).0
    }

    fn bilan(name: &str) -> Input {
        Input::File {
            path: Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/bilans/2025")
                .join(name),
            format: crate::read::Format::Xlsx,
        }
    }

    /// An output that notes what it is given.
    #[derive(Default)]
    struct Notes(Vec<String>);

    impl Sink for Notes {
        fn begin(&mut self) -> Result<(), Failed> {
            self.0.push("begin".into());
            Ok(())
        }
        fn file(&mut self, file: &Checked) -> Result<(), Failed> {
            let name = file.file.path.file_name().unwrap().to_string_lossy();
            let data = if file.file.bilan.is_some() {
                "data"
            } else {
                "-"
            };
            self.0.push(format!("{name} {data}"));
            Ok(())
        }
        fn finish(&mut self, report: &Report, regional: &Regional) -> Result<(), Failed> {
            let (files, lines) = (report.files.len(), regional.networks.len());
            self.0.push(format!("finish {files} files, {lines} lines"));
            Ok(())
        }
    }

    /// Progress comes file by file; sinks get every file in path order with its data, then the
    /// whole; a batch with the same network twice is taken twice, the second pass knowing the
    /// duplicates.
    #[test]
    fn progress_sinks_and_the_second_pass_of_duplicates() {
        let (checker, choices) = consolidation_2025();
        let run_with = |inputs: &[Input]| {
            let seen = std::sync::Mutex::new(Vec::new());
            let mut notes = Notes::default();
            let (report, _) = run(inputs, &checker, &choices, &mut [&mut notes], &|p| {
                seen.lock().unwrap().push(p)
            })
            .unwrap();
            (report, seen.into_inner().unwrap(), notes.0)
        };
        let (report, seen, notes) = run_with(&[bilan("37-TOU.xlsx"), bilan("36-CHX.xlsx")]);
        let written = |pass, files| Progress::Written { pass, files };
        assert_eq!(seen, [written(1, 0), written(1, 1), written(1, 2)]);
        assert_eq!(
            notes,
            [
                "begin",
                "36-CHX.xlsx data",
                "37-TOU.xlsx data",
                "finish 2 files, 22 lines"
            ]
        );
        assert_eq!(report.files.len(), 2);
        assert!(report.files.iter().all(|f| f.bilan.is_none()));
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("36-CHX-copie.xlsx");
        std::fs::copy(bilan("36-CHX.xlsx").path(), &copy).unwrap();
        let copy = Input::File {
            path: copy,
            format: crate::read::Format::Xlsx,
        };
        let (report, seen, notes) = run_with(&[bilan("36-CHX.xlsx"), copy]);
        assert_eq!(
            seen,
            [
                written(1, 0),
                written(1, 1),
                written(1, 2),
                written(2, 0),
                written(2, 1),
                written(2, 2),
            ]
        );
        assert_eq!(notes.iter().filter(|n| *n == "begin").count(), 2);
        assert_eq!(notes.last().unwrap(), "finish 2 files, 23 lines");
        assert!(report.files.iter().all(|f| f.status == Status::Invalid
            && f.findings
                .iter()
                .any(|x| x.code == crate::rules::Code::B001)));
    }

    /// The fold as a value: Châteauroux alone gives its line and figures, the 21 other
    /// networks « Non transmis », B002 for them in the batch findings.
    #[test]
    fn the_fold_of_one_file() {
        let (checker, choices) = consolidation_2025();
        let mut fold = Fold::new(&checker, &choices);
        let mut file = chateauroux(&checker);
        checker.finish(&mut file);
        fold.add(Checked::new(file, &checker, &choices, &Default::default()));
        assert_eq!(fold.len(), 1);
        let (report, regional) = fold.finish(Vec::new(), Vec::new());
        assert!(report.files[0].bilan.is_none(), "the data are not kept");
        assert_eq!(regional.counted, 1);
        assert_eq!(regional.networks.len(), 22);
        let sent: Vec<&NetworkRow> = regional
            .networks
            .iter()
            .filter(|n| n.statut != NOT_SENT)
            .collect();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].code, "36-CHX");
        let structures = sent[0].figures.unwrap()[2];
        assert_eq!(structures, 10.0);
        assert_eq!(
            regional
                .indicators
                .value(NETWORKS, "Structures membres", "36"),
            structures
        );
        assert_eq!(
            regional
                .indicators
                .value(NETWORKS, "Structures membres", "Total"),
            structures
        );
        assert!(report
            .batch
            .iter()
            .all(|f| f.code == crate::rules::Code::B002));
        assert_eq!(report.batch.len(), 21);
    }
}
