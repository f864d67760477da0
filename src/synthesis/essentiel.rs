//! The sentences of « L'essentiel », each written from the figures by one rule, and only when
//! its figures exist; none says more than they do:
//! 1. **Transmission** (always): networks expected, how many sent their bilan, how many are
//!    conformes and to correct (of which unreadable), how many sent nothing.
//! 2. **Largest département** (when actions were counted): the département with the most
//!    actions, its number, the Région's and its share; ties named together.
//! 3. **Largest rise** and 4. **largest fall** (with `--precedent`, networks compared): among
//!    the six figures, the largest positive and the largest negative change in percent of the
//!    totals of the networks compared (a figure at 0 the year before has no percentage and is
//!    left out; on equal changes, the first in the order of the figures).
//! 5. **To follow up**: the networks that sent nothing and those whose bilan is to correct,
//!    named (counted beyond eight, the details being in « Réseau par réseau »); or that every
//!    network sent a conforming bilan. Files outside the referential are counted there too.

use super::document::{Counts, NetworkSection};
use super::words::{int, list, percent, signed_percent};
use crate::consolidate::{Regional, DEPARTEMENTS};
use crate::evolution::FIGURES;
use crate::i18n::{pick, Lang};

/// Beyond this many networks, a list is counted rather than named.
const NAMED: usize = 8;

pub(super) fn sentences(
    regional: &Regional,
    counts: &Counts,
    networks: &[NetworkSection],
    lang: Lang,
) -> Vec<String> {
    let mut out = vec![transmission(regional.year, counts, networks, lang)];
    out.extend(largest_departement(regional, lang));
    if let Some(t) = &regional.evolution {
        if t.compared() > 0 {
            let changes: Vec<(usize, i64)> = t
                .totals
                .iter()
                .enumerate()
                .filter_map(|(k, (b, n))| percent(*b, *n).map(|p| (k, p)))
                .collect();
            let rise =
                changes
                    .iter()
                    .filter(|c| c.1 > 0)
                    .fold(None, |best: Option<(usize, i64)>, c| {
                        if best.is_none_or(|b| c.1 > b.1) {
                            Some(*c)
                        } else {
                            best
                        }
                    });
            let fall =
                changes
                    .iter()
                    .filter(|c| c.1 < 0)
                    .fold(None, |best: Option<(usize, i64)>, c| {
                        if best.is_none_or(|b| c.1 < b.1) {
                            Some(*c)
                        } else {
                            best
                        }
                    });
            for (found, rising) in [(rise, true), (fall, false)] {
                if let Some((k, p)) = found {
                    out.push(change(regional, k, p, rising, lang));
                }
            }
        }
    }
    out.push(follow_up(counts, networks, lang));
    out
}

fn transmission(year: i32, c: &Counts, networks: &[NetworkSection], lang: Lang) -> String {
    let unreadable = networks.iter().filter(|n| n.unreadable).count();
    let (e, t, ok, bad) = (c.expected, c.transmitted, c.conformes, c.to_correct);
    use crate::i18n::{agree, count};
    let mut s = match lang {
        Lang::Fr => {
            let (networks, sent) = if crate::i18n::is_plural(lang, t) {
                ("réseaux", "ont transmis leur")
            } else {
                ("réseau", "a transmis son")
            };
            let ok = count(lang, ok, ["conforme", "conformes"], ["", ""]);
            format!("{t} {networks} sur {e} attendus {sent} bilan {year} : {ok}, {bad} à corriger")
        }
        Lang::En => {
            let networks = agree(lang, t, ["", ""], ["network", "networks"]);
            format!("{t} {networks} out of {e} expected sent their {year} bilan: {ok} conforming, {bad} to correct")
        }
    };
    if unreadable > 0 {
        s += &match lang {
            Lang::Fr => format!(
                " (dont {})",
                count(lang, unreadable, ["illisible", "illisibles"], ["", ""])
            ),
            Lang::En => format!(" ({unreadable} of them unreadable)"),
        };
    }
    s += &match (c.not_sent, lang) {
        (0, _) => ".".to_string(),
        (n, Lang::Fr) => {
            let verb = agree(lang, n, ["ne l'a pas", "ne l'ont pas"], ["", ""]);
            format!(" ; {n} {verb} transmis.")
        }
        (n, Lang::En) => format!("; {n} did not send it."),
    };
    s
}

