//! Proportions, ratios of observed to expected counts, and rates per person-year, each with a 95%
//! confidence interval. Methods are named in each function's documentation and match
//! `tools/stats_fixtures.py`.

use super::distributions::{chi_squared_quantile, Z_975};
use serde::Serialize;

/// A proportion `successes / n` with its Wilson score 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Proportion {
    pub successes: u64,
    pub n: u64,
    /// Between 0 and 1.
    pub estimate: f64,
    pub ci95: (f64, f64),
}

impl Proportion {
    /// The estimate and interval as percentages.
    pub fn as_percent(&self) -> (f64, (f64, f64)) {
        (self.estimate * 100.0, (self.ci95.0 * 100.0, self.ci95.1 * 100.0))
    }
}

/// A proportion with the Wilson score interval (no continuity correction), as
/// `scipy.stats.binomtest(k, n).proportion_ci(0.95, method="wilson")`:
/// `(2np̂ + z² ± z·√(4np̂(1 − p̂) + z²)) / 2(n + z²)`, clamped to [0, 1]. It stays inside [0, 1] and
/// behaves at 0/n and n/n, where the Wald interval collapses. `None` when `n` is 0 or
/// `successes > n`.
pub fn proportion(successes: u64, n: u64) -> Option<Proportion> {
    if n == 0 || successes > n {
        return None;
    }
    let (k, nf, z) = (successes as f64, n as f64, Z_975);
    let p = k / nf;
    let denominator = 2.0 * (nf + z * z);
    let centre = (2.0 * nf * p + z * z) / denominator;
    let half = z * (4.0 * nf * p * (1.0 - p) + z * z).sqrt() / denominator;
    Some(Proportion { successes, n, estimate: p, ci95: ((centre - half).clamp(0.0, 1.0), (centre + half).clamp(0.0, 1.0)) })
}

/// An observed count against its expected count: `ratio = observed / expected`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RatioEstimate {
    pub observed: u64,
    pub expected: f64,
    pub ratio: f64,
    pub ci95: (f64, f64),
}

/// Observed ÷ expected count with the exact Poisson (Garwood) 95% interval of the observed count,
/// the expected count taken as fixed: `(χ²₀.₀₂₅(2O) / 2E, χ²₀.₉₇₅(2O + 2) / 2E)`, the lower limit
/// 0 when O = 0. Exact rather than the log-normal approximation `O/E · exp(± z / √O)`, which is
/// too narrow for the small counts of a practice's groups. `None` when the expected count is not
/// a positive finite number.
pub fn observed_expected_ratio(observed: u64, expected: f64) -> Option<RatioEstimate> {
    if !(expected > 0.0 && expected.is_finite()) {
        return None;
    }
    let o = observed as f64;
    let low = if observed == 0 { 0.0 } else { chi_squared_quantile(0.025, 2.0 * o)? / 2.0 / expected };
    let high = chi_squared_quantile(0.975, 2.0 * o + 2.0)? / 2.0 / expected;
    Some(RatioEstimate { observed, expected, ratio: o / expected, ci95: (low, high) })
}

/// Reach of one group against a list's make-up: `observed` of the `observed_total` referrals came
/// from the group, which is `population` of the `population_total` registered people. The expected
/// count is `observed_total × population / population_total`, so the ratio is the group's observed
/// share ÷ its expected share; 1 means referred in proportion, below 1 under-reached. Interval as
/// [`observed_expected_ratio`] (the expected share is taken as known: it comes from the whole
/// list). `None` when there are no referrals, the group is empty, or the counts are inconsistent
/// (a part larger than its total).
pub fn share_ratio(observed: u64, observed_total: u64, population: u64, population_total: u64) -> Option<RatioEstimate> {
    if observed_total == 0 || population == 0 || observed > observed_total || population > population_total {
        return None;
    }
    observed_expected_ratio(observed, observed_total as f64 * population as f64 / population_total as f64)
}

/// Events per person-year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub events: u64,
    pub person_years: f64,
    pub rate: f64,
    pub ci95: (f64, f64),
}

/// Events per person-year with the exact Poisson (Garwood) 95% interval:
/// `(χ²₀.₀₂₅(2k) / 2T, χ²₀.₉₇₅(2k + 2) / 2T)`, the lower limit 0 when k = 0. `None` when the
/// person-time is not a positive finite number.
pub fn rate_per_person_year(events: u64, person_years: f64) -> Option<Rate> {
    if !(person_years > 0.0 && person_years.is_finite()) {
        return None;
    }
    let k = events as f64;
    let low = if events == 0 { 0.0 } else { chi_squared_quantile(0.025, 2.0 * k)? / 2.0 / person_years };
    let high = chi_squared_quantile(0.975, 2.0 * k + 2.0)? / 2.0 / person_years;
    Some(Rate { events, person_years, rate: k / person_years, ci95: (low, high) })
}

