//! Making a batch: which records it takes, their batch records (with checksums) made slice by slice, the file
//! assembled and kept with its exact text.

use crate::domain::appeal::Appeal;
use crate::domain::audit::AuditEvent;
use crate::domain::batch::{
    assemble, record_of, BatchFile, BatchInfo, Ledger, Origin, RecordType, Selection, Source,
};
use crate::domain::checklist::Checklist;
use crate::domain::client::Client;
use crate::storage::{codec, Collection, Record, Store, StoreResult, StoredRecord, WriteBatch};

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
        let mut recs: Vec<StoredRecord> = store
            .all(collection_of(kind))
            .await?
            .into_iter()
            .filter(|r| selection.takes(r.rev, &r.updated_at, ledger.exported(kind, &r.id)))
            .collect();
        recs.sort_by(|a, b| a.updated_at.cmp(&b.updated_at).then_with(|| a.id.cmp(&b.id)));
        out.extend(recs.into_iter().map(|r| (kind, r)));
    }
    Ok(out)
}

/// How many client records (cards, appeals, checklists) no batch has carried at their current revision, and when
/// the oldest of them last changed. Events of the audit trail are not counted: they ride along with the next batch.
pub async fn pending(store: &impl Store, ledger: &Ledger) -> StoreResult<(usize, Option<String>)> {
    let picked = selected(store, &Selection::NotExported, ledger).await?;
    let records: Vec<_> = picked.iter().filter(|(k, _)| *k != RecordType::Audit).collect();
    let oldest = records.iter().map(|(_, r)| r.updated_at.clone()).min();
    Ok((records.len(), oldest))
}

/// A batch made and kept on the device.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    pub file: BatchFile,
    /// The exact text of the file: what is downloaded, kept, and downloaded again.
    pub text: String,
    /// Its entry in the batch list.
    pub info: BatchInfo,
}

/// Makes a batch of what `selection` takes and keeps it (entry and exact text, one transaction). `None` when there
/// is nothing to export: events of the audit trail alone do not make a batch (they go with the next one). With
/// `signer` (the device's key), the manifest is signed. Records become batch records in slices of [`SLICE`], with `pace` told after each.
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
    let mut records = Vec::with_capacity(total);
    for (i, (kind, rec)) in picked.into_iter().enumerate() {
        if i % SLICE == 0 {
            pace.step(i, total).await;
        }
        records.push(record_of(source_of(kind, &rec)?));
    }
    pace.step(total, total).await;
    let (file, text) = assemble(origin, selection, records, signer).map_err(encode_failed)?;
    let info = keep_batch(store, &file, &text, false).await?;
    Ok(Some(Exported { file, text, info }))
}

/// Keeps a new batch: its entry in the batch list and its exact text, in one transaction.
pub async fn keep_batch(store: &impl Store, file: &BatchFile, text: &str, imported: bool) -> StoreResult<BatchInfo> {
    let info = BatchInfo::of(file, imported);
    let now = file.manifest.created_at.clone();
    let batch = super::kept::keep_file(
        WriteBatch::new().insert(Collection::Batches, codec::encode(&info, 1, &now)?),
        &info.id,
        text,
        &now,
    )?;
    store.write(batch).await?;
    Ok(info)
}
