//! Extraction of a resource: the request built from the connector, then page after page through
//! the paginator (once per parent record for a child), records handed on through a bounded
//! channel.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use reqwest::{Method, Url};
use serde_json::Value;
use sluice_config::{
    ConnectorConfig, HttpMethod, Paginator as PaginatorModel, PaginatorConfig, PaginatorType,
    ParamBinding, ParamValue, ResponseAction, TextOrRef, ValueRef,
};
use sluice_secrets::Redactor;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::auth::{credentials, look_up, Credentials, SecretResolver};
use crate::error::{Error, Result};
use crate::event::{Event, EventKind, Events};
use crate::http::Http;
use crate::incremental::{IncrementalState, ResourceState, Tracker};
use crate::origin::CredentialScope;
use crate::paginator::{Next, PageResponse, Paginator};
use crate::placeholder::{self, Context, ParentRecord};
use crate::request::{Body, PageRequest};
use crate::retry::{Sleeper, TokioSleeper};
use crate::selector::{
    count_records, detect_data_selector, explain_selector, select_records, take_records, Path,
};
use crate::url::join_url;

/// Knobs of the engine that are not part of a connector.
#[derive(Clone)]
pub struct EngineOptions {
    /// Pages that may wait for the consumer before fetching pauses (memory stays flat).
    pub page_buffer: usize,
    /// A request sequence (a child's: per parent record) that would fetch more pages than this
    /// fails instead (`None`: no limit).
    pub max_pages: Option<usize>,
    /// How retries wait; tests pass one that does not really sleep.
    pub sleeper: Arc<dyn Sleeper>,
    /// Preview mode (the app's test panel, `sluice preview`): stop early and capture requests.
    pub preview: Option<Preview>,
}

/// Limits of a preview run. Reaching one ends a resource normally, with the reason in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// Pages per resource (a child's pages across all its parent records).
    pub max_pages: Option<usize>,
    /// Records per resource; the page that reaches it is cut.
    pub max_records: Option<usize>,
    /// Characters of each captured request and response body.
    pub body_chars: usize,
}

