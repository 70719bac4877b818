//! Pryiom: offline-first intake for Ukraine's free legal aid system.
//!
//! Pure modules (`domain`, `i18n`, `storage` but for `storage::idb`) build and test on the host; `web` is the
//! browser app and builds for wasm32 only.

pub mod crypto;
pub mod domain;
pub mod erasure;
pub mod i18n;
pub mod kiosk;
pub mod merge;
pub mod nav;
pub mod storage;
pub mod transfer;

#[cfg(target_arch = "wasm32")]
pub mod web;
