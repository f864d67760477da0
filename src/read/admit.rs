//! Admission: [`load`] and [`admit`] say what the bytes are (sniffing the container whatever
//! the extension says) and refuse what cannot or must not be opened, *before* anything is
//! expanded: the file size from the file system, the uncompressed size and the number of
//! parts from the zip central directory, an encrypted package, a macro sheet, the prescan's
//! cost of what calamine would keep whole (contrat §4.1 / §7.14).

use std::io::Cursor;
use std::path::Path;

use super::{Format, ReadError, MIB};
use crate::config::Limits;
use crate::i18n::Msg;

/// The bytes of the file at `path`, refused before reading when larger than `limits` allow.
pub fn load(path: &Path, limits: &Limits) -> Result<Vec<u8>, ReadError> {
    let size = std::fs::metadata(path)
        .map_err(|e| {
            ReadError::Unreadable(Msg::new(
                format!("le fichier ne peut pas être ouvert ({})", io_fr(&e)),
                format!("the file cannot be opened ({})", io_en(&e)),
            ))
        })?
        .len();
    if size > limits.file_bytes() {
        return Err(ReadError::Limit(Msg::new(format!(
            "le fichier pèse {} Mio, au-delà de la limite de {} Mio : retirez les images ou données superflues, ou relevez « taille_fichier_mo » dans spro.toml",
            size.div_ceil(MIB),
            limits.taille_fichier_mo
        ), format!("the file weighs {} MiB, over the limit of {} MiB: remove superfluous images or data, or raise “taille_fichier_mo” in spro.toml",
            size.div_ceil(MIB),
            limits.taille_fichier_mo
        ))));
    }
    std::fs::read(path).map_err(|e| {
        ReadError::Unreadable(Msg::new(
            format!("le fichier ne peut pas être lu ({})", io_fr(&e)),
            format!("the file cannot be read ({})", io_en(&e)),
        ))
    })
}

fn io_en(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::NotFound => "file not found".into(),
        _ => e.to_string(),
    }
}

fn io_fr(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "accès refusé".into(),
        std::io::ErrorKind::NotFound => "fichier introuvable".into(),
        _ => e.to_string(),
    }
}

/// What the first bytes say a file really is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Zip,
    Cfb,
    Other,
}

fn sniff(bytes: &[u8]) -> Container {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Container::Zip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Container::Cfb
    } else {
        Container::Other
    }
}

/// A file's bytes once admitted ([`admit`]): what the check read, kept for a second pass
/// (the annotated copy) without touching the file system again.
#[derive(Debug, Clone)]
pub struct Admitted {
    pub format: Format,
    pub bytes: Vec<u8>,
}

/// What the first bytes and the zip directory say the file is, against what its extension
/// promises: the bytes to parse (an archive's part names made canonical when they must be),
/// or why the file is not opened (empty, too large, wrong format, password, zip bomb…).
/// Nothing is parsed yet. Public so the fuzzer can drive it.
pub fn admit(bytes: Vec<u8>, format: Format, limits: &Limits) -> Result<Admitted, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Unreadable(
            Msg::new("le fichier est vide (0 octet) : enregistrez à nouveau le tableau de bord depuis votre tableur", "the file is empty (0 bytes): save the tableau de bord again from your spreadsheet application"),
        ));
    }
    if bytes.len() as u64 > limits.file_bytes() {
        return Err(ReadError::Limit(Msg::new(
            format!(
                "le fichier dépasse la limite de {} Mio",
                limits.taille_fichier_mo
            ),
            format!(
                "the file is over the limit of {} MiB",
                limits.taille_fichier_mo
            ),
        )));
    }
    let bytes = admit_container(bytes, format, limits)?;
    Ok(Admitted { format, bytes })
}

/// How many bytes the parts of a workbook take once inflated, from what is known before
/// parsing: the sizes its zip directory declares (held to them while inflating), or, for a
/// file that is not a zip (`.xls`), its own size. What reading it costs grows with this, not
/// with the file's size: a workbook of repeated cells compresses 10 to 1.
pub(crate) fn expanded_size(bytes: &[u8]) -> u64 {
    if sniff(bytes) != Container::Zip {
        return bytes.len() as u64;
    }
    // Refused before it is read; never opened here either.
    if within_parts(bytes).is_err() {
        return bytes.len() as u64;
    }
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return bytes.len() as u64;
    };
    (0..archive.len())
        .filter_map(|i| archive.by_index_raw(i).ok().map(|f| f.size()))
        .fold(bytes.len() as u64, u64::saturating_add)
}

/// What calamine will hold to read `bytes` as `format` ([`crate::read::prescan`], which streams,
/// once the archive passed its limits); `None` for a file the check will refuse before
/// parsing it.
pub(crate) fn read_cost(
    bytes: &[u8],
    format: Format,
    limits: &Limits,
) -> Option<crate::read::prescan::Cost> {
    if sniff(bytes) == Container::Zip {
        zip_kind(bytes, limits).ok()?;
    }
    crate::read::prescan::of(bytes, format).ok()
}

