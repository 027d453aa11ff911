//! Sluice's rule that a saved config holds no secret value, checked on the raw JSON. It runs
//! whether or not the document parses: a mistyped auth `type`, a resource without a name or a
//! bad endpoint must not let a typed token into the app's database (and into every saved
//! version of it) just because the reader gave up on that part.
//!
//! Covered: auth fields, `auth` given as text, and header and query parameter values under
//! sensitive names. Not yet: JSON and form bodies and `access_token_request_data`, where the
//! engine does not resolve `$secret` references yet, so a reference there would break the
//! request.

use serde_json::{Map, Value};

use crate::parse::{index_path, key_path};
use crate::problem::{Problem, ProblemKind};

/// Auth fields whose value is a secret (dlt types them `TSecretStrValue`), except `client_id`:
/// an OAuth client id identifies the app and is shown in every authorize URL, so the form may
/// keep it as plain text.
pub(crate) const SECRET_AUTH_FIELDS: &[&str] = &[
    "token",
    "api_key",
    "password",
    "client_secret",
    "access_token",
    "refresh_token",
];

/// Header and query parameter names whose value is a credential: `Authorization`,
/// `Cookie`, and names holding `key`, `token`, `secret`, `password` or `signature`, in any case.
pub(crate) fn is_sensitive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "authorization"
        || lower == "proxy-authorization"
        || lower == "cookie"
        || ["key", "token", "secret", "password", "passwd", "signature"]
            .iter()
            .any(|part| lower.contains(part))
}

/// A value that names a secret, a config value or a placeholder rather than being one.
fn is_literal(value: &str) -> bool {
    let trimmed = value.trim();
    let placeholder = trimmed.starts_with('{') && trimmed.ends_with('}');
    !trimmed.is_empty() && !placeholder
}

/// Every literal secret in the document, each a problem at its field.
pub(crate) fn find(document: &Value) -> Vec<Problem> {
    let mut found = Vec::new();
    let Some(root) = document.as_object() else {
        return found;
    };
    if let Some(client) = root.get("client").and_then(Value::as_object) {
        auth(&mut found, "client.auth", client.get("auth"));
        named_values(&mut found, "client.headers", client.get("headers"));
    }
    if let Some(defaults) = root.get("resource_defaults").and_then(Value::as_object) {
        endpoint(
            &mut found,
            "resource_defaults.endpoint",
            defaults.get("endpoint"),
        );
    }
    if let Some(resources) = root.get("resources").and_then(Value::as_array) {
        for (i, resource) in resources.iter().enumerate() {
            if let Some(resource) = resource.as_object() {
                let path = format!("{}.endpoint", index_path("resources", i));
                endpoint(&mut found, &path, resource.get("endpoint"));
            }
        }
    }
    found
}

fn endpoint(found: &mut Vec<Problem>, path: &str, endpoint: Option<&Value>) {
    let Some(endpoint) = endpoint.and_then(Value::as_object) else {
        return;
    };
    auth(found, &key_path(path, "auth"), endpoint.get("auth"));
    named_values(found, &key_path(path, "headers"), endpoint.get("headers"));
    named_values(found, &key_path(path, "params"), endpoint.get("params"));
}

fn auth(found: &mut Vec<Problem>, path: &str, auth: Option<&Value>) {
    match auth {
        Some(Value::Object(fields)) => {
            for (field, value) in fields {
                let at = key_path(path, field);
                match value {
                    Value::String(text)
                        if SECRET_AUTH_FIELDS.contains(&field.as_str()) && is_literal(text) =>
                    {
                        found.push(secret_problem(at, field));
                    }
                    _ => {}
                }
            }
        }
        // `auth` is an object or a type name; any other text may well be the token itself.
        Some(Value::String(text)) if is_literal(text) && !is_auth_type_name(text) => {
            found.push(Problem::new(
                path,
                ProblemKind::SecretValue,
                "auth must be an object such as {\"type\": \"bearer\", \"token\": {\"$secret\": \"token\"}}; \
                 this text looks like a secret, so it was not saved: keep it in the keychain",
            ));
        }
        _ => {}
    }
}

