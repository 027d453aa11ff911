//! Generated artifacts for the UI: TypeScript types (ts-rs) and a JSON Schema (schemars) of the
//! connector document, built from the Rust model so a renamed field breaks the UI build.
//! The committed copies live in `ui/src/bindings/`; the `bindings` test fails when they drift.

use std::collections::BTreeMap;
use std::path::Path;

use ts_rs::TS;

use crate::error::{Error, Result};

/// Where the generated files live, relative to the repository root.
pub const BINDINGS_DIR: &str = "ui/src/bindings";
pub const SCHEMA_FILE: &str = "connector.schema.json";

/// The JSON Schema of a connector document, pretty-printed.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(crate::ConnectorConfig);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

fn export_error(message: impl ToString) -> Error {
    Error::Export {
        format: "TypeScript",
        message: message.to_string(),
    }
}

/// Every generated file, relative path → content, written through a scratch directory because
/// ts-rs resolves imports between files only when it writes them.
pub fn generate(scratch: &Path) -> Result<BTreeMap<String, String>> {
    let cfg = ts_rs::Config::new()
        .with_out_dir(scratch)
        // The model's integers are small; `number` is what the UI works with.
        .with_large_int("number");
    crate::ConnectorConfig::export_all(&cfg).map_err(export_error)?;
    crate::Problem::export_all(&cfg).map_err(export_error)?;
    crate::ImportFormat::export_all(&cfg).map_err(export_error)?;
    crate::ExportFormat::export_all(&cfg).map_err(export_error)?;
    crate::FoundSecret::export_all(&cfg).map_err(export_error)?;
    crate::ApiOperations::export_all(&cfg).map_err(export_error)?;
    crate::Destination::export_all(&cfg).map_err(export_error)?;
    let mut files = BTreeMap::new();
    collect(scratch, scratch, &mut files)?;
    files.insert(SCHEMA_FILE.to_owned(), json_schema());
    Ok(files)
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, String>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(export_error)?;
    for entry in entries {
        let path = entry.map_err(export_error)?.path();
        if path.is_dir() {
            collect(root, &path, files)?;
        } else {
            let relative = path
                .strip_prefix(root)
                .map_err(export_error)?
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).map_err(export_error)?;
            files.insert(relative, text);
        }
    }
    Ok(())
}
