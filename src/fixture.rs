//! Builds `.xlsx` workbooks from a readable JSON description, and edits such descriptions.
//! The sample tableaux de bord of `fixtures/` and every failing case of the tests are written
//! this way from `fixtures/sources/*.json` and `fixtures/cas/cas.json`, so a reviewer reads
//! JSON, not binary files; the benchmark generator uses it too.
//!
//! A description is `{"sheets": {"Name": [[cell, …], …]}, "date1904": bool}`; a cell is
//! `null` (empty), a string, a number, a boolean, `{"date": "2025-03-14"}`, or
//! `{"formule": "=…", "resultat": value}` (a formula with its cached value, or none).

use std::io::{Cursor, Read, Write};

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook};
use serde_json::{Map, Value};

use crate::finding::column_letters;

/// Why a description cannot be built or edited.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FixtureError(pub String);

fn fail(e: impl std::fmt::Display) -> FixtureError {
    FixtureError(e.to_string())
}

/// Writes the workbook of `description` to bytes (deterministic: fixed document date).
///
pub fn build_xlsx(description: &Value) -> Result<Vec<u8>, FixtureError> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 1, 15).map_err(fail)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_author("spro-bilans"),
    );
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let mut has_no_value = false;
    let sheets = description["sheets"]
        .as_object()
        .ok_or_else(|| FixtureError("« sheets » manque".into()))?;
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name).map_err(fail)?;
        let rows = rows.as_array().map(Vec::as_slice).unwrap_or_default();
        let mut widths: Vec<usize> = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            let cells = row.as_array().map(Vec::as_slice).unwrap_or_default();
            for (c, cell) in cells.iter().enumerate() {
                if cell.is_null() {
                    continue;
                }
                write_cell(
                    ws,
                    (r as u32, c as u16),
                    cell,
                    &date_format,
                    &mut has_no_value,
                )?;
                let len = match cell {
                    Value::String(s) => s.lines().map(|l| l.chars().count()).max().unwrap_or(0),
                    _ => 10,
                };
                if widths.len() <= c {
                    widths.resize(c + 1, 8);
                }
                widths[c] = widths[c].max(len.min(60));
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, *w as f64 + 2.0)
                .map_err(fail)?;
        }
        far_cells(ws, name, description)?;
    }
    let bytes = wb.save_to_buffer().map_err(fail)?;
    let date1904 = description["date1904"].as_bool() == Some(true);
    let no_value = format!("<v>{NO_VALUE}</v>");
    if !date1904 && !has_no_value {
        return Ok(bytes);
    }
    rewrite(&bytes, |name, text| {
        if name == "xl/workbook.xml" && date1904 {
            if text.contains("<workbookPr") {
                text.replacen("<workbookPr", "<workbookPr date1904=\"1\"", 1)
            } else {
                text.replacen("<sheets>", "<workbookPr date1904=\"1\"/><sheets>", 1)
            }
        } else if name.starts_with("xl/worksheets/") {
            text.replace(&no_value, "")
        } else {
            text
        }
    })
}

