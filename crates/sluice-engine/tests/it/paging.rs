//! Every paginator against its `/paging/*` endpoint: exact records, exact requests, and the
//! sentence saying why paging stopped.

use serde_json::{json, Value};
use sluice_engine::{EngineOptions, EventKind};

use crate::common::{connector, demo, ids, run, run_with, RecordingSleeper};

async fn check(
    endpoint: serde_json::Value,
    records: u64,
    expected_ids: Vec<u64>,
    expected_requests: &[&str],
    stop: &str,
) {
    let server = demo(records, "").await;
    let outcome = run(connector(server.base_url(), json!({}), endpoint)).await;
    let summary = outcome.summary().clone();
    let base = server.base_url();
    let expected: Vec<String> = expected_requests
        .iter()
        .map(|path| format!("{base}{path}"))
        .collect();
    assert_eq!(outcome.requests(), expected);
    assert_eq!(outcome.ids(), expected_ids);
    assert_eq!(summary.stop_reason, stop);
    assert_eq!(summary.records, outcome.ids().len());
    assert_eq!(server.stats().requests, expected_requests.len() as u64);
}

#[tokio::test]
async fn offset_stops_at_the_total() {
    check(
        json!({"path": "paging/offset", "paginator": {"type": "offset", "limit": 100}}),
        250,
        ids(1..=250),
        &[
            "/paging/offset?offset=0&limit=100",
            "/paging/offset?offset=100&limit=100",
            "/paging/offset?offset=200&limit=100",
        ],
        "stopped: the next offset 300 is past `total` = 250 on page 3",
    )
    .await;
}

#[tokio::test]
async fn offset_without_total_stops_after_the_empty_page() {
    check(
        json!({"path": "paging/offset_no_total",
               "paginator": {"type": "offset", "limit": 100, "total_path": null}}),
        200,
        ids(1..=200),
        &[
            "/paging/offset_no_total?offset=0&limit=100",
            "/paging/offset_no_total?offset=100&limit=100",
            "/paging/offset_no_total?offset=200&limit=100",
        ],
        "stopped: page 3 was empty",
    )
    .await;
}

#[tokio::test]
async fn offset_without_total_path_fails_clearly_when_the_api_has_no_total() {
    let server = demo(50, "").await;
    let outcome = run(connector(
        server.base_url(),
        json!({}),
        json!({"path": "paging/offset_no_total", "paginator": {"type": "offset", "limit": 100}}),
    ))
    .await;
    assert_eq!(
        outcome.error(),
        "paginator: the total `total` was missing on page 1; set `total_path` to null if this \
         API reports no total"
    );
}

#[tokio::test]
async fn offset_has_more_and_maximum_offset() {
    check(
        json!({"path": "paging/offset_has_more",
               "paginator": {"type": "offset", "limit": 100, "total_path": null,
                             "has_more_path": "has_more"}}),
        250,
        ids(1..=250),
        &[
            "/paging/offset_has_more?offset=0&limit=100",
            "/paging/offset_has_more?offset=100&limit=100",
            "/paging/offset_has_more?offset=200&limit=100",
        ],
        "stopped: `has_more` was false on page 3",
    )
    .await;
    check(
        json!({"path": "paging/offset",
               "paginator": {"type": "offset", "limit": 100, "maximum_offset": 200}}),
        1000,
        ids(1..=200),
        &[
            "/paging/offset?offset=0&limit=100",
            "/paging/offset?offset=100&limit=100",
        ],
        "stopped: the next offset 200 reached the maximum_offset 200 on page 2",
    )
    .await;
}

#[tokio::test]
async fn offset_in_the_json_body() {
    check(
        json!({"path": "paging/post", "method": "POST", "json": {"filter": "all"},
               "paginator": {"type": "offset", "limit": 100,
                             "offset_body_path": "page.offset", "limit_body_path": "page.limit"}}),
        150,
        ids(1..=150),
        &["/paging/post", "/paging/post"],
        "stopped: the next offset 200 is past `total` = 150 on page 2",
    )
    .await;
}

#[tokio::test]
async fn page_number_from_zero_and_from_one() {
    check(
        json!({"path": "paging/page_number", "params": {"page_size": 100},
               "paginator": {"type": "page_number", "total_path": "total_pages"}}),
        250,
        ids(1..=250),
        &[
            "/paging/page_number?page_size=100&page=0",
            "/paging/page_number?page_size=100&page=1",
            "/paging/page_number?page_size=100&page=2",
        ],
        "stopped: the next page 3 is past `total_pages` = 3 on page 3",
    )
    .await;
    check(
        json!({"path": "paging/page_number_1", "params": {"page_size": 100},
               "paginator": {"type": "page_number", "base_page": 1, "total_path": "total_pages"}}),
        250,
        ids(1..=250),
        &[
            "/paging/page_number_1?page_size=100&page=1",
            "/paging/page_number_1?page_size=100&page=2",
            "/paging/page_number_1?page_size=100&page=3",
        ],
        "stopped: the next page 4 is past `total_pages` = 3 on page 3",
    )
    .await;
}

