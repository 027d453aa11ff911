//! The records' shapes: what a loader must cope with, and determinism.

use serde_json::Value;
use sluice_demo::{DemoOptions, DemoServer, DEMO_API_KEY};

use crate::common::{client, get_ok, start, TestResult};

fn is_iso_timestamp(value: &Value) -> bool {
    value.as_str().is_some_and(|text| {
        let b = text.as_bytes();
        b.len() == 20
            && b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b'T'
            && b[13] == b':'
            && b[19] == b'Z'
    })
}

#[tokio::test]
async fn marketing_events_hold_every_tricky_shape() -> TestResult {
    let server = start(200).await?;
    let client = client();
    let mut records = Vec::new();
    for offset in [0, 100] {
        let page = get_ok(
            &client,
            &server.url(&format!("/paging/offset?offset={offset}&limit=100")),
        )
        .await?;
        records.extend(page.body["data"].as_array().ok_or("data")?.iter().cloned());
    }
    let first = &records[0];
    assert!(
        first["campaign"]["budget"]["amount"].is_f64(),
        "nested objects two deep: {first}"
    );
    assert!(
        first["touchpoints"]
            .as_array()
            .is_some_and(|t| !t.is_empty() && t[0].is_object()),
        "array of objects"
    );
    assert!(
        records.iter().any(|r| r["tags"]
            .as_array()
            .is_some_and(|t| !t.is_empty() && t[0].is_string())),
        "array of scalars"
    );
    assert!(
        records
            .iter()
            .any(|r| r["tags"].as_array().is_some_and(Vec::is_empty)),
        "an empty array"
    );
    assert!(records.iter().any(|r| r["revenue"].is_null()), "nulls");
    assert!(
        is_iso_timestamp(&first["occurredAt"]),
        "camelCase key with an ISO timestamp: {}",
        first["occurredAt"]
    );
    assert!(
        first.get("Some Field!").is_some() && first.get("@odata.id").is_some(),
        "odd keys"
    );
    assert!(
        records[..100].iter().all(|r| r["score"].is_u64()),
        "score is a number in the first half"
    );
    assert!(
        records[100..].iter().all(|r| r["score"].is_string()),
        "and text in the second half"
    );
    Ok(())
}

#[tokio::test]
async fn the_same_seed_serves_the_same_bytes() -> TestResult {
    let client = client();
    let a = start(50).await?;
    let b = start(50).await?;
    let other = DemoServer::start(DemoOptions {
        records: 50,
        seed: 7,
        ..DemoOptions::default()
    })
    .await?;
    let path = format!("/v1/database/customers?api_key={DEMO_API_KEY}");
    let body = |server: &DemoServer| {
        let url = server.url(&path);
        let client = client.clone();
        async move { client.get(url).send().await?.text().await }
    };
    let (a, b, other) = (body(&a).await?, body(&b).await?, body(&other).await?);
    assert_eq!(a, b);
    assert_ne!(a, other, "another seed, other values");
    Ok(())
}
