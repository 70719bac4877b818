//! Counted nouns: CLDR plural categories (Ukrainian one / few / many, English one / other).

use super::Lang;

/// The forms of a counted noun. Ukrainian needs three (1 клієнт, 2 клієнти, 5 клієнтів); English uses `one` and
/// `many`, with `few` equal to `many`.
#[derive(Debug, Clone, Copy)]
pub struct Plural {
    pub one: &'static str,
    pub few: &'static str,
    pub many: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluralCategory {
    One,
    Few,
    Many,
}

/// CLDR plural rules for whole numbers.
pub fn plural_category(lang: Lang, n: u64) -> PluralCategory {
    match lang {
        Lang::Uk => {
            let (d, h) = (n % 10, n % 100);
            if d == 1 && h != 11 {
                PluralCategory::One
            } else if (2..=4).contains(&d) && !(12..=14).contains(&h) {
                PluralCategory::Few
            } else {
                PluralCategory::Many
            }
        }
        Lang::En => {
            if n == 1 {
                PluralCategory::One
            } else {
                PluralCategory::Many
            }
        }
    }
}

/// "5 клієнтів", "1 client".
pub fn count(lang: Lang, n: u64, forms: &Plural) -> String {
    let word = match plural_category(lang, n) {
        PluralCategory::One => forms.one,
        PluralCategory::Few => forms.few,
        PluralCategory::Many => forms.many,
    };
    format!("{n} {word}")
}
