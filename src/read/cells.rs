//! The streaming cell reader: [`Opened`] hands each sheet's rows one at a time, with their
//! cells' absolute positions, as calamine gives them (cached values of formulas, never
//! formulas), to the check and to the annotated copy (a second pass over the bytes checked).
//! No workbook is ever held whole: sheets are never read as a dense rectangle where calamine
//! lets us stream them (`.xlsx`, `.xlsm`, `.xlsb`), so a lone cell at XFD1048576 costs one
//! cell, and rows and columns are counted while cells stream in (contrat §4.1 / §7.14).

use std::io::{Cursor, Read, Seek};
use std::sync::Arc;

use calamine::{DataRef, Reader, SheetType};
use chrono::NaiveDate;

use super::admit::{password, Admitted};
use super::{Format, ReadError};
use crate::bilan::{shortest, CellValue};
use crate::config::Limits;
use crate::i18n::Msg;

/// One cell holding something: a value, or a formula without a cached value.
#[derive(Debug, Clone, PartialEq)]
pub struct RawCell {
    /// 0-based row and column, as in the file (A1 = (0, 0)).
    pub row: u32,
    pub col: u32,
    pub value: CellValue,
}

/// The last column of a worksheet (XFD), 0-based.
const MAX_COLUMN: usize = 16_383;

/// What [`Opened::rows`] calls for each row: its 0-based row and its cells.
pub(crate) type EachRow<'a> = dyn FnMut(u32, &[RawCell]) -> Result<(), ReadError> + 'a;

/// A sheet of an opened workbook: its name, and whether it is a worksheet (a chart sheet or
/// a macro sheet has no cells to read).
#[derive(Debug, Clone)]
pub struct SheetMeta {
    pub name: String,
    pub is_worksheet: bool,
}

/// A workbook opened for reading: its sheets, read one at a time and row by row
/// ([`Opened::rows`]), never kept whole (`.xlsx`, `.xlsm`, `.xlsb` stream their cells;
/// `.xls` and `.ods`, which calamine parses whole when opened, are bounded by the prescan).
pub struct Opened<'b> {
    source: Box<dyn CellSource + 'b>,
    pub sheets: Vec<SheetMeta>,
    pub is_1904: bool,
    limits: Limits,
}

/// Runs `f`, a call into calamine: calamine panics on some corrupt files instead of returning
/// an error (an out-of-range slice in its OLE reader, found by our fuzzer), so at this
/// boundary, and only here, a panic of the parser means "this file is damaged".
fn parsing<T>(f: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    match result {
        Ok(r) => r,
        // A panic of ours, in a row's check, unwinding through calamine: still ours.
        Err(panic) => match panic.downcast::<OursPanicked>() {
            Ok(ours) => std::panic::resume_unwind(ours.0),
            Err(_) => Err(damaged()),
        },
    }
}

/// A panic in our own code while calamine was giving cells, on its way out (see [`flush`]).
struct OursPanicked(Box<dyn std::any::Any + Send>);

fn damaged() -> ReadError {
    ReadError::Unreadable(
        Msg::new("le classeur est endommagé et ne peut pas être lu (structure interne incohérente) ; ouvrez-le dans votre tableur et enregistrez-le à nouveau", "the workbook is damaged and cannot be read (inconsistent internal structure); open it in your spreadsheet application and save it again"),
    )
}

