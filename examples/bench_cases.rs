//! Writes the memory benchmark's single workbooks (`benches/memory.sh`):
//! `cargo run --release --example bench_cases -- OUT [CASE]` (one case, by its folder's name).
//!
//! - `OUT/limites/36-CHX-2025.xlsx`: the sample tableau de bord of Châteauroux whose Accueil
//!   sheet is as large as the default limits let in: 89,998 data rows × 199 columns (the six
//!   of the schema and 193 that are not), every row wrong (a structure that is not a member, a
//!   public outside the list, more women and more orientations than first receptions), about
//!   45 MB;
//! - `OUT/limites-distinctes/36-CHX-2025.xlsx`: the same, but no two rows alike (another
//!   structure, other figures on every row), so that no two findings share a message;
//! - `OUT/actions/36-CHX-2025.xlsx`: the same sample with 99,000 valid actions;
//! - `OUT/prescan/36-CHX-2025.xlsx`: the first case cut to 12,000 rows (2,388,000 cells, just
//!   under the 2,400,000 cells the prescan lets calamine build for one `.xls` or `.ods`
//!   workbook), to be converted to those formats (`benches/memory.sh` does it with LibreOffice).
//!
//! - `OUT/rapport-lourd/36-CHX-2025.xlsx`: 2,500 such distinct rows: a report of 10,000 findings;
//! - `OUT/actions-ods/36-CHX-2025.xlsx`: the sample with 78,000 of those actions, to be
//!   converted to `.ods`: near what the prescan lets in for actions (their texts count);
//! - `OUT/textes-ods/36-CHX-2025.xlsx` and `OUT/textes-xls/…`: the sample with one more sheet
//!   of texts, each of 30 characters and all different, 20 columns × 48,000 rows (for `.ods`)
//!   and × 31,000 rows (for `.xls`, whose shared strings cost more): near what the prescan
//!   lets in, for the costliest cells there are.
//!
//! Both are valid against the embedded referential (network 36-CHX), so that only the rows
//! named above give findings.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

const ACCUEIL_ROWS: usize = 89_998;
const ACCUEIL_COLUMNS: usize = 199;
const ACTIONS: usize = 99_000;
/// 12,000 rows × 199 columns (2,388,000 cells): just under what the prescan lets calamine build
/// for one `.xls`/`.ods` workbook.
const PRESCAN_ROWS: usize = 12_000;

fn sample() -> Result<Value, Box<dyn std::error::Error>> {
    Ok(serde_json::from_str(include_str!(
        "../fixtures/sources/36-CHX-2025.json"
    ))?)
}

fn write(dir: &Path, description: &Value) -> Result<PathBuf, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("36-CHX-2025.xlsx");
    std::fs::write(&path, spro_bilans::fixture::build_xlsx(description)?)?;
    let size = std::fs::metadata(&path)?.len();
    eprintln!("{} : {:.1} Mo", path.display(), size as f64 / 1e6);
    Ok(path)
}

/// The Accueil sheet at the limits: every row gives four findings (C006, V003, C008, C009),
/// with the same messages row after row unless `distinct`.
fn limits_sized(mut description: Value, rows_wanted: usize, distinct: bool) -> Value {
    let sheets = &mut description["sheets"];
    let header = sheets["Accueil"][0].as_array().cloned().unwrap_or_default();
    let mut head: Vec<Value> = header;
    for c in head.len()..ACCUEIL_COLUMNS {
        head.push(json!(format!("Mesure {c}")));
    }
    let mut rows = Vec::with_capacity(rows_wanted + 1);
    rows.push(Value::from(head));
    for r in 0..rows_wanted {
        let mut row = Vec::with_capacity(ACCUEIL_COLUMNS);
        let (n, name) = match distinct {
            true => (r, format!("Structure inconnue {r}")),
            false => (0, format!("Structure inconnue {}", r % 50)),
        };
        row.push(json!(name));
        row.push(json!("Tout public"));
        row.push(json!(10 + n));
        row.push(json!(20 + 2 * n));
        row.push(json!(50 + 5 * n));
        row.push(json!(3));
        for _ in 6..ACCUEIL_COLUMNS {
            row.push(json!(1));
        }
        rows.push(Value::from(row));
    }
    sheets["Accueil"] = Value::from(rows);
    description
}

/// The Actions sheet with 99,000 copies of the sample's first action (identifiers made unique).
fn many_actions(description: Value) -> Value {
    some_actions(description, ACTIONS)
}

fn some_actions(mut description: Value, actions: usize) -> Value {
    let sheets = &mut description["sheets"];
    let header = sheets["Actions"][0].clone();
    let first = sheets["Actions"][1].as_array().cloned().unwrap_or_default();
    let mut rows = Vec::with_capacity(actions + 1);
    rows.push(header);
    for n in 0..actions {
        let mut row = first.clone();
        row[0] = json!(format!("2025-{n:05}"));
        row[1] = json!(format!("Action {n}"));
        rows.push(Value::from(row));
    }
    sheets["Actions"] = Value::from(rows);
    description
}

/// A sheet `Notes` of `rows` × 20 texts of 30 characters (accents included), all different
/// (a fixed pseudo-random sequence).
fn with_texts(mut description: Value, rows: usize) -> Value {
    const LETTERS: &[char] = &[
        'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r',
        's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'é', 'è', 'à', ' ',
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut text = || -> String {
        (0..30)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                LETTERS[(state % LETTERS.len() as u64) as usize]
            })
            .collect()
    };
    let sheet: Vec<Value> = (0..rows)
        .map(|_| Value::from((0..20).map(|_| json!(text())).collect::<Vec<_>>()))
        .collect();
    description["sheets"]["Notes"] = Value::from(sheet);
    description
}

/// One case: its folder and how its description is made.
type Case = (
    &'static str,
    fn() -> Result<Value, Box<dyn std::error::Error>>,
);

const CASES: [Case; 8] = [
    ("limites", || {
        Ok(limits_sized(sample()?, ACCUEIL_ROWS, false))
    }),
    ("limites-distinctes", || {
        Ok(limits_sized(sample()?, ACCUEIL_ROWS, true))
    }),
    ("prescan", || {
        Ok(limits_sized(sample()?, PRESCAN_ROWS, false))
    }),
    ("actions", || Ok(many_actions(sample()?))),
    ("actions-ods", || Ok(some_actions(sample()?, 78_000))),
    ("textes-ods", || Ok(with_texts(sample()?, 48_000))),
    ("textes-xls", || Ok(with_texts(sample()?, 31_000))),
    // A deposit whose report is heavy: 2,500 wrong rows, 10,000 findings, no two messages
    // alike (`benches/campaign.sh`: the dashboard does not read reports).
    ("rapport-lourd", || {
        Ok(limits_sized(sample()?, HEAVY_REPORT_ROWS, true))
    }),
];

/// Rows of the heavy report's case.
const HEAVY_REPORT_ROWS: usize = 2_500;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().ok_or("usage : bench_cases SORTIE [CAS]")?);
    let only = args.next();
    for (name, make) in CASES {
        if only.as_deref().is_none_or(|o| o == name) {
            write(&out.join(name), &make()?)?;
        }
    }
    Ok(())
}
