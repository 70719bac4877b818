//! Nothing typed is ever lost: the intake in progress is saved as a draft within a second of every change, and at
//! once when the page is hidden or closed (tablet locked, tab switched, battery low).

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::intake::IntakeDraft;
use crate::storage::{self, StoreError};

use super::app::Ctx;
use super::platform;

const DEBOUNCE: Duration = Duration::from_millis(400);

/// The autosave of one draft signal. `enabled` stays false until the user has chosen to continue or start anew, so
/// an offered draft is never overwritten by an empty one.
#[derive(Clone, Copy)]
pub struct Autosave {
    pub saved_at: RwSignal<Option<String>>,
    pub error: RwSignal<Option<StoreError>>,
}

struct State {
    timer: Option<TimeoutHandle>,
    saving: bool,
    dirty: bool,
}

pub fn autosave(ctx: Ctx, draft: RwSignal<IntakeDraft>, enabled: RwSignal<bool>) -> Autosave {
    let saved = Autosave { saved_at: RwSignal::new(None), error: RwSignal::new(None) };
    let state = StoredValue::new_local(State { timer: None, saving: false, dirty: false });

    // One write at a time, always of the newest draft: changes made while a write runs are written right after it.
    let save_now = move || {
        if let Some(Some(t)) = state.try_update_value(|s| s.timer.take()) {
            t.clear();
        }
        let busy = state.try_update_value(|s| {
            s.dirty = true;
            s.saving
        });
        if busy != Some(false) {
            return;
        }
        spawn_local(async move {
            loop {
                let Some(snapshot) = draft.try_get_untracked() else { return };
                state.update_value(|s| {
                    s.dirty = false;
                    s.saving = true;
                });
                let result = match ctx.store() {
                    Some(store) => {
                        let mut d = snapshot;
                        d.updated_at = platform::now_iso();
                        storage::save(&store, &d, &d.updated_at).await.map(|_| d.updated_at)
                    }
                    None => Err(StoreError::Unavailable { detail: "storage not open".into() }),
                };
                match result {
                    Ok(at) => {
                        saved.saved_at.try_set(Some(at));
                        saved.error.try_set(None);
                    }
                    Err(e) => {
                        saved.error.try_set(Some(e));
                    }
                }
                let again = state.try_update_value(|s| {
                    s.saving = false;
                    s.dirty
                });
                if again != Some(true) {
                    return;
                }
            }
        });
    };

    Effect::new(move |first: Option<()>| {
        draft.track();
        if first.is_none() || !enabled.get() {
            return;
        }
        if let Some(Some(t)) = state.try_update_value(|s| s.timer.take()) {
            t.clear();
        }
        if let Ok(h) = set_timeout_with_handle(save_now, DEBOUNCE) {
            state.update_value(|s| s.timer = Some(h));
        }
    });

    let flush = move || {
        let pending = state.try_with_value(|s| s.timer.is_some()).unwrap_or(false);
        if pending && enabled.get_untracked() {
            save_now();
        }
    };
    let hidden = window_event_listener(leptos::ev::pagehide, move |_| flush());
    let visibility = leptos::prelude::window_event_listener_untyped("visibilitychange", move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Hidden {
            flush();
        }
    });
    on_cleanup(move || {
        // Leaving the screen inside the app: write what is pending before the screen goes.
        flush();
        hidden.remove();
        visibility.remove();
    });
    saved
}
