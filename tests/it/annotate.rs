//! `spro check --annote DIR`: annotated copies read back (values with calamine; fills, notes
//! and links from the XML), names that never collide, and LibreOffice opening them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use calamine::{open_workbook, Data, Reader, Xlsx};

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

/// The first column of the `Anomalies` sheet of a copy.
fn anomalies_lines(copy: &Path) -> Vec<String> {
    let mut wb: Xlsx<_> = open_workbook(copy).unwrap();
    wb.worksheet_range("Anomalies")
        .unwrap()
        .rows()
        .map(|r| r[0].to_string())
        .collect()
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
        rows[1][0].starts_with("Statut : non conforme — 3 erreurs, 0 avertissement"),
        "{:?}",
        rows[1]
    );
    assert!(rows[2][0].starts_with("Avant d'envoyer le fichier corrigé, supprimez cette feuille"));
    assert_eq!(
        rows[4][..5],
        ["Sévérité", "Code", "Règle", "Feuille", "Cellule"]
    );
    let listed: Vec<(String, String)> = rows[5..]
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
    // The values are the file's own.
    let actions = wb.worksheet_range("Actions").unwrap();
    assert!(matches!(actions.get_value((1, 4)), Some(Data::DateTime(_))));
    assert_eq!(actions.get_value((1, 10)), Some(&Data::Float(1250.0)));
    assert_eq!(
        actions.get_value((1, 0)),
        Some(&Data::String("CHX-01".into()))
    );
}

#[test]
fn clean_files_say_so_and_missing_cells_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let clean = root().join("fixtures/bilans/2025/37-TOU.xlsx");
    let missing = root().join("fixtures/cas/S001-feuille-manquante.xlsx");
    let files = annote(&[&clean, &missing], dir.path());
    let text = anomalies_lines(&files[0]);
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
    // The copies of an .ods and an .xls: their values, marked; `Anomalies` says to correct the
    // original, not to send the copy back.
    for copy in &files[..2] {
        let wb: Xlsx<_> = open_workbook(copy).unwrap();
        assert_eq!(wb.sheet_names()[0], "Anomalies");
        assert!(wb.sheet_names().contains(&"Structures".to_string()));
        let first = anomalies_lines(copy);
        assert_eq!(first[2], spro_bilans::annotate::VALUES_ONLY, "{first:?}");
        assert!(!first.iter().any(|l| l.starts_with("Avant d'envoyer")));
    }
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

// The copy of an .xlsx is the coordinator's own file, marked.

