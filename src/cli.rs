//! The command line: clap definitions and what each command does with the library. This is
//! where errors get their context and outcomes become exit codes (spec §6); the checks
//! themselves never print.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::check::Checker;
use crate::config::Config;
use crate::finding::Severity;
use crate::i18n::{English, Lang, Msg};
use crate::referential::Referential;
use crate::schema::Schemas;

/// Exit status (spec §6).
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

pub use crate::report::Format as OutputFormat;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = false)]
pub struct ModelesArgs {
    #[command(subcommand)]
    pub action: Option<ModelesAction>,
    /// Registre à lire (un dossier avec modeles.json) au lieu de celui intégré à spro.
    #[arg(long, value_name = "DOSSIER", global = true)]
    pub schemas: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ModelesAction {
    /// Ce qui change d'une version du modèle à une autre.
    Diff {
        /// La version de départ, par exemple 2024.1.
        de: String,
        /// La version d'arrivée, par exemple 2025.1.
        vers: String,
        /// Format : phrases (human), Markdown ou JSON.
        #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
        format: DiffFormat,
    },
    /// Vérifie un registre (modeles.json et chaque schéma, avec l'endroit de chaque problème) ;
    /// code de sortie 2 au moindre problème.
    Verifier {
        /// Le dossier du registre (sinon --schemas, sinon celui intégré à spro).
        dossier: Option<PathBuf>,
    },
}

/// The forms of `spro modeles diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Human,
    Markdown,
    Json,
}

/// Where the checker's configuration, referential and schemas come from: `check`,
/// `consolidate` and `serve`.
#[derive(Debug, clap::Args)]
pub struct SourceArgs {
    /// Fichier de configuration (par défaut : spro.toml du dossier courant, s'il existe).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Référentiel des réseaux (JSON) à utiliser à la place de celui fourni.
    #[arg(long)]
    pub referentiel: Option<PathBuf>,
    /// Registre des modèles (un dossier avec modeles.json et un dossier par version) à
    /// utiliser à la place de celui intégré.
    #[arg(long)]
    pub schemas: Option<PathBuf>,
    /// Nombre de fils d'exécution (par défaut : tous les cœurs).
    #[arg(short = 'j', long = "jobs")]
    pub jobs: Option<usize>,
}

/// Options shared by `check` and `consolidate`.
#[derive(Debug, clap::Args)]
pub struct CommonArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// N'affiche pas la barre de progression.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Tableaux de bord de l'année précédente (fichiers ou dossiers) : active les règles
    /// d'évolution T000–T005 et, pour consolidate, la feuille Évolution (sinon « precedent »
    /// de spro.toml).
    #[arg(long, num_args = 1.., value_name = "CHEMIN")]
    pub precedent: Vec<PathBuf>,
    /// Version du modèle avec laquelle lire chaque fichier, quelle que soit celle qu'il
    /// indique (par défaut : celle qu'il indique, sinon celle que ses en-têtes désignent).
    #[arg(long, value_name = "VERSION")]
    pub modele: Option<String>,
}

impl CommonArgs {
    /// The checker of these options for `year`: its sources, and the version `--modele`
    /// forces (refused when the registry does not have it, before any file is read).
    fn checker(&self, year: Option<i32>) -> Result<Checker, CliError> {
        let mut checker = self.sources.checker(year)?;
        if let Some(name) = &self.modele {
            let registry = checker.registry.clone();
            let version = registry
                .version(name)
                .ok_or_else(|| unknown_version(&registry, name))?;
            checker.modele = registry
                .versions
                .iter()
                .position(|v| v.version == version.version);
        }
        Ok(checker)
    }
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Fichiers (.xlsx, .xlsm, .xlsb, .xls, .ods) ou dossiers à vérifier.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Année du bilan attendue (active R003 et, pour un dossier, B002).
    #[arg(long, value_parser = year())]
    pub annee: Option<i32>,
    /// Format du rapport.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Écrit le rapport dans ce fichier (écriture atomique) plutôt que sur la sortie standard.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Les avertissements font aussi échouer la vérification (code de sortie 1).
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Écrit dans ce dossier une copie annotée de chaque classeur (<nom>.annote.xlsx) : cellules
    /// en faute colorées avec une note, et une feuille Anomalies.
    #[arg(long, value_name = "DOSSIER")]
    pub annote: Option<PathBuf>,
}

