//! `spro campagne`: the campaign's store, administered on the server (docs/region/campagne.md).

use super::*;
use crate::campaign::{Opening, Store};

/// `spro campagne …`: each action on the store of `--donnees` (else `[campagne] donnees`).
pub(super) fn campagne(args: CampagneArgs, lang: Lang) -> Result<Exit, CliError> {
    let config = load_config(args.config.as_deref(), None, args.referentiel.as_deref())?;
    if let CampagneAction::Restaurer { archive, dossier } = &args.action {
        crate::campaign::integrity::restore(archive, dossier).map_err(err)?;
        let shown = dossier.display();
        say(
            lang,
            crate::msg!(
                "sauvegarde restaurée dans « {shown} »",
                "backup restored into “{shown}”"
            ),
        );
        return Ok(Exit::Success);
    }
    let store = open_store(args.donnees.as_deref(), &config)?;
    match args.action {
        CampagneAction::Ouvrir {
            annee,
            date_limite,
            acceptation_automatique,
        } => open(
            &store,
            config,
            annee,
            date_limite,
            acceptation_automatique,
            lang,
        ),
        CampagneAction::Inviter { fichier } => invite(&store, &config, &fichier, lang),
        CampagneAction::Lien { courriel } => {
            let secret = store.login_link(&courriel).map_err(err)?;
            let base = public_address(&config);
            print_stdout(&format!("{base}/connexion/{secret}\n"))?;
            Ok(Exit::Success)
        }
        CampagneAction::Jeton { courriel, revoquer } => token(&store, &courriel, revoquer, lang),
        CampagneAction::Etat { annee, format } => state(&store, annee, format, lang),
        CampagneAction::Verifier => verify(&store, lang),
        CampagneAction::Reverifier => recheck(&store, config, lang),
        CampagneAction::Relancer { simuler } => remind(&store, &config, simuler, lang),
        CampagneAction::Consolider {
            sortie,
            synthese,
            publier,
            depots,
        } => {
            let outputs = Outputs {
                workbook: sortie,
                synthesis: synthese,
                open_data: publier,
            };
            consolidate(&store, config, outputs, chosen(depots), lang)
        }
        other => {
            say(lang, change(&store, other, config.campaign.keep_years)?);
            Ok(Exit::Success)
        }
    }
}

/// `reverifier`: each network's latest deposit checked again; what changed is said.
fn recheck(store: &Store, config: Config, lang: Lang) -> Result<Exit, CliError> {
    let settings = settings(config, None)?;
    let pool = pool(None)?;
    let checker = build(settings, &pool, &[])?;
    let done = store.recheck(&checker).map_err(err)?;
    for r in done.iter().filter(|r| r.before != r.after) {
        let (code, id, before, after) = (&r.network, r.deposit, &r.before, &r.after);
        say(
            lang,
            crate::msg!(
                "{code} (dépôt {id}) : {before} → {after}",
                "{code} (deposit {id}): {before} → {after}"
            ),
        );
    }
    let (n, changed) = (
        done.len(),
        done.iter().filter(|r| r.before != r.after).count(),
    );
    say(
        lang,
        crate::msg!(
            "{n} dépôt(s) revérifié(s), {changed} verdict(s) changé(s)",
            "{n} deposit(s) checked again, {changed} verdict(s) changed"
        ),
    );
    Ok(Exit::Success)
}

