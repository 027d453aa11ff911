//! Fault injection: a middleware in front of the data endpoints that, for a seeded share of
//! request attempts, answers the way real APIs misbehave.
//!
//! A fault is drawn from (seed, request identity, attempt number of that request), where the
//! identity is the method, path, query and body. Concurrent traffic on other requests therefore
//! never changes which attempts of a given request fail, which keeps "every record arrives exactly
//! once under retries" tests reproducible.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;

use crate::auth::TOKEN_PATH;
use crate::http;
use crate::options::{FaultOptions, RetryAfterFormat};
use crate::records::mix;
use crate::server::DemoState;

/// Requests larger than this are not replayable demo traffic; refuse rather than buffer them.
const MAX_BODY: usize = 1 << 20;
// Sharded so that concurrent clients rarely wait on each other for the attempt counters.
const SHARDS: usize = 16;
const FAULT_SALT: u64 = 0xFA_017;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    ServerError(StatusCode),
    RateLimited(RetryAfterFormat),
    Slow,
    MalformedJson,
    TruncatedBody,
    HtmlErrorPage,
    ConnectionClose,
}

impl Fault {
    /// Whether the client gets what it asked for in the end (only later).
    fn is_success(self) -> bool {
        matches!(self, Fault::Slow)
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct History {
    attempts: u64,
    failures_in_a_row: u32,
}

#[derive(Debug)]
pub(crate) struct FaultPlan {
    options: FaultOptions,
    seed: u64,
    histories: [Mutex<HashMap<u64, History>>; SHARDS],
}

impl FaultPlan {
    pub fn new(options: FaultOptions, seed: u64) -> Option<Self> {
        options.is_enabled().then(|| Self {
            options,
            seed,
            histories: std::array::from_fn(|_| Mutex::new(HashMap::new())),
        })
    }

    /// The fault for the next attempt of the request identified by `key`, if any.
    pub fn draw(&self, key: u64) -> Option<Fault> {
        let mut histories = self.histories[(key % SHARDS as u64) as usize]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let history = histories.entry(key).or_default();
        let attempt = history.attempts;
        history.attempts += 1;
        let fault = if history.failures_in_a_row >= self.options.max_faults_per_request {
            None
        } else {
            self.pick(mix(self.seed, FAULT_SALT ^ key, attempt))
        };
        match fault {
            Some(fault) if !fault.is_success() => history.failures_in_a_row += 1,
            _ => history.failures_in_a_row = 0,
        }
        fault
    }

    fn pick(&self, h: u64) -> Option<Fault> {
        let o = &self.options;
        // 53 bits of the hash as a uniform share in [0, 1).
        let mut u = (h >> 11) as f64 / (1u64 << 53) as f64;
        let second = mix(h, 0, 1);
        let choices = [
            (o.server_errors, Fault::ServerError(pick_status(second))),
            (
                o.rate_limits,
                Fault::RateLimited(pick_format(o.retry_after_format, second)),
            ),
            (o.slow, Fault::Slow),
            (o.malformed_json, Fault::MalformedJson),
            (o.truncated_body, Fault::TruncatedBody),
            (o.html_error_page, Fault::HtmlErrorPage),
            (o.connection_close, Fault::ConnectionClose),
        ];
        for (share, fault) in choices {
            if u < share {
                return Some(fault);
            }
            u -= share;
        }
        None
    }
}

fn pick_status(h: u64) -> StatusCode {
    [
        StatusCode::INTERNAL_SERVER_ERROR,
        StatusCode::BAD_GATEWAY,
        StatusCode::SERVICE_UNAVAILABLE,
        StatusCode::GATEWAY_TIMEOUT,
    ][(h % 4) as usize]
}

fn pick_format(format: RetryAfterFormat, h: u64) -> RetryAfterFormat {
    match format {
        RetryAfterFormat::Mixed if h >> 8 & 1 == 0 => RetryAfterFormat::Seconds,
        RetryAfterFormat::Mixed => RetryAfterFormat::HttpDate,
        fixed => fixed,
    }
}

/// FNV-1a: stable across Rust releases (unlike `DefaultHasher`), so a seed means the same faults
/// whatever toolchain built the server.
fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01B3)
    })
}

const FNV_OFFSET: u64 = 0xCBF2_9CE4_8422_2325;

