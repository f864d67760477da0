//! The bilan's own types, at the bottom of the crate: the six sheet roles, a cell as read and
//! as typed, a data row, a sheet and what stays of its rows, a whole bilan. They depend on
//! nothing of the crate but the normalisation; the reader (`read`) fills them, the rules, the
//! outputs and the front ends read them.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use serde_json::Value;

use crate::norm::norm;

/// What the code does with a column it reads: the kind of value it needs there. A version
/// whose column gives another kind is refused by `spro modeles verifier` (a count read from a
/// text column would be 0 in silence).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Read as text: a free text or a value of a list.
    Text,
    /// A value of a list the rules or the indicators go through (a string with `enum`).
    Values,
    /// Counted: a whole number.
    Count,
    Date,
    OuiNon,
    List,
}

/// The six sheets of the workbook, in the order of contrat §1 (their roles, `x-role`), and the
/// sheets a version declares without a role (`Declared`: checked, written by the template and
/// consolidated by their schema, read by no charter rule; never one of [`SheetKind::ALL`], and
/// named by their schema, not here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SheetKind {
    Identification,
    Structures,
    Coordination,
    Actions,
    Accueil,
    Professionnalisation,
    Declared,
}

impl SheetKind {
    pub const ALL: [SheetKind; 6] = [
        SheetKind::Identification,
        SheetKind::Structures,
        SheetKind::Coordination,
        SheetKind::Actions,
        SheetKind::Accueil,
        SheetKind::Professionnalisation,
    ];

    /// The canonical sheet name.
    pub fn name(self) -> &'static str {
        match self {
            SheetKind::Identification => "Identification",
            SheetKind::Structures => "Structures",
            SheetKind::Coordination => "Coordination",
            SheetKind::Actions => "Actions",
            SheetKind::Accueil => "Accueil",
            SheetKind::Professionnalisation => "Professionnalisation",
            SheetKind::Declared => "",
        }
    }

    /// What the registry's schemas call the sheet (`x-role`), the same in every version.
    pub fn role(self) -> &'static str {
        match self {
            SheetKind::Identification => "identification",
            SheetKind::Structures => "structures",
            SheetKind::Coordination => "coordination",
            SheetKind::Actions => "actions",
            SheetKind::Accueil => "accueil",
            SheetKind::Professionnalisation => "professionnalisation",
            SheetKind::Declared => "",
        }
    }

    /// The role `x-role` names (`None`: a declared sheet, or no such role).
    pub fn of_role(role: Option<&str>) -> Option<SheetKind> {
        let role = role?;
        SheetKind::ALL.into_iter().find(|k| k.role() == role)
    }

    /// The sheet whose normalised name is `name`, if any.
    pub fn from_name(name: &str) -> Option<SheetKind> {
        let n = norm(name);
        SheetKind::ALL.into_iter().find(|k| norm(k.name()) == n)
    }
}

/// A cell value as read, before any interpretation.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// A formula with no cached value.
    Empty,
    /// Text, shared: a workbook repeats the same few texts (Oui, Non, enum values) thousands
    /// of times, and each distinct shared string is allocated once.
    Text(Arc<str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A date cell: its date, or `None` when out of any calendar (and the serial it holds).
    Date(Option<NaiveDate>, f64),
    /// A duration or time-only cell, as shown.
    Duration(String),
    /// A formula whose cached value is an error (`#N/A`, `#REF!`…).
    Error(String),
}

impl CellValue {
    /// The cell as the user sees it.
    pub fn display(&self) -> Option<String> {
        match self {
            CellValue::Empty => None,
            CellValue::Text(s) => Some(s.to_string()),
            CellValue::Int(i) => Some(i.to_string()),
            CellValue::Float(f) => Some(shortest(*f)),
            CellValue::Bool(true) => Some("VRAI".into()),
            CellValue::Bool(false) => Some("FAUX".into()),
            CellValue::Date(Some(d), _) => Some(d.format("%d/%m/%Y").to_string()),
            CellValue::Date(None, serial) => Some(shortest(*serial)),
            CellValue::Duration(s) | CellValue::Error(s) => Some(s.clone()),
        }
    }
}

/// The shortest decimal text of a number: `1.0` → `1`, `36000.0` → `36000`, no exponent for
/// the integers a SIRET or a phone number make.
pub fn shortest(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e17 {
        format!("{}", f as i64)
    } else {
        let s = format!("{f}");
        s.replace('.', ",")
    }
}

/// A value of the type its column asks for. Texts and lists are shared: a text cell that
/// needs no cleaning keeps the workbook's own string, and a repeated cell its first reading.
#[derive(Debug, Clone, PartialEq)]
pub enum Typed {
    Text(Arc<str>),
    Int(i64),
    /// A decimal number (a `number` column), always finite.
    Num(f64),
    Date(NaiveDate),
    Bool(bool),
    List(Arc<[String]>),
}

