//! `sluice sync` and `sluice schema`: load a connector into DuckDB, or show the tables a load
//! would make and what they add to an existing file.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde_json::json;
use sluice_engine::{Engine, EngineOptions, Preview};
use sluice_load::{Destination, Schema, SyncEvent, SyncOptions};
use sluice_secrets::Redactor;

use crate::preview::ConnectorArgs;

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub connector: ConnectorArgs,
    /// The DuckDB file; default: the connector's (`<pipeline_name>.duckdb`).
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// The dataset (DuckDB schema) to load into; default: `<pipeline_name>_dataset`.
    #[arg(long)]
    pub dataset: Option<String>,
    /// Sync only this resource (repeat for several); default: every selected resource.
    #[arg(long = "resource", value_name = "NAME")]
    pub resources: Vec<String>,
    /// Drop the resources' tables and incremental state, then load from scratch.
    #[arg(long)]
    pub full_refresh: bool,
    /// DuckDB's memory cap during the load, e.g. 512MB.
    #[arg(long, value_name = "SIZE")]
    pub memory_limit: Option<String>,
    /// Print one JSON summary (rows per table) instead of text.
    #[arg(long)]
    pub json: bool,
}

pub async fn sync(args: SyncArgs) -> anyhow::Result<()> {
    let (config, secrets) = args.connector.load()?;
    let engine = Engine::new(config, secrets, Redactor::new(), EngineOptions::default())
        .context("the connector cannot run")?;
    let options = SyncOptions {
        db_path: args.db.clone(),
        dataset: args.dataset.clone(),
        resources: args.resources.clone(),
        full_refresh: args.full_refresh,
        memory_limit: args.memory_limit.clone(),
        cancel: None,
    };
    let live = !args.json && std::io::stderr().is_terminal();
    let mut status = StatusLine::new(live);
    let summary = sluice_load::sync(&engine, &options, |event| status.show(&event))
        .await
        .map_err(|error| match error.next_step() {
            Some(step) => anyhow::anyhow!("{error}\n{step}"),
            None => anyhow::anyhow!("{error}"),
        })
        .context("the sync cannot start")?;
    status.clear();

    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!(
            "Loaded into {} (dataset {}) in {:.1} s, load id {}",
            summary.db_path, summary.dataset, summary.seconds, summary.load_id
        );
        for resource in &summary.resources {
            match &resource.error {
                None => {
                    println!(
                        "  {}: {} records in {} pages, {:.1} s ({})",
                        resource.resource,
                        resource.records,
                        resource.pages,
                        resource.seconds,
                        resource.stop_reason.as_deref().unwrap_or("done")
                    );
                    if let Some(warning) = &resource.warning {
                        println!("    warning: {warning}");
                    }
                    for (table, rows) in &resource.tables {
                        println!("    {table:<40} {rows:>12} rows");
                    }
                }
                Some(error) => println!(
                    "  {}: FAILED, nothing of it was loaded: {error}",
                    resource.resource
                ),
            }
        }
    }
    if summary.failed() {
        bail!("some resources failed; the data they had loaded before is intact");
    }
    Ok(())
}

/// One line on a terminal that shows the resource being loaded, rewritten in place.
struct StatusLine {
    live: bool,
    last: Instant,
    shown: bool,
}

impl StatusLine {
    fn new(live: bool) -> StatusLine {
        StatusLine {
            live,
            last: Instant::now() - Duration::from_secs(1),
            shown: false,
        }
    }

    fn show(&mut self, event: &SyncEvent) {
        if !self.live {
            return;
        }
        let line = match event {
            SyncEvent::Progress {
                resource,
                pages,
                records,
                rows,
                seconds,
            } => {
                // Ten updates a second are plenty for a person and cost nothing.
                if self.last.elapsed() < Duration::from_millis(100) {
                    return;
                }
                let rate = *records as f64 / seconds.max(0.001);
                format!(
                    "{resource}: {pages} pages, {records} records, {rows} rows, {seconds:.1} s ({rate:.0} records/s)"
                )
            }
            SyncEvent::ResourceStarted { resource } => format!("{resource}: starting"),
            // Kinds are lower-case; matching "Retry" here once hid every retry and wait.
            SyncEvent::Engine { event } if event.is_retry_or_wait() => event.message.clone(),
            _ => return,
        };
        self.last = Instant::now();
        self.shown = true;
        eprint!("\r\x1b[2K{line}");
    }

