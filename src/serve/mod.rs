//! `spro serve`: the pre-check page for coordinators (`docs`: `serve.md`). One more front end
//! on the library, like the CLI: handlers parse the request, call the checker, the annotated
//! copy, the consolidation or the template, and render; checks run off the async runtime
//! (`spawn_blocking`) behind a semaphore. Limits, the same-site check, error pages, security
//! headers and the request log are layers declared once in [`router`]. Nothing is written to
//! disk: uploads, copies and reports live in memory ([`store`]).

mod error;
mod pages;
mod store;
mod texts;
mod upload;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{
    DefaultBodyLimit, FromRequest, FromRequestParts, Multipart, Query, Request, State,
};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, Uri};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::Semaphore;
use tower_http::set_header::SetResponseHeaderLayer;

pub use error::ServeError;
use pages::{Frame, IndexPage, ResultsPage, RulePage, RuleView, RulesPage};
use store::{Download, Store};
use upload::{Form, Part};

use crate::annotate::{self, Annotated};
use crate::check::{Checker, FileReport, Report};
use crate::i18n::{Lang, Msg};
use crate::inputs::Input;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Options {
    pub listen: SocketAddr,
    /// Checks at once.
    pub jobs: usize,
    /// The year of the template offered (the configured year, else last year).
    pub template_year: i32,
    /// How long a request may wait for its turn before 503.
    pub queue_timeout: Duration,
    /// How long a request body may take to arrive before 408.
    pub upload_timeout: Duration,
    /// How long downloads are held.
    pub download_ttl: Duration,
    /// The most bytes of downloads held together.
    pub downloads_cap: usize,
    /// The most bytes of one request's uploads kept until its end, to make again the copies
    /// that the batch step (B001) makes stale.
    pub retained_per_request: usize,
    /// The memory that checks running together may take, in MiB (see [`weight`]).
    pub checks_memory_mib: u32,
}

impl Options {
    pub fn new(listen: SocketAddr, jobs: usize, template_year: i32) -> Options {
        Options {
            listen,
            jobs: jobs.max(1),
            template_year,
            queue_timeout: Duration::from_secs(10),
            upload_timeout: Duration::from_secs(60),
            download_ttl: Duration::from_secs(15 * 60),
            downloads_cap: 256 * 1024 * 1024,
            retained_per_request: 32 * 1024 * 1024,
            checks_memory_mib: 512,
        }
    }
}

/// What every request shares.
pub struct Service {
    checker: Checker,
    options: Options,
    /// Requests being read or checked: bounds the memory of uploads.
    requests: Semaphore,
    /// Checks running.
    checks: Arc<Semaphore>,
    /// The memory checks running may take, in MiB: a large workbook waits for the others.
    memory: Arc<Semaphore>,
    store: Mutex<Store>,
    /// The threads of a consolidation.
    pool: rayon::ThreadPool,
}

type Shared = Arc<Service>;

impl Service {
    pub fn new(checker: Checker, options: Options) -> Result<Service, Msg> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(options.jobs)
            .build()
            .map_err(|e| Msg::new(e.to_string(), e.to_string()))?;
        Ok(Service {
            checker,
            requests: Semaphore::new(2 * options.jobs),
            checks: Arc::new(Semaphore::new(options.jobs)),
            memory: Arc::new(Semaphore::new(options.checks_memory_mib as usize)),
            store: Mutex::new(Store::new(options.downloads_cap, options.download_ttl)),
            pool,
            options,
        })
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        // A panic while holding the lock leaves the store consistent (every change is one
        // call): keep serving.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Holds a download; its token, or `None` when it cannot be held.
    fn hold(&self, download: Download) -> Option<String> {
        self.store().put(download, std::time::Instant::now())
    }

    fn frame(&self, tongue: Tongue, path: Option<&str>) -> Frame {
        Frame::new(
            tongue.lang,
            tongue.explicit,
            path,
            self.options.template_year,
        )
    }

