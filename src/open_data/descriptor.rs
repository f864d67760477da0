//! `datapackage.json` (Data Package v2): who publishes what, under which licence, and each
//! file's Table Schema, its fields drawn from the template's schemas (types, lists of values,
//! bounds, descriptions in French), its primary key, and its foreign key to `reseaux.csv`.

use serde_json::{json, Value};

use super::{DATA_FILES, FIGURES, REGION_CODE};
use crate::check::{Checker, Report};
use crate::consolidate::{Choices, Regional, DEPARTEMENTS};
use crate::schema::{Column, ColumnKind};

/// The descriptor of the package of `regional`.
pub(super) fn descriptor(
    checker: &Checker,
    choices: &Choices,
    regional: &Regional,
    report: &Report,
) -> Value {
    let year = choices.year;
    let counted = if choices.include_invalid {
        "les bilans lisibles, y compris ceux à corriger"
    } else {
        "les bilans sans erreur"
    };
    let mut package = json!({
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": format!("spro-ep-centre-val-de-loire-{year}"),
        "title": format!("Service public régional de l'orientation et de l'évolution professionnelle (SPRO-EP) en Centre-Val de Loire : bilans d'activité {year}"),
        "description": format!("L'activité des réseaux locaux du SPRO-EP en {year} : réseaux, structures membres, actions, participants, premiers accueils, par département et par réseau. Les chiffres comptent {counted} ; ils sont ceux du classeur régional (feuilles Synthèse et Indicateurs) tirés de la même lecture. Aucune donnée personnelle : ni coordinateur, ni signataire, ni courriel, ni téléphone, ni texte libre."),
        "version": format!("{year}.0.0"),
        "licenses": [{
            "name": "etalab-2.0",
            "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            "title": "Licence Ouverte / Open Licence version 2.0"
        }],
        "sources": [{
            "title": format!("Tableaux de bord des réseaux locaux du SPRO-EP, bilans {year} (modèle {})", report.template)
        }],
        "contributors": [{
            "title": "Région Centre-Val de Loire",
            "roles": ["publisher"]
        }],
        "keywords": ["orientation", "évolution professionnelle", "SPRO-EP", "CEP", "Centre-Val de Loire", "formation"],
        "resources": resources(checker, regional),
    });
    // The data's date: the latest transmission of a file, never the clock.
    if let Some(latest) = regional
        .networks
        .iter()
        .filter_map(|n| n.transmission)
        .max()
    {
        package["created"] = json!(format!("{}T00:00:00Z", latest.format("%Y-%m-%d")));
    }
    package
}

fn resources(checker: &Checker, regional: &Regional) -> Vec<Value> {
    let mut out = vec![networks(regional), departements()];
    for data in &DATA_FILES {
        let schema = checker.schemas.sheet(data.kind);
        let mut fields = vec![
            field(
                "code_reseau",
                "string",
                "Code du réseau local (voir reseaux.csv)",
                json!({"required": true}),
            ),
            field(
                "bilan",
                "integer",
                "Numéro du bilan du réseau : 1, sauf pour un réseau qui en a envoyé plusieurs, tous comptés (--inclure-non-conformes)",
                json!({"required": true, "minimum": 1}),
            ),
            field(
                "ligne",
                "integer",
                "Ligne de la feuille du tableau de bord du réseau",
                json!({"required": true, "minimum": 1}),
            ),
        ];
        fields.extend(
            data.keys
                .iter()
                .filter_map(|k| schema.column(k))
                .map(|(_, c)| column(c, &other_values(checker, data.kind, &c.key))),
        );
        out.push(resource(
            data.name,
            data.title,
            &format!(
                "Une ligne par ligne de la feuille « {} » des bilans comptés.",
                schema.name
            ),
            fields,
            json!(["code_reseau", "bilan", "ligne"]),
            true,
        ));
    }
    out
}

fn resource(
    name: &str,
    title: &str,
    description: &str,
    fields: Vec<Value>,
    primary_key: Value,
    to_networks: bool,
) -> Value {
    let mut schema = json!({"fields": fields, "primaryKey": primary_key});
    if to_networks {
        schema["foreignKeys"] = json!([{
            "fields": ["code_reseau"],
            "reference": {"resource": "reseaux", "fields": ["code_reseau"]}
        }]);
    }
    json!({
        "name": name,
        "path": format!("{name}.csv"),
        "type": "table",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": title,
        "description": description,
        "schema": schema,
    })
}

fn field(name: &str, kind: &str, description: &str, constraints: Value) -> Value {
    let mut f = json!({"name": name, "type": kind, "description": description});
    if constraints.as_object().is_some_and(|c| !c.is_empty()) {
        f["constraints"] = constraints;
    }
    f
}

