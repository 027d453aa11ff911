//! The editor's commands: save a connector's config (returning every validation problem so the
//! forms can put each message next to its field), rename, duplicate, delete and restore, the saved
//! versions and revert, export to a file, and a connector's secrets in the keychain.
//!
//! Each command is a thin adapter over `sluice-store`, `sluice-config` and `sluice-secrets`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sluice_config::{Destination, ExportFormat, Problem, ProblemKind};
use sluice_secrets::SecretValue;
use sluice_store::{Connector, ConnectorSummary, ConnectorVersion};
use tauri::{Runtime, State};
use ts_rs::TS;

use crate::error::{CommandError, CommandResult};
use crate::{secret_scope, AppState};

/// Edits made within this long of the previous autosave continue the same saved version, so a
/// minute of typing is one entry in the History tab rather than one per pause.
const CONTINUE_EDIT_WITHIN: Duration = Duration::from_secs(60);

/// The outcome of saving a connector's config from the editor.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "app/")]
pub struct SaveOutcome {
    /// False when the config was refused because it holds a secret value, or when a newer save
    /// of the same connector was already written (`superseded`); nothing was written then.
    pub saved: bool,
    /// A save the editor sent later was written first: this one is older and was dropped.
    pub superseded: bool,
    pub connector: ConnectorSummary,
    /// Everything still wrong with the config, each with the path of its field.
    pub problems: Vec<Problem>,
    /// The number of the version now holding the config; absent when nothing changed.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
}

/// Saves the config the editor holds (autosave), valid or not: a half-filled form is still the
/// user's work. A config holding a secret value is the one thing never saved.
///
/// The editor sends every change at once without waiting for the previous save, so a window closed
/// right after a keystroke still gets it; commands may then run out of order. `seq` (increasing
/// per editor, microseconds since the epoch) lets the newest document win: a save older than the
/// last one written for that connector is dropped. A save without `seq` is always written.
#[tauri::command]
pub async fn save_connector_config(
    state: State<'_, AppState>,
    id: i64,
    config: serde_json::Value,
    seq: Option<u64>,
) -> CommandResult<SaveOutcome> {
    state
        .with_store(move |store| {
            // Checked and recorded under the store's lock, so no other save runs in between.
            // Saves from elsewhere (the test panel adopting a detection) carry no number.
            if seq.is_some_and(|seq| !newest_save(id, seq)) {
                return Ok(SaveOutcome {
                    saved: false,
                    superseded: true,
                    connector: store.connector(id)?.summary(),
                    problems: Vec::new(),
                    version: None,
                });
            }
            save_config(store, id, &config)
        })
        .await
}

/// The newest `seq` written per connector, for [`save_connector_config`].
static LAST_SAVE: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<i64, u64>>> =
    std::sync::LazyLock::new(Default::default);

/// Records `seq` for the connector and says whether it is newer than every save before it.
fn newest_save(id: i64, seq: u64) -> bool {
    let mut last = LAST_SAVE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let newest = last.get(&id).is_none_or(|&before| seq > before);
    if newest {
        last.insert(id, seq);
    }
    newest
}

fn save_config(
    store: &sluice_store::Store,
    id: i64,
    config: &serde_json::Value,
) -> CommandResult<SaveOutcome> {
    if !config.is_object() {
        return Err(CommandError::invalid(
            "config",
            "A connector is a JSON object with client and resources",
        ));
    }
    let mut problems = sluice_config::check_value(config);
    // Nothing is written, and the problems say why at their fields.
    let refused = |problems: Vec<Problem>| -> CommandResult<SaveOutcome> {
        Ok(SaveOutcome {
            saved: false,
            superseded: false,
            connector: store.connector(id)?.summary(),
            problems,
            version: None,
        })
    };
    if problems.iter().any(|p| p.kind == ProblemKind::SecretValue) {
        return refused(problems);
    }
    let saved = match store.save_config(id, config, CONTINUE_EDIT_WITHIN) {
        // Another connector's pipeline name would share its DuckDB file: a problem at the field,
        // like a secret value, and the rest of the work is kept by the next save.
        Err(err @ sluice_store::Error::PipelineNameTaken { .. }) => {
            problems.push(Problem::new(
                "sluice.pipeline.pipeline_name",
                ProblemKind::Duplicate,
                err.to_string(),
            ));
            return refused(problems);
        }
        other => other?,
    };
    Ok(SaveOutcome {
        saved: true,
        superseded: false,
        connector: saved.connector.summary(),
        problems,
        version: saved.version.map(|v| v.number),
    })
}

