//! What a person would pick as the paginator of an endpoint left without one, read from
//! everything the first answer offers: a `Link` header, next links and cursors at any depth,
//! counts of pages or records next to the offset or page they echo, `has_more`.
//!
//! A sync with no paginator follows dlt's own detection (`paginator.rs`), so that a connector
//! exported to dlt reads the same pages there. dlt's detection misses common shapes (an answer
//! of 100 records with `"total": 1000` is one page to it), so the engine also reports this
//! proposal, with its evidence, whenever it differs from dlt's pick: the user adopts it into
//! the endpoint and both Sluice and dlt then read every page.

use reqwest::Url;
use serde_json::{json, Value};

use crate::paginator::{next_link, PageResponse};

/// A paginator config for the endpoint, and the part of the answer it rests on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Proposal {
    /// The endpoint's `paginator`, as the connector document spells it.
    pub(crate) paginator: Value,
    /// "`total` = 1000 with 100 records on page 1 → offset, limit 100".
    pub(crate) evidence: String,
}

/// How many object keys deep the answer is read.
const DEPTH: usize = 4;

/// Reads the first answer, which held `records` records, and the request it answered.
pub(crate) fn propose(response: &PageResponse<'_>, records: usize) -> Proposal {
    if next_link(response.headers, "next").is_some() {
        return proposal(
            json!({"type": "header_link"}),
            "a `Link` header with rel=\"next\" → header_link".into(),
        );
    }
    let mut keys = Vec::new();
    collect(response.body, &mut Vec::new(), &mut keys);
    let first = |names: &[&str], wanted: fn(&Value) -> bool| find(&keys, names, wanted);

    if let Some(link) = keys.iter().find(|k| k.holds_next_link()) {
        return proposal(
            json!({"type": "json_link", "next_url_path": link.path()}),
            format!("`{}` holds the next page's link → json_link", link.path()),
        );
    }
    let has_more = first(&HAS_MORE, Value::is_boolean);
    if let Some(cursor) = keys.iter().find(|k| k.holds_cursor()) {
        let param = cursor.cursor_param();
        let mut paginator = json!({
            "type": "cursor",
            "cursor_path": cursor.path(),
            "cursor_param": param,
        });
        if let Some(more) = has_more {
            paginator["has_more_path"] = json!(more.path());
        }
        return proposal(
            paginator,
            format!(
                "`{}` = {} → cursor, sent as `{param}`",
                cursor.path(),
                cursor.value
            ),
        );
    }

    let echo = Echo::read(&keys, response.url);
    if let Some(pages) = first(&PAGE_COUNTS, is_whole) {
        let (param, base) = echo.page.clone().unwrap_or(("page".into(), 1));
        return proposal(
            json!({"type": "page_number", "page_param": param, "base_page": base,
                   "total_path": pages.path()}),
            format!(
                "`{}` = {} pages → page_number from page {base}",
                pages.path(),
                pages.value
            ),
        );
    }
    let total = first(&RECORD_COUNTS, is_whole);
    let more_than_page_1 = match total {
        Some(total) => total.value.as_u64().is_some_and(|t| t > records as u64),
        None => has_more.is_some_and(|more| more.value == &Value::Bool(true)),
    };
    if records > 0 && more_than_page_1 {
        let sign = match total {
            Some(total) => format!(
                "`{}` = {} with {records} records on page 1",
                total.path(),
                total.value
            ),
            None => format!(
                "`{}` = true with {records} records on page 1",
                has_more.map(Key::path).unwrap_or_default()
            ),
        };
        let mut paginator = if let Some((param, base)) = &echo.page {
            // A record count says nothing about pages: the paginator stops on an empty page.
            json!({"type": "page_number", "page_param": param, "base_page": base,
                   "total_path": null})
        } else {
            let (limit_param, limit) = echo
                .limit
                .clone()
                .unwrap_or(("limit".into(), records as u64));
            let mut offset = json!({"type": "offset", "limit": limit});
            if limit_param != "limit" {
                offset["limit_param"] = json!(limit_param);
            }
            if let Some(param) = echo.offset.as_ref().filter(|p| *p != "offset") {
                offset["offset_param"] = json!(param);
            }
            offset["total_path"] = total.map_or(Value::Null, |t| json!(t.path()));
            offset
        };
        if total.is_none() {
            if let Some(more) = has_more {
                paginator["has_more_path"] = json!(more.path());
            }
        }
        let what = match paginator["type"].as_str() {
            Some("offset") => format!("offset, limit {}", paginator["limit"]),
            _ => format!("page_number from page {}", paginator["base_page"]),
        };
        return proposal(paginator, format!("{sign} → {what}"));
    }
    proposal(
        json!({"type": "single_page"}),
        "no link, cursor, count or `has_more` in the answer → single_page".into(),
    )
}

