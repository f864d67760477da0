//! What calamine keeps whole when it opens an `.xlsx`/`.xlsm` or an `.xlsb`, counted before it
//! does. It streams the cells of those formats, but reads some parts whole when the workbook is
//! opened: every shared string, every cell format (with a copy of its font, fill and border),
//! every number format, the sheets' list and the workbook's relationships. A few kilobytes of
//! XML can declare (`uniqueCount="4294967295"`: calamine reserves room for them, an allocation
//! that aborts the process) or hold (4,000,000 `<xf/>`, 40 KB zipped: 620 MB) far more than a
//! spreadsheet application ever writes. Those parts are walked here, without keeping anything,
//! and each entry priced at what calamine makes of it; the workbook is refused (F003) when the
//! total is beyond [`super::MAX_BYTES`] or a list is longer than any spreadsheet writes.
//!
//! A count a part declares is never trusted: the entries are counted; a declared count only
//! matters where calamine reserves room from it (`uniqueCount`), and is priced so.

use crate::read::package::part_key;
use std::io::{BufReader, Read, Seek};

use quick_xml::events::Event;

use super::{Cost, Rates, MAX_BYTES};
use crate::read::ReadError;

/// What a shared string costs besides its slot: its text's allocation (measured, `.xlsx` of a
/// million strings: 24 bytes a slot, 32 more for a text of 16 bytes, 64 for one of 50).
const XLSX: Rates = Rates {
    cell: 0,
    text: 16,
    byte_tenths: 10,
};

/// A slot of calamine's table of shared strings (a `String`), reserved or filled.
const SLOT: u64 = 24;

/// The most entries of one list of the styles (cell formats, fonts, fills, borders, number
/// formats): four times what Excel allows (64,000 cell formats), far beyond what any
/// spreadsheet application writes. The copy of a workbook keeps its cell formats too, so
/// this also bounds the annotated copy.
pub(super) const MAX_STYLES: u64 = 256 * 1024;

/// One kind of entry of a part calamine reads whole: the list that holds it (an entry counts
/// wherever it is inside its list, as calamine reads it), what it costs once read (measured
/// with `benches/memory.sh`'s method: a million entries of each, the peak over the program's),
/// and how it is named to the coordinator.
struct Entry {
    list: &'static str,
    item: &'static str,
    bytes: u64,
    styles: bool,
    what: (&'static str, &'static str),
}

/// The parts walked, by their name after the workbook's folder, and what each holds.
const STYLES: &[Entry] = &[
    // A cell format holds a copy of its font (measured 213 bytes with a named font, 150
    // without).
    Entry {
        list: "cellXfs",
        item: "xf",
        bytes: 224,
        styles: true,
        what: ("formats de cellule", "cell formats"),
    },
    Entry {
        list: "fonts",
        item: "font",
        bytes: 96,
        styles: true,
        what: ("polices", "fonts"),
    },
    Entry {
        list: "fills",
        item: "fill",
        bytes: 16,
        styles: true,
        what: ("remplissages", "fills"),
    },
    Entry {
        list: "borders",
        item: "border",
        bytes: 48,
        styles: true,
        what: ("bordures", "borders"),
    },
    // A map entry of two texts (measured 210 bytes each).
    Entry {
        list: "numFmts",
        item: "numFmt",
        bytes: 224,
        styles: true,
        what: ("formats de nombre", "number formats"),
    },
];

const WORKBOOK: &[Entry] = &[
    // calamine's two copies of the name and part, and ours.
    Entry {
        list: "sheets",
        item: "sheet",
        bytes: 512,
        styles: false,
        what: ("feuilles", "sheets"),
    },
    Entry {
        list: "definedNames",
        item: "definedName",
        bytes: 256,
        styles: false,
        what: ("noms définis", "defined names"),
    },
];

const RELATIONSHIPS: &[Entry] = &[Entry {
    list: "Relationships",
    item: "Relationship",
    bytes: 256,
    styles: false,
    what: ("relations", "relationships"),
}];

const SHARED_STRINGS: &[Entry] = &[Entry {
    list: "sst",
    item: "si",
    bytes: SLOT,
    styles: false,
    what: ("textes partagés", "shared strings"),
}];

