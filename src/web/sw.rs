//! Service worker: registers `sw.js` (which precaches the whole build) and tells the app when a new build is waiting.
//! A new build never takes over silently: the user is shown "update available — reload".

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

/// The message `sw.js` answers by activating the waiting build.
const SKIP_WAITING: &str = "skip-waiting";

thread_local! {
    static REGISTRATION: std::cell::RefCell<Option<ServiceWorkerRegistration>> = const { std::cell::RefCell::new(None) };
    static RELOAD_ON_CHANGE: Rc<Cell<bool>> = Rc::new(Cell::new(false));
}

fn container() -> Option<ServiceWorkerContainer> {
    let nav = web_sys::window()?.navigator();
    // Missing on insecure origins and in some private modes.
    let value = js_sys::Reflect::get(&nav, &"serviceWorker".into()).ok()?;
    value.dyn_into::<ServiceWorkerContainer>().ok()
}

/// Registers the service worker and watches for a waiting build: `update_ready` turns true when one is there,
/// `offline_ready` when a service worker controls the page (so it opens without the server). Without service
/// workers (insecure origin, old browser) neither turns true and the app works only while the server is reachable.
pub fn register(update_ready: RwSignal<bool>, offline_ready: RwSignal<bool>) {
    let Some(container) = container() else { return };
    offline_ready.set(container.controller().is_some());

    let reload_flag = RELOAD_ON_CHANGE.with(Rc::clone);
    let on_controller_change = Closure::<dyn FnMut()>::new(move || {
        offline_ready.set(true);
        // Only a change the user asked for reloads the page; the first install also changes the controller.
        if reload_flag.get() {
            super::platform::reload();
        }
    });
    container.set_oncontrollerchange(Some(on_controller_change.as_ref().unchecked_ref()));
    on_controller_change.forget();

    let promise = container.register("./sw.js");
    leptos::task::spawn_local(async move {
        // (Checked: a browser that blocks service workers, as a test may ask, can answer with nothing.)
        let Ok(Ok(reg)) = JsFuture::from(promise).await.map(|v| v.dyn_into::<ServiceWorkerRegistration>()) else {
            return;
        };
        if reg.waiting().is_some() && container.controller().is_some() {
            update_ready.set(true);
        }
        let reg_in_cb = reg.clone();
        let on_update_found = Closure::<dyn FnMut()>::new(move || {
            if let Some(installing) = reg_in_cb.installing() {
                watch_installing(installing, update_ready);
            }
        });
        reg.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
        on_update_found.forget();
        REGISTRATION.with(|r| *r.borrow_mut() = Some(reg));
    });
}

fn watch_installing(worker: ServiceWorker, update_ready: RwSignal<bool>) {
    let w = worker.clone();
    let on_state = Closure::<dyn FnMut()>::new(move || {
        let has_controller = container().and_then(|c| c.controller()).is_some();
        // Installed while another build controls the page: a new build is waiting for the user.
        if w.state() == ServiceWorkerState::Installed && has_controller {
            update_ready.set(true);
        }
    });
    worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
    on_state.forget();
}

/// Asks the browser to look for a new build now (after coming back online, for example).
pub fn check_for_update() {
    REGISTRATION.with(|r| {
        if let Some(reg) = r.borrow().as_ref() {
            // A failed check (offline, the server down) is normal and changes nothing; the next check will try
            // again. Its promise is awaited so the failure is handled, not reported as an error on the page.
            if let Ok(check) = reg.update() {
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = wasm_bindgen_futures::JsFuture::from(check).await;
                });
            }
        }
    });
}

/// Activates the waiting build and reloads into it.
pub fn apply_update() {
    let waiting = REGISTRATION.with(|r| r.borrow().as_ref().and_then(|reg| reg.waiting()));
    match waiting {
        Some(worker) => {
            RELOAD_ON_CHANGE.with(|f| f.set(true));
            if worker.post_message(&JsValue::from_str(SKIP_WAITING)).is_err() {
                super::platform::reload();
            }
        }
        None => super::platform::reload(),
    }
}
