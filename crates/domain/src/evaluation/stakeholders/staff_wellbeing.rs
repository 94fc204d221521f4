//! Link workers' own wellbeing (evaluation.md: "the wellbeing of link workers themselves"): a
//! periodic check-in of SWEMWBS, job satisfaction, felt caseload pressure and whether they had
//! supervision since the last one.
//!
//! A team is small, so these answers identify people easily. Managers therefore never see
//! individual check-ins (only their author does), and the report shows team-level figures only
//! when at least [`MIN_PEOPLE`] different link workers checked in; below that *every* figure of
//! the section is suppressed, not just the counts, because a mean of three people's answers is as
//! identifying as the answers. Each person counts once: their latest check-in in the period (or
//! quarter), so someone who checks in weekly does not outweigh someone who checks in quarterly.

use crate::{DomainError, Result};
use crate::evaluation::disclosure::{Shown, SuppressionPolicy};
use crate::evaluation::facts::Period;
use crate::evaluation::stats;
use crate::measurement::instruments::{AnswerSet, Instrument};
use serde::Serialize;
use std::collections::BTreeMap;
use time::Date;

/// Fewest distinct link workers a period (or quarter) needs before any staff wellbeing figure is
/// shown. The suppression policy's own threshold applies too, whichever is higher.
pub const MIN_PEOPLE: u64 = 8;

/// An answer on a 1–5 scale (job satisfaction, caseload pressure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Rating(u8);

impl Rating {
    /// Parses a form answer; `field` and `what` name the question in the error.
    pub fn parse(field: &'static str, what: &str, raw: &str) -> Result<Self> {
        match raw.trim().parse::<u8>() {
            Ok(v @ 1..=5) => Ok(Self(v)),
            _ if raw.trim().is_empty() => {
                Err(DomainError::invalid(field, format!("Select {what}")))
            }
            _ => Err(DomainError::invalid(
                field,
                format!("Select {what} from 1 to 5"),
            )),
        }
    }
    pub fn from_stored(field: &'static str, v: i64) -> Result<Self> {
        Self::parse(field, "an answer", &v.to_string())
    }
    pub fn get(self) -> u8 {
        self.0
    }
}

/// One complete check-in. Only [`CheckIn::new`] makes one, and it insists on SWEMWBS answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckIn {
    swemwbs: AnswerSet,
    job_satisfaction: Rating,
    caseload_pressure: Rating,
    supervision: bool,
}

impl CheckIn {
    pub fn new(
        swemwbs: AnswerSet,
        job_satisfaction: Rating,
        caseload_pressure: Rating,
        supervision: bool,
    ) -> Result<Self> {
        if swemwbs.instrument() != Instrument::Swemwbs {
            return Err(DomainError::invalid(
                "item_1",
                "A wellbeing check-in uses the SWEMWBS questions",
            ));
        }
        Ok(Self {
            swemwbs,
            job_satisfaction,
            caseload_pressure,
            supervision,
        })
    }
    pub fn swemwbs(&self) -> &AnswerSet {
        &self.swemwbs
    }
    /// The SWEMWBS metric score (7–35).
    pub fn swemwbs_metric(&self) -> f64 {
        self.swemwbs.score("swemwbs_metric").unwrap_or(7.0)
    }
    pub fn job_satisfaction(&self) -> Rating {
        self.job_satisfaction
    }
    pub fn caseload_pressure(&self) -> Rating {
        self.caseload_pressure
    }
    /// Caseload pressure felt as high: 4 or 5.
    pub fn pressure_high(&self) -> bool {
        self.caseload_pressure.0 >= 4
    }
    pub fn supervision(&self) -> bool {
        self.supervision
    }
}

/// A check-in as the evaluation sees it: an opaque worker id (never a name) and a date.
#[derive(Debug, Clone)]
pub struct CheckInFacts {
    pub worker_id: String,
    pub checked_in_on: Date,
    pub check_in: CheckIn,
}

