//! The JSON Schemas of `schemas/`: one per sheet, describing one row. They are the single
//! source of truth for headers, types, enums, patterns and bounds: the checker reads its
//! columns from them, validates rows with them (compiled once), and the template is generated
//! from them. They are versions of the registry (`registry`, which compiles them): the checker reads with
//! the current version's.

use serde_json::Value;

use crate::norm::norm;

/// The version of the tableau de bord template this tool implements.
pub const TEMPLATE_VERSION: &str = "2025.1";

pub use crate::bilan::{Need, SheetKind};

/// How the value reader turns a cell into a typed value (contrat §3, §7.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Enum,
    Date,
    Integer,
    /// A decimal number (`"type": "number"`): `0,5`, `1 200,50`, `1200.5`, a number cell.
    Number,
    OuiNon,
    List,
}

impl ColumnKind {
    /// What the column holds, as a coordinator reads it (« un nombre entier »…).
    pub fn described(&self) -> (&'static str, &'static str) {
        match self {
            ColumnKind::Text => ("du texte", "text"),
            ColumnKind::Enum => ("une valeur d'une liste", "a value from a list"),
            ColumnKind::Date => ("une date", "a date"),
            ColumnKind::Integer => ("un nombre entier", "a whole number"),
            ColumnKind::Number => ("un nombre", "a number"),
            ColumnKind::OuiNon => ("Oui ou Non", "Oui or Non"),
            ColumnKind::List => ("une liste de valeurs", "a list of values"),
        }
    }
}

/// One column of a table sheet, or one label of the Identification form.
#[derive(Debug, Clone)]
pub struct Column {
    pub key: String,
    pub label: String,
    pub label_norm: String,
    pub description: String,
    pub kind: ColumnKind,
    pub required: bool,
    /// Allowed values (canonical spelling) for enums and list items.
    pub values: Vec<String>,
    /// The same, normalised ([`norm`]), for matching.
    pub values_norm: Vec<String>,
    /// The same as a message lists them, in French and in English (« A », « B » / “A”, “B”):
    /// built once, not for each finding.
    pub values_listed: (String, String),
    /// List separators.
    pub separators: Vec<char>,
    /// For text columns that hold digits: how many, so a number cell gets its leading 0 back.
    pub digits: Option<usize>,
    /// Characters ignored in the value (SIRET, téléphone).
    pub ignored: Vec<char>,
    pub format: Option<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
}

impl Column {
    pub fn is_list_of_enum(&self) -> bool {
        self.kind == ColumnKind::List && !self.values.is_empty()
    }
}

/// The schema of one sheet: its columns in order and the compiled validator for one row.
pub struct SheetSchema {
    pub kind: SheetKind,
    /// False for a role the version has no sheet for (no column, a name no sheet has).
    pub present: bool,
    /// The sheet's name in this version's workbook (`x-feuille`).
    pub name: String,
    /// The names it had in earlier versions (`x-anciens-noms`): a file that kept one is read,
    /// with a warning giving the current name.
    pub former_names: Vec<String>,
    pub description: String,
    pub columns: Vec<Column>,
    /// The row validator, compiled once.
    pub validator: jsonschema::Validator,
    /// Per column, the validator of its own property (`None` when the reader's type already
    /// satisfies it): a fast path for valid rows. `None` altogether when the schema has
    /// keywords that relate properties, and every row then goes through `validator`.
    pub property_validators: Option<Vec<PropertyCheck>>,
}

impl crate::finding::OnSheet for SheetSchema {
    fn role(&self) -> SheetKind {
        self.kind
    }

    fn sheet_name(&self) -> &str {
        &self.name
    }
}

impl SheetSchema {
    /// The sheet of a role a version does not have: no column, a name no sheet of a file can
    /// have, a validator that accepts anything.
    fn absent(kind: SheetKind) -> SheetSchema {
        SheetSchema {
            kind,
            present: false,
            name: String::new(),
            former_names: Vec::new(),
            description: String::new(),
            columns: Vec::new(),
            validator: compile(&Value::Bool(true)).expect("the schema `true`"),
            property_validators: Some(Vec::new()),
        }
    }