/// What one part holds: each entry's count, the bytes of text inside its lists, and the
/// count it declares for its shared strings.
#[derive(Debug, Default)]
struct PartCount {
    counts: Vec<u64>,
    text_bytes: u64,
    declared_strings: u64,
}

/// Counts the entries of `table` in the XML read from `input`. A part that cannot be read to
/// its end is counted as far as it goes: calamine will report what is wrong with it.
fn walk(input: impl Read, table: &[Entry]) -> PartCount {
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(input));
    reader.config_mut().check_end_names = false;
    let mut tally = PartCount {
        counts: vec![0; table.len()],
        ..PartCount::default()
    };
    let mut open: Option<usize> = None;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => return tally,
            Ok(event) => event,
        };
        match (&event, open) {
            (Event::Start(e) | Event::Empty(e), Some(i))
                if e.local_name().as_ref() == table[i].item =>
            {
                tally.counts[i] += 1;
            }
            (Event::Start(e), None) => {
                open = table
                    .iter()
                    .position(|entry| entry.list == e.local_name().as_ref());
                if e.local_name().as_ref() == "sst" {
                    tally.declared_strings = declared_count(e);
                }
            }
            (Event::End(e), Some(i)) if e.local_name().as_ref() == table[i].list => open = None,
            (Event::Text(t), Some(_)) => tally.text_bytes += t.len() as u64,
            (Event::CData(t), Some(_)) => tally.text_bytes += t.len() as u64,
            _ => {}
        }
    }
}

/// The `uniqueCount` an `<sst>` declares, as calamine reads it (0 when absent or not a
/// number).
fn declared_count(e: &quick_xml::events::BytesStart<'_>) -> u64 {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == "uniqueCount")
        .and_then(|a| a.value.trim().parse::<u64>().ok())
        .unwrap_or(0)
}

/// The workbook part's folder and name, from the package's officeDocument relationship, as
/// calamine finds them (`xl/` and `workbook.xml` when it says nothing).
fn workbook_part<R: Read + Seek>(archive: &mut zip::ZipArchive<R>) -> (String, String) {
    let target = index_of(archive, "_rels/.rels")
        .first()
        .and_then(|&i| {
            let mut text = String::new();
            // A few hundred bytes in a real package, 1 MiB at most read.
            archive
                .by_index(i)
                .ok()?
                .take(1024 * 1024)
                .read_to_string(&mut text)
                .ok()?;
            crate::read::package::office_document(&text)
        })
        .unwrap_or_else(|| "xl/workbook.xml".into());
    let (dir, name) = match target.rfind('/') {
        Some(i) => target.split_at(i + 1),
        None => ("", target.as_str()),
    };
    let name = if name.is_empty() {
        "workbook.xml"
    } else {
        name
    };
    (dir.trim_start_matches('/').to_string(), name.to_string())
}

/// Every entry of the archive calamine could take for `part` (two entries may spell it
/// alike: both are counted; a leading slash, which calamine would not follow, counts too).
fn index_of<R: Read + Seek>(archive: &zip::ZipArchive<R>, part: &str) -> Vec<usize> {
    let part = part_key(part);
    (0..archive.len())
        .filter(|&i| {
            archive
                .name_for_index(i)
                .is_some_and(|n| n.is_ok_and(|n| part_key(&n) == part))
        })
        .collect()
}

/// The cost of the parts of an `.xlsx`/`.xlsm` that calamine reads whole, or F003.
pub(super) fn xlsx(bytes: &[u8]) -> Result<Cost, ReadError> {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        // Admission already read this directory; calamine will say what is wrong.
        return Ok(Cost::new(&XLSX));
    };
    let (dir, name) = workbook_part(&mut archive);
    let parts: [(String, &[Entry]); 4] = [
        (format!("{dir}sharedStrings.xml"), SHARED_STRINGS),
        (format!("{dir}styles.xml"), STYLES),
        (format!("{dir}{name}"), WORKBOOK),
        (format!("{dir}_rels/{name}.rels"), RELATIONSHIPS),
    ];
    let mut cost = Cost::new(&XLSX);
    for (part, table) in parts {
        for index in index_of(&archive, &part) {
            let size = archive.by_index_raw(index).map_or(u64::MAX, |e| e.size());
            let Ok(input) = archive.by_index(index) else {
                continue;
            };
            let tally = if size <= SMALL_PART {
                bound(input, table, size)
            } else {
                walk(input, table)
            };
            add(&mut cost, &part, table, &tally)?;
        }
    }
    within(&cost)?;
    Ok(cost)
}

