//! The app shell: context, start-up (storage open + probe), layout, status area, navigation and banners.

use leptos::prelude::*;

use super::form::tr;
use leptos::task::spawn_local;

use crate::domain::device::DeviceSettings;
use crate::domain::eligibility::{newest, Rules};
use crate::domain::ids::uuid_v4;
use crate::i18n::{self, Lang, Strings};
use crate::nav::{Route, Screen};
use crate::storage::idb::{IdbStore, OpenHooks};
use crate::storage::StoreError;

use super::app_store::AppStore;
use super::data::{Data, DataStoreFields};
use super::lock::{self, Gate, LockBar, Session};
use super::platform::{self, Estimate};
use super::screens::home::HomeScreen;
use super::{device, icons, prefs, sw};
use crate::storage::codec;
use reactive_stores::Store;

/// Where the storage stands.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreState {
    Opening,
    /// Waiting for another tab to close (the upgrade is blocked).
    Blocked,
    Ready,
    Failed(StoreError),
}

/// Shared app state, passed by context. Every field is a handle: `Ctx` is `Copy`.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub route: RwSignal<Route>,
    /// Clients, appeals, directory… decoded in memory: the ONE owner of decoded data (see `data.rs`). A view that
    /// reads a field (`ctx.data.clients().with(…)`) updates when that field changes, and only then.
    pub data: Store<Data, LocalStorage>,
    pub data_ready: RwSignal<bool>,
    /// A client whose new appeal the intake screen should start with.
    pub pending_intake: RwSignal<Option<String>>,
    /// A one-time confirmation shown by the next screen ("appeal saved").
    pub flash: RwSignal<Option<String>>,
    /// This device's settings (id, label, worker…), once storage is open; changed only through `device::save`.
    pub device: RwSignal<Option<DeviceSettings>>,
    pub store_state: RwSignal<StoreState>,
    store: StoredValue<Option<AppStore>, LocalStorage>,
    pub online: RwSignal<bool>,
    /// The outbox: where each batch not yet delivered to the centre is (`web::outbox`).
    pub outbox: RwSignal<crate::transfer::outbox::Outbox>,
    /// Enrolled with a centre (seen by the outbox and at enrolment): the queue screen reads the centre's live queue.
    pub linked: RwSignal<bool>,
    pub estimate: RwSignal<Option<Estimate>>,
    pub persisted: RwSignal<Option<bool>>,
    pub update_ready: RwSignal<bool>,
    pub closed_for_upgrade: RwSignal<bool>,
    pub offline_ready: RwSignal<bool>,
    pub build: StoredValue<String>,
    /// The automatic purge after the retention period failed (it is tried again at the next start).
    pub purge_failed: RwSignal<Option<StoreError>>,
    /// An event could not be written to the audit trail (the act itself is done).
    pub trail_failed: RwSignal<Option<StoreError>>,
    /// Another tab's change could not be read in this one.
    pub reread_failed: RwSignal<Option<StoreError>>,
    /// Raised after each event written to the trail, so a view of it reads it again.
    pub trail_changed: RwSignal<u32>,
    /// Set-up, locked, or the app's screens (see `lock.rs`).
    pub gate: RwSignal<Gate>,
    /// The worker who unlocked, while unlocked.
    pub session: RwSignal<Option<Session>>,
    /// The device locked on the intake: after unlocking, its draft is resumed without asking.
    pub resume_draft: RwSignal<bool>,
    /// This tab's intake draft (each tab has its own), while one is being typed here. Memory only: a reloaded tab
    /// is offered every unfinished draft instead.
    pub intake_draft: RwSignal<Option<String>>,
    /// Set for a moment while a screen about a card withdrawn or merged in another tab closes: its pending autosave
    /// is dropped, not written (it would bring back what the withdrawal erased).
    pub drop_pending: RwSignal<bool>,
    /// Raised each time this tab has re-read what another tab wrote: an open autosave checks its record is still
    /// there.
    pub changed_elsewhere: RwSignal<u64>,
    /// The device is set up as a waiting-room kiosk: it starts as one, and locking returns to it.
    pub kiosk: RwSignal<bool>,
    /// A kiosk ticket opened into a new intake: the search to begin with (the name or phone the visitor gave) and
    /// the area chosen. Memory only.
    pub intake_from_ticket: RwSignal<Option<(String, String)>>,
}

impl Ctx {
    /// The worker who unlocked the device (else the one named in its settings) (reactive), for records and slips.
    pub fn worker(&self) -> String {
        if let Some(s) = self.session.with(|s| s.as_ref().map(|s| s.worker.clone())) {
            return s;
        }
        self.device.with(|d| d.as_ref().map(|d| d.worker.clone()).unwrap_or_default())
    }

