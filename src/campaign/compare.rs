//! Two deposits of one network compared (`GET /depots/{id}/comparaison/{autre}`): the findings
//! new, fixed and still there — a finding is the same when its rule, sheet and row key are (the
//! cell, for Identification; the column too, so that one rule twice on a row stays twice) —, the network's figures before and after, and how many cells
//! changed in each sheet. Both files are read again from their stored bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

use super::deposits::Deposited;
use super::people::Person;
use super::{CampaignError, Store};
use crate::bilan::{Bilan, Row, SheetKind};
use crate::check::{Checker, FileReport};
use crate::finding::Finding;
use crate::i18n::Lang;
use crate::norm::norm;
use crate::schema::Schemas;

/// The comparison, as the API gives it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Comparison {
    pub(crate) depot: i64,
    pub(crate) autre: i64,
    pub(crate) nouveaux: Vec<serde_json::Value>,
    pub(crate) corriges: Vec<serde_json::Value>,
    pub(crate) toujours_la: Vec<serde_json::Value>,
    pub(crate) chiffres: Vec<Figure>,
    /// By sheet (its name in the current template): cells whose value differs.
    pub(crate) cellules_modifiees: BTreeMap<String, usize>,
}

/// A figure of the network before (`autre`) and after (`depot`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Figure {
    pub(crate) nom: &'static str,
    pub(crate) avant: Option<i64>,
    pub(crate) apres: Option<i64>,
}

impl Store {
    /// What changed from deposit `other` to deposit `id` (one network's), as `viewer` may see
    /// them; `checker` keeps the data (the rows are compared).
    pub(crate) fn compare(
        &self,
        checker: &Checker,
        id: i64,
        other: i64,
        viewer: Option<&Person>,
    ) -> Result<Comparison, CampaignError> {
        let after = self.deposited(id, viewer)?;
        let before = self.deposited(other, viewer)?;
        if after.reseau != before.reseau {
            return Err(CampaignError::NoSuchDeposit(other));
        }
        let checker = checker.for_year(after.annee);
        let read = |d: &Deposited| -> Result<FileReport, CampaignError> {
            let bytes = self.bytes_of(d)?;
            let (report, _) = checker.check_owned(Path::new(&d.nom), bytes);
            let concluded = checker.conclude(vec![report], false, &mut |_| Ok::<(), ()>(()));
            Ok(concluded.map_or_else(
                |()| unreachable!("nothing to redo"),
                |mut r| r.files.remove(0),
            ))
        };
        let (a, b) = (read(&after)?, read(&before)?);
        let schemas = &checker.schemas;
        let keyed = |r: &FileReport| -> BTreeMap<String, Finding> {
            r.findings
                .iter()
                .map(|f| (identity(f, r.bilan.as_ref(), schemas), f.clone()))
                .collect()
        };
        let (now, then) = (keyed(&a), keyed(&b));
        let json = |f: &Finding| crate::report::json::finding_entry(f, Lang::Fr);
        let pick = |from: &BTreeMap<String, Finding>, keep: &dyn Fn(&String) -> bool| {
            let mut list: Vec<&Finding> = from
                .iter()
                .filter(|(k, _)| keep(k))
                .map(|(_, f)| f)
                .collect();
            list.sort_by(|x, y| x.sort_key().cmp(&y.sort_key()));
            list.into_iter().map(json).collect::<Vec<_>>()
        };
        let figures_of = |r: &FileReport| {
            r.bilan
                .as_ref()
                .map_or([None; 6], |b| crate::evolution::figures(b, schemas))
        };
        let (fa, fb) = (figures_of(&a), figures_of(&b));
        Ok(Comparison {
            depot: id,
            autre: other,
            nouveaux: pick(&now, &|k| !then.contains_key(k)),
            corriges: pick(&then, &|k| !now.contains_key(k)),
            toujours_la: pick(&now, &|k| then.contains_key(k)),
            chiffres: crate::evolution::FIGURES
                .iter()
                .enumerate()
                .map(|(i, f)| Figure {
                    nom: f.name.0,
                    avant: fb[i],
                    apres: fa[i],
                })
                .collect(),
            cellules_modifiees: changed_cells(a.bilan.as_ref(), b.bilan.as_ref(), schemas),
        })
    }
}

