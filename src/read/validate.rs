//! Value rules (V001–V007): each data row goes through the value reader (V002, V005 for dates)
//! and then through its sheet's compiled JSON Schema, whose errors are mapped to V-codes by
//! the failing keyword, at the cell recovered from the instance path. Duplicates (V006) are
//! found across rows. Cells with a V-finding are marked invalid so that no later rule uses them.

use crate::rules::Code;
use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use jsonschema::error::ValidationErrorKind;
use serde_json::{Map, Value};

use crate::finding::Finding;
use crate::i18n::Msg;
use crate::norm::{french_number, norm, suggest};
use crate::read::sheet::{Row, Sheet};
use crate::read::values::{self, Typed};
use crate::read::CellValue;
use crate::schema::{Column, ColumnKind, PropertyCheck, SheetKind, SheetSchema};

/// The value rules of one sheet, run on each row as the sheet reader hands it over
/// ([`Values::check_row`]): the value reader and the schema, then the duplicates (V006)
/// against the keys of the rows before (the one thing kept of them).
pub(crate) struct Values<'s> {
    schema: &'s SheetSchema,
    is_1904: bool,
    memo: Memo,
    keys: Keys,
}

impl<'s> Values<'s> {
    pub(crate) fn new(schema: &'s SheetSchema, is_1904: bool) -> Values<'s> {
        Values {
            schema,
            is_1904,
            memo: Memo::default(),
            keys: Keys::default(),
        }
    }

    /// Reads and validates one data row of `sheet` (whose columns are known).
    pub(crate) fn check_row(&mut self, sheet: &Sheet, row: &mut Row, findings: &mut Vec<Finding>) {
        check_row(
            sheet,
            self.schema,
            row,
            self.is_1904,
            &mut self.memo,
            findings,
        );
        duplicate(&mut self.keys, self.schema, row, findings);
    }
}

/// What one cell gave: its reading, and whether the value read satisfies its own property.
type Reading = (Result<Option<Typed>, values::ReadProblem>, bool);

/// Readings of the texts of one sheet, by column and shared string. A workbook repeats the
/// same few texts (enum values, Oui/Non, lists of publics) in thousands of rows, and its reader
/// shares each distinct text (`Arc<str>`): each is read and validated once per column. The key
/// is the string's address, which stays unique while the memo holds the string (rows are
/// dropped as they are checked: a freed address could be given to another text). Bounded:
/// emptied when it holds [`MEMO_ENTRIES`] texts (a file whose every cell is another text).
#[derive(Default)]
struct Memo(FxHashMap<(usize, usize), (Arc<str>, Reading)>);

const MEMO_ENTRIES: usize = 16_384;

/// Whether the column's texts repeat enough to be remembered (free text such as a title or an
/// identifier is usually unique: it is read directly, without copy).
fn memoised(column: &Column, check: Option<&PropertyCheck>) -> bool {
    column.kind != ColumnKind::Text || matches!(check, Some(PropertyCheck::Validator(_)))
}

/// Reads `raw` for `column` and checks the value against its own property (`check`).
fn reading(
    column: &Column,
    check: Option<&PropertyCheck>,
    raw: &CellValue,
    is_1904: bool,
) -> Reading {
    let read = values::read(column, raw, is_1904);
    let holds = match (&read, check) {
        (Ok(Some(v)), Some(check)) => match check {
            PropertyCheck::Type => true,
            PropertyCheck::Enum => v
                .as_text()
                .is_some_and(|t| column.values.iter().any(|x| x == t)),
            PropertyCheck::Validator(val) => val.is_valid(&v.to_json()),
        },
        _ => false,
    };
    (read, holds)
}

fn check_row(
    sheet: &Sheet,
    schema: &SheetSchema,
    row: &mut Row,
    is_1904: bool,
    memo: &mut Memo,
    findings: &mut Vec<Finding>,
) {
    if read_row(sheet, schema, row, is_1904, memo, findings) {
        return;
    }
    schema_findings(sheet, schema, row, findings);
}

/// Reads every cell of `row` for its column (V002 where a value cannot be read) and, on the
/// fast path, checks each value against its own property and the required ones present.
/// Returns whether the row is valid that way; any other goes through the row schema.
fn read_row(
    sheet: &Sheet,
    schema: &SheetSchema,
    row: &mut Row,
    is_1904: bool,
    memo: &mut Memo,
    findings: &mut Vec<Finding>,
) -> bool {
    let checks = schema.property_validators.as_deref();
    let mut valid = checks.is_some();
    for (i, column) in schema.columns.iter().enumerate() {
        let check = checks.map(|c| &c[i]);
        let Some(cell) = row.cells[i].as_mut() else {
            valid &= !column.required || !sheet.has_column(i);
            continue;
        };
        let (read, holds) = match &cell.raw {
            CellValue::Text(t) if memoised(column, check) => {
                if memo.0.len() >= MEMO_ENTRIES {
                    memo.0.clear();
                }
                memo.0
                    .entry((i, t.as_ptr() as usize))
                    .or_insert_with(|| (t.clone(), reading(column, check, &cell.raw, is_1904)))
                    .1
                    .clone()
            }
            raw => reading(column, check, raw, is_1904),
        };
        match read {
            Ok(Some(v)) => {
                valid &= holds;
                cell.value = Some(v);
            }
            Ok(None) => valid &= !column.required,
            Err(problem) => {
                cell.valid = false;
                findings.push(
                    Finding::new(problem.code, problem.message)
                        .on(schema)
                        .at(cell.row, cell.col)
                        .value(cell.raw.display()),
                );
            }
        }
    }
    valid
}

/// The row's values through its sheet's JSON Schema: each error mapped to a V-code at the
/// cell its instance path names (cells whose reading already failed are left alone).
fn schema_findings(
    sheet: &Sheet,
    schema: &SheetSchema,
    row: &mut Row,
    findings: &mut Vec<Finding>,
) {
    let read_failed: Vec<bool> = row
        .cells
        .iter()
        .map(|c| c.as_ref().is_some_and(|c| !c.valid))
        .collect();
    let mut instance = Map::new();
    for (i, column) in schema.columns.iter().enumerate() {
        if let Some(v) = row.cells[i].as_ref().and_then(|c| c.value.as_ref()) {
            instance.insert(column.key.clone(), v.to_json());
        }
    }
    let instance = Value::Object(instance);
    if schema.validator.is_valid(&instance) {
        return;
    }
    for error in schema.validator.iter_errors(&instance) {
        let (key, item) = error_place(&error);
        let Some((i, column)) = schema.column(&key) else {
            continue;
        };
        if !sheet.has_column(i) || read_failed[i] {
            continue;
        }
        let Some((r, c)) = sheet.cell_position(row, i) else {
            continue;
        };
        let shown = row.cell(i).and_then(|cell| cell.raw.display());
        let item_value = item
            .and_then(|n| instance[&key].get(n))
            .and_then(Value::as_str);
        let Some((code, message)) = describe(error.kind(), column, &instance[&key], item_value)
        else {
            continue;
        };
        if let Some(cell) = row.cells[i].as_mut() {
            cell.valid = false;
        }
        findings.push(Finding::new(code, message).on(schema).at(r, c).value(shown));
    }
}

/// The column key and, in a list, the item an error is about.
fn error_place(error: &jsonschema::ValidationError<'_>) -> (String, Option<usize>) {
    if let ValidationErrorKind::Required { property } = error.kind() {
        return (property.as_str().unwrap_or_default().to_string(), None);
    }
    let mut segments = error.instance_path().iter();
    let key = segments
        .next()
        .map(|s| segment_text(&s))
        .unwrap_or_default();
    let item = segments
        .next()
        .and_then(|s| segment_text(&s).parse::<usize>().ok());
    (key, item)
}

fn segment_text(s: &jsonschema::paths::LocationSegment<'_>) -> String {
    match s {
        jsonschema::paths::LocationSegment::Property(p) => p.to_string(),
        jsonschema::paths::LocationSegment::Index(i) => i.to_string(),
    }
}

/// The V-code and the message for a schema error on `column`.
fn describe(
    kind: &ValidationErrorKind,
    column: &Column,
    value: &Value,
    item: Option<&str>,
) -> Option<(Code, Msg)> {
    let label = &column.label;
    let text = item
        .map(str::to_string)
        .or_else(|| value.as_str().map(str::to_string))
        .unwrap_or_else(|| number_shown(value));
    Some(match kind {
        ValidationErrorKind::Required { .. } => (
            Code::V001,
            msg!(
                "« {label} » est obligatoire et la cellule est vide : renseignez-la",
                "“{label}” is required and the cell is empty: fill it in"
            ),
        ),
        ValidationErrorKind::MinItems { limit: 1 }
        | ValidationErrorKind::MinLength { limit: 1 } => (
            Code::V001,
            msg!(
                "« {label} » est obligatoire : indiquez au moins une valeur",
                "“{label}” is required: give at least one value"
            ),
        ),
        ValidationErrorKind::Enum { .. } => (Code::V003, not_listed(column, &text)),
        ValidationErrorKind::Format { format } if format == "siret" => {
            (Code::V007, not_siret(&text))
        }
        ValidationErrorKind::Format { .. } | ValidationErrorKind::Pattern { .. } => {
            (Code::V004, format_message(column, &text))
        }
        ValidationErrorKind::Minimum { limit }
        | ValidationErrorKind::ExclusiveMinimum { limit } => {
            let (value, limit) = (number_shown(value), number_shown(limit));
            (
                Code::V005,
                msg!(
                    "{value} est inférieur au minimum permis ({limit}) pour « {label} » : corrigez la valeur",
                    "{value} is below the allowed minimum ({limit}) for “{label}”: correct the value"
                ),
            )
        }
        ValidationErrorKind::Maximum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => {
            let (value, limit) = (number_shown(value), number_shown(limit));
            (
                Code::V005,
                msg!(
                    "{value} est supérieur au maximum permis ({limit}) pour « {label} » : corrigez la valeur",
                    "{value} is above the allowed maximum ({limit}) for “{label}”: correct the value"
                ),
            )
        }
        ValidationErrorKind::Type { .. } => {
            let (what, what_en) = column.kind.described();
            (
                Code::V002,
                msg!(
                    "« {label} » attend {what} : saisissez-le dans la cellule",
                    "“{label}” expects {what_en}: type it in the cell"
                ),
            )
        }
        other => return limits(other, column, value, &text),
    })
}

/// The V-code and message of a length, count, step or constant a value misses (the keywords
/// a revision of the template may add: `minLength`, `maxLength`, `minItems`, `maxItems`,
/// `multipleOf`, `const`); `None` for a keyword the meta-schema does not let in.
fn limits(
    kind: &ValidationErrorKind,
    column: &Column,
    value: &Value,
    text: &str,
) -> Option<(Code, Msg)> {
    let label = &column.label;
    Some(match kind {
        ValidationErrorKind::MinLength { limit } => {
            let n = text.chars().count();
            let s = plural(n);
            (
                Code::V005,
                msg!(
                    "« {text} » compte {n} caractère{s} : « {label} » en demande au moins {limit} ; complétez la valeur",
                    "“{text}” has {n} character{s}: “{label}” needs at least {limit}; complete the value"
                ),
            )
        }
        ValidationErrorKind::MaxLength { limit } => {
            let n = text.chars().count();
            (
                Code::V005,
                msg!(
                    "« {text} » compte {n} caractères : « {label} » en permet au plus {limit} ; raccourcissez la valeur",
                    "“{text}” has {n} characters: “{label}” allows at most {limit}; shorten the value"
                ),
            )
        }
        ValidationErrorKind::MinItems { limit } => (
            Code::V005,
            msg!(
                "« {label} » demande au moins {limit} valeurs : ajoutez-en, séparées par « ; »",
                "“{label}” needs at least {limit} values: add some, separated by “;”"
            ),
        ),
        ValidationErrorKind::MaxItems { limit } => {
            let s = plural(*limit as usize);
            (
                Code::V005,
                msg!(
                    "« {label} » permet au plus {limit} valeur{s} : retirez-en",
                    "“{label}” allows at most {limit} value{s}: remove some"
                ),
            )
        }
        ValidationErrorKind::MultipleOf { multiple_of } => {
            let (shown, step) = (number_shown(value), french_number(*multiple_of));
            (
                Code::V005,
                msg!(
                    "{shown} n'est pas un multiple de {step} : « {label} » se compte par {step} ; corrigez la valeur",
                    "{shown} is not a multiple of {step}: “{label}” counts in steps of {step}; correct the value"
                ),
            )
        }
        ValidationErrorKind::Constant { expected_value } => {
            let expected = expected_value
                .as_str()
                .map_or_else(|| expected_value.to_string(), str::to_string);
            let shown = value
                .as_str()
                .map_or_else(|| number_shown(value), str::to_string);
            (
                Code::V003,
                msg!(
                    "« {shown} » n'est pas la valeur attendue : « {label} » vaut toujours « {expected} » ; saisissez-la",
                    "“{shown}” is not the expected value: “{label}” is always “{expected}”; type it"
                ),
            )
        }
        _ => return None,
    })
}

/// V003: a value not in its column's list, the closest suggested.
fn not_listed(column: &Column, text: &str) -> Msg {
    let (what, what_en) = enum_what(column);
    let (allowed, allowed_en) = &column.values_listed;
    match suggest(text, column.values.iter().map(String::as_str)) {
        Some(s) => msg!(
            "« {text} » n'est pas {what} ; vouliez-vous dire « {s} » ? Valeurs permises : {allowed}.",
            "“{text}” is not {what_en}; did you mean “{s}”? Allowed values: {allowed_en}."
        ),
        None => msg!(
            "« {text} » n'est pas {what}. Choisissez l'une des valeurs permises : {allowed}.",
            "“{text}” is not {what_en}. Choose one of the allowed values: {allowed_en}."
        ),
    }
}

/// V007: a SIRET of the wrong length or check digits.
fn not_siret(text: &str) -> Msg {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let (why, why_en) = if digits != 14 || text.len() != 14 {
        (
            format!("il doit compter 14 chiffres, il en a {digits}"),
            format!("it must have 14 digits, it has {digits}"),
        )
    } else {
        (
            "sa clé de contrôle est fausse".to_string(),
            "its check digits are wrong".to_string(),
        )
    };
    msg!(
        "« {text} » n'est pas un SIRET valide ({why}) : recopiez-le depuis l'annuaire des entreprises",
        "“{text}” is not a valid SIRET ({why_en}): copy it again from the French business directory (annuaire des entreprises)"
    )
}

/// A number of a message, the French way (`1 200,5`); anything else as JSON writes it.
fn number_shown(value: &Value) -> String {
    value
        .as_f64()
        .map_or_else(|| value.to_string(), french_number)
}

fn plural(n: usize) -> &'static str {
    if n > 1 {
        "s"
    } else {
        ""
    }
}

