//! The kiosk's queue over the store: issuing a ticket (its number unique for the day however many kiosk tabs issue
//! at once), calling the next visitor, and marking a ticket served or left. Every write rests on the revisions it
//! read, inside its transaction, and is read again after another tab's write.

use serde::{Deserialize, Serialize};

use crate::crypto::sealed_file::SealError;
use crate::domain::date::Date;
use crate::domain::kiosk::{self, NeedsHelp, Ticket, TicketState, Visitor};
use crate::storage::{self, codec, Collection, Record, Store, StoreError, StoreResult, WriteBatch};

/// The id of the record that holds the last ticket number issued, and its day.
pub const COUNTER_ID: &str = "kiosk-counter";

/// The last ticket number issued on `day`: one record, so two tabs issuing at once never give the same number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counter {
    pub id: String,
    pub day: String,
    pub last: u32,
}

impl Record for Counter {
    const COLLECTION: Collection = Collection::Settings;
    fn id(&self) -> &str {
        &self.id
    }
}

/// Why a ticket was not issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueError {
    Store(StoreError),
    /// The visitor's name and phone could not be sealed (no key to seal to, or a broken key): nothing was written.
    Seal(SealError),
}

impl From<StoreError> for IssueError {
    fn from(e: StoreError) -> Self {
        IssueError::Store(e)
    }
}

impl storage::MaybeConflict for IssueError {
    fn is_conflict(&self) -> bool {
        matches!(self, IssueError::Store(e) if e.is_conflict())
    }
}

/// What a visitor chose, before the ticket exists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub area: String,
    pub needs: Vec<NeedsHelp>,
    pub returning: Option<bool>,
    pub visitor: Option<Visitor>,
}

/// Issues the next ticket of `day`: the visitor's name and phone sealed to `recipients` (the device's box key and
/// the centre's key) before anything is written, the number taken from the day's counter in the same transaction.
pub async fn issue(
    store: &impl Store,
    request: &Request,
    recipients: &[String],
    id: &str,
    day: Date,
    now: &str,
) -> Result<Ticket, IssueError> {
    let visitor = match &request.visitor {
        Some(_) if recipients.is_empty() => return Err(IssueError::Seal(SealError("no key to seal to".into()))),
        Some(v) => Some(kiosk::seal(v, recipients).map_err(IssueError::Seal)?),
        None => None,
    };
    storage::retry_on_conflict(|| async {
        let (counter, rev) = match store.get(Collection::Settings, COUNTER_ID).await? {
            Some(rec) => (Some(codec::decode::<Counter>(&rec)?), rec.rev),
            None => (None, 0),
        };
        // The counter is of another day (the first ticket of the day, or the clock was set back): the day's own
        // tickets say where it stands.
        let last = match counter.filter(|c| c.day == day.iso()) {
            Some(c) => c.last,
            None => tickets_of(store, day).await?.iter().map(|(t, _)| t.number).max().unwrap_or(0),
        };
        let ticket = Ticket {
            id: id.to_owned(),
            day: day.iso(),
            number: last + 1,
            issued_at: now.to_owned(),
            area: request.area.clone(),
            needs: request.needs.clone(),
            returning: request.returning,
            visitor: visitor.clone(),
            state: TicketState::Waiting,
        };
        let counter = Counter { id: COUNTER_ID.into(), day: day.iso(), last: ticket.number };
        let batch = WriteBatch::new()
            .next_after(&counter, rev, now)?
            .insert(Collection::Tickets, codec::encode(&ticket, 1, now)?);
        store.write(batch).await?;
        Ok(ticket)
    })
    .await
}

/// Records a visitor's feedback (built and sealed by [`kiosk::Feedback::given`]); never linked to a ticket.
pub async fn give_feedback(store: &impl Store, feedback: &kiosk::Feedback, now: &str) -> StoreResult<()> {
    store.write(WriteBatch::new().insert(Collection::Feedback, codec::encode(feedback, 1, now)?)).await
}

/// All feedback on the device, for the weekly results.
pub async fn all_feedback(store: &impl Store) -> StoreResult<Vec<kiosk::Feedback>> {
    store.all(Collection::Feedback).await?.iter().map(codec::decode).collect()
}

/// Every ticket of `day`, each with its stored revision.
pub async fn tickets_of(store: &impl Store, day: Date) -> StoreResult<Vec<(Ticket, u64)>> {
    let day = day.iso();
    let mut out = Vec::new();
    for rec in store.all(Collection::Tickets).await? {
        let t: Ticket = codec::decode(&rec)?;
        if t.day == day {
            out.push((t, rec.rev));
        }
    }
    Ok(out)
}

