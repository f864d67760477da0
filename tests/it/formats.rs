//! CI formats parsed back by real parsers: GitHub workflow commands, JUnit XML (quick-xml),
//! SARIF 2.1.0 (validated against the OASIS schema with jsonschema); --output for each; the
//! man page and completions generated from the clap definition.

use std::process::{Command, Output};

use crate::common::*;
use serde_json::Value;

/// `spro ARGS` in the repository's folder (the fixtures' paths are relative to it).
fn spro_here(args: &[&str]) -> Output {
    spro(args, &root())
}

const CASES: [&str; 3] = [
    "fixtures/cas/C005-logo-manquant.xlsx",
    "fixtures/cas/C012-promotion-cep-absente.xlsx",
    "fixtures/bilans/2025/37-TOU.xlsx",
];

fn args<'a>(format: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["check", "--format", format];
    a.extend(CASES);
    a.extend_from_slice(extra);
    a
}

#[test]
fn github_annotations() {
    let out = spro_here(&args("github", &[]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.is_empty(),
        "logs and progress never on stdout, and here nothing on stderr either"
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // 4 findings in the C005 case (B001 + 3 C005), 2 in the C012 case (B001 + C012).
    assert_eq!(lines.len(), 6, "{text}");
    assert!(lines.contains(&"::error file=fixtures/cas/C005-logo-manquant.xlsx,title=C005 logo-manquant::Actions!P3 : l'action CHX-02 a créé un outil ou un support sans le logo du SPRO : apposez le logo et indiquez « Oui » (charte §7), ou « Non » dans « Outil ou support créé » si aucun outil n'a été créé"));
    assert!(lines.iter().any(|l| l.starts_with("::warning file=fixtures/cas/C012-promotion-cep-absente.xlsx,title=C012 promotion-cep-absente::feuille Actions : ")));
    let infos = spro_here(&[
        "check",
        "fixtures/bilans/2025",
        "--annee",
        "2025",
        "--format",
        "github",
    ]);
    let infos = String::from_utf8(infos.stdout).unwrap();
    let kinds: Vec<&str> = infos
        .lines()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        (
            kinds.iter().filter(|k| **k == "::error").count(),
            kinds.iter().filter(|k| **k == "::warning").count(),
            kinds.iter().filter(|k| **k == "::notice").count()
        ),
        (2, 1, 15),
        "{infos}"
    );
    assert!(infos
        .lines()
        .filter(|l| l.starts_with("::notice"))
        .all(|l| l.starts_with("::notice title=B002 reseau-non-transmis::")));
}

#[test]
fn junit_is_valid_xml_with_a_suite_per_file() {
    let out = spro_here(&args("junit", &[]));
    let xml = String::from_utf8(out.stdout).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut suites, mut cases, mut failures) = (Vec::new(), 0, 0);
    loop {
        match reader.read_event().expect("well-formed JUnit XML") {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == "testsuite" => {
                let attr = |n: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == n)
                        .map(|a| a.value.to_string())
                        .unwrap()
                };
                suites.push((attr("name"), attr("tests"), attr("failures")));
            }
            quick_xml::events::Event::Start(e) if e.name().as_ref() == "testcase" => cases += 1,
            quick_xml::events::Event::Start(e) if e.name().as_ref() == "failure" => failures += 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(suites.len(), 3);
    assert_eq!(
        suites[0],
        (
            "fixtures/bilans/2025/37-TOU.xlsx".into(),
            "6".into(),
            "0".into()
        )
    );
    assert_eq!(suites[1].2, "2"); // C005 (charter) and B001 (batch)
    assert_eq!(cases, 18);
    // C005 file: charter and batch (B001) fail; C012 file: batch (B001) fails.
    assert_eq!(failures, 3);
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let out = spro_here(&args("sarif", &[]));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/schemas/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), spro_bilans::rules::RULES.len());
    let c005 = rules.iter().find(|r| r["id"] == "C005").unwrap();
    assert_eq!(c005["name"], "logo-manquant");
    assert!(c005["help"]["text"]
        .as_str()
        .unwrap()
        .contains("Comment corriger"));
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    let p3 = results
        .iter()
        .find(|r| {
            r["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with("Actions!P3")
        })
        .unwrap();
    assert_eq!(p3["ruleId"], "C005");
    assert_eq!(p3["level"], "error");
    assert_eq!(
        p3["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/cas/C005-logo-manquant.xlsx"
    );
    assert_eq!(
        p3["locations"][0]["logicalLocations"][1]["fullyQualifiedName"],
        "Actions!P3"
    );
}

#[test]
fn every_format_can_go_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    for format in [
        "human", "json", "github", "junit", "sarif", "markdown", "gitlab",
    ] {
        let path = dir.path().join(format!("rapport.{format}"));
        let out = spro_here(&args(format, &["--output", path.to_str().unwrap()]));
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(out.stdout.is_empty(), "{format}");
        assert!(std::fs::metadata(&path).unwrap().len() > 100, "{format}");
    }
}

#[test]
fn strict_fails_on_warnings_in_every_format() {
    for format in ["github", "junit", "sarif", "markdown", "gitlab"] {
        let out = spro_here(&[
            "check",
            "fixtures/cas/C012-promotion-cep-absente.xlsx",
            "--format",
            format,
        ]);
        assert_eq!(out.status.code(), Some(0), "{format}");
        let out = spro_here(&[
            "check",
            "fixtures/cas/C012-promotion-cep-absente.xlsx",
            "--format",
            format,
            "--strict",
        ]);
        assert_eq!(out.status.code(), Some(1), "{format}");
    }
}

