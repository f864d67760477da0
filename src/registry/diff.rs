//! What changed from one template version to another (`spro modeles diff A B`), in data and in
//! sentences: sheets matched by role (a sheet without one by its name and `x-anciens-noms`),
//! columns by key (`x-anciennement` followed through every version between), never by header.

use serde::Serialize;
use serde_json::Value;

use super::{version_key, Registry, SheetFile, Version};
use crate::i18n::{Lang, Msg};

/// What kind of change, as `--format json` writes it (`type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum ChangeKind {
    #[serde(rename = "feuille-ajoutee")]
    SheetAdded,
    #[serde(rename = "feuille-retiree")]
    SheetRemoved,
    #[serde(rename = "feuille-renommee")]
    SheetRenamed,
    #[serde(rename = "colonne-ajoutee")]
    ColumnAdded,
    #[serde(rename = "colonne-retiree")]
    ColumnRemoved,
    #[serde(rename = "colonne-renommee")]
    ColumnRenamed,
    #[serde(rename = "obligation-changee")]
    RequirementChanged,
    #[serde(rename = "valeurs-ajoutees")]
    ValuesAdded,
    #[serde(rename = "valeurs-retirees")]
    ValuesRemoved,
    #[serde(rename = "contrainte-changee")]
    ConstraintChanged,
}

impl ChangeKind {
    /// The kind as the JSON writes it (the tests read it).
    #[cfg(test)]
    fn as_str(self) -> &'static str {
        match self {
            ChangeKind::SheetAdded => "feuille-ajoutee",
            ChangeKind::SheetRemoved => "feuille-retiree",
            ChangeKind::SheetRenamed => "feuille-renommee",
            ChangeKind::ColumnAdded => "colonne-ajoutee",
            ChangeKind::ColumnRemoved => "colonne-retiree",
            ChangeKind::ColumnRenamed => "colonne-renommee",
            ChangeKind::RequirementChanged => "obligation-changee",
            ChangeKind::ValuesAdded => "valeurs-ajoutees",
            ChangeKind::ValuesRemoved => "valeurs-retirees",
            ChangeKind::ConstraintChanged => "contrainte-changee",
        }
    }
}

/// The forms of `spro modeles diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Human,
    Markdown,
    Json,
}

/// One change: where (the sheet, as `to` names it, and the column when one changed) and what.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Change {
    pub sheet: String,
    pub column: Option<ColumnAt>,
    pub what: What,
}

/// A column, by its key and header in `to` (for a column removed, in `from`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ColumnAt {
    pub key: String,
    pub header: String,
}

/// What changed, with what each kind of change says.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum What {
    SheetAdded,
    SheetRemoved,
    /// Its name before.
    SheetRenamed(String),
    ColumnAdded {
        required: bool,
    },
    ColumnRemoved,
    /// The header before, and the key before when the key was renamed.
    ColumnRenamed {
        header_before: String,
        key_before: Option<String>,
    },
    RequirementChanged {
        required: bool,
    },
    ValuesAdded(Vec<String>),
    ValuesRemoved(Vec<String>),
    /// A constraint (`type`, `pattern`, `minimum`…), before and after (`None`: not set).
    ConstraintChanged {
        constraint: &'static str,
        before: Option<String>,
        after: Option<String>,
    },
}

impl What {
    pub(crate) fn kind(&self) -> ChangeKind {
        match self {
            What::SheetAdded => ChangeKind::SheetAdded,
            What::SheetRemoved => ChangeKind::SheetRemoved,
            What::SheetRenamed(_) => ChangeKind::SheetRenamed,
            What::ColumnAdded { .. } => ChangeKind::ColumnAdded,
            What::ColumnRemoved => ChangeKind::ColumnRemoved,
            What::ColumnRenamed { .. } => ChangeKind::ColumnRenamed,
            What::RequirementChanged { .. } => ChangeKind::RequirementChanged,
            What::ValuesAdded(_) => ChangeKind::ValuesAdded,
            What::ValuesRemoved(_) => ChangeKind::ValuesRemoved,
            What::ConstraintChanged { .. } => ChangeKind::ConstraintChanged,
        }
    }
}

