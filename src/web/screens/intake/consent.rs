//! Step 2: consent — the text read aloud, and how and by whom consent was given.

use leptos::prelude::*;

use super::lens;
use crate::domain::client::{Consent, ConsentForm, CONSENT_TEXT_VERSION};
use crate::domain::intake::{IntakeDraft, Step};
use crate::i18n::Strings;
use crate::web::app::{use_ctx, Ctx};
use crate::web::form::{tr, RadioGroup, TextInput};
use crate::web::platform;

/// Step 2: the consent text is read aloud; the worker records how it was given.
#[component]
pub(super) fn ConsentStep(draft: RwSignal<IntakeDraft>) -> impl IntoView {
    let ctx = use_ctx();
    let form = Signal::derive(move || draft.with(|d| d.consent_form.map(ConsentForm::code).unwrap_or("").to_owned()));
    let set_form = Callback::new(move |v: String| draft.update(|d| d.consent_form = ConsentForm::from_code(&v)));
    let (by, set_by) = lens(draft, |d| &d.consent_by, |d, v| d.consent_by = v);
    let problem = RwSignal::new(None::<String>);
    let by_problem = RwSignal::new(None::<String>);
    let next = move |_| {
        let form_ok = draft.with_untracked(|d| d.consent_form.is_some());
        let by_ok = !by.get_untracked().trim().is_empty();
        problem.set((!form_ok).then(|| ctx.t().intake.consent_choose.to_owned()));
        by_problem.set((!by_ok).then(|| ctx.t().intake.p_required.to_owned()));
        if form_ok && by_ok {
            draft.update(|d| d.step = Step::Card);
        }
    };
    view! {
        <section class="card" aria-labelledby="consent-h">
            <h2 id="consent-h">{tr(|s| s.intake.consent_title)}</h2>
            <p>{tr(|s| s.intake.consent_read_aloud)}</p>
            <blockquote class="consent-text" data-testid="consent-text">
                {move || ctx.t().intake.consent_text.iter().map(|p| view! { <p>{*p}</p> }).collect_view()}
            </blockquote>
            <p class="muted">{move || (ctx.t().intake.consent_version)(CONSENT_TEXT_VERSION)}</p>
            <RadioGroup name="consent-form" legend=|s| s.intake.consent_how
                options=vec![("oral", |s: &Strings| s.intake.consent_oral), ("written", |s: &Strings| s.intake.consent_written)]
                value=form on_change=set_form problem=problem required=true/>
            <TextInput id="consent-by" label=|s| s.settings.consent_by hint=|s| s.settings.consent_by_hint value=by on_input=set_by
                required=true problem=by_problem/>
            <div class="form-actions">
                <button type="button" class="btn btn-secondary" on:click=move |_| draft.update(|d| d.step = Step::Search)>
                    {tr(|s| s.back)}
                </button>
                <button type="button" class="btn btn-primary" on:click=next>{tr(|s| s.intake.consent_given)}</button>
            </div>
        </section>
    }
}

pub(super) fn consent_now(ctx: Ctx, draft: RwSignal<IntakeDraft>) -> Option<Consent> {
    let form = draft.with_untracked(|d| d.consent_form)?;
    Some(Consent {
        text_version: CONSENT_TEXT_VERSION.into(),
        text_lang: ctx.lang.get_untracked().code().into(),
        form,
        given_at: platform::now_iso(),
        taken_by: {
            let by = draft.with_untracked(|d| d.consent_by.trim().to_owned());
            if by.is_empty() {
                untrack(|| ctx.worker())
            } else {
                by
            }
        },
        withdrawn_at: None,
        withdrawn_by: None,
    })
}
