//! Pryiom's centre server: serves the app's release bundle and takes export batches from enrolled devices, each
//! exactly once, answering with a signed receipt. SQLite in a data folder by default; PostgreSQL for a region (many
//! server instances on one database: idempotency rests on the database's primary key, never on memory).
//!
//! Every batch is read and checked by the app's own domain code (`pryiom::domain::batch`) before anything is
//! written; then the batch and its records are stored in one transaction, keeping each record's highest revision.
//! Logs name batches, devices and counts, never a record's content.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use pryiom::domain::batch::receipt::Receipt;
use pryiom::domain::batch::{read_batch, sha256_hex, signature, BatchFile};
use pryiom::domain::date::Date;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Row};

mod keys;
pub mod queue;
pub mod staff;

pub use keys::Keys;

/// The largest upload taken by default: the largest batch file the app reads.
pub const DEFAULT_MAX_UPLOAD: usize = pryiom::domain::batch::MAX_BATCH_BYTES;
/// A request still "processing" after this long (its server stopped mid-way) no longer holds its key.
const ABANDONED_AFTER_SECS: u64 = 600;
/// How long an enrolment code stays valid.
const CODE_DAYS: u64 = 7;

/// Where the server keeps its state, and what it takes.
#[derive(Debug, Clone)]
pub struct Config {
    /// The data folder: the SQLite database (unless `database_url`), the receipt-signing key and the centre's age
    /// identity (which opens batches sealed to the centre).
    pub data_dir: PathBuf,
    /// `postgres://…` for PostgreSQL; `None`: SQLite in the data folder.
    pub database_url: Option<String>,
    pub max_upload_bytes: usize,
}

impl Config {
    pub fn new(data_dir: impl Into<PathBuf>) -> Config {
        Config { data_dir: data_dir.into(), database_url: None, max_upload_bytes: DEFAULT_MAX_UPLOAD }
    }
}

/// The running centre: its database and keys.
pub struct Centre {
    pub db: AnyPool,
    pub keys: Keys,
    data_dir: PathBuf,
    max_upload: usize,
}

#[derive(Debug)]
pub enum StartError {
    Io(std::io::Error),
    Db(sqlx::Error),
    Migrate(sqlx::migrate::MigrateError),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Io(e) => write!(f, "data folder: {e}"),
            StartError::Db(e) => write!(f, "database: {e}"),
            StartError::Migrate(e) => write!(f, "database migrations: {e}"),
        }
    }
}

/// Now, as RFC 3339 UTC to the second (what records and receipts carry).
pub fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

fn later(secs: u64) -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now() + std::time::Duration::from_secs(secs)).to_string()
}

fn earlier(secs: u64) -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now() - std::time::Duration::from_secs(secs)).to_string()
}

fn today() -> Date {
    Date::parse_iso(&now()[..10]).unwrap_or_else(|| Date::new(2026, 1, 1).expect("a date"))
}

/// Random bytes from the system, as URL-safe base64 (tokens) or readable groups (enrolment codes).
fn random<const N: usize>() -> Result<[u8; N], sqlx::Error> {
    let mut b = [0u8; N];
    // Without the system's random source no code or token can be made: said as the server being unavailable.
    getrandom::getrandom(&mut b).map_err(|e| sqlx::Error::Protocol(format!("no random source: {e}")))?;
    Ok(b)
}

fn sha(text: &str) -> String {
    sha256_hex(text.as_bytes())
}

impl Centre {
    /// Opens the data folder (made when missing), the database (migrated to the current schema) and the keys.
    pub async fn open(config: &Config) -> Result<Centre, StartError> {
        std::fs::create_dir_all(&config.data_dir).map_err(StartError::Io)?;
        // The database holds what devices sent (personal data among it): the folder is the server user's alone.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&config.data_dir, std::fs::Permissions::from_mode(0o700))
                .map_err(StartError::Io)?;
        }
        sqlx::any::install_default_drivers();
        let url = match &config.database_url {
            Some(u) => u.clone(),
            None => format!("sqlite://{}?mode=rwc", config.data_dir.join("centre.db").display()),
        };
        let sqlite = url.starts_with("sqlite:");
        let db = AnyPoolOptions::new()
            // One writer at a time is what SQLite does anyway; its readers wait for it rather than fail.
            .max_connections(if sqlite { 1 } else { 10 })
            .acquire_timeout(std::time::Duration::from_secs(5))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if sqlite {
                        sqlx::query("PRAGMA journal_mode = WAL").execute(&mut *conn).await?;
                        sqlx::query("PRAGMA busy_timeout = 5000").execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(StartError::Db)?;
        sqlx::migrate!("./migrations").run(&db).await.map_err(StartError::Migrate)?;
        if sqlite {
            // One server per SQLite data folder: a batch still "processing" is one this server was receiving when it
            // stopped. Nothing of it was written (one transaction), so its key is free for the device's next try at
            // once. (On PostgreSQL other instances may be receiving: there a claim is taken over once abandoned.)
            sqlx::query("DELETE FROM batches WHERE state = 'processing'").execute(&db).await.map_err(StartError::Db)?;
        }
        let keys = Keys::open(&config.data_dir).map_err(StartError::Io)?;
        Ok(Centre { db, keys, data_dir: config.data_dir.clone(), max_upload: config.max_upload_bytes })
    }

