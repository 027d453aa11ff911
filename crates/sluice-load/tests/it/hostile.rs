//! A sync against a hostile API ends the resource with a plain error and the DuckDB file keeps
//! what it had: the gzip bomb, the endless body, endless and circling pagination.

use serde_json::{json, Value};
use sluice_load::SyncOptions;

use crate::common::{count, db, demo, open, sync, sync_ok};

fn events(base_url: &str, path: &str, paginator: Value) -> Value {
    json!({
        "client": {"base_url": base_url},
        "resources": [{
            "name": "events",
            "endpoint": {"path": path, "paginator": paginator, "data_selector": "data"}
        }],
        "sluice": {"name": "Events", "pipeline": {"pipeline_name": "bench"},
                   "retry": {"max_response_megabytes": 8, "max_pages": 200,
                             "backoff_factor": 0.01, "request_timeout_seconds": 20}}
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn every_hostile_answer_ends_the_resource_and_keeps_the_previous_rows() {
    let server = demo(300, "").await;
    let db = db();
    let offset = json!({"type": "offset", "limit": 100, "total_path": "total"});
    sync_ok(
        &events(server.base_url(), "paging/offset", offset),
        &db.path,
    )
    .await;
    let cursor = json!({"type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor"});
    for (path, paginator, says) in [
        (
            "hostile/gzip_bomb",
            json!({"type": "single_page"}),
            "larger than 8 MB",
        ),
        (
            "hostile/endless",
            json!({"type": "single_page"}),
            "larger than 8 MB",
        ),
        (
            "hostile/fresh_cursors",
            cursor.clone(),
            "limit of 200 pages",
        ),
        (
            "hostile/same_cursor",
            cursor.clone(),
            "going round in circles",
        ),
    ] {
        let summary = sync(
            &events(server.base_url(), path, paginator),
            &db.path,
            SyncOptions::default(),
        )
        .await;
        let resource = &summary.resources[0];
        assert_eq!(resource.resource, "events");
        let error = resource
            .error
            .as_deref()
            .unwrap_or_else(|| panic!("{path}: no error"));
        assert!(error.contains(says), "{path}: {error}");
        let conn = open(&db.path);
        assert_eq!(
            count(&conn, "SELECT count(*) FROM bench_dataset.events"),
            300,
            "{path}"
        );
        assert_eq!(
            count(&conn, "SELECT count(*) FROM bench_dataset._dlt_loads"),
            1,
            "{path}"
        );
    }
}
