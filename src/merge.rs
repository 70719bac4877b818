//! Merging two cards of one person over the storage seam: the card kept, the tombstone, the merged card's appeals,
//! checklists, drafts and the cards it represented — read from the store and written in one transaction, each on
//! the revision read (a record changed in between fails the transaction, and the merge is read and tried again).

use crate::domain::appeal::Appeal;
use crate::domain::checklist::Checklist;
use crate::domain::client::{Client, Personal};
use crate::domain::intake::{is_intake_draft_id, AppealEdit, CardEdit, IntakeDraft};
use crate::domain::merge::{merge, Merge, MergeRefused};
use crate::erasure::of_client;
use crate::storage::{codec, Collection, IndexName, Store, StoreError, StoreResult, WriteBatch};

#[derive(Debug, Clone, PartialEq)]
pub enum MergeError {
    Refused(MergeRefused),
    Store(StoreError),
}

impl From<StoreError> for MergeError {
    fn from(e: StoreError) -> Self {
        MergeError::Store(e)
    }
}

impl crate::storage::MaybeConflict for MergeError {
    fn is_conflict(&self) -> bool {
        matches!(self, MergeError::Store(e) if e.is_conflict())
    }
}

/// Merges the card `gone_id` into `keep_id`, whose card becomes `personal`. What was written, for the copy in memory.
pub async fn merge_cards(
    store: &impl Store,
    keep_id: &str,
    gone_id: &str,
    personal: &Personal,
    by: &str,
    now: &str,
) -> Result<Merge, MergeError> {
    crate::storage::retry_on_conflict(|| merge_once(store, keep_id, gone_id, personal, by, now)).await
}

async fn card(store: &impl Store, id: &str) -> StoreResult<(Client, u64)> {
    let rec = store.get(Collection::Clients, id).await?.ok_or_else(|| StoreError::Other {
        detail: "the card is not on this device".into(),
    })?;
    Ok((codec::decode(&rec)?, rec.rev))
}

async fn merge_once(
    store: &impl Store,
    keep_id: &str,
    gone_id: &str,
    personal: &Personal,
    by: &str,
    now: &str,
) -> Result<Merge, MergeError> {
    let (keep, keep_rev) = card(store, keep_id).await?;
    let (gone, gone_rev) = card(store, gone_id).await?;
    let appeals: Vec<(Appeal, u64)> = of_client(store, gone_id).await?;
    let checklists: Vec<(Checklist, u64)> = of_client(store, gone_id).await?;
    // The cards the merged one represents (a representative is linked from the represented person's card).
    let mut represented = Vec::new();
    for rec in store.all(Collection::Clients).await? {
        if rec.id == keep_id || rec.id == gone_id {
            continue;
        }
        let c: Client = codec::decode(&rec)?;
        if c.personal.as_ref().is_some_and(|p| p.representative_id.as_deref() == Some(gone_id)) {
            represented.push((c, rec.rev));
        }
    }
    let plain = |v: &[(Client, u64)]| v.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>();
    let m = merge(
        &keep,
        &gone,
        personal.clone(),
        &appeals.iter().map(|(a, _)| a.clone()).collect::<Vec<_>>(),
        &checklists.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>(),
        &plain(&represented),
        by,
        now,
    )
    .map_err(MergeError::Refused)?;
    let mut batch = WriteBatch::new().next_after(&m.survivor, keep_rev, now)?.next_after(&m.tombstone, gone_rev, now)?;
    for (a, (_, rev)) in m.appeals.iter().zip(&appeals) {
        batch = batch.next_after(a, *rev, now)?;
    }
    for (c, (_, rev)) in m.checklists.iter().zip(&checklists) {
        batch = batch.next_after(c, *rev, now)?;
    }
    for (c, (_, rev)) in m.represented.iter().zip(&represented) {
        batch = batch.next_after(c, *rev, now)?;
    }
    // The merged card's drafts: an unsaved correction goes (the merge is the correction); an intake for a new appeal
    // of the merged card continues on the card kept.
    for rec in store.find(Collection::Drafts, IndexName::ByClient, gone_id).await? {
        if rec.id == CardEdit::id_for(gone_id) {
            batch = batch.delete(Collection::Drafts, rec.id);
        } else if is_intake_draft_id(&rec.id) {
            let mut d: IntakeDraft = codec::decode(&rec)?;
            d.client_id = Some(keep_id.to_owned());
            batch = batch.next_after(&d, rec.rev, now)?;
        } else if rec.id.starts_with(&AppealEdit::id_for("")) {
            // An unsaved correction of one of its appeals follows the appeal.
            let mut d: AppealEdit = codec::decode(&rec)?;
            d.client_id = keep_id.to_owned();
            batch = batch.next_after(&d, rec.rev, now)?;
        }
    }
    store.write(batch).await?;
    Ok(m)
}

#[cfg(test)]
mod tests;
