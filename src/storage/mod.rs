//! The storage seam. Callers see [`Store`], [`StoredRecord`] and [`StoreError`]; only `idb.rs` touches IndexedDB.
//!
//! Stored types are apart from domain types: a domain value becomes a [`StoredRecord`] only through [`codec`], the one
//! conversion point (where payload encryption can be added later without touching callers).

pub mod codec;
pub mod schema;
// Test support, not shipped: the behaviour suite every store passes, and a store in memory for fast tests.
#[cfg(any(test, feature = "testing"))]
pub mod conformance;
#[cfg(any(test, feature = "testing"))]
pub mod memory;

#[cfg(target_arch = "wasm32")]
pub mod idb;

use serde::{Deserialize, Serialize};

pub use codec::Record;
pub use schema::{Collection, IndexName};

/// One record as it is kept on the device. `payload` is the serialised domain value; the other fields are what the
/// store needs to find, order and de-duplicate records without reading the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRecord {
    /// Stable id, unique across devices (UUID v4 for records made here; fixed names for singletons like settings).
    pub id: String,
    /// Revision, starting at 1 and raised on every save.
    pub rev: u64,
    /// When this revision was written, RFC 3339 UTC.
    pub updated_at: String,
    /// Id of the client this record belongs to, when it belongs to one (indexed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Format of `payload`: lets a later version read, migrate or decrypt old payloads.
    pub codec: u32,
    /// The domain value, encoded by [`codec`].
    pub payload: String,
}

/// What the store knows of a record without opening its payload: enough to tell which records changed since a batch
/// carried them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub id: String,
    pub rev: u64,
    pub updated_at: String,
}

impl From<&StoredRecord> for Head {
    fn from(r: &StoredRecord) -> Head {
        Head { id: r.id.clone(), rev: r.rev, updated_at: r.updated_at.clone() }
    }
}

/// One change inside a [`WriteBatch`].
#[derive(Debug, Clone, PartialEq)]
pub enum WriteOp {
    /// Create or replace.
    Put(Collection, StoredRecord),
    /// Create only: the batch fails with [`StoreError::AlreadyExists`] if the id is taken.
    Insert(Collection, StoredRecord),
    /// Create or replace as the next revision: the store reads the revision it holds INSIDE the transaction and
    /// writes one more (1 for a new record), whatever `rev` the record carries. Two tabs saving the same record
    /// therefore never write the same revision.
    Next(Collection, StoredRecord),
    /// [`WriteOp::Next`] only if the revision stored is still `expected` (0: nothing stored), read INSIDE the
    /// transaction; otherwise the batch fails with [`StoreError::Conflict`] and nothing is written. An edit made on
    /// revision 4 is never written over a revision 5 saved meanwhile in another tab.
    NextAfter(Collection, StoredRecord, u64),
    /// Write nothing, but only if the record `id` is still at revision `expected` (0: absent), read INSIDE the
    /// transaction; otherwise the batch fails with [`StoreError::Conflict`]. What a write rests on without changing
    /// it (a correction's draft rests on its card still holding personal data).
    Unchanged(Collection, String, u64),
    /// Remove (no error if absent).
    Delete(Collection, String),
    /// Seal every record of the collection still stored in clear ([`codec::seal_stored`]), read INSIDE the
    /// transaction: the one upgrade of a device made before encryption. Needs the device unlocked.
    SealAll(Collection),
}

/// Changes written together in ONE transaction: all of them or none.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WriteBatch {
    pub ops: Vec<WriteOp>,
}

