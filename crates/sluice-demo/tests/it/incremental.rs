//! Tickets for incremental loads: `updated_since` filtering and records that change between runs.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::Value;
use sluice_demo::DemoServer;

use crate::common::{access_token, client, send, start, TestResult};

/// Every ticket from `updated_since` on, following cursors.
async fn tickets(
    client: &reqwest::Client,
    server: &DemoServer,
    token: &str,
    since: Option<&str>,
) -> TestResult<Vec<Value>> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut query: Vec<(&str, &str)> = vec![("limit", "50")];
        if let Some(since) = since {
            query.push(("updated_since", since));
        }
        if let Some(cursor) = &cursor {
            query.push(("cursor", cursor));
        }
        let answer = send(
            client
                .get(server.url("/v1/support/tickets"))
                .query(&query)
                .bearer_auth(token),
        )
        .await?;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        all.extend(
            answer.body["data"]
                .as_array()
                .ok_or("data")?
                .iter()
                .cloned(),
        );
        match answer.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return Ok(all),
        }
    }
}

fn updated_at(ticket: &Value) -> TestResult<String> {
    Ok(ticket["updated_at"]
        .as_str()
        .ok_or("updated_at")?
        .to_string())
}

#[tokio::test]
async fn a_second_run_from_the_last_value_gets_exactly_what_changed() -> TestResult {
    let server = start(400).await?;
    let client = client();
    let token = access_token(&client, &server).await?;

    let first = tickets(&client, &server, &token, None).await?;
    assert_eq!(first.len(), 400);
    let stamps: Vec<String> = first.iter().map(updated_at).collect::<TestResult<_>>()?;
    assert!(
        stamps.windows(2).all(|w| w[0] <= w[1]),
        "tickets come in updated_at order"
    );
    let last_value = stamps.last().ok_or("tickets")?.clone();

    let unchanged = tickets(&client, &server, &token, Some(&last_value)).await?;
    assert_eq!(
        unchanged.len(),
        1,
        "without a change only the boundary ticket (>=) comes back"
    );

    assert_eq!(server.advance(), 1);
    let second = tickets(&client, &server, &token, Some(&last_value)).await?;
    let changed: Vec<&Value> = second
        .iter()
        .filter(|t| updated_at(t).is_ok_and(|at| at > last_value))
        .collect();
    // 1% new tickets (4) and every twentieth existing one (20).
    assert_eq!(changed.len(), 24, "changed tickets after one advance");
    let new: Vec<u64> = changed
        .iter()
        .filter_map(|t| t["id"].as_u64())
        .filter(|id| *id > 400)
        .collect();
    assert_eq!(new, [401, 402, 403, 404], "new tickets");
    assert!(
        changed
            .iter()
            .filter(|t| t["id"].as_u64().is_some_and(|id| id <= 400))
            .all(|t| t["revision"] == 1),
        "updated tickets say which change touched them"
    );
    assert!(
        second
            .iter()
            .all(|t| updated_at(t).is_ok_and(|at| at >= last_value)),
        "updated_since is inclusive"
    );

    let full = tickets(&client, &server, &token, None).await?;
    let ids: HashSet<u64> = full.iter().filter_map(|t| t["id"].as_u64()).collect();
    assert_eq!(
        (full.len(), ids.len()),
        (404, 404),
        "a full run sees every ticket once"
    );
    Ok(())
}

#[tokio::test]
async fn the_admin_endpoint_advances_like_the_library_call() -> TestResult {
    let server = start(100).await?;
    let client = client();
    let answer = send(client.post(server.url("/admin/advance"))).await?;
    assert_eq!(answer.body["epoch"], 1);
    assert_eq!(server.stats().epoch, 1);
    assert_eq!(server.advance(), 2);
    let stats = send(client.get(server.url("/admin/stats"))).await?;
    assert_eq!(stats.body["epoch"], 2);
    Ok(())
}

#[tokio::test]
async fn updated_since_must_be_a_timestamp() -> TestResult {
    let server = start(100).await?;
    let client = client();
    let token = access_token(&client, &server).await?;
    let answer = send(
        client
            .get(server.url("/v1/support/tickets?updated_since=last+tuesday"))
            .bearer_auth(&token),
    )
    .await?;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let date_only = send(
        client
            .get(server.url("/v1/support/tickets?updated_since=2099-01-01"))
            .bearer_auth(&token),
    )
    .await?;
    assert_eq!(
        date_only.body["data"],
        serde_json::json!([]),
        "nothing is updated in 2099"
    );
    Ok(())
}

/// Each ticket's comments: the opening one, and one more for its latest update, so the tickets a
/// change touched are exactly those whose comments changed.
#[tokio::test]
async fn a_tickets_comments_change_when_the_ticket_does() -> TestResult {
    let server = start(100).await?;
    let client = client();
    let token = access_token(&client, &server).await?;
    let comments = |id: u64| {
        let request = client
            .get(server.url(&format!("/v1/support/tickets/{id}/comments")))
            .bearer_auth(&token);
        async move { send(request).await }
    };
    let before = tickets(&client, &server, &token, None).await?;
    for ticket in &before {
        let id = ticket["id"].as_u64().ok_or("id")?;
        let answer = comments(id).await?;
        assert_eq!(answer.status, StatusCode::OK);
        let list = answer.body["data"].as_array().ok_or("data")?;
        assert_eq!(list.len(), 1, "ticket {id} has its opening comment only");
        assert_eq!(list[0]["ticket_id"], id);
        assert_eq!(list[0]["created_at"], ticket["created_at"]);
    }
    let newest = before
        .iter()
        .map(updated_at)
        .collect::<TestResult<Vec<_>>>()?;
    let newest = newest.iter().max().ok_or("tickets")?.clone();
    server.advance();
    let after = tickets(&client, &server, &token, None).await?;
    let mut changed = 0;
    for ticket in &after {
        let id = ticket["id"].as_u64().ok_or("id")?;
        let list = comments(id).await?.body["data"].clone();
        let list = list.as_array().ok_or("data")?;
        let touched = updated_at(ticket)? > newest && (id as usize) <= before.len();
        if touched {
            changed += 1;
            assert_eq!(
                list.len(),
                2,
                "updated ticket {id} has a comment for the update"
            );
            assert_eq!(list[1]["created_at"], ticket["updated_at"]);
        } else {
            assert_eq!(list.len(), 1, "ticket {id}");
        }
    }
    assert!(changed > 0);
    let missing = comments(after.len() as u64 + 1).await?;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    Ok(())
}
