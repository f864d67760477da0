//! `spro synthese`: the regional synthesis (PDF) for the CREFOP. Its figures are the regional
//! workbook's (compared cell by cell with the workbook written from the same reading), and
//! the PDF is read back as a reader would: pdftotext (every network named, no personal data,
//! reading order, hostile names as written), pdffonts (fonts embedded), pdfinfo (title,
//! pages); same bytes whatever the order of the inputs and the thread count.
#![cfg(feature = "synthese")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use calamine::{open_workbook_auto, Data, Reader};
use spro_bilans::check::Checker;
use spro_bilans::consolidate::{self, Choices, Regional, RegionalWorkbook, Storage};
use spro_bilans::i18n::Lang;
use spro_bilans::referential::Referential;
use spro_bilans::synthesis::{self, Document, FIGURE_CELLS};

fn number(d: &Data) -> Option<i64> {
    match d {
        Data::Float(f) => Some(f.round() as i64),
        Data::Int(i) => Some(*i),
        _ => None,
    }
}

/// The checker of `consolidate --annee 2025` (data kept), its options, and the sample batch.
fn consolidation_2025(previous: bool) -> (Checker, Choices, Vec<spro_bilans::inputs::Input>) {
    let mut settings = settings(Some(2025));
    settings.keep_data = true;
    if previous {
        settings.previous = vec![root().join("fixtures/bilans/2024")];
    }
    let checker = Checker::build(settings).unwrap();
    let options = Choices {
        year: 2025,
        without_personal_data: false,
        include_invalid: false,
        options_text: String::new(),
        campaign: None,
    };
    let (inputs, _) = spro_bilans::inputs::collect(&[root().join("fixtures/bilans/2025")]).unwrap();
    (checker, options, inputs)
}

/// The sample batch (2025, compared with 2024 when asked) consolidated in this process: the
/// workbook written, and the document the synthesis is typeset from.
fn consolidated(dir: &Path, precedent: bool, lang: Lang) -> (PathBuf, Regional, Document) {
    let (checker, options, inputs) = consolidation_2025(precedent);
    let out = dir.join("regional.xlsx");
    let mut workbook = RegionalWorkbook::new(&checker, &options, Storage::Streamed);
    let (report, regional) =
        consolidate::run(&inputs, &checker, &options, &mut [&mut workbook], &|_| {}).unwrap();
    workbook.save(&out).unwrap();
    let document = synthesis::document(&regional, &report, &checker, &options, lang);
    (out, regional, document)
}

/// Row `label` of the block titled `block` in `Indicateurs`: its cells.
fn indicator_row(ind: &[Vec<Data>], block: &str, label: &str) -> Vec<Data> {
    let start = ind
        .iter()
        .position(|r| s(&r[0]) == block)
        .unwrap_or_else(|| panic!("block {block}"));
    ind[start + 1..]
        .iter()
        .take_while(|r| !s(&r[0]).is_empty())
        .find(|r| s(&r[0]) == label)
        .unwrap_or_else(|| panic!("{block} / {label}"))
        .clone()
}

