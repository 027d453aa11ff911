//! Several resources at once: every record of each, pages labelled with their resource, at most
//! `concurrency` running together.

use std::sync::Arc;

use serde_json::{json, Value};
use sluice_engine::{Engine, EngineOptions};
use sluice_secrets::Redactor;

use crate::common::{demo, ids, secret, RecordingSleeper};

fn three_resources(base_url: &str) -> Value {
    let offset = json!({"type": "offset", "limit": 50});
    json!({
        "client": {"base_url": base_url},
        "resources": [
            {"name": "a", "endpoint": {"path": "paging/offset", "paginator": offset}},
            {"name": "b", "endpoint": {"path": "paging/offset_has_more", "paginator":
                {"type": "offset", "limit": 50, "total_path": null, "has_more_path": "has_more"}}},
            {"name": "c", "endpoint": {"path": "paging/cursor", "params": {"limit": 50},
                                       "paginator": {"type": "cursor", "cursor_path": "next_cursor"}}}
        ]
    })
}

/// The resource of each page, in arrival order.
async fn page_order(concurrency: usize) -> Vec<String> {
    // Every answer takes 40 ms, so resources running together interleave their pages.
    let server = demo(150, "slow=1,slow-delay=40ms").await;
    let config = sluice_config::from_value(&three_resources(server.base_url())).expect("valid");
    let options = EngineOptions {
        sleeper: Arc::new(RecordingSleeper::default()),
        ..EngineOptions::default()
    };
    let engine = Engine::new(config, secret, Redactor::new(), options).expect("engine");
    let (pages, events, outcomes) = engine
        .extract_many(&[("a", None), ("b", None), ("c", None)], concurrency)
        .expect("starts")
        .collect()
        .await;
    let names: Vec<&str> = outcomes.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    for (name, outcome) in &outcomes {
        let summary = outcome.as_ref().expect("each resource succeeds");
        assert_eq!(summary.records, 150, "{name}");
        let got: Vec<u64> = pages
            .iter()
            .filter(|p| &p.resource == name)
            .flat_map(|p| &p.records)
            .map(|r| r["id"].as_u64().expect("id"))
            .collect();
        assert_eq!(got, ids(1..=150), "{name}");
        assert!(events.iter().any(|e| &e.resource == name));
    }
    pages.into_iter().map(|p| p.resource).collect()
}

/// How often consecutive pages come from different resources.
fn switches(order: &[String]) -> usize {
    order.windows(2).filter(|w| w[0] != w[1]).count()
}

#[tokio::test]
async fn one_at_a_time_keeps_resources_apart() {
    let order = page_order(1).await;
    assert_eq!(switches(&order), 2, "{order:?}");
}

#[tokio::test]
async fn resources_run_together() {
    let order = page_order(3).await;
    assert!(switches(&order) > 2, "{order:?}");
}
