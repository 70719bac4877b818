//! Nothing typed is ever lost: a record being edited (the intake draft, a checklist) is saved within a second of
//! every change, and at once when the page is hidden or closed (tablet locked, tab switched, battery low).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::rebase::Rebase;
use crate::storage::{self, Rebased, Record, Store, StoreError};

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
    /// The record was removed, or its personal data erased, in another tab since this screen read or wrote it:
    /// saving stopped and nothing of it was written again.
    pub erased: RwSignal<bool>,
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
    /// The copy this tab last knew stored (read when saving began, or written since), which the next edit is made
    /// from; whether it is in the store (`None`: not known yet).
    base: Option<T>,
    stored: Option<bool>,
}

fn same_json<T: serde::Serialize>(a: &T, b: &T) -> bool {
    matches!((serde_json::to_value(a), serde_json::to_value(b)), (Ok(x), Ok(y)) if x == y)
}

/// The record went in another tab: nothing pending is written, saving stops, and the screen is told (unless it had
/// stopped saving itself, having finished the record).
fn stop_erased<T>(state: &Mutex<State<T>>, saved: Autosave) {
    if let Ok(mut s) = state.lock() {
        s.pending = None;
        if let Some(t) = s.timer.take() {
            t.clear();
        }
    }
    if saved.enabled.try_get_untracked() == Some(true) {
        saved.enabled.try_set(false);
        saved.erased.try_set(true);
    }
}

pub fn autosave<T>(
    ctx: Ctx,
    draft: RwSignal<T>,
    enabled: RwSignal<bool>,
    prepare: fn(Ctx, &mut T, &str),
    written: fn(Ctx, T),
) -> Autosave
where
    T: Record + Rebase + Clone + Send + Sync + 'static,
{
    let saved =
        Autosave { saved_at: RwSignal::new(None), error: RwSignal::new(None), enabled, erased: RwSignal::new(false) };
    // Shared with the write task, which may outlive the screen.
    let state =
        Arc::new(Mutex::new(State::<T> { timer: None, saving: false, pending: None, base: None, stored: None }));

    // Another tab wrote: a record this tab has in the store and finds gone (a withdrawal erased the draft, another
    // tab finished it) stops being saved at once, before the next keystroke.
    let st = state.clone();
    Effect::new(move |first: Option<()>| {
        ctx.changed_elsewhere.track();
        if first.is_none() || !enabled.get_untracked() || T::WRITTEN_AGAIN_WHILE_CARD_LIVES {
            return;
        }
        let known = st.lock().ok().and_then(|s| (s.stored == Some(true)).then(|| s.base.as_ref().map(|b| b.id().to_owned())).flatten());
        let (Some(id), Some(store)) = (known, ctx.store()) else { return };
        let st = st.clone();
        spawn_local(async move {
            if let Ok(None) = store.get(T::COLLECTION, &id).await {
                let still = st.lock().ok().is_some_and(|s| s.base.as_ref().is_some_and(|b| b.id() == id) && !s.saving);
                if still && enabled.try_get_untracked() == Some(true) {
                    stop_erased(&st, saved);
                }
            }
        });
    });

    // Saving begins (again): the copy on screen is what the edits are made from; whether it is stored is read once.
    let st = state.clone();
    Effect::new(move |was_on: Option<bool>| {
        let on = enabled.get();
        if on && was_on != Some(true) {
            let mut start = draft.get_untracked();
            prepare(ctx, &mut start, &platform::now_iso());
            let id = start.id().to_owned();
            let another = st.lock().ok().is_some_and(|s| s.base.as_ref().is_some_and(|b| b.id() != id));
            if let Ok(mut s) = st.lock() {
                s.base = Some(start);
                s.stored = None;
            }
            saved.erased.set(false);
            if another {
                // Another record now (a new intake after one closed elsewhere): the last one's status does not apply.
                saved.saved_at.set(None);
                saved.error.set(None);
            }
            if let Some(store) = ctx.store() {
                let st = st.clone();
                spawn_local(async move {
                    if let Ok(found) = store.get(T::COLLECTION, &id).await {
                        if let Ok(mut s) = st.lock() {
                            let same = s.base.as_ref().is_some_and(|b| b.id() == id);
                            if same && s.stored.is_none() {
                                s.stored = Some(found.is_some());
                            }
                        }
                    }
                });
            }
        }
        on
    });

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
                let next = st.lock().ok().and_then(|mut s| s.pending.take().map(|d| (d, s.base.clone(), s.stored)));
                let Some((mut d, base, stored)) = next else { break };
                let Some(store) = ctx.store() else {
                    saved.error.try_set(Some(StoreError::Unavailable { detail: "storage not open".into() }));
                    continue;
                };
                let now = platform::now_iso();
                prepare(ctx, &mut d, &now);
                let base_stored = stored.unwrap_or(false);
                let base = base.filter(|b| b.id() == d.id()).unwrap_or_else(|| d.clone());
                match storage::save_rebased(&store, &base, base_stored, &d, &now).await {
                    Ok(Rebased::Saved(kept)) => {
                        if let Ok(mut s) = st.lock() {
                            s.base = Some(kept.clone());
                            s.stored = Some(true);
                        }
                        // Another tab's changes were taken in: the screen shows them, with what was typed since.
                        if !same_json(&kept, &d) {
                            draft.try_update(|cur| {
                                if let Some(on_screen) = T::rebase(&d, cur, &kept) {
                                    *cur = on_screen;
                                }
                            });
                        }
                        written(ctx, kept);
                        saved.saved_at.try_set(Some(now));
                        saved.error.try_set(None);
                    }
                    Ok(Rebased::Erased) => stop_erased(&st, saved),
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
