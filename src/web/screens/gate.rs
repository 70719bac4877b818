//! Set-up (first passphrase, the recovery code shown once and typed back) and the unlock form (with recovery when a
//! passphrase is forgotten). Loaded on demand: Argon2id lives here, not in the shell.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::crypto::keyring::{Attempts, KdfParams, KeyError, Keyring, ATTEMPTS_ID, FREE_TRIES, KEYRING_ID};
use crate::crypto::passphrase::strength;
use crate::crypto::recovery::{groups_to_check, RecoveryCode};
use crate::crypto::DataKey;
use crate::domain::audit::AuditAction;
use crate::domain::device::clean_name;
use crate::i18n;
use crate::storage::{self, codec, Collection, Store, StoreError, WriteBatch};
use crate::web::app::{use_ctx, Ctx};
use crate::web::form::{tr, Text, TextInput};
use crate::web::lock::{self, Gate, Session};
use crate::web::{audit, platform};

/// How long after the form shows the loading piece is fetched (the form's own first paint goes first).
const FETCH_AHEAD_MS: u64 = 500;

#[component]
pub fn GateScreen() -> impl IntoView {
    let ctx = use_ctx();
    // The data's loading piece is fetched while the form is read and typed in, once the form is drawn.
    set_timeout(lock::fetch_ahead, std::time::Duration::from_millis(FETCH_AHEAD_MS));
    // Only these two: the screen is on its way out when the gate opens (and must not build anything then).
    move || match ctx.gate.get() {
        Gate::SetUp => view! { <SetUp/> }.into_any(),
        Gate::Locked => view! { <Unlock/> }.into_any(),
        Gate::Checking | Gate::Locking | Gate::Open | Gate::Kiosk => ().into_any(),
    }
}

/// A passphrase field: no length limit, nothing offered or remembered but by a password manager.
#[component]
pub(crate) fn PassphraseInput(
    id: &'static str,
    label: Text,
    #[prop(optional)] hint: Option<Text>,
    value: RwSignal<String>,
    #[prop(optional, into)] problem: Signal<Option<String>>,
    #[prop(default = "current-password")] autocomplete: &'static str,
) -> impl IntoView {
    let ctx = use_ctx();
    let described = if hint.is_some() { format!("{id}-hint {id}-problem") } else { format!("{id}-problem") };
    view! {
        <div class="field field-wide" class:field-invalid=move || problem.get().is_some()>
            <label for=id>{move || label(ctx.t())}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{move || h(ctx.t())}</p> })}
            <input id=id type="password" autocomplete=autocomplete spellcheck="false" autocapitalize="off"
                aria-describedby=described aria-invalid=move || problem.get().is_some().then_some("true")
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            <p class="problem" id=format!("{id}-problem")>{move || problem.get()}</p>
        </div>
    }
}

/// The strength meter under a new passphrase.
#[component]
pub(crate) fn Meter(value: RwSignal<String>) -> impl IntoView {
    let ctx = use_ctx();
    let level = move || strength(&value.get()).level();
    view! {
        <div class="meter-row">
            <meter min="0" max="4" low="2" high="3" optimum="4" value=move || level().to_string()
                aria-label=tr(|s| s.lock.strength_label)></meter>
            <span data-testid="strength">
                {move || format!("{}: {}", ctx.t().lock.strength_label, ctx.t().lock.strength[usize::from(level())])}
            </span>
        </div>
    }
}

/// Problems of a new passphrase and its repetition.
pub(crate) fn new_pass_problems(ctx: Ctx, pass: &str, repeat: &str) -> (Option<String>, Option<String>) {
    let s = &ctx.t().lock;
    let weak = (!strength(pass).acceptable()).then(|| s.pass_weak.to_owned());
    let differ = (weak.is_none() && pass != repeat).then(|| s.pass_mismatch.to_owned());
    (weak, differ)
}

pub(crate) fn key_error(ctx: Ctx, e: KeyError) -> String {
    match e {
        KeyError::Crypto(_) => ctx.t().lock.no_random.to_owned(),
        _ => i18n::store_error(ctx.lang.get_untracked(), &StoreError::Other { detail: format!("{e:?}") }),
    }
}

/// What set-up has made and not yet saved.
struct Pending {
    ring: Keyring,
    key: DataKey,
    slot_id: String,
    worker: String,
    code: RecoveryCode,
    check: (usize, usize),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Form,
    Code,
    Check,
}