fn largest_departement(regional: &Regional, lang: Lang) -> Option<String> {
    let ind = &regional.indicators;
    let block = "Actions par département";
    let total = ind.value(block, "Actions", "Total") as i64;
    if total <= 0 {
        return None;
    }
    let values: Vec<(&str, &str, i64)> = DEPARTEMENTS
        .iter()
        .map(|(c, n)| (*c, *n, ind.value(block, "Actions", c) as i64))
        .collect();
    let max = values.iter().map(|v| v.2).max()?;
    let top: Vec<String> = values
        .iter()
        .filter(|v| v.2 == max)
        .map(|(c, n, _)| format!("{n} ({c})"))
        .collect();
    let share = (max as f64 / total as f64 * 100.0).round() as i64;
    let (m, t) = (int(max, lang), int(total, lang));
    let share = match lang {
        Lang::Fr => format!("{share}\u{202F}%"),
        Lang::En => format!("{share}%"),
    };
    Some(match (top.len(), lang) {
        (1, Lang::Fr) => format!("Le département qui compte le plus d'actions est {} : {m} sur {t} dans la Région ({share}).", top[0]),
        (1, Lang::En) => format!("The département with the most actions is {}: {m} out of {t} in the Région ({share}).", top[0]),
        (_, Lang::Fr) => format!("Les départements {} comptent le plus d'actions : {m} chacun sur {t} dans la Région ({share} chacun).", list(&top, lang)),
        (_, Lang::En) => format!("The départements {} have the most actions: {m} each out of {t} in the Région ({share} each).", list(&top, lang)),
    })
}

fn change(regional: &Regional, k: usize, p: i64, rising: bool, lang: Lang) -> String {
    let Some(t) = &regional.evolution else {
        return String::new();
    };
    let (b, n) = t.totals[k];
    let name = pick(lang, FIGURES[k].name.0, FIGURES[k].name.1);
    let (yb, y, c) = (t.year_before, regional.year, t.compared());
    let (b, n, p) = (int(b, lang), int(n, lang), signed_percent(p, lang));
    let compared = crate::i18n::count(
        lang,
        c,
        ["réseau comparé", "réseaux comparés"],
        ["network compared", "networks compared"],
    );
    match (rising, lang) {
        (true, Lang::Fr) => format!("La plus forte hausse, sur {compared}, concerne les {name} : {p} ({b} en {yb}, {n} en {y})."),
        (true, Lang::En) => format!("The largest rise, over {compared}, is in {name}: {p} ({b} in {yb}, {n} in {y})."),
        (false, Lang::Fr) => format!("La plus forte baisse, sur {compared}, concerne les {name} : {p} ({b} en {yb}, {n} en {y})."),
        (false, Lang::En) => format!("The largest fall, over {compared}, is in {name}: {p} ({b} in {yb}, {n} in {y})."),
    }
}

