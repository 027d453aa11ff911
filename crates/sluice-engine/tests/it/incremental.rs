//! Incremental runs against the demo's tickets (ordered by `updated_at`, filtered by the
//! inclusive `updated_since`): each config style across two runs with a change in between.

use std::sync::Arc;

use serde_json::{json, Value};
use sluice_demo::DemoServer;
use sluice_engine::{Engine, EngineOptions, IncrementalState, ResourceState, Summary};
use sluice_secrets::Redactor;

use crate::common::{demo, secret, RecordingSleeper};

const START: &str = "2000-01-01T00:00:00Z";

fn tickets(server: &DemoServer, endpoint: Value) -> Value {
    json!({
        "client": {"base_url": server.base_url(),
                   "auth": {"type": "oauth2", "token_url": server.token_url(),
                            "client_id": {"$secret": "client_id"},
                            "client_secret": {"$secret": "client_secret"}}},
        "resources": [{"name": "tickets", "primary_key": "id", "endpoint": endpoint}],
        "sluice": {"retry": {"backoff_factor": 0.01}}
    })
}

struct Run {
    records: Vec<Value>,
    requests: Vec<String>,
    summary: Summary,
}

async fn extract(config: &Value, state: Option<&IncrementalState>) -> Run {
    let state = ResourceState {
        own: state.cloned(),
        ..ResourceState::default()
    };
    extract_resource(config, "tickets", &state).await
}

async fn extract_resource(config: &Value, name: &str, state: &ResourceState) -> Run {
    let config = sluice_config::from_value(config).expect("valid connector");
    let options = EngineOptions {
        sleeper: Arc::new(RecordingSleeper::default()),
        ..EngineOptions::default()
    };
    let engine = Engine::new(config, secret, Redactor::new(), options).expect("engine");
    let run = engine
        .extract_with_state(name, state)
        .expect("extraction starts");
    let (pages, events, result) = run.collect().await;
    let requests = events
        .iter()
        .filter_map(|e| match &e.kind {
            sluice_engine::EventKind::Request { url, .. } => Some(url.clone()),
            _ => None,
        })
        .collect();
    Run {
        records: pages.into_iter().flat_map(|p| p.records).collect(),
        requests,
        summary: result.expect("extraction succeeds"),
    }
}

fn ids(records: &[Value]) -> Vec<u64> {
    let mut ids: Vec<u64> = records
        .iter()
        .map(|r| r["id"].as_u64().expect("id"))
        .collect();
    ids.sort_unstable();
    ids
}

fn updated_at(record: &Value) -> &str {
    record["updated_at"].as_str().expect("updated_at")
}

/// Every ticket changed after `newest`, read in full from the API.
async fn changed_since(server: &DemoServer, newest: &str) -> Vec<Value> {
    let everything = extract(
        &tickets(
            server,
            json!({"path": "v1/support/tickets", "params": {"limit": 100}}),
        ),
        None,
    )
    .await;
    everything
        .records
        .into_iter()
        .filter(|r| updated_at(r) > newest)
        .collect()
}

/// Runs `endpoint` twice with `server.advance()` in between and checks the second run gets
/// exactly the tickets changed since the first, judged against a full read of the tickets.
async fn two_runs(endpoint: Value, sends_since: bool) {
    let server = demo(300, "").await;
    let config = tickets(&server, endpoint);
    let first = extract(&config, None).await;
    assert_eq!(ids(&first.records), (1..=300).collect::<Vec<_>>());
    let state = first
        .summary
        .incremental
        .clone()
        .expect("state after the first run");
    let last = state.last_value.clone().expect("a last value");
    let newest = first.records.iter().map(updated_at).max().expect("records");
    assert_eq!(last, json!(newest));
    assert!(!state.unique_hashes.is_empty());

    server.advance();
    let changed = changed_since(&server, newest).await;
    assert!(!changed.is_empty());

    let second = extract(&config, Some(&state)).await;
    assert_eq!(ids(&second.records), ids(&changed));
    if sends_since {
        assert!(
            second.requests[0].contains(&format!("updated_since={}", newest.replace(':', "%3A"))),
            "{:?}",
            second.requests
        );
    }
    let next = second
        .summary
        .incremental
        .expect("state after the second run");
    let next_last = next.last_value.expect("last");
    assert!(next_last.as_str().expect("text") > newest);
}

fn cursor() -> Value {
    json!({"type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor"})
}

#[tokio::test]
async fn endpoint_incremental_with_a_placeholder() {
    two_runs(
        json!({"path": "v1/support/tickets", "paginator": cursor(),
               "params": {"limit": 100, "updated_since": "{incremental.start_value}"},
               "incremental": {"cursor_path": "updated_at", "initial_value": START}}),
        true,
    )
    .await;
}

#[tokio::test]
async fn endpoint_incremental_with_start_param() {
    two_runs(
        json!({"path": "v1/support/tickets", "paginator": cursor(), "params": {"limit": 100},
               "incremental": {"cursor_path": "updated_at", "initial_value": START,
                               "start_param": "updated_since"}}),
        true,
    )
    .await;
}

#[tokio::test]
async fn an_incremental_param() {
    two_runs(
        json!({"path": "v1/support/tickets", "paginator": cursor(),
               "params": {"limit": 100,
                          "updated_since": {"type": "incremental", "cursor_path": "updated_at",
                                            "initial_value": START}}}),
        true,
    )
    .await;
}

