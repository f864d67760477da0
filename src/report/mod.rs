//! Reports: the same [`Report`](crate::check::Report) rendered for a person (human), for a
//! machine (json, sarif), or for CI (github, junit, markdown, gitlab). One module per format, each a
//! [`Reporter`]; `--format` picks one ([`for_format`]). None of them decides the exit code.
//! Each writes as it renders, finding by finding: a report of 300,000 findings is never held
//! whole in memory.

pub(crate) mod github;
pub(crate) mod gitlab;
pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod junit;
pub(crate) mod markdown;
pub(crate) mod sarif;

use std::io::Write;

use crate::check::Report;
use crate::i18n::Lang;

/// One output format: a report in, its text written out as it is rendered.
pub(crate) trait Reporter {
    fn write(&self, report: &Report, lang: Lang, out: &mut dyn Write) -> std::io::Result<()>;
}

/// The formats of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
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
    /// Markdown : tableau des statuts puis anomalies (résumé de job, note de merge request).
    Markdown,
    /// Rapport Code Quality de GitLab (JSON).
    Gitlab,
}

/// The reporter of `format`; `color` is for the human report only.
pub(crate) fn for_format(format: ReportFormat, color: bool) -> Box<dyn Reporter> {
    match format {
        ReportFormat::Human => Box::new(human::Human { color }),
        ReportFormat::Json => Box::new(json::Json),
        ReportFormat::Github => Box::new(github::Github),
        ReportFormat::Junit => Box::new(junit::Junit),
        ReportFormat::Sarif => Box::new(sarif::Sarif),
        ReportFormat::Markdown => Box::new(markdown::Markdown),
        ReportFormat::Gitlab => Box::new(gitlab::Gitlab),
    }
}

/// A JSON document as written out: indented, one final newline.
fn pretty(value: &impl serde::Serialize, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")
}

/// A sequence serialised as it is walked: `items` called once, when written.
struct Seq<F>(std::cell::Cell<Option<F>>);

impl<F> Seq<F> {
    fn new(items: F) -> Seq<F> {
        Seq(std::cell::Cell::new(Some(items)))
    }
}

impl<F, I> serde::Serialize for Seq<F>
where
    F: FnOnce() -> I,
    I: Iterator,
    I::Item: serde::Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.take() {
            Some(items) => s.collect_seq(items()),
            None => s.collect_seq(std::iter::empty::<()>()),
        }
    }
}
