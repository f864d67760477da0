//! `/verifier` and `/api/verifier`: the uploaded files checked one by one as they arrive,
//! each within the memory budget, with its annotated copy when it fits; then the batch step,
//! the results page (or the JSON report).

use super::*;

/// A file's annotated copy, or why there is none.
pub(super) enum Copy {
    Made(Vec<u8>),
    Missing,
}

/// What checking an upload gives: the report, and each file's copy when asked for.
pub(super) struct Checked {
    report: Report,
    copies: Vec<Copy>,
}

/// A name not yet taken in the request: `bilan.xlsx`, then `bilan (2).xlsx`… (reports and
/// B001 tell files apart by name).
pub(super) fn unique(name: String, taken: &mut BTreeSet<String>) -> String {
    if taken.insert(name.to_lowercase()) {
        return name;
    }
    let path = Path::new(&name);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (2..)
        .map(|n| format!("{stem} ({n}){ext}"))
        .find(|candidate| taken.insert(candidate.to_lowercase()))
        .unwrap_or(name)
}

/// Reads the form of `/verifier` or `/api/verifier` and checks each file as it arrives, one
/// at a time, then runs the batch step. With `annotate`, each file's copy is made from what
/// its check read; the bytes of the request's first files (up to `retained_per_request`) are
/// kept to make again a copy that the batch step makes stale.
pub(super) async fn check_upload(
    service: &Shared,
    request: Request,
    annotate: bool,
) -> Result<Checked, ServeError> {
    let (_turn, mut form) = service.open_form(request).await?;
    let mut fields = upload::Fields::default();
    let mut checker: Option<Arc<Checker>> = None;
    let mut taken = BTreeSet::new();
    let mut files: Vec<(FileReport, Option<Vec<u8>>)> = Vec::new();
    let mut retained: Vec<(PathBuf, Arc<[u8]>)> = Vec::new();
    let mut retained_bytes = 0;
    // The copies held until the end of the request, within its share of the downloads: a
    // copy weighs at least its file; one past the share is not made, or not kept.
    let share = service.copies_share();
    let mut copies_bytes = 0usize;
    while let Some((name, bytes)) = form.next_file(&mut fields, true).await? {
        let checker = checker
            .get_or_insert_with(|| {
                Arc::new(match fields.year {
                    Some(year) => service.checker.for_year(year),
                    None => service.checker.clone(),
                })
            })
            .clone();
        let path = PathBuf::from(unique(name, &mut taken));
        // The copy is made when it fits in the budget with the check; a larger workbook is
        // checked all the same, and the page says why it has no copy.
        let limits = checker.config.limits.clone();
        let format = crate::read::Format::from_path(&path);
        let (bytes, size) = blocking(move || {
            let size = Size::of(&bytes, format, &limits);
            (bytes, size)
        })
        .await?;
        let budget = service.settings.checks_memory_mib;
        let patched = format.is_some_and(crate::annotate::patched_in_place);
        let copy_weight = copy_weight(&size, patched);
        let copy = annotate
            && check_weight(&size).saturating_add(copy_weight) <= budget
            && copies_bytes.saturating_add(bytes.len()) <= share;
        let weight = check_weight(&size) + if copy { copy_weight } else { 0 };
        if copy && retained_bytes + bytes.len() <= service.settings.retained_per_request {
            retained_bytes += bytes.len();
            retained.push((path.clone(), Arc::from(bytes.as_slice())));
        }
        let turn = service.check_turn(weight, 1).await?;
        let (report, copy) = weighed(turn, move || check_one(&checker, &path, bytes, copy)).await?;
        let copy = copy.filter(|c| copies_bytes.saturating_add(c.len()) <= share);
        copies_bytes += copy.as_ref().map_or(0, Vec::len);
        files.push((report, copy));
    }
    if files.is_empty() {
        return Err(upload::no_file());
    }
    let checker = checker.unwrap_or_else(|| Arc::new(service.checker.clone()));
    let copies: std::collections::BTreeMap<PathBuf, Option<Vec<u8>>> = files
        .iter_mut()
        .map(|(f, c)| (f.path.clone(), c.take()))
        .collect();
    let reports = files.into_iter().map(|(f, _)| f).collect();
    let checked =
        blocking(move || conclude_upload(&checker, reports, copies, &retained, annotate)).await?;
    Ok(checked)
}

/// One uploaded file checked, the configuration applied, with its annotated copy when asked.
pub(super) fn check_one(
    checker: &Checker,
    path: &Path,
    bytes: Vec<u8>,
    annotate: bool,
) -> (FileReport, Option<Vec<u8>>) {
    let (mut report, admitted) = checker.check_owned(path, bytes);
    if annotate {
        let Annotated { report, copy } = annotate::annotated(checker, report, admitted);
        (report, copy.ok())
    } else {
        checker.finish(&mut report);
        (report, None)
    }
}

