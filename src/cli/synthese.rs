//! `spro synthese`: the regional synthesis (PDF).

use super::*;

pub(super) fn synthese(args: SyntheseArgs, lang: Lang) -> Result<Exit, CliError> {
    let (batch, outputs) = Batch::new(&args.batch, &args.common, |year| {
        vec![args
            .output
            .clone()
            .unwrap_or_else(|| crate::synthesis::default_path(year))]
    })?;
    let year = batch.year;
    // The synthesis never holds personal data: no option to ask for it.
    let choices = choices(
        year,
        &args.common,
        false,
        args.inclure_non_conformes,
        args.strict,
    )
    .never_personal();
    let mut synthesis = crate::synthesis::Typeset::new(&batch.checker, &choices, lang);
    let report = batch.consolidate(&choices, &mut [&mut synthesis], &|_| {})?;
    write_synthesis(synthesis, &outputs[0], lang)?;
    Ok(consolidation_exit(&report, args.strict))
}
