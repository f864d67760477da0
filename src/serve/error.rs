//! Every way a request can fail, as a typed value rendered once: a French (or English) page,
//! or a JSON error on `/api/…`; never a stack trace or an empty body.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::i18n::{Lang, Msg};

/// Why a request gets no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ServeError {
    /// The request is not what the form sends (400), with what is wrong.
    BadRequest(Msg),
    /// A `POST` from another site (403).
    CrossSite,
    NotFound,
    /// A download token unknown, used or expired (404, with its own explanation).
    GoneDownload,
    MethodNotAllowed,
    /// The body did not arrive in time (408).
    Timeout {
        seconds: u64,
    },
    /// The body arrived slower than the least rate allowed (408): a slow sender never holds
    /// a turn others wait for.
    TooSlow {
        kib_per_second: u64,
    },
    /// More than the limits allow (413), before the body is read whole.
    TooLarge(Msg),
    /// No check could start in time (503).
    Busy,
    /// A bug of the tool (500); the log says more.
    Internal,
    /// Not logged in (401 on `/api/…`; a page sends to `/connexion`).
    Unauthorized,
    /// Nothing there, with why (404): no campaign, no such network or deposit — or one the
    /// person may not see, which answers the same.
    Missing(Msg),
    /// The campaign takes no deposit (409).
    Conflict(Msg),
    /// The file could not be kept (507): nothing was recorded.
    Storage(Msg),
    /// Too many login attempts (429), and how long to wait.
    TooMany {
        retry_after: u64,
    },
}

impl ServeError {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            ServeError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ServeError::CrossSite => StatusCode::FORBIDDEN,
            ServeError::NotFound | ServeError::GoneDownload => StatusCode::NOT_FOUND,
            ServeError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ServeError::Timeout { .. } | ServeError::TooSlow { .. } => StatusCode::REQUEST_TIMEOUT,
            ServeError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ServeError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ServeError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ServeError::Unauthorized => StatusCode::UNAUTHORIZED,
            ServeError::Missing(_) => StatusCode::NOT_FOUND,
            ServeError::Conflict(_) => StatusCode::CONFLICT,
            ServeError::Storage(_) => StatusCode::INSUFFICIENT_STORAGE,
            ServeError::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    /// The error of an empty response of `status` (from the router or a layer).
    pub(crate) fn of_status(status: StatusCode) -> ServeError {
        match status {
            StatusCode::NOT_FOUND => ServeError::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ServeError::MethodNotAllowed,
            StatusCode::REQUEST_TIMEOUT => ServeError::Timeout { seconds: 60 },
            StatusCode::PAYLOAD_TOO_LARGE => ServeError::TooLarge(Msg::new(
                "la requête est trop volumineuse",
                "the request is too large",
            )),
            StatusCode::SERVICE_UNAVAILABLE => ServeError::Busy,
            StatusCode::FORBIDDEN => ServeError::CrossSite,
            s if s.is_client_error() => ServeError::BadRequest(Msg::new(
                "la requête n'a pas pu être comprise",
                "the request could not be understood",
            )),
            _ => ServeError::Internal,
        }
    }

    /// A short title.
    pub(crate) fn title(&self) -> Msg {
        match self {
            ServeError::BadRequest(_) => Msg::new("Requête incomplète", "Incomplete request"),
            ServeError::CrossSite => Msg::new("Envoi refusé", "Upload refused"),
            ServeError::NotFound => Msg::new("Page introuvable", "Page not found"),
            ServeError::GoneDownload => {
                Msg::new("Téléchargement indisponible", "Download unavailable")
            }
            ServeError::MethodNotAllowed => Msg::new("Action non permise", "Action not allowed"),
            ServeError::Timeout { .. } | ServeError::TooSlow { .. } => {
                Msg::new("Envoi trop lent", "Upload too slow")
            }
            ServeError::TooLarge(_) => Msg::new("Envoi trop volumineux", "Upload too large"),
            ServeError::Busy => Msg::new("Service très sollicité", "Service very busy"),
            ServeError::Internal => Msg::new("Erreur du service", "Service error"),
            ServeError::Unauthorized => Msg::new("Connexion nécessaire", "Login needed"),
            ServeError::Missing(_) => Msg::new("Introuvable", "Not found"),
            ServeError::Conflict(_) => Msg::new("Dépôt impossible", "Deposit impossible"),
            ServeError::Storage(_) => Msg::new("Dépôt non conservé", "Deposit not kept"),
            ServeError::TooMany { .. } => Msg::new("Trop de demandes", "Too many requests"),
        }
    }

