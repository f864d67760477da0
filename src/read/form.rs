//! The Identification form, for the rules that read one of its fields and cite its cell (R001–R003,
//! S006).

use crate::finding::Finding;
use crate::i18n::Msg;
use crate::read::sheet::{Bilan, Row, Sheet};
use crate::rules::Code;
use crate::schema::{Schemas, SheetKind, SheetSchema};

/// The Identification form, for reading a field and citing its cell.
pub(crate) struct Form<'a> {
    sheet: &'a Sheet,
    row: &'a Row,
    schema: &'a SheetSchema,
}

impl<'a> Form<'a> {
    /// The form `row` of the Identification `sheet` read with `schemas`.
    pub(crate) fn of(sheet: &'a Sheet, row: &'a Row, schemas: &'a Schemas) -> Form<'a> {
        Form {
            sheet,
            row,
            schema: schemas.sheet(SheetKind::Identification),
        }
    }

    /// The form of `bilan`, when its Identification sheet has one.
    pub(crate) fn of_bilan(bilan: &'a Bilan, schemas: &'a Schemas) -> Option<Form<'a>> {
        let (sheet, row) = bilan
            .sheet(SheetKind::Identification)
            .zip(bilan.identification())?;
        Some(Form::of(sheet, row, schemas))
    }

    pub(crate) fn text(&self, key: &str) -> Option<&str> {
        self.row
            .get(self.schema.index(key))
            .and_then(|v| v.as_text())
    }

    pub(crate) fn int(&self, key: &str) -> Option<i64> {
        self.row
            .get(self.schema.index(key))
            .and_then(|v| v.as_int())
    }

    /// A finding at the value of `key`, showing it; none when the field has no cell.
    pub(crate) fn finding(&self, code: Code, key: &str, message: Msg) -> Option<Finding> {
        let i = self.schema.index(key);
        let (r, c) = self.sheet.cell_position(self.row, i)?;
        Some(
            Finding::new(code, message)
                .sheet(SheetKind::Identification)
                .at(r, c)
                .value(self.row.cell(i).and_then(|c| c.raw.display())),
        )
    }
}
