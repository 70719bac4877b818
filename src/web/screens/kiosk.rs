//! The waiting-room kiosk (issue: write-only, one visitor at a time): the welcome screen with whoever is being
//! called, and a queue ticket in a few steps, one question per screen, large targets. Nothing a visitor types is
//! kept readable: the name and phone are sealed to public keys before the ticket is written, and everything typed is
//! cleared when the visitor is done, starts over, or leaves the kiosk untouched.
//!
//! No staff screen is part of this: "for staff" only opens the unlock form (a worker's passphrase), and a reload or a
//! crash starts the kiosk again (the device's kiosk setting is read before any unlock).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::crypto::keyring::{Keyring, KEYRING_ID};
use crate::domain::eligibility::Rules;
use crate::domain::kiosk::{
    Feedback, FeedbackProblem, KioskSettings, NeedsHelp, Question, Ticket, TicketState, Visitor, VisitorProblem, KIOSK_ID,
    MAX_COMMENT,
};
use crate::i18n::{self, Lang};
use crate::kiosk::{give_feedback, issue, tickets_of, IssueError, Request};
use crate::storage;
use crate::web::app::{new_id, use_ctx, Ctx};
use crate::web::form::{tr, TextArea, TextInput};
use crate::web::lock::Gate;
use crate::web::platform;

/// After this long untouched, the kiosk asks whether the visitor is still there…
const IDLE_ASK_SECS: f64 = 60.0;
/// …and this long after asking, clears everything and returns to the welcome screen.
const IDLE_CLEAR_SECS: f64 = 15.0;

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Welcome,
    Area,
    Help,
    Contact,
    Before,
    Done(Ticket),
    /// Feedback: the question at this index of [`Question::ALL`].
    Question(usize),
    Comment,
    Thanks,
}

/// What the kiosk was set up with, and the keys it seals to.
#[derive(Debug, Clone, PartialEq)]
struct Setup {
    settings: KioskSettings,
    recipients: Vec<String>,
    /// The rules file shipped with the app: what to have ready for an area.
    rules: Option<Rules>,
}

/// What one visitor has chosen and typed so far.
#[derive(Clone, Copy)]
struct Visit {
    step: RwSignal<Step>,
    area: RwSignal<String>,
    needs: RwSignal<Vec<NeedsHelp>>,
    name: RwSignal<String>,
    phone: RwSignal<String>,
    problem: RwSignal<Option<VisitorProblem>>,
    failed: RwSignal<bool>,
    answers: RwSignal<Vec<(Question, u8)>>,
    comment: RwSignal<String>,
    feedback_problem: RwSignal<Option<FeedbackProblem>>,
}

impl Visit {
    fn new() -> Self {
        Visit {
            step: RwSignal::new(Step::Welcome),
            area: RwSignal::new(String::new()),
            needs: RwSignal::new(Vec::new()),
            name: RwSignal::new(String::new()),
            phone: RwSignal::new(String::new()),
            problem: RwSignal::new(None),
            failed: RwSignal::new(false),
            answers: RwSignal::new(Vec::new()),
            comment: RwSignal::new(String::new()),
            feedback_problem: RwSignal::new(None),
        }
    }

    /// Everything of this visitor gone from the page and memory; the next one starts in Ukrainian.
    fn clear(self, ctx: Ctx) {
        self.area.set(String::new());
        self.needs.set(Vec::new());
        self.name.set(String::new());
        self.phone.set(String::new());
        self.problem.set(None);
        self.failed.set(false);
        self.answers.set(Vec::new());
        self.comment.set(String::new());
        self.feedback_problem.set(None);
        self.step.set(Step::Welcome);
        stop_speaking();
        ctx.lang.set(Lang::Uk);
    }
}

async fn load_setup(ctx: Ctx) -> Result<Option<Setup>, storage::StoreError> {
    let store = ctx.store_or_err()?;
    let Some(settings) = storage::load::<KioskSettings>(&store, KIOSK_ID).await? else { return Ok(None) };
    let ring = storage::load::<Keyring>(&store, KEYRING_ID).await?;
    let mut recipients: Vec<String> = ring.as_ref().and_then(|r| r.box_recipient()).map(str::to_owned).into_iter().collect();
    recipients.extend(ctx.device.with_untracked(|d| d.as_ref().map(|d| d.centre_keys.clone()).unwrap_or_default()));
    let rules = platform::fetch_text("rules.json").await.and_then(|t| Rules::parse(&t).ok());
    Ok(Some(Setup { settings, recipients, rules }))
}

