//! Importing a batch file (restore after device loss, or moving records to another tablet): every check first, in
//! slices with progress, then every write in one transaction.

use std::collections::{HashMap, HashSet};

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::appeal::Appeal;
use crate::domain::audit::AuditEvent;
use crate::domain::batch::{
    canonical, fate, BatchCheck, BatchFile, BatchInfo, BatchProblem, CheckedFile, CheckedRecord, DataRef, Entry, Fate,
    FileRemoved, ImportSummary, Manifest, RecordType, RemovedBecause,
};
use crate::domain::checklist::Checklist;
use crate::domain::client::{Client, MergedInto};
use crate::domain::date::Date;
use crate::domain::kiosk::{Feedback, Ticket};
use crate::domain::merge::follow;
use crate::storage::{codec, Collection, IndexName, Record, Store, StoreError, StoreResult, StoredRecord, WriteBatch};

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

fn links(file: &CheckedFile) -> Links {
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
    /// The revision held here of each record the file brings (that this device holds).
    revs: HashMap<(RecordType, String), u64>,
    /// Of the records held here at the revision the file brings: what their data comes to ([`data_digest`]).
    same_rev: HashMap<(RecordType, String), Option<[u8; 32]>>,
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
pub async fn existing(store: &impl Store, file: &CheckedFile<'_>) -> StoreResult<Existing> {
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
        // A page at a time: what is held here is never all opened at once (nor its payloads kept: a file brought
        // again, every record at the revision held, kept a copy of the whole register).
        let mut after: Option<String> = None;
        loop {
            let page = store.page(collection_of(kind), after.as_deref(), EXISTING_PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            for r in page {
                let brought = incoming.get(&(kind, r.id.as_str())).copied();
                if brought == Some(r.rev) {
                    out.same_rev.insert((kind, r.id.clone()), data_digest(kind, &r.payload));
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
                if brought.is_some() {
                    out.revs.insert((kind, r.id), r.rev);
                }
            }
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

/// Records of the device read at a time while an import looks at what it holds.
const EXISTING_PAGE: u32 = 500;

/// What a record's data comes to: read as the domain type and written back as canonical JSON (a field an older app
/// version did not write reads as its default on both sides, so only a real difference counts), digested. `None`
/// when it does not read.
fn data_digest(kind: RecordType, json: &str) -> Option<[u8; 32]> {
    fn normalised<T: DeserializeOwned + Serialize>(json: &str) -> Option<String> {
        let v: T = serde_json::from_str(json).ok()?;
        Some(canonical(&serde_json::to_value(&v).ok()?))
    }
    let text = match kind {
        RecordType::Client => normalised::<Client>(json),
        RecordType::Appeal => normalised::<Appeal>(json),
        RecordType::Checklist => normalised::<Checklist>(json),
        RecordType::Audit => normalised::<AuditEvent>(json),
        RecordType::Ticket => normalised::<Ticket>(json),
        RecordType::Feedback => normalised::<Feedback>(json),
    }?;
    Some(Sha256::digest(text.as_bytes()).into())
}

/// A record of the file as stored, and decoded (what the screens take of it).
fn stored<T: DeserializeOwned + Serialize + Record>(text: &str, rev: u64, at: &str) -> StoreResult<(T, StoredRecord)> {
    let v: T = serde_json::from_str(text).map_err(|e| StoreError::Other { detail: format!("decode: {e}") })?;
    let rec = codec::encode(&v, rev, at)?;
    Ok((v, rec))
}

/// An appeal or checklist of a file as this device keeps it: on the card its card was merged into, and without
/// personal text when that card's consent was withdrawn (here or in the file). `None` when kept as it is.
fn followed(kind: RecordType, data: &DataRef, home: &str, scrub: bool) -> Result<Option<String>, ImportError> {
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

/// What an import writes, made a slice of the file's records at a time ([`Writes::records`]: records newer than the
/// device's), then what follows from them all ([`Writes::finish`]: this device's records of the cards the file
/// merged away, and the batch itself when it is new here). Pure: the caller writes every slice in one transaction.
///
/// Withdrawals and merges are sticky: a card withdrawn or merged on this device stays so whatever revision the file
/// brings; the file's appeals and checklists of a merged card go to the card kept, and those of a withdrawn card
/// lose their personal text; this device's records of a card the file merges away follow it. A file that brought
/// personal data of a card withdrawn here is not kept.
pub struct Writes<'a> {
    existing: &'a Existing,
    summary: ImportSummary,
    carries_withdrawn: bool,
    /// The records whose writing decides whether this device's records follow a merge: the cards the file merges
    /// away, this device's appeals and checklists of them.
    watched: HashSet<(RecordType, String)>,
    /// Of those, the ones the file's records write.
    brought: HashSet<(RecordType, String)>,
    /// Every record of the file, for the batch's entry.
    entries: Vec<Entry>,
    changed: Changed,
}

/// All an import writes past the file's records, and what it comes to.
pub struct Finished {
    /// This device's records that follow a merge, and the batch's entry when the batch is new here.
    pub batch: WriteBatch,
    /// Whether the file itself is to be kept (with the batch's entry).
    pub keep_file: bool,
    pub summary: ImportSummary,
    pub changed: Changed,
}

impl<'a> Writes<'a> {
    pub fn new(existing: &'a Existing) -> Writes<'a> {
        let watched = existing
            .links
            .merged
            .keys()
            .map(|id| (RecordType::Client, id.clone()))
            .chain(existing.appeals_of_merged.iter().map(|(a, _)| (RecordType::Appeal, a.id.clone())))
            .chain(existing.checklists_of_merged.iter().map(|(c, _)| (RecordType::Checklist, c.id.clone())))
            .collect();
        Writes {
            existing,
            summary: ImportSummary::default(),
            carries_withdrawn: false,
            watched,
            brought: HashSet::new(),
            entries: Vec::new(),
            changed: Changed::default(),
        }
    }

    /// The writes of the file's next records, in the file's order (each let go once its write is made).
    pub fn records<'f>(
        &mut self,
        records: impl IntoIterator<Item = CheckedRecord<'f>>,
    ) -> Result<WriteBatch, ImportError> {
        let mut batch = WriteBatch::new();
        for r in records {
            let index = self.entries.len();
            self.entries.push(Entry { kind: r.kind, id: r.id.clone(), rev: r.rev });
            if let Some(rec) = self.record(index, &r)? {
                if self.watched.contains(&(r.kind, r.id.clone())) {
                    self.brought.insert((r.kind, r.id.clone()));
                }
                batch = batch.put(collection_of(r.kind), rec);
            }
        }
        Ok(batch)
    }

    /// The record to write of the file's record number `index` (from 0), if any.
    fn record(&mut self, index: usize, r: &CheckedRecord) -> Result<Option<StoredRecord>, ImportError> {
        let existing = self.existing;
        let summary = &mut self.summary;
        if r.kind == RecordType::Client && existing.links.live.contains(&r.id) {
            if existing.withdrawn.contains(&r.id) {
                summary.kept_withdrawn += 1;
                self.carries_withdrawn = true;
                return Ok(None);
            }
            if existing.merged.contains_key(&r.id) {
                summary.kept_merged += 1;
                return Ok(None);
            }
        }
        // One checklist per appeal: a file's checklist under another id for an appeal that has one here is not
        // taken, unless it is decided and this device's is not (then the decided one is the appeal's).
        if let Some((appeal, decided)) = existing.links.checklist_of.get(&index) {
            let here = existing.checklist_of_appeal.get(appeal).filter(|(id, _)| *id != r.id);
            if here.is_some_and(|(_, decided_here)| *decided_here || !decided) {
                summary.kept_checklist += 1;
                return Ok(None);
            }
        }
        let changed = match existing.links.client_of.get(&index) {
            Some(card) => {
                let home = existing.home(card);
                let scrub = existing.withdrawn(card) || existing.withdrawn(home);
                let out = followed(r.kind, &r.data, home, scrub)?;
                self.carries_withdrawn |= scrub && out.is_some();
                out
            }
            None => None,
        };
        let data = changed.as_deref().unwrap_or(r.data.text());
        let f = fate(r.rev, existing.rev(r.kind, &r.id));
        if f == Fate::Unchanged {
            let here = existing.same_rev.get(&(r.kind, r.id.clone()));
            if !here.is_some_and(|d| d.is_some() && *d == data_digest(r.kind, data)) {
                return Err(ImportError::Refused(BatchProblem::Conflict { index: index + 1, id: r.id.clone() }));
            }
        }
        summary.count(f);
        if !matches!(f, Fate::Added | Fate::Updated) {
            return Ok(None);
        }
        let (rev, at, out) = (r.rev, r.updated_at.as_str(), &mut self.changed);
        let rec = match r.kind {
            RecordType::Client => {
                let (v, rec) = stored::<Client>(data, rev, at)?;
                out.clients.push(v);
                rec
            }
            RecordType::Appeal => {
                let (v, rec) = stored::<Appeal>(data, rev, at)?;
                out.appeals.push(v);
                rec
            }
            RecordType::Checklist => {
                let (v, rec) = stored::<Checklist>(data, rev, at)?;
                out.checklists.push(v);
                rec
            }
            RecordType::Audit => stored::<AuditEvent>(data, rev, at)?.1,
            RecordType::Ticket => stored::<Ticket>(data, rev, at)?.1,
            RecordType::Feedback => stored::<Feedback>(data, rev, at)?.1,
        };
        Ok(Some(rec))
    }

    /// What follows from every record of the file (all of them passed to [`Writes::records`] first).
    pub fn finish(mut self, manifest: &Manifest, known_batch: bool) -> Result<Finished, ImportError> {
        let existing = self.existing;
        let mut batch = WriteBatch::new();
        let now = manifest.created_at.clone();
        // This device's records of a card the file merged away (and the file's tombstone won) follow it.
        let brought = &self.brought;
        let tombstoned = |card: &str| {
            existing.links.merged.contains_key(card) && brought.contains(&(RecordType::Client, card.to_owned()))
        };
        for (a, rev) in &existing.appeals_of_merged {
            if tombstoned(&a.client_id) && !brought.contains(&(RecordType::Appeal, a.id.clone())) {
                let moved = Appeal { client_id: existing.home(&a.client_id).to_owned(), ..a.clone() };
                batch = batch.next_after(&moved, *rev, &now)?;
                self.changed.appeals.push(moved);
                self.summary.moved += 1;
            }
        }
        for (c, rev) in &existing.checklists_of_merged {
            if tombstoned(&c.client_id) && !brought.contains(&(RecordType::Checklist, c.id.clone())) {
                let moved = Checklist { client_id: existing.home(&c.client_id).to_owned(), ..c.clone() };
                batch = batch.next_after(&moved, *rev, &now)?;
                self.changed.checklists.push(moved);
                self.summary.moved += 1;
            }
        }
        let mut keep_file = false;
        if !known_batch {
            let mut info = BatchInfo::of_entries(manifest, std::mem::take(&mut self.entries), true);
            if self.carries_withdrawn {
                info.file_removed = Some(FileRemoved { at: now.clone(), because: RemovedBecause::Withdrawal });
            }
            batch = batch.put(Collection::Batches, codec::encode(&info, 1, &now)?);
            keep_file = !self.carries_withdrawn;
            self.changed.batches.push(info);
        }
        Ok(Finished { batch, keep_file, summary: self.summary, changed: self.changed })
    }
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

/// Cards, appeals, checklists and batch entries an import wrote, as decoded to be written (see
/// [`Imported::changed`]). An appeal or checklist moved to the card its own was merged into is here with its new card.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changed {
    pub clients: Vec<Client>,
    pub appeals: Vec<Appeal>,
    pub checklists: Vec<Checklist>,
    pub batches: Vec<BatchInfo>,
}

impl Changed {
    pub fn is_empty(&self) -> bool {
        self.clients.is_empty() && self.appeals.is_empty() && self.checklists.is_empty() && self.batches.is_empty()
    }
}

/// Imports a batch file: every check first (records in slices of [`SLICE`]), then the writes made and made ready
/// ([`Store::ready`]: sealed, in the browser held outside the wasm memory) a slice at a time, each slice of the file's
/// records let go once made, and the file kept a part at a time; then all of it written in ONE transaction. The wasm
/// memory so holds the file, its parsed records and one slice, not every record's payload too. `pace` is told after
/// each slice: the units are the file's records (checked), the same again (made ready), then one for the write.
/// `today` bounds the dates a record may hold.
pub async fn import<S: Store>(
    store: &S,
    text: &str,
    today: Date,
    pace: &mut impl Pace,
) -> Result<Imported, ImportError> {
    let mut check = BatchCheck::open(text, today)?;
    let n = check.total();
    let total = 2 * n + 1;
    while check.checked() < n {
        pace.step(check.checked(), total).await;
        check.records(SLICE)?;
    }
    let file = check.finish()?;
    let existing = existing(store, &file).await?;
    let known = store.get(Collection::Batches, &file.manifest.batch_id).await?.is_some();
    let BatchFile { manifest, records, .. } = file;
    let mut writes = Writes::new(&existing);
    let mut ready: Vec<S::Ready> = Vec::new();
    let mut records = records.into_iter();
    let mut made = 0;
    loop {
        pace.step(n + made, total).await;
        let slice: Vec<CheckedRecord> = records.by_ref().take(SLICE).collect();
        if slice.is_empty() {
            break;
        }
        made += slice.len();
        let batch = writes.records(slice)?;
        if !batch.ops.is_empty() {
            ready.push(store.ready(batch).await?);
        }
    }
    drop(records);
    let Finished { batch, keep_file, mut summary, changed } = writes.finish(&manifest, known)?;
    if !batch.ops.is_empty() {
        ready.push(store.ready(batch).await?);
    }
    if keep_file {
        for part in super::kept::file_parts(&manifest.batch_id, text, &manifest.created_at)? {
            ready.push(store.ready(WriteBatch::new().put(Collection::BatchFiles, part?)).await?);
        }
    }
    if !ready.is_empty() {
        store.write_ready(ready).await?;
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
