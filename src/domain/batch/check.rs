//! The checks an import makes before it writes anything, and what importing does to each record.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::canonical::{canonical, sha256_hex, PayloadHasher};
use super::issue::{read_text, DataIssue};
use super::valid;
use super::{count, BatchFile, CheckedFile, RecordType, BATCH_FORMAT, BATCH_VERSION};
use crate::domain::appeal::Appeal;
use crate::domain::audit::{AuditEvent, AuditProblem};
use crate::domain::checklist::Checklist;
use crate::domain::client::Client;
use crate::domain::date::Date;
use crate::domain::ids::is_uuid_v4;
use crate::domain::text::{hidden_control_at, text_longer_at};

/// What is wrong with a batch file. Nothing is written when there is any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchProblem {
    /// Not JSON at all.
    NotJson { line: usize, column: usize },
    /// The file ends too early: cut off while copying or downloading.
    Truncated,
    /// JSON, but not a Pryiom batch (or a required part is missing or of the wrong kind).
    WrongFormat { issue: DataIssue },
    /// Made by a newer (or unknown) version of the format.
    UnsupportedVersion(u32),
    /// A record's data does not match its checksum: changed after export.
    RecordChecksum { index: usize, id: String },
    /// A record's data is not a valid record of its type.
    RecordInvalid { index: usize, id: String, issue: DataIssue },
    /// A record's id is empty, too long (over [`MAX_ID_CHARS`]) or holds control characters: not shown.
    RecordIdInvalid { index: usize },
    /// The file is larger than [`super::MAX_BATCH_BYTES`]: not read.
    FileTooLarge { limit_bytes: usize },
    /// A record's data is larger than [`super::MAX_RECORD_BYTES`].
    RecordTooLarge { index: usize, id: String, limit_bytes: usize },
    /// A text in a record is longer than [`super::MAX_TEXT_CHARS`] characters: the field's path.
    TextTooLong { index: usize, id: String, field: String, limit_chars: usize },
    /// Text in a record holds a bidirectional control or NUL (printed, it could read differently from what is
    /// stored): the field's path in the record's data.
    HiddenControl { index: usize, id: String, field: String },
    /// The same for the manifest (device label, worker…).
    ManifestHiddenControl { field: String },
    /// The same record twice in one batch.
    DuplicateRecord { index: usize, id: String },
    /// The device has this record at the same revision with other data: one of the two copies was changed outside
    /// the app, and neither may silently win.
    Conflict { index: usize, id: String },
    /// The list of records does not match the manifest's checksum (a record added, removed or reordered).
    PayloadChecksum,
    /// The counts in the manifest do not match the records.
    CountsMismatch,
    /// The manifest's signature does not match it: changed after the device signed it, or not made by the device
    /// whose key it names.
    SignatureInvalid,
}

/// Reads a record's data as its type: every field the type requires, none it does not know, and the id inside the
/// data equal to the record's.
fn decode_check<T: DeserializeOwned + Serialize>(text: &str, data: &Value, id: &str) -> Result<T, DataIssue> {
    // Read from the text as the import will store it: a field written twice is refused here (the tree keeps only
    // the last), not found later as data the store cannot read.
    let value = read_text::<T>(text)?;
    match data.get("id").and_then(Value::as_str) {
        Some(x) if x == id => {}
        Some(_) => return Err(DataIssue::IdMismatch),
        None => return Err(DataIssue::Missing { field: "id".into() }),
    }
    valid::no_unknown_field(data, &value)?;
    Ok(value)
}

/// The field of an audit event a problem is about.
fn audit_issue(p: AuditProblem) -> DataIssue {
    let field = match p {
        AuditProblem::Id => "id",
        AuditProblem::At => "at",
        AuditProblem::DeviceId => "device_id",
        AuditProblem::Worker => "worker",
        AuditProblem::SlotId => "slot_id",
        AuditProblem::Subject => "subject",
    };
    DataIssue::Invalid { field: field.into() }
}

/// The longest record id read (ids the app makes are UUIDs: 36 characters).
pub const MAX_ID_CHARS: usize = 64;

/// Reads a batch file and checks everything (format, version, every record's type, rules and checksum, the payload
/// checksum, the counts and the signature) before anything may be written. `today` bounds the dates records may
/// hold (a birth date is not after it).
pub fn read_batch(text: &str, today: Date) -> Result<BatchFile, BatchProblem> {
    let mut check = BatchCheck::open(text, today)?;
    check.records(usize::MAX)?;
    let BatchFile { format, version, manifest, records } = check.finish()?;
    Ok(BatchFile { format, version, manifest, records: records.into_iter().map(|r| r.into_owned()).collect() })
}

