use super::*;
use crate::domain::batch::tests::{appeal, client};
use crate::domain::batch::{read_batch, Origin, RecordType};
use crate::domain::date::Date;
use crate::domain::merge::{merged_personal, MergePart};
use crate::storage::conformance::block_on;
use crate::storage::memory::MemoryStore;
use crate::storage::{self, load};
use crate::transfer;

const A: &str = "00000000-0000-4000-8000-0000000000c1";
const B: &str = "00000000-0000-4000-8000-0000000000c2";
const CHILD: &str = "00000000-0000-4000-8000-0000000000c3";
const A1: &str = "00000000-0000-4000-8000-0000000000a1";
const B1: &str = "00000000-0000-4000-8000-0000000000a2";
const K1: &str = "00000000-0000-4000-8000-0000000000b1";
const T: &str = "2026-11-20T10:00:00Z";
const NOW: &str = "2026-11-29T10:00:00Z";

fn today() -> Date {
    Date::new(2026, 11, 29).expect("date")
}

fn origin(n: u8, at: &str) -> Origin {
    Origin {
        batch_id: format!("00000000-0000-4000-8000-0000000000f{n}"),
        device_id: "00000000-0000-4000-8000-0000000000d1".into(),
        device_label: "Планшет 2".into(),
        worker: "Олена Коваль".into(),
        created_at: at.into(),
        app_version: "0.1.0".into(),
        rules_version: "2026-01-01".into(),
    }
}


/// Two cards of one person (the second with another phone and address), an appeal and a checklist on each card's
/// side, and a child whose representative is the second card.
async fn seeded() -> MemoryStore {
    let s = MemoryStore::new();
    storage::save(&s, &client(A, "Литвиненко"), T).await.expect("save");
    let mut b = client(B, "Литвиненко");
    if let Some(p) = b.personal.as_mut() {
        p.phones = vec!["+380675551234".into()];
        p.address = "м. Ірпінь, вул. Садова, 7".into();
    }
    storage::save(&s, &b, T).await.expect("save");
    let mut child = client(CHILD, "Литвиненко");
    if let Some(p) = child.personal.as_mut() {
        p.representative_id = Some(B.into());
    }
    storage::save(&s, &child, T).await.expect("save");
    storage::save(&s, &appeal(A1, A, "Пенсія", false), T).await.expect("save");
    storage::save(&s, &appeal(B1, B, "Аліменти на дитину", false), T).await.expect("save");
    let k = Checklist::new(K1.into(), B1.into(), B.into(), Date::new(2026, 11, 20).expect("date"), "Аліменти".into());
    storage::save(&s, &k, T).await.expect("save");
    s
}

async fn personal_of(s: &MemoryStore, id: &str) -> Personal {
    let c: Client = load(s, id).await.expect("load").expect("card");
    c.personal.expect("personal")
}

#[test]
fn a_merge_moves_every_linked_record_in_one_write_and_the_next_batch_carries_the_tombstone() {
    block_on(async {
        let s = seeded().await;
        // An unsaved correction of the merged card's appeal.
        let edit = crate::domain::intake::AppealEdit {
            id: crate::domain::intake::AppealEdit::id_for(B1),
            appeal_id: B1.into(),
            client_id: B.into(),
            base_rev: 1,
            ..Default::default()
        };
        storage::save(&s, &edit, T).await.expect("save");
        let (a, b) = (personal_of(&s, A).await, personal_of(&s, B).await);
        let personal = merged_personal(&a, &b, &[MergePart::Phones]);
        let m = merge_cards(&s, A, B, &personal, "Олена Коваль", NOW).await.expect("merged");
        let moved: crate::domain::intake::AppealEdit = load(&s, &edit.id).await.expect("load").expect("kept");
        assert_eq!(moved.client_id, A, "the appeal's correction follows the appeal");
        assert_eq!(m.appeals.len(), 1);
        let kept: Client = load(&s, A).await.expect("load").expect("kept");
        assert_eq!(kept.personal.as_ref().map(|p| p.phones.clone()), Some(vec!["+380675551234".to_owned()]));
        assert_eq!(kept.history.last().and_then(|h| h.merged_from.as_deref()), Some(B));
        let gone: Client = load(&s, B).await.expect("load").expect("tombstone");
        assert_eq!(gone.personal, None);
        assert_eq!(gone.merged_into.as_ref().map(|m| m.id.as_str()), Some(A));
        let moved: Appeal = load(&s, B1).await.expect("load").expect("appeal");
        assert_eq!(moved.client_id, A);
        let k: Checklist = load(&s, K1).await.expect("load").expect("checklist");
        assert_eq!(k.client_id, A);
        let child: Client = load(&s, CHILD).await.expect("load").expect("child");
        assert_eq!(child.personal.and_then(|p| p.representative_id).as_deref(), Some(A));
        // The merged card's address (not chosen) is nowhere but in nothing: the tombstone holds no personal value.
        assert!(!serde_json::to_string(&gone).expect("json").contains("Садова"));
        // The next batch carries the tombstone; it passes every check an import makes.
        let made = transfer::export_new(&s, &origin(1, NOW)).await;
        let file = read_batch(&made.text, today()).expect("a valid batch");
        let tomb = file.records.iter().find(|r| r.kind == RecordType::Client && r.id == B).expect("tombstone");
        let data = tomb.data.tree().expect("json");
        assert_eq!(data["merged_into"]["id"], A);
        assert!(data["personal"].is_null());
    });
}

