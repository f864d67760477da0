//! Who may log in: a `reseau` person (the networks they coordinate) or a `region` person, from
//! `personnes.csv` (`courriel,role,reseaux[,actif]`, applied line by line, idempotent), and
//! their secrets: a login link (15 minutes, once), a session (8 hours, ended on the server at
//! logout), an API token (until revoked). Only each secret's SHA-256 is stored.

use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::json;

use super::{journal, CampaignError, Store};
use crate::i18n::Msg;
use crate::msg;

/// What a person may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Role {
    /// Sees and deposits for these networks only (codes in capitals).
    Network(Vec<String>),
    /// Sees every network and decides.
    Region,
}

/// A person who may log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Person {
    pub id: i64,
    pub address: String,
    pub role: Role,
}

impl Person {
    /// Whether the person may see network `code`'s deposits.
    pub(crate) fn sees(&self, code: &str) -> bool {
        match &self.role {
            Role::Region => true,
            Role::Network(codes) => codes.iter().any(|c| c.eq_ignore_ascii_case(code)),
        }
    }

    pub(crate) fn is_region(&self) -> bool {
        self.role == Role::Region
    }
}

/// The kinds of secrets, and how long each lasts (`None`: until revoked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Secret {
    Link,
    Session,
    Api,
}

impl Secret {
    fn kind(self) -> &'static str {
        match self {
            Secret::Link => "lien",
            Secret::Session => "session",
            Secret::Api => "api",
        }
    }

    fn lasts(self) -> Option<chrono::Duration> {
        match self {
            Secret::Link => Some(chrono::Duration::minutes(15)),
            Secret::Session => Some(chrono::Duration::hours(8)),
            Secret::Api => None,
        }
    }
}

/// What `inviter` did: how many lines applied, and each refused line with why.
#[derive(Debug, Default)]
pub(crate) struct Invited {
    pub applied: usize,
    /// (line number in the file, the header being line 1; why).
    pub refused: Vec<(usize, Msg)>,
}

impl Store {
    /// Applies `personnes.csv`: each valid line creates or updates its person (role, networks,
    /// active); each refused line is named with why. Networks must be expected by the current
    /// campaign (or be in `known` when none was opened).
    pub(crate) fn invite(
        &self,
        csv_text: &str,
        known: &[String],
    ) -> Result<Invited, CampaignError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(csv_text.as_bytes());
        let headers = reader.headers().map_err(CampaignError::People)?.clone();
        let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let (Some(address_at), Some(role_at)) = (column("courriel"), column("role")) else {
            let mut invited = Invited::default();
            invited.refused.push((1, msg!(
                "l'en-tête doit nommer les colonnes « courriel », « role » et « reseaux » (et « actif », facultative)",
                "the header must name the columns “courriel”, “role” and “reseaux” (and the optional “actif”)"
            )));
            return Ok(invited);
        };
        let (networks_at, active_at) = (column("reseaux"), column("actif"));
        self.write(|tx| {
            let expected = expected_codes(tx, known)?;
            let mut invited = Invited::default();
            for (i, record) in reader.records().enumerate() {
                let line = i + 2;
                let record = match record {
                    Ok(r) => r,
                    Err(e) => {
                        invited
                            .refused
                            .push((line, msg!("ligne illisible ({e})", "unreadable line ({e})")));
                        continue;
                    }
                };
                let field = |at: Option<usize>| at.and_then(|a| record.get(a)).unwrap_or("");
                let wanted = Wanted {
                    address: field(Some(address_at)),
                    role: field(Some(role_at)),
                    networks: field(networks_at),
                    active: field(active_at),
                };
                match wanted.person(&expected) {
                    Ok((address, role, active)) => {
                        put_person(tx, &address, &role, active)?;
                        invited.applied += 1;
                    }
                    Err(why) => invited.refused.push((line, why)),
                }
            }
            journal::append(
                tx,
                "personnes_invitees",
                None,
                json!({ "appliquees": invited.applied, "refusees": invited.refused.len() }),
            )?;
            Ok(invited)
        })
    }

    /// A new login link's secret for `address` (15 minutes, once).
    pub(crate) fn login_link(&self, address: &str) -> Result<String, CampaignError> {
        self.write(|tx| {
            let person = active_person(tx, address)?;
            let secret = issue(tx, &person, Secret::Link)?;
            journal::append(tx, "lien_emis", Some(&person.address), json!({}))?;
            Ok(secret)
        })
    }

    /// A new API token for `address`, or, with `revoke`, every token of theirs revoked.
    pub(crate) fn api_token(
        &self,
        address: &str,
        revoke: bool,
    ) -> Result<Option<String>, CampaignError> {
        self.write(|tx| {
            let person = active_person(tx, address)?;
            if revoke {
                tx.execute(
                    "UPDATE jetons SET revoque = 1 WHERE personne = ?1 AND sorte = 'api'",
                    [person.id],
                )?;
                journal::append(tx, "jetons_revoques", Some(&person.address), json!({}))?;
                return Ok(None);
            }
            let secret = issue(tx, &person, Secret::Api)?;
            journal::append(tx, "jeton_emis", Some(&person.address), json!({}))?;
            Ok(Some(secret))
        })
    }

    /// Consumes a login link: its person and a new session's secret, or `None` when the link
    /// is unknown, used, expired or its person removed.
    pub(crate) fn log_in(&self, link: &str) -> Result<Option<(Person, String)>, CampaignError> {
        self.write(|tx| {
            let Some(person) = holder(tx, link, Secret::Link)? else {
                return Ok(None);
            };
            tx.execute(
                "UPDATE jetons SET utilise_le = ?2 WHERE sha256 = ?1",
                params![
                    super::files::sha256(link.as_bytes()),
                    super::stamp(super::now())
                ],
            )?;
            let session = issue(tx, &person, Secret::Session)?;
            journal::append(tx, "connexion", Some(&person.address), json!({}))?;
            Ok(Some((person, session)))
        })
    }

    /// Whether a login link is still good (shown before it is consumed).
    pub(crate) fn link_is_valid(&self, link: &str) -> Result<bool, CampaignError> {
        self.read(|tx| Ok(holder(tx, link, Secret::Link)?.is_some()))
    }

    /// The person of a session, or of an API token (`Authorization: Bearer`).
    pub(crate) fn person_of(&self, secret: &str) -> Result<Option<Person>, CampaignError> {
        self.read(|tx| {
            Ok(match holder(tx, secret, Secret::Session)? {
                Some(p) => Some(p),
                None => holder(tx, secret, Secret::Api)?,
            })
        })
    }

    /// Ends a session on the server.
    pub(crate) fn log_out(&self, session: &str) -> Result<(), CampaignError> {
        self.write(|tx| {
            let person = holder(tx, session, Secret::Session)?;
            tx.execute(
                "UPDATE jetons SET revoque = 1 WHERE sha256 = ?1 AND sorte = 'session'",
                [super::files::sha256(session.as_bytes())],
            )?;
            if let Some(p) = person {
                journal::append(tx, "deconnexion", Some(&p.address), json!({}))?;
            }
            Ok(())
        })
    }

    /// Deactivates `address` at once: their sessions, links and tokens end.
    pub(crate) fn remove_person(&self, address: &str) -> Result<(), CampaignError> {
        self.write(|tx| {
            let person = active_person(tx, address)?;
            deactivate(tx, person.id)?;
            journal::append(tx, "personne_retiree", Some(&person.address), json!({}))
        })
    }
}

