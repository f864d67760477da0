//! The command line: the commands and their options (`args`), then a file per command, each
//! asking the library to do the work. This is where errors get their context and outcomes
//! become exit codes; the checks themselves never print.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::check::{CheckSettings, Checker};
use crate::config::Config;
use crate::finding::Severity;
use crate::i18n::{Lang, Msg, Said};
use crate::referential::Referential;

mod args;
mod batch;
mod campagne;
mod check;
mod consolidate;
mod modeles;
mod publier;
mod rules;
mod serve;
mod synthese;
mod template;

pub use crate::registry::diff::DiffFormat;
pub use crate::report::ReportFormat;
pub use args::*;
use batch::{choices, consolidation_exit, publish, write_synthesis, Batch};
use campagne::campagne;
use check::check;
use consolidate::consolidate;
use modeles::modeles;
use publier::publier;
pub use rules::man_page;
use rules::rules_table;
use serve::serve;
use synthese::synthese;
use template::template;

/// Exit status (contrat §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// No error finding.
    Success = 0,
    /// At least one error finding (or a warning with `--strict`).
    Findings = 1,
    /// The tool could not do its job.
    Failure = 2,
}

/// Vérifie et consolide les tableaux de bord des réseaux SPRO-EP (Région Centre-Val de Loire).
#[derive(Debug, Parser)]
#[command(name = "spro", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Langue des messages : fr (défaut) ou en.
    #[arg(long, global = true, env = "SPRO_LANG", value_enum, default_value_t = Lang::Fr)]
    pub lang: Lang,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Vérifie des tableaux de bord (fichiers ou dossiers, parcourus récursivement).
    Check(CheckArgs),
    /// Vérifie puis consolide les tableaux de bord dans le classeur régional.
    Consolidate(ConsolidateArgs),
    /// Écrit la synthèse régionale (PDF) présentée au CREFOP, tirée des mêmes chiffres que le
    /// classeur régional.
    Synthese(SyntheseArgs),
    /// Écrit le paquet de données ouvertes (Frictionless Data Package : cinq fichiers CSV et
    /// datapackage.json), tiré des mêmes chiffres que le classeur régional, sans donnée
    /// personnelle.
    Publier(PublierArgs),
    /// Écrit le tableau de bord vierge à envoyer aux réseaux, tiré des mêmes schémas.
    Template(TemplateArgs),
    /// Écrit le script de complétion de la commande pour un shell (bash, zsh, fish…).
    Completions {
        /// Le shell visé.
        shell: clap_complete::Shell,
    },
    /// Écrit la page de manuel (format roff) de spro.
    Man,
    /// Met en ligne la page de vérification pour les coordinateurs (navigateur, sans terminal).
    Serve(ServeArgs),
    /// Les versions du modèle (le registre schemas/modeles.json) : liste, différences d'une
    /// version à l'autre, vérification d'un registre.
    Modeles(ModelesArgs),
    /// La campagne de collecte (spro serve --donnees) : ouvrir, inviter, état, vérifier,
    /// sauvegarder…
    Campagne(CampagneArgs),
    /// Affiche le catalogue des règles (code, nom, sévérité, source).
    Rules {
        /// Produit le catalogue complet en Markdown (le contenu de docs/rules.md).
        #[arg(long)]
        markdown: bool,
    },
    /// Explique une règle : ce qu'elle vérifie, pourquoi, comment corriger, un exemple.
    Explain {
        /// Code de la règle, par exemple C005.
        code: String,
    },
}

/// An error of the tool itself (exit 2), in French.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CliError(pub Msg);

/// An error of the library, in French (its `Display`) and in English.
/// A bilan year given on the command line (`--annee`), from `FIRST_YEAR` to `LAST_YEAR`: one
/// parser for every command that takes one.
fn year() -> clap::builder::RangedI64ValueParser<i32> {
    clap::value_parser!(i32)
        .range(crate::config::FIRST_YEAR as i64..=crate::config::LAST_YEAR as i64)
}

fn err<E: Said>(e: E) -> CliError {
    CliError(e.said())
}

/// A technical error from a dependency (same text in both languages).
fn tech(e: impl std::fmt::Display) -> CliError {
    let text = e.to_string();
    CliError(Msg::new(text.clone(), text))
}

fn year_needed() -> CliError {
    CliError(Msg::new(
        "l'année du bilan est nécessaire : indiquez --annee AAAA (ou « annee » dans spro.toml)",
        "the bilan year is needed: give --annee YYYY (or “annee” in spro.toml)",
    ))
}

/// Runs the command line and returns the exit status.
pub fn run(cli: Cli) -> Result<Exit, CliError> {
    let lang = cli.lang;
    match cli.command {
        Command::Check(args) => check(args, lang),
        Command::Consolidate(args) => consolidate(args, lang),
        Command::Synthese(args) => synthese(args, lang),
        Command::Publier(args) => publier(args, lang),
        Command::Template(args) => template(args, lang),
        Command::Serve(args) => serve(args),
        Command::Modeles(args) => modeles(args, lang),
        Command::Campagne(args) => campagne(args, lang),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "spro",
                &mut out,
            );
            print_stdout(&String::from_utf8_lossy(&out))?;
            Ok(Exit::Success)
        }
        Command::Man => {
            print_stdout(&man_page())?;
            Ok(Exit::Success)
        }
        Command::Rules { markdown } => {
            let text = if markdown {
                crate::rules::rules_markdown()
            } else {
                rules_table()
            };
            print_stdout(&text)?;
            Ok(Exit::Success)
        }
        Command::Explain { code } => match crate::rules::rule(&code) {
            Some(rule) => {
                print_stdout(&crate::rules::explain_in(rule, lang))?;
                Ok(Exit::Success)
            }
            None => Err(CliError(crate::msg!(
                "« {code} » n'est pas un code de règle connu : « spro rules » les liste tous",
                "“{code}” is not a known rule code: “spro rules” lists them all"
            ))),
        },
    }
}

