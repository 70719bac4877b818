//! The centre staff's page: enrolled devices, the batches received (when, from which device, what they held), and
//! the centre's merged data — every record at its highest revision — as JSON and as CSV tables (the same columns and
//! safe cells as the app's own CSV: `pryiom::domain::batch::csv_table`). Ukrainian first, English with `?lang=en`
//! (a link at the top), in the app's own look (its stylesheet, served by this server).
//!
//! Behind a staff password (HTTP Basic; `pryiom-centre staff-password` sets it, kept as an Argon2id hash in the data
//! folder). Without one set, the page says how to set it and shows nothing. Downloads are never cached.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};
use pryiom::domain::batch::receipt::Receipt;
use pryiom::domain::batch::{csv_table, CsvRow, RecordType};
use sqlx::Row;

use crate::Centre;

/// The file in the data folder holding the staff password's Argon2id hash (PHC string).
pub const PASSWORD_FILE: &str = "staff-password";
/// The shortest staff password taken.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Sets the staff password (its Argon2id hash, with a fresh salt, in the data folder; readable by the server alone).
pub fn set_password(data_dir: &std::path::Path, password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("the staff password needs at least {MIN_PASSWORD_CHARS} characters"));
    }
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| format!("no random source: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    let hash = Argon2::default().hash_password(password.as_bytes(), &salt).map_err(|e| e.to_string())?.to_string();
    crate::keys::write_private(&data_dir.join(PASSWORD_FILE), &hash).map_err(|e| e.to_string())
}

/// Lets through a request carrying the staff password (HTTP Basic, any user name); else the answer to give: asked
/// for the password, or told how to set one when none is set.
async fn staff_only(c: &Centre, headers: &HeaderMap, t: &'static Text) -> Result<(), Response> {
    let Ok(stored) = std::fs::read_to_string(c.data_dir.join(PASSWORD_FILE)) else {
        return Err((StatusCode::SERVICE_UNAVAILABLE, page(t, no_password(t))).into_response());
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|up| up.split_once(':').map(|(_, p)| p.to_owned()));
    let Some(given) = given else { return Err(ask_password(t)) };
    // Argon2id takes a while on purpose: off the async threads.
    let ok = tokio::task::spawn_blocking(move || {
        PasswordHash::new(stored.trim()).is_ok_and(|h| Argon2::default().verify_password(given.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false);
    if ok {
        Ok(())
    } else {
        Err(ask_password(t))
    }
}

fn ask_password(t: &'static Text) -> Response {
    let mut r = (
        StatusCode::UNAUTHORIZED,
        page(
            t,
            html! {
                p { (t.need_password) }
            },
        ),
    )
        .into_response();
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"Pryiom centre\", charset=\"UTF-8\""));
    r
}

fn no_password(t: &'static Text) -> Markup {
    html! {
        p { (t.no_password) }
        pre class="mono" { "pryiom-centre staff-password" }
        p class="muted" { (t.no_password_then.0) (MIN_PASSWORD_CHARS) (t.no_password_then.1) }
    }
}

fn page(t: &'static Text, body: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang=(t.code) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (t.title) " · Прийом" }
                    link rel="stylesheet" href="/app.css";
                }
                body {
                    main class="content" style="margin: 0 auto; padding-bottom: 2rem; max-width: 80rem" {
                        p style="text-align: right; margin: 0.5rem 0 0" {
                            a href=(t.other_lang.1) lang=(if t.code == "uk" { "en" } else { "uk" }) { (t.other_lang.0) }
                        }
                        h1 { (t.title) }
                        (body)
                    }
                }
            }
        }
        .into_string(),
    )
}

/// The record types a centre holds, with their names (Ukrainian, English) for the downloads.
const TABLES: [(RecordType, &str, &str); 6] = [
    (RecordType::Client, "Клієнти", "Clients"),
    (RecordType::Appeal, "Звернення", "Appeals"),
    (RecordType::Checklist, "Чек-листи БВПД", "Eligibility checklists"),
    (RecordType::Ticket, "Талони черги", "Queue tickets"),
    (RecordType::Feedback, "Відгуки", "Feedback"),
    (RecordType::Audit, "Журнал дій", "Audit trail"),
];

/// The page's language: Ukrainian first; English with `?lang=en` (the link at the top).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Uk,
    En,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

impl LangQuery {
    fn lang(&self) -> Lang {
        if self.lang.as_deref() == Some("en") {
            Lang::En
        } else {
            Lang::Uk
        }
    }
}