impl Typed {
    pub fn to_json(&self) -> Value {
        match self {
            Typed::Text(s) => Value::String(s.to_string()),
            Typed::Int(i) => Value::from(*i),
            Typed::Num(n) => Value::from(*n),
            Typed::Date(d) => {
                Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
            }
            Typed::Bool(b) => Value::Bool(*b),
            Typed::List(items) => Value::Array(items.iter().cloned().map(Value::String).collect()),
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Typed::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Typed::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Typed::Date(d) => Some(*d),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Typed::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_list(&self) -> &[String] {
        match self {
            Typed::List(items) => items,
            _ => &[],
        }
    }
}

/// One cell of a data row, with the typed value once the value reader has run.
#[derive(Debug, Clone)]
pub struct Cell {
    pub row: u32,
    pub col: u32,
    pub raw: CellValue,
    /// The typed value; `None` when the cell is absent or could not be read.
    pub value: Option<Typed>,
    /// False once a V-finding was made on the cell: charter rules then ignore it (§7.7).
    pub valid: bool,
}

/// One data row (a table row, or the whole Identification form).
#[derive(Debug, Clone)]
pub struct Row {
    /// 0-based row of the table row (for Identification: the header row).
    pub row: u32,
    /// Indexed like the schema's columns; `None` when the cell is empty.
    pub cells: Vec<Option<Cell>>,
}

impl Row {
    /// The typed, valid value of the column at `index`.
    pub fn get(&self, index: usize) -> Option<&Typed> {
        self.cells
            .get(index)?
            .as_ref()
            .filter(|c| c.valid)
            .and_then(|c| c.value.as_ref())
    }

    pub fn cell(&self, index: usize) -> Option<&Cell> {
        self.cells.get(index)?.as_ref()
    }

    /// Whether the cell at `index` is empty (nothing typed in it).
    pub fn is_blank(&self, index: usize) -> bool {
        self.cell(index).is_none()
    }
}

/// A sheet of the tableau de bord, read.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub kind: SheetKind,
    /// The name as written in the file.
    pub actual_name: String,
    /// Per schema column: where it is (table: the header's column; form: the label's row),
    /// `None` when missing (S002).
    pub columns: Vec<Option<u32>>,
    /// The header row (0-based), if found.
    pub header_row: Option<u32>,
    /// For the form: the column values are read from.
    pub value_col: u32,
    /// The data rows kept: every row of the small sheets (Identification, Structures,
    /// Coordination); of the others, only when the caller keeps them (consolidation).
    pub rows: Vec<Row>,
    /// What stays of every data row, kept or not.
    pub totals: SheetTotals,
}

/// What stays of a sheet's data rows once they have streamed through the rules: how many
/// there were and, per column, the sum of its valid whole numbers and which of its allowed
/// values appear. The rules across a sheet and the year-over-year figures read this, never
/// the rows.
#[derive(Debug, Clone, Default)]
pub struct SheetTotals {
    pub rows: usize,
    pub(crate) sums: Vec<i64>,
    /// Per column, per allowed value (the schema's enum), whether a valid cell holds it.
    pub(crate) seen: Vec<Vec<bool>>,
}

impl SheetTotals {
    /// The sum of the valid whole numbers of column `index`.
    pub fn sum(&self, index: usize) -> i64 {
        self.sums.get(index).copied().unwrap_or(0)
    }
}

impl Sheet {
    pub fn has_column(&self, index: usize) -> bool {
        self.columns.get(index).is_some_and(Option::is_some)
    }

    /// Where the cell of column `index` is on `row` (0-based), if the column exists.
    pub fn cell_position(&self, row: &Row, index: usize) -> Option<(u32, u32)> {
        if let Some(c) = row.cell(index) {
            return Some((c.row, c.col));
        }
        let at = self.columns.get(index).copied().flatten()?;
        Some(match self.kind {
            SheetKind::Identification => (at, self.value_col),
            _ => (row.row, at),
        })
    }
}

/// The six sheets of a workbook as read (`None`: missing, S001), and the sheets its version
/// declares without a role, found in the file (in the version's order).
#[derive(Debug, Clone, Default)]
pub struct Bilan {
    pub sheets: [Option<Sheet>; 6],
    pub declared: Vec<Sheet>,
    pub is_1904: bool,
}

impl Bilan {
    pub fn sheet(&self, kind: SheetKind) -> Option<&Sheet> {
        self.sheets[kind as usize].as_ref()
    }

    /// The Identification form's single row.
    pub fn identification(&self) -> Option<&Row> {
        self.sheet(SheetKind::Identification)?.rows.first()
    }
}
