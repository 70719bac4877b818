//! The client list's two lists: the clients with an appeal that passes the filters (every client when no filter is
//! set), most recent first or in the search's order, and the appeals that pass, newest first — how many of each, and
//! the first `n` of them.
//!
//! Made a step at a time ([`ListsMaker::step`]): with 100,000 cards one pass over them all held the screen for
//! 120–170 ms, so the screen goes through them in steps and lets the browser paint and take input between them.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::appeal::{Appeal, AppealFilter};
use super::best::FirstN;
use super::client::Client;

/// What the lists show: the first rows of each, and how many there are in all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lists {
    /// Ids of the clients shown, in order.
    pub clients: Vec<String>,
    pub clients_count: usize,
    pub appeals: Vec<Appeal>,
    pub appeals_count: usize,
}

/// A client's id and the time that places it in the list (its last appeal's).
type Recent = (String, String);
type Order<T> = fn(&T, &T) -> Ordering;

fn recent(a: (&str, &str), b: (&str, &str)) -> Ordering {
    b.1.cmp(a.1).then_with(|| a.0.cmp(b.0))
}

fn newest(a: &Appeal, b: &Appeal) -> Ordering {
    b.received_at.cmp(&a.received_at).then_with(|| a.id.cmp(&b.id))
}

/// The lists being made. Between steps the cards and appeals given must not change (whoever makes the lists starts
/// again when they do).
pub struct ListsMaker {
    filter: AppealFilter,
    /// The search's hits, best first, when there is a query: the clients keep this order.
    found: Option<Vec<String>>,
    n: usize,
    /// The appeals are still loading: a card without any is placed by its own date (the list is then in about its
    /// final order at once).
    loading: bool,
    /// How many cards (or hits) the steps so far went through.
    done: usize,
    finished: bool,
    recent: FirstN<Recent, Order<Recent>>,
    in_order: Vec<String>,
    appeals: FirstN<Appeal, Order<Appeal>>,
    clients_count: usize,
    appeals_count: usize,
}

impl ListsMaker {
    pub fn new(filter: AppealFilter, found: Option<Vec<String>>, n: usize, loading: bool) -> Self {
        ListsMaker {
            filter,
            found,
            n,
            loading,
            done: 0,
            finished: false,
            recent: FirstN::new(n, |a, b| recent((&a.0, &a.1), (&b.0, &b.1))),
            in_order: Vec::new(),
            appeals: FirstN::new(n, newest),
            clients_count: 0,
            appeals_count: 0,
        }
    }

    /// Goes through up to `budget` more cards (or hits); true once every one has been gone through.
    pub fn step(
        &mut self,
        clients: &HashMap<String, Client>,
        appeals: &HashMap<String, Vec<Appeal>>,
        budget: usize,
    ) -> bool {
        if self.finished {
            return true;
        }
        let f = &self.filter;
        let every = f.is_empty();
        // The step's first rows are taken by reference; only those kept are copied, once the step ends.
        let mut recent_here =
            FirstN::new(self.n, |a: &(&String, &str), b: &(&String, &str)| recent((a.0, a.1), (b.0, b.1)));
        let mut appeals_here = FirstN::new(self.n, |a: &&Appeal, b: &&Appeal| newest(a, b));
        let items: Box<dyn Iterator<Item = (&String, Option<&Client>)>> = match &self.found {
            Some(ids) => Box::new(ids.iter().skip(self.done).map(|id| (id, None))),
            None => Box::new(clients.iter().skip(self.done).map(|(id, c)| (id, Some(c)))),
        };
        let mut seen = 0;
        for (id, card) in items.take(budget) {
            seen += 1;
            let list = appeals.get(id).map_or(&[][..], Vec::as_slice);
            let mut any = false;
            for a in list.iter().filter(|a| every || f.matches(a)) {
                any = true;
                self.appeals_count += 1;
                appeals_here.push(a);
            }
            if !(every || any) {
                continue;
            }
            self.clients_count += 1;
            if self.found.is_some() {
                if self.in_order.len() < self.n {
                    self.in_order.push(id.clone());
                }
                continue;
            }
            let last = match list.first() {
                Some(a) => a.received_at.as_str(),
                None if self.loading => card.or_else(|| clients.get(id)).map_or("", |c| c.created_at.as_str()),
                None => "",
            };
            recent_here.push((id, last));
        }
        for (id, last) in recent_here.into_vec() {
            self.recent.push((id.clone(), last.to_owned()));
        }
        for a in appeals_here.into_vec() {
            self.appeals.push(a.clone());
        }
        self.done += seen;
        self.finished = seen < budget;
        self.finished
    }