/// Every text of the staff page, per language.
struct Text {
    code: &'static str,
    title: &'static str,
    other_lang: (&'static str, &'static str),
    need_password: &'static str,
    no_password: &'static str,
    no_password_then: (&'static str, &'static str),
    devices: &'static str,
    no_devices: &'static str,
    device_heads: [&'static str; 5],
    revoked: &'static str,
    active: &'static str,
    batches: &'static str,
    no_batches: &'static str,
    batch_heads: [&'static str; 8],
    data: &'static str,
    data_lead: (&'static str, &'static str),
    all_json: &'static str,
}

const UK: Text = Text {
    code: "uk",
    title: "Сторінка центру",
    other_lang: ("English", "?lang=en"),
    need_password: "Потрібен пароль працівника центру.",
    no_password: "Пароль працівника центру ще не задано. На сервері виконайте:",
    no_password_then: ("(або ./pryiom centre staff-password) і введіть пароль щонайменше з ", " символів."),
    devices: "Пристрої",
    no_devices: "Жодного пристрою ще не під’єднано (команда сервера «enrol» дає код).",
    device_heads: ["Пристрій", "Під’єднано (UTC)", "Пакетів", "Останній пакет (UTC)", "Стан"],
    revoked: "відкликано",
    active: "активний",
    batches: "Отримані пакети",
    no_batches: "Пакетів ще не отримано.",
    batch_heads: ["Отримано (UTC)", "Від кого", "Клієнтів", "Звернень", "Чек-листів", "Талонів", "Відгуків", "Пакет"],
    data: "Дані центру",
    data_lead: (
        "Усі записи з усіх пакетів, кожен в останній отриманій редакції. Записів: ",
        ". Файли містять персональні дані: зберігайте їх лише там, де дозволяє порядок роботи з даними центру.",
    ),
    all_json: "Усі дані (JSON)",
};

const EN: Text = Text {
    code: "en",
    title: "Centre page",
    other_lang: ("Українська", "?lang=uk"),
    need_password: "The centre staff password is needed.",
    no_password: "The centre staff password is not set yet. On the server run:",
    no_password_then: ("(or ./pryiom centre staff-password) and type a password of at least ", " characters."),
    devices: "Devices",
    no_devices: "No device is enrolled yet (the server's «enrol» command gives a code).",
    device_heads: ["Device", "Enrolled (UTC)", "Batches", "Last batch (UTC)", "State"],
    revoked: "revoked",
    active: "active",
    batches: "Batches received",
    no_batches: "No batch received yet.",
    batch_heads: ["Received (UTC)", "From", "Clients", "Appeals", "Checklists", "Tickets", "Feedback", "Batch"],
    data: "The centre's data",
    data_lead: (
        "Every record of every batch, each at the latest revision received. Records: ",
        ". The files hold personal data: keep them only where the centre's data-protection rules allow.",
    ),
    all_json: "All data (JSON)",
};

fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::Uk => &UK,
        Lang::En => &EN,
    }
}

struct DeviceRow {
    id: String,
    label: String,
    enrolled_at: String,
    revoked_at: Option<String>,
    batches: i64,
    last: Option<String>,
}

/// `GET /staff`: devices, batches, downloads.
pub async fn overview(State(c): State<Arc<Centre>>, Query(q): Query<LangQuery>, headers: HeaderMap) -> Response {
    let t = text(q.lang());
    if let Err(refused) = staff_only(&c, &headers, t).await {
        return refused;
    }
    match overview_page(&c, t).await {
        Ok(p) => p.into_response(),
        Err(e) => crate::Refusal::from(e).into_response(),
    }
}

