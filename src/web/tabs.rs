//! Other tabs of the app on this device: when one commits a change to the records (its store posts a notice on a
//! BroadcastChannel, see `IdbStore::changes`), this tab reads the data again — at once when it is in view, else
//! when it comes back into view — and a screen about a card that holds no personal data any more (withdrawn or
//! merged in the other tab) closes to the card's page. The notice carries collection names only.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::nav::Route;

use super::app::Ctx;
use super::data::{self, DataStoreFields};
use super::lock::Gate;

/// How long a burst of notices (an import, a withdrawal in several writes) is gathered before one re-read.
const GATHER_MS: i32 = 250;

thread_local! {
    /// The app's context, for the re-read started outside any component (a timer).
    static CTX: Cell<Option<Ctx>> = const { Cell::new(None) };
    /// Another tab changed the records while this one was still loading (read a slice at a time, the load may not
    /// have seen the change): read again once loaded.
    static MISSED: Cell<bool> = const { Cell::new(false) };
    /// Schedules a re-read; set by [`listen`] (the re-read is a split point: code outside the app's start must not
    /// name it, or the browser tests' module, which links that code, could not load).
    static SCHEDULE: std::cell::RefCell<Option<Rc<dyn Fn()>>> = const { std::cell::RefCell::new(None) };
}

/// A change of many records made while the data loads (an import): read everything again once it has loaded.
pub fn missed() {
    MISSED.with(|m| m.set(true));
}

/// Called when the data has loaded: the re-read a change during the load asked for.
pub fn reread_if_missed() {
    if MISSED.with(|m| m.replace(false)) {
        if let Some(schedule) = SCHEDULE.with(|s| s.borrow().clone()) {
            schedule();
        }
    }
}

pub fn ctx() -> Option<Ctx> {
    CTX.with(Cell::get)
}

/// Listens for the other tabs' changes for as long as the page lives.
pub fn listen(ctx: Ctx) {
    CTX.with(|c| c.set(Some(ctx)));
    let Some(store) = ctx.store() else { return };
    let Some(channel) = store.changes().cloned() else { return };
    // A re-read is waiting: notices while hidden, or gathered before one re-read.
    let stale = Rc::new(Cell::new(false));
    let scheduled = Rc::new(Cell::new(false));
    let hidden = || document().visibility_state() == web_sys::VisibilityState::Hidden;

    let schedule = {
        let (stale, scheduled) = (stale.clone(), scheduled.clone());
        Rc::new(move || {
            if scheduled.replace(true) {
                return;
            }
            let (stale, scheduled) = (stale.clone(), scheduled.clone());
            let later = Closure::once_into_js(move || {
                scheduled.set(false);
                stale.set(false);
                spawn_local(super::lazy::reread());
            });
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(later.unchecked_ref(), GATHER_MS);
            }
        })
    };

    let scheduler: Rc<dyn Fn()> = schedule.clone();
    SCHEDULE.with(|s| *s.borrow_mut() = Some(scheduler));

    let on_message = {
        let (stale, schedule) = (stale.clone(), schedule.clone());
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| {
            if hidden() {
                stale.set(true);
            } else {
                schedule();
            }
        })
    };
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    let back = window_event_listener_untyped("visibilitychange", move |_| {
        if !hidden() && stale.get() {
            schedule();
        }
    });
    // The page's listener lives as long as the page.
    std::mem::forget(back);
}

/// Reads the data again (only while unlocked: a locked tab reads everything at its next unlock; while loading,
/// once loaded), then closes a screen about a card that no longer holds personal data.
pub async fn reread(ctx: Ctx) {
    if ctx.gate.get_untracked() != Gate::Open {
        return;
    }
    if !ctx.data_ready.get_untracked() {
        MISSED.with(|m| m.set(true));
        return;
    }
    let Some(store) = ctx.store() else { return };
    if let Err(e) = data::reload(ctx, &store).await {
        ctx.reread_failed.try_set(Some(e));
        return;
    }
    ctx.reread_failed.try_set(None);
    ctx.changed_elsewhere.update(|n| *n += 1);
    let card = match ctx.route.get_untracked() {
        Route::EditCard(id) => Some(id),
        Route::Merge(keep, gone) => {
            let gone_now = |id: &str| ctx.data.clients().with_untracked(|c| c.get(id).is_none_or(|c| c.personal.is_none()));
            if gone_now(&gone) { Some(gone) } else { Some(keep) }
        }
        Route::Checklist(appeal) => ctx.data.with_untracked(|d| d.appeal_and_client(&appeal).map(|(_, c)| c.id)),
        _ => None,
    };
    // The screen holds its own copy of what is typed (the card, the checklist's texts): it goes, so nothing of it
    // is shown or written back.
    if let Some(id) = card {
        if ctx.data.clients().with_untracked(|c| c.get(&id).is_some_and(|c| c.personal.is_none())) {
            ctx.drop_pending.set(true);
            ctx.open(Route::Client(id));
            // The closing screen's cleanup runs with the next render; then autosaves write again.
            let reset = Closure::once_into_js(move || ctx.drop_pending.set(false));
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(reset.unchecked_ref(), 500);
            }
        }
    }
}
