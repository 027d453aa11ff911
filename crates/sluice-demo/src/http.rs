//! Small pieces every route shares: JSON answers, error answers and query parameters.

use std::collections::HashMap;
use std::ops::Range;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Query parameters as the client sent them (the last one wins on repeats).
pub(crate) type Params = HashMap<String, String>;

/// The largest page any endpoint hands out, so one request cannot ask for a million records.
pub(crate) const MAX_PAGE_SIZE: u64 = 1000;
pub(crate) const DEFAULT_PAGE_SIZE: u64 = 100;

pub(crate) fn json(body: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// An error answer shaped like most REST APIs': `{"error": code, "message": text}`.
pub(crate) fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "error": code, "message": message }).to_string();
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

pub(crate) fn bad_request(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "bad_request", message)
}

/// A non-negative whole number parameter, `default` when absent.
pub(crate) fn number(params: &Params, name: &str, default: u64) -> Result<u64, Response> {
    match params.get(name) {
        None => Ok(default),
        Some(text) => text.trim().parse().map_err(|_| {
            bad_request(&format!(
                "`{name}` must be a non-negative whole number, got `{text}`"
            ))
        }),
    }
}

/// A page size parameter: 1 to [`MAX_PAGE_SIZE`].
pub(crate) fn page_size(params: &Params, name: &str, default: u64) -> Result<u64, Response> {
    let size = number(params, name, default)?;
    check_page_size(name, size)
}

pub(crate) fn check_page_size(name: &str, size: u64) -> Result<u64, Response> {
    if (1..=MAX_PAGE_SIZE).contains(&size) {
        Ok(size)
    } else {
        Err(bad_request(&format!(
            "`{name}` must be between 1 and {MAX_PAGE_SIZE}, got {size}"
        )))
    }
}

/// The records of a page, clamped to the collection: past the end is an empty page, not an error,
/// as offset paginators that stop on an empty page expect.
pub(crate) fn window(offset: u64, limit: u64, total: u64) -> Range<u64> {
    offset.min(total)..offset.saturating_add(limit).min(total)
}

/// Body capacity guess so that a page is written without reallocating.
pub(crate) fn body_capacity(records: u64) -> usize {
    64 + records as usize * 720
}

// Cursors are opaque to clients on purpose: an engine must echo them, not compute them.
const CURSOR_MASK: u64 = 0x5EED_C0DE;

pub(crate) fn offset_cursor(offset: u64) -> String {
    format!("c{:x}", offset ^ CURSOR_MASK)
}

pub(crate) fn parse_offset_cursor(cursor: &str) -> Result<u64, Response> {
    cursor
        .strip_prefix('c')
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .map(|masked| masked ^ CURSOR_MASK)
        .ok_or_else(|| {
            bad_request(&format!(
                "`cursor` is not a cursor this API issued: `{cursor}`"
            ))
        })
}

/// Where a cursor-paginated list starts: the cursor's position, else 0.
pub(crate) fn cursor_start(params: &Params) -> Result<u64, Response> {
    match params.get("cursor").map(String::as_str) {
        None | Some("") => Ok(0),
        Some(cursor) => parse_offset_cursor(cursor),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_strangers() {
        for offset in [0, 1, 100, 123_456_789] {
            assert_eq!(
                parse_offset_cursor(&offset_cursor(offset)).ok(),
                Some(offset)
            );
        }
        assert!(parse_offset_cursor("100").is_err());
        assert!(parse_offset_cursor("cxyz").is_err());
    }

    #[test]
    fn windows_clamp_to_the_collection() {
        assert_eq!(window(0, 100, 250), 0..100);
        assert_eq!(window(200, 100, 250), 200..250);
        assert_eq!(window(300, 100, 250), 250..250);
        assert_eq!(window(u64::MAX, 100, 250), 250..250);
    }
}