/// The inflated size (as the zip directory declares it, which the reader holds the part to)
/// under which a part is not walked but bounded ([`bound`]): every part of a workbook typed
/// by hand, and a walk of each would cost a sixth of the check of a small one.
const SMALL_PART: u64 = 256 * 1024;

/// The fewest bytes an entry takes (`<xf/>`, `<si/>`).
const SHORTEST_ENTRY: u64 = 5;

/// The most a part of `size` bytes can hold: one entry every [`SHORTEST_ENTRY`] bytes, all
/// of its dearest kind (at most 11.5 MiB for [`SMALL_PART`]), its bytes all text; and the
/// count its shared strings declare, read from their first tag.
fn bound(input: impl Read, table: &[Entry], size: u64) -> PartCount {
    let dearest = table
        .iter()
        .enumerate()
        .max_by_key(|(_, e)| e.bytes)
        .map_or(0, |(i, _)| i);
    let mut counts = vec![0; table.len()];
    counts[dearest] = size / SHORTEST_ENTRY;
    let declared_strings = if table.iter().any(|e| e.item == "si") {
        declared_head(input)
    } else {
        0
    };
    PartCount {
        counts,
        text_bytes: size,
        declared_strings,
    }
}

/// The `uniqueCount` of the first `<sst>` of `input`, its following entries left unread.
fn declared_head(input: impl Read) -> u64 {
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(input));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                return declared_count(&e)
            }
            Ok(Event::Eof) | Err(_) => return 0,
            Ok(_) => {}
        }
    }
}

/// `tally` of `part` added to `cost`; F003 when a list of styles is longer than any
/// spreadsheet writes, or when the shared strings declare more than the limits allow.
fn add(cost: &mut Cost, part: &str, table: &[Entry], tally: &PartCount) -> Result<(), ReadError> {
    for (entry, &count) in table.iter().zip(&tally.counts) {
        if entry.styles && count > MAX_STYLES {
            let ((what, what_en), max) = (entry.what, MAX_STYLES);
            return Err(ReadError::Limit(msg!(
                "la feuille de styles du classeur ({part}) compte {count} {what}, bien au-delà des {max} qu'un tableur produit : le fichier n'a pas été ouvert ; ouvrez-le dans votre tableur et enregistrez-le à nouveau, ou recopiez les valeurs dans le modèle vierge",
                "the workbook's style sheet ({part}) holds {count} {what_en}, far beyond the {max} a spreadsheet application writes: the file was not opened; open it in your spreadsheet application and save it again, or copy the values into the blank template"
            )));
        }
        if entry.item == "si" {
            let declared = tally.declared_strings;
            // calamine reserves a slot for each string declared before it reads them.
            if declared.saturating_mul(SLOT) > MAX_BYTES {
                let max = MAX_BYTES / SLOT;
                return Err(ReadError::Limit(msg!(
                    "le classeur déclare {declared} textes partagés ({part}, attribut « uniqueCount »), plus que les {max} que l'outil peut tenir en mémoire, et n'en contient que {count} : le fichier est endommagé et n'a pas été ouvert ; ouvrez-le dans votre tableur et enregistrez-le à nouveau",
                    "the workbook declares {declared} shared strings ({part}, attribute “uniqueCount”), more than the {max} the tool can hold in memory, and holds only {count}: the file is damaged and was not opened; open it in your spreadsheet application and save it again"
                )));
            }
            cost.package = cost
                .package
                .saturating_add(declared.max(count).saturating_mul(SLOT));
            cost.add_text(count, 0);
            cost.text_bytes = cost.text_bytes.saturating_add(tally.text_bytes);
        } else {
            cost.package = cost
                .package
                .saturating_add(count.saturating_mul(entry.bytes));
        }
    }
    Ok(())
}

