//! `spro campagne purger` (RGPD, `[campagne] conservation_ans`, 5 by default): the deposits,
//! decisions, re-checks and files of the campaigns closed longer ago than that are removed, then
//! the people no open campaign needs and no kept deposit names; the journal forgets their
//! addresses (its chain sealed again from the first row changed) and keeps that the purge
//! happened, without personal data. `verifier` passes after.

use rusqlite::{params, Transaction};
use serde_json::json;

use super::{files, journal, CampaignError, Store};

/// What a purge removed.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Purged {
    pub(crate) campaigns: Vec<i32>,
    pub(crate) deposits: usize,
    pub(crate) files: usize,
    pub(crate) people: usize,
}

impl Store {
    /// Purges what `years` of keeping allow, as of now.
    pub(crate) fn purge(&self, years: u32) -> Result<Purged, CampaignError> {
        let limit = super::stamp(super::now() - chrono::Duration::days(365 * i64::from(years)));
        let (purged, orphans) = self.write(|tx| {
            let mut purged = Purged::default();
            let old: Vec<(i64, i32)> = {
                let mut s = tx.prepare(
                    "SELECT id, annee FROM campagnes WHERE ouverte = 0 AND close_le IS NOT NULL AND close_le < ?1",
                )?;
                let rows = s.query_map([&limit], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            let mut shas = Vec::new();
            for (id, year) in &old {
                let mut s = tx.prepare("SELECT sha256 FROM depots WHERE campagne = ?1")?;
                let gone: Vec<String> = s.query_map([id], |r| r.get(0))?.collect::<Result<_, _>>()?;
                purged.deposits += gone.len();
                shas.extend(gone);
                let depots = "SELECT id FROM depots WHERE campagne = ?1";
                tx.execute(&format!("DELETE FROM decisions WHERE depot IN ({depots})"), [id])?;
                tx.execute(&format!("DELETE FROM reverifications WHERE depot IN ({depots})"), [id])?;
                tx.execute("DELETE FROM depots WHERE campagne = ?1", [id])?;
                purged.campaigns.push(*year);
            }
            // Files no kept deposit names any more.
            shas.sort();
            shas.dedup();
            let mut orphans = Vec::new();
            for sha in shas {
                let n: i64 = tx.query_row("SELECT COUNT(*) FROM depots WHERE sha256 = ?1", [&sha], |r| r.get(0))?;
                if n == 0 {
                    orphans.push(sha);
                }
            }
            purged.files = orphans.len();
            let removed = remove_people(tx)?;
            purged.people = removed.len();
            forget(tx, &removed)?;
            journal::append(
                tx,
                "purge",
                None,
                json!({
                    "conservation_ans": years,
                    "campagnes": purged.campaigns,
                    "depots": purged.deposits,
                    "fichiers": purged.files,
                    "personnes": purged.people,
                }),
            )?;
            Ok((purged, orphans))
        })?;
        // The rows are gone: their files after (a crash between leaves a file no row names,
        // which `verifier` does not mind; never a row without its file).
        for sha in &orphans {
            let _ = std::fs::remove_file(files::path(self.dir(), sha));
        }
        Ok(purged)
    }
}

/// Removes the people no open campaign needs (a network person none of whose networks an open
/// campaign expects; anyone deactivated) and no kept deposit or decision names; gives their
/// addresses.
fn remove_people(tx: &Transaction<'_>) -> Result<Vec<String>, CampaignError> {
    let mut s = tx.prepare(
        "SELECT p.id, p.courriel FROM personnes p
         WHERE (p.actif = 0 OR (p.role = 'reseau' AND NOT EXISTS (
                  SELECT 1 FROM personnes_reseaux r
                  JOIN reseaux_attendus e ON e.code = r.code
                  JOIN campagnes c ON c.id = e.campagne AND c.ouverte = 1
                  WHERE r.personne = p.id)))
           AND NOT EXISTS (SELECT 1 FROM depots d WHERE d.par = p.id)
           AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.par = p.id)",
    )?;
    let gone: Vec<(i64, String)> = s
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (id, _) in &gone {
        tx.execute("DELETE FROM jetons WHERE personne = ?1", [id])?;
        tx.execute("DELETE FROM personnes_reseaux WHERE personne = ?1", [id])?;
        tx.execute("DELETE FROM personnes WHERE id = ?1", [id])?;
    }
    Ok(gone.into_iter().map(|(_, a)| a).collect())
}

/// The journal without the addresses of `removed`: in the rows naming them, the person and the
/// address in the details become « (supprimé) »; the chain is sealed again from the first row
/// changed.
fn forget(tx: &Transaction<'_>, removed: &[String]) -> Result<(), CampaignError> {
    if removed.is_empty() {
        return Ok(());
    }
    let rows: Vec<(i64, Option<String>, String)> = {
        let mut s = tx.prepare("SELECT id, personne, details FROM journal ORDER BY id")?;
        let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut first = None;
    for (id, person, details) in rows {
        let named = person.as_ref().is_some_and(|p| removed.contains(p));
        let mut scrubbed = details.clone();
        for a in removed {
            scrubbed = scrubbed.replace(a.as_str(), "(supprimé)");
        }
        if named || scrubbed != details {
            let person = if named { None } else { person };
            tx.execute(
                "UPDATE journal SET personne = ?2, details = ?3 WHERE id = ?1",
                params![id, person, scrubbed],
            )?;
            first.get_or_insert(id);
        }
    }
    if let Some(from) = first {
        journal::reseal(tx, from)?;
    }
    Ok(())
}
