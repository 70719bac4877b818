//! What a record must be to come in from a file: the published schema's constraints (UUID ids, ISO dates and
//! date-times, no field the app does not know) and the same card, appeal and checklist rules as when it is typed
//! (`CardForm::validate`, `AppealForm`'s rules, `Decision::check`, `IncomeForm::input`). One rule set for typing,
//! import and the centre server; a problem names its field by path and never the value.

use serde::Serialize;
use serde_json::Value;

use super::issue::DataIssue;
use crate::domain::appeal::{AidKind, Appeal, APPEAL_FIELDS};
use crate::domain::checklist::Checklist;
use crate::domain::client::{CardField, CardForm, Client, Personal, CARD_FIELDS};
use crate::domain::date::Date;
use crate::domain::eligibility::DocStatus;
use crate::domain::ids::is_uuid_v4;

fn invalid(field: &str) -> DataIssue {
    DataIssue::Invalid { field: field.to_owned() }
}

fn need(ok: bool, field: &str) -> Result<(), DataIssue> {
    if ok {
        Ok(())
    } else {
        Err(invalid(field))
    }
}

fn uuid_or_none(v: &Option<String>, field: &str) -> Result<(), DataIssue> {
    need(v.as_deref().is_none_or(is_uuid_v4), field)
}

fn two(s: &str, max: u32) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) && s.parse::<u32>().is_ok_and(|n| n <= max)
}

/// A local date and time as the app writes it: "2026-11-25T10:42", optionally with seconds (and a fraction) and a
/// zone ("Z" or "+02:00").
pub fn is_datetime(s: &str) -> bool {
    if s.len() < 16 || s.len() > 35 || !s.is_ascii() {
        return false;
    }
    let (date, rest) = s.split_at(10);
    if Date::parse_iso(date).is_none() || !rest.starts_with('T') || !two(&rest[1..3], 23) || &rest[3..4] != ":" {
        return false;
    }
    if !two(&rest[4..6], 59) {
        return false;
    }
    let mut rest = &rest[6..];
    if let Some(r) = rest.strip_prefix(':') {
        if r.len() < 2 || !two(&r[..2], 59) {
            return false;
        }
        rest = &r[2..];
        if let Some(r) = rest.strip_prefix('.') {
            let n = r.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 || n > 9 {
                return false;
            }
            rest = &r[n..];
        }
    }
    match rest {
        "" | "Z" => true,
        zone => {
            let b = zone.as_bytes();
            b.len() == 6
                && (b[0] == b'+' || b[0] == b'-')
                && two(&zone[1..3], 23)
                && b[3] == b':'
                && two(&zone[4..6], 59)
        }
    }
}

fn datetime(s: &str, field: &str) -> Result<(), DataIssue> {
    need(is_datetime(s), field)
}

fn date_or_none(v: &Option<String>, field: &str) -> Result<(), DataIssue> {
    need(v.as_deref().is_none_or(|d| Date::parse_iso(d).is_some()), field)
}

/// A value that holds nothing: a field the app does not write when it is empty.
fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Number(_) => false,
    }
}

/// The path of the first field in `data` that the record, read as the app's type and written back (`known`), does
/// not have: data the app would silently drop.
pub fn unknown_field(data: &Value, known: &Value) -> Option<String> {
    // The path is made on the way back from the field found, never for the fields that are known (making it for
    // each one took more time than the walk).
    fn under(head: String, rest: String) -> String {
        if rest.is_empty() || rest.starts_with('[') {
            head + &rest
        } else {
            head + "." + &rest
        }
    }
    fn walk(data: &Value, known: &Value) -> Option<String> {
        match (data, known) {
            (Value::Object(d), Value::Object(k)) => d.iter().find_map(|(key, v)| match k.get(key) {
                Some(kv) => walk(v, kv).map(|rest| under(key.clone(), rest)),
                None if is_empty_value(v) => None,
                None => Some(key.clone()),
            }),
            (Value::Array(d), Value::Array(k)) => d
                .iter()
                .zip(k)
                .enumerate()
                .find_map(|(i, (v, kv))| walk(v, kv).map(|rest| under(format!("[{i}]"), rest))),
            _ => None,
        }
    }
    walk(data, known)
}

