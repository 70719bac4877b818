//! The store the app runs on. The memory store implements the same trait for host tests; the app itself ships only
//! IndexedDB, so the memory store's code stays out of the bundle.

pub type AppStore = crate::storage::idb::IdbStore;
