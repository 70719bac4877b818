//! Domain types and rules: plain Rust, no web dependencies.

pub mod appeal;
pub mod audit;
pub mod best;
pub mod batch;
pub mod checklist;
pub mod client;
pub mod date;
pub mod device;
pub mod eligibility;
pub mod ids;
pub mod merge;
pub mod intake;
pub mod kiosk;
pub mod lists;
pub mod rebase;
pub mod referral;
pub mod search;
pub mod text;
pub mod validate;
