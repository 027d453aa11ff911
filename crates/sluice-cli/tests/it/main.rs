//! The `sluice` binary as a user runs it, against the demo API on loopback.

mod preview;
