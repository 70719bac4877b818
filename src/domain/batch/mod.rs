//! Export batches: one file a centre uploads later (format `pryiom-batch`, version 1; JSON Schema in
//! `schema/pryiom-batch-1.schema.json`), the CSV tables derived from it, and the checks an import makes before it
//! writes anything.
//!
//! Integrity: every record carries the SHA-256 of its `data` in canonical JSON (object keys sorted, no whitespace,
//! non-ASCII as is: what Python's `json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
//! gives); the manifest carries the SHA-256 of the canonical `records` array and of each CSV table. Every record has
//! a stable id (UUID v4, unique across devices) and a revision, so a receiver de-duplicates and applies updates in
//! order. The batch id doubles as the idempotency key of a later HTTP upload.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

pub const BATCH_FORMAT: &str = "pryiom-batch";
/// The largest batch file read (128 MiB); a larger one is refused before it is parsed. Above what the app itself can
/// keep as one batch (its text is one IndexedDB value, which Chromium caps at about 127 MiB of UTF-16: some 26,000
/// clients with their appeals), so no batch the app made is ever refused.
pub const MAX_BATCH_BYTES: usize = 128 << 20;
/// The largest record's data in a batch (256 KiB; a checklist with the rules it was decided on is about 25 KiB).
pub const MAX_RECORD_BYTES: usize = 256 << 10;
/// The longest text in a record, in characters: the longest field the app takes (an appeal's account).
pub const MAX_TEXT_CHARS: usize = 5000;
pub const BATCH_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordType {
    Client,
    Appeal,
    Checklist,
    /// An event of the device's audit trail ([`crate::domain::audit::AuditEvent`]): ids and a worker's name, nothing
    /// personal.
    Audit,
    /// A kiosk's queue ticket ([`crate::domain::kiosk::Ticket`]): what the visitor gave is sealed to the centre's key.
    Ticket,
    /// A visitor's anonymous feedback from the kiosk ([`crate::domain::kiosk::Feedback`]); its comment sealed.
    Feedback,
}

impl RecordType {
    pub const ALL: [RecordType; 6] = [
        RecordType::Client,
        RecordType::Appeal,
        RecordType::Checklist,
        RecordType::Audit,
        RecordType::Ticket,
        RecordType::Feedback,
    ];
    /// The types that hold a client's records (what "not exported yet" counts; the trail rides along with them).
    pub const RECORDS: [RecordType; 3] = [RecordType::Client, RecordType::Appeal, RecordType::Checklist];
    pub fn code(self) -> &'static str {
        match self {
            RecordType::Client => "client",
            RecordType::Appeal => "appeal",
            RecordType::Checklist => "checklist",
            RecordType::Audit => "audit",
            RecordType::Ticket => "ticket",
            RecordType::Feedback => "feedback",
        }
    }
}

/// Which records a batch takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", deny_unknown_fields)]
pub enum Selection {
    /// Every record whose current revision no batch has carried yet (the default: nothing is left behind).
    NotExported,
    /// Records changed since the last batch was made (`since`, ISO date-time).
    SinceLastBatch { since: String },
    /// Records last changed within these dates (ISO, inclusive).
    Range { from: String, to: String },
}

