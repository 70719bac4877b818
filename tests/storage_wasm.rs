//! The storage module against real IndexedDB in headless Chromium (`cargo test --target wasm32-unknown-unknown`).
//! Every test uses its own randomly named database.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use pryiom::domain::ids::uuid_v4;
use pryiom::storage::conformance::record;
use pryiom::storage::idb::{IdbStore, OpenHooks};
use pryiom::storage::memory::MemoryStore;
use pryiom::storage::schema::SCHEMA_VERSION;
use pryiom::storage::{Collection, IndexName, Store, StoreError, WriteBatch};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn random_name() -> String {
    let mut bytes = [0u8; 16];
    for b in &mut bytes {
        *b = (js_sys::Math::random() * 256.0) as u8;
    }
    format!("pryiom-test-{}", uuid_v4(bytes))
}

async fn open(name: &str, version: u32) -> Result<IdbStore, StoreError> {
    IdbStore::open(name, version, OpenHooks::none()).await
}

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

/// Resolves with the request's result, like a promise.
async fn done(req: &web_sys::IdbRequest) -> Result<JsValue, JsValue> {
    let p = js_sys::Promise::new(&mut |resolve, reject| {
        let r = req.clone();
        let ok = Closure::once_into_js(move || resolve.call1(&JsValue::NULL, &r.result().unwrap()));
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(&reject));
    });
    JsFuture::from(p).await
}

fn factory() -> web_sys::IdbFactory {
    web_sys::window().unwrap().indexed_db().unwrap().unwrap()
}

/// A connection as another tab of an older build would hold it: it does not close on `versionchange`.
async fn raw_open(name: &str, version: u32) -> web_sys::IdbDatabase {
    let req = factory().open_with_u32(name, version).unwrap();
    done(&req).await.unwrap().unchecked_into()
}

/// The conformance suite on real IndexedDB, one test per case, each on a new database.
mod idb_conformance {
    use super::*;
    pryiom::store_conformance_browser!(|| async { open(&random_name(), SCHEMA_VERSION).await.unwrap() });
}

/// The memory store behaves the same in the browser as on the host.
mod memory_conformance {
    use super::*;
    pryiom::store_conformance_browser!(|| async { MemoryStore::new() });
}

#[wasm_bindgen_test]
async fn the_start_up_probe_passes_and_leaves_nothing() {
    let s = open(&random_name(), SCHEMA_VERSION).await.unwrap();
    s.probe().await.unwrap();
    assert_eq!(s.count(Collection::Settings).await.unwrap(), 0);
}

#[wasm_bindgen_test]
async fn upgrade_from_version_1_keeps_every_record() {
    let name = random_name();
    let v1 = open(&name, 1).await.unwrap();
    let batch = WriteBatch::new()
        .put(Collection::Clients, record("c1", None, "2026-01-01"))
        .put(Collection::Clients, record("c2", None, "2026-02-01"))
        .put(Collection::Appeals, record("a1", Some("c1"), "2026-01-05"))
        .put(Collection::Settings, record("device", None, "2026-01-01"));
    v1.write(batch).await.unwrap();
    // Version 1 has no `by_updated` index yet.
    assert!(v1.find(Collection::Clients, IndexName::ByUpdated, "2026-02-01").await.is_err());
    v1.close();

    let v2 = open(&name, 2).await.unwrap();
    assert_eq!(v2.get(Collection::Clients, "c1").await.unwrap(), Some(record("c1", None, "2026-01-01")));
    assert_eq!(v2.count(Collection::Clients).await.unwrap(), 2);
    assert_eq!(v2.count(Collection::Appeals).await.unwrap(), 1);
    assert_eq!(v2.count(Collection::Settings).await.unwrap(), 1);
    // The new index covers records written before it existed.
    let feb = v2.find(Collection::Clients, IndexName::ByUpdated, "2026-02-01").await.unwrap();
    assert_eq!(feb.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec!["c2"]);
    let of_c1 = v2.find(Collection::Appeals, IndexName::ByClient, "c1").await.unwrap();
    assert_eq!(of_c1.len(), 1);
}

