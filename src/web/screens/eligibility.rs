//! The БВПД checklist on an appeal (guide 3.4.2–3.5): categories, supporting documents, the income test, children,
//! the cap, the outcome, the written application and the decision. Every change is saved as it is made.

use leptos::prelude::*;

use crate::web::data::{self, DataStoreFields};

use crate::domain::appeal::Appeal;
use crate::domain::checklist::{
    grants_in_year, Checklist, DecisionProblem, GrantElsewhere, GrantProblem, MoneyField, Verdict, INCOME_MONTHS,
};
use crate::domain::client::Client;
use crate::domain::date::Date;
use crate::domain::eligibility::{
    Assessment, CategoryRule, Child, DocStatus, DocumentRule, Group, Kinds, Outcome, Rules, CAP,
};
use crate::i18n::{self, Lang};
use crate::nav::Route;
use crate::web::app::{use_ctx, Ctx};
use crate::web::drafts::autosave;
use crate::web::form::{tr, DateField, IsoDateField, Select, TextArea, TextInput};
use crate::web::platform;

use crate::web::widgets::{dotted, when};

#[component]
pub fn ChecklistScreen(id: String) -> impl IntoView {
    let ctx = use_ctx();
    let found = Memo::new(move |_| {
        // Not the checklists: saving this appeal's checklist as it is filled in does not reload the page.
        ctx.data.appeals().track();
        ctx.data.clients().track();
        ctx.data.with_untracked(|d| d.appeal_and_client(&id))
    });
    move || match found.get() {
        None if !ctx.data_ready.get() => view! { <p>{tr(|s| s.loading)}</p> }.into_any(),
        None => view! { <h1 tabindex="-1">{tr(|s| s.eligibility.not_found)}</h1> }.into_any(),
        Some((appeal, client)) => view! { <ChecklistLoader appeal=appeal client=client/> }.into_any(),
    }
}

/// The appeal's checklist as stored, when this tab does not know it yet (another tab may have begun it): one
/// checklist per appeal, under the appeal's own id, so two tabs fill in the same record.
#[component]
fn ChecklistLoader(appeal: Appeal, client: Client) -> impl IntoView {
    let ctx = use_ctx();
    let known = ctx.data.checklists().with_untracked(|all| all.contains_key(&appeal.id));
    let ready = RwSignal::new(known);
    let failed = RwSignal::new(None::<crate::storage::StoreError>);
    if !known {
        let id = appeal.id.clone();
        match ctx.store_or_err() {
            Ok(store) => leptos::task::spawn_local(async move {
                match crate::storage::load::<Checklist>(&store, &id).await {
                    Ok(found) => {
                        if let Some(c) = found {
                            data::remember_checklist(ctx, c);
                        }
                        ready.try_set(true);
                    }
                    Err(e) => {
                        failed.try_set(Some(e));
                    }
                }
            }),
            Err(e) => failed.set(Some(e)),
        }
    }
    move || match (failed.get(), ready.get()) {
        (Some(e), _) => view! { <p class="error" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p> }.into_any(),
        (None, false) => view! { <p>{tr(|s| s.loading)}</p> }.into_any(),
        (None, true) => view! { <ChecklistPage appeal=appeal.clone() client=client.clone()/> }.into_any(),
    }
}

/// Before a write: an undecided checklist records the rules in use.
fn prepare(ctx: Ctx, c: &mut Checklist, _now: &str) {
    if !c.is_decided() {
        if let Some(r) = ctx.data.rules().with_untracked(|rules| rules.clone()) {
            c.snapshot(&r);
        }
    }
}

fn remember(ctx: Ctx, c: Checklist) {
    data::remember_checklist(ctx, c);
}

#[derive(Clone, Copy)]
struct Page {
    cl: RwSignal<Checklist>,
    rules: Memo<Option<Rules>>,
    decided: Memo<bool>,
    picked: Memo<Vec<String>>,
    assessment: Memo<Option<Assessment>>,
}

