//! Disclosure control for aggregate outputs (shared/product/evaluation.md, after NHS Digital's
//! method for sub-national HES outputs): counts of 1–7 are shown as `*`, counts of 8 or more are
//! rounded to the nearest 5, statistics based on 1–7 values are shown as `*`, totals are computed
//! from unrounded values before rounding, and a lone suppressed cell in a row with a shown total
//! gets a second cell suppressed so it cannot be recovered by subtraction.

use serde::{Serialize, Serializer};

/// The rules in force; printed in every report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SuppressionPolicy {
    /// Counts from 1 to this value are suppressed (7 by default).
    pub max_suppressed: u64,
    /// Counts above it are rounded to the nearest multiple of this (5 by default; 1 disables rounding).
    pub rounding_base: u64,
}

impl Default for SuppressionPolicy {
    fn default() -> Self {
        Self { max_suppressed: 7, rounding_base: 5 }
    }
}

/// A figure as it may be shown: its value, `*` when suppressed, or nothing when there is no data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown<T> {
    Value(T),
    Suppressed,
    NoData,
}

impl<T> Shown<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Shown::Value(v) => Some(v),
            _ => None,
        }
    }
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Shown<U> {
        match self {
            Shown::Value(v) => Shown::Value(f(v)),
            Shown::Suppressed => Shown::Suppressed,
            Shown::NoData => Shown::NoData,
        }
    }
    pub fn is_suppressed(&self) -> bool {
        matches!(self, Shown::Suppressed)
    }
}

impl<T: Serialize> Serialize for Shown<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Shown::Value(v) => v.serialize(s),
            Shown::Suppressed => s.serialize_str("*"),
            Shown::NoData => s.serialize_none(),
        }
    }
}

impl SuppressionPolicy {
    fn is_small(&self, n: u64) -> bool {
        (1..=self.max_suppressed).contains(&n)
    }

    /// A count as it may be shown.
    pub fn count(&self, n: u64) -> Shown<u64> {
        if self.is_small(n) {
            return Shown::Suppressed;
        }
        Shown::Value(self.rounded(n))
    }

    /// A statistic (mean, median, rate, CI bound) computed from `n` values or people.
    pub fn statistic(&self, n: u64, value: Option<f64>) -> Shown<f64> {
        match value {
            _ if self.is_small(n) => Shown::Suppressed,
            Some(v) if v.is_finite() => Shown::Value(v),
            _ => Shown::NoData,
        }
    }

    /// A mean of `n` people's values (or a bound of its interval), published to as few decimals
    /// as it takes not to give `n` back.
    ///
    /// Each value is a whole multiple of `step`: 1 for scores, days and contacts; 2 for
    /// contacts per person-year over a 6-month window; the tariff's common unit for costs. At
    /// full precision, a mean of whole numbers says which `n` it was divided by: of the counts
    /// a published "50" allows (48 to 52) only the true one makes `mean × n` a whole number. To
    /// `d` decimals the mean could be any value within half a unit of its last digit, and every
    /// `n` of at least `step × 10^d` fits some whole total; so `d` is chosen so that every
    /// count the published one allows is that large. With no rounding (`rounding_base` 1) the
    /// count is published exactly and the mean is kept as it is.
    pub fn mean(&self, n: u64, step: f64, value: Option<f64>) -> Shown<f64> {
        self.statistic(n, value).map(|v| match self.mean_decimals(n, step) {
            Some(d) => round_to(v, d),
            None => v,
        })
    }

    /// The decimals [`Self::mean`] publishes a mean of `n` values in steps of `step` to (negative:
    /// rounded to tens, hundreds, …); `None` when counts are not rounded.
    pub fn mean_decimals(&self, n: u64, step: f64) -> Option<i32> {
        if self.rounding_base <= 1 || !(step > 0.0) {
            return None;
        }
        let smallest_allowed = self.rounded(n).saturating_sub(self.rounding_base / 2).max(self.max_suppressed + 1).max(1);
        Some(((smallest_allowed as f64 / step).log10().floor() as i32).clamp(-6, 6))
    }

    /// A share of people or referrals, as a percentage: `k` of `n` had the property.
    ///
    /// A percentage is a statistic of `n` people, so it is suppressed when `n` is small; but it
    /// also gives away its numerator: 27.3% next to a count of about 10 can only be 3 of 11. So
    /// it is also suppressed when `k` is a small count, or when `n − k` is (the small count
    /// would follow by subtraction). 0% and 100% of 8 or more people reveal no small count and
    /// are shown. `NoData` when `n` is 0.
    ///
    /// The percentage is of the rounded counts (`count(k)` of `count(n)`), never of the exact
    /// ones: 70.6% beside a published "35" accepted could only be 36 of 51, giving back the exact
    /// counts that rounding hid. Of the rounded counts it says nothing they do not.
    pub fn proportion(&self, k: u64, n: u64) -> Shown<f64> {
        if n == 0 {
            return Shown::NoData;
        }
        let k = k.min(n);
        if n <= self.max_suppressed || self.is_small(k) || self.is_small(n - k) {
            return Shown::Suppressed;
        }
        Shown::Value(self.rounded(k) as f64 / self.rounded(n) as f64 * 100.0)
    }