/// [`unknown_field`] for a decoded record.
pub fn no_unknown_field<T: Serialize>(data: &Value, record: &T) -> Result<(), DataIssue> {
    let known = serde_json::to_value(record).map_err(|_| invalid(""))?;
    match unknown_field(data, &known) {
        Some(field) => Err(DataIssue::Unknown { field }),
        None => Ok(()),
    }
}

fn card_field(f: CardField) -> &'static str {
    match f {
        CardField::Surname => "personal.surname",
        CardField::GivenName => "personal.given_name",
        CardField::BirthDate => "personal.birth_date",
        CardField::Phones => "personal.phones",
        CardField::Email => "personal.email",
        CardField::Address => "personal.address",
        CardField::Document => "personal.document_number",
        CardField::NoDocumentsReason => "personal.no_documents_reason",
        CardField::TaxNumber => "personal.tax_number",
    }
}

/// A registration card: the schema's ids and times, a consent record, and personal data that the card form would
/// accept as typed and would write exactly so (tidy text, phones as +380…, an ISO birth date not after `today`).
pub fn check_client(c: &Client, today: Date) -> Result<(), DataIssue> {
    need(is_uuid_v4(&c.id), "id")?;
    datetime(&c.created_at, "created_at")?;
    let k = &c.consent;
    need(!k.text_version.trim().is_empty(), "consent.text_version")?;
    need(!k.text_lang.trim().is_empty(), "consent.text_lang")?;
    datetime(&k.given_at, "consent.given_at")?;
    need(!k.taken_by.trim().is_empty(), "consent.taken_by")?;
    need(k.withdrawn_at.as_deref().is_none_or(is_datetime), "consent.withdrawn_at")?;
    need(c.purged_at.as_deref().is_none_or(is_datetime), "purged_at")?;
    // Corrections: when, by whom, fields of the card, each changed; values only while the card holds personal data.
    for (i, change) in c.history.iter().enumerate() {
        datetime(&change.at, &format!("history.{i}.at"))?;
        need(!change.by.trim().is_empty(), &format!("history.{i}.by"))?;
        // A merge may take no value from the merged card; a correction changes at least one field.
        need(!change.fields.is_empty() || change.merged_from.is_some(), &format!("history.{i}.fields"))?;
        need(change.merged_from.as_deref().is_none_or(is_uuid_v4), &format!("history.{i}.merged_from"))?;
        for f in &change.fields {
            need(CARD_FIELDS.contains(&f.field.as_str()), &format!("history.{i}.fields"))?;
            let erased = f.from.is_empty() && f.to.is_empty();
            need(if c.personal.is_some() { f.from != f.to } else { erased }, &format!("history.{i}.fields"))?;
        }
    }
    // Merged into another card: a tombstone naming it, with nothing personal.
    if let Some(m) = &c.merged_into {
        need(is_uuid_v4(&m.id) && m.id != c.id, "merged_into.id")?;
        datetime(&m.at, "merged_into.at")?;
        need(!m.by.trim().is_empty(), "merged_into.by")?;
    }
    match &c.personal {
        // Withdrawn, purged or merged: nothing personal left, and a card with nothing personal must be one of those.
        Some(_) if k.withdrawn_at.is_some() || c.merged_into.is_some() => Err(invalid("personal")),
        None if k.withdrawn_at.is_none() && c.purged_at.is_none() && c.merged_into.is_none() => {
            Err(invalid("personal"))
        }
        None => Ok(()),
        Some(p) => {
            let tidy = CardForm::from_personal(p)
                .validate(today)
                .map_err(|problems| invalid(problems.first().map(|(f, _)| card_field(*f)).unwrap_or("personal")))?;
            uuid_or_none(&p.representative_id, "personal.representative_id")?;
            // A card made before the reasons for no РНОКПП says only "refused": the form now writes the reason too.
            let as_now = Personal { no_tax_number: p.no_tax_reason(), ..p.clone() };
            if tidy == as_now {
                return Ok(());
            }
            // Valid, but not as the form writes it: name the first field that differs.
            let (a, b) =
                (serde_json::to_value(&as_now).unwrap_or_default(), serde_json::to_value(&tidy).unwrap_or_default());
            let (a, b) = (a.as_object().cloned().unwrap_or_default(), b.as_object().cloned().unwrap_or_default());
            let field = a.keys().chain(b.keys()).find(|key| a.get(*key) != b.get(*key)).cloned().unwrap_or_default();
            Err(invalid(&format!("personal.{field}")))
        }
    }
}

