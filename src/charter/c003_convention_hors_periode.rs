//! C003 convention-hors-periode: the convention is dated after the end of the bilan year, or
//! after the bilan was sent.

use chrono::NaiveDate;

use super::view::fr;
use super::Context;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::rules::Code;

pub(super) fn check(cx: &Context<'_>, findings: &mut Vec<Finding>) {
    let (Some(v), Some(form)) = (&cx.ident, cx.form) else {
        return;
    };
    let Some(signed) = v.date(form, "date_signature_convention") else {
        return;
    };
    let end_of_year = cx.year.and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31));
    let message = match (end_of_year, v.date(form, "date_transmission")) {
        (Some(end), _) if signed > end => Msg::new(format!(
            "la convention est datée du {}, après la fin de l'année du bilan ({}) : le bilan ne peut porter que sur une période couverte par une convention signée ; vérifiez la date",
            fr(signed),
            fr(end)
        ), format!("the convention is dated {}, after the end of the bilan year ({}): a bilan can only cover a period under a signed convention; check the date",
            fr(signed),
            fr(end)
        )),
        (_, Some(t)) if signed > t => Msg::new(format!(
            "la convention est datée du {}, après la transmission du bilan ({}) : vérifiez les deux dates",
            fr(signed),
            fr(t)
        ), format!("the convention is dated {}, after the bilan was sent ({}): check both dates",
            fr(signed),
            fr(t)
        )),
        _ => return,
    };
    findings.extend(v.finding(Code::C003, form, "date_signature_convention", message));
}

#[cfg(test)]
mod tests {
    use crate::charter::findings_of;
    use crate::rules::Code;
    use serde_json::json;

    #[test]
    fn signed_after_the_year() {
        let found = findings_of(
            json!([{"feuille": "Identification", "cellule": "B6", "valeur": {"date": "2026-01-12"}}]),
        );
        assert_eq!(found, [(Code::C003, "Identification!B6".to_string())]);
    }

    #[test]
    fn signed_in_the_year_before_sending() {
        let found = findings_of(
            json!([{"feuille": "Identification", "cellule": "B6", "valeur": {"date": "2025-12-31"}}]),
        );
        assert_eq!(found, []);
    }
}
