//! The parts of a package as the patch needs them: found by name whatever their case or
//! separators, relationships read and resolved, fresh names for the parts it adds.

use std::collections::{BTreeSet, HashMap};
use std::io::{Cursor, Read};

use quick_xml::events::Event;

use super::xml::{self, attr, local};
use super::PatchError;
pub(super) use crate::read::package::part_key as key;

/// At most this many bytes of a small part (workbook, relationships, styles, notes) are read
/// whole; worksheets are streamed.
const SMALL_PART: u64 = 256 * 1024 * 1024;

/// A package opened from bytes in memory.
pub(super) struct Package<'b> {
    pub archive: zip::ZipArchive<Cursor<&'b [u8]>>,
    /// Each entry's name as stored.
    pub names: Vec<String>,
    /// Entry index by part name in lower case, forward slashes, no leading slash.
    keys: HashMap<String, usize>,
}

/// A stored name with forward slashes and no leading slash, its case kept.
pub(super) fn key_case(name: &str) -> String {
    name.replace('\\', "/").trim_start_matches('/').to_string()
}

impl<'b> Package<'b> {
    pub(super) fn open(bytes: &'b [u8]) -> Result<Package<'b>, PatchError> {
        let archive = zip::ZipArchive::new(Cursor::new(bytes))?;
        let names: Vec<String> = (0..archive.len())
            .map(|i| match archive.name_for_index(i) {
                Some(Ok(name)) => Ok(name.into_owned()),
                Some(Err(e)) => Err(PatchError::from(e)),
                None => Err(PatchError::Missing(format!("l'entrée {i}"))),
            })
            .collect::<Result<_, _>>()?;
        let mut keys = HashMap::with_capacity(names.len());
        for (i, n) in names.iter().enumerate() {
            // The first of two names that differ only by case or separator is the one read.
            keys.entry(key(n)).or_insert(i);
        }
        Ok(Package {
            archive,
            names,
            keys,
        })
    }

    /// The entry holding `part`.
    pub(super) fn find(&self, part: &str) -> Option<usize> {
        self.keys.get(&key(part)).copied()
    }

    /// The bytes of a small part.
    pub(super) fn read(&mut self, index: usize) -> Result<Vec<u8>, PatchError> {
        let mut bytes = Vec::new();
        self.archive
            .by_index(index)?
            .take(SMALL_PART)
            .read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    /// The bytes of `part`, if the package has it.
    pub(super) fn read_part(&mut self, part: &str) -> Result<Option<Vec<u8>>, PatchError> {
        match self.find(part) {
            Some(i) => self.read(i).map(Some),
            None => Ok(None),
        }
    }

    /// `{stem}{ext}` when neither the package nor `taken` holds it, else [`Package::fresh`].
    pub(super) fn fresh_plain(
        &self,
        stem: &str,
        ext: &str,
        taken: &mut BTreeSet<String>,
    ) -> String {
        let plain = format!("{stem}{ext}");
        if !self.keys.contains_key(&key(&plain)) && taken.insert(key(&plain)) {
            plain
        } else {
            self.fresh(stem, ext, taken)
        }
    }

    /// A part name `{stem}{n}{ext}` (n from 1) that neither the package nor `taken` holds;
    /// added to `taken`.
    pub(super) fn fresh(&self, stem: &str, ext: &str, taken: &mut BTreeSet<String>) -> String {
        (1..)
            .map(|n| format!("{stem}{n}{ext}"))
            .find(|name| !self.keys.contains_key(&key(name)) && taken.insert(key(name)))
            .expect("an unused name")
    }
}

/// One relationship of a `.rels` part.
#[derive(Debug, Clone)]
pub(super) struct Rel {
    pub id: String,
    pub kind: String,
    pub target: String,
    pub external: bool,
}

impl Rel {
    /// Whether its type ends with `/{suffix}` (transitional or strict namespaces alike).
    pub(super) fn is(&self, suffix: &str) -> bool {
        self.kind.rsplit('/').next() == Some(suffix)
    }
}

/// The relationships of a `.rels` part.
pub(super) fn rels(xml: &[u8]) -> Result<Vec<Rel>, PatchError> {
    let mut reader = xml::reader(xml);
    let mut out = Vec::new();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) | Event::Empty(e) if local(e.name().0) == "Relationship" => {
                out.push(Rel {
                    id: attr(&e, "Id").unwrap_or_default(),
                    kind: attr(&e, "Type").unwrap_or_default(),
                    target: attr(&e, "Target").unwrap_or_default(),
                    external: attr(&e, "TargetMode").is_some_and(|m| m == "External"),
                });
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
        buf.clear();
    }
}

/// The part a relationship of `source` points at.
pub(super) fn resolve(source: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let source = source.replace('\\', "/");
    let mut parts: Vec<&str> = Vec::new();
    if !target.starts_with('/') {
        if let Some((dir, _)) = source.rsplit_once('/') {
            parts.extend(dir.split('/').filter(|s| !s.is_empty()));
        }
    }
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The relationships part of `part` (`xl/workbook.xml` → `xl/_rels/workbook.xml.rels`).
pub(super) fn rels_of(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// An identifier `rIdSpro{n}` that none of `rels` uses.
pub(super) fn fresh_id(rels: &[Rel], taken: &mut BTreeSet<String>) -> String {
    (1..)
        .map(|n| format!("rIdSpro{n}"))
        .find(|id| !rels.iter().any(|r| &r.id == id) && taken.insert(id.clone()))
        .expect("an unused identifier")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_from_their_source() {
        assert_eq!(
            resolve("xl/workbook.xml", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl/worksheets/sheet1.xml", "../comments1.xml"),
            "xl/comments1.xml"
        );
        assert_eq!(
            resolve("xl/worksheets/sheet1.xml", "/xl/comments/comment1.xml"),
            "xl/comments/comment1.xml"
        );
        assert_eq!(resolve("workbook.xml", "sheet1.xml"), "sheet1.xml");
        assert_eq!(
            resolve("xl\\workbook.xml", "worksheets\\sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(rels_of("xl/workbook.xml"), "xl/_rels/workbook.xml.rels");
        assert_eq!(rels_of("workbook.xml"), "_rels/workbook.xml.rels");
    }
}
