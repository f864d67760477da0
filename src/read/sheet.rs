//! From raw cells to the sheets of a tableau de bord: which sheet is which, where each table's
//! header is, which column holds what, which rows are data. The structure rules (S001–S005,
//! S007, S008) are found here, because this is where the structure is read.

pub(crate) use crate::bilan::{Bilan, Cell, Row, Sheet, SheetTotals};
use crate::finding::{Finding, Severity};
use crate::i18n::Msg;
use crate::norm::{norm, suggest};
use crate::read::validate::Values;
use crate::read::values::Typed;
use crate::read::{CellValue, Opened, RawCell, ReadError, SheetMeta};
use crate::rules::Code;
use crate::schema::{Schemas, SheetKind, SheetSchema};

/// How many non-blank rows from the top may hold the header row (title rows may sit above it).
pub(crate) const HEADER_SEARCH_ROWS: usize = 10;

impl SheetTotals {
    fn new(schema: &SheetSchema) -> SheetTotals {
        SheetTotals {
            rows: 0,
            sums: vec![0; schema.columns.len()],
            seen: schema
                .columns
                .iter()
                .map(|c| vec![false; c.values.len()])
                .collect(),
        }
    }

    fn add(&mut self, schema: &SheetSchema, row: &Row) {
        self.rows += 1;
        for (i, column) in schema.columns.iter().enumerate() {
            let mut see = |t: &str| {
                if let Some(k) = column.values.iter().position(|v| v == t) {
                    self.seen[i][k] = true;
                }
            };
            match row.get(i) {
                Some(Typed::Int(n)) => self.sums[i] = self.sums[i].saturating_add(*n),
                Some(Typed::Text(t)) if !column.values.is_empty() => see(t),
                Some(Typed::List(items)) if !column.values.is_empty() => {
                    items.iter().for_each(|t| see(t))
                }
                _ => {}
            }
        }
    }

    /// Whether a valid cell of column `index` holds `value`, one of its allowed values.
    pub fn seen(&self, schema: &SheetSchema, index: usize, value: &str) -> bool {
        let Some(k) = schema
            .columns
            .get(index)
            .and_then(|c| c.values.iter().position(|v| v == value))
        else {
            return false;
        };
        self.seen.get(index).is_some_and(|s| s[k])
    }
}

/// Sheets the template adds itself; never reported as unknown.
const TEMPLATE_SHEETS: [&str; 2] = ["instructions", "listes"];

/// How many data rows of a large sheet go through the row rules at once.
const CHUNK_ROWS: usize = 1024;

/// Where the data rows of Actions, Accueil and Professionnalisation go as they stream (the
/// checker's row passes, `check::passes`), given the workbook's small sheets, already read,
/// the sheet being read (its columns known) and a few of its rows, read and validated. The
/// reader knows no rule beyond the structure and the values.
pub(crate) type OnRows<'a> = dyn Fn(&Bilan, &Sheet, &[Row], &mut Vec<Finding>) + 'a;

/// The small sheets, read first and kept whole: the others are checked against them.
const SMALL: [SheetKind; 3] = [
    SheetKind::Identification,
    SheetKind::Structures,
    SheetKind::Coordination,
];

/// Reads `wb` into a [`Bilan`], sheet by sheet and row by row, with the structure findings
/// and the value rules ([`crate::read::validate`]) run on each row as it arrives. The small sheets
/// are read first and kept; the rows of the others go to `on_rows` a few at a time and are
/// dropped (kept too when `keep_rows`), leaving their [`SheetTotals`]. A sheet's cells are never
/// all in memory.
pub(crate) fn read_bilan(
    wb: &mut Opened<'_>,
    schemas: &Schemas,
    keep_rows: bool,
    on_rows: &OnRows<'_>,
    findings: &mut Vec<Finding>,
) -> Result<Bilan, ReadError> {
    let mut bilan = Bilan {
        is_1904: wb.is_1904,
        ..Bilan::default()
    };
    let metas = sheets_by_role(wb, schemas, findings);
    for kind in SMALL {
        if let Some(meta) = &metas[kind as usize] {
            let sheet = read_sheet(wb, meta, schemas.sheet(kind), None, findings)?;
            bilan.sheets[kind as usize] = Some(sheet);
        }
    }
    let mut large: [Option<Sheet>; 6] = Default::default();
    for kind in SheetKind::ALL.into_iter().filter(|k| !SMALL.contains(k)) {
        if let Some(meta) = &metas[kind as usize] {
            let streaming = Streaming {
                on_rows,
                bilan: &bilan,
                keep_rows,
            };
            large[kind as usize] = Some(read_sheet(
                wb,
                meta,
                schemas.sheet(kind),
                Some(streaming),
                findings,
            )?);
        }
    }
    for (i, sheet) in large.into_iter().enumerate() {
        if sheet.is_some() {
            bilan.sheets[i] = sheet;
        }
    }
    bilan.declared = read_declared(wb, schemas, &bilan, keep_rows, findings)?;
    for kind in SheetKind::ALL {
        if bilan.sheet(kind).is_none() && schemas.has(kind) {
            findings.push(missing_sheet(schemas.sheet(kind)));
        }
    }
    Ok(bilan)
}

