//! `{resources.<parent>.<field>}` placeholders: a child fetched once per parent record, with a
//! fresh paginator each time, in the path, params and JSON body.

use serde_json::{json, Value};
use sluice_engine::{Engine, EngineOptions, EventKind};
use sluice_secrets::Redactor;

use crate::common::{demo, secret, Outcome, RecordingSleeper};

fn cursor() -> Value {
    json!({"type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor"})
}

fn organizations(base_url: &str, token_url: &str, child: Value) -> Value {
    json!({
        "client": {"base_url": base_url,
                   "auth": {"type": "oauth2", "token_url": token_url,
                            "client_id": {"$secret": "client_id"},
                            "client_secret": {"$secret": "client_secret"}}},
        "resources": [
            {"name": "organizations",
             "endpoint": {"path": "v1/support/organizations", "params": {"limit": 2},
                          "paginator": cursor()}},
            child
        ],
        "sluice": {"retry": {"backoff_factor": 0.01}}
    })
}

async fn extract(config: Value, resource: &str) -> Outcome {
    let config = sluice_config::from_value(&config).expect("valid connector");
    let redactor = Redactor::new();
    let sleeper = RecordingSleeper::default();
    let options = EngineOptions {
        sleeper: std::sync::Arc::new(sleeper.clone()),
        ..EngineOptions::default()
    };
    let engine = Engine::new(config, secret, redactor.clone(), options).expect("engine");
    let (pages, events, result) = engine.extract(resource).expect("starts").collect().await;
    Outcome {
        pages,
        events,
        result,
        sleeper,
        redactor,
    }
}

/// Members of organization `org` as the demo derives them.
fn members(org: u64) -> Vec<u64> {
    let count = if org.is_multiple_of(5) {
        0
    } else {
        (org * 37) % 61
    };
    (1..=count).map(|k| org * 1000 + k).collect()
}

#[tokio::test]
async fn a_child_is_fetched_per_parent_record_across_pages() {
    // 200 records → 5 organizations, 2 per page: 3 parent pages. Members: 37, 13, 50, 26, 0,
    // 20 per page: 2 + 1 + 3 + 2 + 1 requests.
    let server = demo(200, "").await;
    let outcome = extract(
        organizations(
            server.base_url(),
            &server.token_url(),
            json!({"name": "members", "include_from_parent": ["name"],
                   "endpoint": {"path": "v1/support/organizations/{resources.organizations.id}/members",
                                "params": {"limit": 20}, "paginator": cursor()}}),
        ),
        "members",
    )
    .await;
    let summary = outcome.summary().clone();
    let expected: Vec<u64> = (1..=5).flat_map(members).collect();
    assert_eq!(outcome.ids(), expected);
    let requests = outcome.requests();
    let parents = requests
        .iter()
        .filter(|u| u.contains("/organizations?"))
        .count();
    let children = requests.iter().filter(|u| u.contains("/members")).count();
    assert_eq!((parents, children), (3, 9), "{requests:#?}");
    assert_eq!(
        server.stats().tokens_issued,
        2,
        "the parent and the child each hold a token"
    );
    for page in &outcome.pages {
        for record in &page.records {
            let org = record["organization_id"].as_u64().expect("org id");
            let name = record["_organizations_name"].as_str().expect("parent name");
            assert!(name.ends_with(" Ltd"), "{name}");
            assert_eq!(record["id"].as_u64().expect("id") / 1000, org);
        }
    }
    assert_eq!(
        summary.stop_reason,
        "fetched once for each of 5 `organizations` records; the last time stopped: \
         `next_cursor` was null on page 1"
    );
    // Parent events are labelled with the parent's name.
    assert!(outcome
        .events
        .iter()
        .any(|e| e.resource == "organizations" && matches!(e.kind, EventKind::Page { .. })));
}

#[tokio::test]
async fn placeholders_in_params_and_a_json_body_keep_the_type() {
    let server = demo(200, "").await;
    // `/paging/post` wants numbers in its body: a placeholder that is the whole value stays one.
    let outcome = extract(
        organizations(
            server.base_url(),
            &server.token_url(),
            json!({"name": "first_events", "endpoint": {
                "path": "paging/post", "method": "POST", "paginator": "single_page",
                "json": {"offset": "{resources.organizations.id}", "limit": 1,
                         "note": "org {resources.organizations.id} {{literal}}"}}}),
        ),
        "first_events",
    )
    .await;
    assert_eq!(outcome.ids(), vec![2, 3, 4, 5, 6]);

    let outcome = extract(
        organizations(
            server.base_url(),
            &server.token_url(),
            json!({"name": "by_param", "endpoint": {
                "path": "paging/offset", "paginator": "single_page",
                "params": {"offset": "{resources.organizations.id}", "limit": 2}}}),
        ),
        "by_param",
    )
    .await;
    assert_eq!(outcome.ids(), vec![2, 3, 3, 4, 4, 5, 5, 6, 6, 7]);
    assert!(outcome
        .requests()
        .contains(&server.url("/paging/offset?offset=3&limit=2")));
}

#[tokio::test]
async fn placeholder_mistakes_are_reported_before_any_request() {
    let server = demo(10, "").await;
    let cases = [
        (json!({"name": "x", "endpoint": {"path": "v1/{resources.nowhere.id}/x"}}),
         "configuration: resource `x` refers to `{resources.nowhere...}` but there is no resource `nowhere`"),
        (json!({"name": "x", "endpoint": {"path": "v1/{id}/x"}}),
         "configuration: endpoint.path: unknown placeholder `{id}`; this engine fills in `{resources.<parent>.<field>}` (write `{{` and `}}` for literal braces)"),
        (json!({"name": "x", "endpoint": {"path": "v1/x", "params": {"q": "{a"}}}),
         "configuration: endpoint.params.q: unmatched brace in `{a`; write `{{` and `}}` for literal braces"),
    ];
    for (child, expected) in cases {
        // Straight from serde, past the config checks: the engine defends itself too.
        let config: sluice_config::ConnectorConfig =
            serde_json::from_value(organizations(server.base_url(), &server.token_url(), child))
                .expect("a connector");
        let engine =
            Engine::new(config, secret, Redactor::new(), EngineOptions::default()).expect("engine");
        let error = engine.extract("x").err().expect("an error").to_string();
        assert_eq!(error, expected);
    }
    assert_eq!(server.stats().requests, 0);
}

