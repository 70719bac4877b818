//! Correcting a registration card: the intake's fields and rules, likely duplicates beside them, autosaved as the
//! card's own draft, and saved as the card's next revision only if nobody saved it meanwhile (another tab): then the
//! newer card is shown and the worker's changes can be put on it. Each save adds what changed to the card's history.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::client::{card_changes, CardField, CardForm, CardProblem, Client, FieldChange};
use crate::domain::intake::CardEdit;
use crate::i18n;
use crate::nav::Route;
use crate::storage::{self, Collection, Store, StoreError};
use crate::web::app::{use_ctx, Ctx};
use crate::web::data::{self, DataStoreFields};
use crate::web::drafts::autosave;
use crate::web::form::{focus_first_problem, tr};
use crate::web::{audit, platform};
use crate::domain::audit::AuditAction;

use crate::web::widgets::ClientSummary;

use super::intake::CardFields;

fn stamp(_: Ctx, d: &mut CardEdit, now: &str) {
    d.updated_at = now.to_owned();
}

fn written(_: Ctx, _: CardEdit) {}

/// The card's values that differ between two forms, as the history shows them.
fn differences(from: &CardForm, to: &CardForm) -> Vec<FieldChange> {
    let today = platform::today();
    match (from.validate(today), to.validate(today)) {
        (Ok(a), Ok(b)) => card_changes(&a, &b),
        _ => Vec::new(),
    }
}

#[component]
pub fn EditCardScreen(id: String) -> impl IntoView {
    let ctx = use_ctx();
    let cid = id.clone();
    let client = Memo::new(move |_| ctx.data.clients().with(|clients| clients.get(&cid).cloned()));
    // Whether the card can be corrected: the form is made once, and stays when the card in memory changes (a
    // newer card read after a refused save).
    let editable = Memo::new(move |_| client.with(|c| c.as_ref().map(|c| c.personal.is_some())));
    let back = Route::Client(id.clone()).href();
    view! {
        <div class="form-actions no-print">
            <a class="btn btn-secondary" href=back>{tr(|s| s.back)}</a>
        </div>
        <h1 tabindex="-1">{tr(|s| s.client.edit_title)}</h1>
        // A saved card changes the data and leaves the screen at once: a view update already queued may come after
        // the screen's values are gone, so they are read with `try_`.
        {move || match (editable.try_get().flatten(), client.try_get_untracked().flatten()) {
            _ if !ctx.data_ready.get() => view! { <p>{ctx.t().loading}</p> }.into_any(),
            (Some(true), Some(c)) => view! { <EditCard client=c/> }.into_any(),
            _ => view! { <p class="notice">{ctx.t().client.edit_unavailable}</p> }.into_any(),
        }}
    }
}

