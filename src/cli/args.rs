//! The clap definitions of the commands' options (the commands themselves: a file each).

use super::*;

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
    /// The settings of these options for `year`: their sources, the version `--modele` forces
    /// (refused when the registry does not have it, before any file is read), last year's files
    /// (`--precedent`, else `spro.toml`'s).
    pub(super) fn settings(&self, year: Option<i32>) -> Result<CheckSettings, CliError> {
        let mut settings = self.sources.settings(year)?;
        if let Some(name) = &self.modele {
            settings = settings.forcing(name).map_err(err)?;
        }
        settings.previous = crate::evolution::previous::paths(&self.precedent, &settings.config);
        Ok(settings)
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
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
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
    /// Dossier de la campagne : les bilans y sont déposés et conservés (sinon « donnees » de
    /// la section [campagne] de spro.toml ; sans lui, la page ne garde rien).
    #[arg(long, value_name = "DOSSIER")]
    pub donnees: Option<PathBuf>,
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

/// `spro campagne`: the campaign's store, administered on the server.
#[derive(Debug, clap::Args)]
pub struct CampagneArgs {
    #[command(subcommand)]
    pub action: CampagneAction,
    /// Dossier de la campagne (sinon « donnees » de la section [campagne] de spro.toml).
    #[arg(long, value_name = "DOSSIER", global = true)]
    pub donnees: Option<PathBuf>,
    /// Fichier de configuration (par défaut : spro.toml du dossier courant, s'il existe).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Référentiel des réseaux (JSON) à utiliser à la place de celui fourni.
    #[arg(long, global = true)]
    pub referentiel: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CampagneAction {
    /// Ouvre la campagne d'une année : les réseaux attendus sont ceux du référentiel.
    Ouvrir {
        /// Année des bilans collectés.
        #[arg(long, value_parser = year())]
        annee: i32,
        /// Date limite de dépôt, AAAA-MM-JJ (sinon date_limite_transmission de spro.toml,
        /// sinon le 31 mars de l'année suivante).
        #[arg(long, value_name = "AAAA-MM-JJ")]
        date_limite: Option<chrono::NaiveDate>,
        /// Accepte aussitôt un dépôt sans erreur.
        #[arg(long)]
        acceptation_automatique: bool,
    },
    /// Clôt la campagne : elle ne reçoit plus de dépôt.
    Clore {
        #[arg(long, value_parser = year())]
        annee: Option<i32>,
    },
    /// Rouvre une campagne close pour un réseau.
    Rouvrir {
        #[arg(long)]
        reseau: String,
        #[arg(long, value_parser = year())]
        annee: Option<i32>,
    },
    /// Invite les personnes d'un fichier CSV (courriel,role,reseaux[,actif]) ; code de sortie 1
    /// si une ligne est refusée.
    Inviter { fichier: PathBuf },
    /// Écrit un lien de connexion (15 minutes, à usage unique) pour cette adresse.
    Lien { courriel: String },
    /// Écrit un jeton d'API pour cette adresse (ou les révoque tous).
    Jeton {
        courriel: String,
        #[arg(long)]
        revoquer: bool,
    },
    /// Retire une personne : ses sessions, liens et jetons cessent aussitôt.
    Retirer { courriel: String },
    /// Le tableau de bord de la campagne.
    Etat {
        #[arg(long, value_parser = year())]
        annee: Option<i32>,
        /// human (un tableau) ou json (celui de GET /api/campagne).
        #[arg(long, value_enum, default_value_t = EtatFormat::Human)]
        format: EtatFormat,
    },
    /// Vérifie le magasin : la base, le fichier et l'empreinte de chaque dépôt, la chaîne du
    /// journal ; code de sortie 1 en nommant ce qui ne va pas.
    Verifier,
    /// Écrit une copie cohérente du magasin (archive tar), même serveur en marche.
    Sauvegarder { archive: PathBuf },
    /// Écrit le fichier retenu de chaque réseau dans DOSSIER (<code>.<ext>) avec
    /// provenance.csv : la forme du dépôt de données, que « spro consolidate DOSSIER » lit.
    Exporter {
        dossier: PathBuf,
        /// Les dépôts retenus : le dernier accepté (acceptes) ou le dernier sans erreur.
        #[arg(long, value_enum, default_value_t = DepotsRetenus::Acceptes)]
        depots: DepotsRetenus,
    },
    /// Consolide les dépôts retenus de la campagne en cours : le classeur régional (et la
    /// synthèse, les données ouvertes), comme « spro consolidate » de ces fichiers, leur
    /// provenance dans « À propos ».
    Consolider {
        /// Classeur régional à écrire (sinon reports/bilan-regional-<annee>.xlsx).
        #[arg(short = 'o', long = "sortie", value_name = "FICHIER")]
        sortie: Option<PathBuf>,
        /// Écrit aussi la synthèse (PDF) à côté du classeur.
        #[arg(long)]
        synthese: bool,
        /// Écrit aussi le paquet de données ouvertes dans ce dossier.
        #[arg(long, value_name = "DOSSIER")]
        publier: Option<PathBuf>,
        /// Les dépôts retenus : le dernier accepté (acceptes) ou le dernier sans erreur.
        #[arg(long, value_enum, default_value_t = DepotsRetenus::Acceptes)]
        depots: DepotsRetenus,
    },
    /// Revérifie le dernier dépôt de chaque réseau avec les règles et le registre
    /// d'aujourd'hui ; le nouveau rapport est gardé à côté de l'original.
    Reverifier,
    /// Envoie les relances dues aujourd'hui (une semaine avant la date limite aux réseaux
    /// attendus ou à corriger, après elle à ceux qui n'ont rien déposé), chacune une fois.
    Relancer {
        /// Dit qui serait relancé, sans rien envoyer ni noter.
        #[arg(long)]
        simuler: bool,
    },
    /// Supprime les dépôts, décisions et fichiers des campagnes closes depuis plus de
    /// « conservation_ans » (5 ans par défaut), et les personnes dont plus rien n'a besoin.
    Purger,
    /// Restaure une sauvegarde dans un dossier vide.
    Restaurer { archive: PathBuf, dossier: PathBuf },
}

/// Which deposit of each network a consolidation or an export takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DepotsRetenus {
    Acceptes,
    /// Written as the contract and the page's form write it; `sans-erreur` read too.
    #[value(name = "sans_erreur", alias = "sans-erreur")]
    SansErreur,
}

/// The forms of `spro campagne etat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EtatFormat {
    Human,
    Json,
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

impl SourceArgs {
    /// The settings these options describe, for `year` (else spro.toml's).
    pub(super) fn settings(&self, year: Option<i32>) -> Result<CheckSettings, CliError> {
        let config = load_config(self.config.as_deref(), year, self.referentiel.as_deref())?;
        settings(config, self.schemas.as_deref())
    }
}
