//! The PDF, typeset by Typst used as a library: a [`World`] of two files — the template
//! (`templates/synthese.typ`, in the binary) and the document's data as JSON (`donnees.json`,
//! which the template reads with `json(…)`: names are values, never markup, so `#`, `*`, `$`,
//! `[` or `\` come out as written) — and the fonts in the binary (Liberation Sans, DejaVu Sans
//! for the scripts it lacks). Nothing is looked up on the machine: no system font, no
//! package, no clock (the document's date is the data's).

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::layout::PagedDocument;
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use super::document::Document;
use crate::i18n::Msg;

pub use super::TEMPLATE;

/// The fonts carried by the binary (licences in `fonts/`).
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let files: [&'static [u8]; 4] = [
        include_bytes!("../../fonts/LiberationSans-Regular.ttf"),
        include_bytes!("../../fonts/LiberationSans-Bold.ttf"),
        include_bytes!("../../fonts/LiberationSans-Italic.ttf"),
        include_bytes!("../../fonts/DejaVuSans.ttf"),
    ];
    let fonts: Vec<Font> = files
        .into_iter()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

/// The standard library, without inputs (the data is a file).
static LIBRARY: LazyLock<LazyHash<Library>> =
    LazyLock::new(|| LazyHash::new(Library::builder().build()));

struct Synthese {
    main: Source,
    data: Bytes,
}

fn main_id() -> FileId {
    FileId::new(None, VirtualPath::new("/synthese.typ"))
}

fn data_id() -> FileId {
    FileId::new(None, VirtualPath::new("/donnees.json"))
}

impl World for Synthese {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == data_id() {
            Ok(self.data.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    /// No clock: the template dates the document with its data.
    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        None
    }
}

/// Why the PDF could not be made: Typst's diagnostics, with their line in the template (a
/// fault of the template, never of the data, which is only ever read as values).
fn failed(world: &Synthese, diagnostics: &[SourceDiagnostic]) -> Msg {
    use typst::WorldExt;
    let text: Vec<String> = diagnostics
        .iter()
        .map(|d| match world.range(d.span) {
            Some(range) if d.span.id() == Some(world.main.id()) => {
                let line = world.main.text()[..range.start].matches('\n').count() + 1;
                format!("templates/synthese.typ:{line}: {}", d.message)
            }
            _ => d.message.to_string(),
        })
        .collect();
    let text = text.join(" ; ");
    crate::msg!(
        "la synthèse n'a pas pu être mise en page : {text}",
        "the synthesis could not be typeset: {text}"
    )
}

/// Typesets `document` with `template` and writes the PDF: PDF/A-2a (archival, and tagged for
/// accessibility: Typst checks both while writing, and refuses a document that breaks them)
/// when the data give the document a date (PDF/A needs one), tagged in every case. (Typst writes one of PDF/A and PDF/UA at a
/// time; PDF/A-2a covers the structure PDF/UA asks for, and archiving.)
fn pdf_with(document: &Document, template: &str) -> Result<Vec<u8>, Msg> {
    let data = serde_json::to_vec(document).map_err(|e| {
        let e = e.to_string();
        crate::msg!("données de la synthèse : {e}", "synthesis data: {e}")
    })?;
    let world = Synthese {
        main: Source::new(main_id(), template.to_string()),
        data: Bytes::new(data),
    };
    let compiled = typst::compile::<PagedDocument>(&world);
    let paged = compiled.output.map_err(|e| failed(&world, &e))?;
    let timestamp = document.date.as_ref().and_then(|d| {
        Datetime::from_ymd(d.year, d.month as u8, d.day as u8).map(Timestamp::new_utc)
    });
    let standards = if timestamp.is_some() {
        PdfStandards::new(&[PdfStandard::A_2a]).map_err(|e| failed_text(&e))?
    } else {
        PdfStandards::default()
    };
    let ident = format!("spro-synthese-{}-{}", document.year, document.lang);
    let options = PdfOptions {
        ident: Smart::Custom(&ident),
        timestamp,
        standards,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&paged, &options).map_err(|e| failed(&world, &e))
}

fn failed_text(e: &impl std::fmt::Display) -> Msg {
    let e = e.to_string();
    crate::msg!(
        "la synthèse n'a pas pu être mise en page : {e}",
        "the synthesis could not be typeset: {e}"
    )
}

/// Typesets `document` with the template of the binary.
pub fn pdf(document: &Document) -> Result<Vec<u8>, Msg> {
    pdf_with(document, TEMPLATE)
}
