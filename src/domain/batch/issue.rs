//! What is wrong with data read from a file, said without quoting the data: a parser's own message repeats the
//! rejected value (a 5 MB surname became a 5-million-character message, and values may be personal). An issue names
//! the field by its path in the data and says what is wrong; the worker's language words it (`i18n::data_issue`).

use serde::de::DeserializeOwned;

/// One thing wrong with some data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataIssue {
    /// A required field is missing (its path).
    Missing { field: String },
    /// A field the format does not have.
    Unknown { field: String },
    /// The same field twice in one object.
    Duplicate { field: String },
    /// A value of the wrong kind, or not one the format allows (the field's path; empty: the data as a whole).
    Invalid { field: String },
    /// The record's id differs from the id inside its data.
    IdMismatch,
}

/// The longest field name an issue repeats (names in a crafted file can be anything).
const MAX_NAME_CHARS: usize = 40;

/// A name from the file, safe to show: up to the closing backquote, no control characters, bounded.
fn shown(name: &str) -> String {
    name.split('`')
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control() && !super::super::text::is_hidden_control(*c))
        .take(MAX_NAME_CHARS)
        .collect()
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() || path == "." {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// The issue of a serde error, with the path where it happened.
fn issue_of(path: &str, message: &str) -> DataIssue {
    let path = if path == "." { "" } else { path };
    let after = |prefix: &str| message.strip_prefix(prefix).map(shown);
    if let Some(f) = after("missing field `") {
        DataIssue::Missing { field: join(path, &f) }
    } else if let Some(f) = after("unknown field `") {
        // The path already ends with the unknown key.
        DataIssue::Unknown { field: if path.is_empty() { f } else { shown(path) } }
    } else if let Some(f) = after("duplicate field `") {
        DataIssue::Duplicate { field: if path.ends_with(&f) { shown(path) } else { join(path, &f) } }
    } else {
        DataIssue::Invalid { field: shown(path) }
    }
}

/// Reads `T` from a JSON tree; the first problem as an issue.
pub fn read_tree<T: DeserializeOwned>(v: &serde_json::Value) -> Result<T, DataIssue> {
    // The path of a problem is tracked only when there is one: tracking it always cost a third of the reading.
    T::deserialize(v).or_else(|_| {
        serde_path_to_error::deserialize(v).map_err(|e| issue_of(&e.path().to_string(), &e.inner().to_string()))
    })
}

/// Reads `T` from JSON text; the first problem as an issue.
pub fn read_text<'a, T: serde::Deserialize<'a>>(text: &'a str) -> Result<T, DataIssue> {
    T::deserialize(&mut serde_json::Deserializer::from_str(text)).or_else(|_| {
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| issue_of(&e.path().to_string(), &e.inner().to_string()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Person {
        surname: String,
        born: Born,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Born {
        year: u16,
    }

    #[test]
    fn an_issue_names_the_field_and_never_the_value() {
        let secret = "Шевченко".repeat(1000);
        let issue = read_text::<Person>(&format!(r#"{{"surname":"x","born":{{"year":"{secret}"}}}}"#)).unwrap_err();
        assert_eq!(issue, DataIssue::Invalid { field: "born.year".into() });
        assert_eq!(
            read_text::<Person>(r#"{"born":{"year":1990}}"#).unwrap_err(),
            DataIssue::Missing { field: "surname".into() }
        );
        assert_eq!(
            read_text::<Person>(r#"{"surname":"x","born":{"year":1990,"month":5}}"#).unwrap_err(),
            DataIssue::Unknown { field: "born.month".into() }
        );
        assert_eq!(
            read_text::<Person>(r#"{"surname":"x","surname":"y","born":{"year":1990}}"#).unwrap_err(),
            DataIssue::Duplicate { field: "surname".into() }
        );
        let long_key = format!(r#"{{"surname":"x","born":{{"year":1990}},"{}":1}}"#, "k".repeat(500));
        match read_text::<Person>(&long_key).unwrap_err() {
            DataIssue::Unknown { field } => assert_eq!(field.chars().count(), MAX_NAME_CHARS),
            other => panic!("{other:?}"),
        }
        let tree = serde_json::json!({"surname": 5, "born": {"year": 1990}});
        assert_eq!(read_tree::<Person>(&tree).unwrap_err(), DataIssue::Invalid { field: "surname".into() });
    }
}
