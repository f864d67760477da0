//! The `Indicateurs` sheet: regional figures by département and in total, summed file by file
//! as the files are checked, and its native charts.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Chart, ChartType, Worksheet, XlsxError};

use super::{Options, DEPARTEMENTS, SHEETS};
use crate::schema::{Schemas, SheetKind, SheetSchema};
use crate::sheet::{Bilan, Sheet};
use crate::values::Typed;
use crate::xlsx::{self, Styles};

/// (row label, département or `Total`) → value.
pub type Figures = BTreeMap<(String, String), f64>;

/// Figures by département (and total) from the files counted: per block, its title, its row
/// labels in order, and its figures.
#[derive(Debug, Default, Clone)]
pub struct Indicators {
    pub blocks: Vec<(String, Vec<String>, Figures)>,
}

impl Indicators {
    /// The block titled `title`: its row labels and figures.
    pub fn block(&self, title: &str) -> Option<(&[String], &Figures)> {
        self.blocks
            .iter()
            .find(|b| b.0 == title)
            .map(|(_, labels, figures)| (labels.as_slice(), figures))
    }

    /// The value of row `label` of block `title` for `dep` (a département code, or `Total`
    /// for the Région), 0 when nothing was counted: the cell of `Indicateurs`.
    pub fn value(&self, title: &str, label: &str, dep: &str) -> f64 {
        self.block(title)
            .and_then(|(_, figures)| figures.get(&(label.to_string(), dep.to_string())))
            .copied()
            .unwrap_or(0.0)
    }
}

/// The title of the last block of `Indicateurs`: member structures and coordinators.
pub const NETWORKS: &str = "Structures et coordination";

/// The figures of the files counted so far, file by file: per block, (label, département) →
/// value. Each file's rows are summed under borrowed labels first, then added once per label.
#[derive(Debug, Default)]
pub(super) struct Tally {
    actions: Figures,
    by_type: Figures,
    by_axis: Figures,
    participants: Figures,
    by_public: Figures,
    reception: Figures,
    training: Figures,
    networks: Figures,
}

/// Sums of one file, by label (borrowed from the file's data).
type Sums<'b> = BTreeMap<&'b str, f64>;

/// Adds one file's sums to `into`, under its département and in the total.
fn merge(into: &mut Figures, sums: Sums<'_>, dep: &str) {
    for (label, v) in sums {
        *into
            .entry((label.to_string(), dep.to_string()))
            .or_insert(0.0) += v;
        *into
            .entry((label.to_string(), "Total".to_string()))
            .or_insert(0.0) += v;
    }
}

impl Tally {
    /// Adds a counted file of département `dep`.
    pub(super) fn add(&mut self, b: &Bilan, dep: &str, schemas: &Schemas) {
        let get = |kind: SheetKind| b.sheet(kind).map(|s| (s, schemas.sheet(kind)));
        let rows = |kind: SheetKind| b.sheet(kind).map_or(0, |s| s.rows.len()) as f64;
        let networks = Sums::from([
            ("Structures membres", rows(SheetKind::Structures)),
            ("Coordinateurs", rows(SheetKind::Coordination)),
        ]);
        merge(&mut self.networks, networks, dep);
        if let Some((s, sc)) = get(SheetKind::Actions) {
            self.add_actions(s, sc, dep);
        }
        if let Some((s, sc)) = get(SheetKind::Accueil) {
            self.add_accueil(s, sc, dep);
        }
        if let Some((s, sc)) = get(SheetKind::Professionnalisation) {
            let n = sc.index("professionnels");
            let mut training = Sums::new();
            for r in &s.rows {
                *training.entry("Actions d'appui suivies").or_insert(0.0) += 1.0;
                if let Some(v) = r.get(n).and_then(Typed::as_int) {
                    *training.entry("Professionnels formés").or_insert(0.0) += v as f64;
                }
            }
            merge(&mut self.training, training, dep);
        }
    }

