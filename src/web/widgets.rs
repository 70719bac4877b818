//! Small pieces several screens show the same way: dates as people read them, a client's summary line, the "not
//! yet exported" line. Screens use these instead of importing each other.

use leptos::prelude::*;

use crate::domain::client::Client;
use crate::domain::date::Date;
use crate::i18n;
use crate::transfer;
use crate::web::app::use_ctx;
use crate::web::data::DataStoreFields;
use crate::web::platform;

/// The foot of a paper for a client: free legal aid, with the phone set in Settings when there is one.
pub fn footer(s: &i18n::Strings, phone: &str) -> String {
    if phone.is_empty() {
        s.slip.footer_plain.to_owned()
    } else {
        (s.slip.footer)(phone)
    }
}

/// "25.11.2026" from an ISO date (empty when it is not one).
pub fn dotted(iso: &str) -> String {
    Date::parse_iso(iso).map(Date::dotted).unwrap_or_else(|| iso.to_owned())
}

/// "25.11.2026 10:42" from "2026-11-25T10:42".
pub fn when(received_at: &str) -> String {
    let day = received_at.get(0..10).map(dotted).unwrap_or_default();
    format!("{day} {}", received_at.get(11..16).unwrap_or(""))
}

/// What a client's summary shows, read from the card once: the name and "birth date · phone · tax number", or that
/// the card was purged or withdrawn.
#[derive(Clone, PartialEq)]
pub enum SummaryLines {
    Person { name: String, details: String },
    Purged,
    Withdrawn,
}

impl SummaryLines {
    pub fn of(client: &Client) -> Self {
        match &client.personal {
            Some(p) => {
                let details = [
                    (!p.birth_date.is_empty()).then(|| dotted(&p.birth_date)),
                    p.phones.first().cloned(),
                    (!p.tax_number.is_empty()).then(|| p.tax_number.clone()),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
                SummaryLines::Person { name: p.full_name(), details }
            }
            None if client.purged_at.is_some() => SummaryLines::Purged,
            None => SummaryLines::Withdrawn,
        }
    }

    /// The person's name ("" once it is gone).
    pub fn name(&self) -> &str {
        match self {
            SummaryLines::Person { name, .. } => name,
            _ => "",
        }
    }

    /// The first line in the words of `s`: the name, or that the card was purged or withdrawn.
    pub fn first(&self, s: &'static i18n::Strings) -> String {
        match self {
            SummaryLines::Person { name, .. } => name.clone(),
            SummaryLines::Purged => s.purged_card.to_owned(),
            SummaryLines::Withdrawn => s.client.withdrawn_card.to_owned(),
        }
    }

    /// The second line: birth date, phone, tax number ("" when there is none).
    pub fn details(&self) -> &str {
        match self {
            SummaryLines::Person { details, .. } => details,
            _ => "",
        }
    }

    /// The lines in the words of `s` (no reactive part: whoever draws them redraws them when the language changes).
    pub fn view(&self, s: &'static i18n::Strings) -> AnyView {
        match self {
            SummaryLines::Person { name, details } => view! {
                <div class="summary">
                    <p class="summary-name">{name.clone()}</p>
                    <p class="muted">{details.clone()}</p>
                </div>
            }
            .into_any(),
            SummaryLines::Purged => view! { <p class="summary-name muted">{s.purged_card}</p> }.into_any(),
            SummaryLines::Withdrawn => view! { <p class="summary-name muted">{s.client.withdrawn_card}</p> }.into_any(),
        }
    }
}

/// Name, birth date and phone of a card, as search results and headers show it.
#[component]
pub fn ClientSummary(client: Client) -> impl IntoView {
    let ctx = use_ctx();
    match SummaryLines::of(&client) {
        // A person's lines do not change with the language: drawn once.
        lines @ SummaryLines::Person { .. } => lines.view(ctx.lang.get_untracked().strings()),
        lines => (move || lines.view(ctx.t())).into_any(),
    }
}

/// "12 records not yet exported; the oldest from 20.11.2026 (5 days ago)", from the store itself.
#[component]
pub fn PendingLine() -> impl IntoView {
    let ctx = use_ctx();
    let figures = LocalResource::new(move || {
        // Any change of a record of an exported type, or of what the batches carried.
        ctx.data.clients().track();
        ctx.data.appeals().track();
        ctx.data.checklists().track();
        let store = ctx.store();
        let ledger = ctx.data.ledger().with(|ledger| ledger.clone());
        let ready = ctx.data_ready.get();
        async move {
            match store {
                Some(s) if ready => Some(transfer::pending(&s, &ledger).await),
                _ => None,
            }
        }
    });
    move || {
        let lang = ctx.lang.get();
        let s = ctx.t();
        let text = match figures.get().flatten() {
            None => s.loading.to_owned(),
            Some(Err(e)) => i18n::store_error(lang, &e),
            Some(Ok((0, _))) => s.export.pending_none.to_owned(),
            Some(Ok((n, oldest))) => {
                let mut t = i18n::count(lang, n as u64, &s.export.pending_records);
                if let Some(day) = oldest.as_deref().and_then(|o| Date::parse_iso(o.get(0..10)?)) {
                    let days = (platform::today().days() - day.days()).max(0) as u64;
                    t.push_str(&(s.export.pending_oldest)(&day.dotted(), &i18n::count(lang, days, &s.export.days_ago)));
                }
                t
            }
        };
        view! { <p class="figures" data-testid="pending-export">{text}</p> }
    }
}
