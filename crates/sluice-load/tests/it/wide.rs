//! Wide tables: APIs with hundreds of custom properties per record (CRMs) make tables of
//! thousands of columns, which must load within the writer's memory and in time linear in the
//! number of columns.

use serde_json::json;

use crate::common::{columns, count, db, demo, open, sync_ok};

fn wide(base_url: &str, keys: u64, per_record: u64) -> serde_json::Value {
    json!({
        "client": {"base_url": base_url},
        "resources": [{
            "name": "contacts",
            "endpoint": {"path": "paging/wide", "data_selector": "data",
                         "params": {"keys": keys, "per_record": per_record},
                         "paginator": {"type": "offset", "limit": 500, "total_path": "total"}}
        }],
        "sluice": {"pipeline": {"pipeline_name": "crm"}}
    })
}

/// 2,000 records with 1,000 properties each make a table of 1,000 columns. With DuckDB's memory
/// capped for appends at 64 MB whatever the width, this failed at commit ("could not allocate
/// block of size 256.0 KiB (60.8 MiB/61.0 MiB used)").
#[tokio::test(flavor = "multi_thread")]
async fn a_table_of_a_thousand_columns_loads() {
    let server = demo(2_000, "").await;
    let db = db();
    let summary = sync_ok(&wide(server.base_url(), 1_000, 1_000), &db.path).await;
    assert_eq!(summary.resources[0].records, 2_000);
    let conn = open(&db.path);
    let props = columns(&conn, "crm_dataset", "contacts")
        .into_iter()
        .filter(|(name, _, _)| name.starts_with("prop_"))
        .count();
    assert_eq!(props, 1_000);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM crm_dataset.contacts"),
        2_000
    );
    assert_eq!(
        count(
            &conn,
            "SELECT prop_00990 FROM crm_dataset.contacts WHERE id = 1999"
        ),
        1999 * 31 + 990
    );
    // A second sync adds rows to the same 1,000 columns.
    sync_ok(&wide(server.base_url(), 1_000, 1_000), &db.path).await;
    assert_eq!(
        count(&open(&db.path), "SELECT count(*) FROM crm_dataset.contacts"),
        4_000
    );
}

/// Pages that each bring hundreds of new keys: the table this sync made is written anew with
/// them rather than altered once per column (which copies its rows every time), and keeps its
/// column types and NOT NULL columns.
#[tokio::test(flavor = "multi_thread")]
async fn hundreds_of_new_keys_per_page_keep_the_tables_definitions() {
    let server = demo(300, "").await;
    let db = db();
    let mut config = wide(server.base_url(), 1_000, 10);
    // Pages of 50 records: 500 keys on the first page, 500 more on the second.
    config["resources"][0]["endpoint"]["paginator"]["limit"] = json!(50);
    let summary = sync_ok(&config, &db.path).await;
    assert_eq!(summary.resources[0].records, 300);
    let conn = open(&db.path);
    let all = columns(&conn, "crm_dataset", "contacts");
    assert_eq!(
        all.iter()
            .filter(|(n, _, _)| n.starts_with("prop_"))
            .count(),
        1_000
    );
    let of = |name: &str| all.iter().find(|(n, _, _)| n == name).cloned().unwrap();
    assert_eq!(of("_dlt_id"), ("_dlt_id".into(), "VARCHAR".into(), false));
    assert_eq!(
        of("prop_00000"),
        ("prop_00000".into(), "BIGINT".into(), true)
    );
    assert_eq!(of("prop_00999").1, "VARCHAR");
    assert_eq!(
        count(&conn, "SELECT count(*) FROM crm_dataset.contacts"),
        300
    );
    // Record 51 (page 2) holds prop_00510, an even slot: 51 * 31.
    assert_eq!(
        count(
            &conn,
            "SELECT prop_00510 FROM crm_dataset.contacts WHERE id = 51"
        ),
        51 * 31
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE '%sluice_wider%'"
        ),
        0
    );
}
