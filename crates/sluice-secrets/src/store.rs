//! The keychain, with secrets named per connector.

use crate::error::{Error, Result};
use crate::SecretValue;

/// The keychain service every Sluice secret is stored under.
pub const SERVICE: &str = "sluice";

/// Prefix of the environment variables that override keychain secrets.
pub const ENV_PREFIX: &str = "SLUICE_SECRET_";

/// The environment variable that overrides secret `name` for every connector:
/// `SLUICE_SECRET_` followed by the name upper-cased, with every character other than an ASCII
/// letter or digit turned into `_` (`api-key` and `api.key` both become `SLUICE_SECRET_API_KEY`).
pub fn env_var_name(name: &str) -> String {
    let mut var = String::with_capacity(ENV_PREFIX.len() + name.len());
    var.push_str(ENV_PREFIX);
    push_env_part(&mut var, name);
    var
}

/// The environment variable that overrides secret `name` for one connector only, and wins over
/// [`env_var_name`]: `SLUICE_SECRET_<CONNECTOR>__<NAME>`, both parts spelled as there
/// (`SLUICE_SECRET_SHOP_API__TOKEN` for connector `shop-api`, secret `token`). Two connectors
/// with a secret of the same name can then run side by side from one environment.
pub fn scoped_env_var_name(connector: &str, name: &str) -> String {
    let mut var = String::with_capacity(ENV_PREFIX.len() + connector.len() + 2 + name.len());
    var.push_str(ENV_PREFIX);
    push_env_part(&mut var, connector);
    var.push_str("__");
    push_env_part(&mut var, name);
    var
}

fn push_env_part(var: &mut String, part: &str) {
    var.extend(part.chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        }
    }));
}

/// The secrets of every connector, kept in the operating system's keychain: the Secret Service
/// (gnome-keyring, KeePassXC) on Linux, the Keychain on macOS, the Credential Manager on Windows.
///
/// Each secret is one keychain entry with service `sluice` and account (user)
/// `<connector id>/<secret name>`, which is how it shows in Seahorse or Keychain Access. Connector
/// ids therefore cannot contain `/`; secret names can. There is no other storage: when the keychain
/// is unreachable every call fails with [`Error::NoKeychain`], never falling back to a file.
#[derive(Debug, Clone)]
pub struct SecretStore {
    service: String,
}

impl Default for SecretStore {
    fn default() -> Self {
        SecretStore::new()
    }
}

impl SecretStore {
    /// The store every Sluice build shares, under service [`SERVICE`].
    pub fn new() -> Self {
        SecretStore::with_service(SERVICE)
    }

