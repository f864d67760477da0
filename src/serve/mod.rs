//! `spro serve`: the pre-check page for coordinators (docs/coordinateurs/la-page.md). One more front end
//! on the library, like the CLI: handlers parse the request, call the checker, the annotated
//! copy, the consolidation or the template, and render; checks run off the async runtime
//! (`spawn_blocking`) behind a semaphore. Limits, the same-site check, error pages, security
//! headers and the request log are layers declared once in [`router`]. Nothing is written to
//! disk: uploads, copies and reports live in memory ([`store`]).
//!
//! One room a job: this module holds the service (settings, shared state, the router, start and
//! stop); [`budget`] what a check weighs, [`language`] the request's language, [`layers`] the
//! layers, [`handlers`] the pages that check nothing, [`verify`] `/verifier` and
//! `/api/verifier`, [`consolidate`] `/consolider`; [`upload`] reads the forms, [`pages`] and
//! [`texts`] make the views, [`error`] every failure.

mod budget;
mod campaign;
mod campaign_pages;
mod consolidate;
mod error;
mod handlers;
mod help;
mod language;
mod layers;
mod listen;
mod pages;
mod store;
mod texts;
mod upload;
mod verify;

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

pub(crate) use error::ServeError;
use pages::{Frame, IndexPage, ResultsPage, RulePage, RuleView, RulesPage};
use store::{Download, Store};
use upload::Form;

use budget::*;
use consolidate::*;
use handlers::*;
pub(crate) use language::RequestLang;
use layers::*;
use verify::*;

use crate::annotate::{self, Annotated};
use crate::check::{CheckSettings, Checker, FileReport, Report};
use crate::i18n::{Lang, Msg};
use crate::inputs::Input;

/// How the server runs.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
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
    /// The campaign's store (`--donnees`): its routes exist only with one.
    pub campaign: Option<PathBuf>,
    /// The address people reach the service at (`[campagne] adresse_publique`).
    pub public_address: Option<String>,
    /// `[campagne.smtp]`: the campaign's e-mails leave through it.
    pub smtp: Option<crate::config::SmtpSettings>,
    /// Whom to ask about personal data (`[campagne] contact_donnees`), on the campaign's pages.
    pub data_contact: Option<String>,
}

impl Settings {
    pub(crate) fn new(listen: SocketAddr, jobs: usize, template_year: i32) -> Settings {
        Settings {
            listen,
            jobs: jobs.max(1),
            template_year,
            queue_timeout: Duration::from_secs(10),
            upload_timeout: Duration::from_secs(60),
            download_ttl: Duration::from_secs(15 * 60),
            downloads_cap: 256 * 1024 * 1024,
            retained_per_request: 32 * 1024 * 1024,
            checks_memory_mib: 512,
            campaign: None,
            public_address: None,
            smtp: None,
            data_contact: None,
        }
    }
}

/// What every request shares.
pub(crate) struct Service {
    /// The checker of the options the service was started with.
    checker: Checker,
    /// What it was made of: a consolidation makes its own, keeping the data of its year.
    check_settings: CheckSettings,
    settings: Settings,
    /// Requests being read or checked: bounds the memory of uploads.
    requests: Semaphore,
    /// Checks running.
    checks: Arc<Semaphore>,
    /// The memory checks running may take, in MiB: a large workbook waits for the others.
    memory: Arc<Semaphore>,
    store: Mutex<Store>,
    /// The threads of a consolidation.
    pool: rayon::ThreadPool,
    /// The campaign's store, with `--donnees`.
    campaign: Option<Arc<crate::campaign::Store>>,
    /// What sends the campaign's e-mails, with `[campagne.smtp]`.
    postman: Option<Arc<crate::campaign::mail::Postman>>,
    /// The login links asked for lately, by address and by client (a rate limit).
    logins: Mutex<std::collections::HashMap<String, Vec<std::time::Instant>>>,
}

type Shared = Arc<Service>;

