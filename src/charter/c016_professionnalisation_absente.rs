//! C016 professionnalisation-absente: no participation in the regional support programme.

use super::Context;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::rules::Code;

pub(super) fn check(cx: &Context<'_>, findings: &mut Vec<Finding>) {
    let Some(v) = &cx.pro else { return };
    if v.count() == 0 {
        findings.push(v.sheet_finding(
            Code::C016,
            Msg::new("aucune participation au programme régional d'appui aux acteurs n'est déclarée : indiquez les actions d'appui suivies par les professionnels du réseau (charte §6)", "no participation in the regional support programme for practitioners is declared: list the support actions followed by the network's professionals (charter §6)"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::charter::findings_of;
    use crate::rules::Code;
    use serde_json::json;

    #[test]
    fn nothing_declared() {
        let found = findings_of(json!([{"feuille": "Professionnalisation", "vider": true}]));
        assert_eq!(found, [(Code::C016, "Professionnalisation".to_string())]);
    }

    #[test]
    fn a_missing_sheet_is_s001_not_c016() {
        let found = findings_of(json!([{"supprimer_feuille": "Professionnalisation"}]));
        assert_eq!(found, []);
    }
}
