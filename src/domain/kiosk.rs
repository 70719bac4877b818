//! The waiting-room kiosk (guide 2.5 queue management, 6.1 and annex 10 feedback): queue tickets, their numbers, the
//! order the queue is served in and the wait it shows, and anonymous feedback.
//!
//! Write-only: what a visitor types about themselves (name, phone, a comment) is sealed at once to public keys (the
//! device's own box key and the centre's, see `crypto::sealed_file`), so the kiosk can add an entry it cannot read
//! back. What the queue needs — the number, the time, the area, whether the visitor needs help first — stays readable
//! and holds nothing personal.

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::validate::normalise_phone;

/// Why a visitor is served first (guide 2.5): any of these gives priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedsHelp {
    /// Cannot read or write (someone fills in the forms with them).
    ReadingWriting,
    Hearing,
    Vision,
    Mobility,
    /// With small children.
    SmallChildren,
    Elderly,
    /// A court hearing within days.
    CourtSoon,
}

impl NeedsHelp {
    pub const ALL: [NeedsHelp; 7] = [
        NeedsHelp::ReadingWriting,
        NeedsHelp::Hearing,
        NeedsHelp::Vision,
        NeedsHelp::Mobility,
        NeedsHelp::SmallChildren,
        NeedsHelp::Elderly,
        NeedsHelp::CourtSoon,
    ];
}

/// Where a ticket is in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "is", rename_all = "snake_case", deny_unknown_fields)]
pub enum TicketState {
    Waiting,
    /// Called to a desk or room (`desk` as the centre names it).
    Called { at: String, desk: String },
    Served { called_at: String, at: String },
    /// Left before being served.
    Left { at: String },
}

/// A queue ticket. Nothing readable in it is personal; `visitor` is sealed (age, base64) or absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ticket {
    pub id: String,
    /// The day it was issued (ISO); numbers start again each day.
    pub day: String,
    /// Its number that day, from 1; shown as `А-017` with [`label`].
    pub number: u32,
    /// When it was issued, RFC 3339 UTC.
    pub issued_at: String,
    /// The question area chosen (the centre's list of areas).
    pub area: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<NeedsHelp>,
    /// Whether the visitor has been here before, when they said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returning: Option<bool>,
    /// The name and phone the visitor gave, sealed to the device's box key and the centre's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor: Option<String>,
    pub state: TicketState,
}

/// What became of a called visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Served,
    Left,
}

impl TicketState {
    /// Its name, as the centre stores it beside the ticket.
    pub fn name(&self) -> &'static str {
        match self {
            TicketState::Waiting => "waiting",
            TicketState::Called { .. } => "called",
            TicketState::Served { .. } => "served",
            TicketState::Left { .. } => "left",
        }
    }

    /// How far a ticket has gone: waiting, called, then served or left.
    pub fn rank(&self) -> u8 {
        match self {
            TicketState::Waiting => 0,
            TicketState::Called { .. } => 1,
            TicketState::Served { .. } | TicketState::Left { .. } => 2,
        }
    }

    /// The state after `outcome` at `now`: served only once called (`None`: it stays as it is).
    pub fn finished(&self, outcome: Outcome, now: &str) -> Option<TicketState> {
        match (outcome, self) {
            (Outcome::Served, TicketState::Called { at, .. }) => {
                Some(TicketState::Served { called_at: at.clone(), at: now.to_owned() })
            }
            (Outcome::Served, _) => None,
            (Outcome::Left, TicketState::Waiting | TicketState::Called { .. }) => {
                Some(TicketState::Left { at: now.to_owned() })
            }
            (Outcome::Left, _) => None,
        }
    }
}

/// Whether `incoming` (what another place holds for a ticket: the centre, the kiosk) replaces `held`: only a state
/// further on. Between two of the same rank the one held stays (the first call of a visitor counts, not a second).
pub fn moves_on(held: &TicketState, incoming: &TicketState) -> bool {
    incoming.rank() > held.rank()
}

