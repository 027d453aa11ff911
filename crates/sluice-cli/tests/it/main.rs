//! The `sluice` binary as a user runs it, against the demo API on loopback.

// Helpers of these tests unwrap as the tests do: a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod kill;
mod openapi;
mod preview;
mod secrets;
mod sync;

use std::process::Command;

use sluice_demo::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};

/// The built `sluice` binary, with the demo's OAuth2 client in `SLUICE_SECRET_*` variables.
pub fn sluice(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sluice"));
    cmd.args(args)
        .env("SLUICE_SECRET_CLIENT_ID", DEMO_CLIENT_ID)
        .env("SLUICE_SECRET_CLIENT_SECRET", DEMO_CLIENT_SECRET);
    cmd
}

#[test]
fn the_version_names_sluice_and_the_duckdb_inside() {
    let out = sluice(&["--version"]).output().unwrap();
    assert!(out.status.success());
    let line = String::from_utf8(out.stdout).unwrap();
    let expected = format!("sluice {} (DuckDB v", env!("CARGO_PKG_VERSION"));
    assert!(line.starts_with(&expected), "{line}");
    assert!(line.trim_end().ends_with(')'), "{line}");
}

/// A stack overflow aborts a whole process, so the check runs the real binary: 100,000 nested
/// brackets end in a plain message and exit code 1, not in an abort.
#[test]
fn importing_deeply_nested_python_fails_plainly() {
    let dir = std::env::temp_dir().join(format!("sluice-deep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("deep.py");
    let text = format!(
        "rest_api_source({}1{})\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(&file, text).unwrap();
    let out = sluice(&["import", file.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("nested more than 128 levels"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// dlt code with two `@dlt.source` functions is two connectors: the commands that read one
/// name both and ask for `--source`, which picks one; a wrong name lists the right ones.
#[test]
fn a_module_with_two_sources_needs_source_to_pick_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("two.py");
    std::fs::write(
        &file,
        include_str!("../../../sluice-config/tests/corpus/dlt_code/09_two_sources_one_module.py"),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let out = sluice(&["import", path]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("defines 2 sources (billing, support); choose one with --source NAME"),
        "{stderr}"
    );
    let succeeds = |args: &[&str]| {
        let out = sluice(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{args:?}: {stderr}");
        String::from_utf8(out.stdout).unwrap()
    };
    let imported = succeeds(&["import", path, "--source", "support"]);
    let config: serde_json::Value = serde_json::from_str(&imported).unwrap();
    assert_eq!(config["client"]["base_url"], "https://support.example.com/");
    assert_eq!(
        config["sluice"]["pipeline"]["pipeline_name"],
        "support_pipeline"
    );
    let script = succeeds(&["export", path, "--source", "billing", "--format", "dlt"]);
    assert!(script.contains("https://billing.example.com/"));
    let out = sluice(&["validate", path, "--source", "sales"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("has no source named `sales`; its sources: billing, support"),
        "{stderr}"
    );
}

/// `http://` to another computer works but is read by anyone on the way: `sluice validate`
/// warns at the field and still passes; to this computer it says nothing.
#[test]
fn validate_warns_about_plain_http_to_another_computer_but_passes() {
    let dir = tempfile::tempdir().unwrap();
    let check = |base_url: &str| {
        let file = dir.path().join("c.json");
        let config = serde_json::json!({
            "client": {"base_url": base_url,
                       "auth": {"type": "oauth2_client_credentials",
                                "access_token_url": format!("{base_url}/token"),
                                "client_id": {"$secret": "id"},
                                "client_secret": {"$secret": "secret"}}},
            "resources": ["items"],
        });
        std::fs::write(&file, config.to_string()).unwrap();
        let out = sluice(&["validate", file.to_str().unwrap()])
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, stderr) = check("http://api.example.com");
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("warning: client.base_url: http://api.example.com is not encrypted"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "warning: client.auth.access_token_url: http://api.example.com is not encrypted"
        ),
        "{stderr}"
    );
    let (ok, stderr) = check("http://127.0.0.1:8766");
    assert!(ok, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

/// `sluice query` is the Data tab's SQL box from a terminal: the dataset's tables by their plain
/// names, rows as a table or JSON, and the same refusal of anything but one read-only query.
#[test]
fn query_reads_the_only_dataset_and_refuses_what_the_sql_box_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.duckdb");
    {
        let conn = duckdb::Connection::open(&db).unwrap();
        conn.execute_batch(
            "CREATE SCHEMA shop_dataset; \
             CREATE TABLE shop_dataset._dlt_loads (load_id VARCHAR); \
             CREATE TABLE shop_dataset.orders AS \
               SELECT range AS id, 'order ' || range AS label FROM range(3);",
        )
        .unwrap();
    }
    let file = db.to_str().unwrap();
    let run = |args: &[&str]| {
        let out = sluice(args).output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, table, stderr) = run(&["query", file, "SELECT id, label FROM orders ORDER BY id"]);
    assert!(ok, "{stderr}");
    assert_eq!(table, "id  label\n0   order 0\n1   order 1\n2   order 2\n");

    let (ok, json, stderr) = run(&["query", file, "FROM orders WHERE id = 2", "--json"]);
    assert!(ok, "{stderr}");
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows, serde_json::json!([{"id": "2", "label": "order 2"}]));

    let copied = dir.path().join("copied.csv");
    for statement in [
        format!("COPY orders TO '{}'", copied.display()),
        "DROP TABLE orders".to_owned(),
        "SELECT 1; DROP TABLE orders".to_owned(),
        format!("SELECT * FROM read_text('{file}')"),
    ] {
        let (ok, _, stderr) = run(&["query", file, &statement]);
        assert!(!ok, "{statement} ran");
        assert!(
            stderr.starts_with("error: the query cannot run"),
            "{statement}: {stderr}"
        );
    }
    assert!(!copied.exists());
    let (ok, count, _) = run(&["query", file, "SELECT count(*) AS n FROM orders"]);
    assert!(ok);
    assert_eq!(count, "n\n3\n");
}

/// On a machine with everything (the keychain of scripts/with-keyring.sh, a writable data folder
/// and WebKitGTK from the setup script), the doctor finds nothing to install.
#[test]
#[ignore = "needs a keychain: scripts/with-keyring.sh cargo test -p sluice-cli -- --include-ignored"]
fn the_doctor_finds_everything_on_a_set_up_machine() {
    let dir = std::env::temp_dir().join(format!("sluice-doctor-ok-{}", std::process::id()));
    let out = sluice(&["doctor"])
        .env("SLUICE_DATA_DIR", &dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    for line in [
        "ok       keychain: stores and reads back secrets",
        &format!("ok       data folder: {} is writable", dir.display()),
        "ok       WebKit runtime: libwebkit2gtk-4.1.so.0 is installed",
    ] {
        assert!(stdout.contains(line), "{line:?} not in {stdout}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Without a Secret Service and with a data folder it cannot write, the doctor names both and
/// says what to do, and exits 1.
#[test]
fn the_doctor_says_what_to_install_for_what_is_missing() {
    let out = sluice(&["doctor"])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/sluice-doctor-bus",
        )
        .env("SLUICE_DATA_DIR", "/proc/sluice-doctor-cannot-write-here")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let keychain = stdout
        .lines()
        .find(|l| l.starts_with("MISSING  keychain:"))
        .unwrap_or_else(|| panic!("no keychain finding in {stdout}"));
    assert!(keychain.contains("apt install gnome-keyring"), "{keychain}");
    let folder = stdout
        .lines()
        .find(|l| l.starts_with("MISSING  data folder:"))
        .unwrap_or_else(|| panic!("no data folder finding in {stdout}"));
    assert!(folder.contains("SLUICE_DATA_DIR"), "{folder}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("checks failed"));
}
