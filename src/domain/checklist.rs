//! The БВПД checklist kept on an appeal (guide 3.4.2–3.5): what the worker picked and saw, as typed, and what the
//! assessment, the application and the decision came to. The eligibility rules themselves are in `eligibility`.
//!
//! A checklist keeps a snapshot of the rules it was assessed with (its categories and the minimums table), so a
//! decided checklist keeps showing what it was decided on after the centre installs newer rules.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::date::{add_working_days, Date};
use super::eligibility::{assess, Assessment, AssessmentInput, DocStatus, Group, IncomeInput, Kinds, Rules};
use crate::storage::{Collection, Record};

/// Months of income the income test asks for (the last six).
pub const INCOME_MONTHS: usize = 6;
/// Largest amount accepted in one money field, in kopecks (100 million hryvnias).
const MONEY_MAX: i64 = 10_000_000_000;

/// The income test as typed: amounts stay text until they parse, so nothing typed is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IncomeForm {
    pub months: Vec<String>,
    pub group: Group,
    /// The disability variant: pension or state assistance against 2× the able-bodied minimum.
    pub disability: bool,
    pub pension: String,
}

impl Default for IncomeForm {
    fn default() -> Self {
        IncomeForm {
            months: vec![String::new(); INCOME_MONTHS],
            group: Group::AbleBodied,
            disability: false,
            pension: String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyProblem {
    NotANumber,
    Negative,
    TooManyDecimals,
    TooLarge,
}

/// Reads an amount of hryvnias as people type it ("4 500,50", "4500.5", "4500 грн") into kopecks.
/// Empty text is `Ok(None)`.
pub fn parse_money(text: &str) -> Result<Option<i64>, MoneyProblem> {
    let t: String = text
        .trim()
        .trim_end_matches("грн")
        .trim_end_matches('.')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{2009}' && *c != '\u{202f}')
        .collect();
    if t.is_empty() {
        return Ok(None);
    }
    if t.starts_with('-') {
        return Err(MoneyProblem::Negative);
    }
    let (whole, frac) = match t.split_once([',', '.']) {
        Some((w, f)) => (w, f),
        None => (t.as_str(), ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return Err(MoneyProblem::NotANumber);
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(MoneyProblem::NotANumber);
    }
    if frac.len() > 2 {
        return Err(MoneyProblem::TooManyDecimals);
    }
    if whole.len() > 12 {
        return Err(MoneyProblem::TooLarge);
    }
    let hryvnias: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| MoneyProblem::NotANumber)? };
    let kop: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| MoneyProblem::NotANumber)? * 10,
        _ => frac.parse().map_err(|_| MoneyProblem::NotANumber)?,
    };
    let total = hryvnias * 100 + kop;
    if total > MONEY_MAX {
        return Err(MoneyProblem::TooLarge);
    }
    Ok(Some(total))
}

/// Which income field has a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyField {
    /// 0-based month.
    Month(usize),
    Pension,
}

impl IncomeForm {
    /// The income input for the test: `Ok(None)` while nothing is filled in; a bad amount names its field.
    pub fn input(&self) -> Result<Option<IncomeInput>, (MoneyField, MoneyProblem)> {
        if self.disability {
            let pension = parse_money(&self.pension).map_err(|p| (MoneyField::Pension, p))?;
            return Ok(pension.map(|p| IncomeInput { months: vec![], group: self.group, disability_pension: Some(p) }));
        }
        let mut months = Vec::new();
        for (i, m) in self.months.iter().enumerate() {
            if let Some(k) = parse_money(m).map_err(|p| (MoneyField::Month(i), p))? {
                months.push(k);
            }
        }
        Ok((!months.is_empty()).then_some(IncomeInput { months, group: self.group, disability_pension: None }))
    }
}

