//! The IndexedDB implementation of [`Store`]. The only module that touches IndexedDB.

use std::cell::RefCell;
use std::rc::Rc;

use indexed_db_futures::database::Database;
use indexed_db_futures::error::{DomException, Error as IdbError, OpenDbError};
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::cursor::CursorDirection;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::{Build, KeyPath};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::schema::{steps_between, StepOp, DB_NAME, SCHEMA_VERSION};
use super::{Collection, Head, IndexName, Store, StoreError, StoreResult, StoredRecord, WriteBatch, WriteOp};

/// A connection to the app's database.
#[derive(Clone, Debug)]
pub struct IdbStore {
    db: Database,
    /// Tells the other tabs of this origin that records changed (`<database>-changes`); see [`IdbStore::changes`].
    changes: Option<web_sys::BroadcastChannel>,
}

/// The collections whose change another tab shows: the records, the batch list and the reference lists (not drafts,
/// the trail or settings, which a tab reads when it needs them).
fn shown_elsewhere(c: Collection) -> bool {
    matches!(
        c,
        Collection::Clients | Collection::Appeals | Collection::Assessments | Collection::Batches | Collection::Reference
    )
}

/// What the app is told while opening and afterwards.
pub struct OpenHooks {
    /// Another tab keeps an older connection open: the upgrade waits until it closes.
    pub on_blocked: Box<dyn FnOnce()>,
    /// A newer version wants to upgrade the database from another tab; this connection has been closed.
    pub on_closed_for_upgrade: Box<dyn FnOnce()>,
}

impl OpenHooks {
    pub fn none() -> Self {
        Self { on_blocked: Box::new(|| {}), on_closed_for_upgrade: Box::new(|| {}) }
    }
}

impl IdbStore {
    /// The channel on which this store tells other tabs that records changed, to listen on (a tab is never told of
    /// its own writes: a channel does not hear its own messages).
    pub fn changes(&self) -> Option<&web_sys::BroadcastChannel> {
        self.changes.as_ref()
    }

    /// Opens (creating or upgrading) the app's database at the current schema version.
    pub async fn open_app(hooks: OpenHooks) -> StoreResult<Self> {
        Self::open(DB_NAME, SCHEMA_VERSION, hooks).await
    }

    /// Opens `name` at `version`, running every upgrade step from the version found on the device.
    pub async fn open(name: &str, version: u32, hooks: OpenHooks) -> StoreResult<Self> {
        let OpenHooks { on_blocked, on_closed_for_upgrade } = hooks;
        // The upgrade callback needs the version-change transaction to add indexes to existing stores; the crate
        // hands us only the database, so keep the raw request at hand.
        let raw_request: Rc<RefCell<Option<web_sys::IdbOpenDbRequest>>> = Rc::default();
        let req_in_cb = raw_request.clone();
        let request = Database::open(name)
            .with_version(version)
            .with_on_blocked(move |_| {
                on_blocked();
                Ok(())
            })
            .with_on_upgrade_needed(move |event, db| {
                let old = event.old_version() as u32;
                let new = event.new_version().map_or(version, |v| v as u32);
                let tx = req_in_cb.borrow().as_ref().and_then(|r| r.transaction());
                upgrade(&db, tx.as_ref(), old, new).map_err(IdbError::from)
            })
            .build()
            .map_err(open_error)?;
        *raw_request.borrow_mut() = Some(request.as_sys().clone());
        let db = request.await.map_err(open_error)?;

        // Let a newer version in another tab upgrade: close this connection and tell the app.
        let sys = db.as_sys().clone();
        let mut notify = Some(on_closed_for_upgrade);
        let on_change = Closure::<dyn FnMut()>::new(move || {
            sys.close();
            if let Some(f) = notify.take() {
                f();
            }
        });
        db.as_sys().set_onversionchange(Some(on_change.as_ref().unchecked_ref()));
        on_change.forget();
        let changes = web_sys::BroadcastChannel::new(&format!("{name}-changes")).ok();
        Ok(Self { db, changes })
    }

    pub fn close(self) {
        self.db.close();
    }

