//! The intake in progress (kept as a draft on every change, so nothing typed is lost), the editable list of
//! question areas, and withdrawal of consent.

use serde::{Deserialize, Serialize};

use super::appeal::{Appeal, AppealForm};
use super::checklist::Checklist;
use super::client::{CardForm, Client, ConsentForm, PersonLanguage};
use super::date::Date;
use crate::storage::{Collection, Record};

/// The id of the intake draft of app versions that had one intake per device (still read and offered).
pub const INTAKE_DRAFT_ID: &str = "intake";

/// Each tab's intake has its own draft, `intake-<uuid>`: saving one never touches another tab's.
pub fn intake_draft_id(uuid: &str) -> String {
    format!("{INTAKE_DRAFT_ID}-{uuid}")
}

/// Whether a draft id is an intake's (of this version or of the one-draft versions before).
pub fn is_intake_draft_id(id: &str) -> bool {
    id == INTAKE_DRAFT_ID || id.strip_prefix(INTAKE_DRAFT_ID).is_some_and(|rest| rest.starts_with('-'))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    #[default]
    Search,
    Consent,
    Card,
    Appeal,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntakeDraft {
    pub id: String,
    pub step: Step,
    pub query: String,
    /// The card the appeal is for: an existing card found by search, or the new card once saved.
    pub client_id: Option<String>,
    /// How consent was given; `None` until chosen.
    #[serde(deserialize_with = "consent_form_or_none")]
    pub consent_form: Option<ConsentForm>,
    /// Who took the consent (prefilled with this device's worker).
    pub consent_by: String,
    pub card: CardForm,
    pub appeal: AppealForm,
    pub updated_at: String,
}

/// Drafts saved before the form was a choice kept "" for "not chosen yet": anything that is not a form reads as none.
fn consent_form_or_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<ConsentForm>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Form(ConsentForm),
        Other(serde::de::IgnoredAny),
    }
    Ok(match Stored::deserialize(d)? {
        Stored::Form(f) => Some(f),
        Stored::Other(_) => None,
    })
}

impl Record for IntakeDraft {
    const COLLECTION: Collection = Collection::Drafts;
    fn id(&self) -> &str {
        &self.id
    }
    fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }
}

/// A correction of a card in progress: the card as typed, the card it started from and the revision that was, so a
/// save made after someone else's is caught and the worker's changes can be put on the newer card. Kept with the
/// client's drafts (a withdrawal erases it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CardEdit {
    pub id: String,
    pub client_id: String,
    pub base_rev: u64,
    pub base: CardForm,
    pub card: CardForm,
    pub updated_at: String,
}

impl CardEdit {
    /// The draft id of the correction of `client_id`'s card (one per card).
    pub fn id_for(client_id: &str) -> String {
        format!("card-edit-{client_id}")
    }
}

/// A correction of an appeal in progress: the form as typed and the appeal's revision it began from. Kept with the
/// client's drafts (a withdrawal erases it; a merge moves it with the appeal).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppealEdit {
    pub id: String,
    pub appeal_id: String,
    pub client_id: String,
    pub base_rev: u64,
    pub form: crate::domain::appeal::AppealForm,
    pub updated_at: String,
}

impl AppealEdit {
    /// The draft id of the correction of the appeal `appeal_id` (one per appeal).
    pub fn id_for(appeal_id: &str) -> String {
        format!("appeal-edit-{appeal_id}")
    }
}

impl Record for AppealEdit {
    const COLLECTION: Collection = Collection::Drafts;
    fn id(&self) -> &str {
        &self.id
    }
    fn client_id(&self) -> Option<&str> {
        Some(&self.client_id)
    }
}

/// The appeal is saved on the revision its correction began from: the draft keeps the later write.
impl crate::domain::rebase::Rebase for AppealEdit {
    fn rebase(_: &Self, mine: &Self, _: &Self) -> Option<Self> {
        Some(mine.clone())
    }
    const WRITTEN_AGAIN_WHILE_CARD_LIVES: bool = true;
}

