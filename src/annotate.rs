//! `spro check --annote DIR`: gives a coordinator back their own workbook with every problem
//! shown where it is. Each sheet is copied with its values (dates as dates, numbers as
//! numbers, text as text, never a formula); each cell with a finding is filled (red error,
//! orange warning, blue info) and carries one note gathering its findings and how to fix them;
//! a first sheet `Anomalies` lists every finding with a link to its cell.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Color, Format, FormatUnderline, Note, Url, Workbook, Worksheet, XlsxError};

use crate::check::{Checker, FileReport, Report, Status};
use crate::finding::{Finding, Severity};
use crate::i18n::Msg;
use crate::inputs::Input;
use crate::rules::Code;

use crate::workbook::{Admitted, CellValue, RawWorkbook};
use crate::xlsx::{self, Styles, Widths};

/// The name of the sheet listing the findings.
pub const ANOMALIES: &str = "Anomalies";

/// Output names for `files` (in their sorted order): `<stem>.annote.xlsx`, then `-2`, `-3`…
/// for stems already taken (spec §7.16).
pub fn output_names(files: &[&Path]) -> Vec<String> {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    files
        .iter()
        .map(|p| {
            let stem = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "classeur".into());
            let mut name = format!("{stem}.annote.xlsx");
            let mut n = 2;
            while !taken.insert(name.to_lowercase()) {
                name = format!("{stem}-{n}.annote.xlsx");
                n += 1;
            }
            name
        })
        .collect()
}

fn fill(severity: Severity) -> Color {
    match severity {
        Severity::Error => Color::RGB(0xFF9999),
        Severity::Warning => Color::RGB(0xFFC266),
        Severity::Info => Color::RGB(0x9CC3E6),
    }
}

fn status_sentence(report: &FileReport) -> String {
    let counts = format!(
        "{} erreur(s), {} avertissement(s), {} information(s)",
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info)
    );
    match report.status {
        Status::Valid if report.findings.is_empty() => "Statut : conforme — aucune anomalie, le tableau de bord peut être transmis.".to_string(),
        Status::Valid => format!("Statut : conforme — {counts}."),
        Status::ValidWithWarnings => format!("Statut : conforme avec avertissements — {counts} ; le tableau de bord est recevable, voyez les points signalés."),
        Status::Invalid => format!("Statut : non conforme — {counts} ; corrigez les erreurs avant de transmettre."),
        Status::Unreadable => format!("Statut : illisible — {counts} ; le fichier n'a pas pu être lu."),
    }
}

/// The annotated copy of `report`'s file, as the bytes of an `.xlsx`, from `wb`, the workbook
/// as the check read it (`None` when it could not be read). Nothing touches the disk.
pub fn copy_bytes(report: &FileReport, wb: Option<&RawWorkbook>) -> Result<Vec<u8>, Msg> {
    build(report, wb)
        .and_then(|mut book| book.save_to_buffer())
        .map_err(|e| crate::output::Failure::message(&e))
}

/// The annotated copy of `report`'s file from the bytes its check read (`None` when it could
/// not be read): a second pass over them, in memory.
pub fn copy_of(
    checker: &Checker,
    report: &FileReport,
    admitted: Option<&Admitted>,
) -> Result<Vec<u8>, Msg> {
    // The check read these bytes already: a failure now would be one of the check's.
    let wb = admitted.and_then(|a| crate::workbook::read_admitted(a, &checker.config.limits).ok());
    copy_bytes(report, wb.as_ref())
}

/// A file checked with its annotated copy, before the batch step.
#[derive(Debug)]
pub struct Annotated {
    /// Its report, the configuration applied, without batch findings.
    pub report: FileReport,
    /// Its copy, made from the bytes the check read (never read from the file again).
    pub copy: Result<Vec<u8>, Msg>,
}

/// Checks one input and makes its annotated copy from what the check read: the one path of
/// `check --annote` and `spro serve`.
pub fn check(checker: &Checker, input: &Input) -> Annotated {
    annotated(checker, checker.check_input_read(input))
}

