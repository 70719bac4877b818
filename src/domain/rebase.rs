//! Putting one tab's edit on a record another tab saved meanwhile, so neither tab's changes are lost.
//!
//! An autosaved record (a checklist, a draft) is written on the revision the tab last knew. When another tab wrote
//! in between, the write is refused and the tab's copy ("mine") is put on the stored one ("theirs") with
//! [`Rebase::rebase`], knowing what both started from ("base").

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

/// How a record takes another tab's changes.
pub trait Rebase: Sized {
    /// `mine` put on `theirs`, both made from `base`; `None` when `theirs` must not be written over at all (its
    /// personal data was erased meanwhile: the edit stops, nothing of it is written).
    fn rebase(base: &Self, mine: &Self, theirs: &Self) -> Option<Self>;

    /// Whether the record, removed in another tab, is written again while its client's card still holds personal
    /// data (a correction's draft, which another tab's save of the same card removed). Otherwise a removal is final
    /// (an intake draft finished, discarded or erased elsewhere).
    const WRITTEN_AGAIN_WHILE_CARD_LIVES: bool = false;
}

/// Three-way merge of two JSON values made from `base`, part by part: a part only one side changed takes that
/// side's value; objects are merged key by key; anything else changed on both sides keeps `mine` (the later edit).
/// A key missing on a side is a value of its own (absent), so a key one side removed stays removed.
pub fn merge3(base: Option<&Value>, mine: Option<&Value>, theirs: Option<&Value>) -> Option<Value> {
    if mine == base {
        return theirs.cloned();
    }
    if theirs == base || theirs == mine {
        return mine.cloned();
    }
    match (base, mine, theirs) {
        (Some(Value::Object(b)), Some(Value::Object(m)), Some(Value::Object(t))) => {
            let mut keys: Vec<&String> = b.keys().chain(m.keys()).chain(t.keys()).collect();
            keys.sort();
            keys.dedup();
            let mut out = Map::new();
            for k in keys {
                if let Some(v) = merge3(b.get(k), m.get(k), t.get(k)) {
                    out.insert(k.clone(), v);
                }
            }
            Some(Value::Object(out))
        }
        _ => mine.cloned(),
    }
}

/// A list whose entries are a set (chosen categories, grants): `mine` with the entries `theirs` added since `base`,
/// less those `theirs` removed since `base`, in `mine`'s order then `theirs`'.
pub fn merge_set<T: PartialEq + Clone>(base: &[T], mine: &[T], theirs: &[T]) -> Vec<T> {
    let mut out: Vec<T> = mine.iter().filter(|x| !base.contains(x) || theirs.contains(x)).cloned().collect();
    for x in theirs {
        if !base.contains(x) && !out.contains(x) {
            out.push(x.clone());
        }
    }
    out
}

/// [`merge3`] of whole records through their JSON form; `None` when the result does not read back as a record
/// (then the caller keeps `mine`).
pub fn merge_records<T: Serialize + DeserializeOwned>(base: &T, mine: &T, theirs: &T) -> Option<T> {
    let (b, m, t) = (serde_json::to_value(base).ok()?, serde_json::to_value(mine).ok()?, serde_json::to_value(theirs).ok()?);
    serde_json::from_value(merge3(Some(&b), Some(&m), Some(&t))?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m3(b: Value, m: Value, t: Value) -> Value {
        merge3(Some(&b), Some(&m), Some(&t)).expect("a value")
    }

    #[test]
    fn each_side_keeps_the_parts_it_changed() {
        let base = json!({"a": 1, "b": {"x": "", "y": ""}, "c": [1, 2]});
        let mine = json!({"a": 2, "b": {"x": "mine", "y": ""}, "c": [1, 2]});
        let theirs = json!({"a": 1, "b": {"x": "", "y": "theirs"}, "c": [3]});
        assert_eq!(m3(base, mine, theirs), json!({"a": 2, "b": {"x": "mine", "y": "theirs"}, "c": [3]}));
    }

    #[test]
    fn a_part_changed_on_both_sides_keeps_mine_and_removals_stay_removed() {
        assert_eq!(m3(json!({"a": 1}), json!({"a": 2}), json!({"a": 3})), json!({"a": 2}));
        // Theirs removed "k" (an emptied list left out of the record), mine did not touch it.
        assert_eq!(m3(json!({"k": [1], "z": 0}), json!({"k": [1], "z": 1}), json!({"z": 0})), json!({"z": 1}));
        // Mine added "n", theirs added "o".
        assert_eq!(m3(json!({}), json!({"n": 1}), json!({"o": 2})), json!({"n": 1, "o": 2}));
        // An object on one side, something else on the other: mine.
        assert_eq!(m3(json!({"d": {"x": 1}}), json!({"d": null}), json!({"d": {"x": 2}})), json!({"d": null}));
    }

    #[test]
    fn a_set_takes_what_each_side_added_and_drops_what_each_removed() {
        assert_eq!(merge_set(&["14"], &["14", "22"], &["14", "17"]), vec!["14", "22", "17"]);
        assert_eq!(merge_set(&["14", "22"], &["14", "22", "5"], &["22"]), vec!["22", "5"]);
        assert_eq!(merge_set(&["14"], &[], &["14", "3"]), vec!["3"]);
        assert_eq!(merge_set::<&str>(&[], &[], &[]), Vec::<&str>::new());
    }
}
