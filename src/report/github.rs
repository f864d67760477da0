//! `--format github`: one GitHub Actions workflow command per finding (`::error`,
//! `::warning`, `::notice`), titled with the rule, the sheet and cell in the message.
//! <https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions>

use std::io::Write;

use crate::check::Report;
use crate::finding::{Finding, Severity};
use crate::i18n::{pick, Lang};

/// Escapes the message part of a workflow command.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property (file, title) of a workflow command.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

fn line(out: &mut dyn Write, file: Option<&str>, f: &Finding, lang: Lang) -> std::io::Result<()> {
    let command = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let title = format!("{} {}", f.code, f.code.rule().name);
    let place = match (f.sheet_name(), f.cell_a1()) {
        (Some(s), Some(c)) => format!("{s}!{c} : "),
        (Some(s), None) => format!("{} {s} : ", pick(lang, "feuille", "sheet")),
        _ => String::new(),
    };
    let mut props = Vec::new();
    if let Some(file) = file {
        props.push(format!("file={}", property(file)));
    }
    props.push(format!("title={}", property(&title)));
    writeln!(
        out,
        "::{command} {}::{}",
        props.join(","),
        data(&format!("{place}{}", f.message.get(lang)))
    )
}

/// `--format github`: the workflow commands of `report`.
pub(crate) struct Github;

impl super::Reporter for Github {
    fn write(&self, report: &Report, lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
        for file in &report.files {
            let path = file.path.display().to_string();
            for f in &file.findings {
                line(out, Some(&path), f, lang)?;
            }
        }
        for f in &report.batch {
            line(out, None, f, lang)?;
        }
        Ok(())
    }
}
