//! Domain types and rules: plain Rust, no web dependencies.

pub mod device;
pub mod ids;
