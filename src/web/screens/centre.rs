//! The device and the centre server: enrolment (Settings → "Центр": the one-time code the centre gave), and sending
//! a kept batch to the centre (the Export screen's "Надіслати до центру"). The app talks only to its own origin —
//! the centre that serves it — so there is no address to type. A batch counts as delivered only on the centre's
//! receipt that verifies with the key from enrolment (`transfer::upload`).

use std::cell::Cell;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::crypto::keyring::{Keyring, KEYRING_ID};
use crate::domain::audit::AuditAction;
use crate::domain::batch::signature::public_key_text;
use crate::domain::batch::BatchInfo;
use crate::i18n;
use crate::storage::{self, codec, Store, StoreError, WriteBatch};
use crate::transfer::outbox::{self, Status};
use crate::transfer::upload::{
    self, asked, delivered, outcome, upload_headers, CentreLink, Delivery, EnrolProblem, EnrolRequest, NotYet, Refused,
    CENTRE_LINK_ID,
};
use crate::web::data::DataStoreFields;
use crate::web::app::{use_ctx, Ctx};
use crate::web::form::{tr, TextInput};
use crate::web::{audit, data, platform};

fn other(detail: impl Into<String>) -> StoreError {
    StoreError::Other { detail: detail.into() }
}

#[derive(Debug, Clone, PartialEq)]
enum Enrolment {
    Idle,
    Busy,
    Linked,
    Problem(EnrolProblem),
    Failed(StoreError),
}

/// Enrols the device with the code: its id, label and batch-signing key go to the centre; the token comes back and is
/// sealed in the keyring, the link kept in Settings (one write).
async fn enrol(ctx: Ctx, code: String) -> Result<Result<CentreLink, EnrolProblem>, StoreError> {
    let store = ctx.store_or_err()?;
    let device = ctx.device.get_untracked().ok_or_else(|| other("no device settings"))?;
    let rec = store.get(crate::storage::Collection::Settings, KEYRING_ID).await?.ok_or_else(|| other("the device is not protected"))?;
    let (mut ring, ring_rev): (Keyring, u64) = (codec::decode(&rec)?, rec.rev);
    let key = codec::data_key()?;
    let (signer, _) = ring.signing_key(&key).await.map_err(|e| other(format!("device signing key: {e:?}")))?;
    let signing_key = public_key_text(&signer);
    let request = EnrolRequest { code: code.trim(), device_id: &device.device_id, device_label: &device.label, signing_key: &signing_key };
    let body = serde_json::to_vec(&request).map_err(|e| other(e.to_string()))?;
    let headers = [("content-type", "application/json".to_owned())];
    let Some(answer) = platform::post(upload::ENROL_PATH, &headers, &body).await else {
        return Ok(Err(EnrolProblem::NoCentre));
    };
    let now = platform::now_iso();
    let (link, token) = match upload::enrolled(answer.status, &answer.body, &now) {
        Ok(x) => x,
        Err(p) => return Ok(Err(p)),
    };
    ring.set_centre_token(&key, Some(&token)).await.map_err(|e| other(format!("centre token: {e:?}")))?;
    let batch = WriteBatch::new().next_after(&ring, ring_rev, &now)?.next(&link, &now)?;
    store.write(batch).await?;
    audit::note(ctx, AuditAction::Enrolled, None, None).await;
    Ok(Ok(link))
}

