//! The annotated copy of a workbook that cannot be patched in place (`.xls`, `.xlsb`, `.ods`,
//! or an `.xlsx` whose package could not be marked): a new `.xlsx` with the file's values
//! (dates as dates, numbers as numbers, text as text, never a formula), each cell with a
//! finding filled and carrying one note, and a first sheet `Anomalies` with a link to each.
//!
//! The values go from the reader to the copy row by row ([`Opened::rows`]), never held as a
//! whole workbook. On the command line the copy's sheets are written in rust_xlsxwriter's
//! constant-memory mode, through temporary files ([`Scratch::TempFiles`]): what the copy holds
//! is a row, the notes and what calamine holds to read the file. The page writes nothing to
//! disk ([`Scratch::Memory`]).

use std::collections::{BTreeMap, BTreeSet};

use rust_xlsxwriter::{Color, Format, FormatUnderline, Note, Url, Workbook, Worksheet, XlsxError};

use super::marks::{self, ANOMALIES};
use crate::check::FileReport;
use crate::config::Limits;
use crate::finding::{Finding, Severity};
use crate::workbook::{Admitted, CellValue, Opened, RawCell, ReadError, SheetMeta};
use crate::xlsx::{self, Styles, Widths};

/// Where the copy's sheets are assembled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scratch {
    /// In memory: the page of `spro serve`, which never writes a coordinator's data to disk.
    Memory,
    /// Through temporary files, a row at a time in memory (`check --annote`). Rows must come
    /// in order; a file whose rows do not is copied in memory instead.
    TempFiles,
}

impl Scratch {
    fn add_worksheet(self, book: &mut Workbook) -> Result<&mut Worksheet, XlsxError> {
        match self {
            Scratch::Memory => Ok(book.add_worksheet()),
            Scratch::TempFiles => book.add_worksheet_with_constant_memory(),
        }
    }
}

/// Why a copy was not built as asked.
enum Stop {
    Xlsx(XlsxError),
    /// A row came before one already written (a file out of order): constant-memory mode
    /// would drop it.
    OutOfOrder,
    /// The file could not be read again (the check read it: not expected).
    Unreadable,
}

/// What the row callback returns to stop the reading, with the reason kept beside it: never
/// shown.
fn stop_reading() -> ReadError {
    ReadError::Unreadable(crate::i18n::Msg::new(
        "copie interrompue",
        "copy interrupted",
    ))
}

impl From<XlsxError> for Stop {
    fn from(e: XlsxError) -> Self {
        Stop::Xlsx(e)
    }
}

fn fill(severity: Severity) -> Color {
    Color::RGB(marks::fill_rgb(severity))
}

/// The one line saying what this copy is, for a file of another format than `.xlsx`.
pub const VALUES_ONLY: &str = "Cette copie est un classeur .xlsx qui reprend les valeurs de votre fichier : corrigez votre fichier d'origine, puis vérifiez-le à nouveau.";

/// The sheet names of the copy: the original names, except one that would clash with
/// `Anomalies`.
fn copy_name(original: &str) -> String {
    if original.eq_ignore_ascii_case(ANOMALIES) {
        format!("{original} (original)")
    } else {
        original.to_string()
    }
}

/// Builds the annotated workbook: the `Anomalies` sheet, then each sheet of `opened` (when
/// the file could be read) with its values.
fn build(
    report: &FileReport,
    mut opened: Option<Opened<'_>>,
    scratch: Scratch,
) -> Result<Workbook, Stop> {
    let mut book = xlsx::new_workbook(2026)?;
    let styles = Styles::new();
    let sheets: Vec<SheetMeta> = opened
        .as_ref()
        .map(|o| o.sheets.clone())
        .unwrap_or_default();
    // Where each finding is in the copy: the actual name of its sheet.
    let actual_names: BTreeMap<String, String> = sheets
        .iter()
        .map(|s| (marks::finding_name(&s.name), copy_name(&s.name)))
        .collect();
    anomalies(
        scratch.add_worksheet(&mut book)?,
        report,
        &actual_names,
        &styles,
        opened.is_some(),
    )?;
    if let Some(opened) = opened.as_mut() {
        for sheet in &sheets {
            let name = copy_name(&sheet.name);
            let ws = scratch.add_worksheet(&mut book)?;
            ws.set_name(&name)?;
            let here: Vec<&Finding> = report
                .findings
                .iter()
                .filter(|f| {
                    f.location.cell.is_some()
                        && f.sheet_name().and_then(|s| actual_names.get(s)) == Some(&name)
                })
                .collect();
            copy_sheet(
                ws,
                opened,
                sheet,
                &here,
                report.header_rows.get(&sheet.name).copied(),
                (&styles, scratch),
            )?;
        }
    }
    book.worksheet_from_index(0)?.set_active(true);
    Ok(book)
}

