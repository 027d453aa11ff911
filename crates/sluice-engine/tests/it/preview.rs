//! Preview mode: early stops in words, and captured requests and responses that carry no secret.

use std::sync::Arc;

use serde_json::{json, Value};
use sluice_engine::{EngineOptions, EventKind, Exchange, Preview};

use crate::common::{connector, demo, ids, run_with, Outcome, RecordingSleeper, KNOWN_SECRETS};

fn preview(max_pages: Option<usize>, max_records: Option<usize>) -> EngineOptions {
    EngineOptions {
        preview: Some(Preview {
            max_pages,
            max_records,
            body_chars: 120,
        }),
        sleeper: Arc::new(RecordingSleeper::default()),
        ..EngineOptions::default()
    }
}

fn exchanges(outcome: &Outcome) -> Vec<Exchange> {
    outcome
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Exchange(exchange) => Some((**exchange).clone()),
            _ => None,
        })
        .collect()
}

fn offset() -> Value {
    json!({"path": "paging/offset", "paginator": {"type": "offset", "limit": 100}})
}

#[tokio::test]
async fn stops_after_n_pages_and_captures_each_exchange() {
    let server = demo(1000, "").await;
    let config = connector(server.base_url(), json!({}), offset());
    let outcome = run_with(config, preview(Some(2), None), RecordingSleeper::default()).await;
    assert_eq!(outcome.ids(), ids(1..=200));
    assert_eq!(
        outcome.summary().stop_reason,
        "preview: stopped after 2 pages"
    );
    let captured = exchanges(&outcome);
    assert_eq!(captured.len(), 2);
    assert_eq!(
        captured[1].url,
        server.url("/paging/offset?offset=100&limit=100")
    );
    assert_eq!(captured[1].status, Some(200));
    assert!(captured[1].response_body.ends_with("… (truncated)"));
    assert!(captured[1]
        .response_body
        .starts_with("{\"data\":[{\"id\":101,"));
    assert!(captured[1]
        .response_headers
        .iter()
        .any(|(name, value)| name == "content-type" && value.starts_with("application/json")));
    assert_eq!(server.stats().requests, 2);
}

#[tokio::test]
async fn stops_after_n_records_cutting_the_last_page() {
    let server = demo(1000, "").await;
    let config = connector(server.base_url(), json!({}), offset());
    let outcome = run_with(
        config,
        preview(None, Some(150)),
        RecordingSleeper::default(),
    )
    .await;
    assert_eq!(outcome.ids(), ids(1..=150));
    assert_eq!(
        outcome.summary().stop_reason,
        "preview: stopped after 150 records"
    );
}

#[tokio::test]
async fn a_child_preview_stops_the_parent_too() {
    let server = demo(200, "").await;
    let config = json!({
        "client": {"base_url": server.base_url()},
        "resources": [
            {"name": "events", "endpoint": {"path": "paging/offset", "params": {"limit": 10},
                                            "paginator": "single_page"}},
            {"name": "items", "endpoint": {"path": "paging/single?e={resources.events.id}"}}
        ]
    });
    let outcome = run_with(config, preview(Some(3), None), RecordingSleeper::default()).await;
    assert_eq!(outcome.pages.len(), 3);
    assert_eq!(
        outcome.summary().stop_reason,
        "preview: stopped after 3 pages"
    );
}

#[tokio::test]
async fn captures_carry_no_secret_values() {
    let server = demo(300, "").await;
    let auths = [
        (
            "auth/bearer",
            json!({"type": "bearer", "token": {"$secret": "demo_token"}}),
        ),
        (
            "auth/basic",
            json!({"type": "http_basic", "username": "demo",
                              "password": {"$secret": "password"}}),
        ),
        (
            "auth/api_key/query",
            json!({"type": "api_key", "name": "api_key", "location": "query",
                                      "api_key": {"$secret": "api_key"}}),
        ),
        (
            "auth/api_key/cookie",
            json!({"type": "api_key", "name": "api_key",
                                       "location": "cookie", "api_key": {"$secret": "api_key"}}),
        ),
        (
            "auth/oauth2",
            json!({"type": "oauth2", "token_url": server.token_url(),
                               "client_id": {"$secret": "client_id"},
                               "client_secret": {"$secret": "client_secret"}}),
        ),
    ];
    for (path, auth) in auths {
        let config = connector(
            server.base_url(),
            json!({ "auth": auth, "headers": {"X-Client": {"$secret": "client_secret"}} }),
            json!({"path": path, "paginator": {"type": "offset", "limit": 100}}),
        );
        let outcome = run_with(config, preview(Some(2), None), RecordingSleeper::default()).await;
        assert_eq!(outcome.ids(), ids(1..=200), "{path}");
        let captured = exchanges(&outcome);
        assert_eq!(captured.len(), 2, "{path}");
        let text = format!("{:?}", outcome.events);
        for secret in KNOWN_SECRETS {
            assert!(!text.contains(secret), "{path}: `{secret}` leaked");
        }
        assert!(text.contains("‹redacted›"), "{path}");
        // Encoded forms too: the whole credential header value is hidden, whatever its scheme.
        for exchange in &captured {
            for (name, value) in &exchange.request_headers {
                if ["authorization", "cookie", "x-client"].contains(&name.as_str()) {
                    let shown = value.replace("‹redacted›", "");
                    assert!(
                        ["", "Bearer ", "Basic ", "api_key="].contains(&shown.as_str()),
                        "{path}: {name}: {value}"
                    );
                }
            }
        }
    }
}
