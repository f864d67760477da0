//! Bounds what calamine will allocate, before it parses. calamine reads `.xls` and `.ods`
//! workbooks whole, into dense rectangles: an `.xls` whose DIMENSIONS record or one far cell
//! spans 65,536 × 65,536 cells, or an `.ods` whose repeated rows and columns reach
//! XFD1048576, would make it allocate gigabytes (an allocation failure aborts the process,
//! no `catch_unwind` can save it). These scans walk the raw records instead — BIFF records
//! for `.xls`, the XML stream of `content.xml` for `.ods` — keeping only the bounding box of
//! cells that hold something, and refuse (F003) a sheet whose rectangle is too large.

use std::io::{Cursor, Read};

use quick_xml::events::Event;

use crate::i18n::Msg;
use crate::workbook::ReadError;

/// The most cells of dense rectangles we let calamine build for one workbook, its sheets
/// together: calamine keeps every sheet of an `.xls` or `.ods` it opens, and what it builds
/// costs 90 to 105 bytes a cell at its peak (`benches/memory.sh`: one sheet of 2,985,000
/// cells checks in 265 MiB as `.ods`, 301 MiB as `.xls`). 2.4 million cells keep a check under
/// 256 MiB (tool.md); a sheet of 99,000 actions is 1.6 million.
pub const MAX_DENSE_CELLS: u64 = 2_400_000;

/// The most cells an `.xls` sheet may declare (DIMENSIONS). calamine reserves room for them
/// (`Vec::reserve`, never written: address space, not memory) before reading a cell; only a
/// reservation the system cannot grant would stop the process. 256 MiB of address space:
/// about 6.7 million cells, the DIMENSIONS of 32,771 rows × 131 columns (4.3 million)
/// included.
pub const MAX_DECLARED_CELLS: u64 =
    256 * 1024 * 1024 / std::mem::size_of::<calamine::Cell<calamine::Data>>() as u64;

/// F003: sheets each small enough whose rectangles together are too large.
fn too_large_together(cells: u64) -> ReadError {
    let max = MAX_DENSE_CELLS;
    ReadError::Limit(msg!(
        "les feuilles du classeur s'étendent ensemble sur {cells} cellules, au-delà des {max} que l'outil lit dans un fichier .xls ou .ods : supprimez les feuilles ou cellules superflues, ou enregistrez le classeur au format .xlsx, lu sans cette limite",
        "the sheets of the workbook span {cells} cells together, over the {max} the tool reads in an .xls or .ods file: delete the superfluous sheets or cells, or save the workbook as .xlsx, read without this limit"
    ))
}

/// The rectangle of one sheet, then the sheets together, against [`MAX_DENSE_CELLS`].
fn within(bbox: &BBox, before: u64, what: impl FnOnce() -> Msg) -> Result<(), ReadError> {
    if bbox.area() > MAX_DENSE_CELLS {
        return Err(too_large(&what(), bbox.rows(), bbox.cols()));
    }
    let together = before.saturating_add(bbox.area());
    if together > MAX_DENSE_CELLS {
        return Err(too_large_together(together));
    }
    Ok(())
}

fn too_large(what: &Msg, rows: u64, cols: u64) -> ReadError {
    let (what, what_en) = (&what.fr, &what.en);
    ReadError::Limit(msg!(
        "{what} s'étend sur {rows} lignes × {cols} colonnes (une valeur isolée très loin du tableau ?) : supprimez les cellules éloignées puis enregistrez à nouveau",
        "{what_en} spans {rows} rows × {cols} columns (a lone value far away from the table?): delete the far-away cells then save again"
    ))
}

/// A bounding box of cells.
#[derive(Debug, Default, Clone, Copy)]
struct BBox {
    min_row: u64,
    max_row: u64,
    min_col: u64,
    max_col: u64,
    any: bool,
}

impl BBox {
    fn add(&mut self, row: u64, col_first: u64, col_last: u64) {
        if !self.any {
            *self = BBox {
                min_row: row,
                max_row: row,
                min_col: col_first,
                max_col: col_last,
                any: true,
            };
            return;
        }
        self.min_row = self.min_row.min(row);
        self.max_row = self.max_row.max(row);
        self.min_col = self.min_col.min(col_first);
        self.max_col = self.max_col.max(col_last);
    }

    fn rows(&self) -> u64 {
        if self.any {
            self.max_row - self.min_row + 1
        } else {
            0
        }
    }

    fn cols(&self) -> u64 {
        if self.any {
            self.max_col - self.min_col + 1
        } else {
            0
        }
    }

    fn area(&self) -> u64 {
        self.rows().saturating_mul(self.cols())
    }
}

