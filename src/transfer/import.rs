//! Importing a batch file (restore after device loss, or moving records to another tablet): every check first, in
//! slices with progress, then every write in one transaction.

use std::collections::{HashMap, HashSet};

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};

use crate::domain::appeal::Appeal;
use crate::domain::audit::AuditEvent;
use crate::domain::kiosk::{Feedback, Ticket};
use crate::domain::batch::{
    canonical, fate, BatchCheck, BatchFile, BatchInfo, BatchProblem, Data, Fate, FileRemoved, ImportSummary, Manifest,
    RecordType, RemovedBecause,
};
use crate::domain::checklist::Checklist;
use crate::domain::client::{Client, MergedInto};
use crate::domain::date::Date;
use crate::domain::merge::follow;
use crate::storage::{codec, Collection, IndexName, Record, Store, StoreError, StoreResult, StoredRecord, WriteBatch,
    WriteOp};

use super::{collection_of, Pace, SLICE};

/// What a file says of the cards it names: which of its cards are withdrawn, merged or hold personal data, and
/// whose card each of its appeals and checklists is. Read with a light probe, not as whole records.
#[derive(Debug, Default)]
pub struct Links {
    /// Per record index: the card of an appeal or a checklist.
    client_of: HashMap<usize, String>,
    /// Cards of the file with consent withdrawn: id → (when, by whom).
    withdrawn: HashMap<String, (String, String)>,
    /// Cards of the file merged into another: id → the card kept.
    merged: HashMap<String, String>,
    /// Cards of the file that hold personal data.
    live: HashSet<String>,
    /// Per record index: the appeal of a checklist, and whether it is decided.
    checklist_of: HashMap<usize, (String, bool)>,
}

/// What a checklist says of its appeal and decision, read without the whole record.
#[derive(Deserialize)]
struct ChecklistProbe {
    #[serde(default)]
    appeal_id: String,
    #[serde(default)]
    decision: Option<IgnoredAny>,
}

fn links(file: &BatchFile) -> Links {
    #[derive(Deserialize)]
    struct Consent {
        #[serde(default)]
        withdrawn_at: Option<String>,
        #[serde(default)]
        withdrawn_by: Option<String>,
    }
    #[derive(Deserialize)]
    struct Probe {
        #[serde(default)]
        client_id: Option<String>,
        #[serde(default)]
        consent: Option<Consent>,
        #[serde(default)]
        personal: Option<IgnoredAny>,
        #[serde(default)]
        merged_into: Option<MergedInto>,
    }
    let mut out = Links::default();
    for (i, r) in file.records.iter().enumerate() {
        let Ok(p) = serde_json::from_str::<Probe>(r.data.text()) else { continue };
        match r.kind {
            RecordType::Client => {
                if let Some(at) = p.consent.as_ref().and_then(|c| c.withdrawn_at.clone()) {
                    let by = p.consent.and_then(|c| c.withdrawn_by).unwrap_or_default();
                    out.withdrawn.insert(r.id.clone(), (at, by));
                }
                if let Some(m) = p.merged_into {
                    out.merged.insert(r.id.clone(), m.id);
                }
                if p.personal.is_some() {
                    out.live.insert(r.id.clone());
                }
            }
            RecordType::Appeal | RecordType::Checklist => {
                if let Some(c) = p.client_id {
                    out.client_of.insert(i, c);
                }
                if r.kind == RecordType::Checklist {
                    if let Ok(c) = serde_json::from_str::<ChecklistProbe>(r.data.text()) {
                        out.checklist_of.insert(i, (c.appeal_id, c.decision.is_some()));
                    }
                }
            }
            RecordType::Audit | RecordType::Ticket | RecordType::Feedback => {}
        }
    }
    out
}

/// What the device holds of the exported types: each record's revision and, for records a file brings at the same
/// revision, the stored payload (to tell a true "unchanged" from a conflict); of the cards the file names, which are
/// withdrawn or merged here; and this device's records of the cards the file merges away.
#[derive(Debug, Default)]
pub struct Existing {
    revs: HashMap<(RecordType, String), u64>,
    same_rev: HashMap<(RecordType, String), String>,
    links: Links,
    /// Cards withdrawn on this device, among those the file names.
    withdrawn: HashSet<String>,
    /// Cards merged on this device (id → the card kept), among those the file names.
    merged: HashMap<String, String>,
    /// Cards with personal data on this device, among those the file says are withdrawn.
    live: HashSet<String>,
    /// This device's appeals and checklists of the cards the file merges away, with their revisions.
    appeals_of_merged: Vec<(Appeal, u64)>,
    checklists_of_merged: Vec<(Checklist, u64)>,
    /// This device's checklist of each appeal: its id and whether it is decided (a decided one if there are two).
    checklist_of_appeal: HashMap<String, (String, bool)>,
}

