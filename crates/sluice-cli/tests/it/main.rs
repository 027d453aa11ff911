//! The `sluice` binary as a user runs it, against the demo API on loopback.

// Helpers of these tests unwrap as the tests do: a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod kill;
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
