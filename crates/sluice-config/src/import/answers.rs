//! What the imports that see an API's answers (HAR files, Postman's saved examples) read from
//! them: the records, their primary key, and a "changed since" parameter to load incrementally.

use serde_json::{json, Map, Value};

use super::openapi::{self, Guess};

/// The records of an answer at a detected selector (`$` or a dotted key path).
pub(super) fn records_of<'a>(body: &'a Value, selector: &str) -> Vec<&'a Value> {
    let found = if selector == "$" {
        Some(body)
    } else {
        selector
            .split('.')
            .try_fold(body, |value, key| value.get(key))
    };
    match found {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(object @ Value::Object(_)) => vec![object],
        _ => Vec::new(),
    }
}

/// The primary key every record has (`id`, `uuid`, `key`), when there are records.
fn primary_key_of(records: &[&Value]) -> Option<&'static str> {
    openapi::PRIMARY_KEYS.iter().copied().find(|key| {
        !records.is_empty()
            && records
                .iter()
                .all(|r| r.get(*key).is_some_and(|v| !v.is_null()))
    })
}

/// A "changed since" parameter with a time in it and the records' property it compares with:
/// (parameter, property, the time the file asked from).
fn incremental(
    params: &Map<String, Value>,
    records: &[&Value],
) -> Option<(String, String, String)> {
    let (param, start) = params.iter().find_map(|(name, value)| {
        let value = value.as_str()?;
        (openapi::SINCE_PARAMS.contains(&name.to_ascii_lowercase().as_str())
            && looks_like_time(value))
        .then(|| (name.clone(), value.to_owned()))
    })?;
    let first = records.first()?.as_object()?;
    let cursor = first.keys().find(|key| {
        openapi::UPDATED_PROPERTIES.contains(&key.to_ascii_lowercase().as_str())
            && first[key.as_str()].as_str().is_some_and(looks_like_time)
    })?;
    Some((param, cursor.clone(), start))
}

/// `2024-01-31T12:00:00Z`-like: a date, a `T` and a time.
fn looks_like_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 19
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
}

/// What the records of a resource's answer show, applied to it and said: incremental loading
/// when a "changed since" parameter compares with a time the records carry, and merging on the
/// primary key every record has.
pub(super) fn guess_from_records(
    resource: &mut Value,
    index: usize,
    records: &[&Value],
    guesses: &mut Vec<Guess>,
) {
    let at = |key: &str| format!("resources[{index}].{key}");
    let params = resource["endpoint"]["params"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    if let Some((param, cursor, start)) = incremental(&params, records) {
        resource["endpoint"]["params"][param.as_str()] =
            Value::String("{incremental.start_value}".into());
        resource["endpoint"]["incremental"] =
            json!({ "cursor_path": cursor, "initial_value": start });
        guesses.push(Guess {
            path: at("endpoint.incremental"),
            message: format!(
                "incremental: `{param}` asks for records from the latest `{cursor}` loaded"
            ),
        });
    }
    if let Some(key) = primary_key_of(records) {
        resource["primary_key"] = Value::String(key.into());
        resource["write_disposition"] = Value::String("merge".into());
        guesses.push(Guess {
            path: at("primary_key"),
            message: format!("merges on `{key}`, each record's identifier"),
        });
    }
}
