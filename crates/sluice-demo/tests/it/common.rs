//! Starting servers and reading answers, shared by every test module.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;
use sluice_demo::{DemoOptions, DemoServer, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};

pub type TestResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

pub async fn start(records: u64) -> TestResult<DemoServer> {
    Ok(DemoServer::start(DemoOptions {
        records,
        ..DemoOptions::default()
    })
    .await?)
}

pub async fn start_with_faults(records: u64, faults: &str) -> TestResult<DemoServer> {
    Ok(DemoServer::start(DemoOptions {
        records,
        faults: faults.parse()?,
        ..DemoOptions::default()
    })
    .await?)
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .build()
        .expect("a default reqwest client builds")
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

/// Sends the request and parses the body as JSON, failing the test if it is not.
pub async fn send(request: reqwest::RequestBuilder) -> TestResult<Answer> {
    let response = request.send().await?;
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await?;
    let body = serde_json::from_str(&text)
        .map_err(|e| format!("answer ({status}) is not JSON: {e}: {text:.300}"))?;
    Ok(Answer {
        status,
        headers,
        body,
    })
}

pub async fn get(client: &reqwest::Client, url: &str) -> TestResult<Answer> {
    send(client.get(url)).await
}

/// A GET that must answer 200 with JSON.
pub async fn get_ok(client: &reqwest::Client, url: &str) -> TestResult<Answer> {
    let answer = get(client, url).await?;
    if answer.status != StatusCode::OK {
        return Err(format!("GET {url} answered {}: {}", answer.status, answer.body).into());
    }
    Ok(answer)
}

/// The `id` of every record under `data`.
pub fn ids(body: &Value) -> TestResult<Vec<u64>> {
    body["data"]
        .as_array()
        .ok_or_else(|| format!("no `data` array in {body:.300}"))?
        .iter()
        .map(|record| {
            record["id"]
                .as_u64()
                .ok_or_else(|| format!("record without id: {record}").into())
        })
        .collect()
}

/// Page boundaries expected from `count` records (ids from 1) in pages of `size`.
pub fn expected_pages(count: u64, size: u64) -> Vec<Vec<u64>> {
    (0..count.div_ceil(size))
        .map(|page| (page * size + 1..=((page + 1) * size).min(count)).collect())
        .collect()
}

pub async fn access_token(client: &reqwest::Client, server: &DemoServer) -> TestResult<String> {
    let answer = send(client.post(server.token_url()).form(&[
        ("grant_type", "client_credentials"),
        ("client_id", DEMO_CLIENT_ID),
        ("client_secret", DEMO_CLIENT_SECRET),
    ]))
    .await?;
    if answer.status != StatusCode::OK {
        return Err(format!("token endpoint answered {}: {}", answer.status, answer.body).into());
    }
    Ok(answer.body["access_token"]
        .as_str()
        .ok_or("no access_token")?
        .to_string())
}
