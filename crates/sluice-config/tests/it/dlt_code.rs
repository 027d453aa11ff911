//! The dlt-code corpus: modules written the way dlt users write them (`@dlt.source` functions,
//! dlt's auth and paginator classes, callables, several sources, conditional auth), each next to
//! `<name>.expected.json`, the connectors it imports to: their saved form, the secrets found and
//! every problem with its field.
//!
//! `SLUICE_BLESS=1` rewrites the expectations from what the importer produces now; read the diff
//! before committing it.

use std::path::Path;

use serde_json::{json, Value};
use sluice_config::{import_all, ImportFormat, ImportOptions};

use crate::{crate_dir, files_in};

pub fn modules() -> Vec<std::path::PathBuf> {
    files_in(&crate_dir().join("tests/corpus/dlt_code"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect()
}

/// What a module imports to, in the form its expectation file holds.
pub fn imported(path: &Path) -> Vec<sluice_config::Imported> {
    let text = std::fs::read_to_string(path).expect("readable");
    let options = ImportOptions {
        format: Some(ImportFormat::Python),
        fallback_name: path.file_stem().map(|s| s.to_string_lossy().into_owned()),
        ..ImportOptions::default()
    };
    import_all(&text, &options).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn described(path: &Path) -> Value {
    let connectors: Vec<Value> = imported(path)
        .into_iter()
        .map(|imported| {
            json!({
                "config": serde_json::to_value(&imported.config).expect("json"),
                "found_secrets": imported.found_secrets.iter().map(|s| &s.name).collect::<Vec<_>>(),
                "problems": imported.problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
            })
        })
        .collect();
    Value::Array(connectors)
}

#[test]
fn dlt_code_imports_to_the_expected_connectors_and_problems() {
    let modules = modules();
    assert!(
        modules.len() >= 25,
        "the corpus has {} modules",
        modules.len()
    );
    let bless = std::env::var_os("SLUICE_BLESS").is_some();
    let mut wrong = Vec::new();
    for path in modules {
        let got = described(&path);
        let expected_path = path.with_extension("expected.json");
        if bless {
            let text = serde_json::to_string_pretty(&got).expect("json") + "\n";
            std::fs::write(&expected_path, text).expect("write expectation");
            continue;
        }
        let expected: Value = std::fs::read_to_string(&expected_path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_else(|| panic!("{} is missing or not JSON", expected_path.display()));
        if got != expected {
            wrong.push(format!(
                "{}:\n{}",
                path.display(),
                serde_json::to_string_pretty(&got).expect("json")
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
