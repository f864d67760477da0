//! What the Région may publish (`spro publier`, `consolidate --publier`;
//! docs/region/donnees-ouvertes.md): a Frictionless Data Package of the figures, an output
//! of the consolidation like the workbook ([`crate::consolidate::Sink`]). Five CSV files and
//! `datapackage.json` ([`descriptor`]), from the same reading and the same figures
//! ([`Regional`]) as the workbook.
//!
//! No personal data whatever the options: the data files take their columns from an
//! allow-list of keys (organisations, counts, dates, lists of values), never a coordinator, a
//! person's name, an e-mail, a phone, or a free text (an action's title may name people).
//! Files are written as they come, in path order, into a folder beside the one asked for,
//! which replaces it only once complete: the same inputs give the same bytes.

mod descriptor;

use std::fmt::Write;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::check::{Checker, Report};
use crate::consolidate::{
    Checked, Choices, Failed, Regional, Sink, DEPARTEMENTS, NETWORKS, NOT_SENT,
};
use crate::read::values::Typed;
use crate::schema::SheetKind;

/// A data file: its name, the sheet its rows come from, and the keys it publishes.
pub(crate) struct DataFile {
    pub name: &'static str,
    pub title: &'static str,
    pub kind: SheetKind,
    pub keys: &'static [&'static str],
}

/// The data files, one row per row of a counted bilan, each with its network's code, the
/// bilan's number for that network (1 unless it sent several and they are all counted) and
/// its row in the workbook in front.
pub(crate) const DATA_FILES: [DataFile; 3] = [
    DataFile {
        name: "actions",
        title: "Actions menées par les réseaux",
        kind: SheetKind::Actions,
        keys: &[
            "id",
            "type",
            "axe",
            "date_debut",
            "date_fin",
            "modalite",
            "porteuse",
            "partenaires",
            "publics",
            "participants",
            "femmes",
            "hommes",
            "outil_cree",
            "logo_region",
            "logo_spro",
        ],
    },
    DataFile {
        name: "premier-accueil",
        title: "Premiers accueils, par structure et par public",
        kind: SheetKind::Accueil,
        keys: &[
            "structure",
            "public",
            "accueils",
            "femmes",
            "orientations",
            "conseils",
        ],
    },
    DataFile {
        name: "structures",
        title: "Structures membres des réseaux",
        kind: SheetKind::Structures,
        keys: &[
            "nom",
            "type",
            "siret",
            "commune",
            "code_postal",
            "signataire",
            "date_signature",
            "operateur_cep",
            "accueil_physique",
            "accueil_dematerialise",
            "nb_professionnels",
        ],
    },
];

/// The six figures of `reseaux.csv` and `departements.csv`: (column, block of `Indicateurs`,
/// row of the block, what it counts).
pub(crate) const FIGURES: [(&str, &str, &str, &str); 6] = [
    (
        "structures_membres",
        NETWORKS,
        "Structures membres",
        "Structures membres du réseau",
    ),
    (
        "coordinateurs",
        NETWORKS,
        "Coordinateurs",
        "Coordinateurs désignés",
    ),
    (
        "actions",
        "Actions par département",
        "Actions",
        "Actions menées dans l'année",
    ),
    (
        "participants",
        "Participants aux actions",
        "Participants",
        "Participants aux actions",
    ),
    (
        "premiers_accueils",
        "Premiers accueils et orientations",
        "Premiers accueils",
        "Premiers accueils de l'année",
    ),
    (
        "professionnels_formes",
        "Professionnalisation",
        "Professionnels formés",
        "Professionnels formés au programme régional d'appui",
    ),
];

/// The INSEE code of the Région Centre-Val de Loire: the row of `departements.csv` for the
/// whole Région.
pub(crate) const REGION_CODE: &str = "24";

/// The open-data package being written.
pub(crate) struct OpenData<'a> {
    checker: &'a Checker,
    choices: &'a Choices,
    target: PathBuf,
    work: Option<tempfile::TempDir>,
    /// Each data file's header.
    headers: Vec<Vec<String>>,
    /// The rows of each bilan, one segment per data file and bilan, by (data file, network,
    /// bilan): put together in that order at the end, so that rows follow their primary key
    /// whatever the files' names, with no more than one bilan's rows in memory.
    segments: std::collections::BTreeMap<(usize, String, usize), PathBuf>,
    /// Bilans of each network published so far (a network sent twice and counted with
    /// `--inclure-non-conformes` has its bilans numbered, in path order).
    bilans: std::collections::BTreeMap<String, usize>,
}

