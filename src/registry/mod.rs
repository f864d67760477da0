//! The registry of template versions (`schemas/modeles.json`, docs/region/modeles.md): the
//! tableau de bord is the Région's versioned data. Each version has a status (`courante`,
//! `acceptee`, `retiree`), the years it serves, and its sheets, one JSON Schema each in its
//! folder, known by their role (`x-role`) across versions.
//!
//! A registry is read whole and checked ([`verify`]) before any file is read: the embedded one
//! (every version of `schemas/`, in the binary), or the Région's own (`--schemas DIR`). Its
//! problems come back together, each at its file, JSON pointer and line:column. The checker
//! reads with the current version's schemas ([`Registry::current`]); [`diff`] says what changed
//! from one version to another.

pub(crate) mod diff;
mod locate;
pub(crate) mod verify;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use crate::schema::Schemas;

pub use locate::{line_col, locate};
pub use verify::{Problem, Problems};

/// The registry's own file, at the root of the folder.
pub const INDEX: &str = "modeles.json";

/// `schemas/` as built into the binary.
static EMBEDDED_DIR: include_dir::Dir<'_> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/schemas");

/// A version's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionStatus {
    /// The template sent out this year (exactly one).
    Current,
    /// Still read without complaint for the years it serves.
    Accepted,
    /// Refused (S006 error).
    Retired,
}

impl VersionStatus {
    fn from_key(key: &str) -> Option<VersionStatus> {
        match key {
            "courante" => Some(VersionStatus::Current),
            "acceptee" => Some(VersionStatus::Accepted),
            "retiree" => Some(VersionStatus::Retired),
            _ => None,
        }
    }

    /// The status as `modeles.json` writes it.
    pub fn key(self) -> &'static str {
        match self {
            VersionStatus::Current => "courante",
            VersionStatus::Accepted => "acceptee",
            VersionStatus::Retired => "retiree",
        }
    }
}

/// A text of the registry: its path in the folder and its content.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: String,
    pub text: String,
}

/// One sheet of a version: its schema file, parsed.
#[derive(Debug, Clone)]
pub struct SheetFile {
    pub file: String,
    pub source: Source,
    pub json: Value,
}

impl SheetFile {
    /// The sheet's name in the workbook.
    pub fn name(&self) -> &str {
        self.json["x-feuille"].as_str().unwrap_or_default()
    }

    /// What the rules know the sheet as (`None`: a sheet the Région declared without code).
    pub fn role(&self) -> Option<&str> {
        self.json["x-role"].as_str()
    }