#[component]
fn ChecklistPage(appeal: Appeal, client: Client) -> impl IntoView {
    let ctx = use_ctx();
    let existing = ctx.data.checklists().with_untracked(|checklists| checklists.get(&appeal.id).cloned());
    let start = existing.unwrap_or_else(|| Checklist::for_appeal(&appeal, platform::today()));
    let cl = RwSignal::new(start);
    let saver = autosave(ctx, cl, RwSignal::new(true), prepare, remember);
    let current = Memo::new(move |_| ctx.data.rules().with(|rules| rules.clone()));
    let decided = Memo::new(move |_| cl.with(Checklist::is_decided));
    let rules = Memo::new(move |_| {
        let cur = current.get();
        cl.with(|c| c.rules_for(cur.as_ref()).cloned())
    });
    let picked = Memo::new(move |_| cl.with(|c| c.categories.clone()));
    let birth = client.personal.as_ref().and_then(|p| Date::parse_iso(&p.birth_date));
    let client_id = client.id.clone();
    let grants = Memo::new(move |_| {
        let current = cl.get();
        let on = current.date().unwrap_or_else(platform::today);
        ctx.data.checklists().with(|all| {
            let of_client: Vec<Checklist> = all.values().filter(|c| c.client_id == client_id).cloned().collect();
            grants_in_year(&of_client, &current, on)
        })
    });
    let assessment =
        Memo::new(move |_| rules.with(|r| r.as_ref().map(|r| cl.with(|c| c.assess(r, birth, grants.get())))));
    let page = Page { cl, rules, decided, picked, assessment };

    let name = client.personal.as_ref().map(|p| p.full_name()).unwrap_or_default();
    let back = Route::Client(client.id.clone()).href();
    view! {
        <div class="form-actions no-print">
            <a class="btn btn-secondary" href=back>{tr(|s| s.back)}</a>
        </div>
        <h1 tabindex="-1">{tr(|s| s.eligibility.title)}</h1>
        <p class="lead">{name} " · " {when(&appeal.received_at)} " · " {appeal.area.clone()}</p>
        <p class="form-status" role="status" data-testid="checklist-saved">
            {move || match (saver.error.get(), saver.saved_at.get()) {
                (Some(e), _) => i18n::store_error(ctx.lang.get(), &e),
                (None, Some(at)) => (ctx.t().eligibility.saved_at)(&platform::local_time_of(&at)),
                (None, None) => String::new(),
            }}
        </p>
        <Show when=move || saver.erased.get()>
            <p class="banner banner-error" role="alert" data-testid="checklist-erased">{tr(|s| s.eligibility.erased_elsewhere)}</p>
        </Show>
        {move || match rules.get() {
            None if ctx.data_ready.get() && current.get().is_none() => view! {
                <p class="banner banner-error" role="alert">{tr(|s| s.eligibility.no_rules)}</p>
            }.into_any(),
            None => view! { <p>{tr(|s| s.loading)}</p> }.into_any(),
            Some(_) => view! {
                <RulesLine page=page current=current appeal_date=appeal.received_date()/>
                <Categories page=page/>
                <Documents page=page/>
                <Income page=page/>
                <Person page=page birth=birth grants=grants/>
                <OutcomeCard page=page/>
                <ApplicationCard page=page appeal_id=appeal.id.clone()/>
                <DecisionCard page=page/>
            }.into_any(),
        }}
    }
    .into_any()
}

/// The rules version and the assessment date (the appeal's date unless the worker changes it: then both dates show,
/// with the minimum each gives); a decided checklist says it keeps the rules it was decided on.
#[component]
fn RulesLine(page: Page, current: Memo<Option<Rules>>, appeal_date: Option<Date>) -> impl IntoView {
    let ctx = use_ctx();
    let cl = page.cl;
    // Typed as дд.мм.рррр whatever the browser's language; kept as typed until it is a date.
    let typed = RwSignal::new(cl.with_untracked(|c| c.date().map(Date::dotted).unwrap_or_default()));
    let problem = RwSignal::new(None::<String>);
    let on_date = Callback::new(move |v: String| {
        typed.set(v.clone());
        match Date::parse_human(&v) {
            Some(d) => {
                problem.set(None);
                cl.update(|c| c.on = d.iso());
            }
            None => problem.set(Some(ctx.t().intake.p_date_invalid.to_owned())),
        }
    });
    let on = Memo::new(move |_| cl.with(Checklist::date));
    // Both dates and the able-bodied minimum of each, when the assessment is not on the appeal's date.
    let differs = move || {
        let (on, appeal) = (on.get()?, appeal_date?);
        if on == appeal {
            return None;
        }
        let lang = ctx.lang.get();
        let min = |d: Date| {
            page.rules.with(|r| r.as_ref()?.minimum_on(d).map(|m| i18n::money(lang, i64::from(m.able_bodied) * 100)))
        };
        let unknown = || ctx.t().eligibility.no_minimum.to_owned();
        Some((ctx.t().eligibility.date_differs)(
            &on.dotted(),
            &appeal.dotted(),
            &min(appeal).unwrap_or_else(unknown),
            &min(on).unwrap_or_else(unknown),
        ))
    };
    let back = move |_| {
        if let Some(d) = appeal_date {
            typed.set(d.dotted());
            problem.set(None);
            cl.update(|c| c.on = d.iso());
        }
    };
    let version = move || page.rules.with(|r| r.as_ref().map(|r| r.version.clone()).unwrap_or_default());
    let older = move || {
        page.decided.get()
            && page.rules.with(|r| r.as_ref().map(|r| r.serial)) != current.with(|r| r.as_ref().map(|r| r.serial))
    };
    view! {
        <section class="card">
            <dl class="facts">
                <dt>{tr(|s| s.eligibility.rules)}</dt>
                <dd data-testid="rules-version">{version}</dd>
                <dt>{tr(|s| s.eligibility.date)}</dt>
                <dd data-testid="assessment-date">{move || on.get().map(Date::dotted).unwrap_or_default()}</dd>
            </dl>
            <Show when=older>
                <p class="notice">{tr(|s| s.eligibility.kept_rules)}</p>
            </Show>
            <DateField id="elig-date" label=|s| s.eligibility.date hint=|s| s.eligibility.date_hint value=typed
                on_input=on_date problem=problem disabled=page.decided/>
            {move || differs().map(|text| view! {
                <div class="notice" data-testid="date-differs">
                    <p>{text}</p>
                    <button type="button" class="btn btn-secondary" disabled=move || page.decided.get() on:click=back>
                        {tr(|s| s.eligibility.date_back)}
                    </button>
                </div>
            })}
        </section>
    }
}

