use super::*;
use crate::domain::appeal::Appeal;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::batch::tests::{appeal, client};
use crate::domain::batch::{BatchInfo, BatchProblem, BatchText, ImportSummary, Ledger, Manifest, Origin, Selection};
use crate::domain::checklist::Checklist;
use crate::domain::checklist::{Decision, Verdict};
use crate::domain::client::Client;
use crate::domain::date::Date;
use crate::domain::eligibility::Kinds;
use crate::storage::conformance::block_on;
use crate::storage::memory::MemoryStore;
use crate::storage::{self, load};
use crate::storage::{codec, Store, StoreError, StoredRecord, WriteBatch};

fn origin(id: &str) -> Origin {
    Origin {
        batch_id: id.into(),
        device_id: "dev-1".into(),
        device_label: "Планшет 2".into(),
        worker: "Олена Коваль".into(),
        created_at: "2026-11-25T12:00:00Z".into(),
        app_version: "0.1.0".into(),
        rules_version: "2026-01-01".into(),
    }
}

/// The export pipeline with no progress shown; the batch is kept, as the screen keeps it.
/// A batch made and kept, with its file read back from its text.
struct Made {
    file: crate::domain::batch::BatchFile,
    text: String,
    info: BatchInfo,
}

async fn made(s: &MemoryStore, batch_id: &str, selection: Selection, ledger: &Ledger) -> Made {
    let e = export(s, &origin(batch_id), selection, ledger, None, &mut ()).await.expect("export");
    let e = e.expect("something to export");
    Made { file: e.file(), text: e.text, info: e.info }
}

async fn import_text(s: &MemoryStore, text: &str) -> Result<(Manifest, ImportSummary), ImportError> {
    import(s, text, Date::new(2026, 11, 29).expect("date"), &mut ()).await.map(|i| (i.manifest, i.summary))
}

fn checklist(id: &str, appeal_id: &str, client_id: &str) -> Checklist {
    let mut c = Checklist::new(
        id.into(),
        appeal_id.into(),
        client_id.into(),
        Date::new(2026, 11, 20).expect("date"),
        "Борг".into(),
    );
    c.categories = vec!["14".into()];
    c.income.months[0] = "5000".into();
    c.decision = Some(Decision {
        on: "2026-11-24".into(),
        verdict: Verdict::Granted,
        kinds: Kinds { representation: true, ..Kinds::default() },
        ground: String::new(),
    });
    c
}

/// A device with two clients, three appeals (one referral) and a checklist.
fn seeded() -> MemoryStore {
    let s = MemoryStore::new();
    block_on(async {
        let t = "2026-11-20T10:00:00Z";
        storage::save(&s, &client("00000000-0000-4000-8000-0000000000c1", "Коваль"), t).await.expect("save");
        storage::save(&s, &client("00000000-0000-4000-8000-0000000000c2", "Шевченко"), t).await.expect("save");
        storage::save(
            &s,
            &appeal(
                "00000000-0000-4000-8000-0000000000a1",
                "00000000-0000-4000-8000-0000000000c1",
                "Борг за оренду",
                true,
            ),
            t,
        )
        .await
        .expect("save");
        storage::save(
            &s,
            &appeal("00000000-0000-4000-8000-0000000000a2", "00000000-0000-4000-8000-0000000000c1", "Пенсія", false),
            t,
        )
        .await
        .expect("save");
        storage::save(
            &s,
            &appeal(
                "00000000-0000-4000-8000-0000000000a3",
                "00000000-0000-4000-8000-0000000000c2",
                "=HYPERLINK(\"x\")",
                false,
            ),
            t,
        )
        .await
        .expect("save");
        storage::save(
            &s,
            &checklist(
                "00000000-0000-4000-8000-0000000000e1",
                "00000000-0000-4000-8000-0000000000a1",
                "00000000-0000-4000-8000-0000000000c1",
            ),
            t,
        )
        .await
        .expect("save");
        // A second revision of one card.
        storage::save(&s, &client("00000000-0000-4000-8000-0000000000c2", "Шевченко-Бойко"), "2026-11-21T10:00:00Z")
            .await
            .expect("save");
    });
    s
}

async fn everything(s: &MemoryStore) -> Vec<(Collection, Vec<StoredRecord>)> {
    let mut out = vec![];
    for kind in RecordType::ALL {
        let mut recs = s.all(collection_of(kind)).await.expect("all");
        recs.sort_by(|a, b| a.id.cmp(&b.id));
        out.push((collection_of(kind), recs));
    }
    out
}

#[test]
fn export_then_import_into_an_empty_store_gives_the_same_records() {
    block_on(async {
        let s = seeded();
        let Made { file, text, .. } =
            made(&s, "00000000-0000-4000-8000-0000000000b1", Selection::NotExported, &Ledger::default()).await;
        assert_eq!(file.records.len(), 6);
        assert_eq!(file.manifest.counts.referrals, 1);
        let target = MemoryStore::new();
        let (_, summary) = import_text(&target, &text).await.expect("import");
        assert_eq!(summary, ImportSummary { added: 6, updated: 0, unchanged: 0, ignored: 0, ..ImportSummary::default() });
        assert_eq!(everything(&target).await, everything(&s).await, "ids, revisions, times and payloads");
        // The imported batch is remembered with its exact text.
        let kept: BatchText = load(&target, "00000000-0000-4000-8000-0000000000b1").await.expect("load").expect("kept");
        assert_eq!(kept.text, text);
        let info: BatchInfo = load(&target, "00000000-0000-4000-8000-0000000000b1").await.expect("load").expect("info");
        assert!(info.imported);
    });
}