/// The most parts a zip package may hold. The zip reader keeps an entry of its directory for
/// each (measured: 500,000 empty parts in 43 MB take 250 MiB to open, each time the package
/// is opened); a workbook has a few dozen, a few hundred with its pictures.
pub(crate) const MAX_PARTS: usize = 10_000;

/// F003 when the zip `bytes` hold more than [`MAX_PARTS`] entries in their central directory,
/// counted by their signatures before the zip reader allocates anything for them (its own
/// bound is the directory's size: 50 MiB of it, a million entries).
fn within_parts(bytes: &[u8]) -> Result<(), ReadError> {
    let parts = memchr::memmem::find_iter(bytes, b"PK\x01\x02").count();
    if parts <= MAX_PARTS {
        return Ok(());
    }
    let max = MAX_PARTS;
    Err(ReadError::Limit(msg!(
        "l'archive du classeur compte {parts} parties, bien au-delà des {max} qu'un tableur écrit : le fichier n'a pas été ouvert ; ouvrez-le dans votre tableur et enregistrez-le à nouveau",
        "the workbook's archive holds {parts} parts, far beyond the {max} a spreadsheet application writes: the file was not opened; open it in your spreadsheet application and save it again"
    )))
}

/// What the first bytes and the zip directory say the file really is, against what its
/// extension promises: the bytes to parse (an archive's part names made canonical when they
/// must be), or why the file is not opened (wrong format, password, zip bomb…).
fn admit_container(bytes: Vec<u8>, format: Format, limits: &Limits) -> Result<Vec<u8>, ReadError> {
    let container = sniff(&bytes);
    let mut bytes = bytes;
    match (format, container) {
        (Format::Xlsx | Format::Xlsb | Format::Ods, Container::Zip) => {
            let (kind, rename) = zip_kind(&bytes, limits)?;
            match (format, kind) {
                (Format::Ods, ZipKind::Ods) | (Format::Xlsx, ZipKind::Xlsx) | (Format::Xlsb, ZipKind::Xlsb) => {}
                (_, ZipKind::EncryptedOds) => return Err(password()),
                (_, ZipKind::MacroSheet(part)) => return Err(macro_sheet(&part)),
                (_, ZipKind::Ods) => return Err(mislabelled("un classeur OpenDocument (.ods)", ".ods")),
                (_, ZipKind::Xlsx) => return Err(mislabelled("un classeur Excel (.xlsx)", ".xlsx")),
                (_, ZipKind::Xlsb) => return Err(mislabelled("un classeur Excel binaire (.xlsb)", ".xlsb")),
                (_, ZipKind::Unknown) => {
                    return Err(ReadError::Unreadable(
                        Msg::new("le fichier est une archive zip qui ne contient pas de classeur : transmettez le tableau de bord lui-même", "the file is a zip archive that holds no workbook: send the tableau de bord itself"),
                    ))
                }
            }
            if rename {
                bytes = crate::read::package::normalised(&bytes).map_err(|e| {
                    ReadError::Unreadable(Msg::new(
                        format!("le fichier est endommagé (archive illisible : {e}) ; enregistrez-le à nouveau depuis votre tableur"),
                        format!("the file is damaged (unreadable archive: {e}); save it again from your spreadsheet application"),
                    ))
                })?;
            }
        }
        (Format::Xls, Container::Cfb) => {}
        (Format::Xlsx | Format::Xlsb, Container::Cfb) => {
            if has_encrypted_package(&bytes) {
                return Err(password());
            }
            return Err(mislabelled("un classeur Excel 97-2003 (.xls)", ".xls"));
        }
        (Format::Ods, Container::Cfb) => {
            return Err(mislabelled("un classeur Excel 97-2003 (.xls)", ".xls"))
        }
        (Format::Xls, Container::Zip) => {
            let (kind, _) = zip_kind(&bytes, limits)?;
            return Err(match kind {
                ZipKind::Ods | ZipKind::EncryptedOds => {
                    mislabelled("un classeur OpenDocument (.ods)", ".ods")
                }
                ZipKind::Xlsb => mislabelled("un classeur Excel binaire (.xlsb)", ".xlsb"),
                _ => mislabelled("un classeur Excel (.xlsx)", ".xlsx"),
            });
        }
        (_, Container::Other) => return Err(not_a_workbook(&bytes)),
    }
    Ok(bytes)
}

/// F001 for a file that is neither a zip nor a compound file, saying what it looks like.
fn not_a_workbook(bytes: &[u8]) -> ReadError {
    let (hint, hint_en) = if bytes.starts_with(b"%PDF") {
        (
            "c'est un document PDF, pas un classeur",
            "it is a PDF document, not a workbook",
        )
    } else if bytes.iter().take(512).all(|b| b.is_ascii() || *b >= 0x80) && !bytes.contains(&0) {
        (
            "c'est un fichier texte (CSV ou HTML ?), pas un classeur",
            "it is a text file (CSV or HTML?), not a workbook",
        )
    } else {
        (
            "son contenu n'est pas celui d'un classeur (fichier corrompu ?)",
            "its content is not a workbook's (corrupt file?)",
        )
    };
    ReadError::Unreadable(Msg::new(format!(
            "le fichier ne peut pas être ouvert : {hint} ; enregistrez le tableau de bord au format .xlsx depuis votre tableur"
        ), format!("the file cannot be opened: {hint_en}; save the tableau de bord as .xlsx from your spreadsheet application"
        )))
}

