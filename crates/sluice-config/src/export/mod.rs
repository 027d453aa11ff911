//! Export to a runnable dlt pipeline script, `.dlt/secrets.toml` and `.dlt/config.toml`
//! templates, JSON and YAML.
//!
//! The dlt script uses only dlt's own names: the model already writes the `oauth2` alias as
//! `oauth2_client_credentials` / `access_token_url`, `{"$secret": n}` becomes
//! `dlt.secrets["n"]`, `{"$config": n}` becomes `dlt.config["n"]`, and the retry policy becomes
//! dlt's `[runtime]` settings, set as environment defaults at the top of the script so the one
//! file is enough (`export_config_toml` writes the same settings for a `.dlt/config.toml`).

mod destination;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use destination::Destination;

use crate::error::{Error, Result};
use crate::model::*;

/// The formats a connector exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export_to = "config/")]
pub enum ExportFormat {
    /// A Python script running the connector with dlt into DuckDB.
    Dlt,
    Json,
    Yaml,
    /// `.dlt/secrets.toml` with every secret's key path and no values.
    SecretsToml,
    /// `.dlt/config.toml` with the retry policy as `[runtime]` settings.
    ConfigToml,
}

/// Writes the config in `format`; the dlt script and its `secrets.toml` load into
/// `destination` (the others do not name one).
pub fn export(
    config: &ConnectorConfig,
    format: ExportFormat,
    destination: Destination,
) -> Result<String> {
    match format {
        ExportFormat::Dlt => Ok(config.dlt_script(destination)),
        ExportFormat::Json => config.to_json_string(),
        ExportFormat::Yaml => config.to_yaml_string(),
        ExportFormat::SecretsToml => Ok(config.secrets_toml(destination)),
        ExportFormat::ConfigToml => Ok(config.to_config_toml()),
    }
}

/// The pipeline name of a config document whether or not it parses (the app's store keeps
/// half-filled documents): the same rule as [`ConnectorConfig::effective_pipeline_name`].
pub fn pipeline_name_of(document: &Value) -> String {
    let sluice = document.get("sluice");
    let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_owned);
    pipeline_name_from(
        text(
            sluice
                .and_then(|s| s.get("pipeline"))
                .and_then(|p| p.get("pipeline_name")),
        )
        .as_deref(),
        text(sluice.and_then(|s| s.get("name"))).as_deref(),
    )
}

/// A pipeline name made from a display name ("Marketing data!" → `marketing_data`): lower-case
/// ASCII letters, digits and `_`, never starting with a digit, so dlt takes it as it is and the
/// default DuckDB file and dataset named after it are plain file and schema names.
pub fn pipeline_name_for(display_name: &str) -> String {
    crate::import::snake_name(display_name)
}

fn pipeline_name_from(explicit: Option<&str>, name: Option<&str>) -> String {
    explicit
        .map(str::to_owned)
        .or_else(|| name.map(pipeline_name_for))
        .unwrap_or_else(|| "rest_api".to_owned())
}

impl ConnectorConfig {
    /// dlt's source name: `sluice.source.name`, else dlt's default `rest_api`.
    pub fn effective_source_name(&self) -> String {
        self.sluice
            .source
            .name
            .clone()
            .unwrap_or_else(|| "rest_api".to_owned())
    }

    /// dlt's pipeline name: `sluice.pipeline.pipeline_name`, else made from `sluice.name`, else
    /// dlt's default `rest_api`.
    pub fn effective_pipeline_name(&self) -> String {
        pipeline_name_from(
            self.sluice.pipeline.pipeline_name.as_deref(),
            self.sluice.name.as_deref(),
        )
    }

    /// dlt's default dataset is `<pipeline_name>_dataset`.
    pub fn effective_dataset_name(&self) -> String {
        self.sluice
            .pipeline
            .dataset_name
            .clone()
            .unwrap_or_else(|| format!("{}_dataset", self.effective_pipeline_name()))
    }

