//! One endpoint per pagination style of the dlt spec (section 3), all over the marketing events,
//! without auth, so a paginator can be tested on its own.

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::http::{self, Params, DEFAULT_PAGE_SIZE};
use crate::records::Collection;
use crate::server::DemoState;

type Shared = State<Arc<DemoState>>;

pub(crate) fn routes() -> Router<Arc<DemoState>> {
    Router::new()
        .route("/paging/offset", get(offset))
        .route("/paging/offset_no_total", get(offset_no_total))
        .route("/paging/offset_has_more", get(offset_has_more))
        .route(
            "/paging/page_number",
            get(|s: Shared, q: Query<Params>| page_number(s, q, 0)),
        )
        .route(
            "/paging/page_number_1",
            get(|s: Shared, q: Query<Params>| page_number(s, q, 1)),
        )
        .route("/paging/cursor", get(cursor))
        .route("/paging/header_cursor", get(header_cursor))
        .route("/paging/json_link", get(json_link))
        .route("/paging/json_link_absolute", get(json_link_absolute))
        .route("/paging/link_header", get(link_header))
        .route("/paging/single", get(single))
        .route("/paging/counted_single", get(counted_single))
        .route("/paging/post", post(post_offset))
        .route("/paging/wide", get(wide))
}

/// Most keys a `/paging/wide` table may have.
const MAX_WIDE_KEYS: u64 = 100_000;

/// `GET /paging/wide?keys=N&per_record=K&offset=&limit=`: records shaped like a CRM's custom
/// properties, an `id` and `K` (default 10) of `N` keys (`prop_00000` ...) each, taken in turn,
/// so a table of `N` columns builds up after `N / K` records. The offset paginator's shape, with
/// a `total`.
async fn wide(State(state): Shared, Query(params): Query<Params>) -> Result<Response, Response> {
    let (offset, limit) = offset_limit(&params)?;
    let keys = http::number(&params, "keys", 1_000)?;
    let per_record = http::number(&params, "per_record", 10)?;
    if !(1..=MAX_WIDE_KEYS).contains(&keys) || !(1..=keys).contains(&per_record) {
        return Err(http::error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            &format!("keys must be between 1 and {MAX_WIDE_KEYS}, per_record between 1 and keys"),
        ));
    }
    let total = state.data.records;
    let window = http::window(offset, limit, total);
    let mut out =
        String::with_capacity(((window.end - window.start) * (per_record * 24 + 16)) as usize + 64);
    out.push_str("{\"data\":[");
    for i in window.clone() {
        if i > window.start {
            out.push(',');
        }
        w!(out, "{{\"id\":{i}");
        for j in 0..per_record {
            let key = (i * per_record + j) % keys;
            if j % 2 == 0 {
                w!(out, ",\"prop_{key:05}\":{}", i * 31 + j);
            } else {
                w!(out, ",\"prop_{key:05}\":\"value {i}-{j}\"");
            }
        }
        out.push('}');
    }
    w!(
        out,
        "],\"total\":{total},\"offset\":{offset},\"limit\":{limit}}}"
    );
    Ok(http::json(out))
}

/// Opens `{"data":` + the page of events; the caller adds its fields and the closing brace.
fn events_page(state: &DemoState, offset: u64, limit: u64) -> (String, std::ops::Range<u64>, u64) {
    let total = state.data.count(Collection::Events);
    let window = http::window(offset, limit, total);
    let mut out = String::with_capacity(http::body_capacity(window.end - window.start));
    out.push_str("{\"data\":");
    state
        .data
        .write_page(&mut out, Collection::Events, window.clone());
    (out, window, total)
}

fn offset_limit(params: &Params) -> Result<(u64, u64), Response> {
    Ok((
        http::number(params, "offset", 0)?,
        http::page_size(params, "limit", DEFAULT_PAGE_SIZE)?,
    ))
}

async fn offset(State(state): Shared, Query(params): Query<Params>) -> Result<Response, Response> {
    let (offset, limit) = offset_limit(&params)?;
    let (mut out, _, total) = events_page(&state, offset, limit);
    w!(
        out,
        ",\"total\":{total},\"offset\":{offset},\"limit\":{limit}}}"
    );
    Ok(http::json(out))
}

async fn offset_no_total(
    State(state): Shared,
    Query(params): Query<Params>,
) -> Result<Response, Response> {
    let (offset, limit) = offset_limit(&params)?;
    let (mut out, _, _) = events_page(&state, offset, limit);
    out.push('}');
    Ok(http::json(out))
}

async fn offset_has_more(
    State(state): Shared,
    Query(params): Query<Params>,
) -> Result<Response, Response> {
    let (offset, limit) = offset_limit(&params)?;
    let (mut out, window, total) = events_page(&state, offset, limit);
    w!(out, ",\"has_more\":{}}}", window.end < total);
    Ok(http::json(out))
}

async fn page_number(
    State(state): Shared,
    Query(params): Query<Params>,
    base: u64,
) -> Result<Response, Response> {
    let page = http::number(&params, "page", base)?;
    if page < base {
        return Err(http::bad_request(&format!(
            "pages start at {base}, got page {page}"
        )));
    }
    let size = http::page_size(&params, "page_size", DEFAULT_PAGE_SIZE)?;
    let total_pages = state.data.count(Collection::Events).div_ceil(size);
    let (mut out, _, _) = events_page(&state, (page - base).saturating_mul(size), size);
    w!(
        out,
        ",\"page\":{page},\"page_size\":{size},\"total_pages\":{total_pages}}}"
    );
    Ok(http::json(out))
}

