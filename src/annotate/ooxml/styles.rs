//! The styles of the patched package: the file's own, with what marking adds at the end of
//! each list (so that no index the file uses moves): the fonts and fills of the `Anomalies`
//! sheet and of the marks, that sheet's cell formats, and for each (style, severity) a marked
//! cell had, a clone of the cell's format with the severity's fill (number format, font,
//! borders, alignment and protection kept).

use std::collections::HashMap;
use std::io::Write;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Writer;

use super::xml::{self, local, prefix_of};
use super::PatchError;
use crate::annotate::marks::fill_rgb;
use crate::finding::Severity;

/// The stylesheet of a package that has none: one font, the two fills every file reserves,
/// one border, the `Normal` style.
pub(super) const EMPTY: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

/// The formats of the `Anomalies` sheet, by their place after the file's own.
#[derive(Debug, Clone, Copy)]
pub(super) enum Own {
    Title = 0,
    Text = 1,
    Header = 2,
    Wrap = 3,
    Link = 4,
    Error = 5,
    Warning = 6,
    Info = 7,
}

const OWN_XFS: u32 = 8;

/// The lists of a stylesheet in their schema order, and the three the patch extends.
const ORDER: [&str; 11] = [
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Fonts,
    Fills,
    CellXfs,
}

impl List {
    fn name(self) -> &'static str {
        match self {
            List::Fonts => "fonts",
            List::Fills => "fills",
            List::CellXfs => "cellXfs",
        }
    }

    fn of(name: &str) -> Option<List> {
        [List::Fonts, List::Fills, List::CellXfs]
            .into_iter()
            .find(|l| l.name() == name)
    }

    fn order(self) -> usize {
        ORDER.iter().position(|n| *n == self.name()).unwrap_or(0)
    }

    /// What a list must hold before ours: a font, the two reserved fills, a format.
    fn minimum(self) -> u32 {
        match self {
            List::Fonts | List::CellXfs => 1,
            List::Fills => 2,
        }
    }

    fn default_item(self, n: u32) -> &'static str {
        match (self, n) {
            (List::Fonts, _) => "<font><sz val=\"11\"/><name val=\"Calibri\"/></font>",
            (List::Fills, 0) => "<fill><patternFill patternType=\"none\"/></fill>",
            (List::Fills, _) => "<fill><patternFill patternType=\"gray125\"/></fill>",
            (List::CellXfs, _) => {
                "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
            }
        }
    }
}

/// How many items each extended list of a stylesheet holds.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ListCounts {
    pub fonts: u32,
    pub fills: u32,
    pub xfs: u32,
}

impl ListCounts {
    /// Counts the items of `xml`'s lists (the `count` attributes are not trusted).
    pub(super) fn of(xml: &[u8]) -> Result<ListCounts, PatchError> {
        let mut reader = xml::reader(xml);
        let mut buf = Vec::new();
        let mut counts = ListCounts::default();
        let mut depth = 0usize;
        let mut list: Option<List> = None;
        loop {
            let event = reader.read_event_into(&mut buf)?;
            match &event {
                Event::Start(e) | Event::Empty(e) => {
                    let name = local(e.name().0).to_string();
                    if depth == 1 {
                        list = List::of(&name);
                    } else if depth == 2 {
                        match (list, name.as_str()) {
                            (Some(List::Fonts), "font") => counts.fonts += 1,
                            (Some(List::Fills), "fill") => counts.fills += 1,
                            (Some(List::CellXfs), "xf") => counts.xfs += 1,
                            _ => {}
                        }
                    }
                    if matches!(event, Event::Start(_)) {
                        depth += 1;
                    } else if depth == 1 {
                        list = None;
                    }
                }
                Event::End(_) => {
                    depth = depth.saturating_sub(1);
                    if depth == 1 {
                        list = None;
                    }
                }
                Event::Eof => return Ok(counts),
                _ => {}
            }
            buf.clear();
        }
    }
}

