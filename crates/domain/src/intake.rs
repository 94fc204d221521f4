//! Referrals that arrive without an NHS number: self-referrals from the public form and referrals
//! from VCSE organisations. They wait in the triage queue as *incoming referrals* until a link
//! worker confirms who the person is and turns them into a referral, or declines them.

use crate::text::coded_enum;
use crate::{DomainError, Result};

coded_enum! {
    /// Where an incoming referral came from.
    IncomingSource, field = "source", prompt = "Select where the referral came from" {
        SelfReferral = "self", "Self-referral";
        Vcse = "vcse", "Voluntary or community organisation";
    }
}

coded_enum! {
    IncomingStatus, field = "status", prompt = "Select a status" {
        Pending = "pending", "Waiting for triage";
        Converted = "converted", "Taken on as a referral";
        Declined = "declined", "Declined";
    }
}

/// A UK phone number: 10 or 11 digits starting with 0, or +44 and the number without its 0.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self> {
        let compact: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
        let national = match compact.strip_prefix("+44") {
            Some(rest) => format!("0{}", rest.trim_start_matches('0')),
            None => compact,
        };
        if national.starts_with('0') && (10..=11).contains(&national.len()) && national.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(national))
        } else {
            Err(DomainError::invalid("phone", "Enter a UK phone number, like 0113 496 0000 or 07700 900 982"))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address, checked for the shape people get wrong (one @, a dot in the domain, no spaces).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self> {
        let raw = raw.trim();
        let ok = raw.len() <= 254
            && !raw.contains(char::is_whitespace)
            && !raw.contains(char::is_control)
            && raw.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && !domain.contains('@') && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.'));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::invalid("email", "Enter an email address in the correct format, like name@example.com"))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The reference shown to someone who referred themselves: 8 characters from an alphabet without
/// look-alikes (no 0/O, 1/I/L), grouped `LW-XXXX-XXXX`.
pub fn reference_from(random: [u8; 8]) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let chars: String = random.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect();
    format!("LW-{}-{}", &chars[..4], &chars[4..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers() {
        assert_eq!(PhoneNumber::parse("0113 496 0000").unwrap().as_str(), "01134960000");
        assert_eq!(PhoneNumber::parse("+44 7700 900982").unwrap().as_str(), "07700900982");
        assert_eq!(PhoneNumber::parse("(0113) 496-0000").unwrap().as_str(), "01134960000");
        for bad in ["", "12345", "0113 496 000a", "+1 202 555 0100", "011349600000000"] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn email_addresses() {
        assert!(EmailAddress::parse(" a.b@example.org ").is_ok());
        for bad in ["", "a", "a@b", "@example.org", "a@@example.org", "a b@example.org", "a@example."] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn references_are_unambiguous() {
        let r = reference_from([0, 1, 2, 3, 250, 251, 252, 255]);
        assert_eq!(r.len(), 12);
        assert!(r.starts_with("LW-"));
        assert!(!r[3..].contains(['0', 'O', '1', 'I', 'L']));
    }
}
