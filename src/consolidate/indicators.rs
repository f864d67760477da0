//! The figures of `Indicateurs`: regional figures by département and in total, summed file by
//! file as the files are checked (the sheet and its charts: `workbook/indicateurs.rs`).

use std::collections::{BTreeMap, BTreeSet};

use crate::read::sheet::{Bilan, Sheet};
use crate::read::values::Typed;
use crate::schema::{Schemas, SheetKind, SheetSchema};

/// (row label, département or `Total`) → value.
pub(super) type Figures = BTreeMap<(String, String), f64>;

/// Figures by département (and total) from the files counted: per block, its title, its row
/// labels in order, and its figures.
#[derive(Debug, Default, Clone)]
pub struct Indicators {
    pub blocks: Vec<(String, Vec<String>, Figures)>,
    /// What the files counted can give (see [`Given`]).
    pub given: Given,
}

/// Which rows each counted file's template version can give: a row whose column or sheet the
/// version lacks is not 0 for that file's network, it is unknown — out of the sums, said in a
/// note, and « — » where no file gives it.
#[derive(Debug, Default, Clone)]
pub struct Given {
    /// (block, row, département or `Total`) given by at least one file. A row `""` stands for
    /// every row of a block of values (by type, by axis, by public).
    gives: BTreeSet<(String, String, String)>,
    /// (block, row) → the networks left out: (département, code).
    left_out: BTreeMap<(String, String), BTreeSet<(String, String)>>,
}

impl Given {
    /// The (block, row) entry a row of block `title` is known by.
    fn entry(&self, title: &str, label: &str) -> (String, String) {
        let whole = (title.to_string(), String::new());
        if self.left_out.contains_key(&whole)
            || self
                .gives
                .iter()
                .any(|(b, r, _)| b == title && r.is_empty())
        {
            whole
        } else {
            (title.to_string(), label.to_string())
        }
    }

    /// Whether no file of `dep` (a département, or `Total`) gives row `label` of `title`
    /// while some file of it cannot: the cell is « — ».
    pub fn dash(&self, title: &str, label: &str, dep: &str) -> bool {
        let (block, row) = self.entry(title, label);
        let missing = self
            .left_out
            .get(&(block.clone(), row.clone()))
            .is_some_and(|n| dep == "Total" || n.iter().any(|(d, _)| d == dep));
        missing && !self.gives.contains(&(block, row, dep.to_string()))
    }

    /// The networks a row leaves out (their version cannot give it), by code.
    pub fn left_out(&self, title: &str, label: &str) -> Vec<String> {
        self.left_out
            .get(&self.entry(title, label))
            .map(|n| n.iter().map(|(_, code)| code.clone()).collect())
            .unwrap_or_default()
    }

    fn merge(&mut self, other: Given) {
        self.gives.extend(other.gives);
        for (k, v) in other.left_out {
            self.left_out.entry(k).or_default().extend(v);
        }
    }
}

/// What each row of `Indicateurs` reads: (block, row — `""` for every row of a block of
/// values —, the sheet, the column summed or listed; `None`: rows counted).
const READS: [(&str, &str, SheetKind, Option<&str>); 15] = [
    (
        "Actions par département",
        "Actions",
        SheetKind::Actions,
        None,
    ),
    ("Actions par type", "", SheetKind::Actions, Some("type")),
    ("Actions par axe", "", SheetKind::Actions, Some("axe")),
    (
        "Participants aux actions",
        "Participants",
        SheetKind::Actions,
        Some("participants"),
    ),
    (
        "Participants aux actions",
        "dont femmes",
        SheetKind::Actions,
        Some("femmes"),
    ),
    (
        "Participants aux actions",
        "dont hommes",
        SheetKind::Actions,
        Some("hommes"),
    ),
    (
        "Premiers accueils par public",
        "",
        SheetKind::Accueil,
        Some("public"),
    ),
    (
        "Premiers accueils et orientations",
        "Premiers accueils",
        SheetKind::Accueil,
        Some("accueils"),
    ),
    (
        "Premiers accueils et orientations",
        "dont femmes",
        SheetKind::Accueil,
        Some("femmes"),
    ),
    (
        "Premiers accueils et orientations",
        "Orientations vers un partenaire",
        SheetKind::Accueil,
        Some("orientations"),
    ),
    (
        "Premiers accueils et orientations",
        "Conseils approfondis",
        SheetKind::Accueil,
        Some("conseils"),
    ),
    (
        "Professionnalisation",
        "Actions d'appui suivies",
        SheetKind::Professionnalisation,
        None,
    ),
    (
        "Professionnalisation",
        "Professionnels formés",
        SheetKind::Professionnalisation,
        Some("professionnels"),
    ),
    (NETWORKS, "Structures membres", SheetKind::Structures, None),
    (NETWORKS, "Coordinateurs", SheetKind::Coordination, None),
];

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

