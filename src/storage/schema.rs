//! The database layout, version by version. `idb.rs` applies it; the memory store follows the same names.

use serde::{Deserialize, Serialize};

/// The database name used by the app.
pub const DB_NAME: &str = "pryiom";

/// The schema version this build expects. Raise it by adding a step to [`STEPS`].
pub const SCHEMA_VERSION: u32 = 4;

/// The object stores. Names are part of the stored format: never rename one, add a step instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Collection {
    Clients,
    Appeals,
    Assessments,
    Batches,
    Reference,
    Drafts,
    Settings,
    Audit,
    /// The exact text of each export batch file (apart from `Batches`, which is read at start).
    BatchFiles,
    /// The kiosk's queue tickets (the visitor's name and phone sealed to public keys inside).
    Tickets,
    /// The kiosk's anonymous feedback (a comment sealed to public keys inside).
    Feedback,
}

impl Collection {
    pub const ALL: [Collection; 11] = [
        Collection::Clients,
        Collection::Appeals,
        Collection::Assessments,
        Collection::Batches,
        Collection::Reference,
        Collection::Drafts,
        Collection::Settings,
        Collection::Audit,
        Collection::BatchFiles,
        Collection::Tickets,
        Collection::Feedback,
    ];

    /// Whether records of this collection can hold personal data, and so are sealed with the data key. Settings
    /// (device label, key slots) and reference lists (rules, directory of services) are read before unlock; the
    /// kiosk's tickets and feedback are written while no worker has unlocked, so what is personal in them is sealed
    /// inside to public keys instead (write-only), and the rest is what the queue shows.
    pub fn holds_personal(self) -> bool {
        !matches!(self, Collection::Settings | Collection::Reference | Collection::Tickets | Collection::Feedback)
    }

    pub fn name(self) -> &'static str {
        match self {
            Collection::Clients => "clients",
            Collection::Appeals => "appeals",
            Collection::Assessments => "assessments",
            Collection::Batches => "batches",
            Collection::Reference => "reference",
            Collection::Drafts => "drafts",
            Collection::Settings => "settings",
            Collection::Audit => "audit",
            Collection::BatchFiles => "batch_files",
            Collection::Tickets => "tickets",
            Collection::Feedback => "feedback",
        }
    }
}

/// Secondary indexes. Each is on a top-level field of [`super::StoredRecord`], never on the payload, so payloads can
/// be encrypted later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndexName {
    /// `client_id`: the appeals, assessments and drafts of one client.
    ByClient,
    /// `updated_at`: changes since a point in time (export of changes since the last batch).
    ByUpdated,
}

impl IndexName {
    pub fn name(self) -> &'static str {
        match self {
            IndexName::ByClient => "by_client",
            IndexName::ByUpdated => "by_updated",
        }
    }
    pub fn key_path(self) -> &'static str {
        match self {
            IndexName::ByClient => "client_id",
            IndexName::ByUpdated => "updated_at",
        }
    }
}

/// What one upgrade step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOp {
    CreateStore(Collection),
    CreateIndex(Collection, IndexName),
}

/// Upgrade steps: `STEPS[i]` takes the database from version `i` to `i + 1`.
pub const STEPS: &[&[StepOp]] = &[
    // 0 -> 1: every store, keyed by the record's `id`; records of a client are found by `client_id`.
    &[
        StepOp::CreateStore(Collection::Clients),
        StepOp::CreateStore(Collection::Appeals),
        StepOp::CreateStore(Collection::Assessments),
        StepOp::CreateStore(Collection::Batches),
        StepOp::CreateStore(Collection::Reference),
        StepOp::CreateStore(Collection::Drafts),
        StepOp::CreateStore(Collection::Settings),
        StepOp::CreateStore(Collection::Audit),
        StepOp::CreateIndex(Collection::Appeals, IndexName::ByClient),
        StepOp::CreateIndex(Collection::Assessments, IndexName::ByClient),
        StepOp::CreateIndex(Collection::Drafts, IndexName::ByClient),
    ],
    // 1 -> 2: find what changed since a point in time, for exports of changes since the last batch.
    &[
        StepOp::CreateIndex(Collection::Clients, IndexName::ByUpdated),
        StepOp::CreateIndex(Collection::Appeals, IndexName::ByUpdated),
        StepOp::CreateIndex(Collection::Assessments, IndexName::ByUpdated),
    ],
    // 2 -> 3: batch files kept apart from the batch list, so start-up reads the list without the files.
    &[StepOp::CreateStore(Collection::BatchFiles)],
    // 3 -> 4: the waiting-room kiosk's queue tickets and feedback.
    &[StepOp::CreateStore(Collection::Tickets), StepOp::CreateStore(Collection::Feedback)],
];

/// The steps to run to go from `old` to `new` (empty when already there).
pub fn steps_between(old: u32, new: u32) -> impl Iterator<Item = &'static StepOp> {
    STEPS
        .iter()
        .enumerate()
        .filter(move |(i, _)| (*i as u32) >= old && (*i as u32) < new)
        .flat_map(|(_, ops)| ops.iter())
}

/// Which indexes exist on a collection at a given version.
pub fn indexes_at(collection: Collection, version: u32) -> Vec<IndexName> {
    steps_between(0, version)
        .filter_map(|op| match op {
            StepOp::CreateIndex(c, i) if *c == collection => Some(*i),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_match_the_version() {
        assert_eq!(STEPS.len() as u32, SCHEMA_VERSION);
    }

    #[test]
    fn every_store_is_created_once() {
        let created: Vec<Collection> = steps_between(0, SCHEMA_VERSION)
            .filter_map(|op| match op {
                StepOp::CreateStore(c) => Some(*c),
                _ => None,
            })
            .collect();
        let mut sorted = created.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), created.len(), "a store is created twice");
        assert_eq!(sorted, Collection::ALL.to_vec());
    }

    #[test]
    fn indexes_appear_at_their_version() {
        assert_eq!(indexes_at(Collection::Clients, 1), vec![]);
        assert_eq!(indexes_at(Collection::Clients, 2), vec![IndexName::ByUpdated]);
        assert_eq!(indexes_at(Collection::Appeals, 2), vec![IndexName::ByClient, IndexName::ByUpdated]);
        assert_eq!(steps_between(2, 2).count(), 0);
        assert_eq!(steps_between(1, 2).count(), 3);
    }

    #[test]
    fn store_names_are_unique() {
        let mut names: Vec<&str> = Collection::ALL.iter().map(|c| c.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Collection::ALL.len());
    }
}