/// The written application (Art. 18) and what became of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Application {
    /// The substance of the issue, in the client's words (prefilled from the appeal).
    pub issue: String,
    /// ISO date the signed application was accepted; deadlines run from it.
    pub accepted_on: Option<String>,
    /// Returned as defective: ISO date and the reasons given.
    pub returned_on: Option<String>,
    pub return_reasons: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    #[default]
    Granted,
    Refused,
}

/// The centre's decision on the application (3.4.4, 3.5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// ISO date.
    pub on: String,
    pub verdict: Verdict,
    /// The kinds of БВПД granted.
    #[serde(default)]
    pub kinds: Kinds,
    /// The ground of a refusal.
    #[serde(default)]
    pub ground: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionProblem {
    NoKinds,
    NoGround,
    BadDate,
}

impl Decision {
    pub fn check(&self) -> Result<(), DecisionProblem> {
        if Date::parse_iso(&self.on).is_none() {
            return Err(DecisionProblem::BadDate);
        }
        match self.verdict {
            Verdict::Granted if self.kinds == Kinds::default() => Err(DecisionProblem::NoKinds),
            Verdict::Refused if self.ground.trim().is_empty() => Err(DecisionProblem::NoGround),
            _ => Ok(()),
        }
    }
}

/// Deadlines of an accepted application, in working days: a defective one returned within 3 (Art. 18), a decision
/// within 10 (Art. 19).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplicationDeadlines {
    pub return_by: Date,
    pub decide_by: Date,
}

/// The checklist on one appeal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Checklist {
    pub id: String,
    pub appeal_id: String,
    pub client_id: String,
    /// The assessment date (ISO): the minimum in force on it applies.
    pub on: String,
    pub categories: Vec<String>,
    /// Per category id: per document id, what was seen.
    pub documents: BTreeMap<String, BTreeMap<String, DocStatus>>,
    pub income: IncomeForm,
    /// The rules this checklist was last assessed with: version, minimums and the picked categories only.
    pub rules: Option<Rules>,
    pub application: Application,
    pub decision: Option<Decision>,
    /// The decision as being typed, before it is recorded.
    pub decision_form: Decision,
    /// The export batch that carried it, once exported.
    pub exported_in: Option<String>,
    /// БВПД grants to this client known from elsewhere (another centre, the central system): they count toward
    /// the yearly cap with the decisions on this device.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grants_elsewhere: Vec<GrantElsewhere>,
}

/// A БВПД grant made outside this device, as the worker learnt of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantElsewhere {
    /// ISO date of the decision.
    pub on: String,
    /// The Art. 14 item it was granted under (a category id of the rules).
    pub category: String,
    /// Who granted it, as the worker was told ("Київський місцевий центр", "центральна система").
    pub source: String,
}

/// Why a grant from elsewhere was not added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantProblem {
    /// Not a date, or after today.
    Date,
    NoCategory,
    NoSource,
}

impl GrantElsewhere {
    /// A grant as typed (date дд.мм.рррр); not after `today`.
    pub fn typed(on: &str, category: &str, source: &str, today: Date) -> Result<GrantElsewhere, GrantProblem> {
        let d = Date::parse_human(on).filter(|d| *d <= today).ok_or(GrantProblem::Date)?;
        if category.trim().is_empty() {
            return Err(GrantProblem::NoCategory);
        }
        let source = source.split_whitespace().collect::<Vec<_>>().join(" ");
        if source.is_empty() {
            return Err(GrantProblem::NoSource);
        }
        Ok(GrantElsewhere { on: d.iso(), category: category.trim().to_owned(), source })
    }
}

impl Record for Checklist {
    const COLLECTION: Collection = Collection::Assessments;
    fn id(&self) -> &str {
        &self.id
    }
    fn client_id(&self) -> Option<&str> {
        Some(&self.client_id)
    }
}

impl Checklist {
    pub fn new(id: String, appeal_id: String, client_id: String, on: Date, issue: String) -> Checklist {
        Checklist {
            id,
            appeal_id,
            client_id,
            on: on.iso(),
            application: Application { issue, ..Application::default() },
            ..Checklist::default()
        }
    }

