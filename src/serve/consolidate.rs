//! `/consolider` and `/synthese`: the regional workbook, or the regional synthesis (PDF), of
//! the uploaded files, built in memory from one reading of them; or a 413 pointing to
//! `spro consolidate` when it would pass the memory budget.

use super::*;
use crate::serve::upload::Flag;

/// What the analyst asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wanted {
    Workbook,
    Synthesis,
    /// The open-data package, as a zip.
    OpenData,
}

/// `/consolider`: the year's workbooks (30 at most), read whole in memory, consolidated with
/// every check slot (the machine is the analyst's for that time).
pub(super) async fn consolidate(
    State(service): State<Shared>,
    request: Request,
) -> Result<Response, ServeError> {
    answer(service, Lang::Fr, request, Wanted::Workbook).await
}

/// `/synthese`: the same form as `/consolider`, the synthesis in the page's language.
pub(super) async fn synthesis(
    State(service): State<Shared>,
    request_lang: RequestLang,
    request: Request,
) -> Result<Response, ServeError> {
    answer(service, request_lang.lang, request, Wanted::Synthesis).await
}

async fn answer(
    service: Shared,
    lang: Lang,
    request: Request,
    wanted: Wanted,
) -> Result<Response, ServeError> {
    let budget = service.settings.checks_memory_mib;
    // Every byte sent is held and weighs at least itself: a body announcing more than the
    // budget is refused before it is read.
    upload::check_held_length(request.headers(), budget)?;
    let (_turn, mut form) = service.open_form(request).await?;
    let mut fields = upload::Fields::default();
    let mut inputs = Vec::new();
    let mut taken = BTreeSet::new();
    let limits = service.checker.config.limits.clone();
    // Each workbook weighed as it arrives: the request is refused as soon as those held weigh
    // more than the budget, never after holding them all.
    let mut weight = 0u32;
    while let Some((name, bytes)) = form.next_file(&mut fields, false).await? {
        let input = Input::upload(&unique(name, &mut taken), Arc::from(bytes));
        weight = weight.saturating_add(weight_of(&input, &limits).await?);
        if weight > budget {
            return Err(upload::consolidation_too_large(weight, budget));
        }
        inputs.push(input);
    }
    let flags = fields.flags;
    let year = fields.year.ok_or_else(upload::year_needed)?;
    if inputs.is_empty() {
        return Err(upload::no_file());
    }
    // The synthesis never holds personal data: the box is the workbook's option.
    let asked = wanted == Wanted::Workbook && flags.contains(&Flag::WithoutPersonalData);
    let include_invalid = flags.contains(&Flag::IncludeInvalid);
    let mut choices = crate::consolidate::Choices::new(year, asked, include_invalid, &[]);
    if wanted == Wanted::Synthesis {
        choices = choices.never_personal();
    }
    let checker = service.keeping_checker(year)?;
    let turn = service
        .check_turn(weight, service.settings.jobs as u32)
        .await?;
    let worker = service.clone();
    let download = weighed(turn, move || {
        worker
            .pool
            .install(|| make(wanted, &inputs, &checker, &choices, lang))
    })
    .await?
    .map_err(|e| ServeError::BadRequest(crate::i18n::Said::said(&e)))?;
    Ok(attachment(download))
}

/// What a workbook in memory weighs in a consolidation: its check and the data kept of it, in
/// MiB (a file not in memory weighs nothing here).
pub(super) async fn weight_of(
    input: &Input,
    limits: &crate::config::Limits,
) -> Result<u32, ServeError> {
    let Input::Memory { format, bytes, .. } = input else {
        return Ok(0);
    };
    let (format, bytes, limits) = (*format, bytes.clone(), limits.clone());
    let size = blocking(move || Size::of(&bytes, Some(format), &limits)).await?;
    Ok(consolidation_weight(&size).saturating_add(check_weight(&size)))
}

/// The regional workbook, the synthesis or the open-data package (zipped) of `inputs`, in
/// memory, from one reading.
pub(super) fn make(
    wanted: Wanted,
    inputs: &[Input],
    checker: &Checker,
    choices: &crate::consolidate::Choices,
    lang: Lang,
) -> Result<Download, crate::consolidate::Failed> {
    use crate::consolidate::{Failed, RegionalWorkbook, Storage};
    let year = choices.year;
    match wanted {
        Wanted::Workbook => {
            let mut workbook = RegionalWorkbook::new(checker, choices, Storage::InMemory);
            crate::consolidate::run(inputs, checker, choices, &mut [&mut workbook], &|_| {})?;
            let bytes = workbook.to_bytes()?;
            Ok(Download {
                file_name: crate::output::Produced::RegionalWorkbook.file_name(year),
                content_type: XLSX,
                bytes,
            })
        }
        Wanted::Synthesis => {
            let mut synthesis = crate::synthesis::Typeset::new(checker, choices, lang);
            crate::consolidate::run(inputs, checker, choices, &mut [&mut synthesis], &|_| {})?;
            let bytes = synthesis.pdf().map_err(|e| Failed::Output(Box::new(e)))?;
            Ok(Download {
                file_name: crate::output::Produced::Synthesis.file_name(year),
                content_type: "application/pdf",
                bytes,
            })
        }
        Wanted::OpenData => {
            let work = tempfile::tempdir().map_err(|e| Failed::Output(Box::new(e)))?;
            let folder = work.path().join(format!("donnees-ouvertes-{year}"));
            let mut open_data = crate::open_data::OpenData::new(checker, choices, &folder);
            crate::consolidate::run(inputs, checker, choices, &mut [&mut open_data], &|_| {})?;
            let folder = open_data.publish()?;
            let bytes = zipped(&folder).map_err(|e| Failed::Output(Box::new(e)))?;
            Ok(Download {
                file_name: format!("donnees-ouvertes-{year}.zip"),
                content_type: "application/zip",
                bytes,
            })
        }
    }
}

/// The files of `folder` in a zip archive, under the folder's name.
fn zipped(folder: &Path) -> Result<Vec<u8>, std::io::Error> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let prefix = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut names: Vec<PathBuf> = std::fs::read_dir(folder)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    names.sort();
    let options = zip::write::SimpleFileOptions::default();
    for path in names.iter().filter(|p| p.is_file()) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        zip.start_file(format!("{prefix}/{name}"), options)
            .map_err(std::io::Error::other)?;
        std::io::Write::write_all(&mut zip, &std::fs::read(path)?)?;
    }
    Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
}
