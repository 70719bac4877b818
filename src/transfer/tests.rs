use super::*;
use crate::domain::batch::tests::{appeal, client};
use crate::domain::checklist::{Decision, Verdict};
use crate::domain::date::Date;
use crate::domain::eligibility::Kinds;
use crate::storage::conformance::block_on;
use crate::storage::memory::MemoryStore;
use crate::storage::{self, load};

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

fn checklist(id: &str, appeal_id: &str, client_id: &str) -> Checklist {
    let mut c = Checklist::new(id.into(), appeal_id.into(), client_id.into(), Date::new(2026, 11, 20).expect("date"), "Борг".into());
    c.categories = vec!["14".into()];
    c.income.months[0] = "5000".into();
    c.decision = Some(Decision { on: "2026-11-24".into(), verdict: Verdict::Granted, kinds: Kinds { representation: true, ..Kinds::default() }, ground: String::new() });
    c
}

/// A device with two clients, three appeals (one referral) and a checklist.
fn seeded() -> MemoryStore {
    let s = MemoryStore::new();
    block_on(async {
        let t = "2026-11-20T10:00:00Z";
        storage::save(&s, &client("c1", "Коваль"), t).await.expect("save");
        storage::save(&s, &client("c2", "Шевченко"), t).await.expect("save");
        storage::save(&s, &appeal("a1", "c1", "Борг за оренду", true), t).await.expect("save");
        storage::save(&s, &appeal("a2", "c1", "Пенсія", false), t).await.expect("save");
        storage::save(&s, &appeal("a3", "c2", "=HYPERLINK(\"x\")", false), t).await.expect("save");
        storage::save(&s, &checklist("k1", "a1", "c1"), t).await.expect("save");
        // A second revision of one card.
        storage::save(&s, &client("c2", "Шевченко-Бойко"), "2026-11-21T10:00:00Z").await.expect("save");
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
        let (file, text) = export(&s, &origin("b1"), Selection::NotExported, &Ledger::default()).await.expect("export");
        assert_eq!(file.records.len(), 6);
        assert_eq!(file.manifest.counts.referrals, 1);
        let target = MemoryStore::new();
        let (_, summary) = import(&target, &text).await.expect("import");
        assert_eq!(summary, ImportSummary { added: 6, updated: 0, unchanged: 0, ignored: 0 });
        assert_eq!(everything(&target).await, everything(&s).await, "ids, revisions, times and payloads");
        // The imported batch is remembered with its exact text.
        let kept: BatchText = load(&target, "b1").await.expect("load").expect("kept");
        assert_eq!(kept.text, text);
        let info: BatchInfo = load(&target, "b1").await.expect("load").expect("info");
        assert!(info.imported);
    });
}

#[test]
fn importing_the_same_batch_twice_changes_nothing() {
    block_on(async {
        let s = seeded();
        let (_, text) = export(&s, &origin("b1"), Selection::NotExported, &Ledger::default()).await.expect("export");
        let target = MemoryStore::new();
        import(&target, &text).await.expect("first");
        let before = everything(&target).await;
        let batches = target.all(Collection::Batches).await.expect("all");
        let (_, again) = import(&target, &text).await.expect("second");
        assert_eq!(again, ImportSummary { added: 0, updated: 0, unchanged: 6, ignored: 0 });
        assert_eq!(everything(&target).await, before);
        assert_eq!(target.all(Collection::Batches).await.expect("all"), batches, "no second batch entry");
    });
}

#[test]
fn newer_revisions_replace_older_ones_and_older_ones_are_ignored() {
    block_on(async {
        let s = seeded();
        let (_, old_text) = export(&s, &origin("b1"), Selection::NotExported, &Ledger::default()).await.expect("export");
        storage::save(&s, &client("c1", "Коваль-Новак"), "2026-11-22T10:00:00Z").await.expect("save");
        let (_, new_text) = export(&s, &origin("b2"), Selection::NotExported, &Ledger::default()).await.expect("export");

        let target = MemoryStore::new();
        import(&target, &new_text).await.expect("newer first");
        let (_, summary) = import(&target, &old_text).await.expect("older");
        assert_eq!(summary, ImportSummary { added: 0, updated: 0, unchanged: 5, ignored: 1 });
        let c: Client = load(&target, "c1").await.expect("load").expect("c1");
        assert_eq!(c.personal.expect("personal").surname, "Коваль-Новак");

        let target = MemoryStore::new();
        import(&target, &old_text).await.expect("older first");
        let (_, summary) = import(&target, &new_text).await.expect("newer");
        assert_eq!(summary, ImportSummary { added: 0, updated: 1, unchanged: 5, ignored: 0 });
        let c: Client = load(&target, "c1").await.expect("load").expect("c1");
        assert_eq!(c.personal.expect("personal").surname, "Коваль-Новак");
    });
}

