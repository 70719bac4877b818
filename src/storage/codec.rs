//! The one conversion point between domain values and [`StoredRecord`]s, and the one place payloads are encrypted.
//!
//! Callers see plain records: [`encode`] and [`decode`] turn domain values into JSON payloads ([`CODEC_JSON_V1`]) and
//! back. Underneath, a store keeps a record of a collection that can hold personal data
//! ([`Collection::holds_personal`]) sealed ([`CODEC_SEALED_V1`]): its JSON encrypted with the device's data key
//! (AES-256-GCM, a fresh nonce per write, the collection name and record id as associated data, so a payload moved to
//! another record or store does not open). Both stores call [`seal`] on the way in and [`open`] on the way out; the
//! envelope (id, rev, updated_at, client_id, codec) stays readable for the indexes and holds nothing personal.
//!
//! The data key lives here, in memory only, while the device is unlocked ([`unlock`] / [`lock`]). Locked, writing or
//! reading a personal record is [`StoreError::Locked`]: nothing is ever written in clear once the device is
//! protected. Before a device is protected ([`KeyState::Open`]: data made by the release before encryption, and
//! tests), records are kept as [`CODEC_JSON_V1`]; setting the first passphrase seals them all
//! ([`super::WriteOp::SealAll`]).

use std::cell::RefCell;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{Collection, StoreError, StoreResult, StoredRecord};
use crate::crypto::DataKey;

/// Payload format 1: the domain value as JSON text. What callers always see; what the store keeps for settings,
/// reference lists, and personal records of a device not yet protected.
pub const CODEC_JSON_V1: u32 = 1;
/// Payload format 2 (inside the store only): the JSON of format 1 sealed with the data key, as nonce ‖ ciphertext ‖
/// tag bytes.
pub const CODEC_SEALED_V1: u32 = 2;

/// Where the codec stands with the data key.
#[derive(Clone, Default)]
pub enum KeyState {
    /// No protection yet: personal records are kept in clear (only before the first passphrase is set).
    #[default]
    Open,
    /// Protected and locked: personal records can be neither written nor read.
    Locked,
    /// Protected and unlocked.
    Unlocked(Rc<DataKey>),
}

thread_local! {
    static KEY: RefCell<KeyState> = const { RefCell::new(KeyState::Open) };
}

/// Keeps the data key in memory: personal records are sealed and opened with it from now on.
pub fn unlock(key: DataKey) {
    KEY.with(|k| *k.borrow_mut() = KeyState::Unlocked(Rc::new(key)));
}

/// Forgets the data key (the device is protected: nothing personal can be read or written until [`unlock`]).
pub fn lock() {
    KEY.with(|k| *k.borrow_mut() = KeyState::Locked);
}

/// Back to no protection: only for tests that start from a device made before encryption.
#[cfg(any(test, feature = "testing"))]
pub fn unprotect() {
    KEY.with(|k| *k.borrow_mut() = KeyState::Open);
}

pub fn key_state() -> KeyState {
    KEY.with(|k| k.borrow().clone())
}

/// The data key, for work that needs it beyond payloads (wrapping it into a new worker's slot).
pub fn data_key() -> StoreResult<Rc<DataKey>> {
    match key_state() {
        KeyState::Unlocked(k) => Ok(k),
        KeyState::Open | KeyState::Locked => Err(StoreError::Locked),
    }
}

fn aad(collection: Collection, id: &str) -> Vec<u8> {
    format!("{}/{id}", collection.name()).into_bytes()
}

/// What a store keeps for a record handed to it (in format 1): `None` to keep it as it is (nothing personal, or a
/// device not yet protected), or the sealed bytes to keep with codec [`CODEC_SEALED_V1`]. Locked: an error, and the
/// store writes nothing.
pub async fn seal(collection: Collection, rec: &StoredRecord) -> StoreResult<Option<Vec<u8>>> {
    if !collection.holds_personal() || rec.codec != CODEC_JSON_V1 {
        return Ok(None);
    }
    match key_state() {
        KeyState::Open => Ok(None),
        KeyState::Locked => Err(StoreError::Locked),
        KeyState::Unlocked(key) => key
            .seal(&aad(collection, &rec.id), rec.payload.as_bytes())
            .await
            .map(Some)
            .map_err(|e| StoreError::Other { detail: format!("seal: {e}") }),
    }
}

/// The JSON of a record the store kept sealed. Locked: an error; a changed, moved or foreign payload: a decode error.
pub async fn open(collection: Collection, id: &str, sealed: &[u8]) -> StoreResult<String> {
    let fail = |detail: String| StoreError::Decode { collection, id: id.to_owned(), detail };
    let KeyState::Unlocked(key) = key_state() else { return Err(StoreError::Locked) };
    let plain = key.open(&aad(collection, id), sealed).await.map_err(|e| fail(e.to_string()))?;
    String::from_utf8(plain).map_err(|_| fail("not UTF-8".into()))
}