#[component]
fn SetUp() -> impl IntoView {
    let step = RwSignal::new(Step::Form);
    let pending: StoredValue<Option<Pending>, LocalStorage> = StoredValue::new_local(None);
    let code_text = RwSignal::new(String::new());
    let check = RwSignal::new((0usize, 1usize));
    // Why turning protection on failed: shown above the form it starts again from.
    let failed = RwSignal::new(None::<String>);
    view! {
        <h1 tabindex="-1">{tr(|s| s.lock.setup_title)}</h1>
        <p class="problem" role="alert" data-testid="setup-failed">{move || failed.get()}</p>
        {move || match step.get() {
            Step::Form => view! { <SetUpForm step pending code_text check/> }.into_any(),
            Step::Code => view! { <ShowCode step code_text/> }.into_any(),
            Step::Check => view! { <CheckCode step pending code_text check failed/> }.into_any(),
        }}
    }
}

#[component]
fn SetUpForm(
    step: RwSignal<Step>,
    pending: StoredValue<Option<Pending>, LocalStorage>,
    code_text: RwSignal<String>,
    check: RwSignal<(usize, usize)>,
) -> impl IntoView {
    let ctx = use_ctx();
    let worker = RwSignal::new(ctx.device.with_untracked(|d| d.as_ref().map(|d| d.worker.clone()).unwrap_or_default()));
    let pass = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let problems = RwSignal::new((None::<String>, None::<String>, None::<String>));
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let name = clean_name(&worker.get_untracked());
        let (weak, differ) = new_pass_problems(ctx, &pass.get_untracked(), &repeat.get_untracked());
        let name_problem = name.as_ref().err().map(|p| i18n::name_problem(ctx.lang.get_untracked(), *p));
        let any = name_problem.is_some() || weak.is_some() || differ.is_some();
        problems.set((name_problem, weak, differ));
        let (Ok(name), false) = (name, any) else {
            crate::web::form::focus_first_problem();
            return;
        };
        busy.set(true);
        spawn_local(async move {
            platform::yield_now().await;
            let made = async {
                let code = RecoveryCode::generate()?;
                let checks = groups_to_check()?;
                Ok::<_, KeyError>((code, checks))
            }
            .await;
            let result = match made {
                Ok((code, checks)) => {
                    match Keyring::create(&name, &pass.get_untracked(), &code, KdfParams::CURRENT).await {
                        Ok((ring, key, slot_id)) => Ok((ring, key, slot_id, code, checks)),
                        Err(e) => Err(e),
                    }
                }
                Err(e) => Err(e),
            };
            busy.try_set(false);
            match result {
                Ok((ring, key, slot_id, code, checks)) => {
                    code_text.try_set(code.display());
                    check.try_set(checks);
                    pending.set_value(Some(Pending { ring, key, slot_id, worker: name, code, check: checks }));
                    pass.try_set(String::new());
                    repeat.try_set(String::new());
                    step.try_set(Step::Code);
                }
                Err(e) => {
                    failed.try_set(Some(key_error(ctx, e)));
                }
            }
        });
    };
    view! {
        <section class="card">
            <lock::SetUpIntro/>
            <form on:submit=submit novalidate>
                <TextInput id="setup-worker" label=|s| s.lock.worker_label hint=|s| s.lock.worker_hint
                    value=worker on_input=move |v| worker.set(v) autocomplete="name"
                    problem=Signal::derive(move || problems.get().0)/>
                <PassphraseInput id="setup-pass" label=|s| s.lock.pass_label hint=|s| s.lock.pass_hint value=pass
                    autocomplete="new-password" problem=Signal::derive(move || problems.get().1)/>
                <Meter value=pass/>
                <PassphraseInput id="setup-repeat" label=|s| s.lock.pass_repeat_label value=repeat
                    autocomplete="new-password" problem=Signal::derive(move || problems.get().2)/>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || busy.get()>
                        {move || if busy.get() { ctx.t().lock.working } else { ctx.t().lock.next }}
                    </button>
                    <p class="form-status" role="status">{move || failed.get()}</p>
                </div>
            </form>
        </section>
    }
}

