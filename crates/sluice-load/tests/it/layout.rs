//! The tables a sync makes: dlt's names, column order, types and system tables.

use serde_json::json;
use sluice_load::SyncOptions;

use crate::common::{columns, count, db, demo, open, sync, sync_ok, tables};

fn events(base_url: &str, extra: serde_json::Value) -> serde_json::Value {
    let mut resource = json!({
        "name": "events",
        "endpoint": {"path": "paging/offset", "params": {"limit": 100},
                     "paginator": {"type": "offset", "limit": 100, "total_path": "total"},
                     "data_selector": "data"}
    });
    if let (Some(r), Some(extra)) = (resource.as_object_mut(), extra.as_object()) {
        r.extend(extra.clone());
    }
    json!({
        "client": {"base_url": base_url},
        "resources": [resource],
        "sluice": {"name": "Events", "pipeline": {"pipeline_name": "bench"}}
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn events_load_into_dlt_shaped_tables() {
    let server = demo(300, "").await;
    let db = db();
    let summary = sync_ok(&events(server.base_url(), json!({})), &db.path).await;
    assert_eq!(summary.dataset, "bench_dataset");
    assert_eq!(summary.resources[0].records, 300);
    assert_eq!(summary.resources[0].tables["events"], 300);

    let conn = open(&db.path);
    assert_eq!(
        tables(&conn, "bench_dataset"),
        [
            "_dlt_loads",
            "_dlt_pipeline_state",
            "_dlt_version",
            "events",
            "events__tags",
            "events__touchpoints"
        ]
    );
    let events = columns(&conn, "bench_dataset", "events");
    let names: Vec<&str> = events.iter().map(|c| c.0.as_str()).collect();
    // The order dlt gives the same records (checked against dlt 1.31 by the parity test).
    assert_eq!(
        names,
        [
            "id",
            "customer_id",
            "event_type",
            "occurred_at",
            "revenue",
            "is_converted",
            "score",
            "some_fieldx",
            "aodata_id",
            "coupon",
            "campaign__id",
            "campaign__name",
            "campaign__channel",
            "campaign__budget__amount",
            "campaign__budget__currency",
            "_dlt_load_id",
            "_dlt_id",
            "score__v_text"
        ]
    );
    let typed = |name: &str| events.iter().find(|c| c.0 == name).expect(name).clone();
    assert_eq!(typed("id"), ("id".into(), "BIGINT".into(), true));
    assert_eq!(typed("occurred_at").1, "TIMESTAMP WITH TIME ZONE");
    assert_eq!(typed("revenue").1, "DOUBLE");
    assert_eq!(typed("is_converted").1, "BOOLEAN");
    assert_eq!(
        typed("_dlt_id"),
        ("_dlt_id".into(), "VARCHAR".into(), false)
    );
    // The second half of the records has `score` as text: a variant column took them.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM bench_dataset.events WHERE score__v_text IS NOT NULL"
        ),
        150
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM bench_dataset.events WHERE score IS NOT NULL"
        ),
        150
    );
    // Every touchpoint hangs from an event.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM bench_dataset.events__touchpoints t \
             LEFT JOIN bench_dataset.events e ON t._dlt_parent_id = e._dlt_id WHERE e._dlt_id IS NULL"
        ),
        0
    );
    assert_eq!(
        columns(&conn, "bench_dataset", "events__tags"),
        [
            ("value".into(), "VARCHAR".into(), true),
            ("_dlt_parent_id".into(), "VARCHAR".into(), false),
            ("_dlt_list_idx".into(), "BIGINT".into(), false),
            ("_dlt_id".into(), "VARCHAR".into(), false),
        ]
    );
    // Timestamps are UTC instants.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM bench_dataset.events WHERE id = 1 \
             AND occurred_at = TIMESTAMPTZ '2024-01-01 00:00:00+00'"
        ),
        1
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM bench_dataset._dlt_loads WHERE status = 0"
        ),
        1
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM bench_dataset._dlt_version"),
        1
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM bench_dataset._dlt_pipeline_state"
        ),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn appending_twice_keeps_both_loads_and_replace_keeps_one() {
    let server = demo(120, "").await;
    let db = db();
    let config = events(server.base_url(), json!({}));
    sync_ok(&config, &db.path).await;
    sync_ok(&config, &db.path).await;
    let conn = open(&db.path);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM bench_dataset.events"),
        240
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(DISTINCT _dlt_load_id) FROM bench_dataset.events"
        ),
        2
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM bench_dataset._dlt_loads"),
        2
    );
    // The schema did not change, so there is still one version.
    assert_eq!(
        count(&conn, "SELECT count(*) FROM bench_dataset._dlt_version"),
        1
    );
    drop(conn);

    let replace = events(server.base_url(), json!({"write_disposition": "replace"}));
    sync_ok(&replace, &db.path).await;
    let conn = open(&db.path);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM bench_dataset.events"),
        120
    );
    let tags = count(&conn, "SELECT count(*) FROM bench_dataset.events__tags");
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM bench_dataset.events__tags t JOIN bench_dataset.events e \
             ON t._dlt_parent_id = e._dlt_id"
        ),
        tags,
        "replace empties the child tables too"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_resource_leaves_the_previous_data_intact() {
    let server = demo(500, "").await;
    let db = db();
    sync_ok(&events(server.base_url(), json!({})), &db.path).await;
    drop(server);

    // The same connector against an API that answers invalid JSON on every attempt.
    let broken = demo(500, "malformed=1,max-per-request=1000").await;
    let summary = sync(
        &events(broken.base_url(), json!({})),
        &db.path,
        SyncOptions::default(),
    )
    .await;
    assert!(summary.resources[0].error.is_some(), "{summary:?}");
    let conn = open(&db.path);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM bench_dataset.events"),
        500
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM bench_dataset._dlt_loads"),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn full_refresh_drops_the_tables_first() {
    let server = demo(50, "").await;
    let db = db();
    let config = events(server.base_url(), json!({}));
    sync_ok(&config, &db.path).await;
    sync_ok(&config, &db.path).await;
    let options = SyncOptions {
        full_refresh: true,
        ..SyncOptions::default()
    };
    sync(&config, &db.path, options).await;
    let conn = open(&db.path);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM bench_dataset.events"),
        50
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn column_hints_and_nesting_limits_shape_the_tables() {
    let server = demo(20, "").await;
    let db = db();
    let config = events(
        server.base_url(),
        json!({"max_table_nesting": 0, "primary_key": "id",
               "columns": {"occurredAt": {"data_type": "text"}}}),
    );
    sync_ok(&config, &db.path).await;
    let conn = open(&db.path);
    assert_eq!(tables(&conn, "bench_dataset").len(), 4, "no child tables");
    let events = columns(&conn, "bench_dataset", "events");
    assert_eq!(events[0], ("occurred_at".into(), "VARCHAR".into(), true));
    assert!(events.contains(&("id".into(), "BIGINT".into(), false)));
    assert!(events.contains(&("tags".into(), "JSON".into(), true)));
    assert!(events.contains(&("campaign".into(), "JSON".into(), true)));
}

#[tokio::test(flavor = "multi_thread")]
async fn replace_and_full_refresh_leave_another_resources_table_that_starts_with_the_same_name() {
    let server = demo(120, "").await;
    let db = db();
    let mut config = events(server.base_url(), json!({"write_disposition": "replace"}));
    // A second resource whose table is called `events__archive`: a name like a child of
    // `events`, but a table of its own, with no `_dlt_parent_id`.
    let archive = json!({
        "name": "archive",
        "table_name": "events__archive",
        "endpoint": {"path": "paging/offset", "params": {"limit": 100},
                     "paginator": {"type": "offset", "limit": 100, "total_path": "total"},
                     "data_selector": "data"}
    });
    config["resources"]
        .as_array_mut()
        .expect("resources")
        .push(archive);
    sync_ok(&config, &db.path).await;
    let archived = |db: &std::path::Path| {
        count(
            &open(db),
            "SELECT count(*) FROM bench_dataset.events__archive",
        )
    };
    assert_eq!(archived(&db.path), 120);

    let only_events = |full_refresh| SyncOptions {
        resources: vec!["events".into()],
        full_refresh,
        ..SyncOptions::default()
    };
    sync(&config, &db.path, only_events(false)).await;
    assert_eq!(
        archived(&db.path),
        120,
        "a replace of events left the archive"
    );
    sync(&config, &db.path, only_events(true)).await;
    assert_eq!(
        archived(&db.path),
        120,
        "a full refresh of events left the archive"
    );
    assert_eq!(
        count(&open(&db.path), "SELECT count(*) FROM bench_dataset.events"),
        120
    );
}
