//! The redactor: every form a secret takes in a log line, a URL, a header or a JSON document.

use std::borrow::Cow;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::json;
use sluice_secrets::{Redactor, SecretValue, MIN_REDACTED_LEN, REDACTED};

fn redactor_with(values: &[&str]) -> Redactor {
    let redactor = Redactor::new();
    for value in values {
        assert!(redactor.add(value), "{value:?} is long enough to register");
    }
    redactor
}

#[test]
fn plain_values_are_replaced_everywhere_they_occur() {
    let r = redactor_with(&["sk_live_51Habc", "tok-9f8e7d"]);
    assert_eq!(
        r.redact("key=sk_live_51Habc, again sk_live_51Habc; token tok-9f8e7d."),
        format!("key={REDACTED}, again {REDACTED}; token {REDACTED}.")
    );
}

#[test]
fn text_without_secrets_is_returned_unchanged_without_copying() {
    let r = redactor_with(&["sk_live_51Habc"]);
    assert!(matches!(r.redact("GET /v1/items page=2"), Cow::Borrowed(_)));
    assert!(matches!(
        Redactor::new().redact("anything"),
        Cow::Borrowed(_)
    ));
}

#[test]
fn values_shorter_than_the_minimum_are_not_redacted() {
    let r = Redactor::new();
    assert!(!r.add("abc"));
    assert!(!r.add(""));
    assert_eq!(r.needle_count(), 0);
    assert_eq!(r.redact("abc abcd"), "abc abcd");
    assert_eq!(MIN_REDACTED_LEN, 4);
    assert!(r.add("abcd"));
    assert_eq!(r.redact("abc abcd"), format!("abc {REDACTED}"));
}

#[test]
fn overlapping_and_adjacent_secrets_leave_no_fragment() {
    let r = redactor_with(&["abcdefgh", "efghijkl", "zzzz"]);
    assert_eq!(r.redact("<abcdefghijkl>"), format!("<{REDACTED}>"));
    assert_eq!(r.redact("<abcdefghzzzz>"), format!("<{REDACTED}>"));
    // A repeating value: every occurrence, overlapping ones included.
    assert_eq!(r.redact("zzzzzz"), REDACTED);
}

#[test]
fn url_encoded_values_in_query_strings_and_forms_are_redacted() {
    let value = "s3cr3t key/+=&ü";
    let r = redactor_with(&[value]);
    for encoded in [
        "s3cr3t%20key%2F%2B%3D%26%C3%BC", // RFC 3986
        "s3cr3t%20key%2f%2b%3d%26%c3%bc", // lower-case hex
        "s3cr3t+key%2F%2B%3D%26%C3%BC",   // form encoding, as reqwest's .query() writes it
        "s3cr3t%20key%2F+=&%C3%BC",       // url crate's path segment set
    ] {
        let url = format!("https://api.example.com/v1/items?api_key={encoded}&page=2");
        assert_eq!(
            r.redact(&url),
            format!("https://api.example.com/v1/items?api_key={REDACTED}&page=2"),
            "for {encoded}"
        );
    }
}

#[test]
fn basic_auth_headers_are_redacted_whatever_the_user_name() {
    let password = "correct horse battery staple";
    let r = redactor_with(&[password]);
    // User names of each length modulo 3 put the password at each base64 alignment.
    for user in ["al", "bob", "carol", "dave12"] {
        let token = STANDARD.encode(format!("{user}:{password}"));
        let header = format!("Authorization: Basic {token}");
        let redacted = r.redact(&header);
        assert!(redacted.contains(REDACTED), "{redacted}");
        // What stays is the user's part plus at most one mixed character at each end.
        let left = redacted.replace(REDACTED, "");
        let visible = left.len() - "Authorization: Basic ".len();
        let user_part = (user.len() + 1) * 4 / 3 + 1;
        assert!(
            visible <= user_part + 2,
            "{redacted} shows too much for user {user}"
        );
    }
}

#[test]
fn a_known_basic_auth_pair_vanishes_whole() {
    let r = Redactor::new();
    r.add_basic_auth("svc-account", "p4ssw0rd!");
    let token = STANDARD.encode("svc-account:p4ssw0rd!");
    assert_eq!(
        r.redact(&format!("Authorization: Basic {token}")),
        format!("Authorization: Basic {REDACTED}")
    );
}

