//! `--format human` (default): a French report grouped by file, each finding rendered by
//! miette (severity, code and rule name, sheet!cell, message, value, how to fix), one summary
//! line per file and a total.

use std::fmt::Write as _;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};

use crate::check::{Report, Status};
use crate::finding::{Finding, Severity};
use crate::rules;

/// A finding as miette sees it.
#[derive(Debug)]
struct Shown<'a> {
    finding: &'a Finding,
    text: String,
    help: Option<String>,
}

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for Shown<'_> {}

impl Diagnostic for Shown<'_> {
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

fn counts(errors: usize, warnings: usize, infos: usize) -> String {
    let mut parts = vec![
        plural(errors, "erreur", "erreurs"),
        plural(warnings, "avertissement", "avertissements"),
    ];
    if infos > 0 {
        parts.push(plural(infos, "information", "informations"));
    }
    parts.join(", ")
}

/// The human report; `color` turns ANSI colours on.
pub fn render(report: &Report, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    let render_one = |out: &mut String, f: &Finding| {
        let name = rules::rule(f.code).map_or("", |r| r.name);
        let place = match (f.sheet_name(), f.cell_a1()) {
            (Some(s), Some(c)) => format!(" — {s}!{c}"),
            (Some(s), None) => format!(" — feuille {s}"),
            _ => String::new(),
        };
        let help = f
            .value
            .as_ref()
            .filter(|v| !f.message.contains(v.as_str()))
            .map(|v| format!("valeur lue : « {v} »"));
        let shown = Shown {
            finding: f,
            text: format!("{} {name}{place}\n{}", f.code, f.message),
            help,
        };
        let _ = handler.render_report(out, &shown);
    };
    for file in &report.files {
        let _ = writeln!(
            out,
            "{} — {} : {}",
            file.path.display(),
            status_fr(file.status),
            counts(
                file.count(Severity::Error),
                file.count(Severity::Warning),
                file.count(Severity::Info)
            )
        );
        for f in &file.findings {
            render_one(&mut out, f);
        }
        out.push('\n');
    }
    if !report.batch.is_empty() {
        out.push_str("Lot de fichiers\n");
        for f in report.batch.iter().filter(|f| f.code != "B002") {
            render_one(&mut out, f);
        }
        let missing: Vec<&str> = report
            .batch
            .iter()
            .filter(|f| f.code == "B002")
            .filter_map(|f| f.reseau.as_deref())
            .collect();
        if !missing.is_empty() {
            let _ = writeln!(
                out,
                "  B002 reseau-non-transmis — {} sans tableau de bord : {}",
                plural(missing.len(), "réseau", "réseaux"),
                missing.join(", ")
            );
        }
        out.push('\n');
    }
    let n = report.files.len();
    let _ = writeln!(
        out,
        "Total : {} — {} conforme(s), {} avec avertissements, {} non conforme(s), {} illisible(s) ; {}",
        plural(n, "fichier vérifié", "fichiers vérifiés"),
        report.count_status(Status::Valid),
        report.count_status(Status::ValidWithWarnings),
        report.count_status(Status::Invalid),
        report.count_status(Status::Unreadable),
        counts(report.count(Severity::Error), report.count(Severity::Warning), report.count(Severity::Info))
    );
    out
}

fn status_fr(s: Status) -> &'static str {
    s.label_fr()
}
