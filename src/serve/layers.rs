//! The layers every request goes through: error pages, the same-site check of `POST`s, and
//! the request log (no file name, no value, download tokens masked).

use super::*;

/// Renders every error: the one a handler returned, or an empty error response of the router
/// (404, 405) — a page, or JSON on `/api/…`.
pub(super) async fn errors(
    State(service): State<Shared>,
    request: Request,
    next: Next,
) -> Response {
    let request_lang = RequestLang::of(request.uri(), request.headers());
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let status = response.status();
    let error = response
        .extensions_mut()
        .remove::<ServeError>()
        .or_else(|| {
            let bare = !response.headers().contains_key(header::CONTENT_TYPE);
            (status.as_u16() >= 400 && bare).then(|| ServeError::of_status(status))
        });
    let Some(error) = error else {
        return response;
    };
    // A page that needs a login sends there; the API says 401.
    if error == ServeError::Unauthorized && !api {
        return axum::response::Redirect::to("/connexion").into_response();
    }
    let mut rendered = if api {
        error.json(request_lang.lang)
    } else {
        error.page(request_lang.lang, service.frame(request_lang, None))
    };
    if let Some(allow) = response.headers().get(header::ALLOW) {
        rendered.headers_mut().insert(header::ALLOW, allow.clone());
    }
    rendered
}

/// Refuses a `POST` sent from another site (`Sec-Fetch-Site`, else `Origin` against `Host`).
/// The start of its body is read and dropped first (8 MiB, 5 s at most): a browser still
/// sending when the connection closes shows a reset, not the page that says why.
pub(super) async fn same_site(request: Request, next: Next) -> Response {
    if request.method() == Method::POST && cross_site(request.headers()) {
        let drain = drain(request.into_body(), 8 * 1024 * 1024);
        let _ = tokio::time::timeout(Duration::from_secs(5), drain).await;
        return ServeError::CrossSite.into_response();
    }
    next.run(request).await
}

pub(super) fn cross_site(headers: &HeaderMap) -> bool {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = get("origin") else {
        // Not a browser (curl, a script): nothing of a user's session to abuse.
        return false;
    };
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    let hosts = [get("x-forwarded-host"), get("host")];
    match origin_host {
        Some(o) => !hosts.iter().flatten().any(|h| h.eq_ignore_ascii_case(o)),
        None => true,
    }
}

/// One line per request on stderr: method, route (token masked), status, duration. Never a
/// file name, a value or a query string.
pub(super) async fn log(request: Request, next: Next) -> Response {
    let start = std::time::Instant::now();
    let method = request.method().clone();
    let route = masked(request.uri().path());
    let response = next.run(request).await;
    eprintln!(
        "{method} {route} {} {} ms",
        response.status().as_u16(),
        start.elapsed().as_millis()
    );
    response
}

pub(super) fn masked(path: &str) -> String {
    if path.starts_with("/telechargements/") {
        "/telechargements/…".to_string()
    } else {
        path.chars().take(80).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_site_posts() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            h
        };
        assert!(cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!cross_site(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(cross_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "spro.region.fr")
        ])));
        assert!(!cross_site(&headers(&[
            ("origin", "https://spro.region.fr"),
            ("host", "spro.region.fr")
        ])));
        assert!(cross_site(&headers(&[("origin", "null"), ("host", "a")])));
        assert!(!cross_site(&headers(&[])));
    }

    #[test]
    fn tokens_are_masked_in_the_log() {
        assert_eq!(masked("/telechargements/0123abcd"), "/telechargements/…");
        assert_eq!(masked("/regles/C005"), "/regles/C005");
    }
}
