//! Statistics for evaluation: small, pure functions checked against independently computed values
//! (`tools/stats_fixtures.py` computes them with SciPy into
//! `crates/domain/tests/fixtures/stats_reference.json`, which `tests/stats_reference.rs` checks).
//!
//! - [`paired_change`]: mean change with a paired-t 95% CI and Cohen's d_z.
//! - [`wilcoxon_signed_rank`]: two-sided Wilcoxon signed-rank p, SciPy's defaults.
//! - [`proportion`]: a proportion with its Wilson 95% CI (e.g. % improved by the threshold).
//! - [`observed_expected_ratio`], [`share_ratio`]: reach against a list's make-up, log-normal CI.
//! - [`rate_per_person_year`], [`rate_difference`]: event rates with exact Poisson / Wald CIs.
//!
//! Every function returns `None` (or a documented value) where a figure cannot be computed (no
//! data, zero denominators); a returned struct never holds NaN or an infinity.

mod distributions;
mod intervals;
mod wilcoxon;

pub use distributions::{chi_squared_quantile, normal_quantile, Z_975};
pub use intervals::{observed_expected_ratio, proportion, rate_difference, rate_per_person_year, share_ratio, Proportion, Rate, RateDifference, RatioEstimate};
pub use wilcoxon::{wilcoxon_signed_rank, wilcoxon_signed_rank_with, Wilcoxon, WilcoxonMethod, EXACT_MAX_N};

use statrs::distribution::{ContinuousCDF, StudentsT};

pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| ordered_sum(values.iter().copied()) / values.len() as f64)
}

/// The sum of `values` added in ascending order. Floating-point addition is not associative, so
/// summing in a fixed order makes every statistic independent of the order rows were loaded in:
/// the same records always give bit-for-bit the same report (a re-imported bundle included).
///
/// Whole numbers whose magnitudes add up to less than 2^53 (counts, flags, bands: most of what
/// the report sums) are added as they come: every partial sum is then exact in any order, so the
/// result is the ascending order's bit for bit, without the sort (which was a third of the
/// comparison group's time at 100k referrals).
pub fn ordered_sum(values: impl Iterator<Item = f64>) -> f64 {
    /// Below this, every whole number and every sum of them is exact in an `f64`.
    const EXACT_BELOW: f64 = 9_007_199_254_740_992.0; // 2^53
    let mut sorted: Vec<f64> = values.collect();
    let mut magnitude = 0.0;
    let whole = sorted.iter().all(|v| {
        magnitude += v.abs();
        v.fract() == 0.0 && magnitude < EXACT_BELOW
    });
    if whole {
        // Signed zeros too: a sum is -0.0 only when every value is, in whatever order.
        return sorted.into_iter().sum();
    }
    // Equal under total_cmp means the same bits, so an unstable sort gives the same order.
    sorted.sort_unstable_by(f64::total_cmp);
    sorted.into_iter().sum()
}

/// Sample standard deviation (n − 1 denominator); needs at least two values.
pub fn sample_sd(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let m = mean(values)?;
    let ss = ordered_sum(values.iter().map(|v| (v - m).powi(2)));
    Some((ss / (values.len() - 1) as f64).sqrt())
}

pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) { (sorted[mid - 1] + sorted[mid]) / 2.0 } else { sorted[mid] })
}

/// Two-sided 95% confidence interval for a mean, using Student's t with n − 1 degrees of freedom
/// (as `scipy.stats.ttest_rel(...).confidence_interval()`). `None` when it cannot be computed
/// (fewer than two values). When every value is equal the SD is 0 and the interval has zero width
/// (SciPy gives NaN there).
pub fn mean_ci95(values: &[f64]) -> Option<(f64, f64)> {
    let n = values.len();
    let m = mean(values)?;
    let sd = sample_sd(values)?;
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64).ok()?.inverse_cdf(0.975);
    let half = t * sd / (n as f64).sqrt();
    Some((m - half, m + half))
}

/// Paired before → after change (paired t): the summary shared/product/evaluation.md asks for.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PairedChange {
    pub n: usize,
    pub mean_before: f64,
    pub mean_after: f64,
    pub mean_change: f64,
    pub sd_change: Option<f64>,
    pub ci95: Option<(f64, f64)>,
    /// Cohen's d_z: mean change / SD of the changes.
    pub effect_size_dz: Option<f64>,
}

