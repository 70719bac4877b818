//! Clients and appeals on this device: search, filters, and the lists.

use leptos::prelude::*;

use crate::web::data::DataStoreFields;

use crate::domain::appeal::{AidKind, Appeal, AppealFilter};
use crate::domain::date::Date;
use crate::domain::lists::ListsMaker;
use crate::i18n;
use crate::nav::Route;
use crate::web::app::use_ctx;
use crate::web::form::{tr, IsoDateField, Select, TextInput};
use crate::web::platform::Pieces;

use crate::web::widgets::{when, ClientSummary};

const PAGE: usize = 50;
/// Cards gone through in one step of making the lists (some 2–4 ms in the browser).
const STEP: usize = 2048;

#[component]
pub fn ClientsScreen() -> impl IntoView {
    let ctx = use_ctx();
    let query = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let area = RwSignal::new(String::new());
    let aid = RwSignal::new(String::new());
    let exported = RwSignal::new(String::new());
    let shown = RwSignal::new(PAGE);

    let filter = Memo::new(move |_| AppealFilter {
        from: Date::parse_iso(&from.get()),
        to: Date::parse_iso(&to.get()),
        area: area.get(),
        aid: AidKind::from_code(&aid.get()),
        exported: match exported.get().as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
    });

    // Clients that match the search and have an appeal that passes the filters (or any client, when no filter is
    // set), most recent first, and appeals that pass the filters, newest first: how many of each, and the first
    // `shown` of them (`domain::lists`). Made in steps with the browser free between them: with 100,000 cards one
    // pass held the screen for 120–170 ms. A change of the data or of the filters starts them again; steps of an
    // older pass stop.
    // Opened again with nothing changed since: the lists last made are shown at once.
    let seen = ctx.data.lists_seen().get_untracked();
    // Whether the lists shown were made with every record loaded (the count is shown only then).
    let settled = RwSignal::new(seen.is_some());
    let lists = RwSignal::new(seen.unwrap_or_default());
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        // The lists depend on the cards (and their search index) and the appeals, nothing else.
        ctx.data.clients().track();
        ctx.data.appeals().track();
        let f = filter.get();
        let q = query.get();
        let n = shown.get();
        // Just unlocked, the appeals still loading: a card's own date stands in for its last appeal's, so the list
        // is in about its final order at once.
        let loading = !ctx.data_ready.get();
        // The search gives its own order (best first).
        let found = (!q.trim().is_empty()).then(|| {
            ctx.data.index().with_untracked(|index| index.search(&q, 500).into_iter().map(|h| h.id).collect())
        });
        // The lists anyone opening the screen sees first: kept to show at once next time.
        let plain = f == AppealFilter::default() && q.trim().is_empty() && n == PAGE;
        let pass = generation.get_value() + 1;
        generation.set_value(pass);
        let mut maker = ListsMaker::new(f, found, n, loading);
        leptos::task::spawn_local(async move {
            let mut pieces = Pieces::new();
            loop {
                if generation.try_get_value() != Some(pass) {
                    return;
                }
                match ctx.data.try_with_untracked(|d| maker.step(&d.clients, &d.appeals, STEP)) {
                    None => return,
                    Some(true) => break,
                    Some(false) => pieces.pause_every_call().await,
                }
            }
            let made = maker.finish();
            if plain && !loading && generation.try_get_value() == Some(pass) {
                ctx.data.lists_seen().try_update_untracked(|seen| *seen = Some(made.clone()));
            }
            lists.try_set(made);
            settled.try_set(!loading);
        });
    });

    let area_options = Signal::derive(move || {
        let mut v = vec![(String::new(), ctx.t().any.to_owned())];
        v.extend(ctx.data.areas().with(|areas| areas.areas.iter().map(|a| (a.clone(), a.clone())).collect::<Vec<_>>()));
        v
    });
    let aid_options = Signal::derive(move || {
        let lang = ctx.lang.get();
        let mut v = vec![(String::new(), lang.strings().any.to_owned())];
        v.extend(AidKind::ALL.iter().map(|k| (k.code().to_owned(), i18n::aid_text(*k)(lang.strings()).to_owned())));
        v
    });
    let exported_options = Signal::derive(move || {
        let s = ctx.t();
        vec![
            (String::new(), s.any.to_owned()),
            ("no".into(), s.clients.not_exported.to_owned()),
            ("yes".into(), s.clients.exported.to_owned()),
        ]
    });

    view! {
        <h1 tabindex="-1">{tr(|s| s.clients_title)}</h1>
        <section class="card" aria-labelledby="find-h">
            <h2 id="find-h" class="visually-hidden">{tr(|s| s.intake.search_title)}</h2>
            <TextInput id="clients-search" kind="search" wide=true label=|s| s.intake.search_label hint=|s| s.intake.search_hint
                value=query on_input=Callback::new(move |v| { query.set(v); shown.set(PAGE); })/>
            <fieldset class="filters">
                <legend>{tr(|s| s.clients.filters)}</legend>
                <IsoDateField id="filter-from" label=Signal::derive(move || ctx.t().clients.date_from.to_owned()) value=from
                    on_change=Callback::new(move |v| from.set(v))/>
                <IsoDateField id="filter-to" label=Signal::derive(move || ctx.t().clients.date_to.to_owned()) value=to
                    on_change=Callback::new(move |v| to.set(v))/>
                <Select id="filter-area" label=|s| s.intake.area options=area_options value=area on_change=Callback::new(move |v| area.set(v))/>
                <Select id="filter-aid" label=|s| s.intake.aid_legend options=aid_options value=aid on_change=Callback::new(move |v| aid.set(v))/>
                <Select id="filter-exported" label=|s| s.clients.export_state options=exported_options value=exported
                    on_change=Callback::new(move |v| exported.set(v))/>
            </fieldset>
        </section>
        {move || (!ctx.data_ready.get()).then(|| view! { <p>{ctx.t().loading}</p> })}
        <div class="cards">
            <section class="card" aria-labelledby="list-clients-h">
                // No count while loading: the cards in place are not yet all of them.
                <h2 id="list-clients-h">{move || if ctx.data_ready.get() && settled.get() {
                    i18n::count(ctx.lang.get(), lists.with(|l| l.clients_count) as u64, &ctx.t().home.clients)
                } else {
                    ctx.t().clients_title.to_owned()
                }}</h2>
                <ul class="results" data-testid="client-list">
                    // Keyed: a row is made once per card and kept while the list around it changes.
                    <For each=move || lists.with(|l| l.clients.clone())
                        key=|id| id.clone() let:id>
                        <ClientRow id=id/>
                    </For>
                </ul>
                <Show when=move || { lists.with(|l| l.clients_count) > shown.get() }>
                    <button type="button" class="btn btn-secondary" on:click=move |_| shown.update(|n| *n += PAGE)>
                        {tr(|s| s.show_more)}
                    </button>
                </Show>
            </section>
            <section class="card" aria-labelledby="list-appeals-h">
                <h2 id="list-appeals-h">{move || i18n::count(ctx.lang.get(), lists.with(|l| l.appeals_count) as u64, &ctx.t().home.appeals)}</h2>
                <ul class="results" data-testid="appeal-list">
                    <For each=move || lists.with(|l| l.appeals.clone())
                        key=|a| a.id.clone() let:appeal>
                        <AppealRow appeal=appeal/>
                    </For>
                </ul>
            </section>
        </div>
    }
}

