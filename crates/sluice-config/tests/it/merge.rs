//! `resource_defaults` merge into resources by dlt's rules (`_merge_resource_endpoints`).

use serde_json::json;
use sluice_config::{from_value, ColumnNames, ParamValue, TextOrRef, WriteDisposition};

#[test]
fn defaults_merge_like_dlt() {
    let config = from_value(&json!({
        "client": {"base_url": "https://api.example.com"},
        "resource_defaults": {
            "primary_key": "id",
            "write_disposition": "merge",
            "columns": {"id": {"data_type": "bigint"}, "name": {"data_type": "text"}},
            "endpoint": {
                "params": {"per_page": 100, "sort": "asc"},
                "json": {"a": 1},
                "headers": {"X-Default": "1"},
                "paginator": "json_link",
                "data_selector": "data"
            }
        },
        "resources": [
            "users",
            {
                "name": "teams",
                "write_disposition": "append",
                "columns": [{"name": "id", "nullable": false}, {"name": "slug", "data_type": "text"}],
                "endpoint": {
                    "path": "orgs/teams",
                    "params": {"sort": "desc"},
                    "json": {"b": 2},
                    "headers": {"X-Own": "2"}
                }
            },
            {"name": "bare"}
        ]
    }))
    .expect("valid");
    let resolved = config.resolved_resources();

    // A string resource: its name is the path; everything else comes from the defaults.
    let users = &resolved[0];
    assert_eq!(users.path(), "users");
    assert_eq!(
        users.settings.primary_key,
        Some(ColumnNames::One("id".into()))
    );
    assert_eq!(users.endpoint.data_selector.as_deref(), Some("data"));
    assert_eq!(users.table_name(), "users");

    // params and json merge one level deep, the resource winning; headers are replaced whole.
    let teams = &resolved[1];
    assert_eq!(teams.path(), "orgs/teams");
    let params = teams.endpoint.params.as_ref().expect("params");
    assert_eq!(params["per_page"], ParamValue::Value(json!(100)));
    assert_eq!(params["sort"], ParamValue::Value(json!("desc")));
    let body = teams.endpoint.json.as_ref().expect("json");
    assert_eq!((body["a"].clone(), body["b"].clone()), (json!(1), json!(2)));
    let headers = teams.endpoint.headers.as_ref().expect("headers");
    assert_eq!(headers.get("X-Own"), Some(&TextOrRef::from("2")));
    assert!(!headers.contains_key("X-Default"));
    // Resource keys replace the defaults' whole.
    assert_eq!(
        teams.settings.write_disposition,
        Some(WriteDisposition::Kind(
            sluice_config::WriteDispositionKind::Append
        ))
    );
    // Columns merge column by column, hint by hint.
    let columns = serde_json::to_value(&teams.settings.columns).expect("json");
    assert_eq!(
        columns,
        json!({"id": {"name": "id", "data_type": "bigint", "nullable": false},
               "name": {"data_type": "text"},
               "slug": {"name": "slug", "data_type": "text"}})
    );

    // A dict resource without an endpoint gets path = name before the merge.
    assert_eq!(resolved[2].path(), "bare");
    assert!(resolved[2].endpoint.paginator.is_some());
}
