//! Reach targets and workforce: the service's own referral-rate target per financial year, and
//! whether the team is the size and shape the PCN DES (2022/23) expects — at least one link worker
//! per PCN, a caseload of 200–250 people a year per whole-time link worker, typically 6–12
//! contacts per person.
//!
//! Staff counts are about staff, not people supported, so headcount and WTE are not suppressed;
//! the caseload and contact figures are about people and are. No per-worker figure is published.

use crate::evaluation::disclosure::{Shown, SuppressionPolicy};
use crate::evaluation::facts::{EvaluationSettings, Period, TargetBand};
use crate::evaluation::stats;
use serde::Serialize;
use time::Date;

/// A referral-rate target band a service set for the financial year starting April `year`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct YearTarget {
    pub year: i32,
    pub low_pct: f64,
    pub high_pct: f64,
}

impl YearTarget {
    /// Checks the band: percentages of the list a year, low below high, at most 100.
    pub fn new(year: i32, low_pct: f64, high_pct: f64) -> crate::Result<Self> {
        if !(2000..=2100).contains(&year) {
            return Err(crate::DomainError::invalid("year", "Enter the financial year as the year it starts, like 2026 for 2026/27"));
        }
        if !(low_pct.is_finite() && high_pct.is_finite() && low_pct > 0.0 && low_pct < high_pct && high_pct <= 100.0) {
            return Err(crate::DomainError::invalid(
                "low_pct",
                "Enter a target band as two percentages of the list a year, the lower first, like 0.8 and 1.2",
            ));
        }
        Ok(Self { year, low_pct, high_pct })
    }
}

/// The financial year (April to March) a date falls in, by its starting year.
pub fn financial_year(d: Date) -> i32 {
    crate::evaluation::price_index::FinancialYear::of(d).start()
}

pub const SERVICE_TARGET_SOURCE: &str = "Set by the service for this financial year (the default is the IIF 2022/23 band of 0.8–1.2%)";

/// The settings with the service's own band for the financial year the period starts in, when it
/// set one; otherwise unchanged.
pub fn with_service_target(settings: &EvaluationSettings, targets: &[YearTarget], period: Period) -> EvaluationSettings {
    let mut settings = settings.clone();
    if let Some(t) = targets.iter().find(|t| t.year == financial_year(period.from)) {
        settings.target = TargetBand {
            low_pct: t.low_pct,
            high_pct: t.high_pct,
            source: SERVICE_TARGET_SOURCE,
        };
    }
    settings
}

// ---- facts ----

/// An active link worker of a service in scope.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerFacts {
    pub id: String,
    /// Whole-time equivalent (1.0 = full time), when recorded.
    pub wte: Option<f64>,
}

/// One referral's casework: when it was taken on and closed, and its contacts up to the period's end.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFacts {
    pub referral_id: super::FactId,
    pub accepted_on: Option<Date>,
    pub discharged_on: Option<Date>,
    pub contacts: u64,
}

#[derive(Debug, Clone, Default)]
pub struct WorkforceFacts {
    /// Services (PCNs) in scope.
    pub services: u64,
    pub workers: Vec<WorkerFacts>,
    pub cases: Vec<CaseFacts>,
    pub targets: Vec<YearTarget>,
    /// The cases are one practice's, while the link workers serve the whole PCN: no caseload per
    /// WTE is computed (the practice's people over every worker's WTE would understate it).
    pub cases_of_one_practice: bool,
}

// ---- output ----

