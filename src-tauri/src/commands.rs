//! Thin `#[tauri::command]` adapters: each one moves its work off the async threads and calls the
//! engine crates. No logic lives here that the CLI or a plain Rust test could not reach.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sluice_secrets::SecretValue;
use sluice_store::{Connector, ConnectorSummary};
use tauri::State;
use ts_rs::TS;

use crate::demo::{self, DEMO_NAME, DEMO_SECRETS};
use crate::error::{CommandError, CommandResult};
use crate::{secret_scope, AppState};

/// What the "New connector" dialog sends.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "app/")]
pub struct NewConnector {
    pub name: String,
    pub base_url: String,
}

#[tauri::command]
pub async fn list_connectors(state: State<'_, AppState>) -> CommandResult<Vec<ConnectorSummary>> {
    state.with_store(|store| Ok(store.list_connectors()?)).await
}

#[tauri::command]
pub async fn get_connector(state: State<'_, AppState>, id: i64) -> CommandResult<Connector> {
    state
        .with_store(move |store| Ok(store.connector(id)?))
        .await
}

/// Clears the connector's notice (e.g. that it was given a DuckDB file of its own) once read.
#[tauri::command]
pub async fn dismiss_notice(state: State<'_, AppState>, id: i64) -> CommandResult<Connector> {
    state
        .with_store(move |store| Ok(store.dismiss_notice(id)?))
        .await
}

#[tauri::command]
pub async fn create_connector(
    state: State<'_, AppState>,
    connector: NewConnector,
) -> CommandResult<ConnectorSummary> {
    let base_url = check_base_url(&connector.base_url)?;
    let config = json!({ "client": { "base_url": base_url }, "resources": [] });
    state
        .with_store(move |store| {
            Ok(store
                .create_connector(&connector.name, &config, false)?
                .summary())
        })
        .await
}

/// The outcome of opening the demo connector.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "app/")]
pub struct DemoOpened {
    pub connector: ConnectorSummary,
    /// Set when the demo's credentials could not be stored in the keychain: the connector is
    /// there, but syncing it needs the keychain fixed first.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keychain_problem: Option<String>,
}

/// Starts the demo API and creates the demo connector, or points the existing one at the running
/// API. Its credentials go into the keychain like any other connector's secrets.
#[tauri::command]
pub async fn open_demo_connector(state: State<'_, AppState>) -> CommandResult<DemoOpened> {
    let base_url = state.demo.ensure_running().await?;
    let connector = state
        .with_store(move |store| {
            Ok(match store.demo_connector()? {
                Some(existing) => {
                    let mut config = existing.config;
                    demo::rebase(&mut config, &base_url);
                    store.update_config(existing.id, &config)?
                }
                None => store.create_connector(DEMO_NAME, &demo::demo_config(&base_url), true)?,
            })
        })
        .await?;
    let secrets = state.secrets.clone();
    let scope = secret_scope(&connector);
    let stored = crate::blocking(move || {
        DEMO_SECRETS
            .iter()
            .try_for_each(|(name, value)| secrets.set(&scope, name, &SecretValue::from(*value)))
    })
    .await?;
    Ok(DemoOpened {
        connector: connector.summary(),
        keychain_problem: stored.err().map(|e| e.to_string()),
    })
}

/// One secret a connector refers to, and whether a value is available for it.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "app/")]
pub struct SecretStatus {
    pub name: String,
    pub is_set: bool,
    /// A `SLUICE_SECRET_<NAME>` environment variable provides the value and wins over the
    /// keychain.
    pub from_environment: bool,
}

/// The secrets a connector's config refers to, each with whether it is set. Never a value.
#[tauri::command]
pub async fn secret_status(
    state: State<'_, AppState>,
    id: i64,
) -> CommandResult<Vec<SecretStatus>> {
    let connector = state
        .with_store(move |store| Ok(store.connector(id)?))
        .await?;
    let secrets = state.secrets.clone();
    let scope = secret_scope(&connector);
    crate::blocking(move || {
        sluice_secrets::secret_references(&connector.config)
            .into_iter()
            .map(|name| {
                let from_environment = std::env::var_os(sluice_secrets::env_var_name(&name))
                    .is_some_and(|v| !v.is_empty());
                let is_set = from_environment || secrets.is_set(&scope, &name)?;
                Ok(SecretStatus {
                    name,
                    is_set,
                    from_environment,
                })
            })
            .collect()
    })
    .await?
}

