//! Moving records off and onto the device in batches, over the storage seam. ONE pipeline per job, called by the
//! Export screen and by the host tests alike:
//! - [`export()`]: select the records, turn them into batch records in slices (reporting progress and letting the
//!   page breathe between slices), assemble the file, keep it; `export.rs`.
//! - [`import()`]: check the whole file, then make its writes ready a slice at a time and write them all in one
//!   transaction; `import.rs`.
//! - [`purge()`]: remove the personal data of a batch the centre confirmed; `purge.rs`.
//! - [`upload`]: what a batch's upload to the centre sends and what the answer means (the HTTP call is the
//!   caller's), and recording a verified receipt.
//!
//! Plain Rust over [`Store`] and [`Pace`]; the browser supplies a `Pace` that moves a progress bar and yields.

mod export;
mod import;
pub mod kept;
mod purge;
pub mod outbox;
pub mod queue;
pub mod upload;

pub use export::{export, pending, selected, source_of, Exported};
pub use import::{existing, import, Changed, Existing, Finished, ImportError, Imported, Writes};
pub use purge::{due_for_purge, purge};

use crate::domain::batch::RecordType;
use crate::storage::{Collection, StoreError};

/// Records handled between two calls of [`Pace::step`]: small enough that a tablet's page stays responsive.
pub const SLICE: usize = 400;

/// How a long job reports how far it is and lets the page handle input between slices of work. The browser's moves
/// a progress bar and yields to the event loop; `()` does nothing (host tests, small jobs).
#[allow(async_fn_in_trait)]
pub trait Pace {
    /// `done` of `total` units are finished.
    async fn step(&mut self, done: usize, total: usize);
}

impl Pace for () {
    async fn step(&mut self, _done: usize, _total: usize) {}
}

/// Where the records of each batch record type are stored.
pub fn collection_of(kind: RecordType) -> Collection {
    match kind {
        RecordType::Client => Collection::Clients,
        RecordType::Appeal => Collection::Appeals,
        RecordType::Checklist => Collection::Assessments,
        RecordType::Audit => Collection::Audit,
        RecordType::Ticket => Collection::Tickets,
        RecordType::Feedback => Collection::Feedback,
    }
}

/// A value that should always encode did not (shown as a storage error; holds no personal data).
fn encode_failed(e: serde_json::Error) -> StoreError {
    StoreError::Other { detail: format!("encode: {e}") }
}

/// Test support: a batch of everything not yet exported, unsigned, as [`export`] makes and keeps it.
#[cfg(test)]
pub(crate) async fn export_new(store: &impl crate::storage::Store, origin: &crate::domain::batch::Origin) -> Exported {
    use crate::domain::batch::{Ledger, Selection};
    let made = export(store, origin, Selection::NotExported, &Ledger::default(), None, &mut ()).await;
    made.expect("export").expect("something to export")
}

#[cfg(test)]
mod tests;
