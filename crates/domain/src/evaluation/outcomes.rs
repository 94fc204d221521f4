//! Outcomes: paired change in each shipped instrument's scores, per referral received in the
//! period (the earliest baseline paired with the latest later follow-up or discharge measure of
//! the same questionnaire), with paired-t CI, d_z, Wilcoxon p, % improved/worsened by the
//! meaningful-change threshold and movement out of the band of concern.

use crate::evaluation::disclosure::{Shown, SuppressionPolicy};
use crate::evaluation::facts::{EvaluationSettings, MeasureFacts, Period, ReferralFacts};
use crate::evaluation::pairing::{PairFinder, Pairing};
use crate::evaluation::stats;
use crate::measurement::instruments::{Direction, Instrument};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Serialize)]
pub struct OutcomeChange {
    pub score_key: &'static str,
    pub label: &'static str,
    pub instrument: Instrument,
    pub direction: Direction,
    pub threshold: f64,
    pub n_paired: Shown<u64>,
    /// People with a baseline but no follow-up yet (attrition).
    pub n_baseline_only: Shown<u64>,
    /// Of the people with a baseline, % who have a follow-up: how far the change figures speak
    /// for everyone who started.
    pub pct_followed_up: Shown<f64>,
    /// Mean baseline score of the people without a follow-up, to set beside `mean_baseline`
    /// (those followed up): people who leave are often not like those who stay.
    pub mean_baseline_not_followed_up: Shown<f64>,
    /// The mean change if everyone with a baseline but no follow-up had not changed at all (their
    /// change counted as 0): a cautious bound on the headline when those lost did not improve.
    pub mean_change_if_lost_unchanged: Shown<f64>,
    pub mean_baseline: Shown<f64>,
    pub mean_follow_up: Shown<f64>,
    pub mean_change: Shown<f64>,
    pub ci95_low: Shown<f64>,
    pub ci95_high: Shown<f64>,
    pub effect_size_dz: Shown<f64>,
    /// % of paired people who improved by at least the threshold ([`SuppressionPolicy::proportion`](crate::evaluation::disclosure::SuppressionPolicy::proportion)).
    pub pct_improved: Shown<f64>,
    /// How many paired people improved by at least the threshold (a disclosure-controlled count,
    /// for SROI quantities: people, not a percentage of a rounded total).
    pub n_improved: Shown<u64>,
    /// % who got worse by at least the threshold.
    pub pct_worsened: Shown<f64>,
    /// Wilcoxon signed-rank test of the changes (two-sided p; scipy's defaults).
    pub wilcoxon_p: Shown<f64>,
    /// Paired people whose baseline was in the instrument's band of concern (e.g. lonely, PHQ-9 ≥ 10).
    pub n_in_concern_at_baseline: Shown<u64>,
    /// Of those, % no longer in it at follow-up. `NoData` for instruments without such a band.
    pub pct_out_of_concern: Shown<f64>,
    /// Of those, how many are no longer in it (a disclosure-controlled count). `NoData` for
    /// instruments without such a band.
    pub n_out_of_concern: Shown<u64>,
}

/// Per referral id: its measures of one questionnaire, paired as [`pairing`] says.
type MeasuresByReferral<'a> = HashMap<&'a str, PairFinder<&'a MeasureFacts>>;

/// Who was followed up, and what that could mean for the change: the share of the people with a
/// baseline who were followed up, how the others started, and the mean change if they had not
/// changed at all (a bound: people who drop out often did less well). Used by the shipped and the
/// services' own questionnaires alike.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attrition {
    pub pct_followed_up: Shown<f64>,
    pub mean_baseline_not_followed_up: Shown<f64>,
    pub mean_change_if_lost_unchanged: Shown<f64>,
}

/// [`Attrition`] of `n_paired` pairs and the baselines of those not followed up, beside the
/// published `mean_change`. Every figure is of published ones: the share of the two rounded
/// counts, and the bound as the published mean change times the published share (of the exact
/// counts the two would give back how many were followed up); the bound is hidden with the share.
pub fn attrition(policy: SuppressionPolicy, n_paired: u64, lost_baselines: &[f64], mean_change: Shown<f64>) -> Attrition {
    let pct_followed_up = policy.proportion_of_parts(n_paired, lost_baselines.len() as u64);
    let mean_change_if_lost_unchanged = match (mean_change, pct_followed_up) {
        (Shown::Value(m), Shown::Value(pct)) => Shown::Value(m * pct / 100.0),
        (Shown::NoData, _) | (_, Shown::NoData) => Shown::NoData,
        _ => Shown::Suppressed,
    };
    Attrition {
        pct_followed_up,
        mean_baseline_not_followed_up: policy.mean(lost_baselines.len() as u64, 1.0, stats::mean(lost_baselines)),
        mean_change_if_lost_unchanged,
    }
}

/// The questionnaires every report shows, used or not (the service's default measurement set).
pub const CORE_INSTRUMENTS: &[Instrument] = &[Instrument::Ons4, Instrument::Swemwbs];

