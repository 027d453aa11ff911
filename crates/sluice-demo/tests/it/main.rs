//! Integration tests of the demo API over real loopback HTTP, in one binary (see ripgrep's
//! layout): one module per endpoint family.

mod auth;
mod common;
mod faults;
mod incremental;
mod lifecycle;
mod paging;
mod records;
mod seeds;
