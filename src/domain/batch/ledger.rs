//! What the device remembers of its batches: the batch list, the kept file text, and which revisions went out.

use serde::{Deserialize, Serialize};

use super::{BatchFile, Counts, Manifest, RecordType, Selection};

/// The first 8 characters of a batch id, for file names.
pub fn short(batch_id: &str) -> &str {
    batch_id.get(0..8).unwrap_or(batch_id)
}

/// The file name of a batch.
pub fn file_name(manifest: &Manifest) -> String {
    format!("pryiom-{}-{}.json", manifest.created_at.get(0..10).unwrap_or(""), short(&manifest.batch_id))
}

/// One record revision a batch carried (or a purge wrote).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    #[serde(rename = "type")]
    pub kind: RecordType,
    pub id: String,
    pub rev: u64,
}

/// A batch as the device remembers it (Batches collection); its file's exact text is kept apart (BatchFiles).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchInfo {
    pub id: String,
    pub created_at: String,
    /// Made on another device (or before a reset) and imported here.
    #[serde(default)]
    pub imported: bool,
    pub file_name: String,
    pub selection: Selection,
    pub counts: Counts,
    pub entries: Vec<Entry>,
    /// When the centre received it: the receipt's time, or when the user confirmed it by hand (a file carried on a
    /// stick).
    #[serde(default)]
    pub uploaded_at: Option<String>,
    /// The centre's verified receipt, when it was sent to the centre: the purge removes only what it lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<super::receipt::Receipt>,
    /// When the personal data of its records was purged from this device.
    #[serde(default)]
    pub purged_at: Option<String>,
    /// The revisions the purge wrote (carried by no batch, but nothing the centre lacks).
    #[serde(default)]
    pub purged: Vec<Entry>,
    /// The kept file was removed from this device (it held personal data that must not stay): when and why. It can
    /// no longer be saved again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_removed: Option<FileRemoved>,
}

/// Why and when a batch's kept file was removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRemoved {
    pub at: String,
    pub because: RemovedBecause,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovedBecause {
    /// The centre confirmed it and the personal data of its records was purged.
    Purged,
    /// A client in it withdrew consent.
    Withdrawal,
}

impl crate::storage::Record for BatchInfo {
    const COLLECTION: crate::storage::Collection = crate::storage::Collection::Batches;
    fn id(&self) -> &str {
        &self.id
    }
}

impl BatchInfo {
    pub fn of(file: &BatchFile, imported: bool) -> BatchInfo {
        let entries = file.records.iter().map(|r| Entry { kind: r.kind, id: r.id.clone(), rev: r.rev }).collect();
        BatchInfo::of_entries(&file.manifest, entries, imported)
    }

    /// A batch by its manifest and the records it carried (an import lets the file's records go as it goes).
    pub fn of_entries(manifest: &Manifest, entries: Vec<Entry>, imported: bool) -> BatchInfo {
        BatchInfo {
            id: manifest.batch_id.clone(),
            created_at: manifest.created_at.clone(),
            imported,
            file_name: file_name(manifest),
            selection: manifest.selection.clone(),
            counts: manifest.counts.clone(),
            entries,
            uploaded_at: None,
            receipt: None,
            purged_at: None,
            purged: vec![],
            file_removed: None,
        }
    }

    /// Whether it carried any of these records (by type and id).
    pub fn carries(&self, kind: RecordType, ids: &[&str]) -> bool {
        self.entries.iter().any(|e| e.kind == kind && ids.contains(&e.id.as_str()))
    }

    /// Whether the centre lists this revision of a record as received: by its receipt, or — confirmed by hand, with
    /// no receipt — by the person's word for the whole batch.
    pub fn received(&self, e: &Entry) -> bool {
        match &self.receipt {
            Some(r) => r.accepted.iter().any(|a| a.kind == e.kind && a.id == e.id && a.rev >= e.rev),
            None => self.uploaded_at.is_some(),
        }
    }

