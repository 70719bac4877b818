//! Merging two cards of one person: both side by side, a choice for each part where they differ, what moves, and
//! the reason when they cannot be merged. One transaction (`crate::merge`), the trail included.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::audit::AuditAction;
use crate::domain::client::{CardForm, Client, Personal};
use crate::domain::merge::{differing_parts, merge_refusal, merged_personal, MergePart, MergeRefused};
use crate::i18n::{self, Lang};
use crate::merge::{merge_cards, MergeError};
use crate::nav::Route;
use crate::web::app::use_ctx;
use crate::web::data::{self, DataStoreFields};
use crate::web::form::tr;
use crate::web::widgets::ClientSummary;
use crate::web::{audit, platform};

#[component]
pub fn MergeScreen(keep: String, gone: String) -> impl IntoView {
    let ctx = use_ctx();
    let (k, g) = (keep.clone(), gone.clone());
    let cards = Memo::new(move |_| {
        ctx.data.clients().with(|clients| Some((clients.get(&k).cloned()?, clients.get(&g).cloned()?)))
    });
    view! {
        <h1 tabindex="-1">{tr(|s| s.client.merge_title)}</h1>
        {move || match cards.get() {
            // A merge moves the cards' appeals: it waits for them (they come after the cards at unlock).
            _ if !ctx.data_ready.get() => view! { <p>{ctx.t().loading}</p> }.into_any(),
            None => view! { <p role="alert" class="error">{ctx.t().client.not_found}</p> }.into_any(),
            Some((keep, gone)) => view! { <Merge keep=keep gone=gone/> }.into_any(),
        }}
    }
}

fn refusal_text(lang: Lang, r: MergeRefused) -> &'static str {
    let s = &lang.strings().client;
    match r {
        MergeRefused::SameCard => s.merge_same_card,
        MergeRefused::NotActive => s.merge_not_active,
        MergeRefused::DifferentTaxNumbers => s.merge_two_tax_numbers,
        MergeRefused::Representative => s.merge_representative,
    }
}

fn part_label(lang: Lang, part: MergePart) -> &'static str {
    lang.strings().client.merge_parts.iter().find(|(c, _)| *c == part.code()).map_or("", |(_, t)| *t)
}

/// A part's values as the worker reads them.
fn part_text(lang: Lang, part: MergePart, p: &Personal) -> String {
    let shown: Vec<String> = part
        .values(p)
        .into_iter()
        .filter(|(_, v)| !v.is_empty() && v != "false")
        .map(|(field, v)| {
            let value = i18n::card_field_value(lang, field, &v);
            if v == "true" {
                i18n::card_field_label(lang, field).to_owned()
            } else {
                value
            }
        })
        .collect();
    if shown.is_empty() {
        lang.strings().client.merge_empty.to_owned()
    } else {
        shown.join(" · ")
    }
}