impl Selection {
    /// Whether a record (current revision `rev`, changed at `updated_at`, last exported at revision `exported`)
    /// belongs in the batch.
    pub fn takes(&self, rev: u64, updated_at: &str, exported: Option<u64>) -> bool {
        match self {
            Selection::NotExported => exported.is_none_or(|e| rev > e),
            Selection::SinceLastBatch { since } => updated_at > since.as_str(),
            Selection::Range { from, to } => {
                let day = updated_at.get(0..10).unwrap_or("");
                day >= from.as_str() && day <= to.as_str()
            }
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    pub clients: usize,
    pub appeals: usize,
    pub checklists: usize,
    /// Clients whose consent record is in the batch (every client card carries one).
    pub consents: usize,
    /// Appeals with a referral.
    pub referrals: usize,
    /// Events of the audit trail (absent in files made before the trail existed: 0).
    #[serde(default)]
    pub audit: usize,
    /// Kiosk queue tickets and feedback (left out when none, as in files made before the kiosk).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tickets: usize,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub feedback: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub batch_id: String,
    /// The key a later HTTP upload sends, so a repeated upload is recognised (the batch id itself).
    pub idempotency_key: String,
    pub device_id: String,
    pub device_label: String,
    pub worker: String,
    pub created_at: String,
    pub app_version: String,
    pub rules_version: String,
    pub selection: Selection,
    pub counts: Counts,
    /// SHA-256 (hex) of the canonical JSON of `records`.
    pub payload_sha256: String,
    /// SHA-256 (hex) of each CSV table derived from this batch, by file name.
    pub csv_sha256: BTreeMap<String, String>,
    /// The device's signature over the rest of the manifest (see `signature.rs`); absent in files made before
    /// batches were signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<ManifestSignature>,
}

/// A record's data as JSON text, kept as text (not as a tree) while a batch is made or checked: a batch of tens of
/// thousands of records then costs its size in memory, not many times that. Made here, it is canonical JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Data(Box<RawValue>);

impl Data {
    pub fn text(&self) -> &str {
        self.0.get()
    }
    /// The data as a tree, for one record at a time.
    pub fn tree(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }
    fn canonical_of(v: &Value) -> Data {
        // Canonical JSON text is valid JSON: this cannot fail.
        Data(RawValue::from_string(canonical(v)).unwrap_or_else(|_| Box::<RawValue>::default()))
    }
}

impl PartialEq for Data {
    fn eq(&self, other: &Data) -> bool {
        self.0.get() == other.0.get()
    }
}

/// A record's data as JSON text borrowed from the file's text ([`CheckedFile`]): what an import checks holds the file
/// once, not its records' data a second time.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DataRef<'a>(#[serde(borrow)] &'a RawValue);

impl<'a> DataRef<'a> {
    pub fn text(&self) -> &'a str {
        self.0.get()
    }
    /// The data as a tree, for one record at a time.
    pub fn tree(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }
    /// The same data, owned.
    pub fn to_owned_data(self) -> Data {
        Data(self.0.to_owned())
    }
}

impl PartialEq for DataRef<'_> {
    fn eq(&self, other: &DataRef<'_>) -> bool {
        self.0.get() == other.0.get()
    }
}

/// The JSON text of a record's data, owned ([`Data`]) or borrowed from the file's text ([`DataRef`]).
pub trait RecordData {
    fn json(&self) -> &str;
}

impl RecordData for Data {
    fn json(&self) -> &str {
        self.text()
    }
}

impl RecordData for DataRef<'_> {
    fn json(&self) -> &str {
        self.text()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchRecord<D = Data> {
    #[serde(rename = "type")]
    pub kind: RecordType,
    pub id: String,
    pub rev: u64,
    pub updated_at: String,
    /// SHA-256 (hex) of the canonical JSON of `data`.
    pub sha256: String,
    pub data: D,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchFile<R = BatchRecord> {
    pub format: String,
    pub version: u32,
    pub manifest: Manifest,
    pub records: Vec<R>,
}

/// A batch file as an import checks it: its records' data borrowed from the file's text.
pub type CheckedFile<'a> = BatchFile<CheckedRecord<'a>>;
/// A record of a [`CheckedFile`].
pub type CheckedRecord<'a> = BatchRecord<DataRef<'a>>;

impl CheckedRecord<'_> {
    /// The same record, its data copied.
    pub fn into_owned(self) -> BatchRecord {
        let BatchRecord { kind, id, rev, updated_at, sha256, data } = self;
        BatchRecord { kind, id, rev, updated_at, sha256, data: data.to_owned_data() }
    }
}

/// A record as stored on the device (its domain value as JSON), to put in a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub kind: RecordType,
    pub id: String,
    pub rev: u64,
    pub updated_at: String,
    pub data: Value,
}

/// Who and what made the batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub batch_id: String,
    pub device_id: String,
    pub device_label: String,
    pub worker: String,
    pub created_at: String,
    pub app_version: String,
    pub rules_version: String,
}

