//! Errors of the secrets crate.
//!
//! Every message here may end up in a log, an event or the UI, so none of them ever carries a
//! secret value: they name the connector, the secret and what to do, and quote the backend's own
//! message only where that message cannot contain a value (D-Bus and OS errors about the store).

/// What went wrong with a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Neither the environment override nor the keychain holds the secret.
    #[error(
        "secret `{name}` of connector `{connector}` is not set: set it with \
         `sluice secrets set {connector} {name}` or in the connector's Auth form in the app \
         (for a headless run, set the environment variable {env_var} instead)"
    )]
    Missing {
        connector: String,
        name: String,
        env_var: String,
    },

    /// There is no keychain to talk to, e.g. no Secret Service provider on the session D-Bus.
    #[error(
        "no keychain available ({detail}). Sluice keeps secrets only in the operating system's \
         keychain and never in a file. {hint} For a headless run, pass each secret as an \
         environment variable SLUICE_SECRET_<NAME> instead."
    )]
    NoKeychain { detail: String, hint: &'static str },

    /// The keychain answered but refused access, typically because it is locked.
    #[error(
        "the keychain is locked or refused access ({detail}). {hint} For a headless run, pass \
         each secret as an environment variable SLUICE_SECRET_<NAME> instead."
    )]
    Locked { detail: String, hint: &'static str },

    /// A connector id or secret name that cannot name a keychain entry.
    #[error("invalid {what} {value:?}: {reason}")]
    InvalidName {
        what: &'static str,
        value: String,
        reason: &'static str,
    },

    /// An empty value would read back as "set" while authenticating nothing.
    #[error(
        "the value for secret `{name}` of connector `{connector}` is empty; nothing was saved"
    )]
    EmptyValue { connector: String, name: String },

    /// The keychain entry holds bytes that are not UTF-8 (written by another program).
    #[error(
        "the keychain entry for secret `{name}` of connector `{connector}` is not text; \
         set it again with `sluice secrets set {connector} {name}`"
    )]
    NotText { connector: String, name: String },

    /// More than one keychain entry matches; another program created a duplicate.
    #[error(
        "the keychain holds {count} entries for secret `{name}` of connector `{connector}`; \
         delete the duplicates with your keychain's own tool (e.g. Seahorse) and set it again"
    )]
    Ambiguous {
        connector: String,
        name: String,
        count: usize,
    },

    /// The environment override exists but cannot be a secret value.
    #[error("environment variable {var} is not valid UTF-8")]
    EnvNotUnicode { var: String },

    /// The platform's keychain API cannot search entries, so the names must come from elsewhere.
    #[error(
        "this keychain cannot list the secrets it holds for connector `{connector}`; \
         give the connector's config file so its secret names can be read from it"
    )]
    ListUnsupported { connector: String },

    /// Any other failure reported by the keychain.
    #[error("keychain error: {detail}")]
    Keychain { detail: String },

    /// Reading a secret value from the terminal or stdin failed.
    #[error("couldn't read the secret value: {0}")]
    Input(#[source] std::io::Error),
}

impl Error {
    /// A stable, machine-readable name for the kind of error, for the UI and the IPC boundary.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Missing { .. } => "missing",
            Error::NoKeychain { .. } => "no_keychain",
            Error::Locked { .. } => "locked",
            Error::InvalidName { .. } => "invalid_name",
            Error::EmptyValue { .. } => "empty_value",
            Error::NotText { .. } => "not_text",
            Error::Ambiguous { .. } => "ambiguous",
            Error::EnvNotUnicode { .. } => "env_not_unicode",
            Error::ListUnsupported { .. } => "list_unsupported",
            Error::Keychain { .. } => "keychain",
            Error::Input(_) => "input",
        }
    }
}

/// Result of the secrets crate.
pub type Result<T> = std::result::Result<T, Error>;
