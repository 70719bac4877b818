//! The outbox's clock, in the app shell: it wakes the sending (`screens::centre::run_outbox`, its own piece of
//! WebAssembly, fetched the first time) when the data is open — at unlock, when the browser says it is online again,
//! every half minute while the app is open, and right after a batch is made. What is due, and the waits between
//! tries, are `transfer::outbox`'s. Background Sync is not used: Safari, Firefox and Android WebView lack it.

use std::cell::Cell;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::app::Ctx;
use super::lock::Gate;

/// How often the clock looks for batches whose wait is over.
const TICK_MS: u32 = 30_000;

thread_local! {
    /// The next run tries every waiting batch at once (the device came online, the app opened, a person asked).
    static WOKEN: Cell<bool> = const { Cell::new(false) };
    /// Starts the sending piece; set by [`watch`]. Screens (themselves split pieces) reach the piece only through
    /// this: a split piece calling another's split point directly would link that point into every build, and the
    /// browser tests' module (never split) could not resolve it.
    static RUN: Cell<Option<fn()>> = const { Cell::new(None) };
}

fn run_piece() {
    spawn_local(super::lazy::outbox());
}

/// Whether the next run is woken (and clears it).
pub fn take_woken() -> bool {
    WOKEN.with(|w| w.replace(false))
}

fn open(ctx: Ctx) -> bool {
    ctx.gate.get_untracked() == Gate::Open && ctx.data_ready.get_untracked()
}

/// Starts the clock for as long as the page lives.
pub fn watch(ctx: Ctx) {
    RUN.with(|r| r.set(Some(run_piece)));
    // Unlocked (the data read) or online again: every waiting batch is tried at once.
    Effect::new(move |was: Option<bool>| {
        let ready = ctx.online.get() && ctx.data_ready.get() && ctx.gate.get() == Gate::Open;
        if ready && was != Some(true) {
            wake(ctx, true);
        }
        ready
    });
    let _ = set_interval_with_handle(
        move || {
            if open(ctx) {
                wake(ctx, false);
            }
        },
        std::time::Duration::from_millis(u64::from(TICK_MS)),
    );
}

/// Runs the outbox: batches whose wait is over (all waiting ones when `woken`), and any never tried.
pub fn wake(ctx: Ctx, woken: bool) {
    if !open(ctx) {
        return;
    }
    if woken {
        WOKEN.with(|w| w.set(true));
    }
    if let Some(run) = RUN.with(Cell::get) {
        run();
    }
}

/// A person asked to send this batch now: whatever it waited for, or was refused for, it is tried again.
pub fn send_now(ctx: Ctx, batch_id: &str) {
    ctx.outbox.update(|o| {
        o.remove(batch_id);
    });
    wake(ctx, false);
}