/// The file's sheet of each role of the version (its current name, else one it had before,
/// said by S006), S007 for a sheet the template does not have.
fn sheets_by_role(
    wb: &Opened<'_>,
    schemas: &Schemas,
    findings: &mut Vec<Finding>,
) -> [Option<SheetMeta>; 6] {
    let mut metas: [Option<SheetMeta>; 6] = Default::default();
    let names = SheetKind::ALL.map(|k| norm(&schemas.sheet(k).name));
    let declared: Vec<String> = schemas.declared().iter().map(|d| norm(&d.name)).collect();
    for meta in &wb.sheets {
        let n = norm(&meta.name);
        if declared.contains(&n) || declared_under_former_name(schemas, wb, &n) {
            continue;
        }
        let role = SheetKind::ALL
            .into_iter()
            .find(|k| schemas.has(*k) && names[*k as usize] == n);
        // A sheet under a name it had in an earlier version, when the file has none under
        // its current name: read, and the new name said.
        let former = || {
            SheetKind::ALL.into_iter().find(|k| {
                let schema = schemas.sheet(*k);
                schema.present
                    && schema.former_names.iter().any(|f| norm(f) == n)
                    && !wb
                        .sheets
                        .iter()
                        .any(|m| norm(&m.name) == names[*k as usize])
            })
        };
        match role {
            Some(kind) if metas[kind as usize].is_none() => {
                metas[kind as usize] = Some(meta.clone());
            }
            None if former().is_some_and(|k| metas[k as usize].is_none()) => {
                let kind = former().expect("just found");
                findings.push(former_name(&meta.name, schemas.sheet(kind)));
                metas[kind as usize] = Some(meta.clone());
            }
            _ if TEMPLATE_SHEETS.contains(&norm(&meta.name).as_str()) => {}
            _ => findings.push(unknown_sheet(&meta.name)),
        }
    }
    metas
}

/// The sheets the version declares without a role: each read like a large table (rows
/// streamed through no rule, kept with `keep_rows`), S001 when the file lacks one.
fn read_declared(
    wb: &mut Opened<'_>,
    schemas: &Schemas,
    bilan: &Bilan,
    keep_rows: bool,
    findings: &mut Vec<Finding>,
) -> Result<Vec<Sheet>, ReadError> {
    let mut out = Vec::new();
    for schema in schemas.declared() {
        let n = norm(&schema.name);
        let meta = match wb.sheets.iter().find(|m| norm(&m.name) == n) {
            Some(meta) => meta.clone(),
            None => {
                let former = wb
                    .sheets
                    .iter()
                    .find(|m| schema.former_names.iter().any(|f| norm(f) == norm(&m.name)));
                let Some(meta) = former.cloned() else {
                    findings.push(missing_sheet(schema));
                    continue;
                };
                findings.push(former_name(&meta.name, schema));
                meta
            }
        };
        let streaming = Streaming {
            // No rule reads a declared sheet's rows.
            on_rows: &|_, _, _, _| {},
            bilan,
            keep_rows,
        };
        out.push(read_sheet(wb, &meta, schema, Some(streaming), findings)?);
    }
    Ok(out)
}

