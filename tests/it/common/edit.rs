//! Edits of fixture descriptions and registries, as the Région and coordinators make them: a
//! header renamed, a column dropped or added, a sheet renamed, a field set; a registry copied
//! with its files edited.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::{root, source};

/// The rows of sheet `name` of a fixture description.
pub fn rows<'a>(d: &'a mut Value, name: &str) -> &'a mut Vec<Value> {
    d["sheets"][name].as_array_mut().unwrap()
}

/// The index of the header row of a table sheet (the one that names `first`) and of `header`.
pub fn header_at(rows: &[Value], header: &str) -> (usize, usize) {
    rows.iter()
        .enumerate()
        .find_map(|(i, r)| {
            let j = r.as_array()?.iter().position(|c| c == header)?;
            Some((i, j))
        })
        .unwrap_or_else(|| panic!("no header « {header} »"))
}

pub fn rename_header(d: &mut Value, sheet: &str, from: &str, to: &str) {
    let rows = rows(d, sheet);
    let (i, j) = header_at(rows, from);
    rows[i][j] = json!(to);
}

/// Drops column `header` of `sheet`: its header and its cells below.
pub fn drop_column(d: &mut Value, sheet: &str, header: &str) {
    let rows = rows(d, sheet);
    let (i, j) = header_at(rows, header);
    for row in &mut rows[i..] {
        let row = row.as_array_mut().unwrap();
        if row.len() > j {
            row.remove(j);
        }
    }
}

/// Adds column `header` at the end of `sheet`, with `values` for the rows below the header.
pub fn add_column(d: &mut Value, sheet: &str, after: &str, header: &str, values: &[Value]) {
    let rows = rows(d, sheet);
    let (i, _) = header_at(rows, after);
    let width = rows[i].as_array().unwrap().len();
    for (k, row) in rows[i..].iter_mut().enumerate() {
        let row = row.as_array_mut().unwrap();
        row.resize(width, Value::Null);
        row.push(match k {
            0 => json!(header),
            k => values.get(k - 1).cloned().unwrap_or(Value::Null),
        });
    }
}

pub fn rename_sheet(d: &mut Value, from: &str, to: &str) {
    let sheets = d["sheets"].as_object_mut().unwrap();
    let renamed: serde_json::Map<String, Value> = std::mem::take(sheets)
        .into_iter()
        .map(|(k, v)| (if k == from { to.to_string() } else { k }, v))
        .collect();
    *sheets = renamed;
}

/// Sets field `label` of the Identification form.
pub fn set_field(d: &mut Value, label: &str, value: Value) {
    for row in rows(d, "Identification") {
        if row[0] == label {
            row[1] = value;
            return;
        }
    }
    panic!("no field « {label} »");
}

/// A copy of the test registry in `dir/modeles`, each file's text passed through
/// `edit(path in the registry, text)`.
pub fn registry_copy(dir: &Path, edit: impl Fn(&Path, String) -> String) -> PathBuf {
    let (from, copy) = (root().join("fixtures/modeles"), dir.join("modeles"));
    for entry in walk(&from) {
        let rel = entry.strip_prefix(&from).unwrap();
        let to = copy.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        let text = std::fs::read_to_string(&entry).unwrap();
        std::fs::write(to, edit(rel, text)).unwrap();
    }
    copy
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// 18-BOU's 2025 bilan typed on the 2024.1 template.
pub fn on_2024_1() -> Value {
    let mut d = source("18-BOU-2025");
    rename_header(&mut d, "Actions", "Intitulé", "Libellé");
    drop_column(&mut d, "Actions", "dont hommes");
    for row in rows(&mut d, "Actions") {
        for cell in row.as_array_mut().unwrap() {
            if cell == "Webinaire" {
                *cell = json!("Autre");
            }
        }
    }
    rename_sheet(&mut d, "Accueil", "Premier accueil");
    set_field(&mut d, "Version du modèle", json!("2024.1"));
    d
}

/// 37-TOU's 2025 bilan typed on the 2025.2 template: « Nombre de participants », no
/// « Modalité », a « Budget (€) », « Formation des professionnels ».
pub fn on_2025_2() -> Value {
    let mut d = source("37-TOU-2025");
    rename_header(&mut d, "Actions", "Participants", "Nombre de participants");
    drop_column(&mut d, "Actions", "Modalité");
    let budgets: Vec<Value> = (1..=20).map(|k| json!(1000 * k)).collect();
    add_column(&mut d, "Actions", "Identifiant", "Budget (€)", &budgets);
    rename_sheet(
        &mut d,
        "Professionnalisation",
        "Formation des professionnels",
    );
    set_field(&mut d, "Version du modèle", json!("2025.2"));
    d["sheets"]["Permanences"] = json!([
        ["Structure", "Commune", "Jours de permanence", "Public"],
        ["Mission Locale de Touraine", "Chinon", 24, "Jeunes"],
        ["CIDFF 37", "Loches", 12, "Adultes"]
    ]);
    d
}
