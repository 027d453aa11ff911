//! A preview run of one resource, gathered into one report: the records, every request and answer
//! (redacted), what was detected and why paging stopped. The app's test panel and
//! `sluice preview` both show this report.

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use std::future::Future;

use crate::event::{Event, EventKind, Exchange};
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
    /// The paginator and data selector Sluice chose from the first response when the config
    /// leaves them out, and what the answer suggests in place of what it sets.
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
    /// The editor section the next step points at, for a link to it.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix_in: Option<crate::error::FormSection>,
    /// The preview's page or record limit ended it while the API had more to give.
    pub sample_limit_reached: bool,
    /// Paging stopped on its own while the answer said there was more (see the summary's).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// The user stopped the test before it ended.
    pub stopped: bool,
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
    preview_resource_live(engine, resource, |_| {}, std::future::pending()).await
}

/// [`preview_resource`], telling `on_event` each step as it happens (the test panel's "attempt 2
/// of 4"), and ending early when `stop` completes: the report then holds what came before and
/// says the test was stopped.
pub async fn preview_resource_live(
    engine: &Engine,
    resource: &str,
    mut on_event: impl FnMut(&Event),
    stop: impl Future<Output = ()>,
) -> ResourcePreview {
    let mut report = ResourcePreview {
        resource: resource.to_owned(),
        records: Vec::new(),
        requests: Vec::new(),
        notes: Vec::new(),
        detected: Vec::new(),
        stop_reason: None,
        error: None,
        next_step: None,
        fix_in: None,
        sample_limit_reached: false,
        warning: None,
        stopped: false,
    };
    let mut run = match engine.extract(resource) {
        Ok(run) => run,
        Err(error) => {
            report.error = Some(error.to_string());
            report.next_step = error.next_step();
            report.fix_in = error.fix_in();
            return report;
        }
    };
    let mut stop = std::pin::pin!(stop);
    let mut pages_open = true;
    let outcome = loop {
        tokio::select! {
            // Steps first, so each is told before the page it led to.
            biased;
            Some(event) = run.events.recv() => {
                on_event(&event);
                report.take(event);
            }
            page = run.pages.recv(), if pages_open => match page {
                Some(page) => report.records.extend(page.records),
                None => pages_open = false,
            },
            outcome = &mut run.done, if !pages_open => break outcome,
            () = &mut stop => {
                // The extraction task ends where it is; a test writes nothing, so nothing is lost.
                run.done.abort();
                while let Ok(event) = run.events.try_recv() {
                    report.take(event);
                }
                report.stopped = true;
                report.error = Some(format!(
                    "stopped by you after {} request(s); a test writes nothing",
                    report.requests.len()
                ));
                return finish(engine, report);
            }
        }
    };
    while let Ok(event) = run.events.try_recv() {
        on_event(&event);
        report.take(event);
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
            report.fix_in = error.fix_in();
        }
        Err(error) => report.error = Some(format!("the preview task failed: {error}")),
    }
    finish(engine, report)
}

impl ResourcePreview {
    /// Files one event of the run under its part of the report.
    fn take(&mut self, event: Event) {
        match event.kind {
            EventKind::Exchange(exchange) => self.requests.push((*exchange).into()),
            EventKind::Detected { reason, config } => {
                self.detected.push(Detection { reason, config })
            }
            // The stop reason comes once, from the summary; requests are in the exchanges.
            EventKind::Request { .. } | EventKind::Page { .. } | EventKind::Stopped { .. } => {}
            EventKind::TokenRequest { .. } | EventKind::Retry { .. } | EventKind::Wait { .. } => {
                self.notes.push(event.message);
            }
        }
    }
}

/// Records are shown like the exchanges: an API that echoes a token (or a header value) back must
/// not put it on screen. Done last, when every token of the run is known.
fn finish(engine: &Engine, mut report: ResourcePreview) -> ResourcePreview {
    for record in &mut report.records {
        engine.redactor().redact_json(record);
    }
    report
}