/// Why the package could not be written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PublishError {
    Io(#[from] std::io::Error),
    Csv(#[from] csv::Error),
    Json(#[from] serde_json::Error),
    /// `publish` before any file was taken.
    NotPrepared,
    /// The target exists and is not a folder.
    NotAFolder(PathBuf),
}

impl crate::i18n::Said for PublishError {
    fn said(&self) -> crate::i18n::Msg {
        let (fr, en) = match self {
            PublishError::Io(e) => {
                let said = e.said();
                (said.fr.to_string(), said.en.to_string())
            }
            PublishError::Csv(e) => (e.to_string(), e.to_string()),
            PublishError::Json(e) => (e.to_string(), e.to_string()),
            PublishError::NotPrepared => (
                "rien n'a été préparé".to_string(),
                "nothing was prepared".to_string(),
            ),
            PublishError::NotAFolder(p) => (
                format!("« {} » existe et n'est pas un dossier", p.display()),
                format!("“{}” exists and is not a folder", p.display()),
            ),
        };
        crate::msg!(
            "le paquet de données ouvertes n'a pas pu être écrit : {fr}",
            "the open-data package could not be written: {en}"
        )
    }
}

crate::said_in_french!(PublishError);

fn io(e: impl Into<PublishError>) -> Failed {
    Failed::Output(Box::new(e.into()))
}

impl<'a> OpenData<'a> {
    /// The package to write into folder `target` (replaced once the new one is complete).
    pub(crate) fn new(checker: &'a Checker, choices: &'a Choices, target: &Path) -> OpenData<'a> {
        OpenData {
            checker,
            choices,
            target: target.to_path_buf(),
            work: None,
            headers: Vec::new(),
            segments: Default::default(),
            bilans: Default::default(),
        }
    }

    /// Where `spro publier` writes by default.
    pub(crate) fn default_path(year: i32) -> PathBuf {
        crate::output::Produced::OpenData.default_path(year)
    }

    /// Puts the complete package in place of `target` (a folder there before is replaced).
    pub(crate) fn publish(mut self) -> Result<PathBuf, Failed> {
        let work = self
            .work
            .take()
            .ok_or_else(|| io(PublishError::NotPrepared))?;
        let target = &self.target;
        if target.exists() && !target.is_dir() {
            return Err(io(PublishError::NotAFolder(target.clone())));
        }
        let parent = parent_of(target);
        let old = tempfile::Builder::new()
            .prefix(".donnees-ouvertes-ancien-")
            .tempdir_in(&parent)
            .map_err(io)?;
        let aside = old.path().join("ancien");
        if target.exists() {
            std::fs::rename(target, &aside).map_err(io)?;
        }
        let new = work.keep();
        if let Err(e) = std::fs::rename(&new, target) {
            if aside.exists() {
                let _ = std::fs::rename(&aside, target);
            }
            let _ = std::fs::remove_dir_all(&new);
            return Err(io(e));
        }
        // Files readable as a published folder (a temporary folder is private).
        let _ = set_public(target);
        Ok(target.clone())
    }

    fn data_rows(&mut self, checked: &Checked) -> Result<(), Failed> {
        let file = &checked.file;
        let (Some(bilan), Some(code)) = (&file.bilan, file.reseau.as_deref()) else {
            return Ok(());
        };
        let Some(network) = self.checker.referential.get(code) else {
            return Ok(());
        };
        // The bilans counted per network: `reseaux.csv` gives figures to those with one.
        let bilan_number = self.bilans.entry(network.code.clone()).or_insert(0);
        *bilan_number += 1;
        let bilan_number = bilan_number.to_string();
        // Field by field into one reused buffer: tens of thousands of rows per batch.
        let mut buf = String::new();
        let mut digits = itoa::Buffer::new();
        for (k, data) in DATA_FILES.iter().enumerate() {
            let Some(sheet) = bilan.sheet(data.kind) else {
                continue;
            };
            if sheet.rows.is_empty() {
                continue;
            }
            let schema = self.checker.schemas.sheet(data.kind);
            let columns: Vec<usize> = data
                .keys
                .iter()
                .filter_map(|key| schema.column(key).map(|(i, _)| i))
                .collect();
            let work = self
                .work
                .as_ref()
                .ok_or_else(|| io(PublishError::NotPrepared))?;
            let n = self.segments.len();
            let path = work.path().join(format!(".segment-{n}.csv"));
            let segment = (k, network.code.clone(), bilan_number.parse().unwrap_or(0));
            self.segments.insert(segment, path.clone());
            let mut w = csv_writer(File::create(&path).map_err(io)?);
            for row in &sheet.rows {
                w.write_field(&network.code).map_err(io)?;
                w.write_field(&bilan_number).map_err(io)?;
                w.write_field(digits.format(row.row + 1)).map_err(io)?;
                for &i in &columns {
                    text(row.get(i), &mut buf);
                    w.write_field(&buf).map_err(io)?;
                }
                w.write_record(None::<&[u8]>).map_err(io)?;
            }
            w.flush().map_err(io)?;
        }
        Ok(())
    }

    /// Each data file: its header, then its segments in the order of their keys (network,
    /// bilan; rows within in their order), the segments removed.
    fn join_segments(&mut self, dir: &Path) -> Result<(), Failed> {
        for (k, data) in DATA_FILES.iter().enumerate() {
            let file = File::create(dir.join(format!("{}.csv", data.name))).map_err(io)?;
            let mut writer = csv_writer(file);
            writer.write_record(&self.headers[k]).map_err(io)?;
            let mut out = writer.into_inner().map_err(|e| io(e.into_error()))?;
            for ((_, _, _), path) in self
                .segments
                .range((k, String::new(), 0)..(k + 1, String::new(), 0))
            {
                let mut part = File::open(path).map_err(io)?;
                std::io::copy(&mut part, &mut out).map_err(io)?;
                std::fs::remove_file(path).map_err(io)?;
            }
            std::io::Write::flush(&mut out).map_err(io)?;
        }
        self.segments.clear();
        Ok(())
    }
}

/// The folder a path is in (`.` for a bare name).
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

#[cfg(unix)]
fn set_public(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
    for e in std::fs::read_dir(dir)? {
        std::fs::set_permissions(e?.path(), std::fs::Permissions::from_mode(0o644))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn set_public(_: &Path) -> std::io::Result<()> {
    Ok(())
}

/// A value as the CSV writes it, into `buf`: ISO dates, plain integers, `true`/`false`, a
/// list's values joined by « ; », empty when missing or invalid. (Digits by `itoa`: `format!`
/// took a third of the package's cost.)
fn text(value: Option<&Typed>, buf: &mut String) {
    use chrono::Datelike;
    buf.clear();
    let mut digits = itoa::Buffer::new();
    match value {
        None => {}
        Some(Typed::Text(s)) => buf.push_str(s),
        Some(Typed::Int(i)) => buf.push_str(digits.format(*i)),
        // Rust's shortest decimal that reads back the same: `1200.5`, `0.75`, `3`.
        Some(Typed::Num(n)) => {
            let _ = write!(buf, "{n}");
        }
        Some(Typed::Date(d)) => {
            let two = |n: u32| [b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8];
            let year = d.year();
            if (1000..=9999).contains(&year) {
                buf.push_str(digits.format(year));
            } else {
                let _ = write!(buf, "{year:04}");
            }
            for part in [d.month(), d.day()] {
                buf.push('-');
                buf.extend(two(part).map(char::from));
            }
        }
        Some(Typed::Bool(b)) => buf.push_str(if *b { "true" } else { "false" }),
        Some(Typed::List(items)) => {
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    buf.push_str(" ; ");
                }
                buf.push_str(item);
            }
        }
    }
}

impl Sink for OpenData<'_> {
    fn begin(&mut self) -> Result<(), Failed> {
        let parent = parent_of(&self.target);
        std::fs::create_dir_all(&parent).map_err(io)?;
        let work = tempfile::Builder::new()
            .prefix(".donnees-ouvertes-")
            .tempdir_in(&parent)
            .map_err(io)?;
        self.headers.clear();
        self.segments.clear();
        self.bilans.clear();
        for data in &DATA_FILES {
            let schema = self.checker.schemas.sheet(data.kind);
            let mut header = ["code_reseau", "bilan", "ligne"].map(String::from).to_vec();
            header.extend(
                data.keys
                    .iter()
                    .filter(|k| schema.column(k).is_some())
                    .map(|k| k.to_string()),
            );
            self.headers.push(header);
        }
        self.work = Some(work);
        Ok(())
    }

    fn file(&mut self, checked: &Checked) -> Result<(), Failed> {
        if checked.counted() {
            self.data_rows(checked)?;
        }
        Ok(())
    }

    fn finish(&mut self, report: &Report, regional: &Regional) -> Result<(), Failed> {
        let dir = self
            .work
            .as_ref()
            .ok_or_else(|| io(PublishError::NotPrepared))?
            .path()
            .to_path_buf();
        self.join_segments(&dir)?;
        write_networks(&dir, regional, self.checker, &self.bilans)?;
        write_departements(&dir, regional)?;
        let descriptor = descriptor::descriptor(self.checker, self.choices, regional, report);
        let text = serde_json::to_string_pretty(&descriptor).map_err(io)? + "\n";
        std::fs::write(dir.join("datapackage.json"), text).map_err(io)?;
        Ok(())
    }
}