    /// dlt's default DuckDB file is `<pipeline_name>.duckdb` in the working directory.
    pub fn effective_duckdb_file(&self) -> String {
        self.sluice
            .pipeline
            .duckdb_file
            .clone()
            .unwrap_or_else(|| format!("{}.duckdb", self.effective_pipeline_name()))
    }

    /// The dict dlt's `rest_api_source` takes: the config without Sluice's settings and without
    /// the Sluice extension `client_auth` of OAuth2 auths (dlt rejects unknown keys; the script
    /// keeps its behaviour another way, see [`ConnectorConfig::to_dlt_script`]).
    pub fn dlt_dict(&self) -> Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.remove("sluice");
        }
        for_each_auth(&mut value, |auth| {
            if let Some(object) = auth.as_object_mut() {
                object.shift_remove("client_auth");
            }
        });
        value
    }

    /// The dict as the script writes it: like [`ConnectorConfig::dlt_dict`], but an OAuth2 auth
    /// with `client_auth: basic` becomes an instance of the script's [`BASIC_OAUTH2_CLASS`].
    /// Returns whether that class is used.
    fn script_dict(&self) -> (Py, bool) {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.remove("sluice");
        }
        let mut uses_basic = false;
        let tree = Py::build(value, &mut Vec::new(), &mut |path, auth| {
            if !is_auth_path(path) {
                return None;
            }
            let mut object = auth.as_object()?.clone();
            let basic = object.shift_remove("client_auth") == Some(Value::String("basic".into()));
            if !(basic && object.get("type") == Some(&Value::String(OAUTH2_TYPE.into()))) {
                return Some(Py::from_json(Value::Object(object)));
            }
            uses_basic = true;
            object.shift_remove("type");
            Some(Py::Call {
                class: BASIC_OAUTH2_CLASS,
                kwargs: object
                    .into_iter()
                    .map(|(key, value)| (key, Py::from_json(value)))
                    .collect(),
            })
        });
        (tree, uses_basic)
    }

    pub fn to_json_string(&self) -> Result<String> {
        serde_json::to_string_pretty(self)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .map_err(|e| Error::Export {
                format: "JSON",
                message: e.to_string(),
            })
    }

    pub fn to_yaml_string(&self) -> Result<String> {
        serde_norway::to_string(self).map_err(|e| Error::Export {
            format: "YAML",
            message: e.to_string(),
        })
    }

    /// Every reference in the config, once each, in the order they appear.
    pub fn references(&self) -> Vec<ValueRef> {
        let mut found = Vec::new();
        collect_ref_values(&self.dlt_dict(), &mut found);
        let mut unique: Vec<ValueRef> = Vec::new();
        for reference in found {
            if !unique.contains(&reference) {
                unique.push(reference);
            }
        }
        unique
    }

    /// Auth fields the config leaves for dlt to look up in its secrets, with dlt's key path
    /// (`sources.rest_api.<source>.credentials.<field>`).
    pub fn dlt_credential_paths(&self) -> Vec<String> {
        let section = format!(
            "sources.rest_api.{}.credentials",
            self.effective_source_name()
        );
        let mut fields: Vec<&str> = Vec::new();
        let mut visit = |auth: &Auth| {
            let missing: Vec<&'static str> = match auth {
                Auth::Type(t) => t.secret_fields().to_vec(),
                Auth::Config(AuthConfig::Bearer(a)) => {
                    a.token.is_none().then_some("token").into_iter().collect()
                }
                Auth::Config(AuthConfig::ApiKey(a)) => a
                    .api_key
                    .is_none()
                    .then_some("api_key")
                    .into_iter()
                    .collect(),
                Auth::Config(AuthConfig::HttpBasic(_)) => Vec::new(),
                Auth::Config(AuthConfig::Oauth2ClientCredentials(a)) => [
                    ("access_token_url", a.access_token_url.is_none()),
                    ("client_id", a.client_id.is_none()),
                    ("client_secret", a.client_secret.is_none()),
                ]
                .into_iter()
                .filter_map(|(f, missing)| missing.then_some(f))
                .collect(),
            };
            for field in missing {
                if !fields.contains(&field) {
                    fields.push(field);
                }
            }
        };
        if let Some(auth) = &self.client.auth {
            visit(auth);
        }
        for resource in self.resolved_resources() {
            if let Some(auth) = &resource.endpoint.auth {
                visit(auth);
            }
        }
        fields
            .into_iter()
            .map(|field| format!("{section}.{field}"))
            .collect()
    }

    /// A runnable dlt pipeline script loading into DuckDB (see the module docs).
    pub fn to_dlt_script(&self) -> String {
        self.dlt_script(Destination::Duckdb)
    }

    /// A runnable dlt pipeline script loading into `destination`.
    pub fn dlt_script(&self, destination: Destination) -> String {
        let name = self
            .sluice
            .name
            .clone()
            .unwrap_or_else(|| self.effective_pipeline_name());
        let pipeline_name = self.effective_pipeline_name();
        let dataset_name = self.effective_dataset_name();
        let duckdb_file = self.effective_duckdb_file();
        let retry = &self.sluice.retry;
        let mut out = String::new();
        out.push_str(&format!(
            "\"\"\"dlt pipeline for the {} connector, exported by Sluice.\n\n",
            py_docstring_text(&format!("\"{name}\""))
        ));
        let into = match destination {
            Destination::Duckdb => format!("the DuckDB file {duckdb_file}"),
            other => format!("{} (dlt destination `{}`)", other.label(), other.dlt_name()),
        };
        out.push_str(&format!(
            "Run it with `python <this file>`: it loads into {} as dataset {}.\n",
            py_docstring_text(&into),
            py_docstring_text(&dataset_name)
        ));
        let secrets: Vec<String> = self
            .references()
            .iter()
            .map(|r| {
                let store = if r.is_secret() {
                    "secret"
                } else {
                    "config value"
                };
                format!("  {} ({store}; env {})", r.name(), env_name(r.name()))
            })
            .chain(
                self.dlt_credential_paths()
                    .into_iter()
                    .chain(destination.credential_paths())
                    .map(|p| format!("  {p} (secret; env {})", env_name(&p))),
            )
            .collect();
        if !secrets.is_empty() {
            out.push_str(
                "dlt reads these from .dlt/secrets.toml (or .dlt/config.toml) or the environment:\n",
            );
            for line in secrets {
                out.push_str(&py_docstring_text(&line));
                out.push('\n');
            }
        }
        out.push_str("\"\"\"\n\nimport os\n\n");
        out.push_str(
            "# Sluice's retry policy as dlt [runtime] settings. setdefault keeps any value already set in\n\
             # the environment; note that environment values win over .dlt/config.toml in dlt.\n",
        );
        let attempts = u64::from(retry.max_retries) + 1;
        for (key, value, note) in [
            (
                "REQUEST_MAX_ATTEMPTS",
                attempts.to_string(),
                format!("  # {} retries after the first attempt", retry.max_retries),
            ),
            (
                "REQUEST_BACKOFF_FACTOR",
                fmt_number(retry.backoff_factor),
                String::new(),
            ),
            (
                "REQUEST_MAX_RETRY_DELAY",
                fmt_number(retry.max_delay_seconds),
                String::new(),
            ),
            (
                "REQUEST_TIMEOUT",
                fmt_number(retry.request_timeout_seconds),
                String::new(),
            ),
        ] {
            out.push_str(&format!(
                "os.environ.setdefault(\"RUNTIME__{key}\", \"{value}\"){note}\n"
            ));
        }
        let statuses: Vec<String> = retry.statuses.iter().map(u16::to_string).collect();
        out.push_str(&format!(
            "# Sluice retries on statuses {}; dlt always retries 429 and every 5xx and has no setting\n\
             # to change that list.\n\n",
            statuses.join(", ")
        ));
        out.push_str("import dlt  # noqa: E402\nfrom dlt.sources.rest_api import rest_api_source  # noqa: E402\n");
        let (dlt_dict, uses_basic) = self.script_dict();
        if dlt_dict.uses_pendulum() {
            out.push_str("import pendulum  # noqa: E402\n");
        }
        if uses_basic {
            out.push_str(BASIC_OAUTH2_PY);
        }
        out.push('\n');
        out.push_str(&format!("PIPELINE_NAME = {}\n", py_str(&pipeline_name)));
        out.push_str(&format!("DATASET_NAME = {}\n", py_str(&dataset_name)));
        if destination == Destination::Duckdb {
            out.push_str(&format!("DUCKDB_FILE = {}\n", py_str(&duckdb_file)));
        }
        out.push_str("\n\n");

        out.push_str("def make_source():\n    return rest_api_source(\n        ");
        let mut dict = String::new();
        dlt_dict.write(&mut dict, 2);
        out.push_str(&dict);
        out.push_str(",\n");
        let source = &self.sluice.source;
        if let Some(name) = &source.name {
            out.push_str(&format!("        name={},\n", py_str(name)));
        }
        if let Some(n) = source.max_table_nesting {
            out.push_str(&format!("        max_table_nesting={n},\n"));
        }
        if let Some(b) = source.root_key {
            out.push_str(&format!("        root_key={},\n", py_bool(b)));
        }
        if let Some(contract) = &source.schema_contract {
            let mut text = String::new();
            Py::from_json(serde_json::to_value(contract).unwrap_or_default()).write(&mut text, 2);
            out.push_str(&format!("        schema_contract={text},\n"));
        }
        if let Some(b) = source.parallelized {
            out.push_str(&format!("        parallelized={},\n", py_bool(b)));
        }
        out.push_str("    )\n\n\n");
        let destination_arg = match destination {
            Destination::Duckdb => "dlt.destinations.duckdb(credentials=DUCKDB_FILE)".to_owned(),
            // dlt reads the connection from [destination.<name>] in .dlt/secrets.toml.
            other => py_str(other.dlt_name()),
        };
        out.push_str(&format!(
            "def make_pipeline():\n    return dlt.pipeline(\n        pipeline_name=PIPELINE_NAME,\n        destination={destination_arg},\n        dataset_name=DATASET_NAME,\n    )\n\n\n",
        ));
        out.push_str(
            "if __name__ == \"__main__\":\n    load_info = make_pipeline().run(make_source())\n    print(load_info)\n",
        );
        out
    }

    /// `.dlt/secrets.toml` template for a DuckDB pipeline (see [`Self::secrets_toml`]).
    pub fn to_secrets_toml(&self) -> String {
        self.secrets_toml(Destination::Duckdb)
    }

    /// `.dlt/secrets.toml` template: every `$secret` reference at its dlt key path (the same
    /// path the script's `dlt.secrets["..."]` reads), auth fields left for dlt to resolve, and
    /// the destination's connection; all with empty values.
    pub fn secrets_toml(&self, destination: Destination) -> String {
        let name = self
            .sluice
            .name
            .clone()
            .unwrap_or_else(|| self.effective_pipeline_name());
        let mut keys: Vec<String> = self
            .references()
            .into_iter()
            .filter(ValueRef::is_secret)
            .map(|r| r.name().to_owned())
            .collect();
        keys.extend(self.dlt_credential_paths());
        keys.extend(destination.credential_paths());
        let mut out = format!(
            "# .dlt/secrets.toml for the {} connector, exported by Sluice.\n\
             # Fill in the values and keep this file out of version control.\n\
             # Each key can also come from the environment variable named next to it.\n",
            toml_comment(&format!("\"{name}\""))
        );
        if keys.is_empty() {
            out.push_str("# This connector needs no secrets.\n");
        }
        out.push_str(&toml_sections(&keys));
        out
    }

    /// `.dlt/config.toml`: the retry policy as dlt's `[runtime]` settings and every `$config`
    /// reference at its key path, with empty values.
    pub fn to_config_toml(&self) -> String {
        let retry = &self.sluice.retry;
        let mut out = String::from(
            "# .dlt/config.toml exported by Sluice.\n\
             # dlt always retries 429 and 5xx statuses; the count, backoff and timeout are set here.\n",
        );
        let config_keys: Vec<String> = self
            .references()
            .into_iter()
            .filter(|r| !r.is_secret())
            .map(|r| r.name().to_owned())
            .collect();
        // Top-level keys must come before the first table header.
        let sections = toml_sections(&config_keys);
        let (top, rest) = match sections.find("\n[") {
            Some(at) => sections.split_at(at + 1),
            None if sections.starts_with('[') => ("", sections.as_str()),
            None => (sections.as_str(), ""),
        };
        out.push_str(top);
        out.push_str(&format!(
            "\n[runtime]\nrequest_max_attempts = {}\nrequest_backoff_factor = {}\nrequest_max_retry_delay = {}\nrequest_timeout = {}\n",
            u64::from(retry.max_retries) + 1,
            fmt_number(retry.backoff_factor),
            fmt_number(retry.max_delay_seconds),
            fmt_number(retry.request_timeout_seconds),
        ));
        if !rest.is_empty() {
            out.push('\n');
            out.push_str(rest);
        }
        out
    }
}