#[component]
fn ShowCode(step: RwSignal<Step>, code_text: RwSignal<String>) -> impl IntoView {
    let ctx = use_ctx();
    let groups = move || code_text.get().split(' ').map(str::to_owned).collect::<Vec<_>>();
    view! {
        <section class="card recovery-sheet">
            <h2>{tr(|s| s.lock.code_title)}</h2>
            <p class="print-only">{tr(|s| s.lock.code_sheet_title)}</p>
            <p class="print-only">{move || (ctx.t().lock.code_sheet_device)(&ctx.device_label())}</p>
            <p class="no-print">{tr(|s| s.lock.code_intro)}</p>
            <p class="recovery-code" data-testid="recovery-code" aria-label=tr(|s| s.lock.code_title)>
                {move || groups().into_iter().map(|g| view! { <span>{g}</span> " " }).collect_view()}
            </p>
            <p class="print-only">{tr(|s| s.lock.code_sheet_keep)}</p>
            <div class="form-actions no-print">
                <button type="button" class="btn btn-secondary" on:click=move |_| platform::print()>
                    {tr(|s| s.lock.code_print)}
                </button>
                <button type="button" class="btn btn-primary" on:click=move |_| step.set(Step::Check)>
                    {tr(|s| s.lock.code_written)}
                </button>
            </div>
        </section>
    }
}

