//! Which version of the template a file is read with (docs/region/modeles.md): the one `--modele`
//! forces, else the one `Version du modèle` names when the registry has it, else the one whose
//! sheet names and headers the file matches best (ties to the newest; the current version
//! when nothing matches). Only the Identification form is read to find a declared version;
//! only the first rows of each sheet to detect one.

use crate::finding::{Finding, Severity};
use crate::i18n::counted;
use crate::norm::norm;
use crate::read::form::Form;
use crate::read::sheet::Bilan;
use crate::read::sheet::HEADER_SEARCH_ROWS;
use crate::read::{Opened, RawCell, ReadError};
use crate::registry::{Registry, VersionStatus};
use crate::rules::Code;
use crate::schema::{Schemas, SheetKind};

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
pub(crate) struct Chosen {
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
pub(crate) fn choose(
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

/// S006 (docs/region/modeles.md): the version the file was read with, by its status and the years it
/// serves; a version detected rather than stated is said, and which was used.
pub(crate) fn check(
    bilan: &Bilan,
    schemas: &Schemas,
    registry: &Registry,
    chosen: &Chosen,
    year: Option<i32>,
    findings: &mut Vec<Finding>,
) {
    let version = &registry.versions[chosen.index];
    let (v, current) = (&version.version, &registry.current().version);
    let form = Form::of_bilan(bilan, schemas);
    let year = form
        .as_ref()
        .and_then(|f| f.int("annee"))
        .and_then(|y| i32::try_from(y).ok())
        .or(year);
    let message = match (version.status, chosen.how) {
        (VersionStatus::Retired, _) => Some(msg!(
            "le classeur suit le modèle {v}, qui n'est plus accepté : reprenez vos données dans le modèle {current} que la Région vous a envoyé (demandez-le-lui si vous ne l'avez plus)",
            "the workbook follows template {v}, which is no longer accepted: copy your data into the {current} template the Région sent you (ask the Région for it if you no longer have it)"
        )),
        (_, How::Detected) => Some(match &chosen.stated {
            Some(stated) => msg!(
                "le classeur indique le modèle « {stated} », que la Région n'a pas publié : il a été lu avec le modèle {v}, dont il a les feuilles et les en-têtes ; indiquez la version du modèle utilisé (« {v} »)",
                "the workbook states template “{stated}”, which the Région has not published: it was read with template {v}, whose sheets and headers it has; state the version of the template used (“{v}”)"
            ),
            None => msg!(
                "le classeur n'indique pas la version du modèle : il a été lu avec le modèle {v}, dont il a les feuilles et les en-têtes ; indiquez « {v} » dans « Version du modèle »",
                "the workbook does not state the template version: it was read with template {v}, whose sheets and headers it has; type “{v}” in “Version du modèle”"
            ),
        }),
        (VersionStatus::Accepted, _) => year
            .filter(|y| !version.years.contains(y))
            .map(|y| {
                let serving = registry.serving(y);
                let to = &serving.version;
                let n = crate::registry::diff::diff(registry, version, serving).len();
                let changes = counted(n, ["changement", "changements"], ["change", "changes"]);
                let (changes, changes_en) = (changes.fr, changes.en);
                msg!(
                    "le classeur suit le modèle {v}, qui n'est pas celui des bilans {y} : le modèle {to} l'est ({changes} depuis le {v}, que la page de vérification liste) ; reportez vos données dans le modèle {to} que la Région vous a envoyé",
                    "the workbook follows template {v}, which is not the one of {y} bilans: template {to} is ({changes_en} since {v}, listed on the checking page); copy your data into the {to} template the Région sent you"
                )
            }),
        (VersionStatus::Current, _) => None,
    };
    let Some(message) = message else { return };
    let severity = if version.status == VersionStatus::Retired {
        Severity::Error
    } else {
        Severity::Warning
    };
    let finding = form
        .as_ref()
        .and_then(|f| f.finding(Code::S006, "version_modele", message.clone()))
        .unwrap_or_else(|| Finding::new(Code::S006, message).sheet(SheetKind::Identification));
    findings.push(finding.severity(severity));
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
