//! The decoded data: what the screens read, kept in memory once loaded from the store (clients, appeals, search
//! index, directory, question areas, batches), and the writes that change it. Each write goes to the store first, in
//! one transaction, and only then to memory.
//!
//! [`Data`] has ONE owner, `Ctx::data`, a reactive store: a view reads a field (`ctx.data.clients().with(…)`) and
//! updates when that field changes — nothing to remember to track. Setting it to `Data::default()` drops every decoded
//! record at once (what locking the app will do).

use std::collections::HashMap;

use leptos::prelude::{GetUntracked, Set, Track, Update, UpdateUntracked, WithUntracked};

use crate::domain::appeal::Appeal;
use crate::domain::batch::{BatchInfo, Ledger};
use crate::domain::checklist::Checklist;
use crate::domain::client::Client;
use crate::domain::eligibility::{Rules, RulesRecord, RULES_ID};
use crate::domain::intake::{
    is_intake_draft_id, untouched_for_longer, Erasure, IntakeDraft, QuestionAreas, QUESTION_AREAS_ID,
};
use crate::domain::lists::Lists;
use crate::domain::referral::{Directory, DirectoryRecord, DIRECTORY_ID};
use crate::domain::search::SearchIndex;
use crate::storage::{self, codec, Collection, Record, Store, StoreResult, WriteBatch};

use super::app::Ctx;
use super::app_store::AppStore;

#[derive(Default, reactive_stores::Store)]
pub struct Data {
    pub clients: HashMap<String, Client>,
    /// Appeals of each client, newest first.
    pub appeals: HashMap<String, Vec<Appeal>>,
    pub index: SearchIndex,
    pub directory: Directory,
    pub areas: QuestionAreas,
    /// The БВПД checklist of each appeal that has one, by appeal id.
    pub checklists: HashMap<String, Checklist>,
    /// The eligibility rules in use (the newer of the shipped file and the one installed here).
    pub rules: Option<Rules>,
    /// The rules file installed on this device, if any.
    pub installed_rules: Option<Rules>,
    /// The serial of the rules file shipped with the app, once read.
    pub shipped_rules: Option<Rules>,
    /// Export batches, newest first, and the record revisions they carried.
    pub batches: Vec<BatchInfo>,
    pub ledger: Ledger,
    /// Records that could not be read back (shown to the user; the rest loads).
    pub unreadable: usize,
    /// The client screen's lists as last made with no search or filter and every record loaded: shown at once when
    /// the screen opens again (it makes them anew behind; with 100,000 cards that takes a third of a second).
    /// Forgotten at any change of the cards or appeals ([`forget_lists_on_change`]), and with the rest at lock.
    pub lists_seen: Option<Lists>,
}

/// Forgets [`Data::lists_seen`] whenever the cards or the appeals change (a withdrawal's erased appeals do not stay
/// behind in it).
pub fn forget_lists_on_change(ctx: Ctx) {
    leptos::prelude::Effect::new(move |_| {
        ctx.data.clients().track();
        ctx.data.appeals().track();
        ctx.data.lists_seen().update_untracked(|seen| *seen = None);
    });
}

/// Records read (and decrypted) per slice of a large collection: a slice is read, opened and decoded, then the
/// browser may paint and handle input before the next (reading 20,000 sealed cards at once held the screen for
/// the whole read, so the first rows waited for it).
const PAGE: u32 = 1000;

/// Every record of a collection, read and decoded a slice at a time; `each` takes them as they come.
pub(super) async fn read_paged<T: Record>(
    store: &AppStore,
    collection: Collection,
    unreadable: &mut usize,
    mut each: impl FnMut(T),
) -> StoreResult<()> {
    let mut after: Option<String> = None;
    loop {
        let page = store.page(collection, after.as_deref(), PAGE).await?;
        let Some(last) = page.last() else { return Ok(()) };
        after = Some(last.id.clone());
        let full = page.len() == PAGE as usize;
        decode_each::<T>(page, unreadable, &mut each).await;
        if !full {
            return Ok(());
        }
        super::platform::yield_now().await;
    }
}

/// Decodes records and hands each to `each`, in pieces of some 30 ms ([`super::platform::Pieces`]): between them the
/// browser may paint and handle input, so a device with tens of thousands of records stays responsive while they
/// load.
async fn decode_each<T: Record>(recs: Vec<storage::StoredRecord>, unreadable: &mut usize, each: &mut impl FnMut(T)) {
    let mut pieces = super::platform::Pieces::new();
    for r in recs {
        pieces.pause().await;
        match codec::decode::<T>(&r) {
            Ok(v) => each(v),
            Err(_) => *unreadable += 1,
        }
    }
}

