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
        NoLongerRelevant = "no_longer_relevant", "No longer relevant";
    }
}