/// What the last page of a run that stopped on its own says was left unread: a record or page
/// count above what was read, `has_more` still true, a link to a next page. `records` and
/// `pages` count what the run read (records before any incremental filter).
pub(crate) fn unread(response: &PageResponse<'_>, records: usize, pages: usize) -> Option<String> {
    let mut keys = Vec::new();
    collect(response.body, &mut Vec::new(), &mut keys);
    let first = |names: &[&str], wanted: fn(&Value) -> bool| find(&keys, names, wanted);
    let read = format!(
        "{records} {} read in {pages} {}",
        if records == 1 {
            "record was"
        } else {
            "records were"
        },
        if pages == 1 { "page" } else { "pages" }
    );
    if let Some(total) = first(&RECORD_COUNTS, is_whole)
        .filter(|total| total.value.as_u64().is_some_and(|t| t > records as u64))
    {
        return Some(format!(
            "the API said {} records (`{}`), but {read}",
            total.value,
            total.path()
        ));
    }
    if let Some(total) = first(&PAGE_COUNTS, is_whole)
        .filter(|total| total.value.as_u64().is_some_and(|t| t > pages as u64))
    {
        return Some(format!(
            "the API said {} pages (`{}`), but {read}",
            total.value,
            total.path()
        ));
    }
    if let Some(more) = first(&HAS_MORE, |v| v == &Value::Bool(true)) {
        return Some(format!(
            "`{}` was still true on the last page; {read}",
            more.path()
        ));
    }
    if let Some(link) = keys.iter().find(|k| k.holds_next_link()) {
        return Some(format!(
            "`{}` still held a link to another page; {read}",
            link.path()
        ));
    }
    None
}

/// Keys that count the records of every page, the pages, or say more are coming.
const RECORD_COUNTS: [&str; 8] = [
    "total",
    "count",
    "totalcount",
    "totalsize",
    "totalresults",
    "totalrecords",
    "totalitems",
    "totalhits",
];
const PAGE_COUNTS: [&str; 4] = ["totalpages", "pages", "pagecount", "numpages"];
const HAS_MORE: [&str; 3] = ["hasmore", "more", "moreresults"];

/// The first key (depth first) named one of `names` whose value is `wanted`.
fn find<'k, 'v>(
    keys: &'k [Key<'v>],
    names: &[&str],
    wanted: fn(&Value) -> bool,
) -> Option<&'k Key<'v>> {
    keys.iter()
        .find(|k| names.contains(&k.name.as_str()) && wanted(k.value))
}

fn proposal(paginator: Value, evidence: String) -> Proposal {
    Proposal {
        paginator,
        evidence,
    }
}

fn is_whole(value: &Value) -> bool {
    value.as_u64().is_some()
}

/// A key of the answer's objects, with the keys leading to it.
struct Key<'a> {
    /// The key lower-cased without `_` or `-`, for matching: `next_cursor` → `nextcursor`.
    name: String,
    keys: Vec<String>,
    value: &'a Value,
}