async fn overview_page(c: &Centre, t: &'static Text) -> Result<Html<String>, sqlx::Error> {
    let devices: Vec<DeviceRow> = sqlx::query(
        "SELECT d.id, d.label, d.enrolled_at, d.revoked_at, \
         (SELECT COUNT(*) FROM batches b WHERE b.device_id = d.id AND b.state = 'done'), \
         (SELECT MAX(b.received_at) FROM batches b WHERE b.device_id = d.id AND b.state = 'done') \
         FROM devices d ORDER BY d.label",
    )
    .fetch_all(&c.db)
    .await?
    .iter()
    .map(|r| {
        Ok(DeviceRow {
            id: r.try_get(0)?,
            label: r.try_get(1)?,
            enrolled_at: r.try_get(2)?,
            revoked_at: r.try_get(3)?,
            batches: r.try_get(4)?,
            last: r.try_get(5)?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    let label_of = |id: &str| devices.iter().find(|d| d.id == id).map(|d| d.label.clone()).unwrap_or_default();
    let batches: Vec<(String, String, Receipt)> = sqlx::query(
        "SELECT batch_id, device_id, receipt FROM batches WHERE state = 'done' ORDER BY received_at DESC LIMIT 200",
    )
    .fetch_all(&c.db)
    .await?
    .iter()
    .filter_map(|r| {
        let receipt: Option<String> = r.try_get(2).ok()?;
        Some((r.try_get(0).ok()?, r.try_get(1).ok()?, serde_json::from_str(&receipt?).ok()?))
    })
    .collect();
    let held: i64 = sqlx::query("SELECT COUNT(*) FROM records").fetch_one(&c.db).await?.try_get(0)?;
    let day = |iso: &str| iso.replace('T', " ").trim_end_matches('Z').to_owned();
    Ok(page(
        t,
        html! {
            section class="card" aria-labelledby="devices-h" {
                h2 id="devices-h" { (t.devices) }
                @if devices.is_empty() {
                    p class="muted" { (t.no_devices) }
                } @else {
                    div class="table-wrap" {
                        table class="data-table" {
                            thead { tr { @for h in t.device_heads { th { (h) } } } }
                            tbody {
                                @for d in &devices {
                                    tr {
                                        td { (d.label) br; span class="mono muted" { (d.id) } }
                                        td { (day(&d.enrolled_at)) }
                                        td { (d.batches) }
                                        td { (d.last.as_deref().map(day).unwrap_or_default()) }
                                        td { @if let Some(r) = &d.revoked_at { (t.revoked) br; span class="muted" { (day(r)) } } @else { (t.active) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section class="card" aria-labelledby="batches-h" {
                h2 id="batches-h" { (t.batches) }
                @if batches.is_empty() {
                    p class="muted" { (t.no_batches) }
                } @else {
                    div class="table-wrap" {
                        table class="data-table" {
                            thead { tr { @for h in t.batch_heads { th { (h) } } } }
                            tbody {
                                @for (id, device, r) in &batches {
                                    tr {
                                        td { (day(&r.received_at)) }
                                        td { (label_of(device)) }
                                        td { (r.counts.clients) }
                                        td { (r.counts.appeals) }
                                        td { (r.counts.checklists) }
                                        td { (r.counts.tickets) }
                                        td { (r.counts.feedback) }
                                        td class="mono" { (id.get(..8).unwrap_or(id)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section class="card" aria-labelledby="data-h" {
                h2 id="data-h" { (t.data) }
                p { (t.data_lead.0) (held) (t.data_lead.1) }
                ul class="form-actions" style="list-style: none; padding: 0; flex-wrap: wrap" {
                    li { a class="btn btn-secondary" href="/staff/data.json" download { (t.all_json) } }
                    @for (kind, uk, en) in TABLES {
                        li { a class="btn btn-secondary" href=(format!("/staff/{}s.csv", kind.code())) download { (if t.code == "en" { en } else { uk }) " (CSV)" } }
                    }
                }
            }
        },
    ))
}

fn download(body: String, mime: &'static str, name: &str) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// `GET /staff/data.json`: every record the centre holds, at its highest revision.
pub async fn data_json(State(c): State<Arc<Centre>>, Query(q): Query<LangQuery>, headers: HeaderMap) -> Response {
    if let Err(refused) = staff_only(&c, &headers, text(q.lang())).await {
        return refused;
    }
    let rows = match sqlx::query("SELECT kind, id, rev, updated_at, batch_id, data FROM records ORDER BY kind, id")
        .fetch_all(&c.db)
        .await
    {
        Ok(r) => r,
        Err(e) => return crate::Refusal::from(e).into_response(),
    };
    let records: Vec<serde_json::Value> = rows
        .iter()
        .filter_map(|r| {
            let data: String = r.try_get(5).ok()?;
            Some(serde_json::json!({
                "type": r.try_get::<String, _>(0).ok()?,
                "id": r.try_get::<String, _>(1).ok()?,
                "rev": r.try_get::<i64, _>(2).ok()?,
                "updated_at": r.try_get::<String, _>(3).ok()?,
                "batch_id": r.try_get::<String, _>(4).ok()?,
                "data": serde_json::from_str::<serde_json::Value>(&data).ok()?,
            }))
        })
        .collect();
    tracing::info!(records = records.len(), "staff downloaded the centre's data (JSON)");
    let body = serde_json::json!({ "format": "pryiom-centre-data", "version": 1, "exported_at": crate::now(), "records": records });
    download(body.to_string(), "application/json", "pryiom-centre-data.json")
}

/// `GET /staff/<type>s.csv`: one CSV table of the centre's records of that type.
pub async fn table_csv(
    State(c): State<Arc<Centre>>,
    UrlPath(file): UrlPath<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = staff_only(&c, &headers, text(q.lang())).await {
        return refused;
    }
    let Some((kind, _, _)) = TABLES.into_iter().find(|(k, _, _)| file == format!("{}s.csv", k.code())) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let rows = match sqlx::query("SELECT id, rev, updated_at, batch_id, data FROM records WHERE kind = $1 ORDER BY id")
        .bind(kind.code())
        .fetch_all(&c.db)
        .await
    {
        Ok(r) => r,
        Err(e) => return crate::Refusal::from(e).into_response(),
    };
    let rows: Vec<(String, u64, String, String, serde_json::Value)> = rows
        .iter()
        .filter_map(|r| {
            let data: String = r.try_get(4).ok()?;
            Some((
                r.try_get(0).ok()?,
                u64::try_from(r.try_get::<i64, _>(1).ok()?).ok()?,
                r.try_get(2).ok()?,
                r.try_get(3).ok()?,
                serde_json::from_str(&data).ok()?,
            ))
        })
        .collect();
    let table = csv_table(
        kind,
        rows.iter().map(|(id, rev, updated_at, batch, data)| CsvRow {
            batch_id: batch,
            id,
            rev: *rev,
            updated_at,
            data: data.clone(),
        }),
    );
    tracing::info!(kind = kind.code(), "staff downloaded a table of the centre's data (CSV)");
    download(table, "text/csv; charset=utf-8", &format!("pryiom-centre-{}s.csv", kind.code()))
}
