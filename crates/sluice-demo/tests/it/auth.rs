//! Each auth scheme lets the right credentials through and answers 401 to wrong, missing,
//! expired or revoked ones.

use std::time::Duration;

use reqwest::StatusCode;
use sluice_demo::{
    DemoOptions, DemoServer, DEMO_API_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD,
    DEMO_TOKEN, DEMO_USERNAME,
};

use crate::common::{access_token, client, send, start, Answer, TestResult};

fn assert_401(answer: &Answer, what: &str) {
    assert_eq!(
        answer.status,
        StatusCode::UNAUTHORIZED,
        "{what}: {}",
        answer.body
    );
    assert!(
        answer.headers.contains_key("www-authenticate"),
        "{what}: a 401 carries WWW-Authenticate"
    );
    assert!(
        answer.body["message"].is_string(),
        "{what}: the 401 says why"
    );
}

#[tokio::test]
async fn token_endpoint_accepts_form_body_and_basic_client_auth() -> TestResult {
    let server = start(10).await?;
    let client = client();
    let by_form = send(client.post(server.token_url()).form(&[
        ("grant_type", "client_credentials"),
        ("client_id", DEMO_CLIENT_ID),
        ("client_secret", DEMO_CLIENT_SECRET),
        ("scope", "read"),
    ]))
    .await?;
    assert_eq!(by_form.status, StatusCode::OK, "{}", by_form.body);
    assert_eq!(by_form.body["token_type"], "Bearer");
    assert_eq!(by_form.body["expires_in"], 3600);
    assert_eq!(by_form.body["scope"], "read");
    assert!(by_form.body["access_token"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));

    let by_basic = send(
        client
            .post(server.token_url())
            .basic_auth(DEMO_CLIENT_ID, Some(DEMO_CLIENT_SECRET))
            .form(&[("grant_type", "client_credentials")]),
    )
    .await?;
    assert_eq!(by_basic.status, StatusCode::OK, "{}", by_basic.body);
    assert_ne!(
        by_basic.body["access_token"], by_form.body["access_token"],
        "each token is new"
    );
    assert_eq!(server.stats().tokens_issued, 2);
    Ok(())
}

#[tokio::test]
async fn token_endpoint_refuses_wrong_clients_and_grants() -> TestResult {
    let server = start(10).await?;
    let client = client();
    let wrong_secret = send(client.post(server.token_url()).form(&[
        ("grant_type", "client_credentials"),
        ("client_id", DEMO_CLIENT_ID),
        ("client_secret", "guess"),
    ]))
    .await?;
    assert_eq!(wrong_secret.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_secret.body["error"], "invalid_client");
    let wrong_basic = send(
        client
            .post(server.token_url())
            .basic_auth("someone", Some("else"))
            .form(&[("grant_type", "client_credentials")]),
    )
    .await?;
    assert_eq!(wrong_basic.status, StatusCode::UNAUTHORIZED);
    let no_client = send(
        client
            .post(server.token_url())
            .form(&[("grant_type", "client_credentials")]),
    )
    .await?;
    assert_eq!(no_client.status, StatusCode::UNAUTHORIZED);
    let wrong_grant = send(client.post(server.token_url()).form(&[
        ("grant_type", "password"),
        ("client_id", DEMO_CLIENT_ID),
        ("client_secret", DEMO_CLIENT_SECRET),
    ]))
    .await?;
    assert_eq!(wrong_grant.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong_grant.body["error"], "unsupported_grant_type");
    let not_a_form = send(
        client
            .post(server.token_url())
            .json(&serde_json::json!({"grant_type": "client_credentials"})),
    )
    .await?;
    assert_eq!(not_a_form.status, StatusCode::BAD_REQUEST);
    assert_eq!(server.stats().tokens_issued, 0, "no token for any of these");
    Ok(())
}

#[tokio::test]
async fn oauth2_resources_refuse_missing_forged_expired_and_revoked_tokens() -> TestResult {
    let server = DemoServer::start(DemoOptions {
        records: 10,
        token_lifetime: Duration::from_millis(300),
        ..DemoOptions::default()
    })
    .await?;
    let client = client();
    let url = server.url("/auth/oauth2");
    assert_401(&send(client.get(&url)).await?, "no token");
    assert_401(
        &send(
            client
                .get(&url)
                .bearer_auth("sdt.0.ffffffff.0.0123456789abcdef"),
        )
        .await?,
        "forged token",
    );
    assert_401(
        &send(client.get(&url).bearer_auth(DEMO_TOKEN)).await?,
        "the static bearer token",
    );

    let token = access_token(&client, &server).await?;
    assert_eq!(
        send(client.get(&url).bearer_auth(&token)).await?.status,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let expired = send(client.get(&url).bearer_auth(&token)).await?;
    assert_401(&expired, "expired token");
    assert!(
        expired.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("expired")),
        "{}",
        expired.body
    );

    let token = access_token(&client, &server).await?;
    server.revoke_tokens();
    let revoked = send(client.get(&url).bearer_auth(&token)).await?;
    assert_401(&revoked, "revoked token");
    let fresh = access_token(&client, &server).await?;
    assert_eq!(
        send(client.get(&url).bearer_auth(&fresh)).await?.status,
        StatusCode::OK
    );
    Ok(())
}

