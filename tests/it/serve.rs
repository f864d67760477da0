//! `spro serve` from the outside, without a browser: the real binary on a free port of
//! 127.0.0.1, driven over HTTP (reqwest, and raw TCP where a client must misbehave: a body
//! that trickles, a body larger than announced limits). Every route, every error page, hostile
//! uploads, escaping, download tokens, headers on every response, the request log, graceful
//! shutdown, and nothing written to disk.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::server::Server;
use crate::common::*;
use calamine::{Data, Reader};
use reqwest::blocking::{multipart, Client, Response};
use serde_json::Value;

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(root().join(path)).unwrap()
}

fn file_part(name: &str, bytes: Vec<u8>) -> multipart::Part {
    multipart::Part::bytes(bytes).file_name(name.to_string())
}

fn form(files: &[(&str, Vec<u8>)]) -> multipart::Form {
    files
        .iter()
        .fold(multipart::Form::new(), |f, (name, bytes)| {
            f.part("fichiers", file_part(name, bytes.clone()))
        })
}

/// The sample batch of 2025: its folder, its file names in order, their contents.
fn sample_batch() -> (PathBuf, Vec<String>, Vec<Vec<u8>>) {
    let dir = root().join("fixtures/bilans/2025");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let contents = names
        .iter()
        .map(|n| std::fs::read(dir.join(n)).unwrap())
        .collect();
    (dir, names, contents)
}

