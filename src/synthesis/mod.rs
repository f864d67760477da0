//! The regional synthesis presented to the CREFOP (charter §5; docs/region/synthese.md):
//! a PDF made from the figures of the consolidation ([`crate::consolidate::Regional`], the
//! very numbers its workbook shows) and the check's report.
//!
//! [`document()`] decides what it says — every number and sentence — as data; `typeset` lays it
//! out with Typst (`templates/synthese.typ`), in the binary. Built without the `synthese`
//! feature, spro still builds the data but says it cannot typeset. [`Typeset`] is the
//! synthesis as an output of the consolidation.

mod document;
mod essentiel;
#[cfg(feature = "synthese")]
mod typeset;
mod words;

pub use document::{document, Document, FIGURE_CELLS};

use std::path::{Path, PathBuf};

use crate::check::{Checker, Report};
use crate::consolidate::{Choices, Failed, Regional, Sink};
use crate::i18n::{Lang, Msg};

/// Where `spro synthese` writes by default.
pub fn default_path(year: i32) -> PathBuf {
    crate::output::Produced::Synthesis.default_path(year)
}

/// The PDF of `document`.
#[cfg(feature = "synthese")]
pub fn pdf(document: &Document) -> Result<Vec<u8>, PdfError> {
    typeset::pdf(document)
}

/// Why the synthesis has no PDF.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// This build has no Typst (`--no-default-features`).
    NotBuilt,
    /// The consolidation stopped before the synthesis's turn.
    NotConsolidated,
    /// The document could not be handed to the layout as JSON.
    Data(#[source] serde_json::Error),
    /// Typst refused to lay it out: its diagnostics, each with its line in the layout (a fault
    /// of the layout, never of the data, which is only ever read as values).
    Layout(Vec<String>),
    Write(#[source] crate::output::OutputError),
}

impl crate::i18n::Said for PdfError {
    fn said(&self) -> Msg {
        match self {
            PdfError::NotBuilt => Msg::new(
                "cette version de spro a été construite sans la synthèse (option --no-default-features) : utilisez le binaire publié ou reconstruisez-la avec « cargo install --path . »",
                "this build of spro has no synthesis (built with --no-default-features): use the released binary or rebuild it with “cargo install --path .”",
            ),
            PdfError::NotConsolidated => Msg::new(
                "la consolidation n'a pas abouti : pas de synthèse",
                "the consolidation did not complete: no synthesis",
            ),
            PdfError::Data(e) => crate::msg!("données de la synthèse : {e}", "synthesis data: {e}"),
            PdfError::Layout(diagnostics) => {
                let text = diagnostics.join(" ; ");
                crate::msg!(
                    "la synthèse n'a pas pu être mise en page : {text}",
                    "the synthesis could not be typeset: {text}"
                )
            }
            PdfError::Write(e) => e.said(),
        }
    }
}

crate::said_in_french!(PdfError);

/// The Typst layout of the synthesis, as written in the repository (in the binary). Its folder
/// is askama's (`templates/`); in the code, « template » is the blank workbook alone.
pub const LAYOUT: &str = include_str!("../../templates/synthese.typ");

/// « templates/synthese.typ (SHA-256 0123456789ab) »: which layout made a document.
pub fn layout_version() -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(LAYOUT.as_bytes());
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("templates/synthese.typ (SHA-256 {hex})")
}

/// Without Typst, no PDF: say how to get one.
#[cfg(not(feature = "synthese"))]
pub fn pdf(_document: &Document) -> Result<Vec<u8>, PdfError> {
    Err(PdfError::NotBuilt)
}

/// The synthesis as an output of a consolidation ([`crate::consolidate::Sink`]): its document
/// made and typeset once the batch is done. A synthesis that cannot be typeset does not stop
/// the other outputs: [`Typeset::pdf`] says why.
pub struct Typeset<'a> {
    checker: &'a Checker,
    choices: &'a Choices,
    lang: Lang,
    pdf: Option<Result<Vec<u8>, PdfError>>,
}

impl<'a> Typeset<'a> {
    pub fn new(checker: &'a Checker, choices: &'a Choices, lang: Lang) -> Typeset<'a> {
        Typeset {
            checker,
            choices,
            lang,
            pdf: None,
        }
    }

    /// The PDF, once the consolidation ran.
    pub fn pdf(self) -> Result<Vec<u8>, PdfError> {
        self.pdf.unwrap_or(Err(PdfError::NotConsolidated))
    }

    /// Writes the PDF to `path` atomically (never over an input: the caller checked).
    pub fn write(self, path: &Path) -> Result<(), PdfError> {
        let bytes = self.pdf()?;
        crate::output::write_with(path, |tmp| std::fs::write(tmp, &bytes)).map_err(PdfError::Write)
    }
}

impl Sink for Typeset<'_> {
    fn finish(&mut self, report: &Report, regional: &Regional) -> Result<(), Failed> {
        let document = document(regional, report, self.checker, self.choices, self.lang);
        self.pdf = Some(pdf(&document));
        Ok(())
    }
}
