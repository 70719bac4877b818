//! Settings → data protection: the idle lock, the workers who can unlock this device (add, remove), and changing
//! one's own passphrase. Every change re-wraps the data key in one slot; the data is never re-encrypted.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::crypto::keyring::{KdfParams, KeyError, Keyring, KEYRING_ID};
use crate::crypto::sealed_file::{parse_identity, parse_recipient, recipient_of, KeyProblem};
use crate::domain::audit::AuditAction;
use crate::domain::device::{clean_name, parse_lock_minutes};
use crate::i18n;
use crate::storage::{self, codec, StoreError};
use crate::storage::{Store, WriteBatch};
use crate::web::app::{use_ctx, Ctx};
use crate::web::form::{tr, TextInput};
use crate::web::screens::gate::{key_error, new_pass_problems, Meter, PassphraseInput};
use crate::web::{audit, device, platform};

/// The outcome of one form of this section, shown next to its button.
#[derive(Clone, PartialEq)]
enum Outcome {
    Idle,
    Busy,
    Done(&'static str),
    Failed(String),
}

fn outcome_text(ctx: Ctx, o: Outcome) -> String {
    match o {
        Outcome::Done(t) => t.to_owned(),
        Outcome::Failed(t) => t,
        Outcome::Idle => String::new(),
        Outcome::Busy => ctx.t().lock.working.to_owned(),
    }
}

fn store_failed(ctx: Ctx, e: &StoreError) -> Outcome {
    Outcome::Failed(i18n::store_error(ctx.lang.get_untracked(), e))
}

/// Saves the changed keyring with its event in the audit trail (one write), and shows it.
async fn save_ring(
    ctx: Ctx,
    ring: RwSignal<Option<Keyring>>,
    next: Keyring,
    action: AuditAction,
    subject: Option<&str>,
) -> Result<(), StoreError> {
    let store = ctx.store_or_err()?;
    let e = audit::event(ctx, action, subject, None)?;
    store.write(audit::with(WriteBatch::new().next(&next, &e.at)?, &e)?).await?;
    audit::written(ctx);
    ring.try_set(Some(next));
    Ok(())
}

#[component]
pub fn ProtectionSection() -> impl IntoView {
    let ctx = use_ctx();
    let ring = RwSignal::new(None::<Keyring>);
    let load_error = RwSignal::new(None::<StoreError>);
    if let Some(store) = ctx.store() {
        spawn_local(async move {
            match storage::load::<Keyring>(&store, KEYRING_ID).await {
                Ok(r) => {
                    ring.try_set(r);
                }
                Err(e) => {
                    load_error.try_set(Some(e));
                }
            }
        });
    }
    view! {
        <section class="card" aria-labelledby="protect-h">
            <h2 id="protect-h">{tr(|s| s.lock.section)}</h2>
            <p class="muted">{tr(|s| s.lock.section_intro)}</p>
            {move || load_error.get().map(|e| view! { <p class="error" role="alert">{i18n::store_error(ctx.lang.get(), &e)}</p> })}
            <LockAfter/>
            <CentreKeys/>
            <CentreIdentity ring/>
            <SigningKey ring/>
            <Workers ring/>
            <AddWorker ring/>
            <ChangePassphrase ring/>
        </section>
    }
}

#[component]
fn LockAfter() -> impl IntoView {
    let ctx = use_ctx();
    let text = RwSignal::new(
        ctx.device.with_untracked(|d| d.as_ref().map(|d| d.lock_minutes.to_string()).unwrap_or_default()),
    );
    let bad = RwSignal::new(false);
    let outcome = RwSignal::new(Outcome::Idle);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(minutes) = parse_lock_minutes(&text.get_untracked()) else {
            bad.set(true);
            return;
        };
        bad.set(false);
        let mut next = match device::current(ctx) {
            Ok(d) => d,
            Err(e) => return outcome.set(store_failed(ctx, &e)),
        };
        next.lock_minutes = minutes;
        outcome.set(Outcome::Busy);
        spawn_local(async move {
            outcome.try_set(match device::save(ctx, next).await {
                Ok(()) => Outcome::Done(ctx.t().settings.saved),
                Err(e) => store_failed(ctx, &e),
            });
        });
    };
    view! {
        <form on:submit=save novalidate>
            <TextInput id="lock-minutes" label=|s| s.lock.lock_after_label hint=|s| s.lock.lock_after_hint
                inputmode="numeric" value=text on_input=move |v| { text.set(v); outcome.set(Outcome::Idle); }
                problem=Signal::derive(move || bad.get().then(|| ctx.t().lock.lock_after_bad.to_owned()))/>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary">{tr(|s| s.lock.lock_after_save)}</button>
                <p class="form-status" role="status">{move || outcome_text(ctx, outcome.get())}</p>
            </div>
        </form>
    }
}

