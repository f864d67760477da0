//! A deposit: a network's file checked (the same check as `spro check`, with the campaign's
//! year) and kept — its bytes first, synced, then one transaction for its row, the journal and,
//! when the campaign accepts on its own, the acceptance. A deposit is never changed after; the
//! Région's decisions are rows of their own, every one kept.

use std::path::Path;

use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::json;

use super::campaigns::{self, Campaign};
use super::people::Person;
use super::{files, journal, CampaignError, Store};
use crate::check::Checker;
use crate::finding::Severity;
use crate::i18n::Lang;

/// A deposit as kept, with its decisions (the API's JSON).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Deposited {
    pub id: i64,
    /// The campaign's year.
    pub annee: i32,
    pub reseau: String,
    pub sha256: String,
    pub nom: String,
    pub taille: u64,
    pub depose_le: String,
    /// Who deposited (an address; `None`: from the server's command line).
    pub par: Option<String>,
    /// `valid`, `valid-with-warnings`, `invalid` or `unreadable`.
    pub verdict: String,
    pub erreurs: usize,
    pub avertissements: usize,
    /// The file's entry of `spro check --format json` (`null`, and left out of the JSON, in a
    /// list: [`Part::Summary`]).
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    pub rapport: serde_json::Value,
    /// The same in English (`None`: a deposit kept before reports were, schema 1).
    #[serde(skip)]
    pub rapport_en: Option<serde_json::Value>,
    pub decisions: Vec<Decision>,
}

impl Deposited {
    /// The report in `lang` (French when it was not kept in English).
    pub(crate) fn report(&self, lang: Lang) -> &serde_json::Value {
        match (lang, &self.rapport_en) {
            (Lang::En, Some(en)) => en,
            _ => &self.rapport,
        }
    }
}

/// One file checked as a batch of one (B001 cannot apply), with its report in both languages.
pub(super) struct Checked {
    pub(super) file: crate::check::FileReport,
    pub(super) fr: serde_json::Value,
    pub(super) en: serde_json::Value,
}

impl Checked {
    /// `bytes`, named `name`, checked by `checker`.
    pub(super) fn new(checker: &Checker, name: &str, bytes: Vec<u8>) -> Checked {
        let (report, _) = checker.check_owned(Path::new(name), bytes);
        let mut report = match checker.conclude(vec![report], false, &mut |_| Ok::<(), ()>(())) {
            Ok(r) => r,
            Err(()) => unreachable!("the batch step of one file redoes nothing"),
        };
        let file = report.files.swap_remove(0);
        let fr = crate::report::json::file_entry(&file, Lang::Fr);
        let en = crate::report::json::file_entry(&file, Lang::En);
        Checked { file, fr, en }
    }

    /// How many findings of `severity`.
    pub(super) fn count(&self, severity: Severity) -> i64 {
        self.file.count(severity) as i64
    }
}

/// One decision of the Région on a deposit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Decision {
    /// `accepte` or `a_corriger`.
    pub decision: String,
    pub message: Option<String>,
    pub par: Option<String>,
    pub le: String,
    /// Taken by the campaign itself (`acceptation_automatique`).
    pub automatique: bool,
}

/// What the Région decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    Accept,
    /// A correction, with the message to the network.
    Correct(String),
}

/// The state of a network in a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum State {
    /// Nothing deposited.
    Attendu,
    /// The Région asked for a correction of the latest deposit.
    ACorriger,
    /// The latest deposit awaits a decision.
    Depose,
    /// The latest deposit is accepted.
    Accepte,
}

impl State {
    /// In words, for the pages.
    pub(crate) fn words(self, lang: Lang) -> &'static str {
        let (fr, en) = match self {
            State::Attendu => ("attendu", "expected"),
            State::Depose => ("déposé", "deposited"),
            State::ACorriger => ("à corriger", "to correct"),
            State::Accepte => ("accepté", "accepted"),
        };
        crate::i18n::pick(lang, fr, en)
    }
}

