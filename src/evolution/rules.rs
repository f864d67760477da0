//! T000–T005: what shows only against the year before. Each compares one file of year N with
//! its network's [`Prior`]; findings sit where the coordinator corrects (the header of the
//! column summed, the Accueil line, the convention date) or on the sheet concerned.

use super::{
    accueil_key, figures, grouped, person, ratio_in_words, strong_change, Previous, Prior, Summary,
    FIGURES,
};
use crate::config::Trends;
use crate::finding::Finding;
use crate::i18n::Lang;
use crate::msg;
use crate::read::sheet::{Bilan, Row, Sheet};
use crate::read::values::Typed;
use crate::rules::Code;
use crate::schema::{Schemas, SheetKind};

/// The avenant the convention (art. 4) asks for whenever it changes.
const AVENANT: (&str, &str) = (
    "la convention prévoit un avenant pour toute évolution : transmettez-le à la Région",
    "the convention requires an amendment (avenant) for any change: send it to the Région",
);

/// Runs the T rules on the file of network `code`, whose bilan is `bilan`.
pub(crate) fn check(
    bilan: &Bilan,
    schemas: &Schemas,
    code: Option<&str>,
    previous: &Previous,
    trends: &Trends,
    findings: &mut Vec<Finding>,
) {
    let Some(prior) = code.and_then(|c| previous.get(c)) else {
        return;
    };
    let before = match prior {
        Prior::Unusable(why) => {
            findings.push(t000(why, previous.year));
            return;
        }
        Prior::Usable { summary, .. } => summary,
    };
    let now = Years::of(previous);
    t001(bilan, schemas, before, now, trends, findings);
    t003(bilan, schemas, before, now, findings);
    t004(bilan, schemas, before, now, findings);
    t005(bilan, schemas, before, now, findings);
}

/// Runs the T rules of one row (T002) on `rows` of `sheet` as they stream, for the file of
/// network `code`.
pub(crate) fn check_rows(
    sheet: &Sheet,
    rows: &[Row],
    schemas: &Schemas,
    code: Option<&str>,
    previous: &Previous,
    trends: &Trends,
    findings: &mut Vec<Finding>,
) {
    if sheet.kind != SheetKind::Accueil {
        return;
    }
    if let Some(Prior::Usable { summary, .. }) = code.and_then(|c| previous.get(c)) {
        t002(
            sheet,
            rows,
            schemas,
            summary,
            Years::of(previous),
            trends,
            findings,
        );
    }
}

/// The two years compared.
#[derive(Debug, Clone, Copy)]
struct Years {
    before: i32,
    now: i32,
}

impl Years {
    fn of(previous: &Previous) -> Years {
        Years {
            before: previous.year,
            now: previous.year + 1,
        }
    }
}

/// Two values of a figure as the messages show them: now and before, in French and in
/// English, and how they compare in words.
struct Shown {
    nf: String,
    bf: String,
    ne: String,
    be: String,
    ratio: String,
    ratio_en: String,
}

impl Shown {
    fn of(before: i64, now: i64) -> Shown {
        let ratio = ratio_in_words(before, now);
        Shown {
            nf: grouped(now, Lang::Fr),
            bf: grouped(before, Lang::Fr),
            ne: grouped(now, Lang::En),
            be: grouped(before, Lang::En),
            ratio: ratio.fr.to_string(),
            ratio_en: ratio.en.to_string(),
        }
    }
}

fn t000(why: &crate::i18n::Msg, year: i32) -> Finding {
    let (why, why_en) = (&why.fr, &why.en);
    Finding::new(
        Code::T000,
        msg!(
            "la comparaison avec {year} n'est pas faite : {why} ; transmettez à la Région un seul tableau de bord {year} lisible pour ce réseau",
            "no comparison with {year}: {why_en}; send the Région one readable {year} tableau de bord for this network"
        ),
    )
}

