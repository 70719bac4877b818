//! The registration card (guide 3.1), the consent behind it (Law 2297-VI), and withdrawal of consent (5.3.14).

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::validate::{
    check_birth_date, check_email, check_tax_number, normalise_phone, tax_number_birth_date, DateProblem, TaxProblem,
};
use crate::storage::{Collection, Record};

/// The version of the consent text shown to the client; its wording is in the language files.
pub const CONSENT_TEXT_VERSION: &str = "2026-11";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentForm {
    Oral,
    Written,
}

impl ConsentForm {
    pub const ALL: [ConsentForm; 2] = [ConsentForm::Oral, ConsentForm::Written];

    /// As stored and in form controls: "oral", "written".
    pub fn code(self) -> &'static str {
        match self {
            ConsentForm::Oral => "oral",
            ConsentForm::Written => "written",
        }
    }

    pub fn from_code(code: &str) -> Option<ConsentForm> {
        ConsentForm::ALL.into_iter().find(|f| f.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// Which text was read (`CONSENT_TEXT_VERSION`) and in which language ("uk", "en").
    pub text_version: String,
    pub text_lang: String,
    pub form: ConsentForm,
    pub given_at: String,
    pub taken_by: String,
    #[serde(default)]
    pub withdrawn_at: Option<String>,
    #[serde(default)]
    pub withdrawn_by: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Needs {
    pub cannot_read_write: bool,
    pub hearing: bool,
    pub vision: bool,
    pub mobility: bool,
}

/// Everything on the card that identifies the person. Withdrawing consent removes all of it.
/// The language a person is served in (guide 3.1). The common ones are a choice; any other is kept as written.
/// Stored and exported as text ("українська", or what was typed), so records made before it was a choice read as they
/// are and the batch format does not change.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum PersonLanguage {
    #[default]
    Ukrainian,
    English,
    Russian,
    CrimeanTatar,
    /// Ukrainian sign language.
    Sign,
    /// Another language, as written (empty until written).
    Other(String),
}

impl PersonLanguage {
    /// The choices offered, "another" last.
    pub const CODES: [&'static str; 6] = ["uk", "en", "ru", "crh", "sign", "other"];

    /// As a form control's value.
    pub fn code(&self) -> &'static str {
        match self {
            PersonLanguage::Ukrainian => "uk",
            PersonLanguage::English => "en",
            PersonLanguage::Russian => "ru",
            PersonLanguage::CrimeanTatar => "crh",
            PersonLanguage::Sign => "sign",
            PersonLanguage::Other(_) => "other",
        }
    }

    /// The choice of a form control's value; "other" starts empty.
    pub fn from_code(code: &str) -> PersonLanguage {
        match code {
            "uk" => PersonLanguage::Ukrainian,
            "en" => PersonLanguage::English,
            "ru" => PersonLanguage::Russian,
            "crh" => PersonLanguage::CrimeanTatar,
            "sign" => PersonLanguage::Sign,
            _ => PersonLanguage::Other(String::new()),
        }
    }

    /// The same language with what was written tidied, and a written name of a known one read as that one.
    pub fn tidied(&self) -> PersonLanguage {
        match self {
            PersonLanguage::Other(text) => PersonLanguage::from(tidy(text)),
            known => known.clone(),
        }
    }
}

impl From<String> for PersonLanguage {
    fn from(text: String) -> Self {
        let l = text.trim().to_lowercase();
        match l.as_str() {
            "українська" | "укр" | "uk" | "ukrainian" => PersonLanguage::Ukrainian,
            "англійська" | "англ" | "en" | "english" => PersonLanguage::English,
            "російська" | "ru" | "russian" => PersonLanguage::Russian,
            "кримськотатарська" | "crh" | "crimean tatar" => PersonLanguage::CrimeanTatar,
            "українська жестова" | "жестова" | "sign language" | "ukrainian sign language" => {
                PersonLanguage::Sign
            }
            _ => PersonLanguage::Other(text),
        }
    }
}

impl From<PersonLanguage> for String {
    fn from(l: PersonLanguage) -> String {
        match l {
            PersonLanguage::Ukrainian => "українська".into(),
            PersonLanguage::English => "англійська".into(),
            PersonLanguage::Russian => "російська".into(),
            PersonLanguage::CrimeanTatar => "кримськотатарська".into(),
            PersonLanguage::Sign => "українська жестова".into(),
            PersonLanguage::Other(text) => text,
        }
    }
}

/// Why a card has no РНОКПП: a refusal on religious grounds is one reason of several, not the only way to save a
/// card without a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoTaxNumber {
    /// Refused on religious grounds (a mark in the passport).
    Religious,
    /// A child who has none.
    Child,
    /// A foreigner or stateless person without one.
    Foreigner,
    /// The documents are lost.
    DocumentsLost,
    /// Not known yet: to be added later (the client page says so).
    NotYet,
}