/// Every problem of a config, without saving it (the raw JSON view checks as the user types).
#[tauri::command]
pub fn check_connector_config(config: serde_json::Value) -> Vec<Problem> {
    sluice_config::check_value(&config)
}

#[tauri::command]
pub async fn rename_connector(
    state: State<'_, AppState>,
    id: i64,
    name: String,
) -> CommandResult<ConnectorSummary> {
    state
        .with_store(move |store| Ok(store.rename_connector(id, &name)?.summary()))
        .await
}

/// The outcome of duplicating a connector.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "app/")]
pub struct Duplicated {
    pub connector: ConnectorSummary,
    /// Set when the original's secrets could not be copied to the copy's keychain entries.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keychain_problem: Option<String>,
}

/// Copies a connector under a free "(copy)" name, with its own uid, and copies the secrets it
/// refers to into the copy's keychain scope so the copy runs as the original does.
#[tauri::command]
pub async fn duplicate_connector(state: State<'_, AppState>, id: i64) -> CommandResult<Duplicated> {
    let (original, copy) = state
        .with_store(move |store| Ok((store.connector(id)?, store.duplicate_connector(id)?)))
        .await?;
    let secrets = state.secrets.clone();
    let (from, to) = (secret_scope(&original), secret_scope(&copy));
    let names = sluice_secrets::secret_references(&original.config);
    let copied = crate::blocking(move || {
        names
            .iter()
            .try_for_each(|name| match secrets.get(&from, name)? {
                Some(value) => secrets.set(&to, name, &value),
                None => Ok(()),
            })
    })
    .await?;
    Ok(Duplicated {
        connector: copy.summary(),
        keychain_problem: copied.err().map(|e| e.to_string()),
    })
}

/// Hides a connector from the list. Its keychain secrets stay, so an undo gets it back whole.
#[tauri::command]
pub async fn delete_connector(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    state
        .with_store(move |store| Ok(store.delete_connector(id)?))
        .await
}

/// The undo of [`delete_connector`].
#[tauri::command]
pub async fn restore_connector(
    state: State<'_, AppState>,
    id: i64,
) -> CommandResult<ConnectorSummary> {
    state
        .with_store(move |store| Ok(store.restore_connector(id)?.summary()))
        .await
}

/// A connector's saved versions, newest first.
#[tauri::command]
pub async fn connector_versions(
    state: State<'_, AppState>,
    id: i64,
) -> CommandResult<Vec<ConnectorVersion>> {
    state.with_store(move |store| Ok(store.versions(id)?)).await
}

/// Makes a saved version's config the current one (saved as a new version).
#[tauri::command]
pub async fn revert_connector(
    state: State<'_, AppState>,
    id: i64,
    version_id: i64,
) -> CommandResult<Connector> {
    state
        .with_store(move |store| Ok(store.revert_to_version(id, version_id)?))
        .await
}

/// Where an export goes unless the user picks another file: the Downloads folder (else the home
/// folder) and a file name made from the connector's name.
#[tauri::command]
pub async fn default_export_path<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    id: i64,
    format: ExportFormat,
) -> CommandResult<String> {
    let connector = state
        .with_store(move |store| Ok(store.connector(id)?))
        .await?;
    Ok(crate::export_folder(&app)
        .join(export_file_name(&connector.name, format))
        .to_string_lossy()
        .into_owned())
}

