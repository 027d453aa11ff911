//! JSONPath as dlt writes it (`data`, `cursors.next`, `$.items[*]`, `['@odata.nextLink']`) on
//! top of RFC 9535, and dlt's rules for turning the matches of a data selector into records.

use serde_json::Value;
use sluice_config::{parse_json_path, JsonPath};

use crate::error::{Error, Result};

/// A compiled path, keeping the text the user wrote for messages.
#[derive(Debug, Clone)]
pub struct Path {
    text: String,
    compiled: JsonPath,
}

impl Path {
    /// Reads a path as dlt does, with the config's own reader (see
    /// [`sluice_config::parse_json_path`]).
    pub fn parse(text: &str) -> Result<Path> {
        let compiled = parse_json_path(text).map_err(|reason| Error::JsonPath {
            path: text.to_owned(),
            reason,
        })?;
        Ok(Path {
            text: text.to_owned(),
            compiled,
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Every match, in document order.
    pub fn all<'a>(&self, value: &'a Value) -> Vec<&'a Value> {
        self.compiled.query(value).all()
    }

    /// The first match, as dlt's paginators take it.
    pub fn first<'a>(&self, value: &'a Value) -> Option<&'a Value> {
        self.all(value).into_iter().next()
    }
}

/// The records a data selector picks out of a response body, by dlt's rules: one match is
/// unwrapped (an array gives its items, `null` nothing, anything else one record); several
/// matches are each a record; no match is an empty page.
pub fn select_records(body: &Value, selector: &Path) -> Vec<Value> {
    let matches = selector.all(body);
    match matches.as_slice() {
        [] => Vec::new(),
        [single] => match single {
            Value::Array(items) => items.clone(),
            Value::Null => Vec::new(),
            other => vec![(*other).clone()],
        },
        several => several.iter().map(|v| (*v).clone()).collect(),
    }
}

/// How many records [`select_records`] would pick, without copying any.
pub fn count_records(body: &Value, selector: &Path) -> usize {
    let matches = selector.all(body);
    match matches.as_slice() {
        [] => 0,
        [Value::Array(items)] => items.len(),
        [Value::Null] => 0,
        [_] => 1,
        several => several.len(),
    }
}

/// The records a data selector picks out of a response body, as [`select_records`] picks
/// them, moved out of the body rather than copied: on a large page the copy costs as much as
/// parsing it did.
pub fn take_records(mut body: Value, selector: &Path) -> Vec<Value> {
    let pointers: Vec<String> = selector
        .compiled
        .query_located(&body)
        .locations()
        .map(|location| location.to_json_pointer())
        .collect();
    match pointers.as_slice() {
        [] => Vec::new(),
        [pointer] => match body.pointer_mut(pointer).map(Value::take) {
            Some(Value::Array(items)) => items,
            Some(Value::Null) | None => Vec::new(),
            Some(other) => vec![other],
        },
        // Several matches may nest (`$..id`), so taking one could empty another: copy them.
        _ => select_records(&body, selector),
    }
}

pub use sluice_config::detect_data_selector;
use sluice_config::records::collect_arrays;

/// Why a records path the user set picks no list of records out of an answer, in words, and the
/// path the answer suggests instead.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectorMiss {
    pub reason: String,
    /// dlt's pick for this answer, when it differs from the path that was set.
    pub suggested: Option<String>,
}

