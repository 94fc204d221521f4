//! A referral to the social prescribing service and its lifecycle:
//! received → accepted → discharged, or received → declined.
//!
//! Two corrections go back: a declined referral may be *reopened* (back to received, into
//! triage) within [`REOPEN_WITHIN_DAYS`] of the decline, with a reason; and after discharge a
//! follow-up or discharge measure may still be *entered late* within [`LATE_ENTRY_DAYS`].

use crate::{DomainError, Result};
use crate::measurement::instruments::Timepoint;
use crate::text::coded_enum;
use time::{Date, Duration};

/// A declined referral may be reopened for this many days after the decline (a decline made by
/// mistake is usually noticed within a month; after that, a new referral is the honest record).
pub const REOPEN_WITHIN_DAYS: i64 = 30;
/// A follow-up or discharge measure may be entered this many days after discharge (a closing
/// questionnaire posted back, or a follow-up call made after the person left the caseload).
pub const LATE_ENTRY_DAYS: i64 = 90;

/// Why a declined referral is reopened, in the link worker's words.
pub type ReopenReason = crate::RequiredText<1000>;

/// The reason for referral, in the referrer's words.
pub type ReferralReason = crate::RequiredText<2000>;

coded_enum! {
    /// Who referred the person in.
    ReferralSource, field = "source", prompt = "Select who made the referral" {
        GpPractice = "gp_practice", "GP practice";
        OtherHealth = "other_health", "Other health professional";
        Vcse = "vcse", "Voluntary or community organisation";
        Council = "council", "Council or social care";
        SelfReferral = "self", "Self-referral";
    }
}

coded_enum! {
    ReferralStatus, field = "status", prompt = "Select a referral status" {
        Received = "received", "New";
        Accepted = "accepted", "Accepted";
        Declined = "declined", "Declined";
        Discharged = "discharged", "Discharged";
    }
}

coded_enum! {
    /// Why a referral was not taken on (shared/product/domain.md, triage).
    DeclineReason, field = "decline_reason", prompt = "Select why the referral is declined" {
        NotEligible = "not_eligible", "Not eligible";
        PersonDeclined = "person_declined", "Person declined social prescribing";
        NoContact = "no_contact", "Could not contact after repeated attempts";
        Duplicate = "duplicate", "Duplicate referral";
        Other = "other", "Other";
    }
}

coded_enum! {
    DischargeReason, field = "discharge_reason", prompt = "Select why the person is being discharged" {
        GoalsMet = "goals_met", "Goals met";
        Disengaged = "disengaged", "Disengaged";
        MovedAway = "moved_away", "Moved away";
        ReferredElsewhere = "referred_elsewhere", "Referred to another service";
        Died = "died", "Died";
        Other = "other", "Other";
    }
}

impl ReferralSource {
    /// The sources GP practice staff choose from on their form: the practice, or another health
    /// professional working with it. Never a self-referral (the public have their own form) nor
    /// another organisation's referral.
    pub const FROM_PRACTICE: &'static [ReferralSource] = &[ReferralSource::GpPractice, ReferralSource::OtherHealth];
}

impl ReferralStatus {
    /// Whether the person is on a caseload (needs support recording against them).
    pub fn is_open(self) -> bool {
        matches!(self, Self::Received | Self::Accepted)
    }

    pub fn accept(self) -> Result<Self> {
        match self {
            Self::Received => Ok(Self::Accepted),
            other => Err(not_allowed("accept", other)),
        }
    }

    pub fn decline(self) -> Result<Self> {
        match self {
            Self::Received => Ok(Self::Declined),
            other => Err(not_allowed("decline", other)),
        }
    }

    pub fn discharge(self) -> Result<Self> {
        match self {
            Self::Accepted => Ok(Self::Discharged),
            other => Err(not_allowed("discharge", other)),
        }
    }

    /// Reopens a referral declined on `declined_on` (back to received, into triage), if that was
    /// at most [`REOPEN_WITHIN_DAYS`] before `today`.
    pub fn reopen(self, declined_on: Option<Date>, today: Date) -> Result<Self> {
        match (self, declined_on) {
            (Self::Declined, Some(on)) if today <= reopen_until(on) => Ok(Self::Received),
            (Self::Declined, Some(on)) => Err(DomainError::NotAllowed(format!(
                "This referral was declined on {}, more than {} ago, so it can no longer be reopened. Record a new referral instead",
                crate::format_date_long(on),
                crate::casework::urgency::days(REOPEN_WITHIN_DAYS)
            ))),
            (Self::Declined, None) => Err(DomainError::NotAllowed("This referral has no decline date, so it cannot be reopened. Record a new referral instead".into())),
            (other, _) => Err(not_allowed("reopen", other)),
        }
    }

