//! Errors of the extraction engine. Every message is safe to show: texts that may contain a
//! secret (URLs, response bodies) pass through the run's `Redactor` before they land here.

/// Anything that ends the extraction of a resource.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The connector asks for something this engine cannot run; the message names the field.
    #[error("configuration: {0}")]
    Config(String),
    /// A `{"$secret": ...}` (or a field dlt would take from its secrets) could not be looked up.
    #[error("secret `{name}` is not available: {reason}")]
    Secret { name: String, reason: String },
    #[error("no resource named `{0}` in this connector")]
    UnknownResource(String),
    /// A data selector or paginator path that is not valid JSONPath.
    #[error("`{path}` is not a valid JSONPath: {reason}")]
    JsonPath { path: String, reason: String },
    /// The server answered with an error status that is not retried (or retries ran out).
    #[error("HTTP {status} from {url}{}", body_excerpt(.body))]
    Status {
        status: u16,
        url: String,
        body: String,
    },
    /// Credentials were refused; the message says which auth and what the server said.
    #[error("authentication failed ({auth}): HTTP {status} from {url}{}", body_excerpt(.body))]
    Auth {
        auth: &'static str,
        status: u16,
        url: String,
        body: String,
    },
    /// The request could not be sent or its answer not read (after all retries).
    #[error("request to {url} failed: {reason}")]
    Connection { url: String, reason: String },
    /// The response was not the JSON the paginator or data selector needs.
    #[error("response from {url} is not usable: {reason}")]
    Response { url: String, reason: String },
    /// A paginator could not decide about the next page (e.g. `total` missing).
    #[error("paginator: {0}")]
    Paginator(String),
    /// A record's incremental cursor could not be read or compared.
    #[error("incremental: {0}")]
    Incremental(String),
    /// A guard stopped a run that would not end by itself.
    #[error("run stopped: {0}")]
    Guard(String),
    /// Whoever consumed the pages went away before the resource was finished.
    #[error("the consumer of the pages stopped listening")]
    Cancelled,
}

impl Error {
    /// A stable name of the error's kind, for the `{ kind, message }` shape errors take across
    /// the app's IPC boundary and in run history.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Config(_) => "config",
            Error::Secret { .. } => "secret",
            Error::UnknownResource(_) => "unknown_resource",
            Error::JsonPath { .. } => "json_path",
            Error::Status { .. } => "http_status",
            Error::Auth { .. } => "auth",
            Error::Connection { .. } => "connection",
            Error::Response { .. } => "response",
            Error::Paginator(_) => "paginator",
            Error::Incremental(_) => "incremental",
            Error::Guard(_) => "guard",
            Error::Cancelled => "cancelled",
        }
    }
}

fn body_excerpt(body: &str) -> String {
    if body.is_empty() {
        String::new()
    } else {
        format!(": {body}")
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
