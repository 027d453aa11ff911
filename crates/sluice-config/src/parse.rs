//! Reading a JSON value into the typed model while collecting every problem on the way.
//!
//! serde's derive stops at the first error and cannot suggest a key, so the model is read by
//! hand: each reader records problems with their path and carries on with what it could read,
//! so one pass reports everything that is wrong.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::json_path::parse_json_path;
use crate::model::*;
use crate::problem::{Problem, ProblemKind};
use crate::suggest::nearest;

type Object = serde_json::Map<String, Value>;

pub(crate) fn key_path(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    match (path.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[{}]", serde_json::Value::String(key.to_owned())),
    }
}

pub(crate) fn index_path(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn quoted_list(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Secret reference names become keychain entry names and dlt key paths
/// (`dlt.secrets["name"]`, env `NAME`), so they keep to characters both accept.
pub(crate) fn valid_reference_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.ends_with('.')
        && !name.contains("..")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

pub(crate) struct Reader {
    pub problems: Vec<Problem>,
}

impl Reader {
    pub fn new() -> Self {
        Reader {
            problems: Vec::new(),
        }
    }

    pub fn problem(&mut self, path: &str, kind: ProblemKind, message: impl Into<String>) {
        self.problems.push(Problem::new(path, kind, message));
    }

    fn wrong_type(&mut self, path: &str, expected: &str, value: &Value) {
        self.problem(
            path,
            ProblemKind::WrongType,
            format!("must be {expected}, not {}", describe(value)),
        );
    }

    fn object<'v>(&mut self, path: &str, value: &'v Value) -> Option<&'v Object> {
        match value {
            Value::Object(object) => Some(object),
            other => {
                self.wrong_type(path, "an object", other);
                None
            }
        }
    }

    /// Reports keys not in `allowed`, suggesting the nearest valid one. `special` gives a
    /// tailored message for keys dlt has but a saved config cannot hold.
    fn check_keys(&mut self, path: &str, object: &Object, allowed: &[&str]) {
        for key in object.keys() {
            if allowed.contains(&key.as_str()) {
                continue;
            }
            let key_at = key_path(path, key);
            if let Some(message) = special_key_message(key) {
                self.problem(&key_at, ProblemKind::UnknownKey, message);
                continue;
            }
            let message = match nearest(key, allowed) {
                Some(suggestion) => {
                    format!("unknown key \"{key}\"; did you mean \"{suggestion}\"?")
                }
                None => format!(
                    "unknown key \"{key}\"; keys allowed here: {}",
                    allowed.join(", ")
                ),
            };
            self.problem(&key_at, ProblemKind::UnknownKey, message);
        }
    }

    /// The value at `key`, treating an explicit `null` like an absent key (dlt's `Optional`).
    fn get<'v>(object: &'v Object, key: &str) -> Option<&'v Value> {
        object.get(key).filter(|v| !v.is_null())
    }

    fn require<'v>(&mut self, path: &str, object: &'v Object, key: &str) -> Option<&'v Value> {
        let value = Self::get(object, key);
        if value.is_none() {
            self.problem(&key_path(path, key), ProblemKind::Missing, "is required");
        }
        value
    }

    /// A credential an auth type cannot run without: dlt refuses the auth when its secrets do not
    /// hold it (`ConfigFieldMissingException`), and Sluice's only place for it is the keychain.
    fn credential(
        &mut self,
        path: &str,
        object: &Object,
        key: &str,
        auth_type: AuthType,
    ) -> Option<TextOrRef> {
        if Self::get(object, key).is_none() {
            self.problem(
                &key_path(path, key),
                ProblemKind::Missing,
                format!(
                    "is required: store one in the keychain; dlt refuses {} auth without it",
                    auth_type.as_str()
                ),
            );
        }
        self.opt_text_or_ref(path, object, key)
    }

    fn string(&mut self, path: &str, value: &Value) -> Option<String> {
        match value {
            Value::String(text) => Some(text.clone()),
            other => {
                self.wrong_type(path, "text", other);
                None
            }
        }
    }

    fn opt_string(&mut self, path: &str, object: &Object, key: &str) -> Option<String> {
        let value = Self::get(object, key)?;
        self.string(&key_path(path, key), value)
    }

    /// A JSONPath field: text the engine's own reader accepts, else a problem at the field (the
    /// form shows it while the path is typed).
    fn opt_json_path(&mut self, path: &str, object: &Object, key: &str) -> Option<String> {
        let at = key_path(path, key);
        let text = self.string(&at, Self::get(object, key)?)?;
        self.json_path(&at, text)
    }

    fn json_path(&mut self, at: &str, text: String) -> Option<String> {
        if text.trim().is_empty() {
            self.problem(at, ProblemKind::InvalidValue, "must not be empty");
            return None;
        }
        match parse_json_path(&text) {
            Ok(_) => Some(text),
            Err(reason) => {
                self.problem(
                    at,
                    ProblemKind::InvalidValue,
                    format!("is not a JSONPath: {reason}"),
                );
                None
            }
        }
    }

    fn opt_bool(&mut self, path: &str, object: &Object, key: &str) -> Option<bool> {
        match Self::get(object, key)? {
            Value::Bool(flag) => Some(*flag),
            other => {
                self.wrong_type(&key_path(path, key), "true or false", other);
                None
            }
        }
    }

    fn whole_number(&mut self, path: &str, value: &Value) -> Option<u64> {
        match value {
            Value::Number(number) => {
                if let Some(n) = number.as_u64() {
                    Some(n)
                } else if number.as_i64().is_some() {
                    self.problem(path, ProblemKind::InvalidValue, "must be 0 or more");
                    None
                } else {
                    self.problem(
                        path,
                        ProblemKind::WrongType,
                        format!("must be a whole number, not {number}"),
                    );
                    None
                }
            }
            other => {
                self.wrong_type(path, "a whole number", other);
                None
            }
        }
    }

    fn opt_u64(&mut self, path: &str, object: &Object, key: &str) -> Option<u64> {
        let value = Self::get(object, key)?;
        self.whole_number(&key_path(path, key), value)
    }

    fn opt_u32(&mut self, path: &str, object: &Object, key: &str) -> Option<u32> {
        let at = key_path(path, key);
        let n = self.opt_u64(path, object, key)?;
        match u32::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                self.problem(&at, ProblemKind::InvalidValue, "is too large");
                None
            }
        }
    }

    fn opt_f64(&mut self, path: &str, object: &Object, key: &str) -> Option<f64> {
        match Self::get(object, key)? {
            Value::Number(number) => number.as_f64(),
            other => {
                self.wrong_type(&key_path(path, key), "a number", other);
                None
            }
        }
    }

    /// A string that must be one of `allowed`; `aliases` are accepted and mapped.
    fn choice<T: DeserializeOwned>(
        &mut self,
        path: &str,
        value: &Value,
        allowed: &[&str],
        aliases: &[(&str, &str)],
    ) -> Option<T> {
        let text = match value {
            Value::String(text) => text.as_str(),
            other => {
                self.wrong_type(path, &format!("one of {}", quoted_list(allowed)), other);
                return None;
            }
        };
        let canonical = aliases
            .iter()
            .find(|(alias, _)| *alias == text)
            .map_or(text, |(_, target)| *target);
        if allowed.contains(&canonical) {
            return serde_json::from_value(Value::String(canonical.to_owned())).ok();
        }
        let message = match nearest(text, allowed) {
            Some(suggestion) => format!(
                "\"{text}\" is not allowed; did you mean \"{suggestion}\"? Allowed: {}",
                quoted_list(allowed)
            ),
            None => format!(
                "\"{text}\" is not allowed. Allowed: {}",
                quoted_list(allowed)
            ),
        };
        self.problem(path, ProblemKind::InvalidValue, message);
        None
    }

    fn opt_choice<T: DeserializeOwned>(
        &mut self,
        path: &str,
        object: &Object,
        key: &str,
        allowed: &[&str],
    ) -> Option<T> {
        let value = Self::get(object, key)?;
        self.choice(&key_path(path, key), value, allowed, &[])
    }

    fn string_list(&mut self, path: &str, value: &Value) -> Option<Vec<String>> {
        let Value::Array(items) = value else {
            self.wrong_type(path, "a list of text", value);
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match self.string(&index_path(path, i), item) {
                Some(text) => out.push(text),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn column_names(&mut self, path: &str, value: &Value) -> Option<ColumnNames> {
        match value {
            Value::String(name) => Some(ColumnNames::One(name.clone())),
            Value::Array(_) => self.string_list(path, value).map(ColumnNames::Many),
            other => {
                self.wrong_type(path, "a column name or a list of column names", other);
                None
            }
        }
    }

    fn value_ref(&mut self, path: &str, object: &Object) -> Option<ValueRef> {
        let (key, name) = object.iter().next()?;
        let at = key_path(path, key);
        let name = self.string(&at, name)?;
        if !valid_reference_name(&name) {
            self.problem(
                &at,
                ProblemKind::InvalidValue,
                format!(
                    "\"{name}\" is not a usable name: use letters, digits, _, - and . (not at the ends)"
                ),
            );
            return None;
        }
        Some(if key == SECRET_KEY {
            ValueRef::secret(name)
        } else {
            ValueRef::config(name)
        })
    }

    fn is_ref_object(object: &Object) -> bool {
        object.keys().any(|k| k == SECRET_KEY || k == CONFIG_KEY)
    }

    fn text_or_ref(&mut self, path: &str, value: &Value) -> Option<TextOrRef> {
        match value {
            Value::String(text) => Some(TextOrRef::Text(text.clone())),
            Value::Object(object) if Self::is_ref_object(object) => {
                if object.len() != 1 {
                    self.problem(
                        path,
                        ProblemKind::InvalidValue,
                        "a reference has exactly one key, \"$secret\" or \"$config\"",
                    );
                    return None;
                }
                self.value_ref(path, object).map(TextOrRef::Ref)
            }
            other => {
                self.wrong_type(path, "text or a {\"$secret\": \"name\"} reference", other);
                None
            }
        }
    }

    fn opt_text_or_ref(&mut self, path: &str, object: &Object, key: &str) -> Option<TextOrRef> {
        let value = Self::get(object, key)?;
        self.text_or_ref(&key_path(path, key), value)
    }

    /// Free-form JSON (bodies, params): only the references inside need checking.
    fn free_json(&mut self, path: &str, value: &Value) {
        match value {
            Value::Object(object) if Self::is_ref_object(object) => {
                if object.len() != 1 {
                    self.problem(
                        path,
                        ProblemKind::InvalidValue,
                        "a reference has exactly one key, \"$secret\" or \"$config\"",
                    );
                } else {
                    self.value_ref(path, object);
                }
            }
            Value::Object(object) => {
                for (key, item) in object {
                    let at = key_path(path, key);
                    self.plain_key(&at, key);
                    self.free_json(&at, item);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.free_json(&index_path(path, i), item);
                }
            }
            _ => {}
        }
    }

    /// A key the user wrote: control characters (a newline, a NUL) have no place in one, and
    /// an exported script or `secrets.toml` must never carry them.
    fn plain_key(&mut self, path: &str, key: &str) {
        if key.chars().any(char::is_control) {
            self.problem(
                path,
                ProblemKind::InvalidValue,
                "a key may not contain control characters (a line break, a tab, a NUL)",
            );
        }
    }

    fn json_object(&mut self, path: &str, value: &Value) -> Option<Map<Value>> {
        let object = self.object(path, value)?;
        self.free_json(path, value);
        Some(object.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }

    fn headers(&mut self, path: &str, value: &Value) -> Option<Map<TextOrRef>> {
        let object = self.object(path, value)?;
        let mut headers = Map::new();
        for (name, value) in object {
            self.plain_key(&key_path(path, name), name);
            if let Some(value) = self.text_or_ref(&key_path(path, name), value) {
                headers.insert(name.clone(), value);
            }
        }
        Some(headers)
    }
}

fn special_key_message(key: &str) -> Option<&'static str> {
    Some(match key {
        "session" => "\"session\" is a Python requests.Session; a saved connector cannot hold one (set retries and timeouts under sluice.retry)",
        "processing_steps" => "\"processing_steps\" need Python functions, which a saved connector cannot hold",
        "convert" | "transform" => "a conversion function is Python code, which a saved connector cannot hold",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------

const ROOT_KEYS: &[&str] = &["client", "resource_defaults", "resources", "sluice"];
const CLIENT_KEYS: &[&str] = &["base_url", "headers", "auth", "paginator"];
pub(crate) const SETTINGS_KEYS: &[&str] = &[
    "endpoint",
    "write_disposition",
    "table_name",
    "primary_key",
    "merge_key",
    "columns",
    "max_table_nesting",
    "selected",
    "parallelized",
    "include_from_parent",
    "schema_contract",
    "table_format",
    "file_format",
    "parent_table_name",
    "references",
    "nested_hints",
];
const ENDPOINT_KEYS: &[&str] = &[
    "path",
    "method",
    "params",
    "json",
    "data",
    "headers",
    "paginator",
    "data_selector",
    "response_actions",
    "incremental",
    "auth",
];
const INCREMENTAL_KEYS: &[&str] = &[
    "cursor_path",
    "initial_value",
    "end_value",
    "last_value_func",
    "primary_key",
    "row_order",
    "allow_external_schedulers",
    "lag",
    "on_cursor_value_missing",
    "range_start",
    "range_end",
    "start_param",
    "end_param",
];
const AUTH_TYPES: &[&str] = &[
    "bearer",
    "api_key",
    "http_basic",
    "oauth2_client_credentials",
];
const AUTH_ALIASES: &[(&str, &str)] = &[("oauth2", "oauth2_client_credentials")];
const PAGINATOR_TYPES: &[&str] = &[
    "json_link",
    "header_link",
    "header_cursor",
    "auto",
    "single_page",
    "cursor",
    "offset",
    "page_number",
];
const PAGINATOR_ALIASES: &[(&str, &str)] = &[("json_response", "json_link")];
const WRITE_DISPOSITIONS: &[&str] = &["append", "replace", "merge", "skip"];
const MERGE_STRATEGIES: &[&str] = &["delete-insert", "upsert", "scd2", "insert-only"];
const EVOLUTION_MODES: &[&str] = &["evolve", "discard_value", "freeze", "discard_row"];
const DATA_TYPES: &[&str] = &[
    "text",
    "double",
    "bool",
    "timestamp",
    "bigint",
    "binary",
    "json",
    "decimal",
    "wei",
    "date",
    "time",
];
const COLUMN_BOOL_HINTS: &[&str] = &[
    "nullable",
    "timezone",
    "primary_key",
    "merge_key",
    "unique",
    "partition",
    "cluster",
    "sort",
    "hard_delete",
    "row_key",
    "parent_key",
    "root_key",
    "variant",
    "incremental",
];

/// Reads a whole config. `None` when a required part could not be read at all; the problems
/// say why. Cross-field checks are not done here (see [`crate::validate`]).
pub(crate) fn read_config(reader: &mut Reader, value: &Value) -> Option<ConnectorConfig> {
    let root = reader.object("", value)?;
    reader.check_keys("", root, ROOT_KEYS);
    let client = reader
        .require("", root, "client")
        .and_then(|v| read_client(reader, "client", v));
    let resource_defaults = Reader::get(root, "resource_defaults")
        .and_then(|v| read_settings_object(reader, "resource_defaults", v, true));
    let resources = reader
        .require("", root, "resources")
        .and_then(|v| read_resources(reader, "resources", v));
    let sluice = match Reader::get(root, "sluice") {
        Some(v) => read_sluice(reader, "sluice", v),
        None => Some(SluiceSettings::default()),
    };
    Some(ConnectorConfig {
        client: client?,
        resource_defaults,
        resources: resources?,
        sluice: sluice?,
    })
}

fn read_client(reader: &mut Reader, path: &str, value: &Value) -> Option<ClientConfig> {
    let object = reader.object(path, value)?;
    reader.check_keys(path, object, CLIENT_KEYS);
    let base_url = reader
        .require(path, object, "base_url")
        .and_then(|v| reader.string(&key_path(path, "base_url"), v));
    let headers =
        Reader::get(object, "headers").and_then(|v| reader.headers(&key_path(path, "headers"), v));
    let auth =
        Reader::get(object, "auth").and_then(|v| read_auth(reader, &key_path(path, "auth"), v));
    let paginator = Reader::get(object, "paginator")
        .and_then(|v| read_paginator(reader, &key_path(path, "paginator"), v));
    Some(ClientConfig {
        base_url: base_url?,
        headers,
        auth,
        paginator,
    })
}

pub(crate) fn read_auth(reader: &mut Reader, path: &str, value: &Value) -> Option<Auth> {
    if let Some(text) = value.as_str() {
        // Text that is no type name may be the token itself: it is reported without being
        // echoed, by the secret check (`literal_secrets.rs`).
        if !crate::literal_secrets::is_auth_type_name(text) {
            return None;
        }
        return reader
            .choice(path, value, AUTH_TYPES, AUTH_ALIASES)
            .map(Auth::Type);
    }
    let object = reader.object(path, value)?;
    // dlt reads a dict without `type` as bearer (`{"token": ...}`).
    let auth_type: AuthType = match Reader::get(object, "type") {
        Some(t) => reader.choice(&key_path(path, "type"), t, AUTH_TYPES, AUTH_ALIASES)?,
        None => AuthType::Bearer,
    };
    let config = match auth_type {
        AuthType::Bearer => {
            reader.check_keys(path, object, &["type", "token"]);
            AuthConfig::Bearer(BearerAuth {
                token: reader.credential(path, object, "token", AuthType::Bearer),
            })
        }
        AuthType::ApiKey => {
            reader.check_keys(path, object, &["type", "name", "api_key", "location"]);
            AuthConfig::ApiKey(ApiKeyAuth {
                name: reader.opt_string(path, object, "name"),
                api_key: reader.credential(path, object, "api_key", AuthType::ApiKey),
                location: reader.opt_choice(
                    path,
                    object,
                    "location",
                    &["header", "query", "param", "cookie"],
                ),
            })
        }
        AuthType::HttpBasic => {
            reader.check_keys(path, object, &["type", "username", "password"]);
            let username = reader
                .require(path, object, "username")
                .and_then(|v| reader.text_or_ref(&key_path(path, "username"), v));
            let password = reader
                .require(path, object, "password")
                .and_then(|v| reader.text_or_ref(&key_path(path, "password"), v));
            AuthConfig::HttpBasic(HttpBasicAuth {
                username: username?,
                password: password?,
            })
        }
        AuthType::Oauth2ClientCredentials => {
            reader.check_keys(
                path,
                object,
                &[
                    "type",
                    "access_token_url",
                    "token_url",
                    "client_id",
                    "client_secret",
                    "access_token",
                    "access_token_request_data",
                    "default_token_expiration",
                    "client_auth",
                ],
            );
            let mut access_token_url = reader.opt_text_or_ref(path, object, "access_token_url");
            // The seeds' `token_url` is Sluice's alias of dlt's `access_token_url`.
            if let Some(token_url) = reader.opt_text_or_ref(path, object, "token_url") {
                if access_token_url.is_some() {
                    reader.problem(
                        &key_path(path, "token_url"),
                        ProblemKind::Conflict,
                        "give either \"token_url\" or \"access_token_url\", not both (they mean the same)",
                    );
                } else {
                    access_token_url = Some(token_url);
                }
            }
            if access_token_url.is_none() && Reader::get(object, "token_url").is_none() {
                reader.problem(
                    &key_path(path, "access_token_url"),
                    ProblemKind::Missing,
                    "is required: the URL of the API's token endpoint; dlt refuses \
                     oauth2_client_credentials auth without it",
                );
            }
            let request_data = Reader::get(object, "access_token_request_data")
                .and_then(|v| reader.json_object(&key_path(path, "access_token_request_data"), v));
            AuthConfig::Oauth2ClientCredentials(OAuth2ClientCredentials {
                access_token_url,
                client_id: reader.credential(path, object, "client_id", auth_type),
                client_secret: reader.credential(path, object, "client_secret", auth_type),
                access_token: reader.opt_text_or_ref(path, object, "access_token"),
                access_token_request_data: request_data,
                default_token_expiration: reader.opt_u64(path, object, "default_token_expiration"),
                client_auth: reader.opt_choice(path, object, "client_auth", &["form", "basic"]),
            })
        }
    };
    Some(Auth::Config(config))
}

fn total_path(reader: &mut Reader, path: &str, object: &Object) -> Option<Option<String>> {
    match object.get("total_path")? {
        Value::Null => Some(None),
        value => {
            let at = key_path(path, "total_path");
            let text = reader.string(&at, value)?;
            reader.json_path(&at, text).map(Some)
        }
    }
}

pub(crate) fn read_paginator(reader: &mut Reader, path: &str, value: &Value) -> Option<Paginator> {
    if value.is_string() {
        return reader
            .choice(path, value, PAGINATOR_TYPES, PAGINATOR_ALIASES)
            .map(Paginator::Type);
    }
    let object = reader.object(path, value)?;
    let kind: PaginatorType = reader.require(path, object, "type").and_then(|t| {
        reader.choice(
            &key_path(path, "type"),
            t,
            PAGINATOR_TYPES,
            PAGINATOR_ALIASES,
        )
    })?;
    let config = match kind {
        PaginatorType::SinglePage => {
            reader.check_keys(path, object, &["type"]);
            PaginatorConfig::SinglePage
        }
        PaginatorType::Auto => {
            reader.check_keys(path, object, &["type"]);
            PaginatorConfig::Auto
        }
        PaginatorType::JsonLink => {
            reader.check_keys(path, object, &["type", "next_url_path"]);
            PaginatorConfig::JsonLink(JsonLinkPaginator {
                next_url_path: reader.opt_json_path(path, object, "next_url_path"),
            })
        }
        PaginatorType::HeaderLink => {
            reader.check_keys(path, object, &["type", "links_next_key"]);
            PaginatorConfig::HeaderLink(HeaderLinkPaginator {
                links_next_key: reader.opt_string(path, object, "links_next_key"),
            })
        }
        PaginatorType::HeaderCursor => {
            reader.check_keys(path, object, &["type", "cursor_key", "cursor_param"]);
            PaginatorConfig::HeaderCursor(HeaderCursorPaginator {
                cursor_key: reader.opt_string(path, object, "cursor_key"),
                cursor_param: reader.opt_string(path, object, "cursor_param"),
            })
        }
        PaginatorType::Cursor => {
            reader.check_keys(
                path,
                object,
                &[
                    "type",
                    "cursor_path",
                    "cursor_param",
                    "cursor_body_path",
                    "stop_after_empty_page",
                    "has_more_path",
                ],
            );
            PaginatorConfig::Cursor(CursorPaginator {
                cursor_path: reader.opt_json_path(path, object, "cursor_path"),
                cursor_param: reader.opt_string(path, object, "cursor_param"),
                cursor_body_path: reader.opt_string(path, object, "cursor_body_path"),
                stop_after_empty_page: reader.opt_bool(path, object, "stop_after_empty_page"),
                has_more_path: reader.opt_json_path(path, object, "has_more_path"),
            })
        }
        PaginatorType::Offset => {
            reader.check_keys(
                path,
                object,
                &[
                    "type",
                    "limit",
                    "offset",
                    "offset_param",
                    "offset_body_path",
                    "limit_param",
                    "limit_body_path",
                    "total_path",
                    "maximum_offset",
                    "stop_after_empty_page",
                    "has_more_path",
                ],
            );
            let limit = match Reader::get(object, "limit") {
                Some(v) => reader.whole_number(&key_path(path, "limit"), v),
                None => {
                    reader.problem(
                        &key_path(path, "limit"),
                        ProblemKind::Missing,
                        "is required: the offset paginator needs the page size",
                    );
                    None
                }
            };
            let paginator = OffsetPaginator {
                limit: limit.unwrap_or_default(),
                offset: reader.opt_u64(path, object, "offset"),
                offset_param: reader.opt_string(path, object, "offset_param"),
                offset_body_path: reader.opt_string(path, object, "offset_body_path"),
                limit_param: reader.opt_string(path, object, "limit_param"),
                limit_body_path: reader.opt_string(path, object, "limit_body_path"),
                total_path: total_path(reader, path, object),
                maximum_offset: reader.opt_u64(path, object, "maximum_offset"),
                stop_after_empty_page: reader.opt_bool(path, object, "stop_after_empty_page"),
                has_more_path: reader.opt_json_path(path, object, "has_more_path"),
            };
            limit?;
            PaginatorConfig::Offset(paginator)
        }
        PaginatorType::PageNumber => {
            reader.check_keys(
                path,
                object,
                &[
                    "type",
                    "base_page",
                    "page",
                    "page_param",
                    "page_body_path",
                    "total_path",
                    "maximum_page",
                    "stop_after_empty_page",
                    "has_more_path",
                ],
            );
            PaginatorConfig::PageNumber(PageNumberPaginator {
                base_page: reader.opt_u64(path, object, "base_page"),
                page: reader.opt_u64(path, object, "page"),
                page_param: reader.opt_string(path, object, "page_param"),
                page_body_path: reader.opt_string(path, object, "page_body_path"),
                total_path: total_path(reader, path, object),
                maximum_page: reader.opt_u64(path, object, "maximum_page"),
                stop_after_empty_page: reader.opt_bool(path, object, "stop_after_empty_page"),
                has_more_path: reader.opt_json_path(path, object, "has_more_path"),
            })
        }
    };
    Some(Paginator::Config(config))
}

fn read_resources(reader: &mut Reader, path: &str, value: &Value) -> Option<Vec<ResourceEntry>> {
    let Value::Array(items) = value else {
        reader.wrong_type(path, "a list of resources", value);
        return None;
    };
    let mut resources = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match read_resource(reader, &index_path(path, i), item) {
            Some(resource) => resources.push(resource),
            None => ok = false,
        }
    }
    ok.then_some(resources)
}

fn read_resource(reader: &mut Reader, path: &str, value: &Value) -> Option<ResourceEntry> {
    match value {
        Value::String(name) => Some(ResourceEntry::Name(name.clone())),
        Value::Object(object) => {
            let name = match Reader::get(object, "name") {
                Some(v) => reader.string(&key_path(path, "name"), v),
                None => {
                    reader.problem(
                        &key_path(path, "name"),
                        ProblemKind::Missing,
                        "is required: every resource needs a name",
                    );
                    None
                }
            };
            let settings = read_settings(reader, path, object, false);
            Some(ResourceEntry::Resource(Box::new(Resource {
                name: name?,
                settings: settings?,
            })))
        }
        other => {
            reader.wrong_type(path, "a resource name or a resource object", other);
            None
        }
    }
}

fn read_settings_object(
    reader: &mut Reader,
    path: &str,
    value: &Value,
    is_defaults: bool,
) -> Option<ResourceSettings> {
    let object = reader.object(path, value)?;
    read_settings(reader, path, object, is_defaults)
}

fn read_settings(
    reader: &mut Reader,
    path: &str,
    object: &Object,
    is_defaults: bool,
) -> Option<ResourceSettings> {
    if is_defaults {
        if object.contains_key("name") {
            reader.problem(
                &key_path(path, "name"),
                ProblemKind::UnknownKey,
                "resource_defaults cannot set a name; every resource names itself",
            );
        }
        let mut rest = object.clone();
        rest.remove("name");
        reader.check_keys(path, &rest, SETTINGS_KEYS);
    } else {
        let mut allowed = SETTINGS_KEYS.to_vec();
        allowed.push("name");
        reader.check_keys(path, object, &allowed);
    }
    let at = |key: &str| key_path(path, key);
    let mut complete = true;
    let endpoint = match Reader::get(object, "endpoint") {
        Some(v) => {
            let endpoint = read_endpoint(reader, &at("endpoint"), v);
            complete &= endpoint.is_some();
            endpoint
        }
        None => None,
    };
    let settings = ResourceSettings {
        endpoint,
        write_disposition: Reader::get(object, "write_disposition")
            .and_then(|v| read_write_disposition(reader, &at("write_disposition"), v)),
        table_name: reader.opt_string(path, object, "table_name"),
        primary_key: Reader::get(object, "primary_key")
            .and_then(|v| reader.column_names(&at("primary_key"), v)),
        merge_key: Reader::get(object, "merge_key")
            .and_then(|v| reader.column_names(&at("merge_key"), v)),
        columns: Reader::get(object, "columns")
            .and_then(|v| read_columns(reader, &at("columns"), v)),
        max_table_nesting: reader.opt_u32(path, object, "max_table_nesting"),
        selected: reader.opt_bool(path, object, "selected"),
        parallelized: reader.opt_bool(path, object, "parallelized"),
        include_from_parent: Reader::get(object, "include_from_parent")
            .and_then(|v| reader.string_list(&at("include_from_parent"), v)),
        schema_contract: Reader::get(object, "schema_contract")
            .and_then(|v| read_schema_contract(reader, &at("schema_contract"), v)),
        table_format: reader.opt_choice(
            path,
            object,
            "table_format",
            &["iceberg", "delta", "hive", "native"],
        ),
        file_format: reader.opt_choice(
            path,
            object,
            "file_format",
            &[
                "preferred",
                "jsonl",
                "typed-jsonl",
                "insert_values",
                "parquet",
                "csv",
            ],
        ),
        parent_table_name: reader.opt_string(path, object, "parent_table_name"),
        references: Reader::get(object, "references").cloned(),
        nested_hints: Reader::get(object, "nested_hints")
            .and_then(|v| reader.json_object(&at("nested_hints"), v)),
    };
    complete.then_some(settings)
}

fn read_endpoint(reader: &mut Reader, path: &str, value: &Value) -> Option<EndpointEntry> {
    if let Value::String(text) = value {
        return Some(EndpointEntry::Path(text.clone()));
    }
    let object = match value {
        Value::Object(object) => object,
        other => {
            reader.wrong_type(path, "a path or an endpoint object", other);
            return None;
        }
    };
    reader.check_keys(path, object, ENDPOINT_KEYS);
    let at = |key: &str| key_path(path, key);
    let method = Reader::get(object, "method")
        .and_then(|v| reader.choice(&at("method"), v, &["GET", "POST"], &[]));
    let params = Reader::get(object, "params").and_then(|v| read_params(reader, &at("params"), v));
    let json = Reader::get(object, "json").and_then(|v| reader.json_object(&at("json"), v));
    let data = Reader::get(object, "data").cloned();
    if let Some(data) = &data {
        reader.free_json(&at("data"), data);
    }
    let response_actions = Reader::get(object, "response_actions")
        .and_then(|v| read_response_actions(reader, &at("response_actions"), v));
    Some(EndpointEntry::Endpoint(Box::new(Endpoint {
        path: reader.opt_string(path, object, "path"),
        method,
        params,
        json,
        data,
        headers: Reader::get(object, "headers").and_then(|v| reader.headers(&at("headers"), v)),
        paginator: Reader::get(object, "paginator")
            .and_then(|v| read_paginator(reader, &at("paginator"), v)),
        data_selector: reader.opt_json_path(path, object, "data_selector"),
        response_actions,
        incremental: Reader::get(object, "incremental")
            .and_then(|v| read_incremental(reader, &at("incremental"), v, INCREMENTAL_KEYS)),
        auth: Reader::get(object, "auth").and_then(|v| read_auth(reader, &at("auth"), v)),
    })))
}

fn read_params(reader: &mut Reader, path: &str, value: &Value) -> Option<Map<ParamValue>> {
    let object = reader.object(path, value)?;
    let mut params = Map::new();
    for (name, value) in object {
        let at = key_path(path, name);
        let param = match value {
            Value::Object(inner) if Reader::is_ref_object(inner) => {
                reader.text_or_ref(&at, value).and_then(|t| match t {
                    TextOrRef::Ref(r) => Some(ParamValue::Ref(r)),
                    TextOrRef::Text(_) => None,
                })
            }
            Value::Object(inner) => read_param_binding(reader, &at, inner).map(ParamValue::Bound),
            other => {
                reader.free_json(&at, other);
                Some(ParamValue::Value(other.clone()))
            }
        };
        if let Some(param) = param {
            params.insert(name.clone(), param);
        }
    }
    Some(params)
}

fn read_param_binding(reader: &mut Reader, path: &str, object: &Object) -> Option<ParamBinding> {
    let Some(kind) = Reader::get(object, "type") else {
        reader.problem(
            &key_path(path, "type"),
            ProblemKind::Missing,
            "a parameter given as an object needs \"type\": \"resolve\" or \"incremental\"",
        );
        return None;
    };
    let kind: String = reader.choice(
        &key_path(path, "type"),
        kind,
        &["resolve", "incremental"],
        &[],
    )?;
    if kind == "resolve" {
        reader.check_keys(path, object, &["type", "resource", "field"]);
        let resource = reader
            .require(path, object, "resource")
            .and_then(|v| reader.string(&key_path(path, "resource"), v));
        let field = reader
            .require(path, object, "field")
            .and_then(|v| reader.string(&key_path(path, "field"), v));
        return Some(ParamBinding::Resolve(ResolveParam {
            resource: resource?,
            field: field?,
        }));
    }
    let mut object = object.clone();
    object.remove("type");
    let keys: Vec<&str> = INCREMENTAL_KEYS
        .iter()
        .copied()
        .filter(|k| !matches!(*k, "start_param" | "end_param"))
        .collect();
    read_incremental(reader, path, &Value::Object(object), &keys).map(ParamBinding::Incremental)
}

fn read_incremental(
    reader: &mut Reader,
    path: &str,
    value: &Value,
    keys: &[&str],
) -> Option<Incremental> {
    let object = reader.object(path, value)?;
    reader.check_keys(path, object, keys);
    let cursor_at = key_path(path, "cursor_path");
    let cursor_path = reader
        .require(path, object, "cursor_path")
        .and_then(|v| reader.string(&cursor_at, v))
        // Kept as written even when it does not parse: the checks after reading say "must not
        // be empty" of an empty one, and must not say it of a path that is only wrong.
        .inspect(|text| {
            if !text.trim().is_empty() {
                reader.json_path(&cursor_at, text.clone());
            }
        });
    let at = |key: &str| key_path(path, key);
    let incremental = Incremental {
        cursor_path: cursor_path.unwrap_or_default(),
        initial_value: Reader::get(object, "initial_value")
            .inspect(|v| relative_start(reader, &at("initial_value"), v))
            .cloned(),
        end_value: Reader::get(object, "end_value")
            .inspect(|v| relative_start(reader, &at("end_value"), v))
            .cloned(),
        last_value_func: reader.opt_choice(path, object, "last_value_func", &["max", "min"]),
        primary_key: Reader::get(object, "primary_key")
            .and_then(|v| reader.column_names(&at("primary_key"), v)),
        row_order: reader.opt_choice(path, object, "row_order", &["asc", "desc"]),
        allow_external_schedulers: reader.opt_bool(path, object, "allow_external_schedulers"),
        lag: reader.opt_f64(path, object, "lag"),
        on_cursor_value_missing: reader.opt_choice(
            path,
            object,
            "on_cursor_value_missing",
            &["raise", "include", "exclude"],
        ),
        range_start: reader.opt_choice(path, object, "range_start", &["open", "closed"]),
        range_end: reader.opt_choice(path, object, "range_end", &["open", "closed"]),
        start_param: reader.opt_string(path, object, "start_param"),
        end_param: reader.opt_string(path, object, "end_param"),
    };
    Reader::get(object, "cursor_path")?;
    Some(incremental)
}

/// Checks an `initial_value` or `end_value` written as a [`RelativeStart`]; any other value is
/// dlt's to judge.
fn relative_start(reader: &mut Reader, path: &str, value: &Value) {
    let Some(object) = value
        .as_object()
        .filter(|o| o.contains_key(RelativeStart::KEY))
    else {
        return;
    };
    reader.check_keys(path, object, &[RelativeStart::KEY, "from", "format"]);
    let days_at = key_path(path, RelativeStart::KEY);
    match object.get(RelativeStart::KEY).and_then(Value::as_u64) {
        Some(days) if days <= u64::from(RelativeStart::MAX_DAYS) => {}
        Some(_) => reader.problem(
            &days_at,
            ProblemKind::InvalidValue,
            format!(
                "must be at most {} (a hundred years); write a fixed date instead",
                RelativeStart::MAX_DAYS
            ),
        ),
        None => reader.problem(
            &days_at,
            ProblemKind::WrongType,
            "must be a whole number of days, 0 or more",
        ),
    }
    let _: Option<String> = reader.opt_choice(path, object, "from", &["now", "today"]);
    let _: Option<String> = reader.opt_choice(path, object, "format", &["timestamp", "date"]);
}

fn read_response_actions(
    reader: &mut Reader,
    path: &str,
    value: &Value,
) -> Option<Vec<ResponseAction>> {
    let Value::Array(items) = value else {
        reader.wrong_type(path, "a list", value);
        return None;
    };
    let mut actions = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = index_path(path, i);
        let Some(object) = reader.object(&at, item) else {
            continue;
        };
        reader.check_keys(&at, object, &["status_code", "content", "action"]);
        let status_code = match Reader::get(object, "status_code") {
            Some(Value::String(text)) => {
                reader.problem(
                    &key_path(&at, "status_code"),
                    ProblemKind::WrongType,
                    format!("must be a number like {text}, not text: dlt never matches a quoted status code"),
                );
                None
            }
            Some(v) => {
                let code_at = key_path(&at, "status_code");
                match reader.whole_number(&code_at, v) {
                    Some(code @ 100..=599) => u16::try_from(code).ok(),
                    Some(_) => {
                        reader.problem(
                            &code_at,
                            ProblemKind::InvalidValue,
                            "must be an HTTP status between 100 and 599",
                        );
                        None
                    }
                    None => None,
                }
            }
            None => None,
        };
        let action = match Reader::get(object, "action") {
            Some(Value::String(_)) => reader.opt_choice(&at, object, "action", &["ignore"]),
            Some(_) => {
                reader.problem(
                    &key_path(&at, "action"),
                    ProblemKind::InvalidValue,
                    "only \"ignore\" can be saved; Python callables cannot",
                );
                None
            }
            None => None,
        };
        actions.push(ResponseAction {
            status_code,
            content: reader.opt_string(&at, object, "content"),
            action,
        });
    }
    Some(actions)
}

fn read_write_disposition(
    reader: &mut Reader,
    path: &str,
    value: &Value,
) -> Option<WriteDisposition> {
    if value.is_string() {
        return reader
            .choice(path, value, WRITE_DISPOSITIONS, &[])
            .map(WriteDisposition::Kind);
    }
    let object = reader.object(path, value)?;
    reader.check_keys(
        path,
        object,
        &[
            "disposition",
            "strategy",
            "deduplicated",
            "validity_column_names",
            "active_record_timestamp",
            "boundary_timestamp",
            "row_version_column_name",
        ],
    );
    let disposition = reader
        .require(path, object, "disposition")
        .and_then(|v| reader.choice(&key_path(path, "disposition"), v, WRITE_DISPOSITIONS, &[]));
    let config = WriteDispositionConfig {
        disposition: disposition.unwrap_or(WriteDispositionKind::Append),
        strategy: reader.opt_choice(path, object, "strategy", MERGE_STRATEGIES),
        deduplicated: reader.opt_bool(path, object, "deduplicated"),
        validity_column_names: Reader::get(object, "validity_column_names")
            .and_then(|v| reader.string_list(&key_path(path, "validity_column_names"), v)),
        // `null` is meaningful here (NULL marks active records), so it is kept.
        active_record_timestamp: object.get("active_record_timestamp").cloned(),
        boundary_timestamp: object.get("boundary_timestamp").cloned(),
        row_version_column_name: reader.opt_string(path, object, "row_version_column_name"),
    };
    disposition?;
    Some(WriteDisposition::Config(config))
}

fn read_columns(reader: &mut Reader, path: &str, value: &Value) -> Option<Columns> {
    match value {
        Value::Object(object) => {
            let mut columns = Map::new();
            for (name, hints) in object {
                if let Some(hints) = read_column(reader, &key_path(path, name), hints) {
                    columns.insert(name.clone(), hints);
                }
            }
            Some(Columns::Map(columns))
        }
        Value::Array(items) => {
            let mut columns = Vec::new();
            for (i, hints) in items.iter().enumerate() {
                let at = index_path(path, i);
                if let Some(hints) = read_column(reader, &at, hints) {
                    if hints.name.is_none() {
                        reader.problem(
                            &key_path(&at, "name"),
                            ProblemKind::Missing,
                            "is required: columns given as a list name each column",
                        );
                    }
                    columns.push(hints);
                }
            }
            Some(Columns::List(columns))
        }
        other => {
            reader.wrong_type(path, "an object of column hints or a list of them", other);
            None
        }
    }
}

fn read_column(reader: &mut Reader, path: &str, value: &Value) -> Option<ColumnHints> {
    let object = reader.object(path, value)?;
    let mut allowed = vec![
        "name",
        "data_type",
        "precision",
        "scale",
        "description",
        "dedup_sort",
    ];
    allowed.extend_from_slice(COLUMN_BOOL_HINTS);
    reader.check_keys(path, object, &allowed);
    let flag = |reader: &mut Reader, key: &str| reader.opt_bool(path, object, key);
    Some(ColumnHints {
        name: reader.opt_string(path, object, "name"),
        data_type: reader.opt_choice(path, object, "data_type", DATA_TYPES),
        nullable: flag(reader, "nullable"),
        precision: reader.opt_u32(path, object, "precision"),
        scale: reader.opt_u32(path, object, "scale"),
        timezone: flag(reader, "timezone"),
        description: reader.opt_string(path, object, "description"),
        primary_key: flag(reader, "primary_key"),
        merge_key: flag(reader, "merge_key"),
        unique: flag(reader, "unique"),
        partition: flag(reader, "partition"),
        cluster: flag(reader, "cluster"),
        sort: flag(reader, "sort"),
        hard_delete: flag(reader, "hard_delete"),
        dedup_sort: reader.opt_choice(path, object, "dedup_sort", &["asc", "desc"]),
        row_key: flag(reader, "row_key"),
        parent_key: flag(reader, "parent_key"),
        root_key: flag(reader, "root_key"),
        variant: flag(reader, "variant"),
        incremental: flag(reader, "incremental"),
    })
}

fn read_schema_contract(reader: &mut Reader, path: &str, value: &Value) -> Option<SchemaContract> {
    if value.is_string() {
        return reader
            .choice(path, value, EVOLUTION_MODES, &[])
            .map(SchemaContract::Mode);
    }
    let object = reader.object(path, value)?;
    reader.check_keys(path, object, &["tables", "columns", "data_type"]);
    Some(SchemaContract::Settings(SchemaContractSettings {
        tables: reader.opt_choice(path, object, "tables", EVOLUTION_MODES),
        columns: reader.opt_choice(path, object, "columns", EVOLUTION_MODES),
        data_type: reader.opt_choice(path, object, "data_type", EVOLUTION_MODES),
    }))
}

fn read_sluice(reader: &mut Reader, path: &str, value: &Value) -> Option<SluiceSettings> {
    let object = reader.object(path, value)?;
    reader.check_keys(path, object, &["name", "pipeline", "source", "retry"]);
    let mut settings = SluiceSettings {
        name: reader.opt_string(path, object, "name"),
        ..SluiceSettings::default()
    };
    if let Some(v) = Reader::get(object, "pipeline") {
        let at = key_path(path, "pipeline");
        if let Some(p) = reader.object(&at, v) {
            reader.check_keys(&at, p, &["pipeline_name", "dataset_name", "duckdb_file"]);
            settings.pipeline = PipelineSettings {
                pipeline_name: reader.opt_string(&at, p, "pipeline_name"),
                dataset_name: reader.opt_string(&at, p, "dataset_name"),
                duckdb_file: reader.opt_string(&at, p, "duckdb_file"),
            };
        }
    }
    if let Some(v) = Reader::get(object, "source") {
        let at = key_path(path, "source");
        if let Some(s) = reader.object(&at, v) {
            reader.check_keys(
                &at,
                s,
                &[
                    "name",
                    "max_table_nesting",
                    "root_key",
                    "parallelized",
                    "schema_contract",
                ],
            );
            settings.source = SourceSettings {
                name: reader.opt_string(&at, s, "name"),
                max_table_nesting: reader.opt_u32(&at, s, "max_table_nesting"),
                root_key: reader.opt_bool(&at, s, "root_key"),
                parallelized: reader.opt_bool(&at, s, "parallelized"),
                schema_contract: Reader::get(s, "schema_contract").and_then(|c| {
                    read_schema_contract(reader, &key_path(&at, "schema_contract"), c)
                }),
            };
        }
    }
    if let Some(v) = Reader::get(object, "retry") {
        let at = key_path(path, "retry");
        if let Some(r) = reader.object(&at, v) {
            reader.check_keys(
                &at,
                r,
                &[
                    "statuses",
                    "max_retries",
                    "backoff_factor",
                    "max_delay_seconds",
                    "request_timeout_seconds",
                    "max_response_megabytes",
                    "max_pages",
                    "credential_hosts",
                ],
            );
            let defaults = RetryPolicy::default();
            let statuses = match Reader::get(r, "statuses") {
                Some(Value::Array(items)) => {
                    let list_at = key_path(&at, "statuses");
                    let mut statuses = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        let item_at = index_path(&list_at, i);
                        if let Some(code) = reader.whole_number(&item_at, item) {
                            match u16::try_from(code) {
                                Ok(code) => statuses.push(code),
                                Err(_) => reader.problem(
                                    &item_at,
                                    ProblemKind::InvalidValue,
                                    "must be an HTTP status between 100 and 599",
                                ),
                            }
                        }
                    }
                    statuses
                }
                Some(other) => {
                    reader.wrong_type(&key_path(&at, "statuses"), "a list of HTTP statuses", other);
                    defaults.statuses.clone()
                }
                None => defaults.statuses.clone(),
            };
            settings.retry = RetryPolicy {
                statuses,
                max_retries: reader
                    .opt_u32(&at, r, "max_retries")
                    .unwrap_or(defaults.max_retries),
                backoff_factor: reader
                    .opt_f64(&at, r, "backoff_factor")
                    .unwrap_or(defaults.backoff_factor),
                max_delay_seconds: reader
                    .opt_f64(&at, r, "max_delay_seconds")
                    .unwrap_or(defaults.max_delay_seconds),
                request_timeout_seconds: reader
                    .opt_f64(&at, r, "request_timeout_seconds")
                    .unwrap_or(defaults.request_timeout_seconds),
                max_response_megabytes: reader
                    .opt_u32(&at, r, "max_response_megabytes")
                    .map_or(defaults.max_response_megabytes, u64::from),
                max_pages: reader
                    .opt_u32(&at, r, "max_pages")
                    .map_or(defaults.max_pages, u64::from),
                credential_hosts: Reader::get(r, "credential_hosts")
                    .and_then(|v| reader.string_list(&key_path(&at, "credential_hosts"), v))
                    .unwrap_or_default(),
            };
        }
    }
    Some(settings)
}
