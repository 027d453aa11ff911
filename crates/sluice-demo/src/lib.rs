//! The demo API served on loopback: the app's first-run example, the tests' fixture server and the
//! benchmark server.
//!
//! ```no_run
//! # async fn demo() -> sluice_demo::Result<()> {
//! use sluice_demo::{DemoOptions, DemoServer};
//! let server = DemoServer::start(DemoOptions { records: 250, ..DemoOptions::default() }).await?;
//! println!("{}", server.url("/paging/offset?limit=100"));
//! server.shutdown().await?;
//! # Ok(()) }
//! ```
//!
//! Records sit under `data` in every list answer. Every value is derived from the seed and the
//! record's index, so the same options give the same bytes. Page sizes (`limit`, `page_size`,
//! `per_page`) accept 1 to 1000; anything else is a 400.
//!
//! # Endpoints shaped like the seed documents
//!
//! | method, path | auth | pagination | records |
//! |---|---|---|---|
//! | `POST /oauth/token` | client id + secret, form body or HTTP basic | — | `{access_token, token_type, expires_in}`, plus `refresh_token` for scope `offline_access` and `id_token` for `openid` |
//! | `GET /v1/marketing_data` | OAuth2 bearer | offset: `offset`, `limit` (100), `total` | `records` marketing events |
//! | `GET /v1/analytics/events` | OAuth2 bearer | offset | `records` analytics events |
//! | `GET /v1/analytics/page_views` | API key in query `api_key` | offset | `records` page views |
//! | `GET /v1/database/customers` | API key in query `api_key` | offset | `records` customers |
//! | `GET /v1/resource` | OAuth2 bearer **or** query `api_key` | offset (`total`) **and** cursor (`next_cursor` / `cursor`) | `records` marketing events: every seed runs against it unchanged |
//! | `GET /v1/support/brands` | OAuth2 bearer | cursor: `next_cursor` in body, `cursor` param, `limit` (100) | 5 brands |
//! | `GET /v1/support/groups` | OAuth2 bearer | cursor | 12 groups |
//! | `GET /v1/support/organizations` | OAuth2 bearer | cursor | `max(1, records / 40)` organizations |
//! | `GET /v1/support/organizations/{id}/members` | OAuth2 bearer | cursor, `limit` (20) | `(id * 37) % 61` members, none when `id % 5 == 0`; unknown id → 404 |
//! | `GET /v1/support/tickets` | OAuth2 bearer | cursor; ordered by `updated_at`, filtered by `updated_since` (inclusive, ISO 8601) | `records` tickets, more after each change |
//! | `GET /v1/support/tickets/{id}/comments` | OAuth2 bearer | one page | the opening comment, and one for the ticket's latest update; unknown id → 404 |
//!
//! # One endpoint per pagination style (no auth, marketing events)
//!
//! | method, path | request | answer |
//! |---|---|---|
//! | `GET /paging/offset` | `offset`, `limit` | `{data, total, offset, limit}` |
//! | `GET /paging/offset_no_total` | `offset`, `limit` | `{data}`: stop on the empty page |
//! | `GET /paging/offset_has_more` | `offset`, `limit` | `{data, has_more}` |
//! | `GET /paging/page_number` | `page` from 0, `page_size` | `{data, page, total_pages}` |
//! | `GET /paging/page_number_1` | `page` from 1 (0 → 400), `page_size` | `{data, page, total_pages}` |
//! | `GET /paging/cursor` | `cursor`, `limit` | `{data, next_cursor}`, `null` on the last page |
//! | `GET /paging/header_cursor` | `cursor`, `limit` | `{data}` + header `next: <cursor>`, absent on the last page |
//! | `GET /paging/json_link` | `offset`, `limit` | `{data, next}`: a relative URL (`/paging/json_link?…`), `null` at the end |
//! | `GET /paging/json_link_absolute` | `offset`, `limit` | `{data, links: {next}}`: an absolute URL, `null` at the end |
//! | `GET /paging/link_header` | `page` from 1, `per_page` | `{data}` + `Link` with `first`, `prev`, `next`, `last` |
//! | `GET /paging/single` | — | `{data}` with the first `min(records, 100)` records |
//! | `GET /paging/counted_single` | — (ignores `offset` and `page`) | `{data, total}`: the first page whatever is asked, with the count of all |
//! | `GET /paging/wide?keys=N` | offset/limit, `total` | `{data: [{id, 10 of N prop_* keys}], total, offset, limit}` (wide tables) |
//! | `POST /paging/post` | JSON body `{offset, limit}` (or `{page: {offset, limit}}`) | `{data, total, offset, limit}` |
//!
//! # Auth schemes (offset pagination over marketing events)
//!
//! | path | what is checked | constants |
//! |---|---|---|
//! | `/auth/oauth2` | `Authorization: Bearer <token from /oauth/token>`, unexpired, not revoked | [`DEMO_CLIENT_ID`], [`DEMO_CLIENT_SECRET`] |
//! | `/auth/bearer` | `Authorization: Bearer <DEMO_TOKEN>` | [`DEMO_TOKEN`] |
//! | `/auth/basic` | `Authorization: Basic base64(user:password)` | [`DEMO_USERNAME`], [`DEMO_PASSWORD`] |
//! | `/auth/api_key/header` | header `X-API-Key` (or a raw `Authorization`, dlt's default name) | [`DEMO_API_KEY`] |
//! | `/auth/api_key/query` | query `api_key` | [`DEMO_API_KEY`] |
//! | `/auth/api_key/cookie` | cookie `api_key` | [`DEMO_API_KEY`] |
//!
//! Wrong, missing, expired or revoked credentials answer 401 with `WWW-Authenticate` and a JSON
//! body `{error, message}`.
//!
//! # Control endpoints (no auth, never faulted)
//!
//! `GET /` lists the endpoints and credentials; `GET /openapi.json` describes the `/v1` and
//! `/paging` endpoints as OpenAPI 3.1 ([`openapi_document`]); `GET /health`; `GET /admin/stats`;
//! `POST /admin/advance` changes tickets as described on [`DemoServer::advance`];
//! `POST /admin/revoke_tokens` invalidates every issued OAuth2 token.
//!
//! # A second origin that records what it receives
//!
//! See the `elsewhere` module: `/leak/*` endpoints whose links, redirects and parent records
//! point at another port, and [`DemoServer::elsewhere_requests`] to see what arrived there.
//!
//! # Faults
//!
//! See [`FaultOptions`] for the `--faults` syntax. Faults apply to `/v1/*`, `/paging/*` and
//! `/auth/*`, and to `/oauth/token` only with the `token` option.

// Request handlers return their error answers as a ready `Response`; it is built once per failed
// request, so boxing it would only add an allocation.
#![allow(clippy::result_large_err)]

/// Appends formatted text to a `String`, where writing cannot fail.
macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = write!($out, $($arg)*);
    }};
}

mod auth;
mod connector;
mod elsewhere;
mod error;
mod faults;
mod hostile;
mod http;
mod openapi;
mod options;
mod paging;
mod records;
mod resources;
mod server;

pub use auth::{
    API_KEY_COOKIE, API_KEY_HEADER, API_KEY_QUERY_PARAM, DEMO_API_KEY, DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME, TOKEN_PATH,
};
pub use connector::{demo_connector, DEMO_CONNECTOR_NAME};
pub use elsewhere::RecordedRequest;
pub use error::{Error, Result};
pub use openapi::describe as openapi_document;
pub use options::{
    DemoOptions, FaultOptions, RetryAfterFormat, DEFAULT_RECORDS, DEFAULT_SEED,
    DEFAULT_TOKEN_LIFETIME,
};
pub use records::iso_timestamp;
pub use server::{DemoServer, DemoStats};
