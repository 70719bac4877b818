//! The audit trail: who did what on this device, and when. One event per act (unlock, failed unlock, lock, opening a
//! client's card, print, export, import, purge, withdrawal, passphrase and worker changes, rules and directory
//! installs). An event names the worker of the unlocked slot (staff, who must answer for the data) and, for acts on a
//! record, that record's id: never a client's name or any other personal field. Events are kept sealed like every
//! personal record and travel in export batches (record type `audit`), so the centre sees the trail too.

use serde::{Deserialize, Serialize};

use super::ids::is_uuid_v4;
use crate::storage::{Collection, Record};

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// Protection set up: the first passphrase and the recovery code.
    SetUp,
    Unlock,
    /// Unlocked with the recovery code (and a new passphrase set).
    UnlockRecovery,
    /// A wrong passphrase or recovery code (recorded at the next unlock: while locked nothing can be sealed).
    UnlockFailed,
    /// Locked with the button.
    Lock,
    /// Locked after the idle period (or on return after the page was hidden that long).
    LockIdle,
    /// A client's card opened.
    OpenClient,
    /// A slip or list printed (subject: the client, when it is one client's slip).
    Print,
    /// A batch made (subject: the batch; count: its records).
    Export,
    /// A batch file saved again from the batch list.
    SaveAgain,
    /// A batch imported (subject: the batch; count: records added or updated).
    Import,
    /// Personal data of a confirmed batch purged (subject: the batch; count: records).
    Purge,
    /// A batch confirmed as received by the centre.
    Uploaded,
    /// Consent withdrawn (subject: the client).
    Withdrawal,
    PassphraseChanged,
    /// A worker added (subject: their key slot).
    WorkerAdded,
    /// A worker removed (subject: their key slot).
    WorkerRemoved,
    /// The centre's keys for sealed exports changed (count: how many are set).
    CentreKeysChanged,
    RulesInstalled,
    /// The installed rules removed: the rules shipped with the app apply again.
    RulesRemoved,
    DirectoryInstalled,
    /// A client's card corrected (subject: the client; count: fields changed).
    CardCorrected,
    /// Two cards merged (subject: the card kept; count: records moved to it).
    CardsMerged,
    /// An appeal corrected or its follow-up marked done (subject: the appeal).
    AppealCorrected,
    /// The device set up as the waiting room's kiosk, or its settings changed while on.
    KioskOn,
    KioskOff,
    /// The device enrolled with the centre server (uploads go there from now on).
    Enrolled,
}

impl AuditAction {
    pub const ALL: [AuditAction; 27] = [
        AuditAction::SetUp,
        AuditAction::Unlock,
        AuditAction::UnlockRecovery,
        AuditAction::UnlockFailed,
        AuditAction::Lock,
        AuditAction::LockIdle,
        AuditAction::OpenClient,
        AuditAction::Print,
        AuditAction::Export,
        AuditAction::SaveAgain,
        AuditAction::Import,
        AuditAction::Purge,
        AuditAction::Uploaded,
        AuditAction::Withdrawal,
        AuditAction::PassphraseChanged,
        AuditAction::WorkerAdded,
        AuditAction::WorkerRemoved,
        AuditAction::CentreKeysChanged,
        AuditAction::RulesInstalled,
        AuditAction::RulesRemoved,
        AuditAction::DirectoryInstalled,
        AuditAction::CardCorrected,
        AuditAction::CardsMerged,
        AuditAction::AppealCorrected,
        AuditAction::KioskOn,
        AuditAction::KioskOff,
        AuditAction::Enrolled,
    ];

    /// The name used in files (snake case), e.g. `open_client`.
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::SetUp => "set_up",
            AuditAction::Unlock => "unlock",
            AuditAction::UnlockRecovery => "unlock_recovery",
            AuditAction::UnlockFailed => "unlock_failed",
            AuditAction::Lock => "lock",
            AuditAction::LockIdle => "lock_idle",
            AuditAction::OpenClient => "open_client",
            AuditAction::Print => "print",
            AuditAction::Export => "export",
            AuditAction::SaveAgain => "save_again",
            AuditAction::Import => "import",
            AuditAction::Purge => "purge",
            AuditAction::Uploaded => "uploaded",
            AuditAction::Withdrawal => "withdrawal",
            AuditAction::PassphraseChanged => "passphrase_changed",
            AuditAction::WorkerAdded => "worker_added",
            AuditAction::WorkerRemoved => "worker_removed",
            AuditAction::CentreKeysChanged => "centre_keys_changed",
            AuditAction::RulesInstalled => "rules_installed",
            AuditAction::RulesRemoved => "rules_removed",
            AuditAction::DirectoryInstalled => "directory_installed",
            AuditAction::CardCorrected => "card_corrected",
            AuditAction::CardsMerged => "cards_merged",
            AuditAction::AppealCorrected => "appeal_corrected",
            AuditAction::KioskOn => "kiosk_on",
            AuditAction::KioskOff => "kiosk_off",
            AuditAction::Enrolled => "enrolled",
        }
    }
}

/// Longest worker name an event carries, in characters (as a device's worker names).
pub const MAX_WORKER_CHARS: usize = super::device::MAX_NAME_CHARS;

/// One event of the trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEvent {
    /// UUID v4.
    pub id: String,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// The device it happened on (its settings' `device_id`).
    pub device_id: String,
    /// The worker of the key slot that was unlocked (for a failed unlock: the slot tried); empty when none.
    pub worker: String,
    /// That key slot's id (a UUID), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot_id: Option<String>,
    pub action: AuditAction,
    /// The record acted on, by id (a client, a batch, a key slot): a UUID, never a name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// How many records (an export, an import, a purge), when it says something.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

