//! Extraction of one top-level resource: the request built from the connector, then page after
//! page through the paginator, records handed on through a bounded channel.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use reqwest::{Method, Url};
use serde_json::Value;
use sluice_config::{
    ConnectorConfig, HttpMethod, ParamBinding, ParamValue, ResolvedResource, TextOrRef,
};
use sluice_secrets::Redactor;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::auth::{credentials, Credentials, SecretResolver};
use crate::error::{Error, Result};
use crate::event::{Event, EventKind, Events};
use crate::http::Http;
use crate::paginator::{Next, PageResponse, Paginator};
use crate::request::{Body, PageRequest};
use crate::retry::{Sleeper, TokioSleeper};
use crate::selector::{detect_data_selector, select_records, Path};
use crate::url::join_url;

/// Knobs of the engine that are not part of a connector.
#[derive(Clone)]
pub struct EngineOptions {
    /// Pages that may wait for the consumer before fetching pauses (memory stays flat).
    pub page_buffer: usize,
    /// A run that would fetch more pages than this fails instead (`None`: no limit).
    pub max_pages: Option<usize>,
    /// How retries wait; tests pass one that does not really sleep.
    pub sleeper: Arc<dyn Sleeper>,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            page_buffer: 4,
            max_pages: None,
            sleeper: Arc::new(TokioSleeper),
        }
    }
}

/// One page of records of a resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub resource: String,
    /// Counted from 1.
    pub number: usize,
    pub records: Vec<Value>,
}

/// How a finished resource ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub pages: usize,
    pub records: usize,
    /// Why paging stopped, in words.
    pub stop_reason: String,
}

/// A running extraction: read `pages` until it ends, then await `done` for the outcome.
/// `events` never blocks the run, so it may be read at any pace (or not at all).
pub struct Extraction {
    pub pages: mpsc::Receiver<Page>,
    pub events: mpsc::UnboundedReceiver<Event>,
    pub done: JoinHandle<Result<Summary>>,
}

impl Extraction {
    /// Reads every page, then the outcome and every event; for tests and small previews.
    pub async fn collect(mut self) -> (Vec<Page>, Vec<Event>, Result<Summary>) {
        let mut pages = Vec::new();
        while let Some(page) = self.pages.recv().await {
            pages.push(page);
        }
        let outcome = match self.done.await {
            Ok(outcome) => outcome,
            Err(error) => Err(Error::Config(format!(
                "the extraction task failed: {error}"
            ))),
        };
        let mut events = Vec::new();
        while let Ok(event) = self.events.try_recv() {
            events.push(event);
        }
        (pages, events, outcome)
    }
}

/// Runs the resources of one connector, sharing one HTTP client.
#[derive(Clone)]
pub struct Engine {
    config: Arc<ConnectorConfig>,
    http: Http,
    secrets: Arc<dyn SecretResolver>,
    redactor: Redactor,
    options: EngineOptions,
}

