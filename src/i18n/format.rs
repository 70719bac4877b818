//! Numbers for people: bytes and money (kopecks, never floats), with the language's separators.

use super::Lang;

/// A byte count for people: "1,2 МБ" / "1.2 MB" (binary multiples, one decimal below 10).
pub fn format_bytes(lang: Lang, bytes: u64) -> String {
    let s = lang.strings();
    let units = [s.unit_b, s.unit_kb, s.unit_mb, s.unit_gb, s.unit_tb];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < units.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    let text = if unit == 0 || value >= 10.0 {
        format!("{}", value.round() as u64)
    } else {
        let tenths = (value * 10.0).round() as u64;
        if tenths % 10 == 0 {
            format!("{}", tenths / 10)
        } else {
            format!("{}{}{}", tenths / 10, s.decimal_separator, tenths % 10)
        }
    };
    format!("{text} {}", units[unit])
}

/// Kopecks as people read money: "4 500,50 грн", "UAH 4,500.50".
pub fn money(lang: Lang, kopecks: i64) -> String {
    let s = lang.strings();
    let (h, k) = (kopecks.abs() / 100, kopecks.abs() % 100);
    let digits = h.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push_str(s.thousands_separator);
        }
        grouped.push(c);
    }
    let sign = if kopecks < 0 { "-" } else { "" };
    (s.money)(&format!("{sign}{grouped}{}{k:02}", s.decimal_separator))
}
