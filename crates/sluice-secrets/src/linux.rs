//! What keyring 3 doesn't expose on Linux: searching the Secret Service, and telling "no keychain"
//! apart from other D-Bus failures.

use std::collections::HashMap;

use dbus_secret_service::{EncryptionType, SecretService};

use crate::error::{Error, Result};
use crate::store::{split_account, UNLOCK_HINT};

const INSTALL_HINT: &str = "Install and start a Secret Service provider: gnome-keyring \
     (`apt install gnome-keyring`; a desktop login starts it, otherwise run \
     `gnome-keyring-daemon --start --components=secrets` inside a D-Bus session) or KeePassXC \
     with its Secret Service integration enabled.";

/// D-Bus errors meaning nobody on the session bus provides the Secret Service, or there is no
/// session bus at all.
const UNREACHABLE: &[&str] = &[
    "org.freedesktop.DBus.Error.NoServer",
    "org.freedesktop.DBus.Error.FileNotFound",
    "org.freedesktop.DBus.Error.NotSupported",
    "org.freedesktop.DBus.Error.ServiceUnknown",
    "org.freedesktop.DBus.Error.NameHasNoOwner",
    "org.freedesktop.DBus.Error.NoReply",
    "org.freedesktop.DBus.Error.Disconnected",
    "org.freedesktop.DBus.Error.Timeout",
    "org.freedesktop.DBus.Error.TimedOut",
    "org.freedesktop.DBus.Error.UnknownMethod",
    "org.freedesktop.DBus.Error.UnknownObject",
    "org.freedesktop.DBus.Error.UnknownInterface",
    "org.freedesktop.DBus.Error.Spawn.",
];

pub(crate) fn classify(err: &dbus_secret_service::Error) -> Error {
    use dbus_secret_service::Error as Ss;
    let detail = err.to_string();
    match err {
        Ss::Unavailable => Error::NoKeychain {
            detail,
            hint: INSTALL_HINT,
        },
        // NoResult comes from asking for the default collection when there is none, which a
        // fresh, never-unlocked gnome-keyring has: unlocking creates it.
        Ss::Locked | Ss::Prompt | Ss::NoResult => Error::Locked {
            detail,
            hint: UNLOCK_HINT,
        },
        Ss::Dbus(dbus) => {
            let name = dbus.name().unwrap_or_default();
            if UNREACHABLE.iter().any(|u| name.starts_with(u)) {
                Error::NoKeychain {
                    detail,
                    hint: INSTALL_HINT,
                }
            } else if name.starts_with("org.freedesktop.Secret.Error.IsLocked") {
                Error::Locked {
                    detail,
                    hint: UNLOCK_HINT,
                }
            } else {
                Error::Keychain { detail }
            }
        }
        _ => Error::Keychain { detail },
    }
}

/// The secret names stored for `connector` under `service`, sorted and without duplicates.
pub(crate) fn names(service: &str, connector: &str) -> Result<Vec<String>> {
    // Only attributes cross the bus here, never a secret, so the session needs no encryption.
    let ss = SecretService::connect(EncryptionType::Plain).map_err(|e| classify(&e))?;
    let found = ss
        .search_items(HashMap::from([("service", service)]))
        .map_err(|e| classify(&e))?;
    let mut names = Vec::new();
    for item in found.unlocked.iter().chain(found.locked.iter()) {
        let attributes = item.get_attributes().map_err(|e| classify(&e))?;
        let Some(account) = attributes.get("username") else {
            continue;
        };
        if let Some((c, name)) = split_account(account) {
            if c == connector {
                names.push(name.to_owned());
            }
        }
    }
    names.sort();
    names.dedup();
    Ok(names)
}
