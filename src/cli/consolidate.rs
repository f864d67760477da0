//! `spro consolidate`: the regional workbook, and with it the synthesis and the open data.

use super::*;

pub(super) fn consolidate(args: ConsolidateArgs, lang: Lang) -> Result<Exit, CliError> {
    let (batch, outputs) = Batch::new(&args.batch, &args.common, |year| outputs(&args, year))?;
    let (year, inputs, checker, output) = (batch.year, &batch.inputs, &batch.checker, &outputs[0]);
    let choices = choices(
        year,
        &args.common,
        args.sans_donnees_personnelles,
        args.inclure_non_conformes,
        args.strict,
    );
    let done = Msg::new("écrits", "written");
    let progress = progress_bar(inputs.len(), args.common.quiet, done, lang);
    let show = |p| shown(&progress, p, lang);
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
pub(super) fn say_written(report: &crate::check::Report, output: &Path, lang: Lang) {
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

/// The files a consolidation writes: the workbook (`-o`, else `reports/`), the synthesis beside
/// it (`--synthese`), the open-data package (`--publier`).
fn outputs(args: &ConsolidateArgs, year: i32) -> Vec<PathBuf> {
    let workbook = args
        .output
        .clone()
        .unwrap_or_else(|| crate::output::Produced::RegionalWorkbook.default_path(year));
    let mut outputs = vec![workbook.clone()];
    if args.synthese {
        outputs.push(workbook.with_file_name(crate::output::Produced::Synthesis.file_name(year)));
    }
    outputs.extend(args.publier.clone());
    outputs
}

/// How the consolidation goes, on the progress bar: files written, a second pass, the saving.
fn shown(progress: &indicatif::ProgressBar, p: crate::consolidate::Progress, lang: Lang) {
    match p {
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
    }
}
