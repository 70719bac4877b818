//! The one conversion point between domain values and [`StoredRecord`]s.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{Collection, StoreError, StoreResult, StoredRecord};

/// Payload format 1: the domain value as JSON text. A later format (e.g. encrypted) gets the next number; `decode`
/// keeps reading the old ones.
pub const CODEC_JSON_V1: u32 = 1;

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
    fn unknown_payload_format_is_refused() {
        let mut rec = encode(&Note { id: "n1".into(), client: None, text: "x".into() }, 1, "t").unwrap();
        rec.codec = 99;
        assert!(matches!(decode::<Note>(&rec), Err(StoreError::Decode { .. })));
    }
}
