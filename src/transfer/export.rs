//! Making a batch: which records it takes, their batch records (with checksums) made slice by slice, the file
//! assembled and kept with its exact text.

use crate::domain::appeal::Appeal;
use crate::domain::audit::AuditEvent;
use crate::domain::batch::{Assembly, BatchInfo, Ledger, Manifest, Origin, RecordType, Selection, Source};
use crate::domain::checklist::Checklist;
use crate::domain::client::Client;
use crate::storage::{self, codec, Collection, Record, Store, StoreResult, StoredRecord, WriteBatch};

use super::{collection_of, encode_failed, Pace, SLICE};

fn to_value<T: Record>(rec: &StoredRecord) -> StoreResult<serde_json::Value> {
    let v: T = codec::decode(rec)?;
    serde_json::to_value(&v).map_err(encode_failed)
}

/// A stored record as a batch source (through the codec, so a later payload format exports the same data).
pub fn source_of(kind: RecordType, rec: &StoredRecord) -> StoreResult<Source> {
    let data = match kind {
        RecordType::Client => to_value::<Client>(rec)?,
        RecordType::Appeal => to_value::<Appeal>(rec)?,
        RecordType::Checklist => to_value::<Checklist>(rec)?,
        RecordType::Audit => to_value::<AuditEvent>(rec)?,
        RecordType::Ticket => to_value::<crate::domain::kiosk::Ticket>(rec)?,
        RecordType::Feedback => to_value::<crate::domain::kiosk::Feedback>(rec)?,
    };
    Ok(Source { kind, id: rec.id.clone(), rev: rec.rev, updated_at: rec.updated_at.clone(), data })
}

/// The stored records of every type that `selection` takes, in type order then by last change.
pub async fn selected(
    store: &impl Store,
    selection: &Selection,
    ledger: &Ledger,
) -> StoreResult<Vec<(RecordType, StoredRecord)>> {
    let mut out = Vec::new();
    for kind in RecordType::ALL {
        let mut recs = taken(store, kind, selection, ledger).await?;
        recs.sort_by(|a, b| a.updated_at.cmp(&b.updated_at).then_with(|| a.id.cmp(&b.id)));
        out.extend(recs.into_iter().map(|r| (kind, r)));
    }
    Ok(out)
}

/// The records of one type that `selection` takes. A collection mostly never carried by a batch (a device's first
/// batch) is read whole at once. Otherwise which records are taken is told by their heads (nothing opened): a
/// collection mostly taken is then read whole, and the few records of one mostly left (the batch of a working week
/// on a device that holds a year) are read each by id. A record changed since its head was read is taken as it is
/// now, if the selection still takes it.
async fn taken(
    store: &impl Store,
    kind: RecordType,
    selection: &Selection,
    ledger: &Ledger,
) -> StoreResult<Vec<StoredRecord>> {
    let c = collection_of(kind);
    let takes = |r: &StoredRecord| selection.takes(r.rev, &r.updated_at, ledger.exported(kind, &r.id));
    let whole = || async { Ok(store.all(c).await?.into_iter().filter(|r| takes(r)).collect()) };
    if *selection == Selection::NotExported {
        let held = store.count(c).await? as usize;
        let carried = ledger.0.keys().filter(|(k, _)| *k == kind).count();
        if held.saturating_sub(carried) * 4 >= held {
            return whole().await;
        }
    }
    let (mut picked, mut held) = (Vec::new(), 0usize);
    storage::each_head(store, c, |h| {
        held += 1;
        if selection.takes(h.rev, &h.updated_at, ledger.exported(kind, &h.id)) {
            picked.push(h.id);
        }
    })
    .await?;
    if picked.len() * 4 >= held {
        return whole().await;
    }
    let mut recs = Vec::with_capacity(picked.len());
    for group in picked.chunks(READ_TOGETHER) {
        for r in futures::future::join_all(group.iter().map(|id| store.get(c, id))).await {
            recs.extend(r?.filter(|r| takes(r)));
        }
    }
    Ok(recs)
}

/// Records read by id side by side when a batch takes few of a collection.
const READ_TOGETHER: usize = 200;

/// How many client records (cards, appeals, checklists; kiosk tickets and feedback) no batch has carried at their
/// current revision, and when the oldest of them last changed. Events of the audit trail are not counted: they ride
/// along with the next batch. Read from the records' heads: nothing is opened.
pub async fn pending(store: &impl Store, ledger: &Ledger) -> StoreResult<(usize, Option<String>)> {
    let mut count = 0;
    let mut oldest: Option<String> = None;
    for kind in RecordType::ALL.into_iter().filter(|k| *k != RecordType::Audit) {
        storage::each_head(store, collection_of(kind), |h| {
            if Selection::NotExported.takes(h.rev, &h.updated_at, ledger.exported(kind, &h.id)) {
                count += 1;
                if oldest.as_ref().is_none_or(|o| h.updated_at < *o) {
                    oldest = Some(h.updated_at);
                }
            }
        })
        .await?;
    }
    Ok((count, oldest))
}

/// A batch made and kept on the device.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    pub manifest: Manifest,
    /// The exact text of the file: what is downloaded, kept, and downloaded again.
    pub text: String,
    /// Its entry in the batch list.
    pub info: BatchInfo,
}

#[cfg(test)]
impl Exported {
    /// The file, read back from its text.
    pub fn file(&self) -> crate::domain::batch::BatchFile {
        serde_json::from_str(&self.text).expect("a batch the app made reads")
    }
}

/// Makes a batch of what `selection` takes and keeps it (entry and exact text, one transaction). `None` when there
/// is nothing to export: events of the audit trail alone do not make a batch (they go with the next one). With
/// `signer` (the device's key), the manifest is signed. The file is made a record at a time ([`Assembly`]: each
/// stored record let go once its JSON is in the file's text), `pace` told after each slice of [`SLICE`].
pub async fn export(
    store: &impl Store,
    origin: &Origin,
    selection: Selection,
    ledger: &Ledger,
    signer: Option<&ed25519_dalek::SigningKey>,
    pace: &mut impl Pace,
) -> StoreResult<Option<Exported>> {
    let picked = selected(store, &selection, ledger).await?;
    if picked.iter().all(|(k, _)| *k == RecordType::Audit) {
        return Ok(None);
    }
    let total = picked.len();
    // Room for the text at once (a record in the file is its payload and some 250 bytes more): grown by doubling,
    // the text of 20,000 records was held twice over while it moved.
    let room = picked.iter().map(|(_, r)| r.payload.len() + 256).sum();
    let mut made = Assembly::new(&origin.batch_id, room);
    for (i, (kind, rec)) in picked.into_iter().enumerate() {
        if i % SLICE == 0 {
            pace.step(i, total).await;
        }
        made.add(source_of(kind, &rec)?).map_err(encode_failed)?;
    }
    pace.step(total, total).await;
    let (manifest, text, entries) = made.finish(origin, selection, signer).map_err(encode_failed)?;
    let info = BatchInfo::of_entries(&manifest, entries, false);
    keep(store, &info, &text).await?;
    Ok(Some(Exported { manifest, text, info }))
}

/// Keeps a new batch: its entry in the batch list and its exact text, in one transaction.
async fn keep(store: &impl Store, info: &BatchInfo, text: &str) -> StoreResult<()> {
    let now = &info.created_at;
    let batch = WriteBatch::new().insert(Collection::Batches, codec::encode(info, 1, now)?);
    super::kept::write_with_file(store, batch, &info.id, text, now).await
}
