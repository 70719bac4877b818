//! The CSV tables derived from a batch, safe to open in a spreadsheet.

use serde_json::Value;

use super::{short, BatchFile, RecordType};

/// The CSV columns of each record type: header and the path of the value in the record's data.
const CLIENT_COLUMNS: &[(&str, &str)] = &[
    ("created_at", "created_at"),
    ("surname", "personal.surname"),
    ("given_name", "personal.given_name"),
    ("patronymic", "personal.patronymic"),
    ("birth_date", "personal.birth_date"),
    ("sex", "personal.sex"),
    ("phones", "personal.phones"),
    ("email", "personal.email"),
    ("address", "personal.address"),
    ("registration_address", "personal.registration_address"),
    ("no_fixed_address", "personal.no_fixed_address"),
    ("document_kind", "personal.document_kind"),
    ("document_series", "personal.document_series"),
    ("document_number", "personal.document_number"),
    ("no_documents", "personal.no_documents"),
    ("no_documents_reason", "personal.no_documents_reason"),
    ("tax_number", "personal.tax_number"),
    ("tax_refused", "personal.tax_refused"),
    ("no_tax_number", "personal.no_tax_number"),
    ("language", "personal.language"),
    ("representative_id", "personal.representative_id"),
    ("consent_form", "consent.form"),
    ("consent_text_version", "consent.text_version"),
    ("consent_text_lang", "consent.text_lang"),
    ("consent_given_at", "consent.given_at"),
    ("consent_taken_by", "consent.taken_by"),
    ("consent_withdrawn_at", "consent.withdrawn_at"),
    ("merged_into", "merged_into.id"),
];

const APPEAL_COLUMNS: &[(&str, &str)] = &[
    ("client_id", "client_id"),
    ("received_at", "received_at"),
    ("channel", "channel"),
    ("location", "location"),
    ("area", "area"),
    ("account", "account"),
    ("aid", "aid"),
    ("outcome", "outcome"),
    ("worker", "worker"),
    ("follow_up", "follow_up"),
    ("written", "written"),
    ("referral_organisation", "referral.organisation.name"),
    ("referral_address", "referral.organisation.address"),
    ("referral_phone", "referral.organisation.phone"),
    ("referral_hours", "referral.organisation.hours"),
    ("referral_note", "referral.note"),
    ("follow_up_done", "follow_up_done"),
];

const CHECKLIST_COLUMNS: &[(&str, &str)] = &[
    ("appeal_id", "appeal_id"),
    ("client_id", "client_id"),
    ("assessed_on", "on"),
    ("rules_version", "rules.version"),
    ("categories", "categories"),
    ("income_months", "income.months"),
    ("income_group", "income.group"),
    ("disability", "income.disability"),
    ("pension", "income.pension"),
    ("issue", "application.issue"),
    ("accepted_on", "application.accepted_on"),
    ("returned_on", "application.returned_on"),
    ("return_reasons", "application.return_reasons"),
    ("decision_on", "decision.on"),
    ("decision", "decision.verdict"),
    ("granted_defence", "decision.kinds.defence"),
    ("granted_representation", "decision.kinds.representation"),
    ("granted_documents", "decision.kinds.documents"),
    ("refusal_ground", "decision.ground"),
];

const AUDIT_COLUMNS: &[(&str, &str)] = &[
    ("at", "at"),
    ("device_id", "device_id"),
    ("worker", "worker"),
    ("slot_id", "slot_id"),
    ("action", "action"),
    ("subject", "subject"),
    ("count", "count"),
];

/// A kiosk's ticket: nothing readable in it is personal; `visitor` is the sealed name and phone (age, base64).
const TICKET_COLUMNS: &[(&str, &str)] = &[
    ("day", "day"),
    ("number", "number"),
    ("issued_at", "issued_at"),
    ("area", "area"),
    ("needs", "needs"),
    ("returning", "returning"),
    ("state", "state.is"),
    ("desk", "state.desk"),
    ("called_at", "state.called_at"),
    ("state_at", "state.at"),
    ("visitor_sealed", "visitor"),
];

/// Anonymous feedback: one column per question (1–5, empty when skipped); the comment sealed.
const FEEDBACK_COLUMNS: &[(&str, &str)] = &[
    ("day", "day"),
    ("clear", "answers.clear"),
    ("polite", "answers.polite"),
    ("wait", "answers.wait"),
    ("resolved", "answers.resolved"),
    ("recommend", "answers.recommend"),
    ("comment_sealed", "comment"),
];

