//! Charter rules (C001–C018): what the regional charter and the local convention require,
//! checked across sheets with the exact triggers and cells of spec §7.8. Only valid values are
//! used (a cell with a V-finding is invisible here) and a missing or empty sheet feeds nothing
//! (§7.7), so one problem gives one finding.

use crate::rules::Code;
use std::borrow::Cow;

use chrono::NaiveDate;

use crate::config::Deadline;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::msg;
use crate::norm::{norm, suggest};
use crate::schema::{Schemas, SheetKind, SheetSchema};
use crate::sheet::{Bilan, Row, Sheet};
use crate::values::Typed;

/// Types of structure that are CEP operators (charter §2).
pub const CEP_TYPES: [&str; 5] = [
    "France Travail",
    "Cap emploi",
    "APEC",
    "Mission Locale",
    "Avenir Actifs",
];

/// One sheet with its schema, for reading values by key.
struct View<'a> {
    sheet: &'a Sheet,
    schema: &'a SheetSchema,
}

impl<'a> View<'a> {
    fn new(bilan: &'a Bilan, schemas: &'a Schemas, kind: SheetKind) -> Option<View<'a>> {
        Some(View {
            sheet: bilan.sheet(kind)?,
            schema: schemas.sheet(kind),
        })
    }

    fn rows(&self) -> &'a [Row] {
        &self.sheet.rows
    }

    fn has(&self, key: &str) -> bool {
        self.sheet.has_column(self.schema.index(key))
    }

    fn get(&self, row: &'a Row, key: &str) -> Option<&'a Typed> {
        row.get(self.schema.index(key))
    }

    fn text(&self, row: &'a Row, key: &str) -> Option<&'a str> {
        self.get(row, key).and_then(Typed::as_text)
    }

    fn int(&self, row: &'a Row, key: &str) -> Option<i64> {
        self.get(row, key).and_then(Typed::as_int)
    }

    fn date(&self, row: &'a Row, key: &str) -> Option<NaiveDate> {
        self.get(row, key).and_then(Typed::as_date)
    }

    fn bool(&self, row: &'a Row, key: &str) -> Option<bool> {
        self.get(row, key).and_then(Typed::as_bool)
    }

    /// The cell is empty (and the column exists).
    fn blank(&self, row: &Row, key: &str) -> bool {
        self.has(key) && row.is_blank(self.schema.index(key))
    }

    /// The cell has a value the reader or the schema rejected.
    fn invalid(&self, row: &Row, key: &str) -> bool {
        row.cell(self.schema.index(key)).is_some_and(|c| !c.valid)
    }

    fn finding(&self, code: Code, row: &Row, key: &str, message: Msg) -> Option<Finding> {
        let i = self.schema.index(key);
        let (r, c) = self.sheet.cell_position(row, i)?;
        Some(
            Finding::new(code, message)
                .sheet(self.schema.kind)
                .at(r, c)
                .value(row.cell(i).and_then(|c| c.raw.display())),
        )
    }

    fn sheet_finding(&self, code: Code, message: Msg) -> Finding {
        Finding::new(code, message).sheet(self.schema.kind)
    }
}

/// The member structures, when the Structures sheet is usable (present, not empty, with its
/// names): normalised name → name as written, in sheet order.
struct Members {
    names: Vec<(String, String)>,
}

impl Members {
    fn read(structures: Option<&View<'_>>) -> Option<Members> {
        let v = structures?;
        if v.rows().is_empty() || !v.has("nom") {
            return None;
        }
        let names = v
            .rows()
            .iter()
            .filter_map(|r| v.text(r, "nom"))
            .map(|n| (norm(n), n.to_string()))
            .collect();
        Some(Members { names })
    }

    /// The normalised form of `name`, taken from the list when it is written as a member is.
    fn key(&self, name: &str) -> Cow<'_, str> {
        match self.names.iter().find(|(_, written)| written == name) {
            Some((k, _)) => Cow::Borrowed(k),
            None => Cow::Owned(norm(name)),
        }
    }

    fn contains(&self, name: &str) -> bool {
        // Most names are written exactly as in Structures: no need to normalise those.
        if self.names.iter().any(|(_, written)| written == name) {
            return true;
        }
        let n = norm(name);
        self.names.iter().any(|(k, _)| *k == n)
    }

    fn hint(&self, name: &str) -> Msg {
        match suggest(name, self.names.iter().map(|(_, n)| n.as_str())) {
            Some(s) => msg!(" ; vouliez-vous dire « {s} » ?", "; did you mean “{s}”?"),
            None => msg!(".", "."),
        }
    }
}

