//! The hand-built connector for the demo API: the app's first-run demo, and what importing the
//! API's own description (`/openapi.json`) is checked against.

use serde_json::{json, Value};

/// The demo connector's name in the app.
pub const DEMO_CONNECTOR_NAME: &str = "Demo shop";

/// The demo connector: seed-shaped resources behind OAuth2 client credentials, with offset and
/// cursor pagination, a parent/child pair and an incremental resource.
pub fn demo_connector(base_url: &str) -> Value {
    json!({
        "client": {
            "base_url": base_url,
            "auth": {
                "type": "oauth2_client_credentials",
                "access_token_url": format!("{base_url}/oauth/token"),
                "client_id": { "$secret": "client_id" },
                "client_secret": { "$secret": "client_secret" }
            }
        },
        "resource_defaults": {
            "primary_key": "id",
            "write_disposition": "merge",
            "endpoint": { "data_selector": "data" }
        },
        "resources": [
            {
                "name": "marketing_data",
                "endpoint": {
                    "path": "/v1/marketing_data",
                    "paginator": { "type": "offset", "limit": 100 }
                }
            },
            {
                "name": "organizations",
                "endpoint": {
                    "path": "/v1/support/organizations",
                    "paginator": { "type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor" }
                }
            },
            {
                "name": "members",
                "include_from_parent": ["id"],
                "endpoint": {
                    "path": "/v1/support/organizations/{resources.organizations.id}/members",
                    "paginator": { "type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor" }
                }
            },
            {
                "name": "tickets",
                "endpoint": {
                    "path": "/v1/support/tickets",
                    "params": { "updated_since": "{incremental.start_value}" },
                    "incremental": { "cursor_path": "updated_at", "initial_value": "2020-01-01T00:00:00Z" },
                    "paginator": { "type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor" }
                }
            }
        ],
        "sluice": { "name": DEMO_CONNECTOR_NAME }
    })
}
