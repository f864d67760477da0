//! The lenient value reader (contrat §3 and §7.3): turns a raw cell into the typed value its
//! column asks for, or says why it cannot (V002, or V005 for a real date outside 2000–2099).
//! It never guesses: a two-digit year, `12,5` in an integer column or `peut-être` in a Oui/Non
//! column are type errors. The JSON Schema only ever sees what this module produced.

use crate::rules::Code;

use chrono::{Datelike, NaiveDate};

pub(crate) use crate::bilan::Typed;
use crate::i18n::Msg;
use crate::norm::{clean_text, norm};
use crate::read::{shortest, CellValue};
use crate::schema::{Column, ColumnKind};

/// Why a cell cannot be read as its column asks: the rule code and the French message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadProblem {
    pub code: Code,
    pub message: Msg,
}

fn v002(message: Msg) -> ReadProblem {
    ReadProblem {
        code: Code::V002,
        message,
    }
}

/// Reads `value` for `column`. `Ok(None)` means the cell is absent (empty or all spaces).
pub(crate) fn read(
    column: &Column,
    value: &CellValue,
    is_1904: bool,
) -> Result<Option<Typed>, ReadProblem> {
    let label = &column.label;
    match value {
        CellValue::Empty => {
            return if column.required {
                Err(v002(Msg::new(format!(
                    "« {label} » est calculée par une formule qui n'a pas de valeur enregistrée : ouvrez le fichier dans votre tableur, recalculez puis enregistrez"
                ), format!("“{label}” is computed by a formula that has no saved value: open the file in your spreadsheet application, recalculate, then save"
                ))))
            } else {
                Ok(None)
            }
        }
        CellValue::Error(e) => {
            return Err(v002(Msg::new(format!(
                "la formule de « {label} » renvoie l'erreur {e} : corrigez la formule ou saisissez la valeur"
            ), format!("the formula of “{label}” returns the error {e}: correct the formula or type the value"
            ))))
        }
        CellValue::Text(t) if t.chars().all(|c| c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}') => return Ok(None),
        _ => {}
    }
    match column.kind {
        ColumnKind::Text => read_text(column, value).map(Some),
        ColumnKind::Enum => read_text(column, value).map(|t| match t {
            Typed::Text(s) => Some(Typed::Text(canonical(s, column))),
            other => Some(other),
        }),
        ColumnKind::List => read_list(column, value).map(Some),
        ColumnKind::Integer => read_integer(label, value).map(Some),
        ColumnKind::Number => read_number(label, value).map(Some),
        ColumnKind::OuiNon => read_oui_non(label, value).map(Some),
        ColumnKind::Date => read_date(label, value, is_1904).map(Some),
    }
}

/// The canonical spelling of `s` among the column's values, or `s` itself when none matches.
pub(crate) fn canonical<S: AsRef<str> + From<String>>(s: S, column: &Column) -> S {
    if column.values.iter().any(|v| v == s.as_ref()) {
        return s;
    }
    let n = norm(s.as_ref());
    match column.values_norm.iter().position(|v| *v == n) {
        Some(i) => S::from(column.values[i].clone()),
        None => s,
    }
}

fn read_text(column: &Column, value: &CellValue) -> Result<Typed, ReadProblem> {
    if let CellValue::Text(t) = value {
        // Most cells: already clean, nothing to strip; the workbook's string is kept as is.
        if column.ignored.is_empty() && crate::norm::is_clean(t) {
            return Ok(Typed::Text(t.clone()));
        }
    }
    let mut text = match value {
        CellValue::Text(t) => clean_text(t),
        CellValue::Int(i) => i.to_string(),
        CellValue::Float(f) => shortest(*f),
        CellValue::Bool(b) => if *b { "Oui" } else { "Non" }.to_string(),
        CellValue::Date(..) => {
            return Err(v002(Msg::new(format!(
                "« {} » attend du texte mais la cellule contient une date ({}) : saisissez le texte, pas une date (format de cellule « Texte »)",
                column.label,
                value.display().unwrap_or_default()
            ), format!("“{}” expects text but the cell holds a date ({}): type the text, not a date (cell format “Text”)",
                column.label,
                value.display().unwrap_or_default()
            ))))
        }
        CellValue::Duration(d) => d.clone(),
        CellValue::Empty | CellValue::Error(_) => String::new(),
    };
    let is_number = matches!(value, CellValue::Int(_) | CellValue::Float(_));
    if let Some(digits) = column.digits {
        if is_number && text.len() + 1 == digits && text.bytes().all(|b| b.is_ascii_digit()) {
            text.insert(0, '0');
        }
    }
    if !column.ignored.is_empty() {
        let strip_spaces = column.ignored.contains(&' ');
        text.retain(|c| !(column.ignored.contains(&c) || strip_spaces && c.is_whitespace()));
    }
    Ok(Typed::Text(text.into()))
}

