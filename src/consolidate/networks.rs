//! The networks' lines of the consolidation (the `Synthèse` sheet, the synthesis's « Réseau par
//! réseau »): one per network of the referential (and per unknown code seen), with its file,
//! status and figures; networks that sent nothing are `Non transmis`.

use crate::check::{file_names_code, Checker, FileReport, Status};
use crate::finding::Severity;
use crate::read::values::Typed;
use crate::schema::SheetKind;

/// One line of `Synthèse`: a file of the year, or a network of the referential that sent none.
#[derive(Debug, Clone)]
pub struct NetworkRow {
    pub code: String,
    pub reseau: String,
    pub departement: String,
    pub fichier: String,
    pub statut: &'static str,
    /// The template version the file was read with (empty: not sent, or unreadable).
    pub modele: String,
    /// Errors, warnings, structures, coordinators, actions, participants, first receptions,
    /// professionals trained.
    pub figures: Option<[f64; 8]>,
    /// Which of the six year-over-year figures its file's version gives (a column or sheet its
    /// version lacks gives none: `—` in `Évolution`, never a false change).
    pub gives: [bool; 6],
    /// `Date de transmission` of its file (not a column of the sheet: the synthesis dates its
    /// data with the latest).
    pub transmission: Option<chrono::NaiveDate>,
    /// Which of the six figures its file's template version cannot give (a sheet or column it
    /// lacks): « — » in `Synthèse`, not 0.
    pub lacks: [bool; 6],
    /// Whether its file is counted in the figures (of a network sent twice, one file at most).
    pub counted: bool,
}

/// Counts and sums of one file: errors, warnings, structures, coordinators, actions,
/// participants, first receptions, professionals trained.
fn figures(f: &FileReport, checker: &Checker) -> [f64; 8] {
    let mut out = [0.0; 8];
    out[0] = f.count(Severity::Error) as f64;
    out[1] = f.count(Severity::Warning) as f64;
    let Some(b) = &f.bilan else { return out };
    let rows = |k: SheetKind| b.sheet(k).map_or(0, |s| s.rows.len()) as f64;
    let sum = |k: SheetKind, key: &str| -> f64 {
        let i = checker.schemas.sheet(k).index(key);
        b.sheet(k).map_or(0, |s| {
            s.rows
                .iter()
                .filter_map(|r| r.get(i).and_then(Typed::as_int))
                .sum::<i64>()
        }) as f64
    };
    out[2] = rows(SheetKind::Structures);
    out[3] = rows(SheetKind::Coordination);
    out[4] = rows(SheetKind::Actions);
    out[5] = sum(SheetKind::Actions, "participants");
    out[6] = sum(SheetKind::Accueil, "accueils");
    out[7] = sum(SheetKind::Professionnalisation, "professionnels");
    out
}

/// Which of the six figures the file's version cannot give: its sheet or its column missing
/// from the version (not from the file: a sheet the file lacks is an S001 and counts 0).
fn lacks(f: &FileReport, checker: &Checker) -> [bool; 6] {
    let Some(own) = f
        .model
        .as_ref()
        .and_then(|m| checker.registry.versions.get(m.index))
    else {
        return [false; 6];
    };
    crate::evolution::FIGURES.map(|figure| {
        let schemas = &own.schemas;
        !schemas.has(figure.sheet)
            || figure
                .sum
                .is_some_and(|key| schemas.sheet(figure.sheet).used(key).is_none())
    })
}

/// The value of field `key` of a file's Identification sheet.
fn identification<'f>(f: &'f FileReport, key: &str, checker: &Checker) -> Option<&'f Typed> {
    let i = checker.schemas.sheet(SheetKind::Identification).index(key);
    f.bilan.as_ref()?.identification()?.get(i)
}

/// The line of a file of the year.
pub(super) fn line(f: &FileReport, dep: Option<String>, checker: &Checker) -> NetworkRow {
    let referential = &checker.referential;
    let code = f.reseau.clone().or_else(|| {
        (f.status == Status::Unreadable)
            .then(|| {
                referential
                    .networks
                    .iter()
                    .find(|n| file_names_code(&f.path, &n.code))
                    .map(|n| n.code.clone())
            })
            .flatten()
    });
    let network = code.as_deref().and_then(|c| referential.get(c));
    let name_in_file = identification(f, "nom_reseau", checker)
        .and_then(Typed::as_text)
        .map(str::to_string);
    NetworkRow {
        code: code.clone().unwrap_or_default(),
        reseau: network
            .map(|n| n.nom.clone())
            .or(name_in_file)
            .unwrap_or_default(),
        departement: dep
            .or_else(|| network.map(|n| n.departement.clone()))
            .unwrap_or_default(),
        fichier: f.path.display().to_string(),
        statut: f.status.label_fr(),
        modele: f
            .model
            .as_ref()
            .map(|m| m.version.clone())
            .unwrap_or_default(),
        figures: (f.status != Status::Unreadable).then(|| figures(f, checker)),
        gives: f.bilan.as_ref().map_or([false; 6], |b| {
            crate::evolution::figures(b, &checker.schemas).map(|x| x.is_some())
        }),
        transmission: identification(f, "date_transmission", checker).and_then(Typed::as_date),
        lacks: lacks(f, checker),
        counted: false,
    }
}

/// The lines of `Synthèse`: the files' lines, one line `Non transmis` for each network of the
/// referential without a file, sorted by code (unknown codes last) then file.
pub(super) fn complete(mut rows: Vec<NetworkRow>, checker: &Checker) -> Vec<NetworkRow> {
    for n in &checker.referential.networks {
        if !rows.iter().any(|r| r.code.eq_ignore_ascii_case(&n.code)) {
            rows.push(NetworkRow {
                code: n.code.clone(),
                reseau: n.nom.clone(),
                departement: n.departement.clone(),
                fichier: String::new(),
                statut: NOT_SENT,
                modele: String::new(),
                figures: None,
                gives: [false; 6],
                transmission: None,
                lacks: [false; 6],
                counted: false,
            });
        }
    }
    rows.sort_by(|a, b| {
        (a.code.is_empty(), &a.code, &a.fichier).cmp(&(b.code.is_empty(), &b.code, &b.fichier))
    });
    rows
}

/// The status of a network that sent nothing.
pub const NOT_SENT: &str = "Non transmis";