/// The tickets called and not yet served or gone, the latest call first: what the kiosk's welcome screen and the
/// waiting-room display show (the number and the room, nothing else).
pub fn calling<'t>(tickets: impl IntoIterator<Item = &'t Ticket>) -> Vec<(&'t str, &'t Ticket)> {
    let mut out: Vec<(&str, &Ticket)> = tickets
        .into_iter()
        .filter_map(|t| match &t.state {
            TicketState::Called { at, .. } => Some((at.as_str(), t)),
            _ => None,
        })
        .collect();
    out.sort_by(|a, b| b.0.cmp(a.0).then(b.1.number.cmp(&a.1.number)));
    out
}

/// The series letter of ticket numbers.
pub const SERIES: char = 'А';

/// A ticket's number as shown and printed: `А-017`.
pub fn label(number: u32) -> String {
    format!("{SERIES}-{number:03}")
}

impl Ticket {
    pub fn priority(&self) -> bool {
        !self.needs.is_empty()
    }
    pub fn label(&self) -> String {
        label(self.number)
    }
}

/// The number the next ticket of `day` gets.
pub fn next_number(tickets: &[Ticket], day: Date) -> u32 {
    let day = day.iso();
    tickets.iter().filter(|t| t.day == day).map(|t| t.number).max().unwrap_or(0) + 1
}

/// The tickets of `day` still waiting, in the order they are called: those who need help first, then by number.
pub fn waiting(tickets: &[Ticket], day: Date) -> Vec<&Ticket> {
    let day = day.iso();
    let mut out: Vec<&Ticket> =
        tickets.iter().filter(|t| t.day == day && t.state == TicketState::Waiting).collect();
    out.sort_by_key(|t| (!t.priority(), t.number));
    out
}

/// The ticket to call next on `day`, if anyone is waiting.
pub fn next_to_call(tickets: &[Ticket], day: Date) -> Option<&Ticket> {
    waiting(tickets, day).into_iter().next()
}

/// Seconds since 0000-03-01 of an RFC 3339 UTC time (`2026-11-29T10:05:00Z`), for differences only.
fn seconds(at: &str) -> Option<i64> {
    let date = Date::parse_iso(at.get(..10)?)?;
    let (h, m, s) = (at.get(11..13)?.parse::<i64>().ok()?, at.get(14..16)?.parse::<i64>().ok()?, at.get(17..19)?.parse::<i64>().ok()?);
    Some(date.days() * 86_400 + h * 3600 + m * 60 + s)
}

/// The service time assumed before any visitor of the day was served.
pub const DEFAULT_SERVICE_MINUTES: u32 = 15;

/// The average service time on `day` (called → served), in whole minutes, or the default before anyone was served.
pub fn average_service_minutes(tickets: &[Ticket], day: Date) -> u32 {
    let day = day.iso();
    let spans: Vec<i64> = tickets
        .iter()
        .filter(|t| t.day == day)
        .filter_map(|t| match &t.state {
            TicketState::Served { called_at, at } => Some(seconds(at)? - seconds(called_at)?),
            _ => None,
        })
        .filter(|s| *s >= 0)
        .collect();
    if spans.is_empty() {
        return DEFAULT_SERVICE_MINUTES;
    }
    let avg = spans.iter().sum::<i64>() / spans.len() as i64;
    ((avg + 59) / 60).max(1) as u32
}

/// About how long the holder of ticket `id` waits: the tickets before it times today's average service time, shared
/// between the desks serving.
pub fn estimated_wait_minutes(tickets: &[Ticket], day: Date, id: &str, desks: u32) -> Option<u32> {
    let ahead = waiting(tickets, day).iter().position(|t| t.id == id)? as u32;
    Some(ahead * average_service_minutes(tickets, day) / desks.max(1))
}

/// Why what a visitor typed was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitorProblem {
    /// A phone number that is not one.
    Phone,
    /// Too long to be a name.
    Name,
}

/// What a visitor gave so staff can call them back: sealed in the ticket, never stored readable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Visitor {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
}

