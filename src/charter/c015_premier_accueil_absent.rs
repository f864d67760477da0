//! C015 premier-accueil-absent: a member offers neither an in-person nor a remote first
//! reception.

use super::Context;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::rules::Code;

pub(super) fn check(cx: &Context<'_>, findings: &mut Vec<Finding>) {
    let Some(v) = &cx.structures else { return };
    for row in v.rows() {
        if v.bool(row, "accueil_physique") == Some(false)
            && v.bool(row, "accueil_dematerialise") == Some(false)
        {
            let name = v.text(row, "nom").unwrap_or("(sans nom)");
            findings.extend(v.finding(
                Code::C015,
                row,
                "accueil_physique",
                Msg::new(format!("« {name} » n'offre ni premier accueil physique ni premier accueil dématérialisé : chaque membre s'engage à offrir l'un ou l'autre (charte §1) ; indiquez « Oui » pour au moins l'un des deux"), format!("“{name}” offers neither an in-person nor a remote first reception: every member commits to offer one of them (charter §1); put “Oui” for at least one of the two")),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::charter::findings_of;
    use crate::rules::Code;
    use serde_json::json;

    #[test]
    fn neither_reception() {
        let found =
            findings_of(json!([{"feuille": "Structures", "cellule": "I10", "valeur": "Non"}]));
        assert_eq!(found, [(Code::C015, "Structures!I10".to_string())]);
    }

    #[test]
    fn remote_only_is_enough() {
        let found =
            findings_of(json!([{"feuille": "Structures", "cellule": "I2", "valeur": "Non"}]));
        assert_eq!(found, []);
    }
}
