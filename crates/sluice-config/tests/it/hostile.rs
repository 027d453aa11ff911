//! Hostile text given to the importer ends in a plain error, in bounded time and memory, and
//! nothing from a config can become code in the exported dlt script or lines in `secrets.toml`.

use std::sync::mpsc;
use std::time::Duration;

use serde_json::json;
use sluice_config::{import, ImportFormat, ImportOptions, MAX_IMPORT_BYTES};

fn python(text: &str) -> sluice_config::Result<sluice_config::Imported> {
    import(
        text,
        &ImportOptions {
            format: Some(ImportFormat::Python),
            fallback_name: None,
            ..ImportOptions::default()
        },
    )
}

/// Runs `work` on its own thread and fails the test if it has not finished in a minute: the
/// inputs below take milliseconds when the importer is linear, and hours when it is not.
fn within_a_minute<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(work());
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the importer finished")
}

#[test]
fn deeply_nested_brackets_are_refused_not_overflowed() {
    for (open, close) in [("[", "]"), ("{\"a\": ", "}"), ("(", ",)"), ("dict(a=", ")")] {
        let text = format!(
            "rest_api_source({}1{})",
            open.repeat(100_000),
            close.repeat(100_000)
        );
        let error = python(&text).expect_err("refused").to_string();
        assert!(
            error.contains("nested more than 128 levels"),
            "{open}: {error}"
        );
    }
    let minus = format!("rest_api_source({{\"a\": {}1}})", "- ".repeat(100_000));
    let error = python(&minus).expect_err("refused").to_string();
    assert!(error.contains("nested more than 128 levels"), "{error}");
}

#[test]
fn nesting_a_real_config_needs_still_imports() {
    let text = format!(
        "rest_api_source({{\"client\": {{\"base_url\": \"https://x\"}}, \"resources\": [\"a\"], \
         \"resource_defaults\": {{\"endpoint\": {{\"json\": {{\"q\": {}1{}}}}}}}}})",
        "[".repeat(100),
        "]".repeat(100)
    );
    python(&text).expect("100 levels import");
}

#[test]
fn variables_that_expand_exponentially_are_refused() {
    let mut text = String::from("a = \"xxxxxxxxxx\"\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    for pair in names.windows(2) {
        text.push_str(&format!("{} = [{}]\n", pair[1], [pair[0]; 10].join(", ")));
    }
    text.push_str("rest_api_source({\"client\": {\"base_url\": j}, \"resources\": [\"r\"]})\n");
    assert!(text.len() < 400, "a small text: {} bytes", text.len());
    let error =
        within_a_minute(move || python(&text).err().map(|e| e.to_string())).expect("refused");
    assert!(error.contains("more than 1000000 values"), "{error}");
}

#[test]
fn long_numbers_are_read_in_linear_time() {
    let text = format!("rest_api_source({{\"a\": 1{}}})", "e+".repeat(500_000));
    let outcome = within_a_minute(move || python(&text).is_ok());
    assert!(!outcome, "not a number");
}

#[test]
fn nested_dicts_are_not_reparsed_from_every_brace() {
    // No `rest_api_source`: the importer looks for a bare config dict.
    let text = format!(
        "x = {}{}",
        "{\"a\": ".repeat(100),
        "1".to_owned() + &"}".repeat(100)
    );
    let text = text.repeat(2_000);
    within_a_minute(move || {
        let _ = python(&text);
    });
}

#[test]
fn text_larger_than_the_cap_is_refused_before_reading() {
    let text = " ".repeat(MAX_IMPORT_BYTES + 1);
    for format in [None, Some(ImportFormat::Json), Some(ImportFormat::Python)] {
        let error = import(
            &text,
            &ImportOptions {
                format,
                fallback_name: None,
                ..ImportOptions::default()
            },
        )
        .expect_err("refused")
        .to_string();
        assert!(error.contains("at most 4 MB"), "{error}");
    }
}

#[test]
fn keys_with_control_characters_are_refused_at_their_field() {
    let config = json!({
        "client": {"base_url": "https://x", "headers": {"X-A\nB": "1"}},
        "resources": [{"name": "r", "endpoint": {"path": "r", "json": {"q": {
            "\u{0}call": "__import__('os').system('touch /tmp/pwned') or dict",
            "\u{0}kwargs": {}
        }}}}]
    });
    let problems = sluice_config::check_value(&config);
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert!(
        paths.contains(&r#"resources[0].endpoint.json.q["\u0000call"]"#),
        "{problems:?}"
    );
    assert!(
        paths.contains(&r#"client.headers["X-A\nB"]"#),
        "{problems:?}"
    );
    let text = config.to_string();
    assert!(import(&text, &ImportOptions::default()).is_err());
}

#[test]
fn the_exported_script_writes_config_text_only_as_python_strings() {
    // Keys and values that look like code stay strings; only the exporter's own class is a call.
    let config = sluice_config::from_value(&json!({
        "client": {"base_url": "https://x", "auth": {
            "type": "oauth2_client_credentials", "access_token_url": "https://x/token",
            "client_id": {"$secret": "id"}, "client_secret": {"$secret": "secret"},
            "client_auth": "basic"}},
        "resources": [{"name": "r", "endpoint": {"path": "r", "json": {
            "__import__('os').system('x')": ")\n__import__('os').system('y')\n#",
            "call": {"type": "oauth2_client_credentials", "client_auth": "basic"}
        }}}]
    }))
    .expect("valid");
    let script = config.to_dlt_script();
    assert_eq!(
        script
            .matches(": OAuth2ClientCredentialsHttpBasic(")
            .count(),
        1,
        "{script}"
    );
    assert!(script.contains(r#""call": {"#), "{script}");
    assert!(!script.contains("\n__import__"), "{script}");
    assert!(
        script.contains(r#""__import__('os').system('x')": ")\n__import__('os').system('y')\n#""#),
        "{script}"
    );
}

#[test]
fn a_line_break_in_the_source_name_cannot_add_lines_to_secrets_toml() {
    let config = sluice_config::from_value(&json!({
        "client": {"base_url": "https://x", "auth": "bearer"},
        "resources": ["r"],
        "sluice": {"name": "Shop\ninjected = \"x\"",
                   "source": {"name": "shop\ninjected_too = 1"}}
    }));
    let config = match config {
        Ok(config) => config,
        // Refusing the name at its field is as good as writing it safely.
        Err(error) => {
            assert!(error.to_string().contains("sluice.source.name"), "{error}");
            return;
        }
    };
    assert!(
        !config.dlt_credential_paths().is_empty(),
        "the bearer token is a dlt credential"
    );
    let toml = config.to_secrets_toml();
    for line in toml.lines() {
        // The env name next to each key is upper case, so is its injected line.
        assert!(!line.to_ascii_lowercase().starts_with("injected"), "{toml}");
    }
}