fn collect_ref_values(value: &Value, found: &mut Vec<ValueRef>) {
    if let Some(reference) = ValueRef::from_json(value) {
        found.push(reference);
        return;
    }
    match value {
        Value::Object(object) => object.values().for_each(|v| collect_ref_values(v, found)),
        Value::Array(items) => items.iter().for_each(|v| collect_ref_values(v, found)),
        _ => {}
    }
}

/// Env var dlt reads for a key path: upper case, sections joined by `__`.
pub fn env_name(key_path: &str) -> String {
    key_path
        .split('.')
        .map(str::to_uppercase)
        .collect::<Vec<_>>()
        .join("__")
}

fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_owned()
    } else {
        Value::String(key.to_owned()).to_string()
    }
}

/// Text after a `#`: any control character (a line break above all) would end the comment and
/// let the rest be read as TOML, so each becomes a space.
fn toml_comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `a.b.c` key paths as TOML: top-level keys first, then one `[a.b]` table per section.
fn toml_sections(paths: &[String]) -> String {
    let mut top = String::new();
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for path in paths {
        let (section, key) = match path.rsplit_once('.') {
            Some((section, key)) => (section.to_owned(), key),
            None => (String::new(), path.as_str()),
        };
        let line = format!(
            "{} = \"\"  # env {}\n",
            toml_key(key),
            toml_comment(&env_name(path))
        );
        if section.is_empty() {
            if !top.contains(&line) {
                top.push_str(&line);
            }
            continue;
        }
        match sections.iter_mut().find(|(s, _)| *s == section) {
            Some((_, lines)) if !lines.contains(&line) => lines.push(line),
            Some(_) => {}
            None => sections.push((section, vec![line])),
        }
    }
    let mut out = top;
    for (section, lines) in sections {
        let header: Vec<String> = section.split('.').map(toml_key).collect();
        out.push_str(&format!("\n[{}]\n", header.join(".")));
        for line in lines {
            out.push_str(&line);
        }
    }
    out
}