/// The annotated copy of a file just checked, from the bytes its check read.
pub fn annotated(checker: &Checker, checked: (FileReport, Option<Admitted>)) -> Annotated {
    let (mut report, admitted) = checked;
    checker.finish(&mut report);
    let copy = copy_of(checker, &report, admitted.as_ref());
    Annotated { report, copy }
}

/// The batch step ([`Checker::conclude`]) over files checked with [`check`]. Also says, for
/// each file of the report (in its order), whether its copy is stale: the batch gave it
/// B001 (the same network twice), the one finding a copy made file by file cannot hold.
/// Such a copy is made again with [`recopy`]: the one case, rare and an error to correct,
/// that reads a file twice.
pub fn conclude(checker: &Checker, files: Vec<FileReport>, b002: bool) -> (Report, Vec<bool>) {
    let report = checker.conclude(files, b002);
    let stale = report.files.iter().map(stale).collect();
    (report, stale)
}

/// Whether the copy of `file`, made before the batch step, misses a batch finding.
pub fn stale(file: &FileReport) -> bool {
    file.findings.iter().any(|f| f.code == Code::B001)
}

/// The annotated copy of `report` (final, batch findings in), reading `input` again.
pub fn recopy(checker: &Checker, report: &FileReport, input: &Input) -> Result<Vec<u8>, Msg> {
    let (_, admitted) = checker.check_input_read(input);
    copy_of(checker, report, admitted.as_ref())
}

/// The sheet names of the copy: the original names, except one that would clash with
/// `Anomalies`.
fn copy_name(original: &str) -> String {
    if original.eq_ignore_ascii_case(ANOMALIES) {
        format!("{original} (original)")
    } else {
        original.to_string()
    }
}

/// Builds the annotated workbook.
pub fn build(report: &FileReport, wb: Option<&RawWorkbook>) -> Result<Workbook, XlsxError> {
    let mut book = xlsx::new_workbook(2026)?;
    let styles = Styles::new();
    // Where each finding is in the copy: the actual name of its sheet.
    let actual_names: BTreeMap<String, String> = wb
        .map(|wb| {
            wb.sheets
                .iter()
                .map(|s| {
                    let canonical = crate::schema::SheetKind::from_name(&s.name)
                        .map_or(s.name.clone(), |k| k.name().to_string());
                    (canonical, copy_name(&s.name))
                })
                .collect()
        })
        .unwrap_or_default();
    anomalies(book.add_worksheet(), report, &actual_names, &styles)?;
    if let Some(wb) = wb {
        for sheet in &wb.sheets {
            let name = copy_name(&sheet.name);
            let ws = book.add_worksheet();
            ws.set_name(&name)?;
            let here: Vec<&Finding> = report
                .findings
                .iter()
                .filter(|f| {
                    f.location.cell.is_some()
                        && f.sheet_name().and_then(|s| actual_names.get(s)) == Some(&name)
                })
                .collect();
            copy_sheet(
                ws,
                sheet,
                &here,
                report.header_rows.get(&sheet.name).copied(),
                &styles,
            )?;
        }
    }
    book.worksheet_from_index(0)?.set_active(true);
    Ok(book)
}

