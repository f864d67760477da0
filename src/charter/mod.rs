//! Charter rules (C001–C018): what the regional charter and the local convention require,
//! checked across sheets with the exact triggers and cells of contrat §7.8. Only valid values are
//! used (a cell with a V-finding is invisible here) and a missing or empty sheet feeds nothing
//! (§7.7), so one problem gives one finding.
//!
//! One file per rule (or per small family sharing one walk: C011, C012 and C018 look at the
//! axes of the programme together), each a function of the [`Context`] with its messages
//! beside it and its unit tests on an in-memory workbook; [`ROW_RULES`] lists those that look
//! at one row of a large sheet at a time (they run as its rows stream by), [`SHEET_RULES`]
//! those that look at the small sheets or at a large sheet as a whole (through its tally).
//! Adding a charter rule: its entry in `rules/catalogue.rs`, its file here, its line in one
//! of the two lists, its case in `fixtures/cas/cas.json`.

mod c001_coordination_absente;
mod c002_coordinateur_hors_reseau;
mod c003_convention_hors_periode;
mod c004_signataire_sans_date;
mod c005_logo_manquant;
mod c006_structure_non_membre;
mod c007_dates_action;
mod c008_repartition;
mod c009_orientations;
mod c010_action_non_coconstruite;
mod c013_operateur_cep_absent;
mod c014_operateur_cep_incoherent;
mod c015_premier_accueil_absent;
mod c016_professionnalisation_absente;
mod c017_transmission_tardive;
mod programme;
mod view;

use crate::config::Deadline;
use crate::finding::Finding;
use crate::read::sheet::{Bilan, Row, Sheet};
use crate::schema::{Schemas, SheetKind};

use view::{Members, View};

pub(crate) use crate::rules::CEP_TYPES;

/// What every charter rule reads: the six sheets (each `None` when missing), the
/// identification form, the member structures, the year of the bilan and the deadline. The
/// small sheets (Identification, Structures, Coordination) are there whole; a large one
/// (Actions, Accueil, Professionnalisation) with the rows streaming by, for the row rules,
/// or without rows, for the sheet rules (its tally says what they need).
pub(crate) struct Context<'a> {
    pub ident: Option<View<'a>>,
    pub structures: Option<View<'a>>,
    pub coordination: Option<View<'a>>,
    pub actions: Option<View<'a>>,
    pub accueil: Option<View<'a>>,
    pub pro: Option<View<'a>>,
    pub form: Option<&'a Row>,
    pub members: Option<Members>,
    pub year: Option<i32>,
    pub deadline: Deadline,
}

impl<'a> Context<'a> {
    /// The small sheets of `bilan`, and each large one with `rows_of(its kind)`.
    fn new(
        bilan: &'a Bilan,
        schemas: &'a Schemas,
        deadline: Deadline,
        large: impl Fn(SheetKind) -> Option<View<'a>>,
    ) -> Context<'a> {
        let view = |kind| View::new(bilan, schemas, kind);
        let ident = view(SheetKind::Identification);
        let structures = view(SheetKind::Structures);
        let form = bilan.identification();
        let year = ident
            .as_ref()
            .zip(form)
            .and_then(|(v, f)| v.int(f, "annee"))
            .and_then(|y| i32::try_from(y).ok());
        Context {
            members: Members::read(structures.as_ref()),
            coordination: view(SheetKind::Coordination),
            actions: large(SheetKind::Actions),
            accueil: large(SheetKind::Accueil),
            pro: large(SheetKind::Professionnalisation),
            ident,
            structures,
            form,
            year,
            deadline,
        }
    }
}