/// What the commands made of a whole batch (`consolidate`, `synthese`) are given first: the
/// files and the year.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// Fichiers ou dossiers des tableaux de bord reçus.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Année du bilan (sinon celle de spro.toml).
    #[arg(long, value_parser = year())]
    pub annee: Option<i32>,
}

#[derive(Debug, clap::Args)]
pub struct ConsolidateArgs {
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Classeur à écrire (par défaut reports/bilan-regional-<annee>.xlsx).
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Laisse de côté les noms, courriels et téléphones des coordinateurs.
    #[arg(long)]
    pub sans_donnees_personnelles: bool,
    /// Compte aussi les fichiers non conformes dans les indicateurs.
    #[arg(long)]
    pub inclure_non_conformes: bool,
    /// Code de sortie 1 s'il y a des erreurs ou des avertissements, comme pour check (le
    /// classeur est écrit dans tous les cas ; sans --strict, 0 dès qu'il est écrit).
    #[arg(long)]
    pub strict: bool,
    /// Écrit aussi la synthèse régionale (PDF) à côté du classeur
    /// (synthese-regionale-<annee>.pdf), de la même lecture des fichiers.
    #[arg(long)]
    pub synthese: bool,
    /// Écrit aussi le paquet de données ouvertes dans ce dossier, de la même lecture.
    #[arg(long, value_name = "DOSSIER")]
    pub publier: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, clap::Args)]
pub struct PublierArgs {
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Dossier à écrire (par défaut reports/donnees-ouvertes-<annee>), remplacé une fois le
    /// nouveau complet.
    #[arg(long, short = 'o', value_name = "DOSSIER")]
    pub output: Option<PathBuf>,
    /// Compte aussi les fichiers non conformes dans les chiffres publiés.
    #[arg(long)]
    pub inclure_non_conformes: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, clap::Args)]
pub struct SyntheseArgs {
    #[command(flatten)]
    pub batch: BatchArgs,
    /// PDF à écrire (par défaut reports/synthese-regionale-<annee>.pdf).
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Compte aussi les fichiers non conformes dans les chiffres régionaux.
    #[arg(long)]
    pub inclure_non_conformes: bool,
    /// Code de sortie 1 s'il y a des erreurs ou des avertissements (la synthèse est écrite
    /// dans tous les cas).
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Adresse et port d'écoute (derrière le mandataire inverse de la Région).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Année attendue des bilans (active R003) et du modèle proposé (sinon celle de spro.toml,
    /// sinon l'année écoulée).
    #[arg(long, value_parser = year())]
    pub annee: Option<i32>,
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Attente maximale d'une requête avant la réponse 503, en secondes.
    #[arg(long, default_value_t = 10, hide = true)]
    pub attente_s: u64,
    /// Durée maximale de l'envoi d'un formulaire avant la réponse 408, en secondes.
    #[arg(long, default_value_t = 60, hide = true)]
    pub envoi_s: u64,
    /// Durée de conservation des copies annotées, en secondes.
    #[arg(long, default_value_t = 900, hide = true)]
    pub conservation_s: u64,
    /// Mémoire accordée aux vérifications et consolidations en cours, en Mio.
    #[arg(long, default_value_t = 512, hide = true)]
    pub memoire_mo: u32,
    /// Taille totale des téléchargements conservés, en Mio (un envoi en garde au plus le quart).
    #[arg(long, default_value_t = 256, hide = true)]
    pub telechargements_mo: usize,
}