/// The three headers every response carries.
fn assert_headers(r: &Response) {
    let h = r.headers();
    assert_eq!(
        h["content-security-policy"],
        "default-src 'self'; frame-ancestors 'none'",
        "{}",
        r.url()
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
}

fn text_of(r: Response) -> String {
    assert_headers(&r);
    r.text().unwrap()
}

/// The token of the first download link of `page` whose text is `label`.
fn token(page: &str, label: &str) -> String {
    let at = page
        .find(label)
        .unwrap_or_else(|| panic!("no « {label} » in {page}"));
    let before = &page[..at];
    let href = before.rfind("/telechargements/").unwrap();
    before[href + "/telechargements/".len()..]
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

/// A raw HTTP/1.1 request: headers, then `body` (maybe only the start of what
/// `Content-Length` announces).
fn raw(address: &str, path: &str, length: usize, body: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {length}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    let _ = stream.write_all(body);
    stream
}

/// The start of a multipart body with one file part named `name`.
fn part_head(name: &str) -> Vec<u8> {
    format!("--XyZ\r\nContent-Disposition: form-data; name=\"fichiers\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").into_bytes()
}

/// The Châteauroux bilan posted to `/verifier` under `name`.
fn post_chx(server: &Server, name: &str) -> Response {
    client()
        .post(server.url("/verifier"))
        .multipart(form(&[(name, fixture("fixtures/bilans/2025/36-CHX.xlsx"))]))
        .send()
        .unwrap()
}

/// `count` copies of `bytes` posted to `/verifier`, the `i`-th named `name(i)`.
fn post_numbered(
    server: &Server,
    count: usize,
    name: impl Fn(usize) -> String,
    bytes: &[u8],
) -> Response {
    let files: Vec<(String, Vec<u8>)> = (0..count).map(|i| (name(i), bytes.to_vec())).collect();
    let files: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    client()
        .post(server.url("/verifier"))
        .multipart(form(&files))
        .send()
        .unwrap()
}

/// Status line and the rest of a raw response.
fn response_of(stream: &mut TcpStream) -> (u16, String) {
    let mut text = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                text.extend_from_slice(&buf[..n]);
                if text.windows(7).any(|w| w == b"</html>") {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    let text = String::from_utf8_lossy(&text).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

#[test]
fn pages_rules_template_health_and_assets() {
    let server = Server::start(&["--annee", "2025"]);
    let c = client();
    let home = text_of(c.get(server.url("/")).send().unwrap());
    for needle in [
        "<html lang=\"fr\">",
        "<input type=\"file\" id=\"fichiers\" name=\"fichiers\" multiple",
        "accept=\".xlsx,.xlsm,.xlsb,.xls,.ods\"",
        "name=\"annee\"",
        "action=\"/verifier\"",
        "Consolider les bilans de l&#39;année",
        "action=\"/consolider\"",
        "Confidentialité",
        "50 Mio",
        "href=\"/regles\"",
        "href=\"/modele?annee=2025\"",
    ] {
        assert!(home.contains(needle), "{needle} missing from the home page");
    }
    assert_eq!(home.matches("<h1").count(), 1);
    // Nothing from another origin, nothing inline.
    assert!(!home.contains("http://") && !home.contains("https://"));
    assert!(!home.contains("<style") && !home.contains(" style=") && !home.contains("<script>"));

    let health = c.get(server.url("/sante")).send().unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(text_of(health), "ok");

    let rules = text_of(c.get(server.url("/regles")).send().unwrap());
    for r in spro_bilans::rules::RULES {
        assert!(
            rules.contains(&format!("href=\"/regles/{}\"", r.code)),
            "{}",
            r.code
        );
    }
    let c005 = c.get(server.url("/regles/C005")).send().unwrap();
    assert_eq!(c005.status(), 200);
    let c005 = text_of(c005);
    let rule = spro_bilans::rules::rule("C005").unwrap();
    assert!(c005.contains("<h1>C005 — logo-manquant</h1>"));
    assert!(c005.contains(&rule.fix.0.replace('\'', "&#39;")));
    let lower = c.get(server.url("/regles/c005")).send().unwrap();
    assert_eq!(lower.status(), 200);
    let unknown = c.get(server.url("/regles/Z999")).send().unwrap();
    assert_eq!(unknown.status(), 404);
    assert!(text_of(unknown).contains("Page introuvable"));

    let template = c.get(server.url("/modele?annee=2025")).send().unwrap();
    assert_eq!(template.status(), 200);
    assert_headers(&template);
    assert!(template.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("filename=\"tableau-de-bord-2025.xlsx\""));
    let bytes = template.bytes().unwrap();
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    assert!(wb.sheet_names().contains(&"Identification".to_string()));
    let ident = wb.worksheet_range("Identification").unwrap();
    assert!(ident.rows().any(|r| r
        .iter()
        .any(|c| *c == Data::Float(2025.0) || *c == Data::Int(2025))));
    let bad_year = c.get(server.url("/modele?annee=1999")).send().unwrap();
    assert_eq!(bad_year.status(), 400);
    assert!(text_of(bad_year).contains("n&#39;est pas une année de bilan"));

    for (path, kind) in [
        ("/static/style.css", "text/css"),
        ("/static/app.js", "text/javascript"),
        ("/static/favicon.svg", "image/svg+xml"),
    ] {
        let r = c.get(server.url(path)).send().unwrap();
        assert_eq!(r.status(), 200);
        assert_headers(&r);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(kind));
    }
}

#[test]
fn english_on_request_or_by_preference() {
    let server = Server::start(&[]);
    let c = client();
    let page = text_of(c.get(server.url("/?lang=en")).send().unwrap());
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains("Check your tableau de bord before sending it"));
    assert!(page.contains("action=\"/verifier?lang=en\""));
    let preferred = text_of(
        c.get(server.url("/"))
            .header("Accept-Language", "en-GB,en;q=0.9,fr;q=0.5")
            .send()
            .unwrap(),
    );
    assert!(preferred.contains("<html lang=\"en\">"));
    let french = text_of(
        c.get(server.url("/?lang=fr"))
            .header("Accept-Language", "en")
            .send()
            .unwrap(),
    );
    assert!(french.contains("<html lang=\"fr\">"));
    let results = text_of(
        c.post(server.url("/verifier?lang=en"))
            .multipart(form(&[(
                "C005.xlsx",
                fixture("fixtures/cas/C005-logo-manquant.xlsx"),
            )]))
            .send()
            .unwrap(),
    );
    assert!(results.contains("To correct before sending"));
    // Counts agree as English does, never « error(s) » (French: tests/plurals.rs and below).
    assert!(
        results.contains("3 errors, 0 warnings, 0 information"),
        "{results}"
    );
    let french_results = text_of(
        c.post(server.url("/verifier?lang=fr"))
            .multipart(form(&[(
                "C005.xlsx",
                fixture("fixtures/cas/C005-logo-manquant.xlsx"),
            )]))
            .send()
            .unwrap(),
    );
    for page in [&results, &french_results] {
        let found = plurals_in(page);
        assert!(found.is_empty(), "{found:?}");
    }
    assert!(
        french_results.contains("3 erreurs, 0 avertissement, 0 information"),
        "{french_results}"
    );
    assert!(
        results.contains("created a tool or material without the logo of the SPRO"),
        "{results}"
    );
    let json: Value = c
        .post(server.url("/api/verifier?lang=en"))
        .multipart(form(&[(
            "C005.xlsx",
            fixture("fixtures/cas/C005-logo-manquant.xlsx"),
        )]))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let message = json["files"][0]["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("logo of the SPRO"), "{message}");
    let missing = c.get(server.url("/nulle-part?lang=en")).send().unwrap();
    assert!(text_of(missing).contains("Page not found"));
}

/// The results page of a file with C005: the finding at Actions!P3 with its rule link, the
/// annotated copy downloaded once with the cell marked, the JSON report, and the log.
#[test]
fn a_check_shows_each_finding_at_its_cell_and_gives_the_annotated_copy_once() {
    let server = Server::start(&[]);
    let c = client();
    let page = text_of(
        c.post(server.url("/verifier"))
            .multipart(multipart::Form::new().text("annee", "2025").part(
                "fichiers",
                file_part(
                    "C005-logo-manquant.xlsx",
                    fixture("fixtures/cas/C005-logo-manquant.xlsx"),
                ),
            ))
            .send()
            .unwrap(),
    );
    assert!(page.contains("À corriger avant envoi"));
    assert!(page.contains("<td data-label=\"Cellule\" class=\"cellule\">Actions!P3</td>"));
    assert!(page.contains("<a href=\"/regles/C005\">C005</a>"));
    assert!(
        page.contains("3 erreurs, 0 avertissement, 0 information"),
        "{page}"
    );
    assert!(page.contains("<h3>Actions</h3>"));

    let copy_token = token(&page, "Télécharger le classeur annoté");
    let copy = c
        .get(server.url(&format!("/telechargements/{copy_token}")))
        .send()
        .unwrap();
    assert_eq!(copy.status(), 200);
    assert_headers(&copy);
    let disposition = copy.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"C005-logo-manquant.annote.xlsx\""),
        "{disposition}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copie.xlsx");
    std::fs::write(&path, copy.bytes().unwrap()).unwrap();
    assert_eq!(fill_of(&path, "Actions", "P3").as_deref(), Some("FFFF9999"));
    assert!(notes(&path).contains("C005"));
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(wb.sheet_names()[0], "Anomalies");
    let anomalies = wb.worksheet_range("Anomalies").unwrap();
    assert!(anomalies.rows().any(|r| r.iter().any(|c| *c == "P3")));

    // An .xlsm comes back as .xlsm (macros kept); an .ods as an .xlsx of its values, which
    // the page says.
    let xlsm = xlsm_of(&fixture("fixtures/cas/C005-logo-manquant.xlsx"), b"macros");
    let both = text_of(
        c.post(server.url("/verifier"))
            .multipart(form(&[
                ("C005.xlsm", xlsm),
                ("41-BLO.ods", fixture("fixtures/bilans/2025/41-BLO.ods")),
            ]))
            .send()
            .unwrap(),
    );
    assert!(
        both.contains("Votre fichier .ods : la copie annotée est un .xlsx qui reprend vos valeurs"),
        "{both}"
    );
    assert_eq!(both.matches("la copie annotée est un .xlsx").count(), 1);
    let macro_copy = c
        .get(server.url(&format!(
            "/telechargements/{}",
            token(
                &both[both.find(">C005.xlsm<").unwrap()..],
                "Télécharger le classeur annoté"
            )
        )))
        .send()
        .unwrap();
    assert_eq!(
        macro_copy.headers()["content-type"],
        "application/vnd.ms-excel.sheet.macroEnabled.12"
    );
    assert!(macro_copy.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"C005.annote.xlsm\""));

    // Once only, and a guessed token is no better.
    for t in [copy_token.as_str(), "0123456789abcdef0123456789abcdef", "x"] {
        let again = c
            .get(server.url(&format!("/telechargements/{t}")))
            .send()
            .unwrap();
        assert_eq!(again.status(), 404);
        assert!(text_of(again).contains("Téléchargement indisponible"));
    }

    let json_token = token(&page, "Télécharger le rapport (JSON)");
    let report: Value = c
        .get(server.url(&format!("/telechargements/{json_token}")))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(report["files"][0]["findings"][0]["cell"], "P3");

    let log = server.log_with("GET /telechargements/… 200");
    assert!(log.contains("POST /verifier 200"), "{log}");
    assert!(log.contains("GET /telechargements/… 200"), "{log}");
    assert!(
        !log.contains(&copy_token) && !log.contains("C005-logo"),
        "{log}"
    );
    assert!(server.written().is_empty(), "{:?}", server.written());
}