/// F003 when what calamine would keep exceeds [`MAX_BYTES`].
fn within(cost: &Cost) -> Result<(), ReadError> {
    if cost.bytes() <= MAX_BYTES {
        return Ok(());
    }
    let (max, texts) = (MAX_BYTES / (1024 * 1024), cost.texts);
    Err(ReadError::Limit(msg!(
        "le classeur est trop volumineux pour être ouvert : ses textes partagés ({texts}), ses styles et la liste de ses feuilles demanderaient plus de {max} Mio de mémoire ; supprimez les feuilles, textes et mises en forme superflus, ou recopiez les valeurs dans le modèle vierge",
        "the workbook is too large to be opened: its shared strings ({texts}), its styles and its list of sheets would take more than {max} MiB of memory; delete the superfluous sheets, texts and formatting, or copy the values into the blank template"
    )))
}

/// An `.xlsb`'s records: its type and its data, as [MS-XLSB] 2.1.4 writes them (the type in
/// one or two bytes, the size in one to four, seven bits each). `Err` with the size a record
/// declares when the part ends before it: calamine would reserve that size (up to 256 MiB)
/// before finding the bytes missing.
fn records(mut input: impl Read, mut each: impl FnMut(u32, u64)) -> Result<(), u64> {
    fn varint(input: &mut impl Read, max_bytes: usize) -> Option<u32> {
        let mut value = 0u32;
        for i in 0..max_bytes {
            let mut b = [0u8];
            input.read_exact(&mut b).ok()?;
            value |= u32::from(b[0] & 0x7F) << (7 * i);
            if b[0] & 0x80 == 0 {
                return Some(value);
            }
        }
        Some(value)
    }
    let mut input = BufReader::new(&mut input);
    loop {
        let Some(typ) = varint(&mut input, 2) else {
            return Ok(());
        };
        let Some(len) = varint(&mut input, 4) else {
            return Ok(());
        };
        let skipped = std::io::copy(&mut (&mut input).take(u64::from(len)), &mut std::io::sink());
        if skipped.ok() != Some(u64::from(len)) {
            return Err(u64::from(len));
        }
        each(typ, u64::from(len));
    }
}

/// BrtSSTItem, BrtFmt, BrtXF, BrtBundleSh (a sheet), BrtName.
const SST_ITEM: u32 = 0x0013;
const FMT: u32 = 0x002C;
const XF: u32 = 0x002F;
const BUNDLE_SH: u32 = 0x009C;
const NAME: u32 = 0x0027;

