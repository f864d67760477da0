//! `spro.toml`: the year, the referential, the transmission deadline, per-rule severity
//! overrides and the safety limits (docs/region/configuration.md; docs/contrat.md
//! §7.13). Unknown keys and
//! bad values are errors that name the key, so a typo never silently changes a check.

use crate::rules::Code;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::finding::Severity;
use crate::i18n::Msg;
use crate::msg;

/// The years a bilan can be of: the first SPRO-EP bilans, and far enough ahead.
pub const FIRST_YEAR: i32 = 2015;
pub const LAST_YEAR: i32 = 2100;

/// Safety limits (contrat §4.1, F003).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    pub taille_fichier_mo: u64,
    pub taille_decompressee_mo: u64,
    pub lignes_par_feuille: u32,
    pub colonnes_par_feuille: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            taille_fichier_mo: 50,
            taille_decompressee_mo: 500,
            lignes_par_feuille: 100_000,
            colonnes_par_feuille: 200,
        }
    }
}

impl Limits {
    /// Every limit above 0, or the key that is not.
    fn validate(&self) -> Result<(), BadValue> {
        for (key, v) in [
            ("taille_fichier_mo", self.taille_fichier_mo),
            ("taille_decompressee_mo", self.taille_decompressee_mo),
            ("lignes_par_feuille", u64::from(self.lignes_par_feuille)),
            ("colonnes_par_feuille", u64::from(self.colonnes_par_feuille)),
        ] {
            if v == 0 {
                return Err(BadValue::NoLimit(key));
            }
        }
        Ok(())
    }

    pub fn file_bytes(&self) -> u64 {
        self.taille_fichier_mo.saturating_mul(1024 * 1024)
    }

    pub fn uncompressed_bytes(&self) -> u64 {
        self.taille_decompressee_mo.saturating_mul(1024 * 1024)
    }
}

/// The thresholds of the year-over-year rules (`[tendances]`, docs/region/annee-precedente.md).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Trends {
    /// T001: a network figure this many times larger or smaller than the year before.
    pub facteur_reseau: f64,
    /// T002: an Accueil line this many times larger or smaller.
    pub facteur_ligne: f64,
    /// Neither rule speaks when the larger of the two values is under this floor.
    pub plancher: i64,
}

impl Trends {
    /// Factors above 1 and a floor of 0 or more, or the key that is not.
    fn validate(&self) -> Result<(), BadValue> {
        for (key, v) in [
            ("facteur_reseau", self.facteur_reseau),
            ("facteur_ligne", self.facteur_ligne),
        ] {
            if !(v.is_finite() && v > 1.0) {
                return Err(BadValue::NotAFactor(key, v));
            }
        }
        if self.plancher < 0 {
            return Err(BadValue::NegativeFloor(self.plancher));
        }
        Ok(())
    }
}

impl Default for Trends {
    fn default() -> Self {
        Trends {
            facteur_reseau: 3.0,
            facteur_ligne: 5.0,
            plancher: 30,
        }
    }
}

/// A severity override: a rule turned off or given another severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Override {
    Off,
    Severity(Severity),
}

/// The transmission deadline: a full date, or a day of the year after the bilan year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    Date(NaiveDate),
    DayOfNextYear { month: u32, day: u32 },
}

impl Default for Deadline {
    fn default() -> Self {
        Deadline::DayOfNextYear { month: 3, day: 31 }
    }
}

impl Deadline {
    /// The deadline for a bilan of `year`.
    pub fn for_year(self, year: i32) -> Option<NaiveDate> {
        match self {
            Deadline::Date(d) => Some(d),
            Deadline::DayOfNextYear { month, day } => NaiveDate::from_ymd_opt(year + 1, month, day),
        }
    }

    fn parse(s: &str) -> Option<Deadline> {
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Some(Deadline::Date(d));
        }
        let (m, d) = s.split_once('-')?;
        if m.len() != 2 || d.len() != 2 {
            return None;
        }
        let (month, day) = (m.parse().ok()?, d.parse().ok()?);
        // 2024 is a leap year: 02-29 is accepted and then only exists in leap years.
        NaiveDate::from_ymd_opt(2024, month, day)?;
        Some(Deadline::DayOfNextYear { month, day })
    }
}

