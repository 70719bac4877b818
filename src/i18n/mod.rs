//! Every string the user sees, per language: `uk.rs` (default) and `en.rs`. Plain Rust, checked by the compiler:
//! a string missing from one language does not build.

mod en;
mod uk;

use serde::{Deserialize, Serialize};

use crate::domain::device::NameProblem;
use crate::storage::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Uk,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Uk, Lang::En];

    /// BCP 47 code, for `<html lang>` and the saved preference.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Uk => "uk",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::Uk => &uk::STRINGS,
            Lang::En => &en::STRINGS,
        }
    }
}

/// The forms of a counted noun. Ukrainian needs three (1 клієнт, 2 клієнти, 5 клієнтів); English uses `one` and
/// `many`, with `few` equal to `many`.
#[derive(Debug, Clone, Copy)]
pub struct Plural {
    pub one: &'static str,
    pub few: &'static str,
    pub many: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluralCategory {
    One,
    Few,
    Many,
}

/// CLDR plural rules for whole numbers.
pub fn plural_category(lang: Lang, n: u64) -> PluralCategory {
    match lang {
        Lang::Uk => {
            let (d, h) = (n % 10, n % 100);
            if d == 1 && h != 11 {
                PluralCategory::One
            } else if (2..=4).contains(&d) && !(12..=14).contains(&h) {
                PluralCategory::Few
            } else {
                PluralCategory::Many
            }
        }
        Lang::En => {
            if n == 1 {
                PluralCategory::One
            } else {
                PluralCategory::Many
            }
        }
    }
}

/// "5 клієнтів", "1 client".
pub fn count(lang: Lang, n: u64, forms: &Plural) -> String {
    let word = match plural_category(lang, n) {
        PluralCategory::One => forms.one,
        PluralCategory::Few => forms.few,
        PluralCategory::Many => forms.many,
    };
    format!("{n} {word}")
}

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

/// What to tell the user about a storage error.
pub fn store_error(lang: Lang, e: &StoreError) -> String {
    let s = lang.strings();
    match e {
        StoreError::Unavailable { .. } => s.err_unavailable.to_owned(),
        StoreError::QuotaExceeded => s.err_quota.to_owned(),
        StoreError::UpgradeBlocked => s.err_blocked.to_owned(),
        StoreError::VersionTooNew => s.err_version_too_new.to_owned(),
        StoreError::Decode { .. } => s.err_decode.to_owned(),
        StoreError::AlreadyExists { .. } => s.err_exists.to_owned(),
        StoreError::Other { detail } => (s.err_other)(detail),
    }
}

pub fn name_problem(lang: Lang, p: NameProblem) -> String {
    let s = lang.strings();
    match p {
        NameProblem::Empty => s.name_empty.to_owned(),
        NameProblem::TooLong => (s.name_too_long)(crate::domain::device::MAX_NAME_CHARS),
        NameProblem::ControlCharacters => s.name_control.to_owned(),
    }
}

use crate::domain::appeal::{AidKind, AppealProblem, Channel};
use crate::domain::client::{CardProblem, CardWarning};
use crate::domain::referral::DirectoryProblem;
use crate::domain::search::Likeness;
use crate::domain::validate::{DateProblem, TaxProblem};

pub fn channel(lang: Lang, c: Channel) -> &'static str {
    let s = lang.strings();
    match c {
        Channel::Outreach => s.channel_outreach,
        Channel::Office => s.channel_office,
        Channel::Phone => s.channel_phone,
        Channel::Email => s.channel_email,
        Channel::Kiosk => s.channel_kiosk,
    }
}

/// The name of a kind of aid, as a text function (for radio buttons that follow the language).
pub fn aid_text(k: AidKind) -> fn(&Strings) -> &'static str {
    match k {
        AidKind::LegalInformation => |s| s.aid_legal_information,
        AidKind::Consultation => |s| s.aid_consultation,
        AidKind::DraftingDocuments => |s| s.aid_drafting,
        AidKind::AccessToSecondary => |s| s.aid_access_secondary,
        AidKind::Referral => |s| s.aid_referral,
        AidKind::NotLegalAid => |s| s.aid_not_legal,
    }
}