/// Every record of a collection, decoded, by id.
async fn decoded<T: crate::storage::Record>(s: &MemoryStore) -> Vec<T> {
    let mut recs = s.all(T::COLLECTION).await.expect("all");
    recs.sort_by(|a, b| a.id.cmp(&b.id));
    recs.iter().map(|r| crate::storage::codec::decode(r).expect("decode")).collect()
}

#[test]
fn an_import_tells_the_app_what_it_wrote_of_what_the_screens_hold() {
    block_on(async {
        let s = seeded();
        let Made { text, .. } =
            made(&s, "00000000-0000-4000-8000-0000000000b1", Selection::NotExported, &Ledger::default()).await;
        let target = MemoryStore::new();
        let done = import(&target, &text, Date::new(2026, 11, 29).expect("date"), &mut ()).await.expect("import");
        // What the screens would read back from the store after the import, field for field.
        let mut changed = done.changed;
        changed.clients.sort_by(|a, b| a.id.cmp(&b.id));
        changed.appeals.sort_by(|a, b| a.id.cmp(&b.id));
        changed.checklists.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(changed.clients, decoded::<Client>(&target).await);
        assert_eq!(changed.appeals, decoded::<Appeal>(&target).await);
        assert_eq!(changed.checklists, decoded::<Checklist>(&target).await);
        assert_eq!(changed.batches, decoded::<BatchInfo>(&target).await);
        assert_eq!((changed.clients.len(), changed.appeals.len(), changed.checklists.len()), (2, 3, 1));
        // Again: nothing written, nothing to change.
        let again = import(&target, &text, Date::new(2026, 11, 29).expect("date"), &mut ()).await.expect("import");
        assert!(again.changed.is_empty());
    });
}

#[test]
fn importing_the_same_batch_twice_changes_nothing() {
    block_on(async {
        let s = seeded();
        let Made { text, .. } =
            made(&s, "00000000-0000-4000-8000-0000000000b1", Selection::NotExported, &Ledger::default()).await;
        let target = MemoryStore::new();
        import_text(&target, &text).await.expect("first");
        let before = everything(&target).await;
        let batches = target.all(Collection::Batches).await.expect("all");
        let (_, again) = import_text(&target, &text).await.expect("second");
        assert_eq!(again, ImportSummary { added: 0, updated: 0, unchanged: 6, ignored: 0, ..ImportSummary::default() });
        assert_eq!(everything(&target).await, before);
        assert_eq!(target.all(Collection::Batches).await.expect("all"), batches, "no second batch entry");
    });
}

#[test]
fn newer_revisions_replace_older_ones_and_older_ones_are_ignored() {
    block_on(async {
        let s = seeded();
        let Made { text: old_text, .. } =
            made(&s, "00000000-0000-4000-8000-0000000000b1", Selection::NotExported, &Ledger::default()).await;
        storage::save(&s, &client("00000000-0000-4000-8000-0000000000c1", "Коваль-Новак"), "2026-11-22T10:00:00Z")
            .await
            .expect("save");
        let Made { text: new_text, .. } =
            made(&s, "00000000-0000-4000-8000-0000000000b2", Selection::NotExported, &Ledger::default()).await;

        let target = MemoryStore::new();
        import_text(&target, &new_text).await.expect("newer first");
        let (_, summary) = import_text(&target, &old_text).await.expect("older");
        assert_eq!(summary, ImportSummary { added: 0, updated: 0, unchanged: 5, ignored: 1, ..ImportSummary::default() });
        let c: Client = load(&target, "00000000-0000-4000-8000-0000000000c1")
            .await
            .expect("load")
            .expect("00000000-0000-4000-8000-0000000000c1");
        assert_eq!(c.personal.expect("personal").surname, "Коваль-Новак");

        let target = MemoryStore::new();
        import_text(&target, &old_text).await.expect("older first");
        let (_, summary) = import_text(&target, &new_text).await.expect("newer");
        assert_eq!(summary, ImportSummary { added: 0, updated: 1, unchanged: 5, ignored: 0, ..ImportSummary::default() });
        let c: Client = load(&target, "00000000-0000-4000-8000-0000000000c1")
            .await
            .expect("load")
            .expect("00000000-0000-4000-8000-0000000000c1");
        assert_eq!(c.personal.expect("personal").surname, "Коваль-Новак");
    });
}

#[test]
fn a_refused_file_or_a_failed_write_leaves_the_store_as_it_was() {
    block_on(async {
        let s = seeded();
        let Made { text, .. } =
            made(&s, "00000000-0000-4000-8000-0000000000b1", Selection::NotExported, &Ledger::default()).await;
        let target = MemoryStore::new();
        let tampered = text.replacen("Пенсія", "Пенсії", 1);
        assert!(matches!(
            import_text(&target, &tampered).await,
            Err(ImportError::Refused(BatchProblem::RecordChecksum { .. }))
        ));
        assert!(matches!(
            import_text(&target, &text[..text.len() - 10]).await,
            Err(ImportError::Refused(BatchProblem::Truncated))
        ));
        target.fail_writes_with(Some(StoreError::QuotaExceeded));
        assert_eq!(import_text(&target, &text).await.map(|_| ()), Err(ImportError::Store(StoreError::QuotaExceeded)));
        for (_, recs) in everything(&target).await {
            assert!(recs.is_empty());
        }
        assert!(target.all(Collection::Batches).await.expect("all").is_empty());
    });
}