/// The configuration as used by the checker, after merging file and command line.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub annee: Option<i32>,
    pub referentiel: Option<PathBuf>,
    /// `schemas`: the registry of template versions to read with (relative to the file).
    pub schemas: Option<PathBuf>,
    pub deadline: Deadline,
    pub overrides: BTreeMap<Code, Override>,
    pub limits: Limits,
    /// Thresholds of the year-over-year rules.
    pub trends: Trends,
    /// `precedent`: where the previous year's files are, `{annee}` and `{annee_precedente}`
    /// not yet replaced (relative to the configuration file).
    pub precedent: Option<String>,
    /// Where the configuration came from, for messages and the consolidated workbook.
    pub source: Option<PathBuf>,
    /// `[campagne]`.
    pub campaign: CampaignSettings,
}

impl Config {
    /// The previous year's folder of `precedent`, for the bilan year `year`.
    pub fn precedent_for(&self, year: i32) -> Option<PathBuf> {
        let text = self
            .precedent
            .as_ref()?
            .replace("{annee_precedente}", &(year - 1).to_string())
            .replace("{annee}", &year.to_string());
        let base = self
            .source
            .as_ref()
            .and_then(|p| p.parent())
            .unwrap_or(Path::new("."));
        Some(base.join(text))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    annee: Option<i32>,
    referentiel: Option<String>,
    schemas: Option<String>,
    date_limite_transmission: Option<String>,
    #[serde(default)]
    regles: BTreeMap<String, String>,
    #[serde(default)]
    limites: Limits,
    #[serde(default)]
    tendances: Trends,
    precedent: Option<String>,
    #[serde(default)]
    campagne: CampaignFile,
}

/// `[campagne]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CampaignFile {
    donnees: Option<String>,
    adresse_publique: Option<String>,
    #[serde(default)]
    acceptation_automatique: bool,
    smtp: Option<SmtpFile>,
    conservation_ans: Option<u32>,
    contact_donnees: Option<String>,
}

/// `[campagne.smtp]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SmtpFile {
    hote: String,
    port: Option<u16>,
    #[serde(default)]
    securite: Security,
    utilisateur: Option<String>,
    mot_de_passe_fichier: Option<String>,
    expediteur: String,
    certificat_ac: Option<String>,
}

/// How the SMTP connection is protected (`securite`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// STARTTLS on the submission port (587), the default.
    #[default]
    Starttls,
    /// TLS from the first byte (465).
    Tls,
    /// None (a relay on the machine itself).
    Aucune,
}

/// The SMTP server the campaign's e-mails leave through.
#[derive(Debug, Clone, PartialEq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    /// A file holding the password (never the password in the configuration).
    pub password_file: Option<PathBuf>,
    /// `From:`.
    pub from: String,
    /// A PEM file of certificate authorities trusted besides the public ones (`certificat_ac`):
    /// a relay whose certificate an internal authority signed.
    pub ca_file: Option<PathBuf>,
}

/// The campaign's settings (`[campagne]`, docs/region/campagne.md).
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignSettings {
    /// The store's folder (`donnees`, relative to the configuration file).
    pub store: Option<PathBuf>,
    /// The address people reach the service at (`adresse_publique`): the links it sends.
    pub public_address: Option<String>,
    /// A deposit without error is accepted at once (`acceptation_automatique`).
    pub auto_accept: bool,
    /// `[campagne.smtp]`: without it, no e-mail leaves.
    pub smtp: Option<SmtpSettings>,
    /// How many years the deposits of a closed campaign are kept (`conservation_ans`, 5).
    pub keep_years: u32,
    /// Whom to ask about personal data (`contact_donnees`), shown to every person logged in.
    pub data_contact: Option<String>,
}

impl Default for CampaignSettings {
    fn default() -> Self {
        CampaignSettings {
            store: None,
            public_address: None,
            auto_accept: false,
            smtp: None,
            keep_years: 5,
            data_contact: None,
        }
    }
}

/// Why the configuration cannot be used (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    Io {
        path: String,
        source: std::io::Error,
    },
    Invalid {
        path: String,
        why: BadValue,
    },
}

