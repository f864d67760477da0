//! Batch rules: B001 on both files of a duplicate network, B002 for networks with no file.

use crate::common::*;
use spro_bilans::check::Status;

#[test]
fn b001_flags_both_files_at_their_code_cell() {
    let dir = tempfile::tempdir().unwrap();
    let chx = source("36-CHX-2025");
    write(dir.path(), "36-CHX", &chx);
    write(dir.path(), "36-CHX-v2", &chx);
    write(dir.path(), "37-TOU", &source("37-TOU-2025"));
    let (inputs, _) = spro_bilans::inputs::collect(&[dir.path().to_path_buf()]).unwrap();
    let report = checker(Some(2025)).check_inputs(&inputs, false, &|| {});
    for f in &report.files[..2] {
        assert_eq!(
            triples(f),
            [("B001".into(), "Identification".into(), "B2".into())]
        );
        assert_eq!(f.status, Status::Invalid);
    }
    assert!(report.files[0].findings[0].message.contains("36-CHX.xlsx"));
    assert!(report.files[1].findings[0]
        .message
        .contains("36-CHX-v2.xlsx"));
    assert!(report.files[2].findings.is_empty());
}

#[test]
fn b001_skips_files_of_another_year_and_the_same_path_twice() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "36-CHX", &source("36-CHX-2025"));
    let other_year = edited(
        "36-CHX-2025",
        &serde_json::json!([{"feuille": "Identification", "cellule": "B5", "valeur": 2024}]),
    );
    write(dir.path(), "36-CHX-2024", &other_year);
    let (inputs, _) =
        spro_bilans::inputs::collect(&[p.clone(), p.clone(), dir.path().to_path_buf()]).unwrap();
    assert_eq!(inputs.len(), 2);
    let report = checker(None).check_inputs(&inputs, false, &|| {});
    assert!(report
        .files
        .iter()
        .all(|f| f.findings.iter().all(|x| x.code != "B001")));
}

#[test]
fn b002_lists_networks_without_a_file_when_a_year_is_given() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "36-CHX", &source("36-CHX-2025"));
    std::fs::write(dir.path().join("37-TOU-illisible.xlsx"), b"").unwrap();
    let (inputs, _) = spro_bilans::inputs::collect(&[dir.path().to_path_buf()]).unwrap();
    let report = checker(Some(2025)).check_inputs(&inputs, true, &|| {});
    let missing: Vec<&str> = report
        .batch
        .iter()
        .map(|b| b.reseau.as_deref().unwrap())
        .collect();
    assert_eq!(missing.len(), 20);
    assert!(!missing.contains(&"36-CHX") && !missing.contains(&"37-TOU"));
    assert!(missing.contains(&"18-VIE"));
    assert!(report
        .batch
        .iter()
        .all(|b| b.code == "B002" && b.severity == spro_bilans::finding::Severity::Info));
    // Without a year, no B002.
    assert!(checker(None)
        .check_inputs(&inputs, true, &|| {})
        .batch
        .is_empty());
}
