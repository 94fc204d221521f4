//! The balance table: standardised mean differences before and after matching.

use super::{ComparisonInput, Matching, SMD_BALANCED_BELOW};
use crate::evaluation::disclosure::{Shown, SuppressionPolicy};
use crate::evaluation::equity::{AgeBand, ImdQuintile};
use crate::evaluation::stats::ordered_sum;
use crate::person::Sex;
use std::collections::BTreeSet;

/// One covariate, before and after matching. Shares are fractions (0–1), not percentages.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BalanceRow {
    /// `prior_gp_appointments`, `female`, `age_band`, `imd_quintile` or `imd_unknown`.
    pub key: &'static str,
    pub label: &'static str,
    /// Every eligible case.
    pub referred_before_matching: Shown<f64>,
    /// Every comparison person of the cases' practices.
    pub comparison_before_matching: Shown<f64>,
    pub smd_before_matching: Shown<f64>,
    /// The matched cases.
    pub referred_after_matching: Shown<f64>,
    /// Their controls, weighted 1/k per case.
    pub comparison_after_matching: Shown<f64>,
    pub smd_after_matching: Shown<f64>,
    /// |SMD after matching| < 0.1.
    pub balanced_after_matching: Shown<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Covariate {
    PriorGp,
    Female,
    Age,
    Imd,
    ImdUnknown,
}

impl Covariate {
    const ALL: [Covariate; 5] = [Covariate::PriorGp, Covariate::Female, Covariate::Age, Covariate::Imd, Covariate::ImdUnknown];

    fn key(self) -> &'static str {
        match self {
            Covariate::PriorGp => "prior_gp_appointments",
            Covariate::Female => "female",
            Covariate::Age => "age_band",
            Covariate::Imd => "imd_quintile",
            Covariate::ImdUnknown => "imd_unknown",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Covariate::PriorGp => "GP appointments in the 12 months before",
            Covariate::Female => "Female (share)",
            Covariate::Age => "Age band (0 = under 18 … 8 = 85 and over)",
            Covariate::Imd => "IMD quintile (1 = most deprived; people with a known quintile)",
            Covariate::ImdUnknown => "IMD quintile unknown (share)",
        }
    }

    /// The covariate's value for one person, or None when the person is outside its rows (an
    /// unknown quintile for the quintile's mean).
    fn value(self, age: AgeBand, sex: Sex, imd: Option<ImdQuintile>, prior_gp: u64) -> Option<f64> {
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        match self {
            Covariate::PriorGp => Some(prior_gp as f64),
            Covariate::Female => Some(flag(sex == Sex::Female)),
            Covariate::Age => AgeBand::ALL.iter().position(|a| *a == age).map(|i| i as f64),
            Covariate::Imd => imd.map(|q| f64::from(q.get())),
            Covariate::ImdUnknown => Some(flag(imd.is_none())),
        }
    }
}

/// Weighted mean and variance (divisor Σw) of `(value, weight)` pairs; None when empty. A group
/// whose values are all equal has that value and variance 0 exactly.
fn moments(values: &[(f64, f64)]) -> Option<(f64, f64)> {
    let w = ordered_sum(values.iter().map(|v| v.1));
    if values.is_empty() || w <= 0.0 {
        return None;
    }
    // A constant group has exactly its value and no spread (weighted sums could miss both by an ulp).
    if values.iter().all(|v| v.0 == values[0].0) {
        return Some((values[0].0, 0.0));
    }
    let mean = ordered_sum(values.iter().map(|(x, wt)| x * wt)) / w;
    let var = ordered_sum(values.iter().map(|(x, wt)| wt * (x - mean).powi(2))) / w;
    Some((mean, var))
}

/// The standardised mean difference of `(value, weight)` pairs, referred `a` against comparison
/// `b`: `(mean_a − mean_b) / √((var_a + var_b) / 2)`, weighted means and variances with divisor
/// Σw (a group of equal values: that value, variance 0). 0 when both variances are 0 and the means equal; None when either group is empty, or the
/// variances are 0 and the means differ.
pub fn smd(a: &[(f64, f64)], b: &[(f64, f64)]) -> Option<f64> {
    let ((ma, va), (mb, vb)) = (moments(a)?, moments(b)?);
    let pooled = ((va + vb) / 2.0).sqrt();
    if pooled > 0.0 {
        Some((ma - mb) / pooled)
    } else {
        (ma == mb).then_some(0.0)
    }
}

pub(super) fn table(input: &ComparisonInput, matching: &Matching, policy: SuppressionPolicy) -> Vec<BalanceRow> {
    Covariate::ALL
        .iter()
        .map(|&cov| {
            let referred = |c: &super::Case| {
                let r = c.referred;
                cov.value(r.age, r.sex, r.imd, c.counts.prior_gp)
            };
            let comparison = |j: usize, prior: u64| {
                let p = &input.comparison[j];
                cov.value(p.age, p.sex, p.imd, prior)
            };
            // Before matching: every eligible case, every comparison person of their practices.
            let ref_before: Vec<(f64, f64)> = matching.cases.iter().filter_map(|c| referred(c).map(|v| (v, 1.0))).collect();
            let cmp_before: Vec<(f64, f64)> = matching.practice_pool.iter().filter_map(|&(j, p)| comparison(j, p).map(|v| (v, 1.0))).collect();
            // After: the matched cases, their controls weighted 1/k.
            let mut ref_after: Vec<(f64, f64)> = Vec::new();
            let mut cmp_after: Vec<(f64, f64)> = Vec::new();
            let mut controls: BTreeSet<usize> = BTreeSet::new();
            for c in matching.cases.iter().filter(|c| !c.controls.is_empty()) {
                let Some(v) = referred(c) else { continue };
                ref_after.push((v, 1.0));
                let w = 1.0 / c.controls.len() as f64;
                for k in &c.controls {
                    if let Some(v) = comparison(k.comparison, k.counts.prior_gp) {
                        cmp_after.push((v, w));
                        controls.insert(k.comparison);
                    }
                }
            }
            let n = |v: &[(f64, f64)]| v.len() as u64;
            let (nrb, ncb, nra) = (n(&ref_before), n(&cmp_before), n(&ref_after));
            let nca = nra.min(controls.len() as u64);
            let mean = |v: &[(f64, f64)]| moments(v).map(|m| m.0);
            let smd_after = policy.statistic(nra.min(nca), smd(&ref_after, &cmp_after));
            BalanceRow {
                key: cov.key(),
                label: cov.label(),
                referred_before_matching: policy.statistic(nrb, mean(&ref_before)),
                comparison_before_matching: policy.statistic(ncb, mean(&cmp_before)),
                smd_before_matching: policy.statistic(nrb.min(ncb), smd(&ref_before, &cmp_before)),
                referred_after_matching: policy.statistic(nra, mean(&ref_after)),
                comparison_after_matching: policy.statistic(nca, mean(&cmp_after)),
                smd_after_matching: smd_after,
                balanced_after_matching: smd_after.map(|s| s.abs() < SMD_BALANCED_BELOW),
            }
        })
        .collect()
}
