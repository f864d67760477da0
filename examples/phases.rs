//! Where the time of `check` goes, on one thread (profiling aid): reading every row through
//! the tool's reader with nothing done to them, then the whole check (rows read, validated
//! and checked as they stream). `cargo run --release --example phases -- DIR REFERENTIEL`.
use std::path::Path;
use std::time::{Duration, Instant};

use spro_bilans::read::{admit, load, Format, Opened};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, referential) = match args.as_slice() {
        [dir, referential, ..] => (dir, referential),
        _ => return Err("usage : phases DOSSIER REFERENTIEL".into()),
    };
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    files.sort();
    let referential = spro_bilans::referential::Referential::load(Path::new(referential))?;
    let settings = spro_bilans::check::CheckSettings::new(Default::default(), referential);
    let checker = spro_bilans::check::Checker::build(settings)?;
    let limits = Default::default();
    let (mut read, mut check) = (Duration::ZERO, Duration::ZERO);
    for f in &files {
        let admitted = admit(load(f, &limits)?, Format::Xlsx, &limits)?;
        let t = Instant::now();
        let mut opened = Opened::open(&admitted, &limits)?;
        for sheet in opened.sheets.clone() {
            opened.rows(&sheet, &mut |_, _| Ok(()))?;
        }
        read += t.elapsed();
        let t = Instant::now();
        checker.check_admitted(f, &admitted)?;
        check += t.elapsed();
    }
    println!("read {read:?} check (read included) {check:?}");
    Ok(())
}