/// The [`OutcomeChange`] of every score of every instrument measured in the period (and always of
/// [`CORE_INSTRUMENTS`]), from the measures of the referrals received in it.
pub fn outcomes(measures: &[MeasureFacts], in_period: &[&ReferralFacts], period: Period, settings: &EvaluationSettings) -> Vec<OutcomeChange> {
    let policy = settings.policy;
    let referral_ids: HashSet<&str> = in_period.iter().map(|r| r.id.as_ref()).collect();
    // Per instrument (in `Instrument::ALL`'s order), per referral: its pair up to the period's
    // end, found in one pass over the measures.
    let mut kept: Vec<MeasuresByReferral> = Instrument::ALL.iter().map(|_| Default::default()).collect();
    for m in measures.iter().filter(|m| m.taken_on <= period.to && referral_ids.contains(m.referral_id.as_ref())) {
        let Some(at) = Instrument::ALL.iter().position(|i| *i == m.recorded.instrument()) else { continue };
        kept[at].entry(m.referral_id.as_ref()).or_default().see(m.timepoint, m.taken_on, m);
    }
    let mut result = Vec::new();
    for (instrument, referrals) in Instrument::ALL.iter().zip(kept) {
        if referrals.is_empty() && !CORE_INSTRUMENTS.contains(instrument) {
            // Questionnaires the service does not use would only add empty rows; the core two are
            // always reported, so a missing measure shows as missing.
            continue;
        }
        // Each pair's scores, computed once for all of the instrument's scores, and the
        // baselines of the people not followed up.
        let mut scored = Vec::new();
        let mut lost = Vec::new();
        for finder in referrals.into_values() {
            match finder.pairing() {
                Pairing::Paired { baseline, follow_up } => scored.push((baseline.recorded.scores(), follow_up.recorded.scores())),
                Pairing::BaselineOnly(baseline) => lost.push(baseline.recorded.scores()),
                Pairing::NoBaseline => {}
            }
        }
        let baseline_only = lost.len() as u64;
        for (index, def) in instrument.scores().iter().enumerate() {
            let threshold = settings.thresholds.get(def.key).copied().unwrap_or(def.default_threshold);
            let mut pairs: Vec<(f64, f64)> = scored.iter().map(|(before, after)| (before[index].value, after[index].value)).collect();
            // Sums in a fixed order, so the same measures give bit-for-bit the same figures whatever
            // the stored ids are (a re-imported bundle reports exactly what its source did).
            pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
            let n = pairs.len() as u64;
            let change = stats::paired_change(&pairs);
            let better = |(b, a): &(f64, f64)| match def.direction {
                Direction::HigherIsBetter => a - b,
                Direction::LowerIsBetter => b - a,
            };
            let count = |pred: &dyn Fn(f64) -> bool| pairs.iter().filter(|p| pred(better(p))).count() as u64;
            let (improved, worsened) = (count(&|d| d >= threshold), count(&|d| d <= -threshold));
            let in_concern: Vec<&(f64, f64)> = pairs.iter().filter(|(b, _)| def.is_of_concern(*b) == Some(true)).collect();
            let n_concern = in_concern.len() as u64;
            let moved_out = in_concern.iter().filter(|(b, a)| def.moved_out_of_concern(*b, *a) == Some(true)).count() as u64;
            let changes: Vec<f64> = pairs.iter().map(|(b, a)| a - b).collect();
            let mut lost_baselines: Vec<f64> = lost.iter().map(|scores| scores[index].value).collect();
            lost_baselines.sort_by(f64::total_cmp);
            let mean_change = policy.mean(n, 1.0, change.as_ref().map(|c| c.mean_change));
            let lost = attrition(policy, n, &lost_baselines, mean_change);
            result.push(OutcomeChange {
                wilcoxon_p: policy.statistic(n, stats::wilcoxon_signed_rank(&changes).map(|w| w.p)),
                n_in_concern_at_baseline: if def.concern.is_some() { policy.count(n_concern) } else { Shown::NoData },
                pct_out_of_concern: if def.concern.is_some() { policy.proportion(moved_out, n_concern) } else { Shown::NoData },
                n_out_of_concern: if def.concern.is_some() { policy.count(moved_out) } else { Shown::NoData },
                score_key: def.key,
                label: def.label,
                instrument: *instrument,
                direction: def.direction,
                threshold,
                n_paired: policy.count(n),
                n_baseline_only: policy.count(baseline_only),
                pct_followed_up: lost.pct_followed_up,
                mean_baseline_not_followed_up: lost.mean_baseline_not_followed_up,
                mean_change_if_lost_unchanged: lost.mean_change_if_lost_unchanged,
                mean_baseline: policy.mean(n, 1.0, change.as_ref().map(|c| c.mean_before)),
                mean_follow_up: policy.mean(n, 1.0, change.as_ref().map(|c| c.mean_after)),
                mean_change,
                ci95_low: policy.mean(n, 1.0, change.as_ref().and_then(|c| c.ci95).map(|ci| ci.0)),
                ci95_high: policy.mean(n, 1.0, change.as_ref().and_then(|c| c.ci95).map(|ci| ci.1)),
                effect_size_dz: policy.statistic(n, change.as_ref().and_then(|c| c.effect_size_dz)),
                pct_improved: policy.proportion(improved, n),
                pct_worsened: policy.proportion(worsened, n),
                n_improved: policy.count(improved),
            });
        }
    }
    result
}
