//! The `spro` binary: parse the command line, run it, turn the outcome into an exit code.

#![warn(clippy::too_many_lines)]

use clap::Parser;

use spro_bilans::i18n::Lang;

fn main() -> std::process::ExitCode {
    spro_bilans::memory::tune();
    let cli = spro_bilans::cli::Cli::parse();
    let lang = cli.lang;
    quiet_per_file_panics(lang);
    match spro_bilans::cli::run(cli) {
        Ok(exit) => std::process::ExitCode::from(exit as u8),
        Err(e) => {
            match lang {
                Lang::Fr => eprintln!("spro : erreur : {}", e.0.fr),
                Lang::En => eprintln!("spro: error: {}", e.0.en),
            }
            std::process::ExitCode::from(spro_bilans::cli::Exit::Failure as u8)
        }
    }
}

/// A panic while one file is checked becomes a finding for that file (F001): its backtrace
/// would only clutter the report, so the hook stays quiet then (`SPRO_DEBUG=1` shows it).
/// Any other panic is a crash of the tool: said in the user's language, with the default
/// report, and the process ends non-zero.
fn quiet_per_file_panics(lang: Lang) {
    let default = std::panic::take_hook();
    let debug = std::env::var_os("SPRO_DEBUG").is_some();
    std::panic::set_hook(Box::new(move |info| {
        if spro_bilans::check::panic_is_a_finding() && !debug {
            return;
        }
        match lang {
            Lang::Fr => eprintln!("spro : erreur interne de l'outil : signalez-la à la Région avec la commande lancée et ce message"),
            Lang::En => eprintln!("spro: internal error of the tool: report it to the Région with the command run and this message"),
        }
        default(info);
    }));
}
