//! `spro campagne relancer` (a daily timer): a reminder 7 days before the deadline to the
//! networks `attendu` or `a_corriger`, and one after it to those still missing. A reminder whose
//! day has passed is not sent late (a campaign opened after its deadline gets only the second);
//! none is sent twice for one event, even when `relancer` runs twice (`courriels`, by key).

use rusqlite::Transaction;

use super::deposits::State;
use super::{CampaignError, Store};

/// Which reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum When {
    /// In the week before the deadline.
    Before,
    /// After the deadline, to the networks still missing.
    After,
}

/// A reminder due: to whom, about which network.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reminder {
    /// What makes it one event: `relance-avant:2025:36-CHX`.
    pub(crate) key: String,
    pub(crate) when: When,
    pub(crate) network: String,
    pub(crate) name: String,
    pub(crate) year: i32,
    pub(crate) deadline: chrono::NaiveDate,
    /// The network's active people.
    pub(crate) to: Vec<String>,
}

impl Reminder {
    /// The e-mail, in French, plain text.
    pub(crate) fn letter(&self, public_address: &str) -> super::mail::Letter {
        let (code, name, year) = (&self.network, &self.name, self.year);
        let deadline = self.deadline.format("%d/%m/%Y");
        let (subject, first) = match self.when {
            When::Before => (
                format!("Bilan {year} du réseau {code} : la date limite approche"),
                format!("La date limite de dépôt du bilan {year} est le {deadline}, dans une semaine au plus, et le bilan du réseau {code} ({name}) n'est pas encore déposé, ou une correction est attendue."),
            ),
            When::After => (
                format!("Bilan {year} du réseau {code} : date limite dépassée"),
                format!("La date limite de dépôt du bilan {year} était le {deadline}, et la Région n'a reçu aucun bilan du réseau {code} ({name})."),
            ),
        };
        let body = format!(
            "Bonjour,\n\n{first}\n\nDéposez-le sur {public_address}/reseaux/{code} (connexion par lien : {public_address}/connexion).\n\nLe service du SPRO-EP de la Région Centre-Val de Loire\n"
        );
        super::mail::Letter {
            to: self.to.clone(),
            subject,
            body,
        }
    }
}

impl Store {
    /// The reminders due today and not yet sent.
    pub(crate) fn reminders_due(&self) -> Result<Vec<Reminder>, CampaignError> {
        let dashboard = self.dashboard(None)?;
        if !dashboard.ouverte {
            return Ok(Vec::new());
        }
        let today = super::now().date_naive();
        let deadline = chrono::NaiveDate::parse_from_str(&dashboard.date_limite, "%Y-%m-%d")
            .unwrap_or_default();
        let when = if today > deadline {
            When::After
        } else if today >= deadline - chrono::Duration::days(7) {
            When::Before
        } else {
            return Ok(Vec::new());
        };
        self.read(|tx| {
            let mut out = Vec::new();
            for line in &dashboard.reseaux {
                let due = match when {
                    When::Before => matches!(line.etat, State::Attendu | State::ACorriger),
                    When::After => line.etat == State::Attendu,
                };
                let tag = if when == When::Before {
                    "avant"
                } else {
                    "apres"
                };
                let key = format!("relance-{tag}:{}:{}", dashboard.annee, line.code);
                if !due || super::mail::sent(tx, &key)? {
                    continue;
                }
                out.push(Reminder {
                    key,
                    when,
                    network: line.code.clone(),
                    name: line.nom.clone(),
                    year: dashboard.annee,
                    deadline,
                    to: people_of(tx, &line.code)?,
                });
            }
            Ok(out)
        })
    }
}

/// The active people of network `code`.
pub(crate) fn people_of(tx: &Transaction<'_>, code: &str) -> Result<Vec<String>, CampaignError> {
    let mut s = tx.prepare(
        "SELECT p.courriel FROM personnes p JOIN personnes_reseaux r ON r.personne = p.id
         WHERE r.code = ?1 AND p.actif = 1 ORDER BY p.courriel",
    )?;
    let rows = s.query_map([code], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
