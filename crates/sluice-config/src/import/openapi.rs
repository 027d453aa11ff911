//! OpenAPI 3.0/3.1 and Swagger 2.0 documents, JSON or YAML, read into a connector. Each GET
//! operation whose answer is a list (an array, or an object with one array property) can become
//! a resource; the user chooses which ([`OperationChoice`]), since the specs of big APIs list
//! hundreds. The servers give the base URL, the security schemes the auth (values left for the
//! keychain), the parameters and answer properties the paginator, a path parameter the parent
//! resource that lists objects with that id, `id`-like properties the primary key and the answer
//! schema column types. Every one of those is a guess, and each is said as one ([`Guess`]).
//!
//! Only local `$ref`s (`#/...`) are followed, at most [`MAX_REF_HOPS`] in a row, so a cycle or a
//! reference to another file ends the lookup instead of the import.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::snake_words;

/// One GET operation of the document that answers a list: what the user picks among.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export_to = "config/")]
pub struct ApiOperation {
    /// `GET /v1/tickets`: what the app sends back to pick it.
    pub id: String,
    pub path: String,
    /// The operation's first tag; empty when it has none.
    pub tag: String,
    /// The operation's summary, else its description's first line; may be empty.
    pub summary: String,
    /// The resource it becomes.
    pub resource: String,
    /// Where the records are in the answer: a property name, or `$` for a top-level list.
    pub data_selector: String,
}

/// What a document offers to import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export_to = "config/")]
pub struct ApiOperations {
    /// The document's `info.title`.
    pub title: String,
    pub operations: Vec<ApiOperation>,
    /// GET operations left out because their answer is no list (one object, a file, nothing).
    pub not_lists: usize,
}

/// Which operations of a document become resources. Empty: every list operation, when there
/// are at most [`MAX_UNASKED`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperationChoice {
    /// Operation ids as [`ApiOperation::id`] gives them.
    pub ids: Vec<String>,
    /// Path globs (`/v1/support/*`); `*` matches any run of characters, `/` included.
    pub paths: Vec<String>,
    /// Tags; an operation with any of them is chosen.
    pub tags: Vec<String>,
}

impl OperationChoice {
    fn is_empty(&self) -> bool {
        self.ids.is_empty() && self.paths.is_empty() && self.tags.is_empty()
    }

    /// Whether the operation is chosen; `tags` are all of its tags (it is listed under the first).
    fn picks(&self, op: &ApiOperation, tags: &[&str]) -> bool {
        self.ids.contains(&op.id)
            || self.paths.iter().any(|glob| glob_matches(glob, &op.path))
            || self
                .tags
                .iter()
                .any(|tag| tags.iter().any(|t| tag.eq_ignore_ascii_case(t)))
    }
}

/// A value the import chose from the document's hints, at the connector path it went to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Guess {
    pub path: String,
    pub message: String,
}

/// The most operations an import makes into resources without being told which.
pub const MAX_UNASKED: usize = 25;

/// `$ref` hops followed from one place before giving up (a cycle, or a very deep chain).
const MAX_REF_HOPS: usize = 32;

/// `allOf` parts read for one schema, and properties kept of it: far above real schemas, low
/// enough that a crafted one cannot make the import slow.
const MAX_ALL_OF_PARTS: usize = 64;
const MAX_PROPERTIES: usize = 2_000;

/// Parameters read of one operation (the same bound, for the same reason).
const MAX_PARAMETERS: usize = 256;

/// Whether a document read as JSON or YAML is an OpenAPI or Swagger document.
pub(crate) fn is_openapi(value: &Value) -> bool {
    value.get("openapi").is_some_and(Value::is_string)
        || value
            .get("swagger")
            .is_some_and(|v| v.is_string() || v.is_number())
}

/// Whether text starts like one, read without parsing it (the app asks before a 40 MB parse).
pub fn looks_like_openapi(text: &str) -> bool {
    // JSON: the key anywhere (a minified or key-sorted spec puts it last); YAML: a top-level
    // line, which has no indentation.
    if text.trim_start().starts_with('{') {
        return text.contains("\"openapi\"") || text.contains("\"swagger\"");
    }
    text.lines()
        .any(|line| line.starts_with("openapi:") || line.starts_with("swagger:"))
}

/// The list operations of a document, for the user to choose from.
pub(crate) fn list(root: &Value) -> ApiOperations {
    let doc = Doc::new(root);
    let (operations, not_lists) = doc.list_operations();
    ApiOperations {
        title: doc.title(),
        operations: operations.iter().map(|op| op.summary.clone()).collect(),
        not_lists,
    }
}

