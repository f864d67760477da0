//! The floors of the benchmark: calamine alone reading every cell of every sheet of every
//! workbook of a folder, in parallel with rayon: by default the usual `worksheet_range` path
//! (each sheet whole in memory), with `--flux` its cells reader (each cell dropped as it
//! comes: the physical limit for memory). DIR may also be a single workbook.
//! `cargo run --release --example floor -- DIR [-j N] [--flux]`.

use calamine::{open_workbook_auto, Data, Reader, Xlsx};
use rayon::prelude::*;

/// Every cell of every sheet of `path` through the cells reader, none kept.
fn streamed(path: &std::path::Path) -> usize {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let mut n = 0;
    for name in wb.sheet_names() {
        let mut cells = wb.worksheet_cells_reader(&name).unwrap();
        while let Some(cell) = cells.next_cell().unwrap() {
            if !matches!(cell.get_value(), calamine::DataRef::Empty) {
                n += 1;
            }
        }
    }
    n
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = &args[0];
    let jobs = args
        .iter()
        .position(|a| a == "-j")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let flux = args.iter().any(|a| a == "--flux");
    let mut files: Vec<_> = if std::path::Path::new(dir).is_file() {
        vec![std::path::PathBuf::from(dir)]
    } else {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
            .collect()
    };
    files.sort();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .unwrap();
    let cells: usize = pool.install(|| {
        files
            .par_iter()
            .map(|p| {
                if flux {
                    return streamed(p);
                }
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