/// An appeal: ids, the date and time it was received ("2026-11-25T10:42"), its area, a follow-up date, and a
/// referral exactly when the aid is a referral, to an organisation with what a slip needs. The account may be
/// empty: it is erased after a withdrawal or once the centre has the appeal.
pub fn check_appeal(a: &Appeal) -> Result<(), DataIssue> {
    need(is_uuid_v4(&a.id), "id")?;
    need(is_uuid_v4(&a.client_id), "client_id")?;
    need(a.received_at.len() == 16 && is_datetime(&a.received_at), "received_at")?;
    need(!a.area.trim().is_empty(), "area")?;
    need(!a.worker.trim().is_empty(), "worker")?;
    date_or_none(&a.follow_up, "follow_up")?;
    uuid_or_none(&a.exported_in, "exported_in")?;
    need(a.follow_up_done.as_deref().is_none_or(is_datetime), "follow_up_done")?;
    // Corrections: when, by whom, fields of the appeal, each changed; no values once the account is erased.
    for (i, change) in a.history.iter().enumerate() {
        datetime(&change.at, &format!("history.{i}.at"))?;
        need(!change.by.trim().is_empty(), &format!("history.{i}.by"))?;
        need(!change.fields.is_empty() && change.merged_from.is_none(), &format!("history.{i}.fields"))?;
        for f in &change.fields {
            need(APPEAL_FIELDS.contains(&f.field.as_str()), &format!("history.{i}.fields"))?;
            let erased = f.from.is_empty() && f.to.is_empty();
            need(if a.account.is_empty() { erased } else { f.from != f.to }, &format!("history.{i}.fields"))?;
        }
    }
    match (&a.referral, a.aid == AidKind::Referral) {
        (Some(r), true) => need(r.organisation.missing().is_empty(), "referral.organisation"),
        (None, false) => Ok(()),
        _ => Err(invalid("referral")),
    }
}

/// A БВПД checklist: ids, an ISO assessment date, application dates, amounts the income form reads, and a
/// decision the decision form would record.
pub fn check_checklist(k: &Checklist) -> Result<(), DataIssue> {
    need(is_uuid_v4(&k.id), "id")?;
    need(is_uuid_v4(&k.appeal_id), "appeal_id")?;
    need(is_uuid_v4(&k.client_id), "client_id")?;
    need(Date::parse_iso(&k.on).is_some(), "on")?;
    let short = |s: &String| !s.trim().is_empty() && s.chars().count() <= 64;
    need(k.categories.iter().all(short), "categories")?;
    let status_ok = |s: &DocStatus| match s {
        DocStatus::WillBring(d) => Date::parse_iso(d).is_some(),
        _ => true,
    };
    need(
        k.documents.iter().all(|(c, docs)| short(c) && docs.iter().all(|(d, s)| short(d) && status_ok(s))),
        "documents",
    )?;
    need(k.income.input().is_ok(), "income")?;
    date_or_none(&k.application.accepted_on, "application.accepted_on")?;
    date_or_none(&k.application.returned_on, "application.returned_on")?;
    need(k.decision.as_ref().is_none_or(|d| d.check().is_ok()), "decision")?;
    let grant_ok = |g: &crate::domain::checklist::GrantElsewhere| {
        Date::parse_iso(&g.on).is_some() && short(&g.category) && !g.source.trim().is_empty()
    };
    need(k.grants_elsewhere.iter().all(grant_ok), "grants_elsewhere")?;
    uuid_or_none(&k.exported_in, "exported_in")
}

