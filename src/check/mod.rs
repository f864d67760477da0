//! Checking files: read (F) → structure (S) → values (V) → charter (C) and year over year (T,
//! when a previous year is given) as rows stream → referential (R) and the sheet rules once
//! read, for each file, in parallel with rayon (a panic in one file becomes an F001 finding
//! for that file), then the batch rules across files (B), then the settling: severity
//! overrides of the configuration applied in one place, findings sorted, statuses settled.
//! Nothing here prints.

use crate::rules::Code;
use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{Config, Override};
use crate::finding::{Finding, Severity};
use crate::i18n::Msg;
use crate::inputs::Input;
use crate::msg;
use crate::read::sheet::{Bilan, Row, Sheet};
use crate::read::{self, Admitted, ReadError};
use crate::referential::Referential;
use crate::schema::{Schemas, SheetKind};

mod batch;
mod passes;

pub(crate) use batch::Taker;
pub use batch::{file_names_code, Duplicates, Each, Redo};

thread_local! {
    /// Set while this thread checks one file under `catch_unwind`: a panic there becomes F001
    /// for that file (see [`panic_is_a_finding`]).
    static CHECKING_A_FILE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a panic happening now on this thread is one the per-file check turns into an F001
/// finding (the panic hook then stays quiet); any other panic is a crash to report.
pub fn panic_is_a_finding() -> bool {
    CHECKING_A_FILE.with(std::cell::Cell::get)
}

/// The status of a file (contrat §7.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Valid,
    ValidWithWarnings,
    Invalid,
    Unreadable,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::ValidWithWarnings => "valid-with-warnings",
            Status::Invalid => "invalid",
            Status::Unreadable => "unreadable",
        }
    }
}

/// Everything a check needs besides the files. Made once by [`Checker::build`] from a
/// [`CheckSettings`], and never changed after: the command line, the page and the tests obtain
/// it the same way.
#[derive(Clone)]
pub struct Checker {
    /// The layout the data kept is given (`keep_data`): each file is read with its own
    /// version's schemas (`modele`), then its rows mapped by key to these. The registry's
    /// current version's; for a consolidation, the version serving its year.
    pub(crate) schemas: Arc<Schemas>,
    /// `--modele`: the version every file is read with (an index in the registry's versions).
    pub(crate) modele: Option<usize>,
    /// The template versions (`schemas/modeles.json`, or `--schemas DIR`).
    pub(crate) registry: Arc<crate::registry::Registry>,
    pub(crate) config: Config,
    pub(crate) referential: Referential,
    /// Keep each file's data after the check (consolidation needs it; checking does not).
    pub(crate) keep_data: bool,
    /// The previous year (`--precedent`): the T rules run when it is given.
    pub(crate) previous: Option<Arc<crate::evolution::Previous>>,
}

/// What a [`Checker`] is made of: the configuration (the year among it), the referential, the
/// registry, the version forced, whether the data is kept, last year's files.
#[derive(Debug, Clone)]
pub struct CheckSettings {
    pub config: Config,
    pub referential: Referential,
    /// `--schemas` (else `spro.toml`'s `schemas`); the registry built in when `None`.
    pub registry: Option<Arc<crate::registry::Registry>>,
    /// A consolidation: each file's data kept, laid out on the version serving the year.
    pub keep_data: bool,
    /// `--precedent`: last year's files or folders (the command line merges `spro.toml`'s
    /// `precedent` in, `evolution::previous::paths`).
    pub previous: Vec<PathBuf>,
    /// `--modele`: the version every file is read with (see [`CheckSettings::forcing`]).
    modele: Option<usize>,
}

impl Default for CheckSettings {
    fn default() -> Self {
        CheckSettings::new(Config::default(), Referential::embedded())
    }
}

impl CheckSettings {
    /// The settings of `config` and `referential`, the registry built in, nothing else.
    pub fn new(config: Config, referential: Referential) -> CheckSettings {
        CheckSettings {
            config,
            referential,
            registry: None,
            keep_data: false,
            previous: Vec::new(),
            modele: None,
        }
    }

