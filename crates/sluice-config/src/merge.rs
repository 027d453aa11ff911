//! `resource_defaults` merged into each resource, by dlt's rules (`_make_endpoint_resource`,
//! `_merge_resource_endpoints`):
//! * a bare name `"posts"` is `{"name": "posts", "endpoint": {"path": "posts"}}`;
//! * a missing endpoint is `{}`, a string endpoint is `{"path": ...}`, and a missing path is the
//!   resource name; all of this happens *before* the merge, so a default `path` never applies;
//! * resource keys replace default keys whole, except `endpoint` and `columns`;
//! * endpoint keys replace default keys whole, except `params` and `json`, merged one level deep;
//! * `columns` on both sides are merged column by column, hint by hint.

use serde_json::Value;

use crate::model::*;

/// A resource with the defaults applied and the shorthands expanded: the endpoint is always the
/// full dict and always has a path. This is what an engine runs.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedResource {
    pub name: String,
    pub endpoint: Endpoint,
    /// The merged resource keys; `settings.endpoint` is `None` (see `endpoint`).
    pub settings: ResourceSettings,
}

impl ResolvedResource {
    /// The path, which resolution always sets.
    pub fn path(&self) -> &str {
        self.endpoint.path.as_deref().unwrap_or(&self.name)
    }
    /// Destination table: `table_name`, else the resource name.
    pub fn table_name(&self) -> &str {
        self.settings.table_name.as_deref().unwrap_or(&self.name)
    }
}

fn to_object<T: serde::Serialize>(value: &T) -> serde_json::Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(object)) => object,
        _ => serde_json::Map::new(),
    }
}

fn endpoint_object(entry: Option<&EndpointEntry>) -> serde_json::Map<String, Value> {
    match entry {
        None => serde_json::Map::new(),
        Some(EndpointEntry::Path(path)) => {
            let mut object = serde_json::Map::new();
            object.insert("path".into(), Value::String(path.clone()));
            object
        }
        Some(EndpointEntry::Endpoint(endpoint)) => to_object(endpoint.as_ref()),
    }
}

fn columns_by_name(columns: &Columns) -> serde_json::Map<String, Value> {
    match columns {
        Columns::Map(map) => map
            .iter()
            .map(|(name, hints)| (name.clone(), Value::Object(to_object(hints))))
            .collect(),
        Columns::List(list) => list
            .iter()
            .filter_map(|hints| {
                let name = hints.name.clone()?;
                Some((name, Value::Object(to_object(hints))))
            })
            .collect(),
    }
}

fn merge_columns(defaults: &Columns, resource: &Columns) -> Value {
    let mut merged = columns_by_name(defaults);
    for (name, hints) in columns_by_name(resource) {
        match (merged.get_mut(&name), hints) {
            (Some(Value::Object(existing)), Value::Object(hints)) => {
                for (hint, value) in hints {
                    existing.insert(hint, value);
                }
            }
            (_, hints) => {
                merged.insert(name, hints);
            }
        }
    }
    Value::Object(merged)
}

/// Applies `defaults` to one resource entry.
pub fn resolve_resource(
    entry: &ResourceEntry,
    defaults: Option<&ResourceSettings>,
) -> ResolvedResource {
    let (name, own) = match entry {
        ResourceEntry::Name(name) => (name.clone(), ResourceSettings::default()),
        ResourceEntry::Resource(resource) => (resource.name.clone(), resource.settings.clone()),
    };
    let mut own_endpoint = endpoint_object(own.endpoint.as_ref());
    own_endpoint
        .entry("path")
        .or_insert_with(|| Value::String(name.clone()));

    let empty = ResourceSettings::default();
    let defaults = defaults.unwrap_or(&empty);
    let mut endpoint = endpoint_object(defaults.endpoint.as_ref());
    for (key, value) in own_endpoint {
        match (key.as_str(), endpoint.get_mut(&key), value) {
            ("params" | "json", Some(Value::Object(base)), Value::Object(extra)) => {
                for (k, v) in extra {
                    base.insert(k, v);
                }
            }
            (_, _, value) => {
                endpoint.insert(key, value);
            }
        }
    }

    let mut settings = to_object(defaults);
    let own_object = to_object(&own);
    for (key, value) in own_object {
        settings.insert(key, value);
    }
    if let (Some(d), Some(r)) = (&defaults.columns, &own.columns) {
        settings.insert("columns".into(), merge_columns(d, r));
    }
    settings.remove("endpoint");

    // Both halves came from the model's own serialization, so reading them back cannot fail;
    // the defaults are a harmless fallback should that ever change.
    let endpoint: Endpoint = serde_json::from_value(Value::Object(endpoint)).unwrap_or_default();
    let settings: ResourceSettings =
        serde_json::from_value(Value::Object(settings)).unwrap_or_default();
    ResolvedResource {
        name,
        endpoint,
        settings,
    }
}

impl ConnectorConfig {
    /// Every resource with `resource_defaults` applied, in the order written.
    pub fn resolved_resources(&self) -> Vec<ResolvedResource> {
        self.resources
            .iter()
            .map(|entry| resolve_resource(entry, self.resource_defaults.as_ref()))
            .collect()
    }

    /// The paginator a resource starts with: its own (after defaults), else the client's.
    /// `None` means auto-detection. (The single-entity rule is the engine's business.)
    pub fn effective_paginator<'a>(
        &'a self,
        resource: &'a ResolvedResource,
    ) -> Option<&'a Paginator> {
        resource
            .endpoint
            .paginator
            .as_ref()
            .or(self.client.paginator.as_ref())
    }

    /// The auth a resource uses: its endpoint's, else the client's.
    pub fn effective_auth<'a>(&'a self, resource: &'a ResolvedResource) -> Option<&'a Auth> {
        resource
            .endpoint
            .auth
            .as_ref()
            .or(self.client.auth.as_ref())
    }
}
