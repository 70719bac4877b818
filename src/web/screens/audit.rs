//! Settings → audit trail: who did what on this device, newest first, filterable by action and worker. Read from
//! the store when the section opens (the trail is not kept in memory with the other data).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::audit::{newest_first, AuditAction, AuditEvent, AuditFilter};
use crate::i18n;
use crate::storage::{Collection, StoreError, StoreResult};
use crate::web::app::{use_ctx, Ctx};
use crate::web::data::read_paged;
use crate::web::form::{tr, Select};
use crate::web::platform;

/// Events shown at first, and added by "show more".
const PAGE: usize = 50;

/// Every event, read and opened a slice at a time (a long trail read at once held the screen while Settings
/// opened), with how many could not be read.
async fn load(ctx: Ctx) -> StoreResult<(Vec<AuditEvent>, usize)> {
    let store = ctx.store_or_err()?;
    let (mut events, mut unreadable) = (Vec::new(), 0);
    read_paged::<AuditEvent>(&store, Collection::Audit, &mut unreadable, |e| events.push(e)).await?;
    Ok((events, unreadable))
}

fn action_of(code: &str) -> Option<AuditAction> {
    AuditAction::ALL.into_iter().find(|a| a.code() == code)
}

#[component]
pub fn TrailSection() -> impl IntoView {
    let ctx = use_ctx();
    let events = RwSignal::new(Vec::<AuditEvent>::new());
    let failed = RwSignal::new(None::<StoreError>);
    let unreadable = RwSignal::new(0usize);
    let action = RwSignal::new(String::new());
    let worker = RwSignal::new(String::new());
    let limit = RwSignal::new(PAGE);
    // Read when the section opens, and again after every event written meanwhile (a worker added on this page).
    Effect::new(move |_| {
        ctx.trail_changed.track();
        spawn_local(async move {
            match load(ctx).await {
                Ok((e, n)) => {
                    events.try_set(e);
                    unreadable.try_set(n);
                    failed.try_set(None);
                }
                Err(e) => {
                    failed.try_set(Some(e));
                }
            }
        });
    });
    let filter = move || AuditFilter {
        action: action_of(&action.get()),
        worker: Some(worker.get()).filter(|w| !w.is_empty()),
        ..Default::default()
    };
    let action_options = Signal::derive(move || {
        let s = ctx.t();
        std::iter::once((String::new(), s.audit.any_action.to_owned()))
            .chain(AuditAction::ALL.into_iter().map(|a| (a.code().to_owned(), (s.audit.action)(a).to_owned())))
            .collect::<Vec<_>>()
    });
    let worker_options = Signal::derive(move || {
        let mut names: Vec<String> =
            events.with(|e| e.iter().map(|e| e.worker.clone()).filter(|w| !w.is_empty()).collect());
        names.sort();
        names.dedup();
        std::iter::once((String::new(), ctx.t().audit.any_worker.to_owned()))
            .chain(names.into_iter().map(|n| (n.clone(), n)))
            .collect::<Vec<_>>()
    });
    let reset_limit = move || limit.set(PAGE);
    view! {
        <section class="card" aria-labelledby="trail-h">
            <h2 id="trail-h">{tr(|s| s.audit.title)}</h2>
            <p class="muted">{tr(|s| s.audit.intro)}</p>
            <fieldset class="filters">
                <Select id="trail-action" label=|s| s.audit.action_label options=action_options
                    value=Signal::derive(move || action.get())
                    on_change=move |v| { action.set(v); reset_limit(); }/>
                <Select id="trail-worker" label=|s| s.audit.worker_label options=worker_options
                    value=Signal::derive(move || worker.get())
                    on_change=move |v| { worker.set(v); reset_limit(); }/>
            </fieldset>
            {move || failed.get().map(|e| view! {
                <p class="problem" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p>
            })}
            {move || (unreadable.get() > 0).then(|| {
                let (lang, s) = (ctx.lang.get(), ctx.t());
                view! {
                    <p class="problem" role="alert" data-testid="trail-unreadable">
                        {i18n::count(lang, unreadable.get() as u64, &s.settings.unreadable_records)} ". " {s.settings.unreadable_help}
                    </p>
                }
            })}
            {move || {
                let f = filter();
                events.with(|all| {
                    let shown = newest_first(all, &f);
                    let total = shown.len();
                    if total == 0 {
                        return view! { <p class="muted" data-testid="trail-empty">{ctx.t().audit.empty}</p> }.into_any();
                    }
                    let n = total.min(limit.get());
                    let rows = shown.into_iter().take(n).map(|e| row(ctx, e)).collect_view();
                    view! {
                        <p class="muted" role="status">{(ctx.t().audit.shown)(n, total)}</p>
                        <ol class="trail" data-testid="trail">{rows}</ol>
                        {(n < total).then(|| view! {
                            <button type="button" class="btn btn-secondary" on:click=move |_| limit.update(|l| *l += PAGE)>
                                {tr(|s| s.show_more)}
                            </button>
                        })}
                    }
                    .into_any()
                })
            }}
        </section>
    }
}

fn row(ctx: Ctx, e: &AuditEvent) -> impl IntoView {
    let s = ctx.t();
    let lang = ctx.lang.get_untracked();
    let mut details = Vec::new();
    if let Some(id) = &e.subject {
        details.push((s.audit.record)(id.get(0..8).unwrap_or(id)));
    }
    if let Some(n) = e.count {
        details.push(i18n::count(lang, n, &s.audit.records));
    }
    view! {
        <li>
            <span class="trail-when">{platform::local_when(&e.at)}</span>
            <span class="trail-who">{if e.worker.is_empty() { "—".to_owned() } else { e.worker.clone() }}</span>
            <span class="trail-what">{(s.audit.action)(e.action)}</span>
            <span class="trail-detail muted mono">{details.join(" · ")}</span>
        </li>
    }
}
