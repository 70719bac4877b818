//! The store the app runs on: IndexedDB in the browser, memory in tests. One enum, so no dynamic dispatch.

use crate::storage::idb::IdbStore;
use crate::storage::memory::MemoryStore;
use crate::storage::{Collection, IndexName, Store, StoreResult, StoredRecord, WriteBatch};

#[derive(Clone)]
pub enum AppStore {
    Idb(IdbStore),
    Memory(MemoryStore),
}

impl Store for AppStore {
    async fn get(&self, c: Collection, id: &str) -> StoreResult<Option<StoredRecord>> {
        match self {
            AppStore::Idb(s) => s.get(c, id).await,
            AppStore::Memory(s) => s.get(c, id).await,
        }
    }
    async fn all(&self, c: Collection) -> StoreResult<Vec<StoredRecord>> {
        match self {
            AppStore::Idb(s) => s.all(c).await,
            AppStore::Memory(s) => s.all(c).await,
        }
    }
    async fn find(&self, c: Collection, index: IndexName, key: &str) -> StoreResult<Vec<StoredRecord>> {
        match self {
            AppStore::Idb(s) => s.find(c, index, key).await,
            AppStore::Memory(s) => s.find(c, index, key).await,
        }
    }
    async fn count(&self, c: Collection) -> StoreResult<u32> {
        match self {
            AppStore::Idb(s) => s.count(c).await,
            AppStore::Memory(s) => s.count(c).await,
        }
    }
    async fn write(&self, batch: WriteBatch) -> StoreResult<()> {
        match self {
            AppStore::Idb(s) => s.write(batch).await,
            AppStore::Memory(s) => s.write(batch).await,
        }
    }
}
