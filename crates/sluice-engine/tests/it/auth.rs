//! Each auth type against `/auth/*`, an OAuth2 token that expires mid-run, and wrong
//! credentials that end the run with a clear error.

use std::time::Duration;

use serde_json::{json, Value};
use sluice_demo::{DemoOptions, DEMO_CLIENT_SECRET};
use sluice_engine::{EngineOptions, EventKind, Preview};

use crate::common::{
    connector, demo, demo_with, ids, run, run_with, RecordingSleeper, KNOWN_SECRETS,
};

fn offset(path: &str) -> Value {
    json!({"path": path, "paginator": {"type": "offset", "limit": 100}})
}

async fn check_auth(path: &str, auth: Value) {
    let server = demo(250, "").await;
    let outcome = run(connector(
        server.base_url(),
        json!({ "auth": auth }),
        offset(path),
    ))
    .await;
    assert_eq!(outcome.ids(), ids(1..=250), "{path}");
    assert_eq!(outcome.requests().len(), 3, "{path}");
    for event in &outcome.events {
        for secret in KNOWN_SECRETS {
            assert!(!format!("{event:?}").contains(secret), "{event:?}");
        }
    }
}

#[tokio::test]
async fn bearer() {
    check_auth(
        "auth/bearer",
        json!({"type": "bearer", "token": {"$secret": "demo_token"}}),
    )
    .await;
}

#[tokio::test]
async fn api_key_in_a_header_the_query_and_a_cookie() {
    check_auth(
        "auth/api_key/header",
        json!({"type": "api_key", "name": "X-API-Key", "api_key": {"$secret": "api_key"}}),
    )
    .await;
    // dlt's default header name is `Authorization`, sent raw.
    check_auth(
        "auth/api_key/header",
        json!({"type": "api_key", "api_key": {"$secret": "api_key"}}),
    )
    .await;
    check_auth(
        "auth/api_key/query",
        json!({"type": "api_key", "name": "api_key", "location": "query",
               "api_key": {"$secret": "api_key"}}),
    )
    .await;
    check_auth(
        "auth/api_key/cookie",
        json!({"type": "api_key", "name": "api_key", "location": "cookie",
               "api_key": {"$secret": "api_key"}}),
    )
    .await;
}

#[tokio::test]
async fn http_basic() {
    check_auth(
        "auth/basic",
        json!({"type": "http_basic", "username": "demo", "password": {"$secret": "password"}}),
    )
    .await;
    // The bare type name takes every field from the secrets under dlt's field names.
    check_auth("auth/basic", json!("http_basic")).await;
}

#[tokio::test]
async fn oauth2_client_credentials_and_the_seeds_alias() {
    for auth in [
        json!({"type": "oauth2_client_credentials", "access_token_url": "TOKEN_URL",
               "client_id": {"$secret": "client_id"}, "client_secret": {"$secret": "client_secret"}}),
        json!({"type": "oauth2", "token_url": "TOKEN_URL",
               "client_id": {"$secret": "client_id"}, "client_secret": {"$secret": "client_secret"}}),
    ] {
        let server = demo(250, "").await;
        let auth: Value =
            serde_json::from_str(&auth.to_string().replace("TOKEN_URL", &server.token_url()))
                .expect("json");
        let outcome = run(connector(
            server.base_url(),
            json!({ "auth": auth }),
            offset("auth/oauth2"),
        ))
        .await;
        assert_eq!(outcome.ids(), ids(1..=250));
        assert_eq!(outcome.requests().len(), 3);
        // One token serves the whole run.
        assert_eq!(server.stats().tokens_issued, 1);
        assert_eq!(
            outcome.count(|k| matches!(k, EventKind::TokenRequest { .. })),
            1
        );
    }
}