#[derive(Debug, Clone, Serialize)]
pub struct Workforce {
    pub services: u64,
    /// Active link workers now (headcount).
    pub link_workers: u64,
    /// At least one link worker per PCN (PCN DES 2022/23).
    pub meets_minimum: bool,
    /// Sum of WTE, counting a worker without a recorded WTE as full time.
    pub wte: f64,
    pub wte_assumed: u64,
    /// People taken on (referrals accepted) in the period.
    pub taken_on: Shown<u64>,
    /// People taken on per WTE, scaled to a year (no data for one practice: see
    /// `cases_of_one_practice`).
    pub caseload_per_wte: Shown<f64>,
    /// The casework figures are one practice's; the link workers and their WTE the whole PCN's.
    pub cases_of_one_practice: bool,
    pub caseload_band: (f64, f64),
    pub caseload_within_band: Option<bool>,
    /// Support episodes closed (discharged) in the period: their contacts per person.
    pub closed: Shown<u64>,
    pub contacts_mean: Shown<f64>,
    pub contacts_median: Shown<f64>,
    pub contacts_band: (f64, f64),
    /// % of closed episodes with 6 to 12 contacts.
    pub pct_contacts_in_band: Shown<f64>,
}

pub const CASELOAD_BAND: (f64, f64) = (200.0, 250.0);
pub const CONTACTS_BAND: (f64, f64) = (6.0, 12.0);

