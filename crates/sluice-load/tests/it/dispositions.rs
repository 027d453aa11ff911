//! Merge and incremental across runs where the API changed records in between.

use serde_json::json;

use crate::common::{count, db, demo, open, sync_ok, tickets};

/// Every ticket as the API shows it now: (id, status, revision, updated_at).
async fn api_tickets(server: &sluice_demo::DemoServer) -> Vec<(i64, String, i64, String)> {
    let config = sluice_config::from_value(&tickets(server, json!("append"))).expect("config");
    let engine = sluice_engine::Engine::new(
        config,
        crate::common::secret,
        sluice_secrets::Redactor::new(),
        sluice_engine::EngineOptions::default(),
    )
    .expect("engine");
    let (pages, _, outcome) = engine.extract("tickets").expect("extract").collect().await;
    outcome.expect("extraction succeeds");
    let mut out: Vec<_> = pages
        .into_iter()
        .flat_map(|p| p.records)
        .map(|r| {
            (
                r["id"].as_i64().expect("id"),
                r["status"].as_str().expect("status").to_owned(),
                r["revision"].as_i64().expect("revision"),
                r["updated_at"].as_str().expect("updated_at").to_owned(),
            )
        })
        .collect();
    out.sort();
    out.dedup_by_key(|t| t.0);
    out
}

fn loaded_tickets(conn: &duckdb::Connection) -> Vec<(i64, String, i64)> {
    let mut statement = conn
        .prepare("SELECT id, status, revision FROM support_dataset.tickets ORDER BY id")
        .expect("query");
    statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn merge_with_incremental_ends_with_the_api_current_rows() {
    let server = demo(400, "").await;
    let db = db();
    let config = tickets(&server, json!({"disposition": "merge"}));

    let first = sync_ok(&config, &db.path).await;
    assert_eq!(first.resources[0].tables["tickets"], 400);
    server.advance();
    let second = sync_ok(&config, &db.path).await;
    // Only what changed since the cursor (plus the boundary record) comes again.
    assert!(
        second.resources[0].records < 60,
        "{:?}",
        second.resources[0]
    );
    server.advance();
    sync_ok(&config, &db.path).await;

    let expected: Vec<(i64, String, i64)> = api_tickets(&server)
        .await
        .into_iter()
        .map(|(id, status, revision, _)| (id, status, revision))
        .collect();
    let conn = open(&db.path);
    let loaded = loaded_tickets(&conn);
    assert_eq!(
        loaded.len(),
        expected.len(),
        "one row per ticket, no duplicates"
    );
    assert_eq!(loaded, expected);
    // Child rows: exactly the two tags and two custom fields of each current ticket.
    assert_eq!(
        count(&conn, "SELECT count(*) FROM support_dataset.tickets__tags"),
        2 * expected.len() as i64
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM support_dataset.tickets__custom_fields c \
             JOIN support_dataset.tickets t ON c._dlt_root_id = t._dlt_id"
        ),
        2 * expected.len() as i64
    );
    // The staging tables are emptied with the load that used them.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'support_dataset_staging'"
        ),
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn append_with_incremental_loads_each_change_once() {
    let server = demo(200, "").await;
    let db = db();
    let config = tickets(&server, json!("append"));
    sync_ok(&config, &db.path).await;
    let again = sync_ok(&config, &db.path).await;
    assert_eq!(
        again.resources[0]
            .tables
            .get("tickets")
            .copied()
            .unwrap_or(0),
        0,
        "nothing new"
    );
    server.advance();
    sync_ok(&config, &db.path).await;
    let conn = open(&db.path);
    let api = api_tickets(&server).await;
    // Every version of every ticket seen once: the originals plus each change.
    let distinct_versions = count(
        &conn,
        "SELECT count(*) FROM (SELECT DISTINCT id, revision FROM support_dataset.tickets)",
    );
    assert_eq!(
        distinct_versions,
        count(&conn, "SELECT count(*) FROM support_dataset.tickets")
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(DISTINCT id) FROM support_dataset.tickets"
        ),
        api.len() as i64
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_sync_rolls_back_the_running_resource_and_skips_the_rest() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    // Slow pages, so the cancel lands while the first resource is still loading.
    let server = demo(2_000, "slow=1,slow-delay=300ms").await;
    let db = db();
    let mut config = tickets(&server, json!("append"));
    let second = config["resources"][0].clone();
    config["resources"].as_array_mut().expect("resources").push(
        json!({"name": "more_tickets", "endpoint": second["endpoint"].clone(),
                     "primary_key": "id", "write_disposition": "append"}),
    );
    config["resources"][0]["endpoint"]["params"]["limit"] = json!(100);

    let engine = sluice_engine::Engine::new(
        sluice_config::from_value(&config).expect("config"),
        crate::common::secret,
        sluice_secrets::Redactor::new(),
        sluice_engine::EngineOptions::default(),
    )
    .expect("engine");
    let cancel = Arc::new(AtomicBool::new(false));
    let options = sluice_load::SyncOptions {
        db_path: Some(db.path.clone()),
        cancel: Some(Arc::clone(&cancel)),
        ..sluice_load::SyncOptions::default()
    };
    let flag = Arc::clone(&cancel);
    let started = std::time::Instant::now();
    let summary = sluice_load::sync(&engine, &options, move |event| {
        if let sluice_load::SyncEvent::Progress { pages: 2, .. } = event {
            flag.store(true, Ordering::Relaxed);
        }
    })
    .await
    .expect("sync runs");
    assert!(
        cancel.load(Ordering::Relaxed),
        "the sync got to its second page"
    );
    // 20 slow pages would take 6 s or more; the cancel stops it within a page or a tick.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(summary.resources.len(), 2);
    for resource in &summary.resources {
        assert_eq!(
            resource.error.as_deref(),
            Some(sluice_load::CANCELLED),
            "{}",
            resource.resource
        );
        assert!(resource.tables.values().all(|rows| *rows == 0));
    }
    // Nothing of the cancelled load is in the file.
    let conn = open(&db.path);
    let loaded: i64 = conn
        .query_row(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'tickets'",
            [],
            |r| r.get(0),
        )
        .expect("query");
    if loaded > 0 {
        assert_eq!(
            count(&conn, "SELECT count(*) FROM support_dataset.tickets"),
            0
        );
    }
}