#[test]
fn what_a_batch_carried_is_not_exported_again_until_it_changes() {
    block_on(async {
        let s = seeded();
        assert_eq!(pending(&s, &Ledger::default()).await.expect("pending"), (6, Some("2026-11-20T10:00:00Z".into())));
        let Made { info, .. } =
            made(&s, "00000000-0000-4000-8000-0000000000b1", Selection::NotExported, &Ledger::default()).await;
        assert_eq!(s.count(Collection::Batches).await.expect("count"), 1, "the batch is kept");
        let ledger = Ledger::of(&[info]);
        assert_eq!(pending(&s, &ledger).await.expect("pending"), (0, None));
        assert_eq!(
            export(&s, &origin("00000000-0000-4000-8000-0000000000b2"), Selection::NotExported, &ledger, None, &mut ())
                .await
                .expect("export"),
            None
        );
        storage::save(
            &s,
            &appeal(
                "00000000-0000-4000-8000-0000000000a2",
                "00000000-0000-4000-8000-0000000000c1",
                "Пенсія за віком",
                false,
            ),
            "2026-11-26T10:00:00Z",
        )
        .await
        .expect("save");
        let Made { file: third, .. } =
            made(&s, "00000000-0000-4000-8000-0000000000b3", Selection::NotExported, &ledger).await;
        assert_eq!(
            third.records.iter().map(|r| (r.id.as_str(), r.rev)).collect::<Vec<_>>(),
            [("00000000-0000-4000-8000-0000000000a2", 2)]
        );
        let since = Selection::SinceLastBatch { since: "2026-11-25T12:00:00Z".into() };
        let Made { file: fourth, .. } = made(&s, "00000000-0000-4000-8000-0000000000b4", since, &ledger).await;
        assert_eq!(fourth.records.len(), 1);
        let range = Selection::Range { from: "2026-11-21".into(), to: "2026-11-21".into() };
        let Made { file: fifth, .. } = made(&s, "00000000-0000-4000-8000-0000000000b5", range, &ledger).await;
        assert_eq!(
            fifth.records.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["00000000-0000-4000-8000-0000000000c2"]
        );
    });
}

#[test]
fn purge_waits_for_the_upload_and_keeps_what_statistics_need() {
    block_on(async {
        let s = seeded();
        let Made { mut info, .. } =
            made(&s, "00000000-0000-4000-8000-0000000000b1", Selection::NotExported, &Ledger::default()).await;
        // Not confirmed: nothing is purged.
        assert_eq!(purge(&s, &info, "2026-11-26T09:00:00Z").await.expect("purge"), None);
        let c: Client = load(&s, "00000000-0000-4000-8000-0000000000c1")
            .await
            .expect("load")
            .expect("00000000-0000-4000-8000-0000000000c1");
        assert!(c.personal.is_some());

        // One appeal changed after the export: its new text is not at the centre yet, so it stays.
        storage::save(
            &s,
            &appeal(
                "00000000-0000-4000-8000-0000000000a2",
                "00000000-0000-4000-8000-0000000000c1",
                "Пенсія за віком",
                false,
            ),
            "2026-11-26T08:00:00Z",
        )
        .await
        .expect("save");
        // An unsaved correction of the card (personal data typed) goes with the card's data.
        let edit = crate::domain::intake::CardEdit {
            id: crate::domain::intake::CardEdit::id_for("00000000-0000-4000-8000-0000000000c1"),
            client_id: "00000000-0000-4000-8000-0000000000c1".into(),
            base_rev: 1,
            ..Default::default()
        };
        storage::save(&s, &edit, "2026-11-26T08:10:00Z").await.expect("save");
        // So does one of an appeal the batch carried; that of an appeal made since stays.
        let appeal_edit = |appeal_id: &str| crate::domain::intake::AppealEdit {
            id: crate::domain::intake::AppealEdit::id_for(appeal_id),
            appeal_id: appeal_id.into(),
            client_id: "00000000-0000-4000-8000-0000000000c1".into(),
            base_rev: 1,
            ..Default::default()
        };
        let (carried, since) =
            (appeal_edit("00000000-0000-4000-8000-0000000000a1"), appeal_edit("00000000-0000-4000-8000-0000000000a2"));
        storage::save(&s, &carried, "2026-11-26T08:10:00Z").await.expect("save");
        storage::save(&s, &since, "2026-11-26T08:10:00Z").await.expect("save");
        info.uploaded_at = Some("2026-11-26T08:30:00Z".into());
        let done = purge(&s, &info, "2026-11-26T09:00:00Z").await.expect("purge").expect("confirmed");
        assert_eq!(s.get(Collection::Drafts, &edit.id).await.expect("get"), None, "the correction draft is gone");
        assert_eq!(s.get(Collection::Drafts, &carried.id).await.expect("get"), None, "the appeal's correction too");
        assert!(s.get(Collection::Drafts, &since.id).await.expect("get").is_some(), "a newer appeal's stays");
        assert_eq!(done.purged.len(), 5);
        // The kept file held the same personal data: it is gone too, and the batch says why.
        assert_eq!(s.count(Collection::BatchFiles).await.expect("count"), 0);
        assert_eq!(done.file_removed.as_ref().map(|f| f.because), Some(crate::domain::batch::RemovedBecause::Purged));
        assert!(
            Ledger::of(std::slice::from_ref(&done)).exported(RecordType::Client, "00000000-0000-4000-8000-0000000000c1").is_some(),
            "a delivered batch still counts"
        );
        let c: Client = load(&s, "00000000-0000-4000-8000-0000000000c1")
            .await
            .expect("load")
            .expect("00000000-0000-4000-8000-0000000000c1");
        assert_eq!(c.personal, None);
        assert_eq!(c.purged_at.as_deref(), Some("2026-11-26T09:00:00Z"));
        assert_eq!(c.consent.withdrawn_at, None, "a purge is not a withdrawal");
        let a1: Appeal = load(&s, "00000000-0000-4000-8000-0000000000a1")
            .await
            .expect("load")
            .expect("00000000-0000-4000-8000-0000000000a1");
        assert_eq!((a1.account.as_str(), a1.area.as_str()), ("", "житлові питання"));
        let a2: Appeal = load(&s, "00000000-0000-4000-8000-0000000000a2")
            .await
            .expect("load")
            .expect("00000000-0000-4000-8000-0000000000a2");
        assert_eq!(a2.account, "Пенсія за віком");
        let k1: Checklist = load(&s, "00000000-0000-4000-8000-0000000000e1")
            .await
            .expect("load")
            .expect("00000000-0000-4000-8000-0000000000e1");
        assert_eq!(k1.income.months[0], "");
        assert_eq!(k1.decision.map(|d| d.verdict), Some(Verdict::Granted));
        // Counts remain: every record is still there (this device has no kiosk records).
        for (c, recs) in everything(&s).await {
            assert!(matches!(c, Collection::Audit | Collection::Tickets | Collection::Feedback) || !recs.is_empty());
        }
        // What the purge wrote is not exported again; the changed appeal is.
        let ledger = Ledger::of(&[done]);
        let Made { file: next, .. } =
            made(&s, "00000000-0000-4000-8000-0000000000b2", Selection::NotExported, &ledger).await;
        assert_eq!(
            next.records.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["00000000-0000-4000-8000-0000000000a2"]
        );
    });
}

