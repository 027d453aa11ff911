//! Connectors made by import, synced: they load what the same connector written by hand loads.

use serde_json::json;
use sluice_config::{import, ImportFormat, ImportOptions};
use sluice_demo::DEMO_TOKEN;

use crate::common::{count, db, demo, open, sync_ok};

#[tokio::test(flavor = "multi_thread")]
async fn a_curl_command_from_the_docs_loads_what_the_connector_built_by_hand_loads() {
    let server = demo(450, "").await;
    let text = format!(
        "curl -sS '{}' \\\n  -H 'Authorization: Bearer {DEMO_TOKEN}'",
        server.url("/auth/bearer?offset=0&limit=100")
    );
    let imported = import(&text, &ImportOptions::default()).expect("imports");
    assert_eq!(imported.format, ImportFormat::Curl);
    // The token went to the keychain's list, the config names it.
    assert_eq!(
        imported
            .found_secrets
            .iter()
            .map(|s| (s.name.as_str(), s.value.as_str()))
            .collect::<Vec<_>>(),
        [("token", DEMO_TOKEN)]
    );
    let mut from_curl = serde_json::to_value(&imported.config).expect("json");
    from_curl["sluice"]["pipeline"] = json!({"pipeline_name": "from_curl"});

    let by_hand = json!({
        "client": {"base_url": server.url("/auth/"),
                   "auth": {"type": "bearer", "token": {"$secret": "token"}}},
        "resources": [{"name": "bearer", "endpoint": {
            "path": "bearer",
            "paginator": {"type": "offset", "limit": 100, "total_path": "total"}}}],
        "sluice": {"pipeline": {"pipeline_name": "by_hand"}}
    });

    let (curl_db, hand_db) = (db(), db());
    sync_ok(&from_curl, &curl_db.path).await;
    sync_ok(&by_hand, &hand_db.path).await;
    let rows = |path: &std::path::Path, dataset: &str| {
        let conn = open(path);
        ["bearer", "bearer__tags", "bearer__touchpoints"]
            .map(|table| count(&conn, &format!("SELECT count(*) FROM {dataset}.{table}")))
    };
    let curl_rows = rows(&curl_db.path, "from_curl_dataset");
    assert_eq!(curl_rows, rows(&hand_db.path, "by_hand_dataset"));
    assert_eq!(curl_rows[0], 450, "every record, all five pages");
    let ids = |path: &std::path::Path, dataset: &str| {
        count(
            &open(path),
            &format!("SELECT sum(id) FROM {dataset}.bearer"),
        )
    };
    assert_eq!(
        ids(&curl_db.path, "from_curl_dataset"),
        ids(&hand_db.path, "by_hand_dataset")
    );
}