impl Service {
    pub(crate) fn new(checks: CheckSettings, settings: Settings) -> Result<Service, StartError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(settings.jobs)
            .build()
            .map_err(StartError::Threads)?;
        let checker = Checker::build(checks.clone())?;
        let postman = match &settings.smtp {
            Some(smtp) => Some(Arc::new(crate::campaign::mail::Postman::new(smtp)?)),
            None => None,
        };
        let campaign = match &settings.campaign {
            Some(dir) => Some(Arc::new(crate::campaign::Store::open(dir)?)),
            None => None,
        };
        Ok(Service {
            checker,
            check_settings: checks,
            requests: Semaphore::new(2 * settings.jobs),
            checks: Arc::new(Semaphore::new(settings.jobs)),
            memory: Arc::new(Semaphore::new(settings.checks_memory_mib as usize)),
            store: Mutex::new(Store::new(settings.downloads_cap, settings.download_ttl)),
            pool,
            settings,
            campaign,
            postman,
            logins: Mutex::new(std::collections::HashMap::new()),
        })
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        // A panic while holding the lock leaves the store consistent (every change is one
        // call): keep serving.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Holds a request's downloads together; each one's token, or `None` for one that
    /// cannot be held.
    fn hold_all(&self, downloads: Vec<Download>) -> Vec<Option<String>> {
        self.store().put_all(downloads, std::time::Instant::now())
    }

    /// The most bytes of annotated copies one request may hold ([`Store::share`]).
    /// The address in the links the campaign's e-mails carry.
    fn public_address(&self) -> String {
        let listen = self.settings.listen;
        self.settings
            .public_address
            .clone()
            .unwrap_or_else(|| format!("http://{listen}"))
            .trim_end_matches('/')
            .to_string()
    }

    /// Whether people reach the service over https (`adresse_publique`).
    fn secure(&self) -> bool {
        self.settings
            .public_address
            .as_deref()
            .is_some_and(|a| a.starts_with("https://"))
    }

    fn copies_share(&self) -> usize {
        self.store().share()
    }

