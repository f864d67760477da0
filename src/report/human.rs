//! `--format human` (default): a French report grouped by file, each finding rendered by
//! miette (severity, code and rule name, sheet!cell, message, value, how to fix), one summary
//! line per file and a total.

use crate::rules::Code;
use std::fmt::Write as _;
use std::io::Write;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};

use crate::check::{Report, Status};
use crate::finding::{Finding, Severity};
use crate::i18n::{count, pick, Lang};

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

fn counts(lang: Lang, errors: usize, warnings: usize, infos: usize) -> String {
    let mut parts = vec![
        count(lang, errors, ["erreur", "erreurs"], ["error", "errors"]),
        count(
            lang,
            warnings,
            ["avertissement", "avertissements"],
            ["warning", "warnings"],
        ),
    ];
    if infos > 0 {
        parts.push(count(
            lang,
            infos,
            ["information", "informations"],
            ["information", "information"],
        ));
    }
    parts.join(", ")
}

/// The report for a person: findings grouped by file, drawn by miette.
pub(crate) struct Human {
    /// ANSI colours (a terminal, no `NO_COLOR`).
    pub color: bool,
}

impl super::Reporter for Human {
    fn write(&self, report: &Report, lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
        write(report, self.color, lang, out)
    }
}

/// The human report in `lang`; `color` turns ANSI colours on.
pub(crate) fn write(
    report: &Report,
    color: bool,
    lang: Lang,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    // One finding at a time is drawn here, then written out.
    let mut text = String::new();
    for file in &report.files {
        writeln!(
            out,
            "{} — {}{} {}",
            file.path.display(),
            file.status.label(lang),
            pick(lang, " :", ":"),
            counts(
                lang,
                file.count(Severity::Error),
                file.count(Severity::Warning),
                file.count(Severity::Info)
            )
        )?;
        if let Some(model) = &file.model {
            writeln!(out, "  {}", model.said().get(lang))?;
        }
        for f in &file.findings {
            text.clear();
            one(&handler, &mut text, f, lang);
            out.write_all(text.as_bytes())?;
        }
        out.write_all(b"\n")?;
    }
    text.clear();
    if !report.batch.is_empty() {
        batch(&handler, &mut text, report, lang);
    }
    totals(&mut text, report, lang);
    out.write_all(text.as_bytes())
}

/// One finding, drawn by miette: code, rule, place, message, and the value read when the
/// message does not already quote it.
fn one(handler: &GraphicalReportHandler, out: &mut String, f: &Finding, lang: Lang) {
    let name = f.code.rule().name;
    let place = match (f.sheet_name(), f.cell_a1()) {
        (Some(s), Some(c)) => format!(" — {s}!{c}"),
        (Some(s), None) => format!(" — {} {s}", pick(lang, "feuille", "sheet")),
        _ => String::new(),
    };
    let message = f.message.get(lang);
    let help = f
        .value
        .as_ref()
        .filter(|v| !message.contains(v.as_str()))
        .map(|v| match lang {
            Lang::Fr => format!("valeur lue : « {v} »"),
            Lang::En => format!("value read: “{v}”"),
        });
    let shown = Shown {
        finding: f,
        text: format!("{} {name}{place}\n{message}", f.code),
        help,
    };
    let _ = handler.render_report(out, &shown);
}

/// The batch findings: each in full, but the networks that sent nothing (B002) on one line.
fn batch(handler: &GraphicalReportHandler, out: &mut String, report: &Report, lang: Lang) {
    out.push_str(pick(lang, "Lot de fichiers\n", "Batch\n"));
    for f in report.batch.iter().filter(|f| f.code != Code::B002) {
        one(handler, out, f, lang);
    }
    let missing: Vec<&str> = report
        .batch
        .iter()
        .filter(|f| f.code == Code::B002)
        .filter_map(|f| f.reseau.as_deref())
        .collect();
    if !missing.is_empty() {
        let n = missing.len();
        let _ = match lang {
            Lang::Fr => writeln!(
                out,
                "  B002 reseau-non-transmis — {} sans tableau de bord : {}",
                count(lang, n, ["réseau", "réseaux"], ["network", "networks"]),
                missing.join(", ")
            ),
            Lang::En => writeln!(
                out,
                "  B002 reseau-non-transmis — {} without a tableau de bord: {}",
                count(lang, n, ["réseau", "réseaux"], ["network", "networks"]),
                missing.join(", ")
            ),
        };
    }
    out.push('\n');
}

/// The closing line: files by status, findings by severity.
fn totals(out: &mut String, report: &Report, lang: Lang) {
    let n = report.files.len();
    let (valid, warned, invalid, unreadable) = (
        report.count_status(Status::Valid),
        report.count_status(Status::ValidWithWarnings),
        report.count_status(Status::Invalid),
        report.count_status(Status::Unreadable),
    );
    let totals = counts(
        lang,
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info),
    );
    let _ = match lang {
        Lang::Fr => writeln!(
            out,
            "Total : {} — {}, {warned} avec avertissements, {}, {} ; {totals}",
            count(lang, n, ["fichier vérifié", "fichiers vérifiés"], ["", ""]),
            count(lang, valid, ["conforme", "conformes"], ["", ""]),
            count(lang, invalid, ["non conforme", "non conformes"], ["", ""]),
            count(lang, unreadable, ["illisible", "illisibles"], ["", ""]),
        ),
        Lang::En => writeln!(
            out,
            "Total: {} — {valid} valid, {warned} with warnings, {invalid} invalid, {unreadable} unreadable; {totals}",
            count(lang, n, ["", ""], ["file checked", "files checked"]),
        ),
    };
}
