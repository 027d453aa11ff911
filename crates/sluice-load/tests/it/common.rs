//! The harness: a demo server per test, a temp folder per test for the DuckDB file, secrets from
//! the demo's constants.

use std::path::{Path, PathBuf};

use duckdb::Connection;
use serde_json::Value;
use sluice_demo::{DemoOptions, DemoServer, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};
use sluice_engine::{Engine, EngineOptions};
use sluice_load::{SyncOptions, SyncSummary};
use sluice_secrets::{Redactor, SecretValue};

pub async fn demo(records: u64, faults: &str) -> DemoServer {
    DemoServer::start(DemoOptions {
        records,
        faults: faults.parse().expect("fault options"),
        ..DemoOptions::default()
    })
    .await
    .expect("demo server starts")
}

pub fn secret(name: &str) -> Result<SecretValue, String> {
    match name {
        "client_id" => Ok(SecretValue::new(DEMO_CLIENT_ID.to_owned())),
        "client_secret" => Ok(SecretValue::new(DEMO_CLIENT_SECRET.to_owned())),
        "token" => Ok(SecretValue::new(sluice_demo::DEMO_TOKEN.to_owned())),
        other => Err(format!("no secret named `{other}`")),
    }
}

pub struct Db {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn db() -> Db {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("test.duckdb");
    Db { _dir: dir, path }
}

pub async fn sync(config: &Value, db: &Path, options: SyncOptions) -> SyncSummary {
    let config = sluice_config::from_value(config).expect("valid connector");
    let engine =
        Engine::new(config, secret, Redactor::new(), EngineOptions::default()).expect("engine");
    let options = SyncOptions {
        db_path: Some(db.to_owned()),
        ..options
    };
    sluice_load::sync(&engine, &options, |_| {})
        .await
        .expect("sync starts")
}

pub async fn sync_ok(config: &Value, db: &Path) -> SyncSummary {
    let summary = sync(config, db, SyncOptions::default()).await;
    for resource in &summary.resources {
        assert_eq!(resource.error, None, "resource {}", resource.resource);
    }
    summary
}

pub fn open(path: &Path) -> Connection {
    Connection::open(path).expect("the DuckDB file opens")
}

pub fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |row| row.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// `(column, type, nullable)` of a table, in order.
pub fn columns(conn: &Connection, dataset: &str, table: &str) -> Vec<(String, String, bool)> {
    let mut statement = conn
        .prepare(
            "SELECT column_name, data_type, is_nullable = 'YES' FROM information_schema.columns \
             WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        )
        .expect("query");
    statement
        .query_map([dataset, table], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .expect("columns")
        .map(|r| r.expect("row"))
        .collect()
}

pub fn tables(conn: &Connection, dataset: &str) -> Vec<String> {
    let mut statement = conn
        .prepare(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1",
        )
        .expect("query");
    statement
        .query_map([dataset], |row| row.get(0))
        .expect("tables")
        .map(|r| r.expect("row"))
        .collect()
}

/// The demo's tickets with `write_disposition` and an incremental `updated_at` cursor the API
/// filters on (inclusive, so every run after the first fetches the boundary ticket again and
/// must drop it), into the pipeline `support`.
pub fn tickets(server: &DemoServer, write_disposition: Value) -> Value {
    serde_json::json!({
        "client": {"base_url": server.base_url(),
                   "auth": {"type": "oauth2", "token_url": server.token_url(),
                            "client_id": {"$secret": "client_id"},
                            "client_secret": {"$secret": "client_secret"}}},
        "resources": [{
            "name": "tickets",
            "primary_key": "id",
            "write_disposition": write_disposition,
            "endpoint": {
                "path": "v1/support/tickets",
                "paginator": {"type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor"},
                "params": {"limit": 100, "updated_since": "{incremental.start_value}"},
                "incremental": {"cursor_path": "updated_at", "initial_value": "2000-01-01T00:00:00Z"}
            }
        }],
        "sluice": {"pipeline": {"pipeline_name": "support"}}
    })
}
