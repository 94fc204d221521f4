//! Health-system use against a **matched comparison group**, with **difference-in-differences**
//! (shared/product/evaluation.md, "A comparison group"): how much of the fall in use after a
//! referral would have happened anyway (regression to the mean, natural recovery).
//!
//! Pure: facts in, disclosure-controlled figures out. `tools/comparison_fixtures.py` implements
//! the same method independently in NumPy; `tests/comparison_reference.rs` checks this module
//! against its output.
//!
//! # Method
//!
//! **Cases.** Each referred person's first referral (earliest date; the first such entry of
//! [`ReferredPerson`] on a tie) that falls in the period is a case, its *index date* the referral
//! date. Windows around an index date `t` (months `m`, [`DEFAULT_WINDOW_MONTHS`](crate::evaluation::health_system::DEFAULT_WINDOW_MONTHS) when 0), as the
//! health section has them: before `[t − m months, t)`, after `(t, t + m months]`; the index day is
//! in neither. *GP appointments* are surgery, telephone and home-visit contacts. Cases are matched
//! on their GP appointments **in the before window** (the DiD's own "before"); the count in the
//! *12 months before*, `[t − 12 months, t)`, breaks ties. Months are calendar months
//! ([`shift_months`](crate::evaluation::health_system::shift_months)).
//!
//! **Coverage (who is eligible).** A case is eligible when the *look-back* `[t − max(12, m)
//! months, t)` and the after window both lie within the referred people's data (its first to last
//! contact date, as the health section) and within the comparison extract
//! ([`ComparisonInput::comparison_from`] to [`ComparisonInput::comparison_to`]), and the after
//! window ends by the period's end. The look-back is what the counts need: the before window
//! (matched on, and the DiD's "before") and the 12 months of the tie-breaker. The 12 months are
//! kept required, though matching itself needs only the before window, so that the tie-breaker
//! and the balance table's 12-month row are never of a part-observed year; with the default
//! 6-month windows this costs the cases referred in the extracts' first 6–12 months.
//! The comparison extract's coverage is the date range it was requested for when the import knows
//! it; otherwise its first and last contact dates (which can only understate it). `None`: nothing
//! imported, so no case is eligible.
//!
//! **Exact matching.** A comparison person may be a control for a case when they have the case's
//! practice, age band, sex and IMD quintile. An **unknown IMD quintile is its own stratum**: a
//! case without a quintile is matched to comparison people without one (nobody is dropped for a
//! missing postcode, and the balance table reports the share unknown).
//!
//! **Controls inherit the index date.** A comparison person has no referral, so every window of a
//! control (the 12 months, before, after) is taken around *the case's* index date. The same person can
//! be a control for several cases (matching is with replacement), each time around that case's
//! date.
//!
//! **Nearest neighbours within a caliper, on the before window.** Among the eligible comparison
//! people, those whose GP appointments in the before window differ from the case's by at most the
//! caliper, `max(2, 0.25 × the case's count)` appointments ([`within_caliper`]), are ranked by
//! that absolute difference, then by the absolute difference in GP appointments in the 12 months
//! before, then by the comparison key (byte order, then extract order); the first
//! [`CONTROLS_PER_CASE`] (5) are the case's controls. A case with none is *unmatched*: counted,
//! and left out of the difference-in-differences.
//!
//! *Why the before window.* People are referred at a peak of use, which falls back whatever the
//! service does (regression to the mean). Matched on the 12 months before, a case whose
//! appointments are bunched in the last months before referral gets controls with the same
//! yearly total spread evenly: their before window is lower, they fall back less, and the DiD
//! keeps most of the regression to the mean (in the reference population the referred had 9.4 GP
//! appointments per person-year in the before window against their controls' 7.0, and the DiD,
//! −6.4, was barely smaller than the naive change, −7.3; SMD 0.38). Matched on the before window
//! itself, the controls start from the same level in the same months, so the part of the fall
//! that the level of use foretells is taken out (there: SMD 0.12, 9.0 against 8.3; DiD −5.6
//! against a naive −6.8). What no matching on the records can take out is a fall they do not
//! foretell: in that population people are referred as a spike of use ends, while comparison
//! people with the same count in the same months are mostly steady high users or still in a
//! spike, and do not fall back; most of the fall stays in the DiD (the first caveat).
//!
//! **Balance.** For each covariate (GP appointments in the before window, the matching
//! variable; GP appointments in the 12 months before; female share; age band as an ordinal 0 =
//! under 18 … 8 = 85+; IMD quintile 1–5 among people with a known quintile; share with an unknown
//! quintile) the standardised mean difference `SMD = (mean_referred − mean_comparison) /
//! √((var_referred + var_comparison) / 2)`, variances with divisor n (weighted: Σw), so that a
//! share's variance is p(1 − p); 0 when both variances are 0 and the means are equal, none when
//! the means differ. *Before matching*: every eligible case against every comparison person of the
//! same practices (each once, unweighted), whose GP appointments are counted around their
//! practice's median index date (the lower median of its eligible cases' dates). *After matching*: the
//! matched cases against their controls, each control weighted 1/k (k = that case's number of
//! controls), so every case weighs the same. |SMD| < [`SMD_BALANCED_BELOW`] (0.1) is flagged as
//! balanced.
//!
//! **Difference-in-differences.** Outcomes: GP appointments (surgery + telephone + home visit),
//! A&E attendances (not admitted + admitted), non-elective admissions and bed days (the bed days
//! of the contacts in a window, on their admission date). Counts are per person-year (divided by
//! m / 12). For a matched case *i* with controls *j*: `d_i = (after_i − before_i) − mean_j(after_j −
//! before_j)`. The estimate is `mean(d_i)` over the m matched cases; its 95% interval `mean ± t(0.975,
//! m − 1) × sd(d_i) / √m` ([`stats::mean_ci95`]). The naive change is `mean(after_i − before_i)` in
//! the same matched cases, so the two sit side by side. The interval treats the cases as
//! independent; controls reused across cases make their `d_i` correlated, so it is somewhat too
//! narrow (a caveat says so).
//!
//! **Disclosure.** Counts go through [`SuppressionPolicy::count`]. Every figure is shown with the
//! number of people it is computed from: the matched cases for the referred side, and for the
//! comparison side and the DiD the smaller of the matched cases and the distinct controls.
//! Per-person-year figures (means, changes, the DiD and its interval) go through
//! [`SuppressionPolicy::mean`] with step `12 / m` for an `m`-month window (a person's count per
//! person-year is a whole number of contacts over the window), so they are published to decimals that cannot single out
//! their number of people. In the balance table, means of counts and of ordinals go through
//! [`SuppressionPolicy::mean`] with step 1; shares (female, IMD unknown) are percentages of the
//! rounded counts ([`SuppressionPolicy::proportion`]; the controls' weighted count is whole, as
//! sex and the unknown quintile are matched exactly), hidden too when the comparison side's
//! number of people is small; SMDs through [`SuppressionPolicy::statistic`].
//!
//! **No comparison data.** With an empty extract [`evaluate`] only counts the people first
//! referred in the period (and finds the referred data's span); every other figure is no data,
//! and no case's contacts are read.
//!
//! **Cost.** Comparison people are grouped once by (practice, age band, sex, IMD quintile) cell,
//! only cells holding a case, and each member's contact dates are kept sorted per outcome (bed
//! days as prefix sums), so a count in a window is two binary searches. A case costs one
//! before-window count per member of its cell (and a 12-month count for those within the
//! caliper), then the windows of its ≤ 5 controls: O(cases × cell size ×
//! log contacts), never O(cases × comparison people).