fn anomalies(
    ws: &mut Worksheet,
    report: &FileReport,
    names: &BTreeMap<String, String>,
    styles: &Styles,
    wb_read: bool,
) -> Result<(), XlsxError> {
    ws.set_name(ANOMALIES)?;
    xlsx::text(ws, 0, 0, &marks::title(report), &styles.title)?;
    xlsx::text(ws, 1, 0, &marks::status_sentence(report), &styles.text)?;
    if wb_read {
        xlsx::text(ws, 2, 0, VALUES_ONLY, &styles.text)?;
    }
    let headers = marks::HEADERS;
    if report.findings.is_empty() {
        xlsx::text(ws, 3, 0, marks::NOTHING, &styles.text)?;
        ws.set_column_width(0, 60)?;
        return Ok(());
    }
    xlsx::table_header(ws, 3, &headers, report.findings.len() as u32, styles)?;
    let link = Format::new()
        .set_font_color(Color::Blue)
        .set_underline(FormatUnderline::Single);
    let mut widths = Widths::of(&headers);
    for (i, f) in report.findings.iter().enumerate() {
        let row = 4 + i as u32;
        let rule = f.code.rule();
        let severity = Format::new().set_background_color(fill(f.severity));
        xlsx::text(ws, row, 0, f.severity.label_fr(), &severity)?;
        xlsx::text(ws, row, 1, f.code.as_str(), &styles.text)?;
        xlsx::text(ws, row, 2, rule.name, &styles.text)?;
        let sheet = f.sheet_name().unwrap_or_default();
        xlsx::text(ws, row, 3, sheet, &styles.text)?;
        match (f.cell_a1(), names.get(sheet)) {
            (Some(cell), Some(actual)) => {
                let target = format!("internal:'{}'!{cell}", actual.replace('\'', "''"));
                ws.write_url_with_format(row, 4, Url::new(target).set_text(&cell), &link)?;
            }
            (Some(cell), None) => xlsx::text(ws, row, 4, &cell, &styles.text)?,
            (None, _) => {}
        }
        xlsx::text(ws, row, 5, &f.message.fr, &styles.wrap)?;
        xlsx::text(ws, row, 6, rule.fix.0, &styles.wrap)?;
        for (c, v) in [f.severity.label_fr(), f.code.as_str(), rule.name, sheet]
            .iter()
            .enumerate()
        {
            widths.see(c, v);
        }
    }
    widths.0[4] = 10;
    widths.0.resize(7, 10);
    widths.0[5] = 80;
    widths.0[6] = 60;
    xlsx::widths(ws, &widths.0)
}

/// One value of the workbook as read, in its cell of the copy, with `base` giving its
/// format (filled when the cell has a finding): dates as dates, numbers as numbers, text as
/// text (never a formula).
fn write_value(
    ws: &mut Worksheet,
    (r, c16): (u32, u16),
    value: &CellValue,
    base: impl Fn(Format) -> Format,
    styles: &Styles,
) -> Result<(), XlsxError> {
    match value {
        CellValue::Text(s) => xlsx::text(ws, r, c16, s, &base(Format::new()))?,
        CellValue::Int(i) => {
            ws.write_number_with_format(r, c16, *i as f64, &base(Format::new()))?;
        }
        CellValue::Float(f) => {
            ws.write_number_with_format(r, c16, *f, &base(Format::new()))?;
        }
        CellValue::Bool(b) => {
            ws.write_boolean_with_format(r, c16, *b, &base(Format::new()))?;
        }
        CellValue::Date(Some(d), _) => {
            use chrono::Datelike;
            match rust_xlsxwriter::ExcelDateTime::from_ymd(
                d.year() as u16,
                d.month() as u8,
                d.day() as u8,
            ) {
                Ok(dt) => {
                    ws.write_datetime_with_format(r, c16, &dt, &base(styles.date.clone()))?;
                }
                Err(_) => xlsx::text(
                    ws,
                    r,
                    c16,
                    &value.display().unwrap_or_default(),
                    &base(Format::new()),
                )?,
            }
        }
        CellValue::Date(None, serial) => {
            ws.write_number_with_format(r, c16, *serial, &base(Format::new()))?;
        }
        CellValue::Duration(s) | CellValue::Error(s) => {
            xlsx::text(ws, r, c16, s, &base(Format::new()))?
        }
        CellValue::Empty => {
            ws.write_blank(r, c16, &base(Format::new()))?;
        }
    }
    Ok(())
}

