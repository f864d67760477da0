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

mod ooxml;

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

/// What calamine will hold to read a workbook whole, as the prescan counts it before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    /// The cells of the sheets' rectangles, together (empty ones included: calamine builds
    /// dense rectangles).
    pub cells: u64,
    /// The cells holding a text (a date in an `.ods` is one too), each occurrence counted: a
    /// repeated cell, a shared string in two cells.
    pub texts: u64,
    /// The bytes of those texts, counted the same way (in an `.xls`, at most: two a
    /// character).
    pub text_bytes: u64,
    /// What the parts an Office Open XML package keeps whole cost, in bytes, priced by
    /// [`ooxml`] entry by entry (styles, the sheets' list, the shared strings' slots).
    pub package: u64,
    /// What a cell, a text and a byte of text cost in this format.
    rates: &'static Rates,
}

/// What a check holds at its peak, beyond the program itself, for each cell of a rectangle
/// (calamine's cells as it reads them, then as a rectangle, then the copy of a sheet it gives
/// us), each text (with an `.xls`'s shared strings) and each tenth of a byte of text: fitted
/// with `benches/memory.sh` on six workbooks, `.ods` and `.xls`, of numbers, of actions and of
/// long texts all different, each predicted at or above what it measured (`benches/README.md`).
#[derive(Debug, PartialEq, Eq)]
struct Rates {
    cell: u64,
    text: u64,
    byte_tenths: u64,
}

const ODS: Rates = Rates {
    cell: 100,
    text: 16,
    byte_tenths: 40,
};

const XLS: Rates = Rates {
    cell: 104,
    text: 8,
    byte_tenths: 23,
};

/// The most a check of an `.xls` or `.ods`, or its annotated copy, may take at its peak by
/// [`Cost::bytes`]: with the program (16 MiB), at most 256 MiB (tool.md).
pub const MAX_BYTES: u64 = 240 * 1024 * 1024;

impl Cost {
    fn new(rates: &'static Rates) -> Cost {
        Cost {
            cells: 0,
            texts: 0,
            text_bytes: 0,
            package: 0,
            rates,
        }
    }

    /// What checking the workbook takes at its peak, in bytes, the program aside.
    pub fn bytes(&self) -> u64 {
        self.cells
            .saturating_mul(self.rates.cell)
            .saturating_add(self.texts.saturating_mul(self.rates.text))
            .saturating_add(self.text_bytes.saturating_mul(self.rates.byte_tenths) / 10)
            .saturating_add(self.package)
    }

    /// `n` cells of text of `len` bytes each.
    fn add_text(&mut self, n: u64, len: u64) {
        self.texts = self.texts.saturating_add(n);
        self.text_bytes = self.text_bytes.saturating_add(n.saturating_mul(len));
    }

    /// F003 when the workbook would take more than [`MAX_BYTES`] to read.
    fn within(&self) -> Result<(), ReadError> {
        if self.bytes() <= MAX_BYTES {
            return Ok(());
        }
        let cells = self.cells;
        let max = MAX_BYTES / (1024 * 1024);
        Err(ReadError::Limit(msg!(
            "le classeur est trop volumineux pour être lu au format .xls ou .ods : ses cellules et leurs textes demanderaient plus de {max} Mio de mémoire ({cells} cellules au moins) ; enregistrez-le au format .xlsx, lu sans cette limite, ou supprimez les feuilles et cellules superflues",
            "the workbook is too large to be read as .xls or .ods: its cells and their texts would take more than {max} MiB of memory ({cells} cells at least); save it as .xlsx, read without this limit, or delete the superfluous sheets and cells"
        )))
    }
}

/// The prescan of a workbook in `format`: what calamine will hold to read it (for `.xls` and
/// `.ods`, read whole, its cells and texts; for `.xlsx`/`.xlsm` and `.xlsb`, which stream
/// their cells, the parts read whole when opened: [`ooxml`]), or why it is refused (F001,
/// F003).
pub fn of(bytes: &[u8], format: crate::workbook::Format) -> Result<Cost, ReadError> {
    use crate::workbook::Format;
    match format {
        Format::Xls => xls(bytes),
        Format::Ods => ods(bytes),
        Format::Xlsx => ooxml::xlsx(bytes),
        Format::Xlsb => ooxml::xlsb(bytes),
    }
}

/// The DIMENSIONS of an `.xls` sheet (`what`) against [`MAX_DECLARED_CELLS`].
fn within_declared(data: &[u8], what: &Msg) -> Result<(), ReadError> {
    match declared(data) {
        Some((rows, cols)) if rows.saturating_mul(cols) > MAX_DECLARED_CELLS => Err(too_large(
            &Msg::new(
                format!("{} (dimension déclarée)", what.fr),
                format!("{} (declared dimension)", what.en),
            ),
            rows,
            cols,
        )),
        _ => Ok(()),
    }
}