fn fmt_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// A Python string literal. JSON's escapes are all valid Python escapes.
fn py_str(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

/// Text safe inside a `"""` docstring.
fn py_docstring_text(text: &str) -> String {
    text.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"")
}

/// dlt's (and the model's written) name of the OAuth2 client credentials auth type.
const OAUTH2_TYPE: &str = "oauth2_client_credentials";

/// The script's subclass of dlt's `OAuth2ClientCredentials` for `client_auth: basic`.
const BASIC_OAUTH2_CLASS: &str = "OAuth2ClientCredentialsHttpBasic";

/// What the exported script writes for the dict: JSON from the config, written as Python
/// literals, and the few calls the exporter itself decides on. A call's class and keyword names
/// are the exporter's own constants and Rust field names, never text from the config, so no
/// config can put code into the script.
enum Py {
    /// A text, number, boolean, null, or a `$secret`/`$config` reference (a dlt lookup).
    Json(Value),
    Dict(Vec<(String, Py)>),
    List(Vec<Py>),
    Call {
        class: &'static str,
        kwargs: Vec<(String, Py)>,
    },
    /// A relative incremental start, as the pendulum expression dlt code writes for it.
    Relative(RelativeStart),
}

impl Py {
    fn from_json(value: Value) -> Py {
        Py::build(value, &mut Vec::new(), &mut |_, _| None)
    }

