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

/// The words that suggest each need domain in a referrer's free text (lower case; matched at the
/// start of a word, so "bereave" finds "bereaved" and "bereavement"). Used only for referrals
/// that arrive without a coded need (FHIR reasons given as text or as SNOMED CT codes Linkwork
/// does not map): what they find is a *suggestion* the link worker confirms at triage, never a
/// need recorded as agreed.
const NEED_WORDS: &[(NeedDomain, &[&str])] = &[
    (NeedDomain::Loneliness, &["lonel", "isolat", "alone", "no friends", "housebound"]),
    (NeedDomain::MentalWellbeing, &["low mood", "anxi", "depress", "stress", "mental health", "wellbeing", "panic"]),
    (NeedDomain::PhysicalActivity, &["inactiv", "exercise", "physical activity", "walking", "weight", "sedentary"]),
    (NeedDomain::LongTermCondition, &["diabet", "copd", "long-term condition", "long term condition", "chronic", "self-manag"]),
    (NeedDomain::MoneyDebtBenefits, &["money", "debt", "benefit", "financ", "bills", "universal credit", "arrears"]),
    (NeedDomain::Housing, &["housing", "homeless", "evict", "landlord", "damp", "tenan"]),
    (NeedDomain::Employment, &["employ", "unemploy", "job", "volunteer", "training", "education"]),
    (NeedDomain::CarerSupport, &["carer", "caring for"]),
    (NeedDomain::Bereavement, &["bereave", "grief", "grieving", "widow", "died", "death of"]),
    (NeedDomain::FoodInsecurity, &["food", "hungry", "meals"]),
    (NeedDomain::DigitalInclusion, &["digital", "internet", "online", "computer", "smartphone"]),
    (NeedDomain::LegalAdvice, &["legal", "solicitor", "immigration", "tribunal"]),
    (NeedDomain::FamilyRelationships, &["family", "relationship", "divorce", "separat"]),
    (NeedDomain::ArtsCulture, &["arts", "creative", "music", "craft", "painting"]),
    (NeedDomain::Nature, &["garden", "nature", "outdoors", "green space"]),
    (NeedDomain::SubstanceUse, &["alcohol", "drink", "drug", "substance", "gambl"]),
    (NeedDomain::Transport, &["transport", "bus pass", "can't get to", "cannot get to"]),
    (NeedDomain::Safeguarding, &["abuse", "domestic violence", "safeguard", "coercive"]),
];

/// The need domains a referrer's words suggest, in the order of [`NeedDomain`], without repeats;
/// empty when nothing matches. A suggestion to confirm, not a finding (see [`NEED_WORDS`]).
pub fn needs_in_words(text: &str) -> Vec<NeedDomain> {
    let text = text.to_lowercase();
    let at_word_start = |word: &str| text.match_indices(word).any(|(i, _)| text[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric()));
    let mut found: Vec<NeedDomain> = NEED_WORDS.iter().filter(|(_, words)| words.iter().any(|w| at_word_start(w))).map(|(need, _)| *need).collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_in_words_suggests_domains_from_the_referrers_text() {
        assert_eq!(needs_in_words("Lonely since her husband died; struggling with Money"), vec![NeedDomain::Loneliness, NeedDomain::MoneyDebtBenefits, NeedDomain::Bereavement]);
        // At the start of a word only: "tenancy" is housing, "maintenance" is not.
        assert_eq!(needs_in_words("Tenancy at risk"), vec![NeedDomain::Housing]);
        assert_eq!(needs_in_words("boiler maintenance"), Vec::<NeedDomain>::new());
        assert_eq!(needs_in_words(""), Vec::<NeedDomain>::new());
    }

    #[test]
    fn every_need_domain_has_words_that_suggest_it() {
        assert!(NeedDomain::ALL.iter().all(|need| NEED_WORDS.iter().any(|(n, words)| n == need && !words.is_empty())));
    }

    #[test]
    fn parses_and_dedups() {
        assert_eq!(parse_needs(["money", "loneliness", "money"]).unwrap(), vec![NeedDomain::Loneliness, NeedDomain::MoneyDebtBenefits]);
        assert!(parse_needs([]).is_err());
        assert!(parse_needs(["astrology"]).is_err());
    }
}
