//! A [`Store`] kept in memory: same behaviour as IndexedDB (checked by the conformance suite), for fast tests.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::{codec, Collection, IndexName, Store, StoreError, StoreResult, StoredRecord, WriteBatch, WriteOp};

type Tables = BTreeMap<Collection, BTreeMap<String, StoredRecord>>;

#[derive(Clone, Default)]
pub struct MemoryStore {
    tables: Rc<RefCell<Tables>>,
    /// When set, every write fails with this error and changes nothing (to test how callers show errors).
    fail_writes: Rc<RefCell<Option<StoreError>>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn fail_writes_with(&self, error: Option<StoreError>) {
        *self.fail_writes.borrow_mut() = error;
    }
}

/// What the memory store keeps for a record handed to it: sealed bytes (as hex, in the payload) when the codec says so.
async fn kept(c: Collection, mut rec: StoredRecord) -> StoreResult<StoredRecord> {
    if let Some(bytes) = codec::seal(c, &rec).await? {
        rec.codec = codec::CODEC_SEALED_V1;
        rec.payload = bytes.iter().map(|b| format!("{b:02x}")).collect();
    }
    Ok(rec)
}

/// A kept record as callers see it: opened when sealed.
async fn opened(c: Collection, mut rec: StoredRecord) -> StoreResult<StoredRecord> {
    if rec.codec == codec::CODEC_SEALED_V1 {
        let bytes: Vec<u8> = (0..rec.payload.len() / 2)
            .map(|i| u8::from_str_radix(rec.payload.get(2 * i..2 * i + 2).unwrap_or("zz"), 16))
            .collect::<Result<_, _>>()
            .map_err(|_| StoreError::Decode { collection: c, id: rec.id.clone(), detail: "sealed payload".into() })?;
        rec.payload = codec::open(c, &rec.id, &bytes).await?;
        rec.codec = codec::CODEC_JSON_V1;
    }
    Ok(rec)
}

async fn all_opened(c: Collection, recs: Vec<StoredRecord>) -> StoreResult<Vec<StoredRecord>> {
    let mut out = Vec::with_capacity(recs.len());
    for r in recs {
        out.push(opened(c, r).await?);
    }
    Ok(out)
}

impl MemoryStore {
    /// What the store keeps of a collection, unopened (what a person holding the device could read).
    pub fn raw(&self, c: Collection) -> Vec<StoredRecord> {
        self.tables.borrow().get(&c).map(|t| t.values().cloned().collect()).unwrap_or_default()
    }

    /// Every record of every collection as one text, opened as a reader would get them: for tests that look for
    /// personal values anywhere (stricter than [`MemoryStore::raw`], which sealed payloads would hide).
    pub async fn everything(&self) -> StoreResult<String> {
        let mut out = String::new();
        for c in Collection::ALL {
            for r in self.all(c).await? {
                out.push_str(&serde_json::to_string(&r).map_err(|e| StoreError::Other { detail: e.to_string() })?);
            }
        }
        Ok(out)
    }
}

fn index_value(rec: &StoredRecord, index: IndexName) -> Option<&str> {
    match index {
        IndexName::ByClient => rec.client_id.as_deref(),
        IndexName::ByUpdated => Some(rec.updated_at.as_str()),
    }
}

impl Store for MemoryStore {
    async fn get(&self, collection: Collection, id: &str) -> StoreResult<Option<StoredRecord>> {
        let rec = self.tables.borrow().get(&collection).and_then(|t| t.get(id)).cloned();
        match rec {
            Some(r) => opened(collection, r).await.map(Some),
            None => Ok(None),
        }
    }

    async fn all(&self, collection: Collection) -> StoreResult<Vec<StoredRecord>> {
        all_opened(collection, self.raw(collection)).await
    }

    async fn find(&self, collection: Collection, index: IndexName, key: &str) -> StoreResult<Vec<StoredRecord>> {
        let found = self
            .tables
            .borrow()
            .get(&collection)
            .map(|t| t.values().filter(|r| index_value(r, index) == Some(key)).cloned().collect())
            .unwrap_or_default();
        all_opened(collection, found).await
    }

    async fn page(&self, collection: Collection, after: Option<&str>, n: u32) -> StoreResult<Vec<StoredRecord>> {
        let mut recs: Vec<StoredRecord> =
            self.raw(collection).into_iter().filter(|r| after.is_none_or(|a| r.id.as_str() > a)).collect();
        recs.sort_by(|a, b| a.id.cmp(&b.id));
        recs.truncate(n as usize);
        all_opened(collection, recs).await
    }

