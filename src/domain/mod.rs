//! Domain types and rules: plain Rust, no web dependencies.

pub mod date;
pub mod device;
pub mod ids;
pub mod text;
pub mod validate;
pub mod client;
pub mod search;
pub mod appeal;
pub mod referral;
pub mod intake;
