//! The open-data package (`spro publier`, `consolidate --publier`; docs/region/donnees-ouvertes.md):
//! valid for `frictionless validate` (frictionless-py, installed by ./test.sh), every figure the
//! workbook's, no personal datum of the fixtures, the same bytes whatever the order and the
//! thread count.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::*;
use serde_json::json;

/// Every file of a package, by name.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn ok(out: &std::process::Output) {
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The sample batch with the year before: a valid package whose figures are the workbook's
/// (`Synthèse` for each network, `Indicateurs` for each département and the Région), the same
/// bytes from `publier` and from `consolidate --publier`, whatever the order and `-j`.
#[test]
fn the_sample_batch_is_published_as_the_workbook_counts_it() {
    let dir = tempfile::tempdir().unwrap();
    let here = root();
    let (bilans, before) = ("fixtures/bilans/2025", "fixtures/bilans/2024");
    let pkg = dir.path().join("pkg");
    let regional = dir.path().join("regional.xlsx");
    ok(&spro(
        &[
            "consolidate",
            bilans,
            "--annee",
            "2025",
            "--precedent",
            before,
            "-q",
            "-o",
            regional.to_str().unwrap(),
            "--publier",
            pkg.to_str().unwrap(),
        ],
        &here,
    ));
    frictionless_validates(&pkg);
    let names: Vec<String> = files(&pkg).into_keys().collect();
    assert_eq!(
        names,
        [
            "actions.csv",
            "datapackage.json",
            "departements.csv",
            "premier-accueil.csv",
            "reseaux.csv",
            "structures.csv"
        ]
    );
    let networks = csv_rows(&pkg.join("reseaux.csv"));
    networks_are_the_synthese_lines(&networks, &regional);
    year_before_is_the_evolution_sheet(&networks, &regional);
    departements_are_the_indicateurs(&pkg, &regional);
    // The same bytes from `publier`, the files reversed, on one thread and on two.
    let mut reversed: Vec<PathBuf> = std::fs::read_dir(here.join(bilans))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    reversed.sort();
    reversed.reverse();
    let expected = files(&pkg);
    for jobs in ["1", "2"] {
        let out = dir.path().join(format!("publier-{jobs}"));
        let mut args = vec!["publier".to_string()];
        args.extend(reversed.iter().map(|p| p.display().to_string()));
        args.extend(
            [
                "--annee",
                "2025",
                "--precedent",
                before,
                "-q",
                "-j",
                jobs,
                "-o",
            ]
            .map(String::from),
        );
        args.push(out.display().to_string());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(&spro(&args, &here));
        assert_eq!(files(&out), expected, "-j {jobs}");
    }
}

/// reseaux.csv: 22 networks, each counted one with the figures of its Synthèse line.
fn networks_are_the_synthese_lines(networks: &[BTreeMap<String, String>], regional: &Path) {
    assert_eq!(networks.len(), 22);
    let synthese = sheet(regional, "Synthèse");
    let header: Vec<String> = synthese[0].iter().map(s).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut compared = 0;
    for n in networks {
        let line = synthese
            .iter()
            .find(|r| s(&r[0]) == n["code_reseau"])
            .unwrap();
        match n["statut"].as_str() {
            "conforme" => {
                for (csv_name, sheet_name) in [
                    ("structures_membres", "Structures"),
                    ("coordinateurs", "Coordinateurs"),
                    ("actions", "Actions"),
                    ("participants", "Participants"),
                    ("premiers_accueils", "Premiers accueils"),
                    ("professionnels_formes", "Professionnels formés"),
                ] {
                    assert_eq!(
                        n[csv_name],
                        s(&line[col(sheet_name)]),
                        "{} {csv_name}",
                        n["code_reseau"]
                    );
                }
                compared += 1;
            }
            "non transmis" => assert_eq!(s(&line[col("Statut")]), "Non transmis"),
            other => {
                assert_eq!(other, "à corriger");
                assert_eq!(n["actions"], "", "not counted: no figures");
            }
        }
    }
    assert_eq!(compared, 6, "five clean networks, and Vendôme's warnings");
    assert!(
        networks.iter().any(|n| !n["actions_n1"].is_empty()),
        "N-1 figures"
    );
}