/// Each tab has its own intake draft: a draft continued in two tabs at once keeps the later write.
impl crate::domain::rebase::Rebase for IntakeDraft {
    fn rebase(_: &Self, mine: &Self, _: &Self) -> Option<Self> {
        Some(mine.clone())
    }
}

/// A correction is saved on the card's revision it began from (a later save elsewhere is caught then): its draft
/// keeps the later write.
impl crate::domain::rebase::Rebase for CardEdit {
    fn rebase(_: &Self, mine: &Self, _: &Self) -> Option<Self> {
        Some(mine.clone())
    }
    const WRITTEN_AGAIN_WHILE_CARD_LIVES: bool = true;
}

impl Record for CardEdit {
    const COLLECTION: Collection = Collection::Drafts;
    fn id(&self) -> &str {
        &self.id
    }
    fn client_id(&self) -> Option<&str> {
        Some(&self.client_id)
    }
}

impl IntakeDraft {
    pub fn new() -> Self {
        Self { id: INTAKE_DRAFT_ID.into(), ..Self::default() }
    }

    /// A new intake under its own draft id (see [`intake_draft_id`]).
    pub fn with_id(id: String) -> Self {
        Self { id, ..Self::default() }
    }

    /// Whether the person's consent is part of this intake: an existing card was chosen (its consent is on record),
    /// or consent was given (how is recorded) and the card is being filled in.
    pub fn consented(&self) -> bool {
        self.client_id.is_some() || (self.consent_form.is_some() && matches!(self.step, Step::Card | Step::Appeal))
    }

    /// The copy that may be written to the device. Before consent nothing personal is kept: the search text and the
    /// names it prefilled stay on the screen only (after a crash the worker searches again).
    pub fn to_store(&self) -> IntakeDraft {
        if self.consented() {
            self.clone()
        } else {
            IntakeDraft { query: String::new(), card: CardForm::default(), ..self.clone() }
        }
    }

    /// An intake untouched for more than `days` days is abandoned: erased rather than offered back.
    pub fn abandoned(&self, today: Date, days: u32) -> bool {
        untouched_for_longer(&self.updated_at, today, days)
    }

    /// Whether there is anything worth offering back. What a fresh intake prefills (the card's language, when the
    /// appeal was received, who took the consent) is not something the user typed.
    pub fn has_content(&self) -> bool {
        let card = CardForm { language: PersonLanguage::default(), ..self.card.clone() };
        let appeal = AppealForm { received_at: String::new(), ..self.appeal.clone() };
        !self.query.trim().is_empty() || self.client_id.is_some() || !card.is_blank() || appeal != AppealForm::default()
    }
}

/// Whether something last changed at `updated_at` (RFC 3339) has been left more than `days` days before `today`.
/// Read from a stored record's envelope, it tells an abandoned draft without decoding it.
pub fn untouched_for_longer(updated_at: &str, today: Date, days: u32) -> bool {
    updated_at.get(0..10).and_then(Date::parse_iso).is_some_and(|d| today.days() - d.days() > i64::from(days))
}

/// The editable list of question areas (no official classifier exists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionAreas {
    pub id: String,
    pub areas: Vec<String>,
}

pub const QUESTION_AREAS_ID: &str = "question-areas";

impl Record for QuestionAreas {
    const COLLECTION: Collection = Collection::Reference;
    fn id(&self) -> &str {
        &self.id
    }
}

impl Default for QuestionAreas {
    fn default() -> Self {
        let areas = [
            "соціальне забезпечення",
            "житлові питання",
            "сімейні питання",
            "спадщина",
            "земельні питання",
            "трудові питання",
            "пенсії",
            "документи, що посвідчують особу",
            "компенсація за зруйноване майно",
            "інше",
        ];
        Self { id: QUESTION_AREAS_ID.into(), areas: areas.iter().map(|s| (*s).to_owned()).collect() }
    }
}