/// Calls the next visitor of `day` to `desk`: the ticket now called, or `None` when nobody waits.
pub async fn call_next(store: &impl Store, day: Date, desk: &str, now: &str) -> StoreResult<Option<Ticket>> {
    storage::retry_on_conflict(|| async {
        let all = tickets_of(store, day).await?;
        let plain: Vec<Ticket> = all.iter().map(|(t, _)| t.clone()).collect();
        let Some(next) = kiosk::next_to_call(&plain, day) else { return Ok(None) };
        let rev = all.iter().find(|(t, _)| t.id == next.id).map_or(0, |(_, r)| *r);
        let called = Ticket { state: TicketState::Called { at: now.to_owned(), desk: desk.to_owned() }, ..next.clone() };
        store.write(WriteBatch::new().next_after(&called, rev, now)?).await?;
        Ok(Some(called))
    })
    .await
}

pub use crate::domain::kiosk::Outcome;

/// Marks ticket `id` served (when it was called) or left; `None` when there is no such ticket.
pub async fn finish(store: &impl Store, id: &str, outcome: Outcome, now: &str) -> StoreResult<Option<Ticket>> {
    storage::retry_on_conflict(|| async {
        let Some(rec) = store.get(Collection::Tickets, id).await? else { return Ok(None) };
        let t: Ticket = codec::decode(&rec)?;
        let Some(state) = t.state.finished(outcome, now) else { return Ok(Some(t)) };
        let next = Ticket { state, ..t };
        store.write(WriteBatch::new().next_after(&next, rec.rev, now)?).await?;
        Ok(Some(next))
    })
    .await
}

