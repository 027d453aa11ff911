use thiserror::Error;

/// Everything the app store can fail with. Messages are shown to the user as they are, so they
/// say what went wrong in the user's words and never include config values.
#[derive(Debug, Error)]
pub enum Error {
    #[error("a connector named \"{0}\" already exists; pick another name")]
    NameTaken(String),
    #[error(
        "the pipeline name \"{name}\" belongs to the connector \"{connector}\"; two connectors \
         with one pipeline name would sync into one DuckDB file, so pick another"
    )]
    PipelineNameTaken { name: String, connector: String },
    #[error("a connector needs a name")]
    NameEmpty,
    #[error("no connector with id {0}")]
    ConnectorNotFound(i64),
    #[error("no run with id {0}")]
    RunNotFound(i64),
    #[error("no saved version with id {0} for this connector")]
    VersionNotFound(i64),
    #[error("the app database could not be read or written: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("the app database could not be upgraded: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("a saved connector is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
}

pub type Result<T> = std::result::Result<T, Error>;
