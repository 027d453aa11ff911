//! Schema preview: the tables, columns and types a sync would create from sample records, with
//! a small profile of each column, and what that adds to an existing DuckDB file. Nothing is
//! written.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sluice_config::ConnectorConfig;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::normalize::Normalizer;
use crate::plan::table_plan;
use crate::schema::{type_name, Schema, SchemaDifference};
use crate::value::Cell;

const SAMPLES: usize = 3;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export, export_to = "load/")]
pub struct SchemaPreview {
    pub tables: Vec<TablePreview>,
    /// Against the existing file; everything is new when there is none.
    pub difference: SchemaDifference,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export, export_to = "load/")]
pub struct TablePreview {
    pub name: String,
    pub parent: Option<String>,
    pub resource: String,
    /// Rows the sample records made.
    #[ts(type = "number")]
    pub rows: u64,
    /// Whether the existing file already has this table.
    pub exists: bool,
    pub columns: Vec<ColumnPreview>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export, export_to = "load/")]
pub struct ColumnPreview {
    pub name: String,
    /// dlt's type name (`text`, `bigint`, ...).
    pub data_type: String,
    pub duckdb_type: String,
    pub nullable: bool,
    pub variant: bool,
    pub primary_key: bool,
    /// Whether the existing file lacks this column.
    pub is_new: bool,
    #[ts(type = "unknown[]")]
    pub samples: Vec<Value>,
    /// Share of sample rows with no value, 0 to 1.
    pub null_share: f64,
    #[ts(type = "number")]
    pub distinct: u64,
    #[ts(type = "unknown")]
    pub min: Option<Value>,
    #[ts(type = "unknown")]
    pub max: Option<Value>,
}

/// Previews the tables that `records` (per resource) would make in a dataset that holds
/// `existing`.
pub fn preview_schema(
    config: &ConnectorConfig,
    records: &[(String, Vec<Value>)],
    existing: &Schema,
) -> Result<SchemaPreview> {
    let resources = config.resolved_resources();
    let mut tables = Vec::new();
    let mut made = Schema::default();
    for (name, records) in records {
        let resource = resources
            .iter()
            .find(|r| &r.name == name)
            .ok_or_else(|| Error::UnknownResource(name.clone()))?;
        let plan = table_plan(config, resource)?;
        let mut normalizer = Normalizer::new(plan, "preview", existing);
        normalizer.normalize(records)?;
        let rows = normalizer.take_rows();
        let schema = normalizer.schema();
        for table in schema.tables.values() {
            let table_rows = rows
                .tables
                .get(&table.name)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let old = existing.tables.get(&table.name);
            let columns = table
                .columns
                .values()
                .enumerate()
                .map(|(index, column)| {
                    let profile = profile(table_rows, index);
                    ColumnPreview {
                        name: column.name.clone(),
                        data_type: type_name(column.data_type).to_owned(),
                        duckdb_type: column.duckdb_type(),
                        nullable: column.nullable,
                        variant: column.variant,
                        primary_key: column.primary_key,
                        is_new: old.is_none_or(|t| !t.columns.contains_key(&column.name)),
                        samples: profile.samples,
                        null_share: profile.null_share,
                        distinct: profile.distinct,
                        min: profile.min,
                        max: profile.max,
                    }
                })
                .collect();
            tables.push(TablePreview {
                name: table.name.clone(),
                parent: table.parent.clone(),
                resource: name.clone(),
                rows: table_rows.len() as u64,
                exists: old.is_some(),
                columns,
            });
            made.tables.insert(table.name.clone(), table.clone());
        }
    }
    Ok(SchemaPreview {
        tables,
        difference: made.difference(existing),
    })
}

struct Profile {
    samples: Vec<Value>,
    null_share: f64,
    distinct: u64,
    min: Option<Value>,
    max: Option<Value>,
}

fn profile(rows: &[Vec<Cell>], index: usize) -> Profile {
    let mut samples = Vec::new();
    let mut nulls = 0usize;
    let mut seen = HashSet::new();
    let mut min: Option<&Cell> = None;
    let mut max: Option<&Cell> = None;
    for row in rows {
        let cell = row.get(index).unwrap_or(&Cell::Null);
        if *cell == Cell::Null {
            nulls += 1;
            continue;
        }
        let json = cell.to_json();
        if seen.insert(json.to_string()) && samples.len() < SAMPLES {
            samples.push(json);
        }
        if min.is_none_or(|m| less(cell, m)) {
            min = Some(cell);
        }
        if max.is_none_or(|m| less(m, cell)) {
            max = Some(cell);
        }
    }
    Profile {
        samples,
        null_share: if rows.is_empty() {
            0.0
        } else {
            nulls as f64 / rows.len() as f64
        },
        distinct: seen.len() as u64,
        min: min.map(Cell::to_json),
        max: max.map(Cell::to_json),
    }
}

fn less(a: &Cell, b: &Cell) -> bool {
    match (a, b) {
        (Cell::Bigint(a), Cell::Bigint(b)) => a < b,
        (Cell::Double(a), Cell::Double(b)) => a < b,
        (Cell::Timestamp(a), Cell::Timestamp(b)) | (Cell::Time(a), Cell::Time(b)) => a < b,
        (Cell::Date(a), Cell::Date(b)) => a < b,
        (Cell::Bool(a), Cell::Bool(b)) => a < b,
        (Cell::Text(a), Cell::Text(b)) => a < b,
        _ => false,
    }
}
