//! The БВПД eligibility rules (Art. 14 of Law 3460-VI) as dated, versioned data, and the checks an assessment makes
//! with them: categories, supporting documents, the income test (money in kopecks, never floats), children, the cap
//! of 6 grants a budget year. The rules file ships in `public/rules.json`; a centre may replace it with a newer one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::date::Date;

pub const RULES_FORMAT: &str = "pryiom-rules";
/// At most this many БВПД grants a budget year for categories with a cap (Art. 14 part 4).
pub const CAP: usize = 6;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub uk: String,
    pub en: String,
}

/// Kinds of БВПД a category gives: defence, representation, drafting procedural documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    All,
    RepresentationDocuments,
    DefenceDocuments,
    /// Foreigners lawfully present: the same rights as citizens, through another category.
    SameAsCitizens,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Kinds {
    pub defence: bool,
    pub representation: bool,
    pub documents: bool,
}

impl Scope {
    pub fn kinds(self) -> Kinds {
        match self {
            Scope::All => Kinds { defence: true, representation: true, documents: true },
            Scope::RepresentationDocuments => Kinds { defence: false, representation: true, documents: true },
            Scope::DefenceDocuments => Kinds { defence: true, representation: false, documents: true },
            Scope::SameAsCitizens => Kinds::default(),
        }
    }
}

impl Kinds {
    fn union(self, o: Kinds) -> Kinds {
        Kinds {
            defence: self.defence || o.defence,
            representation: self.representation || o.representation,
            documents: self.documents || o.documents,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    Required,
    /// One document of the same `group` is enough.
    Alternative,
    Optional,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRule {
    pub id: String,
    pub need: Need,
    #[serde(default)]
    pub group: String,
    pub name: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryRule {
    pub id: String,
    pub scope: Scope,
    pub cap: bool,
    /// Walk-in intake can assign it (items 3–8 and 11 come on a notice from police, court or investigator).
    pub walk_in: bool,
    pub income_test: bool,
    pub title: Text,
    pub hint: Text,
    /// Words people use for it instead of the law's (ВПО, переселенець; УБД; побої, кривдник), for the search.
    #[serde(default)]
    pub keywords: Text,
    pub documents: Vec<DocumentRule>,
}

/// Subsistence minimums in force from a date, whole hryvnias a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Minimum {
    pub from: String,
    pub general: u32,
    pub under6: u32,
    pub from6to18: u32,
    pub able_bodied: u32,
    pub lost_capacity: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    pub format: String,
    /// Raised with every file the publisher signs (1 to [`MAX_RULES_SERIAL`]).
    pub serial: u32,
    /// The day these rules take effect (ISO). Of two files, the later effective date wins, then the higher serial:
    /// an app update that ships newer rules is never blocked by an older file a centre installed.
    #[serde(default)]
    pub effective: String,
    /// What every assessment records as the rules it used.
    pub version: String,
    pub minimums: Vec<Minimum>,
    pub categories: Vec<CategoryRule>,
}

/// The largest rules file read (1 MiB; the shipped one is about 23 KB).
pub const MAX_RULES_BYTES: usize = 1 << 20;
/// The highest serial a rules file may carry (a file at `u32::MAX` once blocked every later update).
pub const MAX_RULES_SERIAL: u32 = 999_999;
/// The public keys (Ed25519, base64) of the rules publishers whose signed files the app accepts. The secret key is
/// kept by the publisher, outside this repository; `./pryiom sign-rules` signs a file with it (README).
pub const RULES_PUBLISHERS: &[&str] = &["REvnqD3QxC4wuvdbByVwZFqYrKFwPzb/33LO1E9gpCI="];
/// What a publisher signs: this line, then the file without its `signature` as canonical JSON (as batch checksums).
const RULES_CONTEXT: &[u8] = b"pryiom-rules/1\n";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RulesProblem {
    /// The file is larger than [`MAX_RULES_BYTES`]: not read.
    TooLarge {
        limit_bytes: usize,
    },
    NotRules {
        line: usize,
        column: usize,
    },
    WrongFormat,
    /// Not newer than the rules in use: (effective date, serial) of each.
    NotNewer {
        in_use: (String, u32),
        offered: (String, u32),
    },
    NoCategories,
    DuplicateCategory(String),
    /// Minimum row `index` (1-based) has a bad date or a zero amount, or is out of date order.
    BadMinimum(usize),
    /// The serial is 0 or above [`MAX_RULES_SERIAL`], or the effective date is not a date.
    BadSerial,
    BadEffective,
    /// The file carries no publisher's signature.
    Unsigned,
    /// The signature does not match the file (changed after signing), or is by a key the app does not know.
    SignatureInvalid,
}

/// The signature a rules file carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSignature {
    pub alg: String,
    pub public_key: String,
    pub value: String,
}

fn rules_message(unsigned: &serde_json::Value) -> Vec<u8> {
    let mut out = RULES_CONTEXT.to_vec();
    out.extend_from_slice(crate::domain::batch::canonical(unsigned).as_bytes());
    out
}

fn verify_rules(unsigned: &serde_json::Value, sig: &RulesSignature, keys: &[&str]) -> Result<(), RulesProblem> {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use ed25519_dalek::{Signature, VerifyingKey};
    let bad = RulesProblem::SignatureInvalid;
    if sig.alg != "ed25519" || !keys.contains(&sig.public_key.as_str()) {
        return Err(bad);
    }
    let key: [u8; 32] = STANDARD.decode(&sig.public_key).ok().and_then(|b| b.try_into().ok()).ok_or(bad.clone())?;
    let value: [u8; 64] = STANDARD.decode(&sig.value).ok().and_then(|b| b.try_into().ok()).ok_or(bad.clone())?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| bad.clone())?;
    key.verify_strict(&rules_message(unsigned), &Signature::from_bytes(&value)).map_err(|_| bad)
}

/// Signs a rules file's text with `key` (what `tests/support/sign_rules.py` does for the publisher; here for tests).
pub fn sign_rules(text: &str, key: &ed25519_dalek::SigningKey) -> Option<String> {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use ed25519_dalek::Signer;
    let mut tree: serde_json::Value = serde_json::from_str(text).ok()?;
    tree.as_object_mut()?.remove("signature");
    let value = key.sign(&rules_message(&tree));
    let sig = RulesSignature {
        alg: "ed25519".into(),
        public_key: STANDARD.encode(key.verifying_key().as_bytes()),
        value: STANDARD.encode(value.to_bytes()),
    };
    tree.as_object_mut()?.insert("signature".into(), serde_json::to_value(sig).ok()?);
    serde_json::to_string_pretty(&tree).ok()
}

impl Rules {
    /// Reads and checks a rules file signed by one of [`RULES_PUBLISHERS`].
    pub fn parse(text: &str) -> Result<Rules, RulesProblem> {
        Rules::parse_signed_by(text, RULES_PUBLISHERS)
    }

