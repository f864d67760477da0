//! « Réseau par réseau »: each network's status, figures and what changed since the year
//! before.

use super::*;

/// What changed since the year before, from the T findings of a network's file: counted and
/// said in the rule's words, never from the messages (T004's name people).
fn changes(codes: &[Code], year_before: i32, lang: Lang) -> Vec<String> {
    let count = |c: Code| codes.iter().filter(|x| **x == c).count();
    let mut out = Vec::new();
    let yb = year_before;
    if count(Code::T000) > 0 {
        out.push(match lang {
            Lang::Fr => {
                format!("Pas de comparaison : le bilan {yb} de ce réseau est inutilisable.")
            }
            Lang::En => format!("No comparison: this network's {yb} bilan cannot be used."),
        });
    }
    let n = count(Code::T003);
    if n > 0 {
        out.push(match lang {
            Lang::Fr => {
                let (structures, verb) = if crate::i18n::is_plural(lang, n) {
                    ("structures membres", "figurent")
                } else {
                    ("structure membre", "figure")
                };
                format!("{n} {structures} en {yb} ne {verb} plus parmi les membres.")
            }
            Lang::En => {
                let structures = crate::i18n::agree(lang, n, ["", ""], ["structure", "structures"]);
                format!("{n} member {structures} of {yb} no longer among the members.")
            }
        });
    }
    if count(Code::T004) > 0 {
        out.push(match lang {
            Lang::Fr => format!("Coordination changée depuis {yb}."),
            Lang::En => format!("Coordination changed since {yb}."),
        });
    }
    if count(Code::T005) > 0 {
        out.push(match lang {
            Lang::Fr => {
                format!("Convention renouvelée ou modifiée (date de signature différente de {yb}).")
            }
            Lang::En => {
                format!("Convention renewed or changed (signature date other than in {yb}).")
            }
        });
    }
    let n = count(Code::T001) + count(Code::T002);
    if n > 0 {
        out.push(match lang {
            Lang::Fr => format!(
                "{} en très forte évolution depuis {yb}, à vérifier par le réseau.",
                crate::i18n::count(lang, n, ["chiffre", "chiffres"], ["", ""])
            ),
            Lang::En => format!(
                "{} changed very strongly since {yb}, to be checked by the network.",
                crate::i18n::count(lang, n, ["", ""], ["figure", "figures"])
            ),
        });
    }
    out
}

/// A network's figures of the year (`now`, from its one readable file; none where its
/// version `lacks` the figure, « — » as in `Synthèse`), those of the year before (its line of
/// `Évolution`), and the change.
fn network_figures(
    now: Option<[f64; 8]>,
    lacks: [bool; 6],
    line: Option<&crate::consolidate::Line>,
    lang: Lang,
) -> Vec<NetworkFigure> {
    FIGURES
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let n = now.filter(|_| !lacks[k]).map(|v| v[2 + k] as i64);
            let b = line.and_then(|l| l.before[k]);
            NetworkFigure {
                label: f.title_in(lang),
                now: n.map(|v| Num::new(v, lang)),
                before: b.map(|v| Num::new(v, lang)),
                change: match (b, n) {
                    (Some(b), Some(n)) => percent(b, n).map(|p| signed_percent(p, lang)),
                    _ => None,
                },
            }
        })
        .collect()
}

/// `Réseau par réseau`: every network of the referential in its order, then codes outside
/// it.
pub(super) fn networks(
    regional: &Regional,
    report: &Report,
    checker: &Checker,
    lang: Lang,
) -> Vec<NetworkSection> {
    let table = regional.evolution.as_ref();
    let mut codes: Vec<(String, String, String)> = checker
        .referential
        .networks
        .iter()
        .map(|n| (n.code.clone(), n.nom.clone(), n.departement.clone()))
        .collect();
    for r in &regional.networks {
        if !r.code.is_empty() && checker.referential.get(&r.code).is_none() {
            codes.push((r.code.clone(), r.reseau.clone(), r.departement.clone()));
        }
    }
    codes.dedup_by(|a, b| a.0.eq_ignore_ascii_case(&b.0));
    codes
        .into_iter()
        .map(|(code, name, dep)| {
            let lines = lines_of(regional, &code);
            let status = network_status(&lines);
            // Its files: those of its lines of Synthèse (an unreadable file has no code of
            // its own; its line has the one its name gives).
            let files: Vec<_> = report
                .files
                .iter()
                .filter(|f| {
                    let shown = f.path.display().to_string();
                    lines.iter().any(|l| l.fichier == shown)
                })
                .collect();
            let t_codes: Vec<Code> = files
                .iter()
                .flat_map(|f| f.findings.iter().map(|x| x.code))
                .collect();
            // One file: its figures; several (B001) or none: none.
            let (now, lacks) = match lines.as_slice() {
                [one] => (one.figures, one.lacks),
                _ => (None, [false; 6]),
            };
            let line = table.and_then(|t| t.lines.iter().find(|l| l.code == code));
            let figures = network_figures(now, lacks, line, lang);
            let last_bilan = checker
                .previous
                .as_ref()
                .filter(|p| status.is_none() && p.get(&code).is_some())
                .map(|p| p.year);
            let status_text = match status {
                None => pick(lang, "Bilan non transmis", "Bilan not sent").to_string(),
                Some(s) => s.label(lang).to_string(),
            };
            NetworkSection {
                departement: departement_name(&dep),
                code,
                name,
                sent: status.is_some(),
                state: match status {
                    None => "non-transmis",
                    Some(Status::Valid | Status::ValidWithWarnings) => "conforme",
                    Some(_) => "a-corriger",
                },
                unreadable: status == Some(Status::Unreadable),
                status: status_text,
                files: lines.len(),
                errors: files.iter().map(|f| f.count(Severity::Error)).sum(),
                warnings: files.iter().map(|f| f.count(Severity::Warning)).sum(),
                figures,
                changes: table.map_or_else(Vec::new, |t| changes(&t_codes, t.year_before, lang)),
                last_bilan,
            }
        })
        .collect()
}
