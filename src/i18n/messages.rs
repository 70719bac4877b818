//! What each domain value or problem says to the user: enums and errors mapped to text of the current language.

use super::{Lang, Strings};
use crate::domain::appeal::{AidKind, AppealProblem, Channel};
use crate::domain::client::{CardProblem, CardWarning};
use crate::domain::device::NameProblem;
use crate::domain::referral::DirectoryProblem;
use crate::domain::search::Likeness;
use crate::domain::validate::{DateProblem, TaxProblem};
use crate::storage::StoreError;

/// What to tell the user about a storage error.
pub fn store_error(lang: Lang, e: &StoreError) -> String {
    let s = lang.strings();
    match e {
        StoreError::Unavailable { .. } => s.err_unavailable.to_owned(),
        StoreError::QuotaExceeded => s.err_quota.to_owned(),
        StoreError::UpgradeBlocked => s.err_blocked.to_owned(),
        StoreError::VersionTooNew => s.err_version_too_new.to_owned(),
        StoreError::Locked => s.err_locked.to_owned(),
        StoreError::Decode { .. } => s.err_decode.to_owned(),
        StoreError::AlreadyExists { .. } => s.err_exists.to_owned(),
        StoreError::Conflict { .. } => s.err_conflict.to_owned(),
        StoreError::Other { detail } => (s.err_other)(detail),
    }
}

pub fn name_problem(lang: Lang, p: NameProblem) -> String {
    let s = lang.strings();
    match p {
        NameProblem::Empty => s.settings.name_empty.to_owned(),
        NameProblem::TooLong => (s.settings.name_too_long)(crate::domain::device::MAX_NAME_CHARS),
        NameProblem::ControlCharacters => s.settings.name_control.to_owned(),
    }
}

pub fn channel(lang: Lang, c: Channel) -> &'static str {
    let s = lang.strings();
    match c {
        Channel::Outreach => s.intake.channel_outreach,
        Channel::Office => s.intake.channel_office,
        Channel::Phone => s.intake.channel_phone,
        Channel::Email => s.intake.channel_email,
        Channel::Kiosk => s.intake.channel_kiosk,
    }
}

/// The name of a kind of aid, as a text function (for radio buttons that follow the language).
pub fn aid_text(k: AidKind) -> fn(&Strings) -> &'static str {
    match k {
        AidKind::LegalInformation => |s| s.intake.aid_legal_information,
        AidKind::Consultation => |s| s.intake.aid_consultation,
        AidKind::DraftingDocuments => |s| s.intake.aid_drafting,
        AidKind::AccessToSecondary => |s| s.intake.aid_access_secondary,
        AidKind::Referral => |s| s.intake.aid_referral,
        AidKind::NotLegalAid => |s| s.intake.aid_not_legal,
    }
}

pub fn card_problem(lang: Lang, p: CardProblem) -> String {
    let s = lang.strings();
    match p {
        CardProblem::Required => s.intake.p_required,
        CardProblem::TooLong => s.intake.p_too_long,
        CardProblem::Date(DateProblem::Invalid) => s.intake.p_date_invalid,
        CardProblem::Date(DateProblem::InFuture) => s.intake.p_date_future,
        CardProblem::Date(DateProblem::TooOld) => s.intake.p_date_old,
        CardProblem::Phone => s.intake.p_phone,
        CardProblem::Email => s.intake.p_email,
        CardProblem::Tax(TaxProblem::Length) => s.intake.p_tax_length,
        CardProblem::Tax(TaxProblem::CheckDigit) => s.intake.p_tax_check,
        CardProblem::AddressOrNone => s.intake.p_address_or_none,
        CardProblem::DocumentOrNone => s.intake.p_document_or_none,
        CardProblem::NoDocumentsReason => s.intake.p_no_documents_reason,
        CardProblem::TaxOrRefusal => s.intake.p_tax_or_refusal,
        CardProblem::NotAChild => s.intake.p_not_a_child,
    }
    .to_owned()
}

