//! New intake: search first, then consent, the card, and the appeal (guide 3.1–3.3). The whole intake lives in a
//! draft saved as it is typed; reopening the app offers it back.

use leptos::prelude::*;

use crate::web::data::DataStoreFields;
use leptos::task::spawn_local;

use crate::domain::appeal::{AidKind, AppealField, AppealForm, AppealProblem, Channel};
use crate::domain::client::{CardField, CardForm, CardProblem, Client, Consent, ConsentForm, CONSENT_TEXT_VERSION};
use crate::domain::date::Date;
use crate::domain::intake::{IntakeDraft, Step, INTAKE_DRAFT_ID};
use crate::domain::search::Likeness;
use crate::i18n::{self, Lang, Strings};
use crate::nav::Route;
use crate::storage::{self, Collection, Store, StoreError, WriteBatch};
use crate::web::app::{new_id, use_ctx, Ctx};
use crate::web::data;
use crate::web::drafts::{autosave, Autosave};
use crate::web::form::{tr, CheckBox, RadioGroup, Select, Text, TextArea, TextInput};
use crate::web::platform;

use super::client::ClientSummary;

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Loading,
    /// A saved draft is waiting: continue it or start anew.
    Offer(Box<IntakeDraft>),
    Editing,
}

/// A field of the draft as a (value, setter) pair for a form control.
fn lens(
    draft: RwSignal<IntakeDraft>,
    get: fn(&IntakeDraft) -> &String,
    set: fn(&mut IntakeDraft, String),
) -> (Signal<String>, Callback<String>) {
    (Signal::derive(move || draft.with(|d| get(d).clone())), Callback::new(move |v| draft.update(|d| set(d, v))))
}

fn flag(
    draft: RwSignal<IntakeDraft>,
    get: fn(&IntakeDraft) -> bool,
    set: fn(&mut IntakeDraft, bool),
) -> (Signal<bool>, Callback<bool>) {
    (Signal::derive(move || draft.with(get)), Callback::new(move |v| draft.update(|d| set(d, v))))
}

fn fresh_draft(ctx: Ctx) -> IntakeDraft {
    let mut d = IntakeDraft::new();
    d.consent_by = untrack(|| ctx.worker());
    d.appeal.received_at = platform::now_local();
    d.card.language = ctx.t().default_language.into();
    d
}

#[component]
pub fn IntakeScreen() -> impl IntoView {
    let ctx = use_ctx();
    let phase = RwSignal::new(Phase::Loading);
    let draft = RwSignal::new(IntakeDraft::new());
    let editing = RwSignal::new(false);
    let saver = autosave(ctx, draft, editing, |_, d: &mut IntakeDraft, now| d.updated_at = now.to_owned(), |_, _| {});
    let load_error = RwSignal::new(None::<StoreError>);

    // Load the saved draft once the store is open; a draft with content is offered, never silently replaced.
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        ctx.data_ready.track();
        if started.get_value() || !ctx.data_ready.get_untracked() {
            return;
        }
        let Some(store) = ctx.store() else { return };
        started.set_value(true);
        spawn_local(async move {
            match storage::load::<IntakeDraft>(&store, INTAKE_DRAFT_ID).await {
                Ok(Some(saved)) if saved.has_content() => {
                    phase.try_set(Phase::Offer(Box::new(saved)));
                }
                Ok(_) => begin_fresh(ctx, draft, editing, phase),
                Err(e) => {
                    load_error.try_set(Some(e));
                }
            }
        });
    });

    view! {
        <h1 tabindex="-1">{tr(|s| s.intake_title)}</h1>
        {move || load_error.get().map(|e| view! { <p class="error" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p> })}
        {move || match phase.get() {
            Phase::Loading => view! { <p>{ctx.t().loading}</p> }.into_any(),
            Phase::Offer(saved) => view! { <DraftOffer saved=*saved draft=draft phase=phase editing=editing/> }.into_any(),
            Phase::Editing => view! { <IntakeSteps draft=draft saver=saver/> }.into_any(),
        }}
    }
}

/// Starts an empty intake, or one for the client whose "new appeal" was asked for.
fn begin_fresh(ctx: Ctx, draft: RwSignal<IntakeDraft>, editing: RwSignal<bool>, phase: RwSignal<Phase>) {
    let mut d = fresh_draft(ctx);
    if let Some(pending) = ctx.pending_intake.try_update(Option::take).flatten() {
        d.client_id = Some(pending);
        d.step = Step::Appeal;
    }
    draft.try_set(d);
    editing.try_set(true);
    phase.try_set(Phase::Editing);
}

