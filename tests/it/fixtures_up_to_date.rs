//! The committed workbooks of `fixtures/` are built from their readable descriptions
//! (`fixtures/sources/*.json`, `fixtures/cas/cas.json`). This test fails when one drifts;
//! `SPRO_REGENERATE=1 cargo test --test it fixtures_up_to_date` writes them again.

use crate::common::*;
use serde_json::Value;
use spro_bilans::fixture;

fn compare_or_write(path: &std::path::Path, bytes: &[u8], stale: &mut Vec<String>) {
    if std::env::var_os("SPRO_REGENERATE").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    } else if std::fs::read(path).ok().as_deref() != Some(bytes) {
        stale.push(path.display().to_string());
    }
}

#[test]
fn committed_fixtures_match_their_sources() {
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(root().join("fixtures/sources")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let network = stem.trim_end_matches("-2025");
        let bytes = fixture::build_xlsx(&source(&stem)).unwrap();
        compare_or_write(
            &root().join(format!("fixtures/bilans/2025/{network}.xlsx")),
            &bytes,
            &mut stale,
        );
    }
    // The year before (`--precedent`): fixtures/sources/2024/<network>-2024.json.
    for entry in std::fs::read_dir(root().join("fixtures/sources/2024")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let description: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let bytes = fixture::build_xlsx(&description).unwrap();
        compare_or_write(
            &root().join(format!(
                "fixtures/bilans/2024/{}.xlsx",
                stem.trim_end_matches("-2024")
            )),
            &bytes,
            &mut stale,
        );
    }
    let cases: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("fixtures/cas/cas.json")).unwrap(),
    )
    .unwrap();
    for case in cases.as_array().unwrap() {
        let name = case["nom"].as_str().unwrap();
        let description = edited(case["base"].as_str().unwrap(), &case["modifications"]);
        let bytes = fixture::build_xlsx(&description).unwrap();
        compare_or_write(
            &root().join(format!("fixtures/cas/{name}.xlsx")),
            &bytes,
            &mut stale,
        );
    }
    assert!(
        stale.is_empty(),
        "fixtures out of date (run SPRO_REGENERATE=1 cargo test --test it fixtures_up_to_date):\n{}",
        stale.join("\n")
    );
}
