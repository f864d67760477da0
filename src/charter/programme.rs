//! C011 axe-non-couvert, C012 promotion-cep-absente, C018 mixite-non-traitee: the axes the
//! programme of actions must cover, checked together on a non-empty Actions sheet (one
//! finding per axis missing, on the sheet).

use super::Context;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::rules::{Code, PROGRAMME_AXES};

/// Each axis the programme must cover: its rule, its name, and why (French, English).
pub(super) const AXES: [(Code, &str, &str, &str); 4] = [
    (
        Code::C011,
        PROGRAMME_AXES[0].1,
        "le programme local doit informer sur les métiers et les formations (charte §5)",
        "the local programme must inform about jobs and training (charter §5)",
    ),
    (
        Code::C011,
        PROGRAMME_AXES[1].1,
        "le programme local doit accompagner les parcours professionnels (charte §5)",
        "the local programme must support career paths (charter §5)",
    ),
    (
        Code::C012,
        PROGRAMME_AXES[2].1,
        "la charte fait de la promotion du Conseil en évolution professionnelle un engagement du réseau (§2)",
        "the charter makes promoting the Conseil en évolution professionnelle a commitment of the network (§2)",
    ),
    (
        Code::C018,
        PROGRAMME_AXES[3].1,
        "le service public de l'orientation concourt à la mixité professionnelle (charte §1, art. L6111-3)",
        "the public guidance service contributes to gender balance in jobs (charter §1, art. L6111-3)",
    ),
];

pub(super) fn check(cx: &Context<'_>, findings: &mut Vec<Finding>) {
    let Some(v) = &cx.actions else { return };
    if v.count() == 0 || !v.has("axe") {
        return;
    }
    for (code, axis, why, why_en) in AXES {
        if !v.seen("axe", axis) {
            findings.push(v.sheet_finding(
                code,
                Msg::new(format!("aucune action sur l'axe « {axis} » : {why} ; vérifiez l'axe de vos actions"), format!("no action on the axis “{axis}”: {why_en}; check the axis of your actions")),
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
    fn each_axis_missing_is_its_rule() {
        for (cell, code) in [("D5", Code::C011), ("D3", Code::C012), ("D4", Code::C018)] {
            let found =
                findings_of(json!([{"feuille": "Actions", "cellule": cell, "valeur": "VAE"}]));
            assert_eq!(found, [(code, "Actions".to_string())], "{cell}");
        }
    }

    #[test]
    fn an_empty_programme_is_s005_not_these() {
        let found = findings_of(json!([{"feuille": "Actions", "vider": true}]));
        assert!(
            !found
                .iter()
                .any(|(c, _)| matches!(c, Code::C011 | Code::C012 | Code::C018)),
            "{found:?}"
        );
    }
}