fn read_list(column: &Column, value: &CellValue) -> Result<Typed, ReadProblem> {
    let text = match value {
        CellValue::Text(t) => t.to_string(),
        other => other.display().unwrap_or_default(),
    };
    let mut items: Vec<String> = Vec::new();
    for part in text.split(|c: char| {
        column.separators.contains(&c) || (c == '\r' && column.separators.contains(&'\n'))
    }) {
        let item = clean_text(part);
        if item.is_empty() {
            continue;
        }
        let item = if column.values.is_empty() {
            item
        } else {
            canonical(item, column)
        };
        items.push(item);
    }
    // Repeated items are ignored: canonical values compare as they are, free text normalised.
    if items.len() > 1 && !column.values.is_empty() {
        let mut seen: Vec<String> = Vec::with_capacity(items.len());
        items.retain(|item| {
            let new = !seen.contains(item);
            seen.push(item.clone());
            new
        });
    } else if items.len() > 1 {
        let mut seen: Vec<String> = Vec::with_capacity(items.len());
        items.retain(|item| {
            let n = norm(item);
            let new = !seen.contains(&n);
            seen.push(n);
            new
        });
    }
    Ok(Typed::List(items.into()))
}

fn read_integer(label: &str, value: &CellValue) -> Result<Typed, ReadProblem> {
    let not_integer = |shown: String| {
        v002(Msg::new(format!(
            "« {shown} » n'est pas un nombre entier : « {label} » attend un nombre entier, sans décimale ni texte"
        ), format!("“{shown}” is not a whole number: “{label}” expects a whole number, with no decimals and no text"
        )))
    };
    match value {
        CellValue::Int(i) => Ok(Typed::Int(*i)),
        CellValue::Float(f) => {
            let r = f.round();
            if (f - r).abs() <= 1e-9 && r.abs() < 9e15 {
                Ok(Typed::Int(r as i64))
            } else {
                Err(not_integer(shortest(*f)))
            }
        }
        CellValue::Text(t) => {
            let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            let digits = compact.strip_prefix(['-', '+']).unwrap_or(&compact);
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                compact
                    .parse::<i64>()
                    .map(Typed::Int)
                    .map_err(|_| not_integer(clean_text(t)))
            } else {
                Err(not_integer(clean_text(t)))
            }
        }
        CellValue::Bool(_) | CellValue::Date(..) | CellValue::Duration(_) => {
            Err(not_integer(value.display().unwrap_or_default()))
        }
        CellValue::Empty | CellValue::Error(_) => Err(not_integer(String::new())),
    }
}

/// A decimal number as French and English spreadsheets write it: a number cell, `0,5`,
/// `1 200,50` (spaces, no-break spaces), `1200.5`, a sign in front. Never guessed: `1.200,50`
/// (both separators), `12 %`, `1e3` or a text are type errors.
fn read_number(label: &str, value: &CellValue) -> Result<Typed, ReadProblem> {
    let not_number = |shown: String| {
        v002(Msg::new(format!(
            "« {shown} » n'est pas un nombre : « {label} » attend un nombre, les décimales après une virgule (par exemple 1 200,50)"
        ), format!("“{shown}” is not a number: “{label}” expects a number, decimals after a comma or a point (for example 1 200,50)"
        )))
    };
    match value {
        CellValue::Int(i) => Ok(Typed::Num(*i as f64)),
        CellValue::Float(f) if f.is_finite() => Ok(Typed::Num(*f)),
        CellValue::Text(t) => parse_decimal(t)
            .map(Typed::Num)
            .ok_or_else(|| not_number(clean_text(t))),
        other => Err(not_number(other.display().unwrap_or_default())),
    }
}

/// `0,5`, `-1 200,50`, `1200.5` → the number; `None` for anything else.
pub(crate) fn parse_decimal(text: &str) -> Option<f64> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.contains(',') && compact.contains('.') {
        return None;
    }
    let compact = compact.replace(',', ".");
    let digits = compact.strip_prefix(['-', '+']).unwrap_or(&compact);
    let (whole, decimals) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(decimals) {
        return None;
    }
    if digits.ends_with('.') {
        return None;
    }
    compact.parse::<f64>().ok().filter(|f| f.is_finite())
}

