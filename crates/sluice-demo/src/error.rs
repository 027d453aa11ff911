//! Errors the demo API reports to whoever starts it; request-level failures are HTTP answers, not
//! values of this type.

use std::io;

/// Why the demo server could not start, run or understand its options.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: io::Error },

    #[error("invalid fault option `{option}`: {reason}")]
    InvalidFaultOption { option: String, reason: String },

    #[error("invalid demo options: {0}")]
    InvalidOptions(String),

    #[error("the demo server stopped with an error: {0}")]
    Serve(io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