/// Summarises `(before, after)` pairs; change is `after − before`. `None` for no pairs; with one
/// pair, or with every change equal, the SD-based figures are `None` (the CI is then zero-width
/// when all changes are equal, see [`mean_ci95`]).
pub fn paired_change(pairs: &[(f64, f64)]) -> Option<PairedChange> {
    let before: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let after: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let changes: Vec<f64> = pairs.iter().map(|(b, a)| a - b).collect();
    let mean_change = mean(&changes)?;
    let sd_change = sample_sd(&changes);
    Some(PairedChange {
        n: pairs.len(),
        mean_before: mean(&before)?,
        mean_after: mean(&after)?,
        mean_change,
        sd_change,
        ci95: mean_ci95(&changes),
        effect_size_dz: sd_change.filter(|sd| *sd > 0.0).map(|sd| mean_change / sd),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-5
    }

    /// The sum in ascending order, as `ordered_sum` promises it.
    fn sorted_sum(values: &[f64]) -> f64 {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        v.into_iter().sum()
    }

    #[test]
    fn ordered_sum_of_fractions_is_the_ascending_orders_bit_for_bit() {
        // In this order the plain sum differs in the last bit from the ascending order's.
        let values = [1e16, 1.0, 1.0, -1e16, 0.1, 0.2, 0.3];
        assert_ne!(values.iter().sum::<f64>().to_bits(), sorted_sum(&values).to_bits());
        assert_eq!(ordered_sum(values.iter().copied()).to_bits(), sorted_sum(&values).to_bits());
    }

    #[test]
    fn ordered_sum_of_whole_numbers_is_the_ascending_orders_bit_for_bit() {
        let counts: Vec<f64> = (0..10_000).map(|i| f64::from((i * 7919) % 23) - 5.0).collect();
        assert_eq!(ordered_sum(counts.iter().copied()).to_bits(), sorted_sum(&counts).to_bits());
        assert_eq!(ordered_sum([-0.0, -0.0].into_iter()).to_bits(), (-0.0f64).to_bits());
        assert_eq!(ordered_sum([-0.0, 0.0, -0.0].into_iter()).to_bits(), 0.0f64.to_bits());
        // Past 2^53 whole numbers lose their exactness: the ascending order is kept.
        let huge = [9e15, 9e15, 1.0, -9e15, 1.0, 3.0];
        assert_eq!(ordered_sum(huge.iter().copied()).to_bits(), sorted_sum(&huge).to_bits());
    }

    #[test]
    fn mean_sd_median() {
        assert_eq!(mean(&[]), None);
        assert_eq!(mean(&[2.0, 4.0]), Some(3.0));
        assert!(close(sample_sd(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap(), 1.5811388));
        assert_eq!(sample_sd(&[1.0]), None);
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn ci_matches_reference_values() {
        // Reference: scipy.stats.t.interval(0.95, df=4, loc=3, scale=stats.sem([1,2,3,4,5]))
        // = (1.036757, 4.963243); t(0.975, 4) = 2.776445.
        let (lo, hi) = mean_ci95(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert!(close(lo, 1.036757) && close(hi, 4.963243), "{lo} {hi}");
        // df = 1: t = 12.706205; values 0, 2 → mean 1, sd 1.414214, se 1 → 1 ± 12.706205
        let (lo, hi) = mean_ci95(&[0.0, 2.0]).unwrap();
        assert!(close(lo, -11.706205) && close(hi, 13.706205), "{lo} {hi}");
        assert_eq!(mean_ci95(&[1.0]), None);
    }

    #[test]
    fn paired_change_summary() {
        let pairs = [(10.0, 12.0), (14.0, 15.0), (20.0, 23.0), (18.0, 22.0), (15.0, 20.0)];
        let c = paired_change(&pairs).unwrap();
        assert_eq!(c.n, 5);
        assert!(close(c.mean_before, 15.4) && close(c.mean_after, 18.4) && close(c.mean_change, 3.0));
        let (lo, hi) = c.ci95.unwrap();
        assert!(close(lo, 1.036757) && close(hi, 4.963243));
        assert!(close(c.effect_size_dz.unwrap(), 3.0 / 1.5811388));
        assert_eq!(paired_change(&[]), None);
    }

    #[test]
    fn all_equal_changes_have_zero_width_ci_and_no_effect_size() {
        let c = paired_change(&[(1.0, 2.0), (3.0, 4.0), (5.0, 6.0)]).unwrap();
        assert_eq!(c.ci95, Some((1.0, 1.0)));
        assert_eq!(c.effect_size_dz, None);
    }
}
