//! The lock: what the shell shows before a worker unlocks, how it locks (the button, an idle period, a page hidden
//! too long), and what unlocking loads. Set-up and the unlock form themselves are loaded on demand (`screens/gate.rs`,
//! with Argon2id), so the shell carries none of that code.
//!
//! Locking first takes the screens away (their autosaves write what is pending, still sealed with the key), waits for
//! those writes, then forgets the key and every decoded value: nothing personal stays in memory or in the page.

use std::cell::Cell;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::crypto::keyring::KEYRING_ID;
use crate::domain::audit::AuditAction;
use crate::domain::device::DEFAULT_LOCK_MINUTES;
use crate::nav::{Route, Screen};
use crate::storage::{codec, Collection, Store, StoreResult};

use super::app::{use_ctx, Ctx};
use super::app_store::AppStore;
use super::data::{self, Data};
use super::form::tr;
use super::platform;

/// What the app shows instead of its screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Storage still opening.
    Checking,
    /// No passphrase on this device yet: set one (and the recovery code).
    SetUp,
    /// Protected and locked.
    Locked,
    /// Taking the screens away and forgetting the key.
    Locking,
    /// Unlocked: the app's screens.
    Open,
    /// The waiting-room kiosk (while kiosk mode is on and no worker has unlocked): the kiosk's screens only.
    Kiosk,
}

/// Who unlocked: the worker of the slot that opened the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub slot_id: String,
    pub worker: String,
}

/// Set-up if the device has no keyring yet; else the kiosk when kiosk mode is on; else locked.
pub async fn gate_at_start(store: &AppStore) -> StoreResult<Gate> {
    if store.get(Collection::Settings, KEYRING_ID).await?.is_none() {
        return Ok(Gate::SetUp);
    }
    Ok(if kiosk_on(store).await? { Gate::Kiosk } else { Gate::Locked })
}

/// Whether the device is set up as a kiosk (read before any unlock).
pub async fn kiosk_on(store: &AppStore) -> StoreResult<bool> {
    use crate::domain::kiosk::{KioskSettings, KIOSK_ID};
    Ok(crate::storage::load::<KioskSettings>(store, KIOSK_ID).await?.is_some_and(|k| k.on))
}

/// Where a lock ends: the kiosk on a kiosk device, else the unlock form.
pub fn locked_gate(ctx: Ctx) -> Gate {
    if ctx.kiosk.get_untracked() {
        Gate::Kiosk
    } else {
        Gate::Locked
    }
}

/// How many cards are read before all the others at unlock: the client list's first screen.
const FIRST_ROWS: u32 = 50;

thread_local! {
    /// The store `opened` left for the loading piece to read.
    static OPENING: std::cell::RefCell<Option<AppStore>> = const { std::cell::RefCell::new(None) };
    /// Starts the loading piece; set by [`watch_opening`] (the shell). The unlock form, itself a piece, reaches the
    /// loading piece only through this (see `outbox.rs` for why a piece never names another's split point).
    static LOAD: Cell<Option<fn()>> = const { Cell::new(None) };
}

fn load_piece() {
    spawn_local(super::lazy::open());
}

/// Lets [`opened`] and [`fetch_ahead`] start the loading piece.
pub fn watch_opening() {
    LOAD.with(|l| l.set(Some(load_piece)));
}

/// Fetches the loading piece while the unlock form shows, so that unlocking does not wait for it: the piece finds
/// nothing to load and does nothing.
pub fn fetch_ahead() {
    if let Some(start) = LOAD.with(Cell::get) {
        start();
    }
}

/// The key is in the codec: open the screens (back where the worker was) and load the data, in its own piece of
/// WebAssembly (reading and decoding every record and the search index are not the unlock form's code: left with
/// it, the first screen of every visit waited for them).
pub async fn opened(ctx: Ctx, store: AppStore, session: Session) {
    ctx.session.set(Some(session));
    ctx.gate.set(Gate::Open);
    OPENING.with(|o| *o.borrow_mut() = Some(store));
    fetch_ahead();
}

