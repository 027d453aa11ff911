//! Checks across fields, run after the config has been read into the model: the ones dlt makes
//! when it builds the source (duplicate names, unknown parents, conflicting paginator settings,
//! ...) plus Sluice's rule that a saved config holds no secret values.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::base_url::base_url_problem;
use crate::merge::{resolve_resource, ResolvedResource};
use crate::model::*;
use crate::parse::{index_path, key_path, valid_reference_name};
use crate::problem::{Problem, ProblemKind};
use crate::suggest::nearest;

const INCREMENTAL_ATTRS: &[&str] = &["start_value", "end_value", "initial_value", "last_value"];

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn push(&mut self, path: impl Into<String>, kind: ProblemKind, message: impl Into<String>) {
        self.problems.push(Problem::new(path, kind, message));
    }
}

impl ConnectorConfig {
    /// Every cross-field problem of the config. Empty when the config is good to run and save.
    pub fn validate(&self) -> Vec<Problem> {
        let mut checker = Checker {
            problems: Vec::new(),
        };
        check(self, &mut checker);
        // A problem in resource_defaults shows up once per resource otherwise.
        let mut seen = BTreeSet::new();
        checker
            .problems
            .retain(|p| seen.insert((p.path.clone(), p.message.clone())));
        checker.problems
    }
}

fn resource_path(i: usize) -> String {
    index_path("resources", i)
}

fn check(config: &ConnectorConfig, c: &mut Checker) {
    let base_url = &config.client.base_url;
    // Empty is allowed: every resource path is then a full URL.
    if let Some(problem) = (!base_url.is_empty())
        .then(|| base_url_problem(base_url))
        .flatten()
    {
        c.push("client.base_url", ProblemKind::InvalidValue, problem);
    }
    if let Some(auth) = &config.client.auth {
        check_auth(c, "client.auth", auth);
    }
    if let Some(paginator) = &config.client.paginator {
        check_paginator(c, "client.paginator", paginator);
    }
    if config.resources.is_empty() {
        c.push(
            "resources",
            ProblemKind::Missing,
            "needs at least one resource",
        );
    }

    if let Some(defaults) = &config.resource_defaults {
        if let Some(EndpointEntry::Path(_)) = defaults.endpoint {
            c.push(
                "resource_defaults.endpoint",
                ProblemKind::WrongType,
                "must be an object: a default path would never apply (each resource's path defaults to its name)",
            );
        }
        check_settings(c, "resource_defaults", defaults);
    }

    let names: Vec<&str> = config.resources.iter().map(ResourceEntry::name).collect();
    let mut first_seen: HashMap<&str, usize> = HashMap::new();
    for (i, entry) in config.resources.iter().enumerate() {
        let name_path = match entry {
            ResourceEntry::Name(_) => resource_path(i),
            ResourceEntry::Resource(_) => key_path(&resource_path(i), "name"),
        };
        let name = entry.name();
        if name.trim().is_empty() {
            c.push(
                &name_path,
                ProblemKind::InvalidValue,
                "a resource name must not be empty",
            );
        } else if let Some(first) = first_seen.get(name) {
            c.push(
                &name_path,
                ProblemKind::Duplicate,
                format!("\"{name}\" is already the name of resources[{first}]; resource names must be unique"),
            );
        } else {
            first_seen.insert(name, i);
        }
        if let ResourceEntry::Resource(resource) = entry {
            check_settings(c, &resource_path(i), &resource.settings);
        }
    }

    let mut parents: Vec<Option<String>> = Vec::new();
    for (i, entry) in config.resources.iter().enumerate() {
        let resolved = resolve_resource(entry, config.resource_defaults.as_ref());
        parents.push(check_resolved(c, config, i, entry, &resolved, &names));
    }
    check_cycles(c, &names, &parents);
    check_sluice(c, &config.sluice);
}

fn check_settings(c: &mut Checker, path: &str, settings: &ResourceSettings) {
    if let Some(EndpointEntry::Endpoint(endpoint)) = &settings.endpoint {
        check_endpoint(c, &key_path(path, "endpoint"), endpoint);
    }
    if let Some(WriteDisposition::Config(config)) = &settings.write_disposition {
        check_write_disposition(c, &key_path(path, "write_disposition"), config);
    }
}

