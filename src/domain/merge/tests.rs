use super::*;
use crate::domain::batch::tests::{appeal, client};
use crate::domain::batch::valid::check_client;
use crate::domain::checklist::Checklist;
use crate::domain::date::Date;

const A: &str = "0b1e0b9e-8a3a-4c1e-9a52-3c1f1f2a0001";
const B: &str = "0b1e0b9e-8a3a-4c1e-9a52-3c1f1f2a0002";
const C: &str = "0b1e0b9e-8a3a-4c1e-9a52-3c1f1f2a0003";
const NOW: &str = "2026-11-29T10:00:00Z";

fn today() -> Date {
    Date::new(2026, 11, 29).expect("date")
}

fn pair() -> (Client, Client) {
    let a = client(A, "Литвиненко");
    let mut b = client(B, "Литвиненко");
    let p = b.personal.as_mut().expect("personal");
    p.phones = vec!["+380675551234".into()];
    p.address = "м. Ірпінь, вул. Садова, 7".into();
    (a, b)
}

#[test]
fn a_merge_moves_every_linked_record_and_leaves_a_tombstone() {
    let (keep, gone) = pair();
    let mut child = client(C, "Литвиненко");
    child.personal.as_mut().expect("personal").representative_id = Some(B.into());
    let (k, g) = (keep.personal.as_ref().expect("keep"), gone.personal.as_ref().expect("gone"));
    assert_eq!(differing_parts(k, g), vec![MergePart::Phones, MergePart::Address]);
    let personal = merged_personal(k, g, &[MergePart::Phones]);
    assert_eq!(personal.phones, vec!["+380675551234".to_owned()]);
    assert_eq!(personal.address, "с. Бородянка, вул. Центральна, 5", "the kept card's address stays");
    let appeals = [appeal("0b1e0b9e-8a3a-4c1e-9a52-3c1f1f2a0a01", B, "Аліменти", false)];
    let checklists = [Checklist::new(
        "0b1e0b9e-8a3a-4c1e-9a52-3c1f1f2a0c01".into(),
        appeals[0].id.clone(),
        B.into(),
        today(),
        "2026-11".into(),
    )];
    let m = merge(&keep, &gone, personal, &appeals, &checklists, &[child.clone(), keep.clone()], "Олена Коваль", NOW)
        .expect("merged");
    assert!(m.appeals.iter().all(|a| a.client_id == A));
    assert_eq!(m.appeals[0].account, "Аліменти", "the appeal keeps its account");
    assert!(m.checklists.iter().all(|c| c.client_id == A));
    assert_eq!(m.represented.len(), 1);
    assert_eq!(m.represented[0].personal.as_ref().and_then(|p| p.representative_id.as_deref()), Some(A));
    // The tombstone: nothing personal, where it went.
    assert_eq!(m.tombstone.personal, None);
    assert_eq!(m.tombstone.merged_into, Some(MergedInto { id: A.into(), at: NOW.into(), by: "Олена Коваль".into() }));
    // The survivor's history says what the merge took.
    let last = m.survivor.history.last().expect("history");
    assert_eq!(last.merged_from.as_deref(), Some(B));
    assert_eq!(last.fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), vec!["phones"]);
    // Both are valid records for a batch; a tombstone with personal data, or naming itself, is not.
    check_client(&m.survivor, today()).expect("survivor");
    check_client(&m.tombstone, today()).expect("tombstone");
    let mut bad = m.tombstone.clone();
    bad.personal = keep.personal.clone();
    assert!(check_client(&bad, today()).is_err());
    let mut bad = m.tombstone.clone();
    bad.merged_into = Some(MergedInto { id: B.into(), at: NOW.into(), by: "Олена".into() });
    assert!(check_client(&bad, today()).is_err());
}

#[test]
fn a_merge_taking_nothing_still_records_the_merge() {
    let (keep, gone) = pair();
    let personal = keep.personal.clone().expect("personal");
    let m = merge(&keep, &gone, personal, &[], &[], &[], "Олена Коваль", NOW).expect("merged");
    let last = m.survivor.history.last().expect("history");
    assert!(last.fields.is_empty());
    check_client(&m.survivor, today()).expect("valid");
}

#[test]
fn a_merge_is_refused_for_two_people() {
    let (keep, mut gone) = pair();
    let set_tax = |c: &mut Client, tax: &str| {
        if let Some(p) = c.personal.as_mut() {
            p.tax_number = tax.into();
            p.tax_refused = false;
        }
    };
    // Two valid, different tax numbers.
    let (mut k, mut g) = (keep.clone(), gone.clone());
    set_tax(&mut k, "2889104560");
    set_tax(&mut g, "3184710691");
    assert!(check_tax_number("3184710691").is_ok() && check_tax_number("2889104560").is_ok(), "both valid");
    assert_eq!(merge_refusal(&k, &g), Some(MergeRefused::DifferentTaxNumbers));
    // The same number, or one missing: may be one person.
    set_tax(&mut g, "2889104560");
    assert_eq!(merge_refusal(&k, &g), None);
    set_tax(&mut g, "");
    assert_eq!(merge_refusal(&k, &g), None);
    // A representative and the person represented.
    if let Some(p) = gone.personal.as_mut() {
        p.representative_id = Some(A.into());
    }
    assert_eq!(merge_refusal(&keep, &gone), Some(MergeRefused::Representative));
    assert_eq!(merge_refusal(&gone, &keep), Some(MergeRefused::Representative));
    // The same card; a withdrawn card.
    assert_eq!(merge_refusal(&keep, &keep), Some(MergeRefused::SameCard));
    let mut withdrawn = pair().1;
    withdrawn.erase_personal();
    withdrawn.consent.withdrawn_at = Some(NOW.into());
    assert_eq!(merge_refusal(&keep, &withdrawn), Some(MergeRefused::NotActive));
    let personal = keep.personal.clone().expect("personal");
    assert_eq!(merge(&keep, &withdrawn, personal, &[], &[], &[], "Олена", NOW), Err(MergeRefused::NotActive));
}

#[test]
fn following_a_merge_goes_to_the_last_card_and_stops_at_a_loop() {
    let into = |id: &str| match id {
        A => Some(B),
        B => Some(C),
        _ => None,
    };
    assert_eq!(follow(A, into), Some(C));
    assert_eq!(follow(C, into), Some(C));
    let looped = |id: &str| match id {
        A => Some(B),
        _ => Some(A),
    };
    assert_eq!(follow(A, looped), None);
}
