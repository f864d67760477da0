//! `spro rules`, `spro man`: the rule catalogue as a table, the manual page.

use super::*;

/// The man page, generated from the clap definition.
pub fn man_page() -> String {
    let mut out = Vec::new();
    // Rendering into memory cannot fail.
    let _ = clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

pub(super) fn rules_table() -> String {
    let mut s = String::new();
    for r in crate::rules::RULES {
        s.push_str(&format!(
            "{:<5} {:<30} {:<8} {}\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.source.0
        ));
    }
    s
}