impl Default for Preview {
    fn default() -> Self {
        Preview {
            max_pages: Some(2),
            max_records: None,
            body_chars: 2000,
        }
    }
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            page_buffer: 4,
            max_pages: None,
            sleeper: Arc::new(TokioSleeper),
            preview: None,
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
    /// Preview only: a page or record limit ended the run while the API had more to give.
    pub sample_limit_reached: bool,
    /// The incremental state to store with the data; `None` without an incremental cursor or
    /// with an `end_value` (such runs are stateless, as in dlt).
    pub incremental: Option<IncrementalState>,
    /// For a child: the cursors of the incremental parents above it as this run left them, by
    /// parent name, to store with this resource's rows (see [`ResourceState`]).
    pub parents_incremental: BTreeMap<String, IncrementalState>,
    /// Paging stopped while the API's answer said there was more: a record or page count above
    /// what was read, `has_more` still true, a next link left unfollowed.
    pub warning: Option<String>,
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

/// Several resources extracted at once: their pages interleave in one stream (each page names
/// its resource), and `done` gives each resource's outcome, in the order asked for, so one
/// failing resource does not hide the others.
pub struct Extractions {
    pub pages: mpsc::Receiver<Page>,
    pub events: mpsc::UnboundedReceiver<Event>,
    pub done: JoinHandle<Vec<(String, Result<Summary>)>>,
}

impl Extractions {
    /// Reads every page, then the outcomes and every event; for tests and small previews.
    pub async fn collect(mut self) -> (Vec<Page>, Vec<Event>, Vec<(String, Result<Summary>)>) {
        let mut pages = Vec::new();
        while let Some(page) = self.pages.recv().await {
            pages.push(page);
        }
        let outcomes = self.done.await.unwrap_or_else(|error| {
            vec![(
                String::new(),
                Err(Error::Config(format!(
                    "the extraction task failed: {error}"
                ))),
            )]
        });
        let mut events = Vec::new();
        while let Ok(event) = self.events.try_recv() {
            events.push(event);
        }
        (pages, events, outcomes)
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
        let (client, token_client) = crate::http::clients(&policy)
            .map_err(|error| Error::Config(format!("cannot create the HTTP client: {error}")))?;
        let http = Http {
            client,
            token_client,
            scope: CredentialScope::default(),
            policy,
            sleeper: options.sleeper.clone(),
            capture_body_chars: options.preview.as_ref().map(|p| p.body_chars),
        };
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

    /// Checks that the resource `name` can run (its config, its parents, its secrets) without
    /// sending a request.
    pub fn check(&self, name: &str) -> Result<()> {
        self.plan(name, &[], &ResourceState::default()).map(|_| ())
    }

    /// Starts extracting the resource `name` on the current Tokio runtime: a top-level
    /// resource, or a child fetched once per record of its parent. Problems with the config or
    /// its secrets are reported here, before any request.
    pub fn extract(&self, name: &str) -> Result<Extraction> {
        self.extract_with_state(name, &ResourceState::default())
    }

    /// Extracts `resources` (name and incremental state) with at most `concurrency` running at
    /// a time. Resources do not wait for each other: a child runs its own parent's requests.
    /// Every config problem is reported here, before any request.
    pub fn extract_many(
        &self,
        resources: &[(&str, Option<&IncrementalState>)],
        concurrency: usize,
    ) -> Result<Extractions> {
        let runs = resources
            .iter()
            .map(|(name, state)| {
                let state = ResourceState {
                    own: state.cloned(),
                    parents: BTreeMap::new(),
                };
                Ok(((*name).to_owned(), self.plan(name, &[], &state)?))
            })
            .collect::<Result<Vec<_>>>()?;
        let (page_tx, pages) = mpsc::channel(self.options.page_buffer.max(1));
        let (event_tx, events) = mpsc::unbounded_channel();
        let events_out = Events::new("", self.redactor.clone(), event_tx);
        let permits = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
        let done = tokio::spawn(async move {
            let mut tasks = Vec::new();
            for (name, run) in runs {
                let permits = permits.clone();
                let pages = page_tx.clone();
                let events = events_out.for_resource(&name);
                tasks.push((
                    name,
                    tokio::spawn(async move {
                        // The semaphore is never closed, so acquiring only waits for a turn.
                        let _permit = permits.acquire_owned().await;
                        run.run(pages, events).await
                    }),
                ));
            }
            drop(page_tx);
            let mut outcomes = Vec::new();
            for (name, task) in tasks {
                let outcome = task.await.unwrap_or_else(|error| {
                    Err(Error::Config(format!(
                        "the extraction task failed: {error}"
                    )))
                });
                outcomes.push((name, outcome));
            }
            outcomes
        });
        Ok(Extractions {
            pages,
            events,
            done,
        })
    }

    /// [`Engine::extract`] for a resource with an incremental cursor, or a child of incremental
    /// parents: `state` is what the previous run's [`Summary::incremental`] and
    /// [`Summary::parents_incremental`] said (as the loader stored them), empty on the first
    /// run.
    pub fn extract_with_state(&self, name: &str, state: &ResourceState) -> Result<Extraction> {
        let run = self.plan(name, &[], state)?;
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

    /// `children`: the resources below this one in the chain being planned, to refuse cycles.
    /// `state`: the state of the resource the chain is planned for; a parent takes its cursor
    /// from `state.parents`.
    fn plan(&self, name: &str, children: &[&str], state: &ResourceState) -> Result<Run> {
        let resource = self
            .config
            .resolved_resources()
            .into_iter()
            .find(|r| r.name == name)
            .ok_or_else(|| Error::UnknownResource(name.to_owned()))?;
        let endpoint = &resource.endpoint;
        let credentials = credentials(
            self.config.effective_auth(&resource),
            self.secrets.as_ref(),
            &self.redactor,
        )?;

        let mut headers: Vec<(String, Template)> = Vec::new();
        let client_headers = self.config.client.headers.iter().flatten();
        for (name, value) in client_headers {
            // dlt fills no placeholders in client headers; only `{{`/`}}` would be odd there.
            let value = match self.template(value)? {
                Template::Format(text) => Template::Literal(text),
                literal => literal,
            };
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            headers.push((name.clone(), value));
        }
        for (name, value) in endpoint.headers.iter().flatten() {
            let value = self.template(value)?;
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            headers.push((name.clone(), value));
        }

        let mut path = resource.path().to_owned();
        let mut params = Vec::new();
        let mut param_incrementals = Vec::new();
        for (name, value) in endpoint.params.iter().flatten() {
            let field = format!("endpoint.params.{name}");
            match value {
                ParamValue::Value(Value::Null) => {}
                ParamValue::Value(Value::Array(items)) => {
                    for item in items {
                        params.push((name.clone(), Template::Format(param_text(item, &field)?)));
                    }
                }
                ParamValue::Value(value) => {
                    params.push((name.clone(), Template::Format(param_text(value, &field)?)))
                }
                ParamValue::Ref(reference) => {
                    params.push((
                        name.clone(),
                        self.template(&TextOrRef::Ref(reference.clone()))?,
                    ));
                }
                ParamValue::Bound(ParamBinding::Incremental(incremental)) => {
                    param_incrementals.push((name.clone(), incremental.clone()));
                }
                // dlt's legacy parent binding: `{name}` in the path (or the param itself) takes
                // `field` of each `resource` record, which is the placeholder form.
                ParamValue::Bound(ParamBinding::Resolve(resolve)) => {
                    let placeholder =
                        format!("{{resources.{}.{}}}", resolve.resource, resolve.field);
                    let in_path = format!("{{{name}}}");
                    if path.contains(&in_path) {
                        path = path.replace(&in_path, &placeholder);
                    } else {
                        params.push((name.clone(), Template::Format(placeholder)));
                    }
                }
            }
        }

        // dlt's three styles: the endpoint block (placeholders, or its deprecated start/end
        // params), or a param declared as `{"type": "incremental", ...}`.
        let incremental = match (&endpoint.incremental, param_incrementals.as_slice()) {
            (None, []) => None,
            (Some(config), []) => Some((
                config.clone(),
                config.start_param.clone(),
                config.end_param.clone(),
            )),
            (None, [(param, config)]) => {
                if config.end_value.is_some() || config.end_param.is_some() {
                    return Err(Error::Config(format!(
                        "endpoint.params.{param}: an incremental param takes no end_value; use \
                         endpoint.incremental for a closed range"
                    )));
                }
                Some((config.clone(), Some(param.clone()), None))
            }
            _ => {
                return Err(Error::Config(format!(
                    "resource `{name}` has more than one incremental; dlt allows one per endpoint"
                )))
            }
        };
        // A parent's cursor is the copy the child's last run left, not the parent's own.
        let own_state = if children.is_empty() {
            state.own.as_ref()
        } else {
            state.parents.get(name)
        };
        let tracker = match incremental {
            None => None,
            Some((config, start_param, end_param)) => {
                let resource_key = resource.settings.primary_key.as_ref();
                // Whether this is a child is known below; `row_order` is dropped there if so.
                let tracker = Tracker::new(&config, resource_key, own_state, true)?;
                for (param, value) in [
                    (start_param, tracker.start_value()),
                    (end_param, tracker.end_value()),
                ] {
                    if let (Some(param), Some(value)) = (param, value) {
                        if !value.is_null() {
                            params.retain(|(p, _)| *p != param);
                            params
                                .push((param, Template::Literal(placeholder::python_text(value))));
                        }
                    }
                }
                Some(tracker)
            }
        };
        let incremental_values = tracker.as_ref().map(Tracker::placeholders);

        // `$secret` and `$config` values in a body are looked up now (a missing one is an
        // error before any request) and filled in after the placeholders, so a `{` in a secret
        // is just a character.
        let mut looked_up = HashMap::new();
        let mut form = Vec::new();
        let body = match (&endpoint.json, &endpoint.data) {
            (Some(_), Some(_)) => {
                return Err(Error::Config(
                    "endpoint: `json` and `data` cannot both be set".into(),
                ))
            }
            (Some(json), None) => {
                let json = Value::Object(json.clone().into_iter().collect());
                self.look_up_in(&json, &mut looked_up)?;
                Body::Json(json)
            }
            (None, Some(Value::Object(fields))) => {
                for (key, value) in fields {
                    let value = match ValueRef::from_json(value) {
                        Some(reference) => Template::Literal(look_up(
                            self.secrets.as_ref(),
                            &self.redactor,
                            &reference,
                        )?),
                        None => Template::Format(param_text(value, "endpoint.data")?),
                    };
                    form.push((key.clone(), value));
                }
                Body::Form(Vec::new())
            }
            (None, Some(Value::String(raw))) => Body::Raw(raw.clone()),
            (None, Some(Value::Null)) | (None, None) => Body::None,
            (None, Some(_)) => {
                return Err(Error::Config(
                    "endpoint.data must be an object (form) or a string (raw body)".into(),
                ))
            }
        };

        let request = RequestTemplate {
            base_url: self.config.client.base_url.clone(),
            path: path.clone(),
            method: match endpoint.method {
                Some(HttpMethod::Post) => Method::POST,
                Some(HttpMethod::Get) | None => Method::GET,
            },
            params,
            headers,
            body,
            form,
            looked_up,
        };
        let parents = request.parents();
        let mut tracker = tracker;
        if let (Some(tracker), false) = (tracker.as_mut(), parents.is_empty()) {
            // dlt ends paging by row_order for top-level resources only.
            tracker.never_stop_early();
        }
        let parent = match parents.as_slice() {
            [] => {
                // Surfaces bad braces and unknown placeholders before any request.
                request.build(&Context {
                    parent: None,
                    incremental: incremental_values.as_ref(),
                })?;
                None
            }
            [parent] => {
                if parent == name || children.contains(&parent.as_str()) {
                    return Err(Error::Config(format!(
                        "resource `{name}` takes its parent `{parent}` from a resource below it ({}); parents must form a chain, not a cycle",
                        children.join(" → ")
                    )));
                }
                let mut lineage = children.to_vec();
                lineage.push(name);
                Some(Box::new(self.plan(parent, &lineage, state).map_err(
                    |error| match error {
                        Error::UnknownResource(_) => Error::Config(format!(
                            "resource `{name}` refers to `{{resources.{parent}...}}` but there is no resource `{parent}`"
                        )),
                        other => other,
                    },
                )?))
            }
            several => {
                return Err(Error::Config(format!(
                    "resource `{name}` refers to several parents ({}); dlt allows one",
                    several.join(", ")
                )))
            }
        };

        // dlt's single-entity rule: a placeholder in the last path segment means one object per
        // request, so no paging and the whole body is the record, unless the endpoint says
        // otherwise (this overrides the client's paginator).
        let single_entity = path
            .rsplit('/')
            .next()
            .is_some_and(|last| !placeholder::names(last).is_empty());
        let paginator = match (&endpoint.paginator, single_entity) {
            (None, true) => Paginator::SinglePage,
            // dlt falls back to the client's paginator whenever the endpoint's is "empty",
            // and `auto` counts as empty there: it never overrides a client paginator.
            (Some(PaginatorModel::Type(PaginatorType::Auto)), _)
            | (Some(PaginatorModel::Config(PaginatorConfig::Auto)), _) => {
                Paginator::from_config(self.config.client.paginator.as_ref())?
            }
            _ => Paginator::from_config(self.config.effective_paginator(&resource))?,
        };
        let data_selector = match (&endpoint.data_selector, single_entity) {
            (Some(selector), _) => Some(Path::parse(selector)?),
            (None, true) => Some(Path::parse("$")?),
            (None, false) => None,
        };
        let include_from_parent = match (&parent, &resource.settings.include_from_parent) {
            (Some(_), Some(fields)) => fields.clone(),
            (None, Some(fields)) if !fields.is_empty() => {
                return Err(Error::Config(format!(
                    "resource `{name}`: include_from_parent needs a parent placeholder in the \
                     endpoint"
                )))
            }
            _ => Vec::new(),
        };
        let mut http = self.http.clone();
        http.scope = CredentialScope::new(
            &request.base_url,
            &request.path,
            &self.config.sluice.retry.credential_hosts,
        );
        Ok(Run {
            name: resource.name.clone(),
            http,
            credentials,
            request,
            paginator,
            data_selector,
            // A preview's own limit, else the connector's page limit for syncs (0: none).
            max_pages: self.options.max_pages.or_else(|| {
                let limit = self.config.sluice.retry.max_pages;
                (limit > 0).then(|| usize::try_from(limit).unwrap_or(usize::MAX))
            }),
            response_actions: endpoint.response_actions.clone().unwrap_or_default(),
            incremental: tracker.map(std::sync::Mutex::new),
            incremental_values,
            preview: self.options.preview.clone(),
            parent,
            include_from_parent,
        })
    }

    /// Looks up every reference in a JSON body, keyed by the reference's own JSON text.
    fn look_up_in(&self, value: &Value, found: &mut HashMap<String, String>) -> Result<()> {
        if let Some(reference) = ValueRef::from_json(value) {
            let value = look_up(self.secrets.as_ref(), &self.redactor, &reference)?;
            found.insert(reference.to_json().to_string(), value);
            return Ok(());
        }
        match value {
            Value::Array(items) => items.iter().try_for_each(|v| self.look_up_in(v, found)),
            Value::Object(object) => object.values().try_for_each(|v| self.look_up_in(v, found)),
            _ => Ok(()),
        }
    }

    /// A header or param value: text to format, or a looked-up value sent as it is (secrets
    /// are registered with the redactor).
    fn template(&self, value: &TextOrRef) -> Result<Template> {
        match value {
            TextOrRef::Text(text) => Ok(Template::Format(text.clone())),
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
                Ok(Template::Literal(value.expose().to_owned()))
            }
        }
    }
}

/// A value of the request: formatted for each parent record, or sent as it is.
#[derive(Debug, Clone)]
enum Template {
    Format(String),
    /// A looked-up value: never formatted, so a `{` in a secret is just a character.
    Literal(String),
}

impl Template {
    fn render(&self, ctx: &Context<'_>, field: &str) -> Result<String> {
        match self {
            Template::Format(text) => placeholder::format(text, ctx, field),
            Template::Literal(text) => Ok(text.clone()),
        }
    }
}

/// The request of a resource before placeholders are filled in.
struct RequestTemplate {
    base_url: String,
    path: String,
    method: Method,
    params: Vec<(String, Template)>,
    headers: Vec<(String, Template)>,
    /// `Body::Form` stands for [`RequestTemplate::form`], whose values may be looked up.
    body: Body,
    form: Vec<(String, Template)>,
    /// The values of the references in a JSON body, by the reference's JSON text.
    looked_up: HashMap<String, String>,
}

impl RequestTemplate {
    /// The parents the placeholders refer to, each once.
    fn parents(&self) -> Vec<String> {
        let mut texts: Vec<String> = vec![self.path.clone()];
        for (name, value) in self.params.iter().chain(&self.headers) {
            texts.push(name.clone());
            if let Template::Format(text) = value {
                texts.push(text.clone());
            }
        }
        match &self.body {
            Body::Json(json) => collect_strings(json, &mut texts),
            Body::Form(_) => {
                for (key, value) in &self.form {
                    texts.push(key.clone());
                    if let Template::Format(text) = value {
                        texts.push(text.clone());
                    }
                }
            }
            Body::Raw(text) => texts.push(text.clone()),
            Body::None => {}
        }
        let mut parents: Vec<String> = Vec::new();
        for text in texts {
            for name in placeholder::names(&text) {
                if let Some(parent) = placeholder::parent_of(&name) {
                    if !parents.iter().any(|p| p == parent) {
                        parents.push(parent.to_owned());
                    }
                }
            }
        }
        parents
    }