    /// The start-up probe: a test write, read back and removed, so the user learns at once if this device cannot
    /// store data (instead of when they save a client).
    pub async fn probe(&self) -> StoreResult<()> {
        let rec = StoredRecord {
            id: "__probe__".into(),
            rev: 1,
            updated_at: String::new(),
            client_id: None,
            codec: super::codec::CODEC_JSON_V1,
            payload: "{}".into(),
        };
        self.write(WriteBatch::new().put(Collection::Settings, rec.clone())).await?;
        let back = self.get(Collection::Settings, "__probe__").await?;
        self.write(WriteBatch::new().delete(Collection::Settings, "__probe__")).await?;
        if back.as_ref() == Some(&rec) {
            Ok(())
        } else {
            Err(StoreError::Unavailable { detail: "probe record did not read back".into() })
        }
    }

    /// Sealed copies of the records of `c` kept in clear: (id, revision, what to keep), for [`WriteOp::SealAll`].
    async fn sealed_copies(&self, c: Collection) -> StoreResult<Vec<(String, u64, JsValue)>> {
        let values: Vec<JsValue> = {
            let tx = self.read_tx(c)?;
            let store = tx.object_store(c.name()).map_err(op_error)?;
            let values = store.get_all::<JsValue>().await.map_err(op_error)?;
            values.collect::<Result<_, _>>().map_err(op_error)?
        };
        if !c.holds_personal() {
            return Ok(Vec::new());
        }
        let mut clear = Vec::new();
        for v in values {
            let rec = decode_js(c, v)?;
            if rec.codec == super::codec::CODEC_JSON_V1 {
                clear.push(rec);
            }
        }
        // The browser seals them side by side.
        let sealed = futures::future::join_all(clear.iter().map(|rec| kept(c, rec))).await;
        let mut out = Vec::with_capacity(clear.len());
        for (rec, obj) in clear.into_iter().zip(sealed) {
            let obj = obj?;
            if field(&obj, "codec").as_f64() != Some(f64::from(super::codec::CODEC_SEALED_V1)) {
                // Not protected: nothing to seal with.
                return Err(StoreError::Locked);
            }
            out.push((rec.id, rec.rev, obj));
        }
        Ok(out)
    }

    /// Up to `n` stored objects with ids after `after`, as kept (sealed ones not opened).
    async fn stored_page(&self, collection: Collection, after: Option<&str>, n: u32) -> StoreResult<Vec<JsValue>> {
        let tx = self.read_tx(collection)?;
        let store = tx.object_store(collection.name()).map_err(op_error)?;
        let values: Vec<JsValue> = match after {
            Some(after) => store
                .get_all::<JsValue>()
                .with_query::<&str, _>(indexed_db_futures::KeyRange::LowerBound(after, true))
                .with_limit(n)
                .await
                .map_err(op_error)?
                .collect::<Result<_, _>>(),
            None => store.get_all::<JsValue>().with_limit(n).await.map_err(op_error)?.collect::<Result<_, _>>(),
        }
        .map_err(op_error)?;
        drop(tx);
        Ok(values)
    }

    fn read_tx(&self, c: Collection) -> StoreResult<indexed_db_futures::transaction::Transaction<'_>> {
        self.db.transaction(c.name()).build().map_err(op_error)
    }
}

fn upgrade(db: &Database, tx: Option<&web_sys::IdbTransaction>, old: u32, new: u32) -> Result<(), JsValue> {
    for op in steps_between(old, new) {
        match op {
            StepOp::CreateStore(c) => {
                db.create_object_store(c.name()).with_key_path(KeyPath::One("id")).build().map_err(to_js)?;
            }
            StepOp::CreateIndex(c, index) => {
                let tx = tx.ok_or_else(|| JsValue::from_str("no version-change transaction"))?;
                let store = tx.object_store(c.name())?;
                store.create_index_with_str(index.name(), index.key_path())?;
            }
        }
    }
    Ok(())
}

fn to_js(e: IdbError) -> JsValue {
    match e {
        IdbError::DomException(d) => d.into(),
        other => JsValue::from_str(&other.to_string()),
    }
}

fn dom_error(d: &DomException) -> StoreError {
    let sys = d.as_sys();
    StoreError::from_dom(&sys.name(), &sys.message())
}

fn op_error(e: IdbError) -> StoreError {
    match e {
        IdbError::DomException(d) => dom_error(&d),
        other => StoreError::Other { detail: other.to_string() },
    }
}

fn open_error(e: OpenDbError) -> StoreError {
    match e {
        OpenDbError::Base(IdbError::DomException(d)) => {
            let err = dom_error(&d);
            match err {
                StoreError::Other { detail } => StoreError::Unavailable { detail },
                known => known,
            }
        }
        other => StoreError::Unavailable { detail: other.to_string() },
    }
}

