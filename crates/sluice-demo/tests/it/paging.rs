//! Every pagination style: exact records per page and where each walk stops.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{client, expected_pages, get, get_ok, ids, send, start, TestResult};

const RECORDS: u64 = 250;

#[tokio::test]
async fn offset_with_total_pages_through_every_record_once() -> TestResult {
    let server = start(RECORDS).await?;
    let client = client();
    let mut pages = Vec::new();
    let mut offset = 0;
    loop {
        let answer = get_ok(
            &client,
            &server.url(&format!("/paging/offset?offset={offset}&limit=100")),
        )
        .await?;
        assert_eq!(answer.body["total"], RECORDS, "total on every page");
        pages.push(ids(&answer.body)?);
        offset += 100;
        if offset >= RECORDS {
            break;
        }
    }
    assert_eq!(pages, expected_pages(RECORDS, 100));
    let past_the_end = get_ok(&client, &server.url("/paging/offset?offset=300&limit=100")).await?;
    assert_eq!(
        ids(&past_the_end.body)?,
        Vec::<u64>::new(),
        "past the end is an empty page"
    );
    Ok(())
}

#[tokio::test]
async fn offset_without_total_ends_with_an_empty_page() -> TestResult {
    let server = start(RECORDS).await?;
    let client = client();
    let mut pages = Vec::new();
    for offset in (0..).step_by(100) {
        let answer = get_ok(
            &client,
            &server.url(&format!(
                "/paging/offset_no_total?offset={offset}&limit=100"
            )),
        )
        .await?;
        let keys: Vec<&String> = answer.body.as_object().ok_or("object")?.keys().collect();
        assert_eq!(keys, ["data"], "no total, no paging hints");
        let page = ids(&answer.body)?;
        if page.is_empty() {
            break;
        }
        pages.push(page);
    }
    assert_eq!(pages, expected_pages(RECORDS, 100));
    Ok(())
}

#[tokio::test]
async fn offset_with_has_more_flag_turns_false_on_the_last_page() -> TestResult {
    let server = start(RECORDS).await?;
    let client = client();
    let mut flags = Vec::new();
    let mut pages = Vec::new();
    for offset in [0, 100, 200] {
        let answer = get_ok(
            &client,
            &server.url(&format!(
                "/paging/offset_has_more?offset={offset}&limit=100"
            )),
        )
        .await?;
        flags.push(
            answer.body["has_more"]
                .as_bool()
                .ok_or("has_more is a boolean")?,
        );
        pages.push(ids(&answer.body)?);
    }
    assert_eq!(flags, [true, true, false]);
    assert_eq!(pages, expected_pages(RECORDS, 100));
    Ok(())
}

#[tokio::test]
async fn page_number_from_zero_reports_total_pages() -> TestResult {
    let server = start(RECORDS).await?;
    let client = client();
    let mut pages = Vec::new();
    for page in 0..3 {
        let answer = get_ok(
            &client,
            &server.url(&format!("/paging/page_number?page={page}&page_size=100")),
        )
        .await?;
        assert_eq!(answer.body["total_pages"], 3);
        assert_eq!(answer.body["page"], page);
        pages.push(ids(&answer.body)?);
    }
    assert_eq!(pages, expected_pages(RECORDS, 100));
    let first = get_ok(&client, &server.url("/paging/page_number?page_size=100")).await?;
    assert_eq!(
        ids(&first.body)?,
        expected_pages(RECORDS, 100)[0],
        "no page param means page 0"
    );
    let beyond = get_ok(
        &client,
        &server.url("/paging/page_number?page=3&page_size=100"),
    )
    .await?;
    assert!(ids(&beyond.body)?.is_empty(), "page 3 of 0..=2 is empty");
    Ok(())
}

#[tokio::test]
async fn page_number_from_one_rejects_page_zero() -> TestResult {
    let server = start(RECORDS).await?;
    let client = client();
    let mut pages = Vec::new();
    for page in 1..=3 {
        let answer = get_ok(
            &client,
            &server.url(&format!("/paging/page_number_1?page={page}&page_size=100")),
        )
        .await?;
        assert_eq!(answer.body["total_pages"], 3);
        pages.push(ids(&answer.body)?);
    }
    assert_eq!(pages, expected_pages(RECORDS, 100));
    let zero = get(&client, &server.url("/paging/page_number_1?page=0")).await?;
    assert_eq!(zero.status, StatusCode::BAD_REQUEST, "{}", zero.body);
    Ok(())
}

#[tokio::test]
async fn cursor_in_body_is_null_on_the_last_page() -> TestResult {
    let server = start(RECORDS).await?;
    let client = client();
    let mut pages = Vec::new();
    let mut url = server.url("/paging/cursor?limit=100");
    loop {
        let answer = get_ok(&client, &url).await?;
        pages.push(ids(&answer.body)?);
        match answer.body["next_cursor"].as_str() {
            Some(cursor) => url = server.url(&format!("/paging/cursor?limit=100&cursor={cursor}")),
            None => {
                assert!(
                    answer.body["next_cursor"].is_null(),
                    "next_cursor is null at the end"
                );
                break;
            }
        }
        assert!(pages.len() < 10, "the cursor walk does not end");
    }
    assert_eq!(pages, expected_pages(RECORDS, 100));
    let bad = get(&client, &server.url("/paging/cursor?cursor=not-a-cursor")).await?;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    Ok(())
}

