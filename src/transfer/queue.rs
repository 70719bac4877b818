//! The kiosk's queue through the centre, what travels both ways (the HTTP calls are the caller's; the centre server
//! uses the same types):
//! - the kiosk sends its tickets of the day ([`Sync`], with its queue-only token, readable while the kiosk runs
//!   locked) and learns back the state the centre holds for each ([`Synced`]: called from a staff tablet, served,
//!   left), which it takes with [`crate::kiosk::adopt`];
//! - a staff device (its own token) reads the day's queue of every kiosk ([`Queue`]), calls the next visitor
//!   ([`Call`] → [`Called`]: the centre picks and marks the ticket in one step, so two desks never call the same
//!   visitor) and marks a visitor served or gone ([`Finish`]).
//!
//! When the centre cannot be reached the kiosk goes on alone: tickets are issued and called on the device as before,
//! and sent once it answers again.

use serde::{Deserialize, Serialize};

use crate::domain::kiosk::{Outcome, Ticket, TicketState};

pub const SYNC_PATH: &str = "/api/v1/queue/sync";
pub const QUEUE_PATH: &str = "/api/v1/queue";
pub const CALL_PATH: &str = "/api/v1/queue/call";
/// The waiting-room display page (numbers and rooms only).
pub const DISPLAY_PATH: &str = "/display";
/// The most tickets one sync or one day's queue carries.
pub const MAX_TICKETS: usize = 2_000;

/// Where a staff device marks ticket `id` served or gone (`POST` [`Finish`]).
pub fn finish_path(id: &str) -> String {
    // A ticket id is a UUID; anything else is not asked for.
    let safe = id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    format!("{QUEUE_PATH}/tickets/{}/finish", if safe { id } else { "-" })
}

/// The day's queue of every kiosk (`GET` [`QUEUE_PATH`]`?day=…`).
pub fn queue_path(day: &str) -> String {
    let safe = day.chars().all(|c| c.is_ascii_digit() || c == '-');
    format!("{QUEUE_PATH}?day={}", if safe { day } else { "-" })
}

/// A kiosk's tickets of `day`, as it holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sync {
    pub day: String,
    pub tickets: Vec<Ticket>,
    /// The rooms this kiosk calls visitors to (its settings), so staff devices choose among them.
    #[serde(default)]
    pub desks: Vec<String>,
}

/// One ticket's state as the centre holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    pub id: String,
    pub state: TicketState,
}

/// The centre's answer to a [`Sync`]: the state it holds for each of this kiosk's tickets of the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Synced {
    pub held: Vec<Held>,
}

impl Synced {
    /// As [`crate::kiosk::adopt`] takes it.
    pub fn pairs(self) -> Vec<(String, TicketState)> {
        self.held.into_iter().map(|h| (h.id, h.state)).collect()
    }
}

/// The day's queue of every kiosk of the centre, by number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub tickets: Vec<Ticket>,
    /// The rooms the centre's kiosks call visitors to.
    #[serde(default)]
    pub desks: Vec<String>,
}

/// "Call the next visitor of `day` to `desk`".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Call {
    pub day: String,
    pub desk: String,
}

/// The ticket called, or `None` when nobody waits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Called {
    pub ticket: Option<Ticket>,
}

/// "This visitor was served / has gone".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finish {
    pub outcome: Outcome,
}

/// The headers of a queue request: a token (the kiosk's queue token, or a staff device's own) and JSON.
pub fn headers(token: &str) -> Vec<(&'static str, String)> {
    vec![("authorization", format!("Bearer {token}")), ("content-type", "application/json".to_owned())]
}

/// Reads a centre's answer with a JSON body `T`: `None` unless it is a 2xx carrying one (a captive portal's page, a
/// refusal).
pub fn answer<T: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> Option<T> {
    if !(200..300).contains(&status) {
        return None;
    }
    serde_json::from_slice(body).ok()
}

/// Whether the centre refused the token: revoked or never enrolled (a person must act; no point trying again soon).
pub fn refused(status: u16) -> bool {
    status == 401
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_carry_only_what_an_id_or_a_day_may_hold() {
        assert_eq!(finish_path("0b8f-12"), "/api/v1/queue/tickets/0b8f-12/finish");
        assert_eq!(finish_path("../staff"), "/api/v1/queue/tickets/-/finish");
        assert_eq!(queue_path("2026-12-07"), "/api/v1/queue?day=2026-12-07");
        assert_eq!(queue_path("x&y"), "/api/v1/queue?day=-");
    }

    #[test]
    fn only_a_2xx_with_the_expected_body_is_an_answer() {
        let body = br#"{"ticket":null}"#;
        assert_eq!(answer::<Called>(200, body), Some(Called { ticket: None }));
        assert_eq!(answer::<Called>(503, body), None);
        assert_eq!(answer::<Called>(200, b"<html>captive portal</html>"), None);
        let synced: Synced = answer(200, br#"{"held":[{"id":"a","state":{"is":"called","at":"2026-12-07T09:00:00Z","desk":"2"}}]}"#)
            .expect("an answer");
        assert_eq!(
            synced.pairs(),
            vec![("a".to_string(), TicketState::Called { at: "2026-12-07T09:00:00Z".into(), desk: "2".into() })]
        );
        assert!(refused(401) && !refused(503));
    }
}
