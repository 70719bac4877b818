//! Step 1: search first — an existing card is found before a new one is made.

use leptos::prelude::*;

use crate::web::data::DataStoreFields;

use crate::domain::intake::{IntakeDraft, Step};
use crate::i18n::{self};
use crate::nav::Route;
use crate::web::app::use_ctx;
use crate::web::form::{tr, TextInput};

use super::lens;
use crate::web::widgets::SummaryLines;

/// What the results area shows: it is drawn again only when this changes; the rows themselves stay in place.
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
    // What each row shows, read from the cards once per search.
    let rows = Memo::new(move |_| {
        hits.with(|ids| {
            ctx.data.clients().with(|clients| {
                ids.iter()
                    .filter_map(|id| clients.get(id).map(|c| Row { id: id.clone(), lines: SummaryLines::of(c) }))
                    .collect::<Vec<_>>()
            })
        })
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
                            // Keyed by place: typing on changes the words of the rows, it does not make and drop
                            // rows (each made row costs the page more than a search of the whole register).
                            <For each=move || 0..rows.with(Vec::len) key=|i| *i let:i>
                                <HitSlot i=i rows=rows draft=draft/>
                            </For>
                        </ul>
                    }.into_any()),
                }}
            </div>
            <button type="button" class="btn btn-primary" on:click=register>{tr(|s| s.intake.register_new)}</button>
        </section>
    }
}

/// A result as drawn: the card's id and what its summary says.
#[derive(Clone, PartialEq)]
struct Row {
    id: String,
    lines: SummaryLines,
}

/// The `i`-th result: the same elements whatever card is found there, its words and links following `rows`.
#[component]
fn HitSlot(i: usize, rows: Memo<Vec<Row>>, draft: RwSignal<IntakeDraft>) -> impl IntoView {
    let ctx = use_ctx();
    // Changes only when another card (or the same card changed) comes to this place.
    let row = Memo::new(move |_| rows.with(|rows| rows.get(i).cloned()));
    // Each button is named by its own words and the card's name ("Нове звернення Шевченко Олена Петрівна"), by
    // reference: nothing to write again when another card comes to this place.
    let (name_id, new_id, open_id) = (format!("hit-{i}-name"), format!("hit-{i}-new"), format!("hit-{i}-open"));
    let pick = move |_| {
        if let Some(r) = row.get_untracked() {
            draft.update(|d| {
                d.client_id = Some(r.id);
                d.step = Step::Appeal;
            });
        }
    };
    view! {
        <li class="result">
            <div class="summary">
                <p id=name_id.clone() class="summary-name" class:muted=move || row.with(|r| r.as_ref().is_some_and(|r| r.lines.name().is_empty()))>
                    {move || row.with(|r| r.as_ref().map(|r| r.lines.first(ctx.t())).unwrap_or_default())}
                </p>
                <p class="muted" hidden=move || row.with(|r| r.as_ref().is_none_or(|r| r.lines.details().is_empty()))>
                    {move || row.with(|r| r.as_ref().map(|r| r.lines.details().to_owned()).unwrap_or_default())}
                </p>
            </div>
            <div class="result-actions">
                <button type="button" class="btn btn-primary" on:click=pick id=new_id.clone()
                    aria-labelledby=format!("{new_id} {name_id}")>
                    {tr(|s| s.intake.new_appeal_for)}
                </button>
                <a class="btn btn-secondary" href=move || row.with(|r| r.as_ref().map(|r| Route::Client(r.id.clone()).href()))
                    id=open_id.clone() aria-labelledby=format!("{open_id} {name_id}")>
                    {tr(|s| s.intake.open_card)}
                </a>
            </div>
        </li>
    }
}

/// A card found, as the card step lists the similar cards and the likely duplicates: its summary, "new appeal" and
/// "open card". What it shows is read from the card once, and the row is ONE reactive piece (drawn again when the
/// language changes), not one for each of its words.
#[component]
pub(super) fn SearchHit(id: String, draft: RwSignal<IntakeDraft>) -> impl IntoView {
    let ctx = use_ctx();
    let Some(lines) = ctx.data.clients().with_untracked(|clients| clients.get(&id).map(SummaryLines::of)) else {
        return ().into_any();
    };
    let href = Route::Client(id.clone()).href();
    let pick = move |id: String| {
        draft.update(|d| {
            d.client_id = Some(id);
            d.step = Step::Appeal;
        });
    };
    (move || {
        let s = ctx.t();
        let id = id.clone();
        view! {
            <li class="result">
                {lines.view(s)}
                <div class="result-actions">
                    <button type="button" class="btn btn-primary" on:click=move |_| pick(id.clone())
                        aria-label=format!("{}: {}", s.intake.new_appeal_for, lines.name())>
                        {s.intake.new_appeal_for}
                    </button>
                    <a class="btn btn-secondary" href=href.clone()
                        aria-label=format!("{}: {}", s.intake.open_card, lines.name())>
                        {s.intake.open_card}
                    </a>
                </div>
            </li>
        }
    })
    .into_any()
}