/// The names of a stored object's fields as JS strings, made once: made anew for each field of each record read or
/// written, they were most of the text the browser decoded from WebAssembly while 20,000 records were written.
struct Names {
    id: JsValue,
    rev: JsValue,
    updated_at: JsValue,
    client_id: JsValue,
    codec: JsValue,
    payload: JsValue,
}

thread_local! {
    static NAMES: Names = Names {
        id: JsValue::from_str("id"),
        rev: JsValue::from_str("rev"),
        updated_at: JsValue::from_str("updated_at"),
        client_id: JsValue::from_str("client_id"),
        codec: JsValue::from_str("codec"),
        payload: JsValue::from_str("payload"),
    };
}

/// `f` given the field name `name` as a JS string.
fn with_name<R>(name: &str, f: impl FnOnce(&JsValue) -> R) -> R {
    NAMES.with(|n| match name {
        "id" => f(&n.id),
        "rev" => f(&n.rev),
        "updated_at" => f(&n.updated_at),
        "client_id" => f(&n.client_id),
        "codec" => f(&n.codec),
        "payload" => f(&n.payload),
        other => f(&JsValue::from_str(other)),
    })
}

fn field(obj: &JsValue, name: &str) -> JsValue {
    with_name(name, |k| js_sys::Reflect::get(obj, k)).unwrap_or(JsValue::UNDEFINED)
}

/// A stored JS object as callers see it: opened when it is sealed.
async fn opened(c: Collection, value: JsValue) -> StoreResult<StoredRecord> {
    let mut rec = decode_js(c, value.clone())?;
    if rec.codec == super::codec::CODEC_SEALED_V1 {
        let bytes = field(&value, "payload")
            .dyn_into::<js_sys::Uint8Array>()
            .map_err(|_| StoreError::Decode { collection: c, id: rec.id.clone(), detail: "field payload".into() })?
            .to_vec();
        rec.payload = super::codec::open(c, &rec.id, &bytes).await?;
        rec.codec = super::codec::CODEC_JSON_V1;
    }
    Ok(rec)
}

/// Stored objects opened together: the browser decrypts them side by side, and asking for them (a call into the
/// browser each) stays a short piece of work between which it may paint and handle input.
const OPEN_TOGETHER: usize = 200;

/// Opens many stored objects, [`OPEN_TOGETHER`] at a time (asking for a whole page of 1,000 at once held the
/// screen for 50–190 ms at a time while a large register loaded).
async fn all_opened(c: Collection, values: Vec<JsValue>) -> StoreResult<Vec<StoredRecord>> {
    let mut out = Vec::with_capacity(values.len());
    let mut values = values.into_iter().peekable();
    while values.peek().is_some() {
        let group = futures::future::join_all(values.by_ref().take(OPEN_TOGETHER).map(|v| opened(c, v))).await;
        for r in group {
            out.push(r?);
        }
    }
    Ok(out)
}

/// What IndexedDB keeps for a record handed to the store: sealed (the payload as bytes) when the codec says so.
async fn kept(c: Collection, rec: &StoredRecord) -> StoreResult<JsValue> {
    let sealed = super::codec::seal(c, rec).await?;
    encode_js(rec, sealed.as_deref())
}

/// A stored JS object back to a [`StoredRecord`] (a sealed payload is left empty: see [`opened`]); any field of the
/// wrong type is a decode error.
fn decode_js(c: Collection, value: JsValue) -> StoreResult<StoredRecord> {
    let id = field(&value, "id").as_string();
    let fail = |what: &str| StoreError::Decode {
        collection: c,
        id: id.clone().unwrap_or_default(),
        detail: format!("field {what}"),
    };
    let number =
        |name: &str| field(&value, name).as_f64().filter(|n| n.fract() == 0.0 && *n >= 0.0).ok_or_else(|| fail(name));
    let client_id = field(&value, "client_id");
    Ok(StoredRecord {
        id: id.clone().ok_or_else(|| fail("id"))?,
        rev: number("rev")? as u64,
        updated_at: field(&value, "updated_at").as_string().ok_or_else(|| fail("updated_at"))?,
        client_id: if client_id.is_undefined() || client_id.is_null() {
            None
        } else {
            Some(client_id.as_string().ok_or_else(|| fail("client_id"))?)
        },
        codec: number("codec")? as u32,
        payload: if field(&value, "codec").as_f64() == Some(f64::from(super::codec::CODEC_SEALED_V1)) {
            String::new()
        } else {
            field(&value, "payload").as_string().ok_or_else(|| fail("payload"))?
        },
    })
}

