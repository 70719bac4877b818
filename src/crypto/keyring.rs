//! Key slots, like LUKS: the data key wrapped once per worker passphrase and once by the recovery code.
//!
//! The keyring is kept readable (in the settings store): slot ids, workers' names, Argon2id salts and parameters, the
//! wrapped key. Nothing in it opens the data without a passphrase or the recovery code. Every slot's wrapped key is
//! bound to the slot's id, so a wrapped key copied into another slot does not open.

use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::recovery::RecoveryCode;
use super::{from_b64, random, to_b64, CryptoError, DataKey};
use crate::domain::ids::uuid_v4;
use crate::storage::{Collection, Record};

/// The keyring record's id in the settings store.
pub const KEYRING_ID: &str = "keyring";
/// The failed-unlock counter's id in the settings store.
pub const ATTEMPTS_ID: &str = "unlock_attempts";

/// Argon2id parameters, kept with each slot so they can be raised later (the slot is re-wrapped at its next unlock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// OWASP's recommended minimum for Argon2id (m = 19 MiB, t = 2, p = 1): about 50 ms in a tablet's browser.
    pub const CURRENT: KdfParams = KdfParams { m_kib: 19 * 1024, t: 2, p: 1 };

    /// Whether these are weaker than `other` in any parameter.
    pub fn weaker_than(self, other: KdfParams) -> bool {
        self.m_kib < other.m_kib || self.t < other.t
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SlotKind {
    /// A worker's passphrase; the name is how the lock screen and the audit trail know them.
    Worker { name: String },
    /// The printed recovery code.
    Recovery,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub id: String,
    #[serde(flatten)]
    pub kind: SlotKind,
    pub kdf: KdfParams,
    /// 16 random bytes, base64.
    pub salt: String,
    /// The data key sealed by the derived key: nonce ‖ ciphertext ‖ tag, base64.
    pub wrapped: String,
}

/// Every slot of this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyring {
    /// Always [`KEYRING_ID`].
    pub id: String,
    pub slots: Vec<Slot>,
    /// Only on a centre's staff tablet: the centre's age identity (its secret key), sealed with the data key
    /// (associated data [`CENTRE_IDENTITY_AAD`]), so sealed batches can be imported there. Base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub centre_identity: Option<String>,
    /// The device's key for signing batch manifests (Ed25519): its public half in clear, the secret seed sealed with
    /// the data key (associated data [`DEVICE_SIGNING_AAD`]). Made at the first batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_signing: Option<DeviceSigning>,
    /// The device's box key (age X25519), which the kiosk seals what visitors give to: its public half (`age1…`) in
    /// clear, so the kiosk seals without any worker unlocking; its identity sealed with the data key (associated data
    /// [`DEVICE_BOX_AAD`]), so only an unlocked staff session on this device opens what was sealed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_box: Option<DeviceBox>,
    /// The token the centre gave this device at enrolment (sent with every upload), sealed with the data key
    /// (associated data [`CENTRE_TOKEN_AAD`]). Base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub centre_token: Option<String>,
}

/// The device's box key as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceBox {
    /// The public key, `age1…`.
    pub recipient: String,
    /// Base64 of the sealed identity (`AGE-SECRET-KEY-1…`).
    pub sealed_identity: String,
}

/// The associated data of the sealed box identity.
pub const DEVICE_BOX_AAD: &[u8] = b"pryiom-device-box";

/// The device's signing key as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSigning {
    /// Base64 of the 32-byte public key (what a signature carries and the centre registers).
    pub public_key: String,
    /// Base64 of the sealed 32-byte secret seed.
    pub sealed_seed: String,
}

/// The associated data of the sealed signing seed.
pub const DEVICE_SIGNING_AAD: &[u8] = b"pryiom-device-signing";

/// The associated data of the sealed centre identity.
pub const CENTRE_IDENTITY_AAD: &[u8] = b"pryiom-centre-identity";
/// Associated data of the centre's upload token.
pub const CENTRE_TOKEN_AAD: &[u8] = b"pryiom-centre-token";

impl Record for Keyring {
    const COLLECTION: Collection = Collection::Settings;
    fn id(&self) -> &str {
        &self.id
    }
}

/// Why an unlock or a slot change did not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyError {
    /// The passphrase or recovery code does not open this slot.
    Wrong,
    /// No such slot.
    NoSlot,
    /// The last worker's slot cannot be removed (nobody could unlock but with the recovery code).
    LastWorker,
    Crypto(CryptoError),
}

