//! Moving records off and onto the device in batches, over the storage seam: which records a batch takes, import
//! in one transaction (newer revisions replace older ones, nothing is duplicated), and the purge of personal data
//! once the centre confirmed a batch. Plain Rust over [`Store`], tested on the host; the browser side adds chunking
//! and a progress bar.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::domain::appeal::Appeal;
use crate::domain::batch::{
    assemble, fate, read_batch, record_of, BatchFile, Data, BatchInfo, BatchProblem, BatchText, Entry, Fate, ImportSummary,
    Ledger, Origin, RecordType, Selection, Source,
};
use crate::domain::checklist::Checklist;
use crate::domain::client::Client;
use crate::storage::{codec, Collection, Record, Store, StoreError, StoreResult, StoredRecord, WriteBatch};

pub fn collection_of(kind: RecordType) -> Collection {
    match kind {
        RecordType::Client => Collection::Clients,
        RecordType::Appeal => Collection::Appeals,
        RecordType::Checklist => Collection::Assessments,
    }
}

fn to_value<T: Record>(rec: &StoredRecord) -> StoreResult<serde_json::Value> {
    let v: T = codec::decode(rec)?;
    serde_json::to_value(&v).map_err(|e| StoreError::Other { detail: format!("encode: {e}") })
}

/// A stored record as a batch source (through the codec, so a later payload format exports the same data).
pub fn source_of(kind: RecordType, rec: &StoredRecord) -> StoreResult<Source> {
    let data = match kind {
        RecordType::Client => to_value::<Client>(rec)?,
        RecordType::Appeal => to_value::<Appeal>(rec)?,
        RecordType::Checklist => to_value::<Checklist>(rec)?,
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

/// How many records no batch has carried at their current revision, and when the oldest of them last changed.
pub async fn pending(store: &impl Store, ledger: &Ledger) -> StoreResult<(usize, Option<String>)> {
    let picked = selected(store, &Selection::NotExported, ledger).await?;
    let oldest = picked.iter().map(|(_, r)| r.updated_at.clone()).min();
    Ok((picked.len(), oldest))
}

/// Makes a batch in one go (the browser does the same in slices, with progress).
pub async fn export(
    store: &impl Store,
    origin: &Origin,
    selection: Selection,
    ledger: &Ledger,
) -> StoreResult<(BatchFile, String)> {
    let mut records = Vec::new();
    for (kind, rec) in selected(store, &selection, ledger).await? {
        records.push(record_of(source_of(kind, &rec)?));
    }
    Ok(assemble(origin, selection, records))
}

/// Keeps a new batch: its entry in the batch list and its exact text, in one transaction.
pub async fn keep_batch(store: &impl Store, file: &BatchFile, text: &str, imported: bool) -> StoreResult<BatchInfo> {
    let info = BatchInfo::of(file, imported);
    let now = file.manifest.created_at.clone();
    let batch = WriteBatch::new()
        .insert(Collection::Batches, codec::encode(&info, 1, &now)?)
        .insert(Collection::BatchFiles, codec::encode(&BatchText { id: info.id.clone(), text: text.to_owned() }, 1, &now)?);
    store.write(batch).await?;
    Ok(info)
}

/// The revision of every record of the exported types on this device.
pub async fn existing_revs(store: &impl Store) -> StoreResult<HashMap<(RecordType, String), u64>> {
    let mut out = HashMap::new();
    for kind in RecordType::ALL {
        for r in store.all(collection_of(kind)).await? {
            out.insert((kind, r.id), r.rev);
        }
    }
    Ok(out)
}

fn stored<T: DeserializeOwned + Serialize + Record>(data: &Data, rev: u64, at: &str) -> StoreResult<StoredRecord> {
    let v: T = serde_json::from_str(data.text()).map_err(|e| StoreError::Other { detail: format!("decode: {e}") })?;
    codec::encode(&v, rev, at)
}

/// What an import writes (records newer than the device's, and the batch itself when it is new here), and what it
/// comes to. Pure: the caller applies the write batch in one transaction.
pub fn import_writes(
    file: &BatchFile,
    text: &str,
    existing: &HashMap<(RecordType, String), u64>,
    known_batch: bool,
) -> StoreResult<(WriteBatch, ImportSummary)> {
    let mut batch = WriteBatch::new();
    let mut summary = ImportSummary::default();
    for r in &file.records {
        let f = fate(r.rev, existing.get(&(r.kind, r.id.clone())).copied());
        summary.count(f);
        if matches!(f, Fate::Added | Fate::Updated) {
            let rec = match r.kind {
                RecordType::Client => stored::<Client>(&r.data, r.rev, &r.updated_at)?,
                RecordType::Appeal => stored::<Appeal>(&r.data, r.rev, &r.updated_at)?,
                RecordType::Checklist => stored::<Checklist>(&r.data, r.rev, &r.updated_at)?,
            };
            batch = batch.put(collection_of(r.kind), rec);
        }
    }
    if !known_batch {
        let info = BatchInfo::of(file, true);
        let now = file.manifest.created_at.clone();
        batch = batch.put(Collection::Batches, codec::encode(&info, 1, &now)?).put(
            Collection::BatchFiles,
            codec::encode(&BatchText { id: info.id.clone(), text: text.to_owned() }, 1, &now)?,
        );
    }
    Ok((batch, summary))
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImportError {
    /// The file is refused: nothing was written.
    Refused(BatchProblem),
    /// The store failed: the transaction rolled back, nothing was written.
    Store(StoreError),
}

/// Imports a batch file: every check first, then every write in one transaction.
pub async fn import(store: &impl Store, text: &str) -> Result<(BatchFile, ImportSummary), ImportError> {
    let file = read_batch(text).map_err(ImportError::Refused)?;
    let existing = existing_revs(store).await.map_err(ImportError::Store)?;
    let known = store.get(Collection::Batches, &file.manifest.batch_id).await.map_err(ImportError::Store)?.is_some();
    let (batch, summary) = import_writes(&file, text, &existing, known).map_err(ImportError::Store)?;
    if !batch.ops.is_empty() {
        store.write(batch).await.map_err(ImportError::Store)?;
    }
    Ok((file, summary))
}

fn scrub(kind: RecordType, rec: &StoredRecord, now: &str) -> StoreResult<Option<StoredRecord>> {
    let rev = rec.rev + 1;
    match kind {
        RecordType::Client => {
            let mut c: Client = codec::decode(rec)?;
            if c.personal.is_none() {
                return Ok(None);
            }
            c.personal = None;
            c.purged_at = Some(now.to_owned());
            codec::encode(&c, rev, now).map(Some)
        }
        RecordType::Appeal => codec::encode(&codec::decode::<Appeal>(rec)?.scrubbed(), rev, now).map(Some),
        RecordType::Checklist => codec::encode(&codec::decode::<Checklist>(rec)?.scrubbed(), rev, now).map(Some),
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
        }
    }
    let mut next = info.clone();
    next.purged_at = Some(now.to_owned());
    next.purged.extend(purged);
    batch = batch.put(Collection::Batches, crate::storage::next_revision(store, &next, now).await?);
    store.write(batch).await?;
    Ok(Some(next))
}

/// Batches confirmed uploaded more than `days` days before `today` (ISO date) and not purged yet.
pub fn due_for_purge<'a>(batches: &'a [BatchInfo], days: u32, today: crate::domain::date::Date) -> Vec<&'a BatchInfo> {
    use crate::domain::date::Date;
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

#[cfg(test)]
mod tests;
