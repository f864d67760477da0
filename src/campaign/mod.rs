//! The campaign (`spro serve --donnees DIR`, `spro campagne …`): the year's bilans deposited,
//! kept, decided on and consolidated, with nothing lost. Its store is a folder: `spro.sqlite`
//! (SQLite, WAL, foreign keys, `synchronous=FULL`; its schema versioned, [`migrations`]) and
//! `fichiers/`, every deposited file named by its SHA-256, written and synced before the row
//! that names it commits ([`files`]). Nothing else is on disk: annotated copies and comparisons
//! are made again from the stored bytes.
//!
//! - [`campaigns`]: opening a year, closing it, reopening it for one network;
//! - [`people`]: who may log in (`personnes.csv`), links, sessions and API tokens (only their
//!   SHA-256 kept);
//! - [`deposits`]: a deposit checked and kept, the Région's decisions, a network's state;
//! - [`dashboard`]: every expected network's state, the totals;
//! - [`journal`]: one row per event, each holding the SHA-256 of the one before;
//! - [`integrity`]: `verifier`, backups and their restoration.

pub(crate) mod campaigns;
pub(crate) mod compare;
pub(crate) mod dashboard;
pub(crate) mod deposits;
pub(crate) mod export;
pub(crate) mod files;
pub(crate) mod integrity;
pub(crate) mod journal;
pub(crate) mod mail;
mod migrations;
pub(crate) mod people;
pub(crate) mod purge;
pub(crate) mod recheck;
pub(crate) mod reminders;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::i18n::Msg;
use crate::msg;

pub(crate) use campaigns::Opening;
pub(crate) use deposits::Deposited;

/// The database's file in the store's folder.
const DATABASE: &str = "spro.sqlite";

