//! The typed connector config. Everything outside [`SluiceSettings`] is dlt's `rest_api_source`
//! dict key for key, so dropping the `sluice` key leaves a dict dlt accepts as it stands.
//!
//! Optional keys stay `None` when the user did not write them: dlt's defaults are applied by
//! whoever runs the config (see the `DEFAULT_*` constants and [`crate::merge`]), never baked into
//! the saved document, so a config round-trips exactly and exports as the user wrote it.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// A JSON object whose key order is kept (header and column order is the user's).
pub type Map<V> = IndexMap<String, V>;

/// A whole connector: dlt's `RESTAPIConfig` plus Sluice's settings under `sluice`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct ConnectorConfig {
    pub client: ClientConfig,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_defaults: Option<ResourceSettings>,
    pub resources: Vec<ResourceEntry>,
    /// Sluice's own settings; never passed to dlt (export translates them).
    #[serde(default)]
    #[ts(optional = false)]
    pub sluice: SluiceSettings,
}

// ---------------------------------------------------------------------------------------------
// Sluice extensions

/// Settings dlt's dict has no place for: the connector's name, the pipeline around the source,
/// the `rest_api_source()` keyword arguments, and the retry policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct SluiceSettings {
    /// The connector's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    #[ts(optional = false)]
    pub pipeline: PipelineSettings,
    #[serde(default)]
    #[ts(optional = false)]
    pub source: SourceSettings,
    #[serde(default)]
    #[ts(optional = false)]
    pub retry: RetryPolicy,
}

/// The `dlt.pipeline(...)` around the source; the DuckDB file and dataset it loads into.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct PipelineSettings {
    /// Default: the connector name in snake_case, else `rest_api`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline_name: Option<String>,
    /// Default (dlt's): `<pipeline_name>_dataset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset_name: Option<String>,
    /// Default (dlt's): `<pipeline_name>.duckdb` in the working directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duckdb_file: Option<String>,
}

/// The keyword arguments of `rest_api_source(config, ...)` that a saved config can hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct SourceSettings {
    /// Source (and schema) name; dlt's default is `rest_api`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_table_nesting: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_key: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelized: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_contract: Option<SchemaContract>,
}

/// How requests are made: retries of failed ones (the defaults are the ones the seed connectors
/// document; dlt's own are 5 attempts and factor 1), timeouts, and the limits that end a resource
/// against a server that never stops.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default)]
#[ts(export_to = "config/")]
pub struct RetryPolicy {
    /// HTTP statuses that are retried.
    pub statuses: Vec<u16>,
    /// Retries after the first attempt (3 → 4 attempts in all).
    pub max_retries: u32,
    /// Wait before retry n is `backoff_factor * 2^(n-1)` seconds (2, 4, 8 with factor 2).
    pub backoff_factor: f64,
    /// Cap on any single wait, including one asked for by `Retry-After`.
    pub max_delay_seconds: f64,
    /// Connect and read timeout of each request (at most an hour).
    pub request_timeout_seconds: f64,
    /// The largest answer one request may bring, in megabytes after decompression: a body past
    /// it (a gzip bomb, an endless stream) ends the resource with an error.
    pub max_response_megabytes: u64,
    /// The most pages one resource may read in a sync (each parent record's pages counted on
    /// their own); `0` means no limit. An API that hands out a new cursor forever ends here.
    pub max_pages: u64,
    /// Hosts besides the base URL's (`files.example.com`, or `host:port`) that may receive the
    /// connector's credentials. Any other host a link, a redirect or a parent record points at is
    /// sent nothing secret.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub credential_hosts: Vec<String>,
}

pub const DEFAULT_RETRY_STATUSES: [u16; 5] = [429, 500, 502, 503, 504];

/// Pages one resource may read in a sync unless the connector says otherwise.
pub const DEFAULT_MAX_PAGES: u64 = 100_000;

