//! Removing the personal data of a batch's records once the centre confirmed it received the batch.

use crate::domain::appeal::Appeal;
use crate::domain::batch::{BatchInfo, Entry, FileRemoved, RecordType, RemovedBecause};
use crate::domain::checklist::Checklist;
use crate::domain::client::Client;
use crate::domain::date::Date;
use crate::storage::{codec, Collection, Store, StoreResult, StoredRecord, WriteBatch};

use super::collection_of;

/// Adds the purge of one stored record to `batch`, as its next revision after the one read (`rec.rev`): the store
/// refuses it if the record changed in between. `false` when there is nothing personal left to purge.
fn scrub(kind: RecordType, rec: &StoredRecord, batch: WriteBatch, now: &str) -> StoreResult<(WriteBatch, bool)> {
    match kind {
        RecordType::Client => {
            let mut c: Client = codec::decode(rec)?;
            if c.personal.is_none() {
                return Ok((batch, false));
            }
            c.erase_personal();
            c.purged_at = Some(now.to_owned());
            Ok((batch.next_after(&c, rec.rev, now)?, true))
        }
        RecordType::Appeal => Ok((batch.next_after(&codec::decode::<Appeal>(rec)?.scrubbed(), rec.rev, now)?, true)),
        RecordType::Checklist => {
            Ok((batch.next_after(&codec::decode::<Checklist>(rec)?.scrubbed(), rec.rev, now)?, true))
        }
        // The trail holds nothing personal; what a kiosk visitor gave is sealed, and the centre opens it from the
        // batch: the device's sealed copy goes.
        RecordType::Audit => Ok((batch, false)),
        RecordType::Ticket => {
            let mut t: crate::domain::kiosk::Ticket = codec::decode(rec)?;
            if t.visitor.take().is_none() {
                return Ok((batch, false));
            }
            Ok((batch.next_after(&t, rec.rev, now)?, true))
        }
        RecordType::Feedback => {
            let mut f: crate::domain::kiosk::Feedback = codec::decode(rec)?;
            if f.comment.take().is_none() {
                return Ok((batch, false));
            }
            Ok((batch.next_after(&f, rec.rev, now)?, true))
        }
    }
}

/// Purges the personal data of a confirmed batch's records, in one transaction. Only records still at the revision
/// the batch carried are purged: a record changed since has data the centre does not have yet. Each is written on
/// the revision read, inside the transaction: one changed meanwhile (another tab) fails the transaction, and the
/// purge is read again. Returns the batch entry with the purge recorded, or `None` when the batch is not confirmed
/// uploaded (nothing is ever purged before that).
pub async fn purge(store: &impl Store, info: &BatchInfo, now: &str) -> StoreResult<Option<BatchInfo>> {
    crate::storage::retry_on_conflict(|| purge_once(store, info, now)).await
}

async fn purge_once(store: &impl Store, info: &BatchInfo, now: &str) -> StoreResult<Option<BatchInfo>> {
    if info.uploaded_at.is_none() {
        return Ok(None);
    }
    let mut batch = WriteBatch::new();
    let mut purged = Vec::new();
    // Only what the centre's receipt lists (a batch confirmed by hand: all it carried).
    for e in info.entries.iter().filter(|e| info.received(e)) {
        let Some(rec) = store.get(collection_of(e.kind), &e.id).await? else { continue };
        if rec.rev != e.rev {
            continue;
        }
        let (next, scrubbed) = scrub(e.kind, &rec, batch, now)?;
        batch = next;
        if scrubbed {
            purged.push(Entry { kind: e.kind, id: e.id.clone(), rev: rec.rev + 1 });
            // An unsaved correction of the card or the appeal holds its personal data too.
            if e.kind == RecordType::Client {
                batch = batch.delete(Collection::Drafts, crate::domain::intake::CardEdit::id_for(&e.id));
            } else if e.kind == RecordType::Appeal {
                batch = batch.delete(Collection::Drafts, crate::domain::intake::AppealEdit::id_for(&e.id));
            }
        }
    }
    let mut next = info.clone();
    next.purged_at = Some(now.to_owned());
    next.purged.extend(purged);
    // The kept file holds the personal data just purged: it goes too (the centre has it).
    next.file_removed = Some(FileRemoved { at: now.to_owned(), because: RemovedBecause::Purged });
    store.write(super::kept::drop_file(batch, &info.id).next(&next, now)?).await?;
    Ok(Some(next))
}

/// Batches confirmed uploaded more than `days` days before `today` and not purged yet.
pub fn due_for_purge(batches: &[BatchInfo], days: u32, today: Date) -> Vec<&BatchInfo> {
    batches
        .iter()
        .filter(|b| b.purged_at.is_none())
        .filter(|b| {
            b.uploaded_at
                .as_deref()
                .and_then(|u| Date::parse_iso(u.get(0..10)?))
                .is_some_and(|u| today.days() - u.days() >= i64::from(days))
        })
        .collect()
}