/// The year before's figures: those of the Évolution sheet (N-1, then N, gap and change for
/// each of the six).
fn year_before_is_the_evolution_sheet(networks: &[BTreeMap<String, String>], regional: &Path) {
    let evolution = sheet(regional, "Évolution");
    let names = [
        "structures_membres",
        "coordinateurs",
        "actions",
        "participants",
        "premiers_accueils",
        "professionnels_formes",
    ];
    for n in networks {
        let line = evolution
            .iter()
            .find(|r| s(&r[0]) == n["code_reseau"])
            .unwrap();
        for (k, name) in names.iter().enumerate() {
            assert_eq!(
                n[&format!("{name}_n1")],
                s(&line[3 + 4 * k]),
                "{} {name}_n1",
                n["code_reseau"]
            );
        }
    }
}

/// departements.csv: the Indicateurs cells, per département and for the Région.
fn departements_are_the_indicateurs(pkg: &Path, regional: &Path) {
    let indicateurs = sheet(regional, "Indicateurs");
    let value = |block: &str, label: &str, column: usize| -> String {
        let start = indicateurs.iter().position(|r| s(&r[0]) == block).unwrap();
        let row = indicateurs[start..]
            .iter()
            .find(|r| s(&r[0]) == label)
            .unwrap();
        s(&row[column])
    };
    let figures = [
        (
            "structures_membres",
            "Structures et coordination",
            "Structures membres",
        ),
        (
            "coordinateurs",
            "Structures et coordination",
            "Coordinateurs",
        ),
        ("actions", "Actions par département", "Actions"),
        ("participants", "Participants aux actions", "Participants"),
        (
            "premiers_accueils",
            "Premiers accueils et orientations",
            "Premiers accueils",
        ),
        (
            "professionnels_formes",
            "Professionnalisation",
            "Professionnels formés",
        ),
    ];
    let departements = csv_rows(&pkg.join("departements.csv"));
    assert_eq!(departements.len(), 7);
    for (k, d) in departements.iter().enumerate() {
        for (csv_name, block, label) in figures {
            assert_eq!(
                d[csv_name],
                value(block, label, k + 1),
                "{} {csv_name}",
                d["code"]
            );
        }
    }
    assert_eq!(departements[6]["code"], "24");
}

