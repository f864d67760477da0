//! What proves the store is whole: `verifier` (SQLite's own check, every deposit's file there
//! with its digest, the journal's chain), and backups — a consistent copy taken while the
//! server runs (SQLite's `VACUUM INTO`, then the files the copy names) — and their restoration.

use std::path::{Path, PathBuf};

use super::{files, journal, CampaignError, Store, DATABASE};
use crate::i18n::Msg;
use crate::msg;

/// What `verifier` found wrong, each said; empty when the store is whole.
#[derive(Debug, Default)]
pub(crate) struct Findings(pub Vec<Msg>);

impl Store {
    /// Every check of the store: SQLite's integrity check, each deposit's file and digest, the
    /// journal's chain.
    pub(crate) fn verify(&self) -> Result<Findings, CampaignError> {
        let (integrity, deposits, broken) = self.read(|tx| {
            let integrity: Vec<String> = {
                let mut s = tx.prepare("PRAGMA integrity_check")?;
                let rows = s.query_map([], |r| r.get(0))?;
                rows.collect::<Result<_, _>>()?
            };
            let deposits: Vec<(i64, String)> = {
                let mut s = tx.prepare("SELECT id, sha256 FROM depots ORDER BY id")?;
                let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            Ok((integrity, deposits, journal::broken(tx)?))
        })?;
        let mut found = Vec::new();
        for line in integrity.into_iter().filter(|l| l != "ok") {
            found.push(msg!(
                "la base SQLite est abîmée : {line}",
                "the SQLite database is damaged: {line}"
            ));
        }
        for (id, sha) in deposits {
            match files::read(self.dir(), &sha) {
                Err(_) => found.push(msg!(
                    "le fichier du dépôt {id} ({sha}) manque",
                    "the file of deposit {id} ({sha}) is missing"
                )),
                Ok(bytes) if files::sha256(&bytes) != sha => found.push(msg!(
                    "le fichier du dépôt {id} a été modifié : son empreinte n'est plus {sha}",
                    "the file of deposit {id} was altered: its digest is no longer {sha}"
                )),
                Ok(_) => {}
            }
        }
        found.extend(broken.into_iter().map(|(_, m)| m));
        Ok(Findings(found))
    }

    /// A consistent copy of the store, as a tar archive at `target` (written atomically): the
    /// database as of one moment, and every file it names.
    pub(crate) fn back_up(&self, target: &Path) -> Result<usize, CampaignError> {
        let work = tempfile::tempdir_in(self.dir()).map_err(|source| io(self.dir(), source))?;
        let copy = work.path().join(DATABASE);
        self.connection()
            .execute("VACUUM INTO ?1", [copy.to_string_lossy()])?;
        let snapshot = rusqlite::Connection::open(&copy)?;
        let shas: Vec<String> = {
            let mut s = snapshot.prepare("SELECT DISTINCT sha256 FROM depots ORDER BY sha256")?;
            let rows = s.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        drop(snapshot);
        let write = |tmp: &Path| -> std::io::Result<()> {
            let mut archive = tar::Builder::new(std::fs::File::create(tmp)?);
            archive.append_path_with_name(&copy, DATABASE)?;
            for sha in &shas {
                let name = format!("{}/{sha}", files::FOLDER);
                archive.append_path_with_name(files::path(self.dir(), sha), name)?;
            }
            archive.into_inner()?.sync_all()
        };
        crate::output::write_with(target, write).map_err(|e| CampaignError::Backup(Box::new(e)))?;
        Ok(shas.len())
    }
}

/// Restores the backup `archive` into `dir`, which must not hold a store already; gives the
/// store, opened (its schema brought up to date).
pub(crate) fn restore(archive: &Path, dir: &Path) -> Result<Store, CampaignError> {
    if dir.join(DATABASE).exists() {
        return Err(CampaignError::Occupied(dir.to_path_buf()));
    }
    std::fs::create_dir_all(dir).map_err(|source| io(dir, source))?;
    let file = std::fs::File::open(archive).map_err(|source| io(archive, source))?;
    let mut tar = tar::Archive::new(file);
    for entry in tar.entries().map_err(|source| io(archive, source))? {
        let mut entry = entry.map_err(|source| io(archive, source))?;
        let name: PathBuf = entry
            .path()
            .map_err(|source| io(archive, source))?
            .into_owned();
        // Only what a backup holds: the database and files named by a digest.
        let allowed = name == Path::new(DATABASE)
            || (name.parent() == Some(Path::new(files::FOLDER))
                && name
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.len() == 64 && n.bytes().all(|b| b.is_ascii_hexdigit())));
        if !allowed {
            return Err(CampaignError::NotABackup(archive.to_path_buf()));
        }
        entry.unpack_in(dir).map_err(|source| io(dir, source))?;
    }
    Store::open(dir)
}

fn io(path: &Path, source: std::io::Error) -> CampaignError {
    CampaignError::Io {
        path: path.to_path_buf(),
        source,
    }
}
