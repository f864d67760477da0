//! The fold of a consolidation: the checked files taken one by one in path order, kept without
//! their data, and at the end the report and the regional figures ([`Regional`]) every output
//! shows — computed once, here, whatever the outputs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::check::{Checker, Duplicates, FileReport, Report, Status};
use crate::read::values::Typed;
use crate::schema::SheetKind;

use super::indicators::Tally;
use super::networks::{self, NetworkRow};
use super::{Choices, Provenance, Regional};

/// A file checked and settled, with what the fold and the outputs need besides its rows, made
/// on the checking thread so that the one step that cannot be shared (the outputs, in order)
/// only writes.
pub struct Checked {
    /// Batch findings (B001, from the duplicates known) in, status settled; its data kept
    /// until every output has taken it.
    pub file: FileReport,
    /// Its département: the file's, else its network's in the referential.
    pub departement: Option<String>,
    /// Its line among the networks, for a file of the year (files of another year go to the
    /// findings only).
    pub line: Option<NetworkRow>,
    /// Its figures, for a file counted in the indicators.
    tally: Option<Tally>,
}

impl Checked {
    /// A file as the batch driver gives it (B001 of the duplicates known and the configuration
    /// in).
    ///
    /// `yielding`: the files of a network sent twice that give way to another of its files
    /// (never counted, so that the network is counted once, see [`Fold::yielding`]).
    pub(super) fn new(
        file: FileReport,
        checker: &Checker,
        choices: &Choices,
        yielding: &BTreeSet<PathBuf>,
    ) -> Checked {
        if !of_the_year(&file, choices.year) {
            return Checked {
                file,
                departement: None,
                line: None,
                tally: None,
            };
        }
        let departement = departement(&file, checker);
        let mut line = networks::line(&file, departement.clone(), checker);
        let counted = match file.status {
            Status::Valid | Status::ValidWithWarnings => true,
            Status::Invalid => choices.include_invalid,
            Status::Unreadable => false,
        } && !yielding.contains(&file.path);
        line.counted = counted;
        let line = Some(line);
        let tally = counted.then(|| {
            let mut tally = Tally::default();
            if let (Some(b), Some(dep)) = (&file.bilan, &departement) {
                tally.add(b, dep, &checker.schemas);
                let own = file
                    .model
                    .as_ref()
                    .and_then(|m| checker.registry.versions.get(m.index))
                    .map_or_else(|| checker.schemas.clone(), |v| v.schemas.clone());
                tally.gives(&own, dep, file.reseau.as_deref().unwrap_or_default());
            }
            tally
        });
        Checked {
            file,
            departement,
            line,
            tally,
        }
    }

    /// Whether the file is counted in the figures (of the year, without errors unless
    /// `--inclure-non-conformes`).
    pub fn counted(&self) -> bool {
        self.tally.is_some()
    }

    /// Whether the file is of the year consolidated: its rows go to the data sheets.
    pub fn of_the_year(&self) -> bool {
        self.line.is_some()
    }
}

/// A file counts in the consolidation when it is of the year asked (files of another year go
/// to the findings only).
fn of_the_year(f: &FileReport, year: i32) -> bool {
    f.annee.is_none_or(|a| a == year)
}

fn departement(f: &FileReport, checker: &Checker) -> Option<String> {
    let schema = checker.schemas.sheet(SheetKind::Identification);
    let from_file = f
        .bilan
        .as_ref()
        .and_then(|b| b.identification())
        .and_then(|r| r.get(schema.index("departement")))
        .and_then(Typed::as_text)
        .map(str::to_string);
    from_file.or_else(|| {
        f.reseau
            .as_deref()
            .and_then(|c| checker.referential.get(c))
            .map(|n| n.departement.clone())
    })
}

/// What is kept of the files so far: the files without their data, the networks' lines, the
/// figures summed.
pub struct Fold<'a> {
    checker: &'a Checker,
    choices: &'a Choices,
    files: Vec<FileReport>,
    lines: Vec<NetworkRow>,
    tally: Tally,
    /// Files counted in the indicators.
    counted: usize,
    /// Each file's `Date de transmission` (`None`: not given), to choose which file of a network
    /// sent twice counts.
    sent: BTreeMap<PathBuf, Option<chrono::NaiveDate>>,
}

impl<'a> Fold<'a> {
    pub fn new(checker: &'a Checker, choices: &'a Choices) -> Fold<'a> {
        Fold {
            checker,
            choices,
            files: Vec::new(),
            lines: Vec::new(),
            tally: Tally::default(),
            counted: 0,
            sent: BTreeMap::new(),
        }
    }

    /// Empty again, for a second pass over the batch.
    pub fn restart(&mut self) {
        *self = Fold::new(self.checker, self.choices);
    }

    /// Takes the next file in path order: its line and figures; keeps the file without its
    /// data.
    pub fn add(&mut self, checked: Checked) {
        let Checked {
            mut file,
            line,
            tally,
            ..
        } = checked;
        if let Some(line) = &line {
            self.sent.insert(file.path.clone(), line.transmission);
        }
        self.lines.extend(line);
        if let Some(tally) = tally {
            self.counted += 1;
            self.tally.merge(tally);
        }
        file.bilan = None;
        self.files.push(file);
    }

    /// How many files so far.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file came yet.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The networks sent more than once so far (B001).
    pub fn duplicates(&self) -> Duplicates {
        Duplicates::of(&self.files)
    }

    /// Of each network sent more than once, the files that give way to the one counted (with
    /// `--inclure-non-conformes`, a network is counted once, whatever its files): the latest
    /// `Date de transmission` counts, and between equal dates the file whose content
    /// (SHA-256, `hashes`) sorts last — never its name, so that renaming files changes
    /// nothing.
    pub fn yielding(&self, hashes: &[super::Provenance]) -> BTreeSet<PathBuf> {
        let hash = |p: &PathBuf| {
            hashes
                .iter()
                .find(|h| h.path == *p)
                .and_then(|h| h.sha256.clone())
        };
        let mut out = BTreeSet::new();
        for paths in self.duplicates().groups() {
            let rank = |p: &PathBuf| (self.sent.get(p).copied().flatten(), hash(p));
            let Some(kept) = paths.iter().max_by(|a, b| rank(a).cmp(&rank(b))) else {
                continue;
            };
            out.extend(paths.iter().filter(|p| *p != kept).cloned());
        }
        out
    }

    /// The report (with the batch's own findings, B002) and the regional figures, the inputs'
    /// provenance (`this_year`'s files, then the `year_before`'s) joined.
    pub fn finish(
        self,
        this_year: Vec<Provenance>,
        year_before: Vec<Provenance>,
    ) -> (Report, Regional) {
        let provenance = (this_year, year_before);
        let checker = self.checker;
        let batch = checker.batch_findings(&self.files, true);
        let networks = networks::complete(self.lines, checker);
        let regional = Regional {
            year: self.choices.year,
            evolution: checker
                .previous
                .as_ref()
                .map(|previous| super::Table::new(&networks, previous, checker)),
            networks,
            indicators: self.tally.indicators(&checker.schemas),
            counted: self.counted,
            provenance,
        };
        let report = Report {
            files: self.files,
            batch,
            template: checker.registry.current().version.clone(),
        };
        (report, regional)
    }
}