pub fn card_warning(lang: Lang, w: CardWarning) -> &'static str {
    match w {
        CardWarning::TaxNumberBirthDateDiffers => lang.strings().intake.w_tax_birth,
        CardWarning::ChildDocument => lang.strings().intake.w_child_document,
    }
}

pub fn appeal_problem(lang: Lang, p: AppealProblem) -> String {
    let s = lang.strings();
    match p {
        AppealProblem::Required => s.intake.p_required,
        AppealProblem::InvalidDate => s.intake.p_date_invalid,
        AppealProblem::InvalidDateTime => s.intake.p_datetime_invalid,
        AppealProblem::UnknownOrganisation => s.intake.p_unknown_org,
    }
    .to_owned()
}

pub fn likeness(lang: Lang, l: Likeness) -> &'static str {
    let s = lang.strings();
    match l {
        Likeness::SameTaxNumber => s.intake.like_tax,
        Likeness::SameNameAndBirthDate => s.intake.like_name_birth,
        Likeness::SamePhoneAndSurname => s.intake.like_phone,
    }
}

pub fn directory_problem(lang: Lang, p: &DirectoryProblem) -> String {
    let s = lang.strings();
    match p {
        DirectoryProblem::NotADirectory { line, column } => (s.directory.dir_not_json)(*line, *column),
        DirectoryProblem::WrongFormat => s.directory.dir_wrong_format.to_owned(),
        DirectoryProblem::NewerVersion(v) => (s.directory.dir_newer)(*v),
        DirectoryProblem::MissingField { index, field } => (s.directory.dir_missing)(*index, field),
        DirectoryProblem::HiddenControl { index, field } => (s.directory.dir_hidden_control)(*index, field),
        DirectoryProblem::DuplicateId { index } => (s.directory.dir_duplicate_id)(*index),
        DirectoryProblem::TextTooLong { index, field, limit_chars } => {
            (s.directory.dir_text_too_long)(*index, field, *limit_chars)
        }
        DirectoryProblem::TooLarge { limit_bytes } => (s.file_too_large)(&megabytes(lang, *limit_bytes)),
    }
}

/// A text of the rules file in `lang`.
pub fn local(lang: Lang, t: &crate::domain::eligibility::Text) -> &str {
    match lang {
        Lang::Uk => &t.uk,
        Lang::En => &t.en,
    }
}

/// Where a category stands in Art. 14: "п. 14 ч. 1", "ч. 2".
pub fn category_ref(lang: Lang, id: &str) -> String {
    let s = lang.strings();
    match id {
        "p2" => s.eligibility.cat_part2.to_owned(),
        "p3" => s.eligibility.cat_part3.to_owned(),
        item => (s.eligibility.cat_item)(item),
    }
}

/// The kinds of БВПД, as a list: "захист, представництво, складення процесуальних документів".
pub fn kinds(lang: Lang, k: crate::domain::eligibility::Kinds) -> String {
    let s = lang.strings();
    let list: Vec<&str> = [
        (k.defence, s.eligibility.kind_defence),
        (k.representation, s.eligibility.kind_representation),
        (k.documents, s.eligibility.kind_documents),
    ]
    .into_iter()
    .filter_map(|(on, t)| on.then_some(t))
    .collect();
    if list.is_empty() {
        s.eligibility.kinds_through_other.to_owned()
    } else {
        list.join(", ")
    }
}

pub fn need(lang: Lang, n: crate::domain::eligibility::Need) -> &'static str {
    use crate::domain::eligibility::Need;
    let s = lang.strings();
    match n {
        Need::Required => s.eligibility.need_required,
        Need::Alternative => s.eligibility.need_alternative,
        Need::Optional => s.eligibility.need_optional,
    }
}

pub fn money_problem(lang: Lang, p: crate::domain::checklist::MoneyProblem) -> String {
    use crate::domain::checklist::MoneyProblem;
    let s = lang.strings();
    match p {
        MoneyProblem::NotANumber => s.eligibility.money_not_number,
        MoneyProblem::Negative => s.eligibility.money_negative,
        MoneyProblem::TooManyDecimals => s.eligibility.money_decimals,
        MoneyProblem::TooLarge => s.eligibility.money_too_large,
    }
    .to_owned()
}

