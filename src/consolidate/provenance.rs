//! The provenance of every input (size and SHA-256), for `À propos` and the synthesis.

use std::path::PathBuf;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::inputs::Input;

/// One input file as the analyst can prove it.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub path: PathBuf,
    pub size: Option<u64>,
    pub sha256: Option<String>,
}

/// Size and SHA-256 of each input, computed in parallel (an upload's from its bytes in memory).
pub fn provenance(inputs: &[&Input]) -> Vec<Provenance> {
    inputs
        .par_iter()
        .map(|input| {
            let bytes: Option<std::borrow::Cow<[u8]>> = match input {
                Input::Memory { bytes, .. } => Some(std::borrow::Cow::Borrowed(bytes)),
                _ => std::fs::read(input.path())
                    .ok()
                    .map(std::borrow::Cow::Owned),
            };
            Provenance {
                path: input.path().to_path_buf(),
                size: bytes.as_ref().map(|b| b.len() as u64),
                sha256: bytes.map(|b| {
                    Sha256::digest(&b)
                        .iter()
                        .map(|x| format!("{x:02x}"))
                        .collect::<String>()
                }),
            }
        })
        .collect()
}