pub fn card_problem(lang: Lang, p: CardProblem) -> String {
    let s = lang.strings();
    match p {
        CardProblem::Required => s.p_required,
        CardProblem::TooLong => s.p_too_long,
        CardProblem::Date(DateProblem::Invalid) => s.p_date_invalid,
        CardProblem::Date(DateProblem::InFuture) => s.p_date_future,
        CardProblem::Date(DateProblem::TooOld) => s.p_date_old,
        CardProblem::Phone => s.p_phone,
        CardProblem::Email => s.p_email,
        CardProblem::Tax(TaxProblem::Length) => s.p_tax_length,
        CardProblem::Tax(TaxProblem::CheckDigit) => s.p_tax_check,
        CardProblem::AddressOrNone => s.p_address_or_none,
        CardProblem::DocumentOrNone => s.p_document_or_none,
        CardProblem::TaxOrRefusal => s.p_tax_or_refusal,
    }
    .to_owned()
}

pub fn card_warning(lang: Lang, w: CardWarning) -> &'static str {
    match w {
        CardWarning::TaxNumberBirthDateDiffers => lang.strings().w_tax_birth,
    }
}

pub fn appeal_problem(lang: Lang, p: AppealProblem) -> String {
    let s = lang.strings();
    match p {
        AppealProblem::Required => s.p_required,
        AppealProblem::InvalidDate => s.p_date_invalid,
        AppealProblem::UnknownOrganisation => s.p_unknown_org,
    }
    .to_owned()
}

pub fn likeness(lang: Lang, l: Likeness) -> &'static str {
    let s = lang.strings();
    match l {
        Likeness::SameTaxNumber => s.like_tax,
        Likeness::SameNameAndBirthDate => s.like_name_birth,
        Likeness::SamePhoneAndSurname => s.like_phone,
    }
}

pub fn directory_problem(lang: Lang, p: &DirectoryProblem) -> String {
    let s = lang.strings();
    match p {
        DirectoryProblem::NotADirectory { line, column } => (s.dir_not_json)(*line, *column),
        DirectoryProblem::WrongFormat => s.dir_wrong_format.to_owned(),
        DirectoryProblem::NewerVersion(v) => (s.dir_newer)(*v),
        DirectoryProblem::MissingField { index, field } => (s.dir_missing)(*index, field),
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
        "p2" => s.cat_part2.to_owned(),
        "p3" => s.cat_part3.to_owned(),
        item => (s.cat_item)(item),
    }
}

/// The kinds of БВПД, as a list: "захист, представництво, складення процесуальних документів".
pub fn kinds(lang: Lang, k: crate::domain::eligibility::Kinds) -> String {
    let s = lang.strings();
    let list: Vec<&str> =
        [(k.defence, s.kind_defence), (k.representation, s.kind_representation), (k.documents, s.kind_documents)]
            .into_iter()
            .filter_map(|(on, t)| on.then_some(t))
            .collect();
    if list.is_empty() {
        s.kinds_through_other.to_owned()
    } else {
        list.join(", ")
    }
}

pub fn need(lang: Lang, n: crate::domain::eligibility::Need) -> &'static str {
    use crate::domain::eligibility::Need;
    let s = lang.strings();
    match n {
        Need::Required => s.need_required,
        Need::Alternative => s.need_alternative,
        Need::Optional => s.need_optional,
    }
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

pub fn money_problem(lang: Lang, p: crate::domain::checklist::MoneyProblem) -> String {
    use crate::domain::checklist::MoneyProblem;
    let s = lang.strings();
    match p {
        MoneyProblem::NotANumber => s.money_not_number,
        MoneyProblem::Negative => s.money_negative,
        MoneyProblem::TooManyDecimals => s.money_decimals,
        MoneyProblem::TooLarge => s.money_too_large,
    }
    .to_owned()
}

pub fn decision_problem(lang: Lang, p: crate::domain::checklist::DecisionProblem) -> String {
    use crate::domain::checklist::DecisionProblem;
    let s = lang.strings();
    match p {
        DecisionProblem::NoKinds => s.decision_no_kinds,
        DecisionProblem::NoGround => s.decision_no_ground,
        DecisionProblem::BadDate => s.p_date_invalid,
    }
    .to_owned()
}

