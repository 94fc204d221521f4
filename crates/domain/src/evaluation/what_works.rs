//! "What works": engagement, onward referrals and wellbeing change by referral source, need,
//! activity type and partner, for a manager deciding what to strengthen.
//!
//! Groups overlap (a person can have several needs and go to several activities) and there is no
//! comparison group, so differences between groups suggest where to look, not what caused them.

use crate::casework::need::NeedDomain;
use crate::evaluation::disclosure::{Shown, SuppressionPolicy};
use crate::evaluation::equity::{PairedChanges, OUTCOME_SCORE};
use crate::evaluation::facts::{FactId, Period, ReferralFacts};
use crate::evaluation::stats;
use crate::measurement::instruments::score_definition;
use crate::onward::OnwardStatus;
use serde::Serialize;
use std::collections::BTreeMap as Map;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use time::Date;

/// One onward referral, with what kind of activity its service offers.
#[derive(Debug, Clone, PartialEq)]
pub struct OnwardUse {
    pub referral_id: FactId,
    pub partner: FactId,
    /// The service's directory categories (taxonomy terms, else the needs it meets).
    pub activities: std::sync::Arc<[String]>,
    pub status: OnwardStatus,
    pub sent_on: Date,
}

#[derive(Debug, Clone, Default)]
pub struct WhatWorksFacts {
    pub needs: Vec<(FactId, NeedDomain)>,
    pub onward: Vec<OnwardUse>,
    /// Contacts per referral up to the period's end (referrals without any may be absent).
    pub contacts: Vec<(FactId, u64)>,
}

/// One group's figures.
#[derive(Debug, Clone, Serialize)]
pub struct GroupWorks {
    pub key: String,
    pub label: String,
    pub referrals: Shown<u64>,
    /// % of the group's referrals with at least one contact after the first.
    pub pct_engaged: Shown<f64>,
    pub onward_sent: Shown<u64>,
    /// % of the group's onward referrals the person attended or completed.
    pub pct_onward_went: Shown<f64>,
    pub n_paired: Shown<u64>,
    pub mean_change: Shown<f64>,
    pub ci95_low: Shown<f64>,
    pub ci95_high: Shown<f64>,
    pub pct_improved: Shown<f64>,
    /// Whether the group has enough people with a baseline and follow-up
    /// ([`MIN_PAIRED_TO_COMPARE`]) to be given an interval and a place in the order.
    pub compared: bool,
}

/// The fewest people with a baseline and follow-up a group needs for an interval and a place in
/// the best-first order. SWEMWBS changes vary with a standard deviation of about 4–5 points: with
/// 20 people the 95% interval is about ±2 points, narrower than the 3-point meaningful change;
/// with 8 to 12 it is about ±3, so an order of such groups is mostly chance.
pub const MIN_PAIRED_TO_COMPARE: u64 = 20;

#[derive(Debug, Clone, Serialize)]
pub struct WhatWorks {
    pub threshold: f64,
    pub by_source: Vec<GroupWorks>,
    pub by_need: Vec<GroupWorks>,
    pub by_activity: Vec<GroupWorks>,
    pub by_partner: Vec<GroupWorks>,
}

/// Referrals in a group, by their number in id order (see [`what_works`]), and the onward
/// referrals that put them there.
#[derive(Default)]
struct Members<'a> {
    referrals: Vec<u32>,
    onward: Vec<&'a OnwardUse>,
}

impl Members<'_> {
    /// Each referral once, in id order: the order the group's figures are summed in.
    fn settle(&mut self) {
        self.referrals.sort_unstable();
        self.referrals.dedup();
    }
}

