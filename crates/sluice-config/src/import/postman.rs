//! Postman collections (v2.0 and v2.1 exports) read into a connector: each GET request a resource,
//! in its folders' order. Collection variables are filled in (`{{baseUrl}}`); a variable left
//! unset in an auth field becomes a keychain reference named after it. Auth is taken from the
//! request, else its folder, else the collection (Postman's `inherit`): bearer, basic, API key
//! and OAuth2 client credentials. Path variables (`:id`) bind a request to the one whose path
//! lists their values; saved example answers give the records path, the primary key and, when
//! they carry a next cursor or link, the paginator. Base URL, parameters and headers come from
//! the cURL import's code.

use serde_json::{json, Value};
use url::Url;

use super::answers::{guess_from_records, records_of};
use super::curl::{self, Request};
use super::openapi::{self, Guess};
use crate::records::detect_data_selector;

/// Whether a parsed document is a Postman collection.
pub(crate) fn is_postman(value: &Value) -> bool {
    value
        .pointer("/info/schema")
        .and_then(Value::as_str)
        .is_some_and(|s| s.contains("getpostman.com") && s.contains("collection"))
        && value.get("item").is_some_and(Value::is_array)
}

/// Whether text starts like a Postman collection, read without parsing it.
pub(crate) fn looks_like_postman(text: &str) -> bool {
    // A long `info.description` may come before `schema`: the whole text is searched (fast).
    text.trim_start().starts_with('{') && text.contains("schema.getpostman.com")
}

/// A GET request of the collection with what it inherits.
struct Item<'a> {
    name: Option<&'a str>,
    request: &'a Value,
    auth: Option<&'a Value>,
    examples: Vec<Value>,
}

pub(crate) fn read_postman(root: &Value) -> Result<(Value, Vec<Guess>), String> {
    // Variables with a value to fill in: an empty one (how Postman exports a secret left out)
    // and a `secret` one stay unfilled, so an auth field naming them becomes a keychain
    // reference and no secret is written into a URL or header.
    let variables: Vec<(String, String)> = root
        .get("variable")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|v| v["type"].as_str() != Some("secret"))
        .filter_map(|v| Some((v["key"].as_str()?.to_owned(), text_of(&v["value"])?)))
        .filter(|(_, value)| !value.is_empty())
        .collect();
    let mut items = Vec::new();
    let mut left_out = 0;
    collect(root, root.get("auth"), &mut items, &mut left_out);
    if items.is_empty() {
        return Err("the collection has no GET request".into());
    }
    let fill = |text: &str| fill_variables(text, &variables);
    let mut requests = Vec::new();
    for item in &items {
        let raw = match &item.request["url"] {
            Value::String(raw) => raw.clone(),
            url => url["raw"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| joined_url(url)),
        };
        // Postman's path variables (`:id`) read as `{id}` from here on.
        let raw = colon_to_braces(&fill(&raw));
        // The URL may hold a key: the message names the request, never the URL.
        let url = Url::parse(&raw).map_err(|e| {
            let name = item.name.unwrap_or("a request");
            format!(
                "the URL of `{name}` does not read as a URL ({e}): set the collection variable \
                 it uses (a variable from a Postman environment is not in the collection)"
            )
        })?;
        let headers = item.request["header"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|h| h["disabled"].as_bool() != Some(true))
            .filter_map(|h| Some((h["key"].as_str()?.to_owned(), fill(h["value"].as_str()?))))
            .collect();
        requests.push(Request {
            url: Some(url),
            method: Some("GET".into()),
            headers,
            ..Request::default()
        });
    }
    let mut document = curl::connector(&requests);
    // The URL reader wrote the placeholders' braces percent-encoded.
    for resource in document["resources"].as_array_mut().into_iter().flatten() {
        if let Some(path) = resource.pointer("/endpoint/path").and_then(Value::as_str) {
            let path = path.replace("%7B", "{").replace("%7D", "}");
            resource["endpoint"]["path"] = Value::String(path);
        }
    }
    let mut guesses = Vec::new();
    if left_out > 0 {
        guesses.push(Guess {
            path: "resources".into(),
            message: format!(
                "{left_out} requests that are not GET (they change data) are left out"
            ),
        });
    }
    if let Some(name) = root.pointer("/info/name").and_then(Value::as_str) {
        document["sluice"] = json!({ "name": name });
    }
    // The first request's auth is the client's; a request whose folder or own auth differs
    // keeps its own on its endpoint.
    let auths: Vec<Option<Value>> = items
        .iter()
        .map(|item| item.auth.and_then(|a| auth_of(a, &variables)))
        .collect();
    if let Some(auth) = auths.iter().flatten().next().cloned() {
        for (index, own) in auths.iter().enumerate() {
            if let Some(own) = own.as_ref().filter(|own| **own != auth) {
                document["resources"][index]["endpoint"]["auth"] = own.clone();
            }
        }
        document["client"]["auth"] = auth;
        // The header the cURL import may have read the same credentials from goes.
        for resource in document["resources"].as_array_mut().into_iter().flatten() {
            if let Some(headers) = resource
                .pointer_mut("/endpoint/headers")
                .and_then(Value::as_object_mut)
            {
                headers.retain(|k, _| !k.eq_ignore_ascii_case("authorization"));
                if headers.is_empty() {
                    resource["endpoint"]
                        .as_object_mut()
                        .map(|e| e.remove("headers"));
                }
            }
        }
    }
    let paths = curl::resource_texts(&document, "/endpoint/path");
    let names = curl::resource_texts(&document, "/name");
    for (index, item) in items.iter().enumerate() {
        let at = |key: &str| format!("resources[{index}].{key}");
        let resource = &mut document["resources"][index];
        let example = item.examples.first();
        let records: Vec<&Value> = match example {
            Some(body) => {
                let selector = detect_data_selector(body);
                resource["endpoint"]["data_selector"] = Value::String(selector.clone());
                records_of(body, &selector)
            }
            None => Vec::new(),
        };
        // `{param}` after another request's path: that request's records hold its values.
        if let Some((placeholder, prefix)) = last_placeholder(&paths[index]) {
            if let Some(parent) = paths.iter().position(|p| *p == prefix) {
                let field = "id";
                let parent_name = &names[parent];
                let path = paths[index].replace(
                    &format!("{{{placeholder}}}"),
                    &format!("{{resources.{parent_name}.{field}}}"),
                );
                resource["endpoint"]["path"] = Value::String(path);
                resource["include_from_parent"] = json!([field]);
                guesses.push(Guess {
                    path: at("endpoint.path"),
                    message: format!(
                        "`:{placeholder}` takes the `{field}` of each `{parent_name}` record"
                    ),
                });
            }
        }
        if let Some(body) = example {
            if let Some((paginator, note)) = paginator_of_answer(body) {
                resource["endpoint"]["paginator"] = paginator;
                guesses.push(Guess {
                    path: at("endpoint.paginator"),
                    message: note,
                });
            }
        }
        guess_from_records(resource, index, &records, &mut guesses);
    }
    Ok((document, guesses))
}

