//! Reading the multipart form of `/verifier`, `/api/verifier` and `/consolider` within the
//! limits: at most 30 files, each within `taille_fichier_mo`, the whole body within its
//! deadline. A file is read whole into memory (never to disk) and handed over part by part,
//! so that the caller checks one file while holding no other.

use std::time::Duration;

use axum::extract::multipart::{Field, Multipart};
use tokio::time::Instant;

use super::error::ServeError;
use crate::i18n::Msg;

/// The most files one request may carry.
pub(super) const MAX_FILES: usize = 30;

/// What the multipart framing adds to the files (boundaries, part headers, other fields).
const FORM_OVERHEAD: u64 = 1024 * 1024;

/// One part of the form.
#[derive(Debug)]
enum Part {
    /// A file of `fichiers`, with its name as the user's computer gave it, reduced to its
    /// last component.
    File { name: String, bytes: Vec<u8> },
    /// `annee`: blank, or a year.
    Year(Option<i32>),
    /// A checkbox that is ticked.
    Flag(Flag),
}

/// The checkboxes of the consolidation's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Flag {
    /// `sans_donnees_personnelles`: coordinators' names, e-mails and phones left out.
    WithoutPersonalData,
    /// `inclure_non_conformes`: files with errors counted too.
    IncludeInvalid,
}

/// The form being read.
pub(super) struct Form {
    multipart: Multipart,
    bounds: Bounds,
    files: usize,
}

/// What a form must keep to.
#[derive(Debug)]
struct Bounds {
    deadline: Instant,
    timeout: Duration,
    file_limit: u64,
    pace: Pace,
}

/// The least rate a body must keep while the server waits for it, after a grace: a sender of
/// one byte a second holds its turn a few seconds, not the whole upload deadline, and four
/// of them never keep a fifth coordinator waiting. 16 KiB/s is a tenth of the slowest upload
/// link (1 Mbit/s) still sold; the time the server spends checking a file, when the sender
/// cannot send, does not count.
pub(super) const MIN_RATE: u64 = 16 * 1024;
const GRACE: Duration = Duration::from_secs(5);

/// How fast the body comes: the time spent waiting for it and the bytes received.
#[derive(Debug, Default)]
struct Pace {
    waited_ms: std::sync::atomic::AtomicU64,
    received: std::sync::atomic::AtomicU64,
}

impl Pace {
    /// Counts a wait of `since` until now that brought `bytes`; 408 when the body has come
    /// slower than [`MIN_RATE`] beyond the grace.
    fn count(&self, since: Instant, bytes: usize) -> Result<(), ServeError> {
        use std::sync::atomic::Ordering::Relaxed;
        let waited_ms = u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX);
        let waited = self.waited_ms.fetch_add(waited_ms, Relaxed) + waited_ms;
        let received = self.received.fetch_add(bytes as u64, Relaxed) + bytes as u64;
        let grace = GRACE.as_millis() as u64;
        if waited > grace && received < (waited - grace) * MIN_RATE / 1000 {
            return Err(ServeError::TooSlow {
                kib_per_second: MIN_RATE / 1024,
            });
        }
        Ok(())
    }

    /// How long the server may still wait without the body falling below the rate.
    fn allowance(&self) -> Duration {
        use std::sync::atomic::Ordering::Relaxed;
        let waited = self.waited_ms.load(Relaxed);
        let received = self.received.load(Relaxed);
        let earned = GRACE.as_millis() as u64 + received.saturating_mul(1000) / MIN_RATE;
        Duration::from_millis(earned.saturating_sub(waited) + 1)
    }
}

/// The largest body the limits allow: 30 files and the form around them.
pub(super) fn body_limit(file_limit: u64) -> u64 {
    file_limit
        .saturating_mul(MAX_FILES as u64)
        .saturating_add(FORM_OVERHEAD)
}

fn too_large_body(file_limit: u64) -> ServeError {
    let mo = file_limit / (1024 * 1024);
    let max = MAX_FILES;
    ServeError::TooLarge(msg!(
        "L'envoi dépasse la taille permise : au plus {max} fichiers de {mo} Mio chacun. Envoyez moins de fichiers à la fois.",
        "The upload is over the size allowed: at most {max} files of {mo} MiB each. Send fewer files at a time."
    ))
}

