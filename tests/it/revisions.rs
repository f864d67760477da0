//! Revisions of the template as the Région makes them (docs/region/modeles.md, what
//! the verifier promises): each a registry of its own, files typed on it, then `spro modeles verifier`,
//! `check`, `consolidate` and `publier`. What the verifier accepts is read as JSON Schema means
//! it; what cannot be honoured is refused by name, at its file and JSON pointer.

use std::path::{Path, PathBuf};

use crate::common::edit::*;
use crate::common::*;
use serde_json::{json, Value};

/// Edits the schema of `rel` in a registry copy: `edit` gets the parsed schema.
fn edit_schema(text: String, edit: impl Fn(&mut Value)) -> String {
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    edit(&mut schema);
    serde_json::to_string_pretty(&schema).unwrap()
}

/// The shipped registry with 2025.1's `actions.json` passed through `edit`.
fn shipped_with_actions(dir: &Path, edit: impl Fn(&mut Value)) -> PathBuf {
    schemas_copy(dir, |rel, text| {
        if rel == "2025.1/actions.json" {
            edit_schema(text, &edit)
        } else {
            text
        }
    })
}

/// `spro modeles verifier DIR`: its exit code and what it said.
fn verifier(registry: &Path) -> (Option<i32>, String) {
    let out = spro(
        &["modeles", "verifier", registry.to_str().unwrap()],
        registry.parent().unwrap(),
    );
    (out.status.code(), unwrapped(&out.stderr))
}

