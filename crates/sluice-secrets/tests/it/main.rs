//! The integration tests of sluice-secrets, in one binary.
//!
//! Tests that need a keychain are `#[ignore]`d so a plain `cargo test` neither fails on a machine
//! without one nor touches the user's keychain behind their back. Run them against a private,
//! throwaway gnome-keyring with
//!
//!     scripts/with-keyring.sh cargo test -p sluice-secrets -- --include-ignored
//!
//! or against your own unlocked keychain with `cargo test -p sluice-secrets -- --include-ignored`.
//! When they run, an unreachable keychain fails them; nothing is skipped silently.

mod harness;
mod keychain;
mod names;
mod no_keychain;
mod redaction;
