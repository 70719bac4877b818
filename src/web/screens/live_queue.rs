//! The kiosk's queue through the centre (`transfer::queue`), for the kiosk and the queue screen: this device's tickets
//! of the day sent and what the centre holds for them taken back (`kiosk::adopt`); the centre's queue of every kiosk
//! read, a visitor called, served or gone, with the device's own token. No visitor ever waits on this: when the
//! centre does not answer, the device goes on alone with its own queue, and sends what it did once it answers again.

use std::cell::RefCell;
use std::collections::HashMap;

use zeroize::Zeroizing;

use crate::crypto::keyring::{Keyring, KEYRING_ID};
use crate::domain::date::Date;
use crate::domain::kiosk::{KioskSettings, Outcome, Ticket, TicketState, KIOSK_ID};
use crate::kiosk::{adopt, tickets_of};
use crate::storage::{self, codec, StoreError};
use crate::transfer::queue::{self, Call, Called, Finish, Queue, Sync, Synced, MAX_TICKETS};
use crate::transfer::upload::{CentreLink, CENTRE_LINK_ID};
use crate::web::app_store::AppStore;
use crate::web::platform;

/// What came of asking the centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The device is not enrolled (or, for a kiosk, enrolled before the live queue): its queue is its own.
    NotLinked,
    /// No answer (offline, the server down, not the centre's answer): the device's own queue meanwhile.
    NoAnswer,
    /// The centre refused the device: revoked, or unknown to it.
    Refused,
    Answered,
}

thread_local! {
    /// The state the centre last said it holds for each of this device's tickets (this page's life): a ticket goes
    /// again only when the device's differs.
    static HELD: RefCell<HashMap<String, TicketState>> = RefCell::new(HashMap::new());
}

fn reach_of(a: &platform::Answer) -> Reach {
    if queue::refused(a.status) {
        Reach::Refused
    } else {
        Reach::NoAnswer
    }
}

/// Sends the centre this device's tickets of `day` it does not hold as they are, with the kiosk's queue token (it
/// is readable while the kiosk runs locked), and takes back what it holds: a visitor called from a staff tablet is
/// called here too.
pub async fn sync(store: &AppStore, day: Date) -> Result<Reach, StoreError> {
    let Some(token) = storage::load::<CentreLink>(store, CENTRE_LINK_ID).await?.and_then(|l| l.queue_token) else {
        return Ok(Reach::NotLinked);
    };
    let kiosk = storage::load::<KioskSettings>(store, KIOSK_ID).await?;
    let mine = tickets_of(store, day).await?;
    // Not a kiosk, no tickets: nothing of this device's in the queue.
    if kiosk.is_none() && mine.is_empty() {
        return Ok(Reach::NotLinked);
    }
    let desks = kiosk.map(|k| k.desks).unwrap_or_default();
    let tickets: Vec<Ticket> = HELD.with(|h| {
        let h = h.borrow();
        mine.into_iter().map(|(t, _)| t).filter(|t| h.get(&t.id) != Some(&t.state)).take(MAX_TICKETS).collect()
    });
    let body = serde_json::to_vec(&Sync { day: day.iso(), tickets, desks })
        .map_err(|e| StoreError::Other { detail: e.to_string() })?;
    let Some(a) = platform::post(queue::SYNC_PATH, &queue::headers(&token), &body).await else {
        return Ok(Reach::NoAnswer);
    };
    let Some(synced) = queue::answer::<Synced>(a.status, &a.body) else { return Ok(reach_of(&a)) };
    let pairs = synced.pairs();
    HELD.with(|h| h.borrow_mut().extend(pairs.iter().cloned()));
    adopt(store, &pairs, &platform::now_iso()).await?;
    Ok(Reach::Answered)
}

/// This device's own token (unlocked only), when it is enrolled.
async fn staff_token(store: &AppStore) -> Result<Option<Zeroizing<String>>, StoreError> {
    if storage::load::<CentreLink>(store, CENTRE_LINK_ID).await?.is_none() {
        return Ok(None);
    }
    let Some(ring) = storage::load::<Keyring>(store, KEYRING_ID).await? else { return Ok(None) };
    let key = codec::data_key()?;
    ring.centre_token(&key).await.map_err(|e| StoreError::Other { detail: format!("centre token: {e:?}") })
}

/// The centre's queue of `day`: every kiosk's tickets and the rooms they call to.
pub async fn read(store: &AppStore, day: Date) -> Result<(Reach, Option<Queue>), StoreError> {
    let Some(token) = staff_token(store).await? else { return Ok((Reach::NotLinked, None)) };
    let Some(a) = platform::get(&queue::queue_path(&day.iso()), &queue::headers(&token)[..1]).await else {
        return Ok((Reach::NoAnswer, None));
    };
    Ok(match queue::answer::<Queue>(a.status, &a.body) {
        Some(q) => (Reach::Answered, Some(q)),
        None => (reach_of(&a), None),
    })
}

/// Calls the next visitor of `day` to `desk` at the centre (it picks, so two desks never call one visitor): the
/// ticket called, `None` when nobody waits. `Err(reach)` when the centre did not answer so.
pub async fn call(store: &AppStore, day: Date, desk: &str) -> Result<Result<Option<Ticket>, Reach>, StoreError> {
    let Some(token) = staff_token(store).await? else { return Ok(Err(Reach::NotLinked)) };
    let body = serde_json::to_vec(&Call { day: day.iso(), desk: desk.to_owned() })
        .map_err(|e| StoreError::Other { detail: e.to_string() })?;
    let Some(a) = platform::post(queue::CALL_PATH, &queue::headers(&token), &body).await else {
        return Ok(Err(Reach::NoAnswer));
    };
    Ok(queue::answer::<Called>(a.status, &a.body).map(|c| c.ticket).ok_or_else(|| reach_of(&a)))
}

/// Marks ticket `id` served or gone at the centre.
pub async fn finish(store: &AppStore, id: &str, outcome: Outcome) -> Result<Result<Ticket, Reach>, StoreError> {
    let Some(token) = staff_token(store).await? else { return Ok(Err(Reach::NotLinked)) };
    let body = serde_json::to_vec(&Finish { outcome }).map_err(|e| StoreError::Other { detail: e.to_string() })?;
    let Some(a) = platform::post(&queue::finish_path(id), &queue::headers(&token), &body).await else {
        return Ok(Err(Reach::NoAnswer));
    };
    Ok(queue::answer::<Ticket>(a.status, &a.body).ok_or_else(|| reach_of(&a)))
}