/// An action's identifier as messages cite it: ` 2025-014`, or nothing when it has none.
struct Id<'a>(Option<&'a str>);

impl std::fmt::Display for Id<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(id) => write!(f, " {id}"),
            None => Ok(()),
        }
    }
}

/// Runs every charter rule.
pub fn check(bilan: &Bilan, schemas: &Schemas, deadline: Deadline, findings: &mut Vec<Finding>) {
    let ident = View::new(bilan, schemas, SheetKind::Identification);
    let structures = View::new(bilan, schemas, SheetKind::Structures);
    let coordination = View::new(bilan, schemas, SheetKind::Coordination);
    let actions = View::new(bilan, schemas, SheetKind::Actions);
    let accueil = View::new(bilan, schemas, SheetKind::Accueil);
    let pro = View::new(bilan, schemas, SheetKind::Professionnalisation);
    let members = Members::read(structures.as_ref());
    let form = bilan.identification();
    let year = ident
        .as_ref()
        .zip(form)
        .and_then(|(v, f)| v.int(f, "annee"))
        .and_then(|y| i32::try_from(y).ok());

    if let (Some(v), Some(form)) = (&ident, form) {
        identification(v, form, year, deadline, findings);
    }
    if let Some(v) = &structures {
        structure_rows(v, findings);
    }
    if let Some(v) = &coordination {
        if v.rows().is_empty() {
            findings.push(v.sheet_finding(
                Code::C001,
                Msg::new("aucun coordinateur n'est désigné : la convention (art. 3) demande que l'animation du réseau soit confiée à un ou des professionnels nommés ; ajoutez une ligne par coordinateur", "no coordinator is designated: the convention (art. 3) asks for the network to be led by one or more named professionals; add one row per coordinator"),
            ));
        }
        if let Some(m) = &members {
            for row in v.rows() {
                if let Some(s) = v.text(row, "structure") {
                    if !m.contains(s) {
                        findings.extend(v.finding(
                            Code::C002,
                            row,
                            "structure",
                            Msg::new(format!(
                                "la structure du coordinateur, « {s} », n'est pas une structure membre du réseau (feuille Structures){} Écrivez-la comme dans la feuille Structures, ou ajoutez-la aux membres.",
                                m.hint(s).fr
                            ), format!("the coordinator's structure, “{s}”, is not a member structure of the network (Structures sheet){} Write it as in the Structures sheet, or add it to the members.",
                                m.hint(s).en
                            )),
                        ));
                    }
                }
            }
        }
    }
    if let Some(v) = &actions {
        action_rows(v, members.as_ref(), year, findings);
        programme(v, findings);
    }
    if let Some(v) = &accueil {
        for row in v.rows() {
            non_member(v, row, "structure", members.as_ref(), findings);
            let accueils = v.int(row, "accueils");
            if let (Some(f), Some(a)) = (v.int(row, "femmes"), accueils) {
                if f > a {
                    findings.extend(v.finding(
                        Code::C008,
                        row,
                        "femmes",
                        Msg::new(format!("{f} femmes pour {a} premiers accueils : « dont femmes » ne peut pas dépasser « Premiers accueils » ; corrigez l'un des deux"), format!("{f} women for {a} first receptions: “dont femmes” (of whom women) cannot exceed “Premiers accueils”; correct one of them")),
                    ));
                }
            }
            if let (Some(o), Some(a)) = (v.int(row, "orientations"), accueils) {
                if o > a {
                    findings.extend(v.finding(
                        Code::C009,
                        row,
                        "orientations",
                        Msg::new(format!("{o} orientations vers un partenaire pour {a} premiers accueils : vérifiez que les deux colonnes ne sont pas inversées"), format!("{o} referrals to a partner for {a} first receptions: check that the two columns are not swapped")),
                    ));
                }
            }
        }
    }
    if let Some(v) = &pro {
        if v.rows().is_empty() {
            findings.push(v.sheet_finding(
                Code::C016,
                Msg::new("aucune participation au programme régional d'appui aux acteurs n'est déclarée : indiquez les actions d'appui suivies par les professionnels du réseau (charte §6)", "no participation in the regional support programme for practitioners is declared: list the support actions followed by the network's professionals (charter §6)"),
            ));
        }
        for row in v.rows() {
            non_member(v, row, "structure", members.as_ref(), findings);
        }
    }
    if let (Some(v), Some(_)) = (&structures, &members) {
        let any_cep = v.rows().iter().any(|r| {
            v.text(r, "type").is_some_and(|t| CEP_TYPES.contains(&t))
                || v.bool(r, "operateur_cep") == Some(true)
        });
        if !any_cep {
            findings.push(v.sheet_finding(
                Code::C013,
                Msg::new("aucune structure membre n'est opérateur du Conseil en évolution professionnelle (France Travail, Cap emploi, APEC, Mission Locale, Avenir Actifs) : vérifiez les types et la colonne « Opérateur CEP »", "no member structure is an operator of the Conseil en évolution professionnelle (France Travail, Cap emploi, APEC, Mission Locale, Avenir Actifs): check the types and the “Opérateur CEP” column"),
            ));
        }
    }
}