    /// Actions: their count, by type, by axis; participants, women and men.
    fn add_actions(&mut self, s: &Sheet, sc: &SheetSchema, dep: &str) {
        let (t, a, p, w, m) = (
            sc.index("type"),
            sc.index("axe"),
            sc.index("participants"),
            sc.index("femmes"),
            sc.index("hommes"),
        );
        let (mut by_type, mut by_axis, mut participants) = (Sums::new(), Sums::new(), Sums::new());
        for r in &s.rows {
            if let Some(v) = r.get(t).and_then(Typed::as_text) {
                *by_type.entry(v).or_insert(0.0) += 1.0;
            }
            if let Some(v) = r.get(a).and_then(Typed::as_text) {
                *by_axis.entry(v).or_insert(0.0) += 1.0;
            }
            for (label, i) in [("Participants", p), ("dont femmes", w), ("dont hommes", m)] {
                if let Some(v) = r.get(i).and_then(Typed::as_int) {
                    *participants.entry(label).or_insert(0.0) += v as f64;
                }
            }
        }
        if !s.rows.is_empty() {
            let count = Sums::from([("Actions", s.rows.len() as f64)]);
            merge(&mut self.actions, count, dep);
        }
        merge(&mut self.by_type, by_type, dep);
        merge(&mut self.by_axis, by_axis, dep);
        merge(&mut self.participants, participants, dep);
    }

    /// First receptions by public; receptions, women, referrals and in-depth advice.
    fn add_accueil(&mut self, s: &Sheet, sc: &SheetSchema, dep: &str) {
        let (p, n, w, o, c) = (
            sc.index("public"),
            sc.index("accueils"),
            sc.index("femmes"),
            sc.index("orientations"),
            sc.index("conseils"),
        );
        let (mut by_public, mut reception) = (Sums::new(), Sums::new());
        for r in &s.rows {
            let accueils = r.get(n).and_then(Typed::as_int);
            if let (Some(public), Some(v)) = (r.get(p).and_then(Typed::as_text), accueils) {
                *by_public.entry(public).or_insert(0.0) += v as f64;
            }
            for (label, i) in [
                ("Premiers accueils", n),
                ("dont femmes", w),
                ("Orientations vers un partenaire", o),
                ("Conseils approfondis", c),
            ] {
                if let Some(v) = r.get(i).and_then(Typed::as_int) {
                    *reception.entry(label).or_insert(0.0) += v as f64;
                }
            }
        }
        merge(&mut self.by_public, by_public, dep);
        merge(&mut self.reception, reception, dep);
    }

    /// Adds the figures of `other`.
    pub(super) fn merge(&mut self, other: Tally) {
        for (into, from) in [
            (&mut self.actions, other.actions),
            (&mut self.by_type, other.by_type),
            (&mut self.by_axis, other.by_axis),
            (&mut self.participants, other.participants),
            (&mut self.by_public, other.by_public),
            (&mut self.reception, other.reception),
            (&mut self.training, other.training),
            (&mut self.networks, other.networks),
        ] {
            for (key, v) in from {
                *into.entry(key).or_insert(0.0) += v;
            }
        }
    }

    /// The blocks of Indicateurs: actions by département, by type and by axis; participants;
    /// first receptions by public; reception; professionalisation.
    pub(super) fn indicators(self, schemas: &Schemas) -> Indicators {
        let values_of = |kind: SheetKind, key: &str| -> Vec<String> {
            schemas
                .sheet(kind)
                .used(key)
                .map(|(_, c)| c.values.clone())
                .unwrap_or_default()
        };
        let labels = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Indicators {
            blocks: vec![
                (
                    "Actions par département".into(),
                    labels(&["Actions"]),
                    self.actions,
                ),
                (
                    "Actions par type".into(),
                    values_of(SheetKind::Actions, "type"),
                    self.by_type,
                ),
                (
                    "Actions par axe".into(),
                    values_of(SheetKind::Actions, "axe"),
                    self.by_axis,
                ),
                (
                    "Participants aux actions".into(),
                    labels(&["Participants", "dont femmes", "dont hommes"]),
                    self.participants,
                ),
                (
                    "Premiers accueils par public".into(),
                    values_of(SheetKind::Accueil, "public"),
                    self.by_public,
                ),
                (
                    "Premiers accueils et orientations".into(),
                    labels(&[
                        "Premiers accueils",
                        "dont femmes",
                        "Orientations vers un partenaire",
                        "Conseils approfondis",
                    ]),
                    self.reception,
                ),
                (
                    "Professionnalisation".into(),
                    labels(&["Actions d'appui suivies", "Professionnels formés"]),
                    self.training,
                ),
                (
                    NETWORKS.into(),
                    labels(&["Structures membres", "Coordinateurs"]),
                    self.networks,
                ),
            ],
        }
    }
}

