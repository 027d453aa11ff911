//! HAR files imported as connectors: what the recorded requests and answers become.

use serde_json::{json, Value};
use sluice_config::{import, ImportFormat, ImportOptions, ProblemKind};

use crate::crate_dir;

fn imported() -> (Value, sluice_config::Imported) {
    let text = std::fs::read_to_string(crate_dir().join("tests/har/shop.har")).expect("fixture");
    let imported = import(&text, &ImportOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    (
        serde_json::to_value(&imported.config).expect("JSON"),
        imported,
    )
}

fn resource<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {doc}"))
}

#[test]
fn the_api_hosts_json_answers_become_resources_and_the_token_goes_to_the_keychain() {
    let (doc, imported) = imported();
    assert_eq!(imported.format, ImportFormat::Har);
    assert_eq!(
        doc["client"]["base_url"],
        "https://api.shop.example.com/v2/"
    );
    assert_eq!(
        doc["client"]["auth"],
        json!({"type": "bearer", "token": {"$secret": "token"}})
    );
    assert_eq!(imported.found_secrets.len(), 1);
    assert_eq!(imported.found_secrets[0].value, "tok_live_9f8e7d");
    let names: Vec<&str> = doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["customers", "orders", "products", "events"],
        "no page, telemetry, 404 or POST"
    );
    // The API's own header stays; the browser's go.
    assert_eq!(
        resource(&doc, "customers")["endpoint"]["headers"],
        json!({"accept": "application/json", "x-shop-version": "2024-10"})
    );
    assert!(
        imported.problems.iter().all(|p| p.is_warning()),
        "{:?}",
        imported.problems
    );
}

#[test]
fn successive_requests_give_the_paginator() {
    let (doc, _) = imported();
    let customers = resource(&doc, "customers");
    assert_eq!(
        customers["endpoint"]["paginator"],
        json!({"type": "page_number", "base_page": 1, "page": 1, "total_path": "total_pages"})
    );
    assert_eq!(customers["endpoint"]["params"], json!({"per_page": "2"}));
    assert_eq!(customers["endpoint"]["data_selector"], "customers");
    assert_eq!(customers["primary_key"], "uuid");
    assert_eq!(
        resource(&doc, "products")["endpoint"]["paginator"],
        json!({"type": "json_link", "next_url_path": "links.next"})
    );
    assert_eq!(
        resource(&doc, "events")["endpoint"]["paginator"],
        json!({"type": "header_link"})
    );
}

#[test]
fn ids_in_paths_bind_a_child_to_the_parent_that_lists_them() {
    let (doc, imported) = imported();
    let orders = resource(&doc, "orders");
    assert_eq!(
        orders["endpoint"]["path"],
        "customers/{resources.customers.uuid}/orders"
    );
    assert_eq!(orders["include_from_parent"], json!(["uuid"]));
    assert_eq!(orders["endpoint"]["data_selector"], "$");
    assert!(imported
        .problems
        .iter()
        .any(|p| p.kind == ProblemKind::Guessed
            && p.path == "resources[1].endpoint.path"
            && p.message.contains("are the `uuid` of `customers` records")));
}

#[test]
fn requests_that_go_back_to_an_earlier_page_are_no_paging_and_no_panic() {
    let entry = |url: &str| {
        json!({"request": {"method": "GET", "url": url, "headers": []},
        "response": {"status": 200, "content": {"mimeType": "application/json", "text": "{\"data\": [{\"id\": 1}]}"}}})
    };
    let text = json!({"log": {"version": "1.2", "creator": {"name": "t"}, "entries": [
        entry("https://h.example.com/items?offset=100&page=18446744073709551615"),
        entry("https://h.example.com/items?offset=0&page=0")
    ]}})
    .to_string();
    let imported = import(&text, &ImportOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let doc = serde_json::to_value(&imported.config).expect("JSON");
    assert_ne!(
        doc["resources"][0]["endpoint"]["paginator"]["type"],
        "offset"
    );
}