/// A stored object's head: its payload is not read (never brought into WebAssembly).
fn head_js(c: Collection, value: &JsValue) -> StoreResult<Head> {
    let id = field(value, "id").as_string();
    let fail = |what: &str| StoreError::Decode {
        collection: c,
        id: id.clone().unwrap_or_default(),
        detail: format!("field {what}"),
    };
    let rev = field(value, "rev").as_f64().filter(|n| n.fract() == 0.0 && *n >= 0.0).ok_or_else(|| fail("rev"))?;
    Ok(Head {
        id: id.clone().ok_or_else(|| fail("id"))?,
        rev: rev as u64,
        updated_at: field(value, "updated_at").as_string().ok_or_else(|| fail("updated_at"))?,
    })
}

/// A plain JS object (not a Map), so that IndexedDB key paths and indexes can read the fields. A record without a
/// client has no `client_id` property at all, so the `by_client` index skips it. With `sealed`, the payload kept is
/// those bytes (the JSON never becomes a JS string).
fn encode_js(rec: &StoredRecord, sealed: Option<&[u8]>) -> StoreResult<JsValue> {
    let obj = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        with_name(k, |k| js_sys::Reflect::set(&obj, k, &v))
            .map(|_| ())
            .map_err(|_| StoreError::Other { detail: "encode".into() })
    };
    set("id", JsValue::from_str(&rec.id))?;
    set("rev", JsValue::from_f64(rec.rev as f64))?;
    set("updated_at", JsValue::from_str(&rec.updated_at))?;
    if let Some(c) = &rec.client_id {
        set("client_id", JsValue::from_str(c))?;
    }
    match sealed {
        Some(bytes) => {
            set("codec", JsValue::from_f64(f64::from(super::codec::CODEC_SEALED_V1)))?;
            set("payload", js_sys::Uint8Array::from(bytes).into())?;
        }
        None => {
            set("codec", JsValue::from_f64(f64::from(rec.codec)))?;
            set("payload", JsValue::from_str(&rec.payload))?;
        }
    }
    Ok(obj.into())
}

/// A write op with its record already sealed and turned into what IndexedDB keeps.
enum Prepared {
    Put(Collection, JsValue),
    Insert(Collection, String, JsValue),
    /// The next revision; with `Some(rev)`, only if the stored revision is `rev`.
    Next(Collection, String, JsValue, Option<u64>),
    /// Nothing written; the batch fails unless the record is at this revision.
    Check(Collection, String, u64),
    Delete(Collection, String),
    Reseal(Collection, Vec<(String, u64, JsValue)>),
}

/// A write batch made ready ([`Store::ready`]): the collections it touches and its ops, records sealed.
pub struct Ready {
    collections: Vec<Collection>,
    ops: Vec<Prepared>,
}

/// A request issued in a read-write transaction, its answer awaited later.
type Issued = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), IdbError>>>>;

/// Waits until every request issued is answered. A transaction answers its requests in order, and one that fails
/// aborts every one after it: the last one's success is every one's, so only the last is listened to (listening to
/// each of 20,000 puts cost a callback, a channel and a wake-up apiece). After a failure every request is answered,
/// and the first that failed says why (reading an answered request sets up nothing).
async fn answered(issued: &mut Vec<Issued>) -> StoreResult<()> {
    let Some(last) = issued.pop() else { return Ok(()) };
    let end = last.await;
    if end.is_err() {
        for r in issued.drain(..) {
            r.await.map_err(op_error)?;
        }
    }
    issued.clear();
    end.map_err(op_error)
}

impl Store for IdbStore {
    async fn get(&self, collection: Collection, id: &str) -> StoreResult<Option<StoredRecord>> {
        let tx = self.read_tx(collection)?;
        let store = tx.object_store(collection.name()).map_err(op_error)?;
        let value: Option<JsValue> = store.get(id).await.map_err(op_error)?;
        drop(tx);
        match value {
            Some(v) => opened(collection, v).await.map(Some),
            None => Ok(None),
        }
    }

    async fn all(&self, collection: Collection) -> StoreResult<Vec<StoredRecord>> {
        let tx = self.read_tx(collection)?;
        let store = tx.object_store(collection.name()).map_err(op_error)?;
        let values = store.get_all::<JsValue>().await.map_err(op_error)?;
        let values: Vec<JsValue> = values.collect::<Result<_, _>>().map_err(op_error)?;
        drop(tx);
        all_opened(collection, values).await
    }