#[tokio::test]
async fn cursor_in_the_body_sent_as_a_query_param() {
    let server = demo(250, "").await;
    let outcome = run(connector(
        server.base_url(),
        json!({}),
        json!({"path": "paging/cursor", "params": {"limit": 100},
               "paginator": {"type": "cursor", "cursor_path": "next_cursor",
                             "cursor_param": "cursor"}}),
    ))
    .await;
    assert_eq!(outcome.ids(), ids(1..=250));
    let requests = outcome.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0], server.url("/paging/cursor?limit=100"));
    assert!(requests[1].starts_with(&server.url("/paging/cursor?limit=100&cursor=")));
    assert_eq!(
        outcome.summary().stop_reason,
        "stopped: `next_cursor` was null on page 3"
    );
}

#[tokio::test]
async fn header_cursor() {
    let server = demo(250, "").await;
    let outcome = run(connector(
        server.base_url(),
        json!({}),
        json!({"path": "paging/header_cursor", "params": {"limit": 100},
               "paginator": "header_cursor"}),
    ))
    .await;
    assert_eq!(outcome.ids(), ids(1..=250));
    assert_eq!(outcome.requests().len(), 3);
    assert_eq!(
        outcome.summary().stop_reason,
        "stopped: response header `next` was absent on page 3"
    );
}

#[tokio::test]
async fn json_link_relative_and_absolute() {
    check(
        json!({"path": "paging/json_link", "params": {"limit": 100}, "paginator": "json_link"}),
        250,
        ids(1..=250),
        &[
            "/paging/json_link?limit=100",
            "/paging/json_link?offset=100&limit=100",
            "/paging/json_link?offset=200&limit=100",
        ],
        "stopped: `next` was null on page 3",
    )
    .await;
    check(
        json!({"path": "paging/json_link_absolute", "params": {"limit": 100},
               "data_selector": "$.data[*]",
               "paginator": {"type": "json_link", "next_url_path": "links.next"}}),
        150,
        ids(1..=150),
        &[
            "/paging/json_link_absolute?limit=100",
            "/paging/json_link_absolute?offset=100&limit=100",
        ],
        "stopped: `links.next` was null on page 2",
    )
    .await;
}

#[tokio::test]
async fn header_link() {
    check(
        json!({"path": "paging/link_header", "params": {"per_page": 100},
               "paginator": "header_link"}),
        250,
        ids(1..=250),
        &[
            "/paging/link_header?per_page=100",
            "/paging/link_header?page=2&per_page=100",
            "/paging/link_header?page=3&per_page=100",
        ],
        "stopped: no `Link` header with rel=\"next\" on page 3",
    )
    .await;
}

#[tokio::test]
async fn single_page() {
    check(
        json!({"path": "paging/single", "paginator": "single_page"}),
        250,
        ids(1..=100),
        &["/paging/single"],
        "stopped: the single_page paginator reads one page (page 1)",
    )
    .await;
}