#[component]
fn Merge(keep: Client, gone: Client) -> impl IntoView {
    let ctx = use_ctx();
    let lang = ctx.lang.get_untracked();
    let refused = merge_refusal(&keep, &gone);
    let swap = Route::Merge(gone.id.clone(), keep.id.clone()).href();
    let (kp, gp) = (keep.personal.clone().unwrap_or_default(), gone.personal.clone().unwrap_or_default());
    let parts = if refused.is_none() { differing_parts(&kp, &gp) } else { Vec::new() };
    let same: Vec<&str> =
        MergePart::ALL.into_iter().filter(|p| !parts.contains(p)).map(|p| part_label(lang, p)).collect();
    // Per differing part: whether card 2's value is taken.
    let from_gone = RwSignal::new(Vec::<MergePart>::new());
    let (appeals, checklists) = ctx.data.with_untracked(|d| {
        let appeals = d.appeals.get(&gone.id).map_or(0, Vec::len);
        let checklists = d.checklists.values().filter(|c| c.client_id == gone.id).count();
        (appeals, checklists)
    });
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let ids = StoredValue::new((keep.id.clone(), gone.id.clone()));
    let cards = StoredValue::new((kp.clone(), gp.clone()));

    let confirm = move |_| {
        if busy.get_untracked() {
            return;
        }
        let (kp, gp) = cards.get_value();
        let personal = merged_personal(&kp, &gp, &from_gone.get_untracked());
        // The card kept must pass the card's own rules, as when it is typed.
        let personal = match CardForm::from_personal(&personal).validate(platform::today()) {
            Ok(p) => p,
            Err(_) => {
                problem.set(Some(ctx.t().client.merge_incomplete.to_owned()));
                return;
            }
        };
        let store = match ctx.store_or_err() {
            Ok(s) => s,
            Err(e) => {
                problem.set(Some(i18n::store_error(ctx.lang.get_untracked(), &e)));
                return;
            }
        };
        let (keep_id, gone_id) = ids.get_value();
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let now = platform::now_iso();
            match merge_cards(&store, &keep_id, &gone_id, &personal, &ctx.worker(), &now).await {
                Ok(m) => {
                    let moved = m.appeals.len() + m.checklists.len();
                    audit::note(ctx, AuditAction::CardsMerged, Some(&keep_id), Some(moved)).await;
                    // The appeals leave the merged card's list for the kept card's.
                    ctx.data.appeals().update(|all| {
                        all.remove(&gone_id);
                    });
                    for a in m.appeals {
                        data::remember_appeal(ctx, a);
                    }
                    for c in m.checklists {
                        data::remember_checklist(ctx, c);
                    }
                    for c in m.represented {
                        data::remember_client(ctx, c);
                    }
                    data::remember_client(ctx, m.tombstone);
                    data::remember_client(ctx, m.survivor);
                    ctx.flash.set(Some(ctx.t().client.merge_done.to_owned()));
                    ctx.open(Route::Client(keep_id));
                }
                Err(e) => {
                    let lang = ctx.lang.get_untracked();
                    let text = match e {
                        MergeError::Refused(r) => refusal_text(lang, r).to_owned(),
                        MergeError::Store(e) => i18n::store_error(lang, &e),
                    };
                    problem.try_set(Some(text));
                    busy.try_set(false);
                }
            }
        });
    };

    let count = move |n: usize, forms: &i18n::Plural| i18n::count(ctx.lang.get(), n as u64, forms);
    view! {
        <p>{tr(|s| s.client.merge_explain)}</p>
        <div class="merge-cards">
            <section class="card" aria-labelledby="merge-keep-h">
                <h2 id="merge-keep-h">{tr(|s| s.client.merge_keep)}</h2>
                <ClientSummary client=keep.clone()/>
            </section>
            <section class="card" aria-labelledby="merge-gone-h">
                <h2 id="merge-gone-h">{tr(|s| s.client.merge_gone)}</h2>
                <ClientSummary client=gone.clone()/>
            </section>
        </div>
        <div class="form-actions">
            <a class="btn btn-secondary" href=swap>{tr(|s| s.client.merge_swap)}</a>
        </div>
        {match refused {
            Some(r) => view! {
                <p class="banner banner-warn" role="alert" data-testid="merge-refused">{move || refusal_text(ctx.lang.get(), r)}</p>
            }.into_any(),
            None => view! {
                <section class="card merge-choose" aria-labelledby="merge-choose-h">
                    <h2 id="merge-choose-h">{tr(|s| s.client.merge_choose)}</h2>
                    {parts.into_iter().map(|part| {
                        let name = format!("merge-{}", part.code());
                        let (a, b) = (part_text(lang, part, &kp), part_text(lang, part, &gp));
                        view! {
                            <fieldset class="choices choices-stack">
                                <legend>{part_label(lang, part)}</legend>
                                <label class="choice">
                                    <input type="radio" name=name.clone()
                                        prop:checked=move || !from_gone.get().contains(&part)
                                        on:change=move |_| from_gone.update(|v| v.retain(|p| *p != part))/>
                                    <span><span class="muted">"1: "</span>{a}</span>
                                </label>
                                <label class="choice">
                                    <input type="radio" name=name
                                        prop:checked=move || from_gone.get().contains(&part)
                                        on:change=move |_| from_gone.update(|v| if !v.contains(&part) { v.push(part) })/>
                                    <span><span class="muted">"2: "</span>{b}</span>
                                </label>
                            </fieldset>
                        }
                    }).collect_view()}
                    {(!same.is_empty()).then(|| {
                        let list = same.join(", ");
                        view! { <p class="muted">{move || (ctx.t().client.merge_same)(&list)}</p> }
                    })}
                    <p data-testid="merge-moves">
                        {move || (ctx.t().client.merge_moves)(&count(appeals, &ctx.t().home.appeals), &count(checklists, &ctx.t().client.checklists))}
                    </p>
                    {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
                    <div class="form-actions">
                        <a class="btn btn-secondary" href=Route::Client(ids.get_value().0).href()>{tr(|s| s.cancel)}</a>
                        <button type="button" class="btn btn-primary" disabled=move || busy.get() on:click=confirm>
                            {tr(|s| s.client.merge_confirm)}
                        </button>
                    </div>
                </section>
            }.into_any(),
        }}
    }
}