/// A charter rule: it reads the context and adds its findings.
type Rule = fn(&Context<'_>, &mut Vec<Finding>);

/// The rules of one row of a large sheet: they see its rows as they stream, a few at a time.
const ROW_RULES: [Rule; 6] = [
    c005_logo_manquant::check,
    c006_structure_non_membre::check,
    c007_dates_action::check,
    c008_repartition::check,
    c009_orientations::check,
    c010_action_non_coconstruite::check,
];

/// The rules of the small sheets and of whole sheets (their tallies), once all is read.
const SHEET_RULES: [Rule; 10] = [
    c001_coordination_absente::check,
    c002_coordinateur_hors_reseau::check,
    c003_convention_hors_periode::check,
    c004_signataire_sans_date::check,
    programme::check,
    c013_operateur_cep_absent::check,
    c014_operateur_cep_incoherent::check,
    c015_premier_accueil_absent::check,
    c016_professionnalisation_absente::check,
    c017_transmission_tardive::check,
];

/// Runs the row rules on `rows` of the large sheet `sheet`, against the small sheets of
/// `bilan` (read first).
pub(crate) fn check_rows(
    bilan: &Bilan,
    sheet: &Sheet,
    rows: &[Row],
    schemas: &Schemas,
    deadline: Deadline,
    findings: &mut Vec<Finding>,
) {
    let cx = Context::new(bilan, schemas, deadline, |kind| {
        (kind == sheet.kind).then(|| View::of(sheet, rows, schemas))
    });
    for rule in ROW_RULES {
        rule(&cx, findings);
    }
}

/// Runs the sheet rules once the whole workbook is read.
pub(crate) fn check_sheets(
    bilan: &Bilan,
    schemas: &Schemas,
    deadline: Deadline,
    findings: &mut Vec<Finding>,
) {
    let cx = Context::new(bilan, schemas, deadline, |kind| {
        bilan.sheet(kind).map(|s| View::of(s, &[], schemas))
    });
    for rule in SHEET_RULES {
        rule(&cx, findings);
    }
}

/// The charter findings of an in-memory workbook: the sample tableau de bord of Châteauroux
/// with `edits` (as in `fixtures/cas/cas.json`), read and checked like a file, for the unit
/// tests of each rule.
#[cfg(test)]
pub(crate) fn findings_of(edits: serde_json::Value) -> Vec<(crate::rules::Code, String)> {
    let mut description: serde_json::Value =
        serde_json::from_str(include_str!("../../fixtures/sources/36-CHX-2025.json"))
            .expect("the sample source");
    for edit in edits.as_array().expect("a list of edits") {
        crate::fixture::apply(&mut description, edit).expect("an edit of the sample");
    }
    let bytes = crate::fixture::build_xlsx(&description).expect("the workbook");
    let limits = crate::config::Limits::default();
    let admitted =
        crate::read::admit::admit(bytes, crate::read::Format::Xlsx, &limits).expect("admitted");
    let mut opened = crate::read::Opened::open(&admitted, &limits).expect("readable");
    let schemas = crate::registry::Registry::embedded().schemas();
    let mut ignored = Vec::new();
    // The charter's row rules alone, their findings apart from the reading's.
    let found = std::cell::RefCell::new(Vec::new());
    let on_rows = |bilan: &Bilan, sheet: &Sheet, rows: &[Row], _: &mut Vec<Finding>| {
        let mut found = found.borrow_mut();
        check_rows(
            bilan,
            sheet,
            rows,
            &schemas,
            Deadline::default(),
            &mut found,
        );
    };
    let bilan =
        crate::read::sheet::read_bilan(&mut opened, &schemas, false, &on_rows, &mut ignored)
            .expect("read");
    let mut found = found.into_inner();
    check_sheets(&bilan, &schemas, Deadline::default(), &mut found);
    found.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    found
        .iter()
        .map(|f| {
            let place = match (f.sheet_name(), f.cell_a1()) {
                (Some(s), Some(c)) => format!("{s}!{c}"),
                (Some(s), None) => s.to_string(),
                _ => String::new(),
            };
            (f.code, place)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_meets_the_charter() {
        assert_eq!(findings_of(serde_json::json!([])), []);
    }
}