/// The copy of `file` made again from the bytes kept of it, when they were kept.
fn recopy(
    checker: &Checker,
    file: &FileReport,
    retained: &[(PathBuf, Arc<[u8]>)],
) -> Option<Vec<u8>> {
    let (path, bytes) = retained.iter().find(|(p, _)| *p == file.path)?;
    let input = Input::Memory {
        path: path.clone(),
        format: crate::read::Format::from_path(path)?,
        bytes: bytes.clone(),
    };
    let start = &mut || Ok(std::io::Cursor::new(Vec::new()));
    annotate::recopy(checker, file, &input, annotate::Scratch::Memory, start)
        .map(std::io::Cursor::into_inner)
        .ok()
}

/// The batch step of an upload, then each file's copy: the one made with the file, or made
/// again from the bytes kept when the batch made it stale (B001), or none.
pub(super) fn conclude_upload(
    checker: &Checker,
    reports: Vec<FileReport>,
    mut copies: std::collections::BTreeMap<PathBuf, Option<Vec<u8>>>,
    retained: &[(PathBuf, Arc<[u8]>)],
    annotate: bool,
) -> Checked {
    // The batch step; a copy it makes stale (B001) is made again from the bytes kept, or
    // there is none.
    let mut redone = std::collections::BTreeMap::new();
    let mut redo = |file: &FileReport| {
        let again = annotate.then(|| recopy(checker, file, retained)).flatten();
        redone.insert(file.path.clone(), again);
        Ok::<(), std::convert::Infallible>(())
    };
    let report = match checker.conclude(reports, false, &mut redo) {
        Ok(report) => report,
        Err(never) => match never {},
    };
    let copies = report
        .files
        .iter()
        .map(|file| {
            let copy = match redone.remove(&file.path) {
                Some(again) => again,
                None => copies.remove(&file.path).flatten().filter(|_| annotate),
            };
            copy.map_or(Copy::Missing, Copy::Made)
        })
        .collect();
    Checked { report, copies }
}

pub(super) async fn verify_page(
    State(service): State<Shared>,
    request_lang: RequestLang,
    request: Request,
) -> Result<Html<String>, ServeError> {
    let Checked { report, copies } = check_upload(&service, request, true).await?;
    let lang = request_lang.lang;
    // Serialised finding by finding: the report is never a tree of values in memory.
    let mut json = Vec::new();
    serde_json::to_writer_pretty(&mut json, &crate::report::json::document(&report, lang))
        .map_err(|_| ServeError::Internal)?;
    // The report, then each file's copy, held together: none evicts another.
    let mut downloads = vec![Download {
        file_name: "rapport-spro.json".into(),
        content_type: "application/json",
        bytes: json,
    }];
    let made: Vec<bool> = report
        .files
        .iter()
        .zip(copies)
        .map(|(file, copy)| match copy {
            Copy::Made(bytes) => {
                let name = annotate::output_names(&[file.path.as_path()]).remove(0);
                let content_type = if name.ends_with(".xlsm") { XLSM } else { XLSX };
                downloads.push(Download {
                    file_name: name,
                    content_type,
                    bytes,
                });
                true
            }
            Copy::Missing => false,
        })
        .collect();
    let mut held = service.hold_all(downloads).into_iter();
    let json = held.next().flatten();
    let tokens: Vec<(Option<String>, bool)> = made
        .into_iter()
        .map(|made| {
            let token = if made { held.next().flatten() } else { None };
            let missing = token.is_none();
            (token, missing)
        })
        .collect();
    let page = ResultsPage::new(
        service.frame(request_lang, None),
        &report,
        &service.checker.registry,
        lang,
        tokens,
        json,
    );
    Ok(Html(pages::render(&page)))
}

pub(super) async fn verify_api(
    State(service): State<Shared>,
    request_lang: RequestLang,
    request: Request,
) -> Result<Response, ServeError> {
    let Checked { report, .. } = check_upload(&service, request, false).await?;
    let body = serde_json::to_vec(&crate::report::json::document(&report, request_lang.lang))
        .map_err(|_| ServeError::Internal)?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(unique("a.xlsx".into(), &mut taken), "a.xlsx");
        assert_eq!(unique("A.xlsx".into(), &mut taken), "A (2).xlsx");
        assert_eq!(unique("a.xlsx".into(), &mut taken), "a (3).xlsx");
    }
}
