//! The rule catalogue: one entry per rule, both languages side by side ([`catalogue`]), from
//! which the typed [`Code`] enum is generated. `spro rules`, `spro explain`, `docs/rules.md`,
//! SARIF rule metadata, the `Règles` sheet and the web page's rule pages are all built from it.
//! A rule's code is a [`Code`]: no lookup can fail, and a misspelt code does not compile.
//! Checks never decide severities: the catalogue gives the default, the configuration may
//! override it (`check::Checker::settle`).
//!
//! Where each family is checked (the same table is in CONTRIBUTING.md):
//!
//! | family | where | when |
//! |---|---|---|
//! | F (file) | `read/admit.rs`, `read/prescan/`, `read/cells.rs` | before and while reading |
//! | S (structure) | `read/sheet.rs`, `read/version.rs` (S006) | sheets, headers, labels, as rows arrive; S006 once read |
//! | V (values) | `read/validate.rs` (JSON Schemas), `read/values.rs` (V002) | each row read |
//! | R (referential) | `referential.rs` | once the workbook is read |
//! | C (charter) | `charter/`, one file per rule | by chunks of rows, or once all is read |
//! | T (year over year) | `evolution/rules.rs` | with `--precedent`, rows then totals |
//! | B (batch) | `check/batch.rs` (`Duplicates`, `missing_networks`) | once every file is checked |
//!
//! After the reading (F, S, V), each family of one file runs through one trait, `Pass`, listed
//! in its order in `check/passes.rs` (R, S006, C, T). What a rule reads (its keys and so its
//! sheet roles) and, for a charter rule, its commitment in the synthesis are in its entry;
//! the keys every version must have and the rules each role serves are derived from them.

mod catalogue;

pub use catalogue::{Code, RULES};

use crate::bilan::{Need, SheetKind};

/// Types of structure that are CEP operators (charter §2): C013 and C014 look for them by
/// their text in the list of structure types.
pub const CEP_TYPES: [&str; 5] = [
    "France Travail",
    "Cap emploi",
    "APEC",
    "Mission Locale",
    "Avenir Actifs",
];

/// The axes the programme of actions must cover, by their text in the list of axes, and the
/// rule that looks for each (charter §2 and §5, art. L6111-3).
pub const PROGRAMME_AXES: [(Code, &str); 4] = [
    (Code::C011, "Informer sur les métiers et les formations"),
    (Code::C011, "Accompagner les parcours professionnels"),
    (Code::C012, "Promotion du CEP"),
    (Code::C018, "Mixité et stéréotypes de genre"),
];

/// The values of a list that rules look for by their text (sheet, key, value, the rules):
/// each must stay in its version's list, which `spro modeles verifier` checks.
pub fn named_values(
) -> impl Iterator<Item = (SheetKind, &'static str, &'static str, &'static [Code])> {
    const CEP_RULES: &[Code] = &[Code::C013, Code::C014];
    let axes = PROGRAMME_AXES
        .iter()
        .map(|(code, axis)| (SheetKind::Actions, "axe", *axis, std::slice::from_ref(code)));
    let types = CEP_TYPES
        .iter()
        .map(|t| (SheetKind::Structures, "type", *t, CEP_RULES));
    axes.chain(types)
}

/// The rules that read each role's sheet (`x-role`), from what each says it [reads](Rule::reads),
/// in the catalogue's order: a template version without that role does not serve them, and
/// `spro modeles verifier` says so.
pub fn rules_by_role() -> impl Iterator<Item = (SheetKind, Vec<Code>)> {
    SheetKind::ALL.into_iter().map(|kind| {
        let codes = RULES
            .iter()
            .filter(|r| r.reads.iter().any(|(k, _)| *k == kind))
            .map(|r| r.code)
            .collect();
        (kind, codes)
    })
}

use crate::i18n::Lang;
use crate::severity::Severity;