/// The formats marking adds, numbered after the file's own.
#[derive(Debug)]
pub(super) struct Clones {
    counts: ListCounts,
    order: Vec<(u32, Severity)>,
    index: HashMap<(u32, Severity), u32>,
}

impl Clones {
    pub(super) fn new(counts: ListCounts) -> Clones {
        Clones {
            counts,
            order: Vec::new(),
            index: HashMap::new(),
        }
    }

    fn base(&self, list: List) -> u32 {
        let n = match list {
            List::Fonts => self.counts.fonts,
            List::Fills => self.counts.fills,
            List::CellXfs => self.counts.xfs,
        };
        n.max(list.minimum())
    }

    /// The index of one of the `Anomalies` sheet's formats.
    pub(super) fn own(&self, which: Own) -> u32 {
        self.base(List::CellXfs) + which as u32
    }

    /// The index of the format of a cell of style `style` marked with `severity`.
    pub(super) fn marked(&mut self, style: u32, severity: Severity) -> u32 {
        let next = self.base(List::CellXfs) + OWN_XFS + self.order.len() as u32;
        *self.index.entry((style, severity)).or_insert_with(|| {
            self.order.push((style, severity));
            next
        })
    }

    fn fill_of(&self, severity: Severity) -> u32 {
        self.base(List::Fills)
            + match severity {
                Severity::Error => 0,
                Severity::Warning => 1,
                Severity::Info => 2,
            }
    }

    fn added(&self, list: List) -> u32 {
        match list {
            List::Fonts => 3,
            List::Fills => 4,
            List::CellXfs => OWN_XFS + self.order.len() as u32,
        }
    }

