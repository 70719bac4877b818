//! Today's kiosk queue for staff (unlocked): who waits, in the order they are called (those who need help first),
//! who was called to which room, served or left. "Call next" calls the next visitor to the chosen room; the kiosk's
//! welcome screen shows it. The name and phone a visitor gave are opened here with the device's box key, or the
//! centre's key on a staff tablet that holds it (the kiosk itself cannot read them back).
//!
//! On a device enrolled with a centre this is the centre's live queue (`live_queue`): every kiosk's tickets, the
//! call made by the centre (two desks never call one visitor). When the centre does not answer, the screen says so
//! and works on this device's own queue meanwhile.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::crypto::keyring::{Keyring, KEYRING_ID};
use crate::domain::kiosk::{self, KioskSettings, NeedsHelp, Ticket, TicketState, Visitor, KIOSK_ID};
use crate::i18n;
use crate::kiosk::{all_feedback, call_next, finish, tickets_of, Outcome};
use crate::web::screens::live_queue::{self, Reach};
use crate::storage::{self, codec, StoreError};
use crate::web::app::{use_ctx, Ctx};
use crate::web::form::{tr, Select};
use crate::web::platform;

type Identities = Vec<zeroize::Zeroizing<String>>;

/// What opens what visitors gave (kept for the screen's life: opened once, not at every refresh): the device's box
/// identity (this kiosk's own tickets) and, on a centre's staff tablet, the centre's identity (tickets and feedback
/// imported from a kiosk's batches, sealed to the centre too).
async fn identities(ctx: Ctx) -> Result<Identities, StoreError> {
    let store = ctx.store_or_err()?;
    let Some(mut ring) = storage::load::<Keyring>(&store, KEYRING_ID).await? else { return Ok(Vec::new()) };
    let key = codec::data_key()?;
    let mut out = Vec::new();
    if ring.device_box.is_some() {
        if let Ok((i, _)) = ring.box_identity(&key).await {
            out.push(i);
        }
    }
    if let Ok(Some(i)) = ring.centre_identity(&key).await {
        out.push(i);
    }
    Ok(out)
}

/// What a visitor gave, opened with whichever identity it was sealed to.
fn open_any<T: serde::de::DeserializeOwned>(ids: &Identities, sealed: &str) -> Option<T> {
    ids.iter().find_map(|i| kiosk::open::<T>(i, sealed))
}

/// Today's tickets and the rooms: the centre's live queue when it answers (this device's own tickets sent first: a
/// kiosk a worker unlocked), else this device's.
async fn read(ctx: Ctx) -> Result<(Vec<Ticket>, Vec<String>, Reach), StoreError> {
    let store = ctx.store_or_err()?;
    let today = platform::today();
    let sent = live_queue::sync(&store, today).await?;
    let mut desks = storage::load::<KioskSettings>(&store, KIOSK_ID).await?.map(|k| k.desks).unwrap_or_default();
    let (reach, centre) = live_queue::read(&store, today).await?;
    let reach = if sent == Reach::Refused { sent } else { reach };
    if let Some(q) = centre {
        for d in q.desks {
            if !desks.contains(&d) {
                desks.push(d);
            }
        }
        return Ok((q.tickets, desks, reach));
    }
    let tickets: Vec<Ticket> = tickets_of(&store, today).await?.into_iter().map(|(t, _)| t).collect();
    Ok((tickets, desks, reach))
}

/// Calls the next visitor: at the centre while it answers, else on this device.
async fn call_one(ctx: Ctx, to: &str, reach: RwSignal<Reach>) -> Result<Option<Ticket>, StoreError> {
    let store = ctx.store_or_err()?;
    if reach.get_untracked() == Reach::Answered {
        match live_queue::call(&store, platform::today(), to).await? {
            Ok(t) => return Ok(t),
            Err(r) => {
                reach.try_set(r);
            }
        }
    }
    call_next(&store, platform::today(), to, &platform::now_iso()).await
}

