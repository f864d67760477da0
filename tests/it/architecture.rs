//! The layers of `ARCHITECTURE.md`, kept by a test: no circle between the folders of `src/` (a
//! module file at the top counts as its own folder), read from the `crate::` paths of the code
//! outside its test modules, and the bilan's types (`src/bilan.rs`) depending on nothing of the
//! crate but the normalisation.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::*;

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Folder → the folders its code names (`crate::x`), test modules left out.
fn folder_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let mut parts = rel.iter().map(|p| p.to_string_lossy().into_owned());
        let first = parts.next().unwrap();
        let folder = first.trim_end_matches(".rs").to_string();
        if folder == "lib" || folder == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        let named = graph.entry(folder.clone()).or_default();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            let target: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !target.is_empty() && target != folder && target != "msg" {
                named.insert(target);
            }
        }
    }
    graph
}

/// The folders `from` reaches by following the graph.
fn reach(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(f) = stack.pop() {
        for next in graph.get(&f).into_iter().flatten() {
            if seen.insert(next.clone()) {
                stack.push(next.clone());
            }
        }
    }
    seen
}

#[test]
fn no_circle_between_the_folders_of_src() {
    let graph = folder_graph();
    let circles: Vec<(String, String)> = graph
        .iter()
        .flat_map(|(from, to)| to.iter().map(move |t| (from.clone(), t.clone())))
        .filter(|(from, to)| reach(&graph, to).contains(from))
        .collect();
    assert!(
        circles.is_empty(),
        "each of these names a folder that leads back to it: {circles:?}"
    );
    assert_eq!(
        graph["bilan"],
        BTreeSet::from(["norm".to_string()]),
        "the bilan's types depend on nothing above them"
    );
}