impl QuestionAreas {
    /// This tab's list (`mine`, edited from `base`) put on the list as stored now (`theirs`), area by area: what this
    /// tab added or removed is applied, the rest is as stored.
    pub fn merged(base: &QuestionAreas, mine: &QuestionAreas, theirs: &QuestionAreas) -> QuestionAreas {
        let mut areas: Vec<String> =
            theirs.areas.iter().filter(|a| mine.areas.contains(a) || !base.areas.contains(a)).cloned().collect();
        for a in &mine.areas {
            if !areas.contains(a) && !base.areas.contains(a) {
                areas.push(a.clone());
            }
        }
        QuestionAreas { id: theirs.id.clone(), areas }
    }

    /// One area a line; blank lines and repeats dropped.
    pub fn from_lines(text: &str) -> Self {
        let mut areas: Vec<String> = Vec::new();
        for line in text.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")) {
            if !line.is_empty() && !areas.contains(&line) {
                areas.push(line);
            }
        }
        Self { id: QUESTION_AREAS_ID.into(), areas }
    }
}

/// What withdrawing consent writes: the card without personal data, appeals scrubbed, drafts to delete.
#[derive(Debug, Clone, PartialEq)]
pub struct Erasure {
    pub client: Client,
    pub appeals: Vec<Appeal>,
    pub checklists: Vec<Checklist>,
    pub drafts: Vec<String>,
}

/// What the worker is shown before confirming.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErasurePreview {
    pub has_card: bool,
    pub appeals: usize,
    pub drafts: usize,
    /// Kept export files that carried the client's records (removed with them).
    pub files: usize,
}

pub fn erasure_preview(client: &Client, appeals: &[Appeal], drafts: usize, files: usize) -> ErasurePreview {
    ErasurePreview { has_card: client.personal.is_some(), appeals: appeals.len(), drafts, files }
}

pub fn withdraw_consent(
    client: &Client,
    appeals: &[Appeal],
    checklists: &[Checklist],
    drafts: Vec<String>,
    now: &str,
    by: &str,
) -> Erasure {
    let mut c = client.clone();
    c.erase_personal();
    c.consent.withdrawn_at = Some(now.to_owned());
    c.consent.withdrawn_by = Some(by.to_owned());
    Erasure {
        client: c,
        appeals: appeals.iter().map(Appeal::scrubbed).collect(),
        checklists: checklists.iter().map(Checklist::scrubbed).collect(),
        drafts,
    }
}

