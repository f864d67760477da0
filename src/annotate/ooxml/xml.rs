//! Small helpers for reading and writing the XML parts of a package: a reader that keeps
//! every byte it can (no trimming, no expansion), attribute lookup by local name, and text
//! escaped for an element or an attribute.

use std::io::BufRead;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::BytesStart;
use quick_xml::Reader;

/// The relationships namespace of transitional OOXML.
pub(super) const REL_NS: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A reader that gives back the part as it is written.
pub(super) fn reader<R: BufRead>(input: R) -> Reader<R> {
    let mut reader = Reader::from_reader(input);
    let config = reader.config_mut();
    config.trim_text(false);
    config.expand_empty_elements = false;
    config.check_end_names = false;
    reader
}

/// The local part of a qualified name (`x:c` → `c`).
pub(super) fn local(name: &str) -> &str {
    name.split_once(':').map_or(name, |(_, l)| l)
}

/// The prefix of a qualified name with its colon (`x:c` → `x:`), empty when there is none.
pub(super) fn prefix_of(name: &str) -> String {
    name.split_once(':')
        .map_or_else(String::new, |(p, _)| format!("{p}:"))
}

/// The value of the attribute of `e` whose local name is `key`, unescaped.
pub(super) fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| local(a.key.0) == key)
        .map(|a| {
            quick_xml::escape::unescape(&a.value)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string())
        })
}

/// `e` with the attributes whose local name is in `drop` removed and `add` appended (values
/// given escaped), same name.
pub(super) fn with_attrs(
    e: &BytesStart<'_>,
    drop: &[&str],
    add: &[(&str, &str)],
) -> BytesStart<'static> {
    let mut out = BytesStart::new(e.name().0.to_string());
    for a in e.attributes().with_checks(false).flatten() {
        if !drop.iter().any(|d| local(a.key.0) == *d) {
            out.push_attribute(a);
        }
    }
    for (k, v) in add {
        out.push_attribute(Attribute {
            key: quick_xml::name::QName(k),
            value: (*v).into(),
        });
    }
    out
}

/// The prefix (with its colon) a root element binds to the relationships namespace, if any.
pub(super) fn relationships_prefix(root: &BytesStart<'_>) -> Option<String> {
    root.attributes()
        .with_checks(false)
        .flatten()
        .find_map(|a| {
            let key = a.key.0;
            (key.starts_with("xmlns:") && a.value.as_ref() == REL_NS)
                .then(|| format!("{}:", &key[6..]))
        })
}

/// `r:id="…"` for an element written inside a root that binds `r_prefix` to the
/// relationships namespace, or with its own declaration when the root binds none.
pub(super) fn rel_id_attr(r_prefix: Option<&str>, id: &str) -> String {
    match r_prefix {
        Some(p) => format!("{p}id=\"{}\"", escape(id)),
        None => format!("xmlns:r=\"{REL_NS}\" r:id=\"{}\"", escape(id)),
    }
}

/// Text for an element or a double-quoted attribute: markup characters escaped, characters XML 1.0
/// cannot hold dropped, and a literal `_xHHHH_` kept literal (spreadsheets read it as an
/// escaped character).
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let bytes = text.as_bytes();
    for (i, ch) in text.char_indices() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            '_' if is_escape_sequence(&bytes[i..]) => out.push_str("_x005F_"),
            c => out.push(c),
        }
    }
    out
}

/// Whether `b` starts with `_xHHHH_`.
fn is_escape_sequence(b: &[u8]) -> bool {
    b.len() >= 7
        && b[0] == b'_'
        && b[1] == b'x'
        && b[2..6].iter().all(u8::is_ascii_hexdigit)
        && b[6] == b'_'
}

/// A cell reference (`AB12`) as a 0-based (row, column).
pub(super) fn parse_cell(reference: &[u8]) -> Option<(u32, u32)> {
    let letters = reference
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for b in &reference[..letters] {
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    let digits = std::str::from_utf8(&reference[letters..])
        .ok()?
        .trim_start_matches('$');
    let row: u32 = digits.parse().ok()?;
    (row >= 1).then(|| (row - 1, col - 1))
}

/// A 1-based number attribute (a row's `r`).
pub(super) fn parse_number(value: &[u8]) -> Option<u32> {
    std::str::from_utf8(value).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_escapes() {
        assert_eq!(parse_cell(b"A1"), Some((0, 0)));
        assert_eq!(parse_cell(b"ab12"), Some((11, 27)));
        assert_eq!(parse_cell(b"XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_cell(b"A0"), None);
        assert_eq!(parse_cell(b"12"), None);
        assert_eq!(
            escape("a<b & \"c\" _x0041_ \u{1}d"),
            "a&lt;b &amp; &quot;c&quot; _x005F_x0041_ d"
        );
        assert_eq!(local("x:c"), "c");
        assert_eq!(prefix_of("x:c"), "x:");
        assert_eq!(prefix_of("c"), "");
    }
}