impl Store {
    /// Deposits `bytes` (named `name`) for network `network` in the current campaign, by
    /// `by`: checked with `checker` for the campaign's year, kept, journaled. Refused, with
    /// nothing kept, for a network the campaign does not expect or a closed campaign.
    pub(crate) fn deposit(
        &self,
        checker: &Checker,
        network: &str,
        name: &str,
        bytes: Vec<u8>,
        by: Option<&Person>,
    ) -> Result<Deposited, CampaignError> {
        let network = network.trim().to_uppercase();
        let campaign = self.read(|tx| {
            let c = campaigns::campaign(tx, None)?;
            may_deposit(tx, &c, &network)?;
            Ok(c)
        })?;
        let checker = checker.for_year(campaign.year);
        let checked = Checked::new(&checker, name, bytes.clone());
        let file = &checked.file;
        let sha = files::keep(self.dir(), &bytes).map_err(CampaignError::Keeping)?;
        let errors = checked.count(Severity::Error);
        let verdict = file.status.as_str();
        let id = self.write(|tx| {
            // Checked again inside the transaction: the campaign may have closed meanwhile.
            let c = campaigns::campaign(tx, Some(campaign.year))?;
            may_deposit(tx, &c, &network)?;
            tx.execute(
                "INSERT INTO depots (campagne, reseau, sha256, nom, taille, depose_le, par, modele, modele_lu,
                                     erreurs, avertissements, infos, verdict, rapport, version_spro, rapport_en)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                params![
                    c.id,
                    network,
                    sha,
                    name,
                    bytes.len() as i64,
                    super::stamp(super::now()),
                    by.map(|p| p.id),
                    file.model.as_ref().map(|m| m.version.clone()),
                    file.model.as_ref().map(|m| m.how.key()),
                    errors,
                    checked.count(Severity::Warning),
                    checked.count(Severity::Info),
                    verdict,
                    checked.fr.to_string(),
                    env!("CARGO_PKG_VERSION"),
                    checked.en.to_string(),
                ],
            )?;
            let id = tx.last_insert_rowid();
            let person = by.map(|p| p.address.as_str());
            let mut details =
                json!({ "depot": id, "reseau": network, "sha256": sha, "verdict": verdict });
            if by.is_some_and(Person::is_region) {
                // The Région deposits on the network's behalf: said in so many words.
                details["pour_le_reseau"] = json!(true);
            }
            journal::append(tx, "depot", person, details)?;
            if c.auto_accept && errors == 0 && file.status != crate::check::Status::Unreadable {
                decide_in(tx, id, &Verdict::Accept, None, true)?;
            }
            Ok(id)
        })?;
        self.deposited(id, None)
    }

    /// Deposit `id`, as `viewer` may see it (`None`: the server's command line sees all).
    /// A deposit of another network answers as one that does not exist.
    pub(crate) fn deposited(
        &self,
        id: i64,
        viewer: Option<&Person>,
    ) -> Result<Deposited, CampaignError> {
        self.read(|tx| {
            let d = load(tx, id, Part::Whole)?.ok_or(CampaignError::NoSuchDeposit(id))?;
            match viewer {
                Some(p) if !p.sees(&d.reseau) => Err(CampaignError::NoSuchDeposit(id)),
                _ => Ok(d),
            }
        })
    }

    /// The Région's decision on deposit `id`, by `by`.
    pub(crate) fn decide(
        &self,
        id: i64,
        verdict: &Verdict,
        by: &Person,
    ) -> Result<Deposited, CampaignError> {
        self.write(|tx| {
            load(tx, id, Part::Summary)?.ok_or(CampaignError::NoSuchDeposit(id))?;
            decide_in(tx, id, verdict, Some(by), false)
        })?;
        self.deposited(id, None)
    }

    /// The deposits of network `code` in the campaign of `year` (the current one when `None`),
    /// newest first, without their reports.
    pub(crate) fn deposits_of(
        &self,
        code: &str,
        year: Option<i32>,
    ) -> Result<Vec<Deposited>, CampaignError> {
        self.read(|tx| {
            let c = campaigns::campaign(tx, year)?;
            let mut statement = tx.prepare(
                "SELECT id FROM depots WHERE campagne = ?1 AND reseau = ?2 ORDER BY id DESC",
            )?;
            let ids: Vec<i64> = statement
                .query_map(params![c.id, code.trim().to_uppercase()], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            ids.into_iter()
                .filter_map(|id| load(tx, id, Part::Summary).transpose())
                .collect()
        })
    }

    /// The stored bytes of a deposit.
    pub(crate) fn bytes_of(&self, deposit: &Deposited) -> Result<Vec<u8>, CampaignError> {
        files::read(self.dir(), &deposit.sha256).map_err(|source| CampaignError::Io {
            path: files::path(self.dir(), &deposit.sha256),
            source,
        })
    }
}

