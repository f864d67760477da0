//! The referential of networks (contrat §2) and the rules that use it with the Identification
//! form: R001 unknown network, R002 département, R003 year.

use crate::rules::Code;
use std::path::Path;

use serde::Deserialize;

use crate::finding::Finding;
use crate::i18n::Msg;
use crate::norm::suggest;
use crate::read::form::Form;
use crate::read::sheet::Bilan;
use crate::schema::{Schemas, SheetKind};

/// One network the Région expects a tableau de bord from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    pub code: String,
    pub nom: String,
    pub departement: String,
}

/// The list of networks, in file order.
#[derive(Debug, Clone)]
pub struct Referential {
    pub networks: Vec<Network>,
}

const EMBEDDED: &str = include_str!("../schemas/referentiels/reseaux.json");

#[derive(Debug, thiserror::Error)]
pub struct ReferentialError {
    pub path: String,
    #[source]
    pub source: ReferentialSource,
}

/// What made a referential unreadable.
#[derive(Debug, thiserror::Error)]
pub enum ReferentialSource {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

impl crate::i18n::Said for ReferentialError {
    fn said(&self) -> Msg {
        let (path, source) = (&self.path, &self.source);
        msg!(
            "référentiel {path} illisible : {source}",
            "referential {path} unreadable: {source}"
        )
    }
}

crate::said_in_french!(ReferentialError);

impl Referential {
    pub fn embedded() -> Referential {
        Referential {
            networks: serde_json::from_str(EMBEDDED).expect("embedded referential is valid"),
        }
    }

    pub fn load(path: &Path) -> Result<Referential, ReferentialError> {
        let err = |source: ReferentialSource| ReferentialError {
            path: path.display().to_string(),
            source,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.into()))?;
        let networks: Vec<Network> = serde_json::from_str(&text).map_err(|e| err(e.into()))?;
        Ok(Referential { networks })
    }

    pub fn get(&self, code: &str) -> Option<&Network> {
        self.networks
            .iter()
            .find(|n| n.code.eq_ignore_ascii_case(code))
    }
}

/// R001, R002 and R003 on the Identification form.
pub fn check(
    bilan: &Bilan,
    schemas: &Schemas,
    referential: &Referential,
    year: Option<i32>,
    findings: &mut Vec<Finding>,
) {
    let (Some(sheet), Some(form)) = (
        bilan.sheet(SheetKind::Identification),
        bilan.identification(),
    ) else {
        return;
    };
    let form = Form::of(sheet, form, schemas);
    let code = form.text("code_reseau");
    if let Some(code) = code {
        let network = referential.get(code);
        if network.is_none() {
            findings.extend(unknown_network(&form, code, referential));
        }
        if let Some(dep) = form.text("departement") {
            findings.extend(other_departement(&form, code, dep, network));
        }
    }
    if let (Some(wanted), Some(declared)) = (year, form.int("annee")) {
        if declared != i64::from(wanted) {
            findings.extend(form.finding(Code::R003, "annee", msg!(
                "ce tableau de bord est celui de l'année {declared}, alors que le bilan attendu est celui de {wanted} : vérifiez que vous transmettez le bon fichier, ou corrigez l'année",
                "this tableau de bord is the one of year {declared}, while the bilan expected is the one of {wanted}: check that you send the right file, or correct the year"
            )));
        }
    }
}

/// R001: a network code the referential does not know, with the closest one.
fn unknown_network(form: &Form<'_>, code: &str, referential: &Referential) -> Option<Finding> {
    let hint = match suggest(code, referential.networks.iter().map(|n| n.code.as_str())) {
        Some(s) => msg!(" ; vouliez-vous dire « {s} » ?", "; did you mean “{s}”?"),
        None => msg!(".", "."),
    };
    let (hint, hint_en) = (hint.fr, hint.en);
    form.finding(Code::R001, "code_reseau", msg!(
        "le code réseau « {code} » ne figure pas dans le référentiel des réseaux de la Région{hint} Saisissez le code que la Région vous a communiqué.",
        "the network code “{code}” is not in the Région's referential of networks{hint_en} Type the code the Région gave you."
    ))
}

/// R002: a département other than the network's (from the referential, else from the
/// prefix of its code).
fn other_departement(
    form: &Form<'_>,
    code: &str,
    dep: &str,
    network: Option<&Network>,
) -> Option<Finding> {
    let (expected, why) = match network {
        Some(n) => {
            let (c, nom, d) = (&n.code, &n.nom, &n.departement);
            (
                d.as_str(),
                msg!(
                    "le réseau {c} ({nom}) est dans le département {d}",
                    "the network {c} ({nom}) is in the département {d}"
                ),
            )
        }
        None => {
            let prefix = code.get(..2).unwrap_or(code);
            (
                prefix,
                msg!(
                    "le code réseau {code} commence par {prefix}",
                    "the network code {code} starts with {prefix}"
                ),
            )
        }
    };
    if dep == expected {
        return None;
    }
    let (why, why_en) = (why.fr, why.en);
    form.finding(Code::R002, "departement", msg!(
        "le département {dep} ne correspond pas au réseau : {why} ; corrigez le département ou le code réseau",
        "the département {dep} does not match the network: {why_en}; correct the département or the network code"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_referential_has_the_22_networks() {
        let r = Referential::embedded();
        assert_eq!(r.networks.len(), 22);
        assert_eq!(r.get("36-chx").map(|n| n.departement.as_str()), Some("36"));
        for n in &r.networks {
            assert!(n.code.starts_with(&n.departement), "{}", n.code);
        }
    }
}
