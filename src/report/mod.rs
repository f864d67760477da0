//! Reports: the same [`Report`](crate::check::Report) rendered for a person (human), for a
//! machine (json, sarif), or for CI (github, junit). One module per format, each a
//! [`Reporter`]; `--format` picks one ([`for_format`]). None of them decides the exit code.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::check::Report;
use crate::i18n::Lang;

/// One output format: a report in, the text to write out.
pub trait Reporter {
    fn render(&self, report: &Report, lang: Lang) -> String;
}

/// The formats of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Rapport en français, groupé par fichier.
    Human,
    /// Document JSON (clés stables).
    Json,
    /// Annotations GitHub Actions (::error, ::warning, ::notice).
    Github,
    /// JUnit XML : une suite par fichier, un cas par famille de règles.
    Junit,
    /// SARIF 2.1.0.
    Sarif,
}

/// The reporter of `format`; `color` is for the human report only.
pub fn for_format(format: Format, color: bool) -> Box<dyn Reporter> {
    match format {
        Format::Human => Box::new(human::Human { color }),
        Format::Json => Box::new(json::Json),
        Format::Github => Box::new(github::Github),
        Format::Junit => Box::new(junit::Junit),
        Format::Sarif => Box::new(sarif::Sarif),
    }
}

/// A JSON document as written out: indented, one final newline.
fn pretty(value: &serde_json::Value) -> String {
    // Serialising a `Value` cannot fail: its keys are strings.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}
