//! The referential of networks (spec §2) and the rules that use it with the Identification
//! form: R001 unknown network, R002 département, R003 year, and S006 template version.

use crate::rules::Code;
use std::path::Path;

use serde::Deserialize;

use crate::finding::Finding;
use crate::i18n::Msg;
use crate::norm::suggest;
use crate::schema::{Schemas, SheetKind, TEMPLATE_VERSION};
use crate::sheet::Bilan;

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
#[error("référentiel {path} illisible : {message}")]
pub struct ReferentialError {
    pub path: String,
    pub message: String,
}

impl crate::i18n::English for ReferentialError {
    fn english(&self) -> String {
        format!("referential {} unreadable: {}", self.path, self.message)
    }
}

impl Referential {
    pub fn embedded() -> Referential {
        Referential {
            networks: serde_json::from_str(EMBEDDED).expect("embedded referential is valid"),
        }
    }

    pub fn load(path: &Path) -> Result<Referential, ReferentialError> {
        let err = |message: String| ReferentialError {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let networks: Vec<Network> = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
        Ok(Referential { networks })
    }

    pub fn get(&self, code: &str) -> Option<&Network> {
        self.networks
            .iter()
            .find(|n| n.code.eq_ignore_ascii_case(code))
    }
}

/// R001, R002, R003 and S006 on the Identification form.
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
    let schema = schemas.sheet(SheetKind::Identification);
    let at = |key: &str| sheet.cell_position(form, schema.index(key));
    let shown = |key: &str| form.cell(schema.index(key)).and_then(|c| c.raw.display());
    let id = SheetKind::Identification;

    let code = form
        .get(schema.index("code_reseau"))
        .and_then(|v| v.as_text());
    let dep = form
        .get(schema.index("departement"))
        .and_then(|v| v.as_text());
    if let Some(code) = code {
        let network = referential.get(code);
        if network.is_none() {
            if let Some((r, c)) = at("code_reseau") {
                let hint = match suggest(code, referential.networks.iter().map(|n| n.code.as_str()))
                {
                    Some(s) => msg!(" ; vouliez-vous dire « {s} » ?", "; did you mean “{s}”?"),
                    None => msg!(".", "."),
                };
                let (hint, hint_en) = (hint.fr, hint.en);
                findings.push(
                    Finding::new(
                        Code::R001,
                        msg!(
                            "le code réseau « {code} » ne figure pas dans le référentiel des réseaux de la Région{hint} Saisissez le code que la Région vous a communiqué.",
                            "the network code “{code}” is not in the Région's referential of networks{hint_en} Type the code the Région gave you."
                        ),
                    )
                    .sheet(id)
                    .at(r, c)
                    .value(shown("code_reseau")),
                );
            }
        }
        if let Some(dep) = dep {
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
                    let prefix = &code[..2];
                    (
                        prefix,
                        msg!(
                            "le code réseau {code} commence par {prefix}",
                            "the network code {code} starts with {prefix}"
                        ),
                    )
                }
            };
            let (why, why_en) = (why.fr, why.en);
            if dep != expected {
                if let Some((r, c)) = at("departement") {
                    findings.push(
                        Finding::new(
                            Code::R002,
                            Msg::new(format!("le département {dep} ne correspond pas au réseau : {why} ; corrigez le département ou le code réseau"), format!("the département {dep} does not match the network: {why_en}; correct the département or the network code")),
                        )
                        .sheet(id)
                        .at(r, c)
                        .value(shown("departement")),
                    );
                }
            }
        }
    }
    if let (Some(wanted), Some(annee)) = (
        year,
        form.get(schema.index("annee")).and_then(|v| v.as_int()),
    ) {
        if annee != i64::from(wanted) {
            if let Some((r, c)) = at("annee") {
                findings.push(
                    Finding::new(
                        Code::R003,
                        Msg::new(format!("ce tableau de bord est celui de l'année {annee}, alors que le bilan attendu est celui de {wanted} : vérifiez que vous transmettez le bon fichier, ou corrigez l'année"), format!("this tableau de bord is the one of year {annee}, while the bilan expected is the one of {wanted}: check that you send the right file, or correct the year")),
                    )
                    .sheet(id)
                    .at(r, c)
                    .value(shown("annee")),
                );
            }
        }
    }
    if let Some(version) = form
        .get(schema.index("version_modele"))
        .and_then(|v| v.as_text())
    {
        if version != TEMPLATE_VERSION {
            if let Some((r, c)) = at("version_modele") {
                findings.push(
                    Finding::new(
                        Code::S006,
                        Msg::new(format!(
                            "le classeur suit le modèle « {version} », alors que l'outil vérifie le modèle {TEMPLATE_VERSION} : reportez vos données dans le modèle {TEMPLATE_VERSION} fourni par la Région"
                        ), format!("the workbook follows the template “{version}”, while the tool checks template {TEMPLATE_VERSION}: copy your data into the {TEMPLATE_VERSION} template provided by the Région"
                        )),
                    )
                    .sheet(id)
                    .at(r, c)
                    .value(shown("version_modele")),
                );
            }
        }
    }
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