/// The longest name a visitor may type.
pub const MAX_NAME: usize = 120;

impl Visitor {
    /// As typed (both optional); `None` when nothing was given. The phone as the card form writes phones.
    pub fn typed(name: &str, phone: &str) -> Result<Option<Visitor>, VisitorProblem> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.chars().count() > MAX_NAME {
            return Err(VisitorProblem::Name);
        }
        let phone = match phone.trim() {
            "" => String::new(),
            p => normalise_phone(p).map_err(|_| VisitorProblem::Phone)?,
        };
        Ok((!name.is_empty() || !phone.is_empty()).then_some(Visitor { name, phone }))
    }
}

/// Seals what a visitor gave (a [`Visitor`], a feedback comment) to every recipient (`age1…`: the device's box key
/// and the centre's key), as base64 text to keep in the record. The kiosk cannot open it again.
pub fn seal<T: Serialize>(value: &T, recipients: &[String]) -> Result<String, crate::crypto::sealed_file::SealError> {
    let plain = serde_json::to_vec(value).map_err(|e| crate::crypto::sealed_file::SealError(e.to_string()))?;
    Ok(crate::crypto::to_b64(&crate::crypto::sealed_file::seal(recipients, &plain)?))
}

/// Opens what [`seal`] sealed, with an identity it was sealed to (`AGE-SECRET-KEY-1…`). `None` when it is not for
/// this identity or was changed.
pub fn open<T: serde::de::DeserializeOwned>(identity: &str, sealed: &str) -> Option<T> {
    let bytes = crate::crypto::from_b64(sealed).ok()?;
    serde_json::from_slice(&crate::crypto::sealed_file::open(identity, &bytes).ok()?).ok()
}

impl crate::storage::Record for Ticket {
    const COLLECTION: crate::storage::Collection = crate::storage::Collection::Tickets;
    fn id(&self) -> &str {
        &self.id
    }
}

impl crate::storage::Record for Feedback {
    const COLLECTION: crate::storage::Collection = crate::storage::Collection::Feedback;
    fn id(&self) -> &str {
        &self.id
    }
}

/// The id of the kiosk's settings record.
pub const KIOSK_ID: &str = "kiosk";

/// The kiosk as a centre sets it up (Settings → "Режим кіоску"): readable before any unlock, since the kiosk runs
/// with no worker signed in. While `on`, the device starts as a kiosk and only a worker's passphrase leaves it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KioskSettings {
    pub id: String,
    pub on: bool,
    /// The centre's name, shown on the welcome screen and the ticket.
    pub centre: String,
    pub address: String,
    /// Opening hours as the centre writes them.
    pub hours: String,
    /// Desks or rooms visitors are called to.
    pub desks: Vec<String>,
    /// The question areas a visitor chooses from.
    pub areas: Vec<String>,
    /// The services the kiosk does not offer (both offered unless turned off).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tickets_off: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub feedback_off: bool,
}

impl crate::storage::Record for KioskSettings {
    const COLLECTION: crate::storage::Collection = crate::storage::Collection::Settings;
    fn id(&self) -> &str {
        &self.id
    }
}

/// Why a kiosk set-up was not saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KioskProblem {
    NoCentre,
    NoAreas,
    NoDesks,
    /// Neither queue tickets nor feedback offered.
    NoService,
}

