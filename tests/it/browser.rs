//! `spro serve` in a real browser: Debian's Chromium driven by playwright-core
//! (`tests/browser/check.mjs`), with and without JavaScript. A coordinator's path: open the
//! page, upload a workbook with C005, see `Actions!P3` in the results, follow the rule link,
//! download the annotated copy (checked here: the cell is filled and carries its note), and
//! axe-core on every page with no violation, whatever its impact. Screenshots are saved in
//! `target/serve-screens/` for review.
//!
//! Needs `/usr/bin/chromium` and `tests/browser/node_modules` (`./test.sh` installs both);
//! without them the test fails and says so, it never skips.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::server::Server;
use crate::common::*;
use serde_json::Value;

/// A drop-down list on the column « Logo SPRO » of Actions.
const DROP_DOWN: &str = r#"<dataValidations count="1"><dataValidation type="list" allowBlank="1" showErrorMessage="1" sqref="P2:P1000"><formula1>"Oui,Non"</formula1></dataValidation></dataValidations>"#;

/// Runs `tests/browser/SCRIPT` with `args` (node, installed by `./test.sh`): the JSON object
/// it prints.
fn node(script: &str, args: &[&std::ffi::OsStr]) -> Value {
    let out = Command::new("node")
        .arg(script)
        .args(args)
        .current_dir(root().join("tests/browser"))
        .output()
        .expect("node (./test.sh installs it)");
    assert!(
        out.status.success(),
        "{script}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn screens() -> PathBuf {
    root().join("target/serve-screens")
}

/// One run of `check.mjs` (with or without JavaScript): the pages, their accessibility, the
/// finding at its cell, the rule's page and the annotated copy downloaded.
fn a_coordinators_path(run: &Value, base: &str) {
    let label = format!("javaScriptEnabled = {}", run["javaScriptEnabled"]);
    assert_eq!(
        run["problems"],
        serde_json::json!([]),
        "{label}: console errors"
    );
    assert_eq!(run["homeH1"], 1, "{label}");
    assert_eq!(
        run["firstFocus"], "skip",
        "{label}: the skip link comes first"
    );
    assert_eq!(run["resultsH1"], "Résultat de la vérification", "{label}");
    assert_eq!(run["verdict"], "À corriger avant envoi", "{label}");
    assert_eq!(run["cellShown"], 1, "{label}: Actions!P3 shown");
    assert_eq!(run["ruleUrl"], format!("{}/regles/C005", base), "{label}");
    assert_eq!(run["ruleH1"], "C005 — logo-manquant", "{label}");
    for page in ["axeHome", "axeResults", "axeRule"] {
        assert_no_violation(&run[page], &format!("{label} {page}"));
    }
    assert_eq!(run["printHidesNav"], true, "{label}");
    let copy = PathBuf::from(run["download"].as_str().unwrap());
    assert!(copy.ends_with(format!(
        "{}C005-logo-manquant.annote.xlsx",
        if run["javaScriptEnabled"] == true {
            "js-"
        } else {
            "sans-js-"
        }
    )));
    assert_eq!(
        fill_of(&copy, "Actions", "P3").as_deref(),
        Some("FFFF9999"),
        "{label}"
    );
    assert!(notes(&copy).contains("C005"), "{label}");
    assert!(
        sheet_part(&copy, "Actions").contains(DROP_DOWN),
        "{label}: the drop-down kept"
    );
}

#[test]
fn a_coordinator_checks_a_file_in_chromium_with_and_without_javascript() {
    let browser_dir = root().join("tests/browser");
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir()
            && Path::new("/usr/bin/chromium").exists(),
        "the browser test needs Debian's chromium and tests/browser/node_modules: run ./test.sh, which installs them"
    );
    let server = Server::start(&["--annee", "2025"]);
    let _ = std::fs::remove_dir_all(screens());
    // The C005 case with a drop-down on « Logo SPRO », as the Région's template has: the
    // annotated copy must keep it.
    let upload_dir = tempfile::tempdir().unwrap();
    let fixture = upload_dir.path().join("C005-logo-manquant.xlsx");
    let original = std::fs::read(root().join("fixtures/cas/C005-logo-manquant.xlsx")).unwrap();
    std::fs::write(
        &fixture,
        rezip(
            &original,
            |n| Some(n.to_string()),
            |n, c| match n {
                "xl/worksheets/sheet4.xml" => {
                    replace_in(c, "</sheetData>", &format!("</sheetData>{DROP_DOWN}"))
                }
                _ => c,
            },
        ),
    )
    .unwrap();
    let result = node(
        "check.mjs",
        &[
            server.base.as_ref(),
            fixture.as_os_str(),
            screens().as_os_str(),
            "Actions!P3".as_ref(),
        ],
    );
    // A file over the limit posted by the form: the refusal reaches the page.
    let refusal = &result["refusal"];
    assert!(
        refusal["text"]
            .as_str()
            .unwrap_or_default()
            .contains("dépasse la taille permise de 50 Mio"),
        "{refusal}"
    );
    for run in [&result["js"], &result["sansJs"]] {
        a_coordinators_path(run, &server.base);
    }
    let js = &result["js"];
    assert_eq!(js["droppedFiles"], 1, "a file dropped on the box is picked");
    assert!(
        js["tooManySaid"].as_str().unwrap().contains("30 au plus"),
        "{}",
        js["tooManySaid"]
    );
    assert_eq!(js["stayedHome"], true, "too many files: nothing sent");
    for shot in [
        "accueil",
        "resultats",
        "resultats-telephone",
        "resultats-impression",
        "regle",
    ] {
        for tag in ["js", "sans-js"] {
            let png = screens().join(format!("{tag}-{shot}.png"));
            assert!(
                std::fs::metadata(&png)
                    .map(|m| m.len() > 10_000)
                    .unwrap_or(false),
                "{}",
                png.display()
            );
        }
    }
    assert!(server.written().is_empty(), "{:?}", server.written());
}