/// A campaign's store, open: one connection, taken in turn (a deposit's transaction is a few
/// milliseconds; the checks happen before it, outside).
pub(crate) struct Store {
    dir: PathBuf,
    connection: Mutex<Connection>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the store in `dir`, creating it when it is new, and brings its schema to this
    /// version's. A store written by a newer `spro` is refused untouched.
    pub(crate) fn open(dir: &Path) -> Result<Store, CampaignError> {
        let io = |source| CampaignError::Io {
            path: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir.join(files::FOLDER)).map_err(io)?;
        let mut connection = Connection::open(dir.join(DATABASE))?;
        connection.busy_timeout(std::time::Duration::from_secs(30))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut connection)?;
        Ok(Store {
            dir: dir.to_path_buf(),
            connection: Mutex::new(connection),
        })
    }

    /// The store's folder.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    fn connection(&self) -> MutexGuard<'_, Connection> {
        self.connection
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `work` in one transaction, taken for writing at once (no other writer can slip in
    /// between its reads and its writes), committed when `work` succeeds.
    pub(crate) fn write<T>(
        &self,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, CampaignError>,
    ) -> Result<T, CampaignError> {
        let mut connection = self.connection();
        let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = work(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `work` on a snapshot of the store (a read transaction).
    pub(crate) fn read<T>(
        &self,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, CampaignError>,
    ) -> Result<T, CampaignError> {
        let mut connection = self.connection();
        let tx = connection.transaction_with_behavior(TransactionBehavior::Deferred)?;
        work(&tx)
    }
}

/// Applies the migrations the database lacks, each in its own transaction.
fn migrate(connection: &mut Connection) -> Result<(), CampaignError> {
    let known = migrations::MIGRATIONS.len() as i64;
    let found: i64 = connection.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > known {
        return Err(CampaignError::Newer { found, known });
    }
    for (i, sql) in migrations::MIGRATIONS
        .iter()
        .enumerate()
        .skip(found as usize)
    {
        let tx = connection.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)?;
        if found > 0 {
            // A store that existed is changed: the journal says when, and from which version.
            let change = serde_json::json!({ "de": i, "a": i + 1 });
            journal::append(&tx, "schema_mis_a_jour", None, change)?;
        }
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Now, in UTC, as the store writes it (`2026-03-14T09:30:00Z`). `SPRO_MAINTENANT` (the same
/// form) sets it, for the tests and demonstrations of deadlines and reminders.
pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    std::env::var("SPRO_MAINTENANT")
        .ok()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
        .map_or_else(
            || std::time::SystemTime::now().into(),
            |t| t.with_timezone(&chrono::Utc),
        )
}

/// `now()` as text.
pub(crate) fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Why a campaign's operation could not be done. Every refusal changes nothing in the store.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CampaignError {
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    Sqlite(#[from] rusqlite::Error),
    /// The database was written by a newer `spro` (schema `found`, this one knows `known`).
    Newer {
        found: i64,
        known: i64,
    },
    /// No campaign was ever opened.
    NoCampaign,
    /// A campaign of this year exists already.
    AlreadyOpened(i32),
    /// No campaign of this year.
    NoSuchYear(i32),
    /// The campaign takes no deposit (closed, and not reopened for this network).
    Closed {
        year: i32,
        network: String,
    },
    /// Not a network the campaign expects.
    UnknownNetwork(String),
    /// An address nobody has (or a person deactivated).
    UnknownPerson(String),
    /// A deposit that does not exist — or that the person may not see.
    NoSuchDeposit(i64),
    /// `personnes.csv` could not be read at all.
    People(#[source] csv::Error),
    /// The file could not be kept (a full disk among others): nothing was recorded.
    Keeping(#[source] std::io::Error),
    /// A backup, or an export, could not be written.
    Backup(#[source] Box<crate::output::OutputError>),
    /// `restaurer` into a folder that holds a store already.
    Occupied(PathBuf),
    /// An archive holding something a backup does not.
    NotABackup(PathBuf),
}

impl crate::i18n::Said for CampaignError {
    fn said(&self) -> Msg {
        match self {
            CampaignError::Io { path, source } => {
                let path = path.display();
                msg!(
                    "le dossier de la campagne « {path} » est inutilisable : {source}",
                    "the campaign's folder “{path}” cannot be used: {source}"
                )
            }
            CampaignError::Sqlite(e) => msg!(
                "la base de la campagne a refusé l'opération : {e}",
                "the campaign's database refused the operation: {e}"
            ),
            CampaignError::Newer { found, known } => msg!(
                "la base de la campagne a été écrite par une version plus récente de spro (schéma {found}, celle-ci connaît le {known}) : installez la version de spro qui l'a écrite ou une plus récente",
                "the campaign's database was written by a newer spro (schema {found}, this one knows {known}): install the spro that wrote it or a newer one"
            ),
            CampaignError::NoCampaign => msg!(
                "aucune campagne n'a été ouverte : ouvrez-en une avec « spro campagne ouvrir --annee AAAA »",
                "no campaign was opened: open one with “spro campagne ouvrir --annee YYYY”"
            ),
            CampaignError::AlreadyOpened(year) => msg!(
                "la campagne {year} existe déjà : « spro campagne etat » la montre",
                "the {year} campaign exists already: “spro campagne etat” shows it"
            ),
            CampaignError::NoSuchYear(year) => msg!(
                "il n'y a pas de campagne {year}",
                "there is no {year} campaign"
            ),
            CampaignError::Closed { year, network } => msg!(
                "la campagne {year} est close : elle ne reçoit plus de bilan du réseau {network} ; demandez à la Région de la rouvrir pour votre réseau",
                "the {year} campaign is closed: it takes no more bilan from network {network}; ask the Région to reopen it for your network"
            ),
            CampaignError::UnknownNetwork(code) => msg!(
                "le réseau « {code} » n'est pas attendu par la campagne : vérifiez son code",
                "network “{code}” is not expected by the campaign: check its code"
            ),
            CampaignError::UnknownPerson(address) => msg!(
                "personne n'a l'adresse « {address} » dans la campagne (ou elle a été retirée) : invitez-la d'abord",
                "nobody has the address “{address}” in the campaign (or they were removed): invite them first"
            ),
            CampaignError::NoSuchDeposit(id) => msg!(
                "le dépôt {id} n'existe pas",
                "deposit {id} does not exist"
            ),
            CampaignError::People(e) => msg!(
                "la liste des personnes est illisible : {e}",
                "the list of people cannot be read: {e}"
            ),
            CampaignError::Keeping(e) => {
                let why = crate::i18n::Said::said(e);
                let (fr, en) = (why.fr, why.en);
                msg!(
                    "le fichier n'a pas pu être conservé ({fr}) : rien n'a été enregistré, réessayez plus tard",
                    "the file could not be kept ({en}): nothing was recorded, try again later"
                )
            }
            CampaignError::Backup(e) => e.said(),
            CampaignError::Occupied(dir) => {
                let dir = dir.display();
                msg!(
                    "« {dir} » contient déjà une campagne : restaurez dans un dossier vide",
                    "“{dir}” holds a campaign already: restore into an empty folder"
                )
            }
            CampaignError::NotABackup(file) => {
                let file = file.display();
                msg!(
                    "« {file} » n'est pas une sauvegarde de spro (il contient autre chose que la base et ses fichiers)",
                    "“{file}” is not a spro backup (it holds something else than the database and its files)"
                )
            }
        }
    }
}

crate::said_in_french!(CampaignError);
