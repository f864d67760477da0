//! The campaign's routes (`spro serve --donnees DIR`, README « La campagne »): who is asking
//! (a session cookie or `Authorization: Bearer`), the login by link, and the API — the
//! dashboard, a network, a deposit made, read, decided on. A person sees their own networks
//! only: another network's deposit answers as one that does not exist.

use std::collections::HashMap;

use axum::extract::Path as UrlPath;
use axum::http::StatusCode;
use axum::Json;

use super::*;
use crate::campaign::deposits::Verdict;
use crate::campaign::people::Person;
use crate::campaign::{CampaignError, Store};

/// The campaign's store of the service (routes exist only with one).
fn store(service: &Shared) -> Result<Arc<Store>, ServeError> {
    service.campaign.clone().ok_or(ServeError::NotFound)
}

/// A refusal of the store, as the request's answer.
pub(super) fn refusal(e: CampaignError) -> ServeError {
    let said = crate::i18n::Said::said(&e);
    match e {
        CampaignError::NoSuchDeposit(_)
        | CampaignError::UnknownNetwork(_)
        | CampaignError::NoCampaign
        | CampaignError::NoSuchYear(_) => ServeError::Missing(said),
        CampaignError::Closed { .. } => ServeError::Conflict(said),
        CampaignError::Keeping(_) => ServeError::Storage(said),
        other => {
            eprintln!("spro serve : campagne : {other}");
            ServeError::Internal
        }
    }
}

/// The session cookie's name: `__Host-spro` behind https (the browser then insists on
/// `Secure` and `Path=/`), `spro` otherwise.
pub(super) fn cookie_name(service: &Service) -> &'static str {
    if service.secure() {
        "__Host-spro"
    } else {
        "spro"
    }
}

/// The secret the request carries: `Authorization: Bearer …`, else the session cookie.
fn secret(service: &Service, headers: &HeaderMap) -> Option<String> {
    if let Some(auth) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        return auth.strip_prefix("Bearer ").map(|t| t.trim().to_string());
    }
    let name = cookie_name(service);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The person asking, or 401 (a page: to `/connexion`).
pub(super) async fn person(service: &Shared, headers: &HeaderMap) -> Result<Person, ServeError> {
    let store = store(service)?;
    let Some(secret) = secret(service, headers) else {
        return Err(ServeError::Unauthorized);
    };
    blocking(move || store.person_of(&secret))
        .await?
        .map_err(refusal)?
        .ok_or(ServeError::Unauthorized)
}

/// The person asking, who must be of the Région (another answers as if nothing were there).
async fn region(service: &Shared, headers: &HeaderMap) -> Result<Person, ServeError> {
    let p = person(service, headers).await?;
    if p.is_region() {
        Ok(p)
    } else {
        Err(ServeError::NotFound)
    }
}