pub fn decision_problem(lang: Lang, p: crate::domain::checklist::DecisionProblem) -> String {
    use crate::domain::checklist::DecisionProblem;
    let s = lang.strings();
    match p {
        DecisionProblem::NoKinds => s.eligibility.decision_no_kinds,
        DecisionProblem::NoGround => s.eligibility.decision_no_ground,
        DecisionProblem::BadDate => s.intake.p_date_invalid,
    }
    .to_owned()
}

/// Why a category does not apply; `title` names a category by its id.
pub fn not_applying(lang: Lang, r: &crate::domain::eligibility::NotApplying, title: &dyn Fn(&str) -> String) -> String {
    use crate::domain::eligibility::NotApplying as N;
    let s = lang.strings();
    match r {
        N::UnknownCategory(id) => (s.eligibility.reason_unknown)(id),
        N::IncomeTooHigh(id) => (s.eligibility.reason_income_high)(&title(id)),
        N::IncomeNotGiven(id) => (s.eligibility.reason_income_missing)(&title(id)),
        N::NotAChild(id) => (s.eligibility.reason_not_child)(&title(id)),
        N::CapReached(id) => (s.eligibility.reason_cap)(&title(id)),
        N::NeedsAnotherCategory(id) => (s.eligibility.reason_needs_other)(&title(id)),
    }
}

pub fn rules_problem(lang: Lang, p: &crate::domain::eligibility::RulesProblem) -> String {
    use crate::domain::eligibility::RulesProblem as R;
    let s = lang.strings();
    match p {
        R::TooLarge { limit_bytes } => (s.file_too_large)(&megabytes(lang, *limit_bytes)),
        R::NotRules { line, column } => (s.settings.rules_not_json)(*line, *column),
        R::WrongFormat => s.settings.rules_wrong_format.to_owned(),
        R::NotNewer { in_use, offered } => {
            let shown = |d: &str| crate::domain::date::Date::parse_iso(d).map(|d| d.dotted()).unwrap_or_default();
            (s.settings.rules_not_newer)(&shown(&in_use.0), in_use.1, &shown(&offered.0), offered.1)
        }
        R::BadSerial => s.settings.rules_bad_serial.to_owned(),
        R::BadEffective => s.settings.rules_bad_effective.to_owned(),
        R::Unsigned => s.settings.rules_unsigned.to_owned(),
        R::SignatureInvalid => s.settings.rules_signature.to_owned(),
        R::NoCategories => s.settings.rules_no_categories.to_owned(),
        R::DuplicateCategory(id) => (s.settings.rules_duplicate)(id),
        R::BadMinimum(row) => (s.settings.rules_bad_minimum)(*row),
    }
}

/// The language of a paper for a person: English for an English speaker, else Ukrainian.
pub fn lang_of_person(language: &crate::domain::client::PersonLanguage) -> Lang {
    match language {
        crate::domain::client::PersonLanguage::English => Lang::En,
        _ => Lang::Uk,
    }
}

/// A person's language, named in the interface's language.
pub fn person_language(lang: Lang, language: &crate::domain::client::PersonLanguage) -> String {
    use crate::domain::client::PersonLanguage as L;
    let s = &lang.strings().intake;
    match language {
        L::Ukrainian => s.lang_uk.to_owned(),
        L::English => s.lang_en.to_owned(),
        L::Russian => s.lang_ru.to_owned(),
        L::CrimeanTatar => s.lang_crh.to_owned(),
        L::Sign => s.lang_sign.to_owned(),
        L::Other(text) => text.clone(),
    }
}

/// The text of a language choice's code (see `PersonLanguage::CODES`).
pub fn person_language_choice(lang: Lang, code: &str) -> String {
    use crate::domain::client::PersonLanguage;
    match code {
        "other" => lang.strings().intake.lang_other.to_owned(),
        c => person_language(lang, &PersonLanguage::from_code(c)),
    }
}

