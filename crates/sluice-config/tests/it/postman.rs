//! Postman collections imported as connectors.

use serde_json::{json, Value};
use sluice_config::{import, ImportFormat, ImportOptions, ProblemKind};

use crate::crate_dir;

fn imported() -> (Value, sluice_config::Imported) {
    let path = crate_dir().join("tests/postman/crm.postman_collection.json");
    let text = std::fs::read_to_string(path).expect("fixture");
    let imported = import(&text, &ImportOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    (
        serde_json::to_value(&imported.config).expect("JSON"),
        imported,
    )
}

#[test]
fn a_collections_get_requests_become_resources_with_its_variables_and_auth() {
    let (doc, imported) = imported();
    assert_eq!(imported.format, ImportFormat::Postman);
    assert_eq!(doc["sluice"]["name"], "Acme CRM");
    assert_eq!(doc["client"]["base_url"], "https://crm.example.com/api/v3/");
    // The collection's bearer auth, its unset variable a keychain reference named after it.
    assert_eq!(
        doc["client"]["auth"],
        json!({"type": "bearer", "token": {"$secret": "access_token"}})
    );
    let names: Vec<&str> = doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["contacts", "notes", "daily"]);
    let contacts = &doc["resources"][0];
    assert_eq!(contacts["endpoint"]["params"], json!({"limit": "50"}));
    assert_eq!(
        contacts["endpoint"]["headers"],
        json!({"Accept": "application/json"}),
        "no disabled header"
    );
    assert!(imported.problems.iter().any(
        |p| p.kind == ProblemKind::Guessed && p.message.contains("1 requests that are not GET")
    ));
    // The Reports folder's own API key stays on its request; its value goes to the keychain.
    assert_eq!(
        doc["resources"][2]["endpoint"]["auth"],
        json!({"type": "api_key", "name": "X-Report-Key", "location": "header", "api_key": {"$secret": "daily_api_key"}})
    );
    assert!(imported.found_secrets.iter().any(|s| s.value == "rk_123"));
    assert!(
        imported.problems.iter().all(|p| p.is_warning()),
        "{:?}",
        imported.problems
    );
}

#[test]
fn saved_answers_and_path_variables_give_records_paging_and_parents() {
    let (doc, imported) = imported();
    let contacts = &doc["resources"][0];
    assert_eq!(contacts["endpoint"]["data_selector"], "results");
    assert_eq!(
        contacts["endpoint"]["paginator"],
        json!({"type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor"})
    );
    assert_eq!(contacts["primary_key"], "id");
    let notes = &doc["resources"][1];
    assert_eq!(
        notes["endpoint"]["path"],
        "contacts/{resources.contacts.id}/notes"
    );
    assert_eq!(notes["include_from_parent"], json!(["id"]));
    assert!(imported
        .problems
        .iter()
        .any(|p| p.path == "resources[1].endpoint.path"
            && p.message.contains("`:contactId` takes the `id`")));
}

fn collection(auth: Value, variables: Value, url: &str) -> String {
    json!({"info": {"name": "P", "schema": "https://schema.getpostman.com/json/collection/v2.0.0/collection.json"},
           "auth": auth, "variable": variables,
           "item": [{"name": "List", "request": {"method": "GET", "url": url},
                     "response": [{"code": 404, "body": "{\"errors\": [{\"id\": 1}]}"}]}]})
    .to_string()
}

#[test]
fn variables_are_filled_once_and_secrets_are_never_written_into_a_url() {
    // Each variable naming the next one twice: filled in one pass, the text cannot grow.
    let mut variables = vec![json!({"key": "base", "value": "https://p.example.com"})];
    for i in 0..40 {
        variables.push(json!({"key": format!("v{i}"), "value": format!("{{{{v{}}}}}{{{{v{}}}}}", i + 1, i + 1)}));
    }
    variables.push(json!({"key": "apiKey", "value": "k_live_1", "type": "secret"}));
    variables.push(json!({"key": "token", "value": ""}));
    let text = collection(
        json!({"type": "bearer", "bearer": {"token": "{{token}}"}}),
        Value::Array(variables),
        "{{base}}/items?tag={{v0}}&api_key={{apiKey}}",
    );
    let imported = import(&text, &ImportOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let doc = serde_json::to_value(&imported.config).expect("JSON");
    assert_eq!(
        doc["resources"][0]["endpoint"]["params"]["tag"],
        "{{v1}}{{v1}}"
    );
    assert!(
        !doc.to_string().contains("k_live_1"),
        "a secret variable is not filled in: {doc}"
    );
    // v2.0's object auth is read, and an empty variable is a keychain name to fill.
    assert_eq!(
        doc["client"]["auth"],
        json!({"type": "bearer", "token": {"$secret": "token"}})
    );
    // The saved 404 tells nothing of the records.
    assert!(doc["resources"][0].get("primary_key").is_none());
}