impl<'b> Opened<'b> {
    /// Opens the admitted bytes: the workbook part and the sheet list (and, for `.xls` and
    /// `.ods`, after the prescan, every sheet).
    pub fn open(admitted: &'b Admitted, limits: &Limits) -> Result<Opened<'b>, ReadError> {
        let bytes = admitted.bytes.as_slice();
        parsing(|| {
            crate::read::prescan::of(bytes, admitted.format)?;
            let (source, metas, is_1904): (Box<dyn CellSource + 'b>, _, _) = match admitted.format {
                Format::Xlsx => {
                    let wb = calamine::Xlsx::new(Cursor::new(bytes)).map_err(calamine_error)?;
                    let (is_1904, metas) = (wb.has_1904_epoch(), wb.sheets_metadata().to_vec());
                    (Box::new(XlsxSource { bytes, wb }), metas, is_1904)
                }
                Format::Xlsb => {
                    let wb = calamine::Xlsb::new(Cursor::new(bytes)).map_err(calamine_error)?;
                    let (is_1904, metas) = (wb.has_1904_epoch(), wb.sheets_metadata().to_vec());
                    (Box::new(wb), metas, is_1904)
                }
                Format::Xls => {
                    let wb = calamine::Xls::new(Cursor::new(bytes)).map_err(calamine_error)?;
                    let (is_1904, metas) = (wb.has_1904_epoch(), wb.sheets_metadata().to_vec());
                    (
                        Box::new(Ranges(wb, std::marker::PhantomData)),
                        metas,
                        is_1904,
                    )
                }
                Format::Ods => {
                    let wb = calamine::Ods::new(Cursor::new(bytes)).map_err(calamine_error)?;
                    let metas = wb.sheets_metadata().to_vec();
                    (Box::new(Ranges(wb, std::marker::PhantomData)), metas, false)
                }
            };
            let sheets = metas
                .into_iter()
                .map(|m| SheetMeta {
                    is_worksheet: is_worksheet(&m.typ),
                    name: m.name,
                })
                .collect();
            Ok(Opened {
                source,
                sheets,
                is_1904,
                limits: limits.clone(),
            })
        })
    }

    /// Calls `each` with every row of `sheet` that holds a cell: its 0-based row and its
    /// cells, sorted by column, in the order of the file; one row at a time in a buffer used
    /// again for the next, so that memory does not grow with the sheet. Rows and columns are
    /// counted against the limits as they come. A sheet that is not a worksheet has no row.
    pub fn rows(&mut self, sheet: &SheetMeta, each: &mut EachRow<'_>) -> Result<(), ReadError> {
        if !sheet.is_worksheet {
            return Ok(());
        }
        let mut counter = Counter::new(&sheet.name, &self.limits);
        // Keyed by address in calamine's strings: valid while this sheet is read. Only where
        // cells share their strings: elsewhere it would hold one entry per text cell.
        let mut interned = Interned::default();
        let shared = self.source.shares_strings();
        let mut row: Vec<RawCell> = Vec::new();
        let source = &mut self.source;
        parsing(|| {
            source.for_each_cell(&sheet.name, &mut |r, col, value, formula| {
                let Some(value) = convert(value, formula, shared.then_some(&mut interned)) else {
                    return Ok(());
                };
                counter.count(r, col)?;
                if row.first().is_some_and(|c| c.row != r) {
                    flush(&mut row, each)?;
                }
                row.push(RawCell { row: r, col, value });
                Ok(())
            })?;
            flush(&mut row, each)
        })
    }
}

/// Hands one row's cells to `each` (sorted by column) and empties the buffer. A panic in
/// `each` is ours, not the file's: it leaves [`parsing`] marked as such.
fn flush(row: &mut Vec<RawCell>, each: &mut EachRow<'_>) -> Result<(), ReadError> {
    let Some(first) = row.first() else {
        return Ok(());
    };
    let r = first.row;
    sort_cells(row);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| each(r, row)));
    row.clear();
    match result {
        Ok(r) => r,
        Err(panic) => std::panic::resume_unwind(Box::new(OursPanicked(panic))),
    }
}

fn calamine_error(e: impl std::fmt::Display) -> ReadError {
    let text = e.to_string();
    if text.contains("larger than its declared") {
        return ReadError::Limit(
            Msg::new("l'archive est piégée : une de ses parties se décompresse au-delà de la taille qu'elle déclare ; le fichier n'a pas été ouvert", "the archive is booby-trapped: one of its parts inflates beyond the size it declares; the file was not opened"),
        );
    }
    if text.to_lowercase().contains("password") || text.contains("Encrypt") {
        return password();
    }
    ReadError::Unreadable(Msg::new(format!(
        "le classeur est endommagé et ne peut pas être lu ({text}) ; ouvrez-le dans votre tableur et enregistrez-le à nouveau"
    ), format!("the workbook is damaged and cannot be read ({text}); open it in your spreadsheet application and save it again"
    )))
}