/// The longest request timeout a config may set: a server that never finishes an answer must
/// still end the sync.
pub const MAX_REQUEST_TIMEOUT_SECONDS: f64 = 3600.0;

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            statuses: DEFAULT_RETRY_STATUSES.to_vec(),
            max_retries: 3,
            backoff_factor: 2.0,
            max_delay_seconds: 300.0,
            request_timeout_seconds: 60.0,
            max_response_megabytes: 256,
            max_pages: DEFAULT_MAX_PAGES,
            credential_hosts: Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Values that may be references

/// A value looked up when the connector runs instead of being stored in it:
/// `{"$secret": "name"}` (an OS keychain entry; `dlt.secrets["name"]` in dlt) or
/// `{"$config": "name"}` (a non-secret run-time setting; `dlt.config["name"]` in dlt).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(untagged)]
#[ts(export_to = "config/")]
pub enum ValueRef {
    Secret {
        #[serde(rename = "$secret")]
        #[ts(rename = "$secret")]
        secret: String,
    },
    Config {
        #[serde(rename = "$config")]
        #[ts(rename = "$config")]
        config: String,
    },
}

impl ValueRef {
    pub fn secret(name: impl Into<String>) -> Self {
        ValueRef::Secret {
            secret: name.into(),
        }
    }
    pub fn config(name: impl Into<String>) -> Self {
        ValueRef::Config {
            config: name.into(),
        }
    }
    pub fn name(&self) -> &str {
        match self {
            ValueRef::Secret { secret } => secret,
            ValueRef::Config { config } => config,
        }
    }
    pub fn is_secret(&self) -> bool {
        matches!(self, ValueRef::Secret { .. })
    }
    /// Recognises `{"$secret": "name"}` / `{"$config": "name"}` inside free-form JSON
    /// (`json` bodies, params).
    pub fn from_json(value: &Value) -> Option<ValueRef> {
        let object = value.as_object()?;
        if object.len() != 1 {
            return None;
        }
        let (key, name) = object.iter().next()?;
        let name = name.as_str()?.to_owned();
        match key.as_str() {
            SECRET_KEY => Some(ValueRef::secret(name)),
            CONFIG_KEY => Some(ValueRef::config(name)),
            _ => None,
        }
    }
    pub fn to_json(&self) -> Value {
        match self {
            ValueRef::Secret { secret } => serde_json::json!({ SECRET_KEY: secret }),
            ValueRef::Config { config } => serde_json::json!({ CONFIG_KEY: config }),
        }
    }
}

pub const SECRET_KEY: &str = "$secret";
pub const CONFIG_KEY: &str = "$config";

/// Text written in the config, or a reference to a value supplied at run time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(untagged)]
#[ts(export_to = "config/")]
pub enum TextOrRef {
    Text(String),
    Ref(ValueRef),
}

impl TextOrRef {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            TextOrRef::Text(text) => Some(text),
            TextOrRef::Ref(_) => None,
        }
    }
    pub fn as_ref(&self) -> Option<&ValueRef> {
        match self {
            TextOrRef::Ref(reference) => Some(reference),
            TextOrRef::Text(_) => None,
        }
    }
}

impl From<&str> for TextOrRef {
    fn from(text: &str) -> Self {
        TextOrRef::Text(text.to_owned())
    }
}

// ---------------------------------------------------------------------------------------------
// client

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct ClientConfig {
    /// Prefix of every endpoint path; `""` when every path is a full URL.
    pub base_url: String,
    /// Sent with every request; endpoint headers win per name. No placeholders here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Map<TextOrRef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    /// Used by every resource without a paginator of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paginator: Option<Paginator>,
}

// ---------------------------------------------------------------------------------------------
// auth

