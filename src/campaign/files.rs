//! The deposited files, by their SHA-256 (`fichiers/<sha256>`): written to a temporary file in
//! the same folder, synced, renamed, the folder synced — all before the row naming the file
//! commits. A file already there is the same bytes and is not written again. The server never
//! modifies or removes a stored file.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The files' folder in the store.
pub(super) const FOLDER: &str = "fichiers";

/// The SHA-256 of `bytes`, in lowercase hex.
pub(crate) fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Where the file of `sha256` is kept in the store `dir`.
pub(crate) fn path(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(FOLDER).join(sha256)
}

/// Keeps `bytes` in the store `dir`, durably, and gives their SHA-256.
pub(crate) fn keep(dir: &Path, bytes: &[u8]) -> std::io::Result<String> {
    let sha = sha256(bytes);
    let target = path(dir, &sha);
    if target.exists() {
        return Ok(sha);
    }
    let folder = dir.join(FOLDER);
    let mut tmp = tempfile::Builder::new()
        .prefix(".depot-")
        .tempfile_in(&folder)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    std::fs::File::open(&folder)?.sync_all()?;
    Ok(sha)
}

/// The bytes of the file of `sha256`.
pub(crate) fn read(dir: &Path, sha256: &str) -> std::io::Result<Vec<u8>> {
    std::fs::read(path(dir, sha256))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_kept_once_under_its_digest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(FOLDER)).unwrap();
        let sha = keep(dir.path(), b"bilan").unwrap();
        assert_eq!(sha, sha256(b"bilan"));
        assert_eq!(keep(dir.path(), b"bilan").unwrap(), sha);
        assert_eq!(read(dir.path(), &sha).unwrap(), b"bilan");
        let names: Vec<_> = std::fs::read_dir(dir.path().join(FOLDER))
            .unwrap()
            .collect();
        assert_eq!(names.len(), 1, "no temporary file left");
    }
}
