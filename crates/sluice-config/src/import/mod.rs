//! Import from JSON, YAML, dlt Python code, or a markdown document holding one of those in a
//! fenced code block. Import is lenient where saving is strict: literal secret values are taken
//! out of the config (and handed to the caller for the keychain), and missing Sluice settings
//! (name, pipeline name) are filled in.

mod answers;
mod curl;
mod har;
pub mod openapi;
mod postman;
pub mod python;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::literal_secrets::SECRET_AUTH_FIELDS;
use crate::model::*;
use crate::parse::{read_config, Reader};
use crate::problem::{Problem, ProblemKind};

/// The format of the text being imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum ImportFormat {
    Json,
    Yaml,
    Python,
    Markdown,
    /// One or more `curl` commands, as API docs show them.
    Curl,
    /// An OpenAPI 3 or Swagger 2 document, JSON or YAML: the chosen operations become resources.
    #[serde(rename = "openapi")]
    OpenApi,
    /// A HAR file of recorded requests (browsers' devtools save them): the JSON answers from the
    /// API host become resources.
    Har,
    /// A Postman collection (v2.0 or v2.1 export): its GET requests become resources.
    Postman,
}

impl ImportFormat {
    /// Guess from a file name's extension (`None` when it says nothing useful, e.g. `.txt`).
    pub fn from_file_name(name: &str) -> Option<ImportFormat> {
        let lower = name.to_lowercase();
        let ext = lower.rsplit_once('.').map(|(_, ext)| ext)?;
        Some(match ext {
            "json" => ImportFormat::Json,
            "yaml" | "yml" => ImportFormat::Yaml,
            "py" => ImportFormat::Python,
            "md" | "markdown" => ImportFormat::Markdown,
            "sh" | "curl" => ImportFormat::Curl,
            "har" => ImportFormat::Har,
            _ => return None,
        })
    }
}

/// A secret value found written into the imported config. It was replaced there by a
/// `{"$secret": name}` reference; the caller stores `value` in the keychain under `name`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export_to = "config/")]
pub struct FoundSecret {
    pub name: String,
    /// Where it was found, e.g. `client.auth.token`.
    pub path: String,
    pub value: String,
}

// Never print the value: Debug output ends up in logs.
impl std::fmt::Debug for FoundSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FoundSecret")
            .field("name", &self.name)
            .field("path", &self.path)
            .field("value", &"<redacted>")
            .finish()
    }
}

/// The result of an import.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub config: ConnectorConfig,
    /// Secret values that were in the text, now references in `config`.
    pub found_secrets: Vec<FoundSecret>,
    /// What the config still gets wrong (cross-field checks); empty when it is ready to save.
    pub problems: Vec<Problem>,
    /// The format the text was read as.
    pub format: ImportFormat,
}

/// A connector in the text that does not read yet (a key of the wrong type, a path that does not
/// parse): the document as written with its secret values moved out, to save and fix in the
/// editor with `problems` at their fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub document: Value,
    /// From the document, the source or the file; "Imported connector" when none names it.
    pub name: String,
    /// Secret values that were in the text, now references in `document`.
    pub found_secrets: Vec<FoundSecret>,
    /// Every problem the editor will show, the first one first.
    pub problems: Vec<Problem>,
    pub format: ImportFormat,
}

/// One connector of an import for editing: ready to save as it is, or a draft to fix.
#[derive(Debug, Clone, PartialEq)]
pub enum Import {
    /// Boxed: a whole config is ten times a draft's size.
    Ready(Box<Imported>),
    Draft(Draft),
}

/// Options of an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The format, when the caller knows it; otherwise it is guessed from the content.
    pub format: Option<ImportFormat>,
    /// Used to name the connector when the text does not (file stem).
    pub fallback_name: Option<String>,
    /// For an OpenAPI document, the operations that become resources.
    pub operations: openapi::OperationChoice,
}

