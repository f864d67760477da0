//! C010 action-non-coconstruite: an action has no partner besides its lead structure.

use std::borrow::Cow;

use super::view::Id;
use super::Context;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::norm::norm;
use crate::read::values::Typed;
use crate::rules::Code;

pub(super) fn check(cx: &Context<'_>, findings: &mut Vec<Finding>) {
    let Some(v) = &cx.actions else { return };
    if !v.has("partenaires") {
        return;
    }
    // Partner names compared through the normalised names already made for Structures.
    let key = |name: &str| -> Cow<'_, str> {
        match &cx.members {
            Some(m) => m.key(name),
            None => Cow::Owned(norm(name)),
        }
    };
    for row in v.rows() {
        if v.invalid(row, "partenaires") {
            continue;
        }
        let partners = v
            .get(row, "partenaires")
            .map(Typed::as_list)
            .unwrap_or_default();
        let porteuse = v.text(row, "porteuse").map(key);
        let others = partners.iter().filter(|p| Some(key(p)) != porteuse).count();
        if others == 0 {
            let id = Id(v.text(row, "id"));
            findings.extend(v.finding(
                Code::C010,
                row,
                "partenaires",
                Msg::new(format!("l'action{id} n'a aucune structure partenaire en dehors de sa structure porteuse : la charte attend des actions co-construites ; indiquez les partenaires, séparés par « ; »"), format!("action{id} has no partner structure besides its lead structure: the charter expects co-built actions; list the partners, separated by “;”")),
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
    fn no_partner() {
        let found = findings_of(json!([{"feuille": "Actions", "cellule": "I4", "valeur": null}]));
        assert_eq!(found, [(Code::C010, "Actions!I4".to_string())]);
    }

    #[test]
    fn only_the_lead_structure_written_otherwise() {
        let found = findings_of(
            json!([{"feuille": "Actions", "cellule": "I6", "valeur": "adpep 36 – cria"}]),
        );
        assert_eq!(found, [(Code::C010, "Actions!I6".to_string())]);
    }
}