fn lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in text.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|l| !l.is_empty()) {
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

impl KioskSettings {
    /// As typed in Settings (desks and areas one per line, needed for tickets), turned on, with the services it
    /// offers (`tickets`, `feedback`); every problem at once.
    pub fn typed(
        centre: &str,
        address: &str,
        hours: &str,
        desks: &str,
        areas: &str,
        (tickets, feedback): (bool, bool),
    ) -> Result<Self, Vec<KioskProblem>> {
        let clean = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        let k = KioskSettings {
            id: KIOSK_ID.into(),
            on: true,
            centre: clean(centre),
            address: clean(address),
            hours: clean(hours),
            desks: lines(desks),
            areas: lines(areas),
            tickets_off: !tickets,
            feedback_off: !feedback,
        };
        let mut problems = Vec::new();
        if k.centre.is_empty() {
            problems.push(KioskProblem::NoCentre);
        }
        if tickets && k.desks.is_empty() {
            problems.push(KioskProblem::NoDesks);
        }
        if tickets && k.areas.is_empty() {
            problems.push(KioskProblem::NoAreas);
        }
        if !tickets && !feedback {
            problems.push(KioskProblem::NoService);
        }
        if problems.is_empty() {
            Ok(k)
        } else {
            Err(problems)
        }
    }
}

/// The feedback questions (annex 10), each answered on a five-face scale (1 worst … 5 best), or skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    /// Was the explanation clear?
    Clear,
    /// Was the worker polite and attentive?
    Polite,
    /// How did the wait feel?
    Wait,
    /// Was the question resolved, or a referral given?
    Resolved,
    /// Would you recommend the centre?
    Recommend,
}

impl Question {
    pub const ALL: [Question; 5] =
        [Question::Clear, Question::Polite, Question::Wait, Question::Resolved, Question::Recommend];
}

/// One visitor's anonymous feedback: never linked to a client or a ticket. The free comment, which could name
/// someone, is sealed like a visitor's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    pub id: String,
    pub day: String,
    /// Per question, 1–5; a skipped question is left out.
    pub answers: Vec<(Question, u8)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// What a visitor should have ready for the question area they chose (guide 2.5), from the rules file.
#[derive(Debug, Clone, PartialEq)]
pub struct ToHaveReady<'r> {
    /// The identity document (the rules' `id` document): every visitor brings it.
    pub always: Vec<&'r super::eligibility::DocumentRule>,
    /// When the area's words point to a walk-in category (the rules' own category search, which must match every
    /// word): that category and its documents (required, or one of alternatives). Shown as "if this is about …":
    /// the visitor's question may be another. None for an area like "housing questions" that names no group.
    pub if_about: Option<(&'r super::eligibility::CategoryRule, Vec<&'r super::eligibility::DocumentRule>)>,
}

/// What to have ready for `area`; the ticket adds "papers about your question" itself.
pub fn to_have_ready<'r>(rules: &'r super::eligibility::Rules, area: &str) -> ToHaveReady<'r> {
    use super::eligibility::Need;
    let always: Vec<_> = rules.categories.iter().flat_map(|c| &c.documents).find(|d| d.id == "id").into_iter().collect();
    let matched = if area.trim().is_empty() { None } else { rules.find(area).into_iter().find(|c| c.walk_in) };
    let if_about = matched
        .map(|c| {
            let docs: Vec<_> =
                c.documents.iter().filter(|d| d.need != Need::Optional && !always.iter().any(|a| a.id == d.id)).collect();
            (c, docs)
        })
        .filter(|(_, docs)| !docs.is_empty());
    ToHaveReady { always, if_about }
}

/// The longest comment a visitor may leave (characters).
pub const MAX_COMMENT: usize = 1000;

/// Why feedback was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackProblem {
    /// Longer than [`MAX_COMMENT`].
    CommentTooLong,
    /// Every question skipped and no comment: nothing to record.
    Empty,
}

/// One visitor's answers as given on the kiosk: each question answered once (the last answer kept), 1–5 only.
pub fn answers(given: &[(Question, u8)]) -> Vec<(Question, u8)> {
    Question::ALL
        .iter()
        .filter_map(|q| given.iter().rev().find(|(x, v)| x == q && (1..=5).contains(v)).map(|(_, v)| (*q, *v)))
        .collect()
}

/// The comment as typed: spaces tidied, hidden control characters dropped; `None` when empty.
pub fn comment(typed: &str) -> Result<Option<String>, FeedbackProblem> {
    let text = super::text::without_hidden_controls(typed);
    let text = text.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join("\n");
    let text = text.trim().to_owned();
    if text.chars().count() > MAX_COMMENT {
        return Err(FeedbackProblem::CommentTooLong);
    }
    Ok((!text.is_empty()).then_some(text))
}

