//! « Conformité à la charte »: the charter's commitments, and how many networks keep each.

use super::*;

/// Short names of the charter's commitments, for the rules of the charter family.
pub(super) fn commitment(code: Code, lang: Lang) -> &'static str {
    let (fr, en) = match code {
        Code::C001 => ("Coordination désignée", "Coordination designated"),
        Code::C002 => (
            "Coordinateurs issus des structures membres",
            "Coordinators from member structures",
        ),
        Code::C003 => (
            "Convention signée dans la période",
            "Convention signed within the period",
        ),
        Code::C004 => (
            "Signatures des structures datées",
            "Structures' signatures dated",
        ),
        Code::C005 => (
            "Logos de la Région et du SPRO sur les outils créés",
            "Région and SPRO logos on the tools created",
        ),
        Code::C006 => (
            "Actions portées par des structures membres",
            "Actions led by member structures",
        ),
        Code::C007 => (
            "Dates des actions dans l'année",
            "Action dates within the year",
        ),
        Code::C008 => (
            "Répartition femmes-hommes cohérente",
            "Consistent split of women and men",
        ),
        Code::C009 => (
            "Orientations cohérentes avec les premiers accueils",
            "Referrals consistent with first receptions",
        ),
        Code::C010 => (
            "Actions co-construites avec des partenaires",
            "Actions built with partners",
        ),
        Code::C011 => ("Axes de la charte couverts", "Charter axes covered"),
        Code::C012 => (
            "Promotion du conseil en évolution professionnelle",
            "Promotion of the CEP",
        ),
        Code::C013 => (
            "Opérateur du CEP membre du réseau",
            "CEP operator in the network",
        ),
        Code::C014 => (
            "Opérateur du CEP renseigné de façon cohérente",
            "CEP operator consistently filled in",
        ),
        Code::C015 => (
            "Premier accueil par chaque structure",
            "First reception by every structure",
        ),
        Code::C016 => (
            "Professionnalisation des acteurs",
            "Training of the professionals",
        ),
        Code::C017 => ("Bilan transmis à temps", "Bilan sent on time"),
        Code::C018 => (
            "Mixité des métiers traitée",
            "Gender balance in jobs addressed",
        ),
        _ => ("", ""),
    };
    pick(lang, fr, en)
}

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
                label: commitment(r.code, lang).to_string(),
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
