//! The synthesis's data → Typst → PDF/A: whatever a network's name, department, file name or
//! a left-out file's reason holds (control characters, scripts no font draws, any length),
//! the document is written. The sample batch is consolidated once; each input's texts then
//! replace those of its networks and files. Needs the synthesis: `cargo fuzz run
//! synthese_data --features synthese` (Typst, about 290 crates more, hence its own feature).
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use spro_bilans::check::{CheckSettings, Checker};
use spro_bilans::config::Config;
use spro_bilans::consolidate::{self, Choices};
use spro_bilans::i18n::Lang;
use spro_bilans::referential::Referential;
use spro_bilans::synthesis::{self, Document};

static SAMPLE: LazyLock<Document> = LazyLock::new(|| {
    let config = Config {
        annee: Some(2025),
        ..Config::default()
    };
    let mut settings = CheckSettings::new(config, Referential::embedded());
    settings.keep_data = true;
    let checker = Checker::build(settings).expect("the checker of 2025");
    let options = Choices {
        year: 2025,
        without_personal_data: true,
        include_invalid: false,
        options_text: String::new(),
    };
    let batch = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/bilans/2025");
    let (inputs, _) = spro_bilans::inputs::collect(&[batch]).expect("the sample batch");
    let (report, regional) =
        consolidate::run(&inputs, &checker, &options, &mut [], &|_| {}).expect("its figures");
    synthesis::document(&regional, &report, &checker, &options, Lang::Fr)
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut texts = text.split('\u{1}').map(str::to_string).cycle();
    let mut document = SAMPLE.clone();
    for network in &mut document.networks {
        network.name = texts.next().unwrap_or_default();
        network.departement = texts.next().unwrap_or_default();
        network.changes.push(texts.next().unwrap_or_default());
    }
    for file in &mut document.method.files {
        file.name = texts.next().unwrap_or_default();
    }
    document.sentences.push(texts.next().unwrap_or_default());
    if let Err(e) = synthesis::pdf(&document) {
        panic!("the synthesis was not written: {e}");
    }
});
