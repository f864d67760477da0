//! The `Indicateurs` sheet: the regional figures ([`Indicators`]) by département and in total,
//! and its native charts.

use rust_xlsxwriter::{Chart, ChartType, Worksheet, XlsxError};

use super::SHEETS;
use crate::consolidate::{Choices, Indicators, DEPARTEMENTS};
use crate::xlsx::{self, Styles};

pub(super) fn indicateurs(
    ws: &mut Worksheet,
    indicators: &Indicators,
    counted: usize,
    choices: &Choices,
    styles: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(SHEETS[7])?;
    let scope = if choices.include_invalid {
        "fichiers lisibles, y compris non conformes"
    } else {
        "fichiers sans erreur"
    };
    xlsx::text(
        ws,
        0,
        0,
        &format!(
            "Indicateurs régionaux {} — {} ({scope})",
            choices.year,
            crate::i18n::count(
                crate::i18n::Lang::Fr,
                counted,
                ["fichier compté", "fichiers comptés"],
                ["", ""]
            )
        ),
        &styles.title,
    )?;
    let mut row = 2u32;
    let mut anchors = Vec::new();
    for (title, labels, values) in &indicators.blocks {
        let mut header = vec![title.as_str()];
        let dep_headers: Vec<String> = DEPARTEMENTS
            .iter()
            .map(|(c, n)| format!("{n} ({c})"))
            .collect();
        header.extend(dep_headers.iter().map(String::as_str));
        header.push("Région");
        for (c, h) in header.iter().enumerate() {
            xlsx::text(ws, row, c as u16, h, &styles.header)?;
        }
        let first = row + 1;
        for (k, label) in labels.iter().enumerate() {
            let r = first + k as u32;
            xlsx::text(ws, r, 0, label, &styles.text)?;
            let given = &indicators.given;
            for (c, dep) in DEPARTEMENTS
                .iter()
                .map(|(d, _)| *d)
                .chain(["Total"])
                .enumerate()
            {
                if given.dash(title, label, dep) {
                    xlsx::text(ws, r, 1 + c as u16, "—", &styles.dash)?;
                    continue;
                }
                let v = values
                    .get(&(label.clone(), dep.to_string()))
                    .copied()
                    .unwrap_or(0.0);
                ws.write_number_with_format(r, 1 + c as u16, v, &styles.integer)?;
            }
            left_out_note(ws, r, &given.left_out(title, label))?;
        }
        anchors.push((title.clone(), row, first, first + labels.len() as u32 - 1));
        row = first + labels.len() as u32 + 1;
    }
    ws.set_column_width(0, 44)?;
    for c in 1..=7u16 {
        ws.set_column_width(c, 16)?;
    }
    // The charts start a page of their own, a few empty rows below the tables: LibreOffice
    // also draws a chart clipped on the page before, where the rows after the tables are, and
    // it must not reach that page's footer.
    charts(ws, &anchors, row + 8)?;
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// On a row's label, the networks it leaves out (their file's version cannot give it).
fn left_out_note(ws: &mut Worksheet, r: u32, left_out: &[String]) -> Result<(), XlsxError> {
    if left_out.is_empty() {
        return Ok(());
    }
    let note = rust_xlsxwriter::Note::new(format!(
        "Sans {} : la version du modèle de leur fichier n'a pas cette colonne ou cette feuille. Ces réseaux ne comptent pas dans cette ligne (« — » où aucun fichier ne la donne).",
        left_out.join(", ")
    ))
    .set_author("spro")
    .set_width(320)
    .set_height(90);
    ws.insert_note(r, 0, &note)?;
    Ok(())
}

/// The charts: actions by département, first receptions by public, side by side below the
/// tables (from `charts_row`), on a page of their own when printed. `anchors` gives each
/// table's title, header row, first and last rows.
fn charts(
    ws: &mut Worksheet,
    anchors: &[(String, u32, u32, u32)],
    charts_row: u32,
) -> Result<(), XlsxError> {
    let sheet = SHEETS[7];
    ws.set_page_breaks(&[charts_row])?;
    if let Some((_, header_row, first, _)) =
        anchors.iter().find(|a| a.0 == "Actions par département")
    {
        let mut chart = Chart::new(ChartType::Column);
        chart.title().set_name("Actions par département");
        chart
            .add_series()
            .set_name("Actions")
            .set_categories((sheet, *header_row, 1, *header_row, 6))
            .set_values((sheet, *first, 1, *first, 6));
        chart.legend().set_hidden();
        chart.set_width(560).set_height(360);
        ws.insert_chart(charts_row, 0, &chart)?;
    }
    if let Some((_, _, first, last)) = anchors
        .iter()
        .find(|a| a.0 == "Premiers accueils par public")
    {
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .title()
            .set_name("Premiers accueils par public (Région)");
        chart
            .add_series()
            .set_name("Premiers accueils")
            .set_categories((sheet, *first, 0, *last, 0))
            .set_values((sheet, *first, 7, *last, 7));
        chart.legend().set_hidden();
        chart.set_width(560).set_height(360);
        ws.insert_chart(charts_row, 4, &chart)?;
    }
    Ok(())
}