mod balance;
mod matching;
mod timeline;
#[cfg(test)]
mod tests;

pub use balance::{smd, BalanceRow};
pub use matching::{match_cases, Case, Control, Matching, PersonCounts, PoolMember};

use crate::evaluation::disclosure::{Shown, SuppressionPolicy};
use crate::evaluation::equity::{AgeBand, ImdQuintile};
use crate::evaluation::facts::{FactId, Period};
use crate::evaluation::health_system::{Contact, PersonActivity};
use crate::evaluation::stats;
use crate::person::Sex;
use time::Date;

/// Controls matched to each case (at most; fewer when fewer lie within the caliper).
pub const CONTROLS_PER_CASE: usize = 5;
/// The caliper never narrows below this many GP appointments (in the before window).
pub const CALIPER_MIN: u64 = 2;
/// The caliper as a share of the case's GP appointments in the before window (when that is wider
/// than [`CALIPER_MIN`]).
pub const CALIPER_SHARE: f64 = 0.25;
/// The tie-breaker (and a balance row) counts GP appointments over this many months before the
/// index date.
pub const PRIOR_USE_MONTHS: u8 = 12;
/// A covariate is balanced when |SMD| is below this.
pub const SMD_BALANCED_BELOW: f64 = 0.1;

/// Whether a comparison person with `control` GP appointments in the before window lies within the
/// caliper of a case with `case` there: `|control − case| ≤ max(2, 0.25 × case)` (in whole numbers:
/// the difference is at most 2, or 4 × the difference is at most the case's count).
pub fn within_caliper(case: u64, control: u64) -> bool {
    let d = case.abs_diff(control);
    d <= CALIPER_MIN || 4 * d <= case
}

