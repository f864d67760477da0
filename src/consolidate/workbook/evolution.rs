//! The `Évolution` sheet (`--precedent`): the table ([`Table`]) with the gap and the change in
//! percent (« +12 % », a colour scale), a status, the regional totals, and a chart of those
//! totals.

use rust_xlsxwriter::{
    Chart, ChartType, ConditionalFormat3ColorScale, ConditionalFormatType, Format, Note, Worksheet,
    XlsxError,
};

use crate::consolidate::Choices;
use crate::consolidate::Standing;
use crate::consolidate::Table;
use crate::evolution::FIGURES;
use crate::xlsx::{self, Styles, Widths};

/// The name of the sheet.
pub(super) const NAME: &str = "Évolution";

/// Writes the sheet.
pub(super) fn evolution(
    ws: &mut Worksheet,
    table: &Table,
    choices: &Choices,
    styles: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(NAME)?;
    let (yb, y) = (table.year_before, choices.year);
    let mut headers: Vec<String> = vec!["Code réseau".into(), "Réseau".into(), "Statut".into()];
    for f in FIGURES {
        let t = f.title;
        headers.extend([
            format!("{t} {yb}"),
            format!("{t} {y}"),
            format!("{t} écart"),
            format!("{t} évolution"),
        ]);
    }
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let lines = &table.lines;
    // Long headers (« Premiers accueils évolution ») wrap in a taller header row.
    let wrapped = styles.header.clone().set_text_wrap();
    for (c, h) in header_refs.iter().enumerate() {
        xlsx::text(ws, 0, c as u16, h, &wrapped)?;
    }
    ws.set_row_height(0, 45)?;
    let percent = Format::new().set_num_format("+0 %;-0 %;0 %");
    let mut widths = Widths::of(&header_refs);
    let totals = table.totals;
    for (i, line) in lines.iter().enumerate() {
        let r = 1 + i as u32;
        for (c, v) in [line.code.as_str(), &line.name, line.standing.label()]
            .iter()
            .enumerate()
        {
            xlsx::text(ws, r, c as u16, v, &styles.text)?;
            widths.see(c, v);
        }
        for k in 0..FIGURES.len() {
            figure_cells(ws, r, k, line.before[k], line.now[k], styles, &percent)?;
            if line.standing == Standing::Compared {
                not_given(ws, r, k, line.before[k], line.now[k], styles)?;
            }
        }
    }
    let total_row = 1 + lines.len() as u32;
    xlsx::text(ws, total_row, 0, "Région", &styles.header)?;
    xlsx::text(
        ws,
        total_row,
        1,
        "Total des réseaux comparés",
        &styles.header,
    )?;
    for (k, (b, n)) in totals.iter().enumerate() {
        figure_cells(ws, total_row, k, Some(*b), Some(*n), styles, &percent)?;
    }
    // Red for a fall, white for no change, green for a rise: −100 %, 0, +100 % and beyond.
    for k in 0..FIGURES.len() {
        let col = 3 + 4 * k as u16 + 3;
        let scale = ConditionalFormat3ColorScale::new()
            .set_minimum(ConditionalFormatType::Number, -1)
            .set_midpoint(ConditionalFormatType::Number, 0)
            .set_maximum(ConditionalFormatType::Number, 1)
            .set_minimum_color("F8696B")
            .set_midpoint_color("FFFFFF")
            .set_maximum_color("63BE7B");
        ws.add_conditional_format(1, col, total_row, col, &scale)?;
    }
    xlsx::filter(ws, 0, headers.len(), lines.len() as u32)?;
    ws.set_freeze_panes(1, 3)?;
    let mut w = widths.0.clone();
    w.truncate(3);
    w.resize(headers.len(), 14);
    xlsx::widths(ws, &w)?;
    chart(ws, total_row + 2, &totals, yb, y, styles)
}

/// `—` where one year of a compared network cannot give figure `k` (the file or its template
/// version lacks the column or the sheet), with a note that says so: no gap, no change, not in
/// the totals.
fn not_given(
    ws: &mut Worksheet,
    r: u32,
    k: usize,
    before: Option<i64>,
    now: Option<i64>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let c = 3 + 4 * k as u16;
    let missing = match (before, now) {
        (None, Some(_)) => c,
        (Some(_), None) => c + 1,
        _ => return Ok(()),
    };
    xlsx::text(ws, r, missing, "—", &styles.dash)?;
    let note = Note::new(
        "Ce bilan ne donne pas ce chiffre (sa colonne ou sa feuille manque au fichier ou à la version du modèle sur laquelle il est saisi) : pas de comparaison, et le réseau n'entre pas dans le total de ce chiffre.",
    )
    .set_author("spro");
    ws.insert_note(r, missing, &note)?;
    Ok(())
}

/// The four cells of one figure: N-1, N, gap, change (blank where N-1 is 0 or missing).
fn figure_cells(
    ws: &mut Worksheet,
    r: u32,
    k: usize,
    before: Option<i64>,
    now: Option<i64>,
    styles: &Styles,
    percent: &Format,
) -> Result<(), XlsxError> {
    let c = 3 + 4 * k as u16;
    if let Some(b) = before {
        ws.write_number_with_format(r, c, b as f64, &styles.integer)?;
    }
    if let Some(n) = now {
        ws.write_number_with_format(r, c + 1, n as f64, &styles.integer)?;
    }
    if let (Some(b), Some(n)) = (before, now) {
        ws.write_number_with_format(r, c + 2, (n - b) as f64, &styles.integer)?;
        if b > 0 {
            ws.write_number_with_format(r, c + 3, (n - b) as f64 / b as f64, percent)?;
        }
    }
    Ok(())
}

/// The regional totals of the two years, as a table and a clustered column chart.
fn chart(
    ws: &mut Worksheet,
    top: u32,
    totals: &[(i64, i64); 6],
    yb: i32,
    y: i32,
    styles: &Styles,
) -> Result<(), XlsxError> {
    xlsx::text(
        ws,
        top,
        0,
        "Totaux régionaux des réseaux comparés",
        &styles.title,
    )?;
    let head = top + 1;
    for (c, h) in ["Indicateur", &yb.to_string(), &y.to_string()]
        .iter()
        .enumerate()
    {
        xlsx::text(ws, head, c as u16, h, &styles.header)?;
    }
    for (k, f) in FIGURES.iter().enumerate() {
        let r = head + 1 + k as u32;
        xlsx::text(ws, r, 0, f.title, &styles.text)?;
        ws.write_number_with_format(r, 1, totals[k].0 as f64, &styles.integer)?;
        ws.write_number_with_format(r, 2, totals[k].1 as f64, &styles.integer)?;
    }
    let (first, last) = (head + 1, head + FIGURES.len() as u32);
    let mut chart = Chart::new(ChartType::Column);
    chart
        .title()
        .set_name(&format!("Réseaux comparés : {yb} et {y}"));
    for (c, year) in [(1u16, yb), (2u16, y)] {
        chart
            .add_series()
            .set_name(&year.to_string())
            .set_categories((NAME, first, 0, last, 0))
            .set_values((NAME, first, c, last, c));
    }
    chart.set_width(720).set_height(360);
    ws.insert_chart(last + 2, 0, &chart)?;
    ws.set_page_breaks(&[top])?;
    Ok(())
}
