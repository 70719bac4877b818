//! Search normalisation for Ukrainian names: letter case, apostrophe variants, and the official Latin
//! transliteration (Cabinet of Ministers resolution No. 55 of 2010), so "Shevchenko" finds "Шевченко".

/// Every apostrophe-like character people type inside Ukrainian words.
const APOSTROPHES: [char; 6] = ['\'', '’', 'ʼ', '‘', '`', 'ʹ'];

pub fn is_apostrophe(c: char) -> bool {
    APOSTROPHES.contains(&c)
}

/// Lower case, apostrophes unified to ʼ (U+02BC, the Ukrainian standard), runs of spaces folded.
pub fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            if is_apostrophe(c) {
                out.push('ʼ');
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
    out
}

/// The official transliteration of one lower-case word (no apostrophes in the output).
fn translit_word(word: &str, out: &mut String) {
    let chars: Vec<char> = word.chars().filter(|c| !is_apostrophe(*c) && *c != 'ʼ').collect();
    for (i, &c) in chars.iter().enumerate() {
        let first = i == 0;
        let s: &str = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            // "зг" is written "zgh" so it is not read as "ж".
            'г' if i > 0 && chars[i - 1] == 'з' => "gh",
            'г' => "h",
            'ґ' => "g",
            'д' => "d",
            'е' => "e",
            'є' if first => "ye",
            'є' => "ie",
            'ж' => "zh",
            'з' => "z",
            'и' => "y",
            'і' => "i",
            'ї' if first => "yi",
            'ї' => "i",
            'й' if first => "y",
            'й' => "i",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ь' => "",
            'ю' if first => "yu",
            'ю' => "iu",
            'я' if first => "ya",
            'я' => "ia",
            // Letters of names written in Russian spelling.
            'ё' => "io",
            'ы' => "y",
            'э' => "e",
            'ъ' => "",
            other => {
                out.push(other);
                continue;
            }
        };
        out.push_str(s);
    }
}

/// Latin form for matching: normalised, then transliterated word by word. Latin input passes through, so a query
/// typed in Latin and a name stored in Cyrillic meet in the same form.
pub fn latin(s: &str) -> String {
    let norm = normalise(s);
    let mut out = String::with_capacity(norm.len() + 8);
    for (i, word) in norm.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        translit_word(word, &mut out);
    }
    out
}

/// Words of a name for matching: Latin, split on spaces and hyphens ("Коваль-Шевченко" is two words).
pub fn name_tokens(s: &str) -> Vec<String> {
    latin(s).split([' ', '-']).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// A Latin word with each letter that the transliteration writes as several (ш "sh", щ "shch", ч "ch", ж "zh",
/// х "kh", ц "ts") folded back into one symbol (an upper-case Latin letter: the Latin form is lower case), so a typo
/// counts one edit per letter of the name as written, not per letter of its Latin spelling: "Ткчаук" for Ткачук is one
/// swap here ("tkCauk" / "tkaCuk") and two in Latin ("tkchauk" / "tkachuk"). Taken longest first; the same Latin word
/// always folds the same way, and unfolds back to itself.
pub fn folded(latin_word: &str) -> Vec<char> {
    let b = latin_word.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let (symbol, len) = if rest.starts_with(b"shch") {
            ('Q', 4)
        } else if rest.starts_with(b"sh") {
            ('S', 2)
        } else if rest.starts_with(b"ch") {
            ('C', 2)
        } else if rest.starts_with(b"zh") {
            ('Z', 2)
        } else if rest.starts_with(b"kh") {
            ('X', 2)
        } else if rest.starts_with(b"ts") {
            ('T', 2)
        } else {
            // Any other character, whole (the word may hold letters the transliteration passes through).
            let c = latin_word[i..].chars().next().unwrap_or('\0');
            (c, c.len_utf8())
        };
        out.push(symbol);
        i += len;
    }
    out
}