/// The change in a rate per person-year from a window before referral to one after.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RateDifference {
    pub before: Rate,
    pub after: Rate,
    /// `after.rate − before.rate`: negative means fewer events after.
    pub difference: f64,
    pub ci95: (f64, f64),
}

/// The difference of two rates per person-year, after − before, with the Wald 95% interval for
/// independent Poisson counts: `d ± z·√(k₁/T₁² + k₀/T₀²)`. With no events in either window the
/// interval is (0, 0).
///
/// Caution: before and after windows of the *same* people are not independent, and health-service
/// use is over-dispersed (a few frequent attenders), so this interval can be too narrow or too
/// wide; for the same people, the paired change in each person's rate ([`super::paired_change`]
/// on per-person rates) accounts for both and should be preferred where per-person counts exist.
/// `None` when either window's person-time is not a positive finite number.
pub fn rate_difference(before_events: u64, before_person_years: f64, after_events: u64, after_person_years: f64) -> Option<RateDifference> {
    let before = rate_per_person_year(before_events, before_person_years)?;
    let after = rate_per_person_year(after_events, after_person_years)?;
    let difference = after.rate - before.rate;
    let se = (after_events as f64 / after_person_years.powi(2) + before_events as f64 / before_person_years.powi(2)).sqrt();
    Some(RateDifference { before, after, difference, ci95: (difference - Z_975 * se, difference + Z_975 * se) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn wilson_edges() {
        // 0/10: (0, z²/(10 + z²)) = (0, 0.277533); 10/10 mirrors it.
        let p = proportion(0, 10).unwrap();
        assert_eq!(p.ci95.0, 0.0);
        assert!(close(p.ci95.1, 0.27753279986288926));
        let p = proportion(10, 10).unwrap();
        assert!(close(p.ci95.0, 0.7224672001371109) && p.ci95.1 == 1.0);
        assert_eq!(proportion(0, 0), None);
        assert_eq!(proportion(3, 2), None);
        let (pct, (lo, hi)) = proportion(5, 10).unwrap().as_percent();
        assert!(close(pct, 50.0) && close(lo + hi, 100.0));
    }

    #[test]
    fn ratio_edges() {
        // O = E: ratio 1, the exact interval (SciPy: χ²₀.₀₂₅(200)/200, χ²₀.₉₇₅(202)/200), wider
        // above than below.
        let r = observed_expected_ratio(100, 100.0).unwrap();
        assert!(close(r.ratio, 1.0) && close(r.ci95.0, 0.8136399125092314) && close(r.ci95.1, 1.2162679379242638));
        // O = 0: upper limit −ln(0.025)/E.
        let r = observed_expected_ratio(0, 4.0).unwrap();
        assert_eq!((r.ratio, r.ci95.0), (0.0, 0.0));
        assert!(close(r.ci95.1, -(0.025f64.ln()) / 4.0));
        assert_eq!(observed_expected_ratio(3, 0.0), None);
        assert_eq!(observed_expected_ratio(3, f64::NAN), None);
        // 12 of 100 referrals from a group that is 15% of the list: expected 15, ratio 0.8.
        let r = share_ratio(12, 100, 1500, 10000).unwrap();
        assert!(close(r.expected, 15.0) && close(r.ratio, 0.8));
        assert_eq!(share_ratio(0, 0, 10, 100), None);
        assert_eq!(share_ratio(1, 10, 0, 100), None);
        assert_eq!(share_ratio(11, 10, 10, 100), None);
    }

    #[test]
    fn rate_edges() {
        // 0 events in 10 person-years: (0, −ln(0.025)/10).
        let r = rate_per_person_year(0, 10.0).unwrap();
        assert_eq!((r.rate, r.ci95.0), (0.0, 0.0));
        assert!(close(r.ci95.1, -(0.025f64.ln()) / 10.0));
        assert_eq!(rate_per_person_year(3, 0.0), None);
        assert_eq!(rate_per_person_year(3, f64::INFINITY), None);
        let d = rate_difference(0, 10.0, 0, 10.0).unwrap();
        assert_eq!((d.difference, d.ci95), (0.0, (0.0, 0.0)));
        // 120 → 90 events over 100 person-years each: −0.3, SE √(0.009 + 0.012).
        let d = rate_difference(120, 100.0, 90, 100.0).unwrap();
        assert!(close(d.difference, -0.3) && close(d.ci95.0, -0.3 - Z_975 * 0.021f64.sqrt()));
        assert_eq!(rate_difference(1, 0.0, 1, 1.0), None);
    }
}
