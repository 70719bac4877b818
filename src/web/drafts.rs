//! Nothing typed is ever lost: a record being edited (the intake draft, a checklist) is saved within a second of
//! every change, and at once when the page is hidden or closed (tablet locked, tab switched, battery low).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::storage::{self, Record, StoreError};

use super::app::Ctx;
use super::platform;

const DEBOUNCE: Duration = Duration::from_millis(400);

/// The autosave of one record signal. `enabled` stays false until the user has chosen to continue or start anew, so
/// an offered draft is never overwritten by an empty one. `prepare` readies the copy to write (stamps, snapshots);
/// `saved` gets the copy written.
#[derive(Clone, Copy)]
pub struct Autosave {
    pub saved_at: RwSignal<Option<String>>,
    pub error: RwSignal<Option<StoreError>>,
    /// Off once the record is finished (saved for good elsewhere): nothing pending is written after that.
    pub enabled: RwSignal<bool>,
}

impl Autosave {
    /// The draft's status line: when it was last saved, or why it could not be.
    pub fn status_text(self, ctx: Ctx) -> String {
        match (self.error.get(), self.saved_at.get()) {
            (Some(e), _) => {
                format!("{} {}", ctx.t().intake.draft_not_saved, crate::i18n::store_error(ctx.lang.get(), &e))
            }
            (None, Some(at)) => (ctx.t().intake.draft_saved)(&platform::local_time_of(&at)),
            (None, None) => String::new(),
        }
    }
}

struct State<T> {
    timer: Option<TimeoutHandle>,
    saving: bool,
    /// The newest copy not yet written. It is taken when the save is asked for, so a screen that is leaving (and
    /// whose signals are about to go) still gets written.
    pending: Option<T>,
}

pub fn autosave<T>(
    ctx: Ctx,
    draft: RwSignal<T>,
    enabled: RwSignal<bool>,
    prepare: fn(Ctx, &mut T, &str),
    written: fn(Ctx, T),
) -> Autosave
where
    T: Record + Clone + Send + Sync + 'static,
{
    let saved = Autosave { saved_at: RwSignal::new(None), error: RwSignal::new(None), enabled };
    // Shared with the write task, which may outlive the screen.
    let state = Arc::new(Mutex::new(State::<T> { timer: None, saving: false, pending: None }));

    // One write at a time, always of the newest copy: changes made while a write runs are written right after it.
    let st = state.clone();
    let save_now = Arc::new(move || {
        if !enabled.try_get_untracked().unwrap_or(false) {
            return;
        }
        let Some(snapshot) = draft.try_get_untracked() else { return };
        let busy = {
            let Ok(mut s) = st.lock() else { return };
            if let Some(t) = s.timer.take() {
                t.clear();
            }
            s.pending = Some(snapshot);
            std::mem::replace(&mut s.saving, true)
        };
        if busy {
            return;
        }
        let st = st.clone();
        super::lock::save_started();
        spawn_local(async move {
            loop {
                let next = st.lock().ok().and_then(|mut s| s.pending.take());
                let Some(mut d) = next else { break };
                let result = match ctx.store() {
                    Some(store) => {
                        let now = platform::now_iso();
                        prepare(ctx, &mut d, &now);
                        storage::save(&store, &d, &now).await.map(|_| {
                            written(ctx, d);
                            now
                        })
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
            }
            if let Ok(mut s) = st.lock() {
                s.saving = false;
            }
            super::lock::save_ended();
        });
    });

    let (st, save) = (state.clone(), save_now.clone());
    Effect::new(move |first: Option<()>| {
        draft.track();
        if first.is_none() || !enabled.get() {
            return;
        }
        let later = save.clone();
        if let Ok(h) = set_timeout_with_handle(move || later(), DEBOUNCE) {
            if let Ok(mut s) = st.lock() {
                if let Some(t) = s.timer.replace(h) {
                    t.clear();
                }
            }
        }
    });

    let flush = Arc::new(move || {
        if ctx.drop_pending.try_get_untracked().unwrap_or(false) {
            // The screen closes because its card's personal data was erased in another tab: nothing is written.
            if let Ok(mut s) = state.lock() {
                if let Some(t) = s.timer.take() {
                    t.clear();
                }
                s.pending = None;
            }
            return;
        }
        let pending = state.lock().map(|s| s.timer.is_some()).unwrap_or(false);
        if pending {
            save_now();
        }
    });
    let f = flush.clone();
    let hidden = window_event_listener(leptos::ev::pagehide, move |_| f());
    let f = flush.clone();
    let visibility = leptos::prelude::window_event_listener_untyped("visibilitychange", move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Hidden {
            f();
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