impl IntakeDraft {
    /// Whether this draft (one not linked to a card) is about the person of `p`, so that a withdrawal of consent
    /// erases it too: the same tax number, a phone in common, or both the surname and the given name (in the card
    /// form, or typed in the search).
    pub fn is_about(&self, p: &super::client::Personal) -> bool {
        use super::text::{digits, normalise};
        let tax = digits(&self.card.tax_number);
        if !tax.is_empty() && tax == digits(&p.tax_number) {
            return true;
        }
        let tail = |d: &str| d.get(d.len().saturating_sub(9)..).unwrap_or("").to_owned();
        let theirs: Vec<String> = p.phones.iter().map(|ph| tail(&digits(ph))).filter(|d| d.len() == 9).collect();
        let typed = digits(&self.card.phones);
        if theirs.iter().any(|d| typed.contains(d.as_str())) {
            return true;
        }
        let (surname, given) = (normalise(&p.surname), normalise(&p.given_name));
        if surname.is_empty() || given.is_empty() {
            return false;
        }
        let named = normalise(&self.card.surname) == surname && normalise(&self.card.given_name) == given;
        let words: Vec<String> = normalise(&self.query).split(' ').map(str::to_owned).collect();
        named || (words.contains(&surname) && words.contains(&given))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tab_has_its_own_intake_draft_id() {
        let id = intake_draft_id("0b1e0b9e-8a3a-4c1e-9a52-3c1f1f2a0001");
        assert!(is_intake_draft_id(&id) && is_intake_draft_id(INTAKE_DRAFT_ID));
        assert!(!is_intake_draft_id("card-edit-0b1e0b9e") && !is_intake_draft_id("intakes"));
        assert_eq!(IntakeDraft::with_id(id.clone()).id, id);
    }

    #[test]
    fn question_areas_edited_in_two_tabs_keep_both_changes() {
        let list = |a: &[&str]| QuestionAreas { id: QUESTION_AREAS_ID.into(), areas: a.iter().map(|s| (*s).to_owned()).collect() };
        let base = list(&["житлові питання", "сімейні питання", "пенсії"]);
        let theirs = list(&["житлові питання", "сімейні питання", "пенсії", "земельні питання"]);
        let mine = list(&["житлові питання", "сімейні питання", "соціальні виплати"]);
        let out = QuestionAreas::merged(&base, &mine, &theirs);
        assert_eq!(out.areas, vec!["житлові питання", "сімейні питання", "земельні питання", "соціальні виплати"]);
    }

    #[test]
    fn a_draft_is_about_a_person_by_tax_number_phone_or_full_name() {
        let p = crate::domain::client::Personal {
            surname: "Гончаренко".into(),
            given_name: "Єлизавета".into(),
            phones: vec!["+380977654321".into()],
            tax_number: "3012345678".into(),
            ..Default::default()
        };
        let mut d = IntakeDraft::new();
        assert!(!d.is_about(&p), "an empty draft");
        d.query = "гончаренко".into();
        assert!(!d.is_about(&p), "a surname alone may be another person");
        d.query = "Гончаренко  Єлизавета 1977".into();
        assert!(d.is_about(&p));
        let mut d = IntakeDraft::new();
        d.card.surname = "ГОНЧАРЕНКО".into();
        d.card.given_name = "єлизавета".into();
        assert!(d.is_about(&p));
        d.card.given_name = "Олена".into();
        assert!(!d.is_about(&p));
        d.card.phones = "097 765-43-21".into();
        assert!(d.is_about(&p));
        let mut d = IntakeDraft::new();
        d.card.tax_number = "3012345678".into();
        assert!(d.is_about(&p));
    }

    #[test]
    fn before_consent_a_draft_keeps_nothing_personal() {
        let mut d = IntakeDraft::new();
        d.query = "Петренко 01.01.1990".into();
        d.card.prefill_from_search(&d.query.clone());
        d.step = Step::Consent;
        d.consent_form = Some(ConsentForm::Oral);
        let kept = d.to_store();
        assert_eq!((kept.query.as_str(), kept.card.surname.as_str()), ("", ""));
        assert!(!kept.has_content(), "nothing to offer back before consent");
        assert_eq!(kept.consent_form, Some(ConsentForm::Oral), "how consent is being given is not personal");
        d.step = Step::Card;
        assert_eq!(d.to_store().card.surname, "Петренко", "once consent is given the card is kept");
        let mut existing = IntakeDraft::new();
        existing.client_id = Some("c1".into());
        existing.step = Step::Appeal;
        existing.appeal.account = "Борг".into();
        assert_eq!(existing.to_store(), existing, "an existing card's consent is on record");
    }

    #[test]
    fn a_draft_untouched_for_longer_than_the_period_is_abandoned() {
        let mut d = IntakeDraft::new();
        d.updated_at = "2026-11-20T10:00:00Z".into();
        let day = |n| Date::new(2026, 11, n).expect("date");
        assert!(!d.abandoned(day(27), 7));
        assert!(d.abandoned(day(28), 7));
        assert!(!IntakeDraft::new().abandoned(day(28), 0), "no date: never erased by age");
    }

    #[test]
    fn the_consent_form_is_a_choice_and_old_drafts_still_read() {
        let old: IntakeDraft = serde_json::from_str(r#"{"id":"intake","consent_form":""}"#).expect("old, not chosen");
        assert_eq!(old.consent_form, None);
        let old: IntakeDraft =
            serde_json::from_str(r#"{"id":"intake","consent_form":"written"}"#).expect("old, chosen");
        assert_eq!(old.consent_form, Some(ConsentForm::Written));
        let mut d = IntakeDraft::new();
        d.consent_form = Some(ConsentForm::Oral);
        let back: IntakeDraft = serde_json::from_str(&serde_json::to_string(&d).expect("json")).expect("read");
        assert_eq!(back, d);
        assert_eq!(ConsentForm::from_code("oral"), Some(ConsentForm::Oral));
        assert_eq!(ConsentForm::from_code("усна"), None);
    }
    use crate::domain::appeal::{AidKind, Channel};
    use crate::domain::client::{Consent, ConsentForm, Needs, Personal};

    fn client() -> Client {
        Client {
            id: "c1".into(),
            created_at: "2026-11-25T10:00:00Z".into(),
            consent: Consent {
                text_version: "2026-11".into(),
                text_lang: "uk".into(),
                form: ConsentForm::Oral,
                given_at: "2026-11-25T10:00:00Z".into(),
                taken_by: "Олена".into(),
                withdrawn_at: None,
                withdrawn_by: None,
            },
            purged_at: None,
            history: vec![],
            merged_into: None,
            personal: Some(Personal {
                surname: "Шевченко".into(),
                given_name: "Олександр".into(),
                patronymic: String::new(),
                birth_date: "1987-03-12".into(),
                sex: None,
                phones: vec!["+380671234567".into()],
                email: String::new(),
                address: "Бородянка".into(),
                registration_address: String::new(),
                no_fixed_address: false,
                document_kind: String::new(),
                document_series: String::new(),
                document_number: "123".into(),
                no_documents: false,
                no_documents_reason: None,
                tax_number: String::new(),
                tax_refused: true,
                no_tax_number: Some(crate::domain::client::NoTaxNumber::Religious),
                language: PersonLanguage::Ukrainian,
                needs: Needs { hearing: true, ..Needs::default() },
                representative_id: None,
            }),
        }
    }

    fn appeal() -> Appeal {
        Appeal {
            id: "a1".into(),
            client_id: "c1".into(),
            received_at: "2026-11-25T10:05".into(),
            channel: Channel::Outreach,
            location: "Бородянка".into(),
            area: "житлові питання".into(),
            account: "Шевченко розповів про будинок".into(),
            aid: AidKind::Consultation,
            outcome: "Роз'яснено".into(),
            worker: "Олена".into(),
            follow_up: None,
            written: false,
            referral: None,
            exported_in: None,
            follow_up_done: None,
            history: vec![],
        }
    }

    #[test]
    fn withdrawal_erases_personal_data_and_keeps_statistics() {
        let e =
            withdraw_consent(&client(), &[appeal()], &[], vec![INTAKE_DRAFT_ID.into()], "2026-12-01T09:00:00Z", "Ігор");
        assert_eq!(e.client.personal, None);
        assert_eq!(e.client.consent.withdrawn_at.as_deref(), Some("2026-12-01T09:00:00Z"));
        assert_eq!(e.client.consent.withdrawn_by.as_deref(), Some("Ігор"));
        let text = serde_json::to_string(&e.client).unwrap() + &serde_json::to_string(&e.appeals).unwrap();
        for personal in ["Шевченко", "Олександр", "1987", "+380", "Бородянка вул", "Роз'яснено"]
        {
            assert!(!text.contains(personal), "{personal} survived");
        }
        assert_eq!(e.appeals[0].area, "житлові питання");
        assert_eq!(e.drafts, vec!["intake"]);
        assert_eq!(
            erasure_preview(&client(), &[appeal()], 1, 2),
            ErasurePreview { has_card: true, appeals: 1, drafts: 1, files: 2 }
        );
    }

    #[test]
    fn areas_are_edited_one_a_line() {
        let a = QuestionAreas::from_lines("пенсії\n\n  земельні   питання \nпенсії\n");
        assert_eq!(a.areas, vec!["пенсії", "земельні питання"]);
        assert!(QuestionAreas::default().areas.len() >= 7);
    }

    #[test]
    fn an_empty_draft_is_not_offered() {
        let mut d = IntakeDraft::new();
        assert!(!d.has_content());
        d.card.language = PersonLanguage::Ukrainian;
        d.appeal.received_at = "2026-11-25T10:42".into();
        d.consent_by = "Олена Коваль".into();
        assert!(!d.has_content(), "what a fresh intake prefills is not content");
        d.card.surname = "Ш".into();
        assert!(d.has_content());
    }
}