    /// What is appended to `list`, after its padding up to its minimum.
    fn appended(&self, list: List, p: &str, xfs: &[Vec<Event<'static>>]) -> Vec<u8> {
        let mut out = Vec::new();
        let have = match list {
            List::Fonts => self.counts.fonts,
            List::Fills => self.counts.fills,
            List::CellXfs => self.counts.xfs,
        };
        for n in have..list.minimum() {
            out.extend(prefixed(list.default_item(n), p).into_bytes());
        }
        let fonts = self.base(List::Fonts);
        let fills = self.base(List::Fills);
        let solid = |rgb: u32| {
            format!("<{p}fill><{p}patternFill patternType=\"solid\"><{p}fgColor rgb=\"FF{rgb:06X}\"/><{p}bgColor indexed=\"64\"/></{p}patternFill></{p}fill>")
        };
        match list {
            List::Fonts => {
                for font in [
                    "<b/><sz val=\"13\"/><name val=\"Calibri\"/><family val=\"2\"/>",
                    "<b/><sz val=\"11\"/><color rgb=\"FFFFFFFF\"/><name val=\"Calibri\"/><family val=\"2\"/>",
                    "<u/><sz val=\"11\"/><color rgb=\"FF0000FF\"/><name val=\"Calibri\"/><family val=\"2\"/>",
                ] {
                    out.extend(format!("<{p}font>{}</{p}font>", prefixed(font, p)).into_bytes());
                }
            }
            List::Fills => {
                for severity in [Severity::Error, Severity::Warning, Severity::Info] {
                    out.extend(solid(fill_rgb(severity)).into_bytes());
                }
                out.extend(solid(0x1F4E79).into_bytes());
            }
            List::CellXfs => self.appended_xfs(&mut out, p, xfs, fonts, fills),
        }
        out
    }

    /// The cell formats of `Anomalies`, then a clone of each marked cell's format with its
    /// severity's fill (`fonts` and `fills`: where ours start).
    fn appended_xfs(
        &self,
        out: &mut Vec<u8>,
        p: &str,
        xfs: &[Vec<Event<'static>>],
        fonts: u32,
        fills: u32,
    ) {
        let xf = |font: u32, fill: u32, inner: &str| {
            let applies = format!(
                "{}{}",
                if font > 0 { " applyFont=\"1\"" } else { "" },
                if fill > 0 { " applyFill=\"1\"" } else { "" }
            );
            if inner.is_empty() {
                format!("<{p}xf numFmtId=\"0\" fontId=\"{font}\" fillId=\"{fill}\" borderId=\"0\" xfId=\"0\"{applies}/>")
            } else {
                format!("<{p}xf numFmtId=\"0\" fontId=\"{font}\" fillId=\"{fill}\" borderId=\"0\" xfId=\"0\"{applies} applyAlignment=\"1\">{}</{p}xf>", prefixed(inner, p))
            }
        };
        let wrap = "<alignment vertical=\"top\" wrapText=\"1\"/>";
        // The cells of a finding's row sit at its top, beside its wrapped message.
        let top = "<alignment vertical=\"top\"/>";
        for x in [
            xf(fonts, 0, ""),
            xf(0, 0, top),
            xf(fonts + 1, fills + 3, wrap),
            xf(0, 0, wrap),
            xf(fonts + 2, 0, top),
            xf(0, self.fill_of(Severity::Error), top),
            xf(0, self.fill_of(Severity::Warning), top),
            xf(0, self.fill_of(Severity::Info), top),
        ] {
            out.extend(x.into_bytes());
        }
        for &(style, severity) in &self.order {
            let fill = self.fill_of(severity).to_string();
            match xfs.get(style as usize) {
                Some(events) => {
                    let mut w = Writer::new(&mut *out);
                    for (i, event) in events.iter().enumerate() {
                        let event = match event {
                            Event::Start(e) if i == 0 => Event::Start(refilled(e, &fill)),
                            Event::Empty(e) if i == 0 => Event::Empty(refilled(e, &fill)),
                            other => other.clone(),
                        };
                        // Writing into a Vec cannot fail.
                        let _ = w.write_event(event);
                    }
                }
                None => out.extend(
                    format!("<{p}xf numFmtId=\"0\" fontId=\"0\" fillId=\"{fill}\" borderId=\"0\" xfId=\"0\" applyFill=\"1\"/>")
                        .into_bytes(),
                ),
            }
        }
    }
}

/// An `<xf>` start with the fill replaced.
fn refilled(e: &BytesStart<'_>, fill: &str) -> BytesStart<'static> {
    xml::with_attrs(
        e,
        &["fillId", "applyFill"],
        &[("fillId", fill), ("applyFill", "1")],
    )
}

/// Markup of the spreadsheet namespace written with the prefix `p` the file uses for it.
fn prefixed(markup: &str, p: &str) -> String {
    if p.is_empty() {
        return markup.to_string();
    }
    markup
        .replace("</", "\u{0}")
        .replace('<', &format!("<{p}"))
        .replace('\u{0}', &format!("</{p}"))
}

/// Writes `xml`, the file's stylesheet, with what `clones` adds.
pub(super) fn rewrite<W: Write>(xml: &[u8], out: W, clones: &Clones) -> Result<(), PatchError> {
    let mut reader = xml::reader(xml);
    let mut walk = StylesWalk {
        writer: Writer::new(out),
        clones,
        depth: 0,
        p: String::new(),
        done: [false; 3],
        open: None,
        xfs: Vec::new(),
        capturing: false,
    };
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf)?;
        walk.missing_lists_before(&event)?;
        match event {
            Event::Start(e) => walk.start(e)?,
            Event::Empty(e) => walk.empty(e)?,
            Event::End(e) => walk.end(e)?,
            Event::Eof => break,
            other => {
                walk.capture(&other);
                walk.writer.write_event(other)?;
            }
        }
        buf.clear();
    }
    Ok(())
}

/// The lists the clones extend, in the order of [`StylesWalk::done`].
const LISTS: [List; 3] = [List::Fonts, List::Fills, List::CellXfs];

/// Where the rewrite of the stylesheet is.
struct StylesWalk<'c, W: Write> {
    writer: Writer<W>,
    clones: &'c Clones,
    depth: usize,
    /// The spreadsheet prefix of the stylesheet's elements.
    p: String,
    /// Which of [`LISTS`] are written, with what the clones add.
    done: [bool; 3],
    open: Option<List>,
    /// The file's cell formats, event by event, kept to be cloned.
    xfs: Vec<Vec<Event<'static>>>,
    /// Inside one of them.
    capturing: bool,
}

