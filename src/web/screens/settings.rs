//! Settings: language, this device's name and worker, storage, and about.

use leptos::prelude::*;

use crate::web::data::DataStoreFields;

use crate::web::form::{tr, CheckBox, TextArea, TextInput};
use leptos::task::spawn_local;

use crate::domain::device::{clean_hotline, DeviceSettings, NameProblem};
use crate::domain::eligibility::{Rules, RulesProblem};
use crate::i18n::{self, Lang};
use crate::storage::schema::SCHEMA_VERSION;
use crate::storage::StoreError;
use crate::web::app::{short_build, use_ctx, Ctx};
use crate::web::{device, platform};

#[component]
pub fn SettingsScreen() -> impl IntoView {
    view! {
        <h1 tabindex="-1">{tr(|s| s.settings.title)}</h1>
        <LanguagePicker/>
        <DeviceForm/>
        <crate::web::screens::protection::ProtectionSection/>
        <crate::web::screens::audit::TrailSection/>
        <WorkSection/>
        <RulesSection/>
        <ContactsSection/>
        <HolidaysSection/>
        <crate::web::screens::kiosk_setup::KioskSection/>
        <crate::web::screens::centre::CentreSection/>
        <RetentionSection/>
        <StorageSection/>
        <AboutSection/>
    }
}