fn export_file_name(connector_name: &str, format: ExportFormat) -> String {
    // A file name safe on every OS: lower-case letters and digits joined by `_`.
    let stem = connector_name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("_");
    let stem = if stem.is_empty() {
        "connector".to_owned()
    } else {
        stem
    };
    match format {
        ExportFormat::Dlt => format!("{stem}_pipeline.py"),
        ExportFormat::Json => format!("{stem}.json"),
        ExportFormat::Yaml => format!("{stem}.yaml"),
        ExportFormat::SecretsToml => format!("{stem}.secrets.toml"),
        ExportFormat::ConfigToml => format!("{stem}.config.toml"),
    }
}

/// What the export dialog sends.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "app/")]
pub struct ExportRequest {
    #[ts(type = "number")]
    pub id: i64,
    pub format: ExportFormat,
    /// Where the dlt script and its `secrets.toml` load; DuckDB when absent.
    #[serde(default)]
    #[ts(optional, as = "Option<Destination>")]
    pub destination: Destination,
    /// The file to write.
    pub path: String,
    /// The user agreed to replace the file if it exists; without it an existing file is an
    /// `exists` error, so the UI can ask.
    #[serde(default)]
    #[ts(optional, as = "Option<bool>")]
    pub replace: bool,
}

/// Writes the connector in `format` to the file the user picked. Only a config with no problems
/// exports: the script and documents must run as written. The connector's name in the app is
/// its display name in the export. Secret values are never read: the config holds references.
#[tauri::command]
pub async fn export_connector(
    state: State<'_, AppState>,
    request: ExportRequest,
) -> CommandResult<String> {
    let connector = state
        .with_store(move |store| Ok(store.connector(request.id)?))
        .await?;
    let app_files = state.own_files();
    let data_dir = state.data_dir.clone();
    crate::blocking(move || {
        let target = Target {
            path: PathBuf::from(&request.path),
            replace: request.replace,
            app_files,
            data_dir,
        };
        export_to(&connector, request.format, request.destination, &target)
    })
    .await?
}

/// Where an export goes, and what it may not overwrite.
struct Target {
    path: PathBuf,
    replace: bool,
    /// The app's database files.
    app_files: Vec<PathBuf>,
    data_dir: PathBuf,
}

fn export_to(
    connector: &Connector,
    format: ExportFormat,
    destination: Destination,
    target: &Target,
) -> CommandResult<String> {
    let mut config = sluice_config::from_value(&connector.config).map_err(|err| {
        let lines: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
        CommandError::invalid(
            "export",
            format!(
                "Fix these first; a connector exports once nothing is wrong with it:\n{}",
                lines.join("\n")
            ),
        )
    })?;
    config.sluice.name = Some(connector.name.clone());
    let text = sluice_config::export(&config, format, destination)
        .map_err(|e| CommandError::internal(format!("the export could not be written: {e}")))?;
    let path = expand_home(&target.path);
    if path.as_os_str().is_empty() {
        return Err(CommandError::invalid(
            "exportPath",
            "Give the path of a file to write, for example ~/Downloads/connector.json",
        ));
    }
    let mut protected = target.app_files.clone();
    protected.push(crate::sync::db_path(&target.data_dir, &config).0);
    let file = sluice_load::export_file::prepare(&path, target.replace, &protected)
        .map_err(crate::export_error)?;
    std::fs::write(file.part(), text).map_err(|e| {
        CommandError::invalid("exportPath", format!("The file could not be written: {e}"))
    })?;
    let written = file.commit().map_err(crate::export_error)?;
    Ok(written.to_string_lossy().into_owned())
}

/// `~/x` means the home folder, as people type it.
fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => path.to_owned(),
    }
}