/// Whether the file's sheet named `n` (normalised) is a declared sheet under a former name,
/// the file having none under its current name.
fn declared_under_former_name(schemas: &Schemas, wb: &Opened<'_>, n: &str) -> bool {
    schemas.declared().iter().any(|d| {
        d.former_names.iter().any(|f| norm(f) == n)
            && !wb.sheets.iter().any(|m| norm(&m.name) == norm(&d.name))
    })
}

/// S006 (warning): a sheet under the name it had in an earlier version of the template: read,
/// and its name in this version said.
fn former_name(actual: &str, schema: &SheetSchema) -> Finding {
    let name = &schema.name;
    Finding::new(
        Code::S006,
        Msg::new(format!(
            "la feuille « {actual} » porte le nom qu'elle avait dans un modèle précédent : elle a été lue, mais le modèle l'appelle désormais « {name} » ; renommez l'onglet « {name} »",
        ), format!("the sheet “{actual}” has the name it had in an earlier template: it was read, but the template now calls it “{name}”; rename the tab “{name}”",
        )),
    )
    .other_sheet(actual)
    .severity(crate::finding::Severity::Warning)
}

/// S001: a sheet of the version that the file does not have.
fn missing_sheet(schema: &SheetSchema) -> Finding {
    let name = &schema.name;
    Finding::new(
        Code::S001,
        Msg::new(format!(
            "la feuille « {name} » est absente du classeur : ajoutez-la avec ce nom exact (ou repartez du modèle de la Région)",
        ), format!("the sheet “{name}” is missing from the workbook: add it with this exact name (or start again from the Région's template)",
        )),
    )
    .on(schema)
}

/// Where a large sheet's rows go: the row rules (with the small sheets they read), and
/// whether the rows are kept after.
struct Streaming<'a> {
    on_rows: &'a OnRows<'a>,
    bilan: &'a Bilan,
    keep_rows: bool,
}

/// One sheet of the tableau de bord, read: the form, or a table (streamed when `streaming`).
fn read_sheet(
    wb: &mut Opened<'_>,
    meta: &SheetMeta,
    schema: &SheetSchema,
    streaming: Option<Streaming<'_>>,
    findings: &mut Vec<Finding>,
) -> Result<Sheet, ReadError> {
    if schema.kind == SheetKind::Identification {
        let mut rows: Vec<(u32, Vec<RawCell>)> = Vec::new();
        wb.rows(meta, &mut |r, cells| {
            if non_blank(cells).next().is_some() {
                rows.push((r, cells.to_vec()));
            }
            Ok(())
        })?;
        let mut sheet = read_form(&meta.name, &rows, schema, findings);
        let mut values = Values::new(schema, wb.is_1904);
        let mut form = std::mem::take(&mut sheet.rows);
        for row in &mut form {
            values.check_row(&sheet, row, findings);
            sheet.totals.add(schema, row);
        }
        sheet.rows = form;
        return Ok(sheet);
    }
    let mut table = TableReader::new(&meta.name, schema, wb.is_1904, streaming);
    wb.rows(meta, &mut |r, cells| {
        table.push(r, cells, findings);
        Ok(())
    })?;
    Ok(table.finish(findings))
}

/// S007: a sheet that is not one of the template's.
fn unknown_sheet(name: &str) -> Finding {
    Finding::new(
        Code::S007,
        Msg::new(format!(
            "la feuille « {name} » ne fait pas partie du modèle et n'est pas lue : reportez ce qu'elle contient dans les feuilles du modèle si la Région en a besoin"
        ), format!("the sheet “{name}” is not part of the template and is not read: move what it holds into the template's sheets if the Région needs it"
        )),
    )
    .other_sheet(name)
}

/// The text of a cell as a header or label, normalised; `None` when not text-like.
fn header_text(cell: &RawCell) -> Option<String> {
    let shown = cell.value.display()?;
    let n = norm(&shown);
    (!n.is_empty()).then_some(n)
}

/// A `Total…` row starts with `total` (normalised), alone or followed by a space (§7.2).
fn is_total(value: &CellValue) -> bool {
    let CellValue::Text(t) = value else {
        return false;
    };
    let start = t.trim_start();
    // Cheap test first: anything not starting with t/T (or a non-ASCII letter) is not a total.
    if start
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii() && !c.eq_ignore_ascii_case(&'t'))
    {
        return false;
    }
    let n = norm(t);
    n == "total" || n.starts_with("total ")
}