impl Record for AuditEvent {
    const COLLECTION: Collection = Collection::Audit;
    fn id(&self) -> &str {
        &self.id
    }
}

/// Why an event is not a valid one (an imported file could carry anything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditProblem {
    Id,
    At,
    DeviceId,
    Worker,
    SlotId,
    Subject,
}

impl AuditEvent {
    /// The rules every event meets, made here or imported: ids are UUIDs (so no free text, and no personal data, can
    /// ride in them), the time is an RFC 3339 date-time, the worker's name is short and has no control characters.
    pub fn check(&self) -> Result<(), AuditProblem> {
        if !is_uuid_v4(&self.id) {
            return Err(AuditProblem::Id);
        }
        if !is_datetime(&self.at) {
            return Err(AuditProblem::At);
        }
        if !is_uuid_v4(&self.device_id) {
            return Err(AuditProblem::DeviceId);
        }
        if self.worker.chars().count() > MAX_WORKER_CHARS || self.worker.chars().any(char::is_control) {
            return Err(AuditProblem::Worker);
        }
        if self.slot_id.as_deref().is_some_and(|s| !is_uuid_v4(s)) {
            return Err(AuditProblem::SlotId);
        }
        if self.subject.as_deref().is_some_and(|s| !is_uuid_v4(s)) {
            return Err(AuditProblem::Subject);
        }
        Ok(())
    }
}

/// `YYYY-MM-DDTHH:MM:SS…` with digits where digits go.
fn is_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 19
        && b.len() <= 40
        && b.iter().take(19).enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
        && s.is_ascii()
}

/// Which events a view of the trail shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    /// A worker's name, exactly.
    pub worker: Option<String>,
    /// Events on this day or later (ISO date).
    pub from: Option<String>,
    /// Events on this day or earlier (ISO date).
    pub to: Option<String>,
}

impl AuditFilter {
    pub fn keeps(&self, e: &AuditEvent) -> bool {
        let day = e.at.get(0..10).unwrap_or("");
        self.action.is_none_or(|a| a == e.action)
            && self.worker.as_deref().is_none_or(|w| w == e.worker)
            && self.from.as_deref().is_none_or(|f| day >= f)
            && self.to.as_deref().is_none_or(|t| day <= t)
    }
}

/// The events `filter` keeps, newest first.
pub fn newest_first<'a>(events: &'a [AuditEvent], filter: &AuditFilter) -> Vec<&'a AuditEvent> {
    let mut out: Vec<&AuditEvent> = events.iter().filter(|e| filter.keeps(e)).collect();
    out.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.id.cmp(&a.id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEVICE: &str = "0f0e0d0c-0b0a-4909-8807-060504030201";

    fn event(action: AuditAction, at: &str, worker: &str) -> AuditEvent {
        AuditEvent {
            id: crate::domain::ids::uuid_v4([at.len() as u8; 16]),
            at: at.into(),
            device_id: DEVICE.into(),
            worker: worker.into(),
            slot_id: None,
            action,
            subject: None,
            count: None,
        }
    }

    #[test]
    fn codes_are_the_serialised_names() {
        for a in AuditAction::ALL {
            assert_eq!(serde_json::to_value(a).unwrap(), serde_json::Value::String(a.code().into()));
        }
    }

    #[test]
    fn an_event_holds_ids_not_text() {
        let mut e = event(AuditAction::OpenClient, "2026-11-28T10:00:00Z", "Олена Коваль");
        e.subject = Some("11111111-2222-4333-8444-555555555555".into());
        assert_eq!(e.check(), Ok(()));
        e.subject = Some("Шевченко Тарас".into());
        assert_eq!(e.check(), Err(AuditProblem::Subject));
        e.subject = None;
        e.slot_id = Some("worker-1".into());
        assert_eq!(e.check(), Err(AuditProblem::SlotId));
        e.slot_id = None;
        e.worker = "x".repeat(81);
        assert_eq!(e.check(), Err(AuditProblem::Worker));
        e.worker = "a\u{0}b".into();
        assert_eq!(e.check(), Err(AuditProblem::Worker));
        e.worker = String::new();
        e.at = "позавчора".into();
        assert_eq!(e.check(), Err(AuditProblem::At));
        e.at = "2026-11-28T10:00:00Z".into();
        e.device_id = "tablet".into();
        assert_eq!(e.check(), Err(AuditProblem::DeviceId));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let e = event(AuditAction::Lock, "2026-11-28T10:00:00Z", "Олена");
        let mut v = serde_json::to_value(&e).unwrap();
        v["note"] = "Шевченко".into();
        assert!(serde_json::from_value::<AuditEvent>(v).is_err());
    }

    #[test]
    fn the_filter_keeps_by_action_worker_and_days_newest_first() {
        let events = vec![
            event(AuditAction::Unlock, "2026-11-27T09:00:00Z", "Олена"),
            event(AuditAction::Lock, "2026-11-28T09:00:00.5Z", "Олена"),
            event(AuditAction::Unlock, "2026-11-28T10:00:00.25Z", "Петро"),
        ];
        let all = newest_first(&events, &AuditFilter::default());
        assert_eq!(all.iter().map(|e| e.worker.as_str()).collect::<Vec<_>>(), ["Петро", "Олена", "Олена"]);
        let f = AuditFilter { action: Some(AuditAction::Unlock), ..Default::default() };
        assert_eq!(newest_first(&events, &f).len(), 2);
        let f =
            AuditFilter { worker: Some("Олена".into()), from: Some("2026-11-28".into()), ..Default::default() };
        assert_eq!(newest_first(&events, &f).len(), 1);
        let f = AuditFilter { to: Some("2026-11-27".into()), ..Default::default() };
        assert_eq!(newest_first(&events, &f)[0].action, AuditAction::Unlock);
    }
}