    /// The JSON error of `/api/…`.
    pub(crate) fn json(&self, lang: Lang) -> Response {
        let body = serde_json::json!({
            "error": {
                "status": self.status().as_u16(),
                "title": self.title().get(lang),
                "message": crate::i18n::Said::said(self).get(lang),
            }
        });
        let mut response = (self.status(), axum::Json(body)).into_response();
        self.add_headers(&mut response);
        response
    }

    /// The HTML page.
    pub(crate) fn page(&self, lang: Lang, frame: super::pages::Frame) -> Response {
        let html = super::pages::error_page(self, lang, frame);
        let mut response = (self.status(), axum::response::Html(html)).into_response();
        self.add_headers(&mut response);
        response
    }

    fn add_headers(&self, response: &mut Response) {
        if *self == ServeError::Busy {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        }
        if let ServeError::TooMany { retry_after } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
        }
        if *self == ServeError::Unauthorized {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let ServeError::TooLarge(_) | ServeError::Timeout { .. } | ServeError::TooSlow { .. } =
            self
        {
            // The rest of the body is not read: the connection cannot serve another request.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
    }
}

/// A handler's error, rendered by the error layer (which knows the language and whether the
/// route is the API): the handler only says which error.
impl crate::i18n::Said for ServeError {
    /// What happened and what to do.
    fn said(&self) -> Msg {
        match self {
            ServeError::BadRequest(m)
            | ServeError::TooLarge(m)
            | ServeError::Missing(m)
            | ServeError::Conflict(m)
            | ServeError::Storage(m) => m.clone(),
            ServeError::Unauthorized => Msg::new(
                "Connectez-vous d'abord : demandez un lien de connexion sur la page /connexion, ou donnez un jeton d'API (Authorization: Bearer).",
                "Log in first: ask for a login link on the /connexion page, or give an API token (Authorization: Bearer).",
            ),
            ServeError::TooMany { retry_after } => msg!(
                "Trop de demandes de connexion : réessayez dans {retry_after} secondes.",
                "Too many login requests: try again in {retry_after} seconds."
            ),
            ServeError::CrossSite => Msg::new(
                "Cet envoi vient d'un autre site que celui-ci : il est refusé par sécurité. Déposez vos fichiers depuis la page d'accueil du service.",
                "This upload comes from another site than this one: it is refused for safety. Upload your files from the service's home page.",
            ),
            ServeError::NotFound => Msg::new(
                "Cette adresse ne correspond à aucune page du service.",
                "This address matches no page of the service.",
            ),
            ServeError::GoneDownload => Msg::new(
                "Ce lien de téléchargement n'est plus valable : chaque lien ne sert qu'une fois et expire au bout de 15 minutes. Vérifiez à nouveau votre fichier pour obtenir un nouveau lien.",
                "This download link is no longer valid: each link works once and expires after 15 minutes. Check your file again to get a new link.",
            ),
            ServeError::MethodNotAllowed => Msg::new(
                "Cette adresse ne s'utilise pas ainsi : passez par le formulaire de la page d'accueil.",
                "This address is not used this way: go through the form of the home page.",
            ),
            ServeError::Timeout { seconds } => msg!(
                "Le fichier n'est pas arrivé en entier dans les {seconds} secondes permises : la connexion est peut-être trop lente. Réessayez, si possible depuis une connexion plus rapide.",
                "The file did not arrive whole within the {seconds} seconds allowed: the connection may be too slow. Try again, from a faster connection if you can."
            ),
            ServeError::TooSlow { kib_per_second } => msg!(
                "Le fichier arrivait trop lentement (moins de {kib_per_second} Kio par seconde) : l'envoi a été interrompu pour ne pas faire attendre les autres. Réessayez, si possible depuis une connexion plus rapide.",
                "The file was arriving too slowly (less than {kib_per_second} KiB per second): the upload was stopped so as not to keep others waiting. Try again, from a faster connection if you can."
            ),
            ServeError::Busy => Msg::new(
                "Le service est très sollicité, réessayez dans une minute.",
                "The service is very busy, try again in a minute.",
            ),
            ServeError::Internal => Msg::new(
                "Une erreur interne a empêché de traiter votre demande. Réessayez ; si elle persiste, signalez-la à la Région.",
                "An internal error prevented your request from being handled. Try again; if it persists, report it to the Région.",
            ),
        }
    }
}

impl IntoResponse for ServeError {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(self);
        response
    }
}
