//! Reading a registry and everything that can be wrong with it (`spro modeles verifier`):
//! `modeles.json` and every sheet schema valid (JSON, JSON Schema 2020-12, and our `x-` keys
//! against the meta-schemas shipped with spro), exactly one current version, every folder and
//! file present, no year served twice, roles not repeated in a version, titles unique in a
//! sheet, every `x-anciennement` naming a key of the version before. All problems come back
//! together, each at its file, JSON pointer and line:column ([`Problems`], drawn by miette).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource, SourceSpan};
use serde_json::Value;

use super::{locate, version_key, Registry, SheetFile, Source, Version, VersionStatus, INDEX};
use crate::i18n::{Lang, Msg};
use crate::schema::{Schemas, SheetKind};

/// One problem of a registry: where (file, JSON pointer) and what, in both languages.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The file, relative to the registry's folder.
    pub file: String,
    /// The place in it (RFC 6901), `""` for the whole file.
    pub pointer: String,
    pub message: Msg,
    /// The file's text, to draw the place (absent when the file could not be read).
    text: Option<Arc<str>>,
    /// A byte offset that says the place better than the pointer (where JSON stopped parsing).
    at: Option<usize>,
}

impl Problem {
    /// Line and column of the place, when the file could be read.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let text = self.text.as_deref()?;
        let (start, _) = self.span(text);
        Some(super::line_col(text, start))
    }

    fn span(&self, text: &str) -> (usize, usize) {
        match self.at {
            Some(at) => (at.min(text.len()), 1),
            None => locate(text, &self.pointer),
        }
    }
}

/// Every problem of a registry.
#[derive(Debug, Clone, Default)]
pub struct Problems {
    pub dir: Option<PathBuf>,
    pub list: Vec<Problem>,
}

/// A problem as miette draws it: the file's line, the place underlined, the message.
#[derive(Debug)]
struct Drawn {
    message: String,
    source: Option<NamedSource<Arc<str>>>,
    span: Option<SourceSpan>,
}

impl std::fmt::Display for Drawn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Drawn {}

impl Diagnostic for Drawn {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(None, span),
        )))
    }
}

impl Problems {
    /// The report: a title, then each problem with its file, pointer, line:column and source
    /// line drawn.
    pub fn report(&self, lang: Lang) -> String {
        let folder = self.dir.as_ref().map_or_else(
            || "schemas/ (intégré)".to_string(),
            |d| d.display().to_string(),
        );
        let n = self.list.len();
        let mut out = match lang {
            Lang::Fr => format!(
                "le registre des modèles « {folder} » n'est pas valide ({n} problème{}) :\n",
                if n > 1 { "s" } else { "" }
            ),
            Lang::En => format!(
                "the template registry “{folder}” is not valid ({n} problem{}):\n",
                if n > 1 { "s" } else { "" }
            ),
        };
        let handler =
            GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(100);
        for p in &self.list {
            let place = match (p.pointer.is_empty(), p.line_col()) {
                (false, Some((l, c))) => format!("{}#{} ({l}:{c})", p.file, p.pointer),
                (true, Some((l, c))) => format!("{} ({l}:{c})", p.file),
                (_, None) => p.file.clone(),
            };
            let drawn = Drawn {
                message: format!("{place} : {}", p.message.get(lang)),
                span: p.text.as_deref().map(|t| {
                    let (start, len) = p.span(t);
                    SourceSpan::new(start.into(), len.min(200))
                }),
                source: p.text.clone().map(|t| NamedSource::new(p.file.clone(), t)),
            };
            let mut text = String::new();
            if handler.render_report(&mut text, &drawn).is_err() {
                text = drawn.message.clone();
            }
            out.push_str(&text);
        }
        out
    }
}

impl std::fmt::Display for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.report(Lang::Fr))
    }
}

/// Collects problems as a registry is read.
#[derive(Default)]
struct Found(Vec<Problem>);

impl Found {
    fn add(&mut self, source: Option<&Source>, file: &str, pointer: &str, message: Msg) {
        self.0.push(Problem {
            file: file.to_string(),
            pointer: pointer.to_string(),
            message,
            text: source.map(|s| Arc::from(s.text.as_str())),
            at: None,
        });
    }
}

