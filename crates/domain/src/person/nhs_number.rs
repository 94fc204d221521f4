//! The NHS number: 10 digits whose last digit is a modulus-11 check digit.

use crate::{DomainError, Result};
use std::fmt;

/// A valid NHS number. Holding one proves the check digit was right.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(into = "String")]
pub struct NhsNumber(String);

const FIELD: &str = "nhs_number";

impl NhsNumber {
    /// Parses an NHS number as people type it: spaces and hyphens are ignored (`943 476 5919`).
    pub fn parse(raw: &str) -> Result<Self> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        if digits.is_empty() {
            return Err(DomainError::invalid(FIELD, "Enter the NHS number"));
        }
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::invalid(FIELD, "NHS number must be 10 digits, like 943 476 5919"));
        }
        let expected = Self::check_digit(&digits[..9]);
        let actual = digits.as_bytes()[9] - b'0';
        if expected != Some(actual) {
            return Err(DomainError::invalid(
                FIELD,
                "This is not a valid NHS number. Check it against the person's letter or GP record",
            ));
        }
        Ok(Self(digits))
    }

    /// The modulus-11 check digit for the first nine digits: weights 10..2, check = 11 − (sum mod 11),
    /// 11 becomes 0 and 10 means no valid NHS number starts with these nine digits.
    pub fn check_digit(first_nine: &str) -> Option<u8> {
        let sum: u32 = first_nine
            .bytes()
            .zip((2..=10).rev())
            .map(|(b, weight)| u32::from(b - b'0') * weight)
            .sum();
        match 11 - (sum % 11) {
            11 => Some(0),
            10 => None,
            check => Some(check as u8),
        }
    }

    /// The ten digits with no spaces, as stored and exchanged (FHIR `https://fhir.nhs.uk/Id/nhs-number`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// NHS numbers are displayed 3-3-4: `943 476 5919`.
impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

impl From<NhsNumber> for String {
    fn from(n: NhsNumber) -> String {
        n.0
    }
}

impl TryFrom<String> for NhsNumber {
    type Error = DomainError;
    fn try_from(raw: String) -> Result<Self> {
        Self::parse(&raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_known_valid_numbers_in_any_spacing() {
        for raw in ["9434765919", "943 476 5919", "943-476-5919", " 9434765870 "] {
            assert!(NhsNumber::parse(raw).is_ok(), "{raw}");
        }
        assert_eq!(NhsNumber::parse("9434765919").unwrap().to_string(), "943 476 5919");
    }

    #[test]
    fn rejects_wrong_check_digit() {
        let err = NhsNumber::parse("9434765918").unwrap_err();
        assert!(err.to_string().contains("not a valid NHS number"));
        assert_eq!(err.field(), Some("nhs_number"));
    }

    #[test]
    fn rejects_wrong_length_and_letters() {
        assert!(NhsNumber::parse("943476591").is_err());
        assert!(NhsNumber::parse("94347659190").is_err());
        assert!(NhsNumber::parse("94347659A9").is_err());
        assert_eq!(NhsNumber::parse("").unwrap_err().to_string(), "Enter the NHS number");
    }

    #[test]
    fn check_digit_of_ten_means_no_valid_number() {
        // 1234567890 -> sum = 1*10+2*9+3*8+4*7+5*6+6*5+7*4+8*3+9*2 = 210, 210 mod 11 = 1, 11-1 = 10.
        assert_eq!(NhsNumber::check_digit("123456789"), None);
        assert!((0..10).all(|d| NhsNumber::parse(&format!("123456789{d}")).is_err()));
    }

    #[test]
    fn check_digit_of_eleven_becomes_zero() {
        // Find nine digits whose sum is divisible by 11 and check that 0 is the valid check digit.
        let nine = "000000000";
        assert_eq!(NhsNumber::check_digit(nine), Some(0));
        assert!(NhsNumber::parse("0000000000").is_ok());
    }
}
