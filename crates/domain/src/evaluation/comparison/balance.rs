//! The balance table: standardised mean differences before and after matching.

use super::{ComparisonInput, Matching, SMD_BALANCED_BELOW};
use crate::evaluation::disclosure::{round_to, Shown, SuppressionPolicy};
use crate::evaluation::equity::{AgeBand, ImdQuintile};
use crate::evaluation::stats::ordered_sum;
use crate::person::Sex;

/// One covariate, before and after matching.
///
/// Units (`unit`): `count` rows are means of GP appointments per person over the window named in
/// the label (not per person-year); `band` and `quintile` rows are means of ordinals; `percent`
/// rows (female, IMD unknown) are **percentages (0–100), not fractions**, each of the rounded
/// counts ([`SuppressionPolicy::proportion`]). Means are published to the decimals
/// [`SuppressionPolicy::mean`] allows for their number of people (values in steps of 1); SMDs
/// are computed from the exact values and shown as [`SuppressionPolicy::statistic`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct BalanceRow {
    /// `before_gp_appointments` (the matching variable), `prior_gp_appointments`, `female`,
    /// `age_band`, `imd_quintile` or `imd_unknown`.
    pub key: &'static str,
    pub label: &'static str,
    /// `count`, `percent`, `band` or `quintile` (see the type's documentation).
    pub unit: &'static str,
    /// Every eligible case.
    pub referred_before_matching: Shown<f64>,
    /// Every comparison person of the cases' practices.
    pub comparison_before_matching: Shown<f64>,
    pub smd_before_matching: Shown<f64>,
    /// The matched cases.
    pub referred_after_matching: Shown<f64>,
    /// Their controls, weighted 1/k per case. A percentage row's controls are counted as their
    /// cases: sex and the unknown quintile are matched exactly, so each case's controls all share
    /// its value and the weighted count is the number of matched cases whose controls have it.
    pub comparison_after_matching: Shown<f64>,
    pub smd_after_matching: Shown<f64>,
    /// |SMD after matching| < 0.1.
    pub balanced_after_matching: Shown<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Covariate {
    BeforeGp,
    PriorGp,
    Female,
    Age,
    Imd,
    ImdUnknown,
}

/// A person's GP appointments around an index date: (in the before window, in the 12 months).
type GpCounts = (u64, u64);

impl Covariate {
    const ALL: [Covariate; 6] = [Covariate::BeforeGp, Covariate::PriorGp, Covariate::Female, Covariate::Age, Covariate::Imd, Covariate::ImdUnknown];