/// The connector document for the chosen operations, and what was guessed on the way.
pub(crate) fn read(root: &Value, choice: &OperationChoice) -> Result<(Value, Vec<Guess>), String> {
    let doc = Doc::new(root);
    let (operations, _) = doc.list_operations();
    if operations.is_empty() {
        return Err("the document has no GET operation that answers a list".into());
    }
    let mut chosen: Vec<usize> = if choice.is_empty() {
        if operations.len() > MAX_UNASKED {
            return Err(format!(
                "the document has {} operations that answer a list; choose the ones to import \
                 (by path or tag{})",
                operations.len(),
                tags_hint(&operations)
            ));
        }
        (0..operations.len()).collect()
    } else {
        let picked: Vec<usize> = (0..operations.len())
            .filter(|&i| choice.picks(&operations[i].summary, &operations[i].tags))
            .collect();
        if picked.is_empty() {
            return Err(
                "no operation of the document matches the paths, tags or ids chosen".into(),
            );
        }
        picked
    };
    let mut guesses = Vec::new();
    // A child needs its parent's records: a parent not chosen comes along.
    let parents = doc.parents(&operations);
    let mut chosen_set: std::collections::HashSet<usize> = chosen.iter().copied().collect();
    let mut at = 0;
    while at < chosen.len() {
        if let Some((parent, _, _)) = &parents[chosen[at]] {
            if chosen_set.insert(*parent) {
                guesses.push(Guess {
                    path: "resources".into(),
                    message: format!(
                        "added `{}`: `{}` reads the ids of its records",
                        operations[*parent].summary.resource,
                        operations[chosen[at]].summary.resource
                    ),
                });
                chosen.push(*parent);
            }
        }
        at += 1;
    }
    // Parents before children, then in the document's order.
    let depth = |mut i: usize| {
        let mut depth = 0;
        while let Some((parent, _, _)) = &parents[i] {
            depth += 1;
            i = *parent;
            if depth > parents.len() {
                break;
            }
        }
        depth
    };
    chosen.sort_by_cached_key(|&i| (depth(i), i));

    let mut client = Map::new();
    client.insert("base_url".into(), Value::String(doc.base_url(&mut guesses)));
    if let Some(auth) = doc.auth(&operations, &chosen, &mut guesses) {
        client.insert("auth".into(), auth);
    }
    let resources: Vec<Value> = chosen
        .iter()
        .enumerate()
        .map(|(index, &i)| doc.resource(&operations, i, &parents[i], index, &mut guesses))
        .collect();
    let connector = json!({
        "client": client,
        "resources": resources,
        "sluice": { "name": doc.title() },
    });
    Ok((connector, guesses))
}