#[tokio::test]
async fn client_side_filtering_alone_when_the_api_cannot_filter() {
    // No parameter reaches the API: every run reads everything and the engine keeps the rest.
    two_runs(
        json!({"path": "v1/support/tickets", "paginator": cursor(), "params": {"limit": 100},
               "incremental": {"cursor_path": "updated_at", "initial_value": START}}),
        false,
    )
    .await;
}

#[tokio::test]
async fn an_end_value_closes_the_range_and_keeps_no_state() {
    let server = demo(300, "").await;
    let everything = extract(
        &tickets(
            &server,
            json!({"path": "v1/support/tickets", "params": {"limit": 100}}),
        ),
        None,
    )
    .await;
    let mut stamps: Vec<&str> = everything.records.iter().map(updated_at).collect();
    stamps.sort_unstable();
    let (from, to) = (stamps[50], stamps[150]);
    let run = extract(
        &tickets(
            &server,
            json!({"path": "v1/support/tickets", "paginator": cursor(), "params": {"limit": 100},
                   "incremental": {"cursor_path": "updated_at", "initial_value": from,
                                   "end_value": to, "range_start": "open"}}),
        ),
        None,
    )
    .await;
    let expected: Vec<Value> = everything
        .records
        .iter()
        .filter(|r| updated_at(r) > from && updated_at(r) < to)
        .cloned()
        .collect();
    assert_eq!(ids(&run.records), ids(&expected));
    assert_eq!(run.summary.incremental, None);
}

#[tokio::test]
async fn row_order_ends_paging_once_the_range_is_passed() {
    let server = demo(300, "").await;
    let everything = extract(
        &tickets(
            &server,
            json!({"path": "v1/support/tickets", "params": {"limit": 100}}),
        ),
        None,
    )
    .await;
    let mut stamps: Vec<&str> = everything.records.iter().map(updated_at).collect();
    stamps.sort_unstable();
    let end = stamps[60];
    let run = extract(
        &tickets(
            &server,
            json!({"path": "v1/support/tickets", "paginator": cursor(), "params": {"limit": 50},
                   "incremental": {"cursor_path": "updated_at", "initial_value": START,
                                   "end_value": end, "row_order": "asc"}}),
        ),
        None,
    )
    .await;
    let expected: Vec<Value> = everything
        .records
        .iter()
        .filter(|r| updated_at(r) < end)
        .cloned()
        .collect();
    assert_eq!(ids(&run.records), ids(&expected));
    assert_eq!(
        run.requests.len(),
        2,
        "the tickets come sorted; page 3 is not needed"
    );
    assert_eq!(
        run.summary.stop_reason,
        "stopped: `updated_at` left the incremental range and the records are sorted \
         (row_order) on page 2"
    );
}

/// dlt's own template shape: a parent with an incremental cursor and a child fetched per parent
/// record. The second run reads the tickets changed since the first and fetches only their
/// comments; the child's copy of the parent's cursor is what moves on.
#[tokio::test]
async fn an_incremental_parent_fetches_the_children_of_changed_parents_only() {
    let server = demo(300, "").await;
    let mut config = tickets(
        &server,
        json!({"path": "v1/support/tickets", "paginator": cursor(),
               "params": {"limit": 100, "updated_since": "{incremental.start_value}"},
               "incremental": {"cursor_path": "updated_at", "initial_value": START}}),
    );
    config["resources"].as_array_mut().expect("resources").push(
        json!({"name": "comments", "primary_key": "id",
                     "endpoint": {"path": "v1/support/tickets/{resources.tickets.id}/comments",
                                  "data_selector": "data", "paginator": "single_page"}}),
    );
    let comment_requests = |run: &Run| {
        run.requests
            .iter()
            .filter(|u| u.contains("/comments"))
            .count()
    };
    let tickets_of = |run: &Run| {
        let mut ids: Vec<u64> = run
            .records
            .iter()
            .map(|c| c["ticket_id"].as_u64().expect("ticket_id"))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };

    let first = extract_resource(&config, "comments", &ResourceState::default()).await;
    assert_eq!(comment_requests(&first), 300);
    assert_eq!(tickets_of(&first), (1..=300).collect::<Vec<_>>());
    assert_eq!(
        first.summary.incremental, None,
        "the child has no cursor of its own"
    );
    let state = ResourceState {
        own: None,
        parents: first.summary.parents_incremental.clone(),
    };
    let parent = state.parents.get("tickets").expect("the parent's cursor");
    let newest = extract(&config, None)
        .await
        .records
        .iter()
        .map(|t| updated_at(t).to_owned())
        .max()
        .expect("tickets");
    assert_eq!(parent.last_value, Some(json!(newest)));

    server.advance();
    let changed = ids(&changed_since(&server, &newest).await);
    assert!(!changed.is_empty());
    let second = extract_resource(&config, "comments", &state).await;
    assert_eq!(
        tickets_of(&second),
        changed,
        "comments of the changed tickets only"
    );
    assert_eq!(comment_requests(&second), changed.len());
    let moved = second.summary.parents_incremental["tickets"]
        .last_value
        .clone()
        .expect("last");
    assert!(moved.as_str().expect("text") > newest.as_str());
}