#[test]
fn the_same_revision_with_other_data_is_refused_as_a_conflict() {
    block_on(async {
        let s = seeded();
        let Made { text, .. } =
            made(&s, "00000000-0000-4000-8000-0000000000b1", Selection::NotExported, &Ledger::default()).await;
        let target = MemoryStore::new();
        // The same card at the same revision, but changed outside the app on this device.
        let mut changed = client("00000000-0000-4000-8000-0000000000c1", "Коваль-Змінена");
        changed.created_at = "2026-11-20T09:00:00Z".into();
        target
            .write(WriteBatch::new().put(Collection::Clients, codec::encode(&changed, 1, "t").expect("encode")))
            .await
            .expect("seed");
        let before = everything(&target).await;
        match import_text(&target, &text).await {
            Err(ImportError::Refused(BatchProblem::Conflict { id, .. })) => {
                assert_eq!(id, "00000000-0000-4000-8000-0000000000c1")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(everything(&target).await, before, "nothing written");
        assert!(target.all(Collection::Batches).await.expect("all").is_empty());
        // The same data at the same revision is simply unchanged.
        let same = MemoryStore::new();
        same.write(WriteBatch::new().put(
            Collection::Clients,
            codec::encode(&client("00000000-0000-4000-8000-0000000000c1", "Коваль"), 1, "t").expect("encode"),
        ))
        .await
        .expect("seed");
        let (_, summary) = import_text(&same, &text).await.expect("import");
        assert_eq!(summary.unchanged, 1);
    });
}

#[test]
fn a_large_file_is_written_whole_from_its_slices_and_what_the_device_holds_is_read_in_pages() {
    block_on(async {
        // More records than a slice of writes and than a page of what the device holds.
        let n = SLICE * 2 + 105;
        let id = |i: usize| format!("00000000-0000-4000-8000-00000000{i:04}");
        let s = MemoryStore::new();
        let mut batch = WriteBatch::new();
        for i in 0..n {
            let at = format!("2026-11-20T10:{:02}:{:02}Z", i / 60, i % 60);
            batch = batch.put(Collection::Clients, codec::encode(&client(&id(i), "Коваль"), 1, &at).expect("encode"));
        }
        s.write(batch).await.expect("seed");
        let Made { text, .. } =
            made(&s, "00000000-0000-4000-8000-0000000000b1", Selection::NotExported, &Ledger::default()).await;
        let target = MemoryStore::new();
        let (_, summary) = import_text(&target, &text).await.expect("import");
        assert_eq!(summary.added, n);
        assert_eq!(target.all(Collection::Clients).await.expect("all"), s.all(Collection::Clients).await.expect("all"));
        let kept = crate::transfer::kept::kept_file(&target, "00000000-0000-4000-8000-0000000000b1").await;
        assert_eq!(kept.expect("kept"), Some(text.clone()), "the file kept whole");
        // Again: every record unchanged (compared page by page), nothing written.
        let before = everything(&target).await;
        let (_, summary) = import_text(&target, &text).await.expect("import again");
        assert_eq!((summary.unchanged, summary.writes()), (n, 0));
        assert_eq!(everything(&target).await, before);
        // The last card (on the last page read) changed here at the same revision: a conflict, nothing written.
        let mut changed = client(&id(n - 1), "Коваль-Змінена");
        changed.created_at = "2026-11-20T09:00:00Z".into();
        let rec = codec::encode(&changed, 1, "2026-11-20T09:00:00Z").expect("encode");
        target.write(WriteBatch::new().put(Collection::Clients, rec)).await.expect("changed");
        let before = everything(&target).await;
        match import_text(&target, &text).await {
            Err(ImportError::Refused(BatchProblem::Conflict { id: at, .. })) => assert_eq!(at, id(n - 1)),
            other => panic!("{other:?}"),
        }
        assert_eq!(everything(&target).await, before);
    });
}

/// Counts what the pipelines report, as the progress bar shows it.
#[derive(Default)]
struct Steps(Vec<(usize, usize)>);

impl Pace for Steps {
    async fn step(&mut self, done: usize, total: usize) {
        self.0.push((done, total));
    }
}

#[test]
fn export_and_import_report_progress_slice_by_slice() {
    block_on(async {
        let s = MemoryStore::new();
        let n = SLICE * 2 + 5;
        let mut batch = WriteBatch::new();
        for i in 0..n {
            batch = batch.put(
                Collection::Clients,
                codec::encode(
                    &client(&format!("00000000-0000-4000-8000-00000000{i:04}"), "Коваль"),
                    1,
                    "2026-11-20T10:00:00Z",
                )
                .expect("encode"),
            );
        }
        s.write(batch).await.expect("seed");
        let mut steps = Steps::default();
        let made = export(
            &s,
            &origin("00000000-0000-4000-8000-0000000000b1"),
            Selection::NotExported,
            &Ledger::default(),
            None,
            &mut steps,
        )
        .await
        .expect("export")
        .expect("made");
        assert_eq!(steps.0, [(0, n), (SLICE, n), (SLICE * 2, n), (n, n)]);
        let mut steps = Steps::default();
        let imported = import(&MemoryStore::new(), &made.text, Date::new(2026, 11, 29).expect("date"), &mut steps)
            .await
            .expect("import");
        assert_eq!(imported.summary.added, n);
        // Each record checked, then made ready to write (a slice at a time both), then the one write.
        let t = 2 * n + 1;
        assert_eq!(
            steps.0,
            [(0, t), (SLICE, t), (SLICE * 2, t), (n, t), (n + SLICE, t), (n + SLICE * 2, t), (2 * n, t), (t, t)]
        );
    });
}

#[test]
fn batches_are_due_for_purge_after_the_retention_period() {
    let Made { file, .. } = block_on(async {
        made(&seeded(), "00000000-0000-4000-8000-0000000000b1", Selection::NotExported, &Ledger::default()).await
    });
    let mut up = BatchInfo::of(&file, false);
    up.uploaded_at = Some("2026-11-20T10:00:00Z".into());
    let not_up = BatchInfo::of(&file, false);
    let mut done = up.clone();
    done.purged_at = Some("2026-11-21T10:00:00Z".into());
    let list = [up, not_up, done];
    let day = |d| Date::new(2026, 11, d).expect("date");
    assert_eq!(due_for_purge(&list, 7, day(26)).len(), 0);
    assert_eq!(due_for_purge(&list, 7, day(27)).len(), 1);
    assert_eq!(due_for_purge(&list, 0, day(20)).len(), 1);
}

fn audit_event(n: u8, action: AuditAction, subject: Option<&str>, at: &str) -> AuditEvent {
    AuditEvent {
        id: crate::domain::ids::uuid_v4([n; 16]),
        at: at.into(),
        device_id: crate::domain::ids::uuid_v4([0xde; 16]),
        worker: "Олена Коваль".into(),
        slot_id: Some(crate::domain::ids::uuid_v4([0x51; 16])),
        action,
        subject: subject.map(str::to_owned),
        count: None,
    }
}

#[test]
fn the_audit_trail_rides_along_with_the_records_and_comes_back_on_import() {
    block_on(async {
        let s = seeded();
        let opened = audit_event(
            1,
            AuditAction::OpenClient,
            Some(&crate::domain::ids::uuid_v4([7; 16])),
            "2026-11-22T08:00:00Z",
        );
        storage::save(&s, &opened, &opened.at).await.expect("save");
        // The trail is not "work not exported": the count is of client records.
        assert_eq!(pending(&s, &Ledger::default()).await.expect("pending").0, 6);
        let Made { file, text, info } =
            made(&s, "00000000-0000-4000-8000-0000000000b1", Selection::NotExported, &Ledger::default()).await;
        assert_eq!(file.records.len(), 7);
        assert_eq!(file.manifest.counts.audit, 1);
        let r = file.records.iter().find(|r| r.kind == RecordType::Audit).expect("the event travels");
        assert_eq!(r.id, opened.id);
        assert!(!r.data.text().contains("Коваль\","), "no client name: {}", r.data.text());
        assert_eq!(crate::domain::batch::csv_tables(&file)[3].0, "pryiom-00000000-audits.csv");
        // Restored on another device, the trail is there as it was.
        let target = MemoryStore::new();
        import_text(&target, &text).await.expect("import");
        assert_eq!(everything(&target).await, everything(&s).await);
        let back: AuditEvent = load(&target, &opened.id).await.expect("load").expect("event");
        assert_eq!(back, opened);
        // New events alone do not make a batch; they go with the next one.
        let ledger = Ledger::of(&[info]);
        let locked = audit_event(2, AuditAction::Lock, None, "2026-11-26T08:00:00Z");
        storage::save(&s, &locked, &locked.at).await.expect("save");
        assert_eq!(pending(&s, &ledger).await.expect("pending"), (0, None));
        assert!(export(
            &s,
            &origin("00000000-0000-4000-8000-0000000000b2"),
            Selection::NotExported,
            &ledger,
            None,
            &mut ()
        )
        .await
        .expect("export")
        .is_none());
        storage::save(&s, &client("00000000-0000-4000-8000-0000000000c3", "Бойко"), "2026-11-26T09:00:00Z")
            .await
            .expect("save");
        let Made { file: next, .. } =
            made(&s, "00000000-0000-4000-8000-0000000000b2", Selection::NotExported, &ledger).await;
        let kinds: Vec<RecordType> = next.records.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, [RecordType::Client, RecordType::Audit]);
    });
}

#[test]
fn an_imported_audit_event_holds_ids_never_names() {
    block_on(async {
        let mut named = audit_event(3, AuditAction::OpenClient, None, "2026-11-22T08:00:00Z");
        named.subject = Some("Шевченко Тарас".into());
        let mut late = audit_event(4, AuditAction::Lock, None, "вчора");
        late.count = Some(1);
        for bad in [named, late] {
            let source = crate::domain::batch::Source {
                kind: RecordType::Audit,
                id: bad.id.clone(),
                rev: 1,
                updated_at: "2026-11-22T08:00:00Z".into(),
                data: serde_json::to_value(&bad).expect("json"),
            };
            let (_, text) = crate::domain::batch::assemble(
                &origin("00000000-0000-4000-8000-0000000000b9"),
                Selection::NotExported,
                vec![crate::domain::batch::record_of(source)],
                None,
            )
            .expect("assemble");
            let target = MemoryStore::new();
            let refused = import_text(&target, &text).await.expect_err("refused");
            assert!(
                matches!(&refused, ImportError::Refused(BatchProblem::RecordInvalid { index: 1, id, .. }) if *id == bad.id),
                "{refused:?}"
            );
            assert!(target.all(Collection::Audit).await.expect("all").is_empty(), "nothing written");
        }
    });
}

#[test]
fn an_appeal_keeps_one_checklist_when_a_file_brings_another_under_its_own_id() {
    block_on(async {
        let s = seeded();
        // The file's checklist of appeal a1 (decided) has an id of its own, as older devices gave.
        let Made { text, .. } =
            made(&s, "00000000-0000-4000-8000-0000000000b1", Selection::NotExported, &Ledger::default()).await;
        let (a1, c1) = ("00000000-0000-4000-8000-0000000000a1", "00000000-0000-4000-8000-0000000000c1");
        let t = "2026-11-22T10:00:00Z";
        let stored = |s: &MemoryStore| {
            let s = s.clone();
            async move {
                let mut ids: Vec<String> = storage::load_all::<Checklist>(&s).await.expect("all").into_iter().map(|c| c.id).collect();
                ids.sort();
                ids
            }
        };

        // Here the appeal's checklist is decided too: the file's is not taken, and the summary says so.
        let here = MemoryStore::new();
        storage::save(&here, &checklist(a1, a1, c1), t).await.expect("save");
        let (_, summary) = import_text(&here, &text).await.expect("import");
        assert_eq!(summary.kept_checklist, 1);
        assert_eq!(stored(&here).await, vec![a1.to_owned()]);
        let said = crate::i18n::import_summary(crate::i18n::Lang::Uk, &summary);
        assert!(said.contains("Не взято другий опитувальник БВПД"), "{said}");

        // Here it is still being filled in: the decided one from the file comes in, and is the appeal's.
        let here = MemoryStore::new();
        let mut open = checklist(a1, a1, c1);
        open.decision = None;
        storage::save(&here, &open, t).await.expect("save");
        let (_, summary) = import_text(&here, &text).await.expect("import");
        assert_eq!(summary.kept_checklist, 0);
        let ids = stored(&here).await;
        assert_eq!(ids.len(), 2);
        let theirs: Checklist = load(&here, "00000000-0000-4000-8000-0000000000e1").await.expect("load").expect("e1");
        assert!(theirs.comes_before(&open) && !open.comes_before(&theirs));
        // Neither decided: the one under the appeal's own id; else by id, the same in every tab.
        let mut other = theirs.clone();
        other.decision = None;
        assert!(open.comes_before(&other) && !other.comes_before(&open));
    });
}

/// A kiosk that never sees a staff tablet delivers its day: tickets and feedback travel in a batch of their own
/// (what visitors gave still sealed for the centre), a staff device imports them into its queue and results, the
/// CSV tables carry them, and once the centre has them the device's sealed copies go.
#[test]
fn a_kiosks_day_travels_in_a_batch_sealed_and_is_purged_after_upload() {
    use crate::domain::kiosk::{Feedback, Question, TicketState, Visitor};
    use crate::kiosk::{give_feedback, issue, Request};
    block_on(async {
        let kiosk = MemoryStore::new();
        let centre = age::x25519::Identity::generate();
        let to = [centre.to_public().to_string()];
        let day = Date::new(2026, 11, 30).expect("date");
        let visitor = Visitor { name: "Ганна Марченко".into(), phone: "+380675551234".into() };
        let request = Request { area: "Житло".into(), needs: vec![], returning: None, visitor: Some(visitor.clone()) };
        let ticket = issue(&kiosk, &request, &to, "00000000-0000-4000-8000-0000000000f1", day, "2026-11-30T08:00:00Z")
            .await
            .expect("issued");
        let feedback =
            Feedback::given("00000000-0000-4000-8000-0000000000f2", day, &[(Question::Clear, 5)], "Дякую Олені", &to)
                .expect("sealed")
                .expect("taken");
        give_feedback(&kiosk, &feedback, "2026-11-30T09:00:00Z").await.expect("written");

        let made = export_new(&kiosk, &origin("00000000-0000-4000-8000-00000000b0b1")).await;
        assert_eq!((made.file().manifest.counts.tickets, made.file().manifest.counts.feedback), (1, 1));
        assert_eq!(made.file().manifest.counts.clients, 0);
        assert!(!made.text.contains("Марченко") && !made.text.contains("Олені"), "sealed in the batch too");
        let tables = crate::domain::batch::csv_tables(&made.file());
        let names: Vec<&str> = tables.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.iter().any(|n| n.ends_with("-tickets.csv")) && names.iter().any(|n| n.ends_with("-feedbacks.csv")));
        let feedback_csv = &tables.iter().find(|(n, _)| n.ends_with("-feedbacks.csv")).expect("table").1;
        assert!(feedback_csv.contains("day,clear,polite,wait,resolved,recommend,comment_sealed"));
        assert!(feedback_csv.contains(",2026-11-30,5,,,,"), "{feedback_csv}");

        // The centre (here a staff device) opens the visitor with its key.
        let staff = MemoryStore::new();
        let (_, summary) = import_text(&staff, &made.text).await.expect("imported");
        assert_eq!(summary.added, 2);
        let (tickets, _) = crate::kiosk::tickets_of(&staff, day).await.expect("read").into_iter().unzip::<_, _, Vec<_>, Vec<_>>();
        assert_eq!(tickets, vec![ticket.clone()]);
        use age::secrecy::ExposeSecret;
        let key = centre.to_string().expose_secret().to_owned();
        let sealed = tickets[0].visitor.as_deref().expect("sealed visitor");
        assert_eq!(crate::domain::kiosk::open::<Visitor>(&key, sealed), Some(visitor));
        assert_eq!(crate::kiosk::all_feedback(&staff).await.expect("read"), vec![feedback.clone()]);
        // The same file again changes nothing.
        let (_, again) = import_text(&staff, &made.text).await.expect("imported");
        assert_eq!((again.added, again.unchanged), (0, 2));

        // A file whose ticket names the visitor readably is refused, and nothing of it is written.
        let mut plain = made.file().clone();
        let mut data = plain.records[0].data.tree().expect("tree");
        data["visitor"] = serde_json::json!("Ганна Марченко");
        plain.records[0] = crate::domain::batch::record_of(crate::domain::batch::Source {
            kind: plain.records[0].kind,
            id: plain.records[0].id.clone(),
            rev: plain.records[0].rev,
            updated_at: plain.records[0].updated_at.clone(),
            data,
        });
        let (plain, text) =
            crate::domain::batch::assemble(&origin("00000000-0000-4000-8000-00000000b0b2"), Selection::NotExported, plain.records, None)
                .expect("assembled");
        assert_eq!(plain.records.len(), 2);
        let fresh = MemoryStore::new();
        let refused = import_text(&fresh, &text).await.expect_err("refused");
        assert!(
            matches!(&refused, ImportError::Refused(BatchProblem::RecordInvalid { issue, .. }) if format!("{issue:?}").contains("visitor")),
            "{refused:?}"
        );
        assert_eq!(fresh.everything().await.expect("everything"), MemoryStore::new().everything().await.expect("everything"));

        // Once the centre confirms it has the batch, the kiosk's sealed copies go; what the queue needs stays.
        let mut info = made.info.clone();
        info.uploaded_at = Some("2026-11-30T18:00:00Z".into());
        purge(&kiosk, &info, "2026-11-30T18:05:00Z").await.expect("purge").expect("confirmed");
        let (after, _) = crate::kiosk::tickets_of(&kiosk, day).await.expect("read").into_iter().unzip::<_, _, Vec<_>, Vec<_>>();
        assert_eq!(after[0].visitor, None);
        assert_eq!((after[0].number, after[0].state.clone()), (1, TicketState::Waiting));
        assert_eq!(crate::kiosk::all_feedback(&kiosk).await.expect("read")[0].comment, None);
        assert_eq!(crate::kiosk::all_feedback(&kiosk).await.expect("read")[0].answers, vec![(Question::Clear, 5)]);
    });
}

