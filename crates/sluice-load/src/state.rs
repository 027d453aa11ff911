//! The pipeline state dlt keeps in `_dlt_pipeline_state`: JSON, zlib-compressed (level 9) and
//! base64-encoded. Sluice keeps each resource's incremental state there, in dlt's layout
//! (`sources.<source>.resources.<resource>.incremental.<cursor_path>`), so the state travels
//! with the data it describes and commits in the same transaction.

use std::io::{Read, Write};

use base64::Engine as _;
use flate2::{read::ZlibDecoder, write::ZlibEncoder, Compression};
use serde_json::{json, Map, Value};
use sluice_engine::IncrementalState;

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

fn incremental_slot<'a>(
    state: &'a Value,
    source: &str,
    resource: &str,
) -> Option<&'a Map<String, Value>> {
    state
        .get("sources")?
        .get(source)?
        .get("resources")?
        .get(resource)?
        .get("incremental")?
        .as_object()
}

/// The incremental state a resource's last load stored, if any.
pub fn incremental(state: &Value, source: &str, resource: &str) -> Option<IncrementalState> {
    let slot = incremental_slot(state, source, resource)?;
    let (cursor_path, entry) = slot.iter().next()?;
    if let Some(sluice) = entry.get("sluice") {
        if let Ok(state) = serde_json::from_value::<IncrementalState>(sluice.clone()) {
            return Some(state);
        }
    }
    // A state dlt wrote: its values without Sluice's boundary keys (dlt stores hashes).
    Some(IncrementalState {
        cursor_path: cursor_path.clone(),
        initial_value: entry.get("initial_value").cloned().filter(|v| !v.is_null()),
        start_value: entry.get("start_value").cloned().filter(|v| !v.is_null()),
        last_value: entry.get("last_value").cloned().filter(|v| !v.is_null()),
        unique_keys: Vec::new(),
    })
}

/// Stores (or, with `None`, clears) a resource's incremental state and bumps the version.
pub fn set_incremental(
    state: &mut Value,
    source: &str,
    resource: &str,
    incremental: Option<&IncrementalState>,
) {
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
    match incremental {
        None => {
            resources.remove(resource);
        }
        Some(incremental) => {
            let entry = json!({
                incremental.cursor_path.clone(): {
                    "initial_value": incremental.initial_value,
                    "start_value": incremental.start_value,
                    "last_value": incremental.last_value,
                    "unique_hashes": [],
                    "sluice": incremental,
                }
            });
            let slot = ensure_object(resources.entry(resource).or_insert_with(|| json!({})));
            slot.insert("incremental".into(), entry);
        }
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
    fn state_round_trips_through_dlt_encoding() {
        let mut state = new_state("p", "p_dataset", "rest_api");
        let stored = IncrementalState {
            cursor_path: "updated_at".into(),
            initial_value: Some(json!("2024-01-01")),
            start_value: None,
            last_value: Some(json!("2024-02-01")),
            unique_keys: vec!["[1]".into()],
        };
        set_incremental(&mut state, "rest_api", "tickets", Some(&stored));
        let decoded = decode(&encode(&state)).unwrap();
        assert_eq!(decoded["_state_version"], 1);
        assert_eq!(
            incremental(&decoded, "rest_api", "tickets").as_ref(),
            Some(&stored)
        );
        assert_eq!(
            decoded["sources"]["rest_api"]["resources"]["tickets"]["incremental"]["updated_at"]
                ["last_value"],
            "2024-02-01"
        );
        set_incremental(&mut state, "rest_api", "tickets", None);
        assert_eq!(incremental(&state, "rest_api", "tickets"), None);
    }
}
