//! The referral slip the client takes away (guide 3.6): exact address, phone, hours and contact. Prints on A4 or on
//! a narrow receipt printer.

use leptos::prelude::*;

use crate::domain::audit::AuditAction;
use crate::web::app::use_ctx;
use crate::web::{audit, platform};

use crate::nav::Route;
use crate::web::widgets::{footer, when};

#[component]
pub fn SlipScreen(id: String) -> impl IntoView {
    let ctx = use_ctx();
    let receipt = RwSignal::new(false);
    let subject = StoredValue::new(id.clone());
    let found = Memo::new(move |_| {
        ctx.data.with(|d| {
            let a = d.appeal(&id)?.clone();
            let name = d.clients.get(&a.client_id).and_then(|c| c.personal.as_ref().map(|p| p.full_name()));
            Some((a, name))
        })
    });
    // The receipt layout is a class on <html>, so the print styles can size the page.
    Effect::new(move |_| {
        if let Some(html) = document().document_element() {
            let _ = html.class_list().toggle_with_force("print-receipt", receipt.get());
        }
    });
    on_cleanup(|| {
        if let Some(html) = document().document_element() {
            let _ = html.class_list().remove_1("print-receipt");
        }
    });
    let print = move |narrow: bool| {
        receipt.set(narrow);
        request_animation_frame(platform::print);
        audit::note_soon(ctx, AuditAction::Print, Some(subject.get_value()), None);
    };
    view! {
        {move || match found.get() {
            None => view! { <h1 tabindex="-1">{ctx.t().slip.not_found}</h1> }.into_any(),
            Some((appeal, name)) => {
                let Some(r) = appeal.referral.clone() else {
                    return view! { <h1 tabindex="-1">{ctx.t().slip.not_found}</h1> }.into_any();
                };
                let o = r.organisation;
                let back = Route::Client(appeal.client_id.clone()).href();
                view! {
                    <div class="no-print form-actions">
                        <a class="btn btn-secondary" href=back>{ctx.t().back}</a>
                        <button type="button" class="btn btn-primary" on:click=move |_| print(false)>{ctx.t().slip.print_a4}</button>
                        <button type="button" class="btn btn-secondary" on:click=move |_| print(true)>{ctx.t().slip.print_receipt}</button>
                    </div>
                    <article class="slip" data-testid="slip">
                        <h1 tabindex="-1">{ctx.t().slip.title}</h1>
                        {name.map(|n| view! { <p>{ctx.t().slip.slip_for} " " <strong>{n}</strong></p> })}
                        <p class="slip-lead">{ctx.t().slip.go_to}</p>
                        <p class="slip-org">{o.name.clone()}</p>
                        <dl class="facts slip-facts">
                            <dt>{ctx.t().directory.org_address}</dt><dd>{o.address.clone()}</dd>
                            <dt>{ctx.t().directory.org_phone}</dt><dd>{o.phone.clone()}</dd>
                            <dt>{ctx.t().directory.org_hours}</dt><dd>{o.hours.clone()}</dd>
                            {(!o.contact.is_empty()).then(|| view! { <dt>{ctx.t().directory.org_contact}</dt><dd>{o.contact.clone()}</dd> })}
                        </dl>
                        {(!r.note.is_empty()).then(|| view! { <p>{r.note.clone()}</p> })}
                        <p class="muted">
                            {[format!("{} {}", ctx.t().slip.issued, when(&appeal.received_at)), appeal.worker.clone(), ctx.device_label()]
                                .into_iter()
                                .filter(|s| !s.trim().is_empty())
                                .collect::<Vec<_>>()
                                .join(" · ")}
                        </p>
                        <p class="muted">{move || footer(ctx.t(), &ctx.device.with(|d| d.as_ref().map(|d| d.hotline.clone()).unwrap_or_default()))}</p>
                    </article>
                }.into_any()
            }
        }}
    }
}
