//! Export batches: one file a centre uploads later (format `pryiom-batch`, version 1; JSON Schema in
//! `schema/pryiom-batch-1.schema.json`), the CSV tables derived from it, and the checks an import makes before it
//! writes anything.
//!
//! Integrity: every record carries the SHA-256 of its `data` in canonical JSON (object keys sorted, no whitespace,
//! non-ASCII as is: what Python's `json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
//! gives); the manifest carries the SHA-256 of the canonical `records` array and of each CSV table. Every record has
//! a stable id (UUID v4, unique across devices) and a revision, so a receiver de-duplicates and applies updates in
//! order. The batch id doubles as the idempotency key of a later HTTP upload.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::appeal::Appeal;
use super::checklist::Checklist;
use super::client::Client;

pub const BATCH_FORMAT: &str = "pryiom-batch";
pub const BATCH_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordType {
    Client,
    Appeal,
    Checklist,
}

impl RecordType {
    pub const ALL: [RecordType; 3] = [RecordType::Client, RecordType::Appeal, RecordType::Checklist];
    pub fn code(self) -> &'static str {
        match self {
            RecordType::Client => "client",
            RecordType::Appeal => "appeal",
            RecordType::Checklist => "checklist",
        }
    }
}

/// Which records a batch takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
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
pub struct Counts {
    pub clients: usize,
    pub appeals: usize,
    pub checklists: usize,
    /// Clients whose consent record is in the batch (every client card carries one).
    pub consents: usize,
    /// Appeals with a referral.
    pub referrals: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchRecord {
    #[serde(rename = "type")]
    pub kind: RecordType,
    pub id: String,
    pub rev: u64,
    pub updated_at: String,
    /// SHA-256 (hex) of the canonical JSON of `data`.
    pub sha256: String,
    pub data: Data,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchFile {
    pub format: String,
    pub version: u32,
    pub manifest: Manifest,
    pub records: Vec<BatchRecord>,
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

/// Canonical JSON: object keys sorted, no whitespace. Strings and numbers as serde_json writes them.
pub fn canonical(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            out.push('{');
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        leaf => out.push_str(&leaf.to_string()),
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of the canonical JSON of the `records` array, fed record by record (given each record's data as
/// canonical text), so no second copy of the batch is made.
struct PayloadHasher {
    hasher: Sha256,
    first: bool,
}

impl PayloadHasher {
    fn new() -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"[");
        PayloadHasher { hasher, first: true }
    }
    fn add(&mut self, r: &BatchRecord, canonical_data: &str) {
        if !std::mem::replace(&mut self.first, false) {
            self.hasher.update(b",");
        }
        // Keys in sorted order: data, id, rev, sha256, type, updated_at.
        let head = "{\"data\":";
        let tail = format!(
            ",\"id\":{},\"rev\":{},\"sha256\":{},\"type\":\"{}\",\"updated_at\":{}}}",
            Value::String(r.id.clone()),
            r.rev,
            Value::String(r.sha256.clone()),
            r.kind.code(),
            Value::String(r.updated_at.clone())
        );
        self.hasher.update(head.as_bytes());
        self.hasher.update(canonical_data.as_bytes());
        self.hasher.update(tail.as_bytes());
    }
    fn finish(mut self) -> String {
        self.hasher.update(b"]");
        self.hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// One record of a batch, with its checksum (the costly part of making a batch: done record by record).
pub fn record_of(s: Source) -> BatchRecord {
    let data = Data::canonical_of(&s.data);
    BatchRecord { kind: s.kind, id: s.id, rev: s.rev, updated_at: s.updated_at, sha256: sha256_hex(data.text().as_bytes()), data }
}

/// Whether an appeal's data has a referral (read without building the whole tree).
fn has_referral(data: &Data) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(default)]
        referral: Option<serde::de::IgnoredAny>,
    }
    serde_json::from_str::<Probe>(data.text()).is_ok_and(|p| p.referral.is_some())
}

fn count(records: &[BatchRecord]) -> Counts {
    let mut counts = Counts::default();
    for r in records {
        match r.kind {
            RecordType::Client => {
                counts.clients += 1;
                counts.consents += 1;
            }
            RecordType::Appeal => {
                counts.appeals += 1;
                if has_referral(&r.data) {
                    counts.referrals += 1;
                }
            }
            RecordType::Checklist => counts.checklists += 1,
        }
    }
    counts
}

/// The batch file of these records (in the order given), and its text: the bytes saved, kept and downloaded again.
pub fn assemble(origin: &Origin, selection: Selection, records: Vec<BatchRecord>) -> (BatchFile, String) {
    let mut payload = PayloadHasher::new();
    for r in &records {
        payload.add(r, r.data.text());
    }
    let payload_sha256 = payload.finish();
    let mut file = BatchFile {
        format: BATCH_FORMAT.into(),
        version: BATCH_VERSION,
        manifest: Manifest {
            batch_id: origin.batch_id.clone(),
            idempotency_key: origin.batch_id.clone(),
            device_id: origin.device_id.clone(),
            device_label: origin.device_label.clone(),
            worker: origin.worker.clone(),
            created_at: origin.created_at.clone(),
            app_version: origin.app_version.clone(),
            rules_version: origin.rules_version.clone(),
            selection,
            counts: count(&records),
            payload_sha256,
            csv_sha256: BTreeMap::new(),
        },
        records,
    };
    file.manifest.csv_sha256 =
        csv_tables(&file).into_iter().map(|(name, text)| (name, sha256_hex(text.as_bytes()))).collect();
    // A batch of plain data always serialises; an empty text would be refused on import, never silently wrong.
    let text = serde_json::to_string(&file).unwrap_or_default();
    (file, text)
}

/// What is wrong with a batch file. Nothing is written when there is any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchProblem {
    /// Not JSON at all.
    NotJson { line: usize, column: usize },
    /// The file ends too early: cut off while copying or downloading.
    Truncated,
    /// JSON, but not a Pryiom batch (or a required part is missing or of the wrong kind).
    WrongFormat { detail: String },
    /// Made by a newer (or unknown) version of the format.
    UnsupportedVersion(u32),
    /// A record's data does not match its checksum: changed after export.
    RecordChecksum { index: usize, id: String },
    /// A record's data is not a valid record of its type.
    RecordInvalid { index: usize, id: String, detail: String },
    /// The same record twice in one batch.
    DuplicateRecord { index: usize, id: String },
    /// The list of records does not match the manifest's checksum (a record added, removed or reordered).
    PayloadChecksum,
    /// The counts in the manifest do not match the records.
    CountsMismatch,
}

fn decode_check<T: for<'de> Deserialize<'de>>(data: &Value, id: &str) -> Result<String, String> {
    // Read straight from the tree: no copy of the record's data.
    T::deserialize(data).map_err(|e| e.to_string())?;
    match data.get("id").and_then(Value::as_str) {
        Some(x) if x == id => Ok(x.to_owned()),
        Some(x) => Err(format!("id `{x}` differs from the record's id")),
        None => Err("missing field `id`".into()),
    }
}

/// Reads a batch file and checks everything (format, version, every record's type and checksum, the payload
/// checksum and the counts) before anything may be written.
pub fn read_batch(text: &str) -> Result<BatchFile, BatchProblem> {
    let text = text.trim_start_matches('\u{feff}');
    // First only what the file says it is (the whole text is read, nothing of it kept).
    #[derive(Deserialize)]
    struct Head {
        format: Option<Value>,
        version: Option<Value>,
    }
    let head: Head = serde_json::from_str(text).map_err(|e| {
        if e.is_eof() {
            BatchProblem::Truncated
        } else if e.is_data() {
            BatchProblem::WrongFormat { detail: e.to_string() }
        } else {
            BatchProblem::NotJson { line: e.line(), column: e.column() }
        }
    })?;
    if head.format.as_ref().and_then(Value::as_str) != Some(BATCH_FORMAT) {
        return Err(BatchProblem::WrongFormat { detail: "format".into() });
    }
    match head.version.as_ref().and_then(Value::as_u64) {
        Some(v) if v == u64::from(BATCH_VERSION) => {}
        Some(v) => return Err(BatchProblem::UnsupportedVersion(u32::try_from(v).unwrap_or(u32::MAX))),
        None => return Err(BatchProblem::WrongFormat { detail: "version".into() }),
    }
    let file: BatchFile =
        serde_json::from_str(text).map_err(|e| BatchProblem::WrongFormat { detail: e.to_string() })?;
    let mut seen = BTreeSet::new();
    let mut payload = PayloadHasher::new();
    for (index, r) in file.records.iter().enumerate() {
        let id = r.id.clone();
        // One record's tree at a time.
        let tree = r.data.tree().map_err(|e| BatchProblem::RecordInvalid { index: index + 1, id: id.clone(), detail: e.to_string() })?;
        let canon = canonical(&tree);
        if sha256_hex(canon.as_bytes()) != r.sha256 {
            return Err(BatchProblem::RecordChecksum { index: index + 1, id });
        }
        payload.add(r, &canon);
        let checked = match r.kind {
            RecordType::Client => decode_check::<Client>(&tree, &r.id),
            RecordType::Appeal => decode_check::<Appeal>(&tree, &r.id),
            RecordType::Checklist => decode_check::<Checklist>(&tree, &r.id),
        };
        if let Err(detail) = checked {
            return Err(BatchProblem::RecordInvalid { index: index + 1, id, detail });
        }
        if r.rev == 0 {
            return Err(BatchProblem::RecordInvalid { index: index + 1, id, detail: "rev must be 1 or more".into() });
        }
        if !seen.insert((r.kind, r.id.clone())) {
            return Err(BatchProblem::DuplicateRecord { index: index + 1, id });
        }
    }
    if payload.finish() != file.manifest.payload_sha256 {
        return Err(BatchProblem::PayloadChecksum);
    }
    if count(&file.records) != file.manifest.counts {
        return Err(BatchProblem::CountsMismatch);
    }
    Ok(file)
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

/// The CSV columns of each record type: header and the path of the value in the record's data.
const CLIENT_COLUMNS: &[(&str, &str)] = &[
    ("created_at", "created_at"),
    ("surname", "personal.surname"),
    ("given_name", "personal.given_name"),
    ("patronymic", "personal.patronymic"),
    ("birth_date", "personal.birth_date"),
    ("sex", "personal.sex"),
    ("phones", "personal.phones"),
    ("email", "personal.email"),
    ("address", "personal.address"),
    ("registration_address", "personal.registration_address"),
    ("no_fixed_address", "personal.no_fixed_address"),
    ("document_kind", "personal.document_kind"),
    ("document_series", "personal.document_series"),
    ("document_number", "personal.document_number"),
    ("no_documents", "personal.no_documents"),
    ("tax_number", "personal.tax_number"),
    ("tax_refused", "personal.tax_refused"),
    ("language", "personal.language"),
    ("representative_id", "personal.representative_id"),
    ("consent_form", "consent.form"),
    ("consent_text_version", "consent.text_version"),
    ("consent_text_lang", "consent.text_lang"),
    ("consent_given_at", "consent.given_at"),
    ("consent_taken_by", "consent.taken_by"),
    ("consent_withdrawn_at", "consent.withdrawn_at"),
];

const APPEAL_COLUMNS: &[(&str, &str)] = &[
    ("client_id", "client_id"),
    ("received_at", "received_at"),
    ("channel", "channel"),
    ("location", "location"),
    ("area", "area"),
    ("account", "account"),
    ("aid", "aid"),
    ("outcome", "outcome"),
    ("worker", "worker"),
    ("follow_up", "follow_up"),
    ("written", "written"),
    ("referral_organisation", "referral.organisation.name"),
    ("referral_address", "referral.organisation.address"),
    ("referral_phone", "referral.organisation.phone"),
    ("referral_hours", "referral.organisation.hours"),
    ("referral_note", "referral.note"),
];

const CHECKLIST_COLUMNS: &[(&str, &str)] = &[
    ("appeal_id", "appeal_id"),
    ("client_id", "client_id"),
    ("assessed_on", "on"),
    ("rules_version", "rules.version"),
    ("categories", "categories"),
    ("income_months", "income.months"),
    ("income_group", "income.group"),
    ("disability", "income.disability"),
    ("pension", "income.pension"),
    ("issue", "application.issue"),
    ("accepted_on", "application.accepted_on"),
    ("returned_on", "application.returned_on"),
    ("return_reasons", "application.return_reasons"),
    ("decision_on", "decision.on"),
    ("decision", "decision.verdict"),
    ("granted_defence", "decision.kinds.defence"),
    ("granted_representation", "decision.kinds.representation"),
    ("granted_documents", "decision.kinds.documents"),
    ("refusal_ground", "decision.ground"),
];

fn columns(kind: RecordType) -> &'static [(&'static str, &'static str)] {
    match kind {
        RecordType::Client => CLIENT_COLUMNS,
        RecordType::Appeal => APPEAL_COLUMNS,
        RecordType::Checklist => CHECKLIST_COLUMNS,
    }
}

fn at<'a>(data: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(data, |v, key| v.get(key))
}

