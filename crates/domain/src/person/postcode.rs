//! UK postcodes, normalised to upper case with one space before the inward code.

use crate::{DomainError, Result};
use std::fmt;

/// A UK postcode in its normal form (`LS1 4AP`). Parsing checks the shape of the outward and
/// inward codes; it does not prove the postcode exists (the NSPL lookup does that).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(into = "String")]
pub struct Postcode(String);

const FIELD: &str = "postcode";

impl Postcode {
    pub fn parse(raw: &str) -> Result<Self> {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        if compact.is_empty() {
            return Err(DomainError::invalid(FIELD, "Enter the postcode"));
        }
        let invalid = || DomainError::invalid(FIELD, "Enter a full UK postcode, like LS1 4AP");
        if !(5..=7).contains(&compact.len()) || !compact.is_ascii() {
            return Err(invalid());
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        if !valid_outward(outward) || !valid_inward(inward) {
            return Err(invalid());
        }
        Ok(Self(format!("{outward} {inward}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The outward code (`LS1`), enough to place a person coarsely without identifying them.
    pub fn outward(&self) -> &str {
        self.0.split(' ').next().unwrap_or_default()
    }
}

/// Outward codes: A9, A99, AA9, AA99, A9A, AA9A.
fn valid_outward(s: &str) -> bool {
    let b = s.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if !(1..=2).contains(&letters) {
        return false;
    }
    let rest = &b[letters..];
    match rest {
        [d] => d.is_ascii_digit(),
        [d, x] => d.is_ascii_digit() && x.is_ascii_alphanumeric(),
        _ => false,
    }
}

/// Inward codes: 9AA.
fn valid_inward(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 3 && b[0].is_ascii_digit() && b[1].is_ascii_alphabetic() && b[2].is_ascii_alphabetic()
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Postcode> for String {
    fn from(p: Postcode) -> String {
        p.0
    }
}

impl TryFrom<String> for Postcode {
    type Error = DomainError;
    fn try_from(raw: String) -> Result<Self> {
        Self::parse(&raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_spacing() {
        for (raw, normal) in [("ls14ap", "LS1 4AP"), ("  sw1a 1aa ", "SW1A 1AA"), ("M1 1AE", "M1 1AE"), ("b338th", "B33 8TH"), ("CR2 6XH", "CR2 6XH"), ("DN55 1PT", "DN55 1PT"), ("W1A0AX", "W1A 0AX")] {
            assert_eq!(Postcode::parse(raw).unwrap().as_str(), normal, "{raw}");
        }
    }

    #[test]
    fn rejects_malformed() {
        for raw in ["", "LS1", "LS1 4A", "1S1 4AP", "LS1 A4P", "LSS1 4AP", "LS1 4AP9", "ŁS1 4AP"] {
            assert!(Postcode::parse(raw).is_err(), "{raw}");
        }
        assert_eq!(Postcode::parse("").unwrap_err().to_string(), "Enter the postcode");
    }

    #[test]
    fn outward_code() {
        assert_eq!(Postcode::parse("sw1a1aa").unwrap().outward(), "SW1A");
    }
}
