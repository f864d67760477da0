//! `/aide`: the coordinators' part of the guide (`docs/coordinateurs/`), embedded in the
//! binary with its pictures and served as pages of the site, where coordinators are. The
//! Markdown is the guide's own, read once: links between its pages become `/aide/…`, the rules'
//! catalogue `/regles`, its pictures `/aide/images/…`. It is ours, compiled in, and its HTML is
//! made by pulldown-cmark from Markdown in which raw HTML is shown as text, never passed on.

use std::sync::OnceLock;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// A page of the coordinators' guide: its address under `/aide/`, its Markdown.
struct Source {
    slug: &'static str,
    markdown: &'static str,
}

/// The coordinators' pages, in the guide's order (`docs/SUMMARY.md`).
const SOURCES: [Source; 4] = [
    Source {
        slug: "la-page",
        markdown: include_str!("../../docs/coordinateurs/la-page.md"),
    },
    Source {
        slug: "lire-une-anomalie",
        markdown: include_str!("../../docs/coordinateurs/lire-une-anomalie.md"),
    },
    Source {
        slug: "copie-annotee",
        markdown: include_str!("../../docs/coordinateurs/copie-annotee.md"),
    },
    Source {
        slug: "depot",
        markdown: include_str!("../../docs/coordinateurs/depot.md"),
    },
];

/// The pictures those pages show (`docs/images/`, made by `docs/images.sh`).
pub(super) const IMAGES: [(&str, &[u8]); 7] = [
    (
        "page-accueil.png",
        include_bytes!("../../docs/images/page-accueil.png"),
    ),
    (
        "page-resultats.png",
        include_bytes!("../../docs/images/page-resultats.png"),
    ),
    (
        "page-resultats-telephone.png",
        include_bytes!("../../docs/images/page-resultats-telephone.png"),
    ),
    (
        "copie-cellule.png",
        include_bytes!("../../docs/images/copie-cellule.png"),
    ),
    (
        "copie-anomalies.png",
        include_bytes!("../../docs/images/copie-anomalies.png"),
    ),
    (
        "campagne-reseau.png",
        include_bytes!("../../docs/images/campagne-reseau.png"),
    ),
    (
        "campagne-depot.png",
        include_bytes!("../../docs/images/campagne-depot.png"),
    ),
];

/// A page, ready to serve.
pub(super) struct HelpPage {
    pub(super) slug: &'static str,
    pub(super) title: String,
    /// Its first paragraph, as text (the index lists it).
    pub(super) summary: String,
    /// Its body as HTML, its title left out (the page's `<h1>` is the template's).
    pub(super) html: String,
}

/// Every page, made once.
pub(super) fn pages() -> &'static [HelpPage] {
    static PAGES: OnceLock<Vec<HelpPage>> = OnceLock::new();
    PAGES.get_or_init(|| SOURCES.iter().map(page).collect())
}

/// The page at `slug`.
pub(super) fn find(slug: &str) -> Option<&'static HelpPage> {
    pages().iter().find(|p| p.slug == slug)
}

/// The picture named `name`.
pub(super) fn image(name: &str) -> Option<&'static [u8]> {
    IMAGES.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

fn page(source: &Source) -> HelpPage {
    let (mut title, mut summary) = (String::new(), String::new());
    let (mut in_title, mut in_first_paragraph, mut seen_paragraph) = (false, false, false);
    let mut events = Vec::new();
    for event in Parser::new_ext(source.markdown, Options::ENABLE_TABLES) {
        match &event {
            Event::Start(Tag::Heading { level, .. })
                if title.is_empty() && *level == HeadingLevel::H1 =>
            {
                in_title = true;
                continue;
            }
            Event::End(TagEnd::Heading(_)) if in_title => {
                in_title = false;
                continue;
            }
            Event::Start(Tag::Paragraph) if !seen_paragraph => in_first_paragraph = true,
            Event::End(TagEnd::Paragraph) if in_first_paragraph => {
                in_first_paragraph = false;
                seen_paragraph = true;
            }
            _ => {}
        }
        if in_title {
            if let Event::Text(t) | Event::Code(t) = &event {
                title.push_str(t);
            }
            continue;
        }
        if in_first_paragraph {
            match &event {
                Event::Text(t) | Event::Code(t) => summary.push_str(t),
                Event::SoftBreak => summary.push(' '),
                _ => {}
            }
        }
        events.push(rewritten(event));
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    HelpPage {
        slug: source.slug,
        title,
        summary,
        html,
    }
}

/// `event` with its link or picture moved to the site's addresses, raw HTML made text.
fn rewritten(event: Event<'static>) -> Event<'static> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: address(&dest_url).into(),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: address(&dest_url).into(),
            title,
            id,
        }),
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    }
}

/// Where a link of the guide leads on the site: `depot.md#x` → `/aide/depot#x`, `../rules.md`
/// → `/regles`, `../images/a.png` → `/aide/images/a.png`; anything else as written.
pub(super) fn address(link: &str) -> String {
    let (path, fragment) = match link.split_once('#') {
        Some((p, f)) => (p, format!("#{f}")),
        None => (link, String::new()),
    };
    if let Some(name) = path.strip_prefix("../images/") {
        return format!("/aide/images/{name}");
    }
    if path == "../rules.md" {
        return format!("/regles{fragment}");
    }
    match path.strip_suffix(".md") {
        Some(slug) if !slug.contains('/') => format!("/aide/{slug}{fragment}"),
        _ => link.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guides_links_lead_to_the_sites_addresses() {
        assert_eq!(address("depot.md"), "/aide/depot");
        assert_eq!(
            address("lire-une-anomalie.md#les-familles"),
            "/aide/lire-une-anomalie#les-familles"
        );
        assert_eq!(address("../rules.md"), "/regles");
        assert_eq!(
            address("../images/page-accueil.png"),
            "/aide/images/page-accueil.png"
        );
        assert_eq!(
            address("https://example.org/x.md"),
            "https://example.org/x.md"
        );
    }

    /// Every page has its title and summary; its links lead to pages, pictures and rules the
    /// site serves, its pictures have a text alternative, and no raw HTML passes.
    #[test]
    fn every_page_links_only_to_what_the_site_serves() {
        for p in pages() {
            assert!(!p.title.is_empty() && !p.summary.is_empty(), "{}", p.slug);
            assert!(!p.html.contains("<h1"), "{}", p.slug);
            for part in p
                .html
                .split("href=\"")
                .skip(1)
                .chain(p.html.split("src=\"").skip(1))
            {
                let target = part.split('"').next().unwrap();
                let path = target.split('#').next().unwrap();
                let known = path == "/regles"
                    || path
                        .strip_prefix("/aide/images/")
                        .is_some_and(|n| image(n).is_some())
                    || path
                        .strip_prefix("/aide/")
                        .is_some_and(|s| find(s).is_some());
                assert!(known, "{}: {target}", p.slug);
            }
            for part in p.html.split("<img ").skip(1) {
                let alt = part
                    .split("alt=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap();
                assert!(alt.len() > 20, "{}: {part}", p.slug);
            }
        }
        for (name, _) in IMAGES {
            assert!(
                pages().iter().any(|p| p.html.contains(name)),
                "{name} shown"
            );
        }
    }
}