/// Middleware on every faultable route; counts requests even when no fault is configured.
pub(crate) async fn inject(
    State(state): State<Arc<DemoState>>,
    request: Request,
    next: Next,
) -> Response {
    state.stats.requests.fetch_add(1, Ordering::Relaxed);
    let Some(plan) = &state.faults else {
        return next.run(request).await;
    };
    if request.uri().path() == TOKEN_PATH && !plan.options.on_token_endpoint {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        return http::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is too large",
        );
    };
    let mut key = fnv1a(FNV_OFFSET, parts.method.as_str().as_bytes());
    let target = parts.uri.path_and_query().map_or("", |pq| pq.as_str());
    key = fnv1a(fnv1a(key, target.as_bytes()), &body);
    let request = Request::from_parts(parts, Body::from(body));

    let Some(fault) = plan.draw(key) else {
        return next.run(request).await;
    };
    state.stats.faults.fetch_add(1, Ordering::Relaxed);
    match fault {
        Fault::ServerError(status) => http::error(
            status,
            "server_error",
            &format!(
                "injected fault: {}",
                status.canonical_reason().unwrap_or("server error")
            ),
        ),
        Fault::RateLimited(format) => {
            let wait = plan.options.retry_after_secs;
            let retry_after = match format {
                RetryAfterFormat::HttpDate => {
                    httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(wait))
                }
                _ => wait.to_string(),
            };
            let mut response = http::error(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "injected fault: slow down",
            );
            if let Ok(value) = HeaderValue::from_str(&retry_after) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Fault::Slow => {
            tokio::time::sleep(plan.options.slow_delay).await;
            next.run(request).await
        }
        Fault::MalformedJson => (
            [(header::CONTENT_TYPE, "application/json")],
            // Looks like a page at a glance; single quotes, a trailing comma and NaN make it
            // invalid JSON.
            "{\"data\": [{\"id\": 1, 'name': 'broken',}], \"total\": NaN",
        )
            .into_response(),
        Fault::HtmlErrorPage => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\
             <body><h1>Bad Gateway</h1><p>The upstream server is temporarily unavailable. \
             Please try again later.</p></body></html>\n",
        )
            .into_response(),
        Fault::TruncatedBody => {
            let (mut parts, body) = next.run(request).await.into_parts();
            let Ok(full) = to_bytes(body, usize::MAX).await else {
                return http::error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server_error",
                    "body failed",
                );
            };
            // The body is cut but the framing is honest: the client reads a complete HTTP
            // answer whose JSON simply stops.
            let cut = full.slice(..full.len() / 2);
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(cut))
        }
        Fault::ConnectionClose => {
            let (mut parts, body) = next.run(request).await.into_parts();
            let Ok(full) = to_bytes(body, usize::MAX).await else {
                return http::error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server_error",
                    "body failed",
                );
            };
            // Promise the full length, send half, then fail the body stream: hyper aborts the
            // connection, which the client sees as a connection closed mid-body.
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(full.len()));
            let half = full.slice(..full.len() / 2);
            // The pause lets the headers and the first half reach the client before the abort,
            // as when a server dies mid-answer.
            let first = futures_util::stream::iter([Ok::<Bytes, std::io::Error>(half)]);
            let abort = futures_util::stream::once(async {
                tokio::time::sleep(Duration::from_millis(20)).await;
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "injected fault",
                ))
            });
            Response::from_parts(parts, Body::from_stream(first.chain(abort)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(spec: &str) -> FaultPlan {
        FaultPlan::new(spec.parse().expect("valid spec"), 9).expect("faults enabled")
    }

    #[test]
    fn the_same_request_sees_the_same_faults_whatever_else_happens() {
        let a = plan("5xx=0.3,429=0.2");
        let b = plan("5xx=0.3,429=0.2");
        // b sees unrelated traffic in between; the sequence for key 7 must not change.
        let seq_a: Vec<_> = (0..6).map(|_| a.draw(7)).collect();
        let seq_b: Vec<_> = (0..6)
            .map(|i| {
                b.draw(1000 + i);
                b.draw(7)
            })
            .collect();
        assert_eq!(seq_a, seq_b);
    }

    #[test]
    fn faults_in_a_row_are_capped() {
        let always = plan("5xx=1,max-per-request=2");
        let draws: Vec<_> = (0..3).map(|_| always.draw(1)).collect();
        assert!(draws[0].is_some() && draws[1].is_some(), "{draws:?}");
        assert_eq!(draws[2], None, "the third attempt must get through");
    }

    #[test]
    fn shares_are_roughly_honoured() {
        let p = plan("5xx=0.25,html=0.25,max-per-request=1000");
        let draws: Vec<_> = (0..4000).map(|key| p.draw(key)).collect();
        let errors = draws
            .iter()
            .filter(|f| matches!(f, Some(Fault::ServerError(_))))
            .count();
        let html = draws
            .iter()
            .filter(|f| matches!(f, Some(Fault::HtmlErrorPage)))
            .count();
        assert!(
            (850..1150).contains(&errors),
            "{errors} server errors of 4000"
        );
        assert!((850..1150).contains(&html), "{html} HTML pages of 4000");
    }
}
