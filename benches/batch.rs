//! Host micro-benchmarks of a batch file's making and checking (`./pryiom bench-batch`): 10,000 cards and 10,000
//! appeals made into a file (a canonical JSON text and a SHA-256 per record, the payload checksum), and the same
//! file read and checked as an import checks it (every record's rules, checksum and unknown fields). They guard the
//! speed of the work an export and an import share with no browser (compare runs on one machine); the browser
//! figures against the JS peers are `./pryiom bench`'s.

use divan::{black_box, Bencher};
use pryiom::domain::appeal::{AidKind, Appeal, Channel};
use pryiom::domain::batch::{assemble, record_of, BatchCheck, BatchRecord, Origin, RecordType, Selection, Source};
use pryiom::domain::client::{Client, Consent, ConsentForm, Personal};
use pryiom::domain::date::Date;

fn main() {
    divan::main();
}

const N: usize = 10_000;

fn client(i: usize) -> Client {
    Client {
        id: format!("00000000-0000-4000-8000-{i:012x}"),
        created_at: "2026-11-20T09:00:00Z".into(),
        consent: Consent {
            text_version: "2026-11".into(),
            text_lang: "uk".into(),
            form: ConsentForm::Oral,
            given_at: "2026-11-20T09:00:00Z".into(),
            taken_by: "Олена Коваль".into(),
            withdrawn_at: None,
            withdrawn_by: None,
        },
        personal: Some(Personal {
            surname: format!("Коваленко-{i}"),
            given_name: "Мар'яна".into(),
            patronymic: "Іванівна".into(),
            birth_date: format!("19{:02}-{:02}-{:02}", 40 + i % 60, 1 + i % 12, 1 + i % 28),
            phones: vec![format!("+38050{:07}", i)],
            address: "с. Бородянка, вул. Центральна, 5".into(),
            no_documents: true,
            tax_refused: true,
            ..Personal::default()
        }),
        purged_at: None,
        history: vec![],
        merged_into: None,
    }
}

fn appeal(i: usize) -> Appeal {
    Appeal {
        id: format!("00000000-0000-4000-9000-{i:012x}"),
        client_id: format!("00000000-0000-4000-8000-{i:012x}"),
        received_at: "2026-11-20T09:10".into(),
        channel: Channel::Outreach,
        location: "Бородянка".into(),
        area: "житлові питання".into(),
        account: "Борг за оренду квартири і комунальні послуги; просить роз'яснити, як укласти договір".into(),
        aid: AidKind::Consultation,
        outcome: String::new(),
        worker: "Олена Коваль".into(),
        follow_up: None,
        written: false,
        referral: None,
        exported_in: None,
        follow_up_done: None,
        history: vec![],
    }
}

fn sources() -> Vec<Source> {
    let source = |kind, id: String, data| Source { kind, id, rev: 1, updated_at: "2026-11-20T10:00:00Z".into(), data };
    (0..N)
        .flat_map(|i| {
            let (c, a) = (client(i), appeal(i));
            [
                source(RecordType::Client, c.id.clone(), serde_json::to_value(&c).expect("card")),
                source(RecordType::Appeal, a.id.clone(), serde_json::to_value(&a).expect("appeal")),
            ]
        })
        .collect()
}

fn origin() -> Origin {
    Origin {
        batch_id: "00000000-0000-4000-8000-0000000000b1".into(),
        device_id: "dev-1".into(),
        device_label: "Планшет 2".into(),
        worker: "Олена Коваль".into(),
        created_at: "2026-11-25T12:00:00Z".into(),
        app_version: "0.1.0".into(),
        rules_version: "2026-01-01".into(),
    }
}

/// 20,000 records made into batch records (canonical JSON, a SHA-256 each) and the file's text.
#[divan::bench(sample_count = 10)]
fn make(bencher: Bencher) {
    bencher.with_inputs(sources).bench_values(|sources| {
        let records: Vec<BatchRecord> = sources.into_iter().map(record_of).collect();
        black_box(assemble(&origin(), Selection::NotExported, records, None).expect("file").1.len())
    });
}

/// The same file read and every record checked, as an import does before it writes.
#[divan::bench(sample_count = 10)]
fn check(bencher: Bencher) {
    let records: Vec<BatchRecord> = sources().into_iter().map(record_of).collect();
    let (_, text) = assemble(&origin(), Selection::NotExported, records, None).expect("file");
    let today = Date::new(2026, 11, 29).expect("date");
    bencher.bench(|| {
        let mut check = BatchCheck::open(black_box(&text), today).expect("opens");
        check.records(usize::MAX).expect("every record passes");
        black_box(check.finish().expect("the file passes").records.len())
    });
}