/// Why a category does not apply; `title` names a category by its id.
pub fn not_applying(lang: Lang, r: &crate::domain::eligibility::NotApplying, title: &dyn Fn(&str) -> String) -> String {
    use crate::domain::eligibility::NotApplying as N;
    let s = lang.strings();
    match r {
        N::UnknownCategory(id) => (s.reason_unknown)(id),
        N::IncomeTooHigh(id) => (s.reason_income_high)(&title(id)),
        N::IncomeNotGiven(id) => (s.reason_income_missing)(&title(id)),
        N::NotAChild(id) => (s.reason_not_child)(&title(id)),
        N::CapReached(id) => (s.reason_cap)(&title(id)),
        N::NeedsAnotherCategory(id) => (s.reason_needs_other)(&title(id)),
    }
}

pub fn rules_problem(lang: Lang, p: &crate::domain::eligibility::RulesProblem) -> String {
    use crate::domain::eligibility::RulesProblem as R;
    let s = lang.strings();
    match p {
        R::NotRules { line, column } => (s.rules_not_json)(*line, *column),
        R::WrongFormat => s.rules_wrong_format.to_owned(),
        R::NotNewer { in_use, offered } => (s.rules_not_newer)(*in_use, *offered),
        R::NoCategories => s.rules_no_categories.to_owned(),
        R::DuplicateCategory(id) => (s.rules_duplicate)(id),
        R::BadMinimum(row) => (s.rules_bad_minimum)(*row),
    }
}

/// The language of a paper for a person, from the language written on their card ("англійська", "English").
pub fn lang_of_person(card_language: &str) -> Lang {
    let l = card_language.trim().to_lowercase();
    if l.starts_with("англ") || l.starts_with("eng") || l == "en" {
        Lang::En
    } else {
        Lang::Uk
    }
}

pub fn batch_problem(lang: Lang, p: &crate::domain::batch::BatchProblem) -> String {
    use crate::domain::batch::BatchProblem as B;
    let s = lang.strings();
    let text = match p {
        B::NotJson { line, column } => (s.batch_not_json)(*line, *column),
        B::Truncated => s.batch_truncated.to_owned(),
        B::WrongFormat { detail } => (s.batch_wrong_format)(detail),
        B::UnsupportedVersion(v) => (s.batch_version)(*v),
        B::RecordChecksum { index, id } => (s.batch_record_checksum)(*index, id),
        B::RecordInvalid { index, id, detail } => (s.batch_record_invalid)(*index, id, detail),
        B::DuplicateRecord { index, id } => (s.batch_duplicate)(*index, id),
        B::PayloadChecksum => s.batch_payload.to_owned(),
        B::CountsMismatch => s.batch_counts.to_owned(),
    };
    format!("{text} {}", s.nothing_changed)
}

/// All user-facing text of one language.
pub struct Strings {
    pub lang_name: &'static str,
    pub decimal_separator: &'static str,
    pub unit_b: &'static str,
    pub unit_kb: &'static str,
    pub unit_mb: &'static str,
    pub unit_gb: &'static str,
    pub unit_tb: &'static str,

    pub app_name: &'static str,
    pub app_tagline: &'static str,
    pub skip_to_content: &'static str,
    pub loading: &'static str,

    pub nav_label: &'static str,
    pub nav_home: &'static str,
    pub nav_clients: &'static str,
    pub nav_intake: &'static str,
    pub nav_export: &'static str,
    pub nav_settings: &'static str,

    pub status_label: &'static str,
    pub status_online: &'static str,
    pub status_offline: &'static str,
    pub status_storage: fn(used: &str, free: &str) -> String,
    pub status_storage_unknown: &'static str,
    pub status_persist_on: &'static str,
    pub status_persist_off: &'static str,
    pub status_persist_unknown: &'static str,
    pub status_version: fn(version: &str, build: &str) -> String,

