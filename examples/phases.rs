//! Where the time of `check` goes, phase by phase, on one thread (profiling aid).
//! `cargo run --release --example phases -- DIR REFERENTIEL`.
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut files: Vec<_> = std::fs::read_dir(&args[0])
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    files.sort();
    let referential =
        spro_bilans::referential::Referential::load(std::path::Path::new(&args[1])).unwrap();
    let checker = spro_bilans::check::Checker::new(
        Default::default(),
        referential,
        spro_bilans::schema::Schemas::embedded(),
    );
    let schemas = spro_bilans::schema::Schemas::embedded();
    let (mut read, mut structure, mut values, mut rules) = (
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
    );
    for f in &files {
        let t = Instant::now();
        let wb = spro_bilans::workbook::read_file(
            f,
            spro_bilans::workbook::Format::Xlsx,
            &Default::default(),
        )
        .unwrap();
        read += t.elapsed();
        let t = Instant::now();
        let mut findings = Vec::new();
        let mut bilan = spro_bilans::sheet::read_structure(&wb, &schemas, &mut findings);
        structure += t.elapsed();
        let t = Instant::now();
        spro_bilans::validate::check_values(&mut bilan, &schemas, &mut findings);
        values += t.elapsed();
        let t = Instant::now();
        spro_bilans::charter::check(&bilan, &schemas, Default::default(), &mut findings);
        rules += t.elapsed();
    }
    let _ = checker;
    println!("read {read:?} structure {structure:?} values {values:?} charter {rules:?}");
}