#[component]
fn CheckCode(
    step: RwSignal<Step>,
    pending: StoredValue<Option<Pending>, LocalStorage>,
    code_text: RwSignal<String>,
    check: RwSignal<(usize, usize)>,
    failed: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let first = RwSignal::new(String::new());
    let second = RwSignal::new(String::new());
    let wrong = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let (a, b) = check.get_untracked();
    let label_a = move || (ctx.t().lock.check_group)(a + 1);
    let label_b = move || (ctx.t().lock.check_group)(b + 1);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let ok = pending.with_value(|p| {
            p.as_ref().is_some_and(|p| {
                p.code.group_matches(p.check.0, &first.get_untracked())
                    && p.code.group_matches(p.check.1, &second.get_untracked())
            })
        });
        wrong.set(!ok);
        if !ok {
            return;
        }
        let Some(p) = pending.try_update_value(Option::take).flatten() else { return };
        busy.set(true);
        spawn_local(async move {
            if let Err(e) = protect(ctx, p).await {
                busy.try_set(false);
                failed.try_set(Some(match e {
                    // Another tab finished set-up first: its keyring stays, this one is dropped.
                    StoreError::AlreadyExists { .. } => ctx.t().lock.already_set_up.to_owned(),
                    e => i18n::store_error(ctx.lang.get_untracked(), &e),
                }));
                // The key made is gone with the failed write: start again from the passphrase.
                code_text.try_set(String::new());
                step.try_set(Step::Form);
            }
        });
    };
    view! {
        <section class="card">
            <h2>{tr(|s| s.lock.check_title)}</h2>
            <p>{tr(|s| s.lock.check_intro)}</p>
            <form on:submit=submit novalidate>
                <div class="field-row">
                    <div class="field">
                        <label for="check-a">{label_a}</label>
                        <input id="check-a" inputmode="numeric" autocomplete="off" maxlength="8"
                            prop:value=move || first.get() on:input=move |ev| first.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="check-b">{label_b}</label>
                        <input id="check-b" inputmode="numeric" autocomplete="off" maxlength="8"
                            prop:value=move || second.get() on:input=move |ev| second.set(event_target_value(&ev))/>
                    </div>
                </div>
                <p class="problem" role="alert">{move || wrong.get().then(|| ctx.t().lock.check_wrong)}</p>
                <div class="form-actions">
                    <button type="button" class="btn btn-secondary" on:click=move |_| step.set(Step::Code)>
                        {tr(|s| s.lock.check_back)}
                    </button>
                    <button type="submit" class="btn btn-primary" disabled=move || busy.get()>
                        {move || if busy.get() { ctx.t().lock.working } else { ctx.t().lock.check_done }}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// Turns protection on: the keyring saved and every record already on the device sealed, in one write; then open.
async fn protect(ctx: Ctx, p: Pending) -> Result<(), StoreError> {
    let store = ctx.store_or_err()?;
    let now = platform::now_iso();
    let Pending { ring, key, slot_id, worker, .. } = p;
    codec::unlock(key);
    let mut batch = WriteBatch::new()
        .insert(Collection::Settings, codec::encode(&ring, 1, &now)?)
        .put(Collection::Settings, codec::encode(&Attempts::new(), 1, &now)?);
    for c in Collection::ALL.into_iter().filter(|c| c.holds_personal()) {
        batch = batch.seal_all(c);
    }
    let written = async {
        let mut e = audit::event(ctx, AuditAction::SetUp, None, None)?;
        (e.worker, e.slot_id) = (worker.clone(), Some(slot_id.clone()));
        store.write(audit::with(batch, &e)?).await
    };
    if let Err(e) = written.await {
        codec::lock();
        return Err(e);
    }
    lock::opened(ctx, store, Session { slot_id, worker }).await;
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Unlock,
    Recover,
}

/// Minutes and seconds, "0:30".
fn clock(secs: u64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}

#[component]
fn Unlock() -> impl IntoView {
    let ctx = use_ctx();
    let ring = RwSignal::new(None::<Keyring>);
    let attempts = RwSignal::new(Attempts::new());
    let chosen = RwSignal::new(String::new());
    let mode = RwSignal::new(Mode::Unlock);
    let load_error = RwSignal::new(None::<StoreError>);
    let now = RwSignal::new(js_sys::Date::now() as u64);
    if let Ok(t) =
        set_interval_with_handle(move || now.set(js_sys::Date::now() as u64), std::time::Duration::from_secs(1))
    {
        on_cleanup(move || t.clear());
    }
    if let Some(store) = ctx.store() {
        spawn_local(async move {
            let loaded = async {
                let r = storage::load::<Keyring>(&store, KEYRING_ID).await?;
                let a = storage::load::<Attempts>(&store, ATTEMPTS_ID).await?;
                Ok::<_, StoreError>((r, a))
            }
            .await;
            match loaded {
                Ok((r, a)) => {
                    if let Some(first) = r.as_ref().and_then(|r| r.workers().first().map(|w| w.0.clone())) {
                        chosen.try_set(first);
                    }
                    ring.try_set(r);
                    attempts.try_set(a.unwrap_or_else(Attempts::new));
                }
                Err(e) => {
                    load_error.try_set(Some(e));
                }
            }
        });
    }
    let wait = Signal::derive(move || attempts.with(|a| a.wait_secs(now.get())));
    view! {
        <h1 tabindex="-1">{tr(|s| s.lock.locked_title)}</h1>
        {move || load_error.get().map(|e| view! { <p class="error" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p> })}
        <p class="problem" role="status" data-testid="unlock-wait">
            {move || (wait.get() > 0).then(|| (ctx.t().lock.wait)(&clock(wait.get())))}
        </p>
        {move || match mode.get() {
            Mode::Unlock => view! { <UnlockForm ring attempts chosen mode wait/> }.into_any(),
            Mode::Recover => view! { <RecoverForm ring attempts chosen mode wait/> }.into_any(),
        }}
    }
}

/// The workers to choose from, when there is more than one.
#[component]
fn WhoIsWorking(ring: RwSignal<Option<Keyring>>, chosen: RwSignal<String>, legend: Text) -> impl IntoView {
    let ctx = use_ctx();
    move || {
        let workers = ring.with(|r| r.as_ref().map(Keyring::workers).unwrap_or_default());
        if workers.len() <= 1 {
            return workers
                .first()
                .map(|(_, name)| {
                    let name = name.clone();
                    view! { <p>{move || format!("{}: {name}", legend(ctx.t()))}</p> }.into_any()
                })
                .unwrap_or_else(|| ().into_any());
        }
        view! {
            <fieldset class="choices">
                <legend>{move || legend(ctx.t())}</legend>
                {workers.into_iter().map(|(id, name)| {
                    let value = id.clone();
                    view! {
                        <label class="choice">
                            <input type="radio" name="who" prop:checked=move || chosen.get() == id
                                on:change=move |_| chosen.set(value.clone())/>
                            <span>{name}</span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
        }
        .into_any()
    }
}

/// After a failed try on `slot_id`: counted (and kept across reloads, for the wait and for the audit trail), and the
/// message for it.
async fn count_failure(ctx: Ctx, attempts: RwSignal<Attempts>, slot_id: &str) -> Option<String> {
    let mut a = attempts.get_untracked();
    a.failed(js_sys::Date::now() as u64, &platform::now_iso(), slot_id);
    attempts.try_set(a.clone());
    let store = ctx.store()?;
    storage::save(&store, &a, &platform::now_iso()).await.err().map(|e| i18n::store_error(ctx.lang.get_untracked(), &e))
}

/// Saves what a successful unlock changed (a re-wrapped slot, the failure counter cleared) with its events in the
/// audit trail (the failed tries since the last unlock, then this one), then opens.
async fn unlocked(
    ctx: Ctx,
    names: Vec<(String, String)>,
    ring: Option<Keyring>,
    key: DataKey,
    session: Session,
    how: AuditAction,
) -> Result<(), StoreError> {
    let store = ctx.store_or_err()?;
    let now = platform::now_iso();
    // Read again: another tab may have counted failures meanwhile.
    let failures = storage::load::<Attempts>(&store, ATTEMPTS_ID).await?.map(|a| a.pending).unwrap_or_default();
    let mut batch = WriteBatch::new().put(Collection::Settings, codec::encode(&Attempts::new(), 1, &now)?);
    if let Some(r) = &ring {
        batch = batch.next(r, &now)?;
    }
    // The events are sealed: the key goes into the codec first, and out again if the write fails.
    codec::unlock(key);
    let written = async {
        for f in failures {
            let worker = names.iter().find(|(id, _)| *id == f.slot_id).map(|(_, n)| n.clone()).unwrap_or_default();
            let mut e = audit::event(ctx, AuditAction::UnlockFailed, None, None)?;
            (e.at, e.worker, e.slot_id) = (f.at, worker, Some(f.slot_id));
            batch = audit::with(batch, &e)?;
        }
        let mut e = audit::event(ctx, how, None, None)?;
        (e.worker, e.slot_id) = (session.worker.clone(), Some(session.slot_id.clone()));
        batch = audit::with(batch, &e)?;
        store.write(batch).await
    }
    .await;
    if let Err(e) = written {
        codec::lock();
        return Err(e);
    }
    lock::opened(ctx, store, session).await;
    Ok(())
}

#[component]
fn UnlockForm(
    ring: RwSignal<Option<Keyring>>,
    attempts: RwSignal<Attempts>,
    chosen: RwSignal<String>,
    mode: RwSignal<Mode>,
    wait: Signal<u64>,
) -> impl IntoView {
    let ctx = use_ctx();
    let pass = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(r) = ring.get_untracked() else { return };
        if busy.get_untracked() || wait.get_untracked() > 0 {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            platform::yield_now().await;
            let slot = chosen.get_untracked();
            let worker = r.slot(&slot).and_then(|s| s.worker()).unwrap_or_default().to_owned();
            match r.unlock(&slot, &pass.get_untracked(), KdfParams::CURRENT).await {
                Ok(u) => {
                    pass.try_set(String::new());
                    if let Err(e) = unlocked(
                        ctx,
                        r.workers(),
                        u.upgraded,
                        u.key,
                        Session { slot_id: u.slot_id, worker },
                        AuditAction::Unlock,
                    )
                    .await
                    {
                        problem.try_set(Some(i18n::store_error(ctx.lang.get_untracked(), &e)));
                    }
                }
                Err(KeyError::Wrong) => {
                    pass.try_set(String::new());
                    let failed = count_failure(ctx, attempts, &slot).await;
                    let left = FREE_TRIES.saturating_sub(attempts.get_untracked().failures);
                    problem.try_set(Some(failed.unwrap_or_else(|| (ctx.t().lock.wrong)(left))));
                    crate::web::form::focus_first_problem();
                }
                Err(e) => {
                    problem.try_set(Some(key_error(ctx, e)));
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <section class="card">
            <p>{tr(|s| s.lock.locked_intro)}</p>
            <form on:submit=submit novalidate>
                <WhoIsWorking ring chosen legend=|s| s.lock.who/>
                <PassphraseInput id="unlock-pass" label=|s| s.lock.pass_label value=pass
                    problem=Signal::derive(move || problem.get())/>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || busy.get() || (wait.get() != 0)>
                        {move || if busy.get() { ctx.t().lock.working } else { ctx.t().lock.unlock }}
                    </button>
                    <button type="button" class="btn btn-link" on:click=move |_| mode.set(Mode::Recover)>
                        {tr(|s| s.lock.forgot)}
                    </button>
                </div>
            </form>
            <Show when=move || ctx.kiosk.get()>
                <div class="form-actions">
                    <button type="button" class="btn btn-secondary" on:click=move |_| ctx.gate.set(crate::web::lock::Gate::Kiosk)>
                        {tr(|s| s.kiosk.back_to_kiosk)}
                    </button>
                </div>
            </Show>
        </section>
    }
}

#[component]
fn RecoverForm(
    ring: RwSignal<Option<Keyring>>,
    attempts: RwSignal<Attempts>,
    chosen: RwSignal<String>,
    mode: RwSignal<Mode>,
    wait: Signal<u64>,
) -> impl IntoView {
    let ctx = use_ctx();
    let code = RwSignal::new(String::new());
    let pass = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let problems = RwSignal::new((None::<String>, None::<String>, None::<String>));
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(r) = ring.get_untracked() else { return };
        if busy.get_untracked() || wait.get_untracked() > 0 {
            return;
        }
        let parsed = RecoveryCode::parse(&code.get_untracked());
        let code_problem = parsed.is_none().then(|| ctx.t().lock.recovery_bad.to_owned());
        let (weak, differ) = new_pass_problems(ctx, &pass.get_untracked(), &repeat.get_untracked());
        let any = code_problem.is_some() || weak.is_some() || differ.is_some();
        problems.set((code_problem, weak, differ));
        let (Some(parsed), false) = (parsed, any) else {
            crate::web::form::focus_first_problem();
            return;
        };
        busy.set(true);
        spawn_local(async move {
            platform::yield_now().await;
            let slot = chosen.get_untracked();
            match r.unlock_with_recovery(&parsed).await {
                Ok(key) => {
                    let mut next = r.clone();
                    let worker = r.slot(&slot).and_then(|s| s.worker()).unwrap_or_default().to_owned();
                    let result =
                        match next.change_passphrase(&key, &slot, &pass.get_untracked(), KdfParams::CURRENT).await {
                            Ok(()) => unlocked(
                                ctx,
                                r.workers(),
                                Some(next),
                                key,
                                Session { slot_id: slot, worker },
                                AuditAction::UnlockRecovery,
                            )
                            .await
                            .map_err(|e| i18n::store_error(ctx.lang.get_untracked(), &e)),
                            Err(e) => Err(key_error(ctx, e)),
                        };
                    if let Err(msg) = result {
                        problems.try_update(|p| p.0 = Some(msg));
                    }
                }
                Err(KeyError::Wrong) => {
                    let failed = count_failure(ctx, attempts, &slot).await;
                    problems
                        .try_update(|p| p.0 = Some(failed.unwrap_or_else(|| ctx.t().lock.recovery_wrong.to_owned())));
                }
                Err(e) => {
                    problems.try_update(|p| p.0 = Some(key_error(ctx, e)));
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <section class="card">
            <h2>{tr(|s| s.lock.recovery_title)}</h2>
            <p>{tr(|s| s.lock.recovery_intro)}</p>
            <form on:submit=submit novalidate>
                <TextInput id="recovery-code" label=|s| s.lock.recovery_label hint=|s| s.lock.recovery_hint wide=true
                    value=code on_input=move |v| code.set(v) inputmode="numeric"
                    problem=Signal::derive(move || problems.get().0)/>
                <WhoIsWorking ring chosen legend=|s| s.lock.recovery_for/>
                <PassphraseInput id="recovery-pass" label=|s| s.lock.new_pass_label hint=|s| s.lock.pass_hint value=pass
                    autocomplete="new-password" problem=Signal::derive(move || problems.get().1)/>
                <Meter value=pass/>
                <PassphraseInput id="recovery-repeat" label=|s| s.lock.pass_repeat_label value=repeat
                    autocomplete="new-password" problem=Signal::derive(move || problems.get().2)/>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || busy.get() || (wait.get() != 0)>
                        {move || if busy.get() { ctx.t().lock.working } else { ctx.t().lock.recovery_submit }}
                    </button>
                    <button type="button" class="btn btn-link" on:click=move |_| mode.set(Mode::Unlock)>
                        {tr(|s| s.lock.back_to_unlock)}
                    </button>
                </div>
            </form>
        </section>
    }
}
