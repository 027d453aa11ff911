//! Secrets in the OS keychain.