fn tags_hint(operations: &[Operation<'_>]) -> String {
    let mut counts: indexmap::IndexMap<&str, usize> = indexmap::IndexMap::new();
    for op in operations {
        if !op.summary.tag.is_empty() {
            *counts.entry(op.summary.tag.as_str()).or_insert(0) += 1;
        }
    }
    if counts.is_empty() {
        return String::new();
    }
    let listed: Vec<String> = counts
        .iter()
        .take(12)
        .map(|(tag, n)| format!("{tag} ({n})"))
        .collect();
    let more = if counts.len() > 12 { ", ..." } else { "" };
    format!("; its tags: {}{more}", listed.join(", "))
}

/// `*` matches any run of characters, every other character itself.
fn glob_matches(glob: &str, text: &str) -> bool {
    let parts: Vec<&str> = glob.split('*').collect();
    if parts.len() == 1 {
        return glob == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// An operation's parent: (parent index, path parameter, parent field it takes).
type Parent = Option<(usize, String, String)>;

/// A list operation and what its answer looks like.
struct Operation<'a> {
    summary: ApiOperation,
    /// Every tag of the operation.
    tags: Vec<&'a str>,
    op: &'a Value,
    /// Path and operation parameters, resolved, the operation's winning over the path's.
    params: Vec<&'a Value>,
    /// The records' schema.
    item: &'a Value,
    /// The answer's object around the list, when the list is one of its properties.
    wrapper: Option<&'a Value>,
    /// Headers the answer documents (`Link`, ...), lower-cased.
    headers: Vec<String>,
}

struct Doc<'a> {
    root: &'a Value,
    swagger: bool,
}

impl<'a> Doc<'a> {
    fn new(root: &'a Value) -> Self {
        Doc {
            root,
            swagger: root.get("swagger").is_some(),
        }
    }

    fn title(&self) -> String {
        self.root
            .pointer("/info/title")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .unwrap_or("Imported API")
            .to_owned()
    }

    /// Follows local `$ref`s; a reference that leads nowhere is given back as it is.
    fn resolve(&self, mut value: &'a Value) -> &'a Value {
        for _ in 0..MAX_REF_HOPS {
            let Some(target) = value
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|pointer| self.root.pointer(pointer))
            else {
                return value;
            };
            value = target;
        }
        value
    }

    fn list_operations(&self) -> (Vec<Operation<'a>>, usize) {
        let mut operations = Vec::new();
        let mut not_lists = 0;
        let Some(paths) = self.root.get("paths").and_then(Value::as_object) else {
            return (operations, 0);
        };
        let mut names: HashMap<String, usize> = HashMap::new();
        for (path, item) in paths {
            let item = self.resolve(item);
            let Some(op) = item.get("get") else {
                continue;
            };
            let Some((data_selector, list, wrapper, headers)) = self.answer(op) else {
                not_lists += 1;
                continue;
            };
            let item_schema = self.resolve(list);
            let params = self.parameters(item, op);
            let resource = unique_name(&mut names, path);
            let tag = op
                .pointer("/tags/0")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let summary = op
                .get("summary")
                .and_then(Value::as_str)
                .or_else(|| {
                    op.get("description")
                        .and_then(Value::as_str)
                        .and_then(|d| d.lines().next())
                })
                .unwrap_or("")
                .trim()
                .to_owned();
            let tags = op
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            operations.push(Operation {
                tags,
                summary: ApiOperation {
                    id: format!("GET {path}"),
                    path: path.clone(),
                    tag,
                    summary,
                    resource,
                    data_selector,
                },
                op,
                params,
                item: item_schema,
                wrapper,
                headers,
            });
        }
        (operations, not_lists)
    }

    fn parameters(&self, item: &'a Value, op: &'a Value) -> Vec<&'a Value> {
        // The operation's parameters win over the path's of the same name and place.
        let mut params: Vec<&'a Value> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for list in [op.get("parameters"), item.get("parameters")] {
            for param in list
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .take(MAX_PARAMETERS)
            {
                let param = self.resolve(param);
                let key = (
                    param.get("name").and_then(Value::as_str),
                    param.get("in").and_then(Value::as_str),
                );
                if seen.insert(key) {
                    params.push(param);
                }
            }
        }
        params
    }

    /// The first 2xx answer's JSON schema, if it holds a list: (data selector, item schema,
    /// wrapper object, documented headers).
    #[allow(clippy::type_complexity)]
    fn answer(&self, op: &'a Value) -> Option<(String, &'a Value, Option<&'a Value>, Vec<String>)> {
        let responses = op.get("responses")?.as_object()?;
        let (_, response) = responses
            .iter()
            .filter(|(code, _)| code.starts_with('2'))
            .min_by_key(|(code, _)| code.as_str())?;
        let response = self.resolve(response);
        let schema = if self.swagger {
            response.get("schema")?
        } else {
            let content = response.get("content")?.as_object()?;
            let media = content.get("application/json").or_else(|| {
                content
                    .iter()
                    .find(|(kind, _)| kind.contains("json"))
                    .map(|(_, media)| media)
            })?;
            media.get("schema")?
        };
        let headers = response
            .get("headers")
            .and_then(Value::as_object)
            .map(|h| h.keys().map(|k| k.to_ascii_lowercase()).collect())
            .unwrap_or_default();
        let schema = self.resolve(schema);
        if is_array(schema) {
            return Some(("$".into(), schema.get("items")?, None, headers));
        }
        let properties = self.properties(schema);
        let arrays: Vec<(&str, &'a Value)> = properties
            .iter()
            .filter(|(_, s)| is_array(self.resolve(s)))
            .map(|(name, s)| (*name, *s))
            .collect();
        let (name, list) = match arrays.as_slice() {
            [one] => *one,
            [] => return None,
            // As dlt's detector picks among an answer's arrays: a records key first, else the
            // first that is not metadata.
            several => *several
                .iter()
                .find(|(name, _)| {
                    crate::records::RECORD_KEYS.contains(&name.to_ascii_lowercase().as_str())
                })
                .or_else(|| {
                    several
                        .iter()
                        .find(|(name, _)| !crate::records::NOT_RECORD_KEYS.contains(name))
                })?,
        };
        let items = self.resolve(list).get("items")?;
        Some((name.to_owned(), items, Some(schema), headers))
    }

    /// An object schema's properties, those of its `allOf` parts included: each part read once
    /// (a part that includes itself, however deep, adds nothing more), at most
    /// [`MAX_PROPERTIES`] of them.
    fn properties(&self, schema: &'a Value) -> Vec<(&'a str, &'a Value)> {
        let mut out = Vec::new();
        let mut seen_names = std::collections::HashSet::new();
        let mut seen_parts: Vec<*const Value> = Vec::new();
        let mut todo = vec![schema];
        while let Some(part) = todo.pop() {
            let part = self.resolve(part);
            if seen_parts.contains(&(part as *const Value)) || seen_parts.len() >= MAX_ALL_OF_PARTS
            {
                continue;
            }
            seen_parts.push(part);
            if let Some(properties) = part.get("properties").and_then(Value::as_object) {
                for (name, property) in properties.iter().take(MAX_PROPERTIES) {
                    if out.len() < MAX_PROPERTIES && seen_names.insert(name.as_str()) {
                        out.push((name.as_str(), property));
                    }
                }
            }
            // In the document's order: the last pushed is read first.
            if let Some(parts) = part.get("allOf").and_then(Value::as_array) {
                todo.extend(parts.iter().rev());
            }
        }
        out
    }

    /// The answer's properties around the list and one level into its objects, by path
    /// (`total`, `meta.next_cursor`), with their schemas.
    fn answer_properties(&self, op: &Operation<'a>) -> Vec<(Vec<&'a str>, &'a Value)> {
        let mut out = Vec::new();
        let Some(wrapper) = op.wrapper else {
            return out;
        };
        for (name, schema) in self.properties(wrapper) {
            if name == op.summary.data_selector {
                continue;
            }
            let schema = self.resolve(schema);
            out.push((vec![name], schema));
            for (inner, inner_schema) in self.properties(schema) {
                out.push((vec![name, inner], self.resolve(inner_schema)));
            }
        }
        out
    }

    fn query_params(&self, op: &Operation<'a>) -> Vec<(&'a str, &'a Value)> {
        op.params
            .iter()
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
            .filter_map(|p| {
                let name = p.get("name")?.as_str()?;
                // Swagger 2.0 keeps the type on the parameter itself.
                let schema = p.get("schema").map(|s| self.resolve(s)).unwrap_or(p);
                Some((name, schema))
            })
            .collect()
    }

    fn base_url(&self, guesses: &mut Vec<Guess>) -> String {
        let url = if self.swagger {
            let host = self.root.get("host").and_then(Value::as_str).unwrap_or("");
            let base_path = self
                .root
                .get("basePath")
                .and_then(Value::as_str)
                .unwrap_or("");
            let scheme = self
                .root
                .pointer("/schemes/0")
                .and_then(Value::as_str)
                .unwrap_or("https");
            if host.is_empty() {
                base_path.to_owned()
            } else {
                format!("{scheme}://{host}{base_path}")
            }
        } else {
            let server = self.root.pointer("/servers/0");
            let mut url = server
                .and_then(|s| s.get("url"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            // Server variables take their defaults: `https://{region}.api.example.com`.
            if let Some(variables) = server
                .and_then(|s| s.get("variables"))
                .and_then(Value::as_object)
            {
                for (name, variable) in variables {
                    if let Some(default) = variable.get("default").and_then(Value::as_str) {
                        url = url.replace(&format!("{{{name}}}"), default);
                    }
                }
            }
            url
        };
        let url = url.trim_end_matches('/').to_owned();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            guesses.push(Guess {
                path: "client.base_url".into(),
                message: if url.is_empty() {
                    "the document names no server: enter the API's address".into()
                } else {
                    format!("the document's server `{url}` is relative: put the API's address in front of it")
                },
            });
        }
        url
    }

    /// The auth of the security scheme most of the chosen operations ask for.
    fn auth(
        &self,
        operations: &[Operation<'a>],
        chosen: &[usize],
        guesses: &mut Vec<Guess>,
    ) -> Option<Value> {
        let schemes = if self.swagger {
            self.root.get("securityDefinitions")
        } else {
            self.root.pointer("/components/securitySchemes")
        }?
        .as_object()?;
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for &i in chosen {
            let requirement = operations[i]
                .op
                .get("security")
                .or_else(|| self.root.get("security"))
                .and_then(Value::as_array)
                .and_then(|all| all.first())
                .and_then(Value::as_object);
            let Some(name) = requirement.and_then(|r| r.keys().next()) else {
                continue;
            };
            match counts.iter_mut().find(|(n, _)| *n == name.as_str()) {
                Some((_, n)) => *n += 1,
                None => counts.push((name.as_str(), 1)),
            }
        }
        let (name, _) = counts.iter().max_by_key(|(_, n)| *n)?;
        let scheme = self.resolve(schemes.get(*name)?);
        let kind = scheme.get("type").and_then(Value::as_str).unwrap_or("");
        let secret = |name: &str| json!({ "$secret": name });
        let said = |guesses: &mut Vec<Guess>, what: String| {
            guesses.push(Guess {
                path: "client.auth".into(),
                message: format!("{what}, from the security scheme `{name}`: store its secret values in the keychain"),
            });
        };
        let http_scheme = scheme
            .get("scheme")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        let auth = match kind {
            "apiKey" => {
                let key_name = scheme
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("api_key");
                let location = scheme.get("in").and_then(Value::as_str).unwrap_or("header");
                said(
                    guesses,
                    format!("an API key in the {location} `{key_name}`"),
                );
                json!({ "type": "api_key", "name": key_name, "location": location, "api_key": secret("api_key") })
            }
            "basic" => basic(guesses, said),
            "http" if http_scheme == "basic" => basic(guesses, said),
            "http" | "openIdConnect" => {
                said(guesses, "a bearer token".into());
                json!({ "type": "bearer", "token": secret("token") })
            }
            "oauth2" => {
                let token_url = if self.swagger {
                    (scheme.get("flow").and_then(Value::as_str) == Some("application"))
                        .then(|| scheme.get("tokenUrl").and_then(Value::as_str))
                        .flatten()
                } else {
                    scheme
                        .pointer("/flows/clientCredentials/tokenUrl")
                        .and_then(Value::as_str)
                };
                match token_url {
                    Some(token_url) => {
                        said(guesses, "OAuth2 client credentials".into());
                        json!({
                            "type": "oauth2_client_credentials",
                            "access_token_url": token_url,
                            "client_id": secret("client_id"),
                            "client_secret": secret("client_secret"),
                        })
                    }
                    None => {
                        said(
                            guesses,
                            "a bearer token (the document signs in with an OAuth2 flow Sluice \
                             does not run yet: paste a token it gave you)"
                                .into(),
                        );
                        json!({ "type": "bearer", "token": secret("token") })
                    }
                }
            }
            _ => return None,
        };
        Some(auth)
    }

    /// For each operation whose path has a parameter after another list operation's path, that
    /// parent: (parent index, parameter, parent field it takes). Paths are looked up once each.
    fn parents(&self, operations: &[Operation<'a>]) -> Vec<Parent> {
        let by_path: HashMap<&str, usize> = operations
            .iter()
            .enumerate()
            .map(|(i, op)| (op.summary.path.as_str(), i))
            .collect();
        operations
            .iter()
            .enumerate()
            .map(|(i, op)| {
                let path = &op.summary.path;
                // The last `{param}` before the path's end, and the path before it.
                let open = path.rfind("/{")?;
                let close = open + path[open..].find('}')?;
                let param = &path[open + 2..close];
                let parent = *by_path.get(&path[..open]).filter(|&&p| p != i)?;
                let fields = self.properties(operations[parent].item);
                let has = |field: &str| fields.iter().any(|(name, _)| *name == field);
                let field = if has(param) {
                    param.to_owned()
                } else if has("id") {
                    "id".to_owned()
                } else {
                    return None;
                };
                Some((parent, param.to_owned(), field))
            })
            .collect()
    }

    fn resource(
        &self,
        operations: &[Operation<'a>],
        i: usize,
        parent: &Parent,
        index: usize,
        guesses: &mut Vec<Guess>,
    ) -> Value {
        let op = &operations[i];
        let at = |key: &str| format!("resources[{index}].{key}");
        let mut endpoint = Map::new();
        let mut path = op.summary.path.clone();
        let mut resource = Map::new();
        resource.insert("name".into(), Value::String(op.summary.resource.clone()));
        if let Some((parent, param, field)) = parent {
            let parent_name = &operations[*parent].summary.resource;
            path = path.replace(
                &format!("{{{param}}}"),
                &format!("{{resources.{parent_name}.{field}}}"),
            );
            resource.insert("include_from_parent".into(), json!([field]));
            guesses.push(Guess {
                path: at("endpoint.path"),
                message: format!(
                    "`{{{param}}}` takes the `{field}` of each `{parent_name}` record"
                ),
            });
        }
        for param in unbound_params(&path) {
            guesses.push(Guess {
                path: at("endpoint.path"),
                message: format!(
                    "`{{{param}}}` is a path parameter no list operation gives: choose the \
                     operation that lists its values, or set it under params"
                ),
            });
        }
        endpoint.insert("path".into(), Value::String(path));
        endpoint.insert(
            "data_selector".into(),
            Value::String(op.summary.data_selector.clone()),
        );
        let mut params = Map::new();
        let (paginator, note) = self.paginator(op, &mut params);
        endpoint.insert("paginator".into(), paginator);
        guesses.push(Guess {
            path: at("endpoint.paginator"),
            message: note,
        });
        if let Some((param, cursor)) = self.incremental(op) {
            params.insert(
                param.into(),
                Value::String("{incremental.start_value}".into()),
            );
            endpoint.insert(
                "incremental".into(),
                json!({ "cursor_path": cursor, "initial_value": "1970-01-01T00:00:00Z" }),
            );
            guesses.push(Guess {
                path: at("endpoint.incremental"),
                message: format!(
                    "incremental: `{param}` asks for records from the latest `{cursor}` loaded"
                ),
            });
        }
        if !params.is_empty() {
            endpoint.insert("params".into(), Value::Object(params));
        }
        resource.insert("endpoint".into(), Value::Object(endpoint));
        let fields = self.properties(op.item);
        if let Some(key) = PRIMARY_KEYS
            .iter()
            .find(|key| fields.iter().any(|(name, _)| name == *key))
        {
            resource.insert("primary_key".into(), Value::String((*key).into()));
            resource.insert("write_disposition".into(), Value::String("merge".into()));
            guesses.push(Guess {
                path: at("primary_key"),
                message: format!("merges on `{key}`, each record's identifier"),
            });
        }
        let columns: Map<String, Value> = fields
            .iter()
            .filter_map(|(name, schema)| {
                let schema = self.resolve(schema);
                let mut column = json!({ "data_type": column_type(schema)? });
                // The document's words for the property travel with the column (dlt keeps a
                // column's description in its schema).
                if let Some(description) = schema
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                {
                    column["description"] = Value::String(description.chars().take(500).collect());
                }
                Some(((*name).to_owned(), column))
            })
            .collect();
        if !columns.is_empty() {
            resource.insert("columns".into(), Value::Object(columns));
        }
        Value::Object(resource)
    }

    /// The paginator the parameters and answer properties describe, with the sentence saying
    /// why; page size parameters go into `params`.
    fn paginator(&self, op: &Operation<'a>, params: &mut Map<String, Value>) -> (Value, String) {
        let query = self.query_params(op);
        let answer = self.answer_properties(op);
        let param = |names: &[&str]| {
            query
                .iter()
                .find(|(name, _)| names.contains(&name.to_ascii_lowercase().as_str()))
                .copied()
        };
        let property = |names: &[&str], kinds: &[&str]| {
            answer
                .iter()
                .find(|(keys, schema)| {
                    let last = keys.last().copied().unwrap_or("").to_ascii_lowercase();
                    names.contains(&last.as_str())
                        && (types(schema).is_empty()
                            || types(schema).iter().any(|t| kinds.contains(t)))
                })
                .map(|(keys, _)| crate::records::key_path(keys))
        };
        let has_more = property(HAS_MORE_PROPERTIES, &["boolean"]);

        if let (Some((cursor_param, _)), Some(cursor_path)) = (
            param(CURSOR_PARAMS),
            property(CURSOR_PROPERTIES, &["string", "integer"]),
        ) {
            let mut paginator = json!({ "type": "cursor", "cursor_path": cursor_path, "cursor_param": cursor_param });
            if let Some(has_more) = &has_more {
                paginator["has_more_path"] = Value::String(has_more.clone());
            }
            return (
                paginator,
                format!("cursor pages: `{cursor_param}` takes the answer's `{cursor_path}`"),
            );
        }
        if let Some(next) = property(NEXT_LINK_PROPERTIES, &["string"]) {
            return (
                json!({ "type": "json_link", "next_url_path": next }),
                format!("link pages: the answer's `{next}` is the next page's URL"),
            );
        }
        if op.headers.iter().any(|h| h == "link") {
            return (
                json!({ "type": "header_link" }),
                "link pages: the answer's `Link` header names the next page".into(),
            );
        }
        let total = property(TOTAL_PROPERTIES, &["integer", "number"]);
        // A count is a number: `start=<date-time>` is no offset, `page=<token>` no page number.
        let counted = |found: Option<(&'a str, &'a Value)>| {
            found.filter(|(_, schema)| {
                types(schema).is_empty()
                    || types(schema)
                        .iter()
                        .any(|t| matches!(*t, "integer" | "number"))
            })
        };
        if let (Some((offset_param, _)), Some((limit_param, limit_schema))) =
            (counted(param(OFFSET_PARAMS)), counted(param(SIZE_PARAMS)))
        {
            let limit = page_size(limit_schema);
            let mut paginator = json!({ "type": "offset", "limit": limit });
            if offset_param != "offset" {
                paginator["offset_param"] = Value::String(offset_param.into());
            }
            if limit_param != "limit" {
                paginator["limit_param"] = Value::String(limit_param.into());
            }
            let ends = match (&total, &has_more) {
                (Some(total), _) => {
                    paginator["total_path"] = Value::String(total.clone());
                    format!("until `{total}` records")
                }
                (None, Some(more)) => {
                    paginator["total_path"] = Value::Null;
                    paginator["has_more_path"] = Value::String(more.clone());
                    format!("while `{more}` is true")
                }
                (None, None) => {
                    paginator["total_path"] = Value::Null;
                    "until an empty page".to_owned()
                }
            };
            return (
                paginator,
                format!("offset pages of {limit}: `{offset_param}` and `{limit_param}`, {ends}"),
            );
        }
        if let Some((page_param, page_schema)) = counted(param(PAGE_PARAMS)) {
            let first = page_schema
                .get("default")
                .or_else(|| page_schema.get("minimum"))
                .and_then(Value::as_u64)
                .unwrap_or(1);
            let mut paginator = json!({ "type": "page_number", "base_page": first, "page": first });
            if page_param != "page" {
                paginator["page_param"] = Value::String(page_param.into());
            }
            let total_pages = property(TOTAL_PAGES_PROPERTIES, &["integer", "number"]);
            let ends = match &total_pages {
                Some(pages) => {
                    paginator["total_path"] = Value::String(pages.clone());
                    format!("until `{pages}`")
                }
                None => {
                    paginator["total_path"] = Value::Null;
                    "until an empty page".to_owned()
                }
            };
            let mut size_note = String::new();
            if let Some((size_param, size_schema)) = param(PAGE_SIZE_PARAMS) {
                let size = page_size(size_schema);
                params.insert(size_param.into(), json!(size));
                size_note = format!(" of {size} (`{size_param}`)");
            }
            return (
                paginator,
                format!("numbered pages{size_note}: `{page_param}` from {first}, {ends}"),
            );
        }
        (
            json!({ "type": "single_page" }),
            "one request: the document describes no paging for it".into(),
        )
    }

    /// A date-time query parameter that asks for changes since a time, and the record property
    /// it compares with: (parameter, property).
    fn incremental(&self, op: &Operation<'a>) -> Option<(&'a str, String)> {
        // A time: `since=<integer id>` (GitHub's repositories) asks for something else.
        let (param, _) = self.query_params(op).into_iter().find(|(name, schema)| {
            SINCE_PARAMS.contains(&name.to_ascii_lowercase().as_str())
                && (types(schema).is_empty() || types(schema).contains(&"string"))
                && schema
                    .get("format")
                    .and_then(Value::as_str)
                    .is_none_or(|f| f == "date-time")
        })?;
        let fields = self.properties(op.item);
        let cursor = fields.iter().find_map(|(name, schema)| {
            let schema = self.resolve(schema);
            (UPDATED_PROPERTIES.contains(&name.to_ascii_lowercase().as_str())
                && schema.get("format").and_then(Value::as_str) == Some("date-time"))
            .then(|| (*name).to_owned())
        })?;
        Some((param, cursor))
    }
}

fn basic(guesses: &mut Vec<Guess>, said: impl Fn(&mut Vec<Guess>, String)) -> Value {
    said(guesses, "a user name and password".into());
    json!({ "type": "http_basic", "username": { "$secret": "username" }, "password": { "$secret": "password" } })
}

/// The `{name}` placeholders of a path that no parent resource fills (the editor's own scanner).
fn unbound_params(path: &str) -> Vec<String> {
    crate::validate::placeholders(path)
        .unwrap_or_default()
        .into_iter()
        .filter(|name| !name.starts_with("resources."))
        .collect()
}

/// The page size to ask for: the parameter's default, else 100 within its maximum.
fn page_size(schema: &Value) -> u64 {
    let default = schema.get("default").and_then(Value::as_u64);
    let maximum = schema.get("maximum").and_then(Value::as_u64);
    default
        .unwrap_or_else(|| maximum.map_or(100, |m| m.min(100)))
        .max(1)
}

/// A schema's types: `type` as a string or (3.1) a list.
fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(all)) => all.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_array(schema: &Value) -> bool {
    types(schema).contains(&"array")
        || (schema.get("items").is_some() && schema.get("properties").is_none())
}

/// The column type a property's schema states, for the scalars whose loaded type it can
/// change; objects and arrays are left to become columns and child tables as dlt makes them.
fn column_type(schema: &Value) -> Option<&'static str> {
    let kinds = types(schema);
    let kind = kinds.iter().find(|t| **t != "null")?;
    let format = schema.get("format").and_then(Value::as_str);
    Some(match (*kind, format) {
        ("integer", _) => "bigint",
        ("number", _) => "double",
        ("boolean", _) => "bool",
        ("string", Some("date-time")) => "timestamp",
        ("string", Some("date")) => "date",
        _ => return None,
    })
}

/// A resource name from the path's last fixed segment (`/v1/support/tickets/{id}/comments` →
/// `comments`), made unique with the segment before it, then a number.
fn unique_name(names: &mut HashMap<String, usize>, path: &str) -> String {
    let fixed: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .map(|s| snake_words(&split_camel(s)))
        .filter(|s| !s.is_empty())
        .collect();
    let last = fixed
        .last()
        .cloned()
        .unwrap_or_else(|| "records".to_owned());
    let mut name = last.clone();
    if names.contains_key(&name) && fixed.len() > 1 {
        name = format!("{}_{last}", fixed[fixed.len() - 2]);
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("_{name}");
    }
    let count = names.entry(name.clone()).or_insert(0);
    *count += 1;
    if *count > 1 {
        name = format!("{name}_{count}");
        names.insert(name.clone(), 1);
    }
    name
}

/// `marketingData` → `marketing Data`, so camel case reads as two words.
pub(super) fn split_camel(text: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            out.push(' ');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c);
    }
    out
}