/// The coordinators' guide at /aide: reached from the page, each page with its pictures
/// loaded and their text alternatives, accessible (axe: no violation of any impact), readable on a phone (nothing wider
/// than its screen).
#[test]
fn the_guide_at_aide_in_a_browser() {
    let server = Server::start(&[]);
    let run = node("aide.mjs", &[server.base.as_ref(), screens().as_os_str()]);
    assert_eq!(run["problems"], serde_json::json!([]));
    assert_eq!(run["indexH1"], "Aide aux coordinateurs");
    let pages = run["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 4, "{pages:?}");
    let mut pictures = 0;
    for p in pages {
        let href = p["href"].as_str().unwrap();
        for image in p["images"].as_array().unwrap() {
            assert_eq!(image["loaded"], true, "{href}: {image}");
            assert!(image["alt"].as_str().unwrap().len() > 20, "{href}: {image}");
            pictures += 1;
        }
        assert!(
            p["overflow"].as_i64().unwrap() <= 0,
            "{href} is wider than a phone: {p}"
        );
        assert_no_violation(&p["axe"], href);
    }
    assert!(pictures >= 7, "{pictures} pictures");
    assert_no_violation(&run["indexAxe"], "/aide");
}

/// axe ran and found nothing at all, whatever its impact.
fn assert_no_violation(axe: &Value, page: &str) {
    assert!(axe["passes"].as_u64().unwrap() > 10, "{page}: axe ran");
    assert_eq!(axe["violations"], serde_json::json!([]), "{page}");
}

/// The campaign in Chromium: a coordinator logs in with the link, deposits, reads the finding
/// at its cell, downloads the annotated copy; an analyst reads the dashboard and asks for a
/// correction; the coordinator deposits again and compares; the analyst accepts, filters
/// and consolidates; axe finds no violation on these pages.
#[test]
fn the_campaign_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("donnees");
    let run = |args: &[&str]| {
        let mut all = vec!["campagne"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--donnees", store.to_str().unwrap()]);
        let out = spro(&all, dir.path());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    run(&["ouvrir", "--annee", "2025", "--date-limite", "2026-03-31"]);
    let people = dir.path().join("personnes.csv");
    std::fs::write(
        &people,
        "courriel,role,reseaux\ncoord@chx.fr,reseau,36-CHX\nanalyste@region.fr,region,\n",
    )
    .unwrap();
    run(&["inviter", people.to_str().unwrap()]);
    let server = Server::start(&["--donnees", store.to_str().unwrap()]);
    let link = |who: &str| run(&["lien", who]).replace("http://127.0.0.1:8080", &server.base);
    let (coordinator, analyst) = (link("coord@chx.fr"), link("analyste@region.fr"));
    let fixture = root().join("fixtures/cas/C005-logo-manquant.xlsx");
    let corrected = root().join("fixtures/bilans/2025/36-CHX.xlsx");
    let run = node(
        "campagne.mjs",
        &[
            server.base.as_ref(),
            coordinator.as_ref(),
            analyst.as_ref(),
            fixture.as_os_str(),
            corrected.as_os_str(),
            screens().as_os_str(),
        ],
    );
    assert_eq!(run["problems"], serde_json::json!([]));
    assert_eq!(run["linkH1"], "Connexion à la campagne");
    assert!(run["networkUrl"]
        .as_str()
        .unwrap()
        .ends_with("/reseaux/36-CHX"));
    assert!(run["networkH1"]
        .as_str()
        .unwrap()
        .starts_with("36-CHX — Châteauroux"));
    assert_eq!(run["depositH1"], "Dépôt 1 — 36-CHX");
    assert_eq!(run["cellShown"], 1, "Actions P3 shown");
    assert_eq!(run["dashboardH1"], "Campagne des bilans 2025");
    assert_eq!(run["dashboardRows"], 22);
    assert_eq!(run["decisionShown"], 1);
    // The corrected file compared with the first: its three findings fixed.
    assert!(run["compareUrl"]
        .as_str()
        .unwrap()
        .ends_with("/depots/2/comparaison/1"));
    assert!(run["compareH1"]
        .as_str()
        .unwrap()
        .starts_with("Comparaison des dépôts 1 → 2"));
    assert_eq!(run["fixedH2"], "Anomalies corrigées (3)");
    assert_eq!(run["acceptedShown"], 1);
    // Filtered by state: 36-CHX alone.
    let rows = run["filteredRows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].as_str().unwrap().starts_with("36-CHX"), "{rows:?}");
    // « Consolider maintenant »: the regional workbook of the accepted deposit.
    let workbook = PathBuf::from(run["workbook"].as_str().unwrap());
    let sheets = calamine::open_workbook_auto(&workbook).unwrap();
    use calamine::Reader as _;
    assert!(
        sheets.sheet_names().iter().any(|s| s == "Indicateurs"),
        "{:?}",
        sheets.sheet_names()
    );
    for page in [
        "axeLink",
        "axeNetwork",
        "axeDeposit",
        "axeDashboard",
        "axeDecided",
        "axeCompare",
        "axeFiltered",
    ] {
        assert_no_violation(&run[page], page);
    }
    let copy = PathBuf::from(run["download"].as_str().unwrap());
    assert_eq!(fill_of(&copy, "Actions", "P3").as_deref(), Some("FFFF9999"));
}