impl From<CryptoError> for KeyError {
    fn from(e: CryptoError) -> Self {
        KeyError::Crypto(e)
    }
}

/// The key Argon2id derives from `secret` with `salt` and `params`.
async fn derive(secret: &str, salt: &[u8], params: KdfParams) -> Result<DataKey, KeyError> {
    let p = Params::new(params.m_kib, params.t, params.p, Some(32)).map_err(|_| CryptoError::Malformed)?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, p)
        .hash_password_into(secret.as_bytes(), salt, &mut *out)
        .map_err(|_| CryptoError::Malformed)?;
    Ok(DataKey::from_bytes(out).await?)
}

fn slot_aad(slot_id: &str) -> Vec<u8> {
    format!("pryiom-slot/{slot_id}").into_bytes()
}

fn new_slot_id() -> Result<String, CryptoError> {
    Ok(uuid_v4(random::<16>()?))
}

impl Slot {
    async fn make(id: String, kind: SlotKind, secret: &str, dk: &DataKey, kdf: KdfParams) -> Result<Self, KeyError> {
        let salt = random::<16>()?;
        let kek = derive(secret, &salt, kdf).await?;
        let wrapped = kek.seal(&slot_aad(&id), dk.bytes()).await?;
        Ok(Slot { id, kind, kdf, salt: to_b64(&salt), wrapped: to_b64(&wrapped) })
    }

    async fn open(&self, secret: &str) -> Result<DataKey, KeyError> {
        let salt = from_b64(&self.salt)?;
        let kek = derive(secret, &salt, self.kdf).await?;
        let wrapped = from_b64(&self.wrapped)?;
        let bytes = match kek.open(&slot_aad(&self.id), &wrapped).await {
            Ok(b) => Zeroizing::new(b),
            Err(CryptoError::Refused) => return Err(KeyError::Wrong),
            Err(e) => return Err(e.into()),
        };
        let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| CryptoError::Malformed)?;
        Ok(DataKey::from_bytes(Zeroizing::new(key)).await?)
    }

    /// The worker's name, for worker slots.
    pub fn worker(&self) -> Option<&str> {
        match &self.kind {
            SlotKind::Worker { name } => Some(name),
            SlotKind::Recovery => None,
        }
    }
}

/// What an unlock gives: the data key and the slot that opened it.
pub struct Unlocked {
    pub key: DataKey,
    pub slot_id: String,
    /// The slot was made with weaker parameters than [`KdfParams::CURRENT`]: save the keyring, its slot re-wrapped.
    pub upgraded: Option<Keyring>,
}

impl Keyring {
    /// A new data key, the first worker's slot and the recovery slot.
    pub async fn create(
        worker: &str,
        passphrase: &str,
        recovery: &RecoveryCode,
        kdf: KdfParams,
    ) -> Result<(Keyring, DataKey, String), KeyError> {
        let dk = DataKey::generate().await?;
        let worker_id = new_slot_id()?;
        let slots = vec![
            Slot::make(worker_id.clone(), SlotKind::Worker { name: worker.trim().to_owned() }, passphrase, &dk, kdf)
                .await?,
            Slot::make(new_slot_id()?, SlotKind::Recovery, recovery.secret(), &dk, kdf).await?,
        ];
        let ring = Keyring {
            id: KEYRING_ID.into(),
            slots,
            centre_identity: None,
            device_signing: None,
            device_box: None,
            centre_token: None,
        };
        Ok((ring, dk, worker_id))
    }

    /// The device's signing key, made now when the device has none yet (`true`: the keyring changed and must be
    /// saved). The public key is checked against the one kept in clear.
    pub async fn signing_key(&mut self, dk: &DataKey) -> Result<(ed25519_dalek::SigningKey, bool), KeyError> {
        use crate::domain::batch::signature::public_key_text;
        if let Some(kept) = &self.device_signing {
            let seed = Zeroizing::new(dk.open(DEVICE_SIGNING_AAD, &from_b64(&kept.sealed_seed)?).await?);
            let seed: &[u8; 32] = seed.as_slice().try_into().map_err(|_| CryptoError::Malformed)?;
            let key = ed25519_dalek::SigningKey::from_bytes(seed);
            if public_key_text(&key) != kept.public_key {
                return Err(CryptoError::Refused.into());
            }
            return Ok((key, false));
        }
        let seed = Zeroizing::new(random::<32>()?);
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        self.device_signing = Some(DeviceSigning {
            public_key: public_key_text(&key),
            sealed_seed: to_b64(&dk.seal(DEVICE_SIGNING_AAD, seed.as_slice()).await?),
        });
        Ok((key, true))
    }

