//! How serious a finding is: what the catalogue gives as a rule's default, what the
//! configuration may override, what a finding carries. Its own module so that findings and
//! the catalogue both use it without using each other.

use serde::Serialize;

/// How serious a finding is. Ordered from the least to the most serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}
