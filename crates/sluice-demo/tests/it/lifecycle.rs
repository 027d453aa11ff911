//! Starting, addressing and stopping the server; the index and unknown paths.

use reqwest::StatusCode;
use sluice_demo::{DemoOptions, DemoServer, Error};

use crate::common::{client, get, get_ok, start, TestResult};

#[tokio::test]
async fn starts_on_an_ephemeral_port_and_stops_cleanly() -> TestResult {
    let server = start(10).await?;
    let addr = server.addr();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    assert_eq!(
        server.base_url(),
        format!("http://127.0.0.1:{}", addr.port())
    );
    let health = get_ok(&client(), &server.url("/health")).await?;
    assert_eq!(health.body["status"], "ok");
    server.shutdown().await?;
    let after = reqwest::Client::new()
        .get(format!("http://{addr}/health"))
        .send()
        .await;
    assert!(after.is_err(), "nothing listens after shutdown: {after:?}");
    Ok(())
}

#[tokio::test]
async fn a_taken_port_is_a_bind_error() -> TestResult {
    let first = start(10).await?;
    let port = first.addr().port();
    let second = DemoServer::start(DemoOptions {
        port,
        ..DemoOptions::default()
    })
    .await;
    assert!(
        matches!(second, Err(Error::Bind { port: p, .. }) if p == port),
        "{second:?}"
    );
    Ok(())
}

#[tokio::test]
async fn dropping_the_server_stops_it() -> TestResult {
    let server = start(10).await?;
    let addr = server.addr();
    drop(server);
    // The listener closes once the aborted task is dropped by the runtime.
    let mut refused = false;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(refused, "the port still accepts connections after drop");
    Ok(())
}

#[tokio::test]
async fn invalid_options_are_refused_at_start() -> TestResult {
    let zero_lifetime = DemoServer::start(DemoOptions {
        token_lifetime: std::time::Duration::ZERO,
        ..DemoOptions::default()
    })
    .await;
    assert!(
        matches!(zero_lifetime, Err(Error::InvalidOptions(_))),
        "{zero_lifetime:?}"
    );
    let mut faults = sluice_demo::FaultOptions::none();
    faults.server_errors = 0.8;
    faults.html_error_page = 0.8;
    let too_many = DemoServer::start(DemoOptions {
        faults,
        ..DemoOptions::default()
    })
    .await;
    assert!(
        matches!(too_many, Err(Error::InvalidFaultOption { .. })),
        "{too_many:?}"
    );
    Ok(())
}

#[tokio::test]
async fn the_index_lists_endpoints_and_credentials() -> TestResult {
    let server = start(10).await?;
    let index = get_ok(&client(), &server.url("/")).await?;
    assert_eq!(
        index.body["credentials"]["oauth2"]["token_url"],
        server.token_url()
    );
    assert_eq!(
        index.body["credentials"]["oauth2"]["client_id"],
        sluice_demo::DEMO_CLIENT_ID
    );
    let paths: Vec<&str> = index.body["endpoints"]
        .as_array()
        .ok_or("endpoints")?
        .iter()
        .filter_map(|e| e["path"].as_str())
        .collect();
    for path in [
        "/v1/marketing_data",
        "/paging/link_header",
        "/auth/api_key/cookie",
    ] {
        assert!(paths.contains(&path), "{path} missing from the index");
    }
    Ok(())
}

#[tokio::test]
async fn unknown_paths_are_json_404s_and_requests_are_counted() -> TestResult {
    let server = start(10).await?;
    let client = client();
    let answer = get(&client, &server.url("/v2/nothing")).await?;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.body["error"], "not_found");
    let before = server.stats().requests;
    get_ok(&client, &server.url("/paging/single")).await?;
    get_ok(&client, &server.url("/paging/offset")).await?;
    assert_eq!(server.stats().requests - before, 2);
    Ok(())
}
