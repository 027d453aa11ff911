//! No secret value is saved in a connector, wherever it is typed: found on the raw JSON whether
//! or not the rest parses, and moved to the keychain by import.

use serde_json::json;
use sluice_config::{
    check_value, import, import_for_editing, Import, ImportFormat, ImportOptions, ProblemKind,
};

fn secret_paths(value: &serde_json::Value) -> Vec<String> {
    check_value(value)
        .into_iter()
        .filter(|p| p.kind == ProblemKind::SecretValue)
        .map(|p| p.path)
        .collect()
}

#[test]
fn a_token_is_caught_however_broken_the_rest_of_the_document_is() {
    let token = "hunter2-token";
    let bearer = json!({"type": "bearer", "token": token});
    for (document, path) in [
        (
            json!({"client": {"base_url": "https://a", "auth": {"type": "bearre", "token": token}}, "resources": ["r"]}),
            "client.auth.token",
        ),
        (
            json!({"client": {"base_url": "https://a", "auth": bearer}, "resources": [{"endpoint": 5}]}),
            "client.auth.token",
        ),
        (
            json!({"client": {"base_url": "https://a", "auth": bearer}}),
            "client.auth.token",
        ),
        (
            json!({"client": {"auth": bearer}, "resources": ["r"]}),
            "client.auth.token",
        ),
        (
            json!({"client": {"base_url": "https://a", "auth": bearer}, "resources": ["r"], "sluice": 7}),
            "client.auth.token",
        ),
        (
            json!({"client": {"base_url": "https://a", "auth": {"type": "http_basic", "password": token}}, "resources": ["r"]}),
            "client.auth.password",
        ),
        (
            json!({"client": {"base_url": "https://a"}, "resources": [{"endpoint": {"path": "x", "auth": bearer}}]}),
            "resources[0].endpoint.auth.token",
        ),
    ] {
        assert_eq!(secret_paths(&document), [path], "{document}");
    }
}

#[test]
fn auth_given_as_a_token_is_a_secret_problem_that_does_not_echo_it() {
    let document = json!({"client": {"base_url": "https://a", "auth": "sk_live_51HxYzAbCdEf"}, "resources": ["r"]});
    let problems = check_value(&document);
    assert!(problems
        .iter()
        .any(|p| p.kind == ProblemKind::SecretValue && p.path == "client.auth"));
    for problem in &problems {
        assert!(!problem.message.contains("sk_live"), "{problem}");
    }
}

#[test]
fn literal_credentials_in_headers_and_params_are_problems_at_their_field() {
    let document = json!({
        "client": {"base_url": "https://a", "headers": {"Authorization": "Bearer abc123", "Accept": "application/json"}},
        "resources": [{
            "name": "orders",
            "endpoint": {
                "path": "orders",
                "headers": {"X-API-KEY": "k-1", "Cookie": "s=1", "X-Signature": {"$secret": "signature"}},
                "params": {"client_secret": "c-1", "since": "{incremental.start_value}", "page_token": "", "limit": 10},
                "incremental": {"cursor_path": "updated_at", "initial_value": "2024-01-01"}
            }
        }]
    });
    assert_eq!(
        secret_paths(&document),
        [
            "client.headers.Authorization",
            "resources[0].endpoint.headers[\"X-API-KEY\"]",
            "resources[0].endpoint.headers.Cookie",
            "resources[0].endpoint.params.client_secret",
        ]
    );
}

#[test]
fn a_plain_oauth_client_id_is_not_a_secret() {
    let document = json!({
        "client": {"base_url": "https://a", "auth": {
            "type": "oauth2_client_credentials", "access_token_url": "https://a/token",
            "client_id": "my-app", "client_secret": {"$secret": "client_secret"}}},
        "resources": ["r"]
    });
    assert_eq!(secret_paths(&document), Vec::<String>::new());
}

#[test]
fn import_moves_header_and_param_credentials_to_the_keychain() {
    let text = json!({
        "client": {"base_url": "https://a", "headers": {"X-Api-Key": "k-123456"}},
        "resources": [{"name": "orders", "endpoint": {"path": "orders", "params": {"api_key": "k-123456", "access_token": "t-999"}}}]
    })
    .to_string();
    let imported = import(
        &text,
        &ImportOptions {
            format: Some(ImportFormat::Json),
            ..ImportOptions::default()
        },
    )
    .expect("imports");
    let mut moved: Vec<(String, String)> = imported
        .found_secrets
        .iter()
        .map(|s| (s.name.clone(), s.value.clone()))
        .collect();
    moved.sort();
    assert_eq!(
        moved,
        [
            ("access_token".to_owned(), "t-999".to_owned()),
            ("x_api_key".to_owned(), "k-123456".to_owned()),
        ],
        "one keychain entry per value"
    );
    let saved = serde_json::to_value(&imported.config).expect("json");
    let text = saved.to_string();
    assert!(
        !text.contains("k-123456") && !text.contains("t-999"),
        "{text}"
    );
    assert_eq!(
        saved["client"]["headers"]["X-Api-Key"],
        json!({"$secret": "x_api_key"})
    );
    assert_eq!(
        saved["resources"][0]["endpoint"]["params"]["api_key"],
        json!({"$secret": "x_api_key"})
    );
    assert!(!imported
        .problems
        .iter()
        .any(|p| p.kind == ProblemKind::SecretValue));
}