/// Runs `tests/compare_copy.py`: what `copy` lost of `original` (through openpyxl), and the
/// cells it marks.
fn compare(original: &Path, copy: &Path, marks_only: bool) -> serde_json::Value {
    let mut cmd = Command::new("python3");
    cmd.arg(root().join("tests/compare_copy.py"))
        .arg(original)
        .arg(copy);
    if marks_only {
        cmd.arg("--marks");
    }
    let o = cmd
        .output()
        .expect("python3 with openpyxl (pip install openpyxl)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The name of the folder holding `path`.
fn folder_of(path: &Path) -> String {
    path.parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Every part of a package, by name.
fn parts_of(path: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

/// `spro template`, filled by openpyxl with `edits` on the 36-CHX description.
fn filled_template(dir: &Path, edits: serde_json::Value) -> PathBuf {
    let template = dir.join("modele.xlsx");
    let o = Command::new(env!("CARGO_BIN_EXE_spro"))
        .args(["template", "--annee", "2025", "-o"])
        .arg(&template)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let description = dir.join("description.json");
    std::fs::write(
        &description,
        serde_json::to_string(&edited("36-CHX-2025", &edits)).unwrap(),
    )
    .unwrap();
    let filled = dir.join("36-CHX.xlsx");
    let status = Command::new("python3")
        .arg(root().join("tests/fill_template.py"))
        .arg(&template)
        .arg(&description)
        .arg(&filled)
        .status()
        .expect("python3 with openpyxl (pip install openpyxl)");
    assert!(status.success());
    filled
}

/// The parts of `copy` that differ from `original`'s: every part of the original is there,
/// and only the parts marking needs changed.
fn changed_parts(original: &Path, copy: &Path) -> Vec<String> {
    let before = parts_of(original);
    let after = parts_of(copy);
    let mut changed = Vec::new();
    for (name, bytes) in &before {
        let now = after
            .get(name)
            .unwrap_or_else(|| panic!("{name} lost in the copy"));
        if now != bytes {
            changed.push(name.clone());
        }
    }
    changed
}

/// The copy of `original` (a template filled by another program, in `dir`): only what marking
/// needs changed, everything of the original kept (openpyxl), the same marks as the copy made
/// from the values (the same file as .ods), and LibreOffice showing them.
fn marked_like_the_rebuilt_copy(original: &Path, dir: &Path) {
    let out = dir.join("copies").join(folder_of(original));
    let copy = annote(&[original], &out).remove(0);
    // Part by part: only what marking needs changed.
    let changed = changed_parts(original, &copy);
    for name in &changed {
        assert!(
            [
                "[Content_Types].xml",
                "xl/workbook.xml",
                "xl/_rels/workbook.xml.rels",
                "xl/styles.xml",
            ]
            .contains(&name.as_str())
                || name.starts_with("xl/worksheets/")
                || name.starts_with("xl/comments")
                || name.starts_with("xl/drawings/"),
            "{name} changed"
        );
    }
    // Instructions (selected: Anomalies is now), Identification and Actions (marked);
    // the other sheets are the file's bytes.
    let sheets_changed = changed
        .iter()
        .filter(|n| n.starts_with("xl/worksheets/sheet"))
        .count();
    assert_eq!(sheets_changed, 3, "{changed:?}");
    // Through openpyxl: every drop-down, note, number format, width, pane, value and
    // formula of the original is in the copy.
    let seen = compare(original, &copy, false);
    assert_eq!(
        seen["lost"],
        serde_json::json!([]),
        "{}",
        original.display()
    );
    assert_eq!(seen["sheets"][0], "Anomalies");
    let marks = seen["marks"].as_array().unwrap().clone();
    let codes: Vec<String> = marks
        .iter()
        .map(|m| {
            m[3].as_str()
                .unwrap_or("")
                .trim_start_matches("spro:\n")
                .chars()
                .take(4)
                .collect()
        })
        .collect();
    assert!(codes.contains(&"C005".to_string()), "{marks:?}");
    assert!(codes.contains(&"C008".to_string()), "{marks:?}");
    assert!(codes.contains(&"R001".to_string()), "{marks:?}");
    // The same marks, cell for cell and note for note, as the copy made from the values
    // (the same file as .ods).
    let ods_dir = dir.join("ods").join(folder_of(original));
    std::fs::create_dir_all(&ods_dir).unwrap();
    let ods = soffice_convert(original, "ods", &ods_dir);
    let rebuilt = annote(&[&ods], &ods_dir).remove(0);
    assert_eq!(compare(&rebuilt, &rebuilt, true)["marks"], seen["marks"]);
    // LibreOffice opens the copy and shows the fills: saved again by it, the same cells
    // are filled with the same colours.
    let again_dir = out.join("libreoffice");
    std::fs::create_dir_all(&again_dir).unwrap();
    let again = soffice_convert(&copy, "xlsx", &again_dir);
    let cells = |v: &serde_json::Value| -> Vec<(String, String, String)> {
        v["marks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m[0].as_str().unwrap().into(),
                    m[1].as_str().unwrap().into(),
                    m[2].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    assert_eq!(cells(&compare(&again, &again, true)), cells(&seen));
    assert!(
        std::fs::metadata(soffice_convert(&copy, "pdf", &again_dir))
            .unwrap()
            .len()
            > 5_000
    );
}

#[test]
fn a_template_filled_elsewhere_keeps_everything_and_gets_the_same_marks() {
    let dir = tempfile::tempdir().unwrap();
    let edits = serde_json::json!([
        {"feuille": "Actions", "cellule": "P3", "valeur": "Non"},
        {"feuille": "Actions", "cellule": "O5", "valeur": null},
        {"feuille": "Actions", "cellule": "L2", "valeur": 700},
        {"feuille": "Identification", "cellule": "B2", "valeur": "36-CHT"}
    ]);
    let by_openpyxl = filled_template(dir.path(), edits);
    // The same file once LibreOffice has saved it, with a formula typed in (LibreOffice
    // stores its value).
    let with_formula = dir.path().join("formule.xlsx");
    let script = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Actions"]
headers = [c.value for c in ws[1]]
ws.cell(row=3, column=headers.index("dont hommes") + 1).value = "=80+5"
wb.save(sys.argv[2])
"#;
    let status = Command::new("python3")
        .args(["-c", script])
        .arg(&by_openpyxl)
        .arg(&with_formula)
        .status()
        .unwrap();
    assert!(status.success());
    let lo_dir = dir.path().join("libreoffice");
    std::fs::create_dir_all(&lo_dir).unwrap();
    let by_libreoffice = soffice_convert(&with_formula, "xlsx", &lo_dir);

    for original in [&by_openpyxl, &by_libreoffice] {
        marked_like_the_rebuilt_copy(original, dir.path());
    }
    // The formula LibreOffice saved is still a formula, with its value.
    let copy = dir
        .path()
        .join("copies/libreoffice/annotes/formule.annote.xlsx");
    let actions = sheet_part(&copy, "Actions");
    assert!(actions.contains(">80+5</f><v>85</v>"), "{actions}");
}

#[test]
fn packages_written_otherwise_are_marked_without_breaking_them() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read(root().join("fixtures/cas/C005-logo-manquant.xlsx")).unwrap();
    let expected = triples(&check_path(
        &root().join("fixtures/cas/C005-logo-manquant.xlsx"),
        Some(2025),
    ));
    for (name, bytes) in package_variants(&original) {
        let input = dir.path().join(format!("{name}.xlsx"));
        std::fs::write(&input, bytes).unwrap();
        let copy = annote(&[&input], &dir.path().join(name)).remove(0);
        // Checked again, the copy gives the same findings, and one line for Anomalies.
        let again = check_path(&copy, Some(2025));
        let mut found = triples(&again);
        let extra = found
            .iter()
            .position(|t| t.0 == "S007" && t.1 == "Anomalies")
            .unwrap_or_else(|| panic!("{name}: {found:?}"));
        found.remove(extra);
        assert_eq!(found, expected, "{name}");
        // Marked where the findings are; LibreOffice opens the copy whenever it opens the
        // original (it opens neither a package whose names are in capitals, it opens the
        // copy of one written with backslashes, whose names the check made canonical).
        let z = zip::ZipArchive::new(std::fs::File::open(&copy).unwrap()).unwrap();
        assert!(
            z.file_names()
                .any(|n| n.unwrap().to_lowercase().contains("comments")),
            "{name}"
        );
        let opens = |path: &Path| {
            let out = dir.path().join(name).join("pdf");
            std::fs::create_dir_all(&out).unwrap();
            let profile = tempfile::tempdir().unwrap();
            let o = Command::new("soffice")
                .arg(format!(
                    "-env:UserInstallation=file://{}",
                    profile.path().display()
                ))
                .args(["--headless", "--convert-to", "pdf", "--outdir"])
                .arg(&out)
                .arg(path)
                .output()
                .expect("soffice (LibreOffice)");
            o.status.success()
                && out
                    .join(path.with_extension("pdf").file_name().unwrap())
                    .is_file()
        };
        if name != "casse" {
            assert!(opens(&copy), "{name}");
        } else {
            assert_eq!(opens(&copy), opens(&input), "{name}");
        }
    }
}

/// A package written by hand the way no common program writes one: a prefixed namespace
/// (`x:`), inline strings, a shared formula, a note already on a cell the check marks, no
/// stylesheet, no docProps.
fn hostile_package() -> Vec<u8> {
    let parts: [(&str, &str); 8] = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/comments1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/></Types>"#),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><s:workbook xmlns:s="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><s:sheets><s:sheet name="Identification" sheetId="1" rel:id="rId1"/></s:sheets><s:definedNames><s:definedName name="_xlnm.Print_Area" localSheetId="0">Identification!$A$1:$C$3</s:definedName></s:definedNames></s:workbook>"#),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
        ("xl/worksheets/sheet1.xml", r#"<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Champ</x:t></x:is></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>Valeur</x:t></x:is></x:c></x:row><x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>Code réseau</x:t></x:is></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>99-ZZZ</x:t></x:is></x:c><x:c r="C2"><x:f t="shared" ref="C2:C3" si="0">1+1</x:f><x:v>2</x:v></x:c></x:row><x:row r="3"><x:c r="A3" t="inlineStr"><x:is><x:t>Année du bilan</x:t></x:is></x:c><x:c r="B3"><x:v>1999</x:v></x:c><x:c r="C3"><x:f t="shared" si="0"/><x:v>2</x:v></x:c></x:row></x:sheetData><x:legacyDrawing rel:id="rId2"/></x:worksheet>"#),
        ("xl/worksheets/_rels/sheet1.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="../comments1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/></Relationships>"#),
        ("xl/comments1.xml", r#"<?xml version="1.0" encoding="UTF-8"?><comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>Région</author></authors><commentList><comment ref="B2" authorId="0"><text><t>Le code du réseau, par exemple 36-CHX.</t></text></comment></commentList></comments>"#),
        // As Excel writes it: not well-formed XML (`<br>`), single quotes.
        ("xl/drawings/vmlDrawing1.vml", "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\"\n xmlns:o=\"urn:schemas-microsoft-com:office:office\"\n xmlns:x=\"urn:schemas-microsoft-com:office:excel\">\n <o:shapelayout v:ext=\"edit\">\n  <o:idmap v:ext=\"edit\" data=\"1\"/>\n </o:shapelayout><v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\"\n  path=\"m,l,21600r21600,l21600,xe\">\n  <v:stroke joinstyle=\"miter\"/>\n  <v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/>\n </v:shapetype><v:shape id=\"_x0000_s1025\" type=\"#_x0000_t202\" style='position:absolute;\n  margin-left:107pt;margin-top:1pt;width:96pt;height:55pt;z-index:1;\n  visibility:hidden' fillcolor=\"#ffffe1\" o:insetmode=\"auto\">\n  <v:fill color2=\"#ffffe1\"/><br>\n  <v:textbox style='mso-direction-alt:auto'>\n   <div style='text-align:left'></div>\n  </v:textbox>\n  <x:ClientData ObjectType=\"Note\">\n   <x:MoveWithCells/>\n   <x:SizeWithCells/>\n   <x:Anchor>\n    2, 15, 0, 10, 4, 15, 4, 4</x:Anchor>\n   <x:AutoFill>False</x:AutoFill>\n   <x:Row>1</x:Row>\n   <x:Column>1</x:Column>\n  </x:ClientData>\n </v:shape></xml>"),
    ];
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in parts {
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut out, content.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_hand_written_package_is_marked_and_stays_valid() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("fait-main.xlsx");
    std::fs::write(&input, hostile_package()).unwrap();
    let copy = annote(&[&input], dir.path()).remove(0);
    // The marks: B2 (V004) keeps the note it had, ours after it; B3 (V005) gets one.
    let seen = compare(&input, &copy, false);
    let marks = seen["marks"].as_array().unwrap();
    assert_eq!(marks.len(), 2, "{marks:?}");
    assert_eq!(marks[0][1], "B2");
    let b2 = marks[0][3].as_str().unwrap();
    assert!(
        b2.starts_with("Le code du réseau, par exemple 36-CHX.\n\nspro:\nV004"),
        "{b2}"
    );
    assert!(marks[1][3].as_str().unwrap().starts_with("spro:\nV005"));
    // Values, inline strings and the shared formula kept; only the cells' fonts differ (the
    // file had no stylesheet: the copy has the default one).
    for lost in seen["lost"].as_array().unwrap() {
        assert!(
            lost.as_str()
                .unwrap()
                .ends_with("font, border, alignment or protection"),
            "{lost}"
        );
    }
    let sheet = sheet_part(&copy, "Identification");
    assert!(
        sheet.contains(r#"<x:c r="C3"><x:f t="shared" si="0"/><x:v>2</x:v></x:c>"#),
        "{sheet}"
    );
    assert!(
        sheet.contains(r#"<x:c r="B2" t="inlineStr" s="9"><x:is><x:t>99-ZZZ</x:t></x:is></x:c>"#),
        "{sheet}"
    );
    // The print area follows its sheet, now second.
    assert!(part(&copy, "xl/workbook.xml").contains(r#"localSheetId="1">Identification!$A$1:$C$3"#));
    // The drawing keeps Excel's own markup and gains one box (the note B2 had keeps its own).
    let vml = part(&copy, "xl/drawings/vmlDrawing1.vml");
    assert!(vml.contains("<v:fill color2=\"#ffffe1\"/><br>"));
    assert_eq!(vml.matches("<v:shape ").count(), 2, "{vml}");
    // Checked again, the same findings plus the Anomalies sheet; LibreOffice opens it.
    let mut again = triples(&check_path(&copy, Some(2025)));
    again.retain(|t| !(t.0 == "S007" && t.1 == "Anomalies"));
    assert_eq!(again, triples(&check_path(&input, Some(2025))));
    let pdf = soffice_convert(&copy, "pdf", dir.path());
    assert!(std::fs::metadata(pdf).unwrap().len() > 1_000);
}

#[test]
fn sixty_thousand_marked_cells() {
    let dir = tempfile::tempdir().unwrap();
    let mut description = source("36-CHX-2025");
    let actions = description["sheets"]["Actions"].as_array_mut().unwrap();
    let headers: Vec<String> = actions[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_string())
        .collect();
    let col = |h: &str| headers.iter().position(|x| x == h).unwrap();
    let model = actions[1].clone();
    actions.truncate(1);
    for i in 0..20_000 {
        let mut row = model.clone();
        row[0] = format!("X-{i:05}").into();
        row[col("Type d'action")] = "Inconnu".into();
        row[col("Modalité")] = "Ailleurs".into();
        row[col("Logo Région")] = "Peut-être".into();
        actions.push(row);
    }
    let input = write(dir.path(), "36-CHX", &description);
    let report = check_path(&input, Some(2025));
    let marked: std::collections::BTreeSet<(String, String)> = report
        .findings
        .iter()
        .filter_map(|f| Some((f.sheet_name()?.to_string(), f.cell_a1()?)))
        .collect();
    assert!(marked.len() >= 60_000, "{}", marked.len());
    let copy = annote(&[&input], dir.path()).remove(0);
    let all = notes(&copy);
    assert_eq!(all.matches("<comment ").count(), marked.len());
    // One box per note, each with its own id.
    let mut ids = std::collections::BTreeSet::new();
    let mut z = zip::ZipArchive::new(std::fs::File::open(&copy).unwrap()).unwrap();
    let names: Vec<String> = z.file_names().map(|n| n.unwrap().to_string()).collect();
    for name in names.iter().filter(|n| n.ends_with(".vml")) {
        let mut vml = String::new();
        std::io::Read::read_to_string(&mut z.by_name(name).unwrap(), &mut vml).unwrap();
        for id in vml.split("<v:shape id=\"").skip(1) {
            assert!(ids.insert(id.split('"').next().unwrap().to_string()));
        }
    }
    assert_eq!(ids.len(), marked.len());
    // Checked again: the same findings, and the copy's Anomalies sheet.
    let mut again = triples(&check_path(&copy, Some(2025)));
    again.retain(|t| !(t.0 == "S007" && t.1 == "Anomalies"));
    assert_eq!(again, triples(&report));
}

#[test]
fn an_xlsm_keeps_its_macros_and_its_extension() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read(root().join("fixtures/cas/C005-logo-manquant.xlsx")).unwrap();
    let macros: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 251) as u8).collect();
    let input = dir.path().join("C005.xlsm");
    std::fs::write(&input, xlsm_of(&original, &macros)).unwrap();
    let copy = annote(&[&input], dir.path()).remove(0);
    assert_eq!(copy.file_name().unwrap(), "C005.annote.xlsm");
    let parts = parts_of(&copy);
    assert_eq!(parts["xl/vbaProject.bin"], macros);
    let types = String::from_utf8(parts["[Content_Types].xml"].clone()).unwrap();
    assert!(types.contains("application/vnd.ms-excel.sheet.macroEnabled.main+xml"));
    assert_eq!(fill_of(&copy, "Actions", "P3").as_deref(), Some("FFFF9999"));
    assert!(changed_parts(&input, &copy)
        .iter()
        .all(|p| p != "xl/vbaProject.bin"));
}

/// A styles relationship pointing outside the package is treated as absent (the
/// copy has one stylesheet, its own, and one styles relationship), and a sheet whose rows come
/// out of order keeps its marks on the right cells, each cell once. Both copies open in
/// openpyxl and LibreOffice, and are checked again with the same findings.
#[test]
fn external_styles_and_rows_out_of_order() {
    let dir = tempfile::tempdir().unwrap();
    let case = root().join("fixtures/cas/C007-hors-annee.xlsx");
    let original = std::fs::read(&case).unwrap();
    let expected = triples(&check_path(&case, Some(2025)));
    let external = rezip(
        &original,
        |n| Some(n.to_string()),
        |n, c| match n {
            "xl/_rels/workbook.xml.rels" => {
                let text = String::from_utf8(c).unwrap();
                let at = text.find("relationships/styles\"").unwrap();
                let start = text[..at].rfind("<Relationship ").unwrap();
                let end = at + text[at..].find("/>").unwrap() + 2;
                let id = text[start..end]
                    .split("Id=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .to_string();
                let rel = format!("<Relationship Id=\"{id}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"file:///etc/passwd\" TargetMode=\"External\"/>");
                format!("{}{rel}{}", &text[..start], &text[end..]).into_bytes()
            }
            _ => c,
        },
    );
    let actions = sheet_part(&case, "Actions");
    let reversed = {
        let open = actions.find("<sheetData>").unwrap() + "<sheetData>".len();
        let close = actions.find("</sheetData>").unwrap();
        let rows: Vec<String> = actions[open..close]
            .split_inclusive("</row>")
            .map(String::from)
            .collect();
        assert!(rows.len() > 3, "{rows:?}");
        // The header first, the rows of actions from the last to the first.
        let reversed: String = rows[..1]
            .iter()
            .chain(rows[1..].iter().rev())
            .cloned()
            .collect();
        format!("{}{reversed}{}", &actions[..open], &actions[close..])
    };
    let disordered = rezip(
        &original,
        |n| Some(n.to_string()),
        |_, c| {
            if c == actions.as_bytes() {
                reversed.clone().into_bytes()
            } else {
                c
            }
        },
    );
    assert_ne!(disordered, original);
    for (name, bytes) in [("externe", external), ("desordre", disordered)] {
        let input = dir.path().join(format!("{name}.xlsx"));
        std::fs::write(&input, bytes).unwrap();
        let copy = annote(&[&input], &dir.path().join(name)).remove(0);
        let rels = part(&copy, "xl/_rels/workbook.xml.rels");
        assert_eq!(
            rels.matches("relationships/styles\"").count(),
            1,
            "{name}: {rels}"
        );
        assert!(!rels.contains("passwd"), "{name}: {rels}");
        // Checked again: the same findings, and one line for Anomalies.
        let mut found = triples(&check_path(&copy, Some(2025)));
        found.retain(|t| !(t.0 == "S007" && t.1 == "Anomalies"));
        assert_eq!(found, expected, "{name}");
        // Through openpyxl: each finding's cell of Actions filled, and no cell twice.
        let seen = compare(&input, &copy, true);
        let marked: Vec<String> = seen["marks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m[0] == "Actions")
            .map(|m| m[1].as_str().unwrap().to_string())
            .collect();
        let sheet = sheet_part(&copy, "Actions");
        for (code, sheet_name, cell) in &expected {
            if sheet_name == "Actions" && !cell.is_empty() {
                assert!(
                    marked.contains(cell),
                    "{name}: {code} {cell} not marked: {marked:?}"
                );
                assert_eq!(
                    sheet.matches(&format!("<c r=\"{cell}\"")).count(),
                    1,
                    "{name}: {cell}"
                );
            }
        }
        let pdf = soffice_convert(&copy, "pdf", &dir.path().join(name));
        assert!(std::fs::metadata(pdf).unwrap().len() > 1000, "{name}");
    }
}
