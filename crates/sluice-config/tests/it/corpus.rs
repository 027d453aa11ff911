//! The config corpus: valid configs round-trip, invalid ones report exactly the expected
//! problems.

use std::path::Path;

use sluice_config::{import, ImportOptions, Imported};

pub fn import_file(path: &Path) -> Imported {
    let text = std::fs::read_to_string(path).expect("corpus file readable");
    let options = ImportOptions {
        format: path
            .file_name()
            .and_then(|n| sluice_config::ImportFormat::from_file_name(&n.to_string_lossy())),
        fallback_name: path.file_stem().map(|s| s.to_string_lossy().into_owned()),
        ..ImportOptions::default()
    };
    import(&text, &options).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

use std::collections::BTreeSet;

use serde_json::Value;
use sluice_config::{check_value, from_json, from_yaml, ConnectorConfig};

use crate::{crate_dir, files_in};

fn corpus(kind: &str) -> Vec<std::path::PathBuf> {
    files_in(&crate_dir().join("tests/corpus").join(kind))
}

#[test]
fn valid_corpus_round_trips() {
    let files = corpus("valid");
    assert!(
        files.len() >= 30,
        "the valid corpus has {} configs",
        files.len()
    );
    for path in files {
        let name = path.display();
        let imported = import_file(&path);
        assert!(
            imported.problems.is_empty(),
            "{name}: {:?}",
            imported.problems
        );
        assert!(imported.found_secrets.is_empty(), "{name}");
        let config = imported.config;

        // import → export JSON → import gives the same model, strictly and leniently.
        let json = config.to_json_string().expect("json export");
        assert_eq!(from_json(&json).expect("strict load"), config, "{name}");
        let again = sluice_config::import(&json, &Default::default()).expect("re-import");
        assert_eq!(again.config, config, "{name}");
        assert!(check_value(&serde_json::from_str(&json).expect("json")).is_empty());

        // The same through YAML.
        let yaml = config.to_yaml_string().expect("yaml export");
        assert_eq!(
            from_yaml(&yaml).expect("yaml load"),
            config,
            "{name}\n{yaml}"
        );

        // serde's derived Deserialize (what IPC uses) reads the saved form identically.
        let derived: ConnectorConfig = serde_json::from_str(&json).expect("derived deserialize");
        assert_eq!(derived, config, "{name}");
    }
}

/// The raw input of a corpus file, before import normalises aliases.
fn raw_value(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).expect("readable");
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => serde_json::from_str(&text).expect("json"),
        Some("yaml") => serde_norway::from_str(&text).expect("yaml"),
        _ => {
            let code = match text.find("```python") {
                Some(start) => {
                    let body = &text[start + 9..];
                    body[..body.find("```").expect("closed block")].to_owned()
                }
                None => text,
            };
            sluice_config::import::python::read_python(&code)
                .expect("python")
                .remove(0)
                .config
        }
    }
}

fn tag(used: &mut BTreeSet<String>, context: &str, key: &str) {
    used.insert(format!("{context}.{key}"));
}

fn walk_auth(used: &mut BTreeSet<String>, auth: &Value) {
    match auth {
        Value::String(t) => tag(used, "auth", &format!("<{t}>")),
        Value::Object(o) => {
            let t = o.get("type").and_then(Value::as_str).unwrap_or("<untyped>");
            for k in o.keys() {
                tag(used, &format!("auth:{t}"), k);
            }
        }
        _ => {}
    }
}

fn walk_paginator(used: &mut BTreeSet<String>, paginator: &Value) {
    match paginator {
        Value::String(t) => tag(used, "paginator", &format!("<{t}>")),
        Value::Object(o) => {
            let t = o.get("type").and_then(Value::as_str).unwrap_or("?");
            for (k, v) in o {
                tag(used, &format!("paginator:{t}"), k);
                if k == "total_path" && v.is_null() {
                    tag(used, &format!("paginator:{t}"), "total_path=null");
                }
            }
        }
        _ => {}
    }
}

fn walk_headers(used: &mut BTreeSet<String>, headers: &Value) {
    for h in headers.as_object().into_iter().flat_map(|o| o.values()) {
        if let Some(r) = h.as_object().and_then(|o| o.keys().next()) {
            tag(used, "header", r);
        }
    }
}

fn walk_incremental(used: &mut BTreeSet<String>, context: &str, incremental: &Value) {
    for k in incremental.as_object().into_iter().flat_map(|o| o.keys()) {
        tag(used, context, k);
    }
}