    fn clear(&mut self) {
        if self.shown {
            eprint!("\r\x1b[2K");
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    #[command(flatten)]
    pub connector: ConnectorArgs,
    /// A DuckDB file to compare with; default: the connector's, when it exists.
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// The dataset in that file; default: `<pipeline_name>_dataset`.
    #[arg(long)]
    pub dataset: Option<String>,
    /// Preview only this resource (repeat for several); default: every selected resource.
    #[arg(long = "resource", value_name = "NAME")]
    pub resources: Vec<String>,
    /// Pages to sample per resource.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    pub pages: u32,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

pub async fn schema(args: SchemaArgs) -> anyhow::Result<()> {
    let (config, secrets) = args.connector.load()?;
    let db = args
        .db
        .clone()
        .unwrap_or_else(|| PathBuf::from(config.effective_duckdb_file()));
    let dataset = sluice_load::dataset_name(&config, args.dataset.as_deref());
    let existing = if db.exists() {
        let (db, dataset) = (db.clone(), dataset.clone());
        tokio::task::spawn_blocking(move || Destination::open_read_only(&db, &dataset)?.schema())
            .await
            .context("reading the DuckDB file failed")??
    } else {
        Schema::default()
    };
    let options = EngineOptions {
        preview: Some(Preview {
            max_pages: Some(args.pages as usize),
            ..Preview::default()
        }),
        ..EngineOptions::default()
    };
    let engine = Engine::new(config.clone(), secrets, Redactor::new(), options)
        .context("the connector cannot run")?;
    let names = sluice_load::chosen_resources(&engine, &args.resources)?;
    let mut samples = Vec::new();
    for name in names {
        let (pages, _, outcome) = engine
            .extract(&name)
            .with_context(|| format!("resource `{name}` cannot run"))?
            .collect()
            .await;
        outcome.with_context(|| format!("resource `{name}` failed"))?;
        samples.push((name, pages.into_iter().flat_map(|p| p.records).collect()));
    }
    let preview = sluice_load::preview_schema(&config, &samples, &existing)?;
    if args.json {
        let out = json!({
            "db_path": db.display().to_string(),
            "db_exists": db.exists(),
            "dataset": dataset,
            "tables": preview.tables,
            "difference": preview.difference,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    for table in &preview.tables {
        let state = if table.exists { "" } else { "  (new table)" };
        println!(
            "{}{}  [{} sample rows]{state}",
            table.name,
            table
                .parent
                .as_ref()
                .map(|p| format!(" (child of {p})"))
                .unwrap_or_default(),
            table.rows
        );
        for column in &table.columns {
            let mut notes = Vec::new();
            if !column.nullable {
                notes.push("not null".to_owned());
            }
            if column.primary_key {
                notes.push("primary key".to_owned());
            }
            if column.variant {
                notes.push("variant".to_owned());
            }
            if table.exists && column.is_new {
                notes.push("NEW".to_owned());
            }
            println!(
                "  {:<36} {:<26} {}",
                column.name,
                column.duckdb_type,
                notes.join(", ")
            );
        }
    }
    if db.exists() {
        let d = &preview.difference;
        if d.is_empty() {
            println!("\n{} already holds every table and column.", db.display());
        } else {
            println!("\nChanges to {}:", db.display());
            for table in &d.new_tables {
                println!("  new table  {table}");
            }
            for c in &d.new_columns {
                println!("  new column {}.{}", c.table, c.column);
            }
            for c in &d.variant_columns {
                println!("  variant    {}.{}", c.table, c.column);
            }
        }
    }
    Ok(())
}