/// A referred person, as the comparison needs them (built by the app from the report's facts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferredPerson {
    pub person: String,
    pub referred_on: Date,
    pub practice_id: FactId,
    pub age: AgeBand,
    pub sex: Sex,
    pub imd: Option<ImdQuintile>,
}

/// A registered patient of a practice who was not referred, from a pseudonymised GP-system extract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComparisonPerson {
    /// The extract's pseudonymised key (unique within the extract; ties in matching are broken by it).
    pub key: String,
    pub practice_id: FactId,
    pub age: AgeBand,
    pub sex: Sex,
    pub imd: Option<ImdQuintile>,
    pub contacts: Vec<Contact>,
}

/// The comparison population as the evaluation's input carries it (loaded by the store from the
/// imported extract).
#[derive(Debug, Clone, Default)]
pub struct ComparisonFacts {
    pub people: Vec<ComparisonPerson>,
    /// The extract's first and last contact date: what it is taken to cover.
    pub covers: Option<(Date, Date)>,
}

/// What the comparison is computed from.
#[derive(Debug, Clone, Copy)]
pub struct ComparisonInput<'a> {
    pub referred: &'a [ReferredPerson],
    /// The referred people's contacts (the health section's input: person key -> contacts).
    pub referred_activity: &'a [PersonActivity],
    pub comparison: &'a [ComparisonPerson],
    /// The first and last date the comparison extract covers (None: nothing imported): the date
    /// range the extract was requested for when the import knows it, else the extract's first and
    /// last contact dates.
    pub comparison_from: Option<Date>,
    pub comparison_to: Option<Date>,
    /// Months before and after the index date; 0 means
    /// [`DEFAULT_WINDOW_MONTHS`](crate::evaluation::health_system::DEFAULT_WINDOW_MONTHS).
    pub window_months: u8,
}

/// An outcome compared. Codes are stable (figure ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    GpAppointments,
    AeAttendances,
    NonElectiveAdmissions,
    BedDays,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [Outcome::GpAppointments, Outcome::AeAttendances, Outcome::NonElectiveAdmissions, Outcome::BedDays];

    pub fn key(self) -> &'static str {
        match self {
            Outcome::GpAppointments => "gp_appointments",
            Outcome::AeAttendances => "ae_attendances",
            Outcome::NonElectiveAdmissions => "non_elective_admissions",
            Outcome::BedDays => "bed_days",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::GpAppointments => "GP appointments (surgery, telephone, home visit)",
            Outcome::AeAttendances => "A&E attendances (admitted or not)",
            Outcome::NonElectiveAdmissions => "Non-elective (emergency) admissions",
            Outcome::BedDays => "Bed days (non-elective stays)",
        }
    }
}

/// The method, printed with the figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Method {
    pub window_months: u8,
    /// What cases are matched on: GP appointments in the before window.
    pub matched_on: &'static str,
    /// The tie-breaker: GP appointments over this many months before the index date.
    pub prior_use_months: u8,
    pub controls_per_case: usize,
    pub caliper_min: u64,
    pub caliper_share: f64,
    pub smd_balanced_below: f64,
    pub description: &'static [&'static str],
}

