//! Search-first registration: find likely existing cards as the worker types, and spot near duplicates before a new
//! card is saved. Understands case, apostrophes, Latin spelling and typos (see `text`).

use super::best::FirstN;
use super::client::Personal;
use super::date::Date;
use super::text::{digits, edit_distance, folded, name_tokens};
use std::collections::HashMap;

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

/// What the index keeps of one card: matching keys only (name words as numbers into the vocabulary).
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    id: String,
    /// The id's first 8 bytes as a number: results that score the same are in the order of their ids, and this
    /// orders them without reading the id itself (kept elsewhere in memory) unless two start alike.
    order: u64,
    /// Every word of the name, each once.
    names: Vec<u32>,
    surname: Vec<u32>,
    given: Vec<u32>,
    birth: Option<Date>,
    phones: Vec<String>,
    tax: String,
}

impl Entry {
    /// How many keys the entry put into the lists (see `SearchIndex::stale`).
    fn keys(&self) -> usize {
        self.names.len() + usize::from(self.birth.is_some()) + usize::from(!self.tax.is_empty()) + self.phones.iter().map(|p| grams(p).count()).sum::<usize>()
    }
}

/// A node of the vocabulary's trie: a character each step down, the word that ends here if any.
#[derive(Debug, Clone, Default)]
struct Node {
    children: Vec<(char, u32)>,
    word: Option<u32>,
}

/// Words as a trie: a character each step down, the word that ends here if any.
#[derive(Debug, Clone)]
struct Trie {
    nodes: Vec<Node>,
}

impl Default for Trie {
    fn default() -> Self {
        Trie { nodes: vec![Node::default()] }
    }
}

impl Trie {
    fn insert(&mut self, chars: impl Iterator<Item = char>, word: u32) {
        let mut at = 0usize;
        for c in chars {
            at = match self.nodes[at].children.binary_search_by_key(&c, |x| x.0) {
                Ok(i) => self.nodes[at].children[i].1 as usize,
                Err(i) => {
                    let next = self.nodes.len();
                    self.nodes.push(Node::default());
                    self.nodes[at].children.insert(i, (c, next as u32));
                    next
                }
            };
        }
        self.nodes[at].word = Some(word);
    }

    /// Every word that matches `q` (at most `typos` edits), with its score: one walk of the trie, a row of the
    /// edit-distance table per step down, branches given up once no word below them can match.
    fn matches(&self, q: &[char], typos: usize, out: &mut Vec<(u32, u32)>) {
        if typos == 0 {
            // Exact and prefix only: straight down the query's letters.
            let mut at = 0usize;
            for c in q {
                match self.nodes[at].children.binary_search_by_key(c, |x| x.0) {
                    Ok(i) => at = self.nodes[at].children[i].1 as usize,
                    Err(_) => return,
                }
            }
            if let Some(w) = self.nodes[at].word {
                out.push((w, 4));
            }
            let mut stack: Vec<usize> = self.nodes[at].children.iter().map(|x| x.1 as usize).collect();
            while let Some(n) = stack.pop() {
                if let Some(w) = self.nodes[n].word {
                    out.push((w, 3));
                }
                stack.extend(self.nodes[n].children.iter().map(|x| x.1 as usize));
            }
            return;
        }
        let width = q.len() + 1;
        let mut walk = Walk { q, typos, rows: vec![0; width * 2], path: Vec::new(), out };
        // Rows of depth 0: the distance from each prefix of the query to the empty word.
        for (i, v) in walk.rows[width..].iter_mut().enumerate() {
            *v = i;
        }
        walk.node(&self.nodes, 0, true, false);
    }
}

