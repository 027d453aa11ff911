//! Sending requests: the one shared client, auth on every attempt, retries by the connector's
//! policy, and the OAuth2 token (fetched when missing, before expiry, and once after a 401).

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, COOKIE, LOCATION, RETRY_AFTER};
use reqwest::{Client, RequestBuilder, StatusCode, Url};
use sluice_config::{ApiKeyLocation, ClientAuth, ResponseAction, RetryPolicy};
use sluice_secrets::SecretValue;

use crate::auth::{refresh_margin, AccessToken, Credentials, OAuth2};
use crate::error::{Error, Result};
use crate::event::{EventKind, Events, Exchange};
use crate::origin::{same_origin, without_query, CredentialScope, Trust};
use crate::request::{Body, PageRequest};
use crate::retry::{backoff, retry_after, Sleeper};

/// Longest a token is trusted, whatever the token response says.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// How much of an error body an error message keeps.
const ERROR_BODY_CHARS: usize = 500;

/// A complete answer: status, headers and the whole body.
pub(crate) struct Response {
    pub(crate) url: Url,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
    /// Set when a `response_actions` entry says to ignore this answer: why.
    pub(crate) ignored: Option<String>,
}

#[derive(Clone)]
pub(crate) struct Http {
    /// Follows redirects only within one origin; sends no `Referer`.
    pub(crate) client: Client,
    /// For token requests: follows no redirect at all, so the client secret goes nowhere else.
    pub(crate) token_client: Client,
    /// Where the credentials may go; set per resource.
    pub(crate) scope: CredentialScope,
    pub(crate) policy: RetryPolicy,
    pub(crate) sleeper: Arc<dyn Sleeper>,
    /// Preview: every exchange is captured, bodies cut to this many characters.
    pub(crate) capture_body_chars: Option<usize>,
}

/// Why one attempt did not give a usable answer.
enum Failure {
    /// A status the policy retries; the answer is kept in case it is the last attempt.
    Status(Box<Response>),
    /// Connection refused or reset, timeout, body cut short.
    Transport(String),
}

/// The policy's request timeout; dlt's 60 s when it is not a usable number of seconds.
pub(crate) fn request_timeout(policy: &RetryPolicy) -> Duration {
    let seconds = policy.request_timeout_seconds;
    match Duration::try_from_secs_f64(seconds.min(sluice_config::MAX_REQUEST_TIMEOUT_SECONDS)) {
        Ok(timeout) if !timeout.is_zero() => timeout,
        _ => Duration::from_secs(60),
    }
}

