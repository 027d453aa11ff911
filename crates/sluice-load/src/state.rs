//! The pipeline state dlt keeps in `_dlt_pipeline_state`: JSON, zlib-compressed (level 9) and
//! base64-encoded. Sluice keeps each resource's incremental state there, in dlt's layout
//! (`sources.<source>.resources.<resource>.incremental.<cursor_path>`), so the state travels
//! with the data it describes and commits in the same transaction. A child's copy of its
//! incremental parents' cursors (see [`ResourceState`]) sits beside it, under
//! `sluice_parents.<parent>.<cursor_path>` in the same entry shape; dlt keeps a resource's
//! state as an open dict and ignores the key.

use std::io::{Read, Write};

use base64::Engine as _;
use flate2::{read::ZlibDecoder, write::ZlibEncoder, Compression};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

use sluice_engine::{IncrementalState, ResourceState};

use crate::error::{Error, Result};

/// dlt's state engine version.
pub const STATE_ENGINE_VERSION: i64 = 4;

pub fn encode(state: &Value) -> String {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(state.to_string().as_bytes());
    let bytes = encoder.finish().unwrap_or_default();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn decode(text: &str) -> Result<Value> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| Error::State(e.to_string()))?;
    let mut json = String::new();
    ZlibDecoder::new(bytes.as_slice())
        .read_to_string(&mut json)
        .map_err(|e| Error::State(e.to_string()))?;
    serde_json::from_str(&json).map_err(|e| Error::State(e.to_string()))
}

/// Sets `_version_hash` as dlt computes it (SHA3-256 of the state's canonical JSON without its
/// version fields, base64): dlt, resuming from a file Sluice wrote, compares it with its own
/// and cannot read a state without one.
pub fn set_version_hash(state: &mut Value) {
    let mut content = state.clone();
    if let Some(object) = content.as_object_mut() {
        for key in [
            "_local",
            "_state_version",
            "_state_engine_version",
            "_version_hash",
        ] {
            object.remove(key);
        }
    }
    let hash = crate::digest_base64(sluice_engine::canonical_json(&content).as_bytes());
    if let Some(object) = state.as_object_mut() {
        object.insert("_version_hash".into(), Value::String(hash));
    }
}

/// A fresh state for a pipeline, as dlt writes on a first run.
pub fn new_state(pipeline: &str, dataset: &str, schema: &str) -> Value {
    json!({
        "_state_version": 0,
        "_state_engine_version": STATE_ENGINE_VERSION,
        "dataset_name": dataset,
        "pipeline_name": pipeline,
        "default_schema_name": schema,
        "schema_names": [schema],
        "destination_type": "dlt.destinations.duckdb",
        "destination_name": null,
    })
}

fn resource_slot<'a>(state: &'a Value, source: &str, resource: &str) -> Option<&'a Value> {
    state
        .get("sources")?
        .get(source)?
        .get("resources")?
        .get(resource)
}

/// What a resource's last load stored: its own cursor (dlt's entry, written by dlt or by
/// Sluice) and, for a child, its copy of its parents' cursors.
pub fn resource_state(state: &Value, source: &str, resource: &str) -> ResourceState {
    let Some(slot) = resource_slot(state, source, resource) else {
        return ResourceState::default();
    };
    let parents = slot
        .get("sluice_parents")
        .and_then(Value::as_object)
        .map(|parents| {
            parents
                .iter()
                .filter_map(|(parent, entries)| Some((parent.clone(), read_entry(entries)?)))
                .collect()
        })
        .unwrap_or_default();
    ResourceState {
        own: slot.get("incremental").and_then(read_entry),
        parents,
    }
}