    fn frame(&self, request_lang: RequestLang, path: Option<&str>) -> Frame {
        Frame::new(
            request_lang.lang,
            request_lang.explicit,
            path,
            self.settings.template_year,
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
        let form = Form::new(multipart, self.settings.upload_timeout, self.file_limit());
        Ok((turn, form))
    }

    /// Waits for the turn of `request`, at most `queue_timeout`; else 503, once its body is
    /// read and dropped (within the limits and the upload deadline): a client still sending
    /// when the connection closes would see it reset, not the page asking it to come back.
    async fn turn_for(
        &self,
        request: Request,
    ) -> Result<(tokio::sync::SemaphorePermit<'_>, Request), ServeError> {
        match tokio::time::timeout(self.settings.queue_timeout, self.requests.acquire()).await {
            Ok(Ok(permit)) => Ok((permit, request)),
            _ => {
                let limit = upload::body_limit(self.file_limit());
                let drain = drain(request.into_body(), limit);
                let _ = tokio::time::timeout(self.settings.upload_timeout, drain).await;
                Err(ServeError::Busy)
            }
        }
    }

    /// A checker for `year` that keeps each file's rows (consolidations, comparisons); the
    /// configuration was checked at start, so a refusal here says what it is.
    fn keeping_checker(&self, year: i32) -> Result<Checker, ServeError> {
        let mut checks = self.check_settings.clone().for_year(Some(year));
        checks.keep_data = true;
        Checker::build(checks).map_err(|e| ServeError::BadRequest(crate::i18n::Said::said(&e)))
    }

    fn file_limit(&self) -> u64 {
        self.checker.config.limits.file_bytes()
    }

    /// A turn for a check that may take `weight` MiB: check slots, and that much of the
    /// memory budget (a check heavier than the whole budget is refused before this).
    async fn check_turn(&self, weight: u32, slots: u32) -> Result<CheckTurn, ServeError> {
        let weight = weight.clamp(1, self.settings.checks_memory_mib);
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

/// The routes of the page (docs/coordinateurs/la-page.md), with their layers.
pub(crate) fn router(service: Shared) -> Router {
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
        .route("/aide", get(handlers::help_index))
        .route("/aide/{page}", get(handlers::help_page))
        .route("/aide/images/{name}", get(handlers::help_image))
        .route("/modele", get(template))
        .route("/consolider", post(consolidate))
        .route("/synthese", post(synthesis))
        .route("/sante", get(|| async { "ok" }))
        .route("/static/style.css", get(style))
        .route("/static/app.js", get(script))
        .route("/static/favicon.svg", get(favicon))
        .merge(campaign_routes(&service))
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

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StartError {
    Threads(#[source] rayon::ThreadPoolBuildError),
    /// The runtime, or the socket's own address.
    Runtime(#[source] std::io::Error),
    Listen {
        listen: SocketAddr,
        source: std::io::Error,
    },
    Checker(#[from] crate::check::BuildError),
    Campaign(#[from] crate::campaign::CampaignError),
    Mail(#[from] crate::campaign::mail::MailError),
}

impl crate::i18n::Said for StartError {
    fn said(&self) -> Msg {
        match self {
            StartError::Threads(e) => crate::msg!(
                "impossible de lancer les fils de calcul : {e}",
                "cannot start the worker threads: {e}"
            ),
            StartError::Runtime(e) => crate::msg!(
                "impossible de lancer le serveur : {e}",
                "cannot start the server: {e}"
            ),
            StartError::Listen { listen, source } => crate::msg!(
                "impossible d'écouter sur {listen} : {source} (adresse occupée ou interdite ? choisissez-en une autre avec --listen)",
                "cannot listen on {listen}: {source} (address in use or forbidden? choose another with --listen)"
            ),
            StartError::Checker(e) => e.said(),
            StartError::Campaign(e) => e.said(),
            StartError::Mail(e) => e.said(),
        }
    }
}

crate::said_in_french!(StartError);

/// The campaign's routes, with `--donnees` (none without: the service is the pre-check page).
fn campaign_routes(service: &Shared) -> Router<Shared> {
    use campaign::*;
    if service.campaign.is_none() {
        return Router::new();
    }
    Router::new()
        .route("/api/campagne", get(api_dashboard))
        .route("/api/reseaux/{code}", get(api_network))
        .route("/api/reseaux/{code}/depots", post(api_deposit))
        .route("/api/depots/{id}", get(api_deposited))
        .route("/api/depots/{id}/accepter", post(api_accept))
        .route("/api/depots/{id}/corriger", post(api_correct))
        .route("/api/depots/{id}/comparaison/{autre}", get(api_comparison))
        .route("/depots/{id}/comparaison/{autre}", get(comparison_page))
        .route("/connexion", get(login_form).post(ask_link))
        .route("/connexion/{jeton}", get(link_page).post(use_link))
        .route("/deconnexion", post(log_out))
        .route("/campagne", get(dashboard_page))
        .route("/campagne/export.csv", get(dashboard_csv))
        .route("/campagne/consolider", post(consolidate_campaign))
        .route("/reseaux/{code}", get(network_page))
        .route("/reseaux/{code}/depots", post(deposit_from_page))
        .route("/depots/{id}", get(deposit_page))
        .route("/depots/{id}/fichier", get(deposit_file))
        .route("/depots/{id}/annote", get(deposit_copy))
        .route("/depots/{id}/accepter", post(accept_from_page))
        .route("/depots/{id}/corriger", post(correct_from_page))
}

/// Runs the server until SIGINT or SIGTERM; requests in flight then get at most 30 s.
pub(crate) fn run(checks: CheckSettings, settings: Settings) -> Result<(), StartError> {
    few_malloc_arenas();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(StartError::Runtime)?;
    runtime.block_on(async move {
        let listen = settings.listen;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|source| StartError::Listen { listen, source })?;
        let address = listener.local_addr().map_err(StartError::Runtime)?;
        let service = Arc::new(Service::new(checks, settings)?);
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
        let connections = listen::Connections::from_descriptor_limit();
        let server = listen::serve(listener, router(service), connections, async move {
            stop_signal().await;
            eprintln!("spro serve : arrêt demandé, fin des requêtes en cours (30 s au plus)");
            let _ = stop_tx.send(true);
        });
        let deadline = async move {
            let _ = stop_rx.wait_for(|stop| *stop).await;
            tokio::time::sleep(Duration::from_secs(30)).await;
        };
        tokio::select! {
            () = server => {}
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