    /// The column of `key`, whatever it is (a key named by a schema error, by a test).
    pub fn column(&self, key: &str) -> Option<(usize, &Column)> {
        self.columns.iter().enumerate().find(|(_, c)| c.key == key)
    }

    /// The column of a key the code reads by name: one of [`keys_used`], which every schema
    /// loaded has (a misspelt key fails the tests, in debug builds).
    pub fn used(&self, key: &str) -> Option<(usize, &Column)> {
        debug_assert!(
            self.kind == SheetKind::Declared || is_used(self.kind, key),
            "the key « {key} » of {:?} is read by the code but not declared by a rule or in READ_BESIDES_RULES",
            self.kind
        );
        self.column(key)
    }

    /// The index of a key the code reads by name (see [`SheetSchema::used`]).
    pub fn index(&self, key: &str) -> usize {
        self.used(key).map_or(usize::MAX, |(i, _)| i)
    }
}

impl Need {
    /// Whether a column of `kind` gives what the code needs.
    pub fn met_by(self, kind: &ColumnKind) -> bool {
        match self {
            Need::Text => matches!(kind, ColumnKind::Text | ColumnKind::Enum),
            Need::Values => *kind == ColumnKind::Enum,
            Need::Count => *kind == ColumnKind::Integer,
            Need::Date => *kind == ColumnKind::Date,
            Need::OuiNon => *kind == ColumnKind::OuiNon,
            Need::List => *kind == ColumnKind::List,
        }
    }

    /// The JSON Schema that gives it, as the verifier says it.
    pub fn wanted(self) -> &'static str {
        match self {
            Need::Text => "« \"type\": \"string\" »",
            Need::Values => "« \"type\": \"string\" » avec une liste « enum »",
            Need::Count => "« \"type\": \"integer\" »",
            Need::Date => "« \"type\": \"string\", \"format\": \"date\" »",
            Need::OuiNon => "« \"type\": \"boolean\" »",
            Need::List => "« \"type\": \"array\" »",
        }
    }
}

/// The keys read by what is not a rule, with what each needs: the reading (the network, the
/// year, the version stated), V002's own advice (the téléphone and département columns), last
/// year's summary (`evolution`), the consolidation and the open data (the network's name, the
/// figures and lists counted, the personal columns left out). The rules' are in their
/// catalogue entries ([`crate::rules::Rule::reads`]).
const READ_BESIDES_RULES: [(SheetKind, &[(&str, Need)]); 6] = [
    (
        SheetKind::Identification,
        &[
            ("code_reseau", Need::Text),
            ("nom_reseau", Need::Text),
            ("departement", Need::Text),
            ("annee", Need::Count),
            ("date_signature_convention", Need::Date),
            ("version_modele", Need::Text),
        ],
    ),
    (SheetKind::Structures, &[("nom", Need::Text)]),
    (
        SheetKind::Coordination,
        &[
            ("nom", Need::Text),
            ("prenom", Need::Text),
            ("courriel", Need::Text),
            ("telephone", Need::Text),
        ],
    ),
    (
        SheetKind::Actions,
        &[
            ("type", Need::Values),
            ("axe", Need::Values),
            ("participants", Need::Count),
            ("femmes", Need::Count),
            ("hommes", Need::Count),
        ],
    ),
    (
        SheetKind::Accueil,
        &[
            ("structure", Need::Text),
            ("public", Need::Values),
            ("accueils", Need::Count),
            ("femmes", Need::Count),
            ("orientations", Need::Count),
            ("conseils", Need::Count),
        ],
    ),
    (
        SheetKind::Professionnalisation,
        &[("professionnels", Need::Count)],
    ),
];

