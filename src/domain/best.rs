//! The first `n` of many items in an order, without putting them all in order: what a list of 50 rows out of
//! 100,000 cards, or 20 search results out of thousands of matches, needs.

use std::cmp::Ordering;

/// Collects the first `n` of the items pushed, in the order `cmp` (a total order: `Less` comes first).
///
/// Each item is compared once with the last of those kept so far, and most go no further: the kept ones (at most
/// `2n`) are cut back to `n` when full. About one comparison an item, where sorting them all takes `log2(len)` and
/// selecting the `n`th about three.
pub struct FirstN<T, F> {
    n: usize,
    cmp: F,
    kept: Vec<T>,
    /// After a cut, the item just after the first `n`: one that does not come before it is not among them.
    bound: Option<T>,
}

impl<T, F: Fn(&T, &T) -> Ordering> FirstN<T, F> {
    pub fn new(n: usize, cmp: F) -> Self {
        FirstN { n, cmp, kept: Vec::new(), bound: None }
    }

    pub fn push(&mut self, item: T) {
        if self.n == 0 || self.bound.as_ref().is_some_and(|b| (self.cmp)(&item, b) != Ordering::Less) {
            return;
        }
        self.kept.push(item);
        if self.kept.len() == 2 * self.n {
            self.kept.select_nth_unstable_by(self.n, &self.cmp);
            self.kept.truncate(self.n + 1);
            self.bound = self.kept.pop();
        }
    }

    /// The first `n` (fewer if fewer were pushed), in order.
    pub fn into_vec(self) -> Vec<T> {
        let mut kept = self.kept;
        kept.sort_unstable_by(&self.cmp);
        kept.truncate(self.n);
        kept
    }
}

/// The first `n` of `items` in the order `cmp`, in that order (see [`FirstN`]).
pub fn first_n<T>(items: impl IntoIterator<Item = T>, n: usize, cmp: impl Fn(&T, &T) -> Ordering) -> Vec<T> {
    let mut first = FirstN::new(n, cmp);
    for item in items {
        first.push(item);
    }
    first.into_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_what_sorting_everything_gives() {
        let mut x: u64 = 12345;
        for n in [0usize, 1, 2, 3, 7, 50, 1000] {
            for len in [0usize, 1, 5, 49, 50, 51, 99, 100, 101, 1000, 5000] {
                let items: Vec<(u32, u32)> = (0..len)
                    .map(|i| {
                        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        // Many equal first keys (ties broken by the second, as the app breaks them by id).
                        (((x >> 33) % 17) as u32, i as u32)
                    })
                    .collect();
                let order = |a: &(u32, u32), b: &(u32, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
                let mut all = items.clone();
                all.sort_by(order);
                all.truncate(n);
                assert_eq!(first_n(items, n, order), all, "n {n}, len {len}");
            }
        }
    }

    #[test]
    fn compares_about_once_an_item() {
        let calls = std::cell::Cell::new(0usize);
        let items: Vec<u32> = (0..100_000u32).map(|i| i.wrapping_mul(2654435761) % 1_000_003).collect();
        let first = first_n(items.iter().copied(), 50, |a, b| {
            calls.set(calls.get() + 1);
            a.cmp(b)
        });
        let mut all = items;
        all.sort_unstable();
        assert_eq!(first, all[..50]);
        assert!(calls.get() < 130_000, "{} comparisons for 100,000 items", calls.get());
    }
}
