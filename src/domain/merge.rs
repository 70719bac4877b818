//! Merging two cards of the same person (a duplicate registered twice, or on two tablets): the worker keeps one card,
//! chooses part by part which values stay, and the other card becomes a tombstone ([`MergedInto`]) whose appeals,
//! checklists and represented persons move to the card kept. Pure; `crate::merge` writes it in one transaction.

use super::appeal::Appeal;
use super::checklist::Checklist;
use super::client::{card_changes, card_values, CardChange, Client, MergedInto, Personal};
use super::validate::check_tax_number;

/// The parts of a card chosen as a whole (a document's kind, series and number go together).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MergePart {
    Name,
    BirthDate,
    Sex,
    Phones,
    Email,
    Address,
    Document,
    TaxNumber,
    Language,
    Needs,
    Representative,
}

impl MergePart {
    pub const ALL: [MergePart; 11] = [
        MergePart::Name,
        MergePart::BirthDate,
        MergePart::Sex,
        MergePart::Phones,
        MergePart::Email,
        MergePart::Address,
        MergePart::Document,
        MergePart::TaxNumber,
        MergePart::Language,
        MergePart::Needs,
        MergePart::Representative,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MergePart::Name => "name",
            MergePart::BirthDate => "birth_date",
            MergePart::Sex => "sex",
            MergePart::Phones => "phones",
            MergePart::Email => "email",
            MergePart::Address => "address",
            MergePart::Document => "document",
            MergePart::TaxNumber => "tax_number",
            MergePart::Language => "language",
            MergePart::Needs => "needs",
            MergePart::Representative => "representative",
        }
    }

    /// The fields of [`super::client::CARD_FIELDS`] this part holds.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            MergePart::Name => &["surname", "given_name", "patronymic"],
            MergePart::BirthDate => &["birth_date"],
            MergePart::Sex => &["sex"],
            MergePart::Phones => &["phones"],
            MergePart::Email => &["email"],
            MergePart::Address => &["address", "no_fixed_address", "registration_address"],
            MergePart::Document => {
                &["document_kind", "document_series", "document_number", "no_documents", "no_documents_reason"]
            }
            MergePart::TaxNumber => &["tax_number", "no_tax_number"],
            MergePart::Language => &["language"],
            MergePart::Needs => &["needs.cannot_read_write", "needs.hearing", "needs.vision", "needs.mobility"],
            MergePart::Representative => &["representative_id"],
        }
    }

    /// Copies this part of `from` into `into`.
    fn take(self, from: &Personal, into: &mut Personal) {
        match self {
            MergePart::Name => {
                into.surname = from.surname.clone();
                into.given_name = from.given_name.clone();
                into.patronymic = from.patronymic.clone();
            }
            MergePart::BirthDate => into.birth_date = from.birth_date.clone(),
            MergePart::Sex => into.sex = from.sex,
            MergePart::Phones => into.phones = from.phones.clone(),
            MergePart::Email => into.email = from.email.clone(),
            MergePart::Address => {
                into.address = from.address.clone();
                into.no_fixed_address = from.no_fixed_address;
                into.registration_address = from.registration_address.clone();
            }
            MergePart::Document => {
                into.document_kind = from.document_kind.clone();
                into.document_series = from.document_series.clone();
                into.document_number = from.document_number.clone();
                into.no_documents = from.no_documents;
                into.no_documents_reason = from.no_documents_reason;
            }
            MergePart::TaxNumber => {
                into.tax_number = from.tax_number.clone();
                into.tax_refused = from.tax_refused;
                into.no_tax_number = from.no_tax_number;
            }
            MergePart::Language => into.language = from.language.clone(),
            MergePart::Needs => into.needs = from.needs.clone(),
            MergePart::Representative => into.representative_id = from.representative_id.clone(),
        }
    }

    /// This part's values as [`card_values`] writes them (to show side by side and to compare).
    pub fn values(self, p: &Personal) -> Vec<(&'static str, String)> {
        card_values(p).into_iter().filter(|(f, _)| self.fields().contains(f)).collect()
    }
}

/// Why two cards cannot be merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeRefused {
    /// The same card twice.
    SameCard,
    /// One of them holds no personal data (consent withdrawn, purged, or already merged).
    NotActive,
    /// Both have a valid РНОКПП and the numbers differ: two people.
    DifferentTaxNumbers,
    /// One is the legal representative of the other: two people.
    Representative,
}

