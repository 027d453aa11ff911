//! `sluice`: everything the desktop app does, from a terminal. Each subcommand is a thin layer
//! over an engine crate, so what works here works in the app and the other way round.

mod secrets_cmds;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "sluice",
    version,
    about = "Build REST API connectors, keep their secrets in the keychain, sync them into DuckDB",
    long_about = None,
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Store, list and delete a connector's secrets in the system keychain.
    Secrets(secrets_cmds::SecretsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Secrets(args) => secrets_cmds::run(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