/// What is wrong in a configuration file, by its key.
#[derive(Debug)]
pub enum BadValue {
    /// TOML refuses it: not TOML, a key unknown, a value of the wrong type (its key, when the
    /// place where the parser stopped names one).
    Toml {
        source: Box<toml::de::Error>,
        key: Option<String>,
    },
    Year(i32),
    Deadline(String),
    NotACode(String),
    NotASeverity {
        code: String,
        value: String,
    },
    /// A `[limites]` key at 0.
    NoLimit(&'static str),
    NotAFactor(&'static str, f64),
    NegativeFloor(i64),
}

impl crate::i18n::Said for BadValue {
    fn said(&self) -> Msg {
        match self {
            BadValue::Toml { source, key } => {
                let m = source.message();
                if let Some(rest) = m.strip_prefix("unknown field `") {
                    let key = rest.split('`').next().unwrap_or(rest);
                    return msg!("clé inconnue « {key} »", "unknown key “{key}”");
                }
                match key {
                    Some(key) => msg!("clé « {key} » : {m}", "key “{key}”: {m}"),
                    None => Msg::new(m, m),
                }
            }
            BadValue::Year(year) => msg!(
                "clé « annee » : {year} n'est pas une année entre {FIRST_YEAR} et {LAST_YEAR}",
                "key “annee”: {year} is not a year between {FIRST_YEAR} and {LAST_YEAR}"
            ),
            BadValue::Deadline(d) => msg!(
                "clé « date_limite_transmission » : « {d} » n'est ni une date AAAA-MM-JJ ni un jour MM-JJ",
                "key “date_limite_transmission”: “{d}” is neither a YYYY-MM-DD date nor a MM-DD day"
            ),
            BadValue::NotACode(code) => msg!(
                "clé « regles.{code} » : {code} n'est pas un code de règle connu",
                "key “regles.{code}”: {code} is not a known rule code"
            ),
            BadValue::NotASeverity { code, value } => msg!(
                "clé « regles.{code} » : « {value} » n'est pas une sévérité (off, info, warning ou error)",
                "key “regles.{code}”: “{value}” is not a severity (off, info, warning or error)"
            ),
            BadValue::NoLimit(key) => msg!(
                "clé « limites.{key} » : la limite doit être supérieure à 0",
                "key “limites.{key}”: the limit must be greater than 0"
            ),
            BadValue::NotAFactor(key, v) => msg!(
                "clé « tendances.{key} » : {v} n'est pas un facteur supérieur à 1 (par exemple 3)",
                "key “tendances.{key}”: {v} is not a factor greater than 1 (for example 3)"
            ),
            BadValue::NegativeFloor(v) => msg!(
                "clé « tendances.plancher » : {v} n'est pas un nombre positif ou nul (par exemple 30)",
                "key “tendances.plancher”: {v} is not a number zero or more (for example 30)"
            ),
        }
    }
}

impl Config {
    /// Loads `path`. Paths inside it are relative to its folder.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Parses the text of a configuration file found at `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let invalid = |why: BadValue| ConfigError::Invalid {
            path: path.display().to_string(),
            why,
        };
        let file: File = toml::from_str(text).map_err(|e| {
            let key = e.span().and_then(|span| key_at(text, span.start));
            invalid(BadValue::Toml {
                source: Box::new(e),
                key,
            })
        })?;
        let mut config = Config {
            source: Some(path.to_path_buf()),
            limits: file.limites,
            trends: file.tendances,
            precedent: file.precedent,
            ..Config::default()
        };
        if let Some(year) = file.annee {
            if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
                return Err(invalid(BadValue::Year(year)));
            }
            config.annee = Some(year);
        }
        let base = path.parent().unwrap_or(Path::new("."));
        if let Some(r) = file.referentiel {
            config.referentiel = Some(base.join(r));
        }
        config.campaign = CampaignSettings {
            store: file.campagne.donnees.map(|d| base.join(d)),
            public_address: file.campagne.adresse_publique,
            auto_accept: file.campagne.acceptation_automatique,
            keep_years: file.campagne.conservation_ans.unwrap_or(5),
            data_contact: file.campagne.contact_donnees,
            smtp: file.campagne.smtp.map(|s| SmtpSettings {
                port: s.port.unwrap_or(match s.securite {
                    Security::Starttls => 587,
                    Security::Tls => 465,
                    Security::Aucune => 25,
                }),
                host: s.hote,
                security: s.securite,
                user: s.utilisateur,
                password_file: s.mot_de_passe_fichier.map(|p| base.join(p)),
                from: s.expediteur,
                ca_file: s.certificat_ac.map(|p| base.join(p)),
            }),
        };
        if let Some(s) = file.schemas {
            config.schemas = Some(base.join(s));
        }
        if let Some(d) = file.date_limite_transmission {
            config.deadline =
                Deadline::parse(&d).ok_or_else(|| invalid(BadValue::Deadline(d.clone())))?;
        }
        for (code, value) in file.regles {
            let rule =
                Code::parse(&code).ok_or_else(|| invalid(BadValue::NotACode(code.clone())))?;
            let o = match value.to_lowercase().as_str() {
                "off" => Override::Off,
                "info" => Override::Severity(Severity::Info),
                "warning" => Override::Severity(Severity::Warning),
                "error" => Override::Severity(Severity::Error),
                _ => return Err(invalid(BadValue::NotASeverity { code, value })),
            };
            config.overrides.insert(rule, o);
        }
        config.limits.validate().map_err(&invalid)?;
        config.trends.validate().map_err(&invalid)?;
        Ok(config)
    }
}