    /// A new checklist for an appeal, assessed on the appeal's date: an appeal entered days later (from a paper form)
    /// is weighed against the subsistence minimum in force when the person came, not today's. `today` only when the
    /// appeal's date cannot be read. Its id is the appeal's: one checklist per appeal, held by the store's key, so two
    /// tabs that open the same appeal's checklist fill in one record (checklists made before keep their own id).
    pub fn for_appeal(appeal: &crate::domain::appeal::Appeal, today: Date) -> Checklist {
        let on = appeal.received_at.get(0..10).and_then(Date::parse_iso).unwrap_or(today);
        Checklist::new(appeal.id.clone(), appeal.id.clone(), appeal.client_id.clone(), on, appeal.account.clone())
    }

    /// Once decided, a checklist is kept as it was decided: it no longer follows newer rules.
    pub fn is_decided(&self) -> bool {
        self.decision.is_some()
    }

    /// The rules to weigh this checklist with: its own snapshot once decided, otherwise the rules in use.
    pub fn rules_for<'a>(&'a self, current: Option<&'a Rules>) -> Option<&'a Rules> {
        if self.is_decided() {
            self.rules.as_ref().or(current)
        } else {
            current.or(self.rules.as_ref())
        }
    }

    /// Toggles a category; its document statuses stay, in case it is picked again.
    pub fn toggle_category(&mut self, id: &str) {
        if let Some(i) = self.categories.iter().position(|c| c == id) {
            self.categories.remove(i);
        } else {
            self.categories.push(id.to_owned());
        }
    }

    pub fn set_document(&mut self, category: &str, document: &str, status: Option<DocStatus>) {
        let docs = self.documents.entry(category.to_owned()).or_default();
        match status {
            Some(s) => {
                docs.insert(document.to_owned(), s);
            }
            None => {
                docs.remove(document);
            }
        }
    }

    pub fn date(&self) -> Option<Date> {
        Date::parse_iso(&self.on)
    }

    /// Weighs the checklist with `rules`. A bad amount in the income form counts as no income given.
    pub fn assess(&self, rules: &Rules, birth: Option<Date>, grants_this_year: usize) -> Assessment {
        let documents =
            self.categories.iter().filter_map(|c| self.documents.get(c).map(|d| (c.clone(), d.clone()))).collect();
        let input = AssessmentInput {
            on: self.date(),
            categories: self.categories.clone(),
            documents,
            income: self.income.input().ok().flatten(),
            birth,
            grants_this_year,
        };
        assess(rules, &input)
    }

    /// Records what the checklist is assessed with: the picked categories of `rules` and its minimums.
    pub fn snapshot(&mut self, rules: &Rules) {
        let mut r = rules.clone();
        r.categories.retain(|c| self.categories.contains(&c.id));
        self.rules = Some(r);
    }

