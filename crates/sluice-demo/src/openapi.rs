//! `GET /openapi.json`: the demo API described as OpenAPI 3.1, so importing the description
//! can be checked against the hand-built demo connector. It describes what the endpoints do
//! (paging parameters, answer properties, security); the record schemas name the properties
//! whose types it states and leave the rest open, as many published specs do.

use std::sync::Arc;

use axum::{extract::State, response::Response};
use serde_json::{json, Value};

use crate::auth::{API_KEY_QUERY_PARAM, TOKEN_PATH};
use crate::server::DemoState;

pub(crate) async fn document(State(state): State<Arc<DemoState>>) -> Response {
    crate::http::json(describe(&state.base_url).to_string())
}

/// The description of the demo API served at `base_url`.
pub fn describe(base_url: &str) -> Value {
    let oauth2 = json!([{ "oauth2": [] }]);
    let none = json!([]);
    let cursor_list = |tag: &str,
                       summary: &str,
                       schema: &str,
                       extra: Vec<Value>,
                       security: &Value| {
        let mut parameters = vec![
            json!({ "$ref": "#/components/parameters/cursor" }),
            json!({ "$ref": "#/components/parameters/limit" }),
        ];
        parameters.extend(extra);
        json!({ "get": {
            "tags": [tag], "summary": summary, "security": security, "parameters": parameters,
            "responses": { "200": { "description": "A page", "content": { "application/json": { "schema": {
                "type": "object",
                "properties": {
                    "data": { "type": "array", "items": { "$ref": format!("#/components/schemas/{schema}") } },
                    "next_cursor": { "type": ["string", "null"], "description": "null on the last page" }
                }
            } } } } }
        } })
    };
    let offset_list = |tag: &str, summary: &str, schema: &str, security: &Value| {
        json!({ "get": {
            "tags": [tag], "summary": summary, "security": security,
            "parameters": [
                { "$ref": "#/components/parameters/offset" },
                { "$ref": "#/components/parameters/limit" }
            ],
            "responses": { "200": { "description": "A page", "content": { "application/json": { "schema": {
                "allOf": [
                    { "$ref": "#/components/schemas/OffsetPage" },
                    { "type": "object", "properties": {
                        "data": { "type": "array", "items": { "$ref": format!("#/components/schemas/{schema}") } }
                    } }
                ]
            } } } } }
        } })
    };
    let id_param =
        json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } });
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Sluice demo API", "version": "1.0.0" },
        "servers": [{ "url": base_url }],
        "paths": {
            "/v1/marketing_data": offset_list("marketing", "Marketing events", "MarketingEvent", &oauth2),
            "/v1/support/organizations": cursor_list("support", "Organizations", "Organization", vec![], &oauth2),
            "/v1/support/organizations/{id}/members": cursor_list("support", "An organization's members", "Member", vec![id_param.clone()], &oauth2),
            "/v1/support/tickets": cursor_list("support", "Tickets, oldest change first", "Ticket", vec![json!({
                "name": "updated_since", "in": "query",
                "description": "Only tickets updated at or after this time",
                "schema": { "type": "string", "format": "date-time" }
            })], &oauth2),
            "/v1/support/tickets/{id}/comments": { "get": {
                "tags": ["support"], "summary": "A ticket's comments", "security": oauth2,
                "parameters": [id_param],
                "responses": { "200": { "description": "Every comment", "content": { "application/json": { "schema": {
                    "type": "object",
                    "properties": { "data": { "type": "array", "items": { "type": "object" } } }
                } } } } }
            } },
            "/v1/support/brands": cursor_list("support", "Brands", "Named", vec![], &oauth2),
            "/v1/support/groups": cursor_list("support", "Groups", "Named", vec![], &oauth2),
            "/paging/offset": offset_list("paging", "Marketing events by offset", "MarketingEvent", &none),
            "/paging/cursor": cursor_list("paging", "Marketing events by cursor", "MarketingEvent", vec![], &none),
            "/paging/page_number": { "get": {
                "tags": ["paging"], "summary": "Marketing events by page number", "security": none,
                "parameters": [
                    { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 0, "default": 0 } },
                    { "name": "page_size", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 1000, "default": 100 } }
                ],
                "responses": { "200": { "description": "A page", "content": { "application/json": { "schema": {
                    "type": "object",
                    "properties": {
                        "data": { "type": "array", "items": { "$ref": "#/components/schemas/MarketingEvent" } },
                        "page": { "type": "integer" },
                        "total_pages": { "type": "integer" }
                    }
                } } } } }
            } },
            "/paging/json_link": { "get": {
                "tags": ["paging"], "summary": "Marketing events by next link", "security": none,
                "parameters": [{ "$ref": "#/components/parameters/limit" }],
                "responses": { "200": { "description": "A page", "content": { "application/json": { "schema": {
                    "type": "object",
                    "properties": {
                        "data": { "type": "array", "items": { "$ref": "#/components/schemas/MarketingEvent" } },
                        "next": { "type": ["string", "null"], "format": "uri-reference" }
                    }
                } } } } }
            } },
            "/health": { "get": {
                "summary": "Whether the API is up", "security": none,
                "responses": { "200": { "description": "Up", "content": { "application/json": { "schema": {
                    "type": "object", "properties": { "status": { "type": "string" } }
                } } } } }
            } }
        },
        "components": {
            "securitySchemes": {
                "oauth2": { "type": "oauth2", "flows": { "clientCredentials": {
                    "tokenUrl": format!("{base_url}{TOKEN_PATH}"), "scopes": {}
                } } },
                "api_key": { "type": "apiKey", "in": "query", "name": API_KEY_QUERY_PARAM }
            },
            "parameters": {
                "offset": { "name": "offset", "in": "query", "schema": { "type": "integer", "minimum": 0, "default": 0 } },
                "limit": { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 1000, "default": 100 } },
                "cursor": { "name": "cursor", "in": "query", "schema": { "type": "string" } }
            },
            "schemas": {
                "OffsetPage": { "type": "object", "properties": {
                    "total": { "type": "integer" }, "offset": { "type": "integer" }, "limit": { "type": "integer" }
                } },
                "MarketingEvent": { "type": "object", "properties": {
                    "id": { "type": "integer" },
                    "customer_id": { "type": "string" },
                    "event_type": { "type": "string" },
                    "occurredAt": { "type": "string", "format": "date-time" }
                } },
                "Organization": { "type": "object", "properties": {
                    "id": { "type": "integer" },
                    "name": { "type": "string" },
                    "group_id": { "type": ["integer", "null"] },
                    "members_count": { "type": "integer" },
                    "created_at": { "type": "string", "format": "date-time" }
                } },
                "Member": { "type": "object", "properties": {
                    "id": { "type": "integer" },
                    "organization_id": { "type": "integer" },
                    "email": { "type": "string" },
                    "joined_at": { "type": "string", "format": "date-time" }
                } },
                "Ticket": { "type": "object", "properties": {
                    "id": { "type": "integer" },
                    "subject": { "type": "string" },
                    "status": { "type": "string" },
                    "created_at": { "type": "string", "format": "date-time" },
                    "updated_at": { "type": "string", "format": "date-time" }
                } },
                "Named": { "type": "object", "properties": {
                    "id": { "type": "integer" }, "name": { "type": "string" }
                } }
            }
        }
    })
}
