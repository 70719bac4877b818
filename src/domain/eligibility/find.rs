//! Finding a category as a worker says it: Ukrainian word forms («насильство» finds «…насильства»), the words people
//! use instead of the law's (ВПО, переселенець; УБД, АТО; побої, кривдник — the `keywords` of each category in the
//! rules file), one typo in a longer word, and English. Every word typed must be found; the best matches come first
//! (title and keywords, then the hint; a whole word before a beginning, before a typo), ties in the file's order.

use super::{CategoryRule, Rules};
use crate::domain::text::{edit_distance, is_apostrophe, normalise};

/// Case endings of Ukrainian nouns and adjectives, longest first: one is cut from a word of at least 3 letters left.
const ENDINGS: &[&str] = &[
    "ами", "ями", "ові", "еві", "єві", "ого", "ому", "ими", "ах", "ях", "ам", "ям", "ом", "ем", "єм", "ою", "ею", "єю",
    "ів", "їв", "ей", "ий", "ій", "ої", "их", "им", "ми", "а", "я", "о", "е", "є", "у", "ю", "і", "ї", "и", "ь", "й",
];

/// The stem of one normalised word: its longest case ending cut (and a soft sign before it: «людьми», «людей»), if
/// at least three letters stay.
pub fn stem(word: &str) -> &str {
    let long_enough = |s: &str| s.chars().count() >= 3;
    for e in ENDINGS {
        if let Some(s) = word.strip_suffix(e).filter(|s| long_enough(s)) {
            return s.strip_suffix('ь').filter(|s| long_enough(s)).unwrap_or(s);
        }
    }
    word
}

/// Words that say nothing about a category («мене побили», «for a refugee»): not required to match.
const FILLER: &[&str] = &[
    "мене", "мені", "мой", "мій", "моя", "мого", "його", "її", "їх", "він", "вона", "вони", "у", "в", "на", "з", "із",
    "зі", "і", "й", "та", "а", "не", "від", "для", "про", "як", "що", "до", "по", "за", "the", "of", "a", "an", "for",
    "to", "and", "my",
];

/// A text's words, normalised (letters, digits, hyphens and apostrophes make a word).
fn words(text: &str) -> Vec<String> {
    let text: String =
        text.chars().map(|ch| if ch.is_alphanumeric() || ch == '-' || is_apostrophe(ch) { ch } else { ' ' }).collect();
    normalise(&text).split_whitespace().map(str::to_owned).collect()
}

/// The stems of a text's words.
fn stems(text: &str) -> Vec<String> {
    words(text).iter().map(|w| stem(w).to_owned()).collect()
}

/// How well one typed stem matches a list of stems: 3 a whole word, 2 its beginning, 1 one letter off (words of
/// five letters or more), 0 not at all.
fn quality(typed: &str, hay: &[String]) -> u32 {
    let mut best = 0;
    for h in hay {
        let q = if h == typed {
            3
        } else if h.starts_with(typed) {
            2
        } else if typed.chars().count() >= 5 {
            // A typo: against the word, or against its beginning of the typed length.
            let n = typed.chars().count();
            let head: String = h.chars().take(n).collect();
            u32::from(
                edit_distance(typed, h, 1).is_some()
                    || (h.chars().count() > n && edit_distance(typed, &head, 1).is_some()),
            )
        } else {
            0
        };
        best = best.max(q);
        if best == 3 {
            break;
        }
    }
    best
}

/// The searchable parts of a category, most telling first, each with its weight.
fn parts(c: &CategoryRule) -> [(Vec<String>, u32); 3] {
    [
        (stems(&format!("{} {} {}", c.id, c.title.uk, c.title.en)), 4),
        (stems(&format!("{} {}", c.keywords.uk, c.keywords.en)), 4),
        (stems(&format!("{} {}", c.hint.uk, c.hint.en)), 1),
    ]
}

/// The score of a category for the typed words: `None` unless every word is found somewhere.
fn score(c: &CategoryRule, words: &[String]) -> Option<u32> {
    let parts = parts(c);
    let mut total = 0;
    for w in words {
        let best = parts.iter().map(|(hay, weight)| quality(w, hay) * weight).max().unwrap_or(0);
        if best == 0 {
            return None;
        }
        total += best;
    }
    // The item's own number typed exactly comes first.
    if words.len() == 1 && words[0] == c.id {
        total += 100;
    }
    Some(total)
}

impl Rules {
    /// Categories matching every word of `query`, best first (ties in file order); an empty query finds every
    /// category in file order.
    pub fn find(&self, query: &str) -> Vec<&CategoryRule> {
        let all = words(query);
        let telling: Vec<&String> = all.iter().filter(|w| !FILLER.contains(&w.as_str())).collect();
        let kept = if telling.is_empty() { all.iter().collect() } else { telling };
        let words: Vec<String> = kept.into_iter().map(|w| stem(w).to_owned()).collect();
        let mut found: Vec<(u32, &CategoryRule)> =
            self.categories.iter().filter_map(|c| score(c, &words).map(|s| (s, c))).collect();
        // Stable: equal scores keep the file's order.
        found.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
        found.into_iter().map(|(_, c)| c).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_join_word_forms() {
        for (a, b) in [
            ("насильство", "насильства"),
            ("торгівля", "торгівлі"),
            ("ветерани", "ветеранів"),
            ("інвалідність", "інвалідністю"),
            ("дитина", "дитини"),
            ("людьми", "людей"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        assert_eq!(stem("ВПО".to_lowercase().as_str()), "впо");
        assert_eq!(stem("убд"), "убд");
    }
}
