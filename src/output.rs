//! Writing outputs safely: through a temporary file in the destination folder, renamed once
//! complete (an interrupted run leaves no half-written file), and never over an input file.

use std::path::{Path, PathBuf};

/// Why an output could not be written (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("refus d'écrire « {0} » : c'est l'un des fichiers vérifiés ; choisissez un autre nom de sortie")]
    WouldOverwriteInput(String),
    #[error("impossible d'écrire « {path} » : {}", message.fr)]
    Write {
        path: String,
        message: crate::i18n::Msg,
    },
}

impl crate::i18n::English for OutputError {
    fn english(&self) -> String {
        match self {
            OutputError::WouldOverwriteInput(p) => format!("refusing to write “{p}”: it is one of the files checked; choose another output name"),
            OutputError::Write { path, message } => format!("cannot write “{path}”: {}", message.en),
        }
    }
}

/// Refuses `out` when it is one of `inputs`.
pub fn refuse_overwriting_input<'a>(
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

/// Something that went wrong while an output was being filled, as the user reads it.
pub trait Failure {
    fn message(&self) -> crate::i18n::Msg;
}

impl Failure for std::io::Error {
    fn message(&self) -> crate::i18n::Msg {
        described(self.to_string())
    }
}

impl Failure for rust_xlsxwriter::XlsxError {
    fn message(&self) -> crate::i18n::Msg {
        described(self.to_string())
    }
}

impl Failure for crate::i18n::Msg {
    fn message(&self) -> crate::i18n::Msg {
        self.clone()
    }
}

fn error(path: &Path, e: impl Failure) -> OutputError {
    OutputError::Write {
        path: path.display().to_string(),
        message: e.message(),
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

/// Writes `path` by calling `fill` on a temporary file of the same folder, then renaming it.
pub fn write_with<F, E>(path: &Path, fill: F) -> Result<(), OutputError>
where
    F: FnOnce(&Path) -> Result<(), E>,
    E: Failure,
{
    let dir = match path.parent() {
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
    tmp.persist(path).map_err(|e| error(path, e.error))?;
    Ok(())
}
