//! Credentials stay with their host. The demo API's `/leak/*` endpoints point at a second origin
//! that records every request: a `next` link, a `Link` header, a redirect of every kind and a
//! parent record's URL. For every auth type (and a `$secret` header), nothing secret, no cookie
//! and no `Referer` arrives there, while the API's own host gets the credentials it needs.

use serde_json::{json, Value};
use sluice_demo::{DemoServer, RecordedRequest};

use crate::common::{demo, run, Outcome};

/// Every way a connector authenticates, with the demo's credentials.
fn every_auth(server: &DemoServer) -> Vec<(&'static str, Value)> {
    vec![
        (
            "bearer",
            json!({"auth": {"type": "bearer", "token": {"$secret": "token"}}}),
        ),
        (
            "api_key in a header",
            json!({"auth": {"type": "api_key", "name": "X-API-Key", "location": "header",
                            "api_key": {"$secret": "api_key"}}}),
        ),
        (
            "api_key in the query",
            json!({"auth": {"type": "api_key", "name": "api_key", "location": "query",
                            "api_key": {"$secret": "api_key"}}}),
        ),
        (
            "api_key in a cookie",
            json!({"auth": {"type": "api_key", "name": "api_key", "location": "cookie",
                            "api_key": {"$secret": "api_key"}}}),
        ),
        (
            "http_basic",
            json!({"auth": {"type": "http_basic", "username": {"$secret": "username"},
                            "password": {"$secret": "password"}}}),
        ),
        (
            "oauth2_client_credentials",
            json!({"auth": {"type": "oauth2_client_credentials",
                            "access_token_url": server.token_url(),
                            "client_id": {"$secret": "client_id"},
                            "client_secret": {"$secret": "client_secret"}}}),
        ),
        (
            "a $secret header",
            json!({"headers": {"X-Secret": {"$secret": "token"}}}),
        ),
    ]
}

fn config(server: &DemoServer, client_extra: &Value, resources: Value) -> Value {
    let mut client = json!({"base_url": server.base_url()});
    if let (Some(client), Some(extra)) = (client.as_object_mut(), client_extra.as_object()) {
        client.extend(extra.clone());
    }
    json!({
        "client": client,
        "resources": resources,
        "sluice": {"retry": {"backoff_factor": 0.01, "max_retries": 0,
                             "request_timeout_seconds": 10.0}}
    })
}

fn items(endpoint: Value) -> Value {
    json!([{"name": "items", "endpoint": endpoint}])
}

/// What reached the other origin carried nothing the run knows as a secret, and none of the
/// headers that carry credentials or the previous URL.
fn assert_nothing_secret(what: &str, outcome: &Outcome, arrived: &[RecordedRequest]) {
    for request in arrived {
        let text = request.text();
        assert_eq!(
            outcome.redactor.redact(&text),
            text,
            "{what}: a secret reached the other origin"
        );
        for header in [
            "authorization",
            "cookie",
            "referer",
            "x-api-key",
            "x-secret",
        ] {
            assert!(
                request.header(header).is_none(),
                "{what}: `{header}` reached the other origin: {text}"
            );
        }
    }
}

