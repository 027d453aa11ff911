//! Integration tests of the loader: syncs against the demo API on loopback into real DuckDB
//! files, then assertions on their tables, columns, types and rows.

mod browse;
mod common;
mod dispositions;
mod hostile;
mod imports;
mod layout;
mod parity;
mod sql_box;
mod wide;