/// The two clients: data requests follow at most ten redirects, each within the origin it
/// starts from (reqwest's default follows any host and forwards custom headers such as an API
/// key); token requests follow none. Neither sends a `Referer`, which would carry the previous
/// URL's query (an `api_key` parameter) to the next host.
pub(crate) fn clients(policy: &RetryPolicy) -> reqwest::Result<(Client, Client)> {
    let builder = || {
        Client::builder()
            .user_agent(concat!("sluice/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(request_timeout(policy))
            // dlt's pool size per host.
            .pool_max_idle_per_host(50)
            .referer(false)
    };
    let within_origin = reqwest::redirect::Policy::custom(|attempt| {
        let from = attempt.previous().last().cloned();
        match from {
            _ if attempt.previous().len() > 10 => attempt.error("more than 10 redirects"),
            Some(from) if same_origin(&from, attempt.url()) => attempt.follow(),
            _ => attempt.stop(),
        }
    });
    Ok((
        builder().redirect(within_origin).build()?,
        builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?,
    ))
}

impl Http {
    pub(crate) fn timeout(&self) -> Duration {
        request_timeout(&self.policy)
    }

    fn max_body_bytes(&self) -> usize {
        usize::try_from(
            self.policy
                .max_response_megabytes
                .max(1)
                .saturating_mul(1 << 20),
        )
        .unwrap_or(usize::MAX)
    }

    /// Sends a page request with its credentials and returns a 2xx answer, or one that
    /// `actions` say to ignore (whatever its status; such an answer is not retried either).
    pub(crate) async fn send(
        &self,
        request: &PageRequest,
        credentials: &Credentials,
        events: &Events,
        actions: &[ResponseAction],
    ) -> Result<Response> {
        let display_url = request.display_url();
        let trust = self.scope.judge(&request.url)?;
        let withheld = &Credentials::None;
        let credentials = match trust {
            Trust::Home => credentials,
            Trust::Stranger => withheld,
        };
        let mut refreshed_after_401 = false;
        loop {
            let token = match credentials {
                Credentials::OAuth2(oauth) => Some(self.access_token(oauth, events, None).await?),
                _ => None,
            };
            let response = self
                .send_with_retries(
                    request.method.as_str(),
                    &display_url,
                    events,
                    Sent::Data,
                    || self.build(request, trust, credentials, token.as_ref(), events),
                    &|response| ignored_by(actions, response),
                )
                .await?;
            if response.status.is_success() || response.ignored.is_some() {
                return Ok(response);
            }
            if let Some(error) = redirected_elsewhere(&response) {
                return Err(error);
            }
            if trust == Trust::Stranger
                && matches!(
                    response.status,
                    StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
                )
            {
                return Err(Error::OtherHost {
                    url: without_query(&request.url),
                    reason: format!(
                        "it answered {} to a request sent without credentials: it is not the \
                         base URL's host, so the connector's credentials were kept back",
                        response.status.as_u16()
                    ),
                });
            }
            if response.status == StatusCode::UNAUTHORIZED {
                if let (Credentials::OAuth2(oauth), false) = (credentials, refreshed_after_401) {
                    // The server may have revoked or expired the token before its stated time;
                    // one fresh token settles whether the credentials themselves are wrong.
                    refreshed_after_401 = true;
                    *oauth.token.lock().await = None;
                    self.access_token(oauth, events, Some("the server refused the token (401)"))
                        .await?;
                    continue;
                }
            }
            let body = excerpt(&response.body, events);
            let url = redact(events, &display_url);
            let status = response.status.as_u16();
            return Err(
                if matches!(
                    response.status,
                    StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
                ) {
                    Error::Auth {
                        auth: credentials.type_name(),
                        status,
                        url,
                        body,
                    }
                } else {
                    Error::Status { status, url, body }
                },
            );
        }
    }

    /// The request as it goes out. To a [`Trust::Stranger`] nothing secret goes: no auth, and
    /// no header, parameter or query value that holds a secret the run knows.
    fn build(
        &self,
        request: &PageRequest,
        trust: Trust,
        credentials: &Credentials,
        token: Option<&SecretValue>,
        events: &Events,
    ) -> RequestBuilder {
        let secret = |value: &str| {
            trust == Trust::Stranger
                && matches!(events.redactor().redact(value), std::borrow::Cow::Owned(_))
        };
        let mut url = request.url.clone();
        if trust == Trust::Stranger && url.query().is_some_and(secret) {
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(name, value)| !secret(name) && !secret(value))
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect();
            url.set_query(None);
            if !kept.is_empty() {
                url.query_pairs_mut().extend_pairs(kept);
            }
        }
        let mut builder = self
            .client
            .request(request.method.clone(), url)
            .timeout(self.timeout());
        let params: Vec<&(String, String)> = request
            .params
            .iter()
            .filter(|(name, value)| !secret(name) && !secret(value))
            .collect();
        if !params.is_empty() {
            builder = builder.query(&params);
        }
        for (name, value) in &request.headers {
            if !secret(name) && !secret(value) {
                builder = builder.header(name.as_str(), value.as_str());
            }
        }
        builder = match &request.body {
            Body::None => builder,
            Body::Json(value) => builder.json(value),
            Body::Form(pairs) => builder.form(pairs),
            Body::Raw(text) => builder.body(text.clone()),
        };
        match credentials {
            Credentials::None => builder,
            Credentials::Bearer(token) => builder.bearer_auth(token.expose()),
            Credentials::ApiKey {
                name,
                key,
                location,
            } => match location {
                ApiKeyLocation::Header => builder.header(name.as_str(), key.expose()),
                ApiKeyLocation::Query | ApiKeyLocation::Param => {
                    builder.query(&[(name.as_str(), key.expose())])
                }
                // dlt declares cookies and then fails at request time; Sluice sends one.
                ApiKeyLocation::Cookie => {
                    builder.header(COOKIE, format!("{name}={}", key.expose()))
                }
            },
            Credentials::Basic { username, password } => {
                builder.basic_auth(username.expose(), Some(password.expose()))
            }
            Credentials::OAuth2(_) => match token {
                Some(token) => builder.bearer_auth(token.expose()),
                None => builder,
            },
        }
    }

    /// The cached token, or a new one when there is none, it is about to expire, or `why` says
    /// the caller knows it is bad.
    async fn access_token(
        &self,
        oauth: &OAuth2,
        events: &Events,
        why: Option<&str>,
    ) -> Result<SecretValue> {
        let mut cached = oauth.token.lock().await;
        let reason = match (&*cached, why) {
            (_, Some(why)) => why.to_owned(),
            (None, None) => "no token yet".to_owned(),
            (Some(token), None) if Instant::now() < token.refresh_at => {
                return Ok(token.value.clone())
            }
            (Some(_), None) => "the token is about to expire".to_owned(),
        };
        events.emit(EventKind::TokenRequest {
            url: oauth.token_url.clone(),
            reason,
        });
        let form = token_form(oauth);
        let url = redact(events, &oauth.token_url);
        let response = self
            .send_with_retries(
                "POST",
                &oauth.token_url,
                events,
                Sent::Token,
                || self.token_request(oauth, &form),
                &|_| None,
            )
            .await?;
        if let Some(error) = redirected_elsewhere(&response) {
            return Err(error);
        }
        if !response.status.is_success() {
            return Err(Error::Auth {
                auth: "oauth2_client_credentials token request",
                status: response.status.as_u16(),
                url,
                body: excerpt(&response.body, events),
            });
        }
        let body: serde_json::Value =
            serde_json::from_slice(&response.body).map_err(|error| Error::Response {
                url: url.clone(),
                reason: format!("the token response is not JSON: {error}"),
            })?;
        let value = match body.get("access_token") {
            Some(serde_json::Value::String(text)) => text.clone(),
            Some(serde_json::Value::Null) | None => {
                return Err(Error::Response {
                    url,
                    reason: "the token response has no `access_token`".into(),
                })
            }
            Some(other) => other.to_string(),
        };
        events.redactor().add(&value);
        let seconds = match body.get("expires_in") {
            Some(serde_json::Value::Number(n)) => n.as_f64(),
            Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        // A negative or absurd `expires_in` must not crash the run; a day is plenty to refresh.
        let lifetime = seconds
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
            .unwrap_or(oauth.default_expiration)
            .min(MAX_TOKEN_LIFETIME);
        let value = SecretValue::new(value);
        *cached = Some(AccessToken {
            value: value.clone(),
            refresh_at: Instant::now() + lifetime - refresh_margin(lifetime),
        });
        Ok(value)
    }

    /// The token request: the form, and the client's credentials in it or (`client_auth:
    /// basic`) in an `Authorization: Basic` header.
    fn token_request(&self, oauth: &OAuth2, form: &[(String, String)]) -> RequestBuilder {
        let builder = self
            .token_client
            .post(oauth.token_url.as_str())
            .timeout(self.timeout())
            .form(form);
        match oauth.client_auth {
            ClientAuth::Form => builder,
            ClientAuth::Basic => {
                builder.basic_auth(oauth.client_id.expose(), Some(oauth.client_secret.expose()))
            }
        }
    }

    /// Sends until the answer is not one the policy retries or the attempts run out; the last
    /// answer is returned whatever its status, a transport failure as an error.
    async fn send_with_retries(
        &self,
        method: &str,
        display_url: &str,
        events: &Events,
        sent: Sent,
        build: impl Fn() -> RequestBuilder,
        ignore: &(dyn Fn(&Response) -> Option<String> + Sync),
    ) -> Result<Response> {
        let attempts = self.policy.max_retries.saturating_add(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            if sent == Sent::Data {
                events.emit(EventKind::Request {
                    method: method.to_owned(),
                    url: display_url.to_owned(),
                    attempt,
                    attempts,
                });
            }
            let failure = match self.attempt(build(), events, sent).await {
                Ok(mut response) if ignore(&response).is_some() => {
                    response.ignored = ignore(&response);
                    return Ok(response);
                }
                Ok(response) if self.policy.statuses.contains(&response.status.as_u16()) => {
                    Failure::Status(Box::new(response))
                }
                Ok(response) => return Ok(response),
                Err(Err(error)) => return Err(error),
                Err(Ok(reason)) => Failure::Transport(reason),
            };
            let (reason, asked) = match &failure {
                Failure::Status(response) => (
                    format!("HTTP {}", response.status),
                    response
                        .headers
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned),
                ),
                Failure::Transport(reason) => (reason.clone(), None),
            };
            if attempt >= attempts {
                return match failure {
                    Failure::Status(response) => Ok(*response),
                    Failure::Transport(reason) => Err(Error::Connection {
                        url: redact(events, display_url),
                        reason: redact(
                            events,
                            &format!("{reason} (gave up after {attempts} attempts)"),
                        ),
                    }),
                };
            }
            events.emit(EventKind::Retry { attempt, reason });
            let asked_wait = asked.as_deref().and_then(|value| {
                Some((value, retry_after(&self.policy, value, SystemTime::now())?))
            });
            let (duration, why) = match asked_wait {
                Some((value, wait)) => (wait, format!("the server sent `Retry-After: {value}`")),
                None => (
                    backoff(&self.policy, attempt),
                    format!(
                        "backoff {} × 2^{} s before retry {attempt}",
                        self.policy.backoff_factor,
                        attempt - 1
                    ),
                ),
            };
            events.emit(EventKind::Wait {
                duration,
                reason: why,
            });
            self.sleeper.sleep(duration).await;
        }
    }

    /// One attempt. `Err(Ok(reason))` is a transport failure worth retrying, `Err(Err(_))` one
    /// that is not (a request that cannot even be built). In preview mode the exchange is
    /// captured; a token answer's tokens are registered for redaction before it is shown.
    async fn attempt(
        &self,
        builder: RequestBuilder,
        events: &Events,
        sent: Sent,
    ) -> std::result::Result<Response, std::result::Result<String, Error>> {
        let request = builder.build().map_err(classify)?;
        let capture_chars = self.capture_body_chars;
        // Bodies are redacted whole before they are cut, so a cut never leaves part of a
        // secret at the end where the redactor could no longer recognise it.
        let captured = capture_chars.map(|chars| Exchange {
            method: request.method().to_string(),
            url: request.url().to_string(),
            request_headers: header_pairs(request.headers()),
            request_body: request
                .body()
                .and_then(|body| body.as_bytes())
                .map(|bytes| truncate(bytes, chars, events))
                .unwrap_or_default(),
            status: None,
            response_headers: Vec::new(),
            response_body: String::new(),
        });
        let outcome = self.receive(request, sent).await;
        // Every token a token answer carries is registered in syncs too, not only when the
        // answer is shown: an API may echo a refresh or id token back in an error body or a
        // record.
        if let (Ok(response), Sent::Token) = (&outcome, sent) {
            register_token_answer(&response.body, events);
        }
        if let (Some(mut exchange), Some(chars)) = (captured, capture_chars) {
            match &outcome {
                Ok(response) => {
                    exchange.status = Some(response.status.as_u16());
                    exchange.response_headers = header_pairs(&response.headers);
                    exchange.response_body = truncate(&response.body, chars, events);
                }
                Err(Ok(reason)) => exchange.response_body = format!("(no answer: {reason})"),
                Err(Err(_)) => {}
            }
            events.emit(EventKind::Exchange(Box::new(exchange)));
        }
        outcome
    }

    async fn receive(
        &self,
        request: reqwest::Request,
        sent: Sent,
    ) -> std::result::Result<Response, std::result::Result<String, Error>> {
        let client = match sent {
            Sent::Data => &self.client,
            Sent::Token => &self.token_client,
        };
        let mut response = client.execute(request).await.map_err(classify)?;
        let url = response.url().clone();
        let status = response.status();
        let headers = response.headers().clone();
        // Read in chunks, counted after decompression, so a gzip bomb or an endless body ends
        // at the cap instead of filling memory.
        let cap = self.max_body_bytes();
        // Kept as the chunks that came and joined once at the end: a growing Vec would copy
        // itself at every doubling, and the allocator keeps the space it gave back, so an answer
        // near the cap cost three times the cap in memory.
        let mut chunks = Vec::new();
        let mut received = 0usize;
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if received + chunk.len() > cap {
                return Err(Err(Error::Response {
                    url: without_query(&url),
                    reason: format!(
                        "the answer is larger than {} MB, the most one request may bring; \
                         raise \"Largest answer\" under Pipeline & retry if it is meant to be",
                        self.policy.max_response_megabytes
                    ),
                }));
            }
            received += chunk.len();
            chunks.push(chunk);
        }
        let body = match chunks.as_slice() {
            [only] => only.to_vec(),
            _ => {
                let mut body = Vec::with_capacity(received);
                for chunk in chunks.drain(..) {
                    body.extend_from_slice(&chunk);
                }
                body
            }
        };
        Ok(Response {
            url,
            status,
            headers,
            body,
            ignored: None,
        })
    }
}

