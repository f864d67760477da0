//! The workbook-level parts the patch touches: `workbook.xml` (the `Anomalies` sheet first,
//! selected, the sheet-local names shifted by one), a relationships part given new
//! relationships, and `[Content_Types].xml` given the new parts.

use std::io::Write;

use quick_xml::events::Event;
use quick_xml::Writer;

use super::xml::{self, escape, local, prefix_of};
use super::PatchError;

/// A sheet of the workbook, as `workbook.xml` lists it.
#[derive(Debug, Clone)]
pub(super) struct SheetEntry {
    pub name: String,
    /// Its relationship in the workbook's relationships.
    pub rel: String,
}

/// What the patch needs from `workbook.xml`.
#[derive(Debug, Default)]
pub(super) struct BookInfo {
    pub sheets: Vec<SheetEntry>,
    pub max_sheet_id: u32,
    /// The selected sheet (its position).
    pub active: usize,
}

impl BookInfo {
    pub(super) fn of(xml_bytes: &[u8]) -> Result<BookInfo, PatchError> {
        let mut reader = xml::reader(xml_bytes);
        let mut buf = Vec::new();
        let mut info = BookInfo::default();
        loop {
            match reader.read_event_into(&mut buf)? {
                Event::Start(e) | Event::Empty(e) => match local(e.name().0) {
                    "sheet" => {
                        info.sheets.push(SheetEntry {
                            name: xml::attr(&e, "name").unwrap_or_default(),
                            rel: xml::attr(&e, "id").unwrap_or_default(),
                        });
                        let id = xml::attr(&e, "sheetId").and_then(|v| v.trim().parse().ok());
                        info.max_sheet_id = info.max_sheet_id.max(id.unwrap_or(0));
                    }
                    "workbookView" if info.active == 0 => {
                        info.active = xml::attr(&e, "activeTab")
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(0);
                    }
                    _ => {}
                },
                Event::Eof => return Ok(info),
                _ => {}
            }
            buf.clear();
        }
    }
}

/// `workbook.xml` with the sheet `name` (relationship `rel`) first and selected.
pub(super) fn rewrite_workbook<W: Write>(
    xml_bytes: &[u8],
    out: W,
    name: &str,
    sheet_id: u32,
    rel: &str,
) -> Result<(), PatchError> {
    let mut reader = xml::reader(xml_bytes);
    let mut writer = Writer::new(out);
    let mut buf = Vec::new();
    let mut p = String::new();
    let mut r_prefix: Option<String> = None;
    let mut depth = 0usize;
    loop {
        let event = reader.read_event_into(&mut buf)?;
        match event {
            Event::Start(e) => {
                if depth == 0 {
                    p = prefix_of(e.name().0);
                    r_prefix = xml::relationships_prefix(&e);
                }
                let start = match local(e.name().0) {
                    "workbookView" => Some(xml::with_attrs(&e, &["activeTab", "firstSheet"], &[])),
                    "definedName" => shifted(&e),
                    _ => None,
                };
                let is_sheets = local(e.name().0) == "sheets";
                match start {
                    Some(s) => writer.write_event(Event::Start(s))?,
                    None => writer.write_event(Event::Start(e))?,
                }
                if is_sheets {
                    let ours = format!(
                        "<{p}sheet name=\"{}\" sheetId=\"{sheet_id}\" {}/>",
                        escape(name),
                        xml::rel_id_attr(r_prefix.as_deref(), rel)
                    );
                    writer.get_mut().write_all(ours.as_bytes())?;
                }
                depth += 1;
            }
            Event::Empty(e) => match local(e.name().0) {
                "workbookView" => writer.write_event(Event::Empty(xml::with_attrs(
                    &e,
                    &["activeTab", "firstSheet"],
                    &[],
                )))?,
                "definedName" => match shifted(&e) {
                    Some(s) => writer.write_event(Event::Empty(s))?,
                    None => writer.write_event(Event::Empty(e))?,
                },
                _ => writer.write_event(Event::Empty(e))?,
            },
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                writer.write_event(Event::End(e))?;
            }
            Event::Eof => break,
            other => writer.write_event(other)?,
        }
        buf.clear();
    }
    Ok(())
}

