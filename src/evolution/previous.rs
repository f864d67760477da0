//! The previous year's tableaux de bord (`--precedent`): walked like the inputs, read by the
//! same reader and rules, in parallel, each reduced to its [`Summary`] as soon as it is read,
//! then paired by network code. A previous file is never reported as a file itself: one that
//! is unreadable, of another year than N-1, or not alone for its network makes its network's
//! prior unusable, which T000 says on the file of year N it would have served.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::Summary;
use crate::check::{file_names_code, Checker, Status};
use crate::i18n::Msg;
use crate::inputs::Input;
use crate::msg;

/// What the previous year says of one network.
#[derive(Debug, Clone, PartialEq)]
pub enum Prior {
    Usable {
        path: PathBuf,
        summary: Summary,
    },
    /// Unreadable, of another year, or duplicated: why, naming the file(s).
    Unusable(Msg),
}

/// The previous year, by network code (in capitals).
#[derive(Debug, Clone, Default)]
pub struct Previous {
    /// The year compared with (N-1).
    pub year: i32,
    by_code: BTreeMap<String, Prior>,
    /// The previous files, in path order (for `À propos`).
    pub inputs: Vec<Input>,
}

/// Why the previous year cannot be used at all (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum PreviousError {
    #[error("« {0} » (année précédente) n'existe pas : vérifiez le chemin donné à --precedent")]
    NotFound(String),
    #[error("« {0} » (année précédente) ne contient aucun tableau de bord (.xlsx, .xlsm, .xlsb, .xls, .ods)")]
    Empty(String),
    #[error("--precedent demande l'année du bilan : indiquez --annee AAAA (ou « annee » dans spro.toml)")]
    NoYear,
}

impl crate::i18n::English for PreviousError {
    fn english(&self) -> String {
        match self {
            PreviousError::NotFound(p) => {
                format!("“{p}” (previous year) does not exist: check the path given to --precedent")
            }
            PreviousError::Empty(p) => format!(
                "“{p}” (previous year) holds no tableau de bord (.xlsx, .xlsm, .xlsb, .xls, .ods)"
            ),
            PreviousError::NoYear => {
                "--precedent needs the bilan year: give --annee YYYY (or “annee” in spro.toml)"
                    .into()
            }
        }
    }
}

/// One previous file once read: its network (from the file, or from its name when it could
/// not be read) and what it gives.
struct Read {
    path: PathBuf,
    code: Option<String>,
    outcome: Result<Summary, Msg>,
}

impl Previous {
    /// Reads the previous year's files of `paths` with `checker` (its year is N), in parallel
    /// on the current rayon pool.
    pub fn load(paths: &[PathBuf], checker: &Checker) -> Result<Previous, PreviousError> {
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
        let read: Vec<Read> = inputs.par_iter().map(|i| read_one(&reader, i)).collect();
        Ok(Previous {
            year: year - 1,
            by_code: pair(read, year - 1),
            inputs,
        })
    }

    /// What the previous year says of the network `code`.
    pub fn get(&self, code: &str) -> Option<&Prior> {
        self.by_code.get(&code.to_uppercase())
    }

    /// A previous year made of priors, for tests.
    pub fn of(year: i32, priors: impl IntoIterator<Item = (String, Prior)>) -> Previous {
        Previous {
            year,
            by_code: priors.into_iter().collect(),
            inputs: Vec::new(),
        }
    }
}

fn read_one(reader: &Checker, input: &Input) -> Read {
    let (report, _) = reader.check_input_read(input);
    let path = input.path().to_path_buf();
    match (&report.bilan, report.status) {
        (Some(bilan), s) if s != Status::Unreadable => Read {
            path,
            code: report.reseau.as_ref().map(|c| c.to_uppercase()),
            outcome: Ok(Summary::of(bilan, &reader.schemas)),
        },
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
            Read {
                path,
                code,
                outcome: Err(why),
            }
        }
    }
}

/// Each network's prior: its one readable file of the year before, or why there is none.
fn pair(read: Vec<Read>, year: i32) -> BTreeMap<String, Prior> {
    let mut by_code: BTreeMap<String, Vec<Read>> = BTreeMap::new();
    for r in read {
        if let Some(code) = r.code.clone() {
            by_code.entry(code).or_default().push(r);
        }
    }
    by_code
        .into_iter()
        .map(|(code, mut files)| {
            files.sort_by(|a, b| a.path.cmp(&b.path));
            let prior = if files.len() > 1 {
                let names: Vec<String> = files
                    .iter()
                    .map(|f| format!("« {} »", f.path.display()))
                    .collect();
                let names = names.join(", ");
                let names_en = names.replace('«', "“").replace('»', "”");
                Prior::Unusable(msg!(
                    "plusieurs fichiers de l'année précédente portent ce réseau ({names})",
                    "several files of the previous year carry this network ({names_en})"
                ))
            } else {
                let Read { path, outcome, .. } = files.remove(0);
                let shown = path.display();
                match outcome {
                    Err(why) => {
                        let (why, why_en) = (why.fr, why.en);
                        Prior::Unusable(msg!(
                            "le fichier de l'année précédente « {shown} » est illisible ({why})",
                            "the previous year's file “{shown}” is unreadable ({why_en})"
                        ))
                    }
                    Ok(summary) => match summary.year {
                        Some(y) if y != year => Prior::Unusable(msg!(
                            "le fichier de l'année précédente « {shown} » est le bilan {y}, pas celui de {year}",
                            "the previous year's file “{shown}” is the {y} bilan, not the {year} one"
                        )),
                        _ => Prior::Usable { path, summary },
                    },
                }
            };
            (code, prior)
        })
        .collect()
}

/// The previous folder of `precedent` (`--precedent` wins over the configuration).
pub fn paths(given: &[PathBuf], config: &crate::config::Config) -> Vec<PathBuf> {
    if !given.is_empty() {
        return given.to_vec();
    }
    config
        .annee
        .and_then(|y| config.precedent_for(y))
        .into_iter()
        .collect()
}

/// Whether `path` is one of the previous inputs (an output must never overwrite one).
pub fn holds(previous: &Previous, path: &Path) -> bool {
    previous.inputs.iter().any(|i| i.path() == path)
}
