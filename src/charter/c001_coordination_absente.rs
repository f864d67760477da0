//! C001 coordination-absente: the Coordination sheet names nobody.

use super::Context;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::rules::Code;

pub(super) fn check(cx: &Context<'_>, findings: &mut Vec<Finding>) {
    let Some(v) = &cx.coordination else { return };
    if v.rows().is_empty() {
        findings.push(v.sheet_finding(
            Code::C001,
            Msg::new("aucun coordinateur n'est désigné : la convention (art. 3) demande que l'animation du réseau soit confiée à un ou des professionnels nommés ; ajoutez une ligne par coordinateur", "no coordinator is designated: the convention (art. 3) asks for the network to be led by one or more named professionals; add one row per coordinator"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::charter::findings_of;
    use crate::rules::Code;
    use serde_json::json;

    #[test]
    fn nobody_designated() {
        let found = findings_of(json!([{"feuille": "Coordination", "vider": true}]));
        assert_eq!(found, [(Code::C001, "Coordination".to_string())]);
    }

    #[test]
    fn one_coordinator_is_enough() {
        let found = findings_of(json!([{"feuille": "Coordination", "supprimer_ligne": 3}]));
        assert!(!found.iter().any(|(c, _)| *c == Code::C001), "{found:?}");
    }
}