/// Text sealed with age for the device and the centre (base64 of an age file): what a kiosk visitor gave is never
/// in a batch readable.
fn sealed(v: &Option<String>, field: &str) -> Result<(), DataIssue> {
    let ok = |t: &String| crate::crypto::from_b64(t).is_ok_and(|b| b.starts_with(b"age-encryption.org/v1\n"));
    need(v.as_ref().is_none_or(ok), field)
}

/// A kiosk's queue ticket: id, day and number, when issued, an area, its state's times and room; the visitor's name
/// and phone only sealed.
pub fn check_ticket(t: &crate::domain::kiosk::Ticket) -> Result<(), DataIssue> {
    use crate::domain::kiosk::TicketState;
    need(is_uuid_v4(&t.id), "id")?;
    need(Date::parse_iso(&t.day).is_some(), "day")?;
    need((1..=9999).contains(&t.number), "number")?;
    datetime(&t.issued_at, "issued_at")?;
    need(!t.area.trim().is_empty() || t.area.is_empty(), "area")?;
    need(t.area.chars().count() <= 200, "area")?;
    let mut needs = t.needs.clone();
    needs.dedup();
    need(needs.len() == t.needs.len(), "needs")?;
    sealed(&t.visitor, "visitor")?;
    match &t.state {
        TicketState::Waiting => Ok(()),
        TicketState::Called { at, desk } => {
            datetime(at, "state.at")?;
            need(!desk.trim().is_empty() && desk.chars().count() <= 200, "state.desk")
        }
        TicketState::Served { called_at, at } => {
            datetime(called_at, "state.called_at")?;
            datetime(at, "state.at")
        }
        TicketState::Left { at } => datetime(at, "state.at"),
    }
}

/// A visitor's anonymous feedback: id, day, each question answered at most once with 1–5, the comment only sealed.
pub fn check_feedback(f: &crate::domain::kiosk::Feedback) -> Result<(), DataIssue> {
    need(is_uuid_v4(&f.id), "id")?;
    need(Date::parse_iso(&f.day).is_some(), "day")?;
    need(f.answers.iter().all(|(_, v)| (1..=5).contains(v)), "answers")?;
    need(crate::domain::kiosk::answers(&f.answers).len() == f.answers.len(), "answers")?;
    need(!f.answers.is_empty() || f.comment.is_some(), "answers")?;
    sealed(&f.comment, "comment")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn date_times() {
        for ok in ["2026-11-25T10:42", "2026-11-25T10:42:05Z", "2026-11-25T10:42:05.123Z", "2026-11-25T23:59:59+02:00"]
        {
            assert!(is_datetime(ok), "{ok}");
        }
        for bad in [
            "позавчора",
            "2026-11-25",
            "2026-13-25T10:42",
            "2026-02-30T10:42",
            "2026-11-25T24:00",
            "2026-11-25 10:42",
            "2026-11-25T10:42:5",
            "2026-11-25T10:42:05.Z",
            "2026-11-25T10:42Zjunk",
            "2026-11-25T10:42+2",
        ] {
            assert!(!is_datetime(bad), "{bad}");
        }
    }

    #[test]
    fn unknown_fields_are_named_and_empty_ones_let_be() {
        let known = json!({"id": "x", "personal": {"surname": "Коваль"}, "list": [{"a": 1}]});
        assert_eq!(unknown_field(&json!({"id": "x", "extra": "дані"}), &known), Some("extra".into()));
        assert_eq!(unknown_field(&json!({"personal": {"surname": "К", "x": 1}}), &known), Some("personal.x".into()));
        assert_eq!(unknown_field(&json!({"list": [{"a": 1, "b": [1]}]}), &known), Some("list[0].b".into()));
        assert_eq!(unknown_field(&json!({"id": "x", "purged_at": null, "note": ""}), &known), None);
    }
}