/// Every name word ever seen, each with the cards that carry it, in two tries: of its Latin form (prefixes, Latin
/// spelling and typos are found by walking it, not by comparing with every card) and of its [`folded`] form (typos
/// counted per letter of the name).
#[derive(Debug, Clone, Default)]
struct Vocabulary {
    words: Vec<String>,
    number: HashMap<String, u32>,
    latin: Trie,
    folded: Trie,
    /// The cards (slots) of each word. Removing a card leaves its slot here: every hit is checked against the card
    /// itself, and the lists are rebuilt when stale keys outnumber live ones.
    cards: Vec<Vec<u32>>,
}

impl Vocabulary {
    fn word(&mut self, w: &str) -> u32 {
        if let Some(&n) = self.number.get(w) {
            return n;
        }
        let n = self.words.len() as u32;
        self.words.push(w.to_owned());
        self.number.insert(w.to_owned(), n);
        self.cards.push(Vec::new());
        self.latin.insert(w.chars(), n);
        self.folded.insert(folded(w).into_iter(), n);
        n
    }

    /// Every word that matches `q`, each once with its best score (see [`QueryWord`]), in word order.
    fn matches(&self, q: &QueryWord) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        self.latin.matches(&q.chars, q.typos, &mut out);
        // Exact words and prefixes are the same in both forms: the folded trie is walked for typos only.
        if q.folded_typos > 0 {
            self.folded.matches(&q.folded, q.folded_typos, &mut out);
        }
        out.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        out.dedup_by_key(|x| x.0);
        out
    }
}

/// The state of one trie walk: rows of the edit-distance table down the current path (one per depth, after a
/// blank row so the swap of two letters can look two rows up), and the path's letters.
struct Walk<'a, 'b> {
    q: &'a [char],
    typos: usize,
    rows: Vec<usize>,
    path: Vec<char>,
    out: &'b mut Vec<(u32, u32)>,
}

impl Walk<'_, '_> {
    /// At a node of depth `path.len()`: `exact` when the path is the query's start (or, deeper, starts with the
    /// query), `near` when the path's first `n` letters are one edit from the query (a typo in a word being typed).
    fn node(&mut self, nodes: &[Node], at: usize, exact: bool, near: bool) {
        let n = self.q.len();
        let width = n + 1;
        let depth = self.path.len();
        let row = (depth + 1) * width;
        if let Some(w) = nodes[at].word {
            let d = self.rows[row + n];
            let mut score = 0;
            if exact && depth == n {
                score = 4;
            } else if exact && depth > n {
                score = 3;
            } else if d <= self.typos {
                score = 3 - d as u32;
            }
            if near && depth > n {
                score = score.max(1);
            }
            if score > 0 {
                self.out.push((w, score));
            }
        }
        for k in 0..nodes[at].children.len() {
            let (c, child) = nodes[at].children[k];
            // The next row of the table, for the path with `c` added.
            let next = row + width;
            if self.rows.len() < next + width {
                self.rows.resize(next + width, 0);
            }
            self.rows[next] = depth + 1;
            let mut least = self.rows[next];
            for i in 1..=n {
                let cost = usize::from(self.q[i - 1] != c);
                let mut d = (self.rows[row + i] + 1).min(self.rows[next + i - 1] + 1).min(self.rows[row + i - 1] + cost);
                if i > 1 && depth >= 1 && self.q[i - 1] == self.path[depth - 1] && self.q[i - 2] == c {
                    d = d.min(self.rows[row - width + i - 2] + 1);
                }
                self.rows[next + i] = d;
                least = least.min(d);
            }
            let exact_below = exact && (depth >= n || self.q[depth] == c);
            let near_below = near || (depth + 1 == n && self.rows[next + n] <= 1);
            if !exact_below && !near_below && least > self.typos {
                continue;
            }
            self.path.push(c);
            self.node(nodes, child as usize, exact_below, near_below);
            self.path.pop();
        }
    }
}

/// The 4-digit pieces of a phone number: a search for 4 or more digits looks up its first four.
fn grams(phone: &str) -> impl Iterator<Item = u64> + '_ {
    let b = phone.as_bytes();
    (0..b.len().saturating_sub(3)).filter_map(move |i| std::str::from_utf8(&b[i..i + 4]).ok()?.parse().ok())
}