#[component]
pub fn KioskScreen() -> impl IntoView {
    let ctx = use_ctx();
    let setup = RwSignal::new(None::<Setup>);
    let failed = RwSignal::new(None::<storage::StoreError>);
    let loaded = RwSignal::new(false);
    spawn_local(async move {
        match load_setup(ctx).await {
            Ok(s) => {
                setup.try_set(s);
            }
            Err(e) => {
                failed.try_set(Some(e));
            }
        }
        loaded.try_set(true);
    });
    let visit = Visit::new();
    idle_reset(ctx, visit);
    share_queue(ctx);

    view! {
        <div class="kiosk" data-testid="kiosk">
            <main id="main" class="kiosk-main" tabindex="-1">
                {move || failed.get().map(|e| view! { <p class="error" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p> })}
                {move || match (loaded.get(), setup.get()) {
                    (false, _) => view! { <p class="muted" role="status">{tr(|s| s.loading)}</p> }.into_any(),
                    (true, None) => view! {
                        <h1 tabindex="-1">{tr(|s| s.kiosk.not_set_up)}</h1>
                        <StaffButton/>
                    }.into_any(),
                    (true, Some(s)) => view! { <Steps setup=s visit=visit/> }.into_any(),
                }}
            </main>
            <StillHere visit=visit/>
        </div>
    }
}

/// The queue shared with the centre, every few seconds while the kiosk runs (`live_queue::sync`): its tickets go to
/// the centre, and visitors called from staff tablets come back (the welcome screen shows them from the device's
/// own queue). No visitor waits on it; with no centre, or none answering, the kiosk works alone as before and the
/// next try sends what it did meanwhile. Staff see whether the centre answers on the queue screen.
fn share_queue(ctx: Ctx) {
    let busy = StoredValue::new(false);
    let go = move || {
        let Some(store) = ctx.store() else { return };
        if !platform::is_online() || busy.try_get_value() != Some(false) {
            return;
        }
        busy.set_value(true);
        spawn_local(async move {
            // A failed try changes nothing on the device and is tried again in a few seconds.
            let _ = super::live_queue::sync(&store, platform::today()).await;
            busy.try_set_value(false);
        });
    };
    go();
    if let Ok(t) = set_interval_with_handle(go, std::time::Duration::from_secs(5)) {
        on_cleanup(move || t.clear());
    }
}

/// Untouched for a minute away from the welcome screen: "are you still there?", then everything is cleared.
fn idle_reset(ctx: Ctx, visit: Visit) {
    let last = StoredValue::new(js_sys::Date::now());
    let touch = move |_| {
        last.set_value(js_sys::Date::now());
        full_screen();
    };
    let listeners = [
        window_event_listener_untyped("pointerdown", touch),
        window_event_listener_untyped("keydown", touch),
        window_event_listener_untyped("input", touch),
    ];
    let asking = RwSignal::new(None::<u32>);
    provide_context(StillHereSecs(asking));
    let tick = move || {
        if visit.step.try_get_untracked().is_none_or(|s| s == Step::Welcome) {
            last.set_value(js_sys::Date::now());
            asking.try_set(None);
            return;
        }
        let idle = (js_sys::Date::now() - last.get_value()) / 1000.0;
        if idle >= IDLE_ASK_SECS + IDLE_CLEAR_SECS {
            asking.try_set(None);
            visit.clear(ctx);
        } else if idle >= IDLE_ASK_SECS {
            asking.try_set(Some((IDLE_ASK_SECS + IDLE_CLEAR_SECS - idle).ceil() as u32));
        } else if asking.get_untracked().is_some() {
            asking.try_set(None);
        }
    };
    let timer = set_interval_with_handle(tick, std::time::Duration::from_millis(500)).ok();
    on_cleanup(move || {
        for l in listeners {
            l.remove();
        }
        // Leaving the kiosk (a worker's unlock form): the browser's own bars come back.
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if doc.fullscreen_element().is_some() {
                doc.exit_fullscreen();
            }
        }
        if let Some(t) = timer {
            t.clear();
        }
    });
}

/// The kiosk fills the screen (no browser bars to leave by) from the first touch: browsers allow it only on a touch.
/// The installed app on a pinned tablet has no bars anyway; this covers a kiosk opened in the browser.
fn full_screen() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if doc.fullscreen_enabled() && doc.fullscreen_element().is_none() {
        if let Some(root) = doc.document_element() {
            // Refused (an embedded page, a browser setting): the kiosk works the same, with the bars.
            let _ = root.request_fullscreen();
        }
    }
}