    /// A store under another keychain service, so tests or a development build keep their
    /// secrets apart from the user's real ones.
    pub fn with_service(service: impl Into<String>) -> Self {
        SecretStore {
            service: service.into(),
        }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// Saves a secret, replacing the value it had.
    pub fn set(&self, connector: &str, name: &str, value: &SecretValue) -> Result<()> {
        let entry = self.entry(connector, name)?;
        if value.is_empty() {
            return Err(Error::EmptyValue {
                connector: connector.to_owned(),
                name: name.to_owned(),
            });
        }
        entry
            .set_password(value.expose())
            .map_err(|err| keychain_error(err, connector, name))
    }

    /// The value in the keychain, or `None` when it is not set. Ignores the environment; see
    /// [`SecretStore::resolve`] for what a run uses.
    pub fn get(&self, connector: &str, name: &str) -> Result<Option<SecretValue>> {
        match self.entry(connector, name)?.get_password() {
            Ok(value) => Ok(Some(SecretValue::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(keychain_error(err, connector, name)),
        }
    }

    /// Whether the keychain holds the secret (the environment is not consulted).
    pub fn is_set(&self, connector: &str, name: &str) -> Result<bool> {
        Ok(self.get(connector, name)?.is_some())
    }

    /// Removes a secret. Returns false when there was nothing to remove.
    pub fn delete(&self, connector: &str, name: &str) -> Result<bool> {
        match self.entry(connector, name)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(err) => Err(keychain_error(err, connector, name)),
        }
    }

    /// The value a run uses: the environment variable [`scoped_env_var_name`], else
    /// [`env_var_name`], when set and not empty (for headless runs and CI), otherwise the
    /// keychain. A secret in none of these is [`Error::Missing`], whose message says how to set
    /// it.
    pub fn resolve(&self, connector: &str, name: &str) -> Result<SecretValue> {
        validate_connector(connector)?;
        validate_name(name)?;
        let scoped = scoped_env_var_name(connector, name);
        for var in [scoped.clone(), env_var_name(name)] {
            match std::env::var_os(&var) {
                Some(value) if !value.is_empty() => {
                    return match value.into_string() {
                        Ok(value) => Ok(SecretValue::new(value)),
                        Err(_) => Err(Error::EnvNotUnicode { var }),
                    };
                }
                _ => {}
            }
        }
        self.get(connector, name)?.ok_or(Error::Missing {
            connector: connector.to_owned(),
            name: name.to_owned(),
            env_var: scoped,
        })
    }

    /// The names of the secrets the keychain holds for a connector, sorted.
    ///
    /// Only the Secret Service (Linux) can search; the macOS Keychain and the Windows Credential
    /// Manager APIs behind keyring 3 cannot, and there this is [`Error::ListUnsupported`]: the
    /// caller takes the names from the connector's config instead.
    pub fn names(&self, connector: &str) -> Result<Vec<String>> {
        validate_connector(connector)?;
        #[cfg(target_os = "linux")]
        {
            crate::linux::names(&self.service, connector)
        }
        #[cfg(not(target_os = "linux"))]
        {
            Err(Error::ListUnsupported {
                connector: connector.to_owned(),
            })
        }
    }

    fn entry(&self, connector: &str, name: &str) -> Result<keyring::Entry> {
        validate_connector(connector)?;
        validate_name(name)?;
        keyring::Entry::new(&self.service, &account(connector, name))
            .map_err(|err| keychain_error(err, connector, name))
    }
}

/// The keychain account of a secret.
fn account(connector: &str, name: &str) -> String {
    format!("{connector}/{name}")
}

/// Splits a keychain account back into connector id and secret name.
#[cfg(target_os = "linux")]
pub(crate) fn split_account(account: &str) -> Option<(&str, &str)> {
    account.split_once('/')
}

fn validate_connector(connector: &str) -> Result<()> {
    let invalid = |reason| {
        Err(Error::InvalidName {
            what: "connector id",
            value: connector.to_owned(),
            reason,
        })
    };
    if connector.contains('/') {
        return invalid("it cannot contain `/`, which separates it from the secret name");
    }
    validate_common(connector).or_else(invalid)
}

fn validate_name(name: &str) -> Result<()> {
    validate_common(name).map_err(|reason| Error::InvalidName {
        what: "secret name",
        value: name.to_owned(),
        reason,
    })
}

fn validate_common(s: &str) -> std::result::Result<(), &'static str> {
    if s.is_empty() {
        Err("it is empty")
    } else if s.trim() != s {
        Err("it starts or ends with whitespace")
    } else if s.chars().any(char::is_control) {
        Err("it contains a control character")
    } else {
        Ok(())
    }
}

/// Turns keyring's error into ours. keyring's own messages are not used verbatim where they could
/// carry the stored bytes (`BadEncoding`) or a dump of other entries (`Ambiguous`).
fn keychain_error(err: keyring::Error, connector: &str, name: &str) -> Error {
    match err {
        keyring::Error::PlatformFailure(inner) => {
            platform_error(inner.as_ref()).unwrap_or_else(|| Error::Keychain {
                detail: inner.to_string(),
            })
        }
        keyring::Error::NoStorageAccess(inner) => {
            platform_error(inner.as_ref()).unwrap_or_else(|| Error::Locked {
                detail: inner.to_string(),
                hint: UNLOCK_HINT,
            })
        }
        keyring::Error::NoEntry => Error::Missing {
            connector: connector.to_owned(),
            name: name.to_owned(),
            env_var: env_var_name(name),
        },
        keyring::Error::BadEncoding(_) => Error::NotText {
            connector: connector.to_owned(),
            name: name.to_owned(),
        },
        keyring::Error::Ambiguous(items) => Error::Ambiguous {
            connector: connector.to_owned(),
            name: name.to_owned(),
            count: items.len(),
        },
        keyring::Error::TooLong(attr, limit) => Error::Keychain {
            detail: format!("the entry's {attr} is longer than this keychain's limit of {limit}"),
        },
        keyring::Error::Invalid(attr, reason) => Error::Keychain {
            detail: format!("the entry's {attr} is invalid: {reason}"),
        },
        other => Error::Keychain {
            detail: other.to_string(),
        },
    }
}

#[cfg(target_os = "linux")]
fn platform_error(inner: &(dyn std::error::Error + Send + Sync + 'static)) -> Option<Error> {
    inner
        .downcast_ref::<dbus_secret_service::Error>()
        .map(crate::linux::classify)
}

#[cfg(not(target_os = "linux"))]
fn platform_error(_inner: &(dyn std::error::Error + Send + Sync + 'static)) -> Option<Error> {
    None
}

#[cfg(target_os = "linux")]
pub(crate) const UNLOCK_HINT: &str = "Unlock the login keyring: log into the desktop session, \
     open Seahorse (\"Passwords and Keys\"), or run `gnome-keyring-daemon --unlock` and type its \
     password.";
#[cfg(target_os = "macos")]
pub(crate) const UNLOCK_HINT: &str =
    "Unlock the login keychain in Keychain Access and allow Sluice access when asked.";
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
pub(crate) const UNLOCK_HINT: &str = "Log in to the user account whose credential store holds \
     the secrets.";
