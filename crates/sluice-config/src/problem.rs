//! A problem found in a config: where it is and what is wrong, in plain language.

use serde::{Deserialize, Serialize};

/// One thing wrong with a config. `path` names the field the way a person reads the JSON
/// (`resources[2].endpoint.paginator.limit`; empty for the whole document), so the UI can put
/// `message` next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, schemars::JsonSchema)]
#[ts(export_to = "config/")]
pub struct Problem {
    pub path: String,
    pub kind: ProblemKind,
    pub message: String,
}

/// What sort of problem it is, for code that reacts differently (e.g. highlight a missing field).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum ProblemKind {
    /// The text could not be read at all.
    Syntax,
    /// A key that this place does not have.
    UnknownKey,
    /// A required key is absent.
    Missing,
    /// The value has the wrong JSON type (text where a number belongs, ...).
    WrongType,
    /// The value has the right type but is not allowed.
    InvalidValue,
    /// Two settings that cannot be used together.
    Conflict,
    /// Something names a resource, parameter or placeholder that does not exist.
    BadReference,
    /// A name used twice.
    Duplicate,
    /// A secret value where only a secret reference may stand.
    SecretValue,
    /// Python code in imported dlt code (a function, a lambda, a class with no dict form) that a
    /// saved connector cannot hold: it was left out and the rest imported.
    LeftOut,
    /// A warning, not an error: it works, but sends data or credentials where anyone on the
    /// network can read them. Never blocks a save or a sync.
    Insecure,
    /// A value an import chose from an API description's hints (a paginator from parameter
    /// names, a primary key from an `id` property): a note to check, never blocking.
    Guessed,
}

impl Problem {
    /// A warning shown at its field; everything else is an error that stops a sync.
    pub fn is_warning(&self) -> bool {
        matches!(self.kind, ProblemKind::Insecure | ProblemKind::Guessed)
    }

    pub fn new(path: impl Into<String>, kind: ProblemKind, message: impl Into<String>) -> Self {
        Problem {
            path: path.into(),
            kind,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "(document): {}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}