    /// The same settings for the bilans of `year`.
    pub fn for_year(mut self, year: Option<i32>) -> CheckSettings {
        if year.is_some() {
            self.config.annee = year;
        }
        self
    }

    /// Every file read with version `name` of the registry (`--modele`), refused before any
    /// file when the registry does not have it.
    pub fn forcing(mut self, name: &str) -> Result<CheckSettings, BuildError> {
        let registry = self
            .registry
            .clone()
            .unwrap_or_else(crate::registry::Registry::embedded);
        let Some(version) = registry.version(name) else {
            let known: Vec<&str> = registry
                .versions
                .iter()
                .map(|v| v.version.as_str())
                .collect();
            return Err(BuildError::UnknownVersion {
                name: name.to_string(),
                known: known.join(", "),
            });
        };
        self.modele = registry
            .versions
            .iter()
            .position(|v| v.version == version.version);
        Ok(self)
    }
}

/// Why a checker could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    UnknownVersion { name: String, known: String },
    NoYear,
    Previous(#[from] crate::evolution::PreviousError),
}

impl crate::i18n::Said for BuildError {
    fn said(&self) -> Msg {
        match self {
            BuildError::UnknownVersion { name, known } => msg!(
                "le modèle « {name} » n'est pas dans le registre (versions : {known})",
                "template “{name}” is not in the registry (versions: {known})"
            ),
            BuildError::NoYear => msg!(
                "l'année du bilan est nécessaire : indiquez --annee AAAA (ou « annee » dans spro.toml)",
                "the bilan year is needed: give --annee YYYY (or “annee” in spro.toml)"
            ),
            BuildError::Previous(e) => crate::i18n::Said::said(e),
        }
    }
}

crate::said_in_french!(BuildError);

/// Reads the previous year's files of `paths` for `checker` (its year is N), in parallel on the
/// current rayon pool: each with its own version, reduced to its summary, then paired by
/// network.
fn load_previous(
    paths: &[PathBuf],
    checker: &Checker,
) -> Result<crate::evolution::Previous, crate::evolution::PreviousError> {
    use crate::evolution::PreviousError;
    use rayon::prelude::*;
    let year = checker.year().ok_or(PreviousError::NoYear)?;
    for p in paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(PreviousError::NotFound(p.display().to_string()));
        }
    }
    let (inputs, _) = crate::inputs::collect(paths)
        .map_err(|crate::inputs::InputError::NotFound(p)| PreviousError::NotFound(p))?;
    let inputs: Vec<Input> = inputs
        .into_iter()
        .filter(|i| !matches!(i, Input::Unsupported { .. }))
        .collect();
    if inputs.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(PreviousError::Empty(shown.join(", ")));
    }
    // Last year's files are read with their own version, whatever `--modele` forces.
    let reader = checker.of_the_year_before(year);
    let read = inputs
        .par_iter()
        .map(|i| read_previous(&reader, i))
        .collect();
    Ok(crate::evolution::Previous::of_files(year - 1, read, inputs))
}

/// One of last year's files read: its network (from the file, or from its name when it could
/// not be read) and its summary, or why it gives none.
fn read_previous(reader: &Checker, input: &Input) -> crate::evolution::previous::Read {
    use crate::evolution::previous::Outcome;
    let (report, _) = reader.check_input_read(input);
    let path = input.path().to_path_buf();
    let (code, outcome) = match (&report.bilan, report.status) {
        (Some(bilan), s) if s != Status::Unreadable => (
            report.reseau.as_ref().map(|c| c.to_uppercase()),
            Outcome::Read(crate::evolution::Summary::of(bilan, &reader.schemas)),
        ),
        _ => {
            let code = reader
                .referential
                .networks
                .iter()
                .find(|n| file_names_code(&path, &n.code))
                .map(|n| n.code.to_uppercase());
            let why = report
                .findings
                .first()
                .map(|f| f.message.clone())
                .unwrap_or_else(|| Msg::new("illisible", "unreadable"));
            (code, Outcome::Unreadable(why))
        }
    };
    crate::evolution::previous::Read {
        path,
        code,
        outcome,
    }
}