/// Walks folders in order, collecting GET requests with the auth they inherit.
fn collect<'a>(
    node: &'a Value,
    inherited: Option<&'a Value>,
    items: &mut Vec<Item<'a>>,
    left_out: &mut usize,
) {
    for child in node
        .get("item")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let own = child
            .get("auth")
            .filter(|a| a["type"].as_str() != Some("inherit"));
        let auth = own.or(inherited);
        if child.get("item").is_some() {
            collect(child, auth, items, left_out);
            continue;
        }
        let Some(request) = child.get("request") else {
            continue;
        };
        let method = request
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("GET");
        if !method.eq_ignore_ascii_case("GET") {
            *left_out += 1;
            continue;
        }
        let auth = request
            .get("auth")
            .filter(|a| a["type"].as_str() != Some("inherit"))
            .or(auth);
        let examples = child
            .get("response")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            // Saved answers of a success only: a 404's body tells nothing of the records.
            .filter(|r| {
                r.get("code")
                    .and_then(Value::as_u64)
                    .is_none_or(|c| (200..300).contains(&c))
            })
            .filter_map(|r| serde_json::from_str(r.get("body")?.as_str()?).ok())
            .collect();
        items.push(Item {
            name: child.get("name").and_then(Value::as_str),
            request,
            auth,
            examples,
        });
    }
}

