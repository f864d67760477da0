//! The store's schema, by version: each migration is the SQL that takes the database from the
//! version before it to its own (`PRAGMA user_version`). They ship in the binary and run at
//! start, in one transaction each; a database whose version is newer than the last here was
//! written by a newer `spro` and is refused, never touched. The SQL is in `schema/`, one file
//! per version, never edited once released: a change is a new file.

/// Migration `i` takes version `i` to version `i + 1`.
pub(super) const MIGRATIONS: [&str; 2] = [V1, V2];

/// The first schema.
const V1: &str = include_str!("schema/v1.sql");

/// Reports in English too; e-mails not sent kept for the dashboard.
const V2: &str = include_str!("schema/v2.sql");
