use std::process::Command;

use serde_json::{json, Value};
use sluice_demo::{DemoOptions, DemoServer, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};

use crate::sluice;

fn demo_connector(base_url: &str) -> Value {
    json!({
        "client": {
            "base_url": base_url,
            "auth": {
                "type": "oauth2",
                "client_id": { "$secret": "client_id" },
                "client_secret": { "$secret": "client_secret" },
                "token_url": format!("{base_url}/oauth/token")
            }
        },
        "resource_defaults": { "primary_key": "id", "endpoint": { "data_selector": "data" } },
        "resources": [
            { "name": "marketing_data",
              "endpoint": { "path": "/v1/marketing_data", "paginator": { "type": "offset", "limit": 10 } } },
            { "name": "organizations",
              "endpoint": { "path": "/v1/support/organizations",
                            "paginator": { "type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor" } } }
        ],
        "sluice": { "name": "demo" }
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn preview_fetches_the_first_pages_and_never_prints_a_secret() {
    let server = DemoServer::start(DemoOptions {
        records: 95,
        ..DemoOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.json");
    std::fs::write(&file, demo_connector(server.base_url()).to_string()).unwrap();
    let path = file.to_str().unwrap().to_owned();

    let out = tokio::task::spawn_blocking(move || {
        sluice(&["preview", &path, "--pages", "3", "--json"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "stderr: {stderr}");

    let report: Value = serde_json::from_str(&stdout).unwrap();
    let marketing = &report["resources"][0];
    assert_eq!(marketing["resource"], "marketing_data");
    let ids: Vec<u64> = marketing["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert_eq!(
        ids,
        (1..=30).collect::<Vec<_>>(),
        "three pages of ten, in order"
    );
    // The token request is captured too (redacted), then the three data pages.
    let requests: Vec<(&str, &str)> = marketing["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["method"].as_str().unwrap(), r["url"].as_str().unwrap()))
        .collect();
    assert_eq!(requests.len(), 4, "{requests:?}");
    assert_eq!(requests[0], ("POST", server.token_url().as_str()));
    assert!(requests[1..]
        .iter()
        .all(|(m, u)| *m == "GET" && u.contains("/v1/marketing_data")));
    assert!(
        marketing["stop_reason"]
            .as_str()
            .unwrap()
            .contains("3 pages"),
        "{}",
        marketing["stop_reason"]
    );
    assert!(!report["resources"][1]["records"]
        .as_array()
        .unwrap()
        .is_empty());

    for secret in [DEMO_CLIENT_ID, DEMO_CLIENT_SECRET] {
        assert!(!stdout.contains(secret), "stdout shows {secret}");
        assert!(!stderr.contains(secret), "stderr shows {secret}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_secret_names_the_secret_and_how_to_set_it() {
    let server = DemoServer::start(DemoOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.json");
    std::fs::write(&file, demo_connector(server.base_url()).to_string()).unwrap();
    let path = file.to_str().unwrap().to_owned();

    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_sluice"))
            .args(["preview", &path, "--resource", "marketing_data"])
            // No Secret Service on this bus and no SLUICE_SECRET_* variables.
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .env_remove("SLUICE_SECRET_CLIENT_ID")
            .env_remove("SLUICE_SECRET_CLIENT_SECRET")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success());
    assert!(
        stderr.contains("client_id") || stderr.contains("client_secret"),
        "{stderr}"
    );
    assert!(
        stderr.contains("SLUICE_SECRET_"),
        "names the headless override: {stderr}"
    );
}