#[tokio::test]
async fn auto_detects_each_paginator_and_the_data_selector() {
    let cases = [
        (
            "paging/link_header",
            json!({"per_page": 100}),
            "header_link",
            3,
        ),
        ("paging/json_link", json!({"limit": 100}), "json_link", 3),
        (
            "paging/page_number",
            json!({"page_size": 100}),
            "page_number",
            3,
        ),
        ("paging/cursor", json!({"limit": 100}), "cursor", 3),
        ("paging/single", json!({}), "single_page", 1),
    ];
    for (path, params, detected, requests) in cases {
        let server = demo(250, "").await;
        let outcome = run(connector(
            server.base_url(),
            json!({}),
            json!({"path": path, "params": params}),
        ))
        .await;
        let expected = if detected == "single_page" {
            ids(1..=100)
        } else {
            ids(1..=250)
        };
        assert_eq!(outcome.ids(), expected, "{path}");
        assert_eq!(outcome.requests().len(), requests, "{path}");
        let detections: Vec<&str> = outcome
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Detected { reason, .. } => Some(reason.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(detections.len(), 2, "{path}: {detections:?}");
        assert_eq!(detections[0], "detected data_selector `data`");
        assert!(
            detections[1].starts_with(&format!("detected {detected}:")),
            "{path}: {detections:?}"
        );
    }
}

#[tokio::test]
async fn an_offset_answer_with_a_total_runs_as_dlt_detects_it_and_suggests_offset() {
    let server = demo(250, "").await;
    let outcome = run(connector(
        server.base_url(),
        json!({}),
        json!({"path": "paging/offset"}),
    ))
    .await;
    // dlt's detection reads this answer as one page; an exported pipeline does the same.
    assert_eq!(outcome.ids(), ids(1..=100));
    let detections: Vec<(&str, &Value)> = outcome
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Detected { reason, config } => Some((reason.as_str(), config)),
            _ => None,
        })
        .collect();
    assert_eq!(detections.len(), 3, "{detections:?}");
    assert!(detections[1].0.starts_with("detected single_page:"));
    assert_eq!(
        detections[2].0,
        "suggested offset: `total` = 250 with 100 records on page 1 → offset, limit 100 \
         (dlt's own detection picked single_page, which the run follows until you adopt this)"
    );
    assert_eq!(
        detections[2].1,
        &json!({"paginator": {"type": "offset", "limit": 100, "total_path": "total"}})
    );
}

#[tokio::test]
async fn a_records_path_that_matches_nothing_names_what_the_answer_holds() {
    let server = demo(250, "").await;
    let outcome = run(connector(
        server.base_url(),
        json!({}),
        json!({"path": "paging/offset", "data_selector": "results",
               "paginator": {"type": "offset", "limit": 100, "total_path": "total"}}),
    ))
    .await;
    assert_eq!(outcome.ids(), Vec::<u64>::new());
    let warning = outcome.summary().warning.clone().expect("a warning");
    assert!(
        warning.starts_with(
            "records path `results` matches nothing in the answer (its top-level keys: `data`, "
        ),
        "{warning}"
    );
    assert!(
        warning.contains("arrays found: `data` (100 items): check the resource's records path"),
        "{warning}"
    );
    let adopt: Vec<&Value> = outcome
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Detected { config, .. } => Some(config),
            _ => None,
        })
        .collect();
    assert_eq!(adopt, vec![&json!({"data_selector": "data"})]);

    // The right path says nothing of the kind.
    let outcome = run(connector(
        server.base_url(),
        json!({}),
        json!({"path": "paging/offset", "data_selector": "data",
               "paginator": {"type": "offset", "limit": 100, "total_path": "total"}}),
    ))
    .await;
    assert_eq!(outcome.ids(), ids(1..=250));
    assert_eq!(outcome.summary().warning, None);
}

#[tokio::test]
async fn the_same_page_twice_in_a_row_ends_the_run() {
    let server = demo(250, "").await;
    // `/paging/single` ignores `page`, so a page-number paginator never moves on.
    let outcome = run(connector(
        server.base_url(),
        json!({}),
        json!({"path": "paging/single",
               "paginator": {"type": "page_number", "total_path": null, "maximum_page": 50}}),
    ))
    .await;
    assert_eq!(
        outcome.error(),
        format!(
            "run stopped: page 2 ({}) is the same as page 1: the page_number paginator is not \
             moving on",
            server.url("/paging/single?page=1")
        )
    );
    assert_eq!(server.stats().requests, 2);
}

#[tokio::test]
async fn the_page_limit_ends_the_run() {
    let server = demo(1000, "").await;
    let outcome = run_with(
        connector(
            server.base_url(),
            json!({}),
            json!({"path": "paging/offset", "paginator": {"type": "offset", "limit": 100}}),
        ),
        EngineOptions {
            max_pages: Some(2),
            ..EngineOptions::default()
        },
        RecordingSleeper::default(),
    )
    .await;
    assert_eq!(
        outcome.error(),
        "run stopped: stopped after page 2, the limit of 2 pages; raise \"Most pages per \
         resource\" under Pipeline & retry if the API really has more"
    );
    assert_eq!(outcome.ids(), ids(1..=200));
}

#[tokio::test]
async fn auto_on_the_endpoint_does_not_override_the_client_paginator() {
    // dlt's precedence: an endpoint `auto` counts as no paginator, so the client's applies.
    let server = demo(250, "").await;
    let outcome = run(connector(
        server.base_url(),
        json!({"paginator": {"type": "offset", "limit": 100}}),
        json!({"path": "paging/offset", "paginator": "auto"}),
    ))
    .await;
    assert_eq!(outcome.ids(), ids(1..=250));
    assert_eq!(outcome.requests().len(), 3);
}