#[test]
fn downloads_expire() {
    let server = Server::start(&["--conservation-s", "1"]);
    let c = client();
    let page = text_of(
        c.post(server.url("/verifier"))
            .multipart(form(&[(
                "36-CHX.xlsx",
                fixture("fixtures/bilans/2025/36-CHX.xlsx"),
            )]))
            .send()
            .unwrap(),
    );
    assert!(page.contains("Prêt à envoyer"));
    assert!(page.contains("Aucune anomalie"));
    let t = token(&page, "Télécharger le classeur annoté");
    std::thread::sleep(Duration::from_millis(1500));
    let late = c
        .get(server.url(&format!("/telechargements/{t}")))
        .send()
        .unwrap();
    assert_eq!(late.status(), 404);
}

/// `/api/verifier` gives what `spro check --format json` gives for the same file.
#[test]
fn the_api_is_the_json_report_of_check() {
    let server = Server::start(&["--annee", "2025"]);
    let name = "C005-logo-manquant.xlsx";
    let api: Value = client()
        .post(server.url("/api/verifier"))
        .multipart(form(&[(name, fixture(&format!("fixtures/cas/{name}")))]))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let cli = Command::new(env!("CARGO_BIN_EXE_spro"))
        .args(["check", name, "--annee", "2025", "--format", "json"])
        .current_dir(root().join("fixtures/cas"))
        .env_remove("SPRO_LANG")
        .output()
        .unwrap();
    let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(api, cli);
}