    /// The device's box identity (to open what the kiosk sealed), made now when the device has none yet (`true`: the
    /// keyring changed and must be saved). The identity is checked against the public key kept in clear.
    pub async fn box_identity(&mut self, dk: &DataKey) -> Result<(Zeroizing<String>, bool), KeyError> {
        use age::secrecy::ExposeSecret;
        if let Some(kept) = &self.device_box {
            let plain = Zeroizing::new(dk.open(DEVICE_BOX_AAD, &from_b64(&kept.sealed_identity)?).await?);
            let text = Zeroizing::new(std::str::from_utf8(&plain).map_err(|_| CryptoError::Malformed)?.to_owned());
            if crate::crypto::sealed_file::recipient_of(&text).as_deref() != Some(kept.recipient.as_str()) {
                return Err(CryptoError::Refused.into());
            }
            return Ok((text, false));
        }
        let identity = age::x25519::Identity::generate();
        let text = Zeroizing::new(identity.to_string().expose_secret().to_owned());
        self.device_box = Some(DeviceBox {
            recipient: identity.to_public().to_string(),
            sealed_identity: to_b64(&dk.seal(DEVICE_BOX_AAD, text.as_bytes()).await?),
        });
        Ok((text, true))
    }

    /// The public half of the device's box key, readable while locked (what the kiosk seals to).
    pub fn box_recipient(&self) -> Option<&str> {
        self.device_box.as_ref().map(|b| b.recipient.as_str())
    }

    /// Keeps the centre's identity (sealed with the data key), or forgets it (`None`).
    pub async fn set_centre_identity(&mut self, dk: &DataKey, identity: Option<&str>) -> Result<(), KeyError> {
        self.centre_identity = seal_text(dk, CENTRE_IDENTITY_AAD, identity).await?;
        Ok(())
    }

    /// The centre's identity, when this device holds it.
    pub async fn centre_identity(&self, dk: &DataKey) -> Result<Option<Zeroizing<String>>, KeyError> {
        open_text(dk, CENTRE_IDENTITY_AAD, self.centre_identity.as_deref()).await
    }

    /// Keeps the token the centre gave at enrolment (sealed with the data key), or forgets it (`None`).
    pub async fn set_centre_token(&mut self, dk: &DataKey, token: Option<&str>) -> Result<(), KeyError> {
        self.centre_token = seal_text(dk, CENTRE_TOKEN_AAD, token).await?;
        Ok(())
    }

    /// The centre's upload token, when this device is enrolled.
    pub async fn centre_token(&self, dk: &DataKey) -> Result<Option<Zeroizing<String>>, KeyError> {
        open_text(dk, CENTRE_TOKEN_AAD, self.centre_token.as_deref()).await
    }

    /// The workers' slots: (slot id, name), in the order they were added.
    pub fn workers(&self) -> Vec<(String, String)> {
        self.slots.iter().filter_map(|s| s.worker().map(|n| (s.id.clone(), n.to_owned()))).collect()
    }

    pub fn slot(&self, id: &str) -> Option<&Slot> {
        self.slots.iter().find(|s| s.id == id)
    }

    /// Opens the data key with a worker's passphrase; re-wraps the slot when its parameters are below `kdf`.
    pub async fn unlock(&self, slot_id: &str, passphrase: &str, kdf: KdfParams) -> Result<Unlocked, KeyError> {
        let slot = self.slot(slot_id).filter(|s| s.worker().is_some()).ok_or(KeyError::NoSlot)?;
        let key = slot.open(passphrase).await?;
        let upgraded = if slot.kdf.weaker_than(kdf) {
            let mut next = self.clone();
            next.replace(Slot::make(slot.id.clone(), slot.kind.clone(), passphrase, &key, kdf).await?);
            Some(next)
        } else {
            None
        };
        Ok(Unlocked { key, slot_id: slot.id.clone(), upgraded })
    }

