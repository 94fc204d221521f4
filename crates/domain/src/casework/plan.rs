//! The "what matters to you" conversation and the personalised care and support plan.

use crate::text::coded_enum;

/// What matters to the person, in their own words.
pub type WhatMatters = crate::RequiredText<4000>;
/// A goal in the person's words.
pub type GoalText = crate::RequiredText<500>;

coded_enum! {
    GoalStatus, field = "goal_status", prompt = "Select the goal's status" {
        NotStarted = "not_started", "Not started";
        InProgress = "in_progress", "In progress";
        Achieved = "achieved", "Achieved";
        PartlyAchieved = "partly_achieved", "Partly achieved";
        NotAchieved = "not_achieved", "Not achieved";
        NoLongerRelevant = "no_longer_relevant", "No longer relevant";
    }
}

impl GoalStatus {
    /// The outcomes a goal review at discharge chooses from: where each goal ended.
    pub const FINAL: &'static [GoalStatus] = &[GoalStatus::Achieved, GoalStatus::PartlyAchieved, GoalStatus::NotAchieved, GoalStatus::NoLongerRelevant];

    /// Whether this is where a goal ended (a final review outcome), not work in progress.
    pub fn is_final(self) -> bool {
        Self::FINAL.contains(&self)
    }

    /// Whether the goal was met, at least in part (what "Goals met" at discharge rests on).
    pub fn was_met(self) -> bool {
        matches!(self, GoalStatus::Achieved | GoalStatus::PartlyAchieved)
    }
}

coded_enum! {
    /// What one line of a plan's history records (issue 12: goals and needs change without a
    /// new conversation, and every change is kept).
    PlanChangeKind, field = "field", prompt = "Select what changed" {
        GoalAdded = "goal_added", "Goal added";
        Wording = "description", "Wording changed";
        ReviewDate = "review_on", "Review date changed";
        Status = "status", "Status changed";
        NeedAdded = "need_added", "Need agreed with the person";
        NeedRemoved = "need_removed", "Need no longer agreed";
    }
}

/// A goal as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalState {
    pub description: String,
    pub review_on: Option<time::Date>,
    pub status: GoalStatus,
}

/// One changed field: what, the value before and after, as stored (ISO dates, status codes).
pub type FieldChange = (PlanChangeKind, Option<String>, Option<String>);

/// What changed from `old` to `new`, one entry per changed field, in a fixed order.
pub fn goal_changes(old: &GoalState, new: &GoalState) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    if old.description != new.description {
        changes.push((PlanChangeKind::Wording, Some(old.description.clone()), Some(new.description.clone())));
    }
    if old.review_on != new.review_on {
        changes.push((PlanChangeKind::ReviewDate, old.review_on.map(|d| d.to_string()), new.review_on.map(|d| d.to_string())));
    }
    if old.status != new.status {
        changes.push((PlanChangeKind::Status, Some(old.status.code().to_owned()), Some(new.status.code().to_owned())));
    }
    changes
}

/// A review date being set or changed must not be in the past: it would never prompt a review.
pub fn check_review_date(field: &'static str, review_on: Option<time::Date>, today: time::Date) -> crate::Result<()> {
    match review_on {
        Some(d) if d < today => Err(crate::DomainError::invalid(field, "The review date must be today or in the future")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn goal(description: &str, review_on: Option<time::Date>, status: GoalStatus) -> GoalState {
        GoalState { description: description.into(), review_on, status }
    }

    #[test]
    fn each_changed_field_is_one_entry_with_its_old_and_new_value() {
        let old = goal("Walk twice a week", Some(date!(2027 - 01 - 10)), GoalStatus::NotStarted);
        assert!(goal_changes(&old, &old).is_empty(), "nothing changed, nothing recorded");
        let new = goal("Walk three times a week", None, GoalStatus::InProgress);
        assert_eq!(
            goal_changes(&old, &new),
            vec![
                (PlanChangeKind::Wording, Some("Walk twice a week".into()), Some("Walk three times a week".into())),
                (PlanChangeKind::ReviewDate, Some("2027-01-10".into()), None),
                (PlanChangeKind::Status, Some("not_started".into()), Some("in_progress".into())),
            ]
        );
    }

    #[test]
    fn a_review_date_in_the_past_is_refused() {
        let today = date!(2026 - 12 - 01);
        assert!(check_review_date("review_on", Some(date!(2026 - 11 - 30)), today).is_err());
        assert!(check_review_date("review_on", Some(today), today).is_ok());
        assert!(check_review_date("review_on", None, today).is_ok());
    }
}
