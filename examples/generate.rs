//! Writes N valid, realistic tableaux de bord with M action rows each, for the benchmark:
//! `cargo run --release --example generate -- OUT --classeurs N --actions M [--annee 2024]`.
//! Also writes `OUT/reseaux.json`, the referential of the generated networks (use it with
//! `--referentiel`), so that every workbook is valid.

use std::path::PathBuf;

use rayon::prelude::*;
use serde_json::{json, Value};
use spro_bilans::schema::SheetKind;

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn code(i: usize) -> (String, &'static str) {
    let deps = ["18", "28", "36", "37", "41", "45"];
    let dep = deps[i % deps.len()];
    let mut n = i / deps.len();
    let mut letters = String::new();
    for _ in 0..4 {
        letters.insert(0, (b'A' + (n % 26) as u8) as char);
        n /= 26;
    }
    (format!("{dep}-{letters}"), dep)
}

const AXES: [&str; 6] = [
    "Informer sur les métiers et les formations",
    "Accompagner les parcours professionnels",
    "Promotion du CEP",
    "VAE",
    "Mixité et stéréotypes de genre",
    "Connaissance mutuelle des acteurs",
];
const TYPES: [&str; 8] = [
    "Conférence",
    "Webinaire",
    "Manifestation",
    "Salon",
    "Forum",
    "Atelier d'échanges de pratiques",
    "Journée technique",
    "Autre",
];
const PUBLICS: [&str; 8] = [
    "Scolaires",
    "Étudiants",
    "Apprentis",
    "Salariés",
    "Actifs non-salariés",
    "Demandeurs d'emploi",
    "Bénévoles",
    "Professionnels de l'orientation",
];

/// The header row of a sheet, from the schemas the checker reads (so the two never drift).
fn header(kind: SheetKind) -> Value {
    Value::from(
        spro_bilans::registry::Registry::embedded()
            .schemas()
            .sheet(kind)
            .columns
            .iter()
            .map(|c| c.label.clone())
            .collect::<Vec<_>>(),
    )
}

fn workbook(i: usize, actions: usize) -> Value {
    let (code, dep) = code(i);
    let members: Vec<(String, &str, bool)> = vec![
        (format!("CIO {code}"), "CIO", false),
        (format!("Mission Locale {code}"), "Mission Locale", true),
        (format!("France Travail {code}"), "France Travail", true),
        (format!("Cap emploi {code}"), "Cap emploi", true),
        (format!("CCI {code}"), "CCI", false),
        (format!("PLIE {code}"), "PLIE", false),
        (format!("Association {code}"), "Association", false),
        (
            format!("Chambre de Métiers {code}"),
            "Chambre de Métiers et de l'Artisanat",
            false,
        ),
    ];
    let date =
        |day: usize| json!({"date": format!("2025-{:02}-{:02}", 1 + day % 12, 1 + day % 28)});
    let mut s = vec![header(SheetKind::Structures)];
    for (k, (name, t, cep)) in members.iter().enumerate() {
        s.push(json!([name, t, null, "Ville", format!("{dep}000"), "Oui", {"date": "2024-06-20"}, if *cep { "Oui" } else { "Non" }, "Oui", if k % 2 == 0 { "Oui" } else { "Non" }, 2 + k]));
    }
    let mut a = vec![header(SheetKind::Actions)];
    for n in 0..actions {
        let porteuse = &members[n % members.len()].0;
        let partners = format!(
            "{} ; {}",
            members[(n + 1) % members.len()].0,
            members[(n + 3) % members.len()].0
        );
        let participants = 20 + (n * 37) % 400;
        let women = participants / 2;
        let modalite = ["Présentiel", "Distanciel", "Hybride"][n % 3];
        let tool = if n % 3 == 0 { "Oui" } else { "Non" };
        let logo = if n % 3 == 0 { "Oui" } else { "" };
        a.push(json!([
            format!("{code}-{n:05}"),
            format!("Action {n} du réseau {code}"),
            TYPES[n % TYPES.len()],
            AXES[n % AXES.len()],
            date(n),
            date(n),
            modalite,
            porteuse,
            partners,
            format!("{}; {}", PUBLICS[n % 8], PUBLICS[(n + 3) % 8]),
            participants,
            women,
            participants - women - 1,
            tool,
            logo,
            logo
        ]));
    }
    let mut acc = vec![header(SheetKind::Accueil)];
    for (k, (name, _, _)) in members.iter().enumerate() {
        for p in 0..4 {
            let n = 100 + 13 * k + 7 * p;
            acc.push(json!([name, PUBLICS[(k + p) % 8], n, n / 2, n / 4, n / 3]));
        }
    }
    let mut pro = vec![header(SheetKind::Professionnalisation)];
    for (k, (name, _, _)) in members.iter().enumerate() {
        pro.push(json!([
            name,
            "Accueillir et orienter tout public",
            "GIP Alfa Centre-Val de Loire",
            date(k),
            1 + k
        ]));
    }
    json!({"sheets": {
        "Identification": [["Champ", "Valeur"], ["Code réseau", code], ["Nom du réseau", format!("Réseau {code}")], ["Département", dep],
            ["Année du bilan", 2025], ["Date de signature de la convention", {"date": "2024-06-20"}], ["Date de transmission", {"date": "2026-02-27"}],
            ["Version du modèle", "2025.1"], ["Points forts", "Un réseau actif."], ["Difficultés rencontrées", null], ["Perspectives", null]],
        "Structures": s,
        "Coordination": [header(SheetKind::Coordination),
            ["DURAND", "Alex", members[1].0, "Coordinateur", "alex.durand@exemple.fr", "02 38 00 00 00", {"date": "2024-06-20"}]],
        "Actions": a, "Accueil": acc, "Professionnalisation": pro
    }})
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = PathBuf::from(
        args.first()
            .ok_or("usage : generate SORTIE --classeurs N --actions M")?,
    );
    let n = arg(&args, "--classeurs", 25);
    let m = arg(&args, "--actions", 200);
    // `--annee 2024`: the same networks the year before (for `--precedent`).
    let year = arg(&args, "--annee", 2025);
    std::fs::create_dir_all(&out)?;
    (0..n)
        .into_par_iter()
        .try_for_each(|i| -> Result<(), String> {
            let mut description = workbook(i, m);
            if let Some(rows) = description["sheets"]["Identification"].as_array_mut() {
                for row in rows.iter_mut().filter(|r| r[0] == "Année du bilan") {
                    row[1] = json!(year);
                }
            }
            let bytes =
                spro_bilans::fixture::build_xlsx(&description).map_err(|e| e.to_string())?;
            std::fs::write(out.join(format!("{}.xlsx", code(i).0)), bytes)
                .map_err(|e| e.to_string())
        })?;
    let referential: Vec<Value> = (0..n)
        .map(|i| {
            let (c, d) = code(i);
            json!({"code": c, "nom": format!("Réseau {c}"), "departement": d})
        })
        .collect();
    std::fs::write(
        out.join("reseaux.json"),
        serde_json::to_string_pretty(&referential)?,
    )?;
    eprintln!("{n} classeurs de {m} actions écrits dans {}", out.display());
    Ok(())
}
