//! `spro modeles`: the registry's versions, their differences, a registry checked.

use super::*;

/// `spro modeles`: the versions of the registry, what changed between two, or whether a
/// registry holds together.
pub(super) fn modeles(args: ModelesArgs, lang: Lang) -> Result<Exit, CliError> {
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
            print_stdout(&crate::registry::diff::render(
                from, to, &changes, format, lang,
            ))?;
        }
    }
    Ok(Exit::Success)
}