fn read_oui_non(label: &str, value: &CellValue) -> Result<Typed, ReadProblem> {
    let parsed = match value {
        CellValue::Bool(b) => Some(*b),
        CellValue::Int(1) => Some(true),
        CellValue::Int(0) => Some(false),
        CellValue::Float(f) if *f == 1.0 => Some(true),
        CellValue::Float(f) if *f == 0.0 => Some(false),
        CellValue::Text(t) => {
            let word = t.trim();
            let is = |w: &str| word.eq_ignore_ascii_case(w);
            if is("oui") || is("o") || is("true") || is("1") {
                Some(true)
            } else if is("non") || is("n") || is("false") || is("0") {
                Some(false)
            } else {
                match norm(t).as_str() {
                    "oui" | "o" | "true" | "1" => Some(true),
                    "non" | "n" | "false" | "0" => Some(false),
                    _ => None,
                }
            }
        }
        _ => None,
    };
    parsed.map(Typed::Bool).ok_or_else(|| {
        v002(Msg::new(
            format!(
                "« {} » n'est pas Oui ou Non : « {label} » attend « Oui » ou « Non »",
                value.display().unwrap_or_default()
            ),
            format!(
                "“{}” is not Oui or Non: “{label}” expects “Oui” (yes) or “Non” (no)",
                value.display().unwrap_or_default()
            ),
        ))
    })
}

const DATE_YEARS: std::ops::RangeInclusive<i32> = 2000..=2099;

fn read_date(label: &str, value: &CellValue, is_1904: bool) -> Result<Typed, ReadProblem> {
    let out_of_range = |d: NaiveDate| {
        ReadProblem {
        code: Code::V005,
        message: Msg::new(format!(
            "la date {} de « {label} » est hors de la période permise (2000 à 2099) : vérifiez l'année",
            d.format("%d/%m/%Y")
        ), format!("the date {} of “{label}” is outside the allowed period (2000 to 2099): check the year",
            d.format("%d/%m/%Y")
        )),
    }
    };
    match value {
        CellValue::Date(Some(d), _) => {
            if DATE_YEARS.contains(&d.year()) {
                Ok(Typed::Date(*d))
            } else {
                Err(out_of_range(*d))
            }
        }
        CellValue::Int(_) | CellValue::Float(_) => {
            let serial = match value {
                CellValue::Int(i) => *i as f64,
                CellValue::Float(f) => *f,
                _ => 0.0,
            };
            match serial_to_date(serial, is_1904) {
                Some(d) if DATE_YEARS.contains(&d.year()) => Ok(Typed::Date(d)),
                _ => Err(v002(Msg::new(format!(
                    "{} n'est pas une date : saisissez une date complète dans « {label} », par exemple 14/03/2025",
                    shortest(serial)
                ), format!("{} is not a date: type a full date in “{label}”, for example 14/03/2025",
                    shortest(serial)
                )))),
            }
        }
        CellValue::Text(t) => {
            let text = clean_text(t);
            match parse_text_date(&text) {
                Some(d) if DATE_YEARS.contains(&d.year()) => Ok(Typed::Date(d)),
                Some(d) => Err(out_of_range(d)),
                None => Err(v002(Msg::new(format!(
                    "« {text} » n'est pas une date lisible : saisissez-la dans « {label} » sous la forme jj/mm/aaaa (par exemple 14/03/2025)"
                ), format!("“{text}” is not a readable date: type it in “{label}” as dd/mm/yyyy (for example 14/03/2025)"
                )))),
            }
        }
        other => Err(v002(Msg::new(
            format!(
            "« {} » n'est pas une date : saisissez-la dans « {label} » sous la forme jj/mm/aaaa",
            other.display().unwrap_or_default()
        ),
            format!(
                "“{}” is not a date: type it in “{label}” as dd/mm/yyyy",
                other.display().unwrap_or_default()
            ),
        ))),
    }
}

/// An Excel serial date, in the 1900 or the 1904 system.
pub(crate) fn serial_to_date(serial: f64, is_1904: bool) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let epoch = if is_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)?
    } else if days >= 61 {
        // Excel counts a 29 February 1900 that never was.
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    };
    epoch.checked_add_signed(chrono::Duration::days(days))
}

