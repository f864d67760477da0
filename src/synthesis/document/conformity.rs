//! « Conformité à la charte »: the charter's commitments, and how many networks keep each.

use super::*;

/// `Conformité à la charte`: for each rule of the charter, how many networks whose file was
/// read meet it (no finding of that rule), and which do not.
pub(super) fn conformity(
    regional: &Regional,
    report: &Report,
    checker: &Checker,
    lang: Lang,
) -> Conformity {
    // The readable files of the year of the referential's networks, by network.
    let mut assessed: BTreeMap<String, (String, Vec<Code>)> = BTreeMap::new();
    for f in &report.files {
        let Some(code) = f.reseau.as_deref() else {
            continue;
        };
        let Some(n) = checker.referential.get(code) else {
            continue;
        };
        let of_year = f.annee.is_none_or(|a| a == regional.year);
        if f.status == Status::Unreadable || !of_year {
            continue;
        }
        let entry = assessed
            .entry(n.code.clone())
            .or_insert_with(|| (format!("{} ({})", n.nom, n.code), Vec::new()));
        entry.1.extend(f.findings.iter().map(|x| x.code));
    }
    let lines = RULES
        .iter()
        .filter(|r| r.family == Family::Charter)
        .map(|r| {
            let failing: Vec<String> = assessed
                .values()
                .filter(|(_, codes)| codes.contains(&r.code))
                .map(|(name, _)| name.clone())
                .collect();
            Commitment {
                code: r.code.as_str().to_string(),
                label: r
                    .commitment
                    .map_or("", |c| pick(lang, c.0, c.1))
                    .to_string(),
                source: r.source(lang).to_string(),
                met: assessed.len() - failing.len(),
                failing,
                off: matches!(checker.config.overrides.get(&r.code), Some(Override::Off)),
            }
        })
        .collect();
    Conformity {
        assessed: assessed.len(),
        lines,
    }
}
