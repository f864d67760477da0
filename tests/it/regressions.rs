//! Inputs that once crashed the fuzzer (`fuzz/`): each must now give one clear F001 or F003
//! finding, without reaching the last line of defence (the per-file `catch_unwind`).

use crate::common::*;

#[test]
fn fuzzer_crashes_are_f001() {
    for entry in std::fs::read_dir(root().join("tests/regressions")).unwrap() {
        let path = entry.unwrap().path();
        let report = check_path(&path, Some(2025));
        assert_eq!(
            report.findings.len(),
            1,
            "{}: {:?}",
            path.display(),
            report.findings
        );
        assert!(
            ["F001", "F003"].contains(&report.findings[0].code.as_str()),
            "{}",
            path.display()
        );
        assert!(
            !report.findings[0].message.contains("erreur interne"),
            "{}: reached the last line of defence",
            path.display()
        );
    }
}
