//! The TypeScript types and JSON Schema in `ui/src/bindings/` match the Rust model.
//! Run `UPDATE_BINDINGS=1 cargo test -p sluice-config bindings` to regenerate them.

use std::path::Path;

use sluice_config::bindings::{generate, BINDINGS_DIR};

use crate::repo_root;

/// Generated files this crate owns under `ui/src/bindings/`: the `config/` folder and the schema.
fn owned_files(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir.join("config")) {
        for entry in entries.flatten() {
            files.push(format!("config/{}", entry.file_name().to_string_lossy()));
        }
    }
    files
}

#[test]
fn committed_bindings_match_the_model() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let generated = generate(scratch.path()).expect("generate bindings");
    let target = repo_root().join(BINDINGS_DIR);
    let update = std::env::var("UPDATE_BINDINGS").as_deref() == Ok("1");

    let mut drift = Vec::new();
    for (relative, content) in &generated {
        let path = target.join(relative);
        let committed = std::fs::read_to_string(&path).ok();
        if committed.as_deref() == Some(content.as_str()) {
            continue;
        }
        if update {
            std::fs::create_dir_all(path.parent().expect("parent")).expect("create dir");
            std::fs::write(&path, content).expect("write binding");
        } else {
            drift.push(format!("{BINDINGS_DIR}/{relative} differs"));
        }
    }
    for stale in owned_files(&target) {
        if !generated.contains_key(&stale) {
            if update {
                std::fs::remove_file(target.join(&stale)).expect("remove stale binding");
            } else {
                drift.push(format!("{BINDINGS_DIR}/{stale} is no longer generated"));
            }
        }
    }
    assert!(
        drift.is_empty(),
        "generated UI bindings drifted from the Rust model:\n  {}\nrun `UPDATE_BINDINGS=1 cargo test -p sluice-config bindings` to update",
        drift.join("\n  ")
    );
}
