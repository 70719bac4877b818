//! The kiosk's live queue (`pryiom::transfer::queue` is what travels): kiosks send their tickets with their queue-only
//! token and learn back what became of each; staff devices read the day's queue of every kiosk, call the next
//! visitor and mark visitors served or gone; a waiting-room display page shows who is called to which room.
//!
//! "Call next" picks the visitor with the app's own rule (`kiosk::next_to_call`: those who need help first, then by
//! number) and marks the ticket called only while it still waits (`UPDATE … WHERE state = 'waiting'`): two desks —
//! on one server or on several on one PostgreSQL — never call the same visitor. A state only moves on (waiting,
//! called, served or gone): what a kiosk did alone while the centre was down is taken when it comes back, and never
//! undoes what staff did meanwhile.
//!
//! Nothing readable here is personal (the name and phone a visitor gave stay sealed in the ticket); the display shows
//! numbers and rooms only. Logs name devices and counts.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Path as UrlPath, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use maud::{html, DOCTYPE};
use pryiom::domain::batch::valid::check_ticket;
use pryiom::domain::date::Date;
use pryiom::domain::kiosk::{self, Ticket, TicketState};
use pryiom::transfer::queue::{
    Call, Called, Finish, Held, Queue, Sync, Synced, CALL_PATH, DISPLAY_PATH, MAX_TICKETS, QUEUE_PATH, SYNC_PATH,
};
use sqlx::Row;

use crate::{earlier, enrolled_by, now, Centre, Refusal};

/// The largest queue request taken (a day's tickets of one kiosk are far smaller).
const BODY_LIMIT: usize = 2 << 20;
/// How long a call stays on the waiting-room display.
const DISPLAY_SECS: u64 = 12 * 3600;
/// Calls shown on the display: the latest large, the ones before it below.
const DISPLAY_CALLS: usize = 6;
/// Tries of "call next" when another desk took the same visitor at the same moment.
const CALL_TRIES: usize = 8;

pub fn routes() -> Router<Arc<Centre>> {
    Router::new()
        .route(SYNC_PATH, post(sync))
        .route(QUEUE_PATH, get(queue))
        .route(CALL_PATH, post(call))
        .route("/api/v1/queue/tickets/{id}/finish", post(finish))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .route(DISPLAY_PATH, get(display))
}

fn invalid(message: impl Into<String>) -> Refusal {
    Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
}

fn day_of(day: &str) -> Result<Date, Refusal> {
    Date::parse_iso(day).ok_or_else(|| invalid("The day must be an ISO date."))
}

fn ticket_of(row: &sqlx::any::AnyRow) -> Result<Ticket, Refusal> {
    let text: String = row.try_get("ticket").map_err(Refusal::from)?;
    serde_json::from_str(&text).map_err(|e| Refusal::from(sqlx::Error::Protocol(format!("a stored ticket: {e}"))))
}

fn called_at(t: &Ticket) -> Option<String> {
    match &t.state {
        TicketState::Called { at, .. } | TicketState::Served { called_at: at, .. } => Some(at.clone()),
        _ => None,
    }
}

fn json(t: &Ticket) -> String {
    serde_json::to_string(t).unwrap_or_default()
}