#[tokio::test]
async fn an_oauth2_token_that_expires_mid_run_is_fetched_again() {
    // Tokens die after 150 ms while the answers say `expires_in: 1`, and every answer takes
    // 60 ms: the engine's token goes stale mid-run and the server refuses it with a 401.
    let server = demo_with(DemoOptions {
        records: 500,
        token_lifetime: Duration::from_millis(150),
        faults: "slow=1,slow-delay=60ms,max-per-request=1"
            .parse()
            .expect("faults"),
        ..DemoOptions::default()
    })
    .await;
    let auth = json!({"type": "oauth2", "token_url": server.token_url(),
                      "client_id": {"$secret": "client_id"},
                      "client_secret": {"$secret": "client_secret"}});
    let outcome = run(connector(
        server.base_url(),
        json!({ "auth": auth }),
        json!({"path": "auth/oauth2", "paginator": {"type": "offset", "limit": 50}}),
    ))
    .await;
    assert_eq!(outcome.ids(), ids(1..=500));
    let token_requests: Vec<String> = outcome
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TokenRequest { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert!(token_requests.len() >= 2, "{token_requests:?}");
    assert_eq!(token_requests[0], "no token yet");
    assert!(
        token_requests[1..]
            .iter()
            .all(|r| r == "the server refused the token (401)"
                || r == "the token is about to expire"),
        "{token_requests:?}"
    );
    assert_eq!(server.stats().tokens_issued, token_requests.len() as u64);
}

#[tokio::test]
async fn a_wrong_oauth2_client_secret_fails_at_the_token_request() {
    let server = demo(250, "").await;
    let auth = json!({"type": "oauth2", "token_url": server.token_url(),
                      "client_id": {"$secret": "client_id"},
                      "client_secret": {"$secret": "wrong"}});
    let outcome = run(connector(
        server.base_url(),
        json!({ "auth": auth }),
        offset("auth/oauth2"),
    ))
    .await;
    let error = outcome.error();
    assert!(
        error.starts_with(&format!(
            "authentication failed (oauth2_client_credentials token request): HTTP 401 from {}",
            server.token_url()
        )),
        "{error}"
    );
    assert!(!error.contains("not-the-demo-secret") && !error.contains(DEMO_CLIENT_SECRET));
    assert!(outcome.pages.is_empty());
}

/// A token answer's refresh and id tokens are hidden in a sync (not only in a preview, where the
/// answer is shown): `/leak/token_echo` puts both in its error message.
#[tokio::test]
async fn refresh_and_id_tokens_of_a_token_answer_are_hidden_in_syncs() {
    let server = demo(10, "").await;
    let auth = json!({"type": "oauth2", "token_url": server.token_url(),
                      "client_id": {"$secret": "client_id"},
                      "client_secret": {"$secret": "client_secret"},
                      "access_token_request_data": {"scope": "offline_access openid"}});
    let outcome = run(connector(
        server.base_url(),
        json!({ "auth": auth }),
        json!({"path": "leak/token_echo", "paginator": "single_page"}),
    ))
    .await;
    let error = outcome.error();
    assert!(error.contains("this API echoes your tokens"), "{error}");
    assert!(
        error.contains("refresh_token=‹redacted›") && error.contains("id_token=‹redacted›"),
        "{error}"
    );
    let events = format!("{:?}", outcome.events);
    for prefix in ["sdr.", "sdi.", "sdt."] {
        assert!(!error.contains(prefix), "`{prefix}` in {error}");
        assert!(!events.contains(prefix), "`{prefix}` in the events");
    }
}

/// The token request's captured exchange of a preview run with `client_auth` (absent = form).
async fn token_exchange(client_auth: Option<&str>) -> (sluice_engine::Exchange, u64) {
    let server = demo(250, "").await;
    let mut auth = json!({"type": "oauth2_client_credentials", "access_token_url": server.token_url(),
                          "client_id": {"$secret": "client_id"},
                          "client_secret": {"$secret": "client_secret"},
                          "access_token_request_data": {"scope": "read"}});
    if let Some(client_auth) = client_auth {
        auth["client_auth"] = json!(client_auth);
    }
    let outcome = run_with(
        connector(
            server.base_url(),
            json!({ "auth": auth }),
            offset("auth/oauth2"),
        ),
        preview_options(),
        RecordingSleeper::default(),
    )
    .await;
    assert_eq!(outcome.ids(), ids(1..=250), "{client_auth:?}");
    assert_eq!(server.stats().tokens_issued, 1, "{client_auth:?}");
    let mut tokens: Vec<sluice_engine::Exchange> = outcome
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Exchange(x) if x.url == server.token_url() => Some((**x).clone()),
            _ => None,
        })
        .collect();
    assert_eq!(tokens.len(), 1, "{client_auth:?}");
    (tokens.remove(0), server.stats().tokens_issued)
}

fn preview_options() -> EngineOptions {
    EngineOptions {
        preview: Some(Preview {
            max_pages: None,
            max_records: None,
            body_chars: 500,
        }),
        ..EngineOptions::default()
    }
}

fn header<'a>(exchange: &'a sluice_engine::Exchange, name: &str) -> Option<&'a str> {
    exchange
        .request_headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn oauth2_client_authenticates_by_form_body_or_http_basic() {
    // Form, dlt's way and the default: the credentials are form fields, no Authorization header.
    for client_auth in [None, Some("form")] {
        let (exchange, _) = token_exchange(client_auth).await;
        assert_eq!(exchange.status, Some(200));
        assert_eq!(header(&exchange, "authorization"), None, "{client_auth:?}");
        assert_eq!(
            exchange.request_body,
            "client_id=‹redacted›&client_secret=‹redacted›&grant_type=client_credentials&scope=read",
            "{client_auth:?}"
        );
    }
    // Basic: `Authorization: Basic base64(id:secret)` and neither credential in the form.
    let (exchange, _) = token_exchange(Some("basic")).await;
    assert_eq!(exchange.status, Some(200));
    assert_eq!(header(&exchange, "authorization"), Some("Basic ‹redacted›"));
    assert_eq!(
        exchange.request_body,
        "grant_type=client_credentials&scope=read"
    );
}