/// `relancer`: the reminders due today, sent once each; with `--simuler`, or without SMTP,
/// only said.
fn remind(store: &Store, config: &Config, simulate: bool, lang: Lang) -> Result<Exit, CliError> {
    let due = store.reminders_due().map_err(err)?;
    let base = public_address(config);
    for r in &due {
        let letter = r.letter(&base);
        let (code, to, subject) = (&r.network, letter.to.join(", "), &letter.subject);
        let to = if to.is_empty() {
            "personne".to_string()
        } else {
            to
        };
        say(
            lang,
            crate::msg!(
                "{code} : « {subject} » à {to}",
                "{code}: “{subject}” to {to}"
            ),
        );
    }
    let n = due.len();
    if simulate {
        say(
            lang,
            crate::msg!(
                "{n} relance(s) due(s) : rien n'a été envoyé (--simuler)",
                "{n} reminder(s) due: nothing was sent (--simuler)"
            ),
        );
        return Ok(Exit::Success);
    }
    let postman = match &config.campaign.smtp {
        Some(smtp) => Some(crate::campaign::mail::Postman::new(smtp).map_err(err)?),
        None => None,
    };
    let mut sent = 0;
    for r in &due {
        let letter = r.letter(&base);
        if store
            .post(postman.as_ref(), &r.key, Some(r.year), &letter)
            .map_err(err)?
        {
            sent += 1;
        }
    }
    if postman.is_some() {
        say(
            lang,
            crate::msg!(
                "{sent} relance(s) envoyée(s) sur {n} due(s)",
                "{sent} reminder(s) sent of {n} due"
            ),
        );
    } else {
        say(lang, crate::msg!(
            "{n} relance(s) due(s) : aucun serveur SMTP n'est configuré ([campagne.smtp]), rien n'a été envoyé ; le tableau de bord de la campagne les liste",
            "{n} reminder(s) due: no SMTP server is configured ([campagne.smtp]), nothing was sent; the campaign's dashboard lists them"
        ));
    }
    Ok(Exit::Success)
}

/// Which deposits, as the library names them.
fn chosen(depots: DepotsRetenus) -> crate::campaign::export::Chosen {
    match depots {
        DepotsRetenus::Acceptes => crate::campaign::export::Chosen::Accepted,
        DepotsRetenus::SansErreur => crate::campaign::export::Chosen::WithoutError,
    }
}

/// What `consolider` writes.
struct Outputs {
    workbook: Option<PathBuf>,
    synthesis: bool,
    open_data: Option<PathBuf>,
}

/// `consolider`: the chosen deposits consolidated as `spro consolidate` would their files,
/// `À propos` naming each deposit.
fn consolidate(
    store: &Store,
    config: Config,
    outputs: Outputs,
    which: crate::campaign::export::Chosen,
    lang: Lang,
) -> Result<Exit, CliError> {
    let (inputs, source) = store.consolidation_inputs(which).map_err(err)?;
    let year = source.year;
    let mut settings = settings(config, None)?;
    settings.config.annee = Some(year);
    settings.keep_data = true;
    let workbook_path = outputs
        .workbook
        .unwrap_or_else(|| crate::output::Produced::RegionalWorkbook.default_path(year));
    let synthesis_path =
        workbook_path.with_file_name(crate::output::Produced::Synthesis.file_name(year));
    let pool = pool(None)?;
    let checker = build(settings, &pool, &[workbook_path.as_path()])?;
    let typed = format!("--depots {}", source.chosen);
    let choices =
        crate::consolidate::Choices::new(year, false, false, &[typed]).from_campaign(source);
    let storage = crate::consolidate::Storage::Streamed;
    let mut workbook = crate::consolidate::RegionalWorkbook::new(&checker, &choices, storage);
    let never_personal = choices.clone().never_personal();
    let mut synthesis = crate::synthesis::Typeset::new(&checker, &never_personal, lang);
    let package = outputs
        .open_data
        .clone()
        .unwrap_or_else(|| PathBuf::from("."));
    let mut open_data = crate::open_data::OpenData::new(&checker, &never_personal, &package);
    let mut sinks: Vec<&mut dyn crate::consolidate::Sink> = vec![&mut workbook];
    if outputs.synthesis {
        sinks.push(&mut synthesis);
    }
    if outputs.open_data.is_some() {
        sinks.push(&mut open_data);
    }
    let run = || crate::consolidate::run(&inputs, &checker, &choices, &mut sinks, &|_| {});
    let (report, _) = pool.install(run).map_err(super::batch::failed)?;
    workbook.save(&workbook_path).map_err(err)?;
    super::consolidate::say_written(&report, &workbook_path, lang);
    if outputs.synthesis {
        write_synthesis(synthesis, &synthesis_path, lang)?;
    }
    if outputs.open_data.is_some() {
        publish(open_data, lang)?;
    }
    Ok(consolidation_exit(&report, false))
}