    /// A one-time enrolment code for a device labelled `label`, valid for a week: the worker types it in the
    /// device's Settings. Only its SHA-256 is kept.
    pub async fn enrolment_code(&self, label: &str) -> Result<String, sqlx::Error> {
        // 50 bits in ten characters a person reads aloud without confusion (no 0/O, 1/I/L).
        const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
        let code: String = random::<10>()?.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect();
        let code = format!("{}-{}", &code[..5], &code[5..]);
        sqlx::query("INSERT INTO enrolment_codes (code_sha256, label, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(sha(&normalise_code(&code)))
            .bind(label)
            .bind(now())
            .bind(later(CODE_DAYS * 86_400))
            .execute(&self.db)
            .await?;
        Ok(code)
    }

    /// Revokes an enrolled device: its next upload is refused and told so. `false` when there is no such device.
    pub async fn revoke(&self, device_id: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now())
            .bind(device_id)
            .execute(&self.db)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Enrolled devices: id, label, when enrolled, when revoked.
    pub async fn devices(&self) -> Result<Vec<(String, String, String, Option<String>)>, sqlx::Error> {
        let rows = sqlx::query("SELECT id, label, enrolled_at, revoked_at FROM devices ORDER BY enrolled_at")
            .fetch_all(&self.db)
            .await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?))).collect()
    }
}

fn normalise_code(code: &str) -> String {
    code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// The server's routes: enrolment, upload, and the app itself (from `app_dir`, when given).
pub fn router(centre: Arc<Centre>, app_dir: Option<&Path>) -> Router {
    let api = Router::new()
        .route("/api/v1/enrol", post(enrol))
        .route("/api/v1/batches", post(upload))
        .route("/api/v1/batches/{batch_id}/receipt", get(receipt_of))
        .merge(queue::routes())
        .route("/staff", get(staff::overview))
        .route("/staff/data.json", get(staff::data_json))
        .route("/staff/{file}", get(staff::table_csv))
        // The upload's own limit answers with the limit in plain words (below).
        .layer(DefaultBodyLimit::disable())
        .with_state(centre);
    match app_dir {
        // The app's file names stay the same from build to build (a one-line change rewrites every WebAssembly file
        // anyway), so nothing may be kept without asking: a browser's own guess at freshness could pair an old
        // script with a new build. `no-cache` asks each time and gets "not modified" for what has not changed; the
        // service worker keeps the app for offline use apart from this.
        Some(dir) => api.fallback_service(tower_http::set_header::SetResponseHeader::overriding(
            tower_http::services::ServeDir::new(dir).precompressed_br(),
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-cache"),
        )),
        None => api,
    }
}

/// A refusal: its HTTP status, a stable code the app maps to the user's language, and plain English for logs and
/// other clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retry_after: Option<u32>,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal { status, code, message: message.into(), retry_after: None }
    }
}