fn is_blank(value: &CellValue) -> bool {
    match value {
        CellValue::Empty => true,
        // Stops at the first character that is not white space (most cells: the first one).
        CellValue::Text(t) => t.trim_start().is_empty(),
        _ => false,
    }
}

fn non_blank(cells: &[RawCell]) -> impl Iterator<Item = &RawCell> {
    cells.iter().filter(|c| !is_blank(&c.value))
}

/// A header matched to the schema: which column of the schema, or unknown.
fn match_header(schema: &SheetSchema, n: &str) -> Option<usize> {
    schema.columns.iter().position(|c| c.label_norm == n)
}

fn labels_suggestion(schema: &SheetSchema, shown: &str) -> Msg {
    match suggest(shown, schema.columns.iter().map(|c| c.label.as_str())) {
        Some(s) => crate::msg!(" ; vouliez-vous dire « {s} » ?", "; did you mean “{s}”?"),
        None => Msg::default(),
    }
}

/// A table sheet read as its rows arrive: the header is looked for among the first
/// [`HEADER_SEARCH_ROWS`] non-blank rows (kept until it is found), then each row under it
/// becomes a data row, read and validated at once; when streaming, every [`CHUNK_ROWS`] data
/// rows go through the row rules and are dropped (or kept).
struct TableReader<'s, 'a> {
    schema: &'s SheetSchema,
    sheet: Sheet,
    values: Values<'s>,
    streaming: Option<Streaming<'a>>,
    /// Rows already through the row rules, when they are kept.
    kept: Vec<Row>,
    /// Non-blank rows seen while the header is not found yet.
    pending: Vec<(u32, Vec<RawCell>)>,
    /// Once the header is found: column → schema column, and whether a column has a header.
    columns: Option<TableColumns>,
}

struct TableColumns {
    by_col: Vec<Option<usize>>,
    headed: Vec<bool>,
}

impl<'s, 'a> TableReader<'s, 'a> {
    fn new(
        name: &str,
        schema: &'s SheetSchema,
        is_1904: bool,
        streaming: Option<Streaming<'a>>,
    ) -> TableReader<'s, 'a> {
        TableReader {
            schema,
            sheet: Sheet {
                kind: schema.kind,
                actual_name: name.to_string(),
                columns: vec![None; schema.columns.len()],
                header_row: None,
                value_col: 0,
                rows: Vec::new(),
                totals: SheetTotals::new(schema),
            },
            values: Values::new(schema, is_1904),
            streaming,
            kept: Vec::new(),
            pending: Vec::new(),
            columns: None,
        }
    }

    fn push(&mut self, row: u32, cells: &[RawCell], findings: &mut Vec<Finding>) {
        if self.columns.is_some() {
            self.data_row(row, cells, findings);
            return;
        }
        if non_blank(cells).next().is_none() {
            return;
        }
        if names_columns(cells, self.schema) {
            self.header(row, cells, findings);
            self.pending.clear();
            return;
        }
        self.pending.push((row, cells.to_vec()));
        if self.pending.len() == HEADER_SEARCH_ROWS {
            self.header_from_pending(findings);
        }
    }

    /// No row among the first ones names two columns: the first non-blank row is the header,
    /// and the rows kept after it are data.
    fn header_from_pending(&mut self, findings: &mut Vec<Finding>) {
        let pending = std::mem::take(&mut self.pending);
        let Some(((row, cells), rest)) = pending.split_first() else {
            return;
        };
        self.header(*row, cells, findings);
        for (row, cells) in rest {
            self.data_row(*row, cells, findings);
        }
    }

    fn header(&mut self, row: u32, cells: &[RawCell], findings: &mut Vec<Finding>) {
        self.sheet.header_row = Some(row);
        let headed_cols = read_headers(cells, row, self.schema, &mut self.sheet, findings);
        // Column → schema column (or unknown header), for O(1) lookups per cell.
        let width = headed_cols.iter().max().map_or(0, |m| *m as usize + 1);
        let mut by_col: Vec<Option<usize>> = vec![None; width];
        let mut headed = vec![false; width];
        for &c in &headed_cols {
            headed[c as usize] = true;
        }
        for (i, c) in self.sheet.columns.iter().enumerate() {
            if let Some(c) = c {
                by_col[*c as usize] = Some(i);
            }
        }
        self.columns = Some(TableColumns { by_col, headed });
    }

