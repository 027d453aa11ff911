//! Integration tests of sluice-config, one binary (see the crate's `autotests = false`).

mod bindings;
mod corpus;
mod dlt;
mod dlt_code;
mod fuzz;
mod har;
mod hostile;
mod merge;
mod openapi;
mod postman;
mod secrets;
mod seeds;

use std::path::{Path, PathBuf};

/// The repository root (two levels above this crate).
pub fn repo_root() -> PathBuf {
    crate_dir()
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// The seed documents: `SLUICE_SEEDS_DIR`, else the copies the repository keeps in `tests/seeds`
/// (a clone must pass with nothing beside it).
pub fn seeds_dir() -> PathBuf {
    match std::env::var_os("SLUICE_SEEDS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => repo_root().join("tests/seeds"),
    }
}

/// This crate's folder in the checkout being tested. Cargo sets `CARGO_MANIFEST_DIR` when it runs
/// a test too; that one wins over the path compiled in, because a target folder shared by two
/// clones (CI's and a developer's) reuses a test binary built in the other clone.
pub fn crate_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

/// Files of a directory, sorted, for stable test output.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}
