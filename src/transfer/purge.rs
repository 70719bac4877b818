//! Removing the personal data of a batch's records once the centre confirmed it received the batch.

use crate::domain::appeal::Appeal;
use crate::domain::batch::{BatchInfo, Entry, FileRemoved, RecordType, RemovedBecause};
use crate::domain::checklist::Checklist;
use crate::domain::client::Client;
use crate::domain::date::Date;
use crate::storage::{codec, Collection, Store, StoreResult, StoredRecord, WriteBatch};

use super::collection_of;

fn scrub(kind: RecordType, rec: &StoredRecord, now: &str) -> StoreResult<Option<StoredRecord>> {
    let rev = crate::storage::revision_after(Some(rec))?;
    match kind {
        RecordType::Client => {
            let mut c: Client = codec::decode(rec)?;
            if c.personal.is_none() {
                return Ok(None);
            }
            c.erase_personal();
            c.purged_at = Some(now.to_owned());
            codec::encode(&c, rev, now).map(Some)
        }
        RecordType::Appeal => codec::encode(&codec::decode::<Appeal>(rec)?.scrubbed(), rev, now).map(Some),
        RecordType::Checklist => codec::encode(&codec::decode::<Checklist>(rec)?.scrubbed(), rev, now).map(Some),
        // The trail holds nothing personal.
        RecordType::Audit => Ok(None),
    }
}

/// Purges the personal data of a confirmed batch's records, in one transaction. Only records still at the revision
/// the batch carried are purged: a record changed since has data the centre does not have yet. Returns the batch
/// entry with the purge recorded, or `None` when the batch is not confirmed uploaded (nothing is ever purged
/// before that).
pub async fn purge(store: &impl Store, info: &BatchInfo, now: &str) -> StoreResult<Option<BatchInfo>> {
    if info.uploaded_at.is_none() {
        return Ok(None);
    }
    let mut batch = WriteBatch::new();
    let mut purged = Vec::new();
    for e in &info.entries {
        let Some(rec) = store.get(collection_of(e.kind), &e.id).await? else { continue };
        if rec.rev != e.rev {
            continue;
        }
        if let Some(new) = scrub(e.kind, &rec, now)? {
            purged.push(Entry { kind: e.kind, id: e.id.clone(), rev: new.rev });
            batch = batch.put(collection_of(e.kind), new);
            if e.kind == RecordType::Client {
                // An unsaved correction of the card holds its personal data too.
                batch = batch.delete(Collection::Drafts, crate::domain::intake::CardEdit::id_for(&e.id));
            }
        }
    }
    let mut next = info.clone();
    next.purged_at = Some(now.to_owned());
    next.purged.extend(purged);
    // The kept file holds the personal data just purged: it goes too (the centre has it).
    next.file_removed = Some(FileRemoved { at: now.to_owned(), because: RemovedBecause::Purged });
    store.write(batch.delete(Collection::BatchFiles, info.id.clone()).next(&next, now)?).await?;
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
