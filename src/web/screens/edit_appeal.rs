//! Correcting an appeal: the account, the kind of aid and the referral, the outcome and the follow-up date, with the
//! intake's rules; autosaved as a draft while typed (nothing is lost on a crash); saved as the appeal's next revision
//! only if nobody saved it meanwhile (another tab), each change in the appeal's history. A decided БВПД checklist is
//! not touched.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::appeal::{AidKind, Appeal, AppealField, AppealForm, AppealProblem};
use crate::domain::intake::AppealEdit;
use crate::i18n;
use crate::nav::Route;
use crate::storage::StoreError;
use crate::web::app::use_ctx;
use crate::web::data::{self, DataStoreFields};
use crate::web::drafts::autosave;
use crate::web::form::{focus_first_problem, tr, DateField, RadioGroup, Select, Text, TextArea, TextInput};
use crate::web::platform;
use crate::web::widgets::{when, ClientSummary};

#[component]
pub fn EditAppealScreen(id: String) -> impl IntoView {
    let ctx = use_ctx();
    let aid = id.clone();
    // The appeal and its card, read once: the form stays when the data in memory changes.
    let found = Memo::new(move |_| {
        ctx.data_ready.track();
        ctx.data.with_untracked(|d| d.appeal_and_client(&aid))
    });
    view! {
        <div class="form-actions no-print">
            {move || found.get().map(|(_, c)| view! { <a class="btn btn-secondary" href=Route::Client(c.id).href()>{tr(|s| s.back)}</a> })}
        </div>
        <h1 tabindex="-1">{tr(|s| s.client.appeal_edit_title)}</h1>
        {move || match found.get() {
            None if !ctx.data_ready.get() => view! { <p>{ctx.t().loading}</p> }.into_any(),
            Some((a, c)) if c.personal.is_some() && !a.is_scrubbed() => view! { <EditAppeal appeal=a client=c/> }.into_any(),
            _ => view! { <p class="notice">{ctx.t().client.edit_unavailable}</p> }.into_any(),
        }}
    }
}