/// What a request is for: data (announced as a `Request` event) or an OAuth2 token.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sent {
    Data,
    Token,
}

/// The token request's form: `grant_type` and, unless the client authenticates by HTTP basic,
/// `client_id` and `client_secret`; the extra fields (`scope`, ...) on top, as in dlt.
fn token_form(oauth: &OAuth2) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = Vec::new();
    if oauth.client_auth == ClientAuth::Form {
        form.push(("client_id".into(), oauth.client_id.expose().to_owned()));
        form.push((
            "client_secret".into(),
            oauth.client_secret.expose().to_owned(),
        ));
    }
    form.push(("grant_type".into(), "client_credentials".into()));
    for (key, value) in &oauth.extra {
        form.retain(|(k, _)| k != key);
        form.push((key.clone(), value.clone()));
    }
    form
}

/// Registers every token a token answer carries (`access_token`, and `refresh_token` and
/// `id_token` when a server adds them) so a captured answer never shows one.
fn register_token_answer(body: &[u8], events: &Events) {
    let Ok(serde_json::Value::Object(answer)) = serde_json::from_slice(body) else {
        return;
    };
    for key in ["access_token", "refresh_token", "id_token"] {
        match answer.get(key) {
            Some(serde_json::Value::String(token)) => {
                events.redactor().add(token);
            }
            Some(serde_json::Value::Null) | None => {}
            Some(other) => {
                events.redactor().add(&other.to_string());
            }
        }
    }
}

