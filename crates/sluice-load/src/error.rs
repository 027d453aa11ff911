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
    /// The chosen file exists and the user has not said to replace it.
    #[error("{} already exists", .path.display())]
    ExportExists { path: PathBuf },
    #[error("no resource named `{0}` in this connector")]
    UnknownResource(String),
    #[error("cancelled: nothing of this resource was loaded")]
    Cancelled,
    #[error(transparent)]
    Engine(#[from] sluice_engine::Error),
}

impl Error {
    /// What the user can do about it, pointing at the form or tab that holds the fix.
    pub fn next_step(&self) -> Option<String> {
        match self {
            Error::Engine(error) => error.next_step(),
            Error::Open { .. } => Some(
                "Check the DuckDB file's path on the Sync tab; another program may hold the file open."
                    .into(),
            ),
            Error::Coercion { column, .. } => Some(format!(
                "Give column `{column}` a data type under the resource's columns, or run a full refresh to rebuild the table."
            )),
            Error::Unsupported { .. } => Some("Change the setting named in the message in the resource's editor.".into()),
            Error::State(_) => Some("Run a full refresh to start the incremental state over.".into()),
            Error::UnknownResource(_) => Some("Pick one of the connector's resources.".into()),
            Error::NoTable(_) | Error::NoColumn { .. } => Some("Reload the table list; the file changed.".into()),
            Error::Export { .. } => Some("Pick a folder that exists and that you can write to.".into()),
            Error::ExportExists { .. } => Some("Press “Replace it” to write over it, or pick another name.".into()),
            Error::Query(_) | Error::Duckdb { .. } | Error::Cancelled => None,
        }
    }
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
