//! HAR files (what browsers' devtools save) read into a connector. The JSON answers from the API
//! host most requests went to become resources, one per path template (`/users/123/posts` and
//! `/users/456/posts` → `users/{id}/posts`, a child of `users` when the ids are its records');
//! what successive requests did gives the paginator (`page=1,2,3` → page number; `offset=0,100`
//! → offset; a parameter whose value the previous answer held → cursor; a URL the previous
//! answer held → JSON link; a `Link: rel="next"` header → header link), the answers give the
//! records path and the primary key, and a client-credentials token request the OAuth2 auth.
//! The request building (base URL, auth headers, parameters) is the cURL import's.
//!
//! Secret values in the requests (tokens, client secrets) come into the document as written and
//! the import moves them to the keychain, as for any pasted config; answers are read, never kept.

use serde_json::{json, Map, Value};
use url::Url;

use super::answers::{guess_from_records, records_of};
use super::curl::{self, is_id, Request};
use super::openapi::{self, Guess};
use crate::records::detect_data_selector;

/// Whether text starts like a HAR file, read without parsing it.
pub(crate) fn looks_like_har(text: &str) -> bool {
    let head: String = text.chars().take(2048).collect();
    head.trim_start().starts_with('{')
        && head.contains("\"log\"")
        && (head.contains("\"creator\"")
            || head.contains("\"entries\"")
            || head.contains("\"version\""))
}

/// Whether a parsed document is a HAR file.
pub(crate) fn is_har(value: &Value) -> bool {
    value.pointer("/log/entries").is_some_and(Value::is_array)
}

/// One request of the file with its JSON answer.
struct Exchange {
    url: Url,
    headers: Vec<(String, String)>,
    cookies: Vec<(String, String)>,
    body: Value,
    /// Answer headers, names lower-cased.
    answer_headers: Vec<(String, String)>,
}

/// Request headers a browser adds that say nothing about the API.
const BROWSER_HEADERS: &[&str] = &[
    "accept-encoding",
    "accept-language",
    "user-agent",
    "referer",
    "origin",
    "cookie",
    "connection",
    "host",
    "cache-control",
    "pragma",
    "dnt",
    "priority",
    "if-none-match",
    "if-modified-since",
    "content-length",
    "upgrade-insecure-requests",
    "te",
];

