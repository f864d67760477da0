//! The pages, from the escaped templates of `templates/` (askama: every value is escaped
//! unless a template says otherwise; only `aide.html` does, for the guide's own compiled-in
//! Markdown). Views are plain data made here from
//! the report and the catalogue; the templates only lay them out.

use std::collections::HashMap;

use askama::Template;

use super::error::ServeError;
use super::texts::Texts;
use crate::check::{FileReport, Model, Report, Status};
use crate::finding::{Finding, Severity};
use crate::i18n::Lang;
use crate::registry::Registry;
use crate::rules::{Code, Rule};
use crate::schema::SheetKind;

/// What every page shows around its content.
pub(crate) struct Frame {
    pub t: &'static Texts,
    /// `?lang=xx` when the language was chosen in the address, kept on every link.
    pub q: &'static str,
    /// The same after a `?` already there.
    pub amp: &'static str,
    /// The link to the page in the other language.
    pub switch: String,
    pub template_year: i32,
    pub version: &'static str,
}

impl Frame {
    /// `path` is the page's own address (for the language switch), `None` for the pages
    /// answering a form (their switch goes to the home page).
    pub(crate) fn new(lang: Lang, explicit: bool, path: Option<&str>, template_year: i32) -> Frame {
        let t = Texts::of(lang);
        let (q, amp) = match (explicit, lang) {
            (false, _) => ("", ""),
            (true, Lang::Fr) => ("?lang=fr", "&lang=fr"),
            (true, Lang::En) => ("?lang=en", "&lang=en"),
        };
        Frame {
            t,
            q,
            amp,
            switch: format!("{}?lang={}", path.unwrap_or("/"), t.other_lang_code),
            template_year,
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// Each page reads the frame's fields (`t`, `q`, …) as its own: `framed!(PageA, PageB)`.
macro_rules! framed {
    ($($page:ident),*) => {$(
        impl std::ops::Deref for $page {
            type Target = $crate::serve::pages::Frame;
            fn deref(&self) -> &$crate::serve::pages::Frame {
                &self.frame
            }
        }
    )*};
}
pub(super) use framed;

framed!(
    IndexPage,
    ResultsPage,
    RulesPage,
    RulePage,
    ErrorPage,
    HelpIndexPage,
    HelpPageView
);

#[derive(Template)]
#[template(path = "index.html")]
pub(super) struct IndexPage {
    pub frame: Frame,
    pub file_limit_bytes: u64,
    pub file_limit_mo: u64,
    pub max_files: usize,
    pub rows: String,
    pub columns: String,
}

#[derive(Template)]
#[template(path = "results.html")]
pub(super) struct ResultsPage {
    pub frame: Frame,
    pub files: Vec<FileView>,
    pub batch: Vec<BatchView>,
    /// Token of the JSON report.
    pub json: Option<String>,
}

/// One file of the results.
pub(super) struct FileView {
    pub name: String,
    pub verdict: &'static str,
    pub verdict_class: &'static str,
    /// « 3 erreurs, 0 avertissement, 0 information ».
    pub counts: String,
    pub reseau: Option<String>,
    pub annee: Option<i32>,
    pub groups: Vec<Group>,
    /// Token of the annotated copy.
    pub copy: Option<String>,
    /// The copy could not be kept.
    pub copy_missing: bool,
    /// What the copy is, when it is not the file itself marked (an .ods, .xls, .xlsb).
    pub copy_note: Option<String>,
    /// « Vérifié avec le modèle 2024.1 (indiqué dans le classeur) ».
    pub model: Option<String>,
    /// When that is not the current version: what changed since, in sentences, under its
    /// heading.
    pub changes: Option<(String, Vec<String>)>,
}

/// The findings of one sheet (or of the file as a whole).
pub(super) struct Group {
    pub sheet: String,
    pub rows: Vec<FindingLine>,
}

/// One finding as the results page lists it.
pub(super) struct FindingLine {
    /// Set on the line that stands for the cells not shown (« et 4 310 autres cellules… »):
    /// then only this is shown.
    pub rest: Option<String>,
    /// `Actions!P3`, or the sheet alone, or the file.
    pub cell: String,
    pub code: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub severity_class: &'static str,
    pub message: String,
    pub value: Option<String>,
    pub fix: &'static str,
}

pub(super) struct BatchView {
    pub code: &'static str,
    pub message: String,
}

impl FileView {
    pub(super) fn new(
        file: &FileReport,
        registry: &Registry,
        lang: Lang,
        copy: Option<String>,
        copy_missing: bool,
    ) -> Self {
        let t = Texts::of(lang);
        let (verdict, verdict_class) = match file.status {
            Status::Valid => (t.verdict_ok, "pret"),
            Status::ValidWithWarnings => (t.verdict_warnings, "points"),
            Status::Invalid => (t.verdict_errors, "corriger"),
            Status::Unreadable => (t.verdict_unreadable, "illisible"),
        };
        let mut groups: Vec<Group> = Vec::new();
        let runs = Runs::of(file);
        let mut shown: HashMap<RunKey, usize> = HashMap::new();
        // Findings come sorted by sheet order, then row and column: consecutive runs of one
        // sheet make its group.
        for f in &file.findings {
            let sheet = f.sheet_name().unwrap_or(t.whole_file).to_string();
            let mut rows = vec![];
            match runs.long(f) {
                Some((key, run)) => {
                    let n = shown.entry(key).or_default();
                    *n += 1;
                    if *n <= RUN_SHOWN {
                        rows.push(row(f, lang, t));
                    }
                    if *n == RUN_SHOWN {
                        rows.push(rest_row(file, key, run, copy.is_some(), lang));
                    }
                }
                None => rows.push(row(f, lang, t)),
            }
            match groups.last_mut() {
                Some(g) if g.sheet == sheet => g.rows.extend(rows),
                _ if rows.is_empty() => {}
                _ => groups.push(Group { sheet, rows }),
            }
        }
        let copy_note = copy.as_ref().and_then(|_| {
            let format = crate::read::Format::from_path(&file.path)?;
            let ext = file.path.extension()?.to_string_lossy().to_lowercase();
            (!crate::annotate::patched_in_place(format))
                .then(|| t.copy_values_only.replace("{ext}", &format!(".{ext}")))
        });
        FileView {
            name: file.path.display().to_string(),
            verdict,
            verdict_class,
            counts: counts(file, lang),
            reseau: file.reseau.clone(),
            annee: file.annee,
            groups,
            copy,
            copy_missing,
            copy_note,
            model: file.model.as_ref().map(|m| capitalised(m.said().get(lang))),
            changes: file.model.as_ref().and_then(|m| since(m, registry, lang)),
        }
    }
}

/// What changed from the version `model` names to the current one, when they differ: the
/// heading and one sentence per change.
fn since(model: &Model, registry: &Registry, lang: Lang) -> Option<(String, Vec<String>)> {
    let (from, to) = (&registry.versions[model.index], registry.current());
    if from.version == to.version {
        return None;
    }
    let changes: Vec<String> = crate::registry::diff::diff(registry, from, to)
        .iter()
        .filter_map(|c| c.for_filling())
        .map(|m| capitalised(m.get(lang)))
        .collect();
    let (v, w) = (&from.version, &to.version);
    let heading = match lang {
        Lang::Fr => format!("Ce qui a changé du modèle {v} au modèle {w}, celui de cette année"),
        Lang::En => format!("What changed from template {v} to template {w}, this year's"),
    };
    Some((heading, changes))
}

/// A page a person can read (docs/coordinateurs/la-page.md): beyond [`RUN_LONG`] cells of one rule in one column
/// of one sheet, the first [`RUN_SHOWN`] are listed and one line stands for the rest.
const RUN_LONG: usize = 20;
const RUN_SHOWN: usize = 10;

/// One rule in one column of one sheet: (sheet, column, rule).
type RunKey = (SheetKind, u32, Code);

/// How many cells of each rule each column holds, and the last of them.
struct Run {
    count: usize,
    last: (u32, u32),
}

struct Runs(HashMap<RunKey, Run>);

impl Runs {
    fn of(file: &FileReport) -> Runs {
        let mut runs: HashMap<RunKey, Run> = HashMap::new();
        for f in &file.findings {
            if let Some(key) = run_key(f) {
                let cell = f.location.cell.unwrap_or_default();
                let run = runs.entry(key).or_insert(Run {
                    count: 0,
                    last: cell,
                });
                run.count += 1;
                run.last = run.last.max(cell);
            }
        }
        runs.retain(|_, run| run.count > RUN_LONG);
        Runs(runs)
    }

    /// The long run `f` belongs to, if any.
    fn long(&self, f: &Finding) -> Option<(RunKey, &Run)> {
        let key = run_key(f)?;
        self.0.get(&key).map(|run| (key, run))
    }
}

fn run_key(f: &Finding) -> Option<RunKey> {
    let kind = f.location.sheet.as_ref()?.kind()?;
    let (_, col) = f.location.cell?;
    Some((kind, col, f.code))
}

/// « et 4 310 autres cellules de la colonne Date de début, jusqu'à Actions!E4320 — toutes
/// sont marquées dans le classeur annoté » (when there is one).
fn rest_row(
    file: &FileReport,
    (kind, col, code): RunKey,
    run: &Run,
    has_copy: bool,
    lang: Lang,
) -> FindingLine {
    let others = crate::evolution::grouped((run.count - RUN_SHOWN) as i64, lang);
    let letters = crate::finding::column_letters(col);
    let column = file
        .column_labels
        .get(&(kind, col))
        .cloned()
        .unwrap_or_else(|| letters.clone());
    let last = format!(
        "{}!{}",
        kind.name(),
        crate::finding::a1(run.last.0, run.last.1)
    );
    let text = match (lang, has_copy) {
        (Lang::Fr, true) => format!("… et {others} autres cellules de la colonne {column}, jusqu'à {last} — toutes sont marquées dans le classeur annoté et figurent dans le rapport JSON."),
        (Lang::Fr, false) => format!("… et {others} autres cellules de la colonne {column}, jusqu'à {last} — toutes figurent dans le rapport JSON."),
        (Lang::En, true) => format!("… and {others} more cells of the column {column}, up to {last} — all are marked in the annotated workbook and listed in the JSON report."),
        (Lang::En, false) => format!("… and {others} more cells of the column {column}, up to {last} — all are listed in the JSON report."),
    };
    let rule = code.rule();
    FindingLine {
        rest: Some(text),
        cell: String::new(),
        code: code.as_str(),
        name: rule.name,
        severity: "",
        severity_class: "reste",
        message: String::new(),
        value: None,
        fix: "",
    }
}

/// The findings of a stored report (a deposit's: `files[0]` of `spro check --format json`)
/// grouped by sheet and folded as the results page does: beyond [`RUN_LONG`] cells of one rule
/// in one column, the first [`RUN_SHOWN`] and a line for the rest.
pub(super) fn groups_of_report(report: &serde_json::Value, lang: Lang) -> Vec<Group> {
    let t = Texts::of(lang);
    let findings: &[serde_json::Value] = report["findings"].as_array().map_or(&[], Vec::as_slice);
    let key = |f: &serde_json::Value| -> Option<(String, String, String)> {
        Some((
            f["sheet"].as_str()?.to_string(),
            f["column"].as_str()?.to_string(),
            f["code"].as_str()?.to_string(),
        ))
    };
    let mut runs: HashMap<(String, String, String), (usize, String)> = HashMap::new();
    for f in findings {
        if let Some(k) = key(f) {
            let run = runs.entry(k).or_default();
            run.0 += 1;
            run.1 = f["cell"].as_str().unwrap_or_default().to_string();
        }
    }
    let mut shown: HashMap<(String, String, String), usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    for f in findings {
        let code = f["code"].as_str().and_then(Code::parse);
        let Some(code) = code else { continue };
        let sheet = f["sheet"].as_str().unwrap_or(t.whole_file).to_string();
        let mut rows = vec![];
        match key(f).and_then(|k| runs.get(&k).filter(|r| r.0 > RUN_LONG).map(|r| (k, r))) {
            Some((k, (count, last))) => {
                let n = shown.entry(k.clone()).or_default();
                *n += 1;
                if *n <= RUN_SHOWN {
                    rows.push(stored_row(f, code, lang, t));
                }
                if *n == RUN_SHOWN {
                    let others = crate::evolution::grouped((count - RUN_SHOWN) as i64, lang);
                    let (column, last) = (&k.1, format!("{}!{last}", k.0));
                    let text = match lang {
                        Lang::Fr => format!("… et {others} autres cellules de la colonne {column}, jusqu'à {last} — toutes sont marquées dans la copie annotée."),
                        Lang::En => format!("… and {others} more cells of the column {column}, up to {last} — all are marked in the annotated copy."),
                    };
                    rows.push(FindingLine {
                        rest: Some(text),
                        ..stored_row(f, code, lang, t)
                    });
                }
            }
            None => rows.push(stored_row(f, code, lang, t)),
        }
        match groups.last_mut() {
            Some(g) if g.sheet == sheet => g.rows.extend(rows),
            _ => groups.push(Group { sheet, rows }),
        }
    }
    groups
}

/// One finding of a stored report, as the results page lists it.
fn stored_row(f: &serde_json::Value, code: Code, lang: Lang, t: &Texts) -> FindingLine {
    let severity = match f["severity"].as_str() {
        Some("error") => Severity::Error,
        Some("warning") => Severity::Warning,
        _ => Severity::Info,
    };
    let place = (f["sheet"].as_str(), f["cell"].as_str().map(str::to_string));
    let message = f["message"].as_str().unwrap_or_default();
    let value = f["value"].as_str().map(str::to_string);
    line(code, severity, place, message, value, lang, t)
}

fn counts(file: &FileReport, lang: Lang) -> String {
    let (e, w, i) = (
        file.count(Severity::Error),
        file.count(Severity::Warning),
        file.count(Severity::Info),
    );
    use crate::i18n::count;
    [
        count(lang, e, ["erreur", "erreurs"], ["error", "errors"]),
        count(
            lang,
            w,
            ["avertissement", "avertissements"],
            ["warning", "warnings"],
        ),
        count(
            lang,
            i,
            ["information", "informations"],
            ["information", "information"],
        ),
    ]
    .join(", ")
}

fn row(f: &Finding, lang: Lang, t: &Texts) -> FindingLine {
    let place = (f.sheet_name(), f.cell_a1());
    let message = f.message.get(lang);
    line(f.code, f.severity, place, message, f.value.clone(), lang, t)
}

/// A finding's line: `Actions!P3` (or the sheet, or the file), the rule, its severity, the
/// message capitalised, the value read, how to fix it.
fn line(
    code: Code,
    severity: Severity,
    (sheet, cell): (Option<&str>, Option<String>),
    message: &str,
    value: Option<String>,
    lang: Lang,
    t: &Texts,
) -> FindingLine {
    let rule = code.rule();
    let cell = match (sheet, cell) {
        (Some(sheet), Some(cell)) => format!("{sheet}!{cell}"),
        (Some(sheet), None) => sheet.to_string(),
        (None, _) => t.whole_file.to_string(),
    };
    FindingLine {
        rest: None,
        cell,
        code: code.as_str(),
        name: rule.name,
        severity: severity_label(severity, lang),
        severity_class: severity.as_str(),
        message: capitalised(message),
        value,
        fix: rule.fix(lang),
    }
}

fn severity_label(s: Severity, lang: Lang) -> &'static str {
    match (s, lang) {
        (Severity::Error, Lang::Fr) => "Erreur",
        (Severity::Warning, Lang::Fr) => "Avertissement",
        (Severity::Info, Lang::Fr) => "Information",
        (Severity::Error, Lang::En) => "Error",
        (Severity::Warning, Lang::En) => "Warning",
        (Severity::Info, Lang::En) => "Information",
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl ResultsPage {
    pub(super) fn new(
        frame: Frame,
        report: &Report,
        registry: &Registry,
        lang: Lang,
        copies: Vec<(Option<String>, bool)>,
        json: Option<String>,
    ) -> Self {
        let files = report
            .files
            .iter()
            .zip(copies)
            .map(|(f, (copy, missing))| FileView::new(f, registry, lang, copy, missing))
            .collect();
        let batch = report
            .batch
            .iter()
            .map(|b| BatchView {
                code: b.code.as_str(),
                message: capitalised(b.message.get(lang)),
            })
            .collect();
        ResultsPage {
            frame,
            files,
            batch,
            json,
        }
    }
}

/// `/aide`: the coordinators' guide, its pages listed.
#[derive(Template)]
#[template(path = "aide_index.html")]
pub(super) struct HelpIndexPage {
    pub frame: Frame,
    pub pages: &'static [super::help::HelpPage],
}

/// `/aide/{page}`: one page of the guide. Its HTML is the guide's Markdown, compiled in and
/// made by pulldown-cmark (`help.rs`): the one value a template shows unescaped.
#[derive(Template)]
#[template(path = "aide.html")]
pub(super) struct HelpPageView {
    pub frame: Frame,
    pub page: &'static super::help::HelpPage,
    pub previous: Option<&'static super::help::HelpPage>,
    pub next: Option<&'static super::help::HelpPage>,
}

#[derive(Template)]
#[template(path = "rules.html")]
pub(super) struct RulesPage {
    pub frame: Frame,
    pub rules: Vec<RuleView>,
}

#[derive(Template)]
#[template(path = "rule.html")]
pub(super) struct RulePage {
    pub frame: Frame,
    pub rule: RuleView,
}

pub(super) struct RuleView {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub source: &'static str,
    pub what: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
    pub example: &'static str,
}

impl RuleView {
    pub(super) fn new(rule: &'static Rule, lang: Lang) -> RuleView {
        RuleView {
            code: rule.code.as_str(),
            name: rule.name,
            severity: severity_label(rule.severity, lang),
            source: rule.source(lang),
            what: rule.what(lang),
            why: rule.why(lang),
            fix: rule.fix(lang),
            example: rule.example(lang),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub(super) struct ErrorPage {
    pub frame: Frame,
    pub status: u16,
    pub title: String,
    pub message: String,
}

/// The page of `error`.
pub(super) fn error_page(error: &ServeError, lang: Lang, frame: Frame) -> String {
    let page = ErrorPage {
        frame,
        status: error.status().as_u16(),
        title: error.title().get(lang).to_string(),
        message: crate::i18n::Said::said(error).get(lang).to_string(),
    };
    render(&page)
}

/// A page as HTML; a template that cannot render (a bug) gives a plain sentence rather
/// than nothing.
pub(super) fn render(page: &impl Template) -> String {
    page.render().unwrap_or_else(|_| {
        "<!DOCTYPE html><html lang=\"fr\"><title>Erreur</title><p>Erreur interne du service.</p></html>".to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored report of 25 missing logos in column P and one other finding: the run is
    /// folded as on the results page (10 shown, one line for the 15 others), the other kept.
    #[test]
    fn a_stored_reports_long_runs_fold_as_on_the_results_page() {
        let mut findings: Vec<serde_json::Value> = (3..28)
            .map(|row| {
                serde_json::json!({ "code": "C005", "severity": "error", "sheet": "Actions",
                    "cell": format!("P{row}"), "row": row, "column": "P",
                    "message": "l'action a créé un outil sans le logo du SPRO" })
            })
            .collect();
        findings.push(serde_json::json!({ "code": "C001", "severity": "error",
            "sheet": "Identification", "cell": "B6", "row": 6, "column": "B",
            "message": "aucun coordinateur", "value": "—" }));
        let groups = groups_of_report(&serde_json::json!({ "findings": findings }), Lang::Fr);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].sheet, "Actions");
        assert_eq!(groups[0].rows.len(), 11);
        assert_eq!(groups[0].rows[0].cell, "Actions!P3");
        assert_eq!(
            groups[0].rows[0].message,
            "L'action a créé un outil sans le logo du SPRO"
        );
        assert_eq!(groups[0].rows[0].severity, "Erreur");
        let rest = groups[0].rows[10].rest.as_deref().unwrap();
        assert!(
            rest.contains("15 autres cellules de la colonne P, jusqu'à Actions!P27"),
            "{rest}"
        );
        assert_eq!(groups[1].rows[0].value.as_deref(), Some("—"));
        assert_eq!(
            groups[1].rows[0].name,
            Code::parse("C001").unwrap().rule().name
        );
    }
}