async fn decode_all<T: Record>(recs: Vec<storage::StoredRecord>, unreadable: &mut usize) -> Vec<T> {
    let mut out = Vec::with_capacity(recs.len());
    decode_each(recs, unreadable, &mut |v| out.push(v)).await;
    out
}

impl Data {
    pub async fn load(store: &AppStore) -> StoreResult<Data> {
        let mut d = Data::default();
        d.load_clients(store).await?;
        d.load_rest(store).await?;
        Ok(d)
    }

    /// The cards updated last, `n` of them, with their search entries: what the client list shows while every card
    /// is read (a first screen that does not wait for the whole register). Unreadable ones are counted by
    /// [`Self::load_clients`], which reads them again.
    pub async fn load_latest_clients(&mut self, store: &AppStore, n: u32) -> StoreResult<()> {
        let mut unreadable = 0;
        for c in decode_all::<Client>(store.latest(Collection::Clients, n).await?, &mut unreadable).await {
            self.index.upsert(&c.id, c.personal.as_ref());
            self.clients.insert(c.id.clone(), c);
        }
        Ok(())
    }

    /// The cards and their search index: what the client list and search need, read first at unlock.
    pub async fn load_clients(&mut self, store: &AppStore) -> StoreResult<()> {
        let d = self;
        let mut unreadable = 0;
        // Room for every card at once: grown as they come, the map of 100,000 cards was held twice while it moved
        // (some 25 MB more at the peak, and wasm memory never shrinks).
        let count = store.count(Collection::Clients).await? as usize;
        d.clients.reserve(count);
        d.index.reserve(count);
        read_paged::<Client>(store, Collection::Clients, &mut unreadable, |c| {
            d.index.upsert(&c.id, c.personal.as_ref());
            d.clients.insert(c.id.clone(), c);
        })
        .await?;
        // Search runs on every keystroke over the whole index: a first search here keeps its code in the app shell
        // with the index code it calls, instead of in a screen's split piece calling across modules.
        std::hint::black_box(d.index.search(std::hint::black_box(""), 1));
        d.unreadable += unreadable;
        Ok(())
    }

    /// Everything but the cards: appeals, checklists, rules, batches, the directory, question areas.
    pub async fn load_rest(&mut self, store: &AppStore) -> StoreResult<()> {
        let d = self;
        let mut unreadable = 0;
        read_paged::<Appeal>(store, Collection::Appeals, &mut unreadable, |a| {
            d.appeals.entry(a.client_id.clone()).or_default().push(a);
        })
        .await?;
        for list in d.appeals.values_mut() {
            list.sort_by(|a, b| b.received_at.cmp(&a.received_at));
        }
        for c in decode_all::<Checklist>(store.all(Collection::Assessments).await?, &mut unreadable).await {
            keep_checklist(&mut d.checklists, c);
        }
        match storage::load::<RulesRecord>(store, RULES_ID).await {
            // A file installed before rules were signed no longer verifies: the shipped rules apply, and Settings
            // says so (it is not damaged data).
            Ok(Some(r)) => d.installed_rules = Rules::parse(&r.text).ok(),
            Ok(None) => {}
            Err(_) => unreadable += 1,
        }
        d.rules = d.installed_rules.clone();
        d.batches = decode_all::<BatchInfo>(store.all(Collection::Batches).await?, &mut unreadable).await;
        d.batches.sort_by(|a, b| b.created_at.cmp(&a.created_at));
        d.ledger = Ledger::of(&d.batches);
        d.mark_exported();
        d.directory = match storage::load::<DirectoryRecord>(store, DIRECTORY_ID).await {
            Ok(Some(r)) => r.directory,
            Ok(None) => Directory::default(),
            Err(_) => {
                unreadable += 1;
                Directory::default()
            }
        };
        d.areas = match storage::load::<QuestionAreas>(store, QUESTION_AREAS_ID).await {
            Ok(Some(a)) => a,
            Ok(None) => QuestionAreas::default(),
            Err(_) => {
                unreadable += 1;
                QuestionAreas::default()
            }
        };
        d.unreadable += unreadable;
        Ok(())
    }

