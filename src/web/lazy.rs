//! Screens loaded on demand. Each `#[lazy]` function below becomes its own piece of WebAssembly (split off at build
//! time), fetched the first time its screen opens — from the service worker's cache when offline — so the shell that
//! starts the app stays small. Record ids come from the route, not as arguments: a split function's arguments cross
//! a module boundary.

use std::future::Future;
use std::pin::Pin;

use leptos::__reexports::send_wrapper::SendWrapper;
use leptos::prelude::*;

use crate::nav::{Route, Screen};

use super::app::use_ctx;
use super::form::tr;
use super::screens::{
    client::ClientScreen, clients::ClientsScreen, directory::DirectoryScreen, edit_card::EditCardScreen,
    merge::MergeScreen, edit_appeal::EditAppealScreen,
    eligibility::ChecklistScreen, export::ExportScreen, gate::GateScreen, intake::IntakeScreen, kiosk::KioskScreen, queue::QueueScreen,
    print::ApplicationScreen, print::ToBringScreen, settings::SettingsScreen, slip::SlipScreen,
};

/// The record id of the current route.
fn route_id() -> String {
    match use_ctx().route.get_untracked() {
        Route::Client(id)
        | Route::EditCard(id)
        | Route::EditAppeal(id)
        | Route::Slip(id)
        | Route::Checklist(id)
        | Route::ToBring(id)
        | Route::Application(id) => id,
        Route::Merge(keep, _) => keep,
        Route::Screen(_) | Route::Directory | Route::Queue => String::new(),
    }
}

/// Each screen below is its own piece of WebAssembly in the release build. Built with `--cfg pryiom_unsplit` (only
/// to measure what splitting is worth: `./pryiom bench-split`) they are plain async functions in one module.
macro_rules! on_demand {
    ($(fn $name:ident() $body:block)*) => { $(
        #[cfg(not(pryiom_unsplit))]
        #[lazy]
        fn $name() -> AnyView $body

        #[cfg(pryiom_unsplit)]
        async fn $name() -> AnyView $body
    )* };
}

on_demand! {
    fn intake() {
        view! { <IntakeScreen/> }.into_any()
    }

    fn clients() {
        view! { <ClientsScreen/> }.into_any()
    }

    fn client() {
        view! { <ClientScreen id=route_id()/> }.into_any()
    }

    fn edit_card() {
        view! { <EditCardScreen id=route_id()/> }.into_any()
    }

    fn edit_appeal() {
        view! { <EditAppealScreen id=route_id()/> }.into_any()
    }

    fn merge() {
        let (keep, gone) = match use_ctx().route.get_untracked() {
            Route::Merge(keep, gone) => (keep, gone),
            _ => (String::new(), String::new()),
        };
        view! { <MergeScreen keep=keep gone=gone/> }.into_any()
    }

    fn slip() {
        view! { <SlipScreen id=route_id()/> }.into_any()
    }

    fn export() {
        view! { <ExportScreen/> }.into_any()
    }

    fn settings() {
        view! { <SettingsScreen/> }.into_any()
    }

    fn directory() {
        view! { <DirectoryScreen/> }.into_any()
    }

    fn checklist() {
        view! { <ChecklistScreen id=route_id()/> }.into_any()
    }

    fn to_bring() {
        view! { <ToBringScreen id=route_id()/> }.into_any()
    }

    fn application() {
        view! { <ApplicationScreen id=route_id()/> }.into_any()
    }

    fn gate_screen() {
        view! { <GateScreen/> }.into_any()
    }

    fn queue() {
        view! { <QueueScreen/> }.into_any()
    }

    fn kiosk_screen() {
        view! { <KioskScreen/> }.into_any()
    }
}