fn check_write_disposition(c: &mut Checker, path: &str, config: &WriteDispositionConfig) {
    let at = |key: &str| key_path(path, key);
    if config.disposition != WriteDispositionKind::Merge && config.strategy.is_some() {
        c.push(
            at("strategy"),
            ProblemKind::Conflict,
            "a strategy only applies to \"disposition\": \"merge\"",
        );
        return;
    }
    let strategy = config.strategy.unwrap_or(MergeStrategy::DeleteInsert);
    let only = |c: &mut Checker, key: &str, allowed: &[MergeStrategy], what: &str| {
        if !allowed.contains(&strategy) {
            c.push(
                at(key),
                ProblemKind::Conflict,
                format!(
                    "only applies to the {what} merge strategy, not {}",
                    strategy.as_str()
                ),
            );
        }
    };
    if config.deduplicated.is_some() {
        only(
            c,
            "deduplicated",
            &[MergeStrategy::DeleteInsert],
            "delete-insert",
        );
    }
    for key in [
        "validity_column_names",
        "active_record_timestamp",
        "boundary_timestamp",
    ] {
        let present = match key {
            "validity_column_names" => config.validity_column_names.is_some(),
            "active_record_timestamp" => config.active_record_timestamp.is_some(),
            _ => config.boundary_timestamp.is_some(),
        };
        if present {
            only(c, key, &[MergeStrategy::Scd2], "scd2");
        }
    }
    if config.row_version_column_name.is_some() {
        only(
            c,
            "row_version_column_name",
            &[MergeStrategy::Scd2, MergeStrategy::Upsert],
            "scd2 or upsert",
        );
    }
    if let Some(names) = &config.validity_column_names {
        if names.len() != 2 {
            c.push(
                at("validity_column_names"),
                ProblemKind::InvalidValue,
                "must name exactly two columns: valid-from and valid-to",
            );
        }
    }
}

fn check_auth(c: &mut Checker, path: &str, auth: &Auth) {
    let Auth::Config(config) = auth else {
        return;
    };
    let fields: Vec<(&str, Option<&TextOrRef>)> = match config {
        AuthConfig::Bearer(a) => vec![("token", a.token.as_ref())],
        AuthConfig::ApiKey(a) => vec![("api_key", a.api_key.as_ref())],
        AuthConfig::HttpBasic(a) => {
            vec![
                ("username", Some(&a.username)),
                ("password", Some(&a.password)),
            ]
        }
        AuthConfig::Oauth2ClientCredentials(a) => vec![
            ("access_token_url", a.access_token_url.as_ref()),
            ("client_id", a.client_id.as_ref()),
            ("client_secret", a.client_secret.as_ref()),
            ("access_token", a.access_token.as_ref()),
        ],
    };
    for (field, value) in fields {
        let at = key_path(path, field);
        match value {
            // Literal secrets are found on the raw JSON (`literal_secrets.rs`), parsed or not.
            Some(TextOrRef::Ref(reference)) if !valid_reference_name(reference.name()) => c.push(
                at,
                ProblemKind::InvalidValue,
                format!(
                    "\"{}\" is not a usable name: use letters, digits, _, - and . (not at the ends)",
                    reference.name()
                ),
            ),
            _ => {}
        }
    }
}

