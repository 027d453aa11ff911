//! Integration tests of the engine against the demo API on loopback.

mod actions;
mod auth;
mod common;
mod credentials;
mod hostile;
mod incremental;
mod many;
mod paging;
mod parents;
mod preview;
mod retries;