/// The cells of one sheet of the copy: `sheet`'s values as they stream from `opened`, the
/// cells with a finding filled (a blank filled cell where the finding is about an empty cell),
/// each carrying its note.
fn copy_sheet(
    ws: &mut Worksheet,
    opened: &mut Opened<'_>,
    sheet: &SheetMeta,
    findings: &[&Finding],
    header_row: Option<u32>,
    (styles, scratch): (&Styles, Scratch),
) -> Result<(), Stop> {
    let mut by_cell: BTreeMap<(u32, u32), Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        if let Some(cell) = f.location.cell {
            by_cell.entry(cell).or_default().push(f);
        }
    }
    let severity = |fs: &[&Finding]| {
        fs.iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info)
    };
    // The marked cells, in order: those before the row being copied that had no value get
    // their blank filled cell before it (constant-memory mode writes rows in order).
    let mut marked = by_cell.iter().peekable();
    let mut with_value: BTreeSet<(u32, u32)> = BTreeSet::new();
    let mut blanks_before = |ws: &mut Worksheet,
                             row: u32,
                             with_value: &BTreeSet<(u32, u32)>|
     -> Result<(), XlsxError> {
        while let Some(((r, c), fs)) = marked.next_if(|((r, _), _)| *r < row) {
            if let (false, Ok(c16)) = (with_value.contains(&(*r, *c)), u16::try_from(*c)) {
                let fill = Format::new().set_background_color(fill(severity(fs)));
                ws.write_blank(*r, c16, &fill)?;
            }
        }
        Ok(())
    };
    let mut widths = Widths::default();
    let mut last_row = None;
    let mut stop = None;
    let read = opened.rows(sheet, &mut |r, cells: &[RawCell]| {
        if scratch == Scratch::TempFiles && last_row.is_some_and(|last| r <= last) {
            stop = Some(Stop::OutOfOrder);
            return Err(stop_reading());
        }
        last_row = Some(r);
        let written = blanks_before(ws, r, &with_value).and_then(|()| {
            for cell in cells {
                let Ok(c16) = u16::try_from(cell.col) else {
                    continue;
                };
                let marked = by_cell.get(&(r, cell.col)).map(|fs| severity(fs));
                if marked.is_some() {
                    with_value.insert((r, cell.col));
                }
                let base = |f: Format| match marked {
                    Some(sev) => f.set_background_color(fill(sev)),
                    None => f,
                };
                write_value(ws, (r, c16), &cell.value, base, styles)?;
                if let Some(s) = cell.value.display() {
                    widths.see(cell.col as usize, &s);
                }
            }
            Ok(())
        });
        written.map_err(|e| {
            stop = Some(Stop::Xlsx(e));
            stop_reading()
        })
    });
    if read.is_err() {
        return Err(stop.unwrap_or(Stop::Unreadable));
    }
    // Past the last row (rows end at 1,048,576): the marked cells left.
    blanks_before(ws, u32::MAX, &with_value)?;
    for ((r, c), fs) in &by_cell {
        let Ok(c16) = u16::try_from(*c) else { continue };
        let note = Note::new(marks::note_text(fs.iter().copied()))
            .set_author("spro")
            .set_width(420)
            .set_height(160);
        ws.insert_note(*r, c16, &note)?;
    }
    if let Some(h) = header_row {
        ws.set_freeze_panes(h + 1, 0)?;
    }
    for (c, w) in widths.0.iter().enumerate().take(16_384) {
        if *w > 0 {
            ws.set_column_width(c as u16, (*w).clamp(8, 50) as f64 + 2.0)?;
        }
    }
    Ok(())
}

