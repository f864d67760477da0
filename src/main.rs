//! The `spro` binary: parse the command line, run it, turn the outcome into an exit code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    // A panic while reading one file becomes a finding for that file (F001); the default
    // hook's backtrace would only clutter the report. SPRO_DEBUG=1 shows it.
    if std::env::var_os("SPRO_DEBUG").is_none() {
        std::panic::set_hook(Box::new(|_| {}));
    }
    let cli = spro_bilans::cli::Cli::parse();
    let lang = cli.lang;
    match spro_bilans::cli::run(cli) {
        Ok(exit) => std::process::ExitCode::from(exit as u8),
        Err(e) => {
            match lang {
                spro_bilans::i18n::Lang::Fr => eprintln!("spro : erreur : {}", e.0.fr),
                spro_bilans::i18n::Lang::En => eprintln!("spro: error: {}", e.0.en),
            }
            std::process::ExitCode::from(spro_bilans::cli::Exit::Failure as u8)
        }
    }
}
