//! `spro template`: the blank tableau de bord the Région sends out, generated from the same
//! schemas the checker reads, so the two can never disagree. Headers come from the schemas'
//! titles, notes from their descriptions, drop-downs from their enums (values on a hidden
//! `Listes` sheet), input rules from their types and bounds; the `Instructions` sheet lists the
//! rules from the catalogue.

use crate::norm::french_number;
use std::path::Path;

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Formula, Image,
    Note, Workbook, Worksheet, XlsxError,
};

use crate::registry::{Registry, Version};
use crate::rules::RULES;
use crate::schema::{Column, ColumnKind, Schemas, SheetKind, SheetSchema};
use crate::xlsx::{self, Styles};

/// Rows of each table prepared with input rules (the data area of the template).
pub(crate) const PREPARED_ROWS: u32 = 1000;

/// What the template is made with.
#[derive(Debug, Clone, Default)]
pub(crate) struct Edition {
    pub year: i32,
    pub logo_region: Option<std::path::PathBuf>,
    pub logo_spro: Option<std::path::PathBuf>,
    /// The version written (pre-filled in `Version du modèle`).
    pub version: String,
    /// What changed since the version before (its name, the changes in sentences), and the
    /// version's notes: told in `Instructions`.
    pub changes: Option<(String, Vec<String>)>,
    pub notes: Option<String>,
}

impl Edition {
    /// The edition of `version` of `registry` for the bilans of `year`.
    pub(crate) fn of(registry: &Registry, version: &Version, year: i32) -> Edition {
        let changes = registry.before(version).map(|before| {
            let sentences = crate::registry::diff::diff(registry, before, version)
                .iter()
                .filter_map(|c| c.for_filling())
                .map(|m| crate::registry::diff::upper_first(&m.fr))
                .collect();
            (before.version.clone(), sentences)
        });
        Edition {
            year,
            version: version.version.clone(),
            changes,
            notes: version.notes.clone(),
            ..Edition::default()
        }
    }
}

/// Why the template cannot be made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TemplateError {
    Logo {
        path: String,
        #[source]
        source: XlsxError,
    },
    Output(#[source] crate::output::OutputError),
}

impl crate::i18n::Said for TemplateError {
    fn said(&self) -> crate::i18n::Msg {
        match self {
            TemplateError::Logo { path, source } => crate::msg!(
                "logo « {path} » illisible : {source} (formats acceptés : PNG, JPEG, GIF, BMP)",
                "logo “{path}” unreadable: {source} (accepted formats: PNG, JPEG, GIF, BMP)"
            ),
            TemplateError::Output(e) => crate::i18n::Said::said(e),
        }
    }
}

crate::said_in_french!(TemplateError);

/// Writes the template to `path` atomically.
pub(crate) fn write(
    schemas: &Schemas,
    edition: &Edition,
    path: &Path,
) -> Result<(), TemplateError> {
    let logos = load_logos(edition)?;
    crate::output::write_with(path, |tmp| -> Result<(), XlsxError> {
        let mut wb = build(schemas, edition, &logos)?;
        wb.save(tmp)
    })
    .map_err(TemplateError::Output)
}

fn load_logos(edition: &Edition) -> Result<Vec<Image>, TemplateError> {
    let mut logos = Vec::new();
    for path in [&edition.logo_region, &edition.logo_spro]
        .into_iter()
        .flatten()
    {
        let image = Image::new(path).map_err(|source| TemplateError::Logo {
            path: path.display().to_string(),
            source,
        })?;
        logos.push(image);
    }
    Ok(logos)
}

