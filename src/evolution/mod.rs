//! Year over year (docs/region/annee-precedente.md): a bilan read against the year before. What a network's
//! previous tableau de bord says is reduced to a [`Summary`] (its six figures, member
//! structures, coordinators, convention date and Accueil lines: a few hundred bytes, never
//! the workbook), gathered by network code in [`Previous`] ([`previous`]); the T rules
//! ([`rules`]) compare each file of year N with it, and the `Évolution` sheet of the regional
//! workbook and the synthesis show the figures side by side ([`Table`]).

pub(crate) mod previous;
pub(crate) mod rules;

use chrono::NaiveDate;

use crate::i18n::Msg;
use crate::norm::norm;
use crate::read::sheet::Bilan;
use crate::read::values::Typed;
use crate::schema::{Schemas, SheetKind};

pub(crate) use previous::{Previous, PreviousError, Prior};

/// One figure compared year over year: its name, the sheet it comes from, and the column
/// summed (`None`: the sheet's rows are counted).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Figure {
    /// « premiers accueils », in a sentence (French, English).
    pub name: (&'static str, &'static str),
    /// « Premiers accueils », as a column title.
    pub title: &'static str,
    pub sheet: SheetKind,
    pub sum: Option<&'static str>,
}

impl Figure {
    /// « Premiers accueils », “First receptions”: the title in `lang`.
    pub(crate) fn title_in(&self, lang: crate::i18n::Lang) -> String {
        match lang {
            crate::i18n::Lang::Fr => self.title.to_string(),
            crate::i18n::Lang::En => {
                let mut c = self.name.1.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            }
        }
    }
}

/// The six figures compared year over year (docs/region/annee-precedente.md), in their order.
pub(crate) const FIGURES: [Figure; 6] = [
    Figure {
        name: ("structures membres", "member structures"),
        title: "Structures membres",
        sheet: SheetKind::Structures,
        sum: None,
    },
    Figure {
        name: ("coordinateurs", "coordinators"),
        title: "Coordinateurs",
        sheet: SheetKind::Coordination,
        sum: None,
    },
    Figure {
        name: ("actions", "actions"),
        title: "Actions",
        sheet: SheetKind::Actions,
        sum: None,
    },
    Figure {
        name: ("participants", "participants"),
        title: "Participants",
        sheet: SheetKind::Actions,
        sum: Some("participants"),
    },
    Figure {
        name: ("premiers accueils", "first receptions"),
        title: "Premiers accueils",
        sheet: SheetKind::Accueil,
        sum: Some("accueils"),
    },
    Figure {
        name: ("professionnels formés", "professionals trained"),
        title: "Professionnels formés",
        sheet: SheetKind::Professionnalisation,
        sum: Some("professionnels"),
    },
];

/// The six figures of a bilan (valid values only, as in `Synthèse`), from the tallies of its
/// sheets (their rows need not be kept); `None` for a figure whose sheet or column is missing.
pub(crate) fn figures(bilan: &Bilan, schemas: &Schemas) -> [Option<i64>; 6] {
    FIGURES.map(|f| {
        let sheet = bilan.sheet(f.sheet)?;
        Some(match f.sum {
            None => sheet.totals.rows as i64,
            // A column the file does not have (its version lacks it, or S002) gives no figure.
            Some(key) => {
                let i = schemas.sheet(f.sheet).index(key);
                if !sheet.has_column(i) {
                    return None;
                }
                sheet.totals.sum(i)
            }
        })
    })
}

/// What the year-over-year rules need of a previous tableau de bord.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub year: Option<i32>,
    pub figures: [Option<i64>; 6],
    /// Member structures: (normalised name, name as written), in sheet order.
    pub structures: Vec<(String, String)>,
    /// Coordinators: (normalised « Nom Prénom », « Prénom Nom » as written).
    pub coordinators: Vec<(String, String)>,
    pub convention: Option<NaiveDate>,
    /// Accueil lines: (normalised structure, normalised public) → first receptions.
    pub accueil: Vec<((String, String), i64)>,
}

impl Summary {
    /// The summary of a bilan.
    pub fn of(bilan: &Bilan, schemas: &Schemas) -> Summary {
        let text = |kind: SheetKind, row: &crate::read::sheet::Row, key: &str| {
            row.get(schemas.sheet(kind).index(key))
                .and_then(Typed::as_text)
                .map(str::to_string)
        };
        let rows = |kind: SheetKind| bilan.sheet(kind).map_or(&[][..], |s| &s.rows[..]);
        let structures = rows(SheetKind::Structures)
            .iter()
            .filter_map(|r| text(SheetKind::Structures, r, "nom"))
            .map(|n| (norm(&n), n))
            .collect();
        let coordinators = rows(SheetKind::Coordination)
            .iter()
            .filter_map(|r| person(r, schemas))
            .collect();
        let ident = schemas.sheet(SheetKind::Identification);
        let form = bilan.identification();
        let convention = form
            .and_then(|f| f.get(ident.index("date_signature_convention")))
            .and_then(Typed::as_date);
        let year = form
            .and_then(|f| f.get(ident.index("annee")))
            .and_then(Typed::as_int)
            .and_then(|y| i32::try_from(y).ok());
        let accueils = schemas.sheet(SheetKind::Accueil).index("accueils");
        let accueil = rows(SheetKind::Accueil)
            .iter()
            .filter_map(|r| {
                let key = accueil_key(r, schemas)?;
                Some((key, r.get(accueils).and_then(Typed::as_int)?))
            })
            .collect();
        Summary {
            year,
            figures: figures(bilan, schemas),
            structures,
            coordinators,
            convention,
            accueil,
        }
    }
}