/// Counts what holds values while cells stream in, and stops at the limits.
struct Counter<'a> {
    sheet: &'a str,
    limits: &'a Limits,
    rows: u32,
    last_row: Option<u32>,
    /// Columns seen (a bitmap: one lookup per cell, on the hot path) and how many.
    cols: Vec<bool>,
    distinct_cols: u32,
}

impl<'a> Counter<'a> {
    fn new(sheet: &'a str, limits: &'a Limits) -> Self {
        Counter {
            sheet,
            limits,
            rows: 0,
            last_row: None,
            cols: Vec::new(),
            distinct_cols: 0,
        }
    }

    fn count(&mut self, row: u32, col: u32) -> Result<(), ReadError> {
        if self.last_row != Some(row) {
            self.last_row = Some(row);
            self.rows += 1;
            if self.rows > self.limits.lignes_par_feuille {
                return Err(ReadError::Limit(Msg::new(format!(
                    "la feuille « {} » contient plus de {} lignes remplies (limite « lignes_par_feuille ») : supprimez les lignes superflues",
                    self.sheet, self.limits.lignes_par_feuille
                ), format!("the sheet “{}” has more than {} filled rows (limit “lignes_par_feuille”): delete the superfluous rows",
                    self.sheet, self.limits.lignes_par_feuille
                ))));
            }
        }
        let c = col as usize;
        if c > MAX_COLUMN {
            return Err(ReadError::Unreadable(Msg::new(
                format!("la feuille « {} » a une cellule au-delà de la dernière colonne possible (XFD) : le fichier est endommagé", self.sheet),
                format!("the sheet “{}” has a cell beyond the last possible column (XFD): the file is damaged", self.sheet),
            )));
        }
        if c >= self.cols.len() {
            self.cols.resize(c + 1, false);
        }
        if !self.cols[c] {
            self.cols[c] = true;
            self.distinct_cols += 1;
        }
        if self.distinct_cols > self.limits.colonnes_par_feuille {
            return Err(ReadError::Limit(Msg::new(format!(
                "la feuille « {} » contient plus de {} colonnes remplies (limite « colonnes_par_feuille ») : supprimez les colonnes superflues",
                self.sheet, self.limits.colonnes_par_feuille
            ), format!("the sheet “{}” has more than {} filled columns (limit “colonnes_par_feuille”): delete the superfluous columns",
                self.sheet, self.limits.colonnes_par_feuille
            ))));
        }
        Ok(())
    }
}

/// Shared strings already turned into cell texts, by address in calamine's string table
/// (Fx hashing: SipHash showed in profiles here).
type Interned = rustc_hash::FxHashMap<usize, Arc<str>>;

fn convert(
    value: &DataRef<'_>,
    has_formula: bool,
    interned: Option<&mut Interned>,
) -> Option<CellValue> {
    Some(match value {
        DataRef::Empty if has_formula => CellValue::Empty,
        DataRef::Empty => return None,
        DataRef::String(s) => CellValue::Text(Arc::from(s.as_str())),
        DataRef::SharedString(s) => CellValue::Text(match interned {
            Some(interned) => interned
                .entry(s.as_ptr() as usize)
                .or_insert_with(|| Arc::from(*s))
                .clone(),
            None => Arc::from(*s),
        }),
        DataRef::Int(i) => CellValue::Int(*i),
        DataRef::Float(f) => CellValue::Float(*f),
        DataRef::Bool(b) => CellValue::Bool(*b),
        DataRef::DateTime(dt) => {
            if dt.is_duration() {
                CellValue::Duration(shortest(dt.as_f64()))
            } else {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                CellValue::Date(
                    NaiveDate::from_ymd_opt(y.into(), m.into(), d.into()),
                    dt.as_f64(),
                )
            }
        }
        DataRef::DateTimeIso(s) => match parse_iso_prefix(s) {
            Some(d) => CellValue::Date(Some(d), 0.0),
            None => CellValue::Text(Arc::from(s.as_str())),
        },
        DataRef::DurationIso(s) => CellValue::Duration(s.clone()),
        DataRef::Error(e) => CellValue::Error(format!("{e}")),
    })
}