    async fn latest(&self, collection: Collection, n: u32) -> StoreResult<Vec<StoredRecord>> {
        let mut recs = self.raw(collection);
        recs.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then_with(|| b.id.cmp(&a.id)));
        recs.truncate(n as usize);
        all_opened(collection, recs).await
    }

    async fn heads(&self, collection: Collection, after: Option<&str>, n: u32) -> StoreResult<Vec<super::Head>> {
        let mut heads: Vec<super::Head> = self
            .raw(collection)
            .iter()
            .filter(|r| after.is_none_or(|a| r.id.as_str() > a))
            .map(super::Head::from)
            .collect();
        heads.sort_by(|a, b| a.id.cmp(&b.id));
        heads.truncate(n as usize);
        Ok(heads)
    }

    async fn count(&self, collection: Collection) -> StoreResult<u32> {
        Ok(self.tables.borrow().get(&collection).map_or(0, |t| t.len() as u32))
    }

    type Ready = Vec<WriteOp>;

    /// The batch's ops with their records sealed (as the IndexedDB store does, before its transaction).
    async fn ready(&self, batch: WriteBatch) -> StoreResult<Vec<WriteOp>> {
        let mut ops = Vec::with_capacity(batch.ops.len());
        for op in batch.ops {
            ops.push(match op {
                WriteOp::Put(c, rec) => WriteOp::Put(c, kept(c, rec).await?),
                WriteOp::Insert(c, rec) => WriteOp::Insert(c, kept(c, rec).await?),
                WriteOp::Next(c, rec) => WriteOp::Next(c, kept(c, rec).await?),
                WriteOp::NextAfter(c, rec, expected) => WriteOp::NextAfter(c, kept(c, rec).await?, expected),
                WriteOp::Unchanged(c, id, expected) => WriteOp::Unchanged(c, id, expected),
                WriteOp::SealAll(c) => {
                    for rec in self.raw(c).into_iter().filter(|r| r.codec == codec::CODEC_JSON_V1) {
                        let sealed = kept(c, rec).await?;
                        if sealed.codec == codec::CODEC_JSON_V1 && c.holds_personal() {
                            // Not protected: nothing to seal with.
                            return Err(StoreError::Locked);
                        }
                        ops.push(WriteOp::Put(c, sealed));
                    }
                    continue;
                }
                other => other,
            });
        }
        Ok(ops)
    }

    /// Works on a copy and swaps it in only when every op succeeded: all or nothing, like a transaction.
    async fn write_ready(&self, parts: Vec<Vec<WriteOp>>) -> StoreResult<()> {
        if let Some(e) = self.fail_writes.borrow().clone() {
            return Err(e);
        }
        let mut next = self.tables.borrow().clone();
        for op in parts.into_iter().flatten() {
            match op {
                WriteOp::Put(c, rec) => {
                    next.entry(c).or_default().insert(rec.id.clone(), rec);
                }
                WriteOp::Insert(c, rec) => {
                    let table = next.entry(c).or_default();
                    if table.contains_key(&rec.id) {
                        return Err(StoreError::AlreadyExists { collection: c, id: rec.id });
                    }
                    table.insert(rec.id.clone(), rec);
                }
                WriteOp::Next(c, mut rec) => {
                    let table = next.entry(c).or_default();
                    rec.rev = super::revision_after(table.get(&rec.id))?;
                    table.insert(rec.id.clone(), rec);
                }
                WriteOp::NextAfter(c, mut rec, expected) => {
                    let table = next.entry(c).or_default();
                    super::check_revision(c, &rec.id, table.get(&rec.id), expected)?;
                    rec.rev = super::revision_after(table.get(&rec.id))?;
                    table.insert(rec.id.clone(), rec);
                }
                WriteOp::Unchanged(c, id, expected) => {
                    super::check_revision(c, &id, next.entry(c).or_default().get(&id), expected)?;
                }
                WriteOp::Delete(c, id) => {
                    next.entry(c).or_default().remove(&id);
                }
                WriteOp::SealAll(_) => {}
            }
        }
        *self.tables.borrow_mut() = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::conformance;

    crate::store_conformance_host!(|| async { MemoryStore::new() });

    #[test]
    fn what_the_store_keeps_of_a_sealed_record_has_no_trace_of_it() {
        conformance::block_on(async {
            codec::unlock(crate::crypto::DataKey::generate().await.unwrap());
            let s = MemoryStore::new();
            let v = conformance::Sample { id: "d1".into(), text: "Шевченко Тарас 1234567890".into() };
            crate::storage::save(&s, &v, "t").await.unwrap();
            let raw = s.raw(Collection::Drafts);
            assert_eq!(raw[0].codec, codec::CODEC_SEALED_V1);
            let text = format!("{raw:?}");
            assert!(!text.contains("Шевченко") && !text.contains("1234567890") && !text.contains("text"));
            codec::unprotect();
        });
    }

    #[test]
    fn a_failing_store_changes_nothing() {
        conformance::block_on(async {
            let s = MemoryStore::new();
            s.fail_writes_with(Some(StoreError::QuotaExceeded));
            let rec = conformance::record("a", None, "t");
            let err = s.write(WriteBatch::new().put(Collection::Clients, rec)).await.unwrap_err();
            assert_eq!(err, StoreError::QuotaExceeded);
            assert_eq!(s.count(Collection::Clients).await.unwrap(), 0);
        });
    }
}
