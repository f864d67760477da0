//! `/consolider`: the regional workbook of the uploaded files, built in memory, or a 413
//! pointing to `spro consolidate` when it would pass the memory budget.

use super::*;

/// `/consolider`: the year's workbooks (30 at most), read whole in memory, consolidated with
/// every check slot (the machine is the analyst's for that time).
pub(super) async fn consolidate(
    State(service): State<Shared>,
    request: Request,
) -> Result<Response, ServeError> {
    let (_turn, mut form) = service.open_form(request).await?;
    let mut year = None;
    let mut flags = BTreeSet::new();
    let mut inputs = Vec::new();
    let mut taken = BTreeSet::new();
    while let Some(part) = form.next().await? {
        match part {
            Part::Year(y) => year = y,
            Part::Flag(f) => {
                flags.insert(f);
            }
            Part::File { name, bytes } => {
                inputs.push(Input::upload(&unique(name, &mut taken), Arc::from(bytes)));
            }
        }
    }
    let year = year.ok_or_else(upload::year_needed)?;
    if inputs.is_empty() {
        return Err(upload::no_file());
    }
    let options = crate::consolidate::Options {
        year,
        without_personal_data: flags.contains("sans_donnees_personnelles"),
        include_invalid: flags.contains("inclure_non_conformes"),
        options_text: crate::consolidate::options_text(
            year,
            flags.contains("sans_donnees_personnelles"),
            flags.contains("inclure_non_conformes"),
        ),
    };
    let mut checker = service.checker.clone();
    checker.config.annee = Some(year);
    checker.keep_data = true;
    let weight = inputs
        .iter()
        .map(|i| match i {
            Input::Memory { bytes, .. } => {
                let expanded = crate::workbook::expanded_size(bytes);
                consolidation_weight(expanded).saturating_add(check_weight(expanded))
            }
            _ => 0,
        })
        .fold(0u32, u32::saturating_add);
    if weight > service.options.checks_memory_mib {
        return Err(upload::consolidation_too_large(
            weight,
            service.options.checks_memory_mib,
        ));
    }
    let turn = service
        .check_turn(weight, service.options.jobs as u32)
        .await?;
    let worker = service.clone();
    let (bytes, _) = tokio::task::spawn_blocking(move || {
        let _turn = turn;
        worker
            .pool
            .install(|| crate::consolidate::to_bytes(&inputs, &checker, &options))
    })
    .await
    .map_err(|_| ServeError::Internal)?
    .map_err(ServeError::BadRequest)?;
    Ok(attachment(Download {
        file_name: format!("bilan-regional-{year}.xlsx"),
        content_type: XLSX,
        bytes,
    }))
}
