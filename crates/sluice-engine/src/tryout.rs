//! A preview run of one resource, gathered into one report: the records, every request and answer
//! (redacted), what was detected and why paging stopped. The app's test panel and
//! `sluice preview` both show this report.

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::event::{EventKind, Exchange};
use crate::extract::Engine;

/// What a preview run of one resource found.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "engine/")]
pub struct ResourcePreview {
    pub resource: String,
    #[ts(type = "unknown[]")]
    pub records: Vec<Value>,
    pub requests: Vec<ExchangeView>,
    /// Retries, waits and token requests, in words.
    pub notes: Vec<String>,
    /// The paginator and data selector Sluice chose from the first response, when the config
    /// leaves them out.
    pub detected: Vec<Detection>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_reason: Option<String>,
    /// The run's error, in words, when it failed.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What to do about the error, pointing at the form that holds the fix.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
    /// The preview's page or record limit ended it while the API had more to give.
    pub sample_limit_reached: bool,
    /// Paging stopped on its own while the answer said there was more (see the summary's).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// A detected paginator or data selector and the endpoint config that makes it explicit.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export, export_to = "engine/")]
pub struct Detection {
    pub reason: String,
    /// `{"paginator": {...}}` or `{"data_selector": "..."}`.
    #[ts(type = "Record<string, unknown>")]
    pub config: Value,
}

/// One request and its answer as they went over the wire, redacted.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "engine/")]
pub struct ExchangeView {
    pub method: String,
    pub url: String,
    /// `None` when no answer came.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub request_headers: Vec<(String, String)>,
    pub request_body: String,
    pub response_headers: Vec<(String, String)>,
    /// Cut to the preview's length.
    pub response_body: String,
}

impl From<Exchange> for ExchangeView {
    fn from(e: Exchange) -> Self {
        ExchangeView {
            method: e.method,
            url: e.url,
            status: e.status,
            request_headers: e.request_headers,
            request_body: e.request_body,
            response_headers: e.response_headers,
            response_body: e.response_body,
        }
    }
}

/// Runs `resource` with the engine's preview limits and gathers the report. A failure is part of
/// the report, so what was fetched before it stays visible.
pub async fn preview_resource(engine: &Engine, resource: &str) -> ResourcePreview {
    let mut report = ResourcePreview {
        resource: resource.to_owned(),
        records: Vec::new(),
        requests: Vec::new(),
        notes: Vec::new(),
        detected: Vec::new(),
        stop_reason: None,
        error: None,
        next_step: None,
        sample_limit_reached: false,
        warning: None,
    };
    let mut run = match engine.extract(resource) {
        Ok(run) => run,
        Err(error) => {
            report.error = Some(error.to_string());
            report.next_step = error.next_step();
            return report;
        }
    };
    while let Some(page) = run.pages.recv().await {
        report.records.extend(page.records);
    }
    let outcome = run.done.await;
    while let Ok(event) = run.events.try_recv() {
        match event.kind {
            EventKind::Exchange(exchange) => report.requests.push((*exchange).into()),
            EventKind::Detected { reason, config } => {
                report.detected.push(Detection { reason, config })
            }
            // The stop reason comes once, from the summary; requests are in the exchanges.
            EventKind::Request { .. } | EventKind::Page { .. } | EventKind::Stopped { .. } => {}
            EventKind::TokenRequest { .. } | EventKind::Retry { .. } | EventKind::Wait { .. } => {
                report.notes.push(event.message);
            }
        }
    }
    match outcome {
        Ok(Ok(summary)) => {
            report.stop_reason = Some(summary.stop_reason);
            report.sample_limit_reached = summary.sample_limit_reached;
            report.warning = summary.warning;
        }
        Ok(Err(error)) => {
            report.error = Some(error.to_string());
            report.next_step = error.next_step();
        }
        Err(error) => report.error = Some(format!("the preview task failed: {error}")),
    }
    // Records are shown like the exchanges: an API that echoes a token (or a header value) back
    // must not put it on screen. Done last, when every token of the run is known.
    for record in &mut report.records {
        engine.redactor().redact_json(record);
    }
    report
}