fn data_ref(d: &calamine::Data) -> DataRef<'_> {
    use calamine::Data;
    match d {
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::String(s) => DataRef::SharedString(s),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(dt) => DataRef::DateTime(*dt),
        Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
        Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
        Data::Error(e) => DataRef::Error(e.clone()),
        Data::Empty => DataRef::Empty,
    }
}

fn parse_iso_prefix(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

fn is_worksheet(typ: &SheetType) -> bool {
    matches!(typ, SheetType::WorkSheet)
}

/// What a [`CellSource`] calls for each cell: (row, column, value, has a formula).
type EachCell<'a> = dyn FnMut(u32, u32, &DataRef<'_>, bool) -> Result<(), ReadError> + 'a;

/// A workbook whose sheets give their cells one by one.
trait CellSource {
    fn for_each_cell(&mut self, sheet: &str, each: &mut EachCell<'_>) -> Result<(), ReadError>;

    /// Whether the same text in two cells is one string of the reader (a table of shared
    /// strings), so that it can be shared by address.
    fn shares_strings(&self) -> bool {
        true
    }
}

/// An `.xlsx` or `.xlsm` workbook, and its bytes for a second reader when one is needed.
struct XlsxSource<'b> {
    bytes: &'b [u8],
    wb: calamine::Xlsx<Cursor<&'b [u8]>>,
}

impl CellSource for XlsxSource<'_> {
    fn for_each_cell(&mut self, sheet: &str, each: &mut EachCell<'_>) -> Result<(), ReadError> {
        let mut failed = None;
        xlsx_cells::for_each_cell(
            &mut self.wb,
            self.bytes,
            sheet,
            &mut |r, c, value, formula| match each(r, c, value, formula) {
                Ok(()) => std::ops::ControlFlow::Continue(()),
                Err(e) => {
                    failed = Some(e);
                    std::ops::ControlFlow::Break(())
                }
            },
        )
        .map_err(calamine_error)?;
        failed.map_or(Ok(()), Err)
    }
}

impl<RS: Read + Seek> CellSource for calamine::Xlsb<RS> {
    fn for_each_cell(&mut self, sheet: &str, each: &mut EachCell<'_>) -> Result<(), ReadError> {
        let mut reader = self.worksheet_cells_reader(sheet).map_err(calamine_error)?;
        while let Some(cell) = reader.next_cell().map_err(calamine_error)? {
            let (row, col) = cell.get_position();
            each(row, col, cell.get_value(), false)?;
        }
        Ok(())
    }
}

/// `.xls` and `.ods`: calamine parses these whole when the workbook is opened (bounded
/// beforehand by [`crate::read::prescan`]), so the ranges it built are walked, non-empty cells only.
struct Ranges<RS, R>(R, std::marker::PhantomData<RS>);

impl<RS, R> CellSource for Ranges<RS, R>
where
    RS: Read + Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    /// Each cell of a range holds its own string.
    fn shares_strings(&self) -> bool {
        false
    }

    fn for_each_cell(&mut self, sheet: &str, each: &mut EachCell<'_>) -> Result<(), ReadError> {
        let range = self.0.worksheet_range(sheet).map_err(calamine_error)?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, data) in range.used_cells() {
            each(r0 + r as u32, c0 + c as u32, &data_ref(data), false)?;
        }
        Ok(())
    }
}

