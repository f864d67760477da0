//! `spro consolidate`: the regional workbook (tool spec, "The consolidated regional workbook";
//! spec §7.15): one row per network in `Synthèse`, every finding in `Anomalies`, every data row
//! in the five data sheets, figures and native charts in `Indicateurs`, the catalogue as applied
//! in `Règles`, and the provenance of every input (size, SHA-256) in `À propos`.
//!
//! Files are checked in parallel and streamed to one writer in path order ([`run`]); the
//! sheets made of the whole batch are written at the end ([`synthese`], [`indicators`],
//! [`about`]). Rows are sorted and document dates fixed, so the same inputs give the same bytes
//! whatever their order or the thread count.

mod about;
mod evolution;
mod indicators;
mod synthese;

pub use about::{provenance, Provenance};

/// Size and SHA-256 of the previous year's files.
fn provenance_of(inputs: &[Input]) -> Vec<Provenance> {
    let inputs: Vec<&Input> = inputs.iter().collect();
    provenance(&inputs)
}

use std::path::Path;

use rust_xlsxwriter::{Workbook, XlsxError};

use crate::check::{Checker, Duplicates, FileReport, Report, Status};
use crate::finding::Finding;
use crate::inputs::Input;
use crate::schema::SheetKind;
use crate::values::Typed;
use crate::xlsx::{self, Styles, Widths};

use about::{a_propos, regles};
use indicators::{indicateurs, Tally};
pub use indicators::{Indicators, NETWORKS};
use synthese::{synthese, synthese_row};
pub use synthese::{SyntheseRow, NOT_SENT};

pub use evolution::{Line, Standing, Table};

/// The figures of a consolidation as its sheets show them, computed once for both the
/// workbook and the synthesis (`spro synthese`): every number of the synthesis is one of these.
#[derive(Debug, Clone)]
pub struct Regional {
    pub year: i32,
    /// The lines of `Synthèse`, in its order.
    pub networks: Vec<SyntheseRow>,
    /// The blocks of `Indicateurs`.
    pub indicators: Indicators,
    /// Files counted in the indicators.
    pub counted: usize,
    /// `Évolution`, with `--precedent`.
    pub evolution: Option<Table>,
    /// Size and SHA-256 of the files, the year's then the year before's (`À propos`).
    pub provenance: (Vec<Provenance>, Vec<Provenance>),
}

/// What the analyst asked for.
#[derive(Debug, Clone)]
pub struct Options {
    pub year: i32,
    /// Leave coordinators' names, e-mails and phones out.
    pub without_personal_data: bool,
    /// Count files with errors in the indicators too.
    pub include_invalid: bool,
    /// The options as typed, for `À propos`.
    pub options_text: String,
}

/// The options as `À propos` lists them, the same from the command line and the web page.
pub fn options_text(year: i32, without_personal_data: bool, include_invalid: bool) -> String {
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

/// The sheets of the workbook written: [`SHEETS`], with `Évolution` after `Indicateurs` when
/// the previous year is compared.
pub fn sheet_names(with_evolution: bool) -> Vec<&'static str> {
    let mut names = SHEETS.to_vec();
    if with_evolution {
        names.insert(8, evolution::NAME);
    }
    names
}

/// The sheets of the consolidated workbook, in order (`Évolution` comes after `Indicateurs`
/// with `--precedent`: [`sheet_names`]).
pub const SHEETS: [&str; 10] = [
    "Synthèse",
    "Anomalies",
    "Structures",
    "Coordination",
    "Actions",
    "Accueil",
    "Professionnalisation",
    "Indicateurs",
    "Règles",
    "À propos",
];

/// Personal data of coordinators, dropped by `--sans-donnees-personnelles`.
const PERSONAL: [&str; 4] = ["nom", "prenom", "courriel", "telephone"];

/// A file counts in the consolidation when it is of the year asked (files of another year go
/// to Anomalies only).
fn of_the_year(f: &FileReport, year: i32) -> bool {
    f.annee.is_none_or(|a| a == year)
}

fn departement(f: &FileReport, checker: &Checker) -> Option<String> {
    let schema = checker.schemas.sheet(SheetKind::Identification);
    let from_file = f
        .bilan
        .as_ref()
        .and_then(|b| b.identification())
        .and_then(|r| r.get(schema.index("departement")))
        .and_then(Typed::as_text)
        .map(str::to_string);
    from_file.or_else(|| {
        f.reseau
            .as_deref()
            .and_then(|c| checker.referential.get(c))
            .map(|n| n.departement.clone())
    })
}