impl Key<'_> {
    fn path(&self) -> String {
        self.keys.join(".")
    }

    /// The key as the answer spells it, without the keys leading to it.
    fn key(&self) -> &str {
        self.keys.last().map_or("", String::as_str)
    }

    /// The parent's name, matched like `name`; empty at the top.
    fn parent(&self) -> String {
        match self.keys.as_slice() {
            [.., parent, _] => normalized(parent),
            _ => String::new(),
        }
    }

    fn holds_next_link(&self) -> bool {
        let Value::String(text) = self.value else {
            return false;
        };
        let link =
            text.starts_with("http://") || text.starts_with("https://") || text.starts_with('/');
        let named = self.name.starts_with("next")
            || (self.parent().starts_with("next")
                && matches!(self.name.as_str(), "href" | "url" | "link"));
        link && named
    }

    fn holds_cursor(&self) -> bool {
        let scalar = match self.value {
            Value::String(text) => !text.is_empty() && !self.holds_next_link(),
            Value::Number(_) => true,
            _ => false,
        };
        // `next_page` and `next_offset` hold numbers of a range paginator, not cursors.
        let next_token = self.name.starts_with("next")
            && !matches!(self.name.as_str(), "nextpage" | "nextoffset");
        let under_next = matches!(self.name.as_str(), "after" | "cursor") && {
            let parent = self.parent();
            parent.starts_with("next") || parent == "cursors"
        };
        let named = next_token || under_next || self.name == "endcursor";
        scalar && named
    }

    /// The query parameter the cursor goes back in: `next_page_token` → `page_token`,
    /// `nextCursor` → `cursor`, `paging.next.after` and GraphQL's `endCursor` → `after`.
    fn cursor_param(&self) -> String {
        let key = self.key();
        if matches!(self.name.as_str(), "after" | "endcursor") {
            return "after".into();
        }
        let rest = key
            .strip_prefix("next")
            .or_else(|| key.strip_prefix("Next"))
            .unwrap_or(key)
            .trim_start_matches(['_', '-']);
        let mut chars = rest.chars();
        match chars.next() {
            None => "cursor".into(),
            Some(first) => first.to_lowercase().chain(chars).collect(),
        }
    }
}

/// Every key of the objects in `value`, depth first, down to [`DEPTH`] keys (arrays are not
/// entered: they hold the records).
fn collect<'a>(value: &'a Value, keys: &mut Vec<String>, found: &mut Vec<Key<'a>>) {
    let Value::Object(object) = value else { return };
    for (key, child) in object {
        // A key the config cannot name as a path segment is no use to propose.
        if !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            continue;
        }
        keys.push(key.clone());
        found.push(Key {
            name: normalized(key),
            keys: keys.clone(),
            value: child,
        });
        if keys.len() < DEPTH {
            collect(child, keys, found);
        }
        keys.pop();
    }
}