fn csv_writer(file: File) -> csv::Writer<BufWriter<File>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(BufWriter::new(file))
}

/// How a network stands in `reseaux.csv`.
fn status(statut: &str) -> &'static str {
    match statut {
        "Conforme" | "Conforme avec avertissements" => "conforme",
        NOT_SENT => "non transmis",
        _ => "à corriger",
    }
}

/// `reseaux.csv`: every network of the referential, its status and, where counted, its six
/// figures (those of `Synthèse`), and the year before's with `--precedent` (`Évolution`).
fn write_networks(
    dir: &Path,
    regional: &Regional,
    checker: &Checker,
    counted: &std::collections::BTreeMap<String, usize>,
) -> Result<(), Failed> {
    let mut w = csv_writer(File::create(dir.join("reseaux.csv")).map_err(io)?);
    let mut header = vec!["code_reseau", "nom_reseau", "departement", "statut"];
    header.extend(FIGURES.iter().map(|f| f.0));
    let before: Vec<String> = FIGURES.iter().map(|f| format!("{}_n1", f.0)).collect();
    if regional.evolution.is_some() {
        header.extend(before.iter().map(String::as_str));
    }
    w.write_record(&header).map_err(io)?;
    for n in &checker.referential.networks {
        let lines: Vec<_> = regional
            .networks
            .iter()
            .filter(|r| r.code.eq_ignore_ascii_case(&n.code))
            .collect();
        // A network sent twice (B001) is to be corrected; its figures are those of the file
        // counted, when one is (`--inclure-non-conformes`).
        let statut = match lines.as_slice() {
            [one] => status(one.statut),
            [] => "non transmis",
            _ => "à corriger",
        };
        // A figure the file's version cannot give is empty, not 0.
        let figures: Option<Vec<Option<f64>>> = lines
            .iter()
            .find(|l| l.counted && counted.contains_key(&n.code))
            .and_then(|l| {
                let f = l.figures?;
                Some((0..6).map(|k| (!l.lacks[k]).then_some(f[k + 2])).collect())
            });
        let mut record = vec![
            n.code.clone(),
            n.nom.clone(),
            n.departement.clone(),
            statut.to_string(),
        ];
        record.extend((0..6).map(|k| {
            figures
                .as_ref()
                .and_then(|f| f[k])
                .map_or(String::new(), |v| (v as i64).to_string())
        }));
        if let Some(table) = &regional.evolution {
            let line = table.lines.iter().find(|l| l.code == n.code);
            record.extend((0..6).map(|k| {
                line.and_then(|l| l.before[k])
                    .map_or(String::new(), |v| v.to_string())
            }));
        }
        w.write_record(&record).map_err(io)?;
    }
    w.flush().map_err(io)
}

/// `departements.csv`: the six figures of `Indicateurs` per département and for the Région.
fn write_departements(dir: &Path, regional: &Regional) -> Result<(), Failed> {
    let mut w = csv_writer(File::create(dir.join("departements.csv")).map_err(io)?);
    let mut header = vec!["code", "niveau", "nom"];
    header.extend(FIGURES.iter().map(|f| f.0));
    w.write_record(&header).map_err(io)?;
    let places = DEPARTEMENTS
        .iter()
        .map(|(code, name)| (*code, "département", *name, *code))
        .chain([(REGION_CODE, "région", "Centre-Val de Loire", "Total")]);
    for (code, level, name, column) in places {
        let mut record = vec![code.to_string(), level.to_string(), name.to_string()];
        record.extend(FIGURES.iter().map(|(_, block, label, _)| {
            // « — » in `Indicateurs` (no file of the place gives it): empty here.
            if regional.indicators.given.dash(block, label, column) {
                return String::new();
            }
            (regional.indicators.value(block, label, column) as i64).to_string()
        }));
        w.write_record(&record).map_err(io)?;
    }
    w.flush().map_err(io)
}
