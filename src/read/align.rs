//! A bilan read with its own version's schemas, given another version's layout by key
//! (docs/region/modeles.md, « D'une version à l'autre »): the consolidation and the year over year read every
//! file's data with one layout. Keys are the same across versions (renamed keys are compiled
//! under the current version's, see [`crate::schema::Schemas::from_version`]); a column the
//! file's version lacks stays empty, and a column the layout lacks is left out — and said.

use std::sync::Arc;

use crate::read::sheet::{Bilan, Row, Sheet, SheetTotals};
use crate::schema::{Schemas, SheetKind, SheetSchema};

/// `bilan`, read with `from`, laid out as `to`; with the columns left out that held a value:
/// (the sheet's name in the file, the column's header).
pub(crate) fn align(
    mut bilan: Bilan,
    from: &Arc<Schemas>,
    to: &Arc<Schemas>,
) -> (Bilan, Vec<(String, String)>) {
    if Arc::ptr_eq(from, to) {
        return (bilan, Vec::new());
    }
    let mut left_out = Vec::new();
    for kind in SheetKind::ALL {
        let (from, to) = (from.sheet(kind), to.sheet(kind));
        if let Some(sheet) = bilan.sheets[kind as usize].as_mut() {
            left_out
                .extend(dropped(sheet, from, to).map(|label| (sheet.actual_name.clone(), label)));
            lay_out(sheet, from, to);
        }
    }
    // Declared sheets by their name: those the layout does not declare are left out whole.
    let declared = std::mem::take(&mut bilan.declared);
    for mut sheet in declared {
        let name = crate::norm::norm(&sheet.actual_name);
        let pair = from
            .declared()
            .iter()
            .find(|d| crate::norm::norm(&d.name) == name)
            .zip(
                to.declared()
                    .iter()
                    .find(|d| crate::norm::norm(&d.name) == name),
            );
        match pair {
            Some((from, to)) => {
                left_out.extend(
                    dropped(&sheet, from, to).map(|label| (sheet.actual_name.clone(), label)),
                );
                lay_out(&mut sheet, from, to);
                bilan.declared.push(sheet);
            }
            None if !sheet.rows.is_empty() => {
                left_out.push((sheet.actual_name.clone(), WHOLE_SHEET.to_string()));
            }
            None => {}
        }
    }
    (bilan, left_out)
}

/// What `left_out` says of a declared sheet the layout does not have.
pub(crate) const WHOLE_SHEET: &str = "toute la feuille";

/// The headers of the columns of `from` that `to` does not have and that hold a value.
fn dropped<'a>(
    sheet: &'a Sheet,
    from: &'a SheetSchema,
    to: &'a SheetSchema,
) -> impl Iterator<Item = String> + 'a {
    from.columns
        .iter()
        .enumerate()
        .filter(|(_, c)| to.column(&c.key).is_none())
        .filter(move |(i, _)| sheet.rows.iter().any(|r| !r.is_blank(*i)))
        .map(|(_, c)| c.label.clone())
}

/// The sheet's rows, column positions and totals in `to`'s column order.
fn lay_out(sheet: &mut Sheet, from: &SheetSchema, to: &SheetSchema) {
    // For each column of `to`, the column of `from` with its key.
    let map: Vec<Option<usize>> = to
        .columns
        .iter()
        .map(|c| from.column(&c.key).map(|(i, _)| i))
        .collect();
    let pick = |cells: &mut Vec<Option<crate::read::sheet::Cell>>| {
        map.iter()
            .map(|i| i.and_then(|i| cells.get_mut(i).and_then(Option::take)))
            .collect()
    };
    for row in &mut sheet.rows {
        let cells: Vec<_> = pick(&mut row.cells);
        *row = Row {
            row: row.row,
            cells,
        };
    }
    sheet.columns = map
        .iter()
        .map(|i| i.and_then(|i| sheet.columns.get(i).copied().flatten()))
        .collect();
    let totals = &sheet.totals;
    sheet.totals = SheetTotals {
        rows: totals.rows,
        sums: map
            .iter()
            .map(|i| i.and_then(|i| totals.sums.get(i).copied()).unwrap_or(0))
            .collect(),
        // Allowed values by their text: a list may have gained values.
        seen: to
            .columns
            .iter()
            .zip(&map)
            .map(|(c, i)| {
                c.values
                    .iter()
                    .map(|v| {
                        i.is_some_and(|i| {
                            from.columns[i]
                                .values
                                .iter()
                                .position(|w| w == v)
                                .is_some_and(|k| {
                                    totals.seen.get(i).and_then(|s| s.get(k)) == Some(&true)
                                })
                        })
                    })
                    .collect()
            })
            .collect(),
    };
}