/// Short lower-case words with `_`: what an auth type name looks like (`bearer`, `api_key`).
pub(crate) fn is_auth_type_name(text: &str) -> bool {
    text.chars().all(|c| c.is_ascii_lowercase() || c == '_') && text.len() <= 40
}

/// Headers or params: a literal value under a sensitive name.
fn named_values(found: &mut Vec<Problem>, path: &str, values: Option<&Value>) {
    if let Some(values) = values.and_then(Value::as_object) {
        sensitive_entries(found, path, values);
    }
}

fn sensitive_entries(found: &mut Vec<Problem>, path: &str, values: &Map<String, Value>) {
    for (name, value) in values {
        if let Value::String(text) = value {
            if is_sensitive_name(name) && is_literal(text) {
                found.push(secret_problem(key_path(path, name), name));
            }
        }
    }
}

fn secret_problem(path: String, name: &str) -> Problem {
    let reference = reference_name(name);
    Problem::new(
        path,
        ProblemKind::SecretValue,
        format!(
            "a secret cannot be saved in the connector; keep it in the keychain and write {{\"$secret\": \"{reference}\"}}"
        ),
    )
}

/// A keychain name for a value found under `name` (`X-Api-Key` → `x_api_key`).
pub(crate) fn reference_name(name: &str) -> String {
    let words = crate::import::snake_words(name);
    if words.is_empty() {
        "secret".to_owned()
    } else {
        words
    }
}

/// Import: moves literal header and query parameter values under sensitive names out of the
/// document, leaving `{"$secret": name}` in their place, and returns them for the keychain.
/// `taken` holds the reference names the document already uses; the same value found twice is
/// one secret.
pub(crate) fn extract_named_values(
    document: &mut Value,
    taken: &mut Vec<String>,
) -> Vec<crate::FoundSecret> {
    let mut found: Vec<crate::FoundSecret> = Vec::new();
    let mut places: Vec<(String, Vec<&str>)> =
        vec![("client.headers".to_owned(), vec!["client", "headers"])];
    places.push((
        "resource_defaults.endpoint.headers".to_owned(),
        vec!["resource_defaults", "endpoint", "headers"],
    ));
    places.push((
        "resource_defaults.endpoint.params".to_owned(),
        vec!["resource_defaults", "endpoint", "params"],
    ));
    let resources = document
        .get("resources")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let indexes: Vec<String> = (0..resources).map(|i| i.to_string()).collect();
    for (i, index) in indexes.iter().enumerate() {
        for part in ["headers", "params"] {
            places.push((
                format!("{}.endpoint.{part}", index_path("resources", i)),
                vec!["resources", index.as_str(), "endpoint", part],
            ));
        }
    }
    for (path, keys) in places {
        let mut at = Some(&mut *document);
        for key in &keys {
            at = at.and_then(|v| match v {
                Value::Object(map) => map.get_mut(*key),
                Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
                _ => None,
            });
        }
        let Some(Value::Object(values)) = at else {
            continue;
        };
        for (name, value) in values.iter_mut() {
            let Value::String(text) = value else {
                continue;
            };
            if !is_sensitive_name(name) || !is_literal(text) {
                continue;
            }
            let reference = match found.iter().find(|f| &f.value == text) {
                Some(existing) => existing.name.clone(),
                None => {
                    let base = reference_name(name);
                    let mut candidate = base.clone();
                    let mut n = 2;
                    while taken.contains(&candidate) {
                        candidate = format!("{base}_{n}");
                        n += 1;
                    }
                    taken.push(candidate.clone());
                    found.push(crate::FoundSecret {
                        name: candidate.clone(),
                        path: key_path(&path, name),
                        value: text.clone(),
                    });
                    candidate
                }
            };
            *value = serde_json::json!({ "$secret": reference });
        }
    }
    found
}