/// Imports a connector from text: the first one, when dlt code holds several sources (see
/// [`import_all`]). Fails only when no config can be read at all (bad syntax, no code block,
/// keys of the wrong type...); problems a user can fix in the forms come back in
/// [`Imported::problems`].
pub fn import(text: &str, options: &ImportOptions) -> Result<Imported> {
    import_all(text, options).map(|mut all| all.remove(0))
}

/// Imports every connector in the text: one for JSON, YAML or a `dlt.yml` project; one per
/// source in dlt Python code (a module may define several, each run by its own pipeline). Never
/// returns an empty list.
pub fn import_all(text: &str, options: &ImportOptions) -> Result<Vec<Imported>> {
    read_all(text, options)?
        .into_iter()
        .map(
            |(value, extras, format)| match import_value(value, extras, format, options, false)? {
                Import::Ready(imported) => Ok(*imported),
                Import::Draft(_) => unreachable!("drafts are only made when asked for"),
            },
        )
        .collect()
}

/// [`import_all`] for the app's editor: a connector that does not read yet comes back as a
/// [`Draft`] instead of failing the import, so it can be fixed in the forms.
pub fn import_for_editing(text: &str, options: &ImportOptions) -> Result<Vec<Import>> {
    read_all(text, options)?
        .into_iter()
        .map(|(value, extras, format)| import_value(value, extras, format, options, true))
        .collect()
}

/// The documents in the text, each with what its code said around it, and the format read.
fn read_all(text: &str, options: &ImportOptions) -> Result<Vec<(Value, Extras, ImportFormat)>> {
    if let Some(found) = read_api_document(text, options)? {
        return Ok(vec![found]);
    }
    if text.len() > MAX_IMPORT_BYTES {
        return Err(Error::Syntax {
            format: "the text",
            line: None,
            message: format!(
                "it is {:.1} MB, and a connector to import may be at most {} MB",
                text.len() as f64 / f64::from(1 << 20),
                MAX_IMPORT_BYTES >> 20
            ),
        });
    }
    let format = options.format.unwrap_or_else(|| guess_format(text));
    let (found, format) = match format {
        ImportFormat::Markdown => read_markdown(text)?,
        ImportFormat::Json => (vec![(read_json(text)?, Extras::default())], format),
        ImportFormat::Yaml => (vec![(read_yaml(text)?, Extras::default())], format),
        ImportFormat::Python => (read_python_text(text)?, format),
        ImportFormat::Curl => (vec![read_curl_text(text)?], format),
        ImportFormat::OpenApi | ImportFormat::Har | ImportFormat::Postman => {
            unreachable!("read by read_api_document")
        }
    };
    Ok(found
        .into_iter()
        .map(|(value, extras)| (value, extras, format))
        .collect())
}

/// The largest text `import` reads: far above any real connector (the seeds are a few KB), low
/// enough that reading it stays quick and small.
pub const MAX_IMPORT_BYTES: usize = 4 << 20;

fn guess_format(text: &str) -> ImportFormat {
    let trimmed = text.trim_start();
    if text.contains("```") || text.contains("~~~") {
        ImportFormat::Markdown
    } else if trimmed.starts_with('{') && serde_json::from_str::<Value>(text).is_ok() {
        ImportFormat::Json
    } else if curl::looks_like_curl(text) {
        ImportFormat::Curl
    } else if text.contains("rest_api_source")
        || text.contains("import dlt")
        || text.contains("rest_api_resources")
        || trimmed.starts_with('{')
    {
        ImportFormat::Python
    } else {
        ImportFormat::Yaml
    }
}

pub(crate) fn read_json(text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| Error::Syntax {
        format: "JSON",
        line: Some(e.line()),
        message: e.to_string(),
    })
}

pub(crate) fn read_yaml(text: &str) -> Result<Value> {
    serde_norway::from_str::<Value>(text).map_err(|e| Error::Syntax {
        format: "YAML",
        line: e.location().map(|l| l.line()),
        message: e.to_string(),
    })
}

