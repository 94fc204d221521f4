//! **Person**: who a person is and how to reach them. Owns the person record (this module:
//! [`PersonDetails`], names, [`DateOfBirth`], [`Sex`], [`Ethnicity`]), its parsed identifiers
//! ([`nhs_number`], [`postcode`]), the identity-matching rule and details history ([`identity`]),
//! contact details and who may see them ([`contact_details`], whose changes share the identity
//! history) and consent ([`consent`]).
//! Invariants: an [`NhsNumber`] always has a valid check digit; a held person
//! changes only when a referral matches on NHS number, date of birth and both names.
//!
//! # The person record
//!
//! The person referred: who they are, as recorded for the GP record and for equity reporting.

pub mod consent;
pub mod contact_details;
pub mod identity;
pub mod nhs_number;
pub mod postcode;


use crate::{DomainError, RequiredText, Result};
use crate::person::nhs_number::NhsNumber;
use crate::person::postcode::Postcode;
use crate::text::coded_enum;
use time::Date;

/// A given or family name: not blank, at most 100 characters, on one line.
pub type PersonName = RequiredText<100, false>;

coded_enum! {
    /// Stated gender, NHS Data Dictionary "person stated gender code".
    Sex, field = "sex", prompt = "Select the person's sex" {
        Male = "1", "Male";
        Female = "2", "Female";
        Indeterminate = "9", "Indeterminate (unable to be classified as male or female)";
        NotKnown = "X", "Not known";
    }
}

coded_enum! {
    /// NHS Data Dictionary ethnic category (2001 census categories, A–S, Z not stated, 99 not known).
    Ethnicity, field = "ethnicity", prompt = "Select the person's ethnic group, or 'Not stated'" {
        WhiteBritish = "A", "White: British";
        WhiteIrish = "B", "White: Irish";
        WhiteOther = "C", "White: Any other White background";
        MixedWhiteBlackCaribbean = "D", "Mixed: White and Black Caribbean";
        MixedWhiteBlackAfrican = "E", "Mixed: White and Black African";
        MixedWhiteAsian = "F", "Mixed: White and Asian";
        MixedOther = "G", "Mixed: Any other mixed background";
        AsianIndian = "H", "Asian or Asian British: Indian";
        AsianPakistani = "J", "Asian or Asian British: Pakistani";
        AsianBangladeshi = "K", "Asian or Asian British: Bangladeshi";
        AsianOther = "L", "Asian or Asian British: Any other Asian background";
        BlackCaribbean = "M", "Black or Black British: Caribbean";
        BlackAfrican = "N", "Black or Black British: African";
        BlackOther = "P", "Black or Black British: Any other Black background";
        Chinese = "R", "Other ethnic groups: Chinese";
        Other = "S", "Other ethnic groups: Any other ethnic group";
        NotStated = "Z", "Not stated";
        NotKnown = "99", "Not known";
    }
}

/// A date of birth: a real date, not in the future, and not more than 130 years before `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct DateOfBirth(Date);

impl DateOfBirth {
    pub fn parse(raw: &str, today: Date) -> Result<Self> {
        let date = parse_iso_date("date_of_birth", "date of birth", raw)?;
        Self::new(date, today)
    }

    pub fn new(date: Date, today: Date) -> Result<Self> {
        if date > today {
            return Err(DomainError::invalid("date_of_birth", "Date of birth must be in the past"));
        }
        if today.year() - date.year() > 130 {
            return Err(DomainError::invalid("date_of_birth", "Date of birth must be after 130 years ago"));
        }
        Ok(Self(date))
    }

    /// A date of birth read back from storage, where it was checked when recorded (the 130-year
    /// bound moves with the calendar, so it is not checked again).
    pub fn stored(date: Date) -> Self {
        Self(date)
    }

    pub fn date(self) -> Date {
        self.0
    }

    /// Age in whole years on `on`.
    pub fn age_on(self, on: Date) -> i32 {
        let mut age = on.year() - self.0.year();
        if (on.month() as u8, on.day()) < (self.0.month() as u8, self.0.day()) {
            age -= 1;
        }
        age
    }
}

/// Parses an ISO 8601 calendar date (`2026-12-01`), the form HTML date inputs and the API send.
pub fn parse_iso_date(field: &'static str, label: &str, raw: &str) -> Result<Date> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(DomainError::invalid(field, format!("Enter the {label}")));
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(raw, &format)
        .map_err(|_| DomainError::invalid(field, format!("The {label} must be a real date, for example 27 3 2026")))
}

/// Parses a date that must not be in the future (when something happened).
pub fn parse_past_date(field: &'static str, label: &str, raw: &str, today: Date) -> Result<Date> {
    let date = parse_iso_date(field, label, raw)?;
    if date > today {
        return Err(DomainError::invalid(field, format!("The {label} must be today or in the past")));
    }
    Ok(date)
}

/// Everything needed to record a new person, already parsed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PersonDetails {
    pub nhs_number: NhsNumber,
    pub given_name: PersonName,
    pub family_name: PersonName,
    pub date_of_birth: DateOfBirth,
    pub sex: Sex,
    pub ethnicity: Ethnicity,
    pub postcode: Postcode,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn date_of_birth_bounds() {
        let today = date!(2026 - 12 - 01);
        assert!(DateOfBirth::parse("1950-02-28", today).is_ok());
        assert!(DateOfBirth::parse("2026-12-02", today).is_err());
        assert!(DateOfBirth::parse("1890-01-01", today).is_err());
        assert!(DateOfBirth::parse("1950-02-30", today).unwrap_err().to_string().contains("real date"));
        assert!(DateOfBirth::parse("", today).unwrap_err().to_string().contains("Enter"));
    }

    #[test]
    fn age_counts_birthdays() {
        let dob = DateOfBirth::new(date!(1960 - 12 - 02), date!(2026 - 12 - 01)).unwrap();
        assert_eq!(dob.age_on(date!(2026 - 12 - 01)), 65);
        assert_eq!(dob.age_on(date!(2026 - 12 - 02)), 66);
    }

    #[test]
    fn coded_lists_parse_by_code() {
        assert_eq!(Ethnicity::parse("99").unwrap(), Ethnicity::NotKnown);
        assert_eq!(Ethnicity::parse("h").unwrap(), Ethnicity::AsianIndian);
        assert!(Ethnicity::parse("I").is_err());
        assert_eq!(Sex::parse("x").unwrap(), Sex::NotKnown);
        assert_eq!(Sex::parse("").unwrap_err().field(), Some("sex"));
    }
}