/// `GET /api/campagne`: the dashboard (Région).
pub(super) async fn api_dashboard(
    State(service): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, ServeError> {
    region(&service, &headers).await?;
    let store = store(&service)?;
    let year = query
        .get("annee")
        .map(|y| upload::parse_year(y))
        .transpose()?
        .flatten();
    let dashboard = blocking(move || store.dashboard(year))
        .await?
        .map_err(refusal)?;
    Ok(Json(dashboard).into_response())
}

/// `GET /api/reseaux/{code}`: a network's state and deposits (the Région, or that network).
pub(super) async fn api_network(
    State(service): State<Shared>,
    UrlPath(code): UrlPath<String>,
    headers: HeaderMap,
) -> Result<Response, ServeError> {
    let p = person(&service, &headers).await?;
    if !p.sees(&code) {
        return Err(ServeError::NotFound);
    }
    let store = store(&service)?;
    let code = code.to_uppercase();
    let (deposits, dashboard) = blocking(move || {
        Ok::<_, CampaignError>((store.deposits_of(&code, None)?, store.dashboard(None)?))
    })
    .await?
    .map_err(refusal)?;
    let code = deposits.first().map(|d| d.reseau.clone());
    let line = dashboard
        .reseaux
        .into_iter()
        .find(|l| Some(&l.code) == code.as_ref() || code.is_none() && p.sees(&l.code));
    Ok(Json(serde_json::json!({ "reseau": line, "depots": deposits })).into_response())
}

/// `POST /api/reseaux/{code}/depots`: a deposit (that network, or the Région on its behalf):
/// `201` with the deposit.
pub(super) async fn api_deposit(
    State(service): State<Shared>,
    UrlPath(code): UrlPath<String>,
    request: Request,
) -> Result<Response, ServeError> {
    let deposited = deposit(&service, &code, request).await?;
    Ok((StatusCode::CREATED, Json(deposited)).into_response())
}

/// A deposit from the request's form (`fichier`), checked within the budget, then kept.
pub(super) async fn deposit(
    service: &Shared,
    code: &str,
    request: Request,
) -> Result<crate::campaign::Deposited, ServeError> {
    let p = person(service, request.headers()).await?;
    if !p.sees(code) {
        return Err(ServeError::NotFound);
    }
    let store = store(service)?;
    let (_turn, mut form) = service.open_form(request).await?;
    let mut fields = upload::Fields::default();
    let Some((name, bytes)) = form.next_file(&mut fields, true).await? else {
        return Err(upload::no_file());
    };
    let format = crate::read::Format::from_path(Path::new(&name));
    let limits = service.checker.config.limits.clone();
    let (bytes, size) = blocking(move || {
        let size = Size::of(&bytes, format, &limits);
        (bytes, size)
    })
    .await?;
    let turn = service.check_turn(check_weight(&size), 1).await?;
    let checker = service.checker.clone();
    let code = code.to_string();
    weighed(turn, move || {
        store.deposit(&checker, &code, &name, bytes, Some(&p))
    })
    .await?
    .map_err(refusal)
}

/// `GET /api/depots/{id}`: a deposit (the Région, or its network).
pub(super) async fn api_deposited(
    State(service): State<Shared>,
    UrlPath(id): UrlPath<i64>,
    headers: HeaderMap,
) -> Result<Response, ServeError> {
    let p = person(&service, &headers).await?;
    let store = store(&service)?;
    let d = blocking(move || store.deposited(id, Some(&p)))
        .await?
        .map_err(refusal)?;
    Ok(Json(d).into_response())
}

/// `POST /api/depots/{id}/accepter` (Région).
pub(super) async fn api_accept(
    State(service): State<Shared>,
    UrlPath(id): UrlPath<i64>,
    headers: HeaderMap,
) -> Result<Response, ServeError> {
    let d = decide(&service, id, &headers, Verdict::Accept).await?;
    Ok(Json(d).into_response())
}

/// `POST /api/depots/{id}/corriger` (`message`; Région).
pub(super) async fn api_correct(
    State(service): State<Shared>,
    UrlPath(id): UrlPath<i64>,
    request: Request,
) -> Result<Response, ServeError> {
    let headers = request.headers().clone();
    let fields = small_form(request).await?;
    let message = fields
        .get("message")
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .ok_or_else(|| {
            ServeError::BadRequest(crate::msg!(
                "dites au réseau ce qu'il doit corriger (champ « message »)",
                "tell the network what to correct (field “message”)"
            ))
        })?;
    let d = decide(&service, id, &headers, Verdict::Correct(message)).await?;
    Ok(Json(d).into_response())
}

async fn decide(
    service: &Shared,
    id: i64,
    headers: &HeaderMap,
    verdict: Verdict,
) -> Result<crate::campaign::Deposited, ServeError> {
    let p = region(service, headers).await?;
    let store = store(service)?;
    blocking(move || store.decide(id, &verdict, &p))
        .await?
        .map_err(refusal)
}

/// The text fields of a small form, urlencoded or multipart (at most 64 KiB).
pub(super) async fn small_form(request: Request) -> Result<HashMap<String, String>, ServeError> {
    const LIMIT: usize = 64 * 1024;
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("multipart/form-data"));
    let bad = || upload::not_a_form();
    if multipart {
        let mut form = Multipart::from_request(request, &())
            .await
            .map_err(|_| bad())?;
        let mut out = HashMap::new();
        let mut total = 0;
        while let Some(field) = form.next_field().await.map_err(|_| bad())? {
            let name = field.name().unwrap_or_default().to_string();
            let text = field.text().await.map_err(|_| bad())?;
            total += text.len();
            if total > LIMIT {
                return Err(bad());
            }
            out.insert(name, text);
        }
        return Ok(out);
    }
    // axum's own reader of urlencoded forms, on a body cut at the limit.
    let (parts, body) = request.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, LIMIT));
    let axum::Form(fields) =
        axum::Form::<HashMap<String, String>>::from_request(Request::from_parts(parts, body), &())
            .await
            .map_err(|_| bad())?;
    Ok(fields)
}