/// What a command said, its report's wrapped lines joined (miette draws at 100 columns).
fn unwrapped(said: &[u8]) -> String {
    String::from_utf8_lossy(said)
        .lines()
        .map(|l| l.trim().trim_start_matches(['│', '×']).trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The (cell, code) of a file's findings on sheet `name`.
fn cells(file: &Value, name: &str) -> Vec<(String, String)> {
    file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["sheet"] == name)
        .map(|f| {
            (
                f["cell"].as_str().unwrap_or_default().to_string(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The message of the finding at `cell` of sheet `name`.
fn message_at<'a>(file: &'a Value, name: &str, cell: &str) -> &'a str {
    file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["sheet"] == name && f["cell"] == cell)
        .and_then(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("no finding at {name}!{cell}"))
}

/// The columns a revision adds to Actions, one per type and keyword, each with seven values
/// as coordinators type them (one per action of 36-CHX).
fn matrix_columns() -> Vec<(&'static str, &'static str, Value, [Value; 7])> {
    vec![
        (
            "budget",
            "Budget (€)",
            json!({"type": "number", "minimum": 0}),
            [
                json!("1 200,50"),
                json!("0,75"),
                json!(1200.5),
                json!("abc"),
                json!(-5),
                Value::Null,
                json!("1.200,50"),
            ],
        ),
        (
            "taux",
            "Taux de satisfaction",
            json!({"type": ["number", "null"], "maximum": 1}),
            [
                json!(0.5),
                json!("0,75"),
                Value::Null,
                json!(1.5),
                json!("x"),
                Value::Null,
                Value::Null,
            ],
        ),
        (
            "code_interne",
            "Code interne",
            json!({"type": "string", "minLength": 2, "maxLength": 5}),
            [
                json!("ABC"),
                json!("ABCDEFG"),
                json!("A"),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ],
        ),
        (
            "lot",
            "Lot",
            json!({"type": "integer", "multipleOf": 5}),
            [
                json!(10),
                json!(7),
                json!("15"),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ],
        ),
        (
            "seances",
            "Séances",
            json!({"type": ["integer", "null"]}),
            [
                json!(3),
                json!("trois"),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ],
        ),
        (
            "nature",
            "Nature",
            json!({"type": "string", "const": "SPRO-EP"}),
            [
                json!("SPRO-EP"),
                json!("spro-ep"),
                json!("Autre"),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ],
        ),
        (
            "niveau",
            "Niveau",
            json!({"type": "integer", "enum": [1, 2, 3]}),
            [
                json!(1),
                json!(4),
                json!("2"),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ],
        ),
    ]
}

/// Types × keywords × typed values, through a registry, a template and `spro check`: each
/// value read the tolerant way, each keyword enforced at its cell with a finding saying what is
/// expected; then consolidated (the numbers as numbers) and published (frictionless).
#[test]
fn types_and_keywords_are_read_as_json_schema_means_them() {
    let dir = tempfile::tempdir().unwrap();
    let registry = shipped_with_actions(dir.path(), |schema| {
        for (key, title, keywords, _) in matrix_columns() {
            let mut p = keywords.clone();
            p["title"] = json!(title);
            schema["properties"][key] = p;
        }
    });
    assert_eq!(verifier(&registry).0, Some(0));
    let registry = registry.to_str().unwrap();
    let mut d = source("36-CHX-2025");
    for (_, title, _, values) in matrix_columns() {
        add_column(&mut d, "Actions", "Identifiant", title, &values);
    }
    write(dir.path(), "36-CHX", &d);
    let (_, report) = json_check(&["36-CHX.xlsx", "--schemas", registry], dir.path());
    let chx = file(&report, "36-CHX.xlsx");
    let mut found: Vec<(String, String)> = cells(chx, "Actions")
        .into_iter()
        .filter(|(cell, _)| cell.as_str() >= "Q")
        .collect();
    found.sort();
    let expected: Vec<(String, String)> = [
        ("Q5", "V002"),
        ("Q6", "V005"),
        ("Q8", "V002"),
        ("R5", "V005"),
        ("R6", "V002"),
        ("S3", "V005"),
        ("S4", "V005"),
        ("T3", "V005"),
        ("U3", "V002"),
        ("V4", "V003"),
        ("W3", "V003"),
    ]
    .iter()
    .map(|(c, k)| (c.to_string(), k.to_string()))
    .collect();
    assert_eq!(found, expected, "{chx:#}");
    for (cell, said) in [
        ("Q5", "« abc » n'est pas un nombre"),
        ("Q6", "-5 est inférieur au minimum permis (0)"),
        ("R5", "1,5 est supérieur au maximum permis (1)"),
        ("S3", "en permet au plus 5"),
        ("S4", "en demande au moins 2"),
        ("T3", "7 n'est pas un multiple de 5"),
        ("U3", "« trois » n'est pas un nombre entier"),
        ("V4", "vaut toujours « SPRO-EP »"),
        ("W3", "« 4 » n'est pas une valeur permise pour « Niveau ». Choisissez l'une des valeurs permises : « 1 », « 2 », « 3 »"),
    ] {
        let message = message_at(chx, "Actions", cell);
        assert!(message.contains(said), "{cell}: {message}");
    }

    // The template of the revision: its own lists and checks, and clean when checked again.
    spro_ok(
        &[
            "template",
            "--annee",
            "2025",
            "--schemas",
            registry,
            "-o",
            "modele.xlsx",
        ],
        dir.path(),
    );
    let (_, report) = json_check(&["modele.xlsx", "--schemas", registry], dir.path());
    let template_codes = codes(&report["files"][0]);
    assert!(
        !template_codes
            .iter()
            .any(|c| ["S002", "S003", "S006"].contains(&c.as_str())),
        "{template_codes:?}"
    );

    // Consolidated: the decimals are numbers in the regional workbook.
    spro_ok(
        &[
            "consolidate",
            "36-CHX.xlsx",
            "--annee",
            "2025",
            "--schemas",
            registry,
            "--inclure-non-conformes",
            "-o",
            "r.xlsx",
            "-q",
        ],
        dir.path(),
    );
    let actions = sheet(&dir.path().join("r.xlsx"), "Actions");
    let budget = actions[0]
        .iter()
        .position(|h| s(h) == "Budget (€)")
        .unwrap();
    let budgets: Vec<String> = actions[1..4].iter().map(|r| s(&r[budget])).collect();
    assert_eq!(budgets, ["1200.5", "0.75", "1200.5"]);

    // Published: frictionless accepts the package.
    spro_ok(
        &[
            "publier",
            "36-CHX.xlsx",
            "--annee",
            "2025",
            "--schemas",
            registry,
            "--inclure-non-conformes",
            "-o",
            "ouvertes",
        ],
        dir.path(),
    );
    frictionless_validates(&dir.path().join("ouvertes"));
}

/// What the reader cannot honour is refused by `spro modeles verifier`, by name, at its file
/// and JSON pointer: never accepted and then ignored.
#[test]
fn the_verifier_refuses_what_cannot_be_read_as_meant() {
    type Edit = fn(&mut Value);
    let cases: [(&str, Edit, &str, &str); 9] = [
        (
            "a keyword spro does not read",
            |s| s["properties"]["intitule"]["allOf"] = json!([{"minLength": 3}]),
            "#/properties/intitule",
            "spro ne lit pas le mot-clé allOf",
        ),
        (
            "a keyword of another type",
            |s| s["properties"]["participants"]["maxLength"] = json!(5),
            "#/properties/participants/maxLength",
            "« maxLength » ne s'applique qu'à une colonne de type « string »",
        ),
        (
            "a count re-typed as text",
            |s| s["properties"]["femmes"] = json!({"title": "dont femmes", "type": "string"}),
            "#/properties/femmes/type",
            "clé « femmes »",
        ),
        (
            "a typo in required",
            |s| s["required"].as_array_mut().unwrap().push(json!("femme")),
            "#/required/",
            "vouliez-vous dire « femmes » ?",
        ),
        (
            "a list value a rule reads, reworded",
            |s| {
                let axes = s["properties"]["axe"]["enum"].as_array_mut().unwrap();
                for a in axes.iter_mut() {
                    if a == "Promotion du CEP" {
                        *a = json!("Promouvoir le CEP");
                    }
                }
            },
            "#/properties/axe/enum",
            "la règle C012 la cherche mot pour mot",
        ),
        (
            "a list value of another type",
            |s| s["properties"]["participants"]["enum"] = json!(["un", 2]),
            "#/properties/participants/enum/0",
            "n'est pas du type de la colonne",
        ),
        (
            "two types",
            |s| s["properties"]["participants"]["type"] = json!(["integer", "string"]),
            "#/properties/participants/type",
            "une colonne a un seul type",
        ),
        (
            "a format spro does not read",
            |s| s["properties"]["intitule"]["format"] = json!("uuid"),
            "#/properties/intitule/format",
            "la valeur doit être l'une de",
        ),
        (
            "a type JSON Schema does not have",
            |s| s["properties"]["participants"]["type"] = json!("entier"),
            "#/properties/participants/type",
            "le type d'une colonne est « string », « integer », « number »",
        ),
    ];
    for (what, edit, pointer, said) in cases {
        let dir = tempfile::tempdir().unwrap();
        let registry = shipped_with_actions(dir.path(), edit);
        let (code, text) = verifier(&registry);
        assert_eq!(code, Some(2), "{what}: {text}");
        assert!(
            text.contains(&format!("2025.1/actions.json{pointer}")),
            "{what}: {text}"
        );
        assert!(text.contains(said), "{what}: {text}");
        // The other commands refuse it the same way, before reading any file.
        let out = spro(
            &["check", "x.xlsx", "--schemas", registry.to_str().unwrap()],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(2), "{what}");
        assert!(unwrapped(&out.stderr).contains(said), "{what}");
    }
}

/// docs/region/modeles.md, step 1, as written: the current version's folder copied, the
/// registry told. The `x-anciennement` copied with it is named, to be removed; once removed,
/// the registry is accepted.
#[test]
fn the_readme_step_one_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let registry = schemas_copy(dir.path(), |_, text| text);
    let status = std::process::Command::new("cp")
        .args(["-r", "schemas/2025.1", "schemas/2026.1"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let index = registry.join("modeles.json");
    let mut modeles: Value =
        serde_json::from_str(&std::fs::read_to_string(&index).unwrap()).unwrap();
    let versions = modeles["versions"].as_array_mut().unwrap();
    let mut new = versions[0].clone();
    versions[0]["statut"] = json!("acceptee");
    new["version"] = json!("2026.1");
    new["dossier"] = json!("2026.1");
    new["annees"] = json!([2026]);
    versions.insert(0, new);
    std::fs::write(&index, serde_json::to_string_pretty(&modeles).unwrap()).unwrap();
    let (code, said) = verifier(&registry);
    assert_eq!(code, Some(2), "{said}");
    assert!(
        said.contains("2026.1/actions.json#/properties/participants/x-anciennement"),
        "{said}"
    );
    assert!(
        said.contains("vient de la copie d'une version plus ancienne, retirez-le"),
        "{said}"
    );
    let guide = std::fs::read_to_string(root().join("docs/region/modeles.md")).unwrap();
    assert!(
        guide.contains("retirez les « x-anciennement »"),
        "the guide's step 1"
    );
    let actions = registry.join("2026.1/actions.json");
    let text = std::fs::read_to_string(&actions).unwrap();
    std::fs::write(
        &actions,
        edit_schema(text, |s| {
            for p in s["properties"].as_object_mut().unwrap().values_mut() {
                p.as_object_mut().unwrap().remove("x-anciennement");
            }
        }),
    )
    .unwrap();
    let (code, said) = verifier(&registry);
    assert_eq!(code, Some(0), "{said}");
}

/// A value an accepted version's files still use, removed from the current list: counted in
/// `Indicateurs` (a row of its own, by type as by département) and declared in the open data's
/// constraints (frictionless accepts the package).
#[test]
fn a_value_removed_from_a_list_is_still_counted() {
    let dir = tempfile::tempdir().unwrap();
    let registry = registry_copy(dir.path(), |rel, text| {
        if rel == Path::new("2025.2/actions.json") {
            edit_schema(text, |s| {
                let types = s["properties"]["type"]["enum"].as_array_mut().unwrap();
                types.retain(|t| t != "Salon");
            })
        } else {
            text
        }
    });
    assert_eq!(verifier(&registry).0, Some(0));
    let registry = registry.to_str().unwrap();
    write(dir.path(), "36-CHX", &source("36-CHX-2025"));
    let args = |out: &'static str| -> Vec<&str> {
        vec![
            "36-CHX.xlsx",
            "--annee",
            "2025",
            "--schemas",
            registry,
            "--inclure-non-conformes",
            "-o",
            out,
        ]
    };
    let mut consolidate = vec!["consolidate", "-q"];
    consolidate.extend(args("r.xlsx"));
    spro_ok(&consolidate, dir.path());
    let indicateurs = sheet(&dir.path().join("r.xlsx"), "Indicateurs");
    let total_col = indicateurs
        .iter()
        .find_map(|r| r.iter().position(|c| s(c) == "Région"))
        .unwrap();
    let salon = indicateurs
        .iter()
        .find(|r| s(&r[0]) == "Salon")
        .expect("a row « Salon »");
    assert_eq!(s(&salon[total_col]), "1");
    // By type as by département: the seven actions.
    let block = |title: &str| -> f64 {
        let start = indicateurs.iter().position(|r| s(&r[0]) == title).unwrap();
        indicateurs[start + 1..]
            .iter()
            .take_while(|r| !s(&r[0]).is_empty())
            .map(|r| s(&r[total_col]).parse::<f64>().unwrap_or(0.0))
            .sum()
    };
    assert_eq!(block("Actions par type"), 7.0);

    let mut publier = vec!["publier"];
    publier.extend(args("ouvertes"));
    spro_ok(&publier, dir.path());
    let package = dir.path().join("ouvertes");
    frictionless_validates(&package);
    let descriptor: Value =
        serde_json::from_str(&std::fs::read_to_string(package.join("datapackage.json")).unwrap())
            .unwrap();
    let actions = descriptor["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "actions")
        .unwrap();
    let field = actions["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "type")
        .unwrap();
    assert!(field["constraints"]["enum"]
        .as_array()
        .unwrap()
        .contains(&json!("Salon")));
}

/// A declared sheet's key renamed with `x-anciennement` is followed like a role's: accepted by
/// the verifier, and a file of the version before consolidated under the new key.
#[test]
fn a_declared_sheets_key_follows_its_renames() {
    let dir = tempfile::tempdir().unwrap();
    let permanences =
        std::fs::read_to_string(root().join("fixtures/modeles/2025.2/permanences.json")).unwrap();
    let registry = registry_copy(dir.path(), |rel, text| {
        if rel == Path::new("2025.2/permanences.json") {
            edit_schema(text, |s| {
                s["properties"]["jours"]["x-anciennement"] = json!("jours_ouverts");
            })
        } else if rel == Path::new("modeles.json") {
            let mut index: Value = serde_json::from_str(&text).unwrap();
            index["versions"][1]["feuilles"]
                .as_array_mut()
                .unwrap()
                .push(json!("permanences.json"));
            index.to_string()
        } else {
            text
        }
    });
    std::fs::write(
        registry.join("2025.1/permanences.json"),
        permanences.replace("\"jours\"", "\"jours_ouverts\""),
    )
    .unwrap();
    let (code, said) = verifier(&registry);
    assert_eq!(code, Some(0), "{said}");
    let mut d = source("36-CHX-2025");
    d["sheets"]["Permanences"] = json!([
        ["Structure", "Commune", "Jours de permanence", "Public"],
        ["Mission Locale de Châteauroux", "Issoudun", 24, "Jeunes"]
    ]);
    write(dir.path(), "36-CHX", &d);
    spro_ok(
        &[
            "consolidate",
            "36-CHX.xlsx",
            "--annee",
            "2025",
            "--schemas",
            registry.to_str().unwrap(),
            "--inclure-non-conformes",
            "-o",
            "r.xlsx",
            "-q",
        ],
        dir.path(),
    );
    let rows = sheet(&dir.path().join("r.xlsx"), "Permanences");
    let col = rows[0]
        .iter()
        .position(|h| s(h) == "Jours de permanence")
        .unwrap();
    assert_eq!(s(&rows[1][col]), "24");
}

/// A version without Professionnalisation: « Professionnels formés » is « — » for its networks
/// in `Synthèse`, out of the totals of `Indicateurs` with a note naming them, and in the
/// synthesis — never 0.
#[test]
fn a_figure_a_version_cannot_give_is_a_dash_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let registry = registry_copy(dir.path(), |rel, text| {
        if rel == Path::new("modeles.json") {
            let mut index: Value = serde_json::from_str(&text).unwrap();
            let sheets = index["versions"][1]["feuilles"].as_array_mut().unwrap();
            sheets.retain(|f| f != "professionnalisation.json");
            index.to_string()
        } else {
            text
        }
    });
    let registry = registry.to_str().unwrap();
    let mut chx = source("36-CHX-2025");
    chx["sheets"]
        .as_object_mut()
        .unwrap()
        .remove("Professionnalisation");
    write(dir.path(), "36-CHX", &chx);
    write(dir.path(), "37-TOU", &on_2025_2());
    spro_ok(
        &[
            "consolidate",
            ".",
            "--annee",
            "2025",
            "--schemas",
            registry,
            "--inclure-non-conformes",
            "-o",
            "r.xlsx",
            "-q",
        ],
        dir.path(),
    );
    let workbook = dir.path().join("r.xlsx");
    let synthese = sheet(&workbook, "Synthèse");
    let header = synthese
        .iter()
        .find(|r| r.iter().any(|c| s(c) == "Code réseau"))
        .unwrap();
    let col = header
        .iter()
        .position(|h| s(h) == "Professionnels formés")
        .unwrap();
    let line = |code: &str| synthese.iter().find(|r| s(&r[0]) == code).unwrap().clone();
    assert_eq!(s(&line("36-CHX")[col]), "—");
    assert_ne!(s(&line("37-TOU")[col]), "—");
    let indicateurs = sheet(&workbook, "Indicateurs");
    let trained = indicateurs
        .iter()
        .find(|r| s(&r[0]) == "Professionnels formés")
        .unwrap();
    let indre = indicateurs
        .iter()
        .find_map(|r| r.iter().position(|c| s(c) == "Indre (36)"))
        .unwrap();
    assert_eq!(s(&trained[indre]), "—");
    let all_notes = notes(&workbook);
    assert!(all_notes.contains("36-CHX"), "{all_notes}");
}

/// A file of the current version that kept a renamed sheet's former name (listed in
/// `x-anciens-noms`): read, with an S006 warning giving the current name; no S001, no S007.
#[test]
fn a_sheet_under_its_former_name_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = source("36-CHX-2025");
    rename_sheet(&mut d, "Accueil", "Premier accueil");
    write(dir.path(), "36-CHX", &d);
    let (code, report) = json_check(&["36-CHX.xlsx"], dir.path());
    let chx = file(&report, "36-CHX.xlsx");
    let found = codes(chx);
    assert!(!found.contains(&"S001".to_string()), "{found:?}");
    assert!(!found.contains(&"S007".to_string()), "{found:?}");
    let s006: Vec<&Value> = chx["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "S006")
        .collect();
    assert_eq!(s006.len(), 1, "{s006:?}");
    assert_eq!(s006[0]["severity"], "warning");
    let message = s006[0]["message"].as_str().unwrap();
    assert!(
        message.contains("« Premier accueil »")
            && message.contains("renommez l'onglet « Accueil »"),
        "{message}"
    );
    // Its rows are read: the first receptions are counted as under the current name.
    let (_, as_sent) = {
        write(dir.path(), "reference", &source("36-CHX-2025"));
        json_check(&["reference.xlsx"], dir.path())
    };
    assert_eq!(code, Some(0));
    let reference = file(&as_sent, "reference.xlsx");
    let without =
        |f: &Value| -> Vec<String> { codes(f).into_iter().filter(|c| c != "S006").collect() };
    assert_eq!(without(chx), without(reference));
}

/// « Version du modèle » typed in a cell as a number (a spreadsheet stores `2025.1` as one):
/// read as its text, the version stated.
#[test]
fn a_version_typed_as_a_number_is_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = source("36-CHX-2025");
    set_field(&mut d, "Version du modèle", json!(2025.1));
    write(dir.path(), "36-CHX", &d);
    let (_, report) = json_check(&["36-CHX.xlsx"], dir.path());
    let chx = file(&report, "36-CHX.xlsx");
    assert_eq!(chx["modele"], "2025.1");
    assert_eq!(chx["modele_lu"], "declare");
    assert!(!codes(chx).contains(&"S006".to_string()), "{chx:#}");
}

/// A network whose bilan is sent twice, under two names, with `--inclure-non-conformes`:
/// counted once in `Indicateurs`, `departements.csv`, `reseaux.csv` and `actions.csv`, whatever
/// the names.
#[test]
fn a_network_sent_twice_is_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["37-TOU", "37-TOU-bis", "36-CHX"] {
        let base = if name == "36-CHX" {
            "36-CHX-2025"
        } else {
            "37-TOU-2025"
        };
        write(dir.path(), name, &source(base));
    }
    let alone = tempfile::tempdir().unwrap();
    for name in ["37-TOU", "36-CHX"] {
        write(alone.path(), name, &source(&format!("{name}-2025")));
    }
    let consolidate = |dir: &Path| {
        spro(
            &[
                "consolidate",
                ".",
                "--annee",
                "2025",
                "--inclure-non-conformes",
                "-o",
                "r.xlsx",
                "-q",
                "--publier",
                "ouvertes",
            ],
            dir,
        );
    };
    consolidate(dir.path());
    consolidate(alone.path());
    let members = |dir: &Path| -> Vec<String> {
        let rows = sheet(&dir.join("r.xlsx"), "Indicateurs");
        let line = rows
            .iter()
            .find(|r| s(&r[0]) == "Structures membres")
            .unwrap();
        line.iter().map(s).collect()
    };
    assert_eq!(members(dir.path()), members(alone.path()));
    for csv in ["departements.csv", "actions.csv", "premier-accueil.csv"] {
        let twice = std::fs::read(dir.path().join("ouvertes").join(csv)).unwrap();
        let once = std::fs::read(alone.path().join("ouvertes").join(csv)).unwrap();
        assert_eq!(twice, once, "{csv}");
    }
    let networks = csv_rows(&dir.path().join("ouvertes/reseaux.csv"));
    let tou = networks
        .iter()
        .find(|r| r["code_reseau"] == "37-TOU")
        .unwrap();
    assert_eq!(tou["statut"], "à corriger");
    assert!(!tou["structures_membres"].is_empty(), "{tou:?}");
    frictionless_validates(&dir.path().join("ouvertes"));
}

/// `spro publier` on the same files under other names, sorting otherwise: the same bytes.
#[test]
fn open_data_does_not_depend_on_file_names() {
    let fixtures = root().join("fixtures/bilans/2025");
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut names: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let count = names.len();
    for (i, path) in names.iter().enumerate() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let ext = path.extension().unwrap().to_string_lossy().into_owned();
        std::fs::copy(path, a.path().join(&name)).unwrap();
        // Renamed so that the order is reversed.
        std::fs::copy(path, b.path().join(format!("{}-bilan.{ext}", count - i))).unwrap();
    }
    for dir in [&a, &b] {
        spro_ok(
            &["publier", ".", "--annee", "2025", "-o", "ouvertes"],
            dir.path(),
        );
    }
    for csv in [
        "actions.csv",
        "premier-accueil.csv",
        "reseaux.csv",
        "departements.csv",
        "datapackage.json",
    ] {
        let one = std::fs::read(a.path().join("ouvertes").join(csv)).unwrap();
        let other = std::fs::read(b.path().join("ouvertes").join(csv)).unwrap();
        assert!(one == other, "{csv} differs with other file names");
    }
}