/// The column keys the code reads from a sheet of role `kind`, with what it needs there: those
/// of [`READ_BESIDES_RULES`], then those the rules say they read. A schema folder must have each
/// of them (checked when it is loaded: a `--schemas` folder that lacks or renames one is
/// refused, naming it, rather than switching a rule off in silence), of a kind that gives what
/// the code needs; the code reads no other (checked on every read in debug builds, so a
/// misspelt key fails the tests).
pub fn keys_used(kind: SheetKind) -> &'static [(&'static str, Need)] {
    static KEYS: std::sync::LazyLock<Vec<Vec<(&'static str, Need)>>> =
        std::sync::LazyLock::new(|| {
            let mut keys = vec![Vec::new(); SheetKind::ALL.len()];
            let besides = READ_BESIDES_RULES.iter().map(|(k, keys)| (*k, *keys));
            let by_rules = crate::rules::RULES
                .iter()
                .flat_map(|r| r.reads.iter().copied());
            for (kind, read) in besides.chain(by_rules) {
                let known: &mut Vec<(&str, Need)> = &mut keys[kind as usize];
                for &(key, need) in read {
                    match known.iter().find(|(k, _)| *k == key) {
                        Some((_, first)) => assert_eq!(
                            *first, need,
                            "the key « {key} » of {kind:?} is read with two needs"
                        ),
                        None => known.push((key, need)),
                    }
                }
            }
            keys
        });
    KEYS.get(kind as usize).map_or(&[], Vec::as_slice)
}

/// What the code needs of `key` of `kind`, when it reads it.
pub fn need(kind: SheetKind, key: &str) -> Option<Need> {
    keys_used(kind)
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, n)| *n)
}

/// Whether the code declares that it reads `key` of `kind`.
pub fn is_used(kind: SheetKind, key: &str) -> bool {
    need(kind, key).is_some()
}

/// How the fast path checks one property of a row (see [`SheetSchema::property_validators`]).
pub enum PropertyCheck {
    /// The reader's type is all the property asks (text, integer, Oui/Non, date, list of text).
    Type,
    /// Only an `enum`: the value must be one of the column's values, exactly as JSON Schema's
    /// `enum` keyword decides for a string (the reader gives the canonical spelling).
    Enum,
    /// Anything else: the property's own compiled validator.
    Validator(jsonschema::Validator),
}

/// Per sheet (its role and its file in the registry), its keys the code reads by another name:
/// (the version's key, the code's key).
pub type Renames<'a> = dyn Fn(SheetKind, &str) -> Vec<(String, String)> + 'a;

/// All six sheet schemas, compiled, and the declared sheets' in the version's order.
pub struct Schemas {
    sheets: Vec<SheetSchema>,
    declared: Vec<SheetSchema>,
}

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schemas").finish_non_exhaustive()
    }
}

/// What is wrong within a sheet's schema.
#[derive(Debug)]
pub enum Invalid {
    /// JSON Schema itself refuses it (the whole schema, or one `property`'s).
    NotCompiled {
        property: Option<String>,
        source: Box<jsonschema::ValidationError<'static>>,
    },
    /// A property without the `title` that is its column's header.
    NoTitle(String),
    NoProperties,
}

impl crate::i18n::Said for Invalid {
    fn said(&self) -> crate::i18n::Msg {
        match self {
            Invalid::NotCompiled {
                property: None,
                source,
            } => crate::msg!("{source}", "{source}"),
            Invalid::NotCompiled {
                property: Some(key),
                source,
            } => crate::msg!("propriété {key} : {source}", "property {key}: {source}"),
            Invalid::NoTitle(key) => crate::msg!(
                "la propriété {key} n'a pas de « title »",
                "the property {key} has no “title”"
            ),
            Invalid::NoProperties => {
                crate::msg!("« properties » manque", "“properties” is missing")
            }
        }
    }
}

/// Why a schema could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    Io {
        path: String,
        source: std::io::Error,
    },
    Json {
        name: String,
        source: serde_json::Error,
    },
    Invalid {
        name: String,
        why: Invalid,
    },
    MissingKey {
        name: String,
        key: String,
    },
}

impl crate::i18n::Said for SchemaError {
    fn said(&self) -> crate::i18n::Msg {
        match self {
            SchemaError::Io { path, source } => crate::msg!(
                "impossible de lire le schéma {path} : {source}",
                "cannot read the schema {path}: {source}"
            ),
            SchemaError::Json { name, source } => crate::msg!(
                "le schéma {name} n'est pas un JSON valide : {source}",
                "the schema {name} is not valid JSON: {source}"
            ),
            SchemaError::Invalid { name, why } => {
                let why = why.said();
                let (fr, en) = (why.fr, why.en);
                crate::msg!(
                    "le schéma {name} est invalide : {fr}",
                    "the schema {name} is invalid: {en}"
                )
            }
            SchemaError::MissingKey { name, key } => crate::msg!(
                "le schéma {name} n'a pas la colonne « {key} », que l'outil lit : rétablissez-la (même clé) ou repartez des schémas fournis",
                "the schema {name} has no column “{key}”, which the tool reads: put it back (same key) or start again from the schemas provided"
            ),
        }
    }
}

