//! The registry of template versions (docs/region/modeles.md): `spro modeles` (list, `diff` in three
//! forms, `verifier`), and a broken registry refused before any file is read, each problem at
//! its file, JSON pointer and line:column.

use std::path::Path;

use crate::common::*;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The shipped registry, listed, then what changed from 2024.1 to 2025.1 in the three forms.
#[test]
fn list_and_diff_of_the_shipped_registry() {
    let here = root();
    let out = spro(&["modeles"], &here);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("modeles_list", stdout(&out));
    for format in ["human", "markdown", "json"] {
        let out = spro(
            &["modeles", "diff", "2024.1", "2025.1", "--format", format],
            &here,
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        insta::assert_snapshot!(format!("modeles_diff_{format}"), stdout(&out));
    }
    let json: serde_json::Value = serde_json::from_slice(
        &spro(
            &["modeles", "diff", "2024.1", "2025.1", "--format", "json"],
            &here,
        )
        .stdout,
    )
    .unwrap();
    assert_eq!(json["de"], "2024.1");
    assert_eq!(json["vers"], "2025.1");
    let renamed = &json["changements"][2];
    assert_eq!(renamed["type"], "colonne-renommee");
    assert_eq!(renamed["cle"], "participants");
    assert_eq!(renamed["cle_avant"], "nb_participants");
    // In English too, and a version that is not there is said with the ones that are.
    let out = spro(
        &["modeles", "diff", "2024.1", "2025.1", "--lang", "en"],
        &here,
    );
    assert!(stdout(&out).contains("the sheet “Premier accueil” is now called “Accueil”"));
    let out = spro(&["modeles", "diff", "2023.1", "2025.1"], &here);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("« 2023.1 » n'est pas dans le registre (versions : 2025.1, 2024.1)"),
        "{}",
        stderr(&out)
    );
    let out = spro(&["modeles", "verifier"], &here);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// One broken copy of the shipped registry per problem: `spro modeles verifier` names the
/// file, the JSON pointer and the line:column, and draws the line; `check` refuses the same
/// registry with the same report before reading the file (exit 2, nothing written).
#[test]
fn broken_registries_say_where() {
    type Edit = fn(&str, String) -> String;
    let cases: [(&str, Edit, &str); 11] = [
        (
            "two current versions",
            |name, text| match name {
                "modeles.json" => text.replace("\"acceptee\"", "\"courante\""),
                _ => text,
            },
            "modeles.json#/versions/1/statut (21:17) : 2 versions sont « courante »",
        ),
        (
            "a status that is not one",
            |name, text| match name {
                "modeles.json" => text.replace("\"acceptee\"", "\"archivee\""),
                _ => text,
            },
            "modeles.json#/versions/1/statut (21:17) : la valeur doit être l'une de : « courante », « acceptee », « retiree »",
        ),
        (
            "a year served twice",
            |name, text| match name {
                "modeles.json" => text.replace("[2024]", "[2024, 2025]"),
                _ => text,
            },
            "modeles.json#/versions/1/annees/1 (22:24) : l'année 2025 est déjà servie par le modèle",
        ),
        (
            "a sheet file missing",
            |name, text| match name {
                "modeles.json" => text.replacen("\"actions.json\"", "\"action.json\"", 1),
                _ => text,
            },
            "modeles.json#/versions/0/feuilles/3 (13:9) : « 2025.1/action.json » est introuvable",
        ),
        (
            "a sheet that is not JSON",
            |name, text| match name {
                "2024.1/coordination.json" => text.replacen("\"type\": \"object\",", "\"type\": \"object\"", 1),
                _ => text,
            },
            "2024.1/coordination.json (10:3) : ce n'est pas un JSON valide (ligne 10, colonne 3)",
        ),
        (
            "a role twice",
            |name, text| match name {
                "2025.1/accueil.json" => text.replace("\"x-role\": \"accueil\"", "\"x-role\": \"actions\""),
                _ => text,
            },
            "2025.1/accueil.json#/x-role (8:13) : le rôle « actions » est déjà celui de 2025.1/actions.json",
        ),
        (
            "two columns with one header",
            |name, text| match name {
                "2025.1/professionnalisation.json" => text.replace("\"title\": \"Organisateur\"", "\"title\": \"Structure\""),
                _ => text,
            },
            "2025.1/professionnalisation.json#/properties/organisateur/title (22:16)",
        ),
        (
            "a former key that never was",
            |name, text| match name {
                "2025.1/actions.json" => text.replace("\"x-anciennement\": \"nb_participants\"", "\"x-anciennement\": \"participant\""),
                _ => text,
            },
            "2025.1/actions.json#/properties/participants/x-anciennement (107:25) : « participant » n'est",
        ),
        (
            "an x- key of the wrong kind",
            |name, text| match name {
                "2024.1/structures.json" => text.replacen("\"x-forme\": \"tableau\"", "\"x-forme\": \"grille\"", 1),
                _ => text,
            },
            "2024.1/structures.json#/x-forme (7:14)",
        ),
        (
            "a sheet named as the regional workbook's",
            |name, text| match name {
                "2025.1/coordination.json" => text.replace("\"x-feuille\": \"Coordination\"", "\"x-feuille\": \"Synthèse\""),
                _ => text,
            },
            "2025.1/coordination.json#/x-feuille (6:16) : « Synthèse » est le nom d'une feuille que spro écrit lui-même",
        ),
        (
            "a sheet name a spreadsheet refuses",
            |name, text| match name {
                "2025.1/coordination.json" => text.replace("\"x-feuille\": \"Coordination\"", "\"x-feuille\": \"Coordination/contacts\""),
                _ => text,
            },
            "2025.1/coordination.json#/x-feuille (6:16)",
        ),
    ];
    for (what, edit, expected) in cases {
        refused_where(what, edit, expected);
    }
}

/// A registry copy broken by `edit`: refused by `spro modeles verifier` and by `check` with
/// the report `expected` (file, pointer, line:column, message), the line drawn, nothing written.
fn refused_where(what: &str, edit: fn(&str, String) -> String, expected: &str) {
    let case = root().join("fixtures/bilans/2025/36-CHX.xlsx");
    let dir = tempfile::tempdir().unwrap();
    schemas_copy(dir.path(), edit);
    let out = spro(&["modeles", "verifier", "schemas"], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    // miette folds a long message: its lines joined again.
    let flat = err.replace("\n  │ ", " ");
    assert!(flat.contains(expected), "{what}: {err}");
    assert!(
        err.contains("n'est pas valide (1 problème)"),
        "{what}: {err}"
    );
    // Drawn: the line of the file, with its number.
    assert!(err.contains(" │ "), "{what}: {err}");
    let report = dir.path().join("rapport.json");
    let out = spro(
        &[
            "check",
            case.to_str().unwrap(),
            "--schemas",
            "schemas",
            "--format",
            "json",
            "-o",
            "rapport.json",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{what}");
    let flat = stderr(&out).replace("\n  │ ", " ");
    assert!(flat.contains(expected), "{what}: {flat}");
    assert!(!report.exists(), "{what}: nothing written");
}

/// A folder without `modeles.json` is refused, saying what is missing; a registry given to
/// `template` and `consolidate` is read the same way.
#[test]
fn a_folder_without_its_index_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = schemas_copy(dir.path(), |_, text| text);
    std::fs::remove_file(schemas.join("modeles.json")).unwrap();
    for args in [
        vec!["modeles", "verifier", "schemas"],
        vec![
            "template",
            "--annee",
            "2025",
            "--schemas",
            "schemas",
            "-o",
            "modele.xlsx",
        ],
        vec![
            "consolidate",
            "x.xlsx",
            "--annee",
            "2025",
            "--schemas",
            "schemas",
            "-o",
            "r.xlsx",
        ],
    ] {
        let out = spro(&args, dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("modeles.json : le fichier manque ou ne peut pas être lu")
                && err.contains("à sa racine, qui liste les versions"),
            "{args:?}: {err}"
        );
    }
    assert!(!Path::new(&dir.path().join("modele.xlsx")).exists());
    // The same from spro.toml's `schemas`, relative to the file.
    std::fs::create_dir(dir.path().join("conf")).unwrap();
    std::fs::write(
        dir.path().join("conf/spro.toml"),
        "schemas = \"../schemas\"\n",
    )
    .unwrap();
    let case = root().join("fixtures/bilans/2025/36-CHX.xlsx");
    let out = spro(
        &[
            "check",
            case.to_str().unwrap(),
            "--config",
            "conf/spro.toml",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("modeles.json : le fichier manque"),
        "{}",
        stderr(&out)
    );
    // The same registry, whole again: the template of its current version.
    let dir = tempfile::tempdir().unwrap();
    schemas_copy(dir.path(), |_, text| text);
    let out = spro(
        &[
            "template",
            "--annee",
            "2025",
            "--schemas",
            "schemas",
            "-o",
            "modele.xlsx",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let again = spro(&["check", "modele.xlsx", "--format", "json"], dir.path());
    assert!(stdout(&again).contains("\"files\""));
}

/// `spro template`: the version serving `--annee` by default, another with `--modele`; the
/// Instructions say what changed since the version before, and `Version du modèle` is filled.
#[test]
fn templates_of_each_version() {
    let dir = tempfile::tempdir().unwrap();
    let text = |rows: &[Vec<calamine::Data>]| -> Vec<String> {
        rows.iter()
            .flat_map(|r| r.iter().map(|c| c.to_string()))
            .filter(|c| !c.is_empty())
            .collect()
    };
    let make = |args: &[&str], name: &str| {
        let mut all = vec!["template", "-o", name];
        all.extend_from_slice(args);
        let out = spro(&all, dir.path());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        dir.path().join(name)
    };
    let current = make(&["--annee", "2025"], "t2025.xlsx");
    let instructions = text(&sheet(&current, "Instructions"));
    let at = instructions
        .iter()
        .position(|l| l == "Ce qui change par rapport au modèle 2024.1")
        .expect("the changes since 2024.1");
    assert_eq!(
        instructions[at + 1..at + 5],
        [
            // A key renamed under the same header changes nothing a coordinator sees: not said.
            "• Actions : la colonne « Libellé » s'appelle désormais « Intitulé »",
            "• Actions : la colonne « Type d'action » accepte aussi « Webinaire »",
            "• Actions : la colonne « dont hommes » est ajoutée (facultative)",
            "• La feuille « Premier accueil » s'appelle désormais « Accueil »",
        ]
    );
    assert!(instructions[at + 5].starts_with("Note de la Région : À retourner"));
    assert!(text(&sheet(&current, "Identification")).contains(&"2025.1".to_string()));
    // 2024.1: its own sheet names and headers, its version, nothing before it.
    for old in [
        make(
            &["--annee", "2025", "--modele", "2024.1"],
            "t2024-force.xlsx",
        ),
        make(&["--annee", "2024"], "t2024.xlsx"),
    ] {
        let actions = text(&sheet(&old, "Actions"));
        assert!(actions.contains(&"Libellé".to_string()), "{actions:?}");
        assert!(!actions.contains(&"dont hommes".to_string()), "{actions:?}");
        assert!(!sheet(&old, "Premier accueil").is_empty());
        assert!(text(&sheet(&old, "Identification")).contains(&"2024.1".to_string()));
        assert!(!text(&sheet(&old, "Instructions"))
            .iter()
            .any(|l| l.starts_with("Ce qui change")));
    }
    let out = spro(
        &[
            "template", "--annee", "2025", "--modele", "2019.1", "-o", "x.xlsx",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("versions : 2025.1, 2024.1"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("x.xlsx").exists());
}