    /// A form posted: its announced length within the limits, its turn, then its parts as
    /// they arrive.
    async fn open_form(
        &self,
        request: Request,
    ) -> Result<(tokio::sync::SemaphorePermit<'_>, Form), ServeError> {
        upload::check_length(request.headers(), self.file_limit())?;
        let (turn, request) = self.turn_for(request).await?;
        let multipart = Multipart::from_request(request, &())
            .await
            .map_err(|_| upload::not_a_form())?;
        let form = Form::new(multipart, self.options.upload_timeout, self.file_limit());
        Ok((turn, form))
    }

    /// Waits for the turn of `request`, at most `queue_timeout`; else 503, once its body is
    /// read and dropped (within the limits and the upload deadline): a client still sending
    /// when the connection closes would see it reset, not the page asking it to come back.
    async fn turn_for(
        &self,
        request: Request,
    ) -> Result<(tokio::sync::SemaphorePermit<'_>, Request), ServeError> {
        match tokio::time::timeout(self.options.queue_timeout, self.requests.acquire()).await {
            Ok(Ok(permit)) => Ok((permit, request)),
            _ => {
                let limit = upload::body_limit(self.file_limit());
                let drain = drain(request.into_body(), limit);
                let _ = tokio::time::timeout(self.options.upload_timeout, drain).await;
                Err(ServeError::Busy)
            }
        }
    }

    fn file_limit(&self) -> u64 {
        self.checker.config.limits.file_bytes()
    }

    /// A turn for a check that may take `weight` MiB: check slots, and that much of the
    /// memory budget (a check heavier than the whole budget is refused before this).
    async fn check_turn(&self, weight: u32, slots: u32) -> Result<CheckTurn, ServeError> {
        let weight = weight.clamp(1, self.options.checks_memory_mib);
        let slots = self
            .checks
            .clone()
            .acquire_many_owned(slots)
            .await
            .map_err(|_| ServeError::Internal)?;
        let memory = self
            .memory
            .clone()
            .acquire_many_owned(weight)
            .await
            .map_err(|_| ServeError::Internal)?;
        Ok(CheckTurn {
            _slots: slots,
            _memory: memory,
        })
    }
}

/// Reads and drops a body, at most `limit` bytes.
async fn drain(mut body: axum::body::Body, limit: u64) {
    use http_body_util::BodyExt;
    let mut seen = 0u64;
    while let Some(Ok(frame)) = body.frame().await {
        if let Some(data) = frame.data_ref() {
            seen += data.len() as u64;
            if seen > limit {
                break;
            }
        }
    }
}

/// Held while a check runs.
struct CheckTurn {
    _slots: tokio::sync::OwnedSemaphorePermit,
    _memory: tokio::sync::OwnedSemaphorePermit,
}

/// What checking a workbook may take at its peak, in MiB, from the bytes its parts take once
/// inflated ([`crate::workbook::expanded_size`]): half of them (measured, `benches/`:
/// the largest Accueil the limits let in, 493 MiB of sheet XML, every row wrong, peaks at
/// 236 MiB; 99,000 valid actions, 58 MiB of XML, at 52 MiB), at least 1.
fn check_weight(expanded: u64) -> u32 {
    mib(expanded / 2)
}

/// What making a workbook's annotated copy adds, in MiB: it reads the workbook again whole
/// and writes it (measured: 8 times the inflated size, 479 MiB for 99,000 actions).
fn copy_weight(expanded: u64) -> u32 {
    mib(expanded.saturating_mul(8))
}

/// What a consolidation holds per workbook until it is written: its typed rows (measured:
/// about the inflated size of its sheets).
fn consolidation_weight(expanded: u64) -> u32 {
    mib(expanded)
}

fn mib(bytes: u64) -> u32 {
    u32::try_from((bytes / (1024 * 1024)).max(1)).unwrap_or(u32::MAX)
}

