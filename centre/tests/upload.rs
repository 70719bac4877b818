//! The centre server through HTTP, on SQLite and on a real PostgreSQL (every test runs on both: `on_every_backend!`):
//! enrolment, an upload taken exactly once with a signed receipt, the same key with other bytes, invalid files,
//! revisions, a key in use, sealed uploads, size limit, two server instances at once, a database gone; the staff
//! page (both languages); the kiosk's live queue (tickets sent, "call next" from two servers at once, the waiting-room display).
//! The app's own files (no database in it: SQLite only): brotli, revalidated.
//!
//! PostgreSQL: `PRYIOM_TEST_POSTGRES=postgres://user@127.0.0.1:PORT` (`./pryiom test` starts a throw-away cluster);
//! each test gets a database of its own.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use ed25519_dalek::SigningKey;
use http_body_util::BodyExt;
use pryiom::domain::batch::receipt::Receipt;
use pryiom::domain::batch::{assemble, record_of, signature, Origin, RecordType, Selection, Source};
use pryiom_centre::{router, Centre, Config, Enrolled};
use serde_json::{json, Value};
use sqlx::Row;
use tower::ServiceExt;

/// Keeps a test's data folder until the test ends.
struct Guard(#[allow(dead_code)] tempfile::TempDir);

async fn sqlite() -> (Config, Guard) {
    let dir = tempfile::tempdir().expect("temp dir");
    (Config::new(dir.path().join("data")), Guard(dir))
}

async fn postgres() -> (Config, Guard) {
    use sqlx::Connection;
    let url = std::env::var("PRYIOM_TEST_POSTGRES").expect(
        "the PostgreSQL tests need PRYIOM_TEST_POSTGRES=postgres://user@host:port (./pryiom test starts a cluster)",
    );
    sqlx::any::install_default_drivers();
    let mut admin = sqlx::AnyConnection::connect(&format!("{url}/postgres")).await.expect("PostgreSQL reachable");
    let mut b = [0u8; 6];
    getrandom::getrandom(&mut b).expect("random");
    let name = format!("centre_{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>());
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("database created");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::new(dir.path().join("data"));
    config.database_url = Some(format!("{url}/{name}"));
    (config, Guard(dir))
}

macro_rules! on_every_backend {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                let (config, _guard) = super::sqlite().await;
                super::$test(config).await
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                let (config, _guard) = super::postgres().await;
                super::$test(config).await
            })*
        }
    };
}

on_every_backend!(
    enrolment_gives_a_token_once_and_others_are_refused,
    a_batch_is_taken_once_with_a_receipt_and_other_bytes_under_its_key_are_refused,
    an_invalid_or_foreign_batch_is_refused_and_nothing_is_written,
    each_record_keeps_its_highest_revision,
    a_key_in_use_answers_409_and_an_abandoned_one_is_taken_over,
    a_batch_sealed_to_the_centre_is_opened_and_taken,
    an_upload_over_the_limit_is_refused_with_the_limit,
    the_same_batch_sent_to_two_servers_at_once_is_stored_once,
    a_database_gone_answers_503_with_retry_after,
    the_devices_own_pipeline_exports_sends_and_takes_only_a_verified_receipt,
    a_lost_answer_is_recovered_with_the_receipt_and_a_server_stopped_mid_upload_loses_nothing,
    the_staff_page_shows_devices_and_batches_and_gives_the_merged_data_behind_a_password,
    the_live_queue_takes_a_kiosks_tickets_and_two_desks_never_call_the_same_visitor,
    a_kiosk_alone_meanwhile_only_moves_its_tickets_on_and_its_token_does_nothing_else,
);

/// The app's files: brotli where the browser takes it, never kept without asking, "not modified" when unchanged.
#[tokio::test]
async fn the_app_is_served_brotli_compressed_and_revalidated() {
    let (config, _guard) = sqlite().await;
    let centre = Arc::new(Centre::open(&config).await.expect("centre opens"));
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("index.html"), "<!doctype html><p>Прийом</p>").expect("written");
    std::fs::write(dir.path().join("index.html.br"), b"(brotli)").expect("written");
    let app = router(centre, Some(dir.path()));
    let get = |encoding: Option<&str>, since: Option<&str>| {
        let mut r = Request::get("/");
        if let Some(e) = encoding {
            r = r.header("accept-encoding", e);
        }
        if let Some(s) = since {
            r = r.header("if-modified-since", s);
        }
        r.body(Body::empty()).expect("request")
    };
    let plain = app.clone().oneshot(get(None, None)).await.expect("answer");
    assert_eq!(plain.status(), StatusCode::OK);
    assert_eq!(plain.headers()["cache-control"], "no-cache");
    assert!(plain.headers().get("content-encoding").is_none());
    let modified = plain.headers()["last-modified"].to_str().expect("a date").to_owned();
    let body = plain.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(std::str::from_utf8(&body).expect("text"), "<!doctype html><p>Прийом</p>");
    let br = app.clone().oneshot(get(Some("br"), None)).await.expect("answer");
    assert_eq!((br.status(), &br.headers()["content-encoding"]), (StatusCode::OK, &"br".parse().expect("value")));
    assert_eq!(br.headers()["cache-control"], "no-cache");
    let again = app.oneshot(get(Some("br"), Some(&modified))).await.expect("answer");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}

const APP_DEVICE: &str = "00000000-0000-4000-8000-00000000d001";

fn device_key() -> SigningKey {
    SigningKey::from_bytes(&[3u8; 32])
}

fn feedback_id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

