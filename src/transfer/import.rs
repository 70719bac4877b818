//! Importing a batch file (restore after device loss, or moving records to another tablet): every check first, in
//! slices with progress, then every write in one transaction.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::domain::appeal::Appeal;
use crate::domain::audit::AuditEvent;
use crate::domain::batch::{
    canonical, fate, BatchCheck, BatchFile, BatchInfo, BatchProblem, BatchText, Data, Fate, ImportSummary, RecordType,
};
use crate::domain::checklist::Checklist;
use crate::domain::client::Client;
use crate::domain::date::Date;
use crate::storage::{codec, Collection, Record, Store, StoreError, StoreResult, StoredRecord, WriteBatch};

use super::{collection_of, Pace, SLICE};

/// What the device holds of the exported types: each record's revision and, for records a file brings at the same
/// revision, the stored payload (to tell a true "unchanged" from a conflict).
#[derive(Debug, Default)]
pub struct Existing {
    revs: HashMap<(RecordType, String), u64>,
    same_rev: HashMap<(RecordType, String), String>,
}

impl Existing {
    pub fn rev(&self, kind: RecordType, id: &str) -> Option<u64> {
        self.revs.get(&(kind, id.to_owned())).copied()
    }
}

/// Reads what the device holds of the records of `file`.
pub async fn existing(store: &impl Store, file: &BatchFile) -> StoreResult<Existing> {
    let incoming: HashMap<(RecordType, &str), u64> =
        file.records.iter().map(|r| ((r.kind, r.id.as_str()), r.rev)).collect();
    let mut out = Existing::default();
    for kind in RecordType::ALL {
        for r in store.all(collection_of(kind)).await? {
            if incoming.get(&(kind, r.id.as_str())) == Some(&r.rev) {
                out.same_rev.insert((kind, r.id.clone()), r.payload);
            }
            out.revs.insert((kind, r.id), r.rev);
        }
    }
    Ok(out)
}

/// Both read as the domain type and written back as canonical JSON: a field an older app version did not write
/// reads as its default on both sides, so only a real difference counts.
fn normalised<T: DeserializeOwned + Serialize>(json: &str) -> Option<String> {
    let v: T = serde_json::from_str(json).ok()?;
    Some(canonical(&serde_json::to_value(&v).ok()?))
}

/// Whether a stored payload holds the same data as a batch record's.
fn same_data(kind: RecordType, payload: &str, data: &Data) -> bool {
    let pair = match kind {
        RecordType::Client => (normalised::<Client>(payload), normalised::<Client>(data.text())),
        RecordType::Appeal => (normalised::<Appeal>(payload), normalised::<Appeal>(data.text())),
        RecordType::Checklist => (normalised::<Checklist>(payload), normalised::<Checklist>(data.text())),
        RecordType::Audit => (normalised::<AuditEvent>(payload), normalised::<AuditEvent>(data.text())),
    };
    matches!(pair, (Some(a), Some(b)) if a == b)
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
    existing: &Existing,
    known_batch: bool,
) -> Result<(WriteBatch, ImportSummary), ImportError> {
    let mut batch = WriteBatch::new();
    let mut summary = ImportSummary::default();
    for (index, r) in file.records.iter().enumerate() {
        let f = fate(r.rev, existing.rev(r.kind, &r.id));
        if f == Fate::Unchanged {
            let here = existing.same_rev.get(&(r.kind, r.id.clone()));
            if !here.is_some_and(|p| same_data(r.kind, p, &r.data)) {
                return Err(ImportError::Refused(BatchProblem::Conflict { index: index + 1, id: r.id.clone() }));
            }
        }
        summary.count(f);
        if matches!(f, Fate::Added | Fate::Updated) {
            let rec = match r.kind {
                RecordType::Client => stored::<Client>(&r.data, r.rev, &r.updated_at)?,
                RecordType::Appeal => stored::<Appeal>(&r.data, r.rev, &r.updated_at)?,
                RecordType::Checklist => stored::<Checklist>(&r.data, r.rev, &r.updated_at)?,
                RecordType::Audit => stored::<AuditEvent>(&r.data, r.rev, &r.updated_at)?,
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
/// the file's records, then one for the write), then every write in one transaction. `today` bounds the dates a
/// record may hold.
pub async fn import(
    store: &impl Store,
    text: &str,
    today: Date,
    pace: &mut impl Pace,
) -> Result<Imported, ImportError> {
    let mut check = BatchCheck::open(text, today)?;
    let total = check.total() + 1;
    while check.checked() < check.total() {
        pace.step(check.checked(), total).await;
        check.records(SLICE)?;
    }
    let file = check.finish()?;
    pace.step(total - 1, total).await;
    let existing = existing(store, &file).await?;
    let known = store.get(Collection::Batches, &file.manifest.batch_id).await?.is_some();
    let (batch, summary) = import_writes(&file, text, &existing, known)?;
    if !batch.ops.is_empty() {
        store.write(batch).await?;
    }
    pace.step(total, total).await;
    Ok(Imported { file, summary })
}