#[component]
fn ClientRow(id: String) -> impl IntoView {
    let ctx = use_ctx();
    let cid = id.clone();
    let client = Memo::new(move |_| ctx.data.clients().with(|clients| clients.get(&cid).cloned()));
    let cid = id.clone();
    let count = Memo::new(move |_| ctx.data.appeals().with(|appeals| appeals.get(&cid).map_or(0, Vec::len)));
    move || {
        client.get().map(|c| {
            view! {
                <li class="result">
                    <a class="result-link" href=Route::Client(id.clone()).href()>
                        <ClientSummary client=c/>
                        <span class="muted">{move || i18n::count(ctx.lang.get(), count.get() as u64, &ctx.t().home.appeals)}</span>
                    </a>
                </li>
            }
        })
    }
}

#[component]
fn AppealRow(appeal: Appeal) -> impl IntoView {
    let ctx = use_ctx();
    let cid = appeal.client_id.clone();
    let name = Memo::new(move |_| {
        ctx.data.clients().with(|clients| clients.get(&cid).and_then(|c| c.personal.as_ref().map(|p| p.full_name())))
    });
    let deadline = appeal.deadlines(&crate::web::device::days_off(ctx));
    view! {
        <li class="result">
            <a class="result-link" href=Route::Client(appeal.client_id.clone()).href()>
                <span><strong>{when(&appeal.received_at)}</strong> " · " {move || name.get().unwrap_or_else(|| ctx.t().client.withdrawn_card.to_owned())}</span>
                <span class="muted">{appeal.area.clone()} " · " {move || i18n::aid_text(appeal.aid)(ctx.t())}</span>
                {deadline.map(|d| view! { <span class="deadline">{move || (ctx.t().intake.answer_by)(&d.answer_by.dotted())}</span> })}
            </a>
        </li>
    }
}
