//! What encryption at rest costs the export and import pipelines: the same `transfer::export` and
//! `transfer::import` over the same 20,000 records (10,000 cards, 10,000 appeals) on real IndexedDB, once with the
//! device unprotected (records kept as JSON text) and once unlocked (every record sealed with AES-256-GCM by
//! WebCrypto), in the same page, alternating. Figures, not pass/fail; run by `./pryiom bench`:
//! `cargo test --target wasm32-unknown-unknown --no-default-features --features testing --test crypto_bench_wasm`.
#![cfg(target_arch = "wasm32")]

use pryiom::crypto::DataKey;
use pryiom::domain::appeal::Appeal;
use pryiom::domain::batch::{Ledger, Origin, Selection};
use pryiom::domain::client::{Client, Personal};
use pryiom::domain::ids::uuid_v4;
use pryiom::storage::codec;
use pryiom::storage::idb::{IdbStore, OpenHooks};
use pryiom::storage::schema::SCHEMA_VERSION;
use pryiom::storage::{Store, WriteBatch};
use pryiom::transfer;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CLIENTS: usize = 10_000;
const SURNAMES: [&str; 8] =
    ["Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравчук", "Мельник", "Олійник", "Гнатюк"];
const GIVEN: [&str; 6] = ["Олена", "Іван", "Марʼяна", "Петро", "Оксана", "Юрій"];

fn id(n: usize, kind: u8) -> String {
    let mut b = [kind; 16];
    b[..8].copy_from_slice(&(n as u64).to_le_bytes());
    uuid_v4(b)
}

fn client(n: usize) -> Client {
    let mut c: Client = serde_json::from_value(serde_json::json!({
        "id": id(n, 1), "created_at": "2026-11-20T10:00:00Z",
        "consent": { "text_version": "1", "text_lang": "uk", "form": "oral", "given_at": "2026-11-20T10:00:00Z",
            "taken_by": "Олена Коваль" },
        "personal": null
    }))
    .expect("a client card");
    c.personal = Some(Personal {
        surname: SURNAMES[n % 8].into(),
        given_name: GIVEN[n % 6].into(),
        patronymic: "Петрівна".into(),
        birth_date: format!("19{:02}-0{}-1{}", 40 + n % 60, 1 + n % 9, n % 10),
        phones: vec![format!("+38067{n:07}")],
        address: format!("м. Буча, вул. Вокзальна, {}", n % 200),
        document_kind: "passport".into(),
        document_number: format!("{n:09}"),
        tax_refused: true,
        ..Personal::default()
    });
    c
}

fn appeal(n: usize) -> Appeal {
    serde_json::from_value(serde_json::json!({
        "id": id(n, 2), "client_id": id(n, 1), "received_at": "2026-11-21T11:00",
        "channel": "outreach", "location": "Буча", "area": "житлові питання",
        "account": "Просить допомогти з договором оренди; орендодавець не повертає заставу",
        "aid": "consultation", "outcome": "", "worker": "Олена Коваль", "written": false
    }))
    .expect("an appeal")
}

fn name() -> String {
    let mut b = [0u8; 16];
    for x in &mut b {
        *x = (js_sys::Math::random() * 256.0) as u8;
    }
    format!("pryiom-bench-{}", uuid_v4(b))
}

async fn fresh() -> (IdbStore, String) {
    let n = name();
    (IdbStore::open(&n, SCHEMA_VERSION, OpenHooks::none()).await.expect("open"), n)
}

fn delete(name: &str) {
    let f = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let _ = f.delete_database(name);
}

/// Milliseconds of export and of import, seeded and run under the codec's current key state.
async fn round() -> (f64, f64) {
    let (store, a) = fresh().await;
    let now = "2026-11-21T12:00:00Z";
    let mut batch = WriteBatch::new();
    for n in 0..CLIENTS {
        batch = batch.put(pryiom::storage::Collection::Clients, codec::encode(&client(n), 1, now).unwrap());
        batch = batch.put(pryiom::storage::Collection::Appeals, codec::encode(&appeal(n), 1, now).unwrap());
    }
    store.write(batch).await.expect("seed");
    let origin = Origin { batch_id: id(7, 9), device_id: id(1, 8), created_at: now.into(), ..Origin::default() };
    let t = js_sys::Date::now();
    let made = transfer::export(&store, &origin, Selection::NotExported, &Ledger::default(), None, &mut ())
        .await
        .expect("export")
        .expect("a batch");
    let export_ms = js_sys::Date::now() - t;
    assert_eq!(made.info.entries.len(), 2 * CLIENTS);
    let (target, b) = fresh().await;
    let t = js_sys::Date::now();
    let done =
        transfer::import(&target, &made.text, pryiom::domain::date::Date::new(2026, 11, 29).expect("date"), &mut ())
            .await
            .expect("import");
    let import_ms = js_sys::Date::now() - t;
    assert_eq!(done.summary.added, 2 * CLIENTS);
    drop(store);
    drop(target);
    delete(&a);
    delete(&b);
    (export_ms, import_ms)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[wasm_bindgen_test]
async fn encryption_cost_of_export_and_import() {
    let (mut plain, mut sealed) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        codec::unprotect();
        plain.push(round().await);
        codec::unlock(DataKey::generate().await.expect("a key"));
        sealed.push(round().await);
    }
    codec::unprotect();
    let (pe, se) = (median(plain.iter().map(|r| r.0).collect()), median(sealed.iter().map(|r| r.0).collect()));
    let (pi, si) = (median(plain.iter().map(|r| r.1).collect()), median(sealed.iter().map(|r| r.1).collect()));
    let line = |what: &str, p: f64, s: f64| format!("{what:<44}{p:>12.0} ms{s:>12.0} ms{:>9.2}×", s / p);
    let out = [
        format!("{} records (median of 3){:>18}{:>15}{:>10}", 2 * CLIENTS, "in clear", "sealed", "ratio"),
        line("export: stored records to the kept batch", pe, se),
        line("import: batch text to every record written", pi, si),
    ]
    .join("\n");
    web_sys::console::log_1(&out.into());
}
