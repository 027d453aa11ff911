//! Each fault option is visible on the wire, faults are reproducible, and a retrying client gets
//! every record exactly once.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use reqwest::StatusCode;
use sluice_demo::DemoServer;

use crate::common::{access_token, client, send, start, start_with_faults, TestResult};

const PAGE: &str = "/paging/offset?offset=0&limit=10";

#[tokio::test]
async fn server_errors_use_every_5xx_code_and_stop_after_the_cap() -> TestResult {
    let server = start_with_faults(100, "5xx=1").await?;
    let client = client();
    let mut codes = BTreeMap::new();
    for offset in 0..40 {
        let status = client
            .get(server.url(&format!("/paging/offset?offset={offset}")))
            .send()
            .await?
            .status();
        *codes.entry(status.as_u16()).or_insert(0) += 1;
    }
    assert_eq!(
        codes.keys().copied().collect::<Vec<_>>(),
        [500, 502, 503, 504],
        "{codes:?}"
    );
    let attempts: Vec<u16> = futures_attempts(&client, &server.url(PAGE), 3).await?;
    assert!(attempts[0] >= 500 && attempts[1] >= 500, "{attempts:?}");
    assert_eq!(
        attempts[2], 200,
        "max-per-request=2 lets the third attempt through: {attempts:?}"
    );
    Ok(())
}

async fn futures_attempts(client: &reqwest::Client, url: &str, n: usize) -> TestResult<Vec<u16>> {
    let mut statuses = Vec::new();
    for _ in 0..n {
        statuses.push(client.get(url).send().await?.status().as_u16());
    }
    Ok(statuses)
}

#[tokio::test]
async fn rate_limits_say_retry_after_in_seconds() -> TestResult {
    let server = start_with_faults(100, "429=1,retry-after=7,retry-after-format=seconds").await?;
    let response = client().get(server.url(PAGE)).send().await?;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str())
            .transpose()?,
        Some("7")
    );
    Ok(())
}

#[tokio::test]
async fn rate_limits_say_retry_after_as_an_http_date() -> TestResult {
    let server = start_with_faults(100, "429=1,retry-after=30,retry-after-format=date").await?;
    let response = client().get(server.url(PAGE)).send().await?;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let value = response
        .headers()
        .get("retry-after")
        .ok_or("Retry-After")?
        .to_str()?
        .to_string();
    let at = httpdate::parse_http_date(&value)
        .map_err(|e| format!("`{value}` is not an HTTP date: {e}"))?;
    let wait = at.duration_since(SystemTime::now()).unwrap_or_default();
    assert!(
        (Duration::from_secs(28)..=Duration::from_secs(31)).contains(&wait),
        "{value} is {wait:?} away"
    );
    Ok(())
}

#[tokio::test]
async fn mixed_retry_after_uses_both_forms() -> TestResult {
    let server = start_with_faults(100, "429=1").await?;
    let client = client();
    let (mut seconds, mut dates) = (0, 0);
    for offset in 0..30 {
        let response = client
            .get(server.url(&format!("/paging/offset?offset={offset}")))
            .send()
            .await?;
        let value = response
            .headers()
            .get("retry-after")
            .ok_or("Retry-After")?
            .to_str()?
            .to_string();
        if value.parse::<u64>().is_ok() {
            seconds += 1;
        } else if httpdate::parse_http_date(&value).is_ok() {
            dates += 1;
        }
    }
    assert!(
        seconds > 0 && dates > 0 && seconds + dates == 30,
        "{seconds} seconds, {dates} dates"
    );
    Ok(())
}

#[tokio::test]
async fn slow_responses_arrive_late_but_whole() -> TestResult {
    let server = start_with_faults(100, "slow=1,slow-delay=300ms").await?;
    let started = Instant::now();
    let answer = send(client().get(server.url(PAGE))).await?;
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body["data"].as_array().map(Vec::len), Some(10));
    Ok(())
}

#[tokio::test]
async fn malformed_json_is_a_200_that_does_not_parse() -> TestResult {
    let server = start_with_faults(100, "malformed=1").await?;
    let response = client().get(server.url(PAGE)).send().await?;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .map(|v| v.to_str())
            .transpose()?,
        Some("application/json")
    );
    let text = response.text().await?;
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_err(),
        "parsed: {text}"
    );
    Ok(())
}

#[tokio::test]
async fn truncated_bodies_are_a_prefix_of_the_real_page() -> TestResult {
    let clean = start(100).await?;
    let faulty = start_with_faults(100, "truncated=1").await?;
    let client = client();
    let full = client.get(clean.url(PAGE)).send().await?.text().await?;
    let response = client.get(faulty.url(PAGE)).send().await?;
    assert_eq!(response.status(), StatusCode::OK);
    let cut = response.text().await?;
    assert!(
        !cut.is_empty() && cut.len() < full.len(),
        "{} of {} bytes",
        cut.len(),
        full.len()
    );
    assert!(
        full.starts_with(&cut),
        "the cut body is the start of the real one"
    );
    assert!(serde_json::from_str::<serde_json::Value>(&cut).is_err());
    Ok(())
}