#[component]
fn EditAppeal(appeal: Appeal, client: crate::domain::client::Client) -> impl IntoView {
    let ctx = use_ctx();
    // The correction as typed, autosaved as a draft once the stored appeal (and any unsaved correction) is read.
    let draft = RwSignal::new(AppealEdit {
        id: AppealEdit::id_for(&appeal.id),
        appeal_id: appeal.id.clone(),
        client_id: appeal.client_id.clone(),
        base_rev: 0,
        form: AppealForm::from_appeal(&appeal),
        updated_at: String::new(),
    });
    let ready = RwSignal::new(false);
    let resumed = RwSignal::new(false);
    let saver = autosave(ctx, draft, ready, |_, d: &mut AppealEdit, now| d.updated_at = now.to_owned(), |_, _| {});
    let problems = RwSignal::new(Vec::<(AppealField, AppealProblem)>::new());
    let save_error = RwSignal::new(None::<StoreError>);
    let conflict = RwSignal::new(false);
    let nothing = RwSignal::new(false);
    let saving = RwSignal::new(false);
    // The appeal as stored, and its revision: the save is made on it.
    let base = RwSignal::new(None::<(Appeal, u64)>);
    if let Ok(store) = ctx.store_or_err() {
        let id = appeal.id.clone();
        spawn_local(async move {
            let read = async {
                let found = data::read_appeal(&store, &id).await?;
                let unsaved = crate::storage::load::<AppealEdit>(&store, &AppealEdit::id_for(&id)).await?;
                Ok::<_, StoreError>((found, unsaved))
            };
            match read.await {
                Ok((found, unsaved)) => {
                    let rev = found.as_ref().map_or(0, |(_, rev)| *rev);
                    match unsaved {
                        // An unsaved correction comes back as it was typed; if the appeal was saved since (another
                        // tab), the worker is told before saving over it.
                        Some(d) => {
                            conflict.try_set(d.base_rev != rev);
                            draft.try_set(d);
                            resumed.try_set(true);
                        }
                        None => {
                            draft.try_update(|d| d.base_rev = rev);
                        }
                    }
                    base.try_set(found);
                    ready.try_set(true);
                }
                Err(e) => {
                    save_error.try_set(Some(e));
                }
            }
        });
    }

    let f = |get: fn(&AppealForm) -> &String, set: fn(&mut AppealForm, String)| {
        (
            Signal::derive(move || draft.with(|d| get(&d.form).clone())),
            Callback::new(move |v| draft.update(|d| set(&mut d.form, v))),
        )
    };
    let (account, set_account) = f(|f| &f.account, |f, v| f.account = v);
    let (aid, set_aid) = f(|f| &f.aid, |f, v| f.aid = v);
    let (outcome, set_outcome) = f(|f| &f.outcome, |f, v| f.outcome = v);
    let (follow_up, set_follow_up) = f(|f| &f.follow_up, |f, v| f.follow_up = v);
    let (org, set_org) = f(|f| &f.organisation_id, |f, v| f.organisation_id = v);
    let (note, set_note) = f(|f| &f.referral_note, |f, v| f.referral_note = v);
    let problem = move |field: AppealField| {
        Signal::derive(move || {
            let lang = ctx.lang.get();
            problems.with(|ps| ps.iter().find(|(f, _)| *f == field).map(|(_, p)| i18n::appeal_problem(lang, *p)))
        })
    };
    let org_options = Signal::derive(move || {
        let mut v = vec![(String::new(), ctx.t().choose.to_owned())];
        v.extend(ctx.data.directory().with(|directory| {
            directory.organisations.iter().map(|o| (o.id.clone(), format!("{} — {}", o.name, o.address))).collect::<Vec<_>>()
        }));
        v
    });
    let aid_options: Vec<(&'static str, Text)> = AidKind::ALL.iter().map(|k| (k.code(), i18n::aid_text(*k))).collect();

    let save = move |_| {
        let Some((stored, rev)) = base.get_untracked() else { return };
        if saving.get_untracked() {
            return;
        }
        nothing.set(false);
        let orgs = ctx.data.directory().with_untracked(|d| d.organisations.clone());
        // The referral the appeal has stays valid even if the directory no longer lists its organisation.
        let mut orgs = orgs;
        if let Some(r) = stored.referral.as_ref().filter(|r| !orgs.iter().any(|o| o.id == r.organisation.id)) {
            orgs.push(r.organisation.clone());
        }
        let typed = draft.with_untracked(|d| d.form.clone());
        let edited = match typed.validate(stored.id.clone(), stored.client_id.clone(), stored.worker.clone(), &orgs) {
            Ok(a) => a,
            Err(ps) => {
                problems.set(ps);
                focus_first_problem();
                return;
            }
        };
        problems.set(vec![]);
        let now = platform::now_iso();
        let Some(next) = stored.corrected(&edited, &ctx.worker(), &now) else {
            nothing.set(true);
            return;
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
        ready.set(false);
        spawn_local(async move {
            match data::save_appeal_change(ctx, &store, &next, rev, &now).await {
                Ok(()) => {
                    data::remember_appeal(ctx, next.clone());
                    ctx.flash.set(Some(ctx.t().client.appeal_edit_saved.to_owned()));
                    ctx.open(Route::Client(next.client_id));
                    return;
                }
                Err(StoreError::Conflict { .. }) => {
                    // Saved meanwhile elsewhere: the newer one becomes the base; what was typed stays, and the worker
                    // saves again knowingly.
                    match data::read_appeal(&store, &next.id).await {
                        Ok(found) => {
                            if let Some((a, _)) = &found {
                                data::remember_appeal(ctx, a.clone());
                            }
                            if let Some((_, rev)) = &found {
                                draft.try_update(|d| d.base_rev = *rev);
                            }
                            base.try_set(found);
                            conflict.try_set(true);
                            save_error.try_set(None);
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
            ready.try_set(true);
        });
    };

    // Leaving without saving: the correction is dropped (nothing of it stays on the device).
    let appeal_id = appeal.id.clone();
    let client_id = appeal.client_id.clone();
    let discard = move |_| {
        ready.set(false);
        let (id, client) = (appeal_id.clone(), client_id.clone());
        match ctx.store_or_err() {
            Ok(store) => spawn_local(async move {
                match data::drop_appeal_correction(&store, &id).await {
                    Ok(()) => ctx.open(Route::Client(client)),
                    Err(e) => {
                        save_error.try_set(Some(e));
                        ready.try_set(true);
                    }
                }
            }),
            Err(e) => save_error.set(Some(e)),
        }
    };

    view! {
        <ClientSummary client=client/>
        <p class="lead">{when(&appeal.received_at)} " · " {appeal.area.clone()}</p>
        <Show when=move || resumed.get()>
            <p class="notice" role="status" data-testid="appeal-edit-resumed">{tr(|s| s.client.appeal_edit_resumed)}</p>
        </Show>
        <Show when=move || saver.erased.get()>
            <p class="banner banner-warn" role="alert">{tr(|s| s.client.edit_draft_gone)}</p>
        </Show>
        <Show when=move || conflict.get()>
            <p class="banner banner-warn" role="alert" data-testid="appeal-conflict">{tr(|s| s.client.appeal_conflict)}</p>
        </Show>
        <form class="card" aria-labelledby="edit-appeal-h" novalidate on:submit=|ev| ev.prevent_default()>
            <h2 id="edit-appeal-h">{tr(|s| s.intake.appeal_title)}</h2>
            <p class="form-status" role="status" data-testid="appeal-draft-status">{move || saver.status_text(ctx)}</p>
            <TextArea id="account" label=|s| s.intake.account hint=|s| s.intake.account_hint value=account on_input=set_account
                required=true problem=problem(AppealField::Account)/>
            <RadioGroup name="aid" legend=|s| s.intake.aid_legend options=aid_options value=aid on_change=set_aid required=true
                problem=problem(AppealField::Aid)/>
            <Show when=move || aid.get() == AidKind::Referral.code()>
                <fieldset class="group">
                    <legend>{tr(|s| s.intake.referral_title)}</legend>
                    <Select id="organisation" label=|s| s.intake.organisation options=org_options value=org on_change=set_org
                        required=true problem=problem(AppealField::Organisation)/>
                    <TextInput id="referral-note" label=|s| s.intake.referral_note value=note on_input=set_note/>
                </fieldset>
            </Show>
            <TextArea id="outcome" label=|s| s.intake.outcome value=outcome on_input=set_outcome/>
            <DateField id="follow-up" label=|s| s.intake.follow_up value=follow_up on_input=set_follow_up
                problem=problem(AppealField::FollowUp)/>
            {move || save_error.get().map(|e| view! { <p class="error" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p> })}
            <Show when=move || !problems.get().is_empty()>
                <p class="error" role="alert">{tr(|s| s.client.appeal_fix)}</p>
            </Show>
            <p class="form-status" role="status">{move || nothing.get().then(|| ctx.t().nothing_changed)}</p>
            <div class="form-actions">
                <button type="button" class="btn btn-primary" disabled=move || saving.get() || base.with(Option::is_none) on:click=save>
                    {tr(|s| s.client.edit_save)}
                </button>
                <button type="button" class="btn btn-secondary" on:click=discard>{tr(|s| s.client.edit_discard)}</button>
            </div>
        </form>
    }
}
