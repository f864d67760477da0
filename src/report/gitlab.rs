//! `--format gitlab`: GitLab's Code Quality report, a JSON array with one object per finding
//! (`description`, `check_name`, `fingerprint`, `severity`, `location.path`,
//! `location.lines.begin`). <https://docs.gitlab.com/ci/testing/code_quality/>
//!
//! The fingerprint is what GitLab compares between two pipelines to say a finding is new or
//! fixed: the SHA-256 of the file, the rule, the sheet and the cell (and, for two findings of
//! one rule at one place, their rank), never of the message, so it stays the same across
//! runs, thread counts and input orders.

use std::collections::HashMap;
use std::io::Write;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::check::Report;
use crate::finding::{Finding, Severity};
use crate::i18n::Lang;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "blocker",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

/// The fingerprint of a finding at `path`: `rank` counts the earlier findings of the same
/// rule at the same place.
fn fingerprint(path: &str, f: &Finding, rank: usize) -> String {
    let mut hash = Sha256::new();
    for part in [
        path,
        f.code.as_str(),
        f.sheet_name().unwrap_or(""),
        &f.cell_a1().unwrap_or_default(),
        &rank.to_string(),
    ] {
        hash.update(part.as_bytes());
        hash.update([0u8]);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn issue<'a>(
    path: &str,
    f: &'a Finding,
    lang: Lang,
    ranks: &mut HashMap<String, usize>,
) -> Issue<'a> {
    let place = match (f.sheet_name(), f.cell_a1()) {
        (Some(s), Some(c)) => format!("{s}!{c} : "),
        (Some(s), None) => format!("{s} : "),
        _ => String::new(),
    };
    let key = format!(
        "{path}\0{}\0{}\0{}",
        f.code,
        f.sheet_name().unwrap_or(""),
        f.cell_a1().unwrap_or_default()
    );
    let rank = ranks.entry(key).or_default();
    let fingerprint = fingerprint(path, f, *rank);
    *rank += 1;
    Issue {
        description: format!(
            "{} {} — {place}{}",
            f.code,
            f.code.rule().name,
            f.message.get(lang)
        ),
        check_name: f.code.as_str(),
        fingerprint,
        severity: severity(f.severity),
        location: Location {
            path: path.to_string(),
            lines: Lines {
                begin: f.row_number().unwrap_or(1),
            },
        },
    }
}

/// `--format gitlab`.
pub(crate) struct Gitlab;

impl super::Reporter for Gitlab {
    fn write(&self, report: &Report, lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
        let mut ranks = HashMap::new();
        out.write_all(b"[")?;
        let mut first = true;
        let mut each = |out: &mut dyn Write, issue: Issue<'_>| -> std::io::Result<()> {
            out.write_all(if first { b"\n  " } else { b",\n  " })?;
            first = false;
            serde_json::to_writer(&mut *out, &issue)?;
            Ok(())
        };
        for file in &report.files {
            let path = file.path.display().to_string();
            for f in &file.findings {
                each(out, issue(&path, f, lang, &mut ranks))?;
            }
        }
        // A finding of the whole batch (a network that sent nothing) has no file: GitLab
        // needs a path, the repository's root.
        for f in &report.batch {
            each(out, issue(".", f, lang, &mut ranks))?;
        }
        out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
        Ok(())
    }
}
