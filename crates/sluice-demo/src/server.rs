//! Starting, addressing and stopping the demo server, and its control endpoints.

use std::future::IntoFuture as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use axum::extract::State;
use axum::middleware;
use axum::response::Response;
use axum::routing::{get, post};
use axum::serve::ListenerExt as _;
use axum::Router;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth::{self, TokenIssuer};
use crate::elsewhere::{Elsewhere, RecordedRequest};
use crate::error::{Error, Result};
use crate::faults::{self, FaultPlan};
use crate::http;
use crate::options::DemoOptions;
use crate::records::{DataSet, Tickets};
use crate::{paging, resources};

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub requests: AtomicU64,
    pub faults: AtomicU64,
}

/// What one server holds; shared by every request.
#[derive(Debug)]
pub(crate) struct DemoState {
    pub data: DataSet,
    pub base_url: String,
    /// The other origin's `http://127.0.0.1:<port>`, where the `/leak/*` endpoints point.
    pub elsewhere_url: String,
    pub tokens: TokenIssuer,
    pub faults: Option<FaultPlan>,
    pub stats: Counters,
    /// Replaced wholesale on each change, so readers only clone an `Arc`.
    pub tickets: RwLock<Arc<Tickets>>,
    advancing: Mutex<()>,
}

impl DemoState {
    pub fn tickets(&self) -> Arc<Tickets> {
        self.tickets
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn advance(&self) -> u64 {
        // Serialised so two concurrent advances cannot publish epochs out of order.
        let _one_at_a_time = self
            .advancing
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let next = Tickets::new(self.data, self.tickets().epoch + 1);
        let epoch = next.epoch;
        *self.tickets.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(next);
        epoch
    }
}

/// Counters for tests and the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoStats {
    /// Requests that reached a data endpoint or the token endpoint.
    pub requests: u64,
    /// Faults injected so far.
    pub faults: u64,
    /// OAuth2 tokens issued so far.
    pub tokens_issued: u64,
    /// How many times the tickets changed.
    pub epoch: u64,
}

/// A running demo API on 127.0.0.1. Dropping it stops the server too; [`DemoServer::shutdown`]
/// also waits for it.
#[derive(Debug)]
pub struct DemoServer {
    addr: SocketAddr,
    state: Arc<DemoState>,
    options: DemoOptions,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    elsewhere: Elsewhere,
}