/// The loading piece's work: what [`opened`] left, if anything.
pub fn load_opened() {
    let (Some(ctx), Some(store)) = (super::tabs::ctx(), OPENING.with(|o| o.borrow_mut().take())) else { return };
    spawn_local(load(ctx, store));
}

/// Loads the data after an unlock.
async fn load(ctx: Ctx, store: AppStore) {
    if ctx.gate.get_untracked() != Gate::Open {
        return;
    }
    // First the cards updated last, one screenful: the client list shows rows at once however large the register.
    // Then every card and the search index: the client list and search are usable while the rest loads (the list
    // says it is still loading, and takes its final order once the appeals are in).
    let mut page = Data::default();
    let first = page.load_latest_clients(&store, FIRST_ROWS).await;
    if ctx.gate.get_untracked() != Gate::Open {
        return;
    }
    if let Err(e) = first {
        ctx.store_state.set(super::app::StoreState::Failed(e));
        return;
    }
    let shown: std::collections::HashSet<String> = page.clients.keys().cloned().collect();
    ctx.data.update(move |data| {
        data.index = page.index;
        data.clients = page.clients;
    });
    let mut d = Data::default();
    let first = d.load_clients(&store).await;
    if ctx.gate.get_untracked() != Gate::Open {
        return;
    }
    if let Err(e) = first {
        ctx.store_state.set(super::app::StoreState::Failed(e));
        return;
    }
    let (mut index, mut clients) = (std::mem::take(&mut d.index), std::mem::take(&mut d.clients));
    ctx.data.update(move |data| {
        // The first screen's cards were read before (one gone since stays gone); a card written meanwhile (a new
        // one: changing a card waits for all the data) stays.
        for (id, c) in std::mem::take(&mut data.clients) {
            if !clients.contains_key(&id) && !shown.contains(&id) {
                index.upsert(&id, c.personal.as_ref());
                clients.insert(id, c);
            }
        }
        data.index = index;
        data.clients = clients;
    });
    match d.load_rest(&store).await {
        // Locked again while loading: what was decoded is dropped, never shown.
        Ok(_) | Err(_) if ctx.gate.get_untracked() != Gate::Open => {}
        Ok(()) => {
            // Everything but the cards: those in place stay (a card written meanwhile among them).
            ctx.data.update(move |data| {
                d.clients = std::mem::take(&mut data.clients);
                d.index = std::mem::take(&mut data.index);
                *data = d;
            });
            ctx.data_ready.set(true);
            ctx.data_changed();
            super::tabs::reread_if_missed();
            super::app::load_shipped_rules(ctx).await;
            // Personal data of batches confirmed long enough ago; a failure leaves them for next time.
            if let Err(e) = data::purge_due(ctx, &store).await {
                ctx.purge_failed.set(Some(e));
            }
            // An intake left unfinished longer than the period in Settings is not kept.
            if let Err(e) = data::erase_abandoned_draft(ctx, &store).await {
                ctx.purge_failed.set(Some(e));
            }
        }
        Err(e) => ctx.store_state.set(super::app::StoreState::Failed(e)),
    }
}

thread_local! {
    static SAVES_IN_FLIGHT: Cell<u32> = const { Cell::new(0) };
}

/// Counts an autosave write from its start to its end, so locking can wait for it.
pub fn save_started() {
    SAVES_IN_FLIGHT.with(|n| n.set(n.get() + 1));
}

pub fn save_ended() {
    SAVES_IN_FLIGHT.with(|n| n.set(n.get().saturating_sub(1)));
}

