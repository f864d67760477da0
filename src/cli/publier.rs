//! `spro publier`: the open-data package.

use super::*;

/// `spro publier`: the open-data package of a batch, from the consolidation's reading.
pub(super) fn publier(args: PublierArgs, lang: Lang) -> Result<Exit, CliError> {
    let (batch, outputs) = Batch::new(&args.batch, &args.common, |year| {
        vec![args
            .output
            .clone()
            .unwrap_or_else(|| crate::open_data::OpenData::default_path(year))]
    })?;
    let year = batch.year;
    // Never personal data in the package, whatever was typed.
    let choices =
        choices(year, &args.common, false, args.inclure_non_conformes, false).never_personal();
    let mut open_data = crate::open_data::OpenData::new(&batch.checker, &choices, &outputs[0]);
    let report = batch.consolidate(&choices, &mut [&mut open_data], &|_| {})?;
    publish(open_data, lang)?;
    Ok(consolidation_exit(&report, false))
}