/// A defined name local to a sheet, pointing at the same sheet once ours is first.
fn shifted(
    e: &quick_xml::events::BytesStart<'_>,
) -> Option<quick_xml::events::BytesStart<'static>> {
    let index: u32 = xml::attr(e, "localSheetId")?.trim().parse().ok()?;
    let next = (index + 1).to_string();
    Some(xml::with_attrs(
        e,
        &["localSheetId"],
        &[("localSheetId", &next)],
    ))
}

/// `xml` (a part whose root lists items, or none yet) with `items` (markup in the root's
/// namespace, written without prefix when the root has none) added before its end.
/// `empty` is the part to start from when the package has none.
pub(super) fn append_to_root(
    xml_bytes: Option<&[u8]>,
    empty: &str,
    items: &[String],
) -> Result<Vec<u8>, PatchError> {
    let xml_bytes = xml_bytes.unwrap_or(empty.as_bytes());
    let mut reader = xml::reader(xml_bytes);
    let mut out = Vec::with_capacity(xml_bytes.len() + items.len() * 200);
    let mut writer = Writer::new(&mut out);
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut p = String::new();
    let ours = |p: &str| -> String {
        items
            .iter()
            .map(|i| {
                if p.is_empty() {
                    i.clone()
                } else {
                    i.replacen('<', &format!("<{p}"), 1)
                }
            })
            .collect()
    };
    loop {
        let event = reader.read_event_into(&mut buf)?;
        match event {
            Event::Start(e) => {
                if depth == 0 {
                    p = prefix_of(e.name().0);
                }
                depth += 1;
                writer.write_event(Event::Start(e))?;
            }
            Event::Empty(e) if depth == 0 => {
                p = prefix_of(e.name().0);
                let end = e.to_end().into_owned();
                writer.write_event(Event::Start(e.clone()))?;
                writer.get_mut().write_all(ours(&p).as_bytes())?;
                writer.write_event(Event::End(end))?;
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    writer.get_mut().write_all(ours(&p).as_bytes())?;
                }
                writer.write_event(Event::End(e))?;
            }
            Event::Eof => break,
            other => writer.write_event(other)?,
        }
        buf.clear();
    }
    Ok(out)
}

/// `xml`, a relationships part, without the relationships whose `Id` is in `ids` (one the
/// copy must not keep: a styles relationship that points outside the package, which the copy
/// replaces with a stylesheet of its own; two would leave readers to choose).
pub(super) fn without_relationships(
    xml_bytes: &[u8],
    ids: &[String],
) -> Result<Vec<u8>, PatchError> {
    if ids.is_empty() {
        return Ok(xml_bytes.to_vec());
    }
    let mut reader = xml::reader(xml_bytes);
    let mut out = Vec::with_capacity(xml_bytes.len());
    let mut writer = Writer::new(&mut out);
    let mut buf = Vec::new();
    let dropped = |e: &quick_xml::events::BytesStart<'_>| {
        local(e.name().0) == "Relationship"
            && xml::attr(e, "Id").is_some_and(|id| ids.contains(&id))
    };
    // Inside a dropped relationship written with an end tag: its depth.
    let mut skipping = 0usize;
    loop {
        let event = reader.read_event_into(&mut buf)?;
        match event {
            Event::Eof => break,
            Event::Start(_) if skipping > 0 => skipping += 1,
            Event::End(_) if skipping > 0 => skipping -= 1,
            _ if skipping > 0 => {}
            Event::Start(e) if dropped(&e) => skipping = 1,
            Event::Empty(e) if dropped(&e) => {}
            other => writer.write_event(other)?,
        }
        buf.clear();
    }
    Ok(out)
}

