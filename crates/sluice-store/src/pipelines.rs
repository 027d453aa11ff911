//! Every connector has a pipeline name of its own. dlt names a pipeline's default DuckDB file
//! (`<pipeline_name>.duckdb`), its dataset (`<pipeline_name>_dataset`) and its state rows after
//! it, so two connectors with one pipeline name sync into one file: one's replace drops the
//! other's tables and one resumes from the other's incremental cursor. The store is the one place
//! that sees every connector, so it gives each a free name when it is created and keeps it on
//! every later write.

use std::collections::HashSet;

use rusqlite::{params, Connection};
use serde_json::Value;
use sluice_config::{pipeline_name_for, pipeline_name_of};

use crate::{Error, Result};

/// The pipeline name a document sets itself (`sluice.pipeline.pipeline_name`), if any.
pub(crate) fn explicit_pipeline_name(config: &Value) -> Option<&str> {
    config
        .get("sluice")?
        .get("pipeline")?
        .get("pipeline_name")?
        .as_str()
}

/// Writes `sluice.pipeline.pipeline_name`, making the objects on the way. A document whose
/// `sluice` or `pipeline` is not an object is left as it is: the editor shows that problem.
fn set_pipeline_name(config: &mut Value, name: &str) {
    let Some(root) = config.as_object_mut() else {
        return;
    };
    let sluice = root
        .entry("sluice")
        .or_insert_with(|| Value::Object(Default::default()));
    let Some(sluice) = sluice.as_object_mut() else {
        return;
    };
    let pipeline = sluice
        .entry("pipeline")
        .or_insert_with(|| Value::Object(Default::default()));
    if let Some(pipeline) = pipeline.as_object_mut() {
        pipeline.insert("pipeline_name".to_owned(), Value::String(name.to_owned()));
    }
}

/// Whether the document names its DuckDB file itself (then the pipeline name does not pick it).
fn names_its_file(config: &Value) -> bool {
    config
        .get("sluice")
        .and_then(|s| s.get("pipeline"))
        .and_then(|p| p.get("duckdb_file"))
        .is_some_and(|f| !f.is_null())
}

/// `base`, else `base_2`, `base_3`, ...: the first that no other connector uses.
fn free_name(base: &str, taken: &HashSet<String>) -> String {
    (1..)
        .map(|n| {
            if n == 1 {
                base.to_owned()
            } else {
                format!("{base}_{n}")
            }
        })
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| base.to_owned())
}

/// The pipeline names of every connector but `except`, deleted ones included: a deleted
/// connector can be restored with its data.
fn names_in_use(conn: &Connection, except: Option<i64>) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare("SELECT id, config FROM connectors")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut names = HashSet::new();
    for row in rows {
        let (id, config) = row?;
        if Some(id) != except {
            names.insert(pipeline_name_of(&serde_json::from_str::<Value>(&config)?));
        }
    }
    Ok(names)
}

/// The name of the connector that uses `pipeline_name`, for the message that says so.
fn user_of(conn: &Connection, except: i64, pipeline_name: &str) -> Result<String> {
    let mut stmt = conn.prepare("SELECT id, name, config FROM connectors ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (id, name, config) = row?;
        if id != except
            && pipeline_name_of(&serde_json::from_str::<Value>(&config)?) == pipeline_name
        {
            return Ok(name);
        }
    }
    Ok(String::new())
}

/// A new connector's document with a pipeline name no other connector has: the one it names
/// when that is free (an imported dlt script keeps its own), else one made from the display name.
pub(crate) fn for_new_connector(
    conn: &Connection,
    display_name: &str,
    config: &Value,
) -> Result<Value> {
    let taken = names_in_use(conn, None)?;
    let mut config = config.clone();
    let name = match explicit_pipeline_name(&config) {
        Some(own) if !taken.contains(own) => return Ok(config),
        Some(own) => free_name(own, &taken),
        None => free_name(&pipeline_name_for(display_name), &taken),
    };
    set_pipeline_name(&mut config, &name);
    Ok(config)
}

/// A saved connector's new document keeps its pipeline name: one the document leaves out (a
/// config pasted into the JSON tab, an old version brought back) is the connector's current one,
/// and one the user changes must be free.
pub(crate) fn for_update(
    conn: &Connection,
    id: i64,
    current: &Value,
    config: &Value,
) -> Result<Value> {
    let current_name = pipeline_name_of(current);
    let mut config = config.clone();
    match explicit_pipeline_name(&config) {
        None => set_pipeline_name(&mut config, &current_name),
        Some(name) if name == current_name => {}
        Some(name) => {
            if names_in_use(conn, Some(id))?.contains(name) {
                return Err(Error::PipelineNameTaken {
                    name: name.to_owned(),
                    connector: user_of(conn, id, name)?,
                });
            }
        }
    }
    Ok(config)
}

/// Migration 003: app databases made before connectors had pipeline names of their own, where
/// every connector made with "Create a connector", every duplicate and every repeated import
/// synced into `<data>/data/rest_api.duckdb`. Of the connectors that shared a default file, the
/// oldest keeps it; each other one gets a file of its own and a notice saying so, shown once.
/// Every connector's name is then written into its document, so it never changes by accident.
pub(crate) fn give_each_connector_its_own(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    let mut stmt = tx.prepare("SELECT id, name, config FROM connectors ORDER BY id")?;
    let connectors = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    drop(stmt);

    let mut documents = Vec::with_capacity(connectors.len());
    for (id, name, config) in connectors {
        documents.push((id, name, serde_json::from_str::<Value>(&config)?));
    }
    // Names that stay: every explicit one, and the first default-file user of each other name.
    let mut taken: HashSet<String> = HashSet::new();
    // The default file each pipeline name belonged to, and which connector kept it.
    let mut keeper: std::collections::HashMap<String, String> = Default::default();
    let mut moved = Vec::new();
    for (index, (_, display, config)) in documents.iter().enumerate() {
        let name = pipeline_name_of(config);
        let shares = !names_its_file(config) && keeper.contains_key(&name);
        if shares {
            moved.push(index);
        } else {
            taken.insert(name.clone());
            if !names_its_file(config) {
                keeper.insert(name, display.clone());
            }
        }
    }
    for index in moved {
        let (_, display, config) = &mut documents[index];
        let old = pipeline_name_of(config);
        let new = free_name(&pipeline_name_for(display), &taken);
        taken.insert(new.clone());
        set_pipeline_name(config, &new);
        let notice = format!(
            "This connector used to sync into {old}.duckdb, a file it shared with \
             “{kept}”. It now syncs into a file of its own, {new}.duckdb. What it loaded before \
             stays in {old}.duckdb, which “{kept}” keeps.",
            kept = keeper.get(&old).map_or("another connector", String::as_str),
        );
        tx.execute(
            "UPDATE connectors SET notice = ?2 WHERE id = ?1",
            params![documents[index].0, notice],
        )?;
    }
    for (id, _, config) in &mut documents {
        if explicit_pipeline_name(config).is_none() {
            let name = pipeline_name_of(config);
            set_pipeline_name(config, &name);
        }
        tx.execute(
            "UPDATE connectors SET config = ?2 WHERE id = ?1",
            params![*id, serde_json::to_string(config)?],
        )?;
    }
    Ok(())
}