#[tokio::test]
async fn wrong_client_credentials_by_http_basic_fail_at_the_token_request() {
    let server = demo(250, "").await;
    let auth = json!({"type": "oauth2_client_credentials", "access_token_url": server.token_url(),
                      "client_id": {"$secret": "client_id"},
                      "client_secret": {"$secret": "wrong"},
                      "client_auth": "basic"});
    let outcome = run(connector(
        server.base_url(),
        json!({ "auth": auth }),
        offset("auth/oauth2"),
    ))
    .await;
    let error = outcome.error();
    assert!(
        error.starts_with(&format!(
            "authentication failed (oauth2_client_credentials token request): HTTP 401 from {}",
            server.token_url()
        )),
        "{error}"
    );
    assert!(error.contains("invalid_client"), "{error}");
    assert!(!error.contains("not-the-demo-secret") && !error.contains(DEMO_CLIENT_SECRET));
    assert!(outcome.pages.is_empty());
    assert_eq!(server.stats().tokens_issued, 0);
}

#[tokio::test]
async fn wrong_bearer_token_and_api_key_surface_a_clear_error() {
    let server = demo(250, "").await;
    let outcome = run(connector(
        server.base_url(),
        json!({"auth": {"type": "bearer", "token": {"$secret": "wrong"}}}),
        offset("auth/bearer"),
    ))
    .await;
    let error = outcome.error();
    assert!(
        error.starts_with(&format!(
            "authentication failed (bearer): HTTP 401 from {}",
            server.url("/auth/bearer?offset=0&limit=100")
        )),
        "{error}"
    );
    assert!(!error.contains("not-the-demo-secret"), "{error}");
    assert!(matches!(&outcome.result, Err(e) if e.kind() == "auth"));
    // A 401 is not retried.
    assert_eq!(server.stats().requests, 1);

    let outcome = run(connector(
        server.base_url(),
        json!({"auth": {"type": "api_key", "name": "api_key", "location": "query",
                        "api_key": {"$secret": "wrong"}}}),
        offset("auth/api_key/query"),
    ))
    .await;
    let error = outcome.error();
    assert!(
        error.starts_with("authentication failed (api_key): HTTP 401"),
        "{error}"
    );
    assert!(!error.contains("not-the-demo-secret"), "{error}");
}

#[tokio::test]
async fn a_missing_secret_is_reported_before_any_request() {
    let server = demo(10, "").await;
    let config = sluice_config::from_value(&connector(
        server.base_url(),
        json!({"auth": {"type": "bearer", "token": {"$secret": "nowhere"}}}),
        offset("auth/bearer"),
    ))
    .expect("valid");
    let engine = sluice_engine::Engine::new(
        config,
        crate::common::secret,
        sluice_secrets::Redactor::new(),
        sluice_engine::EngineOptions::default(),
    )
    .expect("engine");
    let error = engine.extract("items").err().expect("an error").to_string();
    assert_eq!(
        error,
        "secret `nowhere` is not available: no secret named `nowhere` in the test keychain"
    );
    assert_eq!(server.stats().requests, 0);
}

#[tokio::test]
async fn an_oauth2_token_is_refreshed_before_it_expires() {
    // Tokens live exactly 1 s and say so; the engine replaces them 100 ms early, so the server
    // never sees an expired one.
    let server = demo_with(DemoOptions {
        records: 1000,
        token_lifetime: Duration::from_secs(1),
        faults: "slow=1,slow-delay=80ms,max-per-request=1"
            .parse()
            .expect("faults"),
        ..DemoOptions::default()
    })
    .await;
    let auth = json!({"type": "oauth2_client_credentials", "access_token_url": server.token_url(),
                      "client_id": {"$secret": "client_id"},
                      "client_secret": {"$secret": "client_secret"}});
    let outcome = run(connector(
        server.base_url(),
        json!({ "auth": auth }),
        json!({"path": "auth/oauth2", "paginator": {"type": "offset", "limit": 50}}),
    ))
    .await;
    assert_eq!(outcome.ids(), ids(1..=1000));
    let reasons: Vec<String> = outcome
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TokenRequest { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert!(reasons.len() >= 2, "{reasons:?}");
    // On a loaded machine a request can still arrive late and be refused; the engine must
    // have replaced tokens ahead of time nonetheless, and every refusal costs one request.
    let early = reasons
        .iter()
        .filter(|r| *r == "the token is about to expire")
        .count();
    let refused = reasons
        .iter()
        .filter(|r| *r == "the server refused the token (401)")
        .count();
    assert!(early >= 1, "{reasons:?}");
    assert_eq!(early + refused + 1, reasons.len(), "{reasons:?}");
    assert_eq!(outcome.requests().len(), 20 + refused);
}

#[tokio::test]
async fn a_resource_auth_overrides_the_client_auth() {
    let server = demo(150, "").await;
    let outcome = run(connector(
        server.base_url(),
        json!({"auth": {"type": "bearer", "token": {"$secret": "wrong"}}}),
        json!({"path": "auth/basic", "paginator": {"type": "offset", "limit": 100},
               "auth": {"type": "http_basic", "username": "demo",
                        "password": {"$secret": "password"}}}),
    ))
    .await;
    assert_eq!(outcome.ids(), ids(1..=150));
}