/// The outcome of importing connectors from pasted text: one for JSON or YAML, one per source
/// for dlt code with several `@dlt.source` functions.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "app/")]
pub struct ImportOutcome {
    /// In the order the text defines them; the first is the one to open.
    pub connectors: Vec<ImportedConnector>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keychain_problem: Option<String>,
}

/// One connector an import created.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "app/")]
pub struct ImportedConnector {
    pub connector: ConnectorSummary,
    /// Names of the secret values found in the text and moved into the keychain.
    pub stored_secrets: Vec<String>,
    /// What the config still gets wrong or what was left out, as `path: message` lines, to fix
    /// in the forms.
    pub problems: Vec<String>,
    /// For a connector kept as a draft (it did not read yet): the field of its first problem
    /// (`resources[0].endpoint.paginator.limit`), where the app opens the editor.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<String>,
}

/// The list operations of the text when it is an OpenAPI document, for the Import dialog to
/// choose from; `None` for any other text.
#[tauri::command]
pub async fn openapi_operations(
    text: String,
) -> CommandResult<Option<sluice_config::ApiOperations>> {
    // Parsing a spec of tens of MB is CPU work: off the async threads.
    crate::blocking(move || sluice_config::openapi_operations(&text))
        .await?
        .map_err(|err| {
            CommandError::invalid(
                "importText",
                format!("Sluice could not read this OpenAPI document: {err}"),
            )
        })
}

/// Imports connectors from pasted dlt Python code, a markdown document holding it, JSON,
/// YAML, cURL commands, or an OpenAPI document (`operations`: the ids of the operations to
/// make resources). Secret values written in the text go to the keychain; the saved configs
/// keep references.
#[tauri::command]
pub async fn import_connector(
    state: State<'_, AppState>,
    text: String,
    operations: Option<Vec<String>>,
) -> CommandResult<ImportOutcome> {
    let options = sluice_config::ImportOptions {
        operations: sluice_config::OperationChoice {
            ids: operations.unwrap_or_default(),
            ..sluice_config::OperationChoice::default()
        },
        ..sluice_config::ImportOptions::default()
    };
    // Reading is CPU work on text of up to 4 MB (an OpenAPI document: 64 MB): off the async
    // threads, so the app stays live.
    let all = crate::blocking(move || {
        // A connector that does not read yet is kept as a draft and opened in the editor.
        sluice_config::import_for_editing(&text, &options)
    })
    .await?
    .map_err(|err| {
        let lines: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
        CommandError::invalid(
            "importText",
            format!(
                "Sluice could not read a connector from this text:\n{}",
                lines.join("\n")
            ),
        )
    })?;
    let mut connectors = Vec::with_capacity(all.len());
    let mut keychain_problem = None;
    for imported in all {
        // What to save and under which name; a draft opens in the editor at its first problem.
        let (name, config, found, problems, opens_at) = match imported {
            sluice_config::Import::Ready(ready) => {
                let name = ready
                    .config
                    .sluice
                    .name
                    .clone()
                    .unwrap_or_else(|| "Imported connector".to_owned());
                let config = serde_json::to_value(&ready.config).map_err(|e| {
                    CommandError::internal(format!(
                        "the imported connector could not be saved: {e}"
                    ))
                })?;
                (name, config, ready.found_secrets, ready.problems, None)
            }
            sluice_config::Import::Draft(draft) => {
                // The first field to fix: not a note on what was left out, nor a warning.
                let opens_at = draft
                    .problems
                    .iter()
                    .find(|p| p.kind != sluice_config::ProblemKind::LeftOut && !p.is_warning())
                    .map(|p| p.path.clone());
                (
                    draft.name,
                    draft.document,
                    draft.found_secrets,
                    draft.problems,
                    opens_at,
                )
            }
        };
        let (guessed, problems): (Vec<_>, Vec<_>) = problems
            .into_iter()
            .partition(|p| p.kind == sluice_config::ProblemKind::Guessed);
        let guessed = guesses_in_words(&guessed.iter().collect::<Vec<_>>(), &config);
        // What was guessed stays with the connector, shown until the user has read it.
        let notice = (!guessed.is_empty()).then(|| {
            format!(
                "Guessed from the imported document; check these:\n{}",
                guessed.join("\n")
            )
        });
        let connector = state
            .with_store(move |store| {
                let connector = store.create_connector_with_free_name(&name, &config)?;
                Ok(match notice {
                    Some(text) => store.add_notice(connector.id, &text)?,
                    None => connector,
                })
            })
            .await?;
        let secrets = state.secrets.clone();
        let scope = secret_scope(&connector);
        let stored_names: Vec<String> = found.iter().map(|s| s.name.clone()).collect();
        let stored = crate::blocking(move || {
            found.iter().try_for_each(|secret| {
                secrets.set(
                    &scope,
                    &secret.name,
                    &SecretValue::from(secret.value.as_str()),
                )
            })
        })
        .await?;
        let stored_secrets = match stored {
            Ok(()) => stored_names,
            Err(error) => {
                keychain_problem.get_or_insert(error.to_string());
                Vec::new()
            }
        };
        connectors.push(ImportedConnector {
            connector: connector.summary(),
            stored_secrets,
            problems: problems.iter().map(ToString::to_string).collect(),
            opens_at,
        });
    }
    Ok(ImportOutcome {
        connectors,
        keychain_problem,
    })
}

