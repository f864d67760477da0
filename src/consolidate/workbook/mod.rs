//! The regional workbook, an output of the consolidation ([`Sink`]): one row per network in
//! `Synthèse`, every finding in `Anomalies`, every data row in the five data sheets, figures
//! and native charts in `Indicateurs`, `Évolution` with `--precedent`, the catalogue as
//! applied in `Règles`, and the provenance of every input (size, SHA-256) in `À propos`.
//!
//! `Anomalies` and the data sheets are written file by file as the files come (streamed
//! through the writer's temporary files on the command line); the sheets made of the whole
//! batch are written at the end from [`Regional`]. Each sheet is found by its name.

mod about;
mod evolution;
mod indicateurs;
mod synthese;

use std::path::Path;

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use super::{Checked, Choices, Failed, Regional, Sink};
use crate::check::{Checker, Report};
use crate::finding::Finding;
use crate::schema::SheetKind;
use crate::xlsx::{self, Styles, Widths};

/// The sheets of the consolidated workbook, in order (`Évolution` comes after `Indicateurs`
/// with `--precedent`: [`sheet_names`]).
pub const SHEETS: [&str; 10] = [
    "Synthèse",
    ANOMALIES,
    "Structures",
    "Coordination",
    "Actions",
    "Accueil",
    "Professionnalisation",
    INDICATEURS,
    "Règles",
    "À propos",
];

const ANOMALIES: &str = "Anomalies";
const INDICATEURS: &str = "Indicateurs";

/// The sheets of the workbook written: [`SHEETS`], with the sheets the layout's version
/// declares (`declared`) after the five data sheets, and `Évolution` after `Indicateurs` when
/// the previous year is compared.
pub fn sheet_names<'a>(with_evolution: bool, declared: &[&'a str]) -> Vec<&'a str> {
    let mut names = SHEETS.to_vec();
    let after = names.iter().position(|n| *n == INDICATEURS).unwrap_or(0);
    names.splice(after..after, declared.iter().copied());
    if with_evolution {
        let after = names
            .iter()
            .position(|n| *n == INDICATEURS)
            .map_or(0, |i| i + 1);
        names.insert(after, evolution::NAME);
    }
    names
}

/// The data sheets, in order, after Synthèse and Anomalies (each named after its kind).
const DATA: [SheetKind; 5] = [
    SheetKind::Structures,
    SheetKind::Coordination,
    SheetKind::Actions,
    SheetKind::Accueil,
    SheetKind::Professionnalisation,
];

/// Personal data of coordinators, dropped by `--sans-donnees-personnelles`.
const PERSONAL: [&str; 4] = ["nom", "prenom", "courriel", "telephone"];

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

/// The last row of a worksheet (0-based): 1,048,576 rows in Excel and LibreOffice.
const LAST_ROW: u32 = 1_048_575;

/// Where the workbook's rows wait until it is saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// `Synthèse`, `Anomalies` and the data sheets streamed through temporary files (the
    /// writer's constant memory: the command line, whatever the batch).
    Streamed,
    /// Every sheet in memory, no temporary file (`spro serve`'s `/consolider`: at most 30
    /// uploads, which fit in memory).
    InMemory,
}

/// The regional workbook as an output of [`super::run`]; [`RegionalWorkbook::save`] or
/// [`RegionalWorkbook::to_bytes`] once the run is over.
pub struct RegionalWorkbook<'a> {
    checker: &'a Checker,
    choices: &'a Choices,
    storage: Storage,
    wb: Workbook,
    styles: Styles,
    /// Rows written and widths seen: Anomalies, then the data sheets.
    anomalies: (u32, Widths),
    data: Vec<DataSheet>,
    /// The last row a sheet can have (0-based; row 0 is the header).
    max_rows: u32,
}

/// One data sheet being written: the schema columns it shows, rows so far, widths seen.
struct DataSheet {
    kind: SheetKind,
    /// Its name: the role's, or the declared sheet's (then its index in the declared sheets).
    name: String,
    declared: Option<usize>,
    columns: Vec<usize>,
    headers: usize,
    rows: u32,
    widths: Widths,
}

/// The row after `row` in `sheet`, when the sheet has one.
fn next_row(row: u32, max_rows: u32, sheet: &str) -> Result<u32, Failed> {
    if row >= max_rows {
        return Err(Failed::TooManyRows(sheet.to_string()));
    }
    Ok(row + 1)
}

impl<'a> RegionalWorkbook<'a> {
    /// A workbook to be made (by [`Sink::begin`]).
    pub fn new(checker: &'a Checker, choices: &'a Choices, storage: Storage) -> Self {
        RegionalWorkbook {
            checker,
            choices,
            storage,
            wb: Workbook::new(),
            styles: Styles::new(),
            anomalies: (0, Widths::of(&ANOMALIES_HEADERS)),
            data: Vec::new(),
            max_rows: LAST_ROW,
        }
    }

