//! The demo connector: a ready-made connector against the built-in demo API, which the app serves
//! on loopback whenever the demo is opened, so a first run works with no account anywhere.

use serde_json::{json, Value};
use sluice_demo::{DemoOptions, DemoServer, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};
use tokio::sync::Mutex;

use crate::error::{CommandError, CommandResult};

pub use sluice_demo::DEMO_CONNECTOR_NAME as DEMO_NAME;

/// The port the demo API prefers, so the demo connector's URL stays the same across launches and
/// works from the CLI too; another free port is used when something else holds it.
pub const DEMO_PORT: u16 = 8766;

/// The demo API's public, made-up credentials, stored in the keychain like any other secret.
pub const DEMO_SECRETS: [(&str, &str); 2] = [
    ("client_id", DEMO_CLIENT_ID),
    ("client_secret", DEMO_CLIENT_SECRET),
];

/// The in-process demo API, started on first use and stopped with the app.
#[derive(Default)]
pub struct DemoApi {
    server: Mutex<Option<DemoServer>>,
}

impl DemoApi {
    /// Starts the demo API if it is not running and returns its base URL.
    pub async fn ensure_running(&self) -> CommandResult<String> {
        let mut server = self.server.lock().await;
        if let Some(running) = server.as_ref() {
            return Ok(running.base_url().to_owned());
        }
        let started = match DemoServer::start(options(DEMO_PORT)).await {
            Ok(s) => s,
            Err(_) => DemoServer::start(options(0)).await.map_err(|e| {
                CommandError::internal(format!("the demo API could not start: {e}"))
            })?,
        };
        let url = started.base_url().to_owned();
        *server = Some(started);
        Ok(url)
    }
}

fn options(port: u16) -> DemoOptions {
    DemoOptions {
        port,
        ..DemoOptions::default()
    }
}

/// The demo connector (see [`sluice_demo::demo_connector`]).
pub fn demo_config(base_url: &str) -> Value {
    sluice_demo::demo_connector(base_url)
}

/// Points an existing demo connector at the port the demo API runs on now, leaving whatever
/// else the user changed alone.
pub fn rebase(config: &mut Value, base_url: &str) {
    if let Some(client) = config.get_mut("client").and_then(Value::as_object_mut) {
        client.insert("base_url".into(), json!(base_url));
        if let Some(auth) = client.get_mut("auth").and_then(Value::as_object_mut) {
            if auth.contains_key("access_token_url") {
                auth.insert(
                    "access_token_url".into(),
                    json!(format!("{base_url}/oauth/token")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_config_refers_to_its_secrets_and_holds_no_values() {
        let config = demo_config("http://127.0.0.1:8766");
        let names: Vec<_> = sluice_secrets::secret_references(&config)
            .into_iter()
            .collect();
        assert_eq!(names, ["client_id", "client_secret"]);
        let text = config.to_string();
        for (_, value) in DEMO_SECRETS {
            assert!(
                !text.contains(value),
                "the saved config must not hold {value:?}"
            );
        }
    }

    #[test]
    fn the_demo_config_is_a_valid_connector() {
        let problems = sluice_config::check_value(&demo_config("http://127.0.0.1:8766"));
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn rebasing_moves_the_base_url_and_token_url_only() {
        let mut config = demo_config("http://127.0.0.1:8766");
        rebase(&mut config, "http://127.0.0.1:9999");
        assert_eq!(config["client"]["base_url"], "http://127.0.0.1:9999");
        assert_eq!(
            config["client"]["auth"]["access_token_url"],
            "http://127.0.0.1:9999/oauth/token"
        );
        assert_eq!(
            config["resources"][0]["endpoint"]["path"],
            "/v1/marketing_data"
        );
    }
}
