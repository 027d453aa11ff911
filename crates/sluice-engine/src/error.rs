//! Errors of the extraction engine. Every message is safe to show: texts that may contain a
//! secret (URLs, response bodies) pass through the run's `Redactor` before they land here.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
    /// A link, redirect or parent record pointed somewhere the connector's requests may not go,
    /// or somewhere that wanted the credentials Sluice keeps for the API's own host.
    #[error("not sent to {url}: {reason}")]
    OtherHost { url: String, reason: String },
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
            Error::OtherHost { .. } => "other_host",
            Error::Guard(_) => "guard",
            Error::Cancelled => "cancelled",
        }
    }
}

/// The part of the connector's editor that holds the fix for an error; the app links to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "engine/")]
pub enum FormSection {
    Client,
    Auth,
    Resources,
    Pipeline,
}

impl Error {
    /// What the user can do about it, in words that point at the form holding the fix.
    pub fn next_step(&self) -> Option<String> {
        self.fix().map(|(_, step)| step)
    }

    /// The editor section [`Error::next_step`] points at, for a link to it.
    pub fn fix_in(&self) -> Option<FormSection> {
        self.fix().and_then(|(section, _)| section)
    }

    /// The next step and its section, in one place so the words and the link agree.
    fn fix(&self) -> Option<(Option<FormSection>, String)> {
        use FormSection::{Auth, Client, Pipeline, Resources};
        let (section, step) = match self {
            Error::Auth { auth, status, .. } => {
                let fields = match *auth {
                    "bearer" => "the token",
                    "api_key" => "the API key and where it is sent",
                    "http_basic" => "the username and password",
                    a if a.starts_with("oauth2") => "the client ID, client secret and token URL",
                    _ => "the credentials",
                };
                (Auth, format!("The API answered {status}: check {fields} under Auth."))
            }
            Error::Status { status: 401, .. } => (
                Auth,
                "The API answered 401 (not signed in): check the sign-in type and its secrets under Auth.".into(),
            ),
            Error::Status { status: 403, .. } => (
                Auth,
                "The API answered 403 (forbidden): the credentials under Auth work but may lack access to this endpoint.".into(),
            ),
            Error::Status { status: 404, .. } => (
                Resources,
                "The API answered 404 (not found): check the resource's endpoint path and the base URL under Client.".into(),
            ),
            Error::Status { status: 429, .. } => (
                Pipeline,
                "The API still answered 429 (too many requests) after every retry: try again later, or allow more attempts under Retry policy.".into(),
            ),
            Error::Status { status, .. } if *status >= 500 => (
                Pipeline,
                format!(
                    "The API failed with {status} after every retry: try again later, or allow more attempts under Retry policy."
                ),
            ),
            Error::Status { status, .. } => (
                Resources,
                format!("The API rejected the request with {status}: check the resource's params and body."),
            ),
            Error::Connection { .. } => (
                Client,
                "Sluice could not reach the API: check the base URL under Client and this computer's network connection.".into(),
            ),
            Error::Secret { name, .. } => (
                Auth,
                format!("Set the secret `{name}` under Auth; it is kept in your system keychain."),
            ),
            Error::JsonPath { path, .. } => (
                Resources,
                format!("Fix the path `{path}` in the resource's data selector or paginator."),
            ),
            Error::Response { .. } => (
                Resources,
                "Check the resource's data selector, or open the test panel to see what the API returned.".into(),
            ),
            Error::OtherHost { .. } => (
                Pipeline,
                "If that host belongs to the same API, add it to \"Hosts that may receive credentials\" under Pipeline & retry.".into(),
            ),
            Error::Paginator(_) | Error::Guard(_) => (
                Resources,
                "Check the resource's paginator settings; the test panel shows each page's request.".into(),
            ),
            Error::Incremental(_) => (
                Resources,
                "Check the incremental cursor path of this resource against a record in the test panel.".into(),
            ),
            Error::Config(_) | Error::UnknownResource(_) => {
                return Some((None, "Fix the field named in the message in the connector's editor.".into()))
            }
            Error::Cancelled => return None,
        };
        Some((Some(section), step))
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
