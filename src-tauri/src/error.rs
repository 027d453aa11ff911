//! The one error shape that crosses the IPC boundary. The UI reads `field` to put the message next
//! to the form field it is about; `message` is plain words for the user and never holds a secret.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "app/")]
pub enum ErrorKind {
    /// The user's input is not acceptable; `field` says which input.
    Invalid,
    NotFound,
    /// The system keychain is missing, locked or refused; the message says what to do.
    Keychain,
    /// Something on this machine failed (database, files): not the user's doing.
    Internal,
    /// The file to write exists; the UI asks before replacing it.
    Exists,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "app/")]
pub struct CommandError {
    pub kind: ErrorKind,
    pub message: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl CommandError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Invalid,
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Internal,
            message: message.into(),
            field: None,
        }
    }
}

impl From<sluice_store::Error> for CommandError {
    fn from(err: sluice_store::Error) -> Self {
        use sluice_store::Error as E;
        let message = err.to_string();
        match err {
            E::NameTaken(_) | E::NameEmpty => Self::invalid("name", message),
            E::PipelineNameTaken { .. } => Self::invalid("sluice.pipeline.pipeline_name", message),
            E::ConnectorNotFound(_) | E::VersionNotFound(_) | E::RunNotFound(_) => Self {
                kind: ErrorKind::NotFound,
                message,
                field: None,
            },
            E::Database(_) | E::Migration(_) | E::Json(_) => Self::internal(message),
        }
    }
}

impl From<sluice_secrets::Error> for CommandError {
    fn from(err: sluice_secrets::Error) -> Self {
        // sluice-secrets words its errors for the user and never includes a secret value.
        Self {
            kind: ErrorKind::Keychain,
            message: err.to_string(),
            field: None,
        }
    }
}

pub type CommandResult<T> = std::result::Result<T, CommandError>;
