//! Retries under the demo's injected faults: every record arrives exactly once, waits follow the
//! policy and `Retry-After`, and the event texts carry no secret.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{json, Value};
use sluice_engine::{EngineOptions, EventKind};

use crate::common::{connector, demo, ids, run, run_with, RecordingSleeper, KNOWN_SECRETS};

fn offset_endpoint() -> Value {
    json!({"path": "paging/offset", "paginator": {"type": "offset", "limit": 50}})
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retried_and_every_record_arrives_once() {
    let server = demo(1000, "5xx=0.3,429=0.1,retry-after=0").await;
    let outcome = run(connector(server.base_url(), json!({}), offset_endpoint())).await;
    let got = outcome.ids();
    assert_eq!(got, ids(1..=1000), "every record once, in order");
    assert_eq!(got.iter().collect::<BTreeSet<_>>().len(), 1000);
    let retries = outcome.count(|k| matches!(k, EventKind::Retry { .. }));
    let waits = outcome.sleeper.waits();
    assert!(retries > 0, "the faults must have hit");
    assert_eq!(waits.len(), retries, "one wait per retry");
    assert_eq!(server.stats().faults, retries as u64);
    assert_eq!(server.stats().requests, outcome.requests().len() as u64);
    assert_eq!(outcome.requests().len(), 20 + retries);
    // `Retry-After: 0` falls back to backoff, as in dlt 1.31: every wait is factor 0.01 × 2^n,
    // never zero and never one the header asked for.
    for event in &outcome.events {
        if let EventKind::Wait { duration, reason } = &event.kind {
            assert!(reason.starts_with("backoff"), "{reason}");
            assert!(
                *duration <= Duration::from_millis(40),
                "{reason}: {duration:?}"
            );
            assert!(!duration.is_zero());
        }
    }
    assert!(outcome.count(|k| matches!(k, EventKind::Retry { reason, .. } if reason == "HTTP 429 Too Many Requests")) > 0);
}

#[tokio::test]
async fn retry_after_as_seconds_and_as_a_date_is_honoured_and_capped() {
    for (faults, low, high) in [
        ("429=0.5,retry-after=3,retry-after-format=seconds", 3.0, 3.0),
        ("429=0.5,retry-after=3,retry-after-format=date", 1.0, 3.0),
        // Asked for 60 s, capped at the policy's 5 s.
        (
            "429=0.5,retry-after=60,retry-after-format=seconds",
            5.0,
            5.0,
        ),
    ] {
        let server = demo(300, faults).await;
        let outcome = run(connector(server.base_url(), json!({}), offset_endpoint())).await;
        assert_eq!(outcome.ids(), ids(1..=300), "{faults}");
        let waits = outcome.sleeper.waits();
        assert!(!waits.is_empty(), "{faults}");
        for wait in waits {
            let seconds = wait.as_secs_f64();
            assert!(
                seconds >= low && seconds <= high,
                "{faults}: waited {seconds}"
            );
        }
    }
}

#[tokio::test]
async fn connections_closed_mid_body_are_retried() {
    let server = demo(500, "close=0.3").await;
    let outcome = run(connector(server.base_url(), json!({}), offset_endpoint())).await;
    assert_eq!(outcome.ids(), ids(1..=500));
    let retries: Vec<String> = outcome
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Retry { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert!(!retries.is_empty());
}

#[tokio::test]
async fn retries_run_out_with_the_last_status_and_backoff_doubles() {
    let server = demo(100, "5xx=1,max-per-request=10").await;
    let mut config = connector(server.base_url(), json!({}), offset_endpoint());
    config["sluice"]["retry"]["max_retries"] = json!(3);
    config["sluice"]["retry"]["backoff_factor"] = json!(2.0);
    config["sluice"]["retry"]["max_delay_seconds"] = json!(5.0);
    let outcome = run(config).await;
    let error = outcome.error();
    assert!(
        error.starts_with("HTTP 50")
            && error.contains(&server.url("/paging/offset?offset=0&limit=50")),
        "{error}"
    );
    assert_eq!(server.stats().requests, 4, "3 retries = 4 attempts");
    let waits: Vec<f64> = outcome
        .sleeper
        .waits()
        .iter()
        .map(Duration::as_secs_f64)
        .collect();
    assert_eq!(waits, vec![2.0, 4.0, 5.0], "2, 4, then 8 capped at 5");
}

#[tokio::test]
async fn statuses_outside_the_policy_are_not_retried() {
    let server = demo(100, "5xx=1,max-per-request=10").await;
    let mut config = connector(server.base_url(), json!({}), offset_endpoint());
    config["sluice"]["retry"]["statuses"] = json!([429]);
    let outcome = run(config).await;
    assert!(
        outcome.error().starts_with("HTTP 50"),
        "{}",
        outcome.error()
    );
    assert_eq!(server.stats().requests, 1);
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let outcome = run(connector(
        &format!("http://127.0.0.1:{port}"),
        json!({}),
        offset_endpoint(),
    ))
    .await;
    let error = outcome.error();
    assert!(
        error.starts_with(&format!("request to http://127.0.0.1:{port}/paging/offset?offset=0&limit=50 failed: could not connect")),
        "{error}"
    );
    assert!(error.ends_with("(gave up after 4 attempts)"), "{error}");
    assert_eq!(outcome.sleeper.waits().len(), 3);
}

#[tokio::test]
async fn event_texts_carry_no_secret_values() {
    // Secrets in a query param, the auth and a header, under faults so retry texts appear too.
    let server = demo(300, "5xx=0.3,429=0.2,retry-after=0").await;
    let mut config = connector(
        server.base_url(),
        json!({"auth": {"type": "api_key", "name": "api_key", "location": "query",
                        "api_key": {"$secret": "api_key"}},
               "headers": {"X-Trace": {"$secret": "client_secret"}}}),
        json!({"path": "auth/api_key/query",
               "params": {"debug_token": {"$secret": "demo_token"}},
               "paginator": {"type": "offset", "limit": 100}}),
    );
    config["sluice"]["retry"]["max_retries"] = json!(4);
    let outcome = run_with(
        config,
        EngineOptions::default(),
        RecordingSleeper::default(),
    )
    .await;
    assert_eq!(outcome.ids(), ids(1..=300));
    let mut texts = Vec::new();
    for event in &outcome.events {
        texts.push(event.message.clone());
        texts.push(format!("{:?}", event.kind));
    }
    let all = texts.join("\n");
    assert!(
        all.contains("debug_token=‹redacted›"),
        "the param is shown, its value is not"
    );
    for secret in KNOWN_SECRETS {
        assert!(!all.contains(secret), "`{secret}` leaked into the events");
    }
    assert!(outcome.redactor.needle_count() > 0);
}

#[tokio::test]
async fn timeouts_are_retried() {
    // Half the attempts are answered after 600 ms; the policy gives up waiting after 200 ms. The
    // demo's draws are seeded, so the same attempts are slow on every run.
    let server = demo(500, "slow=0.5,slow-delay=600ms").await;
    let mut config = connector(server.base_url(), json!({}), offset_endpoint());
    config["sluice"]["retry"]["request_timeout_seconds"] = json!(0.2);
    let outcome = run(config).await;
    assert_eq!(outcome.ids(), ids(1..=500));
    let timeouts = outcome
        .count(|k| matches!(k, EventKind::Retry { reason, .. } if reason.starts_with("timed out")));
    assert!(timeouts > 0);
    assert_eq!(outcome.requests().len(), 10 + timeouts);
}