    /// The tree of `value`; `special` may replace the node at a path (keys and list indexes).
    fn build(
        value: Value,
        path: &mut Vec<String>,
        special: &mut dyn FnMut(&[String], &Value) -> Option<Py>,
    ) -> Py {
        if let Some(node) = special(path, &value) {
            return node;
        }
        if ValueRef::from_json(&value).is_some() {
            return Py::Json(value);
        }
        if let Some(start) = RelativeStart::from_value(&value) {
            return Py::Relative(start);
        }
        let mut child = |key: String, item: Value, path: &mut Vec<String>| {
            path.push(key);
            let node = Py::build(item, path, special);
            path.pop();
            node
        };
        match value {
            Value::Object(object) => Py::Dict(
                object
                    .into_iter()
                    .map(|(key, item)| (key.clone(), child(key, item, path)))
                    .collect(),
            ),
            Value::Array(items) => Py::List(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| child(i.to_string(), item, path))
                    .collect(),
            ),
            other => Py::Json(other),
        }
    }

    /// Whether the script needs `import pendulum`.
    fn uses_pendulum(&self) -> bool {
        match self {
            Py::Relative(_) => true,
            Py::Json(_) => false,
            Py::Dict(entries)
            | Py::Call {
                kwargs: entries, ..
            } => entries.iter().any(|(_, item)| item.uses_pendulum()),
            Py::List(items) => items.iter().any(Py::uses_pendulum),
        }
    }

    fn write(&self, out: &mut String, indent: usize) {
        let pad = "    ".repeat(indent + 1);
        let close = "    ".repeat(indent);
        match self {
            Py::Json(value) => {
                if let Some(reference) = ValueRef::from_json(value) {
                    let store = if reference.is_secret() {
                        "secrets"
                    } else {
                        "config"
                    };
                    out.push_str(&format!("dlt.{store}[{}]", py_str(reference.name())));
                    return;
                }
                match value {
                    Value::Null => out.push_str("None"),
                    Value::Bool(b) => out.push_str(py_bool(*b)),
                    Value::Number(n) => out.push_str(&n.to_string()),
                    Value::String(s) => out.push_str(&py_str(s)),
                    // `build` splits lists and objects; one made by hand is split here.
                    composite => Py::from_json(composite.clone()).write(out, indent),
                }
            }
            Py::List(items) if items.is_empty() => out.push_str("[]"),
            Py::List(items) => {
                out.push_str("[\n");
                for item in items {
                    out.push_str(&pad);
                    item.write(out, indent + 1);
                    out.push_str(",\n");
                }
                out.push_str(&close);
                out.push(']');
            }
            Py::Dict(entries) if entries.is_empty() => out.push_str("{}"),
            Py::Dict(entries) => {
                out.push_str("{\n");
                for (key, item) in entries {
                    out.push_str(&pad);
                    out.push_str(&py_str(key));
                    out.push_str(": ");
                    item.write(out, indent + 1);
                    out.push_str(",\n");
                }
                out.push_str(&close);
                out.push('}');
            }
            Py::Relative(start) => out.push_str(&start.python()),
            Py::Call { class, kwargs } => {
                out.push_str(class);
                out.push_str("(\n");
                for (key, item) in kwargs {
                    // Keyword names are auth field names the model knows; anything else would
                    // not be a Python identifier and goes in a `**{...}` instead.
                    out.push_str(&pad);
                    if is_identifier(key) {
                        out.push_str(key);
                        out.push('=');
                    } else {
                        out.push_str("**{");
                        out.push_str(&py_str(key));
                        out.push_str(": ");
                    }
                    item.write(out, indent + 1);
                    if !is_identifier(key) {
                        out.push('}');
                    }
                    out.push_str(",\n");
                }
                out.push_str(&close);
                out.push(')');
            }
        }
    }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `client.auth`, `resource_defaults.endpoint.auth` and `resources[i].endpoint.auth`.
