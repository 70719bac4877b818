//! A screen that a later version fills: says so plainly, and pretends nothing.

use leptos::prelude::*;

use crate::web::form::tr;

use crate::i18n::Strings;
use crate::web::app::use_ctx;

#[component]
pub fn ComingSoon(title: fn(&Strings) -> &'static str, body: fn(&Strings) -> &'static str) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <h1 tabindex="-1">{move || title(ctx.t())}</h1>
        <section class="card card-coming">
            <p class="badge">{tr(|s| s.coming_badge)}</p>
            <p>{move || body(ctx.t())}</p>
            <p class="muted">{tr(|s| s.coming_meanwhile)}</p>
        </section>
    }
}