impl From<sqlx::Error> for Refusal {
    fn from(e: sqlx::Error) -> Refusal {
        tracing::warn!(error = %e, "database unavailable");
        Refusal {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "unavailable",
            message: "The centre's database is unavailable; the device tries again later.".into(),
            retry_after: Some(30),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut r = (self.status, Json(json!({ "error": self.code, "message": self.message }))).into_response();
        if let Some(s) = self.retry_after {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        r
    }
}

#[derive(Debug, Deserialize)]
pub struct EnrolRequest {
    pub code: String,
    /// The app's own device id (it signs its batches' manifests with it).
    pub device_id: String,
    pub device_label: String,
    /// The device's batch-signing public key (base64), as its Settings show.
    pub signing_key: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Enrolled {
    /// The centre's id for the device.
    pub device_id: String,
    /// Sent with every upload (`Authorization: Bearer …`); the centre keeps only its SHA-256.
    pub token: String,
    /// The key the centre signs receipts with (base64): the device checks every receipt against it.
    pub receipt_key: String,
    /// The centre's age recipient: the device may seal batches to it.
    pub centre_recipient: String,
    /// The kiosk's queue-only token: sends its tickets and learns which were called, nothing more (a kiosk keeps
    /// it readable, as it runs locked). The centre keeps only its SHA-256.
    pub queue_token: String,
}

async fn enrol(
    State(c): State<Arc<Centre>>,
    Json(req): Json<EnrolRequest>,
) -> Result<(StatusCode, Json<Enrolled>), Refusal> {
    let bad_code =
        || Refusal::new(StatusCode::UNAUTHORIZED, "bad_code", "The enrolment code is wrong, used or expired.");
    if req.device_label.chars().count() > 80 || req.signing_key.is_empty() || req.signing_key.len() > 64 {
        return Err(Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "The device's signing key is needed."));
    }
    let token = base64_url(&random::<32>()?);
    let queue_token = base64_url(&random::<32>()?);
    let id = uuid_v4()?;
    let code_sha = sha(&normalise_code(&req.code));
    let mut tx = c.db.begin().await?;
    let used = sqlx::query(
        "UPDATE enrolment_codes SET used_at = $1 WHERE code_sha256 = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now())
    .bind(&code_sha)
    .execute(&mut *tx)
    .await?;
    if used.rows_affected() != 1 {
        return Err(bad_code());
    }
    // The centre's own name for the device (given with the code); the device's name for itself when there was none.
    let named: String = sqlx::query("SELECT label FROM enrolment_codes WHERE code_sha256 = $1")
        .bind(&code_sha)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let label = if named.trim().is_empty() { req.device_label.trim().to_owned() } else { named };
    sqlx::query(
        "INSERT INTO devices (id, label, app_device_id, signing_key, token_sha256, enrolled_at, queue_token_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(&label)
    .bind(&req.device_id)
    .bind(&req.signing_key)
    .bind(sha(&token))
    .bind(now())
    .bind(sha(&queue_token))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(device = %id, "device enrolled");
    let enrolled = Enrolled {
        device_id: id,
        token,
        receipt_key: c.keys.receipt_key(),
        centre_recipient: c.keys.recipient.clone(),
        queue_token,
    };
    Ok((StatusCode::CREATED, Json(enrolled)))
}

fn base64_url(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

fn uuid_v4() -> Result<String, sqlx::Error> {
    let mut b = random::<16>()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..]))
}

/// The enrolled device a request's token names.
struct Device {
    id: String,
    app_device_id: String,
    signing_key: String,
}

async fn device_of(c: &Centre, headers: &HeaderMap) -> Result<Device, Refusal> {
    enrolled_by(c, headers, "token_sha256").await
}

/// The device whose token (`column`: its own token's, or its kiosk's queue-only token's hash) the request carries:
/// 401 `not_enrolled` for an unknown one, 401 `revoked` for a revoked device.
async fn enrolled_by(c: &Centre, headers: &HeaderMap, column: &'static str) -> Result<Device, Refusal> {
    let unauthorised =
        || Refusal::new(StatusCode::UNAUTHORIZED, "not_enrolled", "This device is not enrolled with the centre.");
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(unauthorised)?;
    let sql = format!("SELECT id, app_device_id, signing_key, revoked_at FROM devices WHERE {column} = $1");
    let row = sqlx::query(&sql).bind(sha(token.trim())).fetch_optional(&c.db).await?.ok_or_else(unauthorised)?;
    let revoked: Option<String> = row.try_get(3)?;
    if revoked.is_some() {
        return Err(Refusal::new(
            StatusCode::UNAUTHORIZED,
            "revoked",
            "The centre has revoked this device: it takes no more batches from it. Ask the centre to enrol the device again.",
        ));
    }
    Ok(Device { id: row.try_get(0)?, app_device_id: row.try_get(1)?, signing_key: row.try_get(2)? })
}

/// `POST /api/v1/batches` with `Idempotency-Key: <batch id>` and the batch file as it is (plain or sealed to the
/// centre): 201 and a signed receipt; the same key and bytes again give the same receipt.
async fn upload(State(c): State<Arc<Centre>>, request: Request) -> Result<Response, Refusal> {
    let (parts, body) = request.into_parts();
    let device = device_of(&c, &parts.headers).await?;
    let key = parts
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            Refusal::new(StatusCode::BAD_REQUEST, "no_key", "An Idempotency-Key header (the batch id) is needed.")
        })?
        .to_owned();
    let too_large = || {
        Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("Batches are taken up to {} bytes.", c.max_upload),
        )
    };
    let declared =
        parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > c.max_upload) {
        return Err(too_large());
    }
    let bytes: Bytes = to_bytes(Body::new(body), c.max_upload).await.map_err(|_| too_large())?;
    let body_sha256 = sha256_hex(&bytes);
    // Reading and checking every record is CPU work (seconds for the largest batch): off the async threads, so the
    // server keeps answering other devices meanwhile.
    let file = {
        let (c, key) = (c.clone(), key.clone());
        tokio::task::spawn_blocking(move || check(&c, &bytes, &key, &device).map(|f| (f, device)))
            .await
            .map_err(|e| Refusal::from(sqlx::Error::Protocol(format!("the check stopped: {e}"))))?
    };
    let (file, device) = file?;

    // The key is claimed for this request (committed at once): a second request with it meanwhile gets 409.
    let claimed = sqlx::query("INSERT INTO batches (batch_id, device_id, body_sha256, state, started_at) VALUES ($1, $2, $3, 'processing', $4)")
        .bind(&key)
        .bind(&device.id)
        .bind(&body_sha256)
        .bind(now())
        .execute(&c.db)
        .await;
    match claimed {
        Ok(_) => {}
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            if let Some(answer) = known(&c, &key, &body_sha256).await? {
                return Ok(answer);
            }
        }
        Err(e) => return Err(e.into()),
    }
    let receipt = Receipt::of(&file, &device.id, &now(), &body_sha256, &c.keys.signing);
    let stored = store(&c, &file, &receipt).await;
    if let Err(e) = stored {
        // Nothing of the batch was written (one transaction): the key is free for the device's next try.
        let _ = sqlx::query("DELETE FROM batches WHERE batch_id = $1 AND state = 'processing'")
            .bind(&key)
            .execute(&c.db)
            .await;
        return Err(e.into());
    }
    tracing::info!(batch = %key, device = %device.id, records = file.records.len(), "batch received");
    Ok(created(&receipt, false))
}

