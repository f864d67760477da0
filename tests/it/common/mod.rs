//! Helpers shared by the integration tests: fixture descriptions, building them into real
//! workbooks, and checking them the way `spro check` does.
#![allow(dead_code)]

pub mod edit;
pub mod server;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;
use spro_bilans::check::{CheckSettings, Checker, FileReport};
use spro_bilans::fixture;

/// `spro ARGS` run in `cwd`: in French unless the arguments ask otherwise (`SPRO_LANG` of the
/// environment removed), without colour (`NO_COLOR`). The one way the tests run the binary.
pub fn spro(args: &[&str], cwd: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_spro"))
        .args(args)
        .current_dir(cwd)
        .env_remove("SPRO_LANG")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// The cells of sheet `name` of a workbook, read back with calamine.
pub fn sheet(path: &Path, name: &str) -> Vec<Vec<calamine::Data>> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

/// A cell as text (numbers as Rust writes them, empty as "").
pub fn s(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The description `fixtures/sources/<name>.json`.
pub fn source(name: &str) -> Value {
    let path = root().join("fixtures/sources").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The checker of `spro check --annee YEAR` with the registry and referential built in.
pub fn checker(year: Option<i32>) -> Checker {
    Checker::build(settings(year)).unwrap()
}

/// The settings of that checker, to change one before building it.
pub fn settings(year: Option<i32>) -> CheckSettings {
    CheckSettings::default().for_year(year)
}

/// Builds `description` into `dir/name.xlsx` and returns the path.
pub fn write(dir: &Path, name: &str, description: &Value) -> PathBuf {
    let path = dir.join(format!("{name}.xlsx"));
    std::fs::write(&path, fixture::build_xlsx(description).unwrap()).unwrap();
    path
}

/// Checks one description as an `.xlsx` file (year 2025 asked), batch rules included.
pub fn check(description: &Value) -> FileReport {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "bilan", description);
    check_path(&path, Some(2025))
}

pub fn check_path(path: &Path, year: Option<i32>) -> FileReport {
    let (inputs, _) = spro_bilans::inputs::collect(&[path.to_path_buf()]).unwrap();
    let mut report = checker(year).check_inputs(&inputs, false, &|| {});
    report.files.remove(0)
}

/// (code, sheet, cell) of every finding.
pub fn triples(report: &FileReport) -> Vec<(String, String, String)> {
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.code.to_string(),
                f.sheet_name().unwrap_or("").to_string(),
                f.cell_a1().unwrap_or_default(),
            )
        })
        .collect()
}

/// The description `base` with `edits` applied.
pub fn edited(base: &str, edits: &Value) -> Value {
    let mut d = source(base);
    for e in edits.as_array().unwrap() {
        fixture::apply(&mut d, e).unwrap();
    }
    d
}