#[component]
fn CentreKeys() -> impl IntoView {
    let ctx = use_ctx();
    let keys = ctx.device.with_untracked(|d| d.as_ref().map(|d| d.centre_keys.clone()).unwrap_or_default());
    let main = RwSignal::new(keys.first().cloned().unwrap_or_default());
    let backup = RwSignal::new(keys.get(1).cloned().unwrap_or_default());
    let problems = RwSignal::new((None::<String>, None::<String>));
    let outcome = RwSignal::new(Outcome::Idle);
    let problem_text = move |p: KeyProblem| match p {
        KeyProblem::NotARecipient | KeyProblem::PublicKey | KeyProblem::NotAnIdentity => {
            ctx.t().lock.centre_key_bad.to_owned()
        }
        KeyProblem::SecretKey => ctx.t().lock.centre_key_secret.to_owned(),
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (a, b) = (parse_recipient(&main.get_untracked()), parse_recipient(&backup.get_untracked()));
        problems.set((a.as_ref().err().map(|p| problem_text(*p)), b.as_ref().err().map(|p| problem_text(*p))));
        let (Ok(a), Ok(b)) = (a, b) else {
            crate::web::form::focus_first_problem();
            return;
        };
        let mut next = match device::current(ctx) {
            Ok(d) => d,
            Err(e) => return outcome.set(store_failed(ctx, &e)),
        };
        next.centre_keys = a.into_iter().chain(b).collect();
        next.centre_keys.dedup();
        let count = next.centre_keys.len();
        outcome.set(Outcome::Busy);
        spawn_local(async move {
            outcome.try_set(match device::save(ctx, next).await {
                Ok(()) => {
                    audit::note(ctx, AuditAction::CentreKeysChanged, None, Some(count)).await;
                    Outcome::Done(ctx.t().settings.saved)
                }
                Err(e) => store_failed(ctx, &e),
            });
        });
    };
    view! {
        <h3>{tr(|s| s.lock.centre_title)}</h3>
        <p class="muted">{tr(|s| s.lock.centre_intro)}</p>
        <form on:submit=save novalidate>
            <TextInput id="centre-key" label=|s| s.lock.centre_key_label hint=|s| s.lock.centre_key_hint wide=true
                value=main on_input=move |v| { main.set(v); outcome.set(Outcome::Idle); }
                problem=Signal::derive(move || problems.get().0)/>
            <TextInput id="centre-backup-key" label=|s| s.lock.centre_backup_label wide=true
                value=backup on_input=move |v| { backup.set(v); outcome.set(Outcome::Idle); }
                problem=Signal::derive(move || problems.get().1)/>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary">{tr(|s| s.lock.centre_key_save)}</button>
                <p class="form-status" role="status" data-testid="centre-keys-status">
                    {move || outcome_text(ctx, outcome.get())}
                </p>
            </div>
        </form>
    }
}

/// The device's public signing key, which the centre registers to check who made a batch.
#[component]
fn SigningKey(ring: RwSignal<Option<Keyring>>) -> impl IntoView {
    view! {
        <h3>{tr(|s| s.lock.signing_title)}</h3>
        <p class="muted">{tr(|s| s.lock.signing_intro)}</p>
        {move || match ring.with(|r| r.as_ref().and_then(|r| r.device_signing.as_ref().map(|d| d.public_key.clone()))) {
            Some(k) => view! { <p class="mono" data-testid="device-signing-key">{k}</p> }.into_any(),
            None => view! { <p class="muted">{tr(|s| s.lock.signing_none)}</p> }.into_any(),
        }}
    }
}