impl Feedback {
    /// A visitor's feedback on `day`, its comment sealed to `recipients` (like a visitor's name: the kiosk cannot
    /// read it back).
    pub fn given(
        id: &str,
        day: Date,
        given: &[(Question, u8)],
        typed_comment: &str,
        recipients: &[String],
    ) -> Result<Result<Feedback, FeedbackProblem>, crate::crypto::sealed_file::SealError> {
        let answers = answers(given);
        let comment = match comment(typed_comment) {
            Ok(c) => c,
            Err(p) => return Ok(Err(p)),
        };
        if answers.is_empty() && comment.is_none() {
            return Ok(Err(FeedbackProblem::Empty));
        }
        let comment = match comment {
            Some(c) => Some(seal(&c, recipients)?),
            None => None,
        };
        Ok(Ok(Feedback { id: id.to_owned(), day: day.iso(), answers, comment }))
    }
}

/// An average of answers 1–5 in tenths, for showing without floating point ("4,3"): 43.
pub fn tenths(average: f64) -> u32 {
    (average * 10.0).round().clamp(0.0, 50.0) as u32
}

/// Feedback of one week (from Monday): how many, and each question's average.
#[derive(Debug, Clone, PartialEq)]
pub struct Week {
    pub monday: Date,
    pub count: usize,
    /// Per question (in [`Question::ALL`] order): the average answer and how many answered it.
    pub averages: Vec<(Question, Option<f64>, usize)>,
}

