//! The deposits a consolidation takes, and `spro campagne exporter DIR`: each chosen network's
//! file as `DIR/<code>.<ext>`, with `DIR/provenance.csv` (which deposit, its digest, when, the
//! state of the campaign at that moment) — the layout of the data repository, so that the
//! campaign and the repository's CI meet (`spro consolidate DIR` gives the same figures).

use std::path::{Path, PathBuf};

use rusqlite::params;
use serde_json::json;

use super::deposits::{self, Deposited};
use super::{campaigns, journal, CampaignError, Store};

/// Which deposit of each network counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Chosen {
    /// Its latest accepted deposit (the default).
    #[default]
    Accepted,
    /// Its latest deposit without error.
    WithoutError,
}

/// A deposit's file as a consolidation and an export name it: `<code>.<ext>`.
fn file_name(d: &Deposited) -> String {
    let ext = Path::new(&d.nom)
        .extension()
        .map_or("xlsx".to_string(), |e| e.to_string_lossy().to_lowercase());
    format!("{}.{ext}", d.reseau)
}

impl Store {
    /// The deposit of each network `which` chooses, by network code, in the current campaign.
    pub(crate) fn chosen(&self, which: Chosen) -> Result<Vec<Deposited>, CampaignError> {
        self.read(|tx| {
            let c = campaigns::campaign(tx, None)?;
            let mut out = Vec::new();
            for e in campaigns::expected(tx, c.id)? {
                let ids: Vec<i64> = {
                    let mut s = tx.prepare(
                        "SELECT id FROM depots WHERE campagne = ?1 AND reseau = ?2 ORDER BY id DESC",
                    )?;
                    let rows = s.query_map(params![c.id, e.code], |r| r.get(0))?;
                    rows.collect::<Result<_, _>>()?
                };
                for id in ids {
                    let Some(d) = deposits::load(tx, id, deposits::Part::Summary)? else { continue };
                    let counts = match which {
                        Chosen::Accepted => {
                            d.decisions.last().is_some_and(|x| x.decision == "accepte")
                        }
                        Chosen::WithoutError => d.erreurs == 0 && d.verdict != "unreadable",
                    };
                    if counts {
                        out.push(d);
                        break;
                    }
                }
            }
            Ok(out)
        })
    }

    /// The chosen deposits as a consolidation's inputs (in memory, named `<code>.<ext>`), and
    /// where they come from for `À propos`.
    pub(crate) fn consolidation_inputs(
        &self,
        which: Chosen,
    ) -> Result<
        (
            Vec<crate::inputs::Input>,
            crate::consolidate::CampaignSource,
        ),
        CampaignError,
    > {
        let year = self.read(|tx| Ok(campaigns::campaign(tx, None)?.year))?;
        let chosen = self.chosen(which)?;
        let mut inputs = Vec::new();
        let mut deposits = Vec::new();
        for d in &chosen {
            let name = file_name(d);
            let bytes = self.bytes_of(d)?;
            inputs.push(crate::inputs::Input::upload(&name, bytes.into()));
            deposits.push(crate::consolidate::DepositSource {
                file: name,
                id: d.id,
                deposited_at: d.depose_le.clone(),
                sha256: d.sha256.clone(),
            });
        }
        let source = crate::consolidate::CampaignSource {
            year,
            as_of: super::stamp(super::now()),
            chosen: match which {
                Chosen::Accepted => "acceptés",
                Chosen::WithoutError => "sans erreur",
            }
            .to_string(),
            deposits,
        };
        self.write(|tx| {
            let ids: Vec<i64> = chosen.iter().map(|d| d.id).collect();
            journal::append(tx, "consolidation", None, json!({ "depots": ids }))
        })?;
        Ok((inputs, source))
    }

    /// Writes the chosen deposits into `dir` (created when missing) as `<code>.<ext>`, and
    /// `provenance.csv`; gives the paths of the files written.
    pub(crate) fn export(&self, dir: &Path, which: Chosen) -> Result<Vec<PathBuf>, CampaignError> {
        let chosen = self.chosen(which)?;
        let io = |source| CampaignError::Io {
            path: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let at = super::stamp(super::now());
        let mut provenance = csv::Writer::from_writer(Vec::new());
        let header = [
            "reseau",
            "fichier",
            "depot",
            "sha256",
            "nom_depose",
            "depose_le",
            "etat_au",
        ];
        provenance
            .write_record(header)
            .map_err(|e| io(std::io::Error::other(e)))?;
        let mut written = Vec::new();
        for d in &chosen {
            let name = file_name(d);
            let bytes = self.bytes_of(d)?;
            let path = dir.join(&name);
            crate::output::write_with(&path, |tmp| std::fs::write(tmp, &bytes))
                .map_err(|e| CampaignError::Backup(Box::new(e)))?;
            provenance
                .write_record([
                    d.reseau.as_str(),
                    &name,
                    &d.id.to_string(),
                    &d.sha256,
                    &d.nom,
                    &d.depose_le,
                    &at,
                ])
                .map_err(|e| io(std::io::Error::other(e)))?;
            written.push(path);
        }
        let text = provenance.into_inner().map_err(|e| io(e.into_error()))?;
        let path = dir.join("provenance.csv");
        crate::output::write_with(&path, |tmp| std::fs::write(tmp, &text))
            .map_err(|e| CampaignError::Backup(Box::new(e)))?;
        self.write(|tx| {
            let ids: Vec<i64> = chosen.iter().map(|d| d.id).collect();
            journal::append(
                tx,
                "export",
                None,
                json!({ "dossier": dir.display().to_string(), "depots": ids }),
            )
        })?;
        Ok(written)
    }
}