impl NoTaxNumber {
    pub const ALL: [NoTaxNumber; 5] = [
        NoTaxNumber::Religious,
        NoTaxNumber::Child,
        NoTaxNumber::Foreigner,
        NoTaxNumber::DocumentsLost,
        NoTaxNumber::NotYet,
    ];
    pub fn code(self) -> &'static str {
        match self {
            NoTaxNumber::Religious => "religious",
            NoTaxNumber::Child => "child",
            NoTaxNumber::Foreigner => "foreigner",
            NoTaxNumber::DocumentsLost => "documents_lost",
            NoTaxNumber::NotYet => "not_yet",
        }
    }
    pub fn from_code(code: &str) -> Option<NoTaxNumber> {
        NoTaxNumber::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// Why a person has no identity document with them: a lost passport and a passport left in occupied territory lead
/// to different help (restoring it, a certificate of identity), and a document to be shown later is a follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoDocuments {
    /// Lost or stolen.
    Lost,
    /// Destroyed (a fire, shelling, a destroyed home).
    Destroyed,
    /// Left in occupied territory or in a combat zone.
    Occupied,
    /// Kept by someone else (an employer, an abuser, a trafficker).
    Withheld,
    /// Never issued.
    NeverIssued,
    /// The person has one but not with them: to be added later (the client page says so).
    NotWithThem,
}

impl NoDocuments {
    pub const ALL: [NoDocuments; 6] = [
        NoDocuments::Lost,
        NoDocuments::Destroyed,
        NoDocuments::Occupied,
        NoDocuments::Withheld,
        NoDocuments::NeverIssued,
        NoDocuments::NotWithThem,
    ];
    /// The form's code for a card saved before the reasons: "no documents", the reason not recorded.
    pub const UNRECORDED: &'static str = "unrecorded";
    pub fn code(self) -> &'static str {
        match self {
            NoDocuments::Lost => "lost",
            NoDocuments::Destroyed => "destroyed",
            NoDocuments::Occupied => "occupied",
            NoDocuments::Withheld => "withheld",
            NoDocuments::NeverIssued => "never_issued",
            NoDocuments::NotWithThem => "not_with_them",
        }
    }
    pub fn from_code(code: &str) -> Option<NoDocuments> {
        NoDocuments::ALL.into_iter().find(|r| r.code() == code)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Personal {
    pub surname: String,
    pub given_name: String,
    pub patronymic: String,
    /// ISO date.
    pub birth_date: String,
    pub sex: Option<Sex>,
    /// Normalised (+380…).
    pub phones: Vec<String>,
    pub email: String,
    pub address: String,
    pub registration_address: String,
    pub no_fixed_address: bool,
    pub document_kind: String,
    pub document_series: String,
    pub document_number: String,
    pub no_documents: bool,
    /// Why there are no documents (cards saved before the reasons have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_documents_reason: Option<NoDocuments>,
    pub tax_number: String,
    /// Refused a number on religious grounds (kept for files and readers made before `no_tax_number`).
    pub tax_refused: bool,
    /// Why there is no number, when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_tax_number: Option<NoTaxNumber>,
    pub language: PersonLanguage,
    pub needs: Needs,
    /// The card of the legal representative (for children and incapacitated persons), if any.
    pub representative_id: Option<String>,
}

impl Personal {
    /// Why there is no РНОКПП (a card made before the reasons says only "refused").
    pub fn no_tax_reason(&self) -> Option<NoTaxNumber> {
        if !self.tax_number.is_empty() {
            return None;
        }
        self.no_tax_number.or(self.tax_refused.then_some(NoTaxNumber::Religious))
    }

    pub fn full_name(&self) -> String {
        [self.surname.as_str(), self.given_name.as_str(), self.patronymic.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    pub id: String,
    pub created_at: String,
    pub consent: Consent,
    /// `None` once consent is withdrawn, or once the card was sent to the centre and purged from this device: the card
    /// then holds nothing personal.
    pub personal: Option<Personal>,
    /// When the personal data was purged after the centre confirmed it received the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purged_at: Option<String>,
    /// Corrections of the card, oldest first (the values go when the personal data goes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<CardChange>,
    /// Set when this card was merged into another (a duplicate of the same person): the card is then a tombstone,
    /// with nothing personal, whose appeals and checklists moved to the card it names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<MergedInto>,
}

/// Where a merged card went, when and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergedInto {
    pub id: String,
    pub at: String,
    pub by: String,
}

/// One correction of a card: when, by whom, and each field that changed, as it was and as it became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardChange {
    pub at: String,
    pub by: String,
    pub fields: Vec<FieldChange>,
    /// The card merged into this one by this change (its values taken are the fields; there may be none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_from: Option<String>,
}

/// One field of a [`CardChange`]: its name in the card ([`CARD_FIELDS`]) and its value before and after, written as
/// [`card_values`] writes it (empty once the personal data is erased).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldChange {
    pub field: String,
    pub from: String,
    pub to: String,
}

