//! `spro-bilans`: checks the tableaux de bord that the local SPRO-EP networks of the Région
//! Centre-Val de Loire send every year, and consolidates them.
//!
//! Data flows one way: [`workbook`] reads a file (calamine) into raw cells → [`sheet`] finds
//! sheets, headers and rows → [`values`] reads each cell as its [`schema`] column asks →
//! [`validate`] runs the JSON Schemas, then [`referential`] and [`charter`] run the rules
//! across sheets, and [`evolution`] the year-over-year rules (T, with `--precedent`) →
//! [`check`] adds the batch rules, applies the configuration and sorts → [`report`] renders.
//! The rule catalogue is [`rules`].

pub mod annotate;
pub mod charter;
pub mod check;
pub mod cli;
pub mod config;
pub mod consolidate;
pub mod evolution;
pub mod finding;
#[macro_use]
pub mod i18n;
pub mod fixture;
pub mod inputs;
pub mod labels;
pub mod memory;
pub mod norm;
pub mod ordered;
pub mod output;
pub mod read;
pub mod referential;
pub mod report;
pub mod rules;

pub mod schema;
pub mod serve;
pub mod severity;
pub mod siret;
pub mod synthesis;
pub mod template;
pub mod validate;
pub mod xlsx;
