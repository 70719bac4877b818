//! A [`Store`] kept in memory: same behaviour as IndexedDB (checked by the conformance suite), for fast tests.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::{Collection, IndexName, Store, StoreError, StoreResult, StoredRecord, WriteBatch, WriteOp};

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

fn index_value(rec: &StoredRecord, index: IndexName) -> Option<&str> {
    match index {
        IndexName::ByClient => rec.client_id.as_deref(),
        IndexName::ByUpdated => Some(rec.updated_at.as_str()),
    }
}

impl Store for MemoryStore {
    async fn get(&self, collection: Collection, id: &str) -> StoreResult<Option<StoredRecord>> {
        Ok(self.tables.borrow().get(&collection).and_then(|t| t.get(id)).cloned())
    }

    async fn all(&self, collection: Collection) -> StoreResult<Vec<StoredRecord>> {
        Ok(self.tables.borrow().get(&collection).map(|t| t.values().cloned().collect()).unwrap_or_default())
    }

    async fn find(&self, collection: Collection, index: IndexName, key: &str) -> StoreResult<Vec<StoredRecord>> {
        Ok(self
            .tables
            .borrow()
            .get(&collection)
            .map(|t| t.values().filter(|r| index_value(r, index) == Some(key)).cloned().collect())
            .unwrap_or_default())
    }

    async fn count(&self, collection: Collection) -> StoreResult<u32> {
        Ok(self.tables.borrow().get(&collection).map_or(0, |t| t.len() as u32))
    }

    async fn write(&self, batch: WriteBatch) -> StoreResult<()> {
        if let Some(e) = self.fail_writes.borrow().clone() {
            return Err(e);
        }
        // Work on a copy and swap it in only when every op succeeded: all or nothing, like a transaction.
        let mut next = self.tables.borrow().clone();
        for op in batch.ops {
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
                WriteOp::Delete(c, id) => {
                    next.entry(c).or_default().remove(&id);
                }
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
