//! `sluice validate`, `sluice import` and `sluice export`: the connector config commands, thin
//! over `sluice-config`.
//!
//! Problems go to stderr one per line as `path: message`, and the command fails (non-zero
//! exit) when there are any. Secret values are never printed.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use sluice_config::{
    ConnectorConfig, Destination, ExportFormat, ImportFormat, ImportOptions, Imported,
    OperationChoice, Problem,
};

/// A connector file, and which of its connectors to use when it holds several.
#[derive(Debug, clap::Args)]
pub struct ConnectorFile {
    /// A saved connector (JSON or YAML), or dlt Python code / a markdown document holding one.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Read FILE as this format instead of guessing from its name and content.
    #[arg(long, value_enum)]
    pub input_format: Option<InputFormat>,
    /// The dlt source to use when FILE defines several (each `@dlt.source` function is one
    /// connector).
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// For an OpenAPI document: import the operations whose path matches GLOB (`*` matches
    /// anything, `/` included). Repeatable.
    #[arg(long = "path", value_name = "GLOB")]
    pub paths: Vec<String>,
    /// For an OpenAPI document: import the operations with this tag. Repeatable.
    #[arg(long = "tag", value_name = "NAME")]
    pub tags: Vec<String>,
}

/// Check a connector file and report every problem with its path.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: ConnectorFile,
}

/// Read a connector from JSON, YAML, dlt Python code or markdown and write it as a Sluice
/// connector. Secret values written in the input are left out and replaced by
/// `{"$secret": "NAME"}`; store them with `sluice secrets set`. The output is written even when
/// problems remain (so they can be fixed in it), but the exit status then is non-zero.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub input: ConnectorFile,
    /// Where to write the connector (`.yaml`/`.yml`: YAML, else JSON); stdout by default.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
}

/// Write a connector as a dlt pipeline script, a `.dlt/secrets.toml` template, JSON or YAML.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub input: ConnectorFile,
    #[arg(long, value_enum)]
    pub format: OutputFormat,
    /// The dlt destination the script (and its secrets.toml) loads into: duckdb, motherduck,
    /// postgres, bigquery, snowflake, redshift, databricks, clickhouse or filesystem.
    #[arg(long, value_name = "NAME", default_value = "duckdb", value_parser = destination)]
    pub destination: Destination,
    /// Where to write; stdout by default.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    Json,
    Yaml,
    Python,
    Markdown,
    /// `curl` commands, one resource each.
    Curl,
    /// An OpenAPI 3 or Swagger 2 document (JSON or YAML); choose operations with --path, --tag.
    Openapi,
    /// A HAR file of recorded requests (browsers' devtools save them).
    Har,
    /// A Postman collection (v2.0 or v2.1 export).
    Postman,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// A runnable dlt pipeline script loading into DuckDB.
    Dlt,
    Json,
    Yaml,
    /// `.dlt/secrets.toml` with dlt's key paths and empty values.
    SecretsToml,
    /// `.dlt/config.toml` with the retry policy as dlt `[runtime]` settings.
    ConfigToml,
}

impl From<InputFormat> for ImportFormat {
    fn from(format: InputFormat) -> Self {
        match format {
            InputFormat::Json => ImportFormat::Json,
            InputFormat::Yaml => ImportFormat::Yaml,
            InputFormat::Python => ImportFormat::Python,
            InputFormat::Markdown => ImportFormat::Markdown,
            InputFormat::Curl => ImportFormat::Curl,
            InputFormat::Openapi => ImportFormat::OpenApi,
            InputFormat::Har => ImportFormat::Har,
            InputFormat::Postman => ImportFormat::Postman,
        }
    }
}

impl From<OutputFormat> for ExportFormat {
    fn from(format: OutputFormat) -> Self {
        match format {
            OutputFormat::Dlt => ExportFormat::Dlt,
            OutputFormat::Json => ExportFormat::Json,
            OutputFormat::Yaml => ExportFormat::Yaml,
            OutputFormat::SecretsToml => ExportFormat::SecretsToml,
            OutputFormat::ConfigToml => ExportFormat::ConfigToml,
        }
    }
}

fn report(problems: &[Problem]) {
    for problem in problems {
        if problem.kind == sluice_config::ProblemKind::Guessed {
            eprintln!("guessed: {problem}");
        } else if problem.is_warning() {
            eprintln!("warning: {problem}");
        } else {
            eprintln!("{problem}");
        }
    }
}

fn destination(name: &str) -> Result<Destination, String> {
    Destination::from_dlt_name(name).ok_or_else(|| {
        let names: Vec<&str> = Destination::ALL.iter().map(|d| d.dlt_name()).collect();
        format!("dlt destinations Sluice exports to: {}", names.join(", "))
    })
}

fn problems_error(count: usize) -> anyhow::Error {
    let noun = if count == 1 { "problem" } else { "problems" };
    anyhow::anyhow!("{count} {noun} found")
}

fn format_of(path: &Path, explicit: Option<InputFormat>) -> Option<ImportFormat> {
    explicit
        .map(ImportFormat::from)
        .or_else(|| ImportFormat::from_file_name(&path.to_string_lossy()))
}

