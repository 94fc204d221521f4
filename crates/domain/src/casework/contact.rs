//! Contacts between the link worker and the person.

use crate::{DomainError, Result};
use crate::text::coded_enum;

coded_enum! {
    ContactMode, field = "mode", prompt = "Select how the contact happened" {
        FaceToFace = "face_to_face", "Face to face";
        Phone = "phone", "Phone";
        Video = "video", "Video";
        HomeVisit = "home_visit", "Home visit";
        Group = "group", "Group";
    }
}

/// Length of a contact in minutes: 1 to 600 (a working day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Minutes(u16);

impl Minutes {
    pub fn parse(raw: &str) -> Result<Self> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(DomainError::invalid("minutes", "Enter how many minutes the contact took"));
        }
        let n: u32 = raw.parse().map_err(|_| DomainError::invalid("minutes", "Minutes must be a whole number, like 45"))?;
        Self::new(n)
    }

    pub fn new(n: u32) -> Result<Self> {
        if !(1..=600).contains(&n) {
            return Err(DomainError::invalid("minutes", "Minutes must be between 1 and 600"));
        }
        Ok(Self(n as u16))
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_in_range() {
        assert_eq!(Minutes::parse(" 45 ").unwrap().get(), 45);
        assert!(Minutes::parse("0").is_err());
        assert!(Minutes::parse("601").is_err());
        assert!(Minutes::parse("-3").is_err());
        assert!(Minutes::parse("4.5").is_err());
        assert!(Minutes::parse("99999999999999").is_err());
    }
}