    /// Documents marked as seen (original or copy) for the picked categories: the application's attachments.
    pub fn attached<'a>(&self, rules: &'a Rules) -> Vec<(&'a str, bool)> {
        let mut out = Vec::new();
        for c in self.categories.iter().filter_map(|id| rules.category(id)) {
            let Some(seen) = self.documents.get(&c.id) else { continue };
            for d in &c.documents {
                match seen.get(&d.id) {
                    Some(DocStatus::OriginalSeen) => out.push((d.id.as_str(), true)),
                    Some(DocStatus::CopyTaken) => out.push((d.id.as_str(), false)),
                    _ => {}
                }
            }
        }
        out
    }

    pub fn deadlines(&self, holidays: &[Date]) -> Option<ApplicationDeadlines> {
        let d = Date::parse_iso(self.application.accepted_on.as_deref()?)?;
        Some(ApplicationDeadlines {
            return_by: add_working_days(d, 3, holidays),
            decide_by: add_working_days(d, 10, holidays),
        })
    }

    /// Which of two checklists of one appeal is the appeal's (older devices gave checklists ids of their own, so an
    /// import can bring a second): a newer copy of the same one; else a decided one; else the one under the
    /// appeal's own id; else by id, so every tab picks the same.
    pub fn comes_before(&self, other: &Checklist) -> bool {
        if self.id == other.id {
            return true;
        }
        let rank = |c: &Checklist| (c.is_decided(), c.id == c.appeal_id);
        match rank(self).cmp(&rank(other)) {
            std::cmp::Ordering::Equal => self.id < other.id,
            o => o == std::cmp::Ordering::Greater,
        }
    }

    /// Keeps what statistics need (categories, dates, decision) and erases the client's words and incomes.
    pub fn scrubbed(&self) -> Checklist {
        let mut c = self.clone();
        c.income = IncomeForm::default();
        c.application.issue.clear();
        c.application.return_reasons.clear();
        if let Some(d) = c.decision.as_mut() {
            d.ground.clear();
        }
        c.decision_form = Decision::default();
        c
    }
}

impl crate::domain::rebase::Rebase for Checklist {
    /// Part by part (each tab's answers kept; an answer changed in both, this tab's), the chosen categories and the
    /// grants from elsewhere as sets. Nothing is put on a checklist whose client's words were erased meanwhile.
    fn rebase(base: &Self, mine: &Self, theirs: &Self) -> Option<Self> {
        if theirs == &theirs.scrubbed() && base != &base.scrubbed() {
            return None;
        }
        use crate::domain::rebase::{merge_records, merge_set};
        let mut out = merge_records(base, mine, theirs).unwrap_or_else(|| mine.clone());
        out.categories = merge_set(&base.categories, &mine.categories, &theirs.categories);
        out.grants_elsewhere = merge_set(&base.grants_elsewhere, &mine.grants_elsewhere, &theirs.grants_elsewhere);
        Some(out)
    }
}

