//! The discharge walk-through: before a person leaves the caseload, the link worker records the
//! closing measures the service's schedule asks for (or why each was not taken) and where each
//! goal ended; the reason for discharge must agree with that review.

use crate::{DomainError, Result};
use crate::casework::plan::GoalStatus;
use crate::casework::referral::DischargeReason;
use crate::casework::schedule::{due_measures, MeasurementSchedule, ReferralDates, ScheduledPoint, TakenMeasure};
use crate::measurement::instruments::Instrument;
use crate::text::coded_enum;
use time::Date;

coded_enum! {
    /// Why a closing questionnaire was not taken at discharge.
    NotTakenReason, field = "not_taken", prompt = "Select why the questionnaire was not taken" {
        Declined = "declined", "The person declined";
        Unable = "unable", "The person was unable to answer";
        NotReached = "not_reached", "Could not reach the person";
    }
}

/// The questionnaires the schedule asks for at discharge if the person is discharged `today`
/// and not yet taken (none before a first contact: there was no one to ask).
pub fn closing_measures(schedule: &MeasurementSchedule, dates: ReferralDates, taken: &[TakenMeasure], today: Date) -> Vec<Instrument> {
    let dates = ReferralDates { discharged_on: Some(today), ..dates };
    due_measures(schedule, dates, taken, today).into_iter().filter(|d| d.point == ScheduledPoint::Discharge).map(|d| d.instrument).collect()
}

/// The reason for discharge must agree with the goal review: "Goals met" needs at least one goal
/// achieved or partly achieved.
pub fn check_reason(reason: DischargeReason, review: &[GoalStatus]) -> Result<()> {
    if reason == DischargeReason::GoalsMet && !review.iter().any(|g| g.was_met()) {
        let message = if review.is_empty() {
            "\"Goals met\" needs a goal that was achieved, and no goal was agreed. Choose another reason, or record the plan first"
        } else {
            "\"Goals met\" needs at least one goal achieved or partly achieved in the goal review. Choose another reason, or correct the review"
        };
        return Err(DomainError::invalid("discharge_reason", message));
    }
    Ok(())
}

/// A goal's final status from the review; a status still in progress is not an ending.
pub fn parse_review(raw: &str) -> Option<GoalStatus> {
    GoalStatus::parse(raw).ok().filter(|s| s.is_final())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measurement::instruments::Timepoint;
    use time::macros::date;

    #[test]
    fn goals_met_needs_a_goal_met() {
        assert!(check_reason(DischargeReason::GoalsMet, &[GoalStatus::NotAchieved, GoalStatus::PartlyAchieved]).is_ok());
        assert!(check_reason(DischargeReason::GoalsMet, &[GoalStatus::Achieved]).is_ok());
        let e = check_reason(DischargeReason::GoalsMet, &[GoalStatus::NotAchieved, GoalStatus::NoLongerRelevant]).unwrap_err();
        assert_eq!(e.field(), Some("discharge_reason"));
        assert!(check_reason(DischargeReason::GoalsMet, &[]).unwrap_err().to_string().contains("no goal was agreed"));
        assert!(check_reason(DischargeReason::Disengaged, &[GoalStatus::NotAchieved]).is_ok());
    }

    #[test]
    fn closing_measures_are_the_schedules_discharge_point() {
        let s = MeasurementSchedule::default();
        let dates = ReferralDates { referred_on: date!(2026 - 06 - 01), first_contact_on: Some(date!(2026 - 06 - 10)), discharged_on: None };
        let today = date!(2026 - 07 - 01);
        assert_eq!(closing_measures(&s, dates, &[], today), [Instrument::Ons4, Instrument::Swemwbs]);
        let taken = [TakenMeasure { instrument: Instrument::Swemwbs, timepoint: Timepoint::Discharge, taken_on: today }];
        assert_eq!(closing_measures(&s, dates, &taken, today), [Instrument::Ons4]);
        let never_met = ReferralDates { first_contact_on: None, ..dates };
        assert!(closing_measures(&s, never_met, &[], today).is_empty());
    }

    #[test]
    fn a_review_ends_each_goal() {
        assert_eq!(parse_review("partly_achieved"), Some(GoalStatus::PartlyAchieved));
        assert_eq!(parse_review("in_progress"), None);
        assert_eq!(parse_review(""), None);
    }
}
