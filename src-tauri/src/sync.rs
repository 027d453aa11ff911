//! Trying and running a connector: the test panel's preview of one resource, the schema preview,
//! syncs with live progress and cancel, and the run history. The work itself is in the engine
//! and loader crates; these commands find the connector, its secrets and its DuckDB file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::json;
use sluice_config::{
    ConnectorConfig, ParamBinding, ParamValue, WriteDisposition, WriteDispositionKind,
};
use sluice_engine::{Engine, EngineOptions, Preview, ResourcePreview, StoreSecrets};
use sluice_load::{EngineEvent, SchemaPreview, SyncEvent, SyncOptions, SyncSummary};
use sluice_secrets::Redactor;
use sluice_store::{Connector, Run, RunOutcome, RunStatus};
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;

use crate::error::{CommandError, CommandResult};
use crate::{secret_scope, AppState};

/// Syncs running now, by connector id, each with its cancel flag.
#[derive(Default)]
pub struct Running(Mutex<HashMap<i64, Arc<AtomicBool>>>);

impl Running {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<AtomicBool>>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn is_running(&self, id: i64) -> bool {
        self.lock().contains_key(&id)
    }
}

/// Takes a connector out of the running list when its sync ends, however it ends.
struct RunningGuard<'a> {
    running: &'a Running,
    id: i64,
}

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        self.running.lock().remove(&self.id);
    }
}

/// Where a connector's sync writes.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "app/")]
pub struct SyncTarget {
    /// The DuckDB file, absolute.
    pub db_path: String,
    /// Whether the path is the app's default (the connector sets none).
    pub is_default: bool,
    pub dataset: String,
    pub exists: bool,
    pub running: bool,
    /// The file lies outside the app's data folder and this connector never synced into it: an
    /// imported connector may name any file, so the first sync asks before writing there.
    pub needs_confirmation: bool,
    /// The connector's resources, in order, for picking which to run.
    pub resources: Vec<String>,
    /// How each resource loads, in the same order, for saying what a second sync does.
    pub loading: Vec<ResourceLoading>,
}

/// What decides what a sync does to a resource's rows already loaded.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "app/")]
pub struct ResourceLoading {
    pub resource: String,
    /// After defaults: append (dlt's default), replace, merge or skip.
    pub disposition: WriteDispositionKind,
    /// A primary key or merge key is set.
    pub keyed: bool,
    /// The resource has an incremental cursor.
    pub incremental: bool,
}

/// Whether a sync of connector `id` into `path` must be confirmed first (see
/// [`SyncTarget::needs_confirmation`]).
async fn needs_confirmation(state: &AppState, id: i64, path: &Path) -> CommandResult<bool> {
    let inside =
        crate::files::same_file(path).starts_with(crate::files::same_file(&state.data_dir));
    if inside {
        return Ok(false);
    }
    let shown = path.display().to_string();
    let synced = state
        .with_store(move |store| Ok(store.has_synced_into(id, &shown)?))
        .await?;
    Ok(!synced)
}

pub(crate) async fn connector_and_config(
    state: &AppState,
    id: i64,
) -> CommandResult<(Connector, ConnectorConfig)> {
    let connector = state
        .with_store(move |store| Ok(store.connector(id)?))
        .await?;
    let config = sluice_config::from_value(&connector.config).map_err(|err| {
        let lines: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
        CommandError::invalid(
            "config",
            format!(
                "The connector has problems to fix in the editor first:\n{}",
                lines.join("\n")
            ),
        )
    })?;
    Ok((connector, config))
}

/// The DuckDB file of a connector in the app: the path its config names (relative paths are
/// taken inside the app's data folder, not the app's working directory), else
/// `<data>/data/<pipeline_name>.duckdb`.
pub(crate) fn db_path(data_dir: &Path, config: &ConnectorConfig) -> (PathBuf, bool) {
    let folder = data_dir.join("data");
    match config.sluice.pipeline.duckdb_file.as_deref() {
        Some(path) if Path::new(path).is_absolute() => (PathBuf::from(path), false),
        Some(path) => (folder.join(path), false),
        None => (folder.join(config.effective_duckdb_file()), true),
    }
}

