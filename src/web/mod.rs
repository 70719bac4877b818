//! The browser app (wasm32 only): Leptos components over the storage seam.

mod app;
mod app_store;
mod audit;
mod calendar;
mod data;
mod device;
mod drafts;
mod form;
mod icons;
mod lazy;
mod lock;
mod outbox;
mod platform;
mod prefs;
mod screens;
mod sw;
mod tabs;
mod widgets;

pub use app::App;
pub use app_store::AppStore;

use wasm_bindgen::prelude::*;

/// Entry point, called by `boot.js` once the wasm module is loaded.
#[cfg_attr(feature = "app", wasm_bindgen(start))]
pub fn start() {
    std::panic::set_hook(Box::new(on_panic));
    let Some(root) = leptos::prelude::document().get_element_by_id("app") else {
        return;
    };
    root.set_inner_html("");
    if let Ok(root) = root.dyn_into::<web_sys::HtmlElement>() {
        leptos::mount::mount_to(root, App).forget();
    }
}

/// A bug must not leave a silent, frozen screen: show the crash notice from index.html (both languages; what is
/// saved is safe). The panic message is logged only in debug builds: it might quote data.
fn on_panic(info: &std::panic::PanicHookInfo<'_>) {
    #[cfg(debug_assertions)]
    web_sys::console::error_2(
        &info.to_string().into(),
        &js_sys::Reflect::get(&js_sys::Error::new("stack"), &"stack".into()).unwrap_or_default(),
    );
    #[cfg(not(debug_assertions))]
    let _ = info;
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app-crashed")) {
        let _ = el.remove_attribute("hidden");
    }
}

/// Bytes of WebAssembly memory in use by the app (for the benchmark script; holds no data).
#[wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as f64
}
