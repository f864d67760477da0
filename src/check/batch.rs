//! The batch: every file checked in parallel and taken in path order, then the rules across
//! files — B001 (a network sent twice) and B002 (a network that sent nothing) — and the
//! configuration settled. The one place where a file's outcome depends on the others.
//!
//! B001 is known only once every file is read, yet files are taken as they come. The two ways
//! a batch is taken settle it here, each once:
//! - **kept** ([`Checker::check_batch`], and the page's upload, which checks its files as they
//!   arrive): the reports are kept (without their data), so [`Checker::conclude`] adds B001 to
//!   them and hands each report it changed to `redo` (the annotated copy made again);
//! - **streamed** ([`Checker::drive`], the consolidation): nothing is kept but a few keys, the
//!   outputs are written as the files come, so a batch whose duplicates were not those assumed
//!   is taken again, whole, knowing them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::finding::Finding;
use crate::inputs::Input;
use crate::msg;
use crate::read::Admitted;
use crate::referential::Referential;
use crate::rules::Code;
use crate::schema::SheetKind;

use super::{Checker, FileReport, Report, Status};

/// Files checked ahead of the one being consumed, per thread: enough to keep every core
/// busy, few enough that memory holds only a handful of workbooks.
const LOOK_AHEAD_PER_THREAD: usize = 2;

/// What [`Checker::check_batch`] does with each file checked: its report (configuration
/// applied) and the bytes it read, when it could read them.
pub type Each<'a, E> = dyn Fn(&FileReport, Option<Admitted>) -> Result<(), E> + Sync + 'a;

/// What [`Checker::conclude`] does with a file the batch step changed (B001 added): its copy
/// made again, from what the caller still has of it.
pub type Redo<'a, E> = dyn FnMut(&FileReport) -> Result<(), E> + 'a;

/// Who takes the files of a streamed batch ([`Checker::drive`]), in path order.
pub(crate) trait Taker: Send {
    /// What is made of each file on its checking thread.
    type Item: Send;
    type Error: Send;
    /// A pass begins: 1, then 2 when the first showed other duplicates than assumed.
    fn begin(&mut self, pass: usize) -> Result<(), Self::Error>;
    fn take(&mut self, item: Self::Item) -> Result<(), Self::Error>;
    /// The pass is over: whether what was taken is final as far as the taker is concerned (the
    /// consolidation waits for the file counted of each network to settle); the pass is final
    /// when the duplicates were also those assumed.
    fn settled(&mut self) -> bool;
}

impl Checker {
    /// Checks every input (in parallel on the current rayon pool) and runs the batch rules,
    /// calling `done` after each file (progress bars). `list_missing` says whether missing
    /// networks are listed (B002) (a folder was given, or consolidation).
    pub fn check_inputs(
        &self,
        inputs: &[Input],
        list_missing: bool,
        done: &(dyn Fn() + Sync),
    ) -> Report {
        let each = |_: &FileReport, _: Option<Admitted>| {
            done();
            Ok::<(), std::convert::Infallible>(())
        };
        match self.check_batch(inputs, list_missing, &each, &mut |_| Ok(())) {
            Ok(report) => report,
            Err(never) => match never {},
        }
    }

    /// A kept batch (`check`, with or without `--annote`): every input checked, `each` called
    /// on every file with the bytes it read (to make its annotated copy, count it…), then the
    /// batch step ([`Checker::conclude`]), `redo` called on the files it changed.
    pub fn check_batch<E: Send>(
        &self,
        inputs: &[Input],
        list_missing: bool,
        each: &Each<'_, E>,
        redo: &mut Redo<'_, E>,
    ) -> Result<Report, E> {
        let mut sorted: Vec<&Input> = inputs.iter().collect();
        sorted.sort_by(|a, b| a.path().cmp(b.path()));
        let mut files = Vec::with_capacity(sorted.len());
        self.stream(
            &sorted,
            &Duplicates::default(),
            |report, wb| each(&report, wb).map(|()| report),
            |checked| {
                files.push(checked?);
                Ok(())
            },
        )?;
        self.conclude(files, list_missing, redo)
    }