/// Every figure the synthesis shows — « L'essentiel », the charts' tables, « Réseau par
/// réseau », the counts — is a cell of the workbook written from the same reading.
#[test]
fn every_figure_is_the_workbooks() {
    let dir = tempfile::tempdir().unwrap();
    let (workbook, _, doc) = consolidated(dir.path(), true, Lang::Fr);
    let ind = sheet(&workbook, "Indicateurs");
    let synthese = sheet(&workbook, "Synthèse");
    let evolution = sheet(&workbook, "Évolution");

    // The six figures: the Région column (H) of Indicateurs; N-1 and N of the networks
    // compared: the total row of Évolution, with its change in percent.
    let total = evolution
        .iter()
        .find(|r| s(&r[1]) == "Total des réseaux comparés")
        .unwrap();
    assert_eq!(doc.figures.len(), 6);
    for (k, (f, (block, label))) in doc.figures.iter().zip(FIGURE_CELLS).enumerate() {
        let cell = number(&indicator_row(&ind, block, label)[7]).unwrap();
        assert_eq!(f.value.value, cell, "{label}");
        let (b, n) = (number(&total[3 + 4 * k]), number(&total[4 + 4 * k]));
        assert_eq!(f.compared_before.as_ref().map(|v| v.value), b, "{label}");
        assert_eq!(f.compared_now.as_ref().map(|v| v.value), n, "{label}");
        match &total[6 + 4 * k] {
            Data::Float(p) => {
                let shown = (p * 100.0).round() as i64;
                let change = f.change.as_deref().unwrap();
                let digits: String = change
                    .split('%')
                    .next()
                    .unwrap()
                    .chars()
                    .filter(|c| c.is_ascii_digit())
                    .collect();
                assert_eq!(digits, shown.abs().to_string(), "{label}: {change}");
            }
            other => panic!("{label}: no change in the workbook: {other:?}"),
        }
    }
    assert!(doc.figures.iter().any(|f| f.value.value > 0));

    // The charts' tables.
    let chart = |title: &str| doc.charts.iter().find(|c| c.title == title).unwrap();
    let by_dep = chart("Actions par département");
    let actions = indicator_row(&ind, "Actions par département", "Actions");
    for (c, row) in by_dep.rows.iter().enumerate() {
        assert_eq!(
            Some(row.values[0].value),
            number(&actions[1 + c]),
            "{}",
            row.label
        );
    }
    assert_eq!(
        Some(by_dep.total.as_ref().unwrap().values[0].value),
        number(&actions[7])
    );
    for (title, block) in [
        ("Actions par type", "Actions par type"),
        (
            "Premiers accueils par public",
            "Premiers accueils par public",
        ),
    ] {
        for row in &chart(title).rows {
            let cell = number(&indicator_row(&ind, block, &row.label)[7]);
            assert_eq!(Some(row.values[0].value), cell, "{title}: {}", row.label);
        }
    }
    let sex = chart("Participants aux actions par sexe");
    for (row, label) in sex.rows.iter().zip(["dont femmes", "dont hommes"]) {
        let cell = number(&indicator_row(&ind, "Participants aux actions", label)[7]);
        assert_eq!(Some(row.values[0].value), cell, "{label}");
    }
    let compared = chart("Réseaux comparés : 2024 et 2025");
    for (k, row) in compared.rows.iter().enumerate() {
        assert_eq!(Some(row.values[0].value), number(&total[3 + 4 * k]));
        assert_eq!(Some(row.values[1].value), number(&total[4 + 4 * k]));
    }

    // Network by network: Synthèse's status and figures, Évolution's N-1.
    let referential = Referential::embedded();
    assert_eq!(doc.networks.len(), referential.networks.len());
    for (n, r) in doc.networks.iter().zip(&referential.networks) {
        assert_eq!(n.code, r.code);
        assert_eq!(n.name, r.nom);
        let line = synthese.iter().find(|l| s(&l[0]) == n.code).unwrap();
        let status = s(&line[4]);
        if status == "Non transmis" {
            assert!(!n.sent);
            assert_eq!(n.status, "Bilan non transmis");
            assert!(n.figures.iter().all(|f| f.now.is_none()));
        } else {
            assert_eq!(n.status, status, "{}", n.code);
            assert_eq!(Some(n.errors as i64), number(&line[5]), "{}", n.code);
            assert_eq!(Some(n.warnings as i64), number(&line[6]), "{}", n.code);
            for (k, f) in n.figures.iter().enumerate() {
                assert_eq!(f.now.as_ref().map(|v| v.value), number(&line[7 + k]));
            }
        }
        let evo = evolution.iter().find(|l| s(&l[0]) == n.code).unwrap();
        for (k, f) in n.figures.iter().enumerate() {
            assert_eq!(f.before.as_ref().map(|v| v.value), number(&evo[3 + 4 * k]));
        }
    }

    // The counts: Synthèse's statuses of the referential's networks.
    let statuses: Vec<String> = referential
        .networks
        .iter()
        .map(|r| s(&synthese.iter().find(|l| s(&l[0]) == r.code).unwrap()[4]))
        .collect();
    let count = |f: &dyn Fn(&str) -> bool| statuses.iter().filter(|x| f(x)).count();
    assert_eq!(doc.counts.expected, 22);
    assert_eq!(doc.counts.not_sent, count(&|x| x == "Non transmis"));
    assert_eq!(doc.counts.conformes, count(&|x| x.starts_with("Conforme")));
    assert_eq!(
        doc.counts.to_correct,
        count(&|x| x == "Non conforme" || x == "Illisible")
    );
}

