//! The device and the centre server: enrolment (Settings → "Центр": the one-time code the centre gave), and sending
//! a kept batch to the centre (the Export screen's "Надіслати до центру"). The app talks only to its own origin —
//! the centre that serves it — so there is no address to type. A batch counts as delivered only on the centre's
//! receipt that verifies with the key from enrolment (`transfer::upload`).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::crypto::keyring::{Keyring, KEYRING_ID};
use crate::domain::audit::AuditAction;
use crate::domain::batch::signature::public_key_text;
use crate::domain::batch::{BatchInfo, BatchText};
use crate::i18n;
use crate::storage::{self, codec, Store, StoreError, WriteBatch};
use crate::transfer::upload::{
    self, delivered, outcome, upload_headers, CentreLink, Delivery, EnrolProblem, EnrolRequest, NotYet, Refused,
    CENTRE_LINK_ID,
};
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

/// What became of sending a batch, for its line on the Export screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Sent {
    Delivered,
    Refused(Refused),
    Later(NotYet),
    Offline,
    NoFile,
    Failed(StoreError),
}

/// Sends the kept file of `info` to the centre and records a verified receipt. `None`: the device is not enrolled.
pub async fn send(ctx: Ctx, info: &BatchInfo) -> Option<Sent> {
    let store = match ctx.store_or_err() {
        Ok(s) => s,
        Err(e) => return Some(Sent::Failed(e)),
    };
    let read = async {
        let link = storage::load::<CentreLink>(&store, CENTRE_LINK_ID).await?;
        let ring = storage::load::<Keyring>(&store, KEYRING_ID).await?;
        let kept = storage::load::<BatchText>(&store, &info.id).await?;
        Ok::<_, StoreError>((link, ring, kept))
    };
    let (link, ring, kept) = match read.await {
        Ok(x) => x,
        Err(e) => return Some(Sent::Failed(e)),
    };
    let link = link?;
    let Some(kept) = kept else { return Some(Sent::NoFile) };
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
    let payload = serde_json::from_str::<serde_json::Value>(&kept.text)
        .ok()
        .and_then(|v| v["manifest"]["payload_sha256"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let Some(answer) = platform::post(upload::UPLOAD_PATH, &upload_headers(&token, &info.id), kept.text.as_bytes()).await
    else {
        return Some(Sent::Offline);
    };
    Some(match outcome(answer.status, answer.retry_after.as_deref(), &answer.body, &link.receipt_key, &info.id, &payload) {
        Delivery::Delivered(receipt) => match delivered(&store, &receipt, &platform::now_iso()).await {
            Ok(Some(next)) => {
                audit::note(ctx, AuditAction::Uploaded, Some(&next.id), None).await;
                data::remember_batch(ctx, next);
                Sent::Delivered
            }
            Ok(None) => Sent::Later(NotYet::NoReceipt),
            Err(e) => Sent::Failed(e),
        },
        Delivery::Refused(r) => Sent::Refused(r),
        Delivery::Later { because, .. } => Sent::Later(because),
    })
}

/// What a send came to, in the user's language.
pub fn sent_text(ctx: Ctx, sent: &Sent) -> String {
    let s = &ctx.t().export;
    match sent {
        Sent::Delivered => s.send_delivered.to_owned(),
        Sent::Refused(Refused::Revoked) => s.send_revoked.to_owned(),
        Sent::Refused(Refused::NotEnrolled) => s.send_not_enrolled.to_owned(),
        Sent::Refused(Refused::KeyReused) => s.send_key_reused.to_owned(),
        Sent::Refused(Refused::TooLarge) => s.send_too_large.to_owned(),
        Sent::Refused(Refused::Invalid(_)) => s.send_invalid.to_owned(),
        Sent::Later(NotYet::InProgress) => s.send_in_progress.to_owned(),
        Sent::Later(NotYet::Unavailable) => s.send_unavailable.to_owned(),
        Sent::Later(NotYet::NoReceipt) | Sent::Offline => s.send_offline.to_owned(),
        Sent::NoFile => s.send_no_file.to_owned(),
        Sent::Failed(e) => i18n::store_error(ctx.lang.get(), e),
    }
}