/// `"bearer"` (fields come from dlt's secrets at run time) or a dict with a `type`.
// A config holds a handful of these; boxing the big variant would only make every match clumsier.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(untagged)]
#[ts(export_to = "config/")]
pub enum Auth {
    Type(AuthType),
    Config(AuthConfig),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum AuthType {
    Bearer,
    ApiKey,
    HttpBasic,
    /// Sluice also reads the seeds' `"oauth2"` as this type.
    Oauth2ClientCredentials,
}

impl AuthType {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthType::Bearer => "bearer",
            AuthType::ApiKey => "api_key",
            AuthType::HttpBasic => "http_basic",
            AuthType::Oauth2ClientCredentials => "oauth2_client_credentials",
        }
    }
    /// The fields dlt looks up in its secrets when the config leaves them out.
    pub fn secret_fields(self) -> &'static [&'static str] {
        match self {
            AuthType::Bearer => &["token"],
            AuthType::ApiKey => &["api_key"],
            AuthType::HttpBasic => &["username", "password"],
            AuthType::Oauth2ClientCredentials => {
                &["access_token_url", "client_id", "client_secret"]
            }
        }
    }
}

/// The auth dict. `"type": "oauth2"` with `token_url` (the seeds' shape, which dlt rejects) is
/// read as `oauth2_client_credentials` with `access_token_url`; it is always written in dlt's
/// names, so nothing non-dlt survives into a saved config or an export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum AuthConfig {
    Bearer(BearerAuth),
    ApiKey(ApiKeyAuth),
    HttpBasic(HttpBasicAuth),
    #[serde(alias = "oauth2")]
    Oauth2ClientCredentials(OAuth2ClientCredentials),
}