#[test]
fn a_connector_that_does_not_read_yet_imports_as_a_draft_with_its_secrets_moved_out() {
    let text = json!({
        "client": {"base_url": "https://a", "auth": {"type": "bearer", "token": "draft-token-31c9"}},
        "resources": [{"name": "orders", "endpoint": {"path": "orders",
            "paginator": {"type": "offset", "limit": "one hundred"}}}]
    })
    .to_string();
    let json = ImportOptions {
        format: Some(ImportFormat::Json),
        fallback_name: Some("shop".into()),
        ..ImportOptions::default()
    };
    // The CLI refuses it, naming the field.
    let refused = import(&text, &json).expect_err("refused").to_string();
    assert!(
        refused.contains("resources[0].endpoint.paginator.limit"),
        "{refused}"
    );

    // The app keeps it as written, to fix in the editor at that field.
    let draft = match import_for_editing(&text, &json).expect("a draft").remove(0) {
        Import::Draft(draft) => draft,
        Import::Ready(ready) => panic!("read as ready: {ready:?}"),
    };
    let document = &draft.document;
    assert_eq!(
        document["resources"][0]["endpoint"]["paginator"]["limit"],
        json!("one hundred")
    );
    assert_eq!(
        document["client"]["auth"]["token"],
        json!({"$secret": "token"})
    );
    assert_eq!(document["sluice"]["name"], json!("shop"));
    assert_eq!(draft.name, "shop");
    assert_eq!(
        draft
            .found_secrets
            .iter()
            .map(|s| (s.name.as_str(), s.value.as_str()))
            .collect::<Vec<_>>(),
        [("token", "draft-token-31c9")]
    );
    assert!(!document.to_string().contains("draft-token-31c9"));
    assert_eq!(
        draft.problems.first().map(|p| p.path.as_str()),
        Some("resources[0].endpoint.paginator.limit")
    );
    assert!(secret_paths(document).is_empty());

    // Text that is no connector at all is refused either way.
    assert!(import_for_editing("{\"name\": \"x\"}", &json).is_err());
}

#[test]
fn a_drafts_misplaced_secrets_are_moved_out_too() {
    // Keys at the wrong level or misspelled are what make a document a draft: the secrets in
    // them must not reach the database either.
    let text = json!({
        "client": {"base_url": "https://a", "token": "misplaced-1",
                   "header": {"Authorization": "Bearer misplaced-2"}},
        "auth": {"token": "misplaced-3"},
        "resources": [{"name": "orders", "primary_key": "id",
                       "auth": {"type": "my_auth", "secret_key": "misplaced-4"},
                       "endpoint": {"path": "orders", "token_url": "https://a/token"}}]
    })
    .to_string();
    let options = ImportOptions {
        format: Some(ImportFormat::Json),
        ..ImportOptions::default()
    };
    let draft = match import_for_editing(&text, &options)
        .expect("a draft")
        .remove(0)
    {
        Import::Draft(draft) => draft,
        Import::Ready(ready) => panic!("read as ready: {ready:?}"),
    };
    let saved = draft.document.to_string();
    for n in 1..=4 {
        assert!(
            !saved.contains(&format!("misplaced-{n}")),
            "misplaced-{n} is in {saved}"
        );
    }
    let mut moved: Vec<&str> = draft
        .found_secrets
        .iter()
        .map(|s| s.value.as_str())
        .collect();
    moved.sort_unstable();
    assert_eq!(
        moved,
        [
            "Bearer misplaced-2",
            "misplaced-1",
            "misplaced-3",
            "misplaced-4"
        ]
    );
    // What only looks sensitive stays as written.
    assert_eq!(draft.document["resources"][0]["primary_key"], json!("id"));
    assert_eq!(
        draft.document["resources"][0]["endpoint"]["token_url"],
        json!("https://a/token")
    );
}

#[test]
fn a_pasted_curl_command_becomes_a_connector_whose_credentials_go_to_the_keychain() {
    let text = "curl -s 'https://api.example.com/v1/orders?status=open' \\\n  -H 'Authorization: Bearer sk_curl_55a1' \\\n  -H 'Accept: application/json'";
    let imported = import(text, &ImportOptions::default()).expect("imports");
    assert_eq!(imported.format, ImportFormat::Curl);
    assert_eq!(
        imported
            .found_secrets
            .iter()
            .map(|s| (s.name.as_str(), s.value.as_str()))
            .collect::<Vec<_>>(),
        [("token", "sk_curl_55a1")]
    );
    let saved = serde_json::to_value(&imported.config).expect("json");
    assert!(!saved.to_string().contains("sk_curl_55a1"), "{saved}");
    assert_eq!(
        saved["client"]["auth"]["token"],
        json!({"$secret": "token"})
    );
    assert_eq!(
        saved["resources"][0]["endpoint"]["params"],
        json!({"status": "open"})
    );
    assert!(imported.problems.is_empty(), "{:?}", imported.problems);
}