/// What the values of an enum column are, in French and in English.
fn enum_what(column: &Column) -> (String, String) {
    let (fr, en) = match column.key.as_str() {
        "type" if column.values.iter().any(|v| v == "CIO") => {
            ("un type de structure connu", "a known type of structure")
        }
        "type" => ("un type d'action connu", "a known type of action"),
        "axe" => ("un axe connu", "a known axis"),
        "publics" | "public" => ("un public connu", "a known public"),
        "modalite" => ("une modalité connue", "a known format"),
        "organisateur" => ("un organisateur connu", "a known organiser"),
        "departement" => (
            "un département de la région Centre-Val de Loire",
            "a département of the Centre-Val de Loire region",
        ),
        _ => {
            let label = &column.label;
            return (
                format!("une valeur permise pour « {label} »"),
                format!("an allowed value for “{label}”"),
            );
        }
    };
    (fr.to_string(), en.to_string())
}

fn format_message(column: &Column, text: &str) -> Msg {
    let label = &column.label;
    match column.key.as_str() {
        "code_reseau" => msg!(
            "« {text} » n'est pas un code réseau valide : il s'écrit avec le département, un tiret et 2 à 6 majuscules, par exemple 36-CHX",
            "“{text}” is not a valid network code: it is the département, a dash and 2 to 6 capital letters, for example 36-CHX"
        ),
        "code_postal" => msg!(
            "« {text} » n'est pas un code postal : saisissez ses 5 chiffres, par exemple 36000",
            "“{text}” is not a postcode: type its 5 digits, for example 36000"
        ),
        "courriel" => msg!(
            "« {text} » n'est pas une adresse électronique valide : vérifiez-la (par exemple prenom.nom@structure.fr)",
            "“{text}” is not a valid e-mail address: check it (for example firstname.lastname@organisation.fr)"
        ),
        "telephone" => msg!(
            "« {text} » n'est pas un numéro de téléphone français : saisissez 10 chiffres commençant par 0 (02 54 00 00 00) ou +33 suivi de 9 chiffres",
            "“{text}” is not a French phone number: type 10 digits starting with 0 (02 54 00 00 00) or +33 followed by 9 digits"
        ),
        _ => msg!(
            "« {text} » n'a pas le format attendu pour « {label} »",
            "“{text}” does not have the format expected for “{label}”"
        ),
    }
}