/// Only on a centre's staff tablet: the centre's secret key, so sealed batches from outreach tablets can be imported
/// here. Kept sealed with the data key; shown only as its public key.
#[component]
fn CentreIdentity(ring: RwSignal<Option<Keyring>>) -> impl IntoView {
    let ctx = use_ctx();
    let typed = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(Outcome::Idle);
    // The public key of the identity held, once opened with the data key.
    let held = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let Some(r) = ring.get() else { return };
        spawn_local(async move {
            let public = match codec::data_key() {
                Ok(k) => r.centre_identity(&k).await.ok().flatten().and_then(|i| recipient_of(&i)),
                Err(_) => None,
            };
            held.try_set(public);
        });
    });
    let store_identity = move |identity: Option<String>, done: &'static str| {
        let Some(mut next) = ring.get_untracked() else { return };
        let key = match codec::data_key() {
            Ok(k) => k,
            Err(e) => return outcome.set(store_failed(ctx, &e)),
        };
        outcome.set(Outcome::Busy);
        spawn_local(async move {
            let result = match next.set_centre_identity(&key, identity.as_deref()).await {
                Ok(()) => save_ring(ctx, ring, next, AuditAction::CentreKeysChanged, None)
                    .await
                    .map_err(|e| store_failed(ctx, &e)),
                Err(e) => Err(Outcome::Failed(key_error(ctx, e))),
            };
            match result {
                Ok(()) => {
                    typed.try_set(String::new());
                    outcome.try_set(Outcome::Done(done));
                }
                Err(o) => {
                    outcome.try_set(o);
                }
            }
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match parse_identity(&typed.get_untracked()) {
            Ok(identity) => {
                problem.set(None);
                store_identity(Some(identity), ctx.t().lock.identity_saved);
            }
            Err(p) => {
                problem.set(Some(
                    if p == KeyProblem::PublicKey { ctx.t().lock.identity_public } else { ctx.t().lock.identity_bad }
                        .to_owned(),
                ));
                crate::web::form::focus_first_problem();
            }
        }
    };
    view! {
        <h3>{tr(|s| s.lock.identity_title)}</h3>
        <p class="muted">{tr(|s| s.lock.identity_intro)}</p>
        {move || match held.get() {
            Some(public) => view! {
                <p data-testid="centre-identity-held">{(ctx.t().lock.identity_held)(&public)}</p>
                <div class="form-actions">
                    <button type="button" class="btn btn-secondary"
                        on:click=move |_| store_identity(None, ctx.t().lock.identity_removed)>
                        {tr(|s| s.lock.identity_remove)}
                    </button>
                </div>
            }.into_any(),
            None => view! {
                <form on:submit=save novalidate>
                    <PassphraseInput id="centre-identity" label=|s| s.lock.identity_label hint=|s| s.lock.identity_hint
                        value=typed autocomplete="off" problem=Signal::derive(move || problem.get())/>
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">{tr(|s| s.lock.identity_save)}</button>
                    </div>
                </form>
            }.into_any(),
        }}
        <p class="form-status" role="status" data-testid="centre-identity-status">{move || outcome_text(ctx, outcome.get())}</p>
    }
}

