//! Builds one workbook from a readable JSON description (see `spro_bilans::fixture`):
//! `cargo run --example fixture -- DESCRIPTION.json OUT.xlsx`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [source, out] = args.as_slice() else {
        return Err("usage : fixture DESCRIPTION.json SORTIE.xlsx".into());
    };
    let description: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(source)?)?;
    std::fs::write(out, spro_bilans::fixture::build_xlsx(&description)?)?;
    Ok(())
}
