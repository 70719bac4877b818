//! Search-first registration: find likely existing cards as the worker types, and spot near duplicates before a new
//! card is saved. Understands case, apostrophes, Latin spelling and typos (see `text`).

use super::client::Personal;
use super::date::Date;
use super::text::{digits, edit_distance, edit_distance_chars, name_tokens, with_chars};

/// What the index keeps of one card: matching keys only.
#[derive(Debug, Clone)]
struct Entry {
    id: String,
    names: Vec<String>,
    surname: Vec<String>,
    given: Vec<String>,
    birth: Option<Date>,
    phones: Vec<String>,
    tax: String,
}

impl Entry {
    fn new(id: &str, p: &Personal) -> Self {
        let surname = name_tokens(&p.surname);
        let given = name_tokens(&p.given_name);
        let mut names = surname.clone();
        names.extend(given.iter().cloned());
        names.extend(name_tokens(&p.patronymic));
        Entry {
            id: id.to_owned(),
            names,
            surname,
            given,
            birth: Date::parse_iso(&p.birth_date),
            phones: p.phones.iter().map(|x| digits(x)).collect(),
            tax: p.tax_number.clone(),
        }
    }
}

/// One card found, best first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub id: String,
    pub score: u32,
}

/// Why a card looks like the one being registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Likeness {
    SameTaxNumber,
    SameNameAndBirthDate,
    SamePhoneAndSurname,
}

#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    entries: Vec<Entry>,
    /// Where each card's entry is in `entries`: an upsert is one lookup, not a scan (a scan per card made loading
    /// 20,000 cards quadratic: about a second).
    at: std::collections::HashMap<String, usize>,
}