#[tokio::test]
async fn every_oauth2_seed_resource_refuses_a_missing_token() -> TestResult {
    let server = start(10).await?;
    let client = client();
    for path in [
        "/v1/marketing_data",
        "/v1/analytics/events",
        "/v1/resource",
        "/v1/support/brands",
        "/v1/support/groups",
        "/v1/support/organizations",
        "/v1/support/organizations/1/members",
        "/v1/support/tickets",
        "/v1/support/tickets/1/comments",
    ] {
        assert_401(&send(client.get(server.url(path))).await?, path);
        assert_401(
            &send(client.get(server.url(path)).bearer_auth("wrong")).await?,
            path,
        );
    }
    for path in [
        "/v1/analytics/page_views",
        "/v1/database/customers",
        "/v1/resource",
    ] {
        assert_401(
            &send(client.get(server.url(&format!("{path}?api_key=wrong")))).await?,
            path,
        );
    }
    for path in ["/v1/analytics/page_views", "/v1/database/customers"] {
        assert_401(&send(client.get(server.url(path))).await?, path);
    }
    Ok(())
}

#[tokio::test]
async fn bearer_checks_the_static_token() -> TestResult {
    let server = start(10).await?;
    let client = client();
    let url = server.url("/auth/bearer");
    assert_eq!(
        send(client.get(&url).bearer_auth(DEMO_TOKEN)).await?.status,
        StatusCode::OK
    );
    assert_401(
        &send(client.get(&url).bearer_auth("not-the-token")).await?,
        "wrong bearer",
    );
    assert_401(&send(client.get(&url)).await?, "no bearer");
    assert_401(
        &send(client.get(&url).header("Authorization", DEMO_TOKEN)).await?,
        "token without the Bearer scheme",
    );
    Ok(())
}

#[tokio::test]
async fn basic_checks_user_and_password() -> TestResult {
    let server = start(10).await?;
    let client = client();
    let url = server.url("/auth/basic");
    assert_eq!(
        send(
            client
                .get(&url)
                .basic_auth(DEMO_USERNAME, Some(DEMO_PASSWORD))
        )
        .await?
        .status,
        StatusCode::OK
    );
    assert_401(
        &send(client.get(&url).basic_auth(DEMO_USERNAME, Some("wrong"))).await?,
        "wrong password",
    );
    assert_401(
        &send(client.get(&url).basic_auth("root", Some(DEMO_PASSWORD))).await?,
        "wrong user",
    );
    assert_401(
        &send(client.get(&url).header("Authorization", "Basic !!!")).await?,
        "garbled basic",
    );
    assert_401(&send(client.get(&url)).await?, "no credentials");
    Ok(())
}

#[tokio::test]
async fn api_key_in_header_query_and_cookie() -> TestResult {
    let server = start(10).await?;
    let client = client();
    let header = server.url("/auth/api_key/header");
    assert_eq!(
        send(client.get(&header).header("X-API-Key", DEMO_API_KEY))
            .await?
            .status,
        StatusCode::OK
    );
    assert_eq!(
        send(client.get(&header).header("Authorization", DEMO_API_KEY))
            .await?
            .status,
        StatusCode::OK,
        "dlt's default header name"
    );
    assert_401(
        &send(client.get(&header).header("X-API-Key", "wrong")).await?,
        "wrong header key",
    );
    assert_401(&send(client.get(&header)).await?, "no header key");

    let query = server.url("/auth/api_key/query");
    assert_eq!(
        send(client.get(format!("{query}?api_key={DEMO_API_KEY}")))
            .await?
            .status,
        StatusCode::OK
    );
    assert_401(
        &send(client.get(format!("{query}?api_key=wrong"))).await?,
        "wrong query key",
    );
    assert_401(
        &send(client.get(&query).header("X-API-Key", DEMO_API_KEY)).await?,
        "key in the wrong place",
    );

    let cookie = server.url("/auth/api_key/cookie");
    let right = format!("session=1; api_key={DEMO_API_KEY}");
    assert_eq!(
        send(client.get(&cookie).header("Cookie", right))
            .await?
            .status,
        StatusCode::OK
    );
    assert_401(
        &send(client.get(&cookie).header("Cookie", "api_key=wrong")).await?,
        "wrong cookie key",
    );
    assert_401(&send(client.get(&cookie)).await?, "no cookie");
    Ok(())
}
