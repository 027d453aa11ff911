//! The resources shaped like the seed documents, and the organizations → members pair.

use std::collections::HashSet;

use reqwest::StatusCode;
use sluice_demo::{DemoServer, DEMO_API_KEY};

use crate::common::{
    access_token, client, expected_pages, get, get_ok, ids, send, start, TestResult,
};

const RECORDS: u64 = 250;

/// Walks an offset-paginated resource the way the seeds configure it (limit 100, `total`).
async fn walk_offset(
    client: &reqwest::Client,
    url: impl Fn(u64) -> String,
) -> TestResult<Vec<Vec<u64>>> {
    let mut pages = Vec::new();
    let mut offset = 0;
    loop {
        let answer = get_ok(client, &url(offset)).await?;
        let total = answer.body["total"].as_u64().ok_or("total in every page")?;
        pages.push(ids(&answer.body)?);
        offset += 100;
        if offset >= total {
            return Ok(pages);
        }
    }
}

/// Walks a cursor-paginated resource: `next_cursor` in the body, `cursor` in the query.
async fn walk_cursor(
    client: &reqwest::Client,
    server: &DemoServer,
    path: &str,
    token: &str,
) -> TestResult<Vec<Vec<u64>>> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let separator = if path.contains('?') { '&' } else { '?' };
        let url = match &cursor {
            Some(cursor) => server.url(&format!("{path}{separator}cursor={cursor}")),
            None => server.url(path),
        };
        let answer = send(client.get(&url).bearer_auth(token)).await?;
        assert_eq!(answer.status, StatusCode::OK, "{url}: {}", answer.body);
        pages.push(ids(&answer.body)?);
        match answer.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return Ok(pages),
        }
        assert!(pages.len() < 1000, "the cursor walk of {path} does not end");
    }
}

#[tokio::test]
async fn oauth2_offset_resources_serve_every_record() -> TestResult {
    let server = start(RECORDS).await?;
    let client = client();
    let token = access_token(&client, &server).await?;
    for path in ["/v1/marketing_data", "/v1/analytics/events", "/v1/resource"] {
        let bare = get(&client, &server.url(path)).await?;
        assert_eq!(
            bare.status,
            StatusCode::UNAUTHORIZED,
            "{path} must refuse a request without a token"
        );
        let mut pages = Vec::new();
        for offset in [0, 100, 200] {
            let answer = send(
                client
                    .get(server.url(&format!("{path}?offset={offset}&limit=100")))
                    .bearer_auth(&token),
            )
            .await?;
            assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
            assert_eq!(answer.body["total"], RECORDS, "{path}");
            pages.push(ids(&answer.body)?);
        }
        assert_eq!(pages, expected_pages(RECORDS, 100), "{path}");
    }
    Ok(())
}

#[tokio::test]
async fn api_key_offset_resources_serve_every_record() -> TestResult {
    let server = start(RECORDS).await?;
    let client = client();
    for path in [
        "/v1/analytics/page_views",
        "/v1/database/customers",
        "/v1/resource",
    ] {
        let pages = walk_offset(&client, |offset| {
            server.url(&format!(
                "{path}?offset={offset}&limit=100&api_key={DEMO_API_KEY}"
            ))
        })
        .await?;
        assert_eq!(pages, expected_pages(RECORDS, 100), "{path}");
    }
    Ok(())
}

#[tokio::test]
async fn the_generic_seed_resource_also_pages_by_cursor() -> TestResult {
    let server = start(RECORDS).await?;
    let client = client();
    let token = access_token(&client, &server).await?;
    let pages = walk_cursor(&client, &server, "/v1/resource", &token).await?;
    assert_eq!(pages, expected_pages(RECORDS, 100));
    Ok(())
}

