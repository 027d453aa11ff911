//! Endpoints that behave the way a broken or hostile API does, without auth, for the tests that
//! show a sync ends with a plain error instead of filling memory or running forever:
//!
//! - `/hostile/gzip_bomb`: a 300 KB gzip answer that expands to 300 MB of JSON;
//! - `/hostile/endless`: a JSON list that never closes, streamed for as long as it is read (up to
//!   8 GiB, so the server stops on its own);
//! - `/hostile/fresh_cursors`: cursor pagination whose every page has a new cursor, forever;
//! - `/hostile/same_cursor`: cursor pagination that hands out the same cursor forever, with a
//!   body that differs every time (a timestamp), so only the repeated request gives it away.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use axum::body::{Body, Bytes};
use axum::extract::Query;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use futures_util::StreamExt as _;

use crate::http::{self, Params};
use crate::server::DemoState;

/// What the bomb expands to.
const BOMB_BYTES: usize = 300 << 20;
/// Where the endless body stops on its own if nothing stops reading it first.
const ENDLESS_LIMIT: u64 = 8 << 30;

pub(crate) fn routes() -> Router<Arc<DemoState>> {
    Router::new()
        .route("/hostile/gzip_bomb", get(gzip_bomb))
        .route("/hostile/endless", get(endless))
        .route("/hostile/fresh_cursors", get(fresh_cursors))
        .route("/hostile/same_cursor", get(same_cursor))
}

/// `{"data": [` + spaces + `]}`, gzipped once and kept.
fn bomb() -> &'static [u8] {
    static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
    BOMB.get_or_init(|| compress_bomb().unwrap_or_default())
}

fn compress_bomb() -> std::io::Result<Vec<u8>> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let spaces = vec![b' '; 1 << 20];
    encoder.write_all(b"{\"data\": [")?;
    for _ in 0..BOMB_BYTES / spaces.len() {
        encoder.write_all(&spaces)?;
    }
    encoder.write_all(b"]}")?;
    encoder.finish()
}

async fn gzip_bomb() -> Response {
    let body = tokio::task::spawn_blocking(bomb).await.unwrap_or_default();
    let mut response = Response::new(Body::from(Bytes::from_static(body)));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    response
}

async fn endless() -> Response {
    let chunk = Bytes::from("{\"id\": 1},".repeat(6_500));
    let start = Bytes::from_static(b"{\"data\": [");
    let size = chunk.len() as u64;
    let chunks = futures_util::stream::iter(
        std::iter::once(start).chain(std::iter::repeat_n(chunk, (ENDLESS_LIMIT / size) as usize)),
    )
    .map(Ok::<Bytes, std::io::Error>);
    let mut response = Response::new(Body::from_stream(chunks));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

async fn fresh_cursors(Query(params): Query<Params>) -> Response {
    let at: u64 = params
        .get("cursor")
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    http::json(format!(
        "{{\"data\": [{{\"id\": {at}}}], \"next_cursor\": \"{}\"}}",
        at + 1
    ))
}

async fn same_cursor() -> Response {
    static SERVED: AtomicU64 = AtomicU64::new(0);
    let served = SERVED.fetch_add(1, Ordering::Relaxed);
    http::json(format!(
        "{{\"data\": [{{\"id\": 1, \"served\": {served}}}], \"next_cursor\": \"again\"}}"
    ))
}
