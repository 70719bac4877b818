//! Printable papers of a БВПД checklist: the list of documents to bring, in the client's language, and the written
//! application (Art. 18), in Ukrainian, on A4.

use leptos::prelude::*;

use crate::domain::audit::AuditAction;
use crate::domain::checklist::Checklist;
use crate::domain::client::{Client, Personal};
use crate::domain::date::Date;
use crate::domain::eligibility::{documents_to_bring, DocStatus, Rules};
use crate::i18n::{self, Lang};
use crate::nav::Route;
use crate::web::app::{use_ctx, Ctx};
use crate::web::form::tr;
use crate::web::widgets::{dotted, footer};
use crate::web::{audit, platform};

/// The checklist of an appeal with its client and the rules it is weighed with.
fn paper_data(ctx: Ctx, appeal_id: &str) -> Option<(Client, Checklist, Rules)> {
    let (_, client) = ctx.data.with_untracked(|d| d.appeal_and_client(appeal_id))?;
    ctx.data.with_untracked(|d| {
        let c = d.checklists.get(appeal_id)?.clone();
        let rules = c.rules_for(d.rules.as_ref())?.clone();
        Some((client, c, rules))
    })
}

/// The back and print buttons above a paper.
#[component]
fn PaperActions(back: String, subject: String) -> impl IntoView {
    let ctx = use_ctx();
    let print = move |_| {
        platform::print();
        audit::note_soon(ctx, AuditAction::Print, Some(subject.clone()), None);
    };
    view! {
        <div class="no-print form-actions">
            <a class="btn btn-secondary" href=back>{tr(|s| s.back)}</a>
            <button type="button" class="btn btn-primary" on:click=print>{tr(|s| s.slip.print_a4)}</button>
        </div>
    }
}

fn paper<F, V>(ctx: Ctx, id: String, body: F) -> impl IntoView
where
    F: Fn(Client, Checklist, Rules) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let found = Memo::new(move |_| {
        ctx.data.track();
        paper_data(ctx, &id)
    });
    move || match found.get() {
        None if !ctx.data_ready.get() => view! { <p>{tr(|s| s.loading)}</p> }.into_any(),
        None => view! { <h1 tabindex="-1">{tr(|s| s.eligibility.not_found)}</h1> }.into_any(),
        Some((client, c, rules)) => {
            let back = Route::Checklist(c.appeal_id.clone()).href();
            let subject = c.appeal_id.clone();
            view! { <PaperActions back=back subject=subject/> {body(client, c, rules)} }.into_any()
        }
    }
}

