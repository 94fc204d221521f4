//! Wilcoxon signed-rank test on paired changes, two-sided, matching `scipy.stats.wilcoxon(d)` with
//! SciPy's defaults (checked against SciPy 1.17: `zero_method="wilcox"`, `correction=False`,
//! `alternative="two-sided"`, `method="auto"`).
//!
//! - **Zeros** (no change) are dropped before ranking (Wilcoxon's method); `n` counts the rest.
//! - **Ties** among the absolute changes get the average of the ranks they span.
//! - **Exact** p: the null distribution of W+ (the sum of the ranks of the positive changes) when
//!   each change's sign is equally likely to be + or −, given the observed ranks; `p = 2 ·
//!   min(P(W+ ≤ w), P(W+ ≥ w))`, capped at 1. Without ties this is the classical exact
//!   distribution SciPy's `method="exact"` uses; with ties or zeros it is the exact sign-flip
//!   permutation distribution SciPy's `PermutationMethod` computes (deterministically for
//!   n ≤ 13, as `auto` uses it).
//! - **Normal** p: `z = (W+ − n(n+1)/4) / σ` with the tie-corrected
//!   `σ² = [n(n+1)(2n+1) − Σ(t³ − t)/2] / 24`; with the continuity correction `z` is moved 0.5/σ
//!   towards 0. `p = 2 · P(Z > |z|)`.
//! - **Auto** (SciPy 1.17's default rule, applied to the number of changes *including* zeros,
//!   `N`): `N > 50` → normal without continuity correction; otherwise no ties and no zeros →
//!   exact; otherwise `N ≤ 13` → exact (permutation); otherwise normal without continuity
//!   correction.
//!
//! Older SciPy versions (and R's `wilcox.test`, whose default applies the continuity correction)
//! switch at other sample sizes; use [`wilcoxon_signed_rank_with`] to ask for a method.
//!
//! Changes are rounded to 9 decimal places before zeros and ties are found, so that float noise
//! from subtracting two-decimal scores (SWEMWBS metric) cannot split a tie.

use super::distributions::normal_sf;
use serde::Serialize;

/// How the p-value is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WilcoxonMethod {
    /// SciPy's default choice between `Exact` and `Normal` (see the module documentation).
    Auto,
    /// The exact (conditional) distribution of W+. Honoured up to [`EXACT_MAX_N`] non-zero
    /// changes; above that the normal approximation without correction is used.
    Exact,
    /// The normal approximation with the tie correction, optionally with the continuity correction.
    Normal { continuity_correction: bool },
}

/// Largest number of non-zero changes for which an exact p is computed on request.
pub const EXACT_MAX_N: usize = 200;

/// The result of the test; every number is finite.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Wilcoxon {
    /// Non-zero changes ranked.
    pub n: usize,
    /// Zero changes dropped.
    pub n_zero: usize,
    /// Whether any absolute changes were tied.
    pub ties: bool,
    /// Sum of the ranks of the positive changes.
    pub w_plus: f64,
    /// Sum of the ranks of the negative changes.
    pub w_minus: f64,
    /// min(W+, W−): the statistic SciPy reports for the two-sided test.
    pub statistic: f64,
    /// The z statistic when the normal approximation was used (continuity-corrected if that was
    /// asked for), positive when changes tend to be increases.
    pub z: Option<f64>,
    /// Two-sided p-value.
    pub p: f64,
    /// The method actually used (`Exact` or `Normal`, never `Auto`).
    pub method: WilcoxonMethod,
}

/// The test with SciPy's default method choice; see the module documentation. `changes` are
/// `after − before`. `None` when there is nothing to test: no changes, every change zero, or a
/// change that is not a finite number.
pub fn wilcoxon_signed_rank(changes: &[f64]) -> Option<Wilcoxon> {
    wilcoxon_signed_rank_with(changes, WilcoxonMethod::Auto)
}

/// The test with a chosen method; `None` as for [`wilcoxon_signed_rank`].
pub fn wilcoxon_signed_rank_with(changes: &[f64], method: WilcoxonMethod) -> Option<Wilcoxon> {
    if changes.iter().any(|d| !d.is_finite()) {
        return None;
    }
    let rounded: Vec<f64> = changes.iter().map(|d| (d * 1e9).round() / 1e9).collect();
    let nonzero: Vec<f64> = rounded.iter().copied().filter(|d| *d != 0.0).collect();
    let n = nonzero.len();
    if n == 0 {
        return None;
    }
    let n_zero = changes.len() - n;

    // Doubled average ranks (integers: an average of consecutive ranks is a multiple of 0.5).
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| nonzero[i].abs().total_cmp(&nonzero[j].abs()));
    let mut doubled_rank = vec![0u64; n];
    let mut tie_sum = 0.0; // Σ(t³ − t)
    let mut start = 0;
    while start < n {
        let mut end = start;
        while end + 1 < n && nonzero[order[end + 1]].abs() == nonzero[order[start]].abs() {
            end += 1;
        }
        for &i in &order[start..=end] {
            doubled_rank[i] = (start + end + 2) as u64;
        }
        let t = (end - start + 1) as f64;
        tie_sum += t * t * t - t;
        start = end + 1;
    }
    let ties = tie_sum > 0.0;
    let doubled_w_plus: u64 = (0..n).filter(|&i| nonzero[i] > 0.0).map(|i| doubled_rank[i]).sum();
    let total = (n * (n + 1)) as f64 / 2.0;
    let w_plus = doubled_w_plus as f64 / 2.0;
    let w_minus = total - w_plus;

    let method = match method {
        WilcoxonMethod::Auto => {
            let len = changes.len();
            if len > 50 || (len > 13 && (ties || n_zero > 0)) {
                WilcoxonMethod::Normal { continuity_correction: false }
            } else {
                WilcoxonMethod::Exact
            }
        }
        WilcoxonMethod::Exact if n > EXACT_MAX_N => WilcoxonMethod::Normal { continuity_correction: false },
        other => other,
    };
    let (z, p) = match method {
        WilcoxonMethod::Normal { continuity_correction } => {
            let nf = n as f64;
            let mean = nf * (nf + 1.0) / 4.0;
            let sd = ((nf * (nf + 1.0) * (2.0 * nf + 1.0) - tie_sum / 2.0) / 24.0).sqrt();
            // sd > 0 whenever n ≥ 1 (the tie term removes at most a part of the first).
            let mut z = if sd > 0.0 { (w_plus - mean) / sd } else { 0.0 };
            if continuity_correction && sd > 0.0 {
                z -= z.signum() * 0.5 / sd;
            }
            (Some(z), (2.0 * normal_sf(z.abs())).min(1.0))
        }
        _ => (None, exact_p(&doubled_rank, doubled_w_plus)),
    };
    Some(Wilcoxon { n, n_zero, ties, w_plus, w_minus, statistic: w_plus.min(w_minus), z, p, method })
}

