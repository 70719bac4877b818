//! Encryption at rest: the device's data key, the key slots that wrap it, passphrases and the recovery code.
//!
//! One random 256-bit **data key** encrypts every payload that can hold personal data (AES-256-GCM, a fresh 96-bit
//! nonce per write, the collection and record id as associated data: see `storage::codec`). The data key is never
//! stored in clear: each **slot** of the [`keyring::Keyring`] holds it wrapped (AES-256-GCM again) by a key derived
//! from a worker's passphrase or from the printed recovery code with Argon2id; the slot keeps its salt and parameters
//! so they can be raised later. Changing a passphrase re-wraps the data key in that slot only; the data is never
//! re-encrypted.
//!
//! AES-GCM is the browser's own (WebCrypto: native speed, nothing added to the app's code, the key imported as
//! non-extractable); on the host, where the tests run, RustCrypto's `aes-gcm`. Both are the standard cipher with the
//! same layout (nonce ‖ ciphertext ‖ tag), checked against the same published test vector. Argon2id is RustCrypto's
//! `argon2` everywhere.

pub mod keyring;
pub mod passphrase;
pub mod recovery;
pub mod sealed_file;

use zeroize::Zeroizing;

/// Bytes of an AES-GCM nonce.
const NONCE_LEN: usize = 12;
/// Bytes of an AES-GCM tag.
const TAG_LEN: usize = 16;

/// What can go wrong with a key or a sealed value. Never carries the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptoError {
    /// The device gives no cryptographic random source or no AES-GCM.
    Unavailable,
    /// Authentication failed: a wrong key, a changed byte, or a payload moved to another record.
    Refused,
    /// The sealed value is too short or not in the expected form.
    Malformed,
}

impl std::fmt::Display for CryptoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CryptoError::Unavailable => "no cryptographic random source or cipher",
            CryptoError::Refused => "authentication failed",
            CryptoError::Malformed => "malformed sealed value",
        })
    }
}

/// `N` bytes from the system's cryptographic random source (the browser's `crypto.getRandomValues` in wasm).
pub fn random<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut out = [0u8; N];
    getrandom::getrandom(&mut out).map_err(|_| CryptoError::Unavailable)?;
    Ok(out)
}

/// AES-256-GCM with one key.
pub struct Cipher {
    #[cfg(target_arch = "wasm32")]
    key: web_sys::CryptoKey,
    #[cfg(not(target_arch = "wasm32"))]
    key: aes_gcm::Aes256Gcm,
}

#[cfg(not(target_arch = "wasm32"))]
impl Cipher {
    pub async fn new(bytes: &[u8; 32]) -> Result<Self, CryptoError> {
        use aes_gcm::KeyInit;
        Ok(Self { key: aes_gcm::Aes256Gcm::new(bytes.into()) })
    }

    async fn encrypt(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, CryptoError> {
        use aes_gcm::aead::{Aead, Payload};
        self.key.encrypt(nonce.into(), Payload { msg: plain, aad }).map_err(|_| CryptoError::Malformed)
    }

    async fn decrypt(&self, nonce: &[u8], aad: &[u8], ct: &[u8]) -> Result<Vec<u8>, CryptoError> {
        use aes_gcm::aead::{Aead, Payload};
        self.key.decrypt(nonce.into(), Payload { msg: ct, aad }).map_err(|_| CryptoError::Refused)
    }
}

#[cfg(target_arch = "wasm32")]
impl Cipher {
    fn subtle() -> Result<web_sys::SubtleCrypto, CryptoError> {
        use wasm_bindgen::JsCast;
        let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).map_err(|_| CryptoError::Unavailable)?;
        let crypto: web_sys::Crypto = crypto.dyn_into().map_err(|_| CryptoError::Unavailable)?;
        Ok(crypto.subtle())
    }

    async fn call(
        promise: Result<js_sys::Promise, wasm_bindgen::JsValue>,
        fail: CryptoError,
    ) -> Result<wasm_bindgen::JsValue, CryptoError> {
        wasm_bindgen_futures::JsFuture::from(promise.map_err(|_| CryptoError::Unavailable)?).await.map_err(|_| fail)
    }

    /// Imports the key into WebCrypto, not extractable: script cannot read it back.
    pub async fn new(bytes: &[u8; 32]) -> Result<Self, CryptoError> {
        use wasm_bindgen::JsCast;
        let raw = js_sys::Uint8Array::from(&bytes[..]);
        let usages = js_sys::Array::of2(&"encrypt".into(), &"decrypt".into());
        let key = Self::call(
            Self::subtle()?.import_key_with_str("raw", &raw, "AES-GCM", false, &usages),
            CryptoError::Unavailable,
        )
        .await?;
        raw.fill(0, 0, 32);
        Ok(Self { key: key.dyn_into().map_err(|_| CryptoError::Unavailable)? })
    }

    fn params(nonce: &[u8], aad: &[u8]) -> web_sys::AesGcmParams {
        let params = web_sys::AesGcmParams::new("AES-GCM", &js_sys::Uint8Array::from(nonce));
        params.set_additional_data(&js_sys::Uint8Array::from(aad));
        params
    }

    async fn encrypt(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let p = Self::subtle()?.encrypt_with_object_and_u8_array(&Self::params(nonce, aad), &self.key, plain);
        Ok(js_sys::Uint8Array::new(&Self::call(p, CryptoError::Malformed).await?).to_vec())
    }