fn fr(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn identification(
    v: &View<'_>,
    form: &Row,
    year: Option<i32>,
    deadline: Deadline,
    findings: &mut Vec<Finding>,
) {
    let transmission = v.date(form, "date_transmission");
    if let Some(signed) = v.date(form, "date_signature_convention") {
        let end_of_year = year.and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31));
        let message = match (end_of_year, transmission) {
            (Some(end), _) if signed > end => Some(Msg::new(format!(
                "la convention est datée du {}, après la fin de l'année du bilan ({}) : le bilan ne peut porter que sur une période couverte par une convention signée ; vérifiez la date",
                fr(signed),
                fr(end)
            ), format!("the convention is dated {}, after the end of the bilan year ({}): a bilan can only cover a period under a signed convention; check the date",
                fr(signed),
                fr(end)
            ))),
            (_, Some(t)) if signed > t => Some(Msg::new(format!(
                "la convention est datée du {}, après la transmission du bilan ({}) : vérifiez les deux dates",
                fr(signed),
                fr(t)
            ), format!("the convention is dated {}, after the bilan was sent ({}): check both dates",
                fr(signed),
                fr(t)
            ))),
            _ => None,
        };
        if let Some(m) = message {
            findings.extend(v.finding(Code::C003, form, "date_signature_convention", m));
        }
    }
    if let (Some(t), Some(limit)) = (transmission, year.and_then(|y| deadline.for_year(y))) {
        if t > limit {
            findings.extend(v.finding(
                Code::C017,
                form,
                "date_transmission",
                Msg::new(format!("le bilan est transmis le {}, après la date limite du {} : transmettez-le dans les délais, ou corrigez la date si elle est fausse", fr(t), fr(limit)), format!("the bilan was sent on {}, after the deadline of {}: send it in time, or correct the date if it is wrong", fr(t), fr(limit))),
            ));
        }
    }
}

fn structure_rows(v: &View<'_>, findings: &mut Vec<Finding>) {
    for row in v.rows() {
        let name = v.text(row, "nom").unwrap_or("(sans nom)");
        if v.bool(row, "signataire") == Some(true) && v.blank(row, "date_signature") {
            findings.extend(v.finding(
                Code::C004,
                row,
                "date_signature",
                Msg::new(format!("la structure « {name} » est signataire de la convention mais sa date de signature est vide : renseignez-la, ou indiquez « Non » dans « Signataire de la convention »"), format!("the structure “{name}” signed the convention but its signature date is empty: fill it in, or put “Non” in “Signataire de la convention”")),
            ));
        }
        if let (Some(t), Some(cep)) = (v.text(row, "type"), v.bool(row, "operateur_cep")) {
            let is_cep_type = CEP_TYPES.contains(&t);
            if is_cep_type && !cep {
                findings.extend(v.finding(
                    Code::C014,
                    row,
                    "operateur_cep",
                    Msg::new(format!("« {name} » est de type « {t} », opérateur du CEP, mais « Opérateur CEP » vaut Non : indiquez « Oui » ou corrigez le type"), format!("“{name}” is of type “{t}”, a CEP operator, but “Opérateur CEP” is Non: put “Oui” or correct the type")),
                ));
            } else if !is_cep_type && cep {
                findings.extend(v.finding(
                    Code::C014,
                    row,
                    "operateur_cep",
                    Msg::new(format!("« {name} » est de type « {t} », qui n'est pas opérateur du CEP, mais « Opérateur CEP » vaut Oui : indiquez « Non » ou corrigez le type"), format!("“{name}” is of type “{t}”, which is not a CEP operator, but “Opérateur CEP” is Oui: put “Non” or correct the type")),
                ));
            }
        }
        if v.bool(row, "accueil_physique") == Some(false)
            && v.bool(row, "accueil_dematerialise") == Some(false)
        {
            findings.extend(v.finding(
                Code::C015,
                row,
                "accueil_physique",
                Msg::new(format!("« {name} » n'offre ni premier accueil physique ni premier accueil dématérialisé : chaque membre s'engage à offrir l'un ou l'autre (charte §1) ; indiquez « Oui » pour au moins l'un des deux"), format!("“{name}” offers neither an in-person nor a remote first reception: every member commits to offer one of them (charter §1); put “Oui” for at least one of the two")),
            ));
        }
    }
}