fn is_auth_path(path: &[String]) -> bool {
    match path {
        [client, auth] => client == "client" && auth == "auth",
        [first, endpoint, auth] => {
            first == "resource_defaults" && endpoint == "endpoint" && auth == "auth"
        }
        [resources, _, endpoint, auth] => {
            resources == "resources" && endpoint == "endpoint" && auth == "auth"
        }
        _ => false,
    }
}

/// Python defining [`BASIC_OAUTH2_CLASS`]; written after the dlt imports when a config uses it.
const BASIC_OAUTH2_PY: &str = r#"import base64  # noqa: E402

from dlt.common.configuration import configspec  # noqa: E402
from dlt.sources.helpers.rest_client.auth import OAuth2ClientCredentials  # noqa: E402


@configspec
class OAuth2ClientCredentialsHttpBasic(OAuth2ClientCredentials):
    """Sluice's `"client_auth": "basic"`: the client authenticates to the token endpoint with
    HTTP basic (`Authorization: Basic base64(client_id:client_secret)`) instead of sending
    client_id and client_secret in the form body, dlt's only way."""

    def build_access_token_request(self):
        credentials = (str(self.client_id) + ":" + str(self.client_secret)).encode("utf-8")
        return {
            "headers": {
                "Content-Type": "application/x-www-form-urlencoded",
                "Authorization": "Basic " + base64.b64encode(credentials).decode("ascii"),
            },
            "data": {
                "grant_type": "client_credentials",
                **self.access_token_request_data,
            },
        }
