//! The annotated copy of a workbook that cannot be patched in place (`.xls`, `.xlsb`, `.ods`,
//! or an `.xlsx` whose package could not be marked): a new `.xlsx` with the file's values
//! (dates as dates, numbers as numbers, text as text, never a formula), then marked by the
//! same streaming patch as a coordinator's own `.xlsx` ([`super::ooxml`]): each cell with a
//! finding filled and carrying one note, and a first sheet `Anomalies` with a link to each.
//!
//! The values go from the reader to the workbook row by row ([`Opened::rows`]), never held as
//! a whole workbook. On the command line its sheets are written in rust_xlsxwriter's
//! constant-memory mode, through temporary files ([`Scratch::TempFiles`]): what the copy holds
//! is a row and what calamine holds to read the file. The page writes nothing to disk
//! ([`Scratch::Memory`]). The reader is gone before the patch starts, which holds the small
//! parts, the notes' texts of one sheet at a time and the copy being written.

use std::io::{Seek, Write};

use rust_xlsxwriter::{Color, Format, Workbook, Worksheet, XlsxError};

use super::marks::{self, Origin, ANOMALIES};
use super::CopyError;
use crate::check::FileReport;
use crate::config::Limits;
use crate::i18n::Msg;
use crate::read::{Admitted, CellValue, Opened, RawCell, ReadError, SheetMeta};
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

/// Why the workbook of the values was not built as asked.
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
    ReadError::Unreadable(Msg::new("copie interrompue", "copy interrupted"))
}

impl From<XlsxError> for Stop {
    fn from(e: XlsxError) -> Self {
        Stop::Xlsx(e)
    }
}

/// The workbook of `opened`'s values: each sheet under its own name, with its values, its
/// columns as wide as their values and its header row frozen.
fn values(report: &FileReport, mut opened: Opened<'_>, scratch: Scratch) -> Result<Workbook, Stop> {
    let mut book = xlsx::new_workbook(2026)?;
    // Read once more by the patch, which compresses again what it marks.
    book.set_zip_compression_level(1);
    let styles = Styles::new();
    let sheets: Vec<SheetMeta> = opened.sheets.clone();
    for sheet in &sheets {
        let ws = scratch.add_worksheet(&mut book)?;
        ws.set_name(&sheet.name)?;
        copy_sheet(ws, &mut opened, sheet, &styles, scratch)?;
        if let Some(h) = report.header_rows.get(&sheet.name) {
            ws.set_freeze_panes(h + 1, 0)?;
        }
    }
    Ok(book)
}

/// One value of the workbook as read, in its cell of the copy: dates as dates, numbers as
/// numbers, text as text (never a formula).
fn write_value(
    ws: &mut Worksheet,
    (r, c16): (u32, u16),
    value: &CellValue,
    styles: &Styles,
) -> Result<(), XlsxError> {
    match value {
        CellValue::Text(s) => xlsx::text(ws, r, c16, s, &styles.text)?,
        CellValue::Duration(s) | CellValue::Error(s) => xlsx::text(ws, r, c16, s, &styles.text)?,
        CellValue::Int(i) => {
            ws.write_number(r, c16, *i as f64)?;
        }
        CellValue::Float(f) | CellValue::Date(None, f) => {
            ws.write_number(r, c16, *f)?;
        }
        CellValue::Bool(b) => {
            ws.write_boolean(r, c16, *b)?;
        }
        CellValue::Date(Some(d), _) => {
            use chrono::Datelike;
            match rust_xlsxwriter::ExcelDateTime::from_ymd(
                d.year() as u16,
                d.month() as u8,
                d.day() as u8,
            ) {
                Ok(dt) => {
                    ws.write_datetime_with_format(r, c16, &dt, &styles.date)?;
                }
                Err(_) => xlsx::text(
                    ws,
                    r,
                    c16,
                    &value.display().unwrap_or_default(),
                    &styles.text,
                )?,
            }
        }
        CellValue::Empty => {}
    }
    Ok(())
}