#[test]
fn a_refused_file_or_a_failed_write_leaves_the_store_as_it_was() {
    block_on(async {
        let s = seeded();
        let (_, text) = export(&s, &origin("b1"), Selection::NotExported, &Ledger::default()).await.expect("export");
        let target = MemoryStore::new();
        let tampered = text.replacen("Пенсія", "Пенсії", 1);
        assert!(matches!(import(&target, &tampered).await, Err(ImportError::Refused(BatchProblem::RecordChecksum { .. }))));
        assert!(matches!(import(&target, &text[..text.len() - 10]).await, Err(ImportError::Refused(BatchProblem::Truncated))));
        target.fail_writes_with(Some(StoreError::QuotaExceeded));
        assert_eq!(import(&target, &text).await.map(|_| ()), Err(ImportError::Store(StoreError::QuotaExceeded)));
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
        let (file, text) = export(&s, &origin("b1"), Selection::NotExported, &Ledger::default()).await.expect("export");
        assert_eq!(pending(&s, &Ledger::default()).await.expect("pending"), (6, Some("2026-11-20T10:00:00Z".into())));
        let info = keep_batch(&s, &file, &text, false).await.expect("keep");
        let ledger = Ledger::of(&[info]);
        assert_eq!(pending(&s, &ledger).await.expect("pending"), (0, None));
        let (second, _) = export(&s, &origin("b2"), Selection::NotExported, &ledger).await.expect("export");
        assert!(second.records.is_empty());
        storage::save(&s, &appeal("a2", "c1", "Пенсія за віком", false), "2026-11-26T10:00:00Z").await.expect("save");
        let (third, _) = export(&s, &origin("b3"), Selection::NotExported, &ledger).await.expect("export");
        assert_eq!(third.records.iter().map(|r| (r.id.as_str(), r.rev)).collect::<Vec<_>>(), [("a2", 2)]);
        let since = Selection::SinceLastBatch { since: "2026-11-25T12:00:00Z".into() };
        let (fourth, _) = export(&s, &origin("b4"), since, &ledger).await.expect("export");
        assert_eq!(fourth.records.len(), 1);
        let range = Selection::Range { from: "2026-11-21".into(), to: "2026-11-21".into() };
        let (fifth, _) = export(&s, &origin("b5"), range, &ledger).await.expect("export");
        assert_eq!(fifth.records.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["c2"]);
    });
}

#[test]
fn purge_waits_for_the_upload_and_keeps_what_statistics_need() {
    block_on(async {
        let s = seeded();
        let (file, text) = export(&s, &origin("b1"), Selection::NotExported, &Ledger::default()).await.expect("export");
        let mut info = keep_batch(&s, &file, &text, false).await.expect("keep");
        // Not confirmed: nothing is purged.
        assert_eq!(purge(&s, &info, "2026-11-26T09:00:00Z").await.expect("purge"), None);
        let c: Client = load(&s, "c1").await.expect("load").expect("c1");
        assert!(c.personal.is_some());

        // One appeal changed after the export: its new text is not at the centre yet, so it stays.
        storage::save(&s, &appeal("a2", "c1", "Пенсія за віком", false), "2026-11-26T08:00:00Z").await.expect("save");
        info.uploaded_at = Some("2026-11-26T08:30:00Z".into());
        let done = purge(&s, &info, "2026-11-26T09:00:00Z").await.expect("purge").expect("confirmed");
        assert_eq!(done.purged.len(), 5);
        let c: Client = load(&s, "c1").await.expect("load").expect("c1");
        assert_eq!(c.personal, None);
        assert_eq!(c.purged_at.as_deref(), Some("2026-11-26T09:00:00Z"));
        assert_eq!(c.consent.withdrawn_at, None, "a purge is not a withdrawal");
        let a1: Appeal = load(&s, "a1").await.expect("load").expect("a1");
        assert_eq!((a1.account.as_str(), a1.area.as_str()), ("", "житлові питання"));
        let a2: Appeal = load(&s, "a2").await.expect("load").expect("a2");
        assert_eq!(a2.account, "Пенсія за віком");
        let k1: Checklist = load(&s, "k1").await.expect("load").expect("k1");
        assert_eq!(k1.income.months[0], "");
        assert_eq!(k1.decision.map(|d| d.verdict), Some(Verdict::Granted));
        // Counts remain: every record is still there.
        for (_, recs) in everything(&s).await {
            assert!(!recs.is_empty());
        }
        // What the purge wrote is not exported again; the changed appeal is.
        let ledger = Ledger::of(&[done]);
        let (next, _) = export(&s, &origin("b2"), Selection::NotExported, &ledger).await.expect("export");
        assert_eq!(next.records.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["a2"]);
    });
}

#[test]
fn batches_are_due_for_purge_after_the_retention_period() {
    let (file, _) = block_on(async { export(&seeded(), &origin("b1"), Selection::NotExported, &Ledger::default()).await.expect("export") });
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