/// `GET /api/v1/batches/<id>/receipt`: the receipt of a batch this device sent, so a device whose upload's answer was
/// lost learns that it arrived without sending the file again. 404 `unknown` when it has not (or not from this
/// device: another device's batches are not told about); 409 while it is being received.
async fn receipt_of(
    State(c): State<Arc<Centre>>,
    UrlPath(batch_id): UrlPath<String>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let device = device_of(&c, &headers).await?;
    let row = sqlx::query("SELECT state, receipt FROM batches WHERE batch_id = $1 AND device_id = $2")
        .bind(&batch_id)
        .bind(&device.id)
        .fetch_optional(&c.db)
        .await?;
    let Some(row) = row else {
        return Err(Refusal::new(StatusCode::NOT_FOUND, "unknown", "The centre has not received this batch."));
    };
    let (state, receipt): (String, Option<String>) = (row.try_get(0)?, row.try_get(1)?);
    if state != "done" {
        return Err(in_progress());
    }
    let receipt: Receipt = receipt
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .ok_or_else(|| Refusal::from(sqlx::Error::Protocol("a stored receipt does not read".into())))?;
    Ok((StatusCode::OK, Json(receipt)).into_response())
}

fn created(receipt: &Receipt, replayed: bool) -> Response {
    let mut r = (StatusCode::CREATED, Json(receipt)).into_response();
    if replayed {
        r.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    r
}

/// A key already claimed: the stored receipt for the same bytes, 422 for other bytes, 409 while the first request
/// runs. `None` when the first request was abandoned (its server stopped): this request takes the key over.
async fn known(c: &Centre, key: &str, body_sha256: &str) -> Result<Option<Response>, Refusal> {
    let row = sqlx::query("SELECT body_sha256, state, started_at, receipt FROM batches WHERE batch_id = $1")
        .bind(key)
        .fetch_optional(&c.db)
        .await?;
    let Some(row) = row else {
        // Claimed and freed again between the two statements: the device tries again.
        return Err(in_progress());
    };
    let (body, state, started, receipt): (String, String, String, Option<String>) =
        (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?);
    if body != body_sha256 {
        return Err(Refusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "key_reused",
            "This batch id was already uploaded with other contents.",
        ));
    }
    if state == "done" {
        let receipt: Receipt = receipt
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok())
            .ok_or_else(|| Refusal::from(sqlx::Error::Protocol("a stored receipt does not read".into())))?;
        return Ok(Some(created(&receipt, true)));
    }
    if started < earlier(ABANDONED_AFTER_SECS) {
        let taken = sqlx::query(
            "UPDATE batches SET started_at = $1 WHERE batch_id = $2 AND state = 'processing' AND started_at = $3",
        )
        .bind(now())
        .bind(key)
        .bind(&started)
        .execute(&c.db)
        .await?;
        if taken.rows_affected() == 1 {
            return Ok(None);
        }
    }
    Err(in_progress())
}