#[tokio::test]
async fn support_resources_page_by_cursor() -> TestResult {
    let server = start(RECORDS).await?;
    let client = client();
    let token = access_token(&client, &server).await?;
    for (path, count) in [
        ("/v1/support/brands?limit=2", 5),
        ("/v1/support/groups?limit=5", 12),
        ("/v1/support/organizations?limit=4", RECORDS / 40),
        ("/v1/support/tickets?limit=100", RECORDS),
    ] {
        let pages = walk_cursor(&client, &server, path, &token).await?;
        let size = path.rsplit('=').next().ok_or("limit")?.parse::<u64>()?;
        let mut all: Vec<u64> = pages.iter().flatten().copied().collect();
        assert_eq!(
            pages.len() as u64,
            count.div_ceil(size),
            "{path}: page count"
        );
        assert!(
            pages.iter().all(|page| page.len() as u64 <= size),
            "{path}: page size"
        );
        all.sort_unstable();
        assert_eq!(
            all,
            (1..=count).collect::<Vec<_>>(),
            "{path}: every record once"
        );
    }
    Ok(())
}

#[tokio::test]
async fn organizations_members_are_children_paginated_per_parent() -> TestResult {
    let server = start(RECORDS).await?;
    let client = client();
    let token = access_token(&client, &server).await?;
    let organizations: Vec<u64> =
        walk_cursor(&client, &server, "/v1/support/organizations", &token)
            .await?
            .concat();
    assert_eq!(organizations.len() as u64, RECORDS / 40);
    let mut seen = HashSet::new();
    let mut multi_page_parents = 0;
    for org in &organizations {
        let path = format!("/v1/support/organizations/{org}/members");
        let pages = walk_cursor(&client, &server, &path, &token).await?;
        let expected = if org % 5 == 0 { 0 } else { (org * 37) % 61 };
        let members: Vec<u64> = pages.concat();
        assert_eq!(
            members.len() as u64,
            expected,
            "members of organization {org}"
        );
        assert_eq!(
            pages.len() as u64,
            expected.div_ceil(20).max(1),
            "pages of organization {org}"
        );
        multi_page_parents += usize::from(pages.len() > 1);
        for member in members {
            assert!(seen.insert(member), "member {member} appears twice");
        }
    }
    assert!(
        multi_page_parents > 0,
        "some organization's members span several pages"
    );
    let empty = send(
        client
            .get(server.url("/v1/support/organizations/5/members"))
            .bearer_auth(&token),
    )
    .await?;
    assert_eq!(
        empty.body["data"],
        serde_json::json!([]),
        "organization 5 has no members"
    );
    let record = send(
        client
            .get(server.url("/v1/support/organizations/3/members?limit=1"))
            .bearer_auth(&token),
    )
    .await?;
    assert_eq!(
        record.body["data"][0]["organization_id"], 3,
        "children carry their parent's id"
    );
    for missing in ["999", "0", "abc"] {
        let answer = send(
            client
                .get(server.url(&format!("/v1/support/organizations/{missing}/members")))
                .bearer_auth(&token),
        )
        .await?;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "organization {missing}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn every_seed_resource_keeps_its_records_under_data() -> TestResult {
    let server = start(30).await?;
    let client = client();
    let token = access_token(&client, &server).await?;
    for path in [
        "/v1/marketing_data",
        "/v1/analytics/events",
        "/v1/resource",
        "/v1/support/brands",
        "/v1/support/groups",
        "/v1/support/organizations",
        "/v1/support/tickets",
        "/v1/support/organizations/1/members",
    ] {
        let answer = send(client.get(server.url(path)).bearer_auth(&token)).await?;
        assert!(
            answer.body["data"]
                .as_array()
                .is_some_and(|data| !data.is_empty()),
            "{path}: {}",
            answer.body
        );
    }
    for path in ["/v1/analytics/page_views", "/v1/database/customers"] {
        let answer = get(
            &client,
            &server.url(&format!("{path}?api_key={DEMO_API_KEY}")),
        )
        .await?;
        assert!(
            answer.body["data"]
                .as_array()
                .is_some_and(|data| data.len() == 30),
            "{path}"
        );
    }
    Ok(())
}
