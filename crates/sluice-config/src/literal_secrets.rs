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
    let auth_at = |pointer: &str| document.pointer(pointer);
    auth(&mut found, "client.auth", auth_at("/client/auth"));
    auth(
        &mut found,
        "resource_defaults.endpoint.auth",
        auth_at("/resource_defaults/endpoint/auth"),
    );
    for i in 0..resource_count(document) {
        let path = format!("{}.endpoint.auth", index_path("resources", i));
        auth(
            &mut found,
            &path,
            auth_at(&format!("/resources/{i}/endpoint/auth")),
        );
    }
    for (path, pointer) in named_value_places(document) {
        if let Some(values) = document.pointer(&pointer).and_then(Value::as_object) {
            sensitive_entries(&mut found, &path, values);
        }
    }
    found
}

fn resource_count(document: &Value) -> usize {
    document
        .get("resources")
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

/// Where headers and query parameters stand: (problem path, JSON pointer) of each object.
fn named_value_places(document: &Value) -> Vec<(String, String)> {
    let mut places = vec![
        ("client.headers".to_owned(), "/client/headers".to_owned()),
        (
            "resource_defaults.endpoint.headers".to_owned(),
            "/resource_defaults/endpoint/headers".to_owned(),
        ),
        (
            "resource_defaults.endpoint.params".to_owned(),
            "/resource_defaults/endpoint/params".to_owned(),
        ),
    ];
    for i in 0..resource_count(document) {
        for part in ["headers", "params"] {
            places.push((
                format!("{}.endpoint.{part}", index_path("resources", i)),
                format!("/resources/{i}/endpoint/{part}"),
            ));
        }
    }
    places
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
    let mut found = Vec::new();
    for (path, pointer) in named_value_places(document) {
        let Some(Value::Object(values)) = document.pointer_mut(&pointer) else {
            continue;
        };
        for (name, value) in values.iter_mut() {
            let Value::String(text) = value else {
                continue;
            };
            if is_sensitive_name(name) && is_literal(text) {
                let reference = crate::import::keep_found(
                    &mut found,
                    taken,
                    reference_name(name),
                    key_path(&path, name),
                    text,
                );
                *value = serde_json::json!({ "$secret": reference });
            }
        }
    }
    found
}
