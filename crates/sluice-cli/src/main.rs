//! `sluice`: everything the desktop app does, from a terminal. Each subcommand is a thin layer
//! over an engine crate, so what works here works in the app and the other way round.

mod config_cmds;
mod demo;
mod doctor;
mod preview;
mod query;
mod secrets_cmds;
mod sync_cmds;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// The built-in demo API: example data behind every auth and pagination style.
    Demo(DemoArgs),
    /// Check a connector config and list every problem with its path.
    Validate(config_cmds::ValidateArgs),
    /// Turn a dlt Python snippet, a markdown document, JSON or YAML into a Sluice connector.
    Import(config_cmds::ImportArgs),
    /// Write a connector as a dlt pipeline script, secrets.toml template, JSON or YAML.
    Export(config_cmds::ExportArgs),
    /// Fetch the first pages of each resource: records, requests (redacted) and why paging stopped.
    Preview(preview::PreviewArgs),
    /// Load a connector's resources into a DuckDB file, one transaction per resource.
    Sync(sync_cmds::SyncArgs),
    /// Show the tables, columns and types a sync would create, and what they add to a file.
    Schema(sync_cmds::SchemaArgs),
    /// Run one read-only SQL query on a DuckDB file, with the Data tab's guard: no other files,
    /// no network, no changes.
    Query(query::QueryArgs),
    /// Store, list and delete a connector's secrets in the system keychain.
    Secrets(secrets_cmds::SecretsArgs),
    /// Check this machine for what Sluice needs (keychain, data folder, WebKit) and say what to
    /// install for anything missing.
    Doctor,
}

#[derive(Debug, Args)]
struct DemoArgs {
    #[command(subcommand)]
    command: DemoCommand,
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// Serve the demo API on 127.0.0.1 until Ctrl-C.
    Serve(demo::DemoServeArgs),
}

/// Commands that do network or disk work run on one Tokio runtime built here, not in every
/// subcommand.
fn block_on<F: std::future::Future<Output = anyhow::Result<()>>>(work: F) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(work)
}

fn main() -> ExitCode {
    // `--version` names the DuckDB inside too: which DuckDB CLI or dlt can read the files this
    // build writes depends on it. It is read from the library, so only when asked for.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if matches!(args.as_slice(), [flag] if flag == "--version" || flag == "-V") {
        println!(
            "sluice {} (DuckDB {})",
            env!("CARGO_PKG_VERSION"),
            sluice_load::duckdb_version()
        );
        return ExitCode::SUCCESS;
    }
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Demo(DemoArgs {
            command: DemoCommand::Serve(args),
        }) => block_on(demo::serve(args)),
        Command::Validate(args) => config_cmds::validate(&args),
        Command::Import(args) => config_cmds::import(&args),
        Command::Export(args) => config_cmds::export(&args),
        Command::Preview(args) => block_on(preview::preview(args)),
        Command::Sync(args) => block_on(sync_cmds::sync(args)),
        Command::Schema(args) => block_on(sync_cmds::schema(args)),
        Command::Query(args) => query::query(&args),
        Command::Secrets(args) => secrets_cmds::run(&args),
        Command::Doctor => doctor::doctor(),
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