/// `POST /api/v1/queue/sync` with a kiosk's queue token: takes the kiosk's tickets of the day (new ones stored, a
/// state further on than the centre's taken), answers with the state the centre holds for each of its tickets.
async fn sync(
    State(c): State<Arc<Centre>>,
    headers: HeaderMap,
    Json(req): Json<Sync>,
) -> Result<Json<Synced>, Refusal> {
    let device = enrolled_by(&c, &headers, "queue_token_sha256").await?;
    day_of(&req.day)?;
    if req.tickets.len() > MAX_TICKETS {
        return Err(invalid(format!("At most {MAX_TICKETS} tickets at once.")));
    }
    for t in &req.tickets {
        check_ticket(t).map_err(|e| invalid(format!("Ticket {}: {e:?}", t.number)))?;
        if t.day != req.day {
            return Err(invalid(format!("Ticket {} is not of {}.", t.number, req.day)));
        }
    }
    let desks: Vec<&String> =
        req.desks.iter().filter(|d| !d.trim().is_empty() && d.chars().count() <= 200).take(50).collect();
    let stamp = now();
    let mut tx = c.db.begin().await?;
    sqlx::query("UPDATE devices SET kiosk_desks = $1 WHERE id = $2")
        .bind(serde_json::to_string(&desks).unwrap_or_default())
        .bind(&device.id)
        .execute(&mut *tx)
        .await?;
    let mut taken = 0usize;
    for t in &req.tickets {
        let row = sqlx::query("SELECT device_id, ticket FROM queue_tickets WHERE id = $1")
            .bind(&t.id)
            .fetch_optional(&mut *tx)
            .await?;
        match row {
            None => {
                sqlx::query(
                    "INSERT INTO queue_tickets (id, device_id, day, number, state, called_at, ticket, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&t.id)
                .bind(&device.id)
                .bind(&t.day)
                .bind(i64::from(t.number))
                .bind(t.state.name())
                .bind(called_at(t))
                .bind(json(t))
                .bind(&stamp)
                .execute(&mut *tx)
                .await?;
                taken += 1;
            }
            Some(row) => {
                let owner: String = row.try_get(0)?;
                // Another kiosk's ticket is not this one's to change.
                if owner != device.id {
                    continue;
                }
                let held = ticket_of(&row)?;
                if kiosk::moves_on(&held.state, &t.state) {
                    // Only from the state read: had staff moved it on meanwhile, theirs stays.
                    let done = sqlx::query(
                        "UPDATE queue_tickets SET state = $1, called_at = $2, ticket = $3, updated_at = $4 WHERE id = $5 AND state = $6",
                    )
                    .bind(t.state.name())
                    .bind(called_at(t))
                    .bind(json(t))
                    .bind(&stamp)
                    .bind(&t.id)
                    .bind(held.state.name())
                    .execute(&mut *tx)
                    .await?;
                    taken += done.rows_affected() as usize;
                }
            }
        }
    }
    let rows = sqlx::query("SELECT ticket FROM queue_tickets WHERE device_id = $1 AND day = $2")
        .bind(&device.id)
        .bind(&req.day)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    let held =
        rows.iter().map(ticket_of).map(|t| t.map(|t| Held { id: t.id, state: t.state })).collect::<Result<_, _>>()?;
    if taken > 0 {
        tracing::info!(device = %device.id, tickets = taken, "queue tickets taken");
    }
    Ok(Json(Synced { held }))
}

#[derive(serde::Deserialize)]
struct DayQuery {
    day: String,
}

/// The rooms the centre's kiosks call visitors to (each kiosk's, in order, once).
async fn desks(c: &Centre) -> Result<Vec<String>, Refusal> {
    let rows = sqlx::query(
        "SELECT kiosk_desks FROM devices WHERE kiosk_desks IS NOT NULL AND revoked_at IS NULL ORDER BY enrolled_at",
    )
    .fetch_all(&c.db)
    .await?;
    let mut out: Vec<String> = Vec::new();
    for row in &rows {
        let text: String = row.try_get(0)?;
        for d in serde_json::from_str::<Vec<String>>(&text).unwrap_or_default() {
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    Ok(out)
}

/// `GET /api/v1/queue?day=…` with a staff device's token: the day's tickets of every kiosk, by number, and the rooms.
async fn queue(
    State(c): State<Arc<Centre>>,
    headers: HeaderMap,
    Query(q): Query<DayQuery>,
) -> Result<Json<Queue>, Refusal> {
    crate::device_of(&c, &headers).await?;
    day_of(&q.day)?;
    let rows = sqlx::query("SELECT ticket FROM queue_tickets WHERE day = $1 ORDER BY number, id")
        .bind(&q.day)
        .fetch_all(&c.db)
        .await?;
    let tickets = rows.iter().take(MAX_TICKETS).map(ticket_of).collect::<Result<_, _>>()?;
    Ok(Json(Queue { tickets, desks: desks(&c).await? }))
}

/// `POST /api/v1/queue/call` with a staff device's token: calls the next visitor of the day to the room.
async fn call(
    State(c): State<Arc<Centre>>,
    headers: HeaderMap,
    Json(req): Json<Call>,
) -> Result<Json<Called>, Refusal> {
    let device = crate::device_of(&c, &headers).await?;
    let day = day_of(&req.day)?;
    for _ in 0..CALL_TRIES {
        let rows = sqlx::query("SELECT ticket FROM queue_tickets WHERE day = $1 AND state = 'waiting'")
            .bind(&req.day)
            .fetch_all(&c.db)
            .await?;
        let waiting = rows.iter().map(ticket_of).collect::<Result<Vec<_>, _>>()?;
        let Some(next) = kiosk::next_to_call(&waiting, day) else { return Ok(Json(Called { ticket: None })) };
        let at = now();
        let called =
            Ticket { state: TicketState::Called { at: at.clone(), desk: req.desk.trim().to_owned() }, ..next.clone() };
        check_ticket(&called).map_err(|_| invalid("Choose the room the visitor is called to."))?;
        let done = sqlx::query(
            "UPDATE queue_tickets SET state = 'called', called_at = $1, ticket = $2, updated_at = $1 WHERE id = $3 AND state = 'waiting'",
        )
        .bind(&at)
        .bind(json(&called))
        .bind(&called.id)
        .execute(&c.db)
        .await?;
        if done.rows_affected() == 1 {
            tracing::info!(device = %device.id, "visitor called");
            return Ok(Json(Called { ticket: Some(called) }));
        }
        // Another desk called this visitor at the same moment: the next one.
    }
    Err(Refusal {
        retry_after: Some(1),
        ..Refusal::new(StatusCode::CONFLICT, "busy", "Many desks are calling at once; try again.")
    })
}

/// `POST /api/v1/queue/tickets/<id>/finish` with a staff device's token: the visitor was served (once called) or has
/// gone. Answers with the ticket as it now is.
async fn finish(
    State(c): State<Arc<Centre>>,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
    Json(req): Json<Finish>,
) -> Result<Json<Ticket>, Refusal> {
    crate::device_of(&c, &headers).await?;
    for _ in 0..CALL_TRIES {
        let row = sqlx::query("SELECT ticket FROM queue_tickets WHERE id = $1").bind(&id).fetch_optional(&c.db).await?;
        let Some(row) = row else {
            return Err(Refusal::new(StatusCode::NOT_FOUND, "unknown", "The centre has no such ticket."));
        };
        let held = ticket_of(&row)?;
        let Some(state) = held.state.finished(req.outcome, &now()) else { return Ok(Json(held)) };
        let next = Ticket { state, ..held.clone() };
        let done = sqlx::query(
            "UPDATE queue_tickets SET state = $1, ticket = $2, updated_at = $3 WHERE id = $4 AND state = $5",
        )
        .bind(next.state.name())
        .bind(json(&next))
        .bind(now())
        .bind(&id)
        .bind(held.state.name())
        .execute(&c.db)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(Json(next));
        }
    }
    Err(Refusal {
        retry_after: Some(1),
        ..Refusal::new(StatusCode::CONFLICT, "busy", "The ticket is changing; try again.")
    })
}

/// `GET /display`: the waiting room's screen — who is called to which room, the latest first, read again every few
/// seconds. Numbers and rooms only: no name, no question area, no need for help. Open to anyone in the centre's
/// network (a television's browser has no password to give): it shows what the waiting room sees anyway.
async fn display(State(c): State<Arc<Centre>>) -> Result<Response, Refusal> {
    let rows = sqlx::query("SELECT ticket FROM queue_tickets WHERE state = 'called' AND called_at > $1")
        .bind(earlier(DISPLAY_SECS))
        .fetch_all(&c.db)
        .await?;
    let tickets = rows.iter().map(ticket_of).collect::<Result<Vec<_>, _>>()?;
    let calls: Vec<(String, String)> = kiosk::calling(&tickets)
        .into_iter()
        .take(DISPLAY_CALLS)
        .map(|(_, t)| match &t.state {
            TicketState::Called { desk, .. } => (t.label(), desk.clone()),
            _ => (t.label(), String::new()),
        })
        .collect();
    let page = html! {
        (DOCTYPE)
        html lang="uk" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta http-equiv="refresh" content="5";
                title { "Черга · Прийом" }
                link rel="stylesheet" href="/app.css";
            }
            body class="kiosk" {
                main class="content" style="margin: 0 auto; max-width: 64rem; text-align: center" {
                    h1 { "Запрошуємо" br; span class="kiosk-muted" lang="en" { "Now calling" } }
                    @if let Some((label, desk)) = calls.first() {
                        div class="kiosk-ticket" role="status" aria-live="polite" data-testid="display-now" {
                            p class="kiosk-number" { (label) }
                            p class="kiosk-calling" { "→ " (desk) }
                        }
                        @if calls.len() > 1 {
                            h2 { "Раніше запрошені" " · " span lang="en" { "Called before" } }
                            ul class="results" data-testid="display-before" style="list-style: none; padding: 0; font-size: 2rem" {
                                @for (label, desk) in &calls[1..] {
                                    li { strong { (label) } " → " (desk) }
                                }
                            }
                        }
                    } @else {
                        p class="kiosk-lead" data-testid="display-none" {
                            "Зачекайте, будь ласка: вас запросять за номером талона."
                            br;
                            span lang="en" { "Please wait: you will be called by your ticket number." }
                        }
                    }
                }
            }
        }
    };
    let mut r = Html(page.into_string()).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}