/// One record of a batch, with its checksum (the costly part of making a batch: done record by record).
pub fn record_of(s: Source) -> BatchRecord {
    let data = Data::canonical_of(&s.data);
    BatchRecord {
        kind: s.kind,
        id: s.id,
        rev: s.rev,
        updated_at: s.updated_at,
        sha256: sha256_hex(data.text().as_bytes()),
        data,
    }
}

/// Whether an appeal's data has a referral (read without building the whole tree).
fn has_referral(data: &str) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(default)]
        referral: Option<serde::de::IgnoredAny>,
    }
    serde_json::from_str::<Probe>(data).is_ok_and(|p| p.referral.is_some())
}

fn count<D: RecordData>(records: &[BatchRecord<D>]) -> Counts {
    let mut counts = Counts::default();
    for r in records {
        match r.kind {
            RecordType::Client => {
                counts.clients += 1;
                counts.consents += 1;
            }
            RecordType::Appeal => {
                counts.appeals += 1;
                if has_referral(r.data.json()) {
                    counts.referrals += 1;
                }
            }
            RecordType::Checklist => counts.checklists += 1,
            RecordType::Audit => counts.audit += 1,
            RecordType::Ticket => counts.tickets += 1,
            RecordType::Feedback => counts.feedback += 1,
        }
    }
    counts
}

/// A batch file made a record at a time, as an export makes it: each record's JSON goes into the file's text as it
/// comes, and into the payload's checksum, its row into its CSV table's checksum, its type into the counts; the record
/// itself is then let go. What is held is the text growing, not every record besides (nor every CSV table at once).
/// The text is the same as `serde_json::to_string` of the [`BatchFile`] (a unit test compares them).
pub struct Assembly {
    batch_id: String,
    /// The `records` array's text so far, without its brackets.
    records: String,
    payload: PayloadHasher,
    /// Per record type ([`RecordType::ALL`] order): its CSV table's checksum so far.
    csv: Vec<(RecordType, sha2::Sha256)>,
    row: String,
    counts: Counts,
    entries: Vec<ledger::Entry>,
}

impl Assembly {
    /// A file of batch `batch_id`, its text's room made for about `bytes` of records.
    pub fn new(batch_id: &str, bytes: usize) -> Assembly {
        use sha2::Digest;
        let csv = RecordType::ALL
            .into_iter()
            .map(|kind| {
                let mut head = String::new();
                csv::csv_head(kind, &mut head);
                let mut hasher = sha2::Sha256::new();
                hasher.update(head.as_bytes());
                (kind, hasher)
            })
            .collect();
        Assembly {
            batch_id: batch_id.to_owned(),
            records: String::with_capacity(bytes),
            payload: PayloadHasher::new(),
            csv,
            row: String::new(),
            counts: Counts::default(),
            entries: Vec::new(),
        }
    }

    /// Adds a stored record (its data as a tree), after those added before.
    pub fn add(&mut self, s: Source) -> Result<(), serde_json::Error> {
        let Source { kind, id, rev, updated_at, data: tree } = s;
        let data = Data::canonical_of(&tree);
        let sha256 = sha256_hex(data.text().as_bytes());
        let r = BatchRecord { kind, id, rev, updated_at, sha256, data };
        self.add_record(&r, tree)
    }

    /// Adds a batch record, `tree` its data as a tree.
    pub fn add_record(&mut self, r: &BatchRecord, tree: Value) -> Result<(), serde_json::Error> {
        use sha2::Digest;
        if !self.records.is_empty() {
            self.records.push(',');
        }
        self.records.push_str(&serde_json::to_string(r)?);
        self.payload.add(r, r.data.text());
        match r.kind {
            RecordType::Client => {
                self.counts.clients += 1;
                self.counts.consents += 1;
            }
            RecordType::Appeal => {
                self.counts.appeals += 1;
                if tree.get("referral").is_some_and(|v| !v.is_null()) {
                    self.counts.referrals += 1;
                }
            }
            RecordType::Checklist => self.counts.checklists += 1,
            RecordType::Audit => self.counts.audit += 1,
            RecordType::Ticket => self.counts.tickets += 1,
            RecordType::Feedback => self.counts.feedback += 1,
        }
        self.row.clear();
        let row = CsvRow { batch_id: &self.batch_id, id: &r.id, rev: r.rev, updated_at: &r.updated_at, data: tree };
        csv::csv_row(r.kind, &row, &mut self.row);
        if let Some((_, hasher)) = self.csv.iter_mut().find(|(k, _)| *k == r.kind) {
            hasher.update(self.row.as_bytes());
        }
        self.entries.push(ledger::Entry { kind: r.kind, id: r.id.clone(), rev: r.rev });
        Ok(())
    }

