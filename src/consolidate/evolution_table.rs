//! The table of `Évolution` (`--precedent`): one line per network of the referential, in its
//! order, with each of the six figures of the year before and of the year, and the regional
//! totals of the networks compared in both years (the sheet: `consolidate/workbook/evolution.rs`;
//! the synthesis's « Évolution »).

use super::NetworkRow;
use crate::check::Checker;
use crate::evolution::{Previous, Prior};

/// How a network stands in the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Compared,
    New,
    NotSent,
    PriorUnusable,
    Invalid,
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::Compared => "comparé",
            Standing::New => "nouveau",
            Standing::NotSent => "non transmis",
            Standing::PriorUnusable => "précédent inutilisable",
            Standing::Invalid => "non conforme",
        }
    }
}

/// One network's line: its standing and its six figures of each year.
#[derive(Debug, Clone)]
pub struct Line {
    pub code: String,
    pub name: String,
    pub standing: Standing,
    pub before: [Option<i64>; 6],
    pub now: [Option<i64>; 6],
}

/// What the sheet shows: the year compared with, one line per network of the referential, and
/// the regional totals (N-1, N) of the networks compared in both years.
#[derive(Debug, Clone)]
pub struct Table {
    pub year_before: i32,
    pub lines: Vec<Line>,
    pub totals: [(i64, i64); 6],
}

impl Table {
    pub fn new(rows: &[NetworkRow], previous: &Previous, checker: &Checker) -> Table {
        let lines = lines(rows, previous, checker);
        let mut totals = [(0i64, 0i64); 6];
        // A figure one of the two years cannot give (its version lacks the column or the
        // sheet) is left out of the totals of both years.
        for line in lines.iter().filter(|l| l.standing == Standing::Compared) {
            for (k, total) in totals.iter_mut().enumerate() {
                if let (Some(b), Some(n)) = (line.before[k], line.now[k]) {
                    total.0 += b;
                    total.1 += n;
                }
            }
        }
        Table {
            year_before: previous.year,
            lines,
            totals,
        }
    }

    /// How many networks are compared in both years.
    pub fn compared(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| l.standing == Standing::Compared)
            .count()
    }
}

fn lines(rows: &[NetworkRow], previous: &Previous, checker: &Checker) -> Vec<Line> {
    checker
        .referential
        .networks
        .iter()
        .map(|n| {
            let file = rows
                .iter()
                .find(|r| r.code.eq_ignore_ascii_case(&n.code) && !r.fichier.is_empty());
            let prior = previous.get(&n.code);
            let before = match prior {
                Some(Prior::Usable { summary, .. }) => summary.figures,
                _ => [None; 6],
            };
            let now = file
                .and_then(|f| f.figures.map(|figures| (figures, f.gives)))
                .map(|(f, gives)| std::array::from_fn(|k| gives[k].then_some(f[2 + k] as i64)))
                .unwrap_or([None; 6]);
            let standing = match (file, prior) {
                (None, _) => Standing::NotSent,
                (Some(f), _) if matches!(f.statut, "Non conforme" | "Illisible") => {
                    Standing::Invalid
                }
                (Some(_), None) => Standing::New,
                (Some(_), Some(Prior::Unusable(_))) => Standing::PriorUnusable,
                (Some(_), Some(Prior::Usable { .. })) => Standing::Compared,
            };
            Line {
                code: n.code.clone(),
                name: n.nom.clone(),
                standing,
                before,
                now,
            }
        })
        .collect()
}