    fn build(&self, ctx: &Context<'_>) -> Result<PageRequest> {
        let path = placeholder::format_path(&self.path, ctx, "endpoint.path")?;
        let url_text = join_url(&self.base_url, &path);
        let url = Url::parse(&url_text)
            .map_err(|error| Error::Config(format!("`{url_text}` is not a URL: {error}")))?;
        let render_all =
            |pairs: &[(String, Template)], what: &str| -> Result<Vec<(String, String)>> {
                pairs
                    .iter()
                    .map(|(name, value)| {
                        // dlt formats keys as well as values.
                        let field = format!("endpoint.{what}.{name}");
                        let name = placeholder::format(name, ctx, &format!("endpoint.{what}"))?;
                        Ok((name, value.render(ctx, &field)?))
                    })
                    .collect()
            };
        let body = match &self.body {
            Body::Json(json) => {
                let mut json = placeholder::format_json(json, ctx, "endpoint.json")?;
                fill_in(&mut json, &self.looked_up);
                Body::Json(json)
            }
            Body::Form(_) => Body::Form(render_all(&self.form, "data")?),
            Body::Raw(text) => Body::Raw(placeholder::format(text, ctx, "endpoint.data")?),
            other => other.clone(),
        };
        Ok(PageRequest {
            method: self.method.clone(),
            url,
            params: render_all(&self.params, "params")?,
            headers: render_all(&self.headers, "headers")?,
            body,
        })
    }
}

/// Puts looked-up values where their references stand in a JSON body.
fn fill_in(value: &mut Value, looked_up: &HashMap<String, String>) {
    if looked_up.is_empty() {
        return;
    }
    if let Some(reference) = ValueRef::from_json(value) {
        if let Some(found) = looked_up.get(&reference.to_json().to_string()) {
            *value = Value::String(found.clone());
        }
        return;
    }
    match value {
        Value::Array(items) => items.iter_mut().for_each(|v| fill_in(v, looked_up)),
        Value::Object(object) => object.values_mut().for_each(|v| fill_in(v, looked_up)),
        _ => {}
    }
}

fn collect_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|item| collect_strings(item, out)),
        Value::Object(object) => {
            for (key, item) in object {
                out.push(key.clone());
                collect_strings(item, out);
            }
        }
        _ => {}
    }
}

