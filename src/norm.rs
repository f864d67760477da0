//! The one normalisation used for every comparison (contrat §7.1) and the "vouliez-vous dire"
//! suggestion (contrat §7.5). Everything that matches a header, a label, a sheet name, an enum
//! value, Oui/Non or a structure name goes through [`norm`]; nothing else compares text.

use std::cell::RefCell;
use std::hash::{Hash, Hasher};

use rustc_hash::FxHashMap;

/// Normalises `s` for comparison: NFKD, accents dropped, lowercase, typographic apostrophes
/// made straight, every run of white space (non-breaking and thin spaces, line breaks
/// included) made one space, trimmed, and a trailing `:` or `*` dropped.
pub(crate) fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let push = |out: &mut String, c: char, pending_space: &mut bool| {
        if *pending_space {
            out.push(' ');
            *pending_space = false;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    };
    for c in s.chars() {
        let c = match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}' => '\'',
            c => c,
        };
        if c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}' {
            pending_space = !out.is_empty();
        } else if c.is_ascii() {
            push(&mut out, c, &mut pending_space);
        } else {
            // Only non-ASCII characters need the compatibility decomposition (NFKD), from
            // which the combining marks (accents) are dropped.
            let mut decomposed = [None; 8];
            let mut n = 0;
            unicode_normalization::char::decompose_compatible(c, |d| {
                if n < decomposed.len() {
                    decomposed[n] = Some(d);
                }
                n += 1;
            });
            for d in decomposed.into_iter().flatten() {
                if unicode_normalization::char::is_combining_mark(d) {
                    continue;
                }
                if d.is_whitespace() {
                    pending_space = !out.is_empty();
                } else {
                    push(&mut out, d, &mut pending_space);
                }
            }
        }
    }
    while out.ends_with(':') || out.ends_with('*') || out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Cleans text as it is read (contrat §3.1): trimmed, inner runs of any white space collapsed to
/// one space. Unlike [`norm`], case and accents are kept: this is what the user typed.
pub(crate) fn clean_text(s: &str) -> String {
    if is_clean(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split(is_space) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// White space as [`clean_text`] sees it (zero-width space and BOM included).
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}'
}

/// Whether [`clean_text`] would give `s` back unchanged: one pass over the bytes, no
/// allocation (most cells are already clean).
pub(crate) fn is_clean(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut previous_space = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            // The ASCII white space of `char::is_whitespace`: tab to carriage return, space.
            let space = matches!(b, b'\t'..=b'\r' | b' ');
            if space && (previous_space || b != b' ') {
                return false;
            }
            previous_space = space;
            i += 1;
        } else {
            let c = s[i..].chars().next().unwrap_or_default();
            if is_space(c) {
                return false;
            }
            previous_space = false;
            i += c.len_utf8();
        }
    }
    !previous_space || s.is_empty()
}

/// The closest candidate to `value`, by Levenshtein distance on normalised forms, when it is
/// close enough: distance ≤ max(2, length / 4). Ties go to the first candidate given.
///
/// Remembered, per thread, for the same value among the same candidates: a file that writes
/// one wrong structure or public on 90,000 rows asks the same question 90,000 times.
pub(crate) fn suggest<'a, I>(value: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    let mut hasher = rustc_hash::FxHasher::default();
    candidates.hash(&mut hasher);
    value.hash(&mut hasher);
    let key = hasher.finish();
    let known = SUGGESTED.with(|s| {
        s.borrow()
            .get(&key)
            .filter(|(v, _)| &**v == value)
            .map(|(_, i)| *i)
    });
    let best = match known {
        Some(best) => best,
        None => {
            let best = closest(value, &candidates);
            SUGGESTED.with(|s| {
                let mut s = s.borrow_mut();
                if s.len() >= SUGGESTED_ENTRIES {
                    s.clear();
                }
                s.insert(key, (value.into(), best));
            });
            best
        }
    };
    best.and_then(|i| candidates.get(i).copied())
}