/// ISO `2025-03-14` (a time part may follow) or French `14/03/2025`; nothing else.
pub(crate) fn parse_text_date(text: &str) -> Option<NaiveDate> {
    let date_part = text.split([' ', 'T']).next().unwrap_or(text);
    if let Some((y, rest)) = date_part.split_once('-') {
        let (m, d) = rest.split_once('-')?;
        if y.len() == 4 && (1..=2).contains(&m.len()) && (1..=2).contains(&d.len()) {
            return NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        }
        return None;
    }
    let mut parts = date_part.split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() != 4
        || !(1..=2).contains(&d.len())
        || !(1..=2).contains(&m.len())
    {
        return None;
    }
    if ![d, m, y]
        .iter()
        .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::SheetKind;

    fn col(sheet: SheetKind, key: &str) -> Column {
        crate::registry::Registry::embedded()
            .schemas()
            .sheet(sheet)
            .column(key)
            .unwrap()
            .1
            .clone()
    }

    fn date(y: i32, m: u32, d: u32) -> Typed {
        Typed::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    fn text(s: &str) -> CellValue {
        CellValue::Text(s.into())
    }

    #[test]
    fn dates_every_accepted_way() {
        let c = col(SheetKind::Actions, "date_debut");
        assert_eq!(
            read(&c, &text("14/03/2025"), false),
            Ok(Some(date(2025, 3, 14)))
        );
        assert_eq!(
            read(&c, &text("2025-03-14"), false),
            Ok(Some(date(2025, 3, 14)))
        );
        assert_eq!(
            read(&c, &text(" 4/3/2025 "), false),
            Ok(Some(date(2025, 3, 4)))
        );
        assert_eq!(
            read(&c, &CellValue::Float(45730.0), false),
            Ok(Some(date(2025, 3, 14)))
        );
        assert_eq!(
            read(&c, &CellValue::Int(44268), true),
            Ok(Some(date(2025, 3, 14)))
        );
        let d = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
        assert_eq!(
            read(&c, &CellValue::Date(Some(d), 45730.0), false),
            Ok(Some(date(2025, 3, 14)))
        );
    }

    #[test]
    fn dates_never_guessed() {
        let c = col(SheetKind::Actions, "date_debut");
        for bad in [
            text("14/03/25"),
            text("mars 2025"),
            text("2025/03/14"),
            CellValue::Int(2024),
            CellValue::Bool(true),
        ] {
            assert_eq!(
                read(&c, &bad, false).unwrap_err().code,
                Code::V002,
                "{bad:?}"
            );
        }
        let msg = read(&c, &CellValue::Int(2024), false).unwrap_err().message;
        assert!(msg.fr.starts_with("2024 n'est pas une date"), "{msg}");
        assert!(msg.en.starts_with("2024 is not a date"), "{msg}");
        let old = NaiveDate::from_ymd_opt(1925, 3, 14).unwrap();
        assert_eq!(
            read(&c, &CellValue::Date(Some(old), 0.0), false)
                .unwrap_err()
                .code,
            Code::V005
        );
    }

    #[test]
    fn integers() {
        let c = col(SheetKind::Actions, "participants");
        assert_eq!(read(&c, &text("1 200"), false), Ok(Some(Typed::Int(1200))));
        assert_eq!(
            read(&c, &text("1\u{202f}200"), false),
            Ok(Some(Typed::Int(1200)))
        );
        assert_eq!(
            read(&c, &text("1\u{a0}200"), false),
            Ok(Some(Typed::Int(1200)))
        );
        assert_eq!(
            read(&c, &CellValue::Float(12.000000000001), false),
            Ok(Some(Typed::Int(12)))
        );
        assert_eq!(read(&c, &text("-3"), false), Ok(Some(Typed::Int(-3))));
        for bad in [
            text("12.5"),
            text("12,5"),
            CellValue::Float(12.5),
            CellValue::Bool(true),
            text("douze"),
        ] {
            assert_eq!(
                read(&c, &bad, false).unwrap_err().code,
                Code::V002,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn decimals_the_french_way_and_the_english_way() {
        for (text, n) in [
            ("0,5", 0.5),
            ("1 200,50", 1200.5),
            ("1\u{202f}200,50", 1200.5),
            ("1200.5", 1200.5),
            ("-3", -3.0),
            ("+0,75", 0.75),
        ] {
            assert_eq!(parse_decimal(text), Some(n), "{text}");
        }
        for bad in ["1.200,50", "12 %", "1e3", "douze", ",5", "5,", "", "-"] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn oui_non_variants() {
        let c = col(SheetKind::Actions, "outil_cree");
        for yes in [
            text("Oui"),
            text("OUI "),
            text("o"),
            text("true"),
            text("1"),
            CellValue::Bool(true),
            CellValue::Int(1),
            CellValue::Float(1.0),
        ] {
            assert_eq!(
                read(&c, &yes, false),
                Ok(Some(Typed::Bool(true))),
                "{yes:?}"
            );
        }
        for no in [
            text("non"),
            text("N"),
            text("FALSE"),
            text("0"),
            CellValue::Bool(false),
            CellValue::Int(0),
        ] {
            assert_eq!(read(&c, &no, false), Ok(Some(Typed::Bool(false))), "{no:?}");
        }
        assert_eq!(
            read(&c, &text("peut-être"), false).unwrap_err().code,
            Code::V002
        );
    }

    #[test]
    fn enums_are_canonicalised() {
        let c = col(SheetKind::Structures, "type");
        assert_eq!(
            read(&c, &text("mission  locale"), false),
            Ok(Some(Typed::Text("Mission Locale".into())))
        );
        assert_eq!(
            read(&c, &text("ETABLISSEMENT SCOLAIRE"), false),
            Ok(Some(Typed::Text("Établissement scolaire".into())))
        );
        assert_eq!(
            read(&c, &text("chambre d’agriculture"), false),
            Ok(Some(Typed::Text("Chambre d'agriculture".into())))
        );
        assert_eq!(
            read(&c, &text("Mision Locale"), false),
            Ok(Some(Typed::Text("Mision Locale".into())))
        );
    }

    #[test]
    fn text_columns_restore_leading_zeros_and_strip_separators() {
        let tel = col(SheetKind::Coordination, "telephone");
        assert_eq!(
            read(&tel, &CellValue::Float(254609685.0), false),
            Ok(Some(Typed::Text("0254609685".into())))
        );
        assert_eq!(
            read(&tel, &text("02.54.60-96 85"), false),
            Ok(Some(Typed::Text("0254609685".into())))
        );
        let siret = col(SheetKind::Structures, "siret");
        assert_eq!(
            read(&siret, &text("408 972 230 00028"), false),
            Ok(Some(Typed::Text("40897223000028".into())))
        );
        assert_eq!(
            read(&siret, &CellValue::Float(40897223000028.0), false),
            Ok(Some(Typed::Text("40897223000028".into())))
        );
        let cp = col(SheetKind::Structures, "code_postal");
        assert_eq!(
            read(&cp, &CellValue::Int(6000), false),
            Ok(Some(Typed::Text("06000".into())))
        );
        let dep = col(SheetKind::Identification, "departement");
        assert_eq!(
            read(&dep, &CellValue::Float(36.0), false),
            Ok(Some(Typed::Text("36".into())))
        );
        let nom = col(SheetKind::Structures, "nom");
        let d = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
        assert_eq!(
            read(&nom, &CellValue::Date(Some(d), 1.0), false)
                .unwrap_err()
                .code,
            Code::V002
        );
    }

    #[test]
    fn lists_split_and_dedupe() {
        let publics = col(SheetKind::Actions, "publics");
        assert_eq!(
            read(&publics, &text("scolaires, Etudiants;\nscolaires;;"), false),
            Ok(Some(Typed::List(
                vec!["Scolaires".into(), "Étudiants".into()].into()
            )))
        );
        let partners = col(SheetKind::Actions, "partenaires");
        assert_eq!(
            read(
                &partners,
                &text("CIO de Châteauroux ; Ohé Prométhée Indre, Cap emploi"),
                false
            ),
            Ok(Some(Typed::List(
                vec![
                    "CIO de Châteauroux".into(),
                    "Ohé Prométhée Indre, Cap emploi".into()
                ]
                .into()
            )))
        );
    }

    #[test]
    fn formulas_without_value_or_in_error() {
        let required = col(SheetKind::Actions, "participants");
        let optional = col(SheetKind::Actions, "femmes");
        assert!(read(&required, &CellValue::Empty, false)
            .unwrap_err()
            .message
            .contains("recalculez"));
        assert_eq!(read(&optional, &CellValue::Empty, false), Ok(None));
        assert!(read(&optional, &CellValue::Error("#N/A".into()), false)
            .unwrap_err()
            .message
            .contains("#N/A"));
    }
}
