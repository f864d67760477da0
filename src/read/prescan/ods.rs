//! The prescan of an `.ods`: the XML stream of `content.xml` walked as calamine will read it,
//! the rows and columns (repeats included) of the cells that hold something and the texts'
//! lengths kept, nothing else.

use std::io::Cursor;

use quick_xml::events::Event;

use super::{within, BBox, Cost, ODS};
use crate::read::ReadError;

/// Scans `content.xml` of an `.ods`: the rows and columns, repeats included, of cells that
/// hold something.
#[expect(
    clippy::too_many_lines,
    reason = "one event loop over the XML stream, whose state (row, column, repeats, depth in a cell) is shared by every arm of its `match`"
)]
pub(crate) fn ods(bytes: &[u8]) -> Result<Cost, ReadError> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(Cost::new(&ODS));
    };
    let Ok(content) = archive.by_name("content.xml") else {
        return Ok(Cost::new(&ODS));
    };
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let mut buf = Vec::new();
    let mut row: u64 = 0;
    let mut col: u64 = 0;
    let mut row_repeat: u64 = 1;
    let mut table_name = String::new();
    let mut bbox = BBox::default();
    // The tables already scanned, and the texts of this one.
    let mut before = Cost::new(&ODS);
    let mut depth_in_cell = 0u32;
    let mut cell_repeat: u64 = 1;
    let mut cell_has_content = false;
    // The open cell's text, when it holds one: its bytes so far, and whether its content is
    // read.
    let mut cell_text: Option<(u64, bool)> = None;
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(ods_damaged)?;
        match event {
            Event::Start(e) | Event::Empty(e)
                if depth_in_cell == 0 && e.local_name().as_ref() == "table" =>
            {
                before.cells = before.cells.saturating_add(bbox.area());
                bbox = BBox::default();
                row = 0;
                table_name = table_name_of(&e);
            }
            Event::Start(e) if depth_in_cell == 0 && e.local_name().as_ref() == "table-row" => {
                col = 0;
                row_repeat = attr(&e, "table:number-rows-repeated").unwrap_or(1).max(1);
            }
            Event::Empty(e) if depth_in_cell == 0 && e.local_name().as_ref() == "table-row" => {
                row =
                    row.saturating_add(attr(&e, "table:number-rows-repeated").unwrap_or(1).max(1));
            }
            Event::End(e) if depth_in_cell == 0 && e.local_name().as_ref() == "table-row" => {
                row = row.saturating_add(row_repeat);
            }
            Event::Empty(e)
                if depth_in_cell == 0
                    && matches!(e.local_name().as_ref(), "table-cell" | "covered-table-cell") =>
            {
                let repeat = attr(&e, "table:number-columns-repeated")
                    .unwrap_or(1)
                    .max(1);
                // A cell with a value attribute but no text child still holds a value.
                if e.attributes()
                    .flatten()
                    .any(|a| a.key.local_name().as_ref() == "value-type")
                {
                    bbox.add(row, col, col.saturating_add(repeat - 1));
                    bbox.add(row.saturating_add(row_repeat - 1), col, col);
                }
                if let Some((len, _)) = text_in(&e) {
                    before.add_text(repeat.saturating_mul(row_repeat), len);
                }
                col = col.saturating_add(repeat);
            }
            Event::Start(e)
                if depth_in_cell == 0
                    && matches!(e.local_name().as_ref(), "table-cell" | "covered-table-cell") =>
            {
                depth_in_cell = 1;
                cell_repeat = attr(&e, "table:number-columns-repeated")
                    .unwrap_or(1)
                    .max(1);
                cell_has_content = e
                    .attributes()
                    .flatten()
                    .any(|a| a.key.local_name().as_ref() == "value-type");
                cell_text = text_in(&e);
            }
            Event::Start(_) if depth_in_cell > 0 => {
                depth_in_cell += 1;
                cell_has_content = true;
                // An element in a cell (a paragraph, a span): a byte more, for the line
                // between paragraphs.
                cell_text = cell_text.map(|(n, read)| (n + u64::from(read), read));
            }
            Event::Text(t) if depth_in_cell > 0 => {
                cell_has_content = true;
                cell_text =
                    cell_text.map(|(n, read)| (n + if read { t.len() as u64 } else { 0 }, read));
            }
            Event::End(_) if depth_in_cell > 1 => depth_in_cell -= 1,
            Event::End(_) if depth_in_cell == 1 => {
                depth_in_cell = 0;
                if cell_has_content {
                    bbox.add(row, col, col.saturating_add(cell_repeat - 1));
                    bbox.add(row.saturating_add(row_repeat - 1), col, col);
                }
                if let Some((len, _)) = cell_text.take() {
                    before.add_text(cell_repeat.saturating_mul(row_repeat), len);
                }
                col = col.saturating_add(cell_repeat);
            }
            Event::Eof => {
                before.cells = before.cells.saturating_add(bbox.area());
                before.within()?;
                return Ok(before);
            }
            _ => {}
        }
        within(&bbox, &before, || {
            msg!("la feuille « {table_name} »", "the sheet “{table_name}”")
        })?;
    }
}

/// A number attribute of an `.ods` element (a count of repeats).
fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<u64> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.value.parse().ok())
}

/// The `table:name` of an `.ods` table.
fn table_name_of(e: &quick_xml::events::BytesStart<'_>) -> String {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == "name")
        .map(|a| a.value.to_string())
        .unwrap_or_default()
}

fn ods_damaged(e: quick_xml::Error) -> ReadError {
    ReadError::Unreadable(msg!(
        "le classeur .ods est endommagé (content.xml illisible : {e}) ; ouvrez-le dans votre tableur et enregistrez-le à nouveau",
        "the .ods workbook is damaged (content.xml unreadable: {e}); open it in your spreadsheet application and save it again"
    ))
}

/// The text calamine keeps for an `.ods` cell starting with `e`, when it keeps one: the value
/// of its `office:string-value`, `office:date-value` or `office:time-value` (`false`: its
/// content is not read), or its paragraphs when it is of type `string` (`true`: their bytes
/// are added as they come).
fn text_in(e: &quick_xml::events::BytesStart<'_>) -> Option<(u64, bool)> {
    let mut text = None;
    let mut string = false;
    for a in e.attributes().flatten() {
        match a.key.as_ref() {
            "office:string-value" | "office:date-value" | "office:time-value" => {
                text = Some((a.value.len() as u64, false))
            }
            "office:value-type" => string = a.value.as_ref() == "string",
            _ => {}
        }
    }
    text.or(string.then_some((0, true)))
}
