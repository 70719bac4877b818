//! An appeal (звернення): each visit or call, with the kind of aid decided (guide 3.2, 3.2.1, 3.3, annex 11).

use serde::{Deserialize, Serialize};

use super::date::{add_working_days, parse_human_datetime, Date};
use super::referral::Organisation;
use super::client::{CardChange, FieldChange};
use crate::storage::{Collection, Record};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Outreach,
    Office,
    Phone,
    Email,
    Kiosk,
}

impl Channel {
    pub const ALL: [Channel; 5] = [Channel::Outreach, Channel::Office, Channel::Phone, Channel::Email, Channel::Kiosk];
    pub fn code(self) -> &'static str {
        match self {
            Channel::Outreach => "outreach",
            Channel::Office => "office",
            Channel::Phone => "phone",
            Channel::Email => "email",
            Channel::Kiosk => "kiosk",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }
}

/// The kind of aid decided (Art. 7 БППД kinds, help to access БВПД, referral, or not a legal-aid question).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AidKind {
    LegalInformation,
    Consultation,
    DraftingDocuments,
    AccessToSecondary,
    Referral,
    NotLegalAid,
}

impl AidKind {
    pub const ALL: [AidKind; 6] = [
        AidKind::LegalInformation,
        AidKind::Consultation,
        AidKind::DraftingDocuments,
        AidKind::AccessToSecondary,
        AidKind::Referral,
        AidKind::NotLegalAid,
    ];
    pub fn code(self) -> &'static str {
        match self {
            AidKind::LegalInformation => "legal_information",
            AidKind::Consultation => "consultation",
            AidKind::DraftingDocuments => "drafting_documents",
            AidKind::AccessToSecondary => "access_to_secondary",
            AidKind::Referral => "referral",
            AidKind::NotLegalAid => "not_legal_aid",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }
}

/// Where the client was sent: a copy of the organisation as it was, so the slip stays true if the directory changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub organisation: Organisation,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    pub id: String,
    pub client_id: String,
    /// Local date and time, "2026-11-25T10:42".
    pub received_at: String,
    pub channel: Channel,
    pub location: String,
    pub area: String,
    /// The client's account of the issue (personal).
    pub account: String,
    pub aid: AidKind,
    pub outcome: String,
    pub worker: String,
    /// ISO date.
    pub follow_up: Option<String>,
    /// A written appeal has an answer deadline (Art. 11-1).
    pub written: bool,
    pub referral: Option<Referral>,
    /// The export batch that carried this appeal, once exported.
    #[serde(default)]
    pub exported_in: Option<String>,
    /// When the follow-up was marked done (date-time); `None` while it is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_done: Option<String>,
    /// Corrections of the appeal, oldest first (as a card's; the values go when the personal text goes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<CardChange>,
}

/// The fields of an appeal a correction can change, in the order of the form.
pub const APPEAL_FIELDS: [&str; 6] = ["account", "aid", "referral", "outcome", "follow_up", "follow_up_done"];

/// Each field of [`APPEAL_FIELDS`] with its value as one string: the kind of aid by code, a referral as the
/// organisation's name (and the note after " — "), dates ISO.
pub fn appeal_values(a: &Appeal) -> [(&'static str, String); 6] {
    let referral = a.referral.as_ref().map_or(String::new(), |r| {
        if r.note.is_empty() {
            r.organisation.name.clone()
        } else {
            format!("{} — {}", r.organisation.name, r.note)
        }
    });
    [
        ("account", a.account.clone()),
        ("aid", a.aid.code().to_owned()),
        ("referral", referral),
        ("outcome", a.outcome.clone()),
        ("follow_up", a.follow_up.clone().unwrap_or_default()),
        ("follow_up_done", a.follow_up_done.clone().unwrap_or_default()),
    ]
}

/// A follow-up that is due: today, or overdue.
#[derive(Debug, Clone, PartialEq)]
pub struct DueFollowUp<'a> {
    pub appeal: &'a Appeal,
    pub on: Date,
    pub overdue: bool,
}

/// The follow-ups due by `today` and not marked done, oldest first.
pub fn due_follow_ups<'a>(appeals: impl IntoIterator<Item = &'a Appeal>, today: Date) -> Vec<DueFollowUp<'a>> {
    let mut out: Vec<DueFollowUp<'a>> = appeals
        .into_iter()
        .filter(|a| a.follow_up_done.is_none())
        .filter_map(|a| {
            let on = a.follow_up.as_deref().and_then(Date::parse_iso)?;
            (on <= today).then_some(DueFollowUp { appeal: a, on, overdue: on < today })
        })
        .collect();
    out.sort_by(|x, y| x.on.cmp(&y.on).then_with(|| x.appeal.received_at.cmp(&y.appeal.received_at)));
    out
}