pub(crate) fn dataset(config: &ConnectorConfig) -> String {
    sluice_load::dataset_name(config, None)
}

fn engine(
    state: &AppState,
    connector: &Connector,
    config: ConnectorConfig,
    options: EngineOptions,
) -> CommandResult<Engine> {
    let secrets = StoreSecrets {
        store: state.secrets.clone(),
        connector: secret_scope(connector),
    };
    Engine::new(config, secrets, Redactor::new(), options).map_err(|error| {
        CommandError::invalid("config", crate::with_next_step(&error, error.next_step()))
    })
}

fn preview_options(pages: u32) -> EngineOptions {
    EngineOptions {
        preview: Some(Preview {
            max_pages: Some(pages.clamp(1, 50) as usize),
            ..Preview::default()
        }),
        ..EngineOptions::default()
    }
}

#[tauri::command]
pub async fn sync_target(state: State<'_, AppState>, id: i64) -> CommandResult<SyncTarget> {
    let (_, config) = connector_and_config(&state, id).await?;
    let (path, is_default) = db_path(&state.data_dir, &config);
    let resolved = config.resolved_resources();
    Ok(SyncTarget {
        needs_confirmation: needs_confirmation(&state, id, &path).await?,
        exists: path.exists(),
        db_path: path.display().to_string(),
        is_default,
        dataset: dataset(&config),
        running: state.syncs.is_running(id),
        resources: resolved.iter().map(|r| r.name.clone()).collect(),
        loading: resolved
            .into_iter()
            .map(|r| ResourceLoading {
                disposition: r
                    .settings
                    .write_disposition
                    .as_ref()
                    .map_or(WriteDispositionKind::Append, WriteDisposition::kind),
                keyed: r.settings.primary_key.is_some() || r.settings.merge_key.is_some(),
                incremental: r.endpoint.incremental.is_some()
                    || r.endpoint.params.iter().flatten().any(|(_, value)| {
                        matches!(value, ParamValue::Bound(ParamBinding::Incremental(_)))
                    }),
                resource: r.name,
            })
            .collect(),
    })
}

/// Changes where the connector's sync writes (`None`: back to the app's default). The path is
/// part of the connector (`sluice.pipeline.duckdb_file`), so the exported dlt script writes to
/// the same file.
#[tauri::command]
pub async fn set_sync_path(
    state: State<'_, AppState>,
    id: i64,
    path: Option<String>,
) -> CommandResult<SyncTarget> {
    let path = path.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
    if let Some(path) = &path {
        if !path.ends_with(".duckdb") && !path.ends_with(".db") {
            return Err(CommandError::invalid(
                "dbPath",
                "The file name must end in .duckdb (or .db), for example ~/data/shop.duckdb",
            ));
        }
    }
    let path = path.map(|p| match p.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map(|home| PathBuf::from(home).join(rest).display().to_string())
            .unwrap_or(p),
        None => p,
    });
    let connector = state
        .with_store(move |store| Ok(store.connector(id)?))
        .await?;
    let mut config = connector.config;
    let sluice = config
        .as_object_mut()
        .map(|c| c.entry("sluice").or_insert_with(|| json!({})));
    if let Some(serde_json::Value::Object(sluice)) = sluice {
        let pipeline = sluice.entry("pipeline").or_insert_with(|| json!({}));
        if let serde_json::Value::Object(pipeline) = pipeline {
            match path {
                Some(path) => pipeline.insert("duckdb_file".into(), json!(path)),
                None => pipeline.remove("duckdb_file"),
            };
        }
    }
    state
        .with_store(move |store| {
            store.save_config(id, &config, std::time::Duration::ZERO)?;
            Ok(())
        })
        .await?;
    sync_target(state, id).await
}

