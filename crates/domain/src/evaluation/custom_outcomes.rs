//! Paired change in the scores of a service's own questionnaires ([`crate::measurement::custom_instrument`]),
//! computed exactly as the shipped instruments' in `evaluation::outcomes`: per referral received in
//! the period, the earliest baseline paired with the latest later follow-up or discharge measure of
//! the same questionnaire; paired-t mean change with 95% CI, d_z, Wilcoxon p, % improved/worsened
//! by the questionnaire's own meaningful-change threshold, and movement out of its band of concern.
//! Kept beside the built-in outcomes (not inside them) so the shipped instruments' typed keys and
//! every reader of them stay as they are.

use crate::evaluation::disclosure::{Shown, SuppressionPolicy};
use crate::evaluation::facts::{Period, ReferralFacts};
use crate::evaluation::pairing::{PairFinder, Pairing};
use crate::evaluation::stats;
use crate::measurement::custom_instrument::{CustomInstrument, CustomMeasureFacts};
use crate::measurement::instruments::Direction;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// The paired change of one score of a service's own questionnaire.
#[derive(Debug, Clone, Serialize)]
pub struct CustomOutcome {
    pub instrument_code: String,
    pub instrument_name: String,
    pub version: String,
    pub licence: String,
    pub score_key: String,
    pub label: String,
    pub direction: Direction,
    /// The questionnaire's meaningful-change threshold, in points (printed in the report).
    pub threshold: f64,
    /// The band-of-concern cut-off, where the questionnaire has one.
    pub concern_at: Option<f64>,
    pub n_paired: Shown<u64>,
    pub n_baseline_only: Shown<u64>,
    /// Attrition, as for the shipped questionnaires ([`crate::evaluation::outcomes::attrition`]).
    pub pct_followed_up: Shown<f64>,
    pub mean_baseline_not_followed_up: Shown<f64>,
    pub mean_change_if_lost_unchanged: Shown<f64>,
    pub mean_baseline: Shown<f64>,
    pub mean_follow_up: Shown<f64>,
    pub mean_change: Shown<f64>,
    pub ci95_low: Shown<f64>,
    pub ci95_high: Shown<f64>,
    pub effect_size_dz: Shown<f64>,
    pub pct_improved: Shown<f64>,
    pub pct_worsened: Shown<f64>,
    pub wilcoxon_p: Shown<f64>,
    pub n_in_concern_at_baseline: Shown<u64>,
    pub pct_out_of_concern: Shown<f64>,
}

