//! The centre's receipt for an uploaded batch: what it received (the batch, when, the payload's checksum, every
//! `(type, id, rev)` it now holds at that revision or higher), signed with the centre's Ed25519 key. A device takes a
//! batch as delivered only on a receipt that verifies with the key it got at enrolment and names that batch and its
//! payload: a plain "200 OK" (a captive portal answers that) is never delivery, and a purge removes only what a
//! receipt lists. Made by the centre server and checked by the app with this one implementation.
//!
//! Signed message: `pryiom-receipt/1\n` followed by the receipt without its `signature`, as canonical JSON.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::{canonical, BatchFile, Counts, RecordType};

pub const RECEIPT_FORMAT: &str = "pryiom-receipt";
const CONTEXT: &[u8] = b"pryiom-receipt/1\n";

/// One record the centre holds from the batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    #[serde(rename = "type")]
    pub kind: RecordType,
    pub id: String,
    pub rev: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    pub format: String,
    pub version: u32,
    pub batch_id: String,
    /// The device the centre enrolled (its own id for it).
    pub device_id: String,
    pub received_at: String,
    pub counts: Counts,
    /// The manifest's checksum of the records, as received.
    pub payload_sha256: String,
    /// SHA-256 of the bytes uploaded (plain or sealed): the same key with other bytes is refused.
    pub body_sha256: String,
    pub accepted: Vec<Accepted>,
    /// The centre's public key (32 bytes, base64).
    pub public_key: String,
    /// The centre's signature (64 bytes, base64) over the rest.
    #[serde(default)]
    pub signature: String,
}

fn message(r: &Receipt) -> Vec<u8> {
    let mut unsigned = r.clone();
    unsigned.signature = String::new();
    let tree = serde_json::to_value(&unsigned).unwrap_or_default();
    let mut out = CONTEXT.to_vec();
    out.extend_from_slice(canonical(&tree).as_bytes());
    out
}

impl Receipt {
    /// The receipt of a checked batch, signed with the centre's key.
    pub fn of(file: &BatchFile, device_id: &str, received_at: &str, body_sha256: &str, key: &SigningKey) -> Receipt {
        let mut r = Receipt {
            format: RECEIPT_FORMAT.into(),
            version: 1,
            batch_id: file.manifest.batch_id.clone(),
            device_id: device_id.to_owned(),
            received_at: received_at.to_owned(),
            counts: file.manifest.counts.clone(),
            payload_sha256: file.manifest.payload_sha256.clone(),
            body_sha256: body_sha256.to_owned(),
            accepted: file.records.iter().map(|r| Accepted { kind: r.kind, id: r.id.clone(), rev: r.rev }).collect(),
            public_key: STANDARD.encode(key.verifying_key().as_bytes()),
            signature: String::new(),
        };
        r.signature = STANDARD.encode(key.sign(&message(&r)).to_bytes());
        r
    }

    /// Whether this is the centre's receipt for `batch_id` with `payload_sha256`: signed by `centre_key` (base64,
    /// from enrolment), the signature valid over everything it says.
    pub fn confirms(&self, centre_key: &str, batch_id: &str, payload_sha256: &str) -> bool {
        if self.format != RECEIPT_FORMAT || self.public_key != centre_key {
            return false;
        }
        if self.batch_id != batch_id || self.payload_sha256 != payload_sha256 {
            return false;
        }
        let key: Option<[u8; 32]> = STANDARD.decode(centre_key).ok().and_then(|b| b.try_into().ok());
        let sig: Option<[u8; 64]> = STANDARD.decode(&self.signature).ok().and_then(|b| b.try_into().ok());
        let (Some(key), Some(sig)) = (key, sig) else { return false };
        let Ok(key) = VerifyingKey::from_bytes(&key) else { return false };
        key.verify_strict(&message(self), &Signature::from_bytes(&sig)).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_confirms_only_its_batch_signed_by_the_centre() {
        let (file, _) = crate::domain::batch::tests::sample();
        let centre = SigningKey::from_bytes(&[7u8; 32]);
        let other = SigningKey::from_bytes(&[8u8; 32]);
        let key = STANDARD.encode(centre.verifying_key().as_bytes());
        let r = Receipt::of(&file, "dev-9", "2026-11-30T10:00:00Z", "abc", &centre);
        let (batch, payload) = (file.manifest.batch_id.as_str(), file.manifest.payload_sha256.as_str());
        assert!(r.confirms(&key, batch, payload));
        assert_eq!(r.accepted.len(), file.records.len());
        // Through JSON, as it travels.
        let back: Receipt = serde_json::from_str(&serde_json::to_string(&r).expect("json")).expect("receipt");
        assert!(back.confirms(&key, batch, payload));
        // Another batch, another payload, another key, or anything changed: not a confirmation.
        assert!(!r.confirms(&key, "other", payload));
        assert!(!r.confirms(&key, batch, "0000"));
        assert!(!r.confirms(&STANDARD.encode(other.verifying_key().as_bytes()), batch, payload));
        let forged = Receipt::of(&file, "dev-9", "2026-11-30T10:00:00Z", "abc", &other);
        assert!(!Receipt { public_key: key.clone(), ..forged }.confirms(&key, batch, payload));
        let mut changed = r.clone();
        changed.accepted.pop();
        assert!(!changed.confirms(&key, batch, payload));
        assert!(!Receipt { signature: "x".into(), ..r }.confirms(&key, batch, payload));
    }
}
