//! A referral to the social prescribing service and its lifecycle:
//! received → accepted → discharged, or received → declined.

use crate::text::coded_enum;
use crate::{DomainError, Result};

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
}