/// Whether `keep` and `gone` may be merged.
pub fn merge_refusal(keep: &Client, gone: &Client) -> Option<MergeRefused> {
    if keep.id == gone.id {
        return Some(MergeRefused::SameCard);
    }
    let (Some(a), Some(b)) = (active(keep), active(gone)) else {
        return Some(MergeRefused::NotActive);
    };
    if let (Ok(x), Ok(y)) = (check_tax_number(&a.tax_number), check_tax_number(&b.tax_number)) {
        if x != y {
            return Some(MergeRefused::DifferentTaxNumbers);
        }
    }
    let represents = |p: &Personal, other: &Client| p.representative_id.as_deref() == Some(other.id.as_str());
    if represents(a, gone) || represents(b, keep) {
        return Some(MergeRefused::Representative);
    }
    None
}

fn active(c: &Client) -> Option<&Personal> {
    c.personal.as_ref().filter(|_| !c.is_withdrawn() && c.merged_into.is_none())
}

/// The parts in which two cards differ, in the order of the card.
pub fn differing_parts(a: &Personal, b: &Personal) -> Vec<MergePart> {
    MergePart::ALL.into_iter().filter(|part| part.values(a) != part.values(b)).collect()
}

/// The card kept: `keep`'s values, with the parts in `from_gone` taken from `gone`.
pub fn merged_personal(keep: &Personal, gone: &Personal, from_gone: &[MergePart]) -> Personal {
    let mut out = keep.clone();
    for part in from_gone {
        part.take(gone, &mut out);
    }
    out
}

/// What a merge writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Merge {
    /// The card kept, with the chosen values and a history entry naming the merged card.
    pub survivor: Client,
    /// The merged card: nothing personal, where it went.
    pub tombstone: Client,
    /// The merged card's appeals and checklists, now the survivor's.
    pub appeals: Vec<Appeal>,
    pub checklists: Vec<Checklist>,
    /// Cards whose legal representative was the merged card, now the survivor.
    pub represented: Vec<Client>,
}

/// Merges `gone` into `keep` with the card `personal` (already validated by the card's rules). `appeals`,
/// `checklists` and `represented` are the merged card's records and the cards it represents, as stored.
#[allow(clippy::too_many_arguments)]
pub fn merge(
    keep: &Client,
    gone: &Client,
    personal: Personal,
    appeals: &[Appeal],
    checklists: &[Checklist],
    represented: &[Client],
    by: &str,
    now: &str,
) -> Result<Merge, MergeRefused> {
    if let Some(refused) = merge_refusal(keep, gone) {
        return Err(refused);
    }
    let mut personal = personal;
    // The merged card cannot stay the survivor's representative.
    if personal.representative_id.as_deref() == Some(gone.id.as_str()) {
        personal.representative_id = None;
    }
    let mut survivor = keep.clone();
    let fields = keep.personal.as_ref().map(|old| card_changes(old, &personal)).unwrap_or_default();
    survivor.personal = Some(personal);
    survivor.history.push(CardChange {
        at: now.to_owned(),
        by: by.to_owned(),
        fields,
        merged_from: Some(gone.id.clone()),
    });
    let mut tombstone = gone.clone();
    tombstone.erase_personal();
    tombstone.merged_into = Some(MergedInto { id: keep.id.clone(), at: now.to_owned(), by: by.to_owned() });
    let appeals = appeals.iter().map(|a| Appeal { client_id: keep.id.clone(), ..a.clone() }).collect();
    let checklists = checklists.iter().map(|c| Checklist { client_id: keep.id.clone(), ..c.clone() }).collect();
    let represented = represented
        .iter()
        .filter(|c| c.id != keep.id)
        .filter(|c| c.personal.as_ref().is_some_and(|p| p.representative_id.as_deref() == Some(gone.id.as_str())))
        .map(|c| {
            let mut c = c.clone();
            if let Some(p) = c.personal.as_mut() {
                p.representative_id = Some(keep.id.clone());
            }
            c
        })
        .collect();
    Ok(Merge { survivor, tombstone, appeals, checklists, represented })
}

/// Where a card's records go: the card itself, or the card it was merged into (followed through later merges;
/// `None` at a loop).
pub fn follow<'a>(id: &'a str, merged_into: impl Fn(&str) -> Option<&'a str>) -> Option<&'a str> {
    let mut at = id;
    for _ in 0..16 {
        match merged_into(at) {
            Some(next) => at = next,
            None => return Some(at),
        }
    }
    None
}

#[cfg(test)]
mod tests;