/// The checks of [`read_batch`] a slice of records at a time, so a caller can report progress between slices.
pub struct BatchCheck<'a> {
    file: CheckedFile<'a>,
    seen: BTreeSet<(RecordType, String)>,
    payload: PayloadHasher,
    next: usize,
    today: Date,
}

impl<'a> BatchCheck<'a> {
    /// Parses the file after checking what it says it is (format and version). The records' data is borrowed from
    /// `text`, not copied.
    pub fn open(text: &'a str, today: Date) -> Result<BatchCheck<'a>, BatchProblem> {
        if text.len() > super::MAX_BATCH_BYTES {
            return Err(BatchProblem::FileTooLarge { limit_bytes: super::MAX_BATCH_BYTES });
        }
        let text = text.trim_start_matches('\u{feff}');
        // A well-formed file of this format and version is read once; anything else is read again below, to word what
        // is wrong with it (reading what it says it is first cost a whole second pass over every file).
        let file = match serde_json::from_str::<CheckedFile>(text) {
            Ok(file) if file.format == BATCH_FORMAT && file.version == BATCH_VERSION => file,
            _ => Self::read_refused(text)?,
        };
        Self::opened(file, today)
    }

    /// Reads a file that did not read as a batch of this version in one go: what it says it is first (the whole text
    /// is read, nothing of it kept), so a file of another kind or version is told as such.
    fn read_refused(text: &'a str) -> Result<CheckedFile<'a>, BatchProblem> {
        #[derive(Deserialize)]
        struct Head {
            format: Option<Value>,
            version: Option<Value>,
        }
        let head: Head = serde_json::from_str(text).map_err(|e| {
            if e.is_eof() {
                BatchProblem::Truncated
            } else if e.is_data() {
                BatchProblem::WrongFormat { issue: DataIssue::Invalid { field: String::new() } }
            } else {
                BatchProblem::NotJson { line: e.line(), column: e.column() }
            }
        })?;
        if head.format.as_ref().and_then(Value::as_str) != Some(BATCH_FORMAT) {
            return Err(BatchProblem::WrongFormat { issue: DataIssue::Invalid { field: "format".into() } });
        }
        match head.version.as_ref().and_then(Value::as_u64) {
            Some(v) if v == u64::from(BATCH_VERSION) => {}
            Some(v) => return Err(BatchProblem::UnsupportedVersion(u32::try_from(v).unwrap_or(u32::MAX))),
            None => return Err(BatchProblem::WrongFormat { issue: DataIssue::Invalid { field: "version".into() } }),
        }
        read_text(text).map_err(|issue| BatchProblem::WrongFormat { issue })
    }

    fn opened(file: CheckedFile<'a>, today: Date) -> Result<BatchCheck<'a>, BatchProblem> {
        let manifest = serde_json::to_value(&file.manifest).unwrap_or_default();
        if let Some(field) = hidden_control_at(&manifest) {
            return Err(BatchProblem::ManifestHiddenControl { field });
        }
        let m = &file.manifest;
        let wrong = |field: &str| Err(BatchProblem::WrongFormat { issue: DataIssue::Invalid { field: field.into() } });
        if !is_uuid_v4(&m.batch_id) {
            return wrong("manifest.batch_id");
        }
        if m.idempotency_key != m.batch_id {
            return wrong("manifest.idempotency_key");
        }
        if !valid::is_datetime(&m.created_at) {
            return wrong("manifest.created_at");
        }
        Ok(BatchCheck { file, seen: BTreeSet::new(), payload: PayloadHasher::new(), next: 0, today })
    }

    /// How many records the file holds.
    pub fn total(&self) -> usize {
        self.file.records.len()
    }

    /// How many records are checked so far.
    pub fn checked(&self) -> usize {
        self.next
    }

    /// Checks up to `n` more records (checksum, type, revision, no duplicate).
    pub fn records(&mut self, n: usize) -> Result<(), BatchProblem> {
        let end = self.next.saturating_add(n).min(self.file.records.len());
        for index in self.next..end {
            let r = &self.file.records[index];
            if r.id.is_empty() || r.id.chars().count() > MAX_ID_CHARS || r.id.chars().any(char::is_control) {
                return Err(BatchProblem::RecordIdInvalid { index: index + 1 });
            }
            let id = r.id.clone();
            if r.data.text().len() > super::MAX_RECORD_BYTES {
                return Err(BatchProblem::RecordTooLarge {
                    index: index + 1,
                    id,
                    limit_bytes: super::MAX_RECORD_BYTES,
                });
            }
            // One record's tree at a time.
            let tree = r.data.tree().map_err(|_| BatchProblem::RecordInvalid {
                index: index + 1,
                id: id.clone(),
                issue: DataIssue::Invalid { field: String::new() },
            })?;
            if let Some(field) = hidden_control_at(&tree) {
                return Err(BatchProblem::HiddenControl { index: index + 1, id, field });
            }
            if let Some(field) = text_longer_at(&tree, super::MAX_TEXT_CHARS) {
                let limit_chars = super::MAX_TEXT_CHARS;
                return Err(BatchProblem::TextTooLong { index: index + 1, id, field, limit_chars });
            }
            let canon = canonical(&tree);
            if sha256_hex(canon.as_bytes()) != r.sha256 {
                return Err(BatchProblem::RecordChecksum { index: index + 1, id });
            }
            self.payload.add(r, &canon);
            let today = self.today;
            let checked = match r.kind {
                RecordType::Client => {
                    decode_check::<Client>(r.data.text(), &tree, &r.id).and_then(|c| valid::check_client(&c, today))
                }
                RecordType::Appeal => {
                    decode_check::<Appeal>(r.data.text(), &tree, &r.id).and_then(|a| valid::check_appeal(&a))
                }
                RecordType::Checklist => {
                    decode_check::<Checklist>(r.data.text(), &tree, &r.id).and_then(|k| valid::check_checklist(&k))
                }
                RecordType::Audit => {
                    decode_check::<AuditEvent>(r.data.text(), &tree, &r.id).and_then(|e| e.check().map_err(audit_issue))
                }
                RecordType::Ticket => decode_check::<crate::domain::kiosk::Ticket>(r.data.text(), &tree, &r.id)
                    .and_then(|t| valid::check_ticket(&t)),
                RecordType::Feedback => decode_check::<crate::domain::kiosk::Feedback>(r.data.text(), &tree, &r.id)
                    .and_then(|f| valid::check_feedback(&f)),
            };
            if let Err(issue) = checked {
                return Err(BatchProblem::RecordInvalid { index: index + 1, id, issue });
            }
            if r.rev == 0 || r.rev > crate::storage::MAX_REV {
                let issue = DataIssue::Invalid { field: "rev".into() };
                return Err(BatchProblem::RecordInvalid { index: index + 1, id, issue });
            }
            if !valid::is_datetime(&r.updated_at) {
                let issue = DataIssue::Invalid { field: "updated_at".into() };
                return Err(BatchProblem::RecordInvalid { index: index + 1, id, issue });
            }
            if !self.seen.insert((r.kind, r.id.clone())) {
                return Err(BatchProblem::DuplicateRecord { index: index + 1, id });
            }
        }
        self.next = end;
        Ok(())
    }

    /// The checked file, once every record passed and the payload checksum and counts match.
    pub fn finish(mut self) -> Result<CheckedFile<'a>, BatchProblem> {
        if self.next < self.file.records.len() {
            self.records(usize::MAX)?;
        }
        if self.payload.finish() != self.file.manifest.payload_sha256 {
            return Err(BatchProblem::PayloadChecksum);
        }
        if count(&self.file.records) != self.file.manifest.counts {
            return Err(BatchProblem::CountsMismatch);
        }
        super::signature::verify(&self.file.manifest).map_err(|_| BatchProblem::SignatureInvalid)?;
        Ok(self.file)
    }
}

/// What importing a batch does, record by record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Not on this device: added.
    Added,
    /// A newer revision than the one here: replaces it.
    Updated,
    /// The same revision is here already.
    Unchanged,
    /// An older revision than the one here: ignored.
    Ignored,
}

pub fn fate(incoming: u64, here: Option<u64>) -> Fate {
    match here {
        None => Fate::Added,
        Some(h) if incoming > h => Fate::Updated,
        Some(h) if incoming == h => Fate::Unchanged,
        Some(_) => Fate::Ignored,
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub ignored: usize,
    /// Cards the file brought with personal data that stay withdrawn, as they are on this device.
    pub kept_withdrawn: usize,
    /// Cards the file brought again that stay merged into another, as they are on this device.
    pub kept_merged: usize,
    /// Appeals and checklists of this device moved to the card kept by a merge the file brought.
    pub moved: usize,
    /// Cards withdrawn in the file whose personal data this device then erased.
    pub withdrawn: usize,
    /// Checklists of the file not taken: their appeal has another checklist here (decided, or neither is).
    pub kept_checklist: usize,
}

impl ImportSummary {
    pub fn count(&mut self, f: Fate) {
        match f {
            Fate::Added => self.added += 1,
            Fate::Updated => self.updated += 1,
            Fate::Unchanged => self.unchanged += 1,
            Fate::Ignored => self.ignored += 1,
        }
    }
    pub fn writes(&self) -> usize {
        self.added + self.updated
    }
}
