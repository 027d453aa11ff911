//! A broken or hostile API ends the resource with a plain error, in bounded memory and time: a
//! gzip bomb and an endless body stop at the answer cap, endless pagination at the page limit,
//! and a paginator that asks for the same page again as soon as it does.

use serde_json::{json, Value};

use crate::common::{connector, demo, run};

/// `connector` with the demo's hostile endpoint and the limits under test.
fn hostile(base_url: &str, path: &str, paginator: Value, limits: Value) -> Value {
    let mut config = connector(
        base_url,
        json!({}),
        json!({"path": path, "paginator": paginator}),
    );
    if let (Some(retry), Value::Object(limits)) =
        (config["sluice"]["retry"].as_object_mut(), limits)
    {
        retry.extend(limits);
    }
    config
}

fn cursor() -> Value {
    json!({"type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor"})
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gzip_bomb_ends_at_the_answer_cap_counted_after_decompression() {
    let server = demo(10, "").await;
    let outcome = run(hostile(
        server.base_url(),
        "hostile/gzip_bomb",
        json!({"type": "single_page"}),
        json!({"max_response_megabytes": 16}),
    ))
    .await;
    let error = outcome.error();
    assert!(error.contains("larger than 16 MB"), "{error}");
    assert!(error.contains("hostile/gzip_bomb"), "{error}");
    assert!(error.ends_with("(page 1)"), "names the page: {error}");
    assert!(outcome.pages.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_body_ends_at_the_answer_cap() {
    let server = demo(10, "").await;
    let started = std::time::Instant::now();
    let outcome = run(hostile(
        server.base_url(),
        "hostile/endless",
        json!({"type": "single_page"}),
        json!({"max_response_megabytes": 4}),
    ))
    .await;
    let error = outcome.error();
    assert!(error.contains("larger than 4 MB"), "{error}");
    assert!(error.ends_with("(page 1)"), "names the page: {error}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "it did not wait for the request timeout"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn endless_pagination_with_fresh_cursors_ends_at_the_page_limit() {
    let server = demo(10, "").await;
    let outcome = run(hostile(
        server.base_url(),
        "hostile/fresh_cursors",
        cursor(),
        json!({"max_pages": 50}),
    ))
    .await;
    let error = outcome.error();
    assert!(
        error.contains("stopped after page 50, the limit of 50 pages"),
        "{error}"
    );
    assert_eq!(outcome.requests().len(), 50);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_cursor_again_ends_the_resource_at_once() {
    let server = demo(10, "").await;
    let outcome = run(hostile(
        server.base_url(),
        "hostile/same_cursor",
        cursor(),
        json!({}),
    ))
    .await;
    let error = outcome.error();
    // Page 2 asks for cursor=again; page 3 would ask for it again.
    assert!(error.contains("page 3 would ask for"), "{error}");
    assert!(error.contains("as page 2 did"), "{error}");
    assert!(error.contains("cursor=again"), "{error}");
    assert_eq!(outcome.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_limit_of_zero_means_none() {
    let server = demo(250, "").await;
    let outcome = run(hostile(
        server.base_url(),
        "paging/offset",
        json!({"type": "offset", "limit": 10}),
        json!({"max_pages": 0}),
    ))
    .await;
    assert_eq!(outcome.ids().len(), 250, "25 pages read with no limit");
}