/// An empty relationships part.
pub(super) const EMPTY_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"></Relationships>";

/// A relationship of type `kind` (its last segment) to the part `target` (absolute).
pub(super) fn relationship(id: &str, kind: &str, target: &str) -> String {
    format!(
        "<Relationship Id=\"{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}\" Target=\"/{}\"/>",
        escape(id),
        escape(target)
    )
}

/// An override of the content type of `part`.
pub(super) fn content_override(part: &str, content_type: &str) -> String {
    format!(
        "<Override PartName=\"/{}\" ContentType=\"{content_type}\"/>",
        escape(part)
    )
}

/// Whether `[Content_Types].xml` gives a default type to the extension `ext`.
pub(super) fn has_default(types: &[u8], ext: &str) -> Result<bool, PatchError> {
    let mut reader = xml::reader(types);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) | Event::Empty(e)
                if local(e.name().0) == "Default"
                    && xml::attr(&e, "Extension").is_some_and(|x| x.eq_ignore_ascii_case(ext)) =>
            {
                return Ok(true);
            }
            Event::Eof => return Ok(false),
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationships_dropped_by_id() {
        let xml = br#"<Relationships xmlns="r"><Relationship Id="rId1" Type="t/worksheet" Target="a.xml"/><Relationship Id="rId2" Type="t/styles" Target="file:///etc/passwd" TargetMode="External"></Relationship><Relationship Id="rId3" Type="t/theme" Target="b.xml"/></Relationships>"#;
        let out = without_relationships(xml, &["rId2".to_string()]).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            !out.contains("passwd") && out.contains("rId1") && out.contains("rId3"),
            "{out}"
        );
        assert_eq!(without_relationships(xml, &[]).unwrap(), xml.to_vec());
    }

    #[test]
    fn the_sheet_goes_first_and_local_names_follow_their_sheet() {
        let xml = r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews><workbookView activeTab="2" firstSheet="1"/></bookViews><sheets><sheet name="A &amp; B" sheetId="4" r:id="rId1"/><sheet name="C" sheetId="9" r:id="rId2"/></sheets><definedNames><definedName name="_xlnm.Print_Titles" localSheetId="1">C!$1:$1</definedName><definedName name="Liste">A!$A$1</definedName></definedNames></workbook>"#;
        let info = BookInfo::of(xml.as_bytes()).unwrap();
        assert_eq!(info.sheets[0].name, "A & B");
        assert_eq!(info.sheets[1].rel, "rId2");
        assert_eq!((info.max_sheet_id, info.active), (9, 2));
        let mut out = Vec::new();
        rewrite_workbook(xml.as_bytes(), &mut out, "Anomalies", 10, "rIdSpro1").unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains(r#"<workbookView/>"#), "{out}");
        assert!(out.contains(r#"<sheets><sheet name="Anomalies" sheetId="10" r:id="rIdSpro1"/><sheet name="A &amp; B""#), "{out}");
        assert!(out.contains(r#"<definedName name="_xlnm.Print_Titles" localSheetId="2">C!$1:$1</definedName><definedName name="Liste">A!$A$1</definedName>"#), "{out}");
    }

    #[test]
    fn items_appended_to_a_root() {
        let out = append_to_root(
            Some(b"<x:Types xmlns:x=\"t\"><x:Default Extension=\"xml\"/></x:Types>"),
            EMPTY_RELS,
            &["<Override PartName=\"/a\"/>".into()],
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "<x:Types xmlns:x=\"t\"><x:Default Extension=\"xml\"/><x:Override PartName=\"/a\"/></x:Types>");
        let out = append_to_root(
            None,
            EMPTY_RELS,
            &[relationship("rIdSpro1", "comments", "xl/comments1.xml")],
        )
        .unwrap();
        assert!(String::from_utf8(out).unwrap().ends_with("<Relationship Id=\"rIdSpro1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments\" Target=\"/xl/comments1.xml\"/></Relationships>"));
    }
}