/// The columns that tell a row of each sheet from the others (those V006 checks; Coordination
/// by name and first name, Professionnalisation by structure).
fn key_columns(kind: SheetKind) -> &'static [&'static str] {
    match kind {
        SheetKind::Structures => &["nom"],
        SheetKind::Coordination => &["nom", "prenom"],
        SheetKind::Actions => &["id"],
        SheetKind::Accueil => &["structure", "public"],
        SheetKind::Professionnalisation => &["structure"],
        _ => &[],
    }
}

/// A row's key: its key columns' values, normalised; `None` when one is empty.
fn row_key(kind: SheetKind, row: &Row, schemas: &Schemas) -> Option<String> {
    let schema = schemas.sheet(kind);
    let parts: Option<Vec<String>> = key_columns(kind)
        .iter()
        .map(|k| {
            row.cell(schema.index(k))
                .and_then(|c| c.raw.display())
                .map(|t| norm(&t))
        })
        .collect();
    parts.filter(|p| !p.is_empty()).map(|p| p.join("\u{1f}"))
}

/// What makes two findings the same: rule, sheet, and the row's key with the column (the cell
/// for Identification, or when the row has no key): a row moved is the same row.
fn identity(f: &Finding, bilan: Option<&Bilan>, schemas: &Schemas) -> String {
    let sheet = f.sheet_name().unwrap_or_default();
    let kind = f.location.sheet.as_ref().and_then(|s| s.kind());
    let row = f.location.cell.map(|(r, _)| r);
    let key = match (kind, row, bilan) {
        (Some(kind), Some(r), Some(b)) if kind != SheetKind::Identification => b
            .sheet(kind)
            .and_then(|s| s.rows.iter().find(|x| x.row == r))
            .and_then(|x| row_key(kind, x, schemas))
            // Two findings of one rule on one row (two logos missing) stay two: the column
            // tells them apart.
            .map(|k| format!("ligne:{k}:{}", f.column_letters().unwrap_or_default())),
        _ => None,
    };
    let place = key.or_else(|| f.cell_a1()).unwrap_or_default();
    format!("{}|{sheet}|{place}", f.code)
}

/// By sheet, the cells whose shown value differs between the two bilans, rows matched by key
/// (a row in one only counts its filled cells).
fn changed_cells(
    after: Option<&Bilan>,
    before: Option<&Bilan>,
    schemas: &Schemas,
) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    let (Some(after), Some(before)) = (after, before) else {
        return out;
    };
    for kind in SheetKind::ALL {
        let rows = |b: &Bilan| -> BTreeMap<String, Vec<Option<String>>> {
            b.sheet(kind).map_or_else(BTreeMap::new, |s| {
                s.rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let shown = r
                            .cells
                            .iter()
                            .map(|c| c.as_ref().and_then(|c| c.raw.display()))
                            .collect();
                        let key = row_key(kind, r, schemas).unwrap_or_else(|| format!("#{i}"));
                        (key, shown)
                    })
                    .collect()
            })
        };
        let (a, b) = (rows(after), rows(before));
        let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        let empty = Vec::new();
        let mut n = 0;
        for k in keys {
            let (x, y) = (a.get(k).unwrap_or(&empty), b.get(k).unwrap_or(&empty));
            n += (0..x.len().max(y.len()))
                .filter(|&i| x.get(i).cloned().flatten() != y.get(i).cloned().flatten())
                .count();
        }
        if n > 0 {
            out.insert(kind.name().to_string(), n);
        }
    }
    out
}