fn normalized(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The offset, limit and page the answer echoes back, else the request's own parameters.
struct Echo {
    offset: Option<String>,
    limit: Option<(String, u64)>,
    /// The page parameter and the page the first request read.
    page: Option<(String, u64)>,
}

impl Echo {
    fn read(keys: &[Key<'_>], url: &Url) -> Echo {
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let named = |names: &[&str]| -> Option<(String, Option<u64>)> {
            keys.iter()
                .filter(|k| k.keys.len() <= 2)
                .find(|k| names.contains(&k.name.as_str()) && is_whole(k.value))
                .map(|k| (k.key().to_owned(), k.value.as_u64()))
                .or_else(|| {
                    query
                        .iter()
                        .find(|(name, _)| names.contains(&normalized(name).as_str()))
                        .map(|(name, value)| (name.clone(), value.parse().ok()))
                })
        };
        let offset = named(&["offset", "skip", "start"]).map(|(name, _)| name);
        let limit = named(&["limit", "perpage", "pagesize", "size", "top", "take"])
            .and_then(|(name, value)| Some((name, value?)));
        let page = if offset.is_some() {
            None
        } else {
            named(&["page", "pagenumber", "currentpage", "pageno"])
                .map(|(name, value)| (name, value.filter(|v| *v <= 1).unwrap_or(1)))
        };
        Echo {
            offset,
            limit,
            page,
        }
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderValue, LINK};

    use super::*;
    use crate::selector::detect_data_selector;

    /// The proposal and data selector for an answer to `url` with `headers`.
    fn picks(url: &str, headers: &[(&str, &str)], body: Value) -> (Value, String, String) {
        let url = Url::parse(url).expect("url");
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            assert_eq!(*name, "link");
            map.append(LINK, HeaderValue::from_str(value).expect("header"));
        }
        let selector = detect_data_selector(&body);
        let path = crate::selector::Path::parse(&selector).expect("selector");
        let records = crate::selector::count_records(&body, &path);
        let response = PageResponse {
            url: &url,
            headers: &map,
            body: &body,
        };
        let Proposal {
            paginator,
            evidence,
        } = propose(&response, records);
        (paginator, selector, evidence)
    }

    fn items(n: usize) -> Vec<Value> {
        (0..n).map(|i| json!({"id": i})).collect()
    }

    #[test]
    fn a_record_count_beside_an_offset_echo_is_offset_with_that_total() {
        let (paginator, selector, evidence) = picks(
            "https://api.test/v1/events",
            &[],
            json!({"data": items(100), "total": 1000, "offset": 0, "limit": 100}),
        );
        assert_eq!(
            paginator,
            json!({"type": "offset", "limit": 100, "total_path": "total"})
        );
        assert_eq!(selector, "data");
        assert_eq!(
            evidence,
            "`total` = 1000 with 100 records on page 1 → offset, limit 100"
        );
    }

    #[test]
    fn a_count_of_pages_is_page_number_from_the_page_asked_for() {
        let (paginator, selector, _) = picks(
            "https://api.test/v1/orders?page=1",
            &[],
            json!({"orders": items(25), "page": 1, "total_pages": 8}),
        );
        assert_eq!(
            paginator,
            json!({"type": "page_number", "page_param": "page", "base_page": 1,
                   "total_path": "total_pages"})
        );
        assert_eq!(selector, "orders");
    }

    #[test]
    fn has_more_with_a_cursor_is_cursor_that_stops_on_has_more() {
        let (paginator, selector, _) = picks(
            "https://api.test/v1/charges",
            &[],
            json!({"object": "list", "data": items(10), "has_more": true, "next_cursor": "ch_10"}),
        );
        assert_eq!(
            paginator,
            json!({"type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor",
                   "has_more_path": "has_more"})
        );
        assert_eq!(selector, "data");
    }

    #[test]
    fn a_cursor_under_meta_is_found_and_sent_back_by_its_name() {
        let (paginator, selector, evidence) = picks(
            "https://api.test/v1/members",
            &[],
            json!({"items": items(50), "meta": {"next_page_token": "p2"}}),
        );
        assert_eq!(
            paginator,
            json!({"type": "cursor", "cursor_path": "meta.next_page_token",
                   "cursor_param": "page_token"})
        );
        assert_eq!(selector, "items");
        assert_eq!(
            evidence,
            "`meta.next_page_token` = \"p2\" → cursor, sent as `page_token`"
        );
    }

    #[test]
    fn a_next_link_in_links_is_json_link() {
        let (paginator, selector, _) = picks(
            "https://api.test/v1/posts",
            &[],
            json!({"data": items(20), "links": {"self": "https://api.test/v1/posts",
                   "next": "https://api.test/v1/posts?page[after]=20"}}),
        );
        assert_eq!(
            paginator,
            json!({"type": "json_link", "next_url_path": "links.next"})
        );
        assert_eq!(selector, "data");
    }

    #[test]
    fn a_link_header_is_header_link() {
        let (paginator, selector, _) = picks(
            "https://api.test/repos/o/r/issues",
            &[(
                "link",
                "<https://api.test/repos/o/r/issues?page=2>; rel=\"next\", <https://api.test/repos/o/r/issues?page=9>; rel=\"last\"",
            )],
            Value::Array(items(30)),
        );
        assert_eq!(paginator, json!({"type": "header_link"}));
        assert_eq!(selector, "$");
    }

    #[test]
    fn a_bare_array_without_signs_is_one_page() {
        let (paginator, selector, _) =
            picks("https://api.test/v1/tags", &[], Value::Array(items(7)));
        assert_eq!(paginator, json!({"type": "single_page"}));
        assert_eq!(selector, "$");
    }

    #[test]
    fn a_single_object_is_one_page_of_one_record() {
        let (paginator, selector, _) = picks(
            "https://api.test/v1/me",
            &[],
            json!({"id": 7, "name": "Ada", "plan": {"name": "team", "seats": 5}}),
        );
        assert_eq!(paginator, json!({"type": "single_page"}));
        assert_eq!(selector, "$");
    }

    #[test]
    fn hubspots_paging_next_after_is_a_cursor_sent_as_after() {
        let (paginator, selector, _) = picks(
            "https://api.test/crm/v3/objects/contacts?limit=100",
            &[],
            json!({"results": items(100), "paging": {"next": {"after": "NTI1Cg"}}}),
        );
        assert_eq!(
            paginator,
            json!({"type": "cursor", "cursor_path": "paging.next.after", "cursor_param": "after"})
        );
        assert_eq!(selector, "results");
    }

    #[test]
    fn salesforces_next_records_url_is_json_link_before_its_total() {
        let (paginator, selector, _) = picks(
            "https://api.test/services/data/v59.0/query?q=SELECT+Id+FROM+Account",
            &[],
            json!({"totalSize": 5000, "done": false,
                   "nextRecordsUrl": "/services/data/v59.0/query/01gD-2000",
                   "records": items(2000)}),
        );
        assert_eq!(
            paginator,
            json!({"type": "json_link", "next_url_path": "nextRecordsUrl"})
        );
        assert_eq!(selector, "records");
    }

    #[test]
    fn a_total_under_meta_beside_page_parameters_is_page_number_until_an_empty_page() {
        let (paginator, selector, evidence) = picks(
            "https://api.test/v2/tickets?page=1&per_page=50",
            &[],
            json!({"tickets": items(50), "meta": {"total": 420}}),
        );
        assert_eq!(
            paginator,
            json!({"type": "page_number", "page_param": "page", "base_page": 1,
                   "total_path": null})
        );
        assert_eq!(selector, "tickets");
        assert_eq!(
            evidence,
            "`meta.total` = 420 with 50 records on page 1 → page_number from page 1"
        );
    }

    #[test]
    fn a_skip_and_top_echo_keeps_the_apis_parameter_names() {
        let (paginator, _, _) = picks(
            "https://api.test/odata/People?$top=20",
            &[],
            json!({"value": items(20), "count": 95, "skip": 0, "top": 20}),
        );
        assert_eq!(
            paginator,
            json!({"type": "offset", "limit": 20, "limit_param": "top",
                   "offset_param": "skip", "total_path": "count"})
        );
    }

    #[test]
    fn has_more_without_a_cursor_is_offset_that_stops_on_has_more() {
        let (paginator, _, evidence) = picks(
            "https://api.test/v1/logs?limit=100",
            &[],
            json!({"data": items(100), "has_more": true}),
        );
        assert_eq!(
            paginator,
            json!({"type": "offset", "limit": 100, "total_path": null,
                   "has_more_path": "has_more"})
        );
        assert_eq!(
            evidence,
            "`has_more` = true with 100 records on page 1 → offset, limit 100"
        );
    }

    fn unread_after(url: &str, body: Value, records: usize, pages: usize) -> Option<String> {
        let url = Url::parse(url).expect("url");
        let headers = HeaderMap::new();
        let response = PageResponse {
            url: &url,
            headers: &headers,
            body: &body,
        };
        unread(&response, records, pages)
    }

    #[test]
    fn a_run_that_stopped_short_of_what_the_api_counted_says_so() {
        let url = "https://api.test/v1/events";
        let body = json!({"data": items(100), "total": 1000, "offset": 0, "limit": 100});
        assert_eq!(
            unread_after(url, body.clone(), 100, 1).as_deref(),
            Some("the API said 1000 records (`total`), but 100 records were read in 1 page")
        );
        let body_10 = json!({"data": items(100), "total": 1000, "offset": 900, "limit": 100});
        assert_eq!(unread_after(url, body_10, 1000, 10), None, "all read");
        let pages = json!({"data": items(10), "meta": {"total_pages": 4}});
        assert_eq!(
            unread_after(url, pages, 10, 1).as_deref(),
            Some("the API said 4 pages (`meta.total_pages`), but 10 records were read in 1 page")
        );
        let more = json!({"data": items(10), "has_more": true});
        assert_eq!(
            unread_after(url, more, 30, 3).as_deref(),
            Some("`has_more` was still true on the last page; 30 records were read in 3 pages")
        );
        let done = json!({"data": items(10), "has_more": false, "next": null});
        assert_eq!(unread_after(url, done, 30, 3), None);
        let link =
            json!({"data": items(10), "links": {"next": "https://api.test/v1/events?page=2"}});
        assert_eq!(
            unread_after(url, link, 10, 1).as_deref(),
            Some("`links.next` still held a link to another page; 10 records were read in 1 page")
        );
    }

    #[test]
    fn a_total_the_first_page_already_holds_is_one_page() {
        let (paginator, _, _) = picks(
            "https://api.test/v1/teams",
            &[],
            json!({"data": items(12), "total": 12}),
        );
        assert_eq!(paginator, json!({"type": "single_page"}));
    }
}
