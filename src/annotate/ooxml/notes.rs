//! The notes of a marked sheet, as Excel stores them: the text in a comments part (one
//! `<comment>` per cell, author `spro`), the box in a VML drawing (one hidden shape per note).
//! A sheet that already has notes keeps them: ours are added to its parts, and a cell that
//! already had a note gets our text after its own.

use std::io::Write;

use quick_xml::events::Event;
use quick_xml::Writer;

use super::xml::{self, escape, local, parse_cell, prefix_of};
use super::PatchError;
use crate::finding::a1;

/// The author of our notes.
const AUTHOR: &str = "spro";

/// The first VML shape block of our notes: far above the blocks Excel gives its own (one per
/// sheet, from 1).
pub(super) const FIRST_BLOCK: u32 = 1000;

/// Our note's text as Excel writes a note: the author in bold, then the text, in its small
/// Tahoma; `before` goes first (the blank line after a note the cell already had).
fn runs(p: &str, before: &str, text: &str) -> String {
    let props = |bold: &str| {
        format!("<{p}rPr>{bold}<{p}sz val=\"8\"/><{p}color indexed=\"81\"/><{p}rFont val=\"Tahoma\"/><{p}family val=\"2\"/></{p}rPr>")
    };
    format!(
        "<{p}r>{}<{p}t xml:space=\"preserve\">{before}{AUTHOR}:</{p}t></{p}r><{p}r>{}<{p}t xml:space=\"preserve\">\n{}</{p}t></{p}r>",
        props(&format!("<{p}b/>")),
        props(""),
        escape(text)
    )
}

fn comment(p: &str, row: u32, col: u32, author: usize, text: &str) -> String {
    format!(
        "<{p}comment ref=\"{}\" authorId=\"{author}\"><{p}text>{}</{p}text></{p}comment>",
        a1(row, col),
        runs(p, "", text)
    )
}

/// A new comments part holding a note for each of `cells` ((row, column), sorted), whose
/// text `text(i)` gives.
pub(super) fn new_comments<W: Write>(
    mut out: W,
    cells: &[(u32, u32)],
    text: &dyn Fn(usize) -> String,
) -> Result<(), PatchError> {
    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<comments xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><authors><author>spro</author></authors><commentList>")?;
    for (i, &(r, c)) in cells.iter().enumerate() {
        out.write_all(comment("", r, c, 0, &text(i)).as_bytes())?;
    }
    out.write_all(b"</commentList></comments>")?;
    Ok(())
}