/// The values other versions of the registry allow in column `key` of sheet `kind` (keys are
/// the same across versions): a file of an accepted version may hold one the layout's list no
/// longer has, and it is published as it is.
fn other_values(checker: &Checker, kind: crate::schema::SheetKind, key: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in &checker.registry.versions {
        if let Some((_, c)) = v.schemas.sheet(kind).column(key) {
            out.extend(
                c.values
                    .iter()
                    .filter(|x| !out.contains(x))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
        }
    }
    out
}

/// A template column as a Table Schema field, its list with the values of `other` versions.
fn column(c: &Column, other: &[String]) -> Value {
    let mut constraints = serde_json::Map::new();
    let kind = match c.kind {
        ColumnKind::Integer | ColumnKind::Number => {
            // Bounds as the field's type writes them (`0`, not `0.0`, for an integer).
            let bound = |b: f64| {
                if c.kind == ColumnKind::Integer && b.fract() == 0.0 {
                    json!(b as i64)
                } else {
                    json!(b)
                }
            };
            if let Some(min) = c.minimum {
                constraints.insert("minimum".into(), bound(min));
            }
            if let Some(max) = c.maximum {
                constraints.insert("maximum".into(), bound(max));
            }
            if c.kind == ColumnKind::Integer {
                "integer"
            } else {
                "number"
            }
        }
        ColumnKind::Date => "date",
        ColumnKind::OuiNon => "boolean",
        ColumnKind::Enum => {
            let mut values = c.values.clone();
            values.extend(other.iter().filter(|v| !c.values.contains(v)).cloned());
            constraints.insert("enum".into(), json!(values));
            "string"
        }
        ColumnKind::List | ColumnKind::Text => "string",
    };
    let description = if c.kind == ColumnKind::List {
        format!("{} (valeurs séparées par « ; »)", c.description)
    } else {
        c.description.clone()
    };
    let mut f = field(&c.key, kind, &description, Value::Object(constraints));
    f["title"] = json!(c.label);
    f
}

fn figures(suffix: &str, when: &str) -> Vec<Value> {
    FIGURES
        .iter()
        .map(|(name, _, _, what)| {
            field(
                &format!("{name}{suffix}"),
                "integer",
                &format!("{what}{when}"),
                json!({"minimum": 0}),
            )
        })
        .collect()
}

fn networks(regional: &Regional) -> Value {
    let codes: Vec<&str> = DEPARTEMENTS.iter().map(|(c, _)| *c).collect();
    let mut fields = vec![
        field(
            "code_reseau",
            "string",
            "Code du réseau local dans le référentiel de la Région",
            json!({"required": true, "unique": true}),
        ),
        field(
            "nom_reseau",
            "string",
            "Nom du réseau local",
            json!({"required": true}),
        ),
        field(
            "departement",
            "string",
            "Code du département du réseau",
            json!({"enum": codes}),
        ),
        field(
            "statut",
            "string",
            "Bilan conforme, à corriger (erreurs ou fichier illisible), ou non transmis",
            json!({"required": true, "enum": ["conforme", "à corriger", "non transmis"]}),
        ),
    ];
    fields.extend(figures("", " (vide quand le bilan n'est pas compté)"));
    if let Some(table) = &regional.evolution {
        let when = format!(
            " en {} (vide quand le bilan n'est pas comparé)",
            table.year_before
        );
        fields.extend(figures("_n1", &when));
    }
    resource(
        "reseaux",
        "Réseaux locaux du SPRO-EP",
        "Un réseau par ligne, qu'il ait transmis son bilan ou non, avec ses chiffres quand son bilan est compté.",
        fields,
        json!(["code_reseau"]),
        false,
    )
}

fn departements() -> Value {
    let mut codes: Vec<&str> = DEPARTEMENTS.iter().map(|(c, _)| *c).collect();
    codes.push(REGION_CODE);
    let mut fields = vec![
        field(
            "code",
            "string",
            "Code INSEE du département, ou de la Région (24) pour la ligne régionale",
            json!({"required": true, "unique": true, "enum": codes}),
        ),
        field(
            "niveau",
            "string",
            "Département ou Région",
            json!({"required": true, "enum": ["département", "région"]}),
        ),
        field(
            "nom",
            "string",
            "Nom du département ou de la Région",
            json!({"required": true}),
        ),
    ];
    fields.extend(figures("", ""));
    resource(
        "departements",
        "Chiffres par département et pour la Région",
        "Les six chiffres régionaux de la feuille Indicateurs du classeur régional, par département et pour la Région.",
        fields,
        json!(["code"]),
        false,
    )
}