/// The method in words, printed in the report.
pub const METHOD: &[&str] = &[
    "Each person first referred in the period is a case; their referral date is the index date. Before window: the months before the index date; after window: the months after it; the index day is in neither.",
    "Controls: registered patients of the same practice who were not referred, with the same age band, sex and IMD quintile (an unknown quintile matched to an unknown one).",
    "Each control's windows are taken around its case's index date (controls inherit the index date).",
    "The 5 comparison people nearest in GP appointments in the before window (the same months the difference-in-differences starts from, so that the controls start from the same level), within max(2, 25% of the case's count); ties broken by the nearest in GP appointments in the 12 months before the index date, then by key; a person can be a control for several cases. Cases with none are unmatched and left out of the estimate.",
    "Only cases whose before window, 12 months before (for the tie-breaker) and after window are covered by both the service's data and the comparison extract, with the after window ending by the period's end.",
    "Difference-in-differences per person-year: the mean over matched cases of (after − before of the case) − (mean after − before of its controls), with a t-based 95% interval over cases.",
    "Were trends parallel before referral? The same difference-in-differences for GP appointments one window earlier, from the window before the before window to the before window (both before referral; windows of up to 6 months). An interval that excludes 0 means the cases' use was already moving differently from their controls', so the estimate likely overstates the change associated with referral.",
    "Balance: standardised mean differences, before matching against all comparison people of the same practices, after matching against the controls weighted 1/k per case; |SMD| < 0.1 counts as balanced.",
    "Means are published to as few decimals as keep their number of people from being worked out; shares are percentages of the rounded counts.",
];

/// Caveats printed with the section.
pub const CAVEATS: &[&str] = &[
    "The comparison group is matched on practice, age band, sex, deprivation and GP use before referral only: referred people may differ in ways the records do not show (need, motivation, life events), so the difference is associated with referral, not proven to be caused by it.",
    "The interval treats the cases as independent; controls used for several cases make it somewhat narrower than it should be.",
    "Comparison people are taken as registered throughout the windows (the extract carries no registration dates); some of them may have been referred elsewhere.",
    "The naive change and the difference-in-differences are of the same matched people: the gap between them is an estimate of the change that would have happened anyway, such as regression to the mean.",
];

/// One covariate's balance is [`BalanceRow`]; one outcome's estimate is this.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutcomeDid {
    /// `gp_appointments`, `ae_attendances`, `non_elective_admissions` or `bed_days`.
    pub key: &'static str,
    pub label: &'static str,
    /// Matched cases.
    pub n: Shown<u64>,
    pub referred_before_per_person_year: Shown<f64>,
    pub referred_after_per_person_year: Shown<f64>,
    /// The controls' mean, each case's controls averaged first.
    pub comparison_before_per_person_year: Shown<f64>,
    pub comparison_after_per_person_year: Shown<f64>,
    /// After − before in the matched cases.
    pub naive_change_per_person_year: Shown<f64>,
    /// After − before in their controls.
    pub comparison_change_per_person_year: Shown<f64>,
    /// Difference-in-differences: the naive change less the controls' change.
    pub did_per_person_year: Shown<f64>,
    pub did_ci95_low: Shown<f64>,
    pub did_ci95_high: Shown<f64>,
}

/// The comparison-group section of the report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ComparisonReport {
    pub method: Method,
    /// The referred people's data: its first and last contact dates.
    pub referred_data_from: Option<Date>,
    pub referred_data_to: Option<Date>,
    /// The comparison extract's coverage, as given.
    pub comparison_from: Option<Date>,
    pub comparison_to: Option<Date>,
    /// People first referred in the period.
    pub referred_in_period: Shown<u64>,
    /// Of those, the cases whose look-back and after window both extracts cover (see the method).
    pub referred_eligible: Shown<u64>,
    pub matched: Shown<u64>,
    pub unmatched: Shown<u64>,
    /// Distinct comparison people used as a control at least once.
    pub comparison_people_used: Shown<u64>,
    /// Comparison people of the eligible cases' practices (the group before matching).
    pub comparison_people_in_practices: Shown<u64>,
    pub balance: Vec<BalanceRow>,
    pub outcomes: Vec<OutcomeDid>,
    /// Were the cases' and their controls' GP use running parallel before referral?
    pub pre_trend: PreTrend,
    pub caveats: Vec<&'static str>,
}

/// The check of the difference-in-differences' assumption that, without referral, the cases'
/// use would have changed as their controls' did: the same difference-in-differences one window
/// earlier (from the earlier window to the before window, both before referral), for GP
/// appointments. Its interval excluding 0 means the cases' use was already moving differently,
/// typically rising to the peak at which they were referred, so the DiD likely overstates the
/// fall the referral is associated with. Only for windows of up to 6 months (the look-back is
/// 12 months).
#[derive(Debug, Clone, serde::Serialize)]
pub struct PreTrend {
    /// Matched cases with an earlier window.
    pub n: Shown<u64>,
    /// Mean over cases of (before − earlier of the case) − (the same of its controls' mean).
    pub did_per_person_year: Shown<f64>,
    pub did_ci95_low: Shown<f64>,
    pub did_ci95_high: Shown<f64>,
    /// Whether the interval includes 0 (no evidence that use was moving differently).
    pub parallel: Shown<bool>,
}

