//! A worksheet marked as it streams: every element passes through as it was written, except
//! the marked cells, whose style becomes their clone with the severity's fill (a cell the
//! file does not have is added, empty, where it belongs), the sheet view that loses its
//! selection (the `Anomalies` sheet is the one selected), and the `legacyDrawing` that points
//! at the notes' shapes when the sheet had none.

use std::io::{BufRead, Write};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Writer;

use super::styles::Clones;
use super::xml::{self, local, parse_cell, parse_number, prefix_of};
use super::PatchError;
use crate::finding::Severity;

/// The elements of a worksheet that come after `legacyDrawing` (ECMA-376 §18.3.1.99).
const AFTER_LEGACY_DRAWING: [&str; 9] = [
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
    "AlternateContent",
];

/// How to mark one worksheet.
pub(super) struct Marking<'a> {
    /// The marked cells, sorted: (row, column, severity), 0-based.
    pub cells: &'a [(u32, u32, Severity)],
    /// Whether its sheet views lose `tabSelected`.
    pub unselect: bool,
    /// The relationship to the notes' shapes, written when the sheet has no `legacyDrawing`.
    pub drawing_id: &'a str,
    /// What a first reading found ([`survey`]).
    pub survey: &'a Survey,
}

/// What the rewrite found.
#[derive(Debug, Default)]
pub(super) struct Found {
    /// The relationship of the sheet's own `legacyDrawing`, when it has one.
    pub legacy_drawing: Option<String>,
    /// Whether the sheet now points at `drawing_id`.
    pub drawing_added: bool,
}

struct State<'a, 'c, W: Write> {
    writer: Writer<W>,
    marking: &'a Marking<'a>,
    clones: &'c mut Clones,
    /// The next marked cell not yet written (a sheet in order).
    next: usize,
    /// The marked cells written (a sheet out of order).
    done: Vec<bool>,
    /// The spreadsheet prefix of the sheet's elements.
    p: String,
}

impl<W: Write> State<'_, '_, W> {
    fn pending(&self) -> Option<(u32, u32, Severity)> {
        self.marking.cells.get(self.next).copied()
    }

    fn ordered(&self) -> bool {
        self.marking.survey.ordered
    }

    /// Writes, as empty cells of the open row `row`, the marks of that row before `col` (a
    /// sheet in order; out of order, the cells the row lacks are written at its end).
    fn cells_before(&mut self, row: u32, col: u32) -> Result<(), PatchError> {
        if !self.ordered() {
            return if col == u32::MAX {
                self.missing_in_row(row)
            } else {
                Ok(())
            };
        }
        while let Some((r, c, severity)) = self.pending() {
            if r != row || c >= col {
                break;
            }
            self.new_cell(r, c, severity)?;
            self.next += 1;
        }
        Ok(())
    }

    /// The marks of `row` that the sheet, out of order, lacks, as empty cells.
    fn missing_in_row(&mut self, row: u32) -> Result<(), PatchError> {
        let cells = self.marking.cells;
        let first = cells.partition_point(|m| m.0 < row);
        let last = cells.partition_point(|m| m.0 <= row);
        for (i, &(r, c, severity)) in cells.iter().enumerate().take(last).skip(first) {
            if !self.marking.survey.has_cell[i] && !self.done[i] {
                self.new_cell(r, c, severity)?;
                self.done[i] = true;
            }
        }
        Ok(())
    }

    fn new_cell(&mut self, r: u32, c: u32, severity: Severity) -> Result<(), PatchError> {
        let s = self.clones.marked(0, severity);
        let cell = format!(
            "<{p}c r=\"{}\" s=\"{s}\"/>",
            crate::finding::a1(r, c),
            p = self.p
        );
        self.writer.get_mut().write_all(cell.as_bytes())?;
        Ok(())
    }

    /// Writes, as new rows, the marks of the rows before `row` (out of order: at the end of
    /// the sheet's data, the marks of the rows it lacks).
    fn rows_before(&mut self, row: u32) -> Result<(), PatchError> {
        if !self.ordered() {
            if row == u32::MAX {
                let survey = self.marking.survey;
                let lacking = (0..self.marking.cells.len()).filter(|&i| !survey.has_row[i]);
                let mut rows: Vec<u32> = lacking.map(|i| self.marking.cells[i].0).collect();
                rows.dedup();
                for r in rows {
                    let open = format!("<{}row r=\"{}\">", self.p, r + 1);
                    self.writer.get_mut().write_all(open.as_bytes())?;
                    self.missing_in_row(r)?;
                    let close = format!("</{}row>", self.p);
                    self.writer.get_mut().write_all(close.as_bytes())?;
                }
            }
            return Ok(());
        }
        while let Some((r, _, _)) = self.pending() {
            if r >= row {
                break;
            }
            let open = format!("<{}row r=\"{}\">", self.p, r + 1);
            self.writer.get_mut().write_all(open.as_bytes())?;
            self.cells_before(r, u32::MAX)?;
            let close = format!("</{}row>", self.p);
            self.writer.get_mut().write_all(close.as_bytes())?;
        }
        Ok(())
    }

