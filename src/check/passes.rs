//! The rules of one file after its reading, as one shape: each family is a [`Pass`], which
//! sees the rows of a large sheet as they stream and the whole workbook once read, and
//! [`PASSES`] lists them in the order they run. The families' checks live with their data
//! (`referential.rs`, `charter/`, `evolution/rules.rs`); what a pass is made of lives here.
//!
//! The whole road of a file, top to bottom (the same table is in `rules/mod.rs`):
//!
//! 1. admission and reading (`read/`): F001–F003 before and while the file is opened, then the
//!    structure (S001–S005, S007, S008) as sheets and headers are found and the values (V001–V007)
//!    as each row arrives; a cell with a V finding is invisible to what follows;
//! 2. the passes below, in this order, on each chunk of rows of a large sheet then on the
//!    workbook;
//! 3. across the batch (`check/batch.rs`): B001 (a network twice), B002 (a network missing);
//! 4. the settling (`Checker::settle`): the configuration's overrides, the order of findings.

use crate::finding::Finding;
use crate::read::sheet::{Bilan, Row, Sheet};
use crate::read::version::Chosen;
use crate::schema::Schemas;

use super::Checker;

/// One file as the passes see it: its bilan (the small sheets whole; a large sheet's rows only
/// as they stream, or kept for a consolidation), the schemas it was read with, the version
/// chosen, and its network as written in Identification.
pub(crate) struct File<'a> {
    pub bilan: &'a Bilan,
    pub schemas: &'a Schemas,
    pub chosen: &'a Chosen,
    pub network: Option<&'a str>,
}

/// A family of rules of one file. Each hook adds its findings; the configuration's overrides
/// and the order come after every pass, in one place.
pub(crate) trait Pass: Sync {
    /// A few rows of the large sheet `sheet` (Actions, Accueil, Professionnalisation), read and
    /// validated, the small sheets of `file.bilan` already read.
    fn rows(&self, _: &Checker, _: &File<'_>, _: &Sheet, _: &[Row], _: &mut Vec<Finding>) {}

    /// The workbook, once read.
    fn workbook(&self, _: &Checker, _: &File<'_>, _: &mut Vec<Finding>) {}
}

/// The passes of one file, in the order they run.
pub(crate) const PASSES: [&dyn Pass; 4] = [
    // R001–R003: the network, its département, the year, against the referential.
    &Networks,
    // S006: the template version the file was read with, against the registry.
    &TemplateVersion,
    // C001–C018: the charter and the convention, row by row then sheet by sheet.
    &Charter,
    // T000–T005: against last year's bilan of the network, with `--precedent`.
    &YearBefore,
];

struct Networks;

impl Pass for Networks {
    fn workbook(&self, checker: &Checker, file: &File<'_>, out: &mut Vec<Finding>) {
        let year = checker.year();
        crate::referential::check(file.bilan, file.schemas, &checker.referential, year, out);
    }
}

struct TemplateVersion;

impl Pass for TemplateVersion {
    fn workbook(&self, checker: &Checker, file: &File<'_>, out: &mut Vec<Finding>) {
        let (registry, year) = (&checker.registry, checker.year());
        crate::read::version::check(file.bilan, file.schemas, registry, file.chosen, year, out);
    }
}

struct Charter;

impl Pass for Charter {
    fn rows(&self, c: &Checker, f: &File<'_>, s: &Sheet, rows: &[Row], out: &mut Vec<Finding>) {
        let deadline = c.config.deadline;
        crate::charter::check_rows(f.bilan, s, rows, f.schemas, deadline, out);
    }

    fn workbook(&self, checker: &Checker, file: &File<'_>, out: &mut Vec<Finding>) {
        let deadline = checker.config.deadline;
        crate::charter::check_sheets(file.bilan, file.schemas, deadline, out);
    }
}

struct YearBefore;

impl Pass for YearBefore {
    fn rows(&self, c: &Checker, f: &File<'_>, s: &Sheet, rows: &[Row], out: &mut Vec<Finding>) {
        if let Some(previous) = &c.previous {
            let trends = &c.config.trends;
            crate::evolution::rules::check_rows(
                s, rows, f.schemas, f.network, previous, trends, out,
            );
        }
    }

    fn workbook(&self, checker: &Checker, file: &File<'_>, out: &mut Vec<Finding>) {
        if let Some(previous) = &checker.previous {
            let (bilan, schemas, trends) = (file.bilan, file.schemas, &checker.config.trends);
            crate::evolution::rules::check(bilan, schemas, file.network, previous, trends, out);
        }
    }
}