#[component]
fn EditCard(client: Client) -> impl IntoView {
    let ctx = use_ctx();
    let start = client.personal.as_ref().map(CardForm::from_personal).unwrap_or_default();
    let draft = RwSignal::new(CardEdit {
        id: CardEdit::id_for(&client.id),
        client_id: client.id.clone(),
        base_rev: 0,
        base: start.clone(),
        card: start,
        updated_at: String::new(),
    });
    let card = RwSignal::new(draft.with_untracked(|d| d.card.clone()));
    // Nothing is saved before the stored revision is known and an earlier unsaved correction is taken back.
    let ready = RwSignal::new(false);
    let saver = autosave(ctx, draft, ready, stamp, written);
    Effect::new(move |_| {
        let typed = card.get();
        if draft.with_untracked(|d| d.card != typed) {
            draft.update(|d| d.card = typed);
        }
    });
    let resumed = RwSignal::new(false);
    let problems = RwSignal::new(Vec::<(CardField, CardProblem)>::new());
    let save_error = RwSignal::new(None::<StoreError>);
    let nothing = RwSignal::new(false);
    let saving = RwSignal::new(false);
    // A save refused because the card moved on: the newer card (its form and revision) and how it differs.
    let newer = RwSignal::new(None::<(CardForm, u64, Vec<FieldChange>)>);

    let client_id = StoredValue::new(client.id.clone());
    if let Ok(store) = ctx.store_or_err() {
        let id = client.id.clone();
        spawn_local(async move {
            let found = async {
                let stored = store.get(Collection::Clients, &id).await?;
                let kept: Option<CardEdit> = storage::load(&store, &CardEdit::id_for(&id)).await?;
                Ok::<_, StoreError>((stored.map_or(0, |r| r.rev), kept))
            };
            match found.await {
                Ok((rev, kept)) => {
                    match kept {
                        // An unsaved correction from before (a crash, a closed tab): as typed, on the card it began
                        // from, so a save over a newer card is caught.
                        Some(k) if k.card != k.base => {
                            card.try_set(k.card.clone());
                            draft.try_set(k);
                            resumed.try_set(true);
                        }
                        _ => {
                            draft.try_update(|d| d.base_rev = rev);
                        }
                    }
                    ready.try_set(true);
                }
                Err(e) => {
                    save_error.try_set(Some(e));
                }
            }
        });
    }

    let similar = Memo::new(move |_| {
        let typed = card.get();
        let me = client_id.get_value();
        let Some(p) = typed.typed_so_far() else { return vec![] };
        ctx.data.index().with(|index| {
            index.likely_duplicates(&p, None).into_iter().map(|(id, _)| id).filter(|id| *id != me).collect::<Vec<_>>()
        })
    });

    let save = move |_| {
        if !ready.get_untracked() || saving.get_untracked() {
            return;
        }
        nothing.set(false);
        let d = draft.get_untracked();
        let personal = match d.card.validate(platform::today()) {
            Ok(p) => p,
            Err(ps) => {
                problems.set(ps);
                focus_first_problem();
                return;
            }
        };
        problems.set(vec![]);
        let Some(current) = ctx.data.clients().with_untracked(|c| c.get(&d.client_id).cloned()) else { return };
        let now = platform::now_iso();
        let Some(next) = current.corrected(personal, &ctx.worker(), &now) else {
            nothing.set(true);
            return;
        };
        let changed = next.history.last().map_or(0, |h| h.fields.len());
        let event = match audit::event(ctx, AuditAction::CardCorrected, Some(&next.id), Some(changed)) {
            Ok(e) => e,
            Err(e) => {
                save_error.set(Some(e));
                return;
            }
        };
        let store = match ctx.store_or_err() {
            Ok(s) => s,
            Err(e) => {
                save_error.set(Some(e));
                return;
            }
        };
        saving.set(true);
        // No autosave may write the draft back after the save removes it; it resumes if the save fails.
        saver.enabled.set(false);
        spawn_local(async move {
            match data::save_correction(&store, &next, d.base_rev, &now, &event).await {
                Ok(()) => {
                    audit::written(ctx);
                    // Nothing of this screen is touched after it is left: its values go with it.
                    data::remember_client(ctx, next.clone());
                    ctx.flash.set(Some(ctx.t().client.edit_saved.to_owned()));
                    ctx.open(Route::Client(next.id));
                    return;
                }
                Err(StoreError::Conflict { stored, .. }) => {
                    // Someone saved the card meanwhile: read it, show how it differs, keep what was typed.
                    match storage::load::<Client>(&store, &next.id).await {
                        Ok(Some(fresh)) => {
                            let form = fresh.personal.as_ref().map(CardForm::from_personal).unwrap_or_default();
                            let diff = differences(&d.base, &form);
                            data::remember_client(ctx, fresh);
                            newer.try_set(Some((form, stored, diff)));
                            save_error.try_set(None);
                        }
                        Ok(None) => {
                            save_error.try_set(Some(StoreError::Conflict {
                                collection: Collection::Clients,
                                id: next.id.clone(),
                                expected: d.base_rev,
                                stored,
                            }));
                        }
                        Err(e) => {
                            save_error.try_set(Some(e));
                        }
                    }
                }
                Err(e) => {
                    save_error.try_set(Some(e));
                }
            }
            saving.try_set(false);
            saver.enabled.try_set(true);
        });
    };
    // The worker's changes, put on the newer card; the next save is made on its revision.
    let apply = move |_| {
        let Some((form, rev, _)) = newer.get_untracked() else { return };
        let d = draft.get_untracked();
        let rebased = d.card.rebase(&d.base, &form);
        draft.update(|x| {
            x.base = form;
            x.base_rev = rev;
            x.card = rebased.clone();
        });
        card.set(rebased);
        newer.set(None);
    };

    // Leaving without saving: the correction is dropped (nothing of it stays on the device).
    let discard = move |_| {
        saver.enabled.set(false);
        let id = client_id.get_value();
        match ctx.store_or_err() {
            Ok(store) => spawn_local(async move {
                match data::drop_correction(&store, &id).await {
                    Ok(()) => ctx.open(Route::Client(id)),
                    Err(e) => {
                        save_error.try_set(Some(e));
                        saver.enabled.try_set(true);
                    }
                }
            }),
            Err(e) => save_error.set(Some(e)),
        }
    };
    let summary = client.clone();
    view! {
        <ClientSummary client=summary/>
        <Show when=move || resumed.get()>
            <p class="notice" role="status" data-testid="edit-resumed">{tr(|s| s.client.edit_resumed)}</p>
        </Show>
        {move || newer.get().map(|(_, _, diff)| {
            let lang = ctx.lang.get();
            view! {
                <div class="banner banner-warn banner-block" role="alert" data-testid="edit-conflict">
                    <p class="banner-title">{ctx.t().client.edit_conflict_title}</p>
                    <p>{ctx.t().client.edit_conflict_explain}</p>
                    <ul>
                        {diff.into_iter().map(|f| view! {
                            <li>
                                {i18n::card_field_label(lang, &f.field)} ": "
                                {i18n::card_field_value(lang, &f.field, &f.from)} " → "
                                <strong>{i18n::card_field_value(lang, &f.field, &f.to)}</strong>
                            </li>
                        }).collect_view()}
                    </ul>
                    <button type="button" class="btn btn-primary" on:click=apply>{tr(|s| s.client.edit_conflict_apply)}</button>
                </div>
            }
        })}
        <form class="card" aria-labelledby="edit-card-h" novalidate on:submit=|ev| ev.prevent_default()>
            <h2 id="edit-card-h">{tr(|s| s.intake.card_title)}</h2>
            <p class="muted">{tr(|s| s.required_note)}</p>
            <p class="form-status" role="status" data-testid="edit-draft-status">
                {move || saver.status_text(ctx)}
            </p>
            <Show when=move || saver.erased.get()>
                <p class="banner banner-warn" role="alert">{tr(|s| s.client.edit_draft_gone)}</p>
            </Show>
            <CardFields card=card problems=problems aside=ViewFn::from(move || view! {
                <aside class="similar" aria-labelledby="similar-h" data-testid="similar-cards">
                    <h3 id="similar-h">{tr(|s| s.intake.similar_title)}</h3>
                    {move || {
                        let ids = similar.try_get().unwrap_or_default();
                        if ids.is_empty() {
                            view! { <p class="muted">{ctx.t().intake.similar_none}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="results compact">
                                    {ids.into_iter().filter_map(|id| {
                                        let c = ctx.data.clients().with_untracked(|all| all.get(&id).cloned())?;
                                        Some(view! {
                                            <li class="result">
                                                <ClientSummary client=c/>
                                                <a class="btn btn-secondary" href=Route::Client(id.clone()).href()>{tr(|s| s.intake.open_card)}</a>
                                                <a class="btn btn-secondary" href=Route::Merge(client_id.get_value(), id).href()>
                                                    {tr(|s| s.client.merge_with)}
                                                </a>
                                            </li>
                                        })
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    }}
                </aside>
            })/>
            {move || save_error.get().map(|e| view! { <p class="error" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p> })}
            <Show when=move || !problems.get().is_empty()>
                <p class="error" role="alert">{tr(|s| s.intake.card_fix)}</p>
            </Show>
            <p class="form-status" role="status">{move || nothing.get().then(|| ctx.t().nothing_changed)}</p>
            <div class="form-actions">
                <button type="button" class="btn btn-secondary" on:click=discard>{tr(|s| s.client.edit_discard)}</button>
                <button type="button" class="btn btn-primary" disabled=move || saving.get() || !ready.get() on:click=save>
                    {tr(|s| s.client.edit_save)}
                </button>
            </div>
        </form>
    }
}
