//! Writing the audit trail from the screens: the event of an act, with the worker of the unlocked slot and this
//! device. A failed write is shown (never swallowed); the act itself stands.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::audit::{AuditAction, AuditEvent};
use crate::storage::{codec, Collection, Store, StoreResult, WriteBatch};

use super::app::{new_id, Ctx};
use super::platform;

/// The event of `action` now, by the worker who unlocked.
pub fn event(ctx: Ctx, action: AuditAction, subject: Option<&str>, count: Option<usize>) -> StoreResult<AuditEvent> {
    let session = ctx.session.get_untracked();
    Ok(AuditEvent {
        id: new_id()?,
        at: platform::now_iso(),
        device_id: ctx.device.with_untracked(|d| d.as_ref().map(|d| d.device_id.clone()).unwrap_or_default()),
        worker: session.as_ref().map(|s| s.worker.clone()).unwrap_or_default(),
        slot_id: session.map(|s| s.slot_id),
        action,
        subject: subject.map(str::to_owned),
        count: count.map(|n| n as u64),
    })
}

/// Adds an event to a write (so the act and its trail are one transaction); call [`written`] once it is committed.
pub fn with(batch: WriteBatch, e: &AuditEvent) -> StoreResult<WriteBatch> {
    Ok(batch.insert(Collection::Audit, codec::encode(e, 1, &e.at)?))
}

/// After a write that carried an event: views of the trail read it again.
pub fn written(ctx: Ctx) {
    ctx.trail_changed.try_update(|n| *n = n.wrapping_add(1));
}

/// Writes the event of an act that is done; a failure shows in the banner.
pub async fn note(ctx: Ctx, action: AuditAction, subject: Option<&str>, count: Option<usize>) {
    let result = async {
        let store = ctx.store_or_err()?;
        let e = event(ctx, action, subject, count)?;
        store.write(with(WriteBatch::new(), &e)?).await
    }
    .await;
    match result {
        Ok(()) => written(ctx),
        Err(e) => {
            ctx.trail_failed.try_set(Some(e));
        }
    }
}

/// [`note`], without waiting for it.
pub fn note_soon(ctx: Ctx, action: AuditAction, subject: Option<String>, count: Option<usize>) {
    spawn_local(async move { note(ctx, action, subject.as_deref(), count).await });
}
