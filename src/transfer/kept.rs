//! A batch's kept file over the store: written in parts (`BatchText::parts_made`, each at most `PART_BYTES`) with the
//! batch, read back whole, removed whole. No stored value grows with the register.

use crate::domain::batch::{BatchText, MAX_PARTS, PART_BYTES};
use crate::storage::{self, codec, Collection, Store, StoreError, StoreResult, StoredRecord, WriteBatch};

/// Adds the parts of batch `id`'s file to `batch` (each replacing what was kept under its id).
#[cfg(test)]
fn keep_file(batch: WriteBatch, id: &str, text: &str, now: &str) -> StoreResult<WriteBatch> {
    keep_file_in(batch, id, text, now, PART_BYTES)
}

#[cfg(test)]
fn keep_file_in(mut batch: WriteBatch, id: &str, text: &str, now: &str, part_bytes: usize) -> StoreResult<WriteBatch> {
    for part in file_parts_in(id, text, now, part_bytes)? {
        batch = batch.put(Collection::BatchFiles, part?);
    }
    Ok(batch)
}

/// The stored records that keep batch `id`'s file, each made only when asked for: a writer that makes each ready
/// ([`Store::ready`]) before asking for the next holds one part of the file at a time besides the file itself.
pub fn file_parts<'a>(
    id: &'a str,
    text: &'a str,
    now: &'a str,
) -> StoreResult<impl Iterator<Item = StoreResult<StoredRecord>> + 'a> {
    file_parts_in(id, text, now, PART_BYTES)
}

fn file_parts_in<'a>(
    id: &'a str,
    text: &'a str,
    now: &'a str,
    part_bytes: usize,
) -> StoreResult<impl Iterator<Item = StoreResult<StoredRecord>> + 'a> {
    let parts = BatchText::parts_made(id, text, part_bytes).ok_or_else(|| StoreError::Other {
        detail: format!("batch file of {} bytes is too large to keep", text.len()),
    })?;
    Ok(parts.map(move |part| codec::encode(&part, 1, now)))
}

/// Writes `batch` and then batch `id`'s file in ONE transaction, each part of the file made and made ready
/// ([`Store::ready`]) before the next is made.
pub async fn write_with_file(
    store: &impl Store,
    batch: WriteBatch,
    id: &str,
    text: &str,
    now: &str,
) -> StoreResult<()> {
    let mut ready = vec![store.ready(batch).await?];
    for part in file_parts(id, text, now)? {
        ready.push(store.ready(WriteBatch::new().put(Collection::BatchFiles, part?)).await?);
    }
    store.write_ready(ready).await
}

/// Adds the removal of batch `id`'s whole file to `batch`: its first part and every part it may have (nothing
/// needs reading first; removing a part that is not there changes nothing).
pub fn drop_file(mut batch: WriteBatch, id: &str) -> WriteBatch {
    batch = batch.delete(Collection::BatchFiles, id.to_owned());
    for n in 1..MAX_PARTS {
        batch = batch.delete(Collection::BatchFiles, BatchText::part_id(id, n));
    }
    batch
}

/// Batch `id`'s kept file, whole; `None` when none is kept. A part missing is a decode error (the file is damaged).
pub async fn kept_file(store: &impl Store, id: &str) -> StoreResult<Option<String>> {
    let Some(first) = storage::load::<BatchText>(store, id).await? else { return Ok(None) };
    let mut rest = Vec::new();
    for n in 1..first.parts.min(MAX_PARTS) {
        rest.push(storage::load::<BatchText>(store, &BatchText::part_id(id, n)).await?);
    }
    let parts = first.parts;
    BatchText::join(first, rest).map(Some).ok_or_else(|| StoreError::Decode {
        collection: Collection::BatchFiles,
        id: id.to_owned(),
        detail: format!("a part of the kept file is missing (of {parts})"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::conformance::block_on;
    use crate::storage::memory::MemoryStore;

    const ID: &str = "00000000-0000-4000-8000-0000000000b7";

    #[test]
    fn a_file_is_kept_in_parts_cut_between_characters_and_read_back_whole() {
        block_on(async {
            let s = MemoryStore::new();
            // Cyrillic (two bytes a character) and an odd part size: cuts fall inside characters unless moved.
            let text: String = (0..1_200).map(|i| format!("Шевченко Олександр {i}; ")).collect();
            s.write(keep_file_in(WriteBatch::new(), ID, &text, "2026-12-07T10:00:00Z", 1_001).expect("parts"))
                .await
                .expect("written");
            let stored = s.all(Collection::BatchFiles).await.expect("all");
            assert!(stored.len() > 40, "{} parts", stored.len());
            for rec in &stored {
                let part: BatchText = codec::decode(rec).expect("a part");
                assert!(part.text.len() <= 1_001);
            }
            assert_eq!(kept_file(&s, ID).await.expect("read").as_deref(), Some(text.as_str()));
            // A small file is one record, as files kept before parts were.
            s.write(keep_file(WriteBatch::new(), "small", "{\"a\":1}", "x").expect("parts")).await.expect("written");
            let small: BatchText = storage::load(&s, "small").await.expect("load").expect("kept");
            assert_eq!((small.parts, small.text.as_str()), (1, "{\"a\":1}"));
            let old: BatchText = serde_json::from_str(r#"{"id":"old","text":"x"}"#).expect("a file kept before parts");
            assert_eq!(old.parts, 1);
            // Removed whole, in one write; the other file stays.
            s.write(drop_file(WriteBatch::new(), ID)).await.expect("removed");
            assert_eq!(s.count(Collection::BatchFiles).await.expect("count"), 1);
            assert_eq!(kept_file(&s, ID).await.expect("read"), None);
        });
    }

    #[test]
    fn a_missing_part_is_damage_and_too_many_parts_are_refused() {
        block_on(async {
            let s = MemoryStore::new();
            let text = "а".repeat(3_000);
            s.write(keep_file_in(WriteBatch::new(), ID, &text, "x", 1_000).expect("parts")).await.expect("written");
            s.write(WriteBatch::new().delete(Collection::BatchFiles, BatchText::part_id(ID, 2)))
                .await
                .expect("removed");
            assert!(matches!(kept_file(&s, ID).await, Err(StoreError::Decode { .. })));
            let huge = "x".repeat(100 * (MAX_PARTS as usize + 1));
            assert!(keep_file_in(WriteBatch::new(), ID, &huge, "x", 100).is_err());
        });
    }
}