/// A number that orders ids as their first 8 bytes do (shorter ids padded with zero bytes: two that tie are
/// compared whole).
fn id_order(id: &str) -> u64 {
    let mut b = [0u8; 8];
    let n = id.len().min(8);
    b[..n].copy_from_slice(&id.as_bytes()[..n]);
    u64::from_be_bytes(b)
}

/// Whether the digits `hay` hold `q` (4 or more digits) somewhere. A phone query can match every card (the first four
/// digits of a common operator's numbers): `str::contains` set up its searcher again for each card, which took most
/// of such a search.
fn holds_digits(hay: &str, q: &str) -> bool {
    let (hay, q) = (hay.as_bytes(), q.as_bytes());
    let Some((&first, rest)) = q.split_first() else { return true };
    let Some(last_start) = hay.len().checked_sub(q.len()) else { return false };
    (0..=last_start).any(|i| hay[i] == first && &hay[i + 1..i + q.len()] == rest)
}

/// The key a tax number is listed under: its first three characters (a search for digits looks up the first three).
/// Every list is keyed by a number (one kind of map in the app's code, not three).
fn tax_key(tax: &str) -> u64 {
    tax.chars().take(3).fold(1, |k, c| (k << 21) | u64::from(c))
}

/// The key a date of birth is listed under.
fn birth_key(d: &Date) -> u64 {
    (d.year as u64) << 9 | (d.month as u64) << 5 | d.day as u64
}

#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// Cards by slot; a removed card leaves an empty slot that the next card takes.
    slots: Vec<Option<Entry>>,
    free: Vec<u32>,
    /// Where each card is: an upsert is one lookup.
    at: HashMap<String, u32>,
    vocabulary: Vocabulary,
    births: HashMap<u64, Vec<u32>>,
    taxes: HashMap<u64, Vec<u32>>,
    phones: HashMap<u64, Vec<u32>>,
    /// Keys of removed or changed cards still in the lists, and keys of live cards.
    stale: usize,
    live: usize,
}

