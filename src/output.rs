//! Writing outputs safely: through a temporary file in the destination folder, renamed once
//! complete (an interrupted run leaves no half-written file), and never over an input file.

use std::path::{Path, PathBuf};

/// Why an output could not be written (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    WouldOverwriteInput(String),
    Write {
        path: String,
        message: crate::i18n::Msg,
    },
}

impl crate::i18n::Said for OutputError {
    fn said(&self) -> crate::i18n::Msg {
        match self {
            OutputError::WouldOverwriteInput(p) => crate::msg!(
                "refus d'écrire « {p} » : c'est l'un des fichiers vérifiés ; choisissez un autre nom de sortie",
                "refusing to write “{p}”: it is one of the files checked; choose another output name"
            ),
            OutputError::Write { path, message } => {
                let (fr, en) = (&message.fr, &message.en);
                crate::msg!("impossible d'écrire « {path} » : {fr}", "cannot write “{path}”: {en}")
            }
        }
    }
}

crate::said_in_french!(OutputError);

/// Refuses `out` when it is one of `inputs`.
pub(crate) fn refuse_overwriting_input<'a>(
    out: &Path,
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<(), OutputError> {
    let Ok(target) = std::fs::canonicalize(out) else {
        return Ok(());
    };
    for input in inputs {
        if std::fs::canonicalize(input).is_ok_and(|p| p == target) {
            return Err(OutputError::WouldOverwriteInput(out.display().to_string()));
        }
    }
    Ok(())
}

/// What went wrong while an output was being filled, as the user reads it: a system or
/// spreadsheet library error is [`Said`](crate::i18n::Said) like every error of the tool.
impl crate::i18n::Said for std::io::Error {
    fn said(&self) -> crate::i18n::Msg {
        described(self.to_string())
    }
}

impl crate::i18n::Said for rust_xlsxwriter::XlsxError {
    fn said(&self) -> crate::i18n::Msg {
        described(self.to_string())
    }
}

fn error(path: &Path, e: impl crate::i18n::Said) -> OutputError {
    OutputError::Write {
        path: path.display().to_string(),
        message: e.said(),
    }
}

/// A system or library error said in French when it is a common one.
fn described(text: String) -> crate::i18n::Msg {
    if text.contains("No space left") {
        crate::i18n::Msg::new("le disque est plein", "the disk is full")
    } else if text.contains("Permission denied") || text.contains("ermission") {
        crate::i18n::Msg::new(
            "accès refusé (droits d'écriture du dossier)",
            "permission denied (write access to the folder)",
        )
    } else {
        crate::i18n::Msg::new(text.clone(), text)
    }
}

/// Where an output really goes: a regular file (or a new path) is written atomically, at the
/// place a symbolic link points to (the link stays, the file it names is replaced); anything
/// else the user may point at (a device such as `/dev/null`, a FIFO, a socket) is written into
/// as it is, never renamed over.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    Atomic(PathBuf),
    Direct,
}

/// The most symbolic links followed, as the system does (`ELOOP`).
const MAX_LINKS: usize = 40;

fn target(path: &Path) -> Target {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => match std::fs::read_link(&current) {
                Ok(next) => {
                    current = match current.parent() {
                        Some(dir) if next.is_relative() => dir.join(next),
                        _ => next,
                    }
                }
                Err(_) => return Target::Atomic(current),
            },
            Ok(meta) if !meta.file_type().is_file() && !meta.is_dir() => return Target::Direct,
            _ => return Target::Atomic(current),
        }
    }
    Target::Atomic(current)
}

/// Writes `path` by calling `fill` on a temporary file, then renaming it over `path` (or over
/// the file a symbolic link `path` names). A device, a FIFO or a socket is filled from that
/// temporary file instead, since renaming over it would replace it: `/dev/null` stays a device
/// and the reader of a FIFO gets the output.
pub(crate) fn write_with<F, E>(path: &Path, fill: F) -> Result<(), OutputError>
where
    F: FnOnce(&Path) -> Result<(), E>,
    E: crate::i18n::Said,
{
    match target(path) {
        Target::Atomic(file) => write_atomically(path, &file, fill),
        Target::Direct => write_directly(path, fill),
    }
}