/// The fields a correction can change, in the order of the card.
pub const CARD_FIELDS: [&str; 23] = [
    "surname",
    "given_name",
    "patronymic",
    "birth_date",
    "sex",
    "phones",
    "email",
    "address",
    "no_fixed_address",
    "registration_address",
    "document_kind",
    "document_series",
    "document_number",
    "no_documents",
    "no_documents_reason",
    "tax_number",
    "no_tax_number",
    "language",
    "needs.cannot_read_write",
    "needs.hearing",
    "needs.vision",
    "needs.mobility",
    "representative_id",
];

/// Each field of [`CARD_FIELDS`] with its value as one string: dates ISO, phones joined by ", ", yes/no as
/// "true"/"false", choices by their code.
pub fn card_values(p: &Personal) -> [(&'static str, String); 23] {
    let flag = |b: bool| if b { "true".to_owned() } else { "false".to_owned() };
    let values = [
        p.surname.clone(),
        p.given_name.clone(),
        p.patronymic.clone(),
        p.birth_date.clone(),
        match p.sex {
            Some(Sex::Female) => "female".into(),
            Some(Sex::Male) => "male".into(),
            None => String::new(),
        },
        p.phones.join(", "),
        p.email.clone(),
        p.address.clone(),
        flag(p.no_fixed_address),
        p.registration_address.clone(),
        p.document_kind.clone(),
        p.document_series.clone(),
        p.document_number.clone(),
        flag(p.no_documents),
        p.no_documents_reason.map(|r| r.code().to_owned()).unwrap_or_default(),
        p.tax_number.clone(),
        p.no_tax_reason().map(|r| r.code().to_owned()).unwrap_or_default(),
        match &p.language {
            PersonLanguage::Other(text) => text.clone(),
            other => other.code().to_owned(),
        },
        flag(p.needs.cannot_read_write),
        flag(p.needs.hearing),
        flag(p.needs.vision),
        flag(p.needs.mobility),
        p.representative_id.clone().unwrap_or_default(),
    ];
    let mut i = 0;
    values.map(|v| {
        let field = CARD_FIELDS[i];
        i += 1;
        (field, v)
    })
}

/// What changed from `old` to `new`, field by field, in the order of the card.
pub fn card_changes(old: &Personal, new: &Personal) -> Vec<FieldChange> {
    card_values(old)
        .into_iter()
        .zip(card_values(new))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, from), (_, to))| FieldChange { field: field.to_owned(), from, to })
        .collect()
}

impl Client {
    /// The card corrected to `personal` by `by` at `now`, its history told what changed; `None` when nothing did.
    pub fn corrected(&self, personal: Personal, by: &str, now: &str) -> Option<Client> {
        let old = self.personal.as_ref()?;
        let fields = card_changes(old, &personal);
        if fields.is_empty() {
            return None;
        }
        let mut next = self.clone();
        next.personal = Some(personal);
        next.history.push(CardChange { at: now.to_owned(), by: by.to_owned(), fields, merged_from: None });
        Some(next)
    }

    /// Whether consent was withdrawn (the card then never holds personal data again).
    pub fn is_withdrawn(&self) -> bool {
        self.consent.withdrawn_at.is_some()
    }

    /// Erases everything personal: the card's data and the values in its history (what changed, when and by whom
    /// stays).
    pub fn erase_personal(&mut self) {
        self.personal = None;
        for change in &mut self.history {
            for f in &mut change.fields {
                f.from.clear();
                f.to.clear();
            }
        }
    }
}

impl Record for Client {
    const COLLECTION: Collection = Collection::Clients;
    fn id(&self) -> &str {
        &self.id
    }
}