/// Generates [`Code`] and [`RULES`] from the entries of `catalogue.rs`, in their order, so
/// that `RULES[code as usize]` is the code's own entry.
macro_rules! define_catalogue {
    (@some) => { None };
    (@some $e:expr) => { Some($e) };
    ($(
        $code:ident {
            name: $name:literal,
            family: $family:ident,
            severity: $severity:ident,
            other: $other:expr,
            source: $source:expr,
            what: $what:expr,
            why: $why:expr,
            fix: $fix:expr,
            example: $example:expr
            $(, reads: { $($kind:ident { $($key:ident: $need:ident),* $(,)? }),* $(,)? })?
            $(, commitment: $commitment:expr)? $(,)?
        }
    ),* $(,)?) => {
        /// A rule's code: one variant per entry of the catalogue.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($code),*
        }

        impl Code {
            /// Every code, in the order of the catalogue.
            pub const ALL: &'static [Code] = &[$(Code::$code),*];

            /// `"C005"`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code)),*
                }
            }
        }

        /// The whole catalogue, in the order of contrat §4.
        pub static RULES: &[$crate::rules::Rule] = &[
            $($crate::rules::Rule {
                code: Code::$code,
                name: $name,
                family: $crate::rules::Family::$family,
                severity: $crate::severity::Severity::$severity,
                other: $other,
                source: $source,
                what: $what,
                why: $why,
                fix: $fix,
                example: $example,
                reads: &[$($(($crate::bilan::SheetKind::$kind, &[$((stringify!($key), $crate::bilan::Need::$need)),*])),*)?],
                commitment: $crate::rules::define_catalogue!(@some $($commitment)?),
            }),*
        ];
    };
}
pub(crate) use define_catalogue;

impl Code {
    /// The code a user typed (`spro explain c005`, `[regles] C010 = "off"`), any case.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// Its entry in the catalogue.
    pub fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// Codes compare with their text (tests and reports read `"C005"`).
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The family a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    File,
    Structure,
    Value,
    Referential,
    Charter,
    /// Year over year (`--precedent`).
    Trend,
    Batch,
}

/// A text in French and in English.
pub type Both = (&'static str, &'static str);

/// The other case of a two-severity rule (S002: an optional column is a warning).
#[derive(Debug, Clone, Copy)]
pub struct Other {
    pub severity: Severity,
    /// The case, in French and in English.
    pub case: Both,
}

/// One rule of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub code: Code,
    pub name: &'static str,
    pub family: Family,
    /// Default severity; for a two-severity rule, the more serious case.
    pub severity: Severity,
    pub other: Option<Other>,
    /// The charter or convention article enforced (empty for rules of form).
    pub source: Both,
    /// What it checks.
    pub what: Both,
    /// Why: the requirement, in our own words.
    pub why: Both,
    /// How to fix it.
    pub fix: Both,
    /// An example of a finding.
    pub example: Both,
    /// The columns it reads, by sheet role and key, each with what it needs there: a version
    /// without one of these roles does not serve the rule ([`rules_by_role`]), and every
    /// version the checker reads with must give each key what it needs (`schema::keys_used`).
    pub reads: Reads,
    /// For a charter rule: the commitment it checks, as the synthesis's `Conformité à la
    /// charte` names it.
    pub commitment: Option<Both>,
}

/// Columns read, by sheet role: each key with what the code needs of it.
pub type Reads = &'static [(SheetKind, &'static [(&'static str, Need)])];

fn pick(both: Both, lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => both.0,
        Lang::En => both.1,
    }
}

impl Rule {
    pub fn source(&self, lang: Lang) -> &'static str {
        pick(self.source, lang)
    }
    pub fn what(&self, lang: Lang) -> &'static str {
        pick(self.what, lang)
    }
    pub fn why(&self, lang: Lang) -> &'static str {
        pick(self.why, lang)
    }
    pub fn fix(&self, lang: Lang) -> &'static str {
        pick(self.fix, lang)
    }
    pub fn example(&self, lang: Lang) -> &'static str {
        pick(self.example, lang)
    }
}

/// The rule a user named, if the code exists.
pub fn rule(code: &str) -> Option<&'static Rule> {
    Code::parse(code).map(Code::rule)
}

