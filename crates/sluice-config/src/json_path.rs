//! JSONPath as dlt writes it (`data`, `cursors.next`, `$.items[*]`, `['@odata.nextLink']`), read
//! on top of RFC 9535. One reader for the config's checks and the engine's runs, so a path the
//! form accepts is a path a sync can follow.

pub use serde_json_path::JsonPath;

/// Reads a path. dlt (jsonpath_ng) accepts paths without the leading `$`; RFC 9535 does not, so
/// one is added. Dotted keys that RFC 9535 shorthand rejects (`next-page`) are retried in
/// bracket form so a path that worked in dlt keeps working. The error is the parser's reason.
pub fn parse_json_path(text: &str) -> Result<JsonPath, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("it is empty".into());
    }
    let rooted = if trimmed.starts_with('$') {
        trimmed.to_owned()
    } else if trimmed.starts_with('[') {
        format!("${trimmed}")
    } else {
        format!("$.{trimmed}")
    };
    match JsonPath::parse(&rooted) {
        Ok(compiled) => Ok(compiled),
        Err(first) => {
            let plain = !trimmed.starts_with('$')
                && !trimmed.contains(['[', ']', '*', '?', '\'', '"', '(', ')'])
                && trimmed.split('.').all(|key| !key.is_empty());
            let bracketed = plain.then(|| {
                let keys: String = trimmed.split('.').map(|key| format!("['{key}']")).collect();
                format!("${keys}")
            });
            match bracketed.map(|b| JsonPath::parse(&b)) {
                Some(Ok(compiled)) => Ok(compiled),
                _ => Err(first.to_string()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dlt_paths_read_as_dlt_reads_them() {
        let body = json!({"data": [1], "cursors": {"next": "c"}, "next-page": "p",
                          "@odata.nextLink": "l", "items": [{"id": 1}]});
        let first = |path: &str| {
            parse_json_path(path)
                .unwrap_or_else(|e| panic!("{path}: {e}"))
                .query(&body)
                .all()
                .first()
                .map(|v| (*v).clone())
        };
        assert_eq!(first("data"), Some(json!([1])));
        assert_eq!(first("cursors.next"), Some(json!("c")));
        assert_eq!(first("next-page"), Some(json!("p")));
        assert_eq!(first("['@odata.nextLink']"), Some(json!("l")));
        assert_eq!(first("$.items[*].id"), Some(json!(1)));
    }

    #[test]
    fn broken_paths_say_why() {
        for path in ["data[", "$.items[?(@.id >", "", "  ", "a..", "$$"] {
            assert!(parse_json_path(path).is_err(), "{path:?} is not a path");
        }
    }
}