/// What an import did, in sentences: the counts, then what it kept as this device had it or carried out here.
pub fn import_summary(lang: Lang, sum: &crate::domain::batch::ImportSummary) -> String {
    let s = lang.strings();
    let cards = |n: usize| super::count(lang, n as u64, &s.intake.found_cards);
    let records = |n: usize| super::count(lang, n as u64, &s.audit.records);
    let mut out = (s.export.import_done)(sum.added, sum.updated, sum.unchanged, sum.ignored);
    let more = [
        (sum.kept_withdrawn, s.export.import_kept_withdrawn, cards(sum.kept_withdrawn)),
        (sum.kept_merged, s.export.import_kept_merged, cards(sum.kept_merged)),
        (sum.moved, s.export.import_moved, records(sum.moved)),
        (sum.withdrawn, s.export.import_withdrawn, cards(sum.withdrawn)),
        (sum.kept_checklist, s.export.import_kept_checklist, records(sum.kept_checklist)),
    ];
    for (n, text, counted) in more {
        if n > 0 {
            out.push(' ');
            out.push_str(&text(&counted));
        }
    }
    out
}

pub fn batch_problem(lang: Lang, p: &crate::domain::batch::BatchProblem) -> String {
    use crate::domain::batch::BatchProblem as B;
    let s = lang.strings();
    let text = match p {
        B::NotJson { line, column } => (s.export.batch_not_json)(*line, *column),
        B::Truncated => s.export.batch_truncated.to_owned(),
        B::WrongFormat { issue } => (s.export.batch_wrong_format)(&data_issue(lang, issue)),
        B::UnsupportedVersion(v) if *v > crate::domain::batch::BATCH_VERSION => (s.export.batch_version)(*v),
        B::UnsupportedVersion(v) => (s.export.batch_version_unknown)(*v),
        B::RecordChecksum { index, id } => (s.export.batch_record_checksum)(*index, id),
        B::RecordInvalid { index, id, issue } => (s.export.batch_record_invalid)(*index, id, &data_issue(lang, issue)),
        B::HiddenControl { index, id, field } => (s.export.batch_hidden_control)(*index, id, field),
        // Says itself that nothing changed.
        B::FileTooLarge { limit_bytes } => return (s.file_too_large)(&megabytes(lang, *limit_bytes)),
        B::RecordTooLarge { index, id, limit_bytes } => {
            (s.export.batch_record_too_large)(*index, id, &kilobytes(lang, *limit_bytes))
        }
        B::TextTooLong { index, id, field, limit_chars } => {
            (s.export.batch_text_too_long)(*index, id, field, *limit_chars)
        }
        B::RecordIdInvalid { index } => (s.export.batch_record_id)(*index),
        B::ManifestHiddenControl { field } => (s.export.batch_manifest_hidden_control)(field),
        B::DuplicateRecord { index, id } => (s.export.batch_duplicate)(*index, id),
        B::Conflict { index, id } => (s.export.batch_conflict)(*index, id),
        B::PayloadChecksum => s.export.batch_payload.to_owned(),
        B::CountsMismatch => s.export.batch_counts.to_owned(),
        B::SignatureInvalid => s.export.batch_signature.to_owned(),
    };
    format!("{text} {}", s.nothing_changed)
}

/// "64 МБ" / "64 MB": a limit in whole mebibytes.
pub fn megabytes(lang: Lang, bytes: usize) -> String {
    format!("{} {}", bytes >> 20, if lang == Lang::Uk { "МБ" } else { "MB" })
}

/// "256 КБ" / "256 KB": a limit in whole kibibytes.
pub fn kilobytes(lang: Lang, bytes: usize) -> String {
    format!("{} {}", bytes >> 10, if lang == Lang::Uk { "КБ" } else { "KB" })
}