/// The outcome for one file.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: PathBuf,
    pub reseau: Option<String>,
    pub annee: Option<i32>,
    pub status: Status,
    pub findings: Vec<Finding>,
    pub bilan: Option<Bilan>,
    /// Where `Code réseau` is (for B001).
    code_cell: Option<(u32, u32)>,
    /// The header row of each table sheet, by its name in the file (the annotated copy
    /// freezes it).
    pub header_rows: BTreeMap<String, u32>,
    /// The label of each column of a table sheet found in the file: (sheet, column) → label
    /// (the results page names the column where it shortens a long list).
    pub column_labels: BTreeMap<(SheetKind, u32), String>,
    /// The version of the template the file was read with (`None`: it could not be read).
    pub model: Option<Model>,
    /// The columns of the file's version that the data kept has no place for (another
    /// version's layout), with a value in the file: (sheet's name in the file, header).
    pub left_out: Vec<(String, String)>,
}

/// The version of the template a file was read with, and how it was chosen.
#[derive(Debug, Clone)]
pub struct Model {
    pub version: String,
    pub how: crate::read::version::How,
    /// Its index in the registry's versions.
    pub index: usize,
}

impl Model {
    /// « vérifié avec le modèle 2024.1 (indiqué dans le classeur) », as reports say it.
    pub fn said(&self) -> Msg {
        use crate::read::version::How;
        let v = &self.version;
        match self.how {
            How::Declared => crate::msg!(
                "vérifié avec le modèle {v} (indiqué dans le classeur)",
                "checked with template {v} (stated in the workbook)"
            ),
            How::Detected => crate::msg!(
                "vérifié avec le modèle {v} (reconnu à ses feuilles et en-têtes)",
                "checked with template {v} (recognised by its sheets and headers)"
            ),
            How::Forced => crate::msg!(
                "vérifié avec le modèle {v} (imposé par --modele)",
                "checked with template {v} (forced by --modele)"
            ),
        }
    }
}

impl FileReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// The outcome of a batch.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub files: Vec<FileReport>,
    pub batch: Vec<Finding>,
    /// The template version the files were checked against (the registry's current).
    pub template: String,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.files.iter().map(|f| f.count(severity)).sum::<usize>()
            + self.batch.iter().filter(|f| f.severity == severity).count()
    }

    pub fn count_status(&self, status: Status) -> usize {
        self.files.iter().filter(|f| f.status == status).count()
    }

    /// The versions the files were read with, most files first: « 2025.1 (6 fichiers), 2024.1
    /// (1 fichier) ».
    pub fn versions_read(&self, lang: crate::i18n::Lang) -> String {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for m in self.files.iter().filter_map(|f| f.model.as_ref()) {
            match counts.iter_mut().find(|(v, _)| *v == m.version) {
                Some((_, n)) => *n += 1,
                None => counts.push((&m.version, 1)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(a.0)));
        let listed: Vec<String> = counts
            .iter()
            .map(|(v, n)| {
                let files =
                    crate::i18n::count(lang, *n, ["fichier", "fichiers"], ["file", "files"]);
                format!("{v} ({files})")
            })
            .collect();
        if listed.is_empty() {
            crate::i18n::pick(lang, "aucun fichier lisible", "no readable file").to_string()
        } else {
            listed.join(", ")
        }
    }
}

