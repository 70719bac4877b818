//! Load on the centre server, bounded and on 127.0.0.1 only: many enrolled devices upload signed batches of client
//! cards at once, over real HTTP, to one server on SQLite or PostgreSQL. Checks there is no loss and no duplicate and
//! that every receipt verifies; prints records/s and the upload latency (median, p95) next to a baseline measured in
//! the same run: a plain SQL bulk insert of the same rows into a table of the same database.
//!
//! `./pryiom bench-centre` runs it on both databases (200 devices × 20 batches × 100 records by default).
//! Options: `--devices N --batches N --records N`; `PRYIOM_BENCH_POSTGRES=postgres://…` for PostgreSQL (a fresh
//! database is made in that cluster).

use std::sync::Arc;
use std::time::{Duration, Instant};

use ed25519_dalek::SigningKey;
use pryiom::domain::batch::receipt::Receipt;
use pryiom::domain::batch::{assemble, record_of, signature, Origin, RecordType, Selection, Source};
use pryiom::domain::client::{Client, Consent, ConsentForm, Personal};
use pryiom_centre::{router, Centre, Config};
use sqlx::Row;

struct Args {
    devices: usize,
    batches: usize,
    records: usize,
}

fn args() -> Args {
    let mut a = Args { devices: 200, batches: 20, records: 100 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let n = it.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{flag} needs a number"));
        match flag.as_str() {
            "--devices" => a.devices = n,
            "--batches" => a.batches = n,
            "--records" => a.records = n,
            other => panic!("unknown option {other}"),
        }
    }
    a
}

fn uuid(kind: u32, device: usize, n: usize) -> String {
    format!("{kind:08x}-{:04x}-4000-8000-{n:012x}", device)
}

fn client(id: &str, n: usize) -> Client {
    Client {
        id: id.into(),
        created_at: "2026-11-20T09:00:00Z".into(),
        consent: Consent {
            text_version: "2026-11".into(),
            text_lang: "uk".into(),
            form: ConsentForm::Oral,
            given_at: "2026-11-20T09:00:00Z".into(),
            taken_by: "Олена Коваль".into(),
            withdrawn_at: None,
            withdrawn_by: None,
        },
        personal: Some(Personal {
            surname: format!("Мельник-{n}"),
            given_name: "Мар'яна".into(),
            birth_date: "1990-05-01".into(),
            phones: vec!["+380501112233".into()],
            address: "с. Бородянка, вул. Центральна, 5".into(),
            no_documents: true,
            tax_refused: true,
            ..Personal::default()
        }),
        purged_at: None,
        history: vec![],
        merged_into: None,
    }
}

/// One device's batches: (batch id, file text, payload checksum, rows for the baseline).
type Made = Vec<(String, String, String)>;

fn batches_of(device: usize, app_device: &str, key: &SigningKey, a: &Args) -> Made {
    (0..a.batches)
        .map(|b| {
            let records = (0..a.records)
                .map(|r| {
                    let n = b * a.records + r;
                    let id = uuid(0xc, device, n);
                    let c = client(&id, n);
                    record_of(Source {
                        kind: RecordType::Client,
                        id: id.clone(),
                        rev: 1,
                        updated_at: "2026-11-30T10:00:00Z".into(),
                        data: serde_json::to_value(&c).expect("json"),
                    })
                })
                .collect();
            let origin = Origin {
                batch_id: uuid(0xb, device, b),
                device_id: app_device.into(),
                device_label: format!("Планшет {device}"),
                worker: "Олена Коваль".into(),
                created_at: "2026-11-30T10:00:00Z".into(),
                app_version: "0.1.0".into(),
                rules_version: "2026-01-01".into(),
            };
            let (file, text) = assemble(&origin, Selection::NotExported, records, Some(key)).expect("assembled");
            (origin.batch_id, text, file.manifest.payload_sha256)
        })
        .collect()
}

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}

async fn count(db: &sqlx::AnyPool, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(db).await.expect("count").try_get::<i64, _>(0).expect("a number")
}