#[wasm_bindgen_test]
async fn upgrade_from_version_3_adds_the_kiosk_stores_and_keeps_every_record() {
    let name = random_name();
    let v3 = open(&name, 3).await.unwrap();
    v3.write(WriteBatch::new().put(Collection::Clients, record("c1", None, "2026-01-01"))).await.unwrap();
    assert!(v3.count(Collection::Tickets).await.is_err(), "no kiosk store before version 4");
    v3.close();
    let v4 = open(&name, 4).await.unwrap();
    assert_eq!(v4.get(Collection::Clients, "c1").await.unwrap(), Some(record("c1", None, "2026-01-01")));
    v4.write(WriteBatch::new().put(Collection::Tickets, record("t1", None, "2026-11-30"))).await.unwrap();
    assert_eq!(v4.count(Collection::Tickets).await.unwrap(), 1);
    assert_eq!(v4.count(Collection::Feedback).await.unwrap(), 0);
}

#[wasm_bindgen_test]
async fn an_older_build_meets_a_newer_database_with_version_too_new() {
    let name = random_name();
    open(&name, 2).await.unwrap().close();
    assert_eq!(open(&name, 1).await.unwrap_err(), StoreError::VersionTooNew);
}

#[wasm_bindgen_test]
async fn upgrade_blocked_by_another_tab_is_reported_then_completes() {
    let name = random_name();
    open(&name, 1).await.unwrap().close();
    let other_tab = raw_open(&name, 1).await;
    let blocked = Rc::new(Cell::new(false));
    let result: Rc<std::cell::RefCell<Option<Result<IdbStore, StoreError>>>> = Rc::default();
    {
        let (blocked, result, name) = (blocked.clone(), result.clone(), name.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let hooks =
                OpenHooks { on_blocked: Box::new(move || blocked.set(true)), on_closed_for_upgrade: Box::new(|| {}) };
            *result.borrow_mut() = Some(IdbStore::open(&name, 2, hooks).await);
        });
    }
    for _ in 0..50 {
        if blocked.get() {
            break;
        }
        sleep(20).await;
    }
    assert!(blocked.get(), "the blocked hook was not called");
    assert!(result.borrow().is_none(), "the upgrade must wait for the other tab");
    other_tab.close();
    for _ in 0..100 {
        if result.borrow().is_some() {
            break;
        }
        sleep(20).await;
    }
    let store = result.borrow_mut().take().expect("open finished").expect("open succeeded");
    assert_eq!(store.count(Collection::Clients).await.unwrap(), 0);
}

#[wasm_bindgen_test]
async fn our_connection_steps_aside_for_a_newer_version() {
    let name = random_name();
    let closed = Rc::new(Cell::new(false));
    let c = closed.clone();
    let hooks = OpenHooks { on_blocked: Box::new(|| {}), on_closed_for_upgrade: Box::new(move || c.set(true)) };
    let old = IdbStore::open(&name, 1, hooks).await.unwrap();
    // Without stepping aside this would hang (blocked) instead of opening.
    let newer = open(&name, 2).await.unwrap();
    assert!(closed.get());
    assert!(old.count(Collection::Clients).await.is_err(), "the old connection is closed");
    assert_eq!(newer.count(Collection::Clients).await.unwrap(), 0);
}