impl<W: Write> StylesWalk<'_, W> {
    /// A list the file lacks is written where it belongs: before the first list that comes
    /// after it, or at the end.
    fn missing_lists_before(&mut self, event: &Event<'_>) -> Result<(), PatchError> {
        let here = match event {
            Event::Start(e) | Event::Empty(e) if self.depth == 1 => {
                let name = local(e.name().0);
                ORDER.iter().position(|n| *n == name)
            }
            Event::End(_) if self.depth == 1 => Some(ORDER.len()),
            _ => None,
        };
        let Some(here) = here else {
            return Ok(());
        };
        for (i, list) in LISTS.iter().enumerate() {
            if !self.done[i]
                && list.order() < here
                && List::of(local(event_name(event))) != Some(*list)
            {
                let (p, name) = (&self.p, list.name());
                let count = self.clones.base(*list) + self.clones.added(*list);
                let out = self.writer.get_mut();
                out.write_all(format!("<{p}{name} count=\"{count}\">").as_bytes())?;
                out.write_all(&self.clones.appended(*list, p, &self.xfs))?;
                out.write_all(format!("</{p}{name}>").as_bytes())?;
                self.done[i] = true;
            }
        }
        Ok(())
    }

    /// The list of the stylesheet `e` opens, if it is one the clones extend.
    fn list_of(&mut self, e: &BytesStart<'_>) -> Option<List> {
        if self.depth == 0 {
            self.p = prefix_of(e.name().0);
        }
        (self.depth == 1)
            .then(|| List::of(local(e.name().0)))
            .flatten()
    }

    fn is_cell_format(&self, e: &BytesStart<'_>) -> bool {
        self.depth == 2 && self.open == Some(List::CellXfs) && local(e.name().0) == "xf"
    }

    /// `event` kept with the cell format being captured.
    fn capture(&mut self, event: &Event<'_>) {
        if self.capturing {
            if let Some(last) = self.xfs.last_mut() {
                last.push(event.clone().into_owned());
            }
        }
    }

    fn mark_done(&mut self, list: List) {
        self.done[LISTS.iter().position(|l| *l == list).unwrap_or(0)] = true;
    }

    fn count_of(&self, list: List) -> String {
        (self.clones.base(list) + self.clones.added(list)).to_string()
    }

    fn start(&mut self, e: BytesStart<'_>) -> Result<(), PatchError> {
        if let Some(list) = self.list_of(&e) {
            let count = self.count_of(list);
            let start = xml::with_attrs(&e, &["count"], &[("count", &count)]);
            self.writer.write_event(Event::Start(start))?;
            self.open = Some(list);
        } else if self.is_cell_format(&e) {
            self.xfs.push(vec![Event::Start(e.clone().into_owned())]);
            self.capturing = true;
            self.writer.write_event(Event::Start(e))?;
        } else {
            let event = Event::Start(e);
            self.capture(&event);
            self.writer.write_event(event)?;
        }
        self.depth += 1;
        Ok(())
    }

    fn empty(&mut self, e: BytesStart<'_>) -> Result<(), PatchError> {
        if let Some(list) = self.list_of(&e) {
            let count = self.count_of(list);
            let start = xml::with_attrs(&e, &["count"], &[("count", &count)]);
            let end = start.to_end().into_owned();
            self.writer.write_event(Event::Start(start))?;
            let appended = self.clones.appended(list, &self.p, &self.xfs);
            self.writer.get_mut().write_all(&appended)?;
            self.writer.write_event(Event::End(end))?;
            self.mark_done(list);
        } else {
            if self.is_cell_format(&e) {
                self.xfs.push(vec![Event::Empty(e.clone().into_owned())]);
            } else {
                self.capture(&Event::Empty(e.clone()));
            }
            self.writer.write_event(Event::Empty(e))?;
        }
        Ok(())
    }

    fn end(&mut self, e: quick_xml::events::BytesEnd<'_>) -> Result<(), PatchError> {
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 1 {
            if let Some(list) = self.open.take() {
                let appended = self.clones.appended(list, &self.p, &self.xfs);
                self.writer.get_mut().write_all(&appended)?;
                self.mark_done(list);
            }
        }
        if self.capturing {
            if let Some(last) = self.xfs.last_mut() {
                last.push(Event::End(e.clone().into_owned()));
            }
            if self.depth == 2 {
                self.capturing = false;
            }
        }
        self.writer.write_event(Event::End(e))?;
        Ok(())
    }
}

