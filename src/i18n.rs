//! The two languages of every message: French (default, for coordinators) and English
//! (`--lang en`, `SPRO_LANG=en`). A [`Msg`] always carries both, so no message can exist in one
//! language only; reports pick one when they render.

use std::sync::Arc;

/// The language of the messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

/// A message in both languages. Shared text: the findings of one file hold each distinct
/// message once ([`crate::finding`] interns them), however many cells repeat it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Msg {
    pub fr: Arc<str>,
    pub en: Arc<str>,
}

impl Msg {
    pub fn new(fr: impl Into<Arc<str>>, en: impl Into<Arc<str>>) -> Msg {
        Msg {
            fr: fr.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }

    /// Whether either language contains `s`.
    pub fn contains(&self, s: &str) -> bool {
        self.fr.contains(s) || self.en.contains(s)
    }
}

impl std::fmt::Display for Msg {
    /// French, the default language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.fr)
    }
}

/// `msg!("… {x} …", "… {x} …")`: a [`Msg`] from a French and an English format string, each
/// capturing the same variables.
#[macro_export]
macro_rules! msg {
    ($fr:literal, $en:literal $(,)?) => {
        $crate::i18n::Msg {
            fr: format!($fr).into(),
            en: format!($en).into(),
        }
    };
}

/// What an error of the tool says, French and English side by side, in one place: the
/// command line and the page pick the language; its `Display` is the French
/// ([`said_in_french!`](crate::said_in_french)).
pub trait Said {
    fn said(&self) -> Msg;
}

/// A message already said says itself (an output whose filling failed with one of ours).
impl Said for Msg {
    fn said(&self) -> Msg {
        self.clone()
    }
}

/// The `Display` of error types that are [`Said`]: the French.
#[macro_export]
macro_rules! said_in_french {
    ($($t:ty),+ $(,)?) => {
        $(impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&$crate::i18n::Said::said(self).fr)
            }
        })+
    };
}

/// Whether a count of `n` takes the plural: in French from 2 (0 and 1 are singular: « 0
/// erreur », « 1 erreur »), in English for every number but 1 (« 0 errors »). The one place
/// counts agree, everywhere a count is written (CLDR's rules for these two languages).
pub fn is_plural(lang: Lang, n: usize) -> bool {
    match lang {
        Lang::Fr => n >= 2,
        Lang::En => n != 1,
    }
}

/// The form of a word that agrees with `n`: `[singular, plural]` in each language.
pub fn agree<'a>(lang: Lang, n: usize, fr: [&'a str; 2], en: [&'a str; 2]) -> &'a str {
    let forms = match lang {
        Lang::Fr => fr,
        Lang::En => en,
    };
    forms[usize::from(is_plural(lang, n))]
}

/// `n` and the words that agree with it: `count(Lang::Fr, 3, ["erreur", "erreurs"], …)` is
/// « 3 erreurs ».
pub fn count(lang: Lang, n: usize, fr: [&str; 2], en: [&str; 2]) -> String {
    format!("{n} {}", agree(lang, n, fr, en))
}

/// [`count`] in both languages.
pub fn counted(n: usize, fr: [&str; 2], en: [&str; 2]) -> Msg {
    Msg::new(count(Lang::Fr, n, fr, en), count(Lang::En, n, fr, en))
}

/// Picks the text of `lang` among two literals (labels of reports).
pub fn pick(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// French: 0 and 1 singular; English: 1 only.
    #[test]
    fn counts_agree_as_each_language_does() {
        let (fr, en) = (["erreur", "erreurs"], ["error", "errors"]);
        let all: Vec<String> = [0, 1, 2, 10]
            .into_iter()
            .flat_map(|n| [count(Lang::Fr, n, fr, en), count(Lang::En, n, fr, en)])
            .collect();
        assert_eq!(
            all,
            [
                "0 erreur",
                "0 errors",
                "1 erreur",
                "1 error",
                "2 erreurs",
                "2 errors",
                "10 erreurs",
                "10 errors"
            ]
        );
    }
}