    /// A share of two published parts, as a percentage: `k` of `k + rest`, where the two counts
    /// are published and their total is not. Of the rounded parts (`rounded(k)` of
    /// `rounded(k) + rounded(rest)`): of the rounded total it would tell how the unrounded parts
    /// add up (12 and 12, shown as 10 and 10, make 24, shown as 25), which the parts do not say.
    /// Suppressed as [`Self::proportion`] is.
    pub fn proportion_of_parts(&self, k: u64, rest: u64) -> Shown<f64> {
        match self.proportion(k, k + rest) {
            Shown::Value(_) => {
                let (k, rest) = (self.rounded(k), self.rounded(rest));
                Shown::Value(k as f64 / (k + rest) as f64 * 100.0)
            }
            hidden => hidden,
        }
    }

    /// `n` rounded as a shown count is (to the nearest `rounding_base`), for the figures derived
    /// from counts: a share, rate or interval of the rounded counts gives back nothing they do not.
    pub fn rounded(&self, n: u64) -> u64 {
        let base = self.rounding_base.max(1);
        (n + base / 2) / base * base
    }

    /// A row of counts with its total: primary suppression, then secondary suppression of the
    /// smallest other non-zero cell when exactly one cell is suppressed, so the total cannot give
    /// the suppressed cell away. The total is rounded from the unrounded sum.
    pub fn row_with_total(&self, cells: &[u64]) -> (Vec<Shown<u64>>, Shown<u64>) {
        let mut shown: Vec<Shown<u64>> = cells.iter().map(|&n| self.count(n)).collect();
        let suppressed = shown.iter().filter(|s| s.is_suppressed()).count();
        if suppressed == 1 {
            let second = cells
                .iter()
                .enumerate()
                .filter(|(i, &n)| n > 0 && !shown[*i].is_suppressed())
                .min_by_key(|(_, &n)| n)
                .map(|(i, _)| i);
            if let Some(i) = second {
                shown[i] = Shown::Suppressed;
            }
        }
        (shown, self.count(cells.iter().sum()))
    }
}

