//! `spro consolidate`: the regional workbook read back with calamine, its guarantees
//! (determinism, text never a formula, atomic write, inputs never overwritten) and a real
//! spreadsheet application opening it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use calamine::{open_workbook, Data, Reader, Xlsx};

/// A batch: the five samples, a broken file named after Vierzon, and a 2024 file of Bourges.
fn batch(dir: &Path) -> Vec<PathBuf> {
    let bilans = root().join("fixtures/bilans/2025");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&bilans).unwrap() {
        let p = e.unwrap().path();
        let dest = dir.join(p.file_name().unwrap());
        std::fs::copy(&p, &dest).unwrap();
        out.push(dest);
    }
    let broken = dir.join("18-VIE-bilan.xlsx");
    std::fs::write(&broken, b"PK\x03\x04 tronque").unwrap();
    out.push(broken);
    let old = edited(
        "18-BOU-2025",
        &serde_json::json!([{"feuille": "Identification", "cellule": "B5", "valeur": 2024}]),
    );
    out.push(write(dir, "18-BOU-2024", &old));
    out.sort();
    out
}

fn consolidate(dir: &Path, extra: &[&str]) -> PathBuf {
    let out = dir.join("sortie/regional.xlsx");
    // A previous output in the folder would be one of the inputs (and refused).
    let _ = std::fs::remove_file(&out);
    let mut args = vec![
        "consolidate",
        ".",
        "--annee",
        "2025",
        "-o",
        "sortie/regional.xlsx",
    ];
    args.extend_from_slice(extra);
    let o = spro(&args, dir);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

#[test]
fn sheets_headers_and_figures() {
    let dir = tempfile::tempdir().unwrap();
    batch(dir.path());
    let out = consolidate(dir.path(), &[]);
    let wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        wb.sheet_names(),
        spro_bilans::consolidate::SHEETS.map(String::from).to_vec()
    );

    let synthese = sheet(&out, "Synthèse");
    let header: Vec<String> = synthese[0].iter().map(s).collect();
    assert_eq!(
        header,
        [
            "Code réseau",
            "Réseau",
            "Département",
            "Fichier",
            "Statut",
            "Erreurs",
            "Avertissements",
            "Structures",
            "Coordinateurs",
            "Actions",
            "Participants",
            "Premiers accueils",
            "Professionnels formés",
            "Modèle"
        ]
    );
    let row = |code: &str| {
        synthese
            .iter()
            .find(|r| s(&r[0]) == code)
            .unwrap()
            .iter()
            .map(s)
            .collect::<Vec<_>>()
    };
    let chx = row("36-CHX");
    assert_eq!(
        &chx[1..5],
        [
            "Châteauroux et son agglomération",
            "36",
            "./36-CHX.xlsx",
            "Conforme"
        ]
    );
    // 10 structures, 2 coordinators, 7 actions, 2,439 participants, 7,430 first receptions, 14 trained.
    assert_eq!(
        &chx[5..13],
        ["0", "0", "10", "2", "7", "2439", "7430", "14"]
    );
    // Read with the version it states.
    assert_eq!(chx[13], "2025.1");
    assert_eq!(row("18-VIE")[4], "Illisible");
    assert_eq!(row("28-CHA")[4], "Non transmis");
    assert_eq!(
        synthese
            .iter()
            .filter(|r| s(&r[4]) == "Non transmis")
            .count(),
        14
    );
    // Drouais has errors to correct, Vendôme sent late.
    assert_eq!(row("28-DRE")[4..7], ["Non conforme", "2", "0"]);
    assert_eq!(
        row("41-VEN")[4..7],
        ["Conforme avec avertissements", "0", "1"]
    );
    // The 2024 file of Bourges is in Anomalies only (R003), not in Synthèse.
    assert_eq!(synthese.iter().filter(|r| s(&r[0]) == "18-BOU").count(), 1);
    let anomalies = sheet(&out, "Anomalies");
    assert!(anomalies
        .iter()
        .any(|r| s(&r[0]).contains("18-BOU-2024") && s(&r[2]) == "R003"));
    assert!(anomalies
        .iter()
        .any(|r| s(&r[2]) == "B002" && s(&r[1]) == "28-CHA"));

    let actions = sheet(&out, "Actions");
    // Every readable file's rows, Drouais's included (with its status beside them).
    assert_eq!(actions.len(), 1 + 7 + 4 + 4 + 4 + 4 + 4 + 7);
    let dre = actions.iter().find(|r| s(&r[3]) == "DRE-1").unwrap();
    assert_eq!(s(&dre[2]), "Non conforme");
    assert_eq!(s(&actions[0][2]), "Statut du fichier");
    let chx01 = actions.iter().find(|r| s(&r[3]) == "CHX-01").unwrap();
    assert!(matches!(chx01[7], Data::DateTime(_)), "{:?}", chx01[7]);
    assert_eq!(chx01[13], Data::Float(1250.0));
    // Bourges wrote « forum » and « 1 480 »: canonical spelling and real numbers.
    let bou = actions.iter().find(|r| s(&r[3]) == "BOU-1").unwrap();
    assert_eq!(s(&bou[5]), "Forum");
    assert_eq!(bou[13], Data::Float(1480.0));

    let ind = sheet(&out, "Indicateurs");
    let line = |label: &str, after: &str| -> Vec<String> {
        let start = ind.iter().position(|r| s(&r[0]) == after).unwrap();
        ind[start..]
            .iter()
            .find(|r| s(&r[0]) == label)
            .unwrap()
            .iter()
            .map(s)
            .collect()
    };
    assert_eq!(
        line("Actions", "Actions par département"),
        ["Actions", "4", "0", "7", "4", "11", "4", "30"]
    );
    assert_eq!(line("Promotion du CEP", "Actions par axe")[7], "6");
}