/// One line of `personnes.csv`, as written.
struct Wanted<'a> {
    address: &'a str,
    role: &'a str,
    networks: &'a str,
    active: &'a str,
}

impl Wanted<'_> {
    /// The person the line describes, or why it is refused.
    fn person(&self, expected: &[String]) -> Result<(String, Role, bool), Msg> {
        let address = self.address.trim().to_lowercase();
        if !is_address(&address) {
            let a = self.address;
            return Err(msg!(
                "« {a} » n'est pas une adresse électronique",
                "“{a}” is not an e-mail address"
            ));
        }
        let active = match self.active.trim().to_lowercase().as_str() {
            "" | "oui" | "o" | "1" | "true" => true,
            "non" | "n" | "0" | "false" => false,
            other => {
                return Err(msg!(
                    "« actif » vaut « {other} » : écrivez oui ou non",
                    "“actif” is “{other}”: write oui or non"
                ))
            }
        };
        let codes: Vec<String> = self
            .networks
            .split([';', ',', ' '])
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty())
            .collect();
        let role = match self.role.trim().to_lowercase().as_str() {
            "region" | "région" => Role::Region,
            "reseau" | "réseau" => {
                if codes.is_empty() {
                    return Err(msg!(
                        "une personne de rôle « reseau » coordonne au moins un réseau : indiquez son code dans « reseaux »",
                        "a person of role “reseau” coordinates at least one network: give its code in “reseaux”"
                    ));
                }
                if let Some(unknown) = codes.iter().find(|c| !expected.contains(c)) {
                    return Err(msg!(
                        "le réseau « {unknown} » n'est pas attendu par la campagne",
                        "network “{unknown}” is not expected by the campaign"
                    ));
                }
                Role::Network(codes)
            }
            other => {
                return Err(msg!(
                    "le rôle « {other} » n'existe pas : écrivez reseau ou region",
                    "the role “{other}” does not exist: write reseau or region"
                ))
            }
        };
        Ok((address, role, active))
    }
}

