//! The request of the next page, as the paginator changes it from page to page.

use reqwest::{Method, Url};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Body {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
    Raw(String),
}

#[derive(Debug, Clone)]
pub(crate) struct PageRequest {
    pub(crate) method: Method,
    /// May carry a query of its own (from the path or a followed link).
    pub(crate) url: Url,
    /// Query parameters added to `url`'s own, in order; a list value repeats its key.
    pub(crate) params: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Body,
}

impl PageRequest {
    /// Sets a query parameter, replacing every earlier value of it.
    pub(crate) fn set_param(&mut self, name: &str, value: String) {
        self.params.retain(|(key, _)| key != name);
        self.params.push((name.to_owned(), value));
    }

    /// Sets `value` at a dot path of the JSON body (`page.offset`), creating objects on the way,
    /// as dlt's `*_body_path` options do.
    pub(crate) fn set_body_path(&mut self, path: &str, value: Value) {
        if !matches!(self.body, Body::Json(Value::Object(_))) {
            self.body = Body::Json(Value::Object(serde_json::Map::new()));
        }
        let Body::Json(root) = &mut self.body else {
            return;
        };
        let mut node = root;
        let keys: Vec<&str> = path.split('.').collect();
        for (i, key) in keys.iter().enumerate() {
            if !node.is_object() {
                *node = Value::Object(serde_json::Map::new());
            }
            let Value::Object(object) = node else { return };
            if i + 1 == keys.len() {
                object.insert((*key).to_owned(), value);
                return;
            }
            node = object
                .entry((*key).to_owned())
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
        }
    }

    /// What makes this request the same as another: method, URL with parameters, and body.
    pub(crate) fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.method.as_str().hash(&mut hasher);
        self.display_url().hash(&mut hasher);
        match &self.body {
            Body::None => 0u8.hash(&mut hasher),
            Body::Json(value) => value.to_string().hash(&mut hasher),
            Body::Form(pairs) => pairs.hash(&mut hasher),
            Body::Raw(text) => text.hash(&mut hasher),
        }
        hasher.finish()
    }

    /// The URL with its parameters, as it goes on the wire (for events and errors; redact it).
    pub(crate) fn display_url(&self) -> String {
        let mut url = self.url.clone();
        if !self.params.is_empty() {
            url.query_pairs_mut().extend_pairs(self.params.iter());
        }
        url.to_string()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn request() -> PageRequest {
        PageRequest {
            method: Method::GET,
            url: Url::parse("http://x.test/a?fixed=1").expect("url"),
            params: vec![("limit".into(), "5".into())],
            headers: Vec::new(),
            body: Body::None,
        }
    }

    #[test]
    fn params_are_replaced_and_shown_after_the_url_query() {
        let mut r = request();
        r.set_param("cursor", "a".into());
        r.set_param("cursor", "b".into());
        assert_eq!(r.display_url(), "http://x.test/a?fixed=1&limit=5&cursor=b");
    }

    #[test]
    fn body_paths_create_objects() {
        let mut r = request();
        r.set_body_path("page.offset", json!(10));
        r.set_body_path("page.limit", json!(5));
        r.set_body_path("q", json!("x"));
        assert_eq!(
            r.body,
            Body::Json(json!({"page": {"offset": 10, "limit": 5}, "q": "x"}))
        );
    }
}
