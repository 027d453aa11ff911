use std::path::PathBuf;

/// What can go wrong normalizing and loading. Messages name the file, table or column at fault
/// and never carry a secret (records never reach an error whole, only short value previews).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot open the DuckDB file {path}: {message}")]
    Open { path: PathBuf, message: String },
    /// Another process holds the file (DuckDB allows one writer, or readers, across processes).
    #[error("{} is open in another program ({holder}), so Sluice cannot open it now", .path.display())]
    InUse { path: PathBuf, holder: String },
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
            Error::InUse { .. } => Some(
                "Close the file in that program, or wait for its sync to end, and try again. In the Sluice app, leave the connector's Data tab."
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

    /// The editor section [`Error::next_step`] points at, when it points at one.
    pub fn fix_in(&self) -> Option<sluice_engine::FormSection> {
        match self {
            Error::Engine(error) => error.fix_in(),
            Error::Coercion { .. } | Error::Unsupported { .. } => {
                Some(sluice_engine::FormSection::Resources)
            }
            _ => None,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// The error of opening `path`, naming the program that holds it when that is the cause.
pub(crate) fn open_error(path: &std::path::Path, error: &duckdb::Error) -> Error {
    let message = error.to_string();
    // DuckDB's only account of a lock held elsewhere is its message: "Could not set lock on
    // file …: Conflicting lock is held in /usr/bin/python3 (PID 123)".
    if message.contains("Could not set lock on file") {
        let holder = message
            .split_once("Conflicting lock is held in ")
            .and_then(|(_, rest)| rest.split_once(')'))
            .map(|(program, _)| {
                let (name, pid) = program.rsplit_once(" (").unwrap_or((program, ""));
                let name = name.rsplit('/').next().unwrap_or(name);
                if pid.is_empty() {
                    name.to_owned()
                } else {
                    format!("{name}, {pid}")
                }
            })
            .unwrap_or_else(|| "another process".to_owned());
        return Error::InUse {
            path: path.to_owned(),
            holder,
        };
    }
    Error::Open {
        path: path.to_owned(),
        message,
    }
}

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