/// The routes of `serve.md`, with their layers.
pub fn router(service: Shared) -> Router {
    let headers = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; frame-ancestors 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    let mut router = Router::new()
        .route("/", get(index))
        .route("/verifier", post(verify_page))
        .route("/api/verifier", post(verify_api))
        .route("/telechargements/{jeton}", get(download))
        .route("/regles", get(rules))
        .route("/regles/{code}", get(rule))
        .route("/modele", get(template))
        .route("/consolider", post(consolidate))
        .route("/sante", get(|| async { "ok" }))
        .route("/static/style.css", get(style))
        .route("/static/app.js", get(script))
        .route("/static/favicon.svg", get(favicon))
        .fallback(|| async { ServeError::NotFound })
        // Uploads are counted as they arrive (upload.rs), never buffered whole by the router.
        .layer(DefaultBodyLimit::disable())
        .layer(from_fn(same_site))
        .layer(from_fn_with_state(service.clone(), errors))
        .layer(from_fn(log));
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router.with_state(service)
}

/// Runs the server until SIGINT or SIGTERM; requests in flight then get at most 30 s.
pub fn run(checker: Checker, options: Options) -> Result<(), Msg> {
    few_malloc_arenas();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Msg::new(e.to_string(), e.to_string()))?;
    runtime.block_on(async move {
        let listen = options.listen;
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
            crate::msg!(
                "impossible d'écouter sur {listen} : {e} (adresse occupée ou interdite ? choisissez-en une autre avec --listen)",
                "cannot listen on {listen}: {e} (address in use or forbidden? choose another with --listen)"
            )
        })?;
        let address = listener
            .local_addr()
            .map_err(|e| Msg::new(e.to_string(), e.to_string()))?;
        let service = Arc::new(Service::new(checker, options)?);
        let janitor = service.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(30));
            loop {
                tick.tick().await;
                janitor.store().expire(std::time::Instant::now());
            }
        });
        eprintln!("spro serve : à l'écoute sur http://{address}/ (Ctrl+C pour arrêter)");
        let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
        let server = axum::serve(listener, router(service)).with_graceful_shutdown(async move {
            stop_signal().await;
            eprintln!("spro serve : arrêt demandé, fin des requêtes en cours (30 s au plus)");
            let _ = stop_tx.send(true);
        });
        let deadline = async move {
            let _ = stop_rx.wait_for(|stop| *stop).await;
            tokio::time::sleep(Duration::from_secs(30)).await;
        };
        tokio::select! {
            result = server => result.map_err(|e| Msg::new(e.to_string(), e.to_string()))?,
            () = deadline => eprintln!("spro serve : requêtes interrompues après 30 s"),
        }
        eprintln!("spro serve : arrêté");
        Ok(())
    })
}

/// glibc gives each thread that allocates its own arena, and an arena keeps the pages a large
/// check freed: checks moving from thread to thread then add up. Two arenas bound the server
/// by what runs at once (measured on 12 checks of 99,000 actions: 893 MiB peak with the
/// default, 566 MiB with two arenas).
fn few_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before any other thread
    // of the server exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

async fn stop_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = interrupt => {},
            _ = terminate.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

/// The language of a request: `?lang=` (chosen, kept on links), else the browser's
/// preference between French and English, else French.
#[derive(Debug, Clone, Copy)]
pub struct Tongue {
    pub lang: Lang,
    pub explicit: bool,
}

impl Tongue {
    fn of(uri: &Uri, headers: &HeaderMap) -> Tongue {
        let chosen = uri
            .query()
            .unwrap_or_default()
            .split('&')
            .find_map(|kv| match kv {
                "lang=en" => Some(Lang::En),
                "lang=fr" => Some(Lang::Fr),
                _ => None,
            });
        if let Some(lang) = chosen {
            return Tongue {
                lang,
                explicit: true,
            };
        }
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        Tongue {
            lang: preferred(accept),
            explicit: false,
        }
    }
}