#[component]
fn Workers(ring: RwSignal<Option<Keyring>>) -> impl IntoView {
    let ctx = use_ctx();
    let asking = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(Outcome::Idle);
    let me = move || ctx.session.with(|s| s.as_ref().map(|s| s.slot_id.clone()).unwrap_or_default());
    let remove = move |slot: String| {
        let Some(mut next) = ring.get_untracked() else { return };
        match next.remove_worker(&slot) {
            Ok(()) => {}
            Err(e) => return outcome.set(Outcome::Failed(key_error(ctx, e))),
        }
        outcome.set(Outcome::Busy);
        spawn_local(async move {
            outcome.try_set(match save_ring(ctx, ring, next, AuditAction::WorkerRemoved, Some(&slot)).await {
                Ok(()) => Outcome::Done(ctx.t().lock.worker_removed),
                Err(e) => store_failed(ctx, &e),
            });
            asking.try_set(None);
        });
    };
    view! {
        <h3>{tr(|s| s.lock.workers_title)}</h3>
        <ul class="worker-list">
            {move || {
                let workers = ring.with(|r| r.as_ref().map(Keyring::workers).unwrap_or_default());
                let several = workers.len() > 1;
                workers.into_iter().map(|(id, name)| {
                    let mine = id == me();
                    let (ask_id, yes_id) = (id.clone(), id.clone());
                    let confirm_name = name.clone();
                    let asked = move || asking.get().as_deref() == Some(id.as_str());
                    view! {
                        <li>
                            <span>{name}</span>
                            {mine.then(|| view! { <span class="muted">" (" {tr(|s| s.lock.you)} ")"</span> })}
                            {(several && !mine).then(|| view! {
                                <Show when=move || !asked() fallback=move || {
                                    let yes = yes_id.clone();
                                    view! {
                                        <span role="alert">{(ctx.t().lock.remove_confirm)(&confirm_name)}</span>
                                        <button type="button" class="btn btn-danger" on:click=move |_| remove(yes.clone())>
                                            {tr(|s| s.lock.remove_worker)}
                                        </button>
                                        <button type="button" class="btn btn-secondary" on:click=move |_| asking.set(None)>
                                            {tr(|s| s.cancel)}
                                        </button>
                                    }
                                }>
                                    {
                                        let ask = ask_id.clone();
                                        view! {
                                            <button type="button" class="btn btn-secondary"
                                                on:click=move |_| asking.set(Some(ask.clone()))>
                                                {tr(|s| s.lock.remove_worker)}
                                            </button>
                                        }
                                    }
                                </Show>
                            })}
                        </li>
                    }
                }).collect_view()
            }}
        </ul>
        <p class="form-status" role="status">{move || outcome_text(ctx, outcome.get())}</p>
    }
}

#[component]
fn AddWorker(ring: RwSignal<Option<Keyring>>) -> impl IntoView {
    let ctx = use_ctx();
    let name = RwSignal::new(String::new());
    let pass = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let problems = RwSignal::new((None::<String>, None::<String>, None::<String>));
    let outcome = RwSignal::new(Outcome::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(mut next) = ring.get_untracked() else { return };
        let cleaned = clean_name(&name.get_untracked());
        let (weak, differ) = new_pass_problems(ctx, &pass.get_untracked(), &repeat.get_untracked());
        let name_problem = cleaned.as_ref().err().map(|p| i18n::name_problem(ctx.lang.get_untracked(), *p));
        let any = name_problem.is_some() || weak.is_some() || differ.is_some();
        problems.set((name_problem, weak, differ));
        let (Ok(cleaned), false) = (cleaned, any) else { return };
        let key = match codec::data_key() {
            Ok(k) => k,
            Err(e) => return outcome.set(store_failed(ctx, &e)),
        };
        outcome.set(Outcome::Busy);
        spawn_local(async move {
            platform::yield_now().await;
            let result = match next.add_worker(&key, &cleaned, &pass.get_untracked(), KdfParams::CURRENT).await {
                Ok(slot) => save_ring(ctx, ring, next, AuditAction::WorkerAdded, Some(&slot))
                    .await
                    .map_err(|e| store_failed(ctx, &e)),
                Err(e) => Err(Outcome::Failed(key_error(ctx, e))),
            };
            match result {
                Ok(()) => {
                    name.try_set(String::new());
                    pass.try_set(String::new());
                    repeat.try_set(String::new());
                    outcome.try_set(Outcome::Done(ctx.t().lock.worker_added));
                }
                Err(o) => {
                    outcome.try_set(o);
                }
            }
        });
    };
    view! {
        <h3>{tr(|s| s.lock.add_worker)}</h3>
        <p class="muted">{tr(|s| s.lock.add_worker_hint)}</p>
        <form on:submit=submit novalidate>
            <TextInput id="new-worker" label=|s| s.lock.new_worker_label value=name on_input=move |v| name.set(v)
                problem=Signal::derive(move || problems.get().0)/>
            <PassphraseInput id="new-worker-pass" label=|s| s.lock.pass_label hint=|s| s.lock.pass_hint value=pass
                autocomplete="new-password" problem=Signal::derive(move || problems.get().1)/>
            <Meter value=pass/>
            <PassphraseInput id="new-worker-repeat" label=|s| s.lock.pass_repeat_label value=repeat
                autocomplete="new-password" problem=Signal::derive(move || problems.get().2)/>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || outcome.get() == Outcome::Busy>
                    {tr(|s| s.lock.add_worker)}
                </button>
                <p class="form-status" role="status" data-testid="add-worker-status">
                    {move || outcome_text(ctx, outcome.get())}
                </p>
            </div>
        </form>
    }
}

