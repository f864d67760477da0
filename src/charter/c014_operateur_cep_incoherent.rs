//! C014 operateur-cep-incoherent: « Opérateur CEP » contradicts the type of structure.

use super::{Context, CEP_TYPES};
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::rules::Code;

pub(super) fn check(cx: &Context<'_>, findings: &mut Vec<Finding>) {
    let Some(v) = &cx.structures else { return };
    for row in v.rows() {
        let (Some(t), Some(cep)) = (v.text(row, "type"), v.bool(row, "operateur_cep")) else {
            continue;
        };
        let name = v.text(row, "nom").unwrap_or("(sans nom)");
        let message = match (CEP_TYPES.contains(&t), cep) {
            (true, false) => Msg::new(format!("« {name} » est de type « {t} », opérateur du CEP, mais « Opérateur CEP » vaut Non : indiquez « Oui » ou corrigez le type"), format!("“{name}” is of type “{t}”, a CEP operator, but “Opérateur CEP” is Non: put “Oui” or correct the type")),
            (false, true) => Msg::new(format!("« {name} » est de type « {t} », qui n'est pas opérateur du CEP, mais « Opérateur CEP » vaut Oui : indiquez « Non » ou corrigez le type"), format!("“{name}” is of type “{t}”, which is not a CEP operator, but “Opérateur CEP” is Oui: put “Non” or correct the type")),
            _ => continue,
        };
        findings.extend(v.finding(Code::C014, row, "operateur_cep", message));
    }
}

#[cfg(test)]
mod tests {
    use crate::charter::findings_of;
    use crate::rules::Code;
    use serde_json::json;

    #[test]
    fn both_ways() {
        let found = findings_of(json!([
            {"feuille": "Structures", "cellule": "H5", "valeur": "Non"},
            {"feuille": "Structures", "cellule": "H2", "valeur": "Oui"}
        ]));
        let at = |c: &str| (Code::C014, format!("Structures!{c}"));
        assert_eq!(found, [at("H2"), at("H5")]);
    }
}