    async fn find(&self, collection: Collection, index: IndexName, key: &str) -> StoreResult<Vec<StoredRecord>> {
        let tx = self.read_tx(collection)?;
        let store = tx.object_store(collection.name()).map_err(op_error)?;
        let idx = store.index(index.name()).map_err(op_error)?;
        let values = idx.get_all::<JsValue>().with_query(key).await.map_err(op_error)?;
        let values: Vec<JsValue> = values.collect::<Result<_, _>>().map_err(op_error)?;
        drop(tx);
        all_opened(collection, values).await
    }

    async fn page(&self, collection: Collection, after: Option<&str>, n: u32) -> StoreResult<Vec<StoredRecord>> {
        let values = self.stored_page(collection, after, n).await?;
        all_opened(collection, values).await
    }

    async fn latest(&self, collection: Collection, n: u32) -> StoreResult<Vec<StoredRecord>> {
        let tx = self.read_tx(collection)?;
        let store = tx.object_store(collection.name()).map_err(op_error)?;
        let idx = store.index(IndexName::ByUpdated.name()).map_err(op_error)?;
        let mut values: Vec<JsValue> = Vec::new();
        let cursor = idx.open_cursor().with_direction(CursorDirection::Prev).await.map_err(op_error)?;
        if let Some(mut cursor) = cursor {
            while values.len() < n as usize {
                match cursor.next_record::<JsValue>().await.map_err(op_error)? {
                    Some(v) => values.push(v),
                    None => break,
                }
            }
        }
        drop(tx);
        all_opened(collection, values).await
    }

    async fn heads(&self, collection: Collection, after: Option<&str>, n: u32) -> StoreResult<Vec<Head>> {
        self.stored_page(collection, after, n).await?.iter().map(|v| head_js(collection, v)).collect()
    }

    async fn count(&self, collection: Collection) -> StoreResult<u32> {
        let tx = self.read_tx(collection)?;
        let store = tx.object_store(collection.name()).map_err(op_error)?;
        store.count().await.map_err(op_error)
    }

    type Ready = Ready;

    async fn ready(&self, batch: WriteBatch) -> StoreResult<Ready> {
        let collections = batch.collections();
        // Sealed BEFORE the transaction: a read-write transaction commits by itself once nothing of it is pending, so
        // it cannot wait for the browser's cipher.
        // The browser seals them side by side, [`OPEN_TOGETHER`] at a time (one after another, each record waited
        // for the cipher's answer before the next was asked: an import of 20,000 records spent most of a second so).
        let prepared = |op: WriteOp| async move {
            Ok::<_, StoreError>(match op {
                WriteOp::Put(c, rec) => Prepared::Put(c, kept(c, &rec).await?),
                WriteOp::Insert(c, rec) => Prepared::Insert(c, rec.id.clone(), kept(c, &rec).await?),
                WriteOp::Next(c, rec) => Prepared::Next(c, rec.id.clone(), kept(c, &rec).await?, None),
                WriteOp::NextAfter(c, rec, expected) => {
                    Prepared::Next(c, rec.id.clone(), kept(c, &rec).await?, Some(expected))
                }
                WriteOp::Unchanged(c, id, expected) => Prepared::Check(c, id, expected),
                WriteOp::Delete(c, id) => Prepared::Delete(c, id),
                WriteOp::SealAll(c) => Prepared::Reseal(c, self.sealed_copies(c).await?),
            })
        };
        let mut ops = Vec::with_capacity(batch.ops.len());
        let mut pending = batch.ops.into_iter().peekable();
        while pending.peek().is_some() {
            for op in futures::future::join_all(pending.by_ref().take(OPEN_TOGETHER).map(prepared)).await {
                ops.push(op?);
            }
        }
        Ok(Ready { collections, ops })
    }

