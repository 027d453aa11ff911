//! Secrets live in the keychain and nowhere else: a sync whose OAuth2 client secret comes from
//! the real Secret Service, and a sweep of every file and event a sync, a preview, a schema
//! preview, an import and every export write, for the secret values in play.
//!
//! These need a keychain: `scripts/with-keyring.sh` starts a private gnome-keyring.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use sluice_demo::{DemoOptions, DemoServer, DEMO_API_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};

const NEEDS_KEYCHAIN: &str = "needs a keychain: scripts/with-keyring.sh";

/// A secret the sweep's connector sends in a header, a query parameter and the token request's
/// extra data, where only `$secret` references used to be unresolved or unredacted.
const PROBE: &str = "probe-secret-sent-in-headers-params-and-token-data";

/// A token typed as text into a connector: into a document that does not parse (checked by
/// `sluice validate` and `sluice import`), and into an app database from before the typed-secret
/// check (moved out by the store's sweep).
const TYPED: &str = "typed-before-the-check-7d2e91";

/// `sluice` with no secrets in the environment: everything must come from the keychain.
fn bare_sluice(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sluice"));
    cmd.args(args)
        .env_remove("SLUICE_SECRET_CLIENT_ID")
        .env_remove("SLUICE_SECRET_CLIENT_SECRET")
        .env_remove("SLUICE_SECRET_API_KEY");
    cmd
}

fn run(args: &[&str]) -> Output {
    bare_sluice(args).output().expect("sluice runs")
}

