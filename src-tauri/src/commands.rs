//! Thin `#[tauri::command]` adapters: each one moves its work off the async threads and calls the
//! engine crates. No logic lives here that the CLI or a plain Rust test could not reach.

use serde::Deserialize;
use serde_json::json;
use sluice_store::{Connector, ConnectorSummary};
use tauri::State;
use ts_rs::TS;

use crate::error::{CommandError, CommandResult};
use crate::AppState;

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

/// A base URL must be an absolute http(s) URL; dlt joins endpoint paths onto it.
fn check_base_url(raw: &str) -> CommandResult<String> {
    let url = raw.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.starts_with('/') && !url.contains(char::is_whitespace) => {
            Ok(url.to_owned())
        }
        _ => Err(CommandError::invalid(
            "baseUrl",
            "The base URL must start with https:// or http:// followed by the API's host, for example https://api.example.com/v1",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::check_base_url;

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
        ] {
            let err = check_base_url(bad).unwrap_err();
            assert_eq!(err.field.as_deref(), Some("baseUrl"), "{bad:?}");
        }
    }
}