    /// The batch step over files checked one by one and kept: path order, B001 added (and
    /// `redo` called on each file it changed), the configuration applied, the batch findings
    /// (B002 when `list_missing`).
    pub(crate) fn conclude<E>(
        &self,
        mut files: Vec<FileReport>,
        list_missing: bool,
        redo: &mut Redo<'_, E>,
    ) -> Result<Report, E> {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let duplicates = Duplicates::of(&files);
        for f in &mut files {
            let changed = duplicates.add_findings(f);
            self.finish(f);
            if changed {
                redo(f)?;
            }
        }
        let batch = self.batch_findings(&files, list_missing);
        Ok(Report {
            files,
            batch,
            template: self.registry.current().version.clone(),
        })
    }

    /// A streamed batch (the consolidation): every input checked, `map`ped on its checking
    /// thread and taken by `taker` in path order. A file's outcome depends on the others only
    /// through B001: the first pass assumes no duplicate and, when the batch shows some (or
    /// `taker` is not settled), a second is made knowing them. A batch with duplicates, an
    /// error to correct, is therefore checked twice; any other once. `Ok(false)`: still not
    /// settled after the second pass (the files changed while they were read).
    pub(crate) fn drive<K: Taker>(
        &self,
        inputs: &[Input],
        map: impl Fn(FileReport) -> K::Item + Sync,
        taker: &mut K,
    ) -> Result<bool, K::Error> {
        let mut inputs: Vec<&Input> = inputs.iter().collect();
        inputs.sort_by(|a, b| a.path().cmp(b.path()));
        let mut known = Duplicates::default();
        for pass in 1..=2 {
            taker.begin(pass)?;
            let mut keys = Vec::with_capacity(inputs.len());
            self.stream(
                &inputs,
                &known,
                |file, _| (Key::of(&file), map(file)),
                |(key, item)| {
                    keys.push(key);
                    taker.take(item)
                },
            )?;
            let found = Duplicates::of_keys(keys);
            let settled = taker.settled();
            if found == known && settled {
                return Ok(true);
            }
            known = found;
        }
        Ok(false)
    }

    /// One pass: every input checked in parallel on the current rayon pool, B001 added from
    /// the duplicates `known` so far and the configuration applied, then `map`ped on the
    /// checking thread (with the bytes it read) and handed to `consume` in the order of
    /// `inputs`, at most a few files per thread ahead: memory is that of the files in flight,
    /// whatever the batch.
    fn stream<T: Send, E: Send>(
        &self,
        inputs: &[&Input],
        known: &Duplicates,
        map: impl Fn(FileReport, Option<Admitted>) -> T + Sync,
        consume: impl FnMut(T) -> Result<(), E> + Send,
    ) -> Result<(), E> {
        let window = LOOK_AHEAD_PER_THREAD * rayon::current_num_threads();
        crate::ordered::map_in_order(
            inputs,
            window,
            |input| {
                let (mut report, wb) = self.check_input_read(input);
                known.add_findings(&mut report);
                self.finish(&mut report);
                map(report, wb)
            },
            consume,
        )
    }

    /// The last step for a file whose batch findings (B001) are in: configuration overrides,
    /// order, status.
    pub(crate) fn finish(&self, file: &mut FileReport) {
        self.settle(&mut file.findings);
        file.status = super::status_of(&file.findings);
    }

    /// The findings of the batch itself (B002, when `list_missing`), settled, from the files finished.
    pub(crate) fn batch_findings(&self, files: &[FileReport], list_missing: bool) -> Vec<Finding> {
        let mut batch = match self.year() {
            Some(year) if list_missing => missing_networks(files, &self.referential, year),
            _ => Vec::new(),
        };
        self.settle(&mut batch);
        batch
    }
}