impl WriteBatch {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn put(mut self, c: Collection, r: StoredRecord) -> Self {
        self.ops.push(WriteOp::Put(c, r));
        self
    }
    pub fn insert(mut self, c: Collection, r: StoredRecord) -> Self {
        self.ops.push(WriteOp::Insert(c, r));
        self
    }
    /// Adds `value` as the next revision of what is stored under its id (see [`WriteOp::Next`]).
    pub fn next<T: Record>(mut self, value: &T, now: &str) -> StoreResult<Self> {
        self.ops.push(WriteOp::Next(T::COLLECTION, codec::encode(value, 0, now)?));
        Ok(self)
    }
    /// Adds `value` as the next revision, only if `expected` is the revision stored (see [`WriteOp::NextAfter`]).
    pub fn next_after<T: Record>(mut self, value: &T, expected: u64, now: &str) -> StoreResult<Self> {
        self.ops.push(WriteOp::NextAfter(T::COLLECTION, codec::encode(value, 0, now)?, expected));
        Ok(self)
    }
    /// Fails the batch unless `id` is still at revision `expected` (see [`WriteOp::Unchanged`]).
    pub fn unchanged(mut self, c: Collection, id: impl Into<String>, expected: u64) -> Self {
        self.ops.push(WriteOp::Unchanged(c, id.into(), expected));
        self
    }
    pub fn seal_all(mut self, c: Collection) -> Self {
        self.ops.push(WriteOp::SealAll(c));
        self
    }
    pub fn delete(mut self, c: Collection, id: impl Into<String>) -> Self {
        self.ops.push(WriteOp::Delete(c, id.into()));
        self
    }
    /// The collections this batch touches, each once, in a stable order.
    pub fn collections(&self) -> Vec<Collection> {
        let mut out: Vec<Collection> = self
            .ops
            .iter()
            .map(|op| match op {
                WriteOp::Put(c, _)
                | WriteOp::Insert(c, _)
                | WriteOp::Next(c, _)
                | WriteOp::NextAfter(c, _, _)
                | WriteOp::Unchanged(c, _, _)
                | WriteOp::Delete(c, _)
                | WriteOp::SealAll(c) => *c,
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// What can go wrong with storage, each shown to the user in their language (see `i18n::Strings::store_error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The browser gives no usable IndexedDB (private mode, disabled storage, unsupported browser).
    Unavailable { detail: String },
    /// The device or the browser's quota for this app is full.
    QuotaExceeded,
    /// Another open tab of an older version keeps the database open, so it cannot be upgraded.
    UpgradeBlocked,
    /// The database on this device was made by a newer version of the app.
    VersionTooNew,
    /// A stored record could not be read back.
    Decode { collection: Collection, id: String, detail: String },
    /// The device is locked: personal records can be neither read nor written until a worker unlocks it.
    Locked,
    /// An insert found a record with the same id.
    AlreadyExists { collection: Collection, id: String },
    /// A record was saved meanwhile (another tab): the change was made on revision `expected`, the store holds
    /// `stored`. Nothing was written.
    Conflict { collection: Collection, id: String, expected: u64, stored: u64 },
    /// Anything else the browser reported; `detail` is technical and holds no personal data.
    Other { detail: String },
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Unavailable { detail } => write!(f, "storage unavailable: {detail}"),
            StoreError::QuotaExceeded => write!(f, "storage quota exceeded"),
            StoreError::UpgradeBlocked => write!(f, "database upgrade blocked by another tab"),
            StoreError::VersionTooNew => write!(f, "database made by a newer app version"),
            StoreError::Decode { collection, id, detail } => {
                write!(f, "cannot decode {} record {id}: {detail}", collection.name())
            }
            StoreError::Locked => write!(f, "the device is locked"),
            StoreError::AlreadyExists { collection, id } => {
                write!(f, "{} record {id} already exists", collection.name())
            }
            StoreError::Conflict { collection, id, expected, stored } => {
                write!(f, "{} record {id} is at revision {stored}, not {expected}", collection.name())
            }
            StoreError::Other { detail } => write!(f, "storage error: {detail}"),
        }
    }
}

impl std::error::Error for StoreError {}

pub type StoreResult<T> = Result<T, StoreError>;

/// The storage interface. One IndexedDB implementation ([`idb::IdbStore`]) and one in memory
/// ([`memory::MemoryStore`]); [`conformance`] holds the one test suite both must pass.
///
/// Futures are not `Send`: everything runs on the browser's single thread.
#[allow(async_fn_in_trait)]
pub trait Store {
    /// One record by id.
    async fn get(&self, collection: Collection, id: &str) -> StoreResult<Option<StoredRecord>>;
    /// Every record of a collection, ordered by id.
    async fn all(&self, collection: Collection) -> StoreResult<Vec<StoredRecord>>;
    /// Up to `n` records with ids after `after` (from the first when `None`), ordered by id: the collection read a
    /// slice at a time, so a large one never has to be held (or decrypted) all at once.
    async fn page(&self, collection: Collection, after: Option<&str>, n: u32) -> StoreResult<Vec<StoredRecord>>;
    /// Records whose indexed field equals `key`, ordered by id.
    async fn find(&self, collection: Collection, index: IndexName, key: &str) -> StoreResult<Vec<StoredRecord>>;
    /// The `n` records updated last (by `updated_at`, newest first; equal times by id, last first). Only for a
    /// collection with the `by_updated` index (clients, appeals, assessments): what the first screen shows before
    /// the rest is read.
    async fn latest(&self, collection: Collection, n: u32) -> StoreResult<Vec<StoredRecord>>;
    /// The heads (id, revision, last change) of up to `n` records with ids after `after` (from the first when
    /// `None`), ordered by id, without reading or decrypting any payload: what counting the records no batch has
    /// carried needs (opening every record of a 100,000-client register for it took seconds and held the screen).
    /// Read a page at a time: the heads of 300,000 records held at once took some 40 MB.
    async fn heads(&self, collection: Collection, after: Option<&str>, n: u32) -> StoreResult<Vec<Head>>;
    /// How many records a collection holds.
    async fn count(&self, collection: Collection) -> StoreResult<u32>;
    /// A write batch made ready for [`Store::write_ready`]: its records sealed and turned into what the store keeps
    /// (in the browser, objects the browser holds, outside the wasm memory).
    type Ready;
    /// Makes `batch` ready to write, writing nothing: a long write (an import) made ready a slice at a time holds
    /// one slice of its records' payloads, not all of them (the wasm memory never shrinks). Needs the device
    /// unlocked for personal records, as [`Store::write`] does; what [`WriteOp::SealAll`] seals is read here.
    async fn ready(&self, batch: WriteBatch) -> StoreResult<Self::Ready>;
    /// Applies every change of `parts`, in order, in ONE transaction: all or nothing. The revisions ops depend on
    /// are read inside it.
    async fn write_ready(&self, parts: Vec<Self::Ready>) -> StoreResult<()>;
    /// Apply every change of the batch in one transaction: all or nothing.
    async fn write(&self, batch: WriteBatch) -> StoreResult<()> {
        let ready = self.ready(batch).await?;
        self.write_ready(vec![ready]).await
    }
}

/// Heads read at a time by [`each_head`].
pub const HEADS_PAGE: u32 = 1000;

/// Every record's head of a collection, in id order, a page at a time (only one page is held).
pub async fn each_head(store: &impl Store, collection: Collection, mut each: impl FnMut(Head)) -> StoreResult<()> {
    let mut after: Option<String> = None;
    loop {
        let page = store.heads(collection, after.as_deref(), HEADS_PAGE).await?;
        let full = page.len() == HEADS_PAGE as usize;
        after = page.last().map(|h| h.id.clone());
        page.into_iter().for_each(&mut each);
        if !full {
            return Ok(());
        }
    }
}

/// Typed helpers over any [`Store`], through the codec.
pub async fn load<T: Record>(store: &impl Store, id: &str) -> StoreResult<Option<T>> {
    match store.get(T::COLLECTION, id).await? {
        Some(rec) => codec::decode::<T>(&rec).map(Some),
        None => Ok(None),
    }
}

/// Save a domain value as its next revision (read and raised inside the write's transaction).
pub async fn save<T: Record>(store: &impl Store, value: &T, now: &str) -> StoreResult<()> {
    store.write(WriteBatch::new().next(value, now)?).await
}

/// The highest revision a record may have: IndexedDB keeps numbers as doubles, exact up to 2^53 − 1.
pub const MAX_REV: u64 = (1 << 53) - 1;

/// The revision that follows `prev` (what a [`WriteOp::Next`] writes); an error past [`MAX_REV`], never a wrap.
pub fn revision_after(prev: Option<&StoredRecord>) -> StoreResult<u64> {
    match prev {
        None => Ok(1),
        Some(p) if p.rev < MAX_REV => Ok(p.rev + 1),
        Some(p) => Err(StoreError::Other { detail: format!("record {} is at the highest revision", p.id) }),
    }
}

/// The check of a [`WriteOp::NextAfter`]: `prev` (what the store holds) must be at `expected`.
pub fn check_revision(c: Collection, id: &str, prev: Option<&StoredRecord>, expected: u64) -> StoreResult<()> {
    let stored = prev.map_or(0, |p| p.rev);
    if stored == expected {
        Ok(())
    } else {
        Err(StoreError::Conflict { collection: c, id: id.to_owned(), expected, stored })
    }
}

/// How many more times [`retry_on_conflict`] runs an attempt that failed on a revision conflict.
pub const CONFLICT_RETRIES: u32 = 3;

/// An error that may be a revision conflict ([`StoreError::Conflict`], possibly wrapped).
pub trait MaybeConflict {
    fn is_conflict(&self) -> bool;
}

impl MaybeConflict for StoreError {
    fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}

/// Runs `attempt` — which reads what it writes on and writes with [`WriteOp::NextAfter`] — again when another tab
/// wrote one of those records in between (a conflict), at most [`CONFLICT_RETRIES`] more times. Each attempt reads
/// afresh, so what is written always rests on what is stored.
pub async fn retry_on_conflict<T, E: MaybeConflict, F: std::future::Future<Output = Result<T, E>>>(
    mut attempt: impl FnMut() -> F,
) -> Result<T, E> {
    let mut tries = 0;
    loop {
        match attempt().await {
            Err(e) if e.is_conflict() && tries < CONFLICT_RETRIES => tries += 1,
            other => return other,
        }
    }
}

/// What [`save_rebased`] left stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Rebased<T> {
    /// Stored now (written, or already so): this tab's copy, put on another tab's changes when there were any.
    Saved(T),
    /// The record was removed, or its personal data erased, since this tab read it: nothing was written.
    Erased,
}