#[test]
fn a_merge_is_refused_for_two_people_and_writes_nothing() {
    block_on(async {
        let s = seeded().await;
        let mut b: Client = load(&s, B).await.expect("load").expect("b");
        if let Some(p) = b.personal.as_mut() {
            p.representative_id = Some(A.into());
        }
        storage::save(&s, &b, T).await.expect("save");
        let before = s.everything().await.expect("everything");
        let a = personal_of(&s, A).await;
        let err = merge_cards(&s, A, B, &a, "Олена", NOW).await;
        assert_eq!(err, Err(MergeError::Refused(MergeRefused::Representative)));
        assert_eq!(s.everything().await.expect("everything"), before);
    });
}

#[test]
fn a_merge_made_on_a_stale_read_is_read_again() {
    block_on(async {
        // The retry reads the appeal another tab added after the first read: it moves too.
        let s = seeded().await;
        let a = personal_of(&s, A).await;
        storage::save(&s, &appeal("00000000-0000-4000-8000-0000000000a9", B, "Ще одне", false), T).await.expect("save");
        merge_cards(&s, A, B, &a, "Олена", NOW).await.expect("merged");
        let left = s.find(Collection::Appeals, IndexName::ByClient, B).await.expect("find");
        assert!(left.is_empty(), "no appeal is left on the merged card");
    });
}

/// A copy of this device's records as another device would have them: a batch file made here before the merge.
async fn file_before_merge(s: &MemoryStore) -> String {
    let made = transfer::export_new(s, &origin(0, T)).await;
    made.text
}

#[test]
fn an_import_follows_a_tombstone_instead_of_bringing_the_merged_card_back() {
    block_on(async {
        // Another device has the cards as they were, corrects the merged card and adds an appeal to it.
        let other = seeded().await;
        let mut b: Client = load(&other, B).await.expect("load").expect("b");
        if let Some(p) = b.personal.as_mut() {
            p.email = "lytvynenko@example.org".into();
        }
        storage::save(&other, &b, NOW).await.expect("save");
        storage::save(&other, &appeal("00000000-0000-4000-8000-0000000000a8", B, "Борг", false), NOW)
            .await
            .expect("save");
        let text = file_before_merge(&other).await;

        let s = seeded().await;
        let a = personal_of(&s, A).await;
        merge_cards(&s, A, B, &a, "Олена", NOW).await.expect("merged");
        let imported = transfer::import(&s, &text, today(), &mut ()).await.expect("import");
        assert_eq!(imported.summary.kept_merged, 1);
        let gone: Client = load(&s, B).await.expect("load").expect("b");
        assert!(gone.personal.is_none() && gone.merged_into.is_some(), "still a tombstone");
        let new: Appeal = load(&s, "00000000-0000-4000-8000-0000000000a8").await.expect("load").expect("appeal");
        assert_eq!(new.client_id, A, "the new appeal follows the tombstone");
        // The same file again: nothing new, and no conflict.
        let again = transfer::import(&s, &text, today(), &mut ()).await.expect("import again");
        assert_eq!(again.summary.writes(), 0);
    });
}