/// T001: one of the six figures of the network, far from the year before.
fn t001(
    bilan: &Bilan,
    schemas: &Schemas,
    before: &Summary,
    years: Years,
    trends: &Trends,
    findings: &mut Vec<Finding>,
) {
    let now = figures(bilan, schemas);
    for (k, figure) in FIGURES.iter().enumerate() {
        let (Some(b), Some(n)) = (before.figures[k], now[k]) else {
            continue;
        };
        if !strong_change(b, n, trends.facteur_reseau, trends.plancher) {
            continue;
        }
        let (name, name_en) = figure.name;
        let Shown {
            nf,
            bf,
            ne,
            be,
            ratio,
            ratio_en,
        } = Shown::of(b, n);
        let (y, yb) = (years.now, years.before);
        let mut finding = Finding::new(
            Code::T001,
            msg!(
                "{nf} {name} en {y} contre {bf} en {yb}, {ratio} : vérifiez la saisie ; si le chiffre est juste, expliquez l'évolution dans « Points forts » ou « Difficultés rencontrées »",
                "{ne} {name_en} in {y} against {be} in {yb}, {ratio_en}: check what was typed; if the figure is right, explain the change in “Points forts” or “Difficultés rencontrées”"
            ),
        )
        .sheet(figure.sheet)
        .value(Some(n.to_string()));
        // A sum is cited at the header of the column summed; a count of rows, on the sheet.
        if let (Some(key), Some(sheet)) = (figure.sum, bilan.sheet(figure.sheet)) {
            let i = schemas.sheet(figure.sheet).index(key);
            if let (Some(r), Some(Some(c))) = (sheet.header_row, sheet.columns.get(i)) {
                finding = finding.at(r, *c);
            }
        }
        findings.push(finding);
    }
}

/// T002: an Accueil line (same structure and public) far from the year before.
fn t002(
    sheet: &Sheet,
    rows: &[Row],
    schemas: &Schemas,
    before: &Summary,
    years: Years,
    trends: &Trends,
    findings: &mut Vec<Finding>,
) {
    let schema = schemas.sheet(SheetKind::Accueil);
    let i = schema.index("accueils");
    for row in rows {
        let (Some(key), Some(n)) = (
            accueil_key(row, schemas),
            row.get(i).and_then(Typed::as_int),
        ) else {
            continue;
        };
        let Some(b) = before
            .accueil
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
        else {
            continue;
        };
        if !strong_change(b, n, trends.facteur_ligne, trends.plancher) {
            continue;
        }
        let Some((r, c)) = sheet.cell_position(row, i) else {
            continue;
        };
        let text = |key: &str| {
            row.get(schema.index(key))
                .and_then(Typed::as_text)
                .unwrap_or_default()
        };
        let (structure, public) = (text("structure"), text("public"));
        let Shown {
            nf,
            bf,
            ne,
            be,
            ratio,
            ratio_en,
        } = Shown::of(b, n);
        let (y, yb) = (years.now, years.before);
        findings.push(
            Finding::new(
                Code::T002,
                msg!(
                    "{nf} premiers accueils en {y} pour « {structure} » et le public « {public} », contre {bf} en {yb}, {ratio} : vérifiez la saisie (un zéro de trop ?)",
                    "{ne} first receptions in {y} for “{structure}” and the public “{public}”, against {be} in {yb}, {ratio_en}: check what was typed (one zero too many?)"
                ),
            )
            .sheet(SheetKind::Accueil)
            .at(r, c)
            .value(Some(n.to_string())),
        );
    }
}