/// The actions that change the store or write from it and say what they did.
fn change(store: &Store, action: CampagneAction, keep_years: u32) -> Result<Msg, CliError> {
    Ok(match action {
        CampagneAction::Clore { annee } => {
            let year = store.close_campaign(annee).map_err(err)?;
            crate::msg!("campagne {year} close", "{year} campaign closed")
        }
        CampagneAction::Rouvrir { reseau, annee } => {
            let year = store.reopen_for(&reseau, annee).map_err(err)?;
            crate::msg!(
                "campagne {year} rouverte pour le réseau {reseau}",
                "{year} campaign reopened for network {reseau}"
            )
        }
        CampagneAction::Retirer { courriel } => {
            store.remove_person(&courriel).map_err(err)?;
            crate::msg!("{courriel} retiré(e)", "{courriel} removed")
        }
        CampagneAction::Purger => {
            let p = store.purge(keep_years).map_err(err)?;
            let years: Vec<String> = p.campaigns.iter().map(i32::to_string).collect();
            let years = if years.is_empty() {
                "aucune".to_string()
            } else {
                years.join(", ")
            };
            let (d, f, n) = (p.deposits, p.files, p.people);
            crate::msg!(
                "purge ({keep_years} ans de conservation) : campagnes {years}, {d} dépôt(s), {f} fichier(s), {n} personne(s) supprimés",
                "purge ({keep_years} years kept): campaigns {years}, {d} deposit(s), {f} file(s), {n} person(s) removed"
            )
        }
        CampagneAction::Sauvegarder { archive } => {
            let files = store.back_up(&archive).map_err(err)?;
            let shown = archive.display();
            crate::msg!(
                "sauvegarde écrite dans « {shown} » (la base et {files} fichiers)",
                "backup written to “{shown}” (the database and {files} files)"
            )
        }
        CampagneAction::Exporter { dossier, depots } => {
            let written = store.export(&dossier, chosen(depots)).map_err(err)?;
            let (n, shown) = (written.len(), dossier.display());
            crate::msg!(
                "{n} fichier(s) et provenance.csv écrits dans « {shown} »",
                "{n} file(s) and provenance.csv written to “{shown}”"
            )
        }
        _ => unreachable!("the other actions are handled by `campagne`"),
    })
}

/// `jeton`: a new API token on standard output, or every token of the person revoked.
fn token(store: &Store, address: &str, revoke: bool, lang: Lang) -> Result<Exit, CliError> {
    match store.api_token(address, revoke).map_err(err)? {
        Some(token) => print_stdout(&format!("{token}\n"))?,
        None => say(
            lang,
            crate::msg!(
                "jetons de {address} révoqués",
                "tokens of {address} revoked"
            ),
        ),
    }
    Ok(Exit::Success)
}

/// `etat`: the dashboard, as a table or as the API's JSON.
fn state(
    store: &Store,
    year: Option<i32>,
    format: EtatFormat,
    lang: Lang,
) -> Result<Exit, CliError> {
    let dashboard = store.dashboard(year).map_err(err)?;
    let text = match format {
        EtatFormat::Json => serde_json::to_string_pretty(&dashboard).map_err(tech)? + "\n",
        EtatFormat::Human => crate::campaign::dashboard::table(&dashboard, lang),
    };
    print_stdout(&text)?;
    Ok(Exit::Success)
}