    /// Whether cells are added to `row` (its `spans` then go).
    fn row_has_marks(&self, row: u32) -> bool {
        if !self.ordered() {
            let cells = self.marking.cells;
            let first = cells.partition_point(|m| m.0 < row);
            let last = cells.partition_point(|m| m.0 <= row);
            return (first..last).any(|i| !self.marking.survey.has_cell[i] && !self.done[i]);
        }
        self.pending().is_some_and(|(r, _, _)| r == row)
    }

    /// The cell start `e` with its style's clone for `severity`.
    fn restyled(&mut self, e: &BytesStart<'_>, severity: Severity) -> BytesStart<'static> {
        let style = xml::attr(e, "s")
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        let s = self.clones.marked(style, severity).to_string();
        xml::with_attrs(e, &["s"], &[("s", &s)])
    }

    /// A cell start, its style replaced when it is marked.
    fn cell(
        &mut self,
        e: &BytesStart<'_>,
        row: u32,
        col: u32,
    ) -> Result<Option<BytesStart<'static>>, PatchError> {
        if !self.ordered() {
            let cells = self.marking.cells;
            let Ok(i) = cells.binary_search_by(|m| (m.0, m.1).cmp(&(row, col))) else {
                return Ok(None);
            };
            self.done[i] = true;
            return Ok(Some(self.restyled(e, cells[i].2)));
        }
        self.cells_before(row, col)?;
        match self.pending() {
            Some((r, c, severity)) if (r, c) == (row, col) => {
                self.next += 1;
                Ok(Some(self.restyled(e, severity)))
            }
            _ => Ok(None),
        }
    }
}

/// What a first reading of a worksheet tells before it is marked: whether its rows and cells
/// come in order, as spreadsheet applications write them, and which marked cells and rows it
/// already has. A sheet whose rows or cells are out of order (a hand-made or hostile file)
/// cannot be marked as it streams: a mark written where a cell should be may meet that cell
/// later in the file. There each mark goes on its cell wherever it comes, and the cells the
/// sheet lacks are added at the end of their row, or in rows of their own after the last.
#[derive(Debug, Clone)]
pub(super) struct Survey {
    pub ordered: bool,
    /// For each marked cell: whether the sheet has it, and whether it has its row.
    has_cell: Vec<bool>,
    has_row: Vec<bool>,
}

impl Survey {
    /// A sheet with no mark: in order, nothing to look up (the lists are read only out of
    /// order).
    pub(super) fn unmarked() -> Survey {
        Survey {
            ordered: true,
            has_cell: Vec::new(),
            has_row: Vec::new(),
        }
    }
}

/// Reads the worksheet `input` once for its [`Survey`] against the marked `cells`.
pub(super) fn survey<R: BufRead>(
    input: R,
    cells: &[(u32, u32, Severity)],
) -> Result<Survey, PatchError> {
    let mut reader = xml::reader(input);
    let mut survey = Survey {
        ordered: true,
        has_cell: vec![false; cells.len()],
        has_row: vec![false; cells.len()],
    };
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut in_data = false;
    let mut row: Option<u32> = None;
    let mut last_row: Option<u32> = None;
    let mut last_col: Option<u32> = None;
    loop {
        let (e, empty) = match reader.read_event_into(&mut buf)? {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                match (depth, local(e.name().0)) {
                    (1, "sheetData") => in_data = false,
                    (2, "row") => row = None,
                    _ => {}
                }
                buf.clear();
                continue;
            }
            Event::Eof => return Ok(survey),
            _ => {
                buf.clear();
                continue;
            }
        };
        match (depth, local(e.name().0)) {
            (1, "sheetData") => in_data = !empty,
            (2, "row") if in_data => {
                let r = row_of(&e, last_row);
                survey.ordered &= last_row.is_none_or(|l| r > l);
                let first = cells.partition_point(|m| m.0 < r);
                let last = cells.partition_point(|m| m.0 <= r);
                survey.has_row[first..last].fill(true);
                last_row = Some(r);
                last_col = None;
                row = (!empty).then_some(r);
            }
            (3, "c") if row.is_some() => {
                let (r, c) = position(&e, row, last_col);
                survey.ordered &= r == row.unwrap_or(r) && last_col.is_none_or(|l| c > l);
                last_col = Some(c);
                if let Ok(i) = cells.binary_search_by(|m| (m.0, m.1).cmp(&(r, c))) {
                    survey.has_cell[i] = true;
                }
            }
            _ => {}
        }
        if !empty {
            depth += 1;
        }
        buf.clear();
    }
}

