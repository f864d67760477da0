//! Year over year (`--precedent`): each T rule at its exact cell, thresholds just under and
//! just over, the floor, zero to non-zero; bad previous years; the sample batch of 2024
//! against 2025; the `Évolution` sheet of the regional workbook.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::{json, Value};

/// The sample of Châteauroux for 2024 (year changed) with `edits`.
fn previous(edits: Value) -> Value {
    let mut d = edited(
        "36-CHX-2025",
        &json!([{"feuille": "Identification", "cellule": "B5", "valeur": 2024}]),
    );
    for e in edits.as_array().unwrap() {
        spro_bilans::fixture::apply(&mut d, e).unwrap();
    }
    d
}

/// (code, sheet, cell) of the T findings of a check of `current` against `before`, with an
/// optional spro.toml.
fn t_findings(
    current: &Value,
    before: &[Value],
    config: Option<&str>,
) -> Vec<(String, String, String)> {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bilan", current);
    let prev = dir.path().join("2024");
    std::fs::create_dir(&prev).unwrap();
    for (i, b) in before.iter().enumerate() {
        write(&prev, &format!("36-CHX-{i}"), b);
    }
    let mut args = vec![
        "check",
        "bilan.xlsx",
        "--annee",
        "2025",
        "--format",
        "json",
        "--precedent",
        "2024",
    ];
    if let Some(text) = config {
        std::fs::write(dir.path().join("spro.toml"), text).unwrap();
        args.extend(["--config", "spro.toml"]);
    }
    let out = spro(&args, dir.path());
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with('T'))
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["sheet"].as_str().unwrap_or("").to_string(),
                f["cell"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn t(code: &str, sheet: &str, cell: &str) -> (String, String, String) {
    (code.to_string(), sheet.to_string(), cell.to_string())
}

fn chx() -> Value {
    source("36-CHX-2025")
}

#[test]
fn the_same_network_the_year_before_gives_nothing() {
    assert_eq!(t_findings(&chx(), &[previous(json!([]))], None), []);
}

/// T001 at the header of the column summed, for a factor just over and just under (the
/// factor set to 1.2 in `[tendances]`: 7,430 first receptions in 2025).
#[test]
fn t001_network_figure_just_over_and_just_under() {
    let config = Some("[tendances]\nfacteur_reseau = 1.2\n");
    // 2024: France Travail Indre had 1,410 instead of 2,650, total 6,190: 7,430 / 6,190 ≥ 1.2.
    let over = previous(json!([{"feuille": "Accueil", "cellule": "C7", "valeur": 1410}]));
    assert_eq!(
        t_findings(&chx(), &[over], config),
        [t("T001", "Accueil", "C1")]
    );
    // 1,412: total 6,192, a factor of 1.19996.
    let under = previous(json!([{"feuille": "Accueil", "cellule": "C7", "valeur": 1412}]));
    assert_eq!(t_findings(&chx(), &[under], config), []);
}

/// T002 at the Accueil cell: a factor of 5 exactly counts, 4.98 does not; under the floor
/// nothing counts; zero the year before counts above the floor.
#[test]
fn t002_accueil_line_thresholds_floor_and_zero() {
    let line = |v: i64| previous(json!([{"feuille": "Accueil", "cellule": "C2", "valeur": v}]));
    // 1,480 in 2025 (CIO de Châteauroux, Scolaires).
    assert_eq!(
        t_findings(&chx(), &[line(296)], None),
        [t("T002", "Accueil", "C2")]
    );
    assert_eq!(t_findings(&chx(), &[line(297)], None), []);
    // The Ligue's 40 Bénévoles: 4 the year before is 10 times less, above the floor of 30…
    let ligue = |v: i64| previous(json!([{"feuille": "Accueil", "cellule": "C14", "valeur": v}]));
    assert_eq!(
        t_findings(&chx(), &[ligue(4)], None),
        [t("T002", "Accueil", "C14")]
    );
    // …but not when the floor is 50.
    assert_eq!(
        t_findings(&chx(), &[ligue(4)], Some("[tendances]\nplancher = 50\n")),
        []
    );
    // Zero the year before, 40 now.
    assert_eq!(
        t_findings(&chx(), &[ligue(0)], None),
        [t("T002", "Accueil", "C14")]
    );
}

#[test]
fn t003_t004_t005_at_their_places() {
    let before = previous(json!([
        {"feuille": "Structures", "ajouter_ligne": ["Point Information Jeunesse de Déols", "BIJ / PIJ", null, "Déols", "36130", "Oui", {"date": "2024-07-30"}, "Non", "Oui", "Oui", 1]},
        {"feuille": "Coordination", "cellule": "A2", "valeur": "MERCIER"},
        {"feuille": "Identification", "cellule": "B6", "valeur": {"date": "2023-05-02"}}
    ]));
    assert_eq!(
        t_findings(&chx(), &[before], None),
        [
            t("T005", "Identification", "B6"),
            t("T003", "Structures", ""),
            t("T004", "Coordination", ""),
        ]
    );
}

/// T000 on the file the previous one would have served: of another year, twice, unreadable.
#[test]
fn t000_when_the_year_before_cannot_be_used() {
    let other_year =
        previous(json!([{"feuille": "Identification", "cellule": "B5", "valeur": 2023}]));
    assert_eq!(t_findings(&chx(), &[other_year], None), [t("T000", "", "")]);
    let twice = [previous(json!([])), previous(json!([]))];
    assert_eq!(t_findings(&chx(), &twice, None), [t("T000", "", "")]);

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bilan", &chx());
    std::fs::create_dir(dir.path().join("2024")).unwrap();
    std::fs::write(dir.path().join("2024/36-CHX.xlsx"), b"PK\x03\x04 tronque").unwrap();
    let out = spro(
        &[
            "check",
            "bilan.xlsx",
            "--annee",
            "2025",
            "--precedent",
            "2024",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "T000 is an information");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = &v["files"][0]["findings"][0];
    assert_eq!(finding["code"], "T000");
    assert_eq!(finding["severity"], "info");
    let message = finding["message"].as_str().unwrap();
    assert!(
        message.contains("« 2024/36-CHX.xlsx » est illisible"),
        "{message}"
    );
}

#[test]
fn a_previous_year_that_is_not_there_stops_the_tool() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bilan", &chx());
    let missing = spro(
        &[
            "check",
            "bilan.xlsx",
            "--annee",
            "2025",
            "--precedent",
            "nulle-part",
        ],
        dir.path(),
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("« nulle-part »"));
    std::fs::create_dir(dir.path().join("vide")).unwrap();
    let empty = spro(
        &[
            "check",
            "bilan.xlsx",
            "--annee",
            "2025",
            "--precedent",
            "vide",
        ],
        dir.path(),
    );
    assert_eq!(empty.status.code(), Some(2));
    let err = String::from_utf8_lossy(&empty.stderr);
    assert!(
        err.contains("« vide »") && err.contains("aucun tableau de bord"),
        "{err}"
    );
    let no_year = spro(&["check", "bilan.xlsx", "--precedent", "vide"], dir.path());
    assert_eq!(no_year.status.code(), Some(2));
}

#[test]
fn tendances_and_precedent_in_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bilan", &chx());
    for (text, key) in [
        (
            "[tendances]\nfacteur_reseau = 1\n",
            "tendances.facteur_reseau",
        ),
        ("[tendances]\nplancher = -3\n", "tendances.plancher"),
        ("[tendances]\nfacteur_ligne = \"cinq\"\n", "facteur_ligne"),
        ("[tendances]\nseuil = 3\n", "seuil"),
    ] {
        std::fs::write(dir.path().join("spro.toml"), text).unwrap();
        let out = spro(&["check", "bilan.xlsx", "--annee", "2025"], dir.path());
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(key), "{text}: {err}");
    }
    // `precedent` with {annee_precedente}, relative to the configuration file.
    let conf = dir.path().join("conf");
    std::fs::create_dir_all(conf.join("bilans/2024")).unwrap();
    write(
        &conf.join("bilans/2024"),
        "36-CHX",
        &previous(
            json!([{"feuille": "Identification", "cellule": "B6", "valeur": {"date": "2023-05-02"}}]),
        ),
    );
    std::fs::write(
        conf.join("spro.toml"),
        "annee = 2025\nprecedent = \"bilans/{annee_precedente}\"\n",
    )
    .unwrap();
    let out = spro(
        &["check", "bilan.xlsx", "--config", "conf/spro.toml"],
        dir.path(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("T005 convention-modifiee"), "{text}");
}

