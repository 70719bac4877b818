//! Settings → "Режим кіоску": a worker (unlocked) sets the device up as the waiting room's kiosk — the centre's name,
//! address and hours, its rooms, the question areas visitors choose from — and turns it on or off. Turning it on makes
//! the device's box key (its public half is what the kiosk seals visitors' names and phones to).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::crypto::keyring::{Keyring, KEYRING_ID};
use crate::domain::audit::AuditAction;
use crate::domain::kiosk::{KioskProblem, KioskSettings, KIOSK_ID};
use crate::i18n;
use crate::storage::{self, codec, Store, StoreError, WriteBatch};
use crate::web::app::{use_ctx, Ctx};
use crate::web::data::DataStoreFields;
use crate::web::form::{tr, CheckBox, TextArea, TextInput};
use crate::web::platform;

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    On,
    Off,
    Invalid(Vec<KioskProblem>),
    Failed(StoreError),
}

/// Saves the kiosk's settings; turning it on first makes the device's box key when there is none (in the same write).
async fn save(ctx: Ctx, k: KioskSettings) -> Result<(), StoreError> {
    let store = ctx.store_or_err()?;
    let now = platform::now_iso();
    let mut batch = WriteBatch::new().next(&k, &now)?;
    if k.on {
        let mut ring = storage::load::<Keyring>(&store, KEYRING_ID)
            .await?
            .ok_or_else(|| StoreError::Other { detail: "the device is not protected".into() })?;
        let key = codec::data_key()?;
        let (_, made) =
            ring.box_identity(&key).await.map_err(|e| StoreError::Other { detail: format!("device box key: {e:?}") })?;
        if made {
            batch = batch.next(&ring, &now)?;
        }
    }
    let action = if k.on { AuditAction::KioskOn } else { AuditAction::KioskOff };
    let event = crate::web::audit::event(ctx, action, None, None)?;
    store.write(crate::web::audit::with(batch, &event)?).await?;
    crate::web::audit::written(ctx);
    ctx.kiosk.set(k.on);
    Ok(())
}

#[component]
pub fn KioskSection() -> impl IntoView {
    let ctx = use_ctx();
    let centre = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let hours = RwSignal::new(String::new());
    let desks = RwSignal::new(String::new());
    let areas = RwSignal::new(ctx.data.areas().with_untracked(|a| a.areas.join("\n")));
    let tickets = RwSignal::new(true);
    let feedback = RwSignal::new(true);
    let state = RwSignal::new(State::Idle);
    if let Some(store) = ctx.store() {
        spawn_local(async move {
            match storage::load::<KioskSettings>(&store, KIOSK_ID).await {
                Ok(Some(k)) => {
                    centre.try_set(k.centre);
                    address.try_set(k.address);
                    hours.try_set(k.hours);
                    desks.try_set(k.desks.join("\n"));
                    areas.try_set(k.areas.join("\n"));
                    tickets.try_set(!k.tickets_off);
                    feedback.try_set(!k.feedback_off);
                }
                Ok(None) => {}
                Err(e) => {
                    state.try_set(State::Failed(e));
                }
            }
        });
    }
    let turn = move |on: bool| {
        let typed = KioskSettings::typed(
            &centre.get_untracked(),
            &address.get_untracked(),
            &hours.get_untracked(),
            &desks.get_untracked(),
            &areas.get_untracked(),
            (tickets.get_untracked(), feedback.get_untracked()),
        );
        let k = match typed {
            Ok(k) => KioskSettings { on, ..k },
            Err(p) if on => {
                state.set(State::Invalid(p));
                crate::web::form::focus_first_problem();
                return;
            }
            // Turning off never needs the set-up to be complete.
            Err(_) => KioskSettings {
                id: KIOSK_ID.into(),
                on: false,
                centre: centre.get_untracked(),
                address: address.get_untracked(),
                hours: hours.get_untracked(),
                desks: vec![],
                areas: vec![],
                ..KioskSettings::default()
            },
        };
        spawn_local(async move {
            state.try_set(match save(ctx, k).await {
                Ok(()) if on => State::On,
                Ok(()) => State::Off,
                Err(e) => State::Failed(e),
            });
        });
    };
    let problem = move |p: KioskProblem, text: fn(&'static i18n::Strings) -> &'static str| {
        Signal::derive(move || {
            state.with(|s| matches!(s, State::Invalid(ps) if ps.contains(&p))).then(|| text(ctx.t()).to_owned())
        })
    };
    let edited = move || state.set(State::Idle);
    view! {
        <section class="card" aria-labelledby="kiosk-h">
            <h2 id="kiosk-h">{tr(|s| s.kiosk.setup_title)}</h2>
            <p class="hint">{tr(|s| s.kiosk.setup_intro)}</p>
            <TextInput id="kiosk-centre" label=|s| s.kiosk.setup_centre value=centre required=true
                on_input=Callback::new(move |v| { centre.set(v); edited(); })
                problem=problem(KioskProblem::NoCentre, |s| s.kiosk.setup_no_centre)/>
            <TextInput id="kiosk-address" label=|s| s.kiosk.setup_address value=address
                on_input=Callback::new(move |v| { address.set(v); edited(); })/>
            <TextInput id="kiosk-hours" label=|s| s.kiosk.setup_hours value=hours
                on_input=Callback::new(move |v| { hours.set(v); edited(); })/>
            <TextArea id="kiosk-desks" rows=3 label=|s| s.kiosk.setup_desks value=desks required=true
                on_input=Callback::new(move |v| { desks.set(v); edited(); })
                problem=problem(KioskProblem::NoDesks, |s| s.kiosk.setup_no_desks)/>
            <TextArea id="kiosk-areas" rows=6 label=|s| s.kiosk.setup_areas value=areas required=true
                on_input=Callback::new(move |v| { areas.set(v); edited(); })
                problem=problem(KioskProblem::NoAreas, |s| s.kiosk.setup_no_areas)/>
            <fieldset class="field field-wide">
                <legend>{tr(|s| s.kiosk.setup_services)}</legend>
                <CheckBox id="kiosk-tickets" label=|s| s.kiosk.setup_tickets checked=tickets
                    on_change=Callback::new(move |v| { tickets.set(v); edited(); })/>
                <CheckBox id="kiosk-feedback" label=|s| s.kiosk.setup_feedback checked=feedback
                    on_change=Callback::new(move |v| { feedback.set(v); edited(); })/>
                {move || problem(KioskProblem::NoService, |s| s.kiosk.setup_no_service).get().map(|p| view! {
                    <p class="problem" role="alert">{p}</p>
                })}
            </fieldset>
            <div class="form-actions">
                <Show when=move || !ctx.kiosk.get()
                    fallback=move || view! {
                        <button type="button" class="btn btn-secondary" on:click=move |_| turn(false)>{tr(|s| s.kiosk.setup_off)}</button>
                    }>
                    <button type="button" class="btn btn-primary" on:click=move |_| turn(true)>{tr(|s| s.kiosk.setup_on)}</button>
                </Show>
                <p class="form-status" role="status" data-testid="kiosk-status">
                    {move || match state.get() {
                        State::On => ctx.t().kiosk.setup_is_on.to_owned(),
                        State::Off => ctx.t().kiosk.setup_is_off.to_owned(),
                        State::Failed(e) => i18n::store_error(ctx.lang.get(), &e),
                        State::Idle | State::Invalid(_) => String::new(),
                    }}
                </p>
            </div>
        </section>
    }
}
