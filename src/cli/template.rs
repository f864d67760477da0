//! `spro template`: the blank tableau de bord of a version.

use super::*;

pub(super) fn template(args: TemplateArgs, lang: Lang) -> Result<Exit, CliError> {
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
        .unwrap_or_else(|| crate::output::Produced::Template.default_path(year));
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
