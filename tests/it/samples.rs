//! The sample tableaux de bord of `fixtures/bilans` are clean: no finding at all.

use crate::common::*;

#[test]
fn sample_networks_have_no_finding() {
    for name in ["36-CHX-2025", "18-BOU-2025", "37-TOU-2025"] {
        let report = check(&source(name));
        let shown: Vec<String> = report
            .findings
            .iter()
            .map(|f| {
                format!(
                    "{} {:?} {:?} {}",
                    f.code,
                    f.sheet_name(),
                    f.cell_a1(),
                    f.message
                )
            })
            .collect();
        assert!(report.findings.is_empty(), "{name}:\n{}", shown.join("\n"));
        assert_eq!(report.reseau.as_deref(), Some(&name[..6]));
        assert_eq!(report.annee, Some(2025));
    }
}
