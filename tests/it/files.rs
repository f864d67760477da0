//! File rules (F001–F003) and the formats we read: broken, mislabelled, encrypted, oversized
//! and unsupported files each get one clear finding, and the rest of the batch is still checked.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::common::*;
use spro_bilans::check::Status;
use spro_bilans::config::{Config, Limits};

fn chx_bytes() -> Vec<u8> {
    std::fs::read(root().join("fixtures/bilans/2025/36-CHX.xlsx")).unwrap()
}

fn put(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// The only finding of a file, as (code, message).
fn only(path: &Path) -> (String, String) {
    let r = check_path(path, None);
    assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
    assert_eq!(r.status, Status::Unreadable);
    (
        r.findings[0].code.to_string(),
        r.findings[0].message.fr.to_string(),
    )
}

#[test]
fn broken_files_are_f001_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bytes = chx_bytes();
    let cases: Vec<(PathBuf, &str)> = vec![
        (put(d, "vide.xlsx", b""), "vide"),
        (
            put(
                d,
                "bruit.xlsx",
                &(0..5000u32)
                    .map(|i| (i * 7919 % 251) as u8)
                    .collect::<Vec<_>>(),
            ),
            "pas celui d'un classeur",
        ),
        (
            put(d, "tronque.xlsx", &bytes[..bytes.len() / 2]),
            "endommagé",
        ),
        (
            put(d, "texte.xlsx", b"Code reseau;36-CHX\n"),
            "fichier texte",
        ),
        (
            put(d, "chiffre.xlsx", &encrypted_workbook()),
            "mot de passe",
        ),
        (
            put(
                d,
                "ods-deguise.xlsx",
                &std::fs::read(root().join("fixtures/bilans/2025/41-BLO.ods")).unwrap(),
            ),
            "OpenDocument",
        ),
        (
            put(
                d,
                "xls-deguise.xlsx",
                &std::fs::read(root().join("fixtures/bilans/2025/45-ORL.xls")).unwrap(),
            ),
            ".xls",
        ),
        (put(d, "xlsx-deguise.ods", &bytes), "classeur Excel (.xlsx)"),
        (put(d, "xlsx-deguise.xls", &bytes), "classeur Excel (.xlsx)"),
    ];
    for (path, reason) in cases {
        let report = check_path(&path, None);
        let en = &report.findings[0].message.en;
        assert!(
            !en.is_empty() && !en.contains('«') && *en != report.findings[0].message.fr,
            "{en}"
        );
        let (code, message) = only(&path);
        assert_eq!(code, "F001", "{}", path.display());
        assert!(message.contains(reason), "{}: {message}", path.display());
    }
}

#[test]
fn a_zip_that_is_not_a_workbook_is_f001() {
    let dir = tempfile::tempdir().unwrap();
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file("notes.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"bonjour").unwrap();
    let path = put(
        dir.path(),
        "archive.xlsx",
        &z.finish().unwrap().into_inner(),
    );
    let (code, message) = only(&path);
    assert_eq!(code, "F001");
    assert!(message.contains("ne contient pas de classeur"), "{message}");
}

#[test]
fn unsupported_extension_given_explicitly_is_f002_but_skipped_in_folders() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = put(dir.path(), "bilan.pdf", b"%PDF-1.4");
    assert_eq!(only(&pdf).0, "F002");
    put(dir.path(), "36-CHX.xlsx", &chx_bytes());
    put(dir.path(), "~$36-CHX.xlsx", b"lock");
    put(dir.path(), ".~lock.36-CHX.xlsx#", b"lock");
    put(dir.path(), "._36-CHX.xlsx", b"apple");
    let (inputs, folder) = spro_bilans::inputs::collect(&[dir.path().to_path_buf()]).unwrap();
    assert!(folder);
    let names: Vec<String> = inputs
        .iter()
        .map(|i| i.path().file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["36-CHX.xlsx"]);
}

fn check_with_limits(path: &Path, limits: Limits) -> spro_bilans::check::FileReport {
    let config = Config {
        limits,
        ..Config::default()
    };
    let settings = spro_bilans::check::CheckSettings::new(
        config,
        spro_bilans::referential::Referential::embedded(),
    );
    let checker = spro_bilans::check::Checker::build(settings).unwrap();
    let (inputs, _) = spro_bilans::inputs::collect(&[path.to_path_buf()]).unwrap();
    checker.check_inputs(&inputs, false, &|| {}).files.remove(0)
}