/// Hostile uploads in one request: each bad file gets its finding, the good one is checked,
/// names and values are escaped, nothing is written.
#[test]
fn hostile_uploads_are_findings_and_the_rest_is_checked() {
    let server = Server::start_with(&[], Some("[limites]\ntaille_decompressee_mo = 20\n"));
    let chx = fixture("fixtures/bilans/2025/36-CHX.xlsx");
    // A zip bomb: 40 MB of spaces in a sheet, a few kilobytes compressed.
    let bomb = {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        out.start_file("[Content_Types].xml", options).unwrap();
        out.write_all(b"<Types/>").unwrap();
        out.start_file("xl/workbook.xml", options).unwrap();
        out.write_all(b"<workbook/>").unwrap();
        out.start_file("xl/worksheets/sheet1.xml", options).unwrap();
        let spaces = vec![b' '; 1024 * 1024];
        for _ in 0..40 {
            out.write_all(&spaces).unwrap();
        }
        out.finish().unwrap().into_inner()
    };
    assert!(bomb.len() < 200_000);
    let encrypted = encrypted_workbook();
    let files = [
        ("36-CHX.xlsx", chx.clone()),
        ("bombe.xlsx", bomb),
        ("chiffre.xlsx", encrypted),
        ("tronque.xlsx", chx[..chx.len() / 2].to_vec()),
        ("rapport.xlsx", b"%PDF-1.7\n1 0 obj\n".to_vec()),
        ("../../etc/passwd", chx.clone()),
        ("<img src=x onerror=alert(1)>.xlsx", chx.clone()),
        (
            "<script>alert(1).xlsx",
            b"<script>alert(1)</script>".to_vec(),
        ),
    ];
    let c = client();
    let report: Value = c
        .post(server.url("/api/verifier"))
        .multipart(form(&files))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let by_name = |name: &str| {
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == name)
            .unwrap_or_else(|| panic!("{name} not in {report}"))
            .clone()
    };
    let codes = |f: &Value| -> Vec<String> {
        f["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(codes(&by_name("bombe.xlsx")), ["F003"]);
    let encrypted = by_name("chiffre.xlsx");
    assert_eq!(codes(&encrypted), ["F001"]);
    assert!(encrypted["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("mot de passe"));
    assert_eq!(codes(&by_name("tronque.xlsx")), ["F001"]);
    assert_eq!(codes(&by_name("rapport.xlsx")), ["F001"]);
    assert_eq!(codes(&by_name("passwd")), ["F002"]);
    assert_eq!(codes(&by_name("<script>alert(1).xlsx")), ["F001"]);
    // Two uploads of the same network: B001 on both, and both otherwise clean.
    assert_eq!(codes(&by_name("36-CHX.xlsx")), ["B001"]);
    assert_eq!(
        codes(&by_name("<img src=x onerror=alert(1)>.xlsx")),
        ["B001"]
    );

    let page = text_of(
        c.post(server.url("/verifier"))
            .multipart(form(&files))
            .send()
            .unwrap(),
    );
    assert_eq!(page.matches("Fichier illisible").count(), 6);
    assert!(page.contains("&#60;script&#62;alert(1).xlsx"));
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("&#60;img src=x onerror=alert(1)&#62;.xlsx"));
    assert!(!page.contains("<img"));
    // The copies of the two duplicates were made again with B001 in them.
    let t = token(&page, "Télécharger le classeur annoté");
    let copy = c
        .get(server.url(&format!("/telechargements/{t}")))
        .send()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copie.xlsx");
    std::fs::write(&path, copy.bytes().unwrap()).unwrap();
    assert!(notes(&path).contains("B001"));
    assert!(server.written().is_empty(), "{:?}", server.written());
    assert!(!server.log().contains("passwd") && !server.log().contains("CHX"));
}

/// Cell values are text on the page: `<script>` and a formula-looking text are shown, never
/// run or evaluated.
#[test]
fn cell_values_are_escaped() {
    let server = Server::start(&[]);
    let description = edited(
        "36-CHX-2025",
        &serde_json::json!([
            {"feuille": "Actions", "cellule": "C2", "valeur": "<script>alert('x')</script>"},
            {"feuille": "Actions", "cellule": "C3", "valeur": "=HYPERLINK(\"http://exemple.invalid\",\"clic\")"}
        ]),
    );
    let bytes = spro_bilans::fixture::build_xlsx(&description).unwrap();
    let page = text_of(
        client()
            .post(server.url("/verifier"))
            .multipart(form(&[("bilan.xlsx", bytes)]))
            .send()
            .unwrap(),
    );
    assert!(page.contains("Actions!C2"), "{page}");
    assert!(
        page.contains("<code>&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;</code>"),
        "{page}"
    );
    assert!(
        page.contains("<code>=HYPERLINK(&#34;http://exemple.invalid&#34;,&#34;clic&#34;)</code>")
    );
    assert!(!page.contains("<script>alert"));
    assert!(!page.contains("<a href=\"http://exemple.invalid"));
}

/// An Actions sheet of `n` copies of the sample's first action, every one without the SPRO
/// logo (C005 at column P, rows 2 to n + 1).
fn actions_without_logo(n: usize) -> Vec<u8> {
    let mut description = source("36-CHX-2025");
    let actions = description["sheets"]["Actions"].as_array_mut().unwrap();
    let mut first = actions[1].clone();
    first[15] = Value::from("Non");
    actions.truncate(1);
    for k in 0..n {
        let mut row = first.clone();
        row[0] = Value::from(format!("2025-{k:03}"));
        actions.push(row);
    }
    spro_bilans::fixture::build_xlsx(&description).unwrap()
}

/// The page, read by a person: beyond 20 cells of one rule in one column, ten and
/// one line for the rest; 20 are all shown; the totals, the JSON and the copy hold them all.
#[test]
fn a_long_run_of_one_rule_shows_ten_cells_and_one_line_for_the_rest() {
    let server = Server::start(&[]);
    let c = client();
    // The results page of a workbook whose `n` actions lack the SPRO logo.
    let results = |route: &str, n: usize| {
        text_of(
            c.post(server.url(route))
                .multipart(form(&[("long.xlsx", actions_without_logo(n))]))
                .send()
                .unwrap(),
        )
    };
    let page = results("/verifier", 30);
    assert!(page.contains("Actions!P11<"), "{page}");
    assert!(!page.contains("Actions!P12<"), "{page}");
    assert!(
        page.contains("… et 20 autres cellules de la colonne Logo SPRO, jusqu&#39;à Actions!P31 — toutes sont marquées dans le classeur annoté"),
        "{page}"
    );
    assert!(page.contains("30 erreurs"), "{page}");
    let json: Value = c
        .get(server.url(&format!(
            "/telechargements/{}",
            token(&page, "Télécharger le rapport (JSON)")
        )))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let c005 = json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "C005")
        .count();
    assert_eq!(c005, 30);
    let english = results("/verifier?lang=en", 30);
    assert!(
        english.contains("… and 20 more cells of the column Logo SPRO, up to Actions!P31"),
        "{english}"
    );
    // Twenty cells are not a long run: all of them are shown.
    let twenty = results("/verifier", 20);
    assert!(twenty.contains("Actions!P21<"), "{twenty}");
    assert!(!twenty.contains("autres cellules"), "{twenty}");
}

#[test]
fn error_pages_400_403_404_405() {
    let server = Server::start(&[]);
    let c = client();
    let chx = fixture("fixtures/bilans/2025/36-CHX.xlsx");

    let empty = c
        .post(server.url("/verifier"))
        .multipart(multipart::Form::new().text("annee", "2025"))
        .send()
        .unwrap();
    assert_eq!(empty.status(), 400);
    assert!(text_of(empty).contains("Aucun fichier n&#39;a été reçu"));
    let nothing = c.post(server.url("/verifier")).send().unwrap();
    assert_eq!(nothing.status(), 400);
    assert!(text_of(nothing).contains("multipart/form-data"));
    let api = c.post(server.url("/api/verifier")).send().unwrap();
    assert_eq!(api.status(), 400);
    assert_headers(&api);
    let json: Value = api.json().unwrap();
    assert_eq!(json["error"]["status"], 400);
    let late_year = c
        .post(server.url("/verifier"))
        .multipart(form(&[("a.xlsx", chx.clone())]).text("annee", "2025"))
        .send()
        .unwrap();
    assert_eq!(late_year.status(), 400);
    let bad_year = c
        .post(server.url("/verifier"))
        .multipart(multipart::Form::new().text("annee", "25"))
        .send()
        .unwrap();
    assert_eq!(bad_year.status(), 400);

    for (name, value) in [
        ("Sec-Fetch-Site", "cross-site"),
        ("Origin", "https://ailleurs.example"),
    ] {
        let refused = c
            .post(server.url("/verifier"))
            .header(name, value)
            .multipart(form(&[("a.xlsx", chx.clone())]))
            .send()
            .unwrap();
        assert_eq!(refused.status(), 403, "{name}");
        assert!(text_of(refused).contains("Envoi refusé"));
    }
    let same_origin = c
        .post(server.url("/verifier"))
        .header("Sec-Fetch-Site", "same-origin")
        .header("Origin", server.base.clone())
        .multipart(form(&[("a.xlsx", chx.clone())]))
        .send()
        .unwrap();
    assert_eq!(same_origin.status(), 200);

    let missing = c.get(server.url("/telechargement")).send().unwrap();
    assert_eq!(missing.status(), 404);
    assert!(text_of(missing).contains("Page introuvable"));
    let get_verify = c.get(server.url("/verifier")).send().unwrap();
    assert_eq!(get_verify.status(), 405);
    assert!(get_verify.headers().contains_key("allow"));
    assert!(text_of(get_verify).contains("Action non permise"));
    let delete = c.delete(server.url("/")).send().unwrap();
    assert_eq!(delete.status(), 405);
    assert_headers(&delete);
}

#[test]
fn too_large_is_413_before_the_body_is_read_whole() {
    let server = Server::start_with(&[], Some("[limites]\ntaille_fichier_mo = 1\n"));
    // Announced larger than 30 files allow: refused on the headers alone.
    let mut stream = raw(&server.address, "/verifier", 500 * 1024 * 1024, b"");
    let (status, text) = response_of(&mut stream);
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("Envoi trop volumineux"));
    assert!(text.contains("30 fichiers de 1 Mio"));
    // One file over the limit: refused once its first 1 MiB has passed, the rest unsent.
    let mut body = part_head("gros.xlsx");
    body.extend(vec![b'x'; 1024 * 1024 + 100_000]);
    let mut stream = raw(&server.address, "/verifier", 3 * 1024 * 1024, &body);
    let (status, text) = response_of(&mut stream);
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("« gros.xlsx » dépasse la taille permise de 1 Mio"));
    // The API says it in JSON.
    let mut stream = raw(&server.address, "/api/verifier", 500 * 1024 * 1024, b"");
    let (status, text) = response_of(&mut stream);
    assert_eq!(status, 413);
    assert!(text.contains("\"status\":413"), "{text}");
    // 31 files.
    let r = post_numbered(&server, 31, |i| format!("f{i}.xlsx"), b"PK");
    assert_eq!(r.status(), 413);
    assert!(text_of(r).contains("plus de 30 fichiers"));
}

