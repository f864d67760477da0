//! C007 dates-action-incoherentes: an action ends before it starts, or takes place entirely
//! outside the bilan year.

use chrono::NaiveDate;

use super::view::{fr, Id};
use super::Context;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::rules::Code;

pub(super) fn check(cx: &Context<'_>, findings: &mut Vec<Finding>) {
    let Some(v) = &cx.actions else { return };
    for row in v.rows() {
        let Some(start) = v.date(row, "date_debut") else {
            continue;
        };
        if v.invalid(row, "date_fin") {
            continue;
        }
        let id = Id(v.text(row, "id"));
        let end = v.date(row, "date_fin");
        if let Some(end) = end.filter(|end| *end < start) {
            findings.extend(v.finding(
                Code::C007,
                row,
                "date_fin",
                Msg::new(format!("l'action{id} se termine le {}, avant son début le {} : corrigez l'une des deux dates", fr(end), fr(start)), format!("action{id} ends on {}, before it starts on {}: correct one of the two dates", fr(end), fr(start))),
            ));
            continue;
        }
        let end = end.unwrap_or(start);
        let Some(y) = cx.year else { continue };
        let first = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(end);
        let last = NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(start);
        if end < first || start > last {
            findings.extend(v.finding(
                Code::C007,
                row,
                "date_debut",
                Msg::new(format!("l'action{id} ({} – {}) se déroule en dehors de l'année du bilan {y} : corrigez les dates, ou retirez l'action si elle relève d'une autre année", fr(start), fr(end)), format!("action{id} ({} – {}) takes place outside the bilan year {y}: correct the dates, or remove the action if it belongs to another year", fr(start), fr(end))),
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
    fn ends_before_it_starts() {
        let found = findings_of(
            json!([{"feuille": "Actions", "cellule": "F2", "valeur": {"date": "2025-02-01"}}]),
        );
        assert_eq!(found, [(Code::C007, "Actions!F2".to_string())]);
    }

    #[test]
    fn outside_the_year_at_its_start() {
        let found = findings_of(json!([
            {"feuille": "Actions", "cellule": "E8", "valeur": {"date": "2024-11-20"}},
            {"feuille": "Actions", "cellule": "F8", "valeur": {"date": "2024-11-22"}}
        ]));
        assert_eq!(found, [(Code::C007, "Actions!E8".to_string())]);
    }

    #[test]
    fn an_action_straddling_the_new_year_is_in_it() {
        let found = findings_of(json!([
            {"feuille": "Actions", "cellule": "E8", "valeur": {"date": "2024-12-20"}},
            {"feuille": "Actions", "cellule": "F8", "valeur": {"date": "2025-01-10"}}
        ]));
        assert_eq!(found, []);
    }
}