fn cell_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items.iter().map(|i| cell_text(Some(i))).collect::<Vec<_>>().join("; "),
        Some(other) => other.to_string(),
    }
}

/// One CSV cell: a text that a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage
/// return) gets a leading apostrophe; a cell with a comma, quote or line break is quoted, quotes doubled.
pub fn csv_cell(text: &str) -> String {
    let neutral = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// The CSV tables of a batch (file name, text): UTF-8 with a byte-order mark so spreadsheets show Cyrillic, CRLF
/// line ends, one table per record type, each row led by the batch id, record id and revision.
pub fn csv_tables(file: &BatchFile) -> Vec<(String, String)> {
    let batch = &file.manifest.batch_id;
    RecordType::ALL
        .into_iter()
        .map(|kind| {
            let cols = columns(kind);
            let mut out = String::from("\u{feff}");
            let header: Vec<&str> = ["batch_id", "id", "rev", "updated_at"].into_iter().chain(cols.iter().map(|c| c.0)).collect();
            out.push_str(&header.join(","));
            out.push_str("\r\n");
            for r in file.records.iter().filter(|r| r.kind == kind) {
                let data = r.data.tree().unwrap_or(Value::Null);
                let mut cells = vec![csv_cell(batch), csv_cell(&r.id), r.rev.to_string(), csv_cell(&r.updated_at)];
                cells.extend(cols.iter().map(|(_, path)| csv_cell(&cell_text(at(&data, path)))));
                out.push_str(&cells.join(","));
                out.push_str("\r\n");
            }
            (format!("pryiom-{}-{}s.csv", short(batch), kind.code()), out)
        })
        .collect()
}

/// The first 8 characters of a batch id, for file names.
pub fn short(batch_id: &str) -> &str {
    batch_id.get(0..8).unwrap_or(batch_id)
}

/// The file name of a batch.
pub fn file_name(manifest: &Manifest) -> String {
    format!("pryiom-{}-{}.json", manifest.created_at.get(0..10).unwrap_or(""), short(&manifest.batch_id))
}

/// One record revision a batch carried (or a purge wrote).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    #[serde(rename = "type")]
    pub kind: RecordType,
    pub id: String,
    pub rev: u64,
}

