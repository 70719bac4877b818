//! Sending a kept batch to the centre: the request the device sends and what each answer means, and recording a
//! delivery. The HTTP call itself is the caller's (the browser's `fetch`; in the centre server's tests, the server
//! in-process), so both run this one pipeline.
//!
//! A batch counts as delivered only on a receipt that verifies with the key the device got at enrolment and names
//! this batch and its payload. Anything else — a captive portal's "200 OK", a proxy's error page, no answer — is
//! "not yet", never "sent".

use serde::Deserialize;

use crate::domain::batch::receipt::Receipt;
use crate::domain::batch::BatchInfo;
use crate::storage::{codec, Collection, Store, StoreResult, WriteBatch};

/// What a device keeps of its enrolment with the centre (Settings; nothing secret: the token is kept sealed in the
/// keyring).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct CentreLink {
    /// Always [`CENTRE_LINK_ID`].
    pub id: String,
    /// The centre's id for this device (what it names in receipts and what "revoke" takes).
    pub device_id: String,
    /// The key the centre signs receipts with (base64).
    pub receipt_key: String,
    /// The centre's age recipient.
    pub centre_recipient: String,
    pub enrolled_at: String,
    /// The kiosk's queue-only token (it sends tickets and learns which were called, nothing more): kept readable,
    /// since a kiosk runs locked. Absent on devices enrolled before the live queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_token: Option<String>,
}

pub const CENTRE_LINK_ID: &str = "centre-link";

impl crate::storage::Record for CentreLink {
    const COLLECTION: Collection = Collection::Settings;
    fn id(&self) -> &str {
        &self.id
    }
}

/// What the device sends to enrol (`POST` [`ENROL_PATH`]).
#[derive(Debug, Clone, serde::Serialize)]
pub struct EnrolRequest<'a> {
    pub code: &'a str,
    pub device_id: &'a str,
    pub device_label: &'a str,
    pub signing_key: &'a str,
}

/// The centre's answer to an enrolment: the link to keep and the token to seal.
#[derive(Debug, Clone, Deserialize)]
pub struct Enrolled {
    pub device_id: String,
    pub token: String,
    pub receipt_key: String,
    pub centre_recipient: String,
    #[serde(default)]
    pub queue_token: Option<String>,
}

/// Why an enrolment did not go through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrolProblem {
    /// The code is wrong, used or expired.
    BadCode,
    /// No centre answered (offline, or the app is not served by a centre).
    NoCentre,
}

/// What the centre's answer to an enrolment means.
pub fn enrolled(status: u16, body: &[u8], now: &str) -> Result<(CentreLink, String), EnrolProblem> {
    match status {
        201 => {
            let e: Enrolled = serde_json::from_slice(body).map_err(|_| EnrolProblem::NoCentre)?;
            let link = CentreLink {
                id: CENTRE_LINK_ID.into(),
                device_id: e.device_id,
                receipt_key: e.receipt_key,
                centre_recipient: e.centre_recipient,
                enrolled_at: now.to_owned(),
                queue_token: e.queue_token,
            };
            Ok((link, e.token))
        }
        401 | 422 => Err(EnrolProblem::BadCode),
        _ => Err(EnrolProblem::NoCentre),
    }
}

pub const ENROL_PATH: &str = "/api/v1/enrol";
pub const UPLOAD_PATH: &str = "/api/v1/batches";

/// Where the centre answers with its receipt for a batch it received (`GET`): how a device whose upload's answer was
/// lost (the connection dropped after the centre stored it) learns the batch arrived.
pub fn receipt_path(batch_id: &str) -> String {
    // A batch id is a UUID; anything else is not asked for.
    let safe = batch_id.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    format!("{UPLOAD_PATH}/{}/receipt", if safe { batch_id } else { "-" })
}

