//! A campaign: one year's collection. Opened with the template version serving the year, its
//! deadline and the networks the referential lists at that moment (a later change of the
//! referential does not rewrite a past campaign); closed; reopened for one network.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::json;

use super::{journal, CampaignError, Store};
use crate::referential::Referential;

/// What opening a campaign says.
#[derive(Debug, Clone)]
pub(crate) struct Opening {
    pub year: i32,
    /// The template version serving the year (the registry's).
    pub model: String,
    pub deadline: NaiveDate,
    /// A deposit without error is accepted at once.
    pub auto_accept: bool,
}

/// A campaign as kept.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Campaign {
    pub(crate) id: i64,
    pub(crate) year: i32,
    pub(crate) model: String,
    pub(crate) deadline: NaiveDate,
    pub(crate) auto_accept: bool,
    pub(crate) open: bool,
}

/// A network the campaign expects.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expected {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) departement: String,
    /// The Région reopened the closed campaign for it.
    pub(crate) reopened: bool,
}

impl Store {
    /// Opens the campaign `opening` describes, expecting the networks of `referential`.
    pub(crate) fn open_campaign(
        &self,
        opening: &Opening,
        referential: &Referential,
    ) -> Result<(), CampaignError> {
        self.write(|tx| {
            let exists: Option<i64> = tx
                .query_row(
                    "SELECT id FROM campagnes WHERE annee = ?1",
                    [opening.year],
                    |r| r.get(0),
                )
                .optional()?;
            if exists.is_some() {
                return Err(CampaignError::AlreadyOpened(opening.year));
            }
            tx.execute(
                "INSERT INTO campagnes (annee, modele, date_limite, acceptation_automatique, ouverte, ouverte_le)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5)",
                params![
                    opening.year,
                    opening.model,
                    opening.deadline.to_string(),
                    opening.auto_accept,
                    super::stamp(super::now())
                ],
            )?;
            let id = tx.last_insert_rowid();
            for n in &referential.networks {
                tx.execute(
                    "INSERT INTO reseaux_attendus (campagne, code, nom, departement) VALUES (?1, ?2, ?3, ?4)",
                    params![id, n.code.to_uppercase(), n.nom, n.departement],
                )?;
            }
            journal::append(
                tx,
                "campagne_ouverte",
                None,
                json!({
                    "annee": opening.year,
                    "modele": opening.model,
                    "date_limite": opening.deadline.to_string(),
                    "acceptation_automatique": opening.auto_accept,
                    "reseaux": referential.networks.len(),
                }),
            )
        })
    }

    /// Closes the campaign of `year` (the open one when `None`): it takes no more deposit.
    pub(crate) fn close_campaign(&self, year: Option<i32>) -> Result<i32, CampaignError> {
        self.write(|tx| {
            let c = campaign(tx, year)?;
            tx.execute(
                "UPDATE campagnes SET ouverte = 0, close_le = ?2 WHERE id = ?1",
                params![c.id, super::stamp(super::now())],
            )?;
            tx.execute(
                "UPDATE reseaux_attendus SET rouvert = 0 WHERE campagne = ?1",
                [c.id],
            )?;
            journal::append(tx, "campagne_close", None, json!({ "annee": c.year }))?;
            Ok(c.year)
        })
    }

    /// Lets network `code` deposit in the closed campaign of `year` (the latest when `None`).
    pub(crate) fn reopen_for(&self, code: &str, year: Option<i32>) -> Result<i32, CampaignError> {
        self.write(|tx| {
            let c = campaign(tx, year)?;
            let code = code.trim().to_uppercase();
            let changed = tx.execute(
                "UPDATE reseaux_attendus SET rouvert = 1 WHERE campagne = ?1 AND code = ?2",
                params![c.id, code],
            )?;
            if changed == 0 {
                return Err(CampaignError::UnknownNetwork(code));
            }
            journal::append(
                tx,
                "campagne_rouverte",
                None,
                json!({ "annee": c.year, "reseau": code }),
            )?;
            Ok(c.year)
        })
    }
}

/// The campaign of `year`; without a year, the open one, else the latest.
pub(crate) fn campaign(tx: &Transaction<'_>, year: Option<i32>) -> Result<Campaign, CampaignError> {
    const COLUMNS: &str =
        "SELECT id, annee, modele, date_limite, acceptation_automatique, ouverte FROM campagnes";
    let row = |r: &rusqlite::Row<'_>| {
        let deadline: String = r.get(3)?;
        Ok(Campaign {
            id: r.get(0)?,
            year: r.get(1)?,
            model: r.get(2)?,
            deadline: NaiveDate::parse_from_str(&deadline, "%Y-%m-%d").unwrap_or_default(),
            auto_accept: r.get(4)?,
            open: r.get(5)?,
        })
    };
    let found = match year {
        Some(y) => tx
            .query_row(&format!("{COLUMNS} WHERE annee = ?1"), [y], row)
            .optional()?
            .ok_or(CampaignError::NoSuchYear(y))?,
        None => tx
            .query_row(
                &format!("{COLUMNS} ORDER BY ouverte DESC, annee DESC LIMIT 1"),
                [],
                row,
            )
            .optional()?
            .ok_or(CampaignError::NoCampaign)?,
    };
    Ok(found)
}

/// The networks `campaign` expects, by code.
pub(crate) fn expected(
    tx: &Transaction<'_>,
    campaign: i64,
) -> Result<Vec<Expected>, CampaignError> {
    let mut statement = tx.prepare(
        "SELECT code, nom, departement, rouvert FROM reseaux_attendus WHERE campagne = ?1 ORDER BY code",
    )?;
    let rows = statement.query_map([campaign], |r| {
        Ok(Expected {
            code: r.get(0)?,
            name: r.get(1)?,
            departement: r.get(2)?,
            reopened: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
