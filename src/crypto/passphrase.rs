//! The rule a worker's passphrase must meet, and a meter to show while it is typed.
//!
//! Rule: at least 12 characters, or at least 4 words (of 3 letters or more). No upper limit; any Unicode letter counts
//! (a Ukrainian phrase is as good as a Latin one). A passphrase of one character repeated, or of few different
//! characters, is refused whatever its length.

/// Characters a passphrase needs when it is not written as words.
pub const MIN_CHARS: usize = 12;
/// Words (of [`MIN_WORD_CHARS`] or more) that make a passphrase acceptable whatever its length.
pub const MIN_WORDS: usize = 4;
const MIN_WORD_CHARS: usize = 3;
const MIN_DISTINCT: usize = 5;

/// How good a passphrase is, for the meter and the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// Nothing typed yet.
    Empty,
    /// Does not meet the rule.
    TooWeak,
    /// Meets the rule.
    Fair,
    /// Well past the rule.
    Good,
    Strong,
}

impl Strength {
    pub fn acceptable(self) -> bool {
        self >= Strength::Fair
    }
    /// 0–4, for the meter.
    pub fn level(self) -> u8 {
        self as u8
    }
}

pub fn strength(p: &str) -> Strength {
    let chars = p.chars().count();
    if chars == 0 {
        return Strength::Empty;
    }
    let mut distinct: Vec<char> = p.chars().flat_map(char::to_lowercase).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < MIN_DISTINCT {
        return Strength::TooWeak;
    }
    let words = p.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= MIN_WORD_CHARS).count();
    let classes = [
        p.chars().any(char::is_lowercase),
        p.chars().any(char::is_uppercase),
        p.chars().any(|c| c.is_numeric()),
        p.chars().any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    if chars < MIN_CHARS && words < MIN_WORDS {
        return Strength::TooWeak;
    }
    if chars >= 24 || words >= 6 || (chars >= 16 && classes >= 3) {
        Strength::Strong
    } else if chars >= 16 || words >= 5 || classes >= 3 {
        Strength::Good
    } else {
        Strength::Fair
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_characters_or_four_words() {
        assert_eq!(strength(""), Strength::Empty);
        assert_eq!(strength("abcdefghijk"), Strength::TooWeak, "11 characters");
        assert!(strength("abcdefghijkl").acceptable(), "12 characters");
        assert!(strength("кіт сад ліс мак").acceptable(), "4 Ukrainian words, 15 characters");
        assert!(strength("сонце").level() < 2);
        assert!(strength("Київ Львів Буча").level() >= 2, "15 characters pass as characters");
    }

    #[test]
    fn ukrainian_letters_and_no_upper_limit() {
        assert!(strength("їжачок-ґедзь-єнот").acceptable());
        let long = "дуже довга фраза ".repeat(40);
        assert_eq!(strength(&long), Strength::Strong);
    }

    #[test]
    fn repeated_characters_are_refused_whatever_the_length() {
        assert_eq!(strength(&"a".repeat(40)), Strength::TooWeak);
        assert_eq!(strength(&"abab".repeat(10)), Strength::TooWeak);
    }

    #[test]
    fn the_meter_rises_with_length_and_variety() {
        assert!(strength("abcdefghijkl") < strength("abcdefghijklmnop"));
        assert!(strength("abcdefghijklmnop") < strength("Abcdefgh1jklmnop!"));
    }
}