/// The test panel: runs one resource in preview mode (a few pages, requests captured and
/// redacted, nothing written).
#[tauri::command]
pub async fn preview_resource(
    state: State<'_, AppState>,
    id: i64,
    resource: String,
    pages: u32,
    on_event: Channel<EngineEvent>,
) -> CommandResult<ResourcePreview> {
    // Registered first, so a Cancel pressed while the connector is read is not lost.
    let stop = state.tests.start(id);
    let prepared = match connector_and_config(&state, id).await {
        Ok((connector, config)) => engine(&state, &connector, config, preview_options(pages)),
        Err(error) => Err(error),
    };
    let engine = match prepared {
        Ok(engine) => engine,
        Err(error) => {
            state.tests.end(id, &stop);
            return Err(error);
        }
    };
    let report = sluice_engine::preview_resource_live(
        &engine,
        &resource,
        |event| {
            let _ = on_event.send(event.clone().into());
        },
        stop.notified(),
    )
    .await;
    state.tests.end(id, &stop);
    Ok(report)
}

/// Stops the connector's running test, if one runs; its report says it was stopped.
#[tauri::command]
pub async fn cancel_preview(state: State<'_, AppState>, id: i64) -> CommandResult<bool> {
    Ok(state.tests.stop(id))
}

/// Tests running now, by connector id: a new test of the same connector replaces the old one's
/// entry, so Cancel stops the newest (the Test tab's, unless the editor's field sampling of a
/// parent started after it).
#[derive(Default)]
pub struct Testing(Mutex<HashMap<i64, Arc<tokio::sync::Notify>>>);

impl Testing {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<tokio::sync::Notify>>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn start(&self, id: i64) -> Arc<tokio::sync::Notify> {
        let stop = Arc::new(tokio::sync::Notify::new());
        self.lock().insert(id, Arc::clone(&stop));
        stop
    }

    fn end(&self, id: i64, stop: &Arc<tokio::sync::Notify>) {
        let mut tests = self.lock();
        if tests.get(&id).is_some_and(|s| Arc::ptr_eq(s, stop)) {
            tests.remove(&id);
        }
    }

    fn stop(&self, id: i64) -> bool {
        match self.lock().get(&id) {
            Some(stop) => {
                // A permit waits for the test if it has not reached its first await yet.
                stop.notify_one();
                true
            }
            None => false,
        }
    }
}

/// What the schema tab shows: the tables a sync would make from preview records, and the
/// resources whose preview failed (their tables are then missing from the preview).
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "app/")]
pub struct SchemaOutcome {
    pub preview: SchemaPreview,
    pub failed: Vec<ResourcePreview>,
    pub db_path: String,
    pub file_exists: bool,
}

#[tauri::command]
pub async fn preview_schema(
    state: State<'_, AppState>,
    id: i64,
    pages: u32,
) -> CommandResult<SchemaOutcome> {
    let (connector, config) = connector_and_config(&state, id).await?;
    let (path, _) = db_path(&state.data_dir, &config);
    let dataset = dataset(&config);
    // Checked before any request: the preview compares with the file, which a running sync
    // (of this connector or another naming the same file) is changing.
    if let Some(writer) = state.writers.writer_of(&path) {
        return Err(CommandError::invalid(
            "sync",
            format!("A sync of “{writer}” is writing this DuckDB file; the schema preview can compare with it once the sync ends."),
        ));
    }
    let names: Vec<String> = config
        .resolved_resources()
        .into_iter()
        .filter(|r| r.settings.selected != Some(false))
        .map(|r| r.name)
        .collect();
    let engine = engine(&state, &connector, config.clone(), preview_options(pages))?;
    let mut records = Vec::new();
    let mut failed = Vec::new();
    for name in names {
        let mut report = sluice_engine::preview_resource(&engine, &name).await;
        if report.error.is_some() {
            failed.push(report);
        } else {
            records.push((name, std::mem::take(&mut report.records)));
        }
    }
    let file_exists = path.exists();
    let shown_path = path.display().to_string();
    let existing = crate::viewer::stored_schema(&state, &path, &dataset).await?;
    crate::blocking(move || {
        let preview = sluice_load::preview_schema(&config, &records, &existing)
            .map_err(|e| CommandError::internal(e.to_string()))?;
        Ok(SchemaOutcome {
            preview,
            failed,
            db_path: shown_path,
            file_exists,
        })
    })
    .await?
}