    /// The lists (what the steps went through: all of it once [`Self::step`] said so).
    pub fn finish(self) -> Lists {
        let clients = match self.found {
            Some(_) => self.in_order,
            None => self.recent.into_vec().into_iter().map(|(id, _)| id).collect(),
        };
        Lists {
            clients,
            clients_count: self.clients_count,
            appeals: self.appeals.into_vec(),
            appeals_count: self.appeals_count,
        }
    }
}

/// The lists in one go.
pub fn lists(
    clients: &HashMap<String, Client>,
    appeals: &HashMap<String, Vec<Appeal>>,
    filter: AppealFilter,
    found: Option<Vec<String>>,
    n: usize,
    loading: bool,
) -> Lists {
    let mut maker = ListsMaker::new(filter, found, n, loading);
    maker.step(clients, appeals, usize::MAX);
    maker.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::appeal::AidKind;
    use crate::domain::batch::tests::{appeal, client};
    use crate::domain::date::Date;

    /// Some cards, most with appeals (newest first, as the app keeps them), some without, some appeals of a card
    /// not held (an unreadable one), many on the same day.
    fn register(cards: usize) -> (HashMap<String, Client>, HashMap<String, Vec<Appeal>>) {
        let mut x: u64 = 99;
        let mut next = |m: u64| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        let mut clients = HashMap::new();
        let mut appeals: HashMap<String, Vec<Appeal>> = HashMap::new();
        for i in 0..cards {
            let id = format!("c{i:05}");
            let mut c = client(&id, "Коваль");
            c.created_at = format!("2026-0{}-1{}T09:00:00Z", 1 + next(9), next(10));
            if next(10) != 0 {
                clients.insert(id.clone(), c);
            }
            let mut list: Vec<Appeal> = (0..next(4))
                .map(|k| {
                    let mut a = appeal(&format!("a{i:05}-{k}"), &id, "x", next(3) == 0);
                    a.received_at = format!("2026-0{}-1{}T10:00", 1 + next(9), next(10));
                    a.area = ["пенсії", "житло"][next(2) as usize].into();
                    a.exported_in = (next(2) == 0).then(|| "b1".into());
                    a
                })
                .collect();
            list.sort_by(|a, b| b.received_at.cmp(&a.received_at));
            if !list.is_empty() {
                appeals.insert(id, list);
            }
        }
        (clients, appeals)
    }

    /// The lists as the screen made them before: every client and appeal put in order.
    fn sorted_all(
        clients: &HashMap<String, Client>,
        appeals: &HashMap<String, Vec<Appeal>>,
        f: &AppealFilter,
        found: Option<&[String]>,
        n: usize,
        loading: bool,
    ) -> Lists {
        let ids: Vec<&String> = match found {
            Some(ids) => ids.iter().collect(),
            None => clients.keys().collect(),
        };
        let mut listed: Vec<(String, String)> = Vec::new();
        let mut passed: Vec<Appeal> = Vec::new();
        for id in ids {
            let list = appeals.get(id).cloned().unwrap_or_default();
            let ok: Vec<Appeal> = list.iter().filter(|a| f.matches(a)).cloned().collect();
            if f.is_empty() || !ok.is_empty() {
                let last = match list.first() {
                    Some(a) => a.received_at.clone(),
                    None if loading => clients.get(id).map_or(String::new(), |c| c.created_at.clone()),
                    None => String::new(),
                };
                listed.push((id.clone(), last));
            }
            passed.extend(ok);
        }
        let clients_count = listed.len();
        if found.is_none() {
            listed.sort_by(|a, b| recent((&a.0, &a.1), (&b.0, &b.1)));
        }
        passed.sort_by(newest);
        let appeals_count = passed.len();
        passed.truncate(n);
        Lists {
            clients: listed.into_iter().take(n).map(|c| c.0).collect(),
            clients_count,
            appeals: passed,
            appeals_count,
        }
    }

    fn filters() -> Vec<AppealFilter> {
        vec![
            AppealFilter::default(),
            AppealFilter { area: "житло".into(), ..AppealFilter::default() },
            AppealFilter {
                from: Date::parse_iso("2026-03-01"),
                to: Date::parse_iso("2026-06-30"),
                ..AppealFilter::default()
            },
            AppealFilter { exported: Some(false), aid: Some(AidKind::Consultation), ..AppealFilter::default() },
        ]
    }

    #[test]
    fn in_steps_or_at_once_the_lists_are_those_of_sorting_everything() {
        let (clients, appeals) = register(700);
        let found: Vec<String> = ["c00007", "c00300", "c00002", "c00650", "nobody", "c00008"].map(String::from).into();
        for f in filters() {
            for found in [None, Some(found.clone())] {
                for loading in [false, true] {
                    for n in [0, 1, 5, 50] {
                        let want = sorted_all(&clients, &appeals, &f, found.as_deref(), n, loading);
                        for budget in [1, 7, 64, 699, 700, 701, usize::MAX] {
                            let mut maker = ListsMaker::new(f.clone(), found.clone(), n, loading);
                            let mut steps = 0;
                            while !maker.step(&clients, &appeals, budget) {
                                steps += 1;
                                assert!(steps <= 700, "it ends");
                            }
                            assert!(maker.step(&clients, &appeals, budget), "done stays done");
                            let got = maker.finish();
                            assert_eq!(
                                got, want,
                                "filter {f:?}, found {found:?}, loading {loading}, n {n}, budget {budget}"
                            );
                        }
                    }
                }
            }
        }
        let all = lists(&clients, &appeals, AppealFilter::default(), None, 50, false);
        assert_eq!(all.clients_count, clients.len());
        assert_eq!(all.clients.len(), 50);
        let held: usize = clients.keys().filter_map(|id| appeals.get(id)).map(Vec::len).sum();
        assert_eq!(all.appeals_count, held, "the appeals of a card not held are not listed");
        assert!(all.appeals.windows(2).all(|w| w[0].received_at >= w[1].received_at));
    }

    #[test]
    fn while_the_appeals_load_a_card_is_placed_by_its_own_date() {
        let mut clients = HashMap::new();
        for (id, at) in [("a-old", "2025-01-01T00:00:00Z"), ("b-new", "2026-11-01T00:00:00Z")] {
            let mut c = client(id, "Коваль");
            c.created_at = at.into();
            clients.insert(id.to_owned(), c);
        }
        let appeals = HashMap::new();
        let loading = lists(&clients, &appeals, AppealFilter::default(), None, 10, true);
        assert_eq!(loading.clients, ["b-new", "a-old"]);
        let loaded = lists(&clients, &appeals, AppealFilter::default(), None, 10, false);
        assert_eq!(loaded.clients, ["a-old", "b-new"], "no appeals, loaded: by id");
        let found =
            lists(&clients, &appeals, AppealFilter::default(), Some(vec!["a-old".into(), "b-new".into()]), 10, true);
        assert_eq!(found.clients, ["a-old", "b-new"], "the search's order is kept");
    }
}