/// dlt's `{cursor_path: {initial_value, start_value, last_value, unique_hashes}}`. A state
/// Sluice wrote before it kept dlt's hashes also holds a `sluice` copy whose boundary keys the
/// tracker turns into hashes.
fn read_entry(entries: &Value) -> Option<IncrementalState> {
    let (cursor_path, entry) = entries.as_object()?.iter().next()?;
    let value = |key: &str| entry.get(key).cloned().filter(|v| !v.is_null());
    let texts = |value: Option<&Value>| -> Vec<String> {
        value
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    Some(IncrementalState {
        cursor_path: cursor_path.clone(),
        initial_value: value("initial_value"),
        start_value: value("start_value"),
        last_value: value("last_value"),
        unique_hashes: texts(entry.get("unique_hashes")),
        legacy_keys: texts(entry.get("sluice").and_then(|s| s.get("unique_keys"))),
    })
}

fn write_entry(incremental: &IncrementalState) -> Value {
    json!({
        incremental.cursor_path.clone(): {
            "initial_value": incremental.initial_value,
            "start_value": incremental.start_value,
            "last_value": incremental.last_value,
            "unique_hashes": incremental.unique_hashes,
        }
    })
}

/// Stores (or, when empty, clears) a resource's state and bumps the version.
pub fn set_resource_state(state: &mut Value, source: &str, resource: &str, stored: &ResourceState) {
    let root = ensure_object(state);
    let version = root
        .get("_state_version")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    root.insert("_state_version".into(), json!(version + 1));
    let resources = ensure_object(
        ensure_object(
            ensure_object(root.entry("sources").or_insert_with(|| json!({})))
                .entry(source)
                .or_insert_with(|| json!({})),
        )
        .entry("resources")
        .or_insert_with(|| json!({})),
    );
    if stored.is_empty() {
        resources.remove(resource);
        return;
    }
    let slot = ensure_object(resources.entry(resource).or_insert_with(|| json!({})));
    match &stored.own {
        Some(own) => slot.insert("incremental".into(), write_entry(own)),
        None => slot.remove("incremental"),
    };
    if stored.parents.is_empty() {
        slot.remove("sluice_parents");
    } else {
        let parents: BTreeMap<&String, Value> = stored
            .parents
            .iter()
            .map(|(parent, state)| (parent, write_entry(state)))
            .collect();
        slot.insert("sluice_parents".into(), json!(parents));
    }
}

fn ensure_object(value: &mut Value) -> &mut Map<String, Value> {
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    match value {
        Value::Object(map) => map,
        _ => unreachable!("just made an object"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_through_dlt_encoding_in_dlts_layout() {
        let mut state = new_state("p", "p_dataset", "rest_api");
        let stored = IncrementalState {
            cursor_path: "updated_at".into(),
            initial_value: Some(json!("2024-01-01")),
            start_value: None,
            last_value: Some(json!("2024-02-01")),
            unique_hashes: vec!["bSS9f+QMF1lH".into()],
            legacy_keys: Vec::new(),
        };
        let stored = ResourceState {
            own: Some(stored),
            parents: BTreeMap::new(),
        };
        set_resource_state(&mut state, "rest_api", "tickets", &stored);
        let decoded = decode(&encode(&state)).unwrap();
        assert_eq!(decoded["_state_version"], 1);
        assert_eq!(resource_state(&decoded, "rest_api", "tickets"), stored);
        assert_eq!(
            decoded["sources"]["rest_api"]["resources"]["tickets"]["incremental"],
            json!({"updated_at": {"initial_value": "2024-01-01", "start_value": null,
                                  "last_value": "2024-02-01",
                                  "unique_hashes": ["bSS9f+QMF1lH"]}}),
            "exactly dlt's entry, nothing of Sluice's own"
        );
        set_resource_state(&mut state, "rest_api", "tickets", &ResourceState::default());
        assert!(resource_state(&state, "rest_api", "tickets").is_empty());
    }

    #[test]
    fn a_childs_copy_of_its_parents_cursor_sits_beside_dlts_entry() {
        let mut state = new_state("p", "p_dataset", "rest_api");
        let cursor = |last: &str| IncrementalState {
            cursor_path: "updated_at".into(),
            last_value: Some(json!(last)),
            ..IncrementalState::default()
        };
        let stored = ResourceState {
            own: None,
            parents: BTreeMap::from([("issues".to_owned(), cursor("2024-02-01"))]),
        };
        set_resource_state(&mut state, "rest_api", "comments", &stored);
        let decoded = decode(&encode(&state)).unwrap();
        assert_eq!(resource_state(&decoded, "rest_api", "comments"), stored);
        let slot = &decoded["sources"]["rest_api"]["resources"]["comments"];
        assert!(
            slot.get("incremental").is_none(),
            "the child has no cursor of its own"
        );
        assert_eq!(
            slot["sluice_parents"]["issues"]["updated_at"]["last_value"],
            "2024-02-01"
        );
        assert!(resource_state(&decoded, "rest_api", "issues").is_empty());
    }

    /// The value dlt 1.31's `generate_pipeline_state_version_hash` gives for this state.
    #[test]
    fn the_version_hash_is_dlts() {
        let mut state = json!({"_state_version": 3, "_state_engine_version": 4,
                               "pipeline_name": "p", "dataset_name": "p_dataset",
                               "sources": {"rest_api": {"resources": {"t": {"incremental": {
                                   "at": {"last_value": "2024-01-01", "unique_hashes": ["x"]}}}}}},
                               "_local": {"first_run": false}});
        set_version_hash(&mut state);
        assert_eq!(state["_version_hash"], DLT_VERSION_HASH);
        set_version_hash(&mut state);
        assert_eq!(
            state["_version_hash"], DLT_VERSION_HASH,
            "the old hash is not hashed"
        );
    }

    const DLT_VERSION_HASH: &str = "SckmTvdd4fMKioSq8AiEdjB8GQNZ6bO8qzUNiYdY0vE=";

    #[test]
    fn a_state_sluice_wrote_before_dlts_hashes_keeps_its_boundary_keys() {
        let mut state = new_state("p", "p_dataset", "rest_api");
        state["sources"] = json!({"rest_api": {"resources": {"tickets": {"incremental": {
            "at": {"initial_value": null, "start_value": 1, "last_value": 20,
                   "unique_hashes": [],
                   "sluice": {"cursor_path": "at", "initial_value": null, "start_value": 1,
                              "last_value": 20, "unique_keys": ["[3]", "[4]"]}}}}}}});
        let read = resource_state(&state, "rest_api", "tickets")
            .own
            .expect("state");
        assert_eq!(read.legacy_keys, vec!["[3]", "[4]"]);
        assert_eq!(read.last_value, Some(json!(20)));
        assert!(read.unique_hashes.is_empty());
    }
}