    /// This device's label (reactive), for slips.
    pub fn device_label(&self) -> String {
        self.device.with(|d| d.as_ref().map(|d| d.label.clone()).unwrap_or_default())
    }

    /// The strings of the current language (reactive).
    pub fn t(&self) -> &'static Strings {
        self.lang.get().strings()
    }

    /// The store, once it is open and probed.
    pub fn store(&self) -> Option<AppStore> {
        self.store.with_value(Clone::clone)
    }

    /// The store, or the reason there is none (failed, or not open yet), to show the user.
    pub fn store_or_err(&self) -> Result<AppStore, StoreError> {
        self.store().ok_or_else(|| match self.store_state.get_untracked() {
            StoreState::Failed(e) => e,
            StoreState::Blocked => StoreError::UpgradeBlocked,
            StoreState::Opening | StoreState::Ready => {
                StoreError::Unavailable { detail: "storage is still opening".into() }
            }
        })
    }

    /// Call after a write: the storage figures refresh.
    pub fn data_changed(&self) {
        refresh_estimate(*self);
    }

    pub fn go(&self, screen: Screen) {
        self.route.set(Route::Screen(screen));
    }

    pub fn open(&self, route: Route) {
        self.route.set(route);
    }

    /// Changes the in-memory data after a committed write: views that read what `f` changes update.
    pub fn update_data(&self, f: impl FnOnce(&mut Data)) {
        self.data.update(f);
        self.data_changed();
    }
}

pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

fn refresh_estimate(ctx: Ctx) {
    spawn_local(async move {
        ctx.estimate.set(platform::estimate().await);
    });
}

/// Opens IndexedDB, proves a write works, and makes sure this device has its settings record (and id).
async fn open_storage(ctx: Ctx) {
    let hooks = OpenHooks {
        on_blocked: Box::new(move || ctx.store_state.set(StoreState::Blocked)),
        on_closed_for_upgrade: Box::new(move || ctx.closed_for_upgrade.set(true)),
    };
    let result = async {
        let store = IdbStore::open_app(hooks).await?;
        store.probe().await?;
        let device = device::load_or_create(&store).await?;
        let gate = lock::gate_at_start(&store).await?;
        let kiosk = lock::kiosk_on(&store).await?;
        Ok::<_, StoreError>((store, device, gate, kiosk))
    }
    .await;
    match result {
        Ok((store, device, gate, kiosk)) => {
            ctx.kiosk.set(kiosk);
            ctx.device.set(Some(device));
            ctx.store.set_value(Some(store));
            ctx.store_state.set(StoreState::Ready);
            super::tabs::listen(ctx);
            ctx.gate.set(gate);
            ctx.data_changed();
        }
        Err(e) => ctx.store_state.set(StoreState::Failed(e)),
    }
}

/// The rules file shipped with the app (precached by the service worker, so this works offline): used when it is
/// newer than the one a centre installed.
pub(super) async fn load_shipped_rules(ctx: Ctx) {
    let shipped = platform::fetch_text("rules.json").await.and_then(|t| Rules::parse(&t).ok());
    ctx.data.shipped_rules().set(shipped.clone());
    ctx.data.rules().set(newest(shipped, ctx.data.installed_rules().get_untracked()));
}

/// Search runs on every keystroke over the whole index, from screens loaded on demand, while the data is loaded by
/// the unlock screen's piece: one call here keeps the index and query code in the app shell, instead of in a split
/// piece that every search would call across modules (measured: twice as slow).
fn keep_search_in_shell() {
    use std::hint::black_box;
    let mut index = crate::domain::search::SearchIndex::new();
    index.upsert(black_box(""), black_box(None));
    black_box(index.search(black_box(""), 1));
    black_box(index.likely_duplicates(black_box(&Default::default()), None));
}

/// A new record id (UUID v4 from the browser's cryptographic random source).
pub fn new_id() -> Result<String, StoreError> {
    platform::random_16()
        .map(uuid_v4)
        .ok_or_else(|| StoreError::Unavailable { detail: "no cryptographic random source".into() })
}

fn start_route() -> Route {
    current_hash_route().unwrap_or_else(|| Route::Screen(prefs::screen().unwrap_or(Screen::Home)))
}

fn current_hash_route() -> Option<Route> {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok())?;
    Route::from_hash(&hash)
}

