//! Finding the secrets a connector config refers to, so the app and the CLI can list them and
//! say whether each is set, without ever reading a value.

use std::collections::BTreeSet;

use serde_json::Value;

/// Every `{"$secret": "NAME"}` reference anywhere in a config, sorted and without repeats.
pub fn secret_references(config: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    collect(config, &mut names);
    names
}

fn collect(value: &Value, names: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(name)) = map.get("$secret") {
                names.insert(name.clone());
            } else {
                map.values().for_each(|v| collect(v, names));
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, names)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_references_are_collected_from_anywhere_in_the_config() {
        let config = serde_json::json!({
            "client": {
                "base_url": "https://api.example.com",
                "auth": {
                    "type": "oauth2",
                    "client_id": { "$secret": "client_id" },
                    "client_secret": { "$secret": "client_secret" }
                },
                "headers": [ { "X-Api-Key": { "$secret": "api_key" } } ]
            },
            "resources": [ { "name": "issues", "token": { "$secret": "api_key" } } ],
            "not_a_reference": { "$secret": 42 }
        });
        assert_eq!(
            secret_references(&config).into_iter().collect::<Vec<_>>(),
            ["api_key", "client_id", "client_secret"]
        );
    }
}