impl Record for Appeal {
    const COLLECTION: Collection = Collection::Appeals;
    fn id(&self) -> &str {
        &self.id
    }
    fn client_id(&self) -> Option<&str> {
        Some(&self.client_id)
    }
}

/// Answer deadlines of a written БППД appeal: 3 working days, at most 10 (Art. 11-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    pub answer_by: Date,
    pub at_most: Date,
}

impl Appeal {
    pub fn received_date(&self) -> Option<Date> {
        Date::parse_iso(self.received_at.get(0..10)?)
    }

    pub fn deadlines(&self, holidays: &[Date]) -> Option<Deadlines> {
        let d = self.received_date().filter(|_| self.written)?;
        Some(Deadlines { answer_by: add_working_days(d, 3, holidays), at_most: add_working_days(d, 10, holidays) })
    }

    /// Keeps what statistics need (date, channel, place, area, kind of aid, worker) and erases what the client said,
    /// in its history too (what changed and when stays).
    pub fn scrubbed(&self) -> Appeal {
        let mut history = self.history.clone();
        for change in &mut history {
            for f in &mut change.fields {
                f.from.clear();
                f.to.clear();
            }
        }
        Appeal {
            account: String::new(),
            outcome: String::new(),
            referral: self
                .referral
                .as_ref()
                .map(|r| Referral { organisation: r.organisation.clone(), note: String::new() }),
            history,
            ..self.clone()
        }
    }

    /// Whether the personal text is gone (withdrawn, or once the centre has it): then it is no longer corrected.
    pub fn is_scrubbed(&self) -> bool {
        self.account.is_empty()
    }

    /// The appeal with the editable fields of `edited` (account, kind of aid, referral, outcome, follow-up), by `by`
    /// at `now`, its history told what changed; `None` when nothing did. A new follow-up date is due again.
    pub fn corrected(&self, edited: &Appeal, by: &str, now: &str) -> Option<Appeal> {
        let mut next = Appeal {
            account: edited.account.clone(),
            aid: edited.aid,
            referral: edited.referral.clone(),
            outcome: edited.outcome.clone(),
            follow_up: edited.follow_up.clone(),
            ..self.clone()
        };
        if next.follow_up != self.follow_up {
            next.follow_up_done = None;
        }
        self.with_history(next, by, now)
    }

    /// The follow-up marked done at `now` by `by`.
    pub fn follow_up_marked_done(&self, by: &str, now: &str) -> Option<Appeal> {
        self.follow_up.as_ref()?;
        let next = Appeal { follow_up_done: Some(now.to_owned()), ..self.clone() };
        self.with_history(next, by, now)
    }

    fn with_history(&self, mut next: Appeal, by: &str, now: &str) -> Option<Appeal> {
        let fields: Vec<FieldChange> = appeal_values(self)
            .into_iter()
            .zip(appeal_values(&next))
            .filter(|((_, a), (_, b))| a != b)
            .map(|((field, from), (_, to))| FieldChange { field: field.to_owned(), from, to })
            .collect();
        if fields.is_empty() {
            return None;
        }
        next.history.push(CardChange { at: now.to_owned(), by: by.to_owned(), fields, merged_from: None });
        Some(next)
    }
}