fn event_name<'a>(event: &'a Event<'_>) -> &'a str {
    match event {
        Event::Start(e) | Event::Empty(e) => e.name().0,
        Event::End(e) => e.name().0,
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(xml: &str, marks: &[(u32, Severity)]) -> (String, Vec<u32>) {
        let mut clones = Clones::new(ListCounts::of(xml.as_bytes()).unwrap());
        let indices = marks
            .iter()
            .map(|&(s, sev)| clones.marked(s, sev))
            .collect();
        let mut out = Vec::new();
        rewrite(xml.as_bytes(), &mut out, &clones).unwrap();
        (String::from_utf8(out).unwrap(), indices)
    }

    #[test]
    fn a_marked_format_is_its_clone_with_the_fill() {
        let xml = EMPTY.replace(
            "<cellXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/></cellXfs>",
            "<cellXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/><xf numFmtId=\"14\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"><protection locked=\"0\"/></xf></cellXfs>",
        );
        let (out, indices) = rewritten(
            &xml,
            &[
                (1, Severity::Error),
                (1, Severity::Error),
                (0, Severity::Warning),
            ],
        );
        // Two formats of the file, eight of Anomalies, then the clones.
        assert_eq!(indices, [10, 10, 11]);
        assert!(out.contains("<cellXfs count=\"12\">"), "{out}");
        assert!(out.contains("<fills count=\"6\">"), "{out}");
        assert!(out.contains("<fonts count=\"4\">"), "{out}");
        assert!(out.contains("<xf numFmtId=\"14\" fontId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\" fillId=\"2\" applyFill=\"1\"><protection locked=\"0\"/></xf></cellXfs>") || out.contains("applyFill=\"1\"><protection locked=\"0\"/></xf><xf numFmtId=\"0\""), "{out}");
        assert!(out.contains("<fgColor rgb=\"FFFF9999\"/>"));
        // What the file had is kept as it was.
        assert!(out.contains("<xf numFmtId=\"14\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"><protection locked=\"0\"/></xf>"));
    }

    #[test]
    fn prefixed_and_incomplete_stylesheets() {
        let xml = r#"<x:styleSheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:fonts count="1"><x:font/></x:fonts><x:cellXfs count="1"><x:xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></x:cellXfs></x:styleSheet>"#;
        let (out, indices) = rewritten(xml, &[(0, Severity::Info)]);
        assert_eq!(indices, [9]);
        // The missing fills come before cellXfs, with the two reserved ones first.
        let fills = out
            .find("<x:fills count=\"6\"><x:fill><x:patternFill patternType=\"none\"/>")
            .unwrap();
        assert!(fills < out.find("<x:cellXfs").unwrap(), "{out}");
        assert!(
            out.contains(
                "<x:xf numFmtId=\"0\" fontId=\"0\" borderId=\"0\" fillId=\"4\" applyFill=\"1\"/>"
            ),
            "{out}"
        );
        assert!(!out.contains("<fill>"), "{out}");
    }
}