#[wasm_bindgen_test]
async fn a_record_that_does_not_decode_is_a_typed_error() {
    let name = random_name();
    open(&name, SCHEMA_VERSION).await.unwrap().close();
    let db = raw_open(&name, SCHEMA_VERSION).await;
    let tx = db.transaction_with_str_and_mode("clients", web_sys::IdbTransactionMode::Readwrite).unwrap();
    let bad = js_sys::Object::new();
    js_sys::Reflect::set(&bad, &"id".into(), &"broken".into()).unwrap();
    js_sys::Reflect::set(&bad, &"rev".into(), &"not a number".into()).unwrap();
    done(&tx.object_store("clients").unwrap().put(&bad).unwrap()).await.unwrap();
    db.close();

    let s = open(&name, SCHEMA_VERSION).await.unwrap();
    match s.get(Collection::Clients, "broken").await {
        Err(StoreError::Decode { collection, id, .. }) => {
            assert_eq!(collection, Collection::Clients);
            assert_eq!(id, "broken");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(matches!(s.all(Collection::Clients).await, Err(StoreError::Decode { .. })));
}

#[wasm_bindgen_test]
fn browser_quota_errors_map_to_quota_exceeded() {
    let e =
        web_sys::DomException::new_with_message_and_name("The quota has been exceeded.", "QuotaExceededError").unwrap();
    assert_eq!(StoreError::from_dom(&e.name(), &e.message()), StoreError::QuotaExceeded);
}

/// Every record of every object store of database `name`, as JSON text: what a person holding the device could read.
async fn raw_dump(name: &str) -> String {
    let db = raw_open(name, SCHEMA_VERSION).await;
    let mut out = String::new();
    for c in Collection::ALL {
        let tx = db.transaction_with_str(c.name()).unwrap();
        let all = done(&tx.object_store(c.name()).unwrap().get_all().unwrap()).await.unwrap();
        let arr: js_sys::Array = all.unchecked_into();
        for v in arr.iter() {
            // Bytes (a sealed payload) are dumped as their numbers: text inside them would still show.
            let payload = js_sys::Reflect::get(&v, &"payload".into()).unwrap();
            if let Some(bytes) = payload.dyn_ref::<js_sys::Uint8Array>() {
                out.push_str(&String::from_utf8_lossy(&bytes.to_vec()));
            }
            out.push_str(&js_sys::JSON::stringify(&v).unwrap().as_string().unwrap());
        }
    }
    db.close();
    out
}

async fn put_raw(name: &str, store: &str, value: &JsValue) {
    let db = raw_open(name, SCHEMA_VERSION).await;
    let tx = db.transaction_with_str_and_mode(store, web_sys::IdbTransactionMode::Readwrite).unwrap();
    done(&tx.object_store(store).unwrap().put(value).unwrap()).await.unwrap();
    db.close();
}

async fn get_raw(name: &str, store: &str, id: &str) -> JsValue {
    let db = raw_open(name, SCHEMA_VERSION).await;
    let tx = db.transaction_with_str(store).unwrap();
    let v = done(&tx.object_store(store).unwrap().get(&id.into()).unwrap()).await.unwrap();
    db.close();
    v
}

/// The browser's AES-GCM (WebCrypto) is the standard one, as the host's is (same published vector).
#[wasm_bindgen_test]
async fn webcrypto_matches_the_published_vector() {
    assert!(pryiom::crypto::cipher_matches_nist().await);
}

const SECRETS: [&str; 4] = ["Шевченко", "Тарас", "+380671234567", "1234567890"];

/// Unlocked, personal records reach IndexedDB sealed: a dump of every store finds none of their text; locked, the
/// app cannot read them; a changed byte or a payload moved to another record does not open.
#[wasm_bindgen_test]
async fn indexeddb_holds_no_personal_text_and_refuses_tampering() {
    use pryiom::storage::codec;
    use pryiom::storage::conformance::Sample;
    let name = random_name();
    let s = open(&name, SCHEMA_VERSION).await.unwrap();
    codec::unlock(pryiom::crypto::DataKey::generate().await.unwrap());
    for c in Collection::ALL.into_iter().filter(|c| c.holds_personal()) {
        let mut r = record(&format!("{}-r", c.name()), Some("k"), "2026-11-28T10:00:00Z");
        r.payload = serde_json::json!({ "id": r.id, "text": SECRETS.join(" ") }).to_string();
        s.write(WriteBatch::new().put(c, r)).await.unwrap();
    }
    pryiom::storage::save(&s, &Sample { id: "d1".into(), text: SECRETS.join(", ") }, "t").await.unwrap();
    let dump = raw_dump(&name).await;
    for secret in SECRETS {
        assert!(!dump.contains(secret), "{secret} readable in IndexedDB");
    }
    assert_eq!(s.find(Collection::Appeals, IndexName::ByClient, "k").await.unwrap().len(), 1, "index on the envelope");
    let back = s.get(Collection::Drafts, "d1").await.unwrap().unwrap();
    assert!(back.payload.contains("Шевченко"));

    // A changed byte, and one record's sealed payload put into another's place.
    let a = get_raw(&name, "drafts", "d1").await;
    let bytes: js_sys::Uint8Array = js_sys::Reflect::get(&a, &"payload".into()).unwrap().unchecked_into();
    let mut changed = bytes.to_vec();
    changed[20] ^= 1;
    let tampered = js_sys::Object::assign(&js_sys::Object::new(), a.unchecked_ref());
    js_sys::Reflect::set(&tampered, &"payload".into(), &js_sys::Uint8Array::from(changed.as_slice())).unwrap();
    put_raw(&name, "drafts", &tampered).await;
    assert!(matches!(s.get(Collection::Drafts, "d1").await, Err(StoreError::Decode { .. })));
    let moved =
        js_sys::Object::assign(&js_sys::Object::new(), get_raw(&name, "drafts", "drafts-r").await.unchecked_ref());
    js_sys::Reflect::set(&moved, &"payload".into(), &bytes).unwrap();
    put_raw(&name, "drafts", &moved).await;
    assert!(matches!(s.get(Collection::Drafts, "drafts-r").await, Err(StoreError::Decode { .. })), "moved payload");

    codec::lock();
    assert_eq!(s.get(Collection::Clients, "clients-r").await, Err(StoreError::Locked));
    assert_eq!(
        s.write(WriteBatch::new().put(Collection::Clients, record("x", None, "t"))).await,
        Err(StoreError::Locked)
    );
    codec::unprotect();
    s.close();
}

/// A device made before encryption: records written in clear are all sealed by the upgrade, and all read back.
#[wasm_bindgen_test]
async fn the_upgrade_seals_every_record_made_in_clear() {
    use pryiom::storage::codec;
    let name = random_name();
    let s = open(&name, SCHEMA_VERSION).await.unwrap();
    codec::unprotect();
    let mut batch = WriteBatch::new().put(Collection::Settings, record("device", None, "t"));
    let personal: Vec<Collection> = Collection::ALL.into_iter().filter(|c| c.holds_personal()).collect();
    for c in &personal {
        for i in 0..40 {
            let mut r = record(&format!("{}-{i:02}", c.name()), Some("k"), "2026-11-01T10:00:00Z");
            r.payload = serde_json::json!({ "id": r.id, "text": SECRETS.join(" ") }).to_string();
            r.rev = 2;
            batch = batch.put(*c, r);
        }
    }
    s.write(batch).await.unwrap();
    let before: Vec<_> = {
        let mut v = Vec::new();
        for c in &personal {
            v.push(s.all(*c).await.unwrap());
        }
        v
    };
    assert!(raw_dump(&name).await.contains("Шевченко"), "in clear before");
    codec::unlock(pryiom::crypto::DataKey::generate().await.unwrap());
    let mut upgrade = WriteBatch::new();
    for c in &personal {
        upgrade = upgrade.seal_all(*c);
    }
    s.write(upgrade).await.unwrap();
    let dump = raw_dump(&name).await;
    for secret in SECRETS {
        assert!(!dump.contains(secret), "{secret} still readable after the upgrade");
    }
    for (c, was) in personal.iter().zip(before) {
        assert_eq!(s.all(*c).await.unwrap(), was, "{c:?}: every record kept");
    }
    codec::unprotect();
    s.close();
}
