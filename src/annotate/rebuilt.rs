//! The annotated copy of a workbook that cannot be patched in place (`.xls`, `.xlsb`, `.ods`,
//! or an `.xlsx` whose package could not be marked): a new `.xlsx` with the file's values
//! (dates as dates, numbers as numbers, text as text, never a formula), each cell with a
//! finding filled and carrying one note, and a first sheet `Anomalies` with a link to each.

use std::collections::{BTreeMap, BTreeSet};

use rust_xlsxwriter::{Color, Format, FormatUnderline, Note, Url, Workbook, Worksheet, XlsxError};

use super::marks::{self, ANOMALIES};
use crate::check::FileReport;
use crate::finding::{Finding, Severity};
use crate::workbook::{CellValue, RawWorkbook};
use crate::xlsx::{self, Styles, Widths};

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

/// Builds the annotated workbook.
pub fn build(report: &FileReport, wb: Option<&RawWorkbook>) -> Result<Workbook, XlsxError> {
    let mut book = xlsx::new_workbook(2026)?;
    let styles = Styles::new();
    // Where each finding is in the copy: the actual name of its sheet.
    let actual_names: BTreeMap<String, String> = wb
        .map(|wb| {
            wb.sheets
                .iter()
                .map(|s| (marks::finding_name(&s.name), copy_name(&s.name)))
                .collect()
        })
        .unwrap_or_default();
    anomalies(
        book.add_worksheet(),
        report,
        &actual_names,
        &styles,
        wb.is_some(),
    )?;
    if let Some(wb) = wb {
        for sheet in &wb.sheets {
            let name = copy_name(&sheet.name);
            let ws = book.add_worksheet();
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
                sheet,
                &here,
                report.header_rows.get(&sheet.name).copied(),
                &styles,
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

fn copy_sheet(
    ws: &mut Worksheet,
    sheet: &crate::workbook::RawSheet,
    findings: &[&Finding],
    header_row: Option<u32>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let mut by_cell: BTreeMap<(u32, u32), Vec<&&Finding>> = BTreeMap::new();
    for f in findings {
        if let Some(cell) = f.location.cell {
            by_cell.entry(cell).or_default().push(f);
        }
    }
    let mut widths = Widths::default();
    let mut written = BTreeSet::new();
    for cell in &sheet.cells {
        let (r, c) = (cell.row, cell.col);
        let Ok(c16) = u16::try_from(c) else { continue };
        let marked = by_cell.get(&(r, c)).map(|fs| {
            fs.iter()
                .map(|f| f.severity)
                .max()
                .unwrap_or(Severity::Info)
        });
        let base = |f: Format| match marked {
            Some(sev) => f.set_background_color(fill(sev)),
            None => f,
        };
        write_value(ws, (r, c16), &cell.value, base, styles)?;
        if let Some(s) = cell.value.display() {
            widths.see(c as usize, &s);
        }
        written.insert((r, c));
    }
    for ((r, c), fs) in &by_cell {
        let Ok(c16) = u16::try_from(*c) else { continue };
        let severity = fs
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info);
        if !written.contains(&(*r, *c)) {
            ws.write_blank(*r, c16, &Format::new().set_background_color(fill(severity)))?;
        }
        let note = Note::new(marks::note_text(fs.iter().map(|f| **f)))
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

/// The copy as the bytes of an `.xlsx`, from `wb`, the workbook as the check read it (`None`
/// when it could not be read). Nothing touches the disk.
pub fn copy_bytes(
    report: &FileReport,
    wb: Option<&RawWorkbook>,
) -> Result<Vec<u8>, crate::i18n::Msg> {
    build(report, wb)
        .and_then(|mut book| book.save_to_buffer())
        .map_err(|e| crate::output::Failure::message(&e))
}