/// English when `Accept-Language` ranks English above French.
fn preferred(accept: &str) -> Lang {
    let mut best: Option<(f32, Lang)> = None;
    for item in accept.split(',') {
        let mut pieces = item.trim().split(';');
        let tag = pieces
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let lang = match tag.split('-').next() {
            Some("fr") => Lang::Fr,
            Some("en") => Lang::En,
            _ => continue,
        };
        if best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map_or(Lang::Fr, |(_, l)| l)
}

impl<S: Send + Sync> FromRequestParts<S> for Tongue {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Tongue, Self::Rejection> {
        Ok(Tongue::of(&parts.uri, &parts.headers))
    }
}

/// Renders every error: the one a handler returned, or an empty error response of the router
/// (404, 405) — a page, or JSON on `/api/…`.
async fn errors(State(service): State<Shared>, request: Request, next: Next) -> Response {
    let tongue = Tongue::of(request.uri(), request.headers());
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
    let mut rendered = if api {
        error.json(tongue.lang)
    } else {
        error.page(tongue.lang, service.frame(tongue, None))
    };
    if let Some(allow) = response.headers().get(header::ALLOW) {
        rendered.headers_mut().insert(header::ALLOW, allow.clone());
    }
    rendered
}

/// Refuses a `POST` sent from another site (`Sec-Fetch-Site`, else `Origin` against `Host`).
/// The start of its body is read and dropped first (8 MiB, 5 s at most): a browser still
/// sending when the connection closes shows a reset, not the page that says why.
async fn same_site(request: Request, next: Next) -> Response {
    if request.method() == Method::POST && cross_site(request.headers()) {
        let drain = drain(request.into_body(), 8 * 1024 * 1024);
        let _ = tokio::time::timeout(Duration::from_secs(5), drain).await;
        return ServeError::CrossSite.into_response();
    }
    next.run(request).await
}

fn cross_site(headers: &HeaderMap) -> bool {
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
async fn log(request: Request, next: Next) -> Response {
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

fn masked(path: &str) -> String {
    if path.starts_with("/telechargements/") {
        "/telechargements/…".to_string()
    } else {
        path.chars().take(80).collect()
    }
}

async fn index(State(service): State<Shared>, tongue: Tongue) -> Html<String> {
    let limits = &service.checker.config.limits;
    let (rows, columns) = match tongue.lang {
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
        frame: service.frame(tongue, Some("/")),
        file_limit_bytes: limits.file_bytes(),
        file_limit_mo: limits.taille_fichier_mo,
        max_files: upload::MAX_FILES,
        rows,
        columns,
    }))
}

/// `100000` as `100 000` (French, a no-break space) or `100,000`.
fn grouped(n: u32, separator: char) -> String {
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

async fn rules(State(service): State<Shared>, tongue: Tongue) -> Html<String> {
    Html(pages::render(&RulesPage {
        frame: service.frame(tongue, Some("/regles")),
        rules: crate::rules::RULES
            .iter()
            .map(|r| RuleView::new(r, tongue.lang))
            .collect(),
    }))
}

async fn rule(
    State(service): State<Shared>,
    tongue: Tongue,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> Result<Html<String>, ServeError> {
    let rule = crate::rules::rule(&code).ok_or(ServeError::NotFound)?;
    Ok(Html(pages::render(&RulePage {
        frame: service.frame(tongue, Some(&format!("/regles/{}", rule.code))),
        rule: RuleView::new(rule, tongue.lang),
    })))
}

async fn template(
    State(service): State<Shared>,
    Query(query): Query<std::collections::BTreeMap<String, String>>,
) -> Result<Response, ServeError> {
    let year = match query.get("annee") {
        Some(text) => upload::parse_year(text)?.unwrap_or(service.options.template_year),
        None => service.options.template_year,
    };
    let schemas = service.checker.schemas.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        let options = crate::template::Options {
            year,
            logo_region: None,
            logo_spro: None,
        };
        crate::template::build(&schemas, &options, &[]).and_then(|mut wb| wb.save_to_buffer())
    })
    .await
    .map_err(|_| ServeError::Internal)?
    .map_err(|_| ServeError::Internal)?;
    Ok(attachment(Download {
        file_name: format!("tableau-de-bord-{year}.xlsx"),
        content_type: XLSX,
        bytes,
    }))
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn download(
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
fn attachment(download: Download) -> Response {
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

async fn style() -> impl IntoResponse {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../assets/style.css"),
    )
}

async fn script() -> impl IntoResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../assets/app.js"),
    )
}

async fn favicon() -> impl IntoResponse {
    asset("image/svg+xml", include_str!("../../assets/favicon.svg"))
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

/// A file's annotated copy, or why there is none.
enum Copy {
    Made(Vec<u8>),
    Missing,
}

/// What checking an upload gives: the report, and each file's copy when asked for.
struct Checked {
    report: Report,
    copies: Vec<Copy>,
}

/// A name not yet taken in the request: `bilan.xlsx`, then `bilan (2).xlsx`… (reports and
/// B001 tell files apart by name).
fn unique(name: String, taken: &mut BTreeSet<String>) -> String {
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
async fn check_upload(
    service: &Shared,
    request: Request,
    annotate: bool,
) -> Result<Checked, ServeError> {
    let (_turn, mut form) = service.open_form(request).await?;
    let mut year = None;
    let mut checker: Option<Arc<Checker>> = None;
    let mut taken = BTreeSet::new();
    let mut files: Vec<(FileReport, Option<Vec<u8>>)> = Vec::new();
    let mut retained: Vec<(PathBuf, Arc<[u8]>)> = Vec::new();
    let mut retained_bytes = 0;
    while let Some(part) = form.next().await? {
        let (name, bytes) = match part {
            Part::Year(y) if files.is_empty() => {
                year = y;
                continue;
            }
            // A blank year after the files changes nothing.
            Part::Year(None) => continue,
            Part::Year(Some(_)) => return Err(upload::year_after_files()),
            Part::Flag(_) => continue,
            Part::File { name, bytes } => (name, bytes),
        };
        let checker = checker
            .get_or_insert_with(|| {
                let mut checker = service.checker.clone();
                if year.is_some() {
                    checker.config.annee = year;
                }
                Arc::new(checker)
            })
            .clone();
        let path = PathBuf::from(unique(name, &mut taken));
        // The copy is made when it fits in the budget with the check; a larger workbook is
        // checked all the same, and the page says why it has no copy.
        let expanded = crate::workbook::expanded_size(&bytes);
        let budget = service.options.checks_memory_mib;
        let copy =
            annotate && check_weight(expanded).saturating_add(copy_weight(expanded)) <= budget;
        let weight = check_weight(expanded) + if copy { copy_weight(expanded) } else { 0 };
        if copy && retained_bytes + bytes.len() <= service.options.retained_per_request {
            retained_bytes += bytes.len();
            retained.push((path.clone(), Arc::from(bytes.as_slice())));
        }
        let turn = service.check_turn(weight, 1).await?;
        let checked = tokio::task::spawn_blocking(move || {
            let _turn = turn;
            check_one(&checker, &path, bytes, copy)
        })
        .await
        .map_err(|_| ServeError::Internal)?;
        files.push(checked);
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
    let checked = tokio::task::spawn_blocking(move || {
        conclude_upload(&checker, reports, copies, &retained, annotate)
    })
    .await
    .map_err(|_| ServeError::Internal)?;
    Ok(checked)
}

/// One uploaded file checked, the configuration applied, with its annotated copy when asked.
fn check_one(
    checker: &Checker,
    path: &Path,
    bytes: Vec<u8>,
    annotate: bool,
) -> (FileReport, Option<Vec<u8>>) {
    let checked = checker.check_owned(path, bytes);
    if annotate {
        let Annotated { report, copy } = annotate::annotated(checker, checked);
        (report, copy.ok())
    } else {
        let (mut report, _) = checked;
        checker.finish(&mut report);
        (report, None)
    }
}

/// The batch step of an upload, then each file's copy: the one made with the file, or made
/// again from the bytes kept when the batch made it stale (B001), or none.
fn conclude_upload(
    checker: &Checker,
    reports: Vec<FileReport>,
    mut copies: std::collections::BTreeMap<PathBuf, Option<Vec<u8>>>,
    retained: &[(PathBuf, Arc<[u8]>)],
    annotate: bool,
) -> Checked {
    let (report, stale) = annotate::conclude(checker, reports, false);
    let copies = report
        .files
        .iter()
        .zip(stale)
        .map(|(file, stale)| {
            let copy = copies.remove(&file.path).flatten();
            match (annotate, stale, copy) {
                (false, _, _) | (true, false, None) => Copy::Missing,
                (true, false, Some(bytes)) => Copy::Made(bytes),
                (true, true, _) => retained
                    .iter()
                    .find(|(p, _)| *p == file.path)
                    .and_then(|(p, bytes)| {
                        let input = Input::Memory {
                            path: p.clone(),
                            format: crate::workbook::Format::from_path(p)?,
                            bytes: bytes.clone(),
                        };
                        annotate::recopy(checker, file, &input).ok()
                    })
                    .map_or(Copy::Missing, Copy::Made),
            }
        })
        .collect();
    Checked { report, copies }
}

async fn verify_page(
    State(service): State<Shared>,
    tongue: Tongue,
    request: Request,
) -> Result<Html<String>, ServeError> {
    let Checked { report, copies } = check_upload(&service, request, true).await?;
    let lang = tongue.lang;
    let tokens: Vec<(Option<String>, bool)> = report
        .files
        .iter()
        .zip(copies)
        .map(|(file, copy)| match copy {
            Copy::Made(bytes) => {
                let name = annotate::output_names(&[file.path.as_path()]).remove(0);
                let token = service.hold(Download {
                    file_name: name,
                    content_type: XLSX,
                    bytes,
                });
                let missing = token.is_none();
                (token, missing)
            }
            Copy::Missing => (None, true),
        })
        .collect();
    // Serialised finding by finding: the report is never a tree of values in memory.
    let mut json = Vec::new();
    serde_json::to_writer_pretty(&mut json, &crate::report::json::document(&report, lang))
        .map_err(|_| ServeError::Internal)?;
    let json = service.hold(Download {
        file_name: "rapport-spro.json".into(),
        content_type: "application/json",
        bytes: json,
    });
    let page = ResultsPage::new(service.frame(tongue, None), &report, lang, tokens, json);
    Ok(Html(pages::render(&page)))
}

async fn verify_api(
    State(service): State<Shared>,
    tongue: Tongue,
    request: Request,
) -> Result<Response, ServeError> {
    let Checked { report, .. } = check_upload(&service, request, false).await?;
    let body = serde_json::to_vec(&crate::report::json::document(&report, tongue.lang))
        .map_err(|_| ServeError::Internal)?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}

/// `/consolider`: the year's workbooks (30 at most), read whole in memory, consolidated with
/// every check slot (the machine is the analyst's for that time).
async fn consolidate(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_when_preferred() {
        assert_eq!(preferred("en-GB,en;q=0.9,fr;q=0.8"), Lang::En);
        assert_eq!(preferred("fr-FR,fr;q=0.9,en;q=0.8"), Lang::Fr);
        assert_eq!(preferred("de-DE,en;q=0.5"), Lang::En);
        assert_eq!(preferred(""), Lang::Fr);
        assert_eq!(preferred("en;q=0.3, fr;q=0.7"), Lang::Fr);
    }

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
    fn names_are_made_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(unique("a.xlsx".into(), &mut taken), "a.xlsx");
        assert_eq!(unique("A.xlsx".into(), &mut taken), "A (2).xlsx");
        assert_eq!(unique("a.xlsx".into(), &mut taken), "a (3).xlsx");
    }

    #[test]
    fn grouped_digits() {
        assert_eq!(grouped(100_000, ','), "100,000");
        assert_eq!(grouped(200, ','), "200");
        assert_eq!(grouped(1_048_576, ' '), "1 048 576");
    }

    #[test]
    fn weights() {
        assert_eq!(check_weight(0), 1);
        assert_eq!(check_weight(60_706_624), 28);
        assert_eq!(copy_weight(60_706_624), 463);
        // The largest Accueil the limits let in: checked, never copied online.
        assert_eq!(check_weight(516_694_589), 246);
        assert!(copy_weight(516_694_589) > 512);
        assert_eq!(consolidation_weight(60_706_624), 57);
    }

    #[test]
    fn tokens_are_masked_in_the_log() {
        assert_eq!(masked("/telechargements/0123abcd"), "/telechargements/…");
        assert_eq!(masked("/regles/C005"), "/regles/C005");
    }
}
