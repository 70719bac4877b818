//! Form controls, labelled and tied to their hint and problem for assistive technology. Texts come as functions
//! of the current language's strings, so every control follows a language switch.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::domain::date::Date;
use crate::i18n::Strings;
use crate::web::app::use_ctx;
use crate::web::calendar::Calendar;
use crate::web::platform;

pub type Text = fn(&Strings) -> &'static str;

fn described_by(id: &str, has_hint: bool) -> String {
    if has_hint {
        format!("{id}-hint {id}-problem")
    } else {
        format!("{id}-problem")
    }
}

/// A field's label (with the required marker) and its hint, tied to the control by `id`.
#[component]
fn FieldLabel(id: &'static str, label: Text, hint: Option<Text>, required: bool) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <label for=id id=format!("{id}-label")>
            {move || label(ctx.t())}
            {required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}
        </label>
        {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{move || h(ctx.t())}</p> })}
    }
}

/// A field's problem, where `aria-describedby` of the control points.
#[component]
fn Problem(id: &'static str, problem: Signal<Option<String>>) -> impl IntoView {
    view! { <p class="problem" id=format!("{id}-problem")>{move || problem.get()}</p> }
}

/// What was typed into a field, without characters that could make it print differently from what is stored
/// (direction overrides, NUL: `text::is_hidden_control`); the field shows what is kept.
fn typed(ev: &leptos::ev::Event) -> String {
    let raw = event_target_value(ev);
    match crate::domain::text::without_hidden_controls(&raw) {
        std::borrow::Cow::Borrowed(_) => raw,
        std::borrow::Cow::Owned(clean) => {
            if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                input.set_value(&clean);
            } else if let Some(area) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) {
                area.set_value(&clean);
            }
            clean
        }
    }
}

#[component]
pub fn TextInput(
    id: &'static str,
    label: Text,
    #[prop(optional)] hint: Option<Text>,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_input: Callback<String>,
    #[prop(optional, into)] problem: Signal<Option<String>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(default = "text")] inputmode: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] disabled: Signal<bool>,
    /// Across the whole width of the form (a search field).
    #[prop(optional)]
    wide: bool,
) -> impl IntoView {
    view! {
        <div class="field" class:field-wide=wide class:field-invalid=move || problem.get().is_some()>
            <FieldLabel id=id label=label hint=hint required=required/>
            <input
                id=id
                type=kind
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength="400"
                aria-required=required.then_some("true")
                aria-describedby=described_by(id, hint.is_some())
                aria-invalid=move || problem.get().is_some().then_some("true")
                disabled=move || disabled.get()
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(typed(&ev))
            />
            <Problem id=id problem=problem/>
        </div>
    }
}

/// The date part of what a date field holds ("12.03.2026", "12.03.2026 10:42", "2026-03-12T10:42").
fn date_part(text: &str) -> Option<Date> {
    Date::parse_human(text.trim().split([' ', ',', 'T']).next().unwrap_or(""))
}

/// A date typed as дд.мм.рррр (with `with_time`, a date and a time, дд.мм.рррр гг:хх) whatever the browser's
/// language, with a calendar beside it. `value` is the text as typed; a pick from the calendar writes the date (and
/// keeps the time typed, or puts the current one).
#[component]
pub fn DateField(
    id: &'static str,
    label: Text,
    #[prop(optional)] hint: Option<Text>,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_input: Callback<String>,
    #[prop(optional, into)] problem: Signal<Option<String>>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(optional)] with_time: bool,
) -> impl IntoView {
    let default_hint: Text = if with_time { |s| s.cal.datetime_hint } else { |s| s.cal.date_hint };
    let hint = Some(hint.unwrap_or(default_hint));
    let selected = Signal::derive(move || value.with(|v| date_part(v)));
    let on_pick = Callback::new(move |d: Date| {
        if with_time {
            let text = value.get_untracked();
            let time = text
                .trim()
                .split_once([' ', ',', 'T'])
                .map(|(_, t)| t.trim_start_matches([' ', ',']).to_owned())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| platform::now_local().get(11..16).unwrap_or("").to_owned());
            on_input.run(format!("{} {time}", d.dotted()));
        } else {
            on_input.run(d.dotted());
        }
    });
    view! {
        <div class="field" class:field-invalid=move || problem.get().is_some()>
            <FieldLabel id=id label=label hint=hint required=required/>
            <div class="date-box">
                <input
                    id=id
                    type="text"
                    autocomplete="off"
                    inputmode=if with_time { "text" } else { "numeric" }
                    maxlength="40"
                    aria-required=required.then_some("true")
                    aria-describedby=described_by(id, true)
                    aria-invalid=move || problem.get().is_some().then_some("true")
                    disabled=move || disabled.get()
                    prop:value=move || value.get()
                    on:input=move |ev| on_input.run(typed(&ev))
                />
                <Calendar field=id.to_owned() selected=selected on_pick=on_pick disabled=disabled/>
            </div>
            <Problem id=id problem=problem/>
        </div>
    }
}