/// How many typos a word of this length may carry.
fn allowed_typos(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// A word of the query, decoded once for every name it is compared with: a name word matches when it is the same
/// word or starts with it, or when either form (Latin, or [`folded`]) is within the typos its length allows.
struct QueryWord {
    chars: Vec<char>,
    typos: usize,
    folded: Vec<char>,
    folded_typos: usize,
}

impl QueryWord {
    fn new(text: String) -> QueryWord {
        let chars: Vec<char> = text.chars().collect();
        let folded = folded(&text);
        QueryWord { typos: allowed_typos(chars.len()), folded_typos: allowed_typos(folded.len()), chars, folded }
    }
}

fn similar_words(a: &[&str], b: &[&str], max: usize) -> bool {
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

/// What a term asks of a card.
enum Want<'a> {
    /// The words that match a query word, with their scores, in word order.
    Name(Vec<(u32, u32)>),
    Birth(Date),
    Digits(&'a str),
}

impl Want<'_> {
    /// The card's score for this term (0: it does not match).
    fn score(&self, e: &Entry) -> u32 {
        match self {
            Want::Name(words) => e
                .names
                .iter()
                .filter_map(|w| words.binary_search_by_key(w, |x| x.0).ok().map(|i| words[i].1))
                .max()
                .unwrap_or(0),
            Want::Birth(d) => 4 * u32::from(e.birth == Some(*d)),
            Want::Digits(q) => {
                let tax = !e.tax.is_empty() && e.tax.starts_with(q);
                let phone = q.len() >= 4 && e.phones.iter().any(|p| holds_digits(p, q));
                4 * u32::from(tax || phone)
            }
        }
    }
}

impl SearchIndex {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.at.len()
    }

    /// Makes room for `n` more cards at once (loading a register whose size is known).
    pub fn reserve(&mut self, n: usize) {
        self.slots.reserve(n);
        self.at.reserve(n);
    }

    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }

    fn entry(&mut self, id: &str, p: &Personal) -> Entry {
        let mut words = |s: &str| -> Vec<u32> { name_tokens(s).iter().map(|w| self.vocabulary.word(w)).collect() };
        let surname = words(&p.surname);
        let given = words(&p.given_name);
        let mut names = surname.clone();
        names.extend(&given);
        names.extend(words(&p.patronymic));
        names.sort_unstable();
        names.dedup();
        Entry {
            id: id.to_owned(),
            order: id_order(id),
            names,
            surname,
            given,
            birth: Date::parse_iso(&p.birth_date),
            phones: p.phones.iter().map(|x| digits(x)).collect(),
            tax: p.tax_number.clone(),
        }
    }

    /// Lists the card of `slot` under each of its keys.
    fn list(&mut self, slot: u32) {
        let Some(e) = &self.slots[slot as usize] else { return };
        for &w in &e.names {
            self.vocabulary.cards[w as usize].push(slot);
        }
        if let Some(d) = e.birth {
            self.births.entry(birth_key(&d)).or_default().push(slot);
        }
        if !e.tax.is_empty() {
            self.taxes.entry(tax_key(&e.tax)).or_default().push(slot);
        }
        for p in &e.phones {
            for g in grams(p) {
                self.phones.entry(g).or_default().push(slot);
            }
        }
        self.live += e.keys();
    }

    /// Adds or replaces a card; a card without personal data (consent withdrawn) is removed.
    pub fn upsert(&mut self, id: &str, personal: Option<&Personal>) {
        let old = self.at.get(id).copied();
        match (old, personal) {
            (Some(slot), Some(p)) => {
                let new = self.entry(id, p);
                let old = self.slots[slot as usize].take();
                if old.as_ref() == Some(&new) {
                    self.slots[slot as usize] = old;
                    return;
                }
                if let Some(e) = old {
                    let keys = e.keys();
                    self.stale += keys;
                    self.live -= keys;
                }
                self.slots[slot as usize] = Some(new);
                self.list(slot);
            }
            (None, Some(p)) => {
                let new = self.entry(id, p);
                let slot = match self.free.pop() {
                    Some(s) => {
                        self.slots[s as usize] = Some(new);
                        s
                    }
                    None => {
                        self.slots.push(Some(new));
                        (self.slots.len() - 1) as u32
                    }
                };
                self.at.insert(id.to_owned(), slot);
                self.list(slot);
            }
            (Some(slot), None) => {
                self.at.remove(id);
                if let Some(e) = self.slots[slot as usize].take() {
                    let keys = e.keys();
                    self.stale += keys;
                    self.live -= keys;
                }
                self.free.push(slot);
            }
            (None, None) => {}
        }
        if self.stale > self.live + 4096 {
            self.relist();
        }
    }

    /// Lists every card afresh, dropping what removed and changed cards left behind.
    fn relist(&mut self) {
        for cards in &mut self.vocabulary.cards {
            cards.clear();
        }
        self.births.clear();
        self.taxes.clear();
        self.phones.clear();
        self.stale = 0;
        self.live = 0;
        for slot in 0..self.slots.len() as u32 {
            self.list(slot);
        }
    }

    fn card(&self, slot: u32) -> Option<&Entry> {
        self.slots.get(slot as usize)?.as_ref()
    }

    /// What one term asks of a card, and the lists that hold every card that can answer it.
    fn want<'a>(&'a self, term: &'a Term) -> (Want<'a>, Vec<&'a [u32]>) {
        match term {
            Term::Name(q) => {
                let words = self.vocabulary.matches(q);
                let lists = words.iter().map(|&(w, _)| self.vocabulary.cards[w as usize].as_slice()).collect();
                (Want::Name(words), lists)
            }
            Term::Birth(d) => (Want::Birth(*d), self.births.get(&birth_key(d)).map(Vec::as_slice).into_iter().collect()),
            Term::Digits(q) => {
                let mut lists: Vec<&[u32]> = self.taxes.get(&tax_key(q)).map(Vec::as_slice).into_iter().collect();
                if q.len() >= 4 {
                    // Every 4 digits of the query are in a phone that holds it: the shortest list will do.
                    let shortest = grams(q).map(|g| self.phones.get(&g).map_or(&[][..], Vec::as_slice)).min_by_key(|l| l.len());
                    lists.extend(shortest);
                }
                (Want::Digits(q), lists)
            }
        }
    }

    /// Cards matching every word of the query: names (any order, prefix, Latin, typos), a date of birth, or digits
    /// of a phone (4+) or tax number (start). At most `limit`, best first.
    ///
    /// The cost follows the cards that match, not the register: each word is looked up in the vocabulary's trie,
    /// a date or digits in their own lists; the term with the fewest cards gives the candidates, each checked
    /// against every term.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let terms = terms(query);
        if terms.is_empty() || limit == 0 {
            return Vec::new();
        }
        let wants: Vec<(Want, Vec<&[u32]>)> = terms.iter().map(|t| self.want(t)).collect();
        let size = |lists: &Vec<&[u32]>| lists.iter().map(|l| l.len()).sum::<usize>();
        let Some((_, lists)) = wants.iter().min_by_key(|(_, lists)| size(lists)) else { return Vec::new() };
        let mut seen = vec![0u64; self.slots.len().div_ceil(64)];
        let order =
            |a: &(u32, u64, &str), b: &(u32, u64, &str)| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then_with(|| a.2.cmp(b.2));
        let mut hits = FirstN::new(limit, order);
        for &slot in lists.iter().flat_map(|l| l.iter()) {
            let (word, bit) = (slot as usize / 64, 1u64 << (slot % 64));
            if seen[word] & bit != 0 {
                continue;
            }
            seen[word] |= bit;
            let Some(e) = self.card(slot) else { continue };
            let mut total = 0;
            for (want, _) in &wants {
                let score = want.score(e);
                if score == 0 {
                    total = 0;
                    break;
                }
                total += score;
            }
            if total > 0 {
                hits.push((total, e.order, e.id.as_str()));
            }
        }
        hits.into_vec().into_iter().map(|(score, _, id)| Hit { id: id.to_owned(), score }).collect()
    }

    /// Existing cards that look like `card` (the same person registered twice), with the reason.
    pub fn likely_duplicates(&self, card: &Personal, except_id: Option<&str>) -> Vec<(String, Likeness)> {
        let new = Entry {
            id: String::new(),
            order: 0,
            names: Vec::new(),
            surname: Vec::new(),
            given: Vec::new(),
            birth: Date::parse_iso(&card.birth_date),
            phones: card.phones.iter().map(|x| digits(x)).collect(),
            tax: card.tax_number.clone(),
        };
        let surname = name_tokens(&card.surname);
        let given = name_tokens(&card.given_name);
        let surname: Vec<&str> = surname.iter().map(String::as_str).collect();
        let given: Vec<&str> = given.iter().map(String::as_str).collect();
        // The cards that share a key with the new one: its tax number, its date of birth, a phone.
        let mut slots: Vec<u32> = Vec::new();
        if !new.tax.is_empty() {
            slots.extend(self.taxes.get(&tax_key(&new.tax)).into_iter().flatten());
        }
        if let Some(d) = new.birth {
            slots.extend(self.births.get(&birth_key(&d)).into_iter().flatten());
        }
        for p in &new.phones {
            match grams(p).next() {
                Some(g) => slots.extend(self.phones.get(&g).into_iter().flatten()),
                // A phone too short to be listed: compare with every card.
                None => slots.extend(0..self.slots.len() as u32),
            }
        }
        slots.sort_unstable();
        slots.dedup();
        let words = |ws: &[u32]| -> Vec<&str> { ws.iter().map(|&w| self.vocabulary.words[w as usize].as_str()).collect() };
        let mut out = Vec::new();
        for e in slots.into_iter().filter_map(|s| self.card(s)).filter(|e| Some(e.id.as_str()) != except_id) {
            let likeness = if !new.tax.is_empty() && e.tax == new.tax {
                Some(Likeness::SameTaxNumber)
            } else if new.birth.is_some()
                && e.birth == new.birth
                && similar_words(&surname, &words(&e.surname), 2)
                && similar_words(&given, &words(&e.given), 1)
            {
                Some(Likeness::SameNameAndBirthDate)
            } else if new.phones.iter().any(|p| e.phones.contains(p)) && similar_words(&surname, &words(&e.surname), 2) {
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
    fn a_letter_written_as_two_in_latin_is_one_typo() {
        // In Latin each of these is two edits, more than a word of its length may carry.
        let mut ix = SearchIndex::new();
        ix.upsert("t", Some(&person("Ткачук", "Ігор", "", "", "")));
        ix.upsert("k", Some(&person("Кучер", "Ян", "", "", "")));
        ix.upsert("s", Some(&person("Шуба", "Ія", "", "", "")));
        assert_eq!(ids(ix.search("Ткчаук", 10)), vec!["t"], "а and ч swapped");
        assert_eq!(ids(ix.search("Кчуер Ян", 10)), vec!["k"], "у and ч swapped");
        assert_eq!(ids(ix.search("Щуба", 10)), vec!["s"], "щ for ш");
        assert_eq!(ids(ix.search("Tkchauk", 10)), vec!["t"], "the same swap typed in Latin");
        assert_eq!(ids(ix.search("Кчуре", 10)), Vec::<String>::new(), "two swaps are two typos");
    }

    #[test]
    fn digits_are_found_anywhere_in_a_phone_as_contains_finds_them() {
        for hay in ["", "0", "0671", "380671234567", "0670671", "06706710", "111"] {
            for q in ["0671", "67123", "4567", "0670", "06710", "380671234567", "3806712345678", "1111"] {
                assert_eq!(holds_digits(hay, q), hay.contains(q), "{hay} holds {q}");
            }
        }
    }

    #[test]
    fn results_that_score_the_same_are_in_the_order_of_their_ids() {
        // The first 8 bytes alike, unlike, and ids shorter than 8: each order as the whole ids do.
        let ids = ["00000000-b", "00000000-a", "1", "0000000", "00000000", "f0000000-0", "0000000a-9", "00000001"];
        let mut ix = SearchIndex::new();
        for id in ids {
            ix.upsert(id, Some(&person("Мельник", "Іван", "", "+380671234567", "")));
        }
        let mut sorted = ids.to_vec();
        sorted.sort();
        assert_eq!(ix.search("0671", 20).into_iter().map(|h| h.id).collect::<Vec<_>>(), sorted);
        assert_eq!(ix.search("Мельник", 3).into_iter().map(|h| h.id).collect::<Vec<_>>(), sorted[..3].to_vec());
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

    /// The index as it was before the trie: every card compared with every query word. Kept as the reference the
    /// trie must agree with, hit for hit and score for score.
    mod scan {
        use super::super::{allowed_typos, Date, Hit, Likeness, Personal};
        use crate::domain::text::{digits, edit_distance, edit_distance_chars, folded, name_tokens};

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

        /// The better of the Latin and the folded forms' scores.
        fn word_score(q: &str, t: &str) -> u32 {
            let qc: Vec<char> = q.chars().collect();
            let tc: Vec<char> = t.chars().collect();
            form_score(&qc, &tc).max(form_score(&folded(q), &folded(t)))
        }

        fn form_score(qc: &[char], t: &[char]) -> u32 {
            let typos = allowed_typos(qc.len());
            if qc == t {
                return 4;
            }
            if t.starts_with(qc) {
                return 3;
            }
            if typos == 0 {
                return 0;
            }
            {
                if let Some(d) = edit_distance_chars(qc, t, typos) {
                    return 3 - d as u32;
                }
                let n = qc.len();
                if t.len() > n {
                    if let Some(d) = edit_distance_chars(qc, &t[..n], typos.min(1)) {
                        return if d == 0 { 3 } else { 1 };
                    }
                }
                0
            }
        }

        fn similar_words(a: &[String], b: &[String], max: usize) -> bool {
            a.iter().any(|x| b.iter().any(|y| edit_distance(x, y, max).is_some()))
        }

        #[derive(Default)]
        pub struct Scan(Vec<Entry>);

        impl Scan {
            pub fn upsert(&mut self, id: &str, p: Option<&Personal>) {
                self.0.retain(|e| e.id != id);
                if let Some(p) = p {
                    self.0.push(Entry::new(id, p));
                }
            }

            pub fn len(&self) -> usize {
                self.0.len()
            }

            pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
                let mut names = Vec::new();
                let mut births = Vec::new();
                let mut numbers: Vec<String> = Vec::new();
                let mut last_digits = false;
                for raw in query.split([' ', ',', ';']).filter(|s| !s.is_empty()) {
                    if let Some(d) = Date::parse_human(raw) {
                        births.push(d);
                        last_digits = false;
                    } else if raw.chars().all(|c| c.is_ascii_digit() || "+-()".contains(c)) {
                        match numbers.last_mut() {
                            Some(prev) if last_digits => prev.push_str(&digits(raw)),
                            _ => numbers.push(digits(raw)),
                        }
                        last_digits = true;
                    } else {
                        names.extend(name_tokens(raw));
                        last_digits = false;
                    }
                }
                numbers.retain(|d| d.len() >= 3);
                if names.is_empty() && births.is_empty() && numbers.is_empty() {
                    return Vec::new();
                }
                let mut hits: Vec<Hit> = self
                    .0
                    .iter()
                    .filter_map(|e| {
                        let mut score = 0;
                        for q in &names {
                            let s = e.names.iter().map(|t| word_score(q, t)).max().unwrap_or(0);
                            if s == 0 {
                                return None;
                            }
                            score += s;
                        }
                        for d in &births {
                            if e.birth != Some(*d) {
                                return None;
                            }
                            score += 4;
                        }
                        for q in &numbers {
                            let tax = !e.tax.is_empty() && e.tax.starts_with(q.as_str());
                            let phone = q.len() >= 4 && e.phones.iter().any(|p| p.contains(q.as_str()));
                            if !(tax || phone) {
                                return None;
                            }
                            score += 4;
                        }
                        Some(Hit { id: e.id.clone(), score })
                    })
                    .collect();
                hits.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
                hits.truncate(limit);
                hits
            }

            pub fn likely_duplicates(&self, card: &Personal, except_id: Option<&str>) -> Vec<(String, Likeness)> {
                let new = Entry::new("", card);
                let mut out = Vec::new();
                for e in self.0.iter().filter(|e| Some(e.id.as_str()) != except_id) {
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
                out.sort_by(|a, b| a.0.cmp(&b.0));
                out
            }
        }
    }

    /// A small deterministic random source for the comparison below.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n
        }
        fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
            xs[self.below(xs.len())]
        }
    }

    const SURNAMES: [&str; 16] = ["Шевченко", "Шевчук", "Коваль", "Ковальчук", "Коваленко", "Бондар", "Бондаренко", "Мельник",
        "Ткачук", "Олійник", "Гнатюк", "Марʼяненко", "Ярошенко", "Зозуля", "Коваль-Шевченко", "Шевченко-Бондар"];
    const GIVEN: [&str; 12] = ["Олександр", "Олена", "Олесь", "Марʼяна", "Іван", "Ірина", "Юрій", "Юлія", "Євген", "Ян", "Ія", "Олег"];

    /// A query a worker might type for `p`: a start of a word, a Latin spelling, a word with a typo, several words,
    /// a date, phone or tax digits.
    fn query_for(r: &mut Rng, p: &Personal) -> String {
        let word = |r: &mut Rng| -> String {
            let w = [p.surname.as_str(), p.given_name.as_str(), p.patronymic.as_str()][r.below(3)].to_owned();
            let mut chars: Vec<char> = crate::domain::text::latin(&w).chars().filter(|c| *c != '-').collect();
            if r.below(2) == 0 {
                chars = w.to_lowercase().chars().filter(|c| *c != '-').collect();
            }
            let n = chars.len();
            match r.below(6) {
                0 => chars.truncate(1 + r.below(n.max(1))),
                1 if n > 2 => {
                    let i = r.below(n - 1);
                    chars.swap(i, i + 1);
                }
                2 if n > 1 => {
                    chars.remove(r.below(n));
                }
                3 => chars.insert(r.below(n + 1), ['a', 'o', 'к', 'y'][r.below(4)]),
                4 if n > 0 => chars[r.below(n)] = ['e', 'i', 'а', 'ш'][r.below(4)],
                _ => {}
            }
            if r.below(3) == 0 && chars.len() > 3 {
                chars.truncate(chars.len() - 2);
            }
            chars.into_iter().collect()
        };
        match r.below(8) {
            0 => p.phones.first().map(|x| digits(x)[r.below(6)..].to_owned()).unwrap_or_default(),
            1 => p.tax_number.chars().take(3 + r.below(7)).collect(),
            2 => format!("{} {}", word(r), p.birth_date.split('-').rev().collect::<Vec<_>>().join(".")),
            3 | 4 => format!("{} {}", word(r), word(r)),
            5 => format!("{} 067 {}", word(r), r.below(10)),
            _ => word(r),
        }
    }

    fn random_person(r: &mut Rng, i: usize) -> Personal {
        let tax = if r.below(3) == 0 { String::new() } else { format!("{:010}", 3_100_000_000u64 + (r.below(40) * 1000 + i) as u64) };
        person(
            r.pick(&SURNAMES),
            r.pick(&GIVEN),
            &format!("19{}-0{}-1{}", 50 + r.below(3), 1 + r.below(3), r.below(3)),
            &if r.below(4) == 0 { String::new() } else { format!("+38067{:07}", r.below(3000)) },
            &tax,
        )
    }

    #[test]
    fn the_trie_finds_exactly_what_comparing_with_every_card_finds() {
        let mut r = Rng(7);
        let mut ix = SearchIndex::new();
        let mut scan = scan::Scan::default();
        let mut people: Vec<(String, Personal)> = Vec::new();
        let mut compared = 0;
        // Cards added, changed, removed and added again, so the lists keep stale slots and are rebuilt.
        for round in 0..12 {
            for _ in 0..700 {
                let i = people.len();
                let id = format!("00000000-0000-4000-8000-{:012}", r.below(2000));
                let p = random_person(&mut r, i);
                let action = r.below(10);
                if action == 0 {
                    ix.upsert(&id, None);
                    scan.upsert(&id, None);
                } else {
                    ix.upsert(&id, Some(&p));
                    scan.upsert(&id, Some(&p));
                    people.push((id, p));
                }
            }
            assert_eq!(ix.len(), scan.len(), "round {round}");
            for _ in 0..150 {
                let p = &people[r.below(people.len())].1;
                let q = query_for(&mut r, p);
                let limit = [3, 20, 10_000][r.below(3)];
                assert_eq!(ix.search(&q, limit), scan.search(&q, limit), "query {q:?}, limit {limit}, round {round}");
                let mut dups = ix.likely_duplicates(p, None);
                dups.sort_by(|a, b| a.0.cmp(&b.0));
                assert_eq!(dups, scan.likely_duplicates(p, None), "duplicates of {p:?}");
                compared += 1;
            }
        }
        assert_eq!(compared, 1800);
        assert!(ix.stale <= ix.live + 4096, "stale slots are dropped by relisting");
    }
}
