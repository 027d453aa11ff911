//! Against the real keychain (the Secret Service on Linux). Ignored unless asked for; see main.rs.

use sluice_secrets::{env_var_name, Error, SecretValue};

use crate::harness::{
    is_child, keychain_expected, run_in_child, store, unique_connector, CHILD_OK,
};

#[test]
#[ignore = "needs a keychain: scripts/with-keyring.sh cargo test -p sluice-secrets -- --include-ignored"]
fn set_then_get_returns_the_value() {
    let store = store();
    let connector = unique_connector("get");
    // Characters that trip up encodings on the way through D-Bus and back.
    let value = SecretValue::from("s3cr3t värde \"quoted\" / + = & 🔑");
    keychain_expected(store.set(&connector, "api_key", &value));
    let got = keychain_expected(store.get(&connector, "api_key"));
    assert_eq!(got.as_ref().map(SecretValue::expose), Some(value.expose()));
    assert!(keychain_expected(store.is_set(&connector, "api_key")));
    keychain_expected(store.delete(&connector, "api_key"));
}

#[test]
#[ignore = "needs a keychain: scripts/with-keyring.sh cargo test -p sluice-secrets -- --include-ignored"]
fn set_again_overwrites_the_value() {
    let store = store();
    let connector = unique_connector("overwrite");
    keychain_expected(store.set(&connector, "token", &"first-value".into()));
    keychain_expected(store.set(&connector, "token", &"second-value".into()));
    let got = keychain_expected(store.get(&connector, "token")).expect("token is set");
    assert_eq!(got.expose(), "second-value");
    // One entry, not two: a duplicate would make the next read ambiguous.
    keychain_expected(store.delete(&connector, "token"));
    assert_eq!(keychain_expected(store.get(&connector, "token")), None);
}

#[test]
#[ignore = "needs a keychain: scripts/with-keyring.sh cargo test -p sluice-secrets -- --include-ignored"]
fn delete_removes_the_secret_and_reports_when_there_was_none() {
    let store = store();
    let connector = unique_connector("delete");
    keychain_expected(store.set(&connector, "password", &"hunter22".into()));
    assert!(keychain_expected(store.delete(&connector, "password")));
    assert!(!keychain_expected(store.is_set(&connector, "password")));
    assert_eq!(keychain_expected(store.get(&connector, "password")), None);
    assert!(!keychain_expected(store.delete(&connector, "password")));
}

#[test]
#[ignore = "needs a keychain: scripts/with-keyring.sh cargo test -p sluice-secrets -- --include-ignored"]
fn secrets_of_one_connector_do_not_touch_another() {
    let store = store();
    let a = unique_connector("iso");
    let b = format!("{a}-other");
    keychain_expected(store.set(&a, "api_key", &"value-of-a".into()));
    keychain_expected(store.set(&b, "api_key", &"value-of-b".into()));
    let got = keychain_expected(store.get(&a, "api_key")).expect("a's key is set");
    assert_eq!(got.expose(), "value-of-a");
    keychain_expected(store.delete(&a, "api_key"));
    assert!(keychain_expected(store.is_set(&b, "api_key")));
    keychain_expected(store.delete(&b, "api_key"));
}

#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs a keychain: scripts/with-keyring.sh cargo test -p sluice-secrets -- --include-ignored"]
fn names_lists_the_secrets_of_this_connector_only() {
    let store = store();
    let connector = unique_connector("list");
    // A connector whose id starts with the other's must not show up in its list.
    let neighbour = format!("{connector}x");
    assert_eq!(
        keychain_expected(store.names(&connector)),
        Vec::<String>::new()
    );
    for name in ["token", "api_key", "oauth/client_secret"] {
        keychain_expected(store.set(&connector, name, &"some-value".into()));
    }
    keychain_expected(store.set(&neighbour, "other", &"some-value".into()));
    assert_eq!(
        keychain_expected(store.names(&connector)),
        ["api_key", "oauth/client_secret", "token"]
    );
    keychain_expected(store.delete(&connector, "token"));
    assert_eq!(
        keychain_expected(store.names(&connector)),
        ["api_key", "oauth/client_secret"]
    );
    for name in ["api_key", "oauth/client_secret"] {
        keychain_expected(store.delete(&connector, name));
    }
    keychain_expected(store.delete(&neighbour, "other"));
    assert_eq!(
        keychain_expected(store.names(&connector)),
        Vec::<String>::new()
    );
}