fn same_json<T: serde::Serialize>(a: &T, b: &T) -> bool {
    matches!((serde_json::to_value(a), serde_json::to_value(b)), (Ok(x), Ok(y)) if x == y)
}

/// Saves `mine`, an edit of `base`, so another tab's save in between is never lost: read what is stored, put `mine`
/// on it when it is no longer `base` ([`Rebase::rebase`]), write it on the revision read (tried again after a
/// conflict). `base_stored`: `base` was read from the store or written there, so finding nothing means it was
/// removed meanwhile (a withdrawal erased the draft, another tab finished it) and it is not made again.
pub async fn save_rebased<T: Record + crate::domain::rebase::Rebase + Clone>(
    store: &impl Store,
    base: &T,
    base_stored: bool,
    mine: &T,
    now: &str,
) -> StoreResult<Rebased<T>> {
    retry_on_conflict(|| async {
        let mut batch = WriteBatch::new();
        let (next, rev) = match store.get(T::COLLECTION, mine.id()).await? {
            None if base_stored && T::WRITTEN_AGAIN_WHILE_CARD_LIVES => {
                // Written again only while the card holds personal data, checked in the write's transaction: a
                // withdrawal or purge of the card in between makes it read again, and then stop.
                let card = match mine.client_id() {
                    Some(id) => store.get(Collection::Clients, id).await?,
                    None => None,
                };
                let Some(card) = card else { return Ok(Rebased::Erased) };
                let client: crate::domain::client::Client = codec::decode(&card)?;
                if client.personal.is_none() {
                    return Ok(Rebased::Erased);
                }
                batch = batch.unchanged(Collection::Clients, card.id, card.rev);
                (mine.clone(), 0)
            }
            None if base_stored => return Ok(Rebased::Erased),
            None => (mine.clone(), 0),
            Some(rec) => {
                let theirs: T = codec::decode(&rec)?;
                if same_json(&theirs, mine) {
                    return Ok(Rebased::Saved(theirs));
                }
                if same_json(&theirs, base) {
                    (mine.clone(), rec.rev)
                } else {
                    match T::rebase(base, mine, &theirs) {
                        Some(next) => (next, rec.rev),
                        None => return Ok(Rebased::Erased),
                    }
                }
            }
        };
        store.write(batch.next_after(&next, rev, now)?).await?;
        Ok(Rebased::Saved(next))
    })
    .await
}