/// Reads a registry through `read` (a path relative to its folder → the file's text) and checks
/// it: the registry, or every problem found.
pub(super) fn load(read: &dyn Fn(&str) -> std::io::Result<String>) -> Result<Registry, Problems> {
    let mut found = Found::default();
    let Some(index) = parse(read, INDEX, &mut found) else {
        return Err(Problems {
            dir: None,
            list: found.0,
        });
    };
    against(&META_INDEX, &index, &mut found);
    let entries = index.1["versions"].as_array().cloned().unwrap_or_default();
    // The checker reads with the current version: the one, when there is exactly one.
    let single_current = entries.iter().filter(|e| e["statut"] == "courante").count() == 1;
    let mut versions = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        if let Some(v) = version(read, &index.0, i, entry, &mut found) {
            versions.push(v);
        }
    }
    versions.sort_by_key(|v| std::cmp::Reverse(version_key(&v.version)));
    across_versions(&index.0, &entries, &versions, &mut found);
    let current = versions
        .iter()
        .position(|v| v.status == VersionStatus::Current);
    if let (true, Some(current)) = (single_current, current) {
        compile_all(&mut versions, current, &mut found);
    }
    match (found.0.is_empty(), current) {
        (true, Some(current)) => Ok(Registry {
            dir: None,
            versions,
            current,
        }),
        _ => Err(Problems {
            dir: None,
            list: found.0,
        }),
    }
}

/// The text of `path` parsed, or its problem.
fn parse(
    read: &dyn Fn(&str) -> std::io::Result<String>,
    path: &str,
    found: &mut Found,
) -> Option<(Source, Value)> {
    let text = match read(path) {
        Ok(text) => text,
        Err(e) => {
            let (fr, en) = if path == INDEX {
                (
                    format!("le fichier manque ou ne peut pas être lu ({e}) : un registre de modèles a un « {INDEX} » à sa racine, qui liste les versions (voir schemas/{INDEX} fourni avec spro)"),
                    format!("the file is missing or cannot be read ({e}): a template registry has a “{INDEX}” at its root, listing the versions (see schemas/{INDEX} shipped with spro)"),
                )
            } else {
                (
                    format!("le fichier manque ou ne peut pas être lu ({e}) : {INDEX} le cite"),
                    format!("the file is missing or cannot be read ({e}): {INDEX} names it"),
                )
            };
            found.add(None, path, "", Msg::new(fr, en));
            return None;
        }
    };
    let source = Source {
        path: path.to_string(),
        text,
    };
    match serde_json::from_str::<Value>(&source.text) {
        Ok(json) => Some((source, json)),
        Err(e) => {
            let message = Msg::new(
                format!(
                    "ce n'est pas un JSON valide (ligne {}, colonne {}) : {e}",
                    e.line(),
                    e.column()
                ),
                format!(
                    "this is not valid JSON (line {}, column {}): {e}",
                    e.line(),
                    e.column()
                ),
            );
            // Where parsing stopped: its line and column as a byte offset.
            let at = source
                .text
                .split_inclusive('\n')
                .take(e.line().saturating_sub(1))
                .map(str::len)
                .sum::<usize>()
                + e.column().saturating_sub(1);
            found.0.push(Problem {
                file: path.to_string(),
                pointer: String::new(),
                message,
                text: Some(Arc::from(source.text.as_str())),
                at: Some(at),
            });
            None
        }
    }
}

static META_INDEX: std::sync::LazyLock<jsonschema::Validator> =
    std::sync::LazyLock::new(|| meta(include_str!("modeles.schema.json")));
static META_SHEET: std::sync::LazyLock<jsonschema::Validator> =
    std::sync::LazyLock::new(|| meta(include_str!("feuille.schema.json")));

fn meta(text: &str) -> jsonschema::Validator {
    let json: Value = serde_json::from_str(text).expect("a meta-schema shipped with spro");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&json)
        .expect("a meta-schema shipped with spro")
}