async fn run(name: &str, config: Config, a: &Args) {
    let centre = Arc::new(Centre::open(&config).await.expect("centre opens"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("port");
    let addr = listener.local_addr().expect("address");
    let app = router(centre.clone(), None);
    tokio::spawn(async move { axum::serve(listener, app).await.expect("served") });
    let http = reqwest::Client::builder().pool_max_idle_per_host(a.devices).build().expect("client");
    let base = format!("http://{addr}");

    // Enrol every device, and make its batches (not timed).
    let mut devices = Vec::new();
    for d in 0..a.devices {
        let key = SigningKey::from_bytes(&[(d % 251) as u8 + 1; 32]);
        let app_device = uuid(0xd, d, 0);
        let code = centre.enrolment_code(&format!("Планшет {d}")).await.expect("code");
        let enrolled: serde_json::Value = http
            .post(format!("{base}/api/v1/enrol"))
            .json(&serde_json::json!({ "code": code, "device_id": app_device, "device_label": format!("Планшет {d}"),
                "signing_key": signature::public_key_text(&key) }))
            .send()
            .await
            .expect("enrolled")
            .json()
            .await
            .expect("json");
        let token = enrolled["token"].as_str().expect("token").to_owned();
        let receipt_key = enrolled["receipt_key"].as_str().expect("key").to_owned();
        devices.push((token, receipt_key, batches_of(d, &app_device, &key, a)));
    }
    let bytes: usize = devices.iter().flat_map(|d| d.2.iter().map(|b| b.1.len())).sum();

    // Every device uploads its batches one after another, all devices at once.
    let started = Instant::now();
    let tasks: Vec<_> = devices
        .iter()
        .cloned()
        .map(|(token, receipt_key, made)| {
            let (http, base) = (http.clone(), base.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                for (id, text, payload) in made {
                    loop {
                        let t = Instant::now();
                        let answer = http
                            .post(format!("{base}/api/v1/batches"))
                            .bearer_auth(&token)
                            .header("idempotency-key", &id)
                            .body(text.clone())
                            .send()
                            .await
                            .expect("answered");
                        let status = answer.status().as_u16();
                        let body = answer.bytes().await.expect("body");
                        if status == 201 {
                            let r: Receipt = serde_json::from_slice(&body).expect("a receipt");
                            assert!(r.confirms(&receipt_key, &id, &payload), "every receipt verifies");
                            latencies.push(t.elapsed());
                            break;
                        }
                        // 503 (the database busy) and 409: the device tries again, as the app does.
                        assert!(status == 503 || status == 409, "{status}: {}", String::from_utf8_lossy(&body));
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.expect("device"));
    }
    let took = started.elapsed();
    latencies.sort();
    let total = a.devices * a.batches * a.records;
    let records = count(&centre.db, "SELECT COUNT(*) FROM records").await;
    let batches = count(&centre.db, "SELECT COUNT(*) FROM batches WHERE state = 'done'").await;
    assert_eq!(records as usize, total, "no record lost or stored twice");
    assert_eq!(batches as usize, a.devices * a.batches, "every batch once");

    // The baseline: the same rows straight into a table of the same database, 100 rows per INSERT, in one transaction.
    sqlx::query("CREATE TABLE baseline (kind TEXT NOT NULL, id TEXT NOT NULL, rev BIGINT NOT NULL, updated_at TEXT NOT NULL, batch_id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (kind, id))")
        .execute(&centre.db)
        .await
        .expect("baseline table");
    let rows: Vec<(String, String, String)> = sqlx::query("SELECT id, batch_id, data FROM records")
        .fetch_all(&centre.db)
        .await
        .expect("rows")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let started = Instant::now();
    let mut tx = centre.db.begin().await.expect("tx");
    for chunk in rows.chunks(100) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("('client', ${}, 1, '2026-11-30T10:00:00Z', ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect();
        let sql =
            format!("INSERT INTO baseline (kind, id, rev, updated_at, batch_id, data) VALUES {}", values.join(", "));
        let mut q = sqlx::query(&sql);
        for (id, batch, data) in chunk {
            q = q.bind(id).bind(batch).bind(data);
        }
        q.execute(&mut *tx).await.expect("bulk insert");
    }
    tx.commit().await.expect("commit");
    let baseline = started.elapsed();

    let per_s = |d: Duration| total as f64 / d.as_secs_f64();
    println!(
        "{name}: {} devices × {} batches × {} records = {total} records ({:.1} MB of batch files) in {:.1} s: \
         {:.0} records/s; upload latency median {:.0} ms, p95 {:.0} ms; baseline bulk insert {:.0} records/s \
         ({:.1}× the upload's); receipts verified {}, records stored {records}, batches {batches}",
        a.devices,
        a.batches,
        a.records,
        bytes as f64 / 1e6,
        took.as_secs_f64(),
        per_s(took),
        quantile(&latencies, 0.5).as_secs_f64() * 1e3,
        quantile(&latencies, 0.95).as_secs_f64() * 1e3,
        per_s(baseline),
        per_s(took).recip() * per_s(baseline),
        latencies.len(),
    );
}

#[tokio::main]
async fn main() {
    let a = args();
    // The HTTP client's TLS needs a provider even for plain HTTP (see main.rs for why ring).
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().expect("temp dir");
    run("SQLite", Config::new(dir.path().join("sqlite")), &a).await;
    if let Ok(url) = std::env::var("PRYIOM_BENCH_POSTGRES") {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut admin = sqlx::AnyConnection::connect(&format!("{url}/postgres")).await.expect("PostgreSQL reachable");
        let name = format!("load_{}", std::process::id());
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("database");
        let mut config = Config::new(dir.path().join("pg"));
        config.database_url = Some(format!("{url}/{name}"));
        run("PostgreSQL", config, &a).await;
    }
}