#[tokio::test]
async fn cursor_in_header_is_absent_on_the_last_page() -> TestResult {
    let server = start(RECORDS).await?;
    let client = client();
    let mut pages = Vec::new();
    let mut url = server.url("/paging/header_cursor?limit=100");
    loop {
        let answer = get_ok(&client, &url).await?;
        pages.push(ids(&answer.body)?);
        match answer.headers.get("next") {
            Some(cursor) => {
                url = server.url(&format!(
                    "/paging/header_cursor?limit=100&cursor={}",
                    cursor.to_str()?
                ))
            }
            None => break,
        }
        assert!(pages.len() < 10, "the header cursor walk does not end");
    }
    assert_eq!(pages, expected_pages(RECORDS, 100));
    Ok(())
}

#[tokio::test]
async fn json_link_gives_a_relative_next_url() -> TestResult {
    let server = start(RECORDS).await?;
    let client = client();
    let mut pages = Vec::new();
    let mut url = server.url("/paging/json_link?limit=100");
    loop {
        let answer = get_ok(&client, &url).await?;
        pages.push(ids(&answer.body)?);
        match answer.body["next"].as_str() {
            Some(next) => {
                assert!(
                    next.starts_with("/paging/json_link?"),
                    "relative link, got {next}"
                );
                url = server.url(next);
            }
            None => break,
        }
        assert!(pages.len() < 10, "the link walk does not end");
    }
    assert_eq!(pages, expected_pages(RECORDS, 100));
    Ok(())
}

#[tokio::test]
async fn json_link_absolute_gives_a_full_next_url_under_links() -> TestResult {
    let server = start(RECORDS).await?;
    let client = client();
    let mut pages = Vec::new();
    let mut url = server.url("/paging/json_link_absolute?limit=100");
    loop {
        let answer = get_ok(&client, &url).await?;
        pages.push(ids(&answer.body)?);
        match answer.body["links"]["next"].as_str() {
            Some(next) => {
                assert!(
                    next.starts_with(server.base_url()),
                    "absolute link, got {next}"
                );
                url = next.to_string();
            }
            None => break,
        }
        assert!(pages.len() < 10, "the link walk does not end");
    }
    assert_eq!(pages, expected_pages(RECORDS, 100));
    Ok(())
}

/// The URL of `rel` in an RFC 8288 `Link` header.
fn link(header: &str, rel: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params.contains(&format!("rel=\"{rel}\"")).then(|| {
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

#[tokio::test]
async fn link_header_names_next_until_the_last_page() -> TestResult {
    let server = start(RECORDS).await?;
    let client = client();
    let mut pages = Vec::new();
    let mut url = server.url("/paging/link_header?per_page=100");
    loop {
        let answer = get_ok(&client, &url).await?;
        pages.push(ids(&answer.body)?);
        let header = answer
            .headers
            .get("link")
            .ok_or("Link header on every page")?
            .to_str()?;
        assert_eq!(
            link(header, "last"),
            Some(server.url("/paging/link_header?page=3&per_page=100")),
            "{header}"
        );
        match link(header, "next") {
            Some(next) => url = next,
            None => break,
        }
        assert!(pages.len() < 10, "the Link walk does not end");
    }
    assert_eq!(pages, expected_pages(RECORDS, 100));
    Ok(())
}

#[tokio::test]
async fn single_page_has_no_paging_hints() -> TestResult {
    let server = start(RECORDS).await?;
    let answer = get_ok(&client(), &server.url("/paging/single")).await?;
    let keys: Vec<&String> = answer.body.as_object().ok_or("object")?.keys().collect();
    assert_eq!(keys, ["data"]);
    assert_eq!(ids(&answer.body)?, (1..=100).collect::<Vec<_>>());
    let small = start(7).await?;
    let answer = get_ok(&client(), &small.url("/paging/single")).await?;
    assert_eq!(ids(&answer.body)?, (1..=7).collect::<Vec<_>>());
    Ok(())
}

#[tokio::test]
async fn post_pages_through_the_json_body() -> TestResult {
    let server = start(RECORDS).await?;
    let client = client();
    let mut pages = Vec::new();
    for offset in [0, 100, 200] {
        let answer = send(
            client
                .post(server.url("/paging/post"))
                .json(&json!({"offset": offset, "limit": 100, "filter": {"kind": "all"}})),
        )
        .await?;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        assert_eq!(answer.body["total"], RECORDS);
        pages.push(ids(&answer.body)?);
    }
    assert_eq!(pages, expected_pages(RECORDS, 100));
    let nested = send(
        client
            .post(server.url("/paging/post"))
            .json(&json!({"page": {"offset": 240, "limit": 5}})),
    )
    .await?;
    assert_eq!(
        ids(&nested.body)?,
        (241..=245).collect::<Vec<_>>(),
        "offset and limit under `page`"
    );
    let not_json = send(client.post(server.url("/paging/post")).body("offset=0")).await?;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    Ok(())
}

#[tokio::test]
async fn page_sizes_outside_1_to_1000_are_rejected() -> TestResult {
    let server = start(RECORDS).await?;
    let client = client();
    for query in ["limit=0", "limit=1001", "limit=ten", "offset=-1"] {
        let answer = get(&client, &server.url(&format!("/paging/offset?{query}"))).await?;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{query}: {}",
            answer.body
        );
        assert!(
            answer.body["message"].is_string(),
            "{query}: the 400 says why"
        );
    }
    let default = get_ok(&client, &server.url("/paging/offset")).await?;
    assert_eq!(default.body["limit"], 100, "default page size");
    Ok(())
}
