//! Hostile and broken input, generated here rather than committed: each file gets a clear
//! finding (F001/F003) or is checked normally, in bounded memory, and the other files of the
//! same batch are still checked. Memory is the peak RSS of each `spro` child process, as the
//! kernel accounts it (wait4, from a small parent), so the bounds depend neither on the
//! machine's speed nor on the other tests running beside.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use serde_json::Value;
use spro_bilans::fixture;

/// Runs `spro check DIR --format json` and returns the report and the process's own peak
/// resident memory in MiB, as the kernel accounted it; asserts exit 0 or 1.
///
/// The kernel counts in a child's peak the memory of the process it was forked from (at its
/// `exec`), and this test process holds every test of the crate: `spro` is started by a small
/// Python process instead, which waits for it (`wait4`) and writes its peak in KiB to a file.
fn check_dir(dir: &Path) -> (Value, u64) {
    const MEASURE: &str = "import os, sys\npid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)\n_, status, usage = os.wait4(pid, 0)\nopen(sys.argv[1], 'w').write(str(usage.ru_maxrss))\nsys.exit(os.waitstatus_to_exitcode(status))\n";
    let peak_file = tempfile::NamedTempFile::new().unwrap();
    let out = Command::new("python3")
        .args(["-c", MEASURE])
        .arg(peak_file.path())
        .arg(env!("CARGO_BIN_EXE_spro"))
        .args(["check", "--format", "json", "-j", "2"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let kib: u64 = std::fs::read_to_string(peak_file.path())
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (serde_json::from_slice(&out.stdout).unwrap(), kib / 1024)
}

fn chx() -> Vec<u8> {
    std::fs::read(root().join("fixtures/bilans/2025/36-CHX.xlsx")).unwrap()
}

/// A zip with the same entries as `bytes`, minus `drop`.
fn without_entry(bytes: &[u8], drop: &str) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if name == drop {
            continue;
        }
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut content).unwrap();
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Patches the uncompressed size that the local header and the central directory declare for
/// `entry` (a zip that lies about its content).
fn declare_size(bytes: &[u8], entry: &str, size: u32) -> Vec<u8> {
    let mut b = bytes.to_vec();
    let name = entry.as_bytes();
    let mut i = 0;
    while i + 46 < b.len() {
        let sig = u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        if sig == 0x04034b50 {
            let n = u16::from_le_bytes([b[i + 26], b[i + 27]]) as usize;
            if b.get(i + 30..i + 30 + n) == Some(name) {
                b[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
            }
        } else if sig == 0x02014b50 {
            let n = u16::from_le_bytes([b[i + 28], b[i + 29]]) as usize;
            if b.get(i + 46..i + 46 + n) == Some(name) {
                b[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
            }
        }
        i += 1;
    }
    b
}

/// A workbook of one sheet with `rows` rows of `cols` columns, written by rust_xlsxwriter in
/// constant-memory mode.
fn big_sheet(path: &Path, rows: u32, cols: u16) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().unwrap();
    ws.set_name("Actions").unwrap();
    for r in 0..rows {
        for c in 0..cols {
            ws.write_number(r, c, f64::from(r)).unwrap();
        }
    }
    wb.save(path).unwrap();
}

fn put(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn a_batch_of_hostile_files_is_checked_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = chx();
    put(d, "00-36-CHX.xlsx", &good);
    put(
        d,
        "sans-feuille.xlsx",
        &without_entry(&good, "xl/worksheets/sheet4.xml"),
    );
    // Declared > 1 GiB uncompressed: refused from the zip directory, nothing inflated.
    put(
        d,
        "bombe-declaree.xlsx",
        &declare_size(&good, "xl/worksheets/sheet4.xml", 0xC000_0000),
    );
    // A lying bomb: declares 200 bytes, inflates to far more.
    put(
        d,
        "bombe-menteuse.xlsx",
        &declare_size(&good, "xl/worksheets/sheet4.xml", 200),
    );
    // One cell at XFD1048576 (and the declared dimension with it).
    let mut far = source("36-CHX-2025");
    fixture::apply(
        &mut far,
        &serde_json::json!({"feuille": "Actions", "cellule_isolee": "XFD1048576", "valeur": "x"}),
    )
    .unwrap();
    put(
        d,
        "cellule-lointaine.xlsx",
        &fixture::build_xlsx(&far).unwrap(),
    );
    // 1,000,000 rows; a header of 16,384 columns.
    big_sheet(&d.join("million-de-lignes.xlsx"), 1_000_000, 1);
    big_sheet(&d.join("16384-colonnes.xlsx"), 1, 16_384);
    // A 1 MB string in a cell (more than Excel itself allows).
    let mut long = source("36-CHX-2025");
    fixture::apply(
        &mut long,
        &serde_json::json!({"feuille": "Actions", "cellule": "B2", "valeur": "__LONG__"}),
    )
    .unwrap();
    let long = fixture::build_xlsx(&long).unwrap();
    let long = fixture::rewrite(&long, |name, text| {
        if name == "xl/sharedStrings.xml" {
            text.replace("__LONG__", &"é".repeat(500_000))
        } else {
            text
        }
    })
    .unwrap();
    put(d, "chaine-d-un-mo.xlsx", &long);
    // Deeply nested XML inside a cell.
    let nested = fixture::rewrite(&good, |name, text| {
        if name == "xl/worksheets/sheet2.xml" {
            text.replacen(
                "<sheetData>",
                &format!(
                    "<sheetData>{}{}",
                    "<x>".repeat(200_000),
                    "</x>".repeat(200_000)
                ),
                1,
            )
        } else {
            text
        }
    })
    .unwrap();
    put(d, "xml-imbrique.xlsx", &nested);

    let (report, peak) = check_dir(d);
    assert!(
        // README: a batch of hostile files is checked in under 128 MiB (32 MiB measured).
        peak < 128,
        "peak RSS {peak} MiB"
    );
    // The readable copies of Châteauroux only share B001 (the same network several times).
    assert_eq!(codes(file(&report, "00-36-CHX.xlsx")), ["B001"]);
    assert_eq!(codes(file(&report, "sans-feuille.xlsx")), ["F001"]);
    assert_eq!(codes(file(&report, "bombe-declaree.xlsx")), ["F003"]);
    let liar = file(&report, "bombe-menteuse.xlsx");
    assert_eq!(codes(liar), ["F003"]);
    assert!(liar["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("piégée"));
    assert_eq!(codes(file(&report, "cellule-lointaine.xlsx")), ["B001"]);
    assert_eq!(codes(file(&report, "million-de-lignes.xlsx")), ["F003"]);
    assert_eq!(codes(file(&report, "16384-colonnes.xlsx")), ["F003"]);
    // The long string is read like any text: the file is checked, not refused.
    assert_eq!(codes(file(&report, "chaine-d-un-mo.xlsx")), ["B001"]);
    // Unknown nested elements are skipped by the streaming reader.
    assert_eq!(codes(file(&report, "xml-imbrique.xlsx")), ["B001"]);
}

#[test]
fn odd_names_links_and_unreadable_entries_in_a_folder() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = chx();
    put(d, "36-CHX.xlsx", &good);
    // A name that is not UTF-8, and a name of 250 bytes.
    let odd = std::ffi::OsStr::from_bytes(b"bilan-\xff\xfe.xlsx");
    std::fs::write(d.join(odd), &good).unwrap();
    let long_name = format!("{}.xlsx", "é".repeat(122));
    std::fs::write(d.join(&long_name), &good).unwrap();
    // A symlink loop and a dangling link.
    std::os::unix::fs::symlink(d, d.join("boucle")).unwrap();
    std::os::unix::fs::symlink(d.join("absent.xlsx"), d.join("lien-casse.xlsx")).unwrap();
    let (report, _) = check_dir(d);
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 4, "{report}");
    assert_eq!(codes(file(&report, "lien-casse.xlsx")), ["F001"]);
    // Three copies of the same network: B001 on each readable one, nothing else.
    let readable: Vec<&Value> = files
        .iter()
        .filter(|f| f["status"] != "unreadable")
        .collect();
    assert_eq!(readable.len(), 3);
    for f in readable {
        assert_eq!(codes(f), ["B001"]);
    }
    assert!(files
        .iter()
        .any(|f| f["path"].as_str().unwrap().contains('\u{fffd}')));
}

#[test]
fn outputs_that_cannot_be_written_are_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let input = put(dir.path(), "36-CHX.xlsx", &chx());
    for args in [
        vec![
            "check",
            input.to_str().unwrap(),
            "--format",
            "json",
            "--output",
            "/proc/spro/rapport.json",
        ],
        vec![
            "consolidate",
            input.to_str().unwrap(),
            "--annee",
            "2025",
            "-o",
            "/proc/spro/regional.xlsx",
        ],
        vec![
            "template",
            "--annee",
            "2025",
            "-o",
            "/proc/spro/modele.xlsx",
        ],
        vec!["check", input.to_str().unwrap(), "--annote", "/proc/spro"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_spro"))
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("impossible d'écrire"),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Counts a package declares or holds in its parts read whole: a shared strings
/// table declaring 4,294,967,295 strings (calamine reserved them: the process aborted, no report
/// for the whole batch) and a styles part of 4,000,000 cell formats in 40 KB (620 MB for one
/// check) are refused with F003 saying what was too big, and the eight good files beside them
/// are reported.
#[test]
fn declared_counts_and_style_lists_are_bounded_before_calamine() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = chx();
    for i in 0..8 {
        put(d, &format!("{i:02}-36-CHX.xlsx"), &good);
    }
    let edit = |part: &'static str, edit: &dyn Fn(String) -> String| {
        fixture::rewrite(
            &good,
            |name, text| {
                if name == part {
                    edit(text)
                } else {
                    text
                }
            },
        )
        .unwrap()
    };
    let unique = edit("xl/sharedStrings.xml", &|t| {
        let at = t.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
        let end = at + t[at..].find('"').unwrap();
        format!("{}4294967295{}", &t[..at], &t[end..])
    });
    put(d, "unique-count.xlsx", &unique);
    let styles = edit("xl/styles.xml", &|t| {
        t.replacen(
            "</cellXfs>",
            &format!("{}</cellXfs>", "<xf/>".repeat(4_000_000)),
            1,
        )
    });
    assert!(styles.len() < 200_000, "{}", styles.len());
    put(d, "styles.xlsx", &styles);
    let fonts = edit("xl/styles.xml", &|t| {
        t.replacen(
            "</fonts>",
            &format!("{}</fonts>", "<font><b/></font>".repeat(300_000)),
            1,
        )
    });
    put(d, "polices.xlsx", &fonts);
    // Within what a spreadsheet writes: checked as usual.
    let some = edit("xl/styles.xml", &|t| {
        t.replacen(
            "</cellXfs>",
            &format!("{}</cellXfs>", "<xf/>".repeat(60_000)),
            1,
        )
    });
    put(d, "styles-nombreux.xlsx", &some);

    let (report, peak) = check_dir(d);
    assert!(peak < 128, "peak RSS {peak} MiB");
    for i in 0..8 {
        assert_eq!(
            codes(file(&report, &format!("{i:02}-36-CHX.xlsx"))),
            ["B001"]
        );
    }
    assert_eq!(codes(file(&report, "styles-nombreux.xlsx")), ["B001"]);
    let message = |name: &str| {
        let f = file(&report, name);
        assert_eq!(codes(f), ["F003"], "{name}");
        f["findings"][0]["message"].as_str().unwrap().to_string()
    };
    let m = message("unique-count.xlsx");
    assert!(m.contains("déclare 4294967295 textes partagés"), "{m}");
    assert!(m.contains("xl/sharedStrings.xml"), "{m}");
    let m = message("styles.xlsx");
    assert!(m.contains("4000002 formats de cellule"), "{m}");
    let m = message("polices.xlsx");
    assert!(m.contains("300001 polices"), "{m}");
}
