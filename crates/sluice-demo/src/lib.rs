//! The demo API served on loopback.
