//! The cells of an `.xlsx`/`.xlsm` sheet as calamine's cells reader streams them, for
//! `spro_bilans::read::cells`.
//!
//! Why a crate of its own: calamine's reader is generic over the bytes' source, so its code is
//! compiled in the crate that calls it. Compiled inside `spro_bilans`, among thousands of other
//! functions, LLVM left the reader's innermost helpers (quick-xml's element names, calamine's
//! `read_value`) as calls; here, with nothing else around, it inlines them as it does for a
//! program that only reads cells. Measured with `valgrind --tool=callgrind` (README of
//! `benches/`, issue #19): 5 % of the instructions of a whole `spro check`.

use std::io::Cursor;
use std::ops::ControlFlow;

use calamine::{DataRef, Reader, Xlsx, XlsxError};

/// What [`for_each_cell`] calls for each cell: (row, column, value, has a formula); `Break`
/// stops the reading.
pub type EachCell<'a> = dyn FnMut(u32, u32, &DataRef<'_>, bool) -> ControlFlow<()> + 'a;

/// Calls `each` with every cell of `sheet` of `wb` (opened over `bytes`), in the order of the
/// file. Cells are read without their formulas (`next_cell`): reading the formulas too
/// (`next_cell_with_formula_metadata`) costs 8 % more of a whole check on a large sheet, and
/// only matters for a cell that comes without a value — a formula saved without its result,
/// or an element that holds nothing (`<c …></c>`). At the first such cell, the rest of the
/// sheet is read again with formulas ([`with_formulas`]), which tells them apart.
pub fn for_each_cell(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    bytes: &[u8],
    sheet: &str,
    each: &mut EachCell<'_>,
) -> Result<(), XlsxError> {
    let mut reader = wb.worksheet_cells_reader(sheet)?;
    let mut read = 0usize;
    while let Some(cell) = reader.next_cell()? {
        if matches!(cell.get_value(), DataRef::Empty) {
            return with_formulas(bytes, sheet, read, each);
        }
        let (row, col) = cell.get_position();
        if each(row, col, cell.get_value(), false).is_break() {
            return Ok(());
        }
        read += 1;
    }
    Ok(())
}

/// The cells of `sheet` from its `from`-th on (in the order of the file), with whether each
/// has a formula, read by a reader of its own over the same bytes.
fn with_formulas(
    bytes: &[u8],
    sheet: &str,
    from: usize,
    each: &mut EachCell<'_>,
) -> Result<(), XlsxError> {
    let mut wb = Xlsx::new(Cursor::new(bytes))?;
    let mut reader = wb.worksheet_cells_reader(sheet)?;
    let mut index = 0usize;
    while let Some(cell) = reader.next_cell_with_formula_metadata()? {
        if index >= from
            && each(cell.pos.0, cell.pos.1, &cell.value, cell.formula.is_some()).is_break()
        {
            return Ok(());
        }
        index += 1;
    }
    Ok(())
}
