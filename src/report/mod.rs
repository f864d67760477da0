//! Reports: the same [`Report`](crate::check::Report) rendered for a person (human) or for a
//! machine (json). One function per format, chosen by `--format`; none of them decides the
//! exit code.

pub mod human;
pub mod json;
