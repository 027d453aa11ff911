//! Parity with dlt: the benchmark's connector, loaded by Sluice and by dlt itself (the pipeline
//! script Sluice exports, run by the real dlt against the same demo API), gives the same tables,
//! column names, column types, nullability and row counts.
//!
//! dlt comes from the virtualenv `scripts/dlt-venv.sh` creates (`SLUICE_DLT_PYTHON` points at its
//! python). Without dlt the test is skipped locally but fails when `CI=true`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use sluice_config::{Destination, ExportFormat};

use crate::common::{db, demo, sync_ok};

fn dlt_python() -> Option<PathBuf> {
    let candidate = match std::env::var_os("SLUICE_DLT_PYTHON") {
        Some(python) => PathBuf::from(python),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".cache/sluice-dlt-venv/bin/python"),
    };
    Command::new(&candidate)
        .args(["-c", "import dlt, duckdb"])
        .output()
        .is_ok_and(|o| o.status.success())
        .then_some(candidate)
}

/// The checkout's `bench/`: the manifest folder cargo gives the running test, not the one compiled
/// in (a target folder shared by two clones reuses a test binary built in the other).
fn bench_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
        .join("../../bench")
}

type Dump = BTreeMap<String, (Vec<(String, String, bool)>, i64)>;

/// What Sluice's file holds, read with the DuckDB that wrote it.
fn dump_sluice(path: &Path, dataset: &str) -> Dump {
    let conn = crate::common::open(path);
    let mut out = Dump::new();
    for table in crate::common::tables(&conn, dataset) {
        let columns = crate::common::columns(&conn, dataset, &table);
        let rows = crate::common::count(
            &conn,
            &format!("SELECT count(*) FROM {dataset}.\"{table}\""),
        );
        out.insert(table, (columns, rows));
    }
    out
}

fn dump_dlt(python: &Path, path: &Path, dataset: &str) -> Dump {
    let output = Command::new(python)
        .arg(bench_dir().join("schema_dump.py"))
        .arg(path)
        .arg(dataset)
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let value: Value = serde_json::from_slice(&output.stdout).expect("JSON dump");
    value
        .as_object()
        .expect("tables")
        .iter()
        .map(|(table, entry)| {
            let columns = entry["columns"]
                .as_array()
                .expect("columns")
                .iter()
                .map(|c| {
                    (
                        c[0].as_str().expect("name").to_owned(),
                        c[1].as_str().expect("type").to_owned(),
                        c[2].as_bool().expect("nullable"),
                    )
                })
                .collect();
            (
                table.clone(),
                (columns, entry["rows"].as_i64().expect("rows")),
            )
        })
        .collect()
}

fn run_dlt(python: &Path, config: &Value, work: &Path) -> PathBuf {
    run_dlt_counting(python, config, work, &[]).0
}

/// Runs the exported script with `env` (dlt reads secrets from the environment) and returns
/// the DuckDB file and the rows dlt loaded per table.
fn run_dlt_counting(
    python: &Path,
    config: &Value,
    work: &Path,
    env: &[(&str, &str)],
) -> (PathBuf, BTreeMap<String, i64>) {
    let config = sluice_config::from_value(config).expect("config");
    let script = work.join("pipeline.py");
    std::fs::write(
        &script,
        sluice_config::export(
            &config,
            ExportFormat::Dlt,
            sluice_config::Destination::Duckdb,
        )
        .expect("export"),
    )
    .expect("write script");
    let folder = work.join("dlt");
    let output = Command::new(python)
        .arg(bench_dir().join("dlt_runner.py"))
        .arg(&script)
        .arg(&folder)
        .envs(env.iter().copied())
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "dlt failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("the runner's JSON line");
    let rows = report["rows"]
        .as_object()
        .expect("rows")
        .iter()
        .map(|(table, n)| (table.clone(), n.as_i64().expect("a count")))
        .collect();
    (
        folder.join(format!("{}.duckdb", config.effective_pipeline_name())),
        rows,
    )
}