fn sort_cells(cells: &mut [RawCell]) {
    if !cells
        .windows(2)
        .all(|w| (w[0].row, w[0].col) <= (w[1].row, w[1].col))
    {
        cells.sort_by_key(|c| (c.row, c.col));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::admit;

    /// Every cell of the first sheet of `bytes`, as [`Opened::rows`] hands them.
    fn first_sheet(bytes: Vec<u8>, format: Format) -> Result<Vec<RawCell>, ReadError> {
        let limits = Limits::default();
        let admitted = admit(bytes, format, &limits)?;
        let mut opened = Opened::open(&admitted, &limits)?;
        let mut cells = Vec::new();
        let first = opened.sheets[0].clone();
        opened.rows(&first, &mut |_, row| {
            cells.extend_from_slice(row);
            Ok(())
        })?;
        Ok(cells)
    }

    #[test]
    fn shortest_numbers() {
        assert_eq!(shortest(1.0), "1");
        assert_eq!(shortest(36000.0), "36000");
        assert_eq!(shortest(40897223000028.0), "40897223000028");
        assert_eq!(shortest(12.5), "12,5");
    }

    /// A cell element without a value is a formula saved without its result only when it has
    /// a formula: `<c></c>` holds nothing (and an empty inline string is an empty text). The
    /// cells after the first of them (read again, with formulas) come once each, in order.
    #[test]
    fn cells_without_a_value() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet().set_name("S").expect("a name");
        ws.write_number(0, 0, 1.0).expect("A1");
        ws.write_string(0, 2, "vide-C1").expect("C1");
        ws.write_string(0, 3, "vide-D1").expect("D1");
        ws.write_formula(
            1,
            1,
            rust_xlsxwriter::Formula::new("=A1").set_result("sans-valeur"),
        )
        .expect("B2");
        ws.write_number(2, 0, 3.0).expect("A3");
        ws.write_string(2, 1, "y").expect("B3");
        ws.write_formula(3, 0, rust_xlsxwriter::Formula::new("=A3").set_result("3"))
            .expect("A4");
        let bytes = wb.save_to_buffer().expect("the workbook");
        let replace_cell = |xml: &str, r: &str, with: &str| {
            let start = xml.find(&format!("<c r=\"{r}\"")).expect("the cell");
            let end = start + xml[start..].find("</c>").expect("its end") + 4;
            format!("{}{with}{}", &xml[..start], &xml[end..])
        };
        let bytes = crate::fixture::rewrite(&bytes, |name, xml| {
            if !name.starts_with("xl/worksheets/") {
                return xml;
            }
            let xml = replace_cell(&xml, "C1", r#"<c r="C1"></c>"#);
            let xml = replace_cell(
                &xml,
                "D1",
                r#"<c r="D1" t="inlineStr"><is><t></t></is></c>"#,
            );
            replace_cell(&xml, "B2", r#"<c r="B2"><f>A1</f></c>"#)
        })
        .expect("rewritten");
        let read = first_sheet(bytes, Format::Xlsx).expect("readable");
        let cells: Vec<_> = read
            .iter()
            .map(|c| (c.row, c.col, c.value.display()))
            .collect();
        let text = |s: &str| Some(s.to_string());
        assert_eq!(
            cells,
            [
                (0, 0, text("1")),
                (0, 3, text("")),
                (1, 1, None),
                (2, 0, text("3")),
                (2, 1, text("y")),
                (3, 0, text("3")),
            ]
        );
        assert_eq!(read[2].value, CellValue::Empty);
    }

    #[test]
    fn empty_and_random_bytes_are_unreadable() {
        assert!(matches!(
            first_sheet(vec![], Format::Xlsx),
            Err(ReadError::Unreadable(_))
        ));
        let noise: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        for f in [Format::Xlsx, Format::Xls, Format::Ods, Format::Xlsb] {
            assert!(matches!(
                first_sheet(noise.clone(), f),
                Err(ReadError::Unreadable(_))
            ));
        }
    }
}
