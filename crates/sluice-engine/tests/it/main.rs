//! Integration tests of the engine against the demo API on loopback.

mod common;