    /// Reads and checks a rules file signed by one of `keys`: its structure first (so a file of another kind says
    /// so), then the signature over the whole file.
    pub fn parse_signed_by(text: &str, keys: &[&str]) -> Result<Rules, RulesProblem> {
        if text.len() > MAX_RULES_BYTES {
            return Err(RulesProblem::TooLarge { limit_bytes: MAX_RULES_BYTES });
        }
        let mut tree: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| RulesProblem::NotRules { line: e.line(), column: e.column() })?;
        if tree.get("format").and_then(serde_json::Value::as_str) != Some(RULES_FORMAT) {
            return Err(RulesProblem::WrongFormat);
        }
        let signature = tree.as_object_mut().and_then(|o| o.remove("signature"));
        let r: Rules = Rules::deserialize(&tree).map_err(|_| RulesProblem::WrongFormat)?;
        if r.categories.is_empty() {
            return Err(RulesProblem::NoCategories);
        }
        let mut seen = std::collections::BTreeSet::new();
        for c in &r.categories {
            if !seen.insert(c.id.as_str()) {
                return Err(RulesProblem::DuplicateCategory(c.id.clone()));
            }
        }
        let mut prev: Option<Date> = None;
        for (i, m) in r.minimums.iter().enumerate() {
            let ok = Date::parse_iso(&m.from).filter(|d| prev.is_none_or(|p| *d > p));
            let amounts = [m.general, m.under6, m.from6to18, m.able_bodied, m.lost_capacity];
            if ok.is_none() || amounts.contains(&0) {
                return Err(RulesProblem::BadMinimum(i + 1));
            }
            prev = ok;
        }
        if r.minimums.is_empty() {
            return Err(RulesProblem::BadMinimum(1));
        }
        if r.serial == 0 || r.serial > MAX_RULES_SERIAL {
            return Err(RulesProblem::BadSerial);
        }
        if Date::parse_iso(&r.effective).is_none() {
            return Err(RulesProblem::BadEffective);
        }
        let signature = signature.ok_or(RulesProblem::Unsigned)?;
        let signature = RulesSignature::deserialize(&signature).map_err(|_| RulesProblem::SignatureInvalid)?;
        verify_rules(&tree, &signature, keys)?;
        Ok(r)
    }

    /// Which of two rules files is newer: the later effective date, then the higher serial.
    pub fn is_newer_than(&self, other: &Rules) -> bool {
        (self.effective.as_str(), self.serial) > (other.effective.as_str(), other.serial)
    }

    /// A replacement offered by a centre: accepted only when valid, signed and newer than the rules in use.
    pub fn replacement(&self, text: &str) -> Result<Rules, RulesProblem> {
        let r = Rules::parse(text)?;
        self.newer(r)
    }

