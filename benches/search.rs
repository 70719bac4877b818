//! Host micro-benchmarks of the search index (`./pryiom bench-search`): building it from N cards, and a search as you
//! type for a Cyrillic prefix, a Latin spelling, a typo, phone digits and one letter, at 5,000, 20,000 and 100,000 cards. They guard the
//! index's speed between releases (compare runs on one machine); the browser figures against MiniSearch and
//! FlexSearch are `./pryiom bench`'s.

use divan::{black_box, Bencher};
use pryiom::domain::client::Personal;
use pryiom::domain::search::SearchIndex;

fn main() {
    divan::main();
}

const SURNAMES: [&str; 12] =
    ["Мельник", "Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Шевчук", "Поліщук", "Лисенко", "Гнатюк", "Мороз"];
const GIVEN: [&str; 8] = ["Мар'яна", "Олена", "Іван", "Петро", "Ірина", "Юрій", "Оксана", "Андрій"];

/// `n` synthetic cards: varied names (a number makes each surname its own), dates and phones.
fn cards(n: usize) -> Vec<(String, Personal)> {
    (0..n)
        .map(|i| {
            let p = Personal {
                surname: format!("{}{}", SURNAMES[i % SURNAMES.len()], if i % 3 == 0 { String::new() } else { format!("-{}", i % 997) }),
                given_name: GIVEN[i % GIVEN.len()].into(),
                patronymic: "Іванівна".into(),
                birth_date: format!("19{:02}-{:02}-{:02}", 40 + i % 60, 1 + i % 12, 1 + i % 28),
                phones: vec![format!("+38050{:07}", i)],
                ..Personal::default()
            };
            (format!("00000000-0000-4000-8000-{i:012x}"), p)
        })
        .collect()
}

fn index(n: usize) -> SearchIndex {
    let mut ix = SearchIndex::new();
    for (id, p) in cards(n) {
        ix.upsert(&id, Some(&p));
    }
    ix
}

#[divan::bench(args = [5_000, 20_000])]
fn build(bencher: Bencher, n: usize) {
    let cards = cards(n);
    bencher.bench(|| {
        let mut ix = SearchIndex::new();
        for (id, p) in &cards {
            ix.upsert(id, Some(p));
        }
        black_box(ix.len())
    });
}

#[divan::bench(args = [5_000, 20_000, 100_000], consts = [0, 1, 2, 3, 4])]
fn search<const Q: usize>(bencher: Bencher, n: usize) {
    // A Cyrillic prefix, a Latin spelling, a typo, phone digits: what a worker types; and the first letter typed,
    // which matches a third of the cards.
    let query = ["Мельн", "shevchenko olen", "Коваленуо", "0000123", "K"][Q];
    let ix = index(n);
    assert!(!ix.search(query, 20).is_empty(), "{query} finds something");
    bencher.bench(|| black_box(ix.search(black_box(query), 20)));
}