/// A refusal sent before the body is read whole reaches a client that sends its whole body
/// first, without `Expect: 100-continue` (browsers, Python's urllib): the server drains what
/// still comes, then closes, rather than resetting the connection and the answer with it.
#[test]
fn a_refusal_reaches_a_client_that_keeps_sending() {
    let server = Server::start_with(
        &["--memoire-mo", "64"],
        Some("[limites]\ntaille_fichier_mo = 1\n"),
    );
    let mut routes = vec![
        ("/verifier", "Envoi trop volumineux"),
        ("/api/verifier", "\"status\":413"),
        ("/consolider", "413"),
    ];
    if cfg!(feature = "synthese") {
        routes.push(("/synthese", "413"));
    }
    for (route, said) in routes {
        // Ten files of 7.4 MB: 74 MB, over every limit, sent whole before reading.
        let mut body = Vec::new();
        for i in 0..10 {
            body.extend(part_head(&format!("f{i}.xlsx")));
            body.extend(vec![b'x'; 7_400_000]);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--XyZ--\r\n");
        let mut stream = TcpStream::connect(&server.address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let head = format!(
            "POST {route} HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {}\r\n\r\n",
            server.address,
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        let sent = stream.write_all(&body);
        assert!(
            sent.is_ok(),
            "{route}: the body could not be sent whole: {sent:?}"
        );
        let (status, text) = response_of(&mut stream);
        assert_eq!(status, 413, "{route}: {text}");
        assert!(text.contains(said), "{route}: {text}");
    }
    assert!(health(&server) < Duration::from_secs(2));
}

#[test]
fn a_trickling_body_is_408_and_a_saturated_server_503() {
    let server = Server::start(&["-j", "1", "--envoi-s", "2", "--attente-s", "1"]);
    let start = Instant::now();
    let mut slow = raw(
        &server.address,
        "/verifier",
        100_000,
        &part_head("lent.xlsx"),
    );
    let (status, text) = response_of(&mut slow);
    assert_eq!(status, 408, "{text}");
    assert!(text.contains("Envoi trop lent"));
    assert!(start.elapsed() < Duration::from_secs(10));

    // -j 1: two requests in progress at most; both taken by slow uploads, a third waits 1 s
    // and gets 503 with Retry-After.
    let _a = raw(&server.address, "/verifier", 100_000, &part_head("a.xlsx"));
    let _b = raw(&server.address, "/verifier", 100_000, &part_head("b.xlsx"));
    std::thread::sleep(Duration::from_millis(300));
    let busy = post_chx(&server, "c.xlsx");
    assert_eq!(busy.status(), 503);
    assert_eq!(busy.headers()["retry-after"], "60");
    assert!(text_of(busy).contains("Le service est très sollicité, réessayez dans une minute"));
}

/// `/consolider` gives the workbook `spro consolidate` writes for the same files and options.
#[test]
fn consolidation_in_memory_matches_the_command() {
    let server = Server::start(&[]);
    let (dir, names, contents) = sample_batch();
    let files: Vec<(&str, Vec<u8>)> = names.iter().map(String::as_str).zip(contents).collect();
    let r = client()
        .post(server.url("/consolider"))
        .multipart(
            form(&files)
                .text("annee", "2025")
                .text("sans_donnees_personnelles", "1"),
        )
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_headers(&r);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("bilan-regional-2025.xlsx"));
    let out = tempfile::tempdir().unwrap();
    let web = out.path().join("web.xlsx");
    std::fs::write(&web, r.bytes().unwrap()).unwrap();
    let cli = out.path().join("cli.xlsx");
    let status = Command::new(env!("CARGO_BIN_EXE_spro"))
        .args([
            "consolidate",
            "--annee",
            "2025",
            "--sans-donnees-personnelles",
            "-q",
            "-o",
        ])
        .arg(&cli)
        .args(&names)
        .current_dir(&dir)
        .status()
        .unwrap();
    assert!(status.success());
    let values = |path: &Path| {
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
        wb.sheet_names()
            .into_iter()
            .map(|s| {
                let range = wb.worksheet_range(&s).unwrap();
                let cells: Vec<Vec<String>> = range
                    .rows()
                    .map(|r| r.iter().map(|c| c.to_string()).collect())
                    .collect();
                (s, cells)
            })
            .collect::<Vec<_>>()
    };
    let (web, cli) = (values(&web), values(&cli));
    assert_eq!(web.len(), 10);
    assert_eq!(web, cli);
    let missing = client()
        .post(server.url("/consolider"))
        .multipart(form(&files))
        .send()
        .unwrap();
    assert_eq!(missing.status(), 400);
    assert!(text_of(missing).contains("L&#39;année du bilan est nécessaire"));
    assert!(server.written().is_empty(), "{:?}", server.written());
}

/// `/synthese` gives the PDF `spro synthese` writes for the same files, in the page's
/// language; the home page offers it beside the workbook.
#[test]
#[cfg(feature = "synthese")]
fn synthesis_in_memory_matches_the_command() {
    let server = Server::start(&[]);
    let home = text_of(client().get(server.url("/")).send().unwrap());
    assert!(home.contains("formaction=\"/synthese\""), "{home}");
    assert!(home.contains("Synthèse régionale (PDF)"));
    let (dir, names, contents) = sample_batch();
    let files: Vec<(&str, Vec<u8>)> = names.iter().map(String::as_str).zip(contents).collect();
    let post = |path: &str| {
        client()
            .post(server.url(path))
            .multipart(form(&files).text("annee", "2025"))
            .send()
            .unwrap()
    };
    let r = post("/synthese");
    assert_eq!(r.status(), 200);
    assert_headers(&r);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("synthese-regionale-2025.pdf"));
    let web = r.bytes().unwrap().to_vec();
    let english = post("/synthese?lang=en").bytes().unwrap().to_vec();
    assert!(web.starts_with(b"%PDF-") && english.starts_with(b"%PDF-"));
    assert_ne!(web, english);
    let out = tempfile::tempdir().unwrap();
    let cli = out.path().join("cli.pdf");
    let status = Command::new(env!("CARGO_BIN_EXE_spro"))
        .args(["synthese", "--annee", "2025", "-q", "-o"])
        .arg(&cli)
        .args(&names)
        .current_dir(&dir)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(
        web == std::fs::read(&cli).unwrap(),
        "the page's synthesis differs from the command's"
    );
    assert!(server.written().is_empty(), "{:?}", server.written());
}

/// SIGTERM: the request in flight finishes, then the server exits 0.
#[test]
fn sigterm_lets_the_request_in_flight_finish() {
    let mut server = Server::start(&[]);
    let chx = fixture("fixtures/bilans/2025/36-CHX.xlsx");
    let mut body = part_head("36-CHX.xlsx");
    body.extend_from_slice(&chx);
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    let (first, rest) = body.split_at(body.len() / 2);
    let mut stream = raw(&server.address, "/api/verifier", body.len(), first);
    std::thread::sleep(Duration::from_millis(300));
    unsafe {
        libc::kill(server.child.id() as i32, libc::SIGTERM);
    }
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(rest).unwrap();
    let (status, text) = response_of(&mut stream);
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("\"status\":\"valid\""), "{text}");
    drop(stream);
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "spro serve did not stop");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(exit.success(), "{exit:?}");
    std::thread::sleep(Duration::from_millis(200));
    let log = server.log_with("arrêté");
    assert!(log.contains("arrêté"), "{log}");
}