/// The store of `--donnees`, else of the configuration.
fn open_store(dir: Option<&Path>, config: &Config) -> Result<Store, CliError> {
    let Some(dir) = dir.or(config.campaign.store.as_deref()) else {
        return Err(CliError(crate::msg!(
            "aucun dossier de campagne : indiquez-le avec --donnees DOSSIER ou « donnees » dans la section [campagne] de spro.toml",
            "no campaign folder: give it with --donnees FOLDER or “donnees” in the [campagne] section of spro.toml"
        )));
    };
    Store::open(dir).map_err(err)
}

/// The address in the links: `[campagne] adresse_publique`, else the server's default.
fn public_address(config: &Config) -> String {
    config
        .campaign
        .public_address
        .clone()
        .unwrap_or_else(|| "http://127.0.0.1:8080".to_string())
        .trim_end_matches('/')
        .to_string()
}

fn open(
    store: &Store,
    config: Config,
    year: i32,
    deadline: Option<chrono::NaiveDate>,
    auto_accept: bool,
    lang: Lang,
) -> Result<Exit, CliError> {
    let deadline = deadline
        .or_else(|| config.deadline.for_year(year))
        .ok_or_else(|| {
            CliError(crate::msg!(
                "la date limite de {year} n'existe pas : donnez-la avec --date-limite AAAA-MM-JJ",
                "the {year} deadline does not exist: give it with --date-limite YYYY-MM-DD"
            ))
        })?;
    let auto_accept = auto_accept || config.campaign.auto_accept;
    let settings = settings(config, None)?;
    let registry = settings
        .registry
        .clone()
        .unwrap_or_else(crate::registry::Registry::embedded);
    let opening = Opening {
        year,
        model: registry.serving(year).version.clone(),
        deadline,
        auto_accept,
    };
    store
        .open_campaign(&opening, &settings.referential)
        .map_err(err)?;
    let (n, model) = (settings.referential.networks.len(), &opening.model);
    say(
        lang,
        crate::msg!(
        "campagne {year} ouverte : {n} réseaux attendus, modèle {model}, date limite {deadline}",
        "{year} campaign opened: {n} networks expected, template {model}, deadline {deadline}"
    ),
    );
    Ok(Exit::Success)
}

fn invite(store: &Store, config: &Config, file: &Path, lang: Lang) -> Result<Exit, CliError> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        let shown = file.display();
        CliError(crate::msg!(
            "impossible de lire « {shown} » : {e}",
            "cannot read “{shown}”: {e}"
        ))
    })?;
    let referential = match &config.referentiel {
        Some(p) => Referential::load(p).map_err(err)?,
        None => Referential::embedded(),
    };
    let known: Vec<String> = referential
        .networks
        .iter()
        .map(|n| n.code.clone())
        .collect();
    let invited = store.invite(&text, &known).map_err(err)?;
    for (line, why) in &invited.refused {
        let (fr, en) = (&why.fr, &why.en);
        say(
            lang,
            crate::msg!("ligne {line} refusée : {fr}", "line {line} refused: {en}"),
        );
    }
    let (applied, refused) = (invited.applied, invited.refused.len());
    say(
        lang,
        crate::msg!(
            "{applied} personne(s) invitée(s), {refused} ligne(s) refusée(s)",
            "{applied} person(s) invited, {refused} line(s) refused"
        ),
    );
    Ok(if refused > 0 {
        Exit::Findings
    } else {
        Exit::Success
    })
}

fn verify(store: &Store, lang: Lang) -> Result<Exit, CliError> {
    let found = store.verify().map_err(err)?;
    for problem in &found.0 {
        say(lang, problem.clone());
    }
    if found.0.is_empty() {
        let shown = store.dir().display();
        say(
            lang,
            crate::msg!(
                "magasin « {shown} » intact : base, fichiers et journal",
                "store “{shown}” whole: database, files and journal"
            ),
        );
        Ok(Exit::Success)
    } else {
        Ok(Exit::Findings)
    }
}