fn events(base_url: &str, page_size: u32) -> Value {
    json!({
        "client": {"base_url": format!("{base_url}/")},
        "resources": [{
            "name": "events",
            "endpoint": {"path": "paging/offset", "params": {"limit": page_size},
                         "data_selector": "data",
                         "paginator": {"type": "offset", "limit": page_size, "total_path": "total"}}
        }],
        "sluice": {"name": "Benchmark events", "pipeline": {"pipeline_name": "bench"}}
    })
}

/// dlt's python, or `None` (the test is skipped) outside CI when dlt is not installed.
fn dlt_or_skip() -> Option<PathBuf> {
    let python = dlt_python();
    if python.is_none() {
        let message = "dlt is not installed: run `SLUICE_DLT_PYTHON=$(scripts/dlt-venv.sh)` first";
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "{message}");
        eprintln!("skipped: {message}");
    }
    python
}

async fn assert_parity(config: Value) {
    let Some(python) = dlt_or_skip() else {
        return;
    };
    let db = db();
    sync_ok(&config, &db.path).await;
    let work = tempfile::tempdir().expect("temp dir");
    let dlt_file = run_dlt(&python, &config, work.path());
    assert_same_dump(
        &dump_sluice(&db.path, "bench_dataset"),
        &dump_dlt(&python, &dlt_file, "bench_dataset"),
        1,
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_benchmark_connector_makes_the_tables_dlt_makes() {
    let server = demo(450, "").await;
    assert_parity(events(server.base_url(), 100)).await;
    assert_parity(events(server.base_url(), 1000)).await;
}

/// [`crate::common::tickets`] into the pipeline `bench`, whose dataset the dumps read.
fn incremental_tickets(server: &sluice_demo::DemoServer) -> Value {
    let mut config = crate::common::tickets(server, json!("append"));
    config["sluice"] = json!({"name": "Tickets", "pipeline": {"pipeline_name": "bench"}});
    config
}

/// [`incremental_tickets`] with each ticket's comments as a child: dlt's own template shape.
fn tickets_with_comments(server: &sluice_demo::DemoServer) -> Value {
    let mut config = incremental_tickets(server);
    config["resources"].as_array_mut().expect("resources").push(
        json!({"name": "comments", "primary_key": "id",
                     "endpoint": {"path": "v1/support/tickets/{resources.tickets.id}/comments",
                                  "data_selector": "data", "paginator": "single_page"}}),
    );
    config
}

fn loaded_of(summary: &sluice_load::SyncSummary, resource: &str) -> u64 {
    summary
        .resources
        .iter()
        .filter(|r| r.resource == resource)
        .map(|r| r.records)
        .sum()
}

/// Sluice commits each resource on its own (ARCHITECTURE.md), so with several resources it
/// writes a state row and, as the tables are added, a schema version per resource where dlt
/// writes one per load: those two tables are compared by their columns only.
const PER_COMMIT_TABLES: [&str; 2] = ["_dlt_pipeline_state", "_dlt_version"];

fn assert_same_dump(ours: &Dump, theirs: &Dump, resources: usize) {
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (table, (columns, rows)) in theirs {
        let (our_columns, our_rows) = &ours[table];
        assert_eq!(our_columns, columns, "columns of {table}");
        if resources == 1 || !PER_COMMIT_TABLES.contains(&table.as_str()) {
            assert_eq!(our_rows, rows, "rows of {table}");
        }
    }
}

/// An incremental parent and its child (dlt's template: issues, then each issue's comments),
/// run twice with a day of changes between, by Sluice and by dlt against two identical demo
/// APIs: the second run of each loads the comments of the changed tickets only, and both end
/// with the same tables, columns and rows.
#[tokio::test(flavor = "multi_thread")]
async fn an_incremental_parent_and_its_child_load_as_dlt_loads_them() {
    let Some(python) = dlt_or_skip() else {
        return;
    };
    let (ours, theirs) = (demo(300, "").await, demo(300, "").await);
    let env = [
        ("CLIENT_ID", sluice_demo::DEMO_CLIENT_ID),
        ("CLIENT_SECRET", sluice_demo::DEMO_CLIENT_SECRET),
    ];
    let db = db();
    let work = tempfile::tempdir().expect("temp dir");

    let first = sync_ok(&tickets_with_comments(&ours), &db.path).await;
    let (_, by_dlt) = run_dlt_counting(&python, &tickets_with_comments(&theirs), work.path(), &env);
    assert_eq!(loaded_of(&first, "comments") as i64, by_dlt["comments"]);

    ours.advance();
    theirs.advance();
    let requests_before = ours.stats().requests;
    let second = sync_ok(&tickets_with_comments(&ours), &db.path).await;
    let (dlt_file, by_dlt) =
        run_dlt_counting(&python, &tickets_with_comments(&theirs), work.path(), &env);
    let changed_comments = loaded_of(&second, "comments");
    assert!(changed_comments > 0 && changed_comments < loaded_of(&first, "comments"));
    assert_eq!(changed_comments as i64, by_dlt["comments"]);
    // Only the changed tickets' comments were asked for: far fewer requests than 300.
    assert!(
        ours.stats().requests - requests_before < 60,
        "{:?}",
        ours.stats()
    );
    assert_same_dump(
        &dump_sluice(&db.path, "bench_dataset"),
        &dump_dlt(&python, &dlt_file, "bench_dataset"),
        2,
    );
}

fn loaded(summary: &sluice_load::SyncSummary) -> u64 {
    summary.resources.iter().map(|r| r.records).sum()
}

/// dlt 1.29's boundary hashes: Sluice resumes from the state dlt wrote without loading the
/// boundary ticket again (it did before it kept dlt's hashes, and the table grew by one row per
/// run). The other way round, dlt cannot yet resume from a file Sluice wrote: it reads the
/// schema in `_dlt_version` as its own, and Sluice's is a subset (see #18's notes).
#[tokio::test(flavor = "multi_thread")]
async fn sluice_resumes_from_dlts_incremental_state() {
    let Some(python) = dlt_or_skip() else {
        return;
    };
    let server = demo(300, "").await;
    let config = incremental_tickets(&server);
    let work = tempfile::tempdir().expect("temp dir");
    let env = [
        ("CLIENT_ID", sluice_demo::DEMO_CLIENT_ID),
        ("CLIENT_SECRET", sluice_demo::DEMO_CLIENT_SECRET),
    ];
    let rows = |file: &Path| {
        crate::common::count(
            &crate::common::open(file),
            "SELECT count(*) FROM bench_dataset.tickets",
        )
    };

    let (file, by_dlt) = run_dlt_counting(&python, &config, work.path(), &env);
    assert_eq!(by_dlt["tickets"], 300);
    server.advance();
    let (_, by_dlt) = run_dlt_counting(&python, &config, work.path(), &env);
    let changed = by_dlt["tickets"];
    assert!(changed > 0, "the advance changed tickets");
    assert_eq!(
        loaded(&sync_ok(&config, &file).await),
        0,
        "the boundary ticket dlt loaded is known by its hash"
    );
    assert_eq!(rows(&file), 300 + changed);

    server.advance();
    assert!(
        loaded(&sync_ok(&config, &file).await) > 0,
        "later changes still load"
    );
}

/// Runs `bench/dlt_destinations.py` and returns its JSON line.
fn dlt_destinations(
    python: &Path,
    args: &[&Path],
    env: &[(&str, String)],
) -> Result<Value, String> {
    let output = Command::new(python)
        .arg(bench_dir().join("dlt_destinations.py"))
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("python runs");
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    Ok(serde_json::from_slice(&output.stdout).expect("a JSON line"))
}

/// Writes the connector's dlt script and secrets.toml template for `destination` into `work`.
fn export_for(config: &Value, destination: Destination, work: &Path) -> (PathBuf, PathBuf) {
    let config = sluice_config::from_value(config).expect("config");
    let script = work.join(format!("{destination}_pipeline.py"));
    let secrets = work.join(format!("{destination}_secrets.toml"));
    for (path, format) in [
        (&script, ExportFormat::Dlt),
        (&secrets, ExportFormat::SecretsToml),
    ] {
        let text = sluice_config::export(&config, format, destination).expect("export");
        std::fs::write(path, text).expect("write the export");
    }
    (script, secrets)
}

/// The pipeline exported for the filesystem destination, run by dlt into a local folder, writes
/// the tables and rows Sluice loads into DuckDB.
#[tokio::test(flavor = "multi_thread")]
async fn an_export_to_files_loads_the_rows_sluice_loads() {
    let Some(python) = dlt_or_skip() else {
        return;
    };
    let server = demo(450, "").await;
    let config = events(server.base_url(), 100);
    let db = db();
    sync_ok(&config, &db.path).await;
    let ours = dump_sluice(&db.path, "bench_dataset");

    let work = tempfile::tempdir().expect("temp dir");
    let (script, _) = export_for(&config, Destination::Filesystem, work.path());
    let files = work.path().join("files");
    let output = Command::new(&python)
        .arg(bench_dir().join("dlt_runner.py"))
        .arg(&script)
        .arg(work.path().join("dlt"))
        .env(
            "DESTINATION__FILESYSTEM__BUCKET_URL",
            format!("file://{}", files.display()),
        )
        .env("DATA_WRITER__DISABLE_COMPRESSION", "true")
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "dlt failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let written = dlt_destinations(
        &python,
        &[Path::new("files"), &files, Path::new("bench_dataset")],
        &[],
    )
    .expect("the files dlt wrote read back");
    let tables: Vec<&String> = ours.keys().filter(|t| !t.starts_with("_dlt")).collect();
    assert_eq!(
        written
            .as_object()
            .expect("tables")
            .keys()
            .collect::<Vec<_>>(),
        tables
    );
    for table in tables {
        assert_eq!(
            written[table]["rows"],
            json!(ours[table].1),
            "rows of {table}"
        );
    }
    let conn = crate::common::open(&db.path);
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM bench_dataset.events ORDER BY id")
        .expect("query")
        .query_map([], |row| row.get(0))
        .expect("ids")
        .map(|id| id.expect("an id"))
        .collect();
    assert_eq!(written["events"]["ids"], json!(ids));
}

/// For every warehouse, the exported pipeline passes dlt's own checks: its secrets.toml
/// template, filled in, holds every setting dlt needs to connect, and its source extracts and
/// normalizes with that destination's capabilities. A template missing a key fails the check.
#[tokio::test(flavor = "multi_thread")]
async fn exports_to_warehouses_pass_dlts_own_checks() {
    let Some(python) = dlt_or_skip() else {
        return;
    };
    let server = demo(120, "").await;
    let config = events(server.base_url(), 100);
    let work = tempfile::tempdir().expect("temp dir");
    let warehouses = Destination::ALL
        .into_iter()
        .filter(|d| !matches!(d, Destination::Duckdb | Destination::Filesystem));
    for destination in warehouses {
        let (script, secrets) = export_for(&config, destination, work.path());
        let folder = work.path().join(destination.dlt_name());
        let python = python.clone();
        let checked = tokio::task::spawn_blocking(move || {
            dlt_destinations(
                &python,
                &[Path::new("check"), &script, &secrets, &folder],
                &[],
            )
        })
        .await
        .expect("the check ran")
        .unwrap_or_else(|e| panic!("{destination}: {e}"));
        assert_eq!(checked["destination"], destination.dlt_name());
        assert_eq!(checked["rows"]["events"], 120, "{destination}: {checked}");
    }

    let (script, secrets) = export_for(&config, Destination::Snowflake, work.path());
    let template = std::fs::read_to_string(&secrets).expect("template");
    let without_host: String = template
        .lines()
        .filter(|l| !l.starts_with("host ="))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&secrets, without_host).expect("write");
    let folder = work.path().join("snowflake-without-host");
    let failed = tokio::task::spawn_blocking(move || {
        dlt_destinations(
            &python,
            &[Path::new("check"), &script, &secrets, &folder],
            &[],
        )
    })
    .await
    .expect("the check ran")
    .expect_err("a template without the host fails");
    assert!(failed.contains("credentials"), "{failed}");
}
