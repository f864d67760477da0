//! What a zip package really holds, found the way the package says and the way spreadsheet
//! applications read it: part names compared with either separator (`xl\workbook.xml`, as some
//! .NET and older Windows exporters write them) and in any case, the main part found through
//! the officeDocument relationship of `_rels/.rels` (a workbook at the root of the archive is
//! as valid as one under `xl/`), `.ods` recognised by its `mimetype` or `content.xml`, and
//! an encrypted `.ods` (its manifest declares `encryption-data`) told apart from a damaged one.
//!
//! calamine looks some parts up by their exact name (`.ods`, `.xlsb`): when a package spells
//! them otherwise, [`normalised`] rewrites the archive in memory with the canonical names
//! (entries copied raw, nothing inflated) before calamine reads it.

use std::io::{Cursor, Read};

use quick_xml::events::Event;

/// What a zip package is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    Xlsx,
    Xlsb,
    Ods,
    /// An `.ods` whose content is encrypted (a password).
    EncryptedOds,
    /// An Excel workbook holding an Excel 4 macro sheet, which calamine cannot read past:
    /// the name of the part.
    MacroSheet(String),
    Unknown,
}

/// The parts calamine opens by their exact name, in their canonical spelling.
const EXACT: [&str; 9] = [
    "[Content_Types].xml",
    "_rels/.rels",
    "mimetype",
    "content.xml",
    "meta.xml",
    "META-INF/manifest.xml",
    "xl/workbook.bin",
    "xl/_rels/workbook.bin.rels",
    "xl/vbaProject.bin",
];

/// The key of a part name, the same for every spelling an application reads alike: forward
/// slashes, no leading slash, any case (the annotated copy's lookups and the prescan's).
pub(crate) fn part_key(name: &str) -> String {
    name.replace('\\', "/")
        .trim_start_matches('/')
        .to_lowercase()
}

/// The name a part is looked up by: forward slashes, no leading slash, and the canonical
/// spelling of the parts calamine opens by exact name.
pub(crate) fn canonical(name: &str) -> String {
    let slashed = name.replace('\\', "/");
    let trimmed = slashed.trim_start_matches('/');
    EXACT
        .iter()
        .find(|e| e.eq_ignore_ascii_case(trimmed))
        .map_or_else(|| trimmed.to_string(), |e| e.to_string())
}

/// The kind of the package of `archive`, and whether its names need [`normalised`].
pub(crate) fn kind<R: Read + std::io::Seek>(archive: &mut zip::ZipArchive<R>) -> (Kind, bool) {
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.to_string()))
        .collect();
    let rename = names.iter().any(|n| canonical(n) != *n);
    let lower: Vec<String> = names.iter().map(|n| canonical(n).to_lowercase()).collect();
    let has = |part: &str| lower.iter().any(|n| n == part);
    let original = |part: &str| {
        lower
            .iter()
            .position(|n| n == part)
            .map(|i| names[i].clone())
    };
    let read = |archive: &mut zip::ZipArchive<R>, part: &str| -> Option<String> {
        let name = original(part)?;
        let mut text = String::new();
        // A few kilobytes at most in a real package: read at most 1 MiB.
        archive
            .by_name(&name)
            .ok()?
            .take(1024 * 1024)
            .read_to_string(&mut text)
            .ok()?;
        Some(text)
    };
    if let Some(macro_sheet) = lower.iter().find(|n| n.starts_with("xl/macrosheets/")) {
        return (Kind::MacroSheet(macro_sheet.clone()), rename);
    }
    let main = read(archive, "_rels/.rels")
        .and_then(|rels| office_document(&rels))
        .map(|target| {
            target
                .trim_start_matches('/')
                .replace('\\', "/")
                .to_lowercase()
        })
        .filter(|target| has(target));
    let kind = match main.as_deref() {
        Some(t) if t.ends_with(".bin") => Kind::Xlsb,
        Some(t) if t.ends_with(".xml") => Kind::Xlsx,
        _ if has("xl/workbook.xml") => Kind::Xlsx,
        _ if has("xl/workbook.bin") => Kind::Xlsb,
        _ if has("content.xml") || has("mimetype") => {
            match read(archive, "meta-inf/manifest.xml") {
                Some(m) if m.contains("encryption-data") => Kind::EncryptedOds,
                _ => Kind::Ods,
            }
        }
        _ => Kind::Unknown,
    };
    (kind, rename)
}

/// The target of the officeDocument relationship of a `_rels/.rels` (one inside the package:
/// an external target is no workbook of this file), for the check, the prescan and the
/// annotated copy alike.
pub(crate) fn office_document(rels: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(rels);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                let attr = |key: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == key)
                        .map(|a| a.value.to_string())
                };
                let external = attr("TargetMode").is_some_and(|m| m == "External");
                if !external && attr("Type").is_some_and(|t| t.ends_with("/officeDocument")) {
                    return attr("Target");
                }
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// `bytes` rewritten with every part under its [`canonical`] name, entries copied as they are
/// (compressed data untouched, sizes as declared).
pub(crate) fn normalised(bytes: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len())));
    let mut taken = std::collections::BTreeSet::new();
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i)?;
        let name = canonical(&entry.name()?);
        // Two parts that differ only by their separators: the first is kept, as the
        // applications do.
        if !taken.insert(name.to_lowercase()) {
            continue;
        }
        out.raw_copy_file_rename(entry, name)?;
    }
    Ok(out.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_names() {
        assert_eq!(
            canonical("xl\\worksheets\\sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(canonical("[CONTENT_TYPES].XML"), "[Content_Types].xml");
        assert_eq!(canonical("/Content.XML"), "content.xml");
        assert_eq!(canonical("meta-inf\\manifest.xml"), "META-INF/manifest.xml");
        assert_eq!(
            canonical("XL/Worksheets/Sheet1.xml"),
            "XL/Worksheets/Sheet1.xml"
        );
    }

    #[test]
    fn the_main_part_is_where_the_package_says() {
        let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="workbook.xml"/></Relationships>"#;
        assert_eq!(office_document(rels).as_deref(), Some("workbook.xml"));
        assert_eq!(office_document("<Relationships/>"), None);
    }
}