#[component]
fn DraftOffer(
    saved: IntakeDraft,
    draft: RwSignal<IntakeDraft>,
    phase: RwSignal<Phase>,
    editing: RwSignal<bool>,
) -> impl IntoView {
    let ctx = use_ctx();
    let error = RwSignal::new(None::<StoreError>);
    let when = platform::local_time_of(&saved.updated_at);
    let who = {
        let typed = [saved.card.surname.trim(), saved.card.given_name.trim()].join(" ").trim().to_owned();
        let existing = saved.client_id.as_ref().and_then(|id| {
            ctx.data
                .clients()
                .with_untracked(|clients| clients.get(id).and_then(|c| c.personal.as_ref().map(|p| p.full_name())))
        });
        existing.unwrap_or(typed)
    };
    let keep = saved.clone();
    let resume = move |_| {
        // The unfinished intake wins; a "new appeal" asked for meanwhile is dropped, not applied later by surprise.
        ctx.pending_intake.set(None);
        draft.set(keep.clone());
        editing.set(true);
        phase.set(Phase::Editing);
    };
    let discard = move |_| {
        let Some(store) = ctx.store() else { return };
        spawn_local(async move {
            // Only a committed delete lets the form start empty; otherwise the draft stays offered.
            match store.write(WriteBatch::new().delete(Collection::Drafts, INTAKE_DRAFT_ID)).await {
                Ok(()) => begin_fresh(ctx, draft, editing, phase),
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <section class="card card-attention" role="region" aria-labelledby="offer-h">
            <h2 id="offer-h">{tr(|s| s.draft_found)}</h2>
            <p>{move || (ctx.t().draft_saved_at)(&when)}</p>
            {(!who.is_empty()).then(|| view! { <p class="figures">{who.clone()}</p> })}
            <div class="form-actions">
                <button type="button" class="btn btn-primary" on:click=resume>{tr(|s| s.draft_continue)}</button>
                <button type="button" class="btn btn-secondary" on:click=discard>{tr(|s| s.draft_discard)}</button>
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
        (Step::Search, |s| s.step_search),
        (Step::Consent, |s| s.step_consent),
        (Step::Card, |s| s.step_card),
        (Step::Appeal, |s| s.step_appeal),
    ];
    view! {
        <ol class="steps" aria-label=tr(|s| s.steps_label)>
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
            {move || match (saver.error.get(), saver.saved_at.get()) {
                (Some(e), _) => format!("{} {}", ctx.t().draft_not_saved, i18n::store_error(ctx.lang.get(), &e)),
                (None, Some(at)) => (ctx.t().draft_saved)(&platform::local_time_of(&at)),
                (None, None) => String::new(),
            }}
        </p>
        {move || match step.get() {
            Step::Search => view! { <SearchStep draft=draft/> }.into_any(),
            Step::Consent => view! { <ConsentStep draft=draft/> }.into_any(),
            Step::Card => view! { <CardStep draft=draft/> }.into_any(),
            Step::Appeal => view! { <AppealStep draft=draft saver=saver/> }.into_any(),
        }}
    }
}

/// Step 1: find an existing card before making a new one.
#[component]
fn SearchStep(draft: RwSignal<IntakeDraft>) -> impl IntoView {
    let ctx = use_ctx();
    let (query, set_query) = lens(draft, |d| &d.query, |d, v| d.query = v);
    let hits = Memo::new(move |_| {
        let q = query.get();
        ctx.data.index().with(|index| index.search(&q, 20).into_iter().map(|h| h.id).collect::<Vec<_>>())
    });
    let register = move |_| {
        draft.update(|d| {
            if d.card.surname.is_empty() && d.card.given_name.is_empty() {
                prefill_from_query(&mut d.card, &d.query);
            }
            d.client_id = None;
            d.step = Step::Consent;
        });
    };
    view! {
        <section class="card" aria-labelledby="search-h">
            <h2 id="search-h">{tr(|s| s.search_title)}</h2>
            <div class="field field-wide">
                <label for="client-search">{tr(|s| s.search_label)}</label>
                <p class="hint" id="client-search-hint">{tr(|s| s.search_hint)}</p>
                <input id="client-search" type="search" autocomplete="off" aria-describedby="client-search-hint"
                    prop:value=move || query.get() on:input=move |ev| set_query.run(event_target_value(&ev))/>
            </div>
            <div aria-live="polite" data-testid="search-results">
                {move || {
                    let ids = hits.get();
                    if query.get().trim().is_empty() {
                        None
                    } else if ids.is_empty() {
                        Some(view! { <p class="muted">{ctx.t().search_nothing}</p> }.into_any())
                    } else {
                        Some(view! {
                            <p class="muted">{i18n::count(ctx.lang.get(), ids.len() as u64, &ctx.t().found_cards)}</p>
                            <ul class="results">
                                {ids.into_iter().map(|id| view! { <SearchHit id=id draft=draft/> }).collect_view()}
                            </ul>
                        }.into_any())
                    }
                }}
            </div>
            <button type="button" class="btn btn-primary" on:click=register>{tr(|s| s.register_new)}</button>
        </section>
    }
}

/// Words of a search become the new card's names; a date becomes the birth date.
fn prefill_from_query(card: &mut CardForm, query: &str) {
    let mut names = Vec::new();
    for w in query.split_whitespace() {
        if Date::parse_human(w).is_some() {
            card.birth_date = w.to_owned();
        } else if w.chars().any(char::is_alphabetic) {
            names.push(w.to_owned());
        }
    }
    let mut it = names.into_iter();
    card.surname = it.next().unwrap_or_default();
    card.given_name = it.next().unwrap_or_default();
    card.patronymic = it.next().unwrap_or_default();
}

#[component]
fn SearchHit(id: String, draft: RwSignal<IntakeDraft>) -> impl IntoView {
    let ctx = use_ctx();
    let client = ctx.data.clients().with_untracked(|clients| clients.get(&id).cloned());
    let Some(client) = client else { return ().into_any() };
    let name = client.personal.as_ref().map(|p| p.full_name()).unwrap_or_default();
    let id2 = id.clone();
    let pick = move |_| {
        let id = id2.clone();
        draft.update(|d| {
            d.client_id = Some(id);
            d.step = Step::Appeal;
        });
    };
    let label = name.clone();
    view! {
        <li class="result">
            <ClientSummary client=client/>
            <div class="result-actions">
                <button type="button" class="btn btn-primary" on:click=pick
                    aria-label=move || format!("{}: {}", ctx.t().new_appeal_for, label)>
                    {tr(|s| s.new_appeal_for)}
                </button>
                <a class="btn btn-secondary" href=Route::Client(id.clone()).href()
                    aria-label=move || format!("{}: {}", ctx.t().open_card, name)>
                    {tr(|s| s.open_card)}
                </a>
            </div>
        </li>
    }
    .into_any()
}

/// Step 2: the consent text is read aloud; the worker records how it was given.
#[component]
fn ConsentStep(draft: RwSignal<IntakeDraft>) -> impl IntoView {
    let ctx = use_ctx();
    let (form, set_form) = lens(draft, |d| &d.consent_form, |d, v| d.consent_form = v);
    let (by, set_by) = lens(draft, |d| &d.consent_by, |d, v| d.consent_by = v);
    let problem = RwSignal::new(None::<String>);
    let by_problem = RwSignal::new(None::<String>);
    let next = move |_| {
        let form_ok = !form.get_untracked().is_empty();
        let by_ok = !by.get_untracked().trim().is_empty();
        problem.set((!form_ok).then(|| ctx.t().consent_choose.to_owned()));
        by_problem.set((!by_ok).then(|| ctx.t().p_required.to_owned()));
        if form_ok && by_ok {
            draft.update(|d| d.step = Step::Card);
        }
    };
    view! {
        <section class="card" aria-labelledby="consent-h">
            <h2 id="consent-h">{tr(|s| s.consent_title)}</h2>
            <p>{tr(|s| s.consent_read_aloud)}</p>
            <blockquote class="consent-text" data-testid="consent-text">
                {move || ctx.t().consent_text.iter().map(|p| view! { <p>{*p}</p> }).collect_view()}
            </blockquote>
            <p class="muted">{move || (ctx.t().consent_version)(CONSENT_TEXT_VERSION)}</p>
            <RadioGroup name="consent-form" legend=|s| s.consent_how
                options=vec![("oral", |s: &Strings| s.consent_oral), ("written", |s: &Strings| s.consent_written)]
                value=form on_change=set_form problem=problem required=true/>
            <TextInput id="consent-by" label=|s| s.consent_by hint=|s| s.consent_by_hint value=by on_input=set_by
                required=true problem=by_problem/>
            <div class="form-actions">
                <button type="button" class="btn btn-secondary" on:click=move |_| draft.update(|d| d.step = Step::Search)>
                    {tr(|s| s.back)}
                </button>
                <button type="button" class="btn btn-primary" on:click=next>{tr(|s| s.consent_given)}</button>
            </div>
        </section>
    }
}

/// The message for one field out of a list of (field, problem), in the current language.
fn problem_of<F, P>(problems: RwSignal<Vec<(F, P)>>, field: F, text: fn(Lang, P) -> String) -> Signal<Option<String>>
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

fn card_problem_signal(problems: RwSignal<Vec<(CardField, CardProblem)>>, field: CardField) -> Signal<Option<String>> {
    problem_of(problems, field, i18n::card_problem)
}

/// Step 3: the registration card, with likely existing cards shown as it is typed.
#[component]
fn CardStep(draft: RwSignal<IntakeDraft>) -> impl IntoView {
    let ctx = use_ctx();
    let problems = RwSignal::new(Vec::<(CardField, CardProblem)>::new());
    let duplicates = RwSignal::new(Vec::<(String, Likeness)>::new());
    let confirmed_new = RwSignal::new(false);
    let saving = RwSignal::new(false);
    let save_error = RwSignal::new(None::<StoreError>);

    // Likely existing cards, live: by name as typed, and by the stronger signs (tax number, birth date, phone).
    let live = Memo::new(move |_| {
        let card = draft.with(|d| d.card.clone());
        let query = format!("{} {}", card.surname, card.given_name);
        ctx.data.index().with(|index| {
            let mut ids: Vec<String> = if card.surname.trim().chars().count() >= 2 {
                index.search(&query, 5).into_iter().map(|h| h.id).collect()
            } else {
                vec![]
            };
            if let Ok(p) = lenient_personal(&card) {
                for (id, _) in index.likely_duplicates(&p, None) {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
            ids
        })
    });

    let save = move |_| {
        let card = draft.with_untracked(|d| d.card.clone());
        let personal = match card.validate(platform::today()) {
            Ok(p) => p,
            Err(ps) => {
                problems.set(ps);
                duplicates.set(vec![]);
                focus_first_problem();
                return;
            }
        };
        problems.set(vec![]);
        let dups = ctx.data.index().with_untracked(|index| index.likely_duplicates(&personal, None));
        if !dups.is_empty() && !confirmed_new.get_untracked() {
            duplicates.set(dups);
            return;
        }
        let store = match ctx.store_or_err() {
            Ok(s) => s,
            Err(e) => {
                save_error.set(Some(e));
                return;
            }
        };
        let (id, consent) = match (new_id(), consent_now(ctx, draft)) {
            (Ok(id), Some(c)) => (id, c),
            (Err(e), _) => {
                save_error.set(Some(e));
                return;
            }
            (_, None) => {
                draft.update(|d| d.step = Step::Consent);
                return;
            }
        };
        let now = platform::now_iso();
        let client =
            Client { id: id.clone(), created_at: now.clone(), consent, personal: Some(personal), purged_at: None };
        let mut next = draft.get_untracked();
        next.client_id = Some(id);
        next.step = Step::Appeal;
        saving.set(true);
        spawn_local(async move {
            match data::create_client(&store, &client, &next, &now).await {
                Ok(()) => {
                    data::remember_client(ctx, client);
                    draft.try_set(next);
                }
                Err(e) => {
                    save_error.try_set(Some(e));
                }
            }
            saving.try_set(false);
        });
    };

    let c = |get: fn(&CardForm) -> &String, set: fn(&mut CardForm, String)| {
        (
            Signal::derive(move || draft.with(|d| get(&d.card).clone())),
            Callback::new(move |v| draft.update(|d| set(&mut d.card, v))),
        )
    };
    let b = |get: fn(&CardForm) -> bool, set: fn(&mut CardForm, bool)| {
        (
            Signal::derive(move || draft.with(|d| get(&d.card))),
            Callback::new(move |v| draft.update(|d| set(&mut d.card, v))),
        )
    };
    let (surname, set_surname) = c(|f| &f.surname, |f, v| f.surname = v);
    let (given, set_given) = c(|f| &f.given_name, |f, v| f.given_name = v);
    let (patronymic, set_patronymic) = c(|f| &f.patronymic, |f, v| f.patronymic = v);
    let (birth, set_birth) = c(|f| &f.birth_date, |f, v| f.birth_date = v);
    let (sex, set_sex) = c(|f| &f.sex, |f, v| f.sex = v);
    let (phones, set_phones) = c(|f| &f.phones, |f, v| f.phones = v);
    let (email, set_email) = c(|f| &f.email, |f, v| f.email = v);
    let (address, set_address) = c(|f| &f.address, |f, v| f.address = v);
    let (reg_address, set_reg_address) = c(|f| &f.registration_address, |f, v| f.registration_address = v);
    let (no_address, set_no_address) = b(|f| f.no_fixed_address, |f, v| f.no_fixed_address = v);
    let (doc_kind, set_doc_kind) = c(|f| &f.document_kind, |f, v| f.document_kind = v);
    let (doc_series, set_doc_series) = c(|f| &f.document_series, |f, v| f.document_series = v);
    let (doc_number, set_doc_number) = c(|f| &f.document_number, |f, v| f.document_number = v);
    let (no_docs, set_no_docs) = b(|f| f.no_documents, |f, v| f.no_documents = v);
    let (tax, set_tax) = c(|f| &f.tax_number, |f, v| f.tax_number = v);
    let (tax_refused, set_tax_refused) = b(|f| f.tax_refused, |f, v| f.tax_refused = v);
    let (language, set_language) = c(|f| &f.language, |f, v| f.language = v);
    let (n_read, set_n_read) = b(|f| f.needs.cannot_read_write, |f, v| f.needs.cannot_read_write = v);
    let (n_hear, set_n_hear) = b(|f| f.needs.hearing, |f, v| f.needs.hearing = v);
    let (n_see, set_n_see) = b(|f| f.needs.vision, |f, v| f.needs.vision = v);
    let (n_move, set_n_move) = b(|f| f.needs.mobility, |f, v| f.needs.mobility = v);

    let sex_options = Signal::derive(move || {
        let s = ctx.t();
        vec![
            ("".into(), s.sex_unspecified.into()),
            ("female".into(), s.sex_female.into()),
            ("male".into(), s.sex_male.into()),
        ]
    });
    let doc_options = Signal::derive(move || {
        let s = ctx.t();
        let mut v = vec![(String::new(), s.choose.to_owned())];
        v.extend(s.document_kinds.iter().map(|(code, text)| ((*code).to_owned(), (*text).to_owned())));
        v
    });
    let warnings = Signal::derive(move || draft.with(|d| d.card.warnings()));

    view! {
        <form class="card" aria-labelledby="card-h" novalidate on:submit=|ev| ev.prevent_default()>
            <h2 id="card-h">{tr(|s| s.card_title)}</h2>
            <p class="muted">{tr(|s| s.required_note)}</p>
            <div class="card-layout">
                    <fieldset class="group">
                        <legend>{tr(|s| s.group_person)}</legend>
                        <TextInput id="surname" label=|s| s.surname value=surname on_input=set_surname required=true
                            problem=card_problem_signal(problems, CardField::Surname)/>
                        <TextInput id="given-name" label=|s| s.given_name value=given on_input=set_given required=true
                            problem=card_problem_signal(problems, CardField::GivenName)/>
                        <TextInput id="patronymic" label=|s| s.patronymic value=patronymic on_input=set_patronymic/>
                        <TextInput id="birth-date" label=|s| s.birth_date hint=|s| s.birth_date_hint value=birth
                            on_input=set_birth required=true inputmode="numeric"
                            problem=card_problem_signal(problems, CardField::BirthDate)/>
                        <Select id="sex" label=|s| s.sex options=sex_options value=sex on_change=set_sex/>
                    </fieldset>
                    <aside class="similar" aria-labelledby="similar-h" data-testid="similar-cards">
                        <h3 id="similar-h">{tr(|s| s.similar_title)}</h3>
                        {move || {
                            let ids = live.get();
                            if ids.is_empty() {
                                view! { <p class="muted">{ctx.t().similar_none}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="results compact">
                                        {ids.into_iter().map(|id| view! { <SearchHit id=id draft=draft/> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }
                        }}
                    </aside>
                    <fieldset class="group">
                        <legend>{tr(|s| s.group_contacts)}</legend>
                        <TextInput id="phones" label=|s| s.phones hint=|s| s.phones_hint value=phones on_input=set_phones
                            kind="tel" inputmode="tel" problem=card_problem_signal(problems, CardField::Phones)/>
                        <TextInput id="email" label=|s| s.email value=email on_input=set_email kind="email"
                            inputmode="email" problem=card_problem_signal(problems, CardField::Email)/>
                    </fieldset>
                    <fieldset class="group">
                        <legend>{tr(|s| s.group_address)}</legend>
                        <TextInput id="address" label=|s| s.address value=address on_input=set_address
                            disabled=no_address problem=card_problem_signal(problems, CardField::Address)/>
                        <CheckBox id="no-address" label=|s| s.no_fixed_address checked=no_address on_change=set_no_address/>
                        <TextInput id="registration-address" label=|s| s.registration_address value=reg_address
                            on_input=set_reg_address/>
                    </fieldset>
                    <fieldset class="group">
                        <legend>{tr(|s| s.group_document)}</legend>
                        <Select id="document-kind" label=|s| s.document_kind options=doc_options value=doc_kind
                            on_change=set_doc_kind/>
                        <TextInput id="document-series" label=|s| s.document_series value=doc_series
                            on_input=set_doc_series disabled=no_docs/>
                        <TextInput id="document-number" label=|s| s.document_number value=doc_number
                            on_input=set_doc_number disabled=no_docs problem=card_problem_signal(problems, CardField::Document)/>
                        <CheckBox id="no-documents" label=|s| s.no_documents checked=no_docs on_change=set_no_docs/>
                        <TextInput id="tax-number" label=|s| s.tax_number hint=|s| s.tax_number_hint value=tax
                            on_input=set_tax inputmode="numeric" disabled=tax_refused
                            problem=card_problem_signal(problems, CardField::TaxNumber)/>
                        <CheckBox id="tax-refused" label=|s| s.tax_refused checked=tax_refused on_change=set_tax_refused/>
                        {move || warnings.get().into_iter().map(|w| view! {
                            <p class="warn-line" role="note">{i18n::card_warning(ctx.lang.get(), w)}</p>
                        }).collect_view()}
                    </fieldset>
                    <fieldset class="group">
                        <legend>{tr(|s| s.group_needs)}</legend>
                        <TextInput id="language" label=|s| s.language value=language on_input=set_language/>
                        <CheckBox id="need-read" label=|s| s.need_read_write checked=n_read on_change=set_n_read/>
                        <CheckBox id="need-hearing" label=|s| s.need_hearing checked=n_hear on_change=set_n_hear/>
                        <CheckBox id="need-vision" label=|s| s.need_vision checked=n_see on_change=set_n_see/>
                        <CheckBox id="need-mobility" label=|s| s.need_mobility checked=n_move on_change=set_n_move/>
                    </fieldset>
                    <RepresentativePicker draft=draft/>

            </div>
            <Show when=move || !duplicates.get().is_empty()>
                <div class="banner banner-warn banner-block" role="alert" data-testid="duplicate-warning">
                    <p class="banner-title">{tr(|s| s.duplicate_title)}</p>
                    <p>{tr(|s| s.duplicate_explain)}</p>
                    <ul class="results compact">
                        {move || duplicates.get().into_iter().map(|(id, why)| view! {
                            <li>
                                <p class="muted">{i18n::likeness(ctx.lang.get(), why)}</p>
                                <SearchHit id=id draft=draft/>
                            </li>
                        }).collect_view()}
                    </ul>
                    <button type="button" class="btn btn-secondary" on:click=move |ev| {
                        confirmed_new.set(true);
                        duplicates.set(vec![]);
                        save(ev);
                    }>{tr(|s| s.duplicate_save_anyway)}</button>
                </div>
            </Show>
            {move || save_error.get().map(|e| view! { <p class="error" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p> })}
            <Show when=move || !problems.get().is_empty()>
                <p class="error" role="alert">{tr(|s| s.card_fix)}</p>
            </Show>
            <div class="form-actions">
                <button type="button" class="btn btn-secondary" on:click=move |_| draft.update(|d| d.step = Step::Consent)>
                    {tr(|s| s.back)}
                </button>
                <button type="button" class="btn btn-primary" disabled=move || saving.get() on:click=save>
                    {tr(|s| s.save_card)}
                </button>
            </div>
        </form>
    }
}

/// A card built from what is typed so far, for spotting duplicates before the card is complete.
fn lenient_personal(card: &CardForm) -> Result<crate::domain::client::Personal, ()> {
    let filled = CardForm {
        surname: if card.surname.trim().is_empty() { return Err(()) } else { card.surname.clone() },
        given_name: if card.given_name.trim().is_empty() { "-".into() } else { card.given_name.clone() },
        birth_date: if Date::parse_human(&card.birth_date).is_some() {
            card.birth_date.clone()
        } else {
            "01.01.1900".into()
        },
        phones: card
            .phones
            .split(',')
            .filter(|p| crate::domain::validate::normalise_phone(p).is_ok())
            .collect::<Vec<_>>()
            .join(","),
        email: String::new(),
        no_fixed_address: true,
        no_documents: true,
        tax_number: if crate::domain::validate::check_tax_number(&card.tax_number).is_ok() {
            card.tax_number.clone()
        } else {
            String::new()
        },
        tax_refused: true,
        ..card.clone()
    };
    let mut p = filled.validate(platform::today()).map_err(|_| ())?;
    if p.birth_date == "1900-01-01" {
        p.birth_date = String::new();
    }
    Ok(p)
}

fn consent_now(ctx: Ctx, draft: RwSignal<IntakeDraft>) -> Option<Consent> {
    let form = match draft.with_untracked(|d| d.consent_form.clone()).as_str() {
        "oral" => ConsentForm::Oral,
        "written" => ConsentForm::Written,
        _ => return None,
    };
    Some(Consent {
        text_version: CONSENT_TEXT_VERSION.into(),
        text_lang: ctx.lang.get_untracked().code().into(),
        form,
        given_at: platform::now_iso(),
        taken_by: {
            let by = draft.with_untracked(|d| d.consent_by.trim().to_owned());
            if by.is_empty() {
                untrack(|| ctx.worker())
            } else {
                by
            }
        },
        withdrawn_at: None,
        withdrawn_by: None,
    })
}

fn focus_first_problem() {
    request_animation_frame(|| {
        if let Some(el) = document().query_selector("[aria-invalid='true']").ok().flatten() {
            if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                let _ = el.focus();
            }
        }
    });
}

/// The legal representative: another card, found by search.
#[component]
fn RepresentativePicker(draft: RwSignal<IntakeDraft>) -> impl IntoView {
    let ctx = use_ctx();
    let query = RwSignal::new(String::new());
    let chosen = Memo::new(move |_| {
        let id = draft.with(|d| d.card.representative_id.clone());
        (!id.is_empty())
            .then(|| {
                ctx.data
                    .clients()
                    .with(|clients| clients.get(&id).and_then(|c| c.personal.as_ref().map(|p| p.full_name())))
            })
            .flatten()
    });
    let hits = Memo::new(move |_| {
        let q = query.get();
        if q.trim().chars().count() < 2 {
            return vec![];
        }
        ctx.data.with_untracked(|d| {
            d.index
                .search(&q, 5)
                .into_iter()
                .filter_map(|h| {
                    d.clients.get(&h.id).and_then(|c| c.personal.as_ref().map(|p| (h.id.clone(), p.full_name())))
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <fieldset class="group">
            <legend>{tr(|s| s.representative)}</legend>
            <p class="hint">{tr(|s| s.representative_hint)}</p>
            {move || match chosen.get() {
                Some(name) => view! {
                    <p class="figures">{name}</p>
                    <button type="button" class="btn btn-secondary"
                        on:click=move |_| draft.update(|d| d.card.representative_id.clear())>
                        {ctx.t().representative_remove}
                    </button>
                }.into_any(),
                None => view! {
                    <div class="field">
                        <label for="representative-search">{ctx.t().representative_search}</label>
                        <input id="representative-search" type="search" autocomplete="off"
                            prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
                    </div>
                    <ul class="results compact">
                        {move || hits.get().into_iter().map(|(id, name)| {
                            let label = name.clone();
                            view! {
                                <li class="result-row">
                                    <span>{name}</span>
                                    <button type="button" class="btn btn-secondary"
                                        aria-label=move || format!("{}: {}", ctx.t().representative_pick, label)
                                        on:click=move |_| {
                                            let id = id.clone();
                                            draft.update(|d| d.card.representative_id = id);
                                            query.set(String::new());
                                        }>
                                        {ctx.t().representative_pick}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </fieldset>
    }
}

fn appeal_problem_signal(
    problems: RwSignal<Vec<(AppealField, AppealProblem)>>,
    field: AppealField,
) -> Signal<Option<String>> {
    problem_of(problems, field, i18n::appeal_problem)
}

/// Step 4: the appeal, the kind of aid, and a referral if the question is for another organisation.
#[component]
fn AppealStep(draft: RwSignal<IntakeDraft>, saver: Autosave) -> impl IntoView {
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
        let day = Date::parse_iso(f.received_at.get(0..10)?)?;
        Some((crate::domain::date::add_working_days(day, 3, &[]), crate::domain::date::add_working_days(day, 10, &[])))
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
            match data::save_appeal(&store, &appeal, &platform::now_iso()).await {
                Ok(()) => {
                    data::remember_appeal(ctx, appeal);
                    ctx.flash.set(Some(ctx.t().appeal_saved.to_owned()));
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
            <h2 id="appeal-h">{tr(|s| s.appeal_title)}</h2>
            {move || client.get().map(|c| view! { <ClientSummary client=c/> })}
            <p class="muted">{tr(|s| s.required_note)}</p>
            <TextInput id="received-at" label=|s| s.received_at value=received on_input=set_received kind="datetime-local"
                required=true problem=appeal_problem_signal(problems, AppealField::ReceivedAt)/>
            <Select id="channel" label=|s| s.channel options=channel_options value=channel on_change=set_channel required=true
                problem=appeal_problem_signal(problems, AppealField::Channel)/>
            <TextInput id="location" label=|s| s.location hint=|s| s.location_hint value=location on_input=set_location/>
            <Select id="area" label=|s| s.area options=area_options value=area on_change=set_area required=true
                problem=appeal_problem_signal(problems, AppealField::Area)/>
            <TextArea id="account" label=|s| s.account hint=|s| s.account_hint value=account on_input=set_account required=true
                problem=appeal_problem_signal(problems, AppealField::Account)/>
            <RadioGroup name="aid" legend=|s| s.aid_legend options=aid_options value=aid on_change=set_aid required=true
                problem=appeal_problem_signal(problems, AppealField::Aid)/>
            <Show when=move || aid.get() == AidKind::Referral.code()>
                <fieldset class="group">
                    <legend>{tr(|s| s.referral_title)}</legend>
                    <p class="hint">{tr(|s| s.referral_hint)}</p>
                    <Select id="organisation" label=|s| s.organisation options=org_options value=org on_change=set_org
                        required=true problem=appeal_problem_signal(problems, AppealField::Organisation)/>
                    <a class="btn btn-secondary" href=Route::Directory.href()>{tr(|s| s.directory_open)}</a>
                    <TextInput id="referral-note" label=|s| s.referral_note value=note on_input=set_note/>
                </fieldset>
            </Show>
            <TextArea id="outcome" label=|s| s.outcome value=outcome on_input=set_outcome/>
            <TextInput id="follow-up" label=|s| s.follow_up value=follow_up on_input=set_follow_up kind="date"
                problem=appeal_problem_signal(problems, AppealField::FollowUp)/>
            <CheckBox id="written" label=|s| s.written_appeal checked=written on_change=set_written/>
            {move || deadlines.get().map(|(due, max)| view! {
                <p class="deadline" data-testid="deadlines">{(ctx.t().deadline_text)(&due.dotted(), &max.dotted())}</p>
            })}
            {move || save_error.get().map(|e| view! { <p class="error" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p> })}
            <Show when=move || !problems.get().is_empty()>
                <p class="error" role="alert">{tr(|s| s.card_fix)}</p>
            </Show>
            <div class="form-actions">
                <button type="button" class="btn btn-secondary" on:click=back>{tr(|s| s.back)}</button>
                <button type="button" class="btn btn-primary" disabled=move || saving.get() on:click=save>
                    {tr(|s| s.save_appeal)}
                </button>
            </div>
        </form>
    }
}
