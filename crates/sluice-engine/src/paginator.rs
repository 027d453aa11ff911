//! dlt's paginators (spec §3.2) as state machines over [`PageRequest`], and their detection from
//! the first response (§3.4). Every stop comes with a sentence saying why.

use reqwest::header::{HeaderMap, LINK};
use reqwest::Url;
use serde_json::{json, Value};
use sluice_config::{Paginator as PaginatorModel, PaginatorConfig, PaginatorType};

use crate::error::{Error, Result};
use crate::request::PageRequest;
use crate::selector::Path;

/// What the paginator saw of a response.
pub(crate) struct PageResponse<'a> {
    /// The URL the page was requested from (links are resolved against it).
    pub(crate) url: &'a Url,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a Value,
}

/// After a page: fetch another (the request is already updated) or stop, and why.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Next {
    Page,
    Stop(String),
}

/// Where a paginator writes a value into the request.
#[derive(Debug, Clone)]
enum Target {
    Param(String),
    BodyPath(String),
}

impl Target {
    fn pick(
        param: Option<&String>,
        body_path: Option<&String>,
        default: &str,
        what: &str,
    ) -> Result<Target> {
        match (param, body_path) {
            (Some(_), Some(_)) => Err(Error::Config(format!(
                "paginator: give `{what}_param` or `{what}_body_path`, not both"
            ))),
            (_, Some(path)) => Ok(Target::BodyPath(path.clone())),
            (Some(param), None) => Ok(Target::Param(param.clone())),
            (None, None) => Ok(Target::Param(default.to_owned())),
        }
    }

