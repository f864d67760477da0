//! The annotated copy of an `.xlsx` or `.xlsm` is the coordinator's own file, patched: every
//! part of the package is copied as it was (its compressed bytes untouched), except what
//! marking needs.
//!
//! - each marked worksheet streams through [`worksheet::rewrite`]: its marked cells get a
//!   clone of their own format with the severity's fill, and a `legacyDrawing` when it had
//!   none;
//! - the stylesheet gets those clones, and the fonts, fills and formats of `Anomalies`,
//!   after its own ([`styles`]);
//! - each marked cell gets a note ([`notes`]): the sheet's comments and drawing parts are
//!   extended, or created, with their relationships;
//! - `Anomalies` ([`anomalies`]) comes first in `workbook.xml`, selected; sheet-local
//!   defined names follow their sheet ([`book`]);
//! - `[Content_Types].xml` and the relationships parts name the new parts.
//!
//! Drop-downs, conditional formats, formulas and their values, widths, panes, images,
//! defined names, other sheets and macros are never read, so never changed. Memory stays that
//! of the small parts (workbook, styles, relationships, notes) plus the copy being written.

mod anomalies;
mod book;
mod notes;
mod parts;
mod styles;
mod worksheet;
mod xml;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufReader, BufWriter, Seek, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use self::book::BookInfo;
use self::parts::{fresh_id, key, rels, rels_of, resolve, Package, Rel};
use self::styles::{Clones, ListCounts};
use super::marks::{self, Origin, ANOMALIES};
use crate::check::FileReport;
use crate::finding::Severity;

