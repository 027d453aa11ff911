//! Resources shaped like the seed documents (`/v1/*`) and one resource per auth scheme
//! (`/auth/*`).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::auth::{self, Auth};
use crate::http::{self, Params, DEFAULT_PAGE_SIZE};
use crate::records::{parse_iso, Collection};
use crate::server::DemoState;

type Shared = State<Arc<DemoState>>;

/// Members pages are small by default so that the children of one organization span pages.
const DEFAULT_MEMBERS_PAGE: u64 = 20;

pub(crate) fn routes() -> Router<Arc<DemoState>> {
    let offset = |collection: Collection, auth: Auth| {
        get(move |s: Shared, h: HeaderMap, q: Query<Params>| offset_list(s, h, q, collection, auth))
    };
    let cursor = |collection: Collection| {
        get(move |s: Shared, h: HeaderMap, q: Query<Params>| cursor_list(s, h, q, collection))
    };
    Router::new()
        .route(
            "/v1/marketing_data",
            offset(Collection::Events, Auth::OAuth2),
        )
        .route(
            "/v1/analytics/events",
            offset(Collection::AnalyticsEvents, Auth::OAuth2),
        )
        .route(
            "/v1/analytics/page_views",
            offset(Collection::PageViews, Auth::ApiKeyQuery),
        )
        .route(
            "/v1/database/customers",
            offset(Collection::Customers, Auth::ApiKeyQuery),
        )
        .route("/v1/resource", get(seed_resource))
        .route("/v1/support/brands", cursor(Collection::Brands))
        .route("/v1/support/groups", cursor(Collection::Groups))
        .route(
            "/v1/support/organizations",
            cursor(Collection::Organizations),
        )
        .route("/v1/support/organizations/{id}/members", get(members))
        .route("/v1/support/tickets", get(tickets))
        .route("/v1/support/tickets/{id}/comments", get(ticket_comments))
        .route("/auth/oauth2", offset(Collection::Events, Auth::OAuth2))
        .route("/auth/bearer", offset(Collection::Events, Auth::Bearer))
        .route("/auth/basic", offset(Collection::Events, Auth::Basic))
        .route(
            "/auth/api_key/header",
            offset(Collection::Events, Auth::ApiKeyHeader),
        )
        .route(
            "/auth/api_key/query",
            offset(Collection::Events, Auth::ApiKeyQuery),
        )
        .route(
            "/auth/api_key/cookie",
            offset(Collection::Events, Auth::ApiKeyCookie),
        )
}

/// `{"data": [...], "total", "offset", "limit"}`: what dlt's offset paginator expects by default.
async fn offset_list(
    State(state): Shared,
    headers: HeaderMap,
    Query(params): Query<Params>,
    collection: Collection,
    auth: Auth,
) -> Result<Response, Response> {
    auth::require(&state, auth, &headers, &params)?;
    let offset = http::number(&params, "offset", 0)?;
    let limit = http::page_size(&params, "limit", DEFAULT_PAGE_SIZE)?;
    let total = state.data.count(collection);
    let window = http::window(offset, limit, total);
    let mut out = String::with_capacity(http::body_capacity(window.end - window.start));
    out.push_str("{\"data\":");
    state.data.write_page(&mut out, collection, window);
    w!(
        out,
        ",\"total\":{total},\"offset\":{offset},\"limit\":{limit}}}"
    );
    Ok(http::json(out))
}

fn push_next_cursor(out: &mut String, next: Option<String>) {
    match next {
        Some(cursor) => w!(out, ",\"next_cursor\":\"{cursor}\"}}"),
        None => out.push_str(",\"next_cursor\":null}"),
    }
}

/// `{"data": [...], "next_cursor"}` with `cursor` and `limit` parameters, the customer-support
/// seed's shape.
async fn cursor_list(
    State(state): Shared,
    headers: HeaderMap,
    Query(params): Query<Params>,
    collection: Collection,
) -> Result<Response, Response> {
    auth::require(&state, Auth::OAuth2, &headers, &params)?;
    let start = http::cursor_start(&params)?;
    let limit = http::page_size(&params, "limit", DEFAULT_PAGE_SIZE)?;
    let total = state.data.count(collection);
    let window = http::window(start, limit, total);
    let mut out = String::with_capacity(http::body_capacity(window.end - window.start));
    out.push_str("{\"data\":");
    state.data.write_page(&mut out, collection, window.clone());
    push_next_cursor(
        &mut out,
        (window.end < total).then(|| http::offset_cursor(window.end)),
    );
    Ok(http::json(out))
}