/// Converts `file` with LibreOffice headless (`soffice --convert-to FORMAT`) into `outdir` and
/// returns the converted file: the proof that a real spreadsheet application opens it.
pub fn soffice_convert(file: &Path, format: &str, outdir: &Path) -> PathBuf {
    let profile = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", format, "--outdir"])
        .arg(outdir)
        .arg(file)
        .output()
        .expect(
            "soffice (LibreOffice) must be installed: apt-get install -y libreoffice-calc-nogui",
        );
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let out = outdir.join(file.with_extension(format).file_name().unwrap());
    assert!(
        out.is_file(),
        "LibreOffice wrote nothing: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    out
}

// Reading an annotated copy: its parts, a cell's fill, its notes.

pub fn part(path: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The worksheet part of a sheet name, found as applications find it: the sheet's
/// relationship in `xl/_rels/workbook.xml.rels`.
pub fn sheet_part(path: &Path, sheet: &str) -> String {
    let workbook = part(path, "xl/workbook.xml");
    let tag = format!("name=\"{sheet}\"");
    let at = workbook
        .find(&tag)
        .unwrap_or_else(|| panic!("no sheet {sheet}"));
    let rest = &workbook[at..];
    let id = rest
        .split("id=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let rels = part(path, "xl/_rels/workbook.xml.rels");
    let rel = rels
        .split("<Relationship ")
        .find(|r| r.contains(&format!("Id=\"{id}\"")))
        .unwrap();
    let target = rel
        .split("Target=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let name = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    };
    part(path, &name)
}

/// The fill colour (RGB) of a cell, from the cell's style in styles.xml.
pub fn fill_of(path: &Path, sheet: &str, cell: &str) -> Option<String> {
    let xml = sheet_part(path, sheet);
    let at = xml.find(&format!("<c r=\"{cell}\""))?;
    let tag = &xml[at..at + xml[at..].find('>')?];
    let style: usize = tag.split("s=\"").nth(1)?.split('"').next()?.parse().ok()?;
    let styles = part(path, "xl/styles.xml");
    let xfs = styles.split("<cellXfs").nth(1)?;
    let xf = xfs.split("<xf ").nth(style + 1)?;
    let fill_id: usize = xf
        .split("fillId=\"")
        .nth(1)?
        .split('"')
        .next()?
        .parse()
        .ok()?;
    let fill = styles
        .split("<fills")
        .nth(1)?
        .split("<fill>")
        .nth(fill_id + 1)?;
    Some(fill.split("rgb=\"").nth(1)?.split('"').next()?.to_string())
}

pub fn notes(path: &Path) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let names: Vec<String> = z
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.to_string()))
        .filter(|n| n.starts_with("xl/comments"))
        .collect();
    let mut all = String::new();
    for n in names {
        z.by_name(&n).unwrap().read_to_string(&mut all).unwrap();
    }
    all
}

/// An encrypted OOXML workbook, as Excel writes one with a password: an OLE compound file
/// holding EncryptionInfo and EncryptedPackage streams, whatever its extension says.
pub fn encrypted_workbook() -> Vec<u8> {
    let mut comp = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    comp.create_stream("/EncryptionInfo")
        .unwrap()
        .write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0])
        .unwrap();
    comp.create_stream("/EncryptedPackage")
        .unwrap()
        .write_all(&[0u8; 4096])
        .unwrap();
    comp.flush().unwrap();
    comp.into_inner().into_inner()
}

/// A copy of `schemas/` in `dir/schemas`, each file's text passed through `edit(name, text)`.
pub fn schemas_copy(dir: &Path, edit: impl Fn(&str, String) -> String) -> PathBuf {
    let schemas = dir.join("schemas");
    copy_tree(&root().join("schemas"), &schemas, "", &edit);
    schemas
}

/// Copies the JSON files of `from` into `to`, folders included, each through `edit` (given its
/// path relative to the registry: `modeles.json`, `2025.1/actions.json`).
fn copy_tree(from: &Path, to: &Path, prefix: &str, edit: &dyn Fn(&str, String) -> String) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let rel = format!("{prefix}{name}");
        if p.is_dir() {
            copy_tree(&p, &to.join(&name), &format!("{rel}/"), edit);
        } else if p.extension().is_some_and(|x| x == "json") {
            let text = edit(&rel, std::fs::read_to_string(&p).unwrap());
            std::fs::write(to.join(&name), text).unwrap();
        }
    }
}

/// The archive `bytes` with each entry renamed by `rename` (`None` drops it) and its content
/// changed by `edit`.
pub fn rezip(
    bytes: &[u8],
    rename: impl Fn(&str) -> Option<String>,
    edit: impl Fn(&str, Vec<u8>) -> Vec<u8>,
) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let Some(new_name) = rename(&name) else {
            continue;
        };
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        out.start_file(new_name, options).unwrap();
        out.write_all(&edit(&name, content)).unwrap();
    }
    out.finish().unwrap().into_inner()
}

pub fn replace_in(content: Vec<u8>, from: &str, to: &str) -> Vec<u8> {
    String::from_utf8(content)
        .unwrap()
        .replace(from, to)
        .into_bytes()
}