/// How many typos a word of this length may carry.
fn allowed_typos(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// A word of the query, decoded once for every name it is compared with.
struct QueryWord {
    text: String,
    chars: Vec<char>,
    typos: usize,
}

impl QueryWord {
    fn new(text: String) -> QueryWord {
        let chars: Vec<char> = text.chars().collect();
        let typos = allowed_typos(chars.len());
        QueryWord { text, chars, typos }
    }
}

/// How well a query word matches a name word: 4 exact, 3 prefix (typing in progress), 2 or 1 with typos.
fn word_score(q: &QueryWord, t: &str) -> u32 {
    if q.text == t {
        return 4;
    }
    if t.starts_with(&q.text) {
        return 3;
    }
    if q.typos == 0 {
        return 0;
    }
    with_chars(t, |t| {
        if let Some(d) = edit_distance_chars(&q.chars, t, q.typos) {
            return 3 - d as u32;
        }
        // A typo in a word still being typed: compare with the start of the name word.
        let n = q.chars.len();
        if t.len() > n {
            if let Some(d) = edit_distance_chars(&q.chars, &t[..n], q.typos.min(1)) {
                return if d == 0 { 3 } else { 1 };
            }
        }
        0
    })
}

fn similar_words(a: &[String], b: &[String], max: usize) -> bool {
    a.iter().any(|x| b.iter().any(|y| edit_distance(x, y, max).is_some()))
}

enum Term {
    Name(QueryWord),
    Birth(Date),
    Digits(String),
}

fn terms(query: &str) -> Vec<Term> {
    let mut out = Vec::new();
    for raw in query.split([' ', ',', ';']).filter(|s| !s.is_empty()) {
        if let Some(d) = Date::parse_human(raw) {
            out.push(Term::Birth(d));
        } else if raw.chars().all(|c| c.is_ascii_digit() || "+-()".contains(c)) {
            // Groups typed with spaces ("067 123 45") are one number.
            match out.last_mut() {
                Some(Term::Digits(prev)) => prev.push_str(&digits(raw)),
                _ => out.push(Term::Digits(digits(raw))),
            }
        } else {
            out.extend(name_tokens(raw).into_iter().map(|w| Term::Name(QueryWord::new(w))));
        }
    }
    out.retain(|t| !matches!(t, Term::Digits(d) if d.len() < 3));
    out
}

impl SearchIndex {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds or replaces a card; a card without personal data (consent withdrawn) is removed.
    pub fn upsert(&mut self, id: &str, personal: Option<&Personal>) {
        match (self.at.get(id).copied(), personal) {
            (Some(i), Some(p)) => self.entries[i] = Entry::new(id, p),
            (None, Some(p)) => {
                self.at.insert(id.to_owned(), self.entries.len());
                self.entries.push(Entry::new(id, p));
            }
            (Some(i), None) => {
                self.at.remove(id);
                self.entries.swap_remove(i);
                if let Some(moved) = self.entries.get(i) {
                    self.at.insert(moved.id.clone(), i);
                }
            }
            (None, None) => {}
        }
    }

    /// Cards matching every word of the query: names (any order, prefix, Latin, typos), a date of birth, or digits
    /// of a phone (4+) or tax number (start). At most `limit`, best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let terms = terms(query);
        if terms.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<Hit> = self
            .entries
            .iter()
            .filter_map(|e| {
                let mut score = 0;
                for term in &terms {
                    let s = match term {
                        Term::Name(q) => e.names.iter().map(|t| word_score(q, t)).max().unwrap_or(0),
                        Term::Birth(d) => 4 * u32::from(e.birth == Some(*d)),
                        Term::Digits(q) => {
                            let tax = !e.tax.is_empty() && e.tax.starts_with(q.as_str());
                            let phone = q.len() >= 4 && e.phones.iter().any(|p| p.contains(q.as_str()));
                            4 * u32::from(tax || phone)
                        }
                    };
                    if s == 0 {
                        return None;
                    }
                    score += s;
                }
                Some(Hit { id: e.id.clone(), score })
            })
            .collect();
        hits.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        hits.truncate(limit);
        hits
    }

    /// Existing cards that look like `card` (the same person registered twice), with the reason.
    pub fn likely_duplicates(&self, card: &Personal, except_id: Option<&str>) -> Vec<(String, Likeness)> {
        let new = Entry::new("", card);
        let mut out = Vec::new();
        for e in self.entries.iter().filter(|e| Some(e.id.as_str()) != except_id) {
            let likeness = if !new.tax.is_empty() && e.tax == new.tax {
                Some(Likeness::SameTaxNumber)
            } else if new.birth.is_some()
                && e.birth == new.birth
                && similar_words(&new.surname, &e.surname, 2)
                && similar_words(&new.given, &e.given, 1)
            {
                Some(Likeness::SameNameAndBirthDate)
            } else if new.phones.iter().any(|p| e.phones.contains(p)) && similar_words(&new.surname, &e.surname, 2) {
                Some(Likeness::SamePhoneAndSurname)
            } else {
                None
            };
            if let Some(l) = likeness {
                out.push((e.id.clone(), l));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::client::{Needs, PersonLanguage};

    fn person(surname: &str, given: &str, birth: &str, phone: &str, tax: &str) -> Personal {
        Personal {
            surname: surname.into(),
            given_name: given.into(),
            patronymic: String::new(),
            birth_date: birth.into(),
            sex: None,
            phones: if phone.is_empty() { vec![] } else { vec![phone.into()] },
            email: String::new(),
            address: String::new(),
            registration_address: String::new(),
            no_fixed_address: false,
            document_kind: String::new(),
            document_series: String::new(),
            document_number: String::new(),
            no_documents: true,
            no_documents_reason: None,
            tax_number: tax.into(),
            tax_refused: tax.is_empty(),
            no_tax_number: None,
            language: PersonLanguage::default(),
            needs: Needs::default(),
            representative_id: None,
        }
    }

    fn index() -> SearchIndex {
        let mut ix = SearchIndex::new();
        ix.upsert("a", Some(&person("Шевченко", "Олександр", "1987-03-12", "+380671234567", "3184710691")));
        ix.upsert("b", Some(&person("Коваль", "Мар’яна", "1990-05-01", "+380501112233", "")));
        ix.upsert("c", Some(&person("Шевчук", "Олена", "1975-10-20", "", "")));
        ix.upsert("d", Some(&person("Ковальчук", "Юрій", "2001-01-01", "+380631234567", "")));
        ix
    }

    fn ids(hits: Vec<Hit>) -> Vec<String> {
        hits.into_iter().map(|h| h.id).collect()
    }

    #[test]
    fn finds_by_cyrillic_latin_case_and_apostrophes() {
        let ix = index();
        assert_eq!(ids(ix.search("шевченко", 10)), vec!["a"]);
        assert_eq!(ids(ix.search("Shevchenko", 10)), vec!["a"]);
        assert_eq!(ids(ix.search("Oleksandr", 10)), vec!["a"]);
        assert_eq!(ids(ix.search("ОЛЕКСАНДР шевченко", 10)), vec!["a"]);
        assert_eq!(ids(ix.search("Марʼяна", 10)), vec!["b"]);
        assert_eq!(ids(ix.search("Mariana Koval", 10)), vec!["b"]);
    }

    #[test]
    fn finds_as_you_type() {
        let ix = index();
        assert_eq!(ids(ix.search("Шев", 10)), vec!["a", "c"]);
        assert_eq!(ids(ix.search("Ковал", 10)), vec!["b", "d"]);
        // An exact word ranks above a longer word that starts with it.
        assert_eq!(ids(ix.search("Коваль", 10)), vec!["b", "d"]);
        assert!(ix.search("Коваль", 10)[0].score > ix.search("Коваль", 10)[1].score);
    }

    #[test]
    fn finds_despite_typos() {
        let ix = index();
        assert_eq!(ids(ix.search("Шевченко Олесандр", 10)), vec!["a"], "a letter missing");
        assert_eq!(ids(ix.search("Шевчекно", 10)), vec!["a"], "two letters swapped");
        assert_eq!(ids(ix.search("Shevcenko", 10)), vec!["a"]);
        assert_eq!(ids(ix.search("Olexandr", 10)), vec!["a"], "a common non-official spelling");
        assert_eq!(ids(ix.search("Петренко", 10)), Vec::<String>::new());
    }

    #[test]
    fn finds_by_birth_date_phone_and_tax_number() {
        let ix = index();
        assert_eq!(ids(ix.search("12.03.1987", 10)), vec!["a"]);
        assert_eq!(ids(ix.search("Шевченко 12.03.1987", 10)), vec!["a"]);
        assert_eq!(ids(ix.search("Шевченко 13.03.1987", 10)), Vec::<String>::new());
        assert_eq!(ids(ix.search("067 123", 10)), vec!["a"]);
        assert_eq!(ids(ix.search("1234567", 10)), vec!["a", "d"]);
        assert_eq!(ids(ix.search("31847", 10)), vec!["a"]);
        assert!(ix.search("", 10).is_empty());
        assert_eq!(ix.search("Ков", 1).len(), 1);
    }

    #[test]
    fn withdrawn_cards_leave_the_index() {
        let mut ix = index();
        ix.upsert("a", None);
        assert!(ix.search("Шевченко", 10).is_empty());
        assert_eq!(ix.len(), 3);
        // The last entry moved into the gap is still found, replaced and removed by its id.
        assert_eq!(ids(ix.search("Ковальчук", 10)), vec!["d"]);
        ix.upsert("d", Some(&person("Бойко", "Юрій", "2001-01-01", "", "")));
        assert!(ix.search("Ковальчук", 10).is_empty());
        assert_eq!(ids(ix.search("Бойко", 10)), vec!["d"]);
        assert_eq!(ix.len(), 3);
        ix.upsert("d", None);
        ix.upsert("a", None);
        assert_eq!(ix.len(), 2);
        assert_eq!(ids(ix.search("Шевчук", 10)), vec!["c"]);
        assert_eq!(ids(ix.search("Коваль", 10)), vec!["b"]);
    }

    #[test]
    fn spots_likely_duplicates() {
        let ix = index();
        let same_tax = person("Шевченко", "Саша", "1987-03-12", "", "3184710691");
        assert_eq!(ix.likely_duplicates(&same_tax, None), vec![("a".into(), Likeness::SameTaxNumber)]);
        let typo = person("Шевчено", "Олександр", "1987-03-12", "", "");
        assert_eq!(ix.likely_duplicates(&typo, None), vec![("a".into(), Likeness::SameNameAndBirthDate)]);
        let phone = person("Ковал", "Інна", "1999-01-01", "+380501112233", "");
        assert_eq!(ix.likely_duplicates(&phone, None), vec![("b".into(), Likeness::SamePhoneAndSurname)]);
        let other = person("Шевченко", "Олександр", "1990-01-01", "", "");
        assert!(ix.likely_duplicates(&other, None).is_empty(), "same name, other birth date: another person");
        assert!(ix.likely_duplicates(&same_tax, Some("a")).is_empty(), "a card is not its own duplicate");
    }
}
