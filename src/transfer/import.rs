//! Importing a batch file (restore after device loss, or moving records to another tablet): every check first, in
//! slices with progress, then every write in one transaction.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::domain::appeal::Appeal;
use crate::domain::batch::{
    fate, BatchCheck, BatchFile, BatchInfo, BatchProblem, BatchText, Data, Fate, ImportSummary, RecordType,
};
use crate::domain::checklist::Checklist;
use crate::domain::client::Client;
use crate::storage::{codec, Collection, Record, Store, StoreError, StoreResult, StoredRecord, WriteBatch};

use super::{collection_of, Pace, SLICE};

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

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Store(e)
    }
}

impl From<BatchProblem> for ImportError {
    fn from(p: BatchProblem) -> Self {
        ImportError::Refused(p)
    }
}

/// A batch imported.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub file: BatchFile,
    pub summary: ImportSummary,
}

/// Imports a batch file: every check first (records in slices of [`SLICE`], `pace` told after each: the units are
/// the file's records, then one for the write), then every write in one transaction.
pub async fn import(store: &impl Store, text: &str, pace: &mut impl Pace) -> Result<Imported, ImportError> {
    let mut check = BatchCheck::open(text)?;
    let total = check.total() + 1;
    while check.checked() < check.total() {
        pace.step(check.checked(), total).await;
        check.records(SLICE)?;
    }
    let file = check.finish()?;
    pace.step(total - 1, total).await;
    let existing = existing_revs(store).await?;
    let known = store.get(Collection::Batches, &file.manifest.batch_id).await?.is_some();
    let (batch, summary) = import_writes(&file, text, &existing, known)?;
    if !batch.ops.is_empty() {
        store.write(batch).await?;
    }
    pace.step(total, total).await;
    Ok(Imported { file, summary })
}
