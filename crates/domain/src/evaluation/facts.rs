//! The facts every evaluation section reads: the reporting [`Period`], the settings a service may
//! change ([`EvaluationSettings`], [`TargetBand`]) and the plain per-referral facts the storage
//! layer loads ([`PracticeFacts`], [`ReferralFacts`], [`MeasureFacts`], [`OnwardFacts`]).
//!
//! This module imports no evaluation section, so every section can import it; the facts of one
//! section live in that section.

use crate::casework::referral::{ReferralSource, ReferralStatus};
use crate::evaluation::disclosure::SuppressionPolicy;
use crate::measurement::instruments::{Recorded, Timepoint};
use crate::onward::OnwardStatus;
use serde::Serialize;
use std::collections::BTreeMap;
use time::Date;

/// The reporting period, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    pub fn new(from: Date, to: Date) -> crate::Result<Self> {
        if from > to {
            return Err(crate::DomainError::invalid("from", "The start of the period must be on or before its end"));
        }
        Ok(Self { from, to })
    }
    pub fn contains(&self, d: Date) -> bool {
        self.from <= d && d <= self.to
    }
    pub fn days(&self) -> i64 {
        (self.to - self.from).whole_days() + 1
    }
}

/// The referral-rate target band (IIF 2022/23: 0.8–1.2% of the registered population a year).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TargetBand {
    pub low_pct: f64,
    pub high_pct: f64,
    pub source: &'static str,
}

impl Default for TargetBand {
    fn default() -> Self {
        Self { low_pct: 0.8, high_pct: 1.2, source: "IIF guidance 2022/23: referrals as 0.8–1.2% of the registered population a year" }
    }
}

// ---- input: plain facts loaded by the storage layer ----

/// An id or name the facts of several sections share: one allocation however many sections hold
/// it (a referral's id appears in about a dozen facts; at the national size, a million referrals).
pub type FactId = std::sync::Arc<str>;

#[derive(Debug, Clone)]
pub struct PracticeFacts {
    pub id: String,
    pub name: String,
    pub list_size: u64,
}

#[derive(Debug, Clone)]
pub struct ReferralFacts {
    pub id: FactId,
    pub practice_id: Option<FactId>,
    pub source: ReferralSource,
    pub status: ReferralStatus,
    pub referred_on: Date,
    pub first_contact_on: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct MeasureFacts {
    pub referral_id: FactId,
    pub timepoint: Timepoint,
    pub taken_on: Date,
    /// The answers, or only the scores for history from another system.
    pub recorded: Recorded,
}

#[derive(Debug, Clone)]
pub struct OnwardFacts {
    /// The referral it was made for, so a report scoped to one practice keeps only its own.
    pub referral_id: FactId,
    pub partner_name: FactId,
    pub status: OnwardStatus,
    pub sent_on: Date,
}

/// Settings a service may change; every report prints the values used.
#[derive(Debug, Clone, Serialize)]
#[derive(Default)]
pub struct EvaluationSettings {
    pub policy: SuppressionPolicy,
    pub target: TargetBand,
    /// Meaningful-change thresholds by score key, overriding the instrument defaults.
    pub thresholds: BTreeMap<String, f64>,
}
