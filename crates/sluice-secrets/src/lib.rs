//! Secrets in the OS keychain, and nowhere else.
//!
//! - [`SecretStore`] keeps each connector's secrets in the operating system's keychain and
//!   resolves them for a run, letting a `SLUICE_SECRET_<NAME>` environment variable
//!   ([`env_var_name`]) override the keychain for headless runs.
//! - [`SecretValue`] is a value that never prints itself.
//! - [`Redactor`] is the one mechanism that removes secret values, and the tokens obtained at run
//!   time, from every log line, event, error, preview capture and export.
//!
//! When no keychain is reachable every call fails with [`Error::NoKeychain`], whose message says
//! what to install or start. There is deliberately no plaintext fallback.

mod error;
mod input;
#[cfg(target_os = "linux")]
mod linux;
mod redact;
mod references;
mod store;
mod value;

pub use error::{Error, Result};
pub use input::read_secret_value;
pub use redact::{Redactor, MIN_REDACTED_LEN, REDACTED};
pub use references::secret_references;
pub use store::{env_var_name, scoped_env_var_name, SecretStore, ENV_PREFIX, SERVICE};
pub use value::SecretValue;