/// The data sheets, in order, after Synthèse and Anomalies.
const DATA: [SheetKind; 5] = [
    SheetKind::Structures,
    SheetKind::Coordination,
    SheetKind::Actions,
    SheetKind::Accueil,
    SheetKind::Professionnalisation,
];

/// Checks `inputs` on the current rayon pool and writes the regional workbook to `path`
/// (atomically); returns the report of the check (without the files' data). `progress` is
/// told how the writing goes.
///
/// The workbook is streamed: files are checked in parallel and written in path order as they
/// come, each file's data dropped once its rows are written (the writer's constant-memory
/// mode puts the rows on disk), so memory is bounded by the few workbooks in flight, not by
/// the batch. A file's status depends on the other files only through B001 (the same network
/// twice): the writing assumes the duplicates known so far (none at first) and, when the batch
/// shows others, is done again knowing them. A batch with duplicates, an error to correct, is
/// therefore checked twice; any other once.
pub fn run(
    inputs: &[Input],
    checker: &Checker,
    options: &Options,
    path: &Path,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(Report, Regional), crate::output::OutputError> {
    let mut done = None;
    crate::output::write_with(path, |tmp| -> Result<(), Failed> {
        let (mut wb, report, regional) = build(inputs, checker, options, Mode::Streamed, progress)?;
        done = Some((report, regional));
        progress(Progress::Saving);
        Ok(wb.save(tmp)?)
    })?;
    Ok(done.expect("written once built"))
}

/// The check and the figures of a consolidation of `inputs`, without writing the workbook
/// (`spro synthese`): the same reading, rules and figures as [`run`].
pub fn figures(
    inputs: &[Input],
    checker: &Checker,
    options: &Options,
) -> Result<(Report, Regional), crate::i18n::Msg> {
    use crate::output::Failure;
    let (_, report, regional) =
        build(inputs, checker, options, Mode::FiguresOnly, &|_| {}).map_err(|e| e.message())?;
    Ok((report, regional))
}

/// The regional workbook of `inputs` as the bytes of an `.xlsx`, built in memory without any
/// temporary file (`spro serve`'s `/consolider`: at most 30 uploads, which fit in memory).
/// The same sheets and cells as [`run`] writes for the same files and options.
pub fn to_bytes(
    inputs: &[Input],
    checker: &Checker,
    options: &Options,
) -> Result<(Vec<u8>, Report, Regional), crate::i18n::Msg> {
    use crate::output::Failure;
    let (mut wb, report, regional) =
        build(inputs, checker, options, Mode::InMemory, &|_| {}).map_err(|e| e.message())?;
    let bytes = wb.save_to_buffer().map_err(|e| e.message())?;
    Ok((bytes, report, regional))
}

/// How the workbook is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The data sheets streamed through temporary files (the writer's constant memory).
    Streamed,
    /// Every sheet in memory (`spro serve`).
    InMemory,
    /// Only the sheets made of the whole batch: the figures are wanted, not the rows.
    FiguresOnly,
}

/// Checks `inputs` and builds the regional workbook (see [`run`]) and its figures.
fn build(
    inputs: &[Input],
    checker: &Checker,
    options: &Options,
    mode: Mode,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(Workbook, Report, Regional), Failed> {
    let mut inputs: Vec<&Input> = inputs.iter().collect();
    inputs.sort_by(|a, b| a.path().cmp(b.path()));
    let provenance = provenance(&inputs);
    let mut known = Duplicates::default();
    for pass in 1..=2 {
        progress(Progress::Written { pass, files: 0 });
        let mut writer = Writer::new(checker, options, mode)?;
        checker.stream(
            &inputs,
            &known,
            |file, _| Checked::new(file, checker, options),
            |checked| {
                writer.add(checked)?;
                progress(Progress::Written {
                    pass,
                    files: writer.files.len(),
                });
                Ok::<(), Failed>(())
            },
        )?;
        let found = Duplicates::of(&writer.files);
        if found == known {
            return writer.finish(&provenance);
        }
        known = found;
    }
    Err(Failed::Changing)
}

/// How a consolidation goes, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// `files` files written in pass `pass` (a second pass when networks come twice).
    Written { pass: usize, files: usize },
    /// All written; the workbook is being saved (compressed), the last and longest step
    /// that no other core can share.
    Saving,
}