pub fn what_works(facts: &WhatWorksFacts, changes: &PairedChanges, in_period: &[&ReferralFacts], period: Period, policy: SuppressionPolicy, thresholds: &BTreeMap<String, f64>) -> WhatWorks {
    let threshold = thresholds
        .get(OUTCOME_SCORE)
        .copied()
        .or_else(|| score_definition(OUTCOME_SCORE).map(|(_, d)| d.default_threshold))
        .unwrap_or(3.0);
    // The period's referrals numbered in id order. Groups hold numbers (four bytes, compared as
    // integers) rather than sets of ids: at 1.2 million referrals the groups name about seven
    // million members.
    let mut by_id: Vec<&ReferralFacts> = in_period.to_vec();
    by_id.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    by_id.dedup_by(|a, b| a.id == b.id);
    let number: HashMap<&str, u32> = by_id.iter().enumerate().map(|(i, r)| (r.id.as_ref(), i as u32)).collect();
    let mut contacts = vec![0u64; by_id.len()];
    for (r, n) in &facts.contacts {
        if let Some(&i) = number.get(r.as_ref()) {
            contacts[i as usize] = *n;
        }
    }
    let change: Vec<Option<(f64, f64)>> = by_id.iter().map(|r| changes.get(r.id.as_ref()).copied()).collect();
    // Each onward referral of the period's referrals with its referral's number, grouped by that
    // number (stable, so a referral's own keep their order).
    let mut onward: Vec<(u32, &OnwardUse)> = facts.onward.iter().filter(|o| o.sent_on <= period.to).filter_map(|o| number.get(o.referral_id.as_ref()).map(|&i| (i, o))).collect();
    onward.sort_by_key(|(i, _)| *i);
    let onward_of = |i: u32| {
        let start = onward.partition_point(|(j, _)| *j < i);
        onward[start..].iter().take_while(move |(j, _)| *j == i).map(|(_, o)| *o)
    };

    let summarise = |groups: Map<(String, String), Members>| -> Vec<GroupWorks> {
        let mut rows: Vec<GroupWorks> = groups
            .into_iter()
            .map(|((key, label), m)| {
                let n = m.referrals.len() as u64;
                let engaged = m.referrals.iter().filter(|i| contacts[**i as usize] >= 2).count() as u64;
                let sent = m.onward.len() as u64;
                let went = m.onward.iter().filter(|o| o.status.went()).count() as u64;
                let pairs: Vec<(f64, f64)> = m.referrals.iter().filter_map(|i| change[*i as usize]).collect();
                let n_paired = pairs.len() as u64;
                let change = stats::paired_change(&pairs);
                let improved = pairs.iter().filter(|(b, a)| a - b >= threshold).count() as u64;
                let compared = n_paired >= MIN_PAIRED_TO_COMPARE;
                let interval = |bound: Option<f64>| if compared { policy.mean(n_paired, 1.0, bound) } else { Shown::NoData };
                GroupWorks {
                    key,
                    label,
                    referrals: policy.count(n),
                    pct_engaged: policy.proportion(engaged, n),
                    onward_sent: policy.count(sent),
                    pct_onward_went: policy.proportion(went, sent),
                    n_paired: policy.count(n_paired),
                    mean_change: policy.mean(n_paired, 1.0, change.as_ref().map(|c| c.mean_change)),
                    ci95_low: interval(change.as_ref().and_then(|c| c.ci95).map(|c| c.0)),
                    ci95_high: interval(change.as_ref().and_then(|c| c.ci95).map(|c| c.1)),
                    pct_improved: policy.proportion(improved, n_paired),
                    compared,
                }
            })
            .collect();
        // Best first by % improved among the groups large enough to compare; then the others,
        // larger first (not ranked: their order would be mostly chance).
        let improved = |g: &GroupWorks| g.pct_improved.value().copied().filter(|_| g.compared);
        rows.sort_by(|a, b| match (improved(a), improved(b)) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => b.referrals.value().cmp(&a.referrals.value()),
        });
        rows
    };

    // Grouped by the enum first, named once per group after (not twice per row).
    let mut by_source: HashMap<_, Members> = HashMap::new();
    for (i, r) in by_id.iter().enumerate() {
        by_source.entry(r.source).or_default().referrals.push(i as u32);
    }
    let mut by_need: HashMap<NeedDomain, Members> = HashMap::new();
    for (r, need) in &facts.needs {
        if let Some(&i) = number.get(r.as_ref()) {
            by_need.entry(*need).or_default().referrals.push(i);
        }
    }
    // Onward outcomes of a need or source group: the onward referrals of its referrals.
    for m in by_need.values_mut().chain(by_source.values_mut()) {
        m.settle();
        m.onward = m.referrals.iter().flat_map(|i| onward_of(*i)).collect();
    }
    let by_source = keyed(by_source, |s| (s.code().to_owned(), s.label().to_owned()));
    let by_need = keyed(by_need, |n| (n.code().to_owned(), n.label().to_owned()));
    // Grouped by name first, slugged once per group after.
    let mut by_activity: HashMap<&str, Members> = HashMap::new();
    let mut by_partner: HashMap<&str, Members> = HashMap::new();
    for &(i, o) in &onward {
        let activities: BTreeSet<&str> = o.activities.iter().map(String::as_str).collect();
        for a in activities {
            let m = by_activity.entry(a).or_default();
            m.referrals.push(i);
            m.onward.push(o);
        }
        let m = by_partner.entry(o.partner.as_ref()).or_default();
        m.referrals.push(i);
        m.onward.push(o);
    }
    by_activity.values_mut().chain(by_partner.values_mut()).for_each(Members::settle);
    let named = |name: &&str| (slug(name), (*name).to_owned());
    let (by_activity, by_partner) = (keyed(by_activity, named), keyed(by_partner, named));
    WhatWorks {
        threshold,
        by_source: summarise(by_source),
        by_need: summarise(by_need),
        by_activity: summarise(by_activity),
        by_partner: summarise(by_partner),
    }
}