impl PreTrend {
    fn no_data() -> Self {
        PreTrend { n: Shown::NoData, did_per_person_year: Shown::NoData, did_ci95_low: Shown::NoData, did_ci95_high: Shown::NoData, parallel: Shown::NoData }
    }
}

/// The method as printed, for a window of `window_months` months.
fn method(window_months: u8) -> Method {
    Method {
        window_months,
        matched_on: "gp_appointments_in_before_window",
        prior_use_months: PRIOR_USE_MONTHS,
        controls_per_case: CONTROLS_PER_CASE,
        caliper_min: CALIPER_MIN,
        caliper_share: CALIPER_SHARE,
        smd_balanced_below: SMD_BALANCED_BELOW,
        description: METHOD,
    }
}

/// The comparison-group evaluation for people first referred in `period`; the method is in the
/// module documentation.
pub fn evaluate(input: &ComparisonInput, period: Period, policy: SuppressionPolicy) -> ComparisonReport {
    if input.comparison.is_empty() {
        return without_comparison_data(input, period, policy);
    }
    let matching = match_cases(input, period);
    let years = f64::from(matching.window_months) / 12.0;
    let matched: Vec<&Case> = matching.cases.iter().filter(|c| !c.controls.is_empty()).collect();
    let m = matched.len() as u64;
    let distinct: std::collections::BTreeSet<usize> = matched.iter().flat_map(|c| c.controls.iter().map(|k| k.comparison)).collect();
    let n_comparison = m.min(distinct.len() as u64);

    let outcomes = Outcome::ALL
        .iter()
        .map(|&o| outcome_did(o, &matched, years, m, n_comparison, policy))
        .collect();

    ComparisonReport {
        method: method(matching.window_months),
        referred_data_from: matching.referred_data_from,
        referred_data_to: matching.referred_data_to,
        comparison_from: input.comparison_from,
        comparison_to: input.comparison_to,
        referred_in_period: policy.count(matching.referred_in_period),
        referred_eligible: policy.count(matching.cases.len() as u64),
        matched: policy.count(m),
        unmatched: policy.count(matching.cases.len() as u64 - m),
        comparison_people_used: policy.count(distinct.len() as u64),
        comparison_people_in_practices: policy.count(matching.practice_pool.len() as u64),
        balance: balance::table(input, &matching, policy),
        outcomes,
        pre_trend: pre_trend(&matched, years, n_comparison, policy),
        caveats: CAVEATS.to_vec(),
    }
}

/// No comparison extract (or an empty one): the people first referred in the period are counted
/// and the referred data's span found (one pass over the referrals, one over the contacts, no
/// timelines); every other figure is no data.
fn without_comparison_data(input: &ComparisonInput, period: Period, policy: SuppressionPolicy) -> ComparisonReport {
    let (referred_data_from, referred_data_to) = matching::referred_data_span(input);
    ComparisonReport {
        method: method(matching::window_months(input)),
        referred_data_from,
        referred_data_to,
        comparison_from: input.comparison_from,
        comparison_to: input.comparison_to,
        referred_in_period: policy.count(matching::first_referrals_in(input.referred, period).len() as u64),
        referred_eligible: Shown::NoData,
        matched: Shown::NoData,
        unmatched: Shown::NoData,
        comparison_people_used: Shown::NoData,
        comparison_people_in_practices: Shown::NoData,
        balance: balance::empty_table(),
        outcomes: Outcome::ALL
            .iter()
            .map(|&o| OutcomeDid {
                key: o.key(),
                label: o.label(),
                n: Shown::NoData,
                referred_before_per_person_year: Shown::NoData,
                referred_after_per_person_year: Shown::NoData,
                comparison_before_per_person_year: Shown::NoData,
                comparison_after_per_person_year: Shown::NoData,
                naive_change_per_person_year: Shown::NoData,
                comparison_change_per_person_year: Shown::NoData,
                did_per_person_year: Shown::NoData,
                did_ci95_low: Shown::NoData,
                did_ci95_high: Shown::NoData,
            })
            .collect(),
        pre_trend: PreTrend::no_data(),
        caveats: CAVEATS.to_vec(),
    }
}

