//! `--format markdown`: for a CI job summary (`$GITHUB_STEP_SUMMARY`) or a merge-request note.
//! A status table (file, network, status, errors, warnings), then each file's findings
//! (`Feuille!Cellule`, rule, message), the 21st and later folded in `<details>`.
//!
//! Everything that comes from a file (its path, the values quoted in messages) goes through
//! [`text`]: a value can never become a link, an image, HTML, a heading or a table column.

use std::io::Write;

use crate::check::{FileReport, Report, Status};
use crate::finding::{Finding, Severity};
use crate::i18n::{pick, Lang};

/// Findings shown per file before the rest is folded.
const SHOWN: usize = 20;

/// Text from a file, safe in a Markdown table cell or heading (never at the start of a line,
/// where `-`, `+`, `1.` would matter): line breaks become spaces; what makes emphasis, code,
/// links and images, table columns, strikethrough, headings and math is escaped (`\*`, `\_`,
/// `` \` ``, `\[`, `\]`, `\|`, `\~`, `\#`, `\$`, `\\`); `<`, `>` and `&` become entities (no
/// HTML); an invisible break (U+200B) after `://`'s colon, after `www` and after `@` keeps a
/// URL or an address from being linked automatically.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\r' | '\n' | '\t' => out.push(' '),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '$' => {
                out.push('\\');
                out.push(c);
            }
            ':' => {
                out.push(':');
                if chars.get(i + 1) == Some(&'/') {
                    out.push('\u{200B}');
                }
            }
            '@' => {
                out.push('@');
                out.push('\u{200B}');
            }
            c if c.is_control() => out.push(' '),
            c => {
                out.push(c);
                let www = i >= 2
                    && c.eq_ignore_ascii_case(&'w')
                    && chars[i - 2..i].iter().all(|w| w.eq_ignore_ascii_case(&'w'))
                    && chars.get(i + 1) == Some(&'.');
                if www {
                    out.push('\u{200B}');
                }
            }
        }
    }
    out
}

fn status_mark(status: Status) -> &'static str {
    match status {
        Status::Valid => "✅",
        Status::ValidWithWarnings => "⚠️",
        Status::Invalid => "❌",
        Status::Unreadable => "⛔",
    }
}

fn severity_mark(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
        Severity::Info => "ℹ️",
    }
}

fn place(f: &Finding, lang: Lang) -> String {
    match (f.sheet_name(), f.cell_a1()) {
        (Some(s), Some(c)) => text(&format!("{s}!{c}")),
        (Some(s), None) => text(&format!("{} {s}", pick(lang, "feuille", "sheet"))),
        _ => pick(lang, "fichier", "file").to_string(),
    }
}

fn findings_table(out: &mut dyn Write, findings: &[Finding], lang: Lang) -> std::io::Result<()> {
    writeln!(
        out,
        "| {} | {} | Message |\n| --- | --- | --- |",
        pick(lang, "Cellule", "Cell"),
        pick(lang, "Règle", "Rule"),
    )?;
    for f in findings {
        writeln!(
            out,
            "| {} | {} {} {} | {} |",
            place(f, lang),
            severity_mark(f.severity),
            f.code,
            text(f.code.rule().name),
            text(f.message.get(lang))
        )?;
    }
    Ok(())
}

fn file_section(out: &mut dyn Write, file: &FileReport, lang: Lang) -> std::io::Result<()> {
    writeln!(
        out,
        "\n### {} — {}\n",
        text(&file.path.display().to_string()),
        file.status.label(lang)
    )?;
    if let Some(model) = &file.model {
        writeln!(
            out,
            "{}\n",
            text(&crate::registry::diff::upper_first(model.said().get(lang)))
        )?;
    }
    let (shown, rest) = file.findings.split_at(file.findings.len().min(SHOWN));
    findings_table(out, shown, lang)?;
    if !rest.is_empty() {
        writeln!(
            out,
            "\n<details><summary>{}</summary>\n",
            match lang {
                Lang::Fr => format!("… et {} autres anomalies", rest.len()),
                Lang::En => format!("… and {} more findings", rest.len()),
            }
        )?;
        findings_table(out, rest, lang)?;
        writeln!(out, "\n</details>")?;
    }
    Ok(())
}

