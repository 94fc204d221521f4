//! The evaluation: from plain facts about a service's referrals to the figures a commissioner
//! reads. Pure, so the web report, the JSON API and `linkwork report` are one computation, and every
//! figure can be tested against hand-computed values.
//!
//! Every figure carries its definition and n; small numbers are suppressed with
//! [`SuppressionPolicy`] before anything leaves this module.

use crate::casework::referral::{ReferralSource, ReferralStatus};
use crate::evaluation::disclosure::{Shown, SuppressionPolicy};
use crate::evaluation::facts::{EvaluationSettings, Period, ReferralFacts};
use crate::evaluation::input::EvaluationInput;
use crate::evaluation::outcomes::{outcomes, OutcomeChange};
use crate::evaluation::stats;
use crate::onward::OnwardStatus;
use serde::Serialize;
use std::collections::BTreeMap;
use time::Date;

// ---- output ----

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub scope: String,
    pub period: Period,
    pub settings: EvaluationSettings,
    pub reach: Reach,
    pub waiting: Waiting,
    pub outcomes: Vec<OutcomeChange>,
    pub onward: Vec<PartnerAcceptance>,
    /// Staff wellbeing, stakeholder scorecards' plans and evidence, one JSON key each.
    #[serde(flatten)]
    pub stakeholders: crate::evaluation::stakeholders::StakeholderSections,
    /// Reach and outcomes by age band, sex, ethnic group and deprivation against the list (`equity`).
    pub equity: crate::evaluation::equity::Equity,
    /// Team size, caseload per WTE and contacts per person against PCN DES expectations (`workforce`).
    pub workforce: crate::evaluation::workforce::Workforce,
    /// Engagement and outcomes by referral source, need, activity type and partner (`what_works`).
    pub what_works: crate::evaluation::what_works::WhatWorks,
    /// Per need domain, what happened with it by discharge (`resolution`).
    pub sdoh: crate::evaluation::resolution::Sdoh,
    /// Paired change in the scores of the services' own questionnaires (`evaluation_custom`).
    pub custom_outcomes: Vec<crate::evaluation::custom_outcomes::CustomOutcome>,
    /// GP and hospital use before and after referral, costed with the tariff (`health_system`).
    pub health_system: crate::evaluation::health_system::HealthSystemReport,
    /// The same use compared with matched registered patients who were not referred
    /// (`comparison`); `None` when no comparison extract was imported.
    pub comparison: Option<crate::evaluation::comparison::ComparisonReport>,
    /// Social return on investment from the outcomes above (`sroi`).
    pub sroi: crate::evaluation::sroi::SroiReport,
    pub caveats: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reach {
    pub referrals: Shown<u64>,
    pub list_size: u64,
    /// Referrals in the period as a % of the registered list, scaled to a year.
    pub annual_rate_pct: Shown<f64>,
    pub within_target: Option<bool>,
    pub by_practice: Vec<PracticeReach>,
    pub by_month: Vec<MonthCount>,
    pub by_source: Vec<SourceCount>,
    pub by_status: Vec<StatusCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PracticeReach {
    pub practice: String,
    pub list_size: u64,
    pub referrals: Shown<u64>,
    pub annual_rate_pct: Shown<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthCount {
    /// `YYYY-MM`
    pub month: String,
    pub referrals: Shown<u64>,
    #[serde(skip)]
    pub unrounded: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceCount {
    pub source: ReferralSource,
    pub referrals: Shown<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusCount {
    pub status: ReferralStatus,
    pub referrals: Shown<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Waiting {
    /// Referrals in the period that have had a first contact.
    pub n: Shown<u64>,
    pub median_days: Shown<f64>,
    pub mean_days: Shown<f64>,
    /// Referrals in the period still waiting (open, no contact yet).
    pub still_waiting: Shown<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartnerAcceptance {
    pub partner: String,
    pub sent: Shown<u64>,
    pub accepted: Shown<u64>,
    pub declined: Shown<u64>,
    pub awaiting: Shown<u64>,
    /// Accepted as a % of those answered.
    pub acceptance_pct: Shown<f64>,
}

pub const CAVEATS: &[&str] = &[
    "There is no comparison group: regression to the mean and natural recovery are not excluded from the changes shown.",
    "Counts of 1 to 7 are shown as *, other counts are rounded to the nearest 5; statistics based on 1 to 7 people are shown as *, and so is a percentage of people that would give away a count of 1 to 7 (those with, or those without). Percentages are worked out from the rounded counts.",
    "Outcome changes pair each person's earliest baseline with their latest follow-up or discharge measure of the same questionnaire in the same referral taken at least 28 days after it; a later measure within 28 days (whose two-week recall overlaps the baseline's) is not a change.",
];

/// Computes the evaluation report for `period` from `input`.
pub fn evaluate(input: &EvaluationInput, period: Period, settings: &EvaluationSettings) -> Report {
    // The service's own referral-rate target for the year, when it set one (`workforce`).
    let settings = &crate::evaluation::workforce::with_service_target(settings, &input.workforce.targets, period);
    let policy = settings.policy;
    let in_period: Vec<&ReferralFacts> = input.referrals.iter().filter(|r| period.contains(r.referred_on)).collect();
    let in_period = &in_period[..];
    // Computed once for the two sections that compare groups by it.
    let changes = &crate::evaluation::equity::paired_changes(&input.measures, in_period, period);
    // The comparison group's matching runs beside the other sections, on a core that would
    // otherwise wait (the report is one request's work): at 100k referrals it is half of the
    // evaluation's time. The other sections run one after another, not side by side: at 1.2
    // million referrals three sections' working memory at once cost 460 MiB more at peak for
    // 1.6 s less.
    let (comparison, mut report) = std::thread::scope(|scope| {
        let comparison = scope.spawn(|| comparison(input, period, policy));
        let report = Report {
            scope: input.scope_name.clone(),
            period,
            settings: settings.clone(),
            reach: reach(input, in_period, period, settings),
            waiting: waiting(in_period, policy),
            outcomes: outcomes(&input.measures, in_period, period, settings),
            onward: onward(input, period, policy),
            stakeholders: crate::evaluation::stakeholders::sections(&input.stakeholders, period, policy),
            equity: crate::evaluation::equity::equity(&input.equity, &input.practices, changes, in_period, policy, &settings.thresholds),
            workforce: crate::evaluation::workforce::workforce(&input.workforce, period, policy),
            what_works: crate::evaluation::what_works::what_works(&input.what_works, changes, in_period, period, policy, &settings.thresholds),
            sdoh: crate::evaluation::resolution::sdoh(&input.sdoh, period, policy),
            custom_outcomes: crate::evaluation::custom_outcomes::outcomes(&input.custom_instruments, &input.custom_measures, in_period, period, policy),
            health_system: crate::evaluation::health_system::evaluate(&input.health, period, policy),
            comparison: None,
            sroi: Default::default(),
            caveats: CAVEATS.to_vec(),
        };
        (comparison.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), report)
    });
    report.comparison = comparison;
    // SROI values the outcomes above, so it comes last (`sroi`).
    report.sroi = crate::evaluation::sroi::report(&input.sroi, &report.outcomes, &report.health_system);
    report
}

/// The comparison group's section, when a comparison extract was imported: each referral's person
/// with the groups they are matched on (from the equity facts, by referral id).
fn comparison(input: &EvaluationInput, period: Period, policy: crate::evaluation::disclosure::SuppressionPolicy) -> Option<crate::evaluation::comparison::ComparisonReport> {
    use crate::evaluation::comparison::{evaluate, ComparisonInput, ReferredPerson};
    if input.comparison.people.is_empty() {
        return None;
    }
    let groups: std::collections::HashMap<&str, &crate::evaluation::equity::ReferralGroups> = input.equity.referrals.iter().map(|g| (g.referral_id.as_ref(), g)).collect();
    // A referral with no practice cannot be matched within a practice.
    let referred: Vec<ReferredPerson> = input
        .health
        .referrals
        .iter()
        .filter_map(|r| {
            let g = groups.get(r.referral_id.as_ref())?;
            Some(ReferredPerson { person: r.person.clone(), referred_on: r.referred_on, practice_id: r.practice_id.clone()?, age: g.age, sex: g.sex, imd: g.imd })
        })
        .collect();
    let covers = input.comparison.covers;
    Some(evaluate(
        &ComparisonInput {
            referred: &referred,
            referred_activity: &input.health.activity,
            comparison: &input.comparison.people,
            comparison_from: covers.map(|c| c.0),
            comparison_to: covers.map(|c| c.1),
            window_months: input.health.window_months,
        },
        period,
        policy,
    ))
}

fn annual_rate(count: u64, list_size: u64, period: Period) -> Option<f64> {
    (list_size > 0).then(|| count as f64 / list_size as f64 * 100.0 * 365.25 / period.days() as f64)
}

fn reach(input: &EvaluationInput, in_period: &[&ReferralFacts], period: Period, settings: &EvaluationSettings) -> Reach {
    let policy = settings.policy;
    let total = in_period.len() as u64;
    let list_size: u64 = input.practices.iter().map(|p| p.list_size).sum();
    // Of the published (rounded) count: the list size is published, so a rate of the exact
    // count times the list gives the count back.
    let rate = annual_rate(policy.rounded(total), list_size, period);
    // Counted once (not per practice): an ICB report has hundreds of practices.
    let mut per_practice: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for r in in_period {
        if let Some(p) = r.practice_id.as_deref() {
            *per_practice.entry(p).or_default() += 1;
        }
    }
    let by_practice = input
        .practices
        .iter()
        .map(|p| {
            let n = per_practice.get(p.id.as_str()).copied().unwrap_or(0);
            PracticeReach {
                practice: p.name.clone(),
                list_size: p.list_size,
                referrals: policy.count(n),
                annual_rate_pct: policy.statistic(n, annual_rate(policy.rounded(n), p.list_size, period)),
            }
        })
        .collect();
    let mut months: BTreeMap<String, u64> = BTreeMap::new();
    let mut month = Date::from_calendar_date(period.from.year(), period.from.month(), 1).unwrap_or(period.from);
    while month <= period.to {
        months.insert(month_key(month), 0);
        month = month.replace_day(28).ok().and_then(|d| d.checked_add(time::Duration::days(4))).and_then(|d| d.replace_day(1).ok()).unwrap_or(Date::MAX);
    }
    for r in in_period {
        *months.entry(month_key(r.referred_on)).or_default() += 1;
    }
    let by_source = ReferralSource::ALL
        .iter()
        .map(|s| SourceCount { source: *s, referrals: policy.count(in_period.iter().filter(|r| r.source == *s).count() as u64) })
        .collect();
    let by_status = ReferralStatus::ALL
        .iter()
        .map(|s| StatusCount { status: *s, referrals: policy.count(in_period.iter().filter(|r| r.status == *s).count() as u64) })
        .collect();
    Reach {
        referrals: policy.count(total),
        list_size,
        annual_rate_pct: policy.statistic(total, rate),
        within_target: rate.filter(|_| !policy.count(total).is_suppressed()).map(|r| r >= settings.target.low_pct && r <= settings.target.high_pct),
        by_practice,
        by_month: months.into_iter().map(|(month, n)| MonthCount { month, referrals: policy.count(n), unrounded: n }).collect(),
        by_source,
        by_status,
    }
}

fn month_key(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), d.month() as u8)
}

fn waiting(in_period: &[&ReferralFacts], policy: SuppressionPolicy) -> Waiting {
    let days: Vec<f64> = in_period
        .iter()
        .filter_map(|r| r.first_contact_on.map(|c| (c - r.referred_on).whole_days().max(0) as f64))
        .collect();
    let n = days.len() as u64;
    let still_waiting = in_period.iter().filter(|r| r.first_contact_on.is_none() && r.status.is_open()).count() as u64;
    Waiting {
        n: policy.count(n),
        median_days: policy.statistic(n, stats::median(&days)),
        mean_days: policy.mean(n, 1.0, stats::mean(&days)),
        still_waiting: policy.count(still_waiting),
    }
}


fn onward(input: &EvaluationInput, period: Period, policy: SuppressionPolicy) -> Vec<PartnerAcceptance> {
    let mut by_partner: BTreeMap<&str, [u64; 3]> = BTreeMap::new();
    for o in input.onward.iter().filter(|o| period.contains(o.sent_on)) {
        let counts = by_partner.entry(o.partner_name.as_ref()).or_default();
        match o.status {
            s if s.was_accepted() => counts[0] += 1,
            OnwardStatus::Declined => counts[1] += 1,
            _ => counts[2] += 1,
        }
    }
    by_partner
        .into_iter()
        .map(|(partner, [accepted, declined, awaiting])| {
            let (cells, sent) = policy.row_with_total(&[accepted, declined, awaiting]);
            PartnerAcceptance {
                partner: partner.to_owned(),
                sent,
                accepted: cells[0],
                declined: cells[1],
                awaiting: cells[2],
                // Of the published accepted and declined; hidden with either, since beside the
                // total it would give a hidden cell back.
                acceptance_pct: if cells[0].is_suppressed() || cells[1].is_suppressed() { Shown::Suppressed } else { policy.proportion_of_parts(accepted, declined) },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::facts::MeasureFacts;
    use crate::evaluation::testing;
    use crate::measurement::instruments::{AnswerSet, Instrument, Timepoint};
    use time::macros::date;

    fn referral(id: &str, practice: &str, on: Date, contact: Option<Date>) -> ReferralFacts {
        testing::referral(id, Some(practice), on).contacted_on(contact)
    }

    fn swemwbs(referral: &str, tp: Timepoint, on: Date, each: &str) -> MeasureFacts {
        testing::measure(referral, Instrument::Swemwbs, tp, on, each)
    }

    fn year() -> Period {
        Period::new(date!(2026 - 01 - 01), date!(2026 - 12 - 31)).unwrap()
    }

    #[test]
    fn referral_rate_against_list_size() {
        let mut input = testing::input_for(&[("p1", "P1", 2000)]);
        for i in 0..20 {
            input.referrals.push(referral(&format!("r{i}"), "p1", date!(2026 - 03 - 01), None));
        }
        input.referrals.push(referral("old", "p1", date!(2025 - 03 - 01), None));
        let r = evaluate(&input, year(), &EvaluationSettings::default());
        assert_eq!(r.reach.referrals, Shown::Value(20));
        // 20 / 2000 = 1% over 365 days, scaled to 365.25 days.
        let rate = *r.reach.annual_rate_pct.value().unwrap();
        assert!((rate - 1.0 * 365.25 / 365.0).abs() < 1e-9, "{rate}");
        assert_eq!(r.reach.within_target, Some(true));
        assert_eq!(r.reach.by_month.len(), 12);
        assert_eq!(r.reach.by_month[2].unrounded, 20);
        assert_eq!(r.waiting.still_waiting, Shown::Value(20));
    }

    #[test]
    fn waiting_time_is_suppressed_for_few_people_and_computed_otherwise() {
        let mut input = EvaluationInput::default();
        for i in 0..8 {
            input.referrals.push(referral(&format!("r{i}"), "p1", date!(2026 - 03 - 01), Some(date!(2026 - 03 - 01) + time::Duration::days(i))));
        }
        let r = evaluate(&input, year(), &EvaluationSettings::default());
        assert_eq!(r.waiting.median_days, Shown::Value(3.5));
        // 3.5 days, to whole days for a published 10 (SuppressionPolicy::mean).
        assert_eq!(r.waiting.mean_days, Shown::Value(4.0));
        input.referrals.pop();
        let r = evaluate(&input, year(), &EvaluationSettings::default());
        assert_eq!(r.waiting.median_days, Shown::Suppressed);
    }

    #[test]
    fn paired_swemwbs_change() {
        let mut input = EvaluationInput::default();
        // 8 people from raw 21 (19.25) to raw 28 (25.03): +5.78 each; 1 with baseline only.
        for i in 0..9 {
            let id = format!("r{i}");
            input.referrals.push(referral(&id, "p1", date!(2026 - 02 - 01), None));
            input.measures.push(swemwbs(&id, Timepoint::Baseline, date!(2026 - 02 - 10), "3"));
            if i < 8 {
                input.measures.push(swemwbs(&id, Timepoint::FollowUp, date!(2026 - 05 - 10), "4"));
            }
        }
        let r = evaluate(&input, year(), &EvaluationSettings::default());
        let s = r.outcomes.iter().find(|o| o.score_key == "swemwbs_metric").unwrap();
        assert_eq!(s.n_paired, Shown::Value(10)); // 8 rounded to nearest 5
        assert_eq!(s.n_baseline_only, Shown::Suppressed);
        // +5.78, published to whole numbers for a published 10 (SuppressionPolicy::mean).
        assert_eq!(s.mean_change, Shown::Value(6.0));
        assert_eq!(s.pct_improved, Shown::Value(100.0));
        // All 8 improved: a count, rounded to 10 like any other (the SROI quantity uses it).
        assert_eq!(s.n_improved, Shown::Value(10));
        assert_eq!(s.ci95_low, Shown::Value(6.0));
    }

    /// Attrition beside every outcome: how many of those with a baseline were followed up, how
    /// the people not followed up started, and the change if they had not changed at all.
    #[test]
    fn outcomes_say_who_was_not_followed_up_and_what_that_could_mean() {
        let mut input = EvaluationInput::default();
        // 10 people from raw 21 (19.25) to raw 28 (25.03): +5.78 each; 10 more from raw 21, never followed up.
        for i in 0..20 {
            let id = format!("r{i}");
            input.referrals.push(referral(&id, "p1", date!(2026 - 02 - 01), None));
            input.measures.push(swemwbs(&id, Timepoint::Baseline, date!(2026 - 02 - 10), "3"));
            if i < 10 {
                input.measures.push(swemwbs(&id, Timepoint::FollowUp, date!(2026 - 05 - 10), "4"));
            }
        }
        let r = evaluate(&input, year(), &EvaluationSettings::default());
        let s = r.outcomes.iter().find(|o| o.score_key == "swemwbs_metric").unwrap();
        assert_eq!(s.pct_followed_up, Shown::Value(50.0));
        // 19.25 and 5.78 / 2, to whole numbers for a published 10 (SuppressionPolicy::mean).
        assert_eq!(s.mean_baseline_not_followed_up, Shown::Value(19.0));
        assert_eq!(s.mean_change_if_lost_unchanged, Shown::Value(3.0), "half the people, the other half counted as 0");
        // Three people lost: their share would give the count away, so the bound is hidden with it.
        input.measures.retain(|m| m.timepoint == Timepoint::FollowUp || ["r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12"].contains(&m.referral_id.as_ref()));
        let r = evaluate(&input, year(), &EvaluationSettings::default());
        let s = r.outcomes.iter().find(|o| o.score_key == "swemwbs_metric").unwrap();
        assert_eq!((s.pct_followed_up, s.mean_change_if_lost_unchanged, s.mean_baseline_not_followed_up), (Shown::Suppressed, Shown::Suppressed, Shown::Suppressed));
    }

    /// A follow-up on the baseline's day, or within four weeks of it, is not a change: those
    /// people count as baseline only, in every section that pairs (`evaluation::pairing`).
    #[test]
    fn a_follow_up_within_four_weeks_of_the_baseline_is_not_paired() {
        let mut input = EvaluationInput::default();
        for i in 0..20 {
            let id = format!("r{i}");
            input.referrals.push(referral(&id, "p1", date!(2026 - 02 - 01), None));
            input.measures.push(swemwbs(&id, Timepoint::Baseline, date!(2026 - 02 - 10), "3"));
            // Ten on the same day, ten 27 days later: none is a follow-up.
            let on = if i < 10 { date!(2026 - 02 - 10) } else { date!(2026 - 03 - 09) };
            input.measures.push(swemwbs(&id, Timepoint::FollowUp, on, "4"));
        }
        let r = evaluate(&input, year(), &EvaluationSettings::default());
        let s = r.outcomes.iter().find(|o| o.score_key == "swemwbs_metric").unwrap();
        assert_eq!((s.n_paired, s.n_baseline_only), (Shown::Value(0), Shown::Value(20)));
        let changes = crate::evaluation::equity::paired_changes(&input.measures, &input.referrals.iter().collect::<Vec<_>>(), year());
        assert!(changes.is_empty(), "equity and what works pair by the same rule");
    }

    #[test]
    fn wilcoxon_and_moving_out_of_the_band_of_concern() {
        let mut input = EvaluationInput::default();
        let phq = |items: [&str; 9]| AnswerSet::parse(Instrument::Phq9, &items).unwrap();
        for i in 0..8 {
            let id = format!("r{i}");
            input.referrals.push(referral(&id, "p1", date!(2026 - 02 - 01), None));
            // 12 (moderate, a case) → 6 (below caseness): 6 points better, out of the band of concern.
            input.measures.push(testing::answered(&id, Timepoint::Baseline, date!(2026 - 02 - 10), phq(["2", "2", "2", "2", "2", "2", "0", "0", "0"])));
            input.measures.push(testing::answered(&id, Timepoint::FollowUp, date!(2026 - 05 - 10), phq(["1", "1", "1", "1", "1", "1", "0", "0", "0"])));
        }
        let r = evaluate(&input, year(), &EvaluationSettings::default());
        let keys: Vec<&str> = r.outcomes.iter().map(|o| o.score_key).collect();
        assert!(keys.contains(&"swemwbs_metric") && keys.contains(&"ons4_anxious"), "the core questionnaires are always reported");
        assert!(!keys.contains(&"gad7_total"), "questionnaires not in use are left out");
        let o = r.outcomes.iter().find(|o| o.score_key == "phq9_total").unwrap();
        assert_eq!(o.score_key, "phq9_total");
        assert_eq!(o.mean_change, Shown::Value(-6.0));
        assert_eq!(o.pct_improved, Shown::Value(100.0), "down is better for PHQ-9, by the reliable-change 6");
        assert_eq!(o.n_in_concern_at_baseline, Shown::Value(10));
        assert_eq!(o.pct_out_of_concern, Shown::Value(100.0));
        assert_eq!(o.n_out_of_concern, Shown::Value(10));
        // scipy.stats.wilcoxon([-6] * 8): exact sign-flip test with ties, p = 2 / 2^8.
        assert!((o.wilcoxon_p.value().unwrap() - 0.0078125).abs() < 1e-12, "{:?}", o.wilcoxon_p);
    }

    /// 13 referrals (published as 15) from a list of 1,000: the rate is of the 15, so rate ×
    /// list gives back the published count, never the 13.
    #[test]
    fn the_referral_rate_is_of_the_published_count() {
        let mut input = EvaluationInput::default();
        input.practices = vec![testing::practice("p1", "P1", 1000)];
        for i in 0..13 {
            input.referrals.push(referral(&format!("r{i}"), "p1", date!(2026 - 03 - 01), None));
        }
        let period = year();
        let r = evaluate(&input, period, &EvaluationSettings::default());
        let back = |rate: f64| rate / 100.0 * 1000.0 * period.days() as f64 / 365.25;
        assert!((back(*r.reach.annual_rate_pct.value().unwrap()) - 15.0).abs() < 1e-9);
        assert!((back(*r.reach.by_practice[0].annual_rate_pct.value().unwrap()) - 15.0).abs() < 1e-9);
    }

    #[test]
    fn partner_acceptance_with_secondary_suppression() {
        let mut input = EvaluationInput::default();
        let mut add = |status: OnwardStatus, n: usize| {
            for _ in 0..n {
                input.onward.push(testing::onward("", "Walk Club", status, date!(2026 - 04 - 01)));
            }
        };
        add(OnwardStatus::Accepted, 20);
        add(OnwardStatus::Attended, 10);
        add(OnwardStatus::Declined, 10);
        add(OnwardStatus::Sent, 2);
        let r = evaluate(&input, year(), &EvaluationSettings::default());
        let p = &r.onward[0];
        assert_eq!(p.awaiting, Shown::Suppressed);
        assert_eq!(p.declined, Shown::Suppressed); // secondary
        assert_eq!(p.accepted, Shown::Value(30));
        assert_eq!(p.sent, Shown::Value(40)); // 42 rounded
        // 75% of the shown 30 accepted would give back the declined 10 that secondary
        // suppression hid, and with the total the awaiting 2: hidden with them.
        assert_eq!(p.acceptance_pct, Shown::Suppressed);
    }

    #[test]
    fn empty_input_gives_no_data_not_a_panic() {
        let r = evaluate(&EvaluationInput::default(), year(), &EvaluationSettings::default());
        assert_eq!(r.reach.referrals, Shown::Value(0));
        assert_eq!(r.reach.annual_rate_pct, Shown::NoData);
        assert_eq!(r.waiting.median_days, Shown::NoData);
        assert!(r.outcomes.iter().all(|o| o.mean_change == Shown::NoData));
    }
}
