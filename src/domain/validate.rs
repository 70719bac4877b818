//! Checks on what is typed into a registration card. Each returns a typed problem, shown in the user's language.

use super::date::Date;
use super::text::digits;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaxProblem {
    /// Not ten digits.
    Length,
    /// The tenth digit does not match the first nine.
    CheckDigit,
}

/// РНОКПП: ten digits, the last a check digit over the first nine.
pub fn check_tax_number(s: &str) -> Result<String, TaxProblem> {
    let d = s.trim();
    if d.len() != 10 || !d.chars().all(|c| c.is_ascii_digit()) {
        return Err(TaxProblem::Length);
    }
    let n: Vec<i64> = d.bytes().map(|b| i64::from(b - b'0')).collect();
    const WEIGHTS: [i64; 9] = [-1, 5, 7, 9, 4, 6, 10, 5, 7];
    let sum: i64 = WEIGHTS.iter().zip(&n).map(|(w, x)| w * x).sum();
    if sum.rem_euclid(11) % 10 != n[9] {
        return Err(TaxProblem::CheckDigit);
    }
    Ok(d.to_owned())
}

/// The date of birth a valid РНОКПП encodes (its first five digits count days from 31.12.1899).
pub fn tax_number_birth_date(tax: &str) -> Option<Date> {
    let days: i64 = tax.get(0..5)?.parse().ok()?;
    Some(Date::new(1899, 12, 31)?.add_days(days))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneProblem {
    Invalid,
}

/// Phone numbers as +380XXXXXXXXX for Ukraine ("067 123 45 67", "+38(067)1234567", "380671234567"), or any
/// international number with its + and 8–15 digits.
pub fn normalise_phone(s: &str) -> Result<String, PhoneProblem> {
    let t = s.trim();
    if t.chars().any(|c| !(c.is_ascii_digit() || " +-()".contains(c))) {
        return Err(PhoneProblem::Invalid);
    }
    let d = digits(t);
    let ua = match d.len() {
        10 if d.starts_with('0') => Some(format!("+38{d}")),
        12 if d.starts_with("380") => Some(format!("+{d}")),
        11 if d.starts_with("80") => Some(format!("+3{d}")),
        _ => None,
    };
    if let Some(p) = ua {
        return Ok(p);
    }
    if t.starts_with('+') && (8..=15).contains(&d.len()) && !d.starts_with("380") {
        return Ok(format!("+{d}"));
    }
    Err(PhoneProblem::Invalid)
}

/// A plausible e-mail address: something@domain.tld, no spaces.
pub fn check_email(s: &str) -> bool {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && !s.chars().any(char::is_whitespace)
        && !domain.contains('@')
        && domain.split('.').count() >= 2
        && domain.split('.').all(|p| !p.is_empty())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    Invalid,
    InFuture,
    TooOld,
}

/// A date of birth typed by a person: a real date, not after today, not before 1900.
pub fn check_birth_date(s: &str, today: Date) -> Result<Date, DateProblem> {
    let d = Date::parse_human(s).ok_or(DateProblem::Invalid)?;
    if d > today {
        return Err(DateProblem::InFuture);
    }
    if d.year < 1900 {
        return Err(DateProblem::TooOld);
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid РНОКПП for the given first nine digits.
    fn with_check(nine: &str) -> String {
        (0..10).map(|c| format!("{nine}{c}")).find(|t| check_tax_number(t).is_ok()).unwrap()
    }

    #[test]
    fn tax_number_check_digit() {
        assert_eq!(check_tax_number("3184710691"), Ok("3184710691".into()));
        assert_eq!(check_tax_number("3184710692"), Err(TaxProblem::CheckDigit));
        assert_eq!(check_tax_number("318471069"), Err(TaxProblem::Length));
        assert_eq!(check_tax_number("31847106 1"), Err(TaxProblem::Length));
        assert_eq!(check_tax_number("abcdefghij"), Err(TaxProblem::Length));
        // Exactly one check digit fits any nine digits.
        for nine in ["000000000", "123456789", "318471069", "999999999"] {
            let ok: Vec<u32> = (0..10).filter(|c| check_tax_number(&format!("{nine}{c}")).is_ok()).collect();
            assert_eq!(ok.len(), 1, "{nine}");
        }
    }

    #[test]
    fn tax_number_encodes_the_birth_date() {
        assert_eq!(tax_number_birth_date("3184710691"), Date::new(1987, 3, 12));
        let t = with_check("000010000");
        assert_eq!(tax_number_birth_date(&t), Date::new(1900, 1, 1));
    }

    #[test]
    fn phones() {
        for s in ["067 123 45 67", "+38 (067) 123-45-67", "380671234567", "0671234567", "80671234567"] {
            assert_eq!(normalise_phone(s), Ok("+380671234567".into()), "{s}");
        }
        assert_eq!(normalise_phone("+48 601 234 567"), Ok("+48601234567".into()));
        assert_eq!(normalise_phone("12345"), Err(PhoneProblem::Invalid));
        assert_eq!(normalise_phone("067 123 45 6x"), Err(PhoneProblem::Invalid));
        assert_eq!(normalise_phone("+380 67 123"), Err(PhoneProblem::Invalid));
    }

    #[test]
    fn emails() {
        assert!(check_email("olena@example.com"));
        assert!(check_email(" o.koval@ukr.net "));
        assert!(!check_email("olena@"));
        assert!(!check_email("olena example@x.ua"));
        assert!(!check_email("olena@localhost"));
        assert!(!check_email("a@@b.ua"));
    }

    #[test]
    fn birth_dates() {
        let today = Date::new(2026, 11, 25).unwrap();
        assert_eq!(check_birth_date("11.03.1987", today), Ok(Date::new(1987, 3, 11).unwrap()));
        assert_eq!(check_birth_date("26.11.2026", today), Err(DateProblem::InFuture));
        assert_eq!(check_birth_date("01.01.1899", today), Err(DateProblem::TooOld));
        assert_eq!(check_birth_date("31.02.1990", today), Err(DateProblem::Invalid));
        assert_eq!(check_birth_date("25.11.2026", today), Ok(today));
    }
}