/// The first `response_actions` entry with `action: ignore` that matches: its status (compared
/// as a number) and/or a substring of the body, both when both are given.
fn ignored_by(actions: &[ResponseAction], response: &Response) -> Option<String> {
    actions.iter().enumerate().find_map(|(i, action)| {
        action.action?;
        if action.status_code.is_none() && action.content.is_none() {
            return None;
        }
        let status_matches = action
            .status_code
            .is_none_or(|code| code == response.status.as_u16());
        let content_matches = action
            .content
            .as_deref()
            .is_none_or(|needle| String::from_utf8_lossy(&response.body).contains(needle));
        (status_matches && content_matches).then(|| {
            format!(
                "HTTP {} matched response_actions[{i}] (ignore)",
                response.status.as_u16()
            )
        })
    })
}

fn classify(error: reqwest::Error) -> std::result::Result<String, Error> {
    if error.is_builder() {
        return Err(Error::Config(format!(
            "the request cannot be built: {}",
            error.without_url()
        )));
    }
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "the answer was cut short"
    } else {
        "connection error"
    };
    let mut causes = String::new();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        causes.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    Ok(format!("{kind}: {}{causes}", error.without_url()))
}

/// A redirect the client did not follow: it left the origin (or was a token request, which
/// never follows one). Named with its target so the user sees where the API wanted to go.
fn redirected_elsewhere(response: &Response) -> Option<Error> {
    if !response.status.is_redirection() {
        return None;
    }
    let location = response.headers.get(LOCATION)?.to_str().ok()?;
    let target = response.url.join(location).ok()?;
    Some(Error::OtherHost {
        url: without_query(&target),
        reason: format!(
            "{} answered {} with a redirect to another origin; Sluice follows redirects only \
             within the origin (and never for token requests), so credentials stay with their host",
            without_query(&response.url),
            response.status.as_u16()
        ),
    })
}

fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect()
}

/// The body redacted, then cut to `chars` characters.
fn truncate(bytes: &[u8], chars: usize, events: &Events) -> String {
    let text = redact(events, &String::from_utf8_lossy(bytes));
    let mut short: String = text.chars().take(chars).collect();
    if short.len() < text.len() {
        short.push_str("… (truncated)");
    }
    short
}

fn redact(events: &Events, text: &str) -> String {
    events.redactor().redact(text).into_owned()
}

/// The start of an error body for a message: redacted, then cut, so a secret that straddles
/// the cut cannot leave its first half behind. Only a window a little longer than the excerpt
/// is redacted, so a huge error body costs no more than a small one.
fn excerpt(body: &[u8], events: &Events) -> String {
    const WINDOW_BYTES: usize = ERROR_BODY_CHARS * 4 + (16 << 10);
    let window = String::from_utf8_lossy(&body[..body.len().min(WINDOW_BYTES)]);
    let redacted = redact(events, window.trim());
    let mut short: String = redacted.chars().take(ERROR_BODY_CHARS).collect();
    if short.len() < redacted.len() || body.len() > WINDOW_BYTES {
        short.push_str("… (truncated)");
    }
    short
}

#[cfg(test)]
mod tests {
    use sluice_secrets::{Redactor, REDACTED};

    use super::*;

    #[test]
    fn an_error_excerpt_is_redacted_before_it_is_cut() {
        let secret = "s3cr3t-token-that-straddles-the-cut";
        let redactor = Redactor::new();
        redactor.add(secret);
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let events = Events::new("r", redactor, tx);
        let body = format!("{}{secret} and more", "x".repeat(ERROR_BODY_CHARS - 10));
        let shown = excerpt(body.as_bytes(), &events);
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains(&REDACTED[..3]), "{shown}");
        assert!(shown.ends_with("… (truncated)"), "{shown}");
    }
}