#[derive(Clone, Copy)]
struct StillHereSecs(RwSignal<Option<u32>>);

#[component]
fn StillHere(visit: Visit) -> impl IntoView {
    let ctx = use_ctx();
    let StillHereSecs(asking) = use_context::<StillHereSecs>().unwrap_or(StillHereSecs(RwSignal::new(None)));
    let _ = visit;
    move || {
        asking.get().map(|secs| {
            view! {
                <div class="kiosk-dialog" role="alertdialog" aria-modal="true" aria-labelledby="still-here-h"
                    aria-describedby="still-here-p">
                    <div class="kiosk-dialog-box">
                        <h2 id="still-here-h">{tr(|s| s.kiosk.still_here)}</h2>
                        <p id="still-here-p" data-testid="still-here-secs">{(ctx.t().kiosk.still_here_hint)(&secs.to_string())}</p>
                        // Any touch counts as "still here"; the button gives it a name.
                        <button type="button" class="kbtn kbtn-primary" autofocus=true on:click=move |_| asking.set(None)>
                            {tr(|s| s.kiosk.still_here_yes)}
                        </button>
                        <Listen clip="still-here"/>
                    </div>
                </div>
            }
        })
    }
}

/// "For staff": the unlock form (a worker's passphrase); untouched, it returns to the kiosk.
#[component]
fn StaffButton() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <button type="button" class="kbtn-quiet" on:click=move |_| ctx.gate.set(Gate::Locked)>{tr(|s| s.kiosk.for_staff)}</button>
    }
}

#[component]
fn Steps(setup: Setup, visit: Visit) -> impl IntoView {
    let setup = StoredValue::new(setup);
    move || match visit.step.get() {
        Step::Welcome => view! { <Welcome setup=setup.get_value() visit=visit/> }.into_any(),
        Step::Area => view! { <AreaStep setup=setup.get_value() visit=visit/> }.into_any(),
        Step::Help => view! { <HelpStep visit=visit/> }.into_any(),
        Step::Contact => view! { <ContactStep visit=visit/> }.into_any(),
        Step::Before => view! { <BeforeStep setup=setup.get_value() visit=visit/> }.into_any(),
        Step::Done(t) => view! { <TicketShown setup=setup.get_value() visit=visit ticket=t/> }.into_any(),
        Step::Question(i) => view! { <QuestionStep index=i visit=visit/> }.into_any(),
        Step::Comment => view! { <CommentStep setup=setup.get_value() visit=visit/> }.into_any(),
        Step::Thanks => view! { <ThanksStep visit=visit/> }.into_any(),
    }
}

/// The last visitor called today, shown large on the welcome screen (read every few seconds: staff call from
/// another tab or after unlocking).
fn now_calling(ctx: Ctx) -> RwSignal<Option<(String, String)>> {
    let calling = RwSignal::new(None::<(String, String)>);
    let read = move || {
        let Some(store) = ctx.store() else { return };
        spawn_local(async move {
            if let Ok(all) = tickets_of(&store, platform::today()).await {
                let last = all
                    .into_iter()
                    .filter_map(|(t, _)| match &t.state {
                        TicketState::Called { at, desk } => Some((at.clone(), t.label(), desk.clone())),
                        _ => None,
                    })
                    .max();
                calling.try_set(last.map(|(_, label, desk)| (label, desk)));
            }
        });
    };
    read();
    if let Ok(t) = set_interval_with_handle(read, std::time::Duration::from_secs(3)) {
        on_cleanup(move || t.clear());
    }
    calling
}