/// Groups gathered under a cheap key, re-keyed by their (key, label) once per group.
fn keyed<'a, K>(groups: HashMap<K, Members<'a>>, key: impl Fn(&K) -> (String, String)) -> Map<(String, String), Members<'a>> {
    groups.into_iter().map(|(k, m)| (key(&k), m)).collect()
}

/// A stable id part from a name: lower case, runs of other characters as one `_`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::casework::referral::ReferralSource;
    use crate::evaluation::input::EvaluationInput;
    use crate::evaluation::testing;
    use crate::measurement::instruments::Timepoint;
    use time::macros::date;

    /// 10 GP referrals, all loneliness; the first 8 go to "Walk Club" (physical activity), of
    /// whom 6 attended; the first 9 had 2+ contacts; 8 have SWEMWBS pairs, 4 × +12.25 and 4 × +0.73.
    /// 8 self-referrals with one contact each, needs money, no onward, no measures.
    fn input() -> EvaluationInput {
        let mut input = testing::input_for(&[("p", "P", 1000)]);
        for i in 0..18 {
            let id = format!("r{i}");
            let gp = i < 10;
            input.referrals.push(testing::referral(id.clone(), Some("p"), date!(2026 - 05 - 01)).from_source(if gp { ReferralSource::GpPractice } else { ReferralSource::SelfReferral }));
            input.what_works.needs.push((id.clone().into(), if gp { NeedDomain::Loneliness } else { NeedDomain::MoneyDebtBenefits }));
            input.what_works.contacts.push((id.clone().into(), if i < 9 { 3 } else { 1 }));
            if i < 8 {
                let status = if i < 6 { OnwardStatus::Attended } else { OnwardStatus::Declined };
                input.what_works.onward.push(OnwardUse {
                    referral_id: id.clone().into(),
                    partner: "Walk Club".into(),
                    activities: vec!["Physical activity".into()].into(),
                    status,
                    sent_on: date!(2026 - 05 - 10),
                });
                let (before, after) = if i < 4 { ([1; 7], [3; 7]) } else { ([3; 7], [3, 3, 3, 3, 3, 3, 4]) };
                input.measures.push(testing::answered(&id, Timepoint::Baseline, date!(2026 - 05 - 02), testing::swemwbs(before)));
                input.measures.push(testing::answered(&id, Timepoint::FollowUp, date!(2026 - 08 - 02), testing::swemwbs(after)));
            }
        }
        input
    }

    fn run(input: &EvaluationInput) -> WhatWorks {
        let period = Period::new(date!(2026 - 04 - 01), date!(2027 - 03 - 31)).unwrap();
        let in_period: Vec<&ReferralFacts> = input.referrals.iter().collect();
        what_works(&input.what_works, &crate::evaluation::equity::paired_changes(&input.measures, &in_period, period), &in_period, period, SuppressionPolicy::default(), &BTreeMap::new())
    }

    #[test]
    fn groups_by_source_need_activity_and_partner() {
        let w = run(&input());
        let gp = w.by_source.iter().find(|g| g.key == "gp_practice").unwrap();
        assert_eq!(gp.referrals, Shown::Value(10));
        // 9 of 10 engaged (90%) leaves 1 who did not: suppressed, as the 1 would follow.
        assert_eq!(gp.pct_engaged, Shown::Suppressed);
        assert_eq!(gp.onward_sent, Shown::Value(10)); // 8, rounded to 10
        // 6 of 8 went (75%): both 6 and the 2 who did not are small counts, so suppressed.
        assert_eq!(gp.pct_onward_went, Shown::Suppressed);
        assert_eq!(gp.n_paired, Shown::Value(10));
        // 6.49, to whole numbers for a published 10 (SuppressionPolicy::mean).
        assert_eq!(gp.mean_change, Shown::Value(6.0));
        // 4 of 8 improved (50%): suppressed.
        assert_eq!(gp.pct_improved, Shown::Suppressed);
        // Self-referrals: 8 people, none engaged, no pairs: shown as 0% engaged and no data.
        let own = w.by_source.iter().find(|g| g.key == "self").unwrap();
        assert_eq!(
            (own.referrals, own.pct_engaged, own.n_paired, own.mean_change),
            (Shown::Value(10), Shown::Value(0.0), Shown::Value(0), Shown::NoData)
        );
        // Sorted: no group has a shown % improved, so larger first (a tie keeps key order).
        assert_eq!(w.by_source[0].key, "gp_practice");
        assert_eq!(w.by_need.iter().map(|g| g.key.as_str()).collect::<Vec<_>>(), ["loneliness", "money"]);
        let walk = &w.by_activity[0];
        assert_eq!((walk.key.as_str(), walk.referrals, walk.pct_onward_went), ("physical_activity", Shown::Value(10), Shown::Suppressed));
        assert_eq!(w.by_partner[0].key, "walk_club");
    }

    /// 40 referrals by two sources: 12 GP referrals all improved, 28 from the council of whom
    /// 20 improved. The GP group has the higher % but too few people to be ranked or given an
    /// interval; the council's comes first.
    #[test]
    fn groups_too_small_to_compare_get_no_interval_and_no_rank() {
        let mut input = testing::input_for(&[("p", "P", 1000)]);
        for i in 0..40 {
            let id = format!("r{i:02}");
            let gp = i < 12;
            input.referrals.push(testing::referral(id.clone(), Some("p"), date!(2026 - 05 - 01)).from_source(if gp { ReferralSource::GpPractice } else { ReferralSource::Council }));
            let after = if gp || i < 32 { [4; 7] } else { [3, 3, 3, 3, 3, 3, 4] };
            input.measures.push(testing::answered(&id, Timepoint::Baseline, date!(2026 - 05 - 02), testing::swemwbs([3; 7])));
            input.measures.push(testing::answered(&id, Timepoint::FollowUp, date!(2026 - 08 - 02), testing::swemwbs(after)));
        }
        let w = run(&input);
        let keys: Vec<&str> = w.by_source.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(&keys[..2], ["council", "gp_practice"], "the larger group first, though the smaller shows a higher %");
        let (council, gp) = (&w.by_source[0], &w.by_source[1]);
        assert!(council.compared && council.ci95_low.value().is_some());
        assert!(!gp.compared);
        assert_eq!((gp.pct_improved, gp.ci95_low, gp.ci95_high), (Shown::Value(100.0), Shown::NoData, Shown::NoData));
    }

    #[test]
    fn a_referral_named_twice_in_a_group_counts_once() {
        let mut input = input();
        // Every GP referral's need recorded a second time, and the facts in reverse id order.
        let again: Vec<_> = input.what_works.needs.iter().filter(|(_, n)| *n == NeedDomain::Loneliness).cloned().collect();
        input.what_works.needs.extend(again);
        input.what_works.needs.reverse();
        input.referrals.reverse();
        let w = run(&input);
        let lonely = w.by_need.iter().find(|g| g.key == "loneliness").unwrap();
        assert_eq!((lonely.referrals, lonely.onward_sent, lonely.n_paired), (Shown::Value(10), Shown::Value(10), Shown::Value(10)));
        assert_eq!(lonely.mean_change, Shown::Value(6.0));
    }

    #[test]
    fn seven_people_are_suppressed() {
        let mut input = input();
        input.what_works.onward.truncate(7);
        let w = run(&input);
        let walk = &w.by_partner[0];
        assert_eq!(
            (walk.referrals, walk.onward_sent, walk.pct_onward_went, walk.mean_change),
            (Shown::Suppressed, Shown::Suppressed, Shown::Suppressed, Shown::Suppressed)
        );
        assert_eq!(slug("Riverside Carers' Centre"), "riverside_carers_centre");
    }
}