/// Every error of `json` against a meta-schema, at its place.
fn against(meta: &jsonschema::Validator, (source, json): &(Source, Value), found: &mut Found) {
    use jsonschema::error::ValidationErrorKind as Kind;
    for error in meta.iter_errors(json) {
        let pointer = error.instance_path().to_string();
        let message = match error.kind() {
            Kind::Required { property } => {
                let key = property.as_str().unwrap_or_default();
                Msg::new(
                    format!("la clé « {key} » manque"),
                    format!("the key “{key}” is missing"),
                )
            }
            Kind::AdditionalProperties { unexpected } if is_column(&pointer) => {
                let keys = unexpected.join(", ");
                Msg::new(
                    format!("spro ne lit pas le mot-clé {keys} : il serait accepté puis ignoré, il est donc refusé. Une colonne peut dire : {COLUMN_KEYWORDS}"),
                    format!("spro does not read the keyword {keys}: it would be accepted then ignored, so it is refused. A column may say: {COLUMN_KEYWORDS}"),
                )
            }
            Kind::AdditionalProperties { unexpected } => {
                let keys = unexpected.join(", ");
                Msg::new(
                    format!("clé inconnue : {keys} (spro ne la lit pas)"),
                    format!("unknown key: {keys} (spro does not read it)"),
                )
            }
            Kind::AnyOf { .. } if pointer.ends_with("/type") => Msg::new(
                "le type d'une colonne est « string », « integer », « number », « boolean » ou « array », ou l'un d'eux avec « null » (par exemple [\"integer\", \"null\"])".to_string(),
                "a column's type is “string”, “integer”, “number”, “boolean” or “array”, or one of them with “null” (for example [\"integer\", \"null\"])".to_string(),
            ),
            Kind::Enum { options } => {
                let list = |open: &str, close: &str| {
                    options
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|o| format!("{open}{}{close}", o.as_str().unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                Msg::new(
                    format!("la valeur doit être l'une de : {}", list("« ", " »")),
                    format!("the value must be one of: {}", list("“", "”")),
                )
            }
            _ => Msg::new(
                format!("valeur refusée : {error}"),
                format!("value refused: {error}"),
            ),
        };
        found.add(Some(source), &source.path, &pointer, message);
    }
}

/// The keywords a column may hold (the meta-schema `feuille.schema.json` lists the same).
const COLUMN_KEYWORDS: &str = "title, description, type, enum, const, format (date, email, siret, telephone-fr, uri), pattern, minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, minLength, maxLength, items, minItems, maxItems, uniqueItems, x-anciennement, x-separateurs, x-chiffres, x-ignorer";

/// Whether a JSON pointer names a column of a sheet's schema (`/properties/<key>`).
fn is_column(pointer: &str) -> bool {
    pointer
        .strip_prefix("/properties/")
        .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
}

/// Version `i` of `modeles.json`: its sheets read, parsed and checked, its schemas compiled.
fn version(
    read: &dyn Fn(&str) -> std::io::Result<String>,
    index: &Source,
    i: usize,
    entry: &Value,
    found: &mut Found,
) -> Option<Version> {
    let name = entry["version"].as_str()?.to_string();
    let status = VersionStatus::from_key(entry["statut"].as_str()?)?;
    let folder = entry["dossier"].as_str()?.to_string();
    let mut sheets = Vec::new();
    let before = found.0.len();
    for (j, file) in entry["feuilles"].as_array()?.iter().enumerate() {
        let Some(file) = file.as_str() else { continue };
        let path = format!("{folder}/{file}");
        let Some(parsed) = parse(read, &path, found) else {
            let last = found.0.last_mut().expect("the problem just found");
            if last.text.is_none() {
                // A file that is not there is said at the line of the registry that names it.
                last.file = INDEX.to_string();
                last.pointer = format!("/versions/{i}/feuilles/{j}");
                last.text = Some(Arc::from(index.text.as_str()));
                last.message = Msg::new(
                    format!("« {path} » est introuvable : ajoutez le fichier au dossier « {folder} » ou retirez-le de la liste"),
                    format!("“{path}” cannot be found: add the file to the folder “{folder}” or take it off the list"),
                );
            }
            continue;
        };
        against(&META_SHEET, &parsed, found);
        within_sheet(&parsed, found);
        sheets.push(SheetFile {
            file: file.to_string(),
            source: parsed.0,
            json: parsed.1,
        });
    }
    roles_once(&name, &sheets, found);
    if found.0.len() > before {
        return None;
    }
    Some(Version {
        version: name,
        status,
        years: entry["annees"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|y| y.as_i64())
                    .map(|y| y as i32)
                    .collect()
            })
            .unwrap_or_default(),
        published: entry["publiee_le"].as_str().unwrap_or_default().to_string(),
        folder,
        notes: entry["notes"].as_str().map(str::to_string),
        sheets,
        schemas: Arc::new(Schemas::none()),
    })
}

