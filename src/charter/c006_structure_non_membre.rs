//! C006 structure-non-membre: an action (lead structure or partner), a reception line or a
//! professionalisation line names a structure that is not in the Structures sheet.

use super::view::{Members, View};
use super::Context;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::read::sheet::Row;
use crate::read::values::Typed;
use crate::rules::Code;

pub(super) fn check(cx: &Context<'_>, findings: &mut Vec<Finding>) {
    let Some(m) = &cx.members else { return };
    if let Some(v) = &cx.actions {
        for row in v.rows() {
            one(v, row, "porteuse", m, findings);
            partners(v, row, m, findings);
        }
    }
    for v in [&cx.accueil, &cx.pro].into_iter().flatten() {
        for row in v.rows() {
            one(v, row, "structure", m, findings);
        }
    }
}

/// A cell holding one structure.
fn one(v: &View<'_>, row: &Row, key: &str, m: &Members, findings: &mut Vec<Finding>) {
    let Some(name) = v.text(row, key) else { return };
    if m.contains(name) {
        return;
    }
    findings.extend(v.finding(
        Code::C006,
        row,
        key,
        Msg::new(format!(
            "« {name} » n'est pas une structure membre du réseau (feuille Structures){} Écrivez le nom comme dans la feuille Structures, ou ajoutez la structure aux membres.",
            m.hint(name).fr
        ), format!("“{name}” is not a member structure of the network (Structures sheet){} Write the name as in the Structures sheet, or add the structure to the members.",
            m.hint(name).en
        )),
    ));
}

/// The partners of an action, one finding per partner that is not a member; commas used
/// where « ; » separates structures get their own advice.
fn partners(v: &View<'_>, row: &Row, m: &Members, findings: &mut Vec<Finding>) {
    let partners = v
        .get(row, "partenaires")
        .map(Typed::as_list)
        .unwrap_or_default();
    for p in partners {
        if m.contains(p) {
            continue;
        }
        let parts: Vec<&str> = p
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let (advice, advice_en) = if parts.len() > 1 && parts.iter().all(|s| m.contains(s)) {
            (
                " Plusieurs structures sont séparées par des virgules : séparez-les par « ; ».",
                " Several structures are separated by commas: separate them with “;”.",
            )
        } else {
            (
                " Écrivez le nom comme dans la feuille Structures, ou ajoutez la structure aux membres.",
                " Write the name as in the Structures sheet, or add the structure to the members.",
            )
        };
        findings.extend(v.finding(
            Code::C006,
            row,
            "partenaires",
            Msg::new(
                format!(
                    "le partenaire « {p} » n'est pas une structure membre du réseau{}{advice}",
                    m.hint(p).fr
                ),
                format!(
                    "the partner “{p}” is not a member structure of the network{}{advice_en}",
                    m.hint(p).en
                ),
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::charter::findings_of;
    use crate::rules::Code;
    use serde_json::json;

    #[test]
    fn lead_structure_reception_and_professionalisation() {
        let found = findings_of(json!([
            {"feuille": "Actions", "cellule": "H4", "valeur": "BIJ Chateauroux"},
            {"feuille": "Accueil", "cellule": "A2", "valeur": "CIO Chateauroux"},
            {"feuille": "Professionnalisation", "cellule": "A3", "valeur": "Centre d'information et d'orientation"}
        ]));
        let codes: Vec<(Code, &str)> = found.iter().map(|(c, p)| (*c, p.as_str())).collect();
        assert!(codes.contains(&(Code::C006, "Actions!H4")), "{found:?}");
        assert!(codes.contains(&(Code::C006, "Accueil!A2")), "{found:?}");
        assert!(
            codes.contains(&(Code::C006, "Professionnalisation!A3")),
            "{found:?}"
        );
    }

    #[test]
    fn partners_separated_by_commas() {
        let found = findings_of(
            json!([{"feuille": "Actions", "cellule": "I5", "valeur": "France Travail Indre, PLIE de l'Agglo de Châteauroux"}]),
        );
        assert_eq!(found, [(Code::C006, "Actions!I5".to_string())]);
    }
}
