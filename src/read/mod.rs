//! The read path, one job per file: what a file is and whether it may be opened
//! ([`admit`]), what calamine would keep whole, priced before it opens anything
//! ([`prescan`], one scanner per format), the parts of a zip package ([`package`]), the
//! streaming cell reader ([`cells`]), a sheet's layout as the template sets it — the table's
//! header row and the Identification form, with the S rules that find them ([`sheet`]) — and
//! the typed values of its cells ([`values`]).
//!
//! This is the only place that talks to calamine and to the zip container. It enforces the
//! safety limits of contrat §4.1 / §7.14 *before* anything is expanded: the file size from the
//! file system, the uncompressed size from the zip central directory, and rows and columns
//! counted while cells stream in.

pub(crate) mod admit;
pub(crate) mod align;
pub(crate) mod cells;
pub(crate) mod form;
pub(crate) mod package;
pub(crate) mod prescan;
pub(crate) mod sheet;
pub(crate) mod validate;
pub(crate) mod values;
pub(crate) mod version;

use std::path::Path;

use crate::i18n::Msg;

pub use crate::bilan::{shortest, CellValue};
pub use admit::{admit, load, Admitted};
pub use cells::{Opened, RawCell, SheetMeta};

const MIB: u64 = 1024 * 1024;

/// Why a file could not be read: F001 or F003, with a French message for the coordinator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Unreadable(Msg),
    #[error("{0}")]
    Limit(Msg),
    /// Not an error of the file: a reader that has what it wanted stops the rows here (see
    /// [`version`]); never reported.
    #[error("lecture arrêtée")]
    Enough,
}

/// The spreadsheet formats we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

impl Format {
    /// The format an extension promises (case-insensitive), if it is one we accept.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "xlsb" => Some(Format::Xlsb),
            "xls" => Some(Format::Xls),
            "ods" => Some(Format::Ods),
            _ => None,
        }
    }
}