/// `/v1/resource`, the path every seed uses: it answers the offset seeds (`offset`, `limit`,
/// `total`) and the cursor seed (`cursor`, `next_cursor`) alike, behind either OAuth2 or the query
/// API key, so each seed runs against the demo with only its base URL changed.
async fn seed_resource(
    State(state): Shared,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Result<Response, Response> {
    auth::require(&state, Auth::OAuth2OrApiKeyQuery, &headers, &params)?;
    let offset = match params.get("cursor") {
        Some(_) => http::cursor_start(&params)?,
        None => http::number(&params, "offset", 0)?,
    };
    let limit = http::page_size(&params, "limit", DEFAULT_PAGE_SIZE)?;
    let total = state.data.count(Collection::Events);
    let window = http::window(offset, limit, total);
    let mut out = String::with_capacity(http::body_capacity(window.end - window.start));
    out.push_str("{\"data\":");
    state
        .data
        .write_page(&mut out, Collection::Events, window.clone());
    w!(
        out,
        ",\"total\":{total},\"offset\":{offset},\"limit\":{limit}"
    );
    push_next_cursor(
        &mut out,
        (window.end < total).then(|| http::offset_cursor(window.end)),
    );
    Ok(http::json(out))
}

async fn members(
    State(state): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Response, Response> {
    auth::require(&state, Auth::OAuth2, &headers, &params)?;
    let org_id = id_in(&id, state.data.organizations(), "organization")?;
    let start = http::cursor_start(&params)?;
    let limit = http::page_size(&params, "limit", DEFAULT_MEMBERS_PAGE)?;
    let total = state.data.members(org_id);
    let window = http::window(start, limit, total);
    let mut out = String::with_capacity(http::body_capacity(window.end - window.start));
    out.push_str("{\"data\":");
    state.data.write_members(&mut out, org_id, window.clone());
    push_next_cursor(
        &mut out,
        (window.end < total).then(|| http::offset_cursor(window.end)),
    );
    Ok(http::json(out))
}

/// The id in a path, from 1 to `count`; anything else is a 404 naming the `what`.
fn id_in(id: &str, count: u64, what: &str) -> Result<u64, Response> {
    id.parse::<u64>()
        .ok()
        .filter(|id| (1..=count).contains(id))
        .ok_or_else(|| {
            http::error(
                StatusCode::NOT_FOUND,
                "not_found",
                &format!("no {what} {id}"),
            )
        })
}

/// A ticket's comments, all on one page: a child resource of the tickets.
async fn ticket_comments(
    State(state): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Response, Response> {
    auth::require(&state, Auth::OAuth2, &headers, &params)?;
    let tickets = state.tickets();
    let index = id_in(&id, tickets.count(), "ticket")? - 1;
    let mut out = String::with_capacity(512);
    out.push_str("{\"data\":");
    tickets.write_comments(&mut out, index);
    out.push('}');
    Ok(http::json(out))
}

/// Ticket cursors name the last (updated_at, index) seen rather than a position, so a page walk
/// stays correct when tickets change between two pages.
fn ticket_cursor(updated_at: u64, index: u32) -> String {
    format!("t{updated_at:x}-{index:x}")
}

fn parse_ticket_cursor(cursor: &str) -> Option<(u64, u32)> {
    let (at, index) = cursor.strip_prefix('t')?.split_once('-')?;
    Some((
        u64::from_str_radix(at, 16).ok()?,
        u32::from_str_radix(index, 16).ok()?,
    ))
}

/// Tickets ordered by `updated_at`, optionally only those with `updated_at >= updated_since`.
async fn tickets(
    State(state): Shared,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Result<Response, Response> {
    auth::require(&state, Auth::OAuth2, &headers, &params)?;
    let limit = http::page_size(&params, "limit", DEFAULT_PAGE_SIZE)?;
    let since = match params.get("updated_since").map(String::as_str) {
        None | Some("") => 0,
        Some(text) => parse_iso(text).ok_or_else(|| {
            http::bad_request(&format!(
                "`updated_since` must be an ISO 8601 timestamp, got `{text}`"
            ))
        })?,
    };
    let tickets = state.tickets();
    let index = &tickets.by_updated_at;
    let mut start = index.partition_point(|(at, _)| *at < since);
    match params.get("cursor").map(String::as_str) {
        None | Some("") => {}
        Some(cursor) => {
            let after = parse_ticket_cursor(cursor).ok_or_else(|| {
                http::bad_request(&format!(
                    "`cursor` is not a cursor this API issued: `{cursor}`"
                ))
            })?;
            start = start.max(index.partition_point(|entry| *entry <= after));
        }
    }
    let end = start.saturating_add(limit as usize).min(index.len());
    let mut out = String::with_capacity(http::body_capacity((end - start) as u64));
    out.push_str("{\"data\":[");
    for (n, (updated_at, i)) in index[start..end].iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        tickets.write(&mut out, u64::from(*i), *updated_at);
    }
    out.push(']');
    let next = (end < index.len()).then(|| {
        let (at, i) = index[end - 1];
        ticket_cursor(at, i)
    });
    push_next_cursor(&mut out, next);
    Ok(http::json(out))
}