/// The same network twice (B001): both files are "Non conforme" everywhere, though the
/// workbook is streamed and the second copy comes after the first was written.
#[test]
fn duplicate_networks_are_non_conformes_in_every_sheet() {
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in [
        ("36-CHX.xlsx", "36-CHX.xlsx"),
        ("37-TOU.xlsx", "37-TOU.xlsx"),
        ("36-CHX.xlsx", "zz-36-CHX-copie.xlsx"),
    ] {
        std::fs::copy(
            root().join("fixtures/bilans/2025").join(from),
            dir.path().join(to),
        )
        .unwrap();
    }
    for jobs in ["1", "2"] {
        let out = consolidate(dir.path(), &["-j", jobs]);
        let synthese = sheet(&out, "Synthèse");
        let statuses = |code: &str| -> Vec<String> {
            synthese
                .iter()
                .filter(|r| s(&r[0]) == code)
                .map(|r| s(&r[4]))
                .collect()
        };
        assert_eq!(statuses("36-CHX"), ["Non conforme", "Non conforme"]);
        assert_eq!(statuses("37-TOU"), ["Conforme"]);
        let anomalies = sheet(&out, "Anomalies");
        let b001: Vec<String> = anomalies
            .iter()
            .filter(|r| s(&r[2]) == "B001")
            .map(|r| format!("{} {}", s(&r[0]), s(&r[6])))
            .collect();
        assert_eq!(b001, ["./36-CHX.xlsx B2", "./zz-36-CHX-copie.xlsx B2"]);
        for name in ["Structures", "Actions", "Accueil"] {
            for row in &sheet(&out, name)[1..] {
                let expected = if s(&row[0]) == "36-CHX" {
                    "Non conforme"
                } else {
                    "Conforme"
                };
                assert_eq!(s(&row[2]), expected, "{name}: {row:?}");
            }
        }
        // Indicators count files without errors only: Tours alone.
        let ind = sheet(&out, "Indicateurs");
        let actions = ind.iter().find(|r| s(&r[0]) == "Actions").unwrap();
        assert_eq!(s(&actions[7]), "4");
    }
}

#[test]
fn indicators_count_only_files_without_errors_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("fixtures/bilans/2025/37-TOU.xlsx"),
        dir.path().join("37-TOU.xlsx"),
    )
    .unwrap();
    std::fs::copy(
        root().join("fixtures/cas/C005-logo-manquant.xlsx"),
        dir.path().join("36-CHX.xlsx"),
    )
    .unwrap();
    let total = |out: &Path| {
        let ind = sheet(out, "Indicateurs");
        ind.iter()
            .find(|r| s(&r[0]) == "Actions")
            .map(|r| s(&r[7]))
            .unwrap()
    };
    assert_eq!(total(&consolidate(dir.path(), &[])), "4");
    let out = consolidate(dir.path(), &["--inclure-non-conformes"]);
    assert_eq!(total(&out), "11");
}