/// What is wrong with some data from a file, in the worker's language, naming the field and never the value.
pub fn data_issue(lang: Lang, issue: &crate::domain::batch::DataIssue) -> String {
    use crate::domain::batch::DataIssue as D;
    let s = &lang.strings().export;
    match issue {
        D::Missing { field } => (s.issue_missing)(field),
        D::Unknown { field } => (s.issue_unknown)(field),
        D::Duplicate { field } => (s.issue_duplicate)(field),
        D::Invalid { field } if field.is_empty() => s.issue_invalid_data.to_owned(),
        D::Invalid { field } => (s.issue_invalid)(field),
        D::IdMismatch => s.issue_id_mismatch.to_owned(),
    }
}

/// The label of a card field in a correction ([`crate::domain::client::CARD_FIELDS`]).
pub fn card_field_label(lang: Lang, field: &str) -> &'static str {
    let s = &lang.strings().intake;
    match field {
        "surname" => s.surname,
        "given_name" => s.given_name,
        "patronymic" => s.patronymic,
        "birth_date" => s.birth_date,
        "sex" => s.sex,
        "phones" => s.phones,
        "email" => s.email,
        "address" => s.address,
        "no_fixed_address" => s.no_fixed_address,
        "registration_address" => s.registration_address,
        "document_kind" => s.document_kind,
        "document_series" => s.document_series,
        "document_number" => s.document_number,
        "no_documents" => s.no_documents,
        "no_documents_reason" => s.no_documents_reason,
        "tax_number" => s.tax_number,
        "no_tax_number" => s.no_tax,
        "language" => s.language,
        "needs.cannot_read_write" => s.need_read_write,
        "needs.hearing" => s.need_hearing,
        "needs.vision" => s.need_vision,
        "needs.mobility" => s.need_mobility,
        "representative_id" => s.representative,
        // An appeal's fields.
        "account" => s.account,
        "aid" => s.aid_legend,
        "referral" => s.referral_title,
        "outcome" => s.outcome,
        "follow_up" => s.follow_up,
        "follow_up_done" => lang.strings().client.follow_up_done,
        _ => "",
    }
}