    /// What an import wrote, put into what is held (instead of reading every record again): cards and their search
    /// entries replaced, appeals replaced wherever they were listed (a moved one leaves its old card's list),
    /// checklists kept by the appeal's rule, the batch list and export marks redone.
    pub fn apply(&mut self, changed: crate::transfer::Changed) {
        let crate::transfer::Changed { clients, appeals, checklists, batches } = changed;
        for c in clients {
            self.index.upsert(&c.id, c.personal.as_ref());
            self.clients.insert(c.id.clone(), c);
        }
        if !appeals.is_empty() {
            let ids: std::collections::HashSet<&str> = appeals.iter().map(|a| a.id.as_str()).collect();
            for list in self.appeals.values_mut() {
                list.retain(|a| !ids.contains(a.id.as_str()));
            }
            let mut touched = std::collections::HashSet::new();
            for a in appeals {
                touched.insert(a.client_id.clone());
                self.appeals.entry(a.client_id.clone()).or_default().push(a);
            }
            for id in touched {
                if let Some(list) = self.appeals.get_mut(&id) {
                    list.sort_by(|a, b| b.received_at.cmp(&a.received_at));
                }
            }
        }
        for c in checklists {
            keep_checklist(&mut self.checklists, c);
        }
        for b in batches {
            self.put_batch(b);
        }
        // The appeals put in take their export marks (when no new batch came, `put_batch` did not run).
        self.mark_exported();
    }

    /// Remembers a batch made, imported, confirmed or purged.
    pub fn put_batch(&mut self, info: BatchInfo) {
        self.batches.retain(|b| b.id != info.id);
        self.batches.push(info);
        self.batches.sort_by(|a, b| b.created_at.cmp(&a.created_at));
        self.ledger = Ledger::of(&self.batches);
        self.mark_exported();
    }

    /// Which batch carried each appeal (the newest that did), for the appeal list's "exported" filter. Kept in
    /// memory from the batch list; the stored appeal is never rewritten for it (that would make it a new revision).
    fn mark_exported(&mut self) {
        use crate::domain::batch::RecordType;
        let mut carried: HashMap<&str, &str> = HashMap::new();
        for b in self.batches.iter().rev() {
            for e in b.entries.iter().filter(|e| e.kind == RecordType::Appeal) {
                carried.insert(&e.id, &b.id);
            }
        }
        for a in self.appeals.values_mut().flatten() {
            a.exported_in = carried.get(a.id.as_str()).map(|b| (*b).to_owned());
        }
    }

    /// An appeal and its client's card.
    pub fn appeal_and_client(&self, appeal_id: &str) -> Option<(Appeal, Client)> {
        let a = self.appeal(appeal_id)?.clone();
        let c = self.clients.get(&a.client_id)?.clone();
        Some((a, c))
    }

    pub fn appeal(&self, id: &str) -> Option<&Appeal> {
        self.appeals.values().flatten().find(|a| a.id == id)
    }
}

/// Saves a new card; the intake draft moves on with it in the same transaction.
pub async fn create_client(store: &AppStore, client: &Client, draft: &IntakeDraft, now: &str) -> StoreResult<()> {
    let batch = WriteBatch::new().insert(Collection::Clients, codec::encode(client, 1, now)?).next(draft, now)?;
    store.write(batch).await
}

/// Saves a corrected card as the revision after `base_rev`, and removes its correction draft, together; refused
/// with [`crate::storage::StoreError::Conflict`] (nothing written) when the card was saved meanwhile.
pub async fn save_correction(
    store: &AppStore,
    client: &Client,
    base_rev: u64,
    now: &str,
    event: &crate::domain::audit::AuditEvent,
) -> StoreResult<()> {
    let draft = crate::domain::intake::CardEdit::id_for(&client.id);
    let batch = WriteBatch::new().next_after(client, base_rev, now)?.delete(Collection::Drafts, draft);
    store.write(crate::web::audit::with(batch, event)?).await
}

/// An appeal as stored, and its revision.
pub async fn read_appeal(store: &AppStore, id: &str) -> StoreResult<Option<(Appeal, u64)>> {
    match store.get(Collection::Appeals, id).await? {
        Some(rec) => Ok(Some((storage::codec::decode(&rec)?, rec.rev))),
        None => Ok(None),
    }
}

