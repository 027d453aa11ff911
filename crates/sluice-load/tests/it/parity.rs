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
use sluice_config::ExportFormat;

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

fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench")
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
    let config = sluice_config::from_value(config).expect("config");
    let script = work.join("pipeline.py");
    std::fs::write(
        &script,
        sluice_config::export(&config, ExportFormat::Dlt).expect("export"),
    )
    .expect("write script");
    let folder = work.join("dlt");
    let output = Command::new(python)
        .arg(bench_dir().join("dlt_runner.py"))
        .arg(&script)
        .arg(&folder)
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "dlt failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    folder.join(format!("{}.duckdb", config.effective_pipeline_name()))
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

async fn assert_parity(config: Value) {
    let Some(python) = dlt_python() else {
        let message = "dlt is not installed: run `SLUICE_DLT_PYTHON=$(scripts/dlt-venv.sh)` first";
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "{message}");
        eprintln!("skipped: {message}");
        return;
    };
    let db = db();
    sync_ok(&config, &db.path).await;
    let work = tempfile::tempdir().expect("temp dir");
    let dlt_file = run_dlt(&python, &config, work.path());
    let ours = dump_sluice(&db.path, "bench_dataset");
    let theirs = dump_dlt(&python, &dlt_file, "bench_dataset");
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (table, (columns, rows)) in &theirs {
        let (our_columns, our_rows) = &ours[table];
        assert_eq!(our_columns, columns, "columns of {table}");
        assert_eq!(our_rows, rows, "rows of {table}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_benchmark_connector_makes_the_tables_dlt_makes() {
    let server = demo(450, "").await;
    assert_parity(events(server.base_url(), 100)).await;
    assert_parity(events(server.base_url(), 1000)).await;
}