/// The centre's answer to "is there a receipt for this batch": `None` when it has not received it (send it), else what
/// the answer means, as for an upload.
pub fn asked(
    status: u16,
    retry_after: Option<&str>,
    body: &[u8],
    receipt_key: &str,
    batch_id: &str,
    payload_sha256: &str,
) -> Option<Delivery> {
    let code = serde_json::from_slice::<ErrorBody>(body).map(|e| e.error).unwrap_or_default();
    if status == 404 && code == "unknown" {
        return None;
    }
    Some(outcome(status, retry_after, body, receipt_key, batch_id, payload_sha256))
}

/// The headers of a batch's upload: the device's token and the batch id as the idempotency key.
pub fn upload_headers(token: &str, batch_id: &str) -> Vec<(&'static str, String)> {
    vec![
        ("authorization", format!("Bearer {token}")),
        ("idempotency-key", batch_id.to_owned()),
        ("content-type", "application/json".to_owned()),
    ]
}

/// Why the centre will not take a batch as it is: each needs a person, not another try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The device is not enrolled (or its enrolment is unknown to this centre).
    NotEnrolled,
    /// The centre revoked the device.
    Revoked,
    /// The centre already has another file under this batch id.
    KeyReused,
    /// Over the centre's size limit.
    TooLarge,
    /// The centre found the file invalid (its words, for the record).
    Invalid(String),
}

/// Why a batch was not delivered this time; the device tries again later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotYet {
    /// The centre is receiving this batch right now (another try of the same).
    InProgress,
    /// The centre's database or the server is unavailable.
    Unavailable,
    /// An answer that is not the centre's receipt for this batch (a captive portal, a proxy): not delivery.
    NoReceipt,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    Delivered(Box<Receipt>),
    Refused(Refused),
    Later { because: NotYet, after_secs: u32 },
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    error: String,
    #[serde(default)]
    message: String,
}

/// What the centre's answer (`status`, its `Retry-After`, its body) means for the batch `batch_id` whose records'
/// checksum is `payload_sha256`, given the centre's receipt key from enrolment.
pub fn outcome(
    status: u16,
    retry_after: Option<&str>,
    body: &[u8],
    receipt_key: &str,
    batch_id: &str,
    payload_sha256: &str,
) -> Delivery {
    let after = |default: u32| retry_after.and_then(|s| s.trim().parse::<u32>().ok()).unwrap_or(default).clamp(1, 3600);
    let error = serde_json::from_slice::<ErrorBody>(body).ok();
    let code = error.as_ref().map(|e| e.error.as_str()).unwrap_or_default();
    match status {
        200..=299 => match serde_json::from_slice::<Receipt>(body) {
            Ok(r) if r.confirms(receipt_key, batch_id, payload_sha256) => Delivery::Delivered(Box::new(r)),
            _ => Delivery::Later { because: NotYet::NoReceipt, after_secs: after(300) },
        },
        401 if code == "revoked" => Delivery::Refused(Refused::Revoked),
        401 | 403 => Delivery::Refused(Refused::NotEnrolled),
        409 => Delivery::Later { because: NotYet::InProgress, after_secs: after(5) },
        413 => Delivery::Refused(Refused::TooLarge),
        422 if code == "key_reused" => Delivery::Refused(Refused::KeyReused),
        400 | 422 => Delivery::Refused(Refused::Invalid(error.map(|e| e.message).unwrap_or_default())),
        _ => Delivery::Later { because: NotYet::Unavailable, after_secs: after(60) },
    }
}

