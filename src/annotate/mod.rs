//! `spro check --annote DIR` and the page's download: gives a coordinator back their own
//! workbook with every problem shown where it is. Each cell with a finding is filled (red
//! error, orange warning, blue info) and carries one note gathering its findings and how to
//! fix them; a first sheet `Anomalies` lists every finding with a link to its cell.
//!
//! An `.xlsx` or `.xlsm` is marked in place ([`ooxml`]): the copy is the coordinator's file,
//! drop-downs, formulas, widths and all. Other formats (`.xls`, `.xlsb`, `.ods`), and a
//! package that cannot be marked, get a new `.xlsx` holding their values ([`rebuilt`]),
//! marked the same way.

mod marks;
mod ooxml;
mod rebuilt;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Seek, Write};
use std::path::{Path, PathBuf};

use crate::check::{Checker, FileReport, Report};
use crate::i18n::Msg;
use crate::inputs::Input;
use crate::read::{Admitted, Format};

pub use marks::{ANOMALIES, VALUES_ONLY};
pub use ooxml::PatchError;

/// Why an annotated copy could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    Io(#[from] std::io::Error),
    /// The copy of the values could not be marked.
    Marked(#[source] PatchError),
}

impl crate::i18n::Said for CopyError {
    fn said(&self) -> Msg {
        match self {
            CopyError::Xlsx(e) => e.said(),
            CopyError::Io(e) => e.said(),
            CopyError::Marked(e) => crate::msg!(
                "la copie annotée n'a pas pu être marquée ({e})",
                "the annotated copy could not be marked ({e})"
            ),
        }
    }
}

crate::said_in_french!(CopyError);
pub use rebuilt::Scratch;

/// Output names for `files` (in their sorted order): `<stem>.annote.xlsx`, then `-2`, `-3`…
/// for stems already taken (contrat §7.16). An `.xlsm` keeps its macros, so its copy is
/// `<stem>.annote.xlsm` (Excel refuses a macro workbook named `.xlsx`).
pub fn output_names(files: &[&Path]) -> Vec<String> {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    files
        .iter()
        .map(|p| {
            let stem = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "classeur".into());
            let ext = match p.extension().map(|e| e.to_string_lossy().to_lowercase()) {
                Some(e) if e == "xlsm" => "xlsm",
                _ => "xlsx",
            };
            let mut name = format!("{stem}.annote.{ext}");
            let mut n = 2;
            while !taken.insert(name.to_lowercase()) {
                name = format!("{stem}-{n}.annote.{ext}");
                n += 1;
            }
            name
        })
        .collect()
}

/// The annotated copy of `report`'s file from the bytes its check read (`None` when it could
/// not be read): a second pass over them, in memory. An `.xlsx`/`.xlsm` is patched; anything
/// else, or a package the patch cannot mark, is rebuilt from its values, assembled as
/// `scratch` says.
pub fn copy_of(
    checker: &Checker,
    report: &FileReport,
    admitted: Option<&Admitted>,
    scratch: Scratch,
) -> Result<Vec<u8>, CopyError> {
    copy_into(checker, report, admitted, scratch, &mut || {
        Ok(Cursor::new(Vec::new()))
    })
    .map(Cursor::into_inner)
}

/// The annotated copy, as [`copy_of`], written as it is made into what `start` gives (a
/// file: the copy is never held whole). `start` is called again when a first way fails
/// halfway, and must then start afresh (a file created again).
pub fn copy_into<W: Write + Seek + Send>(
    checker: &Checker,
    report: &FileReport,
    admitted: Option<&Admitted>,
    scratch: Scratch,
    start: &mut dyn FnMut() -> std::io::Result<W>,
) -> Result<W, CopyError> {
    if let Some(a) = admitted.filter(|a| a.format == Format::Xlsx) {
        // A package the patch cannot mark (or a bug of ours on a file no test foresaw) gets
        // the copy of its values: the coordinator always gets a copy.
        let out = start()?;
        if let Ok(out) = marked(report, &a.bytes, marks::Origin::Own, out) {
            return Ok(out);
        }
    }
    rebuilt::copy_into(report, admitted, &checker.config.limits, scratch, start)
}

/// The `.xlsx`/`.xlsm` package `bytes` (as the check admitted them) marked with `report`'s
/// findings, or why it cannot be. Public for the fuzzer, which drives it without a safety net.
pub fn patch(report: &FileReport, bytes: &[u8]) -> Result<Vec<u8>, PatchError> {
    ooxml::patch(report, bytes, marks::Origin::Own, Cursor::new(Vec::new())).map(Cursor::into_inner)
}

/// The package `bytes` marked with `report`'s findings into `out`, or why not, a panic
/// included (a bug of ours on a file no test foresaw must not take the batch or the server
/// down).
fn marked<W: Write + Seek>(
    report: &FileReport,
    bytes: &[u8],
    origin: marks::Origin,
    out: W,
) -> Result<W, PatchError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ooxml::patch(report, bytes, origin, out)
    }))
    .map_err(|_| PatchError::Internal)?
}

/// Whether the copy of a file in `format` is the file itself, marked (else a new workbook of
/// its values).
pub fn patched_in_place(format: Format) -> bool {
    format == Format::Xlsx
}

/// A file checked with its annotated copy, before the batch step.
#[derive(Debug)]
pub struct Annotated {
    /// Its report, the configuration applied, without batch findings.
    pub report: FileReport,
    /// Its copy, made from the bytes the check read (never read from the file again).
    pub copy: Result<Vec<u8>, CopyError>,
}