/// Locks now (`idle`: after the idle period, else by the worker): screens away (pending drafts written), the lock
/// written to the audit trail, then the key and the decoded data forgotten.
pub fn lock(ctx: Ctx, idle: bool) {
    if ctx.gate.get_untracked() != Gate::Open {
        return;
    }
    // Back on the intake after unlocking: its draft is resumed without asking.
    ctx.resume_draft.set(ctx.route.get_untracked() == Route::Screen(Screen::Intake));
    ctx.gate.set(Gate::Locking);
    spawn_local(async move {
        // The screens' cleanups start their writes during this tick; wait until every one has ended (bounded: a
        // write that never ends must not keep the key in memory).
        for _ in 0..100 {
            platform::yield_now().await;
            if SAVES_IN_FLIGHT.with(Cell::get) == 0 {
                break;
            }
        }
        let action = if idle { AuditAction::LockIdle } else { AuditAction::Lock };
        super::audit::note(ctx, action, None, None).await;
        codec::lock();
        ctx.data.set(Data::default());
        ctx.data_ready.set(false);
        ctx.flash.set(None);
        ctx.session.set(None);
        ctx.gate.set(locked_gate(ctx));
    });
}

/// Locks after the idle period of Settings without a touch, a key or a pointer, and when the page comes back after
/// being hidden longer than that. Checked every few seconds against the clock, so a sleeping tablet locks on waking.
pub fn watch_idle(ctx: Ctx) {
    let last = StoredValue::new(js_sys::Date::now());
    let touch = move |_| last.set_value(js_sys::Date::now());
    let listeners = [
        window_event_listener_untyped("pointerdown", touch),
        window_event_listener_untyped("keydown", touch),
        window_event_listener_untyped("input", touch),
    ];
    let check = move || {
        // A kiosk's unlock form left untouched (a visitor pressed "for staff"): back to the kiosk.
        if ctx.gate.get_untracked() == Gate::Locked && ctx.kiosk.get_untracked() {
            if js_sys::Date::now() - last.get_value() >= KIOSK_UNLOCK_IDLE_MS {
                ctx.gate.set(Gate::Kiosk);
            }
            return;
        }
        if ctx.gate.get_untracked() != Gate::Open {
            last.set_value(js_sys::Date::now());
            return;
        }
        let minutes = ctx.device.with_untracked(|d| d.as_ref().map_or(DEFAULT_LOCK_MINUTES, |d| d.lock_minutes)).max(1);
        if js_sys::Date::now() - last.get_value() >= f64::from(minutes) * 60_000.0 {
            lock(ctx, true);
        }
    };
    let timer = set_interval_with_handle(check, std::time::Duration::from_secs(5)).ok();
    let visible = window_event_listener_untyped("visibilitychange", move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            check();
        }
    });
    on_cleanup(move || {
        for l in listeners {
            l.remove();
        }
        visible.remove();
        if let Some(t) = timer {
            t.clear();
        }
    });
}

/// How long a kiosk's unlock form waits untouched before the kiosk comes back.
const KIOSK_UNLOCK_IDLE_MS: f64 = 60_000.0;

/// A new device's set-up screen as it first shows, before the form's code has arrived: its heading and what protection
/// means, then "loading" where the form will be. index.html draws the same before the app's code has arrived (its
/// texts are compared with these by a test), so on a slow link the worker reads it seconds sooner.
#[component]
pub fn SetUpPreview() -> impl IntoView {
    view! {
        <h1 tabindex="-1">{tr(|s| s.lock.setup_title)}</h1>
        <section class="card">
            <SetUpIntro/>
            <p class="muted" role="status">{tr(|s| s.loading)}</p>
        </section>
    }
}

/// What set-up's form says first (the preview and the form itself).
#[component]
pub fn SetUpIntro() -> impl IntoView {
    view! {
        <p>{tr(|s| s.lock.setup_intro)}</p>
        <p class="notice notice-warn">{tr(|s| s.lock.setup_loss)}</p>
    }
}

/// The Lock button and who is working, in the top bar while unlocked.
#[component]
pub fn LockBar() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <Show when=move || ctx.gate.get() == Gate::Open>
            <div class="lockbar">
                <span class="muted" data-testid="on-duty">
                    {move || ctx.session.get().map(|s| (ctx.t().lock.on_duty)(&s.worker))}
                </span>
                <button class="btn btn-secondary" on:click=move |_| lock(ctx, false)>
                    {tr(|s| s.lock.lock_button)}
                </button>
            </div>
        </Show>
    }
}