/// Settings found around the dict in Python code, what of it was left out, and what an import
/// from an API description guessed.
#[derive(Debug, Default)]
struct Extras {
    source_kwargs: serde_json::Map<String, Value>,
    pipeline_kwargs: serde_json::Map<String, Value>,
    left_out: Vec<python::LeftOut>,
    guessed: Vec<openapi::Guess>,
}

impl Extras {
    /// What was left out and what was guessed, as problems at their paths.
    fn notes(&self) -> Vec<Problem> {
        let left_out = self.left_out.iter().map(|left| {
            Problem::new(
                left.path.clone(),
                ProblemKind::LeftOut,
                left.message.clone(),
            )
        });
        let guessed = self.guessed.iter().map(|guess| {
            Problem::new(
                guess.path.clone(),
                ProblemKind::Guessed,
                guess.message.clone(),
            )
        });
        left_out.chain(guessed).collect()
    }
}

/// The operations of an OpenAPI document, for the user to choose which become resources;
/// `None` when the text is no OpenAPI document (the import reads it as what it is, as
/// [`import_for_editing`] does).
pub fn openapi_operations(text: &str) -> Result<Option<openapi::ApiOperations>> {
    if !openapi::looks_like_openapi(text) {
        return Ok(None);
    }
    match read_big_document(text, "OpenAPI") {
        Ok(root) if openapi::is_openapi(&root) => Ok(Some(openapi::list(&root))),
        // Too big to be anything else: say so.
        Err(e @ Error::Syntax { line: None, .. }) if text.len() > MAX_API_DOCUMENT_BYTES => Err(e),
        _ => Ok(None),
    }
}

/// The largest API description or recording read: the public OpenAPI specs of big APIs are 10
/// to 40 MB, and a HAR file holds every answer it recorded.
pub const MAX_API_DOCUMENT_BYTES: usize = 64 << 20;

/// An API description or recording, JSON (or YAML for OpenAPI), up to
/// [`MAX_API_DOCUMENT_BYTES`].
fn read_big_document(text: &str, format: &'static str) -> Result<Value> {
    if text.len() > MAX_API_DOCUMENT_BYTES {
        return Err(Error::Syntax {
            format,
            line: None,
            message: format!(
                "it is {:.1} MB, and a document to import may be at most {} MB",
                text.len() as f64 / f64::from(1 << 20),
                MAX_API_DOCUMENT_BYTES >> 20
            ),
        });
    }
    if text.trim_start().starts_with('{') {
        read_json(text)
    } else {
        read_yaml(text)
    }
}

/// The formats read whole as JSON (or YAML) documents up to [`MAX_API_DOCUMENT_BYTES`]: an API's
/// description or a recording of requests, each with a key that says which it is.
const API_DOCUMENTS: [(ImportFormat, &str, &str); 3] = [
    (
        ImportFormat::OpenApi,
        "an OpenAPI document",
        "an `openapi` or `swagger` key",
    ),
    (ImportFormat::Har, "a HAR file", "`log.entries`"),
    (
        ImportFormat::Postman,
        "a Postman collection",
        "`info.schema` naming Postman's collection format",
    ),
];

/// An OpenAPI document, a HAR file or a Postman collection as a connector, with what was
/// guessed; `None` when the text is none of them and was not said to be one.
fn read_api_document(
    text: &str,
    options: &ImportOptions,
) -> Result<Option<(Value, Extras, ImportFormat)>> {
    let said = options
        .format
        .filter(|f| API_DOCUMENTS.iter().any(|(format, _, _)| format == f));
    let looks = openapi::looks_like_openapi(text)
        || har::looks_like_har(text)
        || postman::looks_like_postman(text);
    if said.is_none() && !looks {
        return Ok(None);
    }
    let root = match read_big_document(text, "the document") {
        Ok(root) => root,
        // It only looked like one: read it as what it is.
        Err(_) if said.is_none() => return Ok(None),
        Err(e) => return Err(e),
    };
    let read = if openapi::is_openapi(&root) {
        openapi::read(&root, &options.operations).map(|r| (r, ImportFormat::OpenApi))
    } else if har::is_har(&root) {
        har::read_har(&root).map(|r| (r, ImportFormat::Har))
    } else if postman::is_postman(&root) {
        postman::read_postman(&root).map(|r| (r, ImportFormat::Postman))
    } else if let Some(said) = said {
        let (_, what, key) = API_DOCUMENTS
            .iter()
            .find(|(f, _, _)| *f == said)
            .expect("listed");
        return Err(Error::NotFound(format!(
            "the text is not {what} (it has no {key})"
        )));
    } else {
        return Ok(None);
    };
    let ((value, guessed), format) = read.map_err(Error::NotFound)?;
    let extras = Extras {
        guessed,
        ..Extras::default()
    };
    Ok(Some((value, extras, format)))
}

