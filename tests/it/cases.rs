//! Every case of `fixtures/cas/cas.json`: a sample tableau de bord with a few edits, and the
//! exact findings (code, sheet, cell) it must give — no more, no less, so cascades fail too.
//! Each rule of the catalogue that a workbook can trigger has at least one failing case here;
//! the sample networks themselves are the passing cases (no finding at all, see samples.rs).

use std::collections::BTreeSet;

use crate::common::*;
use serde_json::Value;

fn cases() -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("fixtures/cas/cas.json")).unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn every_case_gives_exactly_its_findings() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for case in cases() {
        let name = case["nom"].as_str().unwrap();
        let description = edited(case["base"].as_str().unwrap(), &case["modifications"]);
        let path = write(dir.path(), name, &description);
        let year = case["annee"].as_i64().map(|y| y as i32).or(Some(2025));
        let report = check_path(&path, year);
        let mut actual = triples(&report);
        actual.sort();
        let mut expected: Vec<(String, String, String)> = case["attendu"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                let s = |i: usize| t[i].as_str().unwrap().to_string();
                (s(0), s(1), s(2))
            })
            .collect();
        expected.sort();
        for wanted in case["messages"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let wanted = wanted.as_str().unwrap();
            if !report.findings.iter().any(|f| f.message.contains(wanted)) {
                failures.push(format!(
                    "{name}: no message contains {wanted:?}: {:?}",
                    report
                        .findings
                        .iter()
                        .map(|f| &f.message)
                        .collect::<Vec<_>>()
                ));
            }
        }
        // Every message exists in French and in English (no French left in the English one).
        for f in &report.findings {
            let (fr, en) = (&f.message.fr, &f.message.en);
            if en.is_empty()
                || fr == en
                || en.contains('«')
                || en.contains(" : ")
                || en.contains("vouliez")
            {
                failures.push(format!(
                    "{name}: {} has no proper English message: {en:?}",
                    f.code
                ));
            }
        }
        if actual != expected {
            let details: Vec<String> = report
                .findings
                .iter()
                .map(|f| {
                    format!(
                        "    {} {:?} {:?} {}",
                        f.code,
                        f.sheet_name(),
                        f.cell_a1(),
                        f.message
                    )
                })
                .collect();
            failures.push(format!(
                "{name}: expected {expected:?}\n  got:\n{}",
                details.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_workbook_rule_has_a_failing_case() {
    let covered: BTreeSet<String> = cases()
        .iter()
        .flat_map(|c| {
            c["attendu"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t[0].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    // F rules need broken files, B rules several files and T rules the year before:
    // tests/files.rs, tests/batch.rs and tests/evolution.rs.
    for rule in spro_bilans::rules::RULES {
        use spro_bilans::rules::Family;
        if matches!(rule.family, Family::File | Family::Batch | Family::Trend) {
            continue;
        }
        assert!(
            covered.contains(rule.code.as_str()),
            "no failing case for {}",
            rule.code
        );
    }
}