/// Whether network `code` may deposit in `campaign`: expected, and the campaign open (or
/// reopened for it).
fn may_deposit(tx: &Transaction<'_>, campaign: &Campaign, code: &str) -> Result<(), CampaignError> {
    let reopened: Option<bool> = tx
        .query_row(
            "SELECT rouvert FROM reseaux_attendus WHERE campagne = ?1 AND code = ?2",
            params![campaign.id, code],
            |r| r.get(0),
        )
        .optional()?;
    match reopened {
        None => Err(CampaignError::UnknownNetwork(code.to_string())),
        Some(reopened) if !campaign.open && !reopened => Err(CampaignError::Closed {
            year: campaign.year,
            network: code.to_string(),
        }),
        Some(_) => Ok(()),
    }
}

fn decide_in(
    tx: &Transaction<'_>,
    id: i64,
    verdict: &Verdict,
    by: Option<&Person>,
    automatic: bool,
) -> Result<(), CampaignError> {
    let (decision, message) = match verdict {
        Verdict::Accept => ("accepte", None),
        Verdict::Correct(m) => ("a_corriger", Some(m.as_str())),
    };
    tx.execute(
        "INSERT INTO decisions (depot, decision, message, par, le, automatique) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, decision, message, by.map(|p| p.id), super::stamp(super::now()), automatic],
    )?;
    journal::append(
        tx,
        "decision",
        by.map(|p| p.address.as_str()),
        json!({ "depot": id, "decision": decision, "automatique": automatic }),
    )
}

/// How much of a deposit to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// With its reports (a deposit's page: they can weigh megabytes).
    Whole,
    /// Without them (the dashboard, a network's list, the choice of what to consolidate).
    Summary,
}

/// Deposit `id` with its decisions, as kept; its reports only when `part` is `Whole`.
pub(crate) fn load(
    tx: &Transaction<'_>,
    id: i64,
    part: Part,
) -> Result<Option<Deposited>, CampaignError> {
    let found = tx
        .query_row(
            "SELECT d.reseau, d.sha256, d.nom, d.taille, d.depose_le, p.courriel, d.verdict,
                    d.erreurs, d.avertissements, CASE WHEN ?2 THEN d.rapport ELSE 'null' END,
                    c.annee, CASE WHEN ?2 THEN d.rapport_en END
             FROM depots d JOIN campagnes c ON c.id = d.campagne
             LEFT JOIN personnes p ON p.id = d.par WHERE d.id = ?1",
            params![id, part == Part::Whole],
            |r| {
                let rapport: String = r.get(9)?;
                let rapport_en: Option<String> = r.get(11)?;
                Ok(Deposited {
                    id,
                    annee: r.get(10)?,
                    reseau: r.get(0)?,
                    sha256: r.get(1)?,
                    nom: r.get(2)?,
                    taille: r.get::<_, i64>(3)? as u64,
                    depose_le: r.get(4)?,
                    par: r.get(5)?,
                    verdict: r.get(6)?,
                    erreurs: r.get::<_, i64>(7)? as usize,
                    avertissements: r.get::<_, i64>(8)? as usize,
                    rapport: serde_json::from_str(&rapport).unwrap_or(serde_json::Value::Null),
                    rapport_en: rapport_en.and_then(|r| serde_json::from_str(&r).ok()),
                    decisions: Vec::new(),
                })
            },
        )
        .optional()?;
    let Some(mut deposited) = found else {
        return Ok(None);
    };
    let mut statement = tx.prepare(
        "SELECT d.decision, d.message, p.courriel, d.le, d.automatique
         FROM decisions d LEFT JOIN personnes p ON p.id = d.par WHERE d.depot = ?1 ORDER BY d.id",
    )?;
    let decisions = statement.query_map([id], |r| {
        Ok(Decision {
            decision: r.get(0)?,
            message: r.get(1)?,
            par: r.get(2)?,
            le: r.get(3)?,
            automatique: r.get(4)?,
        })
    })?;
    deposited.decisions = decisions.collect::<Result<_, _>>()?;
    Ok(Some(deposited))
}

/// The state a network is in, from its latest deposit (`None`: nothing deposited).
pub(crate) fn state_of(latest: Option<&Deposited>) -> State {
    match latest {
        None => State::Attendu,
        Some(d) => match d.decisions.last().map(|x| x.decision.as_str()) {
            Some("accepte") => State::Accepte,
            Some("a_corriger") => State::ACorriger,
            _ => State::Depose,
        },
    }
}