fn walk_endpoint(used: &mut BTreeSet<String>, endpoint: &Value) {
    let Some(o) = endpoint.as_object() else {
        tag(used, "endpoint", "<string>");
        return;
    };
    for (k, v) in o {
        tag(used, "endpoint", k);
        match k.as_str() {
            "auth" => walk_auth(used, v),
            "paginator" => walk_paginator(used, v),
            "incremental" => walk_incremental(used, "incremental", v),
            "headers" => walk_headers(used, v),
            "params" => {
                for p in v.as_object().into_iter().flat_map(|o| o.values()) {
                    match p.get("type").and_then(Value::as_str) {
                        Some("resolve") => {
                            for k in p.as_object().into_iter().flat_map(|o| o.keys()) {
                                tag(used, "param:resolve", k);
                            }
                        }
                        Some("incremental") => walk_incremental(used, "param:incremental", p),
                        _ if p.get("$secret").is_some() => tag(used, "param", "<$secret>"),
                        _ => tag(used, "param", "<value>"),
                    }
                }
            }
            "response_actions" => {
                for a in v.as_array().into_iter().flatten() {
                    for k in a.as_object().into_iter().flat_map(|o| o.keys()) {
                        tag(used, "response_action", k);
                    }
                }
            }
            _ => {}
        }
    }
}

fn walk_settings(used: &mut BTreeSet<String>, context: &str, settings: &Value) {
    let Some(o) = settings.as_object() else {
        tag(used, "resource", "<string>");
        return;
    };
    for (k, v) in o {
        tag(used, context, k);
        match k.as_str() {
            "endpoint" => walk_endpoint(used, v),
            "write_disposition" => match v {
                Value::String(s) => tag(used, "write_disposition", &format!("<{s}>")),
                Value::Object(w) => {
                    for k in w.keys() {
                        tag(used, "write_disposition", k);
                    }
                    if let Some(s) = w.get("strategy").and_then(Value::as_str) {
                        tag(used, "write_disposition", &format!("strategy={s}"));
                    }
                }
                _ => {}
            },
            "columns" => {
                let hints: Vec<&Value> = match v {
                    Value::Object(m) => {
                        tag(used, "columns", "<map>");
                        m.values().collect()
                    }
                    Value::Array(l) => {
                        tag(used, "columns", "<list>");
                        l.iter().collect()
                    }
                    _ => Vec::new(),
                };
                for h in hints {
                    for (k, v) in h.as_object().into_iter().flatten() {
                        tag(used, "column", k);
                        if k == "data_type" {
                            tag(used, "data_type", v.as_str().unwrap_or("?"));
                        }
                    }
                }
            }
            "schema_contract" => tag(
                used,
                "schema_contract",
                if v.is_string() { "<mode>" } else { "<dict>" },
            ),
            _ => {}
        }
    }
}

fn walk(used: &mut BTreeSet<String>, root: &Value) {
    let root = match root.get("sources").and_then(Value::as_object) {
        Some(sources) if root.get("resources").is_none() => {
            tag(used, "document", "<dlt.yml>");
            sources.values().next().cloned().unwrap_or_default()
        }
        _ => root.clone(),
    };
    for (k, v) in root.as_object().into_iter().flatten() {
        tag(used, "root", k);
        match k.as_str() {
            "client" => {
                for (k, v) in v.as_object().into_iter().flatten() {
                    tag(used, "client", k);
                    match k.as_str() {
                        "auth" => walk_auth(used, v),
                        "paginator" => walk_paginator(used, v),
                        "headers" => walk_headers(used, v),
                        _ => {}
                    }
                }
            }
            "resource_defaults" => walk_settings(used, "resource_defaults", v),
            "resources" => {
                for r in v.as_array().into_iter().flatten() {
                    walk_settings(used, "resource", r);
                }
            }
            "sluice" => {
                for (k, v) in v.as_object().into_iter().flatten() {
                    tag(used, "sluice", k);
                    for k in v.as_object().into_iter().flat_map(|o| o.keys()) {
                        tag(used, &format!("sluice.{k}"), "");
                    }
                }
            }
            _ => {}
        }
    }
}