/// A batch as the device remembers it (Batches collection); its file's exact text is kept apart (BatchFiles).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchInfo {
    pub id: String,
    pub created_at: String,
    /// Made on another device (or before a reset) and imported here.
    #[serde(default)]
    pub imported: bool,
    pub file_name: String,
    pub selection: Selection,
    pub counts: Counts,
    pub entries: Vec<Entry>,
    /// When the user confirmed the centre received it.
    #[serde(default)]
    pub uploaded_at: Option<String>,
    /// When the personal data of its records was purged from this device.
    #[serde(default)]
    pub purged_at: Option<String>,
    /// The revisions the purge wrote (carried by no batch, but nothing the centre lacks).
    #[serde(default)]
    pub purged: Vec<Entry>,
}

impl crate::storage::Record for BatchInfo {
    const COLLECTION: crate::storage::Collection = crate::storage::Collection::Batches;
    fn id(&self) -> &str {
        &self.id
    }
}

impl BatchInfo {
    pub fn of(file: &BatchFile, imported: bool) -> BatchInfo {
        BatchInfo {
            id: file.manifest.batch_id.clone(),
            created_at: file.manifest.created_at.clone(),
            imported,
            file_name: file_name(&file.manifest),
            selection: file.manifest.selection.clone(),
            counts: file.manifest.counts.clone(),
            entries: file.records.iter().map(|r| Entry { kind: r.kind, id: r.id.clone(), rev: r.rev }).collect(),
            uploaded_at: None,
            purged_at: None,
            purged: vec![],
        }
    }
}

/// The exact text of a batch file, so downloading it again gives the same bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchText {
    pub id: String,
    pub text: String,
}

impl crate::storage::Record for BatchText {
    const COLLECTION: crate::storage::Collection = crate::storage::Collection::BatchFiles;
    fn id(&self) -> &str {
        &self.id
    }
}

/// The newest revision of each record that a batch carried or a purge wrote: what the centre has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger(pub std::collections::HashMap<(RecordType, String), u64>);

impl Ledger {
    pub fn of(batches: &[BatchInfo]) -> Ledger {
        let mut l = Ledger::default();
        for b in batches {
            for e in b.entries.iter().chain(&b.purged) {
                l.note(e);
            }
        }
        l
    }
    pub fn note(&mut self, e: &Entry) {
        let rev = self.0.entry((e.kind, e.id.clone())).or_insert(0);
        *rev = (*rev).max(e.rev);
    }
    pub fn exported(&self, kind: RecordType, id: &str) -> Option<u64> {
        self.0.get(&(kind, id.to_owned())).copied()
    }
}

#[cfg(test)]
pub(crate) mod tests;
