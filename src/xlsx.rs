//! Writing workbooks with rust_xlsxwriter: the formats and table conventions shared by the
//! consolidated workbook, the template and the annotated copies (bold frozen headers,
//! autofilters, widths that fit, dates `jj/mm/aaaa`, thousands separators). Text is always
//! written as text, never as a formula, whatever it starts with.

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::read::sheet::Cell;
use crate::read::values::Typed;

/// The formats every writer uses.
pub(crate) struct Styles {
    pub header: Format,
    pub text: Format,
    pub date: Format,
    pub integer: Format,
    pub title: Format,
    pub wrap: Format,
    /// « — », a figure not given: on the right, where the numbers of its column are.
    pub dash: Format,
}

impl Styles {
    pub(crate) fn new() -> Styles {
        Styles {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0x1F4E79))
                .set_font_color(Color::White)
                .set_text_wrap()
                .set_border_bottom(FormatBorder::Thin),
            text: Format::new(),
            date: Format::new().set_num_format("dd/mm/yyyy"),
            integer: Format::new().set_num_format("#,##0"),
            title: Format::new().set_bold().set_font_size(13),
            wrap: Format::new().set_text_wrap(),
            dash: Format::new().set_align(rust_xlsxwriter::FormatAlign::Right),
        }
    }
}

impl Default for Styles {
    fn default() -> Self {
        Styles::new()
    }
}

/// A workbook with fixed document properties, so the same content gives the same bytes.
pub(crate) fn new_workbook(year: i32) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let date =
        ExcelDateTime::from_ymd(u16::try_from(year.clamp(1900, 9999)).unwrap_or(2025), 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&date)
            .set_author("Région Centre-Val de Loire — spro")
            .set_company("Région Centre-Val de Loire"),
    );
    Ok(wb)
}

/// Writes text as text: a leading `=`, `+`, `-` or `@` stays literal.
/// How a sheet of the regional workbook prints: A4 landscape, one page wide (no column cut
/// off, as many pages tall as needed), `header` row repeated at the top of every page, and a
/// footer with the sheet name, the page number and the year of the bilan.
pub(crate) fn print_layout(
    ws: &mut Worksheet,
    year: i32,
    header: Option<u32>,
) -> Result<(), XlsxError> {
    ws.set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0)
        .set_margins(0.4, 0.4, 0.55, 0.6, 0.3, 0.3)
        .set_footer(format!("&C&A — page &P / &N — bilan {year}"));
    if let Some(row) = header {
        ws.set_repeat_rows(row, row)?;
    }
    Ok(())
}

pub(crate) fn text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    s: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, col, capped(s), format)?;
    Ok(())
}

