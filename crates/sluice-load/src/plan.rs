//! From a connector's resource to the plan of the tables it loads into.

use indexmap::IndexMap;
use sluice_config::{Columns, ConnectorConfig, ResolvedResource};

use crate::error::{Error, Result};
use crate::naming::normalize_identifier;
use crate::normalize::{TablePlan, DEFAULT_MAX_NESTING};
use crate::schema::Disposition;

/// dlt's default source (and schema) name.
pub const DEFAULT_SOURCE_NAME: &str = "rest_api";

/// The source name: the schema name in `_dlt_version` and the state's `sources` key.
pub fn source_name(config: &ConnectorConfig) -> String {
    config
        .sluice
        .source
        .name
        .clone()
        .unwrap_or_else(|| DEFAULT_SOURCE_NAME.to_owned())
}

/// The dataset (DuckDB schema) name, normalized as dlt normalizes it.
pub fn dataset_name(config: &ConnectorConfig, chosen: Option<&str>) -> String {
    normalize_identifier(
        chosen
            .map_or_else(|| config.effective_dataset_name(), str::to_owned)
            .as_str(),
    )
}

pub fn table_plan(config: &ConnectorConfig, resource: &ResolvedResource) -> Result<TablePlan> {
    let settings = &resource.settings;
    let unsupported = |message: String| Error::Unsupported {
        resource: resource.name.clone(),
        message,
    };
    let disposition = match &settings.write_disposition {
        None => Disposition::Append,
        Some(disposition) => {
            let strategy = match disposition {
                sluice_config::WriteDisposition::Config(c) => c.strategy.map(|s| s.as_str()),
                sluice_config::WriteDisposition::Kind(_) => None,
            };
            Disposition::from_config(disposition.kind(), strategy).ok_or_else(|| {
                unsupported(format!(
                    "the merge strategy `{}` is not supported yet; use delete-insert, upsert or insert-only",
                    strategy.unwrap_or_default()
                ))
            })?
        }
    };
    let mut hints = IndexMap::new();
    match &settings.columns {
        Some(Columns::Map(map)) => {
            for (name, hint) in map {
                hints.insert(normalize_identifier(name), hint.clone());
            }
        }
        Some(Columns::List(list)) => {
            for hint in list {
                if let Some(name) = &hint.name {
                    hints.insert(normalize_identifier(name), hint.clone());
                }
            }
        }
        None => {}
    }
    let mut primary_key: Vec<String> = settings
        .primary_key
        .as_ref()
        .map(|k| k.names().into_iter().map(normalize_identifier).collect())
        .unwrap_or_default();
    for (name, hint) in &hints {
        if hint.primary_key == Some(true) && !primary_key.contains(name) {
            primary_key.push(name.clone());
        }
    }
    let merge_key = settings
        .merge_key
        .as_ref()
        .map(|k| k.names().into_iter().map(normalize_identifier).collect())
        .unwrap_or_default();
    if matches!(disposition, Disposition::Upsert | Disposition::InsertOnly)
        && primary_key.is_empty()
    {
        return Err(unsupported(
            "merge with upsert or insert-only needs a primary key".into(),
        ));
    }
    Ok(TablePlan {
        resource: resource.name.clone(),
        table: normalize_identifier(resource.table_name()),
        max_nesting: settings
            .max_table_nesting
            .or(config.sluice.source.max_table_nesting)
            .unwrap_or(DEFAULT_MAX_NESTING),
        disposition,
        primary_key,
        merge_key,
        hints,
        root_key: config.sluice.source.root_key.unwrap_or(false),
    })
}