/// The rows of a block of values: the layout's list, then the values a file of another version
/// holds that the list lacks (a value taken off the list since), counted in rows of their own.
fn with_others(mut labels: Vec<String>, figures: &Figures) -> Vec<String> {
    let others: BTreeSet<&String> = figures
        .keys()
        .map(|(label, _)| label)
        .filter(|l| !labels.contains(l))
        .collect();
    labels.extend(others.into_iter().cloned());
    labels
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
    given: Given,
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
    /// Records which rows network `code` of département `dep` gives, by its file's version's
    /// schemas (`own`).
    pub(super) fn gives(&mut self, own: &Schemas, dep: &str, code: &str) {
        for (block, row, kind, key) in READS {
            let gives = own.has(kind) && key.is_none_or(|k| own.sheet(kind).used(k).is_some());
            if gives {
                for d in [dep, "Total"] {
                    let entry = (block.to_string(), row.to_string(), d.to_string());
                    self.given.gives.insert(entry);
                }
            } else {
                self.given
                    .left_out
                    .entry((block.to_string(), row.to_string()))
                    .or_default()
                    .insert((dep.to_string(), code.to_string()));
            }
        }
    }

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
        self.given.merge(other.given);
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
        // The layout's list, then the values of other versions the files hold.
        let values_of = |kind: SheetKind, key: &str, figures: &Figures| {
            let list = schemas.sheet(kind).used(key).map(|(_, c)| c.values.clone());
            with_others(list.unwrap_or_default(), figures)
        };
        let labels = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // Rows of a column: only where the layout's version has it (a 2024.1 layout has no
        // « dont hommes »: no row, rather than a row of zeros).
        let columns = |kind: SheetKind, l: &[(&str, &str)]| -> Vec<String> {
            l.iter()
                .filter(|(_, key)| schemas.sheet(kind).used(key).is_some())
                .map(|(label, _)| label.to_string())
                .collect()
        };
        Indicators {
            given: self.given,
            blocks: vec![
                (
                    "Actions par département".into(),
                    labels(&["Actions"]),
                    self.actions,
                ),
                (
                    "Actions par type".into(),
                    values_of(SheetKind::Actions, "type", &self.by_type),
                    self.by_type,
                ),
                (
                    "Actions par axe".into(),
                    values_of(SheetKind::Actions, "axe", &self.by_axis),
                    self.by_axis,
                ),
                (
                    "Participants aux actions".into(),
                    columns(
                        SheetKind::Actions,
                        &[
                            ("Participants", "participants"),
                            ("dont femmes", "femmes"),
                            ("dont hommes", "hommes"),
                        ],
                    ),
                    self.participants,
                ),
                (
                    "Premiers accueils par public".into(),
                    values_of(SheetKind::Accueil, "public", &self.by_public),
                    self.by_public,
                ),
                (
                    "Premiers accueils et orientations".into(),
                    columns(
                        SheetKind::Accueil,
                        &[
                            ("Premiers accueils", "accueils"),
                            ("dont femmes", "femmes"),
                            ("Orientations vers un partenaire", "orientations"),
                            ("Conseils approfondis", "conseils"),
                        ],
                    ),
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
