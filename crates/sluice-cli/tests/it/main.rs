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