fn cursor_limit(params: &Params) -> Result<(u64, u64), Response> {
    Ok((
        http::cursor_start(params)?,
        http::page_size(params, "limit", DEFAULT_PAGE_SIZE)?,
    ))
}

async fn cursor(State(state): Shared, Query(params): Query<Params>) -> Result<Response, Response> {
    let (start, limit) = cursor_limit(&params)?;
    let (mut out, window, total) = events_page(&state, start, limit);
    if window.end < total {
        w!(
            out,
            ",\"next_cursor\":\"{}\"}}",
            http::offset_cursor(window.end)
        );
    } else {
        out.push_str(",\"next_cursor\":null}");
    }
    Ok(http::json(out))
}

async fn header_cursor(
    State(state): Shared,
    Query(params): Query<Params>,
) -> Result<Response, Response> {
    let (start, limit) = cursor_limit(&params)?;
    let (mut out, window, total) = events_page(&state, start, limit);
    out.push('}');
    let mut response = http::json(out);
    if window.end < total {
        if let Ok(value) = HeaderValue::from_str(&http::offset_cursor(window.end)) {
            response.headers_mut().insert("next", value);
        }
    }
    Ok(response)
}

async fn json_link(
    State(state): Shared,
    Query(params): Query<Params>,
) -> Result<Response, Response> {
    let (offset, limit) = offset_limit(&params)?;
    let (mut out, window, total) = events_page(&state, offset, limit);
    if window.end < total {
        w!(
            out,
            ",\"next\":\"/paging/json_link?offset={}&limit={limit}\"}}",
            window.end
        );
    } else {
        out.push_str(",\"next\":null}");
    }
    Ok(http::json(out))
}

async fn json_link_absolute(
    State(state): Shared,
    Query(params): Query<Params>,
) -> Result<Response, Response> {
    let (offset, limit) = offset_limit(&params)?;
    let (mut out, window, total) = events_page(&state, offset, limit);
    if window.end < total {
        w!(
            out,
            ",\"links\":{{\"next\":\"{}/paging/json_link_absolute?offset={}&limit={limit}\"}}}}",
            state.base_url,
            window.end
        );
    } else {
        out.push_str(",\"links\":{\"next\":null}}");
    }
    Ok(http::json(out))
}

async fn link_header(
    State(state): Shared,
    Query(params): Query<Params>,
) -> Result<Response, Response> {
    let page = http::number(&params, "page", 1)?;
    if page == 0 {
        return Err(http::bad_request("pages start at 1"));
    }
    let per_page = http::page_size(&params, "per_page", DEFAULT_PAGE_SIZE)?;
    let last = state
        .data
        .count(Collection::Events)
        .div_ceil(per_page)
        .max(1);
    let (mut out, _, _) = events_page(&state, (page - 1).saturating_mul(per_page), per_page);
    out.push('}');
    let link = |page: u64, rel: &str| {
        format!(
            "<{}/paging/link_header?page={page}&per_page={per_page}>; rel=\"{rel}\"",
            state.base_url
        )
    };
    let mut links = vec![link(1, "first")];
    if page > 1 {
        links.push(link(page - 1, "prev"));
    }
    if page < last {
        links.push(link(page + 1, "next"));
    }
    links.push(link(last, "last"));
    let mut response = http::json(out);
    if let Ok(value) = HeaderValue::from_str(&links.join(", ")) {
        response.headers_mut().insert(header::LINK, value);
    }
    Ok(response)
}

/// How many records `/paging/single` returns at most.
const SINGLE_PAGE_RECORDS: u64 = 100;

async fn single(State(state): Shared) -> Response {
    let (mut out, _, _) = events_page(&state, 0, SINGLE_PAGE_RECORDS);
    out.push('}');
    http::json(out)
}

/// `/paging/single` with a `total`: an API that counts every record but answers the first page
/// to any `offset` or `page`, which a paginator suggested from the count alone would loop on.
async fn counted_single(State(state): Shared) -> Response {
    let (mut out, _, total) = events_page(&state, 0, SINGLE_PAGE_RECORDS);
    w!(out, ",\"total\":{total}}}");
    http::json(out)
}

/// Reads `name` at the top of the body or under `page`, as APIs that page through a search body
/// do.
fn body_number(body: &serde_json::Value, name: &str, default: u64) -> Result<u64, Response> {
    let value = body
        .get(name)
        .or_else(|| body.get("page").and_then(|page| page.get(name)));
    match value {
        None | Some(serde_json::Value::Null) => Ok(default),
        Some(value) => value.as_u64().ok_or_else(|| {
            http::bad_request(&format!(
                "`{name}` in the body must be a non-negative whole number"
            ))
        }),
    }
}

async fn post_offset(
    State(state): Shared,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Response, Response> {
    let Json(body) = body.map_err(|rejection| {
        http::error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            &format!("send a JSON body: {rejection}"),
        )
    })?;
    let offset = body_number(&body, "offset", 0)?;
    let limit = http::check_page_size("limit", body_number(&body, "limit", DEFAULT_PAGE_SIZE)?)?;
    let (mut out, _, total) = events_page(&state, offset, limit);
    w!(
        out,
        ",\"total\":{total},\"offset\":{offset},\"limit\":{limit}}}"
    );
    Ok(http::json(out))
}