/// Settings → "Центр": enrol with the code the centre gave, or see that the device is enrolled.
#[component]
pub fn CentreSection() -> impl IntoView {
    let ctx = use_ctx();
    let link = RwSignal::new(None::<CentreLink>);
    let code = RwSignal::new(String::new());
    let state = RwSignal::new(Enrolment::Idle);
    if let Some(store) = ctx.store() {
        spawn_local(async move {
            match storage::load::<CentreLink>(&store, CENTRE_LINK_ID).await {
                Ok(l) => {
                    link.try_set(l);
                }
                Err(e) => {
                    state.try_set(Enrolment::Failed(e));
                }
            }
        });
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if state.get_untracked() == Enrolment::Busy {
            return;
        }
        let typed = code.get_untracked();
        if typed.trim().is_empty() {
            state.set(Enrolment::Problem(EnrolProblem::BadCode));
            return;
        }
        state.set(Enrolment::Busy);
        spawn_local(async move {
            match enrol(ctx, typed).await {
                Ok(Ok(l)) => {
                    link.try_set(Some(l));
                    code.try_set(String::new());
                    state.try_set(Enrolment::Linked);
                    ctx.linked.set(true);
                }
                Ok(Err(p)) => {
                    state.try_set(Enrolment::Problem(p));
                }
                Err(e) => {
                    state.try_set(Enrolment::Failed(e));
                }
            }
        });
    };
    let problem = Signal::derive(move || match state.get() {
        Enrolment::Problem(EnrolProblem::BadCode) => Some(ctx.t().export.centre_bad_code.to_owned()),
        _ => None,
    });
    view! {
        <section class="card" aria-labelledby="centre-h">
            <h2 id="centre-h">{tr(|s| s.export.centre_title)}</h2>
            {move || match link.get() {
                Some(l) => view! {
                    <p data-testid="centre-linked">{move || (ctx.t().export.centre_linked)(&l.device_id)}</p>
                }.into_any(),
                None => view! {
                    <p class="hint">{tr(|s| s.export.centre_intro)}</p>
                    <form class="form" novalidate on:submit=submit>
                        <TextInput id="centre-code" label=|s| s.export.centre_code value=code
                            on_input=Callback::new(move |v| { code.set(v); state.set(Enrolment::Idle); }) problem=problem/>
                        <div class="form-actions">
                            <button type="submit" class="btn btn-primary" disabled=move || state.get() == Enrolment::Busy>
                                {tr(|s| s.export.centre_enrol)}
                            </button>
                        </div>
                    </form>
                }.into_any(),
            }}
            <p class="form-status" role="status" data-testid="centre-status">
                {move || match state.get() {
                    Enrolment::Linked => ctx.t().export.centre_enrolled.to_owned(),
                    Enrolment::Problem(EnrolProblem::NoCentre) => ctx.t().export.centre_unreachable.to_owned(),
                    Enrolment::Failed(e) => i18n::store_error(ctx.lang.get(), &e),
                    _ => String::new(),
                }}
            </p>
        </section>
    }
}

/// What became of sending a batch.
#[derive(Debug, Clone, PartialEq)]
enum Sent {
    Delivered,
    Refused(Refused),
    /// Not delivered this time; `after`: the wait the centre asked for.
    Later(NotYet, Option<u32>),
    /// No answer at all (offline, or the server down).
    Offline,
    Failed(StoreError),
}

