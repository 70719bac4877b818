//! Canonical JSON and SHA-256: what makes a record's and a batch's checksum reproducible by any reader.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::BatchRecord;

/// Canonical JSON: object keys sorted, no whitespace. Strings and numbers as serde_json writes them.
pub fn canonical(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            out.push('{');
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        leaf => out.push_str(&leaf.to_string()),
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
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
    pub(crate) fn add(&mut self, r: &BatchRecord, canonical_data: &str) {
        if !std::mem::replace(&mut self.first, false) {
            self.hasher.update(b",");
        }
        // Keys in sorted order: data, id, rev, sha256, type, updated_at.
        let head = "{\"data\":";
        let tail = format!(
            ",\"id\":{},\"rev\":{},\"sha256\":{},\"type\":\"{}\",\"updated_at\":{}}}",
            Value::String(r.id.clone()),
            r.rev,
            Value::String(r.sha256.clone()),
            r.kind.code(),
            Value::String(r.updated_at.clone())
        );
        self.hasher.update(head.as_bytes());
        self.hasher.update(canonical_data.as_bytes());
        self.hasher.update(tail.as_bytes());
    }
    pub(crate) fn finish(mut self) -> String {
        self.hasher.update(b"]");
        self.hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}
