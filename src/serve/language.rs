//! The language of a request: `?lang=en`, else the browser's `Accept-Language`, else French.

use super::*;

/// The language of a request: `?lang=` (chosen, kept on links), else the browser's
/// preference between French and English, else French.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestLang {
    pub lang: Lang,
    pub explicit: bool,
}

impl RequestLang {
    pub(super) fn of(uri: &Uri, headers: &HeaderMap) -> RequestLang {
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
            return RequestLang {
                lang,
                explicit: true,
            };
        }
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        RequestLang {
            lang: preferred(accept),
            explicit: false,
        }
    }
}

/// English when `Accept-Language` ranks English above French.
pub(super) fn preferred(accept: &str) -> Lang {
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

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<RequestLang, Self::Rejection> {
        Ok(RequestLang::of(&parts.uri, &parts.headers))
    }
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
}
