//! The `Synthèse` sheet: the networks' lines ([`NetworkRow`]), a status colour each.

use rust_xlsxwriter::{Color, Format, Worksheet, XlsxError};

use crate::consolidate::NetworkRow;
use crate::xlsx::{self, Styles, Widths};

/// The background of a status.
fn status_format(label: &str) -> Format {
    let color = match label {
        "Conforme" => 0xC6EFCE,
        "Conforme avec avertissements" => 0xFFEB9C,
        "Non conforme" => 0xFFC7CE,
        "Illisible" => 0xF4B084,
        _ => 0xD9D9D9,
    };
    Format::new().set_background_color(Color::RGB(color))
}

pub(super) fn synthese(
    ws: &mut Worksheet,
    rows: &[NetworkRow],
    styles: &Styles,
) -> Result<(), XlsxError> {
    let headers = [
        "Code réseau",
        "Réseau",
        "Département",
        "Fichier",
        "Statut",
        "Erreurs",
        "Avertissements",
        "Structures",
        "Coordinateurs",
        "Actions",
        "Participants",
        "Premiers accueils",
        "Professionnels formés",
        "Modèle",
    ];
    xlsx::table_header(ws, 0, &headers, rows.len() as u32, styles)?;
    let mut widths = Widths::of(&headers);
    // The version centred, apart from the figures on its left.
    let centred = Format::new().set_align(rust_xlsxwriter::FormatAlign::Center);
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        for (c, s) in [&r.code, &r.reseau, &r.departement, &r.fichier]
            .into_iter()
            .enumerate()
        {
            xlsx::text(ws, row, c as u16, s, &styles.text)?;
            widths.see(c, s);
        }
        xlsx::text(ws, row, 4, r.statut, &status_format(r.statut))?;
        widths.see(4, r.statut);
        if let Some(fig) = r.figures {
            for (k, v) in fig.iter().enumerate() {
                // A figure the file's version cannot give: « — », not 0.
                if k >= 2 && r.lacks[k - 2] {
                    xlsx::text(ws, row, 5 + k as u16, "—", &styles.dash)?;
                    continue;
                }
                ws.write_number_with_format(row, 5 + k as u16, *v, &styles.integer)?;
            }
        }
        if !r.modele.is_empty() {
            xlsx::text(ws, row, 13, &r.modele, &centred)?;
            widths.see(13, &r.modele);
        }
    }
    xlsx::widths(ws, &widths.0)
}