fn check_paginator(c: &mut Checker, path: &str, paginator: &Paginator) {
    let Paginator::Config(config) = paginator else {
        return;
    };
    let at = |key: &str| key_path(path, key);
    let either = |c: &mut Checker, a: &Option<String>, b: &Option<String>, na: &str, nb: &str| {
        if a.is_some() && b.is_some() {
            c.push(
                at(nb),
                ProblemKind::Conflict,
                format!("give either {na} or {nb}, not both"),
            );
        }
    };
    match config {
        PaginatorConfig::Cursor(p) => {
            either(
                c,
                &p.cursor_param,
                &p.cursor_body_path,
                "cursor_param",
                "cursor_body_path",
            );
        }
        PaginatorConfig::Offset(p) => {
            if p.limit == 0 {
                c.push(
                    at("limit"),
                    ProblemKind::InvalidValue,
                    "must be more than 0",
                );
            }
            either(
                c,
                &p.offset_param,
                &p.offset_body_path,
                "offset_param",
                "offset_body_path",
            );
            either(
                c,
                &p.limit_param,
                &p.limit_body_path,
                "limit_param",
                "limit_body_path",
            );
            let stops = RangeStops {
                total_path: &p.total_path,
                maximum: p.maximum_offset,
                has_more_path: &p.has_more_path,
                stop_after_empty_page: p.stop_after_empty_page,
            };
            stops.check(c, path, "offset", "maximum_offset");
        }
        PaginatorConfig::PageNumber(p) => {
            either(
                c,
                &p.page_param,
                &p.page_body_path,
                "page_param",
                "page_body_path",
            );
            let stops = RangeStops {
                total_path: &p.total_path,
                maximum: p.maximum_page,
                has_more_path: &p.has_more_path,
                stop_after_empty_page: p.stop_after_empty_page,
            };
            stops.check(c, path, "page_number", "maximum_page");
            if let (Some(page), Some(base)) = (p.page, p.base_page) {
                if page < base {
                    c.push(
                        at("page"),
                        ProblemKind::InvalidValue,
                        format!("must not be below base_page ({base})"),
                    );
                }
            }
        }
        _ => {}
    }
}

/// Checks that need only one endpoint as written.
fn check_endpoint(c: &mut Checker, path: &str, endpoint: &Endpoint) {
    let at = |key: &str| key_path(path, key);
    if endpoint.json.is_some() && endpoint.data.is_some() {
        c.push(
            at("data"),
            ProblemKind::Conflict,
            "give either json or data as the request body, not both",
        );
    }
    if let Some(data) = &endpoint.data {
        if !(data.is_object() || data.is_string()) {
            c.push(
                at("data"),
                ProblemKind::WrongType,
                "must be an object (form fields) or text (a raw body)",
            );
        }
    }
    if let Some(paginator) = &endpoint.paginator {
        check_paginator(c, &at("paginator"), paginator);
    }
    if let Some(auth) = &endpoint.auth {
        check_auth(c, &at("auth"), auth);
    }
    if let Some(actions) = &endpoint.response_actions {
        for (i, action) in actions.iter().enumerate() {
            if action.status_code.is_none() && action.content.is_none() {
                c.push(
                    index_path(&at("response_actions"), i),
                    ProblemKind::Missing,
                    "needs a status_code or a content to match responses against",
                );
            }
        }
    }
    let mut incrementals = 0;
    if let Some(incremental) = &endpoint.incremental {
        incrementals += 1;
        check_incremental(c, &at("incremental"), incremental);
    }
    if let Some(params) = &endpoint.params {
        for (name, value) in params {
            if let ParamValue::Bound(ParamBinding::Incremental(incremental)) = value {
                incrementals += 1;
                let param_at = key_path(&at("params"), name);
                check_incremental(c, &param_at, incremental);
                if incremental.end_value.is_some() {
                    c.push(
                        key_path(&param_at, "end_value"),
                        ProblemKind::Conflict,
                        "an incremental parameter cannot have an end_value; use endpoint.incremental with {incremental.end_value} instead",
                    );
                }
            }
        }
    }
    if incrementals > 1 {
        c.push(
            path,
            ProblemKind::Conflict,
            "an endpoint can have only one incremental (endpoint.incremental or one incremental parameter)",
        );
    }
}

fn check_incremental(c: &mut Checker, path: &str, incremental: &Incremental) {
    if incremental.cursor_path.trim().is_empty() {
        c.push(
            key_path(path, "cursor_path"),
            ProblemKind::InvalidValue,
            "must not be empty",
        );
    }
    if incremental.end_value.is_some() && incremental.initial_value.is_none() {
        c.push(
            key_path(path, "end_value"),
            ProblemKind::Missing,
            "needs an initial_value as well",
        );
    }
    if let Some(lag) = incremental.lag {
        if lag < 0.0 {
            c.push(
                key_path(path, "lag"),
                ProblemKind::InvalidValue,
                "must be 0 or more",
            );
        }
    }
}

