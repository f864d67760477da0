//! The prescan of an `.xls`: its BIFF records walked as calamine will read them (the
//! `Workbook` or `Book` stream of the compound file), the bounding box of the cells that hold
//! something and the shared strings' lengths kept, nothing else.

use std::io::{Cursor, Read};

use super::{too_large, within, BBox, Cost, MAX_DECLARED_CELLS, XLS};
use crate::i18n::Msg;
use crate::read::ReadError;

fn u16_at(d: &[u8], i: usize) -> Option<u64> {
    d.get(i..i + 2)
        .map(|b| u64::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(d: &[u8], i: usize) -> Option<u64> {
    d.get(i..i + 4)
        .map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
}

/// Scans the BIFF records of an `.xls` (its `Workbook` or `Book` stream).
#[expect(
    clippy::too_many_lines,
    reason = "one walk that mirrors calamine's own (globals, then each sheet from its BoundSheet offset up to its EOF, nested substreams skipped), whose state (depth, bounding box) reads best in one place, next to calamine's"
)]
pub(crate) fn xls(bytes: &[u8]) -> Result<Cost, ReadError> {
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
            0x002F => return Err(crate::read::admit::password()),
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
pub(super) fn string_lengths(segments: &[&[u8]]) -> Vec<u64> {
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
pub(super) fn declared(data: &[u8]) -> Option<(u64, u64)> {
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
