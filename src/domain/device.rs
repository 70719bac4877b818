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
    /// The phone printed at the foot of slips and lists for clients (the centre's contacts); empty: none printed.
    #[serde(default = "default_hotline")]
    pub hotline: String,
    /// Minutes without a touch (or with the screen hidden) after which the device locks itself.
    #[serde(default = "default_lock_minutes")]
    pub lock_minutes: u32,
    /// The centre's public age keys (`age1…`; the centre's key and optionally a backup key): export files are sealed
    /// to them. Empty: files are saved in clear, after the worker confirms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub centre_keys: Vec<String>,
    /// Whether public holidays are days off for the working-day deadlines. Under martial law they are working days
    /// (Labour Code art. 73 does not apply), so off until the centre turns it on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub holidays_observed: bool,
    /// The public holidays (ISO dates) the deadlines skip when [`holidays_observed`](Self::holidays_observed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<String>,
}

/// Why a list of holidays was refused: the 1-based line that is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HolidayLineProblem(pub usize);

/// Reads holidays as typed, one per line (дд.мм.рррр, or ISO; empty lines skipped): sorted ISO dates, no repeats.
pub fn parse_holidays(text: &str) -> Result<Vec<String>, HolidayLineProblem> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let d = crate::domain::date::Date::parse_human(line).ok_or(HolidayLineProblem(i + 1))?;
        out.push(d);
    }
    out.sort();
    out.dedup();
    Ok(out.into_iter().map(crate::domain::date::Date::iso).collect())
}

/// The device locks after five idle minutes unless Settings say otherwise.
pub const DEFAULT_LOCK_MINUTES: u32 = 5;
/// The range Settings accept for the idle lock.
pub const LOCK_MINUTES: std::ops::RangeInclusive<u32> = 1..=60;

fn default_lock_minutes() -> u32 {
    DEFAULT_LOCK_MINUTES
}

/// The idle period as typed in Settings: a whole number of minutes in [`LOCK_MINUTES`].
pub fn parse_lock_minutes(typed: &str) -> Option<u32> {
    typed.trim().parse::<u32>().ok().filter(|m| LOCK_MINUTES.contains(m))
}

/// The free legal aid system's national hotline (24/7, free of charge): what slips print until a centre sets its own.
pub const DEFAULT_HOTLINE: &str = "0 800 213 103";

fn default_hotline() -> String {
    DEFAULT_HOTLINE.into()
}

/// Longest phone text printed for clients, in characters.
pub const MAX_HOTLINE_CHARS: usize = 40;

/// Why a phone for clients was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HotlineProblem {
    TooLong,
    /// Only digits, spaces, "+", "-" and brackets, with at least three digits.
    NotAPhone,
}

/// Checks and tidies the phone printed for clients: spaces folded; empty means none.
pub fn clean_hotline(input: &str) -> Result<String, HotlineProblem> {
    let folded = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.is_empty() {
        return Ok(folded);
    }
    if folded.chars().count() > MAX_HOTLINE_CHARS {
        return Err(HotlineProblem::TooLong);
    }
    let allowed = folded.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if !allowed || folded.chars().filter(char::is_ascii_digit).count() < 3 {
        return Err(HotlineProblem::NotAPhone);
    }
    Ok(folded)
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
            lock_minutes: DEFAULT_LOCK_MINUTES,
            centre_keys: Vec::new(),
            hotline: DEFAULT_HOTLINE.into(),
            holidays_observed: false,
            holidays: Vec::new(),
        }
    }

    /// The days the working-day deadlines skip: the holidays when they are observed, else none.
    pub fn days_off(&self) -> Vec<crate::domain::date::Date> {
        if !self.holidays_observed {
            return Vec::new();
        }
        self.holidays.iter().filter_map(|d| crate::domain::date::Date::parse_iso(d)).collect()
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
    fn idle_lock_minutes_are_whole_numbers_from_one_to_sixty() {
        assert_eq!(parse_lock_minutes(" 5 "), Some(5));
        assert_eq!(parse_lock_minutes("1"), Some(1));
        assert_eq!(parse_lock_minutes("60"), Some(60));
        for bad in ["0", "61", "", "2.5", "-1", "п’ять"] {
            assert_eq!(parse_lock_minutes(bad), None, "{bad}");
        }
        let old: DeviceSettings =
            serde_json::from_str(r#"{"id":"device","device_id":"d","label":"","worker":""}"#).unwrap();
        assert_eq!(old.lock_minutes, DEFAULT_LOCK_MINUTES, "settings saved before the idle lock");
    }

    #[test]
    fn the_phone_for_clients_is_checked_and_defaults_to_the_hotline() {
        assert_eq!(clean_hotline("  (04577)   5-12-34 "), Ok("(04577) 5-12-34".into()));
        assert_eq!(clean_hotline("+380 44 123 45 67"), Ok("+380 44 123 45 67".into()));
        assert_eq!(clean_hotline(" "), Ok(String::new()), "empty: no phone printed");
        assert_eq!(clean_hotline("дзвоніть"), Err(HotlineProblem::NotAPhone));
        assert_eq!(clean_hotline("12"), Err(HotlineProblem::NotAPhone));
        assert_eq!(clean_hotline(&"1".repeat(MAX_HOTLINE_CHARS + 1)), Err(HotlineProblem::TooLong));
        // Settings saved before the field existed read with the national hotline.
        let old: DeviceSettings =
            serde_json::from_str(r#"{"id":"device","device_id":"d","label":"","worker":""}"#).expect("old settings");
        assert_eq!(old.hotline, DEFAULT_HOTLINE);
    }

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

#[cfg(test)]
mod holiday_tests {
    use super::*;
    use crate::domain::date::{add_working_days, Date};

    #[test]
    fn holidays_are_read_one_per_line_and_used_only_when_observed() {
        assert_eq!(
            parse_holidays("25.12.2026\n\n 01.01.2027 \n2026-12-25\n"),
            Ok(vec!["2026-12-25".to_owned(), "2027-01-01".to_owned()])
        );
        assert_eq!(parse_holidays("25.12.2026\nРіздво"), Err(HolidayLineProblem(2)));
        let mut d = DeviceSettings::new("id".into());
        d.holidays = parse_holidays("25.12.2026").expect("dates");
        // Under martial law: a working day.
        assert!(d.days_off().is_empty());
        let from = Date::new(2026, 12, 23).expect("date");
        assert_eq!(add_working_days(from, 3, &d.days_off()), Date::new(2026, 12, 28).expect("date"));
        d.holidays_observed = true;
        assert_eq!(add_working_days(from, 3, &d.days_off()), Date::new(2026, 12, 29).expect("date"));
        // Settings stored before holidays existed read as "not observed".
        let old: DeviceSettings =
            serde_json::from_str(r#"{"id":"device","device_id":"d","label":"","worker":""}"#).expect("old settings");
        assert!(!old.holidays_observed && old.holidays.is_empty());
    }
}