/// As `--format json` gives it: `type`, `feuille`, then what the kind says (`cle`, `colonne`,
/// `avant`, `cle_avant`, `valeurs`, `contrainte`, `apres`, `obligatoire`), in that order.
impl Serialize for Change {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("type", &self.what.kind())?;
        map.serialize_entry("feuille", &self.sheet)?;
        if let Some(c) = &self.column {
            map.serialize_entry("cle", &c.key)?;
            map.serialize_entry("colonne", &c.header)?;
        }
        match &self.what {
            What::SheetAdded | What::SheetRemoved | What::ColumnRemoved => {}
            What::SheetRenamed(before) => map.serialize_entry("avant", before)?,
            What::ColumnAdded { required } | What::RequirementChanged { required } => {
                map.serialize_entry("obligatoire", required)?;
            }
            What::ColumnRenamed {
                header_before,
                key_before,
            } => {
                map.serialize_entry("avant", header_before)?;
                if let Some(key) = key_before {
                    map.serialize_entry("cle_avant", key)?;
                }
            }
            What::ValuesAdded(values) | What::ValuesRemoved(values) => {
                map.serialize_entry("valeurs", values)?;
            }
            What::ConstraintChanged {
                constraint,
                before,
                after,
            } => {
                if let Some(before) = before {
                    map.serialize_entry("avant", before)?;
                }
                map.serialize_entry("contrainte", constraint)?;
                if let Some(after) = after {
                    map.serialize_entry("apres", after)?;
                }
            }
        }
        map.end()
    }
}

impl Change {
    fn of_sheet(sheet: &str, what: What) -> Change {
        Change {
            sheet: sheet.to_string(),
            column: None,
            what,
        }
    }

    fn of_column(sheet: &str, key: &str, header: &str, what: What) -> Change {
        Change {
            sheet: sheet.to_string(),
            column: Some(ColumnAt {
                key: key.to_string(),
                header: header.to_string(),
            }),
            what,
        }
    }

    /// The column's header, empty for a sheet's change.
    fn header(&self) -> &str {
        self.column.as_ref().map_or("", |c| c.header.as_str())
    }

    /// The change as someone filling the workbook reads it: headers and values, never a key
    /// or a keyword; `None` when nothing a spreadsheet shows changes (a key renamed under the
    /// same header).
    pub(crate) fn for_filling(&self) -> Option<Msg> {
        let (sheet, col) = (&self.sheet, self.header());
        match &self.what {
            What::ColumnRenamed {
                header_before: before,
                ..
            } => (before != col).then(|| {
                Msg::new(
                    format!("{sheet} : la colonne « {before} » s'appelle désormais « {col} »"),
                    format!("{sheet}: the column “{before}” is now called “{col}”"),
                )
            }),
            What::ConstraintChanged {
                constraint, after, ..
            } => Some(constraint_in_words(
                sheet,
                col,
                constraint,
                after.as_deref(),
            )),
            _ => Some(self.sentence()),
        }
    }
}

/// A constraint changed, in words (`contrainte-changee`).
fn constraint_in_words(sheet: &str, col: &str, constraint: &str, after: Option<&str>) -> Msg {
    let n = after.unwrap_or_default();
    let (fr, en) = match (constraint, after) {
        (_, None) => (
            "n'a plus cette limite".to_string(),
            "no longer has this limit".to_string(),
        ),
        ("type", Some(t)) => {
            let kind = match t.trim_matches(|c| c == '[' || c == ']' || c == '"') {
                t if t.starts_with("integer") => "un nombre entier",
                t if t.starts_with("number") => "un nombre",
                t if t.starts_with("boolean") => "Oui ou Non",
                t if t.starts_with("array") => "une liste de valeurs",
                _ => "du texte",
            };
            (
                format!("attend désormais {kind}"),
                format!(
                    "now expects {}",
                    match kind {
                        "un nombre entier" => "a whole number",
                        "un nombre" => "a number",
                        "Oui ou Non" => "Oui or Non",
                        "une liste de valeurs" => "a list of values",
                        _ => "text",
                    }
                ),
            )
        }
        ("format" | "pattern", _) => (
            "attend désormais une autre forme de valeur".to_string(),
            "now expects another form of value".to_string(),
        ),
        ("minimum", _) => (
            format!("vaut désormais au moins {n}"),
            format!("is now at least {n}"),
        ),
        ("maximum", _) => (
            format!("vaut désormais au plus {n}"),
            format!("is now at most {n}"),
        ),
        ("exclusiveMinimum", _) => (
            format!("doit désormais dépasser {n}"),
            format!("must now exceed {n}"),
        ),
        ("exclusiveMaximum", _) => (
            format!("doit désormais rester sous {n}"),
            format!("must now stay below {n}"),
        ),
        ("multipleOf", _) => (
            format!("se compte désormais par {n}"),
            format!("now counts in steps of {n}"),
        ),
        ("const", _) => (
            format!("vaut désormais toujours « {n} »"),
            format!("is now always “{n}”"),
        ),
        ("minLength", _) => (
            format!("compte désormais au moins {n} caractères"),
            format!("now has at least {n} characters"),
        ),
        ("maxLength", _) => (
            format!("compte désormais au plus {n} caractères"),
            format!("now has at most {n} characters"),
        ),
        ("minItems", _) => (
            format!("demande désormais au moins {n} valeurs"),
            format!("now needs at least {n} values"),
        ),
        (_, _) => (
            format!("permet désormais au plus {n} valeurs"),
            format!("now allows at most {n} values"),
        ),
    };
    Msg::new(
        format!("{sheet} : la colonne « {col} » {fr}"),
        format!("{sheet}: the column “{col}” {en}"),
    )
}