/// What the Sync tab sends.
#[derive(Debug, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "app/")]
pub struct SyncRequest {
    #[ts(type = "number")]
    pub id: i64,
    /// Resources to run; empty: every selected one.
    pub resources: Vec<String>,
    pub full_refresh: bool,
    /// The file the user agreed to sync into, when the target needed confirming.
    #[ts(optional)]
    pub confirmed_path: Option<String>,
}

/// Runs a sync, streaming its progress through `on_event`, and records it in the run history.
/// Returns the finished run. A failure before anything ran (a missing secret) is a failed run
/// too, so the history shows every attempt.
#[tauri::command]
pub async fn start_sync(
    state: State<'_, AppState>,
    request: SyncRequest,
    on_event: Channel<SyncEvent>,
) -> CommandResult<Run> {
    let id = request.id;
    let (connector, config) = connector_and_config(&state, id).await?;
    let (path, _) = db_path(&state.data_dir, &config);
    let dataset = dataset(&config);
    let shown = path.display().to_string();
    if needs_confirmation(&state, id, &path).await?
        && request.confirmed_path.as_deref() != Some(shown.as_str())
    {
        return Err(CommandError::invalid(
            "dbPath",
            format!("This sync would write to {shown}, outside Sluice's data folder. Confirm the file on the Sync tab first."),
        ));
    }
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut running = state.syncs.lock();
        if running.contains_key(&id) {
            return Err(CommandError::invalid(
                "sync",
                "A sync of this connector is already running.",
            ));
        }
        running.insert(id, Arc::clone(&cancel));
    }
    let _guard = RunningGuard {
        running: &state.syncs,
        id,
    };
    // One writer per file, whichever connector names it; then the viewer's read-only handle
    // (its running query stopped) must be closed before this process opens the file to write.
    let _claim = state
        .writers
        .claim(&path, &connector.name)
        .map_err(|writer| {
            CommandError::invalid(
                "sync",
                format!(
                    "A sync of “{writer}” is writing {} now; run this one when it ends.",
                    path.display()
                ),
            )
        })?;
    state.viewer.release_for_writing(&path).await?;

    let resources = request.resources.clone();
    let (run_path, run_dataset) = (path.display().to_string(), dataset.clone());
    let run_id = state
        .with_store(move |store| Ok(store.start_run(id, &run_path, &run_dataset, &resources)?))
        .await?;

    let mut log = sluice_store::RunLog::new();
    let outcome = match engine(&state, &connector, config, EngineOptions::default()) {
        Err(error) => Err((error.message, None)),
        Ok(engine) => {
            let options = SyncOptions {
                db_path: Some(path),
                dataset: Some(dataset),
                resources: request.resources,
                full_refresh: request.full_refresh,
                memory_limit: None,
                cancel: Some(Arc::clone(&cancel)),
            };
            sluice_load::sync(&engine, &options, |event| {
                if let Some(line) = log_line(&event) {
                    log.push(line);
                }
                // A closed window just stops listening; the sync goes on and is recorded.
                let _ = on_event.send(event);
            })
            .await
            .map_err(|error| (error.to_string(), error.next_step()))
        }
    };

    let (status, rows, summary) = match &outcome {
        Ok(summary) => (
            status_of(summary, &cancel),
            rows_of(summary),
            json!(summary),
        ),
        Err((error, next_step)) => {
            log.push(format!("failed: {error}"));
            (
                RunStatus::Failed,
                0,
                json!({ "error": error, "next_step": next_step, "resources": [] }),
            )
        }
    };
    let log = log.text();
    state
        .with_store(move |store| {
            Ok(store.finish_run(
                run_id,
                &RunOutcome {
                    status,
                    rows,
                    summary: &summary,
                    log: &log,
                },
            )?)
        })
        .await
}

