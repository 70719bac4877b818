//! Erasures the app promises, over the storage seam, so that what the screen says ("removed") holds in every store:
//! withdrawal of consent erases the card's personal data, the appeals' and checklists' personal text, the client's
//! drafts (and an unfinished intake about the same person not yet linked to the card), and the kept export files that
//! carried any of them — in one transaction. Plain Rust, tested on the host.

use crate::domain::appeal::Appeal;
use crate::domain::batch::{BatchInfo, FileRemoved, RecordType, RemovedBecause};
use crate::domain::checklist::Checklist;
use crate::domain::client::Client;
use crate::domain::intake::{is_intake_draft_id, withdraw_consent, Erasure, IntakeDraft};
use crate::storage::{codec, Collection, IndexName, Store, StoreError, StoreResult, WriteBatch};

/// What a withdrawal wrote, for the copy in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Withdrawn {
    pub erasure: Erasure,
    /// Batches whose kept file was removed because it carried this client's records.
    pub batches: Vec<BatchInfo>,
}

/// The kept batch files that carry any record of this client (the card, its appeals, its checklists).
pub async fn files_carrying(store: &impl Store, client_id: &str, appeals: &[Appeal]) -> StoreResult<Vec<BatchInfo>> {
    let checklists: Vec<String> =
        store.find(Collection::Assessments, IndexName::ByClient, client_id).await?.into_iter().map(|r| r.id).collect();
    let appeal_ids: Vec<&str> = appeals.iter().map(|a| a.id.as_str()).collect();
    let checklist_ids: Vec<&str> = checklists.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for rec in store.all(Collection::Batches).await? {
        let b: BatchInfo = codec::decode(&rec)?;
        let carries = b.carries(RecordType::Client, &[client_id])
            || b.carries(RecordType::Appeal, &appeal_ids)
            || b.carries(RecordType::Checklist, &checklist_ids);
        if carries && b.file_removed.is_none() {
            out.push(b);
        }
    }
    Ok(out)
}

/// Withdrawal of consent (guide 5.3.14): the card loses its personal data, appeals and checklists keep statistics
/// only, the client's drafts go, and so does the kept text of every batch that carried any of these records (a batch
/// the centre has not confirmed then counts as not exported, so its records go in the next batch, without the
/// withdrawn data). All in one transaction.
///
/// What is erased is read from the store, not from a tab's memory (a tab opened earlier does not know the appeal
/// another tab added since), and written only on the revisions read: a record saved in between fails the
/// transaction, and the erasure is read and tried again.
pub async fn withdraw(store: &impl Store, client_id: &str, now: &str, by: &str) -> StoreResult<Withdrawn> {
    crate::storage::retry_on_conflict(|| withdraw_once(store, client_id, now, by)).await
}

/// Records of one collection that belong to a client, decoded, each with the revision stored.
pub(crate) async fn of_client<T: crate::storage::Record>(store: &impl Store, client_id: &str) -> StoreResult<Vec<(T, u64)>> {
    store
        .find(T::COLLECTION, IndexName::ByClient, client_id)
        .await?
        .iter()
        .map(|r| codec::decode::<T>(r).map(|v| (v, r.rev)))
        .collect()
}

async fn withdraw_once(store: &impl Store, client_id: &str, now: &str, by: &str) -> StoreResult<Withdrawn> {
    let Some(rec) = store.get(Collection::Clients, client_id).await? else {
        return Err(StoreError::Other { detail: "the card is not on this device".into() });
    };
    let client: Client = codec::decode(&rec)?;
    let appeals: Vec<(Appeal, u64)> = of_client(store, client_id).await?;
    let checklists: Vec<(Checklist, u64)> = of_client(store, client_id).await?;
    let mut drafts: Vec<String> =
        store.find(Collection::Drafts, IndexName::ByClient, client_id).await?.into_iter().map(|r| r.id).collect();
    // An intake left unfinished before it was linked to this card, but about this person, goes too (in any tab).
    if let Some(p) = &client.personal {
        for rec in store.all(Collection::Drafts).await? {
            let unlinked = is_intake_draft_id(&rec.id) && !drafts.contains(&rec.id);
            if unlinked && codec::decode::<IntakeDraft>(&rec).is_ok_and(|d| d.client_id.is_none() && d.is_about(p)) {
                drafts.push(rec.id);
            }
        }
    }
    let plain_appeals: Vec<Appeal> = appeals.iter().map(|(a, _)| a.clone()).collect();
    let plain_checklists: Vec<Checklist> = checklists.iter().map(|(c, _)| c.clone()).collect();
    let erasure = withdraw_consent(&client, &plain_appeals, &plain_checklists, drafts, now, by);
    let mut batch = WriteBatch::new().next_after(&erasure.client, rec.rev, now)?;
    for (a, (_, rev)) in erasure.appeals.iter().zip(&appeals) {
        batch = batch.next_after(a, *rev, now)?;
    }
    for (c, (_, rev)) in erasure.checklists.iter().zip(&checklists) {
        batch = batch.next_after(c, *rev, now)?;
    }
    for d in &erasure.drafts {
        batch = batch.delete(Collection::Drafts, d.clone());
    }
    let mut batches = Vec::new();
    for mut b in files_carrying(store, client_id, &plain_appeals).await? {
        b.file_removed = Some(FileRemoved { at: now.to_owned(), because: RemovedBecause::Withdrawal });
        batch = crate::transfer::kept::drop_file(batch, &b.id).next(&b, now)?;
        batches.push(b);
    }
    store.write(batch).await?;
    Ok(Withdrawn { erasure, batches })
}

#[cfg(test)]
mod tests;
