//! The campaign's routes (`spro serve --donnees DIR`, docs/region/campagne.md): who is asking
//! (a session cookie or `Authorization: Bearer`), the login by link, and the API — the
//! dashboard, a network, a deposit made, read, decided on. A person sees their own networks
//! only: another network's deposit answers as one that does not exist.

use std::collections::HashMap;

use axum::extract::Path as UrlPath;
use axum::http::StatusCode;
use axum::Json;

use super::campaign_pages::{
    self, DashboardPage, DepositLine, DepositPage, LoginPage, NetworkPage,
};
use super::*;
use crate::campaign::deposits::Verdict;
use crate::campaign::people::Person;
use crate::campaign::{CampaignError, Store};

/// The campaign's store of the service (routes exist only with one).
fn store(service: &Shared) -> Result<Arc<Store>, ServeError> {
    service.campaign.clone().ok_or(ServeError::NotFound)
}

/// `work` on the campaign's store, off the server's threads; a refusal as the request's answer.
async fn on_store<T: Send + 'static>(
    service: &Shared,
    work: impl FnOnce(&Store) -> Result<T, CampaignError> + Send + 'static,
) -> Result<T, ServeError> {
    let store = store(service)?;
    blocking(move || work(&store)).await?.map_err(refusal)
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
    let Some(secret) = secret(service, headers) else {
        return Err(ServeError::Unauthorized);
    };
    on_store(service, move |store| store.person_of(&secret))
        .await?
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

/// The campaign's year asked (`?annee=`), if any.
fn year_asked(query: &HashMap<String, String>) -> Result<Option<i32>, ServeError> {
    Ok(query
        .get("annee")
        .map(|y| upload::parse_year(y))
        .transpose()?
        .flatten())
}

/// `GET /api/campagne`: the dashboard (Région).
pub(super) async fn api_dashboard(
    State(service): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, ServeError> {
    region(&service, &headers).await?;
    let year = year_asked(&query)?;
    let dashboard = on_store(&service, move |store| store.dashboard(year)).await?;
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
    let wanted = code.to_uppercase();
    let (deposits, dashboard) = on_store(&service, move |store| {
        Ok((store.deposits_of(&wanted, None)?, store.dashboard(None)?))
    })
    .await?;
    // The line of the network asked; a network the campaign does not expect is not there.
    let line = dashboard
        .reseaux
        .into_iter()
        .find(|l| l.code.eq_ignore_ascii_case(&code))
        .ok_or(ServeError::NotFound)?;
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
    let p = match person(service, request.headers()).await {
        Ok(p) if p.sees(code) => p,
        Ok(_) => return Err(refused(service, request, ServeError::NotFound).await),
        Err(e) => return Err(refused(service, request, e).await),
    };
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
    let kept = store.clone();
    let deposited = weighed(turn, move || {
        kept.deposit(&checker, &code, &name, bytes, Some(&p))
    })
    .await?
    .map_err(refusal)?;
    // The receipt, to the depositor and the network's other people.
    let mut to = store.network_people(&deposited.reseau).unwrap_or_default();
    to.extend(deposited.par.clone());
    to.sort();
    to.dedup();
    let letter = crate::campaign::mail::receipt(&deposited, to, &service.public_address());
    mail(
        service,
        format!("recu:{}", deposited.id),
        Some(deposited.annee),
        letter,
    );
    if !deposited.decisions.is_empty() {
        tell_decision(service, &store, &deposited);
    }
    Ok(deposited)
}

/// `error`, once the request's body is read and dropped (within the limits and the upload
/// deadline): a client still sending a file when the connection closes would see it reset, not
/// the answer that says why.
async fn refused(service: &Service, request: Request, error: ServeError) -> ServeError {
    let limit = upload::body_limit(service.file_limit());
    let drain = drain(request.into_body(), limit);
    let _ = tokio::time::timeout(service.settings.upload_timeout, drain).await;
    error
}

/// Sends `letter` for event `key` (of the campaign of `year`) in the background, once; without
/// SMTP, records it as not sent (the dashboard lists it) and says so in the log.
fn mail(service: &Service, key: String, year: Option<i32>, letter: crate::campaign::mail::Letter) {
    let Some(store) = service.campaign.clone() else {
        return;
    };
    let postman = service.postman.clone();
    if postman.is_none() {
        let to = letter.to.join(", ");
        eprintln!(
            "spro serve : pas de SMTP ([campagne.smtp]) : « {} » non envoyé à {to}",
            letter.subject
        );
    }
    tokio::task::spawn_blocking(move || {
        if let Err(e) = store.post(postman.as_deref(), &key, year, &letter) {
            eprintln!(
                "spro serve : courriel « {} » non envoyé : {e}",
                letter.subject
            );
        }
    });
}

/// The decision just taken on `d`, e-mailed to the network's people.
fn tell_decision(service: &Service, store: &Store, d: &crate::campaign::Deposited) {
    let to = store.network_people(&d.reseau).unwrap_or_default();
    if let Some(letter) = crate::campaign::mail::decision(d, to, &service.public_address()) {
        mail(
            service,
            format!("decision:{}:{}", d.id, d.decisions.len()),
            Some(d.annee),
            letter,
        );
    }
}

/// `GET /api/depots/{id}`: a deposit (the Région, or its network).
pub(super) async fn api_deposited(
    State(service): State<Shared>,
    UrlPath(id): UrlPath<i64>,
    headers: HeaderMap,
) -> Result<Response, ServeError> {
    let p = person(&service, &headers).await?;
    let d = on_store(&service, move |store| store.deposited(id, Some(&p))).await?;
    Ok(Json(d).into_response())
}

/// `POST /api/depots/{id}/accepter` (Région).
pub(super) async fn api_accept(
    State(service): State<Shared>,
    UrlPath(id): UrlPath<i64>,
    request: Request,
) -> Result<Response, ServeError> {
    let headers = request.headers().clone();
    // The form (empty, or a button's name) read first, so that a refusal closes nothing unread.
    small_form(request).await?;
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
    let kept = store.clone();
    let d = blocking(move || kept.decide(id, &verdict, &p))
        .await?
        .map_err(refusal)?;
    tell_decision(service, &store, &d);
    Ok(d)
}

/// The text fields of a small form, urlencoded or multipart (at most 64 KiB).
pub(super) async fn small_form(request: Request) -> Result<HashMap<String, String>, ServeError> {
    const LIMIT: usize = 64 * 1024;
    let kind = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bad = || {
        ServeError::BadRequest(crate::msg!(
            "le formulaire envoyé est illisible : renvoyez-le depuis la page",
            "the form sent cannot be read: send it again from the page"
        ))
    };
    match kind.as_deref() {
        Some(t) if t.starts_with("multipart/form-data") => {
            let mut form = Multipart::from_request(request, &())
                .await
                .map_err(|_| bad())?;
            let mut out = HashMap::new();
            let mut total = 0;
            loop {
                let field = match form.next_field().await {
                    Ok(Some(field)) => field,
                    Ok(None) => break,
                    // A form without any field (a bare button) has nothing to say.
                    Err(_) if out.is_empty() => break,
                    Err(_) => return Err(bad()),
                };
                let name = field.name().unwrap_or_default().to_string();
                let text = field.text().await.map_err(|_| bad())?;
                total += text.len();
                if total > LIMIT {
                    return Err(bad());
                }
                out.insert(name, text);
            }
            Ok(out)
        }
        Some(t) if t.starts_with("application/x-www-form-urlencoded") => {
            // axum's own reader of urlencoded forms, on a body cut at the limit.
            let (parts, body) = request.into_parts();
            let body = axum::body::Body::new(http_body_util::Limited::new(body, LIMIT));
            let axum::Form(fields) = axum::Form::<HashMap<String, String>>::from_request(
                Request::from_parts(parts, body),
                &(),
            )
            .await
            .map_err(|_| bad())?;
            Ok(fields)
        }
        // No form at all (`curl -X POST`): nothing to read but what may come, dropped.
        _ => {
            drain(request.into_body(), LIMIT as u64).await;
            Ok(HashMap::new())
        }
    }
}

/// How many login links an address, or a client, may ask for within [`LOGIN_WINDOW`].
const LOGINS_PER_ADDRESS: usize = 5;
const LOGINS_PER_CLIENT: usize = 20;
const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Counts a login request of `keys` (the address, the client); 429 past the limits.
fn rate(service: &Service, keys: [(String, usize); 2]) -> Result<(), ServeError> {
    let now = std::time::Instant::now();
    let mut seen = service
        .logins
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    seen.retain(|_, times: &mut Vec<std::time::Instant>| {
        times.retain(|t| now.duration_since(*t) < LOGIN_WINDOW);
        !times.is_empty()
    });
    for (key, limit) in &keys {
        let times = seen.get(key).map_or(&[][..], Vec::as_slice);
        if times.len() >= *limit {
            let oldest = times[0];
            let wait = LOGIN_WINDOW.saturating_sub(now.duration_since(oldest));
            return Err(ServeError::TooMany {
                retry_after: wait.as_secs().max(1),
            });
        }
    }
    for (key, _) in keys {
        seen.entry(key).or_default().push(now);
    }
    Ok(())
}

/// The client, as the reverse proxy says (`X-Forwarded-For`), else the one direct client.
fn client_of(headers: &HeaderMap) -> String {
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map_or_else(|| "direct".to_string(), |v| v.trim().to_string())
}

fn login_page(
    service: &Shared,
    request_lang: RequestLang,
    notice: &str,
    action: String,
) -> Html<String> {
    let lang = request_lang.lang;
    Html(pages::render(&LoginPage {
        frame: service.frame(request_lang, Some("/connexion")),
        w: campaign_pages::words(lang),
        notice: notice.to_string(),
        button_action: action,
        data_contact: service.settings.data_contact.clone().unwrap_or_default(),
    }))
}

/// `GET /connexion`: the address form.
pub(super) async fn login_form(
    State(service): State<Shared>,
    request_lang: RequestLang,
) -> Result<Html<String>, ServeError> {
    store(&service)?;
    Ok(login_page(&service, request_lang, "", String::new()))
}

/// `POST /connexion` (`courriel`): a link sent when the address is known and active; the
/// page says the same either way.
pub(super) async fn ask_link(
    State(service): State<Shared>,
    request_lang: RequestLang,
    request: Request,
) -> Result<Html<String>, ServeError> {
    let store = store(&service)?;
    let client = client_of(request.headers());
    let fields = small_form(request).await?;
    let address = fields
        .get("courriel")
        .map(|a| a.trim().to_lowercase())
        .unwrap_or_default();
    rate(
        &service,
        [
            (format!("courriel:{address}"), LOGINS_PER_ADDRESS),
            (format!("client:{client}"), LOGINS_PER_CLIENT),
        ],
    )?;
    let known = address.clone();
    let link = blocking(move || store.login_link(&known)).await?;
    if let Ok(secret) = link {
        let url = format!("{}/connexion/{secret}", service.public_address());
        let key = format!("lien:{}", crate::campaign::files::sha256(secret.as_bytes()));
        mail(
            &service,
            key,
            None,
            crate::campaign::mail::login(&address, &url),
        );
    }
    let w = campaign_pages::words(request_lang.lang);
    Ok(login_page(
        &service,
        request_lang,
        w.link_sent,
        String::new(),
    ))
}

/// `GET /connexion/{jeton}`: a button that logs in (a mail scanner following the link does
/// not consume it).
pub(super) async fn link_page(
    State(service): State<Shared>,
    UrlPath(secret): UrlPath<String>,
    request_lang: RequestLang,
) -> Result<Response, ServeError> {
    let probe = secret.clone();
    let valid = on_store(&service, move |store| store.link_is_valid(&probe)).await?;
    let w = campaign_pages::words(request_lang.lang);
    if valid {
        let action = format!("/connexion/{secret}");
        Ok(login_page(&service, request_lang, "", action).into_response())
    } else {
        let page = login_page(&service, request_lang, w.link_gone, String::new());
        Ok((StatusCode::NOT_FOUND, page).into_response())
    }
}

/// `POST /connexion/{jeton}`: the link consumed, the session opened (its cookie), then the
/// person's page.
pub(super) async fn use_link(
    State(service): State<Shared>,
    UrlPath(secret): UrlPath<String>,
    request_lang: RequestLang,
) -> Result<Response, ServeError> {
    let logged = on_store(&service, move |store| store.log_in(&secret)).await?;
    let Some((person, session)) = logged else {
        let w = campaign_pages::words(request_lang.lang);
        let page = login_page(&service, request_lang, w.link_gone, String::new());
        return Ok((StatusCode::NOT_FOUND, page).into_response());
    };
    let secure = if service.secure() { "; Secure" } else { "" };
    let cookie = format!(
        "{}={session}; HttpOnly; SameSite=Lax; Path=/; Max-Age=28800{secure}",
        cookie_name(&service)
    );
    let home = match &person.role {
        crate::campaign::people::Role::Region => "/campagne".to_string(),
        crate::campaign::people::Role::Network(codes) => {
            format!("/reseaux/{}", codes.first().map_or("", String::as_str))
        }
    };
    let mut response = axum::response::Redirect::to(&home).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// `POST /deconnexion`: the session ended on the server, its cookie cleared.
pub(super) async fn log_out(
    State(service): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, ServeError> {
    if let Some(secret) = secret(&service, &headers) {
        on_store(&service, move |store| store.log_out(&secret)).await?;
    }
    let secure = if service.secure() { "; Secure" } else { "" };
    let cookie = format!(
        "{}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{secure}",
        cookie_name(&service)
    );
    let mut response = axum::response::Redirect::to("/connexion").into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// `GET /campagne`: the dashboard (Région).
pub(super) async fn dashboard_page(
    State(service): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
    request_lang: RequestLang,
    headers: HeaderMap,
) -> Result<Html<String>, ServeError> {
    let p = region(&service, &headers).await?;
    let year = year_asked(&query)?;
    let mut d = on_store(&service, move |store| store.dashboard(year)).await?;
    // `?etat=a_corriger` (or `en_retard`): the lines of that state only; the totals stay whole.
    let filter = query.get("etat").cloned().unwrap_or_default();
    if let Some(wanted) = Some(&filter).filter(|e| !e.is_empty()) {
        d.reseaux.retain(|l| {
            let key = serde_json::to_value(l.etat).ok();
            key.as_ref().and_then(|k| k.as_str()) == Some(wanted.as_str())
                || (wanted == "en_retard" && l.en_retard)
        });
    }
    let frame = service.frame(request_lang, Some("/campagne"));
    Ok(Html(pages::render(&DashboardPage::new(
        frame,
        request_lang.lang,
        d,
        filter,
        p.address,
    ))))
}

/// `GET /reseaux/{code}`: a network's state, deposits and deposit form.
pub(super) async fn network_page(
    State(service): State<Shared>,
    UrlPath(code): UrlPath<String>,
    request_lang: RequestLang,
    headers: HeaderMap,
) -> Result<Html<String>, ServeError> {
    let p = person(&service, &headers).await?;
    if !p.sees(&code) {
        return Err(ServeError::NotFound);
    }
    let wanted = code.to_uppercase();
    let (deposits, d) = on_store(&service, move |store| {
        Ok((store.deposits_of(&wanted, None)?, store.dashboard(None)?))
    })
    .await?;
    let Some(line) = d
        .reseaux
        .iter()
        .find(|l| l.code.eq_ignore_ascii_case(&code))
    else {
        return Err(ServeError::NotFound);
    };
    let lang = request_lang.lang;
    let w = campaign_pages::words(lang);
    let mut state = line.etat.words(lang).to_string();
    if line.en_retard {
        state = format!("{state}, {}", w.late);
    }
    let page = NetworkPage {
        frame: service.frame(request_lang, None),
        w,
        code: line.code.clone(),
        name: line.nom.clone(),
        state,
        open: d.ouverte || line.rouvert,
        deposits: deposits
            .iter()
            .enumerate()
            .map(|(i, x)| DepositLine {
                previous: deposits.get(i + 1).map(|y| y.id),
                id: x.id,
                when: campaign_pages::when(lang, &x.depose_le),
                name: x.nom.clone(),
                verdict: campaign_pages::verdict(lang, x),
                decision: x
                    .decisions
                    .last()
                    .map(|y| campaign_pages::decision(lang, y))
                    .unwrap_or_default(),
            })
            .collect(),
        who: p.address,
        file_limit_bytes: service.checker.config.limits.file_bytes(),
        file_limit_mo: service.checker.config.limits.taille_fichier_mo,
        data_contact: service.settings.data_contact.clone().unwrap_or_default(),
    };
    Ok(Html(pages::render(&page)))
}

/// `POST /reseaux/{code}/depots` from the page: the deposit, then its page.
pub(super) async fn deposit_from_page(
    State(service): State<Shared>,
    UrlPath(code): UrlPath<String>,
    request: Request,
) -> Result<Response, ServeError> {
    let d = deposit(&service, &code, request).await?;
    Ok(axum::response::Redirect::to(&format!("/depots/{}", d.id)).into_response())
}

/// `GET /depots/{id}`: the findings, the decisions, the Région's forms.
pub(super) async fn deposit_page(
    State(service): State<Shared>,
    UrlPath(id): UrlPath<i64>,
    request_lang: RequestLang,
    headers: HeaderMap,
) -> Result<Html<String>, ServeError> {
    let p = person(&service, &headers).await?;
    let region = p.is_region();
    let d = on_store(&service, move |store| store.deposited(id, Some(&p))).await?;
    let frame = service.frame(request_lang, None);
    Ok(Html(pages::render(&DepositPage::new(
        frame,
        request_lang.lang,
        &d,
        region,
    ))))
}

/// Deposit `id` and its stored bytes, as the person asking may see them.
async fn deposit_and_bytes(
    service: &Shared,
    id: i64,
    headers: &HeaderMap,
) -> Result<(crate::campaign::Deposited, Vec<u8>), ServeError> {
    let p = person(service, headers).await?;
    let store = store(service)?;
    blocking(move || {
        let d = store.deposited(id, Some(&p))?;
        let bytes = store.bytes_of(&d)?;
        Ok::<_, CampaignError>((d, bytes))
    })
    .await?
    .map_err(refusal)
}

/// `GET /depots/{id}/fichier`: the bytes deposited, as they were.
pub(super) async fn deposit_file(
    State(service): State<Shared>,
    UrlPath(id): UrlPath<i64>,
    headers: HeaderMap,
) -> Result<Response, ServeError> {
    let (d, bytes) = deposit_and_bytes(&service, id, &headers).await?;
    Ok(attachment(Download {
        file_name: d.nom,
        content_type: "application/octet-stream",
        bytes,
    }))
}

/// `POST /depots/{id}/accepter` and `…/corriger` from the page: the decision, then the page.
pub(super) async fn accept_from_page(
    State(service): State<Shared>,
    UrlPath(id): UrlPath<i64>,
    request: Request,
) -> Result<Response, ServeError> {
    let headers = request.headers().clone();
    small_form(request).await?;
    decide(&service, id, &headers, Verdict::Accept).await?;
    Ok(axum::response::Redirect::to(&format!("/depots/{id}")).into_response())
}

pub(super) async fn correct_from_page(
    State(service): State<Shared>,
    UrlPath(id): UrlPath<i64>,
    request: Request,
) -> Result<Response, ServeError> {
    api_correct(State(service), UrlPath(id), request).await?;
    Ok(axum::response::Redirect::to(&format!("/depots/{id}")).into_response())
}

/// `GET /campagne/export.csv`: the dashboard as CSV (Région).
pub(super) async fn dashboard_csv(
    State(service): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, ServeError> {
    region(&service, &headers).await?;
    let d = on_store(&service, move |store| store.dashboard(None)).await?;
    let year = d.annee;
    Ok(attachment(Download {
        file_name: format!("campagne-{year}.csv"),
        content_type: "text/csv; charset=utf-8",
        bytes: crate::campaign::dashboard::csv(&d),
    }))
}

/// `GET /depots/{id}/annote`: the annotated copy, made again from the stored bytes (nothing
/// but the deposit is kept), within the check's budget.
pub(super) async fn deposit_copy(
    State(service): State<Shared>,
    UrlPath(id): UrlPath<i64>,
    headers: HeaderMap,
) -> Result<Response, ServeError> {
    let (d, bytes) = deposit_and_bytes(&service, id, &headers).await?;
    let path = PathBuf::from(&d.nom);
    let format = crate::read::Format::from_path(&path);
    let limits = service.checker.config.limits.clone();
    let (bytes, size) = blocking(move || {
        let size = Size::of(&bytes, format, &limits);
        (bytes, size)
    })
    .await?;
    let patched = format.is_some_and(crate::annotate::patched_in_place);
    let turn = service
        .check_turn(
            check_weight(&size).saturating_add(copy_weight(&size, patched)),
            1,
        )
        .await?;
    let checker = service.checker.for_year(d.annee);
    let name = crate::annotate::output_names(&[path.as_path()]).remove(0);
    let copy = weighed(turn, move || {
        let (report, admitted) = checker.check_owned(&path, bytes);
        annotate::annotated(&checker, report, admitted).copy
    })
    .await?
    .map_err(|e| {
        eprintln!("spro serve : copie annotée du dépôt {id} : {e}");
        ServeError::Internal
    })?;
    Ok(attachment(Download {
        file_name: name,
        content_type: XLSX,
        bytes: copy,
    }))
}

/// `POST /campagne/consolider` (`sortie` = `classeur`, `synthese` or `donnees`; `depots` =
/// `acceptes` or `sans_erreur`): the outputs of the chosen deposits, as a download, their
/// provenance in `À propos` (Région).
pub(super) async fn consolidate_campaign(
    State(service): State<Shared>,
    request_lang: RequestLang,
    request: Request,
) -> Result<Response, ServeError> {
    use crate::campaign::export::Chosen;
    use consolidate::Wanted;
    region(&service, request.headers()).await?;
    let fields = small_form(request).await?;
    let field = |k: &str| {
        fields
            .get(k)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let wanted = match field("sortie").as_str() {
        "" | "classeur" => Wanted::Workbook,
        "synthese" => Wanted::Synthesis,
        "donnees" => Wanted::OpenData,
        other => {
            return Err(ServeError::BadRequest(crate::msg!(
                "« sortie » vaut « {other} » : classeur, synthese ou donnees",
                "“sortie” is “{other}”: classeur, synthese or donnees"
            )))
        }
    };
    let which = match field("depots").as_str() {
        "" | "acceptes" => Chosen::Accepted,
        "sans_erreur" => Chosen::WithoutError,
        other => {
            return Err(ServeError::BadRequest(crate::msg!(
                "« depots » vaut « {other} » : acceptes ou sans_erreur",
                "“depots” is “{other}”: acceptes or sans_erreur"
            )))
        }
    };
    let (inputs, source) =
        on_store(&service, move |store| store.consolidation_inputs(which)).await?;
    let budget = service.settings.checks_memory_mib;
    let limits = service.checker.config.limits.clone();
    let mut weight = 0u32;
    for input in &inputs {
        weight = weight.saturating_add(consolidate::weight_of(input, &limits).await?);
    }
    if weight > budget {
        return Err(upload::consolidation_too_large(weight, budget));
    }
    let year = source.year;
    let typed = format!("--depots {}", source.chosen);
    let mut choices =
        crate::consolidate::Choices::new(year, false, false, &[typed]).from_campaign(source);
    if wanted != Wanted::Workbook {
        choices = choices.never_personal();
    }
    let checker = service.keeping_checker(year)?;
    let turn = service
        .check_turn(weight, service.settings.jobs as u32)
        .await?;
    let (worker, lang) = (service.clone(), request_lang.lang);
    let download = weighed(turn, move || {
        worker
            .pool
            .install(|| consolidate::make(wanted, &inputs, &checker, &choices, lang))
    })
    .await?
    .map_err(|e| ServeError::BadRequest(crate::i18n::Said::said(&e)))?;
    Ok(attachment(download))
}

/// Two deposits of one network compared, read again within the budget.
async fn comparison(
    service: &Shared,
    id: i64,
    other: i64,
    headers: &HeaderMap,
) -> Result<crate::campaign::compare::Comparison, ServeError> {
    let p = person(service, headers).await?;
    let store = store(service)?;
    let seen = p.clone();
    let year = on_store(service, move |store| store.deposited(id, Some(&seen)))
        .await?
        .annee;
    let checker = service.keeping_checker(year)?;
    // Two workbooks kept whole: the budget's share of two consolidations of a file.
    let turn = service.check_turn(64, 1).await?;
    weighed(turn, move || store.compare(&checker, id, other, Some(&p)))
        .await?
        .map_err(refusal)
}

/// `GET /api/depots/{id}/comparaison/{autre}`.
pub(super) async fn api_comparison(
    State(service): State<Shared>,
    UrlPath((id, other)): UrlPath<(i64, i64)>,
    headers: HeaderMap,
) -> Result<Response, ServeError> {
    let c = comparison(&service, id, other, &headers).await?;
    Ok(Json(c).into_response())
}

/// `GET /depots/{id}/comparaison/{autre}`.
pub(super) async fn comparison_page(
    State(service): State<Shared>,
    UrlPath((id, other)): UrlPath<(i64, i64)>,
    request_lang: RequestLang,
    headers: HeaderMap,
) -> Result<Html<String>, ServeError> {
    let c = comparison(&service, id, other, &headers).await?;
    let code = on_store(&service, move |store| store.deposited(id, None))
        .await?
        .reseau;
    let frame = service.frame(request_lang, None);
    Ok(Html(pages::render(&campaign_pages::ComparisonPage::new(
        frame,
        request_lang.lang,
        c,
        code,
    ))))
}
