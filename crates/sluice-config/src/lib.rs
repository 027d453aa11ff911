//! The connector config model: a dlt `rest_api_source` config plus Sluice's marked extensions.
//!
//! A connector document is dlt's dict with one extra top-level key:
//!
//! ```json
//! {
//!   "client": {...}, "resource_defaults": {...}, "resources": [...],
//!   "sluice": {"name": ..., "pipeline": {...}, "source": {...}, "retry": {...}}
//! }
//! ```
//!
//! Everything but `sluice` is dlt's own `RESTAPIConfig`, so paths in problems are the paths of
//! dlt's dict (`resources[2].endpoint.paginator.limit`) and export only has to drop or
//! translate `sluice`. See `README.md` in this crate for the reasoning.
//!
//! Entry points:
//! * [`from_json`], [`from_yaml`], [`from_value`]: load a saved connector, strictly (all problems
//!   or a config that passed every check);
//! * [`check_value`]: every problem of a JSON value, for live validation in the UI;
//! * [`import()`] / [`import_all()`]: read JSON, YAML, dlt Python code (every source in it) or markdown, taking secret values out;
//! * [`export()`] and the `to_*` methods on [`ConnectorConfig`];
//! * [`ConnectorConfig::resolved_resources`]: resources with `resource_defaults` applied.

mod base_url;
pub mod bindings;
mod error;
pub mod export;
pub mod import;
mod json_path;
mod literal_secrets;
pub mod merge;
mod model;
mod parse;
mod problem;
pub mod records;
mod serde_util;
mod suggest;
mod validate;
mod warnings;

use serde_json::Value;

pub use base_url::base_url_problem;
pub use error::{Error, Result};
pub use export::{
    env_name, export, pipeline_name_for, pipeline_name_of, Destination, ExportFormat,
};
pub use import::openapi::{looks_like_openapi, ApiOperation, ApiOperations, OperationChoice};
pub use import::{
    import, import_all, import_for_editing, openapi_operations, Draft, FoundSecret, Import,
    ImportFormat, ImportOptions, Imported, MAX_IMPORT_BYTES,
};
pub use json_path::{parse_json_path, JsonPath};
pub use literal_secrets::move_literal_secrets;
pub use merge::{resolve_resource, ResolvedResource};
pub use model::*;
pub use problem::{Problem, ProblemKind};
pub use records::detect_data_selector;

/// Every problem of a config given as JSON: structure, unknown keys, cross-field checks, and
/// secret values typed where only a reference may stand (found even where the rest does not
/// parse), followed by the warnings ([`Problem::is_warning`]) of what parsed.
pub fn check_value(value: &Value) -> Vec<Problem> {
    let (config, mut problems) = read_checked(value);
    if let Some(config) = config {
        problems.extend(config.warnings());
    }
    problems
}

/// Loads a saved connector: the config if it passes every check, else all the problems.
pub fn from_value(value: &Value) -> Result<ConnectorConfig> {
    match read_checked(value) {
        (Some(config), problems) if problems.is_empty() => Ok(config),
        (_, problems) => Err(Error::Invalid(problems)),
    }
}

/// The config as far as it reads, and every problem found on the way.
fn read_checked(value: &Value) -> (Option<ConnectorConfig>, Vec<Problem>) {
    let mut reader = parse::Reader::new();
    let config = parse::read_config(&mut reader, value);
    let mut problems = reader.problems;
    // The readers drop what they could not read instead of guessing a value, so the cross-field
    // checks on what remains do not echo the problems above; running them too means one pass
    // shows the user everything.
    if let Some(config) = &config {
        problems.extend(config.validate());
    }
    problems.extend(literal_secrets::find(value));
    (config, problems)
}

pub fn from_json(text: &str) -> Result<ConnectorConfig> {
    from_value(&import::read_json(text)?)
}

pub fn from_yaml(text: &str) -> Result<ConnectorConfig> {
    from_value(&import::read_yaml(text)?)
}