/// A collection variable's value as text.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `{{name}}` replaced by the collection's value; unknown ones stay.
fn fill_variables(text: &str, variables: &[(String, String)]) -> String {
    // One pass: a value is written as it is, never read again for variables, so values that
    // name variables cannot grow the text.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        match after.find("}}") {
            Some(close) => {
                let name = &after[..close];
                match variables.iter().find(|(n, _)| n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push_str("{{");
                        out.push_str(name);
                        out.push_str("}}");
                    }
                }
                rest = &after[close + 2..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A URL object without `raw`: protocol, host and path joined.
fn joined_url(url: &Value) -> String {
    let words = |key: &str| -> Vec<String> {
        url[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    let protocol = url["protocol"].as_str().unwrap_or("https");
    format!(
        "{protocol}://{}/{}",
        words("host").join("."),
        words("path").join("/")
    )
}

/// `/users/:id/posts` → `/users/{id}/posts`.
fn colon_to_braces(url: &str) -> String {
    url.split('/')
        .map(|segment| match segment.strip_prefix(':') {
            Some(name)
                if !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                format!("{{{name}}}")
            }
            _ => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The last `{name}` of a path and the path before it.
fn last_placeholder(path: &str) -> Option<(String, String)> {
    let open = path.rfind('{')?;
    let close = open + path[open..].find('}')?;
    let name = &path[open + 1..close];
    if name.contains('.') {
        return None;
    }
    Some((
        name.to_owned(),
        path[..open].trim_end_matches('/').to_owned(),
    ))
}

/// A Postman auth object as the connector's auth; a `{{variable}}` in it becomes a keychain
/// reference named after the variable, a value written in the collection stays for the import
/// to move to the keychain.
fn auth_of(auth: &Value, variables: &[(String, String)]) -> Option<Value> {
    let kind = auth["type"].as_str()?;
    let field = |name: &str| -> Option<Value> {
        // v2.1 lists `{key, value}` pairs; v2.0 writes an object.
        let value = match &auth[kind] {
            Value::Array(fields) => fields
                .iter()
                .find(|f| f["key"].as_str() == Some(name))?
                .get("value")
                .and_then(text_of)?,
            Value::Object(fields) => fields.get(name).and_then(text_of)?,
            _ => return None,
        };
        let filled = fill_variables(&value, variables);
        Some(
            match filled.strip_prefix("{{").and_then(|v| v.strip_suffix("}}")) {
                Some(variable) => {
                    json!({ "$secret": super::snake_words(&openapi::split_camel(variable)) })
                }
                None => Value::String(filled),
            },
        )
    };
    Some(match kind {
        "bearer" => json!({ "type": "bearer", "token": field("token")? }),
        "basic" => {
            json!({ "type": "http_basic", "username": field("username")?, "password": field("password")? })
        }
        "apikey" => {
            let location = match field("in").as_ref().and_then(Value::as_str) {
                Some("query") => "query",
                _ => "header",
            };
            json!({ "type": "api_key", "name": field("key")?, "api_key": field("value")?, "location": location })
        }
        "oauth2"
            if field("grant_type").as_ref().and_then(Value::as_str)
                == Some("client_credentials") =>
        {
            json!({
                "type": "oauth2_client_credentials",
                "access_token_url": field("accessTokenUrl")?,
                "client_id": field("clientId")?,
                "client_secret": field("clientSecret")?,
            })
        }
        _ => return None,
    })
}

/// The paginator a saved answer shows: a next cursor (sent back as the parameter it is named
/// after, `next_cursor` → `cursor`) or a next link.
fn paginator_of_answer(body: &Value) -> Option<(Value, String)> {
    let object = body.as_object()?;
    for (key, value) in object {
        let lower = key.to_ascii_lowercase();
        if !(value.is_string() || value.is_null()) {
            continue;
        }
        if openapi::NEXT_LINK_PROPERTIES.contains(&lower.as_str())
            && value.as_str().is_some_and(|v| v.contains('/'))
        {
            return Some((
                json!({ "type": "json_link", "next_url_path": key }),
                format!("link pages: the saved answer's `{key}` is the next page's URL"),
            ));
        }
        if openapi::CURSOR_PROPERTIES.contains(&lower.as_str()) && lower.starts_with("next") {
            let param = lower.trim_start_matches("next").trim_start_matches('_');
            let param = if param.is_empty() { "cursor" } else { param };
            return Some((
                json!({ "type": "cursor", "cursor_path": key, "cursor_param": param }),
                format!("cursor pages: the saved answer has `{key}`, sent back as `{param}`"),
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_variables_read_as_placeholders() {
        assert_eq!(
            colon_to_braces("https://x.io/orgs/:orgId/members"),
            "https://x.io/orgs/{orgId}/members"
        );
        assert_eq!(
            colon_to_braces("https://x.io:8080/a"),
            "https://x.io:8080/a"
        );
        assert_eq!(
            last_placeholder("orgs/{orgId}/members"),
            Some(("orgId".into(), "orgs".into()))
        );
    }

    #[test]
    fn variables_fill_text_and_unknown_ones_stay() {
        let vars = [("baseUrl".to_owned(), "https://api.x.io".to_owned())];
        assert_eq!(
            fill_variables("{{baseUrl}}/v1/{{other}}", &vars),
            "https://api.x.io/v1/{{other}}"
        );
    }
}