/// What an import guessed, one line per place in the user's words: a resource's guesses under
/// its name (`tickets: cursor pages ...; merges on `id``), the client's under its form's.
fn guesses_in_words(
    guesses: &[&sluice_config::Problem],
    config: &serde_json::Value,
) -> Vec<String> {
    let mut lines: Vec<(String, Vec<&str>)> = Vec::new();
    for guess in guesses {
        let index = guess
            .path
            .strip_prefix("resources[")
            .and_then(|rest| rest.split(']').next())
            .and_then(|n| n.parse::<usize>().ok());
        let place = match (index, guess.path.as_str()) {
            (Some(i), _) => config
                .pointer(&format!("/resources/{i}/name"))
                .and_then(serde_json::Value::as_str)
                .unwrap_or(&guess.path)
                .to_owned(),
            (None, "client.base_url") => "Base URL".to_owned(),
            (None, "client.auth") => "Sign-in".to_owned(),
            (None, "resources") => "Resources".to_owned(),
            (None, path) => path.to_owned(),
        };
        match lines.iter_mut().find(|(p, _)| *p == place) {
            Some((_, messages)) => messages.push(&guess.message),
            None => lines.push((place, vec![&guess.message])),
        }
    }
    lines
        .into_iter()
        .map(|(place, messages)| format!("{place}: {}", messages.join("; ")))
        .collect()
}

/// The New dialog's base URL: required here, then the editor's own rule.
fn check_base_url(raw: &str) -> CommandResult<String> {
    let url = raw.trim();
    let problem = if url.is_empty() {
        Some("is required: the address every endpoint path is added to".to_owned())
    } else {
        sluice_config::base_url_problem(url)
    };
    match problem {
        None => Ok(url.to_owned()),
        Some(problem) => Err(CommandError::invalid(
            "baseUrl",
            format!("The base URL {problem}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::{check_base_url, guesses_in_words};
    use sluice_config::{Problem, ProblemKind};

    #[test]
    fn guesses_are_said_per_resource_by_name_and_per_form() {
        let config = serde_json::json!({"resources": [{"name": "tickets"}, {"name": "brands"}]});
        let guess = |path: &str, message: &str| Problem::new(path, ProblemKind::Guessed, message);
        let guesses = [
            guess("client.auth", "a bearer token"),
            guess("resources[0].endpoint.paginator", "cursor pages"),
            guess("resources[1].primary_key", "merges on `id`"),
            guess("resources[0].primary_key", "merges on `id`"),
        ];
        let refs: Vec<&Problem> = guesses.iter().collect();
        assert_eq!(
            guesses_in_words(&refs, &config),
            [
                "Sign-in: a bearer token",
                "tickets: cursor pages; merges on `id`",
                "brands: merges on `id`"
            ]
        );
    }

    #[test]
    fn base_urls_must_be_absolute_http() {
        assert_eq!(
            check_base_url(" https://api.example.com/v1 ").unwrap(),
            "https://api.example.com/v1"
        );
        assert!(check_base_url("http://127.0.0.1:8080").is_ok());
        for bad in [
            "",
            "api.example.com",
            "ftp://x",
            "https://",
            "https:///path",
            "https://a b",
            "https://api.example.com:99999",
            "https://api.example.com/v1?key=1",
        ] {
            let err = check_base_url(bad).unwrap_err();
            assert_eq!(err.field.as_deref(), Some("baseUrl"), "{bad:?}");
        }
    }
}