"#;

/// Calls `f` on every auth value of a serialized config (see [`is_auth_path`]).
fn for_each_auth(config: &mut Value, mut f: impl FnMut(&mut Value)) {
    fn walk(value: &mut Value, path: &mut Vec<String>, f: &mut dyn FnMut(&mut Value)) {
        if is_auth_path(path) {
            return f(value);
        }
        // Auth sits at most four keys deep.
        if path.len() >= 4 {
            return;
        }
        let mut visit = |key: String, item: &mut Value| {
            path.push(key);
            walk(item, path, f);
            path.pop();
        };
        match value {
            Value::Object(object) => object
                .iter_mut()
                .for_each(|(key, item)| visit(key.clone(), item)),
            Value::Array(items) => items
                .iter_mut()
                .enumerate()
                .for_each(|(i, item)| visit(i.to_string(), item)),
            _ => {}
        }
    }
    walk(config, &mut Vec::new(), &mut f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_layout() {
        let text = toml_sections(&[
            "client_id".into(),
            "sources.rest_api.x.credentials.token".into(),
            "odd key".into(),
        ]);
        assert_eq!(
            text,
            "client_id = \"\"  # env CLIENT_ID\n\"odd key\" = \"\"  # env ODD KEY\n\n[sources.rest_api.x.credentials]\ntoken = \"\"  # env SOURCES__REST_API__X__CREDENTIALS__TOKEN\n"
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(fmt_number(2.0), "2");
        assert_eq!(fmt_number(0.5), "0.5");
    }
}

#[cfg(test)]
mod client_auth_tests {
    use super::*;

    fn config(client_auth: &str) -> ConnectorConfig {
        crate::from_json(&format!(
            r#"{{
              "client": {{"base_url": "https://api.example.com", "auth": {{
                "type": "oauth2_client_credentials",
                "access_token_url": "https://auth.example.com/token",
                "client_id": {{"$secret": "client_id"}},
                "client_secret": {{"$secret": "client_secret"}},
                "client_auth": "{client_auth}"}}}},
              "resources": ["orders"]
            }}"#
        ))
        .expect("valid config")
    }

    #[test]
    fn basic_client_auth_exports_as_a_dlt_subclass_instance() {
        let config = config("basic");
        assert!(!config.dlt_dict().to_string().contains("client_auth"));
        let script = config.to_dlt_script();
        assert!(!script.contains("\"client_auth\": \"basic\","), "{script}");
        assert!(
            script.contains("class OAuth2ClientCredentialsHttpBasic(OAuth2ClientCredentials):"),
            "{script}"
        );
        assert!(
            script.contains(
                "\"auth\": OAuth2ClientCredentialsHttpBasic(\n                    access_token_url=\"https://auth.example.com/token\",\n                    client_id=dlt.secrets[\"client_id\"],\n                    client_secret=dlt.secrets[\"client_secret\"],\n                ),"
            ),
            "{script}"
        );
    }

    #[test]
    fn an_exported_basic_script_imports_back_to_the_same_auth() {
        let config = config("basic");
        let imported = crate::import(
            &config.to_dlt_script(),
            &crate::ImportOptions {
                format: Some(crate::ImportFormat::Python),
                fallback_name: None,
                ..crate::ImportOptions::default()
            },
        )
        .expect("the exported script imports");
        assert!(imported.problems.is_empty(), "{:?}", imported.problems);
        assert_eq!(imported.config.client.auth, config.client.auth);
    }

    #[test]
    fn form_client_auth_exports_as_dlts_plain_dict() {
        let script = config("form").to_dlt_script();
        assert!(
            !script.contains("OAuth2ClientCredentialsHttpBasic"),
            "{script}"
        );
        assert!(!script.contains("client_auth"), "{script}");
        assert!(
            script.contains("\"type\": \"oauth2_client_credentials\""),
            "{script}"
        );
    }
}

