//! Canonical JSON and SHA-256: what makes a record's and a batch's checksum reproducible by any reader.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::BatchRecord;

/// Canonical JSON: object keys sorted, no whitespace. Strings and numbers as serde_json writes them.
pub fn canonical(v: &Value) -> String {
    let mut out = Vec::with_capacity(512);
    write_canonical(v, &mut out);
    // serde_json writes UTF-8 only, and so does everything here.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Written straight into `out` (each key and leaf made a string of its own first, this took a fifth of an export's
/// and an import's time on the host).
fn write_canonical(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(map) => {
            out.push(b'{');
            let entry = |i: usize, k: &String, v: &Value, out: &mut Vec<u8>| {
                if i > 0 {
                    out.push(b',');
                }
                leaf(&**k, out);
                out.push(b':');
                write_canonical(v, out);
            };
            // serde_json's map keeps its keys sorted unless another crate turns on its "preserve_order".
            if map.keys().is_sorted() {
                for (i, (k, v)) in map.iter().enumerate() {
                    entry(i, k, v, out);
                }
            } else {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                for (i, k) in keys.into_iter().enumerate() {
                    entry(i, k, &map[k], out);
                }
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        other => leaf(other, out),
    }
}

/// A string, number, boolean or null as serde_json writes it (writing into a `Vec` cannot fail).
fn leaf<T: serde::Serialize + ?Sized>(v: &T, out: &mut Vec<u8>) {
    let _ = serde_json::to_writer(out, v);
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The SHA-256 of the canonical JSON of the `records` array, fed record by record (given each record's data as
/// canonical text), so no second copy of the batch is made.
pub(crate) struct PayloadHasher {
    hasher: Sha256,
    first: bool,
}

impl PayloadHasher {
    pub(crate) fn new() -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"[");
        PayloadHasher { hasher, first: true }
    }
    pub(crate) fn add<D>(&mut self, r: &BatchRecord<D>, canonical_data: &str) {
        if !std::mem::replace(&mut self.first, false) {
            self.hasher.update(b",");
        }
        // Keys in sorted order: data, id, rev, sha256, type, updated_at.
        let head = "{\"data\":";
        let mut tail = Vec::with_capacity(160);
        tail.extend_from_slice(b",\"id\":");
        leaf(&r.id, &mut tail);
        tail.extend_from_slice(b",\"rev\":");
        leaf(&r.rev, &mut tail);
        tail.extend_from_slice(b",\"sha256\":");
        leaf(&r.sha256, &mut tail);
        tail.extend_from_slice(b",\"type\":");
        leaf(r.kind.code(), &mut tail);
        tail.extend_from_slice(b",\"updated_at\":");
        leaf(&r.updated_at, &mut tail);
        tail.push(b'}');
        self.hasher.update(head.as_bytes());
        self.hasher.update(canonical_data.as_bytes());
        self.hasher.update(&tail);
    }
    pub(crate) fn finish(mut self) -> String {
        self.hasher.update(b"]");
        hex(&self.hasher.finalize())
    }
}
