//! Bounds what calamine will allocate, before it parses. calamine reads `.xls` and `.ods`
//! workbooks whole, into dense rectangles: an `.xls` whose DIMENSIONS record or one far cell
//! spans 65,536 × 65,536 cells, or an `.ods` whose repeated rows and columns reach
//! XFD1048576, would make it allocate gigabytes (an allocation failure aborts the process,
//! no `catch_unwind` can save it). These scans walk the raw records instead — BIFF records
//! for `.xls`, the XML stream of `content.xml` for `.ods` — keeping only the bounding box of
//! cells that hold something, and refuse (F003) a sheet whose rectangle is too large.

use crate::i18n::Msg;
use crate::read::ReadError;

mod ods;
mod ooxml;
mod xls;

pub(crate) use ods::ods;
pub(crate) use xls::xls;

/// The most cells of dense rectangles we let calamine build for one workbook, its sheets
/// together: calamine keeps every sheet of an `.xls` or `.ods` it opens, and what it builds
/// costs 90 to 105 bytes a cell at its peak (`benches/memory.sh`: one sheet of 2,985,000
/// cells checks in 265 MiB as `.ods`, 301 MiB as `.xls`). 2.4 million cells keep a check under
/// 256 MiB (benches/README.md); a sheet of 99,000 actions is 1.6 million.
pub(crate) const MAX_DENSE_CELLS: u64 = 2_400_000;

/// The most cells an `.xls` sheet may declare (DIMENSIONS). calamine reserves room for them
/// (`Vec::reserve`, never written: address space, not memory) before reading a cell; only a
/// reservation the system cannot grant would stop the process. 256 MiB of address space:
/// about 6.7 million cells, the DIMENSIONS of 32,771 rows × 131 columns (4.3 million)
/// included.
pub(crate) const MAX_DECLARED_CELLS: u64 =
    256 * 1024 * 1024 / std::mem::size_of::<calamine::Cell<calamine::Data>>() as u64;

/// What calamine will hold to read a workbook whole, as the prescan counts it before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cost {
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
/// [`Cost::bytes`]: with the program (16 MiB), at most 256 MiB (benches/README.md).
pub(crate) const MAX_BYTES: u64 = 240 * 1024 * 1024;

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
    pub(crate) fn bytes(&self) -> u64 {
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
pub(crate) fn of(bytes: &[u8], format: crate::read::Format) -> Result<Cost, ReadError> {
    use crate::read::Format;
    match format {
        Format::Xls => xls(bytes),
        Format::Ods => ods(bytes),
        Format::Xlsx => ooxml::xlsx(bytes),
        Format::Xlsb => ooxml::xlsb(bytes),
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

#[cfg(test)]
mod tests {
    use super::xls::{declared, string_lengths};
    use super::*;
    use std::io::Cursor;

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
