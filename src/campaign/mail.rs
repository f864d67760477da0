//! The campaign's e-mails, in French, plain text: what each says ([`Letter`]) and how they
//! leave ([`Postman`], SMTP through lettre, `[campagne.smtp]`). Without SMTP nothing is sent:
//! each e-mail is recorded as not sent, and the dashboard lists who would have been written to.
//! Each e-mail is journaled and recorded by the event it is for, so that none goes twice.

use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use rusqlite::{params, Transaction};
use serde::Serialize;
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
    host: String,
}

/// Why an e-mail did not leave.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MailError {
    /// The password file could not be read.
    Password {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// The certificate authorities' file (`certificat_ac`) could not be read.
    Authority {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// That file holds no certificate.
    NotAnAuthority {
        path: std::path::PathBuf,
        source: lettre::transport::smtp::Error,
    },
    /// An address the message cannot carry (`expediteur`, or a person's).
    Address(String),
    /// The relay's certificate is not one this machine trusts.
    Certificate {
        host: String,
        source: lettre::transport::smtp::Error,
    },
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
            MailError::Authority { path, source } => {
                let path = path.display();
                msg!(
                    "le certificat d'autorité SMTP (certificat_ac) ne se lit pas dans « {path} » : {source}",
                    "the SMTP certificate authority (certificat_ac) cannot be read from “{path}”: {source}"
                )
            }
            MailError::NotAnAuthority { path, source } => {
                let path = path.display();
                msg!(
                    "« {path} » (certificat_ac) ne contient pas de certificat PEM : {source}",
                    "“{path}” (certificat_ac) holds no PEM certificate: {source}"
                )
            }
            MailError::Address(a) => msg!(
                "« {a} » n'est pas une adresse que peut porter un courriel",
                "“{a}” is not an address an e-mail can carry"
            ),
            MailError::Certificate { host, source } => msg!(
                "le certificat du serveur SMTP « {host} » n'est pas reconnu ({source}) : s'il est signé par une autorité interne, indiquez le fichier PEM de celle-ci dans certificat_ac ([campagne.smtp])",
                "the SMTP server “{host}”'s certificate is not trusted ({source}): if an internal authority signed it, give that authority's PEM file in certificat_ac ([campagne.smtp])"
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
        let tls = |settings: &SmtpSettings| -> Result<TlsParameters, MailError> {
            let mut params = TlsParameters::builder(settings.host.clone());
            if let Some(path) = &settings.ca_file {
                let pem = std::fs::read(path).map_err(|source| MailError::Authority {
                    path: path.clone(),
                    source,
                })?;
                let authority =
                    Certificate::from_pem(&pem).map_err(|source| MailError::NotAnAuthority {
                        path: path.clone(),
                        source,
                    })?;
                params = params.add_root_certificate(authority);
            }
            Ok(params.build_rustls()?)
        };
        let protection = match settings.security {
            Security::Tls => Tls::Wrapper(tls(settings)?),
            Security::Starttls => Tls::Required(tls(settings)?),
            Security::Aucune => Tls::None,
        };
        let mut builder = SmtpTransport::builder_dangerous(&settings.host)
            .tls(protection)
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
            host: settings.host.clone(),
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
        self.transport.send(&message).map_err(|e| self.failed(e))?;
        Ok(())
    }

    /// `e`, told apart when the relay's certificate was refused (the fix is `certificat_ac`).
    fn failed(&self, e: lettre::transport::smtp::Error) -> MailError {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(c) = cause {
            let tls = c.downcast_ref::<rustls::Error>().or_else(|| {
                c.downcast_ref::<std::io::Error>()
                    .and_then(|io| io.get_ref())
                    .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            });
            if let Some(rustls::Error::InvalidCertificate(_)) = tls {
                return MailError::Certificate {
                    host: self.host.clone(),
                    source: e,
                };
            }
            cause = c.source();
        }
        MailError::Smtp(e)
    }
}

/// An e-mail that did not leave for want of SMTP: whom it was for (the dashboard lists them).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Unsent {
    /// When it would have left.
    pub le: String,
    pub a: Vec<String>,
    pub objet: String,
}

impl Store {
    /// Whether the e-mail of event `key` went already.
    pub(crate) fn was_mailed(&self, key: &str) -> Result<bool, CampaignError> {
        self.read(|tx| sent(tx, key))
    }

    /// Sends `letter` for event `key` (of the campaign of `year`, if any) through `postman`,
    /// once: sent before, or to nobody, nothing happens. Without a postman (no SMTP) nothing
    /// leaves: the e-mail is recorded as not sent, for the dashboard, and sent when `relancer`
    /// runs again with SMTP (reminders). `Ok(true)`: it left now.
    pub(crate) fn post(
        &self,
        postman: Option<&Postman>,
        key: &str,
        year: Option<i32>,
        letter: &Letter,
    ) -> Result<bool, PostError> {
        if letter.to.is_empty() || self.was_mailed(key)? {
            return Ok(false);
        }
        let Some(postman) = postman else {
            self.record(key, year, letter, false)?;
            return Ok(false);
        };
        postman.send(letter)?;
        self.record(key, year, letter, true)?;
        Ok(true)
    }

    /// Records the e-mail of event `key`: `sent` (never again for that event), or not (kept
    /// once, for the dashboard), and journals it.
    fn record(
        &self,
        key: &str,
        year: Option<i32>,
        letter: &Letter,
        sent: bool,
    ) -> Result<(), CampaignError> {
        self.write(|tx| {
            let changed = tx.execute(
                "INSERT INTO courriels (cle, le, envoye, annee, a, objet) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (cle) DO UPDATE SET le = excluded.le, envoye = excluded.envoye,
                                                a = excluded.a, objet = excluded.objet
                 WHERE courriels.envoye = 0 AND excluded.envoye = 1",
                params![
                    key,
                    super::stamp(super::now()),
                    sent,
                    year,
                    letter.to.join(", "),
                    letter.subject
                ],
            )?;
            if changed == 0 {
                return Ok(());
            }
            let event = if sent { "courriel" } else { "courriel_non_envoye" };
            journal::append(tx, event, None, json!({ "cle": key, "a": letter.to }))
        })
    }
}

/// Whether the e-mail of `key` was sent.
pub(crate) fn sent(tx: &Transaction<'_>, key: &str) -> Result<bool, CampaignError> {
    let n: i64 = tx.query_row(
        "SELECT COUNT(*) FROM courriels WHERE cle = ?1 AND envoye = 1",
        [key],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// The e-mails of the campaign of `year` (and the login links) not sent for want of SMTP,
/// the latest first, at most `limit`, with how many there are in all.
pub(crate) fn unsent(
    tx: &Transaction<'_>,
    year: i32,
    limit: usize,
) -> Result<(Vec<Unsent>, usize), CampaignError> {
    let filter = "FROM courriels WHERE envoye = 0 AND (annee = ?1 OR annee IS NULL)";
    let total: i64 = tx.query_row(&format!("SELECT COUNT(*) {filter}"), [year], |r| r.get(0))?;
    let mut s = tx.prepare(&format!(
        "SELECT le, a, objet {filter} ORDER BY le DESC, cle LIMIT ?2"
    ))?;
    let rows = s.query_map(params![year, limit as i64], |r| {
        let to: String = r.get(1)?;
        Ok(Unsent {
            le: r.get(0)?,
            a: to.split(", ").map(str::to_string).collect(),
            objet: r.get(2)?,
        })
    })?;
    Ok((rows.collect::<Result<_, _>>()?, total as usize))
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