#[test]
fn man_page_and_completions_come_from_the_clap_definition() {
    let committed = std::fs::read_to_string(root().join("docs/spro.1")).unwrap();
    assert_eq!(
        committed,
        spro_bilans::cli::man_page(),
        "run: cargo run -- man > docs/spro.1"
    );
    assert!(committed.contains(".TH spro"));
    for shell in ["bash", "zsh", "fish"] {
        let out = spro_here(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("consolidate") && text.contains("annote"),
            "{shell}"
        );
    }
}

/// A batch where cells hold what Markdown would read as markup: the porteuse of an action (C006
/// quotes it) and a partner.
fn hostile_batch(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let hostile = edited(
        "36-CHX-2025",
        &serde_json::json!([
            {"feuille": "Actions", "cellule": "H2", "valeur": "| [lien](http://e.vil/x) ![i](https://e.vil/i.png) <img src=x onerror=alert(1)> **gras** `code` # titre $x$ ~~barré~~ www.e.vil a@e.vil\nligne"},
            {"feuille": "Actions", "cellule": "H3", "valeur": "Structure | avec | colonnes"}
        ]),
    );
    vec![
        write(dir, "36-CHX", &hostile),
        root().join("fixtures/cas/C005-logo-manquant.xlsx"),
        root().join("fixtures/bilans/2025/37-TOU.xlsx"),
    ]
}

fn run_in(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spro"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn markdown_summary_with_hostile_values() {
    let dir = tempfile::tempdir().unwrap();
    let files = hostile_batch(dir.path());
    // Paths relative to the folder, so the snapshot does not depend on where it runs.
    std::fs::copy(&files[1], dir.path().join("C005.xlsx")).unwrap();
    std::fs::copy(&files[2], dir.path().join("37-TOU.xlsx")).unwrap();
    let out = run_in(
        dir.path(),
        &[
            "check",
            "36-CHX.xlsx",
            "C005.xlsx",
            "37-TOU.xlsx",
            "--annee",
            "2025",
            "--format",
            "markdown",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    // Every table row has its columns and no more: no value added one.
    for line in text.lines().filter(|l| l.starts_with('|')) {
        let columns = line.replace("\\|", "").matches('|').count();
        assert!(columns == 4 || columns == 6, "{line}");
    }
    // No link, image, HTML or raw line break came from a value.
    assert!(!text.replace("\\]", "").contains("]("), "{text}");
    assert!(!text.contains("<img"), "{text}");
    assert!(!text.contains("http://e.vil"), "{text}");
    assert!(text.contains("\\[lien\\]"), "{text}");
    insta::assert_snapshot!(text);
    let en = run_in(
        dir.path(),
        &[
            "check",
            "36-CHX.xlsx",
            "--annee",
            "2025",
            "--format",
            "markdown",
            "--lang",
            "en",
        ],
    );
    let en = String::from_utf8(en.stdout).unwrap();
    assert!(en.starts_with("## spro — tableaux de bord checked"), "{en}");
    assert!(
        en.contains("| File | Network | Status | Errors | Warnings |"),
        "{en}"
    );
}

#[test]
fn markdown_folds_a_long_list() {
    let dir = tempfile::tempdir().unwrap();
    let edits: Vec<Value> = (2..=9)
        .flat_map(|r| {
            ["C", "D", "G"].map(|c| serde_json::json!({"feuille": "Actions", "cellule": format!("{c}{r}"), "valeur": "Inconnu"}))
        })
        .collect();
    let input = write(
        dir.path(),
        "36-CHX",
        &edited("36-CHX-2025", &Value::from(edits)),
    );
    let out = run_in(
        dir.path(),
        &["check", input.to_str().unwrap(), "--format", "markdown"],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let details = text.find("<details><summary>… et ").expect("folded");
    let shown = text[..details]
        .lines()
        .filter(|l| l.starts_with("| "))
        .count();
    // The status table (header, rule, 1 file), then the findings' (header, rule, 20).
    assert_eq!(shown, 3 + 2 + 20, "{text}");
    assert!(text.trim_end().ends_with("</details>"), "{text}");
}

#[test]
fn gitlab_code_quality_fingerprints_are_stable_and_unique() {
    let dir = tempfile::tempdir().unwrap();
    let files = hostile_batch(dir.path());
    let paths: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let run = |order: &[&str], threads: &str| -> Value {
        let mut a = vec![
            "check", "--annee", "2025", "--format", "gitlab", "-j", threads,
        ];
        a.extend_from_slice(order);
        let out = spro_here(&a);
        assert_eq!(out.status.code(), Some(1));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let one = run(&paths, "1");
    let reversed: Vec<&str> = paths.iter().rev().copied().collect();
    let two = run(&reversed, "2");
    let issues = one.as_array().unwrap();
    assert!(issues.len() >= 5);
    let prints = |v: &Value| -> std::collections::BTreeSet<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(prints(&one).len(), issues.len(), "unique per finding");
    assert_eq!(
        prints(&one),
        prints(&two),
        "same across runs, orders and threads"
    );
    for issue in issues {
        assert!(
            ["blocker", "major", "minor", "info"].contains(&issue["severity"].as_str().unwrap())
        );
        assert!(issue["check_name"].as_str().unwrap().len() == 4);
        assert!(issue["location"]["path"].as_str().unwrap().len() > 1);
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(!issue["description"].as_str().unwrap().is_empty());
    }
    let c005 = issues.iter().find(|i| i["check_name"] == "C005").unwrap();
    assert_eq!(c005["severity"], "blocker");
    assert_eq!(c005["location"]["lines"]["begin"], 3);
}
