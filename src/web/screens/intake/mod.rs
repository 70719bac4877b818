//! New intake: search first, then consent, the card, and the appeal (guide 3.1–3.3). The whole intake lives in a
//! draft saved as it is typed; reopening the app offers it back.

use leptos::prelude::*;

use crate::web::data::DataStoreFields;
use leptos::task::spawn_local;

use crate::domain::intake::{intake_draft_id, is_intake_draft_id, IntakeDraft, Step};
use crate::i18n::{self, Lang};
use crate::storage::{Collection, Store, StoreError, WriteBatch};
use crate::web::app::{new_id, use_ctx, Ctx};
use crate::web::drafts::{autosave, Autosave};
use crate::web::form::{tr, Text};
use crate::web::platform;

mod appeal;
mod card;

pub(crate) use card::CardFields;
mod consent;
mod search;

use appeal::AppealStep;
use card::CardStep;
use consent::ConsentStep;
use search::SearchStep;

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Loading,
    /// Saved drafts are waiting (newest first; another tab's too): continue one, discard one, or start anew.
    Offer(Vec<IntakeDraft>),
    Editing,
}

/// A field of the draft as a (value, setter) pair for a form control.
pub(super) fn lens(
    draft: RwSignal<IntakeDraft>,
    get: fn(&IntakeDraft) -> &String,
    set: fn(&mut IntakeDraft, String),
) -> (Signal<String>, Callback<String>) {
    (Signal::derive(move || draft.with(|d| get(d).clone())), Callback::new(move |v| draft.update(|d| set(d, v))))
}

pub(super) fn flag(
    draft: RwSignal<IntakeDraft>,
    get: fn(&IntakeDraft) -> bool,
    set: fn(&mut IntakeDraft, bool),
) -> (Signal<bool>, Callback<bool>) {
    (Signal::derive(move || draft.with(get)), Callback::new(move |v| draft.update(|d| set(d, v))))
}

/// The message for one field out of a list of (field, problem), in the current language.
pub(super) fn problem_of<F, P>(
    problems: RwSignal<Vec<(F, P)>>,
    field: F,
    text: fn(Lang, P) -> String,
) -> Signal<Option<String>>
where
    F: PartialEq + Copy + Send + Sync + 'static,
    P: Copy + Send + Sync + 'static,
{
    let ctx = use_ctx();
    Signal::derive(move || {
        let lang = ctx.lang.get();
        problems.with(|ps| ps.iter().find(|(f, _)| *f == field).map(|(_, p)| text(lang, *p)))
    })
}

fn fresh_draft(ctx: Ctx, id: String) -> IntakeDraft {
    let mut d = IntakeDraft::with_id(id);
    d.consent_by = untrack(|| ctx.worker());
    d.appeal.received_at = crate::domain::date::human_datetime(&platform::now_local());
    d
}

#[component]
pub fn IntakeScreen() -> impl IntoView {
    let ctx = use_ctx();
    let phase = RwSignal::new(Phase::Loading);
    let draft = RwSignal::new(IntakeDraft::new());
    let editing = RwSignal::new(false);
    // Before consent the stored copy holds nothing personal (the screen keeps what was typed).
    let saver = autosave(
        ctx,
        draft,
        editing,
        |_, d: &mut IntakeDraft, now| {
            *d = d.to_store();
            d.updated_at = now.to_owned();
        },
        |_, _| {},
    );
    let load_error = RwSignal::new(None::<StoreError>);
    // This tab's draft closed in another tab: what is on screen goes (it may be a withdrawn person's), and a new
    // intake starts, with a notice saying why.
    let gone = RwSignal::new(false);
    Effect::new(move |_| {
        if saver.erased.get() {
            gone.set(true);
            if let Err(e) = begin_fresh(ctx, draft, editing, phase) {
                load_error.try_set(Some(e));
            }
        }
    });

    // Load the saved drafts once the store is open; a draft with content is offered, never silently replaced.
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        ctx.data_ready.track();
        if started.get_value() || !ctx.data_ready.get_untracked() {
            return;
        }
        let Some(store) = ctx.store() else { return };
        started.set_value(true);
        spawn_local(async move {
            match unfinished(ctx, &store).await {
                // Locked while on this screen: back to this tab's draft without asking.
                Ok(list) if ctx.resume_draft.get_untracked() && mine(ctx, &list).is_some() => {
                    let saved = mine(ctx, &list).cloned().unwrap_or_default();
                    ctx.resume_draft.set(false);
                    ctx.pending_intake.set(None);
                    draft.try_set(saved);
                    editing.try_set(true);
                    phase.try_set(Phase::Editing);
                }
                Ok(list) if !list.is_empty() => {
                    phase.try_set(Phase::Offer(list));
                }
                Ok(_) => {
                    if let Err(e) = begin_fresh(ctx, draft, editing, phase) {
                        load_error.try_set(Some(e));
                    }
                }
                Err(e) => {
                    load_error.try_set(Some(e));
                }
            }
        });
    });

    view! {
        <h1 tabindex="-1">{tr(|s| s.intake_title)}</h1>
        <Show when=move || gone.get()>
            <p class="banner banner-warn" role="alert" data-testid="draft-gone">{tr(|s| s.intake.draft_gone_elsewhere)}</p>
        </Show>
        {move || load_error.get().map(|e| view! { <p class="error" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p> })}
        {move || match phase.get() {
            Phase::Loading => view! { <p>{ctx.t().loading}</p> }.into_any(),
            Phase::Offer(saved) => view! { <DraftOffer saved=saved draft=draft phase=phase editing=editing/> }.into_any(),
            Phase::Editing => view! { <IntakeSteps draft=draft saver=saver/> }.into_any(),
        }}
    }
}