/// T003: a member structure of the year before that is no longer in Structures (one
/// finding per structure, naming it).
fn t003(
    bilan: &Bilan,
    schemas: &Schemas,
    before: &Summary,
    years: Years,
    findings: &mut Vec<Finding>,
) {
    let Some(sheet) = bilan.sheet(SheetKind::Structures) else {
        return;
    };
    let nom = schemas.sheet(SheetKind::Structures).index("nom");
    let now: Vec<String> = sheet
        .rows
        .iter()
        .filter_map(|r| r.get(nom).and_then(Typed::as_text))
        .map(crate::norm::norm)
        .collect();
    let (fix, fix_en) = AVENANT;
    let yb = years.before;
    for (key, name) in &before.structures {
        if now.contains(key) {
            continue;
        }
        findings.push(
            Finding::new(
                Code::T003,
                msg!(
                    "la structure « {name} », membre du réseau en {yb}, ne figure plus dans la feuille Structures : si elle a quitté le réseau, {fix} ; sinon, ajoutez-la",
                    "the structure “{name}”, a member of the network in {yb}, is no longer in the Structures sheet: if it left the network, {fix_en}; otherwise, add it"
                ),
            )
            .sheet(SheetKind::Structures),
        );
    }
}

/// T004: the coordinators differ from the year before (who left, who came).
fn t004(
    bilan: &Bilan,
    schemas: &Schemas,
    before: &Summary,
    years: Years,
    findings: &mut Vec<Finding>,
) {
    let Some(sheet) = bilan.sheet(SheetKind::Coordination) else {
        return;
    };
    let now: Vec<(String, String)> = sheet
        .rows
        .iter()
        .filter_map(|r| person(r, schemas))
        .collect();
    let gone: Vec<&str> = before
        .coordinators
        .iter()
        .filter(|(k, _)| !now.iter().any(|(n, _)| n == k))
        .map(|(_, p)| p.as_str())
        .collect();
    let came: Vec<&str> = now
        .iter()
        .filter(|(k, _)| !before.coordinators.iter().any(|(b, _)| b == k))
        .map(|(_, p)| p.as_str())
        .collect();
    if gone.is_empty() && came.is_empty() {
        return;
    }
    let list = |people: &[&str], none: &str| {
        if people.is_empty() {
            none.to_string()
        } else {
            people.join(", ")
        }
    };
    let (gone_fr, came_fr) = (list(&gone, "personne"), list(&came, "personne"));
    let (gone_en, came_en) = (list(&gone, "nobody"), list(&came, "nobody"));
    let (fix, fix_en) = AVENANT;
    let yb = years.before;
    findings.push(
        Finding::new(
            Code::T004,
            msg!(
                "la coordination a changé depuis {yb} — n'est plus coordinateur : {gone_fr} ; nouveau coordinateur : {came_fr} ; {fix}",
                "the coordination changed since {yb} — no longer coordinator: {gone_en}; new coordinator: {came_en}; {fix_en}"
            ),
        )
        .sheet(SheetKind::Coordination),
    );
}

/// T005: the date of signature of the convention differs from the year before.
fn t005(
    bilan: &Bilan,
    schemas: &Schemas,
    before: &Summary,
    years: Years,
    findings: &mut Vec<Finding>,
) {
    let (Some(sheet), Some(form)) = (
        bilan.sheet(SheetKind::Identification),
        bilan.identification(),
    ) else {
        return;
    };
    let i = schemas
        .sheet(SheetKind::Identification)
        .index("date_signature_convention");
    let (Some(now), Some(then)) = (form.get(i).and_then(Typed::as_date), before.convention) else {
        return;
    };
    if now == then {
        return;
    }
    let Some((r, c)) = sheet.cell_position(form, i) else {
        return;
    };
    let (nf, tf) = (
        now.format("%d/%m/%Y").to_string(),
        then.format("%d/%m/%Y").to_string(),
    );
    let (fix, fix_en) = AVENANT;
    let yb = years.before;
    findings.push(
        Finding::new(
            Code::T005,
            msg!(
                "la convention est datée du {nf}, alors que le bilan {yb} la datait du {tf} : si elle a été renouvelée ou modifiée, {fix} ; sinon, corrigez la date",
                "the convention is dated {nf}, while the {yb} bilan dated it {tf}: if it was renewed or changed, {fix_en}; otherwise, correct the date"
            ),
        )
        .sheet(SheetKind::Identification)
        .at(r, c)
        .value(Some(nf)),
    );
}