pub(crate) fn read_har(root: &Value) -> Result<(Value, Vec<Guess>), String> {
    let entries = root
        .pointer("/log/entries")
        .and_then(Value::as_array)
        .ok_or("the file has no `log.entries`: it is no HAR file")?;
    let mut exchanges = Vec::new();
    let mut token_request = None;
    for entry in entries {
        let request = &entry["request"];
        let method = request["method"].as_str().unwrap_or("GET");
        let Some(url) = request["url"].as_str().and_then(|u| Url::parse(u).ok()) else {
            continue;
        };
        let status = entry
            .pointer("/response/status")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        if !(200..300).contains(&status) {
            continue;
        }
        if method == "POST" && token_request.is_none() {
            token_request = client_credentials(&url, request);
            continue;
        }
        if method != "GET" {
            continue;
        }
        let Some(body) = answer_json(&entry["response"]) else {
            continue;
        };
        exchanges.push(Exchange {
            url,
            headers: name_values(&request["headers"]),
            cookies: name_values(&request["cookies"]),
            body,
            answer_headers: name_values(
                &entry
                    .pointer("/response/headers")
                    .cloned()
                    .unwrap_or_default(),
            )
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect(),
        });
    }
    // The API is the origin most JSON answers came from.
    let mut counts: Vec<(String, usize)> = Vec::new();
    for exchange in &exchanges {
        let origin = exchange.url.origin().ascii_serialization();
        match counts.iter_mut().find(|(o, _)| *o == origin) {
            Some((_, n)) => *n += 1,
            None => counts.push((origin, 1)),
        }
    }
    let Some((origin, _)) = counts.iter().max_by_key(|(_, n)| *n).cloned() else {
        return Err("the file holds no successful GET request that answered JSON".into());
    };
    let mut guesses = Vec::new();
    if counts.len() > 1 {
        guesses.push(Guess {
            path: "client.base_url".into(),
            message: format!(
                "the requests to {origin} ({} of {}); those to other hosts are left out",
                counts
                    .iter()
                    .find(|(o, _)| *o == origin)
                    .map_or(0, |(_, n)| *n),
                exchanges.len()
            ),
        });
    }
    exchanges.retain(|e| e.url.origin().ascii_serialization() == origin);

    // One group per path template, in the order first seen.
    let mut groups: Vec<(String, Vec<Exchange>)> = Vec::new();
    let mut group_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for exchange in exchanges {
        let template = template(exchange.url.path());
        match group_of.get(&template) {
            Some(&at) => groups[at].1.push(exchange),
            None => {
                group_of.insert(template.clone(), groups.len());
                groups.push((template, vec![exchange]));
            }
        }
    }
    let requests: Vec<Request> = groups
        .iter()
        .map(|(_, members)| {
            let first = &members[0];
            Request {
                url: Some(first.url.clone()),
                method: Some("GET".into()),
                headers: first
                    .headers
                    .iter()
                    .filter(|(k, _)| {
                        let lower = k.to_ascii_lowercase();
                        !lower.starts_with(':')
                            && !lower.starts_with("sec-")
                            && !BROWSER_HEADERS.contains(&lower.as_str())
                    })
                    .cloned()
                    .collect(),
                cookies: first.cookies.clone(),
                ..Request::default()
            }
        })
        .collect();
    let mut document = curl::connector(&requests);
    if let Some((token_url, client_id, client_secret)) = token_request {
        let bearer = document
            .pointer("/client/auth/type")
            .and_then(Value::as_str)
            == Some("bearer");
        if bearer {
            document["client"]["auth"] = json!({
                "type": "oauth2_client_credentials",
                "access_token_url": token_url,
                "client_id": client_id,
                "client_secret": client_secret,
            });
            guesses.push(Guess {
                path: "client.auth".into(),
                message: "OAuth2 client credentials: the file asks for a token with them before the requests".into(),
            });
        }
    }

    let names = curl::resource_texts(&document, "/name");
    for (index, (shape, members)) in groups.iter().enumerate() {
        let at = |key: &str| format!("resources[{index}].{key}");
        let resource = &mut document["resources"][index];
        let endpoint = &mut resource["endpoint"];
        // The path as the cURL import wrote it, ids made placeholders.
        if let Some(path) = endpoint["path"].as_str() {
            endpoint["path"] = Value::String(template(path));
        }
        let first = &members[0];
        let selector = detect_data_selector(&first.body);
        endpoint["data_selector"] = Value::String(selector.clone());
        let records = records_of(&first.body, &selector);

        if let Some((parent, field)) = parent_of(&groups, &group_of, index) {
            let parent_name = &names[parent];
            if let Some(path) = endpoint["path"].as_str() {
                let bound = replace_last(
                    path,
                    "{id}",
                    &format!("{{resources.{parent_name}.{field}}}"),
                );
                endpoint["path"] = Value::String(bound);
            }
            resource["include_from_parent"] = json!([field]);
            guesses.push(Guess {
                path: at("endpoint.path"),
                message: format!(
                    "the ids in `{shape}` are the `{field}` of `{parent_name}` records"
                ),
            });
        }
        let endpoint = &mut document["resources"][index]["endpoint"];
        let mut params = endpoint["params"].as_object().cloned().unwrap_or_default();
        match paginator(members, &mut params) {
            Some((paginator, note)) => {
                endpoint["paginator"] = paginator;
                guesses.push(Guess {
                    path: at("endpoint.paginator"),
                    message: note,
                });
            }
            None if endpoint.get("paginator").is_none() => {
                endpoint["paginator"] = json!({ "type": "single_page" });
                guesses.push(Guess {
                    path: at("endpoint.paginator"),
                    message: "one request: the file shows no next page for it".into(),
                });
            }
            None => {}
        }
        if params.is_empty() {
            if let Some(object) = endpoint.as_object_mut() {
                object.remove("params");
            }
        } else {
            endpoint["params"] = Value::Object(params);
        }
        guess_from_records(
            &mut document["resources"][index],
            index,
            &records,
            &mut guesses,
        );
    }
    Ok((document, guesses))
}