impl Checker {
    /// The checker `settings` describe: the registry's current version read with, or for a
    /// consolidation (`keep_data`) the version serving its year; and last year's files read
    /// (with this checker's settings, each with its own version) when `previous` names some.
    pub fn build(settings: CheckSettings) -> Result<Checker, BuildError> {
        let registry = settings
            .registry
            .unwrap_or_else(crate::registry::Registry::embedded);
        // docs/region/modeles.md: « consolidate lays the regional workbook out on the
        // version serving --annee ».
        let schemas = if settings.keep_data {
            let year = settings.config.annee.ok_or(BuildError::NoYear)?;
            registry.serving(year).schemas.clone()
        } else {
            registry.schemas()
        };
        let paths = settings.previous;
        let mut checker = Checker {
            schemas,
            modele: settings.modele,
            registry,
            config: settings.config,
            referential: settings.referential,
            keep_data: settings.keep_data,
            previous: None,
        };
        if !paths.is_empty() {
            let previous = load_previous(&paths, &checker)?;
            checker.previous = Some(Arc::new(previous));
        }
        Ok(checker)
    }

    /// The checker that reads last year's files for this one: the year before, the data kept,
    /// each file with its own version whatever `--modele` forces, no year before it.
    pub(crate) fn of_the_year_before(&self, year: i32) -> Checker {
        let mut config = self.config.clone();
        config.annee = Some(year - 1);
        Checker {
            config,
            keep_data: true,
            modele: None,
            previous: None,
            ..self.clone()
        }
    }

    /// The same checker for the bilans of `year` (the page's form gives one).
    pub(crate) fn for_year(&self, year: i32) -> Checker {
        let mut config = self.config.clone();
        config.annee = Some(year);
        Checker {
            config,
            ..self.clone()
        }
    }

    pub fn year(&self) -> Option<i32> {
        self.config.annee
    }

    /// Checks one input (file, rules of the file; no batch rule), with the bytes read when the
    /// file could be read (for the annotated copy, a second pass over them): never panics,
    /// never fails.
    pub fn check_input_read(&self, input: &Input) -> (FileReport, Option<Admitted>) {
        match input {
            Input::File { path, format } => match read::load(path, &self.config.limits) {
                Ok(bytes) => self.check_bytes(path, *format, bytes),
                Err(e) => (read_error(path, e), None),
            },
            Input::Memory {
                path,
                format,
                bytes,
            } => self.check_bytes(path, *format, bytes.to_vec()),
            Input::Unsupported { path } => (unsupported(path), None),
            Input::Unreadable { path, reason } => (
                unreadable(path, Finding::new(Code::F001, reason.clone())),
                None,
            ),
        }
    }

