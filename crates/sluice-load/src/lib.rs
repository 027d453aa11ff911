//! Normalize and load: records become the tables dlt would make (spec §7 of
//! `../shared/spec/dlt-rest-api.md`) in a local DuckDB file, one transaction per resource.
//!
//! ```no_run
//! # async fn run(engine: sluice_engine::Engine) -> sluice_load::Result<()> {
//! use sluice_load::{sync, SyncOptions};
//! let options = SyncOptions { db_path: Some("shop.duckdb".into()), ..SyncOptions::default() };
//! let summary = sync(&engine, &options, |event| eprintln!("{event:?}")).await?;
//! for resource in &summary.resources {
//!     println!("{}: {:?}", resource.resource, resource.tables);
//! }
//! # Ok(()) }
//! ```
//!
//! No Tauri here: the CLI, the app and the tests drive the same functions.

mod batch;
pub mod browse;
mod duck;
mod error;
pub mod export_file;
pub mod naming;
mod normalize;
mod ordering;
mod plan;
mod preview;
mod schema;
pub mod state;
mod sync;
pub mod value;

use base64::Engine as _;
use serde_json::{json, Map, Value};
use sha3::Digest as _;

pub use browse::{
    ExportFormat, ExportSource, Filter, FilterOp, GridColumn, Interrupter, NestedCounts, Sort,
    TableSummary, Viewer, Window, WindowQuery,
};
pub use duck::{duckdb_version, Destination, LoadRecord, ResourceLoad};
pub use error::{Error, Result};
pub use normalize::{Normalizer, Rows, TablePlan, DEFAULT_MAX_NESTING};
pub use plan::{dataset_name, source_name, table_plan, DEFAULT_SOURCE_NAME};
pub use preview::{preview_schema, ColumnPreview, SchemaPreview, TablePreview};
pub use schema::{
    quote, type_name, Column, ColumnChange, Disposition, Schema, SchemaDifference, Table,
};
pub use sync::{
    chosen_resources, new_load_id, sync, EngineEvent, ResourceSummary, SyncEvent, SyncOptions,
    SyncSummary, CANCELLED,
};

/// base64 of the SHA3-256 of `bytes`, the shape of dlt's version hashes.
pub(crate) fn digest_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(sha3::Sha3_256::digest(bytes))
}

/// A random row id in dlt's shape (10 bytes, base64 without padding).
pub(crate) fn random_id() -> String {
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(rand::random::<[u8; 10]>())
}

/// The schema stored in `_dlt_version`, in dlt's layout (tables with typed columns), so the
/// file reads like one dlt wrote.
pub(crate) fn schema_json(name: &str, schema: &Schema) -> Value {
    let mut tables = Map::new();
    for table in schema.tables.values() {
        let mut columns = Map::new();
        for column in table.columns.values() {
            let mut entry = json!({
                "name": column.name,
                "data_type": type_name(column.data_type),
                "nullable": column.nullable,
            });
            if column.variant {
                entry["variant"] = json!(true);
            }
            if column.primary_key {
                entry["primary_key"] = json!(true);
            }
            columns.insert(column.name.clone(), entry);
        }
        let mut entry = json!({"name": table.name, "columns": columns});
        if let Some(parent) = &table.parent {
            entry["parent"] = json!(parent);
        }
        tables.insert(table.name.clone(), entry);
    }
    json!({
        "version": 1,
        "engine_version": duck::SCHEMA_ENGINE_VERSION,
        "name": name,
        "tables": tables,
        "settings": {},
        "normalizers": {"names": "snake_case", "json": {"module": "dlt.common.normalizers.json.relational"}},
        "previous_hashes": [],
    })
}