/// The rectangle of one sheet against [`MAX_DENSE_CELLS`], then the sheets together against
/// [`MAX_BYTES`].
fn within(bbox: &BBox, before: &Cost, what: impl FnOnce() -> Msg) -> Result<(), ReadError> {
    if bbox.area() > MAX_DENSE_CELLS {
        return Err(too_large(&what(), bbox.rows(), bbox.cols()));
    }
    Cost {
        cells: before.cells.saturating_add(bbox.area()),
        ..*before
    }
    .within()
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
pub fn xls(bytes: &[u8]) -> Result<Cost, ReadError> {
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
    // The shared strings (SST and its CONTINUE records): the length of each, in bytes.
    let mut sst: Vec<&[u8]> = Vec::new();
    let mut in_sst = false;
    for (typ, data) in all_records(&stream, 0) {
        in_sst = in_sst && typ == 0x003C;
        match typ {
            // FILEPASS: the records after it are encrypted (RC4, or XOR obfuscation, the
            // default « VelvetSweatshop » write protection included); none can be trusted.
            0x002F => return Err(crate::workbook::password()),
            0x0085 => positions.extend(u32_at(data, 0)),
            0x00FC => {
                sst = vec![data.get(8..).unwrap_or_default()];
                in_sst = true;
            }
            0x003C if in_sst => sst.push(data),
            0x000A => break,
            _ => {}
        }
    }
    let shared = string_lengths(&sst);
    let longest = shared.iter().copied().max().unwrap_or(0);
    // The sheets already scanned, after the shared strings, which calamine keeps while it
    // reads them.
    let mut before = Cost::new(&XLS);
    for len in &shared {
        before.add_text(1, *len);
    }
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
                0x0200 => within_declared(data, &what)?,
                // Cells: NUMBER, LABEL, RSTRING, BOOLERR, STRING, RK, LABELSST, FORMULA.
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    if let (Some(r), Some(c)) = (u16_at(data, 0), u16_at(data, 2)) {
                        bbox.add(r, c, c);
                    }
                    match typ {
                        // A shared string: its own length (an index past the table, the
                        // longest, as a damaged file would be read).
                        0x00FD => {
                            let i = u32_at(data, 6).unwrap_or(0) as usize;
                            before.add_text(1, shared.get(i).copied().unwrap_or(longest));
                        }
                        // A string in the cell: at most its record, in UTF-8.
                        0x0204 | 0x00D6 => before.add_text(1, 2 * data.len() as u64),
                        _ => {}
                    }
                }
                // The text of a formula's result.
                0x0207 => before.add_text(1, 2 * data.len() as u64),
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
            within(&bbox, &before, || what.clone())?;
        }
        before.cells = before.cells.saturating_add(bbox.area());
    }
    before.within()?;
    Ok(before)
}

/// The length in UTF-8 bytes (at most: 2 a character written on one byte, 3 on two) of each
/// string of a shared strings table, from its segments: the SST record after its counts,
/// then its CONTINUE records, where a string's characters go on after a new flags byte.
/// A table cut short gives the strings read so far.
fn string_lengths(segments: &[&[u8]]) -> Vec<u64> {
    struct Cursor<'a> {
        segments: &'a [&'a [u8]],
        seg: usize,
        pos: usize,
    }
    impl Cursor<'_> {
        fn left(&self) -> usize {
            self.segments
                .get(self.seg)
                .map_or(0, |s| s.len().saturating_sub(self.pos))
        }
        /// Goes to the next segment when this one is over.
        fn settle(&mut self) -> Option<()> {
            while self.left() == 0 {
                self.seg += 1;
                self.pos = 0;
                self.segments.get(self.seg)?;
            }
            Some(())
        }
        fn byte(&mut self) -> Option<u8> {
            self.settle()?;
            let b = self.segments[self.seg][self.pos];
            self.pos += 1;
            Some(b)
        }
        fn u16(&mut self) -> Option<u64> {
            Some(u64::from(self.byte()?) | u64::from(self.byte()?) << 8)
        }
        fn u32(&mut self) -> Option<u64> {
            Some(self.u16()? | self.u16()? << 16)
        }
        fn skip(&mut self, mut n: u64) -> Option<()> {
            while n > 0 {
                self.settle()?;
                let step = n.min(self.left() as u64);
                self.pos += step as usize;
                n -= step;
            }
            Some(())
        }
    }
    let mut cursor = Cursor {
        segments,
        seg: 0,
        pos: 0,
    };
    let mut lengths = Vec::new();
    let mut one = || -> Option<u64> {
        let chars = cursor.u16()?;
        let flags = cursor.byte()?;
        let runs = if flags & 0x08 != 0 { cursor.u16()? } else { 0 };
        let extra = if flags & 0x04 != 0 { cursor.u32()? } else { 0 };
        let (mut left, mut wide, mut bytes) = (chars, flags & 1 != 0, 0u64);
        while left > 0 {
            if cursor.left() == 0 {
                // The characters go on in the next CONTINUE, after their own flags byte.
                cursor.settle()?;
                wide = cursor.byte()? & 1 != 0;
                continue;
            }
            let size = if wide { 2 } else { 1 };
            let n = left.min((cursor.left() / size) as u64).max(1);
            cursor.skip(n * size as u64)?;
            bytes += n * if wide { 3 } else { 2 };
            left -= n;
        }
        cursor.skip(4 * runs + extra)?;
        Some(bytes)
    };
    while let Some(n) = one() {
        lengths.push(n);
    }
    lengths
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
    all_records(stream, start).filter(|(typ, _)| *typ != 0x003C)
}