/// A batch of the device's feedback records `(number, rev, answer)`, signed with `key`.
fn batch(batch_id: &str, records: &[(u32, u64, u8)], key: &SigningKey) -> String {
    let records = records
        .iter()
        .map(|(n, rev, v)| {
            let id = feedback_id(*n);
            record_of(Source {
                kind: RecordType::Feedback,
                id: id.clone(),
                rev: *rev,
                updated_at: "2026-11-30T10:00:00Z".into(),
                data: json!({ "id": id, "day": "2026-11-30", "answers": [["clear", v]] }),
            })
        })
        .collect();
    let origin = Origin {
        batch_id: batch_id.into(),
        device_id: APP_DEVICE.into(),
        device_label: "Планшет 2".into(),
        worker: "Олена Коваль".into(),
        created_at: "2026-11-30T10:00:00Z".into(),
        app_version: "0.1.0".into(),
        rules_version: "2026-01-01".into(),
    };
    assemble(&origin, Selection::NotExported, records, Some(key)).expect("assembled").1
}

fn batch_id(n: u32) -> String {
    format!("00000000-0000-4000-8000-00000000b{n:03x}")
}

async fn call(app: &Router, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let response = app.clone().oneshot(request).await.expect("answered");
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes();
    (parts.status, parts.headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn enrol(app: &Router, centre: &Centre) -> Enrolled {
    let code = centre.enrolment_code("Планшет 2").await.expect("code");
    let body = json!({
        "code": code.to_lowercase(),
        "device_id": APP_DEVICE,
        "device_label": "Планшет 2",
        "signing_key": signature::public_key_text(&device_key()),
    });
    let (status, _, answer) = call(app, json_post("/api/v1/enrol", &body)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    serde_json::from_value(answer).expect("enrolled")
}

fn json_post(path: &str, body: &Value) -> Request<Body> {
    Request::post(path).header("content-type", "application/json").body(Body::from(body.to_string())).expect("request")
}

fn upload(token: &str, key: &str, body: impl Into<Vec<u8>>) -> Request<Body> {
    Request::post("/api/v1/batches")
        .header("authorization", format!("Bearer {token}"))
        .header("idempotency-key", key)
        .body(Body::from(body.into()))
        .expect("request")
}

async fn open(config: &Config) -> (Arc<Centre>, Router) {
    let centre = Arc::new(Centre::open(config).await.expect("centre opens"));
    let app = router(centre.clone(), None);
    (centre, app)
}

async fn count(centre: &Centre, table: &str) -> i64 {
    let row = sqlx::query(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&centre.db).await.expect("count");
    row.try_get::<i64, _>(0).expect("a number")
}

async fn stored_rev(centre: &Centre, n: u32) -> Option<i64> {
    sqlx::query("SELECT rev FROM records WHERE kind = 'feedback' AND id = $1")
        .bind(feedback_id(n))
        .fetch_optional(&centre.db)
        .await
        .expect("read")
        .map(|r| r.try_get::<i64, _>(0).expect("rev"))
}

async fn enrolment_gives_a_token_once_and_others_are_refused(config: Config) {
    let (centre, app) = open(&config).await;
    let code = centre.enrolment_code("Планшет 2").await.expect("code");
    let body = json!({ "code": code, "device_id": APP_DEVICE, "device_label": "Планшет 2",
        "signing_key": signature::public_key_text(&device_key()) });
    let (status, _, first) = call(&app, json_post("/api/v1/enrol", &body)).await;
    assert_eq!(status, StatusCode::CREATED);
    let enrolled: Enrolled = serde_json::from_value(first).expect("enrolled");
    assert_eq!(enrolled.receipt_key, centre.keys.receipt_key());
    assert!(enrolled.centre_recipient.starts_with("age1"));
    // The code works once; a made-up one never.
    let (again, _, answer) = call(&app, json_post("/api/v1/enrol", &body)).await;
    assert_eq!((again, answer["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("bad_code")));
    let made_up = json!({ "code": "ABCDE-FGHJK", "device_id": APP_DEVICE, "device_label": "x", "signing_key": "k" });
    assert_eq!(call(&app, json_post("/api/v1/enrol", &made_up)).await.0, StatusCode::UNAUTHORIZED);
    // The token is not stored, only its hash.
    let stored: String =
        sqlx::query("SELECT token_sha256 FROM devices").fetch_one(&centre.db).await.expect("row").get(0);
    assert_ne!(stored, enrolled.token);
    // No token, a wrong one, a revoked device: refused, the last in plain words.
    let text = batch(&batch_id(1), &[(1, 1, 5)], &device_key());
    let no_token = Request::post("/api/v1/batches")
        .header("idempotency-key", batch_id(1))
        .body(Body::from(text.clone()))
        .expect("r");
    assert_eq!(call(&app, no_token).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(call(&app, upload("wrong", &batch_id(1), text.clone())).await.0, StatusCode::UNAUTHORIZED);
    assert!(centre.revoke(&enrolled.device_id).await.expect("revoked"));
    let (status, _, answer) = call(&app, upload(&enrolled.token, &batch_id(1), text)).await;
    assert_eq!((status, answer["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("revoked")));
    assert!(answer["message"].as_str().unwrap_or_default().contains("revoked"));
    assert_eq!(count(&centre, "records").await, 0);
}

async fn a_batch_is_taken_once_with_a_receipt_and_other_bytes_under_its_key_are_refused(config: Config) {
    let (centre, app) = open(&config).await;
    let device = enrol(&app, &centre).await;
    let id = batch_id(2);
    let text = batch(&id, &[(1, 1, 5), (2, 1, 4)], &device_key());
    let (status, headers, first) = call(&app, upload(&device.token, &id, text.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert!(headers.get("idempotent-replayed").is_none());
    let receipt: Receipt = serde_json::from_value(first.clone()).expect("receipt");
    let payload = pryiom::domain::batch::read_batch(&text, pryiom::domain::date::Date::new(2026, 12, 1).expect("d"))
        .expect("reads")
        .manifest
        .payload_sha256;
    assert!(receipt.confirms(&device.receipt_key, &id, &payload), "the receipt verifies with the enrolment's key");
    assert_eq!(
        receipt.accepted.iter().map(|a| (a.id.clone(), a.rev)).collect::<Vec<_>>(),
        vec![(feedback_id(1), 1), (feedback_id(2), 1)]
    );
    assert_eq!(count(&centre, "records").await, 2);
    // The same bytes again (the answer was lost on the way): the same receipt, nothing stored twice.
    let (status, headers, again) = call(&app, upload(&device.token, &id, text.clone())).await;
    assert_eq!((status, again), (StatusCode::CREATED, first));
    assert_eq!(headers.get("idempotent-replayed").map(|v| v.to_str().expect("text")), Some("true"));
    assert_eq!(count(&centre, "records").await, 2);
    assert_eq!(count(&centre, "batches").await, 1);
    // The same key with other bytes: refused, and nothing of them is taken.
    let other = batch(&id, &[(1, 2, 1)], &device_key());
    let (status, _, answer) = call(&app, upload(&device.token, &id, other)).await;
    assert_eq!((status, answer["error"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("key_reused")));
    assert_eq!(stored_rev(&centre, 1).await, Some(1));
}

async fn an_invalid_or_foreign_batch_is_refused_and_nothing_is_written(config: Config) {
    let (centre, app) = open(&config).await;
    let device = enrol(&app, &centre).await;
    let id = batch_id(3);
    let text = batch(&id, &[(1, 1, 5)], &device_key());
    let refused = |status: StatusCode, answer: &Value| {
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(!answer["message"].as_str().unwrap_or_default().is_empty());
    };
    // A changed record (its checksum no longer matches), a cut-off file, not JSON, an answer outside 1–5.
    for body in [
        text.replace("[\"clear\",5]", "[\"clear\",4]"),
        text[..text.len() / 2].to_owned(),
        "<html>captive portal</html>".to_owned(),
        batch(&id, &[(1, 1, 9)], &device_key()),
    ] {
        let (status, _, answer) = call(&app, upload(&device.token, &id, body)).await;
        refused(status, &answer);
    }
    // The key is not the batch's id; another device's batch; a batch signed with another key.
    let (status, _, answer) = call(&app, upload(&device.token, &batch_id(99), text.clone())).await;
    refused(status, &answer);
    let foreign = text.replace(APP_DEVICE, "00000000-0000-4000-8000-00000000d002");
    let (status, _, answer) = call(&app, upload(&device.token, &id, foreign)).await;
    refused(status, &answer);
    let stranger = batch(&id, &[(1, 1, 5)], &SigningKey::from_bytes(&[9u8; 32]));
    let (status, _, answer) = call(&app, upload(&device.token, &id, stranger)).await;
    refused(status, &answer);
    assert_eq!((count(&centre, "records").await, count(&centre, "batches").await), (0, 0));
    // The real file still goes through afterwards: no refusal held its key.
    assert_eq!(call(&app, upload(&device.token, &id, text)).await.0, StatusCode::CREATED);
}

async fn each_record_keeps_its_highest_revision(config: Config) {
    let (centre, app) = open(&config).await;
    let device = enrol(&app, &centre).await;
    let newer = batch(&batch_id(4), &[(1, 2, 5), (2, 1, 3)], &device_key());
    assert_eq!(call(&app, upload(&device.token, &batch_id(4), newer)).await.0, StatusCode::CREATED);
    // An older batch arriving late (the device was offline with it): its older revision does not win.
    let older = batch(&batch_id(5), &[(1, 1, 1)], &device_key());
    assert_eq!(call(&app, upload(&device.token, &batch_id(5), older)).await.0, StatusCode::CREATED);
    assert_eq!(stored_rev(&centre, 1).await, Some(2));
    let data: String = sqlx::query("SELECT data FROM records WHERE id = $1")
        .bind(feedback_id(1))
        .fetch_one(&centre.db)
        .await
        .expect("row")
        .get(0);
    assert!(data.contains("[\"clear\",5]"), "{data}");
    let newest = batch(&batch_id(6), &[(1, 3, 2)], &device_key());
    assert_eq!(call(&app, upload(&device.token, &batch_id(6), newest)).await.0, StatusCode::CREATED);
    assert_eq!(stored_rev(&centre, 1).await, Some(3));
    assert_eq!(stored_rev(&centre, 2).await, Some(1));
    // A batch larger than one INSERT's rows (they go 100 at a time): every row, each at its highest revision.
    let many: Vec<(u32, u64, u8)> = (1..=250).map(|n| (n, if n == 1 { 1 } else { 4 }, 3)).collect();
    assert_eq!(
        call(&app, upload(&device.token, &batch_id(10), batch(&batch_id(10), &many, &device_key()))).await.0,
        StatusCode::CREATED
    );
    assert_eq!(count(&centre, "records").await, 250);
    assert_eq!(
        (stored_rev(&centre, 1).await, stored_rev(&centre, 2).await, stored_rev(&centre, 250).await),
        (Some(3), Some(4), Some(4))
    );
}

async fn a_key_in_use_answers_409_and_an_abandoned_one_is_taken_over(config: Config) {
    let (centre, app) = open(&config).await;
    let device = enrol(&app, &centre).await;
    let id = batch_id(7);
    let text = batch(&id, &[(1, 1, 5)], &device_key());
    let body = pryiom::domain::batch::sha256_hex(text.as_bytes());
    // Another server is receiving this batch right now.
    sqlx::query("INSERT INTO batches (batch_id, device_id, body_sha256, state, started_at) VALUES ($1, $2, $3, 'processing', $4)")
        .bind(&id)
        .bind(&device.device_id)
        .bind(&body)
        .bind(pryiom_centre::now())
        .execute(&centre.db)
        .await
        .expect("claimed");
    let (status, headers, answer) = call(&app, upload(&device.token, &id, text.clone())).await;
    assert_eq!((status, answer["error"].as_str()), (StatusCode::CONFLICT, Some("in_progress")));
    assert!(headers.get("retry-after").is_some());
    // That server stopped half an hour ago: the key is free again.
    sqlx::query("UPDATE batches SET started_at = '2026-01-01T00:00:00Z' WHERE batch_id = $1")
        .bind(&id)
        .execute(&centre.db)
        .await
        .expect("aged");
    assert_eq!(call(&app, upload(&device.token, &id, text)).await.0, StatusCode::CREATED);
    assert_eq!(count(&centre, "records").await, 1);
}

async fn a_batch_sealed_to_the_centre_is_opened_and_taken(config: Config) {
    let (centre, app) = open(&config).await;
    let device = enrol(&app, &centre).await;
    let id = batch_id(8);
    let text = batch(&id, &[(1, 1, 5)], &device_key());
    let sealed = pryiom::crypto::sealed_file::seal(std::slice::from_ref(&device.centre_recipient), text.as_bytes())
        .expect("sealed");
    let (status, _, answer) = call(&app, upload(&device.token, &id, sealed.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let receipt: Receipt = serde_json::from_value(answer).expect("receipt");
    assert_eq!(receipt.body_sha256, pryiom::domain::batch::sha256_hex(&sealed));
    // Sealed to someone else: the centre cannot open it, and says so.
    let other = age::x25519::Identity::generate().to_public().to_string();
    let elsewhere =
        pryiom::crypto::sealed_file::seal(&[other], batch(&batch_id(9), &[(2, 1, 5)], &device_key()).as_bytes())
            .expect("sealed");
    let (status, _, answer) = call(&app, upload(&device.token, &batch_id(9), elsewhere)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(count(&centre, "records").await, 1);
}

async fn an_upload_over_the_limit_is_refused_with_the_limit(mut config: Config) {
    config.max_upload_bytes = 2000;
    let (centre, app) = open(&config).await;
    let device = enrol(&app, &centre).await;
    let id = batch_id(10);
    let text = batch(&id, &(1..=8).map(|n| (n, 1, 5)).collect::<Vec<_>>(), &device_key());
    assert!(text.len() > 2000);
    let (status, _, answer) = call(&app, upload(&device.token, &id, text)).await;
    assert_eq!((status, answer["error"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large")));
    assert!(answer["message"].as_str().unwrap_or_default().contains("2000"));
    assert_eq!(count(&centre, "batches").await, 0);
}

async fn the_same_batch_sent_to_two_servers_at_once_is_stored_once(config: Config) {
    let (centre, app) = open(&config).await;
    let device = enrol(&app, &centre).await;
    // A second server instance on the same database.
    let (_, second) = open(&config).await;
    let id = batch_id(11);
    let text = batch(&id, &(1..=200).map(|n| (n, 1, 4)).collect::<Vec<_>>(), &device_key());
    let (a, b) = tokio::join!(
        call(&app, upload(&device.token, &id, text.clone())),
        call(&second, upload(&device.token, &id, text.clone()))
    );
    let statuses = [a.0, b.0];
    assert!(statuses.contains(&StatusCode::CREATED), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT),
        "{statuses:?} {} {}",
        a.2,
        b.2
    );
    if statuses == [StatusCode::CREATED, StatusCode::CREATED] {
        assert_eq!(a.2, b.2, "both got the one receipt");
    }
    assert_eq!((count(&centre, "batches").await, count(&centre, "records").await), (1, 200));
    // The device asks again later: the receipt.
    assert_eq!(call(&second, upload(&device.token, &id, text)).await.0, StatusCode::CREATED);
}

async fn a_database_gone_answers_503_with_retry_after(config: Config) {
    let (centre, app) = open(&config).await;
    let device = enrol(&app, &centre).await;
    centre.db.close().await;
    let (status, headers, answer) =
        call(&app, upload(&device.token, &batch_id(12), batch(&batch_id(12), &[(1, 1, 5)], &device_key()))).await;
    assert_eq!((status, answer["error"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("unavailable")));
    assert_eq!(headers.get("retry-after").map(|v| v.to_str().expect("text")), Some("30"));
}

/// The device's side, with the app's own code: a batch exported from the device's store, sent with the headers the
/// app sends, the answer read by the app's `outcome`; a verified receipt marks the batch received, and the purge
/// follows. What is not the centre's receipt for this batch is never taken as delivery.
async fn the_devices_own_pipeline_exports_sends_and_takes_only_a_verified_receipt(config: Config) {
    use pryiom::domain::batch::Ledger;
    use pryiom::domain::kiosk::{Feedback, Question};
    use pryiom::storage::memory::MemoryStore;
    use pryiom::transfer::upload::{delivered, outcome, upload_headers, Delivery, NotYet, Refused, UPLOAD_PATH};

    let (centre, app) = open(&config).await;
    let device = enrol(&app, &centre).await;
    let store = MemoryStore::new();
    let day = pryiom::domain::date::Date::new(2026, 11, 30).expect("day");
    let f = Feedback::given(
        &feedback_id(1),
        day,
        &[(Question::Clear, 5)],
        "Дякую",
        std::slice::from_ref(&device.centre_recipient),
    )
    .expect("sealed")
    .expect("taken");
    pryiom::kiosk::give_feedback(&store, &f, "2026-11-30T10:00:00Z").await.expect("written");
    let origin = Origin {
        batch_id: batch_id(20),
        device_id: APP_DEVICE.into(),
        device_label: "Планшет 2".into(),
        worker: "Олена Коваль".into(),
        created_at: "2026-11-30T11:00:00Z".into(),
        app_version: "0.1.0".into(),
        rules_version: "2026-01-01".into(),
    };
    let made = pryiom::transfer::export(
        &store,
        &origin,
        Selection::NotExported,
        &Ledger::default(),
        Some(&device_key()),
        &mut (),
    )
    .await
    .expect("export")
    .expect("a batch");
    let send = |token: &str, body: Vec<u8>| {
        let mut r = Request::post(UPLOAD_PATH);
        for (name, value) in upload_headers(token, &made.info.id) {
            r = r.header(name, value);
        }
        r.body(Body::from(body)).expect("request")
    };
    let read = |status: StatusCode, headers: &axum::http::HeaderMap, body: &Value| {
        let retry = headers.get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned);
        outcome(
            status.as_u16(),
            retry.as_deref(),
            body.to_string().as_bytes(),
            &device.receipt_key,
            &made.manifest.batch_id,
            &made.manifest.payload_sha256,
        )
    };
    let (status, headers, body) = call(&app, send(&device.token, made.text.clone().into_bytes())).await;
    let Delivery::Delivered(receipt) = read(status, &headers, &body) else { panic!("not delivered: {status} {body}") };
    let info = delivered(&store, &receipt, "2026-11-30T11:05:00Z").await.expect("recorded").expect("known batch");
    assert_eq!(info.uploaded_at.as_deref(), Some(receipt.received_at.as_str()));
    let purged =
        pryiom::transfer::purge(&store, &info, "2026-11-30T11:06:00Z").await.expect("purge").expect("confirmed");
    assert!(purged.purged_at.is_some());
    assert_eq!(pryiom::kiosk::all_feedback(&store).await.expect("read")[0].comment, None, "the sealed copy went");

    // A captive portal's page, another batch's receipt, a receipt not signed by this centre: not delivery.
    let portal = outcome(
        200,
        None,
        b"<html>Wi-Fi login</html>",
        &device.receipt_key,
        &made.info.id,
        &made.manifest.payload_sha256,
    );
    assert!(matches!(portal, Delivery::Later { because: NotYet::NoReceipt, .. }));
    let (_, _, first) = call(&app, send(&device.token, made.text.clone().into_bytes())).await;
    let other = outcome(
        201,
        None,
        first.to_string().as_bytes(),
        &device.receipt_key,
        &batch_id(21),
        &made.manifest.payload_sha256,
    );
    assert!(matches!(other, Delivery::Later { because: NotYet::NoReceipt, .. }));
    let stranger = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [1u8; 32]);
    let unsigned =
        outcome(201, None, first.to_string().as_bytes(), &stranger, &made.info.id, &made.manifest.payload_sha256);
    assert!(matches!(unsigned, Delivery::Later { because: NotYet::NoReceipt, .. }));
    // The same file again: the same receipt, still delivered.
    assert!(matches!(read(StatusCode::CREATED, &axum::http::HeaderMap::new(), &first), Delivery::Delivered(_)));

    // Revoked: the device is told, in words its screen can show.
    assert!(centre.revoke(&device.device_id).await.expect("revoked"));
    let (status, headers, body) = call(&app, send(&device.token, made.text.clone().into_bytes())).await;
    assert_eq!(read(status, &headers, &body), Delivery::Refused(Refused::Revoked));
    // The database gone: later, after what the centre says.
    centre.db.close().await;
    let (status, headers, body) = call(&app, send(&device.token, made.text.into_bytes())).await;
    assert_eq!(read(status, &headers, &body), Delivery::Later { because: NotYet::Unavailable, after_secs: 30 });
}

async fn a_lost_answer_is_recovered_with_the_receipt_and_a_server_stopped_mid_upload_loses_nothing(config: Config) {
    use pryiom::transfer::upload::{asked, receipt_path, Delivery, NotYet};
    let (centre, app) = open(&config).await;
    let device = enrol(&app, &centre).await;
    let id = batch_id(30);
    let text = batch(&id, &[(1, 1, 5), (2, 1, 3)], &device_key());
    let payload = pryiom::domain::batch::read_batch(&text, pryiom::domain::date::Date::new(2026, 12, 1).expect("d"))
        .expect("reads")
        .manifest
        .payload_sha256;
    let ask = |token: &str| {
        Request::get(receipt_path(&id))
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request")
    };
    let meaning = |status: StatusCode, body: &Value| {
        asked(status.as_u16(), None, body.to_string().as_bytes(), &device.receipt_key, &id, &payload)
    };
    // Not received: the device is told to send it.
    let (status, _, body) = call(&app, ask(&device.token)).await;
    assert_eq!((status, meaning(status, &body)), (StatusCode::NOT_FOUND, None));

    // The server stopped while receiving it (its claim stays; nothing of the batch was written).
    sqlx::query("INSERT INTO batches (batch_id, device_id, body_sha256, state, started_at) VALUES ($1, $2, $3, 'processing', $4)")
        .bind(&id)
        .bind(&device.device_id)
        .bind(pryiom::domain::batch::sha256_hex(text.as_bytes()))
        .bind(pryiom_centre::now())
        .execute(&centre.db)
        .await
        .expect("claimed");
    let (status, _, body) = call(&app, ask(&device.token)).await;
    assert!(matches!(meaning(status, &body), Some(Delivery::Later { because: NotYet::InProgress, .. })));
    // It starts again. On SQLite (one server per data folder) its own unfinished claim is freed at once; on
    // PostgreSQL another instance may be receiving, so the claim is taken over once abandoned.
    drop(app);
    centre.db.close().await;
    let (centre, app) = open(&config).await;
    if config.database_url.is_some() {
        let (status, _, _) = call(&app, upload(&device.token, &id, text.clone())).await;
        assert_eq!(status, StatusCode::CONFLICT, "another instance may still be receiving it");
        sqlx::query("UPDATE batches SET started_at = '2026-01-01T00:00:00Z' WHERE batch_id = $1")
            .bind(&id)
            .execute(&centre.db)
            .await
            .expect("aged");
    }
    // The device tries again: stored once. Its answer is lost on the way; asking gives the same receipt.
    let (status, _, sent) = call(&app, upload(&device.token, &id, text.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let (status, _, body) = call(&app, ask(&device.token)).await;
    assert_eq!((status, &body), (StatusCode::OK, &sent));
    assert!(matches!(meaning(status, &body), Some(Delivery::Delivered(_))));
    assert_eq!((count(&centre, "records").await, count(&centre, "batches").await), (2, 1));
    // Another device is not told about this device's batches; no token, no answer.
    let code = centre.enrolment_code("Планшет 3").await.expect("code");
    let body = json!({ "code": code, "device_id": "other-device", "device_label": "Планшет 3",
        "signing_key": signature::public_key_text(&SigningKey::from_bytes(&[5u8; 32])) });
    let (_, _, other) = call(&app, json_post("/api/v1/enrol", &body)).await;
    let other: Enrolled = serde_json::from_value(other).expect("enrolled");
    let (status, _, body) = call(&app, ask(&other.token)).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("unknown")));
    let no_token = Request::get(receipt_path(&id)).body(Body::empty()).expect("request");
    assert_eq!(call(&app, no_token).await.0, StatusCode::UNAUTHORIZED);
}

async fn the_staff_page_shows_devices_and_batches_and_gives_the_merged_data_behind_a_password(config: Config) {
    let (centre, app) = open(&config).await;
    let get = |auth: Option<&str>, path: &str| {
        let mut r = Request::get(path);
        if let Some(a) = auth {
            r = r.header(
                "authorization",
                format!("Basic {}", base64::Engine::encode(&base64::engine::general_purpose::STANDARD, a)),
            );
        }
        r.body(Body::empty()).expect("request")
    };
    let text = |app: Router, request: Request<Body>| async move {
        let response = app.oneshot(request).await.expect("answered");
        let (parts, body) = response.into_parts();
        (
            parts.status,
            parts.headers,
            String::from_utf8(body.collect().await.expect("body").to_bytes().to_vec()).expect("utf-8"),
        )
    };
    // No password set yet: the page says how to set one and shows nothing else.
    let (status, _, page) = text(app.clone(), get(Some("staff:anything at all"), "/staff")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.contains("staff-password") && !page.contains("Пристрої"), "{page}");
    assert!(pryiom_centre::staff::set_password(&config.data_dir, "коротко").is_err(), "too short");
    pryiom_centre::staff::set_password(&config.data_dir, "пароль центру 2026").expect("set");

    let device = enrol(&app, &centre).await;
    let id = batch_id(40);
    assert_eq!(
        call(&app, upload(&device.token, &id, batch(&id, &[(1, 1, 5), (2, 2, 4)], &device_key()))).await.0,
        StatusCode::CREATED
    );
    // Without the password, or with a wrong one: asked for it, nothing shown.
    for auth in [None, Some("staff:wrong password!")] {
        for path in ["/staff", "/staff/data.json", "/staff/feedbacks.csv"] {
            let (status, headers, body) = text(app.clone(), get(auth, path)).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
            assert!(headers.get("www-authenticate").is_some());
            assert!(!body.contains(&feedback_id(1)) && !body.contains("Планшет 2"));
        }
    }
    let staff = Some("будь-хто:пароль центру 2026");
    let (status, _, page) = text(app.clone(), get(staff, "/staff")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<html lang=\"uk\">") && page.contains("/app.css"));
    assert!(page.contains("Планшет 2") && page.contains(&device.device_id) && page.contains(&id[..8]), "{page}");
    assert!(page.contains("Записів: 2."), "{page}");
    // Ukrainian first, English a link away (a page asking for the password too).
    assert!(page.contains("href=\"?lang=en\""));
    let (status, _, english) = text(app.clone(), get(staff, "/staff?lang=en")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        english.contains("<html lang=\"en\">") && english.contains("Devices") && english.contains("Records: 2."),
        "{english}"
    );
    assert!(english.contains("Планшет 2") && !english.contains("Пристрої"));
    let (status, _, asked) = text(app.clone(), get(None, "/staff?lang=en")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(asked.contains("The centre staff password is needed."));
    // The merged data: each record at its highest revision, as JSON and as the app's CSV.
    let (status, headers, json) = text(app.clone(), get(staff, "/staff/data.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get("cache-control").map(|v| v.to_str().expect("text")), Some("no-store"));
    let json: Value = serde_json::from_str(&json).expect("json");
    let records = json["records"].as_array().expect("records");
    assert_eq!(records.len(), 2);
    assert_eq!((records[1]["id"].as_str(), records[1]["rev"].as_i64()), (Some(feedback_id(2).as_str()), Some(2)));
    let (status, headers, csv) = text(app.clone(), get(staff, "/staff/feedbacks.csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get("content-disposition").expect("a file").to_str().expect("text").contains("feedbacks.csv"));
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(lines[0].starts_with("batch_id,id,rev,updated_at"), "{}", lines[0]);
    assert_eq!(lines.len(), 3, "a header and two records");
    assert!(lines[2].contains(&feedback_id(2)) && lines[2].contains(&id));
    assert_eq!(text(app.clone(), get(staff, "/staff/secrets.csv")).await.0, StatusCode::NOT_FOUND);
}

fn ticket(
    n: u32,
    needs: &[pryiom::domain::kiosk::NeedsHelp],
    state: pryiom::domain::kiosk::TicketState,
) -> pryiom::domain::kiosk::Ticket {
    pryiom::domain::kiosk::Ticket {
        id: format!("00000000-0000-4000-8000-0000000a{n:04x}"),
        day: "2026-12-07".into(),
        number: n,
        issued_at: format!("2026-12-07T08:{n:02}:00Z"),
        area: "Домашнє насильство".into(),
        needs: needs.to_vec(),
        returning: None,
        visitor: None,
        state,
    }
}

fn queue_post(path: &str, token: &str, body: &Value) -> Request<Body> {
    Request::post(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

fn queue_get(path: &str, token: &str) -> Request<Body> {
    Request::get(path).header("authorization", format!("Bearer {token}")).body(Body::empty()).expect("request")
}

async fn sync_tickets(app: &Router, token: &str, tickets: &[pryiom::domain::kiosk::Ticket]) -> (StatusCode, Value) {
    let body = serde_json::to_value(pryiom::transfer::queue::Sync {
        day: "2026-12-07".into(),
        tickets: tickets.to_vec(),
        desks: vec!["Кабінет 1".into(), "Кабінет 2".into()],
    })
    .expect("json");
    let (status, _, answer) = call(app, queue_post("/api/v1/queue/sync", token, &body)).await;
    (status, answer)
}

fn held_state(answer: &Value, n: u32) -> String {
    let id = ticket(n, &[], pryiom::domain::kiosk::TicketState::Waiting).id;
    answer["held"]
        .as_array()
        .expect("held")
        .iter()
        .find(|h| h["id"] == id.as_str())
        .map(|h| h["state"]["is"].as_str().unwrap_or("").to_owned())
        .unwrap_or_default()
}

async fn text_of(app: &Router, request: Request<Body>) -> (StatusCode, String) {
    let response = app.clone().oneshot(request).await.expect("answered");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn the_live_queue_takes_a_kiosks_tickets_and_two_desks_never_call_the_same_visitor(config: Config) {
    use pryiom::domain::kiosk::{NeedsHelp, TicketState};
    let (centre, app) = open(&config).await;
    let kiosk = enrol(&app, &centre).await;
    let staff = enrol(&app, &centre).await;
    let waiting =
        [1, 2, 3, 4].map(|n| ticket(n, if n == 3 { &[NeedsHelp::Hearing] } else { &[] }, TicketState::Waiting));
    let (status, answer) = sync_tickets(&app, &kiosk.queue_token, &waiting).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["held"].as_array().map(Vec::len), Some(4));
    assert_eq!(held_state(&answer, 1), "waiting");
    // The day's queue and rooms, for a staff device (its own token; the kiosk's queue token reads nothing).
    let (status, _, queue) = call(&app, queue_get("/api/v1/queue?day=2026-12-07", &staff.token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(queue["tickets"].as_array().map(Vec::len), Some(4));
    assert_eq!(queue["desks"], json!(["Кабінет 1", "Кабінет 2"]));
    assert_eq!(
        call(&app, queue_get("/api/v1/queue?day=2026-12-07", &kiosk.queue_token)).await.0,
        StatusCode::UNAUTHORIZED
    );
    // The waiting room's display before anyone is called.
    let (status, page) = text_of(&app, Request::get("/display").body(Body::empty()).expect("r")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("display-none") && page.contains("refresh"));
    // The visitor who needs help comes first; then three desks call at once, through two server instances on one
    // database: three different visitors.
    let (_, second) = open(&config).await;
    let calling = |app: Router, desk: &'static str| {
        let token = staff.token.clone();
        async move {
            let (status, _, answer) =
                call(&app, queue_post("/api/v1/queue/call", &token, &json!({ "day": "2026-12-07", "desk": desk })))
                    .await;
            assert_eq!(status, StatusCode::OK, "{answer}");
            answer["ticket"]["number"].as_u64().expect("a visitor called")
        }
    };
    assert_eq!(calling(second.clone(), "Кабінет 1").await, 3);
    let (a, b, c) = tokio::join!(
        calling(app.clone(), "Кабінет 2"),
        calling(second.clone(), "Кабінет 3"),
        calling(app.clone(), "Кабінет 4")
    );
    let mut numbers = vec![a, b, c];
    numbers.sort_unstable();
    assert_eq!(numbers, [1, 2, 4], "each visitor called once");
    let (_, _, nobody) = call(
        &app,
        queue_post("/api/v1/queue/call", &staff.token, &json!({ "day": "2026-12-07", "desk": "Кабінет 1" })),
    )
    .await;
    assert_eq!(nobody, json!({ "ticket": null }));
    // The kiosk sends its tickets again as it holds them (still waiting): the calls stay, and it learns them.
    let (_, answer) = sync_tickets(&app, &kiosk.queue_token, &waiting).await;
    assert_eq!((1..=4).map(|n| held_state(&answer, n)).collect::<Vec<_>>(), ["called"; 4]);
    // Served once called; a visitor served does not "leave" afterwards.
    let id = ticket(2, &[], TicketState::Waiting).id;
    let path = format!("/api/v1/queue/tickets/{id}/finish");
    let (status, _, served) = call(&app, queue_post(&path, &staff.token, &json!({ "outcome": "served" }))).await;
    assert_eq!((status, served["state"]["is"].as_str()), (StatusCode::OK, Some("served")));
    let (_, _, still) = call(&app, queue_post(&path, &staff.token, &json!({ "outcome": "left" }))).await;
    assert_eq!(still["state"]["is"].as_str(), Some("served"));
    let unknown = format!("/api/v1/queue/tickets/{}/finish", ticket(99, &[], TicketState::Waiting).id);
    assert_eq!(
        call(&app, queue_post(&unknown, &staff.token, &json!({ "outcome": "left" }))).await.0,
        StatusCode::NOT_FOUND
    );
    // The display: the numbers called and their rooms, nothing of what the visitor chose or needs.
    let (_, page) = text_of(&second, Request::get("/display").body(Body::empty()).expect("r")).await;
    assert!(page.contains("data-testid=\"display-now\""), "{page}");
    assert!(page.contains("А-00") && page.contains("Кабінет"), "{page}");
    assert!(!page.contains("А-002"), "served: no longer called");
    assert!(!page.contains("насильство") && !page.contains("hearing"), "no area, no need shown");
}

async fn a_kiosk_alone_meanwhile_only_moves_its_tickets_on_and_its_token_does_nothing_else(config: Config) {
    use pryiom::domain::kiosk::TicketState;
    let (centre, app) = open(&config).await;
    let kiosk = enrol(&app, &centre).await;
    let other = enrol(&app, &centre).await;
    let (status, _) = sync_tickets(
        &app,
        &kiosk.queue_token,
        &[ticket(1, &[], TicketState::Waiting), ticket(2, &[], TicketState::Waiting)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // While the centre was down the kiosk's own staff called 1 and 2 left: taken when it comes back.
    let called = TicketState::Called { at: "2026-12-07T09:00:00Z".into(), desk: "Кабінет 1".into() };
    let left = TicketState::Left { at: "2026-12-07T09:01:00Z".into() };
    let (_, answer) =
        sync_tickets(&app, &kiosk.queue_token, &[ticket(1, &[], called.clone()), ticket(2, &[], left)]).await;
    assert_eq!((held_state(&answer, 1), held_state(&answer, 2)), ("called".into(), "left".into()));
    // Sent again as waiting (an old copy): nothing goes back.
    let (_, answer) = sync_tickets(&app, &kiosk.queue_token, &[ticket(2, &[], TicketState::Waiting)]).await;
    assert_eq!(held_state(&answer, 2), "left");
    // Another kiosk cannot change this one's tickets, nor learn of them.
    let (_, answer) = sync_tickets(
        &app,
        &other.queue_token,
        &[ticket(1, &[], TicketState::Left { at: "2026-12-07T09:02:00Z".into() })],
    )
    .await;
    assert_eq!(answer["held"], json!([]));
    let (_, _, queue) = call(&app, queue_get("/api/v1/queue?day=2026-12-07", &other.token)).await;
    assert_eq!(queue["tickets"][0]["state"]["is"].as_str(), Some("called"));
    // An invalid ticket: refused, nothing written; the device token is not a queue token and back.
    let before = count(&centre, "queue_tickets").await;
    let (status, answer) = sync_tickets(
        &app,
        &kiosk.queue_token,
        &[ticket(3, &[], TicketState::Waiting), ticket(0, &[], TicketState::Waiting)],
    )
    .await;
    assert_eq!((status, answer["error"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid")));
    assert_eq!(count(&centre, "queue_tickets").await, before);
    assert_eq!(sync_tickets(&app, &kiosk.token, &[]).await.0, StatusCode::UNAUTHORIZED);
    let (status, _, _) =
        call(&app, queue_post("/api/v1/queue/call", &kiosk.queue_token, &json!({ "day": "2026-12-07", "desk": "1" })))
            .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // No room to call to: refused in plain words, nobody called.
    let (status, _) = sync_tickets(&app, &kiosk.queue_token, &[ticket(3, &[], TicketState::Waiting)]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, answer) =
        call(&app, queue_post("/api/v1/queue/call", &other.token, &json!({ "day": "2026-12-07", "desk": " " }))).await;
    assert_eq!((status, answer["error"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid")));
    // A revoked kiosk is told so.
    assert!(centre.revoke(&kiosk.device_id).await.expect("revoked"));
    let (status, answer) = sync_tickets(&app, &kiosk.queue_token, &[]).await;
    assert_eq!((status, answer["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("revoked")));
    // The token is kept only as a hash.
    let stored: Vec<Option<String>> = sqlx::query("SELECT queue_token_sha256 FROM devices")
        .fetch_all(&centre.db)
        .await
        .expect("rows")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(stored.iter().all(|s| s.as_deref().is_some_and(|s| s != kiosk.queue_token && s.len() == 64)));
}
