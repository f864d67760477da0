//! The PDF, typeset by Typst used as a library: a [`World`] of two files — the layout
//! (`templates/synthese.typ`, in the binary) and the document's data as JSON (`donnees.json`,
//! which the layout reads with `json(…)`: names are values, never markup, so `#`, `*`, `$`,
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
use super::PdfError;

pub(super) use super::LAYOUT;

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

    /// No clock: the layout dates the document with its data.
    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        None
    }
}

/// Why the PDF could not be made: Typst's diagnostics, with their line in the layout (a
/// fault of the layout, never of the data, which is only ever read as values).
fn failed(world: &Synthese, diagnostics: &[SourceDiagnostic]) -> PdfError {
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
    PdfError::Layout(text)
}

/// Typesets `document` with `layout` and writes the PDF: PDF/A-2a (archival, and tagged for
/// accessibility: Typst checks both while writing, and refuses a document that breaks them)
/// when the data give the document a date (PDF/A needs one), tagged in every case. (Typst writes one of PDF/A and PDF/UA at a
/// time; PDF/A-2a covers the structure PDF/UA asks for, and archiving.)
fn pdf_with(document: &Document, layout: &str) -> Result<Vec<u8>, PdfError> {
    // Every text is printable by the first attempt's account; should Typst still refuse one,
    // the document is written again with its texts in plain ASCII rather than not at all.
    typeset(document, layout, Texts::Printable)
        .or_else(|first| typeset(document, layout, Texts::Ascii).map_err(|_| first))
}

/// How the document's texts are made printable ([`printable`], [`ascii`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Texts {
    Printable,
    Ascii,
}

fn typeset(document: &Document, layout: &str, texts: Texts) -> Result<Vec<u8>, PdfError> {
    let mut data = serde_json::to_value(document).map_err(PdfError::Data)?;
    printable_all(&mut data, texts);
    let data = serde_json::to_vec(&data).map_err(PdfError::Data)?;
    let world = Synthese {
        main: Source::new(main_id(), layout.to_string()),
        data: Bytes::new(data),
    };
    let compiled = typst::compile::<PagedDocument>(&world);
    let paged = compiled.output.map_err(|e| failed(&world, &e))?;
    let timestamp = document.date.as_ref().and_then(|d| {
        Datetime::from_ymd(d.year, d.month as u8, d.day as u8).map(Timestamp::new_utc)
    });
    let standards = if timestamp.is_some() {
        PdfStandards::new(&[PdfStandard::A_2a])
            .map_err(|e| PdfError::Layout(vec![e.to_string()]))?
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

/// `text` [`printable`], then in ASCII: accents dropped (« Châteauroux » → « Chateauroux »),
/// any other character as `?`.
fn ascii(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    printable(text)
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            ' '..='~' => c,
            '…' => '.',
            _ => '?',
        })
        .collect()
}

/// The most characters of one text of the document: a name, a sentence, a file name. Longer
/// texts (a cell of 32,767 characters pasted into « Nom du réseau ») are cut, with « … »: a
/// PDF string holds at most 32,767 bytes, and a page no more than a few thousand characters.
pub(super) const MAX_CHARS: usize = 1_000;

/// What stands for a character the document cannot show (a control character, one no font of
/// the binary draws): PDF/A refuses a text it cannot display, so one network's name would
/// otherwise cost the Région its whole synthesis.
pub(super) const REPLACEMENT: char = '\u{FFFD}';

/// Every text of the document's data made [`printable`] (or [`ascii`]), wherever it comes
/// from.
fn printable_all(value: &mut serde_json::Value, texts: Texts) {
    use serde_json::Value;
    match value {
        Value::String(s) => match texts {
            Texts::Printable => {
                if let std::borrow::Cow::Owned(p) = printable(s) {
                    *s = p;
                }
            }
            Texts::Ascii => *s = ascii(s),
        },
        Value::Array(items) => items.iter_mut().for_each(|v| printable_all(v, texts)),
        Value::Object(fields) => fields.values_mut().for_each(|v| printable_all(v, texts)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// `text` as the document can show it: line breaks, tabs and other separators as one space,
/// a control character or one no embedded font draws as [`REPLACEMENT`], cut to
/// [`MAX_CHARS`] with « … ». Borrowed when nothing changes (every text of a real bilan).
pub(super) fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let fine = |c: char| !c.is_control() && drawn(c);
    let count = text.chars().count();
    if count <= MAX_CHARS && text.chars().all(fine) {
        return std::borrow::Cow::Borrowed(text);
    }
    let cut = count > MAX_CHARS;
    let keep = if cut { MAX_CHARS - 1 } else { count };
    let mut out = String::with_capacity(text.len().min(4 * MAX_CHARS));
    for c in text.chars().take(keep) {
        out.push(match c {
            '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => ' ',
            c if fine(c) => c,
            _ => REPLACEMENT,
        });
    }
    if cut {
        out.push('…');
    }
    std::borrow::Cow::Owned(out)
}

/// Whether a font of the binary draws `c` (the space characters Typst lays out itself
/// included), and `c` is neither a format character that reorders or hides text (bidi
/// overrides, zero-width marks: a name must read as it is) nor a private-use one.
fn drawn(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFC}' | '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..)
    {
        return false;
    }
    FONTS.1.iter().any(|f| f.info().coverage.contains(c as u32))
}