// No file, name or connection can stop the service.

/// The Châteauroux bilan with a stored (uncompressed) part of `size` random-looking bytes, as
/// a picture pasted in a workbook weighs.
fn with_stored_part(size: usize) -> Vec<u8> {
    let original = fixture("fixtures/bilans/2025/36-CHX.xlsx");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(original)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).unwrap();
        out.raw_copy_file(entry).unwrap();
    }
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file("xl/media/image1.png", stored).unwrap();
    let mut x: u32 = 2_463_534_242;
    let bytes: Vec<u8> = (0..size)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    out.write_all(&bytes).unwrap();
    out.finish().unwrap().into_inner()
}

/// `/sante` answered, and how long it took.
fn health(server: &Server) -> Duration {
    let start = Instant::now();
    let r = client().get(server.url("/sante")).send().unwrap();
    assert_eq!(r.status(), 200);
    start.elapsed()
}

/// Four connections posting with a true, large `Content-Length`, then one byte a second: each
/// is cut with 408 within seconds, and a fifth coordinator gets the results page; `/sante`
/// answers throughout.
#[test]
fn slow_senders_never_keep_a_coordinator_waiting() {
    let server = Server::start(&["-j", "2"]);
    let senders: Vec<_> = (0..4)
        .map(|i| {
            let address = server.address.clone();
            std::thread::spawn(move || {
                let mut s = raw(
                    &address,
                    "/verifier",
                    40_000_000,
                    &part_head(&format!("lent-{i}.xlsx")),
                );
                s.set_nonblocking(false).unwrap();
                for _ in 0..40 {
                    if s.write_all(b"P").is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_secs(1));
                    let mut peek = [0u8; 1];
                    s.set_read_timeout(Some(Duration::from_millis(1))).unwrap();
                    if matches!(s.peek(&mut peek), Ok(n) if n > 0) {
                        break;
                    }
                }
                s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
                response_of(&mut s)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    assert!(health(&server) < Duration::from_secs(2));
    let start = Instant::now();
    let r = post_chx(&server, "36-CHX.xlsx");
    assert_eq!(r.status(), 200, "{}", r.text().unwrap());
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert!(health(&server) < Duration::from_secs(2));
    for sender in senders {
        let (status, text) = sender.join().unwrap();
        assert_eq!(status, 408, "{text}");
        assert!(text.contains("trop lentement"), "{text}");
    }
}

/// 1,100 sockets that sent half a request head: `/sante` still answers, and they are closed
/// within seconds.
#[test]
fn idle_sockets_never_stop_the_service() {
    // This test's own descriptors: 1,100 sockets and the rest.
    // SAFETY: getrlimit and setrlimit only read and write the struct we own.
    unsafe {
        let mut limit: libc::rlimit = std::mem::zeroed();
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        limit.rlim_cur = limit.rlim_max.min(4096);
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
    }
    let server = Server::start(&[]);
    let mut idle: Vec<TcpStream> = (0..1_100)
        .map(|_| {
            let mut s = TcpStream::connect(&server.address).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: a\r\n").unwrap();
            s
        })
        .collect();
    assert!(health(&server) < Duration::from_secs(2));
    std::thread::sleep(Duration::from_secs(6));
    assert!(health(&server) < Duration::from_secs(2));
    let closed = idle
        .iter_mut()
        .map(|s| {
            s.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
            let mut buf = [0u8; 64];
            match s.read(&mut buf) {
                Ok(0) => true,
                Ok(_) => false,
                Err(e) => !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ),
            }
        })
        .filter(|closed| *closed)
        .count();
    assert_eq!(closed, 1_100);
}

/// `/consolider` refused from the length it announces, and as its workbooks arrive: never
/// after holding them all.
#[test]
fn a_consolidation_is_refused_before_it_is_held() {
    let server = Server::start(&["--memoire-mo", "64"]);
    // Announced: 30 parts of 36 MiB. Refused before a byte of the body is sent.
    let start = Instant::now();
    let mut s = raw(&server.address, "/consolider", 30 * 36 * 1024 * 1024, b"");
    let (status, text) = response_of(&mut s);
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("spro consolidate"), "{text}");
    assert!(start.elapsed() < Duration::from_secs(2));
    // No length announced (chunked): refused once the workbooks received weigh too much.
    let part = with_stored_part(3 * 1024 * 1024);
    let mut s = TcpStream::connect(&server.address).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "POST /consolider HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nTransfer-Encoding: chunked\r\n\r\n",
        server.address
    );
    s.write_all(head.as_bytes()).unwrap();
    let chunk = |s: &mut TcpStream, data: &[u8]| -> std::io::Result<()> {
        s.write_all(format!("{:x}\r\n", data.len()).as_bytes())?;
        s.write_all(data)?;
        s.write_all(b"\r\n")
    };
    let year = b"--XyZ\r\nContent-Disposition: form-data; name=\"annee\"\r\n\r\n2025\r\n";
    chunk(&mut s, year).unwrap();
    let mut sent = 0;
    for i in 0..30 {
        let mut body = part_head(&format!("36-CHX-{i}.xlsx"));
        body.extend_from_slice(&part);
        body.extend_from_slice(b"\r\n");
        if chunk(&mut s, &body).is_err() {
            break;
        }
        sent += 1;
        std::thread::sleep(Duration::from_millis(50));
        s.set_nonblocking(true).unwrap();
        let mut peek = [0u8; 1];
        let answered = matches!(s.peek(&mut peek), Ok(n) if n > 0);
        s.set_nonblocking(false).unwrap();
        if answered {
            break;
        }
    }
    let (status, text) = response_of(&mut s);
    assert_eq!(status, 413, "{text}");
    assert!(sent < 20, "{sent} workbooks sent before the answer");
    assert!(health(&server) < Duration::from_secs(2));
}

