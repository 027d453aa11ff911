//! What a run reports while it works: every request, retry, wait, page and the reason it stopped.
//! Texts are redacted when the event is made, so no consumer can leak a secret by showing one.

use std::time::Duration;

use sluice_secrets::Redactor;
use tokio::sync::mpsc;

/// One step of a resource's extraction.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub resource: String,
    pub kind: EventKind,
    /// A sentence for people, already redacted.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// A data request is sent (`attempt` counts from 1, up to `attempts` by the retry policy).
    Request {
        method: String,
        url: String,
        attempt: u32,
        attempts: u32,
    },
    /// An OAuth2 access token is requested.
    TokenRequest { url: String, reason: String },
    /// An attempt failed in a way that is retried.
    Retry { attempt: u32, reason: String },
    /// The run waits before the next attempt.
    Wait { duration: Duration, reason: String },
    /// A page of records arrived (`number` counts from 1).
    Page { number: usize, records: usize },
    /// The paginator or data selector was detected from the first response, and why. `config`
    /// is the endpoint fragment that makes it explicit (`{"paginator": {...}}` or
    /// `{"data_selector": "..."}`), for the test panel's "adopt" button.
    Detected {
        reason: String,
        config: serde_json::Value,
    },
    /// Paging ended normally.
    Stopped { reason: String },
    /// Preview only: one request and its answer as they went over the wire, redacted.
    Exchange(Box<Exchange>),
}

/// A captured request and response (preview mode). Every text is redacted.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub method: String,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: String,
    /// `None` when no answer came (the body then says why).
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    /// Cut to the preview's length.
    pub response_body: String,
}

/// Sends redacted events; a dropped receiver just means nobody is listening.
#[derive(Clone)]
pub(crate) struct Events {
    resource: String,
    redactor: Redactor,
    sender: mpsc::UnboundedSender<Event>,
}

impl Events {
    pub(crate) fn new(
        resource: &str,
        redactor: Redactor,
        sender: mpsc::UnboundedSender<Event>,
    ) -> Self {
        Events {
            resource: resource.to_owned(),
            redactor,
            sender,
        }
    }

    /// The same stream, for the steps of another resource (a child's parent).
    pub(crate) fn for_resource(&self, resource: &str) -> Events {
        Events {
            resource: resource.to_owned(),
            ..self.clone()
        }
    }

    pub(crate) fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    pub(crate) fn emit(&self, kind: EventKind) {
        let r = |text: &str| self.redactor.redact(text).into_owned();
        let kind = match kind {
            EventKind::Request {
                method,
                url,
                attempt,
                attempts,
            } => EventKind::Request {
                method,
                url: r(&url),
                attempt,
                attempts,
            },
            EventKind::TokenRequest { url, reason } => EventKind::TokenRequest {
                url: r(&url),
                reason: r(&reason),
            },
            EventKind::Retry { attempt, reason } => EventKind::Retry {
                attempt,
                reason: r(&reason),
            },
            EventKind::Wait { duration, reason } => EventKind::Wait {
                duration,
                reason: r(&reason),
            },
            EventKind::Stopped { reason } => EventKind::Stopped { reason: r(&reason) },
            EventKind::Detected { reason, config } => EventKind::Detected {
                reason: r(&reason),
                config,
            },
            EventKind::Exchange(exchange) => {
                let pairs = |pairs: Vec<(String, String)>| {
                    pairs.into_iter().map(|(k, v)| (k, r(&v))).collect()
                };
                let e = *exchange;
                EventKind::Exchange(Box::new(Exchange {
                    method: e.method,
                    url: r(&e.url),
                    request_headers: pairs(e.request_headers),
                    request_body: r(&e.request_body),
                    status: e.status,
                    response_headers: pairs(e.response_headers),
                    response_body: r(&e.response_body),
                }))
            }
            page @ EventKind::Page { .. } => page,
        };
        let message = describe(&kind);
        let _ = self.sender.send(Event {
            resource: self.resource.clone(),
            kind,
            message,
        });
    }
}

fn describe(kind: &EventKind) -> String {
    match kind {
        EventKind::Request {
            method,
            url,
            attempt: 1,
            ..
        } => format!("{method} {url}"),
        EventKind::Request {
            method,
            url,
            attempt,
            attempts,
        } => format!("{method} {url} (attempt {attempt} of {attempts})"),
        EventKind::TokenRequest { url, reason } => {
            format!("requesting an access token from {url}: {reason}")
        }
        EventKind::Retry { attempt, reason } => {
            format!("attempt {attempt} failed, retrying: {reason}")
        }
        EventKind::Wait { duration, reason } => {
            format!("waiting {:.3} s: {reason}", duration.as_secs_f64())
        }
        EventKind::Page { number, records } => format!("page {number}: {records} records"),
        EventKind::Stopped { reason } | EventKind::Detected { reason, .. } => reason.clone(),
        EventKind::Exchange(e) => match e.status {
            Some(status) => format!("{} {} → HTTP {status}", e.method, e.url),
            None => format!("{} {} → no answer", e.method, e.url),
        },
    }
}
