//! Counts are written as French and English write them (« 1 erreur », « 0 erreur »,
//! « 2 erreurs »; « 1 error », « 0 errors »), never « erreur(s) », « réseau(x) »: in every
//! output of the fixtures, in both languages — reports in every format, the command's
//! messages, the regional workbook, the synthesis (its PDF's text), the open data, the
//! annotated copies and the template. The page: tests/serve.rs.

use std::path::Path;

use crate::common::*;

/// The text of every cell of every sheet of a workbook, and its notes.
fn workbook_text(path: &Path) -> String {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let mut out = String::new();
    for name in wb.sheet_names() {
        out.push_str(&name);
        out.push('\n');
        if let Ok(range) = wb.worksheet_range(&name) {
            for row in range.rows() {
                for c in row {
                    out.push_str(&c.to_string());
                    out.push('\t');
                }
                out.push('\n');
            }
        }
    }
    if path.extension().is_some_and(|e| e == "xlsx") {
        out.push_str(&notes(path));
    }
    out
}

fn run(args: &[&str], lang: &str, cwd: &Path) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_spro"))
        .args(args)
        .args(["--lang", lang])
        .current_dir(cwd)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn no_output_of_the_fixtures_writes_a_plural_in_brackets() {
    let here = root();
    let mut seen: Vec<(String, String)> = Vec::new();
    for lang in ["fr", "en"] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let batch = ["fixtures/bilans/2025", "fixtures/cas"];
        let common = ["--annee", "2025", "--precedent", "fixtures/bilans/2024"];
        for format in [
            "human", "json", "markdown", "junit", "sarif", "github", "gitlab",
        ] {
            let mut args = vec!["check"];
            args.extend(batch);
            args.extend(common);
            args.extend(["--format", format]);
            seen.push((format!("check --format {format}"), run(&args, lang, &here)));
        }
        let annotated = d.join("annote");
        let mut args = vec![
            "check",
            "fixtures/bilans/2025",
            "fixtures/cas/C005-logo-manquant.xlsx",
        ];
        args.extend(common);
        args.extend(["--annote", annotated.to_str().unwrap()]);
        seen.push(("check --annote".into(), run(&args, lang, &here)));
        for copy in std::fs::read_dir(&annotated).unwrap() {
            let copy = copy.unwrap().path();
            seen.push((copy.display().to_string(), workbook_text(&copy)));
        }
        let (regional, package) = (d.join("regional.xlsx"), d.join("donnees"));
        let mut args = vec!["consolidate"];
        args.extend(batch);
        args.extend(common);
        args.extend([
            "-o",
            regional.to_str().unwrap(),
            "--synthese",
            "--publier",
            package.to_str().unwrap(),
        ]);
        seen.push(("consolidate".into(), run(&args, lang, &here)));
        seen.push(("regional workbook".into(), workbook_text(&regional)));
        for file in std::fs::read_dir(&package).unwrap() {
            let file = file.unwrap().path();
            seen.push((
                file.display().to_string(),
                std::fs::read_to_string(&file).unwrap(),
            ));
        }
        // The synthesis's text, as a reader copies it out of the PDF.
        let pdf = d.join("synthese-regionale-2025.pdf");
        let text = std::process::Command::new("pdftotext")
            .args([pdf.to_str().unwrap(), "-"])
            .output()
            .expect("pdftotext (poppler-utils; ./test.sh installs it)");
        seen.push((
            "synthesis".into(),
            String::from_utf8_lossy(&text.stdout).into_owned(),
        ));
        let alone = d.join("s.pdf");
        let args = [
            "synthese",
            "fixtures/bilans/2025",
            "--annee",
            "2025",
            "-o",
            alone.to_str().unwrap(),
        ];
        run(&args, lang, &here);
        let text = std::process::Command::new("pdftotext")
            .args([alone.to_str().unwrap(), "-"])
            .output()
            .unwrap();
        seen.push((
            "synthesis without the year before".into(),
            String::from_utf8_lossy(&text.stdout).into_owned(),
        ));
        let template = d.join("modele.xlsx");
        run(
            &[
                "template",
                "--annee",
                "2025",
                "-o",
                template.to_str().unwrap(),
            ],
            lang,
            &here,
        );
        seen.push(("template".into(), workbook_text(&template)));
    }
    // The detector itself finds what it looks for.
    assert_eq!(plurals_in("3 erreur(s), 2 réseau(x)").len(), 2);
    assert!(plurals_in("voir (x) et (s)").is_empty());
    let mut found = Vec::new();
    for (what, text) in &seen {
        assert!(!text.is_empty(), "{what}");
        found.extend(
            plurals_in(text)
                .into_iter()
                .map(|p| format!("{what}: …{p}…")),
        );
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    // The counts are there, agreeing.
    let all: String = seen.iter().map(|(_, t)| t.as_str()).collect();
    for agreed in [
        "1 erreur",
        "2 erreurs",
        "1 error",
        "2 errors",
        "avertissements",
    ] {
        assert!(all.contains(agreed), "{agreed}");
    }
}