/// The connectors read from a text, each with what was found around it.
type Found = Vec<(Value, Extras)>;

/// cURL commands as one connector, with what they held that it cannot as left-out notes.
fn read_curl_text(text: &str) -> Result<(Value, Extras)> {
    let (value, notes, guessed) = curl::read_curl(text).map_err(|message| Error::Syntax {
        format: "cURL",
        line: None,
        message,
    })?;
    let left_out = notes
        .into_iter()
        .map(|(index, message)| python::LeftOut {
            path: format!("resources[{index}]"),
            line: 0,
            message,
        })
        .collect();
    Ok((
        value,
        Extras {
            left_out,
            guessed,
            ..Extras::default()
        },
    ))
}

fn read_python_text(text: &str) -> Result<Found> {
    match python::read_python(text) {
        Ok(found) => Ok(found
            .into_iter()
            .map(|found| {
                (
                    found.config,
                    Extras {
                        source_kwargs: found.source_kwargs,
                        pipeline_kwargs: found.pipeline_kwargs,
                        left_out: found.left_out,
                        ..Extras::default()
                    },
                )
            })
            .collect()),
        Err(e) => Err(Error::Syntax {
            format: "Python",
            line: Some(e.line),
            message: format!("line {}: {}", e.line, e.message),
        }),
    }
}

