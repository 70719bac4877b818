//! One client's page: the card, consent, the history of appeals, referral slips, and withdrawal of consent.

use leptos::prelude::*;

use crate::web::data::DataStoreFields;

use crate::web::form::tr;
use leptos::task::spawn_local;

use crate::domain::appeal::{AidKind, Appeal};
use crate::domain::audit::AuditAction;
use crate::domain::client::{Client, ConsentForm};
use crate::domain::intake::erasure_preview;
use crate::erasure;
use crate::i18n;
use crate::nav::{Route, Screen};
use crate::storage::{Collection, IndexName, Store, StoreError};
use crate::web::app::use_ctx;
use crate::web::data;
use crate::web::widgets::{dotted, when, ClientSummary};
use crate::web::{audit, platform};

#[component]
pub fn ClientScreen(id: String) -> impl IntoView {
    let ctx = use_ctx();
    let cid = id.clone();
    let client = Memo::new(move |_| ctx.data.clients().with(|clients| clients.get(&cid).cloned()));
    let cid = id.clone();
    let appeals = Memo::new(move |_| ctx.data.appeals().with(|appeals| appeals.get(&cid).cloned().unwrap_or_default()));
    let flash = ctx.flash.get_untracked();
    ctx.flash.set(None);
    let cid = StoredValue::new(id.clone());
    // Opening a card is in the audit trail (once per visit, when the card is there to see).
    let noted = StoredValue::new(false);
    Effect::new(move |_| {
        if !noted.get_value() && client.with(Option::is_some) {
            noted.set_value(true);
            audit::note_soon(ctx, AuditAction::OpenClient, Some(cid.get_value()), None);
        }
    });
    let new_appeal = move |_| {
        ctx.pending_intake.set(Some(cid.get_value()));
        ctx.go(Screen::Intake);
    };

    view! {
        {flash.map(|f| view! { <p class="banner banner-ok" role="status">{f}</p> })}
        {move || match client.get() {
            // The card's appeals and checklists come after the cards at unlock: the page waits for them.
            _ if !ctx.data_ready.get() => view! { <p>{ctx.t().loading}</p> }.into_any(),
            None => view! {
                <h1 tabindex="-1">{ctx.t().client.not_found}</h1>
                <a class="btn btn-secondary" href=Screen::Clients.href()>{ctx.t().nav_clients}</a>
            }.into_any(),
            Some(c) => {
                let title = match (&c.personal, &c.purged_at, &c.merged_into) {
                    (Some(p), _, _) => p.full_name(),
                    (None, _, Some(_)) => ctx.t().client.merged_card.to_owned(),
                    (None, Some(_), _) => ctx.t().purged_card.to_owned(),
                    (None, None, None) => ctx.t().client.withdrawn_card.to_owned(),
                };
                let merged = c.merged_into.as_ref().map(|m| Route::Client(m.id.clone()).href());
                let purged = c.purged_at.clone();
                let withdrawn = c.personal.is_none();
                view! {
                    <h1 tabindex="-1">{title}</h1>
                    <div class="form-actions">
                        <Show when=move || !withdrawn>
                            <button type="button" class="btn btn-primary" on:click=new_appeal>{tr(|s| s.client.new_appeal)}</button>
                        </Show>
                    </div>
                    {merged.map(|href| view! {
                        <p class="notice" data-testid="card-merged">
                            <a class="btn btn-secondary" href=href>{tr(|s| s.client.merged_open)}</a>
                        </p>
                    })}
                    {purged.map(|at| view! {
                        <p class="notice" data-testid="card-purged">{move || (ctx.t().purged_on)(&at.get(0..10).map(dotted).unwrap_or_default())}</p>
                    })}
                    <CardDetails client=c.clone()/>
                    <SimilarCards client=c.clone()/>
                    <CardHistory client=c.clone()/>
                    <section class="card" aria-labelledby="history-h">
                        <h2 id="history-h">{tr(|s| s.client.history_title)}</h2>
                        {move || {
                            let list = appeals.get();
                            if list.is_empty() {
                                view! { <p class="muted">{ctx.t().client.history_none}</p> }.into_any()
                            } else {
                                view! { <ol class="history">{list.into_iter().map(|a| view! { <AppealItem appeal=a/> }).collect_view()}</ol> }.into_any()
                            }
                        }}
                    </section>
                    <ConsentSection client=c appeals=appeals/>
                }.into_any()
            }
        }}
    }
}