/// Feedback counted by week, newest first; answers outside 1–5 are not counted.
pub fn by_week(feedback: &[Feedback]) -> Vec<Week> {
    let mut weeks: Vec<Week> = Vec::new();
    for f in feedback {
        let Some(day) = Date::parse_iso(&f.day) else { continue };
        let monday = day.add_days(-i64::from(day.weekday() - 1));
        let i = match weeks.iter().position(|w| w.monday == monday) {
            Some(i) => i,
            None => {
                weeks.push(Week { monday, count: 0, averages: Question::ALL.iter().map(|q| (*q, None, 0)).collect() });
                weeks.len() - 1
            }
        };
        let w = &mut weeks[i];
        w.count += 1;
        for (q, v) in &f.answers {
            if !(1..=5).contains(v) {
                continue;
            }
            if let Some(slot) = w.averages.iter_mut().find(|(x, _, _)| x == q) {
                let (sum, n) = (slot.1.unwrap_or(0.0) * slot.2 as f64 + f64::from(*v), slot.2 + 1);
                *slot = (*q, Some(sum / n as f64), n);
            }
        }
    }
    weeks.sort_by_key(|w| std::cmp::Reverse(w.monday));
    weeks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_only_moves_on_and_is_served_only_once_called() {
        let called = TicketState::Called { at: "2026-11-30T09:00:00Z".into(), desk: "2".into() };
        let served = called.finished(Outcome::Served, "2026-11-30T09:10:00Z").expect("served");
        assert_eq!(served, TicketState::Served { called_at: "2026-11-30T09:00:00Z".into(), at: "2026-11-30T09:10:00Z".into() });
        assert_eq!(TicketState::Waiting.finished(Outcome::Served, "x"), None, "not called: not served");
        assert!(matches!(TicketState::Waiting.finished(Outcome::Left, "x"), Some(TicketState::Left { .. })));
        assert_eq!(served.finished(Outcome::Left, "x"), None, "served stays served");
        assert!(moves_on(&TicketState::Waiting, &called) && moves_on(&called, &served));
        assert!(!moves_on(&served, &called) && !moves_on(&called, &called.clone()) && !moves_on(&called, &TicketState::Waiting));
        let second = TicketState::Called { at: "2026-11-30T09:05:00Z".into(), desk: "1".into() };
        assert!(!moves_on(&called, &second), "the first call counts");
        assert_eq!(
            [TicketState::Waiting.name(), called.name(), served.name(), TicketState::Left { at: "x".into() }.name()],
            ["waiting", "called", "served", "left"]
        );
    }

    #[test]
    fn the_latest_call_comes_first_and_only_calls_are_shown() {
        let t = |id: &str, number: u32, state: TicketState| Ticket {
            id: id.into(),
            day: "2026-11-30".into(),
            number,
            issued_at: "2026-11-30T08:00:00Z".into(),
            area: "a".into(),
            needs: vec![],
            returning: None,
            visitor: None,
            state,
        };
        let at = |m: &str| TicketState::Called { at: format!("2026-11-30T09:{m}:00Z"), desk: m.into() };
        let all = [
            t("w", 1, TicketState::Waiting),
            t("early", 2, at("01")),
            t("late", 3, at("07")),
            t("done", 4, TicketState::Left { at: "2026-11-30T09:08:00Z".into() }),
        ];
        let ids: Vec<&str> = calling(&all).iter().map(|(_, t)| t.id.as_str()).collect();
        assert_eq!(ids, ["late", "early"]);
    }

    fn day() -> Date {
        Date::new(2026, 11, 30).expect("date")
    }

    fn ticket(number: u32, needs: &[NeedsHelp], state: TicketState) -> Ticket {
        Ticket {
            id: format!("t{number}"),
            day: day().iso(),
            number,
            issued_at: format!("2026-11-30T08:{:02}:00Z", number),
            area: "житлові питання".into(),
            needs: needs.to_vec(),
            returning: None,
            visitor: None,
            state,
        }
    }

    #[test]
    fn numbers_start_again_each_day_and_read_as_a_series() {
        let mut yesterday = ticket(41, &[], TicketState::Waiting);
        yesterday.day = "2026-11-29".into();
        let today = [yesterday, ticket(1, &[], TicketState::Waiting), ticket(2, &[], TicketState::Left { at: "x".into() })];
        assert_eq!(next_number(&today, day()), 3);
        assert_eq!(next_number(&today, Date::new(2026, 12, 1).expect("date")), 1);
        assert_eq!(label(17), "А-017");
        assert_eq!(label(1234), "А-1234");
    }

    #[test]
    fn those_who_need_help_are_called_first_then_in_order() {
        let served = TicketState::Served { called_at: "2026-11-30T08:00:00Z".into(), at: "2026-11-30T08:20:00Z".into() };
        let tickets = [
            ticket(1, &[], served),
            ticket(2, &[], TicketState::Waiting),
            ticket(3, &[NeedsHelp::CourtSoon], TicketState::Waiting),
            ticket(4, &[], TicketState::Waiting),
            ticket(5, &[NeedsHelp::Elderly, NeedsHelp::Mobility], TicketState::Waiting),
            ticket(6, &[], TicketState::Called { at: "2026-11-30T09:00:00Z".into(), desk: "2".into() }),
        ];
        let order: Vec<u32> = waiting(&tickets, day()).iter().map(|t| t.number).collect();
        assert_eq!(order, vec![3, 5, 2, 4]);
        assert_eq!(next_to_call(&tickets, day()).map(Ticket::label), Some("А-003".into()));
        // One served in 20 minutes: two ahead of ticket 2 at one desk is 40 minutes; at two desks 20.
        assert_eq!(average_service_minutes(&tickets, day()), 20);
        assert_eq!(estimated_wait_minutes(&tickets, day(), "t2", 1), Some(40));
        assert_eq!(estimated_wait_minutes(&tickets, day(), "t2", 2), Some(20));
        assert_eq!(estimated_wait_minutes(&tickets, day(), "t3", 1), Some(0));
        assert_eq!(estimated_wait_minutes(&tickets, day(), "t6", 1), None, "not waiting");
        // Before anyone was served, the default.
        assert_eq!(average_service_minutes(&tickets[1..], day()), DEFAULT_SERVICE_MINUTES);
    }

    #[test]
    fn a_ticket_reads_back_as_it_was_written_and_holds_no_readable_name() {
        let mut t = ticket(7, &[NeedsHelp::Hearing], TicketState::Called { at: "2026-11-30T09:00:00Z".into(), desk: "кабінет 2".into() });
        t.visitor = Some("YWdlLWVuY3J5cHRpb24ub3JnL3Yx".into());
        let json = serde_json::to_string(&t).expect("json");
        assert!(json.contains(r#""state":{"is":"called""#) && json.contains(r#""needs":["hearing"]"#), "{json}");
        assert_eq!(serde_json::from_str::<Ticket>(&json).expect("ticket"), t);
        assert!(serde_json::from_str::<Ticket>(&json.replace(r#""area""#, r#""name":"x","area""#)).is_err());
    }

    #[test]
    fn a_kiosk_is_set_up_with_a_centre_desks_and_areas() {
        let k = KioskSettings::typed(
            " Бучанський  центр ",
            "вул. Енергетиків, 2",
            "Пн–Пт 9–18",
            "кабінет 1\n\n кабінет 2 \nкабінет 1",
            "житлові питання\nпенсії",
            (true, true),
        )
        .expect("set up");
        assert_eq!((k.on, k.centre.as_str()), (true, "Бучанський центр"));
        assert_eq!(k.desks, vec!["кабінет 1".to_string(), "кабінет 2".into()]);
        assert_eq!(k.areas.len(), 2);
        assert_eq!(
            KioskSettings::typed(" ", "", "", "", "", (true, true)),
            Err(vec![KioskProblem::NoCentre, KioskProblem::NoDesks, KioskProblem::NoAreas])
        );
        // Feedback only: no rooms or areas needed; nothing offered at all is refused.
        let f = KioskSettings::typed("Центр", "", "", "", "", (false, true)).expect("feedback only");
        assert!(f.tickets_off && !f.feedback_off);
        assert!(!serde_json::to_string(&k).expect("json").contains("_off"), "both offered: as before");
        assert_eq!(KioskSettings::typed("Центр", "", "", "к1", "а", (false, false)), Err(vec![KioskProblem::NoService]));
    }

    #[test]
    fn a_visitor_gives_a_name_or_a_phone_or_nothing() {
        assert_eq!(Visitor::typed("  ", ""), Ok(None));
        assert_eq!(
            Visitor::typed(" Ганна   Марченко ", "067 555 12 34"),
            Ok(Some(Visitor { name: "Ганна Марченко".into(), phone: "+380675551234".into() }))
        );
        assert_eq!(Visitor::typed("", "12"), Err(VisitorProblem::Phone));
        assert_eq!(Visitor::typed(&"я".repeat(MAX_NAME + 1), ""), Err(VisitorProblem::Name));
    }

    #[test]
    fn what_a_visitor_gave_is_sealed_to_the_device_and_the_centre_and_opens_for_either_alone() {
        use age::secrecy::ExposeSecret;
        let key = |i: &age::x25519::Identity| i.to_string().expose_secret().to_owned();
        let (device, centre, stranger) =
            (age::x25519::Identity::generate(), age::x25519::Identity::generate(), age::x25519::Identity::generate());
        let to = [device.to_public().to_string(), centre.to_public().to_string()];
        let v = Visitor { name: "Ганна Марченко".into(), phone: "+380675551234".into() };
        let sealed = seal(&v, &to).expect("sealed");
        assert!(!sealed.contains("Марченко") && !sealed.contains("555"));
        assert_eq!(open::<Visitor>(&key(&device), &sealed), Some(v.clone()));
        assert_eq!(open::<Visitor>(&key(&centre), &sealed), Some(v));
        assert_eq!(open::<Visitor>(&key(&stranger), &sealed), None);
        // One character of the sealed text changed (to another base64 character).
        let mut changed = sealed.clone();
        let flipped = if &sealed[80..81] == "A" { "B" } else { "A" };
        changed.replace_range(80..81, flipped);
        assert_eq!(open::<Visitor>(&key(&device), &changed), None);
    }

    #[test]
    fn feedback_is_counted_by_week_with_each_questions_average() {
        let f = |id: &str, day: &str, answers: Vec<(Question, u8)>| Feedback {
            id: id.into(),
            day: day.into(),
            answers,
            comment: None,
        };
        let all = [
            f("1", "2026-11-23", vec![(Question::Clear, 5), (Question::Wait, 2)]),
            f("2", "2026-11-29", vec![(Question::Clear, 4), (Question::Polite, 9)]),
            f("3", "2026-11-30", vec![(Question::Recommend, 5)]),
        ];
        let weeks = by_week(&all);
        assert_eq!(weeks.iter().map(|w| (w.monday.iso(), w.count)).collect::<Vec<_>>(), vec![
            ("2026-11-30".to_string(), 1),
            ("2026-11-23".to_string(), 2)
        ]);
        let week = &weeks[1];
        assert_eq!(week.averages[0], (Question::Clear, Some(4.5), 2));
        assert_eq!(week.averages[1], (Question::Polite, None, 0), "an answer outside 1–5 is not counted");
        assert_eq!(week.averages[2], (Question::Wait, Some(2.0), 1));
    }

    #[test]
    fn feedback_keeps_one_answer_per_question_and_seals_its_comment() {
        use age::secrecy::ExposeSecret;
        let device = age::x25519::Identity::generate();
        let to = [device.to_public().to_string()];
        let given = [(Question::Clear, 2), (Question::Clear, 4), (Question::Wait, 0), (Question::Recommend, 5)];
        let f = Feedback::given("f1", day(), &given, "  Дякую  Олені\u{202E}  \n\n ", &to).expect("sealed").expect("taken");
        assert_eq!(f.answers, vec![(Question::Clear, 4), (Question::Recommend, 5)], "the last answer, 1–5 only");
        assert_eq!(f.day, "2026-11-30");
        let sealed = f.comment.clone().expect("a comment");
        assert!(!sealed.contains("Олен"));
        let key = device.to_string().expose_secret().to_owned();
        assert_eq!(open::<String>(&key, &sealed).as_deref(), Some("Дякую Олені"));
        assert_eq!(Feedback::given("f2", day(), &[], "   ", &to).expect("no seal needed"), Err(FeedbackProblem::Empty));
        let long = "я".repeat(MAX_COMMENT + 1);
        assert_eq!(Feedback::given("f3", day(), &given, &long, &to).expect("no seal"), Err(FeedbackProblem::CommentTooLong));
        assert_eq!(comment(&"я".repeat(MAX_COMMENT)).map(|c| c.map(|c| c.chars().count())), Ok(Some(MAX_COMMENT)));
        assert_eq!((tenths(4.25), tenths(4.5), tenths(1.0)), (43, 45, 10));
    }


    #[test]
    fn what_to_have_ready_comes_from_the_rules_for_the_area_chosen() {
        let rules = crate::domain::eligibility::Rules::parse(include_str!("../../public/rules.json")).expect("rules");
        let ready = |area: &str| {
            let r = to_have_ready(&rules, area);
            let names = |d: &[&crate::domain::eligibility::DocumentRule]| d.iter().map(|d| d.name.uk.clone()).collect::<Vec<_>>();
            (names(&r.always), r.if_about.map(|(c, d)| (c.id.clone(), names(&d))))
        };
        let (always, about) = ready("Житлові питання");
        assert_eq!(always, vec!["Документ, що посвідчує особу".to_string()]);
        assert_eq!(about, None, "housing questions name no group of people");
        assert_eq!(ready(""), (always.clone(), None));
        for (area, category) in [("Домашнє насильство", "22"), ("Ветерани війни", "17"), ("Внутрішньо переміщені особи", "14")] {
            let (a, about) = ready(area);
            assert_eq!(a, always, "{area}");
            let (id, docs) = about.unwrap_or_else(|| panic!("{area}: a category"));
            assert_eq!(id, category, "{area}");
            assert!(!docs.is_empty() && !docs.contains(&always[0]), "{area}: {docs:?}");
        }
    }

}
