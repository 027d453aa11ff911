//! Errors of this crate. Every message is safe to show: none carries a secret value.

use crate::Problem;

/// Anything that can go wrong while reading, checking or writing a connector config.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text is not valid JSON / YAML / Python, so there is no config to look at yet.
    #[error("cannot read {format}: {message}")]
    Syntax {
        format: &'static str,
        /// 1-based line of the problem when the reader knows it.
        line: Option<usize>,
        message: String,
    },
    /// The text was read but the config in it is wrong; every problem found, with its path.
    #[error("{}", summarize(.0))]
    Invalid(Vec<Problem>),
    /// The input holds no connector config at all (e.g. a markdown file without a code block).
    #[error("no connector config found: {0}")]
    NotFound(String),
    #[error("cannot write {format}: {message}")]
    Export {
        format: &'static str,
        message: String,
    },
}

fn summarize(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    lines.join("\n")
}

impl Error {
    /// The problems behind an [`Error::Invalid`]; a single problem at the root for the others,
    /// so a caller can show any error the same way.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            Error::Invalid(problems) => problems.clone(),
            other => vec![Problem::new(
                "",
                crate::ProblemKind::Syntax,
                other.to_string(),
            )],
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