    /// The file's manifest (signed with `signer` when given), its text, and the records it carries.
    pub fn finish(
        self,
        origin: &Origin,
        selection: Selection,
        signer: Option<&ed25519_dalek::SigningKey>,
    ) -> Result<(Manifest, String, Vec<ledger::Entry>), serde_json::Error> {
        use sha2::Digest;
        let Assembly { batch_id, mut records, payload, csv, counts, entries, .. } = self;
        // The kiosk's tables only when the batch carries such records (as [`csv_tables`]).
        let csv_sha256 = csv
            .into_iter()
            .filter(|(kind, _)| match kind {
                RecordType::Ticket => counts.tickets > 0,
                RecordType::Feedback => counts.feedback > 0,
                _ => true,
            })
            .map(|(kind, hasher)| {
                (format!("pryiom-{}-{}s.csv", short(&batch_id), kind.code()), canonical::hex(&hasher.finalize()))
            })
            .collect();
        let mut manifest = Manifest {
            batch_id: origin.batch_id.clone(),
            idempotency_key: origin.batch_id.clone(),
            device_id: origin.device_id.clone(),
            device_label: origin.device_label.clone(),
            worker: origin.worker.clone(),
            created_at: origin.created_at.clone(),
            app_version: origin.app_version.clone(),
            rules_version: origin.rules_version.clone(),
            selection,
            counts,
            payload_sha256: payload.finish(),
            csv_sha256,
            signature: None,
        };
        if let Some(key) = signer {
            signature::sign(&mut manifest, key);
        }
        // The file's head goes before the records (in place: the room is made first), its end after.
        let head = format!(
            "{{\"format\":{},\"version\":{},\"manifest\":{},\"records\":[",
            serde_json::to_string(BATCH_FORMAT)?,
            BATCH_VERSION,
            serde_json::to_string(&manifest)?
        );
        records.reserve_exact(head.len() + 2);
        records.insert_str(0, &head);
        records.push_str("]}");
        Ok((manifest, records, entries))
    }
}

/// The batch file of these records (in the order given), signed with the device's key when one is given, and its
/// text: the bytes saved, kept and downloaded again.
pub fn assemble(
    origin: &Origin,
    selection: Selection,
    records: Vec<BatchRecord>,
    signer: Option<&ed25519_dalek::SigningKey>,
) -> Result<(BatchFile, String), serde_json::Error> {
    let mut made = Assembly::new(&origin.batch_id, 0);
    for r in &records {
        made.add_record(r, r.data.tree()?)?;
    }
    let (manifest, text, _) = made.finish(origin, selection, signer)?;
    Ok((BatchFile { format: BATCH_FORMAT.into(), version: BATCH_VERSION, manifest, records }, text))
}

mod canonical;
mod check;
mod csv;
pub mod issue;
pub mod receipt;
mod ledger;
pub mod signature;
pub mod valid;

use canonical::PayloadHasher;
pub use canonical::{canonical, sha256_hex};
pub use check::{fate, read_batch, BatchCheck, BatchProblem, Fate, ImportSummary};
pub use csv::{csv_cell, csv_table, csv_tables, CsvRow};
pub use issue::DataIssue;
pub use ledger::{file_name, short, BatchInfo, BatchText, Entry, FileRemoved, Ledger, RemovedBecause, MAX_PARTS, PART_BYTES};
pub use signature::ManifestSignature;

#[cfg(test)]
pub(crate) mod tests;
