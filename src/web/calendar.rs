//! Dates typed as дд.мм.рррр in the app's language whatever the browser's locale (a native date input follows the
//! browser: an English-locale Chromium shows and expects mm/dd/yyyy), with a calendar beside the field that works by
//! touch (big day buttons, a month and a year to pick from lists) and by keyboard (arrows, Page Up/Down, Escape).

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::domain::date::{days_in_month, month_weeks, Date};
use crate::web::app::use_ctx;
use crate::web::{icons, platform};

fn focus_by_id(id: String) {
    request_animation_frame(move || {
        if let Some(el) = document().get_element_by_id(&id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    });
}

/// The first year a calendar offers (birth dates of the oldest clients).
const FIRST_YEAR: i32 = 1900;

/// The calendar button beside the date field `field`, and the calendar it opens under the field.
#[component]
pub fn Calendar(
    /// The field's id: the calendar's ids derive from it, and focus returns to it after a pick.
    field: String,
    /// The date the field holds, if any: marked, and shown first.
    #[prop(into)]
    selected: Signal<Option<Date>>,
    #[prop(into)] on_pick: Callback<Date>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let ctx = use_ctx();
    let open = RwSignal::new(false);
    let today = platform::today();
    // The day with keyboard focus; its month is the month shown.
    let cursor = RwSignal::new(today);
    let shown = Memo::new(move |_| {
        let d = cursor.get();
        (d.year, d.month)
    });
    let field = StoredValue::new(field);
    let dialog_id = field.with_value(|f| format!("{f}-cal"));
    let button_id = field.with_value(|f| format!("{f}-cal-open"));
    let day_id = move |d: Date| field.with_value(|f| format!("{f}-cal-{}", d.iso()));

    let close = move |focus_to: Option<String>| {
        open.set(false);
        if let Some(id) = focus_to {
            focus_by_id(id);
        }
    };
    let button_for_close = button_id.clone();
    let toggle = move |_| {
        if open.get_untracked() {
            close(None);
        } else {
            let d = selected.get_untracked().unwrap_or(today);
            cursor.set(d);
            open.set(true);
            focus_by_id(day_id(d));
        }
    };
    let pick = move |d: Date| {
        on_pick.run(d);
        close(Some(field.get_value()));
    };
    let go_to_month = move |year: i32, month: u32| {
        let day = cursor.get_untracked().day.min(days_in_month(year, month));
        if let Some(d) = Date::new(year, month, day) {
            cursor.set(d);
        }
    };
    let step_month = move |delta: i32| {
        let d = cursor.get_untracked();
        let m = d.year * 12 + d.month as i32 - 1 + delta;
        go_to_month(m.div_euclid(12), (m.rem_euclid(12) + 1) as u32);
    };
    let on_grid_key = move |ev: KeyboardEvent| {
        let d = cursor.get_untracked();
        match ev.key().as_str() {
            "ArrowLeft" => cursor.set(d.add_days(-1)),
            "ArrowRight" => cursor.set(d.add_days(1)),
            "ArrowUp" => cursor.set(d.add_days(-7)),
            "ArrowDown" => cursor.set(d.add_days(7)),
            "Home" => cursor.set(d.add_days(1 - i64::from(d.weekday()))),
            "End" => cursor.set(d.add_days(7 - i64::from(d.weekday()))),
            "PageUp" => step_month(-1),
            "PageDown" => step_month(1),
            _ => return,
        }
        ev.prevent_default();
        focus_by_id(day_id(cursor.get_untracked()));
    };
    let button_for_key = button_for_close.clone();
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            ev.stop_propagation();
            close(Some(button_for_key.clone()));
        }
    };
    let years = move || {
        let (year, _) = shown.get();
        FIRST_YEAR.min(year)..=(today.year + 5).max(year)
    };
    // The button and the calendar are named "Calendar" and described by the field's label (`{field}-label`): a
    // label search finds the field alone.
    let label_id = field.with_value(|f| format!("{f}-label"));
    let month_name = move || {
        let (year, month) = shown.get();
        format!("{} {year}", ctx.t().cal.months[month as usize - 1])
    };
    let day_name = move |d: Date| format!("{} {} {}", d.day, ctx.t().cal.months_of[d.month as usize - 1], d.year);

    view! {
        <button type="button" id=button_id class="btn btn-secondary cal-open" aria-haspopup="dialog"
            aria-label=move || ctx.t().cal.open aria-describedby=label_id.clone()
            aria-expanded=move || open.get().to_string() aria-controls=dialog_id.clone()
            disabled=move || disabled.get() on:click=toggle>
            {icons::calendar()}
        </button>
        <Show when=move || open.get()>
            <div class="cal-backdrop" on:click=move |_| close(None)></div>
            <div class="calendar" id=dialog_id.clone() role="dialog" aria-label=move || ctx.t().cal.title
                aria-describedby=label_id.clone() on:keydown=on_key.clone()>
                <div class="cal-head">
                    <button type="button" class="btn btn-secondary cal-step" aria-label=move || ctx.t().cal.prev_month
                        on:click=move |_| step_month(-1)>"‹"</button>
                    <select class="cal-month" aria-label=move || ctx.t().cal.month
                        on:change=move |ev| {
                            if let Ok(m) = event_target_value(&ev).parse::<u32>() {
                                go_to_month(cursor.get_untracked().year, m);
                            }
                        }>
                        {move || {
                            let (_, month) = shown.get();
                            ctx.t().cal.months.iter().enumerate().map(|(i, m)| {
                                let n = i as u32 + 1;
                                view! { <option value=n.to_string() selected=n == month>{*m}</option> }
                            }).collect_view()
                        }}
                    </select>
                    <select class="cal-year" aria-label=move || ctx.t().cal.year
                        on:change=move |ev| {
                            if let Ok(y) = event_target_value(&ev).parse::<i32>() {
                                go_to_month(y, cursor.get_untracked().month);
                            }
                        }>
                        {move || {
                            let (year, _) = shown.get();
                            years().rev().map(|y| view! { <option value=y.to_string() selected=y == year>{y}</option> }).collect_view()
                        }}
                    </select>
                    <button type="button" class="btn btn-secondary cal-step" aria-label=move || ctx.t().cal.next_month
                        on:click=move |_| step_month(1)>"›"</button>
                </div>
                <table class="cal-grid" role="grid" aria-label=month_name>
                    <thead>
                        <tr>
                            {(0..7).map(|i| view! {
                                <th scope="col" abbr=move || ctx.t().cal.weekdays[i]>{move || ctx.t().cal.weekdays_short[i]}</th>
                            }).collect_view()}
                        </tr>
                    </thead>
                    <tbody on:keydown=on_grid_key>
                        {move || {
                            let (year, month) = shown.get();
                            month_weeks(year, month).into_iter().map(|week| view! {
                                <tr>
                                    {week.into_iter().map(|day| match day {
                                        None => view! { <td></td> }.into_any(),
                                        Some(d) => view! {
                                            <td>
                                                <button type="button" class="cal-day" id=day_id(d)
                                                    class:cal-today=d == today
                                                    aria-label=move || day_name(d)
                                                    aria-current=(d == today).then_some("date")
                                                    aria-pressed=move || (selected.get() == Some(d)).to_string()
                                                    tabindex=move || if cursor.get() == d { "0" } else { "-1" }
                                                    on:click=move |_| pick(d)>
                                                    {d.day}
                                                </button>
                                            </td>
                                        }.into_any(),
                                    }).collect_view()}
                                </tr>
                            }).collect_view()
                        }}
                    </tbody>
                </table>
                <div class="cal-foot">
                    <button type="button" class="btn btn-secondary" on:click=move |_| pick(today)>
                        {move || ctx.t().cal.today}
                    </button>
                    <button type="button" class="btn btn-link" on:click={
                        let b = button_for_close.clone();
                        move |_| close(Some(b.clone()))
                    }>{move || ctx.t().cal.close}</button>
                </div>
            </div>
        </Show>
    }
}
