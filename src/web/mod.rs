//! The browser app (wasm32 only): Leptos components over the storage seam.

mod app;
mod app_store;
mod icons;
mod platform;
mod prefs;
mod screens;
mod sw;

pub use app::App;
pub use app_store::AppStore;

use wasm_bindgen::prelude::*;

/// Entry point, called by `boot.js` once the wasm module is loaded.
#[wasm_bindgen(start)]
pub fn start() {
    let Some(root) = leptos::prelude::document().get_element_by_id("app") else {
        return;
    };
    root.set_inner_html("");
    if let Ok(root) = root.dyn_into::<web_sys::HtmlElement>() {
        leptos::mount::mount_to(root, App).forget();
    }
}
