//! C017 transmission-tardive: the bilan was sent after the deadline (by default 31 March of
//! the year after the bilan; `date_limite_transmission` in spro.toml).

use super::view::fr;
use super::Context;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::rules::Code;

pub(super) fn check(cx: &Context<'_>, findings: &mut Vec<Finding>) {
    let (Some(v), Some(form)) = (&cx.ident, cx.form) else {
        return;
    };
    let sent = v.date(form, "date_transmission");
    let limit = cx.year.and_then(|y| cx.deadline.for_year(y));
    if let (Some(t), Some(limit)) = (sent, limit) {
        if t > limit {
            findings.extend(v.finding(
                Code::C017,
                form,
                "date_transmission",
                Msg::new(format!("le bilan est transmis le {}, après la date limite du {} : transmettez-le dans les délais, ou corrigez la date si elle est fausse", fr(t), fr(limit)), format!("the bilan was sent on {}, after the deadline of {}: send it in time, or correct the date if it is wrong", fr(t), fr(limit))),
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
    fn after_the_deadline() {
        let found = findings_of(
            json!([{"feuille": "Identification", "cellule": "B7", "valeur": {"date": "2026-04-15"}}]),
        );
        assert_eq!(found, [(Code::C017, "Identification!B7".to_string())]);
    }

    #[test]
    fn on_the_deadline() {
        let found = findings_of(
            json!([{"feuille": "Identification", "cellule": "B7", "valeur": {"date": "2026-03-31"}}]),
        );
        assert_eq!(found, []);
    }
}
