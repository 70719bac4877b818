//! Host micro-benchmarks of the search index (`./pryiom bench-search`): building it from N cards, and a search as you
//! type for a Cyrillic prefix, a Latin spelling, a typo, phone digits and one letter, at 5,000, 20,000 and 100,000 cards; and the
//! client list's pass over a whole register (`domain::lists`), with no filter and with one. They guard the
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
            // Ids spread as random UUIDs are (the first 8 digits differ).
            (format!("{:08x}-0000-4000-8000-{i:012x}", (i as u32).wrapping_mul(2_654_435_761)), p)
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

#[divan::bench(args = [5_000, 20_000, 100_000], consts = [0, 1, 2, 3, 4, 5])]
fn search<const Q: usize>(bencher: Bencher, n: usize) {
    // A Cyrillic prefix, a Latin spelling, a typo, phone digits: what a worker types; the first letter typed,
    // which matches a third of the cards; and the first four digits of a phone that every card's phone holds (as the
    // first digits of one operator's numbers would in a real register).
    let query = ["Мельн", "shevchenko olen", "Коваленуо", "0000123", "K", "0500"][Q];
    let ix = index(n);
    assert!(!ix.search(query, 20).is_empty(), "{query} finds something");
    bencher.bench(|| black_box(ix.search(black_box(query), 20)));
}

/// A register of `n` cards with about two appeals each (newest first, as the app keeps them).
fn register(
    n: usize,
) -> (
    std::collections::HashMap<String, pryiom::domain::client::Client>,
    std::collections::HashMap<String, Vec<pryiom::domain::appeal::Appeal>>,
) {
    use pryiom::domain::appeal::{AidKind, Appeal, Channel};
    use pryiom::domain::client::{Client, Consent, ConsentForm};
    let mut clients = std::collections::HashMap::new();
    let mut appeals = std::collections::HashMap::new();
    for (i, (id, p)) in cards(n).into_iter().enumerate() {
        let mut list: Vec<Appeal> = (0..(i % 4))
            .map(|k| Appeal {
                id: format!("{id}-{k}"),
                client_id: id.clone(),
                received_at: format!("2026-{:02}-{:02}T10:00", 12 - (i + k) % 12, 1 + (i * 7 + k) % 28),
                channel: Channel::Office,
                location: "Бородянка".into(),
                area: ["пенсії", "житлові питання", "спадщина"][(i + k) % 3].into(),
                account: "Питання щодо документів і виплат".into(),
                aid: AidKind::Consultation,
                outcome: String::new(),
                worker: "Олена Коваль".into(),
                follow_up: None,
                written: false,
                referral: None,
                exported_in: None,
                follow_up_done: None,
                history: vec![],
            })
            .collect();
        list.sort_by(|a, b| b.received_at.cmp(&a.received_at));
        let card = Client {
            id: id.clone(),
            created_at: "2026-01-01T09:00:00Z".into(),
            consent: Consent {
                text_version: "2026-11".into(),
                text_lang: "uk".into(),
                form: ConsentForm::Oral,
                given_at: "2026-01-01T09:00:00Z".into(),
                taken_by: "Олена Коваль".into(),
                withdrawn_at: None,
                withdrawn_by: None,
            },
            personal: Some(p),
            purged_at: None,
            history: vec![],
            merged_into: None,
        };
        clients.insert(id.clone(), card);
        if !list.is_empty() {
            appeals.insert(id, list);
        }
    }
    (clients, appeals)
}

/// The client list's pass over the whole register (`domain::lists`): every card, no filter; and one question area.
#[divan::bench(args = [20_000, 100_000], consts = [0, 1])]
fn client_list<const F: usize>(bencher: Bencher, n: usize) {
    use pryiom::domain::appeal::AppealFilter;
    let (clients, appeals) = register(n);
    let filter = [AppealFilter::default(), AppealFilter { area: "спадщина".into(), ..AppealFilter::default() }][F].clone();
    bencher.bench(|| black_box(pryiom::domain::lists::lists(&clients, &appeals, filter.clone(), None, 50, false).clients_count));
}
