//! Which two measures of one questionnaire in one referral make its before-and-after pair: the
//! earliest baseline, and the latest later measure (a follow-up or the discharge measure) taken at
//! least [`MIN_DAYS_TO_FOLLOW_UP`] days after it. Every section that compares before with after
//! (outcomes, custom questionnaires, equity, "what works", partners) pairs by this one rule.

use crate::measurement::instruments::Timepoint;
use time::Date;

/// The least number of days from a baseline to the follow-up paired with it. SWEMWBS, PHQ-9 and
/// GAD-7 ask about the last two weeks: a follow-up within four weeks of the baseline would partly
/// describe the same days, and one on the same day is a second answer, not a change.
pub const MIN_DAYS_TO_FOLLOW_UP: i64 = 28;

/// One referral's measures of one questionnaire, seen one at a time in any order.
#[derive(Debug, Clone)]
pub struct PairFinder<T> {
    baseline: Option<(Date, T)>,
    latest: Option<(Date, T)>,
}

impl<T> Default for PairFinder<T> {
    fn default() -> Self {
        Self { baseline: None, latest: None }
    }
}

/// What a referral's measures of one questionnaire give.
#[derive(Debug, Clone, PartialEq)]
pub enum Pairing<T> {
    Paired { baseline: T, follow_up: T },
    /// A baseline with no measure late enough after it.
    BaselineOnly(T),
    /// Follow-ups without a baseline.
    NoBaseline,
}

impl<T> PairFinder<T> {
    /// Keeps `value` if it is the earliest baseline (the first of a day seen wins) or the latest
    /// later measure (the last of a day seen wins).
    pub fn see(&mut self, timepoint: Timepoint, taken_on: Date, value: T) {
        if timepoint == Timepoint::Baseline {
            if self.baseline.as_ref().is_none_or(|(on, _)| taken_on < *on) {
                self.baseline = Some((taken_on, value));
            }
        } else if self.latest.as_ref().is_none_or(|(on, _)| taken_on >= *on) {
            self.latest = Some((taken_on, value));
        }
    }

    pub fn pairing(self) -> Pairing<T> {
        match (self.baseline, self.latest) {
            (Some((before_on, baseline)), Some((after_on, follow_up))) if is_follow_up_of(before_on, after_on) => Pairing::Paired { baseline, follow_up },
            (Some((_, baseline)), _) => Pairing::BaselineOnly(baseline),
            (None, _) => Pairing::NoBaseline,
        }
    }
}

/// Whether a measure taken on `after` can be the follow-up of a baseline taken on `before`.
pub fn is_follow_up_of(before: Date, after: Date) -> bool {
    (after - before).whole_days() >= MIN_DAYS_TO_FOLLOW_UP
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn pairing(measures: &[(Timepoint, Date, &'static str)]) -> Pairing<&'static str> {
        let mut finder = PairFinder::default();
        for (timepoint, on, what) in measures {
            finder.see(*timepoint, *on, *what);
        }
        finder.pairing()
    }

    #[test]
    fn the_earliest_baseline_pairs_with_the_latest_later_measure() {
        use Timepoint::*;
        let measures = [(FollowUp, date!(2026 - 05 - 01), "first follow-up"), (Baseline, date!(2026 - 03 - 01), "baseline"), (Baseline, date!(2026 - 03 - 05), "second baseline"), (Discharge, date!(2026 - 07 - 01), "discharge")];
        assert_eq!(pairing(&measures), Pairing::Paired { baseline: "baseline", follow_up: "discharge" });
    }

    #[test]
    fn a_follow_up_on_the_baselines_day_or_within_four_weeks_is_no_pair() {
        use Timepoint::*;
        assert_eq!(pairing(&[(Baseline, date!(2026 - 03 - 01), "b"), (FollowUp, date!(2026 - 03 - 01), "same day")]), Pairing::BaselineOnly("b"));
        assert_eq!(pairing(&[(Baseline, date!(2026 - 03 - 01), "b"), (FollowUp, date!(2026 - 03 - 28), "27 days")]), Pairing::BaselineOnly("b"));
        assert_eq!(pairing(&[(Baseline, date!(2026 - 03 - 01), "b"), (FollowUp, date!(2026 - 03 - 29), "28 days")]), Pairing::Paired { baseline: "b", follow_up: "28 days" });
    }

    #[test]
    fn a_follow_up_before_the_baseline_is_no_pair() {
        use Timepoint::*;
        assert_eq!(pairing(&[(FollowUp, date!(2026 - 01 - 01), "f"), (Baseline, date!(2026 - 03 - 01), "b")]), Pairing::BaselineOnly("b"));
        assert_eq!(pairing(&[(FollowUp, date!(2026 - 01 - 01), "f")]), Pairing::NoBaseline);
    }
}