    fn key(self) -> &'static str {
        match self {
            Covariate::BeforeGp => "before_gp_appointments",
            Covariate::PriorGp => "prior_gp_appointments",
            Covariate::Female => "female",
            Covariate::Age => "age_band",
            Covariate::Imd => "imd_quintile",
            Covariate::ImdUnknown => "imd_unknown",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Covariate::BeforeGp => "GP appointments in the before window (matched on)",
            Covariate::PriorGp => "GP appointments in the 12 months before (tie-breaker)",
            Covariate::Female => "Female (%)",
            Covariate::Age => "Age band (0 = under 18 … 8 = 85 and over)",
            Covariate::Imd => "IMD quintile (1 = most deprived; people with a known quintile)",
            Covariate::ImdUnknown => "IMD quintile unknown (%)",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Covariate::BeforeGp | Covariate::PriorGp => "count",
            Covariate::Female | Covariate::ImdUnknown => "percent",
            Covariate::Age => "band",
            Covariate::Imd => "quintile",
        }
    }

    fn is_share(self) -> bool {
        self.unit() == "percent"
    }

    /// The covariate's value for one person (a share's: 1 or 0), or None when the person is
    /// outside its rows (an unknown quintile for the quintile's mean).
    fn value(self, age: AgeBand, sex: Sex, imd: Option<ImdQuintile>, (before_gp, prior_gp): GpCounts) -> Option<f64> {
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        match self {
            Covariate::BeforeGp => Some(before_gp as f64),
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
    smd_of(moments(a), moments(b))
}

/// [`smd`] of two groups' [`moments`].
fn smd_of(a: Option<(f64, f64)>, b: Option<(f64, f64)>) -> Option<f64> {
    let ((ma, va), (mb, vb)) = (a?, b?);
    let pooled = ((va + vb) / 2.0).sqrt();
    if pooled > 0.0 {
        Some((ma - mb) / pooled)
    } else {
        (ma == mb).then_some(0.0)
    }
}

/// A group's mean as it may be shown: a share as the percentage of the rounded counts (its
/// weighted count of people with the property, whole for the exactly matched covariates, of
/// `n`), any other mean of values in steps of 1 to the decimals its `n` people allow.
/// `moments`: the values' [`moments`], computed once for the mean and the SMD.
fn shown_mean(policy: SuppressionPolicy, cov: Covariate, n: u64, values: &[(f64, f64)], moments: Option<(f64, f64)>) -> Shown<f64> {
    if !cov.is_share() {
        return policy.mean(n, 1.0, moments.map(|m| m.0));
    }
    let with = ordered_sum(values.iter().map(|(x, w)| x * w));
    let all = ordered_sum(values.iter().map(|v| v.1));
    debug_assert!((with - with.round()).abs() < 1e-6 && (all - all.round()).abs() < 1e-6, "a share's weighted counts are whole");
    match policy.count(n) {
        Shown::Suppressed => Shown::Suppressed,
        _ => policy.proportion(with.round() as u64, all.round() as u64),
    }
}

/// An SMD as it may be published. A share's is computed from the two published percentages (a
/// yes/no value's variance is p(1 − p)), so it says nothing they do not: at full precision,
/// beside a group's rounded count, it would give back how many of them had the property. Any
/// other is published to two decimals when counts are rounded (a balance table's usual
/// precision, and enough for the 0.1 rule).
fn shown_smd(policy: SuppressionPolicy, cov: Covariate, n: u64, published: (Shown<f64>, Shown<f64>), exact: Option<f64>) -> Shown<f64> {
    let shown = policy.statistic(n, exact);
    if !cov.is_share() {
        return shown.map(|v| if policy.mean_decimals(n, 1.0).is_some() { round_to(v, 2) } else { v });
    }
    match shown {
        Shown::Value(_) => shown_smd_of_shares(policy, n, published),
        other => other,
    }
}

/// The SMD two published percentages give (see [`shown_smd`]); hidden when either is.
pub(super) fn shown_smd_of_shares(policy: SuppressionPolicy, n: u64, published: (Shown<f64>, Shown<f64>)) -> Shown<f64> {
    match (policy.statistic(n, Some(0.0)), published) {
        (Shown::Value(_), (Shown::Value(a), Shown::Value(b))) => {
            let (a, b) = (a / 100.0, b / 100.0);
            let pooled = ((a * (1.0 - a) + b * (1.0 - b)) / 2.0).sqrt();
            if pooled > 0.0 {
                Shown::Value((a - b) / pooled)
            } else if a == b {
                Shown::Value(0.0)
            } else {
                Shown::NoData
            }
        }
        (Shown::Value(_), _) => Shown::Suppressed,
        (other, _) => other,
    }
}

/// The table's rows with no figures (no comparison data).
pub(super) fn empty_table() -> Vec<BalanceRow> {
    Covariate::ALL
        .iter()
        .map(|&cov| BalanceRow {
            key: cov.key(),
            label: cov.label(),
            unit: cov.unit(),
            referred_before_matching: Shown::NoData,
            comparison_before_matching: Shown::NoData,
            smd_before_matching: Shown::NoData,
            referred_after_matching: Shown::NoData,
            comparison_after_matching: Shown::NoData,
            smd_after_matching: Shown::NoData,
            balanced_after_matching: Shown::NoData,
        })
        .collect()
}

pub(super) fn table(input: &ComparisonInput, matching: &Matching, policy: SuppressionPolicy) -> Vec<BalanceRow> {
    Covariate::ALL
        .iter()
        .map(|&cov| {
            let referred = |c: &super::Case| {
                let r = c.referred;
                cov.value(r.age, r.sex, r.imd, (c.counts.before[0], c.counts.prior_gp))
            };
            let comparison = |j: usize, gp: GpCounts| {
                let p = &input.comparison[j];
                cov.value(p.age, p.sex, p.imd, gp)
            };
            // Before matching: every eligible case, every comparison person of their practices.
            let ref_before: Vec<(f64, f64)> = matching.cases.iter().filter_map(|c| referred(c).map(|v| (v, 1.0))).collect();
            let cmp_before: Vec<(f64, f64)> = matching.practice_pool.iter().filter_map(|p| comparison(p.comparison, (p.before_gp, p.prior_gp)).map(|v| (v, 1.0))).collect();
            // After: the matched cases, their controls weighted 1/k.
            let mut ref_after: Vec<(f64, f64)> = Vec::new();
            let mut cmp_after: Vec<(f64, f64)> = Vec::new();
            // Which comparison people are controls (a flag each: a set of hundreds of thousands
            // cost more than the rest of the row).
            let mut is_control = vec![false; input.comparison.len()];
            let mut controls = 0u64;
            for c in matching.cases.iter().filter(|c| !c.controls.is_empty()) {
                let Some(v) = referred(c) else { continue };
                ref_after.push((v, 1.0));
                let w = 1.0 / c.controls.len() as f64;
                for k in &c.controls {
                    if let Some(v) = comparison(k.comparison, (k.counts.before[0], k.counts.prior_gp)) {
                        cmp_after.push((v, w));
                        controls += u64::from(!std::mem::replace(&mut is_control[k.comparison], true));
                    }
                }
            }
            let n = |v: &[(f64, f64)]| v.len() as u64;
            let (nrb, ncb, nra) = (n(&ref_before), n(&cmp_before), n(&ref_after));
            // The comparison side after matching: the smaller of its cases and its distinct people.
            let nca = nra.min(controls);
            let [mrb, mcb, mra, mca] = [&ref_before, &cmp_before, &ref_after, &cmp_after].map(|v| moments(v));
            let (referred_before, comparison_before) = (shown_mean(policy, cov, nrb, &ref_before, mrb), shown_mean(policy, cov, ncb, &cmp_before, mcb));
            let (referred_after, comparison_after) = (shown_mean(policy, cov, nra, &ref_after, mra), shown_mean(policy, cov, nca, &cmp_after, mca));
            let smd_before = shown_smd(policy, cov, nrb.min(ncb), (referred_before, comparison_before), smd_of(mrb, mcb));
            let smd_after = shown_smd(policy, cov, nra.min(nca), (referred_after, comparison_after), smd_of(mra, mca));
            BalanceRow {
                key: cov.key(),
                label: cov.label(),
                unit: cov.unit(),
                referred_before_matching: referred_before,
                comparison_before_matching: comparison_before,
                smd_before_matching: smd_before,
                referred_after_matching: referred_after,
                comparison_after_matching: comparison_after,
                smd_after_matching: smd_after,
                balanced_after_matching: smd_after.map(|s| s.abs() < SMD_BALANCED_BELOW),
            }
        })
        .collect()
}
