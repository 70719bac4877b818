//! Step 3: the registration card, with likely existing cards shown as it is typed, and the legal representative.

use leptos::prelude::*;

use crate::web::data::DataStoreFields;
use leptos::task::spawn_local;

use crate::domain::client::{CardField, CardForm, CardProblem, Client, PersonLanguage};
use crate::domain::intake::{IntakeDraft, Step};
use crate::domain::search::Likeness;
use crate::i18n::{self};
use crate::storage::StoreError;
use crate::web::app::{new_id, use_ctx};
use crate::web::data;
use crate::web::form::{tr, CheckBox, DateField, Select, TextInput};
use crate::web::platform;

use super::consent::consent_now;
use super::problem_of;
use super::search::SearchHit;
use crate::web::form::focus_first_problem;

fn card_problem_signal(problems: RwSignal<Vec<(CardField, CardProblem)>>, field: CardField) -> Signal<Option<String>> {
    problem_of(problems, field, i18n::card_problem)
}

/// Step 3: the registration card, with likely existing cards shown as it is typed.
#[component]
pub(super) fn CardStep(draft: RwSignal<IntakeDraft>) -> impl IntoView {
    let ctx = use_ctx();
    // The fields edit the card; the draft (autosaved) follows.
    let card = RwSignal::new(draft.with_untracked(|d| d.card.clone()));
    Effect::new(move |_| {
        let typed = card.get();
        if draft.with_untracked(|d| d.card != typed) {
            draft.update(|d| d.card = typed);
        }
    });
    let problems = RwSignal::new(Vec::<(CardField, CardProblem)>::new());
    let duplicates = RwSignal::new(Vec::<(String, Likeness)>::new());
    let confirmed_new = RwSignal::new(false);
    let saving = RwSignal::new(false);
    let save_error = RwSignal::new(None::<StoreError>);

    // Likely existing cards, live: by name as typed, and by the stronger signs (tax number, birth date, phone).
    let live = Memo::new(move |_| {
        let card = card.get();
        let query = format!("{} {}", card.surname, card.given_name);
        ctx.data.index().with(|index| {
            let mut ids: Vec<String> = if card.surname.trim().chars().count() >= 2 {
                index.search(&query, 5).into_iter().map(|h| h.id).collect()
            } else {
                vec![]
            };
            if let Some(p) = card.typed_so_far() {
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
        let card = card.get_untracked();
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
        let client = Client {
            id: id.clone(),
            created_at: now.clone(),
            consent,
            personal: Some(personal),
            purged_at: None,
            history: vec![],
            merged_into: None,
        };
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

    view! {
        <form class="card" aria-labelledby="card-h" novalidate on:submit=|ev| ev.prevent_default()>
            <h2 id="card-h">{tr(|s| s.intake.card_title)}</h2>
            <p class="muted">{tr(|s| s.required_note)}</p>
            <CardFields card=card problems=problems aside=ViewFn::from(move || view! {
                    <aside class="similar" aria-labelledby="similar-h" data-testid="similar-cards">
                    <h3 id="similar-h">{tr(|s| s.intake.similar_title)}</h3>
                    {move || {
                        let ids = live.get();
                        if ids.is_empty() {
                            view! { <p class="muted">{ctx.t().intake.similar_none}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="results compact">
                                    {ids.into_iter().map(|id| view! { <SearchHit id=id draft=draft/> }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    }}
                </aside>
            })/>
            <Show when=move || !duplicates.get().is_empty()>
                <div class="banner banner-warn banner-block" role="alert" data-testid="duplicate-warning">
                    <p class="banner-title">{tr(|s| s.intake.duplicate_title)}</p>
                    <p>{tr(|s| s.intake.duplicate_explain)}</p>
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
                    }>{tr(|s| s.intake.duplicate_save_anyway)}</button>
                </div>
            </Show>
            {move || save_error.get().map(|e| view! { <p class="error" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p> })}
            <Show when=move || !problems.get().is_empty()>
                <p class="error" role="alert">{tr(|s| s.intake.card_fix)}</p>
            </Show>
            <div class="form-actions">
                <button type="button" class="btn btn-secondary" on:click=move |_| draft.update(|d| d.step = Step::Consent)>
                    {tr(|s| s.back)}
                </button>
                <button type="button" class="btn btn-primary" disabled=move || saving.get() on:click=save>
                    {tr(|s| s.intake.save_card)}
                </button>
            </div>
        </form>
    }
}

/// The fields of a registration card, grouped as on the paper form, with `aside` (likely existing cards) beside
/// them; shared by the intake and the correction of a card.
#[component]
pub(crate) fn CardFields(
    card: RwSignal<CardForm>,
    problems: RwSignal<Vec<(CardField, CardProblem)>>,
    aside: ViewFn,
) -> impl IntoView {
    let ctx = use_ctx();
    let c = |get: fn(&CardForm) -> &String, set: fn(&mut CardForm, String)| {
        (Signal::derive(move || card.with(|c| get(c).clone())), Callback::new(move |v| card.update(|c| set(c, v))))
    };
    let b = |get: fn(&CardForm) -> bool, set: fn(&mut CardForm, bool)| {
        (Signal::derive(move || card.with(|c| get(c))), Callback::new(move |v| card.update(|c| set(c, v))))
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
    let (no_docs_reason, set_no_docs_reason) = c(|f| &f.no_documents_reason, |f, v| f.no_documents_reason = v);
    let no_docs_options = Signal::derive(move || {
        ctx.t()
            .intake
            .no_documents_reasons
            .iter()
            .map(|(code, text)| ((*code).to_owned(), (*text).to_owned()))
            .collect()
    });
    let (tax, set_tax) = c(|f| &f.tax_number, |f, v| f.tax_number = v);
    // Why there is no number (a card typed before the reasons keeps its "refused").
    let no_tax = Signal::derive(move || {
        card.with(|c| if c.no_tax.is_empty() && c.tax_refused { "religious".into() } else { c.no_tax.clone() })
    });
    let set_no_tax = Callback::new(move |v: String| {
        card.update(|c| {
            c.no_tax = v;
            c.tax_refused = false;
        })
    });
    // The language: a choice of the common ones, or another one written out.
    let language_code = Signal::derive(move || card.with(|c| c.language.code().to_owned()));
    let set_language_code =
        Callback::new(move |code: String| card.update(|c| c.language = PersonLanguage::from_code(&code)));
    let language_options = Signal::derive(move || {
        let lang = ctx.lang.get();
        PersonLanguage::CODES.iter().map(|c| (c.to_string(), i18n::person_language_choice(lang, c))).collect::<Vec<_>>()
    });
    let other_language = Memo::new(move |_| {
        card.with(|c| match &c.language {
            PersonLanguage::Other(text) => Some(text.clone()),
            _ => None,
        })
    });
    let set_other_language = Callback::new(move |v: String| card.update(|c| c.language = PersonLanguage::Other(v)));
    let (n_read, set_n_read) = b(|f| f.needs.cannot_read_write, |f, v| f.needs.cannot_read_write = v);
    let (n_hear, set_n_hear) = b(|f| f.needs.hearing, |f, v| f.needs.hearing = v);
    let (n_see, set_n_see) = b(|f| f.needs.vision, |f, v| f.needs.vision = v);
    let (n_move, set_n_move) = b(|f| f.needs.mobility, |f, v| f.needs.mobility = v);

    let sex_options = Signal::derive(move || {
        let s = ctx.t();
        vec![
            ("".into(), s.intake.sex_unspecified.into()),
            ("female".into(), s.intake.sex_female.into()),
            ("male".into(), s.intake.sex_male.into()),
        ]
    });
    let doc_options = Signal::derive(move || {
        let s = ctx.t();
        let mut v = vec![(String::new(), s.choose.to_owned())];
        v.extend(s.intake.document_kinds.iter().map(|(code, text)| ((*code).to_owned(), (*text).to_owned())));
        v
    });
    let no_tax_options = Signal::derive(move || {
        ctx.t().intake.no_tax_reasons.iter().map(|(code, text)| ((*code).to_owned(), (*text).to_owned())).collect()
    });
    let warnings = Signal::derive(move || card.with(|c| c.warnings(platform::today())));

    view! {
            <div class="card-layout">
                <fieldset class="group">
                    <legend>{tr(|s| s.intake.group_person)}</legend>
                    <TextInput id="surname" label=|s| s.intake.surname value=surname on_input=set_surname required=true
                        problem=card_problem_signal(problems, CardField::Surname)/>
                    <TextInput id="given-name" label=|s| s.intake.given_name value=given on_input=set_given required=true
                        problem=card_problem_signal(problems, CardField::GivenName)/>
                    <TextInput id="patronymic" label=|s| s.intake.patronymic value=patronymic on_input=set_patronymic/>
                    <DateField id="birth-date" label=|s| s.intake.birth_date hint=|s| s.intake.birth_date_hint value=birth
                        on_input=set_birth required=true
                        problem=card_problem_signal(problems, CardField::BirthDate)/>
                    <Select id="sex" label=|s| s.intake.sex options=sex_options value=sex on_change=set_sex/>
                </fieldset>
                {aside.run()}
                <fieldset class="group">
                    <legend>{tr(|s| s.intake.group_contacts)}</legend>
                    <TextInput id="phones" label=|s| s.intake.phones hint=|s| s.intake.phones_hint value=phones on_input=set_phones
                        kind="tel" inputmode="tel" problem=card_problem_signal(problems, CardField::Phones)/>
                    <TextInput id="email" label=|s| s.intake.email value=email on_input=set_email kind="email"
                        inputmode="email" problem=card_problem_signal(problems, CardField::Email)/>
                </fieldset>
                <fieldset class="group">
                    <legend>{tr(|s| s.intake.group_address)}</legend>
                    <TextInput id="address" label=|s| s.intake.address value=address on_input=set_address
                        disabled=no_address problem=card_problem_signal(problems, CardField::Address)/>
                    <CheckBox id="no-address" label=|s| s.intake.no_fixed_address checked=no_address on_change=set_no_address/>
                    <TextInput id="registration-address" label=|s| s.intake.registration_address value=reg_address
                        on_input=set_reg_address/>
                </fieldset>
                <fieldset class="group">
                    <legend>{tr(|s| s.intake.group_document)}</legend>
                    <Select id="document-kind" label=|s| s.intake.document_kind options=doc_options value=doc_kind
                        on_change=set_doc_kind/>
                    <TextInput id="document-series" label=|s| s.intake.document_series value=doc_series
                        on_input=set_doc_series disabled=no_docs/>
                    <TextInput id="document-number" label=|s| s.intake.document_number value=doc_number
                        on_input=set_doc_number disabled=no_docs problem=card_problem_signal(problems, CardField::Document)/>
                    <CheckBox id="no-documents" label=|s| s.intake.no_documents checked=no_docs on_change=set_no_docs/>
                    <Show when=move || no_docs.get()>
                        <Select id="no-documents-reason" label=|s| s.intake.no_documents_reason options=no_docs_options
                            value=no_docs_reason on_change=set_no_docs_reason required=true
                            problem=card_problem_signal(problems, CardField::NoDocumentsReason)/>
                    </Show>
                    <TextInput id="tax-number" label=|s| s.intake.tax_number hint=|s| s.intake.tax_number_hint value=tax
                        on_input=set_tax inputmode="numeric"
                        problem=card_problem_signal(problems, CardField::TaxNumber)/>
                    <Select id="no-tax" label=|s| s.intake.no_tax options=no_tax_options value=no_tax on_change=set_no_tax/>
                    {move || warnings.get().into_iter().map(|w| view! {
                        <p class="warn-line" role="note">{i18n::card_warning(ctx.lang.get(), w)}</p>
                    }).collect_view()}
                </fieldset>
                <fieldset class="group">
                    <legend>{tr(|s| s.intake.group_needs)}</legend>
                    <Select id="language" label=|s| s.intake.language options=language_options value=language_code
                        on_change=set_language_code/>
                    <Show when=move || other_language.with(Option::is_some)>
                        <TextInput id="language-other" label=|s| s.intake.language_other
                            value=Signal::derive(move || other_language.get().unwrap_or_default())
                            on_input=set_other_language/>
                    </Show>
                    <CheckBox id="need-read" label=|s| s.intake.need_read_write checked=n_read on_change=set_n_read/>
                    <CheckBox id="need-hearing" label=|s| s.intake.need_hearing checked=n_hear on_change=set_n_hear/>
                    <CheckBox id="need-vision" label=|s| s.intake.need_vision checked=n_see on_change=set_n_see/>
                    <CheckBox id="need-mobility" label=|s| s.intake.need_mobility checked=n_move on_change=set_n_move/>
                </fieldset>
                <RepresentativePicker card=card/>

        </div>
    }
}

/// The legal representative: another card, found by search.
#[component]
fn RepresentativePicker(card: RwSignal<CardForm>) -> impl IntoView {
    let ctx = use_ctx();
    let query = RwSignal::new(String::new());
    let chosen = Memo::new(move |_| {
        let id = card.with(|c| c.representative_id.clone());
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
            <legend>{tr(|s| s.intake.representative)}</legend>
            <p class="hint">{tr(|s| s.intake.representative_hint)}</p>
            {move || match chosen.get() {
                Some(name) => view! {
                    <p class="figures">{name}</p>
                    <button type="button" class="btn btn-secondary"
                        on:click=move |_| card.update(|c| c.representative_id.clear())>
                        {ctx.t().intake.representative_remove}
                    </button>
                }.into_any(),
                None => view! {
                    <div class="field">
                        <label for="representative-search">{ctx.t().intake.representative_search}</label>
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
                                        aria-label=move || format!("{}: {}", ctx.t().intake.representative_pick, label)
                                        on:click=move |_| {
                                            let id = id.clone();
                                            card.update(|c| c.representative_id = id);
                                            query.set(String::new());
                                        }>
                                        {ctx.t().intake.representative_pick}
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