/// Marks a visitor served or gone: at the centre while it answers, else on this device.
async fn finish_one(ctx: Ctx, id: &str, outcome: Outcome, reach: RwSignal<Reach>) -> Result<(), StoreError> {
    let store = ctx.store_or_err()?;
    if reach.get_untracked() == Reach::Answered {
        match live_queue::finish(&store, id, outcome).await? {
            Ok(_) => return Ok(()),
            Err(r) => {
                reach.try_set(r);
            }
        }
    }
    finish(&store, id, outcome, &platform::now_iso()).await.map(|_| ())
}

/// One ticket as staff see it: what the visitor gave opened with the box identity.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    ticket: Ticket,
    visitor: Option<Visitor>,
}

#[component]
pub fn QueueScreen() -> impl IntoView {
    let ctx = use_ctx();
    let rows = RwSignal::new(Vec::<Row>::new());
    let desks = RwSignal::new(Vec::<String>::new());
    let desk = RwSignal::new(String::new());
    let error = RwSignal::new(None::<StoreError>);
    let called = RwSignal::new(None::<(String, String)>);
    let nobody = RwSignal::new(false);
    let identity = StoredValue::new(None::<Identities>);
    let reach = RwSignal::new(Reach::NotLinked);
    let refresh = move || {
        spawn_local(async move {
            if identity.try_with_value(Option::is_none) == Some(true) {
                match identities(ctx).await {
                    Ok(i) => {
                        identity.try_set_value(Some(i));
                    }
                    Err(e) => {
                        error.try_set(Some(e));
                        return;
                    }
                }
            }
            let ids: Identities = identity.try_with_value(|i| i.clone().unwrap_or_default()).unwrap_or_default();
            match read(ctx).await {
                Ok((tickets, d, r)) => {
                    reach.try_set(r);
                    let opened = tickets
                        .into_iter()
                        .map(|t| {
                            let visitor = t.visitor.as_ref().and_then(|sealed| open_any::<Visitor>(&ids, sealed));
                            Row { ticket: t, visitor }
                        })
                        .collect();
                    rows.try_set(opened);
                    if desk.get_untracked().is_empty() {
                        desk.try_set(d.first().cloned().unwrap_or_default());
                    }
                    desks.try_set(d);
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    refresh();
    if let Ok(t) = set_interval_with_handle(refresh, std::time::Duration::from_secs(5)) {
        on_cleanup(move || t.clear());
    }
    let call = move |_| {
        let to = desk.get_untracked();
        spawn_local(async move {
            match call_one(ctx, &to, reach).await {
                Ok(Some(t)) => {
                    called.try_set(Some((t.label(), to)));
                    nobody.try_set(false);
                }
                Ok(None) => {
                    nobody.try_set(true);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            refresh();
        });
    };
    let done = move |id: String, outcome: Outcome| {
        spawn_local(async move {
            if let Err(e) = finish_one(ctx, &id, outcome, reach).await {
                error.try_set(Some(e));
            }
            refresh();
        });
    };
    let waiting = Memo::new(move |_| {
        let all: Vec<Ticket> = rows.with(|r| r.iter().map(|r| r.ticket.clone()).collect());
        let order: Vec<String> = kiosk::waiting(&all, platform::today()).into_iter().map(|t| t.id.clone()).collect();
        order.into_iter().filter_map(|id| rows.with(|r| r.iter().find(|x| x.ticket.id == id).cloned())).collect::<Vec<_>>()
    });
    let others = Memo::new(move |_| {
        let mut v: Vec<Row> = rows.with(|r| r.iter().filter(|x| x.ticket.state != TicketState::Waiting).cloned().collect());
        v.sort_by_key(|r| std::cmp::Reverse(r.ticket.number));
        v
    });
    let desk_options = Signal::derive(move || desks.get().into_iter().map(|d| (d.clone(), d)).collect::<Vec<_>>());
    view! {
        <h1 tabindex="-1">{tr(|s| s.kiosk.queue_title)}</h1>
        <p class="muted" role="status" data-testid="queue-reach">{move || match reach.get() {
            Reach::NotLinked => "",
            Reach::Answered => ctx.t().kiosk.queue_live,
            Reach::NoAnswer => ctx.t().kiosk.queue_alone,
            Reach::Refused => ctx.t().export.send_revoked,
        }}</p>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p> })}
        <section class="card" aria-labelledby="call-h">
            <h2 id="call-h">{tr(|s| s.kiosk.queue_call_title)}</h2>
            <Select id="queue-desk" label=|s| s.kiosk.queue_desk options=desk_options value=desk
                on_change=Callback::new(move |v| desk.set(v))/>
            <div class="form-actions">
                <button type="button" class="btn btn-primary" on:click=call>{tr(|s| s.kiosk.queue_call)}</button>
                <p class="form-status" role="status" data-testid="queue-called">
                    {move || match (called.get(), nobody.get()) {
                        (_, true) => ctx.t().kiosk.queue_nobody.to_owned(),
                        (Some((label, desk)), false) => (ctx.t().kiosk.called)(&label, &desk),
                        (None, false) => String::new(),
                    }}
                </p>
            </div>
        </section>
        <section class="card" aria-labelledby="waiting-h">
            <h2 id="waiting-h">{tr(|s| s.kiosk.queue_waiting)}</h2>
            <ol class="results" data-testid="queue-waiting">
                {move || waiting.get().into_iter().map(|r| view! { <TicketRow row=r done=None/> }).collect_view()}
            </ol>
            <Show when=move || waiting.with(Vec::is_empty)>
                <p class="muted">{tr(|s| s.kiosk.queue_empty)}</p>
            </Show>
        </section>
        <section class="card" aria-labelledby="others-h">
            <h2 id="others-h">{tr(|s| s.kiosk.queue_others)}</h2>
            <ul class="results" data-testid="queue-others">
                {move || others.get().into_iter().map(|r| view! { <TicketRow row=r done=Some(Callback::new(move |(id, o)| done(id, o)))/> }).collect_view()}
            </ul>
        </section>
        <FeedbackResults/>
    }
}

/// Visitors' feedback by week (counts and each question's average), and the comments, opened with the box key.
#[component]
fn FeedbackResults() -> impl IntoView {
    let ctx = use_ctx();
    let weeks = RwSignal::new(Vec::<kiosk::Week>::new());
    let comments = RwSignal::new(Vec::<(String, String)>::new());
    let error = RwSignal::new(None::<StoreError>);
    spawn_local(async move {
        let read = async {
            let all = all_feedback(&ctx.store_or_err()?).await?;
            let ids = identities(ctx).await?;
            let mut opened: Vec<(String, String)> = all
                .iter()
                .filter_map(|f| {
                    let text = open_any::<String>(&ids, f.comment.as_ref()?)?;
                    Some((f.day.clone(), text))
                })
                .collect();
            opened.sort_by(|a, b| b.0.cmp(&a.0));
            Ok::<_, StoreError>((kiosk::by_week(&all), opened))
        };
        match read.await {
            Ok((w, c)) => {
                weeks.try_set(w);
                comments.try_set(c);
            }
            Err(e) => {
                error.try_set(Some(e));
            }
        }
    });
    let cell = move |avg: Option<f64>, n: usize| match avg {
        Some(a) => format!("{} ({n})", i18n::tenths(ctx.t(), kiosk::tenths(a))),
        None => "—".to_owned(),
    };
    view! {
        <section class="card" aria-labelledby="results-h">
            <h2 id="results-h">{tr(|s| s.kiosk.results_title)}</h2>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p> })}
            <Show when=move || !weeks.with(Vec::is_empty) fallback=|| view! { <p class="muted">{tr(|s| s.kiosk.results_none)}</p> }>
                <p class="muted">{tr(|s| s.kiosk.results_scale)}</p>
                <div class="table-wrap">
                    <table class="data-table" data-testid="feedback-weeks">
                        <thead>
                            <tr>
                                <th scope="col">{tr(|s| s.kiosk.results_week)}</th>
                                <th scope="col">{tr(|s| s.kiosk.results_count)}</th>
                                {kiosk::Question::ALL.into_iter().map(|q| view! {
                                    <th scope="col">{move || i18n::feedback_question(ctx.t(), q).1}</th>
                                }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {move || weeks.get().into_iter().map(|w| view! {
                                <tr>
                                    <th scope="row">{w.monday.dotted()}</th>
                                    <td>{w.count}</td>
                                    {w.averages.into_iter().map(|(_, a, n)| view! { <td>{cell(a, n)}</td> }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <Show when=move || !comments.with(Vec::is_empty)>
                    <h3>{tr(|s| s.kiosk.results_comments)}</h3>
                    <ul class="comments" data-testid="feedback-comments">
                        {move || comments.get().into_iter().map(|(day, text)| view! {
                            <li><span class="muted">{crate::domain::date::Date::parse_iso(&day).map(|d| d.dotted()).unwrap_or(day)}</span> " " {text}</li>
                        }).collect_view()}
                    </ul>
                </Show>
            </Show>
        </section>
    }
}

#[component]
fn TicketRow(row: Row, done: Option<Callback<(String, Outcome)>>) -> impl IntoView {
    let ctx = use_ctx();
    let t = row.ticket;
    let label = t.label();
    let time = platform::local_time_of(&t.issued_at);
    let needs: Vec<NeedsHelp> = t.needs.clone();
    // The search a new intake begins with: the name the visitor gave, else the phone.
    let query = row.visitor.as_ref().map(|v| if v.name.is_empty() { v.phone.clone() } else { v.name.clone() }).unwrap_or_default();
    let who = row.visitor.map(|v| [v.name, v.phone].into_iter().filter(|x| !x.is_empty()).collect::<Vec<_>>().join(", "));
    let state = t.state.clone();
    let called = matches!(state, TicketState::Called { .. });
    let id = t.id.clone();
    let waiting_or_called = matches!(state, TicketState::Waiting | TicketState::Called { .. });
    let start = {
        let area = t.area.clone();
        move |_| {
            ctx.intake_from_ticket.set(Some((query.clone(), area.clone())));
            ctx.go(crate::nav::Screen::Intake);
        }
    };
    let start_label = format!("{}: {label}", ctx.t().kiosk.queue_start_intake);
    view! {
        <li class="result">
            <div class="summary">
                <p class="figures"><strong>{label.clone()}</strong> " · " {time} " · " {t.area.clone()}</p>
                {(!needs.is_empty()).then(|| view! {
                    <p><span class="badge">{tr(|s| s.kiosk.queue_priority)}</span> " "
                        {move || needs.iter().map(|n| i18n::needs_help(ctx.t(), *n)).collect::<Vec<_>>().join("; ")}</p>
                })}
                {who.map(|w| view! { <p>{w}</p> })}
                <p class="muted">{move || match &state {
                    TicketState::Waiting => String::new(),
                    TicketState::Called { desk, .. } => (ctx.t().kiosk.queue_state_called)(desk),
                    TicketState::Served { .. } => ctx.t().kiosk.queue_state_served.to_owned(),
                    TicketState::Left { .. } => ctx.t().kiosk.queue_state_left.to_owned(),
                }}</p>
            </div>
            {waiting_or_called.then(|| view! {
                <div class="result-actions">
                    <button type="button" class="btn btn-secondary" aria-label=start_label on:click=start>
                        {tr(|s| s.kiosk.queue_start_intake)}
                    </button>
                </div>
            })}
            {(called && done.is_some()).then(|| {
                let (a, b) = (id.clone(), id.clone());
                let done = done.unwrap_or_else(|| Callback::new(|_| {}));
                view! {
                    <div class="result-actions">
                        <button type="button" class="btn btn-primary" aria-label=format!("{}: {label}", ctx.t().kiosk.queue_served)
                            on:click=move |_| done.run((a.clone(), Outcome::Served))>{tr(|s| s.kiosk.queue_served)}</button>
                        <button type="button" class="btn btn-secondary" aria-label=format!("{}: {label}", ctx.t().kiosk.queue_left)
                            on:click=move |_| done.run((b.clone(), Outcome::Left))>{tr(|s| s.kiosk.queue_left)}</button>
                    </div>
                }
            })}
        </li>
    }
}