fn too_large_file(name: &str, file_limit: u64) -> ServeError {
    let mo = file_limit / (1024 * 1024);
    ServeError::TooLarge(msg!(
        "Le fichier « {name} » dépasse la taille permise de {mo} Mio par fichier : retirez les images ou les données superflues, puis enregistrez-le à nouveau.",
        "The file “{name}” is over the size allowed of {mo} MiB per file: remove superfluous images or data, then save it again."
    ))
}

/// The length a request's body announces.
fn announced_length(headers: &axum::http::HeaderMap) -> Option<u64> {
    headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
}

/// Refuses a body that announces more than the limits allow, before reading any of it.
pub(super) fn check_length(
    headers: &axum::http::HeaderMap,
    file_limit: u64,
) -> Result<(), ServeError> {
    match announced_length(headers) {
        Some(n) if n > body_limit(file_limit) => Err(too_large_body(file_limit)),
        _ => Ok(()),
    }
}

/// Refuses a consolidation whose body announces more than the memory budget (`budget_mib`):
/// every workbook of it is held until the end, and weighs at least its bytes.
pub(super) fn check_held_length(
    headers: &axum::http::HeaderMap,
    budget_mib: u32,
) -> Result<(), ServeError> {
    match announced_length(headers) {
        Some(n) if n.saturating_sub(FORM_OVERHEAD) > u64::from(budget_mib) * 1024 * 1024 => {
            let needed = u32::try_from(n.div_ceil(1024 * 1024)).unwrap_or(u32::MAX);
            Err(consolidation_too_large(needed, budget_mib))
        }
        _ => Ok(()),
    }
}

/// The request is not a multipart form.
pub(super) fn not_a_form() -> ServeError {
    broken()
}

/// The form holds no file.
pub(super) fn no_file() -> ServeError {
    ServeError::BadRequest(Msg::new(
        "Aucun fichier n'a été reçu : choisissez au moins un tableau de bord (.xlsx, .xlsm, .xlsb, .xls ou .ods) avant de valider.",
        "No file was received: choose at least one tableau de bord (.xlsx, .xlsm, .xlsb, .xls or .ods) before submitting.",
    ))
}

/// `annee` came after files already checked.
fn year_after_files() -> ServeError {
    ServeError::BadRequest(Msg::new(
        "Le champ « annee » doit précéder les fichiers dans le formulaire (les fichiers sont vérifiés à mesure qu'ils arrivent).",
        "The field “annee” must come before the files in the form (files are checked as they arrive).",
    ))
}

/// `/consolider` without its year.
pub(super) fn year_needed() -> ServeError {
    ServeError::BadRequest(Msg::new(
        "L'année du bilan est nécessaire pour consolider : indiquez-la dans le champ « Année du bilan ».",
        "The year of the bilan is needed to consolidate: give it in the field “Year of the bilan”.",
    ))
}

/// `/consolider` with workbooks that would take the server past its memory budget (413).
pub(super) fn consolidation_too_large(needed_mib: u32, budget_mib: u32) -> ServeError {
    ServeError::TooLarge(crate::msg!(
        "Ces tableaux de bord sont trop volumineux pour être consolidés en ligne : il y faudrait environ {needed_mib} Mio de mémoire, le service en accorde {budget_mib}. Consolidez-les avec la commande « spro consolidate DOSSIER --annee AAAA », qui les lit un à un, ou envoyez-les en plusieurs fois.",
        "These tableaux de bord are too large to consolidate online: it would take about {needed_mib} MiB of memory, the service allows {budget_mib}. Consolidate them with the command “spro consolidate FOLDER --annee YYYY”, which reads them one by one, or send them in several parts."
    ))
}

fn broken() -> ServeError {
    ServeError::BadRequest(Msg::new(
        "L'envoi est incomplet ou mal formé : il doit venir du formulaire de la page d'accueil (multipart/form-data, champ « fichiers »). Réessayez.",
        "The upload is incomplete or malformed: it must come from the form of the home page (multipart/form-data, field “fichiers”). Try again.",
    ))
}

/// The most characters of a file's name as the page keeps it.
const MAX_NAME: usize = 200;

