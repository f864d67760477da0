//! Which files a command works on: files given explicitly, and folders walked recursively in
//! sorted order, skipping lock files, AppleDouble files and hidden files (contrat §1). Symlink
//! loops are walked once; the same file given twice is checked once.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::read::Format;

/// One input: a file to check, or a problem to report on a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file to read, with the format its extension promises.
    File { path: PathBuf, format: Format },
    /// A file already in memory (an upload to `spro serve`), named by `path`.
    Memory {
        path: PathBuf,
        format: Format,
        bytes: std::sync::Arc<[u8]>,
    },
    /// A file given explicitly with an extension we do not accept (F002).
    Unsupported { path: PathBuf },
    /// A file or folder that cannot be read (F001).
    Unreadable {
        path: PathBuf,
        reason: crate::i18n::Msg,
    },
}

impl Input {
    /// An uploaded file, by its name: a workbook when its extension is one, else F002.
    pub fn upload(name: &str, bytes: std::sync::Arc<[u8]>) -> Input {
        let path = PathBuf::from(name);
        match Format::from_path(&path) {
            Some(format) => Input::Memory {
                path,
                format,
                bytes,
            },
            None => Input::Unsupported { path },
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            Input::File { path, .. }
            | Input::Memory { path, .. }
            | Input::Unsupported { path }
            | Input::Unreadable { path, .. } => path,
        }
    }
}

/// Why the inputs cannot be listed (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    NotFound(String),
}

impl crate::i18n::Said for InputError {
    fn said(&self) -> crate::i18n::Msg {
        match self {
            InputError::NotFound(p) => crate::msg!(
                "« {p} » n'existe pas : vérifiez le chemin",
                "“{p}” does not exist: check the path"
            ),
        }
    }
}

crate::said_in_french!(InputError);

/// Whether a file found in a folder is skipped: lock files, AppleDouble files, hidden files.
pub fn is_skipped(name: &str) -> bool {
    name.starts_with('.') || name.starts_with("~$")
}

/// Lists the inputs of `paths`, sorted by path, without duplicates.
pub fn collect(paths: &[PathBuf]) -> Result<(Vec<Input>, bool), InputError> {
    let mut out = Vec::new();
    let mut any_folder = false;
    let mut seen = BTreeSet::new();
    for path in paths {
        let meta = std::fs::metadata(path);
        match meta {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if std::fs::symlink_metadata(path).is_ok() {
                    out.push(Input::Unreadable {
                        path: path.clone(),
                        reason: crate::i18n::Msg::new(
                            "le lien symbolique ne mène à aucun fichier",
                            "the symbolic link leads to no file",
                        ),
                    });
                    continue;
                }
                return Err(InputError::NotFound(path.display().to_string()));
            }
            Err(e) => out.push(Input::Unreadable {
                path: path.clone(),
                reason: crate::msg!(
                    "le chemin ne peut pas être lu ({e})",
                    "the path cannot be read ({e})"
                ),
            }),
            Ok(m) if m.is_dir() => {
                any_folder = true;
                let mut visited = BTreeSet::new();
                walk(path, &mut out, &mut visited);
            }
            Ok(_) => match Format::from_path(path) {
                Some(format) => out.push(Input::File {
                    path: path.clone(),
                    format,
                }),
                None => out.push(Input::Unsupported { path: path.clone() }),
            },
        }
    }
    out.retain(|input| {
        let key =
            std::fs::canonicalize(input.path()).unwrap_or_else(|_| input.path().to_path_buf());
        seen.insert(key)
    });
    out.sort_by(|a, b| a.path().cmp(b.path()));
    Ok((out, any_folder))
}

fn walk(dir: &Path, out: &mut Vec<Input>, visited: &mut BTreeSet<PathBuf>) {
    let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !visited.insert(canonical) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            out.push(Input::Unreadable {
                path: dir.to_path_buf(),
                reason: crate::msg!(
                    "le dossier ne peut pas être lu ({e})",
                    "the folder cannot be read ({e})"
                ),
            });
            return;
        }
    };
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for child in children {
        let name = child
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if is_skipped(&name) {
            continue;
        }
        match std::fs::metadata(&child) {
            Ok(m) if m.is_dir() => walk(&child, out, visited),
            Ok(_) => {
                if let Some(format) = Format::from_path(&child) {
                    out.push(Input::File {
                        path: child,
                        format,
                    });
                }
            }
            Err(_) => {
                if Format::from_path(&child).is_some() {
                    out.push(Input::Unreadable {
                        path: child,
                        reason: crate::i18n::Msg::new(
                            "le fichier ne peut pas être lu (lien cassé ou accès refusé)",
                            "the file cannot be read (broken link or permission denied)",
                        ),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipped_names() {
        for name in [
            "~$bilan.xlsx",
            ".~lock.bilan.ods#",
            "._bilan.xlsx",
            ".cache",
        ] {
            assert!(is_skipped(name), "{name}");
        }
        assert!(!is_skipped("36-CHX.xlsx"));
    }
}