/// The `.xlsx` `bytes` made a macro workbook (`.xlsm`): the macro-enabled content type and a
/// `vbaProject.bin` part (the bytes `macros`).
pub fn xlsm_of(bytes: &[u8], macros: &[u8]) -> Vec<u8> {
    let edited = rezip(
        bytes,
        |n| Some(n.to_string()),
        |n, c| {
            match n {
        "[Content_Types].xml" => {
            let c = replace_in(
                c,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            );
            replace_in(c, "</Types>", "<Default Extension=\"bin\" ContentType=\"application/vnd.ms-office.vbaProject\"/></Types>")
        }
        "xl/_rels/workbook.xml.rels" => replace_in(
            c,
            "</Relationships>",
            "<Relationship Id=\"rIdVba\" Type=\"http://schemas.microsoft.com/office/2006/relationships/vbaProject\" Target=\"vbaProject.bin\"/></Relationships>",
        ),
        _ => c,
    }
        },
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(edited)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        out.raw_copy_file(archive.by_index_raw(i).unwrap()).unwrap();
    }
    out.start_file(
        "xl/vbaProject.bin",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    out.write_all(macros).unwrap();
    out.finish().unwrap().into_inner()
}

/// The package `original` written as other software writes packages: names with backslashes,
/// the workbook at the root of the archive, names in capitals without docProps.
pub fn package_variants(original: &[u8]) -> [(&'static str, Vec<u8>); 3] {
    let backslashes = rezip(original, |n| Some(n.replace('/', "\\")), |_, c| c);
    let at_the_root = rezip(
        original,
        |n| {
            Some(match n {
                "xl/_rels/workbook.xml.rels" => "_rels/workbook.xml.rels".to_string(),
                n => n.strip_prefix("xl/").unwrap_or(n).to_string(),
            })
        },
        |n, c| match n {
            "_rels/.rels" => replace_in(c, "xl/workbook.xml", "workbook.xml"),
            "[Content_Types].xml" => replace_in(c, "/xl/", "/"),
            _ => c,
        },
    );
    let other_case = rezip(
        original,
        |n| {
            if n.starts_with("docProps/") {
                None
            } else if n == "[Content_Types].xml" {
                Some("[CONTENT_TYPES].XML".to_string())
            } else {
                Some(n.replace("xl/", "XL/"))
            }
        },
        |_, c| c,
    );
    [
        ("backslashes", backslashes),
        ("racine", at_the_root),
        ("casse", other_case),
    ]
}

/// Every plural written « (s) », « (x) », « (es) », « (ies) » or « (nt) » after a letter in
/// `text`, with a little context: counts must agree as each language does instead.
pub fn plurals_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for mark in ["(s)", "(x)", "(es)", "(ies)", "(nt)"] {
        for (at, _) in text.match_indices(mark) {
            let before = text[..at].chars().next_back();
            if before.is_some_and(char::is_alphabetic) {
                let start = text[..at]
                    .char_indices()
                    .rev()
                    .nth(30)
                    .map_or(0, |(i, _)| i);
                let end = (at + mark.len() + 20).min(text.len());
                let end = (end..=text.len())
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(text.len());
                found.push(text[start..end].to_string());
            }
        }
    }
    found
}

/// `spro ARGS` in `dir`, expected to succeed (its error output shown otherwise).
pub fn spro_ok(args: &[&str], dir: &Path) -> std::process::Output {
    let out = spro(args, dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `spro check --format json -q ARGS` in `dir`: its exit code and report.
pub fn json_check(args: &[&str], dir: &Path) -> (Option<i32>, Value) {
    let mut all = vec!["check", "--format", "json", "-q"];
    all.extend_from_slice(args);
    let out = spro(&all, dir);
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), json)
}

/// The codes of a file's findings, in order.
pub fn codes(file: &Value) -> Vec<String> {
    file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// The file of a JSON report whose path ends with `name`.
pub fn file<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with(name))
        .unwrap()
}

/// `frictionless validate` on a package: it must pass.
pub fn frictionless_validates(dir: &Path) {
    let out = std::process::Command::new("python3")
        .args(["-m", "frictionless", "validate", "datapackage.json"])
        .current_dir(dir)
        .output()
        .expect("frictionless (pip install frictionless==5.18.1; ./test.sh installs it)");
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CSV file of the package: its header and its rows, by column name.
pub fn csv_rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}
