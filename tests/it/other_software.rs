//! Files as other software writes them: packages with backslash part names, a workbook at the
//! root of the archive, part names in other cases and no `docProps/` check exactly like the
//! original; encrypted and protected legacy files get the password message (F001) before any
//! of their records is trusted; an Excel 4 macro sheet is named with its fix; an `.xls` is
//! judged by what calamine really allocates, not by a declaration that costs nothing.

use std::io::{Read, Write};
use std::path::Path;

use crate::common::*;

/// (code, sheet, cell) of each finding of `bytes` checked as `name`.
fn findings_of(name: &str, bytes: &[u8]) -> Vec<(String, String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    triples(&check_path(&path, Some(2025)))
}

fn first_message(name: &str, bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    check_path(&path, Some(2025)).findings[0]
        .message
        .fr
        .to_string()
}

fn same(name: &str, original: &[u8], variants: &[(&str, Vec<u8>)]) {
    let expected = findings_of(name, original);
    assert!(!expected.is_empty(), "the original should have findings");
    for (what, bytes) in variants {
        assert_eq!(findings_of(name, bytes), expected, "{what}");
    }
}

#[test]
fn xlsx_packages_written_otherwise_check_like_the_original() {
    let original = std::fs::read(root().join("fixtures/cas/C005-logo-manquant.xlsx")).unwrap();
    let [(_, backslashes), (_, at_the_root), (_, other_case)] = package_variants(&original);
    // Each variant really is one: the names the test means to change changed.
    let names = |b: &[u8]| -> Vec<String> {
        zip::ZipArchive::new(std::io::Cursor::new(b))
            .unwrap()
            .file_names()
            .map(|n| n.unwrap().to_string())
            .collect()
    };
    assert!(names(&backslashes).iter().any(|n| n == "xl\\workbook.xml"));
    assert!(names(&at_the_root).iter().any(|n| n == "workbook.xml"));
    assert!(!names(&other_case).iter().any(|n| n.starts_with("docProps")));
    same(
        "bilan.xlsx",
        &original,
        &[
            ("backslashes", backslashes),
            ("workbook at the root", at_the_root),
            ("other case, no docProps", other_case),
        ],
    );
}

#[test]
fn ods_packages_written_otherwise_check_like_the_original() {
    let original =
        std::fs::read(root().join("fixtures/cas/libreoffice/C005-logo-manquant.ods")).unwrap();
    let backslashes = rezip(&original, |n| Some(n.replace('/', "\\")), |_, c| c);
    let other_case = rezip(
        &original,
        |n| {
            Some(match n {
                "content.xml" => "Content.XML".to_string(),
                "META-INF/manifest.xml" => "meta-inf/Manifest.xml".to_string(),
                n => n.to_string(),
            })
        },
        |_, c| c,
    );
    same(
        "bilan.ods",
        &original,
        &[("backslashes", backslashes), ("other case", other_case)],
    );
}

#[test]
fn an_encrypted_ods_is_a_password_finding() {
    let original = std::fs::read(root().join("fixtures/bilans/2025/41-BLO.ods")).unwrap();
    // As LibreOffice writes a password-protected file: the manifest declares how each part is
    // encrypted, and content.xml is ciphertext.
    let encrypted = rezip(
        &original,
        |n| Some(n.to_string()),
        |n, c| {
            match n {
            "META-INF/manifest.xml" => replace_in(
                c,
                "manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>",
                "manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\" manifest:size=\"40000\"><manifest:encryption-data manifest:checksum-type=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k\" manifest:checksum=\"AAAA\"><manifest:algorithm manifest:algorithm-name=\"http://www.w3.org/2001/04/xmlenc#aes256-cbc\" manifest:initialisation-vector=\"AAAA\"/></manifest:encryption-data></manifest:file-entry>",
            ),
            "content.xml" => (0..c.len()).map(|i| (i * 7919 % 251) as u8).collect(),
            _ => c,
        }
        },
    );
    let manifest = {
        let mut a = zip::ZipArchive::new(std::io::Cursor::new(&encrypted)).unwrap();
        let mut s = String::new();
        a.by_name("META-INF/manifest.xml")
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    assert!(manifest.contains("encryption-data"), "{manifest}");
    assert_eq!(
        findings_of("bilan.ods", &encrypted),
        [("F001".to_string(), String::new(), String::new())]
    );
    assert!(first_message("bilan.ods", &encrypted).contains("mot de passe"));
}

/// The `Workbook` stream of an `.xls`.
fn workbook_stream(xls: &[u8]) -> Vec<u8> {
    let mut comp = cfb::CompoundFile::open(std::io::Cursor::new(xls)).unwrap();
    let mut stream = Vec::new();
    comp.open_stream("/Workbook")
        .unwrap()
        .read_to_end(&mut stream)
        .unwrap();
    stream
}

/// An `.xls` holding `stream` as its `Workbook`.
fn xls_with(stream: &[u8]) -> Vec<u8> {
    let mut comp = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    comp.create_stream("/Workbook")
        .unwrap()
        .write_all(stream)
        .unwrap();
    comp.flush().unwrap();
    comp.into_inner().into_inner()
}

/// The offset and length of each record of type `typ` in a BIFF stream.
fn records_of(stream: &[u8], typ: u16) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos + 4 <= stream.len() {
        let t = u16::from_le_bytes([stream[pos], stream[pos + 1]]);
        let len = u16::from_le_bytes([stream[pos + 2], stream[pos + 3]]) as usize;
        if t == typ {
            out.push((pos, len));
        }
        pos += 4 + len;
    }
    out
}