#[component]
fn CardDetails(client: Client) -> impl IntoView {
    let ctx = use_ctx();
    let edit = Route::EditCard(client.id.clone()).href();
    let Some(p) = client.personal else { return ().into_any() };
    let s = move || ctx.t();
    let representative = p.representative_id.clone().and_then(|rid| {
        ctx.data.with_untracked(|d| {
            d.clients.get(&rid).and_then(|c| c.personal.as_ref().map(|x| (rid.clone(), x.full_name())))
        })
    });
    let needs: Vec<&'static str> = [
        (p.needs.cannot_read_write, s().intake.need_read_write),
        (p.needs.hearing, s().intake.need_hearing),
        (p.needs.vision, s().intake.need_vision),
        (p.needs.mobility, s().intake.need_mobility),
    ]
    .into_iter()
    .filter_map(|(on, text)| on.then_some(text))
    .collect();
    let document = if p.no_documents {
        let why = p.no_documents_reason.and_then(|r| {
            s().intake.no_documents_reasons.iter().find(|(code, _)| *code == r.code()).map(|(_, text)| *text)
        });
        match why {
            Some(why) => (s().intake.no_documents_because)(why),
            None => s().intake.no_documents.to_owned(),
        }
    } else {
        let kind = s().intake.document_kinds.iter().find(|(c, _)| *c == p.document_kind).map(|(_, t)| *t).unwrap_or("");
        [kind, p.document_series.as_str(), p.document_number.as_str()]
            .iter()
            .filter(|x| !x.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let tax_later = p.no_tax_reason() == Some(crate::domain::client::NoTaxNumber::NotYet);
    let documents_later =
        p.no_documents && p.no_documents_reason == Some(crate::domain::client::NoDocuments::NotWithThem);
    let rows: Vec<(&'static str, String)> = vec![
        (s().intake.birth_date, dotted(&p.birth_date)),
        (s().intake.phones, p.phones.join(", ")),
        (s().intake.email, p.email.clone()),
        (
            s().intake.address,
            if p.no_fixed_address { s().intake.no_fixed_address.to_owned() } else { p.address.clone() },
        ),
        (s().intake.registration_address, p.registration_address.clone()),
        (s().intake.group_document, document),
        (
            s().intake.tax_number,
            match p.no_tax_reason() {
                Some(r) => {
                    let reasons = s().intake.no_tax_reasons;
                    reasons
                        .iter()
                        .find(|(code, _)| *code == r.code())
                        .map(|(_, text)| (*text).to_owned())
                        .unwrap_or_default()
                }
                None => p.tax_number.clone(),
            },
        ),
        (s().intake.language, i18n::person_language(ctx.lang.get(), &p.language)),
    ];
    view! {
        <section class="card" aria-labelledby="card-details-h">
            <h2 id="card-details-h">{tr(|s| s.intake.card_title)}</h2>
            {(!needs.is_empty()).then(|| view! {
                <ul class="needs" aria-label=s().intake.group_needs>{needs.into_iter().map(|n| view! { <li class="badge">{n}</li> }).collect_view()}</ul>
            })}
            <dl class="facts">
                {rows.into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                {representative.map(|(rid, name)| view! {
                    <dt>{s().intake.representative}</dt>
                    <dd><a href=Route::Client(rid).href()>{name}</a></dd>
                })}
            </dl>
            {tax_later.then(|| view! { <p class="notice" data-testid="tax-later">{s().intake.tax_later}</p> })}
            {documents_later.then(|| view! { <p class="notice" data-testid="documents-later">{s().intake.documents_later}</p> })}
            <div class="form-actions">
                <a class="btn btn-secondary" href=edit>{tr(|s| s.client.edit)}</a>
            </div>
        </section>
    }
    .into_any()
}

/// Other cards that look like this one (the same person registered twice), each with a way to merge it into this
/// one.
#[component]
fn SimilarCards(client: Client) -> impl IntoView {
    let ctx = use_ctx();
    let Some(p) = client.personal.clone() else { return ().into_any() };
    let me = client.id.clone();
    let ids: Vec<String> = ctx.data.index().with_untracked(|index| {
        index.likely_duplicates(&p, Some(&me)).into_iter().map(|(id, _)| id).collect()
    });
    if ids.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="card" aria-labelledby="similar-cards-h" data-testid="similar-cards">
            <h2 id="similar-cards-h">{tr(|s| s.client.similar_title)}</h2>
            <ul class="results compact">
                {ids.into_iter().filter_map(|id| {
                    let c = ctx.data.clients().with_untracked(|all| all.get(&id).cloned())?;
                    let merge = Route::Merge(me.clone(), id.clone()).href();
                    Some(view! {
                        <li class="result">
                            <ClientSummary client=c/>
                            <a class="btn btn-secondary" href=Route::Client(id).href()>{tr(|s| s.intake.open_card)}</a>
                            <a class="btn btn-secondary" href=merge>{tr(|s| s.client.merge_with)}</a>
                        </li>
                    })
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

/// What was corrected in the card, newest first: when, by whom, each field as it was and as it became (once the
/// personal data is erased, only that a field changed).
#[component]
fn CardHistory(client: Client) -> impl IntoView {
    if client.history.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="card" aria-labelledby="changes-h" data-testid="card-changes">
            <h2 id="changes-h">{tr(|s| s.client.changes_title)}</h2>
            <ChangeList changes=client.history/>
        </section>
    }
    .into_any()
}

/// What was corrected in an appeal, newest first (as the card's history).
#[component]
fn AppealChanges(changes: Vec<crate::domain::client::CardChange>) -> impl IntoView {
    view! {
        <details class="appeal-changes">
            <summary>{tr(|s| s.client.appeal_changes)}</summary>
            <ChangeList changes=changes/>
        </details>
    }
}

/// Corrections of a card or an appeal, newest first: when, by whom, a merge, and each field as it was and as it
/// became (once the personal data is erased, only that a field changed).
#[component]
fn ChangeList(changes: Vec<crate::domain::client::CardChange>) -> impl IntoView {
    let ctx = use_ctx();
    let lang = ctx.lang.get_untracked();
    view! {
        <ol class="changes">
            {changes.iter().rev().map(|change| view! {
                <li>
                    <p class="change-when">{(ctx.t().client.change_by)(&platform::local_when(&change.at), &change.by)}</p>
                    {change.merged_from.as_ref().map(|_| view! { <p><strong>{tr(|s| s.client.change_merged)}</strong></p> })}
                    <ul>
                        {change.fields.iter().map(|f| {
                            let label = i18n::card_field_label(lang, &f.field);
                            if f.from.is_empty() && f.to.is_empty() {
                                view! { <li>{label} ": " {ctx.t().client.change_erased}</li> }.into_any()
                            } else {
                                view! {
                                    <li>
                                        {label} ": " {i18n::card_field_value(lang, &f.field, &f.from)} " → "
                                        <strong>{i18n::card_field_value(lang, &f.field, &f.to)}</strong>
                                    </li>
                                }.into_any()
                            }
                        }).collect_view()}
                    </ul>
                </li>
            }).collect_view()}
        </ol>
    }
}

#[component]
fn AppealItem(appeal: Appeal) -> impl IntoView {
    let ctx = use_ctx();
    let deadlines = appeal.deadlines(&crate::web::device::days_off(ctx));
    let slip = appeal.referral.as_ref().map(|_| Route::Slip(appeal.id.clone()).href());
    let checked = ctx.data.checklists().with_untracked(|checklists| checklists.contains_key(&appeal.id));
    let withdrawn = ctx
        .data
        .clients()
        .with_untracked(|clients| clients.get(&appeal.client_id).is_none_or(|c| c.personal.is_none()));
    let checklist = (checked || (appeal.aid != AidKind::NotLegalAid && !withdrawn))
        .then(|| (Route::Checklist(appeal.id.clone()).href(), checked));
    let editable = !withdrawn && !appeal.is_scrubbed();
    let edit = editable.then(|| Route::EditAppeal(appeal.id.clone()).href());
    let due = editable && appeal.follow_up.is_some() && appeal.follow_up_done.is_none();
    let done_at = appeal.follow_up_done.clone();
    let overdue = due
        && appeal.follow_up.as_deref().and_then(crate::domain::date::Date::parse_iso).is_some_and(|d| d < platform::today());
    let error = RwSignal::new(None::<StoreError>);
    let appeal_id = StoredValue::new(appeal.id.clone());
    // The follow-up marked done on the appeal as stored (not this tab's copy), on the revision read.
    let mark_done = move |_| {
        let store = match ctx.store_or_err() {
            Ok(s) => s,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        let id = appeal_id.get_value();
        spawn_local(async move {
            let now = platform::now_iso();
            let result = async {
                let Some((stored, rev)) = data::read_appeal(&store, &id).await? else { return Ok(None) };
                let Some(next) = stored.follow_up_marked_done(&ctx.worker(), &now) else { return Ok(Some(stored)) };
                data::save_appeal_change(ctx, &store, &next, rev, &now).await?;
                Ok::<_, StoreError>(Some(next))
            }
            .await;
            match result {
                Ok(Some(next)) => data::remember_appeal(ctx, next),
                Ok(None) => {}
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let changes = appeal.history.clone();
    let a = appeal.clone();
    view! {
        <li class="history-item">
            <p class="history-head">
                <strong>{when(&a.received_at)}</strong>
                " · " {move || i18n::channel(ctx.lang.get(), a.channel)}
                " · " {a.area.clone()}
            </p>
            <p><span class="badge">{move || i18n::aid_text(appeal.aid)(ctx.t())}</span></p>
            {(!appeal.account.is_empty()).then(|| view! { <p>{appeal.account.clone()}</p> })}
            {(!appeal.outcome.is_empty()).then(|| view! { <p class="muted">{appeal.outcome.clone()}</p> })}
            {appeal.referral.clone().map(|r| view! {
                <p>{tr(|s| s.client.referred_to)} " " <strong>{r.organisation.name.clone()}</strong></p>
            })}
            {deadlines.map(|d| view! {
                <p class="deadline">{move || (ctx.t().intake.deadline_text)(&d.answer_by.dotted(), &d.at_most.dotted())}</p>
            })}
            {appeal.follow_up.clone().map(|f| view! {
                <p>
                    {tr(|s| s.intake.follow_up)} ": " {dotted(&f)}
                    {done_at.clone().map(|at| view! { " · " <span class="badge">{move || (ctx.t().client.follow_up_done_on)(&platform::local_when(&at))}</span> })}
                    {overdue.then(|| view! { " · " <span class="badge badge-warn">{tr(|s| s.home.overdue)}</span> })}
                </p>
            })}
            {(!changes.is_empty()).then(|| view! { <AppealChanges changes=changes.clone()/> })}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p> })}
            <div class="form-actions">
                {edit.map(|href| view! { <a class="btn btn-secondary" href=href>{tr(|s| s.client.appeal_edit)}</a> })}
                {due.then(|| view! {
                    <button type="button" class="btn btn-secondary" on:click=mark_done>{tr(|s| s.client.follow_up_done)}</button>
                })}
                {slip.map(|href| view! { <a class="btn btn-secondary" href=href>{tr(|s| s.client.slip_open)}</a> })}
                {checklist.map(|(href, exists)| view! {
                    <a class="btn btn-secondary" href=href>
                        {tr(if exists { |s| s.eligibility.open_existing } else { |s| s.eligibility.open })}
                    </a>
                })}
            </div>
            {(appeal.aid == AidKind::NotLegalAid).then(|| view! { <p class="muted">{tr(|s| s.intake.not_legal_aid_note)}</p> })}
        </li>
    }
}

#[component]
fn ConsentSection(client: Client, appeals: Memo<Vec<Appeal>>) -> impl IntoView {
    let ctx = use_ctx();
    let asking = RwSignal::new(false);
    let drafts = RwSignal::new(0usize);
    let files = RwSignal::new(0usize);
    // The client's appeals as the store holds them (another tab may have added one this tab has not seen).
    let stored_appeals = RwSignal::new(None::<Vec<Appeal>>);
    let error = RwSignal::new(None::<StoreError>);
    let busy = RwSignal::new(false);
    let consent = client.consent.clone();
    let form = move || match consent.form {
        ConsentForm::Oral => ctx.t().intake.consent_oral,
        ConsentForm::Written => ctx.t().intake.consent_written,
    };
    let given = [
        consent.given_at.get(0..10).map(dotted).unwrap_or_default(),
        consent.taken_by.clone(),
        format!("{} ({})", consent.text_version, consent.text_lang),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" · ");
    let withdrawn = consent.withdrawn_at.clone();
    let c1 = client.clone();
    let ask = move |_| {
        let store = match ctx.store_or_err() {
            Ok(s) => s,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        let id = c1.id.clone();
        spawn_local(async move {
            let found = async {
                let d = store.find(Collection::Drafts, IndexName::ByClient, &id).await?;
                let list = store
                    .find(Collection::Appeals, IndexName::ByClient, &id)
                    .await?
                    .iter()
                    .map(crate::storage::codec::decode::<Appeal>)
                    .collect::<Result<Vec<_>, _>>()?;
                let f = erasure::files_carrying(&store, &id, &list).await?;
                Ok::<_, StoreError>((d.len(), f.len(), list))
            };
            match found.await {
                Ok((d, f, list)) => {
                    drafts.try_set(d);
                    files.try_set(f);
                    stored_appeals.try_set(Some(list));
                    asking.try_set(true);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let c2 = client.clone();
    let confirm = move |_| {
        let store = match ctx.store_or_err() {
            Ok(s) => s,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        let client = c2.clone();
        busy.set(true);
        spawn_local(async move {
            match erasure::withdraw(&store, &client.id, &platform::now_iso(), &untrack(|| ctx.worker())).await {
                Ok(done) => {
                    audit::note(ctx, AuditAction::Withdrawal, Some(&client.id), None).await;
                    data::remember_erasure(ctx, done.erasure);
                    for b in done.batches {
                        data::remember_batch(ctx, b);
                    }
                    asking.try_set(false);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };
    let c3 = client.clone();
    let preview = Memo::new(move |_| {
        let list = stored_appeals.get().unwrap_or_else(|| appeals.get());
        erasure_preview(&c3, &list, drafts.get(), files.get())
    });
    view! {
        <section class="card" aria-labelledby="consent-h">
            <h2 id="consent-h">{tr(|s| s.client.consent_section)}</h2>
            <dl class="facts">
                <dt>{tr(|s| s.intake.consent_how)}</dt><dd>{form}</dd>
                <dt>{tr(|s| s.client.consent_given_label)}</dt><dd>{given}</dd>
            </dl>
            {match withdrawn {
                Some(at) => view! {
                    <p class="notice" data-testid="consent-withdrawn">{move || (ctx.t().client.consent_withdrawn_on)(&at.get(0..10).map(dotted).unwrap_or_default())}</p>
                }.into_any(),
                None => view! {
                    <Show when=move || !asking.get()>
                        <button type="button" class="btn btn-danger" on:click=ask.clone()>{tr(|s| s.client.withdraw)}</button>
                    </Show>
                    <Show when=move || asking.get()>
                        <div class="banner banner-error banner-block" role="alertdialog" aria-labelledby="withdraw-h" aria-describedby="withdraw-list">
                            <p class="banner-title" id="withdraw-h">{tr(|s| s.client.withdraw_title)}</p>
                            <ul id="withdraw-list" data-testid="erasure-preview">
                                <li>{tr(|s| s.client.withdraw_card)}</li>
                                <li>{move || i18n::count(ctx.lang.get(), preview.get().appeals as u64, &ctx.t().client.withdraw_appeals)}</li>
                                <li>{move || i18n::count(ctx.lang.get(), preview.get().drafts as u64, &ctx.t().client.withdraw_drafts)}</li>
                                <li>{move || i18n::count(ctx.lang.get(), preview.get().files as u64, &ctx.t().client.withdraw_files)}</li>
                            </ul>
                            <p>{tr(|s| s.client.withdraw_keeps)}</p>
                            <div class="form-actions">
                                <button type="button" class="btn btn-secondary" on:click=move |_| asking.set(false)>{tr(|s| s.cancel)}</button>
                                <button type="button" class="btn btn-danger" disabled=move || busy.get() on:click=confirm.clone()>
                                    {tr(|s| s.client.withdraw_confirm)}
                                </button>
                            </div>
                        </div>
                    </Show>
                }.into_any(),
            }}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p> })}
        </section>
    }
}