/// `(name, value)` pairs of a HAR list of `{name, value}` objects.
fn name_values(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| {
            Some((
                item["name"].as_str()?.to_owned(),
                item["value"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// The answer's body as JSON, when it is JSON (base64 as HAR allows).
fn answer_json(response: &Value) -> Option<Value> {
    let content = &response["content"];
    let text = content["text"].as_str()?;
    let text = if content["encoding"].as_str() == Some("base64") {
        use base64::Engine as _;
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .ok()?,
        )
        .ok()?
    } else {
        text.to_owned()
    };
    serde_json::from_str(&text).ok()
}

/// A token request of the client-credentials grant: (token URL, client id, client secret),
/// from the form body or a Basic header.
fn client_credentials(url: &Url, request: &Value) -> Option<(String, String, String)> {
    let post = &request["postData"];
    let mut fields: Vec<(String, String)> = name_values(&post["params"]);
    if fields.is_empty() {
        if let Some(text) = post["text"].as_str() {
            fields = url::form_urlencoded::parse(text.as_bytes())
                .into_owned()
                .collect();
        }
    }
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if field("grant_type").as_deref() != Some("client_credentials") {
        return None;
    }
    let basic = name_values(&request["headers"])
        .into_iter()
        .find_map(|(k, v)| {
            let (scheme, encoded) = v.split_once(' ')?;
            (k.eq_ignore_ascii_case("authorization") && scheme.eq_ignore_ascii_case("basic"))
                .then(|| curl::basic_pair(encoded.trim()))
                .flatten()
        });
    let (id, secret) = match (field("client_id"), field("client_secret")) {
        (Some(id), Some(secret)) => (id, secret),
        _ => basic?,
    };
    let mut token_url = url.clone();
    token_url.set_query(None);
    Some((token_url.to_string(), id, secret))
}

/// A URL path with its ids as `{id}`.
fn template(path: &str) -> String {
    path.split('/')
        .map(|segment| if is_id(segment) { "{id}" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

fn replace_last(text: &str, from: &str, to: &str) -> String {
    match text.rfind(from) {
        Some(at) => format!("{}{to}{}", &text[..at], &text[at + from.len()..]),
        None => text.to_owned(),
    }
}

/// The group whose template is this one's up to its last `{id}`, and the field of its records
/// that holds the ids this group's requests used.
fn parent_of(
    groups: &[(String, Vec<Exchange>)],
    group_of: &std::collections::HashMap<String, usize>,
    index: usize,
) -> Option<(usize, String)> {
    let (template, members) = &groups[index];
    let at = template.rfind("/{id}")?;
    let parent = *group_of.get(&template[..at])?;
    let id_position = template[..at].split('/').count();
    let ids: std::collections::HashSet<&str> = members
        .iter()
        .filter_map(|m| m.url.path().split('/').nth(id_position))
        .collect();
    let parent_records: Vec<&Value> = groups[parent]
        .1
        .iter()
        .flat_map(|m| records_of(&m.body, &detect_data_selector(&m.body)))
        .collect();
    // Whether every id the child's requests used is a value of `field` in the parent's records.
    let holds = |field: &str| {
        let values: std::collections::HashSet<String> = parent_records
            .iter()
            .filter_map(|r| match r.get(field) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            })
            .collect();
        ids.iter().all(|id| values.contains(*id))
    };
    let field = ["id", "uuid", "key"]
        .into_iter()
        .find(|f| holds(f))
        .map(str::to_owned)
        .or_else(|| {
            let first = parent_records.first()?.as_object()?;
            first.keys().take(64).find(|k| holds(k)).cloned()
        })?;
    Some((parent, field))
}

/// The query of a URL as pairs.
fn query(url: &Url) -> Vec<(String, String)> {
    url.query_pairs().into_owned().collect()
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The dotted key path of a string (or number) value in an answer's objects, records left out.
fn find_value(body: &Value, wanted: &str, path: &mut Vec<String>) -> Option<String> {
    let Value::Object(object) = body else {
        return None;
    };
    for (key, value) in object {
        path.push(key.clone());
        let found = match value {
            Value::String(s) if s == wanted => Some(crate::records::key_path(path)),
            Value::Number(n) if n.to_string() == wanted => Some(crate::records::key_path(path)),
            Value::Object(_) => find_value(value, wanted, path),
            _ => None,
        };
        path.pop();
        if found.is_some() {
            return found;
        }
    }
    None
}

/// What successive requests of one path did, as a paginator; the paginator's parameters leave
/// `params`.
fn paginator(members: &[Exchange], params: &mut Map<String, Value>) -> Option<(Value, String)> {
    // Pairs of a request and the next one to the same concrete path.
    let pairs: Vec<(&Exchange, &Exchange)> = members
        .windows(2)
        .filter(|w| w[0].url.path() == w[1].url.path())
        .map(|w| (&w[0], &w[1]))
        .collect();
    let (a, b) = *pairs.first()?;
    let (qa, qb) = (query(&a.url), query(&b.url));

    // A URL the previous answer held.
    for candidate in [
        b.url.to_string(),
        format!("{}?{}", b.url.path(), b.url.query().unwrap_or("")),
    ] {
        if let Some(path) = find_value(&a.body, &candidate, &mut Vec::new()) {
            return Some((
                json!({ "type": "json_link", "next_url_path": path }),
                format!("link pages: the answer's `{path}` is the next page's URL"),
            ));
        }
    }
    if a.answer_headers
        .iter()
        .any(|(k, v)| k == "link" && v.contains("rel=\"next\""))
    {
        return Some((
            json!({ "type": "header_link" }),
            "link pages: the answer's `Link` header names the next page".into(),
        ));
    }
    // A parameter whose value the previous answer held (not a count: an offset of 100 is no
    // cursor because the answer says `limit: 100`).
    for (name, value) in &qb {
        let lower = name.to_ascii_lowercase();
        let counts = [
            openapi::OFFSET_PARAMS,
            openapi::PAGE_PARAMS,
            openapi::SIZE_PARAMS,
        ]
        .iter()
        .any(|names| names.contains(&lower.as_str()));
        if counts || param(&qa, name) == Some(value.as_str()) {
            continue;
        }
        if let Some(path) = find_value(&a.body, value, &mut Vec::new()) {
            params.remove(name);
            let mut paginator =
                json!({ "type": "cursor", "cursor_path": path, "cursor_param": name });
            if let Some(more) = openapi::HAS_MORE_PROPERTIES
                .iter()
                .find_map(|p| find_key(&a.body, p))
            {
                paginator["has_more_path"] = Value::String(more);
            }
            return Some((
                paginator,
                format!("cursor pages: `{name}` takes the answer's `{path}`"),
            ));
        }
    }
    let number = |pairs: &[(String, String)], name: &str| {
        param(pairs, name).and_then(|v| v.parse::<u64>().ok())
    };
    let record_count = records_of(&a.body, &detect_data_selector(&a.body)).len() as u64;
    for (name, _) in &qb {
        let lower = name.to_ascii_lowercase();
        let (Some(next), previous) = (number(&qb, name), number(&qa, name)) else {
            continue;
        };
        if openapi::OFFSET_PARAMS.contains(&lower.as_str()) {
            // Pages in order only: a later request that went back is no paging.
            let Some(step) = next.checked_sub(previous.unwrap_or(0)).filter(|&s| s > 0) else {
                continue;
            };
            let size = openapi::SIZE_PARAMS.iter().find_map(|s| {
                qb.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(s))
                    .map(|(k, v)| (k.clone(), v.parse::<u64>().ok()))
            });
            let limit = size
                .as_ref()
                .and_then(|(_, n)| *n)
                .unwrap_or(step.max(record_count));
            params.remove(name);
            let mut paginator = json!({ "type": "offset", "limit": limit });
            if name != "offset" {
                paginator["offset_param"] = Value::String(name.clone());
            }
            if let Some((size_name, _)) = &size {
                params.remove(size_name);
                if size_name != "limit" {
                    paginator["limit_param"] = Value::String(size_name.clone());
                }
            }
            let total = openapi::TOTAL_PROPERTIES
                .iter()
                .find_map(|p| find_key(&a.body, p));
            paginator["total_path"] = total.clone().map_or(Value::Null, Value::String);
            let ends = total.map_or("until an empty page".to_owned(), |t| {
                format!("until `{t}` records")
            });
            return Some((
                paginator,
                format!(
                    "offset pages of {limit}: `{name}` went {} → {next}, {ends}",
                    previous.unwrap_or(0)
                ),
            ));
        }
        if openapi::PAGE_PARAMS.contains(&lower.as_str()) {
            let first = previous.unwrap_or(next.saturating_sub(1));
            if first.checked_add(1) != Some(next) {
                continue;
            }
            params.remove(name);
            let mut paginator = json!({ "type": "page_number", "base_page": first, "page": first });
            if name != "page" {
                paginator["page_param"] = Value::String(name.clone());
            }
            let total = openapi::TOTAL_PAGES_PROPERTIES
                .iter()
                .find_map(|p| find_key(&a.body, p));
            paginator["total_path"] = total.clone().map_or(Value::Null, Value::String);
            let ends = total.map_or("until an empty page".to_owned(), |t| format!("until `{t}`"));
            return Some((
                paginator,
                format!("numbered pages: `{name}` went {first} → {next}, {ends}"),
            ));
        }
    }
    None
}

/// The dotted path of a key anywhere in an answer's objects (records left out).
fn find_key(body: &Value, wanted: &str) -> Option<String> {
    fn walk(value: &Value, wanted: &str, path: &mut Vec<String>) -> Option<String> {
        let Value::Object(object) = value else {
            return None;
        };
        for (key, child) in object {
            path.push(key.clone());
            if key.eq_ignore_ascii_case(wanted) && !child.is_array() && !child.is_object() {
                return Some(crate::records::key_path(path));
            }
            if let Some(found) = walk(child, wanted, path) {
                return Some(found);
            }
            path.pop();
        }
        None
    }
    walk(body, wanted, &mut Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_paths_become_placeholders() {
        assert_eq!(template("/users/123/posts"), "/users/{id}/posts");
        assert_eq!(
            template("/v1/orgs/3f2a9c1e-0000-4000-8000-00000000abcd"),
            "/v1/orgs/{id}"
        );
        assert_eq!(template("/v2/items"), "/v2/items");
        assert_eq!(template("/files/report_2024"), "/files/report_2024");
    }

    #[test]
    fn a_value_is_found_at_its_key_path_outside_the_records() {
        let body = json!({"data": [{"id": "c2"}], "meta": {"next": "c2"}});
        assert_eq!(
            find_value(&body, "c2", &mut Vec::new()),
            Some("meta.next".into())
        );
    }
}
