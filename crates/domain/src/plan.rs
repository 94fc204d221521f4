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