/// Reads any supported file into a config; syntax errors and unreadable configs are reported
/// as problems. A file with several connectors (dlt code with several sources) needs
/// `--source`.
pub(crate) fn read(input: &ConnectorFile) -> anyhow::Result<Imported> {
    let path = &input.file;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let options = ImportOptions {
        format: format_of(path, input.input_format),
        fallback_name: path.file_stem().map(|s| s.to_string_lossy().into_owned()),
        operations: OperationChoice {
            paths: input.paths.clone(),
            tags: input.tags.clone(),
            ids: Vec::new(),
        },
    };
    match sluice_config::import_all(&text, &options) {
        Ok(all) => pick_source(all, input.source.as_deref(), path),
        Err(err) => {
            let problems = err.problems();
            report(&problems);
            Err(problems_error(problems.len()))
        }
    }
}

/// The connector `--source` names, or the only one.
fn pick_source(
    mut all: Vec<Imported>,
    wanted: Option<&str>,
    path: &Path,
) -> anyhow::Result<Imported> {
    let names: Vec<String> = all
        .iter()
        .map(|imported| imported.config.effective_source_name())
        .collect();
    match wanted {
        Some(wanted) => match names.iter().position(|name| name == wanted) {
            Some(at) => Ok(all.swap_remove(at)),
            None => bail!(
                "{} has no source named `{wanted}`; its sources: {}",
                path.display(),
                names.join(", ")
            ),
        },
        None if all.len() == 1 => Ok(all.remove(0)),
        None => bail!(
            "{} defines {} sources ({}); choose one with --source NAME",
            path.display(),
            all.len(),
            names.join(", ")
        ),
    }
}

fn write_out(output: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

fn note_found_secrets(imported: &Imported) {
    for secret in &imported.found_secrets {
        eprintln!(
            "{}: a secret value was written here; it is left out and referenced as {{\"$secret\": \"{}\"}}: store it with `sluice secrets set <connector> {}`",
            secret.path, secret.name, secret.name
        );
    }
}

/// `sluice validate FILE`
pub fn validate(args: &ValidateArgs) -> anyhow::Result<()> {
    let args = &args.input;
    let format = format_of(&args.file, args.input_format);
    let problems = if matches!(format, Some(ImportFormat::Json | ImportFormat::Yaml)) {
        // A saved connector is checked strictly: a secret value in it is a problem.
        let text = std::fs::read_to_string(&args.file)
            .with_context(|| format!("cannot read {}", args.file.display()))?;
        let parsed = if format == Some(ImportFormat::Json) {
            serde_json::from_str::<serde_json::Value>(&text).map_err(|e| e.to_string())
        } else {
            sluice_config::from_yaml(&text)
                .map(|config| serde_json::to_value(config).unwrap_or_default())
                .map_err(|err| match err {
                    sluice_config::Error::Invalid(problems) => problems
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("\n"),
                    other => other.to_string(),
                })
        };
        match parsed {
            Ok(value) => sluice_config::check_value(&value),
            Err(message) => {
                eprintln!("{message}");
                bail!("{} is not a valid connector", args.file.display());
            }
        }
    } else {
        let imported = read(args)?;
        let mut problems = imported.problems.clone();
        problems.extend(imported.config.warnings());
        problems.extend(imported.found_secrets.iter().map(|s| {
            Problem::new(
                s.path.clone(),
                sluice_config::ProblemKind::SecretValue,
                "a secret value is written here; `sluice import` moves it out of the connector",
            )
        }));
        problems
    };
    // Warnings are printed but do not fail the check: the connector runs as it is.
    report(&problems);
    let errors = problems.iter().filter(|p| !p.is_warning()).count();
    if errors == 0 {
        eprintln!("{}: ok", args.file.display());
        Ok(())
    } else {
        Err(problems_error(errors))
    }
}

/// `sluice import FILE [-o OUT]`
pub fn import(args: &ImportArgs) -> anyhow::Result<()> {
    let imported = read(&args.input)?;
    note_found_secrets(&imported);
    let yaml = args.output.as_deref().is_some_and(|p| {
        matches!(
            ImportFormat::from_file_name(&p.to_string_lossy()),
            Some(ImportFormat::Yaml)
        )
    });
    let text = if yaml {
        imported.config.to_yaml_string()?
    } else {
        imported.config.to_json_string()?
    };
    write_out(args.output.as_deref(), &text)?;
    report(&imported.problems);
    // What an import guessed is said, and never fails it.
    match imported.problems.iter().filter(|p| !p.is_warning()).count() {
        0 => Ok(()),
        errors => Err(problems_error(errors)),
    }
}

/// `sluice export FILE --format dlt|json|yaml|secrets-toml|config-toml [-o OUT]`
pub fn export(args: &ExportArgs) -> anyhow::Result<()> {
    let imported = read(&args.input)?;
    note_found_secrets(&imported);
    report(&imported.problems);
    let errors = imported.problems.iter().filter(|p| !p.is_warning()).count();
    if errors > 0 {
        return Err(problems_error(errors));
    }
    let config: &ConnectorConfig = &imported.config;
    let text = sluice_config::export(config, args.format.into(), args.destination)?;
    write_out(args.output.as_deref(), &text)
}