#[component]
fn Welcome(setup: Setup, visit: Visit) -> impl IntoView {
    let ctx = use_ctx();
    let calling = now_calling(ctx);
    let k = setup.settings;
    chime_on_call(ctx, calling);
    let other = move |_| {
        stop_speaking();
        ctx.lang.update(|l| *l = if *l == Lang::Uk { Lang::En } else { Lang::Uk });
    };
    view! {
        <div class="kiosk-top">
            <Listen clip="welcome"/>
            <button type="button" class="kbtn kbtn-quiet-lang" on:click=other>{tr(|s| s.kiosk.other_lang)}</button>
        </div>
        <p class="kiosk-centre">{k.centre.clone()}</p>
        {(!k.hours.is_empty() || !k.address.is_empty()).then(|| view! {
            <p class="kiosk-muted">{[k.address.clone(), k.hours.clone()].into_iter().filter(|x| !x.is_empty()).collect::<Vec<_>>().join(" · ")}</p>
        })}
        <h1 tabindex="-1">{tr(|s| s.kiosk.welcome)}</h1>
        {(!k.tickets_off).then(|| view! {
            <p class="kiosk-lead">{tr(|s| s.kiosk.welcome_hint)}</p>
            <button type="button" class="kbtn kbtn-primary kbtn-huge" on:click=move |_| visit.step.set(Step::Area)>
                {tr(|s| s.kiosk.get_ticket)}
            </button>
        })}
        {(!k.feedback_off).then(|| view! {
            <button type="button" class=if k.tickets_off { "kbtn kbtn-primary kbtn-huge" } else { "kbtn kbtn-wide" }
                on:click=move |_| visit.step.set(Step::Question(0))>
                {tr(|s| s.kiosk.leave_feedback)}
            </button>
        })}
        <div class="kiosk-calling" role="status" aria-live="polite" data-testid="now-calling">
            {move || calling.get().map(|(label, desk)| (ctx.t().kiosk.called)(&label, &desk))}
        </div>
        <div class="kiosk-foot">
            <StaffButton/>
        </div>
    }
}

/// Back and start over, on every step.
#[component]
fn Nav(
    visit: Visit,
    back: Step,
    /// What "Listen" reads on this step.
    clip: &'static str,
    /// Read after the clip's text by a local voice (what the centre typed, such as its areas).
    #[prop(default = None)]
    extra: Option<Signal<String>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let back = StoredValue::new(back);
    view! {
        <div class="kiosk-nav">
            <button type="button" class="kbtn" on:click=move |_| {
                stop_speaking();
                visit.step.set(back.get_value());
            }>{tr(|s| s.kiosk.back)}</button>
            <Listen clip=clip extra=extra/>
            <button type="button" class="kbtn" on:click=move |_| visit.clear(ctx)>{tr(|s| s.kiosk.start_over)}</button>
        </div>
    }
}

