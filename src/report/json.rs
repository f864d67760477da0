//! `--format json`: the document of contrat §5, keys stable.

use std::io::Write;

use serde::Serialize;
use serde_json::{json, Value};

use super::Seq;

use crate::check::{FileReport, Report, Status};
use crate::finding::{Finding, Severity};
use crate::i18n::Lang;

/// A finding as the document writes it (contrat §5), serialised without an intermediate value.
#[derive(Serialize)]
struct FindingJson<'a> {
    code: crate::rules::Code,
    name: &'static str,
    severity: &'static str,
    sheet: Option<&'a str>,
    cell: Option<String>,
    row: Option<u32>,
    column: Option<String>,
    message: &'a str,
    value: Option<&'a str>,
}

/// A batch finding: the same, and the network it is about.
#[derive(Serialize)]
struct BatchFindingJson<'a> {
    #[serde(flatten)]
    finding: FindingJson<'a>,
    reseau: Option<&'a str>,
}

fn finding(f: &Finding, lang: Lang) -> FindingJson<'_> {
    FindingJson {
        code: f.code,
        name: f.code.rule().name,
        severity: f.severity.as_str(),
        sheet: f.sheet_name(),
        cell: f.cell_a1(),
        row: f.row_number(),
        column: f.column_letters(),
        message: f.message.get(lang),
        value: f.value.as_deref(),
    }
}

fn batch_finding(b: &Finding, lang: Lang) -> BatchFindingJson<'_> {
    BatchFindingJson {
        finding: finding(b, lang),
        reseau: b.reseau.as_deref(),
    }
}

/// `--format json`.
pub(crate) struct Json;

impl super::Reporter for Json {
    fn write(&self, report: &Report, lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
        super::pretty(&document(report, lang), out)
    }
}

/// The JSON document for `report`, serialised finding by finding.
pub(crate) fn document(report: &Report, lang: Lang) -> impl Serialize + '_ {
    let files = Seq::new(move || report.files.iter().map(move |f| file(f, lang)));
    Document {
        tool: json!({"name": "spro", "version": env!("CARGO_PKG_VERSION"), "template": report.template}),
        files,
        batch: Seq::new(move || report.batch.iter().map(move |b| batch_finding(b, lang))),
        summary: json!({
            "files": report.files.len(),
            "valid": report.count_status(Status::Valid),
            "valid_with_warnings": report.count_status(Status::ValidWithWarnings),
            "invalid": report.count_status(Status::Invalid),
            "unreadable": report.count_status(Status::Unreadable),
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "infos": report.count(Severity::Info),
        }),
    }
}

/// A file's entry of the document (`files[i]`).
fn file(f: &FileReport, lang: Lang) -> File<'_, impl Serialize + '_> {
    File {
        path: f.path.display().to_string(),
        reseau: f.reseau.as_deref(),
        annee: f.annee,
        status: f.status.as_str(),
        modele: f.model.as_ref().map(|m| m.version.as_str()),
        modele_lu: f.model.as_ref().map(|m| m.how.key()),
        findings: Seq::new(move || f.findings.iter().map(move |x| finding(x, lang))),
    }
}

/// A finding as the document writes it, as a value (a comparison of deposits lists them).
pub(crate) fn finding_entry(f: &Finding, lang: Lang) -> Value {
    serde_json::to_value(finding(f, lang)).unwrap_or(Value::Null)
}

/// A file's entry of the document as a value: what the campaign keeps of a deposit, exactly
/// `files[0]` of `spro check --format json` on that file.
pub(crate) fn file_entry(f: &FileReport, lang: Lang) -> Value {
    serde_json::to_value(file(f, lang)).unwrap_or(Value::Null)
}

/// The document's keys, in the order of contrat §5.
#[derive(Serialize)]
struct Document<F, B> {
    tool: Value,
    files: F,
    batch: B,
    summary: Value,
}

#[derive(Serialize)]
struct File<'a, F> {
    path: String,
    reseau: Option<&'a str>,
    annee: Option<i32>,
    status: &'static str,
    /// The template version the file was read with (`None`: it could not be read).
    modele: Option<&'a str>,
    /// How that version was chosen: `declare`, `detecte` or `impose`.
    modele_lu: Option<&'static str>,
    findings: F,
}