/// The sheet's comments part `xml` with our notes added: appended to the note a cell already
/// has, new ones after the others. Returns, for each of `cells`, whether it had a note (those
/// have their shape already).
#[expect(
    clippy::too_many_lines,
    reason = "one event loop over the part, whose state (the author list, the comment open and its cell, what is appended where) is shared by every arm of its `match`"
)]
pub(super) fn extend_comments<W: Write>(
    xml_bytes: &[u8],
    out: W,
    cells: &[(u32, u32)],
    text: &dyn Fn(usize) -> String,
) -> Result<Vec<bool>, PatchError> {
    let mut reader = xml::reader(xml_bytes);
    let mut writer = Writer::new(out);
    let mut buf = Vec::new();
    let mut had = vec![false; cells.len()];
    let mut depth = 0usize;
    let mut p = String::new();
    let mut authors = 0usize;
    // The cell whose note is open, when it is one of ours.
    let mut open: Option<usize> = None;
    let mut appended = false;
    let mut lists_done = false;
    let ours_for = |had: &[bool], p: &str, author: usize| -> String {
        let mut s = String::new();
        for (i, &(r, c)) in cells.iter().enumerate() {
            if !had[i] {
                s.push_str(&comment(p, r, c, author, &text(i)));
            }
        }
        s
    };
    loop {
        let event = reader.read_event_into(&mut buf)?;
        match event {
            Event::Start(e) => {
                let name = local(e.name().0).to_string();
                match (depth, name.as_str()) {
                    (0, _) => p = prefix_of(e.name().0),
                    (2, "comment") => {
                        open = xml::attr(&e, "ref")
                            .and_then(|r| parse_cell(r.as_bytes()))
                            .and_then(|cell| cells.binary_search(&cell).ok());
                        if let Some(i) = open {
                            had[i] = true;
                        }
                        appended = false;
                    }
                    (4, "rPh" | "phoneticPr") => {
                        append(&mut writer, &mut appended, open, &p, text)?
                    }
                    _ => {}
                }
                writer.write_event(Event::Start(e))?;
                depth += 1;
            }
            Event::Empty(e) => {
                let name = local(e.name().0).to_string();
                match (depth, name.as_str()) {
                    (1, "authors" | "commentList") => {
                        let end = e.to_end().into_owned();
                        writer.write_event(Event::Start(e.clone()))?;
                        let inner = if name == "authors" {
                            format!("<{p}author>{AUTHOR}</{p}author>")
                        } else {
                            lists_done = true;
                            ours_for(&had, &p, authors)
                        };
                        writer.get_mut().write_all(inner.as_bytes())?;
                        writer.write_event(Event::End(end))?;
                    }
                    (2, "author") => {
                        authors += 1;
                        writer.write_event(Event::Empty(e))?;
                    }
                    (4, "rPh" | "phoneticPr") => {
                        append(&mut writer, &mut appended, open, &p, text)?;
                        writer.write_event(Event::Empty(e))?;
                    }
                    _ => writer.write_event(Event::Empty(e))?,
                }
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                match (depth, local(e.name().0)) {
                    (2, "author") => authors += 1,
                    (1, "authors") => {
                        writer
                            .get_mut()
                            .write_all(format!("<{p}author>{AUTHOR}</{p}author>").as_bytes())?;
                    }
                    (3, "text") => append(&mut writer, &mut appended, open, &p, text)?,
                    (1, "commentList") => {
                        writer
                            .get_mut()
                            .write_all(ours_for(&had, &p, authors).as_bytes())?;
                        lists_done = true;
                    }
                    (0, _) if !lists_done => {
                        let list = format!(
                            "<{p}commentList>{}</{p}commentList>",
                            ours_for(&had, &p, authors)
                        );
                        writer.get_mut().write_all(list.as_bytes())?;
                    }
                    _ => {}
                }
                writer.write_event(Event::End(e))?;
            }
            Event::Eof => break,
            other => writer.write_event(other)?,
        }
        buf.clear();
    }
    Ok(had)
}

/// Our text after the note of the open cell, once.
fn append<W: Write>(
    writer: &mut Writer<W>,
    appended: &mut bool,
    open: Option<usize>,
    p: &str,
    text: &dyn Fn(usize) -> String,
) -> Result<(), PatchError> {
    if let (Some(i), false) = (open, *appended) {
        writer
            .get_mut()
            .write_all(runs(p, "\n\n", &text(i)).as_bytes())?;
        *appended = true;
    }
    Ok(())
}

/// The shape type of notes, which a drawing must define once.
const SHAPE_TYPE: &str = r#"<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>"#;