crate::said_in_french!(SchemaError);

impl Schemas {
    /// The schemas of one version: each sheet by its role, with the file it comes from (its
    /// path in the registry). A problem names its file. With `reads`, every column the code
    /// reads by its key ([`keys_used`]) must be there: the version the checker reads with.
    ///
    /// `renames` gives, per sheet (its role and its file), the keys of this version that the current version knows by
    /// another name (`x-anciennement` followed through every version between): the columns are
    /// compiled under the current version's keys, so that the code reads a column by one key
    /// whatever the version of the file.
    pub fn from_version(
        texts: Vec<(SheetKind, String, String)>,
        reads: bool,
        renames: &Renames<'_>,
    ) -> Result<Schemas, (String, SchemaError)> {
        let mut sheets: Vec<SheetSchema> = Vec::new();
        let mut declared = Vec::new();
        for (kind, name, text) in texts {
            let mut json: Value = serde_json::from_str(&text).map_err(|source| {
                let error = SchemaError::Json {
                    name: name.clone(),
                    source,
                };
                (name.clone(), error)
            })?;
            rename_keys(&mut json, &renames(kind, &name));
            let sheet = parse_sheet(kind, &name, &json).map_err(|e| (name.clone(), e))?;
            if kind == SheetKind::Declared {
                declared.push(sheet);
                continue;
            }
            if let Some((key, _)) = keys_used(kind)
                .iter()
                .find(|(k, _)| reads && !sheet.columns.iter().any(|c| c.key == *k))
            {
                let error = SchemaError::MissingKey {
                    name: name.clone(),
                    key: key.to_string(),
                };
                return Err((name, error));
            }
            sheets.push(sheet);
        }
        // A role this version has no sheet for: an absent sheet, which no file is asked for.
        let sheets = SheetKind::ALL
            .into_iter()
            .map(|kind| {
                let at = sheets.iter().position(|s| s.kind == kind);
                at.map_or_else(|| SheetSchema::absent(kind), |i| sheets.swap_remove(i))
            })
            .collect::<Vec<_>>();
        Ok(Schemas { sheets, declared })
    }

    /// Every sheet of the version a workbook has: the roles it has, in their order, then the
    /// declared sheets.
    pub fn all(&self) -> impl Iterator<Item = &SheetSchema> {
        self.sheets
            .iter()
            .filter(|s| s.present)
            .chain(&self.declared)
    }

    /// The sheets this version declares without a role, in its order.
    pub fn declared(&self) -> &[SheetSchema] {
        &self.declared
    }

    /// Whether this version has a sheet with the role `kind`.
    pub fn has(&self, kind: SheetKind) -> bool {
        self.sheet(kind).present
    }

    /// No schema yet (a version of a registry before its schemas are compiled).
    pub(crate) fn none() -> Schemas {
        Schemas {
            sheets: Vec::new(),
            declared: Vec::new(),
        }
    }

    pub fn sheet(&self, kind: SheetKind) -> &SheetSchema {
        &self.sheets[kind as usize]
    }
}

/// Renames the properties of a sheet's schema (`old` → `new`, in place, order kept), in
/// `properties` and `required`.
fn rename_keys(json: &mut Value, renames: &[(String, String)]) {
    if renames.is_empty() {
        return;
    }
    let new_name = |key: &str| {
        renames
            .iter()
            .find(|(old, _)| old == key)
            .map_or_else(|| key.to_string(), |(_, new)| new.clone())
    };
    if let Some(props) = json.get_mut("properties").and_then(Value::as_object_mut) {
        let renamed: serde_json::Map<String, Value> = std::mem::take(props)
            .into_iter()
            .map(|(k, v)| (new_name(&k), v))
            .collect();
        *props = renamed;
    }
    if let Some(required) = json.get_mut("required").and_then(Value::as_array_mut) {
        for key in required.iter_mut() {
            if let Some(k) = key.as_str() {
                *key = Value::String(new_name(k));
            }
        }
    }
}