/// The copy as the bytes of an `.xlsx`, from `admitted`, the bytes as the check read them
/// (`None` when it could not read them), read again row by row.
pub fn copy_bytes(
    report: &FileReport,
    admitted: Option<&Admitted>,
    limits: &Limits,
    scratch: Scratch,
) -> Result<Vec<u8>, crate::i18n::Msg> {
    let open = || admitted.and_then(|a| Opened::open(a, limits).ok());
    let built = match build(report, open(), scratch) {
        Err(Stop::OutOfOrder) => build(report, open(), Scratch::Memory),
        // Not expected (the check read these bytes): the copy says the file was not read.
        Err(Stop::Unreadable) => build(report, None, scratch),
        other => other,
    };
    let mut book = match built {
        Ok(book) => book,
        Err(Stop::Xlsx(e)) => return Err(crate::output::Failure::message(&e)),
        Err(Stop::OutOfOrder | Stop::Unreadable) => {
            return Err(crate::i18n::Msg::new(
                "le fichier n'a pas pu être relu pour en faire la copie annotée",
                "the file could not be read again to make its annotated copy",
            ))
        }
    };
    book.save_to_buffer()
        .map_err(|e| crate::output::Failure::message(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Checker;
    use crate::config::Config;
    use crate::referential::Referential;
    use crate::schema::Schemas;
    use crate::workbook::Format as FileFormat;
    use calamine::{Data, Reader, Xlsx};

    /// A sheet of a copy: its name and its cells (row, column, value).
    type Sheet = (String, Vec<(usize, usize, Data)>);

    /// Every sheet of the copy `bytes`.
    fn sheets(bytes: &[u8]) -> Vec<Sheet> {
        let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).expect("an .xlsx");
        wb.sheet_names()
            .into_iter()
            .map(|name| {
                let range = wb.worksheet_range(&name).expect("a sheet");
                let cells = range
                    .used_cells()
                    .map(|(r, c, d)| (r, c, d.clone()))
                    .collect();
                (name, cells)
            })
            .collect()
    }

    /// The sample file with rows 2 and 3 of each sheet swapped in the XML, when `swap`.
    fn sample(swap: bool) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/bilans/2025/28-DRE.xlsx");
        let bytes = std::fs::read(path).expect("the sample");
        if !swap {
            return bytes;
        }
        crate::fixture::rewrite(&bytes, |name, xml| {
            let (Some(two), Some(three)) = (xml.find("<row r=\"2\""), xml.find("<row r=\"3\""))
            else {
                return xml;
            };
            if !name.starts_with("xl/worksheets/") {
                return xml;
            }
            let end = |from: usize| from + xml[from..].find("</row>").expect("a row") + 6;
            let (row2, row3) = (&xml[two..end(two)], &xml[three..end(three)]);
            format!("{}{row3}{row2}{}", &xml[..two], &xml[end(three)..])
        })
        .expect("rewritten")
    }

    /// The copy through temporary files holds the same sheets, values and marks as the copy
    /// in memory; and when a sheet's rows come out of order (row 3 before row 2 in the file),
    /// which constant-memory mode cannot write, it is made in memory instead, whole.
    #[test]
    fn both_scratches_copy_every_value_even_out_of_order() {
        let config = Config {
            annee: Some(2025),
            ..Config::default()
        };
        let checker = Checker::new(config, Referential::embedded(), Schemas::embedded());
        for swap in [false, true] {
            let (mut report, admitted) = checker.check_bytes(
                std::path::Path::new("28-DRE.xlsx"),
                FileFormat::Xlsx,
                sample(swap),
            );
            checker.finish(&mut report);
            assert!(report.findings.iter().any(|f| f.location.cell.is_some()));
            let limits = &checker.config.limits;
            let copy =
                |scratch| copy_bytes(&report, admitted.as_ref(), limits, scratch).expect("a copy");
            let (memory, files) = (
                sheets(&copy(Scratch::Memory)),
                sheets(&copy(Scratch::TempFiles)),
            );
            assert_eq!(memory, files, "swapped: {swap}");
            let actions = &files
                .iter()
                .find(|(n, _)| n == "Actions")
                .expect("Actions")
                .1;
            for row in [1, 2] {
                assert!(
                    actions.iter().filter(|(r, ..)| *r == row).count() > 5,
                    "{swap} {row}"
                );
            }
        }
    }
}