impl Change {
    /// A column renamed (its header, its key, or both), in a sentence.
    fn renamed(&self, before: &str, key_before: Option<&str>) -> Msg {
        let (sheet, col) = (&self.sheet, self.header());
        let key = self.column.as_ref().map(|c| &c.key);
        let (fr_key, en_key) = match (key_before, key) {
            (Some(a), Some(b)) => (format!(" (clé {a} → {b})"), format!(" (key {a} → {b})")),
            _ => (String::new(), String::new()),
        };
        if before == col {
            Msg::new(
                format!("{sheet} : la colonne « {col} » change de clé{fr_key}"),
                format!("{sheet}: the column “{col}” changes its key{en_key}"),
            )
        } else {
            Msg::new(
                format!("{sheet} : la colonne « {before} » s'appelle désormais « {col} »{fr_key}"),
                format!("{sheet}: the column “{before}” is now called “{col}”{en_key}"),
            )
        }
    }

    /// The change in a sentence.
    pub(crate) fn sentence(&self) -> Msg {
        let (sheet, col) = (&self.sheet, self.header());
        let quoted = |values: &[String], open: &str, close: &str| {
            values
                .iter()
                .map(|v| format!("{open}{v}{close}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let values = |values: &[String]| (quoted(values, "« ", " »"), quoted(values, "“", "”"));
        let need = |required: bool| match required {
            true => ("obligatoire", "required"),
            false => ("facultative", "optional"),
        };
        match &self.what {
            What::SheetAdded => Msg::new(
                format!("la feuille « {sheet} » est ajoutée"),
                format!("the sheet “{sheet}” is added"),
            ),
            What::SheetRemoved => Msg::new(
                format!("la feuille « {sheet} » est retirée"),
                format!("the sheet “{sheet}” is removed"),
            ),
            What::SheetRenamed(before) => Msg::new(
                format!("la feuille « {before} » s'appelle désormais « {sheet} »"),
                format!("the sheet “{before}” is now called “{sheet}”"),
            ),
            What::ColumnAdded { required } => {
                let (fr_need, en_need) = need(*required);
                Msg::new(
                    format!("{sheet} : la colonne « {col} » est ajoutée ({fr_need})"),
                    format!("{sheet}: the column “{col}” is added ({en_need})"),
                )
            }
            What::ColumnRemoved => Msg::new(
                format!("{sheet} : la colonne « {col} » est retirée"),
                format!("{sheet}: the column “{col}” is removed"),
            ),
            What::ColumnRenamed {
                header_before,
                key_before,
            } => self.renamed(header_before, key_before.as_deref()),
            What::RequirementChanged { required } => {
                let (fr_need, en_need) = need(*required);
                Msg::new(
                    format!("{sheet} : la colonne « {col} » devient {fr_need}"),
                    format!("{sheet}: the column “{col}” becomes {en_need}"),
                )
            }
            What::ValuesAdded(added) => {
                let (fr_values, en_values) = values(added);
                Msg::new(
                    format!("{sheet} : la colonne « {col} » accepte aussi {fr_values}"),
                    format!("{sheet}: the column “{col}” also accepts {en_values}"),
                )
            }
            What::ValuesRemoved(removed) => {
                let (fr_values, en_values) = values(removed);
                Msg::new(
                    format!("{sheet} : la colonne « {col} » n'accepte plus {fr_values}"),
                    format!("{sheet}: the column “{col}” no longer accepts {en_values}"),
                )
            }
            What::ConstraintChanged {
                constraint: what,
                before,
                after,
            } => {
                let after = after.as_deref().unwrap_or("—");
                let before = before.as_deref().unwrap_or("—");
                Msg::new(
                    format!("{sheet} : la colonne « {col} » change de contrainte « {what} » ({before} → {after})"),
                    format!("{sheet}: the column “{col}” changes its constraint “{what}” ({before} → {after})"),
                )
            }
        }
    }
}

/// What changed from `from` to `to`, sheet by sheet in `to`'s order, then the sheets removed.
pub(crate) fn diff(registry: &Registry, from: &Version, to: &Version) -> Vec<Change> {
    let mut changes = Vec::new();
    for sheet in &to.sheets {
        match counterpart(from, sheet) {
            None => changes.push(Change::of_sheet(sheet.name(), What::SheetAdded)),
            Some(old) => {
                if old.name() != sheet.name() {
                    let before = What::SheetRenamed(old.name().to_string());
                    changes.push(Change::of_sheet(sheet.name(), before));
                }
                columns(registry, from, old, to, sheet, &mut changes);
            }
        }
    }
    for old in &from.sheets {
        if counterpart(to, old).is_none() {
            changes.push(Change::of_sheet(old.name(), What::SheetRemoved));
        }
    }
    changes
}

/// The sheet of `version` that is `sheet`: the same role, else the same name (or a former one).
fn counterpart<'v>(version: &'v Version, sheet: &SheetFile) -> Option<&'v SheetFile> {
    if let Some(role) = sheet.role() {
        return version.sheet_by_role(role);
    }
    let names = |s: &SheetFile| -> Vec<String> {
        let mut n = vec![crate::norm::norm(s.name())];
        for old in s.json["x-anciens-noms"].as_array().into_iter().flatten() {
            n.extend(old.as_str().map(crate::norm::norm));
        }
        n
    };
    let wanted = names(sheet);
    version
        .sheets
        .iter()
        .find(|s| s.role().is_none() && names(s).iter().any(|n| wanted.contains(n)))
}

/// The key a column of `to` had in `from`, following `x-anciennement` through every version
/// between (`from` older than `to`; the other way round, followed backwards).
fn key_in(
    registry: &Registry,
    from: &Version,
    to: &Version,
    role_or_name: &SheetFile,
    key: &str,
) -> String {
    let (old, new) = (version_key(&from.version), version_key(&to.version));
    let newer_first = |v: &&Version| {
        let k = version_key(&v.version);
        k > old.clone().min(new.clone()) && k <= old.clone().max(new.clone())
    };
    // Versions after the older one up to the newer one, newest first (the registry's order).
    let between: Vec<&Version> = registry.versions.iter().filter(newer_first).collect();
    if new >= old {
        let mut key = key.to_string();
        for v in between {
            let Some(sheet) = counterpart(v, role_or_name) else {
                break;
            };
            if let Some(former) = sheet
                .columns()
                .iter()
                .find(|(k, _)| *k == key)
                .and_then(|(_, p)| p["x-anciennement"].as_str())
            {
                key = former.to_string();
            }
        }
        key
    } else {
        // From a newer version to an older one: the key moves forward.
        let mut key = key.to_string();
        for v in between.into_iter().rev() {
            let Some(sheet) = counterpart(v, role_or_name) else {
                break;
            };
            if let Some((k, _)) = sheet
                .columns()
                .into_iter()
                .find(|(_, p)| p["x-anciennement"].as_str() == Some(key.as_str()))
            {
                key = k.to_string();
            }
        }
        key
    }
}

/// The changes of one sheet's columns.
fn columns(
    registry: &Registry,
    from: &Version,
    old: &SheetFile,
    to: &Version,
    new: &SheetFile,
    changes: &mut Vec<Change>,
) {
    let name = new.name();
    let old_columns = old.columns();
    let mut matched = Vec::new();
    for (key, p) in new.columns() {
        let header = p["title"].as_str().unwrap_or_default();
        let old_key = key_in(registry, from, to, new, key);
        let Some((_, q)) = old_columns.iter().find(|(k, _)| *k == old_key) else {
            let required = new.required(key);
            changes.push(Change::of_column(
                name,
                key,
                header,
                What::ColumnAdded { required },
            ));
            continue;
        };
        matched.push(old_key.clone());
        let old_header = q["title"].as_str().unwrap_or_default();
        if old_header != header || old_key != key {
            let renamed = What::ColumnRenamed {
                header_before: old_header.to_string(),
                key_before: (old_key != key).then(|| old_key.clone()),
            };
            changes.push(Change::of_column(name, key, header, renamed));
        }
        if old.required(&old_key) != new.required(key) {
            let required = new.required(key);
            let what = What::RequirementChanged { required };
            changes.push(Change::of_column(name, key, header, what));
        }
        let (was, is) = (allowed(q), allowed(p));
        let added: Vec<String> = is.iter().filter(|v| !was.contains(v)).cloned().collect();
        let removed: Vec<String> = was.iter().filter(|v| !is.contains(v)).cloned().collect();
        if !added.is_empty() {
            changes.push(Change::of_column(
                name,
                key,
                header,
                What::ValuesAdded(added),
            ));
        }
        if !removed.is_empty() {
            changes.push(Change::of_column(
                name,
                key,
                header,
                What::ValuesRemoved(removed),
            ));
        }
        for what in CONSTRAINTS {
            let (a, b) = (constraint(q, what), constraint(p, what));
            if a != b {
                let what = What::ConstraintChanged {
                    constraint: what,
                    before: a,
                    after: b,
                };
                changes.push(Change::of_column(name, key, header, what));
            }
        }
    }
    for (key, q) in &old_columns {
        if !matched.iter().any(|m| m == key) {
            let header = q["title"].as_str().unwrap_or_default();
            changes.push(Change::of_column(name, key, header, What::ColumnRemoved));
        }
    }
}

/// The constraints compared, on the property or on a list's items.
const CONSTRAINTS: [&str; 13] = [
    "type",
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "const",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
];

fn constraint(p: &Value, what: &str) -> Option<String> {
    let v = p.get(what).or_else(|| p["items"].get(what))?;
    Some(match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// The values a column allows (`enum`, or its items' for a list).
fn allowed(p: &Value) -> Vec<String> {
    p["enum"]
        .as_array()
        .or_else(|| p["items"]["enum"].as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The changes as the command prints them: `human` (sentences), `markdown` or `json`.
pub(crate) fn render(
    from: &Version,
    to: &Version,
    changes: &[Change],
    format: DiffFormat,
    lang: Lang,
) -> String {
    let (a, b) = (&from.version, &to.version);
    match format {
        DiffFormat::Json => {
            let value = serde_json::json!({"de": a, "vers": b, "changements": changes});
            serde_json::to_string_pretty(&value).expect("changes as JSON") + "\n"
        }
        DiffFormat::Markdown => {
            let mut out = match lang {
                Lang::Fr => format!("## Ce qui change du modèle {a} au modèle {b}\n\n"),
                Lang::En => format!("## What changes from template {a} to template {b}\n\n"),
            };
            if changes.is_empty() {
                out.push_str(crate::i18n::pick(
                    lang,
                    "Aucun changement.\n",
                    "No change.\n",
                ));
            }
            for c in changes {
                out.push_str(&format!("- {}\n", upper_first(c.sentence().get(lang))));
            }
            out
        }
        _ => {
            let mut out = match lang {
                Lang::Fr => format!("Du modèle {a} au modèle {b} :\n"),
                Lang::En => format!("From template {a} to template {b}:\n"),
            };
            if changes.is_empty() {
                out.push_str(crate::i18n::pick(
                    lang,
                    "  aucun changement\n",
                    "  no change\n",
                ));
            }
            for c in changes {
                out.push_str(&format!("  - {}\n", c.sentence().get(lang)));
            }
            out
        }
    }
}

/// `s` with its first letter in upper case (a sentence on its own line).
pub(crate) fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024.1 → 2025.1, as the shipped registry has them: the sheet renamed, the header
    /// reworded, the key renamed, the column and the list value added.
    #[test]
    fn from_2024_to_2025() {
        let registry = Registry::embedded();
        let (old, new) = (registry.version("2024.1").unwrap(), registry.current());
        let changes = diff(&registry, old, new);
        let kinds: Vec<(&str, &str, Option<&str>)> = changes
            .iter()
            .map(|c| {
                let key = c.column.as_ref().map(|k| k.key.as_str());
                (c.what.kind().as_str(), c.sheet.as_str(), key)
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("colonne-renommee", "Actions", Some("intitule")),
                ("valeurs-ajoutees", "Actions", Some("type")),
                ("colonne-renommee", "Actions", Some("participants")),
                ("colonne-ajoutee", "Actions", Some("hommes")),
                ("feuille-renommee", "Accueil", None),
            ]
        );
        assert!(matches!(
            &changes[2].what,
            What::ColumnRenamed { key_before: Some(k), .. } if k == "nb_participants"
        ));
        assert_eq!(
            changes[1].sentence().fr.as_ref(),
            "Actions : la colonne « Type d'action » accepte aussi « Webinaire »"
        );
        // Backwards, the same changes the other way.
        let back = diff(&registry, new, old);
        let kinds: Vec<&str> = back.iter().map(|c| c.what.kind().as_str()).collect();
        assert_eq!(
            kinds,
            [
                "colonne-renommee",
                "valeurs-retirees",
                "colonne-renommee",
                "colonne-retiree",
                "feuille-renommee"
            ]
        );
        assert!(diff(&registry, new, new).is_empty());
    }
}