impl DemoServer {
    /// Binds 127.0.0.1 on `options.port` (0 picks a free port) and serves in the background on
    /// the current Tokio runtime.
    pub async fn start(options: DemoOptions) -> Result<Self> {
        options.validate()?;
        let port = options.port;
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|source| Error::Bind { port, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| Error::Bind { port, source })?;
        let elsewhere = Elsewhere::start()
            .await
            .map_err(|source| Error::Bind { port: 0, source })?;
        let data = DataSet {
            seed: options.seed,
            records: options.records,
        };
        let state = Arc::new(DemoState {
            data,
            base_url: format!("http://{addr}"),
            elsewhere_url: elsewhere.base_url.clone(),
            tokens: TokenIssuer::new(options.seed, options.token_lifetime),
            faults: FaultPlan::new(options.faults.clone(), options.seed),
            stats: Counters::default(),
            tickets: RwLock::new(Arc::new(Tickets::new(data, 0))),
            advancing: Mutex::new(()),
        });
        let app = router(state.clone());
        // Small answers must not wait for Nagle's algorithm on keep-alive connections.
        let listener = listener.tap_io(|tcp: &mut tokio::net::TcpStream| {
            let _ = tcp.set_nodelay(true);
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .into_future(),
        );
        Ok(Self {
            addr,
            state,
            options,
            stop: Some(stop),
            task: Some(task),
            elsewhere,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.state.base_url
    }

    /// The absolute URL of `path_and_query` (which starts with `/`).
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.state.base_url)
    }

    /// The absolute URL of `path_and_query` on the other origin, which records what it receives
    /// (see the `/leak/*` endpoints).
    pub fn elsewhere_url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.elsewhere.base_url)
    }

    /// Every request the other origin received so far.
    pub fn elsewhere_requests(&self) -> Vec<RecordedRequest> {
        self.elsewhere.requests()
    }

    /// The OAuth2 token endpoint's absolute URL.
    pub fn token_url(&self) -> String {
        self.url(auth::TOKEN_PATH)
    }

    pub fn options(&self) -> &DemoOptions {
        &self.options
    }

    /// Changes the tickets as a day of activity would: 1% new tickets (at least one) and every
    /// twentieth existing ticket updated, all with an `updated_at` later than any before. Returns
    /// the new epoch. Same as `POST /admin/advance`.
    pub fn advance(&self) -> u64 {
        self.state.advance()
    }

    /// Invalidates every OAuth2 token issued so far, as a provider rotating keys would. Same as
    /// `POST /admin/revoke_tokens`.
    pub fn revoke_tokens(&self) {
        self.state.tokens.revoke_all();
    }

    pub fn stats(&self) -> DemoStats {
        stats(&self.state)
    }

    /// Stops accepting connections, lets open ones finish and waits (at most 5 s) for the server.
    pub async fn shutdown(mut self) -> Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(mut task) = self.task.take() else {
            return Ok(());
        };
        match tokio::time::timeout(Duration::from_secs(5), &mut task).await {
            Ok(Ok(served)) => served.map_err(Error::Serve),
            // The task panicked or was cancelled: nothing left to stop.
            Ok(Err(_)) => Ok(()),
            // A client holds a connection open; stop waiting for it.
            Err(_) => {
                task.abort();
                Ok(())
            }
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

fn stats(state: &DemoState) -> DemoStats {
    DemoStats {
        requests: state.stats.requests.load(Ordering::Relaxed),
        faults: state.stats.faults.load(Ordering::Relaxed),
        tokens_issued: state.tokens.issued(),
        epoch: state.tickets().epoch,
    }
}

fn router(state: Arc<DemoState>) -> Router {
    let faultable = Router::new()
        .route(auth::TOKEN_PATH, post(auth::token))
        .merge(paging::routes())
        .merge(resources::routes())
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            faults::inject,
        ));
    Router::new()
        .route("/", get(index))
        .route(
            "/health",
            get(|| async { http::json(r#"{"status":"ok"}"#.into()) }),
        )
        .route("/openapi.json", get(crate::openapi::document))
        .route("/admin/stats", get(admin_stats))
        .route("/admin/advance", post(admin_advance))
        .route("/admin/revoke_tokens", post(admin_revoke_tokens))
        .merge(crate::hostile::routes())
        .merge(crate::elsewhere::routes())
        .merge(faultable)
        .fallback(|| async {
            http::error(
                axum::http::StatusCode::NOT_FOUND,
                "not_found",
                "no such endpoint; GET / lists them",
            )
        })
        .with_state(state)
}

async fn admin_stats(State(state): State<Arc<DemoState>>) -> Response {
    let s = stats(&state);
    http::json(
        serde_json::json!({
            "requests": s.requests,
            "faults": s.faults,
            "tokens_issued": s.tokens_issued,
            "epoch": s.epoch,
        })
        .to_string(),
    )
}

async fn admin_advance(State(state): State<Arc<DemoState>>) -> Response {
    let epoch = state.advance();
    http::json(serde_json::json!({ "epoch": epoch }).to_string())
}

async fn admin_revoke_tokens(State(state): State<Arc<DemoState>>) -> Response {
    state.tokens.revoke_all();
    http::json(r#"{"revoked":true}"#.into())
}

/// A map of the API for a person poking at it with curl or a browser.
async fn index(State(state): State<Arc<DemoState>>) -> Response {
    let endpoints: Vec<serde_json::Value> = ENDPOINTS
        .iter()
        .map(|(method, path, auth, paginator)| {
            serde_json::json!({ "method": method, "path": path, "auth": auth, "paginator": paginator })
        })
        .collect();
    http::json(
        serde_json::json!({
            "name": "Sluice demo API",
            "base_url": state.base_url,
            "records": state.data.records,
            "credentials": {
                "oauth2": {
                    "token_url": format!("{}{}", state.base_url, auth::TOKEN_PATH),
                    "client_id": auth::DEMO_CLIENT_ID,
                    "client_secret": auth::DEMO_CLIENT_SECRET,
                },
                "api_key": { "value": auth::DEMO_API_KEY, "query": auth::API_KEY_QUERY_PARAM, "header": auth::API_KEY_HEADER, "cookie": auth::API_KEY_COOKIE },
                "bearer": auth::DEMO_TOKEN,
                "basic": { "username": auth::DEMO_USERNAME, "password": auth::DEMO_PASSWORD },
            },
            "endpoints": endpoints,
        })
        .to_string(),
    )
}

const ENDPOINTS: &[(&str, &str, &str, &str)] = &[
    (
        "POST",
        "/oauth/token",
        "client credentials (form body or basic)",
        "none",
    ),
    ("GET", "/v1/marketing_data", "oauth2", "offset"),
    ("GET", "/v1/analytics/events", "oauth2", "offset"),
    (
        "GET",
        "/v1/analytics/page_views",
        "api_key in query",
        "offset",
    ),
    (
        "GET",
        "/v1/database/customers",
        "api_key in query",
        "offset",
    ),
    (
        "GET",
        "/v1/resource",
        "oauth2 or api_key in query",
        "offset or cursor",
    ),
    ("GET", "/v1/support/brands", "oauth2", "cursor"),
    ("GET", "/v1/support/groups", "oauth2", "cursor"),
    ("GET", "/v1/support/organizations", "oauth2", "cursor"),
    (
        "GET",
        "/v1/support/organizations/{id}/members",
        "oauth2",
        "cursor",
    ),
    (
        "GET",
        "/v1/support/tickets?updated_since=",
        "oauth2",
        "cursor",
    ),
    (
        "GET",
        "/v1/support/tickets/{id}/comments",
        "oauth2",
        "single page",
    ),
    ("GET", "/paging/offset", "none", "offset"),
    (
        "GET",
        "/hostile/gzip_bomb",
        "none",
        "single page: 300 KB of gzip that expands to 300 MB",
    ),
    (
        "GET",
        "/hostile/endless",
        "none",
        "single page whose body never ends",
    ),
    (
        "GET",
        "/hostile/fresh_cursors",
        "none",
        "cursor: a new cursor on every page, forever",
    ),
    (
        "GET",
        "/hostile/same_cursor",
        "none",
        "cursor: the same cursor forever",
    ),
    (
        "GET",
        "/paging/offset_no_total",
        "none",
        "offset, stop on empty page",
    ),
    ("GET", "/paging/offset_has_more", "none", "offset, has_more"),
    (
        "GET",
        "/paging/page_number",
        "none",
        "page_number from 0, total_pages",
    ),
    (
        "GET",
        "/paging/page_number_1",
        "none",
        "page_number from 1, total_pages",
    ),
    ("GET", "/paging/cursor", "none", "cursor in body"),
    (
        "GET",
        "/paging/header_cursor",
        "none",
        "cursor in header `next`",
    ),
    (
        "GET",
        "/paging/json_link",
        "none",
        "relative next URL in body",
    ),
    (
        "GET",
        "/paging/json_link_absolute",
        "none",
        "absolute next URL in body",
    ),
    ("GET", "/paging/link_header", "none", "Link header"),
    ("GET", "/paging/single", "none", "single page"),
    (
        "GET",
        "/paging/counted_single",
        "none",
        "one page whatever is asked, with a total",
    ),
    ("POST", "/paging/post", "none", "offset in JSON body"),
    ("GET", "/auth/oauth2", "oauth2", "offset"),
    ("GET", "/auth/bearer", "bearer", "offset"),
    ("GET", "/auth/basic", "http_basic", "offset"),
    ("GET", "/auth/api_key/header", "api_key in header", "offset"),
    ("GET", "/auth/api_key/query", "api_key in query", "offset"),
    ("GET", "/auth/api_key/cookie", "api_key in cookie", "offset"),
];