fn u16_at(d: &[u8], i: usize) -> Option<u64> {
    d.get(i..i + 2)
        .map(|b| u64::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(d: &[u8], i: usize) -> Option<u64> {
    d.get(i..i + 4)
        .map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
}

/// Scans the BIFF records of an `.xls` (its `Workbook` or `Book` stream).
///
/// Longer than our usual functions on purpose: it is one walk that mirrors calamine's own
/// (globals, then each sheet from its BoundSheet offset up to its EOF, nested substreams
/// skipped), and its state (depth, bounding box) reads best in one place, next to calamine's.
pub fn xls(bytes: &[u8]) -> Result<(), ReadError> {
    // The container must be a well-formed compound file: calamine's own reader is more
    // lenient, and what it would find in a malformed one cannot be bounded beforehand.
    let damaged = |detail: String| {
        ReadError::Unreadable(Msg::new(format!(
            "le classeur .xls est endommagé ({detail}) ; ouvrez-le dans votre tableur et enregistrez-le au format .xlsx"
        ), format!("the .xls workbook is damaged ({detail}); open it in your spreadsheet application and save it as .xlsx"
        )))
    };
    let mut comp =
        cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| damaged(e.to_string()))?;
    let name = if comp.exists("/Workbook") {
        "/Workbook"
    } else {
        "/Book"
    };
    let mut stream = Vec::new();
    comp.open_stream(name)
        .and_then(|mut s| s.read_to_end(&mut stream))
        .map_err(|e| damaged(format!("{name} : {e}")))?;
    // Like calamine: the globals substream up to its EOF gives each sheet's stream position
    // (BoundSheet8), then each sheet is read from that position up to its own EOF.
    let mut positions = Vec::new();
    for (typ, data) in records(&stream, 0) {
        match typ {
            // FILEPASS: the records after it are encrypted (RC4, or XOR obfuscation, the
            // default « VelvetSweatshop » write protection included); none can be trusted.
            0x002F => return Err(crate::workbook::password()),
            0x0085 => positions.extend(u32_at(data, 0)),
            0x000A => break,
            _ => {}
        }
    }
    // The cells of the sheets already scanned.
    let mut before: u64 = 0;
    for (sheet, pos) in positions.into_iter().enumerate() {
        let number = sheet + 1;
        let what = msg!("la feuille n° {number}", "sheet no. {number}");
        let mut bbox = BBox::default();
        let mut seen_bof = false;
        let mut depth = 0usize;
        for (typ, data) in records(&stream, pos as usize) {
            if depth > 0 {
                match typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            match typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x000A => break,
                // DIMENSIONS (BIFF8): calamine reserves rows × columns cells from it (see
                // MAX_DECLARED_CELLS; what it fills is the bounding box below).
                0x0200 => {
                    if let Some((rows, cols)) = declared(data) {
                        if rows.saturating_mul(cols) > MAX_DECLARED_CELLS {
                            return Err(too_large(
                                &Msg::new(
                                    format!("{} (dimension déclarée)", what.fr),
                                    format!("{} (declared dimension)", what.en),
                                ),
                                rows,
                                cols,
                            ));
                        }
                    }
                }
                // Cells: NUMBER, LABEL, RSTRING, BOOLERR, STRING, RK, LABELSST, FORMULA.
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    if let (Some(r), Some(c)) = (u16_at(data, 0), u16_at(data, 2)) {
                        bbox.add(r, c, c);
                    }
                }
                // MULRK: row, first column, …, last column.
                0x00BD => {
                    if let (Some(r), Some(c0), Some(c1)) = (
                        u16_at(data, 0),
                        u16_at(data, 2),
                        data.len().checked_sub(2).and_then(|i| u16_at(data, i)),
                    ) {
                        bbox.add(r, c0, c1.max(c0));
                    }
                }
                _ => {}
            }
            within(&bbox, before, || what.clone())?;
        }
        before = before.saturating_add(bbox.area());
    }
    Ok(())
}

/// The rows and columns calamine reserves room for from a DIMENSIONS record: its own reading
/// of the record (`parse_dimensions` of calamine 0.38), both the 10-byte (BIFF5) and the
/// 14/16-byte (BIFF8) forms; `None` when calamine would refuse the record.
fn declared(data: &[u8]) -> Option<(u64, u64)> {
    let (first_row, rows_end, mut first_col, cols_end) = match data.len() {
        10 => (
            u16_at(data, 0)?,
            u16_at(data, 2)?,
            u16_at(data, 4)?,
            u16_at(data, 6)?,
        ),
        14 | 16 => (
            u32_at(data, 0)?,
            u32_at(data, 4)?,
            u16_at(data, 8)?,
            u16_at(data, 10)?,
        ),
        _ => return None,
    };
    if first_col > 0xFF || cols_end < first_col {
        first_col = 0;
    }
    if rows_end >= 1 && cols_end >= 1 {
        // calamine: end = (rows_end - 1, cols_end - 1), then end - start + 1 (wrapping in
        // u32 when the start is past the end: the worst case is kept).
        let rows = (rows_end - 1).wrapping_sub(first_row).wrapping_add(1) & 0xFFFF_FFFF;
        let cols = (cols_end - 1).wrapping_sub(first_col).wrapping_add(1) & 0xFFFF_FFFF;
        Some((rows, cols))
    } else {
        Some((1, 1))
    }
}

