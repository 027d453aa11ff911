//! The table viewer's commands over `sluice_load::Viewer`. One read-only viewer stays open
//! between calls (opening a file for every scroll window would cost more than the window) while
//! the Data tab is shown; leaving the tab releases it, so a `sluice sync` from a terminal can
//! write the file while the app is open elsewhere.
//!
//! One writer per file (`files.rs`): a sync claims its file, then stops and closes the viewer of
//! it; the viewer checks the claim while it holds its lock, before it opens anything. Either the
//! check sees the claim, or the viewer was open before the sync's close, which then waits for
//! the viewer's lock and closes it: the two never hold the file at once.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use sluice_load::{
    ExportFormat, ExportSource, Interrupter, TableSummary, Viewer, Window, WindowQuery,
};
use tauri::State;
use ts_rs::TS;

use crate::error::{CommandError, CommandResult};
use crate::files::Writers;
use crate::sync::{connector_and_config, dataset, db_path};
use crate::AppState;

/// Why the viewer's running work was stopped, for the message the user gets instead of
/// DuckDB's "Interrupted".
#[derive(Clone, Copy)]
enum Stop {
    /// The Stop button.
    ByUser,
    /// A sync needs the file.
    ForSync,
    /// The Data tab is no longer shown.
    Left,
}

/// The open viewer, if any (which file and dataset it reads), and what stops its work.
#[derive(Default, Clone)]
pub struct ViewerCache {
    open: Arc<Mutex<Option<Viewer>>>,
    /// Reached without `open`'s lock, which the running work holds.
    running: Arc<Mutex<Option<(PathBuf, Interrupter)>>>,
    stopped: Arc<Mutex<Option<Stop>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn being_written(connector: &str) -> CommandError {
    CommandError::invalid(
        "sync",
        format!(
            "A sync of “{connector}” is writing this DuckDB file; the data opens here when it ends."
        ),
    )
}

impl ViewerCache {
    /// Stops the viewer's running work if it reads `path` (any file when `None`).
    fn stop(&self, path: Option<&Path>, why: Stop) {
        if let Some((open, interrupter)) = lock(&self.running).as_ref() {
            if path.is_none_or(|p| p == open) {
                *lock(&self.stopped) = Some(why);
                interrupter.interrupt();
            }
        }
    }

    /// Closes the viewer if it reads `path` (any file when `None`). Waits for its running work,
    /// so call it off the async threads, after `stop`.
    fn close(&self, path: Option<&Path>) {
        let mut open = lock(&self.open);
        if open
            .as_ref()
            .is_some_and(|v| path.is_none_or(|p| v.path() == p))
        {
            self.shut(&mut open);
        }
    }

    /// Drops the open viewer and, with it, what reached its work from outside the lock.
    fn shut(&self, open: &mut Option<Viewer>) {
        *open = None;
        *lock(&self.running) = None;
    }

    /// Hands `path` to a sync: stops what the viewer runs on it and closes it.
    pub async fn release_for_writing(&self, path: &Path) -> CommandResult<()> {
        self.stop(Some(path), Stop::ForSync);
        let (cache, path) = (self.clone(), path.to_owned());
        crate::blocking(move || {
            cache.close(Some(&path));
            Ok(())
        })
        .await?
    }

    /// Runs `work` on a viewer of `path`/`dataset`, opening one if the open viewer reads
    /// another file (or none is open); refused while a sync of this app writes the file.
    fn with<T>(
        &self,
        writers: &Writers,
        path: &Path,
        dataset: &str,
        work: impl FnOnce(&mut Viewer) -> sluice_load::Result<T>,
    ) -> CommandResult<T> {
        let mut open = lock(&self.open);
        if let Some(connector) = writers.writer_of(path) {
            self.shut(&mut open);
            return Err(being_written(&connector));
        }
        let reusable = open
            .as_ref()
            .is_some_and(|v| v.path() == path && v.dataset() == dataset);
        if !reusable {
            self.shut(&mut open);
            let viewer = Viewer::open(path, dataset).map_err(viewer_error)?;
            *lock(&self.running) = Some((path.to_owned(), viewer.interrupter()));
            *open = Some(viewer);
        }
        *lock(&self.stopped) = None;
        let Some(viewer) = open.as_mut() else {
            return Err(CommandError::internal("the viewer could not open the file"));
        };
        work(viewer).map_err(|error| match lock(&self.stopped).take() {
            Some(Stop::ByUser) => CommandError::invalid("sql", "Stopped. Nothing was changed."),
            Some(Stop::ForSync) => CommandError::invalid(
                "sync",
                "Stopped: a sync needs this DuckDB file. Run it again when the sync ends.",
            ),
            Some(Stop::Left) => CommandError::invalid("sql", "Stopped when the Data tab closed."),
            None => viewer_error(error),
        })
    }

