//! How secrets are named: environment overrides and what counts as a valid name. No keychain
//! needed: names are checked before anything talks to it.

use sluice_secrets::{env_var_name, Error, SecretStore};

#[test]
fn env_var_name_upper_cases_and_replaces_everything_but_ascii_letters_and_digits() {
    for (name, var) in [
        ("api_key", "SLUICE_SECRET_API_KEY"),
        ("api-key", "SLUICE_SECRET_API_KEY"),
        ("clientSecret", "SLUICE_SECRET_CLIENTSECRET"),
        ("oauth2.client secret", "SLUICE_SECRET_OAUTH2_CLIENT_SECRET"),
        ("oauth/token", "SLUICE_SECRET_OAUTH_TOKEN"),
        ("clé", "SLUICE_SECRET_CL_"),
        ("9", "SLUICE_SECRET_9"),
    ] {
        assert_eq!(env_var_name(name), var, "for {name:?}");
    }
}

#[test]
fn invalid_connector_ids_and_secret_names_are_refused_before_the_keychain() {
    let store = SecretStore::with_service("sluice-tests");
    let value = "the-value-1234".into();
    for (connector, name, what) in [
        ("", "api_key", "connector id"),
        ("git/hub", "api_key", "connector id"),
        (" github", "api_key", "connector id"),
        ("github", "", "secret name"),
        ("github", "api_key\n", "secret name"),
        ("github", "tab\tname", "secret name"),
    ] {
        let err = store.set(connector, name, &value).expect_err("invalid");
        match &err {
            Error::InvalidName { what: w, .. } => assert_eq!(*w, what, "{err}"),
            other => panic!("expected InvalidName for {connector:?}/{name:?}, got {other:?}"),
        }
        assert!(!err.to_string().contains("the-value-1234"));
        assert!(matches!(
            store.resolve(connector, name),
            Err(Error::InvalidName { .. })
        ));
    }
}

#[test]
fn an_empty_value_is_refused_and_not_stored() {
    let store = SecretStore::with_service("sluice-tests");
    let err = store
        .set("github", "api_key", &"".into())
        .expect_err("empty");
    assert!(matches!(err, Error::EmptyValue { .. }), "{err:?}");
    assert_eq!(err.kind(), "empty_value");
}

#[test]
fn the_scoped_override_names_the_connector_then_the_secret() {
    assert_eq!(
        sluice_secrets::scoped_env_var_name("shop-api", "token"),
        "SLUICE_SECRET_SHOP_API__TOKEN"
    );
    assert_eq!(
        sluice_secrets::scoped_env_var_name("connector-3f2a", "client.secret"),
        "SLUICE_SECRET_CONNECTOR_3F2A__CLIENT_SECRET"
    );
}
