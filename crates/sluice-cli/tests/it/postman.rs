//! `sluice import` of a Postman collection for the demo API, as a team keeps one: requests in
//! folders, OAuth2 client credentials from variables, saved example answers.

use serde_json::{json, Value};
use sluice_demo::{DemoOptions, DemoServer};

use crate::har::Recorder;
use crate::run;

fn request(name: &str, url: &str, example: Value) -> Value {
    json!({
        "name": name,
        "request": {"method": "GET", "header": [{"key": "Accept", "value": "application/json"}],
                    "url": {"raw": url}},
        "response": [{"name": "Example", "code": 200, "body": example.to_string()}]
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_postman_collection_of_the_demo_api_imports_as_a_connector_that_loads_what_the_demo_loads(
) {
    let server = DemoServer::start(DemoOptions {
        records: 120,
        ..DemoOptions::default()
    })
    .await
    .unwrap();
    let base = server.base_url().to_owned();
    // The example answers a Postman user saves from the first call of each request.
    let mut api = Recorder::sign_in(&base).await;
    let marketing = api
        .get(&format!("{base}/v1/marketing_data?offset=0&limit=100"))
        .await;
    let organizations = api.get(&format!("{base}/v1/support/organizations")).await;
    let members = api
        .get(&format!("{base}/v1/support/organizations/1/members"))
        .await;
    let tickets = api
        .get(&format!(
            "{base}/v1/support/tickets?updated_since=2020-01-01T00:00:00Z"
        ))
        .await;
    let collection = json!({
        "info": {"name": "Demo API", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": [{"key": "baseUrl", "value": base}],
        "auth": {"type": "oauth2", "oauth2": [
            {"key": "grant_type", "value": "client_credentials"},
            {"key": "accessTokenUrl", "value": "{{baseUrl}}/oauth/token"},
            {"key": "clientId", "value": "{{clientId}}"},
            {"key": "clientSecret", "value": "{{clientSecret}}"}
        ]},
        "item": [
            {"name": "Marketing", "item": [
                request("Marketing events", "{{baseUrl}}/v1/marketing_data?offset=0&limit=100", marketing)
            ]},
            {"name": "Support", "item": [
                request("Organizations", "{{baseUrl}}/v1/support/organizations", organizations),
                request("Members", "{{baseUrl}}/v1/support/organizations/:id/members", members),
                request("Tickets", "{{baseUrl}}/v1/support/tickets?updated_since=2020-01-01T00:00:00Z", tickets),
                {"name": "Close a ticket", "request": {"method": "PUT", "url": "{{baseUrl}}/v1/support/tickets/1"}}
            ]}
        ]
    });

    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
        std::fs::write(at("demo.postman_collection.json"), collection.to_string()).unwrap();
        let (_, said) = run(&[
            "import",
            &at("demo.postman_collection.json"),
            "-o",
            &at("imported.json"),
        ]);
        assert!(
            said.contains("1 requests that are not GET (they change data) are left out"),
            "{said}"
        );
        assert!(
            said.contains("`:id` takes the `id` of each `organizations` record"),
            "{said}"
        );
        assert!(
            said.contains(
                "cursor pages: the saved answer has `next_cursor`, sent back as `cursor`"
            ),
            "{said}"
        );
        let imported: Value =
            serde_json::from_str(&std::fs::read_to_string(at("imported.json")).unwrap()).unwrap();
        assert_eq!(
            imported["client"]["auth"]["client_id"],
            json!({"$secret": "client_id"})
        );
        crate::assert_loads_what_the_demo_loads(
            dir.path(),
            &base,
            std::path::Path::new(&at("imported.json")),
        );
    })
    .await
    .unwrap();
}