/// Typesets `document` with the layout of the binary.
pub(super) fn pdf(document: &Document) -> Result<Vec<u8>, PdfError> {
    pdf_with(document, LAYOUT)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code point, one at a time: what comes out is drawn by a font of the binary or is
    /// the replacement character, which is, and never a control character.
    #[test]
    fn every_code_point_comes_out_printable() {
        assert!(drawn(REPLACEMENT) && drawn('…'));
        let mut replaced = 0;
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = c.to_string();
            let p = printable(&s);
            let out: Vec<char> = p.chars().collect();
            assert_eq!(out.len(), 1, "U+{:04X}", c as u32);
            assert!(!out[0].is_control() && drawn(out[0]), "U+{:04X}", c as u32);
            if out[0] == REPLACEMENT && c != REPLACEMENT {
                replaced += 1;
            }
        }
        // Latin, Greek, Cyrillic, Arabic, Hebrew… are drawn; CJK and emoji are not.
        for kept in ['é', 'Œ', 'ß', 'Ω', 'Ж', 'ب', 'א', '€', '’', '«'] {
            assert_eq!(printable(&kept.to_string()), kept.to_string());
        }
        assert!(replaced > 1_000_000, "{replaced}");
    }

    /// The sample batch's document.
    fn sample() -> Document {
        let (checker, options) = crate::consolidate::tests::consolidation_2025();
        let batch = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bilans/2025");
        let (inputs, _) = crate::inputs::collect(&[batch]).expect("the sample batch");
        let (report, regional) =
            crate::consolidate::run(&inputs, &checker, &options, &mut [], &|_| {})
                .expect("its figures");
        super::super::document(
            &regional,
            &report,
            &checker,
            &options,
            crate::i18n::Lang::Fr,
        )
    }

    /// Should Typst refuse a text the first attempt let through, the document is written in
    /// ASCII rather than not at all; a layout that fails whatever the texts says why.
    #[test]
    fn a_text_typst_refuses_costs_its_accents_not_the_document() {
        let document = sample();
        assert!(document.networks.iter().any(|n| !n.name.is_ascii()));
        let ascii_only = "#let d = json(\"/donnees.json\")\n#assert(d.networks.all(n => n.name.len() == n.name.codepoints().len()))\nok\n";
        assert!(pdf_with(&document, ascii_only).is_ok());
        let broken = "#let d = json(\"/donnees.json\")\n#assert(false, message: \"gabarit\")\n";
        let refused = pdf_with(&document, broken).unwrap_err().to_string();
        assert!(refused.contains("gabarit"), "{refused}");
    }

    #[test]
    fn in_ascii_as_a_last_resort() {
        assert_eq!(ascii("Châteauroux\u{7f} – 漢"), "Chateauroux? ? ?");
        assert_eq!(ascii(&"é".repeat(2_000)).len(), MAX_CHARS);
    }

    #[test]
    fn controls_separators_and_length() {
        assert_eq!(printable("Châteauroux\u{7f}"), "Châteauroux\u{FFFD}");
        assert_eq!(printable("a\u{1b}b\tc\nd\u{9c}"), "a\u{FFFD}b c d\u{FFFD}");
        assert_eq!(printable("a\u{202E}b\u{200B}"), "a\u{FFFD}b\u{FFFD}");
        let long = "é".repeat(40_000);
        let cut = printable(&long);
        assert_eq!(cut.chars().count(), MAX_CHARS);
        assert!(cut.ends_with("é…"));
        let exact = "a".repeat(MAX_CHARS);
        assert!(matches!(printable(&exact), std::borrow::Cow::Borrowed(_)));
    }
}