    async fn write_ready(&self, parts: Vec<Ready>) -> StoreResult<()> {
        let mut collections: Vec<Collection> = parts.iter().flat_map(|p| p.collections.iter().copied()).collect();
        collections.sort();
        collections.dedup();
        let names: Vec<&'static str> = collections.iter().map(|c| c.name()).collect();
        if names.is_empty() {
            return Ok(());
        }
        let ops = parts.into_iter().flat_map(|p| p.ops);
        let tx =
            self.db.transaction(names.as_slice()).with_mode(TransactionMode::Readwrite).build().map_err(op_error)?;
        // Requests issued and not yet answered: all are answered (the first failure with its own error, not the
        // transaction's abort) before anything is read back or committed.
        let mut issued: Vec<Issued> = Vec::new();
        // Each collection's store asked of the transaction once, not once a record (its name a JS string each time).
        let mut stores = Vec::new();
        for op in ops {
            if !matches!(op, Prepared::Put(..) | Prepared::Delete(..)) {
                answered(&mut issued).await?;
            }
            match op {
                Prepared::Put(c, obj) => {
                    // Issued, not awaited: IndexedDB runs a transaction's requests in order, so the next one need not
                    // wait for this one's answer (the scale issue measured 60,000 puts awaited one by one at 10.5 s
                    // against 3.2 s issued at once; not measured again here).
                    let at = match stores.iter().position(|(k, _)| *k == c) {
                        Some(at) => at,
                        None => {
                            stores.push((c, tx.object_store(c.name()).map_err(op_error)?));
                            stores.len() - 1
                        }
                    };
                    issued.push(Box::pin(stores[at].1.put(obj).build().map_err(op_error)?));
                }
                Prepared::Insert(c, id, obj) => {
                    let store = tx.object_store(c.name()).map_err(op_error)?;
                    match store.add(obj).await {
                        Ok(()) => {}
                        Err(IdbError::DomException(DomException::ConstraintError(_))) => {
                            // Dropping `tx` without committing rolls back every earlier op of this batch.
                            return Err(StoreError::AlreadyExists { collection: c, id });
                        }
                        Err(e) => return Err(op_error(e)),
                    }
                }
                Prepared::Next(c, id, obj, expected) => {
                    // Read in the same read-write transaction: no other write can come between.
                    let store = tx.object_store(c.name()).map_err(op_error)?;
                    let prev: Option<JsValue> = store.get(id.as_str()).await.map_err(op_error)?;
                    let prev = prev.map(|v| decode_js(c, v)).transpose()?;
                    if let Some(expected) = expected {
                        // Dropping `tx` without committing rolls back every earlier op of this batch.
                        super::check_revision(c, &id, prev.as_ref(), expected)?;
                    }
                    let rev = super::revision_after(prev.as_ref())?;
                    with_name("rev", |k| js_sys::Reflect::set(&obj, k, &JsValue::from_f64(rev as f64)))
                        .map_err(|_| StoreError::Other { detail: "encode".into() })?;
                    store.put(obj).await.map_err(op_error)?;
                }
                Prepared::Check(c, id, expected) => {
                    let store = tx.object_store(c.name()).map_err(op_error)?;
                    let now: Option<JsValue> = store.get(id.as_str()).await.map_err(op_error)?;
                    let now = now.map(|v| decode_js(c, v)).transpose()?;
                    // Dropping `tx` without committing rolls back every earlier op of this batch.
                    super::check_revision(c, &id, now.as_ref(), expected)?;
                }
                Prepared::Delete(c, id) => {
                    let store = tx.object_store(c.name()).map_err(op_error)?;
                    issued.push(Box::pin(store.delete(id.as_str()).build().map_err(op_error)?));
                }
                Prepared::Reseal(c, copies) => {
                    // Each copy replaces its record only if the record is still the one that was sealed (read here,
                    // inside the transaction); one changed meanwhile fails the whole batch rather than stay in clear.
                    let store = tx.object_store(c.name()).map_err(op_error)?;
                    for (id, rev, obj) in copies {
                        let now: Option<JsValue> = store.get(id.as_str()).await.map_err(op_error)?;
                        let now = now.map(|v| decode_js(c, v)).transpose()?;
                        match now {
                            Some(r) if r.codec == super::codec::CODEC_JSON_V1 && r.rev != rev => {
                                return Err(StoreError::Other { detail: "a record changed while it was sealed".into() })
                            }
                            Some(r) if r.codec == super::codec::CODEC_JSON_V1 => {
                                store.put(obj).await.map_err(op_error)?;
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        answered(&mut issued).await?;
        tx.commit().await.map_err(op_error)?;
        // Committed: the other tabs re-read. The notice names collections only, never a record or a value.
        let shown: Vec<&str> = names.iter().copied().filter(|n| Collection::ALL.iter().any(|c| c.name() == *n && shown_elsewhere(*c))).collect();
        if let (Some(channel), false) = (&self.changes, shown.is_empty()) {
            // A tab that cannot tell the others still saved: they read the change when they next load.
            let _ = channel.post_message(&JsValue::from_str(&shown.join(",")));
        }
        Ok(())
    }
}