/// The card as typed: every field a string, so that nothing typed is refused before it is saved as a draft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CardForm {
    pub surname: String,
    pub given_name: String,
    pub patronymic: String,
    pub birth_date: String,
    pub sex: String,
    pub phones: String,
    pub email: String,
    pub address: String,
    pub registration_address: String,
    pub no_fixed_address: bool,
    pub document_kind: String,
    pub document_series: String,
    pub document_number: String,
    pub no_documents: bool,
    /// Why there are no documents: a [`NoDocuments`] code (or [`NoDocuments::UNRECORDED`]), or empty.
    pub no_documents_reason: String,
    pub tax_number: String,
    /// A draft made before the reasons: "refused on religious grounds".
    pub tax_refused: bool,
    /// Why there is no number: a [`NoTaxNumber`] code, or empty.
    pub no_tax: String,
    pub language: PersonLanguage,
    pub needs: Needs,
    pub representative_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardField {
    Surname,
    GivenName,
    BirthDate,
    Phones,
    Email,
    Address,
    Document,
    NoDocumentsReason,
    TaxNumber,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardProblem {
    Required,
    TooLong,
    Date(DateProblem),
    Phone,
    Email,
    Tax(TaxProblem),
    /// Address, or "no fixed address".
    AddressOrNone,
    /// A document, or "no documents".
    DocumentOrNone,
    /// "No documents" without saying why.
    NoDocumentsReason,
    /// A tax number, or why there is none.
    TaxOrRefusal,
    /// "A child who has none" for a person of 18 or over.
    NotAChild,
}

/// Something worth a second look that does not stop the card (e.g. the РНОКПП encodes another birth date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardWarning {
    TaxNumberBirthDateDiffers,
    /// A passport or an ID card for a child under 14, who has a birth certificate instead.
    ChildDocument,
}

const MAX_TEXT: usize = 200;

