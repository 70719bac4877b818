use super::*;
use crate::domain::intake::intake_draft_id;
use crate::domain::batch::tests::{appeal, client};
use crate::domain::batch::{Ledger, Origin, Selection};
use crate::domain::checklist::Checklist;
use crate::domain::date::Date;
use crate::storage::conformance::block_on;
use crate::storage::memory::MemoryStore;
use crate::storage::{self, load};
use crate::transfer;

fn origin(id: &str) -> Origin {
    Origin { batch_id: id.into(), created_at: "2026-11-25T12:00:00Z".into(), ..Origin::default() }
}


/// Personal values only the client "c1" has (the test helper gives both clients the same phone and address): the
/// surname and the account of its appeal (also the checklist's issue text).
const C1_PERSONAL: [&str; 2] = ["Гнатюк", "Борг за оренду"];

async fn seeded() -> MemoryStore {
    let s = MemoryStore::new();
    let t = "2026-11-20T10:00:00Z";
    storage::save(&s, &client("c1", "Гнатюк"), t).await.expect("save");
    storage::save(&s, &client("c2", "Шевченко"), t).await.expect("save");
    storage::save(&s, &appeal("a1", "c1", "Борг за оренду", true), t).await.expect("save");
    storage::save(&s, &appeal("a2", "c2", "Пенсія", false), t).await.expect("save");
    let mut k = Checklist::new(
        "k1".into(),
        "a1".into(),
        "c1".into(),
        Date::new(2026, 11, 20).expect("date"),
        "Борг за оренду".into(),
    );
    k.income.months[0] = "5000".into();
    storage::save(&s, &k, t).await.expect("save");
    s
}

#[test]
fn a_withdrawal_leaves_no_personal_value_in_any_store_not_even_in_kept_batch_files() {
    block_on(async {
        let s = seeded().await;
        let made = transfer::export_new(&s, &origin("b1")).await;
        let before = s.everything().await.expect("everything");
        for value in C1_PERSONAL {
            assert!(before.contains(value), "{value} is stored before (the check can fail)");
        }
        let done = withdraw(&s, "c1", "2026-11-26T09:00:00Z", "Олена").await.expect("withdraw");

        let all = s.everything().await.expect("everything");
        for value in C1_PERSONAL {
            assert!(!all.contains(value), "{value} is still stored somewhere");
        }
        assert!(all.contains("Шевченко"), "another client's card stays");
        assert_eq!(s.count(Collection::BatchFiles).await.expect("count"), 0);
        assert_eq!(done.batches.len(), 1);
        let k1: Checklist = load(&s, "k1").await.expect("load").expect("k1");
        assert_eq!(k1.income.months[0], "", "the checklist's income goes too");
        let info: BatchInfo = load(&s, &made.info.id).await.expect("load").expect("batch");
        assert_eq!(info.file_removed.as_ref().map(|f| f.because), Some(RemovedBecause::Withdrawal));
        // Not confirmed by the centre and its file gone: its records count as not exported again.
        let pending = transfer::pending(&s, &Ledger::of(&[info])).await.expect("pending");
        assert_eq!(pending.0, 5);
    });
}

#[test]
fn a_withdrawal_keeps_batch_files_that_never_carried_the_client() {
    block_on(async {
        let s = seeded().await;
        let c2_only = Selection::Range { from: "2026-11-20".into(), to: "2026-11-20".into() };
        transfer::export(&s, &origin("b1"), c2_only, &Ledger::default(), None, &mut ()).await.expect("export");
        // Withdraw a client no batch carried: the kept file stays.
        let c3 = client("c3", "Мельник");
        storage::save(&s, &c3, "2026-11-21T10:00:00Z").await.expect("save");
        let done = withdraw(&s, "c3", "2026-11-26T09:00:00Z", "Олена").await.expect("withdraw");
        assert!(done.batches.is_empty());
        assert_eq!(s.count(Collection::BatchFiles).await.expect("count"), 1);
    });
}

#[test]
fn a_withdrawal_erases_an_unfinished_intake_about_the_same_person_and_keeps_another_one() {
    block_on(async {
        let s = seeded().await;
        let c1: Client = load(&s, "c1").await.expect("load").expect("c1");
        let given = c1.personal.as_ref().expect("personal").given_name.clone();
        // An intake started again for the same person in one tab, not yet linked to the card (a second registration
        // attempt), and another tab's intake about somebody else.
        let (mine, theirs) = (intake_draft_id("tab-1"), intake_draft_id("tab-2"));
        let mut d = IntakeDraft::with_id(mine.clone());
        d.card.surname = "гнатюк".into();
        d.card.given_name = given.clone();
        d.card.address = "вул. Садова, 3".into();
        storage::save(&s, &d, "2026-11-25T10:00:00Z").await.expect("save");
        let mut elsewhere = IntakeDraft::with_id(theirs.clone());
        elsewhere.card.surname = "Мельник".into();
        elsewhere.card.given_name = "Остап".into();
        storage::save(&s, &elsewhere, "2026-11-25T10:00:00Z").await.expect("save");
        withdraw(&s, "c1", "2026-11-26T09:00:00Z", "Олена").await.expect("withdraw");
        assert!(s.get(Collection::Drafts, &mine).await.expect("get").is_none(), "the draft is erased");
        assert!(s.get(Collection::Drafts, &theirs).await.expect("get").is_some(), "the other tab's draft stays");
        assert!(!s.everything().await.expect("everything").contains("Садова"));

        // An intake about somebody else stays (nothing typed is lost).
        let _: Client = load(&s, "c2").await.expect("load").expect("c2");
        let mut other = IntakeDraft::with_id(mine.clone());
        other.card.surname = "Мельник".into();
        other.card.given_name = given;
        storage::save(&s, &other, "2026-11-25T10:00:00Z").await.expect("save");
        withdraw(&s, "c2", "2026-11-26T09:30:00Z", "Олена").await.expect("withdraw");
        assert!(
            s.get(Collection::Drafts, &mine).await.expect("get").is_some(),
            "another person's draft stays"
        );
    });
}

#[test]
fn a_withdrawal_erases_what_the_store_holds_not_what_a_tab_remembers() {
    block_on(async {
        let s = seeded().await;
        // A tab opened earlier remembers one appeal; another tab has since added a second one and edited the card.
        storage::save(&s, &appeal("a3", "c1", "Нове звернення: аліменти", false), "2026-11-25T10:00:00Z")
            .await
            .expect("save");
        let mut c1: Client = load(&s, "c1").await.expect("load").expect("c1");
        c1.personal.as_mut().expect("personal").email = "h@example.org".into();
        storage::save(&s, &c1, "2026-11-25T10:05:00Z").await.expect("save");
        let done = withdraw(&s, "c1", "2026-11-26T09:00:00Z", "Олена").await.expect("withdraw");
        assert_eq!(done.erasure.appeals.len(), 2, "both appeals, the one added in the other tab too");
        let all = s.everything().await.expect("everything");
        for value in ["Гнатюк", "Борг за оренду", "аліменти", "h@example.org"] {
            assert!(!all.contains(value), "{value} is still stored somewhere");
        }
        assert_eq!(
            withdraw(&s, "nobody", "2026-11-26T09:00:00Z", "Олена").await.map(|_| ()),
            Err(StoreError::Other { detail: "the card is not on this device".into() })
        );
    });
}