#[component]
fn LanguagePicker() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <section class="card">
            <fieldset class="choices">
                <legend>{tr(|s| s.settings.lang_legend)}</legend>
                {Lang::ALL
                    .into_iter()
                    .map(|lang| {
                        view! {
                            <label class="choice">
                                <input
                                    type="radio"
                                    name="lang"
                                    value=lang.code()
                                    prop:checked=move || ctx.lang.get() == lang
                                    on:change=move |_| ctx.lang.set(lang)
                                />
                                // Each language is named in itself, so a user can find theirs in any interface.
                                <span lang=lang.code()>{lang.name()}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
        </section>
    }
}

/// Problems of the label and the worker field.
type FieldProblems = (Option<NameProblem>, Option<NameProblem>);

#[derive(Debug, Clone, PartialEq)]
enum SaveState {
    Idle,
    Saving,
    Saved,
    Invalid,
    Failed(StoreError),
}

/// Hands this device's settings to `fill` once they are loaded (at once if they are): a form is filled once, and
/// never over what the user has typed since.
fn with_device_settings(ctx: Ctx, fill: impl Fn(DeviceSettings) + 'static) {
    let filled = StoredValue::new(false);
    Effect::new(move |_| {
        if filled.get_value() {
            return;
        }
        if let Some(d) = ctx.device.get() {
            filled.set_value(true);
            fill(d);
        }
    });
}

#[component]
fn DeviceForm() -> impl IntoView {
    let ctx = use_ctx();
    let label = RwSignal::new(String::new());
    let worker = RwSignal::new(String::new());
    let device_id = RwSignal::new(String::new());
    let problems = RwSignal::new(FieldProblems::default());
    let state = RwSignal::new(SaveState::Idle);

    // Fill the form once the settings are loaded; what the user already typed is never overwritten.
    with_device_settings(ctx, move |d| {
        if label.try_get_untracked().is_some_and(|l| l.is_empty()) {
            label.try_set(d.label);
        }
        if worker.try_get_untracked().is_some_and(|w| w.is_empty()) {
            worker.try_set(d.worker);
        }
        device_id.try_set(d.device_id);
    });

    // What is typed replaces the value; a "saved" note goes once the form changes again.
    let typed = move |field: RwSignal<String>| {
        Callback::new(move |v: String| {
            field.set(v);
            if state.get_untracked() == SaveState::Saved {
                state.set(SaveState::Idle);
            }
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save_device(ctx, label.get_untracked(), worker.get_untracked(), problems, state);
    };

    let label_problem = move || problems.get().0.map(|p| i18n::name_problem(ctx.lang.get(), p));
    let worker_problem = move || problems.get().1.map(|p| i18n::name_problem(ctx.lang.get(), p));

    view! {
        <section class="card" aria-labelledby="device-h">
            <h2 id="device-h">{tr(|s| s.settings.device_section)}</h2>
            <p class="muted">{tr(|s| s.settings.device_intro)}</p>
            <form on:submit=submit novalidate>
                <TextInput id="device-label" label=|s| s.settings.device_label hint=|s| s.settings.device_label_hint
                    value=label on_input=typed(label) problem=Signal::derive(label_problem)/>
                <TextInput id="device-worker" label=|s| s.settings.worker_label hint=|s| s.settings.worker_hint
                    value=worker on_input=typed(worker) problem=Signal::derive(worker_problem)/>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || state.get() == SaveState::Saving>
                        {move || if state.get() == SaveState::Saving { ctx.t().settings.saving } else { ctx.t().settings.save }}
                    </button>
                    <p class="form-status" role="status" data-testid="device-save-status">
                        {move || match state.get() {
                            SaveState::Saved => ctx.t().settings.saved.to_owned(),
                            SaveState::Invalid => ctx.t().settings.fix_fields.to_owned(),
                            SaveState::Failed(e) => i18n::store_error(ctx.lang.get(), &e),
                            SaveState::Idle | SaveState::Saving => String::new(),
                        }}
                    </p>
                </div>
            </form>
            <dl class="facts">
                <dt>{tr(|s| s.settings.device_id_label)}</dt>
                <dd class="mono" data-testid="device-id">{move || device_id.get()}</dd>
            </dl>
        </section>
    }
}

fn save_device(ctx: Ctx, label: String, worker: String, problems: RwSignal<FieldProblems>, state: RwSignal<SaveState>) {
    let current = match device::current(ctx) {
        Ok(d) => d,
        Err(e) => {
            state.set(SaveState::Failed(e));
            return;
        }
    };
    let next = match current.with_edits(&label, &worker) {
        Ok(next) => next,
        Err(p) => {
            problems.set(p);
            state.set(SaveState::Invalid);
            return;
        }
    };
    state.set(SaveState::Saving);
    spawn_local(async move {
        // The screen may be gone by now (the save itself is done): `try_` writes are no-ops then.
        match device::save(ctx, next).await {
            Ok(()) => {
                problems.try_set((None, None));
                state.try_set(SaveState::Saved);
                ctx.data_changed();
            }
            Err(e) => {
                state.try_set(SaveState::Failed(e));
            }
        }
    });
}

#[component]
fn StorageSection() -> impl IntoView {
    let ctx = use_ctx();
    let asked = RwSignal::new(None::<Option<bool>>);
    let ask = move |_| {
        spawn_local(async move {
            let answer = platform::request_persist().await;
            if answer.is_some() {
                ctx.persisted.set(answer);
            }
            asked.try_set(Some(answer));
        });
    };
    let usage = move || {
        let lang = ctx.lang.get();
        ctx.estimate.get().map(|e| {
            let text = (lang.strings().settings.storage_used_of)(&i18n::format_bytes(lang, e.usage), &i18n::format_bytes(lang, e.quota));
            view! {
                <meter min="0" max=e.quota.max(1).to_string() value=e.usage.to_string() aria-label=lang.strings().settings.storage_meter_label></meter>
                <p data-testid="storage-usage">{text}</p>
            }
        })
    };
    view! {
        <section class="card" aria-labelledby="storage-h">
            <h2 id="storage-h">{tr(|s| s.settings.storage_section)}</h2>
            {usage}
            <p data-testid="persist-explain">
                {move || match ctx.persisted.get() {
                    Some(true) => ctx.t().settings.persist_on_explain,
                    Some(false) => ctx.t().settings.persist_off_explain,
                    None => ctx.t().settings.persist_unsupported,
                }}
            </p>
            <Show when=move || ctx.persisted.get() == Some(false)>
                <button type="button" class="btn btn-secondary" on:click=ask>{tr(|s| s.settings.persist_ask)}</button>
            </Show>
            <p role="status" class="form-status">
                {move || match asked.get() {
                    Some(Some(false)) => ctx.t().settings.persist_refused,
                    Some(None) => ctx.t().settings.persist_unsupported,
                    _ => "",
                }}
            </p>
        </section>
    }
}

#[component]
fn AboutSection() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <section class="card" aria-labelledby="about-h">
            <h2 id="about-h">{tr(|s| s.settings.about_section)}</h2>
            <dl class="facts">
                <dt>{tr(|s| s.settings.about_version)}</dt>
                <dd data-testid="about-version">{env!("CARGO_PKG_VERSION")}</dd>
                <dt>{tr(|s| s.settings.about_build)}</dt>
                <dd class="mono" data-testid="about-build">{move || ctx.build.with_value(|b| short_build(b))}</dd>
                <dt>{tr(|s| s.settings.about_schema)}</dt>
                <dd>{SCHEMA_VERSION}</dd>
                <dt>{tr(|s| s.settings.about_offline)}</dt>
                <dd>{move || if ctx.offline_ready.get() { "✓" } else { "—" }}</dd>
            </dl>
        </section>
    }
}

/// The lists intake uses: question areas (editable) and the partner organisations directory.
#[component]
fn WorkSection() -> impl IntoView {
    let ctx = use_ctx();
    let text = RwSignal::new(String::new());
    let filled = StoredValue::new(false);
    Effect::new(move |_| {
        if ctx.data_ready.get() && !filled.get_value() {
            filled.set_value(true);
            text.set(ctx.data.areas().with(|areas| areas.areas.join("\n")));
        }
    });
    let state = RwSignal::new(SaveState::Idle);
    let save = move |_| {
        let store = match ctx.store_or_err() {
            Ok(s) => s,
            Err(e) => {
                state.set(SaveState::Failed(e));
                return;
            }
        };
        let areas = crate::domain::intake::QuestionAreas::from_lines(&text.get_untracked());
        if areas.areas.is_empty() {
            state.set(SaveState::Invalid);
            return;
        }
        state.set(SaveState::Saving);
        let base = ctx.data.areas().get_untracked();
        spawn_local(async move {
            match crate::web::data::save_areas(&store, &base, &areas, &platform::now_iso()).await {
                Ok(areas) => {
                    text.try_set(areas.areas.join("\n"));
                    ctx.data.areas().set(areas);
                    ctx.data_changed();
                    state.try_set(SaveState::Saved);
                }
                Err(e) => {
                    state.try_set(SaveState::Failed(e));
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="work-h">
            <h2 id="work-h">{tr(|s| s.settings.work_section)}</h2>
            <TextArea id="areas" rows=8 label=|s| s.settings.areas_label hint=|s| s.settings.areas_hint value=text
                on_input=Callback::new(move |v| { text.set(v); state.set(SaveState::Idle); })/>
            <div class="form-actions">
                <button type="button" class="btn btn-primary" on:click=save>{tr(|s| s.settings.save_areas)}</button>
                <p class="form-status" role="status">
                    {move || match state.get() {
                        SaveState::Saved => ctx.t().settings.saved.to_owned(),
                        SaveState::Invalid => ctx.t().settings.areas_empty.to_owned(),
                        SaveState::Failed(e) => i18n::store_error(ctx.lang.get(), &e),
                        SaveState::Idle | SaveState::Saving => String::new(),
                    }}
                </p>
            </div>
            <a class="btn btn-secondary" href=crate::nav::Route::Directory.href()>{tr(|s| s.directory.open)}</a>
        </section>
    }
}

#[derive(Debug, Clone, PartialEq)]
enum RulesNote {
    Installed(String),
    Removed(String),
    Refused(RulesProblem),
    Unreadable,
    Failed(StoreError),
}

/// The БВПД rules in use, and replacing them with a newer file from the centre (no new app build needed).
#[component]
fn RulesSection() -> impl IntoView {
    let ctx = use_ctx();
    let note = RwSignal::new(None::<RulesNote>);
    let in_use = Memo::new(move |_| {
        ctx.data.with(|d| {
            let r = d.rules.as_ref()?;
            let installed = d.installed_rules.as_ref() == Some(r);
            Some((r.version.clone(), r.serial, installed))
        })
    });
    let has_installed = Memo::new(move |_| ctx.data.with(|d| d.installed_rules.is_some()));
    // Back to the shipped rules: the installed file and its removal's audit event in one transaction.
    let remove = move |_| {
        spawn_local(async move {
            let done = async {
                let store = ctx.store_or_err()?;
                let e = crate::web::audit::event(ctx, crate::domain::audit::AuditAction::RulesRemoved, None, None)?;
                crate::web::data::remove_rules(&store, &e).await
            }
            .await;
            match done {
                Ok(()) => {
                    crate::web::audit::written(ctx);
                    let shipped = ctx.data.with_untracked(|d| d.shipped_rules.clone());
                    let version = shipped.as_ref().map(|r| r.version.clone()).unwrap_or_default();
                    ctx.data.installed_rules().set(None);
                    ctx.data.rules().set(shipped);
                    ctx.data_changed();
                    note.try_set(Some(RulesNote::Removed(version)));
                }
                Err(e) => {
                    note.try_set(Some(RulesNote::Failed(e)));
                }
            }
        });
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(file) = platform::chosen_file(&ev) else { return };
        // The last file's message goes while this one is read.
        note.set(None);
        spawn_local(async move {
            let limit = crate::domain::eligibility::MAX_RULES_BYTES;
            if file.size() > limit as f64 {
                let too_large = crate::domain::eligibility::RulesProblem::TooLarge { limit_bytes: limit };
                note.try_set(Some(RulesNote::Refused(too_large)));
                return;
            }
            let Some(text) = platform::file_text(file).await else {
                note.try_set(Some(RulesNote::Unreadable));
                return;
            };
            let checked = match ctx.data.rules().with_untracked(|rules| rules.clone()) {
                Some(current) => current.replacement(&text),
                None => Rules::parse(&text),
            };
            let rules = match checked {
                Ok(r) => r,
                Err(p) => {
                    note.try_set(Some(RulesNote::Refused(p)));
                    return;
                }
            };
            let store = match ctx.store_or_err() {
                Ok(s) => s,
                Err(e) => {
                    note.try_set(Some(RulesNote::Failed(e)));
                    return;
                }
            };
            match crate::web::data::save_rules(&store, &text, &platform::now_iso()).await {
                Ok(()) => {
                    crate::web::audit::note(ctx, crate::domain::audit::AuditAction::RulesInstalled, None, None).await;
                    let version = rules.version.clone();
                    ctx.data.installed_rules().set(Some(rules.clone()));
                    ctx.data.rules().set(Some(rules));
                    ctx.data_changed();
                    note.try_set(Some(RulesNote::Installed(version)));
                }
                Err(e) => {
                    note.try_set(Some(RulesNote::Failed(e)));
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="rules-h">
            <h2 id="rules-h">{tr(|s| s.settings.rules_section)}</h2>
            <p data-testid="rules-in-use">
                {move || match in_use.get() {
                    Some((v, n, installed)) => format!(
                        "{} · {}",
                        (ctx.t().settings.rules_in_use)(&v, n),
                        if installed { ctx.t().settings.rules_installed } else { ctx.t().settings.rules_shipped }
                    ),
                    None => ctx.t().loading.to_owned(),
                }}
            </p>
            <p class="hint" id="rules-file-hint">{tr(|s| s.settings.rules_replace_hint)}</p>
            <label class="btn btn-secondary file-button">
                {tr(|s| s.settings.rules_replace)}
                <input type="file" accept=".json,application/json" class="visually-hidden"
                    aria-describedby="rules-file-hint" on:change=import/>
            </label>
            <Show when=move || has_installed.get()>
                <p class="hint" id="rules-remove-hint">{tr(|s| s.settings.rules_remove_hint)}</p>
                <button type="button" class="btn btn-secondary" aria-describedby="rules-remove-hint" on:click=remove>
                    {tr(|s| s.settings.rules_remove)}
                </button>
            </Show>
            <p role="status" class="form-status" data-testid="rules-status">
                {move || note.get().map(|n| match n {
                    RulesNote::Installed(v) => (ctx.t().settings.rules_replaced)(&v),
                    RulesNote::Removed(v) => (ctx.t().settings.rules_removed)(&v),
                    RulesNote::Refused(p) => i18n::rules_problem(ctx.lang.get(), &p),
                    RulesNote::Unreadable => ctx.t().file_unreadable.to_owned(),
                    RulesNote::Failed(e) => i18n::store_error(ctx.lang.get(), &e),
                })}
            </p>
        </section>
    }
}

/// Reads "how many days" as typed: empty is `None`, else a whole number of days up to ten years.
fn parse_days(text: &str) -> Result<Option<u32>, ()> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(n) if n <= 3650 => Ok(Some(n)),
        _ => Err(()),
    }
}

/// The phone printed for clients on slips and lists (the centre's contacts; by default the national hotline).
#[component]
fn ContactsSection() -> impl IntoView {
    let ctx = use_ctx();
    let phone = RwSignal::new(String::new());
    let state = RwSignal::new(SaveState::Idle);
    with_device_settings(ctx, move |d| {
        phone.try_set(d.hotline);
    });
    let save = move |_| {
        let Ok(hotline) = clean_hotline(&phone.get_untracked()) else {
            state.set(SaveState::Invalid);
            return;
        };
        let mut next = match device::current(ctx) {
            Ok(d) => d,
            Err(e) => {
                state.set(SaveState::Failed(e));
                return;
            }
        };
        next.hotline = hotline;
        state.set(SaveState::Saving);
        spawn_local(async move {
            state.try_set(match device::save(ctx, next).await {
                Ok(()) => SaveState::Saved,
                Err(e) => SaveState::Failed(e),
            });
        });
    };
    view! {
        <section class="card" aria-labelledby="contacts-h">
            <h2 id="contacts-h">{tr(|s| s.settings.contacts_section)}</h2>
            <TextInput id="hotline" label=|s| s.settings.hotline_label hint=|s| s.settings.hotline_hint inputmode="tel"
                value=phone on_input=Callback::new(move |v| { phone.set(v); state.set(SaveState::Idle); })
                problem=Signal::derive(move || (state.get() == SaveState::Invalid).then(|| ctx.t().settings.hotline_bad.to_owned()))/>
            <div class="form-actions">
                <button type="button" class="btn btn-primary" on:click=save>{tr(|s| s.settings.hotline_save)}</button>
                <p class="form-status" role="status" data-testid="contacts-status">
                    {move || match state.get() {
                        SaveState::Saved => ctx.t().settings.saved.to_owned(),
                        SaveState::Failed(e) => i18n::store_error(ctx.lang.get(), &e),
                        _ => String::new(),
                    }}
                </p>
            </div>
        </section>
    }
}

/// Public holidays for the working-day deadlines: off under martial law (they are working days), a list the centre
/// keeps and turns on when that ends.
#[component]
fn HolidaysSection() -> impl IntoView {
    let ctx = use_ctx();
    let observed = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let state = RwSignal::new(SaveState::Idle);
    let bad_line = RwSignal::new(None::<usize>);
    with_device_settings(ctx, move |d| {
        observed.try_set(d.holidays_observed);
        let dates: Vec<String> = d
            .holidays
            .iter()
            .filter_map(|h| crate::domain::date::Date::parse_iso(h).map(crate::domain::date::Date::dotted))
            .collect();
        text.try_set(dates.join("\n"));
    });
    let save = move |_| {
        let holidays = match crate::domain::device::parse_holidays(&text.get_untracked()) {
            Ok(h) => h,
            Err(crate::domain::device::HolidayLineProblem(line)) => {
                bad_line.set(Some(line));
                state.set(SaveState::Invalid);
                return;
            }
        };
        let mut next = match device::current(ctx) {
            Ok(d) => d,
            Err(e) => {
                state.set(SaveState::Failed(e));
                return;
            }
        };
        next.holidays = holidays;
        next.holidays_observed = observed.get_untracked();
        state.set(SaveState::Saving);
        spawn_local(async move {
            state.try_set(match device::save(ctx, next).await {
                Ok(()) => SaveState::Saved,
                Err(e) => SaveState::Failed(e),
            });
        });
    };
    view! {
        <section class="card" aria-labelledby="holidays-h">
            <h2 id="holidays-h">{tr(|s| s.settings.holidays_section)}</h2>
            <p class="hint">{tr(|s| s.settings.holidays_intro)}</p>
            <CheckBox id="holidays-observed" label=|s| s.settings.holidays_observed checked=observed
                on_change=Callback::new(move |v| { observed.set(v); state.set(SaveState::Idle); })/>
            <TextArea id="holidays" rows=6 label=|s| s.settings.holidays_label hint=|s| s.settings.holidays_hint value=text
                on_input=Callback::new(move |v| { text.set(v); state.set(SaveState::Idle); })/>
            <div class="form-actions">
                <button type="button" class="btn btn-primary" on:click=save>{tr(|s| s.settings.holidays_save)}</button>
                <p class="form-status" role="status" data-testid="holidays-status">
                    {move || match state.get() {
                        SaveState::Saved => ctx.t().settings.saved.to_owned(),
                        SaveState::Invalid => (ctx.t().settings.holidays_bad)(bad_line.get().unwrap_or(1)),
                        SaveState::Failed(e) => i18n::store_error(ctx.lang.get(), &e),
                        _ => String::new(),
                    }}
                </p>
            </div>
        </section>
    }
}

/// Reads the days an unfinished intake is kept: a whole number from 1 to 90.
fn parse_draft_days(text: &str) -> Result<u32, ()> {
    match text.trim().parse::<u32>() {
        Ok(n) if (1..=90).contains(&n) => Ok(n),
        _ => Err(()),
    }
}

/// How long personal data stays on the device: of handed-over batches, and of intakes left unfinished (both kept in
/// the device settings).
#[component]
fn RetentionSection() -> impl IntoView {
    let ctx = use_ctx();
    let text = RwSignal::new(String::new());
    let drafts = RwSignal::new(String::new());
    // Which field is refused: (retention, drafts).
    let bad = RwSignal::new((false, false));
    let state = RwSignal::new(SaveState::Idle);
    with_device_settings(ctx, move |d| {
        if let Some(days) = d.retention_days {
            text.try_set(days.to_string());
        }
        drafts.try_set(d.draft_days.to_string());
    });
    let save = move |_| {
        let (days, draft_days) = (parse_days(&text.get_untracked()), parse_draft_days(&drafts.get_untracked()));
        bad.set((days.is_err(), draft_days.is_err()));
        let (Ok(days), Ok(draft_days)) = (days, draft_days) else {
            state.set(SaveState::Invalid);
            return;
        };
        let mut next = match device::current(ctx) {
            Ok(d) => d,
            Err(e) => {
                state.set(SaveState::Failed(e));
                return;
            }
        };
        next.retention_days = days;
        next.draft_days = draft_days;
        state.set(SaveState::Saving);
        spawn_local(async move {
            state.try_set(match device::save(ctx, next).await {
                Ok(()) => SaveState::Saved,
                Err(e) => SaveState::Failed(e),
            });
        });
    };
    let typed = move |field: RwSignal<String>| {
        Callback::new(move |v: String| {
            field.set(v);
            state.set(SaveState::Idle);
        })
    };
    view! {
        <section class="card" aria-labelledby="retention-h">
            <h2 id="retention-h">{tr(|s| s.settings.retention_section)}</h2>
            <TextInput id="retention-days" label=|s| s.settings.retention_label hint=|s| s.settings.retention_hint inputmode="numeric"
                value=text on_input=typed(text)
                problem=Signal::derive(move || bad.get().0.then(|| ctx.t().settings.retention_bad.to_owned()))/>
            <TextInput id="draft-days" label=|s| s.settings.draft_days_label hint=|s| s.settings.draft_days_hint inputmode="numeric"
                value=drafts on_input=typed(drafts)
                problem=Signal::derive(move || bad.get().1.then(|| ctx.t().settings.draft_days_bad.to_owned()))/>
            <div class="form-actions">
                <button type="button" class="btn btn-primary" on:click=save>{tr(|s| s.settings.retention_save)}</button>
                <p class="form-status" role="status" data-testid="retention-status">
                    {move || match state.get() {
                        SaveState::Saved => ctx.t().settings.saved.to_owned(),
                        SaveState::Failed(e) => i18n::store_error(ctx.lang.get(), &e),
                        _ => String::new(),
                    }}
                </p>
            </div>
        </section>
    }
}