#[test]
#[ignore = "needs a keychain: scripts/with-keyring.sh cargo test -p sluice-secrets -- --include-ignored"]
fn resolve_reads_the_keychain_when_there_is_no_override() {
    let store = store();
    let connector = unique_connector("resolve");
    let name = format!("{connector}-key");
    assert!(std::env::var_os(env_var_name(&name)).is_none());
    keychain_expected(store.set(&connector, &name, &"from-the-keychain".into()));
    let got = keychain_expected(store.resolve(&connector, &name));
    assert_eq!(got.expose(), "from-the-keychain");
    keychain_expected(store.delete(&connector, &name));
}

#[test]
#[ignore = "needs a keychain: scripts/with-keyring.sh cargo test -p sluice-secrets -- --include-ignored"]
fn missing_secret_names_the_connector_the_secret_and_how_to_set_it() {
    let store = store();
    let connector = unique_connector("missing");
    let name = format!("{connector}-client_secret");
    let err = store
        .resolve(&connector, &name)
        .expect_err("nothing was set");
    assert!(matches!(err, Error::Missing { .. }), "{err:?}");
    let message = err.to_string();
    for expected in [
        format!("secret `{name}` of connector `{connector}` is not set"),
        format!("`sluice secrets set {connector} {name}`"),
        "Auth form in the app".to_owned(),
        sluice_secrets::scoped_env_var_name(&connector, &name),
    ] {
        assert!(
            message.contains(&expected),
            "{message:?} lacks {expected:?}"
        );
    }
}

/// Runs twice: as the test, it starts itself in a child process with the overrides set; as that
/// child, it checks what resolve returns.
#[test]
#[ignore = "needs a keychain: scripts/with-keyring.sh cargo test -p sluice-secrets -- --include-ignored"]
fn env_override_wins_over_the_keychain() {
    const TEST: &str = "keychain::env_override_wins_over_the_keychain";
    if !is_child(TEST) {
        let connector = unique_connector("env");
        run_in_child(TEST, |cmd| {
            cmd.env("IT_CONNECTOR", &connector)
                .env("SLUICE_SECRET_API_KEY", "value-from-env")
                // Set but empty: ignored, so an unset-by-accident variable can't blank a secret.
                .env("SLUICE_SECRET_REFRESH_TOKEN", "")
                .env("SLUICE_SECRET_ONLY_IN_ENV", "env-only-value")
                // The scoped form wins over the global one, for this connector only.
                .env("SLUICE_SECRET_SHARED", "global-value")
                .env(
                    sluice_secrets::scoped_env_var_name(&connector, "shared"),
                    "scoped-value",
                )
                .env_remove("SLUICE_SECRET_NOWHERE");
        });
        return;
    }
    let store = store();
    let connector = std::env::var("IT_CONNECTOR").expect("parent passes the connector");
    keychain_expected(store.set(&connector, "api-key", &"value-from-keychain".into()));
    keychain_expected(store.set(&connector, "refresh.token", &"refresh-from-keychain".into()));

    // `api-key` maps to SLUICE_SECRET_API_KEY.
    assert_eq!(
        keychain_expected(store.resolve(&connector, "api-key")).expose(),
        "value-from-env"
    );
    // get and is_set describe the keychain, not the environment.
    let stored = keychain_expected(store.get(&connector, "api-key")).expect("set above");
    assert_eq!(stored.expose(), "value-from-keychain");
    assert_eq!(
        keychain_expected(store.resolve(&connector, "refresh.token")).expose(),
        "refresh-from-keychain"
    );
    assert_eq!(
        keychain_expected(store.resolve(&connector, "only_in_env")).expose(),
        "env-only-value"
    );
    assert!(!keychain_expected(store.is_set(&connector, "only_in_env")));
    assert_eq!(
        keychain_expected(store.resolve(&connector, "shared")).expose(),
        "scoped-value"
    );
    assert_eq!(
        keychain_expected(store.resolve(&format!("{connector}-other"), "shared")).expose(),
        "global-value"
    );
    assert!(matches!(
        store.resolve(&connector, "nowhere"),
        Err(Error::Missing { .. })
    ));

    keychain_expected(store.delete(&connector, "api-key"));
    keychain_expected(store.delete(&connector, "refresh.token"));
    println!("{CHILD_OK}");
}