    /// A row under the header: cells under a header only (a far-away value outside the table
    /// is ignored), a total row left out (S008), a row holding nothing left out.
    fn data_row(&mut self, row: u32, cells: &[RawCell], findings: &mut Vec<Finding>) {
        let Some(columns) = &self.columns else { return };
        let in_table = || {
            cells
                .iter()
                .filter(|c| columns.headed.get(c.col as usize).copied().unwrap_or(false))
        };
        let Some(first) = in_table().find(|c| !is_blank(&c.value)) else {
            return;
        };
        if is_total(&first.value) {
            findings.push(total_row(self.schema, row, first));
            return;
        }
        let mut data = Row {
            row,
            cells: vec![None; self.schema.columns.len()],
        };
        for c in in_table() {
            if let Some(&Some(i)) = columns.by_col.get(c.col as usize) {
                if !is_blank(&c.value) || matches!(c.value, CellValue::Empty) {
                    data.cells[i] = Some(Cell {
                        row: c.row,
                        col: c.col,
                        raw: c.value.clone(),
                        value: None,
                        valid: true,
                    });
                }
            }
        }
        if data.cells.iter().any(|c| {
            c.as_ref()
                .is_some_and(|c| !matches!(c.raw, CellValue::Empty))
        }) {
            self.values.check_row(&self.sheet, &mut data, findings);
            self.sheet.totals.add(self.schema, &data);
            self.sheet.rows.push(data);
            if self.sheet.rows.len() >= CHUNK_ROWS {
                self.flush(findings);
            }
        }
    }

    /// The rows read since the last call through the row rules, then dropped or kept.
    fn flush(&mut self, findings: &mut Vec<Finding>) {
        let Some(streaming) = &mut self.streaming else {
            return;
        };
        if self.sheet.rows.is_empty() {
            return;
        }
        let rows = &self.sheet.rows;
        (streaming.on_rows)(streaming.bilan, &self.sheet, rows, findings);
        if streaming.keep_rows {
            self.kept.append(&mut self.sheet.rows);
        } else {
            self.sheet.rows.clear();
        }
    }

    fn finish(mut self, findings: &mut Vec<Finding>) -> Sheet {
        if self.columns.is_none() {
            self.header_from_pending(findings);
        }
        self.flush(findings);
        if !self.kept.is_empty() {
            self.sheet.rows = std::mem::take(&mut self.kept);
        }
        missing_columns(self.schema, &self.sheet.columns, findings, &COLUMN);
        if self.sheet.totals.rows == 0 {
            empty_sheet(self.schema, findings);
        }
        self.sheet
    }
}

/// Where the form is: the index of its first data row among the non-blank rows, its header
/// row (« Champ » | « Valeur »), the column of the labels and that of the values. Without a
/// header, labels sit in the leftmost column that holds a known label, values to its right.
fn form_layout(
    nonblank_rows: &[(u32, Vec<RawCell>)],
    schema: &SheetSchema,
) -> (usize, Option<u32>, u32, u32) {
    let header = nonblank_rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .enumerate()
        .find_map(|(i, (row, cells))| {
            let champ = non_blank(cells).find(|c| header_text(c).as_deref() == Some("champ"))?;
            let valeur = non_blank(cells).find(|c| header_text(c).as_deref() == Some("valeur"))?;
            Some((i, *row, champ.col, valeur.col))
        });
    match header {
        Some((i, row, l, v)) => (i + 1, Some(row), l, v),
        None => {
            let label_col = nonblank_rows
                .iter()
                .flat_map(|(_, cells)| non_blank(cells))
                .filter(|c| header_text(c).is_some_and(|n| match_header(schema, &n).is_some()))
                .map(|c| c.col)
                .min()
                .unwrap_or(0);
            (0, None, label_col, label_col + 1)
        }
    }
}

/// The header is the first non-blank row that names at least two columns (a title row may
/// sit above it); failing that, the first non-blank row.
fn names_columns(cells: &[RawCell], schema: &SheetSchema) -> bool {
    non_blank(cells)
        .filter_map(header_text)
        .filter(|n| match_header(schema, n).is_some())
        .count()
        >= 2
}