pub(super) fn indicateurs(
    ws: &mut Worksheet,
    indicators: &Indicators,
    counted: usize,
    options: &Options,
    styles: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(SHEETS[7])?;
    let scope = if options.include_invalid {
        "fichiers lisibles, y compris non conformes"
    } else {
        "fichiers sans erreur"
    };
    xlsx::text(
        ws,
        0,
        0,
        &format!(
            "Indicateurs régionaux {} — {} fichier(s) comptés ({scope})",
            options.year, counted
        ),
        &styles.title,
    )?;
    let mut row = 2u32;
    let mut anchors = Vec::new();
    for (title, labels, values) in &indicators.blocks {
        let mut header = vec![title.as_str()];
        let dep_headers: Vec<String> = DEPARTEMENTS
            .iter()
            .map(|(c, n)| format!("{n} ({c})"))
            .collect();
        header.extend(dep_headers.iter().map(String::as_str));
        header.push("Région");
        for (c, h) in header.iter().enumerate() {
            xlsx::text(ws, row, c as u16, h, &styles.header)?;
        }
        let first = row + 1;
        for (k, label) in labels.iter().enumerate() {
            let r = first + k as u32;
            xlsx::text(ws, r, 0, label, &styles.text)?;
            for (c, dep) in DEPARTEMENTS
                .iter()
                .map(|(d, _)| *d)
                .chain(["Total"])
                .enumerate()
            {
                let v = values
                    .get(&(label.clone(), dep.to_string()))
                    .copied()
                    .unwrap_or(0.0);
                ws.write_number_with_format(r, 1 + c as u16, v, &styles.integer)?;
            }
        }
        anchors.push((title.clone(), row, first, first + labels.len() as u32 - 1));
        row = first + labels.len() as u32 + 1;
    }
    ws.set_column_width(0, 44)?;
    for c in 1..=7u16 {
        ws.set_column_width(c, 16)?;
    }
    // The charts start a page of their own, a few empty rows below the tables: LibreOffice
    // also draws a chart clipped on the page before, where the rows after the tables are, and
    // it must not reach that page's footer.
    charts(ws, &anchors, row + 8)?;
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The charts: actions by département, first receptions by public, side by side below the
/// tables (from `charts_row`), on a page of their own when printed. `anchors` gives each
/// table's title, header row, first and last rows.
fn charts(
    ws: &mut Worksheet,
    anchors: &[(String, u32, u32, u32)],
    charts_row: u32,
) -> Result<(), XlsxError> {
    let sheet = SHEETS[7];
    ws.set_page_breaks(&[charts_row])?;
    if let Some((_, header_row, first, _)) =
        anchors.iter().find(|a| a.0 == "Actions par département")
    {
        let mut chart = Chart::new(ChartType::Column);
        chart.title().set_name("Actions par département");
        chart
            .add_series()
            .set_name("Actions")
            .set_categories((sheet, *header_row, 1, *header_row, 6))
            .set_values((sheet, *first, 1, *first, 6));
        chart.legend().set_hidden();
        chart.set_width(560).set_height(360);
        ws.insert_chart(charts_row, 0, &chart)?;
    }
    if let Some((_, _, first, last)) = anchors
        .iter()
        .find(|a| a.0 == "Premiers accueils par public")
    {
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .title()
            .set_name("Premiers accueils par public (Région)");
        chart
            .add_series()
            .set_name("Premiers accueils")
            .set_categories((sheet, *first, 0, *last, 0))
            .set_values((sheet, *first, 7, *last, 7));
        chart.legend().set_hidden();
        chart.set_width(560).set_height(360);
        ws.insert_chart(charts_row, 4, &chart)?;
    }
    Ok(())
}