/// Placeholder field names in a Python format string, or a message saying why it is malformed.
pub(crate) fn placeholders(text: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
            }
            '{' => {
                let mut field = String::new();
                let mut closed = false;
                let mut depth = 0;
                for inner in chars.by_ref() {
                    match inner {
                        '{' => depth += 1,
                        '}' if depth > 0 => depth -= 1,
                        '}' => {
                            closed = true;
                            break;
                        }
                        _ => {}
                    }
                    field.push(inner);
                }
                if !closed {
                    return Err("has an unmatched \"{\"; write \"{{\" for a literal brace".into());
                }
                let name = field
                    .split(['!', ':'])
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                if name.is_empty() {
                    return Err(
                        "has an empty placeholder \"{}\"; write \"{{}}\" for literal braces".into(),
                    );
                }
                fields.push(name);
            }
            '}' => {
                return Err("has an unmatched \"}\"; write \"}}\" for a literal brace".into());
            }
            _ => {}
        }
    }
    Ok(fields)
}

/// Where placeholders may stand and what they may name.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Path,
    Other,
}

struct PlaceholderScan<'a> {
    resource_name: &'a str,
    names: &'a [&'a str],
    has_incremental: bool,
    path_params: Vec<String>,
    parents: Vec<(String, String)>,
}