/// Checks one input and makes its annotated copy from what the check read: the one path of
/// `check --annote` and `spro serve`.
pub fn check(checker: &Checker, input: &Input) -> Annotated {
    let (report, admitted) = checker.check_input_read(input);
    annotated(checker, report, admitted)
}

/// The annotated copy of a file just checked, from the bytes its check read.
pub fn annotated(
    checker: &Checker,
    mut report: FileReport,
    admitted: Option<Admitted>,
) -> Annotated {
    checker.finish(&mut report);
    let copy = copy_of(checker, &report, admitted.as_ref(), Scratch::Memory);
    Annotated { report, copy }
}

/// The annotated copy of `report` (final, batch findings in), reading `input` again, into
/// what `start` gives (see [`copy_into`]).
pub fn recopy<W: Write + Seek + Send>(
    checker: &Checker,
    report: &FileReport,
    input: &Input,
    scratch: Scratch,
    start: &mut dyn FnMut() -> std::io::Result<W>,
) -> Result<W, CopyError> {
    let (_, admitted) = checker.check_input_read(input);
    copy_into(checker, report, admitted.as_ref(), scratch, start)
}

/// What a copy is made from.
enum Source<'a> {
    /// The bytes the check read (`None` when it could not read them).
    Checked(Option<&'a Admitted>),
    /// The input, read again.
    Again(&'a Input),
}

/// Writes the annotated copy of `report` to `out` atomically, as it is made (never whole in
/// memory).
fn write_copy(
    checker: &Checker,
    report: &FileReport,
    source: Source<'_>,
    out: &Path,
) -> Result<(), crate::output::OutputError> {
    crate::output::write_with(out, |tmp| {
        let mut start = || std::fs::File::create(tmp).map(std::io::BufWriter::new);
        let written = match source {
            Source::Checked(admitted) => {
                copy_into(checker, report, admitted, Scratch::TempFiles, &mut start)
            }
            Source::Again(input) => recopy(checker, report, input, Scratch::TempFiles, &mut start),
        }?;
        written
            .into_inner()
            .map_err(|e| CopyError::Io(e.into_error()))
            .map(drop)
    })
}

/// `check --annote DIR`: checks `inputs` (in parallel on the current rayon pool) and writes
/// each file's annotated copy into `dir` as soon as it is checked (atomically), then the batch
/// step ([`Checker::conclude`]); a copy it makes stale is written again. Returns the report and the paths written.
pub fn check_and_write(
    checker: &Checker,
    inputs: &[Input],
    list_missing: bool,
    dir: &Path,
    done: &(dyn Fn() + Sync),
) -> Result<(Report, Vec<PathBuf>), crate::output::OutputError> {
    // Names given in path order, so that `-2`, `-3`… go to the same files whatever the order.
    let mut paths: Vec<&Path> = inputs.iter().map(|i| i.path()).collect();
    paths.sort();
    let outputs: BTreeMap<PathBuf, PathBuf> = output_names(&paths)
        .into_iter()
        .zip(&paths)
        .map(|(n, p)| (p.to_path_buf(), dir.join(n)))
        .collect();
    for out in outputs.values() {
        crate::output::refuse_overwriting_input(out, paths.iter().copied())?;
    }
    let each = |report: &FileReport, admitted: Option<Admitted>| {
        write_copy(
            checker,
            report,
            Source::Checked(admitted.as_ref()),
            &outputs[&report.path],
        )?;
        done();
        Ok(())
    };
    // A copy made before the batch step misses the B001 it adds (the same network twice):
    // made again, reading the file again (the one case, rare and an error to correct).
    let mut redo = |file: &FileReport| match inputs.iter().find(|i| i.path() == file.path) {
        Some(input) => write_copy(checker, file, Source::Again(input), &outputs[&file.path]),
        None => Ok(()),
    };
    let report = checker.check_batch(inputs, list_missing, &each, &mut redo)?;
    let written = outputs.into_values().collect();
    Ok((report, written))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::referential::Referential;

    /// A checker of the year 2025 with the embedded referential and schemas.
    pub(super) fn checker_2025() -> Checker {
        let config = Config {
            annee: Some(2025),
            ..Config::default()
        };
        Checker::build(crate::check::CheckSettings::new(
            config,
            Referential::embedded(),
        ))
        .expect("the checker of 2025")
    }

    /// The copy written into a file as it is made (`check --annote`) is, byte for byte, the
    /// copy made in memory (the page's download), for a coordinator's `.xlsx` and for an `.ods`.
    #[test]
    fn a_copy_written_as_it_is_made_is_the_copy_in_memory() {
        let checker = checker_2025();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for (name, format) in [
            ("fixtures/cas/C005-logo-manquant.xlsx", Format::Xlsx),
            ("fixtures/bilans/2025/41-BLO.ods", Format::Ods),
        ] {
            let bytes = std::fs::read(root.join(name)).expect("a fixture");
            let (mut report, admitted) = checker.check_bytes(Path::new(name), format, bytes);
            checker.finish(&mut report);
            let memory = copy_of(&checker, &report, admitted.as_ref(), Scratch::TempFiles)
                .expect("a copy in memory");
            let file = tempfile::NamedTempFile::new().expect("a file");
            let mut start = || std::fs::File::create(file.path());
            copy_into(
                &checker,
                &report,
                admitted.as_ref(),
                Scratch::TempFiles,
                &mut start,
            )
            .expect("a copy in a file");
            assert_eq!(
                std::fs::read(file.path()).expect("written"),
                memory,
                "{name}"
            );
            assert!(memory.len() > 5_000, "{name}");
        }
    }
}