/// Titles unique within a sheet; every `required` key a column; each column's keywords fit
/// its type.
fn within_sheet(parsed: &(Source, Value), found: &mut Found) {
    titles_once(parsed, found);
    required_keys(parsed, found);
    let (source, json) = parsed;
    for (key, p) in json["properties"].as_object().into_iter().flatten() {
        if let Some((pointer, message)) = keywords_fit(p) {
            let at = format!("/properties/{}{pointer}", pointer_token(key));
            found.add(Some(source), &source.path, &at, message);
        }
    }
}

/// Every key `required` names is a column of the sheet (a typo would enforce nothing).
fn required_keys((source, json): &(Source, Value), found: &mut Found) {
    let keys: Vec<&str> = json["properties"]
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    for (i, key) in json["required"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(key) = key.as_str() else { continue };
        if keys.contains(&key) {
            continue;
        }
        let (hint, hint_en) = match crate::norm::suggest(key, keys.iter().copied()) {
            Some(k) => (
                format!(" ; vouliez-vous dire « {k} » ?"),
                format!("; did you mean “{k}”?"),
            ),
            None => (String::new(), String::new()),
        };
        found.add(
            Some(source),
            &source.path,
            &format!("/required/{i}"),
            Msg::new(
                format!("« {key} » n'est pas une clé de cette feuille : « required » nomme des clés de « properties »{hint}"),
                format!("“{key}” is not a key of this sheet: “required” names keys of “properties”{hint_en}"),
            ),
        );
    }
}

/// The keywords of one type: JSON Schema ignores a keyword of another type (a `maxLength` on
/// a number), so such a keyword is refused rather than accepted and ignored.
const KEYWORDS_OF: [(&str, &[&str]); 4] = [
    (
        "string",
        &[
            "minLength",
            "maxLength",
            "pattern",
            "format",
            "x-chiffres",
            "x-ignorer",
        ],
    ),
    (
        "integer",
        &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ],
    ),
    (
        "number",
        &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ],
    ),
    (
        "array",
        &[
            "items",
            "minItems",
            "maxItems",
            "uniqueItems",
            "x-separateurs",
        ],
    ),
];

/// Whether a column's keywords fit its type: one type (besides `null`), keywords of that type,
/// list values of that type. The first problem: (pointer within the column, message).
fn keywords_fit(p: &Value) -> Option<(String, Msg)> {
    let types: Vec<&str> = match &p["type"] {
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => vec![crate::schema::type_name(p)],
    };
    if types.len() != 1 {
        return Some((
            "/type".into(),
            Msg::new(
                "une colonne a un seul type (et « null » au plus à côté) : une cellule ne peut pas être lue de deux façons".to_string(),
                "a column has one type (and “null” at most beside it): a cell cannot be read two ways".to_string(),
            ),
        ));
    }
    let ty = types[0];
    for (owner, keywords) in KEYWORDS_OF {
        let Some(keyword) = keywords.iter().find(|k| p.get(**k).is_some()) else {
            continue;
        };
        if owner == ty
            || KEYWORDS_OF
                .iter()
                .any(|(o, k)| *o == ty && k.contains(keyword))
        {
            continue;
        }
        return Some((
            format!("/{keyword}"),
            Msg::new(
                format!("« {keyword} » ne s'applique qu'à une colonne de type « {owner} » ; celle-ci est de type « {ty} » : JSON Schema l'ignorerait, retirez-le ou changez le type"),
                format!("“{keyword}” applies only to a column of type “{owner}”; this one is of type “{ty}”: JSON Schema would ignore it, remove it or change the type"),
            ),
        ));
    }
    let fits = |v: &Value| match ty {
        "string" => v.is_string(),
        "integer" => v.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        _ => false,
    };
    let listed = p["enum"].as_array().into_iter().flatten().enumerate();
    let odd = listed
        .map(|(i, v)| (format!("/enum/{i}"), v))
        .chain(p.get("const").map(|v| ("/const".to_string(), v)))
        .find(|(_, v)| ty != "array" && !fits(v));
    if let Some((pointer, v)) = odd {
        return Some((
            pointer,
            Msg::new(
                format!("la valeur {v} n'est pas du type de la colonne (« {ty} ») : aucune cellule ne pourrait la donner"),
                format!("the value {v} is not of the column's type (“{ty}”): no cell could give it"),
            ),
        ));
    }
    None
}

