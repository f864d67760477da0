//! `--format junit`: JUnit XML as CI servers read it. One `<testsuite>` per file; in it one
//! `<testcase>` per rule family (Fichier, Structure, Valeurs, Référentiel, Charte, Lot), which
//! fails when the family has error findings (each listed in the failure); warnings and
//! informations are listed in the test case's `<system-out>`. Batch findings (B002) form a
//! last suite, `lot`.

use std::fmt::Write as _;

use crate::check::Report;
use crate::finding::{Finding, Severity};
use crate::i18n::{pick, Lang};
use crate::rules::Family;

const FAMILIES: [Family; 7] = [
    Family::File,
    Family::Structure,
    Family::Value,
    Family::Referential,
    Family::Charter,
    Family::Trend,
    Family::Batch,
];

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot hold.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn describe(f: &Finding, lang: Lang) -> String {
    let place = match (f.sheet_name(), f.cell_a1()) {
        (Some(s), Some(c)) => format!("{s}!{c}"),
        (Some(s), None) => format!("{} {s}", pick(lang, "feuille", "sheet")),
        _ => pick(lang, "fichier", "file").to_string(),
    };
    format!(
        "{} {} [{}] {place} : {}",
        f.code,
        f.code.rule().name,
        f.severity.as_str(),
        f.message.get(lang)
    )
}

fn suite(out: &mut String, name: &str, findings: &[Finding], lang: Lang) {
    // The year-over-year case only where the year before was compared (`--precedent`).
    let families: Vec<Family> = FAMILIES
        .into_iter()
        .filter(|family| {
            *family != Family::Trend || findings.iter().any(|f| f.code.rule().family == *family)
        })
        .collect();
    let failures = families
        .iter()
        .filter(|family| {
            findings
                .iter()
                .any(|f| f.code.rule().family == **family && f.severity == Severity::Error)
        })
        .count();
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
        escape(name),
        families.len()
    );
    for family in families {
        let mine: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.code.rule().family == family)
            .collect();
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"{}\">",
            escape(family.label_fr()),
            escape(name)
        );
        let errors: Vec<&&Finding> = mine
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        if !errors.is_empty() {
            let text: Vec<String> = errors.iter().map(|f| describe(f, lang)).collect();
            let _ = write!(
                out,
                "\n      <failure message=\"{} erreur(s)\" type=\"spro\">{}</failure>",
                errors.len(),
                escape(&text.join("\n"))
            );
        }
        let others: Vec<String> = mine
            .iter()
            .filter(|f| f.severity != Severity::Error)
            .map(|f| describe(f, lang))
            .collect();
        if !others.is_empty() {
            let _ = write!(
                out,
                "\n      <system-out>{}</system-out>",
                escape(&others.join("\n"))
            );
        }
        if !errors.is_empty() || !others.is_empty() {
            out.push_str("\n    ");
        }
        out.push_str("</testcase>\n");
    }
    out.push_str("  </testsuite>\n");
}

/// The JUnit document of `report`.
/// `--format junit`.
pub struct Junit;

impl super::Reporter for Junit {
    fn render(&self, report: &Report, lang: Lang) -> String {
        render(report, lang)
    }
}

pub fn render(report: &Report, lang: Lang) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"spro check\">\n",
    );
    for file in &report.files {
        suite(
            &mut out,
            &file.path.display().to_string(),
            &file.findings,
            lang,
        );
    }
    if !report.batch.is_empty() {
        suite(&mut out, "lot", &report.batch, lang);
    }
    out.push_str("</testsuites>\n");
    out
}
