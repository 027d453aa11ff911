//! Secrets typed into configs before the raw-document check leave the database: each is handed
//! to the keychain first, then replaced by a reference in the connector and every saved
//! version, and no copy stays in the SQLite file or its log.

use std::time::Duration;

use serde_json::json;
use sluice_store::Store;

const OLD_TOKEN: &str = "tok-typed-in-version-one-0001";
const NEW_TOKEN: &str = "tok-typed-in-version-two-0002";
const HEADER_KEY: &str = "hdr-key-typed-into-a-header-03";

/// A config that did not parse (mistyped auth type), so the old check never saw its token.
fn typed(token: &str) -> serde_json::Value {
    json!({
        "client": {"base_url": "https://api.example.com",
                   "auth": {"type": "beerer", "token": token},
                   "headers": {"X-Api-Key": HEADER_KEY}},
        "resources": [{"endpoint": "items"}],
    })
}

fn file_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).expect("the data folder").flatten() {
        bytes.extend(std::fs::read(entry.path()).expect("a database file"));
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[test]
fn typed_secrets_move_to_the_keeper_and_leave_every_row_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sluice.sqlite");
    let mut store = Store::open(&path).unwrap();
    let connector = store
        .create_connector("Shop", &typed(OLD_TOKEN), false)
        .unwrap();
    store
        .save_config(connector.id, &typed(NEW_TOKEN), Duration::ZERO)
        .unwrap();
    assert!(contains(&file_bytes(dir.path()), OLD_TOKEN));

    let mut kept = Vec::new();
    let sweep = store
        .move_literal_secrets(|uid, found| {
            kept.extend(
                found
                    .iter()
                    .map(|f| (uid.to_owned(), f.name.clone(), f.value.clone())),
            );
            Ok(())
        })
        .unwrap();
    assert_eq!(sweep.left, []);
    assert_eq!(sweep.moved.len(), 1);
    let names: Vec<&str> = kept.iter().map(|(_, name, _)| name.as_str()).collect();
    let values: Vec<&str> = kept.iter().map(|(_, _, value)| value.as_str()).collect();
    assert_eq!(names, ["token", "x_api_key", "token_2"]);
    assert_eq!(values, [NEW_TOKEN, HEADER_KEY, OLD_TOKEN]);
    assert!(kept.iter().all(|(uid, _, _)| *uid == connector.uid));

    let now = store.connector(connector.id).unwrap();
    assert_eq!(
        now.config["client"]["auth"]["token"],
        json!({"$secret": "token"})
    );
    assert_eq!(
        now.config["client"]["headers"]["X-Api-Key"],
        json!({"$secret": "x_api_key"})
    );
    assert!(now.notice.unwrap_or_default().contains("moved secrets"));
    // Each version refers to the value it held: the first to the old token, the edit to the
    // current one.
    let mut tokens: Vec<serde_json::Value> = store
        .versions(connector.id)
        .unwrap()
        .iter()
        .map(|v| v.config["client"]["auth"]["token"].clone())
        .collect();
    tokens.sort_by_key(ToString::to_string);
    assert_eq!(
        tokens,
        [json!({"$secret": "token"}), json!({"$secret": "token_2"})]
    );
    drop(store);
    let bytes = file_bytes(dir.path());
    for value in [OLD_TOKEN, NEW_TOKEN, HEADER_KEY] {
        assert!(
            !contains(&bytes, value),
            "{value} is still in the database files"
        );
    }
}

#[test]
fn a_keeper_that_refuses_leaves_the_rows_as_they_were() {
    let mut store = Store::open_in_memory().unwrap();
    let connector = store
        .create_connector("Shop", &typed(OLD_TOKEN), false)
        .unwrap();
    let sweep = store
        .move_literal_secrets(|_, _| Err("the keychain is locked".into()))
        .unwrap();
    assert_eq!(
        sweep.left,
        [(connector.uid.clone(), "the keychain is locked".to_owned())]
    );
    let now = store.connector(connector.id).unwrap();
    assert_eq!(now.config["client"]["auth"]["token"], json!(OLD_TOKEN));
    // The next start tries again, and a clean database is left alone.
    let sweep = store.move_literal_secrets(|_, _| Ok(())).unwrap();
    assert_eq!(sweep.moved.len(), 1);
    let again = store
        .move_literal_secrets(|_, _| panic!("nothing to keep"))
        .unwrap();
    assert_eq!(again, sluice_store::SecretSweep::default());
}
