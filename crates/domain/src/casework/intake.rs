//! Referrals that arrive without an NHS number: self-referrals from the public form and referrals
//! from VCSE organisations. They wait in the triage queue as *incoming referrals* until a link
//! worker confirms who the person is and turns them into a referral, or declines them.

use crate::{DomainError, Result};
use crate::text::coded_enum;

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

/// A UK phone number, normalised to its national digits (`07700900982`). Accepted as typed or
/// pasted: spaces, dashes, dots and brackets are ignored, and `+44`/`0044` (with or without a
/// `(0)`) stands for the leading 0. Only the ranges people are reached on are accepted: 01 and 02
/// (geographic), 03 (non-geographic at local rates), 05 (corporate and internet phone), 07
/// (mobile and personal) and 08 (freephone and special services), each with its length.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self> {
        Self::parse_field("phone", raw)
    }

    /// As [`PhoneNumber::parse`], for the form field `field` (a mobile or a home phone box).
    pub fn parse_field(field: &'static str, raw: &str) -> Result<Self> {
        let compact: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.')).collect();
        let international = compact.strip_prefix("+44").or_else(|| compact.strip_prefix("0044"));
        let national = match international {
            Some(rest) => format!("0{}", rest.strip_prefix('0').unwrap_or(rest)),
            None => compact,
        };
        let digits_ok = national.bytes().all(|b| b.is_ascii_digit());
        let length_ok = match national.get(..2) {
            Some("01") | Some("08") => (10..=11).contains(&national.len()),
            Some("02") | Some("03") | Some("05") | Some("07") => national.len() == 11,
            _ => false,
        };
        if digits_ok && length_ok {
            Ok(Self(national))
        } else {
            Err(DomainError::invalid(field, "Enter a UK phone number, like 0113 496 0000 or 07700 900 982"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A mobile number (071–075, 077–079 and the Isle of Man's 07624): one that can take a text.
    /// 070 numbers are personal numbers and 076 pagers.
    pub fn is_mobile(&self) -> bool {
        let n = &self.0;
        n.len() == 11 && (matches!(&n[..3], "071" | "072" | "073" | "074" | "075" | "077" | "078" | "079") || n.starts_with("07624"))
    }

    /// The number grouped as people write it: `07700 900982`, `020 7946 0000`, `0113 496 0000`,
    /// `01632 960000`, `0300 123 4567`.
    pub fn display(&self) -> String {
        let n = &self.0;
        let split = |at: &[usize]| {
            let mut out = String::with_capacity(n.len() + at.len());
            let mut from = 0;
            for &to in at.iter().filter(|&&to| to < n.len()) {
                out.push_str(&n[from..to]);
                out.push(' ');
                from = to;
            }
            out.push_str(&n[from..]);
            out
        };
        if n.starts_with("02") {
            split(&[3, 7])
        } else if n.starts_with("07") {
            split(&[5])
        } else if (n.starts_with("011") || (n.starts_with("01") && n.as_bytes().get(3) == Some(&b'1'))) || !n.starts_with("01") {
            // 0113 (city codes like 0113, 0161) and the non-geographic 03, 05 and 08.
            split(&[4, 7])
        } else {
            split(&[5])
        }
    }
}

impl std::fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
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
        for bad in ["", "12345", "0113 496 000a", "+1 202 555 0100", "011349600000000", "0909 879 0000", "07700 90098", "020 7946 000", "0044"] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(PhoneNumber::parse("+44 (0)20 7946 0000").unwrap().as_str(), "02079460000");
        assert_eq!(PhoneNumber::parse("0044 7700.900.982").unwrap().as_str(), "07700900982");
        assert_eq!(PhoneNumber::parse_field("mobile", "1").unwrap_err().field(), Some("mobile"));
    }

    #[test]
    fn phone_numbers_are_grouped_as_people_write_them() {
        for (raw, shown) in [("07700900982", "07700 900982"), ("02079460000", "020 7946 0000"), ("01134960000", "0113 496 0000"), ("01619460000", "0161 946 0000"), ("01632960000", "01632 960000"), ("03001234567", "0300 123 4567"), ("0800123456", "0800 123 456")] {
            assert_eq!(PhoneNumber::parse(raw).unwrap().display(), shown, "{raw}");
        }
    }

    #[test]
    fn mobiles_are_told_from_other_numbers() {
        assert!(PhoneNumber::parse("07700 900982").unwrap().is_mobile());
        assert!(PhoneNumber::parse("07624 123456").unwrap().is_mobile());
        for other in ["0113 496 0000", "07002 123456", "07600 123456", "0300 123 4567"] {
            assert!(!PhoneNumber::parse(other).unwrap().is_mobile(), "{other}");
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
