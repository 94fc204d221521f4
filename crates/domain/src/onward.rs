//! Onward referrals from the link worker to a community service, and the partner's side of the
//! closed loop: sent → accepted | declined → attended.

use crate::text::coded_enum;
use crate::{DomainError, Result};

coded_enum! {
    OnwardStatus, field = "status", prompt = "Select a status" {
        Sent = "sent", "Waiting for a response";
        Accepted = "accepted", "Accepted";
        Declined = "declined", "Declined";
        Attended = "attended", "Attended";
    }
}

coded_enum! {
    OnwardDeclineReason, field = "decline_reason", prompt = "Select why you cannot take this referral" {
        NoCapacity = "no_capacity", "No capacity";
        NotEligible = "not_eligible", "Not eligible for this service";
        PersonDeclined = "person_declined", "Person declined";
        UnableToContact = "unable_to_contact", "Unable to contact the person";
        Other = "other", "Other";
    }
}

/// What a partner may do with an onward referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartnerResponse {
    Accept,
    Decline(OnwardDeclineReason),
    MarkAttended,
}

impl OnwardStatus {
    pub fn respond(self, response: PartnerResponse) -> Result<Self> {
        match (self, response) {
            (Self::Sent, PartnerResponse::Accept) => Ok(Self::Accepted),
            (Self::Sent, PartnerResponse::Decline(_)) => Ok(Self::Declined),
            (Self::Accepted, PartnerResponse::MarkAttended) => Ok(Self::Attended),
            (Self::Sent, PartnerResponse::MarkAttended) => Err(DomainError::NotAllowed("Accept the referral before marking it attended".into())),
            (status, _) => Err(DomainError::NotAllowed(format!("This referral is already {}", status.label().to_lowercase()))),
        }
    }

    /// Whether the partner has answered (for acceptance rates: pending referrals are not counted).
    pub fn is_answered(self) -> bool {
        self != Self::Sent
    }

    pub fn was_accepted(self) -> bool {
        matches!(self, Self::Accepted | Self::Attended)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OnwardStatus::*;

    #[test]
    fn loop_transitions() {
        assert_eq!(Sent.respond(PartnerResponse::Accept).unwrap(), Accepted);
        assert_eq!(Sent.respond(PartnerResponse::Decline(OnwardDeclineReason::NoCapacity)).unwrap(), Declined);
        assert_eq!(Accepted.respond(PartnerResponse::MarkAttended).unwrap(), Attended);
        assert!(Sent.respond(PartnerResponse::MarkAttended).is_err());
        assert!(Declined.respond(PartnerResponse::Accept).is_err());
        assert!(Attended.respond(PartnerResponse::MarkAttended).is_err());
    }
}