/// БВПД grants made to a client in the budget year of `on`: the decisions of the client's other checklists on this
/// device (leaving out `current`, the one being assessed), and the grants from elsewhere recorded on any of them,
/// each counted once however many checklists recorded it.
pub fn grants_in_year(checklists: &[Checklist], current: &Checklist, on: Date) -> usize {
    let here = checklists
        .iter()
        .filter(|c| c.id != current.id)
        .filter_map(|c| c.decision.as_ref())
        .filter(|d| d.verdict == Verdict::Granted)
        .filter_map(|d| Date::parse_iso(&d.on))
        .filter(|d| d.year == on.year)
        .count();
    let elsewhere: std::collections::BTreeSet<(String, String, String)> = checklists
        .iter()
        .filter(|c| c.id != current.id)
        .chain(std::iter::once(current))
        .flat_map(|c| &c.grants_elsewhere)
        .filter(|g| Date::parse_iso(&g.on).is_some_and(|d| d.year == on.year))
        .map(|g| (g.on.clone(), g.category.clone(), crate::domain::text::normalise(&g.source)))
        .collect();
    here + elsewhere.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::eligibility::Outcome;

    fn rules() -> Rules {
        Rules::parse(include_str!("../../public/rules.json")).expect("shipped rules parse")
    }

    fn d(s: &str) -> Date {
        Date::parse_iso(s).expect("date")
    }

    #[test]
    fn a_past_appeal_is_assessed_on_its_own_date() {
        let appeal = crate::domain::appeal::Appeal {
            id: "a1".into(),
            client_id: "c1".into(),
            received_at: "2025-12-31T10:00".into(),
            account: "Борг".into(),
            ..crate::domain::batch::tests::appeal("a1", "c1", "Борг", false)
        };
        let mut c = Checklist::for_appeal(&appeal, d("2026-11-28"));
        assert_eq!(c.on, "2025-12-31", "the appeal's date, not the day it is typed in");
        assert_eq!((c.appeal_id.as_str(), c.client_id.as_str(), c.application.issue.as_str()), ("a1", "c1", "Борг"));
        assert_eq!(c.id, "a1", "one checklist per appeal: its key is the appeal's id");
        // An average of 6,100.00 a month: over the line on the appeal's date, under it on today's minimum.
        c.toggle_category("1");
        for m in 0..6 {
            c.income.months[m] = "6100".into();
        }
        let on_appeal = c.assess(&rules(), None, 0);
        let mut today = c.clone();
        today.on = "2026-11-28".into();
        let on_today = today.assess(&rules(), None, 0);
        assert!(on_appeal.outcome != on_today.outcome, "{:?} / {:?}", on_appeal.outcome, on_today.outcome);
        assert!(matches!(on_today.outcome, Outcome::Eligible { .. } | Outcome::OnceDocumentsBrought { .. }));
        let mut unreadable = appeal.clone();
        unreadable.received_at = "вчора".into();
        assert_eq!(Checklist::for_appeal(&unreadable, d("2026-11-28")).on, "2026-11-28");
    }

    #[test]
    fn money_reads_as_people_type_it() {
        assert_eq!(parse_money("4 500,50"), Ok(Some(450050)));
        assert_eq!(parse_money("4500.5"), Ok(Some(450050)));
        assert_eq!(parse_money("4\u{a0}500 грн"), Ok(Some(450000)));
        assert_eq!(parse_money("0,01"), Ok(Some(1)));
        assert_eq!(parse_money(",5"), Ok(Some(50)));
        assert_eq!(parse_money("  "), Ok(None));
        assert_eq!(parse_money("-5"), Err(MoneyProblem::Negative));
        assert_eq!(parse_money("5,555"), Err(MoneyProblem::TooManyDecimals));
        assert_eq!(parse_money("п'ять"), Err(MoneyProblem::NotANumber));
        assert_eq!(parse_money("1,2,3"), Err(MoneyProblem::NotANumber));
        assert_eq!(parse_money("1e5"), Err(MoneyProblem::NotANumber));
        assert_eq!(parse_money("999999999999999"), Err(MoneyProblem::TooLarge));
    }

    #[test]
    fn income_form_names_the_bad_field_and_skips_empty_months() {
        let mut f = IncomeForm::default();
        assert_eq!(f.input(), Ok(None));
        f.months[0] = "1000".into();
        f.months[2] = "2000,10".into();
        let i = f.input().expect("parses").expect("some");
        assert_eq!(i.months, vec![100000, 200010]);
        f.months[4] = "abc".into();
        assert_eq!(f.input(), Err((MoneyField::Month(4), MoneyProblem::NotANumber)));
        f.disability = true;
        f.pension = "-1".into();
        assert_eq!(f.input(), Err((MoneyField::Pension, MoneyProblem::Negative)));
        f.pension = "6056".into();
        assert_eq!(f.input().expect("ok").and_then(|i| i.disability_pension), Some(605600));
    }

    #[test]
    fn a_decided_checklist_keeps_the_rules_it_was_decided_on() {
        let current = rules();
        let mut c = Checklist::new("k".into(), "a".into(), "c".into(), d("2026-11-25"), String::new());
        c.toggle_category("2");
        c.snapshot(&current);
        let snap = c.rules.clone().expect("snapshot");
        assert_eq!(snap.categories.len(), 1);
        let mut newer = current.clone();
        newer.serial += 1;
        newer.version = "newer".into();
        assert_eq!(c.rules_for(Some(&newer)).map(|r| r.version.as_str()), Some("newer"));
        c.decision = Some(Decision {
            on: "2026-11-26".into(),
            verdict: Verdict::Granted,
            kinds: Kinds { defence: false, representation: true, documents: true },
            ground: String::new(),
        });
        assert_eq!(c.rules_for(Some(&newer)).map(|r| r.version.clone()), Some(current.version.clone()));
    }

    #[test]
    fn toggling_a_category_keeps_its_documents() {
        let mut c = Checklist::default();
        c.toggle_category("1");
        c.set_document("1", "passport", Some(DocStatus::CopyTaken));
        c.toggle_category("1");
        assert!(c.categories.is_empty());
        c.toggle_category("1");
        assert_eq!(c.documents["1"]["passport"], DocStatus::CopyTaken);
        c.set_document("1", "passport", None);
        assert!(c.documents["1"].is_empty());
    }

    #[test]
    fn assessment_uses_typed_income_and_the_date() {
        let r = rules();
        let mut c = Checklist::new("k".into(), "a".into(), "c".into(), d("2026-01-01"), String::new());
        c.toggle_category("1");
        for doc in &r.category("1").expect("item 1").documents {
            c.set_document("1", &doc.id, Some(DocStatus::OriginalSeen));
        }
        // No income typed: item 1 cannot be granted.
        assert!(matches!(c.assess(&r, None, 0).outcome, Outcome::NotEligible { .. }));
        let min = r.minimum_on(d("2026-01-01")).expect("minimum").able_bodied as i64 * 100;
        c.income.months = vec![format!("{}", 2 * min / 100); 6];
        assert!(matches!(c.assess(&r, None, 0).outcome, Outcome::Eligible { .. }));
        c.income.months[0] = format!("{},01", 2 * min / 100);
        assert!(matches!(c.assess(&r, None, 0).outcome, Outcome::NotEligible { .. }));
        assert!(matches!(c.assess(&r, None, 6).outcome, Outcome::NotEligible { .. }));
    }

    #[test]
    fn attachments_and_deadlines() {
        let r = rules();
        let mut c = Checklist::new("k".into(), "a".into(), "c".into(), d("2026-11-25"), String::new());
        c.toggle_category("2");
        let docs: Vec<String> = r.category("2").expect("item 2").documents.iter().map(|x| x.id.clone()).collect();
        c.set_document("2", &docs[0], Some(DocStatus::OriginalSeen));
        if docs.len() > 1 {
            c.set_document("2", &docs[1], Some(DocStatus::Missing));
        }
        assert_eq!(c.attached(&r), vec![(docs[0].as_str(), true)]);
        assert_eq!(c.deadlines(&[]), None);
        // Accepted on Wednesday 2026-11-25: 3 working days → Monday 30th; 10 → Wednesday 9 December.
        c.application.accepted_on = Some("2026-11-25".into());
        let dl = c.deadlines(&[]).expect("deadlines");
        assert_eq!(dl.return_by, d("2026-11-30"));
        assert_eq!(dl.decide_by, d("2026-12-09"));
    }

    #[test]
    fn a_decision_needs_kinds_or_a_ground() {
        let mut dec = Decision {
            on: "2026-11-30".into(),
            verdict: Verdict::Granted,
            kinds: Kinds::default(),
            ground: String::new(),
        };
        assert_eq!(dec.check(), Err(DecisionProblem::NoKinds));
        dec.kinds.representation = true;
        assert_eq!(dec.check(), Ok(()));
        dec.verdict = Verdict::Refused;
        assert_eq!(dec.check(), Err(DecisionProblem::NoGround));
        dec.ground = "Дохід перевищує поріг".into();
        assert_eq!(dec.check(), Ok(()));
        dec.on = "30.11".into();
        assert_eq!(dec.check(), Err(DecisionProblem::BadDate));
    }

    #[test]
    fn grants_count_only_granted_decisions_of_the_budget_year() {
        let granted = |id: &str, on: &str, v: Verdict| Checklist {
            id: id.into(),
            decision: Some(Decision { on: on.into(), verdict: v, kinds: Kinds::default(), ground: String::new() }),
            ..Checklist::default()
        };
        let list = vec![
            granted("a", "2026-01-05", Verdict::Granted),
            granted("b", "2026-06-05", Verdict::Granted),
            granted("c", "2025-12-31", Verdict::Granted),
            granted("d", "2026-03-01", Verdict::Refused),
            Checklist { id: "e".into(), ..Checklist::default() },
        ];
        let new = Checklist { id: "new".into(), ..Checklist::default() };
        assert_eq!(grants_in_year(&list, &new, d("2026-11-25")), 2);
        assert_eq!(grants_in_year(&list, &list[0], d("2026-11-25")), 1);
        assert_eq!(grants_in_year(&list, &new, d("2025-02-01")), 1);
    }

    #[test]
    fn grants_from_elsewhere_count_toward_the_cap_once() {
        let today = d("2026-11-25");
        let g = |on: &str, source: &str| GrantElsewhere::typed(on, "14", source, today).expect("valid");
        let mut current = Checklist { id: "now".into(), ..Checklist::default() };
        current.grants_elsewhere = vec![g("10.02.2026", "Київський центр"), g("15.12.2025", "Київський центр")];
        // The same grant recorded on an earlier checklist (spelled with other spacing) counts once.
        let earlier = Checklist {
            id: "earlier".into(),
            grants_elsewhere: vec![g("10.02.2026", "Київський  центр"), g("01.03.2026", "центральна система")],
            ..Checklist::default()
        };
        assert_eq!(grants_in_year(&[earlier.clone(), current.clone()], &current, today), 2);
        assert_eq!(grants_in_year(&[earlier], &current, d("2025-06-01")), 1);
        assert_eq!(GrantElsewhere::typed("26.11.2026", "14", "x", today), Err(GrantProblem::Date));
        assert_eq!(GrantElsewhere::typed("вчора", "14", "x", today), Err(GrantProblem::Date));
        assert_eq!(GrantElsewhere::typed("01.11.2026", "", "x", today), Err(GrantProblem::NoCategory));
        assert_eq!(GrantElsewhere::typed("01.11.2026", "14", "  ", today), Err(GrantProblem::NoSource));
    }

    #[test]
    fn a_checklist_edited_in_two_tabs_keeps_both_tabs_answers() {
        use crate::domain::rebase::Rebase;
        let mut base = Checklist::new("k".into(), "a".into(), "c".into(), d("2026-11-25"), "Борг за оренду".into());
        base.categories = vec!["14".into()];
        let mut mine = base.clone();
        mine.categories.push("22".into());
        mine.income.months[0] = "5000".into();
        let mut theirs = base.clone();
        theirs.categories = vec!["17".into()];
        theirs.income.months[1] = "4000".into();
        theirs.application.issue = "Борг за оренду житла".into();
        let out = Checklist::rebase(&base, &mine, &theirs).expect("rebased");
        assert_eq!(out.categories, vec!["22".to_string(), "17".into()]);
        // Months are one answer: changed on both sides, this tab's stands.
        assert_eq!(out.income.months, mine.income.months);
        assert_eq!(out.application.issue, "Борг за оренду житла");
        // The client's words erased meanwhile (consent withdrawn): nothing is put back.
        assert_eq!(Checklist::rebase(&base, &mine, &theirs.scrubbed()), None);
    }

    #[test]
    fn scrubbing_erases_words_and_incomes_but_keeps_the_decision() {
        let mut c = Checklist::new("k".into(), "a".into(), "c".into(), d("2026-11-25"), "Борг за оренду".into());
        c.income.months[0] = "5000".into();
        c.decision = Some(Decision {
            on: "2026-11-30".into(),
            verdict: Verdict::Refused,
            kinds: Kinds::default(),
            ground: "дохід".into(),
        });
        let s = c.scrubbed();
        assert!(s.application.issue.is_empty());
        assert_eq!(s.income, IncomeForm::default());
        assert_eq!(s.decision.as_ref().map(|d| d.verdict), Some(Verdict::Refused));
        assert!(s.decision.as_ref().is_some_and(|d| d.ground.is_empty()));
    }
}