#[test]
fn same_bytes_whatever_the_order_and_threads() {
    let dir = tempfile::tempdir().unwrap();
    let files = batch(dir.path());
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let run = |order: Vec<&String>, jobs: &str, out: &str| {
        let mut args = vec!["consolidate", "--annee", "2025", "-j", jobs, "-o", out];
        args.extend(order.iter().map(|s| s.as_str()));
        let o = spro(&args, dir.path());
        assert_eq!(o.status.code(), Some(0));
        std::fs::read(dir.path().join(out)).unwrap()
    };
    let forward = run(names.iter().collect(), "1", "a.xlsx");
    let backward = run(names.iter().rev().collect(), "2", "b.xlsx");
    assert!(forward == backward, "the two workbooks differ");
}

#[test]
fn formula_looking_text_stays_text() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = edited(
        "36-CHX-2025",
        &serde_json::json!([
            {"feuille": "Identification", "cellule": "B9", "valeur": "=HYPERLINK(\"http://exemple.invalid\",\"clic\")"},
            {"feuille": "Coordination", "cellule": "D2", "valeur": "+33 conseillère"},
            {"feuille": "Coordination", "cellule": "B3", "valeur": "@Karine"},
            {"feuille": "Actions", "cellule": "B2", "valeur": "-1+1"}
        ]),
    );
    write(dir.path(), "36-CHX", &hostile);
    let out = consolidate(dir.path(), &[]);
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    for name in spro_bilans::consolidate::SHEETS {
        let formulas = wb.worksheet_formula(name).unwrap();
        assert!(formulas.used_cells().next().is_none(), "formula in {name}");
    }
    let actions = sheet(&out, "Actions");
    assert!(actions
        .iter()
        .any(|r| r.contains(&Data::String("-1+1".into()))));
    let coordination = sheet(&out, "Coordination");
    assert!(coordination
        .iter()
        .any(|r| r.contains(&Data::String("@Karine".into()))));
}

#[test]
fn personal_data_can_be_left_out() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("fixtures/bilans/2025/36-CHX.xlsx"),
        dir.path().join("36-CHX.xlsx"),
    )
    .unwrap();
    let out = consolidate(dir.path(), &["--sans-donnees-personnelles"]);
    let coordination = sheet(&out, "Coordination");
    let header: Vec<String> = coordination[0].iter().map(s).collect();
    assert_eq!(
        header,
        [
            "Code réseau",
            "Département",
            "Statut du fichier",
            "Structure",
            "Fonction",
            "Date de désignation"
        ]
    );
    for name in spro_bilans::consolidate::SHEETS {
        for row in sheet(&out, name) {
            for c in row {
                let text = s(&c);
                assert!(
                    !text.contains("LETELLIER") && !text.contains("@mission-locale"),
                    "{name}: {text}"
                );
            }
        }
    }
}