#[tokio::test]
async fn html_error_pages_come_with_status_200() -> TestResult {
    let server = start_with_faults(100, "html=1").await?;
    let response = client().get(server.url(PAGE)).send().await?;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response
        .headers()
        .get("content-type")
        .ok_or("content type")?
        .to_str()?
        .to_string();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(response.text().await?.starts_with("<!DOCTYPE html>"));
    Ok(())
}

#[tokio::test]
async fn closed_connections_fail_mid_body() -> TestResult {
    let server = start_with_faults(100, "close=1").await?;
    let response = client().get(server.url(PAGE)).send().await?;
    assert_eq!(response.status(), StatusCode::OK, "the headers arrive");
    let body = response.bytes().await;
    assert!(
        body.is_err(),
        "the client sees the body fail, got {} bytes",
        body.map(|b| b.len()).unwrap_or(0)
    );
    Ok(())
}

#[tokio::test]
async fn the_token_endpoint_is_spared_unless_asked() -> TestResult {
    let client = client();
    let spared = start_with_faults(10, "5xx=1").await?;
    access_token(&client, &spared).await?;
    let health = client.get(spared.url("/health")).send().await?;
    assert_eq!(
        health.status(),
        StatusCode::OK,
        "control endpoints are never faulted"
    );

    let hit = start_with_faults(10, "5xx=1,token").await?;
    let first = client
        .post(hit.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", sluice_demo::DEMO_CLIENT_ID),
            ("client_secret", sluice_demo::DEMO_CLIENT_SECRET),
        ])
        .send()
        .await?;
    assert!(first.status().is_server_error(), "{}", first.status());
    Ok(())
}

/// What one attempt of a retrying client saw.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Page,
    Status(u16),
    BadBody,
    Broken,
}

/// A client like the engine's: up to 4 attempts on 429/5xx, invalid bodies and broken
/// connections. Returns the ids it got and every attempt's outcome.
async fn retrying_walk(
    server: &DemoServer,
    page_size: u64,
) -> TestResult<(Vec<u64>, Vec<Outcome>)> {
    let client = client();
    let mut ids = Vec::new();
    let mut log = Vec::new();
    let mut offset = 0;
    loop {
        let url = server.url(&format!("/paging/offset?offset={offset}&limit={page_size}"));
        let mut page = None;
        for _ in 0..4 {
            let outcome = match client.get(&url).send().await {
                Err(_) => Outcome::Broken,
                Ok(response) if !response.status().is_success() => {
                    Outcome::Status(response.status().as_u16())
                }
                Ok(response) => match response.bytes().await {
                    Err(_) => Outcome::Broken,
                    Ok(bytes) => match serde_json::from_slice::<serde_json::Value>(&bytes) {
                        Ok(body) if body["data"].is_array() => {
                            page = Some(body);
                            Outcome::Page
                        }
                        _ => Outcome::BadBody,
                    },
                },
            };
            log.push(outcome);
            if page.is_some() {
                break;
            }
        }
        let page =
            page.ok_or_else(|| format!("{url} failed 4 times: {:?}", &log[log.len() - 4..]))?;
        ids.extend(crate::common::ids(&page)?);
        offset += page_size;
        if offset >= page["total"].as_u64().ok_or("total")? {
            return Ok((ids, log));
        }
    }
}

const EVERY_FAULT: &str =
    "5xx=0.15,429=0.1,retry-after=0,malformed=0.05,truncated=0.05,html=0.05,close=0.05,slow=0.05,slow-delay=5ms";

#[tokio::test]
async fn a_retrying_client_gets_every_record_exactly_once_and_reproducibly() -> TestResult {
    let first = start_with_faults(2000, EVERY_FAULT).await?;
    let (ids, log) = retrying_walk(&first, 50).await?;
    assert_eq!(
        ids,
        (1..=2000).collect::<Vec<_>>(),
        "every record once, in order"
    );
    let failures = log.iter().filter(|o| **o != Outcome::Page).count();
    assert!(
        failures >= 10,
        "only {failures} failed attempts in {} — faults are not injected",
        log.len()
    );
    for kind in [Outcome::BadBody, Outcome::Broken] {
        assert!(
            log.contains(&kind),
            "no {kind:?} among {} attempts",
            log.len()
        );
    }
    assert!(
        log.iter().any(|o| matches!(o, Outcome::Status(429))),
        "no 429"
    );
    assert!(
        log.iter().any(|o| matches!(o, Outcome::Status(500..=504))),
        "no 5xx"
    );

    let second = start_with_faults(2000, EVERY_FAULT).await?;
    let (_, again) = retrying_walk(&second, 50).await?;
    assert_eq!(log, again, "the same seed gives the same faults");
    Ok(())
}