/// What B001 knows of a file: its path, network (in capitals) and year.
struct Key {
    path: PathBuf,
    network: Option<(String, i32)>,
}

impl Key {
    fn of(file: &FileReport) -> Key {
        Key {
            path: file.path.clone(),
            network: file
                .reseau
                .as_ref()
                .zip(file.annee)
                .map(|(r, a)| (r.to_uppercase(), a)),
        }
    }
}

/// B001: the files that hold the same network and year, by (code in capitals, year), in/// Whether a file's name holds a network code (an unreadable file still tells who sent it).
pub fn file_names_code(path: &Path, code: &str) -> bool {
    path.file_name()
        .map(|n| {
            n.to_string_lossy()
                .to_uppercase()
                .contains(&code.to_uppercase())
        })
        .unwrap_or(false)
}

/// B001: the files that hold the same network and year, by (code in capitals, year), in
/// path order; only groups of two or more.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Duplicates(BTreeMap<(String, i32), Vec<PathBuf>>);

impl Duplicates {
    pub fn of<'a>(files: impl IntoIterator<Item = &'a FileReport>) -> Duplicates {
        Duplicates::of_keys(files.into_iter().map(Key::of))
    }

    fn of_keys(keys: impl IntoIterator<Item = Key>) -> Duplicates {
        let mut groups: BTreeMap<(String, i32), Vec<PathBuf>> = BTreeMap::new();
        for key in keys {
            if let Some(network) = key.network {
                groups.entry(network).or_default().push(key.path);
            }
        }
        groups.retain(|_, members| members.len() > 1);
        Duplicates(groups)
    }

    /// The files of each network sent more than once.
    pub fn groups(&self) -> impl Iterator<Item = &Vec<PathBuf>> {
        self.0.values()
    }

    /// B001 on `file` when another file of the batch holds its network and year, at its Code
    /// réseau, naming the others; whether it was added.
    pub fn add_findings(&self, file: &mut FileReport) -> bool {
        let (Some(r), Some(year)) = (&file.reseau, file.annee) else {
            return false;
        };
        let code = r.to_uppercase();
        let Some(members) = self.0.get(&(code.clone(), year)) else {
            return false;
        };
        let others: Vec<String> = members
            .iter()
            .filter(|p| **p != file.path)
            .map(|p| format!("« {} »", p.display()))
            .collect();
        let mut finding = Finding::new(Code::B001, {
            let others = others.join(", ");
            msg!(
                "le bilan {year} du réseau {code} figure aussi dans {others} : gardez la version définitive et retirez l'autre du lot",
                "the {year} bilan of network {code} is also in {others}: keep the final version and remove the other from the batch"
            )
        })
        .sheet(SheetKind::Identification)
        .value(file.reseau.clone());
        if let Some((r, c)) = file.code_cell {
            finding = finding.at(r, c);
        }
        file.findings.push(finding);
        true
    }
}

/// B002: networks of the referential with no file for `year`.
fn missing_networks(files: &[FileReport], referential: &Referential, year: i32) -> Vec<Finding> {
    referential
        .networks
        .iter()
        .filter(|n| {
            !files.iter().any(|f| match (&f.reseau, f.status) {
                (Some(r), _) => r.eq_ignore_ascii_case(&n.code) && f.annee.is_none_or(|a| a == year),
                (None, Status::Unreadable) => file_names_code(&f.path, &n.code),
                _ => false,
            })
        })
        .map(|n| {
            let mut f = Finding::new(
                Code::B002,
                {
                    let (code, nom) = (&n.code, &n.nom);
                    msg!(
                        "le réseau {code} ({nom}) n'a transmis aucun tableau de bord pour {year} : relancez-le",
                        "the network {code} ({nom}) sent no tableau de bord for {year}: remind it"
                    )
                },
            );
            f.reseau = Some(n.code.clone());
            f
        })
        .collect()
}