fn follow_up(c: &Counts, networks: &[NetworkSection], lang: Lang) -> String {
    let names = |state: &str| -> Vec<String> {
        networks
            .iter()
            .filter(|n| n.state == state)
            .map(|n| format!("{} ({})", n.name, n.code))
            .collect()
    };
    let said = |names: Vec<String>| -> String {
        if names.len() > NAMED {
            match lang {
                Lang::Fr => format!("{} réseaux (voir « Réseau par réseau »)", names.len()),
                Lang::En => format!("{} networks (see “Network by network”)", names.len()),
            }
        } else {
            list(&names, lang)
        }
    };
    let (not_sent, to_correct) = (names("non-transmis"), names("a-corriger"));
    let mut parts = Vec::new();
    if !not_sent.is_empty() {
        parts.push(match lang {
            Lang::Fr => format!("bilan non transmis : {}", said(not_sent)),
            Lang::En => format!("bilan not sent: {}", said(not_sent)),
        });
    }
    if !to_correct.is_empty() {
        parts.push(match lang {
            Lang::Fr => format!("bilan à corriger : {}", said(to_correct)),
            Lang::En => format!("bilan to correct: {}", said(to_correct)),
        });
    }
    if c.outside > 0 {
        let n = c.outside;
        let files = crate::i18n::count(lang, n, ["fichier", "fichiers"], ["file", "files"]);
        parts.push(match lang {
            Lang::Fr => format!("{files} au code réseau hors du référentiel"),
            Lang::En => format!("{files} with a network code outside the referential"),
        });
    }
    if parts.is_empty() {
        return pick(
            lang,
            "Tous les réseaux attendus ont transmis un bilan conforme.",
            "Every network expected sent a conforming bilan.",
        )
        .to_string();
    }
    let joined = parts.join(pick(lang, " ; ", "; "));
    match lang {
        Lang::Fr => format!("À suivre — {joined}."),
        Lang::En => format!("To follow up — {joined}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consolidate::Indicators;
    use crate::consolidate::{Line, Standing, Table};

    /// A consolidation whose only figures are actions by département and, when given, the
    /// totals of the networks compared.
    fn regional(actions: &[(&str, f64)], totals: Option<[(i64, i64); 6]>) -> Regional {
        let mut figures = std::collections::BTreeMap::new();
        let mut total = 0.0;
        for (dep, v) in actions {
            figures.insert(("Actions".to_string(), dep.to_string()), *v);
            total += v;
        }
        figures.insert(("Actions".to_string(), "Total".to_string()), total);
        Regional {
            year: 2025,
            networks: Vec::new(),
            indicators: Indicators {
                blocks: vec![(
                    "Actions par département".into(),
                    vec!["Actions".into()],
                    figures,
                )],
                given: Default::default(),
            },
            counted: 2,
            evolution: totals.map(|totals| Table {
                year_before: 2024,
                lines: vec![Line {
                    code: "36-CHX".into(),
                    name: "Châteauroux".into(),
                    standing: Standing::Compared,
                    before: [None; 6],
                    now: [None; 6],
                }],
                totals,
            }),
            provenance: (Vec::new(), Vec::new()),
        }
    }

    fn network(code: &str, state: &'static str) -> NetworkSection {
        NetworkSection {
            code: code.into(),
            name: format!("Réseau {code}"),
            departement: String::new(),
            sent: state != "non-transmis",
            state,
            unreadable: false,
            status: String::new(),
            files: 1,
            errors: 0,
            warnings: 0,
            figures: Vec::new(),
            changes: Vec::new(),
            last_bilan: None,
        }
    }

    fn counts(networks: &[NetworkSection]) -> Counts {
        let sent = networks.iter().filter(|n| n.sent).count();
        let ok = networks.iter().filter(|n| n.state == "conforme").count();
        Counts {
            expected: networks.len(),
            transmitted: sent,
            conformes: ok,
            to_correct: sent - ok,
            not_sent: networks.len() - sent,
            outside: 0,
        }
    }

    #[test]
    fn everything_conforming_without_previous_year() {
        let networks = [network("18-BOU", "conforme"), network("36-CHX", "conforme")];
        let r = regional(&[("18", 3.0), ("36", 5.0)], None);
        assert_eq!(
            sentences(&r, &counts(&networks), &networks, Lang::Fr),
            [
                "2 réseaux sur 2 attendus ont transmis leur bilan 2025 : 2 conformes, 0 à corriger.",
                "Le département qui compte le plus d'actions est Indre (36) : 5 sur 8 dans la Région (63\u{202F}%).",
                "Tous les réseaux attendus ont transmis un bilan conforme.",
            ]
        );
    }

    #[test]
    fn tied_departements_are_named_together_and_no_actions_no_sentence() {
        let networks = [network("18-BOU", "conforme")];
        let r = regional(&[("18", 5.0), ("45", 5.0), ("36", 1.0)], None);
        let said = sentences(&r, &counts(&networks), &networks, Lang::En);
        assert_eq!(
            said[1],
            "The départements Cher (18) and Loiret (45) have the most actions: 5 each out of 11 in the Région (45% each)."
        );
        let r = regional(&[], None);
        assert_eq!(
            sentences(&r, &counts(&networks), &networks, Lang::Fr).len(),
            2
        );
    }

    #[test]
    fn largest_rise_and_fall_among_the_figures_with_a_percentage() {
        let networks = [network("36-CHX", "conforme")];
        // Structures +20 %, coordinators +20 % (later in the order: not chosen), actions
        // −10 %, participants −50 %, first receptions from 0 (no percentage), trained 0.
        let totals = [(10, 12), (5, 6), (100, 90), (40, 20), (0, 5), (0, 0)];
        let r = regional(&[("36", 90.0)], Some(totals));
        let said = sentences(&r, &counts(&networks), &networks, Lang::Fr);
        assert_eq!(
            said[2],
            "La plus forte hausse, sur 1 réseau comparé, concerne les structures membres : +20\u{202F}% (10 en 2024, 12 en 2025)."
        );
        assert_eq!(
            said[3],
            "La plus forte baisse, sur 1 réseau comparé, concerne les participants : −50\u{202F}% (40 en 2024, 20 en 2025)."
        );
        // Nothing fell: no sentence of a fall.
        let r = regional(
            &[("36", 90.0)],
            Some([(10, 12), (5, 5), (0, 0), (0, 0), (0, 0), (0, 0)]),
        );
        let said = sentences(&r, &counts(&networks), &networks, Lang::Fr);
        assert_eq!(said.len(), 4, "{said:?}");
        assert!(!said.iter().any(|s| s.contains("baisse")));
    }

    #[test]
    fn networks_to_follow_up_named_then_counted() {
        let mut networks = vec![
            network("18-BOU", "a-corriger"),
            network("28-DRE", "non-transmis"),
            network("36-CHX", "conforme"),
        ];
        networks[0].unreadable = true;
        let r = regional(&[], None);
        let said = sentences(&r, &counts(&networks), &networks, Lang::Fr);
        assert_eq!(
            said[0],
            "2 réseaux sur 3 attendus ont transmis leur bilan 2025 : 1 conforme, 1 à corriger (dont 1 illisible) ; 1 ne l'a pas transmis."
        );
        assert_eq!(
            said[1],
            "À suivre — bilan non transmis : Réseau 28-DRE (28-DRE) ; bilan à corriger : Réseau 18-BOU (18-BOU)."
        );
        let many: Vec<NetworkSection> = (0..9)
            .map(|i| network(&format!("45-N{i}"), "non-transmis"))
            .collect();
        let said = sentences(&r, &counts(&many), &many, Lang::En);
        assert_eq!(
            said.last().unwrap(),
            "To follow up — bilan not sent: 9 networks (see “Network by network”)."
        );
    }
}