/// A file checked and settled, with what the writer needs besides its rows, made on the
/// checking thread so that the writer (the one step that cannot be shared) only writes.
struct Checked {
    /// Batch findings (B001, from the duplicates known) in, status settled.
    file: FileReport,
    dep: Option<String>,
    /// Its Synthèse line, for a file of the year.
    synthese: Option<SyntheseRow>,
    /// Its figures, for a file counted in the indicators.
    tally: Option<Tally>,
}

impl Checked {
    /// A file of the batch driver (B001 of the duplicates known and the configuration in).
    fn new(file: FileReport, checker: &Checker, options: &Options) -> Checked {
        if !of_the_year(&file, options.year) {
            return Checked {
                file,
                dep: None,
                synthese: None,
                tally: None,
            };
        }
        let dep = departement(&file, checker);
        let synthese = Some(synthese_row(&file, dep.clone(), checker));
        let counted = match file.status {
            Status::Valid | Status::ValidWithWarnings => true,
            Status::Invalid => options.include_invalid,
            Status::Unreadable => false,
        };
        let tally = counted.then(|| {
            let mut tally = Tally::default();
            if let (Some(b), Some(dep)) = (&file.bilan, &dep) {
                tally.add(b, dep, &checker.schemas);
            }
            tally
        });
        Checked {
            file,
            dep,
            synthese,
            tally,
        }
    }
}

/// The regional workbook being written, and what is kept of each file once its rows are.
struct Writer<'a> {
    wb: Workbook,
    checker: &'a Checker,
    options: &'a Options,
    styles: Styles,
    /// The files so far, without their data.
    files: Vec<FileReport>,
    synthese: Vec<SyntheseRow>,
    /// Rows written and widths seen: Anomalies, then the data sheets.
    anomalies: (u32, Widths),
    data: Vec<DataSheet>,
    tally: Tally,
    /// Files counted in the indicators.
    counted: usize,
    /// The last row a sheet can have (0-based; row 0 is the header).
    max_rows: u32,
    /// Whether Anomalies and the data sheets get their rows.
    rows: bool,
}

/// The last row of a worksheet (0-based): 1,048,576 rows in Excel and LibreOffice.
const LAST_ROW: u32 = 1_048_575;

/// Why the regional workbook could not be written.
#[derive(Debug)]
enum Failed {
    Xlsx(XlsxError),
    /// A sheet would need more rows than a spreadsheet has.
    TooManyRows(String),
    /// The duplicates depend on the files alone: a second pass finds those it assumed,
    /// unless the files changed while they were being consolidated.
    Changing,
}

impl From<XlsxError> for Failed {
    fn from(e: XlsxError) -> Failed {
        Failed::Xlsx(e)
    }
}

impl crate::output::Failure for Failed {
    fn message(&self) -> crate::i18n::Msg {
        match self {
            Failed::Xlsx(e) => e.message(),
            Failed::TooManyRows(sheet) => crate::msg!(
                "la feuille « {sheet} » du classeur régional dépasserait 1 048 576 lignes, le maximum d'un tableur : consolidez les fichiers en plusieurs lots (par exemple par département ou par année)",
                "the sheet “{sheet}” of the regional workbook would exceed 1,048,576 rows, the most a spreadsheet holds: consolidate the files in several batches (for example by département or by year)"
            ),
            Failed::Changing => crate::i18n::Msg::new(
                "les fichiers ont changé pendant la consolidation : relancez-la une fois les dépôts terminés",
                "the files changed while they were being consolidated: run it again once the uploads are over",
            ),
        }
    }
}

/// The row after `row` in `sheet`, when the sheet has one.
fn next_row(row: u32, max_rows: u32, sheet: &str) -> Result<u32, Failed> {
    if row >= max_rows {
        return Err(Failed::TooManyRows(sheet.to_string()));
    }
    Ok(row + 1)
}

/// One data sheet being written: the schema columns it shows, rows so far, widths seen.
struct DataSheet {
    kind: SheetKind,
    columns: Vec<usize>,
    headers: usize,
    rows: u32,
    widths: Widths,
}

