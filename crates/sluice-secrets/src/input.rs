//! Reading a secret value from a person or a pipe, never from the command line (where it would
//! land in the shell history and in every process listing).

use std::io::{IsTerminal, Read};

use crate::error::{Error, Result};
use crate::SecretValue;

/// Reads a secret value: with a hidden prompt (no echo) when stdin is a terminal, otherwise all
/// of stdin, minus one trailing line break so that `echo "$TOKEN" | sluice secrets set …` stores
/// the token and not the newline. The prompt goes to the terminal, not to stdout.
pub fn read_secret_value(prompt: &str) -> Result<SecretValue> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return rpassword::prompt_password(prompt)
            .map(SecretValue::new)
            .map_err(Error::Input);
    }
    let mut bytes = zeroize::Zeroizing::new(Vec::new());
    stdin.lock().read_to_end(&mut bytes).map_err(Error::Input)?;
    let mut value = String::from_utf8(std::mem::take(&mut *bytes)).map_err(|err| {
        // Wipe the bytes that failed to decode too; the error must not carry them.
        drop(zeroize::Zeroizing::new(err.into_bytes()));
        Error::Input(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "the value on stdin is not UTF-8 text",
        ))
    })?;
    if value.ends_with('\n') {
        value.pop();
        if value.ends_with('\r') {
            value.pop();
        }
    }
    Ok(SecretValue::new(value))
}
