//! `spro serve`: the page, on the address asked.

use super::*;

pub(super) fn serve(args: ServeArgs) -> Result<Exit, CliError> {
    let checks = args.sources.settings(args.annee)?;
    let campaign = checks.config.campaign.clone();
    let jobs = jobs(args.sources.jobs)?;
    let template_year = checks.config.annee.unwrap_or_else(last_year);
    let mut settings = crate::serve::Settings::new(args.listen, jobs, template_year);
    settings.queue_timeout = std::time::Duration::from_secs(args.attente_s);
    settings.upload_timeout = std::time::Duration::from_secs(args.envoi_s);
    settings.download_ttl = std::time::Duration::from_secs(args.conservation_s);
    settings.checks_memory_mib = args.memoire_mo.max(1);
    settings.downloads_cap = args.telechargements_mo.max(1).saturating_mul(1024 * 1024);
    settings.campaign = args.donnees.or(campaign.store);
    settings.public_address = campaign.public_address;
    settings.smtp = campaign.smtp;
    settings.data_contact = campaign.data_contact;
    crate::serve::run(checks, settings).map_err(err)?;
    Ok(Exit::Success)
}