/// The sample batch: 2025 against 2024.
#[test]
fn the_sample_batch_against_2024() {
    let out = spro(
        &[
            "check",
            "fixtures/bilans/2025",
            "--annee",
            "2025",
            "--precedent",
            "fixtures/bilans/2024",
            "--format",
            "json",
        ],
        &root(),
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut seen: Vec<(String, String, String, String)> = Vec::new();
    for f in v["files"].as_array().unwrap() {
        for x in f["findings"].as_array().unwrap() {
            let code = x["code"].as_str().unwrap();
            if code.starts_with('T') {
                seen.push((
                    f["reseau"].as_str().unwrap().to_string(),
                    code.to_string(),
                    x["sheet"].as_str().unwrap_or("").to_string(),
                    x["cell"].as_str().unwrap_or("").to_string(),
                ));
            }
        }
    }
    let s = |r: &str, c: &str, sh: &str, ce: &str| (r.into(), c.into(), sh.into(), ce.into());
    assert_eq!(
        seen,
        [
            // A tenfold typo: 87 first receptions in 2024, 870 in 2025.
            s("18-BOU", "T002", "Accueil", "C3"),
            // Two member structures of 2024 are gone.
            s("36-CHX", "T003", "Structures", ""),
            s("36-CHX", "T003", "Structures", ""),
            // A new coordinator.
            s("37-TOU", "T004", "Coordination", ""),
            // The convention of Blois was renewed (its .ods of 2025 against the .xlsx of 2024).
            s("41-BLO", "T005", "Identification", "B6"),
            // Vendôme's 2024 file is unreadable.
            s("41-VEN", "T000", "", ""),
        ]
    );
    // Without --precedent nothing of this runs.
    let plain = spro(
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
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("\"T00"));
}

fn consolidate(dir: &Path, inputs: &[&str], extra: &[&str], out: &str) -> PathBuf {
    let previous = root().join("fixtures/bilans/2024").display().to_string();
    let mut args = vec!["consolidate"];
    args.extend_from_slice(inputs);
    args.extend(["--annee", "2025", "-q", "-o", out, "--precedent"]);
    args.push(&previous);
    let owned: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let mut all: Vec<&str> = owned.iter().map(String::as_str).collect();
    all.extend_from_slice(extra);
    let o = spro(&all, dir);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    dir.join(out)
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => i.to_string(),
                    Data::Empty => String::new(),
                    other => format!("{other:?}"),
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_evolution_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let bilans = root().join("fixtures/bilans/2025");
    let out = consolidate(dir.path(), &[bilans.to_str().unwrap()], &[], "r.xlsx");
    let wb: Xlsx<_> = open_workbook(&out).unwrap();
    let names = wb.sheet_names();
    let i = names.iter().position(|n| n == "Indicateurs").unwrap();
    assert_eq!(names[i + 1], "Évolution");
    assert_eq!(names.len(), 11);
    let evo = sheet(&out, "Évolution");
    assert_eq!(
        &evo[0][..7],
        [
            "Code réseau",
            "Réseau",
            "Statut",
            "Structures membres 2024",
            "Structures membres 2025",
            "Structures membres écart",
            "Structures membres évolution"
        ]
    );
    let row = |code: &str| evo.iter().find(|r| r[0] == code).unwrap().clone();
    // Châteauroux: 12 member structures in 2024, 10 in 2025.
    let chx = row("36-CHX");
    assert_eq!(
        &chx[2..7],
        ["comparé", "12", "10", "-2", &format!("{}", -2.0 / 12.0)]
    );
    assert_eq!(row("28-DRE")[2], "non conforme");
    assert_eq!(row("41-VEN")[2], "précédent inutilisable");
    assert_eq!(row("18-VIE")[2], "non transmis");
    assert_eq!(row("18-BOU")[2], "comparé");
    // One row per network of the referential, then the regional total of those compared
    // (Bourges, Châteauroux, Tours, Blois, Orléans: 6 + 10 + 6 + 6 + 6 structures in 2025).
    let total = evo.iter().position(|r| r[0] == "Région").unwrap();
    assert_eq!(total, 23);
    assert_eq!(&evo[total][3..5], ["36", "34"]);
    // À propos lists the previous files with their SHA-256.
    let about = sheet(&out, "À propos");
    let at = about
        .iter()
        .position(|r| r[0].starts_with("Fichiers de l'année précédente"))
        .unwrap();
    let listed: Vec<&Vec<String>> = about[at + 2..]
        .iter()
        .filter(|r| !r[0].is_empty())
        .collect();
    assert_eq!(listed.len(), 6);
    assert!(listed.iter().all(|r| r[2].len() == 64), "{listed:?}");
    assert!(about.iter().any(|r| r[1].contains("--precedent")));
}

/// With --precedent too, the same bytes whatever the order and the threads; LibreOffice opens
/// it and prints the Évolution sheet.
#[test]
fn evolution_is_deterministic_and_opens_in_libreoffice() {
    let dir = tempfile::tempdir().unwrap();
    let bilans = root().join("fixtures/bilans/2025");
    let mut files: Vec<String> = std::fs::read_dir(&bilans)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    files.sort();
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let a = consolidate(dir.path(), &refs, &["-j", "1"], "a.xlsx");
    let mut reversed = refs.clone();
    reversed.reverse();
    let b = consolidate(dir.path(), &reversed, &["-j", "2"], "b.xlsx");
    assert!(
        std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(),
        "the two workbooks differ"
    );
    let pdf = soffice_convert(&a, "pdf", dir.path());
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Évolution — page"), "no Évolution page");
    assert!(text.contains("Réseaux comparés : 2024 et 2025"));
}

#[test]
fn the_t_rules_are_in_the_catalogue_and_junit() {
    let out = spro(&["explain", "T002"], &root());
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Évolution"));
    let rules = String::from_utf8_lossy(&spro(&["rules"], &root()).stdout).into_owned();
    for code in ["T000", "T001", "T002", "T003", "T004", "T005"] {
        assert!(rules.contains(code), "{code}");
    }
    let junit = spro(
        &[
            "check",
            "fixtures/bilans/2025/36-CHX.xlsx",
            "--annee",
            "2025",
            "--precedent",
            "fixtures/bilans/2024",
            "--format",
            "junit",
        ],
        &root(),
    );
    let xml = String::from_utf8_lossy(&junit.stdout);
    assert!(xml.contains("testcase name=\"Évolution\""), "{xml}");
    assert!(xml.contains("tests=\"7\""), "{xml}");
}
