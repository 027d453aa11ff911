//! Where the records are in an answer: dlt's data selector detection, shared by the engine (an
//! answer it reads) and the imports that see answers (a HAR file's responses).

use serde_json::Value;

/// Keys whose arrays are taken for the records before any other array (dlt's detector).
pub const RECORD_KEYS: [&str; 11] = [
    "data", "items", "results", "entries", "records", "rows", "entities", "payload", "content",
    "objects", "values",
];
/// Keys whose arrays are never the records.
const NOT_RECORD_KEYS: [&str; 6] = [
    "meta",
    "metadata",
    "pagination",
    "links",
    "extras",
    "headers",
];
/// How many object keys deep the detector looks for arrays.
const DETECT_DEPTH: usize = 3;

/// dlt's data selector detection: `$` for a body that is not an object; otherwise the first
/// array (depth first, key order, at most three keys deep) under a well-known record key, else
/// the first array at all, else `$` (the object is one record).
pub fn detect_data_selector(body: &Value) -> String {
    let Value::Object(_) = body else {
        return "$".to_owned();
    };
    let mut arrays: Vec<Vec<String>> = Vec::new();
    collect_arrays(body, &mut Vec::new(), &mut arrays);
    let preferred = arrays.iter().find(|path| {
        path.last()
            .is_some_and(|key| RECORD_KEYS.contains(&key.as_str()))
    });
    match preferred.or(arrays.first()) {
        Some(path) => path.join("."),
        None => "$".to_owned(),
    }
}

/// The key paths of the arrays in an object, depth first, skipping keys that never hold the
/// records (`meta`, `links`, ...), at most [`DETECT_DEPTH`] keys deep.
pub fn collect_arrays(value: &Value, path: &mut Vec<String>, found: &mut Vec<Vec<String>>) {
    let Value::Object(object) = value else { return };
    for (key, child) in object {
        if NOT_RECORD_KEYS.contains(&key.as_str()) {
            continue;
        }
        path.push(key.clone());
        match child {
            Value::Array(_) => found.push(path.clone()),
            Value::Object(_) if path.len() < DETECT_DEPTH => collect_arrays(child, path, found),
            _ => {}
        }
        path.pop();
    }
}