/// The last component of a name sent by a browser (`C:\…\bilan.xlsx`, `../../x`), without
/// control characters, at most [`MAX_NAME`] characters: a longer name is cut in its stem, never
/// its extension, which says how the file is read.
pub(super) fn clean_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = last.chars().filter(|c| !c.is_control()).collect();
    let name = name.trim().trim_start_matches('.');
    let (stem, extension) = match name.rfind('.') {
        Some(dot) if dot > 0 && name[dot..].chars().count() <= 16 => name.split_at(dot),
        _ => (name, ""),
    };
    let room = MAX_NAME.saturating_sub(extension.chars().count());
    let name = format!("{}{extension}", stem.chars().take(room).collect::<String>());
    let name = name.trim();
    if name.is_empty() {
        "fichier".to_string()
    } else {
        name.to_string()
    }
}

/// The fields of a form besides its files, as they have come so far.
#[derive(Debug, Default)]
pub(super) struct Fields {
    /// `annee`.
    pub year: Option<i32>,
    /// The boxes ticked.
    pub flags: std::collections::BTreeSet<Flag>,
    /// The files handed out.
    files: usize,
}

impl Form {
    /// The next file of the form, the fields before it read into `fields`; `None` at its end.
    /// With `year_first` (files checked as they arrive), a year after a file is refused and a
    /// blank one ignored; without, the last `annee` holds.
    pub(super) async fn next_file(
        &mut self,
        fields: &mut Fields,
        year_first: bool,
    ) -> Result<Option<(String, Vec<u8>)>, ServeError> {
        while let Some(part) = self.next().await? {
            match part {
                Part::Year(y) if fields.files == 0 || !year_first => fields.year = y,
                // A blank year after the files changes nothing.
                Part::Year(None) => {}
                Part::Year(Some(_)) => return Err(year_after_files()),
                Part::Flag(f) => {
                    fields.flags.insert(f);
                }
                Part::File { name, bytes } => {
                    fields.files += 1;
                    return Ok(Some((name, bytes)));
                }
            }
        }
        Ok(None)
    }

    /// Reads `multipart`, whose body must arrive within `timeout` from now.
    pub(super) fn new(multipart: Multipart, timeout: Duration, file_limit: u64) -> Form {
        Form {
            multipart,
            bounds: Bounds {
                deadline: Instant::now() + timeout,
                timeout,
                file_limit,
                pace: Pace::default(),
            },
            files: 0,
        }
    }

    /// The next part, `None` at the end of the form.
    async fn next(&mut self) -> Result<Option<Part>, ServeError> {
        let b = &self.bounds;
        loop {
            let field = b.wait(self.multipart.next_field(), |_| 0).await?;
            let Some(field) = field else {
                return Ok(None);
            };
            let name = field.name().unwrap_or_default().to_string();
            match name.as_str() {
                // `fichiers` on the pre-check page, `fichier` on a deposit.
                "fichiers" | "fichier" => {
                    let raw = field.file_name().unwrap_or_default().to_string();
                    let file_name = clean_name(&raw);
                    let bytes = b.read(field, &file_name).await?;
                    // A file input left empty sends one part without name or content.
                    if raw.is_empty() && bytes.is_empty() {
                        continue;
                    }
                    self.files += 1;
                    if self.files > MAX_FILES {
                        let max = MAX_FILES;
                        return Err(ServeError::TooLarge(msg!(
                            "L'envoi compte plus de {max} fichiers : envoyez-les en plusieurs fois.",
                            "The upload holds more than {max} files: send them in several goes."
                        )));
                    }
                    return Ok(Some(Part::File {
                        name: file_name,
                        bytes,
                    }));
                }
                "annee" => {
                    let text = b.text(field).await?;
                    return Ok(Some(Part::Year(parse_year(&text)?)));
                }
                "sans_donnees_personnelles" | "inclure_non_conformes" => {
                    let flag = if name == "inclure_non_conformes" {
                        Flag::IncludeInvalid
                    } else {
                        Flag::WithoutPersonalData
                    };
                    let text = b.text(field).await?;
                    if !text.trim().is_empty() {
                        return Ok(Some(Part::Flag(flag)));
                    }
                }
                // Other fields (a submit button's name…) are read and ignored.
                _ => {
                    b.text(field).await?;
                }
            }
        }
    }
}

