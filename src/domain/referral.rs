//! The offline directory of partner organisations and the referral slip (guide 1.3.1.1, 3.6): the client leaves
//! with the exact address, phone, hours and contact, not "not us, go to social services".

use serde::{Deserialize, Serialize};

use crate::storage::{Collection, Record};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub hours: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub topics: Vec<String>,
}

/// The directory as stored (one reference record) and as a file to share between devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    /// Always [`DIRECTORY_FORMAT`].
    pub format: String,
    pub version: u32,
    pub organisations: Vec<Organisation>,
}

pub const DIRECTORY_FORMAT: &str = "pryiom-directory";
pub const DIRECTORY_VERSION: u32 = 1;
pub const DIRECTORY_ID: &str = "directory";

/// The record that holds the directory in the reference store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryRecord {
    pub id: String,
    pub directory: Directory,
}

impl Record for DirectoryRecord {
    const COLLECTION: Collection = Collection::Reference;
    fn id(&self) -> &str {
        &self.id
    }
}

impl Default for Directory {
    fn default() -> Self {
        Directory { format: DIRECTORY_FORMAT.into(), version: DIRECTORY_VERSION, organisations: Vec::new() }
    }
}

/// The largest directory file read (2 MiB: thousands of organisations).
pub const MAX_DIRECTORY_BYTES: usize = 2 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectoryProblem {
    /// Not JSON, or not the shape of a directory file (with the parser's line and column).
    NotADirectory {
        line: usize,
        column: usize,
    },
    WrongFormat,
    NewerVersion(u32),
    /// Organisation number `index` (1-based) lacks a required field.
    MissingField {
        index: usize,
        field: &'static str,
    },
    /// The file is larger than [`MAX_DIRECTORY_BYTES`]: not read.
    TooLarge {
        limit_bytes: usize,
    },
    /// Organisation number `index` repeats the id of an earlier one in the same file.
    DuplicateId {
        index: usize,
    },
    /// Organisation number `index` has text with a bidirectional control or NUL in `field`.
    HiddenControl {
        index: usize,
        field: String,
    },
    /// Organisation number `index` has a text in `field` longer than [`MAX_ORG_TEXT_CHARS`].
    TextTooLong {
        index: usize,
        field: String,
        limit_chars: usize,
    },
}

/// The longest text of an organisation, in characters (a name, address, hours or a topic).
pub const MAX_ORG_TEXT_CHARS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgField {
    Name,
    Address,
    Phone,
    Hours,
}

impl Organisation {
    /// The fields a slip cannot do without.
    pub fn missing(&self) -> Vec<OrgField> {
        let mut out = Vec::new();
        for (f, v) in [
            (OrgField::Name, &self.name),
            (OrgField::Address, &self.address),
            (OrgField::Phone, &self.phone),
            (OrgField::Hours, &self.hours),
        ] {
            if v.trim().is_empty() {
                out.push(f);
            }
        }
        out
    }

    /// Matches a topic or name word (for picking an organisation while talking to the client).
    pub fn matches(&self, query: &str) -> bool {
        let q = crate::domain::text::normalise(query);
        q.is_empty()
            || crate::domain::text::normalise(&self.name).contains(&q)
            || self.topics.iter().any(|t| crate::domain::text::normalise(t).contains(&q))
    }
}

impl Directory {
    /// This tab's edit (`mine`, made on `base`) put on the directory as stored now (`theirs`, which another tab may
    /// have changed since), organisation by organisation: what this tab added, changed or removed is applied; every
    /// other organisation is as stored. Two tabs that each add an organisation keep both.
    pub fn merged(base: &Directory, mine: &Directory, theirs: &Directory) -> Directory {
        let find = |d: &Directory, id: &str| d.organisations.iter().find(|o| o.id == id).cloned();
        let mut out = theirs.clone();
        for o in &base.organisations {
            if find(mine, &o.id).is_none() {
                out.remove(&o.id);
            }
        }
        for o in &mine.organisations {
            if find(base, &o.id).as_ref() != Some(o) {
                out.upsert(o.clone());
            }
        }
        out
    }