/// C006 on a single structure cell.
fn non_member(
    v: &View<'_>,
    row: &Row,
    key: &str,
    members: Option<&Members>,
    findings: &mut Vec<Finding>,
) {
    let (Some(m), Some(name)) = (members, v.text(row, key)) else {
        return;
    };
    if !m.contains(name) {
        findings.extend(v.finding(
            Code::C006,
            row,
            key,
            Msg::new(format!(
                "« {name} » n'est pas une structure membre du réseau (feuille Structures){} Écrivez le nom comme dans la feuille Structures, ou ajoutez la structure aux membres.",
                m.hint(name).fr
            ), format!("“{name}” is not a member structure of the network (Structures sheet){} Write the name as in the Structures sheet, or add the structure to the members.",
                m.hint(name).en
            )),
        ));
    }
}

fn action_rows(
    v: &View<'_>,
    members: Option<&Members>,
    year: Option<i32>,
    findings: &mut Vec<Finding>,
) {
    for row in v.rows() {
        let id = Id(v.text(row, "id"));
        // C005: a tool was made without both logos.
        if v.bool(row, "outil_cree") == Some(true) {
            for (key, logo, logo_en) in [
                (
                    "logo_region",
                    "du Conseil régional Centre-Val de Loire",
                    "of the Conseil régional Centre-Val de Loire",
                ),
                ("logo_spro", "du SPRO", "of the SPRO"),
            ] {
                if v.has(key) && !v.invalid(row, key) && v.bool(row, key) != Some(true) {
                    findings.extend(v.finding(
                        Code::C005,
                        row,
                        key,
                        Msg::new(format!("l'action{id} a créé un outil ou un support sans le logo {logo} : apposez le logo et indiquez « Oui » (charte §7), ou « Non » dans « Outil ou support créé » si aucun outil n'a été créé"), format!("action{id} created a tool or material without the logo {logo_en}: put the logo on it and answer “Oui” (charter §7), or “Non” in “Outil ou support créé” if no tool was created")),
                    ));
                }
            }
        }
        // C006: structure porteuse and partners.
        non_member(v, row, "porteuse", members, findings);
        let partners = v
            .get(row, "partenaires")
            .map(Typed::as_list)
            .unwrap_or_default();
        if let Some(m) = members {
            for p in partners {
                if m.contains(p) {
                    continue;
                }
                let parts: Vec<&str> = p
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect();
                let (advice, advice_en) = if parts.len() > 1 && parts.iter().all(|s| m.contains(s))
                {
                    (
                        " Plusieurs structures sont séparées par des virgules : séparez-les par « ; ».",
                        " Several structures are separated by commas: separate them with “;”.",
                    )
                } else {
                    (
                        " Écrivez le nom comme dans la feuille Structures, ou ajoutez la structure aux membres.",
                        " Write the name as in the Structures sheet, or add the structure to the members.",
                    )
                };
                findings.extend(v.finding(
                    Code::C006,
                    row,
                    "partenaires",
                    Msg::new(format!(
                        "le partenaire « {p} » n'est pas une structure membre du réseau{}{advice}",
                        m.hint(p).fr
                    ), format!("the partner “{p}” is not a member structure of the network{}{advice_en}",
                        m.hint(p).en
                    )),
                ));
            }
        }
        // C007: dates.
        if let Some(start) = v.date(row, "date_debut") {
            if !v.invalid(row, "date_fin") {
                let end = v.date(row, "date_fin");
                match end {
                    Some(end) if end < start => findings.extend(v.finding(
                        Code::C007,
                        row,
                        "date_fin",
                        Msg::new(format!("l'action{id} se termine le {}, avant son début le {} : corrigez l'une des deux dates", fr(end), fr(start)), format!("action{id} ends on {}, before it starts on {}: correct one of the two dates", fr(end), fr(start))),
                    )),
                    _ => {
                        let end = end.unwrap_or(start);
                        if let Some(y) = year {
                            if end < NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(end) || start > NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(start) {
                                findings.extend(v.finding(
                                    Code::C007,
                                    row,
                                    "date_debut",
                                    Msg::new(format!("l'action{id} ({} – {}) se déroule en dehors de l'année du bilan {y} : corrigez les dates, ou retirez l'action si elle relève d'une autre année", fr(start), fr(end)), format!("action{id} ({} – {}) takes place outside the bilan year {y}: correct the dates, or remove the action if it belongs to another year", fr(start), fr(end))),
                                ));
                            }
                        }
                    }
                }
            }
        }
        // C008: women + men > participants.
        if let Some(total) = v.int(row, "participants") {
            let (fb, hb) = (
                v.blank(row, "femmes") || !v.has("femmes"),
                v.blank(row, "hommes") || !v.has("hommes"),
            );
            let (f, h) = (v.int(row, "femmes"), v.int(row, "hommes"));
            let usable = (fb || f.is_some()) && (hb || h.is_some()) && !(fb && hb);
            if usable {
                let (f, h) = (f.unwrap_or(0), h.unwrap_or(0));
                if f + h > total {
                    let key = if fb { "hommes" } else { "femmes" };
                    findings.extend(v.finding(
                        Code::C008,
                        row,
                        key,
                        Msg::new(format!("l'action{id} compte {f} femmes et {h} hommes, soit {}, plus que ses {total} participants : corrigez la répartition ou le total", f + h), format!("action{id} counts {f} women and {h} men, {} in all, more than its {total} participants: correct the split or the total", f + h)),
                    ));
                }
            }
        }
        // C010: co-construction.
        if v.has("partenaires") && !v.invalid(row, "partenaires") {
            let key = |name: &str| match members {
                Some(m) => m.key(name),
                None => Cow::Owned(norm(name)),
            };
            let porteuse = v.text(row, "porteuse").map(key);
            let others = partners.iter().filter(|p| Some(key(p)) != porteuse).count();
            if others == 0 {
                findings.extend(v.finding(
                    Code::C010,
                    row,
                    "partenaires",
                    Msg::new(format!("l'action{id} n'a aucune structure partenaire en dehors de sa structure porteuse : la charte attend des actions co-construites ; indiquez les partenaires, séparés par « ; »"), format!("action{id} has no partner structure besides its lead structure: the charter expects co-built actions; list the partners, separated by “;”")),
                ));
            }
        }
    }
}