/// The explanation `spro explain CODE` prints (and `docs/rules.md` holds, in French).
pub fn explain_in(rule: &Rule, lang: Lang) -> String {
    let t = |fr: &'static str, en: &'static str| pick((fr, en), lang);
    let mut s = format!(
        "{} {} — {}\n",
        rule.code,
        rule.name,
        rule.family.label(lang)
    );
    // French says the severity in words; English as the configuration writes it.
    match lang {
        Lang::Fr => s.push_str(&format!(
            "Sévérité par défaut : {}",
            rule.severity.label(lang)
        )),
        Lang::En => s.push_str(&format!("Default severity: {}", rule.severity.as_str())),
    }
    if let Some(other) = rule.other {
        match lang {
            Lang::Fr => s.push_str(&format!(
                " ({} : {})",
                other.case.0,
                other.severity.label(lang)
            )),
            Lang::En => s.push_str(&format!(" ({}: {})", other.case.1, other.severity.as_str())),
        }
    }
    s.push('\n');
    if !rule.source.0.is_empty() {
        match lang {
            Lang::Fr => s.push_str(&format!("Source : {}\n", rule.source.0)),
            Lang::En => s.push_str(&format!("Source: {}\n", rule.source.1)),
        }
    }
    for (title, text) in [
        (t("Ce qui est vérifié", "What it checks"), rule.what(lang)),
        (t("Pourquoi", "Why"), rule.why(lang)),
        (t("Comment corriger", "How to fix it"), rule.fix(lang)),
        (t("Exemple", "Example"), rule.example(lang)),
    ] {
        s.push_str(&format!("\n{title}\n  {text}\n"));
    }
    s
}

/// The French explanation.
pub fn explain(rule: &Rule) -> String {
    explain_in(rule, Lang::Fr)
}