/// Titles unique within a sheet.
fn titles_once((source, json): &(Source, Value), found: &mut Found) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (key, p) in json["properties"].as_object().into_iter().flatten() {
        let Some(title) = p["title"].as_str() else {
            continue;
        };
        if let Some(first) = seen.insert(crate::norm::norm(title), key) {
            found.add(
                Some(source),
                &source.path,
                &format!("/properties/{}/title", pointer_token(key)),
                Msg::new(
                    format!("l'en-tête « {title} » est aussi celui de la colonne « {first} » : deux colonnes d'une même feuille doivent avoir des en-têtes différents"),
                    format!("the header “{title}” is also that of the column “{first}”: two columns of one sheet must have different headers"),
                ),
            );
        }
    }
}

/// Each role at most once in a version (a role may be missing: the rules that read it do not
/// run for the version's files, see [`crate::rules::rules_by_role`]).
fn roles_once(version: &str, sheets: &[SheetFile], found: &mut Found) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for s in sheets {
        let Some(role) = s.role() else { continue };
        if let Some(first) = seen.insert(role, &s.source.path) {
            found.add(
                Some(&s.source),
                &s.source.path,
                "/x-role",
                Msg::new(
                    format!("le rôle « {role} » est déjà celui de {first} dans le modèle {version} : un rôle ne sert qu'une feuille"),
                    format!("the role “{role}” is already that of {first} in template {version}: a role serves one sheet"),
                ),
            );
        }
    }
    sheet_names(version, sheets, found);
}

/// The names the consolidated workbook and the template give their own sheets: no sheet of a
/// version may take one.
const RESERVED: [&str; 8] = [
    "Instructions",
    "Listes",
    "Synthèse",
    "Anomalies",
    "Indicateurs",
    "Évolution",
    "Règles",
    "À propos",
];

/// Sheet names once per version, none of [`RESERVED`]; a declared sheet is a table (the
/// form is Identification's alone).
fn sheet_names(version: &str, sheets: &[SheetFile], found: &mut Found) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for s in sheets {
        let name = s.name();
        let say = |fr: String, en: String| (Msg::new(fr, en), "/x-feuille");
        let problem = if let Some(first) = seen.insert(crate::norm::norm(name), &s.source.path) {
            Some(say(
                format!("la feuille « {name} » est déjà celle de {first} dans le modèle {version} : deux feuilles d'un classeur ont des noms différents"),
                format!("the sheet “{name}” is already that of {first} in template {version}: two sheets of a workbook have different names"),
            ))
        } else if RESERVED
            .iter()
            .any(|r| crate::norm::norm(r) == crate::norm::norm(name))
        {
            Some(say(
                format!("« {name} » est le nom d'une feuille que spro écrit lui-même (modèle ou classeur régional) : choisissez un autre nom"),
                format!("“{name}” is the name of a sheet spro writes itself (template or regional workbook): choose another name"),
            ))
        } else if s.role().is_none() && s.json["x-forme"] != "tableau" {
            Some((
                Msg::new(
                    format!("la feuille déclarée « {name} » (sans « x-role ») doit être un tableau : « x-forme » vaut « tableau »"),
                    format!("the declared sheet “{name}” (without “x-role”) must be a table: “x-forme” is “tableau”"),
                ),
                "/x-forme",
            ))
        } else {
            None
        };
        if let Some((message, pointer)) = problem {
            found.add(Some(&s.source), &s.source.path, pointer, message);
        }
    }
}