/// Every value of a collection, decoded.
pub async fn load_all<T: Record>(store: &impl Store) -> StoreResult<Vec<T>> {
    store.all(T::COLLECTION).await?.iter().map(codec::decode::<T>).collect()
}

impl StoreError {
    /// Maps a browser `DOMException` (by its standard name) to the error the user is shown.
    pub fn from_dom(name: &str, message: &str) -> Self {
        match name {
            "QuotaExceededError" => StoreError::QuotaExceeded,
            "VersionError" => StoreError::VersionTooNew,
            "SecurityError" | "InvalidStateError" | "NotSupportedError" => {
                StoreError::Unavailable { detail: format!("{name}: {message}") }
            }
            _ => StoreError::Other { detail: format!("{name}: {message}") },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dom_names_map_to_typed_errors() {
        assert_eq!(StoreError::from_dom("QuotaExceededError", "full"), StoreError::QuotaExceeded);
        assert_eq!(StoreError::from_dom("VersionError", "x"), StoreError::VersionTooNew);
        assert!(matches!(StoreError::from_dom("SecurityError", "x"), StoreError::Unavailable { .. }));
        assert!(matches!(StoreError::from_dom("AbortError", "x"), StoreError::Other { .. }));
    }

    #[test]
    fn conflicts_are_tried_again_a_bounded_number_of_times() {
        let conflict = || StoreError::Conflict { collection: Collection::Clients, id: "a".into(), expected: 1, stored: 2 };
        let calls = std::cell::Cell::new(0);
        let run = |fail_times: u32| {
            calls.set(0);
            crate::storage::conformance::block_on(retry_on_conflict(|| {
                calls.set(calls.get() + 1);
                let n = calls.get();
                async move { if n <= fail_times { Err(conflict()) } else { Ok(n) } }
            }))
        };
        assert_eq!(run(2), Ok(3));
        assert_eq!(run(CONFLICT_RETRIES), Ok(CONFLICT_RETRIES + 1));
        assert_eq!(run(CONFLICT_RETRIES + 1), Err(conflict()));
        assert_eq!(calls.get(), CONFLICT_RETRIES + 1);
        // Any other error is returned at once.
        calls.set(0);
        let other = crate::storage::conformance::block_on(retry_on_conflict(|| {
            calls.set(calls.get() + 1);
            async { Err::<(), _>(StoreError::QuotaExceeded) }
        }));
        assert_eq!((other, calls.get()), (Err(StoreError::QuotaExceeded), 1));
    }

    #[test]
    fn an_autosaved_edit_is_put_on_another_tabs_save_and_never_brings_back_an_erased_record() {
        use crate::domain::checklist::Checklist;
        use crate::domain::date::Date;
        use memory::MemoryStore;
        conformance::block_on(async {
            let s = MemoryStore::new();
            let on = Date::new(2026, 11, 25).expect("date");
            let start = Checklist::new("k".into(), "a".into(), "c".into(), on, "Борг за оренду".into());
            let t = "2026-11-29T10:00:00Z";
            // Nothing stored yet: written as revision 1.
            let mut mine = start.clone();
            mine.categories = vec!["14".into()];
            assert_eq!(save_rebased(&s, &start, false, &mine, t).await, Ok(Rebased::Saved(mine.clone())));
            // Another tab, which read revision 1, adds a category and a month's income.
            let mut theirs = mine.clone();
            theirs.categories.push("22".into());
            theirs.income.months[2] = "4100".into();
            save(&s, &theirs, t).await.expect("save");
            // This tab goes on from its own copy: both tabs' answers are kept, on revision 3.
            let base = mine.clone();
            mine.categories.push("17".into());
            let Ok(Rebased::Saved(both)) = save_rebased(&s, &base, true, &mine, t).await else { panic!("not saved") };
            assert_eq!(both.categories, vec!["14".to_string(), "17".into(), "22".into()]);
            assert_eq!(both.income.months[2], "4100");
            let rec = s.get(Collection::Assessments, "k").await.expect("get").expect("stored");
            assert_eq!((rec.rev, load::<Checklist>(&s, "k").await.expect("load")), (3, Some(both.clone())));
            // Saving what is stored writes nothing.
            assert_eq!(save_rebased(&s, &both, true, &both, t).await, Ok(Rebased::Saved(both.clone())));
            assert_eq!(s.get(Collection::Assessments, "k").await.expect("get").map(|r| r.rev), Some(3));
            // The client's words erased in another tab: this tab's edit is not put back on them.
            save(&s, &both.scrubbed(), t).await.expect("save");
            let mut typed = both.clone();
            typed.application.issue = "Борг за оренду квартири".into();
            assert_eq!(save_rebased(&s, &both, true, &typed, t).await, Ok(Rebased::Erased));
            assert_eq!(load::<Checklist>(&s, "k").await.expect("load"), Some(both.scrubbed()));
            // Removed in another tab: not made again.
            s.write(WriteBatch::new().delete(Collection::Assessments, "k")).await.expect("delete");
            assert_eq!(save_rebased(&s, &both, true, &typed, t).await, Ok(Rebased::Erased));
            assert_eq!(s.get(Collection::Assessments, "k").await.expect("get"), None);
        });
    }

    #[test]
    fn a_correction_draft_removed_by_another_tabs_save_is_written_again_only_while_the_card_lives() {
        use crate::domain::intake::CardEdit;
        use memory::MemoryStore;
        conformance::block_on(async {
            let s = MemoryStore::new();
            let t = "2026-11-29T10:00:00Z";
            let card = crate::domain::batch::tests::client("c1", "Гнатюк");
            save(&s, &card, t).await.expect("save");
            let base = CardEdit { id: CardEdit::id_for("c1"), client_id: "c1".into(), base_rev: 1, ..CardEdit::default() };
            save(&s, &base, t).await.expect("save");
            let mut mine = base.clone();
            mine.card.address = "м. Буча".into();
            // Another tab saved the card and removed the (shared) draft: this tab's correction is kept.
            s.write(WriteBatch::new().delete(Collection::Drafts, base.id.clone())).await.expect("delete");
            assert_eq!(save_rebased(&s, &base, true, &mine, t).await, Ok(Rebased::Saved(mine.clone())));
            // The card's consent withdrawn meanwhile (drafts erased): never written again.
            s.write(WriteBatch::new().delete(Collection::Drafts, base.id.clone())).await.expect("delete");
            save(&s, &crate::domain::client::Client { personal: None, ..card.clone() }, t).await.expect("save");
            assert_eq!(save_rebased(&s, &mine, true, &mine, t).await, Ok(Rebased::Erased));
            assert_eq!(s.get(Collection::Drafts, &base.id).await.expect("get"), None);
        });
    }

    #[test]
    fn batch_lists_each_collection_once() {
        let b = WriteBatch::new()
            .delete(Collection::Audit, "a")
            .delete(Collection::Clients, "b")
            .delete(Collection::Audit, "c");
        assert_eq!(b.collections(), vec![Collection::Clients, Collection::Audit]);
    }
}