#[tokio::test]
async fn a_placeholder_in_the_last_path_segment_means_one_entity_per_request() {
    // dlt's single-entity rule: the whole body is the record and there is no paging, even
    // with a client paginator that would otherwise apply.
    let server = demo(200, "").await;
    let mut config = organizations(
        server.base_url(),
        &server.token_url(),
        json!({"name": "snapshots",
               "endpoint": {"path": "paging/single?org={resources.organizations.id}"}}),
    );
    config["client"]["paginator"] = json!({"type": "offset", "limit": 7});
    let outcome = extract(config, "snapshots").await;
    let records: Vec<&Value> = outcome.pages.iter().flat_map(|p| &p.records).collect();
    assert_eq!(records.len(), 5);
    for record in records {
        assert_eq!(record["data"].as_array().map(Vec::len), Some(100));
    }
    let children: Vec<String> = outcome
        .requests()
        .into_iter()
        .filter(|u| u.contains("/paging/single"))
        .collect();
    assert_eq!(children.len(), 5);
    assert_eq!(children[0], server.url("/paging/single?org=1"));
}

#[tokio::test]
async fn chains_of_several_levels() {
    let server = demo(200, "").await;
    let mut config = organizations(
        server.base_url(),
        &server.token_url(),
        json!({"name": "members",
               "endpoint": {"path": "v1/support/organizations/{resources.organizations.id}/members",
                            "params": {"limit": 20}, "paginator": cursor()}}),
    );
    config["resources"].as_array_mut().expect("resources").push(
        json!({"name": "member_pages", "include_from_parent": ["id"],
                     "endpoint": {"path": "paging/single?member={resources.members.id}"}}),
    );
    let outcome = extract(config, "member_pages").await;
    let parents: Vec<u64> = outcome
        .pages
        .iter()
        .flat_map(|p| &p.records)
        .map(|r| r["_members_id"].as_u64().expect("parent id"))
        .collect();
    let expected: Vec<u64> = (1..=5).flat_map(members).collect();
    assert_eq!(parents, expected);
    assert!(outcome.events.iter().any(|e| e.resource == "organizations"));
    assert!(outcome.events.iter().any(|e| e.resource == "members"));
}

#[tokio::test]
async fn a_cycle_of_parents_is_refused() {
    let server = demo(10, "").await;
    let config: sluice_config::ConnectorConfig = serde_json::from_value(json!({
        "client": {"base_url": server.base_url()},
        "resources": [
            {"name": "a", "endpoint": {"path": "x/{resources.b.id}/a"}},
            {"name": "b", "endpoint": {"path": "x/{resources.a.id}/b"}}
        ]
    }))
    .expect("a connector");
    let engine =
        Engine::new(config, secret, Redactor::new(), EngineOptions::default()).expect("engine");
    let error = engine.extract("a").err().expect("an error").to_string();
    assert_eq!(
        error,
        "configuration: resource `b` takes its parent `a` from a resource below it (a); parents \
         must form a chain, not a cycle"
    );
}

#[tokio::test]
async fn legacy_resolve_params_bind_a_parent_field() {
    let server = demo(200, "").await;
    let outcome = extract(
        organizations(
            server.base_url(),
            &server.token_url(),
            json!({"name": "members",
                   "endpoint": {"path": "v1/support/organizations/{org}/members",
                                "params": {"limit": 20,
                                           "org": {"type": "resolve", "resource": "organizations",
                                                   "field": "id"}},
                                "paginator": cursor()}}),
        ),
        "members",
    )
    .await;
    let expected: Vec<u64> = (1..=5).flat_map(members).collect();
    assert_eq!(outcome.ids(), expected);
    assert!(outcome
        .requests()
        .contains(&server.url("/v1/support/organizations/3/members?limit=20")));
}

#[tokio::test]
async fn a_raw_body_is_formatted_like_every_other_string() {
    let server = demo(200, "").await;
    let outcome = extract(
        organizations(
            server.base_url(),
            &server.token_url(),
            json!({"name": "raw", "endpoint": {
                "path": "paging/post", "method": "POST", "paginator": "single_page",
                "headers": {"Content-Type": "application/json"},
                "data": "{{\"offset\": {resources.organizations.id}, \"limit\": 1}}"}}),
        ),
        "raw",
    )
    .await;
    assert_eq!(outcome.ids(), vec![2, 3, 4, 5, 6]);
}

#[tokio::test]
async fn a_parent_that_is_not_selected_still_feeds_its_children() {
    // `selected: false` means "do not load this table", not "do not fetch it": the children
    // need its records, as in dlt.
    let server = demo(200, "").await;
    let mut config = organizations(
        server.base_url(),
        &server.token_url(),
        json!({"name": "members",
               "endpoint": {"path": "v1/support/organizations/{resources.organizations.id}/members",
                            "params": {"limit": 20}, "paginator": cursor()}}),
    );
    config["resources"][0]["selected"] = json!(false);
    let outcome = extract(config, "members").await;
    let expected: Vec<u64> = (1..=5).flat_map(members).collect();
    assert_eq!(outcome.ids(), expected);
}
