//! `--format sarif`: SARIF 2.1.0, the rule catalogue as `tool.driver.rules` (id, name, short
//! and full description, help from `explain`) and one result per finding, located in its file
//! with the sheet and cell as a logical location (and in the message).

use std::io::Write;

use serde::Serialize;
use serde_json::{json, Value};

use super::Seq;

use crate::check::Report;
use crate::finding::{Finding, Severity};
use crate::i18n::{pick, Lang};
use crate::rules::{self, RULES};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn result(f: &Finding, file: Option<&str>, lang: Lang) -> Value {
    // The catalogue's order is the code's: the index cannot point at another rule.
    let index = f.code as usize;
    let place = match (f.sheet_name(), f.cell_a1()) {
        (Some(s), Some(c)) => format!("{s}!{c} : "),
        (Some(s), None) => format!("{} {s} : ", pick(lang, "feuille", "sheet")),
        _ => String::new(),
    };
    let mut location = serde_json::Map::new();
    if let Some(file) = file {
        location.insert(
            "physicalLocation".into(),
            json!({"artifactLocation": {"uri": file}}),
        );
    }
    let mut logical = Vec::new();
    if let Some(sheet) = f.sheet_name() {
        logical.push(json!({"name": sheet, "kind": "module"}));
        if let Some(cell) = f.cell_a1() {
            logical.push(json!({"name": cell, "fullyQualifiedName": format!("{sheet}!{cell}"), "kind": "member"}));
        }
    }
    if let Some(r) = &f.reseau {
        logical.push(json!({"name": r, "kind": "namespace"}));
    }
    if !logical.is_empty() {
        location.insert("logicalLocations".into(), Value::Array(logical));
    }
    let mut out = json!({
        "ruleId": f.code,
        "ruleIndex": index,
        "level": level(f.severity),
        "message": {"text": format!("{place}{}", f.message.get(lang))},
    });
    if !location.is_empty() {
        out["locations"] = json!([Value::Object(location)]);
    }
    if let Some(v) = &f.value {
        out["properties"] = json!({"value": v});
    }
    out
}

/// `--format sarif`.
pub(crate) struct Sarif;

impl super::Reporter for Sarif {
    fn write(&self, report: &Report, lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
        super::pretty(&log(report, lang), out)
    }
}

/// The SARIF log of `report`, serialised result by result.
fn log(report: &Report, lang: Lang) -> impl Serialize + '_ {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let (what, why) = (r.what(lang), r.why(lang));
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": what},
                "fullDescription": {"text": why},
                "help": {"text": rules::explain_in(r, lang)},
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"family": r.family.label_fr(), "source": r.source.0},
            })
        })
        .collect();
    let results = Seq::new(move || {
        report
            .files
            .iter()
            .flat_map(move |file| {
                let path = file.path.display().to_string();
                file.findings
                    .iter()
                    .map(move |f| result(f, Some(&path), lang))
            })
            .chain(report.batch.iter().map(move |f| result(f, None, lang)))
    });
    let artifacts: Vec<Value> = report
        .files
        .iter()
        .map(|f| json!({"location": {"uri": f.path.display().to_string()}}))
        .collect();
    Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: json!({"driver": {
                "name": "spro",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://www.centre-valdeloire.fr",
                "rules": rules,
            }}),
            artifacts,
            results,
        }],
    }
}

#[derive(Serialize)]
struct Log<R> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<R>; 1],
}

#[derive(Serialize)]
struct Run<R> {
    tool: Value,
    artifacts: Vec<Value>,
    results: R,
}