fn columns(kind: RecordType) -> &'static [(&'static str, &'static str)] {
    match kind {
        RecordType::Client => CLIENT_COLUMNS,
        RecordType::Appeal => APPEAL_COLUMNS,
        RecordType::Checklist => CHECKLIST_COLUMNS,
        RecordType::Audit => AUDIT_COLUMNS,
        RecordType::Ticket => TICKET_COLUMNS,
        RecordType::Feedback => FEEDBACK_COLUMNS,
    }
}

/// The value at a dotted path; in a list of `[key, value]` pairs (feedback answers), a key names its pair's value.
fn at<'a>(data: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(data, |v, key| match v {
        Value::Array(pairs) => pairs.iter().find(|p| p.get(0).and_then(Value::as_str) == Some(key)).and_then(|p| p.get(1)),
        _ => v.get(key),
    })
}

fn cell_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items.iter().map(|i| cell_text(Some(i))).collect::<Vec<_>>().join("; "),
        // Written as JSON writes them, without going through the formatter (a tenth of making a batch on the host).
        Some(Value::Bool(b)) => if *b { "true" } else { "false" }.to_owned(),
        Some(Value::Number(n)) if n.is_u64() || n.is_i64() => n.to_string(),
        Some(other) => other.to_string(),
    }
}

/// One CSV cell: a text that a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage
/// return) gets a leading apostrophe; a cell with a comma, quote or line break is quoted, quotes doubled.
pub fn csv_cell(text: &str) -> String {
    let neutral = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    // Byte by byte: these are ASCII, never part of another character in UTF-8 (a search for characters decoded
    // every Cyrillic letter of every cell).
    if neutral.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// The CSV tables of a batch (file name, text): UTF-8 with a byte-order mark so spreadsheets show Cyrillic, CRLF
/// line ends, one table per record type, each row led by the batch id, record id and revision. The kiosk's tables
/// (tickets, feedback) only when the batch carries such records, so a staff tablet's batches keep their four tables.
pub fn csv_tables(file: &BatchFile) -> Vec<(String, String)> {
    let batch = &file.manifest.batch_id;
    RecordType::ALL
        .into_iter()
        .filter(|kind| {
            RecordType::RECORDS.contains(kind) || *kind == RecordType::Audit || file.records.iter().any(|r| r.kind == *kind)
        })
        .map(|kind| {
            let rows = file.records.iter().filter(|r| r.kind == kind).map(|r| CsvRow {
                batch_id: batch,
                id: &r.id,
                rev: r.rev,
                updated_at: &r.updated_at,
                data: r.data.tree().unwrap_or(Value::Null),
            });
            (format!("pryiom-{}-{}s.csv", short(batch), kind.code()), csv_table(kind, rows))
        })
        .collect()
}

/// One record for a CSV table: the batch it came in, and its data as a tree.
pub struct CsvRow<'a> {
    pub batch_id: &'a str,
    pub id: &'a str,
    pub rev: u64,
    pub updated_at: &'a str,
    pub data: Value,
}

/// The CSV table of records of one type (the same columns and safe cells whoever makes it: a batch's tables here, the
/// centre's merged data on its server).
pub fn csv_table<'a>(kind: RecordType, rows: impl IntoIterator<Item = CsvRow<'a>>) -> String {
    let mut out = String::new();
    csv_head(kind, &mut out);
    for r in rows {
        csv_row(kind, &r, &mut out);
    }
    out
}

/// The start of a CSV table of `kind` (byte-order mark and header line), added to `out`.
pub(crate) fn csv_head(kind: RecordType, out: &mut String) {
    let cols = columns(kind);
    out.push('\u{feff}');
    let header: Vec<&str> = ["batch_id", "id", "rev", "updated_at"].into_iter().chain(cols.iter().map(|c| c.0)).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
}

/// One row of a CSV table of `kind`, with its line end, added to `out`.
pub(crate) fn csv_row(kind: RecordType, r: &CsvRow, out: &mut String) {
    let cols = columns(kind);
    let mut cells = vec![csv_cell(r.batch_id), csv_cell(r.id), r.rev.to_string(), csv_cell(r.updated_at)];
    cells.extend(cols.iter().map(|(_, path)| csv_cell(&cell_text(at(&r.data, path)))));
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}
