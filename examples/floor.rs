//! The floor of the benchmark: calamine alone reading every cell of every sheet of every
//! workbook of a folder (the usual `worksheet_range` path), in parallel with rayon.
//! `cargo run --release --example floor -- DIR [-j N]`.

use calamine::{open_workbook_auto, Data, Reader};
use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = &args[0];
    let jobs = args
        .iter()
        .position(|a| a == "-j")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    files.sort();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .unwrap();
    let cells: usize = pool.install(|| {
        files
            .par_iter()
            .map(|p| {
                let mut wb = open_workbook_auto(p).unwrap();
                let mut n = 0;
                for name in wb.sheet_names() {
                    let range = wb.worksheet_range(&name).unwrap();
                    n += range
                        .used_cells()
                        .filter(|(_, _, d)| !matches!(d, Data::Empty))
                        .count();
                }
                n
            })
            .sum()
    });
    println!("{} classeurs, {cells} cellules lues", files.len());
}