/// Nothing personal, whatever the options: no coordinator's name, first name, e-mail or phone,
/// no free text (points forts, difficultés, perspectives, action titles) of any fixture, even
/// with every file counted.
#[test]
fn no_personal_datum_of_the_fixtures() {
    let mut personal: Vec<String> = Vec::new();
    let sources = root().join("fixtures/sources");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&sources)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.extend(
        std::fs::read_dir(sources.join("2024"))
            .unwrap()
            .map(|e| e.unwrap().path()),
    );
    for path in paths {
        let d: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let sheets = &d["sheets"];
        let columns = |sheet: &str, wanted: &[&str]| -> Vec<String> {
            let rows = sheets[sheet].as_array().cloned().unwrap_or_default();
            let Some(header) = rows.first().and_then(|r| r.as_array()) else {
                return vec![];
            };
            let idx: Vec<usize> = header
                .iter()
                .enumerate()
                .filter(|(_, h)| wanted.contains(&h.as_str().unwrap_or_default()))
                .map(|(i, _)| i)
                .collect();
            rows[1..]
                .iter()
                .flat_map(|r| {
                    idx.iter()
                        .filter_map(|&i| r.get(i)?.as_str().map(String::from))
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        personal.extend(columns(
            "Coordination",
            &["Nom", "Prénom", "Courriel", "Téléphone"],
        ));
        personal.extend(columns("Actions", &["Intitulé"]));
        for row in sheets["Identification"].as_array().into_iter().flatten() {
            let label = row[0].as_str().unwrap_or_default();
            if ["Points forts", "Difficultés rencontrées", "Perspectives"].contains(&label) {
                personal.extend(row[1].as_str().map(String::from));
            }
        }
    }
    personal.retain(|p| p.trim().chars().count() > 3);
    assert!(personal.len() > 40, "{}", personal.len());
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    ok(&spro(
        &[
            "publier",
            "fixtures/bilans/2025",
            "fixtures/cas",
            "--annee",
            "2025",
            "--precedent",
            "fixtures/bilans/2024",
            "--inclure-non-conformes",
            "-q",
            "-o",
            pkg.to_str().unwrap(),
        ],
        &root(),
    ));
    frictionless_validates(&pkg);
    for (name, bytes) in files(&pkg) {
        let text = String::from_utf8(bytes).unwrap();
        for p in &personal {
            assert!(!text.contains(p.as_str()), "{name} holds « {p} »");
        }
    }
}

/// A batch where every file is unreadable, and one whose texts are hostile (commas, quotes,
/// new lines, a formula's `=`): valid packages, the texts written as they are.
#[test]
fn unreadable_files_and_hostile_texts() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk");
    std::fs::create_dir(&junk).unwrap();
    std::fs::write(junk.join("36-CHX.xlsx"), b"PK\x03\x04 not a workbook").unwrap();
    std::fs::write(junk.join("37-TOU.ods"), vec![0u8; 300]).unwrap();
    let pkg = dir.path().join("pkg-junk");
    ok(&spro(
        &[
            "publier",
            junk.to_str().unwrap(),
            "--annee",
            "2025",
            "-q",
            "-o",
            pkg.to_str().unwrap(),
        ],
        dir.path(),
    ));
    frictionless_validates(&pkg);
    let networks = csv_rows(&pkg.join("reseaux.csv"));
    assert_eq!(
        networks
            .iter()
            .filter(|n| n["statut"] == "à corriger")
            .count(),
        2
    );
    assert_eq!(
        networks
            .iter()
            .filter(|n| n["statut"] == "non transmis")
            .count(),
        20
    );
    assert!(csv_rows(&pkg.join("actions.csv")).is_empty());

    let hostile = "=HYPERLINK(\"http://x\"), \"CIO\"\nde Châteauroux";
    let description = edited(
        "36-CHX-2025",
        &json!([
            {"feuille": "Actions", "cellule": "H2", "valeur": hostile},
            {"feuille": "Structures", "cellule": "D2", "valeur": "Saint-Maur, \"Indre\"\r\n"},
        ]),
    );
    let batch = dir.path().join("hostile");
    std::fs::create_dir(&batch).unwrap();
    write(&batch, "36-CHX", &description);
    let pkg = dir.path().join("pkg-hostile");
    ok(&spro(
        &[
            "publier",
            batch.to_str().unwrap(),
            "--annee",
            "2025",
            "--inclure-non-conformes",
            "-q",
            "-o",
            pkg.to_str().unwrap(),
        ],
        dir.path(),
    ));
    frictionless_validates(&pkg);
    let actions = csv_rows(&pkg.join("actions.csv"));
    // As the tool reads a cell (a line break inside is a space), written as it is: commas,
    // quotes and the leading `=` quoted by the CSV rules, never changed.
    let read = hostile.replace('\n', " ");
    assert!(actions.iter().any(|a| a["porteuse"] == read), "{actions:?}");
    // Published again over itself: replaced whole, never half-written.
    ok(&spro(
        &[
            "publier",
            junk.to_str().unwrap(),
            "--annee",
            "2025",
            "-q",
            "-o",
            pkg.to_str().unwrap(),
        ],
        dir.path(),
    ));
    assert!(csv_rows(&pkg.join("actions.csv")).is_empty());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".donnees"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