/// A coordinator: (normalised « Nom Prénom », « Prénom Nom » as written).
pub(crate) fn person(row: &crate::read::sheet::Row, schemas: &Schemas) -> Option<(String, String)> {
    let schema = schemas.sheet(SheetKind::Coordination);
    let get = |key: &str| row.get(schema.index(key)).and_then(Typed::as_text);
    let nom = get("nom")?;
    let prenom = get("prenom").unwrap_or_default();
    Some((
        norm(&format!("{nom} {prenom}")),
        format!("{prenom} {nom}").trim().to_string(),
    ))
}

/// The key of an Accueil line: (normalised structure, normalised public).
pub(crate) fn accueil_key(
    row: &crate::read::sheet::Row,
    schemas: &Schemas,
) -> Option<(String, String)> {
    let schema = schemas.sheet(SheetKind::Accueil);
    let get = |key: &str| row.get(schema.index(key)).and_then(Typed::as_text);
    Some((norm(get("structure")?), norm(get("public")?)))
}

/// A number as a reader of `lang` writes it: 12 500 (a no-break space) or 12,500.
pub(crate) fn grouped(n: i64, lang: crate::i18n::Lang) -> String {
    let digits = n.unsigned_abs().to_string();
    let separator = match lang {
        crate::i18n::Lang::Fr => '\u{a0}',
        crate::i18n::Lang::En => ',',
    };
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// How `now` compares with `before`, in words: « soit 10 fois plus », « soit 3,4 fois
/// moins », or from or to nothing.
pub(crate) fn ratio_in_words(before: i64, now: i64) -> Msg {
    if before == 0 {
        return Msg::new("alors qu'il n'y en avait aucun", "where there were none");
    }
    if now == 0 {
        return Msg::new("soit plus aucun", "that is, none left");
    }
    let (ratio, more) = if now >= before {
        (now as f64 / before as f64, true)
    } else {
        (before as f64 / now as f64, false)
    };
    let shown = if ratio >= 10.0 {
        format!("{}", ratio.round() as i64)
    } else {
        format!("{:.1}", ratio).trim_end_matches(".0").to_string()
    };
    let fr = shown.replace('.', ",");
    match more {
        true => crate::msg!("soit {fr} fois plus", "that is, {shown} times more"),
        false => crate::msg!("soit {fr} fois moins", "that is, {shown} times less"),
    }
}

/// Whether `before` and `now` differ by at least `factor` (either way), the larger being at
/// least `floor`. A zero the year before and a value now (or the reverse) counts when the
/// larger value reaches the floor.
pub(crate) fn strong_change(before: i64, now: i64, factor: f64, floor: i64) -> bool {
    let (low, high) = (before.min(now), before.max(now));
    if high < floor || high == 0 {
        return false;
    }
    low <= 0 || high as f64 >= factor * low as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn thresholds_just_under_and_over() {
        // Factor 3, floor 30.
        assert!(strong_change(100, 300, 3.0, 30));
        assert!(!strong_change(100, 299, 3.0, 30));
        assert!(strong_change(300, 100, 3.0, 30));
        assert!(!strong_change(299, 100, 3.0, 30));
        // Under the floor nothing speaks, however large the ratio.
        assert!(!strong_change(2, 29, 3.0, 30));
        assert!(strong_change(2, 30, 3.0, 30));
        // Zero to non-zero, and back, count above the floor only.
        assert!(strong_change(0, 30, 3.0, 30));
        assert!(!strong_change(0, 29, 3.0, 30));
        assert!(strong_change(45, 0, 3.0, 30));
        assert!(!strong_change(0, 0, 3.0, 30));
    }

    #[test]
    fn ratios_in_words() {
        assert_eq!(&*ratio_in_words(1250, 12500).fr, "soit 10 fois plus");
        assert_eq!(&*ratio_in_words(100, 340).fr, "soit 3,4 fois plus");
        assert_eq!(&*ratio_in_words(300, 100).en, "that is, 3 times less");
        assert_eq!(&*ratio_in_words(0, 40).fr, "alors qu'il n'y en avait aucun");
        assert_eq!(&*ratio_in_words(40, 0).fr, "soit plus aucun");
    }

    #[test]
    fn numbers_grouped() {
        assert_eq!(grouped(12500, Lang::Fr), "12\u{a0}500");
        assert_eq!(grouped(1250, Lang::En), "1,250");
        assert_eq!(grouped(30, Lang::Fr), "30");
    }
}