/// Explains a records path that matches nothing, a scalar or one object while the answer holds
/// a list; `None` when it picks a list (or several objects), as a records path should.
pub fn explain_selector(body: &Value, selector: &Path) -> Option<SelectorMiss> {
    let matches = selector.all(body);
    let path = selector.text();
    let detected = detect_data_selector(body);
    let suggested = (detected != "$" && detected != path).then_some(detected);
    let arrays = arrays_found(body);
    let reason = match matches.as_slice() {
        [] => {
            let keys = match body {
                Value::Object(object) => {
                    let mut keys: Vec<String> =
                        object.keys().take(12).map(|k| format!("`{k}`")).collect();
                    if object.len() > 12 {
                        keys.push(format!("and {} more", object.len() - 12));
                    }
                    format!("its top-level keys: {}", keys.join(", "))
                }
                other => format!("the answer is {}", kind_of(other)),
            };
            format!("records path `{path}` matches nothing in the answer ({keys}){arrays}")
        }
        [Value::Array(_)] | [Value::Null] => return None,
        // A path that picks items (`data[*]`, `$..items[?...]`) asks for a list, however short.
        [Value::Object(_)] if suggested.is_none() || picks_items(path) => return None,
        [Value::Object(_)] => {
            format!("records path `{path}` is one object, so each page gives one record{arrays}")
        }
        [single] => format!(
            "records path `{path}` is {} ({}), not a list: each page gives one record with one \
             column, `value`{arrays}",
            kind_of(single),
            shown(single)
        ),
        several if several.iter().all(|v| v.is_object()) => return None,
        several => format!(
            "records path `{path}` picks {} values that are not objects: each becomes a record \
             with one column, `value`{arrays}",
            several.len()
        ),
    };
    Some(SelectorMiss { reason, suggested })
}

/// Whether a path selects items rather than naming one place: a wildcard, filter or descent.
fn picks_items(path: &str) -> bool {
    path.contains(['*', '?', ':']) || path.contains("..")
}