/// Copies the worksheet `input` to `out`, marked as `marking` says; new styles are taken from
/// `clones`.
pub(super) fn rewrite<R: BufRead, W: Write>(
    input: R,
    out: W,
    marking: &Marking<'_>,
    clones: &mut Clones,
) -> Result<Found, PatchError> {
    let mut reader = xml::reader(input);
    let mut walk = Walk {
        state: State {
            writer: Writer::new(out),
            marking,
            clones,
            next: 0,
            done: vec![false; marking.cells.len()],
            p: String::new(),
        },
        found: Found::default(),
        depth: 0,
        r_prefix: None,
        in_data: false,
        data_done: false,
        row: None,
        last_row: None,
        last_col: None,
    };
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf)?;
        walk.drawing_before(&event)?;
        match event {
            Event::Start(e) => walk.start(e)?,
            Event::Empty(e) => walk.empty(e)?,
            Event::End(e) => walk.end(e)?,
            Event::Eof => break,
            other => walk.state.writer.write_event(other)?,
        }
        buf.clear();
    }
    Ok(walk.found)
}

/// Where the rewrite of a worksheet is: the marks' state, what it found, and the position in
/// the sheet (for cells and rows without `r`, the last row and column seen).
struct Walk<'a, 'c, W: Write> {
    state: State<'a, 'c, W>,
    found: Found,
    depth: usize,
    r_prefix: Option<String>,
    in_data: bool,
    data_done: bool,
    row: Option<u32>,
    last_row: Option<u32>,
    last_col: Option<u32>,
}

impl<W: Write> Walk<'_, '_, W> {
    /// Writes the new `legacyDrawing` before `event` when it goes there: before the first
    /// element that follows it, or at the end of the sheet.
    fn drawing_before(&mut self, event: &Event<'_>) -> Result<(), PatchError> {
        let wants = !self.state.marking.cells.is_empty();
        if !wants
            || !self.data_done
            || self.found.legacy_drawing.is_some()
            || self.found.drawing_added
        {
            return Ok(());
        }
        let at = match event {
            Event::Start(e) | Event::Empty(e) if self.depth == 1 => {
                AFTER_LEGACY_DRAWING.contains(&local(e.name().0))
            }
            Event::End(_) => self.depth == 1,
            _ => false,
        };
        if at {
            let element = format!(
                "<{}legacyDrawing {}/>",
                self.state.p,
                xml::rel_id_attr(self.r_prefix.as_deref(), self.state.marking.drawing_id)
            );
            self.state.writer.get_mut().write_all(element.as_bytes())?;
            self.found.drawing_added = true;
        }
        Ok(())
    }

    fn start(&mut self, e: BytesStart<'_>) -> Result<(), PatchError> {
        let name = local(e.name().0).to_string();
        let mut replaced: Option<BytesStart<'static>> = None;
        match (self.depth, name.as_str()) {
            (0, _) => {
                self.state.p = prefix_of(e.name().0);
                self.r_prefix = xml::relationships_prefix(&e);
            }
            (1, "sheetData") => self.in_data = true,
            (2, "row") if self.in_data => {
                let r = row_of(&e, self.last_row);
                self.state.rows_before(r)?;
                if self.state.row_has_marks(r) {
                    replaced = Some(xml::with_attrs(&e, &["spans"], &[]));
                }
                self.row = Some(r);
                self.last_row = Some(r);
                self.last_col = None;
            }
            (3, "c") if self.row.is_some() => {
                let (r, c) = position(&e, self.row, self.last_col);
                self.last_col = Some(c);
                replaced = self.state.cell(&e, r, c)?;
            }
            (_, "sheetView") if self.state.marking.unselect => {
                replaced = Some(xml::with_attrs(&e, &["tabSelected"], &[]));
            }
            (1, "legacyDrawing") => self.found.legacy_drawing = xml::attr(&e, "id"),
            _ => {}
        }
        match replaced {
            Some(start) => self.state.writer.write_event(Event::Start(start))?,
            None => self.state.writer.write_event(Event::Start(e))?,
        }
        self.depth += 1;
        Ok(())
    }

