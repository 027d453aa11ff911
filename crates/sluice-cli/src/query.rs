//! `sluice query FILE SQL`: the Data tab's SQL box from a terminal, through the same guarded
//! `sluice_load::Viewer::query` (one statement, a query by DuckDB's own parser, no other file
//! or the network reachable), so a script can read what a sync loaded.

use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;
use sluice_load::{Viewer, Window};

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The DuckDB file, e.g. support.duckdb.
    pub file: PathBuf,
    /// One SQL query; table names without a schema mean the dataset's.
    pub sql: String,
    /// The dataset table names refer to; by default the file's only one.
    #[arg(long)]
    pub dataset: Option<String>,
    /// Most rows to print.
    #[arg(long, default_value_t = 1000)]
    pub limit: u32,
    /// Print the rows as a JSON array of objects instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn query(args: &QueryArgs) -> anyhow::Result<()> {
    let dataset = match &args.dataset {
        Some(dataset) => dataset.clone(),
        None => {
            let viewer = Viewer::open(&args.file, "").map_err(plain)?;
            match viewer.datasets().map_err(plain)?.as_slice() {
                [only] => only.clone(),
                [] => String::new(),
                several => bail!(
                    "{} holds the datasets {}; name one with --dataset",
                    args.file.display(),
                    several.join(", ")
                ),
            }
        }
    };
    let mut viewer = Viewer::open(&args.file, &dataset).map_err(plain)?;
    let window = viewer
        .query(&args.sql, args.limit)
        .map_err(plain)
        .context("the query cannot run")?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&as_objects(&window))?);
    } else {
        print!("{}", as_table(&window));
        if window.more {
            eprintln!(
                "more rows not shown; raise --limit (now {}) to see them",
                args.limit
            );
        }
    }
    Ok(())
}

/// The error with what to do about it, as the app shows it.
fn plain(error: sluice_load::Error) -> anyhow::Error {
    match error.next_step() {
        Some(step) => anyhow::anyhow!("{error}\n{step}"),
        None => anyhow::anyhow!("{error}"),
    }
}

fn as_objects(window: &Window) -> Vec<serde_json::Map<String, serde_json::Value>> {
    window
        .rows
        .iter()
        .map(|row| {
            window
                .columns
                .iter()
                .zip(row)
                .map(|(column, cell)| {
                    let value = cell
                        .as_ref()
                        .map_or(serde_json::Value::Null, |text| text.clone().into());
                    (column.name.clone(), value)
                })
                .collect()
        })
        .collect()
}

/// Columns padded to their widest value, NULL spelled out.
fn as_table(window: &Window) -> String {
    let cells: Vec<Vec<&str>> = window
        .rows
        .iter()
        .map(|row| row.iter().map(|c| c.as_deref().unwrap_or("NULL")).collect())
        .collect();
    let widths: Vec<usize> = window
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            cells
                .iter()
                .map(|row| row[i].chars().count())
                .chain([column.name.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |values: Vec<&str>| {
        let padded: Vec<String> = values
            .iter()
            .zip(&widths)
            .map(|(value, width)| format!("{value:<width$}"))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(window.columns.iter().map(|c| c.name.as_str()).collect());
    for row in cells {
        out.push_str(&line(row));
    }
    out
}
