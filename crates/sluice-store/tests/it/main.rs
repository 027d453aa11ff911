//! Integration tests of the app store against real SQLite files.

mod connectors;
mod runs;
mod versions;