impl Bounds {
    /// Waits for what `next` reads of the body, within the deadline and the least rate.
    /// `size` says how many bytes of the body what was read holds.
    async fn wait<T>(
        &self,
        next: impl std::future::Future<Output = Result<T, axum::extract::multipart::MultipartError>>,
        size: impl Fn(&T) -> usize,
    ) -> Result<T, ServeError> {
        let since = Instant::now();
        let at = self.deadline.min(since + self.pace.allowance());
        match tokio::time::timeout_at(at, next).await {
            Ok(read) => {
                let read = read.map_err(|e| self.failed(e))?;
                self.pace.count(since, size(&read))?;
                Ok(read)
            }
            Err(_) if at < self.deadline => Err(ServeError::TooSlow {
                kib_per_second: MIN_RATE / 1024,
            }),
            Err(_) => Err(self.late()),
        }
    }

    fn late(&self) -> ServeError {
        ServeError::Timeout {
            seconds: self.timeout.as_secs(),
        }
    }

    /// The bytes of a file, refused as soon as they pass the limit.
    async fn read(&self, mut field: Field<'_>, name: &str) -> Result<Vec<u8>, ServeError> {
        let mut bytes = Vec::new();
        loop {
            let chunk = self.wait(field.chunk(), chunk_len).await?;
            let Some(chunk) = chunk else {
                return Ok(bytes);
            };
            if (bytes.len() + chunk.len()) as u64 > self.file_limit {
                return Err(too_large_file(name, self.file_limit));
            }
            bytes.extend_from_slice(&chunk);
        }
    }

    /// A text field (a year, a checkbox), at most 1 KiB.
    async fn text(&self, field: Field<'_>) -> Result<String, ServeError> {
        let bytes = self.read_small(field).await?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    async fn read_small(&self, mut field: Field<'_>) -> Result<Vec<u8>, ServeError> {
        let mut bytes = Vec::new();
        while let Some(chunk) = self.wait(field.chunk(), chunk_len).await? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > 1024 {
                return Err(broken());
            }
        }
        Ok(bytes)
    }

    fn failed(&self, e: axum::extract::multipart::MultipartError) -> ServeError {
        // The body limit of the router ends the stream with this status.
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            too_large_body(self.file_limit)
        } else {
            broken()
        }
    }
}

/// `annee`: blank, or a year from `FIRST_YEAR` to `LAST_YEAR`.
pub(super) fn parse_year(text: &str) -> Result<Option<i32>, ServeError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i32>() {
        Ok(y) if (crate::config::FIRST_YEAR..=crate::config::LAST_YEAR).contains(&y) => Ok(Some(y)),
        _ => {
            let (first, last) = (crate::config::FIRST_YEAR, crate::config::LAST_YEAR);
            Err(ServeError::BadRequest(msg!(
                "« {text} » n'est pas une année de bilan : indiquez une année sur quatre chiffres, de {first} à {last}.",
                "“{text}” is not a bilan year: give a four-digit year, from {first} to {last}."
            )))
        }
    }
}

/// The bytes of the body a chunk of a file holds.
fn chunk_len(chunk: &Option<axum::body::Bytes>) -> usize {
    chunk.as_ref().map_or(0, |c| c.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_their_last_component() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\a\\36-CHX.xlsx"), "36-CHX.xlsx");
        assert_eq!(clean_name("..\u{0}"), "fichier");
        assert_eq!(clean_name("<script>.xlsx"), "<script>.xlsx");
    }

    #[test]
    fn long_names_are_cut_in_their_stem() {
        // 201 characters: cut to 200, the extension kept.
        let long = format!("{}.xlsx", "B".repeat(196));
        assert_eq!(clean_name(&long), format!("{}.xlsx", "B".repeat(195)));
        let cut = clean_name(&format!("{}.xlsx", "é".repeat(500)));
        assert_eq!(cut, format!("{}.xlsx", "é".repeat(195)));
        assert_eq!(cut.chars().count(), MAX_NAME);
        assert_eq!(clean_name(&"B".repeat(300)), "B".repeat(200));
    }

    #[test]
    fn years() {
        assert_eq!(parse_year(" 2025 ").unwrap(), Some(2025));
        assert_eq!(parse_year("").unwrap(), None);
        assert!(parse_year("25").is_err());
        assert!(parse_year("deux mille").is_err());
    }
}
