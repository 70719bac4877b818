use super::*;
use crate::domain::appeal::Appeal;
use crate::domain::appeal::{AidKind, Channel, Referral};
use crate::domain::client::Client;
use crate::domain::client::{Consent, ConsentForm, Personal};
use crate::domain::referral::Organisation;

/// The day the tests run on: dates in records may not be after it.
fn today() -> crate::domain::date::Date {
    crate::domain::date::Date::new(2026, 11, 29).expect("date")
}

/// Reads a batch as the app does today.
fn read_batch(text: &str) -> Result<BatchFile, BatchProblem> {
    super::read_batch(text, today())
}

pub(crate) fn client(id: &str, surname: &str) -> Client {
    Client {
        id: id.into(),
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
            surname: surname.into(),
            given_name: "Мар'яна".into(),
            birth_date: "1990-05-01".into(),
            phones: vec!["+380501112233".into()],
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

pub(crate) fn appeal(id: &str, client_id: &str, account: &str, referral: bool) -> Appeal {
    Appeal {
        id: id.into(),
        client_id: client_id.into(),
        received_at: "2026-11-20T09:10".into(),
        channel: Channel::Outreach,
        location: "Бородянка".into(),
        area: "житлові питання".into(),
        account: account.into(),
        aid: if referral { AidKind::Referral } else { AidKind::Consultation },
        outcome: String::new(),
        worker: "Олена Коваль".into(),
        follow_up: None,
        written: false,
        referral: referral.then(|| Referral {
            organisation: Organisation {
                id: "o1".into(),
                name: "Управління соцзахисту".into(),
                address: "вул. Соборна, 1".into(),
                phone: "044 000 00 00".into(),
                hours: "пн–пт 9–18".into(),
                contact: String::new(),
                topics: vec![],
            },
            note: String::new(),
        }),
        exported_in: None,
        follow_up_done: None,
        history: vec![],
    }
}

fn source<T: Serialize>(kind: RecordType, id: &str, rev: u64, v: &T) -> Source {
    Source {
        kind,
        id: id.into(),
        rev,
        updated_at: format!("2026-11-2{rev}T10:00:00Z"),
        data: serde_json::to_value(v).expect("value"),
    }
}

fn origin() -> Origin {
    Origin {
        batch_id: "7a3c1e2b-0f4d-4a5b-9c6d-1e2f3a4b5c6d".into(),
        device_id: "d".into(),
        device_label: "Планшет 2".into(),
        worker: "Олена Коваль".into(),
        created_at: "2026-11-25T12:00:00Z".into(),
        app_version: "0.1.0".into(),
        rules_version: "2026-01-01".into(),
    }
}

pub(crate) fn sample() -> (BatchFile, String) {
    let records = vec![
        record_of(source(
            RecordType::Client,
            "00000000-0000-4000-8000-0000000000c1",
            1,
            &client("00000000-0000-4000-8000-0000000000c1", "Коваль"),
        )),
        record_of(source(
            RecordType::Appeal,
            "00000000-0000-4000-8000-0000000000a1",
            2,
            &appeal(
                "00000000-0000-4000-8000-0000000000a1",
                "00000000-0000-4000-8000-0000000000c1",
                "Борг, \"застава\"\nі ремонт",
                true,
            ),
        )),
        record_of(source(
            RecordType::Appeal,
            "00000000-0000-4000-8000-0000000000a2",
            1,
            &appeal("00000000-0000-4000-8000-0000000000a2", "00000000-0000-4000-8000-0000000000c1", "=1+2", false),
        )),
    ];
    assemble(&origin(), Selection::NotExported, records, None).expect("assemble")
}

#[test]
fn canonical_json_sorts_keys_and_keeps_text_as_is() {
    let v: Value = serde_json::from_str(r#"{"b":1,"a":{"y":"Мар'яна","x":[true,null,"\n"]}}"#).expect("json");
    assert_eq!(canonical(&v), r#"{"a":{"x":[true,null,"\n"],"y":"Мар'яна"},"b":1}"#);
    assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

#[test]
fn a_batch_reads_back_as_it_was_made() {
    let (file, text) = sample();
    let back = read_batch(&text).expect("valid");
    assert_eq!(back, file);
    assert_eq!(
        back.manifest.counts,
        Counts { clients: 1, appeals: 2, checklists: 0, consents: 1, referrals: 1, audit: 0, tickets: 0, feedback: 0 }
    );
    assert_eq!(back.manifest.idempotency_key, back.manifest.batch_id);
    let c: Client = serde_json::from_str(back.records[0].data.text()).expect("client");
    assert_eq!(c, client("00000000-0000-4000-8000-0000000000c1", "Коваль"));
    assert_eq!(back.manifest.csv_sha256.len(), 4);
    // A byte-order mark in front (a text editor may add one) is fine.
    assert!(read_batch(&format!("\u{feff}{text}")).is_ok());
}

#[test]
fn a_changed_record_is_refused_with_its_place() {
    let (_, text) = sample();
    let tampered = text.replacen("Мар'яна", "Марина", 1);
    assert_eq!(
        read_batch(&tampered),
        Err(BatchProblem::RecordChecksum { index: 1, id: "00000000-0000-4000-8000-0000000000c1".into() })
    );
}

#[test]
fn a_record_dropped_or_reordered_is_caught_by_the_payload_checksum() {
    let (mut file, _) = sample();
    file.records.swap(1, 2);
    let text = serde_json::to_string(&file).expect("text");
    assert_eq!(read_batch(&text), Err(BatchProblem::PayloadChecksum));
    let (mut file, _) = sample();
    file.records.pop();
    assert_eq!(read_batch(&serde_json::to_string(&file).expect("text")), Err(BatchProblem::PayloadChecksum));
}

#[test]
fn counts_must_match() {
    let (mut file, _) = sample();
    file.manifest.counts.referrals = 0;
    assert_eq!(read_batch(&serde_json::to_string(&file).expect("text")), Err(BatchProblem::CountsMismatch));
}

#[test]
fn a_truncated_file_is_refused() {
    let (_, text) = sample();
    assert_eq!(read_batch(&text[..text.len() / 2]), Err(BatchProblem::Truncated));
    assert_eq!(read_batch(""), Err(BatchProblem::Truncated));
    assert!(matches!(read_batch("{\"format\": nope}"), Err(BatchProblem::NotJson { line: 1, .. })));
}

#[test]
fn another_format_or_version_is_refused() {
    let (_, text) = sample();
    assert_eq!(
        read_batch(&text.replacen("\"version\":1", "\"version\":2", 1)),
        Err(BatchProblem::UnsupportedVersion(2))
    );
    assert!(matches!(
        read_batch(&text.replacen("pryiom-batch", "pryiom-directory", 1)),
        Err(BatchProblem::WrongFormat { .. })
    ));
    assert!(matches!(read_batch("[1,2]"), Err(BatchProblem::WrongFormat { .. })));
    assert!(matches!(read_batch(r#"{"format":"pryiom-batch","version":1}"#), Err(BatchProblem::WrongFormat { .. })));
}

#[test]
fn an_invalid_record_names_the_record_and_the_field() {
    let mut data = serde_json::to_value(appeal(
        "00000000-0000-4000-8000-0000000000a9",
        "00000000-0000-4000-8000-0000000000c1",
        "x",
        false,
    ))
    .expect("value");
    data.as_object_mut().expect("object").remove("client_id");
    let records = vec![record_of(Source {
        kind: RecordType::Appeal,
        id: "00000000-0000-4000-8000-0000000000a9".into(),
        rev: 1,
        updated_at: "t".into(),
        data,
    })];
    let (_, text) = assemble(&origin(), Selection::NotExported, records, None).expect("assemble");
    match read_batch(&text) {
        Err(BatchProblem::RecordInvalid { index: 1, id, issue }) => {
            assert_eq!(id, "00000000-0000-4000-8000-0000000000a9");
            assert_eq!(issue, DataIssue::Missing { field: "client_id".into() });
        }
        other => panic!("{other:?}"),
    }
    // The record's id must be the data's id.
    let records = vec![record_of(source(
        RecordType::Client,
        "00000000-0000-4000-8000-0000000000c2",
        1,
        &client("00000000-0000-4000-8000-0000000000c1", "Коваль"),
    ))];
    let (_, text) = assemble(&origin(), Selection::NotExported, records, None).expect("assemble");
    assert!(matches!(
        read_batch(&text),
        Err(BatchProblem::RecordInvalid { index: 1, issue: DataIssue::IdMismatch, .. })
    ));
    // A value of the wrong kind: the field is named, the value is not repeated.
    let mut data = serde_json::to_value(client("00000000-0000-4000-8000-0000000000c3", "Коваль")).expect("value");
    data["personal"]["birth_date"] = serde_json::json!(["Шевченко Тарас Григорович"]);
    let records = vec![record_of(Source {
        kind: RecordType::Client,
        id: "00000000-0000-4000-8000-0000000000c3".into(),
        rev: 1,
        updated_at: "t".into(),
        data,
    })];
    let (_, text) = assemble(&origin(), Selection::NotExported, records, None).expect("assemble");
    let refused = read_batch(&text).expect_err("refused");
    assert_eq!(
        refused,
        BatchProblem::RecordInvalid {
            index: 1,
            id: "00000000-0000-4000-8000-0000000000c3".into(),
            issue: DataIssue::Invalid { field: "personal.birth_date".into() }
        }
    );
    for lang in [crate::i18n::Lang::Uk, crate::i18n::Lang::En] {
        let msg = crate::i18n::batch_problem(lang, &refused);
        assert!(msg.contains("personal.birth_date") && !msg.contains("Тарас"), "{msg}");
    }
}

#[test]
fn revisions_outside_1_to_2_pow_53_are_refused() {
    let c = client("00000000-0000-4000-8000-0000000000c1", "Коваль");
    let at = |rev: u64| {
        let data = serde_json::to_value(&c).expect("value");
        let records = vec![record_of(Source {
            kind: RecordType::Client,
            id: "00000000-0000-4000-8000-0000000000c1".into(),
            rev,
            updated_at: "2026-11-20T10:00:00Z".into(),
            data,
        })];
        read_batch(&assemble(&origin(), Selection::NotExported, records, None).expect("assemble").1)
    };
    assert!(at(crate::storage::MAX_REV).is_ok(), "the highest exact revision is accepted");
    for rev in [0, crate::storage::MAX_REV + 1, u64::MAX] {
        assert!(matches!(at(rev), Err(BatchProblem::RecordInvalid { index: 1, .. })), "rev {rev}");
    }
}

#[test]
fn the_same_record_twice_is_refused() {
    let c = client("00000000-0000-4000-8000-0000000000c1", "Коваль");
    let records = vec![
        record_of(source(RecordType::Client, "00000000-0000-4000-8000-0000000000c1", 1, &c)),
        record_of(source(RecordType::Client, "00000000-0000-4000-8000-0000000000c1", 2, &c)),
    ];
    let (_, text) = assemble(&origin(), Selection::NotExported, records, None).expect("assemble");
    assert_eq!(
        read_batch(&text),
        Err(BatchProblem::DuplicateRecord { index: 2, id: "00000000-0000-4000-8000-0000000000c1".into() })
    );
}

#[test]
fn csv_cells_survive_spreadsheets() {
    assert_eq!(csv_cell("Мар'яна"), "Мар'яна");
    assert_eq!(csv_cell("a, b"), "\"a, b\"");
    assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(csv_cell("line\nbreak"), "\"line\nbreak\"");
    assert_eq!(csv_cell("рядок\rще"), "\"рядок\rще\"");
    assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
    assert_eq!(csv_cell("+380501112233"), "'+380501112233");
    assert_eq!(csv_cell("-5"), "'-5");
    assert_eq!(csv_cell("@cmd"), "'@cmd");
    assert_eq!(csv_cell("=a,b"), "\"'=a,b\"");
    assert_eq!(csv_cell(""), "");
}

#[test]
fn csv_tables_have_a_bom_a_header_and_one_row_per_record() {
    let (file, _) = sample();
    let tables = csv_tables(&file);
    let names: Vec<&str> = tables.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "pryiom-7a3c1e2b-clients.csv",
            "pryiom-7a3c1e2b-appeals.csv",
            "pryiom-7a3c1e2b-checklists.csv",
            "pryiom-7a3c1e2b-audits.csv"
        ]
    );
    let appeals = &tables[1].1;
    assert!(appeals.starts_with("\u{feff}batch_id,id,rev,updated_at,client_id,received_at,"));
    assert!(appeals.contains("\"Борг, \"\"застава\"\"\nі ремонт\""));
    assert!(appeals.contains(",'=1+2,"));
    assert!(appeals.contains("Управління соцзахисту"));
    assert_eq!(appeals.matches("\r\n").count(), 3, "header and two rows");
    assert!(tables[0].1.contains(",Коваль,Мар'яна,"));
    assert!(tables[0].1.contains(",'+380501112233,"));
    // Yes/no and numbers as JSON writes them: the sample's card has no documents and refused its tax number.
    assert!(tables[0].1.contains(",true,"));
    assert!(!tables[0].1.contains("True"));
    let row = CsvRow {
        batch_id: "b",
        id: "f1",
        rev: 12,
        updated_at: "2026-11-20T10:00:00Z",
        data: serde_json::json!({"day": "2026-11-20", "answers": [["clear", 5], ["wait", 2.5]], "comment": null}),
    };
    assert!(csv_table(RecordType::Feedback, [row]).ends_with("b,f1,12,2026-11-20T10:00:00Z,2026-11-20,5,,2.5,,,\r\n"));
    // The manifest pins each table: a CSV from another batch or an edited one does not match.
    for (name, text) in &tables {
        assert_eq!(file.manifest.csv_sha256[name], sha256_hex(text.as_bytes()));
    }
}

#[test]
fn selections_take_what_they_say() {
    let s = Selection::NotExported;
    assert!(s.takes(1, "2026-11-20T10:00:00Z", None));
    assert!(!s.takes(2, "2026-11-20T10:00:00Z", Some(2)));
    assert!(s.takes(3, "2026-11-20T10:00:00Z", Some(2)), "changed since its batch");
    let s = Selection::SinceLastBatch { since: "2026-11-20T10:00:00Z".into() };
    assert!(!s.takes(1, "2026-11-20T10:00:00Z", None));
    assert!(s.takes(1, "2026-11-20T10:00:01Z", Some(1)));
    let s = Selection::Range { from: "2026-11-01".into(), to: "2026-11-20".into() };
    assert!(s.takes(1, "2026-11-20T23:59:00Z", Some(1)));
    assert!(s.takes(1, "2026-11-01T00:00:00Z", None));
    assert!(!s.takes(1, "2026-10-31T23:59:00Z", None));
    assert!(!s.takes(1, "2026-11-21T00:00:00Z", None));
}

#[test]
fn the_ledger_keeps_the_newest_revision_sent_or_purged() {
    let (file, _) = sample();
    let mut a = BatchInfo::of(&file, false);
    a.purged.push(Entry { kind: RecordType::Client, id: "00000000-0000-4000-8000-0000000000c1".into(), rev: 2 });
    let mut b = BatchInfo::of(&file, false);
    b.entries[1].rev = 1;
    let l = Ledger::of(&[a, b]);
    assert_eq!(l.exported(RecordType::Client, "00000000-0000-4000-8000-0000000000c1"), Some(2));
    assert_eq!(l.exported(RecordType::Appeal, "00000000-0000-4000-8000-0000000000a1"), Some(2));
    assert_eq!(l.exported(RecordType::Appeal, "zz"), None);
    assert_eq!(l.exported(RecordType::Checklist, "00000000-0000-4000-8000-0000000000c1"), None);
}

#[test]
fn fates_follow_revisions() {
    assert_eq!(fate(1, None), Fate::Added);
    assert_eq!(fate(3, Some(2)), Fate::Updated);
    assert_eq!(fate(2, Some(2)), Fate::Unchanged);
    assert_eq!(fate(1, Some(2)), Fate::Ignored);
}

#[test]
fn the_payload_checksum_is_the_canonical_json_of_the_records_array() {
    let (file, _) = sample();
    let whole = serde_json::to_value(&file.records).expect("value");
    assert_eq!(file.manifest.payload_sha256, sha256_hex(canonical(&whole).as_bytes()));
}

#[test]
fn a_reformatted_but_equal_file_is_accepted() {
    // Someone opened the file in an editor that pretty-printed it: same data, other bytes.
    let (file, text) = sample();
    let pretty = serde_json::to_string_pretty(&serde_json::from_str::<Value>(&text).expect("json")).expect("pretty");
    assert_ne!(pretty, text);
    let back = read_batch(&pretty).expect("still valid");
    assert_eq!(back.manifest, file.manifest);
    assert_eq!(back.records.len(), 3);
}

/// The file made a record at a time is the file serde writes of the whole: the same text, the same checksums of the
/// payload and of every CSV table (the kiosk's tables only with kiosk records), the same counts.
#[test]
fn a_file_made_a_record_at_a_time_is_the_file_of_all_its_records() {
    let (file, _) = sample();
    let mut records = file.records.clone();
    let ticket = serde_json::json!({"day": "2026-11-25", "number": 7, "area": "=housing", "state": {"is": "waiting"}});
    records.push(record_of(source(RecordType::Ticket, "00000000-0000-4000-8000-0000000000e1", 1, &ticket)));
    let audit = serde_json::json!({"at": "2026-11-25T11:00:00Z", "action": "export", "worker": "Олена, \"К\""});
    records.push(record_of(source(RecordType::Audit, "00000000-0000-4000-8000-0000000000f1", 1, &audit)));
    let key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    for (records, signer) in [(file.records.clone(), None), (records, Some(&key))] {
        let mut made = Assembly::new(&origin().batch_id, 0);
        for r in &records {
            let s = Source {
                kind: r.kind,
                id: r.id.clone(),
                rev: r.rev,
                updated_at: r.updated_at.clone(),
                data: r.data.tree().expect("tree"),
            };
            made.add(s).expect("add");
        }
        let (manifest, text, entries) = made.finish(&origin(), Selection::NotExported, signer).expect("finish");
        let whole = BatchFile { format: BATCH_FORMAT.into(), version: BATCH_VERSION, manifest, records };
        assert_eq!(text, serde_json::to_string(&whole).expect("json"));
        let m = &whole.manifest;
        let tables: BTreeMap<String, String> =
            csv_tables(&whole).into_iter().map(|(name, t)| (name, sha256_hex(t.as_bytes()))).collect();
        assert_eq!(m.csv_sha256, tables);
        assert_eq!(m.csv_sha256.len(), if signer.is_some() { 5 } else { 4 }, "a tickets table only with tickets");
        assert_eq!(m.counts, count(&whole.records));
        assert_eq!(m.counts.referrals, 1);
        assert_eq!(entries.len(), whole.records.len());
        if signer.is_none() {
            // (The ticket and event above are made up: only their rows and checksums are compared.)
            assert_eq!(read_batch(&text).expect("valid"), whole);
        }
    }
}

#[test]
fn a_signed_batch_reads_back_and_a_changed_manifest_is_refused() {
    let (file, _) = sample();
    let key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let (signed, text) =
        assemble(&origin(), Selection::NotExported, file.records.clone(), Some(&key)).expect("assemble");
    assert!(signed.manifest.signature.is_some());
    assert_eq!(read_batch(&text).expect("valid"), signed);
    // The device label changed after signing: every checksum still matches, the signature does not.
    let changed = text.replacen("\"device_label\":\"Планшет 2\"", "\"device_label\":\"Чужий планшет\"", 1);
    assert_ne!(changed, text);
    assert_eq!(read_batch(&changed), Err(BatchProblem::SignatureInvalid));
}

#[test]
fn text_with_a_direction_override_or_nul_is_refused_naming_the_field() {
    let mut c = client("00000000-0000-4000-8000-0000000000c1", "Коваль");
    c.personal.as_mut().expect("personal").phones = vec!["+380501112233".into(), "\u{202E}3322111050".into()];
    let records = vec![record_of(source(RecordType::Client, "00000000-0000-4000-8000-0000000000c1", 1, &c))];
    let (_, text) = assemble(&origin(), Selection::NotExported, records, None).expect("assemble");
    assert_eq!(
        read_batch(&text),
        Err(BatchProblem::HiddenControl {
            index: 1,
            id: "00000000-0000-4000-8000-0000000000c1".into(),
            field: "personal.phones[1]".into()
        })
    );
    let mut o = origin();
    o.worker = "Олена\u{0}".into();
    let (_, text) = assemble(&o, Selection::NotExported, sample().0.records, None).expect("assemble");
    assert_eq!(read_batch(&text), Err(BatchProblem::ManifestHiddenControl { field: "worker".into() }));
}

#[test]
fn sizes_are_bounded_and_the_refusal_names_the_limit_not_the_value() {
    use crate::domain::batch::{MAX_BATCH_BYTES, MAX_RECORD_BYTES, MAX_TEXT_CHARS};
    // A file over the limit is not parsed at all (this one is not even JSON).
    let huge = " ".repeat(MAX_BATCH_BYTES + 1);
    assert_eq!(read_batch(&huge), Err(BatchProblem::FileTooLarge { limit_bytes: MAX_BATCH_BYTES }));
    // A surname one character over the longest field.
    let mut c = client("00000000-0000-4000-8000-0000000000c1", "Коваль");
    c.personal.as_mut().expect("personal").surname = "ї".repeat(MAX_TEXT_CHARS + 1);
    let (_, text) = assemble(
        &origin(),
        Selection::NotExported,
        vec![record_of(source(RecordType::Client, "00000000-0000-4000-8000-0000000000c1", 1, &c))],
        None,
    )
    .expect("assemble");
    let refused = read_batch(&text).expect_err("refused");
    assert_eq!(
        refused,
        BatchProblem::TextTooLong {
            index: 1,
            id: "00000000-0000-4000-8000-0000000000c1".into(),
            field: "personal.surname".into(),
            limit_chars: MAX_TEXT_CHARS
        }
    );
    // A record's data over its limit (many phones of ordinary length).
    let mut c = client("00000000-0000-4000-8000-0000000000c1", "Коваль");
    c.personal.as_mut().expect("personal").phones = vec!["+380501112233".into(); MAX_RECORD_BYTES / 10];
    let (_, text) = assemble(
        &origin(),
        Selection::NotExported,
        vec![record_of(source(RecordType::Client, "00000000-0000-4000-8000-0000000000c1", 1, &c))],
        None,
    )
    .expect("assemble");
    assert_eq!(
        read_batch(&text),
        Err(BatchProblem::RecordTooLarge {
            index: 1,
            id: "00000000-0000-4000-8000-0000000000c1".into(),
            limit_bytes: MAX_RECORD_BYTES
        })
    );
    // An id that is empty or far too long is refused without being repeated.
    for bad in [String::new(), "x".repeat(65)] {
        let mut c = client("00000000-0000-4000-8000-0000000000c1", "Коваль");
        c.id = bad.clone();
        let (_, text) =
            assemble(&origin(), Selection::NotExported, vec![record_of(source(RecordType::Client, &bad, 1, &c))], None)
                .expect("assemble");
        assert_eq!(read_batch(&text), Err(BatchProblem::RecordIdInvalid { index: 1 }));
    }
    // The messages say the limit, in the worker's language.
    let lang = crate::i18n::Lang::Uk;
    let msg = crate::i18n::batch_problem(lang, &BatchProblem::FileTooLarge { limit_bytes: MAX_BATCH_BYTES });
    assert!(msg.contains("128 МБ"), "{msg}");
    let msg = crate::i18n::batch_problem(lang, &refused);
    assert!(msg.contains("personal.surname") && msg.contains("5000") && !msg.contains("їїї"), "{msg}");
}

/// A batch of one record of `kind` with `data` (checksums made right, so the record's own rules are what is tested).
fn one(kind: RecordType, data: Value) -> String {
    let id = data.get("id").and_then(Value::as_str).unwrap_or("00000000-0000-4000-8000-0000000000c1").to_owned();
    let records = vec![record_of(Source { kind, id, rev: 1, updated_at: "2026-11-20T10:00:00Z".into(), data })];
    assemble(&origin(), Selection::NotExported, records, None).expect("assemble").1
}

fn refused_field(text: &str) -> DataIssue {
    match read_batch(text) {
        Err(BatchProblem::RecordInvalid { issue, .. }) => issue,
        other => panic!("not refused as an invalid record: {other:?}"),
    }
}

#[test]
fn an_imported_record_meets_the_schema_and_the_rules_of_the_form() {
    let invalid = |f: &str| DataIssue::Invalid { field: f.into() };
    let card = serde_json::to_value(client("00000000-0000-4000-8000-0000000000c1", "Коваль")).expect("value");
    assert!(read_batch(&one(RecordType::Client, card.clone())).is_ok(), "the sample card is valid");
    let with = |path: &[&str], v: Value| {
        let mut c = card.clone();
        let (last, parents) = path.split_last().expect("path");
        let mut at = &mut c;
        for p in parents {
            at = at.get_mut(*p).expect("parent");
        }
        at[*last] = v;
        refused_field(&one(RecordType::Client, c))
    };
    assert_eq!(with(&["created_at"], "позавчора".into()), invalid("created_at"));
    assert_eq!(with(&["consent", "given_at"], "".into()), invalid("consent.given_at"));
    assert_eq!(with(&["personal", "birth_date"], "2999-01-01".into()), invalid("personal.birth_date"));
    assert_eq!(with(&["personal", "surname"], "  ".into()), invalid("personal.surname"));
    assert_eq!(with(&["personal", "phones"], serde_json::json!(["067 111 22 33"])), invalid("personal.phones"));
    assert_eq!(with(&["personal", "phones"], serde_json::json!(["nope"])), invalid("personal.phones"));
    assert_eq!(with(&["personal", "tax_number"], "1234567890".into()), invalid("personal.tax_number"));
    assert_eq!(with(&["personal", "representative_id"], "<b>".into()), invalid("personal.representative_id"));
    assert_eq!(with(&["personal"], Value::Null), invalid("personal"));
    assert_eq!(with(&["consent", "withdrawn_at"], "2026-11-21T10:00:00Z".into()), invalid("personal"));
    assert_eq!(with(&["notes"], "дані, яких формат не має".into()), DataIssue::Unknown { field: "notes".into() });
    assert_eq!(with(&["personal", "x"], 1.into()), DataIssue::Unknown { field: "personal.x".into() });
    // An id that is not a UUID would land in the address bar and never reopen.
    let mut c = card.clone();
    c["id"] = "c1".into();
    assert_eq!(refused_field(&one(RecordType::Client, c)), invalid("id"));

    let appeal = serde_json::to_value(appeal(
        "00000000-0000-4000-8000-0000000000a1",
        "00000000-0000-4000-8000-0000000000c1",
        "Борг",
        true,
    ))
    .expect("value");
    assert!(read_batch(&one(RecordType::Appeal, appeal.clone())).is_ok(), "the sample appeal is valid");
    let with = |key: &str, v: Value| {
        let mut a = appeal.clone();
        a[key] = v;
        refused_field(&one(RecordType::Appeal, a))
    };
    assert_eq!(with("client_id", "".into()), invalid("client_id"));
    assert_eq!(with("received_at", "2026-11-20".into()), invalid("received_at"));
    assert_eq!(with("area", "".into()), invalid("area"));
    assert_eq!(with("follow_up", "завтра".into()), invalid("follow_up"));
    assert_eq!(with("aid", "consultation".into()), invalid("referral"));

    // A checklist that has only an id.
    let only_id = serde_json::json!({"id": "00000000-0000-4000-8000-0000000000e1"});
    assert_eq!(refused_field(&one(RecordType::Checklist, only_id)), invalid("appeal_id"));
}

#[test]
fn a_manifest_holds_a_uuid_batch_id_and_a_date_time() {
    let (file, _) = sample();
    let mut bad = file.clone();
    bad.manifest.batch_id = "<img src=x>".into();
    let wrong = |f: &str| Err(BatchProblem::WrongFormat { issue: DataIssue::Invalid { field: f.into() } });
    assert_eq!(read_batch(&serde_json::to_string(&bad).expect("text")), wrong("manifest.batch_id"));
    let mut bad = file.clone();
    bad.manifest.created_at = "позавчора".into();
    assert_eq!(read_batch(&serde_json::to_string(&bad).expect("text")), wrong("manifest.created_at"));
    let mut bad = file;
    bad.manifest.idempotency_key = "00000000-0000-4000-8000-000000000000".into();
    assert_eq!(read_batch(&serde_json::to_string(&bad).expect("text")), wrong("manifest.idempotency_key"));
}

#[test]
fn a_field_the_format_does_not_have_is_refused_wherever_it_is() {
    let (file, _) = sample();
    let mut tree = serde_json::to_value(&file).expect("tree");
    tree["comment"] = "x".repeat(1000).into();
    let unknown = |f: &str| Err(BatchProblem::WrongFormat { issue: DataIssue::Unknown { field: f.into() } });
    assert_eq!(read_batch(&tree.to_string()), unknown("comment"));
    let mut tree = serde_json::to_value(&file).expect("tree");
    tree["manifest"]["note"] = "x".into();
    assert_eq!(read_batch(&tree.to_string()), unknown("manifest.note"));
    let mut tree = serde_json::to_value(&file).expect("tree");
    tree["records"][0]["note"] = "x".into();
    assert_eq!(read_batch(&tree.to_string()), unknown("records[0].note"));
    let mut tree = serde_json::to_value(&file).expect("tree");
    tree["manifest"]["counts"]["payments"] = 1.into();
    assert_eq!(read_batch(&tree.to_string()), unknown("manifest.counts.payments"));
}

#[test]
fn a_field_written_twice_in_a_record_is_refused_as_such() {
    let card = serde_json::to_value(client("00000000-0000-4000-8000-0000000000c1", "Коваль")).expect("value");
    let text = one(RecordType::Client, card);
    // The same checksum holds (it is over the data as read, which keeps the last value): only the text differs.
    let id = "\"id\":\"00000000-0000-4000-8000-0000000000c1\",";
    let twice = text.replacen(&format!("{id}\"personal\""), &format!("{id}{id}\"personal\""), 1);
    assert_ne!(twice, text);
    assert_eq!(refused_field(&twice), DataIssue::Duplicate { field: "id".into() });
}

#[test]
fn a_card_travels_with_its_corrections_and_a_withdrawn_one_without_their_values() {
    use crate::domain::client::{CardChange, FieldChange};
    let id = "00000000-0000-4000-8000-0000000000c7";
    let with = |history: Vec<CardChange>, withdrawn: bool| {
        let mut c = client(id, "Коваль");
        c.history = history;
        if withdrawn {
            c.consent.withdrawn_at = Some("2026-11-28T12:00:00Z".into());
            c.consent.withdrawn_by = Some("Олена Коваль".into());
            c.erase_personal();
        }
        let (_, text) =
            assemble(&origin(), Selection::NotExported, vec![record_of(source(RecordType::Client, id, 2, &c))], None)
                .expect("assemble");
        read_batch(&text).map(|b| serde_json::to_value(&b.records[0].data).unwrap_or_default())
    };
    let change = |field: &str, from: &str, to: &str| CardChange {
        at: "2026-11-28T10:00:00Z".into(),
        by: "Олена Коваль".into(),
        fields: vec![FieldChange { field: field.into(), from: from.into(), to: to.into() }],
        merged_from: None,
    };
    let read = with(vec![change("phones", "+380671112233", "+380501112233")], false).expect("a corrected card");
    assert_eq!(read["history"][0]["fields"][0]["to"], "+380501112233");
    let read = with(vec![change("phones", "+380671112233", "+380501112233")], true).expect("withdrawn");
    assert_eq!(read["history"][0]["fields"][0]["from"], "", "the values erased with the card");
    let invalid = |field: &str| {
        Err(BatchProblem::RecordInvalid { index: 1, id: id.into(), issue: DataIssue::Invalid { field: field.into() } })
    };
    assert_eq!(with(vec![change("notes", "a", "b")], false).map(|_| ()), invalid("history.0.fields"));
    assert_eq!(with(vec![change("phones", "a", "a")], false).map(|_| ()), invalid("history.0.fields"));
    assert_eq!(
        with(vec![CardChange { at: "учора".into(), ..change("phones", "a", "b") }], false).map(|_| ()),
        invalid("history.0.at")
    );
    assert_eq!(
        with(vec![CardChange { by: " ".into(), ..change("phones", "a", "b") }], false).map(|_| ()),
        invalid("history.0.by")
    );
    // A withdrawn card whose history still holds a value: refused, the value is personal.
    let mut c = client(id, "Коваль");
    c.consent.withdrawn_at = Some("2026-11-28T12:00:00Z".into());
    c.personal = None;
    c.history = vec![change("surname", "Коваль", "Ковальчук")];
    let (_, text) =
        assemble(&origin(), Selection::NotExported, vec![record_of(source(RecordType::Client, id, 2, &c))], None)
            .expect("assemble");
    assert_eq!(read_batch(&text).map(|_| ()), invalid("history.0.fields"));
}
