//! Rows stream through the rules 1,024 at a time and are dropped: what a rule across rows
//! needs must outlive the rows it came from. A workbook of 2,600 actions puts each such case
//! across the boundaries of those groups: a duplicate identifier 2,000 rows after its first,
//! a missing logo in the second group, and the axes the programme must cover only in the
//! third. Checked as `check` does (rows dropped) and as `consolidate` does (rows kept), it
//! gives the same findings, at the same cells.

use crate::common::*;
use serde_json::Value;
use spro_bilans::read::{admit, Format};

const ACTIONS: usize = 2_600;

/// The sample with `ACTIONS` actions on the axis « VAE » (rows 2…), but for: row 2,003 whose
/// identifier repeats row 3's, row 1,502 without the SPRO logo, and the last four rows, on the
/// four axes the programme must cover.
fn many_actions() -> Value {
    let mut description = source("36-CHX-2025");
    let actions = description["sheets"]["Actions"].as_array_mut().unwrap();
    let first = actions[1].clone();
    actions.truncate(1);
    let axes = [
        "Informer sur les métiers et les formations",
        "Accompagner les parcours professionnels",
        "Promotion du CEP",
        "Mixité et stéréotypes de genre",
    ];
    for k in 0..ACTIONS {
        let mut row = first.clone();
        // Row k + 2 of the sheet.
        row[0] = Value::from(format!("2025-{k:04}"));
        row[3] = Value::from("VAE");
        if let Some(axis) = (k + axes.len()).checked_sub(ACTIONS).map(|i| axes[i]) {
            row[3] = Value::from(axis);
        }
        if k + 2 == 2_003 {
            row[0] = Value::from("2025-0001");
        }
        if k + 2 == 1_502 {
            row[15] = Value::from("Non");
        }
        actions.push(row);
    }
    description
}

#[test]
fn rules_across_rows_see_every_group_of_rows() {
    let report = check(&many_actions());
    assert_eq!(
        triples(&report),
        [
            ("C005".into(), "Actions".into(), "P1502".into()),
            ("V006".into(), "Actions".into(), "A2003".into()),
        ]
    );
    let v006 = report.findings.iter().find(|f| f.code.as_str() == "V006");
    assert!(
        v006.unwrap().message.fr.contains("figure déjà ligne 3"),
        "{v006:?}"
    );
}

#[test]
fn rows_kept_or_dropped_give_the_same_findings() {
    let bytes = spro_bilans::fixture::build_xlsx(&many_actions()).unwrap();
    let limits = Default::default();
    let admitted = admit(bytes, Format::Xlsx, &limits).unwrap();
    let path = std::path::Path::new("bilan.xlsx");
    let dropped = checker(Some(2025)).check_admitted(path, &admitted).unwrap();
    let mut keeping = settings(Some(2025));
    keeping.keep_data = true;
    let kept = spro_bilans::check::Checker::build(keeping)
        .unwrap()
        .check_admitted(path, &admitted)
        .unwrap();
    assert_eq!(triples(&dropped), triples(&kept));
    assert!(dropped.bilan.is_none());
    let bilan = kept.bilan.unwrap();
    let actions = bilan
        .sheet(spro_bilans::schema::SheetKind::Actions)
        .unwrap();
    assert_eq!(actions.rows.len(), ACTIONS);
    assert_eq!(actions.totals.rows, ACTIONS);
}

/// Without the four last rows, the programme misses its axes: found from the tally, on the
/// sheet, whatever group of rows they would have been in.
#[test]
fn the_programme_is_judged_on_every_row() {
    let mut description = many_actions();
    let actions = description["sheets"]["Actions"].as_array_mut().unwrap();
    actions.truncate(actions.len() - 4);
    let codes: Vec<String> = triples(&check(&description))
        .into_iter()
        .filter(|(_, _, cell)| cell.is_empty())
        .map(|(code, _, _)| code)
        .collect();
    assert_eq!(codes, ["C011", "C011", "C012", "C018"]);
}
