//! The previous year's tableaux de bord (`--precedent`): walked like the inputs, read by the
//! same reader and rules, in parallel (`check::load_previous`), each reduced to its
//! [`Summary`] as soon as it is read, then paired by network code here. A previous file is never reported as a file itself: one that
//! is unreadable, of another year than N-1, or not alone for its network makes its network's
//! prior unusable, which T000 says on the file of year N it would have served.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::Summary;
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
    NotFound(String),
    Empty(String),
    NoYear,
}

impl crate::i18n::Said for PreviousError {
    fn said(&self) -> Msg {
        match self {
            PreviousError::NotFound(p) => msg!(
                "« {p} » (année précédente) n'existe pas : vérifiez le chemin donné à --precedent",
                "“{p}” (previous year) does not exist: check the path given to --precedent"
            ),
            PreviousError::Empty(p) => msg!(
                "« {p} » (année précédente) ne contient aucun tableau de bord (.xlsx, .xlsm, .xlsb, .xls, .ods)",
                "“{p}” (previous year) holds no tableau de bord (.xlsx, .xlsm, .xlsb, .xls, .ods)"
            ),
            PreviousError::NoYear => msg!(
                "--precedent demande l'année du bilan : indiquez --annee AAAA (ou « annee » dans spro.toml)",
                "--precedent needs the bilan year: give --annee YYYY (or “annee” in spro.toml)"
            ),
        }
    }
}

crate::said_in_french!(PreviousError);

/// One previous file once read: its network (from the file, or from its name when it could
/// not be read) and what it gives, or why it gives nothing.
pub(crate) struct Read {
    pub(crate) path: PathBuf,
    pub(crate) code: Option<String>,
    pub(crate) outcome: Outcome,
}

/// What a previous file gives.
pub(crate) enum Outcome {
    Read(Summary),
    /// It could not be read: the finding that says why (F001, F003…), its message.
    Unreadable(Msg),
}

impl Previous {
    /// The previous year `year` (N-1) made of its files, once each is read (`read`, in any
    /// order): paired by network.
    pub(crate) fn of_files(year: i32, read: Vec<Read>, inputs: Vec<Input>) -> Previous {
        Previous {
            year,
            by_code: pair(read, year),
            inputs,
        }
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
                    Outcome::Unreadable(why) => {
                        let (why, why_en) = (why.fr, why.en);
                        Prior::Unusable(msg!(
                            "le fichier de l'année précédente « {shown} » est illisible ({why})",
                            "the previous year's file “{shown}” is unreadable ({why_en})"
                        ))
                    }
                    Outcome::Read(summary) => match summary.year {
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
pub(crate) fn paths(given: &[PathBuf], config: &crate::config::Config) -> Vec<PathBuf> {
    if !given.is_empty() {
        return given.to_vec();
    }
    config
        .annee
        .and_then(|y| config.precedent_for(y))
        .into_iter()
        .collect()
}
