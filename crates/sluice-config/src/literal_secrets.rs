//! Sluice's rule that a saved config holds no secret value, checked on the raw JSON. It runs
//! whether or not the document parses: a mistyped auth `type`, a resource without a name or a
//! bad endpoint must not let a typed token into the app's database (and into every saved
//! version of it) just because the reader gave up on that part.
//!
//! Covered: auth fields, `auth` given as text, and header and query parameter values under
//! sensitive names, where the document puts them. Not checked: JSON and form bodies and
//! `access_token_request_data`, where no field name says which value is a secret; `$secret`
//! references work there, so a user can move one out by hand. A draft import (a document that
//! does not read, so its keys may stand anywhere) is swept deeper: [`move_secrets_anywhere`].

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
/// `Cookie`, `appid`, `auth`, `sig`, and names holding `key`, `token`, `secret`, `password` or
/// `signature`, in any case.
pub(crate) fn is_sensitive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "authorization"
        || lower == "proxy-authorization"
        || lower == "cookie"
        // Names that are credentials by themselves: OpenWeather's `appid`, Firebase's `auth`,
        // an Azure SAS `sig`.
        || matches!(lower.as_str(), "appid" | "auth" | "sig")
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
    for (path, pointer) in auth_places(document) {
        auth(&mut found, &path, document.pointer(&pointer));
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

/// Where auth stands: (problem path, JSON pointer) of each place.
fn auth_places(document: &Value) -> Vec<(String, String)> {
    let mut places = vec![
        ("client.auth".to_owned(), "/client/auth".to_owned()),
        (
            "resource_defaults.endpoint.auth".to_owned(),
            "/resource_defaults/endpoint/auth".to_owned(),
        ),
    ];
    for i in 0..resource_count(document) {
        places.push((
            format!("{}.endpoint.auth", index_path("resources", i)),
            format!("/resources/{i}/endpoint/auth"),
        ));
    }
    places
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
    move_named_values(document, &mut found, taken);
    found
}

fn move_named_values(
    document: &mut Value,
    known: &mut Vec<crate::FoundSecret>,
    taken: &mut Vec<String>,
) {
    for (path, pointer) in named_value_places(document) {
        let Some(Value::Object(values)) = document.pointer_mut(&pointer) else {
            continue;
        };
        for (name, value) in values.iter_mut() {
            if is_sensitive_name(name) && value.as_str().is_some_and(is_literal) {
                move_out(value, name, key_path(&path, name), known, taken);
            }
        }
    }
}

/// Replaces the text `value` by a reference to the keychain name it is kept under.
fn move_out(
    value: &mut Value,
    base: &str,
    path: String,
    known: &mut Vec<crate::FoundSecret>,
    taken: &mut Vec<String>,
) {
    if let Value::String(text) = value {
        let name = crate::import::keep_found(known, taken, reference_name(base), path, text);
        *value = serde_json::json!({ "$secret": name });
    }
}

/// A saved document written before the check above caught everything: moves each literal secret
/// it finds (auth fields, `auth` given as text, headers and parameters under sensitive names)
/// out of the document, leaving `{"$secret": name}`, and returns the new ones. `known` holds the
/// secrets already moved out of other documents of the same connector (its other saved
/// versions): a value found again gets the same name, and every new one is added to it.
pub fn move_literal_secrets(
    document: &mut Value,
    known: &mut Vec<crate::FoundSecret>,
) -> Vec<crate::FoundSecret> {
    let before = known.len();
    let mut taken: Vec<String> = known.iter().map(|f| f.name.clone()).collect();
    crate::import::collect_refs(document, &mut taken);
    for (path, pointer) in auth_places(document) {
        match document.pointer_mut(&pointer) {
            Some(Value::Object(fields)) => {
                for (field, value) in fields.iter_mut() {
                    let literal = value.as_str().is_some_and(is_literal);
                    if literal && SECRET_AUTH_FIELDS.contains(&field.as_str()) {
                        move_out(value, field, key_path(&path, field), known, &mut taken);
                    }
                }
            }
            // Text where an auth object belongs, and not a type name: most likely a token,
            // which is what a bearer auth sends.
            Some(auth @ Value::String(_))
                if auth
                    .as_str()
                    .is_some_and(|t| is_literal(t) && !is_auth_type_name(t)) =>
            {
                let mut token = auth.take();
                move_out(&mut token, "token", path, known, &mut taken);
                *auth = serde_json::json!({"type": "bearer", "token": token});
            }
            _ => {}
        }
    }
    move_named_values(document, known, &mut taken);
    known[before..].to_vec()
}

/// Keys whose names look sensitive but hold config, not credentials.
const NOT_SECRET_KEYS: &[&str] = &[
    "primary_key",
    "merge_key",
    "cursor_key",
    "links_next_key",
    "token_url",
    "access_token_url",
    "client_id",
    "type",
    "name",
    "location",
];

/// A draft's sweep: a document that did not read may hold its auth at the wrong level, a header
/// map misspelled or a custom auth type, so every place at any depth is looked at. Moved out:
/// any auth field name ([`SECRET_AUTH_FIELDS`]) anywhere; under an `auth` object anywhere, any
/// sensitive name; in any map named like headers, params or cookies, any sensitive name; and
/// `auth` given as text. Keys that only look sensitive (`primary_key`, `token_url`) stay.
/// Runs after [`move_literal_secrets`], with the same `known`.
pub(crate) fn move_secrets_anywhere(document: &mut Value, known: &mut Vec<crate::FoundSecret>) {
    let mut taken: Vec<String> = known.iter().map(|f| f.name.clone()).collect();
    crate::import::collect_refs(document, &mut taken);
    sweep(document, "", None, known, &mut taken);
}

fn sweep(
    value: &mut Value,
    path: &str,
    parent_key: Option<&str>,
    known: &mut Vec<crate::FoundSecret>,
    taken: &mut Vec<String>,
) {
    match value {
        Value::Object(entries) => {
            let in_auth = parent_key.is_some_and(|k| k.eq_ignore_ascii_case("auth"));
            let in_named = parent_key.is_some_and(|k| {
                ["headers", "header", "params", "param", "cookies", "cookie"]
                    .contains(&k.to_ascii_lowercase().as_str())
            });
            for (key, child) in entries.iter_mut() {
                let at = key_path(path, key);
                let literal = child.as_str().is_some_and(is_literal);
                let secret_name = SECRET_AUTH_FIELDS.contains(&key.as_str())
                    || ((in_auth || in_named)
                        && is_sensitive_name(key)
                        && !NOT_SECRET_KEYS.contains(&key.as_str()));
                if literal && secret_name && !key.starts_with('$') {
                    move_out(child, key, at, known, taken);
                } else if literal
                    && key.eq_ignore_ascii_case("auth")
                    && child.as_str().is_some_and(|t| !is_auth_type_name(t))
                {
                    let mut token = child.take();
                    move_out(&mut token, "token", at, known, taken);
                    *child = serde_json::json!({"type": "bearer", "token": token});
                } else {
                    sweep(child, &at, Some(key), known, taken);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let at = index_path(path, i);
                sweep(item, &at, parent_key, known, taken);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::is_sensitive_name;

    #[test]
    fn credential_names_are_known_by_themselves_or_by_a_part() {
        for name in [
            "Authorization",
            "X-API-Key",
            "appid",
            "AUTH",
            "sig",
            "client_secret",
        ] {
            assert!(is_sensitive_name(name), "{name}");
        }
        for name in ["author", "page", "signup", "design"] {
            assert!(!is_sensitive_name(name), "{name}");
        }
    }
}