#[test]
fn a_receipt_marks_the_batch_received_and_the_purge_removes_only_what_it_lists() {
    use crate::domain::batch::receipt::Receipt;
    use base64::Engine;
    block_on(async {
        let s = seeded();
        let Made { file, info, .. } =
            made(&s, "00000000-0000-4000-8000-0000000000b1", Selection::NotExported, &Ledger::default()).await;
        let centre = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
        let centre_key = base64::engine::general_purpose::STANDARD.encode(centre.verifying_key().as_bytes());
        let mut receipt = Receipt::of(&file, "dev-9", "2026-11-26T08:30:00Z", "body", &centre);
        assert!(receipt.confirms(&centre_key, &info.id, &file.manifest.payload_sha256));

        // A receipt that leaves out a record the batch carried is not this batch's: nothing is marked.
        let mut short = receipt.clone();
        short.accepted.retain(|a| a.id != "00000000-0000-4000-8000-0000000000c1");
        assert_eq!(upload::delivered(&s, &short, "2026-11-26T08:31:00Z").await.expect("delivered"), None);
        let kept: BatchInfo = load(&s, &info.id).await.expect("load").expect("batch");
        assert_eq!((kept.uploaded_at, kept.receipt), (None, None));

        let done = upload::delivered(&s, &receipt, "2026-11-26T08:31:00Z").await.expect("delivered").expect("known");
        assert_eq!(done.uploaded_at.as_deref(), Some("2026-11-26T08:30:00Z"), "the receipt's time");
        assert_eq!(done.receipt.as_ref(), Some(&receipt), "kept with the batch");

        // Whatever the batch says, the purge goes by the receipt: a record it does not list keeps its data.
        receipt.accepted.retain(|a| a.id != "00000000-0000-4000-8000-0000000000c1");
        let mut listed_less = done.clone();
        listed_less.receipt = Some(receipt);
        let purged = purge(&s, &listed_less, "2026-11-26T09:00:00Z").await.expect("purge").expect("received");
        assert!(purged.purged.iter().all(|e| e.id != "00000000-0000-4000-8000-0000000000c1"));
        assert!(!purged.purged.is_empty(), "what it lists is purged");
        let c: Client = load(&s, "00000000-0000-4000-8000-0000000000c1").await.expect("load").expect("client");
        assert!(c.personal.is_some(), "not listed: kept");
    });
}

