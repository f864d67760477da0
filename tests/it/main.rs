//! The integration tests of `spro`, one crate: each module drives the binary or the library
//! as a user would (a workbook in, findings or a workbook out), with the helpers of
//! [`common`]. One crate rather than one per file: the library, Typst included, is linked once.

mod common;

mod annotate;
mod architecture;
mod batch;
mod browser;
mod campagne;
mod cases;
mod cli;
mod consolidate;
mod distribution;
mod evolution;
mod files;
mod fixtures_up_to_date;
mod formats;
mod guide;
mod hostile;
mod modeles;
mod open_data;
mod other_software;
mod outputs;
mod plurals;
mod regressions;
mod revisions;
mod samples;
mod serve;
mod streaming;
mod synthese;
mod template;
mod versions;