    /// `offered`, if it is newer than these rules.
    pub fn newer(&self, offered: Rules) -> Result<Rules, RulesProblem> {
        if !offered.is_newer_than(self) {
            return Err(RulesProblem::NotNewer {
                in_use: (self.effective.clone(), self.serial),
                offered: (offered.effective.clone(), offered.serial),
            });
        }
        Ok(offered)
    }

    /// The minimums in force on `on` (the row with the latest start not after it).
    pub fn minimum_on(&self, on: Date) -> Option<&Minimum> {
        self.minimums.iter().rev().find(|m| Date::parse_iso(&m.from).is_some_and(|d| d <= on))
    }

    pub fn category(&self, id: &str) -> Option<&CategoryRule> {
        self.categories.iter().find(|c| c.id == id)
    }
}

/// The rules file a centre installed on this device, kept as given (Reference collection).
pub const RULES_ID: &str = "rules";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesRecord {
    pub id: String,
    pub text: String,
}

impl crate::storage::Record for RulesRecord {
    const COLLECTION: crate::storage::Collection = crate::storage::Collection::Reference;
    fn id(&self) -> &str {
        &self.id
    }
}

/// The rules to use: of the file shipped with the app and the one a centre installed, the newer (later effective
/// date, then higher serial): a newer file shipped with an app update wins over an older one installed.
pub fn newest(shipped: Option<Rules>, installed: Option<Rules>) -> Option<Rules> {
    match (shipped, installed) {
        (Some(a), Some(b)) => Some(if b.is_newer_than(&a) { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// The person's group for the income test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    AbleBodied,
    /// Persons who lost working capacity, e.g. pensioners.
    LostWorkingCapacity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomeInput {
    /// Monthly incomes in kopecks, usually the last 6 months.
    pub months: Vec<i64>,
    pub group: Group,
    /// For a person with disabilities: the monthly pension or state assistance, in kopecks.
    pub disability_pension: Option<i64>,
}

/// The figures an income test used, to show and to keep with the assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomeResult {
    pub minimum_from: String,
    /// The monthly minimum compared with (kopecks) and twice it.
    pub minimum: i64,
    pub threshold: i64,
    /// Average monthly income, or the pension in the disability variant (kopecks, rounded down).
    pub compared: i64,
    /// "Does not exceed": compared ≤ threshold.
    pub passes: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncomeProblem {
    NoMonths,
    Negative,
    NoMinimumOnDate,
}

pub fn income_test(rules: &Rules, on: Date, input: &IncomeInput) -> Result<IncomeResult, IncomeProblem> {
    let row = rules.minimum_on(on).ok_or(IncomeProblem::NoMinimumOnDate)?;
    if let Some(pension) = input.disability_pension {
        if pension < 0 {
            return Err(IncomeProblem::Negative);
        }
        let minimum = i64::from(row.able_bodied) * 100;
        let threshold = 2 * minimum;
        return Ok(IncomeResult {
            minimum_from: row.from.clone(),
            minimum,
            threshold,
            compared: pension,
            passes: pension <= threshold,
        });
    }
    if input.months.is_empty() {
        return Err(IncomeProblem::NoMonths);
    }
    if input.months.iter().any(|m| *m < 0) {
        return Err(IncomeProblem::Negative);
    }
    let minimum = i64::from(match input.group {
        Group::AbleBodied => row.able_bodied,
        Group::LostWorkingCapacity => row.lost_capacity,
    }) * 100;
    let threshold = 2 * minimum;
    let n = input.months.len() as i64;
    let sum: i64 = input.months.iter().sum();
    // Compare sums, not a rounded average: exact to the kopeck.
    Ok(IncomeResult {
        minimum_from: row.from.clone(),
        minimum,
        threshold,
        compared: sum / n,
        passes: sum <= threshold * n,
    })
}

/// What the worker saw of one supporting document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "date")]
pub enum DocStatus {
    OriginalSeen,
    CopyTaken,
    Missing,
    /// Will bring it by this date (ISO).
    WillBring(String),
}

impl DocStatus {
    fn present(&self) -> bool {
        matches!(self, DocStatus::OriginalSeen | DocStatus::CopyTaken)
    }
}

/// The documents still to bring for a category (required ones, and one of each alternative group).
pub fn documents_to_bring<'a>(cat: &'a CategoryRule, statuses: &BTreeMap<String, DocStatus>) -> Vec<&'a DocumentRule> {
    let present = |d: &DocumentRule| statuses.get(&d.id).is_some_and(DocStatus::present);
    let mut out = Vec::new();
    for d in &cat.documents {
        match d.need {
            Need::Required if !present(d) => out.push(d),
            Need::Alternative => {
                let group_done =
                    cat.documents.iter().any(|x| x.need == Need::Alternative && x.group == d.group && present(x));
                let first_of_group =
                    cat.documents.iter().find(|x| x.need == Need::Alternative && x.group == d.group).map(|x| &x.id)
                        == Some(&d.id);
                if !group_done && first_of_group {
                    out.push(d);
                }
            }
            _ => {}
        }
    }
    out
}

/// A child (under 18) may apply personally from 14; a younger child through a legal representative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Child {
    NotAChild,
    ThroughRepresentative,
    MayApplyPersonally,
}

pub fn child_status(birth: Date, on: Date) -> Child {
    match birth.age_on(on) {
        a if a >= 18 => Child::NotAChild,
        a if a >= 14 => Child::MayApplyPersonally,
        _ => Child::ThroughRepresentative,
    }
}

/// Grants in the budget (calendar) year of `on`.
pub fn grants_in_budget_year(grants: &[Date], on: Date) -> usize {
    grants.iter().filter(|d| d.year == on.year).count()
}

/// Everything an assessment weighs.
#[derive(Debug, Clone, Default)]
pub struct AssessmentInput {
    pub on: Option<Date>,
    pub categories: Vec<String>,
    /// Per category id: per document id, what was seen.
    pub documents: BTreeMap<String, BTreeMap<String, DocStatus>>,
    pub income: Option<IncomeInput>,
    pub birth: Option<Date>,
    /// Grants already made to this client in the budget year.
    pub grants_this_year: usize,
}

/// Why a category does not apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotApplying {
    UnknownCategory(String),
    IncomeTooHigh(String),
    IncomeNotGiven(String),
    NotAChild(String),
    CapReached(String),
    /// Part 2 (foreigners) gives rights only through another category.
    NeedsAnotherCategory(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Eligible {
        categories: Vec<String>,
        kinds: Kinds,
    },
    /// Eligible once these (category id, document id) are brought.
    OnceDocumentsBrought {
        categories: Vec<String>,
        kinds: Kinds,
        to_bring: Vec<(String, String)>,
    },
    NotEligible {
        reasons: Vec<NotApplying>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub rules_version: String,
    pub on: Date,
    pub income: Option<IncomeResult>,
    pub child: Option<Child>,
    pub outcome: Outcome,
}

pub fn assess(rules: &Rules, input: &AssessmentInput) -> Assessment {
    let on = input.on.unwrap_or(Date { year: 1970, month: 1, day: 1 });
    let income = input.income.as_ref().and_then(|i| income_test(rules, on, i).ok());
    let child = input.birth.map(|b| child_status(b, on));
    let mut reasons = Vec::new();
    let mut complete = Vec::new();
    let mut pending = Vec::new();
    let mut to_bring = Vec::new();
    let has_base = input.categories.iter().any(|id| id != "p2");
    for id in &input.categories {
        let Some(cat) = rules.category(id) else {
            reasons.push(NotApplying::UnknownCategory(id.clone()));
            continue;
        };
        if cat.scope == Scope::SameAsCitizens {
            if !has_base {
                reasons.push(NotApplying::NeedsAnotherCategory(id.clone()));
            }
            continue;
        }
        if cat.income_test {
            match &income {
                None => {
                    reasons.push(NotApplying::IncomeNotGiven(id.clone()));
                    continue;
                }
                Some(r) if !r.passes => {
                    reasons.push(NotApplying::IncomeTooHigh(id.clone()));
                    continue;
                }
                Some(_) => {}
            }
        }
        if id == "2" && child != Some(Child::MayApplyPersonally) && child != Some(Child::ThroughRepresentative) {
            reasons.push(NotApplying::NotAChild(id.clone()));
            continue;
        }
        if cat.cap && input.grants_this_year >= CAP {
            reasons.push(NotApplying::CapReached(id.clone()));
            continue;
        }
        let empty = BTreeMap::new();
        let missing = documents_to_bring(cat, input.documents.get(id).unwrap_or(&empty));
        if missing.is_empty() {
            complete.push(cat);
        } else {
            to_bring.extend(missing.iter().map(|d| (id.clone(), d.id.clone())));
            pending.push(cat);
        }
    }
    let kinds_of = |cats: &[&CategoryRule]| cats.iter().fold(Kinds::default(), |k, c| k.union(c.scope.kinds()));
    let outcome = if !complete.is_empty() {
        Outcome::Eligible { categories: complete.iter().map(|c| c.id.clone()).collect(), kinds: kinds_of(&complete) }
    } else if !pending.is_empty() {
        Outcome::OnceDocumentsBrought {
            categories: pending.iter().map(|c| c.id.clone()).collect(),
            kinds: kinds_of(&pending),
            to_bring,
        }
    } else {
        Outcome::NotEligible { reasons }
    };
    Assessment { rules_version: rules.version.clone(), on, income, child, outcome }
}

mod find;

#[cfg(test)]
mod tests;
