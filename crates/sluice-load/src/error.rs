use std::path::PathBuf;

/// What can go wrong normalizing and loading. Messages name the file, table or column at fault
/// and never carry a secret (records never reach an error whole, only short value previews).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot open the DuckDB file {path}: {message}")]
    Open { path: PathBuf, message: String },
    #[error("DuckDB failed while {doing}: {message}")]
    Duckdb { doing: String, message: String },
    #[error(
        "the value {value} does not fit column `{column}` of table `{table}`, nor a variant of it"
    )]
    Coercion {
        table: String,
        column: String,
        value: String,
    },
    #[error("resource `{resource}`: {message}")]
    Unsupported { resource: String, message: String },
    #[error("the pipeline state stored in the DuckDB file cannot be read: {0}")]
    State(String),
    #[error("the file has no table `{0}` in this dataset")]
    NoTable(String),
    #[error("table `{table}` has no column `{column}`")]
    NoColumn { table: String, column: String },
    #[error("the query failed: {0}")]
    Query(String),
    #[error("cannot export to {path}: {message}")]
    Export { path: PathBuf, message: String },
    #[error("no resource named `{0}` in this connector")]
    UnknownResource(String),
    #[error(transparent)]
    Engine(#[from] sluice_engine::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

/// Adds what was being done to a DuckDB error.
pub(crate) trait Doing<T> {
    fn doing(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Doing<T> for duckdb::Result<T> {
    fn doing(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|error| Error::Duckdb {
            doing: what(),
            message: error.to_string(),
        })
    }
}