/// Maps each header to its schema column (S003 for an unknown one, S004 for a second one);
/// returns the columns that have a header.
fn read_headers(
    header_cells: &[RawCell],
    header_row: u32,
    schema: &SheetSchema,
    sheet: &mut Sheet,
    findings: &mut Vec<Finding>,
) -> Vec<u32> {
    let mut headed_cols = Vec::new();
    for cell in non_blank(header_cells) {
        let Some(n) = header_text(cell) else { continue };
        headed_cols.push(cell.col);
        let shown = cell.value.display().unwrap_or_default();
        let message = match match_header(schema, &n) {
            Some(i) if sheet.columns[i].is_some() => {
                let (label, first) = (
                    &schema.columns[i].label,
                    crate::finding::a1(header_row, sheet.columns[i].unwrap_or(0)),
                );
                (Code::S004, crate::msg!(
                    "la colonne « {label} » apparaît deux fois (aussi en {first}) : supprimez ou renommez l'une des deux",
                    "the column “{label}” appears twice (also in {first}): delete or rename one of them"
                ))
            }
            Some(i) => {
                sheet.columns[i] = Some(cell.col);
                continue;
            }
            None => {
                let (name, hint) = (&schema.name, labels_suggestion(schema, &shown));
                let (hint, hint_en) = (hint.fr, hint.en);
                (Code::S003, crate::msg!(
                    "l'en-tête « {shown} » ne correspond à aucune colonne de la feuille « {name} » et la colonne est ignorée{hint}",
                    "the header “{shown}” matches no column of the sheet “{name}” and the column is ignored{hint_en}"
                ))
            }
        };
        findings.push(
            Finding::new(message.0, message.1)
                .on(schema)
                .at(cell.row, cell.col)
                .value(Some(shown)),
        );
    }
    headed_cols
}

/// S008: a « Total… » row inside the table, ignored.
fn total_row(schema: &SheetSchema, row: u32, first: &RawCell) -> Finding {
    let (n, shown) = (row + 1, first.value.display().unwrap_or_default());
    Finding::new(
        Code::S008,
        crate::msg!(
            "la ligne {n} (« {shown} ») est une ligne de total : elle est ignorée ; supprimez-la, la Région calcule les totaux",
            "row {n} (“{shown}”) is a total row: it is ignored; delete it, the Région computes the totals"
        ),
    )
    .on(schema)
    .at(first.row, first.col)
    .value(first.value.display())
}

/// S005: a sheet without data rows (an error for Structures and Actions, a warning for
/// Accueil, nothing for the others).
fn empty_sheet(schema: &SheetSchema, findings: &mut Vec<Finding>) {
    let severity = match schema.kind {
        SheetKind::Structures | SheetKind::Actions => Severity::Error,
        SheetKind::Accueil => Severity::Warning,
        _ => return,
    };
    let name = &schema.name;
    findings.push(
        Finding::new(
            Code::S005,
            crate::msg!(
                "la feuille « {name} » ne contient aucune ligne de données : remplissez-la sous la ligne d'en-tête",
                "the sheet “{name}” has no data row: fill it in below the header row"
            ),
        )
        .on(schema)
        .severity(severity),
    );
}

/// How S002 names what is missing in a sheet and where it goes: a table's column (« la
/// colonne … sur la ligne d'en-tête ») or the form's field (« le champ … en colonne A »).
struct Missing {
    what: &'static str,
    feminine: bool,
    where_: &'static str,
    what_en: &'static str,
    where_en: &'static str,
}

/// A table's column.
const COLUMN: Missing = Missing {
    what: "la colonne",
    feminine: true,
    where_: "sur la ligne d'en-tête",
    what_en: "column",
    where_en: "to the header row",
};

/// The form's field.
const FIELD: Missing = Missing {
    what: "le champ",
    feminine: false,
    where_: "en colonne A, une ligne par champ,",
    what_en: "field",
    where_en: "in column A, one row per field,",
};