    /// Opens the data key with the recovery code.
    pub async fn unlock_with_recovery(&self, code: &RecoveryCode) -> Result<DataKey, KeyError> {
        let slot = self.slots.iter().find(|s| s.kind == SlotKind::Recovery).ok_or(KeyError::NoSlot)?;
        slot.open(code.secret()).await
    }

    fn replace(&mut self, slot: Slot) {
        match self.slots.iter_mut().find(|s| s.id == slot.id) {
            Some(s) => *s = slot,
            None => self.slots.push(slot),
        }
    }

    /// Adds a worker (needs the data key, so an unlocked session). Returns the new slot's id.
    pub async fn add_worker(
        &mut self,
        dk: &DataKey,
        name: &str,
        passphrase: &str,
        kdf: KdfParams,
    ) -> Result<String, KeyError> {
        let id = new_slot_id()?;
        self.replace(
            Slot::make(id.clone(), SlotKind::Worker { name: name.trim().to_owned() }, passphrase, dk, kdf).await?,
        );
        Ok(id)
    }

    /// A new passphrase for one worker: only that slot is re-wrapped.
    pub async fn change_passphrase(
        &mut self,
        dk: &DataKey,
        slot_id: &str,
        passphrase: &str,
        kdf: KdfParams,
    ) -> Result<(), KeyError> {
        let slot = self.slot(slot_id).filter(|s| s.worker().is_some()).ok_or(KeyError::NoSlot)?;
        let next = Slot::make(slot.id.clone(), slot.kind.clone(), passphrase, dk, kdf).await?;
        self.replace(next);
        Ok(())
    }

    /// Removes one worker's slot; the others and the recovery slot stay.
    pub fn remove_worker(&mut self, slot_id: &str) -> Result<(), KeyError> {
        self.slot(slot_id).filter(|s| s.worker().is_some()).ok_or(KeyError::NoSlot)?;
        if self.workers().len() <= 1 {
            return Err(KeyError::LastWorker);
        }
        self.slots.retain(|s| s.id != slot_id);
        Ok(())
    }
}

/// Failed unlocks, kept across reloads: after [`FREE_TRIES`] failures each further try waits, 30 s and doubling.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Attempts {
    /// Always [`ATTEMPTS_ID`].
    pub id: String,
    pub failures: u32,
    /// Milliseconds since the epoch before which no try is taken.
    pub wait_until_ms: u64,
    /// The failed tries not yet in the audit trail (written there at the next unlock: while locked nothing can be
    /// sealed). Only times and key slot ids; the most recent [`MAX_PENDING_FAILURES`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<FailedTry>,
}

/// A failed unlock, for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedTry {
    /// When, RFC 3339 UTC.
    pub at: String,
    /// The key slot tried (a worker's; the recovery code's tries name the worker it was for).
    pub slot_id: String,
}

/// Failed tries kept for the trail between two unlocks (the wait makes more than this take days).
pub const MAX_PENDING_FAILURES: usize = 100;

impl Record for Attempts {
    const COLLECTION: Collection = Collection::Settings;
    fn id(&self) -> &str {
        &self.id
    }
}

/// Failed unlocks allowed before the first wait.
pub const FREE_TRIES: u32 = 5;
/// The first wait, in seconds; each failure after it doubles the wait (up to about 8.5 hours).
pub const FIRST_WAIT_SECS: u64 = 30;

impl Attempts {
    pub fn new() -> Self {
        Self { id: ATTEMPTS_ID.into(), failures: 0, wait_until_ms: 0, pending: Vec::new() }
    }

    /// Counts a failure at `now_ms` (`at`, the same instant as RFC 3339) of a try on `slot_id`.
    pub fn failed(&mut self, now_ms: u64, at: &str, slot_id: &str) {
        self.pending.push(FailedTry { at: at.to_owned(), slot_id: slot_id.to_owned() });
        if self.pending.len() > MAX_PENDING_FAILURES {
            self.pending.remove(0);
        }
        self.failures = self.failures.saturating_add(1);
        if self.failures >= FREE_TRIES {
            let doublings = (self.failures - FREE_TRIES).min(10);
            self.wait_until_ms = now_ms + FIRST_WAIT_SECS * 1000 * (1u64 << doublings);
        }
    }

    /// Whole seconds left to wait at `now_ms` (0: a try may be taken).
    pub fn wait_secs(&self, now_ms: u64) -> u64 {
        self.wait_until_ms.saturating_sub(now_ms).div_ceil(1000)
    }
}

