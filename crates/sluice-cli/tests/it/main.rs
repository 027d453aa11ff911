//! The `sluice` binary as a user runs it, against the demo API on loopback.

// Helpers of these tests unwrap as the tests do: a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod curl;
mod har;
mod kill;
mod openapi;
mod postman;
mod preview;
mod secrets;
mod sync;

use std::path::Path;
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

/// A table's name, its columns and its rows as text.
pub type Table = (String, Vec<String>, Vec<Vec<Option<String>>>);

/// Every table of `dataset` but dlt's own, each with its rows: the columns but dlt's, sorted by
/// name, as text, the rows sorted.
pub fn tables_and_rows(db: &Path, dataset: &str) -> Vec<Table> {
    let conn = duckdb::Connection::open(db).unwrap();
    let mut names = conn
        .prepare(
            "SELECT table_name FROM information_schema.tables
             WHERE table_schema = ? AND table_name NOT LIKE '\\_dlt%' ESCAPE '\\' ORDER BY 1",
        )
        .unwrap();
    let tables: Vec<String> = names
        .query_map([dataset], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables
        .into_iter()
        .map(|table| {
            let mut columns: Vec<String> = conn
                .prepare(
                    "SELECT column_name FROM information_schema.columns
                     WHERE table_schema = ? AND table_name = ? AND column_name NOT LIKE '\\_dlt%' ESCAPE '\\'",
                )
                .unwrap()
                .query_map([dataset, table.as_str()], |row| row.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            columns.sort();
            let select: Vec<String> = columns.iter().map(|c| format!("\"{c}\"::VARCHAR")).collect();
            let sql = format!(
                "SELECT {} FROM \"{dataset}\".\"{table}\" ORDER BY ALL",
                select.join(", ")
            );
            let mut statement = conn.prepare(&sql).unwrap();
            let width = columns.len();
            let rows: Vec<Vec<Option<String>>> = statement
                .query_map([], |row| (0..width).map(|i| row.get(i)).collect())
                .unwrap()
                .map(Result::unwrap)
                .collect();
            (table, columns, rows)
        })
        .collect()
}

pub fn run(args: &[&str]) -> (String, String) {
    let out = sluice(args).output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(out.status.success(), "sluice {args:?}: {stderr}");
    (stdout, stderr)
}

/// The hand-built demo connector, synced into `dir/demo.duckdb`, and the connector in
/// `imported` (a file in `dir`), synced too, load the same tables and rows (dlt's own columns
/// aside), the demo's child table `members` among them.
pub fn assert_loads_what_the_demo_loads(dir: &Path, base_url: &str, imported: &Path) {
    assert_loads_what_the_demo_loads_with(dir, base_url, imported, &[]);
}

/// [`assert_loads_what_the_demo_loads`], the imported connector synced with `env` set (its
/// secrets in `SLUICE_SECRET_*`).
pub fn assert_loads_what_the_demo_loads_with(
    dir: &Path,
    base_url: &str,
    imported: &Path,
    env: &[(&str, &str)],
) {
    let demo = dir.join("demo.json");
    std::fs::write(&demo, sluice_demo::demo_connector(base_url).to_string()).unwrap();
    let path = |p: &Path| p.to_str().unwrap().to_owned();
    let (demo_db, imported_db) = (dir.join("demo.duckdb"), dir.join("imported.duckdb"));
    run(&["sync", &path(&demo), "--db", &path(&demo_db)]);
    let out = sluice(&["sync", &path(imported), "--db", &path(&imported_db)])
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(imported).unwrap()).unwrap();
    let pipeline = config["sluice"]["pipeline"]["pipeline_name"]
        .as_str()
        .unwrap()
        .to_owned();
    let hand_built = tables_and_rows(&demo_db, "demo_shop_dataset");
    let ours = tables_and_rows(&imported_db, &format!("{pipeline}_dataset"));
    let names =
        |all: &[Table]| -> Vec<String> { all.iter().map(|(name, _, _)| name.clone()).collect() };
    assert_eq!(names(&ours), names(&hand_built));
    assert!(names(&hand_built).contains(&"members".to_owned()));
    for ((table, columns, rows), (_, their_columns, their_rows)) in ours.iter().zip(&hand_built) {
        assert_eq!(columns, their_columns, "columns of {table}");
        assert!(!rows.is_empty(), "{table} is empty");
        assert_eq!(rows, their_rows, "rows of {table}");
    }
}