/// Builds the validator every schema is compiled with: draft 2020-12, formats checked, and the
/// two formats of our own (`siret`, `telephone-fr`).
fn compile(
    json: &Value,
) -> Result<jsonschema::Validator, Box<jsonschema::ValidationError<'static>>> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .with_format("siret", crate::siret::is_valid)
        .with_format("telephone-fr", is_french_phone)
        .build(json)
        .map_err(Box::new)
}

/// 10 digits starting with 0, or +33 then 9 digits (separators already removed).
pub fn is_french_phone(s: &str) -> bool {
    let digits_only = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    if let Some(rest) = s.strip_prefix("+33") {
        rest.len() == 9 && digits_only(rest)
    } else {
        s.len() == 10 && s.starts_with('0') && digits_only(s)
    }
}

/// One column from its property: label, kind, values, reading hints (`x-…`) and bounds.
fn column(key: &str, p: &Value, required: bool) -> Result<Column, Invalid> {
    let label = p["title"]
        .as_str()
        .ok_or_else(|| Invalid::NoTitle(key.to_string()))?
        .to_string();
    let ty = type_name(p);
    let format = p["format"].as_str().map(str::to_string);
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    // A `const` is a list of one value: read, canonicalised and offered like one.
    let choices = match (p.get("enum"), p.get("const")) {
        (Some(e), _) => e.clone(),
        (None, Some(c)) => Value::Array(vec![c.clone()]),
        (None, None) => Value::Null,
    };
    let (kind, values) = match ty {
        "integer" => (ColumnKind::Integer, vec![]),
        "number" => (ColumnKind::Number, vec![]),
        "boolean" => (ColumnKind::OuiNon, vec![]),
        "array" => (ColumnKind::List, strings(&p["items"]["enum"])),
        _ if format.as_deref() == Some("date") => (ColumnKind::Date, vec![]),
        _ if !choices.is_null() => (ColumnKind::Enum, strings(&choices)),
        _ => (ColumnKind::Text, vec![]),
    };
    // What a message lists: the values, whatever their type (an integer `enum` too).
    let shown: Vec<String> = if values.is_empty() {
        choices
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .collect()
    } else {
        values.clone()
    };
    Ok(Column {
        key: key.to_string(),
        label_norm: norm(&label),
        label,
        description: p["description"].as_str().unwrap_or_default().to_string(),
        kind,
        required,
        values_norm: values.iter().map(|v| norm(v)).collect(),
        values_listed: (
            shown
                .iter()
                .map(|v| format!("« {v} »"))
                .collect::<Vec<_>>()
                .join(", "),
            shown
                .iter()
                .map(|v| format!("“{v}”"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        values,
        separators: p["x-separateurs"].as_str().unwrap_or("").chars().collect(),
        digits: p["x-chiffres"].as_u64().map(|d| d as usize),
        ignored: p["x-ignorer"].as_str().unwrap_or("").chars().collect(),
        format,
        minimum: p["minimum"].as_f64(),
        maximum: p["maximum"].as_f64(),
    })
}

/// The column a property describes, as the reader will read it (the registry's checks).
pub fn column_of(key: &str, p: &Value) -> Result<Column, Invalid> {
    column(key, p, false)
}

/// A property's type: its `type`, or the one type besides `null` of a union (`["integer",
/// "null"]`: an empty cell is already « no value »); `string` when none is said.
pub fn type_name(p: &Value) -> &str {
    match &p["type"] {
        Value::String(t) => t,
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("string"),
        _ => "string",
    }
}

/// How the fast path checks each property of a schema whose keywords are all per property.
fn property_checks(
    json: &Value,
    props: &serde_json::Map<String, Value>,
) -> Result<Vec<PropertyCheck>, Invalid> {
    let mut out = Vec::new();
    for (key, p) in props {
        let keys_within = |allowed: &[&str]| {
            p.as_object().is_some_and(|o| {
                o.keys()
                    .all(|k| k.starts_with("x-") || allowed.contains(&k.as_str()))
            })
        };
        // The value reader only ever produces real dates and lists of strings, so
        // `format: date` and `items: {type: string}` hold by construction.
        let date = p["format"].as_str() == Some("date");
        let text_items = p["items"].as_object().is_some_and(|o| {
            o.len() == 1 && o.get("type").and_then(Value::as_str) == Some("string")
        });
        let mut base = vec!["title", "description", "type"];
        if date {
            base.push("format");
        }
        if text_items {
            base.push("items");
        }
        if keys_within(&base) {
            out.push(PropertyCheck::Type);
            continue;
        }
        if p["type"].as_str() == Some("string")
            && keys_within(&["title", "description", "type", "enum"])
        {
            out.push(PropertyCheck::Enum);
            continue;
        }
        let mut sub = p.clone();
        sub["$schema"] = json["$schema"].clone();
        let validator = compile(&sub).map_err(|source| Invalid::NotCompiled {
            property: Some(key.clone()),
            source,
        })?;
        out.push(PropertyCheck::Validator(validator));
    }
    Ok(out)
}

fn parse_sheet(kind: SheetKind, name: &str, json: &Value) -> Result<SheetSchema, SchemaError> {
    let invalid = |why: Invalid| SchemaError::Invalid {
        name: name.to_string(),
        why,
    };
    let validator = compile(json).map_err(|source| {
        invalid(Invalid::NotCompiled {
            property: None,
            source,
        })
    })?;
    let required: Vec<&str> = json["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let props = json["properties"]
        .as_object()
        .ok_or_else(|| invalid(Invalid::NoProperties))?;
    let columns = props
        .iter()
        .map(|(key, p)| column(key, p, required.contains(&key.as_str())).map_err(&invalid))
        .collect::<Result<Vec<Column>, SchemaError>>()?;
    let only_properties = json.as_object().is_some_and(|root| {
        root.keys().all(|k| {
            k.starts_with("x-")
                || [
                    "$schema",
                    "$id",
                    "title",
                    "description",
                    "type",
                    "properties",
                    "required",
                ]
                .contains(&k.as_str())
        })
    });
    let property_validators = if only_properties {
        Some(property_checks(json, props).map_err(invalid)?)
    } else {
        None
    };
    Ok(SheetSchema {
        kind,
        present: true,
        name: json["x-feuille"]
            .as_str()
            .unwrap_or(kind.name())
            .to_string(),
        former_names: json["x-anciens-noms"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        description: json["description"].as_str().unwrap_or_default().to_string(),
        columns,
        validator,
        property_validators,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_schemas_load_with_the_spec_headers() {
        let s = crate::registry::Registry::embedded().schemas();
        let actions = s.sheet(SheetKind::Actions);
        let labels: Vec<&str> = actions.columns.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Identifiant",
                "Intitulé",
                "Type d'action",
                "Axe",
                "Date de début",
                "Date de fin",
                "Modalité",
                "Structure porteuse",
                "Structures partenaires",
                "Publics visés",
                "Participants",
                "dont femmes",
                "dont hommes",
                "Outil ou support créé",
                "Logo Région",
                "Logo SPRO"
            ]
        );
        assert_eq!(s.sheet(SheetKind::Structures).columns.len(), 11);
        assert_eq!(s.sheet(SheetKind::Identification).columns.len(), 10);
        assert_eq!(s.sheet(SheetKind::Accueil).columns[1].values.len(), 8);
    }

    #[test]
    fn phones() {
        assert!(is_french_phone("0254609685"));
        assert!(is_french_phone("+33254609685"));
        assert!(!is_french_phone("254609685"));
        assert!(!is_french_phone("+3325460968"));
    }

    #[test]
    fn sheet_names_are_matched_leniently() {
        assert_eq!(
            SheetKind::from_name(" PROFESSIONNALISATION "),
            Some(SheetKind::Professionnalisation)
        );
        assert_eq!(
            SheetKind::from_name("identification"),
            Some(SheetKind::Identification)
        );
        assert_eq!(SheetKind::from_name("Brouillon"), None);
    }
}