fn param_text(value: &Value, field: &str) -> Result<String> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Array(_) | Value::Object(_) => Err(Error::Config(format!(
            "{field}: a nested list or object cannot be sent as a parameter"
        ))),
        // dlt sends Python's spelling of booleans.
        other => Ok(placeholder::python_text(other)),
    }
}

/// Everything one resource's extraction needs, owned by its task.
struct Run {
    name: String,
    http: Http,
    credentials: Credentials,
    request: RequestTemplate,
    /// The paginator as configured; each request sequence starts from a fresh copy.
    paginator: Paginator,
    data_selector: Option<Path>,
    max_pages: Option<usize>,
    response_actions: Vec<ResponseAction>,
    /// One cursor for the whole resource, shared by every parent record's requests (as in dlt).
    incremental: Option<std::sync::Mutex<Tracker>>,
    incremental_values: Option<serde_json::Map<String, Value>>,
    preview: Option<Preview>,
    /// Set for a child resource: fetched once per record of this parent.
    parent: Option<Box<Run>>,
    include_from_parent: Vec<String>,
}

type BoxedRun = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Summary>> + Send>>;

/// Pages and records handed on so far.
#[derive(Default)]
struct Totals {
    pages: usize,
    records: usize,
    /// The first sign of pages left unread, from a sequence that stopped on its own.
    unread: Option<String>,
    /// Sequences (one per parent record for a child) that left pages unread.
    unread_sequences: usize,
    /// Why the records path set picked no list from the first answer.
    selector_miss: Option<String>,
    /// A suggested paginator was checked against page 2 (once per run).
    probed: bool,
}

