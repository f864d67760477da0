//! Files of several template versions (docs/region/modeles.md, « Chaque classeur est lu avec sa version »
//! and « Across versions »), with the test registry of `fixtures/modeles/`: 2024.1, 2025.1 and
//! 2025.2 (current), which renames a key and a sheet, adds a column and removes one. Each file
//! read with its own version (no false S002/S003), S006 by status, the consolidation laid out
//! on the version serving the year with values mapped by key, the year over year across a
//! renamed key, a file with no version, a retired version, `--modele`, and the page.

use std::path::{Path, PathBuf};

use crate::common::edit::*;
use crate::common::server::Server;
use crate::common::*;
use serde_json::{json, Value};

const REGISTRY: &str = "fixtures/modeles";

/// The three files of the batch, written in `dir`: 2024.1, 2025.1 (as shipped), 2025.2.
fn batch(dir: &Path) -> Vec<PathBuf> {
    vec![
        write(dir, "18-BOU", &on_2024_1()),
        write(dir, "36-CHX", &source("36-CHX-2025")),
        write(dir, "37-TOU", &on_2025_2()),
    ]
}

fn s006(file: &Value) -> Option<(String, String)> {
    file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "S006")
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
}

/// Three versions in one batch: each read with its own, so no S002/S003 anywhere; S006 only
/// where the version does not serve 2025; the same findings as each file gets on its own
/// template with the shipped registry, S006 aside.
#[test]
fn each_file_is_read_with_its_own_version() {
    let dir = tempfile::tempdir().unwrap();
    batch(dir.path());
    let registry = root().join(REGISTRY);
    let registry = registry.to_str().unwrap();
    let (code, report) = json_check(&[".", "--annee", "2025", "--schemas", registry], dir.path());
    assert_eq!(code, Some(0), "{report:#}");
    for (name, version) in [
        ("18-BOU.xlsx", "2024.1"),
        ("36-CHX.xlsx", "2025.1"),
        ("37-TOU.xlsx", "2025.2"),
    ] {
        let f = file(&report, name);
        assert_eq!(f["modele"], version, "{name}");
        assert_eq!(f["modele_lu"], "declare", "{name}");
        let found = codes(f);
        assert!(
            !found.iter().any(|c| c == "S002" || c == "S003"),
            "{name}: {found:?}"
        );
    }
    let (severity, message) = s006(file(&report, "18-BOU.xlsx")).unwrap();
    assert_eq!(severity, "warning");
    assert!(
        message.contains("le classeur suit le modèle 2024.1, qui n'est pas celui des bilans 2025 : le modèle 2025.2 l'est (9 changements depuis le 2024.1"),
        "{message}"
    );
    assert!(s006(file(&report, "36-CHX.xlsx")).is_some());
    assert_eq!(s006(file(&report, "37-TOU.xlsx")), None);
    // A finding on the sheet 2024.1 calls « Premier accueil » names it so, at its cell.
    let mut d = on_2024_1();
    rows(&mut d, "Premier accueil")[1][2] = json!("beaucoup");
    let one = tempfile::tempdir().unwrap();
    write(one.path(), "18-BOU", &d);
    let (_, alone) = json_check(&[".", "--annee", "2025", "--schemas", registry], one.path());
    let v = alone["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "V002")
        .unwrap_or_else(|| panic!("{alone:#}"));
    assert_eq!(
        (&v["sheet"], &v["cell"]),
        (&json!("Premier accueil"), &json!("C2"))
    );

    // The same files on their own templates, with the shipped registry: the same findings.
    let shipped = tempfile::tempdir().unwrap();
    let mut d = source("18-BOU-2025");
    for row in rows(&mut d, "Actions") {
        for cell in row.as_array_mut().unwrap() {
            if cell == "Webinaire" {
                *cell = json!("Autre");
            }
        }
    }
    write(shipped.path(), "18-BOU", &d);
    write(shipped.path(), "36-CHX", &source("36-CHX-2025"));
    write(shipped.path(), "37-TOU", &source("37-TOU-2025"));
    let (_, before) = json_check(&[".", "--annee", "2025"], shipped.path());
    for name in ["18-BOU.xlsx", "36-CHX.xlsx", "37-TOU.xlsx"] {
        let without_s006 =
            |f: &Value| -> Vec<String> { codes(f).into_iter().filter(|c| c != "S006").collect() };
        assert_eq!(
            without_s006(file(&report, name)),
            without_s006(file(&before, name)),
            "{name}"
        );
    }
}

/// In a consolidation of the three-version batch: the declared sheet of 2025.2 has its own
/// data sheet with 37-TOU's rows; the sheet renamed in 2025.2 is the workbook's, whatever the
/// file called it; `À propos` names the versions read and the columns left out.
fn declared_renamed_and_left_out(wb: &Path) {
    // The declared sheet of 2025.2 has its own data sheet, after the five, with 37-TOU's rows.
    let names: Vec<String> =
        calamine::Reader::sheet_names(&calamine::open_workbook_auto(wb).unwrap());
    let at = |n: &str| names.iter().position(|x| x == n).unwrap();
    assert_eq!(
        at("Permanences"),
        at("Professionnalisation") + 1,
        "{names:?}"
    );
    let permanences = sheet(wb, "Permanences");
    let header: Vec<String> = permanences[0].iter().map(s).collect();
    assert_eq!(
        header,
        [
            "Code réseau",
            "Département",
            "Statut du fichier",
            "Structure",
            "Commune",
            "Jours de permanence",
            "Public"
        ]
    );
    assert_eq!(permanences.len(), 3);
    assert_eq!(s(&permanences[1][4]), "Chinon");
    assert_eq!(s(&permanences[2][5]), "12");
    // The sheet renamed in 2025.2 is the regional workbook's, whatever the file called it.
    assert!(sheet(wb, "Professionnalisation")
        .iter()
        .skip(1)
        .any(|r| s(&r[0]) == "37-TOU"));
    let about: Vec<Vec<String>> = sheet(wb, "À propos")
        .iter()
        .map(|r| r.iter().map(s).collect())
        .collect();
    let fact = |k: &str| {
        about
            .iter()
            .find(|r| r.first().is_some_and(|c| c == k))
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no « {k} » in {about:?}"))
    };
    assert_eq!(fact("Version du modèle"), "2025.2");
    assert_eq!(
        fact("Modèles des fichiers lus"),
        "2025.2 (1 fichier), 2025.1 (1 fichier), 2024.1 (1 fichier)"
    );
    assert_eq!(
        fact("Colonnes laissées de côté"),
        "Actions — Modalité : 18-BOU.xlsx, 36-CHX.xlsx"
    );
}

/// Consolidated into 2025.2, the version serving 2025: the Actions sheet has its headers,
/// each file's values under them by key (the 2024.1 file's participants under « Nombre de
/// participants », 2025.2's budgets), « Modalité » left out and said in `À propos`, each
/// file's version in `Synthèse`, and the figures of the shipped registry's consolidation.
#[test]
fn a_batch_of_three_versions_consolidated_into_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    batch(dir.path());
    let registry = root().join(REGISTRY);
    spro_ok(
        &[
            "consolidate",
            ".",
            "--annee",
            "2025",
            "-q",
            "--schemas",
            registry.to_str().unwrap(),
            "-o",
            "r.xlsx",
            "--inclure-non-conformes",
        ],
        dir.path(),
    );
    let wb = dir.path().join("r.xlsx");
    let actions = sheet(&wb, "Actions");
    let header: Vec<String> = actions[0].iter().map(s).collect();
    assert!(
        header.contains(&"Nombre de participants".to_string()),
        "{header:?}"
    );
    assert!(header.contains(&"Budget (€)".to_string()), "{header:?}");
    assert!(header.contains(&"Intitulé".to_string()), "{header:?}");
    assert!(!header.contains(&"Modalité".to_string()), "{header:?}");
    let col = |h: &str| header.iter().position(|x| x == h).unwrap();
    let sum = |code: &str, h: &str| -> f64 {
        actions[1..]
            .iter()
            .filter(|r| s(&r[0]) == code)
            .filter_map(|r| s(&r[col(h)]).parse::<f64>().ok())
            .sum()
    };
    let titles = |code: &str| -> usize {
        actions[1..]
            .iter()
            .filter(|r| s(&r[0]) == code && !s(&r[col("Intitulé")]).is_empty())
            .count()
    };
    // The shipped registry's consolidation of the same data (each file on 2025.1).
    let shipped = tempfile::tempdir().unwrap();
    for name in ["18-BOU", "36-CHX", "37-TOU"] {
        std::fs::copy(
            root().join(format!("fixtures/bilans/2025/{name}.xlsx")),
            shipped.path().join(format!("{name}.xlsx")),
        )
        .unwrap();
    }
    let out = spro(
        &[
            "consolidate",
            ".",
            "--annee",
            "2025",
            "-q",
            "-o",
            "r.xlsx",
            "--inclure-non-conformes",
        ],
        shipped.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let reference = sheet(&shipped.path().join("r.xlsx"), "Synthèse");
    let synthese = sheet(&wb, "Synthèse");
    let line = |rows: &[Vec<calamine::Data>], code: &str| -> Vec<String> {
        rows.iter()
            .find(|r| s(&r[0]) == code)
            .unwrap()
            .iter()
            .map(s)
            .collect()
    };
    for (code, version) in [
        ("18-BOU", "2024.1"),
        ("36-CHX", "2025.1"),
        ("37-TOU", "2025.2"),
    ] {
        let (now, then) = (line(&synthese, code), line(&reference, code));
        // Structures, coordinators, actions, participants, first receptions, trained.
        assert_eq!(now[7..13], then[7..13], "{code}");
        assert_eq!(now[13], version, "{code}");
        let participants: f64 = now[10].parse().unwrap();
        assert_eq!(sum(code, "Nombre de participants"), participants, "{code}");
        assert_eq!(titles(code), now[9].parse::<usize>().unwrap(), "{code}");
    }
    assert!(sum("37-TOU", "Budget (€)") > 0.0);
    assert_eq!(sum("18-BOU", "Budget (€)"), 0.0);
    declared_renamed_and_left_out(&wb);
}

/// Year over year across a renamed key: a 2025.2 file (`nb_participants`) against its 2024.1
/// bilan (`nb_participants` too, `participants` between): the same T findings as the 2025.1
/// file against the same bilan with the shipped registry — no false T.
#[test]
fn year_over_year_follows_a_renamed_key() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "37-TOU", &on_2025_2());
    let previous = root().join("fixtures/bilans/2024/37-TOU.xlsx");
    let previous = previous.to_str().unwrap();
    let registry = root().join(REGISTRY);
    let t = |report: &Value| -> Vec<(String, String)> {
        report["files"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"].as_str().unwrap().starts_with('T'))
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let (_, now) = json_check(
        &[
            "37-TOU.xlsx",
            "--annee",
            "2025",
            "--precedent",
            previous,
            "--schemas",
            registry.to_str().unwrap(),
        ],
        dir.path(),
    );
    let reference = root().join("fixtures/bilans/2025/37-TOU.xlsx");
    let (_, then) = json_check(
        &[
            reference.to_str().unwrap(),
            "--annee",
            "2025",
            "--precedent",
            previous,
        ],
        dir.path(),
    );
    assert_eq!(t(&now), t(&then));
    assert!(
        !t(&then).is_empty(),
        "the fixture has T findings to compare"
    );
}

/// A file that does not say its version: detected from its sheets and headers (2024.1), S006
/// says so; one that names a version nobody published: the same, saying it; one that matches
/// nothing: the current version, S006, and the usual S findings.
#[test]
fn a_file_without_its_version_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = on_2024_1();
    set_field(&mut d, "Version du modèle", Value::Null);
    write(dir.path(), "sans", &d);
    set_field(&mut d, "Version du modèle", json!("2023.9"));
    write(dir.path(), "inconnu", &d);
    let stray = json!({"sheets": {"Feuil1": [["Nom", "Valeur"], ["a", 1]]}});
    write(dir.path(), "autre", &stray);
    let registry = root().join(REGISTRY);
    let (_, report) = json_check(
        &[
            ".",
            "--annee",
            "2025",
            "--schemas",
            registry.to_str().unwrap(),
        ],
        dir.path(),
    );
    let sans = file(&report, "sans.xlsx");
    assert_eq!(
        (&sans["modele"], &sans["modele_lu"]),
        (&json!("2024.1"), &json!("detecte"))
    );
    let (severity, message) = s006(sans).unwrap();
    assert_eq!(severity, "warning");
    assert!(
        message.starts_with(
            "le classeur n'indique pas la version du modèle : il a été lu avec le modèle 2024.1"
        ),
        "{message}"
    );
    assert!(!codes(sans).iter().any(|c| c == "S002" || c == "S003"));
    let inconnu = file(&report, "inconnu.xlsx");
    assert_eq!(inconnu["modele"], "2024.1");
    let (_, message) = s006(inconnu).unwrap();
    assert!(
        message.contains("indique le modèle « 2023.9 », que la Région n'a pas publié"),
        "{message}"
    );
    let autre = file(&report, "autre.xlsx");
    assert_eq!(
        (&autre["modele"], &autre["modele_lu"]),
        (&json!("2025.2"), &json!("detecte"))
    );
    assert!(s006(autre).is_some());
    assert!(codes(autre).iter().any(|c| c == "S001"));
}