/// Builds the template workbook.
pub(crate) fn build(
    schemas: &Schemas,
    edition: &Edition,
    logos: &[Image],
) -> Result<Workbook, XlsxError> {
    let mut wb = xlsx::new_workbook(edition.year)?;
    let styles = Styles::new();
    // The Listes sheet is written last but referenced from the start: its layout is fixed by
    // the schemas (one column per single-valued enum).
    let lists = list_columns(schemas);
    instructions(wb.add_worksheet(), schemas, edition, logos, &styles)?;
    for schema in schemas.all() {
        let ws = wb.add_worksheet();
        ws.set_name(&schema.name)?;
        match schema.kind {
            SheetKind::Identification => identification(ws, schemas, edition, &lists, &styles)?,
            _ => table(ws, schema, &lists, &styles)?,
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name("Listes")?;
    for (c, (label, values, _)) in lists.iter().enumerate() {
        xlsx::text(ws, 0, c as u16, label, &styles.header)?;
        for (r, v) in values.iter().enumerate() {
            xlsx::text(ws, r as u32 + 1, c as u16, v, &styles.text)?;
        }
        ws.set_column_width(c as u16, 40)?;
    }
    ws.set_hidden(true);
    wb.worksheet_from_index(0)?.set_active(true);
    Ok(wb)
}

/// The single-valued enums: (header on Listes, values, (sheet's name, key)) in a fixed order.
type ListColumn = (String, Vec<String>, (String, String));

fn list_columns(schemas: &Schemas) -> Vec<ListColumn> {
    let mut out = Vec::new();
    for schema in schemas.all() {
        for col in &schema.columns {
            if col.kind == ColumnKind::Enum {
                out.push((
                    format!("{} — {}", schema.name, col.label),
                    col.values.clone(),
                    (schema.name.clone(), col.key.clone()),
                ));
            }
        }
    }
    out
}

fn truncate(s: &str, max: usize) -> String {
    if s.encode_utf16().count() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if out.encode_utf16().count() + c.len_utf16() > max - 1 {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// The input rule, input message and error message of a column.
fn validation(
    sheet: &str,
    col: &Column,
    lists: &[ListColumn],
) -> Result<DataValidation, XlsxError> {
    let title = truncate(&col.label, 32);
    let (dv, help, error) = match col.kind {
        ColumnKind::Enum => {
            let index = lists
                .iter()
                .position(|(_, _, (s, key))| s == sheet && *key == col.key)
                .unwrap_or(0);
            let letter = crate::finding::column_letters(index as u32);
            let last = col.values.len() + 1;
            (
                DataValidation::new().allow_list_formula(Formula::new(format!(
                    "=Listes!${letter}$2:${letter}${last}"
                ))),
                format!("Choisissez dans la liste. {}", col.description),
                "Choisissez une valeur de la liste déroulante.".to_string(),
            )
        }
        ColumnKind::OuiNon => (
            DataValidation::new().allow_list_strings(&["Oui", "Non"])?,
            format!("Oui ou Non. {}", col.description),
            "Répondez « Oui » ou « Non ».".to_string(),
        ),
        ColumnKind::Date => {
            let from = ExcelDateTime::from_ymd(2000, 1, 1)?;
            let to = ExcelDateTime::from_ymd(2099, 12, 31)?;
            (
                DataValidation::new().allow_date(DataValidationRule::Between(from, to)),
                format!("Date jj/mm/aaaa. {}", col.description),
                "Saisissez une date complète, par exemple 14/03/2025.".to_string(),
            )
        }
        ColumnKind::Integer => {
            let min = col.minimum.unwrap_or(0.0).ceil() as i32;
            let rule = match col.maximum {
                Some(max) => DataValidationRule::Between(min, max.floor() as i32),
                None => DataValidationRule::GreaterThanOrEqualTo(min),
            };
            (
                DataValidation::new().allow_whole_number(rule),
                format!("Nombre entier ≥ {min}. {}", col.description),
                format!("Saisissez un nombre entier supérieur ou égal à {min}, sans décimale."),
            )
        }
        ColumnKind::Number => number_validation(col),
        ColumnKind::List => (
            DataValidation::new().allow_any_value(),
            col.description.clone(),
            String::new(),
        ),
        ColumnKind::Text => (
            DataValidation::new().allow_any_value(),
            col.description.clone(),
            String::new(),
        ),
    };
    let mut dv = dv
        .set_input_title(title.clone())?
        .set_input_message(truncate(&help, 255))?;
    if !error.is_empty() {
        dv = dv
            .set_error_title(truncate(&format!("{} invalide", col.label), 32))?
            .set_error_message(truncate(&error, 255))?
            .set_error_style(DataValidationErrorStyle::Stop);
    }
    Ok(dv)
}

/// The table of the rules checked, from `row` on: code, name, severity, source, what.
fn rules_table(ws: &mut Worksheet, mut row: u32, styles: &Styles) -> Result<(), XlsxError> {
    let headers = ["Code", "Règle", "Sévérité", "Source", "Ce qui est vérifié"];
    for (c, h) in headers.iter().enumerate() {
        xlsx::text(ws, row, c as u16, h, &styles.header)?;
    }
    row += 1;
    for r in RULES {
        let values = [
            r.code.as_str(),
            r.name,
            r.severity.label_fr(),
            r.source.0,
            r.what.0,
        ];
        for (c, v) in values.iter().enumerate() {
            xlsx::text(
                ws,
                row,
                c as u16,
                v,
                if c == 4 { &styles.wrap } else { &styles.text },
            )?;
        }
        row += 1;
    }
    Ok(())
}

/// A decimal column's input rule (its bounds), input message and error message.
fn number_validation(col: &Column) -> (DataValidation, String, String) {
    let (rule, said) = match (col.minimum, col.maximum) {
        (Some(min), Some(max)) => (
            DataValidationRule::Between(min, max),
            format!(" entre {} et {}", french_number(min), french_number(max)),
        ),
        (Some(min), None) => (
            DataValidationRule::GreaterThanOrEqualTo(min),
            format!(" supérieur ou égal à {}", french_number(min)),
        ),
        (None, Some(max)) => (
            DataValidationRule::LessThanOrEqualTo(max),
            format!(" inférieur ou égal à {}", french_number(max)),
        ),
        (None, None) => (DataValidationRule::Between(-1e15, 1e15), String::new()),
    };
    (
        DataValidation::new().allow_decimal_number(rule),
        format!(
            "Nombre{said}, décimales après la virgule. {}",
            col.description
        ),
        format!("Saisissez un nombre{said}, par exemple 1 200,50."),
    )
}

fn note(col: &Column) -> Note {
    let required = if col.required {
        "Obligatoire."
    } else {
        "Facultatif."
    };
    let allowed = if col.values.is_empty() || col.values.len() > 10 {
        String::new()
    } else {
        format!("\nValeurs : {}.", col.values.join(", "))
    };
    Note::new(format!("{}\n{required}{allowed}", col.description))
        .set_author("Région Centre-Val de Loire")
        .set_width(320)
}

fn identification(
    ws: &mut Worksheet,
    schemas: &Schemas,
    edition: &Edition,
    lists: &[ListColumn],
    styles: &Styles,
) -> Result<(), XlsxError> {
    let schema = schemas.sheet(SheetKind::Identification);
    xlsx::text(ws, 0, 0, "Champ", &styles.header)?;
    xlsx::text(ws, 0, 1, "Valeur", &styles.header)?;
    for (i, col) in schema.columns.iter().enumerate() {
        let row = i as u32 + 1;
        xlsx::text(
            ws,
            row,
            0,
            &col.label,
            if col.required {
                &styles.header
            } else {
                &styles.text
            },
        )?;
        ws.insert_note(row, 0, &note(col))?;
        ws.add_data_validation(row, 1, row, 1, &validation(&schema.name, col, lists)?)?;
        match col.key.as_str() {
            "annee" => {
                ws.write_number(row, 1, f64::from(edition.year))?;
            }
            "version_modele" => xlsx::text(ws, row, 1, &edition.version, &styles.text)?,
            _ if col.kind == ColumnKind::Date => {
                ws.set_cell_format(row, 1, &styles.date)?;
            }
            _ => {}
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_column_width(0, 38)?;
    ws.set_column_width(1, 60)?;
    Ok(())
}

fn table(
    ws: &mut Worksheet,
    schema: &SheetSchema,
    lists: &[ListColumn],
    styles: &Styles,
) -> Result<(), XlsxError> {
    for (c, col) in schema.columns.iter().enumerate() {
        let c16 = c as u16;
        xlsx::text(ws, 0, c16, &col.label, &styles.header)?;
        ws.insert_note(0, c16, &note(col))?;
        ws.add_data_validation(
            1,
            c16,
            PREPARED_ROWS,
            c16,
            &validation(&schema.name, col, lists)?,
        )?;
        let width = match col.kind {
            ColumnKind::Date => 13,
            ColumnKind::Integer | ColumnKind::Number | ColumnKind::OuiNon => {
                col.label.chars().count().clamp(10, 16)
            }
            ColumnKind::Enum => col
                .values
                .iter()
                .map(|v| v.chars().count())
                .max()
                .unwrap_or(12)
                .clamp(12, 42),
            ColumnKind::List => 40,
            ColumnKind::Text => col.label.chars().count().clamp(14, 36),
        };
        ws.set_column_width(c16, width as f64 + 2.0)?;
        if col.kind == ColumnKind::Date {
            ws.set_column_format(c16, &styles.date)?;
        }
    }
    ws.set_row_height(0, 32)?;
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// « Ce qui change par rapport au modèle A »: the changes since the version before, in
/// sentences, and the version's notes.
fn changes<'s>(
    edition: &Edition,
    styles: &'s Styles,
) -> Vec<(String, &'s rust_xlsxwriter::Format)> {
    let mut lines = Vec::new();
    if let Some((before, sentences)) = &edition.changes {
        lines.push((
            format!("Ce qui change par rapport au modèle {before}"),
            &styles.title,
        ));
        if sentences.is_empty() {
            lines.push((
                "Rien : les feuilles et les colonnes sont les mêmes.".to_string(),
                &styles.wrap,
            ));
        }
        for s in sentences {
            lines.push((format!("• {s}"), &styles.wrap));
        }
    }
    if let Some(notes) = &edition.notes {
        lines.push((format!("Note de la Région : {notes}"), &styles.wrap));
    }
    if !lines.is_empty() {
        lines.push((String::new(), &styles.text));
    }
    lines
}

fn instructions(
    ws: &mut Worksheet,
    schemas: &Schemas,
    edition: &Edition,
    logos: &[Image],
    styles: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name("Instructions")?;
    let mut row = 0u32;
    if !logos.is_empty() {
        // Charter §7 applies to the Région's own tools: its logo and the SPRO's at the top.
        let mut col = 0u16;
        for logo in logos {
            let scale = (60.0 / logo.height().max(1.0)).min(1.0);
            let image = logo.clone().set_scale_height(scale).set_scale_width(scale);
            ws.insert_image(0, col, &image)?;
            col += 3;
        }
        ws.set_row_height(0, 50)?;
        row = 2;
    }
    let mut lines: Vec<(String, &rust_xlsxwriter::Format)> = vec![
        (format!("Tableau de bord SPRO-EP — bilan d'activité {} (modèle {})", edition.year, edition.version), &styles.title),
        ("Région Centre-Val de Loire — Service public régional de l'orientation et de l'évolution professionnelle".into(), &styles.text),
        (String::new(), &styles.text),
    ];
    lines.extend(changes(edition, styles));
    lines.push(("Ce qu'il faut remplir".into(), &styles.title));
    for schema in schemas.all() {
        lines.push((
            format!("• {} : {}", schema.name, schema.description),
            &styles.wrap,
        ));
    }
    lines.extend([
        ("Gardez les noms des feuilles et les en-têtes tels quels ; n'ajoutez pas de ligne de total ; écrivez le nom de chaque structure exactement comme dans la feuille Structures.".to_string(), &styles.wrap),
        ("Chaque en-tête porte une note qui explique la colonne ; les listes déroulantes donnent les valeurs permises.".to_string(), &styles.wrap),
        (String::new(), &styles.text),
        ("Vérifier le fichier avant de l'envoyer".to_string(), &styles.title),
        ("Déposez-le sur la page de vérification que la Région vous a indiquée : chaque anomalie y est listée à sa cellule, avec la correction à apporter, et votre fichier vous revient annoté (les cellules à corriger colorées, avec une note).".to_string(), &styles.wrap),
        ("Chaque règle y a sa page : ce qu'elle vérifie, pourquoi, comment corriger.".to_string(), &styles.wrap),
        (String::new(), &styles.text),
        ("Règles vérifiées".to_string(), &styles.title),
    ]);
    for (text, format) in &lines {
        if !text.is_empty() {
            xlsx::text(ws, row, 0, text, format)?;
        }
        row += 1;
    }
    rules_table(ws, row, styles)?;
    ws.set_column_width(0, 10)?;
    ws.set_column_width(1, 30)?;
    ws.set_column_width(2, 14)?;
    ws.set_column_width(3, 24)?;
    ws.set_column_width(4, 90)?;
    Ok(())
}