#[test]
fn an_imported_tombstone_moves_this_devices_records_of_the_merged_card() {
    block_on(async {
        let other = seeded().await;
        let a = personal_of(&other, A).await;
        merge_cards(&other, A, B, &a, "Олена", NOW).await.expect("merged");
        let made = transfer::export_new(&other, &origin(2, NOW)).await;
        // This device has the cards as they were and a new appeal of the merged card that the other does not know.
        let s = seeded().await;
        let mine = "00000000-0000-4000-8000-0000000000a7";
        storage::save(&s, &appeal(mine, B, "Спадщина", false), T).await.expect("save");
        let imported = transfer::import(&s, &made.text, today(), &mut ()).await.expect("import");
        assert_eq!(imported.summary.moved, 1);
        let moved: Appeal = load(&s, mine).await.expect("load").expect("appeal");
        assert_eq!(moved.client_id, A);
        // What the app is told was written: the moved appeal on its new card, the tombstone.
        assert!(imported.changed.appeals.contains(&moved));
        assert!(imported.changed.clients.iter().any(|c| c.id == B && c.merged_into.is_some()));
        let gone: Client = load(&s, B).await.expect("load").expect("b");
        assert!(gone.merged_into.is_some());
    });
}

#[test]
fn an_import_never_restores_the_personal_data_of_a_withdrawn_card() {
    block_on(async {
        // Another device corrected the card (a higher revision) and added an appeal, before the withdrawal here.
        let other = seeded().await;
        let mut b: Client = load(&other, B).await.expect("load").expect("b");
        if let Some(p) = b.personal.as_mut() {
            p.email = "lytvynenko@example.org".into();
        }
        storage::save(&other, &b, NOW).await.expect("save");
        storage::save(&other, &b, NOW).await.expect("save");
        storage::save(&other, &appeal("00000000-0000-4000-8000-0000000000a8", B, "Борг за світло", false), NOW)
            .await
            .expect("save");
        let text = file_before_merge(&other).await;

        let s = seeded().await;
        crate::erasure::withdraw(&s, B, NOW, "Олена").await.expect("withdraw");
        let imported = transfer::import(&s, &text, today(), &mut ()).await.expect("import");
        assert_eq!(imported.summary.kept_withdrawn, 1);
        let b: Client = load(&s, B).await.expect("load").expect("b");
        assert!(b.personal.is_none() && b.is_withdrawn());
        let all = s.everything().await.expect("everything");
        for value in ["Садова", "lytvynenko", "Борг за світло", "Аліменти на дитину", "675551234"] {
            assert!(!all.contains(value), "{value} came back with the import");
        }
        // The other card's data did arrive (the check can fail).
        assert!(all.contains("Пенсія"));
        // Again: the same, no conflict.
        let again = transfer::import(&s, &text, today(), &mut ()).await.expect("import again");
        assert_eq!(again.summary.kept_withdrawn, 1);
        assert!(!s.everything().await.expect("everything").contains("Садова"));
    });
}

#[test]
fn a_withdrawal_in_the_file_is_carried_out_on_this_device() {
    block_on(async {
        let other = seeded().await;
        crate::erasure::withdraw(&other, B, NOW, "Ігор Петренко").await.expect("withdraw");
        let made = transfer::export_new(&other, &origin(3, NOW)).await;
        // Here the card was corrected since (a higher revision than the file's withdrawn one).
        let s = seeded().await;
        let mut b: Client = load(&s, B).await.expect("load").expect("b");
        for _ in 0..3 {
            if let Some(p) = b.personal.as_mut() {
                p.email.push('x');
            }
            storage::save(&s, &b, NOW).await.expect("save");
        }
        let imported = transfer::import(&s, &made.text, today(), &mut ()).await.expect("import");
        assert_eq!(imported.summary.withdrawn, 1);
        let b: Client = load(&s, B).await.expect("load").expect("b");
        assert!(b.personal.is_none());
        assert_eq!(b.consent.withdrawn_by.as_deref(), Some("Ігор Петренко"));
        let all = s.everything().await.expect("everything");
        for value in ["Садова", "Аліменти на дитину"] {
            assert!(!all.contains(value), "{value} is still stored");
        }
    });
}