/// The keys of the rows seen so far (V006): normalised key → first row (0-based).
type Keys = HashMap<String, u32>;

/// V006: a row whose key a row before already had, at its key cell, citing the first row.
fn duplicate(
    first_seen: &mut Keys,
    schema: &SheetSchema,
    row: &mut Row,
    findings: &mut Vec<Finding>,
) {
    let (keys, at, what, what_en): (&[&str], &str, &str, &str) = match schema.kind {
        SheetKind::Structures => (&["nom"], "nom", "la structure", "the structure"),
        SheetKind::Actions => (&["id"], "id", "l'identifiant", "the identifier"),
        SheetKind::Accueil => (
            &["structure", "public"],
            "public",
            "le couple (Structure, Public)",
            "the pair (Structure, Public)",
        ),
        _ => return,
    };
    let indices = keys.iter().map(|k| schema.index(k));
    let at_index = schema.index(at);
    // Key: the normalised value; for a pair, each part prefixed with its length, so that no
    // two pairs give the same key.
    let mut parts = String::new();
    for i in indices.clone() {
        let Some(v) = row.get(i) else {
            return;
        };
        let part = match v {
            values::Typed::Text(s) => norm(s),
            other => norm(&text_of(other)),
        };
        if keys.len() == 1 {
            parts = part;
        } else {
            parts.push_str(&format!("{}:{part}", part.len()));
        }
    }
    let Some(&first) = first_seen.get(&parts) else {
        first_seen.insert(parts, row.row);
        return;
    };
    let shown: Vec<String> = indices.filter_map(|i| row.get(i).map(text_of)).collect();
    if let Some(cell) = row.cells[at_index].as_mut() {
        cell.valid = false;
        findings.push(
            Finding::new(
                Code::V006,
                {
                    let (shown, row) = (shown.join(" / "), first + 1);
                    msg!(
                        "{what} « {shown} » figure déjà ligne {row} : supprimez ce doublon ou fusionnez les deux lignes",
                        "{what_en} “{shown}” is already on row {row}: delete this duplicate or merge the two rows"
                    )
                },
            )
            .on(schema)
            .at(cell.row, cell.col)
            .value(cell.raw.display()),
        );
    }
}

fn text_of(v: &values::Typed) -> String {
    match v {
        values::Typed::Text(s) => s.to_string(),
        other => other.to_json().to_string(),
    }
}