/// Twelve valid files whose copies do not all fit in the request's share of the downloads:
/// every link shown works (none evicted by the request's own), the others say why there is
/// none and how to have it.
#[test]
fn every_link_shown_works_and_the_rest_say_why() {
    let server = Server::start(&["--telechargements-mo", "16"]);
    let file = with_stored_part(1024 * 1024);
    let r = post_numbered(&server, 12, |i| format!("36-CHX-{i:02}.xlsx"), &file);
    assert_eq!(r.status(), 200);
    let page = text_of(r);
    let tokens: Vec<String> = page
        .split("/telechargements/")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    // The JSON report and the copies that fit in 4 MiB (a quarter of 16).
    assert!((3..12).contains(&tokens.len()), "{} links", tokens.len());
    for token in &tokens {
        let r = client()
            .get(server.url(&format!("/telechargements/{token}")))
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "{token}");
    }
    let missing = page
        .matches("envoyez ce fichier seul : sa copie annotée")
        .count();
    assert_eq!(missing + tokens.len() - 1, 12, "{page}");
}

/// A name of 201 characters keeps its extension (cut in its stem), and a file that declares
/// four billion shared strings is a finding, the server alive after it.
#[test]
fn long_names_and_declared_counts_on_the_page() {
    let server = Server::start(&[]);
    let long = format!("{}.xlsx", "B".repeat(196));
    let unique =
        spro_bilans::fixture::rewrite(&fixture("fixtures/bilans/2025/36-CHX.xlsx"), |n, t| {
            if n == "xl/sharedStrings.xml" {
                t.replacen("uniqueCount=\"", "uniqueCount=\"4294967295\" x=\"", 1)
            } else {
                t
            }
        })
        .unwrap();
    let r = client()
        .post(server.url("/api/verifier"))
        .multipart(form(&[
            (long.as_str(), fixture("fixtures/bilans/2025/36-CHX.xlsx")),
            ("unique.xlsx", unique),
        ]))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let report: Value = r.json().unwrap();
    let files = report["files"].as_array().unwrap();
    let first = &files[0];
    assert_eq!(first["path"], format!("{}.xlsx", "B".repeat(195)));
    assert!(
        first["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["code"] != "F001"),
        "{first}"
    );
    let second = &files[1];
    assert_eq!(second["findings"][0]["code"], "F003", "{second}");
    assert!(health(&server) < Duration::from_secs(2));
}

/// `/synthese` of a bilan whose network's name holds DEL, an escape `_x001B_` and a script no
/// font draws: the PDF, not Typst's error (it answered 400 before). (A file name holding DEL
/// never reaches the page: the multipart reader refuses the part's header, 400.)
#[test]
fn the_synthesis_page_prints_any_name() {
    let server = Server::start(&[]);
    let bilan =
        spro_bilans::fixture::rewrite(&fixture("fixtures/bilans/2025/36-CHX.xlsx"), |n, t| {
            if n == "xl/sharedStrings.xml" {
                t.replace(
                    "Châteauroux et son agglomération",
                    "Châteauroux\u{7f} _x001B_ 漢字",
                )
            } else {
                t
            }
        })
        .unwrap();
    let r = client()
        .post(server.url("/synthese"))
        .multipart(form(&[("36-CHX.xlsx", bilan)]).text("annee", "2025"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.bytes().unwrap().starts_with(b"%PDF-"));
}

/// The year of a check comes before its files (they are checked as they arrive); that of a
/// consolidation may come anywhere in the form.
#[test]
fn the_year_before_the_files_of_a_check_anywhere_for_a_consolidation() {
    let server = Server::start(&[]);
    let chx = fixture("fixtures/bilans/2025/36-CHX.xlsx");
    let r = client()
        .post(server.url("/verifier"))
        .multipart(form(&[("36-CHX.xlsx", chx.clone())]).text("annee", "2025"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(text_of(r).contains("doit précéder les fichiers"));
    let r = client()
        .post(server.url("/verifier"))
        .multipart(form(&[("36-CHX.xlsx", chx.clone())]).text("annee", ""))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = client()
        .post(server.url("/consolider"))
        .multipart(form(&[("36-CHX.xlsx", chx)]).text("annee", "2025"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// The coordinators' guide at /aide: its pages, their pictures (PNG, with the site's headers),
/// linked from the page and from a results page; an unknown page or picture is 404.
#[test]
fn the_guide_is_served_at_aide() {
    let server = Server::start(&[]);
    let c = client();
    let index = text_of(c.get(server.url("/aide")).send().unwrap());
    for (slug, title) in [
        ("la-page", "Vérifier son tableau de bord sur la page"),
        ("lire-une-anomalie", "Lire une anomalie"),
        ("copie-annotee", "La copie annotée"),
        ("depot", "Déposer son bilan dans la campagne"),
    ] {
        assert!(
            index.contains(&format!("href=\"/aide/{slug}\">{title}</a>")),
            "{index}"
        );
        let r = c.get(server.url(&format!("/aide/{slug}"))).send().unwrap();
        assert_headers(&r);
        let page = text_of(r);
        assert!(page.contains(&format!("<h1>{title}</h1>")), "{page}");
        for src in page
            .split("<img src=\"")
            .skip(1)
            .map(|p| p.split('"').next().unwrap())
        {
            let r = c.get(server.url(src)).send().unwrap();
            assert_eq!(r.status().as_u16(), 200, "{src}");
            assert_eq!(r.headers()["content-type"], "image/png");
            assert!(r.bytes().unwrap().starts_with(b"\x89PNG"), "{src}");
        }
    }
    let results = text_of(post_chx(&server, "36-CHX.xlsx"));
    assert!(results.contains("href=\"/aide\">Aide</a>"), "{results}");
    let english = text_of(c.get(server.url("/?lang=en")).send().unwrap());
    assert!(
        english.contains("href=\"/aide?lang=en\">Help</a>"),
        "{english}"
    );
    for missing in [
        "/aide/inconnue",
        "/aide/images/inconnue.png",
        "/aide/images/../../Cargo.toml",
    ] {
        let r = c.get(server.url(missing)).send().unwrap();
        assert_eq!(r.status().as_u16(), 404, "{missing}");
    }
}
