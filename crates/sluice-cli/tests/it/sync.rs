//! `sluice sync` and `sluice schema` through the built binary.

use serde_json::{json, Value};
use sluice_demo::{DemoOptions, DemoServer};

use crate::sluice;

pub fn tickets_connector(base_url: &str) -> Value {
    json!({
        "client": {
            "base_url": base_url,
            "auth": {"type": "oauth2", "token_url": format!("{base_url}/oauth/token"),
                     "client_id": {"$secret": "client_id"},
                     "client_secret": {"$secret": "client_secret"}}
        },
        "resources": [{
            "name": "tickets",
            "primary_key": "id",
            "write_disposition": "merge",
            "endpoint": {
                "path": "v1/support/tickets",
                "paginator": {"type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor"},
                "params": {"limit": 100, "updated_since": "{incremental.start_value}"},
                "incremental": {"cursor_path": "updated_at", "initial_value": "2000-01-01T00:00:00Z"}
            }
        }],
        "sluice": {"name": "support", "pipeline": {"pipeline_name": "support"}}
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_prints_rows_per_table_as_json_and_schema_shows_the_difference() {
    let server = DemoServer::start(DemoOptions {
        records: 250,
        ..DemoOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("support.json");
    std::fs::write(&file, tickets_connector(server.base_url()).to_string()).unwrap();
    let db = dir.path().join("support.duckdb");
    let (file, db) = (
        file.to_str().unwrap().to_owned(),
        db.to_str().unwrap().to_owned(),
    );

    // Before any sync, the schema preview shows every table as new.
    let (f, d) = (file.clone(), db.clone());
    let out = tokio::task::spawn_blocking(move || {
        sluice(&["schema", &f, "--db", &d, "--json"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let preview: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(preview["db_exists"], false);
    let new_tables = preview["difference"]["new_tables"].as_array().unwrap();
    assert!(new_tables.contains(&json!("tickets")));
    assert!(new_tables.contains(&json!("tickets__custom_fields")));
    let id = preview["tables"][0]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "id")
        .unwrap()
        .clone();
    assert_eq!(id["duckdb_type"], "BIGINT");
    assert_eq!(id["nullable"], false, "a primary key is not null");

    let (f, d) = (file.clone(), db.clone());
    let out = tokio::task::spawn_blocking(move || {
        sluice(&["sync", &f, "--db", &d, "--json"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["dataset"], "support_dataset");
    assert_eq!(summary["resources"][0]["tables"]["tickets"], 250);
    assert_eq!(summary["resources"][0]["tables"]["tickets__tags"], 500);
    assert_eq!(summary["resources"][0]["error"], Value::Null);

    // After the sync, the same preview finds nothing new.
    let (f, d) = (file.clone(), db.clone());
    let out = tokio::task::spawn_blocking(move || {
        sluice(&["schema", &f, "--db", &d, "--json"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let preview: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(preview["db_exists"], true);
    assert_eq!(preview["difference"]["new_tables"], json!([]));
    assert_eq!(preview["difference"]["new_columns"], json!([]));

    // A resource that does not exist is named in the error.
    let (f, d) = (file.clone(), db.clone());
    let out = tokio::task::spawn_blocking(move || {
        sluice(&["sync", &f, "--db", &d, "--resource", "nope"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no resource named `nope`"));
}
