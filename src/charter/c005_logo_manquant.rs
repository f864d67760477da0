//! C005 logo-manquant: an action made a tool without the Région's or the SPRO's logo (one
//! finding per logo that is not « Oui »).

use super::view::Id;
use super::Context;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::rules::Code;

/// The two logos: column key, and how the message names it.
const LOGOS: [(&str, &str, &str); 2] = [
    (
        "logo_region",
        "du Conseil régional Centre-Val de Loire",
        "of the Conseil régional Centre-Val de Loire",
    ),
    ("logo_spro", "du SPRO", "of the SPRO"),
];

pub(super) fn check(cx: &Context<'_>, findings: &mut Vec<Finding>) {
    let Some(v) = &cx.actions else { return };
    for row in v.rows() {
        if v.bool(row, "outil_cree") != Some(true) {
            continue;
        }
        let id = Id(v.text(row, "id"));
        for (key, logo, logo_en) in LOGOS {
            if v.has(key) && !v.invalid(row, key) && v.bool(row, key) != Some(true) {
                findings.extend(v.finding(
                    Code::C005,
                    row,
                    key,
                    Msg::new(format!("l'action{id} a créé un outil ou un support sans le logo {logo} : apposez le logo et indiquez « Oui » (charte §7), ou « Non » dans « Outil ou support créé » si aucun outil n'a été créé"), format!("action{id} created a tool or material without the logo {logo_en}: put the logo on it and answer “Oui” (charter §7), or “Non” in “Outil ou support créé” if no tool was created")),
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
    fn one_finding_per_missing_logo() {
        let found = findings_of(json!([
            {"feuille": "Actions", "cellule": "P3", "valeur": "Non"},
            {"feuille": "Actions", "cellule": "O5", "valeur": null},
            {"feuille": "Actions", "cellule": "P5", "valeur": null}
        ]));
        let at = |c: &str| (Code::C005, format!("Actions!{c}"));
        assert_eq!(found, [at("P3"), at("O5"), at("P5")]);
    }

    #[test]
    fn no_tool_no_logo_needed() {
        let found = findings_of(json!([
            {"feuille": "Actions", "cellule": "P3", "valeur": "Non"},
            {"feuille": "Actions", "cellule": "N3", "valeur": "Non"}
        ]));
        assert_eq!(found, []);
    }
}