/// One entry per score of every questionnaire that has any measure of a referral in the period.
pub fn outcomes(instruments: &[CustomInstrument], measures: &[CustomMeasureFacts], in_period: &[&ReferralFacts], period: Period, policy: SuppressionPolicy) -> Vec<CustomOutcome> {
    let referral_ids: HashSet<&str> = in_period.iter().map(|r| r.id.as_ref()).collect();
    let mut result = Vec::new();
    for instrument in instruments {
        // Per referral, in id order: its pair (see `pairing`).
        let mut referrals: BTreeMap<&str, PairFinder<&CustomMeasureFacts>> = BTreeMap::new();
        for m in measures.iter().filter(|m| m.instrument_code == instrument.code() && m.taken_on <= period.to && referral_ids.contains(m.referral_id.as_str())) {
            // A stored answer set that no longer fits the definition is left out rather than misread.
            if instrument.parse_answers(&m.answers.iter().map(i64::to_string).collect::<Vec<_>>().iter().map(String::as_str).collect::<Vec<_>>()).is_err() {
                continue;
            }
            referrals.entry(m.referral_id.as_str()).or_default().see(m.timepoint, m.taken_on, m);
        }
        if referrals.is_empty() {
            continue;
        }
        let pairings: Vec<Pairing<&CustomMeasureFacts>> = referrals.into_values().map(PairFinder::pairing).collect();
        let threshold = instrument.threshold();
        for (index, score) in instrument.scores().into_iter().enumerate() {
            let mut pairs = Vec::new();
            let mut lost_baselines = Vec::new();
            for pairing in &pairings {
                match pairing {
                    Pairing::Paired { baseline, follow_up } => pairs.push((instrument.score(&baseline.answers)[index], instrument.score(&follow_up.answers)[index])),
                    Pairing::BaselineOnly(baseline) => lost_baselines.push(instrument.score(&baseline.answers)[index]),
                    Pairing::NoBaseline => {}
                }
            }
            // In a fixed order, so the same measures give bit-for-bit the same figures.
            lost_baselines.sort_by(f64::total_cmp);
            let baseline_only = lost_baselines.len() as u64;
            let n = pairs.len() as u64;
            let change = stats::paired_change(&pairs);
            let count = |pred: &dyn Fn(f64) -> bool| pairs.iter().filter(|(b, a)| pred(instrument.improvement(*b, *a))).count() as u64;
            let in_concern: Vec<&(f64, f64)> = pairs.iter().filter(|(b, _)| instrument.is_of_concern(*b) == Some(true)).collect();
            let n_concern = in_concern.len() as u64;
            let moved_out = in_concern.iter().filter(|(_, a)| instrument.is_of_concern(*a) == Some(false)).count() as u64;
            let changes: Vec<f64> = pairs.iter().map(|(b, a)| a - b).collect();
            let mean_change = policy.mean(n, 1.0, change.as_ref().map(|c| c.mean_change));
            let lost = crate::evaluation::outcomes::attrition(policy, n, &lost_baselines, mean_change);
            result.push(CustomOutcome {
                instrument_code: instrument.code().to_owned(),
                instrument_name: instrument.name().to_owned(),
                version: instrument.version().to_owned(),
                licence: instrument.licence().to_owned(),
                score_key: score.key,
                label: score.label,
                direction: instrument.direction(),
                threshold,
                concern_at: instrument.concern_at(),
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
                pct_improved: policy.proportion(count(&|d| d >= threshold), n),
                pct_worsened: policy.proportion(count(&|d| d <= -threshold), n),
                wilcoxon_p: policy.statistic(n, stats::wilcoxon_signed_rank(&changes).map(|w| w.p)),
                n_in_concern_at_baseline: if instrument.concern_at().is_some() { policy.count(n_concern) } else { Shown::NoData },
                pct_out_of_concern: policy.proportion(moved_out, n_concern),
            });
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measurement::instruments::Timepoint;
    use crate::casework::referral::{ReferralSource, ReferralStatus};
    use crate::measurement::custom_instrument::CustomForm;
    use time::macros::date;

    fn confidence() -> CustomInstrument {
        CustomInstrument::parse(
            "custom_conf",
            &CustomForm {
                name: "Confidence to manage my health",
                version: "1",
                licence: "Our own",
                instructions: "",
                answers: "1: Not at all; 2: A little; 3: Somewhat; 4: Very; 5: Completely",
                items: "Q1\nQ2\nQ3",
                scoring: "sum",
                better: "higher",
                threshold: "2",
                concern_at: "6",
            },
        )
        .unwrap()
    }

    fn referral(id: &str) -> ReferralFacts {
        crate::evaluation::testing::referral(id, None, date!(2026 - 05 - 01)).from_source(ReferralSource::ALL[0]).with_status(ReferralStatus::ALL[0])
    }

    fn measure(id: &str, timepoint: Timepoint, answers: [i64; 3]) -> CustomMeasureFacts {
        CustomMeasureFacts { referral_id: id.into(), instrument_code: "custom_conf".into(), timepoint, taken_on: if timepoint == Timepoint::Baseline { date!(2026 - 05 - 10) } else { date!(2026 - 08 - 10) }, answers: answers.to_vec() }
    }

    /// Eight pairs: four go 2+2+2=6 → 3+3+3=9 (+3), four go 3+3+3=9 → 3+3+4=10 (+1); one more has a
    /// baseline only. Mean change (4×3 + 4×1)/8 = 2; changes 3,3,3,3,1,1,1,1 have SD 1.0690, so
    /// d_z = 1.8708 and the t-based CI is 2 ± 2.3646 × 1.0690/√8 = 1.1063 to 2.8937. Improved by ≥ 2:
    /// 4 of 8 = 50%, suppressed as 4 is a small count. In concern (≤ 6) at baseline: 4, all out at follow-up (9 > 6): 100%.
    #[test]
    fn paired_change_by_hand() {
        let mut refs = Vec::new();
        let mut measures = Vec::new();
        for i in 0..8 {
            let id = format!("r{i}");
            refs.push(referral(&id));
            if i < 4 {
                measures.push(measure(&id, Timepoint::Baseline, [2, 2, 2]));
                measures.push(measure(&id, Timepoint::FollowUp, [3, 3, 3]));
            } else {
                measures.push(measure(&id, Timepoint::Baseline, [3, 3, 3]));
                measures.push(measure(&id, Timepoint::Discharge, [3, 3, 4]));
            }
        }
        refs.push(referral("r8"));
        measures.push(measure("r8", Timepoint::Baseline, [1, 1, 1]));
        // A measure of someone referred outside the period is ignored.
        measures.push(measure("elsewhere", Timepoint::Baseline, [1, 1, 1]));
        let in_period: Vec<&ReferralFacts> = refs.iter().collect();
        let period = Period::new(date!(2026 - 04 - 01), date!(2027 - 03 - 31)).unwrap();
        let out = outcomes(&[confidence()], &measures, &in_period, period, SuppressionPolicy::default());
        assert_eq!(out.len(), 1);
        let o = &out[0];
        assert_eq!((o.score_key.as_str(), o.threshold, o.n_paired, o.n_baseline_only), ("custom_conf_total", 2.0, Shown::Value(10), Shown::Suppressed));
        let v = |s: Shown<f64>| *s.value().unwrap();
        // Means to whole numbers for a published 10 (SuppressionPolicy::mean): 2.0, 7.5, 9.5,
        // and the interval 1.106 to 2.894.
        assert_eq!((v(o.mean_change), v(o.mean_baseline), v(o.mean_follow_up)), (2.0, 8.0, 10.0));
        assert!((v(o.effect_size_dz) - 1.870829).abs() < 1e-5, "{:?}", o.effect_size_dz);
        assert_eq!((v(o.ci95_low), v(o.ci95_high)), (1.0, 3.0));
        // 4 of 8 improved: 50% would reveal the small count 4, so it is suppressed; 0 of 8 worsened
        // (and 8 − 0 = 8 did not) reveals no small count: 0%.
        assert_eq!((o.pct_improved, o.pct_worsened), (Shown::Suppressed, Shown::Value(0.0)));
        assert_eq!((o.n_in_concern_at_baseline, o.pct_out_of_concern), (Shown::Suppressed, Shown::Suppressed));
        // Seven pairs only: every statistic suppressed.
        let out = outcomes(&[confidence()], &measures[..14], &in_period, period, SuppressionPolicy::default());
        assert!(out[0].mean_change.is_suppressed() && out[0].n_paired.is_suppressed());
        // No measures: no entry.
        assert!(outcomes(&[confidence()], &[], &in_period, period, SuppressionPolicy::default()).is_empty());
    }

    /// A service's own questionnaire says who was followed up, as the shipped ones do: the eight
    /// pairs above and eight more people whose baseline (3 each) was never followed up.
    #[test]
    fn attrition_is_shown_for_a_services_own_questionnaire() {
        let mut refs = Vec::new();
        let mut measures = Vec::new();
        for i in 0..16 {
            let id = format!("r{i}");
            refs.push(referral(&id));
            measures.push(measure(&id, Timepoint::Baseline, [1, 1, 1]));
            if i < 8 {
                measures.push(measure(&id, Timepoint::FollowUp, [2, 1, 1]));
            }
        }
        let in_period: Vec<&ReferralFacts> = refs.iter().collect();
        let period = Period::new(date!(2026 - 04 - 01), date!(2027 - 03 - 31)).unwrap();
        let exact = SuppressionPolicy { max_suppressed: 0, rounding_base: 1 };
        let o = &outcomes(&[confidence()], &measures, &in_period, period, exact)[0];
        assert_eq!(o.pct_followed_up, Shown::Value(50.0));
        assert_eq!(o.mean_baseline_not_followed_up, Shown::Value(3.0));
        assert_eq!(o.mean_change_if_lost_unchanged, Shown::Value(0.5), "+1 for half, 0 for the other half");
    }
}