fn mislabelled(what: &str, ext: &str) -> ReadError {
    let what_en = match ext {
        ".ods" => "an OpenDocument spreadsheet (.ods)",
        ".xlsb" => "a binary Excel workbook (.xlsb)",
        ".xls" => "an Excel 97-2003 workbook (.xls)",
        _ => "an Excel workbook (.xlsx)",
    };
    ReadError::Unreadable(msg!(
        "le contenu du fichier ne correspond pas à son extension : c'est en réalité {what} ; renommez-le avec l'extension {ext} ou enregistrez-le au format .xlsx",
        "the content of the file does not match its extension: it is actually {what_en}; rename it with the extension {ext} or save it as .xlsx"
    ))
}

pub(crate) fn password() -> ReadError {
    ReadError::Unreadable(
        Msg::new("le classeur est protégé par un mot de passe : retirez la protection (Fichier > Informations > Protéger le classeur) puis enregistrez-le à nouveau", "the workbook is password-protected: remove the protection (File > Info > Protect Workbook) then save it again"),
    )
}

fn has_encrypted_package(bytes: &[u8]) -> bool {
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

use crate::read::package::Kind as ZipKind;

/// Reads the zip central directory only: the uncompressed sizes it declares are checked
/// against the limit before calamine inflates anything, and the parts tell the real format
/// ([`crate::read::package`]). Also says whether the part names must be made canonical first.
fn zip_kind(bytes: &[u8], limits: &Limits) -> Result<(ZipKind, bool), ReadError> {
    within_parts(bytes)?;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        ReadError::Unreadable(Msg::new(format!(
            "le fichier est endommagé ou tronqué (archive illisible : {e}) ; enregistrez-le à nouveau depuis votre tableur"
        ), format!("the file is damaged or truncated (unreadable archive: {e}); save it again from your spreadsheet application"
        )))
    })?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let size = archive.by_index_raw(i).map(|f| f.size()).map_err(|e| {
            ReadError::Unreadable(Msg::new(
                format!("le fichier est endommagé (entrée {i} illisible : {e})"),
                format!("the file is damaged (entry {i} unreadable: {e})"),
            ))
        })?;
        total = total.saturating_add(size);
        if total > limits.uncompressed_bytes() {
            return Err(ReadError::Limit(Msg::new(format!(
                "une fois décompressé, le fichier dépasserait {} Mio (limite « taille_decompressee_mo ») : il n'a pas été ouvert",
                limits.taille_decompressee_mo
            ), format!("once decompressed, the file would exceed {} MiB (limit “taille_decompressee_mo”): it was not opened",
                limits.taille_decompressee_mo
            ))));
        }
    }
    // These sizes are what the archive declares; an archive can lie (a "zip bomb" declaring a
    // few bytes that inflates to gigabytes). The zip reader holds every entry to its declared
    // size while inflating ("File is larger than its declared uncompressed size", mapped to
    // F003 by `calamine_error`), so the checked total bounds what calamine can inflate. The
    // parts read here to tell the format (`_rels/.rels`, the manifest) are read 1 MiB at most.
    Ok(crate::read::package::kind(&mut archive))
}

fn macro_sheet(part: &str) -> ReadError {
    ReadError::Unreadable(msg!(
        "le classeur contient une feuille de macros Excel 4 (« {part} »), que l'outil ne sait pas lire : enregistrez-le au format « Classeur Excel (.xlsx) », sans macros, puis envoyez cette copie",
        "the workbook holds an Excel 4 macro sheet (“{part}”), which the tool cannot read: save it as “Excel Workbook (.xlsx)”, without macros, then send that copy"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Container::Zip);
        assert_eq!(
            sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]),
            Container::Cfb
        );
        assert_eq!(sniff(b"hello"), Container::Other);
    }

    #[test]
    fn expanded_size_reads_the_zip_directory() {
        let description: serde_json::Value =
            serde_json::from_str(include_str!("../../fixtures/sources/36-CHX-2025.json"))
                .expect("the sample source");
        let bytes = crate::fixture::build_xlsx(&description).expect("the workbook");
        let mut archive = zip::ZipArchive::new(Cursor::new(&bytes[..])).expect("a zip");
        let parts: u64 = (0..archive.len())
            .map(|i| archive.by_index_raw(i).expect("a part").size())
            .sum();
        assert_eq!(expanded_size(&bytes), bytes.len() as u64 + parts);
        assert!(parts > bytes.len() as u64);
        // Not a zip: its own size.
        assert_eq!(expanded_size(b"a;b;c"), 5);
    }
}