fn missing_columns(
    schema: &SheetSchema,
    columns: &[Option<u32>],
    findings: &mut Vec<Finding>,
    missing: &Missing,
) {
    let Missing {
        what,
        feminine,
        where_,
        what_en,
        where_en,
    } = *missing;
    for (col, at) in schema.columns.iter().zip(columns) {
        if at.is_none() {
            let (severity, nature) = match (col.required, feminine) {
                (true, _) => (Severity::Error, "obligatoire"),
                (false, true) => (Severity::Warning, "facultative"),
                (false, false) => (Severity::Warning, "facultatif"),
            };
            let (found, pronoun) = if feminine {
                ("introuvable", "la")
            } else {
                ("introuvable", "le")
            };
            let nature_en = if col.required { "required" } else { "optional" };
            findings.push(
                Finding::new(
                    Code::S002,
                    Msg::new(format!(
                        "{what} {nature} « {} » est {found} dans la feuille « {} » : ajoutez-{pronoun} {where_} avec ce libellé",
                        col.label,
                        schema.name
                    ), format!("the {nature_en} {what_en} “{}” is missing from the sheet “{}”: add it {where_en} with this label",
                        col.label,
                        schema.name
                    )),
                )
                .on(schema)
                .severity(severity),
            );
        }
    }
}

/// The Identification form: a `Champ | Valeur` header, then one label per row.
///
/// Longer than our usual functions on purpose: one pass over the sheet's rows, its layout
/// found first, then each label matched to its field and its value kept (an unknown label is
/// S003, a label twice S004 as they come; the fields never found S002 at the end): the fields
/// found and their rows are the state every step shares.
/// S004: a label of the form a row before already had (`first`: its row, 0-based).
fn label_twice(schema: &SheetSchema, i: usize, first: Option<u32>) -> (Code, Msg) {
    let (label, first) = (&schema.columns[i].label, first.map_or(0, |r| r + 1));
    (
        Code::S004,
        crate::msg!(
        "le libellé « {label} » apparaît deux fois (aussi ligne {first}) : gardez une seule ligne",
        "the label “{label}” appears twice (also on row {first}): keep a single row"
    ),
    )
}

/// S003: a label of the form that names no field, the closest suggested.
fn unknown_label(schema: &SheetSchema, shown: &str) -> (Code, Msg) {
    let (name, hint) = (&schema.name, labels_suggestion(schema, shown));
    let (hint, hint_en) = (hint.fr, hint.en);
    (Code::S003, crate::msg!(
        "le libellé « {shown} » ne correspond à aucun champ de la feuille « {name} » et il est ignoré{hint}",
        "the label “{shown}” matches no field of the “{name}” sheet and is ignored{hint_en}"
    ))
}

fn read_form(
    name: &str,
    nonblank_rows: &[(u32, Vec<RawCell>)],
    schema: &SheetSchema,
    findings: &mut Vec<Finding>,
) -> Sheet {
    let kind = schema.kind;
    let (first_data, header_row, label_col, value_col) = form_layout(nonblank_rows, schema);
    let mut sheet = Sheet {
        kind,
        actual_name: name.to_string(),
        columns: vec![None; schema.columns.len()],
        header_row,
        value_col,
        rows: Vec::new(),
        totals: SheetTotals::new(schema),
    };
    let mut form = Row {
        row: header_row.unwrap_or(0),
        cells: vec![None; schema.columns.len()],
    };
    for (row, cells) in nonblank_rows.iter().skip(first_data) {
        let row = *row;
        let Some(label) = cells
            .iter()
            .find(|c| c.col == label_col && !is_blank(&c.value))
        else {
            continue;
        };
        let Some(n) = header_text(label) else {
            continue;
        };
        let shown = label.value.display().unwrap_or_default();
        let message = match match_header(schema, &n) {
            Some(i) if sheet.columns[i].is_some() => label_twice(schema, i, sheet.columns[i]),
            Some(i) => {
                sheet.columns[i] = Some(row);
                let value = cells.iter().find(|c| c.col == value_col);
                if let Some(v) =
                    value.filter(|v| !is_blank(&v.value) || matches!(v.value, CellValue::Empty))
                {
                    form.cells[i] = Some(Cell {
                        row,
                        col: value_col,
                        raw: v.value.clone(),
                        value: None,
                        valid: true,
                    });
                }
                continue;
            }
            None => unknown_label(schema, &shown),
        };
        findings.push(
            Finding::new(message.0, message.1)
                .on(schema)
                .at(label.row, label.col)
                .value(Some(shown)),
        );
    }
    missing_columns(schema, &sheet.columns, findings, &FIELD);
    sheet.rows.push(form);
    sheet
}