#[component]
fn AreaStep(setup: Setup, visit: Visit) -> impl IntoView {
    let ctx = use_ctx();
    let mut areas = setup.settings.areas.clone();
    let other = ctx.t().kiosk.area_other.to_owned();
    let named = setup.settings.areas.join(". ");
    areas.push(String::new());
    view! {
        <Nav visit=visit back=Step::Welcome clip="area" extra=Some(Signal::derive(move || named.clone()))/>
        <h1 tabindex="-1" id="area-h">{tr(|s| s.kiosk.area_q)}</h1>
        <div class="kiosk-choices" role="group" aria-labelledby="area-h">
            {areas.into_iter().map(|a| {
                let shown = if a.is_empty() { other.clone() } else { a.clone() };
                view! {
                    <button type="button" class="kbtn kbtn-choice" on:click=move |_| {
                        visit.area.set(a.clone());
                        visit.step.set(Step::Help);
                    }>{shown}</button>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
fn HelpStep(visit: Visit) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <Nav visit=visit back=Step::Area clip="help"/>
        <h1 tabindex="-1" id="help-h">{tr(|s| s.kiosk.help_q)}</h1>
        <p class="kiosk-lead">{tr(|s| s.kiosk.help_hint)}</p>
        <div class="kiosk-choices" role="group" aria-labelledby="help-h">
            {NeedsHelp::ALL.into_iter().map(|n| {
                let on = move || visit.needs.with(|v| v.contains(&n));
                view! {
                    <button type="button" class="kbtn kbtn-choice kbtn-toggle" aria-pressed=move || on().to_string()
                        on:click=move |_| visit.needs.update(|v| if v.contains(&n) { v.retain(|x| *x != n) } else { v.push(n) })>
                        <span class="kbtn-tick" aria-hidden="true">{move || if on() { "✓" } else { "" }}</span>
                        {move || i18n::needs_help(ctx.t(), n)}
                    </button>
                }
            }).collect_view()}
        </div>
        <button type="button" class="kbtn kbtn-primary kbtn-wide" on:click=move |_| visit.step.set(Step::Contact)>
            {tr(|s| s.kiosk.next)}
        </button>
    }
}

#[component]
fn ContactStep(visit: Visit) -> impl IntoView {
    let ctx = use_ctx();
    let problem = move |which: VisitorProblem| {
        Signal::derive(move || {
            (visit.problem.get() == Some(which)).then(|| match which {
                VisitorProblem::Phone => ctx.t().kiosk.phone_bad.to_owned(),
                VisitorProblem::Name => ctx.t().kiosk.name_bad.to_owned(),
            })
        })
    };
    let next = move |_| match Visitor::typed(&visit.name.get_untracked(), &visit.phone.get_untracked()) {
        Ok(_) => {
            visit.problem.set(None);
            visit.step.set(Step::Before);
        }
        Err(p) => {
            visit.problem.set(Some(p));
            crate::web::form::focus_first_problem();
        }
    };
    let skip = move |_| {
        visit.name.set(String::new());
        visit.phone.set(String::new());
        visit.problem.set(None);
        visit.step.set(Step::Before);
    };
    view! {
        <Nav visit=visit back=Step::Help clip="contact"/>
        <h1 tabindex="-1">{tr(|s| s.kiosk.contact_q)}</h1>
        <p class="kiosk-lead">{tr(|s| s.kiosk.contact_hint)}</p>
        <form class="kiosk-form" novalidate autocomplete="off" on:submit=|ev| ev.prevent_default()>
            <TextInput id="kiosk-name" label=|s| s.kiosk.name_label value=visit.name
                on_input=Callback::new(move |v| visit.name.set(v)) problem=problem(VisitorProblem::Name)/>
            <TextInput id="kiosk-phone" label=|s| s.kiosk.phone_label value=visit.phone kind="tel" inputmode="tel"
                on_input=Callback::new(move |v| visit.phone.set(v)) problem=problem(VisitorProblem::Phone)/>
        </form>
        <div class="kiosk-row">
            <button type="button" class="kbtn" on:click=skip>{tr(|s| s.kiosk.skip)}</button>
            <button type="button" class="kbtn kbtn-primary" on:click=next>{tr(|s| s.kiosk.next)}</button>
        </div>
    }
}

#[component]
fn BeforeStep(setup: Setup, visit: Visit) -> impl IntoView {
    let ctx = use_ctx();
    let busy = RwSignal::new(false);
    let recipients = StoredValue::new(setup.recipients);
    let take = move |returning: Option<bool>| {
        if busy.get_untracked() {
            return;
        }
        let visitor = Visitor::typed(&visit.name.get_untracked(), &visit.phone.get_untracked()).ok().flatten();
        let request = Request { area: visit.area.get_untracked(), needs: visit.needs.get_untracked(), returning, visitor };
        let (Some(store), Ok(id)) = (ctx.store(), new_id()) else {
            visit.failed.set(true);
            return;
        };
        busy.set(true);
        spawn_local(async move {
            let issued = issue(&store, &request, &recipients.get_value(), &id, platform::today(), &platform::now_iso()).await;
            match issued {
                Ok(t) => {
                    // What was typed is sealed in the ticket: nothing of it stays on the page.
                    visit.name.try_set(String::new());
                    visit.phone.try_set(String::new());
                    visit.step.try_set(Step::Done(t));
                }
                Err(IssueError::Store(_) | IssueError::Seal(_)) => {
                    visit.failed.try_set(true);
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <Nav visit=visit back=Step::Contact clip="before"/>
        <h1 tabindex="-1" id="before-h">{tr(|s| s.kiosk.before_q)}</h1>
        <div class="kiosk-choices kiosk-choices-row" role="group" aria-labelledby="before-h">
            <button type="button" class="kbtn kbtn-choice" disabled=move || busy.get() on:click=move |_| take(Some(true))>{tr(|s| s.kiosk.yes)}</button>
            <button type="button" class="kbtn kbtn-choice" disabled=move || busy.get() on:click=move |_| take(Some(false))>{tr(|s| s.kiosk.no)}</button>
            <button type="button" class="kbtn kbtn-choice" disabled=move || busy.get() on:click=move |_| take(None)>{tr(|s| s.kiosk.skip)}</button>
        </div>
        <Show when=move || visit.failed.get()>
            <p class="kiosk-error" role="alert">{tr(|s| s.kiosk.ticket_failed)}</p>
        </Show>
    }
}

#[component]
fn TicketShown(setup: Setup, visit: Visit, ticket: Ticket) -> impl IntoView {
    let ctx = use_ctx();
    let desks = setup.settings.desks.len() as u32;
    let wait = RwSignal::new(None::<u32>);
    let id = ticket.id.clone();
    if let Some(store) = ctx.store() {
        spawn_local(async move {
            if let Ok(all) = tickets_of(&store, platform::today()).await {
                let all: Vec<Ticket> = all.into_iter().map(|(t, _)| t).collect();
                wait.try_set(crate::domain::kiosk::estimated_wait_minutes(&all, platform::today(), &id, desks));
            }
        });
    }
    let label = ticket.label();
    let time = platform::local_time_of(&ticket.issued_at);
    let priority = ticket.priority();
    let rules = StoredValue::new(setup.rules.clone());
    let area = StoredValue::new(ticket.area.clone());
    // What to have ready, in the visitor's language: the rules' documents for the area, then papers about the matter.
    let ready = move || {
        let lang = ctx.lang.get();
        let mut items: Vec<String> = rules.with_value(|r| {
            let Some(r) = r.as_ref() else { return Vec::new() };
            let ready = area.with_value(|a| crate::domain::kiosk::to_have_ready(r, a));
            let mut items: Vec<String> = ready.always.iter().map(|d| i18n::local(lang, &d.name).to_owned()).collect();
            if let Some((c, docs)) = ready.if_about {
                let docs = docs.iter().map(|d| i18n::local(lang, &d.name)).collect::<Vec<_>>().join("; ");
                items.push((ctx.t().kiosk.ready_if)(i18n::local(lang, &c.title), &docs));
            }
            items
        });
        items.push(ctx.t().kiosk.ready_papers.to_owned());
        items
    };
    let heard = {
        let label = label.clone();
        Signal::derive(move || format!("{label}. {}", ready().join(". ")))
    };
    view! {
        <div class="kiosk-nav no-print">
            <Listen clip="ticket" extra=Some(heard)/>
        </div>
        <section class="kiosk-ticket" aria-labelledby="ticket-h" data-testid="ticket">
            <h1 tabindex="-1" id="ticket-h">{tr(|s| s.kiosk.ticket_title)}</h1>
            <p class="kiosk-number" data-testid="ticket-number">{label}</p>
            <p class="kiosk-centre">{setup.settings.centre.clone()}</p>
            <p>{move || (ctx.t().kiosk.ticket_time)(&time)}</p>
            {move || wait.get().map(|m| view! {
                <p data-testid="ticket-wait">
                    {if m == 0 { ctx.t().kiosk.ticket_next.to_owned() } else { (ctx.t().kiosk.ticket_wait)(&m.to_string()) }}
                </p>
            })}
            {priority.then(|| view! { <p class="kiosk-strong">{tr(|s| s.kiosk.ticket_priority)}</p> })}
            <p>{tr(|s| s.kiosk.ticket_watch)}</p>
            <h2 id="ready-h" class="kiosk-ready-h">{tr(|s| s.kiosk.ready_title)}</h2>
            <ul class="kiosk-ready" aria-labelledby="ready-h" data-testid="ticket-ready">
                {move || ready().into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}
            </ul>
        </section>
        <div class="kiosk-row no-print">
            <button type="button" class="kbtn" on:click=|_| platform::print()>{tr(|s| s.kiosk.ticket_print)}</button>
            <button type="button" class="kbtn kbtn-primary" on:click=move |_| visit.clear(ctx)>{tr(|s| s.kiosk.ticket_done)}</button>
        </div>
    }
}

/// One feedback question: five faces from "not at all" to "yes, fully"; choosing one goes on to the next question.
#[component]
fn QuestionStep(index: usize, visit: Visit) -> impl IntoView {
    let ctx = use_ctx();
    let Some(&q) = Question::ALL.get(index) else {
        visit.step.set(Step::Comment);
        return ().into_any();
    };
    let back = if index == 0 { Step::Welcome } else { Step::Question(index - 1) };
    let next = move || visit.step.set(if index + 1 < Question::ALL.len() { Step::Question(index + 1) } else { Step::Comment });
    let chosen = move || visit.answers.with(|a| a.iter().find(|(x, _)| *x == q).map(|(_, v)| *v));
    let progress = move || (ctx.t().kiosk.fb_progress)(&(index + 1).to_string(), &Question::ALL.len().to_string());
    view! {
        <Nav visit=visit back=back clip=i18n::question_clip(q)/>
        <p class="kiosk-muted">{progress}</p>
        <h1 tabindex="-1" id="question-h">{move || i18n::feedback_question(ctx.t(), q).0}</h1>
        <div class="kiosk-faces" role="group" aria-labelledby="question-h">
            {(1..=5u8).map(|v| view! {
                <button type="button" class=format!("kbtn kbtn-face face-{v}") aria-pressed=move || (chosen() == Some(v)).to_string()
                    on:click=move |_| {
                        visit.answers.update(|a| {
                            a.retain(|(x, _)| *x != q);
                            a.push((q, v));
                        });
                        next();
                    }>
                    {face(v)}
                    <span>{move || i18n::feedback_answer(ctx.t(), v)}</span>
                </button>
            }).collect_view()}
        </div>
        <button type="button" class="kbtn kbtn-wide" on:click=move |_| {
            visit.answers.update(|a| a.retain(|(x, _)| *x != q));
            next();
        }>{tr(|s| s.kiosk.skip)}</button>
    }
    .into_any()
}

/// A face for an answer 1 (frowning) … 5 (smiling): the mouth's curve is the answer.
fn face(v: u8) -> impl IntoView {
    let curve = 31 + (i32::from(v) - 3) * 8;
    view! {
        <svg class="face" viewBox="0 0 48 48" width="56" height="56" aria-hidden="true" focusable="false">
            <circle cx="24" cy="24" r="21" fill="none" stroke="currentColor" stroke-width="3"/>
            <circle cx="17" cy="19" r="2.6" fill="currentColor"/>
            <circle cx="31" cy="19" r="2.6" fill="currentColor"/>
            <path d=format!("M14 31 Q24 {curve} 34 31") fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round"/>
        </svg>
    }
}

/// The free comment (optional, sealed at once), then the feedback is written.
#[component]
fn CommentStep(setup: Setup, visit: Visit) -> impl IntoView {
    let ctx = use_ctx();
    let busy = RwSignal::new(false);
    let recipients = StoredValue::new(setup.recipients);
    let problem = Signal::derive(move || {
        visit.feedback_problem.get().map(|p| match p {
            FeedbackProblem::CommentTooLong => (ctx.t().kiosk.fb_comment_long)(&MAX_COMMENT.to_string()),
            FeedbackProblem::Empty => ctx.t().kiosk.fb_empty.to_owned(),
        })
    });
    let send = move |_| {
        if busy.get_untracked() {
            return;
        }
        let (Some(store), Ok(id)) = (ctx.store(), new_id()) else {
            visit.failed.set(true);
            return;
        };
        let given = visit.answers.with_untracked(|a| Feedback::given(&id, platform::today(), a, &visit.comment.get_untracked(), &recipients.get_value()));
        let feedback = match given {
            Ok(Ok(f)) => f,
            Ok(Err(p)) => {
                visit.feedback_problem.set(Some(p));
                return;
            }
            Err(_) => {
                visit.failed.set(true);
                return;
            }
        };
        visit.feedback_problem.set(None);
        busy.set(true);
        spawn_local(async move {
            match give_feedback(&store, &feedback, &platform::now_iso()).await {
                Ok(()) => {
                    // The comment is sealed in the record: nothing of it stays on the page.
                    visit.answers.try_set(Vec::new());
                    visit.comment.try_set(String::new());
                    visit.step.try_set(Step::Thanks);
                }
                Err(_) => {
                    visit.failed.try_set(true);
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <Nav visit=visit back=Step::Question(Question::ALL.len() - 1) clip="comment"/>
        <h1 tabindex="-1">{tr(|s| s.kiosk.fb_comment_q)}</h1>
        <p class="kiosk-lead">{tr(|s| s.kiosk.fb_comment_hint)}</p>
        <form class="kiosk-form" novalidate autocomplete="off" on:submit=|ev| ev.prevent_default()>
            <TextArea id="kiosk-comment" label=|s| s.kiosk.fb_comment_label value=visit.comment rows=4 no_suggestions=true
                on_input=Callback::new(move |v| visit.comment.set(v)) problem=problem/>
        </form>
        <button type="button" class="kbtn kbtn-primary kbtn-wide" disabled=move || busy.get() on:click=send>
            {tr(|s| s.kiosk.fb_send)}
        </button>
        <Show when=move || visit.failed.get()>
            <p class="kiosk-error" role="alert">{tr(|s| s.kiosk.fb_failed)}</p>
        </Show>
    }
}

#[component]
fn ThanksStep(visit: Visit) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <div class="kiosk-nav">
            <Listen clip="thanks"/>
        </div>
        <h1 tabindex="-1">{tr(|s| s.kiosk.fb_thanks)}</h1>
        <p class="kiosk-lead">{tr(|s| s.kiosk.fb_thanks_hint)}</p>
        <button type="button" class="kbtn kbtn-primary kbtn-wide" on:click=move |_| visit.clear(ctx)>{tr(|s| s.kiosk.ticket_done)}</button>
    }
}

/// "Listen": the screen's words in the visitor's language, by a voice installed on the device when there is one for
/// that language (offline), else by the clip recorded for this screen.
#[component]
fn Listen(clip: &'static str, #[prop(default = None)] extra: Option<Signal<String>>) -> impl IntoView {
    let ctx = use_ctx();
    let failed = RwSignal::new(false);
    let listen = move |_| {
        let lang = ctx.lang.get_untracked();
        let text = i18n::kiosk_voice(lang).into_iter().find(|(c, _)| *c == clip).map(|(_, t)| t).unwrap_or_default();
        let text = match extra {
            Some(e) => format!("{text} {}", e.get_untracked()),
            None => text,
        };
        failed.set(!read_aloud(lang, &format!("voice/{}/{clip}.ogg", lang.code()), &text, failed));
    };
    view! {
        <button type="button" class="kbtn kbtn-listen" on:click=listen data-clip=clip>
            <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
                <path d="M4 9v6h4l5 4V5L8 9H4z" fill="currentColor"/>
                <path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>
            </svg>
            <span>{tr(|s| s.kiosk.listen)}</span>
        </button>
        <Show when=move || failed.get()>
            <p class="kiosk-error" role="alert">{tr(|s| s.kiosk.listen_failed)}</p>
        </Show>
    }
}

thread_local! {
    /// The clip playing now: a new one stops it.
    static PLAYING: std::cell::RefCell<Option<web_sys::HtmlAudioElement>> = const { std::cell::RefCell::new(None) };
}

/// A voice on this device for `lang` that needs no network (Chrome on Android would otherwise read Ukrainian with an
/// English voice, or send the text away).
fn local_voice(lang: Lang) -> Option<web_sys::SpeechSynthesisVoice> {
    use wasm_bindgen::JsCast;
    let synth = web_sys::window()?.speech_synthesis().ok()?;
    synth.get_voices().iter().filter_map(|v| v.dyn_into::<web_sys::SpeechSynthesisVoice>().ok()).find(|v| {
        v.local_service() && v.lang().to_lowercase().replace('_', "-").split('-').next() == Some(lang.code())
    })
}

/// Reads `text` with a local voice, else plays `clip`. False when neither could start; a clip that fails later sets
/// `failed`.
fn read_aloud(lang: Lang, clip: &str, text: &str, failed: RwSignal<bool>) -> bool {
    stop_speaking();
    if let (Some(voice), Some(synth)) = (local_voice(lang), web_sys::window().and_then(|w| w.speech_synthesis().ok())) {
        if let Ok(u) = web_sys::SpeechSynthesisUtterance::new_with_text(text) {
            u.set_voice(Some(&voice));
            u.set_lang(lang.code());
            u.set_rate(0.9);
            synth.speak(&u);
            return true;
        }
    }
    play(clip, failed)
}

/// Plays a clip shipped with the app (precached: works offline).
fn play(src: &str, failed: RwSignal<bool>) -> bool {
    let Ok(audio) = web_sys::HtmlAudioElement::new_with_src(src) else { return false };
    let Ok(started) = audio.play() else { return false };
    PLAYING.with(|p| *p.borrow_mut() = Some(audio));
    spawn_local(async move {
        if wasm_bindgen_futures::JsFuture::from(started).await.is_err() {
            failed.try_set(true);
        }
    });
    true
}

/// Stops whatever is being read or played (another screen, another visitor).
fn stop_speaking() {
    if let Some(synth) = web_sys::window().and_then(|w| w.speech_synthesis().ok()) {
        synth.cancel();
    }
    PLAYING.with(|p| {
        if let Some(a) = p.borrow_mut().take() {
            let _ = a.pause();
        }
    });
}

/// A chime when a new number is called (not for the call already showing when the welcome screen opens), and the
/// call read out by a local voice when the device has one.
fn chime_on_call(ctx: Ctx, calling: RwSignal<Option<(String, String)>>) {
    let shown = StoredValue::new(None::<Option<(String, String)>>);
    Effect::new(move |_| {
        let now = calling.get();
        let before = shown.get_value();
        shown.set_value(Some(now.clone()));
        let (Some(before), Some((label, desk))) = (before, now.clone()) else { return };
        if before.as_ref() == Some(&(label.clone(), desk.clone())) {
            return;
        }
        let failed = RwSignal::new(false);
        play("voice/chime.ogg", failed);
        let lang = ctx.lang.get_untracked();
        if let (Some(voice), Some(synth)) = (local_voice(lang), web_sys::window().and_then(|w| w.speech_synthesis().ok())) {
            if let Ok(u) = web_sys::SpeechSynthesisUtterance::new_with_text(&(lang.strings().kiosk.called)(&label, &desk)) {
                u.set_voice(Some(&voice));
                synth.speak(&u);
            }
        }
    });
}