/// Per matched case: (before, after) of the case and the mean (before, after) of its controls,
/// per person-year.
type CaseRates = ((f64, f64), (f64, f64));

fn case_rates(case: &Case, o: Outcome, years: f64) -> CaseRates {
    let i = o as usize;
    let own = (case.counts.before[i] as f64 / years, case.counts.after[i] as f64 / years);
    let k = case.controls.len() as f64;
    let before: Vec<f64> = case.controls.iter().map(|c| c.counts.before[i] as f64 / years).collect();
    let after: Vec<f64> = case.controls.iter().map(|c| c.counts.after[i] as f64 / years).collect();
    let controls = (stats::ordered_sum(before.into_iter()) / k, stats::ordered_sum(after.into_iter()) / k);
    (own, controls)
}

fn outcome_did(o: Outcome, matched: &[&Case], years: f64, m: u64, n_comparison: u64, policy: SuppressionPolicy) -> OutcomeDid {
    let rates: Vec<_> = matched.iter().map(|c| case_rates(c, o, years)).collect();
    let col = |f: fn(&CaseRates) -> f64| -> Vec<f64> { rates.iter().map(f).collect() };
    let d = col(|((b, a), (cb, ca))| (a - b) - (ca - cb));
    let ci = stats::mean_ci95(&d);
    // Each person's count per person-year is a whole number of contacts over the window: steps
    // of 12 / m. The comparison side (and the DiD, which includes it) is shown as a mean of its
    // smaller number of people, which can only mean fewer decimals.
    let step = 1.0 / years;
    let referred = |v: Option<f64>| policy.mean(m, step, v);
    let comparison = |v: Option<f64>| policy.mean(n_comparison, step, v);
    OutcomeDid {
        key: o.key(),
        label: o.label(),
        n: policy.count(m),
        referred_before_per_person_year: referred(stats::mean(&col(|r| r.0 .0))),
        referred_after_per_person_year: referred(stats::mean(&col(|r| r.0 .1))),
        comparison_before_per_person_year: comparison(stats::mean(&col(|r| r.1 .0))),
        comparison_after_per_person_year: comparison(stats::mean(&col(|r| r.1 .1))),
        naive_change_per_person_year: referred(stats::mean(&col(|r| r.0 .1 - r.0 .0))),
        comparison_change_per_person_year: comparison(stats::mean(&col(|r| r.1 .1 - r.1 .0))),
        did_per_person_year: comparison(stats::mean(&d)),
        did_ci95_low: comparison(ci.map(|c| c.0)),
        did_ci95_high: comparison(ci.map(|c| c.1)),
    }
}

/// The pre-trend check ([`PreTrend`]) over the matched cases whose windows have an earlier one.
fn pre_trend(matched: &[&Case], years: f64, n_comparison: u64, policy: SuppressionPolicy) -> PreTrend {
    let rise = |c: &PersonCounts| c.earlier_gp.map(|e| (c.before[0] as f64 - e as f64) / years);
    let d: Vec<f64> = matched
        .iter()
        .filter_map(|case| {
            let own = rise(&case.counts)?;
            let controls: Option<Vec<f64>> = case.controls.iter().map(|k| rise(&k.counts)).collect();
            let controls = controls?;
            Some(own - stats::ordered_sum(controls.iter().copied()) / controls.len() as f64)
        })
        .collect();
    if d.is_empty() {
        return PreTrend::no_data();
    }
    let n = d.len() as u64;
    let ci = stats::mean_ci95(&d);
    // As the DiD: a mean of whole counts per person-year, shown as of the smaller side.
    let shown = |v: Option<f64>| policy.mean(n.min(n_comparison), 1.0 / years, v);
    let (low, high) = (shown(ci.map(|c| c.0)), shown(ci.map(|c| c.1)));
    PreTrend {
        n: policy.count(n),
        did_per_person_year: shown(stats::mean(&d)),
        parallel: match (low, high) {
            (Shown::Value(l), Shown::Value(h)) => Shown::Value(l <= 0.0 && 0.0 <= h),
            (Shown::Suppressed, _) | (_, Shown::Suppressed) => Shown::Suppressed,
            _ => Shown::NoData,
        },
        did_ci95_low: low,
        did_ci95_high: high,
    }
}