    /// Checks one file from its bytes, held in memory (`path` names it in the findings; the
    /// file system is never touched): the one entry point of `check`, `check --annote`,
    /// `consolidate` and `serve`. Returns the report (rules of the file; no batch rule) and
    /// the bytes admitted, when the file could be read. Never panics: a panic while reading
    /// or checking becomes F001 for this file.
    pub fn check_bytes(
        &self,
        path: &Path,
        format: read::Format,
        bytes: Vec<u8>,
    ) -> (FileReport, Option<Admitted>) {
        let before = CHECKING_A_FILE.with(|c| c.replace(true));
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let admitted = match read::admit(bytes, format, &self.config.limits) {
                Ok(admitted) => admitted,
                Err(e) => return (read_error(path, e), None),
            };
            match crate::finding::sharing_messages(|| self.check_admitted(path, &admitted)) {
                Ok(report) => (report, Some(admitted)),
                Err(e) => (read_error(path, e), None),
            }
        }));
        CHECKING_A_FILE.with(|c| c.set(before));
        result.unwrap_or_else(|_| (unreadable(path, internal_error()), None))
    }

    /// Checks a file held in memory, named `path` (an upload): as a workbook when its
    /// extension is one, else F002.
    pub fn check_owned(&self, path: &Path, bytes: Vec<u8>) -> (FileReport, Option<Admitted>) {
        match read::Format::from_path(path) {
            Some(format) => self.check_bytes(path, format, bytes),
            None => (unsupported(path), None),
        }
    }

    /// Checks admitted bytes (file, sheet, value and charter rules; no batch rule), reading
    /// them sheet by sheet and row by row. Public so the fuzzer can drive it; a file that
    /// cannot be read gives its [`ReadError`].
    pub fn check_admitted(
        &self,
        path: &Path,
        admitted: &Admitted,
    ) -> Result<FileReport, ReadError> {
        let mut findings = Vec::new();
        let mut opened = read::Opened::open(admitted, &self.config.limits)?;
        let chosen = crate::read::version::choose(&mut opened, &self.registry, self.modele)?;
        let schemas = self.registry.versions[chosen.index].schemas.clone();
        let on_rows = |bilan: &Bilan, sheet: &Sheet, rows: &[Row], out: &mut Vec<Finding>| {
            let network = network_code(bilan, &schemas);
            let file = passes::File {
                bilan,
                schemas: &schemas,
                chosen: &chosen,
                network: network.as_deref(),
            };
            for pass in passes::PASSES {
                pass.rows(self, &file, sheet, rows, out);
            }
        };
        let bilan = crate::read::sheet::read_bilan(
            &mut opened,
            &schemas,
            self.keep_data,
            &on_rows,
            &mut findings,
        )?;
        drop(opened);
        Ok(self.check_bilan(path, bilan, findings, &schemas, &chosen))
    }

    /// The rules across sheets of a workbook read with `schemas`, those of the version
    /// `chosen` (referential, charter, year before, its version).
    fn check_bilan(
        &self,
        path: &Path,
        bilan: Bilan,
        mut findings: Vec<Finding>,
        schemas: &Arc<Schemas>,
        chosen: &crate::read::version::Chosen,
    ) -> FileReport {
        let reseau = network_code(&bilan, schemas);
        let file = passes::File {
            bilan: &bilan,
            schemas,
            chosen,
            network: reseau.as_deref(),
        };
        for pass in passes::PASSES {
            pass.workbook(self, &file, &mut findings);
        }
        let ident = schemas.sheet(SheetKind::Identification);
        let form = bilan.identification();
        let annee = form
            .and_then(|f| f.get(ident.index("annee")))
            .and_then(|v| v.as_int())
            .and_then(|y| i32::try_from(y).ok());
        let code_cell = bilan
            .sheet(SheetKind::Identification)
            .zip(form)
            .and_then(|(s, f)| s.cell_position(f, ident.index("code_reseau")));
        let (header_rows, column_labels) = headers_of(&bilan, schemas);
        name_sheets_as_the_version(schemas, &mut findings);
        let (bilan, left_out) = match self.keep_data {
            true => {
                let (bilan, left_out) = crate::read::align::align(bilan, schemas, &self.schemas);
                (Some(bilan), left_out)
            }
            false => (None, Vec::new()),
        };
        FileReport {
            path: path.to_path_buf(),
            reseau,
            annee,
            status: status_of(&findings),
            findings,
            bilan,
            code_cell,
            header_rows,
            column_labels,
            model: Some(Model {
                version: self.registry.versions[chosen.index].version.clone(),
                how: chosen.how,
                index: chosen.index,
            }),
            left_out,
        }
    }

    /// The sink: configuration overrides, then the order of contrat §7.12.
    fn settle(&self, findings: &mut Vec<Finding>) {
        findings.retain_mut(|f| match self.config.overrides.get(&f.code) {
            Some(Override::Off) => false,
            Some(Override::Severity(s)) => {
                f.severity = *s;
                true
            }
            None => true,
        });
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
}

/// The network code of the Identification form, as written.
fn network_code(bilan: &Bilan, schemas: &Schemas) -> Option<String> {
    let ident = schemas.sheet(SheetKind::Identification);
    bilan
        .identification()
        .and_then(|f| f.get(ident.index("code_reseau")))
        .and_then(|v| v.as_text())
        .map(str::to_string)
}