#[component]
pub fn ToBringScreen(id: String) -> impl IntoView {
    let ctx = use_ctx();
    paper(ctx, id, move |client, c, rules| {
        let start = client.personal.as_ref().map(|p| i18n::lang_of_person(&p.language)).unwrap_or_default();
        let lang = RwSignal::new(start);
        // English's texts are fetched the first time: the list is drawn again once they are here.
        let fetched = move || lang.update(|_| ());
        crate::web::app::ensure_strings(start, fetched);
        let name = client.personal.as_ref().map(Personal::full_name).unwrap_or_default();
        view! {
            <fieldset class="choices no-print">
                <legend>{tr(|s| s.eligibility.to_bring_lang)}</legend>
                {Lang::ALL.into_iter().map(|l| view! {
                    <label class="choice">
                        <input type="radio" name="paper-lang" value=l.code()
                            prop:checked=move || lang.get() == l on:change=move |_| { lang.set(l); crate::web::app::ensure_strings(l, fetched); }/>
                        <span lang=l.code()>{l.name()}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            {move || {
                let l = lang.get();
                let s = l.strings();
                let mut items = Vec::new();
                let empty = Default::default();
                for cat in c.categories.iter().filter_map(|id| rules.category(id)) {
                    let seen = c.documents.get(&cat.id).unwrap_or(&empty);
                    for d in documents_to_bring(cat, seen) {
                        let by = match seen.get(&d.id) {
                            Some(DocStatus::WillBring(date)) if !date.is_empty() => (s.eligibility.to_bring_by)(&dotted(date)),
                            _ => String::new(),
                        };
                        items.push((i18n::local(l, &d.name).to_owned(), i18n::local(l, &cat.title).to_owned(), by));
                    }
                }
                view! {
                    <article class="slip" data-testid="to-bring" lang=l.code()>
                        <h1 tabindex="-1">{s.eligibility.to_bring_title}</h1>
                        <p>{s.slip.slip_for} " " <strong>{name.clone()}</strong></p>
                        <p class="slip-lead">{s.eligibility.to_bring_lead}</p>
                        {if items.is_empty() {
                            view! { <p>{s.eligibility.to_bring_nothing}</p> }.into_any()
                        } else {
                            view! {
                                <ol class="paper-list">
                                    {items.into_iter().map(|(doc, cat, by)| view! {
                                        <li><strong>{doc}</strong> <span class="muted">" — " {cat}</span>
                                            {(!by.is_empty()).then(|| view! { <br/> {by} })}</li>
                                    }).collect_view()}
                                </ol>
                            }.into_any()
                        }}
                        <p class="muted">
                            {[format!("{} {}", s.slip.issued, platform::today().dotted()), ctx.worker(), ctx.device_label()]
                                .into_iter().filter(|x| !x.trim().is_empty()).collect::<Vec<_>>().join(" · ")}
                        </p>
                        <p class="muted">{footer(s, &ctx.device.with(|d| d.as_ref().map(|d| d.hotline.clone()).unwrap_or_default()))}</p>
                    </article>
                }
            }}
        }
    })
}

/// The written БВПД application (Art. 18), prefilled from the card and the checklist. It is printed in Ukrainian, the
/// language of the centre's records, whatever the interface language.
#[component]
pub fn ApplicationScreen(id: String) -> impl IntoView {
    let ctx = use_ctx();
    paper(ctx, id, move |client, c, rules| {
        let s = Lang::Uk.strings();
        let p = client.personal.clone().unwrap_or_default();
        let residence = if p.no_fixed_address { s.intake.no_fixed_address.to_owned() } else { p.address.clone() };
        let postal = if p.address.is_empty() { p.registration_address.clone() } else { p.address.clone() };
        let phones =
            [p.phones.join(", "), p.email.clone()].into_iter().filter(|x| !x.is_empty()).collect::<Vec<_>>().join(", ");
        let date = c.application.accepted_on.clone().map(|d| dotted(&d)).unwrap_or_else(|| platform::today().dotted());
        let categories: Vec<String> = c
            .categories
            .iter()
            .filter_map(|id| rules.category(id))
            .map(|cat| (s.eligibility.form_category_line)(&i18n::category_ref(Lang::Uk, &cat.id), &cat.title.uk))
            .collect();
        let attached: Vec<String> = c
            .attached(&rules)
            .into_iter()
            .filter_map(|(doc, original)| {
                let d = c
                    .categories
                    .iter()
                    .filter_map(|id| rules.category(id))
                    .flat_map(|x| &x.documents)
                    .find(|x| x.id == doc)?;
                Some(format!(
                    "{} ({})",
                    d.name.uk,
                    if original { s.eligibility.form_original } else { s.eligibility.form_copy }
                ))
            })
            .collect();
        let minor = Date::parse_iso(&p.birth_date).zip(c.date()).is_some_and(|(b, on)| b.age_on(on) < 14);
        let rows = [
            (s.eligibility.form_name, p.full_name()),
            (s.eligibility.form_residence, residence),
            (s.eligibility.form_postal, postal),
            (s.eligibility.form_phones, phones),
        ];
        view! {
            <Show when=move || ctx.lang.get() != Lang::Uk>
                <p class="notice no-print">{tr(|s| s.eligibility.form_in_ukrainian)}</p>
            </Show>
            <article class="slip application" data-testid="application" lang="uk">
                <p class="app-to">{s.eligibility.form_to}</p>
                <h1 tabindex="-1" class="app-title">{s.eligibility.form_title}</h1>
                <dl class="facts">
                    {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{if v.is_empty() { "—".to_owned() } else { v }}</dd> }).collect_view()}
                </dl>
                <h2>{s.eligibility.form_issue}</h2>
                <p class="app-issue">{c.application.issue.clone()}</p>
                <h2>{s.eligibility.form_category}</h2>
                <ul>{categories.into_iter().map(|x| view! { <li>{x}</li> }).collect_view()}</ul>
                <h2>{s.eligibility.form_attached}</h2>
                {if attached.is_empty() {
                    view! { <p>"—"</p> }.into_any()
                } else {
                    view! { <ol>{attached.into_iter().map(|x| view! { <li>{x}</li> }).collect_view()}</ol> }.into_any()
                }}
                {minor.then(|| view! { <p>{s.eligibility.form_representative}</p> })}
                <div class="app-sign">
                    <p>{s.eligibility.form_date} " " {date}</p>
                    <p>{s.eligibility.form_signature}</p>
                </div>
            </article>
        }
    })
}