/// `docs/rules.md`, generated from the catalogue (a test keeps the file in step).
pub fn rules_markdown() -> String {
    let mut s = String::from(
        "# Règles vérifiées par `spro`\n\n\
         Ce fichier est généré à partir du catalogue (`src/rules/catalogue.rs`) : ne le modifiez pas à la main,\n\
         lancez `cargo run -- rules --markdown > docs/rules.md`.\n\n\
         | code | nom | sévérité | source |\n|---|---|---|---|\n",
    );
    for r in RULES {
        s.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.source.0
        ));
    }
    for r in RULES {
        s.push_str(&format!("\n## {} {}\n\n", r.code, r.name));
        s.push_str(&format!("- Famille : {}\n", r.family.label(Lang::Fr)));
        s.push_str(&format!("- Sévérité par défaut : {}", r.severity.as_str()));
        if let Some(other) = r.other {
            s.push_str(&format!(
                " ({} : {})",
                other.case.0,
                other.severity.as_str()
            ));
        }
        s.push('\n');
        if !r.source.0.is_empty() {
            s.push_str(&format!("- Source : {}\n", r.source.0));
        }
        s.push_str(&format!(
            "\n**Ce qui est vérifié.** {}\n\n**Pourquoi.** {}\n\n**Comment corriger.** {}\n\n**Exemple.** {}\n",
            r.what.0, r.why.0, r.fix.0, r.example.0
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// A charter rule names its commitment for the synthesis's « Conformité à la charte » in
    /// both languages, and says what it reads; no other rule has a commitment.
    #[test]
    fn charter_rules_carry_their_commitment_and_reads() {
        for r in RULES {
            let charter = r.family == Family::Charter;
            assert_eq!(r.commitment.is_some(), charter, "{}", r.code);
            if let Some((fr, en)) = r.commitment {
                assert!(!fr.is_empty() && !en.is_empty(), "{}", r.code);
                assert!(!r.source(Lang::Fr).is_empty(), "{}", r.code);
                assert!(!r.reads.is_empty(), "{} reads no sheet", r.code);
            }
        }
    }

    /// What each role serves, derived from the rules' reads: the sheets the synthesis and the
    /// verifier name (a rule that forgets a sheet it reads would run for a version without it).
    #[test]
    fn rules_by_role_follow_the_reads() {
        let of = |kind| {
            rules_by_role()
                .find(|(k, _)| *k == kind)
                .map(|(_, codes)| {
                    codes
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default()
        };
        assert_eq!(of(SheetKind::Professionnalisation), "C006 C016 T001");
        assert_eq!(of(SheetKind::Accueil), "C006 C008 C009 T001 T002");
        assert_eq!(of(SheetKind::Coordination), "C001 C002 T001 T004");
        assert!(of(SheetKind::Identification).starts_with("S006 R001 R002 R003 C003 C007 C017"));
    }

    /// The paths `src/…` that CONTRIBUTING.md and the table above name exist: a file moved
    /// without its guide fails here.
    #[test]
    fn contributing_names_files_that_exist() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let guide = std::fs::read_to_string(root.join("CONTRIBUTING.md")).expect("the guide");
        let table = include_str!("mod.rs");
        let named = |text: &str, prefix: &str| -> Vec<String> {
            text.split('`')
                .skip(1)
                .step_by(2)
                .filter(|t| t.ends_with(".rs") || t.ends_with('/'))
                .map(|t| format!("{prefix}{t}"))
                // The guide's worked example, C019, is a rule to write, not one that exists.
                .filter(|t| t.starts_with("src/") && !t.contains("c019"))
                .collect()
        };
        let mut paths = named(&guide, "");
        let header: String = table.lines().take_while(|l| l.starts_with("//!")).collect();
        paths.extend(named(&header, "src/"));
        assert!(paths.len() > 20, "{paths:?}");
        for path in paths {
            assert!(
                root.join(&path).exists(),
                "{path} is named but does not exist"
            );
        }
    }

    #[test]
    fn each_code_is_its_own_entry() {
        for (i, code) in Code::ALL.iter().enumerate() {
            assert_eq!(*code as usize, i);
            assert_eq!(code.rule().code, *code);
            assert_eq!(Code::parse(&code.as_str().to_lowercase()), Some(*code));
        }
        assert_eq!(Code::parse("Z999"), None);
    }

    #[test]
    fn no_duplicate_name() {
        let names: HashSet<_> = RULES.iter().map(|r| r.name).collect();
        assert_eq!(names.len(), RULES.len());
    }

    #[test]
    fn every_code_of_the_spec_exists() {
        let mut expected = vec![];
        expected.extend((1..=3).map(|n| format!("F{n:03}")));
        expected.extend((1..=8).map(|n| format!("S{n:03}")));
        expected.extend((1..=7).map(|n| format!("V{n:03}")));
        expected.extend((1..=3).map(|n| format!("R{n:03}")));
        expected.extend((1..=18).map(|n| format!("C{n:03}")));
        expected.extend((0..=5).map(|n| format!("T{n:03}")));
        expected.extend((1..=2).map(|n| format!("B{n:03}")));
        let actual: Vec<String> = RULES.iter().map(|r| r.code.to_string()).collect();
        assert_eq!(actual, expected);
    }

    #[test]
    fn the_family_is_the_letter_of_the_code() {
        for r in RULES {
            let letter = match r.family {
                Family::File => 'F',
                Family::Structure => 'S',
                Family::Value => 'V',
                Family::Referential => 'R',
                Family::Charter => 'C',
                Family::Trend => 'T',
                Family::Batch => 'B',
            };
            assert!(r.code.as_str().starts_with(letter), "{}", r.code);
        }
    }

    #[test]
    fn every_text_is_in_both_languages() {
        for r in RULES {
            for (fr, en) in [r.what, r.why, r.fix, r.example] {
                assert!(!fr.is_empty() && !en.is_empty(), "{}", r.code);
                assert!(!en.contains('«'), "{}: {en}", r.code);
                assert_ne!(fr, en, "{}", r.code);
            }
            assert_eq!(r.source.0.is_empty(), r.source.1.is_empty(), "{}", r.code);
        }
    }

    #[test]
    fn charter_rules_cite_their_source() {
        for r in RULES.iter().filter(|r| r.family == Family::Charter) {
            assert!(!r.source.0.is_empty(), "{}", r.code);
        }
    }
}