    pub update_available: &'static str,
    pub update_reload: &'static str,
    pub closed_for_upgrade: &'static str,
    pub probe_failed_title: &'static str,
    pub probe_failed_help: &'static str,

    pub err_unavailable: &'static str,
    pub err_quota: &'static str,
    pub err_blocked: &'static str,
    pub err_version_too_new: &'static str,
    pub err_decode: &'static str,
    pub err_exists: &'static str,
    pub err_other: fn(detail: &str) -> String,

    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub home_start_intake: &'static str,
    pub home_on_device: &'static str,
    pub home_clients: Plural,
    pub home_appeals: Plural,
    pub home_unnamed_device: &'static str,
    pub home_open_settings: &'static str,
    pub home_persist_off: &'static str,
    pub home_offline_ready: &'static str,

    pub clients_title: &'static str,
    pub intake_title: &'static str,
    pub export_title: &'static str,

    pub settings_title: &'static str,
    pub lang_legend: &'static str,
    pub device_section: &'static str,
    pub device_intro: &'static str,
    pub device_label: &'static str,
    pub device_label_hint: &'static str,
    pub worker_label: &'static str,
    pub worker_hint: &'static str,
    pub device_id_label: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub saved: &'static str,
    pub fix_fields: &'static str,
    pub name_empty: &'static str,
    pub name_too_long: fn(max: usize) -> String,
    pub name_control: &'static str,

    pub storage_section: &'static str,
    pub storage_used_of: fn(used: &str, quota: &str) -> String,
    pub storage_meter_label: &'static str,
    pub persist_on_explain: &'static str,
    pub persist_off_explain: &'static str,
    pub persist_ask: &'static str,
    pub persist_refused: &'static str,
    pub persist_unsupported: &'static str,

    pub about_section: &'static str,
    pub about_version: &'static str,
    pub about_build: &'static str,
    pub about_schema: &'static str,
    pub about_offline: &'static str,

    pub choose: &'static str,
    pub any: &'static str,
    pub back: &'static str,
    pub cancel: &'static str,
    pub edit: &'static str,
    pub remove: &'static str,
    pub show_more: &'static str,
    pub required_note: &'static str,

    pub steps_label: &'static str,
    pub step_search: &'static str,
    pub step_consent: &'static str,
    pub step_card: &'static str,
    pub step_appeal: &'static str,
    pub draft_found: &'static str,
    pub draft_saved_at: fn(time: &str) -> String,
    pub draft_continue: &'static str,
    pub draft_discard: &'static str,
    pub draft_saved: fn(time: &str) -> String,
    pub draft_not_saved: &'static str,

    pub search_title: &'static str,
    pub search_label: &'static str,
    pub search_hint: &'static str,
    pub search_nothing: &'static str,
    pub found_cards: Plural,
    pub register_new: &'static str,
    pub new_appeal_for: &'static str,
    pub open_card: &'static str,

