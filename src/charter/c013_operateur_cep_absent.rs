//! C013 operateur-cep-absent: no member structure is a CEP operator.

use super::{Context, CEP_TYPES};
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::rules::Code;

pub(super) fn check(cx: &Context<'_>, findings: &mut Vec<Finding>) {
    let (Some(v), Some(_)) = (&cx.structures, &cx.members) else {
        return;
    };
    let any_cep = v.rows().iter().any(|r| {
        v.text(r, "type").is_some_and(|t| CEP_TYPES.contains(&t))
            || v.bool(r, "operateur_cep") == Some(true)
    });
    if !any_cep {
        findings.push(v.sheet_finding(
            Code::C013,
            Msg::new("aucune structure membre n'est opérateur du Conseil en évolution professionnelle (France Travail, Cap emploi, APEC, Mission Locale, Avenir Actifs) : vérifiez les types et la colonne « Opérateur CEP »", "no member structure is an operator of the Conseil en évolution professionnelle (France Travail, Cap emploi, APEC, Mission Locale, Avenir Actifs): check the types and the “Opérateur CEP” column"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::charter::findings_of;
    use crate::rules::Code;
    use serde_json::json;

    #[test]
    fn no_operator_left() {
        let found = findings_of(json!([
            {"feuille": "Structures", "cellule": "B4", "valeur": "Association"},
            {"feuille": "Structures", "cellule": "H4", "valeur": "Non"},
            {"feuille": "Structures", "cellule": "B5", "valeur": "Collectivité"},
            {"feuille": "Structures", "cellule": "H5", "valeur": "Non"},
            {"feuille": "Structures", "cellule": "B7", "valeur": "Association"},
            {"feuille": "Structures", "cellule": "H7", "valeur": "Non"}
        ]));
        assert_eq!(found, [(Code::C013, "Structures".to_string())]);
    }

    #[test]
    fn one_operator_is_enough() {
        let found = findings_of(json!([
            {"feuille": "Structures", "cellule": "B4", "valeur": "Association"},
            {"feuille": "Structures", "cellule": "H4", "valeur": "Non"}
        ]));
        assert_eq!(found, []);
    }
}