/// Writes a corrected appeal (or its follow-up marked done) as the next revision after `rev`, only if that is still
/// the one stored, with its trail event, in one transaction.
pub async fn save_appeal_change(ctx: super::app::Ctx, store: &AppStore, next: &Appeal, rev: u64, now: &str) -> StoreResult<()> {
    let action = crate::domain::audit::AuditAction::AppealCorrected;
    let event = crate::web::audit::event(ctx, action, Some(&next.id), None)?;
    // Its unsaved correction (if any) goes with the save.
    let draft = crate::domain::intake::AppealEdit::id_for(&next.id);
    let batch = WriteBatch::new().next_after(next, rev, now)?.delete(Collection::Drafts, draft);
    store.write(crate::web::audit::with(batch, &event)?).await?;
    crate::web::audit::written(ctx);
    Ok(())
}

/// Drops an unsaved correction of a card.
pub async fn drop_correction(store: &AppStore, client_id: &str) -> StoreResult<()> {
    let draft = crate::domain::intake::CardEdit::id_for(client_id);
    store.write(WriteBatch::new().delete(Collection::Drafts, draft)).await
}

/// Drops an unsaved correction of an appeal.
pub async fn drop_appeal_correction(store: &AppStore, appeal_id: &str) -> StoreResult<()> {
    let draft = crate::domain::intake::AppealEdit::id_for(appeal_id);
    store.write(WriteBatch::new().delete(Collection::Drafts, draft)).await
}

/// Saves an appeal and removes the intake draft, together.
pub async fn save_appeal(store: &AppStore, appeal: &Appeal, draft_id: &str, now: &str) -> StoreResult<()> {
    let batch = WriteBatch::new().next(appeal, now)?.delete(Collection::Drafts, draft_id);
    store.write(batch).await
}

// What a committed write changed, into the decoded data: each touches only the fields it changes, so only the views
// that read those update.

pub fn remember_erasure(ctx: Ctx, erasure: Erasure) {
    remember_client(ctx, erasure.client);
    for a in erasure.appeals {
        remember_appeal(ctx, a);
    }
    for c in erasure.checklists {
        remember_checklist(ctx, c);
    }
}

pub fn remember_client(ctx: Ctx, client: Client) {
    ctx.data.index().update(|index| index.upsert(&client.id, client.personal.as_ref()));
    ctx.data.clients().update(|clients| {
        clients.insert(client.id.clone(), client);
    });
    ctx.data_changed();
}

pub fn remember_appeal(ctx: Ctx, appeal: Appeal) {
    ctx.data.appeals().update(|appeals| {
        let list = appeals.entry(appeal.client_id.clone()).or_default();
        list.retain(|x| x.id != appeal.id);
        list.push(appeal);
        list.sort_by(|a, b| b.received_at.cmp(&a.received_at));
    });
    ctx.data_changed();
}

pub fn remember_checklist(ctx: Ctx, checklist: Checklist) {
    ctx.data.checklists().update(|checklists| keep_checklist(checklists, checklist));
    ctx.data_changed();
}

/// The appeal's checklist: this one, unless the appeal has another that comes first (see [`Checklist::comes_before`]).
fn keep_checklist(checklists: &mut HashMap<String, Checklist>, c: Checklist) {
    if checklists.get(&c.appeal_id).is_none_or(|other| c.comes_before(other)) {
        checklists.insert(c.appeal_id.clone(), c);
    }
}

/// A batch made, imported, confirmed or purged: the batch list, the ledger and the appeals' export marks.
pub fn remember_batch(ctx: Ctx, info: BatchInfo) {
    ctx.update_data(|d| d.put_batch(info));
}

/// Saves this tab's edit of a list edited as a whole (the directory, the question areas): read as stored, the edit
/// put on it entry by entry (`merge(stored)`), written only on the revision read — another tab's save in between
/// makes it read and merge again, so neither tab's entries are lost. Returns what was written.
async fn save_merged<T: crate::storage::Record>(
    store: &AppStore,
    id: &str,
    now: &str,
    merge: impl Fn(Option<T>) -> T,
) -> StoreResult<T> {
    crate::storage::retry_on_conflict(|| async {
        let (stored, rev) = match store.get(T::COLLECTION, id).await? {
            Some(rec) => (Some(crate::storage::codec::decode::<T>(&rec)?), rec.rev),
            None => (None, 0),
        };
        let next = merge(stored);
        store.write(WriteBatch::new().next_after(&next, rev, now)?).await?;
        Ok(next)
    })
    .await
}