    /// The names the sheet had in earlier versions (`x-anciens-noms`).
    pub fn former_names(&self) -> Vec<&str> {
        self.json["x-anciens-noms"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// Whether `other` (a sheet of another version) is this sheet: the same role, or for a
    /// declared sheet (no role), the same name or a name one of them had before.
    pub fn is(&self, other: &SheetFile) -> bool {
        match (self.role(), other.role()) {
            (Some(a), Some(b)) => a == b,
            (None, None) => {
                let names = |s: &SheetFile| {
                    let mut names = vec![crate::norm::norm(s.name())];
                    names.extend(s.former_names().iter().map(|n| crate::norm::norm(n)));
                    names
                };
                let (mine, theirs) = (names(self), names(other));
                mine.iter().any(|n| theirs.contains(n))
            }
            _ => false,
        }
    }

    /// The columns: (key, property), in order.
    pub fn columns(&self) -> Vec<(&str, &Value)> {
        self.json["properties"]
            .as_object()
            .map(|p| p.iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default()
    }

    /// Whether column `key` must be filled.
    pub fn required(&self, key: &str) -> bool {
        self.json["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|k| k.as_str() == Some(key)))
    }
}

/// One version of the template.
#[derive(Debug, Clone)]
pub struct Version {
    pub version: String,
    pub status: VersionStatus,
    pub years: Vec<i32>,
    pub published: String,
    pub folder: String,
    pub notes: Option<String>,
    pub sheets: Vec<SheetFile>,
    /// Its schemas, compiled: for the checker, the current version's (every column the code
    /// reads there); the others are checked as schemas, and read by the checker in a version
    /// to come (docs/region/modeles.md: each file with its own version, columns followed by key).
    pub schemas: Arc<Schemas>,
}

impl Version {
    /// The sheet whose role is `role`.
    pub fn sheet_by_role(&self, role: &str) -> Option<&SheetFile> {
        self.sheets.iter().find(|s| s.role() == Some(role))
    }

    /// This version's sheet that is `other`, a sheet of another version (see [`SheetFile::is`]).
    pub fn same_sheet(&self, other: &SheetFile) -> Option<&SheetFile> {
        self.sheets.iter().find(|s| s.is(other))
    }
}

/// Every version, newest first, and which is current.
#[derive(Debug, Clone)]
pub struct Registry {
    /// Where it was read from (`None`: the binary's).
    pub dir: Option<PathBuf>,
    pub versions: Vec<Version>,
    current: usize,
}

impl Registry {
    /// The registry built into the binary (`schemas/`), read and checked once per process.
    pub fn embedded() -> Arc<Registry> {
        static EMBEDDED: OnceLock<Arc<Registry>> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| {
                let read = |path: &str| {
                    EMBEDDED_DIR
                        .get_file(path)
                        .and_then(|f| f.contents_utf8())
                        .map(str::to_string)
                        .ok_or(std::io::ErrorKind::NotFound.into())
                };
                match verify::load(&read) {
                    Ok(registry) => Arc::new(registry),
                    Err(problems) => panic!("the embedded registry is invalid:\n{problems}"),
                }
            })
            .clone()
    }

    /// The registry of folder `dir` (`modeles.json` and the versions' folders), checked.
    pub fn from_dir(dir: &Path) -> Result<Registry, Problems> {
        let read = |path: &str| std::fs::read_to_string(dir.join(path));
        let mut registry = verify::load(&read).map_err(|mut p| {
            p.dir = Some(dir.to_path_buf());
            p
        })?;
        registry.dir = Some(dir.to_path_buf());
        Ok(registry)
    }

    /// The version sent out this year.
    pub fn current(&self) -> &Version {
        &self.versions[self.current]
    }

    /// The version serving the bilans of `year`, else the current one (the template sent out).
    pub fn serving(&self, year: i32) -> &Version {
        self.versions
            .iter()
            .find(|v| v.status != VersionStatus::Retired && v.years.contains(&year))
            .unwrap_or_else(|| self.current())
    }

    /// The schemas the checker reads with: the current version's.
    pub fn schemas(&self) -> Arc<Schemas> {
        self.current().schemas.clone()
    }

    /// The version named `name` (matched like a label: trimmed, any case). A spreadsheet
    /// stores `2025.1` typed in a cell as a number, which reads `2025,1` in French: the comma
    /// is the point it was typed with.
    pub fn version(&self, name: &str) -> Option<&Version> {
        let name = name.trim().replace(',', ".");
        self.versions
            .iter()
            .find(|v| v.version.eq_ignore_ascii_case(&name))
    }

    /// The version just before `version` (by version number), if any.
    pub fn before(&self, version: &Version) -> Option<&Version> {
        let i = self
            .versions
            .iter()
            .position(|v| v.version == version.version)?;
        self.versions.get(i + 1)
    }
}

/// `spro modeles`: each version with its status, years, publication date, and its sheets with
/// their columns counted.
pub fn list(registry: &Registry, lang: crate::i18n::Lang) -> String {
    use crate::i18n::Lang;
    let mut out = String::new();
    for v in &registry.versions {
        let status = match (v.status, lang) {
            (VersionStatus::Current, Lang::Fr) => "courante",
            (VersionStatus::Accepted, Lang::Fr) => "acceptée",
            (VersionStatus::Retired, Lang::Fr) => "retirée",
            (VersionStatus::Current, Lang::En) => "current",
            (VersionStatus::Accepted, Lang::En) => "accepted",
            (VersionStatus::Retired, Lang::En) => "retired",
        };
        let years: Vec<String> = v.years.iter().map(i32::to_string).collect();
        let years = if years.is_empty() {
            "—".to_string()
        } else {
            years.join(", ")
        };
        let columns: usize = v.sheets.iter().map(|s| s.columns().len()).sum();
        let sheets = v.sheets.len();
        out.push_str(&match lang {
            Lang::Fr => format!(
                "{} — {status}, bilans {years}, publiée le {}, {sheets} feuilles, {columns} colonnes\n",
                v.version, v.published
            ),
            Lang::En => format!(
                "{} — {status}, bilans {years}, published on {}, {sheets} sheets, {columns} columns\n",
                v.version, v.published
            ),
        });
        for sheet in &v.sheets {
            let role = sheet.role().map_or_else(
                || crate::i18n::pick(lang, "feuille déclarée", "declared sheet").to_string(),
                |r| format!("{}{r}", crate::i18n::pick(lang, "rôle ", "role ")),
            );
            let n = sheet.columns().len();
            out.push_str(&match lang {
                Lang::Fr => format!("  {} ({role}) : {n} colonnes\n", sheet.name()),
                Lang::En => format!("  {} ({role}): {n} columns\n", sheet.name()),
            });
        }
    }
    out
}

/// What each version cannot serve for lack of a role: one sentence per missing role, naming
/// the rules that do not run for its files (empty when every version has the six roles).
pub fn unserved(registry: &Registry) -> Vec<crate::i18n::Msg> {
    let mut out = Vec::new();
    for v in &registry.versions {
        for (kind, codes) in crate::rules::rules_by_role() {
            if v.sheet_by_role(kind.role()).is_some() {
                continue;
            }
            let (version, role) = (&v.version, kind.role());
            let codes: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
            let codes = codes.join(", ");
            out.push(crate::msg!(
                "le modèle {version} n'a pas de feuille de rôle « {role} » : les règles {codes} ne s'appliquent pas à ses fichiers (les autres, si)",
                "template {version} has no sheet with the role “{role}”: the rules {codes} do not apply to its files (the others do)"
            ));
        }
    }
    out
}

/// Orders version numbers as numbers, part by part (`2025.10` after `2025.9`).
pub fn version_key(version: &str) -> Vec<u64> {
    version
        .split(['.', '-'])
        .map(|p| p.parse().unwrap_or(0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped registry: 2025.1 current, 2024.1 accepted, each with its six roles; the
    /// checker's schemas are the current version's.
    #[test]
    fn the_embedded_registry() {
        let registry = Registry::embedded();
        let names: Vec<&str> = registry
            .versions
            .iter()
            .map(|v| v.version.as_str())
            .collect();
        assert_eq!(names, ["2025.1", "2024.1"]);
        assert_eq!(registry.current().version, crate::schema::TEMPLATE_VERSION);
        assert_eq!(registry.current().status, VersionStatus::Current);
        assert_eq!(
            registry.version(" 2024.1 ").unwrap().status,
            VersionStatus::Accepted
        );
        for v in &registry.versions {
            let roles: Vec<&str> = v.sheets.iter().filter_map(SheetFile::role).collect();
            assert_eq!(
                roles,
                [
                    "identification",
                    "structures",
                    "coordination",
                    "actions",
                    "accueil",
                    "professionnalisation"
                ]
            );
        }
        let before = registry.before(registry.current()).unwrap();
        assert_eq!(before.version, "2024.1");
        assert_eq!(
            before.sheet_by_role("accueil").unwrap().name(),
            "Premier accueil"
        );
        assert!(Arc::ptr_eq(
            &registry.schemas(),
            &Registry::embedded().schemas()
        ));
    }

    #[test]
    fn versions_order_as_numbers() {
        assert!(version_key("2025.10") > version_key("2025.9"));
        assert!(version_key("2025.1") > version_key("2024.3"));
    }
}