/// Records a verified receipt: the batch is marked received by the centre at the receipt's time (what "the centre
/// received it" records by hand). The purge afterwards removes what the batch carried, all of which the receipt
/// lists. `None` when this device does not know the batch.
pub async fn delivered(store: &impl Store, receipt: &Receipt, now: &str) -> StoreResult<Option<BatchInfo>> {
    crate::storage::retry_on_conflict(|| async {
        let Some(rec) = store.get(Collection::Batches, &receipt.batch_id).await? else { return Ok(None) };
        let mut info: BatchInfo = codec::decode(&rec)?;
        if info.uploaded_at.is_some() {
            return Ok(Some(info));
        }
        info.receipt = Some(receipt.clone());
        if !info.entries.iter().all(|e| info.received(e)) {
            // A receipt for this batch id that does not list what the batch carried is not this batch's receipt.
            return Ok(None);
        }
        info.uploaded_at = Some(receipt.received_at.clone());
        store.write(WriteBatch::new().next_after(&info, rec.rev, now)?).await?;
        Ok(Some(info))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_answer_but_a_verified_receipt_is_a_refusal_or_a_later_try() {
        let o = |status, retry: Option<&str>, body: &str| outcome(status, retry, body.as_bytes(), "key", "b1", "p1");
        let later = |because, after_secs| Delivery::Later { because, after_secs };
        assert_eq!(o(200, None, "<html>Wi-Fi</html>"), later(NotYet::NoReceipt, 300));
        assert_eq!(o(201, None, "{}"), later(NotYet::NoReceipt, 300));
        assert_eq!(o(401, None, r#"{"error":"revoked","message":"…"}"#), Delivery::Refused(Refused::Revoked));
        assert_eq!(o(401, None, ""), Delivery::Refused(Refused::NotEnrolled));
        assert_eq!(o(409, Some("7"), ""), later(NotYet::InProgress, 7));
        assert_eq!(o(413, None, ""), Delivery::Refused(Refused::TooLarge));
        assert_eq!(o(422, None, r#"{"error":"key_reused","message":"x"}"#), Delivery::Refused(Refused::KeyReused));
        assert_eq!(
            o(422, None, r#"{"error":"invalid","message":"record 3: checksum"}"#),
            Delivery::Refused(Refused::Invalid("record 3: checksum".into()))
        );
        assert_eq!(o(503, Some("30"), ""), later(NotYet::Unavailable, 30));
        assert_eq!(o(503, Some("999999"), ""), later(NotYet::Unavailable, 3600), "a wait is bounded");
        assert_eq!(o(502, None, "<html>Bad gateway</html>"), later(NotYet::Unavailable, 60));
        // Asking for the receipt: only the centre's own "unknown" means "not received, send it".
        let a = |status, body: &str| asked(status, None, body.as_bytes(), "key", "b1", "p1");
        assert_eq!(a(404, r#"{"error":"unknown","message":"…"}"#), None);
        assert_eq!(a(404, "<html>Not found</html>"), Some(later(NotYet::Unavailable, 60)), "a proxy's 404 is not the centre's");
        assert_eq!(a(200, "<html>portal</html>"), Some(later(NotYet::NoReceipt, 300)));
        assert_eq!(a(401, r#"{"error":"revoked"}"#), Some(Delivery::Refused(Refused::Revoked)));
        assert_eq!(receipt_path("0b1e-ff"), "/api/v1/batches/0b1e-ff/receipt");
        assert_eq!(receipt_path("../enrol"), "/api/v1/batches/-/receipt");
        let h = upload_headers("tok", "b1");
        assert!(h.contains(&("authorization", "Bearer tok".into())) && h.contains(&("idempotency-key", "b1".into())));
    }

    #[test]
    fn an_enrolment_answer_gives_the_link_and_the_token_or_says_why_not() {
        let body = br#"{"device_id":"d-1","token":"t-1","receipt_key":"k","centre_recipient":"age1x"}"#;
        let (link, token) = enrolled(201, body, "2026-11-30T10:00:00Z").expect("enrolled");
        assert_eq!((link.id.as_str(), link.device_id.as_str(), token.as_str()), (CENTRE_LINK_ID, "d-1", "t-1"));
        assert!(!serde_json::to_string(&link).expect("json").contains("t-1"), "the token is not in the link");
        assert_eq!(enrolled(401, b"{}", "x").map(|_| ()), Err(EnrolProblem::BadCode));
        assert_eq!(enrolled(200, b"<html>portal</html>", "x").map(|_| ()), Err(EnrolProblem::NoCentre));
        assert_eq!(enrolled(201, b"<html>portal</html>", "x").map(|_| ()), Err(EnrolProblem::NoCentre));
        assert_eq!(enrolled(404, b"", "x").map(|_| ()), Err(EnrolProblem::NoCentre));
    }

}