/// One cell of a description: text, number, boolean, `{"date": …}` or `{"formule": …,
/// "resultat": …}` (`has_no_value` set for a formula described without its result).
fn write_cell(
    ws: &mut rust_xlsxwriter::Worksheet,
    (r, c16): (u32, u16),
    cell: &Value,
    date_format: &Format,
    has_no_value: &mut bool,
) -> Result<(), FixtureError> {
    match cell {
        Value::Null => return Ok(()),
        Value::String(s) => ws.write_string(r, c16, s).map(|_| ()),
        Value::Number(n) => ws
            .write_number(r, c16, n.as_f64().unwrap_or(0.0))
            .map(|_| ()),
        Value::Bool(b) => ws.write_boolean(r, c16, *b).map(|_| ()),
        Value::Object(o) if o.contains_key("date") => {
            let d = o["date"].as_str().unwrap_or_default();
            let dt = ExcelDateTime::parse_from_str(d).map_err(fail)?;
            ws.write_datetime_with_format(r, c16, &dt, date_format)
                .map(|_| ())
        }
        Value::Object(o) if o.contains_key("formule") => {
            let text = o["formule"].as_str().unwrap_or_default();
            let result = match &o.get("resultat") {
                None | Some(Value::Null) => {
                    *has_no_value = true;
                    NO_VALUE.to_string()
                }
                Some(Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
            };
            ws.write_formula(r, c16, Formula::new(text).set_result(result))
                .map(|_| ())
        }
        other => {
            return Err(FixtureError(format!(
                "cellule {} : valeur non prise en charge {other}",
                crate::finding::a1(r, u32::from(c16))
            )))
        }
    }
    .map_err(fail)
}

/// The isolated cells of sheet `name`, far from the grid (XFD1048576…), which a grid cannot
/// describe.
fn far_cells(
    ws: &mut rust_xlsxwriter::Worksheet,
    name: &str,
    description: &Value,
) -> Result<(), FixtureError> {
    for far in description["cellules_isolees"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        if far["feuille"].as_str() != Some(name) {
            continue;
        }
        let (r, c) = far["cellule"]
            .as_str()
            .and_then(parse_a1)
            .ok_or_else(|| FixtureError("cellule isolée invalide".into()))?;
        let text = match &far["valeur"] {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        ws.write_string(r as u32, c as u16, text).map_err(fail)?;
    }
    Ok(())
}

/// The cached value written for a formula described without one, removed afterwards:
/// rust_xlsxwriter always writes a value, real files saved uncalculated have none.
const NO_VALUE: &str = "__spro_sans_valeur__";

/// Rewrites the XML parts of an `.xlsx` through `edit(part name, text)`: used for the 1904
/// date system and formulas without a cached value, which rust_xlsxwriter cannot write, and
/// by the tests to craft hostile files.
pub fn rewrite(
    bytes: &[u8],
    edit: impl Fn(&str, String) -> String,
) -> Result<Vec<u8>, FixtureError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(fail)?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().last_modified_time(zip::DateTime::default());
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).map_err(fail)?;
        let name = f.name().map_err(fail)?.to_string();
        let mut content = Vec::new();
        f.read_to_end(&mut content).map_err(fail)?;
        if name.ends_with(".xml") {
            content = edit(&name, String::from_utf8_lossy(&content).into_owned()).into_bytes();
        }
        out.start_file(name, options).map_err(fail)?;
        out.write_all(&content).map_err(fail)?;
    }
    Ok(out.finish().map_err(fail)?.into_inner())
}

/// Parses an A1 reference into 0-based (row, column).
pub fn parse_a1(a1: &str) -> Option<(usize, usize)> {
    let split = a1.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = a1.split_at(split);
    if letters.is_empty() {
        return None;
    }
    let mut col = 0usize;
    for b in letters.to_ascii_uppercase().bytes() {
        if !b.is_ascii_uppercase() {
            return None;
        }
        col = col * 26 + usize::from(b - b'A' + 1);
    }
    let row: usize = digits.parse().ok()?;
    debug_assert_eq!(column_letters(col as u32 - 1).len(), letters.len());
    Some((row.checked_sub(1)?, col - 1))
}

fn sheet_rows<'a>(
    description: &'a mut Value,
    sheet: &str,
) -> Result<&'a mut Vec<Value>, FixtureError> {
    description["sheets"][sheet]
        .as_array_mut()
        .ok_or_else(|| FixtureError(format!("pas de feuille « {sheet} » dans la description")))
}

