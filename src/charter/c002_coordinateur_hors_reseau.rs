//! C002 coordinateur-hors-reseau: a coordinator's structure is not a member of the network.

use super::Context;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::rules::Code;

pub(super) fn check(cx: &Context<'_>, findings: &mut Vec<Finding>) {
    let (Some(v), Some(m)) = (&cx.coordination, &cx.members) else {
        return;
    };
    for row in v.rows() {
        let Some(s) = v.text(row, "structure") else {
            continue;
        };
        if m.contains(s) {
            continue;
        }
        findings.extend(v.finding(
            Code::C002,
            row,
            "structure",
            Msg::new(format!(
                "la structure du coordinateur, « {s} », n'est pas une structure membre du réseau (feuille Structures){} Écrivez-la comme dans la feuille Structures, ou ajoutez-la aux membres.",
                m.hint(s).fr
            ), format!("the coordinator's structure, “{s}”, is not a member structure of the network (Structures sheet){} Write it as in the Structures sheet, or add it to the members.",
                m.hint(s).en
            )),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::charter::findings_of;
    use crate::rules::Code;
    use serde_json::json;

    #[test]
    fn a_structure_outside_the_network() {
        let found = findings_of(
            json!([{"feuille": "Coordination", "cellule": "C3", "valeur": "Chambre des Metiers et de l’Artisanat de l’Indre"}]),
        );
        assert_eq!(found, [(Code::C002, "Coordination!C3".to_string())]);
    }

    #[test]
    fn a_member_written_otherwise_is_a_member() {
        let found = findings_of(
            json!([{"feuille": "Coordination", "cellule": "C2", "valeur": "MISSION LOCALE DE CHÂTEAUROUX"}]),
        );
        assert_eq!(found, []);
    }
}