/// Team-level figures over one set of people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WellbeingFigures {
    /// Distinct link workers who checked in (rounded, or `*`).
    pub people: Shown<u64>,
    pub swemwbs_mean: Shown<f64>,
    pub swemwbs_ci95_low: Shown<f64>,
    pub swemwbs_ci95_high: Shown<f64>,
    pub job_satisfaction_mean: Shown<f64>,
    /// % whose felt caseload pressure was 4 or 5.
    pub pressure_high_pct: Shown<f64>,
    /// % who had supervision since their previous check-in.
    pub supervision_pct: Shown<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarterFigures {
    /// `2026-Q1` (calendar quarters).
    pub quarter: String,
    pub figures: WellbeingFigures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffWellbeing {
    /// The threshold in force: fewer distinct people than this and everything is suppressed.
    pub min_people: u64,
    /// Whether the period's figures could be shown (at least `min_people` people checked in).
    pub reportable: bool,
    pub period: WellbeingFigures,
    /// Calendar quarters overlapping the period, oldest first, each gated on its own.
    pub by_quarter: Vec<QuarterFigures>,
}

/// The threshold for `policy`: [`MIN_PEOPLE`], or more if the policy suppresses more.
pub fn min_people(policy: SuppressionPolicy) -> u64 {
    MIN_PEOPLE.max(policy.max_suppressed + 1)
}


/// Figures over `latest` (one check-in per person). Below `min` people, every figure but a zero
/// count is suppressed.
pub fn figures(latest: &[&CheckIn], min: u64, policy: SuppressionPolicy) -> WellbeingFigures {
    let n = latest.len() as u64;
    let gate = |v: Option<f64>| -> Shown<f64> {
        match v {
            _ if n == 0 => Shown::NoData,
            _ if n < min => Shown::Suppressed,
            Some(v) if v.is_finite() => Shown::Value(v),
            _ => Shown::NoData,
        }
    };
    // A share of staff: below `min` people suppressed like every figure; otherwise the policy's
    // proportion rule, which also hides a share that would give away a small count of staff.
    let share = |k: usize| -> Shown<f64> {
        match policy.proportion(k as u64, n) {
            Shown::Value(_) if n < min => Shown::Suppressed,
            shown => shown,
        }
    };
    let people = if n > 0 && n < min {
        Shown::Suppressed
    } else {
        policy.count(n)
    };
    let metric: Vec<f64> = latest.iter().map(|c| c.swemwbs_metric()).collect();
    let satisfaction: Vec<f64> = latest
        .iter()
        .map(|c| f64::from(c.job_satisfaction.0))
        .collect();
    let ci = stats::mean_ci95(&metric);
    WellbeingFigures {
        people,
        swemwbs_mean: gate(stats::mean(&metric)),
        swemwbs_ci95_low: gate(ci.map(|c| c.0)),
        swemwbs_ci95_high: gate(ci.map(|c| c.1)),
        job_satisfaction_mean: gate(stats::mean(&satisfaction)),
        pressure_high_pct: share(latest.iter().filter(|c| c.pressure_high()).count()),
        supervision_pct: share(latest.iter().filter(|c| c.supervision).count()),
    }
}

/// Each person's latest check-in between `from` and `to` (inclusive); ties on a date keep the
/// one listed last.
fn latest_per_person(check_ins: &[CheckInFacts], from: Date, to: Date) -> Vec<&CheckIn> {
    let mut latest: BTreeMap<&str, &CheckInFacts> = BTreeMap::new();
    for c in check_ins
        .iter()
        .filter(|c| from <= c.checked_in_on && c.checked_in_on <= to)
    {
        match latest.get(c.worker_id.as_str()) {
            Some(seen) if seen.checked_in_on > c.checked_in_on => {}
            _ => {
                latest.insert(&c.worker_id, c);
            }
        }
    }
    latest.into_values().map(|c| &c.check_in).collect()
}

fn quarter_start(d: Date) -> Date {
    let month = (u8::from(d.month()) - 1) / 3 * 3 + 1;
    Date::from_calendar_date(
        d.year(),
        time::Month::try_from(month).unwrap_or(time::Month::January),
        1,
    )
    .unwrap_or(d)
}

fn next_quarter(start: Date) -> Option<Date> {
    let month = u8::from(start.month()) + 3;
    if month > 12 {
        Date::from_calendar_date(start.year() + 1, time::Month::January, 1).ok()
    } else {
        Date::from_calendar_date(start.year(), time::Month::try_from(month).ok()?, 1).ok()
    }
}

/// The staff wellbeing section for `period`.
pub fn summarise(
    check_ins: &[CheckInFacts],
    period: Period,
    policy: SuppressionPolicy,
) -> StaffWellbeing {
    let min = min_people(policy);
    let latest = latest_per_person(check_ins, period.from, period.to);
    let mut by_quarter = Vec::new();
    let mut start = quarter_start(period.from);
    while start <= period.to {
        let next = next_quarter(start);
        let end = next
            .map(|n| n.previous_day().unwrap_or(n))
            .unwrap_or(period.to)
            .min(period.to);
        let from = start.max(period.from);
        let quarter = format!(
            "{}-Q{}",
            start.year(),
            (u8::from(start.month()) - 1) / 3 + 1
        );
        by_quarter.push(QuarterFigures {
            quarter,
            figures: figures(&latest_per_person(check_ins, from, end), min, policy),
        });
        match next {
            Some(n) => start = n,
            None => break,
        }
    }
    StaffWellbeing {
        min_people: min,
        reportable: latest.len() as u64 >= min,
        period: figures(&latest, min, policy),
        by_quarter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// A check-in whose seven SWEMWBS answers are all `a` (raw 7a), with the given ratings.
    fn check_in(a: u8, satisfaction: u8, pressure: u8, supervision: bool) -> CheckIn {
        let raw = a.to_string();
        let swemwbs = AnswerSet::parse(Instrument::Swemwbs, &[raw.as_str(); 7]).unwrap();
        CheckIn::new(swemwbs, Rating(satisfaction), Rating(pressure), supervision).unwrap()
    }

    fn facts(worker: usize, on: Date, c: CheckIn) -> CheckInFacts {
        CheckInFacts {
            worker_id: format!("w{worker}"),
            checked_in_on: on,
            check_in: c,
        }
    }

    fn period() -> Period {
        Period::new(date!(2026 - 01 - 01), date!(2026 - 06 - 30)).unwrap()
    }

    #[test]
    fn ratings_parse_1_to_5_only() {
        assert_eq!(Rating::parse("f", "x", " 3 ").unwrap().get(), 3);
        assert_eq!(
            Rating::parse("f", "your job satisfaction", "")
                .unwrap_err()
                .to_string(),
            "Select your job satisfaction"
        );
        assert!(Rating::parse("f", "x", "0").is_err());
        assert!(Rating::parse("f", "x", "6").is_err());
        assert!(Rating::parse("f", "x", "two").is_err());
    }

    #[test]
    fn check_ins_need_swemwbs() {
        let ons4 = AnswerSet::parse(Instrument::Ons4, &["5", "5", "5", "5"]).unwrap();
        assert!(CheckIn::new(ons4, Rating(3), Rating(3), true).is_err());
        let c = check_in(3, 4, 5, false);
        assert_eq!(c.swemwbs_metric(), 19.25, "raw 21 → 19.25");
        assert!(c.pressure_high());
        assert!(!check_in(3, 4, 3, false).pressure_high());
        assert!(check_in(3, 4, 4, false).pressure_high());
    }

    #[test]
    fn seven_people_suppress_everything() {
        let input: Vec<_> = (0..7)
            .map(|i| facts(i, date!(2026 - 02 - 01), check_in(3, 4, 5, true)))
            .collect();
        let s = summarise(&input, period(), SuppressionPolicy::default());
        assert!(!s.reportable);
        assert_eq!(s.min_people, 8);
        let f = &s.period;
        assert_eq!(f.people, Shown::Suppressed);
        for v in [
            f.swemwbs_mean,
            f.swemwbs_ci95_low,
            f.swemwbs_ci95_high,
            f.job_satisfaction_mean,
            f.pressure_high_pct,
            f.supervision_pct,
        ] {
            assert_eq!(v, Shown::Suppressed);
        }
    }

    #[test]
    fn eight_people_are_shown_with_hand_computed_values() {
        // Four people all-3s (raw 21 → 19.25), four all-4s (raw 28 → 25.03): mean 22.14.
        // Satisfaction 2,2,2,2,4,4,4,4 → 3.0. Pressure high for 3 of 8 → 37.5%. Supervision 6 of 8 → 75%.
        let mut input = Vec::new();
        for i in 0..8 {
            let a = if i < 4 { 3 } else { 4 };
            let satisfaction = if i < 4 { 2 } else { 4 };
            let pressure = if i < 3 { 5 } else { 2 };
            input.push(facts(
                i,
                date!(2026 - 02 - 01),
                check_in(a, satisfaction, pressure, i >= 2),
            ));
        }
        let s = summarise(&input, period(), SuppressionPolicy::default());
        assert!(s.reportable);
        let f = &s.period;
        assert_eq!(f.people, Shown::Value(10), "8 rounds to 10");
        assert!((f.swemwbs_mean.value().unwrap() - 22.14).abs() < 1e-9);
        assert_eq!(f.job_satisfaction_mean, Shown::Value(3.0));
        // 3 of 8 (37.5%) and 6 of 8 (75%, so 2 without) would give small counts away: suppressed.
        assert_eq!(f.pressure_high_pct, Shown::Suppressed);
        assert_eq!(f.supervision_pct, Shown::Suppressed);
        // sd = sqrt(8 * 2.89^2 / 7) = 3.0896; t(0.975, 7) = 2.364624; half-width = 2.5829
        let low = f.swemwbs_ci95_low.value().unwrap();
        assert!(
            (low - (22.14 - 2.364624 * (8.0 * 2.89f64.powi(2) / 7.0).sqrt() / 8f64.sqrt())).abs()
                < 1e-5
        );
        // Quarter 1 holds everyone; quarter 2 nobody.
        assert_eq!(s.by_quarter.len(), 2);
        assert_eq!(s.by_quarter[0].quarter, "2026-Q1");
        assert_eq!(s.by_quarter[0].figures, s.period);
        assert_eq!(s.by_quarter[1].quarter, "2026-Q2");
        assert_eq!(s.by_quarter[1].figures.people, Shown::Value(0));
        assert_eq!(s.by_quarter[1].figures.swemwbs_mean, Shown::NoData);
    }

    #[test]
    fn each_person_counts_once_with_their_latest_check_in() {
        // Worker 0 checks in three times; only the latest (all-5s, raw 35 → 35.0) counts.
        let mut input: Vec<_> = (1..8)
            .map(|i| facts(i, date!(2026 - 04 - 01), check_in(1, 1, 1, false)))
            .collect();
        input.push(facts(0, date!(2026 - 01 - 10), check_in(1, 1, 5, false)));
        input.push(facts(0, date!(2026 - 05 - 10), check_in(5, 5, 1, true)));
        input.push(facts(0, date!(2026 - 03 - 10), check_in(1, 1, 5, false)));
        input.push(facts(0, date!(2027 - 01 - 10), check_in(1, 1, 5, false))); // outside the period
        let s = summarise(&input, period(), SuppressionPolicy::default());
        let f = &s.period;
        // 7 people at 7.0 and one at 35.0: mean 10.5; satisfaction (7 + 5) / 8 = 1.5.
        assert_eq!(f.swemwbs_mean, Shown::Value(10.5));
        assert_eq!(f.job_satisfaction_mean, Shown::Value(1.5));
        // Nobody of 8 under high pressure: 0% reveals no small count. 1 of 8 supervised (12.5%) does.
        assert_eq!(f.pressure_high_pct, Shown::Value(0.0));
        assert_eq!(f.supervision_pct, Shown::Suppressed);
        // Q1 has only worker 0: suppressed. Q2 has all eight.
        assert_eq!(s.by_quarter[0].figures.people, Shown::Suppressed);
        assert_eq!(s.by_quarter[0].figures.swemwbs_mean, Shown::Suppressed);
        assert_eq!(s.by_quarter[1].figures.swemwbs_mean, Shown::Value(10.5));
    }

    #[test]
    fn nobody_is_no_data() {
        let s = summarise(&[], period(), SuppressionPolicy::default());
        assert_eq!(s.period.people, Shown::Value(0));
        assert_eq!(s.period.swemwbs_mean, Shown::NoData);
        assert!(!s.reportable);
    }

    #[test]
    fn a_stricter_policy_raises_the_threshold() {
        assert_eq!(
            min_people(SuppressionPolicy {
                max_suppressed: 10,
                rounding_base: 5
            }),
            11
        );
        assert_eq!(
            min_people(SuppressionPolicy {
                max_suppressed: 2,
                rounding_base: 1
            }),
            8
        );
    }

    #[test]
    fn quarters_cover_a_part_year_period() {
        let p = Period::new(date!(2026 - 02 - 15), date!(2026 - 11 - 02)).unwrap();
        let s = summarise(&[], p, SuppressionPolicy::default());
        let q: Vec<_> = s.by_quarter.iter().map(|q| q.quarter.as_str()).collect();
        assert_eq!(q, ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]);
    }
}