/// Excel caps a cell at 32,767 characters.
fn capped(s: &str) -> &str {
    if s.len() <= 32_767 {
        return s;
    }
    match s.char_indices().nth(32_767) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Writes text as text, with no format of its own: the common case of data cells, which
/// spares rust_xlsxwriter a format lookup per cell (it showed in profiles).
pub(crate) fn plain(ws: &mut Worksheet, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
    ws.write_string(row, col, capped(s))?;
    Ok(())
}

/// Writes a checked cell in a column whose format is set (`set_column_format`): numbers and
/// dates without a format of their own, so they take the column's.
pub(crate) fn cell(ws: &mut Worksheet, row: u32, col: u16, c: &Cell) -> Result<(), XlsxError> {
    match (&c.value, c.valid) {
        (Some(Typed::Int(i)), true) => ws.write_number(row, col, *i as f64).map(|_| ()),
        (Some(Typed::Num(n)), true) => ws.write_number(row, col, *n).map(|_| ()),
        (Some(Typed::Date(d)), true) => {
            use chrono::Datelike;
            let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            ws.write_datetime(row, col, &dt).map(|_| ())
        }
        (Some(Typed::Text(s)), true) => plain(ws, row, col, s),
        (Some(Typed::Bool(b)), true) => plain(ws, row, col, if *b { "Oui" } else { "Non" }),
        (Some(Typed::List(items)), true) => plain(ws, row, col, &items.join(" ; ")),
        _ => match c.raw.display() {
            Some(s) => plain(ws, row, col, &s),
            None => Ok(()),
        },
    }
}

/// A header row, frozen, with an autofilter over `rows` data rows below it.
pub(crate) fn table_header(
    ws: &mut Worksheet,
    row: u32,
    headers: &[&str],
    data_rows: u32,
    styles: &Styles,
) -> Result<(), XlsxError> {
    header(ws, row, headers, styles)?;
    filter(ws, row, headers.len(), data_rows)
}

/// A header row, frozen (for a streamed table: its filter comes once its rows are counted).
pub(crate) fn header(
    ws: &mut Worksheet,
    row: u32,
    headers: &[&str],
    styles: &Styles,
) -> Result<(), XlsxError> {
    for (c, h) in headers.iter().enumerate() {
        text(ws, row, c as u16, h, &styles.header)?;
    }
    ws.set_freeze_panes(row + 1, 0)?;
    Ok(())
}

/// An autofilter over the `columns` of a header row and the `data_rows` below it.
pub(crate) fn filter(
    ws: &mut Worksheet,
    row: u32,
    columns: usize,
    data_rows: u32,
) -> Result<(), XlsxError> {
    if columns > 0 {
        ws.autofilter(row, 0, row + data_rows.max(1), columns as u16 - 1)?;
    }
    Ok(())
}

/// Column widths that fit, from the longest text expected in each column (capped).
pub(crate) fn widths(ws: &mut Worksheet, widths: &[usize]) -> Result<(), XlsxError> {
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).clamp(8, 60) as f64 + 2.0)?;
    }
    Ok(())
}

/// Keeps the longest length seen per column.
#[derive(Debug, Default, Clone)]
pub(crate) struct Widths(pub Vec<usize>);

impl Widths {
    pub(crate) fn of(headers: &[&str]) -> Widths {
        Widths(headers.iter().map(|h| h.chars().count().min(30)).collect())
    }

    pub(crate) fn see(&mut self, col: usize, s: &str) {
        // A text no longer in bytes than the widest seen is no wider in characters: most
        // cells of a long table stop here.
        if self.0.get(col).is_some_and(|w| s.len() <= *w) {
            return;
        }
        let len = s.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        self.see_chars(col, len);
    }

    fn see_chars(&mut self, col: usize, len: usize) {
        if self.0.len() <= col {
            self.0.resize(col + 1, 8);
        }
        self.0[col] = self.0[col].max(len);
    }

    /// Sees a checked cell as [`cell`] writes it, without formatting it.
    pub(crate) fn see_cell(&mut self, col: usize, c: &Cell) {
        match (&c.value, c.valid) {
            (Some(Typed::Int(i)), true) => {
                // Digits, thousands separators, sign.
                let digits = i
                    .unsigned_abs()
                    .checked_ilog10()
                    .map_or(1, |l| l as usize + 1);
                self.see_chars(col, digits + (digits - 1) / 3 + usize::from(*i < 0));
            }
            (Some(Typed::Num(n)), true) => self.see_chars(col, n.to_string().len() + 2),
            (Some(Typed::Date(_)), true) => self.see_chars(col, 10),
            (Some(Typed::Text(s)), true) => self.see(col, s),
            (Some(Typed::Bool(_)), true) => self.see_chars(col, 3),
            (Some(Typed::List(items)), true) => {
                let len = items.iter().map(|s| s.chars().count()).sum::<usize>();
                self.see_chars(col, len + 3 * items.len().saturating_sub(1));
            }
            _ => {
                if let Some(s) = c.raw.display() {
                    self.see(col, &s);
                }
            }
        }
    }
}