/// `; arrays found: `data` (100 items), ...` for a message, or nothing.
fn arrays_found(body: &Value) -> String {
    let mut paths = Vec::new();
    collect_arrays(body, &mut Vec::new(), &mut paths);
    let listed: Vec<String> = paths
        .iter()
        .take(6)
        .map(|path| {
            let items = path
                .iter()
                .try_fold(body, |value, key| value.get(key))
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            format!("`{}` ({items} items)", path.join("."))
        })
        .collect();
    if listed.is_empty() {
        String::new()
    } else {
        format!("; arrays found: {}", listed.join(", "))
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A short value for a message: at most 40 characters.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= 40 {
        text
    } else {
        format!("{}…", text.chars().take(40).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn a_path_that_matches_nothing_lists_the_keys_and_arrays_with_a_suggestion() {
        let body = json!({"data": (0..100).map(|i| json!({"id": i})).collect::<Vec<_>>(),
                          "total": 1000, "offset": 0, "limit": 100});
        let miss = explain(&body, "results").expect("a miss");
        assert_eq!(
            miss.reason,
            "records path `results` matches nothing in the answer (its top-level keys: `data`, \
             `total`, `offset`, `limit`); arrays found: `data` (100 items)"
        );
        assert_eq!(miss.suggested.as_deref(), Some("data"));
    }

    #[test]
    fn a_scalar_path_is_explained() {
        let body = json!({"data": [{"id": 1}, {"id": 2}], "total": 1000});
        let miss = explain(&body, "total").expect("a miss");
        assert_eq!(
            miss.reason,
            "records path `total` is a number (1000), not a list: each page gives one record with \
             one column, `value`; arrays found: `data` (2 items)"
        );
        assert_eq!(miss.suggested.as_deref(), Some("data"));
        let ids = explain(&body, "data[*].id").expect("a miss");
        assert!(
            ids.reason.contains("picks 2 values that are not objects"),
            "{}",
            ids.reason
        );
    }

    #[test]
    fn an_object_path_is_explained_only_when_the_answer_holds_a_list() {
        let body = json!({"meta": {"page": 1}, "items": [{"id": 1}]});
        let miss = explain(&body, "meta").expect("a miss");
        assert!(
            miss.reason
                .contains("is one object, so each page gives one record"),
            "{}",
            miss.reason
        );
        assert_eq!(miss.suggested.as_deref(), Some("items"));
        assert_eq!(explain(&json!({"user": {"id": 7}}), "user"), None);
    }

    #[test]
    fn lists_of_records_and_null_pages_are_fine() {
        let body = json!({"data": [{"id": 1}], "next": null});
        assert_eq!(explain(&body, "data"), None);
        assert_eq!(explain(&body, "data[*]"), None);
        assert_eq!(explain(&json!({"data": null}), "data"), None);
    }

    fn explain(body: &serde_json::Value, path: &str) -> Option<super::SelectorMiss> {
        super::explain_selector(body, &super::Path::parse(path).expect("path"))
    }

    use super::*;

    /// Picks records the three ways the engine can, and checks they agree.
    fn select(body: &Value, path: &str) -> Vec<Value> {
        let path = Path::parse(path).expect("valid path");
        let copied = select_records(body, &path);
        assert_eq!(count_records(body, &path), copied.len(), "count");
        assert_eq!(take_records(body.clone(), &path), copied, "taken");
        copied
    }

    #[test]
    fn one_array_match_is_unwrapped() {
        let body = json!({"data": [{"id": 1}, {"id": 2}]});
        assert_eq!(
            select(&body, "data"),
            vec![json!({"id": 1}), json!({"id": 2})]
        );
        assert_eq!(
            select(&body, "$.data"),
            vec![json!({"id": 1}), json!({"id": 2})]
        );
    }

    #[test]
    fn one_object_match_is_one_record() {
        let body = json!({"user": {"id": 7}});
        assert_eq!(select(&body, "user"), vec![json!({"id": 7})]);
        assert_eq!(select(&body, "$"), vec![body.clone()]);
    }

    #[test]
    fn null_and_no_match_are_empty_pages() {
        let body = json!({"data": null});
        assert!(select(&body, "data").is_empty());
        assert!(select(&body, "items").is_empty());
    }

    #[test]
    fn several_matches_are_each_a_record() {
        let body = json!({"data": [{"items": [1, 2]}, {"items": [3]}]});
        assert_eq!(
            select(&body, "data[*].items"),
            vec![json!([1, 2]), json!([3])]
        );
        assert_eq!(
            select(&body, "$.data[*].items[*]"),
            vec![json!(1), json!(2), json!(3)]
        );
    }

    #[test]
    fn a_body_that_is_an_array_with_root_selector() {
        let body = json!([{"id": 1}, {"id": 2}]);
        assert_eq!(select(&body, "$"), vec![json!({"id": 1}), json!({"id": 2})]);
    }

    #[test]
    fn dlt_path_spellings_parse() {
        let body = json!({"@odata.nextLink": "x", "next-page": "y", "cursors": {"next": "z"}});
        let first = |p: &str| Path::parse(p).expect("valid").first(&body).cloned();
        assert_eq!(first("['@odata.nextLink']"), Some(json!("x")));
        assert_eq!(first("$['@odata.nextLink']"), Some(json!("x")));
        assert_eq!(first("next-page"), Some(json!("y")));
        assert_eq!(first("cursors.next"), Some(json!("z")));
        assert!(Path::parse("data[?(").is_err());
    }

    #[test]
    fn detection_follows_dlt_rules() {
        let cases = [
            (json!([1, 2]), "$"),
            (json!("text"), "$"),
            (json!({"id": 1, "name": "x"}), "$"),
            (json!({"meta": {"tags": []}, "results": [1]}), "results"),
            (json!({"tags": ["a"], "data": [1]}), "data"),
            (json!({"tags": ["a"], "other": [1]}), "tags"),
            (
                json!({"response": {"body": {"items": [1]}}}),
                "response.body.items",
            ),
            // Four keys deep is beyond the detector.
            (json!({"a": {"b": {"c": {"data": [1]}}}}), "$"),
            (json!({"links": [1], "pagination": {"data": [1]}}), "$"),
            // Case matters: `Data` is not a record key, but it is still the first array.
            (json!({"Data": [1], "x": {"items": [2]}}), "x.items"),
        ];
        for (body, expected) in cases {
            assert_eq!(detect_data_selector(&body), expected, "body {body}");
        }
    }
}