impl Engine {
    /// `redactor` receives every secret value and token the engine handles; share it with
    /// whatever else shows text of this run.
    pub fn new(
        config: ConnectorConfig,
        secrets: impl SecretResolver + 'static,
        redactor: Redactor,
        options: EngineOptions,
    ) -> Result<Engine> {
        let policy = config.sluice.retry.clone();
        let mut http = Http {
            client: reqwest::Client::new(),
            policy,
            sleeper: options.sleeper.clone(),
        };
        http.client = reqwest::Client::builder()
            .user_agent(concat!("sluice/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(http.timeout())
            .pool_max_idle_per_host(50)
            .build()
            .map_err(|error| Error::Config(format!("cannot create the HTTP client: {error}")))?;
        Ok(Engine {
            config: Arc::new(config),
            http,
            secrets: Arc::new(secrets),
            redactor,
            options,
        })
    }

    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    pub fn config(&self) -> &ConnectorConfig {
        &self.config
    }

    /// Starts extracting the top-level resource `name` on the current Tokio runtime. Problems
    /// with the config or its secrets are reported here, before any request.
    pub fn extract(&self, name: &str) -> Result<Extraction> {
        let resource = self
            .config
            .resolved_resources()
            .into_iter()
            .find(|r| r.name == name)
            .ok_or_else(|| Error::UnknownResource(name.to_owned()))?;
        let run = self.plan(&resource)?;
        let (page_tx, pages) = mpsc::channel(self.options.page_buffer.max(1));
        let (event_tx, events) = mpsc::unbounded_channel();
        let events_out = Events::new(name, self.redactor.clone(), event_tx);
        let done = tokio::spawn(run.run(page_tx, events_out));
        Ok(Extraction {
            pages,
            events,
            done,
        })
    }

    fn plan(&self, resource: &ResolvedResource) -> Result<Run> {
        let endpoint = &resource.endpoint;
        let credentials = credentials(
            self.config.effective_auth(resource),
            self.secrets.as_ref(),
            &self.redactor,
        )?;
        let path = unescape(resource.path(), "endpoint.path")?;
        let url_text = join_url(&self.config.client.base_url, &path);
        let url = Url::parse(&url_text)
            .map_err(|error| Error::Config(format!("`{url_text}` is not a URL: {error}")))?;

        let mut headers: Vec<(String, String)> = Vec::new();
        let client_headers = self.config.client.headers.iter().flatten();
        let endpoint_headers = endpoint.headers.iter().flatten();
        for (name, value) in client_headers.chain(endpoint_headers) {
            let value = self.text(value, &format!("headers.{name}"))?;
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            headers.push((name.clone(), value));
        }

        let mut params = Vec::new();
        for (name, value) in endpoint.params.iter().flatten() {
            let field = format!("endpoint.params.{name}");
            match value {
                ParamValue::Value(Value::Null) => {}
                ParamValue::Value(Value::Array(items)) => {
                    for item in items {
                        params.push((name.clone(), param_text(item, &field)?));
                    }
                }
                ParamValue::Value(value) => params.push((name.clone(), param_text(value, &field)?)),
                ParamValue::Ref(reference) => {
                    let value = self.text(&TextOrRef::Ref(reference.clone()), &field)?;
                    params.push((name.clone(), value));
                }
                ParamValue::Bound(binding) => {
                    let kind = match binding {
                        ParamBinding::Resolve(_) => "resolve",
                        ParamBinding::Incremental(_) => "incremental",
                    };
                    return Err(Error::Config(format!(
                        "{field}: `{kind}` params are not supported by this engine yet"
                    )));
                }
            }
        }

        let body = match (&endpoint.json, &endpoint.data) {
            (Some(_), Some(_)) => {
                return Err(Error::Config(
                    "endpoint: `json` and `data` cannot both be set".into(),
                ))
            }
            (Some(json), None) => Body::Json(Value::Object(json.clone().into_iter().collect())),
            (None, Some(Value::Object(form))) => Body::Form(
                form.iter()
                    .map(|(k, v)| Ok((k.clone(), param_text(v, "endpoint.data")?)))
                    .collect::<Result<_>>()?,
            ),
            (None, Some(Value::String(raw))) => Body::Raw(raw.clone()),
            (None, Some(Value::Null)) | (None, None) => Body::None,
            (None, Some(_)) => {
                return Err(Error::Config(
                    "endpoint.data must be an object (form) or a string (raw body)".into(),
                ))
            }
        };

        let method = match endpoint.method {
            Some(HttpMethod::Post) => Method::POST,
            Some(HttpMethod::Get) | None => Method::GET,
        };
        let paginator = Paginator::from_config(self.config.effective_paginator(resource))?;
        let data_selector = endpoint
            .data_selector
            .as_deref()
            .map(Path::parse)
            .transpose()?;
        Ok(Run {
            name: resource.name.clone(),
            http: self.http.clone(),
            credentials,
            request: PageRequest {
                method,
                url,
                params,
                headers,
                body,
            },
            paginator,
            data_selector,
            max_pages: self.options.max_pages,
        })
    }

    /// A header or param value: text as written, a reference looked up (secrets get redacted).
    fn text(&self, value: &TextOrRef, field: &str) -> Result<String> {
        match value {
            TextOrRef::Text(text) => unescape(text, field),
            TextOrRef::Ref(reference) => {
                let value =
                    self.secrets
                        .resolve(reference.name())
                        .map_err(|reason| Error::Secret {
                            name: reference.name().to_owned(),
                            reason,
                        })?;
                if reference.is_secret() {
                    self.redactor.add(value.expose());
                }
                Ok(value.expose().to_owned())
            }
        }
    }
}

/// dlt formats every string with `str.format`: `{{`/`}}` are literal braces, and a lone brace is
/// a placeholder, which this engine does not fill in yet.
fn unescape(text: &str, field: &str) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '}' if chars.peek() == Some(&c) => {
                chars.next();
                out.push(c);
            }
            '{' | '}' => {
                return Err(Error::Config(format!(
                    "{field}: placeholders (`{text}`) are not supported by this engine yet; \
                     write `{{{{` and `}}}}` for literal braces"
                )))
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

fn param_text(value: &Value, field: &str) -> Result<String> {
    match value {
        Value::String(text) => unescape(text, field),
        // dlt sends Python's spelling of booleans.
        Value::Bool(true) => Ok("True".into()),
        Value::Bool(false) => Ok("False".into()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Null => Ok(String::new()),
        Value::Array(_) | Value::Object(_) => Err(Error::Config(format!(
            "{field}: a nested list or object cannot be sent as a parameter"
        ))),
    }
}

/// Everything one resource's extraction needs, owned by its task.
struct Run {
    name: String,
    http: Http,
    credentials: Credentials,
    request: PageRequest,
    paginator: Paginator,
    data_selector: Option<Path>,
    max_pages: Option<usize>,
}

impl Run {
    async fn run(mut self, pages: mpsc::Sender<Page>, events: Events) -> Result<Summary> {
        let mut request = self.request.clone();
        self.paginator.init_request(&mut request);
        let mut previous_page: Option<u64> = None;
        let mut records_total = 0;
        let mut number = 0;
        loop {
            if let Some(max) = self.max_pages {
                if number >= max {
                    return Err(Error::Guard(format!(
                        "passed the limit of {max} pages; raise the page limit if the API \
                         really has more"
                    )));
                }
            }
            number += 1;
            let response = self.http.send(&request, &self.credentials, &events).await?;
            let shown_url = events
                .redactor()
                .redact(&request.display_url())
                .into_owned();
            let fingerprint = {
                let mut hasher = DefaultHasher::new();
                response.body.hash(&mut hasher);
                hasher.finish()
            };
            if previous_page == Some(fingerprint) {
                return Err(Error::Guard(format!(
                    "page {number} ({shown_url}) is the same as page {}: the {} paginator is \
                     not moving on",
                    number - 1,
                    self.paginator.name()
                )));
            }
            previous_page = Some(fingerprint);
            let body: Value =
                serde_json::from_slice(&response.body).map_err(|error| Error::Response {
                    url: shown_url.clone(),
                    reason: format!("the body is not JSON: {error}"),
                })?;
            let selector = match &self.data_selector {
                Some(selector) => selector.clone(),
                None => {
                    let detected = detect_data_selector(&body);
                    events.emit(EventKind::Detected {
                        reason: format!("detected data_selector `{detected}`"),
                    });
                    let selector = Path::parse(&detected)?;
                    self.data_selector = Some(selector.clone());
                    selector
                }
            };
            let records = select_records(&body, &selector);
            // Links resolve against the URL actually requested, params included.
            let requested = Url::parse(&request.display_url()).unwrap_or(response.url.clone());
            let view = PageResponse {
                url: &requested,
                headers: &response.headers,
                body: &body,
            };
            if let Some(reason) = self.paginator.detect(&view) {
                events.emit(EventKind::Detected { reason });
            }
            let next = self
                .paginator
                .advance(&view, &records, number, &mut request)?;
            records_total += records.len();
            events.emit(EventKind::Page {
                number,
                records: records.len(),
            });
            if !records.is_empty() {
                let page = Page {
                    resource: self.name.clone(),
                    number,
                    records,
                };
                pages.send(page).await.map_err(|_| Error::Cancelled)?;
            }
            if let Next::Stop(reason) = next {
                events.emit(EventKind::Stopped {
                    reason: reason.clone(),
                });
                return Ok(Summary {
                    pages: number,
                    records: records_total,
                    stop_reason: reason,
                });
            }
        }
    }
}
