//! The extraction engine: turns a connector's resource into pages of records exactly as dlt's
//! `rest_api_source` would (see `../shared/spec/dlt-rest-api.md`), except where Sluice differs on
//! purpose (OAuth2 refresh, `Retry-After: 0`, api_key cookies, the `oauth2` alias).
//!
//! ```no_run
//! # async fn run(config: sluice_config::ConnectorConfig) -> sluice_engine::Result<()> {
//! use sluice_engine::{Engine, EngineOptions};
//! let secrets = |name: &str| Err::<sluice_secrets::SecretValue, _>(format!("no secret {name}"));
//! let engine = Engine::new(config, secrets, sluice_secrets::Redactor::new(), EngineOptions::default())?;
//! let mut run = engine.extract("customers")?;
//! while let Some(page) = run.pages.recv().await {
//!     println!("page {}: {} records", page.number, page.records.len());
//! }
//! let summary = run.done.await.expect("task")?;
//! println!("{}", summary.stop_reason);
//! # Ok(()) }
//! ```
//!
//! No Tauri here: the app, the CLI and the tests drive the same API.

mod auth;
mod error;
mod event;
mod extract;
mod http;
mod incremental;
mod origin;
mod paginator;
mod placeholder;
mod proposal;
mod request;
mod retry;
pub mod selector;
pub mod tryout;
pub mod url;

pub use auth::{refresh_margin, SecretResolver, StoreSecrets};
pub use error::{Error, FormSection, Result};
pub use event::{Event, EventKind, Exchange};
pub use extract::{Engine, EngineOptions, Extraction, Extractions, Page, Preview, Summary};
pub use incremental::{canonical_json, IncrementalState, ResourceState};
pub use retry::{backoff, retry_after, Sleeper, TokioSleeper};
pub use tryout::{
    preview_resource, preview_resource_live, Detection, ExchangeView, ResourcePreview,
};