/// Every version's schemas compiled under the keys the code reads (`current`: its index): a
/// column is known by its key in the current version, followed through `x-anciennement` from
/// older ones; and when the current version renamed a key the code reads (`participants` →
/// `nb_participants`), by the code's key, found back along the renames. Each column the code
/// reads must give what the code needs of it, and each list value a rule names must be there.
fn compile_all(versions: &mut [Version], current: usize, found: &mut Found) {
    let aliases: Vec<(SheetKind, Vec<(String, String)>)> = SheetKind::ALL
        .iter()
        .map(|&kind| (kind, code_keys(versions, current, kind)))
        .collect();
    for i in 0..versions.len() {
        // Per sheet file of version `i`: (its own key, the key the code reads it by).
        let keys_of = |sheet: &SheetFile| -> Vec<(String, String)> {
            let to_current = renames(versions, i, current, sheet);
            let alias: &[(String, String)] = match SheetKind::of_role(sheet.role()) {
                Some(kind) => &aliases[kind as usize].1,
                None => &[],
            };
            sheet
                .columns()
                .iter()
                .filter_map(|(own, _)| {
                    let now = to_current
                        .iter()
                        .find(|(o, _)| o == own)
                        .map_or(*own, |(_, n)| n.as_str());
                    let code = alias
                        .iter()
                        .find(|(c, _)| c == now)
                        .map_or(now, |(_, k)| k.as_str());
                    (code != *own).then(|| (own.to_string(), code.to_string()))
                })
                .collect()
        };
        let renamed: Vec<(String, Vec<(String, String)>)> = versions[i]
            .sheets
            .iter()
            .map(|s| (s.source.path.clone(), keys_of(s)))
            .collect();
        for sheet in &versions[i].sheets {
            let keys = &renamed
                .iter()
                .find(|(p, _)| *p == sheet.source.path)
                .expect("each sheet")
                .1;
            needs(sheet, keys, found);
            named_values(&versions[i].version, sheet, keys, found);
        }
        let lookup = |_: SheetKind, path: &str| {
            renamed
                .iter()
                .find(|(p, _)| p == path)
                .map(|(_, r)| r.clone())
                .unwrap_or_default()
        };
        let compiled = compile(&versions[i].sheets, i == current, &lookup);
        match compiled {
            Ok(schemas) => versions[i].schemas = schemas,
            Err((file, message)) => {
                let source = versions[i]
                    .sheets
                    .iter()
                    .find(|s| s.source.path == file)
                    .map(|s| &s.source);
                found.add(source, &file, "", message);
            }
        }
    }
}

/// The key the code reads column `own` of a sheet by (`keys`: the sheet's renamed ones).
fn code_key<'a>(own: &'a str, keys: &'a [(String, String)]) -> &'a str {
    keys.iter()
        .find(|(o, _)| o == own)
        .map_or(own, |(_, code)| code.as_str())
}

/// Each column the code reads gives what the code needs of it: a count stays a whole number,
/// a date a date… (a `femmes` re-typed as text would count 0 in silence).
fn needs(sheet: &SheetFile, keys: &[(String, String)], found: &mut Found) {
    let Some(kind) = SheetKind::of_role(sheet.role()) else {
        return;
    };
    for (own, p) in sheet.columns() {
        let code = code_key(own, keys);
        let Some(need) = crate::schema::need(kind, code) else {
            continue;
        };
        let Ok(column) = crate::schema::column_of(own, p) else {
            continue;
        };
        if need.met_by(&column.kind) {
            continue;
        }
        let (is, is_en) = column.kind.described();
        let (title, wanted) = (&column.label, need.wanted());
        found.add(
            Some(&sheet.source),
            &sheet.source.path,
            &format!("/properties/{}/type", pointer_token(own)),
            Msg::new(
                format!("la colonne « {title} » (clé « {code} ») est lue par les règles et les indicateurs de spro, qui ont besoin de {wanted} ; elle contient ici {is} : rétablissez son type"),
                format!("the column “{title}” (key “{code}”) is read by spro's rules and indicators, which need {wanted}; here it holds {is_en}: put its type back"),
            ),
        );
    }
}