impl Existing {
    pub fn rev(&self, kind: RecordType, id: &str) -> Option<u64> {
        self.revs.get(&(kind, id.to_owned())).copied()
    }
    /// Where the records of card `id` belong: the card itself or the one it was merged into (here or in the file).
    fn home<'a>(&'a self, id: &'a str) -> &'a str {
        let next = |x: &str| self.merged.get(x).or_else(|| self.links.merged.get(x)).map(String::as_str);
        follow(id, next).unwrap_or(id)
    }
    fn withdrawn(&self, id: &str) -> bool {
        self.withdrawn.contains(id) || self.links.withdrawn.contains_key(id)
    }
}

/// Reads what the device holds of the records of `file`.
pub async fn existing(store: &impl Store, file: &BatchFile) -> StoreResult<Existing> {
    let incoming: HashMap<(RecordType, &str), u64> =
        file.records.iter().map(|r| ((r.kind, r.id.as_str()), r.rev)).collect();
    let mut out = Existing { links: links(file), ..Existing::default() };
    let named: HashSet<&str> = file
        .records
        .iter()
        .filter(|r| r.kind == RecordType::Client)
        .map(|r| r.id.as_str())
        .chain(out.links.client_of.values().map(String::as_str))
        .collect();
    for kind in RecordType::ALL {
        for r in store.all(collection_of(kind)).await? {
            if incoming.get(&(kind, r.id.as_str())) == Some(&r.rev) {
                out.same_rev.insert((kind, r.id.clone()), r.payload.clone());
            }
            if kind == RecordType::Checklist {
                if let Ok(c) = serde_json::from_str::<ChecklistProbe>(&r.payload) {
                    let decided = c.decision.is_some();
                    let known = out.checklist_of_appeal.get(&c.appeal_id).is_some_and(|(_, d)| *d);
                    if !known {
                        out.checklist_of_appeal.insert(c.appeal_id, (r.id.clone(), decided));
                    }
                }
            }
            if kind == RecordType::Client && named.contains(r.id.as_str()) {
                let c: Client = codec::decode(&r)?;
                if c.is_withdrawn() {
                    out.withdrawn.insert(c.id.clone());
                } else if let Some(m) = &c.merged_into {
                    out.merged.insert(c.id.clone(), m.id.clone());
                } else if c.personal.is_some() && out.links.withdrawn.contains_key(&c.id) {
                    out.live.insert(c.id.clone());
                }
            }
            out.revs.insert((kind, r.id), r.rev);
        }
    }
    for gone in out.links.merged.keys() {
        for r in store.find(Collection::Appeals, IndexName::ByClient, gone).await? {
            out.appeals_of_merged.push((codec::decode(&r)?, r.rev));
        }
        for r in store.find(Collection::Assessments, IndexName::ByClient, gone).await? {
            out.checklists_of_merged.push((codec::decode(&r)?, r.rev));
        }
    }
    Ok(out)
}

/// Both read as the domain type and written back as canonical JSON: a field an older app version did not write
/// reads as its default on both sides, so only a real difference counts.
fn normalised<T: DeserializeOwned + Serialize>(json: &str) -> Option<String> {
    let v: T = serde_json::from_str(json).ok()?;
    Some(canonical(&serde_json::to_value(&v).ok()?))
}

/// Whether a stored payload holds the same data as a batch record's.
fn same_data(kind: RecordType, payload: &str, data: &str) -> bool {
    let pair = match kind {
        RecordType::Client => (normalised::<Client>(payload), normalised::<Client>(data)),
        RecordType::Appeal => (normalised::<Appeal>(payload), normalised::<Appeal>(data)),
        RecordType::Checklist => (normalised::<Checklist>(payload), normalised::<Checklist>(data)),
        RecordType::Audit => (normalised::<AuditEvent>(payload), normalised::<AuditEvent>(data)),
        RecordType::Ticket => (normalised::<Ticket>(payload), normalised::<Ticket>(data)),
        RecordType::Feedback => (normalised::<Feedback>(payload), normalised::<Feedback>(data)),
    };
    matches!(pair, (Some(a), Some(b)) if a == b)
}

fn stored<T: DeserializeOwned + Serialize + Record>(text: &str, rev: u64, at: &str) -> StoreResult<StoredRecord> {
    let v: T = serde_json::from_str(text).map_err(|e| StoreError::Other { detail: format!("decode: {e}") })?;
    codec::encode(&v, rev, at)
}

