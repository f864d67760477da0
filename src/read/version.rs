//! Which version of the template a file is read with (README « Réviser le modèle »): the one `--modele`
//! forces, else the one `Version du modèle` names when the registry has it, else the one whose
//! sheet names and headers the file matches best (ties to the newest; the current version
//! when nothing matches). Only the Identification form is read to find a declared version;
//! only the first rows of each sheet to detect one.

use crate::norm::norm;
use crate::read::sheet::HEADER_SEARCH_ROWS;
use crate::read::{Opened, RawCell, ReadError};
use crate::registry::Registry;
use crate::schema::SheetKind;

/// How the version was chosen (the JSON report's `modele_lu`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// `Version du modèle` names it.
    Declared,
    /// Told from the sheet names and headers.
    Detected,
    /// `--modele`.
    Forced,
}

impl How {
    pub fn key(self) -> &'static str {
        match self {
            How::Declared => "declare",
            How::Detected => "detecte",
            How::Forced => "impose",
        }
    }
}

/// The version a file is read with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    /// Its index in the registry's versions.
    pub index: usize,
    pub how: How,
    /// What `Version du modèle` says when it names no version of the registry.
    pub stated: Option<String>,
}

/// How many non-blank rows of a sheet detection looks at (the form's labels go further down
/// than a table's header).
const DETECTION_ROWS: usize = 4 * HEADER_SEARCH_ROWS;

/// The version `opened` is read with (`forced`: `--modele`, an index in the registry).
pub fn choose(
    opened: &mut Opened<'_>,
    registry: &Registry,
    forced: Option<usize>,
) -> Result<Chosen, ReadError> {
    if let Some(index) = forced {
        return Ok(Chosen {
            index,
            how: How::Forced,
            stated: None,
        });
    }
    let stated = declared(opened, registry)?;
    if let Some(index) = stated.as_deref().and_then(|s| position(registry, s)) {
        return Ok(Chosen {
            index,
            how: How::Declared,
            stated: None,
        });
    }
    Ok(Chosen {
        index: detect(opened, registry)?,
        how: How::Detected,
        stated,
    })
}

fn position(registry: &Registry, name: &str) -> Option<usize> {
    let v = registry.version(name)?;
    registry
        .versions
        .iter()
        .position(|w| w.version == v.version)
}

/// The first rows of `sheet` that hold a value (at most `max`), read and no further.
fn first_rows(
    opened: &mut Opened<'_>,
    sheet: usize,
    max: usize,
) -> Result<Vec<Vec<RawCell>>, ReadError> {
    let meta = opened.sheets[sheet].clone();
    let mut rows = Vec::new();
    // Rows whose cells show nothing count too, so that a sheet of blank cells is not read to
    // its end.
    let mut seen = 0;
    let read = opened.rows(&meta, &mut |_, cells| {
        seen += 1;
        if cells.iter().any(|c| c.value.display().is_some()) {
            rows.push(cells.to_vec());
        }
        if rows.len() >= max || seen >= 4 * max {
            Err(ReadError::Enough)
        } else {
            Ok(())
        }
    });
    match read {
        Ok(()) | Err(ReadError::Enough) => Ok(rows),
        Err(e) => Err(e),
    }
}

/// A stated version as text: trimmed, a decimal comma (a number cell) back to its point.
fn version_text(shown: &str) -> String {
    let t = shown.trim();
    if t.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        t.replace(',', ".")
    } else {
        t.to_string()
    }
}

/// What the Identification form says under `Version du modèle` (any version's sheet name and
/// label), trimmed; `None` when it says nothing.
fn declared(opened: &mut Opened<'_>, registry: &Registry) -> Result<Option<String>, ReadError> {
    let mut names = Vec::new();
    let mut labels = Vec::new();
    for v in &registry.versions {
        let form = v.schemas.sheet(SheetKind::Identification);
        names.push(norm(&form.name));
        if let Some((_, c)) = form.used("version_modele") {
            labels.push(c.label_norm.clone());
        }
    }
    let Some(sheet) = opened
        .sheets
        .iter()
        .position(|m| names.contains(&norm(&m.name)))
    else {
        return Ok(None);
    };
    for row in first_rows(opened, sheet, DETECTION_ROWS)? {
        let mut texts = row.iter().filter_map(|c| c.value.display());
        let Some(label) = texts.next() else { continue };
        if labels.contains(&norm(&label)) {
            // A version typed as a number (`2025.1`) is its text, with the point it was
            // typed with, not the French decimal comma the display gives.
            return Ok(texts
                .next()
                .map(|t| version_text(&t))
                .filter(|t| !t.is_empty()));
        }
    }
    Ok(None)
}

/// The version whose sheet names and headers the file matches best: per sheet of the version
/// found in the file (by name), one point and one per column header (table) or label (form)
/// found in its first rows; ties go to the newest, and a file that matches nothing is read
/// with the current version.
fn detect(opened: &mut Opened<'_>, registry: &Registry) -> Result<usize, ReadError> {
    // Only the sheets a version names can score: the others are not read.
    let known: Vec<String> = registry
        .versions
        .iter()
        .flat_map(|v| v.schemas.all().map(|s| norm(&s.name)))
        .collect();
    let mut seen: Vec<(String, Vec<String>)> = Vec::new();
    for i in 0..opened.sheets.len() {
        let name = norm(&opened.sheets[i].name);
        if !known.contains(&name) {
            continue;
        }
        let texts = first_rows(opened, i, DETECTION_ROWS)?
            .iter()
            .flatten()
            .filter_map(|c| c.value.display().map(|t| norm(&t)))
            .collect();
        seen.push((name, texts));
    }
    let mut best: Option<(usize, usize)> = None;
    for (i, v) in registry.versions.iter().enumerate() {
        let mut score = 0;
        for schema in v.schemas.all() {
            let Some((_, texts)) = seen.iter().find(|(n, _)| *n == norm(&schema.name)) else {
                continue;
            };
            score += 1 + schema
                .columns
                .iter()
                .filter(|c| texts.contains(&c.label_norm))
                .count();
        }
        // Newest first: a tie keeps the newer.
        if best.is_none_or(|(_, b)| score > b) {
            best = Some((i, score));
        }
    }
    let current = registry
        .versions
        .iter()
        .position(|v| v.version == registry.current().version)
        .unwrap_or(0);
    Ok(match best {
        Some((i, score)) if score > 0 => i,
        _ => current,
    })
}
