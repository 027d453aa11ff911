//! The table viewer's commands over `sluice_load::Viewer`. One read-only viewer stays open
//! between calls (opening a file for every scroll window would cost more than the window); a
//! sync of the same file closes it first, since this process must not hold the file read-only
//! while it writes it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use sluice_load::{ExportFormat, ExportSource, TableSummary, Viewer, Window, WindowQuery};
use tauri::State;
use ts_rs::TS;

use crate::error::{CommandError, CommandResult};
use crate::sync::{connector_and_config, dataset, db_path};
use crate::AppState;

/// The open viewer, if any: which file and dataset it reads.
#[derive(Default, Clone)]
pub struct ViewerCache(Arc<Mutex<Option<Viewer>>>);

impl ViewerCache {
    /// Closes the viewer if it reads `path`.
    pub fn close_path(&self, path: &Path) {
        let mut open = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if open.as_ref().is_some_and(|v| v.path() == path) {
            *open = None;
        }
    }

    /// Runs `work` on a viewer of `path`/`dataset`, opening one if the open viewer reads
    /// another file (or none is open).
    fn with<T>(
        &self,
        path: &Path,
        dataset: &str,
        work: impl FnOnce(&mut Viewer) -> sluice_load::Result<T>,
    ) -> CommandResult<T> {
        let mut open = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let reusable = open
            .as_ref()
            .is_some_and(|v| v.path() == path && v.dataset() == dataset);
        if !reusable {
            *open = None;
            *open = Some(Viewer::open(path, dataset).map_err(viewer_error)?);
        }
        match open.as_mut() {
            Some(viewer) => work(viewer).map_err(viewer_error),
            None => Err(CommandError::internal("the viewer could not open the file")),
        }
    }
}

fn viewer_error(error: sluice_load::Error) -> CommandError {
    let message = crate::with_next_step(&error, error.next_step());
    match error {
        sluice_load::Error::Query(_) => CommandError::invalid("sql", message),
        sluice_load::Error::Export { .. } | sluice_load::Error::ExportExists { .. } => {
            crate::export_error(error)
        }
        sluice_load::Error::NoColumn { .. } => CommandError::invalid("filter", message),
        _ => CommandError::internal(message),
    }
}

/// What the Data tab lists.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "app/")]
pub struct DataTables {
    pub db_path: String,
    pub dataset: String,
    /// `false` before the first sync: the file does not exist yet.
    pub exists: bool,
    pub tables: Vec<TableSummary>,
}

/// The file and dataset of a connector, refusing while a sync writes them.
async fn target(state: &AppState, id: i64) -> CommandResult<(PathBuf, String)> {
    let (_, config) = connector_and_config(state, id).await?;
    if state.syncs.is_running(id) {
        return Err(CommandError::invalid(
            "sync",
            "A sync is writing this connector's DuckDB file; the data opens here when it ends.",
        ));
    }
    let (path, _) = db_path(&state.data_dir, &config);
    Ok((path, dataset(&config)))
}

#[tauri::command]
pub async fn data_tables(state: State<'_, AppState>, id: i64) -> CommandResult<DataTables> {
    let (path, dataset) = target(&state, id).await?;
    let shown = path.display().to_string();
    if !path.exists() {
        return Ok(DataTables {
            db_path: shown,
            dataset,
            exists: false,
            tables: Vec::new(),
        });
    }
    let cache = state.viewer.clone();
    // The table list is read fresh each time: a sync may have added tables or rows.
    cache.close_path(&path);
    let tables = {
        let dataset = dataset.clone();
        crate::blocking(move || cache.with(&path, &dataset, Viewer::tables)).await??
    };
    Ok(DataTables {
        db_path: shown,
        dataset,
        exists: true,
        tables,
    })
}

#[tauri::command]
pub async fn data_window(
    state: State<'_, AppState>,
    id: i64,
    query: WindowQuery,
) -> CommandResult<Window> {
    let (path, dataset) = target(&state, id).await?;
    let cache = state.viewer.clone();
    crate::blocking(move || cache.with(&path, &dataset, |v| v.window(&query))).await?
}

#[tauri::command]
pub async fn data_query(
    state: State<'_, AppState>,
    id: i64,
    sql: String,
    limit: u32,
) -> CommandResult<Window> {
    let (path, dataset) = target(&state, id).await?;
    let cache = state.viewer.clone();
    crate::blocking(move || cache.with(&path, &dataset, |v| v.query(&sql, limit))).await?
}

/// Writes a table (with the grid's sort and filters) or a query's result to a CSV or Parquet
/// file; returns the rows written.
#[tauri::command]
pub async fn data_export(
    state: State<'_, AppState>,
    id: i64,
    source: ExportSource,
    path: String,
    format: ExportFormat,
    replace: bool,
) -> CommandResult<u64> {
    let target_file = PathBuf::from(path.trim());
    if target_file.as_os_str().is_empty() || !target_file.is_absolute() {
        return Err(CommandError::invalid(
            "exportPath",
            "Give the full path of the file to write, for example /home/you/Downloads/tickets.csv",
        ));
    }
    let (db, dataset) = target(&state, id).await?;
    let mut protected = state.own_files();
    protected.push(db.clone());
    let file = sluice_load::export_file::prepare(&target_file, replace, &protected)
        .map_err(crate::export_error)?;
    let cache = state.viewer.clone();
    crate::blocking(move || {
        let rows = cache.with(&db, &dataset, |v| v.export(&source, file.part(), format))?;
        file.commit().map_err(crate::export_error)?;
        Ok(rows)
    })
    .await?
}

/// Where data exports go unless the user picks another file: the Downloads folder, else home.
#[tauri::command]
pub async fn data_export_folder<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> String {
    crate::export_folder(&app).display().to_string()
}