/// `fill` on a temporary file of the system's temporary folder (the device's own folder is
/// not ours to write in), then the bytes copied into `path`, opened without truncating or
/// creating anything.
fn write_directly<F, E>(path: &Path, fill: F) -> Result<(), OutputError>
where
    F: FnOnce(&Path) -> Result<(), E>,
    E: crate::i18n::Said,
{
    let tmp = tempfile::Builder::new()
        .prefix(".spro-")
        .suffix(".tmp")
        .tempfile()
        .map_err(|e| error(path, e))?;
    fill(tmp.path()).map_err(|e| error(path, e))?;
    let mut from = std::fs::File::open(tmp.path()).map_err(|e| error(path, e))?;
    let mut to = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| error(path, e))?;
    std::io::copy(&mut from, &mut to).map_err(|e| error(path, e))?;
    Ok(())
}

/// `fill` on a temporary file beside `file`, synced, then renamed over it; errors name `path`,
/// what the user typed.
fn write_atomically<F, E>(path: &Path, file: &Path, fill: F) -> Result<(), OutputError>
where
    F: FnOnce(&Path) -> Result<(), E>,
    E: crate::i18n::Said,
{
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| error(path, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".spro-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| error(path, e))?;
    fill(tmp.path()).map_err(|e| error(path, e))?;
    // Temporary files are private (0600); the output is an ordinary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(|e| error(path, e))?;
    }
    std::fs::File::open(tmp.path())
        .and_then(|f| f.sync_all())
        .map_err(|e| error(path, e))?;
    tmp.persist(file).map_err(|e| error(path, e.error))?;
    Ok(())
}

/// What `spro` writes for the bilans of a year, and the name each takes: one place for the
/// command line (under `reports/` by default) and the page (the downloaded file's name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Produced {
    /// The regional workbook (`consolidate`).
    RegionalWorkbook,
    /// The regional synthesis, a PDF (`synthese`).
    Synthesis,
    /// The open-data package, a folder (`publier`).
    OpenData,
    /// The blank tableau de bord (`template`).
    Template,
}

impl Produced {
    /// The file's (or folder's) name for the bilans of `year`.
    pub(crate) fn file_name(self, year: i32) -> String {
        match self {
            Produced::RegionalWorkbook => format!("bilan-regional-{year}.xlsx"),
            Produced::Synthesis => format!("synthese-regionale-{year}.pdf"),
            Produced::OpenData => format!("donnees-ouvertes-{year}"),
            Produced::Template => format!("tableau-de-bord-{year}.xlsx"),
        }
    }

    /// Where the command line writes it when no path is given: `reports/` of the current folder.
    pub(crate) fn default_path(self, year: i32) -> PathBuf {
        Path::new("reports").join(self.file_name(year))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) -> Result<(), OutputError> {
        write_with(path, |tmp| std::fs::write(tmp, text))
    }

    #[test]
    fn a_symbolic_link_stays_and_its_file_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("rapport.json");
        std::fs::write(&file, "ancien").unwrap();
        let link = dir.path().join("lien.json");
        std::os::unix::fs::symlink("rapport.json", &link).unwrap();
        write(&link, "nouveau").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "nouveau");
    }

    #[test]
    fn a_dangling_link_makes_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("lien.json");
        std::os::unix::fs::symlink(dir.path().join("sous/rapport.json"), &link).unwrap();
        write(&link, "nouveau").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("sous/rapport.json")).unwrap(),
            "nouveau"
        );
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
    }

    #[test]
    fn a_fifo_is_written_into_and_stays_a_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("tube");
        let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid, NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        write(&fifo, "par le tube").unwrap();
        assert_eq!(reader.join().unwrap(), "par le tube");
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo());
    }

    #[test]
    fn a_regular_file_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("r.txt");
        std::fs::write(&file, "un texte plus long que le suivant").unwrap();
        write(&file, "court").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "court");
        assert_eq!(target(&file), Target::Atomic(file.clone()));
        assert_eq!(target(Path::new("/dev/null")), Target::Direct);
    }
}
