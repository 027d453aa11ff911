//! A secret value that never prints itself.

use std::fmt;

use zeroize::Zeroizing;

use crate::redact::REDACTED;

/// The value of a secret (an API key, a password, a client secret, a token).
///
/// `Debug` and `Display` print the redaction marker, never the value, so a value that slips into
/// a `format!`, a log line or a `dbg!` shows nothing. It deliberately implements no `Serialize`
/// either. The only way to the characters is [`SecretValue::expose`], which makes every use
/// visible in review. The memory is wiped when the value is dropped, so a freed buffer doesn't
/// keep the secret around for a later heap dump.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(Zeroizing<String>);

impl SecretValue {
    pub fn new(value: String) -> Self {
        SecretValue(Zeroizing::new(value))
    }

    /// The secret's characters, for the one place that must send them (an HTTP header, a form).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for SecretValue {
    fn from(value: String) -> Self {
        SecretValue::new(value)
    }
}

impl From<&str> for SecretValue {
    fn from(value: &str) -> Self {
        SecretValue::new(value.to_owned())
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretValue({REDACTED})")
    }
}

impl fmt::Display for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}
