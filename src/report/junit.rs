//! `--format junit`: JUnit XML as CI servers read it. One `<testsuite>` per file; in it one
//! `<testcase>` per rule family (Fichier, Structure, Valeurs, Référentiel, Charte, Lot), which
//! fails when the family has error findings (each listed in the failure); warnings and
//! informations are listed in the test case's `<system-out>`. Batch findings (B002) form a
//! last suite, `lot`.

use std::io::Write;

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

fn suite(out: &mut dyn Write, name: &str, findings: &[Finding], lang: Lang) -> std::io::Result<()> {
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
    writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
        escape(name),
        families.len()
    )?;
    for family in families {
        let mine: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.code.rule().family == family)
            .collect();
        write!(
            out,
            "    <testcase name=\"{}\" classname=\"{}\">",
            escape(family.label_fr()),
            escape(name)
        )?;
        let is_error = |f: &&&Finding| f.severity == Severity::Error;
        let errors = mine.iter().filter(is_error).count();
        if errors > 0 {
            let message =
                crate::i18n::count(lang, errors, ["erreur", "erreurs"], ["error", "errors"]);
            write!(out, "\n      <failure message=\"{message}\" type=\"spro\">")?;
            lines(out, mine.iter().filter(is_error), lang)?;
            out.write_all(b"</failure>")?;
        }
        let others = mine.len() - errors;
        if others > 0 {
            out.write_all(b"\n      <system-out>")?;
            lines(out, mine.iter().filter(|f| !is_error(f)), lang)?;
            out.write_all(b"</system-out>")?;
        }
        if !mine.is_empty() {
            out.write_all(b"\n    ")?;
        }
        out.write_all(b"</testcase>\n")?;
    }
    out.write_all(b"  </testsuite>\n")
}

/// The findings described one per line, escaped, written as they are made.
fn lines<'a>(
    out: &mut dyn Write,
    findings: impl Iterator<Item = &'a &'a Finding>,
    lang: Lang,
) -> std::io::Result<()> {
    for (i, f) in findings.enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(escape(&describe(f, lang)).as_bytes())?;
    }
    Ok(())
}

/// `--format junit`: the JUnit document of `report`.
pub(crate) struct Junit;

impl super::Reporter for Junit {
    fn write(&self, report: &Report, lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
        out.write_all(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"spro check\">\n",
        )?;
        for file in &report.files {
            suite(out, &file.path.display().to_string(), &file.findings, lang)?;
        }
        if !report.batch.is_empty() {
            suite(out, "lot", &report.batch, lang)?;
        }
        out.write_all(b"</testsuites>\n")
    }
}
