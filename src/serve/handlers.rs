//! The pages that check nothing: home, rules, the blank template, downloads, static assets.

use super::*;

pub(super) async fn index(
    State(service): State<Shared>,
    request_lang: RequestLang,
) -> Html<String> {
    let limits = &service.checker.config.limits;
    let (rows, columns) = match request_lang.lang {
        Lang::Fr => (
            format!(
                "{} lignes par feuille",
                grouped(limits.lignes_par_feuille, ' ')
            ),
            format!("{} colonnes", limits.colonnes_par_feuille),
        ),
        Lang::En => (
            format!("{} rows per sheet", grouped(limits.lignes_par_feuille, ',')),
            format!("{} columns", limits.colonnes_par_feuille),
        ),
    };
    Html(pages::render(&IndexPage {
        frame: service.frame(request_lang, Some("/")),
        file_limit_bytes: limits.file_bytes(),
        file_limit_mo: limits.taille_fichier_mo,
        max_files: upload::MAX_FILES,
        rows,
        columns,
    }))
}

/// `100000` as `100 000` (French, a no-break space) or `100,000`.
pub(super) fn grouped(n: u32, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

pub(super) async fn rules(
    State(service): State<Shared>,
    request_lang: RequestLang,
) -> Html<String> {
    Html(pages::render(&RulesPage {
        frame: service.frame(request_lang, Some("/regles")),
        rules: crate::rules::RULES
            .iter()
            .map(|r| RuleView::new(r, request_lang.lang))
            .collect(),
    }))
}

pub(super) async fn rule(
    State(service): State<Shared>,
    request_lang: RequestLang,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> Result<Html<String>, ServeError> {
    let rule = crate::rules::rule(&code).ok_or(ServeError::NotFound)?;
    Ok(Html(pages::render(&RulePage {
        frame: service.frame(request_lang, Some(&format!("/regles/{}", rule.code))),
        rule: RuleView::new(rule, request_lang.lang),
    })))
}

pub(super) async fn template(
    State(service): State<Shared>,
    Query(query): Query<std::collections::BTreeMap<String, String>>,
) -> Result<Response, ServeError> {
    let year = match query.get("annee") {
        Some(text) => upload::parse_year(text)?.unwrap_or(service.settings.template_year),
        None => service.settings.template_year,
    };
    let registry = service.checker.registry.clone();
    let bytes = blocking(move || {
        let version = registry.serving(year);
        let edition = crate::template::Edition::of(&registry, version, year);
        crate::template::build(&version.schemas, &edition, &[])
            .and_then(|mut wb| wb.save_to_buffer())
    })
    .await?
    .map_err(|_| ServeError::Internal)?;
    Ok(attachment(Download {
        file_name: crate::output::Produced::Template.file_name(year),
        content_type: XLSX,
        bytes,
    }))
}

pub(super) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// An annotated `.xlsm`, macros kept.
pub(super) const XLSM: &str = "application/vnd.ms-excel.sheet.macroEnabled.12";

pub(super) async fn download(
    State(service): State<Shared>,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> Result<Response, ServeError> {
    let download = service
        .store()
        .take(&token, std::time::Instant::now())
        .ok_or(ServeError::GoneDownload)?;
    Ok(attachment(download))
}

/// A download: `Content-Disposition: attachment`, the name in ASCII and in UTF-8.
pub(super) fn attachment(download: Download) -> Response {
    let ascii: String = download
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let utf8 = percent_encoding::utf8_percent_encode(
        &download.file_name,
        percent_encoding::NON_ALPHANUMERIC,
    );
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{utf8}");
    let mut response = download.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(download.content_type),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub(super) async fn style() -> impl IntoResponse {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../assets/style.css"),
    )
}

pub(super) async fn script() -> impl IntoResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../assets/app.js"),
    )
}

/// `GET /aide`: the coordinators' guide, its pages listed.
pub(super) async fn help_index(
    State(service): State<Shared>,
    request_lang: RequestLang,
) -> Html<String> {
    Html(pages::render(&pages::HelpIndexPage {
        frame: service.frame(request_lang, Some("/aide")),
        pages: super::help::pages(),
    }))
}

/// `GET /aide/{page}`: one page of the coordinators' guide.
pub(super) async fn help_page(
    State(service): State<Shared>,
    request_lang: RequestLang,
    axum::extract::Path(slug): axum::extract::Path<String>,
) -> Result<Html<String>, ServeError> {
    let page = super::help::find(&slug).ok_or(ServeError::NotFound)?;
    let all = super::help::pages();
    let at = all
        .iter()
        .position(|p| p.slug == page.slug)
        .unwrap_or_default();
    Ok(Html(pages::render(&pages::HelpPageView {
        frame: service.frame(request_lang, Some(&format!("/aide/{slug}"))),
        page,
        previous: at.checked_sub(1).and_then(|i| all.get(i)),
        next: all.get(at + 1),
    })))
}

/// `GET /aide/images/{name}`: a picture of the guide.
pub(super) async fn help_image(
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Result<Response, ServeError> {
    let bytes = super::help::image(&name).ok_or(ServeError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        bytes,
    )
        .into_response())
}

pub(super) async fn favicon() -> impl IntoResponse {
    asset("image/svg+xml", include_str!("../../assets/favicon.svg"))
}

pub(super) fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_digits() {
        assert_eq!(grouped(100_000, ','), "100,000");
        assert_eq!(grouped(200, ','), "200");
        assert_eq!(grouped(1_048_576, ' '), "1 048 576");
    }
}
