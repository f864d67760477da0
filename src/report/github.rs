//! `--format github`: one GitHub Actions workflow command per finding (`::error`,
//! `::warning`, `::notice`), titled with the rule, the sheet and cell in the message.
//! <https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions>

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

fn line(out: &mut String, file: Option<&str>, f: &Finding, lang: Lang) {
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
    out.push_str(&format!(
        "::{command} {}::{}\n",
        props.join(","),
        data(&format!("{place}{}", f.message.get(lang)))
    ));
}

/// The workflow commands of `report`.
/// `--format github`.
pub struct Github;

impl super::Reporter for Github {
    fn render(&self, report: &Report, lang: Lang) -> String {
        render(report, lang)
    }
}

pub fn render(report: &Report, lang: Lang) -> String {
    let mut out = String::new();
    for file in &report.files {
        let path = file.path.display().to_string();
        for f in &file.findings {
            line(&mut out, Some(&path), f, lang);
        }
    }
    for f in &report.batch {
        line(&mut out, None, f, lang);
    }
    out
}