/// Why a package could not be patched (the copy is then made from its values; no coordinator
/// reads it, the fuzzer and the tests do).
#[derive(Debug, thiserror::Error)]
pub enum PatchError {
    #[error("archive illisible : {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("lecture ou écriture impossible : {0}")]
    Io(#[from] std::io::Error),
    #[error("XML illisible : {0}")]
    Xml(#[from] quick_xml::Error),
    /// A part the package must have, by what it is.
    #[error("{0} absent de l'archive")]
    Missing(String),
    /// A panic of ours while patching, caught.
    #[error("erreur interne")]
    Internal,
}

const SHEET_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
const COMMENTS_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml";
const STYLES_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml";
const VML_TYPE: &str = "application/vnd.openxmlformats-officedocument.vmlDrawing";

/// The buffer between the XML writers and the deflater, which is slow on small writes.
const BUFFER: usize = 256 * 1024;

/// The last row and column a worksheet can have (0-based).
const LAST_ROW: u32 = 1_048_575;
const LAST_COLUMN: u32 = 16_383;

/// One worksheet the patch rewrites.
struct Job {
    /// Its part.
    part: String,
    /// Its marked cells, sorted, with their severity.
    cells: Vec<(u32, u32, Severity)>,
    /// Its marks, and for each marked cell the range of its findings in them.
    marks: marks::SheetMarks,
    groups: Vec<std::ops::Range<usize>>,
    unselect: bool,
    /// Its relationships part, and the relationships it had.
    rels_part: String,
    rels: Vec<Rel>,
    /// Its comments part, and whether it exists.
    comments: (String, bool),
    /// The relationship to add for new comments.
    comments_id: Option<String>,
    /// The drawing part to create when the sheet has none, and its relationship.
    new_drawing: (String, String),
    /// Its first block of shape ids.
    first_block: u32,
    /// What its rewrite found.
    found: worksheet::Found,
}

/// The workbook part of a package, read: its XML and what it says, its relationships, and
/// the folder new parts go in.
struct Book {
    part: String,
    xml: Vec<u8>,
    info: BookInfo,
    rels_part: String,
    rels_xml: Vec<u8>,
    rels: Vec<Rel>,
    /// Beside the workbook, spelt as the package spells its folder (`xl/`).
    dir: String,
}

impl Book {
    fn read(pkg: &mut Package<'_>) -> Result<Book, PatchError> {
        let part = main_part(pkg)?;
        let xml = pkg
            .read_part(&part)?
            .ok_or_else(|| PatchError::Missing(format!("la partie « {part} »")))?;
        let info = BookInfo::of(&xml)?;
        let rels_part = rels_of(&part);
        let rels_xml = pkg
            .read_part(&rels_part)?
            .ok_or_else(|| PatchError::Missing("les relations du classeur".into()))?;
        let rels = rels(&rels_xml)?;
        let stored = pkg
            .find(&part)
            .map_or(part.clone(), |i| parts::key_case(&pkg.names[i]));
        let dir = stored
            .rsplit_once('/')
            .map_or(String::new(), |(d, _)| format!("{d}/"));
        Ok(Book {
            part,
            xml,
            info,
            rels_part,
            rels_xml,
            rels,
            dir,
        })
    }
}

/// The names the copy takes for its new parts and relationships, never one the package has.
#[derive(Default)]
struct Taken {
    parts: BTreeSet<String>,
    ids: BTreeSet<String>,
}

/// The stylesheet the copy extends: the one the workbook's relationships name inside the
/// package; when they name none there (or one outside it, which is never followed nor kept),
/// the part where applications and calamine look for it by name, if the package has it; else
/// a new one.
struct Stylesheet {
    /// The package's own part, when it has one.
    part: Option<String>,
    /// The part the copy creates, when the package has none.
    created: Option<String>,
    /// The styles relationships the copy drops (outside the package, or to a part it lacks).
    dropped: Vec<String>,
    xml: Vec<u8>,
}

impl Stylesheet {
    /// Which stylesheet; the relationship and content type it needs go in `book_items` and
    /// `types`.
    fn choose(
        pkg: &mut Package<'_>,
        book: &Book,
        taken: &mut Taken,
        book_items: &mut Vec<String>,
        types: &mut Vec<String>,
    ) -> Result<Stylesheet, PatchError> {
        let related = book
            .rels
            .iter()
            .find(|r| r.is("styles") && !r.external)
            .map(|r| resolve(&book.part, &r.target))
            .filter(|p| pkg.find(p).is_some());
        let conventional = format!("{}styles.xml", book.dir);
        let part = related
            .clone()
            .or_else(|| pkg.find(&conventional).is_some().then_some(conventional));
        let dropped = match &related {
            Some(_) => Vec::new(),
            None => book
                .rels
                .iter()
                .filter(|r| r.is("styles"))
                .map(|r| r.id.clone())
                .collect(),
        };
        let xml = match &part {
            Some(p) => pkg.read_part(p)?.unwrap_or_default(),
            None => styles::EMPTY.as_bytes().to_vec(),
        };
        let created = match (&related, &part) {
            (Some(_), _) => None,
            (None, Some(part)) => {
                let id = fresh_id(&book.rels, &mut taken.ids);
                book_items.push(book::relationship(&id, "styles", part));
                None
            }
            (None, None) => {
                // Where other programs look for it first.
                let part =
                    pkg.fresh_plain(&format!("{}styles", book.dir), ".xml", &mut taken.parts);
                let id = fresh_id(&book.rels, &mut taken.ids);
                book_items.push(book::relationship(&id, "styles", &part));
                types.push(book::content_override(&part, STYLES_TYPE));
                Some(part)
            }
        };
        Ok(Stylesheet {
            part,
            created,
            dropped,
            xml,
        })
    }

    /// The name of its entry in the copy.
    fn entry(&self, pkg: &Package<'_>) -> String {
        match (&self.part, &self.created) {
            (Some(p), _) => pkg.names[pkg.find(p).unwrap_or_default()].clone(),
            (None, Some(p)) => p.clone(),
            (None, None) => unreachable!("a stylesheet is found or created"),
        }
    }
}

/// The annotated copy of `report`'s file, from `bytes`: the package its check read, or the
/// workbook of its values (`origin` says which), written into `out` as it is made.
///
/// In four steps: what is marked where ([`jobs`]), the new parts and what names them, the
/// package copied entry by entry with the marked sheets rewritten ([`copy_entries`]), then
/// the parts that depend on the rewrite (`Anomalies`, the styles, the notes).
pub(super) fn patch<W: Write + Seek>(
    report: &FileReport,
    bytes: &[u8],
    origin: Origin,
    out: W,
) -> Result<W, PatchError> {
    let mut pkg = Package::open(bytes)?;
    let book = Book::read(&mut pkg)?;
    let mut taken = Taken::default();
    let name = anomalies_name(&book.info);
    let actual: BTreeMap<String, String> = book
        .info
        .sheets
        .iter()
        .map(|s| (marks::finding_name(&s.name), s.name.clone()))
        .collect();
    let mut jobs = jobs(&mut pkg, report, &book, &actual, &mut taken)?;

    // The sheet of findings and the styles, and what names them.
    let sheet_part = pkg.fresh(
        &format!("{}worksheets/sheet", book.dir),
        ".xml",
        &mut taken.parts,
    );
    let sheet_rel = fresh_id(&book.rels, &mut taken.ids);
    let mut book_items = vec![book::relationship(&sheet_rel, "worksheet", &sheet_part)];
    let mut types = vec![book::content_override(&sheet_part, SHEET_TYPE)];
    let stylesheet = Stylesheet::choose(&mut pkg, &book, &mut taken, &mut book_items, &mut types)?;
    let mut clones = Clones::new(ListCounts::of(&stylesheet.xml)?);
    let rewritten = Rewritten {
        anomalies: name,
        anomalies_rel: sheet_rel,
        book_rels: book::append_to_root(
            Some(&book::without_relationships(
                &book.rels_xml,
                &stylesheet.dropped,
            )?),
            book::EMPTY_RELS,
            &book_items,
        )?,
        types: content_types(&mut pkg, &jobs, types)?,
        deferred: deferred(stylesheet.part.as_deref(), &jobs),
    };

    let mut zip = ZipWriter::new(out);
    copy_entries(
        &mut pkg,
        &mut zip,
        &book,
        &rewritten,
        &mut jobs,
        &mut clones,
    )?;

    // The sheet of findings, the styles, then each marked sheet's notes and relationships.
    let new_entry = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    zip.start_file(sheet_part.clone(), new_entry)?;
    let mut out = BufWriter::with_capacity(BUFFER, &mut zip);
    anomalies::write(&mut out, report, &actual, &clones, origin)?;
    out.flush()?;
    drop(out);
    zip.start_file(stylesheet.entry(&pkg), new_entry)?;
    styles::rewrite(&stylesheet.xml, &mut zip, &clones)?;
    for job in jobs.iter().filter(|j| !j.cells.is_empty()) {
        write_notes(&mut pkg, &mut zip, job, report, new_entry)?;
    }
    Ok(zip.finish()?)
}

/// `[Content_Types].xml` with `types` (the new sheet's, the stylesheet's) and those of the new
/// notes.
fn content_types(
    pkg: &mut Package<'_>,
    jobs: &[Job],
    mut types: Vec<String>,
) -> Result<Vec<u8>, PatchError> {
    for job in jobs {
        if !job.comments.1 && job.comments_id.is_some() {
            types.push(book::content_override(&job.comments.0, COMMENTS_TYPE));
        }
    }
    let content_types = pkg
        .find("[Content_Types].xml")
        .ok_or_else(|| PatchError::Missing("[Content_Types].xml".into()))?;
    let types_xml = pkg.read(content_types)?;
    if !book::has_default(&types_xml, "vml")? && jobs.iter().any(|j| !j.cells.is_empty()) {
        types.push(format!(
            "<Default Extension=\"vml\" ContentType=\"{VML_TYPE}\"/>"
        ));
    }
    book::append_to_root(Some(&types_xml), "", &types)
}

/// What the copy writes in place of the package's own parts: the workbook, its
/// relationships, the content types; and which parts wait for the worksheets' rewrite.
struct Rewritten {
    /// The name of `Anomalies` in the workbook, and its relationship.
    anomalies: String,
    anomalies_rel: String,
    book_rels: Vec<u8>,
    types: Vec<u8>,
    deferred: BTreeSet<String>,
}

/// One job per worksheet to mark or to unselect, with the names of the parts its notes need.
fn jobs(
    pkg: &mut Package<'_>,
    report: &FileReport,
    book: &Book,
    actual: &BTreeMap<String, String>,
    taken: &mut Taken,
) -> Result<Vec<Job>, PatchError> {
    let mut by_sheet = marks::by_sheet(report, actual);
    let mut jobs: Vec<Job> = Vec::new();
    let mut next_block = notes::FIRST_BLOCK;
    for (position, sheet) in book.info.sheets.iter().enumerate() {
        let Some(rel) = book
            .rels
            .iter()
            .find(|r| r.id == sheet.rel && r.is("worksheet") && !r.external)
        else {
            continue;
        };
        let part = resolve(&book.part, &rel.target);
        if pkg.find(&part).is_none() {
            continue;
        }
        let sheet_marks = by_sheet.remove(&sheet.name).unwrap_or_default();
        let (cells, groups) = marked_cells(report, &sheet_marks);
        let unselect = position == book.info.active;
        if cells.is_empty() && !unselect {
            continue;
        }
        let rels_part = rels_of(&part);
        let rels_found = match pkg.read_part(&rels_part)? {
            Some(x) => rels(&x)?,
            None => Vec::new(),
        };
        let existing = rels_found
            .iter()
            .find(|r| r.is("comments") && !r.external)
            .map(|r| resolve(&part, &r.target))
            .filter(|p| pkg.find(p).is_some());
        let dir = &book.dir;
        let (comments, comments_id) = match existing {
            Some(p) => ((p, true), None),
            None if !cells.is_empty() => (
                (
                    pkg.fresh(&format!("{dir}comments"), ".xml", &mut taken.parts),
                    false,
                ),
                Some(fresh_id(&rels_found, &mut taken.ids)),
            ),
            None => ((String::new(), false), None),
        };
        let new_drawing = if cells.is_empty() {
            (String::new(), String::new())
        } else {
            let stem = format!("{dir}drawings/vmlDrawing");
            (
                pkg.fresh(&stem, ".vml", &mut taken.parts),
                fresh_id(&rels_found, &mut taken.ids),
            )
        };
        let first_block = next_block;
        next_block += notes::blocks_needed(cells.len());
        jobs.push(Job {
            part,
            cells,
            marks: sheet_marks,
            groups,
            unselect,
            rels_part,
            rels: rels_found,
            comments,
            comments_id,
            new_drawing,
            first_block,
            found: worksheet::Found::default(),
        });
    }
    Ok(jobs)
}

/// The cells a sheet's marks fall on (within a worksheet's bounds), sorted, with their
/// severity, and for each the range of its findings in the marks.
#[allow(clippy::type_complexity)]
fn marked_cells(
    report: &FileReport,
    sheet_marks: &marks::SheetMarks,
) -> (Vec<(u32, u32, Severity)>, Vec<std::ops::Range<usize>>) {
    let mut cells = Vec::new();
    let mut groups = Vec::new();
    let mut start = 0;
    for (r, c, group) in sheet_marks.cells() {
        let range = start..start + group.len();
        start = range.end;
        if r > LAST_ROW || c > LAST_COLUMN {
            continue;
        }
        cells.push((r, c, marks::severity(&report.findings, group)));
        groups.push(range);
    }
    (cells, groups)
}

/// The parts written after the worksheets: they depend on what their rewrite finds.
fn deferred(styles: Option<&str>, jobs: &[Job]) -> BTreeSet<String> {
    let mut deferred: BTreeSet<String> = styles.map(key).into_iter().collect();
    for job in jobs.iter().filter(|j| !j.cells.is_empty()) {
        deferred.insert(key(&job.rels_part));
        if job.comments.1 {
            deferred.insert(key(&job.comments.0));
        }
        for rel in job
            .rels
            .iter()
            .filter(|r| r.is("vmlDrawing") && !r.external)
        {
            deferred.insert(key(&resolve(&job.part, &rel.target)));
        }
    }
    deferred
}

/// Every entry of the package into `zip`, as it was (its compressed bytes), but the
/// workbook, its relationships, the content types and the marked sheets, rewritten; the
/// deferred parts left for later.
fn copy_entries<W: Write + Seek>(
    pkg: &mut Package<'_>,
    zip: &mut ZipWriter<W>,
    book: &Book,
    rewritten: &Rewritten,
    jobs: &mut [Job],
    clones: &mut Clones,
) -> Result<(), PatchError> {
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for index in 0..pkg.names.len() {
        let entry_name = pkg.names[index].clone();
        let k = key(&entry_name);
        let time = pkg
            .archive
            .by_index_raw(index)?
            .last_modified()
            .unwrap_or_default();
        let options = deflated.last_modified_time(time);
        if pkg.find(&entry_name) != Some(index) {
            // A second entry of the same part, which applications never read.
            let entry = pkg.archive.by_index_raw(index)?;
            zip.raw_copy_file(entry)?;
        } else if rewritten.deferred.contains(&k) {
            // Written after the worksheets.
        } else if k == key(&book.part) {
            zip.start_file(entry_name, options)?;
            book::rewrite_workbook(
                &book.xml,
                &mut *zip,
                &rewritten.anomalies,
                book.info.max_sheet_id + 1,
                &rewritten.anomalies_rel,
            )?;
        } else if k == key(&book.rels_part) {
            zip.start_file(entry_name, options)?;
            zip.write_all(&rewritten.book_rels)?;
        } else if k == key("[Content_Types].xml") {
            zip.start_file(entry_name, options)?;
            zip.write_all(&rewritten.types)?;
        } else if let Some(job) = jobs.iter_mut().find(|j| key(&j.part) == k) {
            zip.start_file(entry_name, options)?;
            rewrite_sheet(pkg, index, job, zip, clones)?;
        } else {
            let entry = pkg.archive.by_index_raw(index)?;
            zip.raw_copy_file(entry)?;
        }
    }
    Ok(())
}

/// The worksheet of entry `index` marked as `job` says, into the open entry of `zip`. A
/// marked sheet is read once more first: are its rows and cells in order?
fn rewrite_sheet<W: Write + Seek>(
    pkg: &mut Package<'_>,
    index: usize,
    job: &mut Job,
    zip: &mut ZipWriter<W>,
    clones: &mut Clones,
) -> Result<(), PatchError> {
    let survey = if job.cells.is_empty() {
        worksheet::Survey::unmarked()
    } else {
        let input = BufReader::with_capacity(64 * 1024, pkg.archive.by_index(index)?);
        worksheet::survey(input, &job.cells)?
    };
    let marking = worksheet::Marking {
        cells: &job.cells,
        unselect: job.unselect,
        drawing_id: &job.new_drawing.1,
        survey: &survey,
    };
    let input = BufReader::with_capacity(64 * 1024, pkg.archive.by_index(index)?);
    let mut out = BufWriter::with_capacity(BUFFER, zip);
    job.found = worksheet::rewrite(input, &mut out, &marking, clones)?;
    out.flush()?;
    Ok(())
}

/// The notes of a marked sheet: its comments and drawing parts, new or extended, and its
/// relationships.
fn write_notes<W: Write + Seek>(
    pkg: &mut Package<'_>,
    zip: &mut ZipWriter<W>,
    job: &Job,
    report: &FileReport,
    options: SimpleFileOptions,
) -> Result<(), PatchError> {
    let cells: Vec<(u32, u32)> = job.cells.iter().map(|&(r, c, _)| (r, c)).collect();
    let had = write_comments(pkg, zip, job, report, &cells, options)?;
    let shapes: Vec<(u32, u32)> = cells
        .iter()
        .zip(&had)
        .filter(|(_, h)| !**h)
        .map(|(c, _)| *c)
        .collect();
    let mut items = Vec::new();
    if let Some(id) = &job.comments_id {
        items.push(book::relationship(id, "comments", &job.comments.0));
    }
    // The sheet's own drawing (found by its `legacyDrawing`), or ours.
    let existing = job.found.legacy_drawing.as_ref().and_then(|id| {
        job.rels
            .iter()
            .find(|r| &r.id == id && !r.external)
            .map(|r| resolve(&job.part, &r.target))
            .filter(|p| pkg.find(p).is_some())
    });
    // Drawings of the sheet this patch does not extend are copied as they were.
    for rel in job
        .rels
        .iter()
        .filter(|r| r.is("vmlDrawing") && !r.external)
    {
        let part = resolve(&job.part, &rel.target);
        if Some(&part) == existing.as_ref() {
            continue;
        }
        if let Some(i) = pkg.find(&part) {
            let entry = pkg.archive.by_index_raw(i)?;
            zip.raw_copy_file(entry)?;
        }
    }
    match existing {
        Some(part) => {
            let vml = pkg.read_part(&part)?.unwrap_or_default();
            zip.start_file(stored_name(pkg, &part), options)?;
            zip.write_all(&notes::extend_drawing(&vml, &shapes, job.first_block))?;
        }
        None if job.found.drawing_added => {
            zip.start_file(job.new_drawing.0.clone(), options)?;
            let mut out = BufWriter::with_capacity(BUFFER, &mut *zip);
            notes::new_drawing(&mut out, &shapes, job.first_block)?;
            out.flush()?;
            items.push(book::relationship(
                &job.new_drawing.1,
                "vmlDrawing",
                &job.new_drawing.0,
            ));
        }
        None => {}
    }
    let rels_xml = pkg.read_part(&job.rels_part)?;
    zip.start_file(stored_name(pkg, &job.rels_part), options)?;
    zip.write_all(&book::append_to_root(
        rels_xml.as_deref(),
        book::EMPTY_RELS,
        &items,
    )?)?;
    Ok(())
}

/// The notes of a marked sheet's `cells`: its comments part extended, or a new one; for each
/// cell, whether it already had a note (its shape is then the file's own).
fn write_comments<W: Write + Seek>(
    pkg: &mut Package<'_>,
    zip: &mut ZipWriter<W>,
    job: &Job,
    report: &FileReport,
    cells: &[(u32, u32)],
    options: SimpleFileOptions,
) -> Result<Vec<bool>, PatchError> {
    let text = |i: usize| {
        marks::note_text(
            job.marks.0[job.groups[i].clone()]
                .iter()
                .map(|&(_, _, f)| &report.findings[f as usize]),
        )
    };
    Ok(if job.comments.1 {
        let xml = pkg.read_part(&job.comments.0)?.unwrap_or_default();
        zip.start_file(stored_name(pkg, &job.comments.0), options)?;
        let mut out = BufWriter::with_capacity(BUFFER, &mut *zip);
        let had = notes::extend_comments(&xml, &mut out, cells, &text)?;
        out.flush()?;
        had
    } else {
        zip.start_file(job.comments.0.clone(), options)?;
        let mut out = BufWriter::with_capacity(BUFFER, &mut *zip);
        notes::new_comments(&mut out, cells, &text)?;
        out.flush()?;
        vec![false; cells.len()]
    })
}

/// The name a part is stored under in the package, or `part` for a new one.
fn stored_name(pkg: &Package<'_>, part: &str) -> String {
    pkg.find(part)
        .map_or_else(|| part.to_string(), |i| pkg.names[i].clone())
}

/// The workbook part: where the package's relationships say, else `xl/workbook.xml`.
fn main_part(pkg: &mut Package<'_>) -> Result<String, PatchError> {
    let from_rels = match pkg.read_part("_rels/.rels")? {
        Some(xml) => crate::read::package::office_document(&String::from_utf8_lossy(&xml))
            .map(|target| resolve("", &target))
            .filter(|p| pkg.find(p).is_some()),
        None => None,
    };
    from_rels
        .or_else(|| {
            pkg.find("xl/workbook.xml")
                .map(|_| "xl/workbook.xml".to_string())
        })
        .ok_or_else(|| PatchError::Missing("le classeur".into()))
}

/// `Anomalies`, or a name no sheet of the file has.
fn anomalies_name(info: &BookInfo) -> String {
    let taken = |n: &str| {
        info.sheets
            .iter()
            .any(|s| s.name.to_lowercase() == n.to_lowercase())
    };
    std::iter::once(ANOMALIES.to_string())
        .chain((1..).map(|n| {
            if n == 1 {
                format!("{ANOMALIES} (spro)")
            } else {
                format!("{ANOMALIES} (spro {n})")
            }
        }))
        .find(|n| !taken(n))
        .expect("a free name")
}
