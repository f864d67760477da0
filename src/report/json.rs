//! `--format json`: the document of spec §5, keys stable.

use serde_json::{json, Value};

use crate::check::{Report, Status};
use crate::finding::{Finding, Severity};
use crate::i18n::Lang;

use crate::schema::TEMPLATE_VERSION;

fn finding(f: &Finding, lang: Lang) -> Value {
    json!({
        "code": f.code,
        "name": f.code.rule().name,
        "severity": f.severity.as_str(),
        "sheet": f.sheet_name(),
        "cell": f.cell_a1(),
        "row": f.row_number(),
        "column": f.column_letters(),
        "message": f.message.get(lang),
        "value": f.value,
    })
}

/// `--format json`.
pub struct Json;

impl super::Reporter for Json {
    fn render(&self, report: &Report, lang: Lang) -> String {
        super::pretty(&render(report, lang))
    }
}

/// The JSON document for `report`.
pub fn render(report: &Report, lang: Lang) -> Value {
    let files: Vec<Value> = report
        .files
        .iter()
        .map(|f| {
            json!({
                "path": f.path.display().to_string(),
                "reseau": f.reseau,
                "annee": f.annee,
                "status": f.status.as_str(),
                "findings": f.findings.iter().map(|x| finding(x, lang)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let batch: Vec<Value> = report
        .batch
        .iter()
        .map(|b| {
            let mut v = finding(b, lang);
            v["reseau"] = json!(b.reseau);
            v
        })
        .collect();
    json!({
        "tool": {"name": "spro", "version": env!("CARGO_PKG_VERSION"), "template": TEMPLATE_VERSION},
        "files": files,
        "batch": batch,
        "summary": {
            "files": report.files.len(),
            "valid": report.count_status(Status::Valid),
            "valid_with_warnings": report.count_status(Status::ValidWithWarnings),
            "invalid": report.count_status(Status::Invalid),
            "unreadable": report.count_status(Status::Unreadable),
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "infos": report.count(Severity::Info),
        }
    })
}
