//! The journal: one row per event (a login, a deposit, a decision, an e-mail, an export…),
//! appended, never changed. Each row holds the SHA-256 of the row before it and its own, over
//! its fields, so that a row edited or removed breaks the chain, which `verifier` walks.

use rusqlite::{params, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use super::CampaignError;

/// The digest before the first row.
const START: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One event, as the journal keeps it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub(crate) id: i64,
    pub(crate) at: String,
    pub(crate) event: String,
    /// Who did it (an address), when a person did.
    pub(crate) person: Option<String>,
    /// What it was about, as JSON.
    pub(crate) details: String,
}

/// The digest of a row, over its fields and the digest before it.
fn digest(entry: &Entry, before: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        before,
        &entry.id.to_string(),
        &entry.at,
        &entry.event,
        entry.person.as_deref().unwrap_or(""),
        &entry.details,
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    super::files::hex(&h.finalize())
}

/// Appends `event` by `person` about `details` (JSON), at `now()`.
pub(crate) fn append(
    tx: &Transaction<'_>,
    event: &str,
    person: Option<&str>,
    details: serde_json::Value,
) -> Result<(), CampaignError> {
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, empreinte FROM journal ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (id, before) = match last {
        Some((id, digest)) => (id + 1, digest),
        None => (1, START.to_string()),
    };
    let entry = Entry {
        id,
        at: super::stamp(super::now()),
        event: event.to_string(),
        person: person.map(str::to_string),
        details: details.to_string(),
    };
    let own = digest(&entry, &before);
    tx.execute(
        "INSERT INTO journal (id, le, evenement, personne, details, precedent, empreinte)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            entry.id,
            entry.at,
            entry.event,
            entry.person,
            entry.details,
            before,
            own
        ],
    )?;
    Ok(())
}

/// The rows of the journal whose chain is broken: (row id, what is wrong, in French and
/// English). Empty when every row is as written.
pub(crate) fn broken(tx: &Transaction<'_>) -> Result<Vec<(i64, crate::i18n::Msg)>, CampaignError> {
    let mut statement = tx.prepare(
        "SELECT id, le, evenement, personne, details, precedent, empreinte FROM journal ORDER BY id",
    )?;
    let rows = statement.query_map([], |r| {
        let entry = Entry {
            id: r.get(0)?,
            at: r.get(1)?,
            event: r.get(2)?,
            person: r.get(3)?,
            details: r.get(4)?,
        };
        Ok((entry, r.get::<_, String>(5)?, r.get::<_, String>(6)?))
    })?;
    let mut out = Vec::new();
    let mut before = START.to_string();
    let mut expected_id = 1;
    for row in rows {
        let (entry, precedent, own) = row?;
        let id = entry.id;
        if id != expected_id {
            out.push((
                id,
                crate::msg!(
                    "la ligne {expected_id} du journal manque (la suivante est la {id})",
                    "row {expected_id} of the journal is missing (the next is {id})"
                ),
            ));
        } else if precedent != before {
            out.push((
                id,
                crate::msg!(
                "la ligne {id} du journal ne suit pas la précédente (ligne retirée ou modifiée)",
                "row {id} of the journal does not follow the one before (a row removed or changed)"
            ),
            ));
        } else if digest(&entry, &before) != own {
            out.push((
                id,
                crate::msg!(
                    "la ligne {id} du journal a été modifiée après coup",
                    "row {id} of the journal was changed afterwards"
                ),
            ));
        }
        before = own;
        expected_id = id + 1;
    }
    Ok(out)
}

/// Seals the chain again from row `from` on (after a purge changed the rows that named the
/// people it removed).
pub(crate) fn reseal(tx: &Transaction<'_>, from: i64) -> Result<(), CampaignError> {
    let mut before: String = tx
        .query_row(
            "SELECT empreinte FROM journal WHERE id < ?1 ORDER BY id DESC LIMIT 1",
            [from],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_else(|| START.to_string());
    let rows: Vec<Entry> = {
        let mut s = tx.prepare(
            "SELECT id, le, evenement, personne, details FROM journal WHERE id >= ?1 ORDER BY id",
        )?;
        let rows = s.query_map([from], |r| {
            Ok(Entry {
                id: r.get(0)?,
                at: r.get(1)?,
                event: r.get(2)?,
                person: r.get(3)?,
                details: r.get(4)?,
            })
        })?;
        rows.collect::<Result<_, _>>()?
    };
    for entry in rows {
        let own = digest(&entry, &before);
        tx.execute(
            "UPDATE journal SET precedent = ?2, empreinte = ?3 WHERE id = ?1",
            params![entry.id, before, own],
        )?;
        before = own;
    }
    Ok(())
}