    /// Saves the workbook to `path` (atomically, never over an input: the caller checked).
    pub fn save(&mut self, path: &Path) -> Result<(), crate::output::OutputError> {
        crate::output::write_with(path, |tmp| self.wb.save(tmp))
    }

    /// The workbook as the bytes of an `.xlsx`.
    pub fn to_bytes(&mut self) -> Result<Vec<u8>, XlsxError> {
        self.wb.save_to_buffer()
    }

    fn sheet(&mut self, name: &str) -> Result<&mut Worksheet, XlsxError> {
        self.wb.worksheet_from_name(name)
    }

    /// One line of Anomalies.
    fn anomaly(&mut self, file: &str, code: Option<&str>, f: &Finding) -> Result<(), Failed> {
        let (rows, _) = self.anomalies;
        let row = next_row(rows, self.max_rows, ANOMALIES)?;
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
        let text = self.styles.text.clone();
        let ws = self.wb.worksheet_from_name(ANOMALIES)?;
        for (c, v) in values.iter().enumerate() {
            if !v.is_empty() {
                xlsx::text(ws, row, c as u16, v, &text)?;
            }
            self.anomalies.1.see(c, v);
        }
        self.anomalies.0 = row;
        Ok(())
    }

    /// A file's rows in the five data sheets, each preceded by its network, département and
    /// status.
    fn rows(&mut self, checked: &Checked) -> Result<(), Failed> {
        let file = &checked.file;
        let Some(bilan) = file.bilan.as_ref() else {
            return Ok(());
        };
        let code = file.reseau.as_deref().unwrap_or_default();
        let dep = checked.departement.as_deref().unwrap_or_default();
        let status = file.status.label_fr();
        let layout = &self.checker.schemas;
        for out in &mut self.data {
            let sheet = match out.declared {
                None => bilan.sheet(out.kind),
                Some(i) => {
                    let name = crate::norm::norm(&layout.declared()[i].name);
                    let same =
                        |s: &&crate::read::sheet::Sheet| crate::norm::norm(&s.actual_name) == name;
                    bilan.declared.iter().find(same)
                }
            };
            let Some(sheet) = sheet else {
                continue;
            };
            let ws = self.wb.worksheet_from_name(&out.name)?;
            for data in &sheet.rows {
                out.rows = next_row(out.rows, self.max_rows, &out.name)?;
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

    /// A data sheet's header, column formats and what is known of it before its rows: of a
    /// role (`declared` is `None`), or the layout's declared sheet `declared`.
    fn data_sheet(
        &mut self,
        kind: SheetKind,
        declared: Option<usize>,
    ) -> Result<DataSheet, XlsxError> {
        let layout = self.checker.schemas.clone();
        let schema = match declared {
            None => layout.sheet(kind),
            Some(i) => &layout.declared()[i],
        };
        let name = match declared {
            None => kind.name().to_string(),
            Some(_) => schema.name.clone(),
        };
        let without_personal_data = self.choices.without_personal_data;
        let columns: Vec<usize> = (0..schema.columns.len())
            .filter(|&i| {
                !(kind == SheetKind::Coordination
                    && without_personal_data
                    && PERSONAL.contains(&schema.columns[i].key.as_str()))
            })
            .collect();
        let mut headers = vec!["Code réseau", "Département", "Statut du fichier"];
        headers.extend(columns.iter().map(|&i| schema.columns[i].label.as_str()));
        let styles = &self.styles;
        let ws = self.wb.worksheet_from_name(&name)?;
        xlsx::header(ws, 0, &headers, styles)?;
        // Numbers and dates take their column's format: one format per column rather than
        // one lookup per cell (the writer hashes a cell's format each time).
        for (out_col, &i) in columns.iter().enumerate() {
            let format = match schema.columns[i].kind {
                crate::schema::ColumnKind::Integer => &styles.integer,
                crate::schema::ColumnKind::Date => &styles.date,
                _ => continue,
            };
            ws.set_column_format(3 + out_col as u16, format)?;
        }
        Ok(DataSheet {
            kind,
            name,
            declared,
            headers: headers.len(),
            widths: Widths::of(&headers),
            columns,
            rows: 0,
        })
    }
}

impl Sink for RegionalWorkbook<'_> {
    /// A new workbook with its sheets, the headers of the streamed ones written.
    fn begin(&mut self) -> Result<(), Failed> {
        let year = self.choices.year;
        let mut wb = xlsx::new_workbook(year + 1)?;
        // Deflate level 2: on the benchmark (420 MB of sheet XML) the workbook is 43 MB against
        // 35 MB at the default level 6, and saved in 1.2 s instead of 2.5 s (level 1: 0.95 s
        // but 61 MB). Saving is the one step no other core can share.
        wb.set_zip_compression_level(2);
        // Synthèse too is written row after row (at the end), so it streams as well.
        let layout = self.checker.schemas.clone();
        let declared: Vec<&str> = layout.declared().iter().map(|d| d.name.as_str()).collect();
        let streamed: Vec<&str> = [SHEETS[0], ANOMALIES]
            .into_iter()
            .chain(DATA.iter().map(|k| k.name()))
            .chain(declared.iter().copied())
            .collect();
        for name in sheet_names(self.checker.previous.is_some(), &declared) {
            let ws = if self.storage == Storage::Streamed && streamed.contains(&name) {
                wb.add_worksheet_with_constant_memory()?
            } else {
                wb.add_worksheet()
            };
            ws.set_name(name)?;
            // Indicateurs and À propos have no table header row to repeat.
            let header = (!matches!(name, INDICATEURS | "À propos")).then_some(0);
            xlsx::print_layout(ws, year, header)?;
        }
        self.wb = wb;
        self.styles = Styles::new();
        self.anomalies = (0, Widths::of(&ANOMALIES_HEADERS));
        let styles = &self.styles;
        xlsx::header(
            self.wb.worksheet_from_name(ANOMALIES)?,
            0,
            &ANOMALIES_HEADERS,
            styles,
        )?;
        self.data = DATA
            .into_iter()
            .map(|kind| (kind, None))
            .chain((0..declared.len()).map(|i| (SheetKind::Declared, Some(i))))
            .map(|(kind, i)| self.data_sheet(kind, i))
            .collect::<Result<_, _>>()?;
        Ok(())
    }

    /// The file's findings in Anomalies and, for a file of the year, its rows.
    fn file(&mut self, checked: &Checked) -> Result<(), Failed> {
        let file = &checked.file;
        let path = file.path.display().to_string();
        for finding in &file.findings {
            self.anomaly(&path, file.reseau.as_deref(), finding)?;
        }
        if checked.of_the_year() {
            self.rows(checked)?;
        }
        Ok(())
    }

    /// The batch findings, the autofilters and widths of the streamed sheets, and the sheets
    /// made of the whole batch: Synthèse, Indicateurs, Évolution, Règles, À propos.
    fn finish(&mut self, report: &Report, regional: &Regional) -> Result<(), Failed> {
        for finding in &report.batch {
            self.anomaly("", finding.reseau.as_deref(), finding)?;
        }
        let (rows, widths) = (self.anomalies.0, self.anomalies.1 .0.clone());
        let ws = self.sheet(ANOMALIES)?;
        xlsx::filter(ws, 0, ANOMALIES_HEADERS.len(), rows)?;
        xlsx::widths(ws, &widths)?;
        for out in &self.data {
            let ws = self.wb.worksheet_from_name(&out.name)?;
            xlsx::filter(ws, 0, out.headers, out.rows)?;
            xlsx::widths(ws, &out.widths.0)?;
        }
        let (checker, choices, styles) = (self.checker, self.choices, &self.styles);
        let wb = &mut self.wb;
        if let Some(table) = &regional.evolution {
            evolution::evolution(
                wb.worksheet_from_name(evolution::NAME)?,
                table,
                choices,
                styles,
            )?;
        }
        synthese::synthese(
            wb.worksheet_from_name(SHEETS[0])?,
            &regional.networks,
            styles,
        )?;
        indicateurs::indicateurs(
            wb.worksheet_from_name(INDICATEURS)?,
            &regional.indicators,
            regional.counted,
            choices,
            styles,
        )?;
        about::regles(wb.worksheet_from_name(SHEETS[8])?, checker, styles)?;
        about::a_propos(
            wb.worksheet_from_name(SHEETS[9])?,
            report,
            &regional.provenance.0,
            &regional.provenance.1,
            checker,
            choices,
            styles,
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consolidate::tests::{chateauroux, consolidation_2025};

    /// A sheet that would pass the last row of a spreadsheet stops the writing with a
    /// message naming it (the limit is lowered here; it is 1,048,576 rows for real).
    #[test]
    fn a_sheet_beyond_the_last_row_is_refused_by_name() {
        let (checker, choices) = consolidation_2025();
        let checked = || {
            let mut file = chateauroux(&checker);
            checker.finish(&mut file);
            Checked::new(file, &checker, &choices, &Default::default())
        };
        let mut workbook = RegionalWorkbook::new(&checker, &choices, Storage::Streamed);
        workbook.begin().unwrap();
        workbook.file(&checked()).unwrap();
        // Room for half of Châteauroux's 10 structures more: its second copy does not fit.
        assert_eq!(workbook.data[0].rows, 10);
        workbook.max_rows = 15;
        let failed = workbook.file(&checked()).unwrap_err();
        let message = crate::i18n::Said::said(&failed);
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
