//! The one behaviour suite every [`Store`] implementation must pass: the memory store runs it in host tests, the
//! IndexedDB store in headless Chromium (tests/storage_wasm.rs).
#![doc(hidden)]

use std::future::Future;

use serde::{Deserialize, Serialize};

use super::{
    codec, load, load_all, save, Collection, Head, IndexName, Record, Store, StoreError, StoredRecord, WriteBatch,
};

/// A stored record for tests, with a JSON payload of `{"id": .., "text": ..}`.
pub fn record(id: &str, client_id: Option<&str>, updated_at: &str) -> StoredRecord {
    StoredRecord {
        id: id.to_owned(),
        rev: 1,
        updated_at: updated_at.to_owned(),
        client_id: client_id.map(str::to_owned),
        codec: codec::CODEC_JSON_V1,
        payload: serde_json::json!({ "id": id, "text": format!("запис {id}") }).to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub id: String,
    pub text: String,
}

impl Record for Sample {
    const COLLECTION: Collection = Collection::Drafts;
    fn id(&self) -> &str {
        &self.id
    }
}

fn ids(recs: &[StoredRecord]) -> Vec<&str> {
    recs.iter().map(|r| r.id.as_str()).collect()
}

/// Every case of the suite, each run on a fresh store from `make`, one test per case (as matrix-rust-sdk's store
/// test macro does), so a failure names its case. On the host: `store_conformance_host!(|| async { MemoryStore::new() })`;
/// in the browser: `store_conformance_browser!(|| async { … })`. The case list is in one place, here.
#[doc(hidden)]
#[macro_export]
macro_rules! __store_conformance_cases {
    ($each:ident, $make:expr) => {
        $crate::$each!($make;
            empty_store put_get_and_order put_replaces insert_conflict_writes_nothing delete batch_across_collections
            parts_made_ready_write_in_one_transaction
            find_by_index latest_first read_in_pages typed_save_and_load text_survives large_batch next_revision_is_read_in_the_transaction
            next_revision_rolls_back_with_the_batch next_revision_stops_at_the_limit stale_revision_is_refused
            sealed_records_hide_their_text many_sealed_records_read_back_whole_and_in_order heads_without_opening
            seal_all_upgrades_records_in_clear locked_store_writes_nothing_personal);
    };
}

/// One `#[test]` per conformance case, on the host.
#[macro_export]
macro_rules! store_conformance_host {
    ($make:expr) => {
        $crate::__store_conformance_cases!(__store_conformance_host_each, $make);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __store_conformance_host_each {
    ($make:expr; $($case:ident)*) => { $(
        #[test]
        fn $case() {
            $crate::storage::conformance::block_on(async { $crate::storage::conformance::$case(&($make)().await).await })
        }
    )* };
}

/// One `#[wasm_bindgen_test]` per conformance case, in the browser.
#[macro_export]
macro_rules! store_conformance_browser {
    ($make:expr) => {
        $crate::__store_conformance_cases!(__store_conformance_browser_each, $make);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __store_conformance_browser_each {
    ($make:expr; $($case:ident)*) => { $(
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn $case() {
            $crate::storage::conformance::$case(&($make)().await).await
        }
    )* };
}

pub async fn empty_store(s: &impl Store) {
    for c in Collection::ALL {
        assert_eq!(s.get(c, "nope").await.unwrap(), None, "{c:?}");
        assert_eq!(s.all(c).await.unwrap(), vec![], "{c:?}");
        assert_eq!(s.count(c).await.unwrap(), 0, "{c:?}");
    }
}

pub async fn put_get_and_order(s: &impl Store) {
    let batch = WriteBatch::new()
        .put(Collection::Clients, record("b", None, "2026-01-02"))
        .put(Collection::Clients, record("a", None, "2026-01-01"))
        .put(Collection::Clients, record("c", None, "2026-01-03"));
    s.write(batch).await.unwrap();
    assert_eq!(s.get(Collection::Clients, "a").await.unwrap(), Some(record("a", None, "2026-01-01")));
    assert_eq!(ids(&s.all(Collection::Clients).await.unwrap()), vec!["a", "b", "c"]);
    assert_eq!(s.count(Collection::Clients).await.unwrap(), 3);
    assert_eq!(s.count(Collection::Appeals).await.unwrap(), 0, "other collections untouched");
}

pub async fn put_replaces(s: &impl Store) {
    s.write(WriteBatch::new().put(Collection::Settings, record("x", None, "t1"))).await.unwrap();
    let mut newer = record("x", None, "t2");
    newer.rev = 2;
    s.write(WriteBatch::new().put(Collection::Settings, newer.clone())).await.unwrap();
    assert_eq!(s.get(Collection::Settings, "x").await.unwrap(), Some(newer));
    assert_eq!(s.count(Collection::Settings).await.unwrap(), 1);
}

pub async fn insert_conflict_writes_nothing(s: &impl Store) {
    s.write(WriteBatch::new().insert(Collection::Clients, record("a", None, "t"))).await.unwrap();
    let batch = WriteBatch::new()
        .put(Collection::Appeals, record("p", Some("a"), "t"))
        .insert(Collection::Clients, record("a", None, "t-other"));
    let err = s.write(batch).await.unwrap_err();
    assert_eq!(err, StoreError::AlreadyExists { collection: Collection::Clients, id: "a".into() });
    assert_eq!(s.get(Collection::Appeals, "p").await.unwrap(), None, "the whole batch rolled back");
    assert_eq!(s.get(Collection::Clients, "a").await.unwrap().unwrap().updated_at, "t");
}

/// A write made ready in parts (as an import makes it, a slice at a time) is still one transaction: nothing is
/// written until it is, a failure in the last part undoes the first, and the parts apply in order.
pub async fn parts_made_ready_write_in_one_transaction(s: &impl Store) {
    s.write(WriteBatch::new().insert(Collection::Clients, record("a", None, "t"))).await.unwrap();
    let first_part = || {
        WriteBatch::new()
            .put(Collection::Appeals, record("p", Some("a"), "t"))
            .put(Collection::Clients, record("b", None, "t"))
    };
    let first = s.ready(first_part()).await.unwrap();
    let second = s
        .ready(
            WriteBatch::new()
                .put(Collection::Assessments, record("s", Some("a"), "t"))
                .insert(Collection::Clients, record("a", None, "t-other")),
        )
        .await
        .unwrap();
    assert_eq!(s.get(Collection::Appeals, "p").await.unwrap(), None, "made ready, not written");
    let err = s.write_ready(vec![first, second]).await.unwrap_err();
    assert_eq!(err, StoreError::AlreadyExists { collection: Collection::Clients, id: "a".into() });
    for (c, id) in [(Collection::Appeals, "p"), (Collection::Clients, "b"), (Collection::Assessments, "s")] {
        assert_eq!(s.get(c, id).await.unwrap(), None, "{id}: the first part rolled back with the last");
    }
    let mut newer = record("p", Some("a"), "t2");
    newer.rev = 2;
    let first = s.ready(first_part()).await.unwrap();
    let second = s
        .ready(
            WriteBatch::new()
                .put(Collection::Appeals, newer.clone())
                .put(Collection::Assessments, record("s", Some("a"), "t")),
        )
        .await
        .unwrap();
    s.write_ready(vec![first, second]).await.unwrap();
    assert_eq!(s.get(Collection::Appeals, "p").await.unwrap(), Some(newer), "the later part's put is the one kept");
    assert_eq!(s.count(Collection::Clients).await.unwrap(), 2);
    assert_eq!(s.count(Collection::Assessments).await.unwrap(), 1);
    s.write_ready(vec![]).await.unwrap();
}

pub async fn delete(s: &impl Store) {
    s.write(
        WriteBatch::new().put(Collection::Audit, record("a", None, "t")).put(Collection::Audit, record("b", None, "t")),
    )
    .await
    .unwrap();
    s.write(WriteBatch::new().delete(Collection::Audit, "a").delete(Collection::Audit, "missing")).await.unwrap();
    assert_eq!(ids(&s.all(Collection::Audit).await.unwrap()), vec!["b"]);
}

pub async fn batch_across_collections(s: &impl Store) {
    let batch = WriteBatch::new()
        .put(Collection::Clients, record("c1", None, "t"))
        .put(Collection::Appeals, record("a1", Some("c1"), "t"))
        .put(Collection::Assessments, record("s1", Some("c1"), "t"));
    assert_eq!(batch.collections(), vec![Collection::Clients, Collection::Appeals, Collection::Assessments]);
    s.write(batch).await.unwrap();
    for c in [Collection::Clients, Collection::Appeals, Collection::Assessments] {
        assert_eq!(s.count(c).await.unwrap(), 1, "{c:?}");
    }
}

pub async fn find_by_index(s: &impl Store) {
    let batch = WriteBatch::new()
        .put(Collection::Appeals, record("a3", Some("c1"), "2026-03-01"))
        .put(Collection::Appeals, record("a1", Some("c1"), "2026-01-01"))
        .put(Collection::Appeals, record("a2", Some("c2"), "2026-02-01"))
        .put(Collection::Appeals, record("a4", None, "2026-04-01"));
    s.write(batch).await.unwrap();
    let of_c1 = s.find(Collection::Appeals, IndexName::ByClient, "c1").await.unwrap();
    assert_eq!(ids(&of_c1), vec!["a1", "a3"]);
    assert_eq!(s.find(Collection::Appeals, IndexName::ByClient, "nobody").await.unwrap(), vec![]);
    let by_date = s.find(Collection::Appeals, IndexName::ByUpdated, "2026-02-01").await.unwrap();
    assert_eq!(ids(&by_date), vec!["a2"]);
}

pub async fn latest_first(s: &impl Store) {
    assert_eq!(s.latest(Collection::Clients, 3).await.unwrap(), vec![]);
    let batch = WriteBatch::new()
        .put(Collection::Clients, record("c3", None, "2026-03-01T10:00"))
        .put(Collection::Clients, record("c1", None, "2026-05-01T10:00"))
        .put(Collection::Clients, record("c2", None, "2026-01-01T10:00"))
        .put(Collection::Clients, record("c5", None, "2026-03-01T10:00"))
        .put(Collection::Clients, record("c4", None, "2026-04-01T10:00"));
    s.write(batch).await.unwrap();
    let latest = s.latest(Collection::Clients, 3).await.unwrap();
    assert_eq!(ids(&latest), vec!["c1", "c4", "c5"]);
    assert_eq!(latest[0], record("c1", None, "2026-05-01T10:00"), "read whole");
    assert_eq!(ids(&s.latest(Collection::Clients, 10).await.unwrap()), vec!["c1", "c4", "c5", "c3", "c2"]);
    assert_eq!(s.latest(Collection::Clients, 0).await.unwrap(), vec![]);
}

pub async fn read_in_pages(s: &impl Store) {
    assert_eq!(s.page(Collection::Appeals, None, 2).await.unwrap(), vec![]);
    let mut batch = WriteBatch::new();
    for i in [4, 1, 7, 3, 9, 2, 8] {
        batch = batch.put(Collection::Appeals, record(&format!("a{i}"), Some("c1"), "2026-01-01"));
    }
    s.write(batch).await.unwrap();
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = s.page(Collection::Appeals, after.as_deref(), 3).await.unwrap();
        assert!(page.len() <= 3);
        let Some(last) = page.last() else { break };
        after = Some(last.id.clone());
        seen.extend(page.into_iter().map(|r| r.id));
    }
    assert_eq!(seen, vec!["a1", "a2", "a3", "a4", "a7", "a8", "a9"]);
    assert_eq!(
        ids(&s.page(Collection::Appeals, Some("a35"), 2).await.unwrap()),
        vec!["a4", "a7"],
        "after an id not held"
    );
    assert_eq!(s.page(Collection::Appeals, Some("a9"), 2).await.unwrap(), vec![]);
}

pub async fn typed_save_and_load(s: &impl Store) {
    let mut v = Sample { id: "d1".into(), text: "перша".into() };
    save(s, &v, "t1").await.unwrap();
    assert_eq!(s.get(Collection::Drafts, "d1").await.unwrap().unwrap().rev, 1);
    v.text = "друга".into();
    save(s, &v, "t2").await.unwrap();
    assert_eq!(load::<Sample>(s, "d1").await.unwrap(), Some(v.clone()));
    assert_eq!(load::<Sample>(s, "none").await.unwrap(), None);
    assert_eq!(s.get(Collection::Drafts, "d1").await.unwrap().unwrap().rev, 2);

    let mut broken = record("d2", None, "t");
    broken.payload = "not json".into();
    s.write(WriteBatch::new().put(Collection::Drafts, broken)).await.unwrap();
    assert!(matches!(load::<Sample>(s, "d2").await, Err(StoreError::Decode { .. })));
    assert!(matches!(load_all::<Sample>(s).await, Err(StoreError::Decode { .. })));
}

pub async fn text_survives(s: &impl Store) {
    let text = "Олександр Шевченкоʼ’' «лапки» \"quotes\" \\ \u{0} 🇺🇦 ґ Ї";
    let v = Sample { id: "ід-1".into(), text: text.into() };
    save(s, &v, "t").await.unwrap();
    assert_eq!(load::<Sample>(s, "ід-1").await.unwrap().unwrap().text, text);
}

pub async fn large_batch(s: &impl Store) {
    let mut batch = WriteBatch::new();
    for i in 0..500 {
        batch = batch.put(Collection::Clients, record(&format!("id-{i:04}"), None, "t"));
    }
    s.write(batch).await.unwrap();
    assert_eq!(s.count(Collection::Clients).await.unwrap(), 500);
    assert_eq!(s.all(Collection::Clients).await.unwrap()[499].id, "id-0499");
}

/// A `Next` write takes the revision from what the store holds when the transaction runs, not from the record it is
/// given: a stale copy (another tab's, say) never writes a revision that is already there.
pub async fn next_revision_is_read_in_the_transaction(s: &impl Store) {
    let v = Sample { id: "n1".into(), text: "a".into() };
    s.write(WriteBatch::new().next(&v, "t1").unwrap()).await.unwrap();
    assert_eq!(s.get(Collection::Drafts, "n1").await.unwrap().unwrap().rev, 1);
    // Two writers that both prepared their write before either ran, in one batch and in two.
    let (a, b) = (WriteBatch::new().next(&v, "t2").unwrap(), WriteBatch::new().next(&v, "t3").unwrap());
    s.write(a).await.unwrap();
    s.write(b).await.unwrap();
    assert_eq!(s.get(Collection::Drafts, "n1").await.unwrap().unwrap().rev, 3);
    s.write(WriteBatch::new().next(&v, "t4").unwrap().next(&v, "t5").unwrap()).await.unwrap();
    let rec = s.get(Collection::Drafts, "n1").await.unwrap().unwrap();
    assert_eq!((rec.rev, rec.updated_at.as_str()), (5, "t5"));
    // A record stored with a high revision by a put (an import) is followed, not overwritten at a lower one.
    let mut imported = record("n2", None, "t");
    imported.rev = 40;
    s.write(WriteBatch::new().put(Collection::Drafts, imported)).await.unwrap();
    save(s, &Sample { id: "n2".into(), text: "b".into() }, "t6").await.unwrap();
    assert_eq!(s.get(Collection::Drafts, "n2").await.unwrap().unwrap().rev, 41);
}

pub async fn next_revision_rolls_back_with_the_batch(s: &impl Store) {
    let v = Sample { id: "n1".into(), text: "a".into() };
    save(s, &v, "t1").await.unwrap();
    s.write(WriteBatch::new().insert(Collection::Clients, record("c", None, "t"))).await.unwrap();
    let failing = WriteBatch::new().next(&v, "t2").unwrap().insert(Collection::Clients, record("c", None, "t"));
    assert!(matches!(s.write(failing).await, Err(StoreError::AlreadyExists { .. })));
    let rec = s.get(Collection::Drafts, "n1").await.unwrap().unwrap();
    assert_eq!((rec.rev, rec.updated_at.as_str()), (1, "t1"), "the whole batch rolled back");
}

/// An edit made on a revision another writer has passed meanwhile is refused, with both revisions, and its whole
/// batch writes nothing; made on the stored revision (0 for a new record) it is the next one.
pub async fn stale_revision_is_refused(s: &impl Store) {
    let v = Sample { id: "e1".into(), text: "a".into() };
    s.write(WriteBatch::new().next_after(&v, 0, "t1").unwrap()).await.unwrap();
    s.write(WriteBatch::new().next_after(&Sample { text: "b".into(), ..v.clone() }, 1, "t2").unwrap()).await.unwrap();
    assert_eq!(s.get(Collection::Drafts, "e1").await.unwrap().unwrap().rev, 2);
    // Another tab opened revision 1 too and saves after: refused, and the insert of its batch is undone with it.
    let stale = WriteBatch::new()
        .insert(Collection::Clients, record("c9", None, "t"))
        .next_after(&Sample { text: "stale".into(), ..v.clone() }, 1, "t3")
        .unwrap();
    let err = s.write(stale).await.unwrap_err();
    assert_eq!(err, StoreError::Conflict { collection: Collection::Drafts, id: "e1".into(), expected: 1, stored: 2 });
    assert_eq!(s.get(Collection::Clients, "c9").await.unwrap(), None, "the whole batch rolled back");
    let kept: Sample = load(s, "e1").await.unwrap().unwrap();
    assert_eq!(kept.text, "b");
    // A write resting on another record's revision: refused once that record moved on, and nothing written.
    let resting = |expected| {
        WriteBatch::new().put(Collection::Clients, record("c8", None, "t")).unchanged(
            Collection::Drafts,
            "e1",
            expected,
        )
    };
    let err = s.write(resting(1)).await.unwrap_err();
    assert_eq!(err, StoreError::Conflict { collection: Collection::Drafts, id: "e1".into(), expected: 1, stored: 2 });
    assert_eq!(s.get(Collection::Clients, "c8").await.unwrap(), None, "the whole batch rolled back");
    s.write(resting(2)).await.unwrap();
    assert_eq!(s.get(Collection::Drafts, "e1").await.unwrap().unwrap().rev, 2, "checked, not written");
    assert!(s.get(Collection::Clients, "c8").await.unwrap().is_some());
    assert!(s.write(WriteBatch::new().unchanged(Collection::Drafts, "absent", 0)).await.is_ok());
    // A record that exists is not created again as "new".
    assert!(matches!(
        s.write(WriteBatch::new().next_after(&v, 0, "t4").unwrap()).await,
        Err(StoreError::Conflict { expected: 0, stored: 2, .. })
    ));
}

/// Revisions are bounded (IndexedDB numbers are exact to 2^53 − 1): the highest one is kept and read back exactly,
/// and a save past it is refused instead of wrapping to a low revision that would never be exported again.
pub async fn next_revision_stops_at_the_limit(s: &impl Store) {
    let mut top = record("n1", None, "t1");
    top.rev = super::MAX_REV;
    s.write(WriteBatch::new().put(Collection::Drafts, top.clone())).await.unwrap();
    assert_eq!(s.get(Collection::Drafts, "n1").await.unwrap(), Some(top.clone()));
    let err = save(s, &Sample { id: "n1".into(), text: "b".into() }, "t2").await.unwrap_err();
    assert!(matches!(err, StoreError::Other { .. }), "{err:?}");
    assert_eq!(s.get(Collection::Drafts, "n1").await.unwrap(), Some(top), "nothing written");
}

async fn fresh_key() -> (crate::crypto::DataKey, [u8; 32]) {
    let k = crate::crypto::DataKey::generate().await.unwrap();
    let bytes = *k.bytes();
    (k, bytes)
}

async fn key_from(bytes: [u8; 32]) -> crate::crypto::DataKey {
    crate::crypto::DataKey::from_bytes(zeroize::Zeroizing::new(bytes)).await.unwrap()
}

/// Unlocked, a personal record is kept sealed: it reads back whole with the key, not at all while locked (a record
/// kept in clear would), and not with another key. Settings stay readable while locked. The key state is per thread:
/// each case sets the state it needs and leaves the device unprotected.
pub async fn sealed_records_hide_their_text(s: &impl Store) {
    let (k, bytes) = fresh_key().await;
    codec::unlock(k);
    let v = Sample { id: "s1".into(), text: "Шевченко Тарас, +380671234567".into() };
    save(s, &v, "t1").await.unwrap();
    s.write(WriteBatch::new().put(Collection::Settings, record("device", None, "t"))).await.unwrap();
    assert_eq!(load::<Sample>(s, "s1").await.unwrap(), Some(v.clone()));
    codec::lock();
    assert_eq!(s.get(Collection::Drafts, "s1").await, Err(StoreError::Locked));
    assert_eq!(s.all(Collection::Drafts).await, Err(StoreError::Locked));
    assert_eq!(s.get(Collection::Settings, "device").await.unwrap().unwrap().codec, codec::CODEC_JSON_V1);
    assert_eq!(s.count(Collection::Drafts).await.unwrap(), 1, "counts need no key");
    codec::unlock(fresh_key().await.0);
    assert!(matches!(s.get(Collection::Drafts, "s1").await, Err(StoreError::Decode { .. })), "another key");
    codec::unlock(key_from(bytes).await);
    assert_eq!(load::<Sample>(s, "s1").await.unwrap(), Some(v));
    codec::unprotect();
}

/// More sealed records than are opened together (the browser opens them in groups): every one reads back whole, in
/// order, by `all` and by pages; with another key none does, and the error says so.
pub async fn many_sealed_records_read_back_whole_and_in_order(s: &impl Store) {
    let (k, bytes) = fresh_key().await;
    codec::unlock(k);
    let mut batch = WriteBatch::new();
    for i in 0..450 {
        batch = batch.put(Collection::Clients, record(&format!("c{i:03}"), None, "t"));
    }
    s.write(batch).await.unwrap();
    let all = s.all(Collection::Clients).await.unwrap();
    assert_eq!(all.len(), 450);
    for (i, r) in all.iter().enumerate() {
        assert_eq!(r, &record(&format!("c{i:03}"), None, "t"), "record {i}");
    }
    let page = s.page(Collection::Clients, Some("c099"), 301).await.unwrap();
    assert_eq!(ids(&page), (100..401).map(|i| format!("c{i:03}")).collect::<Vec<_>>());
    codec::unlock(fresh_key().await.0);
    assert!(matches!(s.all(Collection::Clients).await, Err(StoreError::Decode { .. })), "another key");
    codec::unlock(key_from(bytes).await);
    assert_eq!(s.all(Collection::Clients).await.unwrap(), all);
    codec::unprotect();
}

/// Every record's head (id, revision, last change), in id order, more of them than are read at a time, sealed or in
/// clear; the payloads are not opened: with another key (or locked) the heads still read, the records do not.
pub async fn heads_without_opening(s: &impl Store) {
    assert_eq!(s.heads(Collection::Clients, None, 10).await.unwrap(), vec![]);
    let (k, _) = fresh_key().await;
    codec::unlock(k);
    let mut batch = WriteBatch::new();
    for i in (0..1_050).rev() {
        let at = format!("2026-11-{:02}", i % 28 + 1);
        let rec = StoredRecord { rev: i % 7 + 1, ..record(&format!("c{i:04}"), None, &at) };
        batch = batch.put(Collection::Clients, rec);
    }
    s.write(batch.put(Collection::Appeals, record("a1", Some("c0001"), "t"))).await.unwrap();
    let all = s.all(Collection::Clients).await.unwrap();
    let mut heads = Vec::new();
    super::each_head(s, Collection::Clients, |h| heads.push(h)).await.unwrap();
    assert_eq!(heads.len(), 1_050);
    assert_eq!(heads, all.iter().map(Head::from).collect::<Vec<_>>());
    assert_eq!((heads[3].id.as_str(), heads[3].rev, heads[3].updated_at.as_str()), ("c0003", 4, "2026-11-04"));
    let page = s.heads(Collection::Clients, Some("c0099"), 3).await.unwrap();
    assert_eq!(page.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), ["c0100", "c0101", "c0102"]);
    codec::unlock(fresh_key().await.0);
    assert!(s.all(Collection::Clients).await.is_err(), "another key opens nothing");
    assert_eq!(s.heads(Collection::Clients, None, 2_000).await.unwrap(), heads, "heads need no key");
    assert_eq!(s.heads(Collection::Appeals, None, 10).await.unwrap().len(), 1);
    codec::unprotect();
}

/// The upgrade of a device made before encryption: every record in clear is sealed in one write, keeping its
/// revision and time; settings stay readable; nothing is lost.
pub async fn seal_all_upgrades_records_in_clear(s: &impl Store) {
    codec::unprotect();
    let mut batch = WriteBatch::new().put(Collection::Settings, record("device", None, "t"));
    for i in 0..30 {
        let mut r = record(&format!("c{i:02}"), Some("k"), "2026-01-01T00:00:00Z");
        r.rev = 3;
        batch = batch.put(Collection::Appeals, r);
    }
    s.write(batch).await.unwrap();
    let before = s.all(Collection::Appeals).await.unwrap();
    let (k, bytes) = fresh_key().await;
    codec::unlock(k);
    s.write(WriteBatch::new().seal_all(Collection::Appeals).seal_all(Collection::Settings)).await.unwrap();
    assert_eq!(s.all(Collection::Appeals).await.unwrap(), before, "every record, revision and time kept");
    assert_eq!(s.find(Collection::Appeals, IndexName::ByClient, "k").await.unwrap().len(), 30, "indexes still work");
    codec::lock();
    assert_eq!(s.get(Collection::Appeals, "c07").await, Err(StoreError::Locked), "sealed");
    assert_eq!(s.get(Collection::Settings, "device").await.unwrap().unwrap().codec, codec::CODEC_JSON_V1);
    // A second run changes nothing.
    codec::unlock(key_from(bytes).await);
    s.write(WriteBatch::new().seal_all(Collection::Appeals)).await.unwrap();
    assert_eq!(s.all(Collection::Appeals).await.unwrap(), before);
    codec::unprotect();
}

/// Locked, a personal write fails and writes nothing, and the upgrade refuses to run.
pub async fn locked_store_writes_nothing_personal(s: &impl Store) {
    codec::unprotect();
    s.write(WriteBatch::new().put(Collection::Clients, record("c1", None, "t"))).await.unwrap();
    codec::lock();
    assert_eq!(save(s, &Sample { id: "d".into(), text: "x".into() }, "t").await, Err(StoreError::Locked));
    let mixed = WriteBatch::new().put(Collection::Settings, record("x", None, "t")).seal_all(Collection::Clients);
    assert_eq!(s.write(mixed).await, Err(StoreError::Locked));
    assert_eq!(s.count(Collection::Drafts).await.unwrap(), 0);
    assert_eq!(s.get(Collection::Settings, "x").await.unwrap(), None, "the whole batch refused");
    assert_eq!(s.get(Collection::Clients, "c1").await.unwrap().unwrap().codec, codec::CODEC_JSON_V1);
    codec::unprotect();
}

/// Drives a future that never waits (the memory store's) to completion on the host.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut fut = std::pin::pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
    }
}
