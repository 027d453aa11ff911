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

/// An offset endpoint that answers `"total": 250`, with or without its paginator.
fn events_connector(base_url: &str, paginator: Option<Value>) -> Value {
    let mut endpoint = json!({"path": "paging/offset", "data_selector": "data"});
    if let Some(paginator) = paginator {
        endpoint["paginator"] = paginator;
    }
    json!({
        "client": {"base_url": base_url},
        "resources": [{"name": "events", "endpoint": endpoint}],
        "sluice": {"name": "events", "pipeline": {"pipeline_name": "events"}}
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_warns_when_paging_stops_before_what_the_api_counted() {
    let server = DemoServer::start(DemoOptions {
        records: 250,
        ..DemoOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sync = |name: &str, connector: Value, json: bool| {
        let file = dir.path().join(format!("{name}.json"));
        std::fs::write(&file, connector.to_string()).unwrap();
        let db = dir.path().join(format!("{name}.duckdb"));
        let mut args = vec![
            "sync".to_owned(),
            file.to_str().unwrap().to_owned(),
            "--db".to_owned(),
            db.to_str().unwrap().to_owned(),
        ];
        if json {
            args.push("--json".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = sluice(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let warning = "the API said 250 records (`total`), but 100 records were read in 1 page: \
                   check the resource's paginator (a test of the resource suggests one)";

    // No paginator: dlt's detection reads one page, and the summary says what was left.
    let text = sync("text", events_connector(server.base_url(), None), false);
    assert!(
        text.contains(&format!("\n    warning: {warning}\n")),
        "{text}"
    );
    let summary: Value = serde_json::from_str(&sync(
        "json",
        events_connector(server.base_url(), None),
        true,
    ))
    .unwrap();
    assert_eq!(summary["resources"][0]["records"], 100);
    assert_eq!(summary["resources"][0]["warning"], warning);

    // The paginator the Test tab suggests reads everything, and nothing is flagged.
    let offset = json!({"type": "offset", "limit": 100, "total_path": "total"});
    let text = sync(
        "offset",
        events_connector(server.base_url(), Some(offset.clone())),
        false,
    );
    assert!(!text.contains("warning"), "{text}");
    let summary: Value = serde_json::from_str(&sync(
        "offset-json",
        events_connector(server.base_url(), Some(offset)),
        true,
    ))
    .unwrap();
    assert_eq!(summary["resources"][0]["records"], 250);
    assert!(
        summary["resources"][0].get("warning").is_none(),
        "{summary}"
    );
}