fn origins(outcome: &Outcome) -> Vec<String> {
    outcome
        .pages
        .iter()
        .flat_map(|page| &page.records)
        .map(|record| record["origin"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn next_links_to_another_host_are_followed_without_credentials() {
    let server = demo(10, "").await;
    for (what, client) in every_auth(&server) {
        for (paginator, path) in [
            (
                json!({"type": "json_link", "next_url_path": "next"}),
                "leak/next_link",
            ),
            (json!({"type": "header_link"}), "leak/link_header"),
        ] {
            let before = server.elsewhere_requests().len();
            let outcome = run(config(
                &server,
                &client,
                items(json!({"path": path, "paginator": paginator})),
            ))
            .await;
            outcome.summary();
            assert_eq!(
                origins(&outcome),
                ["home", "elsewhere"],
                "{what} via {path}"
            );
            let arrived = server.elsewhere_requests()[before..].to_vec();
            assert_eq!(arrived.len(), 1, "{what} via {path}");
            assert_eq!(arrived[0].uri, "/page/2");
            assert_nothing_secret(&format!("{what} via {path}"), &outcome, &arrived);
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn redirects_to_another_host_are_refused_with_the_host_named() {
    let server = demo(10, "").await;
    for (what, client) in every_auth(&server) {
        for status in [301, 302, 303, 307, 308] {
            let outcome = run(config(
                &server,
                &client,
                items(json!({"path": format!("leak/redirect/{status}"),
                             "paginator": "single_page"})),
            ))
            .await;
            let error = outcome.error();
            assert!(
                error.contains(&server.elsewhere_url("/redirected"))
                    && error.contains("redirect to another origin"),
                "{what}, {status}: {error}"
            );
        }
    }
    assert_eq!(server.elsewhere_requests(), []);
}

#[tokio::test(flavor = "multi_thread")]
async fn redirects_within_the_origin_keep_their_credentials() {
    let server = demo(10, "").await;
    // A query API key is not part of the redirect's target URL, as in any HTTP client.
    for (what, client) in every_auth(&server)
        .into_iter()
        .filter(|(what, _)| *what != "api_key in the query")
    {
        for status in [301, 302, 307, 308] {
            let outcome = run(config(
                &server,
                &client,
                items(json!({"path": format!("leak/redirect_home/{status}"),
                             "paginator": "single_page"})),
            ))
            .await;
            // `/leak/home` answers 401 to a request without credentials.
            outcome.summary();
            assert_eq!(origins(&outcome), ["home"], "{what}, {status}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_request_follows_no_redirect() {
    let server = demo(10, "").await;
    for status in [302, 307, 308] {
        let client = json!({"auth": {"type": "oauth2_client_credentials",
                        "access_token_url": server.url(&format!("/leak/token_redirect/{status}")),
                        "client_id": {"$secret": "client_id"},
                        "client_secret": {"$secret": "client_secret"}}});
        let outcome = run(config(
            &server,
            &client,
            items(json!({"path": "leak/home", "paginator": "single_page"})),
        ))
        .await;
        let error = outcome.error();
        assert!(
            error.contains("never for token requests"),
            "{status}: {error}"
        );
    }
    assert_eq!(server.elsewhere_requests(), []);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_url_from_a_parent_record_gets_no_credentials() {
    let server = demo(10, "").await;
    for (what, client) in every_auth(&server) {
        let before = server.elsewhere_requests().len();
        let resources = json!([
            {"name": "parents", "endpoint": {"path": "leak/parents", "paginator": "single_page"}},
            {"name": "items", "endpoint": {"path": "{resources.parents.url}",
                                           "data_selector": "data", "paginator": "single_page"}},
        ]);
        let outcome = run(config(&server, &client, resources)).await;
        outcome.summary();
        assert_eq!(origins(&outcome), ["elsewhere"], "{what}");
        let arrived = server.elsewhere_requests()[before..].to_vec();
        assert_eq!(arrived.len(), 1, "{what}");
        assert_eq!(arrived[0].uri, "/files/1");
        assert_nothing_secret(what, &outcome, &arrived);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_parent_value_in_a_path_stays_one_segment() {
    let server = demo(10, "").await;
    let resources = json!([
        {"name": "parents", "endpoint": {"path": "leak/parents", "paginator": "single_page"}},
        {"name": "items", "endpoint": {"path": "leak/files/{resources.parents.name}/x",
                                       "paginator": "single_page"}},
    ]);
    let client = json!({"auth": {"type": "bearer", "token": {"$secret": "token"}}});
    let outcome = run(config(&server, &client, resources)).await;
    let child = outcome
        .requests()
        .into_iter()
        .find(|url| url.contains("/leak/files/"))
        .expect("the child request");
    assert_eq!(
        child,
        server.url("/leak/files/..%2F..%2Fadmin%3Fdelete=1%23top/x")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hosts_the_connector_names_receive_the_credentials() {
    let server = demo(10, "").await;
    let host = server
        .elsewhere_url("")
        .trim_start_matches("http://")
        .to_owned();
    let mut connector = config(
        &server,
        &json!({"auth": {"type": "bearer", "token": {"$secret": "token"}}}),
        items(json!({"path": "leak/next_link",
                     "paginator": {"type": "json_link", "next_url_path": "next"}})),
    );
    connector["sluice"]["retry"]["credential_hosts"] = json!([host]);
    let outcome = run(connector).await;
    outcome.summary();
    let arrived = server.elsewhere_requests();
    assert_eq!(arrived.len(), 1);
    assert_eq!(
        arrived[0].header("authorization"),
        Some(format!("Bearer {}", sluice_demo::DEMO_TOKEN).as_str())
    );
}

/// `$secret` values in a JSON body, in form data and in the token request's extra data are
/// sent as their values (the other origin records what arrives, so it serves as the API here).
#[tokio::test(flavor = "multi_thread")]
async fn secret_references_in_bodies_and_token_data_are_sent_as_their_values() {
    use sluice_demo::{DEMO_API_KEY, DEMO_TOKEN};
    let server = demo(10, "").await;
    let elsewhere = server.elsewhere_url("");
    let resource = |name: &str, endpoint: Value| json!({"name": name, "endpoint": endpoint});
    let connector = json!({
        "client": {"base_url": elsewhere},
        "resources": [
            resource("items", json!({"path": "json", "method": "POST", "paginator": "single_page",
                "json": {"token": {"$secret": "token"}, "deep": [{"key": {"$secret": "api_key"}}],
                         "plain": "{{literal}}"}})),
        ],
    });
    run(connector).await.summary();
    let form = json!({
        "client": {"base_url": elsewhere},
        "resources": [resource("items", json!({"path": "form", "method": "POST",
            "paginator": "single_page", "data": {"key": {"$secret": "api_key"}, "plain": "x"}}))],
    });
    run(form).await.summary();
    let token = json!({
        "client": {"base_url": elsewhere, "auth": {"type": "oauth2_client_credentials",
            "access_token_url": server.elsewhere_url("/oauth/token"),
            "client_id": {"$secret": "client_id"}, "client_secret": {"$secret": "client_secret"},
            "access_token_request_data": {"audience": {"$secret": "token"}}}},
        "resources": [resource("items", json!({"path": "x", "paginator": "single_page"}))],
    });
    let outcome = run(token).await;
    assert!(outcome.error().contains("no `access_token`"));
    let arrived = server.elsewhere_requests();
    let body: Value = serde_json::from_str(&arrived[0].body).expect("a JSON body");
    assert_eq!(
        body,
        json!({"token": DEMO_TOKEN, "deep": [{"key": DEMO_API_KEY}], "plain": "{literal}"})
    );
    assert_eq!(arrived[1].body, format!("key={DEMO_API_KEY}&plain=x"));
    assert!(
        arrived[2].body.contains(&format!("audience={DEMO_TOKEN}")),
        "{}",
        arrived[2].body
    );
}