    fn empty(&mut self, e: BytesStart<'_>) -> Result<(), PatchError> {
        let state = &mut self.state;
        let name = local(e.name().0).to_string();
        match (self.depth, name.as_str()) {
            (1, "sheetData") if state.pending().is_some() => {
                let end = e.to_end().into_owned();
                state.writer.write_event(Event::Start(e.clone()))?;
                state.rows_before(u32::MAX)?;
                state.writer.write_event(Event::End(end))?;
                self.data_done = true;
            }
            (1, "sheetData") => {
                state.writer.write_event(Event::Empty(e))?;
                self.data_done = true;
            }
            (2, "row") if self.in_data => {
                let r = row_of(&e, self.last_row);
                state.rows_before(r)?;
                self.last_row = Some(r);
                if state.row_has_marks(r) {
                    let start = xml::with_attrs(&e, &["spans"], &[]);
                    let end = start.to_end().into_owned();
                    state.writer.write_event(Event::Start(start))?;
                    state.cells_before(r, u32::MAX)?;
                    state.writer.write_event(Event::End(end))?;
                } else {
                    state.writer.write_event(Event::Empty(e))?;
                }
            }
            (3, "c") if self.row.is_some() => {
                let (r, c) = position(&e, self.row, self.last_col);
                self.last_col = Some(c);
                match state.cell(&e, r, c)? {
                    Some(start) => state.writer.write_event(Event::Empty(start))?,
                    None => state.writer.write_event(Event::Empty(e))?,
                }
            }
            (1, "legacyDrawing") => {
                self.found.legacy_drawing = xml::attr(&e, "id");
                state.writer.write_event(Event::Empty(e))?;
            }
            (_, "sheetView") if state.marking.unselect => {
                let start = xml::with_attrs(&e, &["tabSelected"], &[]);
                state.writer.write_event(Event::Empty(start))?;
            }
            _ => state.writer.write_event(Event::Empty(e))?,
        }
        Ok(())
    }

    fn end(&mut self, e: quick_xml::events::BytesEnd<'_>) -> Result<(), PatchError> {
        self.depth = self.depth.saturating_sub(1);
        match (self.depth, local(e.name().0)) {
            (2, "row") if self.in_data => {
                if let Some(r) = self.row.take() {
                    self.state.cells_before(r, u32::MAX)?;
                }
            }
            (1, "sheetData") => {
                self.state.rows_before(u32::MAX)?;
                self.in_data = false;
                self.data_done = true;
            }
            _ => {}
        }
        self.state.writer.write_event(Event::End(e))?;
        Ok(())
    }
}

/// A row's 0-based number: its `r`, or the one after the last row.
fn row_of(e: &BytesStart<'_>, last_row: Option<u32>) -> u32 {
    xml::attr(e, "r")
        .and_then(|v| parse_number(v.as_bytes()))
        .and_then(|n| n.checked_sub(1))
        .unwrap_or_else(|| last_row.map_or(0, |l| l + 1))
}

