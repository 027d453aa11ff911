//! The Sluice desktop shell. Everything here adapts the engine crates to Tauri: commands, app
//! state and the window. `run()` is what `main` calls; `app_builder` is generic over the runtime
//! so the commands can also be driven by Tauri's mock runtime in tests.

mod commands;
mod demo;
mod editor;
mod error;
mod files;
mod sync;
mod viewer;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use sluice_secrets::SecretStore;
use sluice_store::Store;
use tauri::{Manager, Runtime};

pub use error::{CommandError, CommandResult, ErrorKind};

/// Shared by every command. The store's SQLite connection is not `Sync`, so it sits behind a
/// mutex and is only touched from blocking threads.
pub struct AppState {
    store: Arc<Mutex<Store>>,
    secrets: SecretStore,
    demo: demo::DemoApi,
    /// The app's data folder: its database, and connectors' DuckDB files under `data/`.
    data_dir: PathBuf,
    syncs: sync::Running,
    /// Tests of a resource running now, by connector id, each with what stops it.
    tests: sync::Testing,
    /// The DuckDB files syncs write now: one writer per file, whichever connector names it.
    writers: files::Writers,
    viewer: viewer::ViewerCache,
}

/// The keychain scope of a connector's secrets: its random uid, not its name (renaming keeps the
/// secrets) nor its row id (a fresh profile would reuse it and inherit old secrets). The CLI
/// takes the same `connector-<uid>`.
pub fn secret_scope(connector: &sluice_store::Connector) -> String {
    secret_scope_of(&connector.uid)
}

fn secret_scope_of(uid: &str) -> String {
    format!("connector-{uid}")
}

/// An export that could not be written, at the export's path field; a file that exists is
/// [`ErrorKind::Exists`] so the UI asks before replacing it.
pub(crate) fn export_error(error: sluice_load::Error) -> CommandError {
    let message = with_next_step(&error, error.next_step());
    let kind = match error {
        sluice_load::Error::ExportExists { .. } => ErrorKind::Exists,
        _ => ErrorKind::Invalid,
    };
    CommandError {
        kind,
        message,
        field: Some("exportPath".into()),
    }
}

impl AppState {
    /// The app's database and its journal files: no export may write over them.
    pub(crate) fn own_files(&self) -> Vec<PathBuf> {
        ["sluice.sqlite", "sluice.sqlite-wal", "sluice.sqlite-shm"]
            .iter()
            .map(|name| self.data_dir.join(name))
            .collect()
    }

    pub fn new(store: Store, data_dir: PathBuf) -> Self {
        Self {
            store: Arc::new(Mutex::new(store)),
            secrets: SecretStore::new(),
            demo: demo::DemoApi::default(),
            data_dir,
            syncs: sync::Running::default(),
            tests: sync::Testing::default(),
            writers: files::Writers::default(),
            viewer: viewer::ViewerCache::default(),
        }
    }

    async fn with_store<T, F>(&self, work: F) -> CommandResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> CommandResult<T> + Send + 'static,
    {
        let store = Arc::clone(&self.store);
        blocking(move || {
            let store = store.lock().map_err(|_| {
                CommandError::internal(
                    "the app database is unavailable after an earlier failure; restart Sluice",
                )
            })?;
            work(&store)
        })
        .await?
    }
}

/// Where exports go unless the user picks another file: the Downloads folder, else home.
pub(crate) fn export_folder<R: Runtime>(app: &tauri::AppHandle<R>) -> PathBuf {
    app.path()
        .download_dir()
        .ok()
        .filter(|d| d.is_dir())
        .or_else(|| app.path().home_dir().ok())
        .unwrap_or_else(std::env::temp_dir)
}

/// An error's message followed by what the user can do about it, when there is something.
pub(crate) fn with_next_step(error: &impl std::fmt::Display, step: Option<String>) -> String {
    match step {
        Some(step) => format!("{error}. {step}"),
        None => error.to_string(),
    }
}

/// Runs keychain, SQLite or other blocking work off the async threads.
pub(crate) async fn blocking<T, F>(work: F) -> CommandResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| CommandError::internal(format!("a background task failed: {e}")))
}

/// Where the app keeps its database. `SLUICE_DATA_DIR` overrides the OS's app-data folder so
/// tests and demos can run against a fresh, throwaway profile.
fn data_dir<R: Runtime>(app: &tauri::App<R>) -> Result<PathBuf, Box<dyn std::error::Error>> {
    if let Some(dir) = std::env::var_os("SLUICE_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    Ok(app.path().app_data_dir()?)
}

/// Secrets typed into a config before the raw-document check existed sit in the database as
/// text; each goes to the keychain under its connector's scope, and only then leaves the
/// database. A keychain that is locked or missing leaves them for the next start.
pub fn move_literal_secrets_to_keychain(store: &mut Store, secrets: &SecretStore) {
    let keep = |uid: &str, found: &[sluice_config::FoundSecret]| {
        let scope = secret_scope_of(uid);
        for secret in found {
            let value = sluice_secrets::SecretValue::new(secret.value.clone());
            match secrets.get(&scope, &secret.name) {
                Ok(Some(held)) if held.expose() != value.expose() => {
                    return Err(format!(
                        "the keychain already holds a different `{}`",
                        secret.name
                    ))
                }
                Ok(Some(_)) => {}
                Ok(None) => secrets
                    .set(&scope, &secret.name, &value)
                    .map_err(|e| e.to_string())?,
                Err(e) => return Err(e.to_string()),
            }
        }
        Ok(())
    };
    match store.move_literal_secrets(keep) {
        Ok(sweep) => {
            for (uid, reason) in sweep.left {
                eprintln!(
                    "sluice: secrets typed into connector {uid} stay in its settings for now: {reason}"
                );
            }
        }
        Err(error) => eprintln!("sluice: could not check connectors for typed secrets: {error}"),
    }
}

pub fn app_builder<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .setup(|app| {
            let dir = data_dir(app)?;
            std::fs::create_dir_all(&dir)?;
            let store = Store::open(&dir.join("sluice.sqlite"))?;
            // Runs a killed app left `running` never finished; the history says so.
            store.mark_interrupted_runs()?;
            let mut store = store;
            move_literal_secrets_to_keychain(&mut store, &SecretStore::new());
            app.manage(AppState::new(store, dir));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::list_connectors,
            commands::get_connector,
            commands::dismiss_notice,
            commands::create_connector,
            commands::open_demo_connector,
            commands::import_connector,
            commands::openapi_operations,
            commands::secret_status,
            editor::save_connector_config,
            editor::check_connector_config,
            editor::rename_connector,
            editor::duplicate_connector,
            editor::delete_connector,
            editor::restore_connector,
            editor::connector_versions,
            editor::revert_connector,
            editor::default_export_path,
            editor::export_connector,
            editor::set_connector_secret,
            editor::delete_connector_secret,
            sync::sync_target,
            sync::set_sync_path,
            sync::preview_resource,
            sync::cancel_preview,
            sync::preview_schema,
            sync::start_sync,
            sync::cancel_sync,
            sync::list_runs,
            sync::run_log,
            viewer::data_tables,
            viewer::data_window,
            viewer::data_stop,
            viewer::data_release,
            viewer::data_query,
            viewer::data_export,
            viewer::data_export_folder,
        ])
}

pub fn run() {
    app_builder(tauri::Builder::default())
        .run(tauri::generate_context!())
        .expect("Sluice could not start its window");
}