/// The checker of `settings`, made on `pool` (last year's files are read then); refuses an
/// output that is one of last year's files.
fn build(
    settings: CheckSettings,
    pool: &rayon::ThreadPool,
    outputs: &[&Path],
) -> Result<Checker, CliError> {
    let checker = pool.install(|| Checker::build(settings)).map_err(err)?;
    if let Some(previous) = &checker.previous {
        for out in outputs {
            crate::output::refuse_overwriting_input(out, previous.inputs.iter().map(|i| i.path()))
                .map_err(err)?;
        }
    }
    Ok(checker)
}

/// A line for the person at the terminal, on stderr, in their language.
fn say(lang: Lang, message: Msg) {
    match lang {
        Lang::Fr => eprintln!("spro : {}", message.fr),
        Lang::En => eprintln!("spro: {}", message.en),
    }
}

fn print_stdout(text: &str) -> Result<(), CliError> {
    write_stdout(|out| out.write_all(text.as_bytes()))
}

/// Writes to the standard output through `fill`, buffered.
fn write_stdout(fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), CliError> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match fill(&mut out).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`spro rules | head`) is not a failure of the tool.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError(crate::msg!(
            "impossible d'écrire sur la sortie standard : {e}",
            "cannot write to the standard output: {e}"
        ))),
    }
}

/// Loads the configuration: `--config`, else `spro.toml` in the current folder, else defaults;
/// then the command line wins.
pub fn load_config(
    config: Option<&Path>,
    year: Option<i32>,
    referential: Option<&Path>,
) -> Result<Config, CliError> {
    let mut c = match config {
        Some(p) => Config::load(p).map_err(err)?,
        None if Path::new("spro.toml").is_file() => {
            Config::load(Path::new("spro.toml")).map_err(err)?
        }
        None => Config::default(),
    };
    if year.is_some() {
        c.annee = year;
    }
    if let Some(r) = referential {
        c.referentiel = Some(r.to_path_buf());
    }
    Ok(c)
}

/// The settings of the configuration and the `--schemas` folder (else `spro.toml`'s `schemas`,
/// else the registry built in).
pub fn settings(config: Config, schemas: Option<&Path>) -> Result<CheckSettings, CliError> {
    let referential = match &config.referentiel {
        Some(p) => Referential::load(p).map_err(err)?,
        None => Referential::embedded(),
    };
    let schemas = schemas
        .map(Path::to_path_buf)
        .or_else(|| config.schemas.clone());
    let mut settings = CheckSettings::new(config, referential);
    if let Some(dir) = schemas.as_deref() {
        settings.registry = Some(std::sync::Arc::new(registry(dir)?));
    }
    Ok(settings)
}

/// The registry of folder `dir`, or every problem it has (exit 2, before any file is read).
fn registry(dir: &Path) -> Result<crate::registry::Registry, CliError> {
    crate::registry::Registry::from_dir(dir).map_err(|problems| {
        CliError(Msg::new(
            problems.report(Lang::Fr),
            problems.report(Lang::En),
        ))
    })
}

/// A version the registry does not have, said with those it has.
fn unknown_version(registry: &crate::registry::Registry, name: &str) -> CliError {
    let known: Vec<&str> = registry
        .versions
        .iter()
        .map(|v| v.version.as_str())
        .collect();
    err(crate::check::BuildError::UnknownVersion {
        name: name.to_string(),
        known: known.join(", "),
    })
}

/// A progress bar on stderr, hidden when stderr is not a terminal, with --quiet, or for a
/// single file. Reports go to stdout only, so `--format json > r.json` stays clean.
fn progress_bar(files: usize, quiet: bool, done: Msg, lang: Lang) -> indicatif::ProgressBar {
    let (workbooks, done) = match lang {
        Lang::Fr => ("classeurs", done.fr),
        Lang::En => ("workbooks", done.en),
    };
    if quiet || files < 2 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(files as u64);
    let style = indicatif::ProgressStyle::with_template(&format!(
        "{{spinner}} {{pos}}/{{len}} {workbooks} {done} [{{bar:30}}] {{eta}} {{msg}}"
    ))
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    // Redrawn by a ticker: the last updates are shown even while a long step (saving the
    // regional workbook) keeps the thread busy.
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// `-j`: the number of threads asked, or all the cores.
fn jobs(asked: Option<usize>) -> Result<usize, CliError> {
    match asked {
        Some(0) => Err(CliError(Msg::new(
            "-j attend un nombre de fils supérieur à 0",
            "-j expects a number of threads greater than 0",
        ))),
        Some(j) => Ok(j),
        None => Ok(std::thread::available_parallelism().map_or(2, |n| n.get())),
    }
}

fn pool(asked: Option<usize>) -> Result<rayon::ThreadPool, CliError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs(asked)?)
        .build()
        .map_err(tech)
}

/// The year before the current one: the bilan being written.
fn last_year() -> i32 {
    use chrono::Datelike;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    chrono::DateTime::from_timestamp(now, 0).map_or(2025, |d| d.year() - 1)
}