/// A secret text sealed with the data key under `aad`, as the keyring keeps it (base64); `None` stays `None`.
async fn seal_text(dk: &DataKey, aad: &[u8], text: Option<&str>) -> Result<Option<String>, KeyError> {
    Ok(match text {
        Some(t) => Some(to_b64(&dk.seal(aad, t.as_bytes()).await?)),
        None => None,
    })
}

/// The text [`seal_text`] kept, opened with the data key (only under the same `aad`).
async fn open_text(dk: &DataKey, aad: &[u8], sealed: Option<&str>) -> Result<Option<Zeroizing<String>>, KeyError> {
    let Some(sealed) = sealed else { return Ok(None) };
    let plain = Zeroizing::new(dk.open(aad, &from_b64(sealed)?).await?);
    let text = std::str::from_utf8(&plain).map_err(|_| CryptoError::Malformed)?;
    Ok(Some(Zeroizing::new(text.to_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::conformance::block_on;

    /// Light parameters so the tests run fast; one test uses the real ones.
    const LIGHT: KdfParams = KdfParams { m_kib: 64, t: 1, p: 1 };

    fn sample() -> (Keyring, DataKey, String, RecoveryCode) {
        let code = RecoveryCode::generate().unwrap();
        let (ring, dk, id) = block_on(Keyring::create("Олена Петренко", "кіт сад ліс мак", &code, LIGHT)).unwrap();
        (ring, dk, id, code)
    }

    fn same_key(a: &DataKey, b: &DataKey) -> bool {
        a.bytes() == b.bytes()
    }

    #[test]
    fn the_box_key_is_made_once_and_opens_what_was_sealed_to_its_public_half_only_when_unlocked() {
        block_on(async {
            let (mut ring, dk, _, _) = sample();
            assert_eq!(ring.box_recipient(), None);
            let (identity, changed) = ring.box_identity(&dk).await.unwrap();
            assert!(changed);
            let recipient = ring.box_recipient().expect("public half kept in clear").to_owned();
            // Kept: the same identity comes back, and the keyring text holds no secret key.
            let (again, changed) = ring.box_identity(&dk).await.unwrap();
            assert!(!changed && *again == *identity);
            let json = serde_json::to_string(&ring).unwrap();
            assert!(json.contains(&recipient) && !json.contains("AGE-SECRET-KEY"));
            // A ticket's visitor sealed to it (as the kiosk does, locked) opens with it.
            let v = crate::domain::kiosk::Visitor { name: "Ганна".into(), phone: String::new() };
            let sealed = crate::domain::kiosk::seal(&v, &[recipient]).unwrap();
            assert_eq!(crate::domain::kiosk::open::<crate::domain::kiosk::Visitor>(&identity, &sealed), Some(v));
            // Another device's data key does not open it.
            let other = DataKey::generate().await.unwrap();
            assert!(ring.box_identity(&other).await.is_err());
        });
    }

    #[test]
    fn create_then_unlock_with_the_passphrase_or_the_recovery_code() {
        block_on(async {
            let (ring, dk, id, code) = sample();
            assert_eq!(ring.workers(), vec![(id.clone(), "Олена Петренко".to_owned())]);
            assert_eq!(ring.slots.len(), 2);
            let u = ring.unlock(&id, "кіт сад ліс мак", LIGHT).await.unwrap();
            assert!(same_key(&u.key, &dk));
            assert_eq!(u.slot_id, id);
            assert!(u.upgraded.is_none());
            assert!(same_key(&ring.unlock_with_recovery(&code).await.unwrap(), &dk));
        })
    }

    #[test]
    fn the_keyring_as_stored_holds_neither_key_nor_passphrase() {
        block_on(async {
            let (ring, dk, _, code) = sample();
            let text = serde_json::to_string(&ring).unwrap();
            assert!(!text.contains("кіт сад"));
            assert!(!text.contains(code.secret()));
            assert!(!text.contains(&to_b64(dk.bytes())));
            let back: Keyring = serde_json::from_str(&text).unwrap();
            assert_eq!(back, ring);
        })
    }

    #[test]
    fn wrong_passphrase_or_code_is_wrong_and_nothing_else() {
        block_on(async {
            let (ring, _, id, _) = sample();
            assert!(matches!(ring.unlock(&id, "кіт сад ліс мал", LIGHT).await, Err(KeyError::Wrong)));
            let other = RecoveryCode::generate().unwrap();
            assert!(matches!(ring.unlock_with_recovery(&other).await, Err(KeyError::Wrong)));
            assert!(matches!(ring.unlock("no-such-slot", "x", LIGHT).await, Err(KeyError::NoSlot)));
            let recovery_id = ring.slots[1].id.clone();
            assert!(
                matches!(ring.unlock(&recovery_id, "x", LIGHT).await, Err(KeyError::NoSlot)),
                "recovery is no worker slot"
            );
        })
    }

    #[test]
    fn a_wrapped_key_copied_into_another_slot_does_not_open() {
        block_on(async {
            let (mut ring, dk, id, _) = sample();
            let other = ring.add_worker(&dk, "Іван", "інша фраза для івана", LIGHT).await.unwrap();
            let (a, b) = (ring.slot(&id).unwrap().clone(), ring.slot(&other).unwrap().clone());
            // Give Ivan's slot Olena's salt and wrapped key: Olena's passphrase now derives the right key-encryption key,
            // but the wrapped key is bound to Olena's slot id.
            let mut moved = b.clone();
            moved.salt = a.salt.clone();
            moved.wrapped = a.wrapped.clone();
            ring.replace(moved);
            assert!(matches!(ring.unlock(&other, "кіт сад ліс мак", LIGHT).await, Err(KeyError::Wrong)));
        })
    }

    #[test]
    fn tampered_slot_is_refused() {
        block_on(async {
            let (mut ring, _, id, _) = sample();
            let mut bytes = from_b64(&ring.slots[0].wrapped).unwrap();
            bytes[20] ^= 0x40;
            ring.slots[0].wrapped = to_b64(&bytes);
            assert!(matches!(ring.unlock(&id, "кіт сад ліс мак", LIGHT).await, Err(KeyError::Wrong)));
        })
    }

    #[test]
    fn add_change_and_remove_workers_touch_only_their_slot() {
        block_on(async {
            let (mut ring, dk, olena, code) = sample();
            let ivan = ring.add_worker(&dk, "Іван Коваль", "чотири слова тут є", LIGHT).await.unwrap();
            assert_eq!(ring.workers().len(), 2);
            let before_olena = ring.slot(&olena).unwrap().clone();
            ring.change_passphrase(&dk, &ivan, "нова фраза івана тут", LIGHT).await.unwrap();
            assert_eq!(ring.slot(&olena).unwrap(), &before_olena, "another worker's slot untouched");
            assert!(matches!(ring.unlock(&ivan, "чотири слова тут є", LIGHT).await, Err(KeyError::Wrong)));
            assert!(same_key(&ring.unlock(&ivan, "нова фраза івана тут", LIGHT).await.unwrap().key, &dk));
            ring.remove_worker(&ivan).unwrap();
            assert_eq!(ring.workers().len(), 1);
            assert!(same_key(&ring.unlock(&olena, "кіт сад ліс мак", LIGHT).await.unwrap().key, &dk));
            assert!(same_key(&ring.unlock_with_recovery(&code).await.unwrap(), &dk));
            assert_eq!(ring.remove_worker(&olena), Err(KeyError::LastWorker));
            assert_eq!(ring.remove_worker(&ring.slots[1].id.clone()), Err(KeyError::NoSlot), "recovery slot stays");
        })
    }

    #[test]
    fn weaker_parameters_are_raised_at_the_next_unlock() {
        block_on(async {
            let (ring, dk, id, _) = sample();
            let stronger = KdfParams { m_kib: 128, t: 2, p: 1 };
            let u = ring.unlock(&id, "кіт сад ліс мак", stronger).await.unwrap();
            let upgraded = u.upgraded.expect("re-wrapped with the stronger parameters");
            assert_eq!(upgraded.slot(&id).unwrap().kdf, stronger);
            assert_ne!(upgraded.slot(&id).unwrap().salt, ring.slot(&id).unwrap().salt);
            let again = upgraded.unlock(&id, "кіт сад ліс мак", stronger).await.unwrap();
            assert!(same_key(&again.key, &dk));
            assert!(again.upgraded.is_none());
        })
    }

    #[test]
    fn the_real_parameters_round_trip() {
        block_on(async {
            let code = RecoveryCode::generate().unwrap();
            let (ring, dk, id) = Keyring::create("Олена", "кіт сад ліс мак", &code, KdfParams::CURRENT).await.unwrap();
            assert_eq!(ring.slots[0].kdf, KdfParams { m_kib: 19456, t: 2, p: 1 });
            assert!(same_key(&ring.unlock(&id, "кіт сад ліс мак", KdfParams::CURRENT).await.unwrap().key, &dk));
        })
    }

    #[test]
    fn five_free_tries_then_thirty_seconds_doubling() {
        let mut a = Attempts::new();
        for _ in 0..4 {
            a.failed(1_000, "1970-01-01T00:00:01Z", "s");
            assert_eq!(a.wait_secs(1_000), 0);
        }
        a.failed(1_000, "1970-01-01T00:00:01Z", "s");
        assert_eq!(a.wait_secs(1_000), 30);
        assert_eq!(a.wait_secs(16_000), 15);
        assert_eq!(a.wait_secs(31_000), 0);
        a.failed(31_000, "1970-01-01T00:00:31Z", "s");
        assert_eq!(a.wait_secs(31_000), 60);
        a.failed(91_000, "1970-01-01T00:01:31Z", "s");
        assert_eq!(a.wait_secs(91_000), 120);
        for _ in 0..200 {
            a.failed(0, "1970-01-01T00:00:00Z", "s");
        }
        assert_eq!(a.wait_secs(0), 30 * 1024, "capped");
        assert_eq!(a.pending.len(), MAX_PENDING_FAILURES, "the trail's backlog is bounded");
        assert_eq!(a.pending[0].at, "1970-01-01T00:00:00Z", "the oldest go first");
    }

    #[test]
    fn the_centres_upload_token_is_kept_sealed_and_only_the_data_key_opens_it() {
        block_on(async {
            let (mut ring, dk, _, _) = sample();
            assert_eq!(ring.centre_token(&dk).await.unwrap(), None);
            ring.set_centre_token(&dk, Some("tok-Zm9vYmFy")).await.unwrap();
            assert!(!serde_json::to_string(&ring).unwrap().contains("tok-Zm9vYmFy"), "kept sealed");
            assert_eq!(ring.centre_token(&dk).await.unwrap().as_deref().map(String::as_str), Some("tok-Zm9vYmFy"));
            assert!(ring.centre_token(&DataKey::generate().await.unwrap()).await.is_err(), "another key does not open it");
            // Sealed for the token's place only: the same ciphertext is not the centre's identity.
            ring.centre_identity = ring.centre_token.clone();
            assert!(ring.centre_identity(&dk).await.is_err());
        })
    }

    #[test]
    fn the_centre_identity_is_kept_sealed_and_only_the_data_key_opens_it() {
        block_on(async {
            let (mut ring, dk, _, _) = sample();
            assert_eq!(ring.centre_identity(&dk).await.unwrap(), None);
            let secret = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
            ring.set_centre_identity(&dk, Some(secret)).await.unwrap();
            let text = serde_json::to_string(&ring).unwrap();
            assert!(!text.contains("AGE-SECRET-KEY"), "kept sealed");
            assert_eq!(ring.centre_identity(&dk).await.unwrap().as_deref().map(String::as_str), Some(secret));
            let other = DataKey::generate().await.unwrap();
            assert!(ring.centre_identity(&other).await.is_err(), "another key does not open it");
            ring.set_centre_identity(&dk, None).await.unwrap();
            assert_eq!(ring.centre_identity(&dk).await.unwrap(), None);
        })
    }

    #[test]
    fn the_device_signing_key_is_made_once_and_kept_sealed() {
        block_on(async {
            let (mut ring, dk, _, _) = sample();
            let (key, made) = ring.signing_key(&dk).await.unwrap();
            assert!(made);
            let kept = ring.device_signing.clone().unwrap();
            assert_eq!(kept.public_key, crate::domain::batch::signature::public_key_text(&key));
            assert!(!serde_json::to_string(&ring).unwrap().contains(&to_b64(key.as_bytes())), "the seed is sealed");
            let (again, made) = ring.signing_key(&dk).await.unwrap();
            assert!(!made);
            assert_eq!(again.to_bytes(), key.to_bytes());
            // A public key swapped in clear does not pass for the device's.
            ring.device_signing.as_mut().unwrap().public_key = to_b64(&[1; 32]);
            assert!(ring.signing_key(&dk).await.is_err());
        })
    }
}