fn abandoned(ctx: Ctx, d: &IntakeDraft) -> bool {
    ctx.device.with_untracked(|s| s.as_ref().is_some_and(|s| d.abandoned(platform::today(), s.draft_days)))
}

/// Every unfinished intake on the device (each tab's), newest first. One left longer than the period in Settings
/// is not offered (start-up erases it).
async fn unfinished(ctx: Ctx, store: &crate::web::app_store::AppStore) -> Result<Vec<IntakeDraft>, StoreError> {
    let mut list = Vec::new();
    for rec in store.all(Collection::Drafts).await? {
        if is_intake_draft_id(&rec.id) {
            let d: IntakeDraft = crate::storage::codec::decode(&rec)?;
            if d.has_content() && !abandoned(ctx, &d) {
                list.push(d);
            }
        }
    }
    list.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
    Ok(list)
}

/// This tab's own draft among `list`.
fn mine(ctx: Ctx, list: &[IntakeDraft]) -> Option<&IntakeDraft> {
    let id = ctx.intake_draft.get_untracked()?;
    list.iter().find(|d| d.id == id)
}

/// Starts an empty intake under a draft of its own, or one for the client whose "new appeal" was asked for.
fn begin_fresh(
    ctx: Ctx,
    draft: RwSignal<IntakeDraft>,
    editing: RwSignal<bool>,
    phase: RwSignal<Phase>,
) -> Result<(), StoreError> {
    let id = intake_draft_id(&new_id()?);
    let mut d = fresh_draft(ctx, id.clone());
    if let Some(pending) = ctx.pending_intake.try_update(Option::take).flatten() {
        d.client_id = Some(pending);
        d.step = Step::Appeal;
    } else if let Some((query, area)) = ctx.intake_from_ticket.try_update(Option::take).flatten() {
        // A visitor from the kiosk: search first with what they gave; the appeal came through the kiosk.
        d.query = query;
        d.appeal.channel = crate::domain::appeal::Channel::Kiosk.code().to_owned();
        d.appeal.area = area;
    }
    ctx.intake_draft.set(Some(id));
    draft.try_set(d);
    editing.try_set(true);
    phase.try_set(Phase::Editing);
    Ok(())
}

/// Who an unfinished intake is about: the card it is for, or the name typed.
fn draft_who(ctx: Ctx, saved: &IntakeDraft) -> String {
    let typed = [saved.card.surname.trim(), saved.card.given_name.trim()].join(" ").trim().to_owned();
    let existing = saved.client_id.as_ref().and_then(|id| {
        ctx.data.clients().with_untracked(|clients| clients.get(id).and_then(|c| c.personal.as_ref().map(|p| p.full_name())))
    });
    existing.unwrap_or(typed)
}

