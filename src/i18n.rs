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

/// Errors of the tool that can say themselves in English (their `Display` is French).
pub trait English {
    fn english(&self) -> String;
}

/// Picks the text of `lang` among two literals (labels of reports).
pub fn pick(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}