/// An appeal or checklist of a file as this device keeps it: on the card its card was merged into, and without
/// personal text when that card's consent was withdrawn (here or in the file). `None` when kept as it is.
fn followed(kind: RecordType, data: &Data, home: &str, scrub: bool) -> Result<Option<String>, ImportError> {
    fn redo<T: DeserializeOwned + Serialize + PartialEq + Clone>(
        text: &str,
        change: impl Fn(&mut T),
    ) -> Result<Option<String>, ImportError> {
        let v: T = serde_json::from_str(text).map_err(|e| StoreError::Other { detail: format!("decode: {e}") })?;
        let mut w = v.clone();
        change(&mut w);
        Ok((w != v).then(|| canonical(&serde_json::to_value(&w).unwrap_or_default())))
    }
    match kind {
        RecordType::Appeal => redo::<Appeal>(data.text(), |a| {
            a.client_id = home.to_owned();
            if scrub {
                *a = a.scrubbed();
            }
        }),
        RecordType::Checklist => redo::<Checklist>(data.text(), |c| {
            c.client_id = home.to_owned();
            if scrub {
                *c = c.scrubbed();
            }
        }),
        _ => Ok(None),
    }
}

/// What an import writes (records newer than the device's, and the batch itself when it is new here), and what it
/// comes to. Pure: the caller applies the write batch in one transaction.
///
/// Withdrawals and merges are sticky: a card withdrawn or merged on this device stays so whatever revision the file
/// brings; the file's appeals and checklists of a merged card go to the card kept, and those of a withdrawn card
/// lose their personal text; this device's records of a card the file merges away follow it. A file that brought
/// personal data of a card withdrawn here is not kept.
pub fn import_writes(
    file: &BatchFile,
    text: &str,
    existing: &Existing,
    known_batch: bool,
) -> Result<(WriteBatch, ImportSummary), ImportError> {
    let mut batch = WriteBatch::new();
    let mut summary = ImportSummary::default();
    let now = file.manifest.created_at.clone();
    let mut carries_withdrawn = false;
    let mut brought: HashMap<(RecordType, &str), u64> = HashMap::new();
    for (index, r) in file.records.iter().enumerate() {
        if r.kind == RecordType::Client && existing.links.live.contains(&r.id) {
            if existing.withdrawn.contains(&r.id) {
                summary.kept_withdrawn += 1;
                carries_withdrawn = true;
                continue;
            }
            if existing.merged.contains_key(&r.id) {
                summary.kept_merged += 1;
                continue;
            }
        }
        // One checklist per appeal: a file's checklist under another id for an appeal that has one here is not
        // taken, unless it is decided and this device's is not (then the decided one is the appeal's).
        if let Some((appeal, decided)) = existing.links.checklist_of.get(&index) {
            let here = existing.checklist_of_appeal.get(appeal).filter(|(id, _)| *id != r.id);
            if here.is_some_and(|(_, decided_here)| *decided_here || !decided) {
                summary.kept_checklist += 1;
                continue;
            }
        }
        let changed = match existing.links.client_of.get(&index) {
            Some(card) => {
                let home = existing.home(card);
                let scrub = existing.withdrawn(card) || existing.withdrawn(home);
                let out = followed(r.kind, &r.data, home, scrub)?;
                carries_withdrawn |= scrub && out.is_some();
                out
            }
            None => None,
        };
        let data = changed.as_deref().unwrap_or(r.data.text());
        let f = fate(r.rev, existing.rev(r.kind, &r.id));
        if f == Fate::Unchanged {
            let here = existing.same_rev.get(&(r.kind, r.id.clone()));
            if !here.is_some_and(|p| same_data(r.kind, p, data)) {
                return Err(ImportError::Refused(BatchProblem::Conflict { index: index + 1, id: r.id.clone() }));
            }
        }
        summary.count(f);
        if matches!(f, Fate::Added | Fate::Updated) {
            brought.insert((r.kind, r.id.as_str()), r.rev);
            let rec = match r.kind {
                RecordType::Client => stored::<Client>(data, r.rev, &r.updated_at)?,
                RecordType::Appeal => stored::<Appeal>(data, r.rev, &r.updated_at)?,
                RecordType::Checklist => stored::<Checklist>(data, r.rev, &r.updated_at)?,
                RecordType::Audit => stored::<AuditEvent>(data, r.rev, &r.updated_at)?,
                RecordType::Ticket => stored::<Ticket>(data, r.rev, &r.updated_at)?,
                RecordType::Feedback => stored::<Feedback>(data, r.rev, &r.updated_at)?,
            };
            batch = batch.put(collection_of(r.kind), rec);
        }
    }
    // This device's records of a card the file merged away (and the file's tombstone won) follow it.
    let tombstoned = |card: &str| {
        existing.links.merged.contains_key(card) && brought.contains_key(&(RecordType::Client, card))
    };
    for (a, rev) in &existing.appeals_of_merged {
        if tombstoned(&a.client_id) && !brought.contains_key(&(RecordType::Appeal, a.id.as_str())) {
            let moved = Appeal { client_id: existing.home(&a.client_id).to_owned(), ..a.clone() };
            batch = batch.next_after(&moved, *rev, &now)?;
            summary.moved += 1;
        }
    }
    for (c, rev) in &existing.checklists_of_merged {
        if tombstoned(&c.client_id) && !brought.contains_key(&(RecordType::Checklist, c.id.as_str())) {
            let moved = Checklist { client_id: existing.home(&c.client_id).to_owned(), ..c.clone() };
            batch = batch.next_after(&moved, *rev, &now)?;
            summary.moved += 1;
        }
    }
    if !known_batch {
        let mut info = BatchInfo::of(file, true);
        if carries_withdrawn {
            info.file_removed = Some(FileRemoved { at: now.clone(), because: RemovedBecause::Withdrawal });
        }
        batch = batch.put(Collection::Batches, codec::encode(&info, 1, &now)?);
        if !carries_withdrawn {
            batch = super::kept::keep_file(batch, &info.id, text, &now)?;
        }
    }
    Ok((batch, summary))
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImportError {
    /// The file is refused: nothing was written.
    Refused(BatchProblem),
    /// The store failed: the transaction rolled back, nothing was written.
    Store(StoreError),
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Store(e)
    }
}

