//! `sluice secrets`: set, list and delete a connector's secrets in the OS keychain.
//!
//! Wiring in main.rs: a `Secrets(secrets_cmds::SecretsArgs)` variant in the top-level subcommand
//! enum, dispatched with `secrets_cmds::run(&args)`.
//!
//! A value is never taken from the command line, where it would end up in the shell history and
//! in every process listing: `set` reads it from stdin, or asks for it without echo on a terminal.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde_json::Value;
use sluice_secrets::{env_var_name, read_secret_value, scoped_env_var_name, Error, SecretStore};

#[derive(Debug, clap::Args)]
pub struct SecretsArgs {
    #[command(subcommand)]
    pub command: SecretsCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum SecretsCommand {
    /// Save a secret in the keychain, replacing its value if it was set. The value is read from
    /// stdin (`printenv GITHUB_TOKEN | sluice secrets set github token`), or asked for without
    /// echo when stdin is a terminal.
    Set(SetArgs),
    /// List a connector's secrets and whether each is set.
    List(ListArgs),
    /// Remove a secret from the keychain.
    Delete(DeleteArgs),
}

#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// The connector's id.
    pub connector: String,
    /// The secret's name, as the connector config refers to it: `{"$secret": "NAME"}`.
    pub name: String,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The connector's id.
    pub connector: String,
    /// The connector's JSON config: every `{"$secret": "NAME"}` in it is listed, set or not.
    /// Needed on macOS and Windows, whose keychains can't be searched; on Linux the secrets the
    /// keychain holds for the connector are listed as well.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// The connector's id.
    pub connector: String,
    /// The secret's name.
    pub name: String,
}

pub fn run(args: &SecretsArgs) -> anyhow::Result<()> {
    let store = SecretStore::new();
    match &args.command {
        SecretsCommand::Set(args) => set(&store, args),
        SecretsCommand::List(args) => list(&store, args),
        SecretsCommand::Delete(args) => delete(&store, args),
    }
}

fn set(store: &SecretStore, args: &SetArgs) -> anyhow::Result<()> {
    let SetArgs { connector, name } = args;
    let value = read_secret_value(&format!(
        "Value of secret `{name}` for connector `{connector}` (input hidden): "
    ))?;
    store.set(connector, name, &value)?;
    println!("Saved secret `{name}` of connector `{connector}` in the keychain.");
    for var in [scoped_env_var_name(connector, name), env_var_name(name)] {
        if std::env::var_os(&var).is_some_and(|v| !v.is_empty()) {
            println!(
                "Note: {var} is set here and overrides the keychain for runs started from here."
            );
            break;
        }
    }
    Ok(())
}

fn list(store: &SecretStore, args: &ListArgs) -> anyhow::Result<()> {
    let connector = &args.connector;
    let mut names = BTreeSet::new();
    if let Some(path) = &args.config {
        names.extend(secret_names_in_config_file(path)?);
    }
    match store.names(connector) {
        Ok(found) => names.extend(found),
        // The config's names are all this keychain can tell us about.
        Err(Error::ListUnsupported { .. }) if args.config.is_some() => {}
        Err(err @ Error::ListUnsupported { .. }) => {
            return Err(err).context("pass the config with --config FILE");
        }
        Err(err) => return Err(err.into()),
    }
    if names.is_empty() {
        println!("Connector `{connector}` has no secrets in the keychain.");
        if args.config.is_none() {
            println!("Pass --config FILE to list the secrets its config refers to.");
        }
        return Ok(());
    }
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    println!("Secrets of connector `{connector}`:");
    for name in &names {
        let in_keychain = store.is_set(connector, name)?;
        let var = env_var_name(name);
        let overridden = std::env::var_os(&var).is_some_and(|v| !v.is_empty());
        let state = match (in_keychain, overridden) {
            (true, false) => "set".to_owned(),
            (false, false) => "not set".to_owned(),
            (true, true) => format!("set; {var} overrides it here"),
            (false, true) => format!("not set in the keychain; {var} provides it here"),
        };
        println!("  {name:<width$}  {state}");
    }
    Ok(())
}

fn delete(store: &SecretStore, args: &DeleteArgs) -> anyhow::Result<()> {
    let DeleteArgs { connector, name } = args;
    if store.delete(connector, name)? {
        println!("Deleted secret `{name}` of connector `{connector}` from the keychain.");
    } else {
        println!("Secret `{name}` of connector `{connector}` was not set; nothing to delete.");
    }
    Ok(())
}

fn secret_names_in_config_file(path: &Path) -> anyhow::Result<BTreeSet<String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("couldn't read the config {}", path.display()))?;
    let config: Value = serde_json::from_str(&text)
        .with_context(|| format!("the config {} is not valid JSON", path.display()))?;
    Ok(sluice_secrets::secret_references(&config))
}