fn set_secret(scope: &str, name: &str, value: &str) {
    use std::io::Write;
    let mut child = bare_sluice(&["secrets", "set", scope, name])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sluice runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(value.as_bytes())
        .expect("write the secret");
    let out = child.wait_with_output().expect("sluice ends");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn unique_scope(what: &str) -> String {
    format!("test-{what}-{:016x}", rand::random::<u64>())
}

/// Tickets over OAuth2 and page views with an API key in the query string.
fn connector(base_url: &str, scope: &str) -> serde_json::Value {
    serde_json::json!({
        "client": {
            "base_url": base_url,
            "auth": {"type": "oauth2", "token_url": format!("{base_url}/oauth/token"),
                     "client_id": {"$secret": "client_id"},
                     "client_secret": {"$secret": "client_secret"},
                     "access_token_request_data": {"audience": {"$secret": "probe"}}},
            "headers": {"X-Probe": {"$secret": "probe"}}
        },
        "resources": [
            {"name": "tickets", "primary_key": "id", "write_disposition": "merge",
             "endpoint": {"path": "v1/support/tickets",
                          "paginator": {"type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor"},
                          "params": {"limit": 50, "sig": {"$secret": "probe"}}}},
            {"name": "page_views",
             "endpoint": {"path": "v1/analytics/page_views", "data_selector": "data",
                          "auth": {"type": "api_key", "name": "api_key", "location": "query",
                                   "api_key": {"$secret": "api_key"}},
                          "paginator": {"type": "offset", "limit": 50}}},
            {"name": "posted",
             "endpoint": {"path": "paging/post", "method": "POST", "data_selector": "data",
                          "json": {"offset": 0, "limit": 50, "probe": {"$secret": "probe"}},
                          "paginator": "single_page"}}
        ],
        "sluice": {"name": scope, "pipeline": {"pipeline_name": "support"}}
    })
}

async fn demo() -> DemoServer {
    DemoServer::start(DemoOptions {
        records: 120,
        ..DemoOptions::default()
    })
    .await
    .expect("demo server")
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a keychain: scripts/with-keyring.sh cargo test -p sluice-cli -- --include-ignored"]
async fn a_sync_takes_its_oauth2_client_secret_from_the_keychain() {
    let server = demo().await;
    let scope = unique_scope("sync");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("support.json");
    let mut config = connector(server.base_url(), &scope);
    config["resources"].as_array_mut().unwrap().truncate(1);
    std::fs::write(&file, config.to_string()).unwrap();
    let db = dir.path().join("support.duckdb");
    let (file, db) = (
        file.to_str().unwrap().to_owned(),
        db.to_str().unwrap().to_owned(),
    );

    let (f, d, s) = (file.clone(), db.clone(), scope.clone());
    let (missing, requests_after_missing, listed, synced, after_delete) =
        tokio::task::block_in_place(|| {
            // The OAuth client not stored yet: the run stops before any request and says how
            // to fix it.
            set_secret(&s, "probe", PROBE);
            let missing = run(&["sync", &f, "--db", &d]);
            let requests_after_missing = server.stats().requests;
            set_secret(&s, "client_id", DEMO_CLIENT_ID);
            set_secret(&s, "client_secret", DEMO_CLIENT_SECRET);
            let listed = run(&["secrets", "list", &s]);
            let synced = run(&["sync", &f, "--db", &d, "--json"]);
            assert!(run(&["secrets", "delete", &s, "client_secret"])
                .status
                .success());
            assert!(run(&["secrets", "delete", &s, "client_id"])
                .status
                .success());
            assert!(run(&["secrets", "delete", &s, "probe"]).status.success());
            let after_delete = run(&["secrets", "list", &s]);
            (
                missing,
                requests_after_missing,
                listed,
                synced,
                after_delete,
            )
        });

    assert!(!missing.status.success());
    let message = String::from_utf8_lossy(&missing.stderr);
    assert!(
        message.contains("client_id") || message.contains("client_secret"),
        "{message}"
    );
    assert!(message.contains("sluice secrets set"), "{message}");
    assert_eq!(
        requests_after_missing, 0,
        "no request before the secrets are there"
    );

    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.contains("client_id") && listed.contains("client_secret"),
        "{listed}"
    );
    assert!(!listed.contains(DEMO_CLIENT_SECRET));

    assert!(
        synced.status.success(),
        "{}",
        String::from_utf8_lossy(&synced.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&synced.stdout).unwrap();
    assert_eq!(summary["resources"][0]["tables"]["tickets"], 120);

    let after = String::from_utf8_lossy(&after_delete.stdout);
    assert!(
        !after.contains("client_secret") || after.contains("not set"),
        "{after}"
    );
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The forms a secret could take in text: as is, URL-encoded, base64 of `id:secret`.
fn forms(secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_owned()];
    let encoded: String = secret
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect();
    forms.push(encoded);
    forms
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a keychain: scripts/with-keyring.sh cargo test -p sluice-cli -- --include-ignored"]
async fn no_file_or_event_sluice_writes_holds_a_secret_value() {
    let _ = NEEDS_KEYCHAIN;
    let server = demo().await;
    let scope = unique_scope("sweep");
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().to_owned();
    let secrets = [
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        DEMO_API_KEY,
        PROBE,
        TYPED,
    ];

    // A dlt snippet with the secrets written in it, as a user might paste one.
    let base_url = server.base_url().to_owned();
    let snippet = format!(
        "config = {{\n  \"client\": {{\"base_url\": \"{base_url}\",\n    \"auth\": {{\"type\": \"oauth2\", \"token_url\": \"{base_url}/oauth/token\",\n      \"client_id\": \"{DEMO_CLIENT_ID}\", \"client_secret\": \"{DEMO_CLIENT_SECRET}\"}}}},\n  \"resources\": [{{\"name\": \"groups\", \"endpoint\": {{\"path\": \"v1/support/groups\", \"headers\": {{\"X-Api-Key\": \"{PROBE}\"}}}}}}]\n}}\n"
    );
    std::fs::write(work.join("pasted.py"), snippet).unwrap();
    let file = work.join("support.json");
    std::fs::write(&file, connector(&base_url, &scope).to_string()).unwrap();
    // A document that does not parse (a mistyped auth type) with a token typed into it.
    let broken = serde_json::json!({
        "client": {"base_url": base_url,
                   "auth": {"type": "bearer_token", "token": TYPED},
                   "headers": {"Authorization": format!("Bearer {TYPED}")}},
        "resources": [{"endpoint": {"path": "v1/support/groups"}}],
    });
    std::fs::write(work.join("broken.json"), broken.to_string()).unwrap();

    let (w, s, url) = (work.clone(), scope.clone(), base_url.clone());
    tokio::task::spawn_blocking(move || {
        set_secret(&s, "client_id", DEMO_CLIENT_ID);
        set_secret(&s, "client_secret", DEMO_CLIENT_SECRET);
        set_secret(&s, "api_key", DEMO_API_KEY);
        set_secret(&s, "probe", PROBE);
        let p = |name: &str| w.join(name).to_str().unwrap().to_owned();
        let config = p("support.json");
        let db = p("support.duckdb");
        let commands: Vec<(&str, Vec<String>)> = vec![
            (
                "import",
                vec![
                    "import".into(),
                    p("pasted.py"),
                    "-o".into(),
                    p("imported.json"),
                ],
            ),
            (
                "sync",
                vec![
                    "sync".into(),
                    config.clone(),
                    "--db".into(),
                    db.clone(),
                    "--json".into(),
                ],
            ),
            (
                "sync-again",
                vec!["sync".into(), config.clone(), "--db".into(), db.clone()],
            ),
            (
                "preview",
                vec!["preview".into(), config.clone(), "--json".into()],
            ),
            ("preview-text", vec!["preview".into(), config.clone()]),
            (
                "schema",
                vec![
                    "schema".into(),
                    config.clone(),
                    "--db".into(),
                    db.clone(),
                    "--json".into(),
                ],
            ),
            (
                "export-dlt",
                vec![
                    "export".into(),
                    config.clone(),
                    "--format".into(),
                    "dlt".into(),
                    "-o".into(),
                    p("pipeline.py"),
                ],
            ),
            (
                "export-json",
                vec![
                    "export".into(),
                    config.clone(),
                    "--format".into(),
                    "json".into(),
                    "-o".into(),
                    p("export.json"),
                ],
            ),
            (
                "export-yaml",
                vec![
                    "export".into(),
                    config.clone(),
                    "--format".into(),
                    "yaml".into(),
                    "-o".into(),
                    p("export.yaml"),
                ],
            ),
            (
                "export-secrets",
                vec![
                    "export".into(),
                    config.clone(),
                    "--format".into(),
                    "secrets-toml".into(),
                    "-o".into(),
                    p("secrets.toml"),
                ],
            ),
            (
                "export-config",
                vec![
                    "export".into(),
                    config.clone(),
                    "--format".into(),
                    "config-toml".into(),
                    "-o".into(),
                    p("config.toml"),
                ],
            ),
            ("list", vec!["secrets".into(), "list".into(), s.clone()]),
            ("validate-broken", vec!["validate".into(), p("broken.json")]),
            (
                "import-broken",
                vec![
                    "import".into(),
                    p("broken.json"),
                    "-o".into(),
                    p("broken-imported.json"),
                ],
            ),
        ];
        for (name, args) in commands {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let mut cmd = bare_sluice(&args);
            if matches!(
                name,
                "sync" | "sync-again" | "preview" | "preview-text" | "schema"
            ) {
                cmd.args(["--connector", &s]);
            }
            let out = cmd.output().unwrap();
            // Everything a command printed is kept as its log.
            std::fs::write(w.join(format!("{name}.stdout.log")), &out.stdout).unwrap();
            std::fs::write(w.join(format!("{name}.stderr.log")), &out.stderr).unwrap();
            // The broken document is refused, with its problems named and nothing echoed.
            let refused = name.ends_with("-broken");
            assert_eq!(
                out.status.success(),
                !refused,
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        // The app store, as the app saves an imported connector.
        let imported: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(w.join("imported.json")).unwrap())
                .unwrap();
        let store = sluice_store::Store::open(&w.join("sluice.sqlite")).unwrap();
        store.create_connector("pasted", &imported, false).unwrap();
        for name in ["client_id", "client_secret", "api_key", "probe"] {
            assert!(run(&["secrets", "delete", &s, name]).status.success());
        }
        // An app database from before the typed-secret check: the token typed as text in the
        // connector and in two saved versions, one of which does not parse.
        let mut store = store;
        let typed = |auth_type: &str| {
            serde_json::json!({
                "client": {"base_url": url,
                           "auth": {"type": auth_type, "token": TYPED},
                           "headers": {"X-Api-Key": TYPED}},
                "resources": ["groups"],
            })
        };
        let old = store
            .create_connector("old", &typed("bearer"), false)
            .unwrap();
        store
            .save_config(old.id, &typed("bearer_token"), std::time::Duration::ZERO)
            .unwrap();
        store
            .save_config(old.id, &typed("bearer"), std::time::Duration::ZERO)
            .unwrap();
        let keychain = sluice_secrets::SecretStore::new();
        let old_scope = format!("connector-{}", old.uid);
        let sweep = store
            .move_literal_secrets(|uid, found| {
                for secret in found {
                    let value = sluice_secrets::SecretValue::new(secret.value.clone());
                    keychain
                        .set(&format!("connector-{uid}"), &secret.name, &value)
                        .map_err(|e| e.to_string())?;
                }
                Ok(())
            })
            .unwrap();
        assert!(sweep.left.is_empty(), "{:?}", sweep.left);
        let kept = keychain.names(&old_scope).unwrap();
        assert!(!kept.is_empty(), "the typed token went to the keychain");
        for name in &kept {
            let held = keychain.get(&old_scope, name).unwrap().unwrap();
            assert_eq!(held.expose(), TYPED);
            keychain.delete(&old_scope, name).unwrap();
        }
        drop(store);
    })
    .await
    .unwrap();

    // The pasted snippet and the broken document are the user's own files, not Sluice's.
    std::fs::remove_file(work.join("pasted.py")).unwrap();
    std::fs::remove_file(work.join("broken.json")).unwrap();

    // Every event of a sync, too.
    let config = sluice_config::from_value(&connector(&base_url, &scope)).unwrap();
    let engine = sluice_engine::Engine::new(
        config,
        |name: &str| match name {
            "client_id" => Ok(sluice_secrets::SecretValue::from(DEMO_CLIENT_ID)),
            "client_secret" => Ok(sluice_secrets::SecretValue::from(DEMO_CLIENT_SECRET)),
            "api_key" => Ok(sluice_secrets::SecretValue::from(DEMO_API_KEY)),
            "probe" => Ok(sluice_secrets::SecretValue::from(PROBE)),
            other => Err(format!("no secret {other}")),
        },
        sluice_secrets::Redactor::new(),
        sluice_engine::EngineOptions::default(),
    )
    .unwrap();
    let mut events = Vec::new();
    let options = sluice_load::SyncOptions {
        db_path: Some(work.join("events.duckdb")),
        ..sluice_load::SyncOptions::default()
    };
    let summary = sluice_load::sync(&engine, &options, |e| {
        events.push(serde_json::to_string(&e).unwrap())
    })
    .await
    .unwrap();
    assert!(!summary.failed(), "{summary:?}");
    assert!(
        events
            .iter()
            .any(|e| e.contains("page_views") && e.contains("request")),
        "the API key's requests are in the events: {:?}",
        &events[..events.len().min(8)]
    );
    for secret in secrets {
        for form in forms(secret) {
            for event in &events {
                assert!(!event.contains(&form), "an event holds a secret: {event}");
            }
        }
    }

    let written = files(&work);
    assert!(written.len() >= 20, "{written:?}");
    for path in &written {
        let bytes = std::fs::read(path).unwrap();
        for secret in secrets {
            for form in forms(secret) {
                let found = bytes.windows(form.len()).any(|w| w == form.as_bytes());
                assert!(!found, "{} holds a secret value", path.display());
            }
        }
    }
    // DuckDB compresses strings on disk, so a byte search alone could miss one: ask it too.
    for db in ["support.duckdb", "events.duckdb"] {
        let conn = duckdb::Connection::open(work.join(db)).unwrap();
        let mut statement = conn
            .prepare(
                "SELECT table_schema, table_name, column_name FROM information_schema.columns \
                 WHERE data_type IN ('VARCHAR', 'JSON')",
            )
            .unwrap();
        let columns: Vec<(String, String, String)> = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert!(columns.len() > 10);
        for (schema, table, column) in columns {
            for secret in secrets {
                let hits: i64 = conn
                    .query_row(
                        &format!(
                            "SELECT count(*) FROM \"{schema}\".\"{table}\" WHERE contains(CAST(\"{column}\" AS VARCHAR), ?)"
                        ),
                        [secret],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(
                    hits, 0,
                    "{db}: {schema}.{table}.{column} holds a secret value"
                );
            }
        }
    }
}
