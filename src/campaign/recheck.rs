//! `spro campagne reverifier`: every network's latest deposit checked again with today's rules
//! and registry; the new report kept beside the original (never replacing it), journaled.

use rusqlite::params;
use serde_json::json;

use super::{campaigns, deposits, journal, CampaignError, Store};
use crate::check::Checker;
use crate::finding::Severity;

/// One deposit checked again.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rechecked {
    pub(crate) network: String,
    pub(crate) deposit: i64,
    pub(crate) before: String,
    pub(crate) after: String,
}

impl Store {
    /// Checks again the latest deposit of each network of the current campaign with `checker`.
    pub(crate) fn recheck(&self, checker: &Checker) -> Result<Vec<Rechecked>, CampaignError> {
        let latest = self.read(|tx| {
            let c = campaigns::campaign(tx, None)?;
            let mut out = Vec::new();
            for e in campaigns::expected(tx, c.id)? {
                let id: Option<i64> = tx.query_row(
                    "SELECT MAX(id) FROM depots WHERE campagne = ?1 AND reseau = ?2",
                    params![c.id, e.code],
                    |r| r.get(0),
                )?;
                if let Some(d) = id
                    .map(|id| deposits::load(tx, id, deposits::Part::Summary))
                    .transpose()?
                    .flatten()
                {
                    out.push(d);
                }
            }
            Ok(out)
        })?;
        let mut done = Vec::new();
        for d in latest {
            let checker = checker.for_year(d.annee);
            let bytes = self.bytes_of(&d)?;
            let checked = deposits::Checked::new(&checker, &d.nom, bytes);
            let verdict = checked.file.status.as_str();
            self.write(|tx| {
                tx.execute(
                    "INSERT INTO reverifications (depot, le, verdict, erreurs, avertissements, rapport, version_spro, rapport_en)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        d.id,
                        super::stamp(super::now()),
                        verdict,
                        checked.count(Severity::Error),
                        checked.count(Severity::Warning),
                        checked.fr.to_string(),
                        env!("CARGO_PKG_VERSION"),
                        checked.en.to_string(),
                    ],
                )?;
                journal::append(
                    tx,
                    "reverification",
                    None,
                    json!({ "depot": d.id, "avant": d.verdict, "apres": verdict }),
                )
            })?;
            done.push(Rechecked {
                network: d.reseau.clone(),
                deposit: d.id,
                before: d.verdict.clone(),
                after: verdict.to_string(),
            });
        }
        Ok(done)
    }
}
