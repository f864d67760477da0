//! Drives the `spro` binary as a user would: exit codes (contrat §6), the JSON report (contrat §5),
//! the human report, configuration, rules and explain.

use std::process::{Command, Output};

use crate::common::*;
use serde_json::Value;

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

/// The sample batch: five clean networks, Drouais with two errors to correct, Vendôme late.
#[test]
fn the_sample_batch_gives_the_json_of_the_spec() {
    let out = spro(
        &[
            "check",
            "fixtures/bilans/2025",
            "--annee",
            "2025",
            "--format",
            "json",
        ],
        &root(),
    );
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&out);
    assert_eq!(v["tool"]["name"], "spro");
    assert_eq!(v["tool"]["template"], "2025.1");
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 7);
    assert_eq!(files[0]["path"], "fixtures/bilans/2025/18-BOU.xlsx");
    for f in files {
        assert_eq!(f["annee"], 2025);
        let codes: Vec<&str> = f["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["code"].as_str().unwrap())
            .collect();
        let (status, expected): (&str, &[&str]) = match f["reseau"].as_str().unwrap() {
            "28-DRE" => ("invalid", &["V004", "C005"]),
            "41-VEN" => ("valid-with-warnings", &["C017"]),
            _ => ("valid", &[]),
        };
        assert_eq!(f["status"], status, "{f}");
        assert_eq!(codes, expected, "{f}");
    }
    assert_eq!(v["batch"].as_array().unwrap().len(), 15);
    assert_eq!(v["batch"][0]["code"], "B002");
    assert_eq!(v["batch"][0]["reseau"], "18-VIE");
    let s = &v["summary"];
    let counts: Vec<u64> = [
        "files",
        "valid",
        "valid_with_warnings",
        "invalid",
        "unreadable",
        "errors",
        "warnings",
        "infos",
    ]
    .iter()
    .map(|k| s[*k].as_u64().unwrap())
    .collect();
    assert_eq!(counts, [7, 5, 1, 1, 0, 2, 1, 15]);
}

#[test]
fn an_error_exits_1_and_each_finding_has_every_key() {
    let out = spro(
        &[
            "check",
            "fixtures/cas/C005-logo-manquant.xlsx",
            "--format",
            "json",
        ],
        &root(),
    );
    assert_eq!(code(&out), 1);
    let v = json_of(&out);
    let f = &v["files"][0];
    assert_eq!(f["status"], "invalid");
    assert_eq!(f["reseau"], "36-CHX");
    let first = &f["findings"][0];
    assert_eq!(first["code"], "C005");
    assert_eq!(first["name"], "logo-manquant");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["sheet"], "Actions");
    assert_eq!(first["cell"], "P3");
    assert_eq!(first["row"], 3);
    assert_eq!(first["column"], "P");
    assert_eq!(first["value"], "Non");
    assert!(first["message"].as_str().unwrap().contains("logo du SPRO"));
    // A finding without a cell has null cell, row and column.
    let out = spro(
        &[
            "check",
            "fixtures/cas/S001-feuille-manquante.xlsx",
            "--format",
            "json",
        ],
        &root(),
    );
    let f = &json_of(&out)["files"][0]["findings"][0];
    assert_eq!(
        (
            f["cell"].is_null(),
            f["row"].is_null(),
            f["column"].is_null()
        ),
        (true, true, true)
    );
    assert_eq!(f["sheet"], "Coordination");
}

#[test]
fn warnings_pass_unless_strict() {
    let file = "fixtures/cas/C012-promotion-cep-absente.xlsx";
    let out = spro(&["check", file, "--format", "json"], &root());
    assert_eq!(code(&out), 0);
    assert_eq!(json_of(&out)["files"][0]["status"], "valid-with-warnings");
    assert_eq!(code(&spro(&["check", file, "--strict"], &root())), 1);
}