    pub consent_title: &'static str,
    pub consent_read_aloud: &'static str,
    pub consent_text: &'static [&'static str],
    pub consent_version: fn(version: &str) -> String,
    pub consent_how: &'static str,
    pub consent_oral: &'static str,
    pub consent_written: &'static str,
    pub consent_choose: &'static str,
    pub consent_given: &'static str,

    pub card_title: &'static str,
    pub card_fix: &'static str,
    pub save_card: &'static str,
    pub group_person: &'static str,
    pub group_contacts: &'static str,
    pub group_address: &'static str,
    pub group_document: &'static str,
    pub group_needs: &'static str,
    pub surname: &'static str,
    pub given_name: &'static str,
    pub patronymic: &'static str,
    pub birth_date: &'static str,
    pub birth_date_hint: &'static str,
    pub sex: &'static str,
    pub sex_unspecified: &'static str,
    pub sex_female: &'static str,
    pub sex_male: &'static str,
    pub phones: &'static str,
    pub phones_hint: &'static str,
    pub email: &'static str,
    pub address: &'static str,
    pub no_fixed_address: &'static str,
    pub registration_address: &'static str,
    pub document_kind: &'static str,
    pub document_kinds: &'static [(&'static str, &'static str)],
    pub document_series: &'static str,
    pub document_number: &'static str,
    pub no_documents: &'static str,
    pub tax_number: &'static str,
    pub tax_number_hint: &'static str,
    pub tax_refused: &'static str,
    pub language: &'static str,
    pub need_read_write: &'static str,
    pub need_hearing: &'static str,
    pub need_vision: &'static str,
    pub need_mobility: &'static str,
    pub representative: &'static str,
    pub representative_hint: &'static str,
    pub representative_search: &'static str,
    pub representative_pick: &'static str,
    pub representative_remove: &'static str,
    pub similar_title: &'static str,
    pub similar_none: &'static str,
    pub duplicate_title: &'static str,
    pub duplicate_explain: &'static str,
    pub duplicate_save_anyway: &'static str,
    pub like_tax: &'static str,
    pub like_name_birth: &'static str,
    pub like_phone: &'static str,
    pub p_required: &'static str,
    pub p_too_long: &'static str,
    pub p_date_invalid: &'static str,
    pub p_date_future: &'static str,
    pub p_date_old: &'static str,
    pub p_phone: &'static str,
    pub p_email: &'static str,
    pub p_tax_length: &'static str,
    pub p_tax_check: &'static str,
    pub p_address_or_none: &'static str,
    pub p_document_or_none: &'static str,
    pub p_tax_or_refusal: &'static str,
    pub p_unknown_org: &'static str,
    pub w_tax_birth: &'static str,

    pub appeal_title: &'static str,
    pub save_appeal: &'static str,
    pub appeal_saved: &'static str,
    pub received_at: &'static str,
    pub channel: &'static str,
    pub channel_outreach: &'static str,
    pub channel_office: &'static str,
    pub channel_phone: &'static str,
    pub channel_email: &'static str,
    pub channel_kiosk: &'static str,
    pub location: &'static str,
    pub location_hint: &'static str,
    pub area: &'static str,
    pub account: &'static str,
    pub account_hint: &'static str,
    pub aid_legend: &'static str,
    pub aid_legal_information: &'static str,
    pub aid_consultation: &'static str,
    pub aid_drafting: &'static str,
    pub aid_access_secondary: &'static str,
    pub aid_referral: &'static str,
    pub aid_not_legal: &'static str,
    pub not_legal_aid_note: &'static str,
    pub referral_title: &'static str,
    pub referral_hint: &'static str,
    pub organisation: &'static str,
    pub referral_note: &'static str,
    pub outcome: &'static str,
    pub follow_up: &'static str,
    pub written_appeal: &'static str,
    pub deadline_text: fn(due: &str, max: &str) -> String,
    pub answer_by: fn(due: &str) -> String,

    pub client_not_found: &'static str,
    pub withdrawn_card: &'static str,
    pub new_appeal: &'static str,
    pub history_title: &'static str,
    pub history_none: &'static str,
    pub referred_to: &'static str,
    pub slip_open: &'static str,
    pub consent_section: &'static str,
    pub consent_given_label: &'static str,
    pub consent_withdrawn_on: fn(date: &str) -> String,
    pub withdraw: &'static str,
    pub withdraw_title: &'static str,
    pub withdraw_card: &'static str,
    pub withdraw_appeals: Plural,
    pub withdraw_drafts: Plural,
    pub withdraw_keeps: &'static str,
    pub withdraw_confirm: &'static str,

    pub filters: &'static str,
    pub date_from: &'static str,
    pub date_to: &'static str,
    pub export_state: &'static str,
    pub exported: &'static str,
    pub not_exported: &'static str,

    pub slip_title: &'static str,
    pub slip_not_found: &'static str,
    pub slip_for: &'static str,
    pub slip_go_to: &'static str,
    pub slip_issued: &'static str,
    pub slip_footer: &'static str,
    pub print_a4: &'static str,
    pub print_receipt: &'static str,

    pub directory_title: &'static str,
    pub directory_intro: &'static str,
    pub directory_open: &'static str,
    pub directory_empty: &'static str,
    pub directory_export: &'static str,
    pub directory_import: &'static str,
    pub directory_imported: fn(added: usize, replaced: usize) -> String,
    pub dir_not_json: fn(line: usize, column: usize) -> String,
    pub dir_wrong_format: &'static str,
    pub dir_newer: fn(version: u32) -> String,
    pub dir_missing: fn(index: usize, field: &str) -> String,
    pub org_add: &'static str,
    pub org_form_title: &'static str,
    pub org_name: &'static str,
    pub org_address: &'static str,
    pub org_phone: &'static str,
    pub org_hours: &'static str,
    pub org_hours_hint: &'static str,
    pub org_contact: &'static str,
    pub org_contact_hint: &'static str,
    pub org_topics: &'static str,
    pub org_topics_hint: &'static str,

    pub work_section: &'static str,
    pub areas_label: &'static str,
    pub areas_hint: &'static str,
    pub areas_empty: &'static str,
    pub save_areas: &'static str,
    pub unreadable_records: Plural,
    pub unreadable_help: &'static str,
    pub consent_by: &'static str,
    pub consent_by_hint: &'static str,
    /// The language of communication a new card starts with.
    pub default_language: &'static str,

    pub thousands_separator: &'static str,
    pub money: fn(&str) -> String,
    pub elig_open: &'static str,
    pub elig_open_existing: &'static str,
    pub elig_not_found: &'static str,
    pub elig_title: &'static str,
    pub elig_saved_at: fn(&str) -> String,
    pub elig_no_rules: &'static str,
    pub elig_rules: &'static str,
    pub elig_kept_rules: &'static str,
    pub elig_date: &'static str,
    pub elig_date_hint: &'static str,
    pub elig_categories: &'static str,
    pub elig_search: &'static str,
    pub elig_search_hint: &'static str,
    pub elig_search_none: &'static str,
    pub elig_capped: &'static str,
    pub elig_not_walk_in: &'static str,
    pub elig_documents: &'static str,
    pub cat_item: fn(&str) -> String,
    pub cat_part2: &'static str,
    pub cat_part3: &'static str,
    pub kind_defence: &'static str,
    pub kind_representation: &'static str,
    pub kind_documents: &'static str,
    pub kinds_through_other: &'static str,
    pub need_required: &'static str,
    pub need_alternative: &'static str,
    pub need_optional: &'static str,
    pub doc_original: &'static str,
    pub doc_copy: &'static str,
    pub doc_missing: &'static str,
    pub doc_will_bring: &'static str,
    pub doc_bring_by: fn(&str) -> String,
    pub income_title: &'static str,
    pub income_hint: &'static str,
    pub income_group: &'static str,
    pub income_able: &'static str,
    pub income_lost: &'static str,
    pub income_disability: &'static str,
    pub income_month: fn(usize) -> String,
    pub income_pension: &'static str,
    pub income_none: &'static str,
    pub income_minimum: fn(&str) -> String,
    pub income_threshold: &'static str,
    pub income_compared_average: &'static str,
    pub income_compared_pension: &'static str,
    pub income_passes: &'static str,
    pub income_exceeds: &'static str,
    pub money_not_number: &'static str,
    pub money_negative: &'static str,
    pub money_decimals: &'static str,
    pub money_too_large: &'static str,
    pub elig_person: &'static str,
    pub child_unknown: &'static str,
    pub child_under_14: &'static str,
    pub child_14_plus: &'static str,
    pub child_adult: &'static str,
    pub child_one_application: &'static str,
    pub grants_text: fn(usize, i32, usize) -> String,
    pub outcome_title: &'static str,
    pub outcome_pick: &'static str,
    pub outcome_eligible: &'static str,
    pub outcome_kinds: &'static str,
    pub outcome_once_brought: &'static str,
    pub outcome_to_bring: &'static str,
    pub outcome_not_eligible: &'static str,
    pub outcome_primary: &'static str,
    pub outcome_directory: &'static str,
    pub reason_unknown: fn(&str) -> String,
    pub reason_income_high: fn(&str) -> String,
    pub reason_income_missing: fn(&str) -> String,
    pub reason_not_child: fn(&str) -> String,
    pub reason_cap: fn(&str) -> String,
    pub reason_needs_other: fn(&str) -> String,
    pub to_bring_open: &'static str,
    pub to_bring_lang: &'static str,
    pub to_bring_title: &'static str,
    pub to_bring_lead: &'static str,
    pub to_bring_nothing: &'static str,
    pub to_bring_by: fn(&str) -> String,
    pub application_title: &'static str,
    pub application_issue: &'static str,
    pub application_issue_hint: &'static str,
    pub application_print: &'static str,
    pub application_accept: &'static str,
    pub application_accepted_on: fn(&str) -> String,
    pub application_deadlines: fn(&str, &str) -> String,
    pub returned_title: &'static str,
    pub returned_reasons: &'static str,
    pub returned_record: &'static str,
    pub returned_on: fn(&str) -> String,
    pub decision_title: &'static str,
    pub decision_legend: &'static str,
    pub decision_granted: &'static str,
    pub decision_refused: &'static str,
    pub decision_kinds: &'static str,
    pub decision_ground: &'static str,
    pub decision_date: &'static str,
    pub decision_record: &'static str,
    pub decision_correct: &'static str,
    pub decision_granted_text: fn(&str, &str) -> String,
    pub decision_refused_text: fn(&str, &str) -> String,
    pub decision_no_kinds: &'static str,
    pub decision_no_ground: &'static str,
    pub form_in_ukrainian: &'static str,
    pub form_to: &'static str,
    pub form_title: &'static str,
    pub form_name: &'static str,
    pub form_residence: &'static str,
    pub form_postal: &'static str,
    pub form_phones: &'static str,
    pub form_issue: &'static str,
    pub form_category: &'static str,
    pub form_category_line: fn(&str, &str) -> String,
    pub form_attached: &'static str,
    pub form_original: &'static str,
    pub form_copy: &'static str,
    pub form_representative: &'static str,
    pub form_date: &'static str,
    pub form_signature: &'static str,
    pub rules_section: &'static str,
    pub rules_in_use: fn(&str, u32) -> String,
    pub rules_shipped: &'static str,
    pub rules_installed: &'static str,
    pub rules_replace: &'static str,
    pub rules_replace_hint: &'static str,
    pub rules_replaced: fn(&str) -> String,
    pub rules_not_json: fn(usize, usize) -> String,
    pub rules_wrong_format: &'static str,
    pub rules_not_newer: fn(u32, u32) -> String,
    pub rules_no_categories: &'static str,
    pub rules_duplicate: fn(&str) -> String,
    pub rules_bad_minimum: fn(usize) -> String,
    pub export_intro: &'static str,
    pub pending_records: Plural,
    pub pending_oldest: fn(&str, &str) -> String,
    pub pending_none: &'static str,
    pub days_ago: Plural,
    pub export_make_title: &'static str,
    pub export_choice_legend: &'static str,
    pub export_choice_new: &'static str,
    pub export_choice_since: &'static str,
    pub export_choice_range: &'static str,
    pub export_from: &'static str,
    pub export_to: &'static str,
    pub export_make: &'static str,
    pub export_progress: &'static str,
    pub export_nothing: &'static str,
    pub export_bad_range: &'static str,
    pub export_made: fn(&str) -> String,
    pub batches_title: &'static str,
    pub batches_none: &'static str,
    pub batch_checklists: Plural,
    pub batch_status_created: &'static str,
    pub batch_status_imported: &'static str,
    pub batch_status_uploaded: fn(&str) -> String,
    pub batch_status_purged: fn(&str) -> String,
    pub batch_download: &'static str,
    pub batch_csv: &'static str,
    pub batch_confirm: &'static str,
    pub batch_confirm_q: fn(&str) -> String,
    pub batch_confirm_yes: &'static str,
    pub batch_confirmed_note: &'static str,
    pub batch_purge: &'static str,
    pub batch_purge_q: &'static str,
    pub batch_purge_yes: &'static str,
    pub batch_purged_note: fn(usize) -> String,
    pub batch_file_changed: &'static str,
    pub import_title: &'static str,
    pub import_intro: &'static str,
    pub import_choose: &'static str,
    pub import_busy: &'static str,
    pub import_progress: &'static str,
    pub file_unreadable: &'static str,
    pub download_failed: &'static str,
    pub import_done: fn(usize, usize, usize, usize) -> String,
    pub nothing_changed: &'static str,
    pub batch_not_json: fn(usize, usize) -> String,
    pub batch_truncated: &'static str,
    pub batch_wrong_format: fn(&str) -> String,
    pub batch_version: fn(u32) -> String,
    pub batch_record_checksum: fn(usize, &str) -> String,
    pub batch_record_invalid: fn(usize, &str, &str) -> String,
    pub batch_duplicate: fn(usize, &str) -> String,
    pub batch_payload: &'static str,
    pub batch_counts: &'static str,
    pub purge_failed: &'static str,
    pub retention_section: &'static str,
    pub retention_label: &'static str,
    pub retention_hint: &'static str,
    pub retention_save: &'static str,
    pub retention_bad: &'static str,
    pub purged_card: &'static str,
    pub purged_on: fn(&str) -> String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ukrainian_plurals() {
        use PluralCategory::*;
        let cases = [
            (0, Many),
            (1, One),
            (2, Few),
            (4, Few),
            (5, Many),
            (11, Many),
            (12, Many),
            (14, Many),
            (21, One),
            (22, Few),
            (25, Many),
            (101, One),
            (111, Many),
            (112, Many),
            (122, Few),
            (1004, Few),
        ];
        for (n, want) in cases {
            assert_eq!(plural_category(Lang::Uk, n), want, "{n}");
        }
        let f = &Lang::Uk.strings().home_clients;
        assert_eq!(count(Lang::Uk, 1, f), "1 клієнт");
        assert_eq!(count(Lang::Uk, 3, f), "3 клієнти");
        assert_eq!(count(Lang::Uk, 11, f), "11 клієнтів");
    }

    #[test]
    fn english_plurals() {
        let f = &Lang::En.strings().home_clients;
        assert_eq!(count(Lang::En, 1, f), "1 client");
        assert_eq!(count(Lang::En, 2, f), "2 clients");
        assert_eq!(count(Lang::En, 0, f), "0 clients");
    }

    #[test]
    fn bytes_for_people() {
        assert_eq!(format_bytes(Lang::Uk, 0), "0 Б");
        assert_eq!(format_bytes(Lang::Uk, 1023), "1023 Б");
        assert_eq!(format_bytes(Lang::Uk, 1024), "1 КБ");
        assert_eq!(format_bytes(Lang::Uk, 1280), "1,3 КБ");
        assert_eq!(format_bytes(Lang::En, 1280), "1.3 KB");
        assert_eq!(format_bytes(Lang::Uk, 15 * 1024 * 1024), "15 МБ");
        assert_eq!(format_bytes(Lang::En, 10_737_418_240), "10 GB");
    }

    #[test]
    fn language_codes_round_trip() {
        for l in Lang::ALL {
            assert_eq!(Lang::from_code(l.code()), Some(l));
        }
        assert_eq!(Lang::from_code("ru"), None);
        assert_eq!(Lang::default(), Lang::Uk);
    }

    #[test]
    fn every_store_error_has_a_message_in_each_language() {
        let errors = [
            StoreError::Unavailable { detail: "x".into() },
            StoreError::QuotaExceeded,
            StoreError::UpgradeBlocked,
            StoreError::VersionTooNew,
            StoreError::Decode { collection: crate::storage::Collection::Clients, id: "a".into(), detail: "d".into() },
            StoreError::AlreadyExists { collection: crate::storage::Collection::Clients, id: "a".into() },
            StoreError::Other { detail: "AbortError".into() },
        ];
        for lang in Lang::ALL {
            let mut seen = std::collections::HashSet::new();
            for e in &errors {
                let m = store_error(lang, e);
                assert!(m.len() > 20, "{lang:?} {e:?}: {m}");
                assert!(seen.insert(m), "two errors share a message in {lang:?}");
            }
        }
        assert!(store_error(Lang::Uk, &StoreError::QuotaExceeded).contains("місц"));
    }
}