/// Pieces that show nothing but start work, each with the function the shell calls to run it. Like `on_demand!`:
/// split off in the release build, plain async functions with `--cfg pryiom_unsplit`.
macro_rules! background {
    ($($(#[$doc:meta])* pub async fn $run:ident() => fn $piece:ident() $body:block)*) => { $(
        #[cfg(not(pryiom_unsplit))]
        #[lazy]
        fn $piece() $body

        #[cfg(pryiom_unsplit)]
        async fn $piece() $body

        $(#[$doc])*
        pub async fn $run() {
            $piece().await;
        }
    )* };
}

background! {
    /// Reads the data again after another tab's change (see `tabs.rs`). Its own piece, fetched the first time it is
    /// needed: reading every record back (their decoding and the search index) is kept out of the shell.
    pub async fn reread() => fn reread_piece() {
        if let Some(ctx) = super::tabs::ctx() {
            leptos::task::spawn_local(super::tabs::reread(ctx));
        }
    }

    /// Loads the data after an unlock (see `lock::opened`), or nothing when fetched ahead.
    pub async fn open() => fn open_piece() {
        super::lock::load_opened();
    }

    /// Builds English's text once its texts are fetched (`i18n::table`): a big function (every field of every
    /// screen's text), needed only by those who choose English.
    pub async fn english() => fn english_piece() {
        crate::i18n::build_english();
    }

    /// Runs the outbox once (see `outbox.rs`). Its own piece: the sending, the receipts and the keyring's token are
    /// not the shell's.
    pub async fn outbox() => fn outbox_piece() {
        if let Some(ctx) = super::tabs::ctx() {
            leptos::task::spawn_local(super::screens::centre::run_outbox(ctx, super::outbox::take_woken()));
        }
    }
}

type Loading = Pin<Box<dyn Future<Output = AnyView>>>;

/// The screen of a route that is loaded on demand; `None` for the screens in the shell.
pub fn screen(route: &Route) -> Option<AnyView> {
    let load: Loading = match route {
        Route::Screen(Screen::Intake) => Box::pin(intake()),
        Route::Screen(Screen::Clients) => Box::pin(clients()),
        Route::Client(_) => Box::pin(client()),
        Route::EditCard(_) => Box::pin(edit_card()),
        Route::Merge(..) => Box::pin(merge()),
        Route::EditAppeal(_) => Box::pin(edit_appeal()),
        Route::Slip(_) => Box::pin(slip()),
        Route::Screen(Screen::Settings) => Box::pin(settings()),
        Route::Screen(Screen::Export) => Box::pin(export()),
        Route::Directory => Box::pin(directory()),
        Route::Queue => Box::pin(queue()),
        Route::Checklist(_) => Box::pin(checklist()),
        Route::ToBring(_) => Box::pin(to_bring()),
        Route::Application(_) => Box::pin(application()),
        Route::Screen(_) => return None,
    };
    Some(suspended(load))
}

/// The waiting-room kiosk, loaded on demand (only a kiosk device ever fetches it).
pub fn kiosk() -> AnyView {
    suspended(Box::pin(kiosk_screen()))
}

/// Set-up or the unlock form (with Argon2id), loaded on demand like a screen; set-up's texts show while it loads.
pub fn gate() -> AnyView {
    let ctx = use_ctx();
    suspended_with(Box::pin(gate_screen()), move || {
        if ctx.gate.get_untracked() == super::lock::Gate::SetUp {
            view! { <super::lock::SetUpPreview/> }.into_any()
        } else {
            loading()
        }
    })
}

fn loading() -> AnyView {
    view! { <p class="muted" role="status">{tr(|s| s.loading)}</p> }.into_any()
}

fn suspended(load: Loading) -> AnyView {
    suspended_with(load, loading)
}

fn suspended_with(load: Loading, fallback: impl Fn() -> AnyView + Send + Sync + 'static) -> AnyView {
    let load = SendWrapper::new(load);
    view! {
        <Suspense fallback=fallback>
            {Suspend::new(load)}
        </Suspense>
    }
    .into_any()
}