/// Each list value a charter rule looks for by its text is in the column's list: a value
/// reworded or removed would make the rule fire on every file, which no file could fix.
fn named_values(version: &str, sheet: &SheetFile, keys: &[(String, String)], found: &mut Found) {
    let Some(kind) = SheetKind::of_role(sheet.role()) else {
        return;
    };
    for (own, p) in sheet.columns() {
        let code = code_key(own, keys);
        let list: Vec<&str> = p["enum"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (k, key, value, codes) in crate::rules::named_values() {
            if k != kind || key != code || list.is_empty() || list.contains(&value) {
                continue;
            }
            let codes: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
            let codes = codes.join(", ");
            found.add(
                Some(&sheet.source),
                &sheet.source.path,
                &format!("/properties/{}/enum", pointer_token(own)),
                Msg::new(
                    format!("la valeur « {value} » manque à la liste de cette colonne dans le modèle {version} : la règle {codes} la cherche mot pour mot ; gardez-la telle quelle (la reformuler ou la retirer demande une version de spro qui le sache)"),
                    format!("the value “{value}” is missing from this column's list in template {version}: rule {codes} looks for it word for word; keep it as it is (rewording or removing it needs a version of spro that knows it)"),
                ),
            );
        }
    }
}

/// The keys of the current version's sheet `kind` that the code reads under the name an older
/// version gave them: (current key, the code's key).
fn code_keys(versions: &[Version], current: usize, kind: SheetKind) -> Vec<(String, String)> {
    let Some(sheet) = versions[current].sheet_by_role(kind.role()) else {
        return Vec::new();
    };
    let columns = sheet.columns();
    crate::schema::keys_used(kind)
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !columns.iter().any(|(c, _)| c == k))
        .filter_map(|k| {
            (current + 1..versions.len()).find_map(|older| {
                let old = versions[older].same_sheet(sheet)?;
                renames(versions, older, current, old)
                    .into_iter()
                    .find(|(own, _)| own == k)
                    .map(|(_, now)| (now, k.to_string()))
            })
        })
        .collect()
}

/// The keys of `sheet`, a sheet of version `from`, that version `to` knows by another name:
/// each key followed through every version between (newest first in `versions`) along
/// `x-anciennement`, the sheet found in each by its role (or, declared, its names). A column
/// dropped on the way keeps its own key.
pub(crate) fn renames(
    versions: &[Version],
    from: usize,
    to: usize,
    sheet: &SheetFile,
) -> Vec<(String, String)> {
    // The sheet in each version from `from` to `to`.
    let mut chain: Vec<&SheetFile> = vec![sheet];
    let mut at = from;
    while at != to {
        at = if at > to { at - 1 } else { at + 1 };
        match versions[at].same_sheet(chain.last().expect("a sheet")) {
            Some(s) => chain.push(s),
            None => return Vec::new(),
        }
    }
    let toward_newer = from > to;
    let step = |key: &str, here: &SheetFile, next: &SheetFile| -> Option<String> {
        if toward_newer {
            // The column that was `key`, or `key` still.
            let columns = next.columns();
            let renamed = columns
                .iter()
                .find(|(_, p)| p["x-anciennement"].as_str() == Some(key));
            match renamed {
                Some((k, _)) => Some((*k).to_string()),
                None => columns
                    .iter()
                    .any(|(k, _)| *k == key)
                    .then(|| key.to_string()),
            }
        } else {
            // What `key` was called, if it was there.
            let was = here
                .columns()
                .iter()
                .find(|(k, _)| *k == key)
                .and_then(|(_, p)| p["x-anciennement"].as_str().map(str::to_string))
                .unwrap_or_else(|| key.to_string());
            next.columns().iter().any(|(k, _)| *k == was).then_some(was)
        }
    };
    let mut out = Vec::new();
    for (key, _) in sheet.columns() {
        let mut now = Some(key.to_string());
        for pair in chain.windows(2) {
            now = now.and_then(|k| step(&k, pair[0], pair[1]));
        }
        if let Some(now) = now.filter(|n| n != key) {
            out.push((key.to_string(), now));
        }
    }
    out
}

/// The schemas of a version whose six roles are there (`reads`: the current one, which the
/// checker reads with), its keys renamed by `renames`.
fn compile(
    sheets: &[SheetFile],
    reads: bool,
    renames: &crate::schema::Renames<'_>,
) -> Result<Arc<Schemas>, (String, Msg)> {
    let mut texts: Vec<(SheetKind, String, String)> = SheetKind::ALL
        .iter()
        .filter_map(|&kind| {
            let s = sheets.iter().find(|s| s.role() == Some(kind.role()))?;
            Some((kind, s.source.path.clone(), s.source.text.clone()))
        })
        .collect();
    texts.extend(sheets.iter().filter(|s| s.role().is_none()).map(|s| {
        let (path, text) = (s.source.path.clone(), s.source.text.clone());
        (SheetKind::Declared, path, text)
    }));
    Schemas::from_version(texts, reads, renames)
        .map(Arc::new)
        .map_err(|(file, e)| (file, crate::i18n::Said::said(&e)))
}

