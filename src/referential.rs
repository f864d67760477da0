//! The referential of networks (contrat §2) and the rules that use it with the Identification
//! form: R001 unknown network, R002 département, R003 year, and S006 template version.

use crate::rules::Code;
use std::path::Path;

use serde::Deserialize;

use crate::finding::{Finding, Severity};
use crate::i18n::{counted, Msg};
use crate::norm::suggest;
use crate::read::sheet::{Bilan, Row, Sheet};
use crate::read::version::{Chosen, How};
use crate::registry::{Registry, VersionStatus};
use crate::schema::{Schemas, SheetKind, SheetSchema};

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
    let form = Form {
        sheet,
        row: form,
        schema: schemas.sheet(SheetKind::Identification),
    };
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

/// S006 (README « Réviser le modèle »): the version the file was read with, by its status and the years it
/// serves; a version detected rather than stated is said, and which was used.
pub fn template_version(
    bilan: &Bilan,
    schemas: &Schemas,
    registry: &Registry,
    chosen: &Chosen,
    year: Option<i32>,
    findings: &mut Vec<Finding>,
) {
    let version = &registry.versions[chosen.index];
    let (v, current) = (&version.version, &registry.current().version);
    let form = bilan
        .sheet(SheetKind::Identification)
        .zip(bilan.identification())
        .map(|(sheet, row)| Form {
            sheet,
            row,
            schema: schemas.sheet(SheetKind::Identification),
        });
    let year = form
        .as_ref()
        .and_then(|f| f.int("annee"))
        .and_then(|y| i32::try_from(y).ok())
        .or(year);
    let message = match (version.status, chosen.how) {
        (VersionStatus::Retired, _) => Some(msg!(
            "le classeur suit le modèle {v}, qui n'est plus accepté : reprenez vos données dans le modèle {current} que la Région vous a envoyé (demandez-le-lui si vous ne l'avez plus)",
            "the workbook follows template {v}, which is no longer accepted: copy your data into the {current} template the Région sent you (ask the Région for it if you no longer have it)"
        )),
        (_, How::Detected) => Some(match &chosen.stated {
            Some(stated) => msg!(
                "le classeur indique le modèle « {stated} », que la Région n'a pas publié : il a été lu avec le modèle {v}, dont il a les feuilles et les en-têtes ; indiquez la version du modèle utilisé (« {v} »)",
                "the workbook states template “{stated}”, which the Région has not published: it was read with template {v}, whose sheets and headers it has; state the version of the template used (“{v}”)"
            ),
            None => msg!(
                "le classeur n'indique pas la version du modèle : il a été lu avec le modèle {v}, dont il a les feuilles et les en-têtes ; indiquez « {v} » dans « Version du modèle »",
                "the workbook does not state the template version: it was read with template {v}, whose sheets and headers it has; type “{v}” in “Version du modèle”"
            ),
        }),
        (VersionStatus::Accepted, _) => year
            .filter(|y| !version.years.contains(y))
            .map(|y| {
                let serving = registry.serving(y);
                let to = &serving.version;
                let n = crate::registry::diff::diff(registry, version, serving).len();
                let changes = counted(n, ["changement", "changements"], ["change", "changes"]);
                let (changes, changes_en) = (changes.fr, changes.en);
                msg!(
                    "le classeur suit le modèle {v}, qui n'est pas celui des bilans {y} : le modèle {to} l'est ({changes} depuis le {v}, que la page de vérification liste) ; reportez vos données dans le modèle {to} que la Région vous a envoyé",
                    "the workbook follows template {v}, which is not the one of {y} bilans: template {to} is ({changes_en} since {v}, listed on the checking page); copy your data into the {to} template the Région sent you"
                )
            }),
        (VersionStatus::Current, _) => None,
    };
    let Some(message) = message else { return };
    let severity = if version.status == VersionStatus::Retired {
        Severity::Error
    } else {
        Severity::Warning
    };
    let finding = form
        .as_ref()
        .and_then(|f| f.finding(Code::S006, "version_modele", message.clone()))
        .unwrap_or_else(|| Finding::new(Code::S006, message).sheet(SheetKind::Identification));
    findings.push(finding.severity(severity));
}

/// The Identification form, for reading a field and citing its cell.
struct Form<'a> {
    sheet: &'a Sheet,
    row: &'a Row,
    schema: &'a SheetSchema,
}

impl Form<'_> {
    fn text(&self, key: &str) -> Option<&str> {
        self.row
            .get(self.schema.index(key))
            .and_then(|v| v.as_text())
    }

    fn int(&self, key: &str) -> Option<i64> {
        self.row
            .get(self.schema.index(key))
            .and_then(|v| v.as_int())
    }

    /// A finding at the value of `key`, showing it; none when the field has no cell.
    fn finding(&self, code: Code, key: &str, message: Msg) -> Option<Finding> {
        let i = self.schema.index(key);
        let (r, c) = self.sheet.cell_position(self.row, i)?;
        Some(
            Finding::new(code, message)
                .sheet(SheetKind::Identification)
                .at(r, c)
                .value(self.row.cell(i).and_then(|c| c.raw.display())),
        )
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