#[component]
pub fn App() -> impl IntoView {
    let ctx = Ctx {
        lang: RwSignal::new(prefs::lang()),
        route: RwSignal::new(start_route()),
        data: Store::new_local(Data::default()),
        data_ready: RwSignal::new(false),
        pending_intake: RwSignal::new(None),
        flash: RwSignal::new(None),
        device: RwSignal::new(None),
        store_state: RwSignal::new(StoreState::Opening),
        store: StoredValue::new_local(None),
        online: RwSignal::new(platform::is_online()),
        outbox: RwSignal::new(Default::default()),
        linked: RwSignal::new(false),
        estimate: RwSignal::new(None),
        persisted: RwSignal::new(None),
        update_ready: RwSignal::new(false),
        closed_for_upgrade: RwSignal::new(false),
        offline_ready: RwSignal::new(false),
        build: StoredValue::new(platform::build_id()),
        purge_failed: RwSignal::new(None),
        trail_failed: RwSignal::new(None),
        reread_failed: RwSignal::new(None),
        trail_changed: RwSignal::new(0),
        gate: RwSignal::new(Gate::Checking),
        session: RwSignal::new(None),
        resume_draft: RwSignal::new(false),
        intake_draft: RwSignal::new(None),
        drop_pending: RwSignal::new(false),
        changed_elsewhere: RwSignal::new(0),
        kiosk: RwSignal::new(false),
        intake_from_ticket: RwSignal::new(None),
    };
    provide_context(ctx);
    // Nothing personal is read or written until a worker unlocks (or, on a new device, sets a passphrase).
    codec::lock();
    lock::watch_idle(ctx);
    super::outbox::watch(ctx);
    super::data::forget_lists_on_change(ctx);
    lock::watch_opening();
    BUILD_ENGLISH.with(|b| b.set(Some(build_english)));
    keep_search_in_shell();

    sw::register(ctx.update_ready, ctx.offline_ready);
    spawn_local(open_storage(ctx));
    spawn_local(async move {
        let mut granted = platform::persisted().await;
        if granted == Some(false) {
            granted = platform::request_persist().await.or(granted);
        }
        ctx.persisted.set(granted);
    });

    let online = window_event_listener(leptos::ev::online, move |_| {
        ctx.online.set(true);
        sw::check_for_update();
    });
    let offline = window_event_listener(leptos::ev::offline, move |_| ctx.online.set(false));
    let hash = window_event_listener(leptos::ev::hashchange, move |_| {
        // Our own hash writes come back as hashchange events: only a real change may re-render the screen.
        if let Some(r) = current_hash_route().filter(|r| *r != ctx.route.get_untracked()) {
            ctx.route.set(r);
        }
    });
    on_cleanup(move || {
        online.remove();
        offline.remove();
        hash.remove();
    });

    // Language: <html lang>, the title, and the saved preference.
    Effect::new(move |_| {
        let lang = ctx.lang.get();
        // English's texts are fetched the first time it is chosen: Ukrainian until they are here.
        ensure_strings(lang, move || ctx.lang.update(|_| ()));
        let doc = document();
        if let Some(html) = doc.document_element() {
            let _ = html.set_attribute("lang", lang.code());
        }
        doc.set_title(&format!("{} — {}", lang.strings().app_name, lang.strings().app_tagline));
        // A kiosk visitor's choice is theirs alone: it is not the device's saved language.
        if ctx.gate.get_untracked() != Gate::Kiosk {
            prefs::set_lang(lang);
        }
    });
    // Leaving the kiosk (a worker unlocks): the device's saved language again, whatever the last visitor chose.
    Effect::new(move |was: Option<Gate>| {
        let gate = ctx.gate.get();
        if was == Some(Gate::Kiosk) && gate != Gate::Kiosk {
            ctx.lang.set(prefs::lang());
        } else if gate == Gate::Kiosk && was != Some(Gate::Kiosk) {
            // The kiosk greets every visitor in Ukrainian first.
            ctx.lang.set(Lang::Uk);
        }
        // Which first screen index.html may draw next time, before the app arrives (public/first.js).
        match gate {
            Gate::SetUp => prefs::set_set_up(false),
            Gate::Locked | Gate::Open | Gate::Kiosk => prefs::set_set_up(true),
            Gate::Checking | Gate::Locking => {}
        }
        gate
    });
    // Route: the hash, the saved last section, and focus on the new heading for keyboard and screen-reader users.
    Effect::new(move |prev: Option<Route>| {
        let route = ctx.route.get();
        // Only the section is remembered: a record id in localStorage would point at a person.
        prefs::set_screen(route.section());
        if current_hash_route().as_ref() != Some(&route) {
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_hash(&route.href());
            }
        }
        if prev.is_some() && prev.as_ref() != Some(&route) {
            request_animation_frame(|| {
                if let Some(h) = document().query_selector("main h1").ok().flatten() {
                    if let Ok(h) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(h) {
                        let _ = h.focus();
                    }
                }
                if let Some(w) = web_sys::window() {
                    w.scroll_to_with_x_and_y(0.0, 0.0);
                }
            });
        }
        route
    });

    // A memo, so that setting the same screen again does not rebuild it (and lose what is typed there).
    let route = Memo::new(move |_| ctx.route.get());

    view! {
        <Show when=move || ctx.gate.get() != Gate::Kiosk fallback=super::lazy::kiosk>
        <a class="skip-link" href="#main">{tr(|s| s.skip_to_content)}</a>
        <div class="shell">
            <header class="topbar">
                <div class="brand">
                    {icons::logo()}
                    <div>
                        <p class="brand-name">{tr(|s| s.app_name)}</p>
                        <p class="brand-tagline">{tr(|s| s.app_tagline)}</p>
                    </div>
                </div>
                <StatusArea/>
                <LockBar/>
            </header>
            <Show when=move || ctx.gate.get() == Gate::Open>
                <NavBar/>
            </Show>
            <main id="main" class="content" tabindex="-1" data-gate=move || format!("{:?}", ctx.gate.get())>
                <Banners/>
                {move || match ctx.gate.get() {
                    Gate::Open => {
                        let r = route.get();
                        super::lazy::screen(&r).unwrap_or_else(|| view! { <HomeScreen/> }.into_any())
                    }
                    Gate::SetUp | Gate::Locked => super::lazy::gate(),
                    // On a new device: set-up's texts at once (as index.html drew them before the app arrived).
                    Gate::Checking => view! {
                        <Show
                            when=move || ctx.store_state.with(|s| matches!(s, StoreState::Opening)) && !prefs::set_up()
                            fallback=|| view! { <p class="muted" role="status">{tr(|s| s.loading)}</p> }
                        >
                            <lock::SetUpPreview/>
                        </Show>
                    }
                    .into_any(),
                    Gate::Locking => view! { <p class="muted" role="status">{tr(|s| s.lock.locking)}</p> }.into_any(),
                    Gate::Kiosk => ().into_any(),
                }}
            </main>
        </div>
        </Show>
    }
}