fn anomalies(
    ws: &mut Worksheet,
    report: &FileReport,
    names: &BTreeMap<String, String>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(ANOMALIES)?;
    xlsx::text(
        ws,
        0,
        0,
        &format!("Vérification de « {} »", report.path.display()),
        &styles.title,
    )?;
    xlsx::text(ws, 1, 0, &status_sentence(report), &styles.text)?;
    let headers = [
        "Sévérité",
        "Code",
        "Règle",
        "Feuille",
        "Cellule",
        "Message",
        "Comment corriger",
    ];
    if report.findings.is_empty() {
        xlsx::text(
            ws,
            3,
            0,
            "Aucune anomalie : toutes les règles sont respectées.",
            &styles.text,
        )?;
        ws.set_column_width(0, 60)?;
        return Ok(());
    }
    xlsx::table_header(ws, 3, &headers, report.findings.len() as u32, styles)?;
    let link = Format::new()
        .set_font_color(Color::Blue)
        .set_underline(FormatUnderline::Single);
    let mut widths = Widths::of(&headers);
    for (i, f) in report.findings.iter().enumerate() {
        let row = 4 + i as u32;
        let rule = f.code.rule();
        let severity = Format::new().set_background_color(fill(f.severity));
        xlsx::text(ws, row, 0, f.severity.label_fr(), &severity)?;
        xlsx::text(ws, row, 1, f.code.as_str(), &styles.text)?;
        xlsx::text(ws, row, 2, rule.name, &styles.text)?;
        let sheet = f.sheet_name().unwrap_or_default();
        xlsx::text(ws, row, 3, sheet, &styles.text)?;
        match (f.cell_a1(), names.get(sheet)) {
            (Some(cell), Some(actual)) => {
                let target = format!("internal:'{}'!{cell}", actual.replace('\'', "''"));
                ws.write_url_with_format(row, 4, Url::new(target).set_text(&cell), &link)?;
            }
            (Some(cell), None) => xlsx::text(ws, row, 4, &cell, &styles.text)?,
            (None, _) => {}
        }
        xlsx::text(ws, row, 5, &f.message.fr, &styles.wrap)?;
        xlsx::text(ws, row, 6, rule.fix.0, &styles.wrap)?;
        for (c, v) in [f.severity.label_fr(), f.code.as_str(), rule.name, sheet]
            .iter()
            .enumerate()
        {
            widths.see(c, v);
        }
    }
    widths.0[4] = 10;
    widths.0.resize(7, 10);
    widths.0[5] = 80;
    widths.0[6] = 60;
    xlsx::widths(ws, &widths.0)
}

