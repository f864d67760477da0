//! `spro template`: the blank tableau de bord, generated from the schemas. It must pass the
//! checker's structure rules as it is, give no error once filled, offer exactly the spec's
//! values in its drop-downs, and open in LibreOffice.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use calamine::{open_workbook, Reader, Xlsx};
use spro_bilans::schema::{ColumnKind, SheetKind};

fn template(dir: &Path, extra: &[&str]) -> PathBuf {
    let out = dir.join("modele.xlsx");
    let mut args = vec!["template", "--annee", "2025", "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = Command::new(env!("CARGO_BIN_EXE_spro"))
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

fn zip_entry(path: &Path, name: &str) -> Option<String> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut f = z.by_name(name).ok()?;
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    Some(s)
}

#[test]
fn blank_template_passes_the_structure_rules() {
    let dir = tempfile::tempdir().unwrap();
    let out = template(dir.path(), &[]);
    let report = check_path(&out, Some(2025));
    for f in &report.findings {
        assert!(
            !["S001", "S002", "S003", "S004", "S006", "S007"].contains(&f.code.as_str()),
            "{f:?}"
        );
    }
    let s005: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.code == "S005")
        .filter_map(|f| f.sheet_name())
        .collect();
    assert_eq!(s005, ["Structures", "Actions", "Accueil"]);
    let wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Instructions",
            "Identification",
            "Structures",
            "Coordination",
            "Actions",
            "Accueil",
            "Professionnalisation",
            "Listes"
        ]
    );
}

#[test]
fn headers_prefilled_values_and_notes() {
    let dir = tempfile::tempdir().unwrap();
    let out = template(dir.path(), &[]);
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let schemas = spro_bilans::registry::Registry::embedded().schemas();
    for kind in SheetKind::ALL.into_iter().skip(1) {
        let range = wb.worksheet_range(kind.name()).unwrap();
        let header: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|d| d.to_string())
            .collect();
        let expected: Vec<String> = schemas
            .sheet(kind)
            .columns
            .iter()
            .map(|c| c.label.clone())
            .collect();
        assert_eq!(header, expected, "{}", kind.name());
    }
    let ident = wb.worksheet_range("Identification").unwrap();
    let rows: Vec<(String, String)> = ident
        .rows()
        .map(|r| {
            (
                r[0].to_string(),
                r.get(1).map(|d| d.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(rows[0], ("Champ".into(), "Valeur".into()));
    assert!(rows.contains(&("Année du bilan".into(), "2025".into())));
    assert!(rows.contains(&("Version du modèle".into(), "2025.1".into())));
    // Header notes come from the schema descriptions.
    let notes: String = (1..=6)
        .filter_map(|i| zip_entry(&out, &format!("xl/comments{i}.xml")))
        .collect();
    assert!(
        notes.contains("Identifiant de l&apos;action, unique dans la feuille")
            || notes.contains("Identifiant de l'action, unique dans la feuille")
    );
    assert!(notes.contains("Obligatoire."));
}

#[test]
fn drop_downs_offer_exactly_the_spec_values() {
    let dir = tempfile::tempdir().unwrap();
    let out = template(dir.path(), &[]);
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let listes = wb.worksheet_range("Listes").unwrap();
    let schemas = spro_bilans::registry::Registry::embedded().schemas();
    let sheets: Vec<(usize, SheetKind)> = SheetKind::ALL
        .iter()
        .enumerate()
        .map(|(i, k)| (i + 2, *k))
        .collect();
    let mut list_col = 0usize;
    for (index, kind) in &sheets {
        let xml = zip_entry(&out, &format!("xl/worksheets/sheet{index}.xml")).unwrap();
        for col in &schemas.sheet(*kind).columns {
            match col.kind {
                ColumnKind::Enum => {
                    let values: Vec<String> = listes
                        .rows()
                        .skip(1)
                        .filter_map(|r| r.get(list_col))
                        .map(|d| d.to_string())
                        .filter(|s| !s.is_empty())
                        .collect();
                    assert_eq!(values, col.values, "{} {}", kind.name(), col.label);
                    let letter = spro_bilans::finding::column_letters(list_col as u32);
                    assert!(
                        xml.contains(&format!(
                            "Listes!${letter}$2:${letter}${}",
                            col.values.len() + 1
                        )),
                        "{}",
                        col.label
                    );
                    list_col += 1;
                }
                ColumnKind::OuiNon => assert!(xml.contains("\"Oui,Non\""), "{}", col.label),
                _ => {}
            }
        }
        assert!(xml.contains("<dataValidations"), "{}", kind.name());
    }
    // Dates and whole numbers have input rules with French messages.
    let actions = zip_entry(&out, "xl/worksheets/sheet5.xml").unwrap();
    assert!(actions.contains("type=\"date\""));
    assert!(actions.contains("type=\"whole\""));
    assert!(actions.contains("Saisissez une date complète"));
    // List columns get an input message, not a blocking list.
    assert!(actions.contains("séparés par « ; »"));
    // The Listes sheet is hidden.
    let workbook = zip_entry(&out, "xl/workbook.xml").unwrap();
    assert!(
        workbook.contains("name=\"Listes\" sheetId=\"8\" state=\"hidden\""),
        "{workbook}"
    );
}

#[test]
fn filled_like_a_coordinator_it_gives_no_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = template(dir.path(), &[]);
    let filled = dir.path().join("36-CHX.xlsx");
    let status = Command::new("python3")
        .arg(root().join("tests/fill_template.py"))
        .arg(&out)
        .arg(root().join("fixtures/sources/36-CHX-2025.json"))
        .arg(&filled)
        .status()
        .expect("python3 with openpyxl (pip install openpyxl)");
    assert!(status.success());
    let report = check_path(&filled, Some(2025));
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn deterministic_and_logos_only_when_given() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    assert_eq!(
        std::fs::read(template(a.path(), &[])).unwrap(),
        std::fs::read(template(b.path(), &[])).unwrap()
    );
    assert!(zip_entry(&template(a.path(), &[]), "xl/media/image1.png").is_none());
    let region = root().join("fixtures/logos/logo-region-exemple.png");
    let spro = root().join("fixtures/logos/logo-spro-exemple.png");
    let out = template(
        a.path(),
        &[
            "--logo-region",
            region.to_str().unwrap(),
            "--logo-spro",
            spro.to_str().unwrap(),
        ],
    );
    let mut z = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    assert!(z.by_name("xl/media/image1.png").is_ok());
    assert!(z.by_name("xl/media/image2.png").is_ok());
    let drawing = zip_entry(&out, "xl/drawings/drawing1.xml").unwrap();
    assert!(
        drawing.contains("<xdr:from><xdr:col>0</xdr:col>"),
        "{drawing}"
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_spro"))
        .args(["template", "--annee", "2025", "-o"])
        .arg(a.path().join("x.xlsx"))
        .args(["--logo-region", "absent.png"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn libreoffice_opens_the_template() {
    let dir = tempfile::tempdir().unwrap();
    let out = template(dir.path(), &[]);
    let ods = soffice_convert(&out, "ods", dir.path());
    // The converted file reads back as a template that still passes the structure rules.
    let report = check_path(&ods, Some(2025));
    assert!(
        report
            .findings
            .iter()
            .all(|f| !["S001", "S002", "S003", "S004", "S006", "S007"].contains(&f.code.as_str())),
        "{:?}",
        report.findings
    );
}
