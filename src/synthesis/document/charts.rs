//! The charts of the synthesis, from the blocks of `Indicateurs` and the totals of
//! `Évolution`: the values as the workbook has them, each bar scaled to its chart.

use super::*;

/// A chart's row from values of `Indicateurs`; bars are scaled later.
fn row(label: String, values: &[f64], lang: Lang) -> ChartRow {
    ChartRow {
        label,
        values: values.iter().map(|v| Num::new(*v as i64, lang)).collect(),
        bars: Vec::new(),
    }
}

/// Sets each row's bars: against the largest value of the chart, or of its row.
fn scale(mut chart: Chart) -> Chart {
    let largest = |values: &[Num]| values.iter().map(|v| v.value).max().unwrap_or(0);
    let all = chart
        .rows
        .iter()
        .map(|r| largest(&r.values))
        .max()
        .unwrap_or(0);
    for r in &mut chart.rows {
        let max = if chart.scaled_by_row {
            largest(&r.values)
        } else {
            all
        };
        r.bars = r
            .values
            .iter()
            .map(|v| {
                if max > 0 {
                    v.value as f64 / max as f64
                } else {
                    0.0
                }
            })
            .collect();
    }
    chart
}

/// The charts: actions by département, by type; first receptions by public; participants by
/// sex; with `--precedent`, the six figures of the networks compared, N-1 and N.
pub(super) fn charts(regional: &Regional, lang: Lang) -> Vec<Chart> {
    let ind = &regional.indicators;
    let region = pick(lang, "Région", "Région (total)");
    let by_total = |block: &str, title: &str, header: &str, unit: &str| -> Chart {
        let labels = ind.block(block).map(|b| b.0.to_vec()).unwrap_or_default();
        let rows: Vec<ChartRow> = labels
            .iter()
            .map(|l| row(l.clone(), &[ind.value(block, l, "Total")], lang))
            .collect();
        let total: f64 = labels.iter().map(|l| ind.value(block, l, "Total")).sum();
        Chart {
            title: title.to_string(),
            header: vec![header.to_string(), unit.to_string()],
            series: vec![unit.to_string()],
            rows,
            total: Some(row(region.to_string(), &[total], lang)),
            scaled_by_row: false,
            note: None,
        }
    };
    let actions = pick(lang, "Actions", "Actions");
    let mut charts = vec![
        by_departement(ind, region, lang),
        by_total(
            "Actions par type",
            pick(lang, "Actions par type", "Actions by type"),
            pick(lang, "Type d'action", "Type of action"),
            actions,
        ),
        by_total(
            "Premiers accueils par public",
            pick(
                lang,
                "Premiers accueils par public",
                "First receptions by public",
            ),
            pick(lang, "Public", "Public"),
            pick(lang, "Premiers accueils", "First receptions"),
        ),
    ];
    charts.push(by_sex(ind, lang));
    charts.extend(compared(regional, lang));
    charts.into_iter().map(scale).collect()
}

/// Actions by département, and the Région's total.
fn by_departement(ind: &crate::consolidate::Indicators, region: &str, lang: Lang) -> Chart {
    let actions = pick(lang, "Actions", "Actions");
    Chart {
        title: pick(lang, "Actions par département", "Actions by département").into(),
        header: vec![
            pick(lang, "Département", "Département").into(),
            actions.into(),
        ],
        series: vec![actions.into()],
        rows: DEPARTEMENTS
            .iter()
            .map(|(c, n)| {
                row(
                    format!("{n} ({c})"),
                    &[ind.value("Actions par département", "Actions", c)],
                    lang,
                )
            })
            .collect(),
        total: Some(row(
            region.into(),
            &[ind.value("Actions par département", "Actions", "Total")],
            lang,
        )),
        scaled_by_row: false,
        note: None,
    }
}

/// Participants in actions by sex.
fn by_sex(ind: &crate::consolidate::Indicators, lang: Lang) -> Chart {
    let participants = "Participants aux actions";
    // A row the layout's version does not give (no « dont hommes » in 2024.1) is left out.
    let rows: Vec<_> = [
        ("dont femmes", pick(lang, "Femmes", "Women")),
        ("dont hommes", pick(lang, "Hommes", "Men")),
    ]
    .iter()
    .filter(|(l, _)| {
        ind.block(participants)
            .is_some_and(|(labels, _)| labels.iter().any(|x| x == l))
    })
    .map(|(l, shown)| {
        row(
            shown.to_string(),
            &[ind.value(participants, l, "Total")],
            lang,
        )
    })
    .collect();
    let note = if rows.len() == 2 {
        pick(
            lang,
            "Femmes et hommes tels que les réseaux les ont renseignés ; leur somme peut être inférieure au nombre de participants.",
            "Women and men as the networks filled them in; their sum can be lower than the number of participants.",
        )
    } else {
        pick(
            lang,
            "Tels que les réseaux les ont renseignés ; le modèle de l'année ne les distingue pas tous.",
            "As the networks filled them in; the year's template does not tell them all apart.",
        )
    };
    Chart {
        title: pick(
            lang,
            "Participants aux actions par sexe",
            "Participants in actions by sex",
        )
        .into(),
        header: vec![
            pick(lang, "Participants", "Participants").into(),
            pick(lang, "Nombre", "Number").into(),
        ],
        series: vec![pick(lang, "Participants", "Participants").into()],
        rows,
        total: Some(row(
            pick(lang, "Participants (tous)", "Participants (all)").into(),
            &[ind.value(participants, "Participants", "Total")],
            lang,
        )),
        scaled_by_row: false,
        note: Some(note.into()),
    }
}

/// The networks compared in both years, figure by figure, with `--precedent`.
fn compared(regional: &Regional, lang: Lang) -> Option<Chart> {
    let t = regional.evolution.as_ref()?;
    let (yb, y) = (t.year_before.to_string(), regional.year.to_string());
    let n = t.compared();
    Some(Chart {
            title: match lang {
                Lang::Fr => format!("Réseaux comparés : {yb} et {y}"),
                Lang::En => format!("Networks compared: {yb} and {y}"),
            },
            header: vec![pick(lang, "Indicateur", "Figure").into(), yb.clone(), y.clone()],
            series: vec![yb, y],
            rows: FIGURES
                .iter()
                .zip(t.totals)
                .map(|(f, (b, n))| row(f.title_in(lang), &[b as f64, n as f64], lang))
                .collect(),
            total: None,
            scaled_by_row: true,
            note: Some(match lang {
                Lang::Fr => format!("Totaux de {} les deux années (feuille Évolution) ; chaque paire de barres a sa propre échelle.", crate::i18n::count(lang, n, ["réseau comparé", "réseaux comparés"], ["", ""])),
                Lang::En => format!("Totals of {} compared in both years (Évolution sheet); each pair of bars has its own scale.", crate::i18n::count(lang, n, ["", ""], ["network", "networks"])),
            }),
        })
}