/// A retired version: S006 error, exit 1. `--modele` forces a version on every file (the
/// 2024.1 file read as 2025.2 gets the S002/S003 its headers deserve).
#[test]
fn a_retired_version_and_a_forced_one() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "18-BOU", &on_2024_1());
    // The test registry, with 2024.1 retired.
    let copy = registry_copy(dir.path(), |rel, mut text| {
        if rel == Path::new("modeles.json") {
            text = text.replace(
                "\"version\": \"2024.1\",\n      \"statut\": \"acceptee\"",
                "\"version\": \"2024.1\",\n      \"statut\": \"retiree\"",
            );
            assert!(text.contains("retiree"));
        }
        text
    });
    let (code, report) = json_check(
        &[
            "18-BOU.xlsx",
            "--annee",
            "2025",
            "--schemas",
            copy.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(code, Some(1));
    let (severity, message) = s006(&report["files"][0]).unwrap();
    assert_eq!(severity, "error");
    assert!(message.contains("le classeur suit le modèle 2024.1, qui n'est plus accepté : reprenez vos données dans le modèle 2025.2"), "{message}");

    let registry = root().join(REGISTRY);
    let (_, forced) = json_check(
        &[
            "18-BOU.xlsx",
            "--annee",
            "2025",
            "--schemas",
            registry.to_str().unwrap(),
            "--modele",
            "2025.2",
        ],
        dir.path(),
    );
    let f = &forced["files"][0];
    assert_eq!(
        (&f["modele"], &f["modele_lu"]),
        (&json!("2025.2"), &json!("impose"))
    );
    let found = codes(f);
    assert!(found.contains(&"S001".to_string()), "{found:?}");
    assert!(found.contains(&"S002".to_string()), "{found:?}");
    let out = spro(&["check", "18-BOU.xlsx", "--modele", "1999.1"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("« 1999.1 » n'est pas dans le registre"));
}

/// The template of each version of the test registry, checked again with that registry: read
/// with its own version, no structure finding (no S001, S002, S003, S006, S007).
#[test]
fn templates_of_each_version_check_clean() {
    let dir = tempfile::tempdir().unwrap();
    let registry = root().join(REGISTRY);
    let registry = registry.to_str().unwrap();
    for (version, year, allowed) in [
        ("2024.1", "2024", None),
        ("2025.2", "2025", None),
        // Accepted, but for no year: the template says so.
        ("2025.1", "2025", Some("S006")),
    ] {
        let name = format!("t-{version}.xlsx");
        spro_ok(
            &[
                "template",
                "--annee",
                year,
                "--modele",
                version,
                "-o",
                &name,
                "--schemas",
                registry,
            ],
            dir.path(),
        );
        let (_, report) = json_check(&[&name, "--schemas", registry], dir.path());
        let f = &report["files"][0];
        assert_eq!(
            (&f["modele"], &f["modele_lu"]),
            (&json!(version), &json!("declare"))
        );
        let structure: Vec<String> = codes(f)
            .into_iter()
            .filter(|c| ["S001", "S002", "S003", "S006", "S007"].contains(&c.as_str()))
            .collect();
        assert_eq!(
            structure,
            allowed.into_iter().map(String::from).collect::<Vec<_>>(),
            "{version}"
        );
    }
}

/// The page says which version a file was checked with and, for an older one, what changed.
#[test]
fn the_page_says_the_version_and_what_changed() {
    let server = Server::start(&["--annee", "2025"]);
    let bytes = std::fs::read(root().join("fixtures/bilans/2024/36-CHX.xlsx")).unwrap();
    let page = reqwest::blocking::Client::new()
        .post(server.url("/verifier"))
        .multipart(reqwest::blocking::multipart::Form::new().part(
            "fichiers",
            reqwest::blocking::multipart::Part::bytes(bytes).file_name("36-CHX-2024.xlsx"),
        ))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        page.contains("Vérifié avec le modèle 2024.1 (indiqué dans le classeur)"),
        "{page}"
    );
    assert!(
        page.contains("Ce qui a changé du modèle 2024.1 au modèle 2025.1, celui de cette année")
    );
    assert!(
        page.contains(
            "<li>La feuille « Premier accueil » s&#x27;appelle désormais « Accueil »</li>"
        ) || page.contains(
            "<li>La feuille « Premier accueil » s&#39;appelle désormais « Accueil »</li>"
        ),
        "{page}"
    );
    let current = reqwest::blocking::Client::new()
        .post(server.url("/verifier"))
        .multipart(
            reqwest::blocking::multipart::Form::new().part(
                "fichiers",
                reqwest::blocking::multipart::Part::bytes(
                    std::fs::read(root().join("fixtures/bilans/2025/36-CHX.xlsx")).unwrap(),
                )
                .file_name("36-CHX.xlsx"),
            ),
        )
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(current.contains("Vérifié avec le modèle 2025.1"));
    assert!(!current.contains("Ce qui a changé"));
}

/// `spro publier` reads each file with its version too, and `--modele` forces one: the open
/// data of the three-version batch counts every network's participants (the same as the
/// shipped registry's reading of the same data); forced to 2025.2, the 2024.1 file is « à
/// corriger » and not counted.
#[test]
fn open_data_across_versions_and_forced() {
    let dir = tempfile::tempdir().unwrap();
    batch(dir.path());
    let registry = root().join(REGISTRY);
    let registry = registry.to_str().unwrap();
    let publish = |out: &str, extra: &[&str]| -> Vec<Vec<String>> {
        let mut args = vec![
            "publier",
            "18-BOU.xlsx",
            "36-CHX.xlsx",
            "37-TOU.xlsx",
            "--annee",
            "2025",
            "-q",
            "--schemas",
            registry,
            "-o",
            out,
            "--inclure-non-conformes",
        ];
        args.extend_from_slice(extra);
        let run = spro(&args, dir.path());
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        std::fs::read_to_string(dir.path().join(out).join("reseaux.csv"))
            .unwrap()
            .lines()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect()
    };
    let reseaux = publish("od", &[]);
    let col = |name: &str| reseaux[0].iter().position(|h| h == name).unwrap();
    let participants = |rows: &[Vec<String>], code: &str| -> String {
        rows.iter().find(|r| r[0] == code).unwrap()[col("participants")].clone()
    };
    // The shipped fixtures' figures (tests/consolidate.rs pins 36-CHX's 2,439).
    assert_eq!(participants(&reseaux, "36-CHX"), "2439");
    for code in ["18-BOU", "37-TOU"] {
        assert!(!participants(&reseaux, code).is_empty(), "{code}");
    }
    let forced = publish("od-force", &["--modele", "2025.2"]);
    let bou = forced.iter().find(|r| r[0] == "18-BOU").unwrap();
    assert_eq!(bou[col("statut")], "à corriger");
}

/// A declared sheet is checked by its schema like any sheet (V at its cell, S001 when the file
/// lacks it, S003 for a header it does not know); a version without a role: no S001 for it,
/// its rules do not run, and `spro modeles verifier` names them.
#[test]
fn declared_sheets_and_missing_roles() {
    let dir = tempfile::tempdir().unwrap();
    let registry = root().join(REGISTRY);
    let registry = registry.to_str().unwrap();
    let mut d = on_2025_2();
    d["sheets"]["Permanences"][2][2] = json!("souvent");
    d["sheets"]["Permanences"][0][3] = json!("Publics");
    write(dir.path(), "abimee", &d);
    let mut d = on_2025_2();
    d["sheets"].as_object_mut().unwrap().remove("Permanences");
    write(dir.path(), "sans-permanences", &d);
    let (_, report) = json_check(&[".", "--annee", "2025", "--schemas", registry], dir.path());
    let at = |f: &Value, code: &str| -> Vec<(String, String)> {
        f["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["code"] == code)
            .map(|x| {
                (
                    x["sheet"].as_str().unwrap_or_default().to_string(),
                    x["cell"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    };
    let abimee = file(&report, "abimee.xlsx");
    assert_eq!(
        at(abimee, "V002"),
        [("Permanences".to_string(), "C3".to_string())]
    );
    assert_eq!(
        at(abimee, "S003"),
        [("Permanences".to_string(), "D1".to_string())]
    );
    let sans = file(&report, "sans-permanences.xlsx");
    assert_eq!(
        at(sans, "S001"),
        [("Permanences".to_string(), String::new())]
    );

    // 2024.1 without its Professionnalisation sheet: the rules reading it do not run.
    let copy = registry_copy(dir.path(), |rel, mut text| {
        if rel == Path::new("modeles.json") {
            let mut index: Value = serde_json::from_str(&text).unwrap();
            let sheets = index["versions"][2]["feuilles"].as_array_mut().unwrap();
            sheets.retain(|f| f != "professionnalisation.json");
            text = index.to_string();
        }
        text
    });
    let out = spro(&["modeles", "verifier", copy.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("le modèle 2024.1 n'a pas de feuille de rôle « professionnalisation » : les règles C006, C016, T001 ne s'appliquent pas à ses fichiers"),
        "{said}"
    );
    let mut d = on_2024_1();
    rows(&mut d, "Professionnalisation").truncate(1);
    write(dir.path(), "bou", &d);
    let (_, report) = json_check(
        &[
            "bou.xlsx",
            "--annee",
            "2024",
            "--schemas",
            copy.to_str().unwrap(),
        ],
        dir.path(),
    );
    let found = codes(&report["files"][0]);
    // An empty Professionnalisation would be C016 where the role exists; here the sheet is
    // not the template's (S007, information) and nothing else is said of it.
    assert!(!found.contains(&"C016".to_string()), "{found:?}");
    assert!(!found.contains(&"S001".to_string()), "{found:?}");
    assert!(found.contains(&"S007".to_string()), "{found:?}");
    let (_, report) = json_check(&["bou.xlsx", "--annee", "2024"], dir.path());
    assert!(codes(&report["files"][0]).contains(&"C016".to_string()));
}

/// A figure one of the two years' versions cannot give: `—` in `Évolution` with a note, out of
/// the totals, and no T001 on it. Here a registry whose 2024.1 has no participants column.
#[test]
fn a_figure_a_version_cannot_give_is_a_dash() {
    let dir = tempfile::tempdir().unwrap();
    let copy = registry_copy(dir.path(), |rel, mut text| {
        if rel == Path::new("2024.1/actions.json") {
            let mut schema: Value = serde_json::from_str(&text).unwrap();
            schema["properties"]
                .as_object_mut()
                .unwrap()
                .remove("nb_participants");
            let required = schema["required"].as_array_mut().unwrap();
            required.retain(|k| k != "nb_participants");
            text = schema.to_string();
        }
        if rel == Path::new("2025.1/actions.json") {
            text = text.replace("\"x-anciennement\": \"nb_participants\",", "");
        }
        text
    });
    let mut before = on_2024_1();
    set_field(&mut before, "Année du bilan", json!(2024));
    drop_column(&mut before, "Actions", "Participants");
    std::fs::create_dir(dir.path().join("2024")).unwrap();
    write(&dir.path().join("2024"), "18-BOU", &before);
    write(dir.path(), "18-BOU", &source("18-BOU-2025"));
    let registry = copy.to_str().unwrap();
    let (_, report) = json_check(
        &[
            "18-BOU.xlsx",
            "--annee",
            "2025",
            "--precedent",
            "2024",
            "--schemas",
            registry,
        ],
        dir.path(),
    );
    let t001: Vec<String> = report["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "T001")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert!(!t001.iter().any(|m| m.contains("participants")), "{t001:?}");
    spro_ok(
        &[
            "consolidate",
            "18-BOU.xlsx",
            "--annee",
            "2025",
            "--precedent",
            "2024",
            "--schemas",
            registry,
            "-o",
            "r.xlsx",
            "-q",
            "--inclure-non-conformes",
        ],
        dir.path(),
    );
    let evolution = sheet(&dir.path().join("r.xlsx"), "Évolution");
    let header: Vec<String> = evolution[0].iter().map(s).collect();
    let col = |h: &str| header.iter().position(|x| x == h).unwrap();
    let bou = evolution.iter().find(|r| s(&r[0]) == "18-BOU").unwrap();
    assert_eq!(s(&bou[2]), "comparé");
    assert_eq!(s(&bou[col("Participants 2024")]), "—");
    assert!(!s(&bou[col("Participants 2025")]).is_empty());
    assert_eq!(s(&bou[col("Participants écart")]), "");
    // Out of the totals; the other figures compared as usual.
    let total = evolution.iter().find(|r| s(&r[0]) == "Région").unwrap();
    assert_eq!(s(&total[col("Participants 2025")]), "0");
    assert_ne!(s(&total[col("Actions 2025")]), "0");
    assert!(notes(&dir.path().join("r.xlsx")).contains("Ce bilan ne donne pas ce chiffre"));
}

/// The regional workbook of 2024 is laid out on 2024.1, which has no « dont hommes »: no such
/// row in `Indicateurs` (rather than a row of zeros), nor in the synthesis's chart; 2025's has.
#[test]
fn indicators_follow_the_layout_version() {
    let dir = tempfile::tempdir().unwrap();
    let labels = |year: &str| -> Vec<String> {
        let out = spro(
            &[
                "consolidate",
                root()
                    .join(format!("fixtures/bilans/{year}"))
                    .to_str()
                    .unwrap(),
                "--annee",
                year,
                "-q",
                "--inclure-non-conformes",
                "-o",
                &format!("r{year}.xlsx"),
            ],
            dir.path(),
        );
        assert!(out.status.code().is_some_and(|c| c <= 1));
        sheet(&dir.path().join(format!("r{year}.xlsx")), "Indicateurs")
            .iter()
            .filter_map(|r| r.first().map(s))
            .collect()
    };
    let (before, now) = (labels("2024"), labels("2025"));
    assert!(before.contains(&"dont femmes".to_string()), "{before:?}");
    assert!(!before.contains(&"dont hommes".to_string()), "{before:?}");
    assert!(now.contains(&"dont hommes".to_string()), "{now:?}");
    spro_ok(
        &[
            "synthese",
            root().join("fixtures/bilans/2024").to_str().unwrap(),
            "--annee",
            "2024",
            "--inclure-non-conformes",
            "-o",
            "s.pdf",
        ],
        dir.path(),
    );
    let text = std::process::Command::new("pdftotext")
        .args([dir.path().join("s.pdf").to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Participants aux actions par sexe"), "{text}");
    assert!(!text.contains("Hommes"), "{text}");
    assert!(!text.contains("Femmes et hommes tels que"), "{text}");
}