/// The cells of one sheet of the copy: `sheet`'s values as they stream from `opened`.
fn copy_sheet(
    ws: &mut Worksheet,
    opened: &mut Opened<'_>,
    sheet: &SheetMeta,
    styles: &Styles,
    scratch: Scratch,
) -> Result<(), Stop> {
    let mut widths = Widths::default();
    let mut last_row = None;
    let mut stop = None;
    let read = opened.rows(sheet, &mut |r, cells: &[RawCell]| {
        if scratch == Scratch::TempFiles && last_row.is_some_and(|last| r <= last) {
            stop = Some(Stop::OutOfOrder);
            return Err(stop_reading());
        }
        last_row = Some(r);
        let written = cells.iter().try_for_each(|cell| {
            let Ok(c16) = u16::try_from(cell.col) else {
                return Ok(());
            };
            write_value(ws, (r, c16), &cell.value, styles)?;
            if let Some(s) = cell.value.display() {
                widths.see(cell.col as usize, &s);
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
    for (c, w) in widths.0.iter().enumerate().take(16_384) {
        if *w > 0 {
            ws.set_column_width(c as u16, (*w).clamp(8, 50) as f64 + 2.0)?;
        }
    }
    Ok(())
}

/// The copy of a file that could not be read: `Anomalies` alone, its findings (none has a
/// cell to link to).
fn findings_only(report: &FileReport) -> Result<Workbook, XlsxError> {
    let mut book = xlsx::new_workbook(2026)?;
    let styles = Styles::new();
    let ws = book.add_worksheet();
    ws.set_name(ANOMALIES)?;
    ws.set_active(true);
    xlsx::text(ws, 0, 0, &marks::title(report), &styles.title)?;
    xlsx::text(ws, 1, 0, &marks::status_sentence(report), &styles.text)?;
    let headers = marks::HEADERS;
    if report.findings.is_empty() {
        xlsx::text(ws, 3, 0, marks::NOTHING, &styles.text)?;
        ws.set_column_width(0, 60)?;
        return Ok(book);
    }
    xlsx::table_header(ws, 3, &headers, report.findings.len() as u32, &styles)?;
    let mut widths = Widths::of(&headers);
    for (i, f) in report.findings.iter().enumerate() {
        let row = 4 + i as u32;
        let rule = f.code.rule();
        let severity = Format::new().set_background_color(Color::RGB(marks::fill_rgb(f.severity)));
        xlsx::text(ws, row, 0, f.severity.label_fr(), &severity)?;
        xlsx::text(ws, row, 1, f.code.as_str(), &styles.text)?;
        xlsx::text(ws, row, 2, rule.name, &styles.text)?;
        let sheet = f.sheet_name().unwrap_or_default();
        xlsx::text(ws, row, 3, sheet, &styles.text)?;
        if let Some(cell) = f.cell_a1() {
            xlsx::text(ws, row, 4, &cell, &styles.text)?;
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
    xlsx::widths(ws, &widths.0)?;
    Ok(book)
}

/// The copy, from `admitted`, the bytes as the check read them (`None` when it could not
/// read them), read again row by row, written into what `start` gives.
pub(super) fn copy_into<W: Write + Seek + Send>(
    report: &FileReport,
    admitted: Option<&Admitted>,
    limits: &Limits,
    scratch: Scratch,
    start: &mut dyn FnMut() -> std::io::Result<W>,
) -> Result<W, CopyError> {
    // What the check freed, before the file is read whole again.
    crate::memory::give_back();
    let open = || admitted.and_then(|a| Opened::open(a, limits).ok());
    let built = match open() {
        None => Err(Stop::Unreadable),
        Some(opened) => match values(report, opened, scratch) {
            Err(Stop::OutOfOrder) => match open() {
                Some(again) => values(report, again, Scratch::Memory),
                None => Err(Stop::Unreadable),
            },
            other => other,
        },
    };
    match built {
        Ok(mut book) => {
            let bytes = book.save_to_buffer()?;
            drop(book);
            let out = start()?;
            super::marked(report, &bytes, Origin::Values, out).map_err(CopyError::Marked)
        }
        // Not expected when the check read these bytes: the copy says the file was not read.
        Err(Stop::Unreadable | Stop::OutOfOrder) => {
            let mut out = start()?;
            findings_only(report).and_then(|mut b| b.save_to_writer(&mut out))?;
            Ok(out)
        }
        Err(Stop::Xlsx(e)) => Err(CopyError::Xlsx(e)),
    }
}

/// The copy as the bytes of an `.xlsx` (see [`copy_into`]).
#[cfg(test)]
fn copy_bytes(
    report: &FileReport,
    admitted: Option<&Admitted>,
    limits: &Limits,
    scratch: Scratch,
) -> Result<Vec<u8>, CopyError> {
    copy_into(report, admitted, limits, scratch, &mut || {
        Ok(std::io::Cursor::new(Vec::new()))
    })
    .map(std::io::Cursor::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Format as FileFormat;
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
        let checker = super::super::tests::checker_2025();
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