impl AuthConfig {
    pub fn auth_type(&self) -> AuthType {
        match self {
            AuthConfig::Bearer(_) => AuthType::Bearer,
            AuthConfig::ApiKey(_) => AuthType::ApiKey,
            AuthConfig::HttpBasic(_) => AuthType::HttpBasic,
            AuthConfig::Oauth2ClientCredentials(_) => AuthType::Oauth2ClientCredentials,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct BearerAuth {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<TextOrRef>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct ApiKeyAuth {
    /// Header or query parameter name; dlt's default is `Authorization`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<TextOrRef>,
    /// dlt's default is `header`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<ApiKeyLocation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum ApiKeyLocation {
    Header,
    Query,
    /// dlt's alias of `query`.
    Param,
    Cookie,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/")]
pub struct HttpBasicAuth {
    pub username: TextOrRef,
    pub password: TextOrRef,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct OAuth2ClientCredentials {
    #[serde(default, alias = "token_url", skip_serializing_if = "Option::is_none")]
    pub access_token_url: Option<TextOrRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<TextOrRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<TextOrRef>,
    /// A token to start with; dlt replaces it on the first request anyway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<TextOrRef>,
    /// Extra form fields of the token request (`scope`, `audience`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token_request_data: Option<Map<Value>>,
    /// Seconds a token lives when the token response has no `expires_in`; dlt's default 3600.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_token_expiration: Option<u64>,
    /// Sluice extension (not a dlt key): how the client authenticates to the token endpoint.
    /// Absent means `form`, dlt's only way. Export strips it from the dict and, for `basic`,
    /// passes a small subclass of dlt's `OAuth2ClientCredentials` instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_auth: Option<ClientAuth>,
}

/// How an OAuth2 client sends its `client_id` and `client_secret` to the token endpoint
/// (RFC 6749 section 2.3.1). Sluice extension.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum ClientAuth {
    /// In the form body as `client_id` and `client_secret` (dlt's behaviour, the default).
    #[default]
    Form,
    /// In an `Authorization: Basic base64(client_id:client_secret)` header.
    Basic,
}

// ---------------------------------------------------------------------------------------------
// paginators

/// `"json_link"` (that type with its defaults) or a dict with a `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(untagged)]
#[ts(export_to = "config/")]
pub enum Paginator {
    Type(PaginatorType),
    Config(PaginatorConfig),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum PaginatorType {
    /// dlt's deprecated `json_response` is read as this.
    JsonLink,
    HeaderLink,
    HeaderCursor,
    Auto,
    SinglePage,
    Cursor,
    Offset,
    PageNumber,
}

impl PaginatorType {
    pub fn as_str(self) -> &'static str {
        match self {
            PaginatorType::JsonLink => "json_link",
            PaginatorType::HeaderLink => "header_link",
            PaginatorType::HeaderCursor => "header_cursor",
            PaginatorType::Auto => "auto",
            PaginatorType::SinglePage => "single_page",
            PaginatorType::Cursor => "cursor",
            PaginatorType::Offset => "offset",
            PaginatorType::PageNumber => "page_number",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum PaginatorConfig {
    #[serde(alias = "json_response")]
    JsonLink(JsonLinkPaginator),
    HeaderLink(HeaderLinkPaginator),
    HeaderCursor(HeaderCursorPaginator),
    Auto,
    SinglePage,
    Cursor(CursorPaginator),
    Offset(OffsetPaginator),
    PageNumber(PageNumberPaginator),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct JsonLinkPaginator {
    /// JSONPath of the next page's URL in the body; default `next`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_url_path: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct HeaderLinkPaginator {
    /// `rel` of the `Link` header entry to follow; default `next`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links_next_key: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct HeaderCursorPaginator {
    /// Response header holding the cursor; default `next`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor_key: Option<String>,
    /// Query parameter the cursor is sent in; default `cursor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor_param: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct CursorPaginator {
    /// JSONPath of the cursor in the body; default `cursors.next`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor_path: Option<String>,
    /// Query parameter for the cursor (default `cursor`); not together with `cursor_body_path`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor_param: Option<String>,
    /// Dot path in the JSON request body for the cursor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor_body_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_after_empty_page: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more_path: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct OffsetPaginator {
    /// Page size and step. Required.
    pub limit: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_param: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_body_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_param: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_body_path: Option<String>,
    /// Absent: dlt's default `total`. `null`: the API reports no total.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::double_option"
    )]
    #[ts(optional = nullable, as = "Option<String>")]
    #[schemars(with = "Option<String>")]
    pub total_path: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_offset: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_after_empty_page: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more_path: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct PageNumberPaginator {
    /// Number of the first page as the API counts (0 or 1); default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_page: Option<u64>,
    /// First page to request; default `base_page`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_param: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_body_path: Option<String>,
    /// Absent: dlt's default `total` (number of pages). `null`: the API reports no total.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::double_option"
    )]
    #[ts(optional = nullable, as = "Option<String>")]
    #[schemars(with = "Option<String>")]
    pub total_path: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_page: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_after_empty_page: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more_path: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// resources

/// One element of `resources`: a bare name (`"posts"` = path `posts`) or a full resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(untagged)]
#[ts(export_to = "config/")]
pub enum ResourceEntry {
    Name(String),
    Resource(Box<Resource>),
}

impl ResourceEntry {
    pub fn name(&self) -> &str {
        match self {
            ResourceEntry::Name(name) => name,
            ResourceEntry::Resource(resource) => &resource.name,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/")]
pub struct Resource {
    /// Resource name; also the default table name and the default endpoint path.
    pub name: String,
    #[serde(flatten)]
    pub settings: ResourceSettings,
}

/// Every resource key except `name`; also the shape of `resource_defaults`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct ResourceSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<EndpointEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_disposition: Option<WriteDisposition>,
    /// Destination table; default the resource name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<ColumnNames>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge_key: Option<ColumnNames>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Columns>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_table_nesting: Option<u32>,
    /// `false`: not loaded, still usable as a parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelized: Option<bool>,
    /// Top-level parent fields copied into each child record as `_<parent>_<field>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_from_parent: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_contract: Option<SchemaContract>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_format: Option<TableFormat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_format: Option<FileFormat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_table_name: Option<String>,
    /// dlt table references, kept as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references: Option<Value>,
    /// dlt hints for nested tables, kept as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nested_hints: Option<Map<Value>>,
}

/// `"path"` or the endpoint dict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(untagged)]
#[ts(export_to = "config/")]
pub enum EndpointEntry {
    Path(String),
    Endpoint(Box<Endpoint>),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct Endpoint {
    /// Relative to `client.base_url`, or a full URL; default the resource name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<HttpMethod>,
    /// Query parameters; a value may also bind a parent field (`resolve`) or the incremental
    /// cursor (`incremental`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Map<ParamValue>>,
    /// JSON request body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<Map<Value>>,
    /// Form-encoded (object) or raw (string) request body; not together with `json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Map<TextOrRef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paginator: Option<Paginator>,
    /// JSONPath of the records in the response; auto-detected when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_selector: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_actions: Option<Vec<ResponseAction>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incremental: Option<Incremental>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/")]
pub enum HttpMethod {
    #[serde(rename = "GET")]
    Get,
    #[serde(rename = "POST")]
    Post,
}

/// A query parameter value: plain JSON (a list repeats the key; null leaves it out), a value
/// reference, or a binding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(untagged)]
#[ts(export_to = "config/")]
pub enum ParamValue {
    Bound(ParamBinding),
    Ref(ValueRef),
    Value(Value),
}

// A config holds a handful of these; boxing the big variant would only make every match clumsier.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum ParamBinding {
    /// Legacy parent/child binding: the param's `{name}` in the path takes `field` of each
    /// `resource` record.
    Resolve(ResolveParam),
    /// Deprecated incremental style: the param carries the incremental start value.
    Incremental(Incremental),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/")]
pub struct ResolveParam {
    pub resource: String,
    pub field: String,
}

/// An incremental start that moves with the calendar, a Sluice extension written in
/// `initial_value` as `{"$days_ago": 30}`: the moment 30 days before the run; with
/// `"from": "today"` counted from today's midnight (UTC) instead of now, and with
/// `"format": "date"` as the date alone. dlt code writes it as the pendulum expression that
/// means the same (`pendulum.now().subtract(days=30).isoformat()`), which is what import reads
/// and export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelativeStart {
    pub days: u32,
    pub from_today: bool,
    pub date_only: bool,
}

impl RelativeStart {
    pub const KEY: &'static str = "$days_ago";
    /// A hundred years: beyond that a fixed date says it better.
    pub const MAX_DAYS: u32 = 36_500;

    /// The relative start `value` spells, if it is one (checked by the parser).
    pub fn from_value(value: &Value) -> Option<RelativeStart> {
        let object = value.as_object()?;
        let days = u32::try_from(object.get(Self::KEY)?.as_u64()?).ok()?;
        Some(RelativeStart {
            days,
            from_today: object.get("from").and_then(Value::as_str) == Some("today"),
            date_only: object.get("format").and_then(Value::as_str) == Some("date"),
        })
    }

    pub fn to_value(self) -> Value {
        let mut object = serde_json::Map::new();
        object.insert(Self::KEY.into(), Value::from(self.days));
        if self.from_today {
            object.insert("from".into(), "today".into());
        }
        if self.date_only {
            object.insert("format".into(), "date".into());
        }
        Value::Object(object)
    }

    /// The pendulum expression dlt code writes for it.
    pub fn python(self) -> String {
        let base = if self.from_today || self.date_only {
            "pendulum.today()"
        } else {
            "pendulum.now()"
        };
        let moved = if self.days == 0 {
            base.to_owned()
        } else {
            format!("{base}.subtract(days={})", self.days)
        };
        let text = if self.date_only {
            "to_date_string"
        } else {
            "isoformat"
        };
        format!("{moved}.{text}()")
    }
}

/// `endpoint.incremental` (and the `incremental` param binding).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct Incremental {
    /// JSONPath (or plain key) of the cursor in each record.
    pub cursor_path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_value: Option<Value>,
    /// Upper bound; needs `initial_value`; makes the run stateless.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_value_func: Option<LastValueFunc>,
    /// Dedup key for rows on the boundary; `[]` turns dedup off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<ColumnNames>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_order: Option<SortOrder>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_external_schedulers: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lag: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_cursor_value_missing: Option<OnCursorValueMissing>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range_start: Option<IncrementalRange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range_end: Option<IncrementalRange>,
    /// Deprecated: query parameter that receives the start value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_param: Option<String>,
    /// Deprecated: query parameter that receives the end value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_param: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum LastValueFunc {
    Max,
    Min,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum OnCursorValueMissing {
    Raise,
    Include,
    Exclude,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum IncrementalRange {
    Open,
    Closed,
}

/// What to do with a response matching `status_code` and/or `content`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct ResponseAction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// Substring searched in the response text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<ResponseActionKind>,
}

/// Python callables cannot be saved, so `ignore` is the one action a config can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum ResponseActionKind {
    /// End this request sequence without records (no error, no further pages).
    Ignore,
}

/// One column name or several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(untagged)]
#[ts(export_to = "config/")]
pub enum ColumnNames {
    One(String),
    Many(Vec<String>),
}

impl ColumnNames {
    pub fn names(&self) -> Vec<&str> {
        match self {
            ColumnNames::One(name) => vec![name.as_str()],
            ColumnNames::Many(names) => names.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(untagged)]
#[ts(export_to = "config/")]
pub enum WriteDisposition {
    Kind(WriteDispositionKind),
    Config(WriteDispositionConfig),
}

impl WriteDisposition {
    pub fn kind(&self) -> WriteDispositionKind {
        match self {
            WriteDisposition::Kind(kind) => *kind,
            WriteDisposition::Config(config) => config.disposition,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum WriteDispositionKind {
    Append,
    Replace,
    Merge,
    Skip,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct WriteDispositionConfig {
    pub disposition: WriteDispositionKind,
    /// Only with `merge`; the destination's default (delete-insert) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<MergeStrategy>,
    /// delete-insert: drop duplicate primary keys from the staged rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deduplicated: Option<bool>,
    /// scd2: names of the valid-from / valid-to columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_column_names: Option<Vec<String>>,
    /// scd2: timestamp marking active records (null: NULL marks them).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::keep_null::deserialize"
    )]
    pub active_record_timestamp: Option<Value>,
    /// scd2: boundary timestamp of the load.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::keep_null::deserialize"
    )]
    pub boundary_timestamp: Option<Value>,
    /// scd2 / upsert: column whose value identifies a row version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_version_column_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[ts(export_to = "config/")]
pub enum MergeStrategy {
    DeleteInsert,
    Upsert,
    Scd2,
    InsertOnly,
}

impl MergeStrategy {
    pub fn as_str(self) -> &'static str {
        match self {
            MergeStrategy::DeleteInsert => "delete-insert",
            MergeStrategy::Upsert => "upsert",
            MergeStrategy::Scd2 => "scd2",
            MergeStrategy::InsertOnly => "insert-only",
        }
    }
}

/// Column hints: `{column: hints}` or a list of hints each with a `name`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(untagged)]
#[ts(export_to = "config/")]
pub enum Columns {
    Map(Map<ColumnHints>),
    List(Vec<ColumnHints>),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct ColumnHints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_type: Option<DataType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge_key: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hard_delete: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dedup_sort: Option<SortOrder>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_key: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_key: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_key: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incremental: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum DataType {
    Text,
    Double,
    Bool,
    Timestamp,
    Bigint,
    Binary,
    Json,
    Decimal,
    Wei,
    Date,
    Time,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(untagged)]
#[ts(export_to = "config/")]
pub enum SchemaContract {
    Mode(SchemaEvolutionMode),
    Settings(SchemaContractSettings),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/", optional_fields)]
pub struct SchemaContractSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tables: Option<SchemaEvolutionMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<SchemaEvolutionMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_type: Option<SchemaEvolutionMode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum SchemaEvolutionMode {
    Evolve,
    DiscardValue,
    Freeze,
    DiscardRow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum TableFormat {
    Iceberg,
    Delta,
    Hive,
    Native,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "config/")]
pub enum FileFormat {
    #[serde(rename = "preferred")]
    Preferred,
    #[serde(rename = "jsonl")]
    Jsonl,
    #[serde(rename = "typed-jsonl")]
    TypedJsonl,
    #[serde(rename = "insert_values")]
    InsertValues,
    #[serde(rename = "parquet")]
    Parquet,
    #[serde(rename = "csv")]
    Csv,
}
