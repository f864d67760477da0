//! Bytes → check → the coordinator's own `.xlsx` marked (`annotate::patch`), without the
//! `catch_unwind` the tool wraps it in: a hostile package must give a copy or an error, never
//! a panic. What the patch writes must open again as a zip archive.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spro_bilans::check::{CheckSettings, Checker};
use spro_bilans::config::{Config, Limits};
use spro_bilans::read::{admit, Format};
use spro_bilans::referential::Referential;

static QUIET: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    // calamine's panics on corrupt files are caught by the check (see check_bytes.rs).
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let Ok(admitted) = admit(data.to_vec(), Format::Xlsx, &Limits::default()) else {
        return;
    };
    let config = Config {
        annee: Some(2025),
        ..Config::default()
    };
    let settings = CheckSettings::new(config, Referential::embedded());
    let checker = Checker::build(settings).expect("the checker of 2025");
    let Ok(report) = checker.check_admitted(std::path::Path::new("fuzz.xlsx"), &admitted) else {
        return;
    };
    if let Ok(copy) = spro_bilans::annotate::patch(&report, &admitted.bytes) {
        assert!(zip::ZipArchive::new(std::io::Cursor::new(copy)).is_ok());
    }
});
