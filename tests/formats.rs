//! CI formats parsed back by real parsers: GitHub workflow commands, JUnit XML (quick-xml),
//! SARIF 2.1.0 (validated against the OASIS schema with jsonschema); --output for each; the
//! man page and completions generated from the clap definition.

mod common;

use std::process::{Command, Output};

use common::*;
use serde_json::Value;

fn spro(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spro"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
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
    let out = spro(&args("github", &[]));
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
    let infos = spro(&[
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
    let out = spro(&args("junit", &[]));
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
    let out = spro(&args("sarif", &[]));
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
    for format in ["human", "json", "github", "junit", "sarif"] {
        let path = dir.path().join(format!("rapport.{format}"));
        let out = spro(&args(format, &["--output", path.to_str().unwrap()]));
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(out.stdout.is_empty(), "{format}");
        assert!(std::fs::metadata(&path).unwrap().len() > 100, "{format}");
    }
}

#[test]
fn strict_fails_on_warnings_in_every_format() {
    for format in ["github", "junit", "sarif"] {
        let out = spro(&[
            "check",
            "fixtures/cas/C012-promotion-cep-absente.xlsx",
            "--format",
            format,
        ]);
        assert_eq!(out.status.code(), Some(0), "{format}");
        let out = spro(&[
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
        let out = spro(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("consolidate") && text.contains("annote"),
            "{shell}"
        );
    }
}