#[test]
fn url_safe_base64_inside_a_larger_token_is_redacted() {
    let secret = "client-secret-42";
    let r = redactor_with(&[secret]);
    let blob = URL_SAFE_NO_PAD.encode(format!("{{\"cs\":\"{secret}\"}}"));
    let redacted = r.redact(&blob);
    assert!(redacted.contains(REDACTED), "{redacted}");
    let stretch = URL_SAFE_NO_PAD.encode(secret);
    assert!(!redacted.contains(&stretch[1..stretch.len() - 2]));
}

#[test]
fn json_escaped_values_in_serialized_text_are_redacted() {
    let secret = r#"pa"ss\word"#;
    let r = redactor_with(&[secret]);
    let text = serde_json::to_string(&json!({ "password": secret })).expect("serialize");
    assert_eq!(r.redact(&text), format!(r#"{{"password":"{REDACTED}"}}"#));
}

#[test]
fn json_with_non_ascii_escaped_as_python_writes_it_is_redacted() {
    let r = redactor_with(&["grüße-🔑-token"]);
    // json.dumps({"token": "grüße-🔑-token"}) in Python.
    let text = r#"{"token": "gr\u00fc\u00dfe-\ud83d\udd11-token"}"#;
    assert_eq!(r.redact(text), format!(r#"{{"token": "{REDACTED}"}}"#));
}

#[test]
fn json_values_are_redacted_recursively_keys_and_numbers_included() {
    let r = redactor_with(&["tok_abcdef", "918273645"]);
    let mut doc = json!({
        "headers": { "Authorization": "Bearer tok_abcdef" },
        "items": [ { "note": "uses tok_abcdef twice: tok_abcdef" }, 7, null, true ],
        "tok_abcdef": "a key that is a secret",
        "account_pin": 918273645,
        "page": 2
    });
    r.redact_json(&mut doc);
    assert_eq!(
        doc,
        json!({
            "headers": { "Authorization": format!("Bearer {REDACTED}") },
            "items": [ { "note": format!("uses {REDACTED} twice: {REDACTED}") }, 7, null, true ],
            REDACTED: "a key that is a secret",
            "account_pin": REDACTED,
            "page": 2
        })
    );
    // Key order is kept.
    let keys: Vec<&String> = doc.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["headers", "items", REDACTED, "account_pin", "page"]);
}

#[test]
fn redacted_json_leaves_the_original_alone() {
    let r = redactor_with(&["tok_abcdef"]);
    let doc = json!(["tok_abcdef"]);
    assert_eq!(r.redacted_json(&doc), json!([REDACTED]));
    assert_eq!(doc, json!(["tok_abcdef"]));
}

#[test]
fn tokens_added_at_run_time_through_any_clone_are_redacted_by_all() {
    let r = Redactor::new();
    r.add_secret(&SecretValue::from("client-secret-value"));
    let for_http_client = r.clone();
    std::thread::spawn(move || {
        // The OAuth2 access token only exists once the token request returns.
        for_http_client.add("ya29.access-token-obtained-later");
    })
    .join()
    .expect("thread");
    assert_eq!(
        r.redact("client-secret-value then ya29.access-token-obtained-later"),
        format!("{REDACTED} then {REDACTED}")
    );
    assert!(!format!("{r:?}").contains("client-secret-value"));
}

#[test]
fn secret_values_never_print_themselves() {
    let value = SecretValue::from("hunter2-but-longer");
    assert_eq!(value.to_string(), REDACTED);
    assert_eq!(format!("{value:?}"), format!("SecretValue({REDACTED})"));
    assert_eq!(
        format!("{:?}", Some(&value)),
        format!("Some(SecretValue({REDACTED}))")
    );
    assert_eq!(value.expose(), "hunter2-but-longer");
}

#[test]
fn add_basic_auth_hides_the_whole_header_token_padding_included() {
    let r = Redactor::new();
    for (user, password) in [
        ("demo", "sluice-demo-password"),
        ("al", "pw-1234"),
        ("carol", "x1y2z3w4"),
    ] {
        r.add_basic_auth(user, password);
        let header = format!("Basic {}", STANDARD.encode(format!("{user}:{password}")));
        assert_eq!(r.redact(&header), format!("Basic {REDACTED}"));
    }
}