/// Suggestions already made: hash of (candidates, value) → (value, index of the closest).
type Suggested = FxHashMap<u64, (Box<str>, Option<usize>)>;

thread_local! {
    static SUGGESTED: RefCell<Suggested> = RefCell::new(FxHashMap::default());
}

/// Bounded: emptied when full (a file whose every row is wrong in another way).
const SUGGESTED_ENTRIES: usize = 4_096;

/// The index of the closest of `candidates` to `value`, close enough (see [`suggest`]).
fn closest(value: &str, candidates: &[&str]) -> Option<usize> {
    let wanted = norm(value);
    let length = wanted.chars().count();
    let limit = std::cmp::max(2, length / 4);
    let mut best: Option<(usize, usize)> = None;
    for (i, candidate) in candidates.iter().enumerate() {
        let candidate_norm = norm(candidate);
        // The distance is at least the difference of the lengths: no need to compute it
        // when that alone is over the limit.
        if candidate_norm.chars().count().abs_diff(length) > limit {
            continue;
        }
        let d = strsim::levenshtein(&wanted, &candidate_norm);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, i));
        }
    }
    best.map(|(_, i)| i)
}

/// A number as a French reader writes it: thousands apart, a decimal comma (`1 200,5`,
/// `0,75`, `-3`), at most 6 decimals.
pub(crate) fn french_number(n: f64) -> String {
    let text = format!("{}", (n * 1e6).round() / 1e6);
    let (sign, text) = match text.strip_prefix('-') {
        Some(t) => ("-", t),
        None => ("", text.as_str()),
    };
    let (whole, decimals) = text.split_once('.').unwrap_or((text, ""));
    let mut out = String::from(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    if !decimals.is_empty() {
        out.push(',');
        out.push_str(decimals);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_the_french_way() {
        assert_eq!(french_number(1200.5), "1\u{a0}200,5");
        assert_eq!(french_number(-3.0), "-3");
        assert_eq!(french_number(0.75), "0,75");
        assert_eq!(french_number(1234567.0), "1\u{a0}234\u{a0}567");
    }

    #[test]
    fn norm_matches_the_spec_examples() {
        for header in [
            "type de structure",
            "TYPE DE STRUCTURE ",
            "Type\u{a0}de  structure :",
            "Type de\nstructure*",
        ] {
            assert_eq!(norm(header), "type de structure", "{header:?}");
        }
        assert_eq!(norm("Département"), norm("Departement"));
        assert_eq!(norm("Type d’action"), norm("Type d'action"));
        assert_eq!(norm("Établissement scolaire"), "etablissement scolaire");
        assert_eq!(norm("\u{2009}Oui\u{202f}"), "oui");
    }

    #[test]
    fn clean_text_collapses_spaces() {
        assert_eq!(
            clean_text("  Mission\u{a0}\u{a0}Locale \n"),
            "Mission Locale"
        );
        assert_eq!(clean_text("\u{2009} "), "");
    }

    #[test]
    fn is_clean_agrees_with_clean_text() {
        for s in [
            "",
            " ",
            "a",
            "a b",
            "a  b",
            " a",
            "a ",
            "a\tb",
            "a\u{a0}b",
            "Conférence",
            "Étudiants; Salariés",
            "x\u{200B}",
            "\u{FEFF}x",
            "a\nb",
            "é é",
            "é  é",
            "a\u{0B}b",
            "a\u{0C}",
            "a\u{1C}b",
            "é\u{2009}é",
            "\u{85}",
            "日本 語",
        ] {
            assert_eq!(is_clean(s), clean_text(s) == s, "{s:?}");
        }
    }

    #[test]
    fn suggestion_is_bounded_and_first_wins_ties() {
        let types = ["CIO", "Mission Locale", "France Travail"];
        assert_eq!(suggest("Mision Locale", types), Some("Mission Locale"));
        assert_eq!(suggest("mission locale", types), Some("Mission Locale"));
        assert_eq!(suggest("Boulangerie", types), None);
        assert_eq!(suggest("ab", ["ax", "ay"]), Some("ax"));
    }
}
