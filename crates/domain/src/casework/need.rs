//! Need domains: what a person's non-medical needs are about. The starting taxonomy from
//! shared/product/domain.md; services may extend it later.

use crate::text::coded_enum;

coded_enum! {
    NeedDomain, field = "needs", prompt = "Select a need from the list" {
        Loneliness = "loneliness", "Loneliness and social isolation";
        MentalWellbeing = "mental_wellbeing", "Mental wellbeing (low mood, anxiety, stress)";
        PhysicalActivity = "physical_activity", "Physical activity and healthy lifestyle";
        LongTermCondition = "long_term_condition", "Long-term condition self-management";
        MoneyDebtBenefits = "money", "Money, debt and benefits";
        Housing = "housing", "Housing and homelessness";
        Employment = "employment", "Employment, education and volunteering";
        CarerSupport = "carer_support", "Carer support";
        Bereavement = "bereavement", "Bereavement";
        FoodInsecurity = "food", "Food insecurity";
        DigitalInclusion = "digital", "Digital inclusion";
        LegalAdvice = "legal", "Legal and advice";
        FamilyRelationships = "family", "Family and relationships";
        ArtsCulture = "arts", "Arts, culture and creativity";
        Nature = "nature", "Nature and green activities";
        SubstanceUse = "substance_use", "Substance use";
        Transport = "transport", "Transport and access";
        Safeguarding = "safeguarding", "Domestic abuse and safeguarding";
    }
}

impl NeedDomain {
    /// Safeguarding needs must be escalated, never only met by referral to an activity.
    pub fn requires_escalation(self) -> bool {
        self == NeedDomain::Safeguarding
    }
}

/// Parses a set of need domain codes (from checkboxes), rejecting none and de-duplicating.
pub fn parse_needs<'a>(codes: impl IntoIterator<Item = &'a str>) -> crate::Result<Vec<NeedDomain>> {
    let mut needs = codes.into_iter().filter(|c| !c.trim().is_empty()).map(NeedDomain::parse).collect::<crate::Result<Vec<_>>>()?;
    needs.sort();
    needs.dedup();
    if needs.is_empty() {
        return Err(crate::DomainError::invalid("needs", "Select at least one need"));
    }
    Ok(needs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_dedups() {
        assert_eq!(parse_needs(["money", "loneliness", "money"]).unwrap(), vec![NeedDomain::Loneliness, NeedDomain::MoneyDebtBenefits]);
        assert!(parse_needs([]).is_err());
        assert!(parse_needs(["astrology"]).is_err());
    }
}