/// A store that counts the records it opens (every call but `heads` opens what it returns).
struct Counting {
    inner: MemoryStore,
    opened: std::cell::Cell<usize>,
}

impl Counting {
    fn opened(&self, n: usize) {
        self.opened.set(self.opened.get() + n);
    }
}

impl Store for Counting {
    async fn get(&self, c: Collection, id: &str) -> storage::StoreResult<Option<StoredRecord>> {
        let r = self.inner.get(c, id).await?;
        self.opened(usize::from(r.is_some()));
        Ok(r)
    }
    async fn all(&self, c: Collection) -> storage::StoreResult<Vec<StoredRecord>> {
        let r = self.inner.all(c).await?;
        self.opened(r.len());
        Ok(r)
    }
    async fn page(&self, c: Collection, after: Option<&str>, n: u32) -> storage::StoreResult<Vec<StoredRecord>> {
        let r = self.inner.page(c, after, n).await?;
        self.opened(r.len());
        Ok(r)
    }
    async fn find(&self, c: Collection, i: storage::IndexName, key: &str) -> storage::StoreResult<Vec<StoredRecord>> {
        let r = self.inner.find(c, i, key).await?;
        self.opened(r.len());
        Ok(r)
    }
    async fn latest(&self, c: Collection, n: u32) -> storage::StoreResult<Vec<StoredRecord>> {
        let r = self.inner.latest(c, n).await?;
        self.opened(r.len());
        Ok(r)
    }
    async fn heads(&self, c: Collection, after: Option<&str>, n: u32) -> storage::StoreResult<Vec<storage::Head>> {
        self.inner.heads(c, after, n).await
    }
    async fn count(&self, c: Collection) -> storage::StoreResult<u32> {
        self.inner.count(c).await
    }
    type Ready = <MemoryStore as Store>::Ready;
    async fn ready(&self, batch: WriteBatch) -> storage::StoreResult<Self::Ready> {
        self.inner.ready(batch).await
    }
    async fn write_ready(&self, parts: Vec<Self::Ready>) -> storage::StoreResult<()> {
        self.inner.write_ready(parts).await
    }
}

