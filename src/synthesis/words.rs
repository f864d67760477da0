//! Numbers, changes and dates as a reader of either language writes them: « 14 250 » and
//! « +8 % » in French (narrow no-break spaces), “14,250” and “+8%” in English.

use chrono::{Datelike, NaiveDate};

use crate::i18n::Lang;

/// The narrow no-break space of French typography (thousands, before %).
const NNBSP: char = '\u{202F}';

/// A whole number with its thousands grouped.
pub(super) fn int(v: i64, lang: Lang) -> String {
    let digits = v.unsigned_abs().to_string();
    let sep = match lang {
        Lang::Fr => NNBSP,
        Lang::En => ',',
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if v < 0 {
        format!("−{out}")
    } else {
        out
    }
}

/// The change from `before` to `now` in whole percent, rounded half away from zero as the
/// workbook's « +0 % » format shows it; `None` when `before` is 0 (no percentage of nothing).
pub(super) fn percent(before: i64, now: i64) -> Option<i64> {
    (before > 0).then(|| ((now - before) as f64 / before as f64 * 100.0).round() as i64)
}

/// « +8 % », « −3 % », « 0 % ».
pub(super) fn signed_percent(p: i64, lang: Lang) -> String {
    let sign = match p.signum() {
        1 => "+",
        -1 => "−",
        _ => "",
    };
    match lang {
        Lang::Fr => format!("{sign}{}{NNBSP}%", p.unsigned_abs()),
        Lang::En => format!("{sign}{}%", p.unsigned_abs()),
    }
}

/// « 28 mars 2026 », “28 March 2026”.
pub(super) fn date(d: NaiveDate, lang: Lang) -> String {
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = d.month0() as usize;
    match lang {
        Lang::Fr if d.day() == 1 => format!("1er {} {}", FR[month], d.year()),
        Lang::Fr => format!("{} {} {}", d.day(), FR[month], d.year()),
        Lang::En => format!("{} {} {}", d.day(), EN[month], d.year()),
    }
}

/// « A, B et C », “A, B and C”.
pub(super) fn list(items: &[String], lang: Lang) -> String {
    let and = match lang {
        Lang::Fr => " et ",
        Lang::En => " and ",
    };
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}{and}{last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_both_languages() {
        assert_eq!(int(0, Lang::Fr), "0");
        assert_eq!(int(999, Lang::Fr), "999");
        assert_eq!(int(14250, Lang::Fr), "14\u{202F}250");
        assert_eq!(int(1234567, Lang::En), "1,234,567");
        assert_eq!(int(-1200, Lang::En), "−1,200");
    }

    #[test]
    fn changes_round_as_the_workbook_shows_them() {
        assert_eq!(percent(200, 217), Some(9)); // 8.5 % → 9 %, half away from zero
        assert_eq!(percent(200, 183), Some(-9));
        assert_eq!(percent(0, 12), None);
        assert_eq!(signed_percent(8, Lang::Fr), "+8\u{202F}%");
        assert_eq!(signed_percent(-3, Lang::En), "−3%");
        assert_eq!(signed_percent(0, Lang::En), "0%");
    }

    #[test]
    fn dates_and_lists() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(date(d, Lang::Fr), "1er mars 2026");
        assert_eq!(date(d, Lang::En), "1 March 2026");
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(list(&l(&["A", "B", "C"]), Lang::Fr), "A, B et C");
        assert_eq!(list(&l(&["A"]), Lang::En), "A");
        assert_eq!(list(&l(&[]), Lang::En), "");
    }
}
