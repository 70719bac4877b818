//! Settings of this device, kept in IndexedDB: which tablet this is and who works on it. They go into every export
//! batch (device id and label, worker).

use serde::{Deserialize, Serialize};

use crate::storage::{Collection, Record};

/// The one settings record's id.
pub const DEVICE_SETTINGS_ID: &str = "device";

/// Longest label or worker name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSettings {
    /// Always [`DEVICE_SETTINGS_ID`].
    pub id: String,
    /// UUID v4 made once on this device.
    pub device_id: String,
    /// A name people recognise, e.g. "Планшет 2, Ірпінське бюро".
    pub label: String,
    /// The worker who usually uses this device.
    pub worker: String,
    /// Days after a batch is confirmed uploaded before its records' personal data is purged by itself; `None`: only
    /// when the user purges it.
    #[serde(default)]
    pub retention_days: Option<u32>,
    /// Days an intake left unfinished is offered back before it is erased (it may hold a person's data).
    #[serde(default = "default_draft_days")]
    pub draft_days: u32,
}

/// An unfinished intake is offered back for a week.
pub const DEFAULT_DRAFT_DAYS: u32 = 7;

fn default_draft_days() -> u32 {
    DEFAULT_DRAFT_DAYS
}

impl Record for DeviceSettings {
    const COLLECTION: Collection = Collection::Settings;
    fn id(&self) -> &str {
        &self.id
    }
}

/// Why a settings field was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    TooLong,
    ControlCharacters,
}

/// Checks and tidies a label or a name: trims, folds inner runs of spaces, refuses empty, over-long or control text.
pub fn clean_name(input: &str) -> Result<String, NameProblem> {
    if input.chars().any(|c| c.is_control() && c != '\t') {
        return Err(NameProblem::ControlCharacters);
    }
    let folded = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.is_empty() {
        return Err(NameProblem::Empty);
    }
    if folded.chars().count() > MAX_NAME_CHARS {
        return Err(NameProblem::TooLong);
    }
    Ok(folded)
}

impl DeviceSettings {
    pub fn new(device_id: String) -> Self {
        Self {
            id: DEVICE_SETTINGS_ID.into(),
            device_id,
            label: String::new(),
            worker: String::new(),
            retention_days: None,
            draft_days: DEFAULT_DRAFT_DAYS,
        }
    }

    /// Applies edited label and worker, both checked; on any problem nothing changes.
    pub fn with_edits(&self, label: &str, worker: &str) -> Result<Self, (Option<NameProblem>, Option<NameProblem>)> {
        match (clean_name(label), clean_name(worker)) {
            (Ok(label), Ok(worker)) => Ok(Self { label, worker, ..self.clone() }),
            (l, w) => Err((l.err(), w.err())),
        }
    }

    pub fn is_named(&self) -> bool {
        !self.label.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_tidied() {
        assert_eq!(clean_name("  Планшет   2, Ірпінь  "), Ok("Планшет 2, Ірпінь".into()));
        assert_eq!(clean_name("Мар’яна Коваль"), Ok("Мар’яна Коваль".into()));
    }

    #[test]
    fn bad_names_are_refused() {
        assert_eq!(clean_name("   "), Err(NameProblem::Empty));
        assert_eq!(clean_name(&"я".repeat(MAX_NAME_CHARS + 1)), Err(NameProblem::TooLong));
        assert_eq!(clean_name(&"я".repeat(MAX_NAME_CHARS)).map(|s| s.chars().count()), Ok(MAX_NAME_CHARS));
        assert_eq!(clean_name("a\u{0}b"), Err(NameProblem::ControlCharacters));
    }

    #[test]
    fn edits_change_nothing_when_one_field_is_bad() {
        let s = DeviceSettings::new("id".into());
        assert_eq!(s.with_edits("Планшет", " "), Err((None, Some(NameProblem::Empty))));
        let ok = s.with_edits(" Планшет ", "Олена").unwrap();
        assert_eq!((ok.label.as_str(), ok.worker.as_str(), ok.device_id.as_str()), ("Планшет", "Олена", "id"));
        assert!(ok.is_named());
        assert!(!s.is_named());
    }
}
