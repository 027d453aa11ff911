//! The run history: a run is recorded when it starts, finished with its summary and log, and a
//! run the app never finished is marked interrupted on the next start.

use serde_json::json;
use sluice_store::{RunOutcome, RunStatus, Store};

fn store_with_connector() -> (tempfile::TempDir, Store, i64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("sluice.sqlite")).expect("store opens");
    let id = store
        .create_connector(
            "Shop",
            &json!({"client": {"base_url": "https://x.test"}, "resources": []}),
            false,
        )
        .expect("connector")
        .id;
    (dir, store, id)
}

#[test]
fn a_finished_run_keeps_its_summary_rows_and_log() {
    let (_dir, store, id) = store_with_connector();
    let run = store
        .start_run(
            id,
            "/data/shop.duckdb",
            "shop_dataset",
            &["tickets".into(), "users".into()],
        )
        .expect("run starts");
    let started = store.run(run).expect("run");
    assert_eq!(started.status, RunStatus::Running);
    assert_eq!(started.finished_at, None);
    assert_eq!(started.resources, ["tickets", "users"]);

    let summary = json!({"resources": [{"resource": "tickets", "tables": {"tickets": 120}}]});
    let finished = store
        .finish_run(
            run,
            &RunOutcome {
                status: RunStatus::Failed,
                rows: 120,
                summary: &summary,
                log: "GET /tickets\nHTTP 500",
            },
        )
        .expect("run finishes");
    assert_eq!(finished.status, RunStatus::Failed);
    assert_eq!(finished.rows, 120);
    assert_eq!(finished.summary.as_ref(), Some(&summary));
    assert!(finished.finished_at.is_some());
    assert_eq!(store.run_log(run).expect("log"), "GET /tickets\nHTTP 500");
}

#[test]
fn runs_list_newest_first_per_connector() {
    let (_dir, store, id) = store_with_connector();
    let other = store
        .create_connector(
            "Other",
            &json!({"client": {"base_url": "https://y.test"}, "resources": []}),
            false,
        )
        .expect("second connector")
        .id;
    let first = store.start_run(id, "a.duckdb", "a", &[]).expect("first");
    let second = store.start_run(id, "a.duckdb", "a", &[]).expect("second");
    store
        .start_run(other, "b.duckdb", "b", &[])
        .expect("other's");
    let ids: Vec<i64> = store
        .runs(id, 10)
        .expect("runs")
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, [second, first]);
    assert_eq!(store.runs(id, 1).expect("runs").len(), 1);
}

#[test]
fn a_run_left_running_by_a_killed_app_is_marked_interrupted_on_reopen() {
    let (dir, store, id) = store_with_connector();
    let run = store
        .start_run(id, "a.duckdb", "a", &[])
        .expect("run starts");
    drop(store);
    let reopened = Store::open(&dir.path().join("sluice.sqlite")).expect("store reopens");
    assert_eq!(reopened.mark_interrupted_runs().expect("marked"), 1);
    let run = reopened.run(run).expect("run");
    assert_eq!(run.status, RunStatus::Interrupted);
    assert!(run.finished_at.is_some());
    assert_eq!(reopened.mark_interrupted_runs().expect("nothing left"), 0);
}

#[test]
fn an_unknown_run_is_named() {
    let (_dir, store, _) = store_with_connector();
    let err = store.run_log(42).expect_err("no such run").to_string();
    assert!(err.contains("42"), "{err}");
}
