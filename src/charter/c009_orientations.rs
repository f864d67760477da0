//! C009 orientations-superieures: more referrals to a partner than first receptions.

use super::Context;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::rules::Code;

pub(super) fn check(cx: &Context<'_>, findings: &mut Vec<Finding>) {
    let Some(v) = &cx.accueil else { return };
    for row in v.rows() {
        if let (Some(o), Some(a)) = (v.int(row, "orientations"), v.int(row, "accueils")) {
            if o > a {
                findings.extend(v.finding(
                    Code::C009,
                    row,
                    "orientations",
                    Msg::new(format!("{o} orientations vers un partenaire pour {a} premiers accueils : vérifiez que les deux colonnes ne sont pas inversées"), format!("{o} referrals to a partner for {a} first receptions: check that the two columns are not swapped")),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::charter::findings_of;
    use crate::rules::Code;
    use serde_json::json;

    #[test]
    fn more_referrals_than_receptions() {
        let found = findings_of(json!([{"feuille": "Accueil", "cellule": "E3", "valeur": 120}]));
        assert_eq!(found, [(Code::C009, "Accueil!E3".to_string())]);
    }

    #[test]
    fn as_many_is_fine() {
        let found = findings_of(json!([
            {"feuille": "Accueil", "cellule": "C3", "valeur": 120},
            {"feuille": "Accueil", "cellule": "E3", "valeur": 120}
        ]));
        assert!(!found.iter().any(|(c, _)| *c == Code::C009), "{found:?}");
    }
}