/// C011, C012, C018: axes the programme must cover, checked on a non-empty Actions sheet.
fn programme(v: &View<'_>, findings: &mut Vec<Finding>) {
    if v.rows().is_empty() || !v.has("axe") {
        return;
    }
    let covered = |axis: &str| v.rows().iter().any(|r| v.text(r, "axe") == Some(axis));
    for (code, axis, why, why_en) in [
        (
            Code::C011,
            "Informer sur les métiers et les formations",
            "le programme local doit informer sur les métiers et les formations (charte §5)",
            "the local programme must inform about jobs and training (charter §5)",
        ),
        (
            Code::C011,
            "Accompagner les parcours professionnels",
            "le programme local doit accompagner les parcours professionnels (charte §5)",
            "the local programme must support career paths (charter §5)",
        ),
        (
            Code::C012,
            "Promotion du CEP",
            "la charte fait de la promotion du Conseil en évolution professionnelle un engagement du réseau (§2)",
            "the charter makes promoting the Conseil en évolution professionnelle a commitment of the network (§2)",
        ),
        (
            Code::C018,
            "Mixité et stéréotypes de genre",
            "le service public de l'orientation concourt à la mixité professionnelle (charte §1, art. L6111-3)",
            "the public guidance service contributes to gender balance in jobs (charter §1, art. L6111-3)",
        ),
    ] {
        if !covered(axis) {
            findings.push(v.sheet_finding(
                code,
                Msg::new(format!("aucune action sur l'axe « {axis} » : {why} ; vérifiez l'axe de vos actions"), format!("no action on the axis “{axis}”: {why_en}; check the axis of your actions")),
            ));
        }
    }
}