fn unreadable(path: &Path, finding: Finding) -> FileReport {
    FileReport {
        path: path.to_path_buf(),
        reseau: None,
        annee: None,
        status: Status::Unreadable,
        findings: vec![finding],
        bilan: None,
        code_cell: None,
        header_rows: BTreeMap::new(),
        column_labels: BTreeMap::new(),
        model: None,
        left_out: Vec::new(),
    }
}

/// F001 for a file the tool itself failed on.
fn internal_error() -> Finding {
    Finding::new(
        Code::F001,
        Msg::new(
            "le fichier n'a pas pu être vérifié à cause d'une erreur interne de l'outil : signalez-le à la Région en joignant le fichier",
            "the file could not be checked because of an internal error of the tool: report it to the Région with the file attached",
        ),
    )
}

fn read_error(path: &Path, e: ReadError) -> FileReport {
    match e {
        ReadError::Unreadable(m) => unreadable(path, Finding::new(Code::F001, m)),
        ReadError::Limit(m) => unreadable(path, Finding::new(Code::F003, m)),
        ReadError::Enough => unreadable(path, internal_error()),
    }
}

/// F002: a file whose extension is not one of a workbook.
fn unsupported(path: &Path) -> FileReport {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (what, what_en) = if ext.is_empty() {
        (
            "sans extension".to_string(),
            "without extension".to_string(),
        )
    } else {
        (format!("« .{ext} »"), format!("“.{ext}”"))
    };
    unreadable(
        path,
        Finding::new(
            Code::F002,
            msg!(
                "le format {what} n'est pas pris en charge : transmettez le tableau de bord au format .xlsx, .xlsm, .xlsb, .xls ou .ods",
                "the format {what_en} is not supported: send the tableau de bord as .xlsx, .xlsm, .xlsb, .xls or .ods"
            ),
        ),
    )
}

/// Where a workbook's headers are: the header row of each table sheet, by its name in the
/// file (the annotated copy freezes it), and the label of each column found in a table sheet
/// of the six (the results page names the column where it shortens a long list).
type Headers = (BTreeMap<String, u32>, BTreeMap<(SheetKind, u32), String>);

fn headers_of(bilan: &Bilan, schemas: &Schemas) -> Headers {
    let header_rows = bilan
        .sheets
        .iter()
        .flatten()
        .chain(&bilan.declared)
        .filter_map(|s| s.header_row.map(|r| (s.actual_name.clone(), r)))
        .collect();
    let column_labels = bilan
        .sheets
        .iter()
        .flatten()
        .filter(|s| s.kind != SheetKind::Identification)
        .flat_map(|s| {
            let schema = schemas.sheet(s.kind);
            s.columns
                .iter()
                .enumerate()
                .filter_map(move |(i, c)| Some(((s.kind, (*c)?), schema.columns[i].label.clone())))
        })
        .collect();
    (header_rows, column_labels)
}

/// The findings on one of the six sheets name it as the file's version does (« Premier
/// accueil » in 2024.1), where that is not the current name.
fn name_sheets_as_the_version(schemas: &Schemas, findings: &mut [Finding]) {
    use crate::finding::SheetRef;
    for f in findings {
        if let Some(SheetRef::Known(kind)) = f.location.sheet {
            let name = &schemas.sheet(kind).name;
            if name != kind.name() {
                f.location.sheet = Some(SheetRef::Renamed(kind, Arc::from(name.as_str())));
            }
        }
    }
}

/// Status of a file from its findings (after overrides).
pub fn status_of(findings: &[Finding]) -> Status {
    if findings
        .iter()
        .any(|f| f.code.rule().family == crate::rules::Family::File)
    {
        Status::Unreadable
    } else if findings.iter().any(|f| f.severity == Severity::Error) {
        Status::Invalid
    } else if findings.iter().any(|f| f.severity == Severity::Warning) {
        Status::ValidWithWarnings
    } else {
        Status::Valid
    }
}
