//! The `spro` binary: parse the command line, run it, turn the outcome into an exit code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = spro_bilans::cli::Cli::parse();
    match spro_bilans::cli::run(cli) {
        Ok(exit) => std::process::ExitCode::from(exit as u8),
        Err(e) => {
            eprintln!("spro : erreur : {e}");
            std::process::ExitCode::from(spro_bilans::cli::Exit::Failure as u8)
        }
    }
}
