//! OpenAPI and Swagger documents imported as connectors: what each hint becomes, what the user
//! chooses, and that every guess is said.

use serde_json::{json, Value};
use sluice_config::{
    import, openapi_operations, ImportFormat, ImportOptions, Imported, OperationChoice, ProblemKind,
};

use crate::crate_dir;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(crate_dir().join("tests/openapi").join(name)).expect("fixture")
}

fn import_with(text: &str, operations: OperationChoice) -> Imported {
    import(
        text,
        &ImportOptions {
            operations,
            ..ImportOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn document(imported: &Imported) -> Value {
    serde_json::to_value(&imported.config).expect("a config is JSON")
}

fn guessed_at(imported: &Imported, path: &str) -> String {
    imported
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::Guessed && p.path == path)
        .map(|p| p.message.clone())
        .unwrap_or_else(|| panic!("no guess at {path}: {:?}", imported.problems))
}

#[test]
fn a_swagger_2_document_in_yaml_becomes_a_connector_with_a_child_resource() {
    let imported = import_with(
        &fixture("tracker-swagger2.yaml"),
        OperationChoice::default(),
    );
    assert_eq!(imported.format, ImportFormat::OpenApi);
    let doc = document(&imported);
    assert_eq!(
        doc["client"]["base_url"],
        "https://tracker.example.com/api/v2"
    );
    assert_eq!(
        doc["client"]["auth"],
        json!({"type": "api_key", "name": "X-Tracker-Key", "location": "header",
               "api_key": {"$secret": "api_key"}})
    );
    assert!(imported.found_secrets.is_empty());
    let projects = &doc["resources"][0];
    assert_eq!(projects["name"], "projects");
    assert_eq!(projects["endpoint"]["data_selector"], "projects");
    assert_eq!(
        projects["endpoint"]["paginator"],
        json!({"type": "page_number", "base_page": 1, "page": 1, "total_path": "total_pages"})
    );
    assert_eq!(projects["endpoint"]["params"], json!({"per_page": 100}));
    assert_eq!(projects["primary_key"], "id");
    assert_eq!(projects["write_disposition"], "merge");
    assert_eq!(
        projects["columns"]["archived"],
        json!({"data_type": "bool", "description": "Whether the project is read-only"})
    );

    let issues = &doc["resources"][1];
    assert_eq!(issues["name"], "issues");
    assert_eq!(
        issues["endpoint"]["path"],
        "/projects/{resources.projects.id}/issues"
    );
    assert_eq!(issues["include_from_parent"], json!(["id"]));
    assert_eq!(issues["endpoint"]["data_selector"], "$");
    assert_eq!(
        issues["endpoint"]["paginator"],
        json!({"type": "single_page"})
    );
    assert_eq!(issues["columns"]["opened_on"], json!({"data_type": "date"}));
    assert!(
        issues["columns"].get("labels").is_none(),
        "lists become child tables"
    );

    assert!(guessed_at(&imported, "resources[1].endpoint.path")
        .contains("`{projectId}` takes the `id`"),);
    assert!(guessed_at(&imported, "resources[0].endpoint.paginator").contains("`page` from 1"));
    // Guesses are notes: nothing else is wrong with the connector.
    assert!(
        imported.problems.iter().all(|p| p.is_warning()),
        "{:?}",
        imported.problems
    );
}

#[test]
fn an_openapi_3_document_gives_offset_link_and_header_paging_and_bearer_auth() {
    let imported = import_with(&fixture("shop-openapi30.json"), OperationChoice::default());
    let doc = document(&imported);
    assert_eq!(doc["client"]["base_url"], "https://eu.shop.example.com/v1");
    assert_eq!(
        doc["client"]["auth"],
        json!({"type": "bearer", "token": {"$secret": "token"}})
    );
    assert_eq!(doc["sluice"]["name"], "Shop");
    let by_name = |name: &str| {
        doc["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("no resource {name}: {doc}"))
            .clone()
    };
    let orders = by_name("orders");
    assert_eq!(orders["endpoint"]["data_selector"], "orders");
    assert_eq!(
        orders["endpoint"]["paginator"],
        json!({"type": "offset", "limit": 50, "offset_param": "skip", "limit_param": "page_size",
               "total_path": null, "has_more_path": "has_more"})
    );
    assert_eq!(orders["primary_key"], "uuid");
    assert_eq!(
        orders["columns"]["placed_at"],
        json!({"data_type": "timestamp"})
    );
    assert_eq!(orders["columns"]["total"], json!({"data_type": "double"}));

    let customers = by_name("customers");
    assert_eq!(
        customers["endpoint"]["paginator"],
        json!({"type": "header_link"})
    );
    assert_eq!(customers["endpoint"]["data_selector"], "$");

    let products = by_name("products");
    assert_eq!(
        products["endpoint"]["data_selector"], "results",
        "the list among two arrays"
    );
    assert_eq!(
        products["endpoint"]["paginator"],
        json!({"type": "json_link", "next_url_path": "next_page_url"})
    );
    assert!(products.get("primary_key").is_none());
    assert_eq!(
        doc["resources"].as_array().unwrap().len(),
        3,
        "the CSV report is no list"
    );
}

#[test]
fn the_operations_list_names_each_resource_and_its_records() {
    let listed = openapi_operations(&fixture("shop-openapi30.json"))
        .unwrap()
        .expect("an OpenAPI document");
    assert_eq!(listed.title, "Shop");
    assert_eq!(listed.not_lists, 1);
    let orders = listed
        .operations
        .iter()
        .find(|o| o.path == "/orders")
        .unwrap();
    assert_eq!(orders.id, "GET /orders");
    assert_eq!(orders.tag, "orders");
    assert_eq!(orders.summary, "Orders, newest first.");
    assert_eq!(orders.resource, "orders");
    assert_eq!(orders.data_selector, "orders");
}

#[test]
fn operations_are_chosen_by_path_glob_tag_or_id_and_a_child_brings_its_parent() {
    let text = fixture("tracker-swagger2.yaml");
    let names = |imported: &Imported| -> Vec<String> {
        imported
            .config
            .resources
            .iter()
            .map(|r| r.name().to_owned())
            .collect()
    };
    let by_tag = import_with(
        &text,
        OperationChoice {
            tags: vec!["issues".into()],
            ..OperationChoice::default()
        },
    );
    assert_eq!(names(&by_tag), ["projects", "issues"], "parents first");
    assert!(guessed_at(&by_tag, "resources").contains("added `projects`"));

    let shop = fixture("shop-openapi30.json");
    let by_glob = import_with(
        &shop,
        OperationChoice {
            paths: vec!["/c*".into()],
            ..OperationChoice::default()
        },
    );
    assert_eq!(names(&by_glob), ["customers"]);
    let by_id = import_with(
        &shop,
        OperationChoice {
            ids: vec!["GET /products".into()],
            ..OperationChoice::default()
        },
    );
    assert_eq!(names(&by_id), ["products"]);

    let none = import(
        &shop,
        &ImportOptions {
            operations: OperationChoice {
                tags: vec!["nope".into()],
                ..OperationChoice::default()
            },
            ..ImportOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        none.to_string()
            .contains("no operation of the document matches"),
        "{none}"
    );
}

/// A spec with `count` list operations under two tags.
fn big_spec(count: usize) -> String {
    let mut paths = serde_json::Map::new();
    for i in 0..count {
        paths.insert(
            format!("/things{i}"),
            json!({"get": {"tags": [if i % 2 == 0 { "even" } else { "odd" }],
                "responses": {"200": {"description": "x", "content": {"application/json": {"schema":
                    {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"}}}}}}}}}}),
        );
    }
    json!({"openapi": "3.1.0", "info": {"title": "Big"}, "servers": [{"url": "https://big.example.com"}],
           "paths": paths})
    .to_string()
}

#[test]
fn a_large_document_makes_no_resources_until_told_which() {
    let text = big_spec(300);
    let err = import(&text, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("300 operations"), "{err}");
    assert!(
        err.contains("even (150)") && err.contains("odd (150)"),
        "{err}"
    );
    let odd = import_with(
        &text,
        OperationChoice {
            paths: vec!["/things1?".into(), "/things1*".into()],
            ..OperationChoice::default()
        },
    );
    assert!(odd.config.resources.len() < 300);
    assert!(odd
        .config
        .resources
        .iter()
        .all(|r| r.name().starts_with("things1")));
}

#[test]
fn reference_cycles_and_references_elsewhere_end_the_lookup_not_the_import() {
    let text = json!({
        "openapi": "3.0.0", "info": {"title": "Loops"}, "servers": [{"url": "https://x.example.com"}],
        "paths": {
            "/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/A"}}}},
            "/b": {"get": {"responses": {"200": {"$ref": "other.yaml#/B"}}}},
            "/c": {"get": {"responses": {"200": {"description": "c", "content": {"application/json": {"schema":
                {"$ref": "#/components/schemas/Loop"}}}}}}}
        },
        "components": {
            "responses": {"A": {"description": "a", "content": {"application/json": {"schema":
                {"type": "array", "items": {"$ref": "#/components/schemas/Loop"}}}}}},
            "schemas": {"Loop": {"$ref": "#/components/schemas/Loop2"}, "Loop2": {"$ref": "#/components/schemas/Loop"}}
        }
    })
    .to_string();
    let listed = openapi_operations(&text)
        .unwrap()
        .expect("an OpenAPI document");
    assert_eq!(listed.operations.len(), 1, "{listed:?}");
    assert_eq!(listed.not_lists, 2);
    let imported = import_with(&text, OperationChoice::default());
    assert_eq!(imported.config.resources[0].name(), "a");
}

#[test]
fn a_path_parameter_no_list_gives_is_said_and_left_to_fill() {
    let text = json!({"openapi": "3.0.0", "info": {"title": "P"}, "servers": [{"url": "https://p.example.com"}],
        "paths": {"/accounts/{account}/events": {"get": {"responses": {"200": {"description": "x",
            "content": {"application/json": {"schema": {"type": "array", "items": {}}}}}}}}}})
    .to_string();
    let imported = import_with(&text, OperationChoice::default());
    assert!(guessed_at(&imported, "resources[0].endpoint.path")
        .contains("`{account}` is a path parameter no list operation gives"));
    assert!(imported
        .problems
        .iter()
        .any(|p| p.path == "resources[0].endpoint.path" && !p.is_warning()));
}

#[test]
fn a_relative_server_is_said_at_the_base_url() {
    let text = json!({"openapi": "3.0.0", "info": {"title": "Rel"}, "servers": [{"url": "/api"}],
        "paths": {"/x": {"get": {"responses": {"200": {"description": "x", "content": {"application/json":
            {"schema": {"type": "array", "items": {}}}}}}}}}})
    .to_string();
    let imported = import_with(&text, OperationChoice::default());
    assert!(guessed_at(&imported, "client.base_url").contains("`/api` is relative"));
    assert!(imported
        .problems
        .iter()
        .any(|p| p.path == "client.base_url" && !p.is_warning()));
}

#[test]
fn a_schema_made_of_itself_many_times_over_is_read_in_bounded_time() {
    let parts: Vec<Value> = (0..10)
        .map(|_| json!({"$ref": "#/components/schemas/S"}))
        .collect();
    let text = json!({"openapi": "3.0.0", "info": {"title": "Loop"}, "servers": [{"url": "https://l.example.com"}],
        "paths": {"/s": {"get": {"responses": {"200": {"description": "s", "content": {"application/json":
            {"schema": {"$ref": "#/components/schemas/S"}}}}}}}},
        "components": {"schemas": {"S": {"allOf": parts, "properties": {"items": {"type": "array", "items": {}}}}}}})
    .to_string();
    let started = std::time::Instant::now();
    let listed = openapi_operations(&text)
        .unwrap()
        .expect("an OpenAPI document");
    assert_eq!(listed.operations.len(), 1);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn keys_with_dots_and_counts_that_are_no_numbers_are_read_for_what_they_are() {
    let text = json!({"openapi": "3.0.0", "info": {"title": "Graph"}, "servers": [{"url": "https://g.example.com"}],
        "paths": {
            "/users": {"get": {"tags": ["directory", "people"], "responses": {"200": {"description": "u", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"value": {"type": "array", "items": {}}, "@odata.nextLink": {"type": "string"}}}}}}}}},
            "/events": {"get": {"tags": ["calendar"],
                "parameters": [{"name": "start", "in": "query", "schema": {"type": "string", "format": "date-time"}},
                               {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                               {"name": "since", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "e", "content": {"application/json": {"schema": {
                    "type": "array", "items": {"type": "object", "properties": {"updated_at": {"type": "string", "format": "date-time"}}}}}}}}}}
        }})
    .to_string();
    let imported = import_with(&text, OperationChoice::default());
    let doc = document(&imported);
    assert_eq!(
        doc["resources"][0]["endpoint"]["paginator"],
        json!({"type": "json_link", "next_url_path": "$['@odata.nextLink']"})
    );
    let events = &doc["resources"][1]["endpoint"];
    assert_eq!(
        events["paginator"],
        json!({"type": "single_page"}),
        "a date-time `start` is no offset"
    );
    assert!(
        events.get("incremental").is_none(),
        "an integer `since` is no time"
    );
    assert!(
        imported.problems.iter().all(|p| p.is_warning()),
        "{:?}",
        imported.problems
    );
    // An operation is chosen by any of its tags, not only the one it is listed under.
    let people = import_with(
        &text,
        OperationChoice {
            tags: vec!["people".into()],
            ..OperationChoice::default()
        },
    );
    assert_eq!(people.config.resources[0].name(), "users");
}

#[test]
fn a_document_that_only_looks_like_a_spec_is_read_as_what_it_is() {
    let markdown = "Notes\n\n```yaml\nopenapi: 3.0.0\n```\n\n```json\n{\"client\": {\"base_url\": \"https://a.example.com\"}, \"resources\": [\"r\"]}\n```\n";
    assert_eq!(openapi_operations(markdown).unwrap(), None);
    assert_eq!(
        import(markdown, &ImportOptions::default())
            .unwrap()
            .config
            .resources[0]
            .name(),
        "r"
    );
}