#[cfg(test)]
mod destination_tests {
    use super::*;

    fn config() -> ConnectorConfig {
        crate::from_json(r#"{"client": {"base_url": "https://api.example.com"}, "resources": ["orders"], "sluice": {"name": "Shop"}}"#)
            .expect("valid config")
    }

    #[test]
    fn a_warehouse_script_names_the_destination_and_no_duckdb_file() {
        let script = export(&config(), ExportFormat::Dlt, Destination::Postgres).expect("script");
        assert!(script.contains("destination=\"postgres\","), "{script}");
        assert!(!script.contains("DUCKDB_FILE"), "{script}");
        assert!(
            script.contains("loads into PostgreSQL (dlt destination `postgres`)"),
            "{script}"
        );
        assert!(
            script.contains("destination.postgres.credentials.password (secret; env DESTINATION__POSTGRES__CREDENTIALS__PASSWORD)"),
            "{script}"
        );
    }

    #[test]
    fn the_secrets_template_holds_the_destinations_connection() {
        let toml =
            export(&config(), ExportFormat::SecretsToml, Destination::Snowflake).expect("toml");
        assert!(
            toml.contains("[destination.snowflake.credentials]\ndatabase = \"\""),
            "{toml}"
        );
        assert!(
            toml.contains("warehouse = \"\"  # env DESTINATION__SNOWFLAKE__CREDENTIALS__WAREHOUSE"),
            "{toml}"
        );
        let files = export(
            &config(),
            ExportFormat::SecretsToml,
            Destination::Filesystem,
        )
        .expect("toml");
        assert!(
            files.contains("[destination.filesystem]\nbucket_url = \"\""),
            "{files}"
        );
    }

    #[test]
    fn duckdb_stays_the_default_and_every_name_reads_back() {
        assert_eq!(
            config().dlt_script(Destination::default()),
            config().to_dlt_script()
        );
        assert!(config()
            .to_dlt_script()
            .contains("dlt.destinations.duckdb(credentials=DUCKDB_FILE)"));
        for destination in Destination::ALL {
            assert_eq!(
                Destination::from_dlt_name(destination.dlt_name()),
                Some(destination)
            );
        }
    }
}