fn note_text(findings: &[&&Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            let rule = f.code.rule();
            format!(
                "{} {} ({}) : {}\nComment corriger : {}",
                f.code,
                rule.name,
                f.severity.label_fr(),
                f.message.fr,
                rule.fix.0
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// One value of the workbook as read, in its cell of the copy, with `base` giving its
/// format (filled when the cell has a finding): dates as dates, numbers as numbers, text as
/// text (never a formula).
fn write_value(
    ws: &mut Worksheet,
    (r, c16): (u32, u16),
    value: &CellValue,
    base: impl Fn(Format) -> Format,
    styles: &Styles,
) -> Result<(), XlsxError> {
    match value {
        CellValue::Text(s) => xlsx::text(ws, r, c16, s, &base(Format::new()))?,
        CellValue::Int(i) => {
            ws.write_number_with_format(r, c16, *i as f64, &base(Format::new()))?;
        }
        CellValue::Float(f) => {
            ws.write_number_with_format(r, c16, *f, &base(Format::new()))?;
        }
        CellValue::Bool(b) => {
            ws.write_boolean_with_format(r, c16, *b, &base(Format::new()))?;
        }
        CellValue::Date(Some(d), _) => {
            use chrono::Datelike;
            match rust_xlsxwriter::ExcelDateTime::from_ymd(
                d.year() as u16,
                d.month() as u8,
                d.day() as u8,
            ) {
                Ok(dt) => {
                    ws.write_datetime_with_format(r, c16, &dt, &base(styles.date.clone()))?;
                }
                Err(_) => xlsx::text(
                    ws,
                    r,
                    c16,
                    &value.display().unwrap_or_default(),
                    &base(Format::new()),
                )?,
            }
        }
        CellValue::Date(None, serial) => {
            ws.write_number_with_format(r, c16, *serial, &base(Format::new()))?;
        }
        CellValue::Duration(s) | CellValue::Error(s) => {
            xlsx::text(ws, r, c16, s, &base(Format::new()))?
        }
        CellValue::Empty => {
            ws.write_blank(r, c16, &base(Format::new()))?;
        }
    }
    Ok(())
}

fn copy_sheet(
    ws: &mut Worksheet,
    sheet: &crate::workbook::RawSheet,
    findings: &[&Finding],
    header_row: Option<u32>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let mut by_cell: BTreeMap<(u32, u32), Vec<&&Finding>> = BTreeMap::new();
    for f in findings {
        if let Some(cell) = f.location.cell {
            by_cell.entry(cell).or_default().push(f);
        }
    }
    let mut widths = Widths::default();
    let mut written = BTreeSet::new();
    for cell in &sheet.cells {
        let (r, c) = (cell.row, cell.col);
        let Ok(c16) = u16::try_from(c) else { continue };
        let marked = by_cell.get(&(r, c)).map(|fs| {
            fs.iter()
                .map(|f| f.severity)
                .max()
                .unwrap_or(Severity::Info)
        });
        let base = |f: Format| match marked {
            Some(sev) => f.set_background_color(fill(sev)),
            None => f,
        };
        write_value(ws, (r, c16), &cell.value, base, styles)?;
        if let Some(s) = cell.value.display() {
            widths.see(c as usize, &s);
        }
        written.insert((r, c));
    }
    for ((r, c), fs) in &by_cell {
        let Ok(c16) = u16::try_from(*c) else { continue };
        let severity = fs
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info);
        if !written.contains(&(*r, *c)) {
            ws.write_blank(*r, c16, &Format::new().set_background_color(fill(severity)))?;
        }
        let note = Note::new(note_text(fs))
            .set_author("spro")
            .set_width(420)
            .set_height(160);
        ws.insert_note(*r, c16, &note)?;
    }
    if let Some(h) = header_row {
        ws.set_freeze_panes(h + 1, 0)?;
    }
    for (c, w) in widths.0.iter().enumerate().take(16_384) {
        if *w > 0 {
            ws.set_column_width(c as u16, (*w).clamp(8, 50) as f64 + 2.0)?;
        }
    }
    Ok(())
}

/// `check --annote DIR`: checks `inputs` (in parallel on the current rayon pool) and writes
/// each file's annotated copy into `dir` as soon as it is checked (atomically), then the batch
/// step; copies made stale by it are written again. Returns the report and the paths written.
pub fn check_and_write(
    checker: &Checker,
    inputs: &[Input],
    b002: bool,
    dir: &Path,
    done: &(dyn Fn() + Sync),
) -> Result<(Report, Vec<PathBuf>), crate::output::OutputError> {
    // Names given in path order, so that `-2`, `-3`… go to the same files whatever the order.
    let mut paths: Vec<&Path> = inputs.iter().map(|i| i.path()).collect();
    paths.sort();
    let outputs: BTreeMap<PathBuf, PathBuf> = output_names(&paths)
        .into_iter()
        .zip(&paths)
        .map(|(n, p)| (p.to_path_buf(), dir.join(n)))
        .collect();
    for out in outputs.values() {
        crate::output::refuse_overwriting_input(out, paths.iter().copied())?;
    }
    let write = |report: &FileReport, copy: Result<Vec<u8>, Msg>| {
        let out = &outputs[&report.path];
        match copy {
            Ok(bytes) => crate::output::write_bytes(out, &bytes),
            Err(m) => Err(crate::output::OutputError::Write {
                path: out.display().to_string(),
                message: m,
            }),
        }
    };
    let each = |report: &FileReport, admitted: Option<Admitted>| {
        write(report, copy_of(checker, report, admitted.as_ref()))?;
        done();
        Ok(())
    };
    let report = checker.check_batch(inputs, b002, &each)?;
    for file in report.files.iter().filter(|f| stale(f)) {
        if let Some(input) = inputs.iter().find(|i| i.path() == file.path) {
            write(file, recopy(checker, file, input))?;
        }
    }
    let written = outputs.into_values().collect();
    Ok((report, written))
}