/// Fenced code blocks of a markdown document: (info string, body, line of the body).
fn code_blocks(text: &str) -> Vec<(String, String, usize)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String, String, usize)> = None;
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut current {
            None => {
                for fence in ["```", "~~~"] {
                    if let Some(info) = trimmed.strip_prefix(fence) {
                        let fence_len = fence.len()
                            + info.chars().take_while(|c| fence.starts_with(*c)).count();
                        let marker: String = trimmed.chars().take(fence_len).collect();
                        let info = trimmed[fence_len..].trim().to_lowercase();
                        current = Some((marker, info, String::new(), number + 2));
                        break;
                    }
                }
            }
            Some((marker, _, body, _)) => {
                if trimmed.starts_with(marker.as_str()) && trimmed.trim_end() == marker.as_str() {
                    if let Some((_, info, body, start)) = current.take() {
                        blocks.push((info, body, start));
                    }
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    // An unclosed block runs to the end of the document.
    if let Some((_, info, body, start)) = current {
        blocks.push((info, body, start));
    }
    blocks
}

fn read_markdown(text: &str) -> Result<(Found, ImportFormat)> {
    let blocks = code_blocks(text);
    if blocks.is_empty() {
        return Err(Error::NotFound(
            "the document has no fenced code block (```python ... ```)".into(),
        ));
    }
    let mut first_error = None;
    for (info, body, start) in &blocks {
        let language = info.split_whitespace().next().unwrap_or("");
        let one = |value: Value| vec![(value, Extras::default())];
        let attempt = match language {
            "json" | "jsonc" => read_json(body).map(|v| (one(v), ImportFormat::Json)),
            "yaml" | "yml" => read_yaml(body).map(|v| (one(v), ImportFormat::Yaml)),
            "python" | "py" | "python3" | "" => {
                read_python_text(body).map(|found| (found, ImportFormat::Python))
            }
            "bash" | "sh" | "shell" | "console" | "zsh" | "curl" | "cmd"
                if curl::looks_like_curl(body) =>
            {
                read_curl_text(body).map(|found| (vec![found], ImportFormat::Curl))
            }
            _ => continue,
        };
        match attempt {
            Ok((found, format)) => {
                let found: Found = found
                    .into_iter()
                    .filter(|(value, _)| looks_like_config(value))
                    .collect();
                if !found.is_empty() {
                    return Ok((found, format));
                }
            }
            Err(Error::Syntax {
                format,
                line,
                message,
            }) => {
                // Point at the line in the document, not in the block.
                let line = line.map(|l| l + start - 1);
                first_error.get_or_insert(Error::Syntax {
                    format,
                    line,
                    message: format!("in the code block at line {start}: {message}"),
                });
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| {
        Error::NotFound("no code block in the document holds a rest_api_source config".into())
    }))
}

fn looks_like_config(value: &Value) -> bool {
    value.as_object().is_some_and(|o| {
        o.contains_key("resources") || o.contains_key("client") || o.contains_key("sources")
    })
}

/// A dltHub `dlt.yml` project holds the dict under `sources.<name>` with `type: rest_api`.
fn unwrap_dlt_yml(value: Value, extras: &mut Extras) -> Value {
    let Some(sources) = value.get("sources").and_then(Value::as_object) else {
        return value;
    };
    if value.get("resources").is_some() {
        return value;
    }
    for (name, source) in sources {
        if source.get("type").and_then(Value::as_str) == Some("rest_api") {
            let mut source = source.clone();
            if let Some(object) = source.as_object_mut() {
                object.remove("type");
            }
            extras
                .source_kwargs
                .insert("name".into(), Value::String(name.clone()));
            return source;
        }
    }
    value
}

fn import_value(
    value: Value,
    mut extras: Extras,
    format: ImportFormat,
    options: &ImportOptions,
    keep_drafts: bool,
) -> Result<Import> {
    let mut value = unwrap_dlt_yml(value, &mut extras);
    let mut taken = Vec::new();
    collect_refs(&value, &mut taken);
    let header_secrets = crate::literal_secrets::extract_named_values(&mut value, &mut taken);
    let mut reader = Reader::new();
    let config = read_config(&mut reader, &value);
    let mut config = match config {
        Some(config) if reader.problems.is_empty() => config,
        _ if keep_drafts && is_connector_shaped(&value) => {
            let draft = draft(value, &extras, format, options, header_secrets);
            // The sweep covers every place the saved-document check looks at and more; should
            // that check still find a secret value, the draft is refused, never saved.
            if !draft
                .problems
                .iter()
                .any(|p| p.kind == ProblemKind::SecretValue)
            {
                return Ok(Import::Draft(draft));
            }
            return Err(Error::Invalid(reader.problems));
        }
        _ => return Err(Error::Invalid(reader.problems)),
    };
    apply_extras(&mut config, &extras);
    fill_names(&mut config, options.fallback_name.as_deref());
    let mut found_secrets = header_secrets;
    found_secrets.extend(extract_secrets(&mut config));
    let mut problems = extras.notes();
    problems.extend(config.validate());
    Ok(Import::Ready(Box::new(Imported {
        config,
        found_secrets,
        problems,
        format,
    })))
}

/// An object with `client` or `resources`: a connector, however wrong its values.
fn is_connector_shaped(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|o| o.contains_key("client") || o.contains_key("resources"))
}

/// A connector that does not read yet, kept as written: secret values move to references as a
/// saved connector's do, and then by the deeper sweep a document with misplaced keys needs
/// (`move_secrets_anywhere`); the name comes from the source or the file, and the problems are
/// what the editor will show at their fields.
fn draft(
    mut value: Value,
    extras: &Extras,
    format: ImportFormat,
    options: &ImportOptions,
    header_secrets: Vec<FoundSecret>,
) -> Draft {
    let mut found_secrets = header_secrets;
    crate::literal_secrets::move_literal_secrets(&mut value, &mut found_secrets);
    crate::literal_secrets::move_secrets_anywhere(&mut value, &mut found_secrets);
    let name = value
        .pointer("/sluice/name")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            extras
                .source_kwargs
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .or_else(|| options.fallback_name.clone())
        .unwrap_or_else(|| "Imported connector".to_owned());
    if let Some(object) = value.as_object_mut() {
        let sluice = object
            .entry("sluice")
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        if let Some(sluice) = sluice.as_object_mut() {
            sluice
                .entry("name")
                .or_insert_with(|| Value::String(name.clone()));
        }
    }
    let mut problems = extras.notes();
    problems.extend(crate::check_value(&value));
    Draft {
        document: value,
        name,
        found_secrets,
        problems,
        format,
    }
}

fn apply_extras(config: &mut ConnectorConfig, extras: &Extras) {
    let text = |map: &serde_json::Map<String, Value>, key: &str| {
        map.get(key).and_then(Value::as_str).map(str::to_owned)
    };
    let source = &mut config.sluice.source;
    let kwargs = &extras.source_kwargs;
    if source.name.is_none() {
        source.name = text(kwargs, "name");
    }
    if let Some(n) = kwargs.get("max_table_nesting").and_then(Value::as_u64) {
        source.max_table_nesting = u32::try_from(n).ok();
    }
    if let Some(b) = kwargs.get("root_key").and_then(Value::as_bool) {
        source.root_key = Some(b);
    }
    if let Some(b) = kwargs.get("parallelized").and_then(Value::as_bool) {
        source.parallelized = Some(b);
    }
    if let Some(contract) = kwargs.get("schema_contract") {
        source.schema_contract = serde_json::from_value(contract.clone()).ok();
    }
    let pipeline = &mut config.sluice.pipeline;
    let kwargs = &extras.pipeline_kwargs;
    if pipeline.pipeline_name.is_none() {
        pipeline.pipeline_name = text(kwargs, "pipeline_name");
    }
    if pipeline.dataset_name.is_none() {
        pipeline.dataset_name = text(kwargs, "dataset_name");
    }
}

/// snake_case of a display name, usable as a dlt pipeline name.
pub(crate) fn snake_name(text: &str) -> String {
    let out = snake_words(text);
    match out.chars().next() {
        None => "rest_api".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("_{out}"),
        Some(_) => out,
    }
}

/// Lower-case ASCII letters and digits of `text`, every other run of characters one `_`, none at
/// the ends ("X-Api-Key" → `x_api_key`); may be empty.
pub(crate) fn snake_words(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// A saved connector names itself; an import that does not gets a name from the source name,
/// the pipeline name, the first resource, or the file.
fn fill_names(config: &mut ConnectorConfig, fallback: Option<&str>) {
    let sluice = &config.sluice;
    let name = sluice
        .name
        .clone()
        .or_else(|| sluice.source.name.clone())
        .or_else(|| sluice.pipeline.pipeline_name.clone())
        .or_else(|| {
            config
                .resources
                .first()
                .map(|r| r.name().to_owned())
                .filter(|n| !n.trim().is_empty())
        })
        .or_else(|| fallback.map(str::to_owned))
        .unwrap_or_else(|| "rest_api".to_owned());
    if config.sluice.pipeline.pipeline_name.is_none() {
        config.sluice.pipeline.pipeline_name = Some(snake_name(&name));
    }
    config.sluice.name.get_or_insert(name);
}

/// The keychain name for a secret `value` found at `path`: the one given to the same value found
/// before (client and a resource, one keychain entry), else `base`, `base_2`, ... not in `taken`.
pub(crate) fn keep_found(
    found: &mut Vec<FoundSecret>,
    taken: &mut Vec<String>,
    base: String,
    path: String,
    value: &str,
) -> String {
    if let Some(existing) = found.iter().find(|f| f.value == value) {
        return existing.name.clone();
    }
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    taken.push(name.clone());
    found.push(FoundSecret {
        name: name.clone(),
        path,
        value: value.to_owned(),
    });
    name
}

/// Replaces literal values in secret auth fields by references and returns the values.
fn extract_secrets(config: &mut ConnectorConfig) -> Vec<FoundSecret> {
    let mut found: Vec<FoundSecret> = Vec::new();
    let mut taken: Vec<String> = config_reference_names(config);
    let mut take = |auth: &mut Auth, path: &str, prefix: &str| {
        let Auth::Config(auth) = auth else {
            return;
        };
        let fields: Vec<(&str, &mut TextOrRef)> = match auth {
            AuthConfig::Bearer(a) => a.token.as_mut().map(|t| ("token", t)).into_iter().collect(),
            AuthConfig::ApiKey(a) => a
                .api_key
                .as_mut()
                .map(|t| ("api_key", t))
                .into_iter()
                .collect(),
            AuthConfig::HttpBasic(a) => vec![("password", &mut a.password)],
            AuthConfig::Oauth2ClientCredentials(a) => [
                ("client_id", a.client_id.as_mut()),
                ("client_secret", a.client_secret.as_mut()),
                ("access_token", a.access_token.as_mut()),
            ]
            .into_iter()
            .filter_map(|(n, v)| v.map(|v| (n, v)))
            .collect(),
        };
        for (field, value) in fields {
            // The client id is not a secret, but an imported one goes to the keychain with the rest.
            debug_assert!(field == "client_id" || SECRET_AUTH_FIELDS.contains(&field));
            let TextOrRef::Text(secret) = value else {
                continue;
            };
            let field_path = format!("{path}.{field}");
            let name = keep_found(
                &mut found,
                &mut taken,
                format!("{prefix}{field}"),
                field_path,
                secret,
            );
            *value = TextOrRef::Ref(ValueRef::secret(name));
        }
    };
    if let Some(auth) = &mut config.client.auth {
        take(auth, "client.auth", "");
    }
    if let Some(defaults) = &mut config.resource_defaults {
        if let Some(EndpointEntry::Endpoint(e)) = &mut defaults.endpoint {
            if let Some(auth) = &mut e.auth {
                take(auth, "resource_defaults.endpoint.auth", "defaults_");
            }
        }
    }
    for (i, entry) in config.resources.iter_mut().enumerate() {
        if let ResourceEntry::Resource(resource) = entry {
            let prefix = format!("{}_", crate::import::snake_name(&resource.name));
            if let Some(EndpointEntry::Endpoint(e)) = &mut resource.settings.endpoint {
                if let Some(auth) = &mut e.auth {
                    take(auth, &format!("resources[{i}].endpoint.auth"), &prefix);
                }
            }
        }
    }
    found
}

/// Names of the references already in the config, so new ones do not collide.
fn config_reference_names(config: &ConnectorConfig) -> Vec<String> {
    let mut names = Vec::new();
    collect_refs(
        &serde_json::to_value(config).unwrap_or_default(),
        &mut names,
    );
    names
}

pub(crate) fn collect_refs(value: &Value, names: &mut Vec<String>) {
    if let Some(reference) = ValueRef::from_json(value) {
        names.push(reference.name().to_owned());
        return;
    }
    match value {
        Value::Object(object) => object.values().for_each(|v| collect_refs(v, names)),
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, names)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_blocks() {
        let blocks = code_blocks("text\n```python\na = 1\n```\n~~~json\n{}\n~~~\n");
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].0, "python");
        assert_eq!(blocks[0].1, "a = 1\n");
        assert_eq!(blocks[0].2, 3);
        assert_eq!(blocks[1].0, "json");
    }

    #[test]
    fn names() {
        assert_eq!(snake_name("Marketing data!"), "marketing_data");
        assert_eq!(snake_name("000_abc"), "_000_abc");
        assert_eq!(snake_name("--"), "rest_api");
    }
}
