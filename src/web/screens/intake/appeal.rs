//! Step 4: the appeal, the kind of aid, and a referral if the question is for another organisation.

use leptos::prelude::*;

use crate::web::data::DataStoreFields;
use leptos::task::spawn_local;

use crate::domain::appeal::{AidKind, AppealField, AppealForm, AppealProblem, Channel};
use crate::domain::date::Date;
use crate::domain::intake::{IntakeDraft, Step};
use crate::i18n::{self};
use crate::nav::Route;
use crate::storage::StoreError;
use crate::web::app::{new_id, use_ctx};
use crate::web::data;
use crate::web::drafts::Autosave;
use crate::web::form::{tr, CheckBox, DateField, RadioGroup, Select, Text, TextArea, TextInput};
use crate::web::platform;

use crate::web::widgets::ClientSummary;

use super::{flag, problem_of};
use crate::web::form::focus_first_problem;

fn appeal_problem_signal(
    problems: RwSignal<Vec<(AppealField, AppealProblem)>>,
    field: AppealField,
) -> Signal<Option<String>> {
    problem_of(problems, field, i18n::appeal_problem)
}

/// Step 4: the appeal, the kind of aid, and a referral if the question is for another organisation.
#[component]
pub(super) fn AppealStep(draft: RwSignal<IntakeDraft>, saver: Autosave) -> impl IntoView {
    let ctx = use_ctx();
    let problems = RwSignal::new(Vec::<(AppealField, AppealProblem)>::new());
    let saving = RwSignal::new(false);
    let save_error = RwSignal::new(None::<StoreError>);
    let client = Memo::new(move |_| {
        let id = draft.with(|d| d.client_id.clone()).unwrap_or_default();
        ctx.data.clients().with(|clients| clients.get(&id).cloned())
    });

    let a = |get: fn(&AppealForm) -> &String, set: fn(&mut AppealForm, String)| {
        (
            Signal::derive(move || draft.with(|d| get(&d.appeal).clone())),
            Callback::new(move |v| draft.update(|d| set(&mut d.appeal, v))),
        )
    };
    let (received, set_received) = a(|f| &f.received_at, |f, v| f.received_at = v);
    let (channel, set_channel) = a(|f| &f.channel, |f, v| f.channel = v);
    let (location, set_location) = a(|f| &f.location, |f, v| f.location = v);
    let (area, set_area) = a(|f| &f.area, |f, v| f.area = v);
    let (account, set_account) = a(|f| &f.account, |f, v| f.account = v);
    let (aid, set_aid) = a(|f| &f.aid, |f, v| f.aid = v);
    let (outcome, set_outcome) = a(|f| &f.outcome, |f, v| f.outcome = v);
    let (follow_up, set_follow_up) = a(|f| &f.follow_up, |f, v| f.follow_up = v);
    let (org, set_org) = a(|f| &f.organisation_id, |f, v| f.organisation_id = v);
    let (note, set_note) = a(|f| &f.referral_note, |f, v| f.referral_note = v);
    let (written, set_written) = flag(draft, |d| d.appeal.written, |d, v| d.appeal.written = v);

    let channel_options = Signal::derive(move || {
        let lang = ctx.lang.get();
        let mut v = vec![(String::new(), lang.strings().choose.to_owned())];
        v.extend(Channel::ALL.iter().map(|c| (c.code().to_owned(), i18n::channel(lang, *c).to_owned())));
        v
    });
    let area_options = Signal::derive(move || {
        let mut v = vec![(String::new(), ctx.t().choose.to_owned())];
        v.extend(ctx.data.areas().with(|areas| areas.areas.iter().map(|a| (a.clone(), a.clone())).collect::<Vec<_>>()));
        v
    });
    let org_options = Signal::derive(move || {
        let mut v = vec![(String::new(), ctx.t().choose.to_owned())];
        v.extend(ctx.data.directory().with(|directory| {
            directory
                .organisations
                .iter()
                .map(|o| (o.id.clone(), format!("{} — {}", o.name, o.address)))
                .collect::<Vec<_>>()
        }));
        v
    });
    let aid_options: Vec<(&'static str, Text)> = AidKind::ALL.iter().map(|k| (k.code(), i18n::aid_text(*k))).collect();
    let deadlines = Signal::derive(move || {
        let f = draft.with(|d| d.appeal.clone());
        if !f.written {
            return None;
        }
        let received = crate::domain::date::parse_human_datetime(&f.received_at)?;
        let day = Date::parse_iso(received.get(0..10)?)?;
        let off = crate::web::device::days_off(ctx);
        Some((
            crate::domain::date::add_working_days(day, 3, &off),
            crate::domain::date::add_working_days(day, 10, &off),
        ))
    });

    let save = move |_| {
        let store = match ctx.store_or_err() {
            Ok(s) => s,
            Err(e) => {
                save_error.set(Some(e));
                return;
            }
        };
        let Some(client_id) = draft.with_untracked(|d| d.client_id.clone()) else { return };
        let id = match new_id() {
            Ok(id) => id,
            Err(e) => {
                save_error.set(Some(e));
                return;
            }
        };
        let form = draft.with_untracked(|d| d.appeal.clone());
        let draft_id = draft.with_untracked(|d| d.id.clone());
        let orgs = ctx.data.directory().with_untracked(|directory| directory.organisations.clone());
        // The worker at the table: who took the consent in this intake, else this device's worker.
        let worker = draft.with_untracked(|d| d.consent_by.trim().to_owned());
        let worker = if worker.is_empty() { untrack(|| ctx.worker()) } else { worker };
        let appeal = match form.validate(id, client_id.clone(), worker, &orgs) {
            Ok(a) => a,
            Err(ps) => {
                problems.set(ps);
                focus_first_problem();
                return;
            }
        };
        problems.set(vec![]);
        saving.set(true);
        spawn_local(async move {
            match data::save_appeal(&store, &appeal, &draft_id, &platform::now_iso()).await {
                Ok(()) => {
                    data::remember_appeal(ctx, appeal);
                    ctx.flash.set(Some(ctx.t().intake.appeal_saved.to_owned()));
                    // The draft is gone from the store, and nothing still pending may write it back; a fresh one
                    // starts if the user comes back.
                    saver.enabled.try_set(false);
                    ctx.open(Route::Client(client_id));
                }
                Err(e) => {
                    save_error.try_set(Some(e));
                    saving.try_set(false);
                }
            }
        });
    };
    let back = move |_| {
        draft.update(|d| {
            d.step = Step::Search;
            d.client_id = None;
        })
    };

    view! {
        <form class="card" aria-labelledby="appeal-h" novalidate on:submit=|ev| ev.prevent_default()>
            <h2 id="appeal-h">{tr(|s| s.intake.appeal_title)}</h2>
            {move || client.get().map(|c| view! { <ClientSummary client=c/> })}
            <p class="muted">{tr(|s| s.required_note)}</p>
            <DateField id="received-at" label=|s| s.intake.received_at value=received on_input=set_received with_time=true
                required=true problem=appeal_problem_signal(problems, AppealField::ReceivedAt)/>
            <Select id="channel" label=|s| s.intake.channel options=channel_options value=channel on_change=set_channel required=true
                problem=appeal_problem_signal(problems, AppealField::Channel)/>
            <TextInput id="location" label=|s| s.intake.location hint=|s| s.intake.location_hint value=location on_input=set_location/>
            <Select id="area" label=|s| s.intake.area options=area_options value=area on_change=set_area required=true
                problem=appeal_problem_signal(problems, AppealField::Area)/>
            <TextArea id="account" label=|s| s.intake.account hint=|s| s.intake.account_hint value=account on_input=set_account required=true
                problem=appeal_problem_signal(problems, AppealField::Account)/>
            <RadioGroup name="aid" legend=|s| s.intake.aid_legend options=aid_options value=aid on_change=set_aid required=true
                problem=appeal_problem_signal(problems, AppealField::Aid)/>
            <Show when=move || aid.get() == AidKind::Referral.code()>
                <fieldset class="group">
                    <legend>{tr(|s| s.intake.referral_title)}</legend>
                    <p class="hint">{tr(|s| s.intake.referral_hint)}</p>
                    <Select id="organisation" label=|s| s.intake.organisation options=org_options value=org on_change=set_org
                        required=true problem=appeal_problem_signal(problems, AppealField::Organisation)/>
                    <a class="btn btn-secondary" href=Route::Directory.href()>{tr(|s| s.directory.open)}</a>
                    <TextInput id="referral-note" label=|s| s.intake.referral_note value=note on_input=set_note/>
                </fieldset>
            </Show>
            <TextArea id="outcome" label=|s| s.intake.outcome value=outcome on_input=set_outcome/>
            <DateField id="follow-up" label=|s| s.intake.follow_up value=follow_up on_input=set_follow_up
                problem=appeal_problem_signal(problems, AppealField::FollowUp)/>
            <CheckBox id="written" label=|s| s.intake.written_appeal checked=written on_change=set_written/>
            {move || deadlines.get().map(|(due, max)| view! {
                <p class="deadline" data-testid="deadlines">{(ctx.t().intake.deadline_text)(&due.dotted(), &max.dotted())}</p>
            })}
            {move || save_error.get().map(|e| view! { <p class="error" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p> })}
            <Show when=move || !problems.get().is_empty()>
                <p class="error" role="alert">{tr(|s| s.intake.card_fix)}</p>
            </Show>
            <div class="form-actions">
                <button type="button" class="btn btn-secondary" on:click=back>{tr(|s| s.back)}</button>
                <button type="button" class="btn btn-primary" disabled=move || saving.get() on:click=save>
                    {tr(|s| s.intake.save_appeal)}
                </button>
            </div>
        </form>
    }
}