    /// The schema stored in `path`, read through the viewer's lock so no sync of this app can
    /// open the file meanwhile. The viewer's own handle of the file is closed first: closing a
    /// second handle would drop the lock of the first (POSIX locks belong to the process).
    fn schema(
        &self,
        writers: &Writers,
        path: &Path,
        dataset: &str,
    ) -> CommandResult<sluice_load::Schema> {
        let mut open = lock(&self.open);
        if let Some(connector) = writers.writer_of(path) {
            return Err(being_written(&connector));
        }
        if open.as_ref().is_some_and(|v| v.path() == path) {
            self.shut(&mut open);
        }
        sluice_load::Destination::open_read_only(path, dataset)
            .and_then(|d| d.schema())
            .map_err(viewer_error)
    }
}

/// The existing schema of `path` for the schema preview; empty before the first sync.
pub(crate) async fn stored_schema(
    state: &AppState,
    path: &Path,
    dataset: &str,
) -> CommandResult<sluice_load::Schema> {
    if !path.exists() {
        return Ok(sluice_load::Schema::default());
    }
    let (cache, writers) = (state.viewer.clone(), state.writers.clone());
    let (path, dataset) = (path.to_owned(), dataset.to_owned());
    crate::blocking(move || cache.schema(&writers, &path, &dataset)).await?
}

fn viewer_error(error: sluice_load::Error) -> CommandError {
    let message = crate::with_next_step(&error, error.next_step());
    match error {
        sluice_load::Error::Query(_) => CommandError::invalid("sql", message),
        sluice_load::Error::Export { .. } | sluice_load::Error::ExportExists { .. } => {
            crate::export_error(error)
        }
        sluice_load::Error::NoColumn { .. } => CommandError::invalid("filter", message),
        sluice_load::Error::InUse { .. } => CommandError::invalid("sync", message),
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

/// The file and dataset of a connector (whether a sync writes them is checked at the open).
async fn target(state: &AppState, id: i64) -> CommandResult<(PathBuf, String)> {
    let (_, config) = connector_and_config(state, id).await?;
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
    let (cache, writers) = (state.viewer.clone(), state.writers.clone());
    let tables = {
        let dataset = dataset.clone();
        crate::blocking(move || {
            // The table list is read fresh each time: a sync may have added tables or rows.
            cache.close(Some(&path));
            cache.with(&writers, &path, &dataset, Viewer::tables)
        })
        .await??
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
    let (cache, writers) = (state.viewer.clone(), state.writers.clone());
    crate::blocking(move || cache.with(&writers, &path, &dataset, |v| v.window(&query))).await?
}

#[tauri::command]
pub async fn data_query(
    state: State<'_, AppState>,
    id: i64,
    sql: String,
    limit: u32,
) -> CommandResult<Window> {
    let (path, dataset) = target(&state, id).await?;
    let (cache, writers) = (state.viewer.clone(), state.writers.clone());
    crate::blocking(move || cache.with(&writers, &path, &dataset, |v| v.query(&sql, limit))).await?
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
    let (cache, writers) = (state.viewer.clone(), state.writers.clone());
    crate::blocking(move || {
        let rows = cache.with(&writers, &db, &dataset, |v| {
            v.export(&source, file.part(), format)
        })?;
        file.commit().map_err(crate::export_error)?;
        Ok(rows)
    })
    .await?
}

/// The Stop button: ends the query or export the Data tab runs now.
#[tauri::command]
pub fn data_stop(state: State<'_, AppState>) {
    state.viewer.stop(None, Stop::ByUser);
}

/// The Data tab is no longer shown: stop its work and let go of the file, so another program
/// (a `sluice sync` in a terminal, the DuckDB CLI) can open it.
#[tauri::command]
pub async fn data_release(state: State<'_, AppState>) -> CommandResult<()> {
    state.viewer.stop(None, Stop::Left);
    let cache = state.viewer.clone();
    crate::blocking(move || {
        cache.close(None);
        Ok(())
    })
    .await?
}

/// Where data exports go unless the user picks another file: the Downloads folder, else home.
#[tauri::command]
pub async fn data_export_folder<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> String {
    crate::export_folder(&app).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// A DuckDB file with dataset `ds` and a table `t` of five rows.
    fn file(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sluice-viewer-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("shop.duckdb");
        let _ = std::fs::remove_file(&path);
        let conn = duckdb::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE SCHEMA ds; CREATE TABLE ds.t AS SELECT range AS id FROM range(5);",
        )
        .unwrap();
        path
    }

    const LONG: &str = "SELECT count(*) FROM range(100000000000) a WHERE a.range % 7 = 3";

    #[test]
    fn a_sync_stops_the_viewers_long_query_and_the_viewer_stays_shut_until_it_ends() {
        let path = file("sync");
        let (cache, writers) = (ViewerCache::default(), Writers::default());
        let query = {
            let (cache, writers, path) = (cache.clone(), writers.clone(), path.clone());
            std::thread::spawn(move || {
                let started = Instant::now();
                let outcome = cache.with(&writers, &path, "ds", |v| v.query(LONG, 10));
                (outcome.map(|_| ()), started.elapsed())
            })
        };
        std::thread::sleep(Duration::from_millis(300));
        // What start_sync does: claim the file, then take it from the viewer.
        let claim = writers.claim(&path, "Shop").expect("free");
        tauri::async_runtime::block_on(cache.release_for_writing(&path)).unwrap();
        let (outcome, took) = query.join().unwrap();
        let error = outcome.expect_err("the query was stopped");
        assert_eq!(
            error.message,
            "Stopped: a sync needs this DuckDB file. Run it again when the sync ends."
        );
        assert!(took < Duration::from_secs(5), "stopped after {took:?}");
        assert!(lock(&cache.open).is_none(), "the viewer let go of the file");

        let refused = cache
            .with(&writers, &path, "ds", |v| v.query("FROM t", 10))
            .map(|_| ())
            .expect_err("refused while the sync writes");
        assert_eq!(
            refused.message,
            "A sync of “Shop” is writing this DuckDB file; the data opens here when it ends."
        );
        assert!(lock(&cache.open).is_none(), "nothing was opened");
        assert!(cache.schema(&writers, &path, "ds").is_err());

        drop(claim);
        let rows = cache
            .with(&writers, &path, "ds", |v| {
                v.query("SELECT count(*) FROM t", 10)
            })
            .expect("reads again after the sync");
        assert_eq!(rows.rows[0][0].as_deref(), Some("5"));
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn stop_ends_the_running_query_with_a_plain_message() {
        let path = file("stop");
        let (cache, writers) = (ViewerCache::default(), Writers::default());
        // Open first, so the stop has a viewer to reach.
        cache
            .with(&writers, &path, "ds", |v| v.query("FROM t", 10))
            .unwrap();
        let stopper = {
            let cache = cache.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(300));
                cache.stop(None, Stop::ByUser);
            })
        };
        let error = cache
            .with(&writers, &path, "ds", |v| v.query(LONG, 10))
            .map(|_| ())
            .expect_err("stopped");
        stopper.join().unwrap();
        assert_eq!(error.message, "Stopped. Nothing was changed.");
        // The next query is not taken for a stopped one.
        let rows = cache
            .with(&writers, &path, "ds", |v| {
                v.query("SELECT count(*) FROM t", 10)
            })
            .unwrap();
        assert_eq!(rows.rows[0][0].as_deref(), Some("5"));
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }
}
