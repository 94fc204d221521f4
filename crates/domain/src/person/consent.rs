//! Consent and lawful basis (UK GDPR articles 6 and 9). A social prescribing referral is made
//! with the person's agreement; Linkwork records that agreement, the lawful basis the service
//! holds the record under, and the person's consent to share their details with each partner
//! organisation they are referred on to.

use crate::{DomainError, Result};
use crate::text::coded_enum;
use time::Date;

coded_enum! {
    /// Whether the person's agreement to the referral is on record.
    ConsentStatus, field = "consent", prompt = "Confirm that the person agrees to the referral" {
        Given = "given", "The person agreed to the referral";
        NotRecorded = "not_recorded", "Not recorded (sent by a system or imported)";
    }
}

coded_enum! {
    /// The lawful basis for holding the referral (article 6, with the article 9 condition for
    /// health data).
    LawfulBasis, field = "lawful_basis", prompt = "Select the lawful basis for holding the referral" {
        DirectCare = "direct_care", "Health or social care: public task (UK GDPR 6(1)(e)) and provision of care (9(2)(h))";
        ExplicitConsent = "explicit_consent", "Explicit consent (UK GDPR 6(1)(a) and 9(2)(a))";
    }
}

/// What is recorded about consent for one referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ReferralConsent {
    pub status: ConsentStatus,
    /// When the person agreed (the referral date when not given separately).
    pub on: Option<Date>,
    pub lawful_basis: LawfulBasis,
}

impl Default for ReferralConsent {
    /// A referral from a system that does not carry consent (FHIR, a GP export, a bundle).
    fn default() -> Self {
        Self { status: ConsentStatus::NotRecorded, on: None, lawful_basis: LawfulBasis::DirectCare }
    }
}

impl ReferralConsent {
    /// The consent asked on a referral form: `consent` must be "yes" (the person agreed);
    /// `lawful_basis` defaults to direct care.
    pub fn parse_form(consent: &str, lawful_basis: &str, on: Date) -> Result<Self> {
        if !matches!(consent.trim(), "yes" | "given" | "true") {
            return Err(DomainError::invalid("consent", "Confirm that the person agrees to be referred to social prescribing. Only refer someone who has agreed"));
        }
        let lawful_basis = if lawful_basis.trim().is_empty() { LawfulBasis::DirectCare } else { LawfulBasis::parse(lawful_basis)? };
        Ok(Self { status: ConsentStatus::Given, on: Some(on), lawful_basis })
    }

    /// Agreement given on a form before triage (self-referral, a partner's referral).
    pub fn given_on(on: Date) -> Self {
        Self { status: ConsentStatus::Given, on: Some(on), lawful_basis: LawfulBasis::DirectCare }
    }
}

/// The consent to share details with a partner, asked when referring on: "yes" or an error.
pub fn parse_share_consent(raw: &str, organisation: &str) -> Result<()> {
    if matches!(raw.trim(), "yes" | "given" | "true") {
        Ok(())
    } else {
        Err(DomainError::invalid("share_consent", format!("Confirm that the person agrees to this referral and to us sharing their name, contact details and your note with {organisation}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_form_referral_needs_the_persons_agreement() {
        let err = ReferralConsent::parse_form("", "", date!(2026 - 12 - 01)).unwrap_err();
        assert_eq!(err.field(), Some("consent"));
        let c = ReferralConsent::parse_form("yes", "", date!(2026 - 12 - 01)).unwrap();
        assert_eq!((c.status, c.lawful_basis, c.on), (ConsentStatus::Given, LawfulBasis::DirectCare, Some(date!(2026 - 12 - 01))));
    }

    #[test]
    fn the_lawful_basis_is_one_of_the_listed() {
        assert_eq!(ReferralConsent::parse_form("yes", "explicit_consent", date!(2026 - 12 - 01)).unwrap().lawful_basis, LawfulBasis::ExplicitConsent);
        assert_eq!(ReferralConsent::parse_form("yes", "because", date!(2026 - 12 - 01)).unwrap_err().field(), Some("lawful_basis"));
    }

    #[test]
    fn sharing_with_a_partner_needs_consent() {
        assert!(parse_share_consent("yes", "Walk Club").is_ok());
        assert!(parse_share_consent("", "Walk Club").unwrap_err().to_string().contains("Walk Club"));
    }
}