#[test]
fn configuration_overrides_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let case = root().join("fixtures/cas/C005-logo-manquant.xlsx");
    let case = case.to_str().unwrap();
    std::fs::write(
        dir.path().join("spro.toml"),
        "[regles]\nC005 = \"warning\"\n",
    )
    .unwrap();
    let out = spro(&["check", case, "--format", "json"], dir.path());
    assert_eq!(code(&out), 0);
    assert_eq!(
        json_of(&out)["files"][0]["findings"][0]["severity"],
        "warning"
    );
    std::fs::write(dir.path().join("off.toml"), "[regles]\nC005 = \"off\"\n").unwrap();
    let out = spro(
        &["check", case, "--config", "off.toml", "--format", "json"],
        dir.path(),
    );
    assert_eq!(json_of(&out)["files"][0]["status"], "valid");
    std::fs::write(
        dir.path().join("bad.toml"),
        "annee = 2025\n[limites]\nlignes = 3\n",
    )
    .unwrap();
    let out = spro(&["check", case, "--config", "bad.toml"], dir.path());
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("« lignes »"));
    // The year of the configuration is used; the command line beats it.
    std::fs::write(dir.path().join("spro.toml"), "annee = 2026\n").unwrap();
    let out = spro(&["check", case, "--format", "json"], dir.path());
    assert!(json_of(&out)["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "R003"));
    let out = spro(
        &["check", case, "--annee", "2025", "--format", "json"],
        dir.path(),
    );
    assert!(!json_of(&out)["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "R003"));
}

#[test]
fn the_tool_failing_exits_2() {
    assert_eq!(code(&spro(&["check", "pas-de-fichier.xlsx"], &root())), 2);
    assert_eq!(code(&spro(&["check"], &root())), 2);
    assert_eq!(
        code(&spro(
            &["check", "fixtures/bilans", "--annee", "25"],
            &root()
        )),
        2
    );
    assert_eq!(code(&spro(&["explain", "Z999"], &root())), 2);
    let out = spro(
        &["check", "fixtures/bilans", "--referentiel", "absent.json"],
        &root(),
    );
    assert_eq!(code(&out), 2);
}

#[test]
fn output_file_is_written_and_never_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("36-CHX.xlsx");
    std::fs::copy(root().join("fixtures/bilans/2025/36-CHX.xlsx"), &input).unwrap();
    let report = dir.path().join("sortie/rapport.json");
    let out = spro(
        &[
            "check",
            "36-CHX.xlsx",
            "--format",
            "json",
            "--output",
            report.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(code(&out), 0);
    assert!(out.stdout.is_empty());
    let v: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(v["summary"]["files"], 1);
    let before = std::fs::read(&input).unwrap();
    let out = spro(
        &["check", "36-CHX.xlsx", "--output", "36-CHX.xlsx"],
        dir.path(),
    );
    assert_eq!(code(&out), 2);
    assert_eq!(std::fs::read(&input).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("sortie"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn thread_count_does_not_change_the_output() {
    let one = spro(
        &["check", "fixtures", "--format", "json", "-j", "1"],
        &root(),
    );
    let two = spro(
        &["check", "fixtures", "--format", "json", "-j", "2"],
        &root(),
    );
    assert_eq!(code(&one), 1);
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn human_report_is_grouped_by_file_with_summaries() {
    let out = spro(
        &[
            "check",
            "fixtures/cas/C005-logo-manquant.xlsx",
            "fixtures/bilans/2025/36-CHX.xlsx",
        ],
        &root(),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!(text);
}

#[test]
fn rules_and_explain() {
    let out = spro(&["rules"], &root());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), spro_bilans::rules::RULES.len());
    assert!(text.contains("C005  logo-manquant"));
    let out = spro(&["explain", "c005"], &root());
    assert_eq!(code(&out), 0);
    let text = String::from_utf8(out.stdout).unwrap();
    for part in [
        "C005 logo-manquant",
        "Charte §7",
        "Pourquoi",
        "Comment corriger",
        "Exemple",
    ] {
        assert!(text.contains(part), "{part}\n{text}");
    }
}

#[test]
fn docs_rules_md_is_generated_from_the_catalogue() {
    let committed = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    assert_eq!(
        committed,
        spro_bilans::rules::rules_markdown(),
        "run: cargo run -- rules --markdown > docs/rules.md"
    );
}

#[test]
fn schemas_folder_and_deadline_from_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    // A copy of the schemas where the type « CIO » is spelt out: the override is used.
    let schemas = schemas_copy(dir.path(), |name, text| match name {
        "2025.1/structures.json" => {
            text.replacen("\"CIO\",", "\"Centre d'information et d'orientation\",", 1)
        }
        _ => text,
    });
    let case = root().join("fixtures/cas/C004-signataire-sans-date.xlsx");
    std::fs::write(
        dir.path().join("spro.toml"),
        "date_limite_transmission = \"02-28\"\n",
    )
    .unwrap();
    let out = spro(
        &[
            "check",
            case.to_str().unwrap(),
            "--format",
            "json",
            "--schemas",
            "schemas",
        ],
        dir.path(),
    );
    let findings = json_of(&out)["files"][0]["findings"].clone();
    let codes: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    // C017: transmitted on 12/03/2026, after the configured 28/02/2026.
    assert!(codes.contains(&"C017"), "{codes:?}");
    assert!(codes.contains(&"C004"), "{codes:?}");
    // The CIO of Châteauroux is no longer of a known type.
    assert!(
        findings
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "V003" && f["cell"] == "B2"),
        "{findings}"
    );
    // … but a broken schema folder is a failure of the tool.
    std::fs::write(schemas.join("2025.1/actions.json"), "{").unwrap();
    assert_eq!(
        code(&spro(
            &["check", case.to_str().unwrap(), "--schemas", "schemas"],
            dir.path()
        )),
        2
    );
}

#[test]
fn english_reports_and_errors() {
    let out = Command::new(env!("CARGO_BIN_EXE_spro"))
        .args([
            "check",
            "fixtures/cas/C005-logo-manquant.xlsx",
            "--format",
            "json",
            "--lang",
            "en",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    let v = json_of(&out);
    assert_eq!(
        v["files"][0]["findings"][0]["message"],
        "action CHX-02 created a tool or material without the logo of the SPRO: put the logo on it and answer “Oui” (charter §7), or “Non” in “Outil ou support créé” if no tool was created"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_spro"))
        .args(["check", "fixtures/cas/C005-logo-manquant.xlsx"])
        .env("SPRO_LANG", "en")
        .env("NO_COLOR", "1")
        .current_dir(root())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("— Invalid: 3 errors, 0 warning"), "{text}");
    assert!(text.contains("Total: 1 file checked"), "{text}");
    let out = Command::new(env!("CARGO_BIN_EXE_spro"))
        .args(["check", "absent.xlsx"])
        .env("SPRO_LANG", "en")
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "spro: error: “absent.xlsx” does not exist: check the path"
    );
    let out = spro(&["check", "absent.xlsx"], &root());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "spro : erreur : « absent.xlsx » n'existe pas : vérifiez le chemin"
    );
    let out = spro(&["explain", "C005", "--lang", "en"], &root());
    let text = String::from_utf8(out.stdout).unwrap();
    for part in [
        "C005 logo-manquant — Regional charter",
        "Source: Charter §7",
        "What it checks",
        "How to fix it",
    ] {
        assert!(text.contains(part), "{part}\n{text}");
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spro.toml"), "anne = 2025\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_spro"))
        .args([
            "check",
            root().join("fixtures/bilans").to_str().unwrap(),
            "--lang",
            "en",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unknown key “anne”"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn json_report_snapshot() {
    let out = spro(
        &[
            "check",
            "fixtures/cas/C006-partenaires-separes-par-virgule.xlsx",
            "fixtures/cas/S002-colonne-facultative-manquante.xlsx",
            "fixtures/cas/V003-valeur-hors-liste.xlsx",
            "--format",
            "json",
        ],
        &root(),
    );
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

/// A `--schemas` folder that renames a column the code reads is refused, naming it, instead
/// of switching a rule off in silence.
#[test]
fn a_schemas_folder_without_a_key_the_tool_reads_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    schemas_copy(dir.path(), |name, text| match name {
        "2025.1/actions.json" => text.replace("\"logo_spro\"", "\"logo_du_spro\""),
        _ => text,
    });
    let case = root().join("fixtures/cas/C005-logo-manquant.xlsx");
    let out = spro(
        &["check", case.to_str().unwrap(), "--schemas", "schemas"],
        dir.path(),
    );
    assert_eq!(code(&out), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("actions.json") && err.contains("« logo_spro »"),
        "{err}"
    );
}

/// A crash outside the per-file check (here while rendering, simulated in debug builds) still
/// says something and exits non-zero; a panic inside a file's check stays an F001 (tests in
/// tests/regressions.rs).
#[test]
fn a_crash_while_rendering_is_said_and_fails() {
    let out = Command::new(env!("CARGO_BIN_EXE_spro"))
        .args(["check", "fixtures/bilans/2025/36-CHX.xlsx"])
        .current_dir(root())
        .env("SPRO_TEST_PANIQUE_AU_RENDU", "1")
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert_ne!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("erreur interne de l'outil"), "{err}");
    assert!(err.contains("panne simulée"), "{err}");
}