/// Stores a secret's value in the keychain under the connector's scope. The value goes nowhere
/// else: not the config, the store, a log or an answer.
#[tauri::command]
pub async fn set_connector_secret(
    state: State<'_, AppState>,
    id: i64,
    name: String,
    value: String,
) -> CommandResult<()> {
    let value = SecretValue::new(value);
    if value.is_empty() {
        return Err(CommandError::invalid(
            &format!("secret:{name}"),
            "Type the value to store first",
        ));
    }
    check_secret_name(&name)?;
    let connector = state
        .with_store(move |store| Ok(store.connector(id)?))
        .await?;
    let secrets = state.secrets.clone();
    let scope = secret_scope(&connector);
    Ok(crate::blocking(move || secrets.set(&scope, &name, &value)).await??)
}

/// Removes a secret's value from the keychain. Returns whether there was one.
#[tauri::command]
pub async fn delete_connector_secret(
    state: State<'_, AppState>,
    id: i64,
    name: String,
) -> CommandResult<bool> {
    check_secret_name(&name)?;
    let connector = state
        .with_store(move |store| Ok(store.connector(id)?))
        .await?;
    let secrets = state.secrets.clone();
    let scope = secret_scope(&connector);
    Ok(crate::blocking(move || secrets.delete(&scope, &name)).await??)
}