/// A date field over a value kept as an ISO date ("2026-03-12", or empty): typed as дд.мм.рррр with a calendar, as
/// [`DateField`]. `on_change` gets the ISO date, or an empty string while the text is empty or not (yet) a date; a
/// text that is not a date when the field is left says so under it.
#[component]
pub fn IsoDateField(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_change: Callback<String>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let ctx = use_ctx();
    let text = RwSignal::new(value.with_untracked(|v| Date::parse_iso(v).map(Date::dotted).unwrap_or_default()));
    let problem = RwSignal::new(false);
    // A value set from elsewhere (a reset, a pick) shows in the field; a text being typed stays as it is.
    Effect::new(move |_| {
        let v = value.get();
        let typed = text.with_untracked(|t| Date::parse_human(t));
        match Date::parse_iso(&v) {
            Some(d) if typed != Some(d) => {
                text.set(d.dotted());
                problem.set(false);
            }
            None if v.is_empty() && typed.is_some() => text.set(String::new()),
            _ => {}
        }
    });
    let emit = move |t: &str| {
        let iso = Date::parse_human(t).map(Date::iso).unwrap_or_default();
        if iso != value.get_untracked() {
            on_change.run(iso);
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        let t = typed(&ev);
        if t.trim().is_empty() || Date::parse_human(&t).is_some() {
            problem.set(false);
        }
        emit(&t);
        text.set(t);
    };
    // Also fired when the screen goes away with the field focused: by then the field's state may be gone.
    let on_leave = move |_| {
        if let Some(bad) = text.try_with_untracked(|t| !t.trim().is_empty() && Date::parse_human(t).is_none()) {
            problem.try_set(bad);
        }
    };
    let on_pick = Callback::new(move |d: Date| {
        text.set(d.dotted());
        problem.set(false);
        emit(&d.dotted());
    });
    let selected = Signal::derive(move || text.with(|t| Date::parse_human(t)));
    let hint_id = format!("{id}-hint");
    let problem_id = format!("{id}-problem");
    let described = format!("{hint_id} {problem_id}");
    view! {
        <div class="field" class:field-invalid=move || problem.get()>
            <label for=id.clone() id=format!("{id}-label")>{move || label.get()}</label>
            <p class="hint" id=hint_id>{move || ctx.t().cal.date_hint}</p>
            <div class="date-box">
                <input
                    id=id.clone()
                    type="text"
                    autocomplete="off"
                    inputmode="numeric"
                    maxlength="40"
                    aria-describedby=described
                    aria-invalid=move || problem.get().then_some("true")
                    disabled=move || disabled.get()
                    prop:value=move || text.get()
                    on:input=on_input
                    on:change=on_leave
                />
                <Calendar field=id.clone() selected=selected on_pick=on_pick disabled=disabled/>
            </div>
            <p class="problem" id=problem_id>{move || problem.get().then(|| ctx.t().intake.p_date_invalid)}</p>
        </div>
    }
}

#[component]
pub fn TextArea(
    id: &'static str,
    label: Text,
    #[prop(optional)] hint: Option<Text>,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_input: Callback<String>,
    #[prop(optional, into)] problem: Signal<Option<String>>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(default = 4)] rows: u32,
    /// No spelling suggestions (they learn what is typed: a kiosk's next visitor could be offered it).
    #[prop(optional)]
    no_suggestions: bool,
) -> impl IntoView {
    view! {
        <div class="field field-wide" class:field-invalid=move || problem.get().is_some()>
            <FieldLabel id=id label=label hint=hint required=required/>
            <textarea
                id=id
                rows=rows.to_string()
                autocomplete="off"
                spellcheck=no_suggestions.then_some("false")
                maxlength="5000"
                disabled=move || disabled.get()
                aria-required=required.then_some("true")
                aria-describedby=described_by(id, hint.is_some())
                aria-invalid=move || problem.get().is_some().then_some("true")
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(typed(&ev))
            ></textarea>
            <Problem id=id problem=problem/>
        </div>
    }
}

/// A drop-down list; `options` are (value, text) pairs, the first usually "choose…".
#[component]
pub fn Select(
    id: &'static str,
    label: Text,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_change: Callback<String>,
    #[prop(optional, into)] problem: Signal<Option<String>>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    view! {
        <div class="field" class:field-invalid=move || problem.get().is_some()>
            <FieldLabel id=id label=label hint=None required=required/>
            <select
                id=id
                aria-required=required.then_some("true")
                aria-describedby=format!("{id}-problem")
                aria-invalid=move || problem.get().is_some().then_some("true")
                on:change=move |ev| on_change.run(event_target_value(&ev))
            >
                {move || {
                    let current = value.get();
                    options
                        .get()
                        .into_iter()
                        .map(|(v, text)| {
                            let selected = v == current;
                            view! { <option value=v selected=selected>{text}</option> }
                        })
                        .collect_view()
                }}
            </select>
            <Problem id=id problem=problem/>
        </div>
    }
}