/// A domain value that is kept in a collection.
pub trait Record: Serialize + DeserializeOwned {
    const COLLECTION: Collection;
    fn id(&self) -> &str;
    /// The client the record belongs to, for the `by_client` index.
    fn client_id(&self) -> Option<&str> {
        None
    }
}

pub fn encode<T: Record>(value: &T, rev: u64, now: &str) -> StoreResult<StoredRecord> {
    let payload = serde_json::to_string(value).map_err(|e| StoreError::Other { detail: format!("encode: {e}") })?;
    Ok(StoredRecord {
        id: value.id().to_owned(),
        rev,
        updated_at: now.to_owned(),
        client_id: value.client_id().map(str::to_owned),
        codec: CODEC_JSON_V1,
        payload,
    })
}

pub fn decode<T: Record>(rec: &StoredRecord) -> StoreResult<T> {
    let fail = |detail: String| StoreError::Decode { collection: T::COLLECTION, id: rec.id.clone(), detail };
    match rec.codec {
        CODEC_JSON_V1 => serde_json::from_str(&rec.payload).map_err(|e| {
            // serde_json's message names the line and column, never the data itself.
            fail(format!("line {} column {}: {:?}", e.line(), e.column(), e.classify()))
        }),
        other => Err(fail(format!("unknown payload format {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Note {
        id: String,
        client: Option<String>,
        text: String,
    }
    impl Record for Note {
        const COLLECTION: Collection = Collection::Drafts;
        fn id(&self) -> &str {
            &self.id
        }
        fn client_id(&self) -> Option<&str> {
            self.client.as_deref()
        }
    }

    #[test]
    fn round_trip_keeps_the_value_and_fills_the_envelope() {
        let n = Note { id: "n1".into(), client: Some("c1".into()), text: "Шевченко ʼ".into() };
        let rec = encode(&n, 3, "2026-11-25T10:00:00Z").unwrap();
        assert_eq!(rec.id, "n1");
        assert_eq!(rec.rev, 3);
        assert_eq!(rec.client_id.as_deref(), Some("c1"));
        assert_eq!(rec.codec, CODEC_JSON_V1);
        assert_eq!(decode::<Note>(&rec).unwrap(), n);
    }

    #[test]
    fn broken_payload_is_a_decode_error_without_the_data() {
        let mut rec = encode(&Note { id: "n1".into(), client: None, text: "секрет".into() }, 1, "t").unwrap();
        rec.payload = "{\"id\":\"n1\",\"text\":".into();
        match decode::<Note>(&rec) {
            Err(StoreError::Decode { collection, id, detail }) => {
                assert_eq!(collection, Collection::Drafts);
                assert_eq!(id, "n1");
                assert!(!detail.contains("секрет"));
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn sealing_follows_the_key_state_and_binds_the_record() {
        crate::storage::conformance::block_on(async {
            let rec = encode(&Note { id: "n1".into(), client: None, text: "Шевченко".into() }, 1, "t").unwrap();
            unprotect();
            assert_eq!(seal(Collection::Drafts, &rec).await, Ok(None), "not protected yet: kept in clear");
            unlock(DataKey::generate().await.unwrap());
            assert_eq!(seal(Collection::Settings, &rec).await, Ok(None), "settings are read before unlock");
            let sealed = seal(Collection::Drafts, &rec).await.unwrap().expect("sealed");
            assert!(!sealed.windows(8).any(|w| w == &"Шевченко".as_bytes()[..8]));
            assert_eq!(open(Collection::Drafts, "n1", &sealed).await.unwrap(), rec.payload);
            assert!(matches!(open(Collection::Drafts, "n2", &sealed).await, Err(StoreError::Decode { .. })), "moved");
            assert!(matches!(open(Collection::Clients, "n1", &sealed).await, Err(StoreError::Decode { .. })));
            lock();
            assert_eq!(seal(Collection::Drafts, &rec).await, Err(StoreError::Locked));
            assert_eq!(open(Collection::Drafts, "n1", &sealed).await, Err(StoreError::Locked));
            unlock(DataKey::generate().await.unwrap());
            assert!(
                matches!(open(Collection::Drafts, "n1", &sealed).await, Err(StoreError::Decode { .. })),
                "other key"
            );
            unprotect();
        })
    }

    #[test]
    fn unknown_payload_format_is_refused() {
        let mut rec = encode(&Note { id: "n1".into(), client: None, text: "x".into() }, 1, "t").unwrap();
        rec.codec = 99;
        assert!(matches!(decode::<Note>(&rec), Err(StoreError::Decode { .. })));
    }
}