/// BIFF records (type, data) from `start`, CONTINUE records included.
fn all_records(stream: &[u8], start: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut pos = start;
    std::iter::from_fn(move || {
        let header = stream.get(pos..pos.checked_add(4)?)?;
        let typ = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let data = stream.get(pos + 4..pos + 4 + len)?;
        pos += 4 + len;
        Some((typ, data))
    })
}

/// Scans `content.xml` of an `.ods`: the rows and columns, repeats included, of cells that
/// hold something.
///
/// Longer than our usual functions on purpose: one event loop over the XML stream, whose
/// state (row, column, repeats, depth in a cell) is shared by every arm of its `match`.
pub fn ods(bytes: &[u8]) -> Result<Cost, ReadError> {
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

    /// An `.ods` whose `tables` each hold `rows` rows × 1,000 columns of one `cell`, written
    /// as LibreOffice does, with repeats (a few bytes for millions of cells).
    fn ods_of(tables: usize, rows: u32, cell: &str) -> Vec<u8> {
        use std::io::Write;
        let table = format!(
            r#"<table:table table:name="T"><table:table-row table:number-rows-repeated="{rows}"><table:table-cell table:number-columns-repeated="1000" {cell}</table:table-cell></table:table-row></table:table>"#
        );
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

    const NUMBER: &str = r#"office:value-type="float" office:value="1"><text:p>1</text:p>"#;

    #[test]
    fn the_sheets_of_a_workbook_are_bounded_together() {
        let one = ods(&ods_of(1, 1500, NUMBER)).expect("1.5 million numbers");
        assert_eq!((one.cells, one.texts), (1_500_000, 0));
        match ods(&ods_of(2, 1500, NUMBER)) {
            Err(ReadError::Limit(m)) => {
                assert!(m.fr.contains("plus de 240 Mio de mémoire"), "{m}")
            }
            other => panic!("{other:?}"),
        }
    }

    /// Texts cost more than numbers: the same cells, each a text of 60 characters, are refused
    /// (calamine would keep 1.5 million strings), and the texts are counted, repeats included.
    #[test]
    fn texts_count_with_their_length() {
        let text = format!(
            r#"office:value-type="string"><text:p>{}</text:p>"#,
            "x".repeat(60)
        );
        assert!(matches!(
            ods(&ods_of(1, 1500, &text)),
            Err(ReadError::Limit(_))
        ));
        let small = r#"office:value-type="string"><text:p>Oui</text:p><text:p>Non</text:p>"#;
        let cost = ods(&ods_of(1, 500, small)).expect("short texts");
        assert_eq!(cost.texts, 500_000);
        // Both paragraphs, a byte each for their lines.
        assert_eq!(cost.text_bytes, 500_000 * 8);
        let date = r#"office:value-type="date" office:date-value="2025-03-04">"#;
        let cost = ods(&ods_of(
            1,
            500,
            &format!("{date}<text:p>04/03/2025</text:p>"),
        ))
        .expect("dates");
        assert_eq!(cost.text_bytes, 500_000 * 10);
    }

    /// The strings of an `.xls` table, one of them cut by a CONTINUE record, which goes on
    /// after its own flags byte (here in two bytes a character).
    #[test]
    fn shared_strings_lengths_across_continue_records() {
        let mut sst = Vec::new();
        // "abc", one byte a character.
        sst.extend([3, 0, 0]);
        sst.extend(b"abc");
        // 6 characters: 2 here, 4 after the cut.
        sst.extend([6, 0, 0]);
        sst.extend(b"de");
        let mut cont = vec![1u8];
        cont.extend("fghi".encode_utf16().flat_map(|u| u.to_le_bytes()));
        // A rich string with one run (4 bytes after its characters).
        cont.extend([1, 0, 0x08, 1, 0, b'z', 0, 0, 0, 0]);
        assert_eq!(string_lengths(&[&sst, &cont]), [6, 2 * 2 + 4 * 3, 2]);
        // Cut short: the strings read so far.
        assert_eq!(string_lengths(&[&sst]), [6]);
    }
}
