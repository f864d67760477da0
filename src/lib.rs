//! `spro-bilans`: checks the tableaux de bord that the local SPRO-EP networks of the Région
//! Centre-Val de Loire send every year, and consolidates them.
//!
//! Data flows one way: [`read`] admits a file, reads its cells (calamine) and finds its
//! sheets, headers and rows (S rules), each cell read as its [`schema`] column asks →
//! [`read::validate`] runs the JSON Schemas on each row (V) → [`charter`] runs the row rules as rows
//! stream and the sheet rules once read (C), [`referential`] the network rules (R), and
//! [`evolution`] the year-over-year rules (T, with `--precedent`) → [`check`] adds the batch
//! rules (B), applies the configuration and sorts → [`report`] renders, [`annotate`] marks a
//! copy, [`consolidate`] folds a batch into the regional figures for its outputs (the
//! regional workbook, the [`synthesis`]), and [`serve`] does the same for a browser. The rule
//! catalogue, and where each family lives, is [`rules`].

// Functions over 80 lines (clippy.toml) say why, in an `#[expect(…, reason)]`.
#![warn(clippy::too_many_lines)]
#![warn(unreachable_pub)]

pub mod annotate;
pub(crate) mod bilan;
pub(crate) mod campaign;
pub(crate) mod charter;
pub mod check;
pub mod cli;
pub mod config;
pub mod consolidate;
pub(crate) mod evolution;
pub mod finding;
#[macro_use]
pub mod i18n;
#[cfg(any(test, feature = "fixture"))]
pub mod fixture;
pub mod inputs;
pub(crate) mod labels;
pub mod memory;
pub(crate) mod norm;
pub(crate) mod open_data;
pub(crate) mod ordered;
pub(crate) mod output;
pub mod read;
pub mod referential;
pub mod registry;
pub(crate) mod report;
pub mod rules;

pub mod schema;
pub(crate) mod serve;
pub(crate) mod severity;
pub(crate) mod siret;
pub mod synthesis;
pub(crate) mod template;
pub(crate) mod xlsx;
