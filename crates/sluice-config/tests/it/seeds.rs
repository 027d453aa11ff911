//! The five seed documents (markdown with a dlt Python block) import as they stand.

use sluice_config::{
    import, AuthConfig, ImportFormat, ImportOptions, Paginator, PaginatorConfig, RetryPolicy,
};

use crate::{files_in, seeds_dir};

pub fn import_seed(path: &std::path::Path) -> sluice_config::Imported {
    let text = std::fs::read_to_string(path).expect("seed readable");
    let options = ImportOptions {
        format: None,
        fallback_name: path.file_stem().map(|s| s.to_string_lossy().into_owned()),
        ..ImportOptions::default()
    };
    import(&text, &options).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_seed_imports_and_validates() {
    let seeds = files_in(&seeds_dir());
    assert!(
        seeds.len() >= 5,
        "expected the five seeds in {}",
        seeds_dir().display()
    );
    for path in seeds {
        let imported = import_seed(&path);
        assert_eq!(imported.format, ImportFormat::Python, "{}", path.display());
        assert!(
            imported.problems.is_empty(),
            "{}: {:?}",
            path.display(),
            imported.problems
        );
        // The references stayed references: nothing secret was in the text.
        assert!(imported.found_secrets.is_empty(), "{}", path.display());
        let config = &imported.config;
        assert_eq!(config.sluice.retry, RetryPolicy::default());
        assert!(config.validate().is_empty());
        // Strict loading of the saved form passes too.
        let saved = config.to_json_string().expect("json");
        assert_eq!(
            &sluice_config::from_json(&saved).expect("saved loads"),
            config
        );
        assert_eq!(config.resources.len(), 1);
        assert!(matches!(
            config.resolved_resources()[0].endpoint.paginator,
            Some(Paginator::Config(
                PaginatorConfig::Offset(_) | PaginatorConfig::Cursor(_)
            ))
        ));
    }
}

#[test]
fn oauth2_seed_becomes_dlt_names() {
    let path = seeds_dir().join("000_8d80b948d706d979.txt");
    let imported = import_seed(&path);
    let Some(sluice_config::Auth::Config(AuthConfig::Oauth2ClientCredentials(oauth))) =
        &imported.config.client.auth
    else {
        panic!("oauth2 auth expected: {:?}", imported.config.client.auth);
    };
    assert_eq!(
        oauth.access_token_url,
        Some("https://api.example.com/oauth/token".into())
    );
    assert_eq!(
        oauth.client_id,
        Some(sluice_config::TextOrRef::Ref(
            sluice_config::ValueRef::secret("client_id")
        ))
    );
    let script = imported.config.to_dlt_script();
    assert!(
        script.contains("\"type\": \"oauth2_client_credentials\""),
        "{script}"
    );
    assert!(script.contains("\"access_token_url\": \"https://api.example.com/oauth/token\""));
    assert!(script.contains("dlt.secrets[\"client_secret\"]"));
    assert!(!script.contains("\"token_url\""), "{script}");
    assert!(!script.contains("\"oauth2\""));
    let secrets = imported.config.to_secrets_toml();
    assert!(secrets.contains("client_id = \"\""), "{secrets}");
    assert!(secrets.contains("client_secret = \"\""), "{secrets}");
}