/// Applies one edit to a description. Edits (French keys, like the case file):
/// `{"feuille", "cellule", "valeur"}` sets a cell (null empties it);
/// `{"feuille", "supprimer_ligne": n}` deletes row n (1-based);
/// `{"feuille", "inserer_ligne": n, "valeurs": [...]}` inserts a row before row n;
/// `{"feuille", "ajouter_ligne": [...]}` appends a row;
/// `{"feuille", "vider": true}` keeps only the first row;
/// `{"feuille", "cellule_isolee": "XFD1048576", "valeur"}` writes one far-away cell;
/// `{"supprimer_feuille": name}`, `{"renommer_feuille": name, "en": new}`,
/// `{"ajouter_feuille": name, "lignes": [[...]]}`, `{"date1904": true}`.
pub fn apply(description: &mut Value, edit: &Value) -> Result<(), FixtureError> {
    let sheet = edit["feuille"].as_str().unwrap_or_default().to_string();
    if let Some(cell) = edit["cellule"].as_str() {
        let (r, c) =
            parse_a1(cell).ok_or_else(|| FixtureError(format!("référence « {cell} » invalide")))?;
        let rows = sheet_rows(description, &sheet)?;
        while rows.len() <= r {
            rows.push(Value::Array(vec![]));
        }
        let row = rows[r]
            .as_array_mut()
            .ok_or_else(|| FixtureError("ligne invalide".into()))?;
        while row.len() <= c {
            row.push(Value::Null);
        }
        row[c] = edit["valeur"].clone();
    } else if let Some(cell) = edit["cellule_isolee"].as_str() {
        parse_a1(cell).ok_or_else(|| FixtureError(format!("référence « {cell} » invalide")))?;
        let entry = serde_json::json!({"feuille": sheet, "cellule": cell, "valeur": edit["valeur"].clone()});
        match description["cellules_isolees"].as_array_mut() {
            Some(list) => list.push(entry),
            None => description["cellules_isolees"] = Value::Array(vec![entry]),
        }
    } else if let Some(n) = edit["supprimer_ligne"].as_u64() {
        let rows = sheet_rows(description, &sheet)?;
        let i = (n as usize).checked_sub(1).filter(|i| *i < rows.len());
        let i = i.ok_or_else(|| FixtureError(format!("pas de ligne {n} dans « {sheet} »")))?;
        rows.remove(i);
    } else if let Some(n) = edit["inserer_ligne"].as_u64() {
        let rows = sheet_rows(description, &sheet)?;
        let i = (n as usize).saturating_sub(1).min(rows.len());
        rows.insert(i, edit["valeurs"].clone());
    } else if let Some(values) = edit.get("ajouter_ligne") {
        sheet_rows(description, &sheet)?.push(values.clone());
    } else if edit["vider"].as_bool() == Some(true) {
        sheet_rows(description, &sheet)?.truncate(1);
    } else if let Some(name) = edit["supprimer_feuille"].as_str() {
        sheets_mut(description)?.shift_remove(name);
    } else if let Some(name) = edit["renommer_feuille"].as_str() {
        let new = edit["en"].as_str().unwrap_or_default().to_string();
        let sheets = sheets_mut(description)?;
        let renamed: Map<String, Value> = std::mem::take(sheets)
            .into_iter()
            .map(|(k, v)| if k == name { (new.clone(), v) } else { (k, v) })
            .collect();
        *sheets = renamed;
    } else if let Some(name) = edit["ajouter_feuille"].as_str() {
        sheets_mut(description)?.insert(name.to_string(), edit["lignes"].clone());
    } else if let Some(b) = edit.get("date1904") {
        description["date1904"] = b.clone();
    } else {
        return Err(FixtureError(format!("modification non comprise : {edit}")));
    }
    Ok(())
}

fn sheets_mut(description: &mut Value) -> Result<&mut Map<String, Value>, FixtureError> {
    description["sheets"]
        .as_object_mut()
        .ok_or_else(|| FixtureError("« sheets » manque".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a1_parsing() {
        assert_eq!(parse_a1("A1"), Some((0, 0)));
        assert_eq!(parse_a1("O7"), Some((6, 14)));
        assert_eq!(parse_a1("AA10"), Some((9, 26)));
        assert_eq!(parse_a1("7"), None);
    }

    #[test]
    fn edits() {
        let mut d = json!({"sheets": {"A": [["x", "y"], ["1", "2"]], "B": [[]]}});
        apply(
            &mut d,
            &json!({"feuille": "A", "cellule": "C3", "valeur": 5}),
        )
        .unwrap();
        assert_eq!(d["sheets"]["A"][2], json!([null, null, 5]));
        apply(&mut d, &json!({"feuille": "A", "supprimer_ligne": 2})).unwrap();
        assert_eq!(d["sheets"]["A"][1], json!([null, null, 5]));
        apply(&mut d, &json!({"renommer_feuille": "A", "en": "Z"})).unwrap();
        let names: Vec<&String> = d["sheets"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["Z", "B"]);
        assert!(apply(&mut d, &json!({"n'importe": 1})).is_err());
    }

    #[test]
    fn builds_deterministic_bytes() {
        let d = json!({"sheets": {"S": [["a", 1, true, {"date": "2025-03-14"}]]}});
        assert_eq!(build_xlsx(&d).unwrap(), build_xlsx(&d).unwrap());
    }
}