fn status_of(summary: &SyncSummary, cancel: &AtomicBool) -> RunStatus {
    if cancel.load(Ordering::Relaxed) {
        RunStatus::Cancelled
    } else if summary.failed() {
        RunStatus::Failed
    } else {
        RunStatus::Succeeded
    }
}

fn rows_of(summary: &SyncSummary) -> i64 {
    let rows: u64 = summary
        .resources
        .iter()
        .flat_map(|r| r.tables.values())
        .sum();
    i64::try_from(rows).unwrap_or(i64::MAX)
}

/// One line of a run's log. Progress ticks are left out: the summary has the totals.
fn log_line(event: &SyncEvent) -> Option<String> {
    Some(match event {
        SyncEvent::Started {
            db_path,
            dataset,
            resources,
            ..
        } => format!(
            "sync into {db_path} (dataset {dataset}): {}",
            resources.join(", ")
        ),
        SyncEvent::ResourceStarted { resource } => format!("{resource}: started"),
        SyncEvent::Progress { .. } => return None,
        SyncEvent::Engine { event } if event.kind == "page" => return None,
        SyncEvent::Engine { event } => format!("{}: {}", event.resource, event.message),
        SyncEvent::ResourceDone(done) => match &done.error {
            Some(error) => format!("{}: failed: {error}", done.resource),
            None => {
                let line = format!(
                    "{}: {} records, {} rows in {:.1} s",
                    done.resource,
                    done.records,
                    done.tables.values().sum::<u64>(),
                    done.seconds
                );
                match &done.warning {
                    Some(warning) => format!("{line}; warning: {warning}"),
                    None => line,
                }
            }
        },
    })
}

/// Stops a running sync: the resource being loaded rolls back, finished ones stay.
#[tauri::command]
pub async fn cancel_sync(state: State<'_, AppState>, id: i64) -> CommandResult<bool> {
    let running = state.syncs.lock();
    Ok(match running.get(&id) {
        Some(flag) => {
            flag.store(true, Ordering::Relaxed);
            true
        }
        None => false,
    })
}

#[tauri::command]
pub async fn list_runs(state: State<'_, AppState>, id: i64) -> CommandResult<Vec<Run>> {
    state.with_store(move |store| Ok(store.runs(id, 50)?)).await
}

#[tauri::command]
pub async fn run_log(state: State<'_, AppState>, run_id: i64) -> CommandResult<String> {
    state
        .with_store(move |store| Ok(store.run_log(run_id)?))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(value: serde_json::Value) -> ConnectorConfig {
        sluice_config::from_value(&value).expect("valid config")
    }

    #[test]
    fn the_default_file_lives_in_the_app_data_folder_and_relative_paths_too() {
        let data = Path::new("/home/ana/.local/share/sluice");
        let plain = config(json!({
            "client": {"base_url": "https://x.test"}, "resources": ["a"],
            "sluice": {"name": "Shop"}
        }));
        let (path, is_default) = db_path(data, &plain);
        assert!(is_default);
        assert_eq!(path, data.join("data").join(plain.effective_duckdb_file()));

        let relative = config(json!({
            "client": {"base_url": "https://x.test"}, "resources": ["a"],
            "sluice": {"pipeline": {"duckdb_file": "mine/shop.duckdb"}}
        }));
        assert_eq!(
            db_path(data, &relative),
            (data.join("data/mine/shop.duckdb"), false)
        );

        let absolute = config(json!({
            "client": {"base_url": "https://x.test"}, "resources": ["a"],
            "sluice": {"pipeline": {"duckdb_file": "/srv/shop.duckdb"}}
        }));
        assert_eq!(
            db_path(data, &absolute),
            (PathBuf::from("/srv/shop.duckdb"), false)
        );
    }
}