pub(super) const PRIMARY_KEYS: &[&str] = &["id", "uuid", "key"];
pub(super) const CURSOR_PARAMS: &[&str] = &[
    "cursor",
    "page_token",
    "pagetoken",
    "page_cursor",
    "next_token",
    "nexttoken",
    "continuation",
    "continuation_token",
    "starting_after",
    "after",
];
pub(super) const CURSOR_PROPERTIES: &[&str] = &[
    "next_cursor",
    "nextcursor",
    "next_page_token",
    "nextpagetoken",
    "next_token",
    "nexttoken",
    "continuation",
    "continuation_token",
    "cursor",
    "after",
];
pub(super) const NEXT_LINK_PROPERTIES: &[&str] = &[
    "next",
    "next_url",
    "next_page_url",
    "nextlink",
    "next_link",
    "@odata.nextlink",
];
pub(super) const OFFSET_PARAMS: &[&str] = &["offset", "skip", "start"];
pub(super) const SIZE_PARAMS: &[&str] = &[
    "limit",
    "per_page",
    "page_size",
    "pagesize",
    "perpage",
    "size",
    "count",
    "max_results",
    "top",
];
pub(super) const PAGE_PARAMS: &[&str] = &["page", "page_number", "pagenumber", "page_no"];
pub(super) const PAGE_SIZE_PARAMS: &[&str] = &[
    "page_size",
    "per_page",
    "pagesize",
    "perpage",
    "limit",
    "size",
];
pub(super) const TOTAL_PROPERTIES: &[&str] = &[
    "total",
    "total_count",
    "totalcount",
    "total_results",
    "totalresults",
    "total_items",
    "totalitems",
    "count",
];
pub(super) const TOTAL_PAGES_PROPERTIES: &[&str] = &[
    "total_pages",
    "totalpages",
    "page_count",
    "pagecount",
    "pages",
    "last_page",
];
pub(super) const HAS_MORE_PROPERTIES: &[&str] =
    &["has_more", "hasmore", "more", "has_next", "hasnext"];