    fn write(&self, request: &mut PageRequest, value: Value) {
        match self {
            Target::Param(name) => request.set_param(name, scalar_text(&value)),
            Target::BodyPath(path) => request.set_body_path(path, value),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Paginator {
    /// Detect from the first response.
    Auto,
    SinglePage,
    HeaderLink {
        rel: String,
    },
    JsonLink {
        next_url_path: Path,
    },
    Cursor(Cursor),
    HeaderCursor {
        cursor_key: String,
        cursor_param: String,
    },
    Range(Range),
}

#[derive(Debug, Clone)]
pub(crate) struct Cursor {
    cursor_path: Path,
    target: Target,
    stop_after_empty_page: bool,
    has_more_path: Option<Path>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum RangeKind {
    Offset,
    PageNumber,
}

/// Offset and page-number paging share dlt's range algorithm.
#[derive(Debug, Clone)]
pub(crate) struct Range {
    kind: RangeKind,
    current: u64,
    step: u64,
    /// Added to the total before comparing: `base_page` for pages, 0 for offsets.
    base_index: u64,
    value_target: Target,
    limit: Option<(Target, u64)>,
    total_path: Option<Path>,
    maximum: Option<u64>,
    stop_after_empty_page: bool,
    has_more_path: Option<Path>,
}

/// `None` in the model means "absent": dlt's default `total`; `Some(None)` is an explicit null.
fn total_path(model: &Option<Option<String>>) -> Result<Option<Path>> {
    match model {
        None => Path::parse("total").map(Some),
        Some(None) => Ok(None),
        Some(Some(path)) => Path::parse(path).map(Some),
    }
}

fn optional_path(path: Option<&String>) -> Result<Option<Path>> {
    path.map(|p| Path::parse(p)).transpose()
}

impl Paginator {
    /// A paginator from its config as JSON (`{"type": "offset", "limit": 100}`), as suggested.
    pub(crate) fn from_json(config: &Value) -> Result<Paginator> {
        let config: PaginatorConfig = serde_json::from_value(config.clone())
            .map_err(|error| Error::Config(format!("paginator {config}: {error}")))?;
        Paginator::from_config(Some(&PaginatorModel::Config(config)))
    }

    pub(crate) fn from_config(model: Option<&PaginatorModel>) -> Result<Paginator> {
        let config = match model {
            None => return Ok(Paginator::Auto),
            Some(PaginatorModel::Config(config)) => config.clone(),
            Some(PaginatorModel::Type(kind)) => match kind {
                PaginatorType::Auto => PaginatorConfig::Auto,
                PaginatorType::SinglePage => PaginatorConfig::SinglePage,
                PaginatorType::JsonLink => PaginatorConfig::JsonLink(Default::default()),
                PaginatorType::HeaderLink => PaginatorConfig::HeaderLink(Default::default()),
                PaginatorType::HeaderCursor => PaginatorConfig::HeaderCursor(Default::default()),
                PaginatorType::Cursor => PaginatorConfig::Cursor(Default::default()),
                PaginatorType::Offset => {
                    return Err(Error::Config(
                        "paginator `offset` needs a `limit`; write it as a dict".into(),
                    ))
                }
                PaginatorType::PageNumber => PaginatorConfig::PageNumber(Default::default()),
            },
        };
        Ok(match config {
            PaginatorConfig::Auto => Paginator::Auto,
            PaginatorConfig::SinglePage => Paginator::SinglePage,
            PaginatorConfig::HeaderLink(c) => Paginator::HeaderLink {
                rel: c.links_next_key.unwrap_or_else(|| "next".into()),
            },
            PaginatorConfig::JsonLink(c) => Paginator::JsonLink {
                next_url_path: Path::parse(c.next_url_path.as_deref().unwrap_or("next"))?,
            },
            PaginatorConfig::HeaderCursor(c) => Paginator::HeaderCursor {
                cursor_key: c.cursor_key.unwrap_or_else(|| "next".into()),
                cursor_param: c.cursor_param.unwrap_or_else(|| "cursor".into()),
            },
            PaginatorConfig::Cursor(c) => Paginator::Cursor(Cursor {
                cursor_path: Path::parse(c.cursor_path.as_deref().unwrap_or("cursors.next"))?,
                target: Target::pick(
                    c.cursor_param.as_ref(),
                    c.cursor_body_path.as_ref(),
                    "cursor",
                    "cursor",
                )?,
                stop_after_empty_page: c.stop_after_empty_page.unwrap_or(false),
                has_more_path: optional_path(c.has_more_path.as_ref())?,
            }),
            PaginatorConfig::Offset(c) => {
                if c.limit == 0 {
                    return Err(Error::Config(
                        "paginator `offset`: `limit` must be above 0".into(),
                    ));
                }
                Paginator::Range(Range::checked(Range {
                    kind: RangeKind::Offset,
                    current: c.offset.unwrap_or(0),
                    step: c.limit,
                    base_index: 0,
                    value_target: Target::pick(
                        c.offset_param.as_ref(),
                        c.offset_body_path.as_ref(),
                        "offset",
                        "offset",
                    )?,
                    limit: Some((
                        Target::pick(
                            c.limit_param.as_ref(),
                            c.limit_body_path.as_ref(),
                            "limit",
                            "limit",
                        )?,
                        c.limit,
                    )),
                    total_path: total_path(&c.total_path)?,
                    maximum: c.maximum_offset,
                    stop_after_empty_page: c.stop_after_empty_page.unwrap_or(true),
                    has_more_path: optional_path(c.has_more_path.as_ref())?,
                })?)
            }
            PaginatorConfig::PageNumber(c) => {
                let base_page = c.base_page.unwrap_or(0);
                Paginator::Range(Range::checked(Range {
                    kind: RangeKind::PageNumber,
                    current: c.page.unwrap_or(base_page),
                    step: 1,
                    base_index: base_page,
                    value_target: Target::pick(
                        c.page_param.as_ref(),
                        c.page_body_path.as_ref(),
                        "page",
                        "page",
                    )?,
                    limit: None,
                    total_path: total_path(&c.total_path)?,
                    maximum: c.maximum_page,
                    stop_after_empty_page: c.stop_after_empty_page.unwrap_or(true),
                    has_more_path: optional_path(c.has_more_path.as_ref())?,
                })?)
            }
        })
    }

    pub(crate) fn name(&self) -> &'static str {
        match self {
            Paginator::Auto => "auto",
            Paginator::SinglePage => "single_page",
            Paginator::HeaderLink { .. } => "header_link",
            Paginator::JsonLink { .. } => "json_link",
            Paginator::Cursor(_) => "cursor",
            Paginator::HeaderCursor { .. } => "header_cursor",
            Paginator::Range(range) => match range.kind {
                RangeKind::Offset => "offset",
                RangeKind::PageNumber => "page_number",
            },
        }
    }

    /// A user-set `maximum_offset` or `maximum_page`: stopping short of the API's total is
    /// then what was asked for, not something to warn about.
    pub(crate) fn has_maximum(&self) -> bool {
        matches!(self, Paginator::Range(range) if range.maximum.is_some())
    }

    /// Writes the first page's parameters (range paginators only).
    pub(crate) fn init_request(&self, request: &mut PageRequest) {
        if let Paginator::Range(range) = self {
            range.write(request);
        }
    }

    /// Replaces `auto` with what the first response suggests, by dlt's detectors in their order.
    /// Returns a sentence saying what was chosen and why.
    /// With the reason comes the paginator's config, for the user to adopt it into the endpoint.
    pub(crate) fn detect(&mut self, response: &PageResponse<'_>) -> Option<(String, Value)> {
        if !matches!(self, Paginator::Auto) {
            return None;
        }
        let (paginator, why) = detect(response);
        let config = detected_config(&paginator);
        *self = paginator;
        Some((why, config))
    }

    /// Reads page `page` (counted from 1), which held `records` records, and prepares the
    /// request of the next one.
    pub(crate) fn advance(
        &mut self,
        response: &PageResponse<'_>,
        records: usize,
        page: usize,
        request: &mut PageRequest,
    ) -> Result<Next> {
        match self {
            Paginator::Auto | Paginator::SinglePage => Ok(Next::Stop(format!(
                "stopped: the single_page paginator reads one page (page {page})"
            ))),
            Paginator::HeaderLink { rel } => match next_link(response.headers, rel) {
                None => Ok(Next::Stop(format!(
                    "stopped: no `Link` header with rel=\"{rel}\" on page {page}"
                ))),
                Some(link) => follow(response.url, &link, request),
            },
            Paginator::JsonLink { next_url_path } => match next_url_path.first(response.body) {
                None | Some(Value::Null) => Ok(Next::Stop(format!(
                    "stopped: `{}` was {} on page {page}",
                    next_url_path.text(),
                    describe_missing(next_url_path.first(response.body))
                ))),
                Some(link) => follow(response.url, &scalar_text(link), request),
            },
            Paginator::HeaderCursor {
                cursor_key,
                cursor_param,
            } => match response.headers.get(cursor_key.as_str()) {
                None => Ok(Next::Stop(format!(
                    "stopped: response header `{cursor_key}` was absent on page {page}"
                ))),
                Some(value) => {
                    let cursor = value.to_str().map_err(|_| {
                        Error::Paginator(format!(
                            "response header `{cursor_key}` on page {page} is not text"
                        ))
                    })?;
                    request.set_param(cursor_param, cursor.to_owned());
                    Ok(Next::Page)
                }
            },
            Paginator::Cursor(cursor) => cursor.advance(response, records, page, request),
            Paginator::Range(range) => range.advance(response, records, page, request),
        }
    }
}

/// Follows a link: relative links resolve against the page's URL, and the query parameters are
/// dropped because the link carries its own (dlt's rule).
fn follow(base: &Url, link: &str, request: &mut PageRequest) -> Result<Next> {
    let url = base.join(link).map_err(|error| {
        Error::Paginator(format!("next page link `{link}` is not a URL: {error}"))
    })?;
    request.url = url;
    request.params.clear();
    Ok(Next::Page)
}

impl Cursor {
    fn advance(
        &self,
        response: &PageResponse<'_>,
        records: usize,
        page: usize,
        request: &mut PageRequest,
    ) -> Result<Next> {
        let found = self.cursor_path.first(response.body);
        let cursor = found.filter(|value| truthy(value));
        if self.stop_after_empty_page && records == 0 {
            return Ok(Next::Stop(format!("stopped: page {page} was empty")));
        }
        // dlt 1.31 (dlt-hub/dlt#4225): `has_more` can stop paging but never extend it, so
        // a next page needs a cursor and, when the path is set, `has_more` true.
        if let Some(path) = &self.has_more_path {
            if !has_more(path, response.body, page)? {
                return Ok(Next::Stop(format!(
                    "stopped: `{}` was false on page {page}",
                    path.text()
                )));
            }
        }
        match cursor {
            Some(cursor) => {
                self.target.write(request, cursor.clone());
                Ok(Next::Page)
            }
            None => Ok(Next::Stop(format!(
                "stopped: `{}` was {} on page {page}",
                self.cursor_path.text(),
                describe_missing(found)
            ))),
        }
    }
}

impl Range {
    fn checked(range: Range) -> Result<Range> {
        if range.total_path.is_none()
            && range.maximum.is_none()
            && range.has_more_path.is_none()
            && !range.stop_after_empty_page
        {
            let what = match range.kind {
                RangeKind::Offset => "offset",
                RangeKind::PageNumber => "page_number",
            };
            return Err(Error::Config(format!(
                "paginator `{what}` would never stop: set `total_path`, a maximum, `has_more_path` \
                 or `stop_after_empty_page`"
            )));
        }
        Ok(range)
    }

    fn write(&self, request: &mut PageRequest) {
        self.value_target.write(request, Value::from(self.current));
        if let Some((target, limit)) = &self.limit {
            target.write(request, Value::from(*limit));
        }
    }

    fn advance(
        &mut self,
        response: &PageResponse<'_>,
        records: usize,
        page: usize,
        request: &mut PageRequest,
    ) -> Result<Next> {
        if self.stop_after_empty_page && records == 0 {
            return Ok(Next::Stop(format!("stopped: page {page} was empty")));
        }
        let total = match &self.total_path {
            None => None,
            Some(path) => Some(read_total(path, response.body, page)?),
        };
        self.current = self.current.saturating_add(self.step);
        let what = match self.kind {
            RangeKind::Offset => "offset",
            RangeKind::PageNumber => "page",
        };
        let mut stop = None;
        if let (Some(total), Some(path)) = (total, &self.total_path) {
            if self.current >= total.saturating_add(self.base_index) {
                stop = Some(format!(
                    "stopped: the next {what} {} is past `{}` = {total} on page {page}",
                    self.current,
                    path.text()
                ));
            }
        }
        if let Some(maximum) = self.maximum {
            if stop.is_none() && self.current >= maximum {
                stop = Some(format!(
                    "stopped: the next {what} {} reached the maximum_{what} {maximum} on page {page}",
                    self.current
                ));
            }
        }
        // dlt 1.31: `has_more` false stops paging; true never outlives the total or maximum.
        if let Some(path) = &self.has_more_path {
            if !has_more(path, response.body, page)? && stop.is_none() {
                stop = Some(format!(
                    "stopped: `{}` was false on page {page}",
                    path.text()
                ));
            }
        }
        match stop {
            Some(reason) => Ok(Next::Stop(reason)),
            None => {
                self.write(request);
                Ok(Next::Page)
            }
        }
    }
}

fn read_total(path: &Path, body: &Value, page: usize) -> Result<u64> {
    let found = path.first(body);
    let total = match found {
        Some(Value::Number(n)) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        }),
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    total.ok_or_else(|| {
        let seen = match found {
            None | Some(Value::Null) => describe_missing(found),
            Some(other) => format!("`{other}`, not a whole number"),
        };
        Error::Paginator(format!(
            "the total `{}` was {seen} on page {page}; set `total_path` to null if this API \
             reports no total",
            path.text()
        ))
    })
}

/// dlt's `has_more` reading: a boolean, or text `str2bool` understands; anything else is an error.
fn has_more(path: &Path, body: &Value, page: usize) -> Result<bool> {
    let found = path.first(body);
    let value = match found {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "t" | "on" | "1" => Some(true),
            "false" | "no" | "n" | "f" | "off" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    };
    value.ok_or_else(|| {
        Error::Paginator(format!(
            "`{}` (has_more) was {} on page {page}; it must be true or false",
            path.text(),
            match found {
                None | Some(Value::Null) => describe_missing(found),
                Some(other) => format!("`{other}`"),
            }
        ))
    })
}

/// Python truthiness of a cursor: `null`, `""`, `0` and `false` end paging.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn describe_missing(value: Option<&Value>) -> String {
    match value {
        None => "missing".into(),
        Some(Value::Null) => "null".into(),
        Some(Value::String(s)) if s.is_empty() => "an empty string".into(),
        Some(other) => format!("`{other}`"),
    }
}

/// A JSON scalar as a query parameter value (strings without quotes; Python's `True`).
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        other => other.to_string(),
    }
}