/// The appeal as typed (drafts keep it exactly so).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppealForm {
    pub received_at: String,
    pub channel: String,
    pub location: String,
    pub area: String,
    pub account: String,
    pub aid: String,
    pub outcome: String,
    pub follow_up: String,
    pub written: bool,
    pub organisation_id: String,
    pub referral_note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppealField {
    ReceivedAt,
    Channel,
    Area,
    Account,
    Aid,
    FollowUp,
    Organisation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppealProblem {
    Required,
    InvalidDate,
    /// A date and time not written as дд.мм.рррр гг:хх.
    InvalidDateTime,
    UnknownOrganisation,
}

impl AppealForm {
    /// The form of a saved appeal (to correct it).
    pub fn from_appeal(a: &Appeal) -> AppealForm {
        AppealForm {
            received_at: crate::domain::date::human_datetime(&a.received_at),
            channel: a.channel.code().to_owned(),
            location: a.location.clone(),
            area: a.area.clone(),
            account: a.account.clone(),
            aid: a.aid.code().to_owned(),
            outcome: a.outcome.clone(),
            follow_up: a.follow_up.as_deref().and_then(Date::parse_iso).map(Date::dotted).unwrap_or_default(),
            written: a.written,
            organisation_id: a.referral.as_ref().map(|r| r.organisation.id.clone()).unwrap_or_default(),
            referral_note: a.referral.as_ref().map(|r| r.note.clone()).unwrap_or_default(),
        }
    }

    /// Checks the appeal; `organisations` is the directory, for a referral.
    pub fn validate(
        &self,
        id: String,
        client_id: String,
        worker: String,
        organisations: &[Organisation],
    ) -> Result<Appeal, Vec<(AppealField, AppealProblem)>> {
        let mut problems = Vec::new();
        let received_at = parse_human_datetime(&self.received_at);
        if received_at.is_none() {
            let p = if self.received_at.trim().is_empty() {
                AppealProblem::Required
            } else {
                AppealProblem::InvalidDateTime
            };
            problems.push((AppealField::ReceivedAt, p));
        }
        let channel = Channel::from_code(&self.channel);
        if channel.is_none() {
            problems.push((AppealField::Channel, AppealProblem::Required));
        }
        if self.area.trim().is_empty() {
            problems.push((AppealField::Area, AppealProblem::Required));
        }
        if self.account.trim().is_empty() {
            problems.push((AppealField::Account, AppealProblem::Required));
        }
        let aid = AidKind::from_code(&self.aid);
        if aid.is_none() {
            problems.push((AppealField::Aid, AppealProblem::Required));
        }
        let follow_up = self.follow_up.trim();
        let follow_up = if follow_up.is_empty() {
            None
        } else if let Some(d) = Date::parse_human(follow_up) {
            Some(d.iso())
        } else {
            problems.push((AppealField::FollowUp, AppealProblem::InvalidDate));
            None
        };
        let referral = if aid == Some(AidKind::Referral) {
            match organisations.iter().find(|o| o.id == self.organisation_id) {
                Some(o) => Some(Referral { organisation: o.clone(), note: self.referral_note.trim().to_owned() }),
                None => {
                    let p = if self.organisation_id.is_empty() {
                        AppealProblem::Required
                    } else {
                        AppealProblem::UnknownOrganisation
                    };
                    problems.push((AppealField::Organisation, p));
                    None
                }
            }
        } else {
            None
        };
        match (channel, aid, received_at) {
            (Some(channel), Some(aid), Some(received_at)) if problems.is_empty() => Ok(Appeal {
                id,
                client_id,
                received_at,
                channel,
                location: self.location.trim().to_owned(),
                area: self.area.trim().to_owned(),
                account: self.account.trim().to_owned(),
                aid,
                outcome: self.outcome.trim().to_owned(),
                worker,
                follow_up,
                written: self.written,
                referral,
                exported_in: None,
                follow_up_done: None,
                history: vec![],
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org() -> Organisation {
        Organisation {
            id: "o1".into(),
            name: "Управління соціального захисту".into(),
            address: "вул. Соборна, 1".into(),
            phone: "+380441234567".into(),
            hours: "пн–пт 9:00–18:00".into(),
            contact: "Іваненко О. П.".into(),
            topics: vec!["соціальний захист".into()],
        }
    }

    fn form() -> AppealForm {
        AppealForm {
            received_at: "2026-11-25T10:42".into(),
            channel: "outreach".into(),
            location: "Бородянка, ЦНАП".into(),
            area: "житлові питання".into(),
            account: "Зруйноване житло, потрібна компенсація".into(),
            aid: "consultation".into(),
            written: true,
            ..AppealForm::default()
        }
    }

    #[test]
    fn the_time_of_receipt_is_typed_as_people_write_it() {
        let typed = AppealForm { received_at: "25.11.2026 9:05".into(), ..form() };
        assert_eq!(typed.validate("a".into(), "c".into(), "w".into(), &[]).unwrap().received_at, "2026-11-25T09:05");
        let err = |text: &str| {
            AppealForm { received_at: text.into(), ..form() }
                .validate("a".into(), "c".into(), "w".into(), &[])
                .unwrap_err()
                .into_iter()
                .find(|(f, _)| *f == AppealField::ReceivedAt)
                .map(|(_, p)| p)
        };
        assert_eq!(err(""), Some(AppealProblem::Required));
        assert_eq!(err("25.11.2026"), Some(AppealProblem::InvalidDateTime));
        assert_eq!(err("31.11.2026 10:00"), Some(AppealProblem::InvalidDateTime));
    }

    #[test]
    fn a_complete_appeal_has_deadlines_in_working_days() {
        let a = form().validate("a1".into(), "c1".into(), "Олена".into(), &[]).unwrap();
        let d = a.deadlines(&[]).unwrap();
        assert_eq!(d.answer_by, Date::new(2026, 11, 30).unwrap());
        assert_eq!(d.at_most, Date::new(2026, 12, 9).unwrap());
        let oral = AppealForm { written: false, ..form() };
        assert_eq!(oral.validate("a".into(), "c".into(), "w".into(), &[]).unwrap().deadlines(&[]), None);
    }

    #[test]
    fn missing_fields_are_listed() {
        let problems = AppealForm::default().validate("a".into(), "c".into(), "w".into(), &[]).unwrap_err();
        let fields: Vec<AppealField> = problems.iter().map(|p| p.0).collect();
        assert_eq!(
            fields,
            vec![
                AppealField::ReceivedAt,
                AppealField::Channel,
                AppealField::Area,
                AppealField::Account,
                AppealField::Aid
            ]
        );
    }

    #[test]
    fn a_referral_copies_the_organisation() {
        let f = AppealForm { aid: "referral".into(), ..form() };
        let err = f.validate("a".into(), "c".into(), "w".into(), &[org()]).unwrap_err();
        assert_eq!(err, vec![(AppealField::Organisation, AppealProblem::Required)]);
        let f = AppealForm { organisation_id: "o1".into(), referral_note: " з довідкою ".into(), ..f };
        let a = f.validate("a".into(), "c".into(), "w".into(), &[org()]).unwrap();
        let r = a.referral.unwrap();
        assert_eq!(r.organisation, org());
        assert_eq!(r.note, "з довідкою");
        let f = AppealForm { organisation_id: "gone".into(), ..f };
        assert_eq!(
            f.validate("a".into(), "c".into(), "w".into(), &[org()]).unwrap_err(),
            vec![(AppealField::Organisation, AppealProblem::UnknownOrganisation)]
        );
    }

    #[test]
    fn scrubbing_keeps_statistics_only() {
        let f = AppealForm {
            aid: "referral".into(),
            organisation_id: "o1".into(),
            referral_note: "Скажіть, що від Олени".into(),
            outcome: "Роз'яснено".into(),
            ..form()
        };
        let a = f.validate("a".into(), "c".into(), "w".into(), &[org()]).unwrap();
        let s = a.scrubbed();
        assert_eq!((s.account.as_str(), s.outcome.as_str()), ("", ""));
        assert_eq!(s.referral.as_ref().unwrap().note, "");
        assert_eq!(
            (s.area.as_str(), s.aid, s.channel, s.received_at.as_str()),
            (a.area.as_str(), a.aid, a.channel, a.received_at.as_str())
        );
    }
}

/// Filters of the appeals list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppealFilter {
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Empty: any area.
    pub area: String,
    pub aid: Option<AidKind>,
    pub exported: Option<bool>,
}

impl AppealFilter {
    pub fn is_empty(&self) -> bool {
        *self == AppealFilter::default()
    }

    pub fn matches(&self, a: &Appeal) -> bool {
        // The date is read only when a date is asked for (the list filters every appeal on the device).
        let day = || a.received_date();
        self.from.is_none_or(|f| day().is_some_and(|d| d >= f))
            && self.to.is_none_or(|t| day().is_some_and(|d| d <= t))
            && (self.area.is_empty() || a.area == self.area)
            && self.aid.is_none_or(|k| a.aid == k)
            && self.exported.is_none_or(|e| a.exported_in.is_some() == e)
    }
}

#[cfg(test)]
mod filter_tests {
    use super::*;

    fn appeal(at: &str, area: &str, aid: AidKind, exported: bool) -> Appeal {
        Appeal {
            id: "a".into(),
            client_id: "c".into(),
            received_at: at.into(),
            channel: Channel::Office,
            location: String::new(),
            area: area.into(),
            account: "x".into(),
            aid,
            outcome: String::new(),
            worker: String::new(),
            follow_up: None,
            written: false,
            referral: None,
            exported_in: exported.then(|| "b1".into()),
            follow_up_done: None,
            history: vec![],
        }
    }

    #[test]
    fn a_corrected_appeal_keeps_a_history_and_a_withdrawal_erases_its_values() {
        let a = appeal("2026-11-25T10:00", "пенсії", AidKind::Consultation, false);
        let edited = Appeal {
            account: "Пенсію не нараховано з вересня".into(),
            outcome: "Допомогли скласти запит до ПФУ".into(),
            follow_up: Some("2026-12-01".into()),
            worker: "інший".into(),
            ..a.clone()
        };
        let next = a.corrected(&edited, "Олена Коваль", "2026-11-29T10:00:00Z").expect("changed");
        assert_eq!(next.worker, "", "only the editable fields change");
        let fields: Vec<&str> = next.history[0].fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["account", "outcome", "follow_up"]);
        assert_eq!(next.history[0].fields[0].from, "x");
        assert_eq!(a.corrected(&a, "Олена", "2026-11-29T10:00:00Z"), None, "nothing changed: no history");
        // The follow-up marked done; a new date makes it due again.
        let done = next.follow_up_marked_done("Олена Коваль", "2026-12-01T09:00:00Z").expect("done");
        assert_eq!(done.follow_up_done.as_deref(), Some("2026-12-01T09:00:00Z"));
        assert_eq!(done.history.len(), 2);
        let later = Appeal { follow_up: Some("2026-12-15".into()), ..done.clone() };
        assert_eq!(done.corrected(&later, "Олена", "2026-12-01T10:00:00Z").and_then(|x| x.follow_up_done), None);
        // Scrubbed: the values go from the history too.
        let s = done.scrubbed();
        assert!(s.history.iter().flat_map(|h| &h.fields).all(|f| f.from.is_empty() && f.to.is_empty()));
        assert_eq!(s.history.len(), 2);
        crate::domain::batch::valid::check_appeal(&Appeal { id: UUID.into(), client_id: UUID.into(), area: "пенсії".into(), worker: "О".into(), ..s })
            .expect("a scrubbed appeal with its history is valid");
    }

    const UUID: &str = "0b1e0b9e-8a3a-4c1e-9a52-3c1f1f2a0001";

    #[test]
    fn follow_ups_due_today_and_overdue_oldest_first_not_done() {
        let at = |follow: Option<&str>, done: bool| Appeal {
            follow_up: follow.map(str::to_owned),
            follow_up_done: done.then(|| "2026-11-28T10:00:00Z".to_owned()),
            ..appeal("2026-11-20T10:00", "пенсії", AidKind::Consultation, false)
        };
        let list = [
            at(Some("2026-11-29"), false),
            at(Some("2026-11-27"), false),
            at(Some("2026-11-30"), false),
            at(Some("2026-11-20"), true),
            at(None, false),
        ];
        let today = Date::parse_iso("2026-11-29").expect("date");
        let due = due_follow_ups(&list, today);
        assert_eq!(due.iter().map(|d| (d.on.iso(), d.overdue)).collect::<Vec<_>>(), vec![
            ("2026-11-27".to_owned(), true),
            ("2026-11-29".to_owned(), false)
        ]);
    }

    #[test]
    fn filters_by_dates_area_kind_and_export() {
        let a = appeal("2026-11-25T10:00", "пенсії", AidKind::Consultation, false);
        let d = |s| Date::parse_iso(s);
        assert!(AppealFilter::default().matches(&a));
        assert!(AppealFilter { from: d("2026-11-25"), to: d("2026-11-25"), ..Default::default() }.matches(&a));
        assert!(!AppealFilter { from: d("2026-11-26"), ..Default::default() }.matches(&a));
        assert!(!AppealFilter { to: d("2026-11-24"), ..Default::default() }.matches(&a));
        assert!(AppealFilter { area: "пенсії".into(), ..Default::default() }.matches(&a));
        assert!(!AppealFilter { area: "спадщина".into(), ..Default::default() }.matches(&a));
        assert!(!AppealFilter { aid: Some(AidKind::Referral), ..Default::default() }.matches(&a));
        assert!(AppealFilter { exported: Some(false), ..Default::default() }.matches(&a));
        assert!(!AppealFilter { exported: Some(true), ..Default::default() }.matches(&a));
        assert!(AppealFilter { exported: Some(true), ..Default::default() }.matches(&appeal(
            "2026-11-25T10:00",
            "пенсії",
            AidKind::Consultation,
            true
        )));
    }
}
