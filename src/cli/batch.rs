//! What `consolidate`, `synthese` and `publier` share: the checker keeping the data, the
//! inputs, the thread pool and the year before (`Batch`), the analyst's choices, the outputs'
//! last steps and the exit code of a consolidation.

use super::*;

/// What the analyst typed for a consolidation (`--sans-donnees-personnelles`,
/// `--inclure-non-conformes`, `--strict`), with the options as `À propos` (and the synthesis's
/// « Méthode ») list them: every one that shapes the figures (not -j: the thread count never
/// changes them).
pub(super) fn choices(
    year: i32,
    common: &CommonArgs,
    without_personal_data: bool,
    include_invalid: bool,
    strict: bool,
) -> crate::consolidate::Choices {
    let mut more = Vec::new();
    if strict {
        more.push("--strict".into());
    }
    let sources = &common.sources;
    if let Some(c) = &sources.config {
        more.push(format!("--config {}", c.display()));
    }
    if let Some(r) = &sources.referentiel {
        more.push(format!("--referentiel {}", r.display()));
    }
    if let Some(s) = &sources.schemas {
        more.push(format!("--schemas {}", s.display()));
    }
    for p in &common.precedent {
        more.push(format!("--precedent {}", p.display()));
    }
    crate::consolidate::Choices::new(year, without_personal_data, include_invalid, &more)
}

/// What `consolidate` and `synthese` share before the figures: the checker keeping the data,
/// the year, the inputs, the thread pool and the previous year read.
pub(super) struct Batch {
    pub(super) checker: Checker,
    pub(super) year: i32,
    pub(super) inputs: Vec<crate::inputs::Input>,
    pool: rayon::ThreadPool,
}

impl Batch {
    /// `outputs` are refused when they would overwrite an input.
    pub(super) fn new(
        args: &BatchArgs,
        common: &CommonArgs,
        output: impl Fn(i32) -> Vec<PathBuf>,
    ) -> Result<(Batch, Vec<PathBuf>), CliError> {
        let mut settings = common.settings(args.annee)?;
        let year = settings.config.annee.ok_or_else(year_needed)?;
        settings.keep_data = true;
        let (inputs, _) = crate::inputs::collect(&args.paths).map_err(err)?;
        let outputs = output(year);
        for out in &outputs {
            crate::output::refuse_overwriting_input(out, inputs.iter().map(|i| i.path()))
                .map_err(err)?;
        }
        let pool = pool(common.sources.jobs)?;
        let written: Vec<&Path> = outputs.iter().map(PathBuf::as_path).collect();
        let checker = build(settings, &pool, &written)?;
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
    pub(super) fn consolidate(
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
pub(super) fn write_synthesis(
    synthesis: crate::synthesis::Typeset,
    path: &Path,
    lang: Lang,
) -> Result<(), CliError> {
    synthesis.write(path).map_err(err)?;
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
pub(super) fn publish(open_data: crate::open_data::OpenData, lang: Lang) -> Result<(), CliError> {
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

/// A consolidation that could not be made.
pub(super) fn failed(e: crate::consolidate::Failed) -> CliError {
    CliError(crate::i18n::Said::said(&e))
}

/// Exit status of a consolidation: with --strict, errors or warnings fail (what was asked is
/// written all the same).
pub(super) fn consolidation_exit(report: &crate::check::Report, strict: bool) -> Exit {
    if strict && report.count(Severity::Error) + report.count(Severity::Warning) > 0 {
        Exit::Findings
    } else {
        Exit::Success
    }
}