#[component]
pub fn CheckBox(
    id: &'static str,
    label: Text,
    #[prop(into)] checked: Signal<bool>,
    #[prop(into)] on_change: Callback<bool>,
) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <label class="check" for=id>
            <input
                id=id
                type="checkbox"
                prop:checked=move || checked.get()
                on:change=move |ev| on_change.run(event_target_checked(&ev))
            />
            <span>{move || label(ctx.t())}</span>
        </label>
    }
}

/// A group of big radio buttons; `options` are (value, text function).
#[component]
pub fn RadioGroup(
    name: &'static str,
    legend: Text,
    options: Vec<(&'static str, Text)>,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_change: Callback<String>,
    #[prop(optional, into)] problem: Signal<Option<String>>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let ctx = use_ctx();
    let problem_id = format!("{name}-problem");
    let described = problem_id.clone();
    view! {
        <fieldset class="choices choices-stack" class:field-invalid=move || problem.get().is_some()
            aria-describedby=described>
            <legend>
                {move || legend(ctx.t())}
                {required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}
            </legend>
            {options
                .into_iter()
                .map(|(code, text)| {
                    view! {
                        <label class="choice">
                            <input
                                type="radio"
                                name=name
                                value=code
                                prop:checked=move || value.get() == code
                                on:change=move |_| on_change.run(code.to_owned())
                            />
                            <span>{move || text(ctx.t())}</span>
                        </label>
                    }
                })
                .collect_view()}
            <p class="problem" id=problem_id>{move || problem.get()}</p>
        </fieldset>
    }
}

/// A text of the current language, following language switches. Every call returns the same closure type, so the
/// renderer is compiled once for all texts (a `move || ctx.t().x` per text costs code size for each).
pub fn tr(text: Text) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let ctx = use_ctx();
    move || text(ctx.t())
}

/// Moves focus to the first field marked invalid, after the messages have rendered.
pub fn focus_first_problem() {
    request_animation_frame(|| {
        if let Some(el) = document().query_selector("[aria-invalid='true']").ok().flatten() {
            if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                let _ = el.focus();
            }
        }
    });
}
