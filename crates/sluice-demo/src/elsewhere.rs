//! A second origin beside the demo API (127.0.0.1 on another port) that records every request it
//! receives, and the endpoints on the demo API that point there, for the tests that show a
//! connector's credentials stay with their host:
//!
//! - `GET /leak/next_link`: one record and a `next` link to the other origin (json_link);
//! - `GET /leak/link_header`: one record and a `Link: <other origin>; rel="next"` header;
//! - `GET /leak/redirect/{status}`: a 301, 302, 303, 307 or 308 to the other origin;
//! - `GET /leak/redirect_home/{status}`: the same redirect to `/leak/home` on this origin;
//! - `GET /leak/home`: one record;
//! - `GET /leak/parents`: records whose `url` points at the other origin and whose `name` holds
//!   `../`, `?` and `#`, for parent-supplied URLs and path values;
//! - `POST /leak/token_redirect/{status}`: a token endpoint that redirects to the other origin;
//! - `GET /leak/token_echo`: a 400 whose message holds the refresh and id tokens issued with the
//!   caller's access token (ask `/oauth/token` for scope `offline_access openid`).
//!
//! The endpoints that answer records reply 401 unless some credential came with the request (an
//! `Authorization` header, an `X-API-Key` or `X-Secret` header, an `api_key` parameter or a
//! cookie), so a test also sees that the API's own host did get them.
//!
//! The other origin answers every request with `{"data": [{"id": 1, "origin": "elsewhere"}]}`.

use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::task::JoinHandle;

use crate::http::{self, Params};
use crate::server::DemoState;

/// One request the other origin received, as it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// Every header, names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RecordedRequest {
    /// Everything the request carried, as one text to search for leaked values.
    pub fn text(&self) -> String {
        let mut text = format!("{} {}\n", self.method, self.uri);
        for (name, value) in &self.headers {
            text.push_str(&format!("{name}: {value}\n"));
        }
        text.push_str(&self.body);
        text
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

type Log = Arc<Mutex<Vec<RecordedRequest>>>;

/// The running other origin.
#[derive(Debug)]
pub(crate) struct Elsewhere {
    pub(crate) base_url: String,
    log: Log,
    task: JoinHandle<()>,
}

impl Elsewhere {
    pub(crate) async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let log = Log::default();
        let app = Router::new().fallback(record).with_state(log.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Elsewhere {
            base_url,
            log,
            task,
        })
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for Elsewhere {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(
    State(log): State<Log>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    log.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(RecordedRequest {
            method: method.to_string(),
            uri: uri.to_string(),
            headers: headers
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.as_str().to_owned(), value)
                })
                .collect(),
            body: String::from_utf8_lossy(&body).into_owned(),
        });
    http::json(r#"{"data": [{"id": 1, "origin": "elsewhere"}]}"#.into())
}

pub(crate) fn routes() -> Router<Arc<DemoState>> {
    // The answers with records want a credential; the redirects answer anyone.
    let data = Router::new()
        .route("/leak/next_link", get(next_link))
        .route("/leak/link_header", get(link_header))
        .route("/leak/home", get(home))
        .route("/leak/parents", get(parents))
        .route("/leak/token_echo", get(token_echo))
        .route_layer(middleware::from_fn(credentialed));
    Router::new()
        .merge(data)
        .route("/leak/redirect/{status}", get(redirect_elsewhere))
        .route("/leak/redirect_home/{status}", get(redirect_home))
        .route("/leak/token_redirect/{status}", post(redirect_elsewhere))
}

/// 401 unless the request carries some credential.
async fn credentialed(request: Request, next: Next) -> Response {
    let headers = request.headers();
    let in_query = Query::<Params>::try_from_uri(request.uri())
        .is_ok_and(|Query(params)| params.contains_key(crate::API_KEY_QUERY_PARAM));
    let carried = in_query
        || [header::AUTHORIZATION, header::COOKIE]
            .iter()
            .any(|name| headers.contains_key(name))
        || headers.contains_key("x-api-key")
        || headers.contains_key("x-secret");
    if carried {
        next.run(request).await
    } else {
        http::error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send a credential",
        )
    }
}

/// A 400 whose body echoes the refresh and id tokens issued with the caller's access token, as a
/// careless API might in an error message.
async fn token_echo(headers: axum::http::HeaderMap) -> Response {
    let access = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    http::error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        &format!(
            "this API echoes your tokens: refresh_token={} id_token={}",
            crate::auth::companion_token(access, "sdr"),
            crate::auth::companion_token(access, "sdi"),
        ),
    )
}

fn one_record(body: serde_json::Value) -> Response {
    http::json(body.to_string())
}

async fn next_link(State(state): State<Arc<DemoState>>) -> Response {
    one_record(serde_json::json!({
        "data": [{"id": 0, "origin": "home"}],
        "next": format!("{}/page/2", state.elsewhere_url),
    }))
}

async fn link_header(State(state): State<Arc<DemoState>>) -> Response {
    let mut response = one_record(serde_json::json!({"data": [{"id": 0, "origin": "home"}]}));
    if let Ok(link) =
        HeaderValue::from_str(&format!("<{}/page/2>; rel=\"next\"", state.elsewhere_url))
    {
        response.headers_mut().insert(header::LINK, link);
    }
    response
}

async fn home() -> Response {
    one_record(serde_json::json!({"data": [{"id": 0, "origin": "home"}]}))
}

async fn parents(State(state): State<Arc<DemoState>>) -> Response {
    one_record(serde_json::json!({"data": [{
        "id": 1,
        "url": format!("{}/files/1", state.elsewhere_url),
        "name": "../../admin?delete=1#top",
    }]}))
}

fn redirect(status: u16, to: &str) -> Response {
    let Some(status) = StatusCode::from_u16(status)
        .ok()
        .filter(StatusCode::is_redirection)
    else {
        return http::bad_request("the status must be a redirect (301, 302, 303, 307, 308)");
    };
    match HeaderValue::from_str(to) {
        Ok(location) => (status, [(header::LOCATION, location)]).into_response(),
        Err(_) => http::bad_request("bad redirect target"),
    }
}

async fn redirect_elsewhere(
    State(state): State<Arc<DemoState>>,
    Path(status): Path<u16>,
) -> Response {
    redirect(status, &format!("{}/redirected", state.elsewhere_url))
}

async fn redirect_home(Path(status): Path<u16>) -> Response {
    redirect(status, "/leak/home")
}
