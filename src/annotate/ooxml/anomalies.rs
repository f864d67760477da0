//! The `Anomalies` sheet added in front of the coordinator's workbook: the status, how to send
//! the file once corrected, and one row per finding with a link to its cell. Written as it
//! goes (inline text, no shared strings to touch), in the formats [`Clones`] adds.

use std::collections::BTreeMap;
use std::io::Write;

use super::styles::{Clones, Own};
use super::xml::escape;
use super::PatchError;
use crate::annotate::marks::{self, Origin, HEADERS};
use crate::check::FileReport;
use crate::finding::{a1, Severity};
use crate::xlsx::Widths;

/// Writes the sheet. `names` gives the name in the file of the sheet findings name; `origin`
/// what the copy is.
pub(super) fn write<W: Write>(
    mut out: W,
    report: &FileReport,
    names: &BTreeMap<String, String>,
    clones: &Clones,
    origin: Origin,
) -> Result<(), PatchError> {
    // 1-based, as the XML counts rows.
    let header_row = origin.header_row() + 1;
    let last = header_row + report.findings.len() as u32;
    head(&mut out, report, header_row, last)?;
    let line = |out: &mut W, row: u32, value: &str, style: Own| -> Result<(), PatchError> {
        write!(out, "<row r=\"{}\">", row + 1)?;
        text(out, row, 0, value, clones.own(style))?;
        out.write_all(b"</row>")?;
        Ok(())
    };
    line(&mut out, 0, &marks::title(report), Own::Title)?;
    line(&mut out, 1, &marks::status_sentence(report), Own::Text)?;
    line(&mut out, 2, origin.line(), Own::Text)?;
    if report.findings.is_empty() {
        line(&mut out, header_row - 1, marks::NOTHING, Own::Text)?;
    } else {
        write!(out, "<row r=\"{}\">", header_row)?;
        for (c, h) in HEADERS.iter().enumerate() {
            text(
                &mut out,
                header_row - 1,
                c as u32,
                h,
                clones.own(Own::Header),
            )?;
        }
        out.write_all(b"</row>")?;
        for (i, f) in report.findings.iter().enumerate() {
            finding_row(&mut out, header_row + i as u32, f, names, clones)?;
        }
    }
    out.write_all(b"</sheetData>")?;
    hyperlinks(&mut out, report, names, header_row)?;
    out.write_all(b"<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>")?;
    Ok(())
}

/// The widths of the message and fix columns, in characters (each column is two wider).
const MESSAGE_WIDTH: usize = 80;
const FIX_WIDTH: usize = 60;

/// How many lines `text` takes wrapped in a column `width` characters wide (an estimate:
/// whole words, as wide as they are long).
fn wrapped_lines(text: &str, width: usize) -> usize {
    let (mut lines, mut used) = (1, 0);
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if used > 0 && used + 1 + len > width {
            lines += 1;
            used = len;
        } else {
            used += len + usize::from(used > 0);
        }
    }
    lines
}

/// The sheet up to its data: its dimension, its view (frozen under the header when there
/// are findings), its columns as wide as what they hold.
fn head<W: Write>(
    out: &mut W,
    report: &FileReport,
    header_row: u32,
    last: u32,
) -> Result<(), PatchError> {
    let mut widths = Widths::of(&HEADERS);
    for f in &report.findings {
        let rule = f.code.rule();
        for (c, v) in [
            f.severity.label_fr(),
            f.code.as_str(),
            rule.name,
            f.sheet_name().unwrap_or_default(),
        ]
        .iter()
        .enumerate()
        {
            widths.see(c, v);
        }
    }
    let mut w = widths.0;
    w.resize(7, 10);
    w[4] = 10;
    w[5] = MESSAGE_WIDTH;
    w[6] = FIX_WIDTH;
    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">")?;
    write!(out, "<dimension ref=\"A1:G{}\"/>", last.max(header_row))?;
    if report.findings.is_empty() {
        out.write_all(
            b"<sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\"/></sheetViews>",
        )?;
    } else {
        write!(out, "<sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\"><pane ySplit=\"{header_row}\" topLeftCell=\"A{}\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>", header_row + 1)?;
    }
    out.write_all(b"<sheetFormatPr defaultRowHeight=\"15\"/><cols>")?;
    for (i, width) in w.iter().enumerate() {
        write!(
            out,
            "<col min=\"{n}\" max=\"{n}\" width=\"{}\" customWidth=\"1\"/>",
            (*width).clamp(8, 80) + 2,
            n = i + 1
        )?;
    }
    out.write_all(b"</cols><sheetData>")?;
    Ok(())
}

