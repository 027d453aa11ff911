//! The harness: a demo server per test, connectors written as JSON, secrets from the demo's
//! constants, and a sleeper that records waits instead of sleeping.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;
use sluice_demo::{
    DemoOptions, DemoServer, FaultOptions, DEMO_API_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET,
    DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME,
};
use sluice_engine::{Engine, EngineOptions, Event, EventKind, Page, Result, Sleeper, Summary};
use sluice_secrets::{Redactor, SecretValue};

/// Every secret value the demo knows, for leak checks.
pub const KNOWN_SECRETS: [&str; 5] = [
    DEMO_TOKEN,
    DEMO_API_KEY,
    DEMO_PASSWORD,
    DEMO_CLIENT_SECRET,
    DEMO_CLIENT_ID,
];

pub async fn demo(records: u64, faults: &str) -> DemoServer {
    let faults: FaultOptions = faults.parse().expect("fault options");
    DemoServer::start(DemoOptions {
        records,
        faults,
        ..DemoOptions::default()
    })
    .await
    .expect("demo server starts")
}

pub async fn demo_with(options: DemoOptions) -> DemoServer {
    DemoServer::start(options)
        .await
        .expect("demo server starts")
}

/// The demo's credentials under the names the test connectors use.
pub fn secret(name: &str) -> std::result::Result<SecretValue, String> {
    let value = match name {
        "demo_token" | "token" => DEMO_TOKEN,
        "api_key" => DEMO_API_KEY,
        "username" => DEMO_USERNAME,
        "password" => DEMO_PASSWORD,
        "client_id" => DEMO_CLIENT_ID,
        "client_secret" => DEMO_CLIENT_SECRET,
        "wrong" => "not-the-demo-secret",
        other => return Err(format!("no secret named `{other}` in the test keychain")),
    };
    Ok(SecretValue::new(value.to_owned()))
}

/// Records every wait; sleeps only a millisecond so tests stay fast whatever a policy says.
#[derive(Clone, Default)]
pub struct RecordingSleeper {
    pub waits: Arc<Mutex<Vec<Duration>>>,
}

impl RecordingSleeper {
    pub fn waits(&self) -> Vec<Duration> {
        self.waits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        self.waits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(duration);
        Box::pin(tokio::time::sleep(Duration::from_millis(1)))
    }
}

/// A connector with one resource `items`.
pub fn connector(base_url: &str, client_extra: Value, endpoint: Value) -> Value {
    let mut client = serde_json::json!({ "base_url": base_url });
    if let (Value::Object(client), Value::Object(extra)) = (&mut client, client_extra) {
        client.extend(extra);
    }
    serde_json::json!({
        "client": client,
        "resources": [{ "name": "items", "endpoint": endpoint }],
        "sluice": { "retry": { "backoff_factor": 0.01, "max_delay_seconds": 5.0,
                               "request_timeout_seconds": 10.0 } }
    })
}

pub struct Outcome {
    pub pages: Vec<Page>,
    pub events: Vec<Event>,
    pub result: Result<Summary>,
    pub sleeper: RecordingSleeper,
    pub redactor: Redactor,
}

impl Outcome {
    pub fn ids(&self) -> Vec<u64> {
        self.pages
            .iter()
            .flat_map(|page| &page.records)
            .map(|record| record["id"].as_u64().expect("record id"))
            .collect()
    }

    pub fn summary(&self) -> &Summary {
        match &self.result {
            Ok(summary) => summary,
            Err(error) => panic!("extraction failed: {error}"),
        }
    }

    pub fn error(&self) -> String {
        match &self.result {
            Ok(summary) => panic!("expected an error, got {summary:?}"),
            Err(error) => error.to_string(),
        }
    }

    /// The URLs of the data requests, each attempt counted.
    pub fn requests(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|event| match &event.kind {
                EventKind::Request { url, .. } => Some(url.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn count(&self, pick: impl Fn(&EventKind) -> bool) -> usize {
        self.events.iter().filter(|e| pick(&e.kind)).count()
    }
}

pub async fn run_with(config: Value, options: EngineOptions, sleeper: RecordingSleeper) -> Outcome {
    let config = sluice_config::from_value(&config).expect("valid connector");
    let redactor = Redactor::new();
    let engine = Engine::new(
        config,
        secret,
        redactor.clone(),
        EngineOptions {
            sleeper: Arc::new(sleeper.clone()),
            ..options
        },
    )
    .expect("engine");
    let (pages, events, result) = engine
        .extract("items")
        .expect("extraction starts")
        .collect()
        .await;
    Outcome {
        pages,
        events,
        result,
        sleeper,
        redactor,
    }
}

pub async fn run(config: Value) -> Outcome {
    run_with(
        config,
        EngineOptions::default(),
        RecordingSleeper::default(),
    )
    .await
}

pub fn ids(range: std::ops::RangeInclusive<u64>) -> Vec<u64> {
    range.collect()
}