/// The sentences of « L'essentiel » on the sample batch, pinned: each from its rule
/// (src/synthesis/essentiel.rs), with the figures of the workbook.
#[test]
fn the_sentences_of_the_essentiel() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, doc) = consolidated(dir.path(), true, Lang::Fr);
    insta::assert_debug_snapshot!("essentiel_fr", doc.sentences);
    let (_, _, doc) = consolidated(dir.path(), false, Lang::En);
    insta::assert_debug_snapshot!("essentiel_en_without_previous", doc.sentences);
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name}: {e} (poppler-utils, installed by ./test.sh)"));
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The PDF's text, its whitespace collapsed (lines joined as a reader reads them).
fn flat_text_of(pdf: &Path) -> String {
    raw_text_of(pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `spro synthese recus --annee 2025 -o s.pdf` in `dir`: the PDF's text, flat.
fn synthese_of_received(dir: &Path) -> String {
    let pdf = dir.join("s.pdf");
    spro_ok(
        &[
            "synthese",
            "recus",
            "--annee",
            "2025",
            "-q",
            "-o",
            pdf.to_str().unwrap(),
        ],
        dir,
    );
    flat_text_of(&pdf)
}

/// The number of pages (pdfinfo).
fn pages_of(pdf: &Path) -> usize {
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

fn text_of(pdf: &Path) -> String {
    tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
}

fn raw_text_of(pdf: &Path) -> String {
    tool("pdftotext", &[pdf.to_str().unwrap(), "-"])
}

/// Whether `text` holds `word` as a whole word (« Marc » is not in « March »).
fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Coordinators' and signatories' names, e-mails and phones in the sample files.
fn personal_data() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for year in ["2024", "2025"] {
        for e in std::fs::read_dir(root().join("fixtures/bilans").join(year)).unwrap() {
            let path = e.unwrap().path();
            // Vendôme's 2024 file is unreadable on purpose.
            let Ok(mut wb) = open_workbook_auto(&path) else {
                continue;
            };
            for (name, columns) in [
                (
                    "Coordination",
                    &["Nom", "Prénom", "Courriel", "Téléphone"][..],
                ),
                ("Structures", &["Signataire"][..]),
            ] {
                let Ok(range) = wb.worksheet_range(name) else {
                    continue;
                };
                let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
                let Some(header) = rows.iter().position(|r| r.iter().any(|c| s(c) == "Nom")) else {
                    continue;
                };
                for (c, h) in rows[header].iter().enumerate() {
                    if columns.iter().any(|x| s(h).starts_with(x)) {
                        for r in &rows[header + 1..] {
                            let v = s(&r[c]);
                            if v.chars().count() > 3 {
                                out.insert(v);
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// The PDF as its readers get it: the sample batch against 2024, every network named, those
/// without a file « bilan non transmis », no personal data, fonts embedded, title and
/// language set, sections in reading order, within its page budget.
#[test]
fn the_pdf_of_the_sample_batch() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("synthese.pdf");
    let out = spro(
        &[
            "synthese",
            root().join("fixtures/bilans/2025").to_str().unwrap(),
            "--annee",
            "2025",
            "--precedent",
            root().join("fixtures/bilans/2024").to_str().unwrap(),
            "-o",
            pdf.to_str().unwrap(),
        ],
        dir.path(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Drouais's bilan has errors: written all the same, exit 0 without --strict.
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("synthèse régionale écrite dans"),
        "{stderr}"
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));

    let flat = flat_text_of(&pdf);
    for n in &Referential::embedded().networks {
        assert!(flat.contains(&n.nom), "{} missing", n.nom);
        assert!(flat.contains(&n.code), "{} missing", n.code);
    }
    // The 15 networks that sent nothing: one table, no block each.
    assert!(flat.contains("Réseaux sans bilan (15)"), "{flat}");
    // « Méthode et sources » says which template versions the files were read with.
    assert!(
        flat.contains("Modèles : chaque fichier est lu avec la version du modèle qu'il indique"),
        "{flat}"
    );
    assert!(flat.contains("2025.1 (7 fichiers)"), "{flat}");
    assert!(!flat.contains("Bilan non transmis :"), "{flat}");
    for p in personal_data() {
        assert!(!has_word(&flat, &p), "personal data in the synthesis: {p}");
    }
    assert!(!flat.contains('@'), "an e-mail address in the synthesis");
    // Reading order: the sections as the document lists them.
    let order = [
        "Synthèse régionale des bilans locaux du SPRO-EP",
        "Document présenté au CREFOP",
        "L'essentiel",
        "Les chiffres en graphiques",
        "Conformité à la charte",
        "Réseau par réseau",
        "Méthode et sources",
    ];
    let mut at = 0;
    for h in order {
        at += flat[at..]
            .find(h)
            .unwrap_or_else(|| panic!("{h} missing or out of order"));
    }

    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let lines: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!lines.is_empty(), "{fonts}");
    for line in &lines {
        let cols: Vec<&str> = line.split_whitespace().collect();
        // name type encoding emb sub uni object ID: « emb » is the 4th column from the end.
        assert_eq!(cols[cols.len() - 5], "yes", "font not embedded: {line}");
    }
    assert!(fonts.contains("LiberationSans"), "{fonts}");

    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    let field = |name: &str| -> String {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_else(|| panic!("{name} {info}"))
            .trim()
            .to_string()
    };
    assert_eq!(
        field("Title:"),
        "Synthèse régionale des bilans locaux du SPRO-EP 2025"
    );
    assert_eq!(field("Tagged:"), "yes");
    // Dated by the data (Vendôme's late transmission), not by the day it was made.
    assert!(
        field("CreationDate:").contains("Apr 21 00:00:00 2026"),
        "{info}"
    );
    let pages: usize = field("Pages:").parse().unwrap();
    // The cover, L'essentiel, the charts and the charter, then the seven networks that sent a
    // bilan (three to a page), the fifteen that did not in one table, and the method.
    assert_eq!(pages, 8, "{pages} pages");
    // PDF/A-2a claimed (Typst checked it while writing).
    let meta = tool("pdfinfo", &["-meta", pdf.to_str().unwrap()]);
    assert!(
        meta.contains("<pdfaid:part>2</pdfaid:part><pdfaid:conformance>A</pdfaid:conformance>"),
        "{meta}"
    );
    let lang = String::from_utf8_lossy(&bytes);
    assert!(
        lang.contains("/Lang (fr)") || lang.contains("/Lang(fr)"),
        "no document language"
    );
    // Page numbers « page n / N » and the year in every footer.
    let layout = text_of(&pdf);
    assert!(
        layout.contains(&format!("page {pages} / {pages}")),
        "{layout}"
    );
    assert_eq!(layout.matches("du SPRO-EP — 2025").count(), pages - 1);
}

/// Same inputs, same bytes: files given in another order, another thread count.
#[test]
fn same_bytes_whatever_the_order_and_threads() {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<String> = std::fs::read_dir(root().join("fixtures/bilans/2025"))
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    files.sort();
    let run = |files: &[String], jobs: &str, name: &str| -> Vec<u8> {
        let out = dir.path().join(name);
        let mut args = vec!["synthese", "--annee", "2025", "-j", jobs, "-o"];
        args.push(out.to_str().unwrap());
        args.extend(files.iter().map(String::as_str));
        let done = spro(&args, dir.path());
        assert_eq!(
            done.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        std::fs::read(out).unwrap()
    };
    let a = run(&files, "1", "a.pdf");
    files.reverse();
    let b = run(&files, "2", "b.pdf");
    assert!(a == b, "the synthesis depends on the order or the threads");
}

/// Names with markup characters, very long, right to left, come out as written; a batch of
/// unreadable files still gives a synthesis that says so.
#[test]
fn hostile_names_and_a_batch_of_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = [
        "Réseau #set page(width: 1cm) *gras* $x^2$ [crochet] \\ antislash <b>balise</b>",
        "#let x = 1 }) ] \" ' // /* commentaire",
        &format!(
            "Réseau très long {}",
            "Communauté de communes du Boischaut Sud ".repeat(8)
        ),
        "شبكة التوجيه المهني",
        "רשת ההכוונה",
    ];
    let mut networks = serde_json::json!([]);
    for (i, name) in hostile.iter().enumerate() {
        networks.as_array_mut().unwrap().push(serde_json::json!({
            "code": format!("36-H{i:02}"), "nom": name, "departement": "36"
        }));
    }
    let referentiel = dir.path().join("reseaux.json");
    std::fs::write(&referentiel, networks.to_string()).unwrap();
    let inputs = dir.path().join("recus");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(inputs.join("36-H00.xlsx"), b"PK\x03\x04 tronque").unwrap();
    std::fs::write(inputs.join("36-H01.xlsx"), b"ceci n'est pas un classeur").unwrap();
    let pdf = dir.path().join("s.pdf");
    spro_ok(
        &[
            "synthese",
            "recus",
            "--annee",
            "2025",
            "--referentiel",
            referentiel.to_str().unwrap(),
            "-o",
            pdf.to_str().unwrap(),
        ],
        dir.path(),
    );
    let flat = flat_text_of(&pdf);
    for name in &hostile[..3] {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&name), "{name} not as written in: {flat}");
    }
    // Right-to-left names: every word present (pdftotext may order them visually).
    for name in &hostile[3..] {
        for word in name.split_whitespace() {
            assert!(flat.contains(word), "{word} missing");
        }
    }
    assert!(
        flat.contains("2 réseaux sur 5 attendus ont transmis leur bilan 2025 : 0 conforme, 2 à corriger (dont 2 illisibles) ; 3 ne l'ont pas transmis."),
        "{flat}"
    );
    assert!(flat.contains("illisible :"), "{flat}");
    assert!(flat.contains("Aucun bilan lisible"), "{flat}");
    // A code is never broken at its hyphen, even after the longest name; the networks that
    // sent nothing are in one table.
    for code in ["36-H00", "36-H01", "36-H02", "36-H03", "36-H04"] {
        assert!(flat.contains(code), "{code} broken in: {flat}");
    }
    assert!(!flat.contains("36- H0"), "{flat}");
    assert!(flat.contains("Réseaux sans bilan (3)"), "{flat}");
}

/// `--lang en`, and `consolidate --synthese` writing both from one reading.
#[test]
fn english_and_beside_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let out = spro(
        &[
            "--lang",
            "en",
            "consolidate",
            root().join("fixtures/bilans/2025").to_str().unwrap(),
            "--annee",
            "2025",
            "--synthese",
            "-o",
            "sortie/regional.xlsx",
        ],
        dir.path(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let pdf = dir.path().join("sortie/synthese-regionale-2025.pdf");
    assert!(stderr.contains("regional synthesis written to"), "{stderr}");
    assert!(dir.path().join("sortie/regional.xlsx").exists());
    let flat = flat_text_of(&pdf);
    for heading in [
        "Key points",
        "The figures in charts",
        "Conformity with the charter",
        "Network by network",
        "Method and sources",
        "Networks without a bilan (15)",
    ] {
        assert!(flat.contains(heading), "{heading} missing");
    }
    assert!(!flat.contains("L'essentiel"));
    assert!(
        String::from_utf8_lossy(&std::fs::read(&pdf).unwrap()).contains("/Lang (en)")
            || String::from_utf8_lossy(&std::fs::read(&pdf).unwrap()).contains("/Lang(en)")
    );
}

/// The figures of the workbook written in memory (`serve`'s `/consolider`) and of the
/// synthesis alone are the same as those of the streamed workbook.
#[test]
fn one_reading_gives_the_same_figures_in_every_mode() {
    let dir = tempfile::tempdir().unwrap();
    let (_, streamed, _) = consolidated(dir.path(), false, Lang::Fr);
    let (checker, _, inputs) = consolidation_2025(false);
    let options = Choices {
        year: 2025,
        without_personal_data: false,
        include_invalid: false,
        options_text: String::new(),
        campaign: None,
    };
    let (_, alone) = consolidate::run(&inputs, &checker, &options, &mut [], &|_| {}).unwrap();
    let mut workbook = RegionalWorkbook::new(&checker, &options, Storage::InMemory);
    let (_, in_memory) =
        consolidate::run(&inputs, &checker, &options, &mut [&mut workbook], &|_| {}).unwrap();
    workbook.to_bytes().unwrap();
    for other in [alone, in_memory] {
        assert_eq!(
            format!("{:?}", other.indicators),
            format!("{:?}", streamed.indicators)
        );
        assert_eq!(
            format!("{:?}", other.networks),
            format!("{:?}", streamed.networks)
        );
        assert_eq!(other.counted, streamed.counted);
    }
}

/// All 22 networks of the referential sent a bilan (Tours's, renamed for each): every one
/// conforming, none « non transmis », and the page budget still kept.
#[test]
fn all_the_networks_of_the_referential() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("recus");
    std::fs::create_dir(&inputs).unwrap();
    for n in &Referential::embedded().networks {
        let description = edited(
            "37-TOU-2025",
            &serde_json::json!([
                {"feuille": "Identification", "cellule": "B4", "valeur": n.code},
                {"feuille": "Identification", "cellule": "B5", "valeur": n.nom},
                {"feuille": "Identification", "cellule": "B6", "valeur": n.departement.parse::<i64>().unwrap()},
            ]),
        );
        write(&inputs, &n.code, &description);
    }
    let flat = synthese_of_received(dir.path());
    let pdf = dir.path().join("s.pdf");
    assert!(
        flat.contains(
            "22 réseaux sur 22 attendus ont transmis leur bilan 2025 : 22 conformes, 0 à corriger."
        ),
        "{flat}"
    );
    assert!(flat.contains("Tous les réseaux attendus ont transmis un bilan conforme."));
    assert!(!flat.contains("non transmis :"));
    for n in &Referential::embedded().networks {
        assert!(flat.contains(&n.nom), "{}", n.nom);
    }
    let pages = pages_of(&pdf);
    // Four networks to a page without the year before: 6 pages for the 22, 11 in all.
    assert_eq!(pages, 11, "{pages} pages");
    if let Some(keep) = std::env::var_os("SPRO_GARDER_SYNTHESE") {
        std::fs::copy(&pdf, keep).unwrap();
    }
}

/// No personal data whatever the options: with the files to correct counted too (Drouais's
/// coordinators), in both languages, beside a workbook that keeps them.
#[test]
fn no_personal_data_whatever_the_options() {
    let dir = tempfile::tempdir().unwrap();
    let bilans = root().join("fixtures/bilans/2025");
    let precedent = root().join("fixtures/bilans/2024");
    for (lang, extra) in [("fr", "--inclure-non-conformes"), ("en", "--strict")] {
        let pdf = dir.path().join(format!("s-{lang}.pdf"));
        spro(
            &[
                "--lang",
                lang,
                "synthese",
                bilans.to_str().unwrap(),
                "--annee",
                "2025",
                "--precedent",
                precedent.to_str().unwrap(),
                extra,
                "-o",
                pdf.to_str().unwrap(),
            ],
            dir.path(),
        );
        let flat = flat_text_of(&pdf);
        for p in personal_data() {
            assert!(!has_word(&flat, &p), "{lang} {extra}: {p}");
        }
        assert!(!flat.contains('@'));
    }
    // The workbook beside it keeps the coordinators (no --sans-donnees-personnelles): the
    // synthesis does not.
    spro_ok(
        &[
            "consolidate",
            bilans.to_str().unwrap(),
            "--annee",
            "2025",
            "--synthese",
            "-o",
            "r.xlsx",
        ],
        dir.path(),
    );
    let coordination = sheet(&dir.path().join("r.xlsx"), "Coordination");
    let named: Vec<String> = coordination[1..].iter().map(|r| s(&r[3])).collect();
    assert!(
        named.iter().any(|n| personal_data().contains(n)),
        "{named:?}"
    );
    let flat = flat_text_of(&dir.path().join("synthese-regionale-2025.pdf"));
    assert!(named.iter().all(|n| !has_word(&flat, n)));
}

/// Never written over an input: the command stops (exit 2) naming the file, which is
/// untouched.
#[test]
fn never_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("36-CHX.xlsx");
    std::fs::copy(root().join("fixtures/bilans/2025/36-CHX.xlsx"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let out = spro(
        &["synthese", ".", "--annee", "2025", "-o", "36-CHX.xlsx"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("36-CHX.xlsx"));
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

/// One network's name holding a control character (DEL, an `_x001B_` escape), a script no
/// font of the binary draws, 40,000 characters, in a file whose name holds DEL: the synthesis
/// is written all the same (it exited 2 with « PDF/A-2a error » before, for the whole Région),
/// and so is the regional workbook beside it.
#[test]
fn a_name_that_cannot_be_printed_never_costs_the_synthesis() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("recus");
    std::fs::create_dir(&inputs).unwrap();
    let names = [
        "Châteauroux\u{7f} et _x001B_ l'agglomération 漢字 🙂 \u{202E}__LONG__".to_string(),
        "Bourges\u{1b}\u{85}\u{9c} réseau \u{E000}\u{FFFE}".to_string(),
    ];
    for (name, file) in names.iter().zip(["36-CHX\u{7f}.xlsx", "36-CHX-bis.xlsx"]) {
        let mut description = source("36-CHX-2025");
        spro_bilans::fixture::apply(
            &mut description,
            &serde_json::json!({"feuille": "Identification", "cellule": "B3", "valeur": name}),
        )
        .unwrap();
        let bytes = spro_bilans::fixture::build_xlsx(&description).unwrap();
        // Longer than rust_xlsxwriter writes: put in the shared strings afterwards.
        let bytes = spro_bilans::fixture::rewrite(&bytes, |_, text| {
            text.replace("__LONG__", &"é".repeat(40_000))
        })
        .unwrap();
        std::fs::write(inputs.join(file), bytes).unwrap();
    }
    let flat = synthese_of_received(dir.path());
    assert!(flat.contains("Châteauroux"), "{flat}");
    // Beside the workbook, from one reading.
    let out = spro(
        &[
            "consolidate",
            "recus",
            "--annee",
            "2025",
            "-q",
            "-o",
            "r.xlsx",
            "--synthese",
        ],
        dir.path(),
    );
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    assert!(dir.path().join("synthese-regionale-2025.pdf").is_file());
    // The regional workbook keeps the names as read (a cell holds 32,767 characters at most).
    let identification = sheet(&dir.path().join("r.xlsx"), "Synthèse");
    assert!(!identification.is_empty());
}
