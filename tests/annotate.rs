//! `spro check --annote DIR`: annotated copies read back (values with calamine; fills, notes
//! and links from the XML), names that never collide, and LibreOffice opening them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::*;

fn annote(inputs: &[&Path], dir: &Path) -> Vec<PathBuf> {
    let out = dir.join("annotes");
    let o = Command::new(env!("CARGO_BIN_EXE_spro"))
        .arg("check")
        .args(inputs)
        .arg("--annote")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        o.status.code().unwrap() <= 1,
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn each_finding_is_marked_at_its_cell_with_a_note_and_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let input = root().join("fixtures/cas/C005-logo-manquant.xlsx");
    let files = annote(&[&input], dir.path());
    assert_eq!(files.len(), 1);
    let out = &files[0];
    assert_eq!(out.file_name().unwrap(), "C005-logo-manquant.annote.xlsx");
    let mut wb: Xlsx<_> = open_workbook(out).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Anomalies",
            "Identification",
            "Structures",
            "Coordination",
            "Actions",
            "Accueil",
            "Professionnalisation"
        ]
    );
    // The Anomalies sheet: a status line, then one row per finding.
    let anomalies = wb.worksheet_range("Anomalies").unwrap();
    let rows: Vec<Vec<String>> = anomalies
        .rows()
        .map(|r| r.iter().map(|d| d.to_string()).collect())
        .collect();
    assert!(
        rows[1][0].starts_with("Statut : non conforme — 3 erreur(s)"),
        "{:?}",
        rows[1]
    );
    let listed: Vec<(String, String)> = rows[4..]
        .iter()
        .map(|r| (r[1].clone(), r[4].clone()))
        .collect();
    assert_eq!(
        listed,
        [
            ("C005".into(), "P3".into()),
            ("C005".into(), "O5".into()),
            ("C005".into(), "P5".into())
        ]
    );
    let links = sheet_part(out, "Anomalies");
    assert!(links.contains("location=\"'Actions'!P3\""), "{links}");
    // Each faulty cell: red fill and a note with the code, the message and the fix.
    for cell in ["P3", "O5", "P5"] {
        assert_eq!(
            fill_of(out, "Actions", cell).as_deref(),
            Some("FFFF9999"),
            "{cell}"
        );
    }
    assert_eq!(fill_of(out, "Actions", "O3"), None);
    let all_notes = notes(out);
    assert!(all_notes.contains("C005 logo-manquant (erreur)"));
    assert!(all_notes.contains("Comment corriger"));
    // Values are copied with their types, never as formulas.
    let actions = wb.worksheet_range("Actions").unwrap();
    assert!(matches!(actions.get_value((1, 4)), Some(Data::DateTime(_))));
    assert_eq!(actions.get_value((1, 10)), Some(&Data::Float(1250.0)));
    assert_eq!(
        actions.get_value((1, 0)),
        Some(&Data::String("CHX-01".into()))
    );
    assert!(wb
        .worksheet_formula("Actions")
        .unwrap()
        .used_cells()
        .next()
        .is_none());
    // The header row is frozen.
    assert!(sheet_part(out, "Actions").contains("<pane ySplit=\"1\""));
}

#[test]
fn clean_files_say_so_and_missing_cells_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let clean = root().join("fixtures/bilans/2025/37-TOU.xlsx");
    let missing = root().join("fixtures/cas/S001-feuille-manquante.xlsx");
    let files = annote(&[&clean, &missing], dir.path());
    let mut wb: Xlsx<_> = open_workbook(&files[0]).unwrap();
    let text: Vec<String> = wb
        .worksheet_range("Anomalies")
        .unwrap()
        .rows()
        .map(|r| r[0].to_string())
        .collect();
    assert!(
        text.iter().any(|t| t.contains("Aucune anomalie")),
        "{text:?}"
    );
    let mut wb: Xlsx<_> = open_workbook(&files[1]).unwrap();
    let rows: Vec<Vec<String>> = wb
        .worksheet_range("Anomalies")
        .unwrap()
        .rows()
        .map(|r| r.iter().map(|d| d.to_string()).collect())
        .collect();
    assert!(rows
        .iter()
        .any(|r| r[1] == "S001" && r[3] == "Coordination" && r[4].is_empty()));
}

#[test]
fn several_findings_on_one_cell_share_one_note() {
    let dir = tempfile::tempdir().unwrap();
    let unknown = edited(
        "36-CHX-2025",
        &serde_json::json!([{"feuille": "Identification", "cellule": "B2", "valeur": "36-CHT"}]),
    );
    let a = write(dir.path(), "a", &unknown);
    let b = write(dir.path(), "b", &unknown);
    let files = annote(&[&a, &b], dir.path());
    let all = notes(&files[0]);
    assert_eq!(all.matches("<comment ref=\"B2\"").count(), 1, "{all}");
    assert!(all.contains("R001") && all.contains("B001"));
}

#[test]
fn names_never_collide_and_other_formats_are_annotated() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["a", "b"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        std::fs::copy(
            root().join("fixtures/bilans/2025/36-CHX.xlsx"),
            dir.path().join(sub).join("bilan.xlsx"),
        )
        .unwrap();
    }
    std::fs::copy(
        root().join("fixtures/bilans/2025/41-BLO.ods"),
        dir.path().join("a/41-BLO.ods"),
    )
    .unwrap();
    std::fs::copy(
        root().join("fixtures/bilans/2025/45-ORL.xls"),
        dir.path().join("b/45-ORL.xls"),
    )
    .unwrap();
    std::fs::write(dir.path().join("b/casse.xlsx"), b"pas un classeur").unwrap();
    let files = annote(&[&dir.path().join("a"), &dir.path().join("b")], dir.path());
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "41-BLO.annote.xlsx",
            "45-ORL.annote.xlsx",
            "bilan-2.annote.xlsx",
            "bilan.annote.xlsx",
            "casse.annote.xlsx"
        ]
    );
    let wb: Xlsx<_> = open_workbook(&files[0]).unwrap();
    assert!(wb.sheet_names().contains(&"Structures".to_string()));
    let wb: Xlsx<_> = open_workbook(&files[4]).unwrap();
    assert_eq!(wb.sheet_names(), ["Anomalies"]);
}

#[test]
fn libreoffice_opens_an_annotated_copy() {
    let dir = tempfile::tempdir().unwrap();
    let files = annote(
        &[&root().join("fixtures/cas/C005-logo-manquant.xlsx")],
        dir.path(),
    );
    let pdf = soffice_convert(&files[0], "pdf", dir.path());
    assert!(std::fs::metadata(pdf).unwrap().len() > 5_000);
}