/// The key (`section.key`) of the line holding byte `at` of a TOML text.
fn key_at(text: &str, at: usize) -> Option<String> {
    let before = text.get(..at)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next()?;
    let key = line.split('=').next()?.trim();
    if key.is_empty() || key.starts_with('[') {
        return None;
    }
    let section = before[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && l.ends_with(']'))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    Some(match section {
        Some(s) => format!("{s}.{key}"),
        None => key.to_string(),
    })
}

impl crate::i18n::Said for ConfigError {
    fn said(&self) -> Msg {
        match self {
            ConfigError::Io { path, source } => msg!(
                "impossible de lire la configuration {path} : {source}",
                "cannot read the configuration {path}: {source}"
            ),
            ConfigError::Invalid { path, why } => {
                let why = why.said();
                let (fr, en) = (&why.fr, &why.en);
                msg!(
                    "configuration {path} invalide : {fr}",
                    "invalid configuration {path}: {en}"
                )
            }
        }
    }
}

crate::said_in_french!(ConfigError);

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(t: &str) -> Result<Config, ConfigError> {
        Config::parse(t, Path::new("conf/spro.toml"))
    }

    #[test]
    fn full_configuration() {
        let c = parse(
            "annee = 2025\nreferentiel = \"ref.json\"\nschemas = \"modeles/\"\ndate_limite_transmission = \"04-15\"\n[regles]\nC010 = \"off\"\nc017 = \"error\"\n[limites]\nlignes_par_feuille = 10\n",
        )
        .unwrap();
        assert_eq!(c.annee, Some(2025));
        assert_eq!(c.referentiel, Some(PathBuf::from("conf/ref.json")));
        assert_eq!(c.schemas, Some(PathBuf::from("conf/modeles/")));
        assert_eq!(
            c.deadline.for_year(2025),
            NaiveDate::from_ymd_opt(2026, 4, 15)
        );
        assert_eq!(c.overrides[&Code::C010], Override::Off);
        assert_eq!(
            c.overrides[&Code::C017],
            Override::Severity(Severity::Error)
        );
        assert_eq!(c.limits.lignes_par_feuille, 10);
        assert_eq!(c.limits.colonnes_par_feuille, 200);
    }

    #[test]
    fn errors_name_the_key() {
        let msg = |t: &str| parse(t).unwrap_err().to_string();
        assert!(msg("anne = 2025").contains("« anne »"));
        assert!(msg("[limites]\nlignes = 3").contains("« lignes »"));
        assert!(msg("[regles]\nC999 = \"off\"").contains("regles.C999"));
        assert!(msg("[regles]\nC010 = \"faible\"").contains("regles.C010"));
        assert!(msg("date_limite_transmission = \"31/03\"").contains("date_limite_transmission"));
        assert!(msg("annee = 25").contains("annee"));
    }

    #[test]
    fn full_date_deadline() {
        let c = parse("date_limite_transmission = \"2026-04-30\"").unwrap();
        assert_eq!(
            c.deadline.for_year(2025),
            NaiveDate::from_ymd_opt(2026, 4, 30)
        );
    }
}