/// Two-sided p from the exact distribution of the doubled W+ over all 2ⁿ sign assignments.
fn exact_p(doubled_ranks: &[u64], observed: u64) -> f64 {
    let max: u64 = doubled_ranks.iter().sum();
    // pmf[s] = P(doubled W+ = s); each step halves, so for n ≤ 50 every value is exact.
    let mut pmf = vec![0.0f64; max as usize + 1];
    pmf[0] = 1.0;
    let mut reach = 0usize;
    for &r in doubled_ranks {
        let r = r as usize;
        for s in (0..=reach + r).rev() {
            let with = if s >= r { pmf[s - r] } else { 0.0 };
            pmf[s] = 0.5 * (pmf[s] + with);
        }
        reach += r;
    }
    let observed = observed as usize;
    let at_most: f64 = pmf[..=observed].iter().sum();
    let at_least: f64 = pmf[observed..].iter().sum();
    (2.0 * at_most.min(at_least)).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_exact_cases() {
        // Six decreases: W+ = 0, P(W+ ≤ 0) = 1/64, two-sided 2/64.
        let w = wilcoxon_signed_rank(&[-1.0, -2.0, -3.0, -4.0, -5.0, -6.0]).unwrap();
        assert_eq!((w.w_plus, w.w_minus, w.statistic), (0.0, 21.0, 0.0));
        assert_eq!(w.p, 2.0 / 64.0);
        assert_eq!(w.method, WilcoxonMethod::Exact);
        // One change: p = 1.
        assert_eq!(wilcoxon_signed_rank(&[3.0]).unwrap().p, 1.0);
        // Ties: ranks of |1|,|1|,|1| are 2 each, |2|×3 → 5, 3 → 7, 4 → 8; one −1 so W− = 2.
        // P(W− ≤ 2) = (1 + 3)/256 over sign flips, two-sided 1/32.
        let w = wilcoxon_signed_rank(&[1.0, 1.0, 2.0, -1.0, 3.0, 2.0, 2.0, 4.0]).unwrap();
        assert!(w.ties);
        assert_eq!((w.w_plus, w.w_minus), (34.0, 2.0));
        assert_eq!(w.p, 1.0 / 32.0);
    }

    #[test]
    fn zeros_are_dropped_and_all_zero_is_none() {
        let w = wilcoxon_signed_rank(&[0.0, 0.0, 2.0]).unwrap();
        assert_eq!((w.n, w.n_zero, w.p), (1, 2, 1.0));
        assert_eq!(wilcoxon_signed_rank(&[0.0, 0.0]), None);
        assert_eq!(wilcoxon_signed_rank(&[]), None);
        assert_eq!(wilcoxon_signed_rank(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn float_noise_does_not_split_ties() {
        // 25.03 − 19.25 and 28.13 − 22.35 are both 5.78 on paper but not in floating point.
        assert_ne!(25.03 - 19.25, 28.13 - 22.35);
        let w = wilcoxon_signed_rank(&[25.03 - 19.25, 28.13 - 22.35, 1.0]).unwrap();
        assert!(w.ties);
    }

    #[test]
    fn all_equal_changes() {
        // Five equal increases: every sign-flip has W+ = 3k for k positives; P(W+ = 15) = 1/32.
        let w = wilcoxon_signed_rank(&[2.0; 5]).unwrap();
        assert_eq!(w.p, 2.0 / 32.0);
        // Twenty: normal approximation, still finite.
        let w = wilcoxon_signed_rank(&[1.0; 20]).unwrap();
        assert!(matches!(w.method, WilcoxonMethod::Normal { continuity_correction: false }));
        assert!(w.p > 0.0 && w.p < 1e-4 && w.z.unwrap() > 0.0);
    }

    #[test]
    fn exact_on_request_falls_back_to_normal_for_large_n() {
        let changes: Vec<f64> = (1..=250).map(f64::from).collect();
        let w = wilcoxon_signed_rank_with(&changes, WilcoxonMethod::Exact).unwrap();
        assert!(matches!(w.method, WilcoxonMethod::Normal { .. }));
        assert!(w.p.is_finite());
    }
}