/// `--format markdown`.
pub(crate) struct Markdown;

impl super::Reporter for Markdown {
    fn write(&self, report: &Report, lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
        let n = report.files.len();
        writeln!(
            out,
            "## {}\n",
            pick(
                lang,
                "spro — vérification des tableaux de bord",
                "spro — tableaux de bord checked"
            )
        )?;
        let (valid, warned, invalid, unreadable) = (
            report.count_status(Status::Valid),
            report.count_status(Status::ValidWithWarnings),
            report.count_status(Status::Invalid),
            report.count_status(Status::Unreadable),
        );
        let (errors, warnings) = (
            report.count(Severity::Error),
            report.count(Severity::Warning),
        );
        let c = |n: usize, fr: [&str; 2], en: [&str; 2]| crate::i18n::count(lang, n, fr, en);
        let (files, errors, warnings) = (
            c(n, ["fichier", "fichiers"], ["file", "files"]),
            c(errors, ["erreur", "erreurs"], ["error", "errors"]),
            c(
                warnings,
                ["avertissement", "avertissements"],
                ["warning", "warnings"],
            ),
        );
        match lang {
            Lang::Fr => writeln!(
                out,
                "**{files}** : {}, {warned} avec avertissements, {}, {} — {errors}, {warnings}.\n",
                c(valid, ["conforme", "conformes"], ["", ""]),
                c(invalid, ["non conforme", "non conformes"], ["", ""]),
                c(unreadable, ["illisible", "illisibles"], ["", ""]),
            )?,
            Lang::En => writeln!(
                out,
                "**{files}**: {valid} valid, {warned} with warnings, {invalid} invalid, {unreadable} unreadable — {errors}, {warnings}.\n"
            )?,
        }
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |\n| --- | --- | --- | ---: | ---: |",
            pick(lang, "Fichier", "File"),
            pick(lang, "Réseau", "Network"),
            pick(lang, "Statut", "Status"),
            pick(lang, "Erreurs", "Errors"),
            pick(lang, "Avertissements", "Warnings"),
        )?;
        for file in &report.files {
            writeln!(
                out,
                "| {} | {} | {} {} | {} | {} |",
                text(&file.path.display().to_string()),
                file.reseau.as_deref().map(text).unwrap_or_default(),
                status_mark(file.status),
                file.status.label(lang),
                file.count(Severity::Error),
                file.count(Severity::Warning),
            )?;
        }
        for file in report.files.iter().filter(|f| !f.findings.is_empty()) {
            file_section(out, file, lang)?;
        }
        if !report.batch.is_empty() {
            writeln!(
                out,
                "\n### {}\n",
                pick(lang, "Lot de fichiers", "Batch of files")
            )?;
            findings_table(out, &report.batch, lang)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn nothing_from_a_file_becomes_markup() {
        assert_eq!(text("a|b"), "a\\|b");
        assert_eq!(
            text("![x](http://e.vil/i.png)"),
            "!\\[x\\](http:\u{200B}//e.vil/i.png)"
        );
        assert_eq!(text("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(text("$x$ ~~y~~ a\\b"), "\\$x\\$ \\~\\~y\\~\\~ a\\\\b");
        assert_eq!(text("`code` *gras* _it_"), "\\`code\\` \\*gras\\* \\_it\\_");
        assert_eq!(text("# titre\nligne"), "\\# titre ligne");
        assert_eq!(
            text("www.exemple.fr a@b.fr"),
            "www\u{200B}.exemple.fr a@\u{200B}b.fr"
        );
        assert_eq!(text("Châteauroux 36"), "Châteauroux 36");
    }
}