const ANOMALIES_HEADERS: [&str; 9] = [
    "Fichier",
    "Code réseau",
    "Code",
    "Règle",
    "Sévérité",
    "Feuille",
    "Cellule",
    "Message",
    "Valeur",
];

impl<'a> Writer<'a> {
    /// A workbook with its ten sheets, the headers of the streamed ones written.
    fn new(
        checker: &'a Checker,
        options: &'a Options,
        mode: Mode,
    ) -> Result<Writer<'a>, XlsxError> {
        let constant_memory = mode == Mode::Streamed;
        let mut wb = xlsx::new_workbook(options.year + 1)?;
        // Deflate level 2: on the benchmark (420 MB of sheet XML) the workbook is 43 MB against
        // 35 MB at the default level 6, and saved in 1.2 s instead of 2.5 s (level 1: 0.95 s
        // but 61 MB). Saving is the one step no other core can share.
        wb.set_zip_compression_level(2);
        let styles = Styles::new();
        for (i, name) in sheet_names(checker.previous.is_some()).iter().enumerate() {
            let ws = if constant_memory && i < 2 + DATA.len() {
                wb.add_worksheet_with_constant_memory()?
            } else {
                wb.add_worksheet()
            };
            ws.set_name(*name)?;
            // Indicateurs and À propos have no table header row to repeat.
            let header = (!matches!(*name, "Indicateurs" | "À propos")).then_some(0);
            xlsx::print_layout(ws, options.year, header)?;
        }
        xlsx::header(wb.worksheet_from_index(1)?, 0, &ANOMALIES_HEADERS, &styles)?;
        let mut data = Vec::new();
        for (k, kind) in DATA.into_iter().enumerate() {
            let schema = checker.schemas.sheet(kind);
            let columns: Vec<usize> = (0..schema.columns.len())
                .filter(|&i| {
                    !(kind == SheetKind::Coordination
                        && options.without_personal_data
                        && PERSONAL.contains(&schema.columns[i].key.as_str()))
                })
                .collect();
            let mut headers = vec!["Code réseau", "Département", "Statut du fichier"];
            headers.extend(columns.iter().map(|&i| schema.columns[i].label.as_str()));
            let ws = wb.worksheet_from_index(2 + k)?;
            xlsx::header(ws, 0, &headers, &styles)?;
            // Numbers and dates take their column's format: one format per column rather
            // than one lookup per cell (the writer hashes a cell's format each time).
            for (out_col, &i) in columns.iter().enumerate() {
                let format = match schema.columns[i].kind {
                    crate::schema::ColumnKind::Integer => &styles.integer,
                    crate::schema::ColumnKind::Date => &styles.date,
                    _ => continue,
                };
                ws.set_column_format(3 + out_col as u16, format)?;
            }
            data.push(DataSheet {
                kind,
                headers: headers.len(),
                widths: Widths::of(&headers),
                columns,
                rows: 0,
            });
        }
        Ok(Writer {
            wb,
            checker,
            options,
            anomalies: (0, Widths::of(&ANOMALIES_HEADERS)),
            styles,
            files: Vec::new(),
            synthese: Vec::new(),
            data,
            tally: Tally::default(),
            counted: 0,
            max_rows: LAST_ROW,
            rows: mode != Mode::FiguresOnly,
        })
    }

    /// Takes the next file in path order: its findings, rows, Synthèse line and figures;
    /// keeps the file without its data.
    fn add(&mut self, checked: Checked) -> Result<(), Failed> {
        let Checked {
            mut file,
            dep,
            synthese,
            tally,
        } = checked;
        let path = file.path.display().to_string();
        for finding in &file.findings {
            self.anomaly(&path, file.reseau.as_deref(), finding)?;
        }
        if let Some(row) = synthese {
            self.rows(&file, dep.as_deref().unwrap_or_default())?;
            self.synthese.push(row);
        }
        if let Some(tally) = tally {
            self.counted += 1;
            self.tally.merge(tally);
        }
        file.bilan = None;
        self.files.push(file);
        Ok(())
    }

    /// One line of Anomalies.
    fn anomaly(&mut self, file: &str, code: Option<&str>, f: &Finding) -> Result<(), Failed> {
        if !self.rows {
            return Ok(());
        }
        let ws = self.wb.worksheet_from_index(1)?;
        let (rows, widths) = &mut self.anomalies;
        *rows = next_row(*rows, self.max_rows, SHEETS[1])?;
        let cell = f.cell_a1();
        let values = [
            file,
            code.unwrap_or_default(),
            f.code.as_str(),
            f.code.rule().name,
            f.severity.label_fr(),
            f.sheet_name().unwrap_or_default(),
            cell.as_deref().unwrap_or_default(),
            &f.message.fr,
            f.value.as_deref().unwrap_or_default(),
        ];
        for (c, v) in values.iter().enumerate() {
            if !v.is_empty() {
                xlsx::text(ws, *rows, c as u16, v, &self.styles.text)?;
            }
            widths.see(c, v);
        }
        Ok(())
    }

    /// A file's rows in the five data sheets, each preceded by its network, département and
    /// status.
    fn rows(&mut self, file: &FileReport, dep: &str) -> Result<(), Failed> {
        let Some(bilan) = file.bilan.as_ref().filter(|_| self.rows) else {
            return Ok(());
        };
        let code = file.reseau.as_deref().unwrap_or_default();
        let status = file.status.label_fr();
        for (k, out) in self.data.iter_mut().enumerate() {
            let Some(sheet) = bilan.sheet(out.kind) else {
                continue;
            };
            let ws = self.wb.worksheet_from_index(2 + k)?;
            for data in &sheet.rows {
                out.rows = next_row(out.rows, self.max_rows, out.kind.name())?;
                let row = out.rows;
                xlsx::plain(ws, row, 0, code)?;
                xlsx::plain(ws, row, 1, dep)?;
                xlsx::plain(ws, row, 2, status)?;
                for (out_col, &i) in out.columns.iter().enumerate() {
                    if let Some(c) = data.cell(i) {
                        xlsx::cell(ws, row, 3 + out_col as u16, c)?;
                        out.widths.see_cell(3 + out_col, c);
                    }
                }
            }
            if !sheet.rows.is_empty() {
                out.widths.see(0, code);
                out.widths.see(2, status);
            }
        }
        Ok(())
    }

    /// The batch findings, the autofilters and widths of the streamed sheets, and the sheets
    /// made of the whole batch: Synthèse, Indicateurs, Règles, À propos.
    fn finish(mut self, provenance: &[Provenance]) -> Result<(Workbook, Report, Regional), Failed> {
        let batch = self.checker.batch_findings(&self.files, true);
        for finding in &batch {
            self.anomaly("", finding.reseau.as_deref(), finding)?;
        }
        let ws = self.wb.worksheet_from_index(1)?;
        xlsx::filter(ws, 0, ANOMALIES_HEADERS.len(), self.anomalies.0)?;
        xlsx::widths(ws, &self.anomalies.1 .0)?;
        for (k, out) in self.data.iter().enumerate() {
            let ws = self.wb.worksheet_from_index(2 + k)?;
            xlsx::filter(ws, 0, out.headers, out.rows)?;
            xlsx::widths(ws, &out.widths.0)?;
        }
        let previous_files = self
            .checker
            .previous
            .as_ref()
            .map(|p| provenance_of(&p.inputs))
            .unwrap_or_default();
        let networks = synthese::complete(std::mem::take(&mut self.synthese), self.checker);
        let regional = Regional {
            year: self.options.year,
            evolution: self
                .checker
                .previous
                .as_ref()
                .map(|previous| evolution::Table::new(&networks, previous, self.checker)),
            networks,
            indicators: std::mem::take(&mut self.tally).indicators(&self.checker.schemas),
            counted: self.counted,
            provenance: (provenance.to_vec(), previous_files),
        };
        // Sheets after Indicateurs move one place along when Évolution is there.
        let shift = usize::from(regional.evolution.is_some());
        if let Some(table) = &regional.evolution {
            evolution::evolution(
                self.wb.worksheet_from_index(8)?,
                table,
                self.options,
                &self.styles,
            )?;
        }
        synthese(
            self.wb.worksheet_from_index(0)?,
            &regional.networks,
            &self.styles,
        )?;
        indicateurs(
            self.wb.worksheet_from_index(7)?,
            &regional.indicators,
            regional.counted,
            self.options,
            &self.styles,
        )?;
        regles(
            self.wb.worksheet_from_index(8 + shift)?,
            self.checker,
            &self.styles,
        )?;
        let report = Report {
            files: self.files,
            batch,
        };
        a_propos(
            self.wb.worksheet_from_index(9 + shift)?,
            &report,
            (&regional.provenance.0, &regional.provenance.1),
            self.checker,
            self.options,
            &self.styles,
        )?;
        Ok((self.wb, report, regional))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config::Config;
    use crate::referential::Referential;
    use crate::schema::Schemas;

    /// A checker keeping the data, and the options of `consolidate --annee 2025` (shared with
    /// the synthesis's tests).
    pub(crate) fn consolidation_2025() -> (Checker, Options) {
        let config = Config {
            annee: Some(2025),
            ..Config::default()
        };
        let mut checker = Checker::new(config, Referential::embedded(), Schemas::embedded());
        checker.keep_data = true;
        let options = Options {
            year: 2025,
            without_personal_data: false,
            include_invalid: false,
            options_text: String::new(),
        };
        (checker, options)
    }

    fn chateauroux(checker: &Checker) -> FileReport {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bilans/2025/36-CHX.xlsx");
        checker.check_file(&path, crate::workbook::Format::Xlsx)
    }

    /// Progress comes file by file; a batch with the same network twice is written twice,
    /// the second pass knowing the duplicates.
    #[test]
    fn progress_and_the_second_pass_of_duplicates() {
        let (checker, options) = consolidation_2025();
        let bilans = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bilans/2025");
        let input = |name: &str| Input::File {
            path: bilans.join(name),
            format: crate::workbook::Format::Xlsx,
        };
        let dir = tempfile::tempdir().unwrap();
        let run_with = |inputs: &[Input]| {
            let seen = std::sync::Mutex::new(Vec::new());
            let (report, _) = run(
                inputs,
                &checker,
                &options,
                &dir.path().join("r.xlsx"),
                &|p| seen.lock().unwrap().push(p),
            )
            .unwrap();
            (report, seen.into_inner().unwrap())
        };
        let (report, seen) = run_with(&[input("37-TOU.xlsx"), input("36-CHX.xlsx")]);
        let written = |pass, files| Progress::Written { pass, files };
        assert_eq!(
            seen,
            [
                written(1, 0),
                written(1, 1),
                written(1, 2),
                Progress::Saving
            ]
        );
        assert_eq!(report.files.len(), 2);
        let copy = dir.path().join("36-CHX-copie.xlsx");
        std::fs::copy(bilans.join("36-CHX.xlsx"), &copy).unwrap();
        let copy = Input::File {
            path: copy,
            format: crate::workbook::Format::Xlsx,
        };
        let (report, seen) = run_with(&[input("36-CHX.xlsx"), copy]);
        assert_eq!(
            seen,
            [
                written(1, 0),
                written(1, 1),
                written(1, 2),
                written(2, 0),
                written(2, 1),
                written(2, 2),
                Progress::Saving
            ]
        );
        assert!(report.files.iter().all(|f| f.status == Status::Invalid
            && f.findings
                .iter()
                .any(|x| x.code == crate::rules::Code::B001)));
    }

    /// The personal data left out are columns the schemas must have.
    #[test]
    fn personal_data_are_keys_the_schemas_have() {
        for key in PERSONAL {
            assert!(
                crate::schema::is_used(SheetKind::Coordination, key),
                "{key}"
            );
        }
    }

    /// A sheet that would pass the last row of a spreadsheet stops the writing with a
    /// message naming it (the limit is lowered here; it is 1,048,576 rows for real).
    #[test]
    fn a_sheet_beyond_the_last_row_is_refused_by_name() {
        let (checker, options) = consolidation_2025();
        let checked = || {
            let mut file = chateauroux(&checker);
            checker.finish(&mut file);
            Checked::new(file, &checker, &options)
        };
        let mut writer = Writer::new(&checker, &options, Mode::Streamed).unwrap();
        writer.add(checked()).unwrap();
        // Room for half of Châteauroux's 10 structures more: its second copy does not fit.
        assert_eq!(writer.data[0].rows, 10);
        writer.max_rows = 15;
        let failed = writer.add(checked()).unwrap_err();
        let message = crate::output::Failure::message(&failed);
        assert!(
            message
                .fr
                .starts_with("la feuille « Structures » du classeur régional dépasserait"),
            "{}",
            message.fr
        );
        assert!(message.en.contains("“Structures”"), "{}", message.en);
    }
}