#[component]
fn ChangePassphrase(ring: RwSignal<Option<Keyring>>) -> impl IntoView {
    let ctx = use_ctx();
    let current = RwSignal::new(String::new());
    let pass = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let problems = RwSignal::new((None::<String>, None::<String>, None::<String>));
    let outcome = RwSignal::new(Outcome::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(mut next) = ring.get_untracked() else { return };
        let Some(slot) = ctx.session.with_untracked(|s| s.as_ref().map(|s| s.slot_id.clone())) else { return };
        let (weak, differ) = new_pass_problems(ctx, &pass.get_untracked(), &repeat.get_untracked());
        let any = weak.is_some() || differ.is_some();
        problems.set((None, weak, differ));
        if any {
            return;
        }
        outcome.set(Outcome::Busy);
        spawn_local(async move {
            platform::yield_now().await;
            // The current passphrase first: an unlocked tablet left on a desk must not get a stranger's passphrase.
            let result = match next.unlock(&slot, &current.get_untracked(), KdfParams::CURRENT).await {
                Ok(u) => match next.change_passphrase(&u.key, &slot, &pass.get_untracked(), KdfParams::CURRENT).await {
                    Ok(()) => save_ring(ctx, ring, next, AuditAction::PassphraseChanged, None)
                        .await
                        .map_err(|e| store_failed(ctx, &e)),
                    Err(e) => Err(Outcome::Failed(key_error(ctx, e))),
                },
                Err(KeyError::Wrong) => {
                    problems.try_update(|p| p.0 = Some(ctx.t().lock.current_wrong.to_owned()));
                    Err(Outcome::Idle)
                }
                Err(e) => Err(Outcome::Failed(key_error(ctx, e))),
            };
            match result {
                Ok(()) => {
                    current.try_set(String::new());
                    pass.try_set(String::new());
                    repeat.try_set(String::new());
                    outcome.try_set(Outcome::Done(ctx.t().lock.pass_changed));
                }
                Err(o) => {
                    outcome.try_set(o);
                }
            }
        });
    };
    view! {
        <h3>{tr(|s| s.lock.change_pass)}</h3>
        <form on:submit=submit novalidate>
            <PassphraseInput id="current-pass" label=|s| s.lock.current_pass value=current
                problem=Signal::derive(move || problems.get().0)/>
            <PassphraseInput id="changed-pass" label=|s| s.lock.new_pass_label hint=|s| s.lock.pass_hint value=pass
                autocomplete="new-password" problem=Signal::derive(move || problems.get().1)/>
            <Meter value=pass/>
            <PassphraseInput id="changed-repeat" label=|s| s.lock.pass_repeat_label value=repeat
                autocomplete="new-password" problem=Signal::derive(move || problems.get().2)/>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || outcome.get() == Outcome::Busy>
                    {tr(|s| s.lock.change_pass)}
                </button>
                <p class="form-status" role="status" data-testid="change-pass-status">
                    {move || outcome_text(ctx, outcome.get())}
                </p>
            </div>
        </form>
    }
}
