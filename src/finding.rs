//! Findings: what a rule returns. A finding names its rule, where the problem is (sheet and
//! cell), what the user sees there, and a French message that says what to do. Rules only
//! build findings; severities are settled once, by `Checker::settle`, from the catalogue
//! and the configuration.

use std::cell::RefCell;
use std::sync::Arc;

use rustc_hash::FxHashSet;

use crate::bilan::SheetKind;
use crate::i18n::Msg;
use crate::rules::Code;

/// Severities live with the catalogue's other plain types; findings and rules both use them.
pub use crate::severity::Severity;

/// What a finding can be placed on: a sheet of the template (its schema), by its role, or by
/// its name for a sheet the Région declared without one.
pub trait OnSheet {
    fn role(&self) -> SheetKind;
    fn sheet_name(&self) -> &str;
}

/// Where a finding is: a sheet (canonical name, or the actual name of an unknown sheet) and,
/// when there is one, a cell (0-based row and column, shown A1-style).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub sheet: Option<SheetRef>,
    pub cell: Option<(u32, u32)>,
}

/// A sheet as findings name it: one of the six sheets, by the name the current template gives
/// it or by its name in the file's version of the template (« Premier accueil » in 2024.1),
/// or an extra one by its own name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetRef {
    Known(SheetKind),
    Renamed(SheetKind, Arc<str>),
    Other(Arc<str>),
}

impl SheetRef {
    pub fn name(&self) -> &str {
        match self {
            SheetRef::Known(k) => k.name(),
            SheetRef::Renamed(_, name) => name,
            SheetRef::Other(n) => n,
        }
    }

    /// The sheet's role, when it is one of the six.
    pub fn kind(&self) -> Option<SheetKind> {
        match self {
            SheetRef::Known(k) | SheetRef::Renamed(k, _) => Some(*k),
            SheetRef::Other(_) => None,
        }
    }

    fn order(&self) -> usize {
        self.kind().map_or(SheetKind::ALL.len(), |k| k as usize)
    }
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    /// Severity set by the rule for this case (some rules have two); the sink may override it.
    pub severity: Severity,
    pub location: Location,
    /// What is wrong and what to do, in French and in English.
    pub message: Msg,
    /// The cell as the user sees it, as text; `None` when empty.
    pub value: Option<String>,
    /// Network code, only for batch findings (B002).
    pub reseau: Option<String>,
}

thread_local! {
    /// The messages of the findings made on this thread while a file is checked
    /// ([`sharing_messages`]): each distinct text once.
    static SHARED: RefCell<Option<FxHashSet<Arc<str>>>> = const { RefCell::new(None) };
}

/// Runs `f` (the check of one file) with the messages of the findings it makes shared: a
/// file whose 90,000 rows break one rule the same way holds that message once, not 90,000
/// times.
pub fn sharing_messages<T>(f: impl FnOnce() -> T) -> T {
    /// Puts back what was there, even when `f` panics.
    struct Restore(Option<FxHashSet<Arc<str>>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let before = self.0.take();
            SHARED.with(|s| *s.borrow_mut() = before);
        }
    }
    let _restore = Restore(SHARED.with(|s| s.replace(Some(FxHashSet::default()))));
    f()
}

/// `text`, or the same text already held by a finding of this file.
fn shared(text: Arc<str>) -> Arc<str> {
    SHARED.with(|s| match s.borrow_mut().as_mut() {
        Some(set) => match set.get(&text) {
            Some(held) => held.clone(),
            None => {
                set.insert(text.clone());
                text
            }
        },
        None => text,
    })
}

impl Finding {
    pub fn new(code: Code, message: Msg) -> Self {
        Finding {
            code,
            severity: code.rule().severity,
            location: Location {
                sheet: None,
                cell: None,
            },
            message: Msg {
                fr: shared(message.fr),
                en: shared(message.en),
            },
            value: None,
            reseau: None,
        }
    }

    pub fn sheet(mut self, kind: SheetKind) -> Self {
        self.location.sheet = Some(SheetRef::Known(kind));
        self
    }

    /// On the sheet `sheet` describes: one of the six by its role, a declared sheet by its
    /// name.
    pub fn on(self, sheet: &impl OnSheet) -> Self {
        match sheet.role() {
            SheetKind::Declared => self.other_sheet(sheet.sheet_name()),
            kind => self.sheet(kind),
        }
    }

    pub fn other_sheet(mut self, name: &str) -> Self {
        self.location.sheet = Some(SheetRef::Other(Arc::from(name)));
        self
    }

    /// The cell, 0-based (row, column).
    pub fn at(mut self, row: u32, col: u32) -> Self {
        self.location.cell = Some((row, col));
        self
    }

    pub fn value(mut self, value: Option<String>) -> Self {
        self.value = value;
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn sheet_name(&self) -> Option<&str> {
        self.location.sheet.as_ref().map(SheetRef::name)
    }

    pub fn cell_a1(&self) -> Option<String> {
        self.location.cell.map(|(r, c)| a1(r, c))
    }

    pub fn row_number(&self) -> Option<u32> {
        self.location.cell.map(|(r, _)| r + 1)
    }

    pub fn column_letters(&self) -> Option<String> {
        self.location.cell.map(|(_, c)| column_letters(c))
    }

    /// Sort key of contrat §7.12: sheet order of §1, row, column, code (file-level first).
    pub fn sort_key(&self) -> (usize, &str, u32, u32, &'static str) {
        let (order, other) = match &self.location.sheet {
            None => (0, ""),
            Some(s) => (s.order() + 1, s.name()),
        };
        let (r, c) = self.location.cell.unwrap_or((0, 0));
        (order, other, r, c, self.code.as_str())
    }
}

/// Column letters of a 0-based column index: 0 → A, 25 → Z, 26 → AA, 16383 → XFD.
pub fn column_letters(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A1 reference of a 0-based (row, column).
pub fn a1(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), row as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_references() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(6, 14), "O7");
        assert_eq!(a1(0, 25), "Z1");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
    }
}

#[cfg(test)]
mod size {
    /// What one finding costs besides its messages (shared) and its value: measured here, and
    /// kept from growing (a file inside the limits may hold 360,000 findings).
    #[test]
    fn a_finding_stays_small() {
        let size = std::mem::size_of::<super::Finding>();
        eprintln!("Finding: {size} bytes");
        assert!(size <= 128, "{size}");
    }
}
