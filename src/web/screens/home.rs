//! Home: the next action, what is on the device, and what needs attention.

use leptos::prelude::*;

use crate::web::data::DataStoreFields;

use crate::web::form::tr;

use crate::i18n;
use crate::nav::Screen;
use crate::storage::{Collection, Store, StoreError};
use crate::web::app::{use_ctx, StoreState};
use crate::web::icons;

#[derive(Clone)]
struct Overview {
    clients: u32,
    appeals: u32,
}

async fn overview(store: crate::web::AppStore) -> Result<Overview, StoreError> {
    let clients = store.count(Collection::Clients).await?;
    let appeals = store.count(Collection::Appeals).await?;
    Ok(Overview { clients, appeals })
}

#[component]
pub fn HomeScreen() -> impl IntoView {
    let ctx = use_ctx();
    let data = LocalResource::new(move || {
        // The counts change with the cards and the appeals.
        ctx.data.clients().track();
        ctx.data.appeals().track();
        let store = ctx.store();
        async move {
            match store {
                Some(s) => Some(overview(s).await),
                None => None,
            }
        }
    });

    let on_device = move || {
        let lang = ctx.lang.get();
        let s = lang.strings();
        match data.get().flatten() {
            None if ctx.store_state.get() == StoreState::Opening => Some(view! { <p>{s.loading}</p> }.into_any()),
            None => None,
            Some(Err(e)) => Some(view! { <p class="error" role="alert">{i18n::store_error(lang, &e)}</p> }.into_any()),
            Some(Ok(o)) => Some(
                view! {
                    <p class="figures">
                        <span data-testid="count-clients">{i18n::count(lang, o.clients.into(), &s.home.clients)}</span>
                        " · "
                        <span data-testid="count-appeals">{i18n::count(lang, o.appeals.into(), &s.home.appeals)}</span>
                    </p>
                }
                .into_any(),
            ),
        }
    };
    // Drawn once the store is open, not again each time the counts are read again: the line's own count reads every
    // record's head, which at 100,000 clients takes seconds (drawn anew with the counts, it was read twice a change).
    let opened = Memo::new(move |_| matches!(data.get().flatten(), Some(Ok(_))));

    view! {
        <h1 tabindex="-1">{tr(|s| s.home.title)}</h1>
        <p class="lead">{tr(|s| s.home.intro)}</p>
        <a class="btn btn-primary btn-hero" href=Screen::Intake.href()
            on:click=move |ev| { ev.prevent_default(); ctx.go(Screen::Intake); }>
            {icons::new_intake()}
            <span>{tr(|s| s.home.start_intake)}</span>
        </a>
        <Show when=move || ctx.kiosk.get() || ctx.linked.get()>
            <p><a class="btn btn-secondary" href=crate::nav::Route::Queue.href()>{tr(|s| s.kiosk.queue_link)}</a></p>
        </Show>
        <FollowUps/>
        <div class="cards">
            <section class="card" aria-labelledby="on-device">
                <h2 id="on-device">{tr(|s| s.home.on_device)}</h2>
                {on_device}
                <Show when=move || opened.get()>
                    <crate::web::widgets::PendingLine/>
                    <Show when=move || ctx.device.with(|d| d.as_ref().is_some_and(|d| !d.is_named()))>
                        <div class="notice">
                            <p>{tr(|s| s.home.unnamed_device)}</p>
                            <a class="btn btn-secondary" href=Screen::Settings.href()
                                on:click=move |ev| { ev.prevent_default(); ctx.go(Screen::Settings); }>
                                {tr(|s| s.home.open_settings)}
                            </a>
                        </div>
                    </Show>
                </Show>
            </section>
            <section class="card card-quiet">
                <Show when=move || ctx.offline_ready.get()>
                    <p class="ok-line">{icons::check()}<span>{tr(|s| s.home.offline_ready)}</span></p>
                </Show>
                <Show when=move || ctx.persisted.get() == Some(false)>
                    <p class="warn-line">{icons::warning()}<span>{tr(|s| s.home.persist_off)}</span></p>
                </Show>
            </section>
        </div>
    }
}

/// The follow-ups due today and overdue, not marked done, oldest first, each leading to the client's page.
#[component]
fn FollowUps() -> impl IntoView {
    let ctx = use_ctx();
    let due = Memo::new(move |_| {
        let today = crate::web::platform::today();
        ctx.data.appeals().with(|appeals| {
            crate::domain::appeal::due_follow_ups(appeals.values().flatten(), today)
                .into_iter()
                .map(|d| (d.appeal.client_id.clone(), d.appeal.area.clone(), d.on, d.overdue))
                .collect::<Vec<_>>()
        })
    });
    move || {
        let list = due.get();
        (!list.is_empty()).then(|| {
            view! {
                <section class="card card-attention" aria-labelledby="follow-ups-h" data-testid="follow-ups">
                    <h2 id="follow-ups-h">{tr(|s| s.home.follow_ups)}</h2>
                    <ul class="results compact">
                        {list.into_iter().map(|(client_id, area, on, overdue)| {
                            let name = ctx.data.clients().with_untracked(|c| {
                                c.get(&client_id).and_then(|c| c.personal.as_ref().map(|p| p.full_name())).unwrap_or_default()
                            });
                            view! {
                                <li class="result">
                                    <a class="follow-up-link" href=crate::nav::Route::Client(client_id).href()>
                                        <strong>{name}</strong> " · " {area} " · " {on.dotted()}
                                    </a>
                                    <span class=if overdue { "badge badge-warn" } else { "badge" }>
                                        {move || if overdue { ctx.t().home.overdue } else { ctx.t().home.due_today }}
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }
        })
    }
}
