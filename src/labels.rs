//! The words a reader sees for a severity, a rule family and a file's status, in French and
//! in English, in one place. Machine output (JSON, SARIF, JUnit) uses `as_str()` instead.

use crate::check::Status;
use crate::finding::Severity;
use crate::i18n::Lang;
use crate::rules::Family;

impl Severity {
    /// « erreur », « avertissement », « information » (or English).
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Severity::Info, Lang::Fr) => "information",
            (Severity::Warning, Lang::Fr) => "avertissement",
            (Severity::Error, Lang::Fr) => "erreur",
            (Severity::Info, Lang::En) => "information",
            (Severity::Warning, Lang::En) => "warning",
            (Severity::Error, Lang::En) => "error",
        }
    }

    /// The French word a coordinator reads.
    pub fn label_fr(self) -> &'static str {
        self.label(Lang::Fr)
    }
}

impl Family {
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Family::File, Lang::Fr) => "Fichier",
            (Family::Structure, Lang::Fr) => "Structure du classeur",
            (Family::Value, Lang::Fr) => "Valeurs",
            (Family::Referential, Lang::Fr) => "Référentiel des réseaux",
            (Family::Charter, Lang::Fr) => "Charte régionale",
            (Family::Trend, Lang::Fr) => "Évolution",
            (Family::Batch, Lang::Fr) => "Lot de fichiers",
            (Family::File, Lang::En) => "File",
            (Family::Structure, Lang::En) => "Workbook structure",
            (Family::Value, Lang::En) => "Values",
            (Family::Referential, Lang::En) => "Referential of networks",
            (Family::Charter, Lang::En) => "Regional charter",
            (Family::Trend, Lang::En) => "Year over year",
            (Family::Batch, Lang::En) => "Batch of files",
        }
    }

    pub fn label_fr(self) -> &'static str {
        self.label(Lang::Fr)
    }
}

impl Status {
    /// The status as the consolidated workbook (French) or an English reader says it.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Status::Valid, Lang::Fr) => "Conforme",
            (Status::ValidWithWarnings, Lang::Fr) => "Conforme avec avertissements",
            (Status::Invalid, Lang::Fr) => "Non conforme",
            (Status::Unreadable, Lang::Fr) => "Illisible",
            (Status::Valid, Lang::En) => "Valid",
            (Status::ValidWithWarnings, Lang::En) => "Valid with warnings",
            (Status::Invalid, Lang::En) => "Invalid",
            (Status::Unreadable, Lang::En) => "Unreadable",
        }
    }

    /// The French label of the consolidated workbook.
    pub fn label_fr(self) -> &'static str {
        self.label(Lang::Fr)
    }
}
