//! `response_actions: ignore` by status code and/or body substring ends the request sequence
//! without records and without an error.

use serde_json::json;

use crate::common::{connector, demo, ids, run};

#[tokio::test]
async fn a_404_can_be_ignored() {
    let server = demo(200, "").await;
    let auth = json!({"type": "oauth2", "token_url": server.token_url(),
                      "client_id": {"$secret": "client_id"},
                      "client_secret": {"$secret": "client_secret"}});
    let endpoint = json!({"path": "v1/support/organizations/999/members",
                          "response_actions": [{"status_code": 404, "action": "ignore"}]});
    let outcome = run(connector(
        server.base_url(),
        json!({ "auth": auth }),
        endpoint,
    ))
    .await;
    assert!(outcome.pages.is_empty());
    assert_eq!(
        outcome.summary().stop_reason,
        "stopped: HTTP 404 matched response_actions[0] (ignore) on page 1"
    );

    let endpoint = json!({"path": "v1/support/organizations/999/members"});
    let outcome = run(connector(
        server.base_url(),
        json!({ "auth": auth }),
        endpoint,
    ))
    .await;
    assert!(outcome.error().starts_with(&format!(
        "HTTP 404 from {}",
        server.url("/v1/support/organizations/999/members")
    )));
}

#[tokio::test]
async fn content_and_status_must_both_match_when_both_are_given() {
    let server = demo(150, "").await;
    let paginator = json!({"type": "offset", "limit": 100});
    let outcome = run(connector(
        server.base_url(),
        json!({}),
        json!({"path": "paging/offset", "paginator": paginator,
               "response_actions": [{"content": "\"total\":150", "action": "ignore"}]}),
    ))
    .await;
    assert!(outcome.pages.is_empty());
    assert_eq!(outcome.requests().len(), 1);

    let outcome = run(connector(
        server.base_url(),
        json!({}),
        json!({"path": "paging/offset", "paginator": paginator,
               "response_actions": [{"status_code": 404, "content": "\"total\":150",
                                     "action": "ignore"}]}),
    ))
    .await;
    assert_eq!(outcome.ids(), ids(1..=150));
}

#[tokio::test]
async fn an_ignored_server_error_is_not_retried() {
    let server = demo(150, "5xx=1,max-per-request=10").await;
    let actions: Vec<_> = [500, 502, 503, 504]
        .iter()
        .map(|code| json!({"status_code": code, "action": "ignore"}))
        .collect();
    let outcome = run(connector(
        server.base_url(),
        json!({}),
        json!({"path": "paging/offset", "response_actions": actions,
               "paginator": {"type": "offset", "limit": 100}}),
    ))
    .await;
    assert!(outcome.pages.is_empty());
    assert!(outcome
        .summary()
        .stop_reason
        .starts_with("stopped: HTTP 50"));
    assert_eq!(server.stats().requests, 1);
}