/// Characters that make text read differently on paper or screen from what is stored: the bidirectional embedding,
/// override and isolate controls (U+202A–U+202E, U+2066–U+2069), which reorder what follows them, and NUL. Removed
/// from everything typed; an imported file that carries one is refused.
pub fn is_hidden_control(c: char) -> bool {
    matches!(c, '\u{0}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `s` holds an [`is_hidden_control`] character. Each is NUL or, in UTF-8, begins with the byte 0xE2: text
/// without either byte (nearly all) is passed over byte by byte, its characters never decoded.
pub fn has_hidden_control(s: &str) -> bool {
    s.bytes().any(|b| b == 0 || b == 0xE2) && s.chars().any(is_hidden_control)
}

/// `s` without [`is_hidden_control`] characters.
pub fn without_hidden_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if has_hidden_control(s) {
        std::borrow::Cow::Owned(s.chars().filter(|c| !is_hidden_control(*c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Where in a JSON value (a record's data, a file) the first text with a hidden control is, as a path
/// (`personal.surname`, `phones[1]`; a key itself counts too), or `None`.
pub fn hidden_control_at(v: &serde_json::Value) -> Option<String> {
    text_at(v, &|s: &str| has_hidden_control(s))
}

/// Where in a JSON value the first text longer than `max` characters is (a key counts too), or `None`.
pub fn text_longer_at(v: &serde_json::Value, max: usize) -> Option<String> {
    text_at(v, &|s: &str| s.len() > max && s.chars().count() > max)
}

/// The path of the first text (value or key) for which `bad` holds.
fn text_at(v: &serde_json::Value, bad: &dyn Fn(&str) -> bool) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::String(s) => bad(s).then(String::new),
        Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, x)| text_at(x, bad).map(|p| join(&format!("[{i}]"), &p)))
        }
        Value::Object(map) => map.iter().find_map(|(k, x)| {
            if bad(k) {
                // The key named without what made it bad, and never whole (it may be long or misleading).
                return Some(without_hidden_controls(k).chars().take(40).collect());
            }
            text_at(x, bad).map(|p| join(k, &p))
        }),
        _ => None,
    }
}

fn join(head: &str, rest: &str) -> String {
    match rest.chars().next() {
        None => head.to_owned(),
        Some('[') => format!("{head}{rest}"),
        Some(_) => format!("{head}.{rest}"),
    }
}

/// Digits only ("+38 (067) 123-45-67" → "380671234567").
pub fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Optimal-string-alignment edit distance (a swap of two neighbours counts as one edit), giving up above `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    with_chars(a, |a| with_chars(b, |b| edit_distance_chars(a, b, max)))
}

/// Words up to this many characters are compared without touching the heap (names are short; search compares
/// every name of every card on each keystroke).
const SHORT: usize = 48;

/// Runs `f` on the characters of `s`, on the stack when `s` is short.
pub(crate) fn with_chars<R>(s: &str, f: impl FnOnce(&[char]) -> R) -> R {
    let mut buf = ['\0'; SHORT];
    let mut n = 0;
    for c in s.chars() {
        if n == SHORT {
            let all: Vec<char> = s.chars().collect();
            return f(&all);
        }
        buf[n] = c;
        n += 1;
    }
    f(&buf[..n])
}

/// [`edit_distance`] over characters already decoded.
pub(crate) fn edit_distance_chars(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let w = b.len() + 1;
    // Three rows of the table: on the stack for short words.
    let mut stack = [0usize; 3 * (SHORT + 1)];
    let mut heap = Vec::new();
    let rows: &mut [usize] = if 3 * w <= stack.len() {
        &mut stack[..3 * w]
    } else {
        heap.resize(3 * w, 0);
        &mut heap
    };
    let (mut prev2, rest) = rows.split_at_mut(w);
    let (mut prev, mut cur) = rest.split_at_mut(w);
    for (j, v) in prev.iter_mut().enumerate() {
        *v = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_transliteration() {
        // Examples from the resolution's table.
        let cases = [
            ("Алушта", "alushta"),
            ("Згорани", "zghorany"),
            ("Розгон", "rozghon"),
            ("Єнакієве", "yenakiieve"),
            ("Гаєвич", "haievych"),
            ("Короп'є", "koropie"),
            ("Їжакевич", "yizhakevych"),
            ("Кадиївка", "kadyivka"),
            ("Йосипівка", "yosypivka"),
            ("Стрий", "stryi"),
            ("Олексій", "oleksii"),
            ("Юрій", "yurii"),
            ("Корюківка", "koriukivka"),
            ("Яготин", "yahotyn"),
            ("Костянтин", "kostiantyn"),
            ("Знам'янка", "znamianka"),
            ("Щербухи", "shcherbukhy"),
            ("Гоща", "hoshcha"),
            ("Харків", "kharkiv"),
            ("Жашків", "zhashkiv"),
            ("Шевченко", "shevchenko"),
            ("Олександр", "oleksandr"),
            ("Ґалаґан", "galagan"),
            ("Львів", "lviv"),
        ];
        for (uk, want) in cases {
            assert_eq!(latin(uk), want, "{uk}");
        }
    }

    #[test]
    fn apostrophes_and_case_do_not_matter() {
        let forms = ["Мар'яна", "Мар’яна", "Марʼяна", "МАР`ЯНА", "мар‘яна"];
        for f in forms {
            assert_eq!(normalise(f), "марʼяна", "{f}");
            assert_eq!(latin(f), "mariana", "{f}");
        }
        assert_eq!(normalise("  Іван   Петренко "), "іван петренко");
    }

    #[test]
    fn latin_input_passes_through() {
        assert_eq!(latin("Shevchenko Oleksandr"), "shevchenko oleksandr");
        assert_eq!(name_tokens("Коваль-Шевченко  Олена"), vec!["koval", "shevchenko", "olena"]);
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("shevchenko", "shevchenko", 2), Some(0));
        assert_eq!(edit_distance("shevchenko", "shevcenko", 2), Some(1));
        assert_eq!(edit_distance("shevchenko", "shevhcenko", 2), Some(1), "a swap is one edit");
        assert_eq!(edit_distance("oleksandr", "olexandr", 2), Some(2));
        assert_eq!(edit_distance("petrenko", "ivanenko", 2), None);
        assert_eq!(edit_distance("ab", "abcdef", 2), None);
        assert_eq!(edit_distance("", "ab", 2), Some(2));
        // Longer than the stack buffer: the same answers from the heap.
        let long = "о".repeat(60);
        assert_eq!(edit_distance(&long, &format!("{long}а"), 2), Some(1));
        assert_eq!(edit_distance(&format!("а{long}"), &format!("б{long}в"), 2), Some(2));
        assert_eq!(edit_distance(&long, &"а".repeat(60), 2), None);
    }

    #[test]
    fn folding_gives_one_symbol_per_letter_of_the_name() {
        let f = |s: &str| folded(&latin(s)).into_iter().collect::<String>();
        assert_eq!(f("Ткачук"), "tkaCuk");
        assert_eq!(f("Ткчаук"), "tkCauk");
        assert_eq!(f("Щербухи"), "QerbuXy");
        assert_eq!(f("Шевченко"), "SevCenko");
        assert_eq!(f("Жашків"), "ZaSkiv");
        assert_eq!(f("Кацюба"), "kaTiuba");
        assert_eq!(f("Згурський"), "zghurskyi", "зг stays \"zgh\"");
        assert_eq!(f("Коваль"), "koval");
        assert_eq!(f("naïve"), "naïve", "letters outside the scheme pass whole");
        assert_eq!(edit_distance_chars(&folded("tkchauk"), &folded("tkachuk"), 2), Some(1));
    }

    #[test]
    fn digits_only() {
        assert_eq!(digits("+38 (067) 123-45-67"), "380671234567");
    }

    #[test]
    fn hidden_controls_are_found_and_removed() {
        // A right-to-left override (U+202E) before digits makes them print reversed.
        assert_eq!(without_hidden_controls("Шевченко\u{202E}0001"), "Шевченко0001");
        assert_eq!(without_hidden_controls("a\u{0}b\u{2066}c\u{2069}"), "abc");
        assert!(matches!(without_hidden_controls("Марʼяна"), std::borrow::Cow::Borrowed(_)));
        // Ordinary right-to-left text and marks people use are not controls of this kind.
        assert_eq!(without_hidden_controls("שלום\u{200F}"), "שלום\u{200F}");
        let v = serde_json::json!({"id": "x", "personal": {"surname": "ok", "phones": ["1", "2\u{202D}3"]}});
        assert_eq!(hidden_control_at(&v).as_deref(), Some("personal.phones[1]"));
        assert_eq!(hidden_control_at(&serde_json::json!({"a": [{"b": "\u{0}"}]})).as_deref(), Some("a[0].b"));
        assert_eq!(hidden_control_at(&serde_json::json!({"k\u{202E}": 1})).as_deref(), Some("k"));
        assert_eq!(hidden_control_at(&serde_json::json!({"a": "fine", "n": 5})), None);
        let long = serde_json::json!({"personal": {"surname": "ї".repeat(5001), "given_name": "ї".repeat(5000)}});
        assert_eq!(text_longer_at(&long, 5000).as_deref(), Some("personal.surname"));
        assert_eq!(text_longer_at(&long, 5001), None);
    }

    #[test]
    fn the_byte_filter_passes_over_no_hidden_control() {
        // Every character from NUL to U+FFFF: the quick test agrees with the character-by-character one, including
        // for the characters that share the first byte 0xE2 with the controls (dashes, quotes, the ellipsis, №).
        for c in (0u32..=0xFFFF).filter_map(char::from_u32) {
            let s = format!("Ко{c}ва");
            assert_eq!(has_hidden_control(&s), s.chars().any(is_hidden_control), "U+{:04X}", c as u32);
        }
        assert!(!has_hidden_control("Коваль — №5…"));
        assert!(has_hidden_control("Коваль\u{2067}"));
    }
}
