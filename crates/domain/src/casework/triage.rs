//! Triage rules: contact attempts before a referral may be closed as "could not contact".

use crate::{DomainError, Result};
use crate::casework::referral::DeclineReason;
use crate::text::coded_enum;

/// Attempts to reach a person needed before a referral is declined for no contact (a service
/// setting in future; the common practice is three attempts by at least two routes).
pub const ATTEMPTS_BEFORE_NO_CONTACT: usize = 3;

coded_enum! {
    AttemptOutcome, field = "outcome", prompt = "Select what happened" {
        NoAnswer = "no_answer", "No answer";
        LeftMessage = "left_message", "Left a message";
        WrongNumber = "wrong_number", "Wrong or unobtainable number";
        Reached = "reached", "Spoke to the person";
    }
}

coded_enum! {
    AttemptMode, field = "mode", prompt = "Select how you tried to make contact" {
        Phone = "phone", "Phone";
        Text = "text", "Text message";
        Email = "email", "Email";
        Letter = "letter", "Letter";
        Visit = "visit", "Visit";
    }
}

/// Checks a decline against the attempts made: "could not contact" needs enough unsuccessful ones.
pub fn check_decline(reason: DeclineReason, unsuccessful_attempts: usize) -> Result<()> {
    if reason == DeclineReason::NoContact && unsuccessful_attempts < ATTEMPTS_BEFORE_NO_CONTACT {
        return Err(DomainError::NotAllowed(format!(
            "Record at least {ATTEMPTS_BEFORE_NO_CONTACT} attempts to contact the person before declining for no contact ({unsuccessful_attempts} so far)"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_contact_needs_three_attempts() {
        assert!(check_decline(DeclineReason::NoContact, 2).is_err());
        assert!(check_decline(DeclineReason::NoContact, 3).is_ok());
        assert!(check_decline(DeclineReason::NotEligible, 0).is_ok());
    }
}