fn category_title(lang: Lang, c: &CategoryRule) -> String {
    format!("{} — {}", i18n::category_ref(lang, &c.id), i18n::local(lang, &c.title))
}

#[component]
fn Categories(page: Page) -> impl IntoView {
    let ctx = use_ctx();
    let query = RwSignal::new(String::new());
    // The list keeps its order while the worker ticks, and nothing above it grows (the row under the finger never
    // changes); what is chosen shows in the summary below it, where it can also be taken off when the search hides
    // it.
    let list = Memo::new(move |_| {
        let q = query.get();
        page.rules.with(|r| r.as_ref().map(|r| r.find(&q).into_iter().cloned().collect()).unwrap_or_else(Vec::new))
    });
    let chosen = Memo::new(move |_| {
        let picked = page.picked.get();
        page.rules.with(|r| {
            r.as_ref()
                .map(|r| picked.iter().filter_map(|id| r.category(id).cloned()).collect())
                .unwrap_or_else(Vec::new)
        })
    });
    view! {
        <section class="card" aria-labelledby="cats-h">
            <h2 id="cats-h">{tr(|s| s.eligibility.categories)}</h2>
            <TextInput id="cat-search" kind="search" label=|s| s.eligibility.search hint=|s| s.eligibility.search_hint
                value=query on_input=Callback::new(move |v| query.set(v))/>
            <ul class="cats">
                {move || {
                    let items = list.get();
                    if items.is_empty() {
                        return view! { <li class="muted">{tr(|s| s.eligibility.search_none)}</li> }.into_any();
                    }
                    items.into_iter().map(|c| view! { <CategoryItem cat=c page=page/> }).collect_view().into_any()
                }}
            </ul>
            <div class="chosen" data-testid="chosen-categories">
                <h3 class="chosen-title">{tr(|s| s.eligibility.chosen)}</h3>
                {move || {
                    let items = chosen.get();
                    if items.is_empty() {
                        return view! { <p class="hint">{tr(|s| s.eligibility.chosen_none)}</p> }.into_any();
                    }
                    view! {
                        <ul class="chosen-list">
                            {items.into_iter().map(|c| {
                                let id = c.id.clone();
                                let lang = ctx.lang;
                                let title = c.clone();
                                let label = move || (ctx.t().eligibility.chosen_remove)(&category_title(lang.get(), &c));
                                view! {
                                    <li>
                                        <span>{move || category_title(ctx.lang.get(), &title)}</span>
                                        <button type="button" class="btn btn-secondary" aria-label=label
                                            disabled=move || page.decided.get()
                                            on:click=move |_| page.cl.update(|k| k.toggle_category(&id))>
                                            {tr(|s| s.eligibility.chosen_remove_short)}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </div>
        </section>
    }
}

#[component]
fn CategoryItem(cat: CategoryRule, page: Page) -> impl IntoView {
    let ctx = use_ctx();
    let id = cat.id.clone();
    let checked = {
        let id = id.clone();
        move || page.picked.with(|p| p.contains(&id))
    };
    let input_id = format!("cat-{}", cat.id);
    let label_for = input_id.clone();
    let c1 = cat.clone();
    let hint = cat.hint.clone();
    view! {
        <li class="cat">
            <label class="check cat-check" for=label_for>
                <input id=input_id type="checkbox" prop:checked=checked disabled=move || page.decided.get()
                    on:change=move |_| page.cl.update(|c| c.toggle_category(&id))/>
                <span>
                    <strong class="cat-title">{move || category_title(ctx.lang.get(), &c1)}</strong>
                    <span class="hint">{move || i18n::local(ctx.lang.get(), &hint).to_owned()}</span>
                    <span class="cat-badges">
                        <span class="badge">{move || i18n::kinds(ctx.lang.get(), cat.scope.kinds())}</span>
                        {cat.cap.then(|| view! { <span class="badge">{tr(|s| s.eligibility.capped)}</span> })}
                        {(!cat.walk_in).then(|| view! { <span class="badge badge-muted">{tr(|s| s.eligibility.not_walk_in)}</span> })}
                    </span>
                </span>
            </label>
        </li>
    }
}

#[component]
fn Documents(page: Page) -> impl IntoView {
    let cats = Memo::new(move |_| {
        let picked = page.picked.get();
        page.rules.with(|r| {
            r.as_ref()
                .map(|r| {
                    picked.iter().filter_map(|id| r.category(id)).filter(|c| !c.documents.is_empty()).cloned().collect()
                })
                .unwrap_or_else(Vec::<CategoryRule>::new)
        })
    });
    view! {
        <Show when=move || !cats.with(Vec::is_empty)>
            <section class="card" aria-labelledby="docs-h">
                <h2 id="docs-h">{tr(|s| s.eligibility.documents)}</h2>
                {move || cats.get().into_iter().map(|c| view! { <DocsFor cat=c page=page/> }).collect_view()}
            </section>
        </Show>
    }
}

#[component]
fn DocsFor(cat: CategoryRule, page: Page) -> impl IntoView {
    let ctx = use_ctx();
    let c1 = cat.clone();
    view! {
        <div class="doc-group">
            <h3>{move || category_title(ctx.lang.get(), &c1)}</h3>
            {cat.documents.iter().map(|d| view! { <DocRow cat=cat.id.clone() doc=d.clone() page=page/> }).collect_view()}
        </div>
    }
}

const DOC_CHOICES: [(&str, fn(&i18n::Strings) -> &'static str); 4] = [
    ("original", |s| s.eligibility.doc_original),
    ("copy", |s| s.eligibility.doc_copy),
    ("missing", |s| s.eligibility.doc_missing),
    ("bring", |s| s.eligibility.doc_will_bring),
];

fn status_code(s: &Option<DocStatus>) -> &'static str {
    match s {
        Some(DocStatus::OriginalSeen) => "original",
        Some(DocStatus::CopyTaken) => "copy",
        Some(DocStatus::Missing) => "missing",
        Some(DocStatus::WillBring(_)) => "bring",
        None => "",
    }
}

#[component]
fn DocRow(cat: String, doc: DocumentRule, page: Page) -> impl IntoView {
    let ctx = use_ctx();
    let cl = page.cl;
    let (c1, d1) = (cat.clone(), doc.id.clone());
    let status = Memo::new(move |_| cl.with(|c| c.documents.get(&c1).and_then(|m| m.get(&d1)).cloned()));
    let name = format!("doc-{}-{}", cat, doc.id);
    let date_id = format!("{name}-date");
    let need = doc.need;
    let title = doc.name.clone();
    let keys = StoredValue::new((cat.clone(), doc.id.clone(), doc.name.clone(), date_id));
    let set = move |code: &str| {
        let next = match code {
            "original" => DocStatus::OriginalSeen,
            "copy" => DocStatus::CopyTaken,
            "missing" => DocStatus::Missing,
            _ => DocStatus::WillBring(match status.get_untracked() {
                Some(DocStatus::WillBring(d)) => d,
                _ => String::new(),
            }),
        };
        keys.with_value(|k| cl.update(|c| c.set_document(&k.0, &k.1, Some(next))));
    };
    view! {
        <fieldset class="choices doc">
            <legend>
                {move || i18n::local(ctx.lang.get(), &title).to_owned()}
                " " <span class="badge badge-muted">{move || i18n::need(ctx.lang.get(), need)}</span>
            </legend>
            {DOC_CHOICES.into_iter().map(|(code, text)| view! {
                <label class="choice">
                    <input type="radio" name=name.clone() value=code disabled=move || page.decided.get()
                        prop:checked=move || status_code(&status.get()) == code
                        on:change=move |_| set(code)/>
                    <span>{move || text(ctx.t())}</span>
                </label>
            }).collect_view()}
            <Show when=move || matches!(status.get(), Some(DocStatus::WillBring(_)))>
                <IsoDateField id=keys.with_value(|k| k.3.clone())
                    label=Signal::derive(move || keys.with_value(|k| (ctx.t().eligibility.doc_bring_by)(i18n::local(ctx.lang.get(), &k.2))))
                    value=Signal::derive(move || match status.get() { Some(DocStatus::WillBring(d)) => d, _ => String::new() })
                    on_change=Callback::new(move |v: String| {
                        keys.with_value(|k| cl.update(|c| c.set_document(&k.0, &k.1, Some(DocStatus::WillBring(v)))));
                    })
                    disabled=page.decided/>
            </Show>
        </fieldset>
    }
}

#[component]
fn Income(page: Page) -> impl IntoView {
    let ctx = use_ctx();
    let cl = page.cl;
    let needed = Memo::new(move |_| {
        let picked = page.picked.get();
        page.rules
            .with(|r| r.as_ref().is_some_and(|r| picked.iter().filter_map(|id| r.category(id)).any(|c| c.income_test)))
    });
    let problem = Memo::new(move |_| cl.with(|c| c.income.input().err()));
    let problem_of = move |f: MoneyField| {
        move || problem.get().filter(|(field, _)| *field == f).map(|(_, p)| i18n::money_problem(ctx.lang.get(), p))
    };
    let disability = Memo::new(move |_| cl.with(|c| c.income.disability));
    let group_code = move || match cl.with(|c| c.income.group) {
        Group::AbleBodied => "able",
        Group::LostWorkingCapacity => "lost",
    };
    let groups: [(&str, Group, fn(&i18n::Strings) -> &'static str); 2] = [
        ("able", Group::AbleBodied, |s| s.eligibility.income_able),
        ("lost", Group::LostWorkingCapacity, |s| s.eligibility.income_lost),
    ];
    view! {
        <Show when=move || needed.get()>
            <section class="card" aria-labelledby="income-h">
                <h2 id="income-h">{tr(|s| s.eligibility.income_title)}</h2>
                <p class="hint">{tr(|s| s.eligibility.income_hint)}</p>
                <fieldset class="choices">
                    <legend>{tr(|s| s.eligibility.income_group)}</legend>
                    {groups.into_iter().map(|(code, g, text)| view! {
                        <label class="choice">
                            <input type="radio" name="income-group" value=code disabled=move || page.decided.get()
                                prop:checked=move || group_code() == code
                                on:change=move |_| cl.update(|c| c.income.group = g)/>
                            <span>{tr(text)}</span>
                        </label>
                    }).collect_view()}
                </fieldset>
                <label class="check" for="income-disability">
                    <input id="income-disability" type="checkbox" disabled=move || page.decided.get()
                        prop:checked=move || disability.get()
                        on:change=move |ev| cl.update(|c| c.income.disability = event_target_checked(&ev))/>
                    <span>{tr(|s| s.eligibility.income_disability)}</span>
                </label>
                <Show when=move || disability.get()
                    fallback=move || view! {
                        <div class="months">
                            {(0..INCOME_MONTHS).map(|i| view! {
                                <MoneyInput id=format!("income-month-{}", i + 1)
                                    label=Signal::derive(move || (ctx.t().eligibility.income_month)(i + 1))
                                    value=Signal::derive(move || cl.with(|c| c.income.months.get(i).cloned().unwrap_or_default()))
                                    on_input=Callback::new(move |v: String| cl.update(|c| {
                                        c.income.months.resize(INCOME_MONTHS.max(c.income.months.len()), String::new());
                                        c.income.months[i] = v;
                                    }))
                                    problem=Signal::derive(problem_of(MoneyField::Month(i)))
                                    disabled=page.decided/>
                            }).collect_view()}
                        </div>
                    }>
                    <MoneyInput id="income-pension".to_owned()
                        label=Signal::derive(move || ctx.t().eligibility.income_pension.to_owned())
                        value=Signal::derive(move || cl.with(|c| c.income.pension.clone()))
                        on_input=Callback::new(move |v: String| cl.update(|c| c.income.pension = v))
                        problem=Signal::derive(problem_of(MoneyField::Pension))
                        disabled=page.decided/>
                </Show>
                <IncomeFigures page=page/>
            </section>
        </Show>
    }
}

#[component]
fn MoneyInput(
    id: String,
    label: Signal<String>,
    value: Signal<String>,
    on_input: Callback<String>,
    problem: Signal<Option<String>>,
    disabled: Memo<bool>,
) -> impl IntoView {
    let problem_id = format!("{id}-problem");
    view! {
        <div class="field" class:field-invalid=move || problem.get().is_some()>
            <label for=id.clone()>{move || label.get()}</label>
            <input id=id type="text" inputmode="decimal" autocomplete="off" maxlength="20"
                aria-describedby=problem_id.clone()
                aria-invalid=move || problem.get().is_some().then_some("true")
                disabled=move || disabled.get()
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))/>
            <p class="problem" id=problem_id>{move || problem.get()}</p>
        </div>
    }
}

/// The figures the income test used, so the worker (and later a reviewer) sees why.
#[component]
fn IncomeFigures(page: Page) -> impl IntoView {
    let ctx = use_ctx();
    let disability = Memo::new(move |_| page.cl.with(|c| c.income.disability));
    move || {
        let lang = ctx.lang.get();
        let s = ctx.t();
        let Some(r) = page.assessment.with(|a| a.as_ref().and_then(|a| a.income.clone())) else {
            return view! { <p class="muted" data-testid="income-figures">{s.eligibility.income_none}</p> }.into_any();
        };
        let rows = [
            ((s.eligibility.income_minimum)(&dotted(&r.minimum_from)), i18n::money(lang, r.minimum)),
            (s.eligibility.income_threshold.to_owned(), i18n::money(lang, r.threshold)),
            (
                if disability.get() {
                    s.eligibility.income_compared_pension
                } else {
                    s.eligibility.income_compared_average
                }
                .to_owned(),
                i18n::money(lang, r.compared),
            ),
        ];
        view! {
            <div data-testid="income-figures">
                <dl class="facts">
                    {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                </dl>
                <p class=if r.passes { "verdict verdict-ok" } else { "verdict verdict-no" }>
                    {if r.passes { s.eligibility.income_passes } else { s.eligibility.income_exceeds }}
                </p>
            </div>
        }
        .into_any()
    }
}

/// Children and the cap, from the card and the client's history on this device.
#[component]
fn Person(page: Page, birth: Option<Date>, grants: Memo<usize>) -> impl IntoView {
    let ctx = use_ctx();
    let child = Memo::new(move |_| page.assessment.with(|a| a.as_ref().and_then(|a| a.child)));
    let year = Memo::new(move |_| page.cl.with(|c| c.date().map(|d| d.year).unwrap_or_default()));
    let picked_child = Memo::new(move |_| page.picked.with(|p| p.iter().any(|c| c == "2")));
    view! {
        <section class="card" aria-labelledby="person-h">
            <h2 id="person-h">{tr(|s| s.eligibility.person)}</h2>
            <p data-testid="child-status">
                {move || match (birth, child.get()) {
                    (None, _) => ctx.t().eligibility.child_unknown.to_owned(),
                    (_, Some(Child::ThroughRepresentative)) => ctx.t().eligibility.child_under_14.to_owned(),
                    (_, Some(Child::MayApplyPersonally)) => ctx.t().eligibility.child_14_plus.to_owned(),
                    _ => ctx.t().eligibility.child_adult.to_owned(),
                }}
            </p>
            <Show when=move || picked_child.get()>
                <p class="hint">{tr(|s| s.eligibility.child_one_application)}</p>
            </Show>
            <p data-testid="grants" class:notice=move || { grants.get() >= CAP }>
                {move || (ctx.t().eligibility.grants_text)(grants.get(), year.get(), CAP)}
            </p>
            <GrantsElsewhere page=page/>
        </section>
    }
}

/// Grants known from elsewhere (another centre, the central system): listed, added and removed; they count toward
/// the cap with the decisions on this device.
#[component]
fn GrantsElsewhere(page: Page) -> impl IntoView {
    let ctx = use_ctx();
    let cl = page.cl;
    let on = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let source = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<GrantProblem>);
    let options = Signal::derive(move || {
        let lang = ctx.lang.get();
        let mut v = vec![(String::new(), ctx.t().choose.to_owned())];
        page.rules.with(|r| {
            if let Some(r) = r {
                v.extend(r.categories.iter().map(|c| (c.id.clone(), category_title(lang, c))));
            }
        });
        v
    });
    let add = move |_| match GrantElsewhere::typed(
        &on.get_untracked(),
        &category.get_untracked(),
        &source.get_untracked(),
        platform::today(),
    ) {
        Ok(g) => {
            cl.update(|c| {
                if !c.grants_elsewhere.contains(&g) {
                    c.grants_elsewhere.push(g);
                }
            });
            problem.set(None);
            on.set(String::new());
            source.set(String::new());
            category.set(String::new());
        }
        Err(p) => problem.set(Some(p)),
    };
    let problem_of = move |which: GrantProblem| {
        Signal::derive(move || {
            (problem.get() == Some(which)).then(|| {
                let s = &ctx.t().eligibility;
                match which {
                    GrantProblem::Date => s.grant_bad_date,
                    GrantProblem::NoCategory => s.grant_no_category,
                    GrantProblem::NoSource => s.grant_no_source,
                }
                .to_owned()
            })
        })
    };
    view! {
        <div class="grants-elsewhere" data-testid="grants-elsewhere">
            <h3>{tr(|s| s.eligibility.grants_elsewhere)}</h3>
            <p class="hint">{tr(|s| s.eligibility.grants_elsewhere_hint)}</p>
            <ul class="chosen-list">
                {move || cl.with(|c| c.grants_elsewhere.clone()).into_iter().map(|g| {
                    let lang = ctx.lang;
                    let title = page.rules.with_untracked(|r| r.as_ref().and_then(|r| r.category(&g.category)).map(|c| category_title(lang.get_untracked(), c)))
                        .unwrap_or_else(|| g.category.clone());
                    let line = format!("{} · {} · {}", dotted(&g.on), title, g.source);
                    let label = (ctx.t().eligibility.grant_remove)(&line);
                    let gone = g.clone();
                    view! {
                        <li>
                            <span>{line}</span>
                            <button type="button" class="btn btn-secondary" aria-label=label disabled=move || page.decided.get()
                                on:click=move |_| cl.update(|c| c.grants_elsewhere.retain(|x| *x != gone))>
                                {tr(|s| s.eligibility.chosen_remove_short)}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || !page.decided.get()>
                <DateField id="grant-on" label=|s| s.eligibility.grant_on hint=|s| s.eligibility.grant_on_hint value=on
                    on_input=Callback::new(move |v| on.set(v)) problem=problem_of(GrantProblem::Date)/>
                <Select id="grant-category" label=|s| s.eligibility.grant_category options=options value=category
                    on_change=Callback::new(move |v| category.set(v)) problem=problem_of(GrantProblem::NoCategory)/>
                <TextInput id="grant-source" label=|s| s.eligibility.grant_source hint=|s| s.eligibility.grant_source_hint
                    value=source on_input=Callback::new(move |v| source.set(v)) problem=problem_of(GrantProblem::NoSource)/>
                <div class="form-actions">
                    <button type="button" class="btn btn-secondary" on:click=add>{tr(|s| s.eligibility.grant_add)}</button>
                </div>
            </Show>
        </div>
    }
}

#[component]
fn OutcomeCard(page: Page) -> impl IntoView {
    let ctx = use_ctx();
    let appeal_id = page.cl.with_untracked(|c| c.appeal_id.clone());
    move || {
        let lang = ctx.lang.get();
        let s = ctx.t();
        let (Some(a), Some(rules)) = (page.assessment.get(), page.rules.get()) else { return ().into_any() };
        let title_of = |id: &str| rules.category(id).map(|c| category_title(lang, c)).unwrap_or_else(|| id.to_owned());
        // A foreigner or stateless person lawfully in Ukraine qualifies through another item: the legal basis is
        // named next to it.
        let foreigner = page.picked.with(|p| p.iter().any(|c| c == "p2"));
        let basis =
            move || foreigner.then(|| view! { <p data-testid="foreigner-basis">{s.eligibility.foreigner_basis}</p> });
        let body = if page.picked.with(Vec::is_empty) {
            // Nothing ticked yet, or nothing fits: primary legal aid and referrals are open to everyone.
            view! {
                <p class="muted">{s.eligibility.outcome_pick}</p>
                <p>{s.eligibility.outcome_none_fits}</p>
                <a class="btn btn-secondary" href=Route::Directory.href()>{s.eligibility.outcome_directory}</a>
            }
            .into_any()
        } else {
            match &a.outcome {
                Outcome::Eligible { categories, kinds } => view! {
                    <p class="verdict verdict-ok">{s.eligibility.outcome_eligible}</p>
                    <ul>{categories.iter().map(|c| view! { <li>{title_of(c)}</li> }).collect_view()}</ul>
                    {basis()}
                    <p>{s.eligibility.outcome_kinds} " " <strong>{i18n::kinds(lang, *kinds)}</strong></p>
                }
                .into_any(),
                Outcome::OnceDocumentsBrought { categories, kinds, to_bring } => {
                    let docs: Vec<String> = to_bring
                        .iter()
                        .filter_map(|(c, d)| rules.category(c)?.documents.iter().find(|x| &x.id == d))
                        .map(|d| i18n::local(lang, &d.name).to_owned())
                        .collect();
                    view! {
                        <p class="verdict verdict-wait">{s.eligibility.outcome_once_brought}</p>
                        <ul>{categories.iter().map(|c| view! { <li>{title_of(c)}</li> }).collect_view()}</ul>
                        {basis()}
                        <p>{s.eligibility.outcome_kinds} " " <strong>{i18n::kinds(lang, *kinds)}</strong></p>
                        <p>{s.eligibility.outcome_to_bring}</p>
                        <ul>{docs.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                        <a class="btn btn-primary" href=Route::ToBring(appeal_id.clone()).href()>{s.eligibility.to_bring_open}</a>
                    }
                    .into_any()
                }
                Outcome::NotEligible { reasons } => view! {
                    <p class="verdict verdict-no">{s.eligibility.outcome_not_eligible}</p>
                    <ul>{reasons.iter().map(|r| view! { <li>{i18n::not_applying(lang, r, &title_of)}</li> }).collect_view()}</ul>
                    <p>{s.eligibility.outcome_primary}</p>
                    <a class="btn btn-secondary" href=Route::Directory.href()>{s.eligibility.outcome_directory}</a>
                }
                .into_any(),
            }
        };
        view! {
            <section class="card outcome" aria-labelledby="outcome-h" data-testid="outcome">
                <h2 id="outcome-h">{s.eligibility.outcome_title}</h2>
                <div role="status">{body}</div>
            </section>
        }
        .into_any()
    }
}

/// Whether the outcome allows an application (eligible, or once the documents are brought).
fn may_apply(a: &Option<Assessment>) -> bool {
    matches!(a.as_ref().map(|a| &a.outcome), Some(Outcome::Eligible { .. } | Outcome::OnceDocumentsBrought { .. }))
}

#[component]
fn ApplicationCard(page: Page, appeal_id: String) -> impl IntoView {
    let ctx = use_ctx();
    let cl = page.cl;
    let accepted = Memo::new(move |_| cl.with(|c| c.application.accepted_on.clone()));
    let returned = Memo::new(move |_| cl.with(|c| c.application.returned_on.clone()));
    let deadlines = Memo::new(move |_| {
        let off = crate::web::device::days_off(ctx);
        cl.with(|c| c.deadlines(&off))
    });
    let show = Memo::new(move |_| page.assessment.with(may_apply) || accepted.get().is_some());
    let print = Route::Application(appeal_id).href();
    view! {
        <Show when=move || show.get()>
            <section class="card" aria-labelledby="application-h">
                <h2 id="application-h">{tr(|s| s.eligibility.application_title)}</h2>
                <TextArea id="application-issue" label=|s| s.eligibility.application_issue hint=|s| s.eligibility.application_issue_hint
                    disabled=page.decided
                    value=Signal::derive(move || cl.with(|c| c.application.issue.clone()))
                    on_input=Callback::new(move |v| cl.update(|c| c.application.issue = v))/>
                <div class="form-actions">
                    <a class="btn btn-secondary" href=print.clone()>{tr(|s| s.eligibility.application_print)}</a>
                    <Show when=move || accepted.get().is_none()>
                        <button type="button" class="btn btn-primary"
                            on:click=move |_| cl.update(|c| c.application.accepted_on = Some(platform::today().iso()))>
                            {tr(|s| s.eligibility.application_accept)}
                        </button>
                    </Show>
                </div>
                {move || accepted.get().map(|on| view! {
                    <p data-testid="application-accepted">{(ctx.t().eligibility.application_accepted_on)(&dotted(&on))}</p>
                })}
                {move || deadlines.get().filter(|_| !page.decided.get()).map(|d| view! {
                    <p class="deadline" data-testid="application-deadlines">
                        {(ctx.t().eligibility.application_deadlines)(&d.return_by.dotted(), &d.decide_by.dotted())}
                    </p>
                })}
                <Show when=move || accepted.get().is_some() && !page.decided.get()>
                    <details class="returned" open=move || returned.get().is_some()>
                        <summary>{tr(|s| s.eligibility.returned_title)}</summary>
                        <TextArea id="return-reasons" rows=3 label=|s| s.eligibility.returned_reasons
                            value=Signal::derive(move || cl.with(|c| c.application.return_reasons.clone()))
                            on_input=Callback::new(move |v| cl.update(|c| c.application.return_reasons = v))/>
                        {move || match returned.get() {
                            Some(on) => view! { <p>{(ctx.t().eligibility.returned_on)(&dotted(&on))}</p> }.into_any(),
                            None => view! {
                                <button type="button" class="btn btn-secondary"
                                    on:click=move |_| cl.update(|c| c.application.returned_on = Some(platform::today().iso()))>
                                    {tr(|s| s.eligibility.returned_record)}
                                </button>
                            }.into_any(),
                        }}
                    </details>
                </Show>
            </section>
        </Show>
    }
}

#[component]
fn DecisionCard(page: Page) -> impl IntoView {
    let ctx = use_ctx();
    let cl = page.cl;
    let accepted = Memo::new(move |_| cl.with(|c| c.application.accepted_on.is_some()));
    let problem = RwSignal::new(None::<DecisionProblem>);
    let form = Memo::new(move |_| cl.with(|c| c.decision_form.clone()));
    // Typed as дд.мм.рррр; today unless the worker writes another date.
    let decision_on = RwSignal::new(
        cl.with_untracked(|c| Date::parse_iso(&c.decision_form.on)).unwrap_or_else(platform::today).dotted(),
    );
    let record = move |_| {
        let mut d = form.get_untracked();
        d.on = Date::parse_human(&decision_on.get_untracked()).map(Date::iso).unwrap_or_default();
        if let Err(p) = d.check() {
            problem.set(Some(p));
            return;
        }
        problem.set(None);
        let current = ctx.data.rules().with_untracked(|rules| rules.clone());
        cl.update(|c| {
            // Decided on the rules it was shown with: the rules in use now.
            if let Some(r) = current.as_ref() {
                c.snapshot(r);
            }
            c.decision = Some(d);
        });
    };
    let kinds: [(&str, fn(&mut Kinds) -> &mut bool, fn(&i18n::Strings) -> &'static str); 3] = [
        ("kind-defence", |k| &mut k.defence, |s| s.eligibility.kind_defence),
        ("kind-representation", |k| &mut k.representation, |s| s.eligibility.kind_representation),
        ("kind-documents", |k| &mut k.documents, |s| s.eligibility.kind_documents),
    ];
    let verdicts: [(&str, Verdict, fn(&i18n::Strings) -> &'static str); 2] = [
        ("granted", Verdict::Granted, |s| s.eligibility.decision_granted),
        ("refused", Verdict::Refused, |s| s.eligibility.decision_refused),
    ];
    view! {
        <Show when=move || accepted.get()>
            <section class="card" aria-labelledby="decision-h">
                <h2 id="decision-h">{tr(|s| s.eligibility.decision_title)}</h2>
                {move || match cl.with(|c| c.decision.clone()) {
                    Some(d) => {
                        let lang = ctx.lang.get();
                        let text = match d.verdict {
                            Verdict::Granted => (ctx.t().eligibility.decision_granted_text)(&dotted(&d.on), &i18n::kinds(lang, d.kinds)),
                            Verdict::Refused => (ctx.t().eligibility.decision_refused_text)(&dotted(&d.on), &d.ground),
                        };
                        view! {
                            <p class="verdict" data-testid="decision">{text}</p>
                            <button type="button" class="btn btn-secondary"
                                on:click=move |_| cl.update(|c| c.decision = None)>{tr(|s| s.eligibility.decision_correct)}</button>
                        }.into_any()
                    }
                    None => view! {
                        <fieldset class="choices">
                            <legend>{tr(|s| s.eligibility.decision_legend)}</legend>
                            {verdicts.into_iter().map(|(code, v, text)| view! {
                                <label class="choice">
                                    <input type="radio" name="verdict" value=code
                                        prop:checked=move || form.with(|f| f.verdict == v)
                                        on:change=move |_| cl.update(|c| c.decision_form.verdict = v)/>
                                    <span>{tr(text)}</span>
                                </label>
                            }).collect_view()}
                        </fieldset>
                        <Show when=move || form.with(|f| f.verdict == Verdict::Granted)
                            fallback=move || view! {
                                <TextArea id="decision-ground" rows=3 label=|s| s.eligibility.decision_ground
                                    value=Signal::derive(move || form.with(|f| f.ground.clone()))
                                    on_input=Callback::new(move |v| cl.update(|c| c.decision_form.ground = v))/>
                            }>
                            <fieldset class="choices">
                                <legend>{tr(|s| s.eligibility.decision_kinds)}</legend>
                                {kinds.into_iter().map(|(id, field, text)| view! {
                                    <label class="check" for=id>
                                        <input id=id type="checkbox"
                                            prop:checked=move || form.with(|f| { let mut k = f.kinds; *field(&mut k) })
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                cl.update(|c| *field(&mut c.decision_form.kinds) = on);
                                            }/>
                                        <span>{tr(text)}</span>
                                    </label>
                                }).collect_view()}
                            </fieldset>
                        </Show>
                        <DateField id="decision-date" label=|s| s.eligibility.decision_date value=decision_on
                            on_input=Callback::new(move |v: String| {
                                if let Some(d) = Date::parse_human(&v) {
                                    cl.update(|c| c.decision_form.on = d.iso());
                                }
                                decision_on.set(v);
                            })/>
                        <p class="problem" role="alert">{move || problem.get().map(|p| i18n::decision_problem(ctx.lang.get(), p))}</p>
                        <button type="button" class="btn btn-primary" on:click=record>{tr(|s| s.eligibility.decision_record)}</button>
                    }.into_any(),
                }}
            </section>
        </Show>
    }
}