impl PlaceholderScan<'_> {
    fn text(&mut self, c: &mut Checker, at: &str, text: &str, place: Place) {
        let fields = match placeholders(text) {
            Ok(fields) => fields,
            Err(message) => {
                c.push(at, ProblemKind::InvalidValue, message);
                return;
            }
        };
        for field in fields {
            let parts: Vec<&str> = field.splitn(3, '.').collect();
            match parts.as_slice() {
                ["resources", parent, _field] => {
                    let parent = (*parent).to_owned();
                    if parent == self.resource_name {
                        c.push(at, ProblemKind::BadReference, format!("{{{field}}} refers to this resource itself; a resource cannot be its own parent"));
                    } else if !self.names.contains(&parent.as_str()) {
                        c.push(at, ProblemKind::BadReference, unknown_resource(&parent, self.names, &format!("{{{field}}} refers to")));
                    } else {
                        self.parents.push((parent, at.to_owned()));
                    }
                }
                ["resources", ..] => c.push(
                    at,
                    ProblemKind::BadReference,
                    format!("{{{field}}} must name a parent resource and a field: {{resources.<parent>.<field>}}"),
                ),
                ["incremental", attr] if INCREMENTAL_ATTRS.contains(attr) => {
                    if !self.has_incremental {
                        c.push(
                            at,
                            ProblemKind::BadReference,
                            format!("{{{field}}} needs an endpoint.incremental block"),
                        );
                    }
                }
                ["incremental", ..] => c.push(
                    at,
                    ProblemKind::BadReference,
                    format!(
                        "unknown placeholder {{{field}}}; the incremental values are {}",
                        INCREMENTAL_ATTRS
                            .iter()
                            .map(|a| format!("{{incremental.{a}}}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
                [name] if place == Place::Path && self.path_params.iter().any(|p| p == name) => {}
                _ if place == Place::Path => c.push(
                    at,
                    ProblemKind::BadReference,
                    format!("unknown placeholder {{{field}}}: it is neither {{resources.<parent>.<field>}}, {{incremental.start_value}} nor a parameter in params; write {{{{ and }}}} for literal braces"),
                ),
                _ => c.push(
                    at,
                    ProblemKind::BadReference,
                    format!("unknown placeholder {{{field}}}: use {{resources.<parent>.<field>}} or {{incremental.start_value}}; write {{{{ and }}}} for literal braces"),
                ),
            }
        }
    }

    fn json(&mut self, c: &mut Checker, at: &str, value: &Value) {
        match value {
            Value::String(text) => self.text(c, at, text, Place::Other),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.json(c, &index_path(at, i), item);
                }
            }
            Value::Object(object) if ValueRef::from_json(value).is_none() => {
                for (key, item) in object {
                    let item_at = key_path(at, key);
                    self.text(c, &item_at, key, Place::Other);
                    self.json(c, &item_at, item);
                }
            }
            _ => {}
        }
    }
}

fn unknown_resource(name: &str, names: &[&str], lead: &str) -> String {
    match nearest(name, names) {
        Some(suggestion) => format!(
            "{lead} resource \"{name}\", which does not exist; did you mean \"{suggestion}\"?"
        ),
        None => format!("{lead} resource \"{name}\", which does not exist"),
    }
}

/// Checks on a resource with the defaults applied; returns its parent resource.
fn check_resolved(
    c: &mut Checker,
    config: &ConnectorConfig,
    i: usize,
    entry: &ResourceEntry,
    resolved: &ResolvedResource,
    names: &[&str],
) -> Option<String> {
    let own_endpoint: Option<&Endpoint> = match entry {
        ResourceEntry::Resource(r) => match &r.settings.endpoint {
            Some(EndpointEntry::Endpoint(e)) => Some(e),
            _ => None,
        },
        ResourceEntry::Name(_) => None,
    };
    let own_has = |key: &str| -> bool {
        let Some(e) = own_endpoint else {
            return key == "path";
        };
        match key {
            "path" => true,
            "params" => e.params.is_some(),
            "json" => e.json.is_some(),
            "data" => e.data.is_some(),
            "headers" => e.headers.is_some(),
            _ => false,
        }
    };
    let endpoint_at = |key: &str| {
        if own_has(key) || config.resource_defaults.is_none() {
            key_path(&key_path(&resource_path(i), "endpoint"), key)
        } else {
            key_path("resource_defaults.endpoint", key)
        }
    };
    let endpoint = &resolved.endpoint;

    if endpoint.json.is_some() && endpoint.data.is_some() {
        let local = own_endpoint.is_some_and(|e| e.json.is_some() && e.data.is_some())
            || config
                .resource_defaults
                .as_ref()
                .and_then(|d| match &d.endpoint {
                    Some(EndpointEntry::Endpoint(e)) => Some(e.json.is_some() && e.data.is_some()),
                    _ => None,
                })
                .unwrap_or(false);
        if !local {
            c.push(
                key_path(&key_path(&resource_path(i), "endpoint"), "data"),
                ProblemKind::Conflict,
                "give either json or data as the request body, not both (one of them comes from resource_defaults)",
            );
        }
    }

    if config.client.base_url.is_empty() {
        let path = resolved.path();
        if !path.starts_with("http://") && !path.starts_with("https://") {
            c.push(
                endpoint_at("path"),
                ProblemKind::InvalidValue,
                "must be a full http:// or https:// URL because client.base_url is empty",
            );
        }
    }

    let has_incremental = endpoint.incremental.is_some();
    let mut resolve_params = Vec::new();
    let mut path_params = Vec::new();
    if let Some(params) = &endpoint.params {
        for (name, value) in params {
            match value {
                ParamValue::Bound(ParamBinding::Resolve(resolve)) => {
                    resolve_params.push((name.clone(), resolve.clone()));
                    path_params.push(name.clone());
                }
                ParamValue::Bound(ParamBinding::Incremental(_)) => {}
                _ => path_params.push(name.clone()),
            }
        }
    }
    let mut scan = PlaceholderScan {
        resource_name: &resolved.name,
        names,
        has_incremental,
        path_params,
        parents: Vec::new(),
    };
    let path_text = resolved.path().to_owned();
    scan.text(c, &endpoint_at("path"), &path_text, Place::Path);
    if let Some(params) = &endpoint.params {
        let params_at = endpoint_at("params");
        for (name, value) in params {
            let at = key_path(&params_at, name);
            scan.text(c, &at, name, Place::Other);
            if let ParamValue::Value(value) = value {
                scan.json(c, &at, value);
            }
        }
    }
    if let Some(headers) = &endpoint.headers {
        let headers_at = endpoint_at("headers");
        for (name, value) in headers {
            if let TextOrRef::Text(text) = value {
                scan.text(c, &key_path(&headers_at, name), text, Place::Other);
            }
        }
    }
    if let Some(json) = &endpoint.json {
        let json_at = endpoint_at("json");
        for (key, value) in json {
            let at = key_path(&json_at, key);
            scan.text(c, &at, key, Place::Other);
            scan.json(c, &at, value);
        }
    }
    if let Some(data) = &endpoint.data {
        scan.json(c, &endpoint_at("data"), data);
    }

    let mut parents: Vec<(String, String)> = std::mem::take(&mut scan.parents);
    let params_at = endpoint_at("params");
    for (name, resolve) in &resolve_params {
        let at = key_path(&params_at, name);
        if resolve.resource == resolved.name {
            c.push(
                key_path(&at, "resource"),
                ProblemKind::BadReference,
                "a resource cannot be its own parent",
            );
        } else if !names.contains(&resolve.resource.as_str()) {
            c.push(
                key_path(&at, "resource"),
                ProblemKind::BadReference,
                unknown_resource(&resolve.resource, names, "refers to"),
            );
        } else {
            parents.push((resolve.resource.clone(), at.clone()));
        }
        let in_path = placeholders(&path_text)
            .map(|fields| fields.iter().any(|f| f == name))
            .unwrap_or(true);
        if !in_path {
            c.push(
                &at,
                ProblemKind::BadReference,
                format!("the path has no {{{name}}} placeholder for this resolve parameter"),
            );
        }
    }

    let distinct: BTreeSet<&str> = parents.iter().map(|(p, _)| p.as_str()).collect();
    if distinct.len() > 1 {
        let list: Vec<String> = distinct.iter().map(|p| format!("\"{p}\"")).collect();
        c.push(
            key_path(&resource_path(i), "endpoint"),
            ProblemKind::Conflict,
            format!(
                "a resource can have only one parent, but this one refers to {}",
                list.join(" and ")
            ),
        );
    }
    let parent = parents.first().map(|(p, _)| p.clone());

    if resolved.settings.include_from_parent.is_some() && parent.is_none() {
        let own =
            matches!(entry, ResourceEntry::Resource(r) if r.settings.include_from_parent.is_some());
        let at = if own {
            key_path(&resource_path(i), "include_from_parent")
        } else {
            "resource_defaults.include_from_parent".to_owned()
        };
        c.push(
            at,
            ProblemKind::BadReference,
            "this resource has no parent resource (no {resources.<parent>.<field>} placeholder or resolve parameter), so there is nothing to include",
        );
    }
    parent
}

fn check_cycles(c: &mut Checker, names: &[&str], parents: &[Option<String>]) {
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut reported = BTreeSet::new();
    for start in 0..names.len() {
        let mut chain = vec![start];
        let mut current = start;
        while let Some(next) = parents
            .get(current)
            .and_then(Option::as_ref)
            .and_then(|p| index.get(p.as_str()))
        {
            if *next == start {
                let mut members: Vec<usize> = chain.clone();
                members.sort_unstable();
                if reported.insert(members) {
                    // "a → b" reads "a needs b" (b is a's parent).
                    let mut loop_names: Vec<&str> = chain.iter().map(|i| names[*i]).collect();
                    loop_names.push(names[start]);
                    c.push(
                        resource_path(start),
                        ProblemKind::BadReference,
                        format!(
                            "resources depend on each other in a loop: {}",
                            loop_names.join(" → ")
                        ),
                    );
                }
                break;
            }
            if chain.contains(next) || chain.len() > names.len() {
                break;
            }
            chain.push(*next);
            current = *next;
        }
    }
}

fn check_sluice(c: &mut Checker, sluice: &SluiceSettings) {
    let retry = &sluice.retry;
    for (i, status) in retry.statuses.iter().enumerate() {
        if !(100..=599).contains(status) {
            c.push(
                index_path("sluice.retry.statuses", i),
                ProblemKind::InvalidValue,
                "must be an HTTP status between 100 and 599",
            );
        }
    }
    if retry.max_retries > 100 {
        c.push(
            "sluice.retry.max_retries",
            ProblemKind::InvalidValue,
            "must be at most 100",
        );
    }
    if retry.backoff_factor < 0.0 {
        c.push(
            "sluice.retry.backoff_factor",
            ProblemKind::InvalidValue,
            "must be 0 or more",
        );
    }
    if retry.max_delay_seconds < 0.0 {
        c.push(
            "sluice.retry.max_delay_seconds",
            ProblemKind::InvalidValue,
            "must be 0 or more",
        );
    }
    if retry.request_timeout_seconds <= 0.0
        || retry.request_timeout_seconds > MAX_REQUEST_TIMEOUT_SECONDS
    {
        c.push(
            "sluice.retry.request_timeout_seconds",
            ProblemKind::InvalidValue,
            "must be more than 0 and at most 3600 (an hour)",
        );
    }
    if retry.max_response_megabytes == 0 {
        c.push(
            "sluice.retry.max_response_megabytes",
            ProblemKind::InvalidValue,
            "must be at least 1",
        );
    }
    for (i, host) in retry.credential_hosts.iter().enumerate() {
        if !is_host_and_port(host) {
            c.push(
                index_path("sluice.retry.credential_hosts", i),
                ProblemKind::InvalidValue,
                "must be a host name such as `files.example.com`, or `host:port`, without \
                 `https://` or a path",
            );
        }
    }
    let pipeline = &sluice.pipeline;
    for (key, value) in [
        ("pipeline_name", &pipeline.pipeline_name),
        ("dataset_name", &pipeline.dataset_name),
        ("duckdb_file", &pipeline.duckdb_file),
    ] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            c.push(
                key_path("sluice.pipeline", key),
                ProblemKind::InvalidValue,
                "must not be empty (leave it out for the default)",
            );
        }
    }
    // A relative `..` climbs out of the folder the file is meant to be in (the app's data folder,
    // the CLI's working directory) into one nobody chose; a full path says where it goes.
    if pipeline.duckdb_file.as_deref().is_some_and(|file| {
        std::path::Path::new(file)
            .components()
            .any(|part| part == std::path::Component::ParentDir)
    }) {
        c.push(
            "sluice.pipeline.duckdb_file",
            ProblemKind::InvalidValue,
            "may not contain `..`: give a file name, or a full path to the file",
        );
    }
    if sluice
        .source
        .name
        .as_deref()
        .is_some_and(|v| v.trim().is_empty())
    {
        c.push(
            "sluice.source.name",
            ProblemKind::InvalidValue,
            "must not be empty (leave it out for the default)",
        );
    }
}