/// The URL of the `Link` header entry whose `rel` (one of its space-separated values) is `rel`.
pub(crate) fn next_link(headers: &HeaderMap, rel: &str) -> Option<String> {
    for value in headers.get_all(LINK) {
        let Ok(text) = value.to_str() else { continue };
        let mut rest = text;
        while let Some(open) = rest.find('<') {
            let after = &rest[open + 1..];
            let close = after.find('>')?;
            let url = &after[..close];
            let tail = &after[close + 1..];
            let end = tail.find('<').unwrap_or(tail.len());
            let params = &tail[..end];
            let matches = params.split(';').any(|param| {
                let Some((key, value)) = param.split_once('=') else {
                    return false;
                };
                key.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_end_matches(',')
                        .trim()
                        .trim_matches('"')
                        .split_whitespace()
                        .any(|r| r == rel)
            });
            if matches {
                return Some(url.to_owned());
            }
            rest = &tail[end..];
        }
    }
    None
}

/// dlt's paginator detectors in order: header_link, json_link, page_number, cursor, single_page.
fn detect(response: &PageResponse<'_>) -> (Paginator, String) {
    if next_link(response.headers, "next").is_some() {
        return (
            Paginator::HeaderLink { rel: "next".into() },
            "detected header_link: the response has a `Link` header with rel=\"next\"".into(),
        );
    }
    let next_key = find_next_key(response.body, &mut Vec::new());
    if let Some((path, Value::String(link))) = &next_key {
        if link.starts_with("http") || link.starts_with('/') {
            if let Ok(next_url_path) = Path::parse(&path_text(path)) {
                return (
                    Paginator::JsonLink { next_url_path },
                    format!("detected json_link: `{}` holds a link", path_text(path)),
                );
            }
        }
    }
    if let Some(path) = find_total_pages(response.body, &mut Vec::new()) {
        if let Ok(total) = Path::parse(&path_text(&path)) {
            // dlt never calls init_request on a detected paginator: page 0 was the first page.
            let range = Range {
                kind: RangeKind::PageNumber,
                current: 0,
                step: 1,
                base_index: 0,
                value_target: Target::Param("page".into()),
                limit: None,
                total_path: Some(total),
                maximum: None,
                stop_after_empty_page: true,
                has_more_path: None,
            };
            return (
                Paginator::Range(range),
                format!(
                    "detected page_number: `{}` holds the number of pages",
                    path_text(&path)
                ),
            );
        }
    }
    if let Some((path, value)) = &next_key {
        if matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_)) {
            if let Ok(cursor_path) = Path::parse(&path_text(path)) {
                return (
                    Paginator::Cursor(Cursor {
                        cursor_path,
                        target: Target::Param("cursor".into()),
                        stop_after_empty_page: false,
                        has_more_path: None,
                    }),
                    format!(
                        "detected cursor: `{}` holds the next cursor, sent as `cursor`",
                        path_text(path)
                    ),
                );
            }
        }
    }
    (
        Paginator::SinglePage,
        "detected single_page: the first response shows no sign of more pages".into(),
    )
}