#[test]
fn counting_what_is_not_exported_opens_nothing_and_a_small_batch_opens_only_what_it_takes() {
    block_on(async {
        let s = Counting { inner: MemoryStore::new(), opened: std::cell::Cell::new(0) };
        let id = |i: usize| format!("00000000-0000-4000-8000-{i:012}");
        for i in 0..40 {
            storage::save(&s, &client(&id(i), "Коваль"), &format!("2026-11-20T10:{i:02}:00Z")).await.expect("save");
        }
        assert_eq!(pending(&s, &Ledger::default()).await.expect("pending"), (40, Some("2026-11-20T10:00:00Z".into())));
        assert_eq!(s.opened.get(), 0, "counting opens no record");
        let (batch, none) = (origin("00000000-0000-4000-8000-0000000000b1"), Ledger::default());
        let first =
            export(&s, &batch, Selection::NotExported, &none, None, &mut ()).await.expect("export").expect("a batch");
        assert_eq!(first.file().records.len(), 40);
        let ledger = Ledger::of(&[first.info]);
        // Three cards of the forty change.
        for (i, at) in [(31, "2026-11-26T09:00:00Z"), (7, "2026-11-26T08:00:00Z"), (20, "2026-11-26T10:00:00Z")] {
            let mut c = client(&id(i), "Коваль-Нова");
            c.created_at = "2026-11-20T10:00:00Z".into();
            storage::save(&s, &c, at).await.expect("save");
        }
        assert_eq!(pending(&s, &ledger).await.expect("pending"), (3, Some("2026-11-26T08:00:00Z".into())));
        s.opened.set(0);
        let batch = origin("00000000-0000-4000-8000-0000000000b2");
        let second =
            export(&s, &batch, Selection::NotExported, &ledger, None, &mut ()).await.expect("export").expect("a batch");
        assert_eq!(
            second.file().records.iter().map(|r| (r.id.clone(), r.rev)).collect::<Vec<_>>(),
            [(id(7), 2), (id(31), 2), (id(20), 2)],
            "the changed cards, oldest change first"
        );
        assert_eq!(s.opened.get(), 3, "only the three cards taken were opened");
    });
}
