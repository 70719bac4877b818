//! Step 1: search first — an existing card is found before a new one is made.

use leptos::prelude::*;

use crate::web::data::DataStoreFields;

use crate::domain::intake::{IntakeDraft, Step};
use crate::i18n::{self};
use crate::nav::Route;
use crate::web::app::use_ctx;
use crate::web::form::{tr, TextInput};

use super::lens;
use crate::web::widgets::ClientSummary;

/// What the results area shows: it is drawn again only when this changes, the rows themselves are keyed.
#[derive(Clone, Copy, PartialEq)]
enum Shown {
    Nothing,
    Loading,
    NoHits,
    Hits,
}

/// Step 1: find an existing card before making a new one.
#[component]
pub(super) fn SearchStep(draft: RwSignal<IntakeDraft>) -> impl IntoView {
    let ctx = use_ctx();
    let (query, set_query) = lens(draft, |d| &d.query, |d, v| d.query = v);
    let hits = Memo::new(move |_| {
        let q = query.get();
        ctx.data.index().with(|index| index.search(&q, 20).into_iter().map(|h| h.id).collect::<Vec<_>>())
    });
    let shown = Memo::new(move |_| {
        if query.with(|q| q.trim().is_empty()) {
            Shown::Nothing
        } else if !ctx.data_ready.get() {
            // Not every card is read yet: "nothing found" could be false (and a second card made for the person).
            Shown::Loading
        } else if hits.with(Vec::is_empty) {
            Shown::NoHits
        } else {
            Shown::Hits
        }
    });
    let register = move |_| {
        draft.update(|d| {
            if d.card.surname.is_empty() && d.card.given_name.is_empty() {
                let query = d.query.clone();
                d.card.prefill_from_search(&query);
            }
            d.client_id = None;
            d.step = Step::Consent;
        });
    };
    view! {
        <section class="card" aria-labelledby="search-h">
            <h2 id="search-h">{tr(|s| s.intake.search_title)}</h2>
            <TextInput id="client-search" kind="search" wide=true label=|s| s.intake.search_label hint=|s| s.intake.search_hint
                value=query on_input=set_query/>
            <div aria-live="polite" data-testid="search-results">
                {move || match shown.get() {
                    Shown::Nothing => None,
                    Shown::Loading => Some(view! { <p class="muted">{ctx.t().loading}</p> }.into_any()),
                    Shown::NoHits => Some(view! { <p class="muted">{ctx.t().intake.search_nothing}</p> }.into_any()),
                    Shown::Hits => Some(view! {
                        <p class="muted">{move || i18n::count(ctx.lang.get(), hits.with(Vec::len) as u64, &ctx.t().intake.found_cards)}</p>
                        <ul class="results">
                            // Keyed: typing on keeps the rows of the cards still found (most of them), only new ones are made.
                            <For each=move || hits.get() key=|id| id.clone() let:id>
                                <SearchHit id=id draft=draft/>
                            </For>
                        </ul>
                    }.into_any()),
                }}
            </div>
            <button type="button" class="btn btn-primary" on:click=register>{tr(|s| s.intake.register_new)}</button>
        </section>
    }
}

#[component]
pub(super) fn SearchHit(id: String, draft: RwSignal<IntakeDraft>) -> impl IntoView {
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
                    aria-label=move || format!("{}: {}", ctx.t().intake.new_appeal_for, label)>
                    {tr(|s| s.intake.new_appeal_for)}
                </button>
                <a class="btn btn-secondary" href=Route::Client(id.clone()).href()
                    aria-label=move || format!("{}: {}", ctx.t().intake.open_card, name)>
                    {tr(|s| s.intake.open_card)}
                </a>
            </div>
        </li>
    }
    .into_any()
}
