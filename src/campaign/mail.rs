//! The campaign's e-mails, in French, plain text: what each says ([`Letter`]) and how they
//! leave ([`Postman`], SMTP through lettre, `[campagne.smtp]`). Without SMTP nothing is sent:
//! the commands say who would have been written to. Each e-mail sent is journaled and recorded
//! by the event it is for, so that none goes twice.

use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};
use rusqlite::params;
use serde_json::json;

use super::{journal, CampaignError, Store};
use crate::config::{Security, SmtpSettings};
use crate::i18n::Msg;
use crate::msg;

/// One e-mail.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Letter {
    pub(crate) to: Vec<String>,
    pub(crate) subject: String,
    pub(crate) body: String,
}

/// What sends the e-mails.
pub(crate) struct Postman {
    transport: SmtpTransport,
    from: Mailbox,
}

/// Why an e-mail did not leave.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MailError {
    /// The password file could not be read.
    Password {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// An address the message cannot carry (`expediteur`, or a person's).
    Address(String),
    Smtp(#[from] lettre::transport::smtp::Error),
    Message(#[from] lettre::error::Error),
}

impl crate::i18n::Said for MailError {
    fn said(&self) -> Msg {
        match self {
            MailError::Password { path, source } => {
                let path = path.display();
                msg!(
                    "le mot de passe SMTP ne se lit pas dans « {path} » : {source}",
                    "the SMTP password cannot be read from “{path}”: {source}"
                )
            }
            MailError::Address(a) => msg!(
                "« {a} » n'est pas une adresse que peut porter un courriel",
                "“{a}” is not an address an e-mail can carry"
            ),
            MailError::Smtp(e) => msg!(
                "le serveur SMTP a refusé le courriel : {e}",
                "the SMTP server refused the e-mail: {e}"
            ),
            MailError::Message(e) => msg!(
                "le courriel n'a pas pu être composé : {e}",
                "the e-mail could not be composed: {e}"
            ),
        }
    }
}

crate::said_in_french!(MailError);

impl Postman {
    /// The postman of `settings`: its connection is opened for each e-mail.
    pub(crate) fn new(settings: &SmtpSettings) -> Result<Postman, MailError> {
        let builder = match settings.security {
            Security::Tls => SmtpTransport::relay(&settings.host)?,
            Security::Starttls => SmtpTransport::starttls_relay(&settings.host)?,
            Security::Aucune => SmtpTransport::builder_dangerous(&settings.host),
        };
        let mut builder = builder
            .port(settings.port)
            .timeout(Some(Duration::from_secs(20)));
        if let Some(user) = &settings.user {
            let password = match &settings.password_file {
                Some(path) => std::fs::read_to_string(path)
                    .map_err(|source| MailError::Password {
                        path: path.clone(),
                        source,
                    })?
                    .trim_end_matches(['\r', '\n'])
                    .to_string(),
                None => String::new(),
            };
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        let from = settings
            .from
            .parse()
            .map_err(|_| MailError::Address(settings.from.clone()))?;
        Ok(Postman {
            transport: builder.build(),
            from,
        })
    }

    /// Sends `letter` to each of its addresses (one e-mail, every address in `To`).
    pub(crate) fn send(&self, letter: &Letter) -> Result<(), MailError> {
        let mut message = Message::builder()
            .from(self.from.clone())
            .subject(letter.subject.clone())
            .header(ContentType::TEXT_PLAIN);
        for to in &letter.to {
            let mailbox: Mailbox = to.parse().map_err(|_| MailError::Address(to.clone()))?;
            message = message.to(mailbox);
        }
        let message = message.body(letter.body.clone())?;
        self.transport.send(&message)?;
        Ok(())
    }
}

impl Store {
    /// Whether the e-mail of event `key` went already.
    pub(crate) fn was_mailed(&self, key: &str) -> Result<bool, CampaignError> {
        self.read(|tx| {
            let n: i64 = tx.query_row(
                "SELECT COUNT(*) FROM courriels WHERE cle = ?1",
                [key],
                |r| r.get(0),
            )?;
            Ok(n > 0)
        })
    }

    /// Records that the e-mail of event `key` went to `to`: never again for that event.
    pub(crate) fn mailed(&self, key: &str, to: &[String]) -> Result<(), CampaignError> {
        self.write(|tx| {
            tx.execute(
                "INSERT OR IGNORE INTO courriels (cle, le) VALUES (?1, ?2)",
                params![key, super::stamp(super::now())],
            )?;
            journal::append(tx, "courriel", None, json!({ "cle": key, "a": to }))
        })
    }

    /// Sends `letter` for event `key` through `postman`, once: sent before, or to nobody,
    /// nothing happens.
    pub(crate) fn post(
        &self,
        postman: &Postman,
        key: &str,
        letter: &Letter,
    ) -> Result<bool, PostError> {
        if letter.to.is_empty() || self.was_mailed(key)? {
            return Ok(false);
        }
        postman.send(letter)?;
        self.mailed(key, &letter.to)?;
        Ok(true)
    }
}

/// Why `post` failed: the store, or the e-mail.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PostError {
    Store(#[from] CampaignError),
    Mail(#[from] MailError),
}

impl crate::i18n::Said for PostError {
    fn said(&self) -> Msg {
        match self {
            PostError::Store(e) => e.said(),
            PostError::Mail(e) => e.said(),
        }
    }
}

crate::said_in_french!(PostError);

/// The login link's e-mail.
pub(crate) fn login(address: &str, link: &str) -> Letter {
    Letter {
        to: vec![address.to_string()],
        subject: "Votre lien de connexion à la campagne des bilans SPRO-EP".into(),
        body: format!(
            "Bonjour,\n\nVoici votre lien de connexion à la campagne des bilans du SPRO-EP :\n\n{link}\n\nIl est valable 15 minutes et ne sert qu'une fois. Si vous n'avez rien demandé, ignorez ce message.\n\nLe service du SPRO-EP de la Région Centre-Val de Loire\n"
        ),
    }
}

/// The receipt of a deposit, to the depositor and the network's other people.
pub(crate) fn receipt(d: &super::Deposited, to: Vec<String>, public_address: &str) -> Letter {
    let (code, id, year) = (&d.reseau, d.id, d.annee);
    let verdict = match d.verdict.as_str() {
        "valid" => "sans anomalie".to_string(),
        "valid-with-warnings" => format!("{} avertissement(s), aucune erreur", d.avertissements),
        "unreadable" => "illisible".to_string(),
        _ => format!(
            "{} erreur(s) et {} avertissement(s)",
            d.erreurs, d.avertissements
        ),
    };
    Letter {
        to,
        subject: format!("Bilan {year} du réseau {code} : dépôt n° {id} reçu"),
        body: format!(
            "Bonjour,\n\nLe dépôt n° {id} du bilan {year} du réseau {code} (« {} », par {}) est reçu et conservé. Sa vérification : {verdict}.\n\nLe détail, chaque anomalie à sa cellule et la copie annotée : {public_address}/depots/{id}\n\nLe service du SPRO-EP de la Région Centre-Val de Loire\n",
            d.nom,
            d.par.as_deref().unwrap_or("la Région"),
        ),
    }
}

/// The Région's decision on a deposit, to the network's people.
pub(crate) fn decision(
    d: &super::Deposited,
    to: Vec<String>,
    public_address: &str,
) -> Option<Letter> {
    let last = d.decisions.last()?;
    let (code, id, year) = (&d.reseau, d.id, d.annee);
    let (subject, what) = match last.decision.as_str() {
        "accepte" => (
            format!("Bilan {year} du réseau {code} : accepté"),
            format!("La Région a accepté le dépôt n° {id} du bilan {year} du réseau {code}. Rien de plus n'est attendu."),
        ),
        _ => (
            format!("Bilan {year} du réseau {code} : correction demandée"),
            format!(
                "La Région demande une correction du dépôt n° {id} du bilan {year} du réseau {code} :\n\n{}\n\nDéposez le tableau de bord corrigé sur {public_address}/reseaux/{code}.",
                last.message.as_deref().unwrap_or_default()
            ),
        ),
    };
    Some(Letter {
        to,
        subject,
        body: format!(
            "Bonjour,\n\n{what}\n\nLe dépôt : {public_address}/depots/{id}\n\nLe service du SPRO-EP de la Région Centre-Val de Loire\n"
        ),
    })
}

impl Store {
    /// The active people of network `code` (addresses).
    pub(crate) fn network_people(&self, code: &str) -> Result<Vec<String>, CampaignError> {
        self.read(|tx| super::reminders::people_of(tx, code))
    }
}
