//! The device's signature on a batch manifest (Ed25519): who made the file. Sealing (age) says who may open a file,
//! not who made it; the manifest pins every record (`payload_sha256`) and every CSV table, so a valid signature over
//! the manifest vouches for the whole batch.
//!
//! Signed message: the bytes of `pryiom-batch-manifest/1\n` followed by the manifest without its `signature` field,
//! as canonical JSON (keys sorted, no whitespace, non-ASCII as is: Python's
//! `json.dumps(m, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`). The public key travels in the
//! signature; the centre trusts it when it is the key it registered for that device (shown in the device's Settings;
//! at enrolment, or the first batch it receives from the device).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::{canonical, Manifest};

pub const SIGNATURE_ALG: &str = "ed25519";
const CONTEXT: &[u8] = b"pryiom-batch-manifest/1\n";

/// The device's signature over the rest of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestSignature {
    /// Always [`SIGNATURE_ALG`].
    pub alg: String,
    /// The device's public key: 32 bytes, base64.
    pub public_key: String,
    /// The signature: 64 bytes, base64.
    pub value: String,
}

/// What is signed: the context line and the canonical JSON of the manifest without its signature.
pub fn manifest_message(m: &Manifest) -> Vec<u8> {
    let mut unsigned = m.clone();
    unsigned.signature = None;
    // A manifest is strings, numbers and maps: it always converts.
    let tree = serde_json::to_value(&unsigned).unwrap_or_default();
    let mut out = CONTEXT.to_vec();
    out.extend_from_slice(canonical(&tree).as_bytes());
    out
}

/// The public key of a device's signing key, as a signature carries it (base64).
pub fn public_key_text(key: &SigningKey) -> String {
    STANDARD.encode(key.verifying_key().as_bytes())
}

/// Signs the manifest (replacing any signature it had).
pub fn sign(m: &mut Manifest, key: &SigningKey) {
    let value = key.sign(&manifest_message(m));
    m.signature = Some(ManifestSignature {
        alg: SIGNATURE_ALG.into(),
        public_key: public_key_text(key),
        value: STANDARD.encode(value.to_bytes()),
    });
}

/// The signature does not match the manifest (or is not a signature).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadSignature;

/// Checks the manifest's signature: `Ok(None)` when it has none (files made before signing), `Ok(Some(public key))`
/// when it is valid.
pub fn verify(m: &Manifest) -> Result<Option<String>, BadSignature> {
    let Some(sig) = &m.signature else { return Ok(None) };
    if sig.alg != SIGNATURE_ALG {
        return Err(BadSignature);
    }
    let key: [u8; 32] = STANDARD.decode(&sig.public_key).ok().and_then(|b| b.try_into().ok()).ok_or(BadSignature)?;
    let value: [u8; 64] = STANDARD.decode(&sig.value).ok().and_then(|b| b.try_into().ok()).ok_or(BadSignature)?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| BadSignature)?;
    key.verify_strict(&manifest_message(m), &Signature::from_bytes(&value)).map_err(|_| BadSignature)?;
    Ok(Some(sig.public_key.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::batch::tests::sample;

    fn key(n: u8) -> SigningKey {
        SigningKey::from_bytes(&[n; 32])
    }

    #[test]
    fn a_signed_manifest_verifies_and_any_change_breaks_it() {
        let (file, _) = sample();
        let mut m = file.manifest.clone();
        assert_eq!(verify(&m), Ok(None), "unsigned: nothing to check");
        sign(&mut m, &key(7));
        assert_eq!(verify(&m), Ok(Some(public_key_text(&key(7)))));
        for change in [
            |m: &mut Manifest| m.worker = "Інша людина".into(),
            |m: &mut Manifest| m.payload_sha256 = "0".repeat(64),
            |m: &mut Manifest| m.counts.clients += 1,
            |m: &mut Manifest| drop(m.csv_sha256.insert("extra.csv".into(), "0".repeat(64))),
        ] {
            let mut changed = m.clone();
            change(&mut changed);
            assert_eq!(verify(&changed), Err(BadSignature));
        }
        // Another device's key in the signature: it verifies only with its own signature.
        let mut swapped = m.clone();
        swapped.signature.as_mut().unwrap().public_key = public_key_text(&key(8));
        assert_eq!(verify(&swapped), Err(BadSignature));
        let mut junk = m.clone();
        junk.signature.as_mut().unwrap().value = "не підпис".into();
        assert_eq!(verify(&junk), Err(BadSignature));
    }

    #[test]
    fn the_message_is_the_manifest_as_canonical_json_without_the_signature() {
        let (file, _) = sample();
        let mut m = file.manifest.clone();
        let before = manifest_message(&m);
        sign(&mut m, &key(1));
        assert_eq!(manifest_message(&m), before);
        let text = String::from_utf8(before).unwrap();
        assert!(text.starts_with("pryiom-batch-manifest/1\n{\"app_version\":"));
        assert!(!text.contains("signature"));
    }

    #[test]
    fn rfc8032_test_vector_1() {
        // RFC 8032, 7.1, TEST 1: the empty message.
        let secret: [u8; 32] = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        let k = SigningKey::from_bytes(&secret);
        assert_eq!(
            k.verifying_key().as_bytes(),
            &hex::<32>("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        );
        let s = k.sign(b"").to_bytes();
        assert_eq!(s[..8], hex::<8>("e5564300c360ac72"));
    }

    fn hex<const N: usize>(h: &str) -> [u8; N] {
        let v: Vec<u8> = (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap()).collect();
        v.try_into().unwrap()
    }
}
