//! `sluice preview`: fetch the first pages of each resource and show the records, the requests
//! made (redacted) and why paging stopped, without loading anything.

use std::collections::HashMap;

use anyhow::{bail, Context};
use serde_json::{json, Value};
use sluice_engine::{Engine, EngineOptions, Preview, StoreSecrets};
use sluice_secrets::{Redactor, SecretStore, SecretValue};

/// The connector file and the keychain scope of its secrets: what `preview`, `schema` and `sync`
/// all start from.
#[derive(Debug, clap::Args)]
pub struct ConnectorArgs {
    #[command(flatten)]
    pub input: crate::config_cmds::ConnectorFile,
    /// The keychain scope holding the connector's secrets (the app uses `connector-<id>`);
    /// default: the connector's name. `SLUICE_SECRET_<NAME>` variables win over the keychain.
    #[arg(long)]
    pub connector: Option<String>,
}

impl ConnectorArgs {
    /// Reads the connector and finds its secrets: values written in the file first (with a note
    /// that they belong in the keychain), then the keychain.
    pub fn load(
        &self,
    ) -> anyhow::Result<(
        sluice_config::ConnectorConfig,
        impl sluice_engine::SecretResolver + 'static,
    )> {
        let imported = crate::config_cmds::read(&self.input)?;
        let secrets = connector_secrets(
            &self.input.file,
            imported.found_secrets,
            self.connector.as_deref(),
            &imported.config,
        );
        Ok((imported.config, secrets))
    }
}

#[derive(Debug, clap::Args)]
pub struct PreviewArgs {
    #[command(flatten)]
    pub connector: ConnectorArgs,
    /// Preview only this resource (repeat for several); default: every resource.
    #[arg(long = "resource", value_name = "NAME")]
    pub resources: Vec<String>,
    /// Pages to fetch per resource.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    pub pages: u32,
    /// Records to keep per resource (the page that reaches it is cut).
    #[arg(long)]
    pub records: Option<usize>,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

pub async fn preview(args: PreviewArgs) -> anyhow::Result<()> {
    let (config, secrets) = args.connector.load()?;

    let names: Vec<String> = if args.resources.is_empty() {
        config
            .resolved_resources()
            .into_iter()
            .map(|r| r.name)
            .collect()
    } else {
        args.resources.clone()
    };
    if names.is_empty() {
        bail!(
            "{} has no resources to preview",
            args.connector.input.file.display()
        );
    }

    let options = EngineOptions {
        preview: Some(Preview {
            max_pages: Some(args.pages as usize),
            max_records: args.records,
            ..Preview::default()
        }),
        ..EngineOptions::default()
    };
    let engine = Engine::new(config, secrets, Redactor::new(), options)
        .context("the connector cannot run")?;

    let mut report = Vec::new();
    for name in &names {
        let found = sluice_engine::preview_resource(&engine, name).await;
        let requests: Vec<Value> = found
            .requests
            .iter()
            .map(|exchange| {
                json!({
                    "method": exchange.method,
                    "url": exchange.url,
                    "status": exchange.status,
                    "request_headers": exchange.request_headers,
                    "response_headers": exchange.response_headers,
                    "response_body": exchange.response_body,
                })
            })
            .collect();
        let notes: Vec<String> = found
            .detected
            .iter()
            .map(|d| d.reason.clone())
            .chain(found.notes.iter().cloned())
            .collect();
        if !args.json {
            print_text(
                name,
                &found.records,
                &requests,
                &notes,
                found.stop_reason.as_deref(),
                found.error.as_deref(),
            );
        }
        report.push(json!({
            "resource": name,
            "records": found.records,
            "requests": requests,
            "notes": notes,
            "detected": found.detected,
            "stop_reason": found.stop_reason,
            "next_step": found.next_step,
            "sample_limit_reached": found.sample_limit_reached,
            "error": found.error,
        }));
    }

    let failures: Vec<String> = report
        .iter()
        .filter_map(|r| {
            let error = r["error"].as_str()?;
            let step = r["next_step"]
                .as_str()
                .map(|s| format!(" {s}"))
                .unwrap_or_default();
            Some(format!(
                "  {}: {error}.{step}",
                r["resource"].as_str().unwrap_or("?")
            ))
        })
        .collect();
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "resources": report }))?
        );
    }
    if !failures.is_empty() {
        bail!(
            "{} of {} resource(s) failed:\n{}",
            failures.len(),
            report.len(),
            failures.join("\n")
        );
    }
    Ok(())
}

fn print_text(
    name: &str,
    records: &[Value],
    requests: &[Value],
    notes: &[String],
    stop_reason: Option<&str>,
    error: Option<&str>,
) {
    println!("== {name}");
    for request in requests {
        println!(
            "  {} {} -> {}",
            request["method"].as_str().unwrap_or("GET"),
            request["url"].as_str().unwrap_or(""),
            request["status"]
                .as_u64()
                .map_or_else(|| "no answer".to_owned(), |s| s.to_string())
        );
    }
    for note in notes {
        println!("  {note}");
    }
    match (stop_reason, error) {
        (_, Some(error)) => println!("  failed: {error}"),
        (Some(reason), None) => println!("  {reason}"),
        (None, None) => {}
    }
    println!("  {} record(s)", records.len());
    for record in records.iter().take(3) {
        println!("  {record}");
    }
    if records.len() > 3 {
        println!("  ...");
    }
    println!();
}

/// The secrets a command run from a file uses: values written in the file itself (a dlt snippet
/// with a literal token) first, then `SLUICE_SECRET_<NAME>` variables and the keychain under
/// `scope` (default: the connector's name).
fn connector_secrets(
    file: &std::path::Path,
    found: Vec<sluice_config::FoundSecret>,
    scope: Option<&str>,
    config: &sluice_config::ConnectorConfig,
) -> impl sluice_engine::SecretResolver + 'static {
    let scope = scope
        .map(str::to_owned)
        .or_else(|| config.sluice.name.clone())
        .unwrap_or_else(|| "rest_api".to_owned());
    let in_file: HashMap<String, String> = found.into_iter().map(|s| (s.name, s.value)).collect();
    if !in_file.is_empty() {
        eprintln!(
            "note: {} holds {} secret value(s); store them with `sluice secrets set {scope} NAME` and import the file with `sluice import`",
            file.display(),
            in_file.len()
        );
    }
    let keychain = StoreSecrets {
        store: SecretStore::new(),
        connector: scope,
    };
    move |name: &str| match in_file.get(name) {
        Some(value) => Ok(SecretValue::from(value.as_str())),
        None => sluice_engine::SecretResolver::resolve(&keychain, name),
    }
}