/// The endpoint `paginator` config that makes the detected paginator explicit. A detected
/// page_number paginator counts from page 0 without sending it first, as dlt's does; written out
/// it sends `page=0` on the first request, which APIs counting from 0 read the same way.
fn detected_config(paginator: &Paginator) -> Value {
    match paginator {
        Paginator::HeaderLink { rel } => json!({ "type": "header_link", "links_next_key": rel }),
        Paginator::JsonLink { next_url_path } => {
            json!({ "type": "json_link", "next_url_path": next_url_path.text() })
        }
        Paginator::Range(range) => {
            let mut config = json!({ "type": "page_number", "base_page": 0, "page_param": "page" });
            if let Some(total) = &range.total_path {
                config["total_path"] = json!(total.text());
            }
            config
        }
        Paginator::Cursor(cursor) => json!({
            "type": "cursor",
            "cursor_path": cursor.cursor_path.text(),
            "cursor_param": "cursor",
        }),
        _ => json!({ "type": "single_page" }),
    }
}

fn path_text(keys: &[String]) -> String {
    keys.join(".")
}

/// The first key (depth first, in key order) whose lower-cased name starts with `next`; an
/// object value gives its first `href*`/`url*` key instead.
fn find_next_key<'a>(value: &'a Value, path: &mut Vec<String>) -> Option<(Vec<String>, &'a Value)> {
    let Value::Object(object) = value else {
        return None;
    };
    for (key, child) in object {
        if key.to_lowercase().starts_with("next") {
            let mut found = path.clone();
            found.push(key.clone());
            if let Value::Object(inner) = child {
                let (sub, v) = inner.iter().find(|(k, _)| {
                    let k = k.to_lowercase();
                    k.starts_with("href") || k.starts_with("url")
                })?;
                found.push(sub.clone());
                return Some((found, v));
            }
            return Some((found, child));
        }
        if child.is_object() {
            path.push(key.clone());
            let found = find_next_key(child, path);
            path.pop();
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// The first key named `total_pages`, `pages` or `totalpages` (any case) with a whole number.
fn find_total_pages(value: &Value, path: &mut Vec<String>) -> Option<Vec<String>> {
    let Value::Object(object) = value else {
        return None;
    };
    for (key, child) in object {
        let lower = key.to_lowercase();
        if matches!(lower.as_str(), "total_pages" | "pages" | "totalpages") {
            let whole = match child {
                Value::Number(n) => n.as_i64().is_some(),
                Value::String(s) => s.trim().parse::<i64>().is_ok(),
                _ => false,
            };
            if whole {
                let mut found = path.clone();
                found.push(key.clone());
                return Some(found);
            }
        }
        if child.is_object() {
            path.push(key.clone());
            let found = find_total_pages(child, path);
            path.pop();
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;
    use reqwest::Method;
    use serde_json::json;

    use super::*;
    use crate::request::Body;

    fn link_headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(LINK, HeaderValue::from_str(value).expect("header"));
        }
        headers
    }

    #[test]
    fn link_header_entries_are_found_by_rel() {
        let headers = link_headers(&[
            "<https://x.test/a?page=1>; rel=\"first\", <https://x.test/a?page=3>; rel=\"next\"",
        ]);
        assert_eq!(
            next_link(&headers, "next").as_deref(),
            Some("https://x.test/a?page=3")
        );
        assert_eq!(
            next_link(&headers, "first").as_deref(),
            Some("https://x.test/a?page=1")
        );
        assert_eq!(next_link(&headers, "prev"), None);
        let headers = link_headers(&["<https://x.test/b>; title=\"x\"; rel=\"prev next\""]);
        assert_eq!(
            next_link(&headers, "next").as_deref(),
            Some("https://x.test/b")
        );
        let headers = link_headers(&["</rel>; rel=last", "</n>; REL=next"]);
        assert_eq!(next_link(&headers, "next").as_deref(), Some("/n"));
    }

    fn request() -> PageRequest {
        PageRequest {
            method: Method::POST,
            url: Url::parse("http://x.test/search?keep=1").expect("url"),
            params: Vec::new(),
            headers: Vec::new(),
            body: Body::Json(json!({"q": "x"})),
        }
    }

    fn step(
        paginator: &mut Paginator,
        body: Value,
        records: usize,
        page: usize,
        r: &mut PageRequest,
    ) -> Result<Next> {
        let url = r.url.clone();
        let headers = HeaderMap::new();
        let view = PageResponse {
            url: &url,
            headers: &headers,
            body: &body,
        };
        paginator.advance(&view, records, page, r)
    }

    fn paginator(config: Value) -> Paginator {
        let model: PaginatorModel = serde_json::from_value(config).expect("paginator model");
        Paginator::from_config(Some(&model)).expect("paginator")
    }

    #[test]
    fn cursor_in_the_body_and_falsy_cursors_stop() {
        let mut p = paginator(json!({"type": "cursor", "cursor_path": "next",
                                     "cursor_body_path": "page.after"}));
        let mut r = request();
        assert_eq!(
            step(&mut p, json!({"next": "abc"}), 2, 1, &mut r).expect("ok"),
            Next::Page
        );
        assert_eq!(
            r.body,
            Body::Json(json!({"q": "x", "page": {"after": "abc"}}))
        );
        for (cursor, said) in [
            (json!(null), "null"),
            (json!(""), "an empty string"),
            (json!(0), "`0`"),
            (json!(false), "`false`"),
        ] {
            let next = step(&mut p, json!({"next": cursor}), 2, 4, &mut r).expect("ok");
            assert_eq!(
                next,
                Next::Stop(format!("stopped: `next` was {said} on page 4"))
            );
        }
        let next = step(&mut p, json!({}), 2, 5, &mut r).expect("ok");
        assert_eq!(
            next,
            Next::Stop("stopped: `next` was missing on page 5".into())
        );
    }

    /// dlt 1.31 (dlt-hub/dlt#4225): `has_more` can stop a cursor paginator, never extend it.
    #[test]
    fn cursor_has_more_only_stops_and_must_be_a_boolean() {
        let mut p = paginator(json!({"type": "cursor", "cursor_path": "c",
                                     "has_more_path": "more", "stop_after_empty_page": true}));
        let mut r = request();
        assert_eq!(
            step(&mut p, json!({"c": "1", "more": "yes"}), 3, 1, &mut r).expect("ok"),
            Next::Page
        );
        assert_eq!(r.params, vec![("cursor".to_owned(), "1".to_owned())]);
        assert_eq!(
            step(&mut p, json!({"c": "2", "more": true}), 0, 2, &mut r).expect("ok"),
            Next::Stop("stopped: page 2 was empty".into()),
            "an empty page stops even with has_more true"
        );
        assert_eq!(
            step(&mut p, json!({"c": "2", "more": false}), 3, 3, &mut r).expect("ok"),
            Next::Stop("stopped: `more` was false on page 3".into())
        );
        assert_eq!(
            step(&mut p, json!({"c": null, "more": true}), 3, 4, &mut r).expect("ok"),
            Next::Stop("stopped: `c` was null on page 4".into()),
            "has_more true does not page on without a cursor"
        );
        let error =
            step(&mut p, json!({"c": "2", "more": 3}), 3, 5, &mut r).expect_err("not a bool");
        assert_eq!(
            error.to_string(),
            "paginator: `more` (has_more) was `3` on page 5; it must be true or false"
        );
    }

    /// dlt 1.31: for offset and page_number, the total or the maximum ends paging even while
    /// `has_more` is still true; `has_more` false ends it early.
    #[test]
    fn range_has_more_true_does_not_outlive_the_total_or_the_maximum() {
        let mut r = request();
        let mut p = paginator(json!({"type": "offset", "limit": 10, "has_more_path": "more"}));
        p.init_request(&mut r);
        assert_eq!(
            step(&mut p, json!({"total": 15, "more": true}), 10, 1, &mut r).expect("ok"),
            Next::Page
        );
        assert_eq!(
            step(&mut p, json!({"total": 15, "more": true}), 5, 2, &mut r).expect("ok"),
            Next::Stop("stopped: the next offset 20 is past `total` = 15 on page 2".into())
        );
        let mut p = paginator(
            json!({"type": "page_number", "base_page": 1, "total_path": null,
                                     "maximum_page": 2, "has_more_path": "more"}),
        );
        p.init_request(&mut r);
        assert_eq!(
            step(&mut p, json!({"more": true}), 10, 1, &mut r).expect("ok"),
            Next::Stop("stopped: the next page 2 reached the maximum_page 2 on page 1".into())
        );
        let mut p = paginator(json!({"type": "offset", "limit": 10, "has_more_path": "more"}));
        p.init_request(&mut r);
        assert_eq!(
            step(&mut p, json!({"total": 100, "more": false}), 10, 1, &mut r).expect("ok"),
            Next::Stop("stopped: `more` was false on page 1".into())
        );
    }

    /// dlt 1.31 raises its "not an int" error for a total of the wrong type (it used to be a
    /// `TypeError`); Sluice says which value it was.
    #[test]
    fn a_total_of_the_wrong_type_is_an_error_naming_it() {
        for (total, shown) in [
            (
                json!({"value": 25}),
                r#"`{"value":25}`, not a whole number"#,
            ),
            (json!([25]), "`[25]`, not a whole number"),
            (json!(true), "`true`, not a whole number"),
            (json!(2.5), "`2.5`, not a whole number"),
            (json!("many"), r#"`"many"`, not a whole number"#),
        ] {
            let mut p = paginator(json!({"type": "offset", "limit": 10}));
            let error = step(&mut p, json!({"total": total}), 10, 1, &mut request())
                .expect_err("wrong type");
            assert!(
                error
                    .to_string()
                    .contains(&format!("the total `total` was {shown} on page 1")),
                "{error}"
            );
        }
    }

    #[test]
    fn range_total_as_text_maximum_and_explicit_null() {
        let mut p = paginator(json!({"type": "offset", "limit": 10, "offset_param": "skip"}));
        let mut r = request();
        p.init_request(&mut r);
        assert_eq!(
            r.params,
            vec![
                ("skip".to_owned(), "0".to_owned()),
                ("limit".to_owned(), "10".to_owned())
            ]
        );
        assert_eq!(
            step(&mut p, json!({"total": "25"}), 10, 1, &mut r).expect("ok"),
            Next::Page
        );
        assert_eq!(
            step(&mut p, json!({"total": "25"}), 10, 2, &mut r).expect("ok"),
            Next::Page
        );
        assert_eq!(
            step(&mut p, json!({"total": "25"}), 5, 3, &mut r).expect("ok"),
            Next::Stop("stopped: the next offset 30 is past `total` = 25 on page 3".into())
        );
        let error = step(
            &mut paginator(json!({"type": "offset", "limit": 10})),
            json!({"total": null}),
            10,
            1,
            &mut r,
        )
        .expect_err("null total");
        assert!(
            error
                .to_string()
                .contains("the total `total` was null on page 1"),
            "{error}"
        );
        let never = serde_json::from_value::<PaginatorModel>(json!({"type": "page_number", "total_path": null,
                                                                      "stop_after_empty_page": false}))
            .expect("model");
        assert!(Paginator::from_config(Some(&never)).is_err());
    }
}