/// An address as a person types it: something, `@`, a domain with a dot.
fn is_address(a: &str) -> bool {
    match a.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !a.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// The codes a person's networks may take: the current campaign's, else `known`.
fn expected_codes(tx: &Transaction<'_>, known: &[String]) -> Result<Vec<String>, CampaignError> {
    match super::campaigns::campaign(tx, None) {
        Ok(c) => Ok(super::campaigns::expected(tx, c.id)?
            .into_iter()
            .map(|e| e.code)
            .collect()),
        Err(CampaignError::NoCampaign) => Ok(known.iter().map(|c| c.to_uppercase()).collect()),
        Err(e) => Err(e),
    }
}

fn put_person(
    tx: &Transaction<'_>,
    address: &str,
    role: &Role,
    active: bool,
) -> Result<(), CampaignError> {
    let role_name = match role {
        Role::Region => "region",
        Role::Network(_) => "reseau",
    };
    tx.execute(
        "INSERT INTO personnes (courriel, role, actif) VALUES (?1, ?2, ?3)
         ON CONFLICT (courriel) DO UPDATE SET role = excluded.role, actif = excluded.actif",
        params![address, role_name, active],
    )?;
    let id: i64 = tx.query_row(
        "SELECT id FROM personnes WHERE courriel = ?1",
        [address],
        |r| r.get(0),
    )?;
    tx.execute("DELETE FROM personnes_reseaux WHERE personne = ?1", [id])?;
    if let Role::Network(codes) = role {
        for code in codes {
            tx.execute(
                "INSERT OR IGNORE INTO personnes_reseaux (personne, code) VALUES (?1, ?2)",
                params![id, code],
            )?;
        }
    }
    if !active {
        deactivate(tx, id)?;
    }
    Ok(())
}

fn deactivate(tx: &Transaction<'_>, person: i64) -> Result<(), CampaignError> {
    tx.execute("UPDATE personnes SET actif = 0 WHERE id = ?1", [person])?;
    tx.execute(
        "UPDATE jetons SET revoque = 1 WHERE personne = ?1",
        [person],
    )?;
    Ok(())
}

/// The active person of `address`.
fn active_person(tx: &Transaction<'_>, address: &str) -> Result<Person, CampaignError> {
    let id: Option<i64> = tx
        .query_row(
            "SELECT id FROM personnes WHERE courriel = ?1 AND actif = 1",
            [address.trim()],
            |r| r.get(0),
        )
        .optional()?;
    match id {
        Some(id) => person(tx, id),
        None => Err(CampaignError::UnknownPerson(address.trim().to_string())),
    }
}

/// The person `id`, with their networks.
pub(crate) fn person(tx: &Transaction<'_>, id: i64) -> Result<Person, CampaignError> {
    let (address, role): (String, String) = tx.query_row(
        "SELECT courriel, role FROM personnes WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let role = if role == "region" {
        Role::Region
    } else {
        let mut statement =
            tx.prepare("SELECT code FROM personnes_reseaux WHERE personne = ?1 ORDER BY code")?;
        let codes = statement.query_map([id], |r| r.get(0))?;
        Role::Network(codes.collect::<Result<_, _>>()?)
    };
    Ok(Person { id, address, role })
}

/// A new secret of `kind` for `person`: 128 random bits, only its SHA-256 kept.
fn issue(tx: &Transaction<'_>, person: &Person, kind: Secret) -> Result<String, CampaignError> {
    let mut bits = [0u8; 16];
    getrandom::fill(&mut bits).expect("random generator of the operating system");
    let secret = super::files::hex(&bits);
    let now = super::now();
    let expires = kind.lasts().map(|d| super::stamp(now + d));
    tx.execute(
        "INSERT INTO jetons (sha256, personne, sorte, cree_le, expire_le) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            super::files::sha256(secret.as_bytes()),
            person.id,
            kind.kind(),
            super::stamp(now),
            expires
        ],
    )?;
    Ok(secret)
}

/// The active person holding a valid secret of `kind` (unknown, used, expired or revoked:
/// `None`).
fn holder(
    tx: &Transaction<'_>,
    secret: &str,
    kind: Secret,
) -> Result<Option<Person>, CampaignError> {
    if secret.len() != 32 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    /// A secret as kept.
    struct Kept {
        person: i64,
        expires: Option<String>,
        used: Option<String>,
        revoked: bool,
        active: bool,
    }
    let found = tx
        .query_row(
            "SELECT j.personne, j.expire_le, j.utilise_le, j.revoque, p.actif
             FROM jetons j JOIN personnes p ON p.id = j.personne
             WHERE j.sha256 = ?1 AND j.sorte = ?2",
            params![super::files::sha256(secret.as_bytes()), kind.kind()],
            |r| {
                Ok(Kept {
                    person: r.get(0)?,
                    expires: r.get(1)?,
                    used: r.get(2)?,
                    revoked: r.get(3)?,
                    active: r.get(4)?,
                })
            },
        )
        .optional()?;
    let Some(kept) = found else {
        return Ok(None);
    };
    let now = super::stamp(super::now());
    let expired = kept.expires.is_some_and(|e| e <= now);
    if kept.revoked || !kept.active || expired || kept.used.is_some() {
        return Ok(None);
    }
    Ok(Some(person(tx, kept.person)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert!(is_address("coordination@reseau-chx.fr"));
        assert!(!is_address("coordination"));
        assert!(!is_address("a@b"));
        assert!(!is_address("a b@c.fr"));
    }
}
