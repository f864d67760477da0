//! What the charter rules read a workbook through: a sheet with its schema ([`View`], values
//! by column key, findings at a row's cell), the member structures ([`Members`]), and the
//! small formats their messages share.

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::finding::Finding;
use crate::i18n::Msg;
use crate::msg;
use crate::norm::{norm, suggest};
use crate::read::sheet::{Bilan, Row, Sheet};
use crate::read::values::Typed;
use crate::rules::Code;
use crate::schema::{Schemas, SheetKind, SheetSchema};

/// One sheet with its schema, for reading values by key, and some of its rows: all of them
/// for a small sheet, the rows streaming by for a large one (none once it is read: what stays
/// of them is the sheet's [`crate::read::sheet::SheetTotals`]).
pub(crate) struct View<'a> {
    sheet: &'a Sheet,
    rows: &'a [Row],
    schema: &'a SheetSchema,
}

impl<'a> View<'a> {
    /// The sheet of `kind` with its rows kept.
    pub(crate) fn new(bilan: &'a Bilan, schemas: &'a Schemas, kind: SheetKind) -> Option<View<'a>> {
        let sheet = bilan.sheet(kind)?;
        Some(View::of(sheet, &sheet.rows, schemas))
    }

    /// `sheet` with `rows`.
    pub(crate) fn of(sheet: &'a Sheet, rows: &'a [Row], schemas: &'a Schemas) -> View<'a> {
        View {
            sheet,
            rows,
            schema: schemas.sheet(sheet.kind),
        }
    }

    pub(crate) fn rows(&self) -> &'a [Row] {
        self.rows
    }

    /// How many data rows the sheet has (all of them, whether they are in view or not).
    pub(crate) fn count(&self) -> usize {
        self.sheet.totals.rows
    }

    /// Whether a valid cell of the column `key` holds `value` (one of its allowed values).
    pub(crate) fn seen(&self, key: &str, value: &str) -> bool {
        self.sheet
            .totals
            .seen(self.schema, self.schema.index(key), value)
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.sheet.has_column(self.schema.index(key))
    }

    pub(crate) fn get(&self, row: &'a Row, key: &str) -> Option<&'a Typed> {
        row.get(self.schema.index(key))
    }

    pub(crate) fn text(&self, row: &'a Row, key: &str) -> Option<&'a str> {
        self.get(row, key).and_then(Typed::as_text)
    }

    pub(crate) fn int(&self, row: &'a Row, key: &str) -> Option<i64> {
        self.get(row, key).and_then(Typed::as_int)
    }

    pub(crate) fn date(&self, row: &'a Row, key: &str) -> Option<NaiveDate> {
        self.get(row, key).and_then(Typed::as_date)
    }

    pub(crate) fn bool(&self, row: &'a Row, key: &str) -> Option<bool> {
        self.get(row, key).and_then(Typed::as_bool)
    }

    /// The cell is empty (and the column exists).
    pub(crate) fn blank(&self, row: &Row, key: &str) -> bool {
        self.has(key) && row.is_blank(self.schema.index(key))
    }

    /// The cell has a value the reader or the schema rejected.
    pub(crate) fn invalid(&self, row: &Row, key: &str) -> bool {
        row.cell(self.schema.index(key)).is_some_and(|c| !c.valid)
    }

    /// A finding at the cell of `key` in `row`, showing the value there.
    pub(crate) fn finding(
        &self,
        code: Code,
        row: &Row,
        key: &str,
        message: Msg,
    ) -> Option<Finding> {
        let i = self.schema.index(key);
        let (r, c) = self.sheet.cell_position(row, i)?;
        Some(
            Finding::new(code, message)
                .sheet(self.schema.kind)
                .at(r, c)
                .value(row.cell(i).and_then(|c| c.raw.display())),
        )
    }

    /// A finding on the sheet as a whole.
    pub(crate) fn sheet_finding(&self, code: Code, message: Msg) -> Finding {
        Finding::new(code, message).sheet(self.schema.kind)
    }
}

/// The member structures, when the Structures sheet is usable (present, not empty, with its
/// names): normalised name → name as written, in sheet order.
pub(crate) struct Members {
    names: Vec<(String, String)>,
}

impl Members {
    pub(crate) fn read(structures: Option<&View<'_>>) -> Option<Members> {
        let v = structures?;
        if v.rows().is_empty() || !v.has("nom") {
            return None;
        }
        let names = v
            .rows()
            .iter()
            .filter_map(|r| v.text(r, "nom"))
            .map(|n| (norm(n), n.to_string()))
            .collect();
        Some(Members { names })
    }

    /// The normalised form of `name`, taken from the list when it is written as a member is.
    pub(crate) fn key(&self, name: &str) -> Cow<'_, str> {
        match self.names.iter().find(|(_, written)| written == name) {
            Some((k, _)) => Cow::Borrowed(k),
            None => Cow::Owned(norm(name)),
        }
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        // Most names are written exactly as in Structures: no need to normalise those.
        if self.names.iter().any(|(_, written)| written == name) {
            return true;
        }
        let n = norm(name);
        self.names.iter().any(|(k, _)| *k == n)
    }

    /// « ; vouliez-vous dire « … » ? » when a member is close, else a full stop.
    pub(crate) fn hint(&self, name: &str) -> Msg {
        match suggest(name, self.names.iter().map(|(_, n)| n.as_str())) {
            Some(s) => msg!(" ; vouliez-vous dire « {s} » ?", "; did you mean “{s}”?"),
            None => msg!(".", "."),
        }
    }
}

/// An action's identifier as messages cite it: ` 2025-014`, or nothing when it has none.
pub(super) struct Id<'a>(pub Option<&'a str>);

impl std::fmt::Display for Id<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(id) => write!(f, " {id}"),
            None => Ok(()),
        }
    }
}

/// A date as the messages write it: 31/03/2026.
pub(super) fn fr(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}