    /// Whether a measure at `timepoint` may be recorded now, and whether it is a late entry.
    /// While accepted, any measure is on time. After discharge on `discharged_on`, a follow-up
    /// or discharge measure may be entered late up to [`LATE_ENTRY_DAYS`] later; a baseline
    /// cannot (it would not be a baseline).
    pub fn measure_entry(self, timepoint: Option<Timepoint>, discharged_on: Option<Date>, today: Date) -> Result<MeasureEntry> {
        match (self, discharged_on) {
            (Self::Accepted, _) => Ok(MeasureEntry::OnTime),
            (Self::Discharged, Some(on)) if today > late_entry_until(on) => Err(DomainError::NotAllowed(format!(
                "This person was discharged on {}, more than {} ago: measures can no longer be added",
                crate::format_date_long(on),
                crate::casework::urgency::days(LATE_ENTRY_DAYS)
            ))),
            (Self::Discharged, Some(_)) if timepoint == Some(Timepoint::Baseline) => {
                Err(DomainError::invalid("timepoint", "A baseline cannot be entered after discharge: choose follow-up or discharge"))
            }
            (Self::Discharged, Some(_)) => Ok(MeasureEntry::Late),
            (other, _) => other.require_active().map(|()| MeasureEntry::OnTime),
        }
    }

    /// Conversations, plans, contacts, measures and onward referrals are recorded only while the
    /// person is accepted onto the caseload.
    pub fn require_active(self) -> Result<()> {
        match self {
            Self::Accepted => Ok(()),
            Self::Received => Err(DomainError::NotAllowed("Accept the referral before recording support".into())),
            other => Err(DomainError::NotAllowed(format!("This referral is {}: support can no longer be recorded", other.label().to_lowercase()))),
        }
    }
}

/// The last day a referral declined on `declined_on` may be reopened.
pub fn reopen_until(declined_on: Date) -> Date {
    declined_on + Duration::days(REOPEN_WITHIN_DAYS)
}

/// The last day a measure may be entered late for a referral discharged on `discharged_on`.
pub fn late_entry_until(discharged_on: Date) -> Date {
    discharged_on + Duration::days(LATE_ENTRY_DAYS)
}

/// A measure recorded while the person is supported, or entered late after discharge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureEntry {
    OnTime,
    Late,
}

fn not_allowed(action: &str, status: ReferralStatus) -> DomainError {
    DomainError::NotAllowed(format!("You cannot {action} a referral that is {}", status.label().to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReferralStatus::*;

    #[test]
    fn lifecycle_moves_forward_only() {
        assert_eq!(Received.accept().unwrap(), Accepted);
        assert_eq!(Received.decline().unwrap(), Declined);
        assert_eq!(Accepted.discharge().unwrap(), Discharged);
        assert!(Accepted.accept().is_err());
        assert!(Declined.accept().is_err());
        assert!(Received.discharge().is_err());
        assert!(Discharged.discharge().is_err());
        assert!(Discharged.require_active().is_err());
        assert!(Accepted.require_active().is_ok());
    }

    #[test]
    fn a_declined_referral_reopens_within_thirty_days() {
        use time::macros::date;
        let declined = date!(2026 - 11 - 01);
        assert_eq!(Declined.reopen(Some(declined), date!(2026 - 11 - 01)).unwrap(), Received);
        assert_eq!(Declined.reopen(Some(declined), date!(2026 - 12 - 01)).unwrap(), Received, "30 days on");
        let late = Declined.reopen(Some(declined), date!(2026 - 12 - 02)).unwrap_err();
        assert!(late.to_string().contains("more than 30 days ago"), "{late}");
        assert!(Accepted.reopen(None, declined).is_err());
        assert!(Discharged.reopen(Some(declined), declined).is_err());
        assert!(Received.reopen(None, declined).is_err());
    }

    #[test]
    fn measures_after_discharge_are_late_entries_within_ninety_days() {
        use time::macros::date;
        let out = date!(2026 - 09 - 01);
        assert_eq!(Accepted.measure_entry(Some(Timepoint::Baseline), None, out).unwrap(), MeasureEntry::OnTime);
        assert_eq!(Discharged.measure_entry(Some(Timepoint::Discharge), Some(out), out).unwrap(), MeasureEntry::Late);
        assert_eq!(Discharged.measure_entry(Some(Timepoint::FollowUp), Some(out), date!(2026 - 11 - 30)).unwrap(), MeasureEntry::Late, "90 days on");
        assert!(Discharged.measure_entry(Some(Timepoint::FollowUp), Some(out), date!(2026 - 12 - 01)).is_err());
        assert_eq!(Discharged.measure_entry(Some(Timepoint::Baseline), Some(out), out).unwrap_err().field(), Some("timepoint"));
        assert!(Received.measure_entry(Some(Timepoint::Baseline), None, out).is_err());
        assert!(Declined.measure_entry(Some(Timepoint::Discharge), None, out).is_err());
    }
}
