//! Bytes → workbook → findings: the whole path a submitted file takes, without the
//! `catch_unwind` safety net, so that any panic is a crash the fuzzer reports.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spro_bilans::check::{CheckSettings, Checker};
use spro_bilans::config::{Config, Limits};
use spro_bilans::read::{admit, Format};
use spro_bilans::referential::Referential;

static QUIET: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    // libfuzzer-sys aborts in its panic hook, even for a panic that is caught. The tool
    // deliberately catches calamine's panics on corrupt files (workbook.rs), so the hook is
    // replaced by a quiet one: a panic that escapes is still caught by libfuzzer-sys and
    // reported as a crash.
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let format = match selector % 4 {
        0 => Format::Xlsx,
        1 => Format::Xls,
        2 => Format::Ods,
        _ => Format::Xlsb,
    };
    let limits = Limits::default();
    if let Ok(admitted) = admit(bytes.to_vec(), format, &limits) {
        let config = Config {
            annee: Some(2025),
            ..Config::default()
        };
        // Keeping the data, as a consolidation does: a file of another template version is
        // then laid out by key on the year's (read::align), which the fuzzer reaches too.
        let mut settings = CheckSettings::new(config, Referential::embedded());
        settings.keep_data = true;
        let checker = Checker::build(settings).expect("the checker of 2025");
        let _ = checker.check_admitted(std::path::Path::new("fuzz.xlsx"), &admitted);
    }
});