#[component]
fn NavBar() -> impl IntoView {
    let ctx = use_ctx();
    let item = move |screen: Screen, label: fn(&Strings) -> &'static str, icon: fn() -> AnyView| {
        view! {
            <li>
                <a
                    href=screen.href()
                    class="nav-link"
                    aria-current=move || (ctx.route.with(|r| r.section()) == screen).then_some("page")
                    on:click=move |ev| {
                        ev.prevent_default();
                        ctx.go(screen);
                    }
                >
                    {icon()}
                    <span>{move || label(ctx.t())}</span>
                </a>
            </li>
        }
    };
    view! {
        <nav class="nav" aria-label=tr(|s| s.nav_label)>
            <ul>
                {item(Screen::Home, |s| s.nav_home, icons::home)}
                {item(Screen::Clients, |s| s.nav_clients, icons::people)}
                {item(Screen::Intake, |s| s.nav_intake, icons::new_intake)}
                {item(Screen::Export, |s| s.nav_export, icons::export)}
                {item(Screen::Settings, |s| s.nav_settings, icons::settings)}
            </ul>
        </nav>
    }
}

/// Online/offline, storage used and free, persistent storage, version: always visible.
#[component]
fn StatusArea() -> impl IntoView {
    let ctx = use_ctx();
    let storage_text = move || {
        let lang = ctx.lang.get();
        match ctx.estimate.get() {
            Some(e) => (lang.strings().status_storage)(
                &i18n::format_bytes(lang, e.usage),
                &i18n::format_bytes(lang, e.quota.saturating_sub(e.usage)),
            ),
            None => lang.strings().status_storage_unknown.to_owned(),
        }
    };
    let persist_text = move || match ctx.persisted.get() {
        Some(true) => ctx.t().status_persist_on,
        Some(false) => ctx.t().status_persist_off,
        None => ctx.t().status_persist_unknown,
    };
    let version_text =
        move || (ctx.t().status_version)(env!("CARGO_PKG_VERSION"), &ctx.build.with_value(|b| short_build(b)));
    view! {
        <section class="status" aria-label=tr(|s| s.status_label)>
            <ul>
                <li class="chip" class:chip-ok=move || ctx.online.get() class:chip-warn=move || !ctx.online.get()
                    data-testid="status-network">
                    <span class="dot" aria-hidden="true"></span>
                    {move || if ctx.online.get() { ctx.t().status_online } else { ctx.t().status_offline }}
                </li>
                <li class="chip chip-storage" data-testid="status-storage">{storage_text}</li>
                <li class="chip chip-persist" class:chip-warn=move || ctx.persisted.get() == Some(false)
                    data-testid="status-persist">
                    {persist_text}
                </li>
                <li class="chip chip-quiet" data-testid="status-version">{version_text}</li>
            </ul>
        </section>
    }
}