#[component]
fn DraftOffer(
    saved: Vec<IntakeDraft>,
    draft: RwSignal<IntakeDraft>,
    phase: RwSignal<Phase>,
    editing: RwSignal<bool>,
) -> impl IntoView {
    let ctx = use_ctx();
    let error = RwSignal::new(None::<StoreError>);
    let offered = RwSignal::new(saved);
    let resume = move |keep: IntakeDraft| {
        // The unfinished intake wins; a "new appeal" asked for meanwhile is dropped, not applied later by surprise.
        ctx.pending_intake.set(None);
        ctx.intake_draft.set(Some(keep.id.clone()));
        draft.set(keep);
        editing.set(true);
        phase.set(Phase::Editing);
    };
    let discard = move |id: String| {
        let Some(store) = ctx.store() else { return };
        spawn_local(async move {
            // Only a committed delete takes it off the list; the last one gone, the form starts empty.
            match store.write(WriteBatch::new().delete(Collection::Drafts, id.clone())).await {
                Ok(()) => {
                    offered.try_update(|list| list.retain(|d| d.id != id));
                    if offered.try_with_untracked(Vec::is_empty).unwrap_or(false) {
                        if let Err(e) = begin_fresh(ctx, draft, editing, phase) {
                            error.try_set(Some(e));
                        }
                    }
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let start = move |_| {
        if let Err(e) = begin_fresh(ctx, draft, editing, phase) {
            error.set(Some(e));
        }
    };
    view! {
        <section class="card card-attention" role="region" aria-labelledby="offer-h">
            <h2 id="offer-h">
                {move || if offered.with(|l| l.len() > 1) { ctx.t().intake.drafts_found } else { ctx.t().intake.draft_found }}
            </h2>
            <ul class="results">
                {move || offered.get().into_iter().map(|d| {
                    let who = draft_who(ctx, &d);
                    let when = platform::local_time_of(&d.updated_at);
                    let named = if who.is_empty() { when.clone() } else { format!("{who}, {when}") };
                    let (id, keep) = (d.id.clone(), d.clone());
                    view! {
                        <li class="result">
                            <div class="summary">
                                {(!who.is_empty()).then(|| view! { <p class="figures">{who.clone()}</p> })}
                                <p class="muted">{move || (ctx.t().intake.draft_saved_at)(&when)}</p>
                            </div>
                            <div class="result-actions">
                                <button type="button" class="btn btn-primary"
                                    aria-label=format!("{}: {named}", ctx.t().intake.draft_continue)
                                    on:click=move |_| resume(keep.clone())>{tr(|s| s.intake.draft_continue)}</button>
                                <button type="button" class="btn btn-secondary"
                                    aria-label=format!("{}: {named}", ctx.t().intake.draft_discard)
                                    on:click=move |_| discard(id.clone())>{tr(|s| s.intake.draft_discard)}</button>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="form-actions">
                <button type="button" class="btn btn-secondary" on:click=start>{tr(|s| s.intake.draft_new)}</button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p> })}
        </section>
    }
}

#[component]
fn IntakeSteps(draft: RwSignal<IntakeDraft>, saver: Autosave) -> impl IntoView {
    let ctx = use_ctx();
    let step = Memo::new(move |_| draft.with(|d| d.step));
    let steps: [(Step, Text); 4] = [
        (Step::Search, |s| s.intake.step_search),
        (Step::Consent, |s| s.intake.step_consent),
        (Step::Card, |s| s.intake.step_card),
        (Step::Appeal, |s| s.intake.step_appeal),
    ];
    view! {
        <ol class="steps" aria-label=tr(|s| s.intake.steps_label)>
            {steps
                .into_iter()
                .enumerate()
                .map(|(i, (s, text))| {
                    view! {
                        <li aria-current=move || (step.get() == s).then_some("step") class:done=move || { (step.get() as u8) > (s as u8) }>
                            <span class="step-n" aria-hidden="true">{i + 1}</span>
                            <span>{move || text(ctx.t())}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        <p class="draft-status" role="status" data-testid="draft-status">
            {move || saver.status_text(ctx)}
        </p>
        {move || match step.get() {
            Step::Search => view! { <SearchStep draft=draft/> }.into_any(),
            Step::Consent => view! { <ConsentStep draft=draft/> }.into_any(),
            Step::Card => view! { <CardStep draft=draft/> }.into_any(),
            Step::Appeal => view! { <AppealStep draft=draft saver=saver/> }.into_any(),
        }}
    }
}