/// The shape ids of `count` notes from block `first`: the blocks they use, as VML lists them.
fn blocks(first: u32, count: usize) -> String {
    let last = first + (count as u32).div_ceil(1024).max(1) - 1;
    (first..=last)
        .map(|b| b.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The hidden box of the note of a cell: beside it, 420 × 160 pixels, as Excel places one.
fn shape(id: u32, z: usize, row: u32, col: u32) -> String {
    let top = row.saturating_sub(1);
    let left = col + 1;
    format!(
        concat!(
            "<v:shape id=\"_x0000_s{id}\" type=\"#_x0000_t202\" style=\"position:absolute;margin-left:{ml}pt;margin-top:{mt}pt;width:315pt;height:120pt;z-index:{z};visibility:hidden\" fillcolor=\"#ffffe1\" o:insetmode=\"auto\">",
            "<v:fill color2=\"#ffffe1\"/><v:shadow on=\"t\" color=\"black\" obscured=\"t\"/><v:path o:connecttype=\"none\"/>",
            "<v:textbox style=\"mso-direction-alt:auto\"><div style=\"text-align:left\"></div></v:textbox>",
            "<x:ClientData ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{left}, 15, {top}, 10, {right}, 31, {bottom}, 4</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>"
        ),
        id = id,
        ml = f64::from(left) * 48.0 + 11.25,
        mt = f64::from(top) * 15.0 + 7.5,
        z = z,
        left = left,
        top = top,
        right = left + 6,
        bottom = top + 8,
        row = row,
        col = col,
    )
}

/// A new drawing holding the boxes of the notes of `cells`, shape ids from block `first`.
pub(super) fn new_drawing<W: Write>(
    mut out: W,
    cells: &[(u32, u32)],
    first: u32,
) -> Result<(), PatchError> {
    write!(
        out,
        "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\" data=\"{}\"/></o:shapelayout>{SHAPE_TYPE}",
        blocks(first, cells.len())
    )?;
    for (i, &(r, c)) in cells.iter().enumerate() {
        out.write_all(shape(first * 1024 + 1 + i as u32, i + 1, r, c).as_bytes())?;
    }
    out.write_all(b"</xml>")?;
    Ok(())
}

/// The sheet's drawing `vml` (which Excel does not always write as well-formed XML, so it is
/// edited as text) with the boxes of the notes of `cells` added before its end, shape ids
/// from block `first`.
pub(super) fn extend_drawing(vml: &[u8], cells: &[(u32, u32)], first: u32) -> Vec<u8> {
    let lower = vml.to_ascii_lowercase();
    let end = find_last(&lower, b"</xml>").unwrap_or(vml.len());
    let mut out = Vec::with_capacity(vml.len() + cells.len() * 700);
    // Our blocks added to the drawing's list.
    let idmap = find_first(&lower, b"o:idmap")
        .and_then(|at| find_first(&lower[at..], b"data=\"").map(|d| at + d + 6));
    match idmap {
        Some(at) if at < end => {
            out.extend_from_slice(&vml[..at]);
            out.extend_from_slice(format!("{},", blocks(first, cells.len())).as_bytes());
            out.extend_from_slice(&vml[at..end]);
        }
        _ => out.extend_from_slice(&vml[..end]),
    }
    if find_first(&lower, b"_x0000_t202").is_none() {
        out.extend_from_slice(SHAPE_TYPE.as_bytes());
    }
    for (i, &(r, c)) in cells.iter().enumerate() {
        out.extend_from_slice(shape(first * 1024 + 1 + i as u32, 1000 + i, r, c).as_bytes());
    }
    if end < vml.len() {
        out.extend_from_slice(&vml[end..]);
    } else {
        out.extend_from_slice(b"</xml>");
    }
    out
}

fn find_first(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// How many shape blocks `count` notes take.
pub(super) fn blocks_needed(count: usize) -> u32 {
    (count as u32).div_ceil(1024).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(i: usize) -> String {
        format!("note {i} <&>")
    }

    #[test]
    fn notes_added_beside_the_existing_ones() {
        let xml = r#"<?xml version="1.0"?><comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>Région</author></authors><commentList><comment ref="A1" authorId="0"><text><t>Saisir le code</t></text></comment><comment ref="B1" authorId="0"><text><r><t>Autre</t></r></text></comment></commentList></comments>"#;
        let mut out = Vec::new();
        let had = extend_comments(xml.as_bytes(), &mut out, &[(0, 0), (4, 2)], &text).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(had, [true, false]);
        assert!(
            out.contains("<authors><author>Région</author><author>spro</author></authors>"),
            "{out}"
        );
        assert!(out.contains("<text><t>Saisir le code</t><r>"), "{out}");
        assert!(out.contains("\n\nspro:</t></r>"), "{out}");
        assert!(out.contains("\nnote 0 &lt;&amp;&gt;</t></r></text></comment><comment ref=\"B1\" authorId=\"0\"><text><r><t>Autre</t></r></text></comment><comment ref=\"C5\" authorId=\"1\">"), "{out}");
    }

    #[test]
    fn drawings_new_and_extended() {
        let mut out = Vec::new();
        new_drawing(&mut out, &[(0, 0), (2, 3)], FIRST_BLOCK).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("data=\"1000\""));
        assert!(out.contains("_x0000_s1024001") && out.contains("_x0000_s1024002"));
        assert!(out.contains("<x:Row>2</x:Row><x:Column>3</x:Column>"));
        let excel = b"<xml xmlns:v=\"urn:schemas-microsoft-com:vml\"\n xmlns:o=\"urn:schemas-microsoft-com:office:office\">\n <o:shapelayout v:ext=\"edit\">\n  <o:idmap v:ext=\"edit\" data=\"1\"/>\n </o:shapelayout><v:shape id=\"_x0000_s1025\"><br></v:shape></xml>\n";
        let extended = String::from_utf8(extend_drawing(excel, &[(5, 5)], 1001)).unwrap();
        assert!(extended.contains("data=\"1001,1\""), "{extended}");
        assert!(extended.contains("_x0000_t202"));
        assert!(extended.ends_with("</v:shape></xml>\n"), "{extended}");
        assert!(
            extended.contains("<br></v:shape><v:shapetype"),
            "{extended}"
        );
    }
}