/// Saves the directory as edited from `base` (what this tab showed); returns the directory now stored.
pub async fn save_directory(store: &AppStore, base: &Directory, mine: &Directory, now: &str) -> StoreResult<Directory> {
    let rec = save_merged::<DirectoryRecord>(store, DIRECTORY_ID, now, |stored| {
        let theirs = stored.map_or_else(|| base.clone(), |r| r.directory);
        DirectoryRecord { id: DIRECTORY_ID.into(), directory: Directory::merged(base, mine, &theirs) }
    })
    .await?;
    Ok(rec.directory)
}

/// Saves the question areas as edited from `base`; returns the list now stored.
pub async fn save_areas(
    store: &AppStore,
    base: &QuestionAreas,
    mine: &QuestionAreas,
    now: &str,
) -> StoreResult<QuestionAreas> {
    save_merged::<QuestionAreas>(store, QUESTION_AREAS_ID, now, |stored| {
        let theirs = stored.unwrap_or_else(|| base.clone());
        QuestionAreas { id: QUESTION_AREAS_ID.into(), ..QuestionAreas::merged(base, mine, &theirs) }
    })
    .await
}

/// Installs a rules file a centre gave (already checked to be valid and newer), kept as given.
pub async fn save_rules(store: &AppStore, text: &str, now: &str) -> StoreResult<()> {
    storage::save(store, &RulesRecord { id: RULES_ID.into(), text: text.to_owned() }, now).await
}

/// Removes the installed rules file, with its audit event, in one transaction.
pub async fn remove_rules(store: &AppStore, event: &crate::domain::audit::AuditEvent) -> StoreResult<()> {
    let batch = WriteBatch::new().delete(Collection::Reference, RULES_ID);
    store.write(crate::web::audit::with(batch, event)?).await
}

/// Reads everything again after a change of many records (import, purge), then tells the screens.
pub async fn reload(ctx: Ctx, store: &AppStore) -> StoreResult<()> {
    let mut fresh = Data::load(store).await?;
    let (rules, shipped) = ctx.data.with_untracked(|d| (d.rules.clone(), d.shipped_rules.clone()));
    // The rules in use were settled at start (shipped or installed); keep them.
    fresh.rules = rules;
    fresh.shipped_rules = shipped;
    ctx.data.set(fresh);
    ctx.data_changed();
    Ok(())
}

/// After an import: what it wrote goes into the decoded data; everything is read again only when it also carried
/// out a withdrawal (which erases records beyond those it wrote). While the data is still loading, the loader may
/// have read past what the import changed: it reads everything again once done.
pub async fn imported(ctx: Ctx, store: &AppStore, withdrew: bool, changed: crate::transfer::Changed) -> StoreResult<()> {
    if !ctx.data_ready.get_untracked() {
        super::tabs::missed();
        return Ok(());
    }
    if withdrew {
        return reload(ctx, store).await;
    }
    if !changed.is_empty() {
        ctx.update_data(|d| d.apply(changed));
    }
    Ok(())
}

/// Purges the batches whose retention period after upload has passed (the period set in Settings).
pub async fn purge_due(ctx: Ctx, store: &AppStore) -> StoreResult<usize> {
    let Some(days) = ctx.device.with_untracked(|d| d.as_ref().and_then(|d| d.retention_days)) else {
        return Ok(0);
    };
    let due: Vec<BatchInfo> = ctx.data.batches().with_untracked(|b| {
        crate::transfer::due_for_purge(b, days, super::platform::today()).into_iter().cloned().collect()
    });
    for b in &due {
        crate::transfer::purge(store, b, &super::platform::now_iso()).await?;
    }
    if !due.is_empty() {
        reload(ctx, store).await?;
    }
    Ok(due.len())
}

/// Erases the intake left unfinished for longer than the period set in Settings (it may hold a person's data).
/// Returns whether one was erased.
pub async fn erase_abandoned_draft(ctx: Ctx, store: &AppStore) -> StoreResult<bool> {
    let Some(days) = ctx.device.with_untracked(|d| d.as_ref().map(|d| d.draft_days)) else { return Ok(false) };
    // By the envelope's time of the last save: the draft itself is not decoded here (nor its code kept in the shell).
    let today = super::platform::today();
    let mut batch = WriteBatch::new();
    for d in store.all(Collection::Drafts).await? {
        if is_intake_draft_id(&d.id) && untouched_for_longer(&d.updated_at, today, days) {
            batch = batch.delete(Collection::Drafts, d.id);
        }
    }
    if batch.ops.is_empty() {
        return Ok(false);
    }
    store.write(batch).await?;
    Ok(true)
}