pub fn workforce(facts: &WorkforceFacts, period: Period, policy: SuppressionPolicy) -> Workforce {
    let link_workers = facts.workers.len() as u64;
    let wte = crate::evaluation::stats::ordered_sum(facts.workers.iter().map(|w| w.wte.unwrap_or(1.0)));
    let taken_on = facts.cases.iter().filter(|c| c.accepted_on.is_some_and(|d| period.contains(d))).count() as u64;
    // Of the published (rounded) number taken on: the WTE is published, so the exact number
    // over it would give back the count that rounding hid.
    let per_wte = (wte > 0.0 && !facts.cases_of_one_practice).then(|| policy.rounded(taken_on) as f64 / wte * 365.25 / period.days() as f64);
    let closed: Vec<f64> = facts.cases.iter().filter(|c| c.discharged_on.is_some_and(|d| period.contains(d))).map(|c| c.contacts as f64).collect();
    let n_closed = closed.len() as u64;
    let in_band = closed.iter().filter(|c| (CONTACTS_BAND.0..=CONTACTS_BAND.1).contains(*c)).count() as u64;
    let caseload_per_wte = policy.statistic(taken_on, per_wte);
    Workforce {
        services: facts.services,
        link_workers,
        meets_minimum: facts.services > 0 && link_workers >= facts.services,
        wte,
        wte_assumed: facts.workers.iter().filter(|w| w.wte.is_none()).count() as u64,
        taken_on: policy.count(taken_on),
        caseload_within_band: caseload_per_wte.value().map(|v| (CASELOAD_BAND.0..=CASELOAD_BAND.1).contains(v)),
        caseload_per_wte,
        cases_of_one_practice: facts.cases_of_one_practice,
        caseload_band: CASELOAD_BAND,
        closed: policy.count(n_closed),
        contacts_mean: policy.mean(n_closed, 1.0, stats::mean(&closed)),
        contacts_median: policy.statistic(n_closed, stats::median(&closed)),
        contacts_band: CONTACTS_BAND,
        pct_contacts_in_band: policy.proportion(in_band, n_closed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn year() -> Period {
        Period::new(date!(2026 - 04 - 01), date!(2027 - 03 - 31)).unwrap()
    }

    fn case(i: usize, accepted: Option<Date>, discharged: Option<Date>, contacts: u64) -> CaseFacts {
        CaseFacts {
            referral_id: format!("r{i}").into(),
            accepted_on: accepted,
            discharged_on: discharged,
            contacts,
        }
    }

    #[test]
    fn caseload_per_wte_and_contacts_per_person() {
        // 1.0 + 0.5 + (unrecorded, counted as 1.0) = 2.5 WTE; 500 taken on in 365 days:
        // 500 / 2.5 × 365.25 / 365 = 200.137 a year, within 200–250.
        let mut facts = WorkforceFacts {
            services: 1,
            workers: vec![
                WorkerFacts { id: "a".into(), wte: Some(1.0) },
                WorkerFacts { id: "b".into(), wte: Some(0.5) },
                WorkerFacts { id: "c".into(), wte: None },
            ],
            ..Default::default()
        };
        for i in 0..500 {
            facts.cases.push(case(i, Some(date!(2026 - 06 - 01)), None, 0));
        }
        // 10 closed episodes with 2, 4, 6, …, 20 contacts: mean 11, median 11, 6–12 → 6, 8, 10, 12 = 40%.
        for i in 0..10 {
            facts.cases.push(case(1000 + i, Some(date!(2026 - 01 - 01)), Some(date!(2026 - 09 - 01)), 2 * (i as u64 + 1)));
        }
        let w = workforce(&facts, year(), SuppressionPolicy::default());
        assert_eq!((w.link_workers, w.wte, w.wte_assumed, w.meets_minimum), (3, 2.5, 1, true));
        assert_eq!(w.taken_on, Shown::Value(500));
        assert!((w.caseload_per_wte.value().unwrap() - 500.0 / 2.5 * 365.25 / 365.0).abs() < 1e-9);
        assert_eq!(w.caseload_within_band, Some(true));
        assert_eq!(w.closed, Shown::Value(10));
        assert_eq!(w.contacts_mean, Shown::Value(11.0));
        assert_eq!(w.contacts_median, Shown::Value(11.0));
        // 4 of 10 in the band (40%) would give the small count 4 away: suppressed.
        assert_eq!(w.pct_contacts_in_band, Shown::Suppressed);
        // 10 more with 8 contacts and 10 with 30: 4 + 10 = 14 of 30 in the band, 16 not: shown
        // as the rounded counts' share, 15 of 30.
        for i in 0..20 {
            facts.cases.push(case(2000 + i, Some(date!(2026 - 01 - 01)), Some(date!(2026 - 09 - 01)), if i < 10 { 8 } else { 30 }));
        }
        let w = workforce(&facts, year(), SuppressionPolicy::default());
        assert!((w.pct_contacts_in_band.value().unwrap() - 50.0).abs() < 1e-9);
    }

    #[test]
    fn small_numbers_and_no_workers() {
        let mut facts = WorkforceFacts {
            services: 2,
            workers: vec![WorkerFacts { id: "a".into(), wte: Some(0.8) }],
            ..Default::default()
        };
        for i in 0..7 {
            facts.cases.push(case(i, Some(date!(2026 - 06 - 01)), Some(date!(2026 - 08 - 01)), 8));
        }
        let w = workforce(&facts, year(), SuppressionPolicy::default());
        assert!(!w.meets_minimum, "one link worker for two PCNs");
        assert_eq!((w.taken_on, w.caseload_per_wte, w.caseload_within_band), (Shown::Suppressed, Shown::Suppressed, None));
        assert_eq!((w.closed, w.contacts_mean), (Shown::Suppressed, Shown::Suppressed));
        let none = workforce(&WorkforceFacts::default(), year(), SuppressionPolicy::default());
        assert_eq!(
            (none.link_workers, none.meets_minimum, none.caseload_per_wte, none.contacts_mean),
            (0, false, Shown::NoData, Shown::NoData)
        );
    }

    #[test]
    fn the_service_target_for_the_year_replaces_the_default() {
        assert_eq!(financial_year(date!(2027 - 03 - 31)), 2026);
        assert_eq!(financial_year(date!(2027 - 04 - 01)), 2027);
        let targets = [YearTarget::new(2025, 0.5, 1.0).unwrap(), YearTarget::new(2026, 1.0, 1.5).unwrap()];
        let s = with_service_target(&EvaluationSettings::default(), &targets, year());
        assert_eq!((s.target.low_pct, s.target.high_pct, s.target.source), (1.0, 1.5, SERVICE_TARGET_SOURCE));
        let later = Period::new(date!(2028 - 04 - 01), date!(2029 - 03 - 31)).unwrap();
        assert_eq!(with_service_target(&EvaluationSettings::default(), &targets, later).target, TargetBand::default());
        assert!(YearTarget::new(2026, 1.2, 0.8).is_err());
        assert!(YearTarget::new(2026, 0.0, 0.8).is_err());
        assert!(YearTarget::new(26, 0.8, 1.2).is_err());
    }
}
