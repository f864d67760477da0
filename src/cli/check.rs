//! `spro check`: a batch checked, its report in the format asked, the annotated copies.

use super::*;

pub(super) fn check(args: CheckArgs, lang: Lang) -> Result<Exit, CliError> {
    let settings = args.common.settings(args.annee)?;
    let (inputs, any_folder) = crate::inputs::collect(&args.paths).map_err(err)?;
    if let Some(out) = &args.output {
        crate::output::refuse_overwriting_input(out, inputs.iter().map(|i| i.path()))
            .map_err(err)?;
    }
    let pool = pool(args.common.sources.jobs)?;
    let checker = build(settings, &pool, args.output.as_deref().as_slice())?;
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
            say_copies(written.len(), dir, lang);
            report
        }
    };
    progress.finish_and_clear();
    // A crash after the check, for the test that the panic hook still speaks (debug builds).
    #[cfg(debug_assertions)]
    if std::env::var_os("SPRO_TEST_PANIQUE_AU_RENDU").is_some() {
        panic!("panne simulée au rendu du rapport");
    }
    write_report(&args, &report, lang)?;
    let failing =
        report.count(Severity::Error) > 0 || (args.strict && report.count(Severity::Warning) > 0);
    Ok(if failing {
        Exit::Findings
    } else {
        Exit::Success
    })
}

/// The report in the format asked, to `--output` (written whole or not at all) or to the
/// standard output; in colour only for a person at a terminal.
fn write_report(
    args: &CheckArgs,
    report: &crate::check::Report,
    lang: Lang,
) -> Result<(), CliError> {
    let color = args.format == ReportFormat::Human
        && args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let reporter = crate::report::for_format(args.format, color);
    match &args.output {
        Some(path) => crate::output::write_with(path, |tmp| {
            let mut out = std::io::BufWriter::new(std::fs::File::create(tmp)?);
            reporter.write(report, lang, &mut out)?;
            out.flush()
        })
        .map_err(err)?,
        None => write_stdout(|out| reporter.write(report, lang, out))?,
    }
    Ok(())
}

/// « 3 copies annotées dans « DOSSIER » ».
fn say_copies(n: usize, dir: &Path, lang: Lang) {
    let shown = dir.display();
    say(lang, {
        let copies = crate::i18n::counted(
            n,
            ["copie annotée", "copies annotées"],
            ["annotated copy", "annotated copies"],
        );
        let (fr, en) = (&copies.fr, &copies.en);
        crate::msg!("{fr} dans « {shown} »", "{en} in “{shown}”")
    });
}
