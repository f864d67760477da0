//! Reports: the same [`Report`](crate::check::Report) rendered for a person (human), for a
//! machine (json, sarif), or for CI (github, junit). One module per format, chosen by
//! `--format`; none of them decides the exit code.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