fn in_progress() -> Refusal {
    Refusal {
        retry_after: Some(5),
        ..Refusal::new(StatusCode::CONFLICT, "in_progress", "This batch is being received right now.")
    }
}

/// Everything the app's import checks, before anything is written: opened when sealed to the centre, the format,
/// schema rules, every checksum and count; then that it is this device's batch, signed with its key, under its key.
fn check(c: &Centre, bytes: &[u8], key: &str, device: &Device) -> Result<BatchFile, Refusal> {
    let invalid = |m: String| Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", m);
    let opened;
    let plain: &[u8] = if bytes.starts_with(b"age-encryption.org/v1\n") {
        opened = pryiom::crypto::sealed_file::open(c.keys.identity(), bytes)
            .map_err(|e| invalid(format!("The sealed file does not open with the centre's key ({e:?}).")))?;
        &opened
    } else {
        bytes
    };
    let text = std::str::from_utf8(plain).map_err(|_| invalid("The file is not UTF-8 text.".into()))?;
    let file = read_batch(text, today()).map_err(|p| invalid(format!("The batch is not valid: {p:?}.")))?;
    if file.manifest.batch_id != key {
        return Err(invalid("The Idempotency-Key is not the batch's id.".into()));
    }
    if file.manifest.device_id != device.app_device_id {
        return Err(invalid("The batch was made on another device.".into()));
    }
    match signature::verify(&file.manifest) {
        Ok(Some(k)) if k == device.signing_key => Ok(file),
        Ok(Some(_)) => Err(invalid("The batch is signed with a key this device did not enrol with.".into())),
        Ok(None) => Err(invalid("The batch is not signed.".into())),
        Err(_) => Err(invalid("The batch's signature does not verify.".into())),
    }
}

/// Rows per INSERT statement (6 values each: well within SQLite's and PostgreSQL's limits on bound values).
const ROWS_PER_INSERT: usize = 100;

/// The batch's records (each kept at its highest revision) and its receipt, in one transaction. Rows go in
/// multi-row INSERTs (a batch never holds one record twice: `read_batch` refuses that).
async fn store(c: &Centre, file: &BatchFile, receipt: &Receipt) -> Result<(), sqlx::Error> {
    let mut tx = c.db.begin().await?;
    for chunk in file.records.chunks(ROWS_PER_INSERT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = 6 * i;
                format!("(${}, ${}, ${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4, p + 5, p + 6)
            })
            .collect();
        let sql = format!(
            "INSERT INTO records (kind, id, rev, updated_at, batch_id, data) VALUES {} \
             ON CONFLICT (kind, id) DO UPDATE SET rev = excluded.rev, updated_at = excluded.updated_at, \
             batch_id = excluded.batch_id, data = excluded.data WHERE records.rev < excluded.rev",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for r in chunk {
            let rev = i64::try_from(r.rev).map_err(|_| sqlx::Error::Protocol("revision out of range".into()))?;
            query = query
                .bind(r.kind.code())
                .bind(&r.id)
                .bind(rev)
                .bind(&r.updated_at)
                .bind(&file.manifest.batch_id)
                .bind(r.data.text());
        }
        query.execute(&mut *tx).await?;
    }
    let text = serde_json::to_string(receipt).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    sqlx::query("UPDATE batches SET state = 'done', received_at = $1, receipt = $2 WHERE batch_id = $3")
        .bind(&receipt.received_at)
        .bind(text)
        .bind(&file.manifest.batch_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}