impl Totals {
    /// The summary's warning; `parents` is the number of parent records of a child resource.
    fn warning(&self, parents: Option<usize>) -> Option<String> {
        let selector = self.selector_miss.as_ref().map(|miss| {
            format!(
                "{miss}: check the resource's records path (a test of the resource suggests one)"
            )
        });
        let paging = self.unread.as_ref().map(|first| {
            let advice = "check the resource's paginator (a test of the resource suggests one)";
            match parents {
                Some(parents) => format!(
                    "paging stopped early for {} of {parents} parent records; the first: {first}: {advice}",
                    self.unread_sequences
                ),
                None => format!("{first}: {advice}"),
            }
        });
        match (selector, paging) {
            (Some(selector), Some(paging)) => Some(format!("{selector}; {paging}")),
            (selector, paging) => selector.or(paging),
        }
    }
}

impl Run {
    /// Boxed because a child's task runs its parent's, which may have a parent too.
    fn run(self, pages: mpsc::Sender<Page>, events: Events) -> BoxedRun {
        Box::pin(self.run_chain(pages, events))
    }

    async fn run_chain(mut self, pages: mpsc::Sender<Page>, events: Events) -> Result<Summary> {
        let Some(parent) = self.parent.take() else {
            return self.run_alone(pages, events).await;
        };
        let mut totals = Totals::default();
        let parent_name = parent.name.clone();
        // The parent's pages come through a small channel of their own, so a child is fetched
        // while the parent's next page is on its way, and memory stays flat.
        let (parent_tx, mut parent_pages) = mpsc::channel(2);
        let parent_task = tokio::spawn(parent.run(parent_tx, events.for_resource(&parent_name)));
        let mut parent_records = 0;
        let mut last_stop = String::new();
        let mut preview_stop = None;
        'parents: while let Some(page) = parent_pages.recv().await {
            for record in &page.records {
                parent_records += 1;
                let parent = ParentRecord {
                    resource: &parent_name,
                    record,
                };
                let request = self.request.build(&Context {
                    parent: Some(&parent),
                    incremental: self.incremental_values.as_ref(),
                })?;
                let mut extra = Vec::new();
                for field in &self.include_from_parent {
                    let value = record.get(field).ok_or_else(|| {
                        Error::Config(format!(
                            "include_from_parent: the `{parent_name}` record has no field `{field}`"
                        ))
                    })?;
                    extra.push((format!("_{parent_name}_{field}"), value.clone()));
                }
                last_stop = self
                    .sequence(request, &pages, &events, &extra, &mut totals)
                    .await?;
                if let Some(reason) = self.preview_reached(&totals) {
                    preview_stop = Some(reason);
                    break 'parents;
                }
            }
        }
        // A preview that has enough stops the parent too; it then reports being cancelled.
        drop(parent_pages);
        // The parent's cursor (and its own parents') as this run moved them, for the child to
        // keep: the children of exactly these parent records are in this run.
        let mut parents_incremental = BTreeMap::new();
        match parent_task.await {
            Ok(Err(Error::Cancelled)) if preview_stop.is_some() => {}
            Ok(outcome) => {
                let parent = outcome?;
                parents_incremental = parent.parents_incremental;
                if let Some(state) = parent.incremental {
                    parents_incremental.insert(parent_name.clone(), state);
                }
            }
            Err(error) => {
                return Err(Error::Config(format!(
                    "the `{parent_name}` extraction task failed: {error}"
                )))
            }
        };
        let sample_limit_reached = preview_stop.is_some();
        let stop_reason = preview_stop.unwrap_or_else(|| {
            format!(
                "fetched once for each of {parent_records} `{parent_name}` records; the last \
                 time {last_stop}"
            )
        });
        Ok(Summary {
            pages: totals.pages,
            records: totals.records,
            stop_reason,
            sample_limit_reached,
            incremental: self.incremental_state(),
            parents_incremental,
            warning: totals.warning(Some(parent_records)),
        })
    }

    /// Asks for the page after `first` the way the suggested `config` would page, to confirm it:
    /// the answer must hold records, and not page 1's again (an API that ignores the parameter
    /// answers page 1 to every request). Returns how many records page 2 held, or why not.
    async fn second_page(
        &self,
        config: &Value,
        first: &PageRequest,
        view: &PageResponse<'_>,
        records: usize,
        selector: &Path,
        events: &Events,
    ) -> std::result::Result<usize, String> {
        let mut paginator = Paginator::from_json(config).map_err(|e| e.to_string())?;
        let mut request = first.clone();
        paginator.init_request(&mut request);
        if let Next::Stop(reason) = paginator
            .advance(view, records, 1, &mut request)
            .map_err(|e| e.to_string())?
        {
            return Err(reason);
        }
        let response = self
            .http
            .send(&request, &self.credentials, events, &self.response_actions)
            .await
            .map_err(|e| format!("page 2 failed: {e}"))?;
        let body: Value = serde_json::from_slice(&response.body)
            .map_err(|e| format!("page 2 is not JSON: {e}"))?;
        let second = select_records(&body, selector);
        if second.is_empty() {
            return Err("page 2 held no records".into());
        }
        if second.first() == select_records(view.body, selector).first() {
            return Err(
                "page 2 began with page 1's first record, so the API ignores the parameter".into(),
            );
        }
        Ok(second.len())
    }

    /// The preview's reason to stop, once a limit is reached.
    fn preview_reached(&self, totals: &Totals) -> Option<String> {
        let preview = self.preview.as_ref()?;
        if let Some(max) = preview.max_records.filter(|max| totals.records >= *max) {
            return Some(format!("preview: stopped after {max} records"));
        }
        let max = preview.max_pages.filter(|max| totals.pages >= *max)?;
        Some(format!("preview: stopped after {max} pages"))
    }

    fn incremental_state(&self) -> Option<IncrementalState> {
        let tracker = self.incremental.as_ref()?;
        tracker
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .state()
    }

    /// A resource without a parent: one request sequence.
    async fn run_alone(self, pages: mpsc::Sender<Page>, events: Events) -> Result<Summary> {
        let mut totals = Totals::default();
        let request = self.request.build(&Context {
            parent: None,
            incremental: self.incremental_values.as_ref(),
        })?;
        let stop_reason = self
            .sequence(request, &pages, &events, &[], &mut totals)
            .await?;
        // A paginator that stops on the page that reaches the limit has nothing more to give.
        let sample_limit_reached =
            self.preview_reached(&totals).as_deref() == Some(stop_reason.as_str());
        Ok(Summary {
            pages: totals.pages,
            records: totals.records,
            stop_reason,
            sample_limit_reached,
            incremental: self.incremental_state(),
            parents_incremental: BTreeMap::new(),
            warning: totals.warning(None),
        })
    }

    /// One paginated request sequence (dlt's `paginate`), with a fresh paginator and data
    /// selector detection; `extra` fields are added to every record.
    async fn sequence(
        &self,
        mut request: PageRequest,
        pages: &mpsc::Sender<Page>,
        events: &Events,
        extra: &[(String, Value)],
        totals: &mut Totals,
    ) -> Result<String> {
        let mut paginator = self.paginator.clone();
        let mut data_selector = self.data_selector.clone();
        paginator.init_request(&mut request);
        let mut previous_page: Option<u64> = None;
        // Every request of this sequence by its fingerprint, with the page that asked it: a
        // paginator that asks for the same URL and body twice (the same cursor or next link
        // again, an A/B/A cycle) would page forever.
        let mut asked: HashMap<u64, usize> = HashMap::new();
        let mut number = 0;
        // Records the answers held, before any incremental filter, for the unread check.
        let mut answered = 0;
        loop {
            if let Some(max) = self.max_pages {
                if number >= max {
                    return Err(Error::Guard(format!(
                        "stopped after page {number}, the limit of {max} pages; raise \"Most \
                         pages per resource\" under Pipeline & retry if the API really has more"
                    )));
                }
            }
            number += 1;
            if let Some(first) = asked.insert(request.fingerprint(), number) {
                let shown = events
                    .redactor()
                    .redact(&request.display_url())
                    .into_owned();
                return Err(Error::Guard(format!(
                    "page {number} would ask for {shown} again, as page {first} did: the {} \
                     paginator is going round in circles",
                    paginator.name()
                )));
            }
            let response = self
                .http
                .send(&request, &self.credentials, events, &self.response_actions)
                .await
                .map_err(|error| match error {
                    // Which page brought an unusable answer (too large, not JSON).
                    Error::Response { url, reason } => Error::Response {
                        url,
                        reason: format!("{reason} (page {number})"),
                    },
                    other => other,
                })?;
            if let Some(why) = &response.ignored {
                // dlt ends this request sequence without records and without an error.
                let reason = format!("stopped: {why} on page {number}");
                events.emit(EventKind::Stopped {
                    reason: reason.clone(),
                });
                return Ok(reason);
            }
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
                    paginator.name()
                )));
            }
            previous_page = Some(fingerprint);
            let body: Value =
                serde_json::from_slice(&response.body).map_err(|error| Error::Response {
                    url: shown_url.clone(),
                    reason: format!("the body is not JSON: {error}"),
                })?;
            let selector = match &data_selector {
                Some(selector) => selector.clone(),
                None => {
                    let detected = detect_data_selector(&body);
                    events.emit(EventKind::Detected {
                        reason: format!("detected data_selector `{detected}`"),
                        config: serde_json::json!({ "data_selector": detected }),
                    });
                    let selector = Path::parse(&detected)?;
                    data_selector = Some(selector.clone());
                    selector
                }
            };
            let record_count = count_records(&body, &selector);
            // A records path that was set but picks no list: say why, with the answer's pick.
            if number == 1 && self.data_selector.is_some() && totals.selector_miss.is_none() {
                if let Some(mut miss) = explain_selector(&body, &selector) {
                    // It quotes the answer, which may echo a token: redacted like every event.
                    miss.reason = events.redactor().redact(&miss.reason).into_owned();
                    if let Some(suggested) = &miss.suggested {
                        events.emit(EventKind::Detected {
                            reason: format!(
                                "suggested data_selector `{suggested}`: {}",
                                miss.reason
                            ),
                            config: serde_json::json!({ "data_selector": suggested }),
                        });
                    }
                    totals.selector_miss = Some(miss.reason);
                }
            }
            // Links resolve against the URL actually requested, params included.
            let requested = Url::parse(&request.display_url()).unwrap_or(response.url.clone());
            let view = PageResponse {
                url: &requested,
                headers: &response.headers,
                body: &body,
            };
            if let Some((reason, config)) = paginator.detect(&view) {
                let picked = config["type"].clone();
                events.emit(EventKind::Detected {
                    reason,
                    config: serde_json::json!({ "paginator": config }),
                });
                // The run follows dlt's pick; what the whole answer suggests is offered beside it.
                let proposal = crate::proposal::propose(&view, record_count);
                let kind = proposal.paginator["type"].as_str().unwrap_or_default();
                if proposal.paginator["type"] != picked {
                    // A record count alone does not prove the API pages by offset or page
                    // number: a test asks for page 2 that way first and offers it only if page 2
                    // is new (a sync leaves it to the warning, without the extra request).
                    let checked = match kind {
                        // Once per run: a child's sequences (one per parent) would each ask.
                        "offset" | "page_number" if self.preview.is_some() && !totals.probed => {
                            totals.probed = true;
                            Some(
                                self.second_page(
                                    &proposal.paginator,
                                    &request,
                                    &view,
                                    record_count,
                                    &selector,
                                    events,
                                )
                                .await,
                            )
                        }
                        _ => None,
                    };
                    let confirmed = match checked {
                        // Not offered: the run's warning still says what the answer counted.
                        Some(Err(_)) => None,
                        Some(Ok(more)) => {
                            Some(format!("; page 2 asked that way held {more} new records"))
                        }
                        None => Some(String::new()),
                    };
                    if let Some(confirmed) = confirmed {
                        events.emit(EventKind::Detected {
                            reason: format!(
                                "suggested {kind}: {}{confirmed} (dlt's own detection picked {}, \
                                 which the run follows until you adopt this)",
                                proposal.evidence,
                                picked.as_str().unwrap_or_default()
                            ),
                            config: serde_json::json!({ "paginator": proposal.paginator }),
                        });
                    }
                }
            }
            let next = paginator.advance(&view, record_count, number, &mut request)?;
            answered += record_count;
            if matches!(next, Next::Stop(_)) && !paginator.has_maximum() {
                if let Some(unread) = crate::proposal::unread(&view, answered, number) {
                    totals.unread_sequences += 1;
                    totals.unread.get_or_insert(unread);
                }
            }
            // Paging has read the body; the records move out of it.
            let mut records = take_records(body, &selector);
            // Paging decides on the page as it came; the incremental range is applied after.
            if let Some(tracker) = &self.incremental {
                let mut tracker = tracker
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let mut kept = Vec::with_capacity(records.len());
                for record in records {
                    if tracker.keep(&record)? {
                        kept.push(record);
                    }
                }
                records = kept;
            }
            events.emit(EventKind::Page {
                number,
                records: records.len(),
            });
            if !extra.is_empty() {
                for record in &mut records {
                    if let Value::Object(object) = record {
                        for (key, value) in extra {
                            object.insert(key.clone(), value.clone());
                        }
                    }
                }
            }
            totals.pages += 1;
            if let Some(max) = self.preview.as_ref().and_then(|p| p.max_records) {
                records.truncate(max.saturating_sub(totals.records));
            }
            if !records.is_empty() {
                totals.records += records.len();
                let page = Page {
                    resource: self.name.clone(),
                    number: totals.pages,
                    records,
                };
                pages.send(page).await.map_err(|_| Error::Cancelled)?;
            }
            let passed_the_range = self.incremental.as_ref().and_then(|tracker| {
                tracker
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .passed_the_range()
            });
            let reason = match next {
                Next::Stop(reason) => Some(reason),
                Next::Page => passed_the_range
                    .map(|reason| format!("{reason} on page {number}"))
                    .or_else(|| self.preview_reached(totals)),
            };
            if let Some(reason) = reason {
                events.emit(EventKind::Stopped {
                    reason: reason.clone(),
                });
                return Ok(reason);
            }
        }
    }
}