pub fn short_build(build: &str) -> String {
    build.chars().take(8).collect()
}

/// Messages that concern the whole app: storage failures, a waiting update, another tab.
#[component]
fn Banners() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <Show when=move || ctx.update_ready.get()>
            <div class="banner banner-info" role="status" data-testid="update-banner">
                <p>{tr(|s| s.update_available)}</p>
                <button class="btn btn-primary" on:click=move |_| sw::apply_update()>
                    {tr(|s| s.update_reload)}
                </button>
            </div>
        </Show>
        <Show when=move || ctx.closed_for_upgrade.get()>
            <div class="banner banner-warn" role="alert">
                <p>{tr(|s| s.closed_for_upgrade)}</p>
                <button class="btn btn-primary" on:click=move |_| platform::reload()>
                    {tr(|s| s.update_reload)}
                </button>
            </div>
        </Show>
        {move || {
            let n = ctx.data.unreadable().get();
            (n > 0).then(|| view! {
                <div class="banner banner-warn" role="alert" data-testid="unreadable">
                    <p>{i18n::count(ctx.lang.get(), n as u64, &ctx.t().settings.unreadable_records)} ". " {ctx.t().settings.unreadable_help}</p>
                </div>
            })
        }}
        {move || ctx.purge_failed.get().map(|e| view! {
            <div class="banner banner-warn" role="alert">
                <p>{ctx.t().purge_failed} " " {i18n::store_error(ctx.lang.get(), &e)}</p>
            </div>
        })}
        {move || ctx.reread_failed.get().map(|e| view! {
            <div class="banner banner-warn" role="alert">
                <p>{ctx.t().reread_failed} " " {i18n::store_error(ctx.lang.get(), &e)}</p>
            </div>
        })}
        {move || ctx.trail_failed.get().map(|e| view! {
            <div class="banner banner-warn" role="alert">
                <p>{ctx.t().audit.write_failed} " " {i18n::store_error(ctx.lang.get(), &e)}</p>
            </div>
        })}
        {move || match ctx.store_state.get() {
            StoreState::Blocked => Some(view! {
                <div class="banner banner-warn" role="alert">
                    <p>{i18n::store_error(ctx.lang.get(), &StoreError::UpgradeBlocked)}</p>
                </div>
            }.into_any()),
            StoreState::Failed(e) => Some(view! {
                <div class="banner banner-error" role="alert" data-testid="storage-failed">
                    <p class="banner-title">{ctx.t().probe_failed_title}</p>
                    <p>{i18n::store_error(ctx.lang.get(), &e)}</p>
                    <p>{ctx.t().probe_failed_help}</p>
                </div>
            }.into_any()),
            StoreState::Opening | StoreState::Ready => None,
        }}
    }
}

/// Fetches a language's texts when they are not here yet (English's: `i18n::table`), then calls `fetched` so what
/// shows them is drawn again. Offline they come from the service worker's cache; if they cannot be had, Ukrainian
/// stays.
pub fn ensure_strings(lang: Lang, fetched: impl Fn() + 'static) {
    if !lang.needs_fetch() {
        return;
    }
    spawn_local(async move {
        if !crate::i18n::table::installed() {
            let Some(json) = platform::fetch_text("i18n/en.json").await else { return };
            if !crate::i18n::install(&json) && !crate::i18n::table::installed() {
                return;
            }
        }
        // Through the function the app registered: a screen (itself a split piece) calling here must not link the
        // split point into the browser tests' module (never split), where it cannot be resolved.
        if let Some(build) = BUILD_ENGLISH.with(std::cell::Cell::get) {
            build().await;
        }
        if !lang.needs_fetch() {
            fetched();
        }
    });
}

thread_local! {
    /// Builds English's text in its own piece; registered by the app at start.
    static BUILD_ENGLISH: std::cell::Cell<Option<fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>>> =
        const { std::cell::Cell::new(None) };
}

fn build_english() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> {
    Box::pin(super::lazy::english())
}