    /// Whether its records count as exported: a batch whose file was removed before the centre confirmed it never
    /// reached the centre as far as this device knows, so its records go in the next batch again.
    pub fn delivered_or_kept(&self) -> bool {
        self.uploaded_at.is_some() || self.file_removed.is_none()
    }
}

/// The exact text of a batch file, so downloading it again gives the same bytes: kept in parts of at most
/// [`PART_BYTES`] (one record each), so no stored value grows with the register — Chromium refuses a single
/// IndexedDB value over about 127 MiB, and keeps Cyrillic text as two bytes a character. The first part is under the
/// batch's id and says how many there are; the others are under `<id>/1`, `<id>/2`, … ([`BatchText::part_id`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchText {
    pub id: String,
    pub text: String,
    /// How many parts the file is kept in (on the first part; absent: one, as files kept before parts were).
    #[serde(default = "one_part", skip_serializing_if = "is_one_part")]
    pub parts: u32,
}

/// The most bytes of a kept file's text in one stored record (what a write holds of it in wasm memory at once).
pub const PART_BYTES: usize = 2 << 20;
/// The most parts a kept file has (a file of up to 512 MiB).
pub const MAX_PARTS: u32 = 256;

fn one_part() -> u32 {
    1
}

fn is_one_part(n: &u32) -> bool {
    *n == 1
}

impl BatchText {
    /// The id of part `n` (from 1) of batch `id`'s file.
    pub fn part_id(id: &str, n: u32) -> String {
        format!("{id}/{n}")
    }

    /// The records `text` is kept in, in order: each at most `part_bytes` bytes, cut between characters, each made
    /// (its text copied) only when it is asked for, so a large file is kept without a second copy of it held whole.
    /// `None` when it needs more than [`MAX_PARTS`].
    pub fn parts_made<'a>(
        id: &'a str,
        text: &'a str,
        part_bytes: usize,
    ) -> Option<impl Iterator<Item = BatchText> + 'a> {
        let mut pieces: Vec<&str> = Vec::new();
        let mut rest = text;
        while !rest.is_empty() || pieces.is_empty() {
            let mut cut = rest.len().min(part_bytes.max(4));
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            let (piece, tail) = rest.split_at(cut);
            pieces.push(piece);
            rest = tail;
        }
        let parts = u32::try_from(pieces.len()).ok().filter(|n| *n <= MAX_PARTS)?;
        Some(pieces.into_iter().enumerate().map(move |(i, piece)| BatchText {
            id: if i == 0 { id.to_owned() } else { Self::part_id(id, i as u32) },
            text: piece.to_owned(),
            parts: if i == 0 { parts } else { 1 },
        }))
    }

    /// The file again from its first part and the others in order; `None` when one is missing or out of place.
    pub fn join(first: BatchText, rest: Vec<Option<BatchText>>) -> Option<String> {
        if rest.len() + 1 != first.parts as usize {
            return None;
        }
        let mut text = first.text;
        for (i, part) in rest.into_iter().enumerate() {
            let part = part.filter(|p| p.id == Self::part_id(&first.id, i as u32 + 1))?;
            text.push_str(&part.text);
        }
        Some(text)
    }
}

impl crate::storage::Record for BatchText {
    const COLLECTION: crate::storage::Collection = crate::storage::Collection::BatchFiles;
    fn id(&self) -> &str {
        &self.id
    }
}

/// The newest revision of each record that a batch carried or a purge wrote: what the centre has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger(pub std::collections::HashMap<(RecordType, String), u64>);

impl Ledger {
    pub fn of(batches: &[BatchInfo]) -> Ledger {
        let mut l = Ledger::default();
        for b in batches.iter().filter(|b| b.delivered_or_kept()) {
            for e in b.entries.iter().chain(&b.purged) {
                l.note(e);
            }
        }
        l
    }
    pub fn note(&mut self, e: &Entry) {
        let rev = self.0.entry((e.kind, e.id.clone())).or_insert(0);
        *rev = (*rev).max(e.rev);
    }
    pub fn exported(&self, kind: RecordType, id: &str) -> Option<u64> {
        self.0.get(&(kind, id.to_owned())).copied()
    }
}