/// `v` rounded to `decimals` places (negative: to tens, hundreds, …).
pub fn round_to(v: f64, decimals: i32) -> f64 {
    if decimals >= 0 {
        let f = 10f64.powi(decimals);
        (v * f).round() / f
    } else {
        let f = 10f64.powi(-decimals);
        (v / f).round() * f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_at_the_thresholds() {
        let p = SuppressionPolicy::default();
        assert_eq!(p.count(0), Shown::Value(0));
        assert_eq!(p.count(1), Shown::Suppressed);
        assert_eq!(p.count(7), Shown::Suppressed);
        assert_eq!(p.count(8), Shown::Value(10));
        assert_eq!(p.count(12), Shown::Value(10));
        assert_eq!(p.count(13), Shown::Value(15));
        assert_eq!(p.count(602), Shown::Value(600));
    }

    #[test]
    fn statistics_from_few_people_are_suppressed() {
        let p = SuppressionPolicy::default();
        assert_eq!(p.statistic(7, Some(3.2)), Shown::Suppressed);
        assert_eq!(p.statistic(8, Some(3.2)), Shown::Value(3.2));
        assert_eq!(p.statistic(0, None), Shown::NoData);
        assert_eq!(p.statistic(9, Some(f64::NAN)), Shown::NoData);
    }

    /// 36 accepted of 51 answered were published as "35" and 70.6%: only 36 of 51 gives 70.6%,
    /// so the percentage gave back the exact counts. Of the rounded counts it is 35 of 50.
    #[test]
    fn a_share_is_of_the_rounded_counts_and_gives_no_exact_count_back() {
        let p = SuppressionPolicy::default();
        assert_eq!(p.count(36), Shown::Value(35));
        assert_eq!(p.proportion(36, 51), Shown::Value(70.0));
        // Every pair of exact counts that rounds to the same published counts gives the same share.
        let shares: std::collections::BTreeSet<u64> = (33..=37).flat_map(|k| (48..=52).map(move |n| (k, n))).map(|(k, n)| (p.proportion(k, n).value().unwrap() * 1000.0) as u64).collect();
        assert_eq!(shares.len(), 1);
    }

    /// A mean of whole numbers at full precision gives back its count: 160 of 51 people is
    /// 3.137…, and only 51 of 48–52 makes it a whole total. Published to the decimals `mean`
    /// chooses, every count the published "50" allows fits a whole total.
    #[test]
    fn a_mean_is_published_to_decimals_that_fit_every_allowed_count() {
        let p = SuppressionPolicy::default();
        let whole_totals = |m: f64, d: i32, step: f64| (48..=52u64).filter(|&n| {
            let half = 0.5 * 10f64.powi(-d) * n as f64 / step;
            let k = m * n as f64 / step;
            (k - k.round()).abs() <= half + 1e-9
        }).count();
        let exact = 160.0 / 51.0;
        assert_eq!(whole_totals(exact, 15, 1.0), 1, "at full precision only 51 fits");
        let shown = *p.mean(51, 1.0, Some(exact)).value().unwrap();
        let d = p.mean_decimals(51, 1.0).unwrap();
        assert_eq!((d, shown), (1, 3.1));
        assert_eq!(whole_totals(shown, d, 1.0), 5);
        // Contacts per person-year over 6 months move in steps of 2: one decimal fewer at 50.
        assert_eq!(p.mean_decimals(51, 2.0), Some(1));
        assert_eq!(p.mean_decimals(8, 2.0), Some(0));
        assert_eq!(p.mean_decimals(20_000, 2.0), Some(3));
        // No rounding, nothing hidden: the mean is kept.
        let exact_policy = SuppressionPolicy { max_suppressed: 0, rounding_base: 1 };
        assert_eq!(exact_policy.mean(51, 1.0, Some(exact)), Shown::Value(exact));
        assert_eq!(p.mean(7, 1.0, Some(exact)), Shown::Suppressed);
    }

    /// 12 followed up and 12 not, shown as 10 and 10: 50% of the parts, not 10 of the total 24
    /// rounded to 25 (40%), which would say the parts are 23 or more together.
    #[test]
    fn a_share_of_two_published_parts_is_of_their_rounded_values() {
        let p = SuppressionPolicy::default();
        assert_eq!(p.proportion_of_parts(12, 12), Shown::Value(50.0));
        assert_eq!(p.proportion(12, 24), Shown::Value(40.0));
        assert_eq!(p.proportion_of_parts(12, 3), Shown::Suppressed);
        assert_eq!(p.proportion_of_parts(0, 0), Shown::NoData);
    }

    #[test]
    fn proportions_hide_small_numerators_and_small_remainders() {
        let p = SuppressionPolicy::default();
        assert_eq!(p.proportion(0, 0), Shown::NoData);
        // n at the threshold: 7 people is too few whatever k is; 8 is enough (0 of 8 = 0%).
        assert_eq!(p.proportion(0, 7), Shown::Suppressed);
        assert_eq!(p.proportion(0, 8), Shown::Value(0.0));
        assert_eq!(p.proportion(8, 8), Shown::Value(100.0));
        // k at the threshold (n = 30, so n − k is 23 or 22): 7 of 30 would reveal 7; 8 of 30 is
        // shown as the rounded counts' share, 10 of 30.
        assert_eq!(p.proportion(7, 30), Shown::Suppressed);
        assert!((p.proportion(8, 30).value().unwrap() - 100.0 / 3.0).abs() < 1e-9);
        // n − k at the threshold: 23 of 30 leaves 7 (revealed by subtraction); 22 of 30 leaves 8: 20 of 30.
        assert_eq!(p.proportion(23, 30), Shown::Suppressed);
        assert!((p.proportion(22, 30).value().unwrap() - 200.0 / 3.0).abs() < 1e-9);
        // The example in the doc: 3 of 11 (27.3%) is not shown; nor 8 of 11 (11 − 8 = 3).
        assert_eq!(p.proportion(3, 11), Shown::Suppressed);
        assert_eq!(p.proportion(8, 11), Shown::Suppressed);
        // 8 of 16: both 8, shown as the rounded 10 of 15.
        assert_eq!(p.proportion(8, 16), Shown::Value(10.0 / 15.0 * 100.0));
    }

    #[test]
    fn secondary_suppression_protects_a_lone_small_cell() {
        let p = SuppressionPolicy::default();
        let (row, total) = p.row_with_total(&[3, 40, 12, 0]);
        assert_eq!(row, vec![Shown::Suppressed, Shown::Value(40), Shown::Suppressed, Shown::Value(0)]);
        assert_eq!(total, Shown::Value(55));
        let (row, _) = p.row_with_total(&[3, 4, 40]);
        assert_eq!(row, vec![Shown::Suppressed, Shown::Suppressed, Shown::Value(40)]);
        let (row, _) = p.row_with_total(&[30, 40]);
        assert_eq!(row, vec![Shown::Value(30), Shown::Value(40)]);
    }

    #[test]
    fn serialises_as_value_star_or_null() {
        assert_eq!(serde_json::to_string(&Shown::Value(5u64)).unwrap(), "5");
        assert_eq!(serde_json::to_string(&Shown::<u64>::Suppressed).unwrap(), "\"*\"");
        assert_eq!(serde_json::to_string(&Shown::<u64>::NoData).unwrap(), "null");
    }
}
