use std::process::ExitCode;

use carechat::{cli::Cli, commands};
use clap::Parser;

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match commands::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // `{:#}` prints the cause chain on one line; the logger may not be up yet.
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
