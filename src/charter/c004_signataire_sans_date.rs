//! C004 signataire-sans-date: a structure signed the convention but has no signature date.

use super::Context;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::rules::Code;

pub(super) fn check(cx: &Context<'_>, findings: &mut Vec<Finding>) {
    let Some(v) = &cx.structures else { return };
    for row in v.rows() {
        if v.bool(row, "signataire") == Some(true) && v.blank(row, "date_signature") {
            let name = v.text(row, "nom").unwrap_or("(sans nom)");
            findings.extend(v.finding(
                Code::C004,
                row,
                "date_signature",
                Msg::new(format!("la structure « {name} » est signataire de la convention mais sa date de signature est vide : renseignez-la, ou indiquez « Non » dans « Signataire de la convention »"), format!("the structure “{name}” signed the convention but its signature date is empty: fill it in, or put “Non” in “Signataire de la convention”")),
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
    fn a_signatory_without_a_date() {
        let found =
            findings_of(json!([{"feuille": "Structures", "cellule": "G2", "valeur": null}]));
        assert_eq!(found, [(Code::C004, "Structures!G2".to_string())]);
    }

    #[test]
    fn a_non_signatory_needs_no_date() {
        let found = findings_of(json!([
            {"feuille": "Structures", "cellule": "G2", "valeur": null},
            {"feuille": "Structures", "cellule": "F2", "valeur": "Non"}
        ]));
        assert_eq!(found, []);
    }
}
