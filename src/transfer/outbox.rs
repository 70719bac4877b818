//! The outbox: the batches this device made and the centre has not confirmed, sent by themselves when the device is
//! enrolled — at unlock, when the browser says it is online again, and every few minutes while the app is open —
//! each waiting longer after every failed try (30 s, doubling, at most 15 minutes; longer when the centre asks with
//! `Retry-After`). Background Sync is not relied on: Safari, Firefox and Android WebView lack it.
//!
//! What a batch's line shows: waiting (and until when), sending, refused (needs a person: not tried again by itself),
//! or delivered (the receipt's time, kept with the batch).

use std::collections::HashMap;

use crate::domain::batch::BatchInfo;

use super::upload::{NotYet, Refused};

/// The first wait after a failed try, in seconds; each next one is twice as long, up to [`LONGEST_WAIT_SECS`].
pub const FIRST_WAIT_SECS: u32 = 30;
pub const LONGEST_WAIT_SECS: u32 = 900;

/// Where a batch is in the outbox (a delivered batch has left it: its `uploaded_at` and receipt say so).
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Not tried yet, or tried `tries` times without delivery: the next try is not before `next_at_ms` (ms since the
    /// epoch), unless the device comes online again.
    Waiting { tries: u32, next_at_ms: f64, last: Option<Option<NotYet>> },
    Sending,
    /// The centre will not take it as it is: a person must look (the manual "send" tries again).
    Refused(Refused),
    /// The device could not read what it sends (shown; the manual "send" tries again).
    Failed(crate::storage::StoreError),
}

/// The outbox's state by batch id.
pub type Outbox = HashMap<String, Status>;

/// The batches the outbox sends: made on this device, not confirmed received, with their file still kept.
pub fn to_send(batches: &[BatchInfo]) -> impl Iterator<Item = &BatchInfo> {
    batches.iter().filter(|b| !b.imported && b.uploaded_at.is_none() && b.file_removed.is_none())
}

/// How long to wait after the `tries`-th failed try (1 = the first), at least what the centre asked for.
pub fn wait_after(tries: u32, asked_secs: Option<u32>) -> u32 {
    let doubled = FIRST_WAIT_SECS.saturating_mul(1u32 << tries.saturating_sub(1).min(16));
    doubled.min(LONGEST_WAIT_SECS).max(asked_secs.unwrap_or(0))
}

/// Whether the outbox tries `batch_id` now: never while it is being sent or after a refusal; when its wait is over,
/// or at once when `woken` (the device just came online, or the app just opened).
pub fn due(outbox: &Outbox, batch_id: &str, now_ms: f64, woken: bool) -> bool {
    match outbox.get(batch_id) {
        None => true,
        Some(Status::Waiting { next_at_ms, .. }) => woken || *next_at_ms <= now_ms,
        Some(Status::Sending | Status::Refused(_) | Status::Failed(_)) => false,
    }
}

/// A failed try of `batch_id` (`because`: `None` when no answer came at all): it waits longer.
pub fn failed(outbox: &mut Outbox, batch_id: &str, because: Option<NotYet>, asked_secs: Option<u32>, now_ms: f64) {
    let tries = match outbox.get(batch_id) {
        Some(Status::Waiting { tries, .. }) => tries + 1,
        _ => 1,
    };
    let next_at_ms = now_ms + f64::from(wait_after(tries, asked_secs)) * 1000.0;
    outbox.insert(batch_id.to_owned(), Status::Waiting { tries, next_at_ms, last: Some(because) });
}

/// Whether a refusal is about the device rather than one batch: then nothing is sent until a person acts.
pub fn stops_all(r: &Refused) -> bool {
    matches!(r, Refused::NotEnrolled | Refused::Revoked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failed_try_waits_twice_as_long_up_to_a_bound_and_at_least_what_the_centre_asked() {
        assert_eq!((1..=7).map(|t| wait_after(t, None)).collect::<Vec<_>>(), [30, 60, 120, 240, 480, 900, 900]);
        assert_eq!(wait_after(40, None), 900, "no overflow");
        assert_eq!(wait_after(1, Some(120)), 120);
        assert_eq!(wait_after(3, Some(5)), 120);
    }

    #[test]
    fn a_batch_is_tried_when_due_or_woken_never_while_sending_or_refused() {
        let mut o = Outbox::new();
        assert!(due(&o, "b1", 0.0, false), "never tried");
        failed(&mut o, "b1", None, None, 1_000.0);
        assert_eq!(o["b1"], Status::Waiting { tries: 1, next_at_ms: 31_000.0, last: Some(None) });
        assert!(!due(&o, "b1", 30_999.0, false));
        assert!(due(&o, "b1", 31_000.0, false));
        assert!(due(&o, "b1", 2_000.0, true), "online again: at once");
        failed(&mut o, "b1", Some(NotYet::Unavailable), Some(300), 31_000.0);
        assert_eq!(o["b1"], Status::Waiting { tries: 2, next_at_ms: 331_000.0, last: Some(Some(NotYet::Unavailable)) });
        o.insert("b2".into(), Status::Sending);
        o.insert("b3".into(), Status::Refused(Refused::TooLarge));
        assert!(!due(&o, "b2", 1e12, true) && !due(&o, "b3", 1e12, true));
        assert!(stops_all(&Refused::Revoked) && !stops_all(&Refused::KeyReused));
    }

    #[test]
    fn only_this_devices_unconfirmed_batches_with_a_kept_file_are_sent() {
        let (file, _) = crate::domain::batch::tests::sample();
        let mine = BatchInfo::of(&file, false);
        let imported = BatchInfo::of(&file, true);
        let mut confirmed = mine.clone();
        confirmed.uploaded_at = Some("2026-11-30T10:00:00Z".into());
        let mut removed = mine.clone();
        removed.file_removed = Some(crate::domain::batch::FileRemoved {
            at: "2026-11-30T10:00:00Z".into(),
            because: crate::domain::batch::RemovedBecause::Withdrawal,
        });
        let list = [mine.clone(), imported, confirmed, removed];
        assert_eq!(to_send(&list).collect::<Vec<_>>(), [&mine]);
    }
}
