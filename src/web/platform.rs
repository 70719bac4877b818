//! What the browser tells about the device: network, storage, time, randomness, the build.

use js_sys::{Date, Promise};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Storage used and the quota the browser grants, in bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub usage: u64,
    pub quota: u64,
}

fn navigator() -> Option<web_sys::Navigator> {
    web_sys::window().map(|w| w.navigator())
}

fn storage_manager() -> Option<web_sys::StorageManager> {
    // `navigator.storage` is missing on insecure origins and old browsers: check before use.
    let nav = navigator()?;
    let value = js_sys::Reflect::get(&nav, &"storage".into()).ok()?;
    value.dyn_into::<web_sys::StorageManager>().ok()
}

pub fn is_online() -> bool {
    navigator().is_none_or(|n| n.on_line())
}

pub async fn estimate() -> Option<Estimate> {
    let promise = storage_manager()?.estimate().ok()?;
    let value = JsFuture::from(promise).await.ok()?;
    let est: web_sys::StorageEstimate = value.unchecked_into();
    Some(Estimate { usage: est.get_usage().unwrap_or(0.0) as u64, quota: est.get_quota()? as u64 })
}

async fn bool_promise(p: Result<Promise, wasm_bindgen::JsValue>) -> Option<bool> {
    JsFuture::from(p.ok()?).await.ok()?.as_bool()
}

/// Whether the browser has granted persistent storage; `None` when it does not say.
pub async fn persisted() -> Option<bool> {
    bool_promise(storage_manager()?.persisted()).await
}

/// Asks for persistent storage; `None` when the browser has no such request.
pub async fn request_persist() -> Option<bool> {
    bool_promise(storage_manager()?.persist()).await
}

/// The current time as RFC 3339 UTC with milliseconds.
pub fn now_iso() -> String {
    Date::new_0().to_iso_string().into()
}

/// 16 bytes from the browser's cryptographic random source.
pub fn random_16() -> Option<[u8; 16]> {
    let crypto = web_sys::window()?.crypto().ok()?;
    let mut bytes = [0u8; 16];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(bytes)
}

/// The build id stamped into index.html at build time ("dev" when unstamped).
pub fn build_id() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name='pryiom-build']").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .unwrap_or_else(|| "dev".into())
}

pub fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}