/// What only the whole registry shows: one current version, no version or year twice, every
/// `x-anciennement` a key of the version before.
fn across_versions(index: &Source, entries: &[Value], versions: &[Version], found: &mut Found) {
    let current: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i]["statut"] == "courante")
        .collect();
    if current.len() != 1 {
        let pointer = current.get(1).map_or(String::from("/versions"), |i| {
            format!("/versions/{i}/statut")
        });
        found.add(
            Some(index),
            INDEX,
            &pointer,
            Msg::new(
                format!("{} versions sont « courante » : il en faut exactement une, celle que la Région envoie cette année", current.len()),
                format!("{} versions are “courante”: exactly one is needed, the one the Région sends out this year", current.len()),
            ),
        );
    }
    let mut names: BTreeSet<&str> = BTreeSet::new();
    let mut years: BTreeMap<i64, &str> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        let name = e["version"].as_str().unwrap_or_default();
        if !names.insert(name) {
            found.add(
                Some(index),
                INDEX,
                &format!("/versions/{i}/version"),
                Msg::new(
                    format!("la version « {name} » est déjà décrite plus haut"),
                    format!("the version “{name}” is already described above"),
                ),
            );
        }
        for (j, y) in e["annees"].as_array().into_iter().flatten().enumerate() {
            let Some(y) = y.as_i64() else { continue };
            if let Some(other) = years.insert(y, name) {
                found.add(
                    Some(index),
                    INDEX,
                    &format!("/versions/{i}/annees/{j}"),
                    Msg::new(
                        format!("l'année {y} est déjà servie par le modèle {other} : une année n'a qu'un modèle"),
                        format!("the year {y} is already served by template {other}: a year has one template"),
                    ),
                );
            }
        }
    }
    for pair in versions.windows(2) {
        let (newer, older) = (&pair[0], &pair[1]);
        for sheet in &newer.sheets {
            renamed_keys(sheet, older.same_sheet(sheet), &older.version, found);
        }
    }
}

/// Every `x-anciennement` of `sheet` names a key `before` (the same sheet in the version
/// before) had and no longer has under that name; one whose column already had its key there
/// was copied along with the folder, and is to be removed.
fn renamed_keys(sheet: &SheetFile, before: Option<&SheetFile>, version: &str, found: &mut Found) {
    let had = |key: &str| before.is_some_and(|b| b.columns().iter().any(|(k, _)| *k == key));
    for (key, p) in sheet.columns() {
        let Some(old_key) = p["x-anciennement"].as_str() else {
            continue;
        };
        let message = if had(key) {
            Msg::new(
                format!("la colonne avait déjà la clé « {key} » dans le modèle {version}, la version d'avant : cet « x-anciennement » vient de la copie d'une version plus ancienne, retirez-le (il ne sert qu'à la version qui renomme la clé)"),
                format!("the column already had the key “{key}” in template {version}, the version before: this “x-anciennement” was copied from an older version; remove it (it belongs only to the version that renames the key)"),
            )
        } else if !had(old_key) {
            Msg::new(
                format!("« {old_key} » n'est pas une clé de cette feuille dans le modèle {version}, la version d'avant : « x-anciennement » nomme la clé qu'avait la colonne"),
                format!("“{old_key}” is not a key of this sheet in template {version}, the version before: “x-anciennement” names the key the column had"),
            )
        } else if sheet.columns().iter().any(|(k, _)| *k == old_key) {
            Msg::new(
                format!("« {old_key} » est encore une clé de cette feuille : une colonne renommée ne garde pas son ancienne clé à côté de la nouvelle"),
                format!("“{old_key}” is still a key of this sheet: a renamed column does not keep its old key beside the new one"),
            )
        } else {
            continue;
        };
        found.add(
            Some(&sheet.source),
            &sheet.source.path,
            &format!("/properties/{}/x-anciennement", pointer_token(key)),
            message,
        );
    }
}

/// A key as a JSON pointer token.
fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