/// A cell of inline text.
fn text<W: Write>(
    out: &mut W,
    row: u32,
    col: u32,
    value: &str,
    style: u32,
) -> Result<(), PatchError> {
    write!(
        out,
        "<c r=\"{}\" s=\"{style}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
        a1(row, col),
        escape(value)
    )?;
    Ok(())
}

/// The row of one finding: severity, code, rule, sheet, cell (a link when the sheet is the
/// file's), message, how to fix it.
fn finding_row<W: Write>(
    out: &mut W,
    row: u32,
    f: &crate::finding::Finding,
    names: &BTreeMap<String, String>,
    clones: &Clones,
) -> Result<(), PatchError> {
    let rule = f.code.rule();
    // As tall as its longest text wraps to, written out: a reader that does not size rows to
    // their wrapped text (LibreOffice, on opening) would otherwise cut it to one line.
    let lines =
        wrapped_lines(&f.message.fr, MESSAGE_WIDTH).max(wrapped_lines(rule.fix.0, FIX_WIDTH));
    if lines > 1 {
        write!(
            out,
            "<row r=\"{}\" ht=\"{}\" customHeight=\"1\">",
            row + 1,
            15 * lines
        )?;
    } else {
        write!(out, "<row r=\"{}\">", row + 1)?;
    }
    let severity = match f.severity {
        Severity::Error => Own::Error,
        Severity::Warning => Own::Warning,
        Severity::Info => Own::Info,
    };
    text(out, row, 0, f.severity.label_fr(), clones.own(severity))?;
    text(out, row, 1, f.code.as_str(), clones.own(Own::Text))?;
    text(out, row, 2, rule.name, clones.own(Own::Text))?;
    let sheet = f.sheet_name().unwrap_or_default();
    text(out, row, 3, sheet, clones.own(Own::Text))?;
    if let Some(cell) = f.cell_a1() {
        let style = if names.contains_key(sheet) {
            Own::Link
        } else {
            Own::Text
        };
        text(out, row, 4, &cell, clones.own(style))?;
    }
    text(out, row, 5, &f.message.fr, clones.own(Own::Wrap))?;
    text(out, row, 6, rule.fix.0, clones.own(Own::Wrap))?;
    out.write_all(b"</row>")?;
    Ok(())
}

/// The links from each finding's cell column to its cell in the file.
fn hyperlinks<W: Write>(
    out: &mut W,
    report: &FileReport,
    names: &BTreeMap<String, String>,
    header_row: u32,
) -> Result<(), PatchError> {
    let mut links = report
        .findings
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let actual = names.get(f.sheet_name()?)?;
            let cell = f.cell_a1()?;
            Some((header_row + i as u32, actual, cell))
        })
        .peekable();
    if links.peek().is_some() {
        out.write_all(b"<hyperlinks>")?;
        for (row, sheet, cell) in links {
            let location = format!("'{}'!{cell}", sheet.replace('\'', "''"));
            write!(
                out,
                "<hyperlink ref=\"{}\" location=\"{}\" display=\"{cell}\"/>",
                a1(row, 4),
                escape(&location)
            )?;
        }
        out.write_all(b"</hyperlinks>")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::wrapped_lines;

    #[test]
    fn a_text_wraps_at_whole_words() {
        assert_eq!(wrapped_lines("", 10), 1);
        assert_eq!(wrapped_lines("un deux trois", 13), 1);
        assert_eq!(wrapped_lines("un deux trois", 12), 2);
        assert_eq!(wrapped_lines("« claire.martin.ml-dreux.example » n'est pas une adresse électronique valide : vérifiez-la (par exemple prenom.nom@structure.fr)", 80), 2);
    }
}