#[derive(Debug, clap::Args)]
pub struct TemplateArgs {
    /// Année du bilan pré-remplie (sinon celle de spro.toml).
    #[arg(long, value_parser = year())]
    pub annee: Option<i32>,
    /// Classeur à écrire (par défaut reports/tableau-de-bord-<annee>.xlsx).
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Logo de la Région (PNG, JPEG…), placé en tête de la feuille Instructions.
    #[arg(long)]
    pub logo_region: Option<PathBuf>,
    /// Logo du SPRO, placé en tête de la feuille Instructions.
    #[arg(long)]
    pub logo_spro: Option<PathBuf>,
    /// Fichier de configuration (par défaut : spro.toml du dossier courant, s'il existe).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Registre des modèles (un dossier avec modeles.json et un dossier par version) à
    /// utiliser à la place de celui intégré.
    #[arg(long)]
    pub schemas: Option<PathBuf>,
    /// Version du modèle à écrire (par défaut celle qui sert l'année, sinon la courante).
    #[arg(long, value_name = "VERSION")]
    pub modele: Option<String>,
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

fn err<E: std::fmt::Display + English>(e: E) -> CliError {
    CliError(Msg::new(e.to_string(), e.english()))
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

/// The man page, generated from the clap definition.
pub fn man_page() -> String {
    let mut out = Vec::new();
    // Rendering into memory cannot fail.
    let _ = clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn rules_table() -> String {
    let mut s = String::new();
    for r in crate::rules::RULES {
        s.push_str(&format!(
            "{:<5} {:<30} {:<8} {}\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.source.0
        ));
    }
    s
}

/// Reads the previous year when `--precedent` (or `precedent` in spro.toml) gives it, with the
/// checker of year N, on `pool`; refuses an output that is one of its files.
fn with_previous(
    checker: &mut Checker,
    given: &[PathBuf],
    pool: &rayon::ThreadPool,
    outputs: &[&Path],
) -> Result<(), CliError> {
    let paths = crate::evolution::previous::paths(given, &checker.config);
    if paths.is_empty() {
        return Ok(());
    }
    let previous = pool
        .install(|| crate::evolution::Previous::load(&paths, checker))
        .map_err(err)?;
    for out in outputs {
        crate::output::refuse_overwriting_input(out, previous.inputs.iter().map(|i| i.path()))
            .map_err(err)?;
    }
    checker.previous = Some(std::sync::Arc::new(previous));
    Ok(())
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

/// Builds the checker from the configuration and the `--schemas` folder (else `spro.toml`'s
/// `schemas`, else the registry built in).
pub fn checker(config: Config, schemas: Option<&Path>) -> Result<Checker, CliError> {
    let referential = match &config.referentiel {
        Some(p) => Referential::load(p).map_err(err)?,
        None => Referential::embedded(),
    };
    let schemas = schemas
        .map(Path::to_path_buf)
        .or_else(|| config.schemas.clone());
    let checker = Checker::new(config, referential, Schemas::embedded());
    Ok(match schemas.as_deref() {
        Some(dir) => checker.with_registry(std::sync::Arc::new(registry(dir)?)),
        None => checker,
    })
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
    let known = known.join(", ");
    CliError(crate::msg!(
        "le modèle « {name} » n'est pas dans le registre (versions : {known})",
        "template “{name}” is not in the registry (versions: {known})"
    ))
}

/// `spro modeles`: the versions of the registry, what changed between two, or whether a
/// registry holds together.
fn modeles(args: ModelesArgs, lang: Lang) -> Result<Exit, CliError> {
    use crate::registry::Registry;
    let load = |dir: Option<&Path>| -> Result<std::sync::Arc<Registry>, CliError> {
        match dir {
            Some(dir) => registry(dir).map(std::sync::Arc::new),
            None => Ok(Registry::embedded()),
        }
    };
    match args.action {
        None => {
            let registry = load(args.schemas.as_deref())?;
            print_stdout(&crate::registry::list(&registry, lang))?;
        }
        Some(ModelesAction::Verifier { dossier }) => {
            let dir = dossier.or(args.schemas);
            let registry = load(dir.as_deref())?;
            let shown = dir.map_or_else(|| "schemas/".to_string(), |d| d.display().to_string());
            let n = registry.versions.len();
            let current = &registry.current().version;
            say(
                lang,
                crate::msg!(
                    "registre « {shown} » valide : {n} versions, dont la courante {current}",
                    "registry “{shown}” valid: {n} versions, the current one {current}"
                ),
            );
            for note in crate::registry::unserved(&registry) {
                say(lang, note);
            }
        }
        Some(ModelesAction::Diff { de, vers, format }) => {
            let registry = load(args.schemas.as_deref())?;
            let find = |name: &str| {
                registry
                    .version(name)
                    .ok_or_else(|| unknown_version(&registry, name))
            };
            let (from, to) = (find(&de)?, find(&vers)?);
            let changes = crate::registry::diff::diff(&registry, from, to);
            let format = match format {
                DiffFormat::Human => "human",
                DiffFormat::Markdown => "markdown",
                DiffFormat::Json => "json",
            };
            print_stdout(&crate::registry::diff::render(
                from, to, &changes, format, lang,
            ))?;
        }
    }
    Ok(Exit::Success)
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

impl SourceArgs {
    /// The checker these options describe, for `year` (else spro.toml's).
    fn checker(&self, year: Option<i32>) -> Result<Checker, CliError> {
        let config = load_config(self.config.as_deref(), year, self.referentiel.as_deref())?;
        checker(config, self.schemas.as_deref())
    }
}

fn check(args: CheckArgs, lang: Lang) -> Result<Exit, CliError> {
    let mut checker = args.common.checker(args.annee)?;
    let (inputs, any_folder) = crate::inputs::collect(&args.paths).map_err(err)?;
    if let Some(out) = &args.output {
        crate::output::refuse_overwriting_input(out, inputs.iter().map(|i| i.path()))
            .map_err(err)?;
    }
    let pool = pool(args.common.sources.jobs)?;
    with_previous(
        &mut checker,
        &args.common.precedent,
        &pool,
        args.output.as_deref().as_slice(),
    )?;
    let done = Msg::new("vérifiés", "checked");
    let progress = progress_bar(inputs.len(), args.common.quiet, done, lang);
    let report = match &args.annote {
        None => pool.install(|| checker.check_inputs(&inputs, any_folder, &|| progress.inc(1))),
        Some(dir) => {
            let (report, written) = pool
                .install(|| {
                    crate::annotate::check_and_write(&checker, &inputs, any_folder, dir, &|| {
                        progress.inc(1)
                    })
                })
                .map_err(err)?;
            progress.finish_and_clear();
            let (n, shown) = (written.len(), dir.display());
            say(lang, {
                let copies = crate::i18n::counted(
                    n,
                    ["copie annotée", "copies annotées"],
                    ["annotated copy", "annotated copies"],
                );
                let (fr, en) = (&copies.fr, &copies.en);
                crate::msg!("{fr} dans « {shown} »", "{en} in “{shown}”")
            });
            report
        }
    };
    progress.finish_and_clear();
    // A crash after the check, for the test that the panic hook still speaks (debug builds).
    #[cfg(debug_assertions)]
    if std::env::var_os("SPRO_TEST_PANIQUE_AU_RENDU").is_some() {
        panic!("panne simulée au rendu du rapport");
    }
    let color = args.format == OutputFormat::Human
        && args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let reporter = crate::report::for_format(args.format, color);
    match &args.output {
        Some(path) => crate::output::write_with(path, |tmp| {
            let mut out = std::io::BufWriter::new(std::fs::File::create(tmp)?);
            reporter.write(&report, lang, &mut out)?;
            out.flush()
        })
        .map_err(err)?,
        None => write_stdout(|out| reporter.write(&report, lang, out))?,
    }
    let failing =
        report.count(Severity::Error) > 0 || (args.strict && report.count(Severity::Warning) > 0);
    Ok(if failing {
        Exit::Findings
    } else {
        Exit::Success
    })
}

/// What the analyst typed for a consolidation (`--sans-donnees-personnelles`,
/// `--inclure-non-conformes`, `--strict`), with the options as `À propos` (and the synthesis's
/// « Méthode ») list them: every one that shapes the figures (not -j: the thread count never
/// changes them).
fn choices(
    year: i32,
    (without_personal_data, include_invalid, strict): (bool, bool, bool),
    common: &CommonArgs,
) -> crate::consolidate::Choices {
    let mut options_text = vec![crate::consolidate::options_text(
        year,
        without_personal_data,
        include_invalid,
    )];
    if strict {
        options_text.push("--strict".into());
    }
    let sources = &common.sources;
    if let Some(c) = &sources.config {
        options_text.push(format!("--config {}", c.display()));
    }
    if let Some(r) = &sources.referentiel {
        options_text.push(format!("--referentiel {}", r.display()));
    }
    if let Some(s) = &sources.schemas {
        options_text.push(format!("--schemas {}", s.display()));
    }
    for p in &common.precedent {
        options_text.push(format!("--precedent {}", p.display()));
    }
    crate::consolidate::Choices {
        year,
        without_personal_data,
        include_invalid,
        options_text: options_text.join(" "),
    }
}

/// What `consolidate` and `synthese` share before the figures: the checker keeping the data,
/// the year, the inputs, the thread pool and the previous year read.
struct Batch {
    checker: Checker,
    year: i32,
    inputs: Vec<crate::inputs::Input>,
    pool: rayon::ThreadPool,
}

impl Batch {
    /// `outputs` are refused when they would overwrite an input.
    fn new(
        args: &BatchArgs,
        common: &CommonArgs,
        output: impl Fn(i32) -> Vec<PathBuf>,
    ) -> Result<(Batch, Vec<PathBuf>), CliError> {
        let checker = common.checker(args.annee)?;
        let year = checker.config.annee.ok_or_else(year_needed)?;
        let mut checker = checker.keeping_data(year);
        let (inputs, _) = crate::inputs::collect(&args.paths).map_err(err)?;
        let outputs = output(year);
        for out in &outputs {
            crate::output::refuse_overwriting_input(out, inputs.iter().map(|i| i.path()))
                .map_err(err)?;
        }
        let pool = pool(common.sources.jobs)?;
        let written: Vec<&Path> = outputs.iter().map(PathBuf::as_path).collect();
        with_previous(&mut checker, &common.precedent, &pool, &written)?;
        Ok((
            Batch {
                checker,
                year,
                inputs,
                pool,
            },
            outputs,
        ))
    }
}

impl Batch {
    /// The consolidation of the batch on its thread pool: the driver feeding `sinks`.
    fn consolidate(
        &self,
        choices: &crate::consolidate::Choices,
        sinks: &mut [&mut dyn crate::consolidate::Sink],
        progress: &(dyn Fn(crate::consolidate::Progress) + Sync),
    ) -> Result<crate::check::Report, CliError> {
        let run = || crate::consolidate::run(&self.inputs, &self.checker, choices, sinks, progress);
        self.pool
            .install(run)
            .map(|(report, _)| report)
            .map_err(failed)
    }
}

/// Writes the synthesis typeset by a consolidation to `path` and says so.
fn write_synthesis(
    synthesis: crate::synthesis::Typeset,
    path: &Path,
    lang: Lang,
) -> Result<(), CliError> {
    synthesis.write(path).map_err(CliError)?;
    let shown = path.display();
    say(
        lang,
        crate::msg!(
            "synthèse régionale écrite dans « {shown} »",
            "regional synthesis written to “{shown}”"
        ),
    );
    Ok(())
}

/// Puts the open-data package in place and says so.
fn publish(open_data: crate::open_data::OpenData, lang: Lang) -> Result<(), CliError> {
    let dir = open_data.publish().map_err(failed)?;
    let shown = dir.display();
    say(
        lang,
        crate::msg!(
            "données ouvertes écrites dans « {shown} » (datapackage.json et cinq fichiers CSV)",
            "open data written to “{shown}” (datapackage.json and five CSV files)"
        ),
    );
    Ok(())
}

/// `spro publier`: the open-data package of a batch, from the consolidation's reading.
fn publier(args: PublierArgs, lang: Lang) -> Result<Exit, CliError> {
    let (batch, outputs) = Batch::new(&args.batch, &args.common, |year| {
        vec![args
            .output
            .clone()
            .unwrap_or_else(|| crate::open_data::OpenData::default_path(year))]
    })?;
    let year = batch.year;
    // Never personal data in the package, whatever was typed.
    let choices = crate::consolidate::Choices {
        without_personal_data: true,
        ..choices(
            year,
            (false, args.inclure_non_conformes, false),
            &args.common,
        )
    };
    let mut open_data = crate::open_data::OpenData::new(&batch.checker, &choices, &outputs[0]);
    let report = batch.consolidate(&choices, &mut [&mut open_data], &|_| {})?;
    publish(open_data, lang)?;
    Ok(consolidation_exit(&report, false))
}

/// A consolidation that could not be made.
fn failed(e: crate::consolidate::Failed) -> CliError {
    CliError(crate::output::Failure::message(&e))
}

/// Exit status of a consolidation: with --strict, errors or warnings fail (what was asked is
/// written all the same).
fn consolidation_exit(report: &crate::check::Report, strict: bool) -> Exit {
    if strict && report.count(Severity::Error) + report.count(Severity::Warning) > 0 {
        Exit::Findings
    } else {
        Exit::Success
    }
}

fn synthese(args: SyntheseArgs, lang: Lang) -> Result<Exit, CliError> {
    let (batch, outputs) = Batch::new(&args.batch, &args.common, |year| {
        vec![args
            .output
            .clone()
            .unwrap_or_else(|| crate::synthesis::default_path(year))]
    })?;
    let year = batch.year;
    // The synthesis never holds personal data: no option to ask for it.
    let choices = crate::consolidate::Choices {
        without_personal_data: true,
        ..choices(
            year,
            (false, args.inclure_non_conformes, args.strict),
            &args.common,
        )
    };
    let mut synthesis = crate::synthesis::Typeset::new(&batch.checker, &choices, lang);
    let report = batch.consolidate(&choices, &mut [&mut synthesis], &|_| {})?;
    write_synthesis(synthesis, &outputs[0], lang)?;
    Ok(consolidation_exit(&report, args.strict))
}

fn consolidate(args: ConsolidateArgs, lang: Lang) -> Result<Exit, CliError> {
    let (batch, outputs) = Batch::new(&args.batch, &args.common, |year| {
        let workbook = args
            .output
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("reports/bilan-regional-{year}.xlsx")));
        let mut outputs = vec![workbook.clone()];
        if args.synthese {
            outputs.push(workbook.with_file_name(format!("synthese-regionale-{year}.pdf")));
        }
        outputs.extend(args.publier.clone());
        outputs
    })?;
    let (year, inputs, checker, output) = (batch.year, &batch.inputs, &batch.checker, &outputs[0]);
    let typed = (
        args.sans_donnees_personnelles,
        args.inclure_non_conformes,
        args.strict,
    );
    let choices = choices(year, typed, &args.common);
    let done = Msg::new("écrits", "written");
    let progress = progress_bar(inputs.len(), args.common.quiet, done, lang);
    let show = |p| match p {
        crate::consolidate::Progress::Written { pass, files } => {
            if pass > 1 && files == 0 {
                progress.set_message(crate::i18n::pick(
                    lang,
                    "(seconde passe : réseaux en double)",
                    "(second pass: networks sent twice)",
                ));
            }
            progress.set_position(files as u64);
        }
        crate::consolidate::Progress::Saving => {
            progress.set_message(crate::i18n::pick(
                lang,
                "enregistrement du classeur…",
                "saving the workbook…",
            ));
        }
    };
    let storage = crate::consolidate::Storage::Streamed;
    let mut workbook = crate::consolidate::RegionalWorkbook::new(checker, &choices, storage);
    let mut synthesis = crate::synthesis::Typeset::new(checker, &choices, lang);
    let package = args.publier.as_deref().unwrap_or(Path::new("."));
    let mut open_data = crate::open_data::OpenData::new(checker, &choices, package);
    let mut sinks: Vec<&mut dyn crate::consolidate::Sink> = vec![&mut workbook];
    if args.synthese {
        sinks.push(&mut synthesis);
    }
    if args.publier.is_some() {
        sinks.push(&mut open_data);
    }
    let report = batch.consolidate(&choices, &mut sinks, &show)?;
    show(crate::consolidate::Progress::Saving);
    workbook.save(output).map_err(err)?;
    progress.finish_and_clear();
    say_written(&report, output, lang);
    if args.synthese {
        write_synthesis(synthesis, &outputs[1], lang)?;
    }
    if args.publier.is_some() {
        publish(open_data, lang)?;
    }
    Ok(consolidation_exit(&report, args.strict))
}

/// « classeur régional écrit dans … (7 fichiers, 2 erreurs, 6 avertissements) ».
fn say_written(report: &crate::check::Report, output: &Path, lang: Lang) {
    let (shown, files) = (output.display(), report.files.len());
    let (errors, warnings) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
    );
    say(lang, {
        use crate::i18n::counted;
        let files = counted(files, ["fichier", "fichiers"], ["file", "files"]);
        let errors = counted(errors, ["erreur", "erreurs"], ["error", "errors"]);
        let warnings = counted(
            warnings,
            ["avertissement", "avertissements"],
            ["warning", "warnings"],
        );
        let (f, e, w) = (&files.fr, &errors.fr, &warnings.fr);
        let (fe, ee, we) = (&files.en, &errors.en, &warnings.en);
        crate::msg!(
            "classeur régional écrit dans « {shown} » ({f}, {e}, {w})",
            "regional workbook written to “{shown}” ({fe}, {ee}, {we})"
        )
    });
}

fn template(args: TemplateArgs, lang: Lang) -> Result<Exit, CliError> {
    let config = load_config(args.config.as_deref(), args.annee, None)?;
    let year = config.annee.ok_or_else(year_needed)?;
    let registry = match args.schemas.as_ref().or(config.schemas.as_ref()) {
        Some(dir) => std::sync::Arc::new(registry(dir)?),
        None => crate::registry::Registry::embedded(),
    };
    let version = match &args.modele {
        Some(name) => registry
            .version(name)
            .ok_or_else(|| unknown_version(&registry, name))?,
        None => registry.serving(year),
    };
    let output = args
        .output
        .unwrap_or_else(|| PathBuf::from(format!("reports/tableau-de-bord-{year}.xlsx")));
    let edition = crate::template::Edition {
        logo_region: args.logo_region,
        logo_spro: args.logo_spro,
        ..crate::template::Edition::of(&registry, version, year)
    };
    crate::template::write(&version.schemas, &edition, &output).map_err(err)?;
    let (shown, version) = (output.display(), &version.version);
    say(
        lang,
        crate::msg!(
            "modèle {year} (version {version}) écrit dans « {shown} »",
            "template {year} (version {version}) written to “{shown}”"
        ),
    );
    Ok(Exit::Success)
}

fn serve(args: ServeArgs) -> Result<Exit, CliError> {
    let checker = args.sources.checker(args.annee)?;
    let jobs = jobs(args.sources.jobs)?;
    let template_year = checker.config.annee.unwrap_or_else(last_year);
    let mut settings = crate::serve::Settings::new(args.listen, jobs, template_year);
    settings.queue_timeout = std::time::Duration::from_secs(args.attente_s);
    settings.upload_timeout = std::time::Duration::from_secs(args.envoi_s);
    settings.download_ttl = std::time::Duration::from_secs(args.conservation_s);
    settings.checks_memory_mib = args.memoire_mo.max(1);
    settings.downloads_cap = args.telechargements_mo.max(1).saturating_mul(1024 * 1024);
    crate::serve::run(checker, settings).map_err(CliError)?;
    Ok(Exit::Success)
}

/// The year before the current one: the bilan being written.
fn last_year() -> i32 {
    use chrono::Datelike;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    chrono::DateTime::from_timestamp(now, 0).map_or(2025, |d| d.year() - 1)
}