/// BIFF records (type, data) from `start`, as calamine walks them (CONTINUE records are part
/// of the record before them; a truncated record ends the walk).
fn records(stream: &[u8], start: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut pos = start;
    std::iter::from_fn(move || loop {
        let header = stream.get(pos..pos.checked_add(4)?)?;
        let typ = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let data = stream.get(pos + 4..pos + 4 + len)?;
        pos += 4 + len;
        if typ != 0x003C {
            return Some((typ, data));
        }
    })
}

/// Scans `content.xml` of an `.ods`: the rows and columns, repeats included, of cells that
/// hold something.
///
/// Longer than our usual functions on purpose: one event loop over the XML stream, whose
/// state (row, column, repeats, depth in a cell) is shared by every arm of its `match`.
pub fn ods(bytes: &[u8]) -> Result<(), ReadError> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let Ok(content) = archive.by_name("content.xml") else {
        return Ok(());
    };
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let mut buf = Vec::new();
    let mut row: u64 = 0;
    let mut col: u64 = 0;
    let mut row_repeat: u64 = 1;
    let mut table_name = String::new();
    let mut bbox = BBox::default();
    // The cells of the tables already scanned.
    let mut before: u64 = 0;
    let mut depth_in_cell = 0u32;
    let mut cell_repeat: u64 = 1;
    let mut cell_has_content = false;
    let attr = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> Option<u64> {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == name)
            .and_then(|a| a.value.parse().ok())
    };
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            ReadError::Unreadable(Msg::new(format!(
                "le classeur .ods est endommagé (content.xml illisible : {e}) ; ouvrez-le dans votre tableur et enregistrez-le à nouveau"
            ), format!("the .ods workbook is damaged (content.xml unreadable: {e}); open it in your spreadsheet application and save it again"
            )))
        })?;
        match event {
            Event::Start(e) | Event::Empty(e)
                if depth_in_cell == 0 && e.local_name().as_ref() == "table" =>
            {
                before = before.saturating_add(bbox.area());
                bbox = BBox::default();
                row = 0;
                table_name = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == "name")
                    .map(|a| a.value.to_string())
                    .unwrap_or_default();
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
            }
            Event::Start(_) if depth_in_cell > 0 => {
                depth_in_cell += 1;
                cell_has_content = true;
            }
            Event::Text(_) if depth_in_cell > 0 => cell_has_content = true,
            Event::End(_) if depth_in_cell > 1 => depth_in_cell -= 1,
            Event::End(_) if depth_in_cell == 1 => {
                depth_in_cell = 0;
                if cell_has_content {
                    bbox.add(row, col, col.saturating_add(cell_repeat - 1));
                    bbox.add(row.saturating_add(row_repeat - 1), col, col);
                }
                col = col.saturating_add(cell_repeat);
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        within(&bbox, before, || {
            msg!("la feuille « {table_name} »", "the sheet “{table_name}”")
        })?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn biff8(r0: u32, r1: u32, c0: u16, c1: u16) -> Vec<u8> {
        let mut d = Vec::new();
        d.extend(r0.to_le_bytes());
        d.extend(r1.to_le_bytes());
        d.extend(c0.to_le_bytes());
        d.extend(c1.to_le_bytes());
        d.extend([0, 0]);
        d
    }

    #[test]
    fn declared_dimensions_as_calamine_reads_them() {
        assert_eq!(declared(&biff8(0, 32771, 0, 131)), Some((32771, 131)));
        // A first column past 0xFF counts from 0, as in calamine.
        assert_eq!(declared(&biff8(0, 10, 60000, 65535)), Some((10, 65535)));
        let mut biff5 = Vec::new();
        for v in [0u16, 65535, 0, 65535] {
            biff5.extend(v.to_le_bytes());
        }
        biff5.extend([0, 0]);
        assert_eq!(declared(&biff5), Some((65535, 65535)));
        assert_eq!(declared(&[0; 12]), None);
        const { assert!(32771 * 131 <= MAX_DECLARED_CELLS) };
        const { assert!(65535 * 256 > MAX_DECLARED_CELLS) };
    }

    /// An `.ods` whose `tables` each hold 1,500 rows × 1,000 columns of one number, written as
    /// LibreOffice does, with repeats (a few bytes for 1.5 million cells).
    fn ods_of(tables: usize) -> Vec<u8> {
        use std::io::Write;
        let table = r#"<table:table table:name="T"><table:table-row table:number-rows-repeated="1500"><table:table-cell table:number-columns-repeated="1000" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row></table:table>"#;
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>{}</office:spreadsheet></office:body></office:document-content>"#,
            table.repeat(tables)
        );
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("content.xml", options).expect("a part");
        zip.write_all(content.as_bytes()).expect("written");
        zip.finish().expect("an archive").into_inner()
    }

    #[test]
    fn the_sheets_of_a_workbook_are_bounded_together() {
        assert!(ods(&ods_of(1)).is_ok());
        match ods(&ods_of(2)) {
            Err(ReadError::Limit(m)) => {
                assert!(m.fr.contains("ensemble sur 3000000 cellules"), "{m}")
            }
            other => panic!("{other:?}"),
        }
    }
}
