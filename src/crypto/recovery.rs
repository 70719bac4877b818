//! The recovery code: printed once at set-up and kept in the centre's safe, it opens the device when every
//! passphrase is forgotten. 40 random decimal digits (132 bits), in ten groups of four to read aloud and type back.

use super::{random, CryptoError};

/// Digits in a recovery code.
pub const DIGITS: usize = 40;
/// Digits per group as shown and printed.
pub const GROUP: usize = 4;
/// Groups in a code.
pub const GROUPS: usize = DIGITS / GROUP;

/// A recovery code: exactly [`DIGITS`] ASCII digits.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(..)")
    }
}

impl RecoveryCode {
    /// A new code from the cryptographic random source (each digit uniform: bytes of 250 and more are drawn again).
    pub fn generate() -> Result<Self, CryptoError> {
        let mut digits = String::with_capacity(DIGITS);
        while digits.len() < DIGITS {
            for b in random::<64>()? {
                if b < 250 && digits.len() < DIGITS {
                    digits.push(char::from(b'0' + b % 10));
                }
            }
        }
        Ok(Self(digits))
    }

    /// A code as typed: spaces, dashes and other separators are ignored; it must have exactly [`DIGITS`] digits.
    pub fn parse(typed: &str) -> Option<Self> {
        let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
        let only_separators = typed.chars().all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '-');
        (digits.len() == DIGITS && only_separators).then_some(Self(digits))
    }

    /// The groups of four digits.
    pub fn groups(&self) -> Vec<&str> {
        (0..GROUPS).map(|i| &self.0[i * GROUP..(i + 1) * GROUP]).collect()
    }

    /// As shown and printed: groups separated by spaces.
    pub fn display(&self) -> String {
        self.groups().join(" ")
    }

    /// Whether `typed` is group `index` (0-based) of this code, ignoring spaces.
    pub fn group_matches(&self, index: usize, typed: &str) -> bool {
        let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        self.groups().get(index).is_some_and(|g| *g == digits)
    }

    /// The secret the recovery slot's key is derived from.
    pub(crate) fn secret(&self) -> &str {
        &self.0
    }
}

/// Two different groups (0-based, in order) the worker is asked to type back, chosen at random.
pub fn groups_to_check() -> Result<(usize, usize), CryptoError> {
    let [a, b] = random::<2>()?;
    let first = usize::from(a) % GROUPS;
    let second = (first + 1 + usize::from(b) % (GROUPS - 1)) % GROUPS;
    Ok((first.min(second), first.max(second)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forty_digits_in_ten_groups() {
        let c = RecoveryCode::generate().unwrap();
        assert_eq!(c.secret().len(), 40);
        assert!(c.secret().chars().all(|ch| ch.is_ascii_digit()));
        assert_eq!(c.groups().len(), 10);
        assert_eq!(c.display().len(), 40 + 9);
        assert_ne!(c, RecoveryCode::generate().unwrap());
    }

    #[test]
    fn parse_ignores_spaces_and_dashes_but_wants_every_digit() {
        let c = RecoveryCode::generate().unwrap();
        assert_eq!(RecoveryCode::parse(&c.display()), Some(c.clone()));
        assert_eq!(RecoveryCode::parse(&c.groups().join("-")), Some(c.clone()));
        assert_eq!(RecoveryCode::parse(&c.display()[..44]), None);
        assert_eq!(RecoveryCode::parse(&format!("{}1", c.display())), None);
        assert_eq!(RecoveryCode::parse(&c.display().replace(' ', "x")), None);
    }

    #[test]
    fn typed_back_groups() {
        let c = RecoveryCode::parse("1111 2222 3333 4444 5555 6666 7777 8888 9999 0000").unwrap();
        assert!(c.group_matches(2, "3333"));
        assert!(c.group_matches(2, " 33 33 "));
        assert!(!c.group_matches(2, "3334"));
        assert!(!c.group_matches(10, "0000"));
        for _ in 0..50 {
            let (a, b) = groups_to_check().unwrap();
            assert!(a < b && b < GROUPS);
        }
    }

    #[test]
    fn digits_are_spread_over_all_ten() {
        let all: String = (0..20).map(|_| RecoveryCode::generate().unwrap().0).collect();
        for d in '0'..='9' {
            assert!(all.contains(d), "digit {d} never drawn in 800");
        }
    }
}