#[test]
fn output_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("fixtures/bilans/2025/36-CHX.xlsx"),
        dir.path().join("36-CHX.xlsx"),
    )
    .unwrap();
    // Default path, folder created.
    let o = spro(
        &["consolidate", "36-CHX.xlsx", "--annee", "2025"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(dir
        .path()
        .join("reports/bilan-regional-2025.xlsx")
        .is_file());
    // Never over an input.
    let before = std::fs::read(dir.path().join("36-CHX.xlsx")).unwrap();
    let o = spro(
        &[
            "consolidate",
            "36-CHX.xlsx",
            "--annee",
            "2025",
            "-o",
            "36-CHX.xlsx",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read(dir.path().join("36-CHX.xlsx")).unwrap(),
        before
    );
    // A year is required.
    assert_eq!(
        spro(&["consolidate", "36-CHX.xlsx"], dir.path())
            .status
            .code(),
        Some(2)
    );
    // --strict fails on errors, only once the workbook is written.
    std::fs::copy(
        root().join("fixtures/cas/C005-logo-manquant.xlsx"),
        dir.path().join("c005.xlsx"),
    )
    .unwrap();
    let o = spro(
        &[
            "consolidate",
            "c005.xlsx",
            "--annee",
            "2025",
            "-o",
            "s.xlsx",
            "--strict",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(dir.path().join("s.xlsx").is_file());
    // As in check, warnings fail too with --strict (Vendôme sent late), and only with it.
    std::fs::copy(
        root().join("fixtures/bilans/2025/41-VEN.xlsx"),
        dir.path().join("ven.xlsx"),
    )
    .unwrap();
    let late = |strict: bool| {
        let mut args = vec!["consolidate", "ven.xlsx", "--annee", "2025", "-o", "v.xlsx"];
        if strict {
            args.push("--strict");
        }
        spro(&args, dir.path()).status.code()
    };
    assert_eq!((late(false), late(true)), (Some(0), Some(1)));
    // No temporary file left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn libreoffice_opens_the_regional_workbook() {
    let dir = tempfile::tempdir().unwrap();
    batch(dir.path());
    let out = consolidate(dir.path(), &[]);
    let pdf = soffice_convert(&out, "pdf", dir.path());
    assert!(std::fs::metadata(&pdf).unwrap().len() > 10_000);
}

/// What the analysts print: every sheet landscape and one page wide (no column cut off), its
/// header row on every page, a footer naming the sheet with the page number and the year, the
/// charts of Indicateurs on a page of their own. Read back from LibreOffice's PDF export
/// (`pdftotext`, one text per page).
#[test]
fn the_regional_workbook_prints_one_page_wide_with_headers_and_footers() {
    let dir = tempfile::tempdir().unwrap();
    batch(dir.path());
    let out = consolidate(dir.path(), &[]);
    let pdf = soffice_convert(&out, "pdf", dir.path());
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed: ./test.sh installs it");
    let text = String::from_utf8(text.stdout).unwrap();
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    let total = pages.len();
    assert!(total <= 14, "{total} pages");
    let mut seen = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        // The footer: « <sheet> — page <n> / <total> — bilan 2025 », one line.
        let tail = format!(" — page {} / {total} — bilan 2025", i + 1);
        let sheet = page
            .lines()
            .find_map(|l| l.trim().strip_suffix(tail.as_str()))
            .unwrap_or_else(|| panic!("page {}: no footer « …{tail} »\n{page}", i + 1))
            .to_string();
        let sheet = sheet.as_str();
        seen.push(sheet.to_string());
        if matches!(sheet, "Indicateurs" | "À propos") {
            continue;
        }
        // One page wide, header repeated: the first and the last header on every page.
        let headers: Vec<String> = sheet_headers(&out, sheet);
        for h in [headers.first().unwrap(), headers.last().unwrap()] {
            assert!(
                page.contains(h.as_str()),
                "page {} ({sheet}): header « {h} » missing",
                i + 1
            );
        }
    }
    assert_eq!(seen.iter().filter(|s| *s == "Synthèse").count(), 1);
    let mut sheets = seen.clone();
    sheets.dedup();
    assert_eq!(sheets.len(), 10, "{sheets:?}");
    // The charts on a page of their own, after the tables of Indicateurs. (LibreOffice's PDF
    // also carries chart text, clipped, on the page before: the charts' page is told by what it
    // lacks, the tables.)
    let indicateurs: Vec<&str> = pages
        .iter()
        .zip(&seen)
        .filter(|(_, s)| *s == "Indicateurs")
        .map(|(p, _)| *p)
        .collect();
    assert!(indicateurs.len() >= 2, "{} page(s)", indicateurs.len());
    let charts = indicateurs.last().unwrap();
    assert!(charts.contains("Actions par département"), "{charts}");
    assert!(
        charts.contains("Premiers accueils par public (Région)"),
        "{charts}"
    );
    assert!(!charts.contains("Participants aux actions"), "{charts}");
}

/// The header row of a sheet of the regional workbook.
fn sheet_headers(path: &Path, name: &str) -> Vec<String> {
    sheet(path, name)[0]
        .iter()
        .map(s)
        .filter(|h| !h.is_empty())
        .collect()
}