impl From<BatchProblem> for ImportError {
    fn from(p: BatchProblem) -> Self {
        ImportError::Refused(p)
    }
}

/// A batch imported.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The file's manifest (its records are let go before the write: they are in `changed` and the store).
    pub manifest: Manifest,
    pub summary: ImportSummary,
    /// The records the screens keep decoded that the import wrote, as written: the app puts these into what it
    /// holds instead of reading every record again. Reading again is still needed when the import also carried out
    /// a withdrawal (`summary.withdrawn`), which changes records beyond these.
    pub changed: Changed,
}

/// Cards, appeals, checklists and batch entries an import wrote, decoded from its write batch (see
/// [`Imported::changed`]). An appeal or checklist moved to the card its own was merged into is here with its new card.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changed {
    pub clients: Vec<Client>,
    pub appeals: Vec<Appeal>,
    pub checklists: Vec<Checklist>,
    pub batches: Vec<BatchInfo>,
}

impl Changed {
    /// What `batch` writes of these four collections (deletions aside: an import deletes none of them).
    pub fn of(batch: &WriteBatch) -> StoreResult<Changed> {
        let mut out = Changed::default();
        for op in &batch.ops {
            let (c, rec) = match op {
                WriteOp::Put(c, r) | WriteOp::Insert(c, r) | WriteOp::Next(c, r) | WriteOp::NextAfter(c, r, _) => (c, r),
                WriteOp::Unchanged(..) | WriteOp::Delete(..) | WriteOp::SealAll(_) => continue,
            };
            match c {
                Collection::Clients => out.clients.push(codec::decode(rec)?),
                Collection::Appeals => out.appeals.push(codec::decode(rec)?),
                Collection::Assessments => out.checklists.push(codec::decode(rec)?),
                Collection::Batches => out.batches.push(codec::decode(rec)?),
                _ => {}
            }
        }
        Ok(out)
    }

    pub fn is_empty(&self) -> bool {
        self.clients.is_empty() && self.appeals.is_empty() && self.checklists.is_empty() && self.batches.is_empty()
    }
}

/// Imports a batch file: every check first (records in slices of [`SLICE`], `pace` told after each: the units are
/// the file's records, then one for the write), then every write in one transaction. `today` bounds the dates a
/// record may hold.
pub async fn import(
    store: &impl Store,
    text: &str,
    today: Date,
    pace: &mut impl Pace,
) -> Result<Imported, ImportError> {
    let mut check = BatchCheck::open(text, today)?;
    let total = check.total() + 1;
    while check.checked() < check.total() {
        pace.step(check.checked(), total).await;
        check.records(SLICE)?;
    }
    let file = check.finish()?;
    pace.step(total - 1, total).await;
    let existing = existing(store, &file).await?;
    let known = store.get(Collection::Batches, &file.manifest.batch_id).await?.is_some();
    let (batch, mut summary) = import_writes(&file, text, &existing, known)?;
    // The file's parsed records are not needed past here (what is written is in `batch`): let go before the records
    // the screens take are decoded and the write seals a copy of every record.
    let BatchFile { manifest, records, .. } = file;
    drop(records);
    let changed = Changed::of(&batch)?;
    if !batch.ops.is_empty() {
        store.write(batch).await?;
    }
    // A card the file says is withdrawn, but which holds personal data here: the withdrawal is carried out here too
    // (its appeals, checklists, drafts and kept files), as the worker who took it would have.
    for id in &existing.live {
        if let Some((at, by)) = existing.links.withdrawn.get(id) {
            crate::erasure::withdraw(store, id, at, by).await?;
            summary.withdrawn += 1;
        }
    }
    pace.step(total, total).await;
    Ok(Imported { manifest, summary, changed })
}