fn tidy(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl CardForm {
    pub fn from_personal(p: &Personal) -> Self {
        Self {
            surname: p.surname.clone(),
            given_name: p.given_name.clone(),
            patronymic: p.patronymic.clone(),
            birth_date: Date::parse_iso(&p.birth_date).map(Date::dotted).unwrap_or_default(),
            sex: match p.sex {
                Some(Sex::Female) => "female".into(),
                Some(Sex::Male) => "male".into(),
                None => String::new(),
            },
            phones: p.phones.join(", "),
            email: p.email.clone(),
            address: p.address.clone(),
            registration_address: p.registration_address.clone(),
            no_fixed_address: p.no_fixed_address,
            document_kind: p.document_kind.clone(),
            document_series: p.document_series.clone(),
            document_number: p.document_number.clone(),
            no_documents: p.no_documents,
            no_documents_reason: match (p.no_documents, p.no_documents_reason) {
                (true, Some(r)) => r.code().to_owned(),
                (true, None) => NoDocuments::UNRECORDED.to_owned(),
                (false, _) => String::new(),
            },
            tax_number: p.tax_number.clone(),
            tax_refused: false,
            no_tax: p.no_tax_reason().map(|r| r.code().to_owned()).unwrap_or_default(),
            language: p.language.clone(),
            needs: p.needs.clone(),
            representative_id: p.representative_id.clone().unwrap_or_default(),
        }
    }

    /// Checks the card for finishing. Every problem is listed at once, tied to its field.
    pub fn validate(&self, today: Date) -> Result<Personal, Vec<(CardField, CardProblem)>> {
        let mut problems = Vec::new();
        let mut required = |field: CardField, value: &str| {
            let v = tidy(value);
            if v.is_empty() {
                problems.push((field, CardProblem::Required));
            } else if v.chars().count() > MAX_TEXT {
                problems.push((field, CardProblem::TooLong));
            }
            v
        };
        let surname = required(CardField::Surname, &self.surname);
        let given_name = required(CardField::GivenName, &self.given_name);
        let birth = match check_birth_date(&self.birth_date, today) {
            Ok(d) => Some(d),
            Err(p) => {
                let p = if self.birth_date.trim().is_empty() { CardProblem::Required } else { CardProblem::Date(p) };
                problems.push((CardField::BirthDate, p));
                None
            }
        };
        let mut phones = Vec::new();
        for part in self.phones.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
            match normalise_phone(part) {
                Ok(p) if !phones.contains(&p) => phones.push(p),
                Ok(_) => {}
                Err(_) => {
                    problems.push((CardField::Phones, CardProblem::Phone));
                    break;
                }
            }
        }
        let email = self.email.trim().to_owned();
        if !email.is_empty() && !check_email(&email) {
            problems.push((CardField::Email, CardProblem::Email));
        }
        let address = tidy(&self.address);
        if address.is_empty() && !self.no_fixed_address {
            problems.push((CardField::Address, CardProblem::AddressOrNone));
        }
        let document_number = tidy(&self.document_number);
        if document_number.is_empty() && !self.no_documents {
            problems.push((CardField::Document, CardProblem::DocumentOrNone));
        }
        let no_documents_reason = NoDocuments::from_code(&self.no_documents_reason);
        if self.no_documents && no_documents_reason.is_none() && self.no_documents_reason != NoDocuments::UNRECORDED {
            problems.push((CardField::NoDocumentsReason, CardProblem::NoDocumentsReason));
        }
        let tax = self.tax_number.trim();
        let reason = NoTaxNumber::from_code(&self.no_tax).or(self.tax_refused.then_some(NoTaxNumber::Religious));
        let tax_number = if reason.is_some() && tax.is_empty() {
            if let (Some(NoTaxNumber::Child), Some(born)) = (reason, birth) {
                if born.age_on(today) >= 18 {
                    problems.push((CardField::TaxNumber, CardProblem::NotAChild));
                }
            }
            String::new()
        } else if tax.is_empty() {
            problems.push((CardField::TaxNumber, CardProblem::TaxOrRefusal));
            String::new()
        } else {
            match check_tax_number(tax) {
                Ok(t) => t,
                Err(p) => {
                    problems.push((CardField::TaxNumber, CardProblem::Tax(p)));
                    String::new()
                }
            }
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Personal {
            surname,
            given_name,
            patronymic: tidy(&self.patronymic),
            birth_date: birth.map(Date::iso).unwrap_or_default(),
            sex: match self.sex.as_str() {
                "female" => Some(Sex::Female),
                "male" => Some(Sex::Male),
                _ => None,
            },
            phones,
            email,
            address: if self.no_fixed_address { String::new() } else { address },
            registration_address: tidy(&self.registration_address),
            no_fixed_address: self.no_fixed_address,
            document_kind: if self.no_documents { String::new() } else { tidy(&self.document_kind) },
            document_series: if self.no_documents { String::new() } else { tidy(&self.document_series) },
            document_number: if self.no_documents { String::new() } else { document_number },
            no_documents: self.no_documents,
            no_documents_reason: if self.no_documents { no_documents_reason } else { None },
            tax_refused: tax_number.is_empty() && reason == Some(NoTaxNumber::Religious),
            no_tax_number: if tax_number.is_empty() { reason } else { None },
            tax_number,
            language: self.language.tidied(),
            needs: self.needs.clone(),
            representative_id: Some(self.representative_id.trim().to_owned()).filter(|s| !s.is_empty()),
        })
    }

    pub fn warnings(&self, today: Date) -> Vec<CardWarning> {
        let mut out = Vec::new();
        let child_under_14 = Date::parse_human(&self.birth_date).is_some_and(|b| b <= today && b.age_on(today) < 14);
        if child_under_14 && !self.no_documents && matches!(self.document_kind.as_str(), "passport" | "id_card") {
            out.push(CardWarning::ChildDocument);
        }
        if let (Ok(tax), Some(birth)) = (check_tax_number(&self.tax_number), Date::parse_human(&self.birth_date)) {
            if tax_number_birth_date(&tax) != Some(birth) {
                out.push(CardWarning::TaxNumberBirthDateDiffers);
            }
        }
        out
    }

    /// The changes made from `base` to `self`, put on `newer` (the card saved meanwhile): each field typed differently
    /// from `base` keeps what was typed, every other field takes the newer value.
    pub fn rebase(&self, base: &CardForm, newer: &CardForm) -> CardForm {
        let (Ok(mine), Ok(base), Ok(mut out)) =
            (serde_json::to_value(self), serde_json::to_value(base), serde_json::to_value(newer))
        else {
            return self.clone();
        };
        if let (Some(mine), Some(base), Some(out)) = (mine.as_object(), base.as_object(), out.as_object_mut()) {
            for (key, value) in mine {
                if base.get(key) != Some(value) {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        serde_json::from_value(out).unwrap_or_else(|_| self.clone())
    }

    /// Whether anything has been typed at all.
    pub fn is_blank(&self) -> bool {
        *self == CardForm::default()
    }

    /// What is typed so far, read as far as it goes, to spot likely duplicates before the card is complete: a field
    /// that does not read yet (a half-typed date, phone or tax number) is left empty, never filled with a stand-in.
    /// `None` until there is a surname.
    pub fn typed_so_far(&self) -> Option<Personal> {
        let surname = tidy(&self.surname);
        if surname.is_empty() {
            return None;
        }
        let mut phones: Vec<String> = Vec::new();
        for p in self.phones.split([',', ';']).filter_map(|p| normalise_phone(p.trim()).ok()) {
            if !phones.contains(&p) {
                phones.push(p);
            }
        }
        Some(Personal {
            surname,
            given_name: tidy(&self.given_name),
            patronymic: tidy(&self.patronymic),
            birth_date: Date::parse_human(&self.birth_date).map(Date::iso).unwrap_or_default(),
            phones,
            tax_number: check_tax_number(self.tax_number.trim()).unwrap_or_default(),
            ..Personal::default()
        })
    }

    /// A search that found nobody starts the new card: its words become the names (surname, given name,
    /// patronymic, in that order) and a date among them the birth date.
    pub fn prefill_from_search(&mut self, query: &str) {
        let mut names = Vec::new();
        for w in query.split_whitespace() {
            if Date::parse_human(w).is_some() {
                self.birth_date = w.to_owned();
            } else if w.chars().any(char::is_alphabetic) {
                names.push(w.to_owned());
            }
        }
        let mut it = names.into_iter();
        self.surname = it.next().unwrap_or_default();
        self.given_name = it.next().unwrap_or_default();
        self.patronymic = it.next().unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_person_language_is_a_choice_and_reads_what_was_written_before() {
        for (text, lang) in [
            ("українська", PersonLanguage::Ukrainian),
            (" Англійська ", PersonLanguage::English),
            ("English", PersonLanguage::English),
            ("кримськотатарська", PersonLanguage::CrimeanTatar),
            ("ромська", PersonLanguage::Other("ромська".into())),
            ("", PersonLanguage::Other(String::new())),
        ] {
            assert_eq!(PersonLanguage::from(text.to_owned()), lang, "{text}");
        }
        // Stored as text: an older card reads, and a card written now is what an older reader expects.
        let json = serde_json::to_string(&PersonLanguage::English).expect("json");
        assert_eq!(json, "\"англійська\"");
        let back: PersonLanguage = serde_json::from_str("\"ромська\"").expect("read");
        assert_eq!(back, PersonLanguage::Other("ромська".into()));
        for code in PersonLanguage::CODES {
            assert_eq!(PersonLanguage::from_code(code).code(), code);
        }
        assert_eq!(PersonLanguage::Other("  англійська ".into()).tidied(), PersonLanguage::English);
    }

    #[test]
    fn a_half_typed_card_is_read_as_far_as_it_goes() {
        let mut card =
            CardForm { surname: "  Коваль ".into(), birth_date: "01.05.19".into(), ..CardForm::default() };
        card.phones = "050 111 22 33, 0501112233; 12".into();
        card.tax_number = "12345".into();
        let p = card.typed_so_far().expect("a surname is there");
        assert_eq!((p.surname.as_str(), p.given_name.as_str()), ("Коваль", ""));
        assert_eq!(p.birth_date, "", "a half-typed date is left empty, not a stand-in");
        assert_eq!(p.phones, ["+380501112233"]);
        assert_eq!(p.tax_number, "");
        card.birth_date = "01.05.1990".into();
        assert_eq!(card.typed_so_far().map(|p| p.birth_date), Some("1990-05-01".into()));
        assert_eq!(CardForm { given_name: "Марія".into(), ..CardForm::default() }.typed_so_far(), None);
    }

    #[test]
    fn a_search_prefills_names_and_birth_date() {
        let mut card = CardForm::default();
        card.prefill_from_search("Шевченко  Тарас 09.03.1984 Григорович 050");
        assert_eq!(
            (card.surname.as_str(), card.given_name.as_str(), card.patronymic.as_str(), card.birth_date.as_str()),
            ("Шевченко", "Тарас", "Григорович", "09.03.1984")
        );
    }

    fn today() -> Date {
        Date::new(2026, 11, 25).unwrap()
    }

    pub fn sample_form() -> CardForm {
        CardForm {
            surname: " Шевченко ".into(),
            given_name: "Олександр".into(),
            patronymic: "Петрович".into(),
            birth_date: "12.03.1987".into(),
            phones: "067 123 45 67, +38 (050) 765-43-21".into(),
            address: "с. Бородянка, вул. Центральна, 5".into(),
            document_kind: "passport".into(),
            document_number: "123456789".into(),
            tax_number: "3184710691".into(),
            ..CardForm::default()
        }
    }

    #[test]
    fn a_complete_card_is_tidied() {
        let p = sample_form().validate(today()).unwrap();
        assert_eq!(p.surname, "Шевченко");
        assert_eq!(p.birth_date, "1987-03-12");
        assert_eq!(p.phones, vec!["+380671234567", "+380507654321"]);
        assert_eq!(p.full_name(), "Шевченко Олександр Петрович");
        assert!(sample_form().warnings(today()).is_empty());
    }

    #[test]
    fn every_problem_is_listed_with_its_field() {
        let f = CardForm {
            birth_date: "31.02.1990".into(),
            phones: "12".into(),
            email: "x@".into(),
            ..CardForm::default()
        };
        let problems = f.validate(today()).unwrap_err();
        let fields: Vec<CardField> = problems.iter().map(|p| p.0).collect();
        assert_eq!(
            fields,
            vec![
                CardField::Surname,
                CardField::GivenName,
                CardField::BirthDate,
                CardField::Phones,
                CardField::Email,
                CardField::Address,
                CardField::Document,
                CardField::TaxNumber
            ]
        );
        assert!(problems.contains(&(CardField::BirthDate, CardProblem::Date(DateProblem::Invalid))));
        assert!(problems.contains(&(CardField::TaxNumber, CardProblem::TaxOrRefusal)));
    }

    #[test]
    fn hard_cases_have_their_alternatives() {
        // Homeless, without documents, refusing the tax number (guide 5.3.12, 5.3.13; religious grounds).
        let f = CardForm {
            surname: "Петренко".into(),
            given_name: "Іван".into(),
            birth_date: "1960-01-01".into(),
            no_fixed_address: true,
            no_documents: true,
            no_documents_reason: "destroyed".into(),
            tax_refused: true,
            ..CardForm::default()
        };
        let p = f.validate(today()).unwrap();
        assert!(p.no_fixed_address && p.no_documents && p.tax_refused);
        assert_eq!(p.no_documents_reason, Some(NoDocuments::Destroyed));
        assert_eq!(p.tax_number, "");
        assert_eq!(p.no_tax_number, Some(NoTaxNumber::Religious), "a draft made before the reasons");
    }

    #[test]
    fn no_tax_number_says_why_and_a_child_must_be_one() {
        let card = |birth: &str, reason: &str| CardForm {
            tax_number: String::new(),
            birth_date: birth.into(),
            no_tax: reason.into(),
            ..sample_form()
        };
        // A 10-year-old who has none: not a religious refusal.
        let p = card("01.06.2016", "child").validate(today()).expect("a child");
        assert_eq!(
            (p.no_tax_number, p.tax_refused, p.no_tax_reason()),
            (Some(NoTaxNumber::Child), false, Some(NoTaxNumber::Child))
        );
        let problems = card("01.06.1990", "child").validate(today()).unwrap_err();
        assert_eq!(problems, vec![(CardField::TaxNumber, CardProblem::NotAChild)]);
        for reason in NoTaxNumber::ALL.into_iter().filter(|r| *r != NoTaxNumber::Child) {
            let p = card("01.06.1990", reason.code()).validate(today()).expect("a reason");
            assert_eq!(p.no_tax_reason(), Some(reason));
            assert_eq!(p.tax_refused, reason == NoTaxNumber::Religious);
            // Back to the form and again: the same card.
            assert_eq!(CardForm::from_personal(&p).validate(today()), Ok(p));
        }
        // No number and no reason: asked for; a number given: no reason kept.
        let problems = card("01.06.1990", "").validate(today()).unwrap_err();
        assert_eq!(problems, vec![(CardField::TaxNumber, CardProblem::TaxOrRefusal)]);
        let p = CardForm { no_tax: "not_yet".into(), ..sample_form() }.validate(today()).expect("valid");
        assert_eq!((p.no_tax_number, p.no_tax_reason()), (None, None));
        // A card stored before the reasons reads as a religious refusal.
        let old: Personal = serde_json::from_value(serde_json::json!({
            "surname": "П", "given_name": "І", "patronymic": "", "birth_date": "1960-01-01", "sex": null, "phones": [],
            "email": "", "address": "", "registration_address": "", "no_fixed_address": true, "document_kind": "",
            "document_series": "", "document_number": "", "no_documents": true, "tax_number": "", "tax_refused": true,
            "language": "українська", "needs": {"cannot_read_write": false, "hearing": false, "vision": false,
            "mobility": false}, "representative_id": null
        }))
        .expect("old card");
        assert_eq!(old.no_tax_reason(), Some(NoTaxNumber::Religious));
    }

    #[test]
    fn a_wrong_check_digit_is_refused_and_a_mismatched_birth_date_warned() {
        let f = CardForm { tax_number: "3184710692".into(), ..sample_form() };
        assert!(f
            .validate(today())
            .unwrap_err()
            .contains(&(CardField::TaxNumber, CardProblem::Tax(TaxProblem::CheckDigit))));
        let f = CardForm { birth_date: "13.03.1987".into(), ..sample_form() };
        assert_eq!(f.warnings(today()), vec![CardWarning::TaxNumberBirthDateDiffers]);
    }

    #[test]
    fn no_documents_says_why() {
        let card = |reason: &str| CardForm {
            document_kind: String::new(),
            document_number: String::new(),
            no_documents: true,
            no_documents_reason: reason.into(),
            ..sample_form()
        };
        assert_eq!(
            card("").validate(today()).unwrap_err(),
            vec![(CardField::NoDocumentsReason, CardProblem::NoDocumentsReason)]
        );
        assert!(card("somewhere").validate(today()).is_err());
        for reason in NoDocuments::ALL {
            let p = card(reason.code()).validate(today()).expect("a reason");
            assert_eq!((p.no_documents, p.no_documents_reason), (true, Some(reason)));
            assert_eq!(CardForm::from_personal(&p).validate(today()), Ok(p));
        }
        // A reason left over from an untick is not kept with a document.
        let p = CardForm { no_documents_reason: "lost".into(), ..sample_form() }.validate(today()).expect("valid");
        assert_eq!(p.no_documents_reason, None);
        // A card saved before the reasons stays as it was, through the form and back.
        let old = Personal { no_documents: true, no_documents_reason: None, ..card("lost").validate(today()).unwrap() };
        assert_eq!(CardForm::from_personal(&old).no_documents_reason, NoDocuments::UNRECORDED);
        assert_eq!(CardForm::from_personal(&old).validate(today()), Ok(old));
    }

    #[test]
    fn a_child_under_14_has_a_birth_certificate() {
        let child = |kind: &str| CardForm {
            birth_date: "01.06.2016".into(),
            tax_number: String::new(),
            no_tax: "child".into(),
            document_kind: kind.into(),
            ..sample_form()
        };
        assert_eq!(child("passport").warnings(today()), vec![CardWarning::ChildDocument]);
        assert_eq!(child("id_card").warnings(today()), vec![CardWarning::ChildDocument]);
        assert!(child("birth_certificate").warnings(today()).is_empty());
        let teen = CardForm { birth_date: "01.06.2011".into(), ..child("id_card") };
        assert!(teen.warnings(today()).is_empty(), "an ID card from 14");
    }

    #[test]
    fn a_correction_tells_each_field_that_changed() {
        let before = sample_form().validate(today()).unwrap();
        let client = Client {
            id: "c1".into(),
            created_at: "2026-11-20T10:00:00Z".into(),
            consent: serde_json::from_value(serde_json::json!({
                "text_version": "1", "text_lang": "uk", "form": "oral", "given_at": "2026-11-20T10:00:00Z",
                "taken_by": "Олена Коваль", "withdrawn_at": null, "withdrawn_by": null
            }))
            .unwrap(),
            personal: Some(before.clone()),
            purged_at: None,
            history: vec![],
            merged_into: None,
        };
        let edited = CardForm {
            phones: "050 765 43 21".into(),
            address: "м. Ірпінь, вул. Садова, 7".into(),
            needs: Needs { hearing: true, ..Needs::default() },
            ..sample_form()
        }
        .validate(today())
        .unwrap();
        let next = client.corrected(edited.clone(), "Олена Коваль", "2026-11-28T10:00:00Z").expect("changed");
        assert_eq!(next.personal.as_ref(), Some(&edited));
        assert_eq!(
            next.history,
            vec![CardChange {
                at: "2026-11-28T10:00:00Z".into(),
                by: "Олена Коваль".into(),
                fields: vec![
                    FieldChange {
                        field: "phones".into(),
                        from: "+380671234567, +380507654321".into(),
                        to: "+380507654321".into()
                    },
                    FieldChange {
                        field: "address".into(),
                        from: "с. Бородянка, вул. Центральна, 5".into(),
                        to: "м. Ірпінь, вул. Садова, 7".into()
                    },
                    FieldChange { field: "needs.hearing".into(), from: "false".into(), to: "true".into() },
                ],
                merged_from: None,
            }]
        );
        // Saving the same card again changes nothing and writes no history.
        assert_eq!(next.corrected(edited, "Олена Коваль", "2026-11-28T11:00:00Z"), None);
        // Every field has its place in the list.
        let fields: Vec<&str> = card_values(&before).iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, CARD_FIELDS);
        // Consent withdrawn: the values go, what changed and when stays.
        let mut gone = next.clone();
        gone.erase_personal();
        assert_eq!(gone.personal, None);
        assert_eq!(gone.history[0].fields.len(), 3);
        assert!(gone.history[0].fields.iter().all(|f| f.from.is_empty() && f.to.is_empty()));
        assert_eq!(
            (gone.history[0].at.as_str(), gone.history[0].by.as_str()),
            ("2026-11-28T10:00:00Z", "Олена Коваль")
        );
    }

    #[test]
    fn changes_made_on_an_older_card_go_onto_the_newer_one() {
        let base = sample_form();
        let mine = CardForm { phones: "050 111 22 33".into(), ..base.clone() };
        let newer = CardForm { address: "м. Ірпінь".into(), email: "k@example.org".into(), ..base.clone() };
        let put = mine.rebase(&base, &newer);
        assert_eq!(put, CardForm { phones: "050 111 22 33".into(), ..newer.clone() });
        // Both changed one field: what the worker typed stays (they see the newer value before saving).
        let both = CardForm { address: "с. Гостомель".into(), ..base.clone() };
        assert_eq!(both.rebase(&base, &newer).address, "с. Гостомель");
        assert_eq!(base.rebase(&base, &newer), newer, "nothing typed: the newer card as it is");
    }

    #[test]
    fn form_round_trips_through_personal() {
        let p = sample_form().validate(today()).unwrap();
        assert_eq!(CardForm::from_personal(&p).validate(today()).unwrap(), p);
        assert!(CardForm::default().is_blank());
        assert!(!sample_form().is_blank());
    }
}