    async fn decrypt(&self, nonce: &[u8], aad: &[u8], ct: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let p = Self::subtle()?.decrypt_with_object_and_u8_array(&Self::params(nonce, aad), &self.key, ct);
        Ok(js_sys::Uint8Array::new(&Self::call(p, CryptoError::Refused).await?).to_vec())
    }
}

impl Cipher {
    /// Encrypts `plain` with a fresh random nonce, bound to `aad`: returns nonce ‖ ciphertext ‖ tag.
    pub async fn seal(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let nonce = random::<NONCE_LEN>()?;
        let ct = self.encrypt(&nonce, aad, plain).await?;
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Decrypts what [`Cipher::seal`] made with the same `aad`; any change, another key or another `aad` is refused.
    pub async fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Malformed);
        }
        let (nonce, ct) = sealed.split_at(NONCE_LEN);
        self.decrypt(nonce, aad, ct).await
    }
}

/// The device's data key (or a key derived to wrap it): its cipher, and its bytes (wiped when dropped), which are
/// needed only to wrap it into a new slot.
pub struct DataKey {
    bytes: Zeroizing<[u8; 32]>,
    cipher: Cipher,
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    /// A new random key.
    pub async fn generate() -> Result<Self, CryptoError> {
        Self::from_bytes(Zeroizing::new(random::<32>()?)).await
    }

    pub async fn from_bytes(bytes: Zeroizing<[u8; 32]>) -> Result<Self, CryptoError> {
        let cipher = Cipher::new(&bytes).await?;
        Ok(Self { bytes, cipher })
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    pub async fn seal(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.cipher.seal(aad, plain).await
    }

    pub async fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.cipher.open(aad, sealed).await
    }
}

/// Standard base64 (with padding), how the keyring keeps salts and wrapped keys in text.
pub fn to_b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn from_b64(text: &str) -> Result<Vec<u8>, CryptoError> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).map_err(|_| CryptoError::Malformed)
}

/// NIST GCM test case 16 (AES-256, 96-bit IV, with AAD): key, nonce, AAD, plaintext, ciphertext ‖ tag. Both ciphers
/// (the browser's and the host's) are checked against it.
#[doc(hidden)]
pub fn nist_vector() -> [Vec<u8>; 5] {
    let hex = |s: &str| (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or(0)).collect();
    [
        hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"),
        hex("cafebabefacedbaddecaf888"),
        hex("feedfacedeadbeeffeedfacedeadbeefabaddad2"),
        hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"),
        hex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f66276fc6ece0f4e1768cddf8853bb2d551b"),
    ]
}

/// Checks a cipher against [`nist_vector`]: decrypts the published ciphertext, and refuses it with one bit changed.
#[doc(hidden)]
pub async fn cipher_matches_nist() -> bool {
    let [key, nonce, aad, plain, ct] = nist_vector();
    let Ok(key) = <[u8; 32]>::try_from(key.as_slice()) else { return false };
    let Ok(k) = DataKey::from_bytes(Zeroizing::new(key)).await else { return false };
    let sealed = [nonce, ct].concat();
    let mut bad = sealed.clone();
    bad[30] ^= 1;
    k.open(&aad, &sealed).await.ok() == Some(plain) && k.open(&aad, &bad).await == Err(CryptoError::Refused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::conformance::block_on;

    #[test]
    fn seal_and_open_round_trip_with_a_fresh_nonce_each_time() {
        block_on(async {
            let k = DataKey::generate().await.unwrap();
            let a = k.seal(b"clients/1", "Шевченко".as_bytes()).await.unwrap();
            let b = k.seal(b"clients/1", "Шевченко".as_bytes()).await.unwrap();
            assert_ne!(a, b, "the same value sealed twice must differ (fresh nonce)");
            assert_eq!(k.open(b"clients/1", &a).await.unwrap(), "Шевченко".as_bytes());
            assert!(!a.windows(8).any(|w| w == &"Шевченко".as_bytes()[..8]));
        })
    }

    #[test]
    fn another_key_a_moved_payload_or_a_changed_byte_is_refused() {
        block_on(async {
            let k = DataKey::generate().await.unwrap();
            let other = DataKey::generate().await.unwrap();
            let sealed = k.seal(b"clients/1", b"secret").await.unwrap();
            assert_eq!(other.open(b"clients/1", &sealed).await, Err(CryptoError::Refused));
            assert_eq!(k.open(b"clients/2", &sealed).await, Err(CryptoError::Refused));
            assert_eq!(k.open(b"appeals/1", &sealed).await, Err(CryptoError::Refused));
            for i in [0, 12, sealed.len() - 1] {
                let mut bad = sealed.clone();
                bad[i] ^= 1;
                assert_eq!(k.open(b"clients/1", &bad).await, Err(CryptoError::Refused), "byte {i}");
            }
            assert_eq!(k.open(b"clients/1", &sealed[..20]).await, Err(CryptoError::Malformed));
        })
    }

    #[test]
    fn matches_a_published_aes_256_gcm_vector() {
        assert!(block_on(cipher_matches_nist()));
    }

    #[test]
    fn base64_round_trip() {
        let b = [0u8, 1, 2, 250, 255];
        assert_eq!(from_b64(&to_b64(&b)).unwrap(), b);
        assert_eq!(from_b64("не base64"), Err(CryptoError::Malformed));
    }
}