/// Sends the kept file of `info` to the centre and records a verified receipt; first asks whether the centre already
/// has it (an earlier try's answer may have been lost), so the file goes only when it has not. `None`: the device is
/// not enrolled.
async fn send(ctx: Ctx, info: &BatchInfo) -> Option<Sent> {
    let store = match ctx.store_or_err() {
        Ok(s) => s,
        Err(e) => return Some(Sent::Failed(e)),
    };
    let read = async {
        let link = storage::load::<CentreLink>(&store, CENTRE_LINK_ID).await?;
        let ring = storage::load::<Keyring>(&store, KEYRING_ID).await?;
        let kept = crate::transfer::kept::kept_file(&store, &info.id).await?;
        Ok::<_, StoreError>((link, ring, kept))
    };
    let (link, ring, kept) = match read.await {
        Ok(x) => x,
        Err(e) => return Some(Sent::Failed(e)),
    };
    let link = link?;
    let Some(kept) = kept else { return Some(Sent::Failed(other("batch file missing"))) };
    let token = match (ring, codec::data_key()) {
        (Some(r), Ok(k)) => match r.centre_token(&k).await {
            Ok(Some(t)) => t,
            Ok(None) => return Some(Sent::Refused(Refused::NotEnrolled)),
            Err(e) => return Some(Sent::Failed(other(format!("centre token: {e:?}")))),
        },
        (_, Err(e)) => return Some(Sent::Failed(e)),
        (None, _) => return Some(Sent::Refused(Refused::NotEnrolled)),
    };
    // The payload's checksum the receipt must name: the manifest's, read from the kept text.
    let payload = serde_json::from_str::<serde_json::Value>(&kept)
        .ok()
        .and_then(|v| v["manifest"]["payload_sha256"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let headers = upload_headers(&token, &info.id);
    let Some(answer) = platform::get(&upload::receipt_path(&info.id), &headers[..1]).await else {
        return Some(Sent::Offline);
    };
    let meaning = |a: &platform::Answer| (a.status, a.retry_after.clone(), a.body.clone());
    let (status, retry, body) = match asked(answer.status, answer.retry_after.as_deref(), &answer.body, &link.receipt_key, &info.id, &payload) {
        // Not received yet: the file goes.
        None => match platform::post(upload::UPLOAD_PATH, &headers, kept.as_bytes()).await {
            Some(a) => meaning(&a),
            None => return Some(Sent::Offline),
        },
        Some(_) => meaning(&answer),
    };
    Some(match outcome(status, retry.as_deref(), &body, &link.receipt_key, &info.id, &payload) {
        Delivery::Delivered(receipt) => match delivered(&store, &receipt, &platform::now_iso()).await {
            Ok(Some(next)) => {
                audit::note(ctx, AuditAction::Uploaded, Some(&next.id), None).await;
                data::remember_batch(ctx, next);
                Sent::Delivered
            }
            Ok(None) => Sent::Later(NotYet::NoReceipt, None),
            Err(e) => Sent::Failed(e),
        },
        Delivery::Refused(r) => Sent::Refused(r),
        Delivery::Later { because, after_secs } => Sent::Later(because, Some(after_secs)),
    })
}

thread_local! {
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    /// Woken while running: run again when done (a batch made meanwhile goes at once).
    static AGAIN: Cell<Option<bool>> = const { Cell::new(None) };
}

/// Sends every batch the outbox holds that is due (all waiting ones when `woken`), one at a time, and shows where
/// each is. Stops at the first "no answer" (the rest wait with it) and at a refusal of the device itself.
pub async fn run_outbox(ctx: Ctx, woken: bool) {
    if RUNNING.with(|r| r.replace(true)) {
        AGAIN.with(|a| a.set(Some(a.get().unwrap_or(false) || woken)));
        return;
    }
    let mut woken = woken;
    loop {
        run_once(ctx, woken).await;
        match AGAIN.with(Cell::take) {
            Some(w) => woken = w,
            None => break,
        }
    }
    RUNNING.with(|r| r.set(false));
}

async fn run_once(ctx: Ctx, woken: bool) {
    let Some(store) = ctx.store() else { return };
    // Not enrolled: there is no outbox.
    if !matches!(storage::load::<CentreLink>(&store, CENTRE_LINK_ID).await, Ok(Some(_))) {
        return;
    }
    ctx.linked.set(true);
    let batches = ctx.data.batches().get_untracked();
    let waiting: Vec<&BatchInfo> = outbox::to_send(&batches).collect();
    for (n, info) in waiting.iter().enumerate() {
        // Locked meanwhile: the token is not readable, and nothing is shown.
        if ctx.gate.get_untracked() != crate::web::lock::Gate::Open {
            return;
        }
        let now = js_sys::Date::now();
        if !ctx.outbox.with_untracked(|o| outbox::due(o, &info.id, now, woken)) {
            continue;
        }
        ctx.outbox.update(|o| {
            o.insert(info.id.clone(), Status::Sending);
        });
        let Some(sent) = send(ctx, info).await else {
            ctx.outbox.update(|o| {
                o.remove(&info.id);
            });
            return;
        };
        let now = js_sys::Date::now();
        let mut stop = false;
        ctx.outbox.update(|o| match sent {
            Sent::Delivered => {
                o.remove(&info.id);
            }
            Sent::Refused(r) if outbox::stops_all(&r) => {
                for b in &waiting[n..] {
                    o.insert(b.id.clone(), Status::Refused(r.clone()));
                }
                stop = true;
            }
            Sent::Refused(r) => {
                o.insert(info.id.clone(), Status::Refused(r));
            }
            Sent::Later(because, after) => outbox::failed(o, &info.id, Some(because), after, now),
            Sent::Offline => {
                // No answer for one: none for the others either; they wait with it.
                for b in &waiting[n..] {
                    outbox::failed(o, &b.id, None, None, now);
                }
                stop = true;
            }
            Sent::Failed(e) => {
                o.insert(info.id.clone(), Status::Failed(e));
            }
        });
        if stop {
            return;
        }
    }
}

/// Why the centre refused a batch, in the user's language.
pub fn refused_text(ctx: Ctx, r: &Refused) -> &'static str {
    let s = &ctx.t().export;
    match r {
        Refused::Revoked => s.send_revoked,
        Refused::NotEnrolled => s.send_not_enrolled,
        Refused::KeyReused => s.send_key_reused,
        Refused::TooLarge => s.send_too_large,
        Refused::Invalid(_) => s.send_invalid,
    }
}

/// Where a batch not yet delivered is, in the user's language (`None` in the outbox: never tried).
pub fn outbox_text(ctx: Ctx, status: Option<&Status>) -> String {
    let s = &ctx.t().export;
    match status {
        None => s.outbox_queued.to_owned(),
        Some(Status::Sending) => s.outbox_sending.to_owned(),
        Some(Status::Refused(r)) => refused_text(ctx, r).to_owned(),
        Some(Status::Failed(e)) => i18n::store_error(ctx.lang.get(), e),
        Some(Status::Waiting { next_at_ms, last, .. }) => {
            let why = match last {
                None => s.outbox_queued,
                Some(None) => s.send_offline,
                Some(Some(NotYet::InProgress)) => s.send_in_progress,
                Some(Some(NotYet::Unavailable)) => s.send_unavailable,
                Some(Some(NotYet::NoReceipt)) => s.send_no_receipt,
            };
            let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(*next_at_ms));
            format!("{why} {}", (s.outbox_next)(&format!("{:02}:{:02}", at.get_hours(), at.get_minutes())))
        }
    }
}