#[test]
fn an_xls_with_filepass_is_a_password_finding_before_any_record_is_trusted() {
    let xls = std::fs::read(root().join("fixtures/bilans/2025/45-ORL.xls")).unwrap();
    let stream = workbook_stream(&xls);
    let bof_end = 4 + u16::from_le_bytes([stream[2], stream[3]]) as usize;
    // XOR obfuscation (the default « VelvetSweatshop » write protection is one), and RC4.
    let xor = [0x2F, 0x00, 0x06, 0x00, 0x00, 0x00, 0x34, 0x12, 0x78, 0x56];
    let mut rc4 = vec![0x2F, 0x00, 0x36, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00];
    rc4.extend([0xAB; 48]);
    for (what, filepass) in [("XOR", xor.to_vec()), ("RC4", rc4)] {
        let mut encrypted = stream[..bof_end].to_vec();
        encrypted.extend(&filepass);
        // What follows is ciphertext: records that would read as absurd sizes in clear.
        encrypted.extend(stream[bof_end..].iter().map(|b| b ^ 0x5A));
        let bytes = xls_with(&encrypted);
        assert_eq!(
            findings_of("bilan.xls", &bytes),
            [("F001".to_string(), String::new(), String::new())],
            "{what}"
        );
        assert!(
            first_message("bilan.xls", &bytes).contains("protégé par un mot de passe"),
            "{what}"
        );
    }
}

#[test]
fn an_xls_is_judged_by_what_calamine_allocates() {
    let xls = std::fs::read(root().join("fixtures/bilans/2025/45-ORL.xls")).unwrap();
    let expected = findings_of("bilan.xls", &xls);
    let stream = workbook_stream(&xls);
    let dimensions = records_of(&stream, 0x0200);
    assert!(!dimensions.is_empty());
    // Each DIMENSIONS record patched where it lies in the file (calamine's own compound-file
    // reader wants the container as LibreOffice wrote it).
    let declaring = |rows: u32, cols: u16| {
        let mut file = xls.clone();
        for (pos, len) in &dimensions {
            assert!(*len >= 14);
            let record = &stream[*pos..pos + 4 + len];
            let at = file
                .windows(record.len())
                .position(|w| w == record)
                .expect("the record lies whole in one sector");
            let data = at + 4;
            file[data..data + 4].copy_from_slice(&0u32.to_le_bytes());
            file[data + 4..data + 8].copy_from_slice(&rows.to_le_bytes());
            file[data + 8..data + 10].copy_from_slice(&0u16.to_le_bytes());
            file[data + 10..data + 12].copy_from_slice(&cols.to_le_bytes());
        }
        file
    };
    // 32,771 × 131 declared, a few dozen cells held: read like the original.
    assert_eq!(findings_of("bilan.xls", &declaring(32_771, 131)), expected);
    // A declaration calamine could not reserve room for is still refused before it reads.
    let lie = findings_of("bilan.xls", &declaring(4_000_000, 256));
    assert_eq!(lie[0].0, "F003", "{lie:?}");
    assert!(first_message("bilan.xls", &declaring(4_000_000, 256)).contains("dimension déclarée"));
}

#[test]
fn an_excel_4_macro_sheet_is_named_with_its_fix() {
    let original = std::fs::read(root().join("fixtures/bilans/2025/36-CHX.xlsx")).unwrap();
    let mut with_macro = rezip(&original, |n| Some(n.to_string()), |_, c| c);
    {
        let mut archive =
            zip::ZipWriter::new_append(std::io::Cursor::new(&mut with_macro)).unwrap();
        archive
            .start_file(
                "xl/macrosheets/sheet1.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
        archive
            .write_all(b"<xm:macrosheet xmlns:xm=\"http://schemas.microsoft.com/office/excel/2006/main\"/>")
            .unwrap();
        archive.finish().unwrap();
    }
    assert_eq!(
        findings_of("bilan.xlsm", &with_macro),
        [("F001".to_string(), String::new(), String::new())]
    );
    let message = first_message("bilan.xlsm", &with_macro);
    assert!(message.contains("feuille de macros Excel 4"), "{message}");
    assert!(message.contains("Classeur Excel (.xlsx)"), "{message}");
}

#[test]
fn real_other_formats_still_read() {
    // The LibreOffice .ods and .xls of the sample batch are untouched by the package rules.
    for name in ["41-BLO.ods", "45-ORL.xls"] {
        let path = root().join("fixtures/bilans/2025").join(name);
        let report = check_path(Path::new(&path), Some(2025));
        assert!(report.findings.is_empty(), "{name}: {:?}", triples(&report));
    }
}
