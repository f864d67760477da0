//! C008 repartition-incoherente: women + men exceed the participants of an action, or the
//! women exceed the first receptions of a reception line.

use super::view::{Id, View};
use super::Context;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::read::sheet::Row;
use crate::rules::Code;

pub(super) fn check(cx: &Context<'_>, findings: &mut Vec<Finding>) {
    if let Some(v) = &cx.actions {
        for row in v.rows() {
            action(v, row, findings);
        }
    }
    if let Some(v) = &cx.accueil {
        for row in v.rows() {
            if let (Some(f), Some(a)) = (v.int(row, "femmes"), v.int(row, "accueils")) {
                if f > a {
                    findings.extend(v.finding(
                        Code::C008,
                        row,
                        "femmes",
                        Msg::new(format!("{f} femmes pour {a} premiers accueils : « dont femmes » ne peut pas dépasser « Premiers accueils » ; corrigez l'un des deux"), format!("{f} women for {a} first receptions: “dont femmes” (of whom women) cannot exceed “Premiers accueils”; correct one of them")),
                    ));
                }
            }
        }
    }
}

/// Women + men against participants. A blank split counts as 0 when the other is given; a
/// rejected one makes the row unusable. Cited at the cell given (women when both are).
fn action(v: &View<'_>, row: &Row, findings: &mut Vec<Finding>) {
    let Some(total) = v.int(row, "participants") else {
        return;
    };
    let (fb, hb) = (
        v.blank(row, "femmes") || !v.has("femmes"),
        v.blank(row, "hommes") || !v.has("hommes"),
    );
    let (f, h) = (v.int(row, "femmes"), v.int(row, "hommes"));
    let usable = (fb || f.is_some()) && (hb || h.is_some()) && !(fb && hb);
    if !usable {
        return;
    }
    let (f, h) = (f.unwrap_or(0), h.unwrap_or(0));
    if f + h > total {
        let id = Id(v.text(row, "id"));
        let key = if fb { "hommes" } else { "femmes" };
        findings.extend(v.finding(
            Code::C008,
            row,
            key,
            Msg::new(format!("l'action{id} compte {f} femmes et {h} hommes, soit {}, plus que ses {total} participants : corrigez la répartition ou le total", f + h), format!("action{id} counts {f} women and {h} men, {} in all, more than its {total} participants: correct the split or the total", f + h)),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::charter::findings_of;
    use crate::rules::Code;
    use serde_json::json;

    #[test]
    fn actions_at_the_cell_given() {
        let found = findings_of(json!([
            {"feuille": "Actions", "cellule": "L2", "valeur": 700},
            {"feuille": "Actions", "cellule": "M8", "valeur": 900}
        ]));
        let at = |c: &str| (Code::C008, format!("Actions!{c}"));
        assert_eq!(found, [at("L2"), at("M8")]);
    }

    #[test]
    fn women_over_first_receptions() {
        let found = findings_of(json!([{"feuille": "Accueil", "cellule": "D2", "valeur": 1500}]));
        assert_eq!(found, [(Code::C008, "Accueil!D2".to_string())]);
    }

    #[test]
    fn an_unknown_split_is_no_finding() {
        let found = findings_of(json!([
            {"feuille": "Actions", "cellule": "L2", "valeur": null},
            {"feuille": "Actions", "cellule": "M2", "valeur": null}
        ]));
        assert_eq!(found, []);
    }
}