/// The stop conditions offset and page_number paginators share. dlt refuses to build one that
/// has none of them, so Sluice says so while the user is still typing.
struct RangeStops<'a> {
    total_path: &'a Option<Option<String>>,
    maximum: Option<u64>,
    has_more_path: &'a Option<String>,
    stop_after_empty_page: Option<bool>,
}

impl RangeStops<'_> {
    fn check(&self, c: &mut Checker, path: &str, kind: &str, maximum_key: &str) {
        let never_stops = matches!(self.total_path, Some(None))
            && self.maximum.is_none()
            && self.has_more_path.is_none()
            && self.stop_after_empty_page == Some(false);
        if never_stops {
            c.push(
                path,
                ProblemKind::Conflict,
                format!(
                    "the {kind} paginator would never stop: set total_path, {maximum_key} or has_more_path, or let stop_after_empty_page stay true"
                ),
            );
        }
    }
}

/// `files.example.com`, `127.0.0.1:8080`, `[::1]:8080`: what a credential host entry may be.
fn is_host_and_port(text: &str) -> bool {
    let (host, port) = match text.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') && !port.contains(']') => (host, Some(port)),
        _ => (text, None),
    };
    let host_ok = !host.is_empty()
        && host.chars().all(|ch| {
            ch.is_ascii_alphanumeric() || matches!(ch, '.' | '-' | '_' | '[' | ']' | ':')
        });
    host_ok && port.is_none_or(|port| port.parse::<u16>().is_ok())
}