pub(super) const SINCE_PARAMS: &[&str] = &[
    "updated_since",
    "updated_after",
    "modified_since",
    "modified_after",
    "changed_since",
    "since",
    "updated_at_min",
];
pub(super) const UPDATED_PROPERTIES: &[&str] = &[
    "updated_at",
    "updatedat",
    "modified_at",
    "modifiedat",
    "last_modified",
    "lastmodified",
    "changed_at",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_runs_of_characters() {
        assert!(glob_matches("/v1/*", "/v1/support/tickets"));
        assert!(glob_matches(
            "*tickets*",
            "/v1/support/tickets/{id}/comments"
        ));
        assert!(glob_matches("/v1/marketing_data", "/v1/marketing_data"));
        assert!(!glob_matches("/v1/*/members", "/v1/support/tickets"));
        assert!(!glob_matches("/v2/*", "/v1/x"));
    }

    #[test]
    fn names_come_from_the_last_fixed_segment_and_stay_unique() {
        let mut names = HashMap::new();
        assert_eq!(unique_name(&mut names, "/v1/support/tickets"), "tickets");
        assert_eq!(
            unique_name(&mut names, "/v1/support/tickets/{id}/comments"),
            "comments"
        );
        assert_eq!(
            unique_name(&mut names, "/v2/archive/tickets"),
            "archive_tickets"
        );
        assert_eq!(unique_name(&mut names, "/marketingData"), "marketing_data");
        assert_eq!(
            unique_name(&mut names, "/v3/archive/tickets"),
            "archive_tickets_2"
        );
    }

    #[test]
    fn text_that_starts_like_a_spec_is_recognised_without_parsing() {
        assert!(looks_like_openapi("{\n  \"openapi\": \"3.1.0\","));
        assert!(looks_like_openapi("openapi: 3.0.3\ninfo:\n"));
        assert!(looks_like_openapi("{\"swagger\":\"2.0\"}"));
        assert!(!looks_like_openapi(
            "{\"client\": {\"base_url\": \"https://x\"}}"
        ));
    }
}