    pub fn to_file(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a directory file; refuses anything that is not a complete directory of a version this app knows.
    pub fn from_file(text: &str) -> Result<Directory, DirectoryProblem> {
        if text.len() > MAX_DIRECTORY_BYTES {
            return Err(DirectoryProblem::TooLarge { limit_bytes: MAX_DIRECTORY_BYTES });
        }
        let text = text.trim_start_matches('\u{feff}');
        let not_one = |e: serde_json::Error| DirectoryProblem::NotADirectory { line: e.line(), column: e.column() };
        // First what the file says it is: a file of another kind (a batch, the rules) says so.
        let head: serde_json::Value = serde_json::from_str(text).map_err(not_one)?;
        if head.get("format").and_then(serde_json::Value::as_str) != Some(DIRECTORY_FORMAT) {
            return Err(DirectoryProblem::WrongFormat);
        }
        let d: Directory = serde_json::from_str(text).map_err(not_one)?;
        if d.version == 0 {
            return Err(DirectoryProblem::WrongFormat);
        }
        if d.version > DIRECTORY_VERSION {
            return Err(DirectoryProblem::NewerVersion(d.version));
        }
        let mut ids = std::collections::HashSet::new();
        for (i, o) in d.organisations.iter().enumerate() {
            if !o.id.trim().is_empty() && !ids.insert(o.id.as_str()) {
                return Err(DirectoryProblem::DuplicateId { index: i + 1 });
            }
            let tree = serde_json::to_value(o).unwrap_or_default();
            if let Some(field) = super::text::hidden_control_at(&tree) {
                return Err(DirectoryProblem::HiddenControl { index: i + 1, field });
            }
            if let Some(field) = super::text::text_longer_at(&tree, MAX_ORG_TEXT_CHARS) {
                return Err(DirectoryProblem::TextTooLong { index: i + 1, field, limit_chars: MAX_ORG_TEXT_CHARS });
            }
            if o.id.trim().is_empty() {
                return Err(DirectoryProblem::MissingField { index: i + 1, field: "id" });
            }
            if let Some(f) = o.missing().first() {
                let field = match f {
                    OrgField::Name => "name",
                    OrgField::Address => "address",
                    OrgField::Phone => "phone",
                    OrgField::Hours => "hours",
                };
                return Err(DirectoryProblem::MissingField { index: i + 1, field });
            }
        }
        Ok(d)
    }

    /// Adds the imported organisations; one with an id already here replaces it. Returns (added, replaced).
    pub fn merge(&mut self, other: Directory) -> (usize, usize) {
        let (mut added, mut replaced) = (0, 0);
        for o in other.organisations {
            match self.organisations.iter_mut().find(|x| x.id == o.id) {
                Some(x) => {
                    if *x != o {
                        *x = o;
                    }
                    replaced += 1;
                }
                None => {
                    self.organisations.push(o);
                    added += 1;
                }
            }
        }
        (added, replaced)
    }

    pub fn upsert(&mut self, o: Organisation) {
        match self.organisations.iter_mut().find(|x| x.id == o.id) {
            Some(x) => *x = o,
            None => self.organisations.push(o),
        }
    }

    pub fn remove(&mut self, id: &str) {
        self.organisations.retain(|o| o.id != id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(orgs: &[Organisation]) -> Directory {
        Directory { organisations: orgs.to_vec(), ..Directory::default() }
    }

    #[test]
    fn edits_in_two_tabs_are_merged_organisation_by_organisation() {
        let (a, b, c) = (org("a", "Центр БПД"), org("b", "Юридична клініка"), org("c", "Право на захист"));
        let base = dir(&[a.clone(), b.clone()]);
        // Another tab added c and renamed a; this tab added d, removed b.
        let theirs = dir(&[org("a", "Центр БПД Ірпінь"), b.clone(), c.clone()]);
        let d = org("d", "ГО «Крок»");
        let mine = dir(&[a.clone(), d.clone()]);
        let out = Directory::merged(&base, &mine, &theirs);
        let names: Vec<&str> = out.organisations.iter().map(|o| o.name.as_str()).collect();
        assert!(names.contains(&"Центр БПД Ірпінь"), "their change of a stays: {names:?}");
        assert!(names.contains(&"Право на захист") && names.contains(&"ГО «Крок»"), "both additions: {names:?}");
        assert!(!names.contains(&"Юридична клініка"), "my removal: {names:?}");
        // My change of an organisation wins over nothing changed there.
        let mine = dir(&[org("a", "Центр БПД Буча"), b.clone()]);
        let out = Directory::merged(&base, &mine, &dir(&[a, b, c]));
        assert_eq!(out.organisations.iter().find(|o| o.id == "a").map(|o| o.name.as_str()), Some("Центр БПД Буча"));
        assert_eq!(out.organisations.len(), 3);
    }

    fn org(id: &str, name: &str) -> Organisation {
        Organisation {
            id: id.into(),
            name: name.into(),
            address: "вул. Соборна, 1".into(),
            phone: "+380441234567".into(),
            hours: "пн–пт 9–18".into(),
            contact: String::new(),
            topics: vec!["пенсії".into()],
        }
    }

    #[test]
    fn a_directory_file_round_trips() {
        let d = Directory { organisations: vec![org("1", "ПФУ")], ..Directory::default() };
        assert_eq!(Directory::from_file(&d.to_file()), Ok(d.clone()));
        assert_eq!(Directory::from_file(&format!("\u{feff}{}", d.to_file())), Ok(d));
    }

    #[test]
    fn bad_files_are_refused_with_the_reason() {
        assert!(matches!(Directory::from_file("{oops"), Err(DirectoryProblem::NotADirectory { line: 1, .. })));
        assert_eq!(
            Directory::from_file(r#"{"format":"other","version":1,"organisations":[]}"#),
            Err(DirectoryProblem::WrongFormat)
        );
        assert_eq!(
            Directory::from_file(r#"{"format":"pryiom-directory","version":9,"organisations":[]}"#),
            Err(DirectoryProblem::NewerVersion(9))
        );
        let mut bad = org("2", "X");
        bad.hours = " ".into();
        let d = Directory { organisations: vec![org("1", "ПФУ"), bad], ..Directory::default() };
        assert_eq!(
            Directory::from_file(&d.to_file()),
            Err(DirectoryProblem::MissingField { index: 2, field: "hours" })
        );
        let d = Directory {
            organisations: vec![org("1", "ПФУ"), org("2", "ЦНАП"), org("1", "Інший")],
            ..Directory::default()
        };
        assert_eq!(Directory::from_file(&d.to_file()), Err(DirectoryProblem::DuplicateId { index: 3 }));
        let mut reordered = org("2", "X");
        reordered.phone = "\u{202E}0800 213 103".into();
        let d = Directory { organisations: vec![org("1", "ПФУ"), reordered], ..Directory::default() };
        assert_eq!(
            Directory::from_file(&d.to_file()),
            Err(DirectoryProblem::HiddenControl { index: 2, field: "phone".into() })
        );
        // Version 0 was never written: not "made by a newer app".
        assert_eq!(
            Directory::from_file(r#"{"format":"pryiom-directory","version":0,"organisations":[]}"#),
            Err(DirectoryProblem::WrongFormat)
        );
        let mut long = org("2", "X");
        long.topics = vec!["п".repeat(MAX_ORG_TEXT_CHARS + 1)];
        let d = Directory { organisations: vec![long], ..Directory::default() };
        assert_eq!(
            Directory::from_file(&d.to_file()),
            Err(DirectoryProblem::TextTooLong { index: 1, field: "topics[0]".into(), limit_chars: MAX_ORG_TEXT_CHARS })
        );
    }

    #[test]
    fn merging_adds_and_replaces_by_id() {
        let mut d = Directory { organisations: vec![org("1", "ПФУ"), org("2", "ЦНАП")], ..Directory::default() };
        let other = Directory {
            organisations: vec![org("2", "ЦНАП міста"), org("3", "Служба у справах дітей")],
            ..Directory::default()
        };
        assert_eq!(d.merge(other), (1, 1));
        assert_eq!(d.organisations.len(), 3);
        assert_eq!(d.organisations[1].name, "ЦНАП міста");
        d.remove("1");
        assert_eq!(d.organisations.len(), 2);
    }

    #[test]
    fn matches_by_name_or_topic() {
        let o = org("1", "Пенсійний фонд");
        assert!(o.matches("пенс"));
        assert!(o.matches("ФОНД"));
        assert!(!o.matches("діти"));
    }
}