#[test]
fn limits_are_f003() {
    let dir = tempfile::tempdir().unwrap();
    let path = put(dir.path(), "36-CHX.xlsx", &chx_bytes());
    let tight_rows = Limits {
        lignes_par_feuille: 10,
        ..Limits::default()
    };
    let r = check_with_limits(&path, tight_rows);
    assert_eq!(
        triples(&r),
        [("F003".to_string(), String::new(), String::new())]
    );
    assert!(
        r.findings[0].message.contains("plus de 10 lignes remplies"),
        "{}",
        r.findings[0].message
    );
    let tight_cols = Limits {
        colonnes_par_feuille: 12,
        ..Limits::default()
    };
    assert_eq!(
        check_with_limits(&path, tight_cols).findings[0].code,
        "F003"
    );
    let tight_unzipped = Limits {
        taille_decompressee_mo: 0,
        ..Limits::default()
    };
    let r = check_with_limits(&path, tight_unzipped);
    assert!(
        r.findings[0].message.contains("décompressé"),
        "{}",
        r.findings[0].message
    );
    let tight_size = Limits {
        taille_fichier_mo: 0,
        ..Limits::default()
    };
    assert_eq!(
        check_with_limits(&path, tight_size).findings[0].code,
        "F003"
    );
}

#[test]
fn a_far_away_cell_is_read_sparsely_and_ignored() {
    // One value at XFD1048576: a dense read would allocate 17 billion cells.
    let mut d = source("36-CHX-2025");
    spro_bilans::fixture::apply(
        &mut d,
        &serde_json::json!({"feuille": "Actions", "cellule_isolee": "XFD1048576", "valeur": "x"}),
    )
    .unwrap();
    assert!(check(&d).findings.is_empty());
    spro_bilans::fixture::apply(
        &mut d,
        &serde_json::json!({"feuille": "Actions", "cellule_isolee": "XFD1", "valeur": "x"}),
    )
    .unwrap();
    assert_eq!(
        triples(&check(&d)),
        [(
            "S003".to_string(),
            "Actions".to_string(),
            "XFD1".to_string()
        )]
    );
}

#[test]
fn a_bad_file_does_not_stop_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    put(dir.path(), "a-vide.xlsx", b"");
    put(dir.path(), "b-36-CHX.xlsx", &chx_bytes());
    put(dir.path(), "c-tronque.ods", b"PK\x03\x04garbage");
    let (inputs, _) = spro_bilans::inputs::collect(&[dir.path().to_path_buf()]).unwrap();
    let report = checker(Some(2025)).check_inputs(&inputs, false, &|| {});
    let statuses: Vec<Status> = report.files.iter().map(|f| f.status).collect();
    assert_eq!(
        statuses,
        [Status::Unreadable, Status::Valid, Status::Unreadable]
    );
}

#[test]
fn real_libreoffice_files_are_read_like_xlsx() {
    for (file, expected) in [
        ("fixtures/bilans/2025/41-BLO.ods", vec![]),
        ("fixtures/bilans/2025/45-ORL.xls", vec![]),
        (
            "fixtures/cas/libreoffice/C005-logo-manquant.ods",
            vec![
                ("C005", "Actions", "O5"),
                ("C005", "Actions", "P3"),
                ("C005", "Actions", "P5"),
            ],
        ),
        (
            "fixtures/cas/libreoffice/C005-tableau-decale.ods",
            vec![("C005", "Actions", "Q4")],
        ),
        (
            "fixtures/cas/libreoffice/V003-valeur-hors-liste.xls",
            vec![("V003", "Structures", "B4")],
        ),
        ("fixtures/cas/libreoffice/OK-date1904.xls", vec![]),
    ] {
        let r = check_path(&root().join(file), Some(2025));
        let mut got = triples(&r);
        got.sort();
        let mut want: Vec<(String, String, String)> = expected
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        want.sort();
        assert_eq!(got, want, "{file}");
    }
}
