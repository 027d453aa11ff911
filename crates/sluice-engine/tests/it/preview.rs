//! Preview mode: early stops in words, and captured requests and responses that carry no secret.

use std::sync::Arc;

use serde_json::{json, Value};
use sluice_engine::{EngineOptions, EventKind, Exchange, Preview};

use sluice_demo::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};

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
        // The OAuth2 run also captures its token request.
        let token_requests = usize::from(path == "auth/oauth2");
        assert_eq!(captured.len(), 2 + token_requests, "{path}");
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

#[tokio::test]
async fn token_requests_are_captured_without_any_secret() {
    use base64::Engine as _;
    let joined = format!("{DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET}");
    let basic = base64::engine::general_purpose::STANDARD.encode(&joined);
    for client_auth in ["form", "basic"] {
        let server = demo(300, "").await;
        let auth = json!({"type": "oauth2_client_credentials",
                          "access_token_url": server.token_url(),
                          "client_id": {"$secret": "client_id"},
                          "client_secret": {"$secret": "client_secret"},
                          "client_auth": client_auth});
        let config = connector(server.base_url(), json!({ "auth": auth }), offset());
        // Long enough that nothing is cut: every byte sent and received is checked.
        let mut options = preview(Some(2), None);
        if let Some(preview) = &mut options.preview {
            preview.body_chars = 10_000;
        }
        let outcome = run_with(config, options, RecordingSleeper::default()).await;
        assert_eq!(outcome.ids(), ids(1..=200), "{client_auth}");
        let captured = exchanges(&outcome);
        let token: Vec<&Exchange> = captured
            .iter()
            .filter(|x| x.url == server.token_url())
            .collect();
        assert_eq!(token.len(), 1, "{client_auth}");
        let token = token[0];
        assert_eq!(token.method, "POST");
        assert_eq!(token.status, Some(200));
        // The answer is shown, its access token hidden.
        assert!(
            token
                .response_body
                .contains("\"access_token\":\"‹redacted›\""),
            "{client_auth}: {}",
            token.response_body
        );
        assert!(token.response_body.contains("\"expires_in\""));
        // The client's credentials are hidden wherever they went.
        match client_auth {
            "form" => assert_eq!(
                token.request_body,
                "client_id=‹redacted›&client_secret=‹redacted›&grant_type=client_credentials"
            ),
            _ => {
                assert_eq!(token.request_body, "grant_type=client_credentials");
                assert!(token
                    .request_headers
                    .contains(&("authorization".into(), "Basic ‹redacted›".into())));
            }
        }
        // Data requests carry the token, hidden too.
        assert!(captured
            .iter()
            .filter(|x| x.url != server.token_url())
            .all(|x| x
                .request_headers
                .contains(&("authorization".into(), "Bearer ‹redacted›".into()))));
        // Nothing anywhere: exchanges, event messages, every other event field. Demo tokens
        // look like `sdt.<generation>.<expiry>.<serial>.<signature>`.
        let messages: Vec<&str> = outcome.events.iter().map(|e| e.message.as_str()).collect();
        let text = format!("{:?} {messages:?}", outcome.events);
        for secret in KNOWN_SECRETS
            .iter()
            .copied()
            .chain([basic.as_str(), "sdt."])
        {
            assert!(!text.contains(secret), "{client_auth}: `{secret}` leaked");
        }
    }
}

/// `/leak/parents` answers a record whose `name` holds `admin?delete`; a connector whose secret
/// header has that value must see it hidden in the preview's records, as in its exchanges.
#[tokio::test(flavor = "multi_thread")]
async fn preview_records_are_redacted_like_the_exchanges() {
    let server = demo(10, "").await;
    let config = sluice_config::from_value(&json!({
        "client": {"base_url": server.base_url(), "headers": {"X-Secret": {"$secret": "probe"}}},
        "resources": [{"name": "items",
                       "endpoint": {"path": "leak/parents", "paginator": "single_page"}}],
    }))
    .expect("valid");
    let secrets = |name: &str| match name {
        "probe" => Ok(sluice_secrets::SecretValue::new("admin?delete".to_owned())),
        other => Err(format!("no secret {other}")),
    };
    let engine = sluice_engine::Engine::new(
        config,
        secrets,
        sluice_secrets::Redactor::new(),
        preview(Some(1), None),
    )
    .expect("engine");
    let report = sluice_engine::preview_resource(&engine, "items").await;
    assert_eq!(report.error, None);
    let record = report.records[0].to_string();
    assert!(!record.contains("admin?delete"), "{record}");
    assert!(record.contains("‹redacted›"), "{record}");
}

#[tokio::test]
async fn a_test_confirms_a_suggested_offset_with_page_2_before_offering_it() {
    let server = demo(1000, "").await;
    let suggestions = |outcome: &Outcome| -> Vec<String> {
        outcome
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Detected { reason, .. } if reason.starts_with("suggested") => {
                    Some(reason.clone())
                }
                _ => None,
            })
            .collect()
    };
    let config = connector(
        server.base_url(),
        json!({}),
        json!({"path": "paging/offset", "data_selector": "data"}),
    );
    let outcome = run_with(config, preview(Some(2), None), RecordingSleeper::default()).await;
    assert_eq!(
        suggestions(&outcome),
        vec![
            "suggested offset: `total` = 1000 with 100 records on page 1 → offset, limit 100; \
              page 2 asked that way held 100 new records (dlt's own detection picked \
              single_page, which the run follows until you adopt this)"
        ]
    );
    let asked: Vec<String> = exchanges(&outcome).into_iter().map(|e| e.url).collect();
    assert_eq!(
        asked,
        vec![
            server.url("/paging/offset"),
            server.url("/paging/offset?offset=100&limit=100")
        ]
    );

    // An API that counts records but answers page 1 to every offset is not offered offset,
    // which would read page 1 ten times over.
    let config = connector(
        server.base_url(),
        json!({}),
        json!({"path": "paging/counted_single", "data_selector": "data"}),
    );
    let outcome = run_with(config, preview(Some(2), None), RecordingSleeper::default()).await;
    assert_eq!(suggestions(&outcome), Vec::<String>::new());
    assert_eq!(
        exchanges(&outcome).len(),
        2,
        "page 1 and the page 2 that was asked for"
    );
    // The run's warning still says what the answer counted.
    let warning = outcome.summary().warning.clone().unwrap_or_default();
    assert!(warning.contains("the API said 1000 records"), "{warning}");
}
