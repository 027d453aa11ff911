//! Where the records are in an answer: dlt's data selector detection, shared by the engine (an
//! answer it reads) and the imports that see answers (a HAR file's responses).

use serde_json::Value;

/// Keys whose arrays are taken for the records before any other array (dlt's detector).
pub const RECORD_KEYS: [&str; 11] = [
    "data", "items", "results", "entries", "records", "rows", "entities", "payload", "content",
    "objects", "values",
];
/// Keys whose arrays are never the records.
pub const NOT_RECORD_KEYS: [&str; 6] = [
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

/// The JSONPath of a value at `keys` in an answer: dotted while every key is a plain name
/// (`meta.next_cursor`, as dlt users write it), bracketed when one is not
/// (`$['@odata.nextLink']`), so a key with a dot or an `@` is one key.
pub fn key_path<S: AsRef<str>>(keys: &[S]) -> String {
    let plain = |key: &str| {
        key.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if keys.iter().all(|k| plain(k.as_ref())) {
        return keys.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(".");
    }
    let mut path = String::from("$");
    for key in keys {
        let escaped = key.as_ref().replace('\\', "\\\\").replace('\'', "\\'");
        path.push_str(&format!("['{escaped}']"));
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_are_dotted_unless_a_key_is_not_a_plain_name() {
        assert_eq!(key_path(&["meta", "next_cursor"]), "meta.next_cursor");
        assert_eq!(key_path(&["@odata.nextLink"]), "$['@odata.nextLink']");
        assert_eq!(key_path(&["links", "it's"]), "$['links']['it\\'s']");
        assert!(crate::parse_json_path(&key_path(&["@odata.nextLink"])).is_ok());
    }
}