/// Takes what the centre holds for this device's tickets (`(id, state)`): a state further on than the device's —
/// called from a staff tablet, served, left — replaces it, in one transaction resting on the revisions it read.
/// Unknown ids and states not further on change nothing. Returns how many tickets changed.
pub async fn adopt(store: &impl Store, held: &[(String, TicketState)], now: &str) -> StoreResult<usize> {
    storage::retry_on_conflict(|| async {
        let mut batch = WriteBatch::new();
        let mut changed = 0;
        for (id, state) in held {
            let Some(rec) = store.get(Collection::Tickets, id).await? else { continue };
            let t: Ticket = codec::decode(&rec)?;
            if kiosk::moves_on(&t.state, state) {
                batch = batch.next_after(&Ticket { state: state.clone(), ..t }, rec.rev, now)?;
                changed += 1;
            }
        }
        if changed > 0 {
            store.write(batch).await?;
        }
        Ok(changed)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::conformance::block_on;
    use crate::storage::memory::MemoryStore;

    fn day() -> Date {
        Date::new(2026, 11, 30).expect("date")
    }

    fn request(needs: &[NeedsHelp], visitor: Option<Visitor>) -> Request {
        Request { area: "житлові питання".into(), needs: needs.to_vec(), returning: Some(false), visitor }
    }

    #[test]
    fn tickets_are_numbered_per_day_and_the_visitor_is_never_stored_readable() {
        block_on(async {
            let s = MemoryStore::new();
            let device = age::x25519::Identity::generate();
            let to = [device.to_public().to_string()];
            let v = Visitor { name: "Ганна Марченко".into(), phone: "+380675551234".into() };
            let t1 = issue(&s, &request(&[], Some(v)), &to, "t1", day(), "2026-11-30T08:00:00Z").await.expect("issued");
            let t2 = issue(&s, &request(&[], None), &to, "t2", day(), "2026-11-30T08:01:00Z").await.expect("issued");
            assert_eq!((t1.label(), t2.label()), ("А-001".to_string(), "А-002".to_string()));
            let tomorrow = day().add_days(1);
            let t3 = issue(&s, &request(&[], None), &to, "t3", tomorrow, "2026-12-01T08:00:00Z").await.expect("issued");
            assert_eq!(t3.number, 1, "numbers start again each day");
            let stored = s.everything().await.expect("everything");
            assert!(!stored.contains("Марченко") && !stored.contains("5551234"), "sealed, not readable");
            assert!(t1.visitor.is_some() && t2.visitor.is_none());
            // The same id twice is refused (an insert), and the counter is not moved by it.
            assert!(issue(&s, &request(&[], None), &to, "t1", day(), "x").await.is_err());
            let next = issue(&s, &request(&[], None), &to, "t4", day(), "2026-11-30T08:02:00Z").await.expect("issued");
            assert_eq!(next.number, 3);
            // A name with no key to seal to: refused, nothing written.
            let before = s.everything().await.expect("everything");
            let named = request(&[], Some(Visitor { name: "Ганна".into(), phone: String::new() }));
            assert!(matches!(issue(&s, &named, &[], "t5", day(), "x").await, Err(IssueError::Seal(_))));
            assert_eq!(s.everything().await.expect("everything"), before);
        });
    }

    #[test]
    fn the_next_call_takes_priority_first_and_a_called_visitor_is_served_or_leaves() {
        block_on(async {
            let s = MemoryStore::new();
            let to = [age::x25519::Identity::generate().to_public().to_string()];
            for (id, needs) in [("a", vec![]), ("b", vec![NeedsHelp::CourtSoon]), ("c", vec![])] {
                issue(&s, &request(&needs, None), &to, id, day(), "2026-11-30T08:00:00Z").await.expect("issued");
            }
            let first = call_next(&s, day(), "кабінет 2", "2026-11-30T09:00:00Z").await.expect("call").expect("someone");
            assert_eq!((first.id.as_str(), first.label()), ("b", "А-002".to_string()));
            let served = finish(&s, "b", Outcome::Served, "2026-11-30T09:12:00Z").await.expect("finish").expect("b");
            assert_eq!(
                served.state,
                TicketState::Served { called_at: "2026-11-30T09:00:00Z".into(), at: "2026-11-30T09:12:00Z".into() }
            );
            let second = call_next(&s, day(), "1", "2026-11-30T09:13:00Z").await.expect("call").expect("someone");
            assert_eq!(second.id, "a");
            finish(&s, "c", Outcome::Left, "2026-11-30T09:14:00Z").await.expect("finish");
            // A is called, C left: nobody waits.
            assert_eq!(call_next(&s, day(), "1", "2026-11-30T09:15:00Z").await.expect("call"), None);
            let all: Vec<Ticket> = tickets_of(&s, day()).await.expect("tickets").into_iter().map(|(t, _)| t).collect();
            assert_eq!(kiosk::average_service_minutes(&all, day()), 12);
            // Served only once called: a waiting ticket stays waiting.
            assert_eq!(finish(&s, "zzz", Outcome::Served, "x").await.expect("finish"), None);
        });
    }

    #[test]
    fn what_the_centre_holds_moves_a_ticket_on_never_back() {
        block_on(async {
            let s = MemoryStore::new();
            let to = [age::x25519::Identity::generate().to_public().to_string()];
            for id in ["a", "b", "c"] {
                issue(&s, &request(&[], None), &to, id, day(), "2026-11-30T08:00:00Z").await.expect("issued");
            }
            finish(&s, "c", Outcome::Left, "2026-11-30T08:30:00Z").await.expect("left");
            let called = TicketState::Called { at: "2026-11-30T09:00:00Z".into(), desk: "2".into() };
            let held = vec![
                ("a".to_string(), called.clone()),
                ("b".to_string(), TicketState::Waiting),
                ("c".to_string(), TicketState::Called { at: "2026-11-30T09:01:00Z".into(), desk: "1".into() }),
                ("elsewhere".to_string(), called.clone()),
            ];
            assert_eq!(adopt(&s, &held, "2026-11-30T09:00:05Z").await.expect("adopted"), 1);
            let all: Vec<Ticket> = tickets_of(&s, day()).await.expect("tickets").into_iter().map(|(t, _)| t).collect();
            let state = |id: &str| all.iter().find(|t| t.id == id).expect("ticket").state.clone();
            assert_eq!(state("a"), called);
            assert_eq!(state("b"), TicketState::Waiting);
            assert!(matches!(state("c"), TicketState::Left { .. }), "a visitor gone stays gone");
            assert_eq!(kiosk::calling(&all).first().map(|(_, t)| t.id.as_str()), Some("a"));
            // Taken again: nothing to change, nothing written.
            let before = s.everything().await.expect("everything");
            assert_eq!(adopt(&s, &held, "2026-11-30T09:00:10Z").await.expect("adopted"), 0);
            assert_eq!(s.everything().await.expect("everything"), before);
        });
    }

    #[test]
    fn feedback_is_recorded_sealed_and_counted_by_week() {
        use crate::domain::kiosk::{by_week, Feedback, Question};
        block_on(async {
            let s = MemoryStore::new();
            let to = [age::x25519::Identity::generate().to_public().to_string()];
            let a = Feedback::given("f1", day(), &[(Question::Clear, 5), (Question::Wait, 3)], "Дякую Олені Петрівні", &to)
                .expect("sealed")
                .expect("taken");
            let b = Feedback::given("f2", day().add_days(1), &[(Question::Clear, 4)], "", &to).expect("sealed").expect("taken");
            give_feedback(&s, &a, "2026-11-30T10:00:00Z").await.expect("written");
            give_feedback(&s, &b, "2026-12-01T10:00:00Z").await.expect("written");
            assert!(give_feedback(&s, &a, "x").await.is_err(), "the same feedback is not written twice");
            let stored = s.everything().await.expect("everything");
            assert!(!stored.contains("Олен"), "the comment is sealed");
            let weeks = by_week(&all_feedback(&s).await.expect("read"));
            assert_eq!(weeks.len(), 1);
            assert_eq!((weeks[0].count, weeks[0].averages[0].1), (2, Some(4.5)));
        });
    }

}