/// The cost of the parts of an `.xlsb` that calamine reads whole, or F003: its shared strings
/// (their records' bytes, UTF-16, bound the text), its number formats and cell formats, its
/// sheets and names.
pub(super) fn xlsb(bytes: &[u8]) -> Result<Cost, ReadError> {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Ok(Cost::new(&XLSX));
    };
    let mut counts = [0u64; 5];
    let mut text_bytes = 0u64;
    for part in ["xl/sharedStrings.bin", "xl/styles.bin", "xl/workbook.bin"] {
        for index in index_of(&archive, part) {
            let Ok(input) = archive.by_index(index) else {
                continue;
            };
            records(input, |typ, len| {
                if let Some(i) = [SST_ITEM, FMT, XF, BUNDLE_SH, NAME]
                    .iter()
                    .position(|t| *t == typ)
                {
                    counts[i] += 1;
                }
                if typ == SST_ITEM {
                    text_bytes += len;
                }
            })
            .map_err(|len| {
                ReadError::Unreadable(msg!(
                    "le classeur .xlsb est endommagé ou tronqué : un enregistrement de {part} annonce {len} octets que la partie ne contient pas ; ouvrez-le dans votre tableur et enregistrez-le au format .xlsx",
                    "the .xlsb workbook is damaged or truncated: a record of {part} announces {len} bytes the part does not hold; open it in your spreadsheet application and save it as .xlsx"
                ))
            })?;
        }
    }
    let [strings, formats, xfs, sheets, names] = counts;
    let tally = |count, declared| PartCount {
        counts: vec![count],
        text_bytes: 0,
        declared_strings: declared,
    };
    let mut cost = Cost::new(&XLSX);
    let part = "xl/styles.bin";
    add(&mut cost, part, &STYLES[4..5], &tally(formats, 0))?;
    // calamine keeps one byte a cell format of an `.xlsb`.
    if xfs > MAX_STYLES {
        add(&mut cost, part, &STYLES[0..1], &tally(xfs, 0))?;
    }
    add(
        &mut cost,
        "xl/workbook.bin",
        &WORKBOOK[0..1],
        &tally(sheets, 0),
    )?;
    add(
        &mut cost,
        "xl/workbook.bin",
        &WORKBOOK[1..2],
        &tally(names, 0),
    )?;
    add(
        &mut cost,
        "xl/sharedStrings.bin",
        SHARED_STRINGS,
        &tally(strings, 0),
    )?;
    cost.text_bytes = cost.text_bytes.saturating_add(text_bytes);
    within(&cost)?;
    Ok(cost)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(xml: &str, table: &[Entry]) -> PartCount {
        walk(xml.as_bytes(), table)
    }

    /// A small part is bounded by its size, its declared count of strings still read.
    #[test]
    fn small_parts_are_bounded_by_their_size() {
        let xml = r#"<?xml version="1.0"?><sst uniqueCount="4294967295"><si><t>a</t></si></sst>"#;
        let t = bound(xml.as_bytes(), SHARED_STRINGS, 10_000);
        assert_eq!((t.counts[0], t.declared_strings), (2_000, 4_294_967_295));
        let t = bound(&b""[..], STYLES, 5_000);
        assert_eq!(t.counts.iter().sum::<u64>(), 1_000);
        assert_eq!(t.declared_strings, 0);
    }

    #[test]
    fn entries_are_counted_inside_their_list_only() {
        let xml = r#"<x:styleSheet xmlns:x="m"><x:cellStyleXfs count="9"><x:xf/></x:cellStyleXfs><x:cellXfs count="1"><x:xf/><x:xf numFmtId="3"><x:alignment/></x:xf></x:cellXfs><x:dxfs><x:dxf><x:font/></x:dxf></x:dxfs><x:fonts count="0"><x:font><x:b/></x:font></x:fonts></x:styleSheet>"#;
        let t = tally(xml, STYLES);
        assert_eq!(t.counts, vec![2, 1, 0, 0, 0]);
    }

    #[test]
    fn the_declared_count_of_shared_strings_is_read_not_trusted() {
        let xml = r#"<sst uniqueCount="4294967295" count="7"><si><t>abc</t></si><si><r><t>de</t></r></si><si/></sst>"#;
        let t = tally(xml, SHARED_STRINGS);
        assert_eq!(t.counts, vec![3]);
        assert_eq!(t.declared_strings, 4_294_967_295);
        assert_eq!(t.text_bytes, 5);
        let mut cost = Cost::new(&XLSX);
        let refused = add(&mut cost, "xl/sharedStrings.xml", SHARED_STRINGS, &t).unwrap_err();
        assert!(
            refused.to_string().contains("4294967295 textes partagés"),
            "{refused}"
        );
        assert!(
            refused.to_string().contains("n'en contient que 3"),
            "{refused}"
        );
    }

    #[test]
    fn a_list_longer_than_any_spreadsheet_writes_is_refused() {
        let xml = format!(
            "<styleSheet><cellXfs>{}</cellXfs></styleSheet>",
            "<xf/>".repeat(MAX_STYLES as usize + 1)
        );
        let t = tally(&xml, STYLES);
        let refused = add(&mut Cost::new(&XLSX), "xl/styles.xml", STYLES, &t).unwrap_err();
        assert!(matches!(refused, ReadError::Limit(_)));
        assert!(
            refused.to_string().contains("262145 formats de cellule"),
            "{refused}"
        );
    }

    #[test]
    fn xlsb_records_are_walked_by_their_varints() {
        // BrtSSTItem (0x13) of 3 bytes, a two-byte type (0x9C → 0x9C 0x01) of 130 bytes.
        let mut bytes = vec![0x13, 0x03, 1, 2, 3, 0x9C, 0x01, 0x82, 0x01];
        bytes.extend(std::iter::repeat_n(0u8, 130));
        // Cut short: its declared size said.
        bytes.extend([0x13, 0x05, 1]);
        let mut seen = vec![];
        assert_eq!(
            records(bytes.as_slice(), |typ, len| seen.push((typ, len))),
            Err(5)
        );
        assert_eq!(seen, vec![(0x13, 3), (0x9C, 130)]);
    }
}