/// A cell's position: its `r`, or the next column of the open row.
fn position(e: &BytesStart<'_>, row: Option<u32>, last_col: Option<u32>) -> (u32, u32) {
    let given = xml::attr(e, "r").and_then(|r| parse_cell(r.as_bytes()));
    given.unwrap_or((row.unwrap_or(0), last_col.map_or(0, |c| c + 1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotate::ooxml::styles::ListCounts;

    fn marked(xml: &str, cells: &[(u32, u32, Severity)], unselect: bool) -> (String, Found) {
        let mut clones = Clones::new(ListCounts {
            fonts: 1,
            fills: 2,
            xfs: 3,
        });
        let mut out = Vec::new();
        let survey = survey(xml.as_bytes(), cells).unwrap();
        let marking = Marking {
            cells,
            unselect,
            drawing_id: "rIdSpro1",
            survey: &survey,
        };
        let found = rewrite(xml.as_bytes(), &mut out, &marking, &mut clones).unwrap();
        (String::from_utf8(out).unwrap(), found)
    }

    const SHEET: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><sheetData><row r="1" spans="1:3"><c r="A1" s="2" t="s"><v>0</v></c><c r="C1"><f>1+1</f><v>2</v></c></row><row r="4"><c r="B4" t="inlineStr"><is><t>x &amp; y</t></is></c></row></sheetData><dataValidations count="1"><dataValidation type="list" sqref="A2:A9"><formula1>"a,b"</formula1></dataValidation></dataValidations><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><tableParts count="0"/></worksheet>"#;

    #[test]
    fn marked_cells_existing_or_not_and_nothing_else_changes() {
        let cells = [
            (0, 0, Severity::Error),   // A1, style 2
            (0, 1, Severity::Warning), // B1, absent, between A1 and C1
            (1, 0, Severity::Error),   // A2, absent row
            (3, 1, Severity::Info),    // B4, no style
            (3, 4, Severity::Error),   // E4, after the last cell of its row
            (9, 2, Severity::Error),   // C10, after the last row
        ];
        let (out, found) = marked(SHEET, &cells, true);
        // Clones start after the 3 formats of the file and the 8 of Anomalies.
        assert!(out.contains(r#"<row r="1"><c r="A1" t="s" s="11"><v>0</v></c><c r="B1" s="12"/><c r="C1"><f>1+1</f><v>2</v></c></row>"#), "{out}");
        assert!(out.contains(r#"</row><row r="2"><c r="A2" s="13"/></row><row r="4"><c r="B4" t="inlineStr" s="14"><is><t>x &amp; y</t></is></c><c r="E4" s="13"/></row><row r="10"><c r="C10" s="13"/></row></sheetData>"#), "{out}");
        assert!(out.contains(r#"<sheetView workbookViewId="0"/>"#), "{out}");
        assert!(out.contains(r#"<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><legacyDrawing r:id="rIdSpro1"/><tableParts count="0"/>"#), "{out}");
        assert!(out.contains(r#"<formula1>"a,b"</formula1>"#));
        assert!(found.drawing_added && found.legacy_drawing.is_none());
    }

    #[test]
    fn unmarked_sheets_come_out_as_they_went_in() {
        let (out, found) = marked(SHEET, &[], false);
        assert_eq!(out, SHEET);
        assert!(!found.drawing_added);
    }

    #[test]
    fn prefixes_implicit_positions_and_an_existing_drawing() {
        let xml = r#"<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row><x:c><x:v>1</x:v></x:c><x:c/></x:row><x:row/></x:sheetData><x:legacyDrawing xmlns:rr="http://schemas.openxmlformats.org/officeDocument/2006/relationships" rr:id="rId7"/></x:worksheet>"#;
        let cells = [(0, 1, Severity::Error), (1, 0, Severity::Error)];
        let (out, found) = marked(xml, &cells, false);
        assert!(out.contains(r#"<x:row><x:c><x:v>1</x:v></x:c><x:c s="11"/></x:row><x:row><x:c r="A2" s="11"/></x:row></x:sheetData>"#), "{out}");
        assert_eq!(found.legacy_drawing.as_deref(), Some("rId7"));
        assert!(!found.drawing_added, "{out}");
        let empty = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>"#;
        let (out, _) = marked(empty, &[(2, 2, Severity::Info)], false);
        assert!(out.contains(r#"<sheetData><row r="3"><c r="C3" s="11"/></row></sheetData><legacyDrawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rIdSpro1"/></worksheet>"#), "{out}");
    }

    /// Rows and cells out of order: each mark on its own cell wherever it comes, no cell
    /// twice; the cells the sheet lacks at the end of their row, or in rows of their own.
    #[test]
    fn rows_and_cells_out_of_order_keep_their_marks() {
        let xml = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="3" spans="1:5"><c r="E3" s="1"><v>5</v></c><c r="A3"><v>1</v></c></row><row r="2"><c r="K2"><v>2</v></c></row></sheetData></worksheet>"#;
        let cells = [
            (1, 10, Severity::Error),  // K2, in the second row of the file
            (2, 0, Severity::Warning), // A3, after E3
            (2, 2, Severity::Error),   // C3, absent: at the end of row 3
            (2, 4, Severity::Error),   // E3
            (4, 0, Severity::Error),   // A5, absent row
        ];
        let (out, _) = marked(xml, &cells, false);
        assert!(out.contains(r#"<row r="3"><c r="E3" s="11"><v>5</v></c><c r="A3" s="12"><v>1</v></c><c r="C3" s="13"/></row><row r="2"><c r="K2" s="13"><v>2</v></c></row><row r="5"><c r="A5" s="13"/></row></sheetData>"#), "{out}");
        for cell in ["K2", "A3", "C3", "E3", "A5"] {
            assert_eq!(
                out.matches(&format!("r=\"{cell}\"")).count(),
                1,
                "{cell}: {out}"
            );
        }
        assert!(!survey(xml.as_bytes(), &cells).unwrap().ordered);
        assert!(survey(SHEET.as_bytes(), &cells).unwrap().ordered);
    }
}