/// The names `{"$secret": ...}` accepts: letters, digits, `_`, `-` and `.`, not at the ends.
fn check_secret_name(name: &str) -> CommandResult<()> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let edges_ok = edge_ok(name.chars().next()) && edge_ok(name.chars().last());
    if !name.is_empty() && name.chars().all(ok_char) && edges_ok {
        Ok(())
    } else {
        Err(CommandError::invalid(
            &format!("secret:{name}"),
            "A secret's name may hold letters, digits, _, - and . (not at the ends)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sluice_store::Store;

    fn store_with(config: serde_json::Value) -> (Store, Connector) {
        let store = Store::open_in_memory().unwrap();
        let connector = store.create_connector("Sales CRM", &config, false).unwrap();
        (store, connector)
    }

    #[test]
    fn saving_returns_problems_with_their_field_paths_and_keeps_the_work() {
        let (store, crm) =
            store_with(json!({"client": {"base_url": "https://a"}, "resources": []}));
        let half_done = json!({
            "client": {"base_url": "https://a"},
            "resources": [{"name": "r", "endpoint": {"paginator": {"type": "offset"}}}]
        });
        let outcome = save_config(&store, crm.id, &half_done).unwrap();
        assert!(outcome.saved);
        assert_eq!(outcome.version, Some(2));
        let paths: Vec<&str> = outcome.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["resources[0].endpoint.paginator.limit"]);
        // The work as typed, with the connector's own pipeline name kept beside it.
        let mut kept = half_done.clone();
        kept["sluice"] = json!({"pipeline": {"pipeline_name": "sales_crm"}});
        assert_eq!(store.connector(crm.id).unwrap().config, kept);
    }

    #[test]
    fn a_config_holding_a_secret_value_is_never_saved() {
        let (store, crm) =
            store_with(json!({"client": {"base_url": "https://a"}, "resources": ["r"]}));
        let leaky = json!({
            "client": {"base_url": "https://a", "auth": {"type": "bearer", "token": "hunter2"}},
            "resources": ["r"]
        });
        let outcome = save_config(&store, crm.id, &leaky).unwrap();
        assert!(!outcome.saved);
        assert!(outcome
            .problems
            .iter()
            .any(|p| p.path == "client.auth.token" && p.kind == ProblemKind::SecretValue));
        let saved = store.connector(crm.id).unwrap().config.to_string();
        assert!(!saved.contains("hunter2"));
        assert!(store
            .versions(crm.id)
            .unwrap()
            .iter()
            .all(|v| !v.config.to_string().contains("hunter2")));
    }

    #[test]
    fn export_writes_the_file_with_the_app_name_and_refuses_a_broken_config() {
        let dir = tempfile_dir();
        let (store, crm) = store_with(json!({
            "client": {"base_url": "https://a", "auth": {"type": "bearer", "token": {"$secret": "token"}}},
            "resources": ["posts"]
        }));
        let target = |path: &str, replace: bool| Target {
            path: dir.join(path),
            replace,
            app_files: vec![dir.join("sluice.sqlite")],
            data_dir: dir.clone(),
        };
        let path = dir.join("crm.json");
        let written = export_to(
            &crm,
            ExportFormat::Json,
            Destination::Duckdb,
            &target("crm.json", false),
        )
        .unwrap();
        assert_eq!(written, path.to_string_lossy());
        let exported: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(exported["sluice"]["name"], "Sales CRM");
        assert_eq!(
            exported["client"]["auth"]["token"],
            json!({"$secret": "token"})
        );

        let missing_dir = export_to(
            &crm,
            ExportFormat::Json,
            Destination::Duckdb,
            &target("nope/crm.json", false),
        );
        assert_eq!(
            missing_dir.unwrap_err().field.as_deref(),
            Some("exportPath")
        );

        // A second export to the same file asks first, and replaces it when told to.
        let again = export_to(
            &crm,
            ExportFormat::Yaml,
            Destination::Duckdb,
            &target("crm.json", false),
        )
        .unwrap_err();
        assert_eq!(again.kind, crate::ErrorKind::Exists, "{}", again.message);
        assert!(
            again.message.contains("already exists"),
            "{}",
            again.message
        );
        export_to(
            &crm,
            ExportFormat::Yaml,
            Destination::Duckdb,
            &target("crm.json", true),
        )
        .unwrap();
        assert!(std::fs::read_to_string(&path)
            .unwrap()
            .contains("name: Sales CRM"));

        // The app's own database is never a target, replace or not.
        std::fs::write(dir.join("sluice.sqlite"), "db").unwrap();
        let own = export_to(
            &crm,
            ExportFormat::Json,
            Destination::Duckdb,
            &target("sluice.sqlite", true),
        )
        .unwrap_err();
        assert!(
            own.message.contains("keeps its own data"),
            "{}",
            own.message
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("sluice.sqlite")).unwrap(),
            "db"
        );

        store
            .save_config(
                crm.id,
                &json!({"client": {"base_url": "https://a"}, "resources": []}),
                Duration::ZERO,
            )
            .unwrap();
        let broken = store.connector(crm.id).unwrap();
        let err = export_to(
            &broken,
            ExportFormat::Dlt,
            Destination::Duckdb,
            &target("x.py", false),
        )
        .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("export"));
        assert!(
            err.message
                .contains("resources: needs at least one resource"),
            "{}",
            err.message
        );
        assert!(!dir.join("x.py").exists());
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "sluice-editor-test-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn only_saves_newer_than_the_last_written_one_go_through() {
        // Connector ids of their own: the record is process-wide.
        assert!(newest_save(-1, 10));
        assert!(
            !newest_save(-1, 9),
            "an older save that arrives late is dropped"
        );
        assert!(!newest_save(-1, 10), "the same save twice is written once");
        assert!(newest_save(-1, 11));
        assert!(newest_save(-2, 1), "each connector counts on its own");
    }

    #[test]
    fn export_file_names_follow_the_connector_name() {
        assert_eq!(
            export_file_name("Sales CRM", ExportFormat::Json),
            "sales_crm.json"
        );
        assert_eq!(
            export_file_name("Sales CRM", ExportFormat::Dlt),
            "sales_crm_pipeline.py"
        );
        assert_eq!(export_file_name("", ExportFormat::Yaml), "connector.yaml");
    }

    #[test]
    fn secret_names_are_checked_like_references() {
        for good in ["token", "client_secret", "a.b-c", "x1"] {
            assert!(check_secret_name(good).is_ok(), "{good}");
        }
        for bad in ["", "-a", "a.", "a b", "a/b"] {
            assert!(check_secret_name(bad).is_err(), "{bad}");
        }
    }
}