/// Every key and form the model has; the valid corpus must use each at least once.
const EVERY_KEY: &str = "
root.client root.resource_defaults root.resources root.sluice
client.base_url client.headers client.auth client.paginator header.$secret header.$config
auth.<bearer> auth.<api_key> auth.<oauth2_client_credentials>
auth:bearer.type auth:bearer.token auth:<untyped>.token
auth:api_key.type auth:api_key.name auth:api_key.api_key auth:api_key.location
auth:http_basic.type auth:http_basic.username auth:http_basic.password
auth:oauth2_client_credentials.type auth:oauth2_client_credentials.access_token_url
auth:oauth2_client_credentials.client_id auth:oauth2_client_credentials.client_secret
auth:oauth2_client_credentials.access_token_request_data
auth:oauth2_client_credentials.default_token_expiration auth:oauth2.token_url
paginator.<json_link> paginator.<header_link> paginator.<single_page> paginator.<auto>
paginator.<cursor> paginator.<header_cursor> paginator.<page_number>
paginator:json_link.next_url_path paginator:json_response.next_url_path
paginator:header_link.links_next_key paginator:single_page.type paginator:auto.type
paginator:cursor.cursor_path paginator:cursor.cursor_param paginator:cursor.cursor_body_path
paginator:cursor.stop_after_empty_page paginator:cursor.has_more_path
paginator:header_cursor.cursor_key paginator:header_cursor.cursor_param
paginator:offset.limit paginator:offset.offset paginator:offset.offset_param
paginator:offset.offset_body_path paginator:offset.limit_param paginator:offset.limit_body_path
paginator:offset.total_path paginator:offset.total_path=null paginator:offset.maximum_offset
paginator:offset.stop_after_empty_page paginator:offset.has_more_path
paginator:page_number.base_page paginator:page_number.page paginator:page_number.page_param
paginator:page_number.page_body_path paginator:page_number.total_path
paginator:page_number.total_path=null paginator:page_number.maximum_page
paginator:page_number.stop_after_empty_page paginator:page_number.has_more_path
resource.<string> resource.name resource.endpoint resource.write_disposition resource.table_name
resource.primary_key resource.merge_key resource.columns resource.max_table_nesting
resource.selected resource.parallelized resource.include_from_parent resource.schema_contract
resource.table_format resource.file_format resource.references resource.nested_hints
resource_defaults.endpoint resource_defaults.primary_key resource_defaults.write_disposition
resource_defaults.columns resource_defaults.parallelized
endpoint.<string> endpoint.path endpoint.method endpoint.params endpoint.json endpoint.data
endpoint.headers endpoint.paginator endpoint.data_selector endpoint.response_actions
endpoint.incremental endpoint.auth
param.<value> param.<$secret> param:resolve.type param:resolve.resource param:resolve.field
param:incremental.type param:incremental.cursor_path param:incremental.initial_value
incremental.cursor_path incremental.initial_value incremental.end_value
incremental.last_value_func incremental.primary_key incremental.row_order
incremental.allow_external_schedulers incremental.lag incremental.on_cursor_value_missing
incremental.range_start incremental.range_end incremental.start_param incremental.end_param
response_action.status_code response_action.content response_action.action
write_disposition.<append> write_disposition.<replace> write_disposition.<merge>
write_disposition.<skip> write_disposition.disposition write_disposition.strategy
write_disposition.deduplicated write_disposition.validity_column_names
write_disposition.active_record_timestamp write_disposition.boundary_timestamp
write_disposition.row_version_column_name write_disposition.strategy=delete-insert
write_disposition.strategy=upsert write_disposition.strategy=scd2
write_disposition.strategy=insert-only
columns.<map> columns.<list> column.name column.data_type column.nullable column.precision
column.scale column.timezone column.description column.primary_key column.merge_key
column.unique column.partition column.cluster column.sort column.hard_delete column.dedup_sort
column.row_key column.parent_key column.root_key column.variant column.incremental
data_type.text data_type.double data_type.bool data_type.timestamp data_type.bigint
data_type.binary data_type.json data_type.decimal data_type.wei data_type.date data_type.time
schema_contract.<mode> schema_contract.<dict>
sluice.name sluice.pipeline sluice.source sluice.retry
sluice.pipeline_name. sluice.dataset_name. sluice.duckdb_file.
sluice.name. sluice.max_table_nesting. sluice.root_key. sluice.parallelized.
sluice.schema_contract. sluice.statuses. sluice.max_retries. sluice.backoff_factor.
sluice.max_delay_seconds. sluice.request_timeout_seconds.
document.<dlt.yml>
";

#[test]
fn valid_corpus_uses_every_key() {
    let mut used = BTreeSet::new();
    for path in corpus("valid") {
        walk(&mut used, &raw_value(&path));
    }
    let missing: Vec<&str> = EVERY_KEY
        .split_whitespace()
        .filter(|key| !used.contains(*key))
        .collect();
    assert!(
        missing.is_empty(),
        "keys no valid corpus config uses: {missing:?}"
    );
}

/// Each invalid config `X.json`/`X.yaml` has `X.expected`: the exact problems, one
/// `path: message` per line, in the order they are reported.
#[test]
fn invalid_corpus_reports_exact_problems() {
    let files: Vec<_> = corpus("invalid")
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e != "expected"))
        .collect();
    assert!(
        files.len() >= 40,
        "the invalid corpus has {} configs",
        files.len()
    );
    let update = std::env::var("UPDATE_EXPECTED").as_deref() == Ok("1");
    let mut failures = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let value: Value = match path.extension().and_then(|e| e.to_str()) {
            Some("yaml") => serde_norway::from_str(&text).expect("yaml syntax"),
            _ => serde_json::from_str(&text).expect("json syntax"),
        };
        let got: Vec<String> = check_value(&value)
            .iter()
            .map(ToString::to_string)
            .collect();
        let expected_path = path.with_extension("expected");
        if update {
            std::fs::write(&expected_path, got.join("\n") + "\n").expect("write expected");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{} has no .expected file", path.display()));
        let expected: Vec<&str> = expected.lines().filter(|l| !l.is_empty()).collect();
        if expected.is_empty() {
            failures.push(format!("{}: .expected is empty", path.display()));
        }
        if got != expected {
            failures.push(format!(
                "{}\n  expected: {expected:#?}\n  got:      {got:#?}",
                path.display()
            ));
        }
        // A config with problems never loads.
        assert!(
            sluice_config::from_value(&value).is_err(),
            "{}",
            path.display()
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