/// A value of a card field as a person reads it: dates дд.мм.рррр, yes/no, the texts of choices.
pub fn card_field_value(lang: Lang, field: &str, value: &str) -> String {
    let s = lang.strings();
    let choice = |list: &[(&str, &'static str)]| {
        list.iter()
            .find(|(code, _)| *code == value)
            .map(|(_, text)| (*text).to_owned())
            .unwrap_or_else(|| value.to_owned())
    };
    match field {
        _ if value.is_empty() => "—".to_owned(),
        "birth_date" | "follow_up" => {
            crate::domain::date::Date::parse_iso(value).map(|d| d.dotted()).unwrap_or_else(|| value.to_owned())
        }
        "follow_up_done" => crate::domain::date::human_datetime(value.get(0..16).unwrap_or(value)),
        "aid" => crate::domain::appeal::AidKind::from_code(value)
            .map(|k| aid_text(k)(s).to_owned())
            .unwrap_or_else(|| value.to_owned()),
        "sex" => match value {
            "female" => s.intake.sex_female.to_owned(),
            "male" => s.intake.sex_male.to_owned(),
            other => other.to_owned(),
        },
        "no_fixed_address"
        | "no_documents"
        | "needs.cannot_read_write"
        | "needs.hearing"
        | "needs.vision"
        | "needs.mobility" => if value == "true" { s.client.yes } else { s.client.no }.to_owned(),
        "document_kind" => choice(s.intake.document_kinds),
        "no_documents_reason" => choice(&s.intake.no_documents_reasons),
        "no_tax_number" => choice(&s.intake.no_tax_reasons),
        "language" if crate::domain::client::PersonLanguage::CODES.contains(&value) => {
            person_language_choice(lang, value)
        }
        _ => value.to_owned(),
    }
}

/// Why a kiosk visitor needs help first, as the visitor chose it.
pub fn needs_help(s: &'static Strings, n: crate::domain::kiosk::NeedsHelp) -> &'static str {
    use crate::domain::kiosk::NeedsHelp;
    match n {
        NeedsHelp::ReadingWriting => s.kiosk.need_reading,
        NeedsHelp::Hearing => s.kiosk.need_hearing,
        NeedsHelp::Vision => s.kiosk.need_vision,
        NeedsHelp::Mobility => s.kiosk.need_mobility,
        NeedsHelp::SmallChildren => s.kiosk.need_children,
        NeedsHelp::Elderly => s.kiosk.need_elderly,
        NeedsHelp::CourtSoon => s.kiosk.need_court,
    }
}

/// A feedback question as the visitor reads it, and its short name as a column of the staff's results.
pub fn feedback_question(s: &'static Strings, q: crate::domain::kiosk::Question) -> (&'static str, &'static str) {
    use crate::domain::kiosk::Question;
    let k = &s.kiosk;
    match q {
        Question::Clear => (k.fb_clear, k.results_h_clear),
        Question::Polite => (k.fb_polite, k.results_h_polite),
        Question::Wait => (k.fb_wait, k.results_h_wait),
        Question::Resolved => (k.fb_resolved, k.results_h_resolved),
        Question::Recommend => (k.fb_recommend, k.results_h_recommend),
    }
}

/// The words of an answer on the five-face scale (1 … 5).
pub fn feedback_answer(s: &'static Strings, v: u8) -> &'static str {
    let k = &s.kiosk;
    [k.fb_1, k.fb_2, k.fb_3, k.fb_4, k.fb_5][usize::from(v.clamp(1, 5) - 1)]
}

/// An average in tenths as people read it: 43 → "4,3" / "4.3".
pub fn tenths(s: &'static Strings, t: u32) -> String {
    format!("{}{}{}", t / 10, s.decimal_separator, t % 10)
}

/// What each kiosk screen's "Listen" says, per clip: the question and its fixed answers. A local voice reads this
/// text (with what the centre typed, such as its question areas); otherwise the clip recorded from it plays
/// (`public/voice/<lang>/<clip>.ogg`, made by `./pryiom voices` from `public/voice/clips.tsv`, which a test keeps
/// equal to this).
pub fn kiosk_voice(lang: Lang) -> Vec<(&'static str, String)> {
    use crate::domain::kiosk::{NeedsHelp, Question};
    let s = lang.strings();
    let k = &s.kiosk;
    // Each part a sentence of its own (a question keeps its question mark, so a voice asks it).
    let join = |parts: &[&str]| {
        parts
            .iter()
            .map(|p| if p.ends_with(['.', '?', '!']) { (*p).to_owned() } else { format!("{}.", p.trim_end_matches(':')) })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let scale: Vec<&str> = (1..=5).map(|v| feedback_answer(s, v)).collect();
    let mut out = vec![
        ("welcome", join(&[k.welcome, k.welcome_hint, k.get_ticket, k.leave_feedback])),
        ("area", join(&[k.area_q, k.area_other])),
        ("help", {
            let mut p = vec![k.help_q, k.help_hint];
            p.extend(NeedsHelp::ALL.iter().map(|n| needs_help(s, *n)));
            join(&p)
        }),
        ("contact", join(&[k.contact_q, k.contact_hint])),
        ("before", join(&[k.before_q, k.yes, k.no, k.skip])),
        ("ticket", join(&[k.ticket_title, k.ticket_watch, k.ready_title, k.ready_papers])),
    ];
    for q in Question::ALL {
        let mut p = vec![feedback_question(s, q).0];
        p.extend(&scale);
        out.push((question_clip(q), join(&p)));
    }
    out.push(("comment", join(&[k.fb_comment_q, k.fb_comment_hint])));
    out.push(("thanks", join(&[k.fb_thanks, k.fb_thanks_hint])));
    out.push(("still-here", join(&[k.still_here, k.still_here_yes])));
    out
}

/// The clip of a feedback question.
pub fn question_clip(q: crate::domain::kiosk::Question) -> &'static str {
    use crate::domain::kiosk::Question;
    match q {
        Question::Clear => "q-clear",
        Question::Polite => "q-polite",
        Question::Wait => "q-wait",
        Question::Resolved => "q-resolved",
        Question::Recommend => "q-recommend",
    }
}
